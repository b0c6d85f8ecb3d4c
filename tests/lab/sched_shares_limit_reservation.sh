# SPDX-License-Identifier: GPL-2.0-only
# The scheduler on one physical CPU, with spinner test worlds pinned to CPU 1
# (vmkload debug=1): shares 2000:1000 give CPU time 2:1 within 10% while the
# COS runs a workload next to them; a 25% limit holds within 5 percentage
# points next to an unlimited spinner and alone; an impossible reservation
# is refused. Times come from `vmkctl status` (the vmkernel's TSC clock).
# timeout: 400
# kernel: built
# boot: own
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

snap() { vmkctl status > /tmp/st || fail "vmkctl status"; }
# run_ms ID: CPU time of world ID so far; uptime_ms: the vmkernel's clock.
run_ms() { sed -n "s/^sched: $1 .* run-ms=\([0-9]*\) .*/\1/p" /tmp/st; }
uptime_ms() { awk '/^uptime:/ { printf "%d", $2 * 1000 }' /tmp/st; }
spin() { out=$(vmkctl debug spin "$@") || fail "vmkctl debug spin $*: $out"; echo "${out#world }"; }
# wait_vmk MS: let at least MS of the vmkernel's clock pass (the lab's
# `sleep` is no measure of it under TCG on a loaded host).
wait_vmk() {
	snap; w0=$(uptime_ms)
	while snap && [ $(($(uptime_ms) - w0)) -lt "$1" ]; do sleep 1; done
}
# mark ID...: start measuring; delta ID...: d_ID = its CPU ms since, dt = ms.
mark() { snap; t0=$(uptime_ms); for i in "$@"; do eval "r0_$i=$(run_ms "$i")"; done; }
delta() {
	snap; dt=$(($(uptime_ms) - t0))
	for i in "$@"; do eval "d_$i=\$(( \$(run_ms $i) - r0_$i ))"; done
	grep -E "^(sched|vcpu|cpu1)" /tmp/st
}
pct() { awk -v c="$1" -v t="$dt" 'BEGIN { printf "%.1f", 100 * c / t }'; }
# within VALUE LO HI: LO <= VALUE <= HI (decimals allowed)
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

expect "insmod vmkload debug=1" vmk_load debug=1

note "shares 2000:1000 on cpu1, the COS busy next to them"
a=$(spin a2000 cpu=1 shares=2000)
b=$(spin b1000 cpu=1 shares=1000)
wait_vmk 2000
mark $a $b
expect "COS workload (10 s) next to two spinners" sh /lib/vmk/lab/workload.sh -t 10 -p "proc timer"
delta $a $b
eval "da=\$d_$a db=\$d_$b"
ratio=$(awk -v a="$da" -v b="$db" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
echo "measured: shares 2000:1000 -> CPU time $da ms : $db ms in $dt ms, ratio $ratio (want 2 +- 10%)"
expect "CPU time ratio $ratio within 1.8..2.2" within "$ratio" 1.8 2.2
expect "spinners stop" vmkctl debug spin-stop

note "a 25% limit next to an unlimited spinner on cpu1"
c=$(spin lim25 cpu=1 max=25)
d=$(spin free cpu=1)
wait_vmk 2000
mark $c $d
wait_vmk 10000
delta $c $d
eval "dc=\$d_$c dd=\$d_$d"
echo "measured: limit 25% -> $(pct "$dc")% of cpu1 over $dt ms (the unlimited spinner: $(pct "$dd")%)"
expect "limited world at $(pct "$dc")% within 20..30%" within "$(pct "$dc")" 20 30
expect "spinners stop" vmkctl debug spin-stop

note "the 25% limit alone: the CPU idles the rest"
c=$(spin alone cpu=1 max=25)
wait_vmk 2000
mark $c
wait_vmk 5000
delta $c
eval "dc=\$d_$c"
echo "measured: limit 25% alone -> $(pct "$dc")% of cpu1 over $dt ms"
expect "limited world alone at $(pct "$dc")% within 20..30%" within "$(pct "$dc")" 20 30
expect "spinners stop" vmkctl debug spin-stop

note "admission control (2 CPUs = 200%, the COS keeps 10% per CPU)"
expect "a 95% reservation fits" spin r95 cpu=1 min=95
expect_fail "a second 95% reservation does not (20 + 95 + 95 > 200)" vmkctl debug spin r95b cpu=0 min=95
vmkctl debug spin r95b cpu=0 min=95 2>&1 | tee /tmp/refused
expect "the refusal says why" grep -q "reservation does not fit" /tmp/refused
expect_fail "a reservation above the limit is refused" vmkctl debug spin bad min=50 max=40
expect_fail "150% for one vCPU is refused" vmkctl debug spin big min=150
expect "vmkernel log names the reason" vmk_log_has "would exceed the machine"
expect "spinners stop" vmkctl debug spin-stop
expect "rmmod vmkload" rmmod vmkload
