#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Requests no real client sends, made by hand over HTTPS: each must get a
# SOAP fault with a typed detail, and vmk-hostd must go on serving.
#   hostile_requests.py HOST PORT USER PASSWORD [IDLE_PORT IDLE_S [DATASTORES]]
# IDLE_PORT: a second vmk-hostd started with --session-idle IDLE_S and
# --upload-max 1, where a session left unused longer must end and a PUT of
# more than 1 MiB is refused. DATASTORES: both daemons' --datastores, with
# the folder datastore LocalDS_0; then the datastore file service
# (/folder/) gets what no client sends: no or a forged cookie, paths out of
# the datastore (.., absolute, encoded, NUL, symbolic links), bodies too
# large or cut short, and random paths.
import http.client
import os
import random
import ssl
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl._create_unverified_context()
failures = 0
BARE = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
       'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
       '<soapenv:Body>%s</soapenv:Body></soapenv:Envelope>')
ENV = '<?xml version="1.0" encoding="UTF-8"?>' + BARE
SC = ('<RetrieveServiceContent xmlns="urn:vim25">'
      '<_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>')
XSI = "{http://www.w3.org/2001/XMLSchema-instance}type"


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    failures += 0 if cond else 1


def post(body, p=port, cookie=None, headers=None):
    conn = http.client.HTTPSConnection(host, p, context=ctx, timeout=30)
    h = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "urn:vim25/6.7"}
    if cookie:
        h["Cookie"] = cookie
    h.update(headers or {})
    conn.request("POST", "/sdk", body, h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data, r.getheader("Set-Cookie")


def fault_of(data):
    """(faultstring, detail type) of a SOAP fault, or None."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    f = root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    if f is None:
        return None
    detail = f.find("detail")
    kinds = [d.get(XSI) for d in detail] if detail is not None else []
    return f.findtext("faultstring"), (kinds[0] if kinds else None)


def expect_fault(name, body, kind, says="", p=port, cookie=None):
    """A fault of type kind whose faultstring contains says."""
    status, data, _ = post(body, p, cookie)
    f = fault_of(data)
    check(status == 500 and f is not None and f[1] == kind and says in (f[0] or ""),
          "%s: fault %s%s (HTTP %d, %s)" % (name, kind, says and " '%s'" % says, status, f))
    return data


def libvirt_style_this():
    # libvirt's esx driver types every reference: xsi:type next to type
    body = ENV % SC.replace('<_this type=', '<_this xsi:type="ManagedObjectReference" type=')
    status, data, _ = post(body)
    check(status == 200 and b"ha-folder-root" in data,
          "a reference with xsi:type and type (as libvirt writes it) is read by its type")


def still_serving(after):
    status, data, _ = post(ENV % SC)
    check(status == 200 and b"ha-folder-root" in data, "still serving after " + after)


def login(p=port):
    body = ENV % ('<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>'
                  '<userName>%s</userName><password>%s</password></Login>' % (user, password))
    status, data, cookie = post(body, p)
    check(status == 200 and cookie and "vmware_soap_session" in cookie,
          "login answers with a vmware_soap_session cookie")
    return cookie


root_children = ENV % (
    '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
    'ha-property-collector</_this><specSet><propSet><type>Folder</type>'
    '<pathSet>childEntity</pathSet></propSet><objectSet><obj type="Folder">ha-folder-root'
    '</obj></objectSet></specSet><options/></RetrievePropertiesEx>')

libvirt_style_this()
expect_fault("not XML", "<soapenv:Envelope", "InvalidRequest", "malformed")
still_serving("a malformed body")
expect_fault("not a SOAP envelope", "<a/>", "InvalidRequest", "not a SOAP envelope")
expect_fault("empty body", "", "InvalidRequest", "malformed")
expect_fault("nested 100 deep",
             ENV % (SC.replace("</_this>", "</_this>" + "<a>" * 100 + "</a>" * 100)),
             "InvalidRequest", "deeper")
expect_fault("nested 20000 deep", ENV % ("<a>" * 20000 + "</a>" * 20000), "InvalidRequest",
             "depth")
still_serving("deep nesting")
expect_fault("a body of 600 KiB", ENV % (SC + " " * (600 * 1024)), "InvalidRequest", "larger")
still_serving("an oversized body")
data = expect_fault("an external entity",
                    '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    + (BARE % '<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr'
                       '</_this><userName>&x;</userName><password>x</password></Login>'),
                    "InvalidRequest", "DTD")
check(b"root:" not in data, "an external entity is not read")
expect_fault("entity expansion",
             '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa">'
             '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + (BARE % "<x>&b;</x>"),
             "InvalidRequest", "DTD")
expect_fault("a method without _this", ENV % '<RetrieveServiceContent xmlns="urn:vim25"/>',
             "InvalidRequest", "_this")
expect_fault("no session", root_children, "NotAuthenticated")
expect_fault("a forged session", root_children, "NotAuthenticated",
             cookie='vmware_soap_session="00000000-0000-0000-0000-000000000000"')
t = time.time()
expect_fault("wrong password",
             ENV % ('<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>'
                    '<userName>%s</userName><password>nope</password></Login>' % user),
             "InvalidLogin")
check(time.time() - t >= 1.0, "a failed login is answered after a delay (%.1f s)" % (time.time() - t))
expect_fault("unknown user",
             ENV % ('<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>'
                    '<userName>nobody</userName><password>%s</password></Login>' % password),
             "InvalidLogin")
expect_fault("a locked account (shadow '!')",
             ENV % ('<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this>'
                    '<userName>locked</userName><password></password></Login>'),
             "InvalidLogin")

cookie = login()
status, data, _ = post(root_children, cookie=cookie)
check(status == 200 and b"ha-datacenter" in data, "a session reads the root folder")
check(b'xsi:type="ArrayOfManagedObjectReference"' in data, "a property value is typed (xsi:type)")
expect_fault("a VM that does not exist",
             ENV % ('<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">999'
                    '</_this></PowerOnVM_Task>'), "ManagedObjectNotFound", "999", cookie=cookie)
expect_fault("an unknown property", root_children.replace("childEntity", "noSuchThing"),
             "InvalidProperty", "noSuchThing", cookie=cookie)
expect_fault("an unknown method",
             ENV % ('<FormatDisk xmlns="urn:vim25"><_this type="HostSystem">ha-host</_this>'
                    '</FormatDisk>'), "MethodNotFound", "FormatDisk", cookie=cookie)

# WaitForUpdates reports the filter's objects: what libvirt waits on a Task with.
status, data, _ = post(ENV % ('<PowerOffVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">3'
                              '</_this></PowerOffVM_Task>'), cookie=cookie)
task = ET.fromstring(data).findtext(".//{urn:vim25}returnval")
check(status == 200 and task, "PowerOffVM_Task answers a Task (%s)" % task)
status, data, _ = post(ENV % (
    '<CreateFilter xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector'
    '</_this><spec><propSet><type>Task</type><pathSet>info.state</pathSet></propSet>'
    '<objectSet><obj type="Task">%s</obj></objectSet></spec><partialUpdates>false'
    '</partialUpdates></CreateFilter>' % task), cookie=cookie)
check(status == 200, "CreateFilter on the Task")
status, data, _ = post(ENV % ('<WaitForUpdates xmlns="urn:vim25"><_this type="PropertyCollector">'
                              'ha-property-collector</_this><version></version></WaitForUpdates>'),
                       cookie=cookie)
root = ET.fromstring(data) if status == 200 else None
changes = {c.findtext("{urn:vim25}name"): c.findtext("{urn:vim25}val")
           for c in root.iter("{urn:vim25}changeSet")} if root is not None else {}
check(changes.get("info.state") == "success" and
      root.findtext(".//{urn:vim25}objectSet/{urn:vim25}kind") == "enter",
      "the first WaitForUpdates enters the Task with info.state success (%s)" % changes)
version = root.findtext(".//{urn:vim25}version") if root is not None else ""
status, data, _ = post(ENV % ('<WaitForUpdatesEx xmlns="urn:vim25"><_this type="PropertyCollector">'
                              'ha-property-collector</_this><version>%s</version><options>'
                              '<maxWaitSeconds>1</maxWaitSeconds></options></WaitForUpdatesEx>'
                              % version), cookie=cookie)
check(status == 200 and b"returnval" not in data,
      "WaitForUpdatesEx with nothing new answers nothing after maxWaitSeconds")
post(ENV % ('<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">3</_this>'
            '</PowerOnVM_Task>'), cookie=cookie)

if len(sys.argv) > 6:
    idle_port, idle_s = int(sys.argv[5]), int(sys.argv[6])
    cookie = login(idle_port)
    status, _, _ = post(root_children, idle_port, cookie)
    check(status == 200, "a fresh session works")
    time.sleep(idle_s + 1.5)
    expect_fault("a session idle for longer than --session-idle", root_children,
                 "NotAuthenticated", p=idle_port, cookie=cookie)



def folder(method, path, cookie=None, body=None, p=port, query="?dcPath=ha-datacenter&dsName=LocalDS_0",
           headers=None):
    """(status, body) of METHOD /folder/PATH (PATH sent as given)."""
    conn = http.client.HTTPSConnection(host, p, context=ctx, timeout=30)
    h = {"Cookie": cookie} if cookie else {}
    h.update(headers or {})
    conn.request(method, "/folder/" + path + query, body, h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def expect_status(name, want, method, path, **kw):
    status, data = folder(method, path, **kw)
    check(status == want, "/folder/ %s: HTTP %d (got %d: %s)" % (name, want, status, data[:160]))
    return data


def file_service(cookie, ds_dir, idle_cookie):
    ds = os.path.join(ds_dir, "LocalDS_0")
    outside = os.path.join(ds_dir, "..", "outside")
    os.makedirs(outside, exist_ok=True)
    with open(os.path.join(outside, "secret"), "w") as f:
        f.write("not for clients\n")
    os.makedirs(os.path.join(ds, "vm1"), exist_ok=True)
    with open(os.path.join(ds, "vm1", "vm1.vmx"), "w") as f:
        f.write('displayName = "vm1"\n')
    for link, to in (("out", outside), ("vm1/secret", os.path.join(outside, "secret"))):
        if not os.path.islink(os.path.join(ds, link)):
            os.symlink(to, os.path.join(ds, link))

    # who: the session cookie of a Login, as at /sdk
    expect_status("without a session", 401, "GET", "vm1/vm1.vmx")
    expect_status("with a forged session", 401, "GET", "vm1/vm1.vmx",
                  cookie='vmware_soap_session="00000000-0000-0000-0000-000000000000"')
    expect_status("PUT without a session", 401, "PUT", "vm1/new.vmx", body=b"x")
    check(not os.path.exists(os.path.join(ds, "vm1", "new.vmx")), "/folder/ a refused PUT writes nothing")
    data = expect_status("GET of a file", 200, "GET", "vm1/vm1.vmx", cookie=cookie)
    check(data == b'displayName = "vm1"\n', "/folder/ GET sends the file as it is")
    # where: only plain names below the datastore's folder, no link followed
    for name, path in (("'..'", "../outside/secret"), ("'..' in the middle", "vm1/../../outside/secret"),
                       ("encoded '..'", "%2e%2e/outside/secret"), ("encoded '/..'", "vm1%2f..%2f..%2foutside%2fsecret"),
                       ("an absolute path", "/etc/passwd"), ("'.'", "./vm1/vm1.vmx"),
                       ("an empty name", "vm1//vm1.vmx"), ("a trailing slash", "vm1/"),
                       ("an encoded NUL", "vm1/vm1.vmx%00.txt"), ("a control character", "vm1/%0a"),
                       ("a link to a folder outside", "out/secret"), ("a link to a file outside", "vm1/secret")):
        data = expect_status("GET of %s" % name, 403, "GET", path, cookie=cookie)
        check(b"not for clients" not in data and b"root:" not in data, "/folder/ %s: nothing from outside" % name)
    expect_status("PUT through a link to a folder outside", 403, "PUT", "out/dropped", cookie=cookie, body=b"x")
    expect_status("PUT over a link to a file outside", 403, "PUT", "vm1/secret", cookie=cookie, body=b"x")
    check(sorted(os.listdir(outside)) == ["secret"] and
          open(os.path.join(outside, "secret")).read() == "not for clients\n",
          "/folder/ the folder outside is as it was")
    # (in a folder of their own: the cut-short check below lists vm1)
    os.makedirs(os.path.join(ds, "modes"), exist_ok=True)
    # a second name (hard link) of a file outside: 403, nothing sent
    hard = os.path.join(ds, "modes", "hard.vmx")
    try:
        if not os.path.exists(hard):
            os.link(os.path.join(outside, "secret"), hard)
        data = expect_status("GET of a hard link to a file outside", 403, "GET", "modes/hard.vmx", cookie=cookie)
        check(b"not for clients" not in data, "/folder/ a hard link: nothing from outside")
    except OSError as e:
        print("# no hard link test: %s" % e)
    # an upload's temporary name is neither sent nor replaced
    expect_status("GET of an upload's temporary name", 403, "GET", "modes/.vmk-upload-0badcafe", cookie=cookie)
    expect_status("PUT of an upload's temporary name", 403, "PUT", "modes/.vmk-upload-0badcafe",
                  cookie=cookie, body=b"x")
    # a replaced file keeps its mode; a new one is its owner's only
    keep = os.path.join(ds, "modes", "keep.vmx")
    with open(keep, "w") as f:
        f.write("old\n")
    os.chmod(keep, 0o400)
    expect_status("PUT over a 0400 file", 200, "PUT", "modes/keep.vmx", cookie=cookie, body=b"new\n")
    check(open(keep).read() == "new\n" and (os.stat(keep).st_mode & 0o777) == 0o400,
          "/folder/ a replaced file has the new bytes and keeps mode 0400 (%o)" % (os.stat(keep).st_mode & 0o777))
    expect_status("PUT of a new file", 201, "PUT", "modes/fresh.vmx", cookie=cookie, body=b"fresh\n")
    # a .vmx is renamed under its folder's flock, as a vm start rewrites
    # one: a PUT while a start holds it lands after, not under, its rewrite
    import fcntl
    import threading
    os.chmod(keep, 0o600)
    held = os.open(os.path.join(ds, "modes"), os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)

    def start_rewrites():
        try:
            with open(keep + ".start", "w") as f:
                f.write("start's\n")
            os.replace(keep + ".start", keep)
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    threading.Timer(1.5, start_rewrites).start()
    t0 = time.monotonic()
    expect_status("PUT of a .vmx whose folder a vm start holds", 200, "PUT", "modes/keep.vmx",
                  cookie=cookie, body=b"put's\n")
    waited = time.monotonic() - t0
    os.close(held)
    check(waited >= 1.2 and open(keep).read() == "put's\n",
          "/folder/ ... it waited %.1f s for the folder's lock and its bytes are the file's" % waited)
    check((os.stat(os.path.join(ds, "modes", "fresh.vmx")).st_mode & 0o777) == 0o600,
          "/folder/ a new file is made 0600")
    # what: a datastore, a folder and a file that exist
    expect_status("an unknown datastore", 404, "GET", "vm1/vm1.vmx", cookie=cookie, query="?dsName=nope")
    expect_status("no dsName", 404, "GET", "vm1/vm1.vmx", cookie=cookie, query="")
    expect_status("another datacenter", 404, "GET", "vm1/vm1.vmx", cookie=cookie,
                  query="?dcPath=dc2&dsName=LocalDS_0")
    expect_status("a datastore name with '..'", 404, "GET", "secret", cookie=cookie,
                  query="?dsName=..%2foutside")
    expect_status("a file that does not exist", 404, "GET", "vm1/nope.vmx", cookie=cookie)
    expect_status("PUT into a folder that does not exist", 404, "PUT", "nope/x.vmx", cookie=cookie, body=b"x")
    expect_status("GET of a folder", 403, "GET", "vm1", cookie=cookie)
    expect_status("PUT over a folder", 403, "PUT", "vm1", cookie=cookie, body=b"x")
    expect_status("a disk of a VMFS datastore (on the volume)", 403, "GET", "a/a.vmdk", cookie=cookie,
                  query="?dsName=vmfs1")
    expect_status("DELETE", 405, "DELETE", "vm1/vm1.vmx", cookie=cookie)
    expect_status("POST with a body", 405, "POST", "vm1/vm1.vmx", cookie=cookie, body=b"x" * 10)
    # a refused PUT's reason is a header: a CR LF in the path injects none
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    conn.request("PUT", "/folder/a%0d%0aInjected:%201?dsName=LocalDS_0", b"x", {"Cookie": cookie})
    r = conn.getresponse()
    r.read()
    check(r.status == 403 and r.getheader("Injected") is None and
          "\r" not in (r.getheader("X-Vmk-Reason") or "\r"),
          "/folder/ a CR LF in a PUT's path: 403, its reason one header line (%s)" % r.getheader("X-Vmk-Reason"))
    conn.close()
    # how much: Content-Length over --upload-max is refused before any body
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    conn.putrequest("PUT", "/folder/vm1/huge.bin?dsName=LocalDS_0")
    conn.putheader("Cookie", cookie)
    conn.putheader("Content-Length", str(64 << 30))
    conn.endheaders()
    r = conn.getresponse()
    check(r.status == 413, "/folder/ a PUT of 64 GiB (Content-Length) is refused at once: HTTP %d" % r.status)
    conn.close()
    if idle_cookie:
        # a chunked body over --upload-max 1 of the second daemon
        status, data = folder("PUT", "vm1/big.bin", cookie=idle_cookie, p=idle_port,
                              body=iter([b"y" * (512 << 10)] * 3))	# no length: chunked
        check(status == 413, "/folder/ a chunked PUT over --upload-max: HTTP 413 (got %d)" % status)
    # a PUT cut short leaves nothing, not even its temporary file
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    conn.putrequest("PUT", "/folder/vm1/cut.bin?dsName=LocalDS_0")
    conn.putheader("Cookie", cookie)
    conn.putheader("Content-Length", str(1 << 20))
    conn.endheaders()
    conn.send(b"z" * 1000)
    conn.close()
    time.sleep(1)
    check(sorted(os.listdir(os.path.join(ds, "vm1"))) == ["secret", "vm1.vmx"],
          "/folder/ a PUT cut short leaves nothing behind (%s)" % os.listdir(os.path.join(ds, "vm1")))
    # random paths: never a file from outside, never a server error
    rnd = random.Random(12)
    parts = ["..", ".", "", "vm1", "vm1.vmx", "out", "secret", "%00", "%2e", "%2f", "%", "%zz", "~",
             "\\", "%c0%ae", "\u00e9", "a" * 300, ";", "?", "#", "*"]
    seen = set()
    for i in range(300):
        path = "/".join(rnd.choice(parts) for _ in range(rnd.randint(1, 5)))
        path = urllib.parse.quote(path, safe="/%.;~*?#") if rnd.random() < 0.5 else \
            urllib.parse.quote(path, safe="/%")
        status, data = folder(rnd.choice(["GET", "PUT"]), path, cookie=cookie, body=b"fuzz")
        seen.add(status)
        if status >= 500 or b"not for clients" in data:
            check(False, "/folder/ random path %r: HTTP %d %s" % (path, status, data[:100]))
    check(seen <= {200, 201, 403, 404}, "/folder/ 300 random paths: only HTTP %s" % sorted(seen))
    check(sorted(os.listdir(outside)) == ["secret"], "/folder/ random paths wrote nothing outside")
    still_serving("the datastore file service's hostile requests")


if len(sys.argv) > 7:
    file_service(login(), sys.argv[7], login(idle_port))
print("%d failures" % failures)
sys.exit(1 if failures else 0)
