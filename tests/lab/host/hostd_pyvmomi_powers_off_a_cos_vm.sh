#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd in the lab's COS, driven from the host: the COS loads the
# vmkernel with its init script (/etc/init.d/vmk start), which starts
# vmk-hostd on port 443 (the port ci/lab forwards a host port to, in
# $RESULTS/hostd/mgmt-port); it starts a VM with vmkctl and puts a .vmx
# on its datastore lab1, then waits. On the host, Debian's pyVmomi
# (hostd/cos_vm_session.py) logs in through the forward, finds the VM
# running and powers it off with WaitForTask (the COS: vmkctl shows it
# off); registers "[lab1] reg/reg.vmx" with RegisterVM_Task, finds it
# in the inventory, lab1 (with its space) as the one datastore of the
# datastore folder and as the VM's, puts a file of 1 MiB on lab1 and
# reads it back (PUT and GET /folder/, the same SHA-256 and length),
# finds it with the datastore browser and reads the .vmx through
# /folder/; libvirt's virsh dumps it (its .vmx through /folder/) and
# defines, lists, dumps and undefines a domain on lab1; it powers it on (the COS: `vmkctl vm list` shows it
# running, and says so on its console, which the host waits for),
# powers it off and unregisters it (the COS: vmkctl no longer lists
# it); a RegisterVM_Task of a .vmx that does not exist fails with
# NotFound naming it. Then /etc/init.d/vmk stop stops vmk-hostd and
# unloads. A lab scenario with a host-side part: this script runs both
# parts and fails when either does (the COS part when a state it waits
# for has not come 240 s after the last).
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
# vm_listed NAME: NAME's state in `vmkctl vm list` (nothing: not listed)
vm_listed() { vmkctl vm list | awk -v n="$1" '$1 == n { print $2 }'; }
# wait_listed NAME STATE: until `vmkctl vm list` shows NAME in STATE ("":
# not listed), at most 240 s
wait_listed() {
	_end=$(($(date +%s) + 240))
	until [ "$(vm_listed "$1")" = "$2" ]; do
		[ "$(date +%s)" -le $_end ] || return 1
		sleep 0.5
	done
}
mkdir -p /tmp/ds/lab1/reg
vm_make_guest_vmx /tmp/ds/lab1/reg/reg.vmx reg cpu_spin
hostd_load --datastores /tmp/ds || fail "/etc/init.d/vmk start: vmkload, then vmk-hostd on port 443"
hostd_spin_vm_up
echo "hostd-lab: serving, vm spin id $(vm_field spin id) $(vm_field spin state)"
expect "the host's PowerOffVM_Task leaves vmkctl showing the VM off" vm_wait_state spin off 240
vmkctl vm info spin
expect "the host's RegisterVM_Task and PowerOnVM_Task: vmkctl vm list shows reg running" \
	wait_listed reg running
expect "... and its guest runs" cpu_spin_progress reg 60
echo "hostd-lab: reg running in vmkctl vm list"
expect "the host's PowerOffVM_Task and UnregisterVM: vmkctl vm list no longer has reg" \
	wait_listed reg ""
expect_fail "... nor has the vmkernel" vmkctl vm info reg
expect "unregister spin" vmkctl vm unregister spin
hostd_unload
SH
# In a session of its own, so that giving up stops the lab's QEMU too
# (timeout(1) gives QEMU a process group of its own, not a session).
setsid ci/lab --scenario "$cos" --timeout 720 --results "$results/hostd" 2>"$results/lab.stderr" &
lab=$!
log=$results/hostd/cos-console.log
end=$((SECONDS + 600))
until grep -q "hostd-lab: serving" "$log" 2>/dev/null; do
	kill -0 $lab 2>/dev/null && [ $SECONDS -lt $end ] ||
		{ echo "FAIL: vmk-hostd did not come up in the COS (see $log)"; pkill -s $lab; wait $lab; exit 1; }
	sleep 2
done
grep "hostd-lab: serving" "$log"
port=$(cat "$results/hostd/mgmt-port")
"$python" tests/lab/host/hostd/cos_vm_session.py 127.0.0.1 "$port" root vmk-lab-secret spin \
	"[lab1] reg/reg.vmx" /tmp/ds/lab1 "$log"
py=$?
wait $lab
rc=$?
grep -E "^(ok|FAIL)" "$log" | tr -d '\r'
[ $py = 0 ] || { echo "FAIL: the pyVmomi client (exit $py)"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: the COS part (ci/lab exit $rc, see $log)"; exit 1; }
echo "ok: pyVmomi on the host powered off a VM of the COS's vmkernel and registered, ran and unregistered another; vmkctl agrees"
