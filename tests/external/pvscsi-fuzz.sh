#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the virtual PVSCSI adapter and its SCSI disk
# (see tests/fuzz/pvscsi/run.sh): a hostile guest driver must get error
# statuses, never a crash, a sanitizer report or a hang. FUZZ_SECONDS
# (default 40) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/pvscsi-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-40} exec sh "$TOP/tests/fuzz/pvscsi/run.sh"
