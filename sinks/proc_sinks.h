/*
 * proc_sinks.h - the two formats built on each process's file state
 * (sinks/proctrack.h) rather than on single calls:
 *
 *  - compile-db (sinks/compile_db.c): a compile_commands.json array, one
 *    object per source file of every compiler driver's execve, as Bear 3
 *    writes it (docs/DESIGN.md, "Per-process file state", says where
 *    Bear's behaviour decided what is written);
 *  - files (sinks/files.c): JSON Lines, one object per process at its end
 *    with the paths it read, wrote, created, ... (docs/FILES.md).
 *
 * Both are whole documents of their own schema (RN_SINK_WHOLE_DOCUMENT):
 * nothing else goes into their output.
 */
#ifndef RENACER_PROC_SINKS_H
#define RENACER_PROC_SINKS_H

#include "sinks/sink.h"

extern const struct rn_sink_ops rn_compile_db_ops;
extern const struct rn_sink_ops rn_files_ops;

/* Is a program of this name (a path's last component) a C or C++ compiler
 * driver: cc, c++, gcc, g++, clang, clang++, with a target prefix
 * (x86_64-linux-gnu-gcc) and a version suffix (gcc-12, clang-14) allowed?
 * The compiler's own parts (cc1, cc1plus, as, collect2, ld) are not. */
int rn_cdb_is_compiler(const char *name);

#endif /* RENACER_PROC_SINKS_H */
