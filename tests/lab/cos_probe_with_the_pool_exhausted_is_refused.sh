# SPDX-License-Identifier: GPL-2.0-only
# A COS probe of vmkernel memory needs no free vmkernel memory to be
# refused: VMs take the whole pool (started until vmkctl refuses for lack
# of memory, then created but not started until there is no room even
# for a VM's state), then a COS module reads one word of every 2 MiB region of RAM,
# each of the vmkernel's chunks among them. Every probe is diverted to the
# sink, the log says so (rate-limited), nothing panics, the VMs run on.
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

MB=$VM_GUESTS/mbtest.elf
CHUNKS=16	# mem_mb=32 in 2 MiB chunks
pool_free() { vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p'; }

expect "insmod vmkload takes over with a 32 MiB pool" vmk_load mem_mb=32
i=0 started=""
for size in 12 8 4; do
	while :; do
		i=$((i + 1))
		vm_make_vmx /tmp/p$i.vmx p$i $size 1 $MB "" "idle"
		expect "register p$i" vmkctl vm register /tmp/p$i.vmx
		if vmkctl vm start p$i > /tmp/start.txt 2>&1; then
			started="$started p$i"
			continue
		fi
		cat /tmp/start.txt
		expect "p$i ($size MiB) is refused for lack of memory" \
			grep -q "pool has [0-9]* [KM]iB free" /tmp/start.txt
		expect "unregister p$i" vmkctl vm unregister p$i
		break
	done
done
expect "VMs started" test -n "$started"
# What is left goes to VMs that are only created (each holds its state).
insmod "$VMK_MODULES/vmk_hog.ko" 2>/dev/null
dmesg | grep vmk_hog
expect "creating VMs ends for lack of memory" dmesg_has "vmk_hog: created [0-9]* VMs, then error 0 status 1: "
free=$(pool_free)
note "VMs running:$started; pool $free KiB free"
expect "the pool cannot give a table page to every chunk" test "$free" -lt $((CHUNKS * 4))

npt0=$(status_field npt-violations)
insmod "$VMK_MODULES/vmk_peek.ko" scan=1 2>/dev/null
dmesg | grep vmk_peek
expect "the COS scanned its RAM" dmesg_has "vmk_peek: scanned"
expect "the vmkernel still runs" test "$(status_field state)" = running
expect "it still has both CPUs" test "$(status_field cpus)" = 2
npt1=$(status_field npt-violations)
note "npt-violations $npt0 -> $npt1"
expect "each chunk's probe was counted" test "$npt1" -ge $((npt0 + CHUNKS))
expect "the vmkernel logged the blocked access" vmk_log_has "COS access to vmkernel memory blocked"
logged=$(grep -c "COS access to vmkernel memory blocked" /tmp/vmk-log.txt)
note "$logged log lines for $((npt1 - npt0)) blocked accesses"
expect "the log lines are rate-limited" test "$logged" -lt $((npt1 - npt0))
for v in $started; do
	expect "$v still runs" test "$(vm_field $v state)" = running
done
set -- $started
vm_console_expect "$1's guest is alive" $1 60 "mbtest: idle"
expect "the COS still works" sh /lib/vmk/lab/workload.sh -t 10 -p "proc mem"
expect "unload powers the VMs off" vmkctl unload --force
