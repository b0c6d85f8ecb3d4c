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
# to BPS bytes a second (0: none); "link NETDEV on|off": QEMU's set_link on
# a netdev of the scenario's "# devices:"; "hotadd lun2 ID", "resize lun2
# MIB", "hotdel lun2": a 32 MiB disk (block 0 starts "vmk-lab-lun2")
# plugged into the HBA at SCSI target ID, resized, unplugged. The host starts within about a
# second and answers nothing: the scenario watches for the effect.
host_request() { printf '\n=== vmk: host request: %s ===\n' "$*" > /dev/console; }
# The kernel release, and the module folder of our modules in the COS.
VMK_MODULES=/lib/modules/$(uname -r)/extra
# lab_http: for a scenario with the header "# host: http MIB" (ci/lab),
# sets LAB_HTTP_PORT, LAB_HTTP_SHA256 and LAB_HTTP_BYTES of the host's
# server of /blob (10.0.2.2:LAB_HTTP_PORT from a QEMU user network), or
# fails the scenario when the command line does not name it.
lab_http() {
	_h=$(sed -n 's/.*vmk\.lab_http=\([0-9]*\),\([0-9a-f]*\),\([0-9]*\).*/\1 \2 \3/p' /proc/cmdline)
	set -- $_h
	[ $# = 3 ] && [ ${#2} = 64 ] ||
		fail "no vmk.lab_http=PORT,SHA256,BYTES on the command line: does the scenario have '# host: http MIB'?"
	LAB_HTTP_PORT=$1 LAB_HTTP_SHA256=$2 LAB_HTTP_BYTES=$3
}
