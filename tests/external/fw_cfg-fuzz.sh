#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the fw_cfg device model (see
# tests/fuzz/fw_cfg/run.sh): a hostile guest's ports and DMA descriptors
# must get zeros or the error bit, never a crash, a sanitizer report, a
# hang or a changed read-only item. FUZZ_SECONDS (default 30) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/fw_cfg-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-30} exec sh "$TOP/tests/fuzz/fw_cfg/run.sh"
