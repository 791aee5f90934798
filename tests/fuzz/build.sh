#!/bin/sh
# build.sh [OUT] - build the libFuzzer target for the -e parser and the
# seccomp builder with clang, straight from the sources (no CMake needed).
#
#   tests/fuzz/build.sh /tmp/fuzz_filter
#   mkdir -p /tmp/corpus && cp tests/fuzz/corpus_filter/* /tmp/corpus/
#   /tmp/fuzz_filter -max_total_time=60 /tmp/corpus
#
# Run it on a copy of the corpus: libFuzzer adds new inputs to the first
# directory it is given.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$PWD/fuzz_filter}
CC=${CC:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$root/syscalls/gen_syscalls.py" "$root/syscalls/syscalls_x86_64.tbl" \
	"$tmp/syscalls_x86_64.c"
"$CC" -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DRN_REGEX_CPU_MS=50 -I"$root" \
	"$here/fuzz_filter.c" "$root/syscalls/filter.c" "$root/base/regex_bounded.c" \
	"$root/syscalls/seccomp_filter.c" \
	"$root/base/names.c" "$tmp/syscalls_x86_64.c" -o "$out"
echo "built $out"
