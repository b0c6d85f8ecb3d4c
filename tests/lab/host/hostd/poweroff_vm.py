#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# The host side of tests/lab/host/hostd_pyvmomi_powers_off_a_cos_vm.sh:
# Debian's pyVmomi logs in to vmk-hostd in the lab's COS through the lab's
# port forward, finds the VM through a container view, checks that it
# runs, powers it off with WaitForTask and reads it back off.
#   poweroff_vm.py HOST PORT USER PASSWORD VMNAME
# Exit status 1 (with "FAIL: ...") if any step fails.
import ssl
import sys

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim

host, port, user, password, name = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]


def fail(what):
    print("FAIL: " + what)
    sys.exit(1)


si = SmartConnect(host=host, port=port, user=user, pwd=password,
                  sslContext=ssl._create_unverified_context())
print("ok: logged in to %s (%s)" % (si.content.about.fullName, si.content.about.apiType))
content = si.RetrieveContent()
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
vms = {vm.name: vm for vm in view.view}
print("ok: VMs in the container view: %s" % ", ".join(sorted(vms)))
if name not in vms:
    fail("no VM named %s" % name)
vm = vms[name]
if vm.runtime.powerState != "poweredOn":
    fail("%s is %s, want poweredOn" % (name, vm.runtime.powerState))
print("ok: %s (%s) is poweredOn" % (name, vm._moId))
WaitForTask(vm.PowerOffVM_Task())
if vm.runtime.powerState != "poweredOff":
    fail("%s is %s after PowerOffVM_Task" % (name, vm.runtime.powerState))
print("ok: PowerOffVM_Task: %s is poweredOff" % name)
Disconnect(si)
