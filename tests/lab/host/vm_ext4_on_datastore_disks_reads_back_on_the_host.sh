#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ext4 in a VM on virtual disks of a datastore, read back by a second VM
# and on the host (issue 10, "How it is checked", first point, at full
# size). In the lab's COS, loaded with storage=1: the vmkernel makes
# VMFS-3 volume ext4ds on LUN 0 (vmkfstools -C vmfs3 ... vmhba0:C0:T0:L0),
# a 512 MiB eagerzeroedthick and a 256 MiB thin disk on it. A stock
# Linux VM (Debian's 686-pae, direct boot) makes ext4 on each with
# Debian's mkfs.ext4, writes a file of 64 MiB of random data to each and
# records their sha256, unmounts and powers off; a second VM attaches
# the same disks, mounts them read-only and reads the same hashes; the
# COS unloads and its vmkfstools finds the volume clean. On the host,
# from LUN 0's image (kept by VMK_LAB_KEEP_LUNS=1, removed after a pass):
# fsck.vmfs finds nothing wrong, debugvmfs reads both flat extents, e2fsck
# finds each ext4 image clean, debugfs reads the file with the guest's
# hash, and the image mounts (read-only, loop) with the same file and
# hash where the host can mount. Timings: "ext4-lab:" lines of the log.
set -u
results=${RESULTS:?}
mkdir -p "$results"
for t in fsck.vmfs debugvmfs e2fsck debugfs; do
	command -v $t > /dev/null || { echo "FAIL: $t missing: install vmfs-tools and e2fsprogs (ci/packages)"; exit 1; }
done
cos=$results/ext4_cos_part.sh
cat > "$cos" <<'SH'
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

EZT="[ext4ds] vm1/ezt.vmdk"
THIN="[ext4ds] vm1/thin.vmdk"
# secs_since T: seconds since date +%s gave T
secs_since() { echo $(($(date +%s) - $1)); }

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
t=$(date +%s)
expect "the vmkernel makes VMFS-3 volume ext4ds on LUN 0" \
	vmkfstools -C vmfs3 -S ext4ds vmhba0:C0:T0:L0
vmkctl storage datastores | tee /tmp/ds.txt
expect "and mounts it" grep -q "^ext4ds .* vmhba0:C0:T0:L0 (read-write" /tmp/ds.txt
expect "a folder vm1" vmkfstools --mkdir "[ext4ds] vm1"
t=$(date +%s)
vmkfstools -c 512m -d eagerzeroedthick "$EZT" > /tmp/ezt.txt 2>&1
rc=$?
tr '\r' '\n' < /tmp/ezt.txt | tail -2
expect "a 512 MiB eagerzeroedthick disk (rc $rc)" test $rc = 0
echo "ext4-lab: 512 MiB eagerzeroedthick made in $(secs_since $t) s"
expect "a 256 MiB thin disk" vmkfstools -c 256m -d thin "$THIN"

vm_make_disks_vmx /tmp/writer.vmx writer 128 "$EZT" "$THIN"
vm_up writer /tmp/writer.vmx
vm_console_expect "the writer boots to its shell" writer 300 "vmk-guest: shell ready"
vm_link_disks writer
vm_run writer 'z() { cat /sys/bus/scsi/devices/0:0:$1:0/block/*/size; }; echo S$((1+1))=$(z 0)=$(z 1)=' \
	"S2=1048576=524288=" 120
# w DISK: mkfs.ext4, mount, 64 MiB of random data through tee into
# /mnt/DISK/data and sha256sum, sync, unmount; the hash and the seconds
# of each step.
vm_run writer 'w() { t0=$(date +%s); mkfs.ext4 -q /dev/$1 || return; t1=$(date +%s); mkdir -p /mnt/$1; mount -t ext4 /dev/$1 /mnt/$1 || return; h=$(dd if=/dev/urandom bs=1M count=64 2>/dev/null | tee /mnt/$1/data | sha256sum | cut -c1-64); sync; umount /mnt/$1 || return; echo "W$((6*7))=$1=$h=mkfs $((t1 - t0)) s, write+sync+umount $(($(date +%s) - t1)) s="; }; echo F$((1+1))' \
	"F2" 60
t=$(date +%s)
vm_capture writer 'w t0; w t1; echo WD$((1+1))' "WD2" 900 /tmp/writer.txt
echo "ext4-lab: the writer made ext4 and wrote 64 MiB to both disks in $(secs_since $t) s"
ezt=$(sed -n 's/.*W42=t0=\([0-9a-f]\{64\}\)=.*/\1/p' /tmp/writer.txt | tail -1)
thin=$(sed -n 's/.*W42=t1=\([0-9a-f]\{64\}\)=.*/\1/p' /tmp/writer.txt | tail -1)
grep "W42=" /tmp/writer.txt | sed 's/^.*W42=\(t.\)=[0-9a-f]*=\(.*\)=$/ext4-lab: writer \1: \2/'
expect "the writer recorded the ezt disk's hash" test -n "$ezt"
expect "the writer recorded the thin disk's hash" test -n "$thin"
echo "ext4-lab: hash ezt=$ezt thin=$thin"
vmkctl vm console writer --send 'poweroff\n' --timeout 5 > /dev/null || true
expect "the writer powers off" vm_wait_state writer off 120

vm_make_disks_vmx /tmp/reader.vmx reader 128 "$EZT" "$THIN"
vm_up reader /tmp/reader.vmx
vm_console_expect "the reader boots to its shell" reader 300 "vmk-guest: shell ready"
vm_link_disks reader
vm_run reader 'r() { mkdir -p /mnt/$1; mount -t ext4 -o ro /dev/$1 /mnt/$1 || return; echo "R$((6*7))=$1=$(sha256sum < /mnt/$1/data | cut -c1-64)=$(($(wc -c < /mnt/$1/data)))="; umount /mnt/$1; }; echo F$((1+1))' \
	"F2" 60
t=$(date +%s)
vm_capture reader 'r t0; r t1; echo RD$((1+1))' "RD2" 600 /tmp/reader.txt
echo "ext4-lab: the reader read both files in $(secs_since $t) s"
expect "the reader reads the ezt disk's file and hash" grep -q "R42=t0=$ezt=67108864=" /tmp/reader.txt
expect "the reader reads the thin disk's file and hash" grep -q "R42=t1=$thin=67108864=" /tmp/reader.txt
vmkctl vm console reader --send 'poweroff\n' --timeout 5 > /dev/null || true
expect "the reader powers off" vm_wait_state reader off 120

expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
sd=$(cos_lun_disk 0)
expect "LUN 0 is a COS disk again" test -n "$sd"
expect "the COS's vmkfstools finds the volume clean" vmkfstools --check /dev/$sd
vmkfstools -D /dev/$sd:/vm1/thin-flat.vmdk
SH
# The LUN images stay for the host's part.
VMK_LAB_KEEP_LUNS=1 ci/lab --scenario "$cos" --timeout 1500 --results "$results/ext4" \
	2>"$results/lab.stderr"
rc=$?
log=$results/ext4/cos-console.log
grep -aE "^(ok|FAIL)|ext4-lab:" "$log" | tr -d '\r'
[ $rc = 0 ] || { echo "FAIL: the COS part (ci/lab exit $rc, see $log)"; exit 1; }

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
img=$results/ext4/lun0.img
hashes=$(grep -a "ext4-lab: hash ezt=" "$log" | tr -d '\r' | tail -1)
# fsck.vmfs always exits 0: read its summary (tests/external/vmkfs.sh).
out=$(fsck.vmfs "$img" 2>&1)
echo "$out" > "$results/fsck.vmfs.txt"
for k in "Unallocated blocks" "Lost blocks" "Undefined inodes" "Orphaned inodes" "Directory errors"; do
	echo "$out" | grep -q "^$k *: 0$" || fail "fsck.vmfs: $k not 0: $(echo "$out" | grep "^$k")"
done
echo "$out" | grep -q "referenced by multiple" && fail "fsck.vmfs: blocks referenced by multiple files"
ok "fsck.vmfs on LUN 0's image: done"
mnt=$results/mnt
for disk in ezt:536870912 thin:268435456; do
	name=${disk%:*} size=${disk#*:}
	want=$(echo "$hashes" | sed -n "s/.* $name=\([0-9a-f]\{64\}\).*/\1/p")
	[ -n "$want" ] || { fail "the COS's log has no hash of the $name disk"; continue; }
	flat=$results/$name-flat.img
	debugvmfs "$img" cat /vm1/$name-flat.vmdk > "$flat" ||
		{ fail "debugvmfs cannot read /vm1/$name-flat.vmdk"; continue; }
	got_size=$(stat -c %s "$flat")
	[ "$got_size" = "$size" ] || { fail "$name: debugvmfs read $got_size bytes, not $size"; continue; }
	ok "debugvmfs reads the $name flat extent ($size bytes)"
	e2fsck -fn "$flat" > "$results/e2fsck-$name.txt" 2>&1 &&
		ok "e2fsck -fn finds the $name disk's ext4 clean" ||
		fail "e2fsck -fn on the $name disk's ext4: $(tail -3 "$results/e2fsck-$name.txt")"
	got=$(debugfs -R "cat /data" "$flat" 2>/dev/null | sha256sum | cut -c1-64)
	[ "$got" = "$want" ] && ok "debugfs reads /data of the $name disk with the guest's hash" ||
		fail "debugfs: /data of the $name disk hashes $got, the guest wrote $want"
	mkdir -p "$mnt"
	if mount -o ro,loop -t ext4 "$flat" "$mnt" 2>"$results/mount-$name.txt"; then
		got=$(sha256sum < "$mnt/data" | cut -c1-64)
		umount "$mnt"
		[ "$got" = "$want" ] && ok "the $name disk's ext4 mounts on the host with /data and its hash" ||
			fail "mounted on the host, /data of the $name disk hashes $got, the guest wrote $want"
	else
		echo "note: the host cannot mount here ($(cat "$results/mount-$name.txt")); debugfs read the file"
	fi
	rm -f "$flat"
done
[ $fails = 0 ] || { echo "FAIL: $fails host-side checks (LUN images kept in $results/ext4)"; exit 1; }
rm -f "$results"/ext4/lun*.img
echo "ok: ext4 made in a VM on a datastore's eagerzeroedthick and thin disks reads back in a second VM and on the host"
