/*
 * decode.c - the generic decoder: one typed value per argument, by the
 * argument's type in the syscall table (see decode/decode.h).
 *
 * Flags, enums and structs go to their tables/decoders when those exist;
 * until then they are shown raw (hex, or the address): never guessed.
 */
#define _GNU_SOURCE
#include "decode/decode.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "decode/dec_structs.h"
#include "base/mem.h"
#include "base/names.h"

static void dec_dump(struct rn_dctx *c);

/* A C string at addr: whole for paths (up to PATH_MAX - 1, as strace),
 * cut at -s for other strings. Unreadable: the address. */
static void dec_cstring(struct rn_dctx *c, const char *name, uint64_t addr, size_t max,
			unsigned flags)
{
	char stackbuf[256];
	char *buf = max < sizeof(stackbuf) ? stackbuf : malloc(max + 1);
	long n = buf ? rn_mem_read_str(c->tid, addr, buf, max) : -1;
	if (n < 0)
		rn_v_ptr(c->vs, name, addr);
	else if ((size_t)n > max)
		rn_v_str(c->vs, name, buf, max, flags | RN_VF_TRUNCATED);
	else
		rn_v_str(c->vs, name, buf, (size_t)n, flags);
	if (buf != stackbuf)
		free(buf);
}

void rn_dec_buffer(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len)
{
	if (addr == 0) {
		rn_v_ptr(c->vs, name, addr); /* NULL, as strace */
		return;
	}
	size_t show = len < (uint64_t)c->opt->strsize ? (size_t)len : (size_t)c->opt->strsize;
	unsigned char stackbuf[256];
	unsigned char *buf = show <= sizeof(stackbuf) ? stackbuf : malloc(show);
	if (!buf || rn_mem_read(c->tid, addr, buf, show) < 0)
		rn_v_ptr(c->vs, name, addr);
	else
		rn_v_str(c->vs, name, buf, show, len > show ? RN_VF_TRUNCATED : 0);
	if (buf != stackbuf)
		free(buf);
}

/* execve's argv (and envp under -v): an array of strings, at most -s
 * elements as strace, every one with -v (each still cut at -s bytes). */
static void dec_argv(struct rn_dctx *c, const char *name, uint64_t addr)
{
	const int abbrev = rn_filter_abbrev(&c->opt->filter, c->entry->nr);
	uint64_t p;
	if (addr == 0 || rn_mem_read(c->tid, addr, &p, sizeof(p)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t arr = rn_v_open(c->vs, name, RN_V_ARRAY);
	for (int i = 0;; i++) {
		if (rn_mem_read(c->tid, addr + 8u * (uint64_t)i, &p, sizeof(p)) < 0) {
			c->vs->v[arr].flags |= RN_VF_ELLIPSIS;
			break;
		}
		if (p == 0)
			break;
		if (abbrev && i >= c->opt->strsize) {
			c->vs->v[arr].flags |= RN_VF_ELLIPSIS;
			break;
		}
		dec_cstring(c, NULL, p, (size_t)c->opt->strsize, 0);
	}
	rn_v_close(c->vs, arr);
}

/* execve's envp: strace shows the address and the count of variables. */
static void dec_envp(struct rn_dctx *c, const char *name, uint64_t addr)
{
	if (addr == 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	if (!rn_filter_abbrev(&c->opt->filter, c->entry->nr)) {
		dec_argv(c, name, addr);
		return;
	}
	unsigned long n = 0;
	uint64_t chunk[64];
	for (;;) {
		if (rn_mem_read(c->tid, addr + 8u * n, chunk, sizeof(chunk)) < 0) {
			/* near the end of a mapping: one pointer at a time */
			uint64_t p;
			while (rn_mem_read(c->tid, addr + 8u * n, &p, sizeof(p)) == 0 && p)
				n++;
			break;
		}
		size_t i = 0;
		while (i < 64 && chunk[i])
			i++;
		n += i;
		if (i < 64)
			break;
	}
	/* A struct {address, count}: text shows "0x7ffc... / * 41 vars * /",
	 * JSON gets both numbers. */
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	c->vs->v[s].flags |= RN_VF_ENVP;
	rn_v_ptr(c->vs, "address", addr);
	rn_v_uint(c->vs, "count", n);
	rn_v_close(c->vs, s);
}

void rn_dec_signal(struct rn_values *vs, const char *name, int sig)
{
	const char *s = rn_signal_name(sig);
	uint32_t node = vs->n, nbytes = vs->nbytes;
	if (s)
		rn_v_name(vs, name, s);
	else
		rn_v_int(vs, name, sig);
	rn_xlat_fold(vs, node, nbytes, (uint64_t)(int64_t)sig, 0);
}

static const char *flag_name(const struct rn_flag_table *t, uint64_t v)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->items[i].value == v)
			return t->items[i].name;
	return NULL;
}

/* A number without a name: hex with the table's comment, as strace. */
static void unnamed(struct rn_values *vs, const char *name, const struct rn_flag_table *t,
		    uint64_t v)
{
	uint32_t n = rn_v_hex(vs, name, v);
	if (t && t->unknown)
		rn_v_annotate(vs, n, RN_VF_COMMENT, t->unknown);
}

/* The field of a FLAGS value (open's access mode, clone's exit signal);
 * returns whether something was shown. */
static int flags_field(struct rn_values *vs, const struct rn_flag_table *t, uint64_t fv)
{
	if (t->field_kind == RN_FF_SIGNAL) {
		if (fv == 0)
			return 0;
		rn_dec_signal(vs, NULL, (int)fv);
		return 1;
	}
	if (t->field_kind == RN_FF_OCTAL) {
		rn_v_octal(vs, NULL, fv);
		return 1;
	}
	const char *s = t->field ? flag_name(t->field, fv) : NULL;
	if (s)
		rn_v_name(vs, NULL, s);
	else
		unnamed(vs, NULL, t->field, fv);
	return 1;
}

static void dec_flags_named(struct rn_values *vs, const char *name,
			    const struct rn_flag_table *t, uint64_t v)
{
	if (t->width != 64)
		v = t->kind == RN_FT_ENUM ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
	if (t->kind == RN_FT_ENUM) {
		const char *s = flag_name(t, v);
		/* a 32-bit constant at or above 1<<31 sign-extended above */
		if (!s && t->width != 64)
			s = flag_name(t, (uint32_t)v);
		if (s)
			rn_v_name(vs, name, s);
		else if (t->unknown || t->unknown_as_hex)
			unnamed(vs, name, t, t->width == 64 ? v : (uint32_t)v);
		else
			rn_v_int(vs, name, (int64_t)v);
		return;
	}
	uint64_t fmask = t->field_mask;
	if (t->field_kind == RN_FF_ENUM && t->field_merge &&
	    !(t->field && flag_name(t->field, v & fmask)))
		fmask = 0; /* the field's bits go with the unnamed ones */
	uint64_t left = v & ~fmask;
	uint64_t count = 0;
	if (t->shift_name) {
		count = (left >> t->shift) & t->shift_mask;
		left &= ~(t->shift_mask << t->shift);
	}
	/* something shown after the unnamed bits: clone's exit signal, a
	 * huge page size */
	int tail = (t->field_kind && t->field_last &&
		    (t->field_kind != RN_FF_SIGNAL || (v & fmask))) || count;
	int shown = 0;

	uint32_t f = rn_v_open(vs, name, RN_V_FLAGS);
	if (t->field_kind && !t->field_last && fmask)
		shown = flags_field(vs, t, v & fmask);
	if (v == 0 && !shown && t->zero) {
		rn_v_name(vs, NULL, t->zero);
		shown = 1;
	}
	for (unsigned i = 0; i < t->n && left; i++) {
		uint64_t bits = t->items[i].value;
		if (bits && (left & bits) == bits) {
			rn_v_name(vs, NULL, t->items[i].name);
			left &= ~bits;
			shown = 1;
		}
	}
	if (left && tail) {
		/* bits without a name come before the tail */
		rn_v_hex(vs, NULL, left);
		shown = 1;
	} else if (left) {
		vs->v[f].flags |= RN_VF_LEFTOVER;
		vs->v[f].u = left;
		if (!shown && t->unknown)
			rn_v_annotate(vs, f, RN_VF_COMMENT, t->unknown);
		shown = 1;
	}
	if (count) {
		char expr[64];
		snprintf(expr, sizeof(expr), "%" PRIu64 "<<%s", count, t->shift_name);
		uint32_t n = rn_v_uint(vs, NULL, count << t->shift);
		rn_v_annotate(vs, n, RN_VF_EXPR, expr);
		shown = 1;
	}
	if (t->field_kind && t->field_last && fmask)
		shown |= flags_field(vs, t, v & fmask);
	if (!shown)
		vs->v[f].flags |= RN_VF_LEFTOVER; /* u == 0: "0" */
	rn_v_close(vs, f);
}

/* One piece of a constant's abbreviated text, for -X verbose's comment. */
static void fold_piece(struct rn_sbuf *b, const struct rn_values *vs, const struct rn_value *n)
{
	if (b->len)
		rn_sbuf_putc(b, '|');
	if (n->kind == RN_V_NAME || (n->flags & RN_VF_EXPR)) {
		rn_sbuf_put(b, (const char *)vs->bytes + n->off, n->len);
		return;
	}
	switch (n->kind) {
	case RN_V_HEX:
		rn_sbuf_put_hex(b, n->u);
		break;
	case RN_V_OCTAL:
		rn_sbuf_printf(b, "%#03" PRIo64, n->u);
		break;
	case RN_V_UINT:
		rn_sbuf_printf(b, "%" PRIu64, n->u);
		break;
	default:
		rn_sbuf_printf(b, "%" PRId64, n->i);
		break;
	}
}

void rn_xlat_fold(struct rn_values *vs, uint32_t node, uint32_t nbytes, uint64_t v, int as_hex)
{
	if (rn_value_xlat == RN_XLAT_ABBREV || node >= vs->n)
		return;
	const struct rn_value *n = &vs->v[node];
	const char *name = n->name;
	struct rn_sbuf text = { 0 };
	int named = 0;
	if (n->kind == RN_V_NAME) {
		fold_piece(&text, vs, n);
		named = 1;
	} else if (n->kind == RN_V_FLAGS) {
		for (uint32_t i = node + 1; i < n->end; i = vs->v[i].end) {
			fold_piece(&text, vs, &vs->v[i]);
			named |= vs->v[i].kind == RN_V_NAME;
		}
		if ((n->flags & RN_VF_LEFTOVER) && (n->u || !text.len)) {
			if (text.len)
				rn_sbuf_putc(&text, '|');
			rn_sbuf_put_hex(&text, n->u);
		}
	}
	/* A value with no name at all keeps the table's comment (MAP_???). */
	struct rn_sbuf comment = { 0 };
	if (!named && (n->flags & RN_VF_COMMENT))
		rn_sbuf_put(&comment, (const char *)vs->bytes + n->off, n->len);
	vs->n = node;
	vs->nbytes = nbytes;
	uint32_t k = as_hex ? rn_v_hex(vs, name, v) : rn_v_int(vs, name, (int64_t)v);
	if (rn_value_xlat == RN_XLAT_VERBOSE && named) {
		rn_v_annotate(vs, k, RN_VF_COMMENT, rn_sbuf_cstr(&text));
	} else if (comment.len) {
		rn_v_annotate(vs, k, RN_VF_COMMENT, rn_sbuf_cstr(&comment));
	}
	rn_sbuf_free(&text);
	rn_sbuf_free(&comment);
}

void rn_dec_flags(struct rn_values *vs, const char *name, const struct rn_flag_table *t,
		  uint64_t v)
{
	uint32_t node = vs->n, nbytes = vs->nbytes;
	dec_flags_named(vs, name, t, v);
	if (rn_value_xlat == RN_XLAT_ABBREV)
		return;
	if (t->kind == RN_FT_ENUM)
		rn_xlat_fold(vs, node, nbytes, t->width == 64 ? v : (uint64_t)(int64_t)(int32_t)v,
			     t->unknown || t->unknown_as_hex);
	else
		rn_xlat_fold(vs, node, nbytes, t->width == 64 ? v : (uint32_t)v, 1);
}

void rn_dec_arg(struct rn_dctx *c, unsigned argi)
{
	const struct rn_arg_desc *a = &c->sc->args[argi];
	uint64_t v = c->entry->args[argi];
	struct rn_values *vs = c->vs;

	switch (a->type) {
	case RN_T_INT:
	case RN_T_PID:
		rn_v_int(vs, a->name, (int)v);
		break;
	case RN_T_FD:
		rn_v_fd(vs, a->name, (int)v);
		break;
	case RN_T_LONG:
		rn_v_int(vs, a->name, (int64_t)v);
		break;
	case RN_T_UINT:
		rn_v_uint(vs, a->name, (unsigned)v);
		break;
	case RN_T_ULONG:
		rn_v_uint(vs, a->name, v);
		break;
	case RN_T_DIRFD:
		rn_v_dirfd(vs, a->name, (int)v);
		break;
	case RN_T_UID:
		if ((uint32_t)v == UINT32_MAX)
			rn_v_int(vs, a->name, -1);
		else
			rn_v_uint(vs, a->name, (uint32_t)v);
		break;
	case RN_T_OCTAL:
		/* Every mode argument is an umode_t, 16 bits: the kernel drops
		 * the rest, and strace shows what is left. */
		rn_v_octal(vs, a->name, (uint16_t)v);
		break;
	case RN_T_PATH:
		/* As strace: a path is read into PATH_MAX bytes with its NUL,
		 * so 4095 characters at most are shown, then "...". */
		dec_cstring(c, a->name, v, PATH_MAX - 1, RN_VF_PATH);
		break;
	case RN_T_STR:
		dec_cstring(c, a->name, v, (size_t)c->opt->strsize, 0);
		break;
	case RN_T_IBUF:
		if (a->len_arg >= 0)
			rn_dec_buffer(c, a->name, v, c->entry->args[a->len_arg]);
		else
			rn_v_ptr(vs, a->name, v);
		break;
	case RN_T_OBUF:
		if (c->exit && !(c->exit->flags & RN_REC_ERROR) && c->exit->ret >= 0)
			rn_dec_buffer(c, a->name, v, (uint64_t)c->exit->ret);
		else
			rn_v_ptr(vs, a->name, v);
		break;
	case RN_T_ARGV:
		if (rn_filter_verbose(&c->opt->filter, c->entry->nr))
			dec_argv(c, a->name, v);
		else
			rn_v_ptr(vs, a->name, v);
		break;
	case RN_T_ENVP:
		if (rn_filter_verbose(&c->opt->filter, c->entry->nr))
			dec_envp(c, a->name, v);
		else
			rn_v_ptr(vs, a->name, v);
		break;
	case RN_T_SIGNAL:
		rn_dec_signal(vs, a->name, (int)v);
		break;
	case RN_T_FLAGS:
	case RN_T_ENUM:
		if (a->flags)
			rn_dec_flags(vs, a->name, a->flags, a->type == RN_T_ENUM ? (uint64_t)(int)v : v);
		else
			rn_v_hex(vs, a->name, v);
		break;
	case RN_T_STRUCT_IN:
	case RN_T_STRUCT_OUT:
	case RN_T_STRUCT_IO:
	case RN_T_STRUCT_INRET:
		/* A struct the kernel wrote is shown only when the call succeeded;
		 * a struct_io decoder decides itself (decode.h). */
		if (a->decode && v != 0 && rn_filter_verbose(&c->opt->filter, c->entry->nr) &&
		    (a->type == RN_T_STRUCT_IN || a->type == RN_T_STRUCT_IO ||
		     a->type == RN_T_STRUCT_INRET ||
		     (c->exit && !(c->exit->flags & RN_REC_ERROR))))
			a->decode(c, argi, v);
		else
			rn_v_ptr(vs, a->name, v);
		break;
	case RN_T_PTR:
		rn_v_ptr(vs, a->name, v);
		break;
	default: /* RN_T_HEX */
		rn_v_hex(vs, a->name, v);
		break;
	}
}

static int shown_at_exit(const struct rn_arg_desc *a)
{
	return a->type == RN_T_OBUF || a->type == RN_T_STRUCT_OUT || a->type == RN_T_STRUCT_IO;
}

unsigned rn_decode_entry(struct rn_dctx *c)
{
	if (c->sc && rn_filter_raw(&c->opt->filter, c->entry->nr)) {
		/* -e raw=: every argument as the register held it, at entry */
		for (unsigned i = 0; i < c->sc->nargs; i++)
			rn_v_hex(c->vs, c->sc->args[i].name, c->entry->args[i]);
		return c->sc->nargs;
	}
	if (!c->sc) {
		/* Unknown syscall: all six arguments raw, as strace. */
		for (unsigned i = 0; i < 6; i++)
			rn_v_hex(c->vs, NULL, c->entry->args[i]);
		return 6;
	}
	unsigned i;
	if (c->sc->decode) {
		i = c->sc->decode(c, 0);
	} else {
		for (i = 0; i < c->sc->nargs; i++) {
			if (shown_at_exit(&c->sc->args[i]))
				break;
			rn_dec_arg(c, i);
		}
	}
	/* Value-result arguments shown at exit: let their decoders keep what
	 * the kernel is about to overwrite (socklen's 128 of [128 => 16]). */
	if (c->saved) {
		for (unsigned j = i; j < c->sc->nargs; j++) {
			const struct rn_arg_desc *a = &c->sc->args[j];
			if (a->type == RN_T_STRUCT_IO && a->decode && c->entry->args[j]) {
				c->saving = 1;
				a->decode(c, j, c->entry->args[j]);
				c->saving = 0;
			}
		}
	}
	return i;
}

void rn_decode_exit(struct rn_dctx *c, unsigned from)
{
	if (!c->sc)
		return;
	if (rn_filter_raw(&c->opt->filter, c->entry->nr)) {
		/* and the result in hex (an error stays -1 ENAME) */
		if (c->sc->ret_type != RN_T_NONE)
			c->ret_hex = 1;
		dec_dump(c);
		return;
	}
	if (c->sc->decode) {
		c->sc->decode(c, from);
	} else {
		for (unsigned i = from; i < c->sc->nargs; i++)
			rn_dec_arg(c, i);
		/* The struct_inret arguments shown at entry: now only what
		 * follows the return value (= 1 ([{fd=3, revents=POLLIN}])),
		 * NULL ones too: poll(NULL, 0, 10) = 0 (Timeout). */
		for (unsigned i = 0; i < from && i < c->sc->nargs; i++) {
			const struct rn_arg_desc *a = &c->sc->args[i];
			if (a->type == RN_T_STRUCT_INRET && a->decode)
				a->decode(c, i, c->entry->args[i]);
		}
	}
	dec_dump(c);
	/* A signal returned (rt_sigtimedwait): its name after the number. */
	if (c->sc->ret_type == RN_T_SIGNAL && !(c->exit->flags & RN_REC_ERROR) &&
	    rn_signal_name((int)c->exit->ret)) {
		uint32_t n = rn_v_name(c->vs, NULL, rn_signal_name((int)c->exit->ret));
		c->vs->v[n].flags |= RN_VF_AFTER_RET;
	}
}

/* ---- -e read=, -e write= -------------------------------------------- */

/* The most one dump holds: strace dumps whatever the call moved, but a
 * write of gigabytes would have the worker keep it all in one event. */
#define DUMP_MAX (16u << 20)

int rn_dump_kind(long nr)
{
	switch (nr) {
	case SYS_read:
	case SYS_pread64:
	case SYS_recvfrom:
		return RN_DUMP_READ;
	case SYS_write:
	case SYS_pwrite64:
	case SYS_sendto:
		return RN_DUMP_WRITE;
	default:
		return 0;
	}
}

int rn_dump_call(const struct rn_options *opt, long nr)
{
	int kind = rn_dump_kind(nr);
	return (kind == RN_DUMP_READ && rn_fdset_any(&opt->filter.read_fds)) ||
	       (kind == RN_DUMP_WRITE && rn_fdset_any(&opt->filter.write_fds));
}

/* At the exit of a call that succeeded, as strace: a write's whole buffer
 * (the length it was given), a read's the length it returned. */
static void dec_dump(struct rn_dctx *c)
{
	int kind = rn_dump_kind(c->entry->nr);
	const struct rn_filter *f = &c->opt->filter;
	if (!kind || (c->exit->flags & RN_REC_ERROR) || c->exit->ret < 0 ||
	    !rn_fdset_has(kind == RN_DUMP_READ ? &f->read_fds : &f->write_fds,
			  (int)c->entry->args[0]))
		return;
	uint64_t len = kind == RN_DUMP_READ ? (uint64_t)c->exit->ret : c->entry->args[2];
	if (len == 0)
		return;
	if (len > DUMP_MAX)
		len = DUMP_MAX;
	unsigned char *buf = malloc((size_t)len);
	if (buf && rn_mem_read(c->tid, c->entry->args[1], buf, (size_t)len) == 0)
		rn_v_str(c->vs, "dump", buf, (size_t)len, RN_VF_DUMP);
	free(buf);
}

/* ---- signals --------------------------------------------------------- */

/* The siginfo_t the tracer copied: its first 48 bytes (record.h), every
 * field strace shows; decoded as the siginfo of the calls that take one. */
void rn_decode_siginfo(struct rn_values *vs, const struct rn_record *rec)
{
	unsigned char si[128];
	_Static_assert(sizeof(rec->args) == 48, "48 bytes of siginfo in a record");
	memset(si, 0, sizeof(si));
	memcpy(si, rec->args, sizeof(rec->args));
	rn_dec_siginfo_value(vs, "siginfo", si);
}

void rn_dec_argv_joined(pid_t tid, uint64_t addr, struct rn_sbuf *out, size_t max)
{
	char buf[4096];
	size_t start = out->len;
	for (unsigned i = 0; addr; i++) {
		uint64_t p;
		if (rn_mem_read(tid, addr + 8u * i, &p, sizeof(p)) < 0 || p == 0)
			break;
		if (out->len - start >= max) {
			rn_sbuf_puts(out, " ...");
			break;
		}
		long n = rn_mem_read_str(tid, p, buf, sizeof(buf) - 1);
		if (n < 0)
			break;
		if (i)
			rn_sbuf_putc(out, ' ');
		rn_sbuf_put(out, buf, (size_t)n > sizeof(buf) - 1 ? sizeof(buf) - 1 : (size_t)n);
	}
}
