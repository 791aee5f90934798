/*
 * test_quote.c - rn_quote against strings printed by strace 6.1.
 *
 * Every expected string below was produced by running strace 6.1
 * (`strace [-x|-xx] -e trace=write -s 4096`, and execve/openat for C
 * strings) on a program writing the input, and copied from its output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/quote.h"
#include "base/sbuf.h"

#define NONE 0u
#define X RN_QUOTE_HEX_NONPRINT
#define XX RN_QUOTE_HEX_ALL
#define CSTR RN_QUOTE_STOP_AT_NUL

static void check_n(const void *in, size_t len, unsigned flags, int trunc,
		    const char *want)
{
	struct rn_sbuf b = { 0 };

	rn_quote(&b, in, len, flags, trunc);
	if (b.len != strlen(want) || memcmp(b.p, want, b.len) != 0) {
		print_error("flags %u trunc %d\n  want %s\n  got  %.*s\n",
			    flags, trunc, want, (int)b.len, b.p);
		rn_sbuf_free(&b);
		fail();
	}
	rn_sbuf_free(&b);
}

/* Literal input: its length without the literal's own terminating NUL. */
#define CHECK(lit, flags, want) check_n(lit, sizeof(lit) - 1, flags, 0, want)
#define CHECK_T(lit, flags, want) check_n(lit, sizeof(lit) - 1, flags, 1, want)

/* strace: write(-1, <bytes 0..255>, 256) with no -x. */
static const char all_octal[] =
	"\"\\0\\1\\2\\3\\4\\5\\6\\7\\10\\t\\n\\v\\f\\r\\16\\17"
	"\\20\\21\\22\\23\\24\\25\\26\\27\\30\\31\\32\\33\\34\\35\\36\\37"
	" !\\\"#$%&'()*+,-./0123456789:;<=>?"
	"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_"
	"`abcdefghijklmnopqrstuvwxyz{|}~\\177"
	"\\200\\201\\202\\203\\204\\205\\206\\207"
	"\\210\\211\\212\\213\\214\\215\\216\\217"
	"\\220\\221\\222\\223\\224\\225\\226\\227"
	"\\230\\231\\232\\233\\234\\235\\236\\237"
	"\\240\\241\\242\\243\\244\\245\\246\\247"
	"\\250\\251\\252\\253\\254\\255\\256\\257"
	"\\260\\261\\262\\263\\264\\265\\266\\267"
	"\\270\\271\\272\\273\\274\\275\\276\\277"
	"\\300\\301\\302\\303\\304\\305\\306\\307"
	"\\310\\311\\312\\313\\314\\315\\316\\317"
	"\\320\\321\\322\\323\\324\\325\\326\\327"
	"\\330\\331\\332\\333\\334\\335\\336\\337"
	"\\340\\341\\342\\343\\344\\345\\346\\347"
	"\\350\\351\\352\\353\\354\\355\\356\\357"
	"\\360\\361\\362\\363\\364\\365\\366\\367"
	"\\370\\371\\372\\373\\374\\375\\376\\377\"";

/* strace: the same write with -x, and with -xx (identical output). */
static const char all_hex[] =
	"\"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a\\x0b"
	"\\x0c\\x0d\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17"
	"\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\\x20\\x21\\x22\\x23"
	"\\x24\\x25\\x26\\x27\\x28\\x29\\x2a\\x2b\\x2c\\x2d\\x2e\\x2f"
	"\\x30\\x31\\x32\\x33\\x34\\x35\\x36\\x37\\x38\\x39\\x3a\\x3b"
	"\\x3c\\x3d\\x3e\\x3f\\x40\\x41\\x42\\x43\\x44\\x45\\x46\\x47"
	"\\x48\\x49\\x4a\\x4b\\x4c\\x4d\\x4e\\x4f\\x50\\x51\\x52\\x53"
	"\\x54\\x55\\x56\\x57\\x58\\x59\\x5a\\x5b\\x5c\\x5d\\x5e\\x5f"
	"\\x60\\x61\\x62\\x63\\x64\\x65\\x66\\x67\\x68\\x69\\x6a\\x6b"
	"\\x6c\\x6d\\x6e\\x6f\\x70\\x71\\x72\\x73\\x74\\x75\\x76\\x77"
	"\\x78\\x79\\x7a\\x7b\\x7c\\x7d\\x7e\\x7f\\x80\\x81\\x82\\x83"
	"\\x84\\x85\\x86\\x87\\x88\\x89\\x8a\\x8b\\x8c\\x8d\\x8e\\x8f"
	"\\x90\\x91\\x92\\x93\\x94\\x95\\x96\\x97\\x98\\x99\\x9a\\x9b"
	"\\x9c\\x9d\\x9e\\x9f\\xa0\\xa1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7"
	"\\xa8\\xa9\\xaa\\xab\\xac\\xad\\xae\\xaf\\xb0\\xb1\\xb2\\xb3"
	"\\xb4\\xb5\\xb6\\xb7\\xb8\\xb9\\xba\\xbb\\xbc\\xbd\\xbe\\xbf"
	"\\xc0\\xc1\\xc2\\xc3\\xc4\\xc5\\xc6\\xc7\\xc8\\xc9\\xca\\xcb"
	"\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\xd4\\xd5\\xd6\\xd7"
	"\\xd8\\xd9\\xda\\xdb\\xdc\\xdd\\xde\\xdf\\xe0\\xe1\\xe2\\xe3"
	"\\xe4\\xe5\\xe6\\xe7\\xe8\\xe9\\xea\\xeb\\xec\\xed\\xee\\xef"
	"\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7\\xf8\\xf9\\xfa\\xfb"
	"\\xfc\\xfd\\xfe\\xff\"";

static void test_plain(void **state)
{
	(void)state;
	CHECK("plain text", NONE, "\"plain text\"");
	CHECK("", NONE, "\"\"");
	CHECK("", X, "\"\"");
	CHECK("", XX, "\"\"");
	CHECK("a b~", NONE, "\"a b~\"");
}

static void test_escapes(void **state)
{
	(void)state;
	CHECK("\"", NONE, "\"\\\"\"");
	CHECK("\\", NONE, "\"\\\\\"");
	CHECK("\t", NONE, "\"\\t\"");
	CHECK("\n", NONE, "\"\\n\"");
	CHECK("\v", NONE, "\"\\v\"");
	CHECK("\f", NONE, "\"\\f\"");
	CHECK("\r", NONE, "\"\\r\"");
	/* \a, \b and ESC have no letter: octal. */
	CHECK("\a\b\033", NONE, "\"\\7\\10\\33\"");
	/* strace: write(-1, "quote\" back\\ ...", 47) */
	CHECK("quote\" back\\ tab\t nl\n vt\v ff\f cr\r bel\a bs\b esc\033",
	      NONE,
	      "\"quote\\\" back\\\\ tab\\t nl\\n vt\\v ff\\f cr\\r bel\\7 "
	      "bs\\10 esc\\33\"");
	CHECK("hello\tworld\n", NONE, "\"hello\\tworld\\n\"");
	CHECK("\t\n\v\f\r", NONE, "\"\\t\\n\\v\\f\\r\"");
}

static void test_octal_rule(void **state)
{
	(void)state;
	/* Three digits only when the next byte is '0'..'7'. */
	CHECK("\0" "1", NONE, "\"\\0001\"");
	CHECK("\0" "0", NONE, "\"\\0000\"");
	CHECK("\0" "7", NONE, "\"\\0007\"");
	CHECK("\0" "8", NONE, "\"\\08\"");
	CHECK("\0" "9", NONE, "\"\\09\"");
	CHECK("\0" "a", NONE, "\"\\0a\"");
	CHECK("\0", NONE, "\"\\0\"");
	CHECK("a\0b", NONE, "\"a\\0b\"");
	CHECK("\1" "0", NONE, "\"\\0010\"");
	CHECK("\x1f" "5", NONE, "\"\\0375\"");
	CHECK("\177", NONE, "\"\\177\"");
	CHECK("\177" "0", NONE, "\"\\1770\"");
	CHECK("\177" "9", NONE, "\"\\1779\"");
	CHECK("\377" "1", NONE, "\"\\3771\"");
	CHECK("\377x", NONE, "\"\\377x\"");
	CHECK("abc\200", NONE, "\"abc\\200\"");
	/* A letter escape is never padded. */
	CHECK("\n" "1", NONE, "\"\\n1\"");
	CHECK("\t7", NONE, "\"\\t7\"");
	/* Consecutive non-printables: each looks only at its successor. */
	CHECK("\1\2" "3", NONE, "\"\\1\\0023\"");
	CHECK("\0\0\0", NONE, "\"\\0\\0\\0\"");
}

static void test_all_bytes(void **state)
{
	unsigned char all[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	check_n(all, sizeof(all), NONE, 0, all_octal);
	check_n(all, sizeof(all), X, 0, all_hex);
	check_n(all, sizeof(all), XX, 0, all_hex);
}

static void test_hex_nonprint(void **state)
{
	(void)state;
	/* Printable and \t\n\v\f\r only: quoted as without -x. */
	CHECK("plain text", X, "\"plain text\"");
	CHECK("hello\tworld\n", X, "\"hello\\tworld\\n\"");
	CHECK("\t\n\v\f\r", X, "\"\\t\\n\\v\\f\\r\"");
	CHECK("\n" "1", X, "\"\\n1\"");
	CHECK("a\"b\\", X, "\"a\\\"b\\\\\"");
	/* One non-printable byte turns the whole string into hex. */
	CHECK("abc\200", X, "\"\\x61\\x62\\x63\\x80\"");
	CHECK("a\0b", X, "\"\\x61\\x00\\x62\"");
	CHECK("\0" "1", X, "\"\\x00\\x31\"");
	CHECK("\177" "9", X, "\"\\x7f\\x39\"");
	CHECK("\377x", X, "\"\\xff\\x78\"");
	CHECK("quote\" back\\ tab\t nl\n vt\v ff\f cr\r bel\a bs\b esc\033", X,
	      "\"\\x71\\x75\\x6f\\x74\\x65\\x22\\x20\\x62\\x61\\x63\\x6b\\x5c"
	      "\\x20\\x74\\x61\\x62\\x09\\x20\\x6e\\x6c\\x0a\\x20\\x76\\x74"
	      "\\x0b\\x20\\x66\\x66\\x0c\\x20\\x63\\x72\\x0d\\x20\\x62\\x65"
	      "\\x6c\\x07\\x20\\x62\\x73\\x08\\x20\\x65\\x73\\x63\\x1b\"");
}

static void test_hex_all(void **state)
{
	(void)state;
	CHECK("plain text", XX,
	      "\"\\x70\\x6c\\x61\\x69\\x6e\\x20\\x74\\x65\\x78\\x74\"");
	CHECK("hello\tworld\n", XX,
	      "\"\\x68\\x65\\x6c\\x6c\\x6f\\x09\\x77\\x6f\\x72\\x6c\\x64"
	      "\\x0a\"");
	CHECK("\t\n\v\f\r", XX, "\"\\x09\\x0a\\x0b\\x0c\\x0d\"");
	CHECK("\n" "1", XX, "\"\\x0a\\x31\"");
	/* -xx wins over -x. */
	CHECK("ab", X | XX, "\"\\x61\\x62\"");
}

static void test_stop_at_nul(void **state)
{
	(void)state;
	/* openat(AT_FDCWD, "ab\1c", ...) */
	CHECK("ab\1c\0junk\377", CSTR, "\"ab\\1c\"");
	CHECK("ab\0cd", CSTR, "\"ab\"");
	CHECK("\0abc", CSTR, "\"\"");
	CHECK("abc", CSTR, "\"abc\"");
	/* The NUL ends the string: it is not the "next byte" of \1. */
	CHECK("\1\0" "1", CSTR, "\"\\1\"");
	/* -x looks only at the bytes before the NUL. */
	CHECK("abc\tx\0\1\377", CSTR | X, "\"abc\\tx\"");
	CHECK("ab\1c\0", CSTR | X, "\"\\x61\\x62\\x01\\x63\"");
	CHECK("ab\377\0", CSTR | X, "\"\\x61\\x62\\xff\"");
	CHECK("a\"b\\\0", CSTR | X, "\"a\\\"b\\\\\"");
	CHECK("a\"b\\\0", CSTR | XX, "\"\\x61\\x22\\x62\\x5c\"");
	/* Without the flag a NUL is just a byte. */
	CHECK("ab\0cd", NONE, "\"ab\\0cd\"");
}

static void test_truncated(void **state)
{
	(void)state;
	/* strace -s 2: write(-1, "\0" "1abc", 5) -> "\0001"... */
	check_n("\0" "1abc", 2, NONE, 1, "\"\\0001\"...");
	/* -s 1: the cut-off '1' does not force three digits. */
	check_n("\0" "1abc", 1, NONE, 1, "\"\\0\"...");
	check_n("\0" "1abc", 1, X, 1, "\"\\x00\"...");
	check_n("\0" "1abc", 2, X, 1, "\"\\x00\\x31\"...");
	/* -s 2 -x: the non-printable byte past the cut does not matter. */
	check_n("ab\1cd", 2, X, 1, "\"ab\"...");
	check_n("ab\1cd", 2, XX, 1, "\"\\x61\\x62\"...");
	check_n("abcdef", 2, NONE, 1, "\"ab\"...");
	/* strace -s 3, execve argv: "\0012", "\1", "\00123"... */
	CHECK("\1" "2", CSTR, "\"\\0012\"");
	CHECK("\1", CSTR, "\"\\1\"");
	check_n("\1" "2345", 3, CSTR, 1, "\"\\00123\"...");
	check_n("\1" "2345", 3, CSTR | X, 1, "\"\\x01\\x32\\x33\"...");
	CHECK_T("", NONE, "\"\"...");
}

static void test_appends(void **state)
{
	struct rn_sbuf b = { 0 };

	(void)state;
	rn_sbuf_puts(&b, "write(1, ");
	rn_quote(&b, (const unsigned char *)"hi\n", 3, NONE, 0);
	rn_sbuf_puts(&b, ", 3)");
	assert_string_equal(rn_sbuf_cstr(&b), "write(1, \"hi\\n\", 3)");
	rn_sbuf_free(&b);
}

/* Worst case growth: every byte takes four output bytes. */
static void test_large(void **state)
{
	enum { N = 100000 };
	unsigned char *in = malloc(N);
	struct rn_sbuf b = { 0 };

	(void)state;
	assert_non_null(in);
	memset(in, 0xff, N);
	rn_quote(&b, in, N, NONE, 1);
	assert_int_equal(b.len, 4 * N + 2 + 3);
	assert_memory_equal(b.p, "\"\\377\\377", 9);
	assert_memory_equal(b.p + b.len - 8, "\\377\"...", 8);
	rn_sbuf_reset(&b);
	rn_quote(&b, in, N, XX, 0);
	assert_int_equal(b.len, 4 * N + 2);
	rn_sbuf_free(&b);
	free(in);
}

/* rn_sbuf's number writers against printf, edges and random values. */
static void check_numbers(int64_t v)
{
	char want[64];
	struct rn_sbuf b = { 0 };
	const int widths[] = { 0, 5, -5, 25 };
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		int w = widths[k];
		rn_sbuf_reset(&b);
		rn_sbuf_put_i64(&b, v, w);
		snprintf(want, sizeof(want), "%*" PRId64, w, v);
		assert_string_equal(rn_sbuf_cstr(&b), want);
		rn_sbuf_reset(&b);
		rn_sbuf_put_u64(&b, (uint64_t)v, w);
		snprintf(want, sizeof(want), "%*" PRIu64, w, (uint64_t)v);
		assert_string_equal(rn_sbuf_cstr(&b), want);
	}
	rn_sbuf_reset(&b);
	rn_sbuf_put_hex(&b, (uint64_t)v);
	snprintf(want, sizeof(want), "%#" PRIx64, (uint64_t)v);
	assert_string_equal(rn_sbuf_cstr(&b), want);
	rn_sbuf_free(&b);
}

static void test_numbers(void **state)
{
	(void)state;
	const int64_t edges[] = { 0, 1, -1, 9, 10, -10, 99999, 100000, -99999, INT32_MAX,
				  INT32_MIN, INT64_MAX, INT64_MIN };
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_numbers(edges[i]);
	srand(7);
	for (int i = 0; i < 100000; i++)
		check_numbers((int64_t)(((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^
					(uint64_t)rand()) >> (rand() % 64));
}

/* -y paths, as strace 6.1 -y showed files of these names (read(3<...>,
 * ...)): no quotes, '<' and '>' in octal with the same digit rule, -x
 * turning the whole path to hex only for a byte that is not printable. */
static void check_path(const char *in, unsigned flags, const char *want)
{
	struct rn_sbuf b = { 0 };

	rn_sbuf_puts(&b, "3<");
	rn_quote_fd_path(&b, (const unsigned char *)in, strlen(in), flags);
	rn_sbuf_putc(&b, '>');
	assert_string_equal(rn_sbuf_cstr(&b), want);
	rn_sbuf_free(&b);
}

static void test_fd_path(void **state)
{
	(void)state;
	check_path("/tmp/x\n+++ exited with 0 +++\nfake", NONE,
		   "3</tmp/x\\n+++ exited with 0 +++\\nfake>");
	check_path("/tmp/x\n+++ exited with 0 +++\nfake", X,
		   "3</tmp/x\\n+++ exited with 0 +++\\nfake>");
	check_path("/d/a<b>c\"d\\e", NONE, "3</d/a\\74b\\76c\\\"d\\\\e>");
	check_path("/d/a<b>c\"d\\e", X, "3</d/a\\74b\\76c\\\"d\\\\e>");
	check_path("/d/<1", NONE, "3</d/\\0741>");
	check_path("/d/>8", NONE, "3</d/\\768>");
	check_path("/d/\1<", NONE, "3</d/\\1\\74>");
	check_path("/d/\t<7", NONE, "3</d/\\t\\0747>");
	check_path("/d/\1" "0", NONE, "3</d/\\0010>");
	check_path("/d/\1" "8", NONE, "3</d/\\18>");
	check_path("/d/\303\251t\303\251", NONE, "3</d/\\303\\251t\\303\\251>");
	check_path("/d/\303\251", X, "3<\\x2f\\x64\\x2f\\xc3\\xa9>");
	check_path("/d/\1<", X, "3<\\x2f\\x64\\x2f\\x01\\x3c>");
	check_path("/d/<1", XX, "3<\\x2f\\x64\\x2f\\x3c\\x31>");
	check_path("/d/\177\377", NONE, "3</d/\\177\\377>");
	check_path("", NONE, "3<>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_octal_rule),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_hex_nonprint),
		cmocka_unit_test(test_hex_all),
		cmocka_unit_test(test_stop_at_nul),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fd_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
