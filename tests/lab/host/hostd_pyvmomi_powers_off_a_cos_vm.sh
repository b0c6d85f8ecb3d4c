#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd in the lab's COS, driven from the host: the COS loads the
# vmkernel, starts a VM with vmkctl and vmk-hostd on port 902 (the port
# ci/lab forwards a host port to, in $RESULTS/hostd/mgmt-port), then waits
# for the VM to go off. On the host, Debian's pyVmomi logs in through the
# forward, finds the VM running, powers it off with WaitForTask
# (hostd/poweroff_vm.py); in the COS, vmkctl must then show it off. A lab
# scenario with a host-side part: this script runs both parts and fails
# when either does (the COS part when the VM is still on 180 s after the
# marker).
set -u
results=${RESULTS:?}
mkdir -p "$results"
python=/usr/bin/python3		# Debian's, where python3-pyvmomi is
"$python" -c 'import pyVmomi' 2>/dev/null || { echo "FAIL: pyVmomi missing: install python3-pyvmomi (ci/packages)"; exit 1; }
cos=$results/hostd_cos_part.sh
cat > "$cos" <<'SH'
# needs: vmk-hostd
. /lib/vmk/lab.sh
. /lib/vmk/lab/hostd.sh
hostd_spin_vm_up
hostd_start 902 || fail "vmk-hostd starts and serves on port 902"
echo "hostd-lab: serving, vm spin id $(vm_field spin id) $(vm_field spin state)"
expect "the host's PowerOffVM_Task leaves vmkctl showing the VM off" vm_wait_state spin off 180
vmkctl vm info spin
hostd_spin_vm_down
SH
# In a session of its own, so that giving up stops the lab's QEMU too
# (timeout(1) gives QEMU a process group of its own, not a session).
setsid ci/lab --scenario "$cos" --timeout 480 --results "$results/hostd" 2>"$results/lab.stderr" &
lab=$!
log=$results/hostd/cos-console.log
end=$((SECONDS + 420))
until grep -q "hostd-lab: serving" "$log" 2>/dev/null; do
	kill -0 $lab 2>/dev/null && [ $SECONDS -lt $end ] ||
		{ echo "FAIL: vmk-hostd did not come up in the COS (see $log)"; pkill -s $lab; wait $lab; exit 1; }
	sleep 2
done
grep "hostd-lab: serving" "$log"
port=$(cat "$results/hostd/mgmt-port")
"$python" tests/lab/host/hostd/poweroff_vm.py 127.0.0.1 "$port" root vmk-lab-secret spin
py=$?
wait $lab
rc=$?
grep -E "^(ok|FAIL)" "$log" | tr -d '\r'
[ $py = 0 ] || { echo "FAIL: the pyVmomi client (exit $py)"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: the COS part (ci/lab exit $rc, see $log)"; exit 1; }
echo "ok: pyVmomi on the host powered off a VM of the COS's vmkernel; vmkctl shows it off"
