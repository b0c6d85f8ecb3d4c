#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bounded libFuzzer run over the virtual switch core (see
# tests/fuzz/vswitch/run.sh): hostile frames from every kind of port must
# never crash it, reach their sender or another VLAN, or skew a counter.
# FUZZ_SECONDS (default 30) bounds it.
# Env: BUILD (build folder), RESULTS (log folder).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build} RESULTS=${RESULTS:-$TOP/results/vswitch-fuzz} \
	FUZZ_SECONDS=${FUZZ_SECONDS:-30} exec sh "$TOP/tests/fuzz/vswitch/run.sh"
