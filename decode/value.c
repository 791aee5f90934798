/* value.c - building typed values (see decode/value.h). */
#include "decode/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rn_value_xlat;

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

unsigned char *rn_values_block(const struct rn_values *vs, size_t extra)
{
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = malloc(nodes + vs->nbytes + extra + 1);
	if (!block) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	if (nodes)
		memcpy(block, vs->v, nodes);
	if (vs->nbytes)
		memcpy(block + nodes, vs->bytes, vs->nbytes);
	return block;
}

void rn_values_reset(struct rn_values *vs)
{
	vs->n = 0;
	vs->nbytes = 0;
}

void rn_values_free(struct rn_values *vs)
{
	free(vs->v);
	free(vs->bytes);
	memset(vs, 0, sizeof(*vs));
}

static uint32_t push(struct rn_values *vs, enum rn_vkind kind, const char *name)
{
	if (vs->n == vs->cap) {
		uint32_t cap = vs->cap ? vs->cap * 2 : 32;
		struct rn_value *v = realloc(vs->v, cap * sizeof(*v));
		if (!v)
			oom();
		vs->v = v;
		vs->cap = cap;
	}
	uint32_t i = vs->n++;
	memset(&vs->v[i], 0, sizeof(vs->v[i]));
	vs->v[i].kind = (uint8_t)kind;
	vs->v[i].name = name;
	vs->v[i].end = vs->n;
	return i;
}

static void put_bytes(struct rn_values *vs, uint32_t node, const void *bytes, size_t len)
{
	if (vs->nbytes + len > vs->capbytes) {
		uint32_t cap = vs->capbytes ? vs->capbytes : 256;
		while (cap < vs->nbytes + len)
			cap *= 2;
		unsigned char *b = realloc(vs->bytes, cap);
		if (!b)
			oom();
		vs->bytes = b;
		vs->capbytes = cap;
	}
	if (len)
		memcpy(vs->bytes + vs->nbytes, bytes, len);
	vs->v[node].off = vs->nbytes;
	vs->v[node].len = (uint32_t)len;
	vs->nbytes += (uint32_t)len;
}

uint32_t rn_v_int(struct rn_values *vs, const char *name, int64_t i)
{
	uint32_t n = push(vs, RN_V_INT, name);
	vs->v[n].i = i;
	return n;
}

#define UNSIGNED_LEAF(fn, kind)                                                  \
	uint32_t fn(struct rn_values *vs, const char *name, uint64_t u)          \
	{                                                                        \
		uint32_t n = push(vs, kind, name);                               \
		vs->v[n].u = u;                                                  \
		return n;                                                        \
	}
UNSIGNED_LEAF(rn_v_uint, RN_V_UINT)
UNSIGNED_LEAF(rn_v_hex, RN_V_HEX)
UNSIGNED_LEAF(rn_v_octal, RN_V_OCTAL)
UNSIGNED_LEAF(rn_v_ptr, RN_V_PTR)

uint32_t rn_v_fd(struct rn_values *vs, const char *name, int fd)
{
	uint32_t n = push(vs, RN_V_FD, name);
	vs->v[n].i = fd;
	return n;
}

uint32_t rn_v_dirfd(struct rn_values *vs, const char *name, int fd)
{
	uint32_t n = rn_v_fd(vs, name, fd);
	if (fd == -100) /* AT_FDCWD */
		vs->v[n].flags |= RN_VF_FDCWD;
	return n;
}

uint32_t rn_v_name(struct rn_values *vs, const char *name, const char *constant)
{
	uint32_t n = push(vs, RN_V_NAME, name);
	/* A constant's name is static: keep it as bytes too, so a renderer
	 * that serialises values needs no second case. */
	put_bytes(vs, n, constant, strlen(constant));
	return n;
}

uint32_t rn_v_str(struct rn_values *vs, const char *name, const void *bytes, size_t len,
		  unsigned flags)
{
	uint32_t n = push(vs, RN_V_STR, name);
	vs->v[n].flags = (uint16_t)flags;
	put_bytes(vs, n, bytes, len);
	return n;
}

uint32_t rn_v_text(struct rn_values *vs, const char *name, const char *text)
{
	uint32_t n = push(vs, RN_V_TEXT, name);
	put_bytes(vs, n, text, strlen(text));
	return n;
}

void rn_v_annotate(struct rn_values *vs, uint32_t node, unsigned flag, const char *text)
{
	vs->v[node].flags |= (uint16_t)flag;
	put_bytes(vs, node, text, strlen(text));
}

uint32_t rn_v_unknown(struct rn_values *vs, const char *name)
{
	return push(vs, RN_V_UNKNOWN, name);
}

uint32_t rn_v_open(struct rn_values *vs, const char *name, enum rn_vkind kind)
{
	return push(vs, kind, name);
}

void rn_v_close(struct rn_values *vs, uint32_t node)
{
	vs->v[node].end = vs->n;
}

void rn_v_set_bytes(struct rn_values *vs, uint32_t node, const void *bytes, size_t len)
{
	put_bytes(vs, node, bytes, len);
}
