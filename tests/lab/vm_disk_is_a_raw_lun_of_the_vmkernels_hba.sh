# SPDX-License-Identifier: GPL-2.0-only
# A stock Linux VM with a PVSCSI adapter (scsi0) whose disk scsi0:2
# (target 2) is LUN 1 of the vmkernel's HBA, mapped raw (docs/storage.md "VM disks"):
# vmw_pvscsi finds the adapter, /dev/sda has the LUN's size, a 4 KiB
# pattern written at LBA 2048 reads back after the guest drops its
# caches, and `vmkctl storage read` in the COS sees the same bytes on
# the LUN (`vmkctl storage disks` counts the write on disk1's LUN), as
# does the COS's own driver after unload. A hostile guest on
# LUN 0 sends bad requests (LBAs past the end, data, SG lists and rings
# outside its RAM, absurd lengths, an absent target): each gets its
# error, good requests between them work, the stopped adapter is logged;
# rings of 4 MiB READs (1 GiB) complete in order while `vmkctl vm info`
# answers within 5 s, its reads into its RAM going direct (the HBA's SG
# list on its pages, counted at its release); and disk1 reads its
# pattern after. A second VM naming
# the same LUN, and one naming a LUN that does not exist, are refused at
# start with a sentence; the first VM runs on. The guests boot with ACPI
# and no pci=noacpi: they find the adapter under the DSDT's PCI root
# bridge and its interrupt (GSI 10) in its _PRT.
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

LUN=vmhba0:C0:T1:L0

# disk_vmx FILE NAME LUN: a 1-vCPU Linux VM with scsi0:2 = LUN.
disk_vmx() {
	vm_make_vmx "$1" "$2" 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
		"console=ttyS0 no_timer_check" \
		'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
		'scsi0:2.present = "TRUE"' "scsi0:2.fileName = \"$3\""
}

expect "insmod vmkload storage=1 debug=1" vmk_load storage=1 debug=1 mem_mb=300
vmkctl storage luns | tee /tmp/luns.txt
blocks=$(sed -n "s/^$LUN *disk *\([0-9]*\) .*/\1/p" /tmp/luns.txt)
expect "the vmkernel lists $LUN as a disk" test -n "$blocks"
note "$LUN has $blocks blocks of 512 bytes"

disk_vmx /tmp/disk1.vmx disk1 $LUN
disk_vmx /tmp/disk2.vmx disk2 $LUN
disk_vmx /tmp/disk9.vmx disk9 vmhba0:C0:T9:L0
vm_up disk1 /tmp/disk1.vmx
vm_console_expect "disk1 boots to its shell" disk1 300 "vmk-guest: shell ready"

expect "register disk2 (the same LUN)" vmkctl vm register /tmp/disk2.vmx
vmkctl vm start disk2 > /tmp/disk2.txt 2>&1 && fail "a second VM opens $LUN read-write"
cat /tmp/disk2.txt
expect "the refusal names the LUN and its holder" \
	grep -q "scsi0:2: $LUN is in use read-write by vm 'disk1'" /tmp/disk2.txt
expect "register disk9 (no such LUN)" vmkctl vm register /tmp/disk9.vmx
vmkctl vm start disk9 > /tmp/disk9.txt 2>&1 && fail "a VM on a missing LUN starts"
cat /tmp/disk9.txt
expect "the refusal says the LUN is not there" \
	grep -q "vmhba0:C0:T9:L0: no usable disk there" /tmp/disk9.txt

# ... and its vmw_pvscsi took the adapter's MSI (a PCI-MSI line in /proc/interrupts)
vm_run disk1 'dmesg | grep -i pvscsi | head -3; echo SD$((1+1))=$(cat /sys/block/sda/size)=$(basename $(readlink /sys/block/sda/device))=MSI$(grep -c "PCI-MSI.*vmw_pvscsi" /proc/interrupts)=' "SD2=$blocks=0:0:2:0=MSI1=" 120
yes vmk-disk-pattern-0123456789 | head -c 4096 > /tmp/pattern
vm_run disk1 'yes vmk-disk-pattern-0123456789 | head -c 4096 > /tmp/p && dd if=/tmp/p of=/dev/sda bs=4096 seek=256 && sync && echo W$((6*7))OK' "W42OK"
vm_run disk1 'echo 3 > /proc/sys/vm/drop_caches; [ "$(dd if=/dev/sda bs=4096 skip=256 count=1 2>/dev/null | md5sum)" = "$(md5sum < /tmp/p)" ] && echo R$((6*7))OK' "R42OK"
expect "the COS reads LBA 2048 of $LUN through the vmkernel" \
	sh -c 'vmkctl storage read 1:0 2048 8 > /tmp/onlun'
expect "it holds the guest's pattern" cmp /tmp/pattern /tmp/onlun
vmkctl storage disks | tee /tmp/disks.txt
expect "vmkctl storage disks lists disk1's raw LUN with the 4 KiB written, no errors, normal shares" \
	awk -v l=$LUN '$1 == "disk1" && $2 == "scsi0:2" && $3 == "raw" && $8 >= 4 && $9 == 0 && $10 == 1000 && $11 == l { ok = 1 } END { exit !ok }' /tmp/disks.txt

# A hostile guest on LUN 0 next to disk1 (tests/guest/hostile_pvscsi).
vm_make_guest_vmx /tmp/hostile.vmx hostile hostile_pvscsi \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "vmhba0:C0:T0:L0"'
vm_up hostile /tmp/hostile.vmx
vm_console_expect "the hostile guest posts rings of 4 MiB READs (1 GiB)" \
	hostile 120 "hostile_pvscsi: flood posted"
# The vmkernel takes them in batches: the COS gets vm->lock between them.
info_within() {
	_s=$(date +%s)
	vmkctl vm info hostile > /dev/null && [ $(($(date +%s) - _s)) -le "$1" ]
}
flood_s=$(date +%s)
expect "vmkctl vm info answers within 5 s meanwhile" info_within 5
vm_console_expect "the hostile guest's bad requests got errors, good ones worked" \
	hostile 300 "hostile_pvscsi: passed"
note "the flood and the last cases ended $(($(date +%s) - flood_s)) s after vm info was asked"
expect "the hostile guest powered off" vm_wait_state hostile off 60
# Its READs into its own RAM went straight into its pages (the release's line).
expect "the hostile guest's reads in RAM went direct (no bounce copy)" \
	sh -c "for i in 1 2 3 4 5; do vmkctl log | grep \"vm .* 'hostile': scsi0:0: [1-9][0-9]* pieces direct\" && exit 0; sleep 1; done; exit 1"
expect "the vmkernel logged the stopped adapter" \
	sh -c "vmkctl log | grep -q \"vm .* 'hostile': scsi0 stopped ([0-9]* so far): a PVSCSI request ring page is not in guest RAM\""
expect "disk1 is still running" test "$(vm_field disk1 state)" = running
vm_run disk1 'echo 3 > /proc/sys/vm/drop_caches; [ "$(dd if=/dev/sda bs=4096 skip=256 count=1 2>/dev/null | md5sum)" = "$(md5sum < /tmp/p)" ] && echo R$((6*8))OK' "R48OK"
vmkctl log 2>/dev/null | grep -i "scsi0\|storage:" || true

expect "vmkctl unload --force" vmkctl unload --force
expect_fail "vmkload is gone" vmk_loaded
# The COS's own driver takes the HBA back; LUN 1 is target 1.
sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the COS reads LBA 2048 of it" dd if=/dev/$sd of=/tmp/cos bs=4096 skip=256 count=1
expect "the guest's pattern is there" cmp /tmp/pattern /tmp/cos
