#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the fw_cfg device fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, hang or changed item was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: 4096 operations of a few bytes each
fuzz_run fw_cfg-fuzz fuzz_fw_cfg 16384 \
	"$FUZZ_TOP/tests/fuzz/fw_cfg/fuzz_fw_cfg.c" "$FUZZ_TOP/vmm/dev/fw_cfg.c"
