#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Power cuts through vmkfstools: each operation is cut after its Nth
# device write (VMKFS_CUT_AFTER_WRITES, the process dies there) for every
# N until it completes. After each cut `vmkfstools --check --repair` must
# leave a volume that vmkfs and fsck.vmfs find clean, with the files made
# before intact; the completed operation must be visible.
# Env: BUILD (build folder), RESULTS (log folder).
set -u
BUILD=${BUILD:-build}
RESULTS=${RESULTS:-results/vmkfs-crash}
T=$RESULTS/vmkfs-crash
VMKFSTOOLS=$BUILD/host/cos-tools/vmkfstools
CUT_EXIT=99
mkdir -p "$T"
LOG=$T/log
: > "$LOG"
BASE=$T/base.img
IMG=$T/work.img
failures=0

fail() { echo "FAIL: $*"; echo "FAIL: $*" >> "$LOG"; failures=$((failures + 1)); }
[ -x "$VMKFSTOOLS" ] || { echo "FAIL: $VMKFSTOOLS not built (make host-tools)"; exit 1; }
command -v fsck.vmfs > /dev/null || { echo "FAIL: fsck.vmfs not installed (vmfs-tools)"; exit 1; }

rm -f "$BASE"
truncate -s 1G "$BASE"
head -c 8M /dev/urandom > "$T/keep.raw"
{
	"$VMKFSTOOLS" -C vmfs3 -S crash "$BASE" &&
	"$VMKFSTOOLS" -i "$T/keep.raw" -d thin "$BASE:/keep.vmdk" &&
	"$VMKFSTOOLS" -c 20m -d eagerzeroedthick "$BASE:/old.vmdk" &&
	"$VMKFSTOOLS" --mkdir "$BASE:/vm"
} >> "$LOG" 2>&1 || { echo "FAIL: cannot build the base volume"; exit 1; }
KEEP=$(sha256sum < "$T/keep.raw" | cut -d' ' -f1)

verify() {	# what, cut point
	VMKFS_LOCK_TIMEOUT_MS=0 "$VMKFSTOOLS" --check --repair "$IMG" >> "$LOG" 2>&1
	rc=$?
	[ $rc -le 4 ] || { fail "$1 cut at $2: repair failed (exit $rc)"; return; }
	VMKFS_LOCK_TIMEOUT_MS=0 "$VMKFSTOOLS" --check "$IMG" >> "$LOG" 2>&1 ||
		fail "$1 cut at $2: not clean after repair"
	out=$(fsck.vmfs "$IMG" 2>&1)
	for k in "Unallocated blocks" "Lost blocks" "Undefined inodes" "Orphaned inodes" "Directory errors"; do
		echo "$out" | grep -q "^$k *: 0$" || { fail "$1 cut at $2: fsck.vmfs $k not 0"; echo "$out" >> "$LOG"; }
	done
	[ "$(debugvmfs "$IMG" cat /keep-flat.vmdk 2>/dev/null | head -c 8M | sha256sum | cut -d' ' -f1)" = "$KEEP" ] ||
		fail "$1 cut at $2: keep-flat.vmdk lost its data"
}

cut_all() {	# what, check-when-done, vmkfstools arguments (IMG substituted)
	what=$1
	done_check=$2
	shift 2
	n=0
	while [ $n -lt 500 ]; do
		cp --sparse=always "$BASE" "$IMG"
		args=$(echo "$*" | sed "s|@|$IMG|g")
		# shellcheck disable=SC2086
		VMKFS_CUT_AFTER_WRITES=$n "$VMKFSTOOLS" $args >> "$LOG" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			verify "$what" "$n (completed)"
			eval "$done_check" || fail "$what: completed but its effect is not durable"
			echo "$what: $n cut points" | tee -a "$LOG"
			return
		fi
		[ $rc -eq $CUT_EXIT ] || { fail "$what: exit $rc at cut $n, expected a cut ($CUT_EXIT)"; return; }
		verify "$what" $n
		n=$((n + 1))
	done
	fail "$what: still cut after 500 writes"
}

cut_all "create 300m thin disk" 'debugvmfs "$IMG" ls /vm | grep -q new-flat.vmdk' -c 300m -d thin @:/vm/new.vmdk
cut_all "extend to 400m" '"$VMKFSTOOLS" -D "$IMG:/keep-flat.vmdk" | grep -q "size 419430400"' -X 400m -d thin @:/keep.vmdk
cut_all "delete disk" '! debugvmfs "$IMG" ls / | grep -q old' -U @:/old.vmdk
cut_all "mkdir" 'debugvmfs "$IMG" ls / | grep -q newdir' --mkdir @:/newdir

rm -f "$BASE" "$IMG"
if [ $failures -ne 0 ]; then
	echo "vmkfs-crash: $failures failures (log: $LOG)"
	exit 1
fi
echo "vmkfs-crash: passed"
