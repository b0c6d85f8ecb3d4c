# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the vmkernel's lab scenarios, installed in the COS as
# /lib/vmk/lab/vmk.sh (busybox sh). Source after /lib/vmk/lab.sh.

VMK_SIGNATURE=vmkernel-vmk	# include/vmk/hypercall.h, VMK_CPUID_SIGNATURE

# cpuid LEAF [CPU]: "eax ebx ecx edx" in hex, through /dev/cpu/N/cpuid.
cpuid() {
	dd if=/dev/cpu/${2:-0}/cpuid bs=16 count=1 iflag=skip_bytes \
		skip=$(($1)) 2>/dev/null | od -An -tx4 | tr -s ' ' | sed 's/^ //'
}

# cpuid_signature [CPU]: the 12-byte signature of CPUID leaf 0x40000000.
cpuid_signature() {
	dd if=/dev/cpu/${1:-0}/cpuid bs=16 count=1 iflag=skip_bytes \
		skip=$((0x40000000)) 2>/dev/null | dd bs=1 skip=4 count=12 2>/dev/null
}

# svm_visible [CPU]: succeeds when CPUID 0x80000001 ECX shows SVM (bit 2).
svm_visible() {
	ecx=$(cpuid 0x80000001 "$1" | cut -d' ' -f3)
	[ $((0x$ecx & 4)) -ne 0 ]
}

# status_field KEY: the value of "KEY: value" in `vmkctl status`.
status_field() { vmkctl status | sed -n "s/^$1: //p"; }

memfree_kib() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }

# The vmkernel's first pool chunk, from the loader's dmesg line.
vmk_image_pa() { dmesg | sed -n 's/.*vmkload: vmkernel memory: .* image at \(0x[0-9a-f]*\).*/\1/p' | tail -1; }

vmk_load() { insmod "$VMK_MODULES/vmkload.ko" "$@"; }
vmk_loaded() { grep -q '^vmkload ' /proc/modules; }

# dmesg_has PATTERN / vmk_log_has PATTERN: grep the whole output (no -q on
# a pipe: the writer's SIGPIPE would fail the pipeline under pipefail).
dmesg_has() { dmesg > /tmp/vmk-dmesg.txt; grep -q "$1" /tmp/vmk-dmesg.txt; }
vmk_log_has() { vmkctl log > /tmp/vmk-log.txt && grep -q "$1" /tmp/vmk-log.txt; }
# vmkload_lines: the distinct "vmkload: " lines in dmesg (busybox insmod
# retries init_module after finit_module fails, so a line can appear twice).
vmkload_lines() { dmesg | grep "vmkload: " | grep -v "taints kernel" | sed 's/^\[[^]]*\] //' | sort -u; }
vmkload_says() { vmkload_lines > /tmp/vmk-lines.txt; grep -q "$1" /tmp/vmk-lines.txt; }

# After a vmkernel panic handed every CPU back: no CPU shows the vmkernel,
# the COS runs its workload, and the module unloads, loads and unloads again.
expect_cos_runs_on_after_panic() {
	for cpu in 0 1; do
		expect "cpu$cpu has no vmkernel signature" test "$(cpuid_signature $cpu)" != "$VMK_SIGNATURE"
	done
	expect "the COS runs on after the panic" sh /lib/vmk/lab/workload.sh -t 10 -p "proc mem"
	expect "rmmod after a panic" rmmod vmkload
	expect "load again" vmk_load
	expect "and unload" rmmod vmkload
}

# cos_lun_disk TARGET: the COS's block device (sdX) of the lab HBA's disk
# on TARGET, once its driver has it (up to 10 s); empty if it does not.
cos_lun_disk() {
	for _i in $(seq 1 100); do
		_sd=$(for _b in /sys/block/sd*; do
			case "$(basename "$(readlink "$_b/device")")" in *:0:$1:0) basename "$_b" ;; esac
		done 2>/dev/null)
		[ -n "$_sd" ] && break
		sleep 0.1
	done
	echo "$_sd"
}
