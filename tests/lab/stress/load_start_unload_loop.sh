# SPDX-License-Identifier: GPL-2.0-only
# Stress, not run by tests/run (~10 s per round): what the shared-page
# scenario does first, LOOP_ROUNDS times in one boot: load the vmkernel,
# register and start a Multiboot VM from a .vmx (vm start writes the
# .vmx's identity back), wait for its checks, force the unload. Written
# for the COS spinlock hang CI saw at `vmkctl vm start` just after a load
# (QEMU replaying an injected interrupt, docs/architecture.md "The lab's
# QEMU"); on a hang, ci/lab's cpus-at-timeout.txt names the COS functions
# on each CPU's stack.
#   ci/lab --scenario tests/lab/stress/load_start_unload_loop.sh --timeout 3600
# timeout: 3600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

rounds=${LOOP_ROUNDS:-60}
r=0
while [ $r -lt $rounds ]; do
	r=$((r + 1))
	expect "round $r: insmod vmkload" vmk_load
	vm_make_vmx /tmp/w.vmx witness 16 1 $VM_GUESTS/mbtest.elf "" "idle"
	expect "round $r: register" vmkctl vm register /tmp/w.vmx
	expect "round $r: start" vmkctl vm start witness
	vm_console_expect "round $r: the witness passes its checks" witness 120 "mbtest: PASS"
	expect "round $r: unload powers the witness off" vmkctl unload --force
	expect "round $r: unregister" vmkctl vm unregister witness
	rm -f /tmp/w.vmx
done
