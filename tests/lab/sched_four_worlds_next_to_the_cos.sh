# SPDX-License-Identifier: GPL-2.0-only
# Four CPU-bound worlds (spinner test worlds, unpinned: the scheduler places
# and migrates them over both CPUs) run next to the COS, and the COS stays
# usable: the full COS workload passes meanwhile (timer latency included),
# the four share the CPU time left fairly, and they go away again.
# timeout: 360
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

run_ms() { sed -n "s/^sched: $1 .* run-ms=\([0-9]*\) .*/\1/p" /tmp/st; }
snap() { vmkctl status > /tmp/st || fail "vmkctl status"; }

expect "insmod vmkload debug=1" vmk_load debug=1
ids=""
for n in 1 2 3 4; do
	out=$(vmkctl debug spin vm$n) || fail "spinner vm$n: $out"
	ids="$ids ${out#world }"
done
snap; for i in $ids; do eval "r0_$i=$(run_ms $i)"; done
expect "COS workload (30 s) next to four CPU-bound worlds" sh /lib/vmk/lab/workload.sh -t 30
snap; grep -E "^(sched|vcpu|cpu[01])" /tmp/st
min=999999999 max=0
for i in $ids; do
	eval "d=\$(( \$(run_ms $i) - r0_$i ))"
	echo "measured: world $i ran $d ms during the workload"
	[ "$d" -lt "$min" ] && min=$d
	[ "$d" -gt "$max" ] && max=$d
done
expect "every world ran" test "$min" -gt 0
echo "measured: least/most CPU time among the four: $min/$max ms"
expect "the four share fairly (least >= 1/2 of most)" test $((2 * min)) -ge "$max"
expect "spinners stop" vmkctl debug spin-stop
expect "COS workload (10 s) after they stopped" sh /lib/vmk/lab/workload.sh -t 10 -p "proc timer"
expect "rmmod vmkload" rmmod vmkload
