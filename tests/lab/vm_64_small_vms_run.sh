# SPDX-License-Identifier: GPL-2.0-only
# Memory, not a table, limits how many VMs run: 64 VMs of 32 MiB (the
# Multiboot test kernel with "idle": it passes its checks, then halts and
# prints "mbtest: idle N" every 10 s) start one after another, the COS
# answering meanwhile. 30 s later all 64 still run, each guest is still
# alive, `vmkctl vm list` and `vmkctl status` show them all, and the COS
# responds. Then all are killed and unregistered: none is left, the pool
# has every page back, and vmkload unloads (it held a module reference per
# VM). The lab gets 2944 MiB, all below VMK_VBASE, for a 2240 MiB pool.
# timeout: 900
# kernel: built
# boot: own
# mem: 2944
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

N=64
MB=$VM_GUESTS/mbtest.elf
VMS=$(i=1; while [ $i -le $N ]; do echo s$i; i=$((i + 1)); done)
pool_free() { vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p'; }
# vms_in_state STATE: how many of our VMs `vmkctl vm list` shows in STATE.
vms_in_state() { vmkctl vm list | awk -v s="$1" '$1 ~ /^s[0-9]+$/ && $2 == s' | wc -l; }

expect "the test kernel is staged in the COS" test -f $MB
# 64 x (32 MiB RAM + one 2 MiB chunk for the staged kernel) = 2176 MiB,
# plus the image and each VM's state, tables and VMCB.
expect "insmod vmkload takes over with a 2240 MiB pool" vmk_load mem_mb=2240
free0=$(pool_free)
note "pool: $free0 KiB free before the VMs"
start=$(date +%s)
for v in $VMS; do
	vm_make_vmx /tmp/$v.vmx $v 32 1 $MB "" "idle"
	expect "register $v" vmkctl vm register /tmp/$v.vmx
	expect "start $v" vmkctl vm start $v
	case $v in
	*[0]) expect "the COS responds after $v started" cos_responds 10 ;;
	esac
done
note "$N VMs started in $(($(date +%s) - start)) s, pool $(pool_free) KiB free"
for v in $VMS; do
	vmkctl vm console $v --expect "mbtest: PASS" --timeout 120 >/dev/null ||
		fail "$v's guest passes its checks"
done
echo "ok: all $N guests passed their checks"
expect "the COS responds with $N VMs running" cos_responds 10

sleep 30
vmkctl vm list
expect "30 s later all $N VMs still run" test "$(vms_in_state running)" = $N
for v in $VMS; do
	vmkctl vm console $v --expect "mbtest: idle" --timeout 60 >/dev/null ||
		fail "$v's guest is still alive (prints mbtest: idle)"
done
echo "ok: all $N guests are alive 30 s later"
# vmkctl status pages through every world (VMK_HC_SCHED_LIST, 16 a page):
# the COS and each VM, with a vcpu line each, none cut off.
vmkctl status > /tmp/st || fail "vmkctl status"
note "status: $(grep -c '^world: ' /tmp/st) world lines, $(grep -c '^vcpu: ' /tmp/st) vcpu lines"
expect "vmkctl status lists every VM's world" \
	test "$(grep -c '^world: [0-9]* s[0-9]* vm ' /tmp/st)" = $N
expect "vmkctl status counts as many worlds as it lists" \
	test "$(sed -n 's/^worlds: //p' /tmp/st)" = "$(grep -c '^world: ' /tmp/st)"
expect "vmkctl status shows a sched line per world" \
	test "$(grep -c '^sched: ' /tmp/st)" = "$(grep -c '^world: ' /tmp/st)"
expect "vmkctl status shows each VM's vCPU" \
	test "$(grep -c '^vcpu: ' /tmp/st)" -ge $N
expect "the vmkernel runs on" vmkernel_alive
expect "the COS responds 30 s later" cos_responds 10
expect "the COS runs a workload next to $N VMs" sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'

for v in $VMS; do
	expect "kill $v" vmkctl vm kill $v
	expect "unregister $v" vmkctl vm unregister $v
done
vmkctl vm list
expect "no VM is left" test "$(vmkctl vm list | awk '$1 ~ /^s[0-9]+$/' | wc -l)" = 0
free1=$(pool_free)
note "pool: $free0 KiB free before, $free1 KiB after"
expect "the pool got every page back" test "$free0" = "$free1"
expect "the COS responds after the VMs are gone" cos_responds 10
expect "vmkctl unload gives the machine back" vmkctl unload
