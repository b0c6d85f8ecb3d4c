# SPDX-License-Identifier: GPL-2.0-only
# Soak of issue 14, not run by tests/run (SOAK_CYCLES x ~1.5 min): each
# cycle loads the vmkernel, starts four VMs of Debian's stock kernel
# (2 vCPUs, 128 MiB), runs the COS workload next to them once they reach
# their shell, kills them, unloads, and checks that nothing was lost: no
# VMCB integrity message or panic, the unload succeeds, MemFree comes back.
#   ci/lab --scenario tests/lab/stress/soak_load_vms_unload.sh --timeout 3600
# timeout: 3600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

cycles=${SOAK_CYCLES:-10}
VMS="vm1 vm2 vm3 vm4"
free_kb() { awk '/^MemFree:/ {print $2}' /proc/meminfo; }
free0=$(free_kb)
c=0
while [ $c -lt $cycles ]; do
	c=$((c + 1))
	note "cycle $c of $cycles"
	expect "cycle $c: insmod vmkload takes over" vmk_load mem_mb=640
	for v in $VMS; do
		vm_make_linux_vmx /tmp/$v.vmx $v 128 2
		vm_up $v /tmp/$v.vmx
	done
	for v in $VMS; do
		vm_console_expect "cycle $c: $v reaches its shell" $v 2400 "vmk-guest: shell ready"
	done
	expect "cycle $c: the COS workload next to four VMs" sh /lib/vmk/lab/workload.sh -t 30
	for v in $VMS; do
		expect "cycle $c: $v still runs" test "$(vm_field $v state)" = running
	done
	if vmk_log_has "holds the vmkernel\|aliased\|PANIC"; then
		vmkctl log | tail -60
		fail "cycle $c: VMCB integrity"
	fi
	for v in $VMS; do
		expect "cycle $c: kill $v" vmkctl vm kill $v
		expect "cycle $c: unregister $v" vmkctl vm unregister $v
	done
	expect "cycle $c: vmkctl unload gives the machine back" vmkctl unload
	expect_fail "cycle $c: vmkload is gone" vmk_loaded
done
sleep 2
expect "MemFree back within 8 MiB after $cycles cycles ($free0 -> $(free_kb) KiB)" \
	test $(($(free_kb) + 8192)) -ge "$free0"
