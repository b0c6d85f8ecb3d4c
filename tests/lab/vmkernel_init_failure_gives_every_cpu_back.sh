# SPDX-License-Identifier: GPL-2.0-only
# A vmkernel whose init fails after every CPU entered it (vmkload
# test_fail_init=1: vmk_init fails at its end) sends each CPU back natively
# through the exit trampoline: insmod fails naming every CPU and the
# reason, the module is gone, and Linux runs on with its interrupts on
# every CPU (the launch clears GIF before its CR3 switch; the trampoline
# must set it again, or no interrupt would ever reach Linux), its memory
# back. Then a normal load and unload work.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

# local_timer_count CPU: LOC interrupts CPU has taken so far.
local_timer_count() { awk -v c=$(($1 + 2)) '$1 == "LOC:" { print $c }' /proc/interrupts; }

before=$(memfree_settled_kib)
dmesg -c > /dev/null
expect_fail "insmod fails when the vmkernel's init fails" vmk_load test_fail_init=1
vmkload_lines
for cpu in 0 1; do
	expect "cpu$cpu came back with the vmkernel's status" \
		vmkload_says "vmkernel refused cpu $cpu: bad parameter"
	expect "cpu$cpu has no vmkernel signature" test "$(cpuid_signature $cpu)" != "$VMK_SIGNATURE"
done
expect_fail "vmkload is not loaded" vmk_loaded
expect_fail "no /dev/vmkernel" test -e /dev/vmkernel
for cpu in 0 1; do
	n0=$(local_timer_count $cpu)
	taskset -c $cpu sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done'
	vmk-labtool sleep 1
	n1=$(local_timer_count $cpu)
	expect "cpu$cpu takes its timer interrupts ($n0, then $n1 1 s later)" test "$n1" -gt $((n0 + 10))
done
expect "the COS runs a workload" sh /lib/vmk/lab/workload.sh -t 5 -p "proc mem"
expect_memfree_back "$before" "the failed load"
expect "a normal load works" vmk_load
expect_status_running
expect "and unloads" vmkctl unload
