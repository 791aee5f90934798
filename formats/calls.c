/*
 * calls.c - pending entries and the text of whole calls (see
 * include/renacer/calls.h).
 */
#include "renacer/calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renacer/render_text.h"
#include "renacer/syscalls.h"

struct rn_call_slot {
	struct rn_call_slot *next;
	struct rn_event *ev;
};

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

static unsigned bucket_of(int32_t tid)
{
	return (unsigned)tid % RN_CALLS_BUCKETS;
}

void rn_calls_init(struct rn_calls *c)
{
	memset(c, 0, sizeof(*c));
}

void rn_calls_free(struct rn_calls *c)
{
	for (unsigned i = 0; i < RN_CALLS_BUCKETS; i++) {
		struct rn_call_slot *s = c->bucket[i];
		while (s) {
			struct rn_call_slot *next = s->next;
			rn_event_free_copy(s->ev);
			free(s);
			s = next;
		}
		c->bucket[i] = NULL;
	}
	c->n = 0;
}

struct rn_event *rn_event_copy(const struct rn_event *ev)
{
	_Static_assert(sizeof(struct rn_event) % _Alignof(struct rn_value) == 0,
		       "nodes follow the event in one block");
	size_t nodes = (size_t)ev->nv * sizeof(struct rn_value);
	unsigned char *block = malloc(sizeof(struct rn_event) + nodes + ev->nbytes);
	if (!block)
		oom();
	struct rn_event *copy = (struct rn_event *)block;
	*copy = *ev;
	copy->v = (struct rn_value *)(block + sizeof(struct rn_event));
	copy->bytes = block + sizeof(struct rn_event) + nodes;
	if (nodes)
		memcpy(copy->v, ev->v, nodes);
	if (ev->nbytes)
		memcpy(copy->bytes, ev->bytes, ev->nbytes);
	return copy;
}

void rn_event_free_copy(struct rn_event *ev)
{
	free(ev);
}

void rn_calls_enter(struct rn_calls *c, const struct rn_event *entry)
{
	rn_event_free_copy(rn_calls_take(c, entry->tid));
	struct rn_call_slot *s = malloc(sizeof(*s));
	if (!s)
		oom();
	s->ev = rn_event_copy(entry);
	unsigned b = bucket_of(entry->tid);
	s->next = c->bucket[b];
	c->bucket[b] = s;
	c->n++;
}

struct rn_event *rn_calls_take(struct rn_calls *c, int32_t tid)
{
	for (struct rn_call_slot **pp = &c->bucket[bucket_of(tid)]; *pp; pp = &(*pp)->next) {
		struct rn_call_slot *s = *pp;
		if (s->ev->tid != tid)
			continue;
		*pp = s->next;
		struct rn_event *ev = s->ev;
		free(s);
		c->n--;
		return ev;
	}
	return NULL;
}

void rn_calls_move(struct rn_calls *c, int32_t from, int32_t to)
{
	if (from == to)
		return;
	struct rn_event *ev = rn_calls_take(c, from);
	if (!ev)
		return;
	ev->tid = to;
	rn_calls_enter(c, ev);
	rn_event_free_copy(ev);
}

struct rn_event *rn_calls_take_oldest(struct rn_calls *c)
{
	struct rn_call_slot **best = NULL;
	for (unsigned i = 0; i < RN_CALLS_BUCKETS; i++)
		for (struct rn_call_slot **pp = &c->bucket[i]; *pp; pp = &(*pp)->next)
			if (!best || (*pp)->ev->seq < (*best)->ev->seq)
				best = pp;
	if (!best)
		return NULL;
	struct rn_call_slot *s = *best;
	*best = s->next;
	struct rn_event *ev = s->ev;
	free(s);
	c->n--;
	return ev;
}

void rn_call_arguments(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_event *entry, const struct rn_event *exit)
{
	unsigned n = 0;
	if (entry)
		n = rn_text_values(b, opt, entry->v, entry->bytes, 0, entry->nv);
	if (exit && exit->nv) {
		if (n)
			rn_sbuf_puts(b, ", ");
		rn_text_values(b, opt, exit->v, exit->bytes, 0, exit->nv);
	}
}

void rn_call_result(struct rn_sbuf *b, const struct rn_options *opt, const struct rn_event *exit)
{
	if (!exit) {
		rn_sbuf_putc(b, '?');
		return;
	}
	/* rn_text_result writes "= ..."; render it and drop the "= ". */
	size_t start = b->len;
	rn_text_result(b, exit->ret, exit->is_error, exit->ret_type);
	if (b->len >= start + 2 && b->p[start] == '=' && b->p[start + 1] == ' ') {
		memmove(b->p + start, b->p + start + 2, b->len - start - 2);
		b->len -= 2;
	}
	if (exit->ret_path_len && (uint64_t)exit->ret_path_off + exit->ret_path_len <= exit->nbytes)
		rn_text_fd_path(b, opt, exit->bytes + exit->ret_path_off, exit->ret_path_len);
}

const char *rn_call_name(int32_t nr, char *scratch)
{
	const struct rn_syscall *sc = rn_syscall_get(nr);
	if (sc)
		return sc->name;
	/* The number the tracee passed, as a long: syscall(-1) is all ones,
	 * as strace shows it (the kernel itself looks at the low 32 bits). */
	snprintf(scratch, 32, "syscall_%#llx",
		 nr < 0 ? (unsigned long long)(long long)nr : (unsigned long long)nr);
	return scratch;
}

int rn_call_status_shown(const struct rn_options *opt, const struct rn_event *exit,
			 const struct rn_event *at)
{
	unsigned st = exit ? (exit->is_error ? RN_STATUS_FAILED : RN_STATUS_SUCCESSFUL)
		      : at->kind == RN_EV_DETACHED ? RN_STATUS_DETACHED
						    : RN_STATUS_UNFINISHED;
	return rn_filter_status_shown(&opt->filter, st);
}
