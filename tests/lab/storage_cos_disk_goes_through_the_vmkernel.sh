# SPDX-License-Identifier: GPL-2.0-only
# The COS's disks through the vmkernel (docs/storage.md "The COS's
# disks"): with vmkload storage=1 cos_disks=1:0 the COS gets LUN 1 as
# /dev/vmkd0, a block driver whose requests the vmkernel runs on its HBA.
# The COS makes ext2 on it, writes 64 MiB of random data, records its
# sha256, syncs and unmounts; after the unload Linux's own driver has the
# HBA again and its sdX of LUN 1 mounts with the same file, the same
# hash, and a superblock left clean. While the COS has LUN 1, a format
# of it and a VM mapping it raw are refused naming the COS; the LUN of a
# mounted datastore is refused to the COS with the reason (the load fails).
# timeout: 600
# kernel: built stock
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh
. /lib/vmk/lab/vmctl.sh

expect "LUN 0 is a COS disk" wait_for_disk 0
expect "LUN 1 is a COS disk" wait_for_disk 1
sd0=$(disk_for 0); sd1=$(disk_for 1)
# A datastore on LUN 0, mounted by the vmkernel at load.
expect "the COS makes VMFS-3 volume cosds on LUN 0" vmkfstools -C vmfs3 -S cosds /dev/$sd0
expect "LUN 1 starts blank" dd if=/dev/zero of=/dev/$sd1 bs=1M count=2 conv=fsync

expect_fail "insmod vmkload storage=1 cos_disks=0:0 (the datastore's LUN)" \
	vmk_load storage=1 cos_disks=0:0
vmkload_lines
expect "refused, naming the datastore" \
	vmkload_says "cos_disks=0:0: vmhba0:C0:T0:L0 holds datastore 'cosds', mounted by the vmkernel: it cannot also be the COS's disk"
expect_fail "vmkload is not loaded" vmk_loaded
expect "the COS has the HBA again" wait_for_disk 1
expect_fail "cos_disks= without storage=1 is refused" vmk_load cos_disks=1:0
expect "saying why" vmkload_says "cos_disks= needs storage=1"

expect "insmod vmkload storage=1 cos_disks=1:0" vmk_load storage=1 cos_disks=1:0
vmkload_lines
expect "/dev/vmkd0 is there" test -b /dev/vmkd0
expect "its size is LUN 1's" test "$(blockdev --getsize64 /dev/vmkd0)" = "$(vmkctl storage luns | sed -n 's/^vmhba0:C0:T1:L0 *disk .* \([0-9]*\)  QEMU.*/\1/p')"
expect "vmkload says LUN 1 is the COS's /dev/vmkd0, its size too" \
	vmkload_says "vmhba0:C0:T1:L0 is the COS.s /dev/vmkd0 through the vmkernel ($(blockdev --getsz /dev/vmkd0) blocks)"
expect "the vmkernel logged it" vmk_log_has "vmhba0:C0:T1:L0: the COS's disk now"

# While the COS has it: no format, no raw map.
vmkfstools -C vmfs3 -S nope vmhba0:C0:T1:L0 > /tmp/fmt.txt 2>&1 && fail "the COS's disk was formatted"
cat /tmp/fmt.txt
expect "a format of it is refused naming the COS" \
	grep -q "vmhba0:C0:T1:L0 is the COS's disk (vmkload cos_disks=): nothing written" /tmp/fmt.txt
vm_make_guest_vmx /tmp/raw.vmx raw cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "vmhba0:C0:T1:L0"'
expect "register raw (LUN 1 as its disk)" vmkctl vm register /tmp/raw.vmx
vmkctl vm start raw > /tmp/raw.txt 2>&1 && fail "a VM opened the COS's disk raw"
cat /tmp/raw.txt
expect "a VM's raw map of it is refused naming the COS" \
	grep -q "vmhba0:C0:T1:L0 is the COS's disk (vmkload cos_disks=): it cannot also be a VM's raw disk" /tmp/raw.txt
expect "unregister raw" vmkctl vm unregister raw

mkdir -p /mnt/vmkd
expect "mke2fs on /dev/vmkd0" mke2fs -L vmkd /dev/vmkd0
expect "mount it" mount -t ext2 /dev/vmkd0 /mnt/vmkd
t0=$(date +%s)
expect "write 64 MiB of random data" dd if=/dev/urandom of=/mnt/vmkd/data bs=1M count=64
expect "sync" sync
note "64 MiB written and synced in $(($(date +%s) - t0)) s"
sum=$(sha256sum /mnt/vmkd/data | cut -d' ' -f1)
note "sha256 $sum"
# The ring (ABI 48): requests in flight at once, fewer kicks than
# requests, answers through the doorbell.
ring=$(cat /sys/block/vmkd0/ring)
note "ring: $ring"
note "$(dmesg | grep -aE "disks' doorbell|have no doorbell" | tail -n 1; grep vmkd /proc/interrupts)"
set -- $ring
expect "more than one request was out at once" test "$6" -gt 1
expect "fewer kicks than requests" test "$4" -lt "$2"
expect "the doorbell answered requests (both kernels: the INTx line's irq)" test "$8" -gt 0
expect "umount" umount /mnt/vmkd
dmesg | grep "vmkd: " && fail "the block driver reported failed requests"
vmkctl storage adapters > /tmp/adapters.txt
expect "no timeouts or resets on the HBA" grep -q "timeouts 0 aborts 0 bus-resets 0 adapter-resets 0" /tmp/adapters.txt

expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
expect_fail "and /dev/vmkd0" test -b /dev/vmkd0
expect "LUN 1 is a COS disk again" wait_for_disk 1
sd1=$(disk_for 1)
expect "the superblock was left clean (s_state 1)" \
	test "$(od -An -tu2 -j 1082 -N 2 /dev/$sd1 | tr -d ' ')" = 1
expect "the native driver's $sd1 mounts" mount -t ext2 -o ro /dev/$sd1 /mnt/vmkd
expect "with the file of the same hash" \
	test "$(sha256sum /mnt/vmkd/data | cut -d' ' -f1)" = "$sum"
expect "umount $sd1" umount /mnt/vmkd

# The next scenarios of this boot get blank LUNs.
sd0=$(disk_for 0)
expect "LUN 0's volume headers are wiped" dd if=/dev/zero of=/dev/$sd0 bs=1M seek=1 count=1 conv=fsync
expect "LUN 1's ext2 is wiped" dd if=/dev/zero of=/dev/$sd1 bs=1M count=2 conv=fsync
