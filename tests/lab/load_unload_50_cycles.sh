# SPDX-License-Identifier: GPL-2.0-only
# Load and unload repeat without leaks: 50 load/unload cycles while the COS
# workload runs in the background; every cycle loads, shows the vmkernel
# running on every CPU, and unloads; the workload passes throughout, the
# kernel logs no oops or warning, and MemFree after the last unload is
# within 1 MiB of MemFree before the first load.
# timeout: 400
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

cycles=50
before=$(memfree_settled_kib)
note "MemFree before the first load: $before KiB"
rm -f /tmp/workload.stop /tmp/workload.failed
# The workload in 20-s runs until told to stop; each run's result is kept.
(
	while [ ! -f /tmp/workload.stop ]; do
		sh /lib/vmk/lab/workload.sh -t 20 -o 128 > /tmp/workload.out 2>&1 ||
			cp /tmp/workload.out /tmp/workload.failed
		cat /tmp/workload.out
	done
) &
workload=$!

# step SECONDS WHAT COMMAND...: in cycle $i, COMMAND succeeds within SECONDS
# (its output in /tmp/within.out).
step() {
	limit=$1 what=$2
	shift 2
	within "$limit" "$@"
	case $? in
	0) ;;
	124) stuck_report; fail "cycle $i: $what did not return within $limit s" ;;
	*) cat /tmp/within.out; dmesg | tail -20; fail "cycle $i: $what failed" ;;
	esac
}

dmesg -c > /dev/null	# from here on, the kernel log is the cycles'
i=1
while [ $i -le $cycles ]; do
	step 120 "insmod vmkload" vmk_load
	step 60 "vmkctl status" vmkctl status
	grep -qx "state: running" /tmp/within.out ||
		{ cat /tmp/within.out; fail "cycle $i: the vmkernel is not running"; }
	grep -qx "cpus: $(grep -c ^processor /proc/cpuinfo)" /tmp/within.out ||
		{ cat /tmp/within.out; fail "cycle $i: the vmkernel does not have every CPU"; }
	step 120 "vmkctl unload" vmkctl unload
	vmk_loaded && fail "cycle $i: vmkload still loaded after the unload"
	echo "cycle $i: loaded and unloaded; $(dmesg | grep -o 'takeover [0-9]* us' | tail -1)"
	[ -f /tmp/workload.failed ] &&
		{ cat /tmp/workload.failed; fail "the background COS workload failed by cycle $i"; }
	i=$((i + 1))
done

note "$cycles cycles done; stopping the background workload"
: > /tmp/workload.stop	# not touch: ENOSYS without the 32-bit time syscalls
# The current 20-s run ends, plus the workload's own grace for hung parts.
waited=0
while kill -0 $workload 2>/dev/null; do
	[ $waited -ge 200 ] && { ps; fail "the background workload did not stop within 200 s"; }
	vmk-labtool sleep 1
	waited=$((waited + 1))
done
note "background workload stopped"
[ -f /tmp/workload.failed ] && { cat /tmp/workload.failed; fail "the background COS workload failed during the cycles"; }
expect_fail "no oops, BUG, warning or RCU stall in the kernel log" kernel_trouble
expect_memfree_back "$before" "$cycles load/unload cycles"
