# SPDX-License-Identifier: GPL-2.0-only
# A forced vmkernel panic (debug-only ioctl) prints a report with registers
# and a symbolized backtrace to COM2 and hands every CPU back to the COS,
# which runs on; the module then unloads and can load again. Loaded with
# storage=1, the HBA the vmkernel drove has its bus mastering turned off
# before the vmkernel's memory goes back to Linux, and comes back to the
# COS's own driver, with its disks, at the rmmod after the panic. With
# net=1 on a second e1000 and vmk0 up, the uplink NIC's receive interrupt
# is on (vmk0's doorbell); the panic path masks it (IMS reads 0 when every
# CPU is back with Linux, /dev/mem then reaching the NIC's BAR again), so
# its level line does not stay asserted until the loader turns INTx off.
# At the rmmod vmk0 goes down with no vmkernel to take back its rings
# (SETUP(0) fails): it leaves its RX ring and buffers unfreed, as a CPU
# of a panicked vmkernel may still deliver into them, and says so.
# devices: -netdev user,id=up0 -device e1000,netdev=up0,addr=0x9
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh

expect "LUN 0 is a COS disk" wait_for_disk 0
UPLINK_PCI=0000:00:09.0
# the NIC's BAR 0 (its registers); IMS: 8254x SDM §13.4.20
uplink_bar=$(cut -d' ' -f1 /sys/bus/pci/devices/$UPLINK_PCI/resource | head -1)
uplink_ims() { busybox devmem $((uplink_bar + 0xd0)) 32; }
expect "the uplink NIC's BAR 0 is known" test -n "$uplink_bar"
expect "insmod vmkload debug=1 storage=1 net=1" vmk_load debug=1 storage=1 net=1 net_pci=$UPLINK_PCI
expect "the vmkernel has the HBA" wait_for_no_disk 0
expect "vmk0 up" ip link set vmk0 up
n=0
while ! vmk_log_has "net: vmnic0's interrupt: vector 0x" && [ $n -lt 10 ]; do sleep 1; n=$((n + 1)); done
expect "vmk0's doorbell turned the uplink NIC's interrupt on" vmk_log_has "net: vmnic0's interrupt: vector 0x"
expect_fail "panic test reports a panicked vmkernel" vmkctl debug panic
n=0
while ! dmesg_has "all CPUs are back under Linux" && [ $n -lt 20 ]; do sleep 1; n=$((n + 1)); done
dmesg | grep vmkload | tail -4
expect "loader saw the panic" dmesg_has "vmkernel panicked on cpu"
expect "every CPU is back under Linux" dmesg_has "all CPUs are back under Linux"
expect "dmesg holds the symbolized report" dmesg_has "vmkernel: .*#0 [0-9a-f]* hc_panic_test+0x"
expect "the HBA's DMA was turned off before the memory went back" \
	dmesg_has "vmkload: PVSCSI HBA .*: bus mastering off (the vmkernel that drove it panicked)"
expect_fail "... and its disks are not the COS's yet" test -n "$(disk_for 0)"
note "the uplink NIC's IMS after the panic: $(uplink_ims)"
expect "the panic masked the uplink NIC's interrupt" test "$(uplink_ims)" = 0x00000000
expect_cos_runs_on_after_panic
expect "vmk0 left its RX ring to the vmkernel that did not let go of it" \
	dmesg_has "vmk0: the vmkernel may still write its RX ring"
expect "the rmmod after the panic gave the HBA back: LUN 0 is a COS disk again" wait_for_disk 0
panic_test_refused() {
	vmk_load || return 1
	if vmkctl debug panic; then r=1; else r=0; fi
	rmmod vmkload || r=1
	return $r
}
expect "the panic test is refused without debug=1" panic_test_refused
