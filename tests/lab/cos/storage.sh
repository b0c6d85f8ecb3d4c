# SPDX-License-Identifier: GPL-2.0-only
# Lab helpers for the storage scenarios (sourced as /lib/vmk/lab/storage.sh).

# rescan_until PATTERN: rescan until the output has PATTERN (the host acts
# within about a second); the last output in /tmp/rescan.txt.
rescan_until() {
	for _i in $(seq 1 20); do
		vmkctl storage rescan > /tmp/rescan.txt 2>&1
		grep -q "$1" /tmp/rescan.txt && return 0
		sleep 1
	done
	return 1
}

# disk_for TARGET: the COS's sdX of target TARGET on the HBA (scsi id H:0:T:0).
disk_for() {
	for b in /sys/block/sd*; do
		case "$(basename "$(readlink "$b/device")")" in *:0:$1:0) basename "$b" ;; esac
	done 2>/dev/null
	return 0
}

# wait_for_disk TARGET, wait_for_no_disk TARGET: up to 10 s for the COS's
# disk of TARGET to appear or to go.
wait_disk_test() {
	for _i in $(seq 1 100); do
		[ "$2" "$(disk_for "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_for_disk() { wait_disk_test "$1" -n; }
wait_for_no_disk() { wait_disk_test "$1" -z; }
