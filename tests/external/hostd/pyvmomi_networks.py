#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd's networks with Debian's pyVmomi, against the fake backend
# only (--fake-backend: port groups "VM Network" and "Backup"; web has a
# NIC on the one, db one on each, build one on "Old Lab", a port group
# the host does not have): what govmomi's simulator
# cannot anchor, since it leaves Network.vm empty and
# accepts any deviceChange. Each Network lists the VMs whose .vmx names
# it; a VM made with a NIC on Backup joins Backup's vm; CreateVM_Task
# refuses an unknown port group, a MAC outside VMware's static range and
# a disk without a controller with InvalidArgument naming the field, and
# writes nothing. A VM made with a thin disk on the fake VMFS datastore
# vmfs1 reads back its controller and disk, and vmfs1 is of type VMFS.
# The host's network system lists the switches, port groups and uplink.
#   pyvmomi_networks.py HOST PORT USER PASSWORD DATASTORE_FOLDER
# DATASTORE_FOLDER is the datastore's folder on this machine (the
# daemon's --datastores DIR/NAME). Prints "ok: ..." / "FAIL: ..."; exit
# status 1 if any check failed.
import os
import ssl
import sys

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, port, user, password, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
datastore = os.path.basename(folder.rstrip("/"))
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    failures += 0 if cond else 1


si = SmartConnect(host=host, port=port, user=user, pwd=password,
                  sslContext=ssl._create_unverified_context())
content = si.RetrieveContent()
dc = content.rootFolder.childEntity[0]
pool = dc.hostFolder.childEntity[0].resourcePool
hs = dc.hostFolder.childEntity[0].host[0]

# 1. The port groups as Networks, each with the VMs on it.
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.Network], True)
nets = {n.name: n for n in view.view}
view.DestroyView()
check(sorted(nets) == ["Backup", "VM Network"], "a container view lists both port groups (%s)" % sorted(nets))
check(all(n._moId == "HaNetwork-" + name for name, n in nets.items()), "each moref is HaNetwork-NAME")
for name, want in (("VM Network", ["db", "web"]), ("Backup", ["db"])):
    n = nets.get(name)
    got = sorted(v.name for v in n.vm) if n else None
    check(got == want, "%s's vm: %s (%s)" % (name, want, got))
    check(n is not None and list(n.host) == [hs], "%s's host is the host" % name)
vms = {v.name: v for v in dc.vmFolder.childEntity}
check(sorted(n.name for n in vms["db"].network) == ["Backup", "VM Network"] and
      list(vms["build"].network) == [], "db's network has both, build's none (its is gone)")
old = [d for d in vms["build"].config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
check([(d.backing.deviceName, d.backing.network) for d in old] == [("Old Lab", None)],
      "build's NIC names Old Lab and no Network")
nics = [d for d in vms["db"].config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
check([(d.key, d.backing.deviceName, d.addressType, d.macAddress) for d in nics] ==
      [(4000, "VM Network", "manual", "00:50:56:00:00:02"), (4001, "Backup", "generated", None)],
      "db's NICs as its .vmx has them (%s)" % [(d.key, d.backing.deviceName, d.addressType,
                                                d.macAddress) for d in nics])


def nic(net, mac=None):
    dev = vim.vm.device.VirtualE1000(
        key=-1, backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=net))
    if mac:
        dev.addressType, dev.macAddress = "manual", mac
    return vim.vm.device.VirtualDeviceSpec(operation="add", device=dev)


def spec(name, changes):
    return vim.vm.ConfigSpec(name=name, memoryMB=64, numCPUs=1, guestId="otherLinuxGuest",
                             files=vim.vm.FileInfo(vmPathName="[%s]" % datastore),
                             deviceChange=changes)


# 2. A VM made with a NIC on Backup is Backup's.
task = dc.vmFolder.CreateVM_Task(config=spec("on-backup", [nic("Backup", "00:50:56:3f:ff:ff")]), pool=pool)
check(WaitForTask(task) == "success", "CreateVM_Task with a NIC on Backup succeeds")
made = task.info.result
check(made in nets["Backup"].vm and made not in nets["VM Network"].vm,
      "Backup's vm has it, VM Network's does not")
vmx = os.path.join(folder, "on-backup", "on-backup.vmx")
text = open(vmx).read() if os.path.exists(vmx) else ""
check('ethernet0.networkName = "Backup"' in text and 'ethernet0.address = "00:50:56:3f:ff:ff"' in text,
      "its .vmx names Backup and the static MAC")
check(WaitForTask(made.Destroy_Task()) == "success", "Destroy_Task of it succeeds")

# 3. What vmk cannot give: InvalidArgument naming the field, nothing written.
disk = vim.vm.device.VirtualDeviceSpec(
    operation="add", fileOperation="create",
    device=vim.vm.device.VirtualDisk(
        key=-2, capacityInKB=1024,
        backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(diskMode="persistent", fileName="")))
for what, changes, field in (
        ("an unknown port group", [nic("No Such Group")], "config.deviceChange.device.backing.deviceName"),
        ("a MAC outside 00:50:56:00:00:00-00:50:56:3F:FF:FF", [nic("VM Network", "00:50:56:40:00:00")],
         "config.deviceChange.device.macAddress"),
        ("a disk without a SCSI controller", [nic("VM Network"), disk],
         "config.deviceChange.device.controllerKey")):
    try:
        WaitForTask(dc.vmFolder.CreateVM_Task(config=spec("refused", changes), pool=pool))
        check(False, "CreateVM_Task with %s refused" % what)
    except vmodl.fault.InvalidArgument as e:
        check(e.invalidProperty == field, "CreateVM_Task with %s refused: InvalidArgument %s" % (
            what, e.invalidProperty))
    check(not os.path.exists(os.path.join(folder, "refused")) and
          "refused" not in [v.name for v in dc.vmFolder.childEntity],
          "nothing written, no VM registered")

# 4. A thin disk on the fake backend's VMFS volume vmfs1, on a ParaVirtual controller.
vmfs = [d for d in dc.datastoreFolder.childEntity if d.name == "vmfs1"]
check(len(vmfs) == 1 and vmfs[0].summary.type == "VMFS" and
      isinstance(vmfs[0].info, vim.host.VmfsDatastoreInfo) and vmfs[0].info.vmfs.blockSizeMb == 1,
      "vmfs1 is a VMFS datastore with its VmfsDatastoreInfo")
ctl = vim.vm.device.VirtualDeviceSpec(operation="add", device=vim.vm.device.ParaVirtualSCSIController(
    key=1000, busNumber=0, sharedBus="noSharing"))
disk = vim.vm.device.VirtualDeviceSpec(
    operation="add", fileOperation="create",
    device=vim.vm.device.VirtualDisk(
        key=-2, capacityInKB=16384, controllerKey=1000, unitNumber=0,
        backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
            diskMode="persistent", fileName="[vmfs1]", thinProvisioned=True)))
task = dc.vmFolder.CreateVM_Task(config=vim.vm.ConfigSpec(
    name="disky", memoryMB=64, numCPUs=1, files=vim.vm.FileInfo(vmPathName="[vmfs1]"),
    deviceChange=[ctl, disk]), pool=pool)
check(WaitForTask(task) == "success", "CreateVM_Task with a thin disk on vmfs1 succeeds")
made = task.info.result
devs = made.config.hardware.device
ctls = [d for d in devs if isinstance(d, vim.vm.device.ParaVirtualSCSIController)]
disks = [d for d in devs if isinstance(d, vim.vm.device.VirtualDisk)]
check([(c.key, list(c.device)) for c in ctls] == [(1000, [2000])], "its ParaVirtual controller has disk 2000")
check([(d.key, d.controllerKey, d.unitNumber, d.backing.fileName, d.backing.datastore) for d in disks] ==
      [(2000, 1000, 0, "[vmfs1] disky/disky.vmdk", vmfs[0] if vmfs else None)],
      "its disk is [vmfs1] disky/disky.vmdk on vmfs1")
check(made in (vmfs[0].vm if vmfs else []) and made.summary.config.numVirtualDisks == 1,
      "vmfs1's vm has it, with one virtual disk")
check(WaitForTask(made.Destroy_Task()) == "success", "Destroy_Task of it succeeds")

# 5. The switches and port groups as the host's network system has them
#    (configManager.networkSystem.networkInfo, the same as config.network).
info = hs.configManager.networkSystem.networkInfo
check(str(info) == str(hs.config.network), "networkSystem.networkInfo is the host's config.network")
switches = {s.name: s for s in info.vswitch}
check(sorted(switches) == ["internal0", "vswitch0"], "the switches: vswitch0, internal0 (%s)" % sorted(switches))
groups = {g.spec.name: g for g in info.portgroup}
check(sorted(groups) == ["Backup", "VM Network"] and
      (groups["VM Network"].spec.vswitchName, groups["Backup"].spec.vswitchName) == ("vswitch0", "internal0") and
      groups["Backup"].spec.vlanId == 20 and groups["Backup"].vswitch == switches["internal0"].key,
      "the port groups on their switches, Backup on VLAN 20")
check(list(switches["vswitch0"].portgroup) == [groups["VM Network"].key] and
      switches["vswitch0"].numPorts == 64 and switches["vswitch0"].numPortsAvailable == 61,
      "vswitch0 has VM Network and 61 of its 64 ports free")
check([(p.device, p.driver, p.pci, p.linkSpeed.speedMb) for p in info.pnic] == [("vmnic0", "e1000", "0000:00:02.0", 1000)] and
      list(switches["vswitch0"].pnic) == [info.pnic[0].key] and list(switches["internal0"].pnic) == [],
      "vswitch0's uplink vmnic0 (e1000 at 00:02.0, 1000 Mb/s), internal0 none")

Disconnect(si)
print("%d failures" % failures)
sys.exit(1 if failures else 0)
