# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock i386 kernel with the busybox guest initramfs
# (ci/guest-image) boots in a VM with 2 vCPUs and 128 MiB through the Linux
# boot protocol to a shell on its COM1; a command typed into COM1 runs,
# and `poweroff` in the guest ends the VM OFF with every page returned.
# Runs on the lab's COS kernel and on Debian's stock kernel as the COS.
# timeout: 1200
# kernel: built stock
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

G=/lib/vmk/guests
expect "the guest kernel and initramfs are staged" test -f $G/vmlinuz -a -f $G/initrd.gz
expect "insmod vmkload takes over" vmk_load mem_mb=200
expect "vmk_vmtest runs the VM" insmod "$VMK_MODULES/vmk_vmtest.ko" name=linux \
	boot=linux kernel=$G/vmlinuz initrd=$G/initrd.gz mem_mb=128 vcpus=${VCPUS:-2} \
	seconds=900 'cmdline="console=ttyS0 acpi=off"' \
	input_after="shell ready" 'input="echo typed-$((6*7)) on $(grep -c ^processor /proc/cpuinfo) cpus\npoweroff\n"'
dmesg | grep "vmtest: " | sed 's/^\[[^]]*\] //' > /tmp/vmtest.txt
cat /tmp/vmtest.txt
expect "the guest kernel started" grep -q "Linux version" /tmp/vmtest.txt
expect "the guest reached its shell" grep -q "vmk-guest: shell ready" /tmp/vmtest.txt
expect "a command typed into COM1 ran" grep -q "typed-42 on ${VCPUS:-2} cpus" /tmp/vmtest.txt
expect "poweroff in the guest turned the VM off" grep -q "result state=off power_ons=1 reason=guest powered off" /tmp/vmtest.txt
expect "no guest page held after power off" grep -q "after kill: state 1 pages 0" /tmp/vmtest.txt
rmmod vmk_vmtest
vmkctl log | grep -E "vm [0-9]" | tail -20
expect "vmkctl unload gives the machine back" vmkctl unload
