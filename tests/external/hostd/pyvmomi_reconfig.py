#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# ReconfigVM_Task with Debian's pyVmomi. Both servers (govmomi's ESX
# simulator, the anchor, and vmk-hostd): a VM made off on the datastore
# gets 2 vCPUs, 128 MiB and a CPU allocation (shares high, reservation
# 100 MHz, limit 1500 MHz), then custom shares and no limit; each read
# back from config.
# With --vmk, what only vmk-hostd is held to: a second session's filter
# on config.hardware and config.cpuAllocation sees each change through
# WaitForUpdatesEx (Debian's simulator changes a VM's config without
# telling its property collector: its watchers see nothing); the .vmx the VM has then
# (numvcpus, memsize, sched.cpu.*), a powered-on VM refused with
# InvalidPowerState (no hot-add; no call for a running VM's shares),
# bad values refused with InvalidArgument naming the field, a
# deviceChange and a memoryAllocation with NotSupported, and the .vmx
# untouched by every refusal.
#   pyvmomi_reconfig.py HOST PORT USER PASSWORD DATASTORE_FOLDER [--vmk]
# Prints "ok: ..." / "FAIL: ..."; exit status 1 if any check failed.
import os
import ssl
import sys

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, port, user, password, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
vmk = "--vmk" in sys.argv[6:]
datastore = os.path.basename(folder.rstrip("/"))
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    failures += 0 if cond else 1


def connect():
    return SmartConnect(host=host, port=port, user=user, pwd=password,
                        sslContext=ssl._create_unverified_context())


si = connect()
content = si.RetrieveContent()
dc = content.rootFolder.childEntity[0]
pool = dc.hostFolder.childEntity[0].resourcePool

spec = vim.vm.ConfigSpec(name="reconf", memoryMB=64, numCPUs=1, guestId="otherLinuxGuest",
                         files=vim.vm.FileInfo(vmPathName="[%s]" % datastore))
task = dc.vmFolder.CreateVM_Task(config=spec, pool=pool)
check(WaitForTask(task) == "success", "CreateVM_Task of reconf succeeds")
vm = task.info.result

# A watcher in a session of its own: a filter on the VM's config.
wsi = connect()
wpc = wsi.RetrieveContent().propertyCollector
wvm = vim.VirtualMachine(vm._moId, stub=wsi._stub)
paths = ["config.hardware.numCPU", "config.hardware.memoryMB", "config.cpuAllocation"]
wfilter = wpc.CreateFilter(vmodl.query.PropertyCollector.FilterSpec(
    objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=wvm)],
    propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=paths)]),
    partialUpdates=False)
update = wpc.WaitForUpdatesEx("", vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=5))
version = update.version if update else ""


def watched():
    """The watcher's next update of the VM's config as {path: value}, {} if none in 10 s."""
    global version
    got = {}
    update = wpc.WaitForUpdatesEx(version, vmodl.query.PropertyCollector.WaitOptions(maxWaitSeconds=10))
    if update:
        version = update.version
        for fs in update.filterSet:
            for obj in fs.objectSet:
                for change in obj.changeSet:
                    got[change.name] = change.val
    return got


def vmx_text():
    path = os.path.join(folder, "reconf", "reconf.vmx")
    return open(path).read() if os.path.exists(path) else ""


# 1. vCPUs, memory and a CPU allocation at a level.
task = vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(
    numCPUs=2, memoryMB=128,
    cpuAllocation=vim.ResourceAllocationInfo(reservation=100, limit=1500,
                                             shares=vim.SharesInfo(level="high", shares=0))))
check(WaitForTask(task) == "success", "ReconfigVM_Task: 2 vCPUs, 128 MiB, shares high, 100-1500 MHz")
cfg = vm.config
alloc = cfg.cpuAllocation
check(cfg.hardware.numCPU == 2 and cfg.hardware.memoryMB == 128 and
      vm.summary.config.numCpu == 2 and vm.summary.config.memorySizeMB == 128,
      "config.hardware and summary.config read back 2 vCPUs, 128 MiB")
check(alloc.shares.level == "high" and alloc.reservation == 100 and alloc.limit == 1500,
      "config.cpuAllocation reads back high, 100, 1500 (%s, %s, %s)" % (
          alloc.shares.level, alloc.reservation, alloc.limit))
got = watched() if vmk else None
check(not vmk or got.get("config.hardware.numCPU") == 2 and got.get("config.hardware.memoryMB") == 128 and
      getattr(got.get("config.cpuAllocation"), "limit", None) == 1500,
      "the watcher's WaitForUpdatesEx sees the new vCPUs, memory and limit (%s)" % sorted(got or []))

# 2. Custom shares and no limit (the simulator replaces the whole
#    allocation: the reservation is given again).
task = vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(
    cpuAllocation=vim.ResourceAllocationInfo(reservation=100, limit=-1,
                                             shares=vim.SharesInfo(level="custom", shares=3000))))
check(WaitForTask(task) == "success", "ReconfigVM_Task: custom shares 3000, no limit")
alloc = vm.config.cpuAllocation
check(alloc.shares.level == "custom" and alloc.shares.shares == 3000 and alloc.limit == -1 and
      alloc.reservation == 100, "config.cpuAllocation reads back custom 3000, limit -1, reservation 100")

if vmk:
    got = watched()
    check(getattr(got.get("config.cpuAllocation"), "shares", None) is not None and
          got["config.cpuAllocation"].shares.shares == 3000,
          "the watcher sees the custom shares")

    text = vmx_text()
    want = ['numvcpus = "2"', 'memsize = "128"', 'sched.cpu.shares = "3000"', 'sched.cpu.min = "100"',
            'sched.cpu.max = "unlimited"']
    check(all(w in text.splitlines() for w in want), "its .vmx has %s" % ", ".join(want))

    # 3. Refusals: the fault, its field, nothing written.
    def refused(what, spec, fault, field=None, on=vm):
        before = vmx_text()
        try:
            WaitForTask(on.ReconfigVM_Task(spec=spec))
            check(False, "ReconfigVM_Task with %s refused" % what)
        except fault as e:
            prop = getattr(e, "invalidProperty", None)
            check(field is None or prop == field,
                  "ReconfigVM_Task with %s refused: %s %s (%s)" % (what, type(e).__name__, prop or "", e.msg))
        except vmodl.MethodFault as e:
            check(False, "ReconfigVM_Task with %s refused with %s: %s" % (what, type(e).__name__, e.msg))
        check(vmx_text() == before, "... its .vmx untouched")

    refused("0 vCPUs", vim.vm.ConfigSpec(numCPUs=0), vmodl.fault.InvalidArgument, "spec.numCPUs")
    refused("17 vCPUs", vim.vm.ConfigSpec(numCPUs=17), vmodl.fault.InvalidArgument, "spec.numCPUs")
    # a .vmx may say 16 and 65536, the vmkernel runs at most 8 and 1024
    refused("9 vCPUs", vim.vm.ConfigSpec(numCPUs=9), vmodl.fault.InvalidArgument, "spec.numCPUs")
    refused("2048 MiB", vim.vm.ConfigSpec(memoryMB=2048), vmodl.fault.InvalidArgument, "spec.memoryMB")
    refused("66 MiB", vim.vm.ConfigSpec(memoryMB=66), vmodl.fault.InvalidArgument, "spec.memoryMB")
    refused("a limit below the reservation",
            vim.vm.ConfigSpec(cpuAllocation=vim.ResourceAllocationInfo(limit=50)),
            vmodl.fault.InvalidArgument, "spec.cpuAllocation.limit")
    refused("custom shares 0",
            vim.vm.ConfigSpec(cpuAllocation=vim.ResourceAllocationInfo(
                shares=vim.SharesInfo(level="custom", shares=0))),
            vmodl.fault.InvalidArgument, "spec.cpuAllocation.shares.shares")
    nic = vim.vm.device.VirtualE1000(
        key=-1, backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"))
    refused("a NIC added", vim.vm.ConfigSpec(deviceChange=[
        vim.vm.device.VirtualDeviceSpec(operation="add", device=nic)]), vmodl.fault.NotSupported)
    refused("a memory reservation",
            vim.vm.ConfigSpec(memoryAllocation=vim.ResourceAllocationInfo(reservation=64)),
            vmodl.fault.NotSupported)
    refused("CPU hot-add", vim.vm.ConfigSpec(cpuHotAddEnabled=True), vmodl.fault.NotSupported)

    # 4. Powered on: no hot-add; the CPU allocation changes (on vmk the
    # running VM's too: the lab scenario hostd_serves_the_vmkernels_vms_in_the_cos).
    check(WaitForTask(vm.PowerOnVM_Task()) == "success", "reconf powers on")
    refused("2 more vCPUs while it runs", vim.vm.ConfigSpec(numCPUs=4), vim.fault.InvalidPowerState)
    check(vm.config.hardware.numCPU == 2 and vm.config.cpuAllocation.shares.shares == 3000,
          "the running VM still shows what it runs with")
    check(WaitForTask(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(
        cpuAllocation=vim.ResourceAllocationInfo(shares=vim.SharesInfo(level="low", shares=0))))) ==
          "success", "ReconfigVM_Task of the running VM: shares low")
    check(vm.config.cpuAllocation.shares.level == "low" and vm.config.hardware.numCPU == 2 and
          'sched.cpu.shares = "low"' in vmx_text().splitlines(),
          "... config.cpuAllocation and its .vmx say low, 2 vCPUs kept")
    check(WaitForTask(vm.PowerOffVM_Task()) == "success", "reconf powers off")
    check(WaitForTask(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(numCPUs=1))) == "success" and
          vm.config.hardware.numCPU == 1 and vm.config.cpuAllocation.shares.level == "low",
          "off again, 1 vCPU is taken (shares low kept)")

wfilter.Destroy()
Disconnect(wsi)
check(WaitForTask(vm.Destroy_Task()) == "success", "Destroy_Task of reconf succeeds")
Disconnect(si)
print("%d failures" % failures)
sys.exit(1 if failures else 0)
