#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmkfs against tools nobody here wrote: volumes and disks made by
# vmkfstools are read by debugvmfs (and vmfs-fuse where FUSE works) with
# identical content, pass fsck.vmfs, and their descriptors pass qemu-img.
# Env: BUILD (build folder), RESULTS (log folder).
set -u
BUILD=${BUILD:-build}
RESULTS=${RESULTS:-results/vmkfs}
T=$RESULTS/vmkfs
VMKFSTOOLS=$BUILD/host/cos-tools/vmkfstools
mkdir -p "$T"
LOG=$T/log
: > "$LOG"
failures=0

fail() { echo "FAIL: $*"; echo "FAIL: $*" >> "$LOG"; failures=$((failures + 1)); }
run() { echo "+ $*" >> "$LOG"; "$@" >> "$LOG" 2>&1; }
need() { command -v "$1" > /dev/null || { echo "FAIL: $1 not installed (package $2)"; exit 1; }; }
need debugvmfs vmfs-tools
need fsck.vmfs vmfs-tools
need qemu-img qemu-utils
[ -x "$VMKFSTOOLS" ] || { echo "FAIL: $VMKFSTOOLS not built (make host-tools)"; exit 1; }

hash_vmfs() { debugvmfs "$1" cat "$2" | sha256sum | cut -d' ' -f1; }
hash_file() { sha256sum < "$1" | cut -d' ' -f1; }

# fsck.vmfs always exits 0: read its summary. It reports blocks still
# flagged to-be-zeroed (zeroedthick) as "lost" because it compares ids with
# their flag bits; it does so on ESX-made volumes too. $2 = that count.
fsck_ok() {
	out=$(fsck.vmfs "$1" 2>&1)
	echo "$out" >> "$LOG"
	for k in "Unallocated blocks" "Undefined inodes" "Orphaned inodes" "Directory errors"; do
		echo "$out" | grep -q "^$k *: 0$" || { fail "fsck.vmfs $1: $k not 0"; return; }
	done
	echo "$out" | grep -q "^Lost blocks *: $2$" || fail "fsck.vmfs $1: lost blocks not $2: $(echo "$out" | grep '^Lost')"
	echo "$out" | grep -q "referenced by multiple" && fail "fsck.vmfs $1: shared blocks"
}

# blocks still flagged to-be-zeroed in the given files
tbz_count() {
	img=$1
	shift
	total=0
	for f in "$@"; do
		n=$("$VMKFSTOOLS" -D "$img:$f" | sed -n 's/.*(\([0-9]*\) to be zeroed).*/\1/p')
		total=$((total + n))
	done
	echo $total
}

check_clean() {
	run "$VMKFSTOOLS" --check "$1" || fail "vmkfstools --check $1 found problems (exit $?)"
	n=$(debugvmfs "$1" check_vol_bitmaps 2>&1 | tee -a "$LOG" | sed -n 's/^Total errors: //p')
	[ "$n" = 0 ] || fail "debugvmfs check_vol_bitmaps $1: errors '$n'"
}

for bs in 1m 8m; do
	IMG=$T/vol-$bs.img
	rm -f "$IMG"
	truncate -s 1200M "$IMG"
	run "$VMKFSTOOLS" -C vmfs3 -b $bs -S "ext-$bs" "$IMG" || { fail "format -b $bs"; continue; }
	label=$(debugvmfs "$IMG" show fs.label 2>/dev/null || debugvmfs "$IMG" show 2>/dev/null | sed -n 's/^ *Label: //p')
	debugvmfs "$IMG" show >> "$LOG" 2>&1
	debugvmfs "$IMG" show 2>/dev/null | grep -q "Label: ext-$bs" || fail "debugvmfs does not show label ext-$bs ($label)"
	"$VMKFSTOOLS" -P "$IMG" >> "$LOG" 2>&1 || fail "vmkfstools -P $IMG"

	# content: raw images with data and zero runs, imported as each disk type
	head -c 24M /dev/urandom > "$T/data.raw"
	dd if=/dev/zero bs=1M count=9 status=none >> "$T/data.raw"
	head -c 7M /dev/urandom >> "$T/data.raw"
	want=$(hash_file "$T/data.raw")
	for fmt in thin zeroedthick eagerzeroedthick; do
		run "$VMKFSTOOLS" -i "$T/data.raw" -d $fmt "$IMG:/$fmt.vmdk" || fail "import as $fmt"
		[ "$(hash_vmfs "$IMG" /$fmt-flat.vmdk)" = "$want" ] || fail "$bs $fmt: debugvmfs content differs"
		[ "$("$VMKFSTOOLS" --cat "$IMG:/$fmt-flat.vmdk" | sha256sum | cut -d' ' -f1)" = "$want" ] ||
			fail "$bs $fmt: vmkfstools --cat content differs"
	done
	run "$VMKFSTOOLS" --mkdir "$IMG:/vm1" || fail "mkdir"
	run "$VMKFSTOOLS" -c 300m -d zeroedthick "$IMG:/vm1/big.vmdk" || fail "create 300m zeroedthick"
	run "$VMKFSTOOLS" -c 64m -d eagerzeroedthick "$IMG:/vm1/eager.vmdk" || fail "create eager"
	head -c 200000 /dev/urandom > "$T/small.bin"
	run "$VMKFSTOOLS" --import "$T/small.bin" "$IMG:/vm1/small.bin" || fail "import small file"
	[ "$(hash_vmfs "$IMG" /vm1/small.bin)" = "$(hash_file "$T/small.bin")" ] || fail "$bs small file content differs"
	head -c 30000 /dev/urandom > "$T/tiny.bin"	# fits a 64 KiB sub-block
	run "$VMKFSTOOLS" --import "$T/tiny.bin" "$IMG:/vm1/tiny.bin" || fail "import tiny file"
	[ "$(hash_vmfs "$IMG" /vm1/tiny.bin)" = "$(hash_file "$T/tiny.bin")" ] || fail "$bs sub-block file content differs"
	debugvmfs "$IMG" show 'inode["/vm1/tiny.bin"]' 2>&1 | grep -q 'ZLA: 2' || fail "tiny file is not in a sub-block"
	[ "$(hash_vmfs "$IMG" /vm1/eager-flat.vmdk)" = "$(head -c 64M /dev/zero | sha256sum | cut -d' ' -f1)" ] ||
		fail "$bs eagerzeroedthick disk is not all zeroes"
	fsck_ok "$IMG" $(tbz_count "$IMG" /zeroedthick-flat.vmdk /vm1/big-flat.vmdk)
	check_clean "$IMG"

	# qemu-img reads the descriptor + flat extent pair
	mkdir -p "$T/q"
	for fmt in thin zeroedthick eagerzeroedthick; do
		debugvmfs "$IMG" cat /$fmt.vmdk > "$T/q/$fmt.vmdk"
		debugvmfs "$IMG" cat /$fmt-flat.vmdk > "$T/q/$fmt-flat.vmdk"
		run qemu-img info "$T/q/$fmt.vmdk" || fail "qemu-img info $fmt.vmdk"
		run qemu-img compare -f vmdk -F raw "$T/q/$fmt.vmdk" "$T/q/$fmt-flat.vmdk" ||
			fail "qemu-img compare $fmt.vmdk"
		run qemu-img compare -f vmdk -F raw "$T/q/$fmt.vmdk" "$T/data.raw" ||
			fail "qemu-img compare $fmt.vmdk with the source image"
	done

	# clone, extend, rename, delete, then everything still checks
	run "$VMKFSTOOLS" -i "$IMG:/thin.vmdk" -d zeroedthick "$IMG:/vm1/clone.vmdk" || fail "clone"
	[ "$(hash_vmfs "$IMG" /vm1/clone-flat.vmdk)" = "$want" ] || fail "$bs clone content differs"
	run "$VMKFSTOOLS" -X 80m -d eagerzeroedthick "$IMG:/vm1/clone.vmdk" || fail "extend"
	run "$VMKFSTOOLS" -E "$IMG:/vm1/clone.vmdk" "$IMG:/vm1/renamed.vmdk" || fail "rename"
	debugvmfs "$IMG" cat /vm1/renamed.vmdk | grep -q '^RW 163840 VMFS "renamed-flat.vmdk"' ||
		fail "renamed descriptor does not name its extent with the new size"
	[ "$(debugvmfs "$IMG" cat /vm1/renamed-flat.vmdk | head -c 40M | sha256sum | cut -d' ' -f1)" = "$want" ] ||
		fail "$bs extended clone lost its data"
	run "$VMKFSTOOLS" -U "$IMG:/vm1/big.vmdk" || fail "delete"
	debugvmfs "$IMG" ls /vm1 2>&1 | grep -q big && fail "deleted disk still listed"
	fsck_ok "$IMG" $(tbz_count "$IMG" /zeroedthick-flat.vmdk /vm1/renamed-flat.vmdk)
	check_clean "$IMG"
	# (Debian's debugvmfs is built without VMFS_WRITE: its mkdir and
	# copy_file return EROFS even on ESX-made volumes, so no write checks)
	rm -rf "$T/q"
done

# a LUN partitioned as ESX does it: MBR with a type 0xfb partition at 1 MiB
PIMG=$T/partitioned.img
rm -f "$PIMG"
truncate -s 700M "$PIMG"
printf '\373' | dd of="$PIMG" bs=1 seek=450 conv=notrunc status=none	# type
printf '\000\010\000\000' | dd of="$PIMG" bs=1 seek=454 conv=notrunc status=none # LBA 2048
printf '\125\252' | dd of="$PIMG" bs=1 seek=510 conv=notrunc status=none	# signature
run "$VMKFSTOOLS" -C vmfs3 -S part "$PIMG" || fail "format inside an MBR partition"
[ "$(od -An -tx1 -j $((2048 * 512 + 1048576)) -N4 "$PIMG" | tr -d ' ')" = 0dd001c0 ] ||
	fail "the volume header is not inside the partition"
run "$VMKFSTOOLS" -i "$T/data.raw" -d thin "$PIMG:/p.vmdk" || fail "import into the partitioned volume"
[ "$(hash_vmfs "$PIMG" /p-flat.vmdk 2> /dev/null)" = "$(hash_file "$T/data.raw")" ] ||
	fail "partitioned volume: debugvmfs content differs"
fsck_ok "$PIMG" 0
rm -f "$PIMG"

# vmfs-fuse, where FUSE can be used here (root mounts without fusermount)
IMG=$T/vol-8m.img	# the last volume made above, whose sources are still here
if command -v vmfs-fuse > /dev/null && [ -c /dev/fuse ] &&
   { [ "$(id -u)" = 0 ] || command -v fusermount > /dev/null; }; then
	mkdir -p "$T/mnt"
	if timeout 20 vmfs-fuse "$IMG" "$T/mnt" >> "$LOG" 2>&1; then
		for fmt in thin zeroedthick eagerzeroedthick; do
			[ "$(hash_file "$T/mnt/$fmt-flat.vmdk")" = "$(hash_file "$T/data.raw")" ] ||
				fail "vmfs-fuse: $fmt-flat.vmdk content differs"
		done
		[ "$(hash_file "$T/mnt/vm1/small.bin")" = "$(hash_file "$T/small.bin")" ] ||
			fail "vmfs-fuse: vm1/small.bin content differs"
		fusermount -u "$T/mnt" 2> /dev/null || umount "$T/mnt"
	else
		fail "vmfs-fuse cannot mount the volume"
	fi
else
	echo "note: vmfs-fuse part skipped (needs /dev/fuse, and fusermount unless root)" | tee -a "$LOG"
fi

rm -f "$T"/*.img "$T"/*.raw
if [ $failures -ne 0 ]; then
	echo "vmkfs: $failures failures (log: $LOG)"
	exit 1
fi
echo "vmkfs: external checks passed"
