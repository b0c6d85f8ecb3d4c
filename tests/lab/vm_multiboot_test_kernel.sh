# SPDX-License-Identifier: GPL-2.0-only
# The first guest: the project's Multiboot test kernel (tests/guest/mbtest)
# runs in a VM with one vCPU and 16 MiB, reports over its virtual COM1
# (memory info, PIT, IRQ 0 through the PIC, RTC) and powers itself off
# through PM1a; the VM ends OFF with every guest page back in the pool.
# timeout: 180
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

MB=/lib/vmk/guests/mbtest.elf
expect "the test kernel is staged in the COS" test -f $MB
expect "insmod vmkload takes over" vmk_load mem_mb=64
free0=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
expect "vmk_vmtest runs the VM" insmod "$VMK_MODULES/vmk_vmtest.ko" kernel=$MB \
	mem_mb=16 vcpus=1 seconds=120 cmdline=mbtest-in-vmk
dmesg | grep "vmtest: " | sed 's/^\[[^]]*\] //' > /tmp/vmtest.txt
cat /tmp/vmtest.txt
expect "the guest saw its command line" grep -q "mbtest-in-vmk" /tmp/vmtest.txt
expect "the guest reports PASS on its COM1" grep -q "mbtest: PASS" /tmp/vmtest.txt
expect "the guest powered the VM off" grep -q "result state=off power_ons=1 reason=guest powered off" /tmp/vmtest.txt
expect "no guest page held after power off" grep -q "after kill: state 1 pages 0" /tmp/vmtest.txt
rmmod vmk_vmtest
free1=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
echo "pool free before $free0 KiB, after $free1 KiB"
expect "the pool got every page back" test "$free0" = "$free1"
vmkctl log | grep -E "vm [0-9]" | tail -20
expect "vmkctl unload gives the machine back" vmkctl unload
