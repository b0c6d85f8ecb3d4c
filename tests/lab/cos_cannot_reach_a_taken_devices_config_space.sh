# SPDX-License-Identifier: GPL-2.0-only
# With vmkload storage=1 the COS's configuration cycles to the PVSCSI HBA
# are refused (docs/architecture.md "What the COS touches directly"): a
# COS module that uses mechanism 1 directly, as `setpci -A intel-conf1`
# would, reads the HBA's id as all ones, and its writes of the command
# register (decode off) and of BAR 0 do not reach the device: the
# vmkernel still reads the LUN afterwards. The HBA sits behind a
# PCI-to-PCI bridge here (`# hba: bridge`), as on PCI Express every
# device sits behind a root port: the module's writes to that bridge's
# command, secondary bus number, memory window and bridge control
# (secondary bus reset) are dropped too, so the HBA keeps its bus number,
# its BAR stays reachable and it is not reset. A byte write to 0xCF8 does not
# change the address register. The race of issue 9: a second COS CPU
# pointing 0xCF8 at the HBA while the first reads a visible function's id
# never makes the first read anything else. The exits this costs are
# noted (the "other" exit kind counts the COS's port exits).
# timeout: 300
# hba: bridge
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

# bdf_of SYSFS_DIR: bus << 8 | device << 3 | function of 0000:BB:DD.F.
bdf_of() {
	n=$(basename "$1")
	b=${n#*:}; b=${b%%:*}; d=${n##*:}; f=${d#*.}; d=${d%.*}
	echo $(((0x$b << 8) | (0x$d << 3) | f))
}
hba_dir() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x15ad:0x07c0 ] && echo "$d"
	done
	return 0
}
# other_exits: the COS's "other" exits summed over its CPUs.
other_exits() {
	vmkctl status | sed -n 's/^cpu[0-9]*-exits: .* other=\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}

hba=$(hba_dir)
expect "the COS has the HBA before load" test -n "$hba"
hidden=$(bdf_of "$hba")
visible=0			# 00:00.0, the host bridge
above=$(dirname "$(readlink -f "$hba")")
expect "the HBA sits behind a PCI-to-PCI bridge" test -e "$above/secondary_bus_number"
bridge=$(bdf_of "$above")
note "HBA $(basename "$hba") (bdf $hidden) behind bridge $(basename "$above") (bdf $bridge)"

expect "insmod vmkload storage=1 debug=1 (vmkctl storage read)" vmk_load storage=1 debug=1
expect "the vmkernel drives the HBA" sh -c 'vmkctl storage adapters | grep -q "^vmhba0 .* running luns 2$"'
expect "it reads LUN 0" sh -c 'vmkctl storage read 0:0 0 > /tmp/before'

# What reading every function's configuration space costs in exits.
o0=$(other_exits)
cat /sys/bus/pci/devices/*/config > /dev/null
o1=$(other_exits)
note "reading $(ls /sys/bus/pci/devices | wc -l) functions' config space: $((o1 - o0)) port exits"

# busybox's insmod tries finit_module, then init_module: it runs twice.
insmod "$VMK_MODULES/vmk_pcicfg.ko" hidden=$hidden visible=$visible bridge=$bridge loops=20000 2>/dev/null
o2=$(other_exits)
dmesg | grep vmk_pcicfg
note "vmk_pcicfg: $((o2 - o1)) port exits"
expect "the COS read the HBA's id as all ones" \
	dmesg_has "vmk_pcicfg: taken .* id 0xffffffff command 0xffffffff then 0xffffffff bar0 0xffffffff then 0xffffffff"
expect "a byte write to 0xcf8 left the address register as written" \
	dmesg_has "vmk_pcicfg: address register after a byte write to 0xcf8: 0x80000000 (dword written 0x80000000)"
expect "the race ran" dmesg_has "vmk_pcicfg: race: 20000 reads of 00:00.0's id 0x12378086 on cpu"
expect "and every read was the visible function's id" \
	dmesg_has "vmk_pcicfg: race: .* 0 read something else, 0 another function's id"
expect "the vmkernel logged the refused cycles" \
	vmk_log_has "COS PCI configuration access to the device the vmkernel owns .* refused"
expect "the vmkernel guards the bridge above the HBA" \
	vmk_log_has "bridge above .*: the COS's writes to it are refused"
expect "the bridge kept its command, bus numbers, window and control" \
	dmesg_has "vmk_pcicfg: bridge .* kept its registers"
expect "the vmkernel logged the refused bridge writes" \
	vmk_log_has "COS PCI configuration write to register .* of bridge .* refused"
expect "the HBA still decodes its BAR: the vmkernel reads LUN 0" \
	sh -c 'vmkctl storage read 0:0 0 > /tmp/after'
expect "with the same data" cmp /tmp/before /tmp/after
vmkctl storage adapters > /tmp/adapters.txt
expect "no timeouts or resets" grep -q "timeouts 0 aborts 0 bus-resets 0 adapter-resets 0" /tmp/adapters.txt

expect "vmkctl unload" vmkctl unload
expect "the COS has the HBA again" test -n "$(hba_dir)"
expect "bound to its driver" test -e "$(hba_dir)/driver"
