#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the vmkernel PVSCSI HBA driver fuzzer (clang libFuzzer + ASan/UBSan)
# and run it for a bounded time. Exit 0 when no crash, broken invariant,
# hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: a few hundred operations of up to 12 bytes
fuzz_run pvscsi-hba-fuzz fuzz_pvscsi_hba 4096 -DVMK_HOST_TEST \
	"$FUZZ_TOP/tests/fuzz/pvscsi_hba/fuzz_pvscsi_hba.c" \
	"$FUZZ_TOP/vmkernel/storage/pvscsi_hba.c" \
	"$FUZZ_TOP/vmm/dev/pvscsi.c" "$FUZZ_TOP/vmm/dev/pci_msi.c" "$FUZZ_TOP/vmm/scsi/disk.c"
