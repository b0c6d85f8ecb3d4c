# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/takeover: run by ci/lab as the scenario (busybox sh).
# In rounds, measures the micro-benchmarks of vmk-labtool without the
# vmkernel, loads it (timing insmod), measures them under it, unloads it
# (timing rmmod); then measures once more after the last unload. Prints
#   bench-result PHASE ROUND NAME OPS_PER_SECOND    PHASE: without|with|after
#   bench-latency load|unload ROUND WALL_US MODULE_US
# (MODULE_US: the loader's own takeover/give-back figure from dmesg).
# Kernel command line: vmk.bench_seconds=N (per benchmark, default 5),
# vmk.bench_rounds=N (default 3), vmk.bench_cpu=N (CPU the benchmarks are
# pinned to, default 1).
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 5)
rounds=$(param rounds 3)
cpu=$(param cpu 1)
benches="cpu syscall fork pagefault"

measure() { # measure PHASE ROUND
	for b in $benches; do
		out=$(vmk-labtool bench $b "$seconds" "$cpu") || fail "bench $b ($1, round $2): $out"
		echo "bench-result $1 $2 $b ${out##* }"
	done
}

# module_us PATTERN: the last "PATTERN N us" figure of the loader in dmesg.
module_us() { dmesg | sed -n "s/.*vmkload: .*$1 \([0-9]*\) us.*/\1/p" | tail -1; }

echo "bench-config seconds=$seconds rounds=$rounds cpu=$cpu kernel=$(uname -r)"
r=1
while [ "$r" -le "$rounds" ]; do
	measure without $r
	t0=$(vmk-labtool now)
	vmk_load || { dmesg | tail -5; fail "bench: insmod vmkload failed in round $r"; }
	t1=$(vmk-labtool now)
	echo "bench-latency load $r $(((t1 - t0) / 1000)) $(module_us takeover)"
	vmkctl status | sed 's/^/bench-status /'
	measure with $r
	t0=$(vmk-labtool now)
	rmmod vmkload || fail "bench: rmmod vmkload failed in round $r"
	t1=$(vmk-labtool now)
	echo "bench-latency unload $r $(((t1 - t0) / 1000)) $(module_us give-back)"
	r=$((r + 1))
done
measure after 1
