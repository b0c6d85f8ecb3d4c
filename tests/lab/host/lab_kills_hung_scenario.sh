#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A scenario that hangs is killed at its timeout: ci/lab returns 124 and the
# serial logs of the run are kept. And a failing scenario's status comes back.
set -u
results=${RESULTS:?}
mkdir -p "$results"
hang=$results/hang.sh
printf '. /lib/vmk/lab.sh\necho "hang: started"\nwhile :; do sleep 1; done\n' > "$hang"
# The failing scenario boots beside the hung one (the hung COS idles in
# its sleep loop; each lab has its own ports and results): one boot's
# time less than one after the other.
bad=$results/bad.sh
printf 'echo "bad: exiting 7"\nexit 7\n' > "$bad"
ci/lab --scenario "$bad" --timeout 60 --results "$results/bad" 2>"$results/bad.stderr" &
badpid=$!
start=$(date +%s)
ci/lab --scenario "$hang" --timeout 30 --results "$results/hang" 2>"$results/hang.stderr"
rc=$?
took=$(( $(date +%s) - start ))
[ $rc = 124 ] || { echo "FAIL: hung scenario gave status $rc, want 124"; exit 1; }
[ $took -lt 90 ] || { echo "FAIL: the lab took ${took}s to stop after a 30 s timeout"; exit 1; }
grep -q "hang: started" "$results/hang/cos-console.log" ||
	{ echo "FAIL: COS console log not kept"; exit 1; }
[ -f "$results/hang/vmkernel-com2.log" ] || { echo "FAIL: COM2 log not kept"; exit 1; }
grep -q "^=== cpu 1" "$results/hang/cpus-at-timeout.txt" && grep -q "EIP=" "$results/hang/cpus-at-timeout.txt" ||
	{ echo "FAIL: no per-CPU state in cpus-at-timeout.txt"; cat "$results/hang/cpus-at-timeout.txt"; exit 1; }
echo "ok: hung scenario killed after ${took}s, logs and each CPU's state kept"

wait $badpid
rc=$?
[ $rc = 7 ] || { echo "FAIL: scenario exit 7 came back as $rc"; exit 1; }
echo "ok: a scenario's exit status comes back"
