/*
 * regex_bounded.h - match a POSIX ERE against a list of names with a bound
 * on the time and memory it may take.
 *
 * Why: glibc's regcomp has no such bound. A short pattern of stacked
 * repetitions ("p+++++...", "-?++++...", "(a{0}){10000}") takes seconds
 * to minutes and gigabytes; strace 6.1 has the same blow-ups. Every
 * estimate of the cost we tried, the fuzzer beat. So a pattern with a
 * repetition operator is compiled and matched in a forked child (about a
 * millisecond) limited to RN_REGEX_CPU_MS of CPU time and, outside
 * sanitized builds (whose shadow memory an address-space limit cannot
 * tell apart), RN_REGEX_MEM_MIB of new address space; the child sends the
 * matches back through a pipe. Running out of either is "Regular
 * expression too big" (regcomp's own REG_ESIZE text).
 *
 * Groups nested deeper than RN_REGEX_MAX_DEPTH are refused the same way
 * before anything runs: glibc parses them by recursion and would overflow
 * the stack.
 *
 * Contract: the verdict travels through a pipe, the child is only reaped
 * by its pid (SIGCHLD may be ignored). Call it before other threads wait
 * for any child: renacer and renacer-dump parse options before they start
 * threads.
 */
#ifndef RENACER_REGEX_BOUNDED_H
#define RENACER_REGEX_BOUNDED_H

#include <stddef.h>
#include <stdint.h>

/* Patterns over syscall names compile in microseconds (a{32767}, the
 * largest counted repetition glibc takes: 15 ms under ASan); 500 ms of CPU
 * is 30 times that and stops a blow-up at a few hundred MiB. */
#ifndef RN_REGEX_CPU_MS
#define RN_REGEX_CPU_MS 500  /* the fuzzer's build makes it 50: more runs */
#endif
#define RN_REGEX_MEM_MIB 256
#define RN_REGEX_MAX_DEPTH 100

/* At most this many names per call (the bitmap travels in one pipe write). */
#define RN_REGEX_MAX_NAMES 1024

/*
 * Matches `re` (REG_EXTENDED | REG_NOSUB) against names[0..n-1]; NULL names
 * are skipped. Sets bit i of hits[] ((n + 63) / 64 words, all written)
 * for each name that matches and returns 0. Otherwise returns -1 with one line in err:
 * regerror's text for a pattern regcomp refuses, "Regular expression too
 * big" for one that ran out of time or memory, or why no child could run.
 */
int rn_regex_match_bounded(const char *re, const char *const *names, size_t n,
			   uint64_t *hits, char *err, size_t errlen);

#endif
