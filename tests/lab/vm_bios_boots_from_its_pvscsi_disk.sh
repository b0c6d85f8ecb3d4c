# SPDX-License-Identifier: GPL-2.0-only
# Boot from a virtual disk: before the vmkernel takes the HBA, the COS
# writes tests/guest/bootdisk (an MBR and 16 sectors of stage 2) to LBA 0
# of LUN 1. A BIOS VM (SeaBIOS, vmk.boot = "bios", no kernel) whose
# scsi0:0 is that LUN, mapped raw, and with an e1000 beside it: SeaBIOS
# assigns both devices' BARs itself (vmk follows them, docs/vmm.md "PCI
# BARs"), finds the disk through its PVSCSI driver, prints "Booting from
# Hard Disk..."; the MBR reads stage 2 through INT 13h, checks it and
# runs it, and stage 2 reads the disk's size through INT 13h: the lines
# show on `vmkctl vm console`, the size is the LUN's. No BAR placement
# is refused. `vmkctl vm reset` boots it again from the disk.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

LUN=vmhba0:C0:T1:L0

expect "the COS has SeaBIOS" test -f /usr/share/seabios/bios-256k.bin
expect "the boot disk image is staged" test -f $VM_GUESTS/bootdisk.img
# The COS still drives the HBA: LUN 1 is its disk on target 1.
sd=$(cos_lun_disk 1)
expect "the COS sees LUN 1" test -n "$sd"
expect "the COS writes the boot disk to LBA 0-16 of LUN 1 ($sd)" \
	dd if=$VM_GUESTS/bootdisk.img of=/dev/$sd bs=512 conv=fsync
sectors=$(printf '%08x' "$(cat /sys/block/$sd/size)")
note "LUN 1 has 0x$sectors sectors"

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=200
vm_bios_disk_vmx /tmp/biosdisk.vmx biosdisk 64 $LUN 'ethernet0.present = "TRUE"' \
	'ethernet0.virtualDev = "e1000"' 'ethernet0.address = "00:50:56:00:00:0c"'
vm_up biosdisk /tmp/biosdisk.vmx
vmkctl vm console biosdisk --expect "vmk-bootdisk: end" --timeout 300 \
	> /tmp/biosdisk-console.txt 2>&1
rc=$?
cat -v /tmp/biosdisk-console.txt; echo
vmkctl vm info biosdisk
vmkctl log | grep -E "vm [0-9]+ .*'biosdisk'|vm [0-9]+ vcpu|PCI" | tail -30
[ $rc = 0 ] || fail "the VM did not boot its disk to the boot code's last line"
expect "SeaBIOS printed its banner" grep -q "SeaBIOS (version" /tmp/biosdisk-console.txt
expect "SeaBIOS boots the hard disk" grep -q "Booting from Hard Disk" /tmp/biosdisk-console.txt
expect "the MBR ran" grep -q "vmk-bootdisk: MBR running" /tmp/biosdisk-console.txt
expect "stage 2 came through INT 13h and ran" \
	grep -q "vmk-bootdisk: stage 2 from LBA 1 runs: 16 sectors read by INT 13h and checked" \
	/tmp/biosdisk-console.txt
expect "INT 13h knows the LUN's size" \
	grep -q "vmk-bootdisk: the disk has 0x$sectors sectors" /tmp/biosdisk-console.txt
expect_fail "no FAIL line" grep -q "vmk-bootdisk: FAIL" /tmp/biosdisk-console.txt
expect_fail "no BAR placement was refused" vmk_log_has "BAR.* refused"
expect "vmkctl vm reset restarts it" vmkctl vm reset biosdisk
vm_console_expect "after the reset SeaBIOS boots the disk again" biosdisk 300 \
	"vmk-bootdisk: the disk has 0x$sectors sectors"
expect "the VM still runs" test "$(vm_field biosdisk state)" = running
expect "kill ends it" vmkctl vm kill biosdisk
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload gives the machine back" vmkctl unload --force
