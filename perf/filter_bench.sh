#!/usr/bin/env bash
# perf/filter_bench.sh - filtered tracing against its references.
#
# The 120-unit C project of ../shared/bench (gen-cproject.sh, `make -j2`,
# `make clean` between runs), traced with a trace set that leaves most
# syscalls out, in these modes, alternating mode by mode within every round
# so that drift of the shared machine hits all modes alike:
#   untraced
#   renacer -f -e trace=%process -o FILE    (seccomp-bpf: renacer's default)
#   strace -f --seccomp-bpf -e trace=%process -o FILE
# Prints a markdown table of medians and ratios to untraced, and writes it to
# perf/RESULTS.md as the section "## Filtered tracing": that section
# is replaced in place (appended the first time); the rest of the file stays.
# The target: renacer <= 1.10 x untraced, since a filtered trace is one a
# user leaves on for a whole build.
#
# Environment:
#   RUNS=3              runs per mode (the median is reported)
#   UNITS=120           units of the generated project
#   MODES="untraced renacer strace"   add renacer-ptrace for renacer
#                       --no-seccomp-bpf (the same set filtered in the tracer)
#   SHARED_BENCH=DIR    the reference workloads (default: ../shared/bench beside the repo)
#   RENACER=PATH        the tracer measured (default: build/renacer)
#   RESULTS=PATH        where the section goes (default: perf/RESULTS.md)
#   MAX_LOAD=1.0        before each round, wait (up to LOAD_WAIT=600 s) until
#                       other processes keep fewer than this many tasks
#                       runnable (mean over 3 s, as perf/bench.sh); 0: no wait
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-3}
units=${UNITS:-120}
read -r -a modes <<<"${MODES:-untraced renacer strace}"
shared=${SHARED_BENCH:-$root/../shared/bench}
renacer=${RENACER:-$root/build/renacer}
results=${RESULTS:-$root/perf/RESULTS.md}
max_load=${MAX_LOAD:-1.0}
load_wait=${LOAD_WAIT:-600}
expr="trace=%process"
target=1.10
header="## Filtered tracing"

die() {
	echo "filter_bench.sh: $*" >&2
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $units =~ ^[1-9][0-9]*$ ]] || die "UNITS must be a positive integer"
if [ ! -d "$shared" ]; then
	die "the reference workloads are missing: no $shared
  (they live outside the repository, in ../shared/bench; set SHARED_BENCH=DIR to point elsewhere)"
fi
[ -f "$shared/gen-cproject.sh" ] || die "missing $shared/gen-cproject.sh"
[ -x "$renacer" ] || die "no tracer at $renacer: build it first (tools/dev.sh build) or set RENACER"
command -v strace >/dev/null || die "strace is not installed (tools/dev.sh deps)"
declare -A label=(
	[untraced]=untraced
	[renacer]="$(basename "$renacer") -f -e $expr -o FILE"
	[renacer-ptrace]="$(basename "$renacer") -f --no-seccomp-bpf -e $expr -o FILE"
	[strace]="strace -f --seccomp-bpf -e $expr -o FILE"
)
for mode in "${modes[@]}"; do
	[ -n "${label[$mode]+x}" ] || die "unknown mode '$mode' (known: ${!label[*]})"
done
[ "${modes[0]}" = untraced ] || die "MODES must start with untraced (the ratios' base)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/renacer-filter-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "generating the ${units}-unit project in $tmp" >&2
sh "$shared/gen-cproject.sh" "$tmp/proj" "$units"
cmd=(make -C "$tmp/proj" -j2)

# others_load: see perf/load.sh.
# shellcheck source=perf/load.sh
. "$root/perf/load.sh"

# Waits until others_load < MAX_LOAD, at most LOAD_WAIT s; sets last_load.
wait_for_quiet() {
	local waited=0
	last_load=$(others_load)
	[ "$max_load" = 0 ] && return 0
	while awk -v l="$last_load" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
		if [ "$waited" -ge "$load_wait" ]; then
			echo "load of other processes still $last_load after ${waited}s: measuring anyway" >&2
			return 0
		fi
		[ "$waited" -eq 0 ] && echo "load of other processes $last_load >= $max_load: waiting" >&2
		sleep 12
		waited=$((waited + 15))
		last_load=$(others_load)
	done
}

run_mode() {
	case $1 in
	untraced) "${cmd[@]}" ;;
	renacer) "$renacer" -f -e "$expr" -o "$tmp/trace" -- "${cmd[@]}" ;;
	renacer-ptrace) "$renacer" -f --no-seccomp-bpf -e "$expr" -o "$tmp/trace" -- "${cmd[@]}" ;;
	strace) strace -f --seccomp-bpf -e "$expr" -o "$tmp/trace" -- "${cmd[@]}" ;;
	esac
}

# One timed run from a clean project; prints "WALL CPU" in seconds (CPU:
# user + system time of the tracer and the whole build, which a busy shared
# machine disturbs less than the wall time), or "fail fail". Keeps the
# trace's size (lines, execve lines) to show both tracers saw the same build.
timed_run() {
	local mode=$1 rc=0 TIMEFORMAT='%3R %3U %3S'
	make -s -C "$tmp/proj" clean >/dev/null
	rm -f "$tmp/trace"
	{ time run_mode "$mode" >/dev/null 2>"$tmp/stderr"; } 2>"$tmp/time" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "filter_bench.sh: the build under $mode failed with status $rc; its stderr ends:" >&2
		tail -n 5 "$tmp/stderr" >&2
		echo fail fail
		return
	fi
	if [ -f "$tmp/trace" ]; then
		echo "$(wc -l <"$tmp/trace") lines, $(grep -c ' execve(' "$tmp/trace" || true) execve" >"$tmp/size-$mode"
		rm -f "$tmp/trace"
	fi
	awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$tmp/time"
}

median() {
	awk '
	$1 == "fail" { failed = 1 }
	$1 != "fail" { v[n++] = $1 }
	END {
		if (failed || n == 0) { print "fail"; exit }
		for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
		printf "%.3f\n", (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
	}'
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warm-up run (untraced, not counted)" >&2
[ "$(timed_run untraced)" != "fail fail" ] || die "the build fails even untraced"
declare -A times cpus
loads=""
for ((r = 1; r <= runs; r++)); do
	wait_for_quiet
	loads+="$last_load "
	for mode in "${modes[@]}"; do
		read -r t c <<<"$(timed_run "$mode")"
		times[$mode]+="$t "
		cpus[$mode]+="$c "
		echo "run $r/$runs ${label[$mode]}: $t s wall, $c s CPU" >&2
	done
done

declare -A med cmed
for mode in "${modes[@]}"; do
	med[$mode]=$(tr ' ' '\n' <<<"${times[$mode]}" | grep . | median)
	cmed[$mode]=$(tr ' ' '\n' <<<"${cpus[$mode]}" | grep . | median)
done
# ratio VALUE BASE
ratio() {
	if [ "$1" = fail ] || [ "$2" = fail ]; then
		echo failed
	else
		awk -v m="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? m / b : 0) }'
	fi
}

table() {
	local head="| workload |" rule="| --- |" row mode cell
	for mode in "${modes[@]}"; do
		head+=" ${label[$mode]} |"
		rule+=" --- |"
	done
	printf '%s\n%s\n' "$head" "$rule"
	for what in wall cpu; do
		if [ $what = wall ]; then
			row="| gen-cproject $units units, make -j2: wall time |"
		else
			row="| the same runs: CPU time (user + system, tracer included) |"
		fi
		for mode in "${modes[@]}"; do
			local m b
			if [ $what = wall ]; then
				m=${med[$mode]} b=${med[untraced]}
			else
				m=${cmed[$mode]} b=${cmed[untraced]}
			fi
			if [ "$m" = fail ]; then
				cell=failed
			else
				cell="$(ratio "$m" "$b") ($m s)"
			fi
			row+=" $cell |"
		done
		echo "$row"
	done
}

r_ratio=$(ratio "${med[renacer]:-fail}" "${med[untraced]}")
# A traced build faster than the untraced one: other load disturbed the run.
faster=""
for mode in "${modes[@]}"; do
	[ "$mode" = untraced ] && continue
	rr=$(ratio "${med[$mode]}" "${med[untraced]}")
	if [ "$rr" != failed ] && awk -v r="$rr" 'BEGIN { exit !(r < 1) }'; then
		faster+=" ${label[$mode]}"
	fi
done
if [ "$r_ratio" = failed ]; then
	verdict="renacer's runs failed"
elif [ -n "$faster" ]; then
	verdict="unreliable run: faster than untraced:$faster (the machine was busy; run again)"
elif awk -v r="$r_ratio" -v t="$target" 'BEGIN { exit !(r <= t) }'; then
	verdict="target met: renacer at $r_ratio x untraced wall time (target <= $target)"
else
	verdict="target missed: renacer at $r_ratio x untraced wall time (target <= $target)"
fi
sizes=""
for mode in "${modes[@]}"; do
	if [ -s "$tmp/size-$mode" ]; then
		sizes+="- trace of ${label[$mode]}: $(cat "$tmp/size-$mode")
"
	fi
done

rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || rev+=" (with uncommitted changes)"
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)

section=$(
	cat <<EOF
$header

A trace set that leaves most syscalls out (\`-e $expr\`): renacer filters
with seccomp-bpf in the spawned tree (its default), so the build's other
syscalls do not stop it; strace is given \`--seccomp-bpf\` to do the same.
Ratios to the untraced build (median seconds in parentheses) of the wall
time and of the CPU time (user + system of the tracer and the build, less
disturbed by other load on a shared machine); medians of $runs runs per
cell, the modes alternating within each round, all in one run of
\`perf/filter_bench.sh\`. The target: renacer <= $target x untraced (wall).

- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before the runs: $load0;
  runnable tasks of other processes before each round (mean over 3 s): $loads(waited for < $max_load)
- machine: $(nproc) CPUs, ${cpu:-unknown CPU}
- kernel: $(uname -srm)
- renacer: $rev ($renacer)
- strace: $(strace -V | head -n 1)
- compiler: $(cc --version | head -n 1)
${sizes}
$(table)

$verdict.
EOF
)

# Replace the section in place (up to the next # or ## heading), or append it.
printf '%s\n' "$section" >"$tmp/section"
[ -f "$results" ] || : >"$results"
awk -v start="$header" -v secfile="$tmp/section" '
	function emit(  l) { while ((getline l < secfile) > 0) print l; close(secfile); done = 1 }
	$0 == start { emit(); skip = 1; next }
	skip && /^##? / { skip = 0; print "" }
	skip { next }
	{ print; last = $0 }
	END {
		if (!done) {
			if (NR > 0 && last != "") print ""
			emit()
		}
	}' "$results" >"$tmp/results.new"
cp "$tmp/results.new" "$results"

echo
echo "$section"
echo >&2
echo "written to $results" >&2
