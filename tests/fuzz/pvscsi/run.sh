#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the PVSCSI device fuzzer (clang libFuzzer + ASan/UBSan) and run it
# for a bounded time. Exit 0 when no crash, hang or leak was found.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60).
set -eu
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
RESULTS=${RESULTS:-$TOP/results/fuzz}
SECONDS_MAX=${FUZZ_SECONDS:-60}
OUT=$BUILD/fuzz
mkdir -p "$OUT" "$RESULTS/pvscsi-fuzz/corpus"
command -v clang > /dev/null || { echo "FAIL: clang not installed (package clang)"; exit 1; }
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$TOP" -I"$TOP/include" \
	-o "$OUT/fuzz_pvscsi" "$TOP/tests/fuzz/pvscsi/fuzz_pvscsi.c" \
	"$TOP/vmm/dev/pvscsi.c" "$TOP/vmm/scsi/disk.c"
cd "$RESULTS/pvscsi-fuzz"
# -timeout: a hang is a bug; the guest is 4 MiB and the disk 1 MiB
if "$OUT/fuzz_pvscsi" -max_total_time="$SECONDS_MAX" -timeout=10 \
	-rss_limit_mb=1024 -max_len=8192 -print_final_stats=1 corpus > fuzz.log 2>&1; then
	echo "pvscsi fuzz: $(grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz.log | grep -o '[0-9]*$') inputs, no crash"
else
	tail -40 fuzz.log
	echo "FAIL: pvscsi fuzz found a problem (log and crash input in $RESULTS/pvscsi-fuzz)"
	exit 1
fi
