/*
 * sanitize.c - the sanitizers' defaults, compiled into every program of a
 * sanitized build (-DRN_SANITIZE=..., see the top CMakeLists.txt) through
 * renacer_archive, so that build-tsan/renacer run by hand behaves as under
 * ctest. Each runtime calls its function once at start-up; the *SAN_OPTIONS
 * environment variables still override (tools/dev.sh adds log_path).
 */
#ifndef RN_TSAN_SUPP
#error "RN_TSAN_SUPP: the path of tests/tsan.supp"
#endif

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__tsan_default_options(void);

/* Every report ends the program with an error. */
const char *__asan_default_options(void)
{
	return "detect_leaks=1:detect_stack_use_after_return=1";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}

/* liburcu's reclamation is invisible to TSan (tests/tsan.supp).
 * atexit_sleep_ms: TSan's default sleeps 1 s in every exit to catch threads
 * still running then; renacer joins every thread before it returns, and the
 * suite runs it ~2000 times. */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:second_deadlock_stack=1:atexit_sleep_ms=0:"
	       "suppressions=\"" RN_TSAN_SUPP "\"";
}
