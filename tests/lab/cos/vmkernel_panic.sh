# SPDX-License-Identifier: GPL-2.0-only
# A forced vmkernel panic (debug-only ioctl) prints a report with registers
# and a symbolized backtrace to COM2 and hands every CPU back to the COS,
# which runs on; the module then unloads and can load again.
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

expect "insmod vmkload debug=1" vmk_load debug=1
expect_fail "panic test reports a panicked vmkernel" vmkctl debug panic
n=0
while ! dmesg_has "all CPUs are back under Linux" && [ $n -lt 20 ]; do sleep 1; n=$((n + 1)); done
dmesg | grep vmkload | tail -4
expect "loader saw the panic" dmesg_has "vmkernel panicked on cpu"
expect "every CPU is back under Linux" dmesg_has "all CPUs are back under Linux"
expect "dmesg holds the symbolized report" dmesg_has "vmkernel: .*#0 [0-9a-f]* hc_panic_test+0x"
expect_cos_runs_on_after_panic
panic_test_refused() {
	vmk_load || return 1
	if vmkctl debug panic; then r=1; else r=0; fi
	rmmod vmkload || r=1
	return $r
}
expect "the panic test is refused without debug=1" panic_test_refused
