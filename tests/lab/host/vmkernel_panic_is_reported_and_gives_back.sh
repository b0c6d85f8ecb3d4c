#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A forced vmkernel panic (vmkload debug=1, `vmkctl debug panic`): the COS
# side (tests/lab/cos/vmkernel_panic.sh) sees every CPU handed back and runs
# on; here, on the host, COM2 must hold the report: message, registers and a
# backtrace whose frames are symbolized from the image's symbol table.
set -u
results=${RESULTS:?}
mkdir -p "$results"
ci/lab --scenario tests/lab/cos/vmkernel_panic.sh --timeout 400 --results "$results/run"
rc=$?
[ $rc = 0 ] || { echo "FAIL: COS side of the panic test: status $rc"; exit 1; }
com2=$results/run/vmkernel-com2.log
fail=0
check() { if grep -q "$2" "$com2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
check "COM2 has the panic message" "VMKERNEL PANIC on cpu[0-9]: panic test requested by the COS"
check "COM2 has registers" "esp [0-9a-f]\{8\} ebp [0-9a-f]\{8\}"
check "COM2 has the COS state at the exit" "cos: exit 81 rip"
check "backtrace names the panicking hypercall" "#0 [0-9a-f]\{8\} hc_panic_test+0x"
check "backtrace names the COS world's exit loop" "cos_run+0x"
check "backtrace names the scheduler" "sched_cpu_run+0x"
check "COM2 says the CPU went back to the COS" "end of panic report; handing cpu[0-9] back to the COS"
exit $fail
