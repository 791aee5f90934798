#!/usr/bin/env bash
# perf/baseline.sh - renacer against its references, side by side in one run.
#
# Runs each workload in four modes, alternating mode by mode within every
# round so that drift of the shared machine hits all modes alike:
#   untraced | ptrace-floor | strace -f -o FILE | renacer -f -o FILE
# and prints a markdown table of medians and ratios to untraced, also written
# to perf/RESULTS.md under a header describing the machine (replacing the
# file's top part; the ## sections of other scripts after it are kept).
#
# Workloads (from ../shared/bench, outside the repository):
#   cproject  gen-cproject.sh's 120-unit project, `make -j2` (make clean between runs)
#   sysheavy  sysheavy 50000: one process, 50000 getppid() calls
#
# Environment:
#   RUNS=3              runs per mode and workload (the median is reported)
#   WORKLOADS="cproject sysheavy"
#   UNITS=120           units of the generated project
#   SYSHEAVY_N=50000    getppid() calls of sysheavy
#   SHARED_BENCH=DIR    the reference tools (default: ../shared/bench beside the repo)
#   RENACER=PATH        the tracer measured in the last column (default: build/renacer)
#   RESULTS=PATH        where the table goes (default: perf/RESULTS.md)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-3}
workloads=${WORKLOADS:-cproject sysheavy}
units=${UNITS:-120}
sysheavy_n=${SYSHEAVY_N:-50000}
shared=${SHARED_BENCH:-$root/../shared/bench}
renacer=${RENACER:-$root/build/renacer}
results=${RESULTS:-$root/perf/RESULTS.md}

die() {
	echo "baseline.sh: $*" >&2
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
if [ ! -d "$shared" ]; then
	die "the reference workloads are missing: no $shared
  (they live outside the repository, in ../shared/bench; set SHARED_BENCH=DIR to point elsewhere)"
fi
for f in ptrace-floor.c sysheavy.c gen-cproject.sh; do
	[ -f "$shared/$f" ] || die "missing $shared/$f"
done
[ -x "$renacer" ] || die "no tracer at $renacer: build it first (tools/dev.sh build) or set RENACER"
command -v strace >/dev/null || die "strace is not installed (tools/dev.sh deps)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/renacer-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "building the reference tools and the ${units}-unit project in $tmp" >&2
cc -O2 -o "$tmp/ptrace-floor" "$shared/ptrace-floor.c"
cc -O2 -o "$tmp/sysheavy" "$shared/sysheavy.c"
sh "$shared/gen-cproject.sh" "$tmp/proj" "$units"

modes=(untraced floor strace renacer)
declare -A label=(
	[untraced]=untraced
	[floor]=ptrace-floor
	[strace]="strace -f -o FILE"
	[renacer]="$(basename "$renacer") -f -o FILE"
)

# The command line of a mode: the workload's command behind the mode's tracer.
run_mode() {
	local mode=$1
	shift
	case $mode in
	untraced) "$@" ;;
	floor) "$tmp/ptrace-floor" "$@" ;;
	strace) strace -f -o "$tmp/trace" -- "$@" ;;
	renacer) "$renacer" -f -o "$tmp/trace" -- "$@" ;;
	esac
}

# Every run of a workload does identical work from an identical state.
reset_workload() {
	case $1 in
	cproject) make -s -C "$tmp/proj" clean >/dev/null ;;
	sysheavy) : ;;
	esac
}

# Sets cmd to the workload's command line.
workload_cmd() {
	case $1 in
	cproject) cmd=(make -C "$tmp/proj" -j2) ;;
	sysheavy) cmd=("$tmp/sysheavy" "$sysheavy_n") ;;
	*) die "unknown workload '$1' (known: cproject sysheavy)" ;;
	esac
}

# One timed run; prints the wall time in seconds, or "fail" if the command failed.
timed_run() {
	local mode=$1 wl=$2 cmd t0 t1 rc=0
	workload_cmd "$wl"
	reset_workload "$wl"
	rm -f "$tmp/trace"
	t0=$(date +%s.%N)
	run_mode "$mode" "${cmd[@]}" >/dev/null 2>"$tmp/stderr" || rc=$?
	t1=$(date +%s.%N)
	rm -f "$tmp/trace"
	if [ "$rc" -ne 0 ]; then
		echo "baseline.sh: $wl under $mode failed with status $rc; its stderr ends:" >&2
		tail -n 5 "$tmp/stderr" >&2
		echo fail
		return
	fi
	# ptrace-floor reports "stops=N processes=M": keep it to describe the workload.
	if [ "$mode" = floor ]; then
		grep -o 'stops=[0-9]* processes=[0-9]*' "$tmp/stderr" >"$tmp/floor-$wl" || true
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# The median of the numbers on stdin; "fail" if any run failed.
median() {
	awk '
	$1 == "fail" { failed = 1 }
	$1 != "fail" { v[n++] = $1 }
	END {
		if (failed || n == 0) { print "fail"; exit }
		# insertion sort: n is small
		for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
		printf "%.3f\n", (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
	}'
}

describe() {
	local extra=""
	[ -s "$tmp/floor-$1" ] && extra=" ($(sed 's/stops=\([0-9]*\) processes=\([0-9]*\)/\2 processes, \1 stops/' "$tmp/floor-$1"))"
	case $1 in
	cproject) echo "gen-cproject $units units, make -j2$extra" ;;
	sysheavy) echo "sysheavy $sysheavy_n$extra" ;;
	esac
}

declare -A times
for wl in $workloads; do
	workload_cmd "$wl"
	echo "$wl: warm-up run (untraced, not counted)" >&2
	[ "$(timed_run untraced "$wl")" != fail ] || die "$wl fails even untraced"
	for ((r = 1; r <= runs; r++)); do
		for mode in "${modes[@]}"; do
			t=$(timed_run "$mode" "$wl")
			times[$wl.$mode]+="$t "
			echo "$wl: run $r/$runs ${label[$mode]}: $t s" >&2
		done
	done
done

table() {
	local head="| workload |" rule="| --- |" wl mode base m cell row
	for mode in "${modes[@]}"; do
		head+=" ${label[$mode]} |"
		rule+=" --- |"
	done
	echo "$head"
	echo "$rule"
	for wl in $workloads; do
		base=$(tr ' ' '\n' <<<"${times[$wl.untraced]}" | grep . | median)
		row="| $(describe "$wl") |"
		for mode in "${modes[@]}"; do
			m=$(tr ' ' '\n' <<<"${times[$wl.$mode]}" | grep . | median)
			if [ "$m" = fail ] || [ "$base" = fail ]; then
				cell="failed"
			else
				cell=$(awk -v m="$m" -v b="$base" 'BEGIN { printf "%.2f (%.3f s)", (b > 0 ? m / b : 0), m }')
			fi
			row+=" $cell |"
		done
		echo "$row"
	done
}

rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || rev+=" (with uncommitted changes)"
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)

report=$(
	cat <<EOF
# renacer baseline

Ratios of wall time to the untraced run (median seconds in parentheses), medians
of $runs runs per cell, the four modes alternating within each round, all in one
run of \`perf/baseline.sh\`. Absolute seconds on shared machines mean little;
compare the ratios.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) CPUs, ${cpu:-unknown CPU}
- kernel: $(uname -srm)
- renacer: $rev ($renacer)
- strace: $(strace -V | head -n 1)
- compiler: $(cc --version | head -n 1)

EOF
	table
)
echo
echo "$report"
# The sections other scripts keep in the same file (## headings, e.g.
# filter_bench.sh's) stay after this report.
others=""
[ -f "$results" ] && others=$(awk '/^## / { p = 1 } p' "$results")
{
	echo "$report"
	[ -z "$others" ] || printf '\n%s\n' "$others"
} >"$results"
echo >&2
echo "written to $results" >&2
