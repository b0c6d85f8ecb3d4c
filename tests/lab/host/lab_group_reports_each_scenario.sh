#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A group of scenarios in one boot (ci/lab --group): each gets its own status
# and its own part of both serial logs; a failure and a scenario killed at
# its timeout do not hide the ones after them, which find the machine clean
# (vmkload unloaded, /tmp empty, leftover processes gone); a scenario that
# hangs the COS's own watchdog is stopped by the lab at its timeout plus the
# grace, with each CPU's state, and the rest is reported as not run.
set -u
results=${RESULTS:?}
mkdir -p "$results/src"
src=$results/src
# scenario NAME TIMEOUT: the body comes on stdin.
scenario() {
	{ echo ". /lib/vmk/lab.sh"; echo ". /lib/vmk/lab/vmk.sh"; cat; } > "$src/$1.sh"
	echo "$src/$1.sh $2" >> "$src/list"
}
: > "$src/list"
scenario g_leaves_mess 60 <<'SH'
echo "leaves-mess: here"
vmk_load || fail "insmod vmkload"
: > /tmp/leftover
(exec sleep 1000) &
echo "leaves-mess: done"
SH
scenario g_fails 60 <<'SH'
echo "fails: exiting 3"
exit 3
SH
scenario g_hangs 10 <<'SH'
echo "hangs: started"
while :; do sleep 1; done
SH
scenario g_finds_clean 60 <<'SH'
expect_fail "vmkload was unloaded" vmk_loaded
expect "/tmp was emptied" test ! -e /tmp/leftover
expect_fail "the leftover sleeper is gone" sh -c 'ps | grep -v grep | grep -q "sleep 1000"'
echo "finds-clean: done"
SH
# Stop ci/cos-init's watchdog (busybox timeout), then hang: only the lab
# itself can end this.
scenario g_hangs_cos 10 <<'SH'
for p in $(ps -o pid,args | awk '/timeout -s KILL/ && !/awk/ { print $1 }'); do kill -STOP $p; done
echo "hangs-cos: watchdog stopped"
while :; do sleep 1; done
SH
scenario g_not_reached 60 <<'SH'
echo "not-reached: ran"
SH

out=$results/group
start=$(date +%s)
VMK_LAB_HANG_GRACE=10 ci/lab --group "$src/list" --results "$out" 2>"$results/group.stderr"
rc=$?
took=$(( $(date +%s) - start ))
cat "$results/group.stderr"
fail=0
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
status_is() { [ "$(cat "$out/$1/status" 2>/dev/null)" = "$2" ]; }
has() { grep -aq "$3" "$out/$1/$2" 2>/dev/null; }
lacks() { ! grep -aq "$3" "$out/$1/$2" 2>/dev/null; }
check "ci/lab --group fails when a scenario fails (status $rc)" test "$rc" != 0
check "the lab stopped the hung COS in time (${took} s)" test "$took" -lt 200
check "g_leaves_mess passed" status_is g_leaves_mess 0
check "g_leaves_mess has its own console lines" has g_leaves_mess cos-console.log "leaves-mess: done"
check "and not the next one's" lacks g_leaves_mess cos-console.log "fails: exiting"
check "g_leaves_mess has its part of COM2" has g_leaves_mess vmkernel-com2.log "=== vmk: scenario g_leaves_mess begin ==="
check "g_fails has status 3" status_is g_fails 3
check "g_fails has its own console lines" has g_fails cos-console.log "fails: exiting 3"
check "g_hangs was killed at its timeout (status 124)" status_is g_hangs 124
check "g_hangs' log says so" has g_hangs cos-console.log "=== vmk: scenario g_hangs timeout after 10 s"
check "g_finds_clean ran after the failure and the timeout and passed" status_is g_finds_clean 0
check "g_hangs_cos is reported as a timeout" status_is g_hangs_cos 124
check "g_hangs_cos' log says the lab stopped the COS" has g_hangs_cos cos-console.log "timeout after 10 s: the COS hung"
check "g_hangs_cos has each CPU's state" grep -q "EIP=" "$out/g_hangs_cos/cpus-at-timeout.txt"
check "g_not_reached has no results (not run)" test ! -e "$out/g_not_reached"
check "ci/lab says g_not_reached was not run" grep -q "g_not_reached: not run" "$results/group.stderr"
check "the group's folder keeps the whole boot's console log" grep -aq "hangs-cos: watchdog stopped" "$out/cos-console.log"
exit $fail
