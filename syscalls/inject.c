/*
 * inject.c - parsing -e inject= and -e fault= (see syscalls/inject.h).
 *
 * The grammar, as strace 6.1 takes it (each point checked by running it):
 *
 *   VALUE := SET (':' ITEM?)*      empty items are skipped ("open::error=1")
 *   ITEM  := error=ERRNO | retval=VALUE | signal=SIG | syscall=NAME
 *          | delay_enter=TIME | delay_exit=TIME | when=WHEN
 *          | poke_enter=... | poke_exit=...
 *   - error= and retval= exclude each other and come once; signal=,
 *     syscall=, delay_enter= and delay_exit= once each; the last when= wins;
 *   - at least one of error, retval, signal, delay_enter, delay_exit,
 *     poke_enter, poke_exit; syscall= names a %pure syscall and matters
 *     only with error= or retval=;
 *   - fault= takes error= (ENOSYS when absent), syscall= and when= only
 *     (poke_enter= too is refused there);
 *   - ERRNO: a name of errno 1..4095 in any case (ERESTARTSYS too), or a
 *     decimal number 1..4095 (a '+' before it allowed);
 *   - VALUE: strtoull's base 0 ("0x10", "+3", "-1" all accepted), with
 *     strace's warnings for a value that may read as an error;
 *   - SIG: 1..64, or a name as strace prints it, with or without SIG, any
 *     case (SIGRT_32, not SIGRTMAX);
 *   - TIME: strtod's decimal number (not its hexadecimal form), not
 *     negative, in microseconds or with a suffix s, ms, us or ns;
 *   - WHEN: FIRST['..'LAST]['+'[STEP]], FIRST and STEP 1..65535, LAST
 *     1..65534 and not below FIRST; a leading '+' of a number is allowed,
 *     as strtoul has it ("when=+2" is "when=2"). FIRST..LAST means every
 *     call in the range; FIRST alone only that call.
 * Anything else is "invalid inject argument 'VALUE'" (or "fault"), the
 * whole value quoted.
 *
 *   - poke_enter= and poke_exit= (once each): a ','-separated list of
 *     @argN=HEX (empty items skipped, none at all is allowed and writes
 *     nothing, "(INJECTED: args)" unsaid), N 1..7 and once each, HEX an even
 *     number of hexadecimal digits, 1..1024 bytes; a pair "0x" is a zero
 *     byte, as strace's sscanf reads it.
 */
#define _GNU_SOURCE
#include "syscalls/inject.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/names.h"
#include "syscalls/syscalls.h"

/* digits only, an optional '+' first; *end past them. 0 when none. */
static int parse_count(const char *s, const char **end, unsigned long limit,
		       unsigned long *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > limit)
			return 0;
	}
	*end = p;
	*out = v;
	return 1;
}

static int parse_when(const char *s, struct rn_inject_rule *r)
{
	unsigned long first, last = UINT32_MAX, step = 0;
	const char *p;

	if (!parse_count(s, &p, 65535, &first) || first == 0)
		return -1;
	if (p[0] == '.' && p[1] == '.') {
		if (!parse_count(p + 2, &p, 65534, &last) || last == 0 || last < first)
			return -1;
		step = 1;
	}
	if (*p == '+') {
		p++;
		step = 1;
		if (*p) {
			/* a second sign would be "2++": refused */
			if (*p == '+' || !parse_count(p, &p, 65535, &step) || step == 0)
				return -1;
		}
	}
	if (*p)
		return -1;
	r->first = (uint32_t)first;
	r->last = (uint32_t)last;
	r->step = (uint32_t)step;
	return 0;
}

static int parse_errno(const char *s)
{
	unsigned long v;
	const char *end;

	if (parse_count(s, &end, 4095, &v) && *end == '\0')
		return v >= 1 ? (int)v : -1;
	for (int e = 1; e <= 4095; e++) {
		const char *name = rn_errno_name(e);
		if (name && strcasecmp(name, s) == 0)
			return e;
	}
	return -1;
}

static int parse_signal(const char *s)
{
	unsigned long v;
	const char *end;
	const char *bare = s;

	if (*s != '+' && parse_count(s, &end, 64, &v) && *end == '\0')
		return v >= 1 ? (int)v : -1;
	if (strncasecmp(bare, "SIG", 3) == 0)
		bare += 3;
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = rn_signal_name(sig);
		if (name && strncmp(name, "SIG", 3) == 0 && strcasecmp(name + 3, bare) == 0)
			return sig;
	}
	return -1;
}

/* TIME in ns, or -1. */
static int parse_delay(const char *s, uint64_t *ns)
{
	char *end;
	double v, unit = 1e3;

	/* strtod's hexadecimal form is not strace's */
	if (*s == '\0' || strpbrk(s, "xX"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v) || v < 0)
		return -1;
	if (strcmp(end, "s") == 0)
		unit = 1e9;
	else if (strcmp(end, "ms") == 0)
		unit = 1e6;
	else if (strcmp(end, "us") == 0 || *end == '\0')
		unit = 1e3;
	else if (strcmp(end, "ns") == 0)
		unit = 1;
	else
		return -1;
	v *= unit;
	if (v >= 9.2e18)
		return -1;
	*ns = (uint64_t)v;
	return 0;
}

static long parse_pure_syscall(const char *s)
{
	for (unsigned nr = 0; nr < rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get((long)nr);
		if (sc && sc->name && strcmp(sc->name, s) == 0)
			return (sc->classes & RN_C_PURE) ? (long)nr : -1;
	}
	return -1;
}

/* strace's warnings for a success value that a caller may take for an
 * error, natively or as the 32-bit value a compat process would see: one
 * line per expression, added to the table's (and dropped past its room). */
static void retval_warning(struct rn_inject_table *tab, uint64_t v)
{
	const int64_t sv = (int64_t)v;
	const int32_t v32 = (int32_t)(uint32_t)v;
	char line[128];

	if (sv >= -4095 && sv <= -1)
		snprintf(line, sizeof(line),
			 "Inadvertent injection of error %d is possible for retval=%llu",
			 (int)-sv, (unsigned long long)v);
	else if (v32 >= -4095 && v32 <= -1)
		snprintf(line, sizeof(line),
			 "Inadvertent injection of error %d is possible in compat personality "
			 "for retval=%llu", (int)-v32, (unsigned long long)v);
	else if (v > UINT32_MAX)
		snprintf(line, sizeof(line),
			 "Injected return value %llu will be clipped to %llu in compat personality",
			 (unsigned long long)v, (unsigned long long)(uint32_t)v);
	else
		return;
	size_t used = strlen(tab->warning);
	if (used + strlen(line) + 2 <= sizeof(tab->warning))
		snprintf(tab->warning + used, sizeof(tab->warning) - used, "%s%s",
			 used ? "\n" : "", line);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void free_pokes(struct rn_inject_rule *r)
{
	for (int i = 0; i < 2; i++) {
		for (unsigned k = 0; k < r->npoke[i]; k++)
			free(r->poke[i][k].data);
		free(r->poke[i]);
		r->poke[i] = NULL;
		r->npoke[i] = 0;
	}
}

/* poke_enter= (which 0) or poke_exit= (1): val into r->poke[which]. */
static int parse_poke(char *val, struct rn_inject_rule *r, int which)
{
	unsigned args_seen = 0;

	for (char *next = val; next; ) {
		char *item = next;
		char *comma = strchr(item, ',');
		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = '\0';
		if (*item == '\0')
			continue;
		if (strncmp(item, "@arg", 4) != 0 || item[4] < '1' || item[4] > '7' || item[5] != '=')
			return -1;
		const unsigned arg = (unsigned)(item[4] - '0');
		const char *hex = item + 6;
		const size_t n = strlen(hex);
		if (args_seen & (1u << arg) || n == 0 || n % 2 || n / 2 > RN_INJECT_POKE_MAX)
			return -1;
		args_seen |= 1u << arg;
		uint8_t *data = malloc(n / 2);
		if (!data)
			abort();
		for (size_t i = 0; i < n / 2; i++) {
			const char a = hex[2 * i], b = hex[2 * i + 1];
			if (a == '0' && (b == 'x' || b == 'X')) {
				data[i] = 0;
				continue;
			}
			if (hex_digit(a) < 0 || hex_digit(b) < 0) {
				free(data);
				return -1;
			}
			data[i] = (uint8_t)(hex_digit(a) * 16 + hex_digit(b));
		}
		struct rn_inject_poke *grown =
			realloc(r->poke[which], (r->npoke[which] + 1) * sizeof(*grown));
		if (!grown)
			abort();
		r->poke[which] = grown;
		grown[r->npoke[which]++] = (struct rn_inject_poke){ .arg = arg, .len = n / 2,
								    .data = data };
	}
	r->what |= which ? RN_INJ_POKE_EXIT : RN_INJ_POKE_ENTER;
	return 0;
}

/* One ITEM into r; seen keeps which keys came already. 0, or -1 bad. */
enum { SEEN_RESULT = 1, SEEN_SIGNAL = 2, SEEN_SYSCALL = 4, SEEN_DENTER = 8, SEEN_DEXIT = 16,
       SEEN_PENTER = 32, SEEN_PEXIT = 64 };

static int parse_item(int fault, char *item, struct rn_inject_rule *r, unsigned *seen,
		      uint64_t *retval_given)
{
	char *eq = strchr(item, '=');
	const char *val;
	int n;

	if (!eq)
		return -1;
	*eq = '\0';
	val = eq + 1;
	if (strcmp(item, "when") == 0)
		return parse_when(val, r);
	if (strcmp(item, "error") == 0) {
		if (*seen & SEEN_RESULT || (n = parse_errno(val)) < 0)
			return -1;
		*seen |= SEEN_RESULT;
		r->what |= RN_INJ_ERROR;
		r->ret = -(int64_t)n;
		return 0;
	}
	if (strcmp(item, "syscall") == 0) {
		long nr;
		if (*seen & SEEN_SYSCALL || (nr = parse_pure_syscall(val)) < 0)
			return -1;
		*seen |= SEEN_SYSCALL;
		r->replace_nr = nr;
		return 0;
	}
	if (fault)
		return -1;
	if (strcmp(item, "retval") == 0) {
		char *end;
		if (*seen & SEEN_RESULT || *val == '\0')
			return -1;
		errno = 0;
		unsigned long long v = strtoull(val, &end, 0);
		if (*end || errno == ERANGE)
			return -1;
		*seen |= SEEN_RESULT;
		r->what |= RN_INJ_RETVAL;
		r->ret = (int64_t)v;
		*retval_given = 1;
		return 0;
	}
	if (strcmp(item, "signal") == 0) {
		if (*seen & SEEN_SIGNAL || (n = parse_signal(val)) < 0)
			return -1;
		*seen |= SEEN_SIGNAL;
		r->what |= RN_INJ_SIGNAL;
		r->signo = n;
		return 0;
	}
	if (strcmp(item, "delay_enter") == 0 || strcmp(item, "delay_exit") == 0) {
		const int enter = strcmp(item, "delay_enter") == 0;
		const unsigned bit = enter ? SEEN_DENTER : SEEN_DEXIT;
		if (*seen & bit || parse_delay(val, enter ? &r->delay_enter_ns : &r->delay_exit_ns) < 0)
			return -1;
		*seen |= bit;
		r->what |= enter ? RN_INJ_DELAY_ENTER : RN_INJ_DELAY_EXIT;
		return 0;
	}
	if (strcmp(item, "poke_enter") == 0 || strcmp(item, "poke_exit") == 0) {
		const int exit = strcmp(item, "poke_exit") == 0;
		const unsigned bit = exit ? SEEN_PEXIT : SEEN_PENTER;
		if (*seen & bit)
			return -1;
		*seen |= bit;
		return parse_poke(eq + 1, r, exit);
	}
	return -1;
}

int rn_inject_add(struct rn_inject_table **tabp, int fault, const char *value,
		  const uint64_t *nrs, const char *rest, char *err, size_t errlen)
{
	struct rn_inject_rule r = { .first = 1, .last = UINT32_MAX, .step = 1, .replace_nr = -1 };
	const char *kind = fault ? "fault" : "inject";
	unsigned seen = 0;
	uint64_t retval_given = 0;
	int rc = 0;

	if (rest) {
		char *copy = strdup(rest);
		if (!copy)
			abort();
		for (char *next = copy; next && rc == 0; ) {
			char *item = next;
			char *colon = strchr(item, ':');
			next = colon ? colon + 1 : NULL;
			if (colon)
				*colon = '\0';
			if (*item)
				rc = parse_item(fault, item, &r, &seen, &retval_given);
		}
		free(copy);
	}
	if (fault && !(r.what & RN_INJ_ERROR)) {
		r.what |= RN_INJ_ERROR;
		r.ret = -38; /* ENOSYS */
	}
	if (rc != 0 || r.what == 0) {
		snprintf(err, errlen, "invalid %s argument '%s'", kind, value);
		free_pokes(&r);
		return -1;
	}

	struct rn_inject_table *tab = *tabp;
	if (!tab) {
		tab = calloc(1, sizeof(*tab));
		if (!tab)
			abort();
		*tabp = tab;
	}
	if (retval_given)
		retval_warning(tab, (uint64_t)r.ret);
	if (tab->nrules >= UINT16_MAX) {
		snprintf(err, errlen, "too many -e %s= expressions", kind);
		free_pokes(&r);
		return -1;
	}
	struct rn_inject_rule *grown = realloc(tab->rules, (tab->nrules + 1) * sizeof(*grown));
	if (!grown)
		abort();
	tab->rules = grown;
	tab->rules[tab->nrules++] = r;
	if (r.what & RN_INJ_SIGNAL)
		tab->any_signal = 1;
	for (unsigned nr = 0; nr < RN_INJECT_NR_MAX && nr < rn_syscall_count; nr++) {
		if (!((nrs[nr / 64] >> (nr % 64)) & 1) || !rn_syscall_get((long)nr))
			continue;
		if (tab->rule_of[nr] == 0)
			tab->slot_of[nr] = (uint16_t)tab->nslots++;
		tab->rule_of[nr] = (uint16_t)tab->nrules;
	}
	return 0;
}

void rn_inject_free(struct rn_inject_table *tab)
{
	if (!tab)
		return;
	for (size_t i = 0; i < tab->nrules; i++)
		free_pokes(&tab->rules[i]);
	free(tab->rules);
	free(tab);
}
