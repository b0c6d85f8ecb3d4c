# SPDX-License-Identifier: GPL-2.0-only
# A VMFS volume on a disk that arrives while the vmkernel drives the HBA
# is mounted by the next rescan (docs/storage.md "Rescan"). The volume
# is made through the vmkernel on QEMU's hot-added lun2 (grown to 300
# MiB: VMFS-3 needs 273), the vmkernel unloaded and the disk unplugged;
# after the next load the disk is plugged in again, and a rescan lists
# it and mounts its volume read-write, once. Before the volume is made,
# a VM powered off that maps lun2 raw keeps it from vmkfstools -C (its
# next power-on works), until it is unregistered. Then the volume's
# header is moved aside by the COS, a third load finds no volume, and a
# Linux VM that maps lun2 raw puts the header back and is killed: a
# rescan leaves its disk alone (it powers on again) until it is
# unregistered, and the next rescan mounts the volume. At the end lun2
# is wiped, shrunk back to 32 MiB and unplugged, as the next scenarios
# of this lab boot expect it.
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload storage=1" vmk_load storage=1
host_request hotadd lun2 4
rescan_until "^vmhba0:C0:T4:L0 " || true
host_request resize lun2 300
rescan_until "^vmhba0:C0:T4:L0 *disk *614400 " || true
cat /tmp/rescan.txt
expect "a rescan lists lun2 at target 4 with its 300 MiB" \
	grep -q "^vmhba0:C0:T4:L0 *disk *614400 *512 *314572800 " /tmp/rescan.txt

# A VM that maps lun2 raw, powered off: the vmkernel holds it, and its disk is not formatted over.
vm_make_guest_vmx /tmp/raw4.vmx raw4 cpu_spin 'scsi0.present = "TRUE"' \
	'scsi0.virtualDev = "pvscsi"' 'scsi0:0.present = "TRUE"' \
	'scsi0:0.fileName = "vmhba0:C0:T4:L0"'
vm_up raw4 /tmp/raw4.vmx
expect "kill raw4" vmkctl vm kill raw4
expect "raw4 is off" vm_wait_state raw4 off 30
vmkfstools -C vmfs3 -S hot vmhba0:C0:T4:L0 > /tmp/raw4-format.txt 2>&1 &&
	fail "vmkfstools -C formats a powered-off VM's raw disk"
cat /tmp/raw4-format.txt
expect "the refusal names the VM" \
	grep -q "vmhba0:C0:T4:L0 is vm 'raw4''s raw disk: nothing written" /tmp/raw4-format.txt
expect "raw4 powers on again on its disk" vmkctl vm start raw4
expect "kill raw4 again" vmkctl vm kill raw4
expect "raw4 is off again" vm_wait_state raw4 off 30
expect "unregister raw4 (the vmkernel forgets it)" vmkctl vm unregister raw4

expect "the vmkernel makes a volume on it" vmkfstools -C vmfs3 -S hot vmhba0:C0:T4:L0
expect "mounted at once" sh -c 'vmkctl storage datastores | grep -q "^hot .* vmhba0:C0:T4:L0 (read-write, "'
expect "vmkctl unload" vmkctl unload
expect "the COS sees lun2 after the unload" wait_for_disk 4
host_request hotdel lun2
expect "and lets it go when it is unplugged" wait_for_no_disk 4

expect "insmod vmkload storage=1 again, without lun2" vmk_load storage=1
vmkctl storage datastores > /tmp/ds0.txt 2>&1; cat /tmp/ds0.txt
expect_fail "no datastore hot at load" grep -q "^hot " /tmp/ds0.txt
host_request hotadd lun2 4
rescan_until "^vmhba0:C0:T4:L0 " || true
cat /tmp/rescan.txt
expect "a rescan finds lun2" grep -q "^rescan: 1 new" /tmp/rescan.txt
vmkctl storage datastores | tee /tmp/ds1.txt
expect "and mounts its volume as datastore hot, read-write" \
	grep -q "^hot  *[0-9a-f-]*  *[0-9]*  *[0-9]*  *1048576  vmhba0:C0:T4:L0 (read-write, " /tmp/ds1.txt
expect "the log says a rescan found it" \
	vmk_log_has "vmhba0:C0:T4:L0: datastore 'hot' mounted read-write (found by a rescan)"
expect "a second rescan" sh -c 'vmkctl storage rescan > /dev/null'
expect "leaves it mounted once" test "$(vmkctl storage datastores | grep -c '^hot ')" = 1
sleep 2
expect "its heartbeat runs" sh -c \
	'vmkctl storage datastores | grep "^hot " | grep -qv "(read-write, 0 beats"'
expect "vmkctl unload" vmkctl unload

expect "the COS sees lun2 again" wait_for_disk 4
sd=$(disk_for 4)

# A volume that appears on the raw disk of a VM powered off: not mounted.
# Its header (block 2048, 1 MiB) goes to block 612352 (299 MiB, past the
# volume's end) and the guest puts it back.
expect "the COS moves the volume header aside" sh -c \
	"dd if=/dev/$sd of=/dev/$sd bs=512 skip=2048 seek=612352 count=1 conv=notrunc,fsync &&
	 dd if=/dev/zero of=/dev/$sd bs=512 seek=2048 count=1 conv=notrunc,fsync"
expect "insmod vmkload storage=1, lun2 without a volume" vmk_load storage=1 mem_mb=300
expect_fail "no datastore hot at load" sh -c 'vmkctl storage datastores | grep -q "^hot "'
vm_make_linux_vmx /tmp/rawl.vmx rawl 64 1 'scsi0.present = "TRUE"' \
	'scsi0.virtualDev = "pvscsi"' 'scsi0:0.present = "TRUE"' \
	'scsi0:0.fileName = "vmhba0:C0:T4:L0"'
vm_up rawl /tmp/rawl.vmx
vm_console_expect "rawl boots to its shell" rawl 300 "vmk-guest: shell ready"
vm_run rawl 'dd if=/dev/sda of=/dev/sda bs=512 skip=612352 seek=2048 count=1 conv=notrunc,fsync && echo H$((40+2))OK' "H42OK"
expect "kill rawl" vmkctl vm kill rawl
expect "rawl is off" vm_wait_state rawl off 30
expect "a rescan" sh -c 'vmkctl storage rescan > /dev/null'
expect_fail "does not mount the volume on rawl's disk" \
	sh -c 'vmkctl storage datastores | grep -q "^hot "'
expect "and logs why" vmk_log_has "vmhba0:C0:T4:L0: vm 'rawl' maps it raw: not mounted as a datastore"
expect "rawl powers on again on its disk" vmkctl vm start rawl
expect "kill rawl again" vmkctl vm kill rawl
expect "rawl is off again" vm_wait_state rawl off 30
expect "unregister rawl (the vmkernel forgets it)" vmkctl vm unregister rawl
expect "the next rescan" sh -c 'vmkctl storage rescan > /dev/null'
expect "mounts the volume" sh -c 'vmkctl storage datastores | grep -q "^hot .* vmhba0:C0:T4:L0 (read-write, "'
expect "vmkctl unload" vmkctl unload

# lun2 as the next scenarios of this boot expect it: no volume, 32 MiB, unplugged.
expect "the COS sees lun2 again" wait_for_disk 4
sd=$(disk_for 4)
expect "its volume header is wiped" dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
host_request resize lun2 32
host_request hotdel lun2
expect "and it is unplugged" wait_for_no_disk 4
