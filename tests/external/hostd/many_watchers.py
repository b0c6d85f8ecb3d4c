#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Many watchers at once (issue 12): WATCHERS pyVmomi clients, each with
# its own session and its own filter on a VM's runtime.powerState, wait
# in WaitForUpdatesEx while another session powers the VM on and off;
# every watcher sees every change, in order, before the next one is
# made (no change is lost to a watcher that waits). Then they all
# destroy their filters and log out. Done ROUNDS times; the daemon's
# resident memory (VmRSS of PID) is taken after WARMUP rounds and after
# the last: it may grow by BOUND_PCT percent at most (issue 12: within
# 10% after 10 000 requests of what it was after 1 000).
#   many_watchers.py HOST PORT USER PASSWORD PID [WATCHERS ROUNDS CYCLES BOUND_PCT WARMUP]
# Prints "ok: ..." / "FAIL: ..." and the measurements; exit status 1 if
# any check failed.
import ssl
import sys
import threading
import time

from pyVim.connect import SmartConnect, Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

host, port, user, password, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
watchers, rounds, cycles, bound_pct, warmup = (
    int(a) for a in (sys.argv[6:11] + ["20", "10", "2", "10", "3"][len(sys.argv[6:11]):]))
failures = 0
VM = "db"		# the fake backend's VM that is off at the start


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    failures += 0 if cond else 1


def connect():
    return SmartConnect(host=host, port=port, user=user, pwd=password,
                        sslContext=ssl._create_unverified_context())


def rss_kib():
    with open("/proc/%s/status" % pid) as f:
        return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])


def disconnect(si):
    """Log out and close the connection (pyVmomi keeps it open otherwise)."""
    Disconnect(si)
    si._stub.DropConnections()


def find_vm(si):
    return next(v for v in si.RetrieveContent().rootFolder.childEntity[0].vmFolder.childEntity
                if v.name == VM)


class Watcher(threading.Thread):
    """One client: its session, its filter, the power states it was told of."""

    def __init__(self, changes):
        super().__init__(daemon=True)
        self.changes = changes
        self.seen = []
        self.error = None
        self.ready = threading.Event()

    def run(self):
        try:
            si = connect()
            pc = si.RetrieveContent().propertyCollector
            f = pc.CreateFilter(vmodl.query.PropertyCollector.FilterSpec(
                objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=find_vm(si))],
                propSet=[vmodl.query.PropertyCollector.PropertySpec(
                    type=vim.VirtualMachine, pathSet=["runtime.powerState"])]), False)
            version = ""
            deadline = time.time() + 120
            while len(self.seen) < self.changes + 1 and time.time() < deadline:
                update = pc.WaitForUpdatesEx(version, vmodl.query.PropertyCollector.WaitOptions(
                    maxWaitSeconds=10))
                if not update:
                    continue
                version = update.version
                for fs in update.filterSet:
                    for obj in fs.objectSet:
                        for ch in obj.changeSet:
                            if ch.name == "runtime.powerState" and (not self.seen or self.seen[-1] != ch.val):
                                self.seen.append(ch.val)
                self.ready.set()
            f.Destroy()
            disconnect(si)
        except Exception as e:		# reported by the main thread
            self.error = "%s: %s" % (type(e).__name__, getattr(e, "msg", e))
            self.ready.set()


def one_round(n):
    driver = connect()
    vm = find_vm(driver)
    changes = 2 * cycles
    ws = [Watcher(changes) for _ in range(watchers)]
    for w in ws:
        w.start()
    for w in ws:
        w.ready.wait(60)
    want = [vm.runtime.powerState]
    lagging = 0
    t0 = time.time()
    for i in range(changes):
        task = vm.PowerOnVM_Task() if want[-1] == "poweredOff" else vm.PowerOffVM_Task()
        if WaitForTask(task) != "success":
            check(False, "round %d: power change %d" % (n, i + 1))
        want.append(vm.runtime.powerState)
        # every watcher sees this change before the next one is made
        deadline = time.time() + 30
        while time.time() < deadline and any(not w.error and len(w.seen) < len(want) for w in ws):
            time.sleep(0.05)
        lagging += sum(1 for w in ws if len(w.seen) < len(want))
    took = time.time() - t0
    for w in ws:
        w.join(60)
    errors = [w.error for w in ws if w.error]
    wrong = [w.seen for w in ws if w.seen != want]
    check(not errors and not wrong and not lagging,
          "round %d: each of %d watchers saw all %d power changes in order in %.1f s%s" % (
              n, watchers, changes, took,
              "" if not (errors or wrong) else " (errors: %s; wrong: %s)" % (errors[:2], wrong[:2])))
    disconnect(driver)


for n in range(1, warmup + 1):	# the daemon's tables and libraries reach their size
    one_round(n)
before = rss_kib()
for n in range(warmup + 1, rounds + 1):
    one_round(n)
    print("measured: VmRSS %d KiB after round %d" % (rss_kib(), n), flush=True)
time.sleep(1)	# the last connections close
after = rss_kib()
print("measured: VmRSS %d KiB after round %d, %d KiB after round %d (%+d KiB)" % (
    before, warmup, after, rounds, after - before))
check(after - before <= before * bound_pct // 100,
      "the daemon's memory after %d more rounds of %d watchers grew %d KiB, at most %d%% of %d KiB" % (
          rounds - warmup, watchers, after - before, bound_pct, before))
print("%d failures" % failures)
sys.exit(1 if failures else 0)
