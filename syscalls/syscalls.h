/*
 * syscalls.h - the one table of system calls: names, argument names and
 * types, classes, when arguments are read, return type.
 *
 * Contract: generated at build time from syscalls/syscalls_x86_64.tbl by
 * syscalls/gen_syscalls.py; immutable, shared by every thread without locks.
 * The architecture-specific part is the .tbl file and the per-arch lookup;
 * everything else speaks in rn_arg_type and rn_class.
 */
#ifndef RENACER_SYSCALLS_H
#define RENACER_SYSCALLS_H

#include <stdint.h>

/* How an argument (or the return value) is shown. The spine renders the
 * scalar kinds and the memory kinds it reads; any other type is printed
 * raw in hex until its decoder exists (never guessed). */
enum rn_arg_type {
	RN_T_HEX = 0,   /* raw: 0x... (default for anything not decoded) */
	RN_T_INT,       /* signed int (32-bit) decimal */
	RN_T_LONG,      /* signed long decimal */
	RN_T_UINT,      /* unsigned int decimal */
	RN_T_ULONG,     /* unsigned long decimal (size_t, off_t counts) */
	RN_T_PTR,       /* address: NULL or 0x... */
	RN_T_FD,        /* file descriptor (int) */
	RN_T_DIRFD,     /* dirfd: AT_FDCWD or an fd */
	RN_T_PID,       /* pid (int) */
	RN_T_OCTAL,     /* mode: 0644 */
	RN_T_PATH,      /* NUL-terminated path, read at entry */
	RN_T_STR,       /* NUL-terminated string, read at entry */
	RN_T_IBUF,      /* input buffer; length in the argument named by len_arg */
	RN_T_OBUF,      /* output buffer, read at exit; length = return value */
	RN_T_ARGV,      /* execve argv: ["a", "b"] */
	RN_T_ENVP,      /* execve envp: 0x... / * N vars * / */
	RN_T_SIGNAL,    /* signal number */
	RN_T_FLAGS,     /* symbolic flags from table `sub` */
	RN_T_ENUM,      /* symbolic constant from table `sub` */
	RN_T_STRUCT_IN, /* struct `sub` read at entry */
	RN_T_STRUCT_OUT,/* struct `sub` read at exit */
	RN_T_STRUCT_IO, /* struct `sub` the kernel reads and writes back: shown
			   at exit unless the call's decoder shows it at entry */
	RN_T_NONE,      /* return only: no return value ("= ?") */
	RN_T_UID,       /* uid_t/gid_t: unsigned 32-bit, but (uid_t)-1 is -1 (as
			   strace: "keep it" in chown, setresuid) */
	RN_T_STRUCT_INRET, /* struct `sub` shown at entry as the caller passed
			   it (so while the call blocks too); its decoder is
			   called again at exit for what goes after the return
			   value only (poll's revents, select's ready sets) */
	RN_T__COUNT
};

/* Whether an argument of this type may be an address in the tracee (HEX:
 * a raw value, often one). */
static inline int rn_arg_is_address(uint8_t type)
{
	switch (type) {
	case RN_T_HEX: case RN_T_PTR: case RN_T_PATH: case RN_T_STR: case RN_T_IBUF:
	case RN_T_OBUF: case RN_T_ARGV: case RN_T_ENVP: case RN_T_STRUCT_IN:
	case RN_T_STRUCT_OUT: case RN_T_STRUCT_IO: case RN_T_STRUCT_INRET:
		return 1;
	default:
		return 0;
	}
}

/* Syscall classes, strace's spelling in comments. */
enum rn_class {
	RN_C_FILE = 1u << 0,     /* %file: takes a file name */
	RN_C_DESC = 1u << 1,     /* %desc */
	RN_C_PROCESS = 1u << 2,  /* %process */
	RN_C_NETWORK = 1u << 3,  /* %network, %net */
	RN_C_SIGNAL = 1u << 4,   /* %signal */
	RN_C_IPC = 1u << 5,      /* %ipc */
	RN_C_MEMORY = 1u << 6,   /* %memory */
	RN_C_CREDS = 1u << 7,    /* %creds */
	RN_C_CLOCK = 1u << 8,    /* %clock */
	RN_C_STAT = 1u << 9,     /* %stat */
	RN_C_LSTAT = 1u << 10,   /* %lstat */
	RN_C_FSTAT = 1u << 11,   /* %fstat */
	RN_C_STAT_LIKE = 1u << 12,   /* %%stat */
	RN_C_STATFS = 1u << 13,      /* %statfs */
	RN_C_FSTATFS = 1u << 14,     /* %fstatfs */
	RN_C_STATFS_LIKE = 1u << 15, /* %%statfs */
	RN_C_PURE = 1u << 16,        /* %pure */
};

struct rn_flag_table;
struct rn_dctx;
typedef void (*rn_arg_decoder)(struct rn_dctx *c, unsigned argi, uint64_t raw);
typedef unsigned (*rn_call_decoder)(struct rn_dctx *c, unsigned from);

struct rn_arg_desc {
	const char *name;  /* argument name, from the kernel prototype */
	uint8_t type;      /* enum rn_arg_type */
	int8_t len_arg;    /* RN_T_IBUF: index of the length argument, else -1 */
	const char *sub;   /* flag/enum/struct table name, or NULL */
	const struct rn_flag_table *flags; /* RN_T_FLAGS/RN_T_ENUM: rn_flags_<sub>,
					      NULL until it exists (decode.h) */
	rn_arg_decoder decode; /* RN_T_STRUCT_*: rn_dec_<sub>, or NULL */
};

struct rn_syscall {
	const char *name;         /* NULL for a hole in the numbering */
	uint8_t nargs;
	uint8_t ret_type;         /* enum rn_arg_type */
	uint8_t mem_entry;        /* some argument must be read at entry */
	uint8_t mem_exit;         /* some argument must be read at exit */
	uint32_t classes;         /* enum rn_class bits */
	rn_call_decoder decode;   /* rn_sys_<name>: whole-call decoder, or NULL */
	struct rn_arg_desc args[6];
};

/* Highest syscall number + 1 of the native table. */
extern const unsigned rn_syscall_count;

/* The entry for nr, or NULL when nr is out of range or a hole. */
const struct rn_syscall *rn_syscall_get(long nr);

/*
 * A call of the i386 ABI made by a 64-bit process (int $0x80): its number
 * carries this tag in records and events, so that nothing names or
 * decodes it from the x86-64 table (i386's getpid is 20, x86-64's 20 is
 * writev). Shown as a raw call, "syscall_0x14@32" (strace's suffix for
 * the 32-bit personality). x86-64 numbers with bit 29 set are not valid
 * calls (the kernel fails them with ENOSYS); one would be shown the same.
 * x32 calls need no tag: they arrive as x86-64 calls with bit 30 set, a
 * number above the table, shown raw as "syscall_0x40000027".
 */
#define RN_NR_I386 0x20000000
#define RN_NR_I386_MASK 0x1fffffff

static inline int rn_nr_is_i386(long nr)
{
	return nr >= RN_NR_I386 && nr <= (RN_NR_I386 | RN_NR_I386_MASK);
}

/* Syscall number by name, -1 if unknown. */
long rn_syscall_by_name(const char *name);

#endif /* RENACER_SYSCALLS_H */
