# SPDX-License-Identifier: GPL-2.0-only
# Isolation: a guest (tests/guest/hostile_mmio_garbage) that writes random
# values to every MMIO range and hole (every IOAPIC and LAPIC register
# first, then the legacy hole, the device area, above RAM): the device models
# take the garbage, and the holes behave as on a PC (reads all ones, writes
# dropped, counted in `vmkctl vm info` unassigned-mmio), so the guest gets
# through all of it and powers itself off. The COS, the vmkernel and a
# cpu_spin witness VM keep running (tests/lab/cos/vmctl.sh,
# vm_hostile_check).
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_hostile_check mmio-garbage hostile_mmio_garbage 300 "IOAPIC done"
expect "the garbage was dropped and counted" \
	test "$(vm_field mmio-garbage unassigned-mmio)" -gt 1000
expect "the guest got through every hole and powered itself off" \
	test "$(vm_field mmio-garbage reason)" = "guest powered off"
expect "vmkctl unload --force ends the rest" vmkctl unload --force
