/*
 * formats.c - --format to its sink (insight/formats.h).
 */
#include "insight/formats.h"

#include "insight/report.h"
#include "sinks/proc_sinks.h"

const struct rn_sink_ops *rn_sink_for_format(int format)
{
	static const struct rn_sink_ops *const by_format[] = {
		[RN_FORMAT_TEXT] = &rn_text_ops,
		[RN_FORMAT_JSON] = &rn_json_ops,
		[RN_FORMAT_CSV] = &rn_csv_ops,
		[RN_FORMAT_PERFETTO] = &rn_perfetto_ops,
		[RN_FORMAT_REPORT] = &rn_report_ops,
		[RN_FORMAT_COMPILE_DB] = &rn_compile_db_ops,
		[RN_FORMAT_FILES] = &rn_files_ops,
	};
	if (format < 0 || (size_t)format >= sizeof(by_format) / sizeof(by_format[0]))
		return NULL;
	return by_format[format];
}
