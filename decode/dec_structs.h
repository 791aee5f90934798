/*
 * dec_structs.h - the struct decoders (decode/dec_*.c) and the helpers
 * they offer to whole-call decoders.
 *
 * Contract (decode.h): every rn_dec_X(c, argi, raw) is what the syscall
 * table calls for an argument typed struct_in/out/io(X): it appends exactly
 * one value named c->sc->args[argi].name, reads the tracee only through
 * mem.h and shows the address when the memory cannot be read. A struct_io
 * decoder called with c->saving appends nothing and keeps in c->saved what
 * it needs at exit. The *_at helpers do the same for a value a call
 * decoder names itself, at an address it chose. All are stateless and
 * callable from any worker thread.
 */
#ifndef RENACER_DEC_STRUCTS_H
#define RENACER_DEC_STRUCTS_H

#include <stdint.h>

#include "decode/decode.h"

/* Per-argument decoders named by the syscall table (struct_*(X)). */
#define RN_DEC_STRUCT(X) void rn_dec_##X(struct rn_dctx *c, unsigned argi, uint64_t raw)
/* dec_stat.c */
RN_DEC_STRUCT(stat);           /* {st_mode=S_IFREG|0644, st_size=42, ...} */
RN_DEC_STRUCT(statx);          /* {stx_mask=..., stx_attributes=0, stx_mode=..., stx_size=..., ...} */
RN_DEC_STRUCT(statfs);         /* {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ...} */
/* dec_time.c */
RN_DEC_STRUCT(timespec);       /* {tv_sec=3, tv_nsec=0}; struct_io: as passed */
RN_DEC_STRUCT(timeval);        /* {tv_sec=3, tv_usec=0} */
RN_DEC_STRUCT(timespec_rem);   /* nanosleep's rmtp: the address unless interrupted */
RN_DEC_STRUCT(itimerspec);     /* {it_interval={...}, it_value={...}} */
RN_DEC_STRUCT(itimerval);
RN_DEC_STRUCT(timezone);       /* {tz_minuteswest=0, tz_dsttime=0} */
RN_DEC_STRUCT(timespec_pair);  /* utimensat: [{...} / * date * /, UTIME_NOW] */
RN_DEC_STRUCT(timeval_pair);   /* utimes, futimesat */
RN_DEC_STRUCT(utimbuf);        /* {actime=5 / * date * /, modtime=6 / * date * /} */
RN_DEC_STRUCT(time_t);         /* [1795643741 / * date * /] */
/* dec_misc.c */
RN_DEC_STRUCT(rlimit);         /* {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY} */
RN_DEC_STRUCT(rlimit64);
RN_DEC_STRUCT(rusage);         /* {ru_utime={...}, ru_stime={...}, ...} */
RN_DEC_STRUCT(tms);
RN_DEC_STRUCT(sysinfo);
RN_DEC_STRUCT(utsname);        /* {sysname="Linux", nodename="vm", ...} */
RN_DEC_STRUCT(int);            /* [5] */
RN_DEC_STRUCT(uint);
RN_DEC_STRUCT(ulong);
RN_DEC_STRUCT(uid);
RN_DEC_STRUCT(gid);
RN_DEC_STRUCT(ptr);            /* [0x7f...] */
RN_DEC_STRUCT(timer_t);
RN_DEC_STRUCT(sched_param);    /* [0] */
RN_DEC_STRUCT(fd_pair);        /* [3, 4] */
RN_DEC_STRUCT(gid_list);       /* [0, 5, 100] */
RN_DEC_STRUCT(cpu_set);        /* [0 1] */
RN_DEC_STRUCT(wait_status);    /* [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
RN_DEC_STRUCT(clone_args);     /* {flags=..., exit_signal=SIGCHLD, stack=NULL, stack_size=0} */
RN_DEC_STRUCT(open_how);       /* {flags=O_RDONLY|O_CLOEXEC, resolve=0} */
RN_DEC_STRUCT(cap_user_header);
RN_DEC_STRUCT(cap_user_data);
RN_DEC_STRUCT(linux_dirent);   /* 0x5555... / * 3 entries * / */
RN_DEC_STRUCT(linux_dirent64);
RN_DEC_STRUCT(mq_attr);
RN_DEC_STRUCT(loff_t);         /* [5], sendfile: [5] => [15] */
RN_DEC_STRUCT(sched_attr);     /* {size=56, sched_policy=SCHED_OTHER, ...} */
RN_DEC_STRUCT(io_uring_params); /* {flags=0, sq_thread_cpu=0, ..., sq_off={...}, cq_off={...}} */
RN_DEC_STRUCT(landlock_ruleset_attr); /* {handled_access_fs=LANDLOCK_ACCESS_FS_...} */
RN_DEC_STRUCT(futex_waitv);    /* [{val=0x5, uaddr=0x7ffc..., flags=FUTEX_32}] */
RN_DEC_STRUCT(file_handle);    /* {handle_bytes=128 => 8, handle_type=1, f_handle="\x.."} */
RN_DEC_STRUCT(nodemask);       /* [0x00000000000001] */
RN_DEC_STRUCT(mempolicy_mode); /* [MPOL_DEFAULT] */
RN_DEC_STRUCT(mincore_vec);    /* [1, 0, 0] */
RN_DEC_STRUCT(aio_context);    /* [0x7f...] */
RN_DEC_STRUCT(iocb);           /* {aio_data=0x1, aio_lio_opcode=IOCB_CMD_PREAD, aio_fildes=3} */
RN_DEC_STRUCT(iocb_ptrs);      /* [{... aio_buf=..., aio_nbytes=16, aio_offset=0}] */
RN_DEC_STRUCT(io_event);       /* [{data=0x1, obj=0x..., res=3, res2=0}] */
RN_DEC_STRUCT(timex);          /* {modes=0, offset=0, ..., tai=0} */
RN_DEC_STRUCT(mount_attr);     /* {attr_set=MOUNT_ATTR_RDONLY, attr_clr=0, ...} */
/* dec_ipc.c */
RN_DEC_STRUCT(shmid_ds);       /* by shmctl's command: {shm_perm={...}, ...}, {shmmax=...} */
RN_DEC_STRUCT(msqid_ds);       /* by msgctl's command */
RN_DEC_STRUCT(semun);          /* by semctl's command; else the raw value */
RN_DEC_STRUCT(msgbuf);         /* {mtype=1, mtext="..."} */
RN_DEC_STRUCT(sembuf);         /* [{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}] */
/* dec_signal.c */
RN_DEC_STRUCT(sigset);         /* [CHLD], ~[RTMIN RT_1]; size from sigsetsize */
RN_DEC_STRUCT(pselect6_sigmask);
RN_DEC_STRUCT(sigaction);
RN_DEC_STRUCT(siginfo);
RN_DEC_STRUCT(stack_t);
RN_DEC_STRUCT(sigevent);
/* dec_net.c */
RN_DEC_STRUCT(sockaddr);       /* length from the next argument */
RN_DEC_STRUCT(socklen);        /* [16], [128 => 16] */
RN_DEC_STRUCT(iovec);          /* count from the next argument */
RN_DEC_STRUCT(msghdr);
RN_DEC_STRUCT(mmsghdr);        /* [{msg_hdr={...}, msg_len=5}] */
RN_DEC_STRUCT(pollfd);         /* [{fd=3, events=POLLIN}]; after the return
				  value ([{fd=3, revents=POLLIN}]) or (Timeout) */
RN_DEC_STRUCT(epoll_event);
RN_DEC_STRUCT(fd_set);         /* [0 4]; after the return value (in [4]) */
#undef RN_DEC_STRUCT

/* Helpers for whole-call decoders: one value named name. */
void rn_dec_timespec_at(struct rn_dctx *c, const char *name, uint64_t addr);
void rn_dec_timeval_at(struct rn_dctx *c, const char *name, uint64_t addr);
void rn_dec_rusage_at(struct rn_dctx *c, const char *name, uint64_t addr);
/* size: the call's sigsetsize; anything but 8 shows the address, as strace */
void rn_dec_sigset_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t size);
void rn_dec_sigaction_at(struct rn_dctx *c, const char *name, uint64_t addr);
void rn_dec_siginfo_at(struct rn_dctx *c, const char *name, uint64_t addr);
void rn_dec_sockaddr_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len);
/* poll's post-return part: [{fd=3, revents=POLLIN}] (entries with revents) */
void rn_dec_pollfd_revents_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n);

/* From values already in hand. */
void rn_dec_wait_status_value(struct rn_values *vs, const char *name, int status);
/* raw128: a 128-byte siginfo_t as the kernel lays it out */
void rn_dec_siginfo_value(struct rn_values *vs, const char *name, const void *raw128);
/* open's flags: O_RDONLY|O_CLOEXEC (the access mode by name, then the rest
 * from rn_flags_open_flags when it exists) */
void rn_dec_open_flags_value(struct rn_values *vs, const char *name, uint64_t flags);

#endif /* RENACER_DEC_STRUCTS_H */
