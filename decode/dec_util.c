/* dec_util.c - helpers of the struct decoders (see dec_util.h). */
#define _GNU_SOURCE
#include "decode/dec_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/names.h"

int du_argidx(const struct rn_dctx *c, const char *name)
{
	if (!c->sc)
		return -1;
	for (unsigned i = 0; i < c->sc->nargs && i < 6; i++)
		if (c->sc->args[i].name && strcmp(c->sc->args[i].name, name) == 0)
			return (int)i;
	return -1;
}

void du_save(struct rn_dctx *c, unsigned argi, uint64_t a, uint64_t b)
{
	if (!c->saved || 3 * argi + 2 >= RN_DCTX_NSAVED)
		return;
	c->saved[3 * argi] = 1;
	c->saved[3 * argi + 1] = a;
	c->saved[3 * argi + 2] = b;
}

int du_saved(const struct rn_dctx *c, unsigned argi, uint64_t *a, uint64_t *b)
{
	if (!c->saved || 3 * argi + 2 >= RN_DCTX_NSAVED || !c->saved[3 * argi])
		return 0;
	*a = c->saved[3 * argi + 1];
	if (b)
		*b = c->saved[3 * argi + 2];
	return 1;
}

uint32_t du_flags(struct rn_values *vs, const char *name, const struct rn_flag *items,
		  unsigned n, const char *zero_name, uint64_t v)
{
	uint32_t nbytes = vs->nbytes;
	uint32_t f = rn_v_open(vs, name, RN_V_FLAGS);
	if (v == 0 && zero_name) {
		rn_v_name(vs, NULL, zero_name);
	} else {
		uint64_t left = v;
		for (unsigned i = 0; i < n && left; i++) {
			uint64_t bits = items[i].value;
			if (bits && (left & bits) == bits) {
				rn_v_name(vs, NULL, items[i].name);
				left &= ~bits;
			}
		}
		if (left || v == 0) {
			vs->v[f].flags |= RN_VF_LEFTOVER;
			vs->v[f].u = left;
		}
	}
	rn_v_close(vs, f);
	rn_xlat_fold(vs, f, nbytes, v, 1);
	return f;
}

const char *du_lookup(const struct rn_flag *items, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		if (items[i].value == v)
			return items[i].name;
	return NULL;
}

uint32_t du_enum(struct rn_values *vs, const char *name, const struct rn_flag *items,
		 unsigned n, int as_hex, int64_t v)
{
	const char *s = du_lookup(items, n, (uint64_t)v);
	if (s) {
		uint32_t node = vs->n, nbytes = vs->nbytes;
		rn_v_name(vs, name, s);
		rn_xlat_fold(vs, node, nbytes, (uint64_t)v, as_hex);
		return node;
	}
	return as_hex ? rn_v_hex(vs, name, (uint64_t)v) : rn_v_int(vs, name, v);
}

uint32_t du_expr(struct rn_values *vs, const char *name, uint64_t u, const char *text)
{
	uint32_t n = rn_v_uint(vs, name, u);
	rn_v_annotate(vs, n, RN_VF_EXPR, text);
	return n;
}

void du_timespec_val(struct rn_values *vs, const char *name, int64_t sec, int64_t nsec)
{
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_int(vs, "tv_sec", sec);
	rn_v_uint(vs, "tv_nsec", (uint64_t)nsec); /* strace: unsigned, as tv_usec */
	rn_v_close(vs, s);
}

void du_timeval_val(struct rn_values *vs, const char *name, int64_t sec, int64_t usec)
{
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_int(vs, "tv_sec", sec);
	rn_v_uint(vs, "tv_usec", (uint64_t)usec); /* strace: unsigned (suseconds_t) */
	rn_v_close(vs, s);
}

void du_time_comment(char *buf, size_t size, int64_t sec, int64_t frac, int digits)
{
	time_t t = (time_t)sec;
	struct tm tm;
	buf[0] = '\0';
	if (!localtime_r(&t, &tm))
		return;
	char date[64], zone[16];
	if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) ||
	    !strftime(zone, sizeof(zone), "%z", &tm))
		return;
	if (digits > 0 && frac != 0)
		snprintf(buf, size, "%s.%0*" PRId64 "%s", date, digits, frac, zone);
	else
		snprintf(buf, size, "%s%s", date, zone);
}

uint32_t du_mode(struct rn_values *vs, const char *name, uint32_t mode)
{
	static const struct rn_flag types[] = {
		{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" },
		{ 0060000, "S_IFBLK" },  { 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
		{ 0010000, "S_IFIFO" },
	};
	char text[96];
	size_t n = 0;
	const char *type = du_lookup(types, DU_COUNT(types), mode & 0170000);
	uint32_t rest = mode;
	text[0] = '\0';
	if (type) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s|", type);
		rest &= ~(uint32_t)0170000;
	}
	if (rest & 04000)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "S_ISUID|");
	if (rest & 02000)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "S_ISGID|");
	if (rest & 01000)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "S_ISVTX|");
	rest &= ~(uint32_t)07000;
	snprintf(text + n, sizeof(text) - n, "%#03" PRIo32, rest);
	uint32_t v = rn_v_octal(vs, name, mode);
	/* -X raw: 0100644; -X verbose: 0100644 / * S_IFREG|0644 * / */
	if (rn_value_xlat == RN_XLAT_VERBOSE)
		rn_v_annotate(vs, v, RN_VF_COMMENT, text);
	else if (rn_value_xlat != RN_XLAT_RAW)
		rn_v_annotate(vs, v, RN_VF_EXPR, text);
	return v;
}

void du_sigset_val(struct rn_values *vs, const char *name, const unsigned char *buf, size_t len)
{
	unsigned nbits = (unsigned)len * 8, set = 0;
	for (unsigned i = 0; i < nbits; i++)
		set += (buf[i / 8] >> (i % 8)) & 1u;
	/* strace lists the complement when 2/3 or more of the bits are set */
	int invert = set >= (((unsigned)len + 3) / 4) * 32 * 2 / 3;
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	vs->v[a].flags |= RN_VF_SPACED | (invert ? RN_VF_INVERTED : 0);
	for (unsigned i = 0; i < nbits; i++) {
		int bit = (buf[i / 8] >> (i % 8)) & 1u;
		if (bit == invert)
			continue;
		const char *s = rn_signal_name((int)i + 1);
		if (s && strncmp(s, "SIG", 3) == 0)
			rn_v_name(vs, NULL, s + 3);
		else
			rn_v_int(vs, NULL, (int)i + 1);
	}
	rn_v_close(vs, a);
}

void du_int_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	int32_t v;
	if (addr == 0 || du_read(c, addr, &v, sizeof(v)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	rn_v_int(c->vs, NULL, v);
	rn_v_close(c->vs, a);
}

void du_fd_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	uint32_t node = c->vs->n;
	du_int_at(c, name, addr);
	if (c->vs->v[node].kind == RN_V_ARRAY && node + 1 < c->vs->n)
		c->vs->v[node + 1].kind = RN_V_FD;
}

void du_array(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n, size_t size,
	      du_elem_fn *show, void *ctx)
{
	unsigned char buf[512];
	uint64_t limit = n < (uint64_t)c->opt->strsize ? n : (uint64_t)c->opt->strsize;
	size_t per = sizeof(buf) / size; /* elements read at once */
	if (size == 0 || size > 64 || (n && du_read(c, addr, buf, size) < 0)) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	uint64_t i = 0;
	while (i < limit) {
		size_t k = limit - i < per ? (size_t)(limit - i) : per;
		if (du_read(c, addr + i * size, buf, k * size) < 0) {
			/* the end of the readable memory in this chunk: one by one */
			size_t want = k;
			for (k = 0; k < want && du_read(c, addr + (i + k) * size, buf + k * size,
							 size) == 0;)
				k++;
			if (k == 0)
				break;
		}
		for (size_t j = 0; j < k; j++)
			show(c, buf + j * size, ctx);
		i += k;
	}
	if (i < n)
		c->vs->v[a].flags |= RN_VF_ELLIPSIS;
	rn_v_close(c->vs, a);
}

void du_int_fields(struct rn_values *vs, const char *name, const char *const *fields,
		   const int64_t *v, unsigned n, int is_signed)
{
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	for (unsigned i = 0; i < n; i++) {
		if (is_signed)
			rn_v_int(vs, fields[i], v[i]);
		else
			rn_v_uint(vs, fields[i], (uint64_t)v[i]);
	}
	rn_v_close(vs, s);
}
