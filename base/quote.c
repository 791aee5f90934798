/*
 * quote.c - strace-compatible string quoting (see base/quote.h).
 *
 * Behaviour checked byte for byte against strace 6.1 (write(2) buffers and
 * execve/openat C strings, with none, -x and -xx):
 *  - default: \" \\ \t \n \v \f \r; 0x20..0x7e as is; everything else,
 *    including 0x7f and 0x80..0xff, in octal with the fewest digits, or
 *    three digits when the next printed byte is '0'..'7' ("\0" "8" prints
 *    as "\08", "\0" "7" as "\0007"). Only bytes inside len count as "next":
 *    a string cut at -s right after a NUL ends in "\0".
 *  - -x: if any byte is neither printable nor one of \t\n\v\f\r, the WHOLE
 *    string is printed as \xhh (that is what strace does, not just the
 *    offending bytes); otherwise it is quoted as by default.
 *  - -xx: every byte as \xhh, lowercase.
 *  - a -y path (rn_quote_fd_path): the same escapes without the quotes,
 *    plus '<' and '>' in octal (3</tmp/a\74b\76>), as strace 6.1 shows
 *    /proc/PID/fd links; -x and -xx as for strings.
 *
 * Ownership: no state; any thread.
 */
#include "base/quote.h"

#include <string.h>

static int is_print(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* \t \n \v \f \r: ASCII 9..13, which strace escapes by letter. */
static int is_space_escape(unsigned char c)
{
	return c >= '\t' && c <= '\r';
}

static int needs_hex(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_print(s[i]) && !is_space_escape(s[i]))
			return 1;
	return 0;
}

/* The quoted body of s[0..len), without the surrounding quotes, at o,
 * which has room for 4 bytes per input byte; the end of what was written.
 * angle: '<' and '>' in octal too, so that a path shown between them
 * cannot end its brackets early. */
static char *quote_body(char *o, const unsigned char *s, size_t len, int hex, int angle,
			int hexchars)
{
	static const char hexd[] = "0123456789abcdef";
	/* \t \n \v \f \r, indexed by c - '\t' */
	static const char space_letter[] = "tnvfr";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (hex) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 0xf];
		} else if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (is_print(c) && !(angle && (c == '<' || c == '>'))) {
			*o++ = (char)c;
		} else if (is_space_escape(c)) {
			*o++ = '\\';
			*o++ = space_letter[c - '\t'];
		} else if (hexchars) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hexd[c >> 4];
			*o++ = hexd[c & 0xf];
		} else {
			/* Octal, fewest digits; but if the next byte is an
			 * octal digit the reader would take it as part of the
			 * escape, so pad to three digits. */
			int pad = i + 1 < len && s[i + 1] >= '0' &&
				  s[i + 1] <= '7';
			*o++ = '\\';
			if (pad || c >= 0100)
				*o++ = (char)('0' + (c >> 6));
			if (pad || c >= 010)
				*o++ = (char)('0' + ((c >> 3) & 7));
			*o++ = (char)('0' + (c & 7));
		}
	}
	return o;
}

void rn_quote(struct rn_sbuf *b, const unsigned char *s, size_t len,
	      unsigned flags, int truncated)
{
	int hex;
	char *o;

	if (flags & RN_QUOTE_STOP_AT_NUL) {
		const unsigned char *nul = memchr(s, 0, len);
		if (nul)
			len = (size_t)(nul - s);
	}
	hex = (flags & RN_QUOTE_HEX_ALL) ||
	      ((flags & RN_QUOTE_HEX_NONPRINT) && needs_hex(s, len));

	/* Worst case 4 output bytes per input byte, plus `"` `"` and `...`. */
	rn_sbuf_reserve(b, len * 4 + 5);
	o = b->p + b->len;
	*o++ = '"';
	o = quote_body(o, s, len, hex, 0, (flags & RN_QUOTE_HEX_CHARS) != 0);
	*o++ = '"';
	if (truncated) {
		memcpy(o, "...", 3);
		o += 3;
	}
	b->len = (size_t)(o - b->p);
}

void rn_quote_fd_path(struct rn_sbuf *b, const unsigned char *s, size_t len, unsigned flags)
{
	/* -x looks at the same bytes as for a string: '<' and '>' are
	 * printable, so they alone do not turn the path into hex. */
	int hex = (flags & RN_QUOTE_HEX_ALL) ||
		  ((flags & RN_QUOTE_HEX_NONPRINT) && needs_hex(s, len));

	if (!len)
		return;
	rn_sbuf_reserve(b, len * 4);
	b->len = (size_t)(quote_body(b->p + b->len, s, len, hex, 1,
				     (flags & RN_QUOTE_HEX_CHARS) != 0) - b->p);
}
