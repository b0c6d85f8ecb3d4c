# SPDX-License-Identifier: GPL-2.0-only
# A VM on vswitch0 gets its address by DHCP from the QEMU user network
# behind the uplink (docs/network.md "The uplink") and fetches a file over
# HTTP from a server on the lab host: ci/lab serves 4 MiB of random bytes
# from 127.0.0.1 ("# host: http 4"), which the user network reaches as
# 10.0.2.2:PORT, and names the port and the file's sha256 on the COS's
# command line. The guest's busybox udhcpc (ci/udhcpc.script) must get a
# lease in 10.0.2.0/24 with the gateway 10.0.2.2 as its router; the
# guest's sha256 of what wget fetched must be the host's, the length
# too. No lease, a failed wget or a different hash fails with the values.
# The uplink NIC is not promiscuous: its address filter holds the VM's
# MAC (vmkctl network: rx_unicast=1), so the lease, the HTTP replies and
# the slirp's ARP replies come in through it. The host then sets up0's
# link off and on again (host request): vmkctl network follows it.
# devices: -netdev user,id=up0 -device e1000,netdev=up0,mac=52:54:00:12:34:99,addr=0x9
# host: http 4
# timeout: 900
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

UPLINK_PCI=0000:00:09.0
VM_MAC=00:50:56:00:00:1b

uplink_field() { vmkctl network | sed -n "s/^uplink: .* $1=\([^ ]*\).*/\1/p"; }

lab_http
note "the host serves /blob: $LAB_HTTP_BYTES bytes, sha256 $LAB_HTTP_SHA256, at 10.0.2.2:$LAB_HTTP_PORT"

expect "insmod vmkload net=1" vmk_load net=1 net_pci=$UPLINK_PCI mem_mb=200
vmkctl network | tee /tmp/net.txt
expect "vmkctl network: the uplink runs" grep -q "^uplink: vmnic0 state=running .* link=up " /tmp/net.txt
expect "with no port address in its filter yet" grep -q "^uplink: .* rx_unicast=0 rx_multicast=[0-9a-z]*$" /tmp/net.txt

vm_make_vmx /tmp/dh.vmx dhvm 96 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd.gz \
	"console=ttyS0 pci=noacpi no_timer_check" \
	'ethernet0.present = "TRUE"' 'ethernet0.virtualDev = "e1000"' \
	'ethernet0.networkName = "VM Network"' "ethernet0.address = \"$VM_MAC\""
vm_up dhvm /tmp/dh.vmx
vm_console_expect "dhvm reaches its shell" dhvm 600 "vmk-guest: shell ready"

# DHCP: discover and request leave by the uplink (broadcast), the offer
# and the ack come back through it. -n: exit 1 without a lease.
vm_capture dhvm 'ip link set eth0 up; udhcpc -i eth0 -n -q -t 8 -T 3 > /tmp/d 2>&1; echo "udhcpc-status=$?"; cat /tmp/d; ip -4 addr show dev eth0; ip route; echo dhcp-$((1+1))-done' \
	dhcp-2-done 180 /tmp/dhcp.txt
grep -q "^udhcpc-status=0" /tmp/dhcp.txt ||
	fail "no DHCP lease: udhcpc says '$(sed -n 's/^udhcpc-status=//p' /tmp/dhcp.txt)' (see its output above)"
lease=$(sed -n 's/^ *inet \(10\.0\.2\.[0-9]*\)\/24 .*/\1/p' /tmp/dhcp.txt | head -1)
[ -n "$lease" ] || fail "eth0 has no address in 10.0.2.0/24 after the lease"
echo "ok: dhvm leased $lease"
expect "its default route is the user network's gateway" grep -q "^default via 10.0.2.2 dev eth0" /tmp/dhcp.txt

# HTTP: the host's server through slirp's gateway address.
vm_capture dhvm "wget -q -O /tmp/blob http://10.0.2.2:$LAB_HTTP_PORT/blob; echo \"wget-status=\$?\"; echo \"bytes=\$(wc -c < /tmp/blob)\"; sha256sum /tmp/blob; echo fetch-\$((1+1))-done" \
	fetch-2-done 600 /tmp/fetch.txt
grep -q "^wget-status=0" /tmp/fetch.txt ||
	fail "wget of http://10.0.2.2:$LAB_HTTP_PORT/blob failed: status $(sed -n 's/^wget-status=//p' /tmp/fetch.txt)"
got_bytes=$(sed -n 's/^bytes= *\([0-9]*\)$/\1/p' /tmp/fetch.txt)
got_sha=$(sed -n 's/^\([0-9a-f]\{64\}\)  \/tmp\/blob$/\1/p' /tmp/fetch.txt)
[ "$got_bytes" = "$LAB_HTTP_BYTES" ] ||
	fail "the guest fetched '$got_bytes' bytes, the host served $LAB_HTTP_BYTES"
[ "$got_sha" = "$LAB_HTTP_SHA256" ] ||
	fail "sha256 differs: the guest's is '$got_sha', the host's $LAB_HTTP_SHA256"
echo "ok: the guest's sha256 of the $got_bytes bytes it fetched is the host's"

vmkctl network | tee /tmp/net.txt
expect "the uplink's filter takes the VM's address, not every unicast" \
	grep -q "^uplink: .* rx_unicast=1 rx_multicast=all$" /tmp/net.txt
expect "the uplink carried the fetch in" test "$(uplink_field rx_bytes)" -ge "$LAB_HTTP_BYTES"
expect "no bad descriptors" test "$(uplink_field rx_bad_len):$(uplink_field rx_errors):$(uplink_field rx_fragments)" = 0:0:0

# Link state: the host pulls the uplink's cable (QEMU's set_link on up0)
# and plugs it back; vmkctl network reads STATUS.LU each time it asks.
link_is() { vmkctl network | grep -q "^uplink: vmnic0 state=running .* link=$1 speed=$2 "; }
wait_link() { for _i in $(seq 1 60); do link_is "$1" "$2" && return 0; sleep 1; done; vmkctl network; return 1; }
host_request link up0 off
expect "vmkctl network reports the link down when the cable is pulled" wait_link down 0
host_request link up0 on
expect "and up at 1000 Mb/s when it is back" wait_link up 1000

expect "vmkctl unload --force powers the VM off and unloads" vmkctl unload --force
expect_fail "vmkload is gone" vmk_loaded
