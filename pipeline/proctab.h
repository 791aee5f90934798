/*
 * proctab.h - the process table: every traced tid, read by many, written
 * by one: only the tracer changes it, so readers need no lock beyond RCU's.
 *
 * Contract:
 *  - Only the tracer thread adds, changes and retires entries.
 *  - Workers and the writer may look entries up inside an RCU read-side
 *    critical section (rn_proctab_read_lock/unlock) from a thread registered
 *    with rn_proctab_thread_online(); the fields under "shared" are stable
 *    for the life of an entry, so a reader needs no further locking.
 *  - Retired entries are freed by call_rcu after every reader has left.
 */
#ifndef RENACER_PROCTAB_H
#define RENACER_PROCTAB_H

#include <stdint.h>
#include <sys/types.h>
#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>

#include "decode/rehearse.h"

/* Where the tracer believes a task is. Tracer-private. */
enum rn_task_state {
	RN_TASK_RUNNING = 0, /* resumed; the tracer waits for its next stop */
	RN_TASK_HELD,        /* stopped; a worker reads its memory, then hands it back */
	RN_TASK_PARKED,      /* first stop seen before its parent's fork event */
	RN_TASK_LISTENING,   /* in group-stop, PTRACE_LISTEN issued */
	RN_TASK_EXPECTED,    /* parent's fork event seen, first stop not yet */
	RN_TASK_DELAYED,     /* stopped at a syscall stop until delay_until
				(-e inject=:delay_enter=/delay_exit=) */
};

struct rn_task {
	struct cds_lfht_node node;
	struct rcu_head rcu;

	/* shared: set before the entry is published, never changed after */
	pid_t tid;
	pid_t tgid;
	pid_t ptid; /* the tid that created it, 0 for the command or -p */

	/* tracer-private below this line */
	uint8_t state;       /* enum rn_task_state */
	uint8_t hidden;      /* spawned command before its first execve */
	uint8_t first_exec;  /* that execve is under way: hidden again if it fails */
	uint8_t attached;    /* came from -p */
	uint8_t is_command;  /* the spawned command's first process */
	uint8_t in_syscall;  /* between an entry and its exit stop */
	uint8_t untraced;    /* this syscall is filtered out (tracer-side filter) */
	uint8_t seccomp;     /* runs under renacer's seccomp filter */
	uint8_t bail;        /* -b execve: let go once its held entry is back */
	int32_t nr;          /* syscall of the last entry */
	uint8_t had_entry;   /* nr is set: an entry was seen since it was traced */
	uint64_t args[6];    /* arguments of the last entry (clone flags, the
				addresses an exit copy reads: prefetch.h) */
	uint32_t hold_id;    /* valid while state == RN_TASK_HELD */
	int parked_status;   /* RN_TASK_PARKED: the wait status that was parked */
	int detach_pending;  /* shutdown: PTRACE_INTERRUPT sent, stop awaited */
	uint64_t seen_ns;    /* --stats-self: when the current stop was collected */
	uint8_t rehearsed;   /* this syscall's entry was rehearsed (rehearse.h) */
	struct rn_rehearsal rehearsal; /* what its exit's rehearsal needs */

	/* -e inject= (tracer/tracer.c, "tampering"), all tracer-private: */
	uint32_t *inj_counts;  /* calls seen per injected syscall (the table's
				  slot_of), calloc'ed at the first; freed with
				  the entry */
	uint8_t inj_call;      /* the call in progress was tampered with at its
				  entry: enum rn_inject_what bits still to do at
				  its exit, or to say there */
	uint8_t inj_delayed;   /* the call was delayed at entry (DELAYED) */
	uint16_t inj_rule;     /* with inj_call: 1 + the rule's index */
	int inj_sig;           /* the signal the next resume delivers (signal=) */
	uint64_t delay_until;  /* RN_TASK_DELAYED or about to be: CLOCK_MONOTONIC ns */
	struct rn_task *delay_next; /* the tracer's list of delayed tasks */
};

struct rn_proctab {
	struct cds_lfht *ht;
	unsigned long count; /* tracer-private: entries present */
};

int rn_proctab_init(struct rn_proctab *t);
void rn_proctab_destroy(struct rn_proctab *t);

/* Tracer only. add copies nothing: it publishes the caller's entry. */
struct rn_task *rn_proctab_new(pid_t tid, pid_t tgid, pid_t ptid);
void rn_proctab_add(struct rn_proctab *t, struct rn_task *task);
void rn_proctab_retire(struct rn_proctab *t, struct rn_task *task);

/* Any registered thread. Takes the read lock itself for the lookup (the
 * table resizes concurrently); a reader that keeps using the entry must hold
 * its own rn_proctab_read_lock around both. The tracer, the only thread that
 * retires entries, may keep the pointer without one. */
struct rn_task *rn_proctab_find(struct rn_proctab *t, pid_t tid);

/* The entry at iter, NULL at the end. (liburcu's cds_lfht_for_each_entry
 * computes container_of(NULL) at the end: undefined behaviour, which
 * UBSan reports.) */
static inline struct rn_task *rn_proctab_iter_task(struct cds_lfht_iter *iter)
{
	struct cds_lfht_node *node = cds_lfht_iter_get_node(iter);
	return node ? caa_container_of(node, struct rn_task, node) : NULL;
}

/* Visit every entry (tracer only). */
#define rn_proctab_foreach(t, iter, task) \
	for (cds_lfht_first((t)->ht, (iter)); ((task) = rn_proctab_iter_task(iter)) != NULL; \
	     cds_lfht_next((t)->ht, (iter)))

static inline void rn_proctab_read_lock(void) { urcu_memb_read_lock(); }
static inline void rn_proctab_read_unlock(void) { urcu_memb_read_unlock(); }
static inline void rn_proctab_thread_online(void) { urcu_memb_register_thread(); }
static inline void rn_proctab_thread_offline(void) { urcu_memb_unregister_thread(); }

#endif /* RENACER_PROCTAB_H */
