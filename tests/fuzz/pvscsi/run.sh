#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the PVSCSI device fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: the guest is 4 MiB and the disk 1 MiB; 8 KiB of operations
fuzz_run pvscsi-fuzz fuzz_pvscsi 8192 \
	"$FUZZ_TOP/tests/fuzz/pvscsi/fuzz_pvscsi.c" \
	"$FUZZ_TOP/vmm/dev/pvscsi.c" "$FUZZ_TOP/vmm/dev/pci_msi.c" "$FUZZ_TOP/vmm/scsi/disk.c"
