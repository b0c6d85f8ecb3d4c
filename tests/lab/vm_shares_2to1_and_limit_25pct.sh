# SPDX-License-Identifier: GPL-2.0-only
# CPU shares and limits of real VMs (the scheduler's own test worlds are in
# sched_*.sh): four 1-vCPU cpu_spin VMs on the lab's 2 CPUs, two with
# sched.cpu.shares 2000 and two with 1000, get CPU time 2:1 (1.6 .. 2.5 over
# 60 s); then one VM alone with sched.cpu.max at a quarter of the CPU's MHz
# gets 25% of one CPU (15% .. 30% of its wall time) although it could have
# a whole one.
# timeout: 480
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

WINDOW=60
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9]*\).*/\1/p' /proc/cpuinfo | head -1)
[ -n "$mhz" ] && [ "$mhz" -gt 0 ] || fail "no 'cpu MHz' in /proc/cpuinfo"
note "CPU clock $mhz MHz"
expect "insmod vmkload takes over" vmk_load mem_mb=128

for v in hi1 hi2 lo1 lo2; do
	case $v in hi*) s=2000 ;; *) s=1000 ;; esac
	vm_make_guest_vmx /tmp/$v.vmx $v cpu_spin "sched.cpu.shares = \"$s\""
	vm_up $v /tmp/$v.vmx
done
for v in hi1 hi2 lo1 lo2; do
	vm_console_expect "$v spins" $v 300 "cpu_spin: 1"
	expect "$v has its shares" test "$(vm_field $v shares)" = "$(grep shares /tmp/$v.vmx | cut -d'"' -f2)"
done
cpu() { vm_field "$1" cpu-time-us; }
h0=$(($(cpu hi1) + $(cpu hi2))); l0=$(($(cpu lo1) + $(cpu lo2)))
sleep $WINDOW
h1=$(($(cpu hi1) + $(cpu hi2))); l1=$(($(cpu lo1) + $(cpu lo2)))
hi=$((h1 - h0)) lo=$((l1 - l0))
note "CPU time in ${WINDOW} s: shares 2000: $hi us, shares 1000: $lo us"
[ "$lo" -gt 0 ] || fail "the shares-1000 VMs got no CPU time"
ratio=$((hi * 100 / lo))
note "ratio x100: $ratio (goal 200)"
expect "2000:1000 shares give 2:1 CPU time (1.6 .. 2.5)" test "$ratio" -ge 160 -a "$ratio" -le 250
expect "the COS responds next to four spinning VMs" cos_responds 10
for v in hi1 hi2 lo1 lo2; do vmkctl vm kill $v; vmkctl vm unregister $v; done

vm_make_guest_vmx /tmp/capped.vmx capped cpu_spin "sched.cpu.max = \"$((mhz / 4))\""
vm_up capped /tmp/capped.vmx
vm_console_expect "capped spins" capped 300 "cpu_spin: 1"
expect "the limit reached the vmkernel as 25%" test "$(vm_field capped max-pct)" -ge 24 -a "$(vm_field capped max-pct)" -le 26
c0=$(cpu capped) u0=$(vm_field capped uptime-us)
sleep $WINDOW
c1=$(cpu capped) u1=$(vm_field capped uptime-us)
pct=$(((c1 - c0) * 100 / (u1 - u0)))
note "capped VM: $((c1 - c0)) us of CPU in $((u1 - u0)) us: $pct%"
expect "a 25% limit holds the VM to 15 .. 30% of one CPU" test "$pct" -ge 15 -a "$pct" -le 30
expect "vmkctl unload --force" vmkctl unload --force
