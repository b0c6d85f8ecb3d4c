# SPDX-License-Identifier: GPL-2.0-only
# The shared page is COS memory: a COS module that writes "panicked" into
# its state word next to a running VM makes neither the vmkernel nor the
# loader's panic watcher hand a CPU back. The vmkernel keeps both CPUs,
# the VM runs on, and the loader says once that it ignored the page. And a
# COS write that clears the page's mask of CPUs under the vmkernel does
# not make the unload skip a give-back and free the vmkernel's memory
# under them (it did: the machine reset): the loader asks each CPU
# (CPUID) instead.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

STATE_PANICKED=2	# include/vmk/abi.h, VMK_STATE_PANICKED

expect "insmod vmkload" vmk_load
shared=$(dmesg | sed -n 's/.*vmkload: vmkernel memory: .* shared page at \(0x[0-9a-f]*\).*/\1/p' | tail -1)
expect "loader names the shared page" test -n "$shared"
vm_make_vmx /tmp/w.vmx witness 16 1 $VM_GUESTS/mbtest.elf "" "idle"
expect "register the witness VM" vmkctl vm register /tmp/w.vmx
expect "start it" vmkctl vm start witness
vm_console_expect "the witness passes its checks" witness 120 "mbtest: PASS"

insmod "$VMK_MODULES/vmk_peek.ko" pa=$((shared)) value=$STATE_PANICKED 2>/dev/null
dmesg | grep vmk_peek
expect "the COS wrote the state word" dmesg_has "vmk_peek: pa .* after writing 0x2 read 0x2"
sleep 5	# the loader's watcher looks every 0.5 s; each CPU exits many times
expect "the vmkernel still runs" test "$(status_field state)" = running
expect "it still has both CPUs" test "$(status_field cpus)" = 2
expect "the module is still loaded" vmk_loaded
expect "the loader ignored the page" vmkload_says "the shared page says the vmkernel panicked, the vmkernel says it runs"
expect "the witness still runs" test "$(vm_field witness state)" = running
vm_console_expect "the witness is alive" witness 60 "mbtest: idle"
expect "the COS still works" sh /lib/vmk/lab/workload.sh -t 5 -p "proc mem"
expect "unload powers the witness off" vmkctl unload --force

note "a COS write clears the shared page's CPU mask; then rmmod"
expect "insmod vmkload again" vmk_load
shared=$(dmesg | sed -n 's/.*vmkload: vmkernel memory: .* shared page at \(0x[0-9a-f]*\).*/\1/p' | tail -1)
insmod "$VMK_MODULES/vmk_peek.ko" pa=$((shared + 8)) value=0 2>/dev/null	# cpus_virtualized
expect "the COS cleared the mask" dmesg_has "vmk_peek: pa .* after writing 0x0 read 0x0"
expect "rmmod vmkload" rmmod vmkload
dmesg | grep "vmkload\|vmk_peek" | tail -6
expect "the loader believed the CPUs, not the page" vmkload_says "the shared page said cpus 0x0 were under the vmkernel, the CPUs said 0x3"
for cpu in 0 1; do
	expect "cpu$cpu is back under Linux" test "$(cpuid_signature $cpu)" != "$VMK_SIGNATURE"
done
expect "the COS still works" sh /lib/vmk/lab/workload.sh -t 5 -p "proc mem"
