# SPDX-License-Identifier: GPL-2.0-only
# Extended CPU state belongs to each world: a COS process and a VM pinned
# to the same physical CPU (CPU 1) each keep their own pattern in XMM0-6
# (the COS also in the upper halves of YMM0-6 when it has AVX) and check
# it without pause for 60 s; neither ever sees the other's values. The
# guest (tests/guest/xmm_check) sets XCR0 to x87|SSE only, which must not
# change what the COS (XCR0 with AVX) can do.
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/xmm.vmx xmm xmm_check 'sched.cpu.affinity = "1"'
vm_up xmm /tmp/xmm.vmx
vm_console_expect "the guest checks its XMM registers" xmm 300 "xmm_check: round 2 "
# Everything the guest prints while the COS checks, kept for the end.
vmkctl vm console xmm --expect "not-printed-by-the-guest" --timeout 80 \
	> /tmp/xmm-console.txt 2>&1 &
reader=$!
cos_rc=0
vmk-labtool xmm-check 1 60 > /tmp/xmm-cos.txt 2>&1 || cos_rc=$?
wait $reader || true
cat /tmp/xmm-cos.txt
grep "xmm_check: " /tmp/xmm-console.txt | sed -n '1p;$p'
expect "the COS process on cpu1 saw only its own XMM/YMM values" test $cos_rc = 0
expect "the guest kept checking meanwhile" grep -q "xmm_check: round" /tmp/xmm-console.txt
expect_fail "the guest saw only its own XMM values" grep -q "MISMATCH" /tmp/xmm-console.txt
expect "the VM still runs" test "$(vm_field xmm state)" = running
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload --force ends the VM" vmkctl unload --force
