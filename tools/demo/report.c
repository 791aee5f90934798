/* report.c - prints what main computed. */
#include <stdio.h>

#include "demo.h"

void report(const char *name, struct counts c, unsigned sum)
{
	printf("%s: %zu lines, %zu words, %zu chars, fnv1a %08x\n",
	       name, c.lines, c.words, c.chars, sum);
}
