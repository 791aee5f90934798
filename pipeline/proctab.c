/* proctab.c - the RCU hash table of traced tids (see pipeline/proctab.h). */
#include "pipeline/proctab.h"

#include <stdlib.h>
#include <stdio.h>

static unsigned long hash_tid(pid_t tid)
{
	/* tids are dense small integers; a multiplicative hash spreads them
	 * across buckets so consecutive forks do not share a chain. */
	return (unsigned long)(uint32_t)tid * 0x9E3779B97F4A7C15ul;
}

static int match_tid(struct cds_lfht_node *node, const void *key)
{
	const struct rn_task *task = caa_container_of(node, struct rn_task, node);
	return task->tid == *(const pid_t *)key;
}

/* A fixed 4096 buckets, not CDS_LFHT_AUTO_RESIZE: the resize worker is a
 * liburcu thread that leaves SIGUSR1 unblocked, and a signal delivered
 * there cannot reach the tracer's signalfd (under TSan its forwarding
 * handler never runs: that thread sleeps in a raw futex). 4096 chains stay
 * short for the few hundred tasks a parallel build has alive at once. */
int rn_proctab_init(struct rn_proctab *t)
{
	t->ht = cds_lfht_new_flavor(4096, 4096, 4096, 0, &urcu_memb_flavor, NULL);
	t->count = 0;
	return t->ht ? 0 : -1;
}

static void free_task_rcu(struct rcu_head *head)
{
	struct rn_task *task = caa_container_of(head, struct rn_task, rcu);
	free(task->inj_counts);
	free(task);
}

void rn_proctab_destroy(struct rn_proctab *t)
{
	struct cds_lfht_iter iter;
	struct rn_task *task;

	if (!t->ht)
		return;
	urcu_memb_read_lock();
	rn_proctab_foreach(t, &iter, task) {
		if (!cds_lfht_del(t->ht, &task->node))
			urcu_memb_call_rcu(&task->rcu, free_task_rcu);
	}
	urcu_memb_read_unlock();
	/* Every retired entry must be freed before the table goes. */
	urcu_memb_barrier();
	cds_lfht_destroy(t->ht, NULL);
	t->ht = NULL;
}

struct rn_task *rn_proctab_new(pid_t tid, pid_t tgid, pid_t ptid)
{
	struct rn_task *task = calloc(1, sizeof(*task));
	if (!task) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	cds_lfht_node_init(&task->node);
	task->tid = tid;
	task->tgid = tgid;
	task->ptid = ptid;
	return task;
}

void rn_proctab_add(struct rn_proctab *t, struct rn_task *task)
{
	urcu_memb_read_lock();
	cds_lfht_add(t->ht, hash_tid(task->tid), &task->node);
	urcu_memb_read_unlock();
	t->count++;
}

void rn_proctab_retire(struct rn_proctab *t, struct rn_task *task)
{
	urcu_memb_read_lock();
	int rc = cds_lfht_del(t->ht, &task->node);
	urcu_memb_read_unlock();
	if (rc == 0) {
		t->count--;
		/* Readers may still hold the pointer: free after a grace period. */
		urcu_memb_call_rcu(&task->rcu, free_task_rcu);
	}
}

struct rn_task *rn_proctab_find(struct rn_proctab *t, pid_t tid)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;

	urcu_memb_read_lock();
	cds_lfht_lookup(t->ht, hash_tid(tid), match_tid, &tid, &iter);
	node = cds_lfht_iter_get_node(&iter);
	urcu_memb_read_unlock();
	return node ? caa_container_of(node, struct rn_task, node) : NULL;
}
