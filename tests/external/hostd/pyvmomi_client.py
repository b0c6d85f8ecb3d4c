#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# A vSphere API client session written with Debian's pyVmomi (nobody here
# wrote it): log in, list the VMs through a container view, read their
# power state and summary, power one off and on again with WaitForTask,
# log out; and the refusals: a wrong password, a call without a session.
# Run against vmk-hostd and against govmomi's ESX simulator (the anchor):
#   pyvmomi_client.py HOST PORT USER PASSWORD
# Prints one "ok: ..." line per check, "FAIL: ..." for each failure; exit
# status 1 if any check failed.
import ssl
import sys

from pyVim.connect import SmartConnect, SmartStubAdapter, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl._create_unverified_context()
failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok: " + what)
    else:
        print("FAIL: " + what)
        failures += 1


def connect(pwd):
    return SmartConnect(host=host, port=port, user=user, pwd=pwd, sslContext=ctx)


# 1. A wrong password is refused with InvalidLogin.
try:
    connect(password + "-wrong")
    check(False, "wrong password refused")
except vim.fault.InvalidLogin:
    check(True, "wrong password refused with vim.fault.InvalidLogin")

# 2. Without a session, only the service content is readable.
stub = SmartStubAdapter(host=host, port=port, sslContext=ctx)
anon = vim.ServiceInstance("ServiceInstance", stub)
content = anon.RetrieveContent()
check(content.rootFolder is not None, "RetrieveServiceContent without a session")
try:
    content.rootFolder.childEntity
    check(False, "property read without a session refused")
except vim.fault.NotAuthenticated:
    check(True, "property read without a session refused with vim.fault.NotAuthenticated")

# 3. Log in and look at the host.
si = connect(password)
content = si.RetrieveContent()
about = content.about
print("about: %s / %s / %s / %s" % (about.fullName, about.apiType, about.apiVersion,
                                     about.productLineId))
check(about.apiType == "HostAgent", "about.apiType is HostAgent")
session = content.sessionManager.currentSession
check(session is not None and session.userName == user,
      "currentSession names the user (%s)" % (session and session.userName))
check(content.rootFolder._moId == "ha-folder-root", "root folder is ha-folder-root")
dcs = content.rootFolder.childEntity
check(len(dcs) == 1 and isinstance(dcs[0], vim.Datacenter), "one datacenter under the root folder")
dc = dcs[0]
check(dc.name == "ha-datacenter", "datacenter is named ha-datacenter (%s)" % dc.name)
check(dc.vmFolder._moId == "ha-folder-vm", "vmFolder is ha-folder-vm")

# 4. The VMs through a container view, as most scripts list them.
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
vms = list(view.view)
check(len(vms) >= 1, "container view lists VMs (%d)" % len(vms))
for vm in vms:
    s = vm.summary
    print("vm %s: %s, %s MB, %s vCPU, state %s" % (
        vm.name, vm.runtime.powerState, s.config.memorySizeMB, s.config.numCpu,
        s.runtime.powerState))
    check(s.config.name == vm.name, "summary.config.name of %s" % vm.name)
    check(s.runtime.powerState == vm.runtime.powerState,
          "summary.runtime.powerState of %s" % vm.name)

# The same through one RetrievePropertiesEx with a traversal, as
# property-collector scripts (and govc) do.
pc = content.propertyCollector
spec = vmodl.query.PropertyCollector.FilterSpec(
    objectSet=[vmodl.query.PropertyCollector.ObjectSpec(
        obj=view, skip=True,
        selectSet=[vmodl.query.PropertyCollector.TraversalSpec(
            name="traverseEntities", path="view", skip=False, type=vim.view.ContainerView)])],
    propSet=[vmodl.query.PropertyCollector.PropertySpec(
        type=vim.VirtualMachine, pathSet=["name", "runtime.powerState"])])
result = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
props = {}
for oc in result.objects:
    d = {p.name: p.val for p in oc.propSet}
    props[d["name"]] = d["runtime.powerState"]
check(sorted(props) == sorted(vm.name for vm in vms),
      "RetrievePropertiesEx over the view finds every VM (%s)" % ", ".join(sorted(props)))

# 5. Power a running VM off and on again.
on = [vm for vm in vms if vm.runtime.powerState == "poweredOn"]
check(len(on) >= 1, "a VM is powered on")
if on:
    vm = on[0]
    task = vm.PowerOffVM_Task()
    check(WaitForTask(task) == "success", "PowerOffVM_Task of %s succeeds" % vm.name)
    check(vm.runtime.powerState == "poweredOff", "%s is powered off" % vm.name)
    check(task.info.entity == vm, "the task names its VM")
    task = vm.PowerOnVM_Task()
    check(WaitForTask(task) == "success", "PowerOnVM_Task of %s succeeds" % vm.name)
    check(vm.runtime.powerState == "poweredOn", "%s is powered on again" % vm.name)
view.DestroyView()

# 6. Log out: the session is gone.
content.sessionManager.Logout()
try:
    content.rootFolder.childEntity
    check(False, "property read after Logout refused")
except vim.fault.NotAuthenticated:
    check(True, "property read after Logout refused with vim.fault.NotAuthenticated")

print("%d failures" % failures)
sys.exit(1 if failures else 0)
