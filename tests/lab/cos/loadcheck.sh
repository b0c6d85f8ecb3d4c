# SPDX-License-Identifier: GPL-2.0-only
# Checks shared by the load/unload scenarios, installed in the COS as
# /lib/vmk/lab/loadcheck.sh (busybox sh). Source after /lib/vmk/lab.sh and
# /lib/vmk/lab/vmk.sh.

# memfree_settled_kib: free memory once Linux has let go of what it can:
# page cache and slab dropped, and the free pages parked on the per-CPU
# lists counted as free (MemFree leaves them out, and they come and go by
# the megabyte: /proc/zoneinfo "count:" per CPU and zone); the median of
# five samples half a second apart (the highest of them once read 1.8 MiB above
# the others and failed a refusal test that had freed everything).
memfree_settled_kib() {
	sync
	i=0
	while [ $i -lt 5 ]; do
		echo 3 > /proc/sys/vm/drop_caches
		vmk-labtool sleep 0.5
		pcp=$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)
		echo $(($(memfree_kib) + pcp))
		i=$((i + 1))
	done | sort -n | sed -n 3p
}

# expect_memfree_back BEFORE_KIB WHAT: free memory (memfree_settled_kib)
# within 1 MiB of BEFORE_KIB.
expect_memfree_back() {
	after=$(memfree_settled_kib)
	note "MemFree: $1 KiB before, $after KiB after $2"
	expect "MemFree back within 1 MiB after $2 (before $1 KiB, after $after KiB)" \
		test $(($1 - after)) -lt 1024
}

# expect_load_refused WHAT PATTERN [INSMOD-ARGS...]: insmod vmkload fails,
# dmesg has exactly one vmkload line and it matches PATTERN (grep BRE),
# nothing stays loaded and Linux has its memory back.
expect_load_refused() {
	what=$1 pattern=$2
	shift 2
	before=$(memfree_settled_kib)
	dmesg -c > /dev/null
	expect_fail "insmod refuses $what" vmk_load "$@"
	vmkload_lines
	expect "one vmkload line in dmesg for $what" test "$(vmkload_lines | wc -l)" = 1
	expect "the line for $what says why ('$pattern')" vmkload_says "$pattern"
	expect_fail "vmkload is not loaded after $what" vmk_loaded
	expect_fail "no /dev/vmkernel after $what" test -e /dev/vmkernel
	expect_memfree_back "$before" "$what"
}

# expect_status_running: vmkctl status shows the vmkernel running on every
# CPU with the COS world on all of them.
expect_status_running() {
	ncpus=$(grep -c ^processor /proc/cpuinfo)
	vmkctl status > /tmp/vmk-status.txt
	rc=$?
	cat /tmp/vmk-status.txt
	expect "vmkctl status succeeds" test $rc = 0
	expect "vmkctl status: running" grep -qx "state: running" /tmp/vmk-status.txt
	expect "vmkctl status: $ncpus CPUs" grep -qx "cpus: $ncpus" /tmp/vmk-status.txt
	expect "vmkctl status: the COS world with $ncpus vCPUs" \
		grep -q "^world: [0-9]* .* cos vcpus=$ncpus\$" /tmp/vmk-status.txt
}

# expect_good_load_cycle: after a refusal, the real image still loads and
# unloads.
expect_good_load_cycle() {
	expect "a good image loads afterwards" vmk_load
	expect_status_running
	expect "and unloads" vmkctl unload
	expect_fail "vmkload is gone after the unload" vmk_loaded
}

# within SECONDS COMMAND...: run COMMAND; status 124 if it has not returned
# after SECONDS (a load or unload stuck in the kernel cannot be killed, so
# it is left behind). Polls with date, not sleep: a CPU whose timer died
# must not hold up the watchdog too.
within() {
	end=$(($(date +%s) + $1))
	shift
	"$@" > /tmp/within.out 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		[ "$(date +%s)" -ge $end ] && return 124
	done
	wait $pid
}

# stuck_report: per-CPU timer/IPI interrupt counts 2 s apart, kernel log.
stuck_report() {
	grep -E "LOC|RES|CAL" /proc/interrupts
	end=$(($(date +%s) + 2)); while [ "$(date +%s)" -lt $end ]; do :; done
	grep -E "LOC|RES|CAL" /proc/interrupts
	dmesg | tail -40
}

# kernel_trouble: the kernel log's oopses, BUGs, WARN()s, RCU stalls (lines
# since the last `dmesg -c`); fails when there are none.
kernel_trouble() {
	dmesg | grep -E "Oops|BUG:|WARNING: CPU|general protection|Call Trace|detected stall"
}
