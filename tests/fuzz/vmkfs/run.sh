#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the vmkfs mount/read fuzzer (clang libFuzzer + ASan/UBSan) and run
# it for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
RESULTS=${RESULTS:-$TOP/results/fuzz}
SECONDS_MAX=${FUZZ_SECONDS:-60}
OUT=$BUILD/fuzz
mkdir -p "$OUT" "$RESULTS/vmkfs-fuzz/corpus"
command -v clang > /dev/null || { echo "FAIL: clang not installed (package clang)"; exit 1; }
srcs="$TOP/tests/fuzz/vmkfs/fuzz_mount.c $TOP/tests/unit/vmkfs/memdev.c"
for f in "$TOP"/vmkfs/*.c; do srcs="$srcs $f"; done
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$TOP" -I"$TOP/include" \
	-o "$OUT/fuzz_vmkfs_mount" $srcs
cd "$RESULTS/vmkfs-fuzz"
# -rss_limit: the in-memory volume is ~30 MiB; -timeout: a hang is a bug
if "$OUT/fuzz_vmkfs_mount" -max_total_time="$SECONDS_MAX" -timeout=10 \
	-rss_limit_mb=1024 -max_len=4096 -print_final_stats=1 corpus > fuzz.log 2>&1; then
	echo "vmkfs fuzz: $(grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz.log | grep -o '[0-9]*$') inputs, no crash"
else
	tail -40 fuzz.log
	echo "FAIL: vmkfs fuzz found a problem (log and crash input in $RESULTS/vmkfs-fuzz)"
	exit 1
fi
