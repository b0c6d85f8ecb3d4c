#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# A vSphere API client session written with Debian's pyVmomi (nobody here
# wrote it): log in, list the VMs through a container view, read their
# power state and summary, power one off and on again with WaitForTask,
# shut its guest down and unregister it; create a VM on a datastore,
# unregister and register it again, destroy it; find VMs and the datastore by
# inventory path (SearchIndex); read the datastores
# (folder, summary, space, the host's and the VM's datastore); read the
# network "VM Network" and create VMs with one and two NICs on it; upload a
# file to the datastore and download it (/folder/, with the session's cookie,
# as pyVmomi users do with requests), find it with the datastore browser;
# log out. And the
# refusals: a wrong password, a call without a session, a guest shutdown
# of a VM that is off, unregistering or destroying one that is on,
# registering a .vmx that does not exist.
# Run against vmk-hostd and against govmomi's ESX simulator (the anchor):
#   pyvmomi_client.py HOST PORT USER PASSWORD [DATASTORE]
# DATASTORE (default LocalDS_0, the simulator's) must exist on the host.
# Prints one "ok: ..." line per check, "FAIL: ..." for each failure; exit
# status 1 if any check failed.
import hashlib
import os
import ssl
import sys
import time

import requests
import urllib3

from pyVim.connect import SmartConnect, SmartStubAdapter, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
datastore = sys.argv[5] if len(sys.argv) > 5 else "LocalDS_0"
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

# SearchIndex.FindByInventoryPath: the inventory walked by names, as
# scripts find a VM ("ha-datacenter/vm/NAME") or a datastore; a path that
# names nothing finds nothing (no fault).
si_index = content.searchIndex
for vm in vms:
    found = si_index.FindByInventoryPath("%s/vm/%s" % (dc.name, vm.name))
    check(found == vm, "FindByInventoryPath %s/vm/%s finds it (%s)" % (dc.name, vm.name, found))
found = si_index.FindByInventoryPath("%s/datastore/%s" % (dc.name, datastore))
check(isinstance(found, vim.Datastore) and found.name == datastore,
      "FindByInventoryPath %s/datastore/%s finds the datastore (%s)" % (dc.name, datastore, found))
check(si_index.FindByInventoryPath(dc.name) == dc, "FindByInventoryPath %s finds the datacenter" % dc.name)
check(si_index.FindByInventoryPath("%s/vm/no-such-vm" % dc.name) is None,
      "FindByInventoryPath of a path that names nothing finds nothing")
check(si_index.FindChild(dc.vmFolder, vms[0].name) == vms[0] if vms else True,
      "FindChild of the VM folder finds a VM by its name")

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

# 6. A guest shutdown (ESXi asks VMware Tools, vmk presses the guest's ACPI
#    power button; both answer at once and the guest powers off when done),
#    then the VM, off now, is unregistered and leaves the inventory.
if on:
    vm, name = on[0], on[0].name
    vm.ShutdownGuest()
    for _ in range(50):
        if vm.runtime.powerState == "poweredOff":
            break
        time.sleep(0.2)
    check(vm.runtime.powerState == "poweredOff", "ShutdownGuest: %s powers off" % name)
    try:
        vm.ShutdownGuest()
        check(False, "ShutdownGuest of a powered-off VM refused")
    except vim.fault.InvalidPowerState as e:
        check(e.existingState == "poweredOff",
              "ShutdownGuest of a powered-off VM refused with InvalidPowerState (%s)" % e.existingState)
    running = [v for v in vms if v != vm and v.runtime.powerState == "poweredOn"]
    check(len(running) >= 1, "another VM is powered on")
    if running:
        try:
            running[0].UnregisterVM()
            check(False, "UnregisterVM of a running VM refused")
        except vim.fault.InvalidPowerState as e:
            check(e.existingState == "poweredOn",
                  "UnregisterVM of a running VM refused with InvalidPowerState (%s)" % e.existingState)
    vm.UnregisterVM()
    names = [v.name for v in view.view]
    check(name not in names and len(names) == len(vms) - 1,
          "UnregisterVM: %s left the inventory (%s)" % (name, ", ".join(names)))
view.DestroyView()

# 7a. The datastores: the datastore folder lists the folder's (and, for
#     vmk-hostd's fake backend, its VMFS volume vmfs1), with its space as
#     statvfs(3) of its folder says (the simulator's and vmk-hostd's url
#     name the folder on this machine), and the host and the datacenter
#     name it.
dss = dc.datastoreFolder.childEntity
names = [d.name for d in dss]
check(names in ([datastore], [datastore, "vmfs1"]) and all(isinstance(d, vim.Datastore) for d in dss),
      "the datastore folder lists the datastore %s (%s)" % (datastore, names))
ds = dss[0]
sm = ds.summary
check(sm.name == datastore and sm.accessible and sm.type and sm.datastore == ds,
      "its summary: name %s, accessible %s, type %s" % (sm.name, sm.accessible, sm.type))
folder = sm.url[len("ds://"):] if sm.url.startswith("ds://") else sm.url
folder = folder.rstrip("/") or "/"
check(os.path.isdir(folder), "its url %s names its folder" % sm.url)
if os.path.isdir(folder):
    sv = os.statvfs(folder)
    # the simulator counts free blocks (f_bfree), vmk-hostd those root may
    # use (f_bavail); others write to this disk meanwhile: 2% of slack.
    slack = max(sv.f_blocks * sv.f_frsize // 50, 256 << 20)
    check(sm.capacity == sv.f_blocks * sv.f_frsize,
          "its capacity is the file system's (%d bytes)" % sm.capacity)
    check(sv.f_bavail * sv.f_frsize - slack <= sm.freeSpace <= sv.f_bfree * sv.f_frsize + slack,
          "its freeSpace is the file system's (%d bytes)" % sm.freeSpace)
check(ds in dc.hostFolder.childEntity[0].host[0].datastore and ds in dc.datastore,
      "the host and the datacenter name it in their datastore property")

# 7c. The datastore's files over HTTPS (ESXi's /folder/ file service): a
#     file uploaded with PUT and the session's cookie, as pyVmomi scripts do
#     with requests, is on the datastore's folder, and a GET sends back the
#     same bytes.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
blob = os.urandom(300 * 1024 + 7)
url = "https://%s:%d/folder/pyvmomi-upload.bin" % (host, port)
params = {"dcPath": dc.name, "dsName": datastore}
cookie = {"Cookie": si._stub.cookie}
r = requests.put(url, params=params, data=blob, headers=cookie, verify=False)
check(r.status_code in (200, 201), "PUT /folder/ uploads a file to [%s] (HTTP %d)" % (datastore, r.status_code))
on_disk = os.path.join(folder, "pyvmomi-upload.bin")
check(os.path.isfile(on_disk) and open(on_disk, "rb").read() == blob,
      "the uploaded file is in the datastore's folder, byte for byte")
r = requests.get(url, params=params, headers=cookie, verify=False)
check(r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == hashlib.sha256(blob).hexdigest() and
      r.headers.get("Content-Length") == str(len(blob)),
      "GET /folder/ downloads it with the same SHA-256 (HTTP %d, %d bytes)" % (r.status_code, len(r.content)))
# The datastore browser finds it, with its size (SearchDatastore_Task on
# the datastore's root), and so does the search through the subfolders.
fq = vim.host.DatastoreBrowser.FileInfo.Details(fileSize=True, fileType=True, modification=True)
spec = vim.host.DatastoreBrowser.SearchSpec(matchPattern=["pyvmomi-upload.bin"], details=fq)
task = ds.browser.SearchDatastore_Task(datastorePath="[%s]" % datastore, searchSpec=spec)
check(WaitForTask(task) == "success", "SearchDatastore_Task on [%s] succeeds" % datastore)
res = task.info.result
files = [(f.path, f.fileSize) for f in res.file] if res else []
check(files == [("pyvmomi-upload.bin", len(blob))] and res.folderPath.startswith("[%s]" % datastore),
      "the browser finds the uploaded file with its size (%s in %s)" % (files, res and res.folderPath))
task = ds.browser.SearchDatastoreSubFolders_Task(datastorePath="[%s]" % datastore, searchSpec=spec)
check(WaitForTask(task) == "success", "SearchDatastoreSubFolders_Task on [%s] succeeds" % datastore)
found = [(r.folderPath, f.path) for r in task.info.result for f in (r.file or [])]
check(len(found) == 1 and found[0][1] == "pyvmomi-upload.bin",
      "the search through the subfolders finds it once (%s)" % found)
if os.path.isfile(on_disk):
    os.remove(on_disk)

# 7. A VM made on a datastore (CreateVM_Task: a .vmx from the config spec),
#    unregistered and registered again from its file (RegisterVM_Task),
#    destroyed (Destroy_Task) once it is off: then it is gone, .vmx and
#    all. (A second VM of a name and a datastore that does not exist are
#    not tried here: the simulator accepts the one and drops the
#    connection on the other; tests/unit/hostd checks vmk-hostd's
#    DuplicateName and InvalidArgument.)
pool = dc.hostFolder.childEntity[0].resourcePool
spec = vim.vm.ConfigSpec(name="made-by-pyvmomi", memoryMB=64, numCPUs=1, guestId="otherLinuxGuest",
                         files=vim.vm.FileInfo(vmPathName="[%s]" % datastore))
task = dc.vmFolder.CreateVM_Task(config=spec, pool=pool)
check(WaitForTask(task) == "success", "CreateVM_Task on [%s] succeeds" % datastore)
made = task.info.result
check(isinstance(made, vim.VirtualMachine) and made.name == "made-by-pyvmomi",
      "CreateVM_Task's result is the new VM (%s)" % (made and made.name))
check(made.runtime.powerState == "poweredOff", "the new VM is powered off")
check(made.summary.config.memorySizeMB == 64 and made.summary.config.numCpu == 1,
      "the new VM has the memory and CPUs asked for")
vmx = made.summary.config.vmPathName
check(vmx.startswith("[%s] " % datastore) and vmx.endswith(".vmx"),
      "its .vmx is on the datastore (%s)" % vmx)
check([d.name for d in made.datastore] == [datastore],
      "its datastore property names the datastore (%s)" % [d.name for d in made.datastore])
check(made._moId in [v._moId for v in ds.vm], "the datastore's vm property has it")
made.UnregisterVM()
check("made-by-pyvmomi" not in [v.name for v in dc.vmFolder.childEntity],
      "UnregisterVM: the new VM left the inventory")
task = dc.vmFolder.RegisterVM_Task(path=vmx, asTemplate=False, pool=pool)
check(WaitForTask(task) == "success", "RegisterVM_Task of %s succeeds" % vmx)
made = task.info.result
check(made.name == "made-by-pyvmomi", "RegisterVM_Task's result is the VM again (%s)" % made.name)
try:
    WaitForTask(dc.vmFolder.RegisterVM_Task(path="[%s] no-such-vm/no-such-vm.vmx" % datastore,
                                            asTemplate=False, pool=pool))
    check(False, "RegisterVM_Task of a file that does not exist refused")
except vim.fault.NotFound:
    check(True, "RegisterVM_Task of a file that does not exist refused with NotFound")
running = [v for v in dc.vmFolder.childEntity if v.runtime.powerState == "poweredOn"]
if running:
    try:
        WaitForTask(running[0].Destroy_Task())
        check(False, "Destroy_Task of a running VM refused")
    except vim.fault.InvalidPowerState:
        check(True, "Destroy_Task of a running VM refused with InvalidPowerState")
check(WaitForTask(made.Destroy_Task()) == "success", "Destroy_Task of the new VM succeeds")
check("made-by-pyvmomi" not in [v.name for v in dc.vmFolder.childEntity],
      "Destroy_Task: the VM is gone")
try:
    WaitForTask(dc.vmFolder.RegisterVM_Task(path=vmx, asTemplate=False, pool=pool))
    check(False, "its .vmx was deleted with it")
except vim.fault.NotFound:
    check(True, "its .vmx was deleted with it (RegisterVM_Task: NotFound)")

# 7b. The networks: "VM Network" (ESXi's default port group, vmk's
#     vswitch0 has it from the load) in the network folder, the
#     datacenter's and the host's. (Network.vm is checked against
#     vmk-hostd only, in pyvmomi_networks.py: the simulator leaves it empty.)
nets = dc.networkFolder.childEntity
vmnet = [n for n in nets if n.name == "VM Network"]
check(len(vmnet) == 1 and isinstance(vmnet[0], vim.Network) and
      vmnet[0]._moId == "HaNetwork-VM Network",
      "the network folder has the Network 'VM Network' (%s)" % [n._moId for n in nets])
if vmnet:
    vmnet = vmnet[0]
    ns = vmnet.summary
    check(ns.name == "VM Network" and ns.accessible and ns.network == vmnet,
          "its summary: name %s, accessible %s" % (ns.name, ns.accessible))
    check(vmnet in dc.network and vmnet in dc.hostFolder.childEntity[0].host[0].network,
          "the datacenter and the host name it in their network property")

# 7c. VMs made with NICs (CreateVM_Task's deviceChange): one e1000 whose
#     MAC the host generates, then two, the second with a manual MAC in
#     VMware's static range; each reads back as config.hardware.device
#     (VirtualE1000 on its port group), network and numEthernetCards.


def e1000(mac=None):
    nic = vim.vm.device.VirtualE1000(
        key=-1, backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network"))
    if mac:
        nic.addressType, nic.macAddress = "manual", mac
    return vim.vm.device.VirtualDeviceSpec(operation="add", device=nic)


for name, changes in (("nic-one", [e1000()]), ("nic-two", [e1000(), e1000("00:50:56:00:12:34")])):
    spec = vim.vm.ConfigSpec(name=name, memoryMB=64, numCPUs=1, guestId="otherLinuxGuest",
                             files=vim.vm.FileInfo(vmPathName="[%s]" % datastore),
                             deviceChange=changes)
    task = dc.vmFolder.CreateVM_Task(config=spec, pool=pool)
    check(WaitForTask(task) == "success", "CreateVM_Task of %s with %d NICs succeeds" % (name, len(changes)))
    made = task.info.result
    nics = [d for d in made.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
    check(len(nics) == len(changes) and all(isinstance(d, vim.vm.device.VirtualE1000) for d in nics),
          "%s has %d VirtualE1000 (%s)" % (name, len(changes), [type(d).__name__ for d in nics]))
    check(all(d.backing.deviceName == "VM Network" for d in nics),
          "each NIC of %s is on VM Network (%s)" % (name, [d.backing.deviceName for d in nics]))
    check(made.summary.config.numEthernetCards == len(changes),
          "summary.config.numEthernetCards of %s is %d" % (name, made.summary.config.numEthernetCards))
    check(vmnet and {n._moId for n in made.network} == {vmnet._moId},
          "the network property of %s names VM Network (%s)" % (name, [n._moId for n in made.network]))
    manual = [d for d in nics if d.addressType == "manual"]
    check(len(manual) == len(changes) - 1 and all(d.macAddress == "00:50:56:00:12:34" for d in manual),
          "%s's addresses read back, a manual one as given (%s)" % (name, [(d.addressType, d.macAddress) for d in nics]))
    check(WaitForTask(made.Destroy_Task()) == "success", "Destroy_Task of %s succeeds" % name)

# 8. Log out: the session is gone.
content.sessionManager.Logout()
try:
    content.rootFolder.childEntity
    check(False, "property read after Logout refused")
except vim.fault.NotAuthenticated:
    check(True, "property read after Logout refused with vim.fault.NotAuthenticated")

print("%d failures" % failures)
sys.exit(1 if failures else 0)
