# SPDX-License-Identifier: GPL-2.0-only
# Unloading the vmkernel with VMs running: `vmkctl unload` refuses and names
# every running VM, `rmmod vmkload` says the module is in use (vmkload holds
# a reference per VM, and dmesg names the VMs), both VMs keep running;
# `vmkctl unload --force` powers them off and unloads, the machine is back
# under Linux and the vmkernel loads again afterwards.
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/spin-a.vmx spin-a cpu_spin
vm_make_guest_vmx /tmp/spin-b.vmx spin-b cpu_spin
vm_up spin-a /tmp/spin-a.vmx
vm_up spin-b /tmp/spin-b.vmx
vm_console_expect "spin-a runs" spin-a 300 "cpu_spin: 2"
vm_console_expect "spin-b runs" spin-b 300 "cpu_spin: 2"
vmkctl status | grep '^vcpu:'
# The VMs' worlds, one vCPU each (the COS's and the service world's are
# worlds too: count only the VMs').
expect "each VM vCPU is a vmkernel world" \
	test "$(vmkctl status | grep -c '^world: [0-9]* spin-[ab] vm vcpus=1$')" = 2
expect "no COS thread runs a vCPU" test -z "$(ps | grep '\[vmk-vm' | grep -v grep)"

vmkctl unload > /tmp/unload.txt 2>&1 && fail "vmkctl unload succeeded with VMs running"
cat /tmp/unload.txt
expect "the refusal names spin-a" grep -q "spin-a" /tmp/unload.txt
expect "the refusal names spin-b" grep -q "spin-b" /tmp/unload.txt
expect "the refusal says how to force it" grep -q -- "--force" /tmp/unload.txt
rmmod vmkload > /tmp/rmmod.txt 2>&1 && fail "rmmod vmkload succeeded with VMs running"
cat /tmp/rmmod.txt
# busybox rmmod asks with O_NONBLOCK: a module in use gives EWOULDBLOCK
# ("Resource temporarily unavailable"); kmod's rmmod says "is in use".
expect "rmmod says vmkload is in use" grep -qi "in use\|temporarily unavailable" /tmp/rmmod.txt
expect "vmkload holds a reference per VM" test "$(cat /sys/module/vmkload/refcnt)" -ge 2
expect "dmesg names the VMs that hold vmkload" dmesg_has "vm 'spin-b' (id [0-9]*) created: vmkload stays in use"
expect "vmkload is still loaded" vmk_loaded
expect "spin-a still running" test "$(vm_field spin-a state)" = running
expect "spin-b still makes progress" cpu_spin_progress spin-b 60

vmkctl unload --force > /tmp/force.txt 2>&1 || { cat /tmp/force.txt; fail "vmkctl unload --force"; }
cat /tmp/force.txt
expect "--force powered off spin-a" grep -q "powered off spin-a" /tmp/force.txt
expect "--force powered off spin-b" grep -q "powered off spin-b" /tmp/force.txt
expect_fail "vmkload is gone" vmk_loaded
expect "the COS responds" cos_responds 10
expect "the vmkernel loads again" vmk_load mem_mb=64
expect "and unloads with no VM" vmkctl unload
