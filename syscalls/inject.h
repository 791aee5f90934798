/*
 * inject.h - strace's tampering: -e inject=SET:... and -e fault=SET:...
 *
 * Contract: an rn_inject_table is built only by the main thread while the
 * command line is parsed (through rn_filter_parse_e / rn_filter_qualify,
 * which own it as rn_filter.inject); afterwards it is immutable and read by
 * the tracer thread without locks. The per-process counters that when=
 * needs are not here: they belong to each traced task (pipeline/proctab.h,
 * tracer-private), indexed by the slot this table gives a syscall.
 *
 * What strace 6.1 does, and renacer with it (each point checked by running
 * strace):
 *   - a rule applies only to a call that is traced (-e trace=): a call left
 *     out of the trace set is neither printed nor tampered with;
 *   - a later expression naming a syscall replaces the earlier rule for
 *     that syscall entirely (error, signal, delays and when= alike);
 *   - when= counts the calls of each syscall per traced thread, from the
 *     first one renacer sees; a new process or thread starts at zero; the
 *     execve that starts the command is neither counted nor tampered with.
 */
#ifndef RENACER_INJECT_H
#define RENACER_INJECT_H

#include <stddef.h>
#include <stdint.h>

/* What a rule does to a call it selects (bits of rn_inject_rule.what). */
enum rn_inject_what {
	RN_INJ_ERROR = 1u << 0,       /* the call is skipped and fails with ret (-errno) */
	RN_INJ_RETVAL = 1u << 1,      /* the call is skipped and returns ret */
	RN_INJ_SIGNAL = 1u << 2,      /* signo is sent at the call's entry */
	RN_INJ_DELAY_ENTER = 1u << 3, /* the tracee waits delay_enter_ns at entry */
	RN_INJ_DELAY_EXIT = 1u << 4,  /* and delay_exit_ns at exit */
	RN_INJ_POKE_ENTER = 1u << 5,  /* poke[0]'s bytes written at entry */
	RN_INJ_POKE_EXIT = 1u << 6,   /* poke[1]'s at exit */
};

/* poke_enter=/poke_exit=: bytes written where an argument points. */
struct rn_inject_poke {
	unsigned arg;    /* 1..7, as strace numbers them */
	size_t len;      /* 1..RN_INJECT_POKE_MAX */
	uint8_t *data;
};

#define RN_INJECT_POKE_MAX 1024

/* One expression's action, immutable after parsing. */
struct rn_inject_rule {
	unsigned what;           /* enum rn_inject_what bits, never 0 */
	uint32_t first;          /* when=: the first call tampered with (1-based) */
	uint32_t last;           /*   the last one, UINT32_MAX: no end */
	uint32_t step;           /*   every step-th from first; 0: first alone */
	int64_t ret;             /* RN_INJ_ERROR: -errno; RN_INJ_RETVAL: the value */
	long replace_nr;         /* the number the skipped call runs instead (syscall=),
				    -1: none (the kernel fails -1 with ENOSYS, unseen) */
	int signo;               /* RN_INJ_SIGNAL: 1..64 */
	uint64_t delay_enter_ns; /* RN_INJ_DELAY_ENTER */
	uint64_t delay_exit_ns;  /* RN_INJ_DELAY_EXIT */
	struct rn_inject_poke *poke[2]; /* [0] at entry, [1] at exit: npoke[i] of them */
	unsigned npoke[2];
};

/* Syscall numbers 0 .. RN_INJECT_NR_MAX-1 (as RN_FILTER_NR_MAX). */
#define RN_INJECT_NR_MAX 1024

struct rn_inject_table {
	/* Per syscall number: 0, no rule; else 1 + an index into rules. */
	uint16_t rule_of[RN_INJECT_NR_MAX];
	/* Per syscall number with a rule: its counter's index in a task's
	 * counter array (0 .. nslots-1); meaningless without a rule. A slot
	 * stays the number's when a later rule replaces its rule. */
	uint16_t slot_of[RN_INJECT_NR_MAX];
	unsigned nslots;
	struct rn_inject_rule *rules;
	size_t nrules;
	/* Some rule has signal=: a signal can be sent only from a real
	 * syscall-entry stop (the kernel drops the one a resume from a seccomp
	 * stop gives), so the tracer then filters without seccomp-bpf. */
	int any_signal;
	/* After parsing: strace's warnings about retval= values that could
	 * read as errors, one line per expression, separated by '\n' (the
	 * caller prints each after its prefix), or "". */
	char warning[1024];
};

/*
 * One -e inject= (fault = 0) or fault= (fault = 1) value, "SET:KEY=VAL...",
 * added to *tab (allocated on first use). The SET is in the nrs bit set
 * (syscall numbers, as parsed by the caller from the text before the first
 * ':'); rest is everything after it (NULL when there is no ':').
 * Returns 0, or -1 with err filled in strace's wording without its prefix
 * ("invalid inject argument 'open:error=FOO'").
 */
int rn_inject_add(struct rn_inject_table **tab, int fault, const char *value,
		  const uint64_t *nrs, const char *rest, char *err, size_t errlen);

void rn_inject_free(struct rn_inject_table *tab);

/* The rule for syscall nr, NULL when none (nr as the tracer sees it). */
static inline const struct rn_inject_rule *rn_inject_rule(const struct rn_inject_table *tab,
							  long nr)
{
	if (nr < 0 || nr >= RN_INJECT_NR_MAX || tab->rule_of[nr] == 0)
		return NULL;
	return &tab->rules[tab->rule_of[nr] - 1];
}

/* Whether the n-th call (1-based) of a syscall is tampered with. */
static inline int rn_inject_when(const struct rn_inject_rule *r, uint32_t n)
{
	if (n < r->first || n > r->last)
		return 0;
	return r->step ? (n - r->first) % r->step == 0 : n == r->first;
}

#endif /* RENACER_INJECT_H */
