# SPDX-License-Identifier: GPL-2.0-only
# Four VMs of Debian's stock kernel (2 vCPUs, 128 MiB each) run at once
# next to the COS: all four reach their shell, a command typed into each
# runs, and the COS answers within 10 s throughout (checked while they
# boot and while they run). Then all are killed and the vmkernel unloads.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

VMS="vm1 vm2 vm3 vm4"
expect "insmod vmkload takes over" vmk_load mem_mb=640
for v in $VMS; do
	vm_make_linux_vmx /tmp/$v.vmx $v 128 2
	vm_up $v /tmp/$v.vmx
	expect "the COS responds while $v starts" cos_responds 10
done
start=$(date +%s)
for v in $VMS; do
	vm_console_expect "$v reaches its shell" $v 2400 "vmk-guest: shell ready"
	expect "the COS responds ($(($(date +%s) - start)) s into the boots)" cos_responds 10
done
for v in $VMS; do
	vm_console_expect "a command runs in $v" $v 300 "hello-from-$v-$((2*21))" \
		"echo hello-from-$v-\$((2*21))\\n"
done
vmkctl vm list
for v in $VMS; do
	expect "$v is running" test "$(vm_field $v state)" = running
done
expect "the COS runs a workload next to four VMs" sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'
expect "the COS responds with four VMs running" cos_responds 10
vmkctl status
expect "vmkctl unload --force powers them off and unloads" vmkctl unload --force
