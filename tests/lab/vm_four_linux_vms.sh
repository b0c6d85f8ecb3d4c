# SPDX-License-Identifier: GPL-2.0-only
# Four Linux VMs (Debian's stock kernel, 2 vCPUs and 128 MiB each) run at
# once on the two CPUs, from a 900 MiB pool (more than the COS's lowmem:
# the chunks beyond the image come from highmem): each boots to its shell,
# runs a command typed into its COM1 and powers itself off; the pool gets
# every page back.
# timeout: 2400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

G=/lib/vmk/guests
expect "the guest kernel and initramfs are staged" test -f $G/vmlinuz -a -f $G/initrd.gz
expect "insmod vmkload takes over with a 900 MiB pool (more than the COS's lowmem)" vmk_load mem_mb=900
free0=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
t0=$(date +%s)
expect "vmk_vmtest runs four VMs" insmod "$VMK_MODULES/vmk_vmtest.ko" name=four count=4 \
	boot=linux kernel=$G/vmlinuz initrd=$G/initrd.gz mem_mb=128 vcpus=2 \
	seconds=2000 'cmdline="console=ttyS0 acpi=off"' \
	input_after="shell ready" 'input="echo typed-$((6*7)) on $(grep -c ^processor /proc/cpuinfo) cpus\npoweroff\n"'
echo "four VMs from power on to power off: $(($(date +%s) - t0)) s"
dmesg | grep "vmtest[0-9]*: " | sed 's/^\[[^]]*\] //' > /tmp/vmtest.txt
grep -E "result|exits|typed-42|shell ready|after kill|hypercall" /tmp/vmtest.txt
for i in 0 1 2 3; do
	expect "VM $i reached its shell" grep -q "vmtest$i: vmk-guest: shell ready" /tmp/vmtest.txt
	expect "VM $i ran the typed command" grep -q "vmtest$i: typed-42 on 2 cpus" /tmp/vmtest.txt
	expect "VM $i powered itself off" grep -q "vmtest$i: result state=off power_ons=1 reason=guest powered off" /tmp/vmtest.txt
	expect "VM $i holds no page" grep -q "vmtest$i: after kill: state 1 pages 0" /tmp/vmtest.txt
done
rmmod vmk_vmtest
free1=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
echo "pool free before $free0 KiB, after $free1 KiB"
expect "the pool got every page back" test "$free0" = "$free1"
expect "vmkctl unload gives the machine back" vmkctl unload
