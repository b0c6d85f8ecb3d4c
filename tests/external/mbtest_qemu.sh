#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The project's Multiboot test kernel (tests/guest/mbtest) must pass on a
# machine nobody here wrote: plain QEMU, whose -kernel option loads
# Multiboot v1 ELF images. It prints "mbtest: PASS" on COM1 and powers
# off through PM1a; a failed poweroff hangs and hits the timeout. So the
# kernel is known good before vmk's own loader and devices run it.
# Run from the top: BUILD, RESULTS set (tests/run does).
set -euo pipefail

BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$(mktemp -d)}
mkdir -p "$RESULTS"
command -v qemu-system-i386 >/dev/null || { echo "qemu-system-i386 missing (ci/packages: qemu-system-x86)"; exit 1; }
make -s -C tests/guest BUILD="$BUILD"

log=$RESULTS/mbtest-com1.log
rc=0
timeout 120 qemu-system-i386 -M pc -cpu qemu32 -m 128 -nodefaults -display none \
	-monitor none -no-reboot -kernel "$BUILD/guest/mbtest.elf" \
	-append "mbtest-cmdline" -serial "file:$log" || rc=$?
cat "$log"
[ "$rc" != 124 ] || { echo "FAIL: mbtest did not power off within 120 s"; exit 1; }
[ "$rc" = 0 ] || { echo "FAIL: qemu exited with $rc"; exit 1; }
grep -q "^mbtest: cmdline '.*mbtest-cmdline'" "$log" || { echo "FAIL: command line not passed"; exit 1; }
grep -q '^mbtest: FAIL' "$log" && exit 1
grep -q '^mbtest: PASS' "$log" || { echo "FAIL: no PASS line"; exit 1; }
