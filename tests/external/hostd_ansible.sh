#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd driven by Ansible, the fleet engine (Debian's ansible, which
# bundles the community.vmware collection; nobody here wrote it): the
# playbook hostd/ansible/vm.yml makes a VM with vmware_guest, reads it
# with vmware_guest_info and powers it on and off with
# vmware_guest_powerstate, each state read back, and gives it 2 CPUs
# and 128 MiB with vmware_guest state present (ReconfigVM_Task); the
# inventory plugin
# community.vmware.vmware_vm_inventory (hostd/ansible/vmware.yml) lists
# it with the host's other VMs; vm-absent.yml removes it and the
# inventory no longer lists it. All of it runs first, unchanged, against
# govmomi's ESX simulator (the anchor), then against vmk-hostd
# --fake-backend (hostd/daemons.sh, shared with hostd_pyvmomi.sh).
# The shim: Debian 12's pyVmomi 6.7.1 lacks VmomiSupport.VmomiJSONEncoder,
# which the collection's module_utils/vmware.py uses for every VM's facts;
# hostd/ansible/shim/sitecustomize.py supplies it on PYTHONPATH, in this
# harness only, never in the daemon. Run from the top: BUILD, RESULTS.
set -euo pipefail

BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$(mktemp -d)}
here=$(cd "$(dirname "$0")/hostd" && pwd)
work=$RESULTS/hostd
mkdir -p "$work"

command -v ansible-playbook >/dev/null && [ -d /usr/lib/python3/dist-packages/ansible_collections/community/vmware ] ||
	{ echo "ansible missing: install ansible (ci/packages)"; exit 1; }
/usr/bin/python3 -c 'import pyVmomi' 2>/dev/null || { echo "pyVmomi missing: install python3-pyvmomi (ci/packages)"; exit 1; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
. "$here/daemons.sh"

# Ansible's own state (its temporary files) in the results, not in ~.
export HOME=$work/home ANSIBLE_LOCAL_TEMP=$work/home/tmp ANSIBLE_REMOTE_TEMP=$work/home/tmp
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1
export PYTHONPATH=$here/ansible/shim VMWARE_HOST=127.0.0.1 VMWARE_USER=$user VMWARE_PASSWORD=$password
mkdir -p "$HOME"

# fatal LOG: the task and the reason (a fault's message) of a failed play.
fatal() {
	/usr/bin/python3 -c '
import json, sys
log, mark = open(sys.argv[1]).read(), "fatal: [localhost]: FAILED! => "
at = log.find(mark)
if at < 0:
    sys.exit(print(log.strip().splitlines()[-1:]))
task = log[log.rfind("TASK [", 0, at) + 6:].split("]")[0]
res = json.JSONDecoder().raw_decode(log[at + len(mark):])[0]
why = res.get("module_stderr", "").strip().splitlines()[-8:] or [str(res.get("msg", ""))]
print("task %s: %s" % (task, " ".join(l.strip() for l in why)[-400:]))
' "$1"
}

# playbook NAME PLAYBOOK: run it against VMWARE_PORT.
playbook() {
	if timeout 600 ansible-playbook -i localhost, -c local "$here/ansible/$2.yml" \
		>"$work/$1-$2.log" 2>&1; then
		echo "ok: $1: $2.yml: $(grep -c '^ok: \|^changed: ' "$work/$1-$2.log") tasks ok"
	else
		fail "$1: $2.yml: $(fatal "$work/$1-$2.log")"
	fi
}

# vms NAME TAG: the VMs ansible-inventory lists, "NAME=POWERSTATE" sorted.
vms() {
	# --output: the JSON alone, whatever ANSIBLE_VERBOSITY prints
	timeout 300 ansible-inventory -i "$here/ansible/vmware.yml" --list \
		--output "$work/$1-inventory-$2.json" >"$work/$1-inventory-$2.err" 2>&1 || true
	/usr/bin/python3 -c '
import json, sys
hosts = json.load(open(sys.argv[1]))["_meta"]["hostvars"]
print(" ".join(sorted("%s=%s" % (k, v["runtime"]["powerState"]) for k, v in hosts.items())))
' "$work/$1-inventory-$2.json" 2>>"$work/$1-inventory-$2.err" || true
}

# session NAME: the playbooks and the inventory against 127.0.0.1:$port.
session() {
	local before made after
	export VMWARE_PORT=$port
	before=$(vms "$1" before)
	[ -n "$before" ] && ! grep -q ansible1 <<<"$before" &&
		echo "ok: $1: the inventory plugin lists the VMs: $before" ||
		fail "$1: the inventory before vm.yml: '$before' ($(head -3 "$work/$1-inventory-before.err"))"
	playbook "$1" vm
	made=$(vms "$1" made)
	[ "$made" = "$(tr ' ' '\n' <<<"$before ansible1=poweredOff" | sort | xargs)" ] &&
		echo "ok: $1: the inventory lists ansible1, powered off, with the others" ||
		fail "$1: the inventory after vm.yml: '$made', not '$before' and ansible1=poweredOff"
	playbook "$1" vm-absent
	after=$(vms "$1" after)
	[ "$after" = "$before" ] && echo "ok: $1: ansible1 is gone from the inventory" ||
		fail "$1: the inventory after vm-absent.yml: '$after', not '$before'"
}

# 1. The anchor: govmomi's ESX simulator.
if start_esxsim; then
	session "govmomi's ESX simulator"
else
	fail "cannot build the govmomi simulator: $(tail -3 "$work/esxsim-build.log")"
fi

# 2. vmk-hostd, its VM's files on the folder datastore LocalDS_0.
start_hostd hostd
session vmk-hostd
[ -z "$(ls -A "$work/datastores/LocalDS_0")" ] &&
	echo "ok: vmk-hostd: ansible1's files are gone from LocalDS_0" ||
	fail "vmk-hostd: left in LocalDS_0: $(ls "$work/datastores/LocalDS_0")"

echo "$failures failures"
[ "$failures" = 0 ]
