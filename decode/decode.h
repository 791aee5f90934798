/*
 * decode.h - decoders: from a syscall's raw arguments (and the stopped
 * tracee's memory) to typed values (value.h).
 *
 * Contract:
 *  - Decoders run on a worker thread while the tracee is held stopped
 *    whenever the syscall table says memory is read in that phase.
 *  - They append exactly one value per argument they decode, named with the
 *    argument's name from the syscall table, and never print text.
 *  - They read memory only through rn_mem_read / rn_mem_read_str (mem.h);
 *    unreadable memory yields the raw address (rn_v_ptr), never a guess.
 *  - Everything a decoder references (names, tables) is static.
 *
 * How the syscall table reaches them: for an argument typed flags(X) or
 * enum(X) the generator points the argument at `rn_flags_X` (a struct
 * rn_flag_table); for struct_in(X), struct_out(X), struct_io(X) at the
 * function `rn_dec_X`. Both are weak references: a table or decoder that
 * does not exist yet leaves NULL, and the argument is shown raw (hex or
 * address). A syscall whose arguments need each other (fcntl, ioctl,
 * clone, futex, openat's mode, ...) may have a whole-call decoder
 * `rn_sys_NAME`, also weak, which replaces the per-argument walk.
 */
#ifndef RENACER_DECODE_H
#define RENACER_DECODE_H

#include <stdint.h>

#include "syscalls/options.h"
#include "decode/record.h"
#include "base/sbuf.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

struct rn_dctx {
	const struct rn_options *opt;
	const struct rn_syscall *sc;
	const struct rn_record *entry; /* the arguments */
	const struct rn_record *exit;  /* NULL while decoding at entry */
	struct rn_values *vs;          /* append here */
	pid_t tid;                     /* whose memory to read */
	uint64_t *saved;               /* RN_DCTX_NSAVED words kept from this call's
					  entry to its exit, zero at entry; NULL
					  when none are kept (then exit decoders
					  show only what they read at exit) */
	int saving;                    /* entry pass of a struct_io argument: its
					  decoder appends nothing and only records
					  in its saved words what it needs at exit
					  (socklen 128 of "[128 => 16]") */
	int ret_hex;                   /* set by an exit decoder: this call's
					  return value is shown in hex (fcntl
					  F_GETFL: = 0x8002 (flags ...)) */
};

/* Saved words: argument argi owns saved[3 * argi .. 3 * argi + 2]. */
#define RN_DCTX_NSAVED 18

enum rn_flag_table_kind {
	RN_FT_FLAGS = 1, /* bit set: A|B|0x40 ; 0 prints as the zero name or "0" */
	RN_FT_ENUM,      /* one value: NAME, or the number when unknown */
};

struct rn_flag {
	uint64_t value;
	const char *name;
};

struct rn_flag_table {
	uint8_t kind;                 /* enum rn_flag_table_kind */
	uint8_t unknown_as_hex;       /* ENUM: unknown shown as 0x.. instead of decimal */
	const char *zero;             /* FLAGS: name printed for 0 (PROT_NONE), or NULL */
	const struct rn_flag *items;  /* in strace's printing order; for FLAGS,
					 a multi-bit mask before its bits */
	unsigned n;
	/* The rest is zero in a table that needs none of it. */
	const char *unknown;          /* strace's comment after a value that has
					 no name at all: "MAP_???" gives
					 0x4 / * MAP_??? * / (ENUM: shown in hex) */
	uint8_t width;                /* bits of the argument: 64, else 32 */
	uint8_t field_kind;           /* FLAGS: enum rn_flag_field_kind */
	uint8_t field_last;           /* the field is shown after the flags */
	uint8_t shift;                /* FLAGS with shift_name: see below */
	uint64_t field_mask;          /* FLAGS: the bits holding one value (the
					 field) shown before (or after) the flags:
					 open's O_RDONLY, clone's SIGCHLD */
	const struct rn_flag_table *field; /* RN_FF_ENUM: the field's names */
	uint64_t shift_mask;          /* FLAGS: a count held in bits shift.. of
					 the value, shown last as N<<shift_name
					 when not 0 (mmap's 21<<MAP_HUGE_SHIFT) */
	const char *shift_name;
	uint8_t field_merge;          /* a field value without a name is not
					 shown apart but with the unnamed bits
					 (socket's type: SOCK_CLOEXEC|0xf) */
};

enum rn_flag_field_kind {
	RN_FF_NONE = 0,
	RN_FF_ENUM,   /* named by `field`; unknown: 0x.. / * field->unknown * / */
	RN_FF_SIGNAL, /* a signal number, not shown when 0 */
	RN_FF_OCTAL,  /* permission bits, always shown: IPC_CREAT|0600, 000 */
};

/* rn_arg_decoder (syscalls.h): decoder for struct_*(X): called at entry
 * for struct_in, at exit for struct_out and struct_io (c->exit set); appends
 * one value named sc->args[argi].name. A struct_out decoder is called only
 * when the call succeeded; a struct_io decoder also when it failed (it
 * decides what to show: the kernel may have left the input as it was), and
 * at entry with c->saving set (see struct rn_dctx). A struct_inret decoder
 * is called at entry (c->exit NULL: the value as passed) and at exit of a
 * call that failed or not (c->exit set: only values flagged
 * RN_VF_AFTER_RET, or none).
 *
 * rn_call_decoder (syscalls.h): whole-call decoder. At entry (c->exit ==
 * NULL, from == 0) it appends the values shown at entry and returns the
 * index of the first argument left for the exit; at exit it is called with
 * that index and appends the rest (its return value is then ignored). */

/* The generic walk: at entry appends the arguments shown at entry and
 * returns the index of the first one left for the exit; at exit appends
 * those. Uses the syscall's whole-call decoder when it has one. */
unsigned rn_decode_entry(struct rn_dctx *c);
void rn_decode_exit(struct rn_dctx *c, unsigned from);

/* An RN_REC_SIGNAL record's siginfo as a struct value named "siginfo". */
void rn_decode_siginfo(struct rn_values *vs, const struct rn_record *rec);

/* Helpers every decoder uses. */
/* A buffer of len bytes at addr, shown up to -s bytes (RN_V_STR). */
void rn_dec_buffer(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len);
/* execve's argv at addr, every string whole, joined by spaces (at most
 * max bytes, then " ..."). For --process-summary's command column. */
void rn_dec_argv_joined(pid_t tid, uint64_t addr, struct rn_sbuf *out, size_t max);
/* A signal number: its name, or the number. */
void rn_dec_signal(struct rn_values *vs, const char *name, int sig);
void rn_dec_flags(struct rn_values *vs, const char *name, const struct rn_flag_table *t,
		  uint64_t v);
/* -e read= / -e write=: RN_DUMP_READ for the calls whose data read is
 * dumped (read, pread64, recvfrom: the buffer is argument 1, the length
 * the result), RN_DUMP_WRITE for those whose data written is (write,
 * pwrite64, sendto: argument 1, length argument 2), else 0. */
enum { RN_DUMP_READ = 1, RN_DUMP_WRITE = 2 };
int rn_dump_kind(long nr);
/* Does this run dump syscall nr's data (its kind's set holds any
 * descriptor)? The call then gets no prefetch plan and is held or
 * rehearsed at exit, where the dump is read. */
int rn_dump_call(const struct rn_options *opt, long nr);

/* -X raw and verbose: the constant just appended at node (whose bytes
 * began at nbytes: a NAME or a FLAGS tree) replaced by the number v, hex
 * or decimal, and for verbose its names in a comment: 0x241 / * O_WRONLY|
 * O_CREAT|O_TRUNC * /. Nothing with -X abbrev (the default). */
void rn_xlat_fold(struct rn_values *vs, uint32_t node, uint32_t nbytes, uint64_t v, int as_hex);
/* The generic per-argument decode by table type (what the walk does for an
 * argument without a special decoder). */
void rn_dec_arg(struct rn_dctx *c, unsigned argi);

#endif /* RENACER_DECODE_H */
