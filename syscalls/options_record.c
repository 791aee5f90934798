/* options_record.c - the header's list of recorded options (options_record.h).
 * The order is the order on disk: keep it, add new keys at the end. */
#include "syscalls/options_record.h"

#include <stddef.h>
#include <stdint.h>

#include "syscalls/options.h"

#define AT(field) offsetof(struct rn_options, field)

static const struct rn_opt_record timefmt_records[] = {
	{ .key = "abs", .kind = RN_REC_U8, .off = AT(tf.abs_format) },
	{ .key = "abs_digits", .kind = RN_REC_U8, .off = AT(tf.abs_digits) },
	{ .key = "rel", .kind = RN_REC_BOOL8, .off = AT(tf.rel) },
	{ .key = "rel_digits", .kind = RN_REC_U8, .off = AT(tf.rel_digits) },
	{ .key = "dur", .kind = RN_REC_BOOL8, .off = AT(tf.dur) },
	{ .key = "dur_digits", .kind = RN_REC_U8, .off = AT(tf.dur_digits) },
};

const struct rn_opt_record rn_opt_records[] = {
	{ .key = "follow_forks", .kind = RN_REC_BOOL, .off = AT(follow_forks) },
	{ .key = "strsize", .kind = RN_REC_INT, .off = AT(strsize) },
	{ .key = "quote_flags", .kind = RN_REC_UINT, .off = AT(quote_flags) },
	/* as resolved: -q, -e quiet=attach, or strace's implicit -q */
	{ .key = "quiet", .kind = RN_REC_BOOL, .off = AT(quiet) },
	{ .key = "decode_fds", .kind = RN_REC_BOOL, .off = AT(decode_fds) },
	{ .key = "outfile", .kind = RN_REC_TEXT, .off = AT(outfile) },
	{ .key = "attach", .kind = RN_REC_PIDS, .off = AT(attach_pids), .off_n = AT(n_attach) },
	{ .key = "command", .kind = RN_REC_STRV, .off = AT(command) },
	{ .key = "nworkers", .kind = RN_REC_INT, .off = AT(nworkers) },
	{ .key = "file_prefix", .kind = RN_REC_FILE_PREFIX },
	{ .key = "timefmt", .kind = RN_REC_MAP, .sub = timefmt_records,
	  .nsub = sizeof(timefmt_records) / sizeof(timefmt_records[0]) },
	{ .key = "count", .kind = RN_REC_INT, .off = AT(count) },
	{ .key = "summary_wall", .kind = RN_REC_BOOL, .off = AT(summary_wall) },
	{ .key = "process_summary", .kind = RN_REC_BOOL, .off = AT(process_summary) },
	/* -S and -U, as enum rn_sum_sort / rn_sum_col numbers (summary_opts.h) */
	{ .key = "summary_sort", .kind = RN_REC_U8, .off = AT(summary.sort), .max = RN_SORT_P99 },
	{ .key = "summary_columns", .kind = RN_REC_COLUMNS, .off = AT(summary.columns) },
	/* What the text sink leaves out (-e status=/signal=/quiet=, -z, -Z,
	 * -qq): the capture holds every event, its dump shows what the run
	 * showed. enum rn_status / rn_quiet bits of filter.h. */
	{ .key = "filter_status", .kind = RN_REC_UINT, .off = AT(filter.status),
	  .mask = RN_STATUS_ALL },
	{ .key = "filter_signals", .kind = RN_REC_U64, .off = AT(filter.signals) },
	{ .key = "filter_quiet", .kind = RN_REC_UINT, .off = AT(filter.quiet) },
	/* -a; a capture without it was made at strace's default, 40 */
	{ .key = "acolumn", .kind = RN_REC_INT, .off = AT(acolumn), .max = INT32_MAX },
	/* where the command started: compile-db's and files' base for its
	 * relative paths; absent: unknown (-p, or an older capture) */
	{ .key = "cwd", .kind = RN_REC_TEXT, .off = AT(cwd) },
	/* -X, enum rn_xlat_style: the values hold the numbers already, but
	 * AT_FDCWD is named by the text sink; absent: abbrev */
	{ .key = "xlat_style", .kind = RN_REC_INT, .off = AT(xlat_style), .max = RN_XLAT_VERBOSE },
};

const size_t rn_opt_nrecords = sizeof(rn_opt_records) / sizeof(rn_opt_records[0]);

size_t rn_opt_records_written(const struct rn_opt_record *list, size_t n, int have_options)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += have_options || list[i].kind == RN_REC_FILE_PREFIX;
	return k;
}

static const struct rn_opt_record *find_at(const struct rn_opt_record *list, size_t n, size_t off)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i].kind == RN_REC_MAP) {
			const struct rn_opt_record *r = find_at(list[i].sub, list[i].nsub, off);
			if (r)
				return r;
		} else if (list[i].kind != RN_REC_FILE_PREFIX && list[i].off == off) {
			return &list[i];
		}
	}
	return NULL;
}

const struct rn_opt_record *rn_opt_record_at(size_t off)
{
	return find_at(rn_opt_records, rn_opt_nrecords, off);
}
