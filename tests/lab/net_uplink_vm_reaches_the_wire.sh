# SPDX-License-Identifier: GPL-2.0-only
# The vmkernel drives a second e1000 as vswitch0's uplink (docs/network.md
# "The uplink"): with vmkload net=1 net_pci=0000:00:09.0 the COS lets go
# of that NIC (gone from sysfs) and keeps its own (eth0, the management
# network, still answers); naming eth0's NIC, which is up, is refused. A
# Linux VM with a vmxnet3 on "VM Network" (the e1000 vNIC crosses the
# uplink in net_uplink_vm_dhcp_and_http_fetch) with 10.0.2.15/24 pings
# 10.0.2.2, the gateway
# of the QEMU user network behind the uplink (slirp answers ICMP echo to
# its own address): its ARP request and pings leave by the uplink and the
# replies come back through it. `vmkctl network` shows the uplink running
# with its MAC, link up and counters that moved. At unload the NIC goes
# back to Linux and its e1000 driver probes it again. With vmk0 up (no
# address: the COS's network stays eth0) its doorbell is armed: the VM's
# broadcasts reach the COS's port from a vCPU, not from the uplink NIC's
# interrupt, so the doorbell is a fixed IPI (`bell_ipis`), and the NIC's
# own interrupts are acknowledged by the vmkernel (`irqs`). The uplink
# takes multicast by its ports' groups (docs/network.md "Multicast
# groups"): with vmk0 the only port its table holds vmk0's groups, one
# more when vmk0 joins 01:00:5e:01:02:03 (SIOCADDMULTI, `vmk-labtool
# maddr`: busybox has no `ip maddr`), back when it leaves, every group
# while vmk0 is promiscuous; with the VM up its vmxnet3 names its
# guest's groups (docs/network.md "Multicast per vNIC"): the uplink's
# table still holds groups, not every one. The VM then uploads 2 MiB of
# random bytes (without NUL: busybox wget sends strlen() of the file) to the host's server ("# host: http 1", ci/lab-http.py:
# POST /sha256 answers the sha256 and length of the body it read): its
# TCP sends them in TSO packets, which cross the switch whole and the
# uplink's e1000 segments and checksums (docs/network.md "TSO to the
# uplink"). The host's sha256 must be the guest's (a bad segment would
# be dropped by slirp and sent again the same way until wget gives up),
# and the uplink's tx_tso must have grown: packets went out whole.
# host: http 1
# devices: -netdev user,id=up0 -device e1000,netdev=up0,mac=52:54:00:12:34:99,addr=0x9
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

UPLINK_PCI=0000:00:09.0
UPLINK_MAC=52:54:00:12:34:99

vm_run() { vm_console_expect "$1: $2" "$1" "${4:-60}" "$3" "$2\\n"; }
cos_has_uplink() { test -e /sys/bus/pci/devices/$UPLINK_PCI; }
uplink_field() { vmkctl network | sed -n "s/^uplink: .* $1=\([^ ]*\).*/\1/p"; }
cos_pings_its_gateway() { ping -c 2 -W 5 10.0.2.2 > /tmp/cosping.txt 2>&1 || { cat /tmp/cosping.txt; return 1; }; }

expect "the COS has the uplink NIC before load" cos_has_uplink
eth0_pci=$(basename "$(readlink /sys/class/net/eth0/device)")
note "eth0 is $eth0_pci; the uplink NIC is $UPLINK_PCI ($(ls /sys/bus/pci/devices/$UPLINK_PCI/net))"
expect "the COS reaches its management gateway" cos_pings_its_gateway

expect_fail "net=1 naming eth0's NIC (up) is refused" vmk_load net=1 net_pci=$eth0_pci
expect "and says why" vmkload_says "eth0 on the e1000 $eth0_pci is up"
expect_fail "vmkload is not loaded" vmk_loaded

expect "insmod vmkload net=1" vmk_load net=1 net_pci=$UPLINK_PCI mem_mb=200
vmkload_lines
expect "the loader handed the NIC over" vmkload_says "uplink NIC $UPLINK_PCI (driver e1000) handed to the vmkernel"
expect_fail "the COS no longer has the uplink NIC" cos_has_uplink
expect "the COS keeps eth0" test -e /sys/class/net/eth0
vmkctl network | tee /tmp/net.txt
expect "vmkctl network: the uplink runs" grep -q "^uplink: vmnic0 state=running pci=00:09.0 driver=e1000 mac=$UPLINK_MAC link=up speed=1000 " /tmp/net.txt
expect "the uplink is a port of vswitch0" grep -q "^port: .* owner=uplink mac=" /tmp/net.txt
expect "the COS still reaches its management gateway" cos_pings_its_gateway
expect "vmk0 up (its doorbell armed)" ip link set vmk0 up
# own_groups: how many groups vmk0 has joined, as the COS lists them.
own_groups() { awk '$2 == "vmk0"' /proc/net/dev_mcast | wc -l; }
# mc_is WANT: the uplink's rx_multicast becomes WANT (the filter follows
# at the next poll of the NIC: vmk0's fallback timer polls every 100 ms);
# WANT "own" is vmk0's own count, read again each time: IPv6 may join a
# group of its own a second after the link comes up.
mc_is() {
	for i in $(seq 1 30); do
		want=$1; [ "$want" = own ] && want=$(own_groups)
		[ "$(uplink_field rx_multicast)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "rx_multicast=$(uplink_field rx_multicast), not $want ($1); vmk0's groups:"
	awk '$2 == "vmk0"' /proc/net/dev_mcast
	return 1
}
expect "the uplink takes vmk0's groups only, as many as it joined" mc_is own
note "the uplink's multicast table with vmk0 the only port: rx_multicast=$(uplink_field rx_multicast)"
expect "vmk0 joins 01:00:5e:01:02:03" vmk-labtool maddr add vmk0 01:00:5e:01:02:03
expect "... the COS lists it" grep -q " vmk0 .* 01005e010203$" /proc/net/dev_mcast
expect "the uplink's table has it too (vmk0's count)" mc_is own
expect "vmk0 leaves it" vmk-labtool maddr del vmk0 01:00:5e:01:02:03
expect "... the COS no longer lists it" sh -c '! grep -q " vmk0 .* 01005e010203$" /proc/net/dev_mcast'
expect "the uplink's table is back (vmk0's count)" mc_is own
expect "vmk0 promiscuous" ip link set vmk0 promisc on
expect "the uplink takes every group" mc_is all
expect "vmk0 not promiscuous" ip link set vmk0 promisc off
expect "the uplink's table is back again" mc_is own

vm_make_vmx /tmp/up.vmx upvm 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
	"console=ttyS0 pci=noacpi no_timer_check" \
	'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "vmxnet3"' \
	'ethernet0.networkName = "VM Network"' 'ethernet0.address = "00:50:56:00:00:1a"'
vm_up upvm /tmp/up.vmx
vm_console_expect "upvm reaches its shell" upvm 600 "vmk-guest: shell ready"
vm_run upvm 'ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; echo upvm-$((0))up | tr -d 0' upvm-up
vm_run upvm 'ping -c 5 -W 5 10.0.2.2 > /tmp/p; cat /tmp/p; grep -q " 0% packet loss" /tmp/p && echo gw-$((1+1))-ok' \
	"gw-2-ok" 180
lab_http
tso0=$(uplink_field tx_tso)
vm_capture upvm "head -c 2200000 /dev/urandom | tr -d '\\\\000' | head -c 2097152 > /tmp/up; wc -c < /tmp/up; sha256sum /tmp/up; wget -q -O /tmp/r --post-file /tmp/up http://10.0.2.2:$LAB_HTTP_PORT/sha256; echo wget-status=\$?; echo host=\$(cat /tmp/r); echo up-\$((1+1))-done" \
	up-2-done 180 /tmp/up.txt
grep -q "^wget-status=0" /tmp/up.txt || fail "the VM's 2 MiB upload failed: $(grep wget-status /tmp/up.txt)"
guest_sha=$(sed -n 's/^\([0-9a-f]\{64\}\)  \/tmp\/up$/\1/p' /tmp/up.txt)
host_said=$(sed -n 's/^host=\([0-9a-f]\{64\} [0-9]*\)$/\1/p' /tmp/up.txt)
[ -n "$guest_sha" ] && [ "$host_said" = "$guest_sha 2097152" ] ||
	fail "the upload: the guest's sha256 '$guest_sha' of 2097152 bytes, the host read '$host_said'"
echo "ok: the host read the guest's 2097152 bytes, sha256 $guest_sha"
note "the uplink's TSO packets during the upload: $tso0 -> $(uplink_field tx_tso), refused $(uplink_field tx_tso_bad), ring full $(uplink_field tx_tso_ring_full)"
expect "the upload left the uplink in TSO packets, segmented by its NIC" test "$(uplink_field tx_tso)" -gt "$tso0"
expect "the uplink's driver refused none" test "$(uplink_field tx_tso_bad)" = 0
vmkctl network | tee /tmp/net.txt
expect "the uplink sent the VM's frames" test "$(uplink_field tx_packets)" -ge 6
expect "the uplink received the replies" test "$(uplink_field rx_packets)" -ge 6
note "the uplink's interrupts: $(uplink_field irqs), vmk0's doorbell IPIs: $(uplink_field bell_ipis), merged: $(uplink_field bells_merged)"
expect "vmk0's doorbell rang a VM's frame as an IPI" test "$(uplink_field bell_ipis)" -ge 1
expect "the vmkernel acknowledged the NIC's interrupts" test "$(uplink_field irqs)" -ge 1
# mc_groups: rx_multicast is a count of groups, at least vmk0's own
# (the guest's vmxnet3 names its groups; on main its port wanted all).
mc_groups() {
	n=$(uplink_field rx_multicast)
	case $n in ''|*[!0-9]*) echo "rx_multicast=$n, not a count"; return 1;; esac
	[ "$n" -ge "$(own_groups)" ] || { echo "rx_multicast=$n < vmk0's $(own_groups)"; return 1; }
}
expect "with the VM's vmxnet3 up the uplink takes groups, not every one" mc_groups
note "the uplink's multicast table with vmk0 and the VM: rx_multicast=$(uplink_field rx_multicast), vmk0's own $(own_groups)"
expect "no bad descriptors" test "$(uplink_field rx_bad_len):$(uplink_field rx_errors):$(uplink_field rx_fragments)" = 0:0:0
expect "the COS's network still works with the VM running" cos_pings_its_gateway

expect "vmkctl unload --force powers the VM off and unloads" vmkctl unload --force
expect_fail "vmkload is gone" vmk_loaded
expect "the vmkernel reset the NIC" dmesg_has "uplink NIC 00:09.0 back with the COS"
for i in $(seq 1 50); do cos_has_uplink && break; sleep 0.1; done
expect "the COS has the uplink NIC again" cos_has_uplink
expect "bound to e1000" sh -c "basename \$(readlink /sys/bus/pci/devices/$UPLINK_PCI/driver) | grep -qx e1000"
expect "with an interface again" sh -c "ls /sys/bus/pci/devices/$UPLINK_PCI/net | grep -q ."
expect "the COS reaches its management gateway after unload" cos_pings_its_gateway
