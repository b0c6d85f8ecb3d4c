#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the vmxnet3 vNIC fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: up to 2048 operations of a few bytes each
fuzz_run vmxnet3-fuzz fuzz_vmxnet3 8192 \
	"$FUZZ_TOP/tests/fuzz/vmxnet3/fuzz_vmxnet3.c" "$FUZZ_TOP/vmm/dev/vmxnet3.c" "$FUZZ_TOP/vmm/dev/pci_msi.c"
