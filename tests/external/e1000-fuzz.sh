#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the virtual e1000 NIC (see
# tests/fuzz/e1000/run.sh): a hostile guest driver or network must get
# drops and counters, never a crash, a sanitizer report or a hang.
# FUZZ_SECONDS (default 40) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/e1000-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-40} exec sh "$TOP/tests/fuzz/e1000/run.sh"
