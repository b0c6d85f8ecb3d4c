#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# RetrievePropertiesEx with RetrieveOptions.maxObjects, with Debian's
# pyVmomi. Both servers (govmomi's ESX simulator, the anchor, and
# vmk-hostd): every VM's name read through a container view in pages of
# 1 and of 2, following RetrieveResult.token with
# ContinueRetrievePropertiesEx while there is one, gives the same VMs as
# one retrieval without maxObjects. (Debian's simulator, govmomi 0.24.2,
# ignores maxObjects and answers all at once, so the anchor checks that
# a client's paging loop ends with the whole set; newer govmomi pages as
# vmk-hostd does.)
# With --vmk, what only vmk-hostd is held to: no page holds more than
# maxObjects, each page but the last has a new token, a token used once
# is refused with InvalidProperty (the fault the API lists), so is one
# cancelled with CancelRetrievePropertiesEx, and maxObjects 0 is
# InvalidArgument ("a value less than or equal to 0 is illegal").
#   pyvmomi_paging.py HOST PORT USER PASSWORD [--vmk]
# Prints "ok: ..." / "FAIL: ..."; exit status 1 if any check failed.
import ssl
import sys

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim, vmodl

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
vmk = "--vmk" in sys.argv[5:]
failures = 0
PC = vmodl.query.PropertyCollector


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    failures += 0 if cond else 1


def refused(fault, call, what):
    try:
        call()
    except fault:
        check(True, what)
        return
    except Exception as e:  # the wrong fault
        check(False, "%s (got %s)" % (what, type(e).__name__))
        return
    check(False, what + " (it was not refused)")


si = SmartConnect(host=host, port=port, user=user, pwd=password,
                  sslContext=ssl._create_unverified_context())
content = si.RetrieveContent()
pc = content.propertyCollector
view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
spec = PC.FilterSpec(
    objectSet=[PC.ObjectSpec(obj=view, skip=True, selectSet=[
        PC.TraversalSpec(name="v", type=vim.view.ContainerView, path="view", skip=False)])],
    propSet=[PC.PropertySpec(type=vim.VirtualMachine, pathSet=["name"])])


def names(objects):
    return [o.propSet[0].val for o in objects or []]


whole = sorted(names(pc.RetrievePropertiesEx([spec], PC.RetrieveOptions()).objects))
check(len(whole) >= 2, "one RetrievePropertiesEx lists %d VMs: %s" % (len(whole), whole))

for max_objects in (1, 2):
    res = pc.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=max_objects))
    pages, tokens = [names(res.objects)], []
    while res.token and len(pages) <= len(whole):
        tokens.append(res.token)
        res = pc.ContinueRetrievePropertiesEx(token=res.token)
        pages.append(names(res.objects))
    check(sorted(sum(pages, [])) == whole,
          "maxObjects %d: the pages %s hold the same VMs" % (max_objects, pages))
    if not vmk:
        continue
    check(all(0 < len(p) <= max_objects for p in pages),
          "maxObjects %d: no page holds more" % max_objects)
    check(len(pages) == (len(whole) + max_objects - 1) // max_objects,
          "maxObjects %d: %d pages for %d VMs" % (max_objects, len(pages), len(whole)))
    check(len(set(tokens)) == len(tokens), "maxObjects %d: each token is new" % max_objects)
    refused(vmodl.query.InvalidProperty, lambda: pc.ContinueRetrievePropertiesEx(token=tokens[0]),
            "maxObjects %d: a token used once is InvalidProperty" % max_objects)

if vmk:
    res = pc.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=1))
    pc.CancelRetrievePropertiesEx(token=res.token)
    check(True, "CancelRetrievePropertiesEx of a token")
    refused(vmodl.query.InvalidProperty, lambda: pc.ContinueRetrievePropertiesEx(token=res.token),
            "a cancelled token is InvalidProperty")
    refused(vmodl.fault.InvalidArgument,
            lambda: pc.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=0)),
            "maxObjects 0 is InvalidArgument")

view.DestroyView()
Disconnect(si)
sys.exit(1 if failures else 0)
