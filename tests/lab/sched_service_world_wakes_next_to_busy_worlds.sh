# SPDX-License-Identifier: GPL-2.0-only
# The vmkernel's service world (docs/architecture.md "Worlds and the
# scheduler") is there from load on: `vmkctl status` lists it as
# "vmkservice", type service, on CPU 0 with its small allocation, and it
# wakes at least once a second, with the COS idle and next to a spinner
# pinned to CPU 0 with 100 times a VM's shares; the COS stays usable, and
# it goes away at unload.
# timeout: 300
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

snap() { vmkctl status > /tmp/st || fail "vmkctl status"; }
svc_id() { sed -n 's/^world: \([0-9]*\) vmkservice service vcpus=1$/\1/p' /tmp/st; }
switches() { sed -n "s/^vcpu: $1\.0 cpu=0 .* switches=\([0-9]*\) .*/\1/p" /tmp/st; }
uptime_ms() { awk '/^uptime:/ { printf "%d", $2 * 1000 }' /tmp/st; }
# wakes LABEL: the service world's switches over 5 s: one a second (it
# sleeps 1 s at most), so no fewer than the whole seconds that went by
# with 10% slack for late wakes.
wakes() {
	snap; s0=$(switches "$id"); t0=$(uptime_ms)
	sleep 5
	snap; s1=$(switches "$id"); t1=$(uptime_ms)
	grep -E "^(sched|vcpu): $id[ .]" /tmp/st
	echo "measured: $1: the service world switched in $((s1 - s0)) times in $((t1 - t0)) ms"
	expect "$1: it woke about once a second" test $(( (s1 - s0 + 1) * 1100 )) -ge $((t1 - t0))
}

expect "insmod vmkload debug=1" vmk_load debug=1
snap; grep -E "^(world|sched|vcpu):" /tmp/st
id=$(svc_id)
expect "the service world is listed" test -n "$id"
expect "with its allocation" grep -q "^sched: $id shares=100 min=2% max=10% " /tmp/st
expect "pinned to CPU 0" test -n "$(switches "$id")"
expect "its start is logged" vmk_log_has "service: world $id on cpu0"
wakes "COS idle"
expect "a CPU-bound world on CPU 0" vmkctl debug spin hog cpu=0 shares=100000
wakes "next to the spinner"
expect "COS workload (10 s) meanwhile" sh /lib/vmk/lab/workload.sh -t 10 -p "proc timer"
expect "spinners stop" vmkctl debug spin-stop
expect "rmmod vmkload" rmmod vmkload
