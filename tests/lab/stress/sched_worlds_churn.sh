# SPDX-License-Identifier: GPL-2.0-only
# Stress variant of sched_four_worlds_next_to_the_cos (issue 14), not run
# by tests/run (it takes CHURN_ROUNDS x ~25 s): each round creates up to
# eight unpinned spinner worlds, runs the COS workload next to them,
# destroys them all, and checks that the vmkernel stayed healthy (no VMCB
# integrity message, no panic). Run it with
#   ci/lab --scenario tests/lab/stress/sched_worlds_churn.sh --timeout 3600
# timeout: 3600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

rounds=${CHURN_ROUNDS:-40}
expect "insmod vmkload debug=1" vmk_load debug=1
r=0
while [ $r -lt $rounds ]; do
	r=$((r + 1))
	n=$((4 + r % 5))
	i=0
	while [ $i -lt $n ]; do
		i=$((i + 1))
		vmkctl debug spin "r${r}w$i" > /dev/null || fail "round $r: spinner $i refused"
	done
	expect "round $r: COS workload next to $n worlds" sh /lib/vmk/lab/workload.sh -t 10 -p "proc timer"
	expect "round $r: spinners stop" vmkctl debug spin-stop
	expect "round $r: the vmkernel runs" test "$(status_field state)" = running
	if vmk_log_has "holds the vmkernel\|aliased\|PANIC"; then
		vmkctl log | tail -60
		fail "round $r: VMCB integrity"
	fi
	echo "round $r: $n worlds, ok"
done
expect "rmmod vmkload" rmmod vmkload
