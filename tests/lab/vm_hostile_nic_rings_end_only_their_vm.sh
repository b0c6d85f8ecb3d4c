# SPDX-License-Identifier: GPL-2.0-only
# Hostile NIC rings next to good traffic (docs/network.md "Frame checks
# and counters", "Hostile guests"): two stock Linux VMs on "VM Network",
# gooda with an e1000 and goodb with a vmxnet3, ping each other (60
# pings, 0% loss) while two hostile guests on the same port group
# (tests/guest/hostile_nic: nice with an e1000, nicv with a vmxnet3) feed
# their NICs random descriptors, buffers outside their RAM, lengths 0 and
# 65535, runts, frames over 1518 bytes, absurd TSO, chains with no EOP
# and rings outside RAM or of absurd sizes, and send each other good
# frames into receive rings of garbage. Each hostile guest's NIC still
# sends a good frame after every round; the switch dropped and counted
# their bad frames by reason (oversize, forged, no-dest); each received
# the other's good frames; the good VMs received nothing but each other's
# frames (each one's rx_packets is the other's tx_packets); the vmkernel
# runs on, and the good VMs still reach each other after.
# FORGED=1 lets "VM Network" take forged transmits: the hostile guests'
# frames of random bits then pass the switch (no forged drops) and reach
# the good VMs, and the scenario fails.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

# good_vmx FILE NAME DEV MAC: a 1-vCPU Linux VM with ethernet0 a DEV on VM Network.
good_vmx() {
	vm_make_vmx "$1" "$2" 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
		"console=ttyS0 pci=noacpi no_timer_check" \
		'ethernet0.present = "TRUE"' "ethernet0.virtualDev = \"$3\"" \
		'ethernet0.networkName = "VM Network"' "ethernet0.address = \"$4\""
}

# hostile_vmx FILE NAME DEV MAC: tests/guest/hostile_nic on a DEV on VM Network.
hostile_vmx() {
	vm_make_vmx "$1" "$2" 16 1 $VM_GUESTS/hostile_nic.elf "" "rounds=$ROUNDS hold=1" \
		'ethernet0.present = "TRUE"' "ethernet0.virtualDev = \"$3\"" \
		'ethernet0.networkName = "VM Network"' "ethernet0.address = \"$4\""
}

# port_has VM PATTERN: VM's port line in `vmkctl network` matches PATTERN.
port_has() { vmkctl network | grep "^port: .*owner=vm:[0-9]*:$1 " | grep -q "$2"; }
# field VM KEY: KEY=value of VM's port in /tmp/net.txt
field() { sed -n "s/^port: .*owner=vm:[0-9]*:$1 .* $2=\([^ ]*\).*/\1/p" /tmp/net.txt; }
# only_from A B: all that A's port received came from B (rx = B's tx, not 0)
only_from() {
	_rx=$(field $1 rx_packets) _tx=$(field $2 tx_packets)
	note "$1 received $_rx frames, $2 sent $_tx"
	[ -n "$_rx" ] && [ "$_rx" -gt 0 ] && [ "$_rx" = "$_tx" ]
}

# 2000 rounds took both guests 19-38 s (2026-12-06), over the 30 s of pings.
ROUNDS=2000

expect "insmod vmkload takes over" vmk_load mem_mb=320
[ -z "${FORGED:-}" ] || vmkctl network portgroup set "VM Network" --forged-transmits
good_vmx /tmp/gooda.vmx gooda e1000 00:50:56:00:00:3a
good_vmx /tmp/goodb.vmx goodb vmxnet3 00:50:56:00:00:3b
vm_up gooda /tmp/gooda.vmx
vm_up goodb /tmp/goodb.vmx
vm_console_expect "gooda reaches its shell" gooda 600 "vmk-guest: shell ready"
vm_console_expect "goodb reaches its shell" goodb 600 "vmk-guest: shell ready"
vm_run gooda 'ip link set eth0 up; ip addr add 10.13.0.1/24 dev eth0; echo gooda-$((0))up | tr -d 0' gooda-up
vm_run goodb 'ip link set eth0 up; ip addr add 10.13.0.2/24 dev eth0; echo goodb-$((0))up | tr -d 0' goodb-up
vm_run gooda 'ping -c 3 -i 0.5 -W 5 10.13.0.2' "3 packets transmitted, 3 packets received, 0% packet loss" 120

# 60 pings over 30 s in the background while the hostile guests run.
vm_run gooda 'ping -c 60 -i 0.5 -W 5 10.13.0.2 > /tmp/p 2>&1 & echo bg-$((1+1))' bg-2
hostile_vmx /tmp/nice.vmx nice e1000 00:50:56:00:00:3c
hostile_vmx /tmp/nicv.vmx nicv vmxnet3 00:50:56:00:00:3d
attack_s=$(date +%s)
vm_up nice /tmp/nice.vmx
vm_up nicv /tmp/nicv.vmx
vm_console_expect "the hostile e1000's device worked after every round" \
	nice 240 "hostile_nic: e1000 passed $ROUNDS of $ROUNDS rounds"
vm_console_expect "the hostile vmxnet3's device worked after every round" \
	nicv 240 "hostile_nic: vmxnet3 passed $ROUNDS of $ROUNDS rounds"
note "both hostile guests ended their rounds $(($(date +%s) - attack_s)) s after nice started"
expect "the vmkernel runs on" vmkernel_alive
for v in nice nicv; do
	# >= 1000: the good VMs' broadcasts alone do not make it (16 000 sent)
	expect "$v's port: it received the other's good frames" port_has $v ' rx_packets=[1-9][0-9][0-9][0-9]'
	expect "$v's port: its frames of random bits were dropped as forged" port_has $v 'forged:[1-9]'
	expect "$v's port: its good frames to nobody were dropped as no-dest" port_has $v 'no-dest:[1-9]'
done
# The e1000 model sends frames up to 16 KiB (jumbo); the switch refuses them.
expect "nice's frames over 1514 bytes were dropped as oversize" port_has nice 'oversize:[1-9]'
vm_run gooda 'for i in $(seq 90); do grep -q "packet loss" /tmp/p && break; sleep 1; done; cat /tmp/p' \
	"60 packets transmitted, 60 packets received, 0% packet loss" 120
vmkctl network | tee /tmp/net.txt
expect "gooda received only goodb's frames" only_from gooda goodb
expect "goodb received only gooda's frames" only_from goodb gooda
expect "kill nice" vmkctl vm kill nice
expect "kill nicv" vmkctl vm kill nicv
vm_run goodb 'ping -c 5 -i 0.5 -W 5 10.13.0.1' "5 packets transmitted, 5 packets received, 0% packet loss" 120
expect "gooda is still running" test "$(vm_field gooda state)" = running
expect "goodb is still running" test "$(vm_field goodb state)" = running
expect "vmkctl unload --force powers them off and unloads" vmkctl unload --force
expect_fail "vmkload is gone" vmk_loaded
