#!/usr/bin/env bash
# tools/dev.sh - the one entry point for working on renacer.
#
#   tools/dev.sh deps    install the Debian packages the build and tests need
#   tools/dev.sh build   configure (once) and build into build/
#   tools/dev.sh test    deps + build + ctest, then the same suite under
#                        ASan+UBSan (build-asan) and TSan (build-tsan), then
#                        each libFuzzer target for 60 s; non-zero on any
#                        failure or sanitizer report. RN_SANITIZERS=0: the
#                        plain build only; RN_FUZZ_SECONDS=N: fuzz N s each;
#                        RN_LOAD=1: also the integration tests of the plain
#                        build once more beside a CPU hog per core (to find
#                        the tests that a busy machine fails). Ends with one
#                        line per phase: passed/failed, its time, what failed
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

# RN_BUILD_DIR=DIR: build in DIR, DIR-asan and DIR-tsan instead (a second
# tree beside the usual one).
build_dir=${RN_BUILD_DIR:-build}

# Everything the build, the tests, the demo and the benchmarks use (chromium:
# the report's page is loaded in a real browser).
packages=(
	build-essential gcc clang make cmake pkg-config python3
	liburcu-dev libzstd-dev zstd libmsgpack-dev libcmocka-dev
	libbenchmark-dev libbpf-dev bpftool
	strace bear git tar jq tmux python3-pandas python3-zstandard python3-msgpack
	chromium
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
sanitized_builds=("asan:address,undefined:3" "tsan:thread:4") # NAME (DIR: $build_dir-NAME)

build_sanitized() { # DIR SANITIZERS
	CC=clang CXX=clang++ configure "$1" -DRN_SANITIZE="$2" || return 1
	cmake --build "$1" -j"$(nproc)" || return 1
}

# ctest DIR SCALE [CTEST-ARGS...]. Sanitizer reports go to files in
# DIR/sanitizer-logs (log_path), so that a report fails the run even where
# a test would accept the exit status it causes; the runtimes' other
# options are compiled in (tools/sanitize.c). Sets failed_what: the names
# of the tests that failed (ctest's LastTestsFailed.log, which ctest
# writes only when some did: removed first), and "sanitizer-reports".
run_ctest() {
	local dir=$1 scale=$2
	shift 2
	local logs=$root/$dir/sanitizer-logs
	local failed_log=$root/$dir/Testing/Temporary/LastTestsFailed.log
	rm -rf "$logs"
	mkdir -p "$logs"
	rm -f "$failed_log"
	failed_what=
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
	if [ -f "$failed_log" ]; then
		failed_what=$(sed 's/^[0-9]*://' "$failed_log" | tr '\n' ' ')
	elif [ "$status" -ne 0 ]; then
		failed_what="ctest "
	fi
	if [ -n "$(ls -A "$logs")" ]; then
		local f
		for f in "$logs"/*; do
			echo "=== sanitizer report: $f" >&2
			head -n 60 "$f" >&2
		done
		echo "dev.sh: $dir: sanitizer reports (above, in $logs)" >&2
		failed_what+="sanitizer-reports "
		status=1
	fi
	return "$status"
}

# One CPU hog per online CPU (RN_LOAD), at the tests' own priority; the
# pids in hog_pids, stopped by stop_hogs (also on the way out: trap).
hog_pids=()
start_hogs() {
	local i
	for ((i = 0; i < $(nproc); i++)); do
		(while :; do :; done) &
		hog_pids+=("$!")
	done
}
stop_hogs() {
	local p
	for p in "${hog_pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	hog_pids=()
}
trap stop_hogs EXIT

# The summary: one line per phase run, `phase passed|failed TIME [what]`.
summary=()
phase_start=0
# phase_done NAME STATUS [WHAT-FAILED]
phase_done() {
	local line
	line=$(printf '%-6s %-6s %5ds' "$1" "$([ "$2" -eq 0 ] && echo passed || echo failed)" \
		$((SECONDS - phase_start)))
	[ "$2" -eq 0 ] || line+="  ${3:-}"
	summary+=("$line")
	phase_start=$SECONDS
}
print_summary() {
	local line
	echo "=== dev.sh test: summary"
	for line in "${summary[@]}"; do
		echo "$line"
	done
}

# Each libFuzzer target of DIR for RN_FUZZ_SECONDS (60) on a copy of its
# seed corpus tests/fuzz/corpus_NAME (libFuzzer adds to the directory it is
# given). A crash fails the run and leaves its input in DIR/fuzz/crashes:
# add it to the corpus as regress-WHAT, where the ctest fuzz_NAME_seeds
# replays it from then on. Sets failed_what: the targets that failed.
run_fuzzers() {
	local dir=$1 seconds=${RN_FUZZ_SECONDS:-60} status=0 fz name ran=0
	failed_what=
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
			failed_what+="fuzz_$name "
			status=1
			continue
		fi
		grep -E '^stat::number_of_executed_units|^Done ' "$work/$name.log" | tail -n 2
		ran=$((ran + 1))
	done
	if [ "$ran" -eq 0 ] && [ "$status" -eq 0 ]; then
		echo "dev.sh: no fuzz target in $dir/tests/fuzz" >&2
		failed_what="no-targets"
		status=1
	fi
	return "$status"
}

cmd_test() {
	cmd_deps
	phase_start=$SECONDS # the plain phase: its build and its tests
	cmd_build
	local status=0 s entry name dir san scale
	s=0
	run_ctest "$build_dir" 1 "$@" || s=1
	phase_done plain "$s" "$failed_what"
	status=$((status | s))
	# RN_LOAD=1: the integration tests again, each CPU busy with a hog
	# beside them (a test that fails only here depends on the machine's
	# load: its time limits or what it assumes of the scheduler).
	if [ "${RN_LOAD:-0}" != 0 ]; then
		echo "=== $build_dir: the integration tests beside $(nproc) CPU hog(s)"
		start_hogs
		s=0
		run_ctest "$build_dir" 1 -L integration "$@" || s=1
		stop_hogs
		phase_done load "$s" "$failed_what"
		status=$((status | s))
	fi
	if [ "${RN_SANITIZERS:-1}" != 0 ]; then
		command -v clang >/dev/null || die "test: the sanitized builds need clang (tools/dev.sh deps)"
		for entry in "${sanitized_builds[@]}"; do
			IFS=: read -r name san scale <<<"$entry"
			dir=$build_dir-$name
			echo "=== $dir: -fsanitize=$san"
			s=0
			if build_sanitized "$dir" "$san"; then
				run_ctest "$dir" "$scale" "$@" || s=1
			else
				s=1 failed_what="build"
			fi
			phase_done "$name" "$s" "$failed_what"
			status=$((status | s))
		done
		# Fuzzing only for a whole run: extra arguments select tests.
		if [ $# -eq 0 ]; then
			s=0
			run_fuzzers "$build_dir-asan" || s=1
			phase_done fuzz "$s" "$failed_what"
			status=$((status | s))
		fi
	fi
	print_summary
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
