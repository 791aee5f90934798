/*
 * seccomp_filter.c - the classic-BPF program behind "filters that cost
 * nothing" (see syscalls/seccomp_filter.h).
 *
 * Shape of the program:
 *
 *     0  ld  [arch]
 *     1  jeq #AUDIT_ARCH_X86_64, +1, +0
 *     2  ret #ALLOW                      other ABIs: not traced (see below)
 *     3  ld  [nr]
 *     4  binary search tree of jge #B nodes over the boundaries B where the
 *        decision changes (traced <-> not traced); its leaves are jumps to
 *        one shared "ret #TRACE" and one shared "ret #ALLOW" at the end.
 *
 * Syscall numbers form alternating runs of traced and untraced numbers, so
 * a set with k boundaries needs k jge nodes and any syscall is decided
 * after ceil(log2(k+1)) of them. The holes 335..423 and the numbers past
 * the table are always traced (rn_filter.trace_unknown), which adds up to
 * three boundaries. Measured by tests/unit/test_seccomp.c (program length,
 * most instructions executed for one native syscall, header included):
 *     trace=!getpid (all but one)    8 insns, at most  6 executed
 *     trace=getpid                  11 insns, at most  7 executed
 *     trace=openat,close            13 insns, at most  7 executed
 *     trace=%process                27 insns, at most  9 executed
 *     trace=%network                19 insns, at most  8 executed
 *     trace=%file                   81 insns, at most 11 executed
 *     trace=%desc                   90 insns, at most 11 executed
 *     every other number (worst)   458 insns, at most 13 executed
 *
 * Only ld [arch]/[nr], jeq/jge/ja with constants and ret with a constant are
 * used on purpose: that is the subset the kernel's seccomp action cache
 * (Linux >= 5.11, CONFIG_SECCOMP_CACHE_DEBUG shows it) can emulate, so at
 * attach time the kernel proves which numbers are always allowed and skips
 * running the filter for them. A bitmap program (1 << (nr & 31), jset)
 * would be shorter for scattered sets but needs ALU/X/scratch instructions
 * the cache cannot emulate. Measured on the 2-core VM (5M getpid, medians):
 * 110 ns untraced, +20..35 ns with this filter installed (the seccomp entry
 * path itself), a non-cacheable variant of the same program 0..25 ns more.
 *
 * Jumps: conditional offsets are 8 bits. The program is emitted back to
 * front, so each node knows where both of its subtrees start; a target
 * more than 255 instructions away becomes a nearer copy of the ret (for a
 * leaf) or an unconditional ja (32-bit offset) placed next to the node.
 *
 * Caveats:
 *  - x86-64 only. Another audit arch (i386: int 0x80 or 32-bit programs) is
 *    ALLOWed: renacer's syscall table is the 64-bit one, so such syscalls
 *    could not be named anyway; they are untraced under a filter.
 *  - x32 syscalls arrive with AUDIT_ARCH_X86_64 and nr | 0x40000000: above
 *    the table, so traced like every unknown number (rn_filter.trace_unknown).
 *  - Filters the tracee installs itself are stacked: a RET_ERRNO/KILL/TRAP
 *    of theirs outranks our RET_TRACE and such syscalls are not seen.
 *  - SECCOMP_RET_TRACE with no tracer attached fails the syscall with
 *    ENOSYS: install after the tracer has seized the child (spawn.c: after
 *    its SIGSTOP, right before execv), with PTRACE_O_TRACESECCOMP set.
 *  - Syscalls 335/336 (uretprobe, uprobe: kernel trampolines) bypass
 *    seccomp on recent kernels - observed on 6.18: they never reach the
 *    filter. Both are holes of renacer's table.
 *
 * NO_NEW_PRIVS: installing a filter needs CAP_SYS_ADMIN or no_new_privs.
 * strace sets no_new_privs unconditionally, which makes setuid/setgid bits
 * and file capabilities inert in the traced tree even when strace runs as
 * root (observed: NoNewPrivs 1 in /proc/self/status under strace 6.1
 * --seccomp-bpf as root). renacer tries without it first, so a privileged
 * trace behaves like the untraced run, and falls back to setting it. For an
 * unprivileged tracer nothing observable changes: ptrace already refuses
 * setuid elevation to a tracee whose tracer lacks CAP_SYS_PTRACE.
 */
#define _GNU_SOURCE
#include "syscalls/seccomp_filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OFF_NR ((uint32_t)offsetof(struct seccomp_data, nr))
#define OFF_ARCH ((uint32_t)offsetof(struct seccomp_data, arch))
#define HEADER_LEN 4
#define JMP_MAX 255

/* The builder's working state; owned by the calling (main) thread. */
struct gen {
	struct sock_filter *code; /* filled from the end towards index 0 */
	size_t top;               /* lowest used index */
	size_t ret_at[2];         /* nearest "ret" for ALLOW [0] and TRACE [1] */
	const uint32_t *bound;    /* boundaries, ascending */
	bool first_traced;        /* decision of the run below bound[0] */
};

static struct sock_filter insn(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	struct sock_filter s = { .code = code, .jt = jt, .jf = jf, .k = k };
	return s;
}

static size_t put(struct gen *g, struct sock_filter s)
{
	g->code[--g->top] = s;
	return g->top;
}

static size_t put_ret(struct gen *g, bool traced)
{
	size_t at = put(g, insn(BPF_RET | BPF_K,
				traced ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW, 0, 0));
	g->ret_at[traced] = at;
	return at;
}

/* Run i (0 = below bound[0]) is traced iff its parity differs from run 0. */
static bool run_traced(const struct gen *g, size_t run)
{
	return g->first_traced != (run % 2 == 1);
}

/*
 * Emit the subtree deciding runs i..j (boundaries bound[i..j-1]) and return
 * the index of its first instruction. A single run emits nothing and
 * returns the nearest ret of its decision; when that ret (or a subtree) is
 * out of reach of the node's 8-bit offsets, a nearer ret or a ja is put
 * between the node and its subtrees.
 */
static size_t emit(struct gen *g, size_t i, size_t j)
{
	size_t m, left, right, node;

	if (i == j)
		return g->ret_at[run_traced(g, i)];
	m = i + (j - i - 1) / 2;
	right = emit(g, m + 1, j);
	left = emit(g, i, m);
	/* The node lands at most 3 below the current top (two fixups). */
	if (right - (g->top - 3) - 1 > JMP_MAX) {
		if (m + 1 == j)
			right = put_ret(g, run_traced(g, j));
		else
			right = put(g, insn(BPF_JMP | BPF_JA, (uint32_t)(right - g->top), 0, 0));
	}
	if (left - (g->top - 2) - 1 > JMP_MAX) {
		if (i == m)
			left = put_ret(g, run_traced(g, i));
		else
			left = put(g, insn(BPF_JMP | BPF_JA, (uint32_t)(left - g->top), 0, 0));
	}
	node = g->top - 1;
	put(g, insn(BPF_JMP | BPF_JGE | BPF_K, g->bound[m],
		    (uint8_t)(right - node - 1), (uint8_t)(left - node - 1)));
	return node;
}

int rn_seccomp_build(const struct rn_filter *f, struct sock_fprog *out)
{
	/* Boundaries inside the bit set, plus one where the set meets the
	 * "unknown" numbers above it. */
	uint32_t bound[RN_FILTER_NR_MAX + 1];
	size_t nb = 0;
	bool prev = rn_filter_traced(f, 0);

	for (uint32_t nr = 1; nr <= RN_FILTER_NR_MAX; nr++) {
		bool cur = nr < RN_FILTER_NR_MAX ? rn_filter_traced(f, nr) : f->trace_unknown;

		if (cur != prev)
			bound[nb++] = nr;
		prev = cur;
	}

	/* Every node can cost a fixup, plus the shared rets and a root ret. */
	size_t cap = 3 * nb + 4;
	struct gen g = {
		.code = malloc(sizeof(*g.code) * cap),
		.top = cap,
		.bound = bound,
		.first_traced = rn_filter_traced(f, 0),
	};
	if (g.code == NULL) {
		errno = ENOMEM;
		return -1;
	}
	put_ret(&g, true);
	put_ret(&g, false);
	size_t root = emit(&g, 0, nb);
	if (root != g.top)  /* a single run: the root is a ret somewhere below */
		put_ret(&g, run_traced(&g, 0));

	size_t body = cap - g.top;
	struct sock_filter *prog = malloc(sizeof(*prog) * (HEADER_LEN + body));
	if (prog == NULL) {
		free(g.code);
		errno = ENOMEM;
		return -1;
	}
	prog[0] = insn(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH, 0, 0);
	prog[1] = insn(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[2] = insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
	prog[3] = insn(BPF_LD | BPF_W | BPF_ABS, OFF_NR, 0, 0);
	memcpy(prog + HEADER_LEN, g.code + g.top, sizeof(*prog) * body);
	free(g.code);
	out->len = (unsigned short)(HEADER_LEN + body);
	out->filter = prog;

	/* Self-check: every number the set can distinguish, the numbers past
	 * it, x32 and the top of the range. */
	static const uint32_t extra[] = { RN_FILTER_NR_MAX, 0x40000000u,
					  0x40000000u | 39, UINT32_MAX };
	for (uint32_t nr = 0; nr < RN_FILTER_NR_MAX + sizeof(extra) / sizeof(extra[0]); nr++) {
		uint32_t n = nr < RN_FILTER_NR_MAX ? nr : extra[nr - RN_FILTER_NR_MAX];
		bool want = n < RN_FILTER_NR_MAX ? rn_filter_traced(f, n) : f->trace_unknown;
		uint32_t got = rn_seccomp_eval(out, AUDIT_ARCH_X86_64, n, NULL);

		if (got != (want ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW)) {
			rn_seccomp_free(out);
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

void rn_seccomp_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int rn_seccomp_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	return -errno;
}

uint32_t rn_seccomp_eval(const struct sock_fprog *prog, uint32_t arch, uint32_t nr,
			 unsigned *steps)
{
	uint32_t a = 0;
	size_t pc = 0;
	unsigned n = 0;

	while (pc < prog->len) {
		const struct sock_filter *s = &prog->filter[pc++];

		n++;
		switch (s->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (s->k == OFF_NR)
				a = nr;
			else if (s->k == OFF_ARCH)
				a = arch;
			else
				return UINT32_MAX;
			break;
		case BPF_JMP | BPF_JA:
			pc += s->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == s->k ? s->jt : s->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= s->k ? s->jt : s->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > s->k ? s->jt : s->jf;
			break;
		case BPF_RET | BPF_K:
			if (steps != NULL)
				*steps = n;
			return s->k;
		default:
			return UINT32_MAX;
		}
	}
	return UINT32_MAX;
}
