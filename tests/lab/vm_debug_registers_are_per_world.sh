# SPDX-License-Identifier: GPL-2.0-only
# The debug registers DR0-3 belong to each world: a COS module and a VM
# pinned to the same physical CPU (CPU 1) each keep their own breakpoint
# addresses in DR0-3 and read them back without pause for 30 s; neither
# ever sees the other's values. The guest (tests/guest/dr_check) also arms
# all four in its DR7 at addresses inside the vmkernel, which must stay
# disarmed while the vmkernel runs (or it would take the #DB).
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/dr.vmx dr dr_check 'sched.cpu.affinity = "1"'
vm_up dr /tmp/dr.vmx
vm_console_expect "the guest checks its debug registers" dr 300 "dr_check: round 2 "
# Everything the guest prints while the COS checks, kept for the end.
vmkctl vm console dr --expect "not-printed-by-the-guest" --timeout 50 \
	> /tmp/dr-console.txt 2>&1 &
reader=$!
expect "the COS module checks on cpu1 for 30 s" insmod "$VMK_MODULES/vmk_drcheck.ko" cpu=1 seconds=30
rmmod vmk_drcheck
wait $reader || true
dmesg | grep "vmk_drcheck: "
grep "dr_check: " /tmp/dr-console.txt | sed -n '1p;$p'
expect "the COS module on cpu1 checked its DR0-3" dmesg_has "vmk_drcheck: cpu 1 checks [1-9][0-9]* "
expect "the COS saw only its own DR0-3 values" dmesg_has "vmk_drcheck: cpu 1 checks [0-9]* mismatches 0$"
expect "the guest kept checking meanwhile" grep -q "dr_check: round" /tmp/dr-console.txt
expect_fail "the guest saw only its own DR0-3 values" grep -q "MISMATCH" /tmp/dr-console.txt
expect "the VM still runs" test "$(vm_field dr state)" = running
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload --force ends the VM" vmkctl unload --force
