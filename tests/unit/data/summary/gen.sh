#!/bin/sh
# gen.sh - regenerate the strace 6.1 -c fixtures of test_summary.c.
#
# w_*.txt: strace -C -w -T --syscall-times=ns: every call with its
#   nanosecond duration, then the table; the test feeds the calls to
#   rn_stats_add and must print the same table byte for byte.
# c_*.txt: strace -c (system time, microsecond-exact): the test parses the
#   table back into rows and must print it again byte for byte.
# Run from this directory; needs strace 6.1 and a C compiler.
set -e
cc -O2 -o /tmp/sysmix.$$ sysmix.c
S=/tmp/sysmix.$$
W="strace -C -w -T --syscall-times=ns"
$W -o w_default.txt $S 1100
$W -S calls -U time-percent,total-time,min-time,max-time,avg-time,calls,errors,name -o w_calls_all.txt $S 20
$W -S name -U name,calls,errors,avg-time,shortest,longest -o w_name_first.txt $S 20
$W -S errors -U errors,calls -o w_errors.txt $S 20
$W -S avg-time -o w_avg.txt $S 20
$W -S none -U max-time,time,total-time -o w_none.txt $S 20
$W -S min-time -U min-time,calls,name,time -o w_min.txt $S 20
$W -O 1s -o w_zero.txt $S 20
$W -f -o w_fork.txt sh -c "$S 5; $S 3 & wait; cat /nonexistent 2>/dev/null; true"
strace -c -o c_default.txt $S 1100
strace -c -S max-time -U min-time,max-time,total-time,avg-time,calls,errors,name -o c_minmax.txt $S 50
strace -c -S calls -o c_calls.txt $S 1100
rm -f $S
