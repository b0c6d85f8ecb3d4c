# SPDX-License-Identifier: GPL-2.0-only
# Linux keeps working as the COS: after insmod, every CPU shows the vmkernel's
# CPUID signature and no SVM, vmkctl status shows every CPU and the COS world,
# and the 60-s COS workload (processes, memory, disk, network, timers on each
# CPU) passes; after the unload the signature is gone, SVM is visible again and
# the same workload passes on plain Linux (20 s: every part does at least
# one round; what the unload could have broken shows in the first one).
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

expect "no vmkernel signature before the load" test "$(cpuid_signature 0)" != "$VMK_SIGNATURE"
expect "insmod vmkload takes over" vmk_load
vmkload_lines
expect_status_running
for cpu in 0 1; do
	expect "cpu$cpu shows the vmkernel signature" test "$(cpuid_signature $cpu)" = "$VMK_SIGNATURE"
	expect_fail "cpu$cpu hides SVM from the COS" svm_visible $cpu
done
expect "vmkctl log shows both CPUs entering the COS" vmk_log_has "cpu1: the COS runs as a guest"
note "COS workload, 60 s, under the vmkernel"
sh /lib/vmk/lab/workload.sh -t 60 || fail "the COS workload failed under the vmkernel"
expect_status_running
expect "vmkctl unload gives the machine back" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
expect "no vmkernel signature after give-back" test "$(cpuid_signature 0)" != "$VMK_SIGNATURE"
expect "SVM visible again" svm_visible 1
note "the same COS workload, 20 s, after the unload"
sh /lib/vmk/lab/workload.sh -t 20 || fail "the COS workload failed after the unload"
