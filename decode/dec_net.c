/*
 * dec_net.c - struct decoders of sockets and I/O vectors: sockaddr (with
 * its length argument), socklen, iovec arrays, msghdr, pollfd arrays,
 * epoll_event.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/dec_util.h"
#include "decode/dec_structs.h"
#include "base/quote.h"
#include "base/sbuf.h"

/* ---- sockaddr --------------------------------------------------------------- */

static const struct rn_flag families[] = {
	{ 0, "AF_UNSPEC" },     { 1, "AF_UNIX" },       { 2, "AF_INET" },
	{ 3, "AF_AX25" },       { 4, "AF_IPX" },        { 5, "AF_APPLETALK" },
	{ 6, "AF_NETROM" },     { 7, "AF_BRIDGE" },     { 8, "AF_ATMPVC" },
	{ 9, "AF_X25" },        { 10, "AF_INET6" },     { 11, "AF_ROSE" },
	{ 12, "AF_DECnet" },    { 13, "AF_NETBEUI" },   { 14, "AF_SECURITY" },
	{ 15, "AF_KEY" },       { 16, "AF_NETLINK" },   { 17, "AF_PACKET" },
	{ 18, "AF_ASH" },       { 19, "AF_ECONET" },    { 20, "AF_ATMSVC" },
	{ 21, "AF_RDS" },       { 22, "AF_SNA" },       { 23, "AF_IRDA" },
	{ 24, "AF_PPPOX" },     { 25, "AF_WANPIPE" },   { 26, "AF_LLC" },
	{ 27, "AF_IB" },        { 28, "AF_MPLS" },      { 29, "AF_CAN" },
	{ 30, "AF_TIPC" },      { 31, "AF_BLUETOOTH" }, { 32, "AF_IUCV" },
	{ 33, "AF_RXRPC" },     { 34, "AF_ISDN" },      { 35, "AF_PHONET" },
	{ 36, "AF_IEEE802154" }, { 37, "AF_CAIF" },     { 38, "AF_ALG" },
	{ 39, "AF_NFC" },       { 40, "AF_VSOCK" },     { 41, "AF_KCM" },
	{ 42, "AF_QIPCRTR" },   { 43, "AF_SMC" },       { 44, "AF_XDP" },
	{ 45, "AF_MCTP" },
};

#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* An interface index: if_nametoindex("lo") when the name is known. The
 * kernel lets an interface name hold quotes and control bytes (whoever may
 * create one chooses them): quoted as any string. */
static void ifindex_value(struct rn_values *vs, const char *name, uint32_t idx)
{
	char ifname[IF_NAMESIZE + 1];
	if (idx && if_indextoname(idx, ifname)) {
		struct rn_sbuf text = { 0 };
		rn_sbuf_puts(&text, "if_nametoindex(");
		rn_quote(&text, (const unsigned char *)ifname, strnlen(ifname, IF_NAMESIZE), 0, 0);
		rn_sbuf_putc(&text, ')');
		du_expr(vs, name, idx, rn_sbuf_cstr(&text));
		rn_sbuf_free(&text);
	} else {
		rn_v_uint(vs, name, idx);
	}
}

static void sockaddr_in(struct rn_values *vs, const unsigned char *b)
{
	char text[64], addr[INET_ADDRSTRLEN];
	uint16_t port = ntohs(get16(b + 2));
	snprintf(text, sizeof(text), "htons(%u)", port);
	du_expr(vs, "sin_port", port, text);
	inet_ntop(AF_INET, b + 4, addr, sizeof(addr));
	snprintf(text, sizeof(text), "inet_addr(\"%s\")", addr);
	du_expr(vs, "sin_addr", ntohl(get32(b + 4)), text);
}

static void sockaddr_in6(struct rn_values *vs, const unsigned char *b, size_t len)
{
	char text[96], addr[INET6_ADDRSTRLEN];
	uint16_t port = ntohs(get16(b + 2));
	uint32_t flow = ntohl(get32(b + 4));
	snprintf(text, sizeof(text), "htons(%u)", port);
	du_expr(vs, "sin6_port", port, text);
	snprintf(text, sizeof(text), "htonl(%u)", flow);
	du_expr(vs, "sin6_flowinfo", flow, text);
	inet_ntop(AF_INET6, b + 8, addr, sizeof(addr));
	snprintf(text, sizeof(text), "inet_pton(AF_INET6, \"%s\", &sin6_addr)", addr);
	rn_v_text(vs, NULL, text);
	if (len >= 28) {
		const unsigned char *a = b + 8;
		int linklocal = (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
				(a[0] == 0xff && (a[1] & 0x0f) == 0x2);
		uint32_t scope = get32(b + 24);
		if (linklocal)
			ifindex_value(vs, "sin6_scope_id", scope);
		else
			rn_v_uint(vs, "sin6_scope_id", scope);
	}
}

static void sockaddr_un(struct rn_dctx *c, const unsigned char *b, size_t len)
{
	size_t plen = len - 2;
	const unsigned char *path = b + 2;
	if (plen > 108)
		plen = 108;
	if (plen == 0)
		return;
	if (path[0] == '\0') {
		/* abstract: @"name", NULs and all */
		struct rn_sbuf sb = { 0 };
		rn_sbuf_putc(&sb, '@');
		rn_quote(&sb, path + 1, plen - 1, c->opt->quote_flags, 0);
		rn_v_text(c->vs, "sun_path", rn_sbuf_cstr(&sb));
		rn_sbuf_free(&sb);
		return;
	}
	rn_v_str(c->vs, "sun_path", path, strnlen((const char *)path, plen), RN_VF_PATH);
}

static void sockaddr_nl(struct rn_values *vs, const unsigned char *b)
{
	char text[24];
	uint32_t groups = get32(b + 8);
	rn_v_uint(vs, "nl_pid", get32(b + 4));
	snprintf(text, sizeof(text), "%#08x", groups);
	du_expr(vs, "nl_groups", groups, text);
}

static void sockaddr_ll(struct rn_values *vs, const unsigned char *b)
{
	static const struct rn_flag eth_p[] = {
		{ 0x0001, "ETH_P_802_3" }, { 0x0003, "ETH_P_ALL" },  { 0x0004, "ETH_P_802_2" },
		{ 0x0800, "ETH_P_IP" },    { 0x0806, "ETH_P_ARP" },  { 0x8035, "ETH_P_RARP" },
		{ 0x8100, "ETH_P_8021Q" }, { 0x86dd, "ETH_P_IPV6" }, { 0x8847, "ETH_P_MPLS_UC" },
		{ 0x888e, "ETH_P_PAE" },   { 0x88a8, "ETH_P_8021AD" }, { 0x88cc, "ETH_P_LLDP" },
	};
	static const struct rn_flag hatypes[] = {
		{ 0, "ARPHRD_NETROM" }, { 1, "ARPHRD_ETHER" }, { 512, "ARPHRD_PPP" },
		{ 768, "ARPHRD_TUNNEL" }, { 769, "ARPHRD_TUNNEL6" }, { 772, "ARPHRD_LOOPBACK" },
		{ 776, "ARPHRD_SIT" }, { 778, "ARPHRD_IPGRE" }, { 801, "ARPHRD_IEEE80211" },
		{ 803, "ARPHRD_IEEE80211_RADIOTAP" }, { 65534, "ARPHRD_NONE" },
		{ 65535, "ARPHRD_VOID" },
	};
	static const struct rn_flag pkttypes[] = {
		{ 0, "PACKET_HOST" },    { 1, "PACKET_BROADCAST" }, { 2, "PACKET_MULTICAST" },
		{ 3, "PACKET_OTHERHOST" }, { 4, "PACKET_OUTGOING" }, { 5, "PACKET_LOOPBACK" },
		{ 6, "PACKET_USER" },    { 7, "PACKET_KERNEL" },
	};
	char text[64];
	uint16_t proto = ntohs(get16(b + 2));
	const char *pn = du_lookup(eth_p, DU_COUNT(eth_p), proto);
	if (pn)
		snprintf(text, sizeof(text), "htons(%s)", pn);
	else
		snprintf(text, sizeof(text), "htons(%#x /* ETH_P_??? */)", proto);
	du_expr(vs, "sll_protocol", proto, text);
	ifindex_value(vs, "sll_ifindex", get32(b + 4));
	du_enum(vs, "sll_hatype", hatypes, DU_COUNT(hatypes), 0, get16(b + 8));
	du_enum(vs, "sll_pkttype", pkttypes, DU_COUNT(pkttypes), 0, b[10]);
	unsigned halen = b[11];
	rn_v_uint(vs, "sll_halen", halen);
	uint32_t a = rn_v_open(vs, "sll_addr", RN_V_ARRAY);
	for (unsigned i = 0; i < halen && i < 8; i++) {
		snprintf(text, sizeof(text), "%02x", b[12 + i]);
		du_expr(vs, NULL, b[12 + i], text);
	}
	rn_v_close(vs, a);
}

void du_sockaddr_val(struct rn_dctx *c, const char *name, const unsigned char *b, size_t len)
{
	struct rn_values *vs = c->vs;
	uint16_t family = get16(b);
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	const char *fn = du_lookup(families, DU_COUNT(families), family);
	if (fn) {
		rn_v_name(vs, "sa_family", fn);
	} else {
		uint32_t k = rn_v_hex(vs, "sa_family", family);
		rn_v_annotate(vs, k, RN_VF_COMMENT, "AF_???");
	}
	if (family == 1) {
		sockaddr_un(c, b, len);
	} else if (family == 2 && len >= 16) {
		sockaddr_in(vs, b);
	} else if (family == 10 && len >= 24) {
		sockaddr_in6(vs, b, len);
	} else if (family == 16 && len >= 12) {
		sockaddr_nl(vs, b);
	} else if (family == 17 && len >= 20) {
		sockaddr_ll(vs, b);
	} else if (len > 2) {
		rn_v_str(vs, "sa_data", b + 2, len - 2, 0);
	}
	rn_v_close(vs, s);
}

void du_sockaddr(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len)
{
	unsigned char b[SOCKADDR_MAX];
	if (len > SOCKADDR_MAX)
		len = SOCKADDR_MAX;
	if (len < 2 || du_read(c, addr, b, (size_t)len) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	du_sockaddr_val(c, name, b, (size_t)len);
}

void rn_dec_sockaddr_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len)
{
	du_sockaddr(c, name, addr, len);
}

/* The length is the next argument: a plain int (connect, bind, sendto) or a
 * socklen_t pointer read back at exit (accept, getsockname, recvfrom), of
 * which strace uses the smaller of the sizes before and after the call. */
void rn_dec_sockaddr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	uint64_t len = SOCKADDR_MAX;
	if (c->sc && argi < 5 && argi + 1 < c->sc->nargs) {
		const struct rn_arg_desc *la = &c->sc->args[argi + 1];
		uint64_t lraw = du_arg(c, argi + 1);
		if (la->type == RN_T_STRUCT_IO) {
			uint32_t now, before64 = 0;
			uint64_t before = 0;
			if (!lraw || du_read(c, lraw, &now, sizeof(now)) < 0) {
				rn_v_ptr(c->vs, name, raw);
				return;
			}
			len = now;
			if (du_saved(c, argi + 1, &before, NULL)) {
				before64 = (uint32_t)before;
				if (before64 < len)
					len = before64;
			}
			if (now == 0) {
				rn_v_ptr(c->vs, name, raw);
				return;
			}
		} else {
			len = (uint32_t)lraw;
			if ((int32_t)lraw < 0) {
				rn_v_ptr(c->vs, name, raw);
				return;
			}
		}
	}
	du_sockaddr(c, name, raw, len);
}

/* ---- socklen ------------------------------------------------------------------ */

/* [before => after] (the shape of "[128 => 16]"), or [value]. */
static void changed_u32(struct rn_values *vs, const char *name, int have_before,
			uint32_t before, uint32_t after, int bracket)
{
	uint32_t a = bracket ? rn_v_open(vs, name, RN_V_ARRAY) : UINT32_MAX;
	const char *inner = bracket ? NULL : name;
	if (have_before && before != after) {
		uint32_t ch = rn_v_open(vs, inner, RN_V_STRUCT);
		vs->v[ch].flags |= RN_VF_CHANGED;
		rn_v_uint(vs, NULL, before);
		rn_v_uint(vs, NULL, after);
		rn_v_close(vs, ch);
	} else {
		rn_v_uint(vs, inner, after);
	}
	if (bracket)
		rn_v_close(vs, a);
}

void rn_dec_socklen(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint32_t now;
	uint64_t before = 0;
	if (c->saving) {
		if (du_read(c, raw, &now, sizeof(now)) == 0)
			du_save(c, argi, now, 0);
		return;
	}
	const char *name = du_argname(c, argi);
	int have_before = du_saved(c, argi, &before, NULL);
	if (du_read_io(c, raw, &now, sizeof(now)) < 0) {
		if (!have_before) {
			rn_v_ptr(c->vs, name, raw);
			return;
		}
		now = (uint32_t)before;
	}
	changed_u32(c->vs, name, have_before, (uint32_t)before, now, 1);
}

/* ---- iovec -------------------------------------------------------------------- */

struct iov_show {
	int show_data;
	uint64_t left; /* data still to show */
};

static void iov_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	struct iov_show *st = ctx;
	uint64_t iov[2];
	memcpy(iov, elem, sizeof(iov));
	uint32_t e = rn_v_open(c->vs, NULL, RN_V_STRUCT);
	if (st->show_data) {
		uint64_t take = iov[1] < st->left ? iov[1] : st->left;
		st->left -= take;
		rn_dec_buffer(c, "iov_base", iov[0], take);
	} else {
		rn_v_ptr(c->vs, "iov_base", iov[0]);
	}
	rn_v_uint(c->vs, "iov_len", iov[1]);
	rn_v_close(c->vs, e);
}

void du_iovec(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n, int show_data,
	      uint64_t data_limit)
{
	struct iov_show st = { show_data, data_limit };
	du_array(c, name, addr, n, 16, iov_elem, &st);
}

/* The count is the next argument. Data: all of it (cut at -s per element)
 * for what is written, what the call returned for what is read; the
 * remote vectors of process_vm_* and process_madvise's ranges: addresses. */
void rn_dec_iovec(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	uint64_t n = du_arg(c, argi + 1);
	int show_data = 1;
	uint64_t limit = UINT64_MAX;
	if (c->sc && (strcmp(c->sc->name, "process_madvise") == 0 ||
		      (strncmp(c->sc->name, "process_vm_", 11) == 0 && name &&
		       strcmp(name, "rvec") == 0)))
		show_data = 0;
	if (c->exit && c->sc && c->sc->args[argi].type != RN_T_STRUCT_IN)
		limit = du_ok(c) && du_ret(c) > 0 ? (uint64_t)du_ret(c) : 0;
	/* a read that failed (struct_io: shown all the same): the vectors
	 * with their addresses */
	if (c->exit && !du_ok(c))
		show_data = 0;
	du_iovec(c, name, raw, n, show_data, limit);
}

/* ---- msghdr -------------------------------------------------------------------- */

struct k_msghdr {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags, pad2;
};

extern const struct rn_flag_table rn_flags_msg_flags __attribute__((weak));
extern const struct rn_flag_table rn_flags_sockopt_level __attribute__((weak));

static const struct rn_flag sol_levels[] = {
	{ 0, "SOL_IP" }, { 1, "SOL_SOCKET" }, { 6, "SOL_TCP" }, { 17, "SOL_UDP" },
	{ 41, "SOL_IPV6" }, { 255, "SOL_RAW" }, { 263, "SOL_PACKET" }, { 270, "SOL_NETLINK" },
};

static const struct rn_flag scm_types[] = {
	{ 1, "SCM_RIGHTS" },    { 2, "SCM_CREDENTIALS" }, { 3, "SCM_SECURITY" },
	{ 4, "SCM_PIDFD" },     { 29, "SO_TIMESTAMP_OLD" }, { 35, "SO_TIMESTAMPNS_OLD" },
	{ 37, "SO_TIMESTAMPING_OLD" },
};

static void msg_flags_value(struct rn_values *vs, const char *name, uint32_t v)
{
	if (&rn_flags_msg_flags)
		rn_dec_flags(vs, name, &rn_flags_msg_flags, v);
	else
		rn_v_hex(vs, name, v);
}

/* msg_control: [{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS,
 * cmsg_data=[3, 4]}] */
static void cmsgs(struct rn_dctx *c, uint64_t addr, uint64_t len)
{
	struct rn_values *vs = c->vs;
	if (len > 65536)
		len = 65536;
	unsigned char stackbuf[512];
	unsigned char *buf = len <= sizeof(stackbuf) ? stackbuf : malloc((size_t)len);
	if (!buf || du_read(c, addr, buf, (size_t)len) < 0) {
		rn_v_ptr(vs, "msg_control", addr);
		if (buf && buf != stackbuf)
			free(buf);
		return;
	}
	uint32_t a = rn_v_open(vs, "msg_control", RN_V_ARRAY);
	size_t off = 0;
	int count = 0;
	while (off + 16 <= len) {
		if (count++ >= c->opt->strsize) {
			vs->v[a].flags |= RN_VF_ELLIPSIS;
			break;
		}
		uint64_t clen;
		int32_t level, type;
		memcpy(&clen, buf + off, 8);
		memcpy(&level, buf + off + 8, 4);
		memcpy(&type, buf + off + 12, 4);
		uint32_t e = rn_v_open(vs, NULL, RN_V_STRUCT);
		rn_v_uint(vs, "cmsg_len", clen);
		if (&rn_flags_sockopt_level)
			rn_dec_flags(vs, "cmsg_level", &rn_flags_sockopt_level, (uint64_t)level);
		else
			du_enum(vs, "cmsg_level", sol_levels, DU_COUNT(sol_levels), 1, level);
		if (level == 1)
			du_enum(vs, "cmsg_type", scm_types, DU_COUNT(scm_types), 1, type);
		else
			rn_v_hex(vs, "cmsg_type", (uint32_t)type);
		size_t dlen = clen > 16 ? (size_t)clen - 16 : 0;
		if (dlen > len - off - 16)
			dlen = len - off - 16;
		const unsigned char *d = buf + off + 16;
		if (level == 1 && type == 1) {
			uint32_t fa = rn_v_open(vs, "cmsg_data", RN_V_ARRAY);
			for (size_t k = 0; k + 4 <= dlen; k += 4)
				rn_v_fd(vs, NULL, (int32_t)get32(d + k));
			rn_v_close(vs, fa);
		} else if (level == 1 && type == 2 && dlen >= 12) {
			uint32_t cr = rn_v_open(vs, "cmsg_data", RN_V_STRUCT);
			rn_v_int(vs, "pid", (int32_t)get32(d));
			rn_v_uint(vs, "uid", get32(d + 4));
			rn_v_uint(vs, "gid", get32(d + 8));
			rn_v_close(vs, cr);
		} else if (dlen) {
			size_t show = dlen < (size_t)c->opt->strsize ? dlen : (size_t)c->opt->strsize;
			rn_v_str(vs, "cmsg_data", d, show, show < dlen ? RN_VF_TRUNCATED : 0);
		}
		rn_v_close(vs, e);
		/* A cmsg_len past the buffer ends it (and must not wrap off
		 * around: found by tests/fuzz/fuzz_decode). */
		if (clen < 16 || clen > len - off)
			break;
		off += (size_t)((clen + 7) & ~UINT64_C(7));
	}
	rn_v_close(vs, a);
	if (buf != stackbuf)
		free(buf);
}

/* The fields of a msghdr; recv: what the kernel filled in (the name's
 * length as returned, cut at what the caller offered). */
static void msghdr_fields(struct rn_dctx *c, const struct k_msghdr *m, int recv,
			  int have_before, uint32_t before, uint64_t data_limit)
{
	struct rn_values *vs = c->vs;
	uint64_t namelen = m->namelen;
	if (have_before && before < namelen)
		namelen = before;
	if (m->name == 0 || (recv && m->namelen == 0))
		rn_v_ptr(vs, "msg_name", m->name);
	else
		du_sockaddr(c, "msg_name", m->name, namelen);
	changed_u32(vs, "msg_namelen", have_before, before, m->namelen, 0);
	if (m->iov)
		du_iovec(c, "msg_iov", m->iov, m->iovlen, 1, data_limit);
	else
		rn_v_ptr(vs, "msg_iov", 0);
	rn_v_uint(vs, "msg_iovlen", m->iovlen);
	if (m->controllen) {
		if (m->control)
			cmsgs(c, m->control, m->controllen);
		else
			rn_v_ptr(vs, "msg_control", 0);
	}
	rn_v_uint(vs, "msg_controllen", m->controllen);
	msg_flags_value(vs, "msg_flags", (uint32_t)m->flags);
}

void rn_dec_msghdr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	struct k_msghdr m;
	uint64_t before = 0;
	int io = c->sc && c->sc->args[argi].type == RN_T_STRUCT_IO;
	if (c->saving) {
		if (du_read(c, raw, &m, sizeof(m)) == 0)
			du_save(c, argi, m.namelen, 0);
		return;
	}
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	int have_before = io && du_saved(c, argi, &before, NULL);
	if ((io ? du_read_io(c, raw, &m, sizeof(m)) : du_read(c, raw, &m, sizeof(m))) < 0) {
		rn_v_ptr(vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	if (io && !du_ok(c)) {
		/* failed recvmsg: only what the caller passed in */
		rn_v_uint(vs, "msg_namelen", have_before ? (uint32_t)before : m.namelen);
		rn_v_close(vs, s);
		return;
	}
	msghdr_fields(c, &m, io, have_before, (uint32_t)before,
		      io ? (du_ret(c) > 0 ? (uint64_t)du_ret(c) : 0) : UINT64_MAX);
	rn_v_close(vs, s);
}

/* sendmmsg, recvmmsg: as many as were sent or received, each with its
 * length: [{msg_hdr={...}, msg_len=5}] */
void rn_dec_mmsghdr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	struct {
		struct k_msghdr hdr;
		uint32_t len, pad;
	} mm;
	_Static_assert(sizeof(mm) == 64, "struct mmsghdr");
	int64_t n = du_ret(c);
	if (!du_ok(c) || n < 0 || (n > 0 && du_read_io(c, raw, &mm, sizeof(mm)) < 0)) {
		rn_v_ptr(vs, name, raw);
		return;
	}
	int recv = c->sc && strcmp(c->sc->name, "recvmmsg") == 0;
	uint64_t show = (uint64_t)n < (uint64_t)c->opt->strsize ? (uint64_t)n
								 : (uint64_t)c->opt->strsize;
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	for (uint64_t i = 0; i < show; i++) {
		if (du_read_io(c, raw + i * sizeof(mm), &mm, sizeof(mm)) < 0) {
			show = i;
			break;
		}
		uint32_t e = rn_v_open(vs, NULL, RN_V_STRUCT);
		uint32_t h = rn_v_open(vs, "msg_hdr", RN_V_STRUCT);
		msghdr_fields(c, &mm.hdr, recv, 0, 0, recv ? mm.len : UINT64_MAX);
		rn_v_close(vs, h);
		rn_v_uint(vs, "msg_len", mm.len);
		rn_v_close(vs, e);
	}
	if (show < (uint64_t)n)
		vs->v[a].flags |= RN_VF_ELLIPSIS;
	rn_v_close(vs, a);
}

/* ---- pollfd ------------------------------------------------------------------------ */

static const struct rn_flag poll_events[] = {
	{ 0x1, "POLLIN" },       { 0x2, "POLLPRI" },      { 0x4, "POLLOUT" },
	{ 0x8, "POLLERR" },      { 0x10, "POLLHUP" },     { 0x20, "POLLNVAL" },
	{ 0x40, "POLLRDNORM" },  { 0x80, "POLLRDBAND" },  { 0x100, "POLLWRNORM" },
	{ 0x200, "POLLWRBAND" }, { 0x400, "POLLMSG" },    { 0x1000, "POLLREMOVE" },
	{ 0x2000, "POLLRDHUP" },
};

/* Entries scanned for revents at most: the kernel refuses more than
 * RLIMIT_NOFILE, which fs.nr_open (1048576 by default) bounds; a forged
 * count over a large mapping would otherwise be read to its end. */
#define POLL_SCAN_MAX (1u << 20)

/* revents 1: the array of the entries with revents set, {fd, revents}, of
 * which the return value says how many there are; else: every entry, {fd,
 * events} ({fd} alone when fd < 0). */
static void pollfds(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n,
		    int revents)
{
	struct rn_values *vs = c->vs;
	uint64_t show = n < (uint64_t)c->opt->strsize ? n : (uint64_t)c->opt->strsize;
	uint64_t ready = revents ? (uint64_t)du_ret(c) : n;
	if (revents && n > POLL_SCAN_MAX)
		n = POLL_SCAN_MAX;
	struct {
		int32_t fd;
		int16_t events, revents;
	} p[64];
	if (n && du_read_io(c, addr, p, sizeof(p[0])) < 0) {
		rn_v_ptr(vs, name, addr);
		return;
	}
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	uint64_t shown = 0;
	for (uint64_t i = 0; i < n;) {
		size_t chunk = n - i < 64 ? (size_t)(n - i) : 64;
		if (du_read_io(c, addr + 8 * i, p, chunk * 8) < 0) {
			vs->v[a].flags |= RN_VF_ELLIPSIS;
			break;
		}
		for (size_t k = 0; k < chunk; k++) {
			if (revents && p[k].revents == 0)
				continue;
			if (shown >= show) {
				vs->v[a].flags |= RN_VF_ELLIPSIS;
				i = n;
				break;
			}
			shown++;
			uint32_t e = rn_v_open(vs, NULL, RN_V_STRUCT);
			rn_v_fd(vs, "fd", p[k].fd);
			if (revents)
				du_flags(vs, "revents", poll_events, DU_COUNT(poll_events), NULL,
					 (uint16_t)p[k].revents);
			else if (p[k].fd >= 0)
				du_flags(vs, "events", poll_events, DU_COUNT(poll_events), NULL,
					 (uint16_t)p[k].events);
			rn_v_close(vs, e);
			if (revents && shown >= ready) { /* every ready entry found */
				i = n;
				break;
			}
		}
		if (i < n)
			i += chunk;
	}
	rn_v_close(vs, a);
}

void rn_dec_pollfd_revents_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n)
{
	pollfds(c, name, addr, n, 1);
}

/* poll, ppoll (struct_inret): at entry the array as passed ([{fd=3,
 * events=POLLIN}]); at exit, after the return value, what the kernel wrote
 * in revents. */
void rn_dec_pollfd(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	uint64_t n = du_arg(c, argi + 1);
	if (!c->exit) {
		pollfds(c, du_argname(c, argi), raw, n, 0);
		return;
	}
	if (!du_ok(c))
		return;
	/* after the return value: = 1 ([{fd=3, revents=POLLIN}]), = 0 (Timeout) */
	uint32_t k = c->vs->n;
	if (du_ret(c) == 0)
		rn_v_text(c->vs, "timeout", "Timeout");
	else if (raw)
		pollfds(c, "revents", raw, n, 1);
	else
		return;
	c->vs->v[k].flags |= RN_VF_AFTER_RET;
}

/* ---- fd_set ----------------------------------------------------------------------- */

/* The descriptors of a set of nfds bits: [0 4] */
static void fd_set_val(struct rn_values *vs, const char *name, const unsigned char *b,
		       unsigned nfds)
{
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	vs->v[a].flags |= RN_VF_SPACED;
	for (unsigned i = 0; i < nfds; i++)
		if (b[i / 8] & (1u << (i % 8)))
			rn_v_fd(vs, NULL, (int)i);
	rn_v_close(vs, a);
}

/* select's and pselect6's sets (struct_inret): at entry what the caller
 * passed, at exit after the return value the descriptors that are ready:
 * (in [3], out [4]). */
void rn_dec_fd_set(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const char *const ready[] = { NULL, "in", "out", "except" };
	int32_t n = (int32_t)du_arg(c, 0);
	unsigned nfds = n < 0 ? 0 : n > 1024 ? 1024 : (unsigned)n;
	size_t bytes = ((size_t)nfds + 63) / 64 * 8;
	uint64_t w[16] = { 0 };
	if (c->saving)
		return;
	if (!c->exit) {
		const char *name = du_argname(c, argi);
		if (du_read(c, raw, w, bytes) < 0)
			rn_v_ptr(c->vs, name, raw);
		else
			fd_set_val(c->vs, name, (const unsigned char *)w, nfds);
		return;
	}
	if (!raw || !du_ok(c) || du_ret(c) <= 0 || argi > 3 || !ready[argi])
		return;
	memset(w, 0, sizeof(w));
	if (du_read_io(c, raw, w, bytes) < 0)
		return;
	int any = 0;
	for (size_t i = 0; i < bytes / 8; i++)
		any |= w[i] != 0;
	if (!any)
		return;
	uint32_t k = c->vs->n;
	fd_set_val(c->vs, ready[argi], (const unsigned char *)w, nfds);
	c->vs->v[k].flags |= RN_VF_AFTER_RET | RN_VF_NAMED;
}

/* ---- epoll_event ---------------------------------------------------------------------- */

static const struct rn_flag epoll_events[] = {
	{ 0x1, "EPOLLIN" },         { 0x2, "EPOLLPRI" },        { 0x4, "EPOLLOUT" },
	{ 0x8, "EPOLLERR" },        { 0x10, "EPOLLHUP" },       { 0x20, "EPOLLNVAL" },
	{ 0x40, "EPOLLRDNORM" },    { 0x80, "EPOLLRDBAND" },    { 0x100, "EPOLLWRNORM" },
	{ 0x200, "EPOLLWRBAND" },   { 0x400, "EPOLLMSG" },      { 0x2000, "EPOLLRDHUP" },
	{ 1u << 27, "EPOLL_URING_WAKE" }, { 1u << 28, "EPOLLEXCLUSIVE" },
	{ 1u << 29, "EPOLLWAKEUP" }, { 1u << 30, "EPOLLONESHOT" }, { 1u << 31, "EPOLLET" },
};

struct __attribute__((packed)) k_epoll_event {
	uint32_t events;
	uint64_t data;
};

static void epoll_event_val(struct rn_values *vs, const char *name, const struct k_epoll_event *e)
{
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	du_flags(vs, "events", epoll_events, DU_COUNT(epoll_events), NULL, e->events);
	uint32_t d = rn_v_open(vs, "data", RN_V_STRUCT);
	rn_v_uint(vs, "u32", (uint32_t)e->data);
	rn_v_uint(vs, "u64", e->data);
	rn_v_close(vs, d);
	rn_v_close(vs, s);
}

/* epoll_ctl's event (one), epoll_wait's events (as many as returned). */
void rn_dec_epoll_event(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	struct k_epoll_event ev[32];
	struct rn_values *vs = c->vs;
	if (!c->exit) {
		if (du_read(c, raw, ev, sizeof(ev[0])) < 0)
			rn_v_ptr(vs, name, raw);
		else
			epoll_event_val(vs, name, &ev[0]);
		return;
	}
	int64_t n = du_ret(c);
	uint64_t show = (uint64_t)n < (uint64_t)c->opt->strsize ? (uint64_t)n
								 : (uint64_t)c->opt->strsize;
	if (n < 0 || (n > 0 && du_read(c, raw, ev, sizeof(ev[0])) < 0)) {
		rn_v_ptr(vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	for (uint64_t i = 0; i < show;) {
		size_t chunk = show - i < 32 ? (size_t)(show - i) : 32;
		if (du_read(c, raw + sizeof(ev[0]) * i, ev, chunk * sizeof(ev[0])) < 0) {
			show = i;
			break;
		}
		for (size_t k = 0; k < chunk; k++)
			epoll_event_val(vs, NULL, &ev[k]);
		i += chunk;
	}
	if (show < (uint64_t)n)
		vs->v[a].flags |= RN_VF_ELLIPSIS;
	rn_v_close(vs, a);
}
