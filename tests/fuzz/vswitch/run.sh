#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the virtual switch fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, broken invariant, hang or leak
# was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
# -max_len: a few records of up to 1599 bytes each
fuzz_run vswitch-fuzz fuzz_vswitch 8192 -DVMK_HOST_TEST \
	"$FUZZ_TOP/tests/fuzz/vswitch/fuzz_vswitch.c" "$FUZZ_TOP/vmkernel/net/vswitch.c"
