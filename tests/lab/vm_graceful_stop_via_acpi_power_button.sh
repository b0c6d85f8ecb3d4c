# SPDX-License-Identifier: GPL-2.0-only
# Graceful stop through the guest: the stock Linux guest boots with ACPI
# (its 2 CPUs from the MADT, the power button from the FADT, its root PCI
# bus's windows from the DSDT) and reaches its shell; `vmkctl vm stop
# linux` presses the ACPI power button, the guest's handler shuts it
# down (its console says so), and the VM ends off with reason "guest
# powered off" and no memory held. A Multiboot guest
# without ACPI (cpu_spin) never enables the button: `vmkctl vm stop` is
# refused with a sentence naming the way out, and it keeps running. A
# guest whose handler is gone ignores the press: vm stop gives up after its
# timeout with exit 3 and the VM runs on.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "the Linux guest's .vmx is staged" test -f $VM_GUESTS/linux.vmx
expect "insmod vmkload takes over" vmk_load mem_mb=200
vm_up linux $VM_GUESTS/linux.vmx
vm_console_expect "the guest reaches its shell" linux 240 "vmk-guest: shell ready"
vm_console_expect "the guest has 2 CPUs and an ACPI power button" linux 60 \
	"cpus-2 buttons-1" \
	'echo cpus-$(grep -c ^processor /proc/cpuinfo) buttons-$(cat /sys/class/input/input*/name | grep -c "Power Button")\n'
vm_console_expect "the MADT gave the guest its IOAPIC and the SCI" linux 60 \
	"sci-on-ioapic-1" \
	'echo sci-on-ioapic-$(grep -c "IO-APIC.*9-fasteoi.*acpi" /proc/interrupts)\n'
# the DSDT's _CRS: a bus range (no "[Firmware Bug]"), two I/O windows
# and the memory window up to the IOAPIC (docs/vmm.md "ACPI tables")
vm_console_expect "the root bridge's _CRS gives the root bus its windows" linux 60 \
	"crs-0-1-3-1" \
	'echo crs-$(dmesg | grep -c "no secondary bus range")-$(dmesg | grep -cF "root bus resource [bus 00-ff]")-$(dmesg | grep "root bus resource" | grep -c "window]")-$(dmesg | grep -F "root bus resource [mem" | grep -c "0xfebfffff window]")\n'

vmkctl vm stop linux --timeout 120 > /tmp/stop.txt 2>&1
rc=$?
cat /tmp/stop.txt
[ $rc = 0 ] || fail "vmkctl vm stop linux exited $rc"
expect "vm stop says it asked the guest" grep -q "asked the guest to shut down (ACPI power button)" /tmp/stop.txt
expect "vm stop says how long it took" grep -q "^linux: off after [0-9.]* s (guest powered off)" /tmp/stop.txt
vmkctl vm console linux --expect "vmk-guest: poweroff" --timeout 10 > /tmp/guest-stop.txt 2>&1
cat /tmp/guest-stop.txt; echo
expect "the guest saw the button" grep -q "vmk-guest: power button pressed" /tmp/guest-stop.txt
expect "the guest shut itself down" grep -q "vmk-guest: poweroff" /tmp/guest-stop.txt
vmkctl vm info linux
expect "the VM is off" test "$(vm_field linux state)" = off
expect "info gives the reason" test "$(vm_field linux reason)" = "guest powered off"
expect "no guest memory held after the stop" test "$(vm_field linux memory-pages-held)" = 0
expect "the vmkernel log has the press" vmk_log_has "'linux': power button pressed"
vmkctl vm stop linux > /tmp/stop-off.txt 2>&1 && fail "vm stop of an off VM succeeded"
cat /tmp/stop-off.txt
expect "stop of an off VM says it is not running" grep -q "is not running" /tmp/stop-off.txt

# A guest that ignores the button: vm stop gives up after its timeout (exit 3).
expect "start the Linux guest again" vmkctl vm start linux
vm_console_expect "it reaches its shell again" linux 240 "vmk-guest: shell ready"
vm_console_expect "its power button reader is stopped" linux 60 "reader-gone-0" \
	'kill $(pidof dd); sleep 1; echo reader-gone-$(pidof dd | wc -w)\n'
vmkctl vm stop linux --timeout 5 > /tmp/stop-ignored.txt 2>&1
rc=$?
cat /tmp/stop-ignored.txt
[ $rc = 3 ] || fail "vm stop of a guest that ignores the button exited $rc, not 3"
expect "vm stop says it did not stop in time" grep -q "still running after 5 s" /tmp/stop-ignored.txt
expect "the guest that ignored the button runs on" test "$(vm_field linux state)" = running
vm_console_expect "and still runs commands" linux 60 "still-$((6*7))" 'echo still-$((6*7))\n'
expect "kill ends it" vmkctl vm kill linux

vm_make_guest_vmx /tmp/spin.vmx spin cpu_spin
vm_up spin /tmp/spin.vmx
vm_console_expect "the Multiboot guest runs" spin 120 "cpu_spin: 2"
vmkctl vm stop spin --timeout 5 > /tmp/stop-spin.txt 2>&1
rc=$?
cat /tmp/stop-spin.txt
[ $rc = 1 ] || fail "vm stop of a guest without ACPI exited $rc, not 1"
expect "the refusal names the missing handler and the way out" \
	grep -q "vm 'spin' has no ACPI power button handler.*vmkctl vm kill" /tmp/stop-spin.txt
expect "the refused VM keeps running" test "$(vm_field spin state)" = running
expect "and makes progress" cpu_spin_progress spin 60
expect "kill stops it" vmkctl vm kill spin
expect "the vmkernel runs on" vmkernel_alive
vmkctl log | grep -E "'linux'|'spin'" | tail -20
expect "vmkctl unload gives the machine back" vmkctl unload
