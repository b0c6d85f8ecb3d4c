# SPDX-License-Identifier: GPL-2.0-only
# The VM table holds when two COS CPUs race on it (issue 9 item 5): a loop
# pinned to CPU 0 and one pinned to CPU 1 each start, list, inspect, type
# into and read, dump and kill the same two VMs for 60 s, next to a
# cpu_spin witness VM. Each start destroys the stopped VM of that name and
# creates it afresh, so both CPUs look ids up, destroy them and reuse their
# slots at once. Nothing crashes or hangs, both loops get through their
# rounds, the witness runs on and keeps counting, the vmkernel log has no
# panic, and the COS responds. Then a VM destroyed and created again in the
# same slot gets a new id: its old id is stale (vmkernel/lib/id_table.h).
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

RUN_S=60

expect "insmod vmkload takes over" vmk_load mem_mb=128
vm_make_guest_vmx /tmp/witness.vmx witness cpu_spin
vm_up witness /tmp/witness.vmx
vm_console_expect "the witness VM runs" witness 300 "cpu_spin: 2"
for v in r0 r1; do
	vm_make_guest_vmx /tmp/$v.vmx $v cpu_spin
	expect "register $v" vmkctl vm register /tmp/$v.vmx
done

# churn.sh CPU FIRST SECOND: rounds on the two VMs until RUN_S is over;
# failures are expected (the other CPU got there first), only counted.
cat > /tmp/churn.sh <<'CHURN'
end=$(($(date +%s) + $4))
rounds=0
while [ "$(date +%s)" -lt $end ]; do
	for v in $2 $3; do
		vmkctl vm start $v
		vmkctl vm list
		vmkctl vm info $v
		vmkctl vm console $v --send x --expect "cpu_spin" --timeout 1
		[ $((rounds % 8)) = 0 ] && vmkctl vm dump $v
		vmkctl vm kill $v
		vmkctl vm info $v
	done
	rounds=$((rounds + 1))
done > /tmp/churn$1.log 2>&1
echo $rounds > /tmp/churn$1.rounds
CHURN
rm -f /tmp/churn0.rounds /tmp/churn1.rounds
note "two loops, on CPU 0 and CPU 1, for $RUN_S s"
taskset -c 0 sh /tmp/churn.sh 0 r0 r1 $RUN_S &
taskset -c 1 sh /tmp/churn.sh 1 r1 r0 $RUN_S &
# Both end within a round of RUN_S; a loop still busy 120 s later hangs.
end=$(($(date +%s) + RUN_S + 120))
while [ ! -f /tmp/churn0.rounds ] || [ ! -f /tmp/churn1.rounds ]; do
	[ "$(date +%s)" -lt $end ] || { vmkctl status; fail "a loop hangs in the vmkernel"; }
	sleep 1
done
wait
for c in 0 1; do
	note "CPU $c: $(cat /tmp/churn$c.rounds) rounds, $(grep -c '^started' /tmp/churn$c.log) starts, $(grep -c '^vmkctl' /tmp/churn$c.log) refusals"
	grep '^vmkctl' /tmp/churn$c.log | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn | head -5
done
expect "the loop on CPU 0 got through 5 rounds" test "$(cat /tmp/churn0.rounds)" -ge 5
expect "the loop on CPU 1 got through 5 rounds" test "$(cat /tmp/churn1.rounds)" -ge 5
expect_fail "every refusal says why, none is a bare errno" grep -h "^vmkctl.*Invalid argument" /tmp/churn0.log /tmp/churn1.log
expect "both loops started VMs" sh -c 'grep -q "^started" /tmp/churn0.log && grep -q "^started" /tmp/churn1.log'
expect "the vmkernel runs on" vmkernel_alive
expect_fail "the vmkernel log has no panic" vmk_log_has "VMKERNEL PANIC"
expect "the vmkernel runs on both CPUs" test "$(status_field cpus)" = 2
expect "the witness VM is still running" test "$(vm_field witness state)" = running
expect "the witness VM still makes progress" cpu_spin_progress witness 60
expect "the COS responds" cos_responds 10

# The witness, r0 and r1 fill three slots; r0's is the only one that frees.
vmkctl vm kill r1 >/dev/null 2>&1; expect "start r1" vmkctl vm start r1
vmkctl vm kill r0 >/dev/null 2>&1; expect "start r0" vmkctl vm start r0
old=$(vm_field r0 id)
expect "kill r0" vmkctl vm kill r0
expect "start r0 again (destroys it, creates it anew)" vmkctl vm start r0
new=$(vm_field r0 id)
note "r0 had id $old, has id $new"
expect "the re-created VM has a new id: the old one is stale" test "$new" != "$old"
expect "vmkctl unload --force ends the VMs" vmkctl unload --force
