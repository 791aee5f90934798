#!/usr/bin/env bash
# perf/bench.sh - renacer measured against its references, side by side in
# one run, and written to perf/RESULTS.md (`tools/dev.sh bench` runs it).
#
# Six parts (PARTS), each replacing its own marked block of RESULTS.md and
# leaving every other section of the file as it is:
#
#   matrix  workloads x tracing modes, wall time (and CPU time of the whole
#           process tree), RUNS runs per cell with the modes alternating
#           within each round (the starting mode rotates from round to round)
#           so that drift of the shared machine hits all modes alike; medians,
#           ratios to untraced and the renacer/strace ratios.
#   memory  the tracer's own peak RSS with FANOUT_N live traced processes
#           (perf/fanout.c), renacer and strace.
#   stall   how long renacer kept a tracee stopped per stop (p50, p99, max of
#           its --stats-self counters), one run per workload, full trace and
#           -e trace=%process.
#   micro   build/renacer-bench (Google Benchmark, perf/bench_shim.cc), when
#           it was built: events per second of the rings, the decoders and
#           the sinks.
#   ceiling how many stops per second the one tracer thread sustains:
#           CEILING_N (1 2 4 8) sysheavy processes at once, under each
#           ptrace floor, strace and renacer, RUNS runs alternating; medians.
#   dump    renacer-dump streaming a long capture (not in the default parts):
#           one capture of DUMP_WORKLOAD (kernel by default), made DUMP_MB
#           (1024) MB long by build/capture_repeat (copies of its events, as
#           one run), rendered as text, json and stats to /dev/null: seconds,
#           events per second and peak RSS.
#
# Workloads (the reference tools of ../shared/bench, outside the repository):
#   sysheavy   sysheavy SYSHEAVY_N: one process, SYSHEAVY_N getppid() calls
#   forkstorm  forkstorm.sh FORKSTORM_N: a shell running /bin/true N times
#   cproject   gen-cproject.sh's UNITS-unit project, `make -j2` (make clean
#              between runs)
#   kernel     the real CPU-bound build: Linux 6.1 (Debian's linux-source-6.1,
#              tinyconfig, prepared once by kernel-src.sh in KERNEL_DIR),
#              `make -jKERNEL_J KERNEL_TARGETS` (make clean between runs);
#              by default the subset `kernel/ lib/`, ~1 min untraced here
#   kernel-j4  the same, oversubscribed: make -j4 on the machine's CPUs, as
#              users who type -j$(nproc)+1 do
#
# Modes (MODES, in this order by default):
#   untraced floor floor-spin strace strace-c renacer renacer-c
#   renacer-c-ptrace renacer-capture renacer-process
# (renacer-c counts in the kernel with eBPF where it can; renacer-c-ptrace is
# the same -c forced onto ptrace stops with --no-bpf.)
# Also known: strace-process; renacer-held, renacer -f -o F with
# RENACER_WORKER_READS=1 (every memory read held for a worker, none copied
# by the tracer itself: decode/prefetch.c), to measure what the copies gain.
# floor is ptrace-floor as it comes; floor-spin is ptrace-floor with
# FLOOR_GETINFO=1 FLOOR_SPIN=100: one PTRACE_GET_SYSCALL_INFO per stop and
# 100 waitpid polls before sleeping, the least renacer's own loop does (it
# spins 100 polls by default), so the fairer floor for renacer.
#
# Environment:
#   RUNS=5  PARTS="matrix memory stall ceiling micro"  WORKLOADS="sysheavy forkstorm cproject kernel kernel-j4"
#   MODES=...  SYSHEAVY_N=20000  FORKSTORM_N=500  UNITS=120  FANOUT_N=1000
#   KERNEL_DIR=DIR (default ${TMPDIR:-/tmp}/renacer-kernel-6.1, kept between
#   runs)  KERNEL_TARGETS="kernel/ lib/" ("" : the whole build, ~4 min)
#   KERNEL_J=2
#   MAX_LOAD=1.0     before each round, wait (up to LOAD_WAIT=600 s) until
#                    other processes keep fewer than this many tasks
#                    runnable (mean over 3 s; the load average would also
#                    count this script's own last runs); 0: don't wait
#   OTHERS_MAX=0.25  a run during which other processes kept more CPUs than
#   RETRIES=3        this busy is done again, up to RETRIES times
#   SHARED_BENCH=DIR the reference tools (default: ../shared/bench)
#   BUILD_DIR=DIR    where renacer and renacer-bench are (default: build)
#   RENACER=PATH     the tracer measured (default: BUILD_DIR/renacer)
#   RESULTS=PATH     the results file (default: perf/RESULTS.md)
#   MICRO_ARGS=...   extra arguments for renacer-bench
#
# Nothing here passes or fails on a time: it measures and reports.

# The whole script is one compound command, read before any of it runs:
# editing this file while a long run is under way cannot change that run.
{
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-5}
parts=${PARTS:-matrix memory stall ceiling micro}
workloads=${WORKLOADS:-sysheavy forkstorm cproject kernel kernel-j4}
read -r -a modes <<<"${MODES:-untraced floor floor-spin strace strace-c renacer renacer-c renacer-c-ptrace renacer-capture renacer-process}"
sysheavy_n=${SYSHEAVY_N:-20000}
forkstorm_n=${FORKSTORM_N:-500}
units=${UNITS:-120}
kernel_dir=${KERNEL_DIR:-${TMPDIR:-/tmp}/renacer-kernel-6.1}
read -r -a kernel_targets <<<"${KERNEL_TARGETS-kernel/ lib/}"
kernel_j=${KERNEL_J:-2}
fanout_n=${FANOUT_N:-1000}
ceiling_n=${CEILING_N:-1 2 4 8}
max_load=${MAX_LOAD:-1.0}
others_max=${OTHERS_MAX:-0.25}
retries=${RETRIES:-3}
load_wait=${LOAD_WAIT:-600}
shared=${SHARED_BENCH:-$root/../shared/bench}
build=${BUILD_DIR:-$root/build}
renacer=${RENACER:-$build/renacer}
bench_bin=$build/renacer-bench
results=${RESULTS:-$root/perf/RESULTS.md}

die() {
	echo "bench.sh: $*" >&2
	exit 1
}
note() {
	echo "bench.sh: $*" >&2
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
for p in $parts; do
	case $p in matrix | memory | stall | micro | ceiling | dump) ;; *) die "unknown part '$p' (known: matrix memory stall micro ceiling dump)" ;; esac
done
if [ ! -d "$shared" ]; then
	die "the reference workloads are missing: no $shared
  (they live outside the repository, in ../shared/bench; set SHARED_BENCH=DIR to point elsewhere)"
fi
for f in ptrace-floor.c sysheavy.c forkstorm.sh gen-cproject.sh; do
	[ -f "$shared/$f" ] || die "missing $shared/$f"
done
[ -x "$renacer" ] || die "no tracer at $renacer: build it first (tools/dev.sh build) or set RENACER"
command -v strace >/dev/null || die "strace is not installed (tools/dev.sh deps)"
command -v python3 >/dev/null || die "python3 is needed to edit $results (tools/dev.sh deps)"
[ -x /usr/bin/time ] || note "no /usr/bin/time: %M is not reported beside VmHWM (apt-get install time)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/renacer-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- the machine's load ------------------------------------------------------

# others_load: see perf/load.sh.
# shellcheck source=perf/load.sh
. "$root/perf/load.sh"

# Waits until others_load is below MAX_LOAD (other engineers' test runs
# share the machine), at most LOAD_WAIT seconds; sets last_load.
wait_for_quiet() {
	last_load=$(others_load)
	[ "$max_load" = 0 ] && return 0
	local waited=0
	while awk -v l="$last_load" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
		if [ "$waited" -ge "$load_wait" ]; then
			note "load of other processes still $last_load after ${load_wait}s: measuring anyway (the results say so)"
			return 0
		fi
		[ "$waited" -eq 0 ] && note "load of other processes $last_load >= $max_load: waiting for a quieter machine"
		sleep 12
		waited=$((waited + 15))
		last_load=$(others_load)
	done
}

# ---- the reference tools -----------------------------------------------------

note "building the reference tools in $tmp"
cc -O2 -o "$tmp/ptrace-floor" "$shared/ptrace-floor.c"
cc -O2 -o "$tmp/sysheavy" "$shared/sysheavy.c"
cc -O2 -Wall -Wextra -Werror -o "$tmp/fanout" "$root/perf/fanout.c"

declare -A label=(
	[untraced]="untraced"
	[floor]="ptrace-floor"
	[floor-spin]="ptrace-floor, GETINFO + SPIN=100"
	[strace]="strace -f -o F"
	[strace-c]="strace -f -c"
	[strace-process]="strace -f -e trace=%process -o F"
	[renacer]="renacer -f -o F"
	[renacer-c]="renacer -f -c"
	[renacer-c-ptrace]="renacer -f -c --no-bpf"
	[renacer-capture]="renacer -f --capture F"
	[renacer-process]="renacer -f -e trace=%process -o F"
	[renacer-held]="renacer -f -o F, RENACER_WORKER_READS=1"
)
for m in "${modes[@]}"; do
	[ -n "${label[$m]:-}" ] || die "unknown mode '$m' (known: ${!label[*]})"
done

# The command of a mode: the workload's command behind the mode's tracer.
# Every trace goes to a file in $tmp (the same disk for both tracers);
# summaries (-c) go to stderr, which timed_run keeps in a file.
run_mode() {
	local mode=$1
	shift
	case $mode in
	untraced) "$@" ;;
	floor) "$tmp/ptrace-floor" "$@" ;;
	floor-spin) FLOOR_GETINFO=1 FLOOR_SPIN=100 "$tmp/ptrace-floor" "$@" ;;
	strace) strace -f -o "$tmp/trace" -- "$@" ;;
	strace-c) strace -f -c -- "$@" ;;
	strace-process) strace -f -e trace=%process -o "$tmp/trace" -- "$@" ;;
	renacer) "$renacer" -f -o "$tmp/trace" -- "$@" ;;
	renacer-c) "$renacer" -f -c -- "$@" ;;
	renacer-c-ptrace) "$renacer" -f -c --no-bpf -- "$@" ;;
	renacer-capture) "$renacer" -f --capture "$tmp/trace" -- "$@" ;;
	renacer-process) "$renacer" -f -e trace=%process -o "$tmp/trace" -- "$@" ;;
	renacer-held) RENACER_WORKER_READS=1 "$renacer" -f -o "$tmp/trace" -- "$@" ;;
	esac
}

# Sets cmd to the workload's command line.
workload_cmd() {
	case $1 in
	sysheavy) cmd=("$tmp/sysheavy" "$sysheavy_n") ;;
	forkstorm) cmd=(sh "$shared/forkstorm.sh" "$forkstorm_n") ;;
	cproject) cmd=(make -C "$tmp/proj" -j2) ;;
	kernel) cmd=(make -s -C "$kernel_dir" -j"$kernel_j" "${kernel_targets[@]}") ;;
	kernel-j4) cmd=(make -s -C "$kernel_dir" -j4 "${kernel_targets[@]}") ;;
	sysheavy-x[0-9]*)
		# N sysheavy processes at once, children of one shell
		cmd=(sh -c 'i=0; while [ "$i" -lt "$1" ]; do "$2" "$3" & i=$((i + 1)); done; wait'
			sh "${1#sysheavy-x}" "$tmp/sysheavy" "$sysheavy_n") ;;
	*) die "unknown workload '$1' (known: sysheavy forkstorm cproject kernel kernel-j4)" ;;
	esac
}

# Every run of a workload does the same work from the same state.
reset_workload() {
	case $1 in
	cproject) make -s -C "$tmp/proj" clean >/dev/null ;;
	kernel | kernel-j4) make -s -C "$kernel_dir" clean >/dev/null 2>&1 ;;
	*) : ;;
	esac
}

# Seconds of user + system time of the shell's waited-for children so far,
# from a file holding the output of `times` (its second line: "0m1.234s
# 0m0.056s"). `times` is run with a redirection, not in $(...): a command
# substitution is a new process, whose children's times start at zero.
children_cpu() {
	awk 'NR == 2 {
		t = 0
		for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
		printf "%.3f\n", t
	}' "$1"
}

# CPU time the whole machine has spent busy, in clock ticks (the first
# line of /proc/stat: user nice system idle iowait irq softirq steal ...).
busy_ticks() {
	local _cpu user nice system _idle _iowait irq softirq steal _rest
	read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
	echo $((user + nice + system + irq + softirq + steal))
}
hz=$(getconf CLK_TCK)

# One timed run: prints "WALL CPU OTHERS" in seconds (CPU: user + system
# of the tracer and every tracee, as the kernel charges them to waited-for
# children: the tracees are the command's descendants, reaped within the
# tree; OTHERS: how many CPUs other processes kept busy meanwhile, the
# machine's busy time less ours, over the wall time), or "fail". The reset
# before the run is outside all three.
timed_run() {
	local mode=$1 wl=$2 t0 t1 c0 c1 b0 b1 rc=0
	workload_cmd "$wl"
	reset_workload "$wl"
	rm -f "$tmp/trace"*
	b0=$(busy_ticks)
	times >"$tmp/times0"
	t0=$EPOCHREALTIME
	run_mode "$mode" "${cmd[@]}" >/dev/null 2>"$tmp/stderr" || rc=$?
	t1=$EPOCHREALTIME
	times >"$tmp/times1"
	b1=$(busy_ticks)
	c0=$(children_cpu "$tmp/times0")
	c1=$(children_cpu "$tmp/times1")
	if [ "$rc" -ne 0 ]; then
		note "$wl under $mode failed with status $rc; its stderr ends:"
		tail -n 5 "$tmp/stderr" >&2
		echo fail
		return
	fi
	# ptrace-floor reports "stops=N processes=M": it describes the workload.
	if [ "$mode" = floor ]; then
		grep -o 'stops=[0-9]* processes=[0-9]*' "$tmp/stderr" >"$tmp/floor-$wl" || true
	fi
	awk -v a="$t0" -v b="$t1" -v c0="$c0" -v c1="$c1" -v busy="$((b1 - b0))" -v hz="$hz" 'BEGIN {
		w = b - a
		o = (busy / hz - (c1 - c0)) / w
		printf "%.4f %.3f %.2f\n", w, c1 - c0, (o < 0 ? 0 : o)
	}'
}

# A timed run that other processes did not disturb: a run during which
# they kept more than OTHERS_MAX CPUs busy (and that lasted long enough for
# 10 ms clock ticks to tell, 0.2 s) is run again, after waiting for a quiet
# machine, up to RETRIES times; the last try counts, disturbed or not.
# (A few runs are very sensitive to it: sysheavy under a tracer runs faster
# when other load pushes tracer and tracee onto one CPU.)
# Sets run_out to what timed_run prints (not run in $(...): it counts the
# retries in a global).
quiet_run() {
	local try out o w
	for ((try = 0; ; try++)); do
		out=$(timed_run "$@")
		[ "$out" != fail ] || break
		read -r w _ o <<<"$out"
		awk -v o="$o" -v w="$w" -v m="$others_max" 'BEGIN { exit !(o > m && w >= 0.2) }' || break
		[ "$try" -lt "$retries" ] || break
		note "$2 under $1: other processes kept $o CPUs busy meanwhile: again"
		retried=$((retried + 1))
		wait_for_quiet
	done
	run_out=$out
}

# The median of the numbers on stdin; "fail" if any run failed.
median() {
	awk '
	$1 == "fail" { failed = 1 }
	$1 != "fail" && $1 != "-" { v[n++] = $1 }
	END {
		if (failed) { print "fail"; exit }
		if (n == 0) { print ""; exit }
		for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
		printf "%.4f\n", (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
	}'
}

describe() {
	local extra=""
	[ -s "$tmp/floor-$1" ] && extra=" ($(sed 's/stops=\([0-9]*\) processes=\([0-9]*\)/\2 processes, \1 stops/' "$tmp/floor-$1"))"
	case $1 in
	sysheavy) echo "sysheavy $sysheavy_n$extra" ;;
	forkstorm) echo "forkstorm.sh $forkstorm_n$extra" ;;
	cproject) echo "gen-cproject $units units, make -j2$extra" ;;
	kernel) echo "Linux 6.1 tinyconfig, make -j$kernel_j ${kernel_targets[*]:-(all)}$extra" ;;
	kernel-j4) echo "Linux 6.1 tinyconfig, make -j4 ${kernel_targets[*]:-(all)}$extra" ;;
	sysheavy-x[0-9]*) echo "${1#sysheavy-x} x sysheavy $sysheavy_n at once$extra" ;;
	esac
}

machine() {
	local cpu rev
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
		rev+=" with uncommitted changes"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs ($(getconf _NPROCESSORS_CONF) configured), ${cpu:-unknown CPU}," \
		"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- kernel: $(uname -srm)"
	echo "- renacer: $rev ($renacer; $("$renacer" -V 2>/dev/null | head -n 1 || echo '?'))"
	echo "- strace: $(strace -V | head -n 1)"
	echo "- compiler: $(cc --version | head -n 1)"
}

# The kernel tree, once (kernel-src.sh installs linux-source-6.1 and the
# build's tools with apt-get when they are missing, then configures it).
prepare_kernel() {
	[[ " $workloads " == *" kernel"* ]] || return 0
	[ -f "$shared/kernel-src.sh" ] || die "missing $shared/kernel-src.sh"
	note "preparing the kernel tree in $kernel_dir"
	bash "$shared/kernel-src.sh" "$kernel_dir" >/dev/null
}

# ---- part: matrix ------------------------------------------------------------

declare -A wall cpu
loads=""  # others_load before each round
others="" # CPUs other processes kept busy during each counted run
retried=0 # runs done again because others disturbed them
matrix_run() {
	if [[ " $workloads " == *" cproject "* ]]; then
		note "generating the ${units}-unit project"
		sh "$shared/gen-cproject.sh" "$tmp/proj" "$units"
	fi
	prepare_kernel
	wait_for_quiet
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	local wl r i k mode out w c o
	for wl in $workloads; do
		note "$wl: warm-up run (untraced, not counted)"
		[ "$(timed_run untraced "$wl")" != fail ] || die "$wl fails even untraced"
		for ((r = 0; r < runs; r++)); do
			# every round starts on a quiet machine, not just the first
			wait_for_quiet
			loads+="$last_load "
			for ((i = 0; i < ${#modes[@]}; i++)); do
				# rotate the starting mode from round to round
				k=$(((i + r) % ${#modes[@]}))
				mode=${modes[$k]}
				quiet_run "$mode" "$wl"
				out=$run_out
				if [ "$out" = fail ]; then
					wall[$wl.$mode]+="fail "
					cpu[$wl.$mode]+="fail "
				else
					read -r w c o <<<"$out"
					wall[$wl.$mode]+="$w "
					cpu[$wl.$mode]+="$c "
					others+="$o "
				fi
				note "$wl: run $((r + 1))/$runs ${label[$mode]}: $out"
			done
		done
	done
	load_after=$(cut -d' ' -f1-3 /proc/loadavg)
}

med() { # med ARRAY-NAME KEY
	local -n arr=$1
	tr ' ' '\n' <<<"${arr[$2]:-}" | { grep . || true; } | median
}

ratio_cell() { # ratio_cell VALUE BASE
	awk -v m="$1" -v b="$2" 'BEGIN {
		if (m == "" || b == "") { print "-"; exit }
		if (m == "fail" || b == "fail") { print "failed"; exit }
		if (b > 0) printf "%.2f", m / b; else print "-"
	}'
}

# (tracer - untraced) / (floor - untraced), or "-".
over_floor() {
	awk -v t="$1" -v u="$2" -v f="$3" 'BEGIN {
		if (t == "" || u == "" || f == "" || t == "fail" || u == "fail" || f == "fail" || f <= u) print "-"
		else printf "%.2f", (t - u) / (f - u)
	}'
}

matrix_report() {
	local wl mode base m head rule row
	echo "Wall time as a ratio to the untraced run (median seconds in parentheses), medians of"
	echo "$runs runs per cell, the modes alternating within each round; all in one run of"
	echo "\`perf/bench.sh\`. Absolute seconds on this shared machine mean little: compare ratios."
	echo "Traces go to files on the same disk for both tracers; \`-c\` summaries to stderr (a file)."
	echo "\`renacer -f --capture F\` writes the capture alone: no text trace is rendered."
	echo
	machine
	echo "- load average (1, 5, 15 min): $load_before before, $load_after after the matrix;" \
		"runnable tasks of other processes before each round (mean over 3 s): $(tr ' ' '\n' <<<"$loads" | { grep . || true; } | sort -n |
			awk '{ v[n++] = $1 } END { if (n) printf "min %s, median %s, max %s", v[0], v[int(n / 2)], v[n - 1] }')" \
		"(each round waited for < $max_load); CPUs other processes kept busy during the counted runs:" \
		"$(tr ' ' '\n' <<<"$others" | { grep . || true; } | sort -n |
			awk '{ v[n++] = $1 } END { if (n) printf "median %s, max %s", v[int(n / 2)], v[n - 1] }')" \
		"($retried runs disturbed by more than $others_max were done again)"
	echo
	head="| workload |"
	rule="| --- |"
	for mode in "${modes[@]}"; do
		head+=" ${label[$mode]} |"
		rule+=" ---: |"
	done
	echo "$head"
	echo "$rule"
	for wl in $workloads; do
		base=$(med wall "$wl.untraced")
		row="| $(describe "$wl") |"
		for mode in "${modes[@]}"; do
			m=$(med wall "$wl.$mode")
			if [ "$m" = fail ]; then
				row+=" failed |"
			elif [ -z "$m" ]; then
				row+=" - |"
			else
				row+=" $(ratio_cell "$m" "$base") ($(awk -v m="$m" 'BEGIN { printf (m < 0.1 ? "%.4f" : "%.2f"), m }') s) |"
			fi
		done
		echo "$row"
	done
	echo
	echo "The renacer/strace ratios (wall time, medians above; below 1.00: renacer is faster),"
	echo "and each tracer's overhead over a floor's: (tracer - untraced) / (floor - untraced),"
	echo "for the plain floor and for the floor that also fetches the syscall info and spins"
	echo "as renacer does (GETINFO + SPIN=100)."
	echo
	echo "| workload | full trace: renacer -o / strace -o | capture / strace -o | -c / strace -c | -c --no-bpf / strace -c | -e trace=%process / strace -o | renacer -o overhead / floor's | strace -o overhead / floor's | renacer -o overhead / GETINFO + SPIN floor's | capture overhead / floor's | renacer -o extra CPU / floor's |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	local u f fs s sc r rc rcp rcap rp
	for wl in $workloads; do
		u=$(med wall "$wl.untraced")
		f=$(med wall "$wl.floor")
		fs=$(med wall "$wl.floor-spin")
		s=$(med wall "$wl.strace")
		sc=$(med wall "$wl.strace-c")
		r=$(med wall "$wl.renacer")
		rc=$(med wall "$wl.renacer-c")
		rcp=$(med wall "$wl.renacer-c-ptrace")
		rcap=$(med wall "$wl.renacer-capture")
		rp=$(med wall "$wl.renacer-process")
		echo "| $(describe "$wl" | sed 's/ (.*//') | $(ratio_cell "$r" "$s") | $(ratio_cell "$rcap" "$s") |" \
			"$(ratio_cell "$rc" "$sc") | $(ratio_cell "$rcp" "$sc") | $(ratio_cell "$rp" "$s") |" \
			"$(over_floor "$r" "$u" "$f") | $(over_floor "$s" "$u" "$f") | $(over_floor "$r" "$u" "$fs") |" \
			"$(over_floor "$rcap" "$u" "$f") | $(over_floor "$(med cpu "$wl.renacer")" "$(med cpu "$wl.untraced")" "$(med cpu "$wl.floor")") |"
	done
	echo
	echo "CPU time (user + system) of the whole run, tracer and tracees together, as a ratio"
	echo "to the untraced run's (median CPU seconds in parentheses). On 2 CPUs, CPU a tracer"
	echo "burns in extra threads competes with the traced build."
	echo
	echo "$head"
	echo "$rule"
	for wl in $workloads; do
		base=$(med cpu "$wl.untraced")
		row="| $(describe "$wl" | sed 's/ (.*//') |"
		for mode in "${modes[@]}"; do
			m=$(med cpu "$wl.$mode")
			if [ "$m" = fail ]; then
				row+=" failed |"
			elif [ -z "$m" ]; then
				row+=" - |"
			else
				row+=" $(ratio_cell "$m" "$base") ($(awk -v m="$m" 'BEGIN { printf "%.2f", m }') s) |"
			fi
		done
		echo "$row"
	done
}

# ---- part: memory ------------------------------------------------------------

# Runs a tracer on `fanout N 2` in the background and samples its own
# VmHWM (peak RSS of the tracer process, threads included, children not)
# every 20 ms; /usr/bin/time's %M is printed beside it. Prints
# "HWM_KIB MAXRSS_KIB LIVE" (MAXRSS: time's %M, "-" without it).
hwm_run() {
	local pid hwm=0 h status=0 m=-
	if [ -x /usr/bin/time ]; then
		# time's child is the tracer: sample the child of time.
		/usr/bin/time -f '%M' -o "$tmp/maxrss" "$@" -- "$tmp/fanout" "$fanout_n" 2 \
			>/dev/null 2>"$tmp/fanout.err" &
	else
		"$@" -- "$tmp/fanout" "$fanout_n" 2 >/dev/null 2>"$tmp/fanout.err" &
	fi
	local outer=$!
	pid=$outer
	if [ -x /usr/bin/time ]; then
		pid=""
		while [ -z "$pid" ] && kill -0 "$outer" 2>/dev/null; do
			pid=$(awk '{ print $1 }' "/proc/$outer/task/$outer/children" 2>/dev/null || true)
			[ -n "$pid" ] || sleep 0.005
		done
	fi
	while [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; do
		h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
		sleep 0.02
	done
	wait "$outer" || status=$?
	[ "$status" -eq 0 ] || note "memory run '$*' ended with status $status"
	[ -x /usr/bin/time ] && m=$(tail -n 1 "$tmp/maxrss")
	echo "$hwm $m $(grep -o 'live=[0-9]*' "$tmp/fanout.err" | head -n 1 | cut -d= -f2)"
}

memory_report() {
	wait_for_quiet
	local r s
	note "memory: renacer -f -o F on fanout $fanout_n"
	r=$(hwm_run "$renacer" -f -o "$tmp/trace")
	rm -f "$tmp/trace"
	note "memory: strace -f -o F on fanout $fanout_n"
	s=$(hwm_run strace -f -o "$tmp/trace")
	rm -f "$tmp/trace"
	note "memory: renacer $r, strace $s"
	echo "The tracer's own peak resident memory with $fanout_n live traced processes: \`perf/fanout.c\`"
	echo "forks $fanout_n children that all stay alive ~2 s, blocked on a pipe, then exit together."
	echo "VmHWM is the tracer process's high-water mark from \`/proc/PID/status\` (all its threads,"
	echo "no other process), sampled every 20 ms until it exits. \`/usr/bin/time -f %M\` is"
	echo "shown beside it but is not the tracer alone: wait4's ru_maxrss is the largest of the"
	echo "process and every descendant it reaped (the kernel's cmaxrss), so it is an upper bound"
	echo "that equals the tracer's own peak only while the tracer is the biggest process."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| tracer | live traced processes | VmHWM of the tracer | /usr/bin/time %M | target |"
	echo "| --- | ---: | ---: | ---: | --- |"
	local hwm m live
	read -r hwm m live <<<"$r"
	echo "| renacer -f -o F | ${live:-?} + 1 | $(awk -v k="$hwm" 'BEGIN { printf "%.1f MiB", k / 1024 }') |" \
		"$(awk -v k="$m" 'BEGIN { if (k == "-") print "-"; else printf "%.1f MiB", k / 1024 }') |" \
		"$(awk -v k="$hwm" 'BEGIN { print (k / 1024 <= 64 ? "<= 64 MiB: met" : "<= 64 MiB: NOT met") }') |"
	read -r hwm m live <<<"$s"
	echo "| strace -f -o F | ${live:-?} + 1 | $(awk -v k="$hwm" 'BEGIN { printf "%.1f MiB", k / 1024 }') |" \
		"$(awk -v k="$m" 'BEGIN { if (k == "-") print "-"; else printf "%.1f MiB", k / 1024 }') | (reference) |"
}

# ---- part: stall -------------------------------------------------------------

# How long renacer keeps a tracee stopped per stop, from its own counters
# (--stats-self): one run of each workload per renacer mode, outside the
# timed matrix (the counters cost a clock read per stop).
stall_report() {
	if [[ " $workloads " == *" cproject "* ]] && [ ! -d "$tmp/proj" ]; then
		sh "$shared/gen-cproject.sh" "$tmp/proj" "$units"
	fi
	prepare_kernel
	echo "How long renacer kept a tracee stopped per stop: from the wait4 that reported the"
	echo "stop to the ptrace call that resumed it (renacer's clock, \`--stats-self\`; the"
	echo "kernel's own part of a stop, and the time until the tracer is scheduled, are not in"
	echo "it). One run per row, outside the timed matrix. Held: stops kept for a worker's"
	echo "memory read; copied: stops whose memory the tracer copied itself (decode/prefetch.c,"
	echo "decode/rehearse.c)."
	echo "CPU: renacer's own (all threads; the tracer thread's part in parentheses)."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| workload | renacer | stops | p50 | p99 | max | held | copied | renacer CPU (tracer thread) | tracer thread's CPU per stop |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	local wl mode
	for wl in $workloads; do
		workload_cmd "$wl"
		for mode in renacer renacer-process; do
			wait_for_quiet
			reset_workload "$wl"
			note "stall: $wl under ${label[$mode]} --stats-self"
			local args=(-f -o "$tmp/trace")
			[ "$mode" = renacer-process ] && args=(-f -e trace=%process -o "$tmp/trace")
			"$renacer" --stats-self "${args[@]}" -- "${cmd[@]}" >/dev/null 2>"$tmp/stall.err" ||
				note "stall: $wl under ${label[$mode]} ended with status $?"
			rm -f "$tmp/trace"
			python3 - "$tmp/stall.err" "$(describe "$wl" | sed 's/ (.*//')" "${label[$mode]}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def get(rx):
    m = re.search(rx, text)
    return m.groups() if m else None
rec = get(r"self: (\d+) records, (\d+) held for a worker read, (\d+) copied")
st = get(r"p50 ([\d.]+) us, p99 ([\d.]+) us, max ([\d.]+) us over (\d+) stops")
cpu = get(r"cpu ([\d.]+) s user \+ ([\d.]+) s sys \(tracer thread ([\d.]+) \+ ([\d.]+)\)")
if not (rec and st and cpu):
    print("| %s | %s | no --stats-self output | | | | | | | |" % (sys.argv[2], sys.argv[3]))
    sys.exit(0)
tracer = float(cpu[2]) + float(cpu[3])
print("| %s | %s | %s | %s us | %s us | %s us | %s | %s | %.2f s (%.2f s) | %.1f us |" % (
    sys.argv[2], sys.argv[3], st[3], st[0], st[1], st[2], rec[1], rec[2],
    float(cpu[0]) + float(cpu[1]), tracer, tracer * 1e6 / max(int(st[3]), 1)))
PY
		done
	done
}

# ---- part: ceiling -----------------------------------------------------------

# The one tracer thread serves every tracee, so its stops per second bound
# how fast a traced build can make syscalls, whatever the CPUs. N syscall-
# bound processes at once (N in CEILING_N), each tracer in turn, the order
# rotating per round; stops from ptrace-floor's own count of the same work.
ceiling_report() {
	local n mode r i w stops
	local cmodes=(floor floor-spin strace renacer)
	declare -A cw=()
	for ((r = 0; r < runs; r++)); do
		for n in $ceiling_n; do
			for ((i = 0; i < ${#cmodes[@]}; i++)); do
				mode=${cmodes[$(((i + r) % ${#cmodes[@]}))]}
				wait_for_quiet
				note "ceiling: run $((r + 1))/$runs, $n processes, ${label[$mode]}"
				quiet_run "$mode" "sysheavy-x$n"
				read -r w _ <<<"$run_out"
				cw[$n.$mode]+="$w "
			done
		done
	done
	echo "Stops per second that one tracer sustains: N processes, each making $sysheavy_n"
	echo "getppid() calls (sysheavy), traced at once; stops as ptrace-floor counts them, over the"
	echo "median wall time of $runs runs per cell (the tracers alternating). On this machine's"
	echo "$(nproc) CPUs, N above $(nproc) also means the tracees queue for a CPU."
	echo
	machine
	echo
	echo "| processes | stops | ptrace-floor | ptrace-floor, GETINFO + SPIN=100 | strace -f -o F | renacer -f -o F | renacer / floor | renacer / strace |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for n in $ceiling_n; do
		stops=$(sed -n 's/stops=\([0-9]*\).*/\1/p' "$tmp/floor-sysheavy-x$n" 2>/dev/null)
		[ -n "$stops" ] || stops=$((2 * n * sysheavy_n))
		local row="| $n | $stops |" f="" rw="" sw=""
		for mode in "${cmodes[@]}"; do
			w=$(tr ' ' '\n' <<<"${cw[$n.$mode]}" | { grep . || true; } | median)
			case $mode in floor) f=$w ;; renacer) rw=$w ;; strace) sw=$w ;; esac
			if [ -z "$w" ] || [ "$w" = fail ]; then
				row+=" ${w:-"-"} |"
			else
				row+=" $(awk -v s="$stops" -v w="$w" 'BEGIN { printf "%.0f k/s", s / w / 1000 }') |"
			fi
		done
		row+=" $(ratio_cell "$f" "$rw") | $(ratio_cell "$sw" "$rw") |"
		echo "$row"
	done
}

# ---- part: dump --------------------------------------------------------------

dump_report() {
	local wl=${DUMP_WORKLOAD:-kernel} mb=${DUMP_MB:-1024} repeat=$build/capture_repeat
	local dump=$build/renacer-dump one=$tmp/dump-one.rnc big=$tmp/dump-big.rnc
	[ -x "$repeat" ] || { note "no $repeat: dump skipped"; return 1; }
	[ "$wl" = kernel ] && prepare_kernel
	[ "$wl" = cproject ] && sh "$shared/gen-cproject.sh" "$tmp/proj" "$units" >/dev/null
	workload_cmd "$wl"
	reset_workload "$wl"
	note "dump: capturing $wl"
	"$renacer" -f --capture "$one" -- "${cmd[@]}" >/dev/null 2>&1 || note "dump: $wl ended with status $?"
	local size copies
	size=$(stat -c %s "$one")
	"$repeat" "$one" "$tmp/dump-probe.rnc" 1 >/dev/null
	copies=$(( (mb * 1048576 + $(stat -c %s "$tmp/dump-probe.rnc") - 1) / $(stat -c %s "$tmp/dump-probe.rnc") ))
	rm -f "$tmp/dump-probe.rnc"
	note "dump: $copies copies of a ${size}-byte capture"
	local events
	events=$("$repeat" "$one" "$big" "$copies" | awk '{ print $1 }')
	wait_for_quiet
	echo "\`renacer-dump\` reading one long capture: $copies copies of one capture of the $wl"
	echo "workload ($(describe "$wl")), written as one run by \`build/capture_repeat\` at zstd level 1:"
	echo "$(stat -c %s "$big") bytes, $events events. Output to /dev/null; one run per format."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| format | seconds | events/s | peak RSS |"
	echo "| --- | ---: | ---: | ---: |"
	local fmt
	for fmt in text json stats; do
		/usr/bin/time -f "%e %M" -o "$tmp/dump.time" "$dump" --format "$fmt" "$big" >/dev/null 2>"$tmp/dump.err" ||
			note "dump: --format $fmt ended with status $?: $(head -c 300 "$tmp/dump.err")"
		read -r secs kb <"$tmp/dump.time"
		awk -v f="$fmt" -v s="$secs" -v k="$kb" -v n="$events" 'BEGIN {
			printf "| %s | %.1f | %.0f | %.1f MiB |\n", f, s, (s > 0 ? n / s : 0), k / 1024 }'
	done
	rm -f "$one" "$big"
}

# ---- part: micro -------------------------------------------------------------

micro_report() {
	if [ ! -x "$bench_bin" ]; then
		note "no $bench_bin (Google Benchmark not found at configure time?): micro skipped"
		return 1
	fi
	wait_for_quiet
	note "micro: $bench_bin"
	# shellcheck disable=SC2086 # MICRO_ARGS is a list of arguments
	"$bench_bin" --benchmark_repetitions=3 --benchmark_format=json \
		--benchmark_out="$tmp/micro.json" --benchmark_out_format=json ${MICRO_ARGS:-} >/dev/null
	echo "\`build/renacer-bench\` (Google Benchmark $(pkg-config --modversion benchmark 2>/dev/null || echo '?'),"
	echo "perf/bench_shim.cc calling perf/bench_*.c): the median of 3 repetitions, each on one benchmark"
	echo "thread. Events per second; the ring benchmarks count records pushed by the one producer"
	echo "and use wall time (their consumers are threads of their own)."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	python3 - "$tmp/micro.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
what = {
    "ring/same_thread": "reserve + commit + peek + pop, one thread (no sharing)",
    "ring/1_producer": "as the pipeline: consumer wakes the producer after every pop",
    "ring/1_producer_wake_half": "alternative: consumer wakes the producer at half a ring",
    "decode/": "entry + exit decode of one call, memory read from ourselves",
    "render/text": "strace text, -f -o style, to a null writer",
    "render/json": "JSON Lines to a null writer",
    "render/capture_msgpack_zstd": "msgpack + zstd (level 3) frames to a tmpfs file",
}
def describe(name):
    for k, v in sorted(what.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(k):
            return v
    return ""
def rate(x):
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= div:
            return "%.2f %s/s" % (x / div, unit)
    return "%.0f /s" % x
print("| benchmark | events/s (median) | ns/event | range of the repetitions | extra | what |")
print("| --- | ---: | ---: | ---: | --- | --- |")
skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
        "iterations", "real_time", "cpu_time", "time_unit", "aggregate_name",
        "aggregate_unit", "family_index", "per_family_instance_index", "items_per_second"}
runs = {}
for b in d["benchmarks"]:
    if b.get("run_type") == "iteration":
        runs.setdefault(b["run_name"], []).append(b)
for name, reps in runs.items():
    reps.sort(key=lambda b: b.get("items_per_second", 0.0))
    mid = reps[len(reps) // 2]
    ips = mid.get("items_per_second", 0.0)
    lo, hi = reps[0].get("items_per_second", 0.0), reps[-1].get("items_per_second", 0.0)
    extra = ", ".join("%s=%.3g" % (k, v) for k, v in mid.items()
                      if k not in skip and isinstance(v, (int, float)))
    short = name.replace("/real_time", "")
    print("| %s | %s | %.1f | %s - %s | %s | %s |" % (short, rate(ips), 1e9 / ips if ips else 0,
                                                    rate(lo), rate(hi), extra, describe(short)))
PY
}

# ---- RESULTS.md --------------------------------------------------------------

# Replaces (or adds) part $1's section of RESULTS.md with the contents of
# file $2. A section is its "## " heading, a begin marker, the body and an
# end marker; the heading comes first so that scripts which replace "their
# section up to the next heading" (perf/filter_bench.sh) stop at ours. Other
# sections stay as they are. The first baseline's section (the heading "#
# renacer baseline" of perf/baseline.sh) is dropped: the matrix supersedes it.
put_block() {
	python3 - "$results" "$1" "$2" <<'PY'
import os, re, sys
path, part, body_path = sys.argv[1], sys.argv[2], sys.argv[3]
order = ["matrix", "memory", "stall", "ceiling", "micro", "dump"]
titles = {"matrix": "## Workloads x modes (perf/bench.sh)",
          "memory": "## Tracer memory with many live processes (perf/bench.sh)",
          "stall": "## Tracee stall per stop (perf/bench.sh)",
          "ceiling": "## Stops per second of the one tracer thread (perf/bench.sh)",
          "micro": "## Microbenchmarks (renacer-bench, perf/bench.sh)",
          "dump": "## renacer-dump on a long capture (perf/bench.sh)"}
def begin(p):
    return "<!-- perf/bench.sh %s: generated, rewritten by every run -->" % p
def end(p):
    return "<!-- perf/bench.sh %s: end -->" % p
text = open(path).read() if os.path.exists(path) else ""
lines = text.splitlines()
if "# renacer baseline" in lines:
    i = lines.index("# renacer baseline")
    j = i + 1
    while j < len(lines) and not re.match(r"#{1,2} ", lines[j]):
        j += 1
    lines = lines[:i] + lines[j:]
if not any(l.startswith("# ") for l in lines[:3]):
    lines = ["# renacer performance results", "",
             "Sections with a `perf/bench.sh` marker are rewritten by `perf/bench.sh`",
             "(`tools/dev.sh bench`); the others are written by hand or by other scripts, and kept.",
             ""] + lines
def span(p):
    """(first, last) line indexes of part p's section, or None."""
    if begin(p) not in lines or end(p) not in lines:
        return None
    i, j = lines.index(begin(p)), lines.index(end(p))
    if i > 0 and lines[i - 1].startswith("## "):
        i -= 1
    return i, j
body = open(body_path).read().rstrip("\n").splitlines()
block = [titles[part], begin(part), ""] + body + ["", end(part)]
sp = span(part)
if sp:
    lines = lines[:sp[0]] + block + lines[sp[1] + 1:]
else:
    # after the nearest earlier part's section, else after the title's intro
    at = None
    for p in reversed(order[:order.index(part)]):
        if span(p):
            at = span(p)[1] + 1
            break
    if at is None:
        at = 1
        while at < len(lines) and not lines[at].startswith("#"):
            at += 1
    lines = lines[:at] + [""] + block + [""] + lines[at:]
out = "\n".join(lines).rstrip("\n") + "\n"
out = re.sub(r"\n{3,}", "\n\n", out)
open(path, "w").write(out)
PY
}

for p in $parts; do
	case $p in
	matrix)
		matrix_run
		matrix_report >"$tmp/part-matrix"
		;;
	memory) memory_report >"$tmp/part-memory" ;;
	stall) stall_report >"$tmp/part-stall" ;;
	ceiling) ceiling_report >"$tmp/part-ceiling" ;;
	micro) micro_report >"$tmp/part-micro" || continue ;;
	dump) dump_report >"$tmp/part-dump" || continue ;;
	esac
	echo >&2
	cat "$tmp/part-$p" >&2
	put_block "$p" "$tmp/part-$p"
	note "$p written to $results"
done
exit
}
