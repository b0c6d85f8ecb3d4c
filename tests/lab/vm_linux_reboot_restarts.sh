# SPDX-License-Identifier: GPL-2.0-only
# `reboot` in a Linux guest restarts its VM: the platform reset (0xCF9 /
# keyboard controller) boots the staged kernel again, the guest reaches its
# shell a second time, and `poweroff` then ends the VM with every page back.
# timeout: 1200
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

G=/lib/vmk/guests
expect "the guest kernel and initramfs are staged" test -f $G/vmlinuz -a -f $G/initrd.gz
expect "insmod vmkload takes over" vmk_load mem_mb=200
expect "vmk_vmtest runs the VM" insmod "$VMK_MODULES/vmk_vmtest.ko" name=reboot \
	boot=linux kernel=$G/vmlinuz initrd=$G/initrd.gz mem_mb=128 vcpus=2 \
	seconds=900 'cmdline="console=ttyS0 acpi=off"' \
	input_after="shell ready" 'input="reboot\n"' \
	input2_after="shell ready" 'input2="echo second-boot-$((6*7))\npoweroff\n"'
dmesg | grep "vmtest: " | sed 's/^\[[^]]*\] //' > /tmp/vmtest.txt
cat /tmp/vmtest.txt
expect "the guest booted twice" test "$(grep -c 'Linux version' /tmp/vmtest.txt)" = 2
expect "the second boot reached its shell and ran a command" grep -q "second-boot-42" /tmp/vmtest.txt
expect "poweroff after the reboot turned the VM off" grep -q "result state=off power_ons=2 reason=guest powered off" /tmp/vmtest.txt
expect "no guest page held after power off" grep -q "after kill: state 1 pages 0" /tmp/vmtest.txt
rmmod vmk_vmtest
expect "vmkctl log: the reset" vmk_log_has "vm 1 'reboot' reset"
expect "vmkctl unload gives the machine back" vmkctl unload
