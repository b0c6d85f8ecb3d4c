# SPDX-License-Identifier: GPL-2.0-only
# Stress, not run by tests/run: with the vmkernel loaded, two pairs of
# processes on the two COS CPUs wake each other through pipes for
# WAKEUP_SECONDS (default 120), next to one sched_yield() loop per CPU:
# a reschedule IPI and a pass through the
# scheduler (runqueue lock held, interrupts off) per round, a timer every
# 64th. Written for the COS spinlock hang (an interrupt taken inside
# __schedule); on a hang cpus-at-timeout.txt names the COS functions.
#   ci/lab --scenario tests/lab/stress/cos_cross_cpu_wakeups.sh --timeout 600
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

secs=${WAKEUP_SECONDS:-120}
expect "insmod vmkload" vmk_load
vmk-labtool pingpong 0 1 "$secs" > /tmp/pp1.txt 2>&1 &
p1=$!
vmk-labtool pingpong 1 0 "$secs" > /tmp/pp2.txt 2>&1 &
p2=$!
vmk-labtool yield 0 "$secs" > /tmp/y0.txt 2>&1 &
y0=$!
vmk-labtool yield 1 "$secs" > /tmp/y1.txt 2>&1 &
y1=$!
wait $p1; r1=$?	# not in expect: its subshell cannot wait for them
wait $p2; r2=$?
wait $y0 $y1
cat /tmp/pp1.txt /tmp/pp2.txt /tmp/y0.txt /tmp/y1.txt
expect "first pair" test $r1 = 0
expect "second pair" test $r2 = 0
expect "the vmkernel runs" test "$(status_field state)" = running
expect "rmmod vmkload" rmmod vmkload
