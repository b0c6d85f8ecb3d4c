# SPDX-License-Identifier: GPL-2.0-only
# Hostile guests (tests/guest/hostile_*) end or error only their own VM: a
# triple fault ends the VM in ERROR with the reason; garbage to every I/O
# port, to every MMIO range and hole, and random code run until the VM
# powers off, errors, resets itself, or is killed. After each the VM holds
# no page, the vmkernel runs on, and at the end a well-behaved guest
# (mbtest) still passes on the same vmkernel.
# timeout: 1500
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

G=/lib/vmk/guests
expect "insmod vmkload takes over" vmk_load mem_mb=64
free0=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')

# run_guest NAME SECONDS: one VM of the guest; its dmesg lines in /tmp/NAME.txt
run_guest() {
	dmesg -c > /dev/null
	insmod "$VMK_MODULES/vmk_vmtest.ko" name=$1 kernel=$G/$1.elf mem_mb=16 \
		vcpus=1 seconds=$2 || return 1
	rmmod vmk_vmtest
	dmesg | grep "vmtest: " | sed 's/^\[[^]]*\] //' > /tmp/$1.txt
	grep -E "result|exits|after kill|hypercall|cannot" /tmp/$1.txt
}

expect "hostile_triplefault runs" run_guest hostile_triplefault 60
expect "a triple fault ends the VM in ERROR with the reason" \
	grep -q "result state=error power_ons=1 reason=vcpu 0: triple fault (shutdown) at rip" /tmp/hostile_triplefault.txt
expect "vmkctl log names the triple fault" vmk_log_has "'hostile_triplefault' stopped: vcpu 0: triple fault"

for g in hostile_mmio_garbage hostile_io_garbage hostile_garbage_code; do
	expect "$g runs" run_guest $g 90
	expect "$g: the VM ended, errored or was killed" \
		grep -qE "result state=(off|error|running) " /tmp/$g.txt
	expect "$g: an ERROR has a reason" sh -c "! grep -q 'result state=error .*reason=-' /tmp/$g.txt"
done
expect "hostile_mmio_garbage: an access outside RAM and devices is an error of that VM" \
	grep -qE "result state=error .*outside RAM and devices|result state=off" /tmp/hostile_mmio_garbage.txt

for g in hostile_triplefault hostile_mmio_garbage hostile_io_garbage hostile_garbage_code; do
	expect "$g: no page held afterwards" grep -q "after kill: state [13] pages 0" /tmp/$g.txt
done
grep -E "result|exits|cannot|hypercall" /tmp/hostile_*.txt
expect "the vmkernel still runs" test "$(status_field state)" = running
free1=$(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')
echo "pool free before $free0 KiB, after $free1 KiB"
expect "the pool got every page back" test "$free0" = "$free1"
expect "mbtest runs after them" run_guest mbtest 60
cat /tmp/mbtest.txt
expect "mbtest still passes" grep -q "mbtest: PASS" /tmp/mbtest.txt
expect "vmkctl unload gives the machine back" vmkctl unload
