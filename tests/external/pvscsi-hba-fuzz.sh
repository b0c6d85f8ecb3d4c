#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the vmkernel's PVSCSI HBA driver (see
# tests/fuzz/pvscsi_hba/run.sh): a hostile device's completion rings and
# indices must never crash it, end a command twice or never, or leave
# the adapter unable to read after a bus reset.
# FUZZ_SECONDS (default 30) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/pvscsi-hba-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-30} exec sh "$TOP/tests/fuzz/pvscsi_hba/run.sh"
