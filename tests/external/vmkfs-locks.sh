#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Two vmkfstools processes with different host UUIDs share one image:
# distinct heartbeat slots, an exclusive lock keeps the other host out,
# and after the holder is killed its lock goes stale and is recovered.
# Env: BUILD (build folder), RESULTS (log folder).
set -u
BUILD=${BUILD:-build}
RESULTS=${RESULTS:-results/vmkfs-locks}
T=$RESULTS/vmkfs-locks
VMKFSTOOLS=$BUILD/host/cos-tools/vmkfstools
HOST_A=11111111-22222222-3333-444444444444
HOST_B=aaaaaaaa-bbbbbbbb-cccc-dddddddddddd
mkdir -p "$T"
LOG=$T/log
: > "$LOG"
IMG=$T/shared.img
failures=0
pids=

fail() { echo "FAIL: $*"; echo "FAIL: $*" >> "$LOG"; failures=$((failures + 1)); }
cleanup() { for p in $pids; do kill -9 "$p" 2> /dev/null; done; rm -f "$IMG"; }
trap cleanup EXIT
[ -x "$VMKFSTOOLS" ] || { echo "FAIL: $VMKFSTOOLS not built (make host-tools)"; exit 1; }

# start a holder in the background; wait until it says it holds the lock
hold() {	# host mode file outfile
	: > "$4"
	VMKFS_HOST_UUID=$1 "$VMKFSTOOLS" --hold "$2" "$IMG:$3" > "$4" 2>&1 &
	pid=$!
	pids="$pids $pid"
	i=0
	while [ $i -lt 100 ] && ! grep -q '^holding' "$4"; do
		kill -0 $pid 2> /dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^holding' "$4"
}

rm -f "$IMG"
truncate -s 600M "$IMG"
"$VMKFSTOOLS" -C vmfs3 -S shared "$IMG" >> "$LOG" 2>&1 || { echo "FAIL: format"; exit 1; }
"$VMKFSTOOLS" -c 16m -d eagerzeroedthick "$IMG:/a.vmdk" >> "$LOG" 2>&1 || fail "create a.vmdk"
"$VMKFSTOOLS" -c 16m -d thin "$IMG:/b.vmdk" >> "$LOG" 2>&1 || fail "create b.vmdk"

hold $HOST_A rw /a-flat.vmdk "$T/holdA.out" || fail "host A cannot hold a-flat.vmdk: $(cat "$T/holdA.out")"
pidA=$pid
hold $HOST_B rw /b-flat.vmdk "$T/holdB.out" || fail "host B cannot hold b-flat.vmdk: $(cat "$T/holdB.out")"
pidB=$pid
slotA=$(sed -n 's/.*heartbeat slot \([0-9]*\).*/\1/p' "$T/holdA.out")
slotB=$(sed -n 's/.*heartbeat slot \([0-9]*\).*/\1/p' "$T/holdB.out")
[ -n "$slotA" ] && [ -n "$slotB" ] && [ "$slotA" != "$slotB" ] ||
	fail "hosts A and B do not have distinct heartbeat slots ($slotA, $slotB)"
"$VMKFSTOOLS" -P "$IMG" | tee -a "$LOG" | grep -q '^Active heartbeats: 2$' ||
	fail "the volume does not show two active heartbeats"
[ "$(debugvmfs "$IMG" show_heartbeats 2>&1 | tee -a "$LOG" | grep -c -e "$HOST_A" -e "$HOST_B")" = 2 ] ||
	fail "debugvmfs show_heartbeats does not list hosts A and B"

# B may not open A's file for writing, nor read it, nor delete it
out=$(VMKFS_HOST_UUID=$HOST_B VMKFS_LOCK_TIMEOUT_MS=3000 timeout 30 "$VMKFSTOOLS" --hold rw "$IMG:/a-flat.vmdk" 2>&1)
rc=$?
echo "$out" >> "$LOG"
[ $rc -eq 3 ] || fail "host B opened a-flat.vmdk for writing while A holds it (exit $rc)"
echo "$out" | grep -q "$HOST_A" || fail "the refusal does not name host A: $out"
VMKFS_HOST_UUID=$HOST_B VMKFS_LOCK_TIMEOUT_MS=3000 timeout 30 "$VMKFSTOOLS" -U "$IMG:/a.vmdk" >> "$LOG" 2>&1
[ $? -eq 3 ] || fail "host B could delete a disk A holds open"
"$VMKFSTOOLS" -D "$IMG:/a-flat.vmdk" | tee -a "$LOG" | grep -q "exclusive.*$HOST_A, heartbeat slot $slotA, owner alive" ||
	fail "-D does not show A's live exclusive lock"

# A dies without unmounting: its lock is stale once its heartbeat stops
kill -9 $pidA
wait $pidA 2> /dev/null
start=$(date +%s)
VMKFS_LOCK_TIMEOUT_MS=2000 hold $HOST_B rw /a-flat.vmdk "$T/holdB2.out" ||
	fail "host B did not recover A's stale lock: $(cat "$T/holdB2.out")"
pidB2=$pid
echo "recovered after $(( $(date +%s) - start )) s" >> "$LOG"
"$VMKFSTOOLS" -D "$IMG:/a-flat.vmdk" | tee -a "$LOG" | grep -q "exclusive.*$HOST_B.*owner alive" ||
	fail "-D does not show B as the new owner"
hbs=$(debugvmfs "$IMG" show_heartbeats 2>&1 | tee -a "$LOG")
echo "$hbs" | grep -q "$HOST_A" && fail "debugvmfs still shows A's heartbeat: it was not reclaimed"
[ "$(echo "$hbs" | grep -c "$HOST_B")" = 2 ] || fail "debugvmfs does not show B's two heartbeats"

# B's holders end cleanly; the volume checks clean
kill -TERM $pidB $pidB2
wait $pidB $pidB2 2> /dev/null
"$VMKFSTOOLS" -D "$IMG:/a-flat.vmdk" | tee -a "$LOG" | grep -q ': free$' || fail "lock not released at exit"
VMKFS_LOCK_TIMEOUT_MS=1000 "$VMKFSTOOLS" --check "$IMG" >> "$LOG" 2>&1 || fail "check after the lock test (exit $?)"

if [ $failures -ne 0 ]; then
	echo "vmkfs-locks: $failures failures (log: $LOG)"
	exit 1
fi
echo "vmkfs-locks: passed"
