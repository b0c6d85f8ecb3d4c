#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A COS that triple faults stops, and only the COS: the vmkernel does not
# panic, reports the shutdown on COM2 with the COS's registers, stops the
# COS on every CPU, and the VM keeps running, which only COM2 can show now:
# its exit count grows from one status report to the next, and its console
# output comes out on COM2 with the reports. The COS part
# (tests/lab/cos/cos_triple_fault.sh) ends with its "# ends:" header.
# With a vmkernel that panics instead, the CPUs go back to the faulting
# COS, the machine resets, and ci/lab reports 125.
set -u
results=${RESULTS:?}
mkdir -p "$results"
ci/lab --scenario tests/lab/cos/cos_triple_fault.sh --timeout 400 --results "$results/run"
rc=$?
com2=$results/run/vmkernel-com2.log
con=$results/run/cos-console.log
fail=0
check() { if grep -aqE "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
check_not() { if grep -aqE "$2" "$3"; then echo "FAIL: $1"; grep -aE "$2" "$3" | head -5; fail=1; else echo "ok: $1"; fi; }
[ $rc = 0 ] && echo "ok: ci/lab ended the scenario on COM2's third status report" ||
	{ echo "FAIL: ci/lab status $rc (the COS part failed, or the machine reset: see $con)"; fail=1; }
check "the VM ran before the triple fault" "cos-triplefault: the VM runs" "$con"
check_not "no vmkernel panic" "VMKERNEL PANIC" "$com2"
check "COM2 says the COS triple faulted on cpu1" \
	"COS DOWN: the COS triple faulted \(shutdown\) on cpu1 at rip [0-9a-f]{8}" "$com2"
check "COM2 says it is stopped, the VM runs on, a reset brings it back" \
	"COS DOWN: stopped on every CPU; 1 VM keeps running; reset the machine to get the COS back" "$com2"
check "COM2 has the COS's exit" "cos: cpu1 exit 7f info1 [0-9a-f]+ info2 [0-9a-f]+" "$com2"
check "COM2 has the COS's rip, stack and CPL" "cos: cpu1 rip [0-9a-f]{4}:[0-9a-f]{8} rsp [0-9a-f]{4}:[0-9a-f]{8} rflags [0-9a-f]{8} cpl 0" "$com2"
check "COM2 has the COS's control registers" "cos: cpu1 cr0 [0-9a-f]{8} cr2 [0-9a-f]{8} cr3 [0-9a-f]{8} cr4 [0-9a-f]{8} efer [0-9a-f]+" "$com2"
check "COM2 has the COS's interrupted event" "cos: cpu1 exitintinfo [0-9a-f]{8}" "$com2"
for cpu in 0 1; do
	check "the COS is stopped on cpu$cpu" "cpu$cpu INF: COS down: this CPU runs VMs only now" "$com2"
done
check "COM2 has the VM's console lines" "COS down: vm [0-9]+ console: cpu_spin: [0-9]+" "$com2"
exits=$(sed -n "s/.*COS down: vm [0-9]* 'spin': running, exits \([0-9]*\),.*/\1/p" "$com2" | tr -d '\r')
echo "the VM's exits in the status reports: $(echo $exits)"
set -- $exits
if [ $# -ge 2 ] && [ "$2" -gt "$1" ]; then
	echo "ok: the VM's exit count grew between two status reports ($1 -> $2)"
else
	echo "FAIL: no two status reports with a growing exit count for the VM"; fail=1
fi
[ $fail = 0 ] || { echo "--- COM2 after the triple fault:"; grep -a -A30 "COS DOWN" "$com2" | head -60; }
exit $fail
