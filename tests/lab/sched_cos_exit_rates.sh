# SPDX-License-Identifier: GPL-2.0-only
# The cost of owning the physical interrupt path: exits per second of the
# COS vCPUs, idle and under the lab workload, by kind (printed as
# "measured: ..."), while the workload passes.
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

# exits CPU KIND: that counter of `vmkctl status`.
exits() { sed -n "s/^cpu$1-exits:.* $2=\([0-9]*\).*/\1/p" /tmp/st; }
uptime_ms() { awk '/^uptime:/ { printf "%d", $2 * 1000 }' /tmp/st; }
snap() { vmkctl status > /tmp/st || fail "vmkctl status"; }
# rates LABEL: exits/s per CPU and kind since the last "mark".
mark() { snap; t0=$(uptime_ms); for c in 0 1; do for k in total intr vintr cpuid hlt; do eval "e_${c}_$k=$(exits $c $k)"; done; done; }
rates() {
	snap; t1=$(uptime_ms)
	for c in 0 1; do
		line="measured: $1 cpu$c exits/s:"
		for k in total intr vintr cpuid hlt; do
			eval "d=\$(( $(exits $c $k) - e_${c}_$k ))"
			line="$line $k=$((d * 1000 / (t1 - t0)))"
		done
		echo "$line"
	done
}

expect "insmod vmkload" vmk_load
mark; sleep 10; rates "idle COS"
mark
expect "COS workload (30 s)" sh /lib/vmk/lab/workload.sh -t 30
rates "busy COS (workload)"
grep "intr" /tmp/st
expect "rmmod vmkload" rmmod vmkload
