/*
 * calls.c - pending entries and the text of whole calls (see
 * sinks/calls.h).
 */
#include "sinks/calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/render_text.h"
#include "syscalls/syscalls.h"

struct rn_call_slot {
	struct rn_call_slot *chain;      /* the next of its bucket */
	struct rn_call_slot *prev, *next; /* order of entry */
	struct rn_event *ev;
};

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

static uint32_t bucket_of(const struct rn_calls *c, int32_t tid)
{
	/* Fibonacci hashing: consecutive tids (the usual case) land in
	 * different buckets whatever the table's size. */
	uint32_t h = (uint32_t)tid * 2654435761u;
	return (h ^ (h >> 15)) & (c->nbuckets - 1);
}

void rn_calls_init(struct rn_calls *c)
{
	memset(c, 0, sizeof(*c));
}

void rn_calls_free(struct rn_calls *c)
{
	struct rn_call_slot *s = c->first;
	while (s) {
		struct rn_call_slot *next = s->next;
		rn_event_free_copy(s->ev);
		free(s);
		s = next;
	}
	free(c->bucket);
	rn_calls_init(c);
}

static void link_chain(struct rn_calls *c, struct rn_call_slot *s)
{
	uint32_t b = bucket_of(c, s->ev->tid);
	s->chain = c->bucket[b];
	c->bucket[b] = s;
}

/* At most one entry per bucket on average: the table doubles when the
 * entries outnumber the buckets. */
static void grow(struct rn_calls *c)
{
	uint32_t cap = c->nbuckets ? 2 * c->nbuckets : 64;
	struct rn_call_slot **t = calloc(cap, sizeof(*t));
	if (!t)
		oom();
	free(c->bucket);
	c->bucket = t;
	c->nbuckets = cap;
	for (struct rn_call_slot *s = c->first; s; s = s->next)
		link_chain(c, s);
}

/* Unlink tid's slot from its chain (not from the order): it, or NULL. */
static struct rn_call_slot *unchain(struct rn_calls *c, int32_t tid)
{
	if (!c->nbuckets)
		return NULL;
	for (struct rn_call_slot **pp = &c->bucket[bucket_of(c, tid)]; *pp; pp = &(*pp)->chain) {
		struct rn_call_slot *s = *pp;
		if (s->ev->tid == tid) {
			*pp = s->chain;
			return s;
		}
	}
	return NULL;
}

/* Unlink a slot from the order, free it, and hand its event out. */
static struct rn_event *release(struct rn_calls *c, struct rn_call_slot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->first = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		c->last = s->prev;
	struct rn_event *ev = s->ev;
	free(s);
	c->n--;
	return ev;
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
	s->next = NULL;
	s->prev = c->last;
	if (c->last) {
		c->last->next = s;
		if (c->last->ev->seq > entry->seq)
			c->unsorted = 1;
	} else {
		c->first = s;
	}
	c->last = s;
	c->n++;
	if (c->n > c->nbuckets && c->nbuckets < (1u << 31))
		grow(c); /* links s with the others */
	else
		link_chain(c, s);
}

struct rn_event *rn_calls_take(struct rn_calls *c, int32_t tid)
{
	struct rn_call_slot *s = unchain(c, tid);
	return s ? release(c, s) : NULL;
}

void rn_calls_move(struct rn_calls *c, int32_t from, int32_t to)
{
	if (from == to)
		return;
	struct rn_call_slot *s = unchain(c, from);
	if (!s)
		return;
	/* It keeps its place in the order (its seq has not changed); an
	 * older entry of `to` can have no exit any more. */
	rn_event_free_copy(rn_calls_take(c, to));
	s->ev->tid = to;
	link_chain(c, s);
}

/* Stable merge sort of the order by seq (ties keep the order of entry). */
static struct rn_call_slot *sort_by_seq(struct rn_call_slot *list, size_t n)
{
	if (n < 2) {
		if (list)
			list->next = NULL;
		return list;
	}
	struct rn_call_slot *second = list;
	for (size_t i = 0; i < n / 2; i++)
		second = second->next;
	struct rn_call_slot *a = sort_by_seq(list, n / 2);
	struct rn_call_slot *b = sort_by_seq(second, n - n / 2);
	struct rn_call_slot head = { 0 }, *t = &head;
	while (a && b) {
		if (b->ev->seq < a->ev->seq) {
			t->next = b;
			b = b->next;
		} else {
			t->next = a;
			a = a->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

struct rn_event *rn_calls_take_oldest(struct rn_calls *c)
{
	if (c->unsorted) {
		c->first = sort_by_seq(c->first, c->n);
		struct rn_call_slot *prev = NULL;
		for (struct rn_call_slot *s = c->first; s; s = s->next) {
			s->prev = prev;
			prev = s;
		}
		c->last = prev;
		c->unsorted = 0;
	}
	struct rn_call_slot *s = c->first;
	if (!s)
		return NULL;
	unchain(c, s->ev->tid); /* s itself: one entry per tid */
	return release(c, s);
}

void rn_call_arguments(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_event *entry, const struct rn_event *exit)
{
	unsigned n = 0;
	if (entry)
		n = rn_text_values(b, opt, entry->v, entry->bytes, 0, entry->nv);
	if (exit && exit->nv) {
		/* The exit's values may all go after the return value (poll's
		 * revents): the separator only before one that is written. */
		size_t mark = b->len;
		if (n)
			rn_sbuf_puts(b, ", ");
		if (!rn_text_values(b, opt, exit->v, exit->bytes, 0, exit->nv))
			b->len = mark;
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
	if (rn_nr_is_i386(nr)) {
		snprintf(scratch, 32, "syscall_%#x@32", (unsigned)(nr & RN_NR_I386_MASK));
		return scratch;
	}
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
