#!/usr/bin/env bash
# tools/dev.sh - the one entry point for working on renacer.
#
#   tools/dev.sh deps    install the Debian packages the build and tests need
#   tools/dev.sh build   configure (once) and build into build/
#   tools/dev.sh test    deps + build + ctest, then the same suite under
#                        ASan+UBSan (build-asan) and TSan (build-tsan), then
#                        each libFuzzer target for 60 s; non-zero on any
#                        failure or sanitizer report. RN_SANITIZERS=0: the
#                        plain build only; RN_FUZZ_SECONDS=N: fuzz N s each
#   tools/dev.sh demo    deps + build + trace a small parallel C build
#   tools/dev.sh bench   deps + build + perf/bench.sh (needs ../shared/bench):
#                        workload matrix, tracer memory and microbenchmarks
#                        into perf/RESULTS.md (RUNS=, PARTS=, MODES=: see it)
#   tools/dev.sh bench-filter  deps + build + perf/filter_bench.sh (filtered
#                        tracing; needs ../shared/bench)
#
# Runs from any directory: it works in the repository that contains it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=build

# Everything the build, the tests, the demo and the benchmarks use.
packages=(
	build-essential gcc clang make cmake pkg-config python3
	liburcu-dev libzstd-dev zstd libmsgpack-dev libcmocka-dev
	libbenchmark-dev
	strace git tar
)

usage() {
	echo "usage: tools/dev.sh deps|build|test [CTEST-ARGS...]|demo|bench|bench-filter" >&2
}

die() {
	echo "dev.sh: $*" >&2
	exit 1
}

# Installs only what dpkg does not report as installed; silent when nothing is missing.
cmd_deps() {
	command -v dpkg-query >/dev/null || die "deps: needs a Debian-based system (dpkg, apt-get)"
	local installed missing=() p
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null |
		awk '$2 == "installed" { print $1 }') || true
	for p in "${packages[@]}"; do
		grep -qxF "$p" <<<"$installed" || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0

	echo "dev.sh: installing ${missing[*]}" >&2
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "deps: not root and no sudo; install: ${missing[*]}"
		sudo=(sudo)
	fi
	# apt's output is kept out of the way and shown only if it fails.
	local log
	log=$(mktemp)
	if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
			--no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "deps: apt-get failed"
	fi
	rm -f "$log"
}

# configure DIR [CMAKE-ARGS...]: only when there is no usable build tree;
# afterwards the generated build system re-runs cmake itself when a
# CMakeLists.txt changes.
configure() {
	local dir=$1
	shift
	if [ ! -f "$dir/CMakeCache.txt" ] ||
		{ [ ! -f "$dir/Makefile" ] && [ ! -f "$dir/build.ninja" ]; }; then
		cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DRN_WERROR=ON "$@"
	fi
}

cmd_build() {
	configure "$build_dir"
	cmake --build "$build_dir" -j"$(nproc)"
}

# The sanitized builds: renacer, its libraries, units and tools are
# instrumented; the fixtures (the tracees) are not (RN_SANITIZE in
# CMakeLists.txt). Both with clang: build-asan also builds the libFuzzer
# targets. Each test run's time limits are scaled (RN_TIMEOUT_SCALE).
sanitized_builds=("build-asan:address,undefined:3" "build-tsan:thread:4")

build_sanitized() { # DIR SANITIZERS
	CC=clang CXX=clang++ configure "$1" -DRN_SANITIZE="$2"
	cmake --build "$1" -j"$(nproc)"
}

# ctest DIR SCALE [CTEST-ARGS...]. Sanitizer reports go to files in
# DIR/sanitizer-logs (log_path), so that a report fails the run even where
# a test would accept the exit status it causes; the runtimes' other
# options are compiled in (tools/sanitize.c).
run_ctest() {
	local dir=$1 scale=$2
	shift 2
	local logs=$root/$dir/sanitizer-logs
	rm -rf "$logs"
	mkdir -p "$logs"
	local status=0
	# Serial on purpose: the integration tests run tracers against real
	# workloads on 2-core machines, and some of them compare behaviour
	# (ordering, stalls, timings) that a second test competing for the CPUs
	# would disturb. --no-tests=error: a run that found no tests proves nothing.
	# --timeout: a hung tracer fails its test instead of hanging CI (a test's
	# own TIMEOUT property overrides it). Extra arguments go to ctest (-R NAME).
	ASAN_OPTIONS=log_path=$logs/asan UBSAN_OPTIONS=log_path=$logs/ubsan \
		TSAN_OPTIONS=log_path=$logs/tsan RN_TIMEOUT_SCALE=$scale \
		ctest --test-dir "$dir" --output-on-failure --no-tests=error \
		--timeout $((300 * scale)) "$@" || status=1
	if [ -n "$(ls -A "$logs")" ]; then
		local f
		for f in "$logs"/*; do
			echo "=== sanitizer report: $f" >&2
			head -n 60 "$f" >&2
		done
		echo "dev.sh: $dir: sanitizer reports (above, in $logs)" >&2
		status=1
	fi
	return "$status"
}

# Each libFuzzer target of DIR for RN_FUZZ_SECONDS (60) on a copy of its
# seed corpus tests/fuzz/corpus_NAME (libFuzzer adds to the directory it is
# given). A crash fails the run and leaves its input in DIR/fuzz/crashes:
# add it to the corpus as regress-WHAT, where the ctest fuzz_NAME_seeds
# replays it from then on.
run_fuzzers() {
	local dir=$1 seconds=${RN_FUZZ_SECONDS:-60} status=0 fz name
	local work=$root/$dir/fuzz
	rm -rf "$work"
	mkdir -p "$work/crashes"
	for fz in "$dir"/tests/fuzz/fuzz_*; do
		[ -x "$fz" ] || continue
		name=${fz##*/fuzz_}
		mkdir -p "$work/corpus_$name"
		if [ -d "tests/fuzz/corpus_$name" ]; then
			cp -r "tests/fuzz/corpus_$name/." "$work/corpus_$name/"
		fi
		echo "=== fuzz_$name: ${seconds} s"
		# -timeout: an input that takes 25 s is a hang, reported as a crash.
		if ! "$fz" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
			-artifact_prefix="$work/crashes/$name-" \
			"$work/corpus_$name" >"$work/$name.log" 2>&1; then
			tail -n 60 "$work/$name.log" >&2
			echo "dev.sh: fuzz_$name failed; input(s): $(ls "$work/crashes" | grep "^$name-" | tr '\n' ' ')" >&2
			status=1
			continue
		fi
		grep -E '^stat::number_of_executed_units|^Done ' "$work/$name.log" | tail -n 2
	done
	return "$status"
}

cmd_test() {
	cmd_deps
	cmd_build
	local status=0 entry dir san scale
	run_ctest "$build_dir" 1 "$@" || status=1
	if [ "${RN_SANITIZERS:-1}" = 0 ]; then
		[ "$status" -eq 0 ] || die "test: failures (above)"
		return 0
	fi
	command -v clang >/dev/null || die "test: the sanitized builds need clang (tools/dev.sh deps)"
	for entry in "${sanitized_builds[@]}"; do
		IFS=: read -r dir san scale <<<"$entry"
		echo "=== $dir: -fsanitize=$san"
		build_sanitized "$dir" "$san"
		run_ctest "$dir" "$scale" "$@" || status=1
	done
	# Fuzzing only for a whole run: extra arguments select tests.
	if [ $# -eq 0 ]; then
		run_fuzzers build-asan || status=1
	fi
	[ "$status" -eq 0 ] || die "test: failures (above)"
}

# Prints the process timeline of a trace: successful execve calls (joining an
# <unfinished ...> entry with its resumed exit) and every +++ exited/killed +++.
# Understands both pid prefixes strace uses: "PID " (-o FILE) and "[pid PID] ".
timeline() {
	awk -v width="${COLUMNS:-120}" '
	function pid_of(line) {
		if (match(line, /^\[pid +[0-9]+\] /)) { s = substr(line, 1, RLENGTH); gsub(/[^0-9]/, "", s); return s }
		if (match(line, /^[0-9]+ /)) return substr(line, 1, RLENGTH - 1)
		return "-"
	}
	function show(line) {
		if (length(line) > width) line = substr(line, 1, width - 3) "..."
		print "  " line
	}
	{ pid = pid_of($0) }
	/ execve\(/ && /<unfinished \.\.\.>$/ { pending[pid] = $0; next }
	/<\.\.\. execve resumed>/ {
		if ($0 ~ /= 0$/ && (pid in pending)) {
			line = pending[pid]; sub(/ *<unfinished \.\.\.>$/, "", line)
			show(line " ... = 0")
		}
		delete pending[pid]; next
	}
	/ execve\(/ && /= 0$/ { show($0); next }
	/\+\+\+ (exited with|killed by)/ { show($0) }
	' "$1"
}

# Distinct pids in a trace (either prefix style).
count_pids() {
	awk '
	match($0, /^\[pid +[0-9]+\] /) { s = substr($0, 1, RLENGTH); gsub(/[^0-9]/, "", s); seen[s] = 1; next }
	match($0, /^[0-9]+ /) { seen[substr($0, 1, RLENGTH - 1)] = 1 }
	END { n = 0; for (p in seen) n++; print n }
	' "$1"
}

cmd_demo() {
	# RENACER=/usr/bin/strace tools/dev.sh demo runs the same demo under
	# another tracer (strace, for comparison), without building renacer.
	local tracer=${RENACER:-}
	cmd_deps
	if [ -z "$tracer" ]; then
		cmd_build
		tracer=$root/$build_dir/renacer
	fi
	[ -x "$tracer" ] || die "demo: $tracer is not an executable"

	local tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/renacer-demo.XXXXXX")
	# shellcheck disable=SC2064 # expand $tmp now: it is local to this function
	trap "rm -rf '$tmp'" EXIT
	mkdir "$tmp/demo"
	cp tools/demo/Makefile tools/demo/*.[ch] "$tmp/demo/" # sources only: a full build every time
	local trace=$root/$build_dir/demo-trace.txt
	mkdir -p "$root/$build_dir"

	echo "=== $(basename "$tracer") -f -o $build_dir/demo-trace.txt -- make -C DEMO -j2"
	echo "    (a copy of tools/demo: 4 units compiled in parallel, linked, run)"
	echo
	local status=0
	"$tracer" -f -o "$trace" -- make -C "$tmp/demo" -j2 || status=$?
	echo
	[ -s "$trace" ] || die "demo: the tracer wrote no trace (exit status $status)"

	echo "=== the first 20 lines of the trace"
	head -n 20 "$trace" | cut -c1-"${COLUMNS:-120}"
	echo "    ..."
	echo
	echo "=== the process tree at work: each successful execve and each exit"
	timeline "$trace"
	echo
	local pids lines execs
	pids=$(count_pids "$trace")
	lines=$(wc -l <"$trace")
	execs=$(timeline "$trace" | grep -c ' execve(' || true)
	echo "=== $pids processes traced, $execs programs executed, $lines trace lines;" \
		"exit status $status; full trace: $build_dir/demo-trace.txt"
	return "$status"
}

cmd_bench() {
	cmd_deps
	cmd_build
	BUILD_DIR=${BUILD_DIR:-$root/$build_dir} exec perf/bench.sh "$@"
}

cmd_bench_filter() {
	cmd_deps
	cmd_build
	exec perf/filter_bench.sh "$@"
}

[ $# -ge 1 ] || { usage; exit 2; }
sub=$1
shift
case $sub in
deps) cmd_deps ;;
build) cmd_build ;;
test) cmd_test "$@" ;;
demo) cmd_demo ;;
bench) cmd_bench "$@" ;;
bench-filter) cmd_bench_filter "$@" ;;
-h | --help | help) usage 2>&1; exit 0 ;;
*) usage; exit 2 ;;
esac
