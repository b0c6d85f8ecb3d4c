# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/vm: run by ci/lab as the scenario (busybox sh). Prints
#   bench-vm KEY VALUE
# for: the CPU-bound loop (vmk-labtool bench cpu) in the COS without the
# vmkernel and in a 1-vCPU Linux VM (ops/s), the VM's boot-to-shell time,
# the exits per second of the idle guest (and per kind), what a 32 MiB
# Linux VM does, and how many 32 MiB VMs (cpu_spin) start until admission
# control or the VM slots refuse one.
# Kernel command line: vmk.bench_seconds=N (CPU benchmark, default 10),
# vmk.bench_idle=N (idle window, default 10).
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 10)
idle=$(param idle 10)
now_ms() { echo $(($(vmk-labtool now) / 1000000)); }

echo "bench-vm config seconds=$seconds idle=$idle"
out=$(vmk-labtool bench cpu "$seconds" 1) || fail "bench cpu in the COS: $out"
echo "bench-vm cos-cpu ${out##* }"

vmk_load mem_mb=1000 || fail "insmod vmkload mem_mb=1000"
# The guest on CPU 1, where the COS's loop ran; the COS polls the console
# from CPU 0, so both loops have a CPU to themselves (the cost measured is
# virtualization's, not the COS's competition for the CPU).
vm_make_linux_vmx /tmp/bench.vmx bench 128 1 'sched.cpu.affinity = "1"'
vmkctl vm register /tmp/bench.vmx >/dev/null || fail "register"
t0=$(now_ms)
vmkctl vm start bench || fail "start"
vmkctl vm console bench --expect "vmk-guest: shell ready" --timeout 1200 > /tmp/boot.txt ||
	fail "the guest did not reach its shell"
echo "bench-vm boot-to-shell-ms $(($(now_ms) - t0))"

# The echo of the command shows "$E-$E"; only the output has END-END.
taskset 1 vmkctl vm console bench --send "E=END; vmk-labtool bench cpu $seconds | sed \"s/\$/ \$E-\$E/\"\\n" \
	--expect "END-END" --timeout $((seconds * 10 + 120)) > /tmp/guest-cpu.txt ||
	fail "bench cpu in the guest"
guest=$(tr -d '\r' < /tmp/guest-cpu.txt | sed -n 's/^bench cpu \([0-9.]*\) END-END.*/\1/p' | tail -1)
echo "bench-vm vm-cpu ${guest:-none}"

sleep 5	# let the shell settle: nothing runs in the guest now
e0=$(vm_field bench exits | sed 's/ /\n/g' | sed -n 's/^total=//p')
k0=$(vm_field bench exits)
sleep "$idle"
e1=$(vm_field bench exits | sed 's/ /\n/g' | sed -n 's/^total=//p')
k1=$(vm_field bench exits)
echo "bench-vm idle-exits-per-s $(((e1 - e0) / idle))"
echo "bench-vm idle-exits-before $k0"
echo "bench-vm idle-exits-after $k1"
vmkctl vm kill bench >/dev/null
vmkctl vm unregister bench >/dev/null

# Debian's kernel decompresses itself above 16 MiB (CONFIG_PHYSICAL_START),
# so it needs more than 32 MiB: record what a 32 MiB Linux VM does.
vm_make_linux_vmx /tmp/linux32.vmx linux32 32 1
vmkctl vm register /tmp/linux32.vmx >/dev/null && vmkctl vm start linux32 >/dev/null
sleep 10
echo "bench-vm linux-32mib $(vm_field linux32 state): $(vm_field linux32 reason)"
vmkctl vm kill linux32 >/dev/null 2>&1
vmkctl vm unregister linux32 >/dev/null

# As many 32 MiB VMs as start (cpu_spin: a guest that fits), until the
# vmkernel refuses one.
n=0 why=""
while [ $n -lt 32 ]; do
	v=small$((n + 1))
	vm_make_guest_vmx /tmp/$v.vmx $v cpu_spin
	sed -i 's/^memsize = .*/memsize = "32"/' /tmp/$v.vmx
	vmkctl vm register /tmp/$v.vmx >/dev/null || { why="register refused"; break; }
	if ! why=$(vmkctl vm start $v 2>&1 >/dev/null); then
		break
	fi
	n=$((n + 1))
done
echo "bench-vm vms-32mib-started $n"
echo "bench-vm vms-32mib-refused-because $why"
echo "bench-vm pool-free-kib $(vmkctl status | sed -n 's/^memory: .* \([0-9]*\) KiB free/\1/p')"
sleep 30
r=0
for i in $(seq 1 $n); do [ "$(vm_field small$i state)" = running ] && r=$((r + 1)); done
echo "bench-vm vms-32mib-running-after-30s $r"
echo "bench-vm cos-responds-10s $(cos_responds 10 && echo yes || echo no)"
vmkctl status | sed 's/^/bench-status /'
vmkctl unload --force >/dev/null || fail "unload --force"
echo "bench-vm done"
