#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmkfs benchmarks:
#  1. creating a SIZE (default 4 GiB) eagerzeroedthick disk with vmkfstools
#     vs dd of the same size to the same file system (goal: ratio >= 0.9,
#     ratio = dd time / vmkfstools time)
#  2. metadata I/Os per data I/O on a preallocated file (goal: 0)
# Env: BUILD (build folder), BENCH_DIR (scratch on the device to measure,
# default $BUILD/bench), BENCH_SIZE_MB (default 4096).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
DIR=${BENCH_DIR:-$BUILD/bench}
MB=${BENCH_SIZE_MB:-4096}
VMKFSTOOLS=$BUILD/host/cos-tools/vmkfstools
mkdir -p "$DIR"
IMG=$DIR/vmkfs-bench.img
DD=$DIR/dd-bench.raw
trap 'rm -f "$IMG" "$DD"' EXIT
[ -x "$VMKFSTOOLS" ] || { echo "$VMKFSTOOLS not built (make host-tools)"; exit 1; }

now() { date +%s.%N; }

# the machine is shared: alternate the two, keep the best of ROUNDS each
ROUNDS=${BENCH_ROUNDS:-2}
best_dd=; best_v=
r=0
while [ $r -lt "$ROUNDS" ]; do
	rm -f "$IMG" "$DD"
	truncate -s $((MB + 300))M "$IMG"
	"$VMKFSTOOLS" -C vmfs3 -S bench "$IMG" > /dev/null
	sync
	t0=$(now)
	dd if=/dev/zero of="$DD" bs=1M count="$MB" conv=fdatasync status=none
	t1=$(now)
	rm -f "$DD"
	sync
	t2=$(now)
	"$VMKFSTOOLS" -c "${MB}m" -d eagerzeroedthick "$IMG:/bench.vmdk" > /dev/null
	t3=$(now)
	best_dd=$(echo "$t0 $t1 $best_dd" | awk '{ t = $2 - $1; if ($3 != "" && $3 < t) t = $3; print t }')
	best_v=$(echo "$t2 $t3 $best_v" | awk '{ t = $2 - $1; if ($3 != "" && $3 < t) t = $3; print t }')
	r=$((r + 1))
done
echo "$best_v $best_dd $MB $ROUNDS" | awk '{ v = $1; dd = $2;
	printf "create %d MiB eagerzeroedthick (best of %d): vmkfstools %.2f s (%.0f MiB/s), dd %.2f s (%.0f MiB/s), ratio %.2f (goal >= 0.9)\n",
	$3, $4, v, $3 / v, dd, $3 / dd, dd / v }'

cc -std=gnu11 -O2 -I"$TOP" -o "$BUILD/bench/vmkfs-io" "$TOP/bench/vmkfs-io.c" \
	$(ls "$TOP"/vmkfs/*.c)
printf 'preallocated file, 20000 random 64 KiB I/Os: '
"$BUILD/bench/vmkfs-io" "$IMG" /bench-flat.vmdk 20000
