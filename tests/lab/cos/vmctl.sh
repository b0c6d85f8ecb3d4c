# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the lab's vm_* scenarios that drive VMs with `vmkctl vm`
# (sourced after /lib/vmk/lab.sh). Console output is printed, so the
# scenario's log shows what each guest said.

VM_GUESTS=/lib/vmk/guests

# vm_field NAME KEY: the value of "KEY: value" in `vmkctl vm info NAME`.
vm_field() { vmkctl vm info "$1" 2>/dev/null | sed -n "s/^$2: //p"; }

# vm_wait_state NAME STATE SECONDS: until the VM is in STATE (wall clock:
# a loaded lab makes each vmkctl call slow).
vm_wait_state() {
	_end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -le $_end ]; do
		[ "$(vm_field "$1" state)" = "$2" ] && return 0
		sleep 0.25
	done
	return 1
}

# vm_start_refused DESCRIPTION NAME FILE TEXT: register FILE as NAME; its
# start must fail with TEXT in what vmkctl says, and the VM not run.
vm_start_refused() {
	expect "register $2" vmkctl vm register "$3"
	vmkctl vm start "$2" > /tmp/refused-$2.txt 2>&1 && fail "$1: vm start succeeded"
	cat /tmp/refused-$2.txt
	expect "$1, saying why" grep -q "$4" /tmp/refused-$2.txt
	expect "$2 is not running" test "$(vm_field "$2" state)" != running
}

# vm_wait_stopped NAME SECONDS: until the VM is no longer running.
vm_wait_stopped() {
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -le $_end ]; do
		[ "$(vm_field "$1" state)" != running ] && return 0
		sleep 0.25
	done
	return 1
}

# vm_console_expect DESCRIPTION NAME SECONDS TEXT [SEND]: type SEND (if
# given), then TEXT must appear on the VM's COM1 within SECONDS.
vm_console_expect() {
	_d=$1 _n=$2 _t=$3 _e=$4
	if [ $# -ge 5 ]; then
		vmkctl vm console "$_n" --send "$5" --expect "$_e" --timeout "$_t" || fail "$_d"
	else
		vmkctl vm console "$_n" --expect "$_e" --timeout "$_t" || fail "$_d"
	fi
	echo
	echo "ok: $_d"
}

# vm_run NAME COMMAND TEXT [SECONDS]: type COMMAND into NAME's shell; TEXT
# must appear (write TEXT so that the typed command does not contain it).
vm_run() { vm_console_expect "$1: $2" "$1" "${4:-60}" "$3" "$2\\n"; }

# vm_link_disks NAME: in the guest, /dev/tN for its disk at SCSI target
# N (0..2): Linux names disks in the order its asynchronous probes end,
# not by target, so sda is not always scsi0:0.
vm_link_disks() {
	vm_run "$1" 'for t in 0 1 2; do d=/sys/bus/scsi/devices/0:0:$t:0/block; [ -d $d ] && ln -s /dev/$(ls $d) /dev/t$t; done; echo L$((1+1))' \
		"L2" 60
}

# vm_capture NAME COMMAND TEXT SECONDS FILE: vm_run, the guest's output
# (carriage returns removed) also in FILE for the checks.
vm_capture() {
	vmkctl vm console "$1" --send "$2\\n" --expect "$3" --timeout "$4" > "$5.raw"
	_rc=$?
	tr -d '\r' < "$5.raw" > "$5"
	cat "$5"; echo
	[ $_rc = 0 ] || fail "$1: '$3' did not appear after: $2"
	echo "ok: $1: $2"
}

# vm_bios_disk_vmx FILE NAME MEMSIZE LUN [EXTRA-LINE]...: a .vmx of a
# 1-vCPU BIOS VM (no kernel: SeaBIOS boots the disk) whose scsi0:0 is LUN.
vm_bios_disk_vmx() {
	_f=$1 _n=$2 _m=$3 _l=$4
	shift 4
	{
		echo 'config.version = "8"'
		echo 'virtualHW.version = "4"'
		echo "displayName = \"$_n\""
		echo "memsize = \"$_m\""
		echo 'numvcpus = "1"'
		echo 'vmk.boot = "bios"'
		echo 'scsi0.present = "TRUE"'
		echo 'scsi0.virtualDev = "pvscsi"'
		echo 'scsi0:0.present = "TRUE"'
		echo "scsi0:0.fileName = \"$_l\""
		for _x in "$@"; do echo "$_x"; done
	} > "$_f"
}

# vm_make_vmx FILE NAME MEMSIZE VCPUS KERNEL [INITRD [CMDLINE]] [EXTRA-LINE]...:
# a .vmx for the lab (linux boot when an initrd is given, else multiboot).
vm_make_vmx() {
	_f=$1 _n=$2 _m=$3 _v=$4 _k=$5 _i=${6:-} _c=${7:-}
	shift 7 2>/dev/null || shift $#
	{
		echo 'config.version = "8"'
		echo 'virtualHW.version = "4"'
		echo "displayName = \"$_n\""
		echo "memsize = \"$_m\""
		echo "numvcpus = \"$_v\""
		if [ -n "$_i" ]; then
			echo 'vmk.boot = "linux"'
			echo "vmk.initrd = \"$_i\""
		else
			echo 'vmk.boot = "multiboot"'
		fi
		echo "vmk.kernel = \"$_k\""
		[ -z "$_c" ] || echo "vmk.cmdline = \"$_c\""
		for _l in "$@"; do echo "$_l"; done
	} > "$_f"
}

# vm_make_linux_vmx FILE NAME MEMSIZE VCPUS [EXTRA-LINE]...: the stock
# Linux guest (ci/guest-image) as a VM.
vm_make_linux_vmx() {
	_lf=$1 _ln=$2 _lm=$3 _lv=$4
	shift 4
	vm_make_vmx "$_lf" "$_ln" "$_lm" "$_lv" $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
		"console=ttyS0" "$@"
}

# vm_make_disks_vmx FILE NAME MEMSIZE DISK...: a 1-vCPU stock Linux VM
# whose PVSCSI adapter has the DISKs (.vmdk paths, "[LABEL] DIR/X.vmdk"
# or LUNs) as scsi0:0, scsi0:1, ...
vm_make_disks_vmx() {
	_df=$1 _dn=$2 _dm=$3
	shift 3
	vm_make_vmx "$_df" "$_dn" "$_dm" 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
		"console=ttyS0 no_timer_check" \
		'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"'
	_dk=0
	for _d in "$@"; do
		echo "scsi0:$_dk.present = \"TRUE\"" >> "$_df"
		echo "scsi0:$_dk.fileName = \"$_d\"" >> "$_df"
		_dk=$((_dk + 1))
	done
}

# vm_disks_boot NAME MEMSIZE DISK...: a stock Linux VM with the DISKs
# (vm_make_disks_vmx, /tmp/NAME.vmx) registered, started, at its shell
# and with /dev/tN linked (vm_link_disks).
vm_disks_boot() {
	_bn=$1
	shift
	vm_make_disks_vmx /tmp/$_bn.vmx "$_bn" "$@"
	vm_up "$_bn" /tmp/$_bn.vmx
	vm_console_expect "$_bn boots to its shell" "$_bn" 300 "vmk-guest: shell ready"
	vm_link_disks "$_bn"
}

# vm_make_guest_vmx FILE NAME TEST-GUEST [EXTRA-LINE]...: a tests/guest
# kernel (cpu_spin, hostile_*) as a 16 MiB, 1-vCPU multiboot VM.
vm_make_guest_vmx() {
	_gf=$1 _gn=$2 _gk=$3
	shift 3
	vm_make_vmx "$_gf" "$_gn" 16 1 $VM_GUESTS/$_gk.elf "" "" "$@"
}

# vm_up NAME FILE: register and start.
vm_up() {
	expect "register $1" vmkctl vm register "$2"
	expect "start $1" vmkctl vm start "$1"
}

# vmkernel_alive: the vmkernel answers and has not panicked.
vmkernel_alive() { [ "$(status_field state)" = running ]; }

# cpu_spin_progress NAME SECONDS: a cpu_spin VM printed a new count.
cpu_spin_progress() {
	vmkctl vm console "$1" --expect "cpu_spin: " --timeout "$2" >/dev/null &&
		vmkctl vm console "$1" --expect "cpu_spin: " --timeout "$2" >/dev/null
}

# vm_hostile_check NAME GUEST SECONDS MARKER: run the hostile test guest
# GUEST as VM NAME next to a cpu_spin witness VM; MARKER must appear on its
# COM1 (it got that far), then within SECONDS it must stop or error, or be
# still running (a guest that loops with interrupts off), and in every case
# the vmkernel, the COS and the witness must be fine. An ERROR or OFF VM
# must carry its reason in `vmkctl vm info` and in the vmkernel log. The
# witness keeps running (the caller unloads with --force).
vm_hostile_check() {
	_hn=$1 _hg=$2 _hs=$3 _hm=$4
	vm_make_guest_vmx /tmp/witness.vmx witness cpu_spin
	vm_make_guest_vmx /tmp/$_hn.vmx "$_hn" "$_hg"
	vm_up witness /tmp/witness.vmx
	vm_console_expect "the witness VM runs" witness 300 "cpu_spin: 2"
	vm_up "$_hn" /tmp/$_hn.vmx
	vm_console_expect "the hostile guest $_hg got going" "$_hn" 600 "$_hm"
	vm_wait_stopped "$_hn" "$_hs" || true
	vmkctl vm info "$_hn" | tee /tmp/hostile-info.txt
	_st=$(vm_field "$_hn" state)
	_why=$(vm_field "$_hn" reason)
	note "hostile guest $_hg ended in state $_st: $_why"
	case "$_st" in
	error|off)
		[ "$_why" != "-" ] || fail "$_hn is $_st without a reason in vmkctl vm info"
		expect "the vmkernel log has the reason" vmk_log_has "$(echo "$_why" | cut -c1-40)"
		[ "$_st" = off ] || expect "memory of the failed VM returned" \
			test "$(vm_field "$_hn" memory-pages-held)" = 0 ;;
	running)
		expect "kill ends the still-running hostile VM" vmkctl vm kill "$_hn" ;;
	*) fail "$_hn is in state '$_st'" ;;
	esac
	expect "the vmkernel runs on" vmkernel_alive
	expect "the COS responds" cos_responds 10
	expect "the witness VM is still running" test "$(vm_field witness state)" = running
	expect "the witness VM still makes progress" cpu_spin_progress witness 60
}

# The COS is usable: a shell pipeline, a file write and a process start
# finish within SECONDS.
cos_responds() {
	_s=$(date +%s)
	echo probe > /tmp/cos-probe && grep -q probe /tmp/cos-probe &&
		[ "$(busybox sh -c 'echo $((40 + 2))')" = 42 ] || return 1
	[ $(($(date +%s) - _s)) -le "$1" ]
}
