# SPDX-License-Identifier: GPL-2.0-only
# The operator's path with Debian's stock kernel in a VM of 2 vCPUs and 128
# MiB, all through vmkctl: register the .vmx, start, the guest reaches its
# shell on COM1, a command typed with `vmkctl vm console` runs (its
# keyboard is "AT Translated Set 2", as on QEMU), `info` shows the VM;
# unload is refused while it runs (naming it) and rmmod says in use;
# `reboot` in the guest restarts it (power-ons 2), `poweroff` in the
# guest stops it (state off, reason in info and the vmkernel log); start
# again, kill, unregister, then unload works.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "the Linux guest's .vmx is staged" test -f $VM_GUESTS/linux.vmx
expect "insmod vmkload takes over" vmk_load mem_mb=200
expect "vmkctl vm register takes the .vmx" vmkctl vm register $VM_GUESTS/linux.vmx
vmkctl vm list > /tmp/list.txt; cat /tmp/list.txt
expect "vm list shows it off" grep -q "^linux  *off  *2  *128" /tmp/list.txt
expect "vmkctl vm start powers it on" vmkctl vm start linux
expect "info says running with 2 vCPUs" test "$(vm_field linux state)/$(vm_field linux vcpus)" = running/2

vm_console_expect "the guest reaches its shell" linux 240 "vmk-guest: shell ready"
vm_console_expect "a typed command runs in the guest" linux 120 "typed-42 on 2 cpus" \
	'echo typed-$((6*7)) on $(grep -c ^processor /proc/cpuinfo) cpus\n'
# the 8042's command byte as firmware leaves it: translation on
vm_console_expect "the guest's keyboard is translated, as on a PC" linux 60 "kbd-xlate-1" \
	'echo kbd-xlate-$(dmesg | grep -c "AT Translated Set 2 keyboard")\n'
vmkctl vm info linux
expect "the guest used CPU time" test "$(vm_field linux cpu-time-us)" -gt 0

vmkctl unload > /tmp/unload.txt 2>&1 && fail "vmkctl unload succeeded with a running VM"
cat /tmp/unload.txt
expect "unload refusal names the running VM" grep -q "running: linux" /tmp/unload.txt
expect_fail "rmmod vmkload is refused while the VM exists" rmmod vmkload
expect "dmesg names the VM that holds vmkload" dmesg_has "vm 'linux' (id [0-9]*) created: vmkload stays in use"

vm_console_expect "reboot in the guest restarts the VM" linux 240 "vmk-guest: shell ready" 'reboot\n'
expect "power-ons counts the reboot" test "$(vm_field linux power-ons)" -ge 2
vm_console_expect "the rebooted guest runs commands" linux 120 "again-$((3*5))" 'echo again-$((3*5))\n'

vmkctl vm console linux --send 'poweroff\n' --timeout 5 || true
expect "poweroff in the guest stops the VM" vm_wait_state linux off 120
vmkctl vm info linux
expect "info gives the reason" test "$(vm_field linux reason)" = "guest powered off"
expect "no guest memory held after poweroff" test "$(vm_field linux memory-pages-held)" = 0

expect "start again after poweroff" vmkctl vm start linux
expect "kill powers it off at once" vmkctl vm kill linux
expect "killed VM is off" test "$(vm_field linux state)" = off
expect_fail "unregister of an unknown VM is refused" vmkctl vm unregister nosuchvm
expect "unregister" vmkctl vm unregister linux
vmkctl vm list
vmkctl log | grep -E "vm [0-9]|'linux'" | tail -20
expect "vmkctl unload gives the machine back" vmkctl unload
