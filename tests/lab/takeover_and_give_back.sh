# SPDX-License-Identifier: GPL-2.0-only
# The core of the vmkernel: insmod takes over both CPUs and Linux runs on as
# the COS (hypervisor signature, no SVM visible, kvm_amd refused, workload
# passes), rmmod gives the machine back (signature gone, SVM usable again,
# workload passes again).
# timeout: 900
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

expect "no vmkernel signature before the load" test "$(cpuid_signature 0)" != "$VMK_SIGNATURE"
expect "the image checks out" vmkctl image check /lib/vmk/vmkernel.elf
expect "insmod vmkload takes over" vmk_load
dmesg | grep vmkload
for cpu in 0 1; do
	expect "cpu$cpu shows the vmkernel signature" test "$(cpuid_signature $cpu)" = "$VMK_SIGNATURE"
	expect_fail "cpu$cpu hides SVM from the COS" svm_visible $cpu
done
vmkctl status
expect "vmkctl status: 2 CPUs under control" test "$(status_field cpus)" = 2
expect "vmkctl status: the COS world with 2 vCPUs" sh -c 'vmkctl status | grep -qx "world: 1 console cos vcpus=2"'
expect "vmkctl status: running" test "$(status_field state)" = running
expect_fail "kvm_amd cannot load while the vmkernel runs" modprobe kvm_amd
dmesg | tail -2
expect "vmkctl log shows both CPUs entering the COS" vmk_log_has "cpu1: the COS runs as a guest"
expect "COS workload (60 s) under the vmkernel" sh /lib/vmk/lab/workload.sh -t 60
vmkctl status
expect "vmkctl unload gives the machine back" vmkctl unload
dmesg | tail -1
expect_fail "vmkload is gone" vmk_loaded
expect "no vmkernel signature after give-back" test "$(cpuid_signature 0)" != "$VMK_SIGNATURE"
expect "SVM visible again" svm_visible 1
expect "COS workload (30 s) after give-back" sh /lib/vmk/lab/workload.sh -t 30
expect "kvm_amd loads after give-back" modprobe kvm_amd
expect "kvm_amd unloads" rmmod kvm_amd
