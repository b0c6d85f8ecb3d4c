# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/firmware: run by ci/lab as the scenario (busybox sh).
# The stock Linux guest (128 MiB, 1 vCPU) boots in turns through SeaBIOS
# (vmk.boot = "bios" with vmk.kernel: fw_cfg and linuxboot_dma.bin) and
# through vmk's own loader (vmk.boot = "linux"), vmk.bench_rounds times
# each (default 3). Prints per boot
#   bench-fw KIND ROUND first-line-ms SHELL-MS exits EXITS
# first-line-ms: vmkctl vm start to the kernel's "Linux version" line on
# the VM's console; shell-ms: to the guest's "shell ready"; exits: the
# VM's exit counters (vmkctl vm info) when the first line showed, that is
# what the firmware and the loader took.
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

rounds=$(sed -n 's/.*vmk\.bench_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=${rounds:-3}
now_ms() { echo $(($(vmk-labtool now) / 1000000)); }

[ -f /usr/share/seabios/bios-256k.bin ] || fail "the COS has no SeaBIOS"
vmk_load mem_mb=400 || fail "insmod vmkload mem_mb=400"
vm_make_linux_vmx /tmp/linux.vmx direct 128 1
sed -e 's/"direct"/"firmware"/' -e 's/vmk.boot = "linux"/vmk.boot = "bios"/' \
	-e 's/^vmk.cmdline = .*/vmk.cmdline = "console=ttyS0 acpi=off"/' \
	/tmp/linux.vmx > /tmp/bios.vmx
for kind in firmware direct; do
	vmkctl vm register /tmp/$([ $kind = firmware ] && echo bios || echo linux).vmx >/dev/null ||
		fail "register $kind"
done
echo "bench-fw config rounds=$rounds guest=128MiB,1vCPU"
r=1
while [ $r -le "$rounds" ]; do
	for kind in firmware direct; do
		t0=$(now_ms)
		vmkctl vm start $kind >/dev/null || fail "start $kind"
		vmkctl vm console $kind --expect "Linux version" --timeout 300 >/dev/null ||
			fail "$kind: no 'Linux version' on the console"
		t1=$(now_ms)
		exits=$(vm_field $kind exits)
		vmkctl vm console $kind --expect "vmk-guest: shell ready" --timeout 300 >/dev/null ||
			fail "$kind: no shell"
		t2=$(now_ms)
		echo "bench-fw $kind $r $((t1 - t0)) $((t2 - t0)) exits $exits"
		vmkctl vm kill $kind >/dev/null || fail "kill $kind"
	done
	r=$((r + 1))
done
vmkctl status | sed "s/^/bench-status /"
vmkctl unload --force >/dev/null || fail "unload --force"
echo "bench-fw done"
