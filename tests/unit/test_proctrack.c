/*
 * test_proctrack.c - sinks/proctrack.c from synthetic events: lexical path
 * resolution, the cwd and descriptors a process inherits and changes, the
 * operations reported, and compile-db's compiler names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "decode/value.h"
#include "insight/formats.h"
#include "sinks/proc_sinks.h"
#include "sinks/proctrack.h"

static void resolves(const char *base, const char *path, const char *want)
{
	char *got = rn_pt_resolve(base, path);
	assert_string_equal(got, want);
	free(got);
}

static void test_resolve(void **state)
{
	(void)state;
	resolves("/a/b", "c", "/a/b/c");
	resolves("/a/b", "./c/../d//e/", "/a/b/d/e");
	resolves("/a/b", "../../../x", "/x");
	resolves("/a", "/abs/./p", "/abs/p");
	resolves("/", "..", "/");
	resolves("/a/b", ".", "/a/b");
	resolves(NULL, "rel/./x", "rel/x");
	resolves(NULL, "../x", "../x");
	resolves(NULL, ".", ".");
}

static void test_compiler_names(void **state)
{
	(void)state;
	const char *yes[] = { "cc", "gcc", "c++", "g++", "clang", "clang++", "gcc-12",
			      "x86_64-linux-gnu-gcc-12", "clang-14", "x86_64-linux-gnu-g++",
			      "clang++-14", "gcc-12.2" };
	const char *no[] = { "cc1", "cc1plus", "as", "collect2", "ld", "gcc-ar", "gcc-ar-12",
			     "clang-format", "clang-tidy-14", "distcc", "tcc", "mycc", "gcc-",
			     "gcc-.1", "make" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(rn_cdb_is_compiler(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(rn_cdb_is_compiler(no[i]));
}

/* ---- events ---------------------------------------------------------------- */

static struct rn_values vs;
static uint64_t seq;

static struct rn_event mk(int kind, int32_t tid, int32_t tgid, int nr, int64_t ret)
{
	struct rn_event e;
	memset(&e, 0, sizeof(e));
	e.seq = ++seq;
	e.kind = (uint16_t)kind;
	e.tid = tid;
	e.tgid = tgid;
	e.nr = nr;
	e.ret = ret;
	e.is_error = ret < 0 && kind == RN_EV_EXIT;
	e.v = vs.v;
	e.nv = vs.n;
	e.bytes = vs.bytes;
	e.nbytes = vs.nbytes;
	return e;
}

static void path(const char *p)
{
	rn_v_str(&vs, "pathname", p, strlen(p), RN_VF_PATH);
}

static void flags(const char *const *names)
{
	uint32_t f = rn_v_open(&vs, "flags", RN_V_FLAGS);
	for (; *names; names++)
		rn_v_name(&vs, NULL, *names);
	rn_v_close(&vs, f);
}

/* A call: entry with the values the caller put in vs, then its exit. */
static void call(struct rn_proctrack *t, int32_t pid, int nr, int64_t ret)
{
	struct rn_event e = mk(RN_EV_ENTRY, pid, pid, nr, 0);
	rn_proctrack_event(t, &e);
	rn_values_reset(&vs);
	e = mk(RN_EV_EXIT, pid, pid, nr, ret);
	rn_proctrack_event(t, &e);
}

static char log_[4096];

static void on_op(void *ctx, struct rn_pt_proc *p, enum rn_pt_op op, const char *a,
		  const char *b)
{
	(void)ctx;
	size_t n = strlen(log_);
	snprintf(log_ + n, sizeof(log_) - n, "%d:%d:%s%s%s;", p->pid, (int)op, a, b ? ">" : "",
		 b ? b : "");
}

static void on_end(void *ctx, struct rn_pt_proc *p)
{
	(void)ctx;
	size_t n = strlen(log_);
	snprintf(log_ + n, sizeof(log_) - n, "end %d %s;", p->pid, p->cwd ? p->cwd : "?");
}

static void test_tracking(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	char *cmd[] = { "x", NULL };
	opt.command = cmd;
	opt.cwd = "/w";
	const struct rn_pt_hooks hooks = { .op = on_op, .end = on_end };
	struct rn_proctrack t;
	rn_proctrack_init(&t, &opt, &hooks);
	log_[0] = '\0';

	/* openat(AT_FDCWD, "d", O_RDONLY|O_DIRECTORY|O_CLOEXEC) = 3 */
	rn_v_dirfd(&vs, "dfd", -100);
	path("d");
	flags((const char *[]){ "O_RDONLY", "O_DIRECTORY", "O_CLOEXEC", NULL });
	call(&t, 10, SYS_openat, 3);
	/* openat(3, "f", O_WRONLY|O_CREAT) = 4 */
	rn_v_fd(&vs, "dfd", 3);
	path("f");
	flags((const char *[]){ "O_WRONLY", "O_CREAT", NULL });
	call(&t, 10, SYS_openat, 4);
	/* fork: 11 inherits /w and the descriptors */
	struct rn_event e = mk(RN_EV_NEW_TASK, 11, 11, -1, 10);
	rn_proctrack_event(&t, &e);
	/* 11: fchdir(3) = 0, then stat("../g") fails */
	rn_v_fd(&vs, "fd", 3);
	call(&t, 11, SYS_fchdir, 0);
	path("../g");
	call(&t, 11, SYS_stat, -2);
	/* 10: close_range(0, ~0U, 0), then getdents64(3) knows no path */
	rn_v_uint(&vs, "first", 0);
	rn_v_uint(&vs, "last", 0xffffffffu);
	rn_v_uint(&vs, "flags", 0);
	call(&t, 10, SYS_close_range, 0);
	rn_v_fd(&vs, "fd", 3);
	call(&t, 10, SYS_getdents64, 0);
	/* 11: chdir(".."), rename("a", "/abs/b") */
	path("..");
	call(&t, 11, SYS_chdir, 0);
	path("a");
	path("/abs/b");
	call(&t, 11, SYS_rename, 0);
	e = mk(RN_EV_EXITED, 11, 11, -1, 0);
	rn_proctrack_event(&t, &e);
	rn_proctrack_finish(&t);
	/* chdir("..") from /w/d asks the file system first: /w does not
	 * exist, so the lexical path stands */
	assert_string_equal(log_, "10:0:/w/d;10:1:/w/d/f;10:2:/w/d/f;11:6:/w/g;"
				  "11:4:/w/a>/abs/b;end 11 /w;end 10 /w;");
	rn_values_free(&vs);
}

/* ---- compile-db ------------------------------------------------------------ */

static char out_[8192];

static int collect(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	size_t have = strlen(out_);
	assert_true(have + n < sizeof(out_));
	memcpy(out_ + have, p, n);
	out_[have + n] = '\0';
	return 0;
}

/* pid, forked by make (pid 19, the command: it has the starting cwd),
 * execs file. */
static void exec_call(struct rn_sink *sink, int32_t pid, const char *file,
		      const char *const *argv, int64_t ret)
{
	struct rn_event f = mk(RN_EV_NEW_TASK, pid, pid, -1, 19);
	rn_sink_event(sink, &f);
	rn_v_str(&vs, "filename", file, strlen(file), RN_VF_PATH);
	uint32_t a = rn_v_open(&vs, "argv", RN_V_ARRAY);
	for (; *argv; argv++)
		rn_v_str(&vs, NULL, *argv, strlen(*argv), 0);
	rn_v_close(&vs, a);
	struct rn_event e = mk(RN_EV_ENTRY, pid, pid, SYS_execve, 0);
	rn_sink_event(sink, &e);
	rn_values_reset(&vs);
	e = mk(RN_EV_EXIT, pid, pid, SYS_execve, ret);
	rn_sink_event(sink, &e);
}

static void touch(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

/* What Bear writes for these commands (checked against it by
 * tests/integration/test_compile_db.py where it is installed). */
static void test_compile_db_entries(void **state)
{
	(void)state;
	char dir[] = "/tmp/rn_cdb.XXXXXX";
	assert_non_null(mkdtemp(dir));
	touch(dir, "a.c");
	touch(dir, "b.c");
	struct rn_options opt;
	rn_options_init(&opt);
	char *cmd[] = { "make", NULL };
	opt.command = cmd;
	opt.cwd = dir;
	const struct rn_sink_params params = { .opt = &opt, .write = collect };
	struct rn_sink sink;
	out_[0] = '\0';
	assert_int_equal(rn_sink_begin(&sink, rn_sink_for_format(RN_FORMAT_COMPILE_DB), &params),
			 0);
	struct rn_event e = mk(RN_EV_ATTACHED, 19, 19, -1, 0);
	rn_sink_event(&sink, &e);
	/* a compile and link of two sources, with flags Bear drops */
	exec_call(&sink, 20, "/usr/bin/gcc",
		  (const char *[]){ "gcc", "-O2", "-MD", "-MF", "x.d", "a.c", "b.c", "-lm",
				    "-o", "prog", NULL },
		  0);
	/* no entry: preprocessing, a failed exec, a missing source, cc1, a
	 * second entry for the same file and output */
	exec_call(&sink, 21, "/usr/bin/gcc", (const char *[]){ "gcc", "-E", "a.c", NULL }, 0);
	exec_call(&sink, 22, "/usr/local/bin/gcc", (const char *[]){ "gcc", "-c", "a.c", NULL },
		  -2);
	exec_call(&sink, 23, "/usr/bin/cc", (const char *[]){ "cc", "-c", "gone.c", NULL }, 0);
	exec_call(&sink, 24, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
		  (const char *[]){ "cc1", "a.c", NULL }, 0);
	exec_call(&sink, 25, "/usr/bin/gcc", (const char *[]){ "gcc", "-O0", "a.c", "-o", "prog", NULL },
		  0);
	/* -S, a glued -o, a relative program */
	exec_call(&sink, 26, "./cc", (const char *[]){ "cc", "-S", "b.c", "-ob.s", NULL }, 0);
	assert_int_equal(rn_sink_finish(&sink), 0);
	rn_sink_destroy(&sink);
	rn_values_free(&vs);

	char want[4096];
	snprintf(want, sizeof(want),
		 "[\n"
		 "  {\n    \"arguments\": [\n      \"/usr/bin/gcc\",\n      \"-c\",\n"
		 "      \"-O2\",\n      \"-o\",\n      \"prog\",\n      \"a.c\"\n    ],\n"
		 "    \"directory\": \"%1$s\",\n    \"file\": \"%1$s/a.c\",\n"
		 "    \"output\": \"%1$s/prog\"\n  },\n"
		 "  {\n    \"arguments\": [\n      \"/usr/bin/gcc\",\n      \"-c\",\n"
		 "      \"-O2\",\n      \"-o\",\n      \"prog\",\n      \"b.c\"\n    ],\n"
		 "    \"directory\": \"%1$s\",\n    \"file\": \"%1$s/b.c\",\n"
		 "    \"output\": \"%1$s/prog\"\n  },\n"
		 "  {\n    \"arguments\": [\n      \"./cc\",\n      \"-S\",\n"
		 "      \"-ob.s\",\n      \"b.c\"\n    ],\n"
		 "    \"directory\": \"%1$s\",\n    \"file\": \"%1$s/b.c\"\n  }\n"
		 "]\n",
		 dir);
	assert_string_equal(out_, want);
	char p[512];
	snprintf(p, sizeof(p), "%s/a.c", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/b.c", dir);
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_compiler_names),
		cmocka_unit_test(test_tracking),
		cmocka_unit_test(test_compile_db_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
