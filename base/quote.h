/*
 * quote.h - strace's string quoting: "abc\n\0\377"...
 * Contract: pure functions, any thread.
 */
#ifndef RENACER_QUOTE_H
#define RENACER_QUOTE_H

#include <stddef.h>
#include "base/sbuf.h"

enum rn_quote_flags {
	RN_QUOTE_HEX_NONPRINT = 1u << 0, /* -x: if any byte is non-printable
					    (other than \t\n\v\f\r), the
					    whole string as \xhh, as strace
					    6.1 does */
	RN_QUOTE_HEX_ALL = 1u << 1,      /* -xx: every byte as \xhh */
	RN_QUOTE_STOP_AT_NUL = 1u << 2,  /* C string: stop at the first NUL */
	RN_QUOTE_HEX_CHARS = 1u << 3,    /* --strings-in-hex=non-ascii-chars:
					    each byte that would be in octal
					    as \xhh, the rest as without it */
};

/*
 * Append s[0..len) quoted as strace does: surrounding double quotes,
 * \" \\ \t \n \v \f \r, printable ASCII as itself, other bytes in octal
 * using the fewest digits unless the next byte is an octal digit (then
 * three), or hex per flags. With RN_QUOTE_STOP_AT_NUL, len is cut at the
 * first NUL. `truncated` appends "..." after the closing
 * quote, as strace marks a string cut at -s.
 */
void rn_quote(struct rn_sbuf *b, const unsigned char *s, size_t len,
	      unsigned flags, int truncated);

/*
 * Append the path behind a descriptor (-y) as strace shows it between the
 * < and > that the caller writes: the escapes of rn_quote without the
 * surrounding quotes, and '<' '>' in octal, so that whatever bytes a
 * traced program puts in a file name, the shown path is one line and
 * ends where its brackets say.
 */
void rn_quote_fd_path(struct rn_sbuf *b, const unsigned char *s, size_t len, unsigned flags);

#endif /* RENACER_QUOTE_H */
