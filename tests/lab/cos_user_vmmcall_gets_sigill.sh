# SPDX-License-Identifier: GPL-2.0-only
# Hypercalls are the COS kernel's alone: an unprivileged COS process that
# executes VMMCALL with every hypercall number, on each CPU, next to a
# running VM, gets SIGILL each time, as on a CPU without a hypervisor. The
# VM runs on, nothing reaches the vmkernel log, the process's page is
# unchanged, and the user cannot open /dev/vmkernel.
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

USER_UID=1000
MARKER=vmk-user-vmmcall-marker	# cos-tools/vmk-labtools/vmmcall.c

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/witness.vmx witness cpu_spin
vm_up witness /tmp/witness.vmx
vm_console_expect "the witness VM runs" witness 300 "cpu_spin: 2"
id=$(vm_field witness id)
ls -l /dev/vmkernel
for cpu in 0 1; do
	expect "uid $USER_UID on cpu$cpu: every VMMCALL raises SIGILL" \
		taskset -c $cpu vmk-labtool user-vmmcall $USER_UID "$id"
	echo "$out"
done
expect "the vmkernel logged the refusal" vmk_log_has "VMMCALL from COS user mode refused"
vmkctl log | grep "user mode refused" | tail -4
expect_fail "no hypercall wrote to the vmkernel log" vmk_log_has "$MARKER"
expect "the vmkernel runs on both CPUs" test "$(status_field cpus)" = 2
expect "the vmkernel runs on" vmkernel_alive
expect "the witness VM is still running" test "$(vm_field witness state)" = running
expect "the witness VM still makes progress" cpu_spin_progress witness 60
expect "the COS responds" cos_responds 10
expect "vmkctl unload --force ends the witness" vmkctl unload --force
