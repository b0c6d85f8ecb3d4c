# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/hostd: run by ci/lab as the scenario (busybox sh), with
# bench/hostd's i386 programs in /lab/stage (hostd-client, esxsim). The COS
# loads the vmkernel with its init script, which starts vmk-hostd on port
# 443; govmomi's ESX simulator runs beside it on a port of its own, in the
# same COS. The same client (govmomi, i386) then measures each daemon in
# turn, ROUNDS times (pairs close in time, so the host's load hits both
# alike): RetrievePropertiesEx calls per second for SECONDS, and CYCLES
# PowerOnVM_Task latencies (vmk-hostd's of the cpu_spin VM "spin", which
# the vmkernel really starts; the simulator's of its first VM). Prints
#   bench-hostd LABEL KEY VALUE...
# Kernel command line: vmk.bench_seconds=N (default 10), vmk.bench_cycles=N
# (default 5), vmk.bench_rounds=N (default 3).
# needs: vmk-hostd
. /lib/vmk/lab.sh
. /lib/vmk/lab/hostd.sh

param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 10)
cycles=$(param cycles 5)
rounds=$(param rounds 3)
stage=/lab/stage
[ -x $stage/hostd-client ] && [ -x $stage/esxsim ] ||
	fail "bench/hostd's programs are not in $stage (run bench/hostd, not the scenario alone)"
echo "bench-hostd config seconds=$seconds cycles=$cycles rounds=$rounds"

hostd_load || fail "/etc/init.d/vmk start: vmkload, then vmk-hostd on port 443"
hostd_spin_vm_up || fail "the cpu_spin VM spin"
$stage/esxsim "$HOSTD_USER" "$HOSTD_PASSWORD" > /tmp/esxsim.port 2> /tmp/esxsim.log &
sim=$!
_end=$(($(date +%s) + 120))
until [ -s /tmp/esxsim.port ]; do
	kill -0 $sim 2>/dev/null && [ "$(date +%s)" -le $_end ] ||
		{ cat /tmp/esxsim.log; fail "govmomi's simulator did not start"; }
	sleep 1
done
sim_port=$(cat /tmp/esxsim.port)
echo "bench-hostd esxsim port $sim_port"

# measure LABEL PORT VM: one round of the client against one daemon.
measure() {
	$stage/hostd-client -addr 127.0.0.1:$2 -user "$HOSTD_USER" -password "$HOSTD_PASSWORD" \
		-vm "$3" -seconds "$seconds" -cycles "$cycles" -label "$1" ||
		fail "the client against $1"
}
r=1
while [ $r -le "$rounds" ]; do
	echo "bench-hostd round $r"
	measure vmk-hostd 443 spin
	measure esxsim "$sim_port" ""
	r=$((r + 1))
done
kill $sim
echo "bench-hostd vmk-hostd rss-kib $(awk '$1 == "VmRSS:" { print $2 }' /proc/$HOSTD_PID/status)"
vmkctl vm kill spin > /dev/null 2>&1 || true
vmkctl vm unregister spin > /dev/null 2>&1 || true
hostd_unload
