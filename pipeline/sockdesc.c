/*
 * sockdesc.c - -yy: what a socket is, as strace 6.1 shows it inside the
 * brackets: UNIX-STREAM:[INODE->PEER,"PATH"], TCP:[SRC:PORT->DST:PORT],
 * UDPv6:[[::1]:PORT], NETLINK:[ROUTE:PORTID], or PROTO:[INODE] when the
 * kernel has nothing more to say (a socket not bound yet).
 *
 * The protocol's name is the kernel's own (the system.sockprotoname
 * attribute of /proc/TID/fd/N). The endpoints come from sock_diag
 * (NETLINK_SOCK_DIAG), not /proc/net/{tcp,udp,unix,netlink}: only
 * sock_diag gives a UNIX socket's peer, it looks a UNIX socket up by its
 * inode instead of listing every socket of the host, and its answers are
 * binary, not text to parse. Its one limit: it answers for renacer's
 * network namespace, so the socket of a tracee in another one is not
 * found and is shown PROTO:[INODE].
 *
 * Only the worker that owns the process calls this, with the tracee held
 * (see fdcache.h); the sock_diag socket is that worker's.
 */
#define _GNU_SOURCE
#include "pipeline/sockdesc.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/quote.h"

#ifndef NETLINK_SOCK_DIAG
#define NETLINK_SOCK_DIAG 4
#endif

/* The worker's sock_diag socket, opened at its first use; -1 if it cannot
 * be. A reply never comes later than this (the kernel answers at once). */
static int diag_socket(struct rn_worker *w)
{
	if (w->diag_fd1 == 0) {
		int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		if (fd >= 0) {
			struct timeval tv = { 1, 0 };
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
		w->diag_fd1 = fd >= 0 ? fd + 1 : -1;
	}
	return w->diag_fd1 > 0 ? w->diag_fd1 - 1 : -1;
}

/* A socket once seen connected keeps the description it had then, as
 * strace 6.1 shows it: the peer of a UNIX socket stays named after the
 * peer is closed, a UDP socket connected again keeps its first
 * destination. Open addressing by inode; emptied when three quarters
 * full, so it stays small. */
#define SOCKCACHE_SLOTS 1024u

struct rn_sockcache {
	unsigned used;
	struct {
		uint32_t ino; /* 0: free */
		uint32_t len;
		char *text;
	} slot[SOCKCACHE_SLOTS];
};

static unsigned sockcache_find(const struct rn_sockcache *c, uint32_t ino)
{
	unsigned i = (ino * 2654435761u) % SOCKCACHE_SLOTS;
	while (c->slot[i].ino && c->slot[i].ino != ino)
		i = (i + 1) % SOCKCACHE_SLOTS;
	return i;
}

static void sockcache_clear(struct rn_sockcache *c)
{
	for (unsigned i = 0; i < SOCKCACHE_SLOTS; i++) {
		free(c->slot[i].text);
		c->slot[i].text = NULL;
		c->slot[i].ino = 0;
	}
	c->used = 0;
}

static int sockcache_get(struct rn_worker *w, uint32_t ino, struct rn_sbuf *out)
{
	const struct rn_sockcache *c = w->sockcache;
	if (!c || !ino)
		return 0;
	unsigned i = sockcache_find(c, ino);
	if (!c->slot[i].ino)
		return 0;
	rn_sbuf_put(out, c->slot[i].text, c->slot[i].len);
	return 1;
}

static void sockcache_put(struct rn_worker *w, uint32_t ino, const char *text, size_t len)
{
	if (!ino)
		return;
	if (!w->sockcache && !(w->sockcache = calloc(1, sizeof(*w->sockcache))))
		abort();
	struct rn_sockcache *c = w->sockcache;
	if (c->used >= SOCKCACHE_SLOTS / 4 * 3)
		sockcache_clear(c);
	unsigned i = sockcache_find(c, ino);
	char *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, text, len);
	if (!c->slot[i].ino)
		c->used++;
	free(c->slot[i].text);
	c->slot[i].ino = ino;
	c->slot[i].len = (uint32_t)len;
	c->slot[i].text = copy;
}

void rn_sockdesc_free(struct rn_worker *w)
{
	if (w->diag_fd1 > 0)
		close(w->diag_fd1 - 1);
	w->diag_fd1 = 0;
	if (w->sockcache) {
		sockcache_clear(w->sockcache);
		free(w->sockcache);
		w->sockcache = NULL;
	}
}

/* One reply message of a query; returns 1 when it was the one wanted. */
typedef int (*diag_fn)(const struct nlmsghdr *h, void *ctx);

/* Send req (its header's length, type and flags set) and read every reply
 * up to the end of the dump or the one answer, giving each message to fn
 * until it returns 1. 1 when found, 0 when not, -1 when sock_diag failed. */
static int diag_query(struct rn_worker *w, struct nlmsghdr *req, diag_fn fn, void *ctx)
{
	int fd = diag_socket(w);
	if (fd < 0)
		return -1;
	req->nlmsg_seq = ++w->diag_seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	int dump = (req->nlmsg_flags & NLM_F_DUMP) != 0, found = 0;
	/* Netlink messages are 4-byte aligned; a dump's part is at most
	 * a page or two. */
	static _Thread_local uint32_t buf[8192];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue; /* a late part of an earlier query */
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return found;
			if (!found && fn(h, ctx))
				found = 1;
			if (!dump)
				return found;
		}
	}
}

/* The describers below append the description and return 1, or 2 when
 * it names a peer (the socket is connected); 0 when sock_diag does not
 * know the socket. */

/* ---- UNIX ------------------------------------------------------------- */

struct unix_ctx {
	uint32_t ino, peer;
	const unsigned char *name;
	size_t name_len;
	unsigned char name_buf[108];
};

static int unix_reply(const struct nlmsghdr *h, void *vctx)
{
	struct unix_ctx *c = vctx;
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->udiag_ino != c->ino)
		return 0;
	size_t left = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, left);
	     a = RTA_NEXT(a, left)) {
		size_t len = RTA_PAYLOAD(a);
		if (a->rta_type == UNIX_DIAG_PEER && len >= sizeof(uint32_t)) {
			memcpy(&c->peer, RTA_DATA(a), sizeof(uint32_t));
		} else if (a->rta_type == UNIX_DIAG_NAME && len > 0) {
			if (len > sizeof(c->name_buf))
				len = sizeof(c->name_buf);
			memcpy(c->name_buf, RTA_DATA(a), len);
			c->name = c->name_buf;
			c->name_len = len;
		}
	}
	return 1;
}

static int unix_desc(struct rn_worker *w, const char *proto, uint32_t ino, struct rn_sbuf *out,
		     unsigned quote_flags)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_ino = ino,
		       .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
		       .udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
	};
	struct unix_ctx c = { .ino = ino };
	if (diag_query(w, &req.h, unix_reply, &c) != 1)
		return 0;
	rn_sbuf_printf(out, "%s:[%u", proto, ino);
	if (c.peer)
		rn_sbuf_printf(out, "->%u", c.peer);
	if (c.name_len) {
		rn_sbuf_putc(out, ',');
		if (c.name[0] == '\0') { /* abstract: @ and the bytes after the NUL */
			rn_sbuf_putc(out, '@');
			rn_quote(out, c.name + 1, c.name_len - 1, quote_flags, 0);
		} else {
			rn_quote(out, c.name, strnlen((const char *)c.name, c.name_len), quote_flags,
				 0);
		}
	}
	rn_sbuf_putc(out, ']');
	return c.peer ? 2 : 1;
}

/* ---- TCP, UDP ----------------------------------------------------------- */

struct inet_ctx {
	uint32_t ino;
	struct inet_diag_msg m;
};

static int inet_reply(const struct nlmsghdr *h, void *vctx)
{
	struct inet_ctx *c = vctx;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_inode != c->ino)
		return 0;
	c->m = *m;
	return 1;
}

static void put_endpoint(struct rn_sbuf *out, int family, const uint32_t *addr, uint16_t port)
{
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, addr, text, sizeof(text)))
		text[0] = '\0';
	if (family == AF_INET6)
		rn_sbuf_printf(out, "[%s]:%u", text, ntohs(port));
	else
		rn_sbuf_printf(out, "%s:%u", text, ntohs(port));
}

static int inet_desc(struct rn_worker *w, const char *proto, int family, int protocol,
		     uint32_t ino, struct rn_sbuf *out)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)protocol,
		       .idiag_states = ~0u },
	};
	struct inet_ctx c = { .ino = ino };
	if (diag_query(w, &req.h, inet_reply, &c) != 1)
		return 0;
	const struct inet_diag_sockid *id = &c.m.id;
	rn_sbuf_printf(out, "%s:[", proto);
	put_endpoint(out, family, id->idiag_src, id->idiag_sport);
	static const uint32_t zero[4];
	int peer = id->idiag_dport || memcmp(id->idiag_dst, zero, family == AF_INET6 ? 16 : 4);
	if (peer) {
		rn_sbuf_puts(out, "->");
		put_endpoint(out, family, id->idiag_dst, id->idiag_dport);
	}
	rn_sbuf_putc(out, ']');
	return peer ? 2 : 1;
}

/* ---- NETLINK ------------------------------------------------------------ */

struct netlink_ctx {
	uint32_t ino;
	struct netlink_diag_msg m;
};

static int netlink_reply(const struct nlmsghdr *h, void *vctx)
{
	struct netlink_ctx *c = vctx;
	const struct netlink_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->ndiag_ino != c->ino)
		return 0;
	c->m = *m;
	return 1;
}

/* The netlink protocols by number, as strace names them. */
static const char *const netlink_protos[] = {
	[0] = "ROUTE", [1] = "UNUSED", [2] = "USERSOCK", [3] = "FIREWALL",
	[4] = "SOCK_DIAG", [5] = "NFLOG", [6] = "XFRM", [7] = "SELINUX",
	[8] = "ISCSI", [9] = "AUDIT", [10] = "FIB_LOOKUP", [11] = "CONNECTOR",
	[12] = "NETFILTER", [13] = "IP6_FW", [14] = "DNRTMSG", [15] = "KOBJECT_UEVENT",
	[16] = "GENERIC", [18] = "SCSITRANSPORT", [19] = "ECRYPTFS", [20] = "RDMA",
	[21] = "CRYPTO", [22] = "SMC",
};

static int netlink_desc(struct rn_worker *w, const char *proto, uint32_t ino,
			struct rn_sbuf *out)
{
	struct {
		struct nlmsghdr h;
		struct netlink_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_NETLINK, .sdiag_protocol = NDIAG_PROTO_ALL,
		       .ndiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
	};
	struct netlink_ctx c = { .ino = ino };
	if (diag_query(w, &req.h, netlink_reply, &c) != 1 || !c.m.ndiag_portid)
		return 0;
	unsigned p = c.m.ndiag_protocol;
	rn_sbuf_printf(out, "%s:[", proto);
	if (p < sizeof(netlink_protos) / sizeof(netlink_protos[0]) && netlink_protos[p])
		rn_sbuf_puts(out, netlink_protos[p]);
	else
		rn_sbuf_printf(out, "%u", p);
	rn_sbuf_printf(out, ":%u]", c.m.ndiag_portid);
	return 1;
}

/* ---- the protocols --------------------------------------------------------- */

int rn_sockdesc(struct rn_worker *w, const char *link, uint32_t ino, struct rn_sbuf *out,
		unsigned quote_flags)
{
	char proto[32];
	ssize_t n = getxattr(link, "system.sockprotoname", proto, sizeof(proto) - 1);
	if (n <= 0)
		return 0;
	proto[n] = '\0';
	size_t start = out->len;
	if (sockcache_get(w, ino, out))
		return 1;
	int done = 0;
	if (!strcmp(proto, "UNIX") || !strcmp(proto, "UNIX-STREAM"))
		done = unix_desc(w, proto, ino, out, quote_flags);
	else if (!strcmp(proto, "TCP"))
		done = inet_desc(w, proto, AF_INET, IPPROTO_TCP, ino, out);
	else if (!strcmp(proto, "TCPv6"))
		done = inet_desc(w, proto, AF_INET6, IPPROTO_TCP, ino, out);
	else if (!strcmp(proto, "UDP"))
		done = inet_desc(w, proto, AF_INET, IPPROTO_UDP, ino, out);
	else if (!strcmp(proto, "UDPv6"))
		done = inet_desc(w, proto, AF_INET6, IPPROTO_UDP, ino, out);
	else if (!strcmp(proto, "UDPLITE"))
		done = inet_desc(w, proto, AF_INET, IPPROTO_UDPLITE, ino, out);
	else if (!strcmp(proto, "UDPLITEv6"))
		done = inet_desc(w, proto, AF_INET6, IPPROTO_UDPLITE, ino, out);
	else if (!strcmp(proto, "NETLINK"))
		done = netlink_desc(w, proto, ino, out);
	else if (strcmp(proto, "RAW") && strcmp(proto, "RAWv6"))
		return 0; /* a protocol strace does not name: the link's text */
	if (!done) {
		out->len = start;
		rn_sbuf_printf(out, "%s:[%u]", proto, ino);
	} else if (done == 2) { /* connected */
		sockcache_put(w, ino, out->p + start, out->len - start);
	}
	return 1;
}
