# SPDX-License-Identifier: GPL-2.0-only
# Admission control: a VM whose memory the vmkernel pool cannot give is
# refused at power on with a message that says what it needs, what is free
# and what to do; nothing is left allocated, and a VM that fits still runs.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

MB=/lib/vmk/guests/mbtest.elf
expect "insmod vmkload takes over with a 32 MiB pool" vmk_load mem_mb=32
free0=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
expect "vmk_vmtest tries a 64 MiB VM" insmod "$VMK_MODULES/vmk_vmtest.ko" name=big \
	kernel=$MB mem_mb=64 seconds=30
rmmod vmk_vmtest
dmesg | grep "vmtest: " | sed 's/^\[[^]]*\] //' > /tmp/vmtest.txt
cat /tmp/vmtest.txt
expect "power on is refused with a message naming the need and the remedy" \
	grep -q "hypercall 8: status 1: vm 'big' needs 64 MiB, the vmkernel pool has [0-9]* MiB free (raise vmkload mem_mb or stop a VM)" /tmp/vmtest.txt
expect "vmkctl log has the refusal" vmk_log_has "vm 'big' needs 64 MiB"
free1=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
echo "pool free before $free0 KiB, after $free1 KiB"
expect "nothing is left allocated" test "$free0" = "$free1"
dmesg -c > /dev/null
expect "a 16 MiB VM still runs" insmod "$VMK_MODULES/vmk_vmtest.ko" name=small \
	kernel=$MB mem_mb=16 seconds=60
rmmod vmk_vmtest
expect "and passes" dmesg_has "vmtest: mbtest: PASS"
expect "vmkctl unload gives the machine back" vmkctl unload
