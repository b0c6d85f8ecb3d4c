#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the e1000 vNIC fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: up to 2048 operations of a few bytes each
fuzz_run e1000-fuzz fuzz_e1000 8192 \
	"$FUZZ_TOP/tests/fuzz/e1000/fuzz_e1000.c" "$FUZZ_TOP/vmm/dev/e1000.c"
