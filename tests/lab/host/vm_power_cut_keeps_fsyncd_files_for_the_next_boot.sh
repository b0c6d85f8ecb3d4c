#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 10's power-cut check: "QEMU is killed while two VMs write and
# fsync; the next lab boot mounts the datastore, its check is clean or
# repaired, and every file the guests fsync'd before the cut reads back
# with its recorded hash" (docs/storage.md "VM disks on datastores").
# Two lab boots over the same LUN images: ci/lab keeps them when its run
# fails (or with VMK_LAB_KEEP_LUNS=1), and its truncate(1) leaves an
# image of the lab's size as it is, so they are moved into the second
# boot's results folder. Boot 1, loaded with storage=1: the vmkernel
# makes VMFS-3 volume cutds on LUN 0 and a 64 MiB thin disk for each of
# two stock Linux VMs, which make ext4 on it and then write files of 256
# KiB of random data, each with dd conv=fsync (ext4 syncs a new file's
# directory entry with it), one after another and both VMs at once; the
# COS prints each file's sha256 on its console once the guest's fsync
# returned, so the host has it before the cut. Once both VMs have 3 such
# files the host waits 2 s and kills QEMU (SIGKILL) while they write on
# (ci/lab calls that a timeout: status 124). Boot 2: the vmkernel mounts
# cutds beside the killed load's heartbeat, still on; each VM's start is
# refused within 5 s (its extent's lock is the killed load's: "stale at
# 16 s: try again then") and taken over by a start 17 s later (vmkfs
# reclaims the silent heartbeat); each guest mounts its ext4 (the
# journal replayed) and reads every file the host recorded with its
# hash; after the unload the COS's vmkfstools --check finds the volume
# clean, or --repair repairs it and a second check is clean.
set -u
results=${RESULTS:?}
mkdir -p "$results"
cut=$results/boot1 next=$results/boot2
rm -rf "$cut" "$next"

# What both boots' COS parts source.
common='. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh'

cos1=$results/cut_boot1.sh
echo "$common" > "$cos1"
cat >> "$cos1" <<'SH'
expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
expect "the vmkernel makes VMFS-3 volume cutds on LUN 0" \
	vmkfstools -C vmfs3 -S cutds vmhba0:C0:T0:L0
expect "a folder vms" vmkfstools --mkdir "[cutds] vms"
for v in vm1 vm2; do
	expect "a 64 MiB thin disk for $v" vmkfstools -c 64m -d thin "[cutds] vms/$v.vmdk"
	vm_disks_boot $v 96 "[cutds] vms/$v.vmdk"
	vm_run $v 'mkfs.ext4 -q /dev/t0 && mkdir -p /mnt/d && mount -t ext4 /dev/t0 /mnt/d && echo M$((1+1))' "M2" 300
	# w N: file fN of random data, fsync'd, then its hash.
	vm_run $v 'w() { dd if=/dev/urandom of=/tmp/x bs=64k count=4 2>/dev/null; h=$(sha256sum < /tmp/x | cut -c1-64); dd if=/tmp/x of=/mnt/d/f$1 bs=64k conv=fsync 2>/dev/null && echo "F$((6*7))=$1=$h=D$1."; }; echo F$((1+1))' "F2" 60
done
# writer VM: files 1, 2, ... until the cut; "cut-lab: VM fN HASH" on the
# console once fN is fsync'd, the count in /tmp/VM.count.
writer() {
	i=1
	while [ $i -le 2000 ]; do
		vmkctl vm console $1 --send "w $i\\n" --expect "=D$i." --timeout 120 \
			> /tmp/$1.out 2>&1 || { echo "cut-lab: $1: file $i not written"; return 1; }
		h=$(tr -d '\r' < /tmp/$1.out | sed -n "s/.*F42=$i=\([0-9a-f]\{64\}\)=D$i\..*/\1/p" | tail -1)
		[ -n "$h" ] || { echo "cut-lab: $1: no hash of file $i"; return 1; }
		echo "cut-lab: $1 f$i $h"
		echo $i > /tmp/$1.count
		i=$((i + 1))
	done
}
writer vm1 &
w1=$!
writer vm2 &
w2=$!
t=$(date +%s)
until [ "$(cat /tmp/vm1.count 2>/dev/null)" -ge 3 ] 2>/dev/null &&
      [ "$(cat /tmp/vm2.count 2>/dev/null)" -ge 3 ] 2>/dev/null; do
	kill -0 $w1 2>/dev/null && kill -0 $w2 2>/dev/null || fail "a writer stopped before the cut"
	[ $(($(date +%s) - t)) -le 300 ] || fail "no 3 files from each VM in 300 s"
	sleep 1
done
echo "cut-lab: ready after $(($(date +%s) - t)) s"
wait $w1 $w2
fail "the writers ended before the host cut the power"
SH

# In a session of its own, so that giving up stops the lab's QEMU too.
VMK_LAB_KEEP_LUNS=1 setsid ci/lab --scenario "$cos1" --timeout 900 --results "$cut" \
	2>"$results/boot1.stderr" &
lab=$!
log=$cut/cos-console.log
end=$((SECONDS + 800))
until grep -aq "cut-lab: ready" "$log" 2>/dev/null; do
	kill -0 $lab 2>/dev/null && [ $SECONDS -lt $end ] ||
		{ grep -aE "^(ok|FAIL)|cut-lab:" "$log" | tr -d '\r'
		  echo "FAIL: boot 1 did not get both VMs writing (see $log)"
		  pkill -s $lab; wait $lab; exit 1; }
	sleep 1
done
sleep 2
# The cut: SIGKILL to QEMU, the child of ci/lab's timeout(1).
tpid=$(pgrep -s $lab -x timeout)
[ -n "$tpid" ] && pkill -KILL -P "$tpid" ||
	{ echo "FAIL: no QEMU to kill in the lab's session"; pkill -s $lab; wait $lab; exit 1; }
echo "cut-lab: QEMU killed $(date +%T)"
wait $lab
rc=$?
grep -aE "^(ok|FAIL)|cut-lab:" "$log" | tr -d '\r'
# ci/lab reports a QEMU that died of a signal as a timeout.
[ $rc = 124 ] || { echo "FAIL: boot 1 ended with status $rc, not by the cut (see $log)"; exit 1; }
# What each VM had fsync'd when its hash reached the host's log.
saved=$(grep -a "^cut-lab: vm[12] f[0-9]* [0-9a-f]\{64\}" "$log" | tr -d '\r')
n1=$(echo "$saved" | grep -c "^cut-lab: vm1 ")
n2=$(echo "$saved" | grep -c "^cut-lab: vm2 ")
[ "$n1" -ge 3 ] && [ "$n2" -ge 3 ] ||
	{ echo "FAIL: the host recorded $n1 and $n2 files of vm1 and vm2, not 3 each"; exit 1; }
echo "cut-lab: recorded before the cut: vm1 $n1 files, vm2 $n2"

mkdir -p "$next"
mv "$cut"/lun0.img "$cut"/lun1.img "$next"/ ||
	{ echo "FAIL: boot 1 left no LUN images in $cut"; exit 1; }
cos2=$results/cut_boot2.sh
{
	echo "$common"
	# files VM: "fN HASH" lines of the files the host recorded.
	echo 'files() { case $1 in'
	for v in vm1 vm2; do
		echo "$v) cat <<'EOF'"
		echo "$saved" | sed -n "s/^cut-lab: $v \(f[0-9]*\) \([0-9a-f]*\)$/\1 \2/p"
		echo "EOF"
		echo ";;"
	done
	echo 'esac; }'
} > "$cos2"
cat >> "$cos2" <<'SH'
expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
vmkctl storage datastores | tee /tmp/ds.txt
expect "the vmkernel mounts cutds after the cut" grep -q "^cutds .* vmhba0:C0:T0:L0 (read-write" /tmp/ds.txt
for v in vm1 vm2; do
	vm_make_disks_vmx /tmp/$v.vmx $v 96 "[cutds] vms/$v.vmdk"
	expect "register $v" vmkctl vm register /tmp/$v.vmx
	t=$(date +%s)
	vmkctl vm start $v > /tmp/st-$v.txt 2>&1 && fail "$v started on a disk the killed load held"
	took=$(($(date +%s) - t))
	cat /tmp/st-$v.txt
	expect "$v's start is refused: the killed load's lock, stale at 16 s" \
		grep -q "locked by a host silent [0-9.]* s, stale at 16 s: try again then" /tmp/st-$v.txt
	expect "within 5 s, the lock not waited out ($took s)" test $took -le 5
done
sleep 17
for v in vm1 vm2; do
	expect "17 s later $v's start takes the lock over" vmkctl vm start $v
done
for v in vm1 vm2; do
	vm_console_expect "$v boots to its shell" $v 300 "vmk-guest: shell ready"
	vm_link_disks $v
	vm_run $v 'mkdir -p /mnt/d && mount -t ext4 /dev/t0 /mnt/d && echo M$((1+1))' "M2" 300
	list=$(files $v | cut -d' ' -f1 | tr '\n' ' ')
	vm_capture $v "for f in $list; do echo \"H\$((6*7))=\$f=\$(sha256sum < /mnt/d/\$f | cut -c1-64)=\"; done; ls /mnt/d | wc -l; echo HD\$((1+1))" \
		"HD2" 300 /tmp/$v-read.txt
	files $v | while read -r f h; do
		grep -q "H42=$f=$h=" /tmp/$v-read.txt || { echo "FAIL: $v: $f does not read back with its hash $h"; exit 1; }
	done || fail "$v: a file fsync'd before the cut is lost or changed"
	echo "ok: $v reads its $(files $v | wc -l) files fsync'd before the cut with their hashes"
	vm_run $v 'umount /mnt/d && echo U$((1+1))' "U2" 120
	vmkctl vm console $v --send 'poweroff\n' --timeout 5 > /dev/null || true
	expect "$v powers off" vm_wait_state $v off 120
done
expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
sd=$(cos_lun_disk 0)
expect "LUN 0 is a COS disk again" test -n "$sd"
vmkfstools --check /dev/$sd > /tmp/check.txt 2>&1
rc=$?
cat /tmp/check.txt
if [ $rc = 0 ]; then
	echo "cut-lab: the volume checked clean"
else
	expect "the check found problems to repair (rc $rc)" test $rc = 4
	expect "--repair repairs them" vmkfstools --check --repair /dev/$sd
	expect "and the volume then checks clean" vmkfstools --check /dev/$sd
	echo "cut-lab: the volume was repaired: $(grep -c . /tmp/check.txt) lines of the check"
fi
SH
VMK_LAB_KEEP_LUNS=1 ci/lab --scenario "$cos2" --timeout 900 --results "$next" \
	2>"$results/boot2.stderr"
rc=$?
log2=$next/cos-console.log
grep -aE "^(ok|FAIL)|cut-lab:" "$log2" | tr -d '\r'
[ $rc = 0 ] || { echo "FAIL: boot 2 (ci/lab exit $rc, see $log2; LUN images kept in $next)"; exit 1; }
rm -f "$next"/lun*.img
echo "ok: files fsync'd by two VMs before QEMU was killed read back after the next boot; the volume checks clean"
