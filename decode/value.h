/*
 * value.h - typed argument values: what a worker decodes, what every
 * renderer (strace text, JSON, CSV, the capture) reads.
 *
 * A value is a small tree stored flat, in preorder, in one rn_values
 * buffer: a node is followed by its children, and `end` gives the index
 * just past its subtree, so a renderer walks it without recursion limits
 * and a whole event's arguments travel as two plain arrays (nodes and
 * bytes) with no pointers but static strings (names from tables compiled
 * into the program).
 *
 * Ownership: built by one worker for one event, then handed to the writer
 * with the event; never shared by two threads at once.
 */
#ifndef RENACER_VALUE_H
#define RENACER_VALUE_H

#include <stddef.h>
#include <stdint.h>

enum rn_vkind {
	RN_V_INT = 1,  /* i: signed decimal */
	RN_V_UINT,     /* u: unsigned decimal */
	RN_V_HEX,      /* u: 0x1f, and 0 as "0" */
	RN_V_OCTAL,    /* u: 0644, 000 */
	RN_V_PTR,      /* u: NULL or 0x7ffc... */
	RN_V_FD,       /* i: descriptor; bytes (optional): its path for -y,
			  and when there is more (a path holds no NUL) a NUL,
			  what goes inside the brackets after the path, and
			  for a file no longer linked a NUL and what goes
			  after them: "/tmp/f\0\0(deleted)", shown
			  3</tmp/f>(deleted); -yy: "/dev/null\0<char 1:3>",
			  and a socket with no path, "\0TCP:[...]" */
	RN_V_STR,      /* bytes: the string's bytes as read (not quoted); see flags */
	RN_V_FLAGS,    /* children: RN_V_NAME, one per set flag; u: leftover bits
			  (printed as 0x.. after the names when RN_VF_LEFTOVER);
			  a part without a name is a number child, in its
			  place: 0x4 / * MAP_??? * /, clone's exit signal 119,
			  21<<MAP_HUGE_SHIFT (RN_VF_EXPR) */
	RN_V_NAME,     /* bytes: a symbolic constant's name (enum value, flag,
			  signal); `name` stays the field/argument name */
	RN_V_STRUCT,   /* children: fields, each with its `name`; RN_VF_ELLIPSIS
			  when strace abbreviates the rest as "..." */
	RN_V_ARRAY,    /* children: elements; RN_VF_ELLIPSIS when cut at -s */
	RN_V_TEXT,     /* bytes: preformatted text with no better type, e.g.
			  [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] (shown as is) */
	RN_V_UNKNOWN,  /* "?" */
};

enum rn_vflags {
	RN_VF_TRUNCATED = 1u << 0, /* RN_V_STR: cut at -s ("..." after the quote) */
	RN_VF_PATH = 1u << 1,      /* RN_V_STR: a file name */
	RN_VF_ELLIPSIS = 1u << 2,  /* RN_V_STRUCT / RN_V_ARRAY: more not shown */
	RN_VF_LEFTOVER = 1u << 3,  /* RN_V_FLAGS: u holds bits without a name */
	RN_VF_CHANGED = 1u << 4,   /* a value read at entry and again at exit
				      that changed: rendered "old => new".
				      On an RN_V_STRUCT with exactly two
				      children (before, after; any kind, their
				      names ignored): [128 => 16],
				      msg_namelen=128 => 0, [5] => [15] */
	RN_VF_HEX = 1u << 5,       /* RN_V_STR: strace forces hex for these bytes */
	RN_VF_EXPR = 1u << 6,      /* RN_V_INT/UINT inside a flag/struct printed as
				      an expression (8192*1024): bytes hold it */
	RN_VF_ENVP = 1u << 7,      /* RN_V_STRUCT {address, count}: execve's envp,
				      text "0x7ffc... / * 41 vars * /" */
	RN_VF_NAMED = 1u << 8,     /* a top-level argument strace prints as
				      name=value (clone's flags=...) */
	RN_VF_COMMENT = 1u << 9,   /* a kind without bytes of its own (INT, UINT,
				      HEX, OCTAL, PTR, FLAGS, STRUCT, ARRAY): bytes
				      hold a comment shown after the value,
				      "0x7ffc... / * 2 entries * /" */
	RN_VF_SPACED = 1u << 10,   /* RN_V_ARRAY: elements separated by spaces,
				      as strace's sets: [CHLD USR1], [0 1] */
	RN_VF_INVERTED = 1u << 11, /* RN_V_ARRAY: the complement is listed,
				      shown with "~" before it: ~[RTMIN RT_1] */
	RN_VF_AFTER_RET = 1u << 12, /* a top-level value of an exit that strace
				      shows after the return value, in one pair
				      of parentheses: = 1 ([{fd=3, revents=
				      POLLIN}], left {tv_sec=0, tv_nsec=5}),
				      = 0 (Timeout); with RN_VF_NAMED its name
				      is shown, followed by a space (left, in).
				      Not an argument: rn_text_values skips it,
				      rn_text_after_result shows it */
	RN_VF_LEAD_SEP = 1u << 13,  /* the first top-level value of an exit whose
				      entry left no argument open: ", " comes
				      before it, as strace writes clone's
				      "<... clone resumed>, child_tidptr=..." */
	RN_VF_FDCWD = 1u << 14,     /* RN_V_FD: AT_FDCWD (i -100), shown by
				      name; its bytes (-y): the working
				      directory, AT_FDCWD</tmp> */
	RN_VF_DUMP = 1u << 15,      /* a top-level RN_V_STR of an exit, not an
				      argument: all the data a read or write
				      moved (-e read=, -e write=), shown by
				      text after the line as strace's hex
				      dump; rn_text_values skips it */
};

struct rn_value {
	uint8_t kind;     /* enum rn_vkind */
	uint8_t reserved;
	uint16_t flags;   /* enum rn_vflags */
	uint32_t end;     /* index one past this node's subtree */
	const char *name; /* argument or field name; static storage; NULL if none */
	union {
		int64_t i;
		uint64_t u;
	};
	uint32_t off;     /* bytes: offset into rn_values.bytes */
	uint32_t len;     /* bytes: length */
};

struct rn_values {
	struct rn_value *v;
	uint32_t n, cap;
	unsigned char *bytes;
	uint32_t nbytes, capbytes;
};

/* -X (enum rn_xlat_style, syscalls/options.h) for the whole run: set once
 * before any thread decodes. A global rather than an option passed down
 * because the helpers that show constants (rn_dec_flags, rn_v_dirfd) are
 * given only the value buffer, from dozens of decoders. */
extern int rn_value_xlat;

/* The nodes and then the bytes in one malloc'ed block, as an event carries
 * them (the bytes start at n * sizeof(struct rn_value)), with `extra`
 * bytes of room after them; never NULL (aborts when out of memory). */
unsigned char *rn_values_block(const struct rn_values *vs, size_t extra);
void rn_values_reset(struct rn_values *vs);
void rn_values_free(struct rn_values *vs);

/* Append a leaf; returns its index. */
uint32_t rn_v_int(struct rn_values *vs, const char *name, int64_t i);
uint32_t rn_v_uint(struct rn_values *vs, const char *name, uint64_t u);
uint32_t rn_v_hex(struct rn_values *vs, const char *name, uint64_t u);
uint32_t rn_v_octal(struct rn_values *vs, const char *name, uint64_t u);
uint32_t rn_v_ptr(struct rn_values *vs, const char *name, uint64_t u);
uint32_t rn_v_fd(struct rn_values *vs, const char *name, int fd);
/* A directory descriptor: AT_FDCWD (RN_VF_FDCWD) or rn_v_fd's. */
uint32_t rn_v_dirfd(struct rn_values *vs, const char *name, int fd);
uint32_t rn_v_name(struct rn_values *vs, const char *name, const char *constant);
uint32_t rn_v_str(struct rn_values *vs, const char *name, const void *bytes, size_t len,
		  unsigned flags);
uint32_t rn_v_text(struct rn_values *vs, const char *name, const char *text);
uint32_t rn_v_unknown(struct rn_values *vs, const char *name);

/* Give an existing node bytes (e.g. a descriptor's path for -y). */
void rn_v_set_bytes(struct rn_values *vs, uint32_t node, const void *bytes, size_t len);

/* Give node the text of its RN_VF_EXPR expression or RN_VF_COMMENT comment
 * (flag is one of the two; it is set on the node). */
void rn_v_annotate(struct rn_values *vs, uint32_t node, unsigned flag, const char *text);

/* Containers: open, append children, close. */
uint32_t rn_v_open(struct rn_values *vs, const char *name, enum rn_vkind kind);
void rn_v_close(struct rn_values *vs, uint32_t node);

#endif /* RENACER_VALUE_H */
