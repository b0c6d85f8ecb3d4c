# SPDX-License-Identifier: GPL-2.0-only
# CPU shares, limits and reservations of real VMs (the scheduler's own test
# worlds are in sched_*.sh). Two 1-vCPU cpu_spin VMs on one physical CPU
# (sched.cpu.affinity = "1"), sched.cpu.shares 2000 and 1000, get CPU time
# 2:1 within 10% (1.8 .. 2.2 over the window); then one VM alone on that CPU
# with sched.cpu.max at a quarter of the CPU's MHz gets 25% of it within 5
# percentage points although it could have all of it; a reservation that
# does not fit next to another one is refused at power on with the reason.
# timeout: 420
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

WINDOW=30
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9]*\).*/\1/p' /proc/cpuinfo | head -1)
[ -n "$mhz" ] && [ "$mhz" -gt 0 ] || fail "no 'cpu MHz' in /proc/cpuinfo"
note "CPU clock $mhz MHz"
expect "insmod vmkload takes over" vmk_load mem_mb=128

cpu() { vm_field "$1" cpu-time-us; }

for v in hi lo; do
	case $v in hi) s=2000 ;; *) s=1000 ;; esac
	vm_make_guest_vmx /tmp/$v.vmx $v cpu_spin "sched.cpu.shares = \"$s\"" \
		'sched.cpu.affinity = "1"'
	vm_up $v /tmp/$v.vmx
done
for v in hi lo; do
	vm_console_expect "$v spins" $v 300 "cpu_spin: 1"
	expect "$v has its shares" test "$(vm_field $v shares)" = "$(grep shares /tmp/$v.vmx | cut -d'"' -f2)"
	expect "$v runs on CPU 1 only" test "$(vm_field $v affinity)" = 1
done
h0=$(cpu hi) l0=$(cpu lo)
sleep $WINDOW
h1=$(cpu hi) l1=$(cpu lo)
hi=$((h1 - h0)) lo=$((l1 - l0))
note "CPU time in ${WINDOW} s on CPU 1: shares 2000: $hi us, shares 1000: $lo us"
[ "$lo" -gt 0 ] || fail "the shares-1000 VM got no CPU time"
ratio=$((hi * 100 / lo))
note "ratio x100: $ratio (goal 200)"
expect "2000:1000 shares give 2:1 CPU time within 10% (1.80 .. 2.20)" test "$ratio" -ge 180 -a "$ratio" -le 220
expect "the COS responds next to two spinning VMs" cos_responds 10
vmkctl status | sed -n '/^worlds/,$p'
for v in hi lo; do vmkctl vm kill $v; vmkctl vm unregister $v; done

vm_make_guest_vmx /tmp/capped.vmx capped cpu_spin "sched.cpu.max = \"$((mhz / 4))\"" \
	'sched.cpu.affinity = "1"'
vm_up capped /tmp/capped.vmx
vm_console_expect "capped spins" capped 300 "cpu_spin: 1"
expect "the limit reached the vmkernel as 25%" test "$(vm_field capped max-pct)" -ge 24 -a "$(vm_field capped max-pct)" -le 26
c0=$(cpu capped) u0=$(vm_field capped uptime-us)
sleep $WINDOW
c1=$(cpu capped) u1=$(vm_field capped uptime-us)
pct=$(((c1 - c0) * 100 / (u1 - u0)))
note "capped VM: $((c1 - c0)) us of CPU in $((u1 - u0)) us: $pct%"
expect "a 25% limit holds the VM to 20 .. 30% of one CPU" test "$pct" -ge 20 -a "$pct" -le 30
vmkctl vm kill capped

# Reservations: the COS keeps 10% of each CPU; 95% fits once, not twice.
for v in r1 r2; do
	vm_make_guest_vmx /tmp/$v.vmx $v cpu_spin "sched.cpu.min = \"$((mhz * 95 / 100))\""
	expect "register $v" vmkctl vm register /tmp/$v.vmx
done
expect "a 95% reservation powers on" vmkctl vm start r1
pool_free() { status_field memory | sed -n 's/.*KiB total, \([0-9]*\) KiB free/\1/p'; }
free0=$(pool_free)
if vmkctl vm start r2 > /tmp/r2.out 2>&1; then
	cat /tmp/r2.out
	fail "a second 95% reservation was admitted"
fi
cat /tmp/r2.out
expect "the refusal says why" grep -q "CPU reservations, the COS's minimum included, would exceed the machine" /tmp/r2.out
note "pool free before the refused start: $free0 KiB, after: $(pool_free) KiB"
expect "the refused VM took no memory" test "$(pool_free)" = "$free0"
expect "the refused VM stays registered, off" sh -c 'vmkctl vm list | grep -q "r2.*off"'
expect "the admitted VM runs on" test "$(vm_field r1 state)" = running
expect "vmkctl unload --force" vmkctl unload --force
