#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the vmkfs mount/read/write fuzzer (clang libFuzzer + ASan/UBSan) and run
# it for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
. "$(dirname "$0")/../lib.sh"
srcs="$FUZZ_TOP/tests/fuzz/vmkfs/fuzz_mount.c $FUZZ_TOP/tests/unit/vmkfs/memdev.c"
for f in "$FUZZ_TOP"/vmkfs/*.c; do srcs="$srcs $f"; done
# the in-memory volume is ~30 MiB
# shellcheck disable=SC2086 # srcs is a list of paths without spaces
fuzz_run vmkfs-fuzz fuzz_vmkfs_mount 4096 $srcs
