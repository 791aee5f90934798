/*
 * json.c - JSON Lines from events (see sinks/json_sink.h; the
 * fields are documented in capture/CAPTURE.md, "JSON Lines").
 */
#include "sinks/json_sink.h"

#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "syscalls/syscalls.h"
#include "base/utf8.h"

#define FLUSH_AT (64u * 1024u)

/* ---- scalars and strings ---------------------------------------------- */

static void put_u64(struct rn_sbuf *b, uint64_t u)
{
	char tmp[24];
	int i = (int)sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	rn_sbuf_put(b, tmp + i, sizeof(tmp) - (size_t)i);
}

static void put_i64(struct rn_sbuf *b, int64_t i)
{
	if (i < 0) {
		rn_sbuf_putc(b, '-');
		put_u64(b, (uint64_t)0 - (uint64_t)i);
	} else {
		put_u64(b, (uint64_t)i);
	}
}

/* JSON string body: UTF-8 as is, what JSON must escape escaped, a byte
 * that is not UTF-8 as strace's \ooo (which JSON spells "\\ooo"). */
static void put_escaped(struct rn_sbuf *b, const unsigned char *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			rn_sbuf_put(b, p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t k = rn_utf8_len(p + i, n - i);
			if (k) {
				rn_sbuf_put(b, p + i, k);
				i += k;
			} else {
				char esc[6] = { '\\', '\\', (char)('0' + (c >> 6)),
						(char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7)), 0 };
				rn_sbuf_put(b, esc, 5);
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			rn_sbuf_puts(b, "\\\"");
			break;
		case '\\':
			rn_sbuf_puts(b, "\\\\");
			break;
		case '\n':
			rn_sbuf_puts(b, "\\n");
			break;
		case '\r':
			rn_sbuf_puts(b, "\\r");
			break;
		case '\t':
			rn_sbuf_puts(b, "\\t");
			break;
		case '\b':
			rn_sbuf_puts(b, "\\b");
			break;
		case '\f':
			rn_sbuf_puts(b, "\\f");
			break;
		default: { /* other control characters and DEL */
			char esc[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
			rn_sbuf_put(b, esc, 6);
			break;
		}
		}
		i++;
	}
}

void rn_json_text(struct rn_sbuf *b, const void *p, size_t n)
{
	rn_sbuf_putc(b, '"');
	put_escaped(b, p, n);
	rn_sbuf_putc(b, '"');
}

static void put_text_cstr(struct rn_sbuf *b, const char *s)
{
	rn_json_text(b, s, strlen(s));
}

/* A byte string, losslessly: a JSON string when it is UTF-8 and whole,
 * else {"str":...} / {"hex":...} with "truncated":true when cut at -s. */
static void put_bytes(struct rn_sbuf *b, const unsigned char *p, size_t n, int truncated)
{
	static const char hexd[] = "0123456789abcdef";
	int utf8 = rn_utf8_valid(p, n);
	if (utf8 && !truncated) {
		rn_json_text(b, p, n);
		return;
	}
	if (utf8) {
		rn_sbuf_puts(b, "{\"str\":");
		rn_json_text(b, p, n);
	} else {
		rn_sbuf_puts(b, "{\"hex\":\"");
		rn_sbuf_reserve(b, 2 * n);
		for (size_t i = 0; i < n; i++) {
			b->p[b->len++] = hexd[p[i] >> 4];
			b->p[b->len++] = hexd[p[i] & 15];
		}
		rn_sbuf_putc(b, '"');
	}
	if (truncated)
		rn_sbuf_puts(b, ",\"truncated\":true");
	rn_sbuf_putc(b, '}');
}

/* ---- typed values ------------------------------------------------------ */

static uint32_t next_of(const struct rn_value *v, uint32_t i)
{
	/* A malformed tree must not loop: a subtree ends past its node. */
	return v[i].end > i ? v[i].end : i + 1;
}

static void put_key(struct rn_sbuf *b, const char *name, uint32_t index)
{
	if (name) {
		put_text_cstr(b, name);
	} else {
		rn_sbuf_putc(b, '"');
		put_u64(b, index);
		rn_sbuf_putc(b, '"');
	}
	rn_sbuf_putc(b, ':');
}

uint32_t rn_json_value(struct rn_sbuf *b, const struct rn_value *v, const unsigned char *bytes,
		       uint32_t i)
{
	const struct rn_value *x = &v[i];
	uint32_t end = next_of(v, i), k, n;
	int first = 1;

	switch (x->kind) {
	case RN_V_INT:
		put_i64(b, x->i);
		break;
	case RN_V_UINT:
	case RN_V_HEX:
	case RN_V_OCTAL:
	case RN_V_PTR:
		put_u64(b, x->u);
		break;
	case RN_V_FD:
		/* A number with and without -y: the path is in the call's
		 * "fd_paths" (a consumer never tests for two types); AT_FDCWD
		 * by name, as without -y. */
		if (x->flags & RN_VF_FDCWD)
			rn_sbuf_puts(b, "\"AT_FDCWD\"");
		else
			put_i64(b, x->i);
		break;
	case RN_V_STR:
		put_bytes(b, bytes + x->off, x->len, (x->flags & RN_VF_TRUNCATED) != 0);
		break;
	case RN_V_NAME:
	case RN_V_TEXT:
		rn_json_text(b, bytes + x->off, x->len);
		break;
	case RN_V_FLAGS:
		rn_sbuf_putc(b, '[');
		for (k = i + 1; k < end; k = next_of(v, k)) {
			if (!first)
				rn_sbuf_putc(b, ',');
			first = 0;
			rn_json_value(b, v, bytes, k);
		}
		if (x->flags & RN_VF_LEFTOVER) {
			if (!first)
				rn_sbuf_putc(b, ',');
			put_u64(b, x->u);
		}
		rn_sbuf_putc(b, ']');
		break;
	case RN_V_STRUCT:
		if ((x->flags & RN_VF_CHANGED) && end > i + 1) {
			/* read at entry and again at exit: two children */
			rn_sbuf_puts(b, "{\"before\":");
			k = rn_json_value(b, v, bytes, i + 1);
			if (k < end) {
				rn_sbuf_puts(b, ",\"after\":");
				rn_json_value(b, v, bytes, k);
			}
			rn_sbuf_putc(b, '}');
			break;
		}
		rn_sbuf_putc(b, '{');
		for (k = i + 1, n = 0; k < end; k = next_of(v, k), n++) {
			if (!first)
				rn_sbuf_putc(b, ',');
			first = 0;
			put_key(b, v[k].name, n);
			rn_json_value(b, v, bytes, k);
		}
		if (x->flags & RN_VF_ELLIPSIS)
			rn_sbuf_puts(b, first ? "\"...\":true" : ",\"...\":true");
		rn_sbuf_putc(b, '}');
		break;
	case RN_V_ARRAY:
		if (x->flags & (RN_VF_ELLIPSIS | RN_VF_INVERTED))
			rn_sbuf_puts(b, "{\"items\":");
		rn_sbuf_putc(b, '[');
		for (k = i + 1; k < end; k = next_of(v, k)) {
			if (!first)
				rn_sbuf_putc(b, ',');
			first = 0;
			rn_json_value(b, v, bytes, k);
		}
		rn_sbuf_putc(b, ']');
		if (x->flags & RN_VF_INVERTED) /* ~[...]: all but these */
			rn_sbuf_puts(b, ",\"inverted\":true");
		if (x->flags & RN_VF_ELLIPSIS)
			rn_sbuf_puts(b, ",\"truncated\":true");
		if (x->flags & (RN_VF_ELLIPSIS | RN_VF_INVERTED))
			rn_sbuf_putc(b, '}');
		break;
	default: /* RN_V_UNKNOWN: "?" */
		rn_sbuf_puts(b, "null");
		break;
	}
	return end;
}

/* ---- the sink ---------------------------------------------------------- */

void rn_json_sink_init(struct rn_json_sink *s, const struct rn_options *opt,
		       rn_sink_write_fn write, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->write = write;
	s->ctx = ctx;
	rn_calls_init(&s->calls);
}

int rn_json_sink_flush(struct rn_json_sink *s)
{
	if (s->out.len && !s->error)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
	return s->error;
}

static void end_object(struct rn_json_sink *s)
{
	rn_sbuf_puts(&s->out, "}\n");
	if (s->out.len >= FLUSH_AT)
		rn_json_sink_flush(s);
}

/* The text in s->tmp as a JSON string. */
static void put_tmp(struct rn_json_sink *s)
{
	rn_json_text(&s->out, s->tmp.p, s->tmp.len);
	rn_sbuf_reset(&s->tmp);
}

static int is_unsigned_type(int t)
{
	return t == RN_T_HEX || t == RN_T_PTR || t == RN_T_ULONG || t == RN_T_OCTAL ||
	       t == RN_T_UINT;
}

#define MAX_KEYS 64

/* "args": the entry's top-level values, then the exit's, keyed by name. */
static void put_args(struct rn_json_sink *s, const struct rn_event *entry,
		     const struct rn_event *exit)
{
	struct rn_sbuf *b = &s->out;
	const char *seen[MAX_KEYS];
	unsigned nseen = 0, pos = 0;
	int first = 1;

	rn_sbuf_puts(b, "\"args\":{");
	for (int phase = 0; phase < 2; phase++) {
		const struct rn_event *ev = phase ? exit : entry;
		if (!ev)
			continue;
		for (uint32_t i = 0; i < ev->nv; i = next_of(ev->v, i), pos++) {
			const char *name = ev->v[i].name;
			int dup = 0;
			for (unsigned j = 0; name && j < nseen; j++)
				if (strcmp(seen[j], name) == 0)
					dup = 1;
			if (name && nseen < MAX_KEYS)
				seen[nseen++] = name;
			if (!first)
				rn_sbuf_putc(b, ',');
			first = 0;
			/* A name shown twice (read at entry and again at exit)
			 * keys its second value "name@exit" (or "name@N"). */
			rn_sbuf_reset(&s->tmp);
			if (!name)
				rn_sbuf_printf(&s->tmp, "arg%u", pos);
			else if (dup && phase)
				rn_sbuf_printf(&s->tmp, "%s@exit", name);
			else if (dup)
				rn_sbuf_printf(&s->tmp, "%s@%u", name, pos);
			else
				rn_sbuf_puts(&s->tmp, name);
			put_tmp(s);
			rn_sbuf_putc(b, ':');
			rn_json_value(b, ev->v, ev->bytes, i);
		}
	}
	rn_sbuf_putc(b, '}');
}

/* A descriptor's path as /proc/PID/fd shows it: the value's path, and
 * " (deleted)" after a file no longer linked (decode/value.h: path, NUL,
 * inside, NUL, after). */
static void put_fd_path(struct rn_sbuf *b, const unsigned char *p, size_t len)
{
	const unsigned char *nul = memchr(p, '\0', len);
	if (!nul) {
		put_bytes(b, p, len, 0);
		return;
	}
	struct rn_sbuf t = { 0 };
	rn_sbuf_put(&t, p, (size_t)(nul - p));
	const unsigned char *inside = nul + 1, *end = p + len;
	const unsigned char *nul2 = memchr(inside, '\0', (size_t)(end - inside));
	rn_sbuf_put(&t, inside, (size_t)((nul2 ? nul2 : end) - inside));
	if (nul2 && nul2 + 1 < end) {
		rn_sbuf_putc(&t, ' ');
		rn_sbuf_put(&t, nul2 + 1, (size_t)(end - nul2 - 1));
	}
	put_bytes(b, (const unsigned char *)t.p, t.len, 0);
	rn_sbuf_free(&t);
}

/* "fd_paths": each descriptor's path (-y) found in the values or as the
 * return value, keyed by the descriptor's number ("AT_FDCWD" for the
 * working directory), first one kept. */
#define MAX_FDS 64
static void put_fd_paths(struct rn_json_sink *s, const struct rn_event *entry,
			 const struct rn_event *exit)
{
	struct rn_sbuf *b = &s->out;
	int64_t seen[MAX_FDS];
	unsigned nseen = 0;
	rn_sbuf_puts(b, ",\"fd_paths\":{");
	for (int phase = 0; phase < 3; phase++) {
		const struct rn_event *ev = phase == 0 ? entry : exit;
		if (!ev)
			continue;
		uint32_t n = phase == 2 ? 1 : ev->nv;
		for (uint32_t i = 0; i < n; i++) {
			int64_t fd;
			const unsigned char *p;
			uint32_t len;
			if (phase == 2) { /* the descriptor a call returned */
				/* fd, or fcntl's int for F_DUPFD */
				if (ev->is_error || !ev->ret_path_len ||
				    (ev->ret_type != RN_T_FD && ev->ret_type != RN_T_INT))
					continue;
				fd = ev->ret;
				p = ev->bytes + ev->ret_path_off;
				len = ev->ret_path_len;
			} else {
				const struct rn_value *x = &ev->v[i];
				if (x->kind != RN_V_FD || !x->len)
					continue;
				fd = (x->flags & RN_VF_FDCWD) ? INT64_MIN : x->i;
				p = ev->bytes + x->off;
				len = x->len;
			}
			unsigned j = 0;
			while (j < nseen && seen[j] != fd)
				j++;
			if (j < nseen || nseen == MAX_FDS)
				continue;
			if (nseen)
				rn_sbuf_putc(b, ',');
			seen[nseen++] = fd;
			rn_sbuf_putc(b, '"');
			if (fd == INT64_MIN)
				rn_sbuf_puts(b, "AT_FDCWD");
			else
				put_i64(b, fd);
			rn_sbuf_puts(b, "\":");
			put_fd_path(b, p, len);
		}
	}
	rn_sbuf_putc(b, '}');
}

/* CLOCK_REALTIME of a CLOCK_MONOTONIC stamp, or null when the offset is
 * not known (a capture whose header was lost). */
static void put_time(struct rn_json_sink *s, uint64_t ts)
{
	if (ts && s->real_minus_mono)
		put_u64(&s->out, ts + (uint64_t)s->real_minus_mono);
	else
		rn_sbuf_puts(&s->out, "null");
}

/* -i: ,"ip":N, as the text's [00007f...] (null where it shows ?s). */
static void put_ip(struct rn_sbuf *b, uint64_t ip)
{
	rn_sbuf_puts(b, ",\"ip\":");
	if (ip)
		put_u64(b, ip);
	else
		rn_sbuf_puts(b, "null");
}

static int32_t tgid_of(const struct rn_event *ev)
{
	return ev->tgid ? ev->tgid : ev->tid;
}

/* One syscall: entry and exit paired; exit NULL when it never returned,
 * entry NULL when its entry was not seen. `at` (the event that ended it)
 * names the tid and stands in for what is missing. */
static void emit_call(struct rn_json_sink *s, const struct rn_event *entry,
		      const struct rn_event *exit, const struct rn_event *at)
{
	struct rn_sbuf *b = &s->out;
	char scratch[32];
	int32_t nr = entry ? entry->nr : exit ? exit->nr : at->nr;

	if (!rn_call_status_shown(s->opt, exit, at))
		return; /* -e status=, -z, -Z */

	rn_sbuf_puts(b, "{\"pid\":");
	put_i64(b, tgid_of(entry ? entry : at));
	rn_sbuf_puts(b, ",\"tid\":");
	put_i64(b, at->tid);
	rn_sbuf_puts(b, ",\"syscall\":");
	put_text_cstr(b, rn_call_name(nr, scratch));
	rn_sbuf_puts(b, ",\"arguments\":");
	rn_sbuf_reset(&s->tmp);
	rn_call_arguments(&s->tmp, s->opt, entry, exit);
	put_tmp(s);
	rn_sbuf_puts(b, ",\"result\":");
	rn_call_result(&s->tmp, s->opt, exit);
	put_tmp(s);

	rn_sbuf_puts(b, ",\"seq\":");
	put_u64(b, entry ? entry->seq : at->seq);
	uint64_t ts = entry ? entry->ts_ns : exit && exit->entry_ts_ns ? exit->entry_ts_ns : 0;
	rn_sbuf_puts(b, ",\"ts_ns\":");
	if (ts)
		put_u64(b, ts);
	else
		rn_sbuf_puts(b, "null");
	rn_sbuf_puts(b, ",\"time_ns\":");
	put_time(s, ts);
	rn_sbuf_puts(b, ",\"duration_ns\":");
	if (exit && ts && exit->ts_ns >= ts)
		put_u64(b, exit->ts_ns - ts);
	else
		rn_sbuf_puts(b, "null");

	rn_sbuf_puts(b, ",\"error\":");
	if (exit && exit->is_error) {
		const char *name = rn_errno_name((int)-exit->ret);
		if (name) {
			put_text_cstr(b, name);
		} else {
			rn_sbuf_putc(b, '"');
			put_i64(b, -exit->ret);
			rn_sbuf_putc(b, '"');
		}
	} else {
		rn_sbuf_puts(b, "null");
	}
	rn_sbuf_puts(b, ",\"return\":");
	if (!exit || (!exit->is_error && exit->ret_type == RN_T_NONE))
		rn_sbuf_puts(b, "null");
	else if (exit->is_error)
		rn_sbuf_puts(b, "-1");
	else if (is_unsigned_type(exit->ret_type))
		put_u64(b, (uint64_t)exit->ret);
	else
		put_i64(b, exit->ret);
	rn_sbuf_puts(b, ",\"errno\":");
	if (exit && exit->is_error)
		put_i64(b, -exit->ret);
	else
		rn_sbuf_puts(b, "null");
	rn_sbuf_putc(b, ',');
	put_args(s, entry, exit);
	put_fd_paths(s, entry, exit);
	if (s->opt->instruction_pointer)
		put_ip(b, entry ? entry->ip : exit ? exit->ip : 0);
	end_object(s);
}

/* A tid's pending call that ends without an exit (death, detach, end). */
static void finish_pending(struct rn_json_sink *s, const struct rn_event *at, int known)
{
	struct rn_event *entry = rn_calls_take(&s->calls, at->tid);
	if (entry || known)
		emit_call(s, entry, NULL, entry ? entry : at);
	rn_event_free_copy(entry);
}

static void put_signal(struct rn_sbuf *b, int64_t sig)
{
	const char *name = rn_signal_name((int)sig);
	if (name)
		put_text_cstr(b, name);
	else
		put_i64(b, sig);
}

static void begin_process(struct rn_json_sink *s, const struct rn_event *ev, const char *what)
{
	rn_sbuf_puts(&s->out, "{\"pid\":");
	put_i64(&s->out, tgid_of(ev));
	rn_sbuf_puts(&s->out, ",\"tid\":");
	put_i64(&s->out, ev->tid);
	rn_sbuf_puts(&s->out, ",\"event\":\"");
	rn_sbuf_puts(&s->out, what);
	rn_sbuf_putc(&s->out, '"');
}

static void end_process(struct rn_json_sink *s, const struct rn_event *ev)
{
	rn_sbuf_puts(&s->out, ",\"seq\":");
	put_u64(&s->out, ev->seq);
	rn_sbuf_puts(&s->out, ",\"ts_ns\":");
	put_u64(&s->out, ev->ts_ns);
	rn_sbuf_puts(&s->out, ",\"time_ns\":");
	put_time(s, ev->ts_ns);
	end_object(s);
}

void rn_json_sink_event(struct rn_json_sink *s, const struct rn_event *ev)
{
	struct rn_sbuf *b = &s->out;
	struct rn_event *entry;

	switch (ev->kind) {
	case RN_EV_ENTRY:
		rn_calls_enter(&s->calls, ev);
		return;
	case RN_EV_EXIT:
		entry = rn_calls_take(&s->calls, ev->tid);
		emit_call(s, entry, ev, ev);
		rn_event_free_copy(entry);
		return;
	case RN_EV_SIGNAL:
		begin_process(s, ev, "signal");
		rn_sbuf_puts(b, ",\"signal\":");
		put_signal(b, ev->ret);
		for (uint32_t i = 0; i < ev->nv; i = next_of(ev->v, i)) {
			rn_sbuf_putc(b, ',');
			put_key(b, ev->v[i].name, i);
			rn_json_value(b, ev->v, ev->bytes, i);
		}
		if (s->opt->instruction_pointer)
			put_ip(b, ev->ip);
		break;
	case RN_EV_GROUP_STOP:
		begin_process(s, ev, "stopped");
		rn_sbuf_puts(b, ",\"signal\":");
		put_signal(b, ev->ret);
		break;
	case RN_EV_EXITED:
		finish_pending(s, ev, ev->finish_pending);
		begin_process(s, ev, "exited");
		rn_sbuf_puts(b, ",\"status\":");
		put_i64(b, (int32_t)ev->ret);
		break;
	case RN_EV_KILLED:
		finish_pending(s, ev, ev->finish_pending);
		begin_process(s, ev, "killed");
		rn_sbuf_puts(b, ",\"signal\":");
		put_signal(b, ev->ret);
		rn_sbuf_puts(b, ev->aux ? ",\"core_dumped\":true" : ",\"core_dumped\":false");
		break;
	case RN_EV_SUPERSEDED:
		finish_pending(s, ev, ev->finish_pending);
		/* The execve of thread `ret` completes in this (the leader's) tid. */
		rn_calls_move(&s->calls, (int32_t)ev->ret, ev->tid);
		begin_process(s, ev, "exec");
		rn_sbuf_puts(b, ",\"superseded_by\":");
		put_i64(b, ev->ret);
		break;
	case RN_EV_NEW_TASK:
		begin_process(s, ev, ev->aux ? "clone" : "fork");
		rn_sbuf_puts(b, ",\"parent\":");
		if (ev->ret)
			put_i64(b, ev->ret);
		else
			rn_sbuf_puts(b, "null");
		rn_sbuf_puts(b, ev->aux ? ",\"thread\":true" : ",\"thread\":false");
		break;
	case RN_EV_ATTACHED:
		begin_process(s, ev, "attached");
		rn_sbuf_puts(b, ",\"threads\":");
		put_i64(b, ev->ret);
		break;
	case RN_EV_DETACHED: {
		/* why the task was let go before it ended, when the run said */
		const char *why = rn_let_go_name(ev->aux);
		finish_pending(s, ev, 0);
		begin_process(s, ev, "detached");
		rn_sbuf_puts(b, ",\"reason\":");
		if (why)
			put_text_cstr(b, why);
		else
			rn_sbuf_puts(b, "null");
		rn_sbuf_puts(b, ",\"signal\":");
		if (ev->aux == RN_LET_GO_SIGNAL && ev->ret)
			put_signal(b, ev->ret);
		else
			rn_sbuf_puts(b, "null");
		break;
	}
	default:
		return;
	}
	end_process(s, ev);
}

int rn_json_sink_finish(struct rn_json_sink *s)
{
	struct rn_event *entry;
	while ((entry = rn_calls_take_oldest(&s->calls))) {
		emit_call(s, entry, NULL, entry);
		rn_event_free_copy(entry);
	}
	return rn_json_sink_flush(s);
}

void rn_json_sink_free(struct rn_json_sink *s)
{
	rn_calls_free(&s->calls);
	rn_sbuf_free(&s->out);
	rn_sbuf_free(&s->tmp);
}
