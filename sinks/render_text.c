/*
 * render_text.c - typed values to strace's text (see render_text.h).
 * Values are preorder: a node's children follow it up to v[i].end.
 */
#include "sinks/render_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/quote.h"
#include "syscalls/syscalls.h"

static void put_hex(struct rn_sbuf *b, uint64_t u)
{
	rn_sbuf_put_hex(b, u);
}

static uint32_t render(struct rn_sbuf *b, const struct rn_options *opt, const struct rn_value *v,
		       const unsigned char *bytes, uint32_t i, int with_name);

static void render_children(struct rn_sbuf *b, const struct rn_options *opt,
			    const struct rn_value *v, const unsigned char *bytes, uint32_t i,
			    const char *sep, int with_names)
{
	if (v[i].flags & RN_VF_SPACED)
		sep = " ";
	uint32_t k = i + 1;
	int first = 1;
	while (k < v[i].end) {
		if (!first)
			rn_sbuf_puts(b, sep);
		first = 0;
		k = render(b, opt, v, bytes, k, with_names);
	}
	if (v[i].flags & RN_VF_ELLIPSIS)
		rn_sbuf_puts(b, first ? "..." : ", ...");
}

static uint32_t render(struct rn_sbuf *b, const struct rn_options *opt, const struct rn_value *v,
		       const unsigned char *bytes, uint32_t i, int with_name)
{
	const struct rn_value *x = &v[i];
	/* with_name: 1 for a struct's fields, 0 for arguments (name only when
	 * RN_VF_NAMED), -1 never */
	if (x->name && with_name >= 0 && (with_name || (x->flags & RN_VF_NAMED))) {
		rn_sbuf_puts(b, x->name);
		rn_sbuf_putc(b, '=');
	}
	if ((x->flags & RN_VF_EXPR) && x->len &&
	    (x->kind == RN_V_INT || x->kind == RN_V_UINT || x->kind == RN_V_HEX ||
	     x->kind == RN_V_OCTAL)) {
		/* 8192*1024, htons(80), inet_addr("127.0.0.1") */
		rn_sbuf_put(b, bytes + x->off, x->len);
		return x->end;
	}
	switch (x->kind) {
	case RN_V_INT:
		rn_sbuf_put_i64(b, x->i, 0);
		break;
	case RN_V_UINT:
		rn_sbuf_put_u64(b, x->u, 0);
		break;
	case RN_V_HEX:
		put_hex(b, x->u);
		break;
	case RN_V_OCTAL:
		rn_sbuf_printf(b, "%#03" PRIo64, x->u);
		break;
	case RN_V_PTR:
		if (x->u == 0)
			rn_sbuf_puts(b, "NULL");
		else
			rn_sbuf_put_hex(b, x->u);
		break;
	case RN_V_FD:
		/* -X raw: -100, -X verbose: -100 / * AT_FDCWD * /, the -y
		 * path after either, as strace */
		if ((x->flags & RN_VF_FDCWD) && opt->xlat_style == RN_XLAT_RAW)
			rn_sbuf_puts(b, "-100");
		else if ((x->flags & RN_VF_FDCWD) && opt->xlat_style == RN_XLAT_VERBOSE)
			rn_sbuf_puts(b, "-100 /* AT_FDCWD */");
		else if (x->flags & RN_VF_FDCWD)
			rn_sbuf_puts(b, "AT_FDCWD");
		else
			rn_sbuf_put_i64(b, x->i, 0);
		/* No path, no bytes: the block may have none at all (NULL). */
		if (x->len)
			rn_text_fd_path(b, opt, bytes + x->off, x->len);
		break;
	case RN_V_STR: {
		unsigned qf = opt->quote_flags;
		if (x->flags & RN_VF_HEX)
			qf |= RN_QUOTE_HEX_ALL;
		rn_quote(b, bytes + x->off, x->len, qf, (x->flags & RN_VF_TRUNCATED) != 0);
		break;
	}
	case RN_V_NAME:
	case RN_V_TEXT:
		rn_sbuf_put(b, bytes + x->off, x->len);
		break;
	case RN_V_FLAGS: {
		uint32_t k = i + 1;
		int first = 1;
		for (; k < x->end; k = v[k].end) {
			if (!first)
				rn_sbuf_putc(b, '|');
			first = 0;
			/* names; numbers without a name (0x4 / * MAP_??? * /,
			 * clone's exit signal 119, 21<<MAP_HUGE_SHIFT) */
			render(b, opt, v, bytes, k, 0);
		}
		if (x->flags & RN_VF_LEFTOVER) {
			if (!first)
				rn_sbuf_putc(b, '|');
			put_hex(b, x->u);
		} else if (first) {
			rn_sbuf_putc(b, '0');
		}
		break;
	}
	case RN_V_STRUCT:
		if ((x->flags & RN_VF_ENVP) && x->end >= i + 3) {
			/* children: address, count (a tree from a damaged capture
			 * may have fewer: then it is shown as a struct) */
			const struct rn_value *addr = &v[i + 1], *count = &v[i + 2];
			rn_sbuf_printf(b, "%#" PRIx64 " /* %" PRIu64 " var%s */", addr->u, count->u,
				       count->u == 1 ? "" : "s");
			break;
		}
		if ((x->flags & RN_VF_CHANGED) && x->end > i + 1) {
			/* two children: before => after */
			uint32_t k = render(b, opt, v, bytes, i + 1, 0);
			rn_sbuf_puts(b, " => ");
			if (k < x->end)
				render(b, opt, v, bytes, k, 0);
			break;
		}
		rn_sbuf_putc(b, '{');
		render_children(b, opt, v, bytes, i, ", ", 1);
		rn_sbuf_putc(b, '}');
		break;
	case RN_V_ARRAY:
		if (x->flags & RN_VF_INVERTED)
			rn_sbuf_putc(b, '~');
		rn_sbuf_putc(b, '[');
		render_children(b, opt, v, bytes, i, ", ", 0);
		rn_sbuf_putc(b, ']');
		break;
	default:
		rn_sbuf_putc(b, '?');
		break;
	}
	if ((x->flags & RN_VF_COMMENT) && x->len && x->kind != RN_V_STR && x->kind != RN_V_NAME &&
	    x->kind != RN_V_TEXT && x->kind != RN_V_FD) {
		rn_sbuf_puts(b, " /* ");
		rn_sbuf_put(b, bytes + x->off, x->len);
		rn_sbuf_puts(b, " */");
	}
	return x->end;
}

/* Text renacer wrote beside a path ("(deleted)"): shown as is, but a
 * byte that could break the line (a damaged capture) in octal. */
static void put_printable(struct rn_sbuf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f)
			rn_sbuf_putc(b, (char)s[i]);
		else
			rn_sbuf_printf(b, "\\%03o", s[i]);
	}
}

void rn_text_fd_path(struct rn_sbuf *b, const struct rn_options *opt, const unsigned char *path,
		     size_t len)
{
	if (!len)
		return;
	/* path, then (value.h) NUL, what goes inside the brackets after it,
	 * NUL, what goes after them. */
	const unsigned char *nul = memchr(path, '\0', len);
	size_t plen = nul ? (size_t)(nul - path) : len;
	const unsigned char *inside = nul ? nul + 1 : path + len;
	const unsigned char *end = path + len;
	const unsigned char *nul2 = memchr(inside, '\0', (size_t)(end - inside));
	const unsigned char *after = nul2 ? nul2 + 1 : end;
	/* The path is the traced program's to choose: escaped, it cannot
	 * break the line or close the brackets early. */
	rn_sbuf_putc(b, '<');
	rn_quote_fd_path(b, path, plen, opt->quote_flags);
	put_printable(b, inside, (size_t)((nul2 ? nul2 : end) - inside));
	rn_sbuf_putc(b, '>');
	put_printable(b, after, (size_t)(end - after));
}

unsigned rn_text_values(struct rn_sbuf *b, const struct rn_options *opt,
			const struct rn_value *v, const unsigned char *bytes,
			uint32_t from, uint32_t to)
{
	unsigned n = 0;
	for (uint32_t i = from; i < to;) {
		if (v[i].flags & (RN_VF_AFTER_RET | RN_VF_DUMP)) {
			i = v[i].end;
			continue;
		}
		if (n++ || (v[i].flags & RN_VF_LEAD_SEP))
			rn_sbuf_puts(b, ", ");
		i = render(b, opt, v, bytes, i, 0);
	}
	return n;
}

void rn_text_dumps(struct rn_sbuf *b, const struct rn_value *v, const unsigned char *bytes,
		   uint32_t from, uint32_t to)
{
	static const char hex[] = "0123456789abcdef";
	for (uint32_t i = from; i < to; i = v[i].end) {
		if (!(v[i].flags & RN_VF_DUMP))
			continue;
		const unsigned char *d = bytes + v[i].off;
		for (uint32_t off = 0; off < v[i].len; off += 16) {
			/* " | 00000  68 65 6c 6c 6f 2c 20 76  65 72 ...  hello, v... |" */
			char line[96];
			size_t n = (size_t)snprintf(line, sizeof(line), " | %05x  ", off);
			uint32_t k = v[i].len - off < 16 ? v[i].len - off : 16;
			for (uint32_t j = 0; j < 16; j++) {
				if (j < k) {
					line[n++] = hex[d[off + j] >> 4];
					line[n++] = hex[d[off + j] & 15];
				} else {
					line[n++] = ' ';
					line[n++] = ' ';
				}
				line[n++] = ' ';
				if (j == 7)
					line[n++] = ' ';
			}
			line[n++] = ' ';
			for (uint32_t j = 0; j < 16; j++) {
				unsigned char ch = j < k ? d[off + j] : ' ';
				line[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
			}
			rn_sbuf_put(b, line, n);
			rn_sbuf_puts(b, " |\n");
		}
	}
}

void rn_text_after_result(struct rn_sbuf *b, const struct rn_options *opt,
			  const struct rn_value *v, const unsigned char *bytes, uint32_t from,
			  uint32_t to)
{
	unsigned n = 0;
	for (uint32_t i = from; i < to; i = v[i].end) {
		if (!(v[i].flags & RN_VF_AFTER_RET))
			continue;
		rn_sbuf_puts(b, n++ ? ", " : " (");
		if (v[i].name && (v[i].flags & RN_VF_NAMED)) {
			/* "left {tv_sec=0, tv_nsec=5}", "in [3]" */
			rn_sbuf_puts(b, v[i].name);
			rn_sbuf_putc(b, ' ');
		}
		render(b, opt, v, bytes, i, -1);
	}
	if (n)
		rn_sbuf_putc(b, ')');
}

/* The errnos the kernel restarts: strace shows "?" rather than -1. */
static int is_restart_errno(int64_t err)
{
	return err == 512 || err == 513 || err == 514 || err == 516;
}

void rn_text_result(struct rn_sbuf *b, int64_t ret, int is_error, int ret_type)
{
	if (is_error) {
		/* -ret without overflowing on INT64_MIN (a capture may hold it) */
		int64_t err = (int64_t)(0 - (uint64_t)ret);
		const char *name = rn_errno_name((int)err);
		const char *msg = rn_errno_message((int)err);
		rn_sbuf_puts(b, is_restart_errno(err) ? "= ? " : "= -1 ");
		if (name) {
			rn_sbuf_puts(b, name);
			if (msg)
				rn_sbuf_printf(b, " (%s)", msg);
		} else {
			rn_sbuf_printf(b, "%" PRId64 " (errno %" PRId64 ")", err, err);
		}
		return;
	}
	switch (ret_type) {
	case RN_T_NONE:
		rn_sbuf_puts(b, "= ?");
		break;
	case RN_T_HEX:
	case RN_T_PTR:
		rn_sbuf_puts(b, "= ");
		put_hex(b, (uint64_t)ret);
		break;
	case RN_T_ULONG:
		rn_sbuf_puts(b, "= ");
		rn_sbuf_put_u64(b, (uint64_t)ret, 0);
		break;
	case RN_T_OCTAL:
		rn_sbuf_printf(b, "= %#03" PRIo64, (uint64_t)ret);
		break;
	default:
		rn_sbuf_puts(b, "= ");
		rn_sbuf_put_i64(b, ret, 0);
		break;
	}
}
