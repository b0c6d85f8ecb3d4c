# SPDX-License-Identifier: GPL-2.0-only
# NMIs reach the COS while VMs run, each exactly once: QEMU's monitor
# sends 1000 `nmi` (ci/lab host request) while a cpu_spin VM is pinned to
# CPU 0 and another to CPU 1. QEMU raises LINT1 on every CPU, and Linux
# leaves LINT1 unmasked (NMI) only on CPU 0 (apic_extnmi default), so
# CPU 1 must count none and the COS's CPU 0 at most 1000 ("NMI:" in
# /proc/interrupts), each one reported as "Uhhuh. NMI received for
# unknown reason" (none is the vmkernel's own kick, none nested). The
# monitor sends one at least 10 ms after the previous one's prompt, far
# longer than a handler takes; yet a few may legitimately merge: QEMU
# latches one NMI per CPU, and CPU 0's thread, descheduled by the busy
# host for longer than the gap, takes two as one; the vmkernel coalesces
# beyond KVM's rule (logged, docs/architecture.md "NMIs for the COS").
# Measured: 1000/1000 and (with an NMI scheduler kick since taken out)
# 996/1000. The bound: at least 990.
# The vmkernel injects each with the COS's NMI blocking kept (IRET
# intercepted): none nests, none is lost, and an NMI arriving while the
# COS has interrupts off does not stop it. The VMs keep running, the COS
# stays responsive.
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

NMIS=1000

nmi_count() { sed -n "s/^ *NMI: *\([0-9]*\) *\([0-9]*\).*/\\$(($1 + 1))/p" /proc/interrupts; }
uhhuh_count() { grep -c "Uhhuh. NMI received for unknown reason .* on CPU $1\." /tmp/nmi-dmesg.txt; }

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/spin0.vmx spin0 cpu_spin 'sched.cpu.affinity = "0"'
vm_make_guest_vmx /tmp/spin1.vmx spin1 cpu_spin 'sched.cpu.affinity = "1"'
vm_up spin0 /tmp/spin0.vmx
vm_up spin1 /tmp/spin1.vmx
vm_console_expect "the VM on CPU 0 runs" spin0 300 "cpu_spin: 2"
vm_console_expect "the VM on CPU 1 runs" spin1 300 "cpu_spin: 2"

# The kernel log would wrap (128 KiB, two lines per NMI): drain it.
dmesg -c > /tmp/nmi-dmesg.txt
( while :; do dmesg -c >> /tmp/nmi-dmesg.txt; sleep 1; done ) &
drain=$!
base0=$(nmi_count 0) base1=$(nmi_count 1)
note "NMIs before: cpu0 $base0 cpu1 $base1"
start=$(date +%s)
host_request nmi $NMIS
# Until all arrived, or none for 20 s once some did (QEMU may merge two:
# waiting out the 150 s for the last one cost CI 90 s in rehearsal 26).
last=0 still=0
while [ $(($(nmi_count 0) - base0)) -lt $NMIS ] &&
      [ $(($(date +%s) - start)) -lt 150 ]; do
	sleep 2
	now=$(($(nmi_count 0) - base0))
	if [ "$now" -gt 0 ] && [ "$now" = "$last" ]; then still=$((still + 2)); else still=0; fi
	last=$now
	[ "$still" -lt 20 ] || break
done
sleep 5		# anything late or extra arrives meanwhile
kill $drain; wait $drain 2>/dev/null
dmesg -c >> /tmp/nmi-dmesg.txt
got0=$(($(nmi_count 0) - base0)) got1=$(($(nmi_count 1) - base1))
note "NMIs counted after $(($(date +%s) - start)) s: cpu0 +$got0 cpu1 +$got1; Uhhuh lines: cpu0 $(uhhuh_count 0) cpu1 $(uhhuh_count 1)"
vmkctl log | grep "NMI for the COS coalesced" | tail -1
expect "CPU 0 counted no more than the $NMIS NMIs" test "$got0" -le $NMIS
expect "CPU 0 counted at least 99% of them" test "$got0" -ge $((NMIS * 99 / 100))
expect "CPU 1 (LINT1 masked by Linux) counted none" test "$got1" = 0
expect "CPU 0 reported each counted NMI as unknown" test "$(uhhuh_count 0)" = "$got0"
expect "the vmkernel runs on" vmkernel_alive
expect "the COS responds" cos_responds 10
expect "the VM on CPU 0 still runs" test "$(vm_field spin0 state)" = running
expect "the VM on CPU 1 still runs" test "$(vm_field spin1 state)" = running
expect "the VM on CPU 0 still makes progress" cpu_spin_progress spin0 60
expect "the VM on CPU 1 still makes progress" cpu_spin_progress spin1 60
expect "vmkctl unload --force ends the VMs" vmkctl unload --force
