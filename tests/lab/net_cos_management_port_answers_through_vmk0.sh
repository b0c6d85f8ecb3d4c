# SPDX-License-Identifier: GPL-2.0-only
# The COS on vswitch0 (docs/network.md "The COS on the switch"): the lab
# host's forwarded management port (ci/lab's hostfwd to the COS's port
# 443) answers a TCP connection before the load, through eth0 (e1000);
# after `/etc/init.d/vmk start net=1 net_pci=<eth0's NIC>`, through vmk0,
# the COS's paravirtual NIC on vswitch0's "Management Network", whose
# port's counters in `vmkctl network` grow with it; and after `stop`
# through e1000 again, the address back on its interface. The connection
# comes from the lab host's end of the forwarded port: the COS connects to
# 10.0.2.2:PORT, which QEMU's user network maps to the host's 127.0.0.1,
# where hostfwd listens and forwards to 10.0.2.15:443. Each phase also
# moves 256 KiB over that path and prints the rate. vmk0 is woken by the
# vmkernel's doorbell on the uplink NIC's irq (docs/network.md
# "Interrupts for vmk0 and the uplink"): the doorbell rang, the vmkernel
# took the NIC's interrupts, and vmk0 received from its RX ring (ABI 49,
# "vmk0's rings") with fewer than one RX hypercall per two frames. vmk0's
# handler claims the irq exactly when the vmkernel rang or took the NIC's
# interrupt (the shared page's net_intr_seq): the handler's own count of
# the interrupts it did not claim (/sys/class/net/vmk0/vmk/irq_unclaimed;
# Linux's /proc/irq/N/spurious starts again every 100,000 interrupts)
# stays put over the transfer, where claiming only when armed left tens
# unclaimed.
# timeout: 360
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

MGMT_PORT=$(sed -n 's/.*vmk\.lab_mgmt=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$MGMT_PORT" ] || fail "no vmk.lab_mgmt= on the kernel command line (ci/lab names the forwarded port)"
BLOB_KIB=256

printf '#!/bin/sh\necho "$1"\n' > /tmp/say.sh
printf '#!/bin/sh\ndd if=/dev/zero bs=1024 count=%u 2>/dev/null\n' $BLOB_KIB > /tmp/blob.sh
chmod +x /tmp/say.sh /tmp/blob.sh

# serve PROG...: one connection on the COS's port 443 gets PROG's output
serve() {
	nc -l -p 443 -e "$@" &
	srv=$!
	sleep 1
}
served() { kill $srv 2>/dev/null; wait $srv 2>/dev/null; }

# host_conn: what a connection to the host's end of the forwarded port reads
host_conn() { timeout 60 nc 10.0.2.2 "$MGMT_PORT" < /dev/null; }

# answers WORD: the forwarded port reaches the COS's server, which says WORD
answers() {
	printf '#!/bin/sh\necho %s\n' "$1" > /tmp/say.sh
	serve /tmp/say.sh
	got=$(host_conn)
	served
	[ "$got" = "$1" ] || { echo "the host's end read '$got', not '$1'"; return 1; }
}

# moves VIA: BLOB_KIB KiB from the COS's server through the forwarded port
moves() {
	serve /tmp/blob.sh
	t0=$(cut -d' ' -f1 /proc/uptime)
	n=$(host_conn | wc -c)
	t1=$(cut -d' ' -f1 /proc/uptime)
	served
	note "$1: $n bytes through the forwarded port in $(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}') s"
	[ "$n" = $((BLOB_KIB * 1024)) ] || { echo "$n bytes of $((BLOB_KIB * 1024))"; return 1; }
}

cos_port() { vmkctl network | grep "^port: .* owner=cos "; }
cos_port_rx() { cos_port | sed -n 's/.* rx_packets=\([0-9]*\) .*/\1/p'; }
cos_port_tx() { cos_port | sed -n 's/.* tx_packets=\([0-9]*\) .*/\1/p'; }
has_addr() { ip -4 addr show dev "$1" | grep -q " inet $2/"; }

# a failure half-way leaves the address where the unload puts it back
trap 'vmk_loaded && /etc/init.d/vmk stop --force > /dev/null 2>&1' EXIT

eth0_pci=$(basename "$(readlink /sys/class/net/eth0/device)")
eth0_mac=$(cat /sys/class/net/eth0/address)
addr=$(ip -4 -o addr show dev eth0 | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p')
note "eth0 ($eth0_pci, $eth0_mac) has $addr; the host forwards 127.0.0.1:$MGMT_PORT to its port 443"
expect "before the load: the management port answers through eth0" answers e1000-before
moves eth0 || fail "before the load: 256 KiB through eth0"

/etc/init.d/vmk start net=1 net_pci="$eth0_pci" mem_mb=200 2>&1 | tee /tmp/start.txt
expect "vmkload is loaded" vmk_loaded
/etc/init.d/vmk hostd-stop > /dev/null 2>&1	# port 443 is the test's
expect "the loader handed eth0's NIC over" vmkload_says "uplink NIC $eth0_pci (driver e1000) handed to the vmkernel"
expect "vmk0 is the COS's NIC" vmkload_says "vmk0 is the COS's NIC on vswitch0 port"
expect "vmk0 is woken on the uplink NIC's irq" vmkload_says "vmk0 is the COS's NIC .*woken on the uplink NIC's irq"
expect_fail "eth0 is gone" test -e /sys/class/net/eth0
expect "vmk0 has eth0's MAC" grep -qx "$eth0_mac" /sys/class/net/vmk0/address
expect "vmk0 has the management address" has_addr vmk0 "$addr"
expect "the default route is vmk0's" sh -c 'ip route show default | grep -q " dev vmk0"'
vmkctl network | tee /tmp/net.txt
expect "vmkctl network: the COS's port is in Management Network with the uplink's MAC" \
	grep -q "^port: [0-9]* owner=cos portgroup=\"Management Network\" vlan=0 mac=$eth0_mac " /tmp/net.txt
rx0=$(cos_port_rx); tx0=$(cos_port_tx)
bell_irq=$(sed -n 's/^ *\([0-9]*\):.* vmk0$/\1/p;s/^ *\([0-9]*\):.* vmk0,.*/\1/p;s/^ *\([0-9]*\):.*, vmk0.*/\1/p' /proc/interrupts | head -1)
unhandled() { cat /sys/class/net/vmk0/vmk/irq_unclaimed; }
expect "vmk0's doorbell irq is known" test -n "$bell_irq"
unhandled0=$(unhandled)
vmk0_rx() { cat /sys/class/net/vmk0/statistics/rx_packets; }
rx_hc() { cat /sys/class/net/vmk0/vmk/rx_hypercalls; }
vrx0=$(vmk0_rx); hc0=$(rx_hc)
expect "after the load: the management port answers through vmk0" answers vmk0
moves vmk0 || fail "after the load: 256 KiB through vmk0"
rx1=$(cos_port_rx); tx1=$(cos_port_tx)
unhandled1=$(unhandled)
vrx1=$(vmk0_rx); hc1=$(rx_hc)
note "vmk0's RX ring: $((vrx1 - vrx0)) frames received with $((hc1 - hc0)) RX hypercalls (POLL, ARM), $(cat /sys/class/net/vmk0/vmk/kicks) kicks since the load"
expect "vmk0 received from its ring with fewer than one RX hypercall per two frames" \
	test $((2 * (hc1 - hc0))) -lt $((vrx1 - vrx0))
note "irq $bell_irq: vmk0 left $unhandled0 -> $unhandled1 unclaimed, claimed $(cat /sys/class/net/vmk0/vmk/irq_claimed); $(vmkctl network | grep -o ' irqs=[0-9]* bell_ipis=[0-9]* bells_merged=[0-9]*')"
expect "vmk0 counts its unclaimed interrupts" test -n "$unhandled0" -a -n "$unhandled1"
expect "vmk0's handler left none of the vmkernel's interrupts unclaimed" \
	test $((unhandled1 - unhandled0)) -le 2
note "the COS's port: rx_packets $rx0 -> $rx1, tx_packets $tx0 -> $tx1"
expect "the COS's port received the connection's frames" test $((rx1 - rx0)) -ge 100
expect "the COS's port sent the connection's frames" test $((tx1 - tx0)) -ge 100
cos_port
for c in rx_packets tx_packets rx_dropped tx_errors; do
	note "vmk0 $c $(cat /sys/class/net/vmk0/statistics/$c)"
done
grep -E 'vmk0|MIS' /proc/interrupts
expect_fail "no irq was disabled as unhandled" dmesg_has "nobody cared"
expect "the vmkernel routed vmnic0's interrupt" vmk_log_has "net: vmnic0's interrupt: vector 0x"

expect "/etc/init.d/vmk stop" /etc/init.d/vmk stop
expect_fail "vmkload is unloaded" vmk_loaded
expect_fail "vmk0 is gone" test -e /sys/class/net/vmk0
vmkload_lines | grep "vmk0: .* polls of the uplink" | tee /tmp/calls.txt
bells=$(sed -n 's/.* kicks; \([0-9]*\) doorbells.*/\1/p' /tmp/calls.txt)
expect "vmk0's doorbell rang" test "${bells:-0}" -gt 0
back=$(ls /sys/bus/pci/devices/"$eth0_pci"/net)
note "the NIC's interface is $back again"
expect "$back has the management address again" has_addr "$back" "$addr"
expect "after the unload: the management port answers through e1000" answers e1000-after
moves "$back" || fail "after the unload: 256 KiB through e1000"
