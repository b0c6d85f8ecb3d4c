# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/network: run by ci/lab as the scenario (busybox sh),
# with iperf3 (Debian's i386, through its staged loader) and vmk-iperf in
# /lab/stage, and the host's iperf3 server at 10.0.2.2:PORT
# (vmk.bench_iperf_port). Each iperf3 run is SECONDS of one TCP stream;
# vmk-iperf prints iperf3's exit status, error and bytes (ci/guest-image).
#   cos-host:       the COS's eth0 (its own e1000 driver), before the load;
#   vmxnet3-host:   VM "bv" (vmxnet3) through vswitch0's uplink (the
#                   second e1000, up0, handed over with vmkload net=1);
#   e1000-host:     VM "be" (e1000) the same way;
#   vmxnet3-e1000:  bv's client to be's server on vswitch0;
#   e1000-vmxnet3:  the same with -R (be sends).
# The VMs get their addresses by DHCP from up0's user network. Prints
#   bench-network PHASE iperf3-result status=S error=E sent=B ... bps=X =end
#   bench-network PHASE exits VM EXITS FRAMES   (the VM's exits during the
#                   run, its port's frames sent and received)
#   bench-network idle idle-exits VM EXITS      (the idle guest's in SECONDS)
#   bench-network ping MIN/AVG/MAX              (bv to be, ms)
# devices: -netdev user,id=up0 -device e1000,netdev=up0,mac=52:54:00:12:34:99,addr=0x9
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

UPLINK_PCI=0000:00:09.0
param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 10)
port=$(param iperf_port "")
[ -n "$port" ] || fail "no vmk.bench_iperf_port= (run bench/network, not the scenario alone)"
[ -x /lab/stage/iperf3 ] || fail "iperf3 is not in /lab/stage (run bench/network)"
echo "bench-network config seconds=$seconds"

# The COS before the load, through its own driver.
out=$(PATH=/lab/stage:$PATH /lab/stage/vmk-iperf -c 10.0.2.2 -p "$port" -t "$seconds")
echo "$out"
echo "bench-network cos-host $(echo "$out" | grep '^iperf3-result ')"

expect "insmod vmkload net=1" vmk_load net=1 net_pci=$UPLINK_PCI mem_mb=400
# bench_vmx NAME DEV MAC: a 1-vCPU 128 MiB guest with iperf3 on VM Network.
bench_vmx() {
	vm_make_vmx "/tmp/$1.vmx" "$1" 128 1 $VM_GUESTS/vmlinuz $VM_GUESTS/initrd-net.gz \
		"console=ttyS0 pci=noacpi no_timer_check" \
		'ethernet0.present = "TRUE"' "ethernet0.virtualDev = \"$2\"" \
		'ethernet0.networkName = "VM Network"' "ethernet0.address = \"$3\""
	vm_up "$1" "/tmp/$1.vmx"
}
bench_vmx bv vmxnet3 00:50:56:00:00:31
bench_vmx be e1000 00:50:56:00:00:32
for v in bv be; do
	vm_console_expect "$v reaches its shell" $v 600 "vmk-guest: shell ready"
	vm_capture $v 'ip link set eth0 up; udhcpc -i eth0 -n -q -t 8 -T 3 > /tmp/d 2>&1; echo "udhcpc-status=$?"; ip -4 addr show dev eth0; echo dhcp-$((1+1))-done' \
		dhcp-2-done 180 /tmp/dhcp-$v.txt
	grep -q "^udhcpc-status=0" /tmp/dhcp-$v.txt || fail "$v got no DHCP lease"
done
be_ip=$(sed -n 's/^ *inet \(10\.0\.2\.[0-9]*\)\/24 .*/\1/p' /tmp/dhcp-be.txt | head -1)
[ -n "$be_ip" ] || fail "be has no address in 10.0.2.0/24"

total_exits() { vm_field "$1" exits | sed 's/ /\n/g' | sed -n 's/^total=//p'; }
frames() {
	vmkctl network | grep "^port: .*owner=vm:[0-9]*:$1 " |
		sed -n 's/.* tx_packets=\([0-9]*\) .* rx_packets=\([0-9]*\) .*/\1 \2/p' | awk '{ print $1 + $2 }'
}
# The idle guests' exits over as long as a run (their timers, mostly).
e_bv=$(total_exits bv) e_be=$(total_exits be)
sleep "$seconds"
echo "bench-network idle idle-exits bv $(($(total_exits bv) - e_bv))"
echo "bench-network idle idle-exits be $(($(total_exits be) - e_be))"

# run PHASE CLIENT "VM..." ARGS: vmk-iperf ARGS in CLIENT's guest; the
# exits and frames of each VM around it.
run() {
	r_phase=$1 r_vm=$2 r_vms=$3
	shift 3
	for v in $r_vms; do
		eval "x0_$v=\$(total_exits $v) f0_$v=\$(frames $v)"
	done
	vm_capture "$r_vm" "vmk-iperf $*" "=end" $((seconds * 4 + 120)) /tmp/run.txt
	for v in $r_vms; do
		eval "echo \"bench-network $r_phase exits $v \$((\$(total_exits $v) - x0_$v)) \$((\$(frames $v) - f0_$v))\""
	done
	echo "bench-network $r_phase $(grep '^iperf3-result ' /tmp/run.txt)"
}
run vmxnet3-host bv bv -c 10.0.2.2 -p "$port" -t "$seconds"
run e1000-host be be -c 10.0.2.2 -p "$port" -t "$seconds"
vm_run be 'iperf3 -s -1 -D; sleep 1; echo iperf3-$((1+1))-serves' iperf3-2-serves
run vmxnet3-e1000 bv "bv be" -c "$be_ip" -t "$seconds"
vm_run be 'iperf3 -s -1 -D; sleep 1; echo iperf3-$((1+1))-serves' iperf3-2-serves
run e1000-vmxnet3 bv "bv be" -c "$be_ip" -t "$seconds" -R
vm_capture bv "ping -c 20 -i 0.2 $be_ip; echo ping-\$((1+1))-done" "ping-2-done" 120 /tmp/ping.txt
echo "bench-network ping $(sed -n 's/^round-trip min\/avg\/max = \([0-9.\/]*\) ms.*/\1/p' /tmp/ping.txt)"
vmkctl network
vmkctl vm info bv
vmkctl vm info be
expect "vmkctl unload --force" vmkctl unload --force
