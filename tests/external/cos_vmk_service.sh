#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The COS's /etc/init.d/vmk stop (ci/cos-vmk-service) against fake
# vmk-hostd processes on the host: one that exits at SIGTERM; one that
# stays after SIGKILL (a zombie: its /proc folder stays as a process's in
# state D does) and holds no /dev/vmkernel, so the unload goes on; one
# that stays (kill made a no-op, as for a process asleep in the kernel)
# with the vmkernel's device open, so vmkload stays loaded. Each stop must
# come back (the old script waited for ever after SIGKILL) and say why.
# And the management address around a load with net=1: moved to vmk0,
# back to eth0 at the unload, after a failed load, when vmk0 is missing
# (the load is undone) and at a stop with vmkload gone.
# The script is sourced with VMK_SERVICE_LIB=1; vmkctl, loaded and
# hostd_start are stubs that log their calls.
# Env: RESULTS (log folder).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RESULTS=${RESULTS:-results/cos_vmk_service}
T=$(cd "$(mkdir -p "$RESULTS" && echo "$RESULTS")" && pwd)/work
rm -rf "$T"
mkdir -p "$T"
failures=0
pids=

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT
# a program named vmk-hostd, as the script's pid check wants
cp "$(command -v sleep)" "$T/vmk-hostd"
: > "$T/vmkernel"

# stop CASE UNLOAD_RC [KILL_NOOP]: vmk_stop against the pid in $T/pid with
# short waits; its output in $T/CASE.out, its calls in $T/CASE.calls, its
# status in $rc. timeout: a stop that never comes back fails.
stop() {
	: > "$T/$1.calls"
	timeout 60 sh -c '
		VMK_SERVICE_LIB=1
		. "$0/ci/cos-vmk-service"
		T=$1 CASE=$2 UNLOAD_RC=$3
		HOSTD_PIDFILE=$T/pid HOSTD_STOP_S=1 HOSTD_KILL_S=1 VMK_DEV=$T/vmkernel
		loaded() { return 0; }
		vmkctl() { echo "vmkctl $*" >> "$T/$CASE.calls"; return "$UNLOAD_RC"; }
		hostd_start() { echo hostd_start >> "$T/$CASE.calls"; }
		[ -n "$4" ] && kill() { :; }
		vmk_stop' "$TOP" "$T" "$1" "$2" "${3:-}" > "$T/$1.out" 2>&1
	rc=$?
	sed "s/^/# $1: /" "$T/$1.out"
}

# fake: a vmk-hostd that sleeps, with the open files of this shell; its
# pid in $p and in the pid file
fake() {
	"$T/vmk-hostd" 1000 >/dev/null 2>&1 &
	p=$!; pids="$pids $p"
	echo "$p" > "$T/pid"
}

has() { grep -q -- "$2" "$T/$1.out" || fail "$1: no '$2' in its output"; }
called() { grep -qxF -- "$2" "$T/$1.calls" || fail "$1: '$2' not called"; }
not_called() { ! grep -qxF -- "$2" "$T/$1.calls" || fail "$1: '$2' called"; }

# 1. a vmk-hostd that exits at SIGTERM; the unload is refused (VMs run):
# it is started again
fake
stop exits 1
[ $rc = 1 ] || fail "exits: status $rc, not 1 (the unload's)"
has exits "vmk-hostd stopped"
[ ! -d /proc/$p ] || [ "$(cut -d' ' -f3 /proc/$p/stat)" = Z ] || fail "exits: pid $p runs on"
[ ! -e "$T/pid" ] || fail "exits: pid file kept"
called exits "vmkctl unload"
called exits hostd_start

# 2. one that stays after SIGKILL, a zombie its parent never reaps, with
# no device open: named with its state, and the unload goes on; no new
# vmk-hostd (the one there would still hold the port)
rm -f "$T/pid"
sh -c '"$0" 1000 & echo $! > "$1.new"; mv "$1.new" "$1"; exec sleep 1000' \
	"$T/vmk-hostd" "$T/pid" >/dev/null 2>&1 &
pids="$pids $!"
while [ ! -s "$T/pid" ]; do sleep 0.1; done
p=$(cat "$T/pid"); pids="$pids $p"
stop zombie 1
[ $rc = 1 ] || fail "zombie: status $rc, not 1 (the unload's)"
has zombie "pid $p) is still there 1 s after SIGKILL (state Z"
called zombie "vmkctl unload"
not_called zombie hostd_start
[ -e "$T/pid" ] || fail "zombie: pid file of a vmk-hostd still there removed"

# 3. one that stays (kill does nothing, as for a process asleep in the
# kernel) with the vmkernel's device open: no unload, and the stop fails
exec 3< "$T/vmkernel"
fake
exec 3<&-
stop holds 0 kill-noop
[ $rc = 1 ] || fail "holds: status $rc, not 1"
has holds "pid $p) is still there 1 s after SIGKILL (state S"
has holds "it has $T/vmkernel open"
has holds "vmkload stays loaded"
not_called holds "vmkctl unload"
not_called holds hostd_start

# 4. the same without the device open: the unload goes on
fake
stop nodev 0 kill-noop
[ $rc = 0 ] || fail "nodev: status $rc, not 0 (the unload's)"
has nodev "pid $p) is still there"
called nodev "vmkctl unload"

# boot CASE CMDLINE [CONF]: vmk_boot (the boot command) with that kernel
# command line and, when given, a vmkload.conf of those words; insmod,
# loaded and hostd_start are stubs that log their calls.
boot() {
	: > "$T/$1.calls"
	echo "$2" > "$T/$1.cmdline"
	rm -f "$T/$1.conf"
	[ -z "${3:-}" ] || echo "$3" > "$T/$1.conf"
	timeout 60 sh -c '
		VMK_SERVICE_LIB=1
		. "$0/ci/cos-vmk-service"
		T=$1 CASE=$2
		VMK_CMDLINE=$T/$CASE.cmdline VMK_CONF=$T/$CASE.conf
		loaded() { return 1; }
		insmod() { echo "insmod $*" >> "$T/$CASE.calls"; }
		hostd_start() { echo hostd_start >> "$T/$CASE.calls"; }
		vmk_boot' "$TOP" "$T" "$1" > "$T/$1.out" 2>&1
	rc=$?
	sed "s/^/# $1: /" "$T/$1.out"
}

# 5. the boot: vmkload.conf's words are insmod's parameters, then vmk-hostd
boot conf "BOOT_IMAGE=/vmlinuz console=ttyS0 quiet" "mem_mb=200 storage=1"
[ $rc = 0 ] || fail "conf: status $rc, not 0"
called conf "insmod /lib/modules/$(uname -r)/extra/vmkload.ko mem_mb=200 storage=1"
called conf hostd_start
# 6. vmk.noload on the command line: plain Linux, whatever the file says
boot noload "console=ttyS0 vmk.noload quiet" "mem_mb=200"
[ $rc = 0 ] || fail "noload: status $rc, not 0"
has noload "vmk.noload on the kernel command line"
[ -s "$T/noload.calls" ] && fail "noload: called $(cat "$T/noload.calls")"
# 7. no vmkload.conf: nothing is loaded, and it says so
boot noconf "console=ttyS0"
[ $rc = 0 ] || fail "noconf: status $rc, not 0"
has noconf "no $T/noconf.conf: the vmkernel is not loaded at boot"
[ -s "$T/noconf.calls" ] && fail "noconf: called $(cat "$T/noconf.calls")"
# 7b. vmk.noload=1 counts, vmk.noload=0 does not; a * is not a file pattern
boot noload1 "console=ttyS0 * vmk.noload=1" "mem_mb=200"
has noload1 "vmk.noload=1 on the kernel command line"
[ -s "$T/noload1.calls" ] && fail "noload1: called $(cat "$T/noload1.calls")"
boot noload0 "vmk.noload=0 *" "mem_mb=32 *"
called noload0 "insmod /lib/modules/$(uname -r)/extra/vmkload.ko mem_mb=32 *"
# 8. a word that only contains vmk.noload does not count
boot near "vmk.noloadx xvmk.noload" "mem_mb=64"
called near "insmod /lib/modules/$(uname -r)/extra/vmkload.ko mem_mb=64"

# mgmt CASE COMMAND INSMOD_RC [PARAM...]: COMMAND (vmk_start or vmk_stop)
# with the management interface eth0 (up, 10.0.2.15/24, gateway 10.0.2.2)
# on the NIC 0000:00:03.0; ip, ls of the NIC's net folder, insmod, vmkctl
# and hostd_start are stubs that log their calls; insmod answers
# INSMOD_RC; vmk0 exists when $T/CASE.net/vmk0 does, vmkload is loaded when
# $T/CASE.loaded does.
mgmt() {
	_case=$1 _cmd=$2 _insmod=$3
	shift 3
	: > "$T/$_case.calls"
	timeout 60 sh -c '
		VMK_SERVICE_LIB=1
		. "$0/ci/cos-vmk-service"
		T=$1 CASE=$2 CMD=$3 INSMOD_RC=$4
		shift 4
		VMK_MGMT=$T/$CASE.mgmt VMK_COS_NIC=$T/$CASE.net/vmk0 VMK_NIC_BACK_S=1
		loaded() { [ -e "$T/$CASE.loaded" ]; }
		insmod() { echo "insmod $*" >> "$T/$CASE.calls"; return "$INSMOD_RC"; }
		vmkctl() { echo "vmkctl $*" >> "$T/$CASE.calls"; }
		hostd_start() { echo hostd_start >> "$T/$CASE.calls"; }
		hostd_stop() { return 0; }
		ls() { [ "$1" = /sys/bus/pci/devices/0000:00:03.0/net ] && echo eth0; }
		ip() {
			case "$*" in
			"link show dev eth0") echo "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500" ;;
			"-4 -o addr show dev eth0") echo "2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0" ;;
			"route show default dev eth0") echo "default via 10.0.2.2 dev eth0" ;;
			*) echo "ip $*" >> "$T/$CASE.calls" ;;
			esac
		}
		$CMD "$@"' "$TOP" "$T" "$_case" "$_cmd" "$_insmod" "$@" > "$T/$_case.out" 2>&1
	rc=$?
	sed "s/^/# $_case: /" "$T/$_case.out"
}

# 9. a load with net=1: eth0 goes down, its address and route go to vmk0
mkdir -p "$T/up.net" && touch "$T/up.net/vmk0"
mgmt up vmk_start 0 net=1 net_pci=00:03.0
[ $rc = 0 ] || fail "up: status $rc, not 0"
called up "ip link set eth0 down"
called up "ip addr replace 10.0.2.15/24 dev vmk0"
called up "ip route replace default via 10.0.2.2 dev vmk0"
called up hostd_start
[ -f "$T/up.mgmt" ] || fail "up: nothing kept for the unload"
# 10. the unload gives them back to eth0, which the NIC's driver makes again
mv "$T/up.calls" "$T/up-load.calls"
touch "$T/up.loaded"
mgmt up vmk_stop 0
[ $rc = 0 ] || fail "up (stop): status $rc, not 0"
called up "vmkctl unload"
called up "ip addr replace 10.0.2.15/24 dev eth0"
called up "ip route replace default via 10.0.2.2 dev eth0"
[ ! -f "$T/up.mgmt" ] || fail "up (stop): the kept address file stays"
# 11. a load that fails (eth0 down, its address kept, its route gone):
# both back on eth0, replaced, and no vmk-hostd
mgmt failed vmk_start 1 net=1 net_pci=00:03.0 mem_mb=99999
[ $rc = 1 ] || fail "failed: status $rc, not 1"
called failed "ip link set eth0 up"
called failed "ip addr replace 10.0.2.15/24 dev eth0"
called failed "ip route replace default via 10.0.2.2 dev eth0"
not_called failed hostd_start
# 12. a load without vmk0: unloaded again rather than leave the address nowhere
mgmt novmk0 vmk_start 0 net=1 net_pci=00:03.0
[ $rc = 1 ] || fail "novmk0: status $rc, not 1"
has novmk0 "no management address on vmk0"
called novmk0 "vmkctl unload"
called novmk0 "ip route replace default via 10.0.2.2 dev eth0"
not_called novmk0 hostd_start
# 13. net_pci= without net=1: eth0 is left alone
mgmt nonet vmk_start 0 net_pci=00:03.0
not_called nonet "ip link set eth0 down"
# 13b. net (a bool parameter without =1) counts as net=1
mgmt netbool vmk_start 0 net net_pci=00:03.0
called netbool "ip link set eth0 down"
# 13c. an address kept by an earlier load does not undo a load without
# net=1 (which makes no vmk0)
echo "0000:00:03.0 eth0 10.0.2.15/24 10.0.2.2" > "$T/stale.mgmt"
mgmt stale vmk_start 0 mem_mb=64
[ $rc = 0 ] || fail "stale: status $rc, not 0"
not_called stale "vmkctl unload"
called stale hostd_start
# 14. a stop with vmkload gone (rmmod by hand) and an address still kept
echo "0000:00:03.0 eth0 10.0.2.15/24 10.0.2.2" > "$T/left.mgmt"
mgmt left vmk_stop 0
called left "ip addr replace 10.0.2.15/24 dev eth0"
not_called left "vmkctl unload"

[ $failures = 0 ] && echo "PASS: cos_vmk_service" && exit 0
echo "FAIL: cos_vmk_service: $failures failures"
exit 1
