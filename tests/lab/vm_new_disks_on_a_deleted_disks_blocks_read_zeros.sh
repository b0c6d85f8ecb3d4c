# SPDX-License-Identifier: GPL-2.0-only
# Issue 10's check: "a thin disk written, deleted, and a new thin disk
# created on the same blocks reads zeros in the guest" (docs/storage.md
# "VM disks on datastores"), and the same for an eagerzeroedthick disk.
# Before load the COS makes VMFS-3 volume zerods on LUN 1 and a
# zeroedthick file that takes all its free file blocks but 32. Loaded
# with storage=1, the vmkernel makes two 16 MiB thin disks a and b (32
# MiB free); a stock Linux VM writes 16 MiB of random data over each
# (one sha256) and reads it back past its page cache: 16 blocks each,
# so a and b hold all 32 free blocks. Powered off, both are deleted
# with vmkfstools -U (32 MiB free again: their blocks, nothing else),
# then b is made again as a 16 MiB eagerzeroedthick disk (16 MiB free)
# and a as a 16 MiB thin disk (still 16 MiB free). A second VM reads
# the new a whole (zeros: nothing mapped), writes 4 KiB of zeros into
# each of its 1 MiB blocks, so that vmkfs maps 16 blocks and zeroes the
# rest of each, drops its page cache and reads a and b whole: both
# must read zeros only. How the blocks are proven the same: the free
# block counts the vmkernel's statfs gives after each -c and -U (the
# 32 free blocks are exactly a's and b's, and the new disks take 16
# each of them), and after unload -P of the volume shows 0 blocks free
# and -D 16 blocks allocated to each new extent. Without vmkfs's
# zeroing (materialize() for thin blocks, vmkfs_zero_pending() for the
# eager disk) both read the old data. The volume header is wiped at the
# end for the next scenario of the boot.
# timeout: 480
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

A="[zerods] vm1/a.vmdk"
B="[zerods] vm1/b.vmdk"
MIB=16	# each disk's size, in 1 MiB file blocks

# made_with_free DESCRIPTION MIB ARGS...: vmkfstools ARGS succeeds and
# the vmkernel's statfs after it leaves MIB MiB free on the datastore.
made_with_free() {
	_d=$1 _f=$2; shift 2
	vmkfstools "$@" > /tmp/zerods-out.txt 2>&1
	_rc=$?
	tr '\r' '\n' < /tmp/zerods-out.txt
	expect "$_d (rc $_rc)" test $_rc = 0
	expect "... leaving $_f MiB free on the datastore" \
		grep -q " $_f MiB free on its datastore\.$" /tmp/zerods-out.txt
}

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk" test -n "$sd"
expect "the COS makes VMFS-3 volume zerods on LUN 1" vmkfstools -C vmfs3 -S zerods /dev/$sd
expect "and a folder" vmkfstools --mkdir /dev/$sd:/vm1
vmkfstools -P /dev/$sd | tee /tmp/zerods-P.txt
avail=$(sed -n 's/^Capacity .* (\([0-9]*\) blocks) avail$/\1/p' /tmp/zerods-P.txt)
expect "a file takes all but $((2 * MIB)) of the $avail free blocks" \
	vmkfstools -c $((avail - 2 * MIB))m -d zeroedthick /dev/$sd:/fill.vmdk

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
vmkctl storage datastores | tee /tmp/ds.txt
expect "the vmkernel mounted datastore zerods" grep -q "^zerods .* vmhba0:C0:T1:L0 (read-write" /tmp/ds.txt
made_with_free "thin disk a of $MIB MiB" $((2 * MIB)) -c ${MIB}m -d thin "$A"
made_with_free "thin disk b of $MIB MiB" $((2 * MIB)) -c ${MIB}m -d thin "$B"

# The writer: the same random data over all of a (t0) and b (t1).
vm_disks_boot writer 96 "$A" "$B"
vm_capture writer "dd if=/dev/urandom of=/tmp/p bs=1M count=$MIB 2>/dev/null; h=\$(sha256sum < /tmp/p | cut -c1-64); for d in t0 t1; do dd if=/tmp/p of=/dev/\$d bs=1M 2>/dev/null; done; sync; echo 3 > /proc/sys/vm/drop_caches; r() { dd if=/dev/\$1 bs=1M 2>/dev/null | sha256sum | cut -c1-64; }; echo \"W\$((6*7))=\$h=\$(r t0)=\$(r t1)=E\$((2+3))\"" \
	"=E5" 300 /tmp/writer.txt
hash=$(sed -n 's/.*W42=\([0-9a-f]\{64\}\)=.*=E5.*/\1/p' /tmp/writer.txt | tail -1)
expect "the writer printed its data's hash" test -n "$hash"
expect "a and b read back the data the writer wrote over them" \
	grep -q "W42=$hash=$hash=$hash=E5" /tmp/writer.txt
vmkctl vm console writer --send 'poweroff\n' --timeout 5 > /dev/null || true
expect "the writer powers off" vm_wait_state writer off 120
for d in "$A" "$B"; do
	vmkfstools -P "$d" | tee /tmp/zerods-P.txt
	expect "$d has all its $MIB blocks" \
		grep -q "^Blocks: $MIB total, $MIB allocated, 0 to be zeroed" /tmp/zerods-P.txt
done

# Deleted, the 32 free blocks are a's and b's; the new disks take them.
made_with_free "-U deletes a" $MIB -U "$A"
made_with_free "-U deletes b: the datastore's free blocks are a's and b's" $((2 * MIB)) -U "$B"
made_with_free "an eagerzeroedthick disk b of $MIB MiB takes $MIB of them" $MIB \
	-c ${MIB}m -d eagerzeroedthick "$B"
made_with_free "a new thin disk a of $MIB MiB" $MIB -c ${MIB}m -d thin "$A"

# The reader: a (t0) read, then a piece written into each of its
# blocks; a and b read whole past the page cache.
vm_disks_boot reader 96 "$A" "$B"
vm_run reader "r() { dd if=/dev/\$1 bs=1M 2>/dev/null | sha256sum | cut -c1-64; }; c() { cmp /dev/\$1 /dev/zero 2>&1 | head -1; }; echo F\$((1+1))" \
	"F2" 60
vm_capture reader "z=\$(dd if=/dev/zero bs=1M count=$MIB 2>/dev/null | sha256sum | cut -c1-64); h=\$(r t0); i=0; while [ \$i -lt $MIB ]; do dd if=/dev/zero of=/dev/t0 bs=4k seek=\$((i * 256 + 8)) count=1 conv=notrunc 2>/dev/null; i=\$((i + 1)); done; sync; echo 3 > /proc/sys/vm/drop_caches; c t0; c t1; echo \"R\$((6*7))=\$z=\$h=\$(r t0)=\$(r t1)=E\$((2+3))\"" \
	"=E5" 300 /tmp/reader.txt
zeros=$(sed -n 's/.*R42=\([0-9a-f]\{64\}\)=.*=E5.*/\1/p' /tmp/reader.txt | tail -1)
set -- $(sed -n 's/.*R42=[0-9a-f]*=\([0-9a-f]*\)=\([0-9a-f]*\)=\([0-9a-f]*\)=E5.*/\1 \2 \3/p' /tmp/reader.txt | tail -1)
expect "the reader printed the hashes" test -n "$zeros" -a $# = 3
expect "the new thin disk a reads zeros before the guest writes it" test "$1" = "$zeros"
expect "a, written in each block, reads zeros on the old data's blocks" test "$2" = "$zeros"
expect "the new eagerzeroedthick disk b reads zeros on the old data's blocks" test "$3" = "$zeros"
vmkctl vm console reader --send 'poweroff\n' --timeout 5 > /dev/null || true
expect "the reader powers off" vm_wait_state reader off 120
vmkfstools -P "$A" | tee /tmp/zerods-P.txt
expect "a is thin with $MIB blocks mapped" sh -c \
	"grep -q 'format thin\$' /tmp/zerods-P.txt && grep -q '^Blocks: $MIB total, $MIB allocated, 0 to be zeroed' /tmp/zerods-P.txt"
vmkfstools -P "$B" | tee /tmp/zerods-P.txt
expect "b is eagerzeroedthick with $MIB blocks" sh -c \
	"grep -q 'format eagerzeroedthick\$' /tmp/zerods-P.txt && grep -q '^Blocks: $MIB total, $MIB allocated, 0 to be zeroed' /tmp/zerods-P.txt"

expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the volume checks clean" vmkfstools --check /dev/$sd
vmkfstools -P /dev/$sd | tee /tmp/zerods-P.txt
expect "no file block is free: the new disks hold the old ones' blocks" \
	grep -q "^Capacity .* (0 blocks) avail$" /tmp/zerods-P.txt
for f in a b; do
	vmkfstools -D /dev/$sd:/vm1/$f-flat.vmdk | tee /tmp/zerods-D.txt
	expect "$f-flat.vmdk has $MIB blocks" \
		grep -q "size $((MIB << 20)), $MIB blocks allocated (0 to be zeroed)" /tmp/zerods-D.txt
done

expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
