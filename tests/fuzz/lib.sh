# SPDX-License-Identifier: GPL-2.0-only
# Shared by the fuzz targets' run.sh: build one libFuzzer target (clang,
# ASan/UBSan) and run it for a bounded time. Sourced, not run.
# Env: BUILD (build folder, default build), RESULTS (log folder),
#      FUZZ_SECONDS (default 60), FUZZ_SEED (default 1: the test tier
#      replays one reproducible run; 0: a random seed, for a campaign).
# The inputs in the target's regressions/ folder (crashes found before,
# minimized) run first, every time.

FUZZ_TOP=$(cd "$(dirname "$0")/../../.." && pwd)

# fuzz_run NAME BINARY MAX_LEN CLANG_ARGS...: build $BUILD/fuzz/BINARY from
# CLANG_ARGS (sources, defines), run it in $RESULTS/NAME with its corpus;
# exit 0 when no crash, hang, leak or sanitizer report was found.
fuzz_run() {
	name=$1 bin=$2 max_len=$3
	shift 3
	build=${BUILD:-$FUZZ_TOP/build}
	results=${RESULTS:-$FUZZ_TOP/results/fuzz}
	regressions=$(cd "$(dirname "$0")" && pwd)/regressions
	mkdir -p "$build/fuzz" "$results/$name/corpus"
	command -v clang > /dev/null || { echo "FAIL: clang not installed (package clang)"; exit 1; }
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I"$FUZZ_TOP" -I"$FUZZ_TOP/include" \
		-o "$build/fuzz/$bin" "$@"
	cd "$results/$name" || exit 1
	# -rss_limit: generous for in-memory volumes; -timeout: a hang is a bug
	set -- corpus
	[ -d "$regressions" ] && set -- corpus "$regressions"
	if "$build/fuzz/$bin" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 \
		-seed="${FUZZ_SEED:-1}" -rss_limit_mb=1024 -max_len="$max_len" \
		-print_final_stats=1 "$@" > fuzz.log 2>&1; then
		echo "$name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz.log | grep -o '[0-9]*$') inputs, no crash"
	else
		tail -40 fuzz.log
		echo "FAIL: $name found a problem (log and crash input in $results/$name)"
		exit 1
	fi
}
