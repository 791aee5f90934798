/* demo.h - the tiny program `tools/dev.sh demo` builds under renacer. */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>

struct counts {
	size_t lines, words, chars;
};

/* count.c: count lines, words and characters of a text. */
struct counts count_text(const char *text);
/* checksum.c: a 32-bit FNV-1a hash of a text. */
unsigned checksum(const char *text);
/* report.c: print the counts and the hash. */
void report(const char *name, struct counts c, unsigned sum);

#endif
