# SPDX-License-Identifier: GPL-2.0-only
# Isolation: a guest (tests/guest/hostile_io_garbage) that writes random
# values in every size to every I/O port (COM1 and the reset/power ports
# last; those reset it over and over with this seed, which is its own
# business): the device models must take garbage without harming the
# vmkernel, and writes to ports no device has are dropped and counted
# (`vmkctl vm info` unassigned-io-writes).
# The COS, the vmkernel and a cpu_spin witness VM keep running
# (tests/lab/cos/vmctl.sh, vm_hostile_check).
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_hostile_check io-garbage hostile_io_garbage 20 "every port but the reset and power ports done"
expect "the writes to ports without a device were dropped and counted" \
	test "$(vm_field io-garbage unassigned-io-writes)" -gt 1000
expect "vmkctl unload --force ends the rest" vmkctl unload --force
