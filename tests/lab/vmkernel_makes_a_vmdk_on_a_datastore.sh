# SPDX-License-Identifier: GPL-2.0-only
# Virtual disks made through the vmkernel (docs/storage.md "Making
# virtual disks"): before load the COS makes a VMFS-3 volume mkvd on
# LUN 1; loaded with storage=1, vmkfstools --mkdir and -c -d thin on
# /vmfs/volumes/mkvd/... ask the vmkernel, which makes the folder, the
# extent and a descriptor the COS's vmkfstools would write. A disk that
# exists, a missing folder, a datastore not mounted, a thick disk with no
# room and -k on a thin disk are refused with a sentence. A 256 MiB
# eagerzeroedthick disk is zeroed in the vmkernel's steps (VMK_VDISK_OP_ZERO,
# 16 MiB each) and a zeroedthick one is made eager by -k. A stock Linux VM sees the 32 MiB disk, writes 4 MiB of random
# data at 1 MiB and reads the same hash back past its page cache. While
# it runs, vmkfstools -P names it as the disk's holder and -U and -X are
# refused; killed, -P shows the 4 blocks written, -X grows the disk to
# 64 MiB (thin stays thin), shrinking and --rmdir of a folder with disks
# are refused, -E renames the zeroedthick disk (not onto an existing
# one) and -U deletes it. After unload the COS's
# vmkfstools finds the volume clean, the descriptor thin and 64 MiB, the
# extent with only those blocks and the guest's data, the deleted disk's
# two files gone, and no block of the eager disk left to be zeroed.
# While the VM runs, the datastore is mounted in the COS (mount -t vmkfs,
# VMK_HC_VMFS_FILE): cp of 4 MiB in and out (same hash), ls -l, mkdir,
# rm, rmdir work, the VM's extent is refused as busy naming the VM, and
# the file is on the volume after unload. The
# volume header is wiped at the end for the next scenario of the boot.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

DIR=/vmfs/volumes/mkvd/vm1
DISK="[mkvd] vm1/thin.vmdk"

# refused DESC PATTERN ARGS...: vmkfstools ARGS fails and says PATTERN.
refused() {
	_d=$1 _p=$2; shift 2
	expect_fail "$_d" sh -c 'vmkfstools "$@" 2>/tmp/mkvd-err.txt' vmkfstools "$@"
	cat /tmp/mkvd-err.txt
	expect "with a sentence: $_p" grep -q "$_p" /tmp/mkvd-err.txt
}

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk" test -n "$sd"
expect "the COS makes VMFS-3 volume mkvd on LUN 1" vmkfstools -C vmfs3 -S mkvd /dev/$sd

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
vmkctl storage datastores | tee /tmp/ds.txt
expect "the vmkernel mounted datastore mkvd" grep -q "^mkvd .* vmhba0:C0:T1:L0 (read-write" /tmp/ds.txt

expect "the vmkernel makes folder $DIR" vmkfstools --mkdir $DIR
expect "and a thin disk of 32 MiB in it" vmkfstools -c 32m -d thin "$DISK"
refused "a second folder of the name" "exists already" --mkdir "[mkvd] vm1"
refused "a disk that exists" "vm1/thin.vmdk: the disk or its extent exists already" -c 8m -d thin "$DISK"
refused "a disk in a missing folder" "its folder is missing" -c 8m /vmfs/volumes/mkvd/none/a.vmdk
refused "a disk on a datastore not mounted" "no datastore 'nods' is mounted" \
	-c 8m /vmfs/volumes/nods/vm1/a.vmdk
refused "a thick disk with no room" "no space: " -c 100g -d zeroedthick $DIR/big.vmdk
vmkfstools -c 256m -d eagerzeroedthick $DIR/ezt.vmdk > /tmp/mkvd-ezt.txt 2>&1
rc=$?
tr '\r' '\n' < /tmp/mkvd-ezt.txt
expect "an eagerzeroedthick disk of 256 MiB is made (rc $rc)" test $rc = 0
expect "its zeroing ran in steps to the end" grep -q "Zeroing: 100% done" /tmp/mkvd-ezt.txt
expect "with progress between" sh -c "tr '\r' '\n' < /tmp/mkvd-ezt.txt | grep -q 'Zeroing: [1-9][0-9]*% done'"
expect "a zeroedthick disk of 48 MiB" vmkfstools -c 48m -d zeroedthick $DIR/zt.vmdk
expect "-k makes it eagerzeroedthick" vmkfstools -k "[mkvd] vm1/zt.vmdk"
refused "-k on a thin disk" "a thin disk has no blocks to zero" -k "$DISK"
refused "a path with .." "not a disk path" -c 8m /vmfs/volumes/mkvd/vm1/../a.vmdk
vmkctl log 2>/dev/null | grep "storage: " | tail -5 || true

vm_make_vmx /tmp/mkvd.vmx mkvd 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
	"console=ttyS0 no_timer_check" \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' "scsi0:0.fileName = \"$DISK\""
vm_up mkvd /tmp/mkvd.vmx
vm_console_expect "the VM boots to its shell" mkvd 300 "vmk-guest: shell ready"
vm_run mkvd 'echo S$((1+1))=$(cat /sys/block/sda/size)=' "S2=65536=" 120
vm_capture mkvd 'dd if=/dev/urandom of=/tmp/d bs=1M count=4 2>/dev/null; h=$(sha256sum < /tmp/d | cut -c1-64); dd if=/tmp/d of=/dev/sda bs=1M seek=1 2>/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches; r=$(dd if=/dev/sda bs=1M skip=1 count=4 2>/dev/null | sha256sum | cut -c1-64); echo "W$((6*7))=$h=$r=E$((2+3))"' \
	"=E5" 240 /tmp/mkvd.txt
hash=$(sed -n 's/.*W42=\([0-9a-f]\{64\}\)=\([0-9a-f]\{64\}\)=E5.*/\1/p' /tmp/mkvd.txt | tail -1)
back=$(sed -n 's/.*W42=\([0-9a-f]\{64\}\)=\([0-9a-f]\{64\}\)=E5.*/\2/p' /tmp/mkvd.txt | tail -1)
expect "the VM printed its data's hash" test -n "$hash"
expect "the VM reads back what it wrote ($back)" test "$back" = "$hash"
vmkfstools -P "$DISK" | tee /tmp/mkvd-P.txt
expect "-P names the VM holding the disk" grep -q "^Held by: vm 'mkvd'$" /tmp/mkvd-P.txt
refused "-U of a disk the VM holds" "thin.vmdk: in use by vm 'mkvd'" -U "$DISK"
refused "-X of a disk the VM holds" "in use by vm 'mkvd'" -X 64m "$DISK"

# The datastore in the COS (docs/storage.md "The datastores in the COS").
V=/vmfs/volumes/mkvd
vmfs_t0=$(date +%s)
mkdir -p $V
expect "mount -t vmkfs mkvd $V" mount -t vmkfs mkvd $V
expect "mkdir in it" mkdir $V/iso
dd if=/dev/urandom of=/tmp/mkvd-r.bin bs=1M count=4 2>/dev/null
want=$(sha256sum < /tmp/mkvd-r.bin | cut -c1-64)
expect "cp of 4 MiB into it" cp /tmp/mkvd-r.bin $V/iso/r.bin
ls -l $V $V/iso $V/vm1 | tee /tmp/mkvd-vol-ls.txt
expect "ls -l: its 4194304 bytes" sh -c "ls -l $V/iso/r.bin | awk '{print \$5}' | grep -qx 4194304"
expect "ls: the VM's disk files" grep -q " thin-flat.vmdk$" /tmp/mkvd-vol-ls.txt
expect "cp out of it" cp $V/iso/r.bin /tmp/mkvd-r-back.bin
got=$(sha256sum < /tmp/mkvd-r-back.bin | cut -c1-64)
expect "it reads back the same ($got)" test "$got" = "$want"
expect "mkdir, cp, rm and rmdir" sh -c "mkdir $V/t && cp /tmp/mkvd-r.bin $V/t/x && rm $V/t/x && rmdir $V/t && test ! -e $V/t"
expect_fail "a file the running VM holds is refused" sh -c "cat $V/vm1/thin-flat.vmdk > /dev/null 2> /tmp/mkvd-held.txt"
cat /tmp/mkvd-held.txt
expect "... as busy, the VM named in dmesg" sh -c "grep -qi busy /tmp/mkvd-held.txt && dmesg | grep -q \"VM 'mkvd' holds mkvd/vm1/thin-flat.vmdk\""
expect "vmkfstools -P on the mounted path still asks the vmkernel" vmkfstools -P "$DIR/thin.vmdk"
df $V
expect "umount $V" umount $V
rm -f /tmp/mkvd-r-back.bin
echo "the /vmfs/volumes checks took $(($(date +%s) - vmfs_t0)) s"
expect "kill the VM" vmkctl vm kill mkvd
vmkfstools -P "$DISK" | tee /tmp/mkvd-P.txt
expect "-P: 32 MiB, thin" grep -q "^Virtual disk .*: capacity 33554432 (32 MiB), format thin$" /tmp/mkvd-P.txt
expect "-P: the 4 blocks the guest wrote" grep -q "^Blocks: 32 total, 4 allocated, 0 to be zeroed, block size 1048576$" /tmp/mkvd-P.txt
expect "-P: nobody holds it now" grep -q "^Held by: nobody$" /tmp/mkvd-P.txt
vmkfstools -P $DIR/zt.vmdk | tee /tmp/mkvd-P.txt
expect "-P: the disk -k zeroed is eagerzeroedthick" grep -q "format eagerzeroedthick$" /tmp/mkvd-P.txt
expect "-X grows the thin disk to 64 MiB" vmkfstools -X 64m "$DISK"
vmkfstools -P "$DISK" | tee /tmp/mkvd-P.txt
expect "-P: 64 MiB, thin, still 4 blocks" sh -c "grep -q 'capacity 67108864 (64 MiB), format thin\$' /tmp/mkvd-P.txt && grep -q '^Blocks: 64 total, 4 allocated' /tmp/mkvd-P.txt"
refused "shrinking a disk" "a disk only grows" -X 16m "$DISK"
refused "--rmdir of a folder with disks" "the folder is not empty" --rmdir $DIR
expect "-E renames the zeroedthick disk" vmkfstools -E "[mkvd] vm1/zt.vmdk" "[mkvd] vm1/zt2.vmdk"
refused "-E onto an existing disk" "the new name or its extent exists already" \
	-E "[mkvd] vm1/zt2.vmdk" "$DISK"
expect "-U deletes it by its new name" vmkfstools -U "[mkvd] vm1/zt2.vmdk"
refused "-P of the deleted disk" "no such file on the datastore" -P $DIR/zt2.vmdk
expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the volume checks clean" vmkfstools --check /dev/$sd
vmkfstools --cat /dev/$sd:/vm1/thin.vmdk | tee /tmp/mkvd-desc.txt
expect "the descriptor names the flat extent" grep -q '^RW 131072 VMFS "thin-flat.vmdk"$' /tmp/mkvd-desc.txt
expect "the descriptor says thin" grep -q '^ddb.thinProvisioned = "1"$' /tmp/mkvd-desc.txt
vmkfstools -D /dev/$sd:/vm1/thin-flat.vmdk | tee /tmp/mkvd-D.txt
expect "the thin extent has the 4 blocks written" \
	grep -q "size 67108864, 4 blocks allocated" /tmp/mkvd-D.txt
expect "the COS reads the extent" sh -c "vmkfstools --cat /dev/$sd:/vm1/thin-flat.vmdk > /tmp/mkvd-flat"
on_disk=$(dd if=/tmp/mkvd-flat bs=1M skip=1 count=4 2>/dev/null | sha256sum | cut -c1-64)
rm -f /tmp/mkvd-flat
expect "the extent holds the guest's data ($on_disk)" test "$on_disk" = "$hash"
vmkfstools -D /dev/$sd:/vm1/ezt-flat.vmdk | tee /tmp/mkvd-ezt-D.txt
expect "the eager disk has every block zeroed" \
	grep -q "size 268435456, 256 blocks allocated (0 to be zeroed)" /tmp/mkvd-ezt-D.txt
on_disk=$(vmkfstools --cat /dev/$sd:/iso/r.bin | sha256sum | cut -c1-64)
expect "the file cp put through /vmfs/volumes is on the volume ($on_disk)" test "$on_disk" = "$want"
vmkfstools --ls /dev/$sd:/vm1 | tee /tmp/mkvd-ls.txt
expect_fail "-E and -U left no file of the deleted disk" grep -qE " zt2?(-flat)?\.vmdk$" /tmp/mkvd-ls.txt
expect "... and left the other disks' files" grep -qE " ezt-flat\.vmdk$" /tmp/mkvd-ls.txt

expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
