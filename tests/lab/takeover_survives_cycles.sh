# SPDX-License-Identifier: GPL-2.0-only
# Load/unload repeatedly with a short workload each time: every cycle takes
# over both CPUs and gives them back, and MemFree comes back within 1 MiB.
# timeout: 1500
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

CYCLES=${CYCLES:-50}
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(memfree_kib)
i=1
while [ $i -le $CYCLES ]; do
	vmk_load || fail "cycle $i: insmod"
	[ "$(status_field cpus)" = 2 ] || fail "cycle $i: not 2 CPUs under control"
	sh /lib/vmk/lab/workload.sh -t 1 -p "proc mem" > /tmp/cycle.log || { cat /tmp/cycle.log; fail "cycle $i: workload"; }
	rmmod vmkload || fail "cycle $i: rmmod"
	[ "$(cpuid_signature 0)" != "$VMK_SIGNATURE" ] || fail "cycle $i: signature left behind"
	i=$((i + 1))
done
echo "ok: $CYCLES load/unload cycles with a workload"
dmesg | grep -oE "(takeover|give-back) [0-9]+ us" > /tmp/lat.txt
for k in takeover give-back; do
	grep "^$k" /tmp/lat.txt | awk -v k=$k '{ n++; s += $2; if ($2 > m) m = $2 } END { if (n) printf "latency: %s mean %d us max %d us over %d\n", k, s / n, m, n }'
done
sync; echo 3 > /proc/sys/vm/drop_caches
after=$(memfree_kib)
echo "MemFree before $before kB, after $after kB"
expect "MemFree back within 1 MiB" test $((before - after)) -lt 1024
