/*
 * dec_ipc.c - struct decoders of System V IPC: msgsnd/msgrcv's message,
 * semop's operations, and the control structures of shmctl, semctl and
 * msgctl (what each command passes or gets back), as strace 6.1 shows
 * them.
 *
 * The control decoders are struct_io: called at exit (also after a
 * failure) they look at the command to know what the argument is: a
 * struct the kernel filled in (*_STAT, *_INFO: shown only when the call
 * succeeded), one it read (IPC_SET: the fields it takes), or no struct at
 * all (IPC_RMID, SHM_LOCK, GETVAL...: the raw argument).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/dec_util.h"
#include "flags_tables.h"
#include "decode/dec_structs.h"

/* The x86-64 kernel's layouts (the *64_ds of the asm headers). */
struct k_ipc_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq, pad2;
	uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct k_ipc_perm) == 48, "ipc64_perm");

struct k_shmid_ds {
	struct k_ipc_perm perm;
	uint64_t segsz;
	int64_t atime, dtime, ctime;
	int32_t cpid, lpid;
	uint64_t nattch, unused4, unused5;
};
_Static_assert(sizeof(struct k_shmid_ds) == 112, "shmid64_ds");

struct k_msqid_ds {
	struct k_ipc_perm perm;
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct k_msqid_ds) == 120, "msqid64_ds");

struct k_semid_ds {
	struct k_ipc_perm perm;
	int64_t otime;
	uint64_t unused1;
	int64_t ctime;
	uint64_t unused2;
	uint64_t nsems, unused3, unused4;
};
_Static_assert(sizeof(struct k_semid_ds) == 104, "semid64_ds");

/* Commands (<linux/ipc.h>, <linux/shm.h>, <linux/sem.h>, <linux/msg.h>). */
enum {
	K_IPC_RMID = 0, K_IPC_SET = 1, K_IPC_STAT = 2, K_IPC_INFO = 3,
	K_SHM_STAT = 13, K_SHM_INFO = 14, K_SHM_STAT_ANY = 15,
	K_SEM_STAT = 18, K_SEM_INFO = 19, K_SEM_STAT_ANY = 20,
	K_MSG_STAT = 11, K_MSG_INFO = 12, K_MSG_STAT_ANY = 13,
	K_IPC_64 = 0x100,
};

/* {uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}; IPC_SET: the first three. */
static void perm_val(struct rn_values *vs, const char *name, const struct k_ipc_perm *p,
		     int set)
{
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_uint(vs, "uid", p->uid);
	rn_v_uint(vs, "gid", p->gid);
	rn_v_octal(vs, "mode", p->mode & 0777);
	if (!set) {
		rn_v_int(vs, "key", p->key);
		rn_v_uint(vs, "cuid", p->cuid);
		rn_v_uint(vs, "cgid", p->cgid);
	}
	rn_v_close(vs, s);
}

/* The control argument at addr, for command cmd (IPC_64 cleared): read it
 * when the command says there is a struct to show; *what tells the caller
 * which (0: none, show the raw value). */
static int ctl_read(struct rn_dctx *c, int cmd, int stat_cmd, int stat_any, int info_cmd,
		    uint64_t addr, void *buf, size_t size)
{
	int in = cmd == K_IPC_SET;
	int out = cmd == K_IPC_STAT || cmd == stat_cmd || cmd == stat_any || cmd == K_IPC_INFO ||
		  cmd == info_cmd;
	if (!in && !out)
		return 0;
	if (out && !du_ok(c))
		return -1;
	if (addr == 0 || du_read_io(c, addr, buf, size) < 0)
		return -1;
	return 1;
}

/* The command (semctl's third argument, shmctl's and msgctl's second). */
/* The *_ds argument of a control command: read, then opened as a struct
 * with its permissions (every *_ds starts with them) and 1 returned; or
 * shown raw and 0 returned. */
static int ds_open(struct rn_dctx *c, const char *name, int cmd, int stat_cmd, int stat_any,
		   uint64_t raw, void *ds, size_t size, const char *perm_name, uint32_t *node)
{
	if (ctl_read(c, cmd, stat_cmd, stat_any, -1, raw, ds, size) <= 0) {
		rn_v_ptr(c->vs, name, raw);
		return 0;
	}
	*node = rn_v_open(c->vs, name, RN_V_STRUCT);
	perm_val(c->vs, perm_name, (const struct k_ipc_perm *)ds, cmd == K_IPC_SET);
	return 1;
}

static int ctl_cmd(const struct rn_dctx *c)
{
	int i = du_argidx(c, "cmd");
	return i < 0 ? -1 : (int)(du_arg(c, (unsigned)i) & ~(uint64_t)K_IPC_64);
}

/* msgctl's and semctl's IPC_INFO: a struct of n ints at addr. */
static void info_ints(struct rn_dctx *c, const char *name, int cmd, int info_cmd, uint64_t addr,
		      const char *const *fields, unsigned n)
{
	int32_t raw[10];
	int64_t v[10];
	if (n > 10 || ctl_read(c, cmd, -1, -1, info_cmd, addr, raw, n * sizeof(raw[0])) <= 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		v[i] = raw[i];
	du_int_fields(c->vs, name, fields, v, n, 1);
}

/* ---- shmctl ----------------------------------------------------------------- */

void rn_dec_shmid_ds(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	int cmd = ctl_cmd(c);
	if (cmd == K_IPC_INFO || cmd == K_SHM_INFO) {
		/* struct shminfo; struct shm_info: an int, then unsigned longs */
		static const char *const f[] = { "shmmax", "shmmin", "shmmni", "shmseg",
						 "shmall" };
		static const char *const fi[] = { "used_ids", "shm_tot", "shm_rss", "shm_swp" };
		int64_t info[5];
		if (ctl_read(c, cmd, -1, -1, K_SHM_INFO, raw, info, sizeof(info)) <= 0) {
			rn_v_ptr(vs, name, raw);
			return;
		}
		if (cmd == K_SHM_INFO)
			info[0] = (int32_t)info[0];
		du_int_fields(vs, name, cmd == K_IPC_INFO ? f : fi, info, cmd == K_IPC_INFO ? 5 : 4,
			      cmd == K_SHM_INFO);
		return;
	}
	struct k_shmid_ds ds;
	uint32_t s;
	if (!ds_open(c, name, cmd, K_SHM_STAT, K_SHM_STAT_ANY, raw, &ds, sizeof(ds), "shm_perm", &s))
		return;
	if (cmd != K_IPC_SET) {
		rn_v_uint(vs, "shm_segsz", ds.segsz);
		rn_v_int(vs, "shm_cpid", ds.cpid);
		rn_v_int(vs, "shm_lpid", ds.lpid);
		rn_v_uint(vs, "shm_nattch", ds.nattch);
		rn_v_int(vs, "shm_atime", ds.atime);
		rn_v_int(vs, "shm_dtime", ds.dtime);
		rn_v_int(vs, "shm_ctime", ds.ctime);
	}
	rn_v_close(vs, s);
}

/* ---- msgctl, msgsnd, msgrcv --------------------------------------------------- */

void rn_dec_msqid_ds(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	int cmd = ctl_cmd(c);
	if (cmd == K_IPC_INFO || cmd == K_MSG_INFO) {
		static const char *const f[] = { "msgpool", "msgmap", "msgmax", "msgmnb",
						 "msgmni", "msgssz", "msgtql", "msgseg" };
		info_ints(c, name, cmd, K_MSG_INFO, raw, f, 8);
		return;
	}
	struct k_msqid_ds ds;
	uint32_t s;
	if (!ds_open(c, name, cmd, K_MSG_STAT, K_MSG_STAT_ANY, raw, &ds, sizeof(ds), "msg_perm", &s))
		return;
	if (cmd != K_IPC_SET) {
		rn_v_int(vs, "msg_stime", ds.stime);
		rn_v_int(vs, "msg_rtime", ds.rtime);
		rn_v_int(vs, "msg_ctime", ds.ctime);
		rn_v_uint(vs, "msg_qnum", ds.qnum);
	}
	rn_v_uint(vs, "msg_qbytes", ds.qbytes);
	if (cmd != K_IPC_SET) {
		rn_v_int(vs, "msg_lspid", ds.lspid);
		rn_v_int(vs, "msg_lrpid", ds.lrpid);
	}
	rn_v_close(vs, s);
}

/* {mtype=1, mtext="..."}: msgsz bytes of text (msgrcv too: the size asked
 * for, not the size received), cut at -s. */
void rn_dec_msgbuf(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int si = du_argidx(c, "msgsz");
	uint64_t size = si >= 0 ? du_arg(c, (unsigned)si) : 0;
	int64_t mtype;
	if (du_read(c, raw, &mtype, sizeof(mtype)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_v_int(c->vs, "mtype", mtype);
	rn_dec_buffer(c, "mtext", raw + sizeof(mtype), size);
	rn_v_close(c->vs, s);
}

/* ---- semop, semtimedop, semctl ------------------------------------------------ */

/* [{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}, ...]: nsops of them, at most -s. */
static void sembuf_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	struct {
		uint16_t num;
		int16_t op;
		int16_t flg;
	} b;
	(void)ctx;
	memcpy(&b, elem, sizeof(b));
	uint32_t s = rn_v_open(c->vs, NULL, RN_V_STRUCT);
	rn_v_uint(c->vs, "sem_num", b.num);
	rn_v_int(c->vs, "sem_op", b.op);
	rn_dec_flags(c->vs, "sem_flg", &rn_flags_semop_flags, (uint16_t)b.flg);
	rn_v_close(c->vs, s);
}

void rn_dec_sembuf(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	int ni = du_argidx(c, "nsops");
	uint64_t n = ni >= 0 ? (uint32_t)du_arg(c, (unsigned)ni) : 1;
	if (n == 0)
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
	else
		du_array(c, du_argname(c, argi), raw, n, 6, sembuf_elem, NULL);
}

/* semctl's fourth argument: a semid_ds for IPC_STAT/SEM_STAT/IPC_SET, a
 * seminfo for IPC_INFO/SEM_INFO, else the union's raw value (SETVAL's
 * number, GETALL's array address) as an address. */
void rn_dec_semun(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	int cmd = ctl_cmd(c);
	if (cmd == K_IPC_INFO || cmd == K_SEM_INFO) {
		static const char *const f[] = { "semmap", "semmni", "semmns", "semmnu", "semmsl",
						 "semopm", "semume", "semusz", "semvmx", "semaem" };
		info_ints(c, name, cmd, K_SEM_INFO, raw, f, 10);
		return;
	}
	struct k_semid_ds ds;
	uint32_t s;
	if (!ds_open(c, name, cmd, K_SEM_STAT, K_SEM_STAT_ANY, raw, &ds, sizeof(ds), "sem_perm", &s))
		return;
	if (cmd != K_IPC_SET) {
		rn_v_int(vs, "sem_otime", ds.otime);
		rn_v_int(vs, "sem_ctime", ds.ctime);
		rn_v_uint(vs, "sem_nsems", ds.nsems);
	}
	rn_v_close(vs, s);
}
