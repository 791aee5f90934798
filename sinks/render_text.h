/*
 * render_text.h - strace's text for typed values and results.
 * Contract: pure functions of their inputs; called by the writer thread.
 */
#ifndef RENACER_RENDER_TEXT_H
#define RENACER_RENDER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "syscalls/options.h"
#include "base/sbuf.h"
#include "decode/value.h"

/* Render the top-level values in v[from..to) separated by ", ". Returns
 * the number rendered. */
unsigned rn_text_values(struct rn_sbuf *b, const struct rn_options *opt,
			const struct rn_value *v, const unsigned char *bytes,
			uint32_t from, uint32_t to);

/* The values flagged RN_VF_DUMP in v[from..to) as strace's hex dump
 * lines, each ended by a newline (written after the call's line). */
void rn_text_dumps(struct rn_sbuf *b, const struct rn_value *v, const unsigned char *bytes,
		   uint32_t from, uint32_t to);

/* The values flagged RN_VF_AFTER_RET in v[from..to), after the return
 * value: " ([{fd=3, revents=POLLIN}], left {...})"; nothing when none. */
void rn_text_after_result(struct rn_sbuf *b, const struct rn_options *opt,
			  const struct rn_value *v, const unsigned char *bytes, uint32_t from,
			  uint32_t to);

/* -y: "<path>" after a descriptor, the path escaped as strace does
 * ("<" and ">" included, in octal; -x/-xx from opt); nothing when len is 0. */
void rn_text_fd_path(struct rn_sbuf *b, const struct rn_options *opt, const unsigned char *path,
		     size_t len);

/* "= 3", "= -1 ENOENT (No such file or directory)", "= ?", "= 0x7f..".
 * ret_type is the table's enum rn_arg_type for the return value. */
void rn_text_result(struct rn_sbuf *b, int64_t ret, int is_error, int ret_type);

#endif /* RENACER_RENDER_TEXT_H */
