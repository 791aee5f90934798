# shellcheck shell=bash
# perf/load.sh - sourced by perf/bench.sh and perf/filter_bench.sh.

# The load other processes put on the machine now: the mean number of
# runnable tasks over 3 s (procs_running of /proc/stat, sampled every 0.1 s
# while the script runs nothing else, less the shell reading it). Unlike
# the load average it does not remember the script's own last runs.
others_load() {
	local i n=1 sum=0 line
	for ((i = 0; i < 30; i++)); do
		while read -r line; do
			case $line in procs_running*) n=${line#procs_running } ;; esac
		done </proc/stat
		sum=$((sum + n - 1))
		sleep 0.1
	done
	awk -v s="$sum" 'BEGIN { printf "%.2f\n", s / 30 }'
}
