/* values_cmp.h - unit-test helper: whether two decodings of a call gave the
 * same values (kinds, flags, numbers, bytes, tree shape). */
#ifndef RENACER_TEST_VALUES_CMP_H
#define RENACER_TEST_VALUES_CMP_H

#include <string.h>

#include "decode/value.h"

static inline int rn_test_values_same(const struct rn_values *a, const struct rn_values *b)
{
	if (a->n != b->n)
		return 0;
	for (uint32_t i = 0; i < a->n; i++) {
		const struct rn_value *x = &a->v[i], *y = &b->v[i];
		if (x->kind != y->kind || x->flags != y->flags || x->u != y->u ||
		    x->len != y->len || x->end != y->end ||
		    (x->len && memcmp(a->bytes + x->off, b->bytes + y->off, x->len) != 0))
			return 0;
	}
	return 1;
}

#endif
