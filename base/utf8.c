/* utf8.c - UTF-8 well-formedness (see base/utf8.h). */
#include "base/utf8.h"

size_t rn_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the 2nd byte */
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (n < k || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t j = 2; j < k; j++)
		if (p[j] < 0x80 || p[j] > 0xbf)
			return 0;
	return k;
}

int rn_utf8_valid(const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n;) {
		/* ASCII runs first: the common case. */
		while (i < n && s[i] < 0x80)
			i++;
		if (i == n)
			break;
		size_t k = rn_utf8_len(s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}
