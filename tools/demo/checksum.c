/* checksum.c - 32-bit FNV-1a. */
#include "demo.h"

unsigned checksum(const char *text)
{
	unsigned h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}
