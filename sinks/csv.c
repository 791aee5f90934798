/*
 * csv.c - RFC 4180 CSV from events (see sinks/csv_sink.h).
 */
#include "sinks/csv_sink.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "sinks/render_text.h"
#include "syscalls/syscalls.h"

#define FLUSH_AT (64u * 1024u)

void rn_csv_field(struct rn_sbuf *b, const char *p, size_t n)
{
	int quote = 0;
	if (!n)
		return; /* an empty field (p may be NULL) */
	for (size_t i = 0; i < n && !quote; i++)
		quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
	if (!quote) {
		rn_sbuf_put(b, p, n);
		return;
	}
	rn_sbuf_putc(b, '"');
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '"')
			continue;
		rn_sbuf_put(b, p + from, i + 1 - from);
		rn_sbuf_putc(b, '"');
		from = i + 1;
	}
	rn_sbuf_put(b, p + from, n - from);
	rn_sbuf_putc(b, '"');
}

static void field_cstr(struct rn_sbuf *b, const char *s)
{
	rn_csv_field(b, s, strlen(s));
}

/* The field built in s->tmp. */
static void field_tmp(struct rn_csv_sink *s)
{
	rn_csv_field(&s->out, s->tmp.p, s->tmp.len);
	rn_sbuf_reset(&s->tmp);
}

void rn_csv_sink_init(struct rn_csv_sink *s, const struct rn_options *opt, int timing,
		      rn_sink_write_fn write, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->timing = timing;
	s->write = write;
	s->ctx = ctx;
	rn_calls_init(&s->calls);
	/* The same columns whatever the options, so that one reader takes
	 * every file; the later ones were added after the first four and
	 * come last, where a reader by position does not see them. */
	rn_sbuf_puts(&s->out, "pid,syscall,arguments,result,seq,ts_ns,duration_ns,error,"
			      "tid,time_ns,return,errno\r\n");
}

int rn_csv_sink_flush(struct rn_csv_sink *s)
{
	if (s->out.len && !s->error)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
	return s->error;
}

static int is_unsigned_type(int t)
{
	return t == RN_T_HEX || t == RN_T_PTR || t == RN_T_ULONG || t == RN_T_OCTAL ||
	       t == RN_T_UINT;
}

/* seq .. errno and the end of the record; exit NULL for a process event
 * or a call that never returned (no return, no errno). */
static void end_row(struct rn_csv_sink *s, uint64_t seq, uint64_t ts, int has_duration,
		    uint64_t duration, const char *error, int32_t tid,
		    const struct rn_event *exit)
{
	struct rn_sbuf *b = &s->out;
	rn_sbuf_printf(b, ",%" PRIu64 ",", seq);
	if (ts)
		rn_sbuf_printf(b, "%" PRIu64, ts);
	rn_sbuf_putc(b, ',');
	if (has_duration)
		rn_sbuf_printf(b, "%" PRIu64, duration);
	rn_sbuf_putc(b, ',');
	if (error)
		field_cstr(b, error);
	rn_sbuf_printf(b, ",%" PRId32 ",", tid);
	if (ts && s->real_minus_mono)
		rn_sbuf_printf(b, "%" PRIu64, ts + (uint64_t)s->real_minus_mono);
	rn_sbuf_putc(b, ',');
	/* return as JSON's: -1 on error, unsigned for addresses */
	if (exit && exit->is_error)
		rn_sbuf_puts(b, "-1");
	else if (exit && exit->ret_type != RN_T_NONE && is_unsigned_type(exit->ret_type))
		rn_sbuf_printf(b, "%" PRIu64, (uint64_t)exit->ret);
	else if (exit && exit->ret_type != RN_T_NONE)
		rn_sbuf_printf(b, "%" PRId64, exit->ret);
	rn_sbuf_putc(b, ',');
	if (exit && exit->is_error)
		rn_sbuf_printf(b, "%" PRId64, -exit->ret);
	rn_sbuf_puts(b, "\r\n");
	if (b->len >= FLUSH_AT)
		rn_csv_sink_flush(s);
}

static void emit_call(struct rn_csv_sink *s, const struct rn_event *entry,
		      const struct rn_event *exit, const struct rn_event *at)
{
	struct rn_sbuf *b = &s->out;
	char scratch[32], errbuf[24];
	int32_t nr = entry ? entry->nr : exit ? exit->nr : at->nr;

	if (!rn_call_status_shown(s->opt, exit, at))
		return; /* -e status=, -z, -Z */

	const struct rn_event *who = entry ? entry : at;
	rn_sbuf_printf(b, "%d,", who->tgid ? who->tgid : who->tid);
	field_cstr(b, rn_call_name(nr, scratch));
	rn_sbuf_putc(b, ',');
	rn_call_arguments(&s->tmp, s->opt, entry, exit);
	field_tmp(s);
	rn_sbuf_putc(b, ',');
	rn_call_result(&s->tmp, s->opt, exit);
	field_tmp(s);

	uint64_t ts = entry ? entry->ts_ns : exit && exit->entry_ts_ns ? exit->entry_ts_ns : 0;
	const char *error = NULL;
	if (exit && exit->is_error) {
		error = rn_errno_name((int)-exit->ret);
		if (!error) {
			snprintf(errbuf, sizeof(errbuf), "%" PRId64, -exit->ret);
			error = errbuf;
		}
	}
	end_row(s, entry ? entry->seq : at->seq, ts, exit && ts && exit->ts_ns >= ts,
		exit ? exit->ts_ns - ts : 0, error, at->tid, exit);
}

static void finish_pending(struct rn_csv_sink *s, const struct rn_event *at, int known)
{
	struct rn_event *entry = rn_calls_take(&s->calls, at->tid);
	if (entry || known)
		emit_call(s, entry, NULL, entry ? entry : at);
	rn_event_free_copy(entry);
}

static const char *signame(int64_t sig, char *scratch)
{
	const char *name = rn_signal_name((int)sig);
	if (name)
		return name;
	snprintf(scratch, 32, "%d", (int)sig);
	return scratch;
}

/* pid,marker,arguments,result for a process event. */
static void process_row(struct rn_csv_sink *s, const struct rn_event *ev, const char *marker,
			const char *markarg, const char *result)
{
	struct rn_sbuf *b = &s->out;
	rn_sbuf_printf(b, "%d,", ev->tgid ? ev->tgid : ev->tid);
	rn_sbuf_reset(&s->tmp);
	rn_sbuf_puts(&s->tmp, marker);
	if (markarg) {
		rn_sbuf_putc(&s->tmp, ' ');
		rn_sbuf_puts(&s->tmp, markarg);
	}
	field_tmp(s);
	rn_sbuf_putc(b, ',');
	if (ev->kind == RN_EV_SIGNAL)
		rn_text_values(&s->tmp, s->opt, ev->v, ev->bytes, 0, ev->nv);
	field_tmp(s);
	rn_sbuf_putc(b, ',');
	if (result)
		field_cstr(b, result);
	end_row(s, ev->seq, ev->ts_ns, 0, 0, NULL, ev->tid, NULL);
}

void rn_csv_sink_event(struct rn_csv_sink *s, const struct rn_event *ev)
{
	char scratch[32], num[64];
	struct rn_event *entry;

	switch (ev->kind) {
	case RN_EV_ENTRY:
		rn_calls_enter(&s->calls, ev);
		break;
	case RN_EV_EXIT:
		entry = rn_calls_take(&s->calls, ev->tid);
		emit_call(s, entry, ev, ev);
		rn_event_free_copy(entry);
		break;
	case RN_EV_SIGNAL:
		process_row(s, ev, "---", signame(ev->ret, scratch), NULL);
		break;
	case RN_EV_GROUP_STOP:
		process_row(s, ev, "--- stopped", NULL, signame(ev->ret, scratch));
		break;
	case RN_EV_EXITED:
		finish_pending(s, ev, ev->finish_pending);
		snprintf(num, sizeof(num), "%d", (int)ev->ret);
		process_row(s, ev, "+++ exited", NULL, num);
		break;
	case RN_EV_KILLED:
		finish_pending(s, ev, ev->finish_pending);
		snprintf(num, sizeof(num), "%s%s", signame(ev->ret, scratch),
			 ev->aux ? " (core dumped)" : "");
		process_row(s, ev, "+++ killed", NULL, num);
		break;
	case RN_EV_SUPERSEDED:
		finish_pending(s, ev, ev->finish_pending);
		rn_calls_move(&s->calls, (int32_t)ev->ret, ev->tid);
		snprintf(num, sizeof(num), "%d", (int)ev->ret);
		process_row(s, ev, "+++ superseded", NULL, num);
		break;
	case RN_EV_NEW_TASK:
		snprintf(num, sizeof(num), "%d", (int)ev->ret);
		process_row(s, ev, ev->aux ? "+++ clone" : "+++ fork", NULL, ev->ret ? num : NULL);
		break;
	case RN_EV_ATTACHED:
		snprintf(num, sizeof(num), "%d", (int)ev->ret);
		process_row(s, ev, "+++ attached", NULL, num);
		break;
	case RN_EV_DETACHED:
		/* the result says why the task was let go: its end signal, or
		 * the reason's name (empty when the run did not say) */
		finish_pending(s, ev, 0);
		process_row(s, ev, "+++ detached", NULL,
			    ev->aux == RN_LET_GO_SIGNAL && ev->ret ? signame(ev->ret, num)
								   : rn_let_go_name(ev->aux));
		break;
	default:
		break;
	}
}

int rn_csv_sink_finish(struct rn_csv_sink *s)
{
	struct rn_event *entry;
	while ((entry = rn_calls_take_oldest(&s->calls))) {
		emit_call(s, entry, NULL, entry);
		rn_event_free_copy(entry);
	}
	return rn_csv_sink_flush(s);
}

void rn_csv_sink_free(struct rn_csv_sink *s)
{
	rn_calls_free(&s->calls);
	rn_sbuf_free(&s->out);
	rn_sbuf_free(&s->tmp);
}
