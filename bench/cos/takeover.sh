# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/takeover: run by ci/lab as the scenario (busybox sh).
# Measures each micro-benchmark of vmk-labtool in pairs close in time: without
# the vmkernel, then insmod (timed), with it, then rmmod (timed); ROUNDS
# pairs per benchmark, so that a change in the shared host's load hits both
# sides of a pair alike. After the last pair, each benchmark once more
# ("after": plain Linux again). Prints
#   bench-result PHASE ROUND NAME OPS_PER_SECOND    PHASE: without|with|after
#   bench-latency load|unload ROUND WALL_US MODULE_US
# (MODULE_US: the loader's own takeover/give-back figure from dmesg).
# Kernel command line: vmk.bench_seconds=N (per benchmark, default 3),
# vmk.bench_rounds=N (default 5), vmk.bench_cpu=N (CPU the benchmarks are
# pinned to, default 1).
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 3)
rounds=$(param rounds 5)
cpu=$(param cpu 1)
benches="cpu syscall fork pagefault"

run() { # run PHASE ROUND NAME
	out=$(vmk-labtool bench $3 "$seconds" "$cpu") || fail "bench $3 ($1, round $2): $out"
	echo "bench-result $1 $2 $3 ${out##* }"
}

# module_us PATTERN: the last "PATTERN N us" figure of the loader in dmesg.
module_us() { dmesg | sed -n "s/.*vmkload: .*$1 \([0-9]*\) us.*/\1/p" | tail -1; }

echo "bench-config seconds=$seconds rounds=$rounds cpu=$cpu kernel=$(uname -r)"
r=1
while [ "$r" -le "$rounds" ]; do
	for b in $benches; do
		run without $r $b
		t0=$(vmk-labtool now)
		vmk_load || { dmesg | tail -5; fail "bench: insmod vmkload failed in round $r"; }
		t1=$(vmk-labtool now)
		echo "bench-latency load $r $(((t1 - t0) / 1000)) $(module_us takeover)"
		[ "$r$b" = 1cpu ] && vmkctl status | sed 's/^/bench-status /'
		run with $r $b
		t0=$(vmk-labtool now)
		rmmod vmkload || fail "bench: rmmod vmkload failed in round $r"
		t1=$(vmk-labtool now)
		echo "bench-latency unload $r $(((t1 - t0) / 1000)) $(module_us give-back)"
	done
	r=$((r + 1))
done
for b in $benches; do run after 1 $b; done
