# SPDX-License-Identifier: GPL-2.0-only
# Helpers for lab scenarios, installed in the COS as /lib/vmk/lab.sh and
# sourced by /init before a scenario runs (scenarios may source it again).

LAB_DEBUG_EXIT_PORT=244     # QEMU isa-debug-exit, iobase=0xf4 (ci/lab)

# End the lab with an exit status: QEMU exits with (status << 1) | 1.
lab_exit() {
	printf "\\$(printf %o $(($1 & 0x7f)))" | dd of=/dev/port bs=1 seek=$LAB_DEBUG_EXIT_PORT count=1 2>/dev/null
	poweroff -f # not reached when the exit device is there
}

# Test-style helpers: print a line a person can read, fail the scenario.
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "--- $*"; }
# expect DESCRIPTION COMMAND...: run COMMAND, fail with its output if it fails.
expect() {
	d=$1; shift
	if out=$("$@" 2>&1); then echo "ok: $d"; else echo "$out"; fail "$d"; fi
}
# expect_fail DESCRIPTION COMMAND...: the command must fail.
expect_fail() {
	d=$1; shift
	if out=$("$@" 2>&1); then echo "$out"; fail "$d (command succeeded)"; else echo "ok: $d"; fi
}
# host_request WHAT: ask ci/lab on the host for what only QEMU can do;
# "nmi COUNT": that many NMIs through QEMU's monitor, at least 10 ms
# apart (ci/lab-monitor); "throttle lun1 BPS": LUN 1's QEMU drive limited
# to BPS bytes a second (0: none). The host starts within about a second and
# answers nothing: the scenario watches for the effect.
host_request() { printf '\n=== vmk: host request: %s ===\n' "$*" > /dev/console; }
# The kernel release, and the module folder of our modules in the COS.
VMK_MODULES=/lib/modules/$(uname -r)/extra
