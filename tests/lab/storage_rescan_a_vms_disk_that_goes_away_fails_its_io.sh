# SPDX-License-Identifier: GPL-2.0-only
# A LUN unplugged under a running VM (docs/storage.md "Rescan"). QEMU
# plugs a 32 MiB disk into the HBA at target 4 (ci/lab host request
# "hotadd lun2 4"), a rescan lists it, and a stock Linux VM gets it as
# scsi0:0 and reads the host's marker from its block 0. Then QEMU
# unplugs it: a rescan marks it gone and logs once that the VM holds it; the
# VM's next read of it fails with an I/O error (NOT READY from the
# vmkernel, not sent to the adapter) and the VM runs on; its power off
# lets go of the LUN and the next rescan drops it.
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh
. /lib/vmk/lab/vmctl.sh

LUN=vmhba0:C0:T4:L0

expect "insmod vmkload storage=1 debug=1" vmk_load storage=1 debug=1 mem_mb=300
host_request hotadd lun2 4
rescan_until "^$LUN .*disk" || true
cat /tmp/rescan.txt
expect "a rescan lists the hot-added LUN" grep -q "^$LUN *disk " /tmp/rescan.txt

vm_make_vmx /tmp/gone.vmx gone 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
	"console=ttyS0 pci=noacpi no_timer_check" \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' "scsi0:0.fileName = \"$LUN\""
vm_up gone /tmp/gone.vmx
vm_console_expect "the VM boots to its shell" gone 300 "vmk-guest: shell ready"
vm_run gone 'dd if=/dev/sda bs=512 count=1 2>/dev/null | grep -q vmk-lab-lun2 && echo M$((6*7))OK' "M42OK" 120

host_request hotdel lun2
rescan_until "^$LUN .*(gone" || true
cat /tmp/rescan.txt
expect "a rescan marks the LUN gone" grep -q "^$LUN .*(gone: not found by the last rescan)" /tmp/rescan.txt
expect "and logs that the VM holds it" vmk_log_has "storage: $LUN is gone; vm 'gone' holds it"
expect "the VM still holds it: the next rescan keeps it" sh -c \
	"vmkctl storage rescan | grep -q '^$LUN .*(gone'"
vmkctl log > /tmp/vmk-log.txt
expect "the log line came once" test "$(grep -c "$LUN is gone; vm 'gone' holds it" /tmp/vmk-log.txt)" = 1
vm_run gone 'echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/sda of=/dev/null bs=4096 skip=1000 count=1; echo RC$((6*7))=$?' "RC42=1" 120
vm_run gone 'dmesg | grep -i "sd 0:0:0:0" | tail -3; echo D$((6*7))' "D42" 60
expect "the VM runs on" test "$(vm_field gone state)" = running
expect "the COS's read of it fails at once" sh -c \
	"vmkctl storage read 4:0 0 2>&1 >/dev/null | grep -q 'that LUN is gone'"
expect "LUN 0 still reads" sh -c 'vmkctl storage read 0:0 0 > /dev/null'
expect "kill the VM" vmkctl vm kill gone
expect "it is off" vm_wait_state gone off 60
vmkctl storage rescan > /tmp/rescan.txt; cat /tmp/rescan.txt
expect "let go, the next rescan drops the LUN" grep -q "^rescan: 0 new, 0 gone, 0 resized, 1 dropped" /tmp/rescan.txt
expect "unregister the VM" vmkctl vm unregister gone
expect "unload" vmkctl unload
