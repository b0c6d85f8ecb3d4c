# SPDX-License-Identifier: GPL-2.0-only
# The VMCB integrity check (issue 14): a COS VMCB whose save area holds the
# vmkernel's own state is never entered. The debug hook `vmkctl debug
# panic-vmcb` plants the vmkernel's CR3 in this CPU's COS VMCB, the
# signature the world-switch corruption left; the check before VMRUN must
# catch it, the panic report must name the CPU and VMCB and list the last
# world switches, every CPU must go back to Linux without a second fault,
# and the COS must run on from its state at its last good VMRUN.
# timeout: 300
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

expect "insmod vmkload debug=1" vmk_load debug=1
vmkctl debug panic-vmcb; echo "vmkctl debug panic-vmcb: status $?"
n=0
while ! dmesg_has "all CPUs are back under Linux" && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
dmesg | grep "vmkload\|vmkernel:" | tail -30
expect "the check caught the planted state" dmesg_has "COS VMCB [0-9a-f]* holds the vmkernel's own state"
expect "the report names the CPU that caught it" dmesg_has "vmkload: vmkernel panicked on cpu [0-9]*: cpu[0-9]*: the COS VMCB"
expect "the report lists the last world switches" dmesg_has "last world switches"
expect "the COS resumed from its last VMRUN" dmesg_has "the COS resumes from its last VMRUN"
expect "every CPU is back under Linux" dmesg_has "all CPUs are back under Linux"
expect_fail "no second fault while handing back" dmesg_has "vmkernel: .*exception 14"
expect_cos_runs_on_after_panic
