# SPDX-License-Identifier: GPL-2.0-only
# The COS workload of the lab: for a given time, keep every part of the
# machine the vmkernel takes over busy, and check each part's results.
# Installed in the COS as /lib/vmk/lab/workload.sh (busybox sh).
#
#   sh /lib/vmk/lab/workload.sh [-t SECONDS] [-p "PARTS"] [-d DISK] [-o MIB]
#     -t  how long (default 60; every part does at least one round)
#     -p  parts to run, from: proc mem disk net timer (default: all)
#     -d  the raw disk the disk part overwrites (default /dev/sdb, a lab LUN)
#     -o  MiB offset of this run's 64 MiB region on DISK (default 0), so that
#         workloads running at the same time do not share blocks
#
#   proc   fork/exec on every CPU (taskset), pipelines, exit statuses
#   mem    64 MiB anonymous memory with an address-dependent pattern,
#          8 MiB files in the COS's RAM file system
#   disk   4 MiB random blocks written and read back with O_DIRECT, sha256
#   net    ICMP to the QEMU gateway (1200-byte payloads), a TCP exchange
#          with it (refused, i.e. a RST came back), and, when the kernel
#          command line has vmk.mgmt_port=PORT (the host port ci/lab forwards
#          to COS port 902), 1 MiB echoed through the host and verified
#   timer  10 sleeps of 20 ms pinned to each CPU (SCHED_FIFO): never early,
#          at most VMK_WORKLOAD_MAX_LATE_MS (default 3000) late. Without the
#          vmkernel, with the other parts running and the shared 2-core host
#          busy (load 5-7), sleeps were seen up to 1019 ms late; a lost
#          timer or wake-up interrupt leaves a sleeper asleep far longer
#          (minutes were seen), which the limit and the hang check catch.
#
# A part still running VMK_WORKLOAD_GRACE_S (default 120) after the end is
# reported as hung, with the user tasks' states and CPUs and the per-CPU
# interrupt counts.
#
# Prints one line per part ("workload: disk ok, 12 rounds") and exits 0, or
# prints "FAIL: workload: PART: what" for each part that failed and exits 1.

duration=60 parts="proc mem disk net timer" disk=/dev/sdb disk_off=0
while getopts t:p:d:o: opt; do
	case $opt in
	t) duration=$OPTARG ;;
	p) parts=$OPTARG ;;
	d) disk=$OPTARG ;;
	o) disk_off=$OPTARG ;;
	*) echo "FAIL: workload: usage: workload.sh [-t SECONDS] [-p PARTS] [-d DISK] [-o MIB]"; exit 2 ;;
	esac
done
labtool=vmk-labtool
gateway=10.0.2.2
ncpus=$(grep -c ^processor /proc/cpuinfo)
max_late=${VMK_WORKLOAD_MAX_LATE_MS:-3000}
region_mib=64 block_mib=4
dir=$(mktemp -d /tmp/workload.XXXXXX) || { echo "FAIL: workload: no temporary folder"; exit 1; }
deadline=$(($(date +%s) + duration))

# part_fail PART MESSAGE: record why a part failed; the part then stops.
part_fail() { echo "$2" > "$dir/$1.fail"; return 1; }
# more_rounds N: another round while time is left (always a first round).
more_rounds() { [ "$1" = 0 ] || [ "$(date +%s)" -lt "$deadline" ]; }

part_proc() {
	n=0
	while more_rounds $n; do
		cpu=0
		while [ $cpu -lt "$ncpus" ]; do
			ran_on=$(taskset -c $cpu awk '{ print $39 }' /proc/self/stat) ||
				{ part_fail proc "taskset -c $cpu could not run a program"; return; }
			[ "$ran_on" = $cpu ] ||
				{ part_fail proc "a program pinned to CPU $cpu ran on CPU $ran_on"; return; }
			taskset -c $cpu sh -c 'exit 37'
			rc=$?
			[ $rc = 37 ] || { part_fail proc "a child on CPU $cpu exited $rc, not 37"; return; }
			cpu=$((cpu + 1))
		done
		i=0
		while [ $i -lt 20 ]; do
			/bin/true || { part_fail proc "/bin/true failed"; return; }
			i=$((i + 1))
		done
		sum=$(seq 1 500 | sort -rn | awk '{ s += $1 } END { print s }')
		[ "$sum" = 125250 ] || { part_fail proc "a pipeline summed 1..500 to '$sum', not 125250"; return; }
		n=$((n + 1))
	done
	echo "workload: proc ok, $n rounds"
}

part_mem() {
	n=0
	while more_rounds $n; do
		out=$($labtool mem 64M 1 2>&1) || { part_fail mem "$out"; return; }
		dd if=/dev/urandom of="$dir/mem.a" bs=1M count=8 2>/dev/null ||
			{ part_fail mem "cannot write 8 MiB to the RAM file system"; return; }
		cp "$dir/mem.a" "$dir/mem.b"
		cmp -s "$dir/mem.a" "$dir/mem.b" ||
			{ part_fail mem "a copy of an 8 MiB file in the RAM file system differs"; return; }
		rm -f "$dir/mem.a" "$dir/mem.b"
		n=$((n + 1))
	done
	echo "workload: mem ok, $n rounds"
}

part_disk() {
	[ -b "$disk" ] || { part_fail disk "$disk is not a block device"; return; }
	n=0
	while more_rounds $n; do
		seek=$((disk_off + (n * block_mib) % region_mib))
		dd if=/dev/urandom of="$dir/blk" bs=1M count=$block_mib 2>/dev/null
		want=$(sha256sum < "$dir/blk")
		dd if="$dir/blk" of="$disk" bs=1M seek=$seek oflag=direct conv=notrunc,fsync 2>/dev/null ||
			{ part_fail disk "writing $block_mib MiB at MiB $seek of $disk failed"; return; }
		got=$(dd if="$disk" bs=1M skip=$seek count=$block_mib iflag=direct 2>/dev/null | sha256sum)
		[ "$got" = "$want" ] ||
			{ part_fail disk "$block_mib MiB read back from MiB $seek of $disk differ from what was written"; return; }
		n=$((n + 1))
	done
	rm -f "$dir/blk"
	echo "workload: disk ok, $n rounds on $disk (MiB $disk_off..$((disk_off + region_mib)))"
}

part_net() {
	port=$(sed -n 's/.*vmk\.mgmt_port=\([0-9]*\).*/\1/p' /proc/cmdline)
	if [ -n "$port" ]; then
		$labtool tcp-echo 902 2>/dev/null &
		echo_pid=$!
		$labtool sleep 1
	fi
	n=0 tcp=""
	while more_rounds $n; do
		out=$(ping -c 3 -s 1200 -W 5 $gateway 2>&1)
		echo "$out" | grep -q "3 packets received" ||
			{ part_fail net "ICMP to the gateway $gateway: $(echo "$out" | tail -2 | tr '\n' ' ')"; break; }
		out=$(nc -w 5 $gateway 9 </dev/null 2>&1)
		echo "$out" | grep -q "Connection refused" ||
			{ part_fail net "TCP to $gateway:9 got no answer (want a RST): $out"; break; }
		if [ -n "$port" ]; then
			out=$($labtool tcp-check $gateway "$port" 1M 2>&1) ||
				{ part_fail net "TCP echo through the host port $port: $out"; break; }
			tcp=", 1 MiB TCP echo through host port $port"
		fi
		n=$((n + 1))
	done
	[ -n "$port" ] && kill $echo_pid 2>/dev/null
	[ -f "$dir/net.fail" ] && return 1
	[ -n "$port" ] || tcp=" (no vmk.mgmt_port on the kernel command line: no TCP data check)"
	echo "workload: net ok, $n rounds$tcp"
}

part_timer() {
	n=0 worst=0
	while more_rounds $n; do
		cpu=0
		while [ $cpu -lt "$ncpus" ]; do
			out=$($labtool timer $cpu 10 20 "$max_late" 2>&1) || { part_fail timer "$out"; return; }
			late=$(echo "$out" | sed -n 's/.*max \([0-9]*\) us.*/\1/p')
			[ "${late:-0}" -gt $worst ] && worst=$late
			cpu=$((cpu + 1))
		done
		n=$((n + 1))
	done
	echo "workload: timer ok, $n rounds of 10 sleeps of 20 ms on each of $ncpus CPUs, at most $((worst / 1000)) ms late"
}

# hung_report: what a person needs to see why parts hang: user tasks with
# their state and last CPU, and whether each CPU still takes timer and
# rescheduling interrupts.
hung_report() {
	echo "--- workload: user tasks (pid state cpu command):"
	for d in /proc/[0-9]*; do
		grep -q . "$d/cmdline" 2>/dev/null && awk '{ print "    " $1, $3, $39, $2 }' "$d/stat" 2>/dev/null
	done
	grep -E "LOC|RES|CAL" /proc/interrupts
	$labtool sleep 2
	grep -E "LOC|RES|CAL" /proc/interrupts
	dmesg | tail -20
}

for part in $parts; do
	case $part in
	proc|mem|disk|net|timer) ;;
	*) echo "FAIL: workload: no part '$part' (proc mem disk net timer)"; exit 2 ;;
	esac
	( "part_$part"; echo $? > "$dir/$part.rc" ) &
done
# Wait for every part, but not forever: a part still running
# VMK_WORKLOAD_GRACE_S (default 120) seconds after the end is hung (an I/O or
# a timer that never completes) and is reported as such.
give_up=$((deadline + ${VMK_WORKLOAD_GRACE_S:-120}))
while :; do
	running=""
	for part in $parts; do [ -f "$dir/$part.rc" ] || running="$running $part"; done
	[ -z "$running" ] && break
	if [ "$(date +%s)" -ge "$give_up" ]; then
		for part in $running; do
			echo "FAIL: workload: $part still running $((give_up - deadline)) s after the end (hung?)"
		done
		hung_report
		exit 1
	fi
	$labtool sleep 1
done

rc=0
for part in $parts; do
	if [ -f "$dir/$part.fail" ]; then
		echo "FAIL: workload: $part: $(sed 's/^FAIL: //' "$dir/$part.fail")"
		rc=1
	elif [ "$(cat "$dir/$part.rc" 2>/dev/null)" != 0 ]; then
		echo "FAIL: workload: $part ended with status $(cat "$dir/$part.rc" 2>/dev/null || echo "none (killed?)")"
		rc=1
	fi
done
rm -rf "$dir"
[ $rc = 0 ] && echo "workload: all parts ok ($parts) for ${duration}s on $ncpus CPUs"
exit $rc
