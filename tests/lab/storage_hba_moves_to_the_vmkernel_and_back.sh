# SPDX-License-Identifier: GPL-2.0-only
# The vmkernel drives the lab's PVSCSI HBA (docs/storage.md): at load the
# COS lets go of it (gone from sysfs, its disks too), the vmkernel lists
# both LUNs with the sizes the COS saw, reads through its own driver the
# blocks the COS wrote before, and a COS write to the HBA's registers is
# blocked and logged without reaching the device, as are its config
# cycles to the HBA (a PCI rescan does not bring it back). At unload Linux's
# driver probes it again and the disks read as before. Without
# vmkload storage=1 the COS keeps the HBA; with a disk of it open the
# load is refused. A VMFS volume the COS made on LUN 1 with vmkfstools is
# mounted by the vmkernel at load as datastore labds (read-write, the
# capacity vmkfstools -P reported, its heartbeat advancing), is refused as
# a VM's raw disk, and is intact after unload with no live heartbeat left;
# one on LUN 0 whose file system descriptor was
# zeroed is refused with the reason and logged; vmkfstools -C on
# vmhba0:C0:T0:L0 then says what it overwrites and why it was refused,
# has the vmkernel make a new volume there and
# mount it at once (a label or a LUN in use is refused, nothing
# written), which the COS's vmkfstools reads clean after the unload.
# timeout: 300
# kernel: built stock
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh
. /lib/vmk/lab/vmctl.sh

# hba_dir: the sysfs folder of the PVSCSI function (15ad:07c0), if Linux has it.
hba_dir() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x15ad:0x07c0 ] && echo "$d"
	done
	return 0
}
cos_has_hba() { test -n "$(hba_dir)"; }

expect "the COS drives the HBA before load" cos_has_hba
hba=$(hba_dir)
bar=$(printf '%#x' $(($(head -1 "$hba/resource" | cut -d' ' -f1))))
note "HBA $(basename "$hba"), BAR $bar, driver $(basename "$(readlink "$hba/driver")")"
expect "LUN 0 is a COS disk" wait_for_disk 0
expect "LUN 1 is a COS disk" wait_for_disk 1
sd0=$(disk_for 0); sd1=$(disk_for 1)
bytes0=$(($(cat /sys/block/$sd0/size) * 512)); bytes1=$(($(cat /sys/block/$sd1/size) * 512))
note "LUN 0 is $sd0 ($bytes0 bytes), LUN 1 is $sd1 ($bytes1 bytes)"

# Without storage=1 the COS keeps the HBA and its disks.
expect "insmod vmkload (no storage=1)" vmk_load
vmkctl storage adapters > /tmp/adapters.txt
expect "the vmkernel leaves the HBA to the COS" grep -q "the COS drives it" /tmp/adapters.txt
expect "the COS still has the HBA" cos_has_hba
expect "and LUN 0" test -e /sys/block/$sd0
expect "unload" vmkctl unload

# Known content, written by the COS's own driver.
dd if=/dev/urandom of=/tmp/block0 bs=512 count=1 2>/dev/null
dd if=/dev/urandom of=/tmp/block100 bs=512 count=1 2>/dev/null
expect "the COS writes LUN 0 block 0" dd if=/tmp/block0 of=/dev/$sd0 bs=512 count=1 conv=fsync
expect "the COS writes LUN 1 block 100" dd if=/tmp/block100 of=/dev/$sd1 bs=512 seek=100 count=1 conv=fsync
# A datastore: VMFS-3 on LUN 1 made by the COS (headers from 1 MiB on,
# past block 100). Its facts as the COS's own vmkfstools reads them.
expect "the COS makes a VMFS-3 volume on LUN 1" vmkfstools -C vmfs3 -S labds /dev/$sd1
vmkfstools -P /dev/$sd1 | tee /tmp/query_before.txt
cap1=$(sed -n 's/^Capacity \([0-9]*\) .*/\1/p' /tmp/query_before.txt)
uuid1=$(sed -n 's/^UUID: //p' /tmp/query_before.txt)
expect "vmkfstools -P gives its capacity and UUID" test -n "$cap1" -a -n "$uuid1"
# A corrupt volume on LUN 0: its file system descriptor (LVM offset
# 2 MiB, the LVM at 17 MiB: block 38912) zeroed after the format.
expect "the COS makes a volume on LUN 0" vmkfstools -C vmfs3 -S broken /dev/$sd0
expect "and zeroes its file system descriptor" \
	dd if=/dev/zero of=/dev/$sd0 bs=512 seek=38912 count=1 conv=fsync

# A disk of the HBA held open (as a mount would): the load is refused.
sleep 60 < /dev/$sd1 &
holder=$!
expect_fail "insmod vmkload storage=1 while $sd1 is open" vmk_load storage=1
kill $holder; wait $holder 2>/dev/null
expect "refused, naming the open disk" vmkload_says "$sd1 on the PVSCSI HBA .* is open"
expect_fail "vmkload is not loaded" vmk_loaded
expect "the COS keeps the HBA" cos_has_hba

expect "insmod vmkload storage=1 debug=1" vmk_load storage=1 debug=1
vmkload_lines
expect "the loader handed the HBA over" vmkload_says "PVSCSI HBA .* handed to the vmkernel"
expect_fail "the COS no longer sees the HBA in sysfs" cos_has_hba
expect_fail "nor its disks" test -e /sys/block/$sd0
if command -v lspci >/dev/null; then
	lspci > /tmp/lspci.txt
	expect_fail "nor lspci" grep -q "15ad:07c0" /tmp/lspci.txt
fi

vmkctl storage adapters | tee /tmp/adapters.txt
expect "vmkctl storage adapters: vmhba0 running with 2 LUNs" \
	grep -q "^vmhba0 pvscsi pci .* bar $bar+0x[0-9a-f]* running luns 2$" /tmp/adapters.txt
vmkctl storage luns | tee /tmp/luns.txt
expect "two LUNs listed" test "$(grep -c '^vmhba0:' /tmp/luns.txt)" = 2
expect "LUN 0: a disk of $bytes0 bytes" \
	grep -q "^vmhba0:C0:T0:L0 *disk .* $bytes0  QEMU" /tmp/luns.txt
expect "LUN 1: a disk of $bytes1 bytes" \
	grep -q "^vmhba0:C0:T1:L0 *disk .* $bytes1  QEMU" /tmp/luns.txt

vmkctl storage datastores | tee /tmp/datastores.txt
expect "vmkctl storage datastores: labds on LUN 1 with the capacity vmkfstools saw" \
	grep -q "^labds  *$uuid1  *$cap1  *[0-9]*  *1048576  vmhba0:C0:T1:L0 (read-write, [0-9]* beats, [0-9]* missed, 0 failed)$" /tmp/datastores.txt
beats1=$(sed -n 's/.*T1:L0 (read-write, \([0-9]*\) beats.*/\1/p' /tmp/datastores.txt)
sleep 3
vmkctl storage datastores | tee /tmp/datastores2.txt
beats2=$(sed -n 's/.*T1:L0 (read-write, \([0-9]*\) beats.*/\1/p' /tmp/datastores2.txt)
expect "its heartbeat advances: $beats1 then $beats2 beats 3 s later" \
	test "$beats2" -ge "$((beats1 + 2))"
expect "none failed" grep -q "L0 (read-write, [0-9]* beats, [0-9]* missed, 0 failed)$" /tmp/datastores2.txt
expect "LUN 0's corrupt volume is refused with the reason" \
	grep -q "^vmhba0:C0:T0:L0: VMFS volume not mounted: no file system descriptor at LVM offset 0x200000" /tmp/datastores.txt
expect "and logged" vmk_log_has "vmhba0:C0:T0:L0: VMFS volume not mounted: no file system descriptor"
expect "the vmkernel logged the mount" vmk_log_has "vmhba0:C0:T1:L0: datastore 'labds' mounted read-write"
# A LUN holding a datastore is not also a VM's raw disk.
vm_make_guest_vmx /tmp/raw.vmx raw cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "vmhba0:C0:T1:L0"'
expect "register raw (LUN 1 as its disk)" vmkctl vm register /tmp/raw.vmx
vmkctl vm start raw > /tmp/raw.txt 2>&1 && fail "a VM opens the datastore's LUN raw"
cat /tmp/raw.txt
expect "the refusal names the datastore" \
	grep -q "vmhba0:C0:T1:L0 holds datastore 'labds', mounted by the vmkernel: it cannot also be a VM's raw disk" /tmp/raw.txt
expect "unregister raw" vmkctl vm unregister raw

expect "read LUN 0 block 0 through the vmkernel" sh -c 'vmkctl storage read 0:0 0 > /tmp/v0'
expect "it is what the COS wrote" cmp /tmp/block0 /tmp/v0
expect "read LUN 1 block 100 through the vmkernel" sh -c 'vmkctl storage read 1:0 100 > /tmp/v100'
expect "it is what the COS wrote" cmp /tmp/block100 /tmp/v100
expect_fail "a read beyond the LUN's end is refused" \
	vmkctl storage read 0:0 $((bytes0 / 512))
expect "and says why" sh -c "vmkctl storage read 0:0 $((bytes0 / 512)) 2>&1 | grep -q 'beyond the LUN'"

# vmkfstools -C on a LUN of the vmkernel: the vmkernel makes the volume
# and mounts it. Refused, nothing written, for a label or a LUN in use.
vmkfstools -C vmfs3 -S labds vmhba0:C0:T0:L0 > /tmp/fmt1.txt 2>&1 &&
	fail "a second datastore named labds was made"
cat /tmp/fmt1.txt
expect "the refusal names the datastore with that label" \
	grep -q "vmhba0:C0:T0:L0: datastore 'labds' on vmhba0:C0:T1:L0 has that label" /tmp/fmt1.txt
vmkfstools -C vmfs3 -S other vmhba0:1:0 > /tmp/fmt2.txt 2>&1 &&
	fail "labds's LUN was formatted under it"
cat /tmp/fmt2.txt
expect "the refusal names the datastore mounted from it" \
	grep -q "vmhba0:C0:T1:L0: datastore 'labds' is mounted from it" /tmp/fmt2.txt
expect "LUN 0 (its corrupt volume) gets a new one through the vmkernel" \
	sh -c 'vmkfstools -C vmfs3 -b 2m -S fresh vmhba0:C0:T0:L0 > /tmp/fmt3.txt'
cat /tmp/fmt3.txt
expect "vmkfstools says first what it overwrites and why it was refused" \
	grep -q "^vmhba0:C0:T0:L0: overwriting the VMFS volume the vmkernel refused to mount: no file system descriptor" /tmp/fmt3.txt
expect "vmkfstools says it is mounted" grep -q "^Mounted as datastore 'fresh' (UUID " /tmp/fmt3.txt
vmkctl storage datastores | tee /tmp/datastores3.txt
expect "fresh is a datastore on LUN 0, read-write, with 2 MiB blocks" \
	grep -q "^fresh  *[0-9a-f-]*  *[0-9]*  *[0-9]*  *2097152  vmhba0:C0:T0:L0 (read-write, " /tmp/datastores3.txt
expect "labds is still mounted on LUN 1" grep -q "^labds .* vmhba0:C0:T1:L0 (read-write, " /tmp/datastores3.txt
expect_fail "LUN 0's refusal is gone" grep -q "^vmhba0:C0:T0:L0: VMFS volume not mounted" /tmp/datastores3.txt
expect "the vmkernel logged it" vmk_log_has "vmhba0:C0:T0:L0: datastore 'fresh' made and mounted read-write"
uuid0=$(sed -n 's/^fresh  *\([0-9a-f-]*\) .*/\1/p' /tmp/datastores3.txt)

# ADAPTER_RESET (1) into the command register: had it reached the device,
# its rings would be gone and the next read would time out.
insmod "$VMK_MODULES/vmk_peek.ko" mmio=1 pa=$bar value=1 2>/dev/null
dmesg | grep "vmk_peek: mmio"
expect "the COS's write hit the sink page" dmesg_has "vmk_peek: mmio pa .* after writing 0x1 read 0x1"
expect "the vmkernel logged the blocked access" \
	vmk_log_has "COS access to a device the vmkernel owns blocked"
expect "the device kept its rings: a read still works" sh -c 'vmkctl storage read 0:0 0 > /tmp/v0b'
expect "with the same data" cmp /tmp/block0 /tmp/v0b
# Config space: a rescan of the COS's PCI buses must not find it again.
expect "the COS rescans its PCI buses" sh -c 'echo 1 > /sys/bus/pci/rescan'
expect_fail "and does not find the HBA" cos_has_hba
expect "the vmkernel refused and logged its config cycles" \
	vmk_log_has "COS PCI configuration access to the device the vmkernel owns .* refused"
expect "other devices are still there (e1000)" grep -q 0x100e /sys/bus/pci/devices/*/device
vmkctl storage adapters > /tmp/adapters.txt
expect "no timeouts or resets" grep -q "timeouts 0 aborts 0 bus-resets 0 adapter-resets 0" /tmp/adapters.txt

expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
expect "the COS sees the HBA again" cos_has_hba
expect "bound to its driver" test -e "$(hba_dir)/driver"
expect "LUN 0 is a COS disk again" wait_for_disk 0
sd0=$(disk_for 0)
expect "the COS reads LUN 0 block 0" dd if=/dev/$sd0 of=/tmp/c0 bs=512 count=1
expect "as it was written" cmp /tmp/block0 /tmp/c0
expect "LUN 1 is a COS disk again" wait_for_disk 1
sd1=$(disk_for 1)
vmkfstools -P /dev/$sd1 | tee /tmp/query_after.txt
expect "the vmkernel left no live heartbeat" grep -q "^Active heartbeats: 0$" /tmp/query_after.txt
expect "the volume is as the COS made it" cmp /tmp/query_before.txt /tmp/query_after.txt
expect "and checks clean" vmkfstools --check /dev/$sd1
vmkfstools -P /dev/$sd0 | tee /tmp/query0.txt
expect "the COS reads the volume the vmkernel made on LUN 0, its UUID" \
	grep -q "^UUID: $uuid0$" /tmp/query0.txt
expect "its label" grep -q "^File system label (if any): fresh$" /tmp/query0.txt
expect "and its block size" grep -q "^Capacity [0-9]* ([0-9]* file blocks \* 2097152)" /tmp/query0.txt
expect "with no live heartbeat" grep -q "^Active heartbeats: 0$" /tmp/query0.txt
expect "and it checks clean" vmkfstools --check /dev/$sd0

# The next scenarios of this lab boot get blank LUNs, as a boot of their
# own would give them: a volume left here is mounted at their load and
# heartbeaten, and storage_hung_lun_fails_fast_then_comes_back throttles
# LUN 1 (its timeouts would be the heartbeat's, not its own reads').
for sd in $sd0 $sd1; do
	expect "the volume headers on $sd are wiped for the next scenario" \
		dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
done
