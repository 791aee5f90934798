/* capture_fixture.c - the scripted trace (see capture_fixture.h). */
#include "capture_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/syscalls.h"
#include "decode/value.h"

static uint64_t ts_of(uint64_t k)
{
	return 1000000000000ull + k * 1000u + (k % 7u) * 13u;
}

static int32_t nr_of(const char *name)
{
	long nr = rn_syscall_by_name(name);
	if (nr < 0) {
		fprintf(stderr, "capture_fixture: no syscall %s\n", name);
		abort();
	}
	return (int32_t)nr;
}

static uint8_t ret_type_of(int32_t nr)
{
	const struct rn_syscall *sc = rn_syscall_get(nr);
	return sc ? sc->ret_type : RN_T_LONG;
}

/* Move built values into ev: one block, nodes then bytes (then the -y
 * return path, when given). */
static void attach(struct rn_event *ev, struct rn_values *vs, const char *ret_path)
{
	size_t rp = ret_path ? strlen(ret_path) : 0;
	if (vs->n == 0 && !rp)
		return;
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = rn_values_block(vs, rp);
	if (rp) {
		memcpy(block + nodes + vs->nbytes, ret_path, rp);
		ev->ret_path_off = vs->nbytes;
		ev->ret_path_len = (uint32_t)rp;
	}
	ev->v = (struct rn_value *)block;
	ev->nv = vs->n;
	ev->bytes = block + nodes;
	ev->nbytes = vs->nbytes + (uint32_t)rp;
	rn_values_reset(vs);
}

static void flags_node(struct rn_values *vs, const char *name, const char *a, const char *b)
{
	uint32_t f = rn_v_open(vs, name, RN_V_FLAGS);
	if (a)
		rn_v_name(vs, NULL, a);
	if (b)
		rn_v_name(vs, NULL, b);
	rn_v_close(vs, f);
}

void cf_event(uint64_t k, struct rn_event *ev)
{
	static struct rn_values vs; /* reused; tests are single-threaded */
	uint64_t round = k / CF_ROUND;
	unsigned j = (unsigned)(k % CF_ROUND);
	int32_t T = (int32_t)(1000 + 10 * (round % 3000000));
	const char *ret_path = NULL;
	uint32_t n;

	memset(ev, 0, sizeof(*ev));
	rn_values_reset(&vs);
	ev->seq = k + 1;
	ev->ts_ns = ts_of(k);
	ev->tid = T;
	ev->ntasks = 1;
	ev->nr = -1;

#define ENTRY(name, more_)                  \
	do {                                \
		ev->kind = RN_EV_ENTRY;     \
		ev->nr = nr_of(name);       \
		ev->more = (more_);         \
	} while (0)
#define EXIT(name, ret_)                                   \
	do {                                               \
		ev->kind = RN_EV_EXIT;                     \
		ev->nr = nr_of(name);                      \
		ev->ret = (ret_);                          \
		ev->ret_type = ret_type_of(ev->nr);        \
		ev->entry_ts_ns = ts_of(k - 1);            \
	} while (0)

	switch (j) {
	case 0:
		ev->kind = RN_EV_NEW_TASK;
		break;
	case 1:
		ENTRY("openat", 0);
		rn_v_name(&vs, "dirfd", "AT_FDCWD");
		rn_v_str(&vs, "pathname", "/etc/passwd", 11, RN_VF_PATH);
		flags_node(&vs, "flags", "O_RDONLY", "O_CLOEXEC");
		break;
	case 2:
		EXIT("openat", 3);
		ret_path = "/etc/passwd";
		break;
	case 3:
		ENTRY("read", 1);
		n = rn_v_fd(&vs, "fd", 3);
		rn_v_set_bytes(&vs, n, "/etc/passwd", 11);
		break;
	case 4:
		EXIT("read", 32);
		rn_v_str(&vs, "buf", "\xff\xfe" "ab\0c\xc3\xa9\xed\xa0\x80", 11, RN_VF_TRUNCATED);
		rn_v_uint(&vs, "count", 32);
		break;
	case 5:
		ev->kind = RN_EV_NEW_TASK;
		ev->tid = T + 1;
		ev->ret = T;
		ev->aux = 1;
		ev->ntasks = 2;
		break;
	case 6:
		ENTRY("write", 0);
		ev->ntasks = 2;
		rn_v_fd(&vs, "fd", 1);
		rn_v_str(&vs, "buf", "h\xc3\xa9llo \"w\xc3\xb6rld\"\n\t\\,\x7f", 20, 0);
		rn_v_uint(&vs, "count", 20);
		break;
	case 7:
		ENTRY("nanosleep", 1);
		ev->tid = T + 1;
		ev->ntasks = 2;
		n = rn_v_open(&vs, "req", RN_V_STRUCT);
		rn_v_int(&vs, "tv_sec", 1);
		rn_v_int(&vs, "tv_nsec", -500);
		rn_v_close(&vs, n);
		break;
	case 8:
		EXIT("write", 20);
		ev->ntasks = 2;
		ev->entry_ts_ns = ts_of(k - 2);
		break;
	case 9:
		EXIT("nanosleep", 0);
		ev->tid = T + 1;
		ev->ntasks = 2;
		ev->entry_ts_ns = ts_of(k - 2);
		rn_v_ptr(&vs, "rem", 0);
		break;
	case 10:
		ev->kind = RN_EV_NEW_TASK;
		ev->tid = T + 2;
		ev->ret = T;
		ev->ntasks = 3;
		break;
	case 11:
		ev->kind = RN_EV_SIGNAL;
		ev->ret = 17;
		ev->ntasks = 3;
		n = rn_v_open(&vs, "siginfo", RN_V_STRUCT);
		rn_v_name(&vs, "si_signo", "SIGCHLD");
		rn_v_name(&vs, "si_code", "CLD_EXITED");
		rn_v_int(&vs, "si_pid", T + 2);
		rn_v_uint(&vs, "si_uid", 0);
		rn_v_int(&vs, "si_status", 0);
		rn_v_int(&vs, "si_utime", 0);
		rn_v_int(&vs, "si_stime", 0);
		rn_v_close(&vs, n);
		break;
	case 12:
		ENTRY("openat", 0);
		ev->ntasks = 3;
		rn_v_name(&vs, "dirfd", "AT_FDCWD");
		rn_v_str(&vs, "pathname", "/nonexistent", 12, RN_VF_PATH);
		n = rn_v_open(&vs, "flags", RN_V_FLAGS);
		vs.v[n].flags |= RN_VF_LEFTOVER;
		vs.v[n].u = 0x80000;
		rn_v_close(&vs, n);
		rn_v_octal(&vs, "mode", 0644);
		break;
	case 13:
		EXIT("openat", -2);
		ev->is_error = 1;
		ev->ntasks = 3;
		break;
	case 14:
		ENTRY("accept", 1);
		ev->ntasks = 3;
		rn_v_fd(&vs, "fd", 4);
		break;
	case 15:
		EXIT("accept", 5);
		ev->ntasks = 3;
		n = rn_v_open(&vs, "addr", RN_V_STRUCT);
		vs.v[n].flags |= RN_VF_ELLIPSIS;
		rn_v_name(&vs, "sa_family", "AF_UNIX");
		rn_v_str(&vs, "sun_path", "/tmp/s", 6, 0);
		rn_v_close(&vs, n);
		n = rn_v_open(&vs, "addrlen", RN_V_STRUCT);
		vs.v[n].flags |= RN_VF_CHANGED;
		{
			uint32_t a = rn_v_open(&vs, NULL, RN_V_ARRAY);
			rn_v_int(&vs, NULL, 128);
			rn_v_close(&vs, a);
			a = rn_v_open(&vs, NULL, RN_V_ARRAY);
			rn_v_int(&vs, NULL, 16);
			rn_v_close(&vs, a);
		}
		rn_v_close(&vs, n);
		break;
	case 16:
		ENTRY("rt_sigprocmask", 0);
		ev->ntasks = 3;
		rn_v_name(&vs, "how", "SIG_BLOCK");
		n = rn_v_open(&vs, "set", RN_V_ARRAY);
		vs.v[n].flags |= RN_VF_SPACED;
		rn_v_name(&vs, NULL, "CHLD");
		rn_v_name(&vs, NULL, "USR1");
		rn_v_close(&vs, n);
		n = rn_v_open(&vs, "oldset", RN_V_ARRAY);
		vs.v[n].flags |= RN_VF_SPACED | RN_VF_INVERTED;
		rn_v_name(&vs, NULL, "RTMIN");
		rn_v_close(&vs, n);
		rn_v_uint(&vs, "sigsetsize", 8);
		break;
	case 17:
		EXIT("rt_sigprocmask", 0);
		ev->ntasks = 3;
		break;
	case 18:
		ENTRY("mmap", 0);
		ev->ntasks = 3;
		rn_v_ptr(&vs, "addr", 0);
		n = rn_v_uint(&vs, "length", 8192u * 1024u);
		vs.v[n].flags |= RN_VF_EXPR;
		rn_v_set_bytes(&vs, n, "8192*1024", 9);
		n = rn_v_open(&vs, "prot", RN_V_FLAGS);
		rn_v_name(&vs, NULL, "PROT_READ");
		{
			uint32_t h = rn_v_hex(&vs, NULL, 0x40);
			vs.v[h].flags |= RN_VF_COMMENT;
			rn_v_set_bytes(&vs, h, "PROT_???", 8);
		}
		rn_v_close(&vs, n);
		flags_node(&vs, "flags", "MAP_PRIVATE", "MAP_ANONYMOUS");
		rn_v_fd(&vs, "fd", -1);
		rn_v_hex(&vs, "offset", 0);
		break;
	case 19:
		EXIT("mmap", 0x7f0000001000ll);
		ev->ntasks = 3;
		break;
	case 20:
		ev->kind = RN_EV_ENTRY;
		ev->nr = 999;
		ev->tid = T + 2;
		ev->ntasks = 3;
		rn_v_hex(&vs, NULL, 0xffffffffffffffffull);
		rn_v_hex(&vs, NULL, 0x1234);
		break;
	case 21:
		ev->kind = RN_EV_EXIT;
		ev->nr = 999;
		ev->tid = T + 2;
		ev->ntasks = 3;
		ev->ret = -38;
		ev->is_error = 1;
		ev->ret_type = RN_T_HEX;
		ev->entry_ts_ns = ts_of(k - 1);
		break;
	case 22:
		ev->kind = RN_EV_GROUP_STOP;
		ev->tid = T + 2;
		ev->ret = 19;
		ev->ntasks = 3;
		break;
	case 23:
		ENTRY("pause", 0);
		ev->tid = T + 2;
		ev->ntasks = 3;
		break;
	case 24:
		ev->kind = RN_EV_KILLED;
		ev->tid = T + 2;
		ev->ret = 11;
		ev->aux = 1;
		ev->finish_pending = 1;
		ev->nr = nr_of("pause");
		ev->ntasks = 2;
		break;
	case 25:
		ENTRY("execve", 0);
		ev->tid = T + 1;
		ev->ntasks = 2;
		rn_v_str(&vs, "pathname", "/bin/ls", 7, RN_VF_PATH);
		n = rn_v_open(&vs, "argv", RN_V_ARRAY);
		vs.v[n].flags |= RN_VF_ELLIPSIS;
		rn_v_str(&vs, NULL, "ls", 2, 0);
		rn_v_str(&vs, NULL, "-l", 2, 0);
		rn_v_str(&vs, NULL, "", 0, 0);
		rn_v_close(&vs, n);
		n = rn_v_open(&vs, "envp", RN_V_STRUCT);
		vs.v[n].flags |= RN_VF_ENVP;
		rn_v_ptr(&vs, "address", 0x7ffc1000);
		rn_v_uint(&vs, "count", 41);
		rn_v_close(&vs, n);
		break;
	case 26:
		ev->kind = RN_EV_SUPERSEDED;
		ev->ret = T + 1;
		ev->ntasks = 1;
		break;
	case 27:
		EXIT("execve", 0);
		ev->ntasks = 1;
		ev->entry_ts_ns = ts_of(k - 2);
		break;
	case 28:
		ENTRY("exit_group", 0);
		rn_v_int(&vs, "status", 0);
		break;
	case 29:
		ev->kind = RN_EV_EXITED;
		ev->finish_pending = 1;
		ev->nr = nr_of("exit_group");
		ev->ntasks = 0;
		break;
	case 30:
		ev->kind = RN_EV_ATTACHED;
		ev->tid = T + 3;
		ev->ret = 2;
		break;
	case 31:
		ENTRY("wait4", 1);
		ev->tid = T + 3;
		rn_v_int(&vs, "pid", -1);
		n = rn_v_ptr(&vs, "wstatus", 0x7ffc2000);
		vs.v[n].flags |= RN_VF_COMMENT;
		rn_v_set_bytes(&vs, n, "2 entries", 9);
		rn_v_text(&vs, "options", "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]");
		n = rn_v_unknown(&vs, "rusage");
		vs.v[n].flags |= RN_VF_NAMED;
		break;
	case 32:
		ev->kind = RN_EV_DETACHED;
		ev->tid = T + 3;
		ev->ntasks = 0;
		break;
	case 33:
		ev->kind = RN_EV_NEW_TASK;
		ev->tid = T + 4;
		break;
	case 34:
		ENTRY("write", 0);
		ev->tid = T + 4;
		rn_v_fd(&vs, "fd", 2);
		if (round % 16 == 0) {
			size_t big = 70000;
			char *s = malloc(big);
			if (!s)
				abort();
			for (size_t i = 0; i < big; i++)
				s[i] = (char)('a' + (i * 7 + round) % 26);
			rn_v_str(&vs, "buf", s, big, 0);
			free(s);
		} else {
			rn_v_str(&vs, "buf", "x", 1, 0);
		}
		rn_v_uint(&vs, "count", 70000);
		break;
	case 35:
		EXIT("write", 70000);
		ev->tid = T + 4;
		break;
	default: /* 36 */
		ev->kind = RN_EV_EXITED;
		ev->tid = T + 4;
		ev->ret = 3;
		ev->ntasks = 0;
		break;
	}
#undef ENTRY
#undef EXIT
	/* The thread T+1 is in T's group until its execve makes it T. */
	ev->tgid = ev->tid == T + 1 ? T : ev->tid;
	if (ev->kind == RN_EV_EXIT)
		ev->duration_ns = (ev->ts_ns - ev->entry_ts_ns) / 2; /* "CPU time" */
	attach(ev, &vs, ret_path);
}

#define DIFF(...)                                  \
	do {                                       \
		snprintf(why, n, __VA_ARGS__);     \
		return 0;                          \
	} while (0)

int cf_event_equal(const struct rn_event *a, const struct rn_event *b, char *why, size_t n)
{
	if (a->seq != b->seq)
		DIFF("seq %llu != %llu", (unsigned long long)a->seq, (unsigned long long)b->seq);
#define F(f)                                                                               \
	if (a->f != b->f)                                                                  \
		DIFF("seq %llu: " #f " %lld != %lld", (unsigned long long)a->seq, (long long)a->f, \
		     (long long)b->f);
	F(ts_ns) F(tid) F(tgid) F(duration_ns) F(ntasks) F(kind) F(more) F(is_error) F(ret_type) F(finish_pending)
	F(nr) F(ret) F(aux) F(entry_ts_ns) F(ret_path_len) F(nv)
#undef F
	if (a->ret_path_len &&
	    memcmp(a->bytes + a->ret_path_off, b->bytes + b->ret_path_off, a->ret_path_len))
		DIFF("seq %llu: ret_path", (unsigned long long)a->seq);
	for (uint32_t i = 0; i < a->nv; i++) {
		const struct rn_value *x = &a->v[i], *y = &b->v[i];
		if (x->kind != y->kind || x->flags != y->flags || x->end != y->end || x->u != y->u ||
		    x->len != y->len)
			DIFF("seq %llu: value %u (kind %u/%u flags %u/%u end %u/%u u %llu/%llu len %u/%u)",
			     (unsigned long long)a->seq, i, x->kind, y->kind, x->flags, y->flags, x->end,
			     y->end, (unsigned long long)x->u, (unsigned long long)y->u, x->len, y->len);
		if ((x->name == NULL) != (y->name == NULL) ||
		    (x->name && strcmp(x->name, y->name) != 0))
			DIFF("seq %llu: value %u name %s/%s", (unsigned long long)a->seq, i,
			     x->name ? x->name : "(null)", y->name ? y->name : "(null)");
		if (x->len && memcmp(a->bytes + x->off, b->bytes + y->off, x->len))
			DIFF("seq %llu: value %u bytes", (unsigned long long)a->seq, i);
	}
	return 1;
}
