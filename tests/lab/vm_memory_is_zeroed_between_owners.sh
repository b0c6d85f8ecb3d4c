# SPDX-License-Identifier: GPL-2.0-only
# No data crosses worlds through reused memory (issue 9, item 7). VM A
# (tests/guest/ram_residue, fill=1) writes a marker at the start of every
# page of its RAM and powers off; VM B of the same size scans all of its RAM
# and finds no marker. A fills again, and after `vmkctl unload` the lab
# module vmk_residue scans every RAM page of the COS: only the control page
# the scenario wrote itself (a tmpfs file starting with the marker, which
# shows the scan can see one) carries it.
# timeout: 300
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

# residue_marker_bytes: the guest's four marker words (residue_marker.h,
# xorshift32 from 0x7265735d) as printf escapes, little endian.
residue_marker_bytes() {
	_x=$((0x7265735d)) _out=""
	for _w in 1 2 3 4; do
		_x=$(((_x ^ (_x << 13)) & 0xffffffff))
		_x=$(((_x ^ (_x >> 17)) & 0xffffffff))
		_x=$(((_x ^ (_x << 5)) & 0xffffffff))
		for _s in 0 8 16 24; do
			_out="$_out$(printf '\\%03o' $(((_x >> _s) & 0xff)))"
		done
	done
	echo "$_out"
}
# residue_reports: the counts vmk_residue printed ("K of N pages").
residue_reports() { dmesg | sed -n 's/.*vmk_residue: \([0-9]*\) of [0-9]* pages carry the marker/\1/p'; }

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/filler.vmx filler ram_residue 'vmk.cmdline = "fill=1"'
vm_make_guest_vmx /tmp/scanner.vmx scanner ram_residue
vm_up filler /tmp/filler.vmx
vm_console_expect "VM A marks every page of its RAM" filler 120 "ram_residue: filled"
expect "VM A powers off" vm_wait_state filler off 60
vm_up scanner /tmp/scanner.vmx
# It prints its count and powers off: another count ends the wait at once.
vm_console_expect "VM B finds none of VM A's pages" scanner 120 "ram_residue: found 0 of"
expect "VM B powers off" vm_wait_state scanner off 60

expect "start VM A again" vmkctl vm start filler
vm_console_expect "VM A marks its RAM again" filler 120 "ram_residue: filled"
expect "VM A powers off again" vm_wait_state filler off 60
expect "unload gives the memory back" vmkctl unload

printf "$(residue_marker_bytes)" > /tmp/residue-control
expect "the control page holds the marker" test "$(wc -c < /tmp/residue-control)" = 16
dmesg -c > /dev/null
insmod "$VMK_MODULES/vmk_residue.ko" 2>/dev/null
dmesg | grep vmk_residue
residue_reports > /tmp/residue.txt
expect "vmk_residue scanned the COS's memory" test -s /tmp/residue.txt
expect "only the control page carries the marker" test "$(sort -u /tmp/residue.txt)" = 1
