# SPDX-License-Identifier: GPL-2.0-only
# The MMIO emulator honours the guest's own page protections (issue 9 item
# 8): the guest tests/guest/mmio_rights runs instructions that vmk must
# emulate (an IOAPIC access, TCG has no decode assists) while their other
# operand is on a page its MMU refuses: MOVS from the IOAPIC to a
# supervisor-only page and to a read-only page at CPL 3, and to the
# read-only page at CPL 0 with CR0.WP=1; a store that crosses from the
# IOAPIC into a supervisor-only page; an ADD to the IOAPIC through a
# read-only mapping. Each must get the #PF the MMU gives (error code,
# CR2, faulting CS) with the target unchanged, and the permitted forms
# (a user page, CR0.WP=0) must go through. On bare QEMU the same guest
# passes all 7 checks; before the walk checked rights, vmk wrote the
# supervisor-only and read-only pages.
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/mmio-rights.vmx mmio-rights mmio_rights
vm_up mmio-rights /tmp/mmio-rights.vmx
vmkctl vm console mmio-rights --expect "checks passed" --timeout 240 \
	> /tmp/mmio-rights-console.txt 2>&1 || true
grep "mmio_rights: " /tmp/mmio-rights-console.txt
vm_wait_stopped mmio-rights 60 || true
vmkctl vm info mmio-rights
expect "the guest ran all its checks" grep -q "checks passed" /tmp/mmio-rights-console.txt
expect_fail "no check failed" grep -q "FAILED\|unexpected exception" /tmp/mmio-rights-console.txt
expect "every access got the #PF the guest's MMU gives, or went through" \
	grep -q "mmio_rights: 7 of 7 checks passed: PASS" /tmp/mmio-rights-console.txt
expect "the guest powered itself off" test "$(vm_field mmio-rights reason)" = "guest powered off"
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload gives the machine back" vmkctl unload
