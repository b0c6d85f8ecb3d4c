#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the vmkfs mount/read/write/check/repair path (see
# tests/fuzz/vmkfs/run.sh): corrupt volumes must give errors, never a
# crash, a sanitizer report or a hang. FUZZ_SECONDS (default 40) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/vmkfs-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-40} exec sh "$TOP/tests/fuzz/vmkfs/run.sh"
