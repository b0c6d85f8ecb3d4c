#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# The host side of tests/lab/host/hostd_pyvmomi_powers_off_a_cos_vm.sh:
# Debian's pyVmomi logs in to vmk-hostd in the lab's COS through the lab's
# port forward, finds VMNAME through a container view, checks that it
# runs, powers it off with WaitForTask and reads it back off. Then it
# registers the .vmx at the datastore path VMX (RegisterVM_Task), finds
# the new VM in the container view, powers it on and waits for the COS
# to print "hostd-lab: NAME running in vmkctl vm list" (NAME: the VM's,
# in COS_LOG, the COS console's log), powers it off and unregisters it; a
# RegisterVM_Task of a .vmx that does not exist fails with NotFound
# naming the path.
# The datastore of VMX (the COS's folder DS_FOLDER) is the one the
# datastore folder lists, and the new VM's.
#   cos_vm_session.py HOST PORT USER PASSWORD VMNAME VMX DS_FOLDER COS_LOG
# Exit status 1 (with "FAIL: ...") if any step fails.
import hashlib
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

import requests
import urllib3

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim

host, port, user, password, name, vmx, ds_folder, cos_log = \
    sys.argv[1], int(sys.argv[2]), *sys.argv[3:9]


def fail(what):
    print("FAIL: " + what)
    sys.exit(1)


def vms_by_name(view):
    return {vm.name: vm for vm in view.view}


def cos_says(marker, seconds):
    """Wait until the COS console's log has the line marker (the COS
    checks with vmkctl and prints it); False when it does not come."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.path.exists(cos_log):
            with open(cos_log, errors="replace") as f:
                if any(line.strip() == marker for line in f):
                    return True
        time.sleep(1)
    return False


si = SmartConnect(host=host, port=port, user=user, pwd=password,
                  sslContext=ssl._create_unverified_context())
print("ok: logged in to %s (%s)" % (si.content.about.fullName, si.content.about.apiType))
content = si.RetrieveContent()
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
vms = vms_by_name(view)
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

# RegisterVM_Task of a .vmx on the COS's datastore, then its power cycle.
dc = content.rootFolder.childEntity[0]
pool = dc.hostFolder.childEntity[0].resourcePool
task = dc.vmFolder.RegisterVM_Task(path=vmx, asTemplate=False, pool=pool)
if WaitForTask(task) != "success":
    fail("RegisterVM_Task of %s" % vmx)
reg = task.info.result
vms = vms_by_name(view)
if reg.name not in vms or vms[reg.name]._moId != reg._moId:
    fail("the registered VM %s (%s) is not in the container view" % (reg.name, reg._moId))
if reg.runtime.powerState != "poweredOff":
    fail("%s is %s after RegisterVM_Task, want poweredOff" % (reg.name, reg.runtime.powerState))
if reg.summary.config.vmPathName != vmx:
    print("note: vmPathName is %s" % reg.summary.config.vmPathName)
print("ok: RegisterVM_Task of %s: %s (%s) is in the inventory, poweredOff" %
      (vmx, reg.name, reg._moId))
# Its datastore, the COS's folder DS_FOLDER: the one in the datastore folder.
ds_name = vmx[1:vmx.index("]")]
dss = dc.datastoreFolder.childEntity
if [d.name for d in dss] != [ds_name] or [d.name for d in reg.datastore] != [ds_name]:
    fail("datastores %s, %s's %s: want [%s]" % ([d.name for d in dss], reg.name,
                                              [d.name for d in reg.datastore], ds_name))
sm = dss[0].summary
if not (sm.accessible and sm.url == "ds://%s/" % ds_folder and 0 < sm.freeSpace <= sm.capacity):
    fail("datastore %s: accessible %s, url %s, freeSpace %d of %d" %
         (ds_name, sm.accessible, sm.url, sm.freeSpace, sm.capacity))
print("ok: the datastore folder lists %s (%s, %d of %d bytes free), %s's datastore" %
      (ds_name, sm.url, sm.freeSpace, sm.capacity, reg.name))
# The datastore file service and browser of the COS's i386 daemon: a
# file of 1 MiB and 7 bytes uploaded with PUT /folder/ and the session's
# cookie comes back with the same SHA-256, the browser finds it with its
# size, and the registered .vmx is readable.
blob = os.urandom((1 << 20) + 7)
url = "https://%s:%d/folder/%%s" % (host, port)
params = {"dcPath": dc.name, "dsName": ds_name}
cookie = {"Cookie": si._stub.cookie}
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
r = requests.put(url % "hostd-upload.bin", params=params, data=blob, headers=cookie, verify=False)
if r.status_code not in (200, 201):
    fail("PUT /folder/hostd-upload.bin: HTTP %d %s" % (r.status_code, r.headers.get("X-Vmk-Reason")))
r = requests.get(url % "hostd-upload.bin", params=params, headers=cookie, verify=False)
if r.status_code != 200 or hashlib.sha256(r.content).digest() != hashlib.sha256(blob).digest() or \
        r.headers.get("Content-Length") != str(len(blob)):
    fail("GET /folder/hostd-upload.bin: HTTP %d, %d bytes (Content-Length %s), not what was put" %
         (r.status_code, len(r.content), r.headers.get("Content-Length")))
print("ok: PUT and GET /folder/ on [%s]: %d bytes back with the same SHA-256 and Content-Length" %
      (ds_name, len(blob)))
spec = vim.host.DatastoreBrowser.SearchSpec(matchPattern=["hostd-upload.bin"],
                                            details=vim.host.DatastoreBrowser.FileInfo.Details(fileSize=True))
task = dss[0].browser.SearchDatastore_Task(datastorePath="[%s]" % ds_name, searchSpec=spec)
if WaitForTask(task) != "success" or [(f.path, f.fileSize) for f in task.info.result.file] != \
        [("hostd-upload.bin", len(blob))]:
    fail("the datastore browser does not find hostd-upload.bin with its size")
print("ok: the datastore browser finds it with its size")
r = requests.get(url % vmx[vmx.index("]") + 2:], params=params, headers=cookie, verify=False)
if r.status_code != 200 or b"displayName" not in r.content:
    fail("GET /folder/ of %s: HTTP %d" % (vmx, r.status_code))
print("ok: GET /folder/ of %s: its .vmx (%d bytes)" % (vmx, len(r.content)))
# libvirt's esx driver against the COS's daemon: dumpxml reads reg's
# .vmx through /folder/; a domain defined from XML (its .vmx uploaded
# next to its disk) is listed, dumped and undefined.
home = tempfile.mkdtemp()
with open(os.path.join(home, "auth.conf"), "w") as f:
    f.write("[credentials-lab]\nusername=%s\npassword=%s\n[auth-esx-%s]\ncredentials=lab\n" %
            (user, password, host))
env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home, XDG_RUNTIME_DIR=home,
           LIBVIRT_AUTH_FILE=os.path.join(home, "auth.conf"))


def virsh(*args):
    r = subprocess.run(["virsh", "-q", "-c", "esx://%s@%s:%d/?no_verify=1" % (user, host, port)] +
                       list(args), env=env, capture_output=True, text=True, timeout=120)
    if r.returncode:
        fail("virsh %s: %s" % (" ".join(args),
                               [l for l in r.stderr.splitlines() if "error" in l]))
    return r.stdout


xml = virsh("dumpxml", reg.name)
if "<name>%s</name>" % reg.name not in xml:
    fail("virsh dumpxml %s: %s" % (reg.name, xml[:200]))
print("ok: virsh dumpxml %s: its .vmx read through /folder/" % reg.name)
folder = vmx[vmx.index("]") + 2:vmx.rindex("/")]
with open(os.path.join(home, "dom.xml"), "w") as f:
    f.write("<domain type='vmware'><name>virshdom</name><memory unit='KiB'>32768</memory>"
            "<vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type='file' device='disk'>"
            "<source file='[%s] %s/virshdom.vmdk'/><target dev='sda' bus='scsi'/></disk>"
            "<controller type='scsi' index='0' model='lsilogic'/></devices></domain>" %
            (ds_name, folder))
virsh("define", os.path.join(home, "dom.xml"))
if "virshdom" not in virsh("list", "--all") or "<memory unit='KiB'>32768</memory>" not in \
        virsh("dumpxml", "virshdom"):
    fail("virsh define: virshdom not listed or not as defined")
virsh("undefine", "virshdom")
if "virshdom" in virsh("list", "--all"):
    fail("virsh undefine: virshdom still listed")
print("ok: virsh define, list, dumpxml and undefine of a domain on [%s]" % ds_name)
shutil.rmtree(home)
WaitForTask(reg.PowerOnVM_Task())
if reg.runtime.powerState != "poweredOn":
    fail("%s is %s after PowerOnVM_Task" % (reg.name, reg.runtime.powerState))
print("ok: PowerOnVM_Task: %s is poweredOn" % reg.name)
marker = "hostd-lab: %s running in vmkctl vm list" % reg.name
if not cos_says(marker, 240):
    fail("the COS did not say '%s'" % marker)
print("ok: the COS says: %s" % marker)
WaitForTask(reg.PowerOffVM_Task())
if reg.runtime.powerState != "poweredOff":
    fail("%s is %s after PowerOffVM_Task" % (reg.name, reg.runtime.powerState))
print("ok: PowerOffVM_Task: %s is poweredOff" % reg.name)
reg_name = reg.name
reg.UnregisterVM()
if reg_name in vms_by_name(view):
    fail("%s is still in the container view after UnregisterVM" % reg_name)
print("ok: UnregisterVM: %s left the inventory" % reg_name)
missing = vmx[:-len(".vmx")] + "-missing.vmx"
try:
    WaitForTask(dc.vmFolder.RegisterVM_Task(path=missing, asTemplate=False, pool=pool))
    fail("RegisterVM_Task of %s, which does not exist, succeeded" % missing)
except vim.fault.NotFound as e:
    if missing not in e.msg:
        fail("NotFound for %s does not name it: '%s'" % (missing, e.msg))
    print("ok: RegisterVM_Task of %s: NotFound, '%s'" % (missing, e.msg))
Disconnect(si)
