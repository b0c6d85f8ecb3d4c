# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/hostd: run by ci/lab as the scenario (busybox sh), with
# bench/hostd's i386 programs in /lab/stage (hostd-client, esxsim). The COS
# loads the vmkernel with its init script, which starts vmk-hostd on port
# 443; govmomi's ESX simulator runs beside it on a port of its own, in the
# same COS, and a second vmk-hostd with --fake-backend on port 8443 (VMs
# in memory: what the real backend costs). The same client (govmomi,
# i386) then measures each daemon in turn, ROUNDS times (pairs close in time, so the host's load hits both
# alike): RetrievePropertiesEx calls per second for SECONDS, and CYCLES
# PowerOnVM_Task latencies (vmk-hostd's of the cpu_spin VM "spin", which
# the vmkernel really starts; the simulator's of its first VM), and as
# many `vmkctl vm start spin` (the same start without the daemon). Prints
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
# The same daemon with --fake-backend (three VMs in memory) on another
# port: the difference to vmk-hostd is the real backend's work per call.
vmk-hostd --listen 127.0.0.1 --port 8443 --cert $HOSTD_DIR/rui.crt --key $HOSTD_DIR/rui.key \
	--passwd-file $HOSTD_DIR/shadow --fake-backend 2> /tmp/fake-hostd.log &
fake=$!
_end=$(($(date +%s) + 60))
until grep -q "vmk-hostd: serving" /tmp/fake-hostd.log; do
	kill -0 $fake 2>/dev/null && [ "$(date +%s)" -le $_end ] ||
		{ cat /tmp/fake-hostd.log; fail "vmk-hostd --fake-backend did not start"; }
	sleep 1
done

# measure LABEL PORT VM: one round of the client against one daemon.
measure() {
	$stage/hostd-client -addr 127.0.0.1:$2 -user "$HOSTD_USER" -password "$HOSTD_PASSWORD" \
		-vm "$3" -seconds "$seconds" -cycles "$cycles" -label "$1" ||
		fail "the client against $1"
}
r=1
while [ $r -le "$rounds" ]; do
	echo "bench-hostd round $r"
	# the same start without the daemon: vmkctl's and the vmkernel's share
	vmkctl vm kill spin > /dev/null 2>&1 || true
	$stage/hostd-client -label vmkctl -cycles "$cycles" -start-cmd "vmkctl vm start spin" \
		-stop-cmd "vmkctl vm kill spin" || fail "vmkctl vm start spin, timed"
	measure vmk-hostd 443 spin
	measure esxsim "$sim_port" ""
	measure fake-backend 8443 web
	r=$((r + 1))
done
kill $sim $fake
echo "bench-hostd vmk-hostd rss-kib $(awk '$1 == "VmRSS:" { print $2 }' /proc/$HOSTD_PID/status)"
vmkctl vm kill spin > /dev/null 2>&1 || true
vmkctl vm unregister spin > /dev/null 2>&1 || true
hostd_unload
