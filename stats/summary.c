/*
 * summary.c - per-syscall statistics and strace's -c table (see
 * stats/summary.h for the format, checked against strace 6.1).
 *
 * Ownership: a table belongs to one thread at a time; no global state.
 */
#include "stats/summary.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/syscalls.h"

#define NS_PER_S ((uint64_t)1000000000)

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return p;
}

void rn_stats_init(struct rn_stats_table *t)
{
	t->nrows = rn_syscall_count;
	t->rows = xcalloc(t->nrows, sizeof(t->rows[0]));
	for (unsigned i = 0; i < t->nrows; i++)
		t->rows[i].min_ns = UINT64_MAX;
	t->ignored = 0;
}

void rn_stats_free(struct rn_stats_table *t)
{
	if (t->rows)
		for (unsigned i = 0; i < t->nrows; i++)
			free(t->rows[i].hist);
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

static struct rn_hist *row_hist(struct rn_stats_row *r)
{
	if (!r->hist) {
		r->hist = xcalloc(1, sizeof(*r->hist));
		rn_hist_init(r->hist);
	}
	return r->hist;
}

void rn_stats_add(struct rn_stats_table *t, long nr, uint64_t duration_ns,
		  int is_error)
{
	struct rn_stats_row *r;

	if (nr < 0 || (unsigned long)nr >= t->nrows) {
		t->ignored++;
		return;
	}
	r = &t->rows[nr];
	r->calls++;
	if (is_error)
		r->errors++;
	r->total_ns += duration_ns;
	if (duration_ns < r->min_ns)
		r->min_ns = duration_ns;
	if (duration_ns > r->max_ns)
		r->max_ns = duration_ns;
	rn_hist_add(row_hist(r), duration_ns);
}

void rn_stats_add_counts(struct rn_stats_table *t, long nr, const struct rn_stats_row *c)
{
	if (!c->calls)
		return;
	if (nr < 0 || (unsigned long)nr >= t->nrows) {
		t->ignored += c->calls;
		return;
	}
	struct rn_stats_row *r = &t->rows[nr];
	r->calls += c->calls;
	r->errors += c->errors;
	r->total_ns += c->total_ns;
	if (c->min_ns < r->min_ns)
		r->min_ns = c->min_ns;
	if (c->max_ns > r->max_ns)
		r->max_ns = c->max_ns;
}

void rn_stats_merge(struct rn_stats_table *dst, const struct rn_stats_table *src)
{
	unsigned n = dst->nrows < src->nrows ? dst->nrows : src->nrows;

	dst->ignored += src->ignored;
	for (unsigned i = 0; i < n; i++) {
		const struct rn_stats_row *s = &src->rows[i];
		struct rn_stats_row *d = &dst->rows[i];

		if (!s->calls)
			continue;
		d->calls += s->calls;
		d->errors += s->errors;
		d->total_ns += s->total_ns;
		if (s->min_ns < d->min_ns)
			d->min_ns = s->min_ns;
		if (s->max_ns > d->max_ns)
			d->max_ns = s->max_ns;
		if (s->hist)
			rn_hist_merge(row_hist(d), s->hist);
	}
}

/* ---- -U and -S ---------------------------------------------------- */

/* strace 6.1's column_aliases (shared by -U and -S), plus renacer's
 * percentile columns. RN_SUM_END stands for strace's "none". */
static const struct {
	const char *name;
	uint8_t col;
} aliases[] = {
	{ "time", RN_SUM_TIME_PCT },       { "time_percent", RN_SUM_TIME_PCT },
	{ "time-percent", RN_SUM_TIME_PCT },
	{ "time_total", RN_SUM_TOTAL },    { "time-total", RN_SUM_TOTAL },
	{ "total_time", RN_SUM_TOTAL },    { "total-time", RN_SUM_TOTAL },
	{ "min_time", RN_SUM_MIN },        { "min-time", RN_SUM_MIN },
	{ "shortest", RN_SUM_MIN },        { "time_min", RN_SUM_MIN },
	{ "time-min", RN_SUM_MIN },
	{ "longest", RN_SUM_MAX },         { "max_time", RN_SUM_MAX },
	{ "max-time", RN_SUM_MAX },        { "time_max", RN_SUM_MAX },
	{ "time-max", RN_SUM_MAX },
	{ "avg_time", RN_SUM_AVG },        { "avg-time", RN_SUM_AVG },
	{ "time_avg", RN_SUM_AVG },        { "time-avg", RN_SUM_AVG },
	{ "calls", RN_SUM_CALLS },         { "count", RN_SUM_CALLS },
	{ "error", RN_SUM_ERRORS },        { "errors", RN_SUM_ERRORS },
	{ "name", RN_SUM_NAME },           { "syscall", RN_SUM_NAME },
	{ "syscall_name", RN_SUM_NAME },   { "syscall-name", RN_SUM_NAME },
	{ "p50", RN_SUM_P50 },             { "p90", RN_SUM_P90 },
	{ "p99", RN_SUM_P99 },
	{ "none", RN_SUM_END },            { "nothing", RN_SUM_END },
};

int rn_summary_parse_columns(struct rn_summary_opts *o, const char *arg,
			     char *err, size_t errlen)
{
	uint8_t seen[RN_SUM__COUNT] = { 0 };
	const char *p = arg;
	size_t cur = 0;

	memset(o->columns, 0, sizeof(o->columns));
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int found = 0;

		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
			uint8_t c = aliases[i].col;

			if (strncmp(aliases[i].name, p, len) ||
			    aliases[i].name[len] || c == RN_SUM_END)
				continue;
			if (seen[c]) {
				snprintf(err, errlen,
					 "call summary column has been provided "
					 "more than once: '%s' (-U option "
					 "residual: '%s')", aliases[i].name, p);
				return -1;
			}
			seen[c] = 1;
			o->columns[cur++] = c;
			found = 1;
			break;
		}
		if (!found) {
			snprintf(err, errlen, "unknown column name: '%.*s'",
				 (int)len, p);
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	/* The table means nothing without names: strace adds them last. */
	if (!seen[RN_SUM_NAME])
		o->columns[cur++] = RN_SUM_NAME;
	o->columns[cur] = RN_SUM_END;
	return 0;
}

int rn_summary_parse_sort(struct rn_summary_opts *o, const char *arg,
			  char *err, size_t errlen)
{
	static const uint8_t by_col[RN_SUM__COUNT] = {
		[RN_SUM_END] = RN_SORT_NONE,
		[RN_SUM_TIME_PCT] = RN_SORT_TIME, [RN_SUM_TOTAL] = RN_SORT_TIME,
		[RN_SUM_MIN] = RN_SORT_MIN,       [RN_SUM_MAX] = RN_SORT_MAX,
		[RN_SUM_AVG] = RN_SORT_AVG,       [RN_SUM_CALLS] = RN_SORT_CALLS,
		[RN_SUM_ERRORS] = RN_SORT_ERRORS, [RN_SUM_NAME] = RN_SORT_NAME,
		[RN_SUM_P50] = RN_SORT_P50,       [RN_SUM_P90] = RN_SORT_P90,
		[RN_SUM_P99] = RN_SORT_P99,
	};

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (!strcmp(aliases[i].name, arg)) {
			o->sort = by_col[aliases[i].col];
			return 0;
		}
	}
	snprintf(err, errlen, "invalid sortby: '%s'", arg);
	return -1;
}

/* ---- rendering ---------------------------------------------------- */

/* strace's ts_float(): whole seconds plus nanoseconds / 1e9, in that order
 * of operations, so that every printed digit rounds exactly as strace's. */
static double ts_float(uint64_t ns)
{
	return (double)(int64_t)(ns / NS_PER_S) +
	       (double)(int64_t)(ns % NS_PER_S) / 1000000000.0;
}

/* strace's ts_div(): the average rounded half up to the nanosecond. */
static uint64_t avg_ns(uint64_t total, uint64_t calls)
{
	return (total + calls / 2) / calls;
}

/* A printed row, gathered before sorting. */
struct line {
	unsigned nr;
	const struct rn_stats_row *r;
	const char *name;
	char namebuf[24];     /* "syscall_0x14f" for a hole of the table */
	uint64_t avg;         /* ns, rounded as strace */
	uint64_t pct[3];      /* p50, p90, p99 estimates, ns */
	uint64_t key;         /* the -S key of a numeric sort */
};

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_nr(const struct line *a, const struct line *b)
{
	return a->nr < b->nr ? -1 : a->nr > b->nr;
}

/* Descending by the numeric key; ties by syscall number, which is what
 * strace's stable sort of the number-ordered array gives. */
static int key_cmp(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;
	int c = cmp_u64_desc(a->key, b->key);

	return c ? c : cmp_nr(a, b);
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : cmp_nr(a, b);
}

static uint64_t sort_key(const struct line *l, int sort)
{
	switch (sort) {
	case RN_SORT_MIN: return l->r->min_ns;
	case RN_SORT_MAX: return l->r->max_ns;
	case RN_SORT_AVG: return l->avg;
	case RN_SORT_CALLS: return l->r->calls;
	case RN_SORT_ERRORS: return l->r->errors;
	case RN_SORT_P50: return l->pct[0];
	case RN_SORT_P90: return l->pct[1];
	case RN_SORT_P99: return l->pct[2];
	default: return l->r->total_ns;
	}
}

static const double pct_q[3] = { 0.50, 0.90, 0.99 };

static const char *const col_title[RN_SUM__COUNT] = {
	[RN_SUM_TIME_PCT] = "% time", [RN_SUM_TOTAL] = "seconds",
	[RN_SUM_MIN] = "shortest",    [RN_SUM_MAX] = "longest",
	[RN_SUM_AVG] = "usecs/call",  [RN_SUM_CALLS] = "calls",
	[RN_SUM_ERRORS] = "errors",   [RN_SUM_NAME] = "syscall",
	[RN_SUM_P50] = "p50(us)",     [RN_SUM_P90] = "p90(us)",
	[RN_SUM_P99] = "p99(us)",
};

static size_t num_chars(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static size_t num_chars(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	return n > 0 ? (size_t)n : 0;
}

static unsigned umax(unsigned a, size_t b)
{
	return a > b ? a : (unsigned)b;
}

/* The values of one printed row (a syscall or the total). */
struct cells {
	double percent, seconds, shortest, longest;
	uint64_t avg_us, calls, errors;
	const char *name;
	double pct_us[3];
};

static void put_cell(struct rn_sbuf *out, unsigned c, const struct cells *v,
		     unsigned w, int last)
{
	switch (c) {
	case RN_SUM_TIME_PCT: rn_sbuf_printf(out, "%*.2f", w, v->percent); break;
	case RN_SUM_TOTAL: rn_sbuf_printf(out, "%*.6f", w, v->seconds); break;
	case RN_SUM_MIN: rn_sbuf_printf(out, "%*.6f", w, v->shortest); break;
	case RN_SUM_MAX: rn_sbuf_printf(out, "%*.6f", w, v->longest); break;
	case RN_SUM_AVG: rn_sbuf_printf(out, "%*" PRIu64, w, v->avg_us); break;
	case RN_SUM_CALLS: rn_sbuf_printf(out, "%*" PRIu64, w, v->calls); break;
	/* Precision 0 prints nothing for 0: strace's blank errors. */
	case RN_SUM_ERRORS: rn_sbuf_printf(out, "%*.0" PRIu64, w, v->errors); break;
	case RN_SUM_NAME:
		if (last)
			rn_sbuf_puts(out, v->name);
		else
			rn_sbuf_printf(out, "%-*s", w, v->name);
		break;
	case RN_SUM_P50: case RN_SUM_P90: case RN_SUM_P99:
		rn_sbuf_printf(out, "%*.1f", w, v->pct_us[c - RN_SUM_P50]);
		break;
	default: break;
	}
}

static void put_rule(struct rn_sbuf *out, const uint8_t *cols, size_t ncols,
		     const unsigned *w)
{
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			rn_sbuf_putc(out, ' ');
		rn_sbuf_reserve(out, w[cols[i]]);
		memset(out->p + out->len, '-', w[cols[i]]);
		out->len += w[cols[i]];
	}
	rn_sbuf_putc(out, '\n');
}

/* One rendering of the table: its rows and what strace derives the column
 * widths from. Owned by the one call of rn_stats_render. */
struct table {
	struct line *lines;
	size_t nlines;
	struct rn_hist *all; /* every call's latency, for p50/p90/p99 */
	uint64_t cum, calls, errors, min_all, min_max, max_all, avg_max;
	size_t name_max;
	unsigned w[RN_SUM__COUNT];
};

static void gather_row(struct table *tb, unsigned nr, const struct rn_stats_row *r)
{
	struct line *l = &tb->lines[tb->nlines++];
	l->nr = nr;
	l->r = r;
	const struct rn_syscall *sc = rn_syscall_get(nr);
	if (sc && sc->name) {
		l->name = sc->name;
	} else {
		snprintf(l->namebuf, sizeof(l->namebuf), "syscall_%#x", nr);
		l->name = l->namebuf;
	}
	l->avg = avg_ns(r->total_ns, r->calls);
	if (tb->all && r->hist) {
		for (int k = 0; k < 3; k++)
			l->pct[k] = rn_hist_percentile(r->hist, pct_q[k]);
		rn_hist_merge(tb->all, r->hist);
	}
	tb->cum += r->total_ns;
	tb->calls += r->calls;
	tb->errors += r->errors;
	if (r->min_ns < tb->min_all)
		tb->min_all = r->min_ns;
	if (r->min_ns > tb->min_max)
		tb->min_max = r->min_ns;
	if (r->max_ns > tb->max_all)
		tb->max_all = r->max_ns;
	if (l->avg > tb->avg_max)
		tb->avg_max = l->avg;
	if (strlen(l->name) > tb->name_max)
		tb->name_max = strlen(l->name);
}

/* The rows with calls, and the totals strace derives its widths from.
 * Returns 0 when no call was counted. */
static int gather(struct table *tb, const struct rn_stats_table *t, int want_pct)
{
	for (unsigned nr = 0; nr < t->nrows; nr++)
		tb->nlines += t->rows[nr].calls != 0;
	if (!tb->nlines)
		return 0;
	tb->lines = xcalloc(tb->nlines, sizeof(*tb->lines));
	if (want_pct) {
		tb->all = xcalloc(1, sizeof(*tb->all));
		rn_hist_init(tb->all);
	}
	tb->nlines = 0;
	tb->min_all = UINT64_MAX;
	for (unsigned nr = 0; nr < t->nrows; nr++)
		if (t->rows[nr].calls)
			gather_row(tb, nr, &t->rows[nr]);
	return 1;
}

static void sort_rows(struct table *tb, int sort)
{
	if (sort == RN_SORT_NAME) {
		qsort(tb->lines, tb->nlines, sizeof(*tb->lines), name_cmp);
	} else if (sort != RN_SORT_NONE) {
		for (size_t i = 0; i < tb->nlines; i++)
			tb->lines[i].key = sort_key(&tb->lines[i], sort);
		qsort(tb->lines, tb->nlines, sizeof(*tb->lines), key_cmp);
	}
}

static void column_widths(struct table *tb)
{
	unsigned *w = tb->w;
	w[RN_SUM_TIME_PCT] = 6;
	w[RN_SUM_TOTAL] = umax(11, num_chars("%.6f", ts_float(tb->cum)));
	w[RN_SUM_MIN] = umax(8, num_chars("%" PRIu64 ".000000", tb->min_max / NS_PER_S));
	w[RN_SUM_MAX] = umax(7, num_chars("%" PRIu64 ".000000", tb->max_all / NS_PER_S));
	w[RN_SUM_AVG] = umax(11, num_chars("%" PRIu64,
					   (uint64_t)(ts_float(tb->avg_max) * 1e6)));
	w[RN_SUM_CALLS] = umax(9, num_chars("%" PRIu64, tb->calls));
	w[RN_SUM_ERRORS] = umax(9, num_chars("%" PRIu64, tb->errors));
	w[RN_SUM_NAME] = umax(16, tb->name_max + 1);
	if (!tb->all)
		return;
	for (int k = 0; k < 3; k++) {
		unsigned wk = umax(11, num_chars("%.1f", rn_hist_percentile(tb->all, pct_q[k]) / 1e3));
		for (size_t i = 0; i < tb->nlines; i++)
			wk = umax(wk, num_chars("%.1f", tb->lines[i].pct[k] / 1e3));
		w[RN_SUM_P50 + k] = wk;
	}
}

/* Header: right-aligned titles, the name left-aligned. */
static void put_header(struct rn_sbuf *out, const uint8_t *cols, size_t ncols, const unsigned *w)
{
	for (size_t i = 0; i < ncols; i++) {
		unsigned c = cols[i];
		if (i)
			rn_sbuf_putc(out, ' ');
		if (c != RN_SUM_NAME)
			rn_sbuf_printf(out, "%*s", w[c], col_title[c]);
		else if (i + 1 == ncols)
			rn_sbuf_puts(out, col_title[c]);
		else
			rn_sbuf_printf(out, "%-*s", w[c], col_title[c]);
	}
	rn_sbuf_putc(out, '\n');
	put_rule(out, cols, ncols, w);
}

static void put_cells(struct rn_sbuf *out, const uint8_t *cols, size_t ncols, const unsigned *w,
		      const struct cells *v)
{
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			rn_sbuf_putc(out, ' ');
		put_cell(out, cols[i], v, w[cols[i]], i + 1 == ncols);
	}
	rn_sbuf_putc(out, '\n');
}

static void put_row(struct rn_sbuf *out, const uint8_t *cols, size_t ncols,
		    const struct table *tb, const struct line *l)
{
	struct cells v;
	v.seconds = ts_float(l->r->total_ns);
	/* strace divides only a non-zero share: 0/0 would be NaN. */
	v.percent = 100.0 * v.seconds;
	if (v.percent != 0.0)
		v.percent /= ts_float(tb->cum);
	v.shortest = ts_float(l->r->min_ns);
	v.longest = ts_float(l->r->max_ns);
	v.avg_us = (uint64_t)(ts_float(l->avg) * 1e6);
	v.calls = l->r->calls;
	v.errors = l->r->errors;
	v.name = l->name;
	for (int k = 0; k < 3; k++)
		v.pct_us[k] = l->pct[k] / 1e3;
	put_cells(out, cols, ncols, tb->w, &v);
}

static void put_total(struct rn_sbuf *out, const uint8_t *cols, size_t ncols,
		      const struct table *tb)
{
	struct cells v;
	const double f_cum = ts_float(tb->cum);
	v.percent = 100.0;
	v.seconds = f_cum;
	v.shortest = ts_float(tb->min_all);
	v.longest = ts_float(tb->max_all);
	v.avg_us = (uint64_t)(f_cum / (double)tb->calls * 1e6);
	v.calls = tb->calls;
	v.errors = tb->errors;
	v.name = "total";
	for (int k = 0; k < 3; k++)
		v.pct_us[k] = tb->all ? rn_hist_percentile(tb->all, pct_q[k]) / 1e3 : 0;
	put_cells(out, cols, ncols, tb->w, &v);
}

void rn_stats_render(const struct rn_stats_table *t,
		     const struct rn_summary_opts *o, struct rn_sbuf *out)
{
	static const uint8_t dflt[] = {
		RN_SUM_TIME_PCT, RN_SUM_TOTAL, RN_SUM_AVG, RN_SUM_CALLS,
		RN_SUM_ERRORS, RN_SUM_NAME, RN_SUM_END
	};
	const uint8_t *cols = (o && o->columns[0]) ? o->columns : dflt;
	const int sort = o ? o->sort : RN_SORT_TIME;
	size_t ncols = 0;
	int want_pct = sort >= RN_SORT_P50;
	while (cols[ncols])
		ncols++;
	for (size_t i = 0; i < ncols; i++)
		if (cols[i] >= RN_SUM_P50)
			want_pct = 1;

	struct table tb = { 0 };
	if (!gather(&tb, t, want_pct))
		return; /* strace prints nothing at all */
	sort_rows(&tb, sort);
	column_widths(&tb);
	put_header(out, cols, ncols, tb.w);
	for (size_t j = 0; j < tb.nlines; j++)
		put_row(out, cols, ncols, &tb, &tb.lines[j]);
	put_rule(out, cols, ncols, tb.w);
	put_total(out, cols, ncols, &tb);
	free(tb.all);
	free(tb.lines);
}
