# SPDX-License-Identifier: GPL-2.0-only
# Firmware boot: a VM with vmk.boot = "bios" and nothing to boot starts at
# the reset vector in real mode; SeaBIOS (Debian's bios-256k.bin, which
# vmkctl loads from the COS's /usr/share/seabios) finds fw_cfg, shadows
# itself below 1 MiB, starts the second vCPU and puts its console on COM1
# ("etc/sercon-port"): its banner and "No bootable device" show on
# `vmkctl vm console`, with the .vmx's uuid.bios that SMBIOS gave it
# (fw_cfg "etc/smbios/*"). `vmkctl vm reset` starts the firmware again from
# its ROM, and so does SeaBIOS's own retry 60 s after "No bootable
# device" (a platform reset): the VM runs on until killed. A Multiboot
# witness VM and the COS are not disturbed. (BIOS VMs with a disk and a
# NIC: vm_bios_boots_from_its_pvscsi_disk.sh.)
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "the COS has SeaBIOS" test -f /usr/share/seabios/bios-256k.bin
cat > /tmp/bios.vmx <<'EOF'
config.version = "8"
virtualHW.version = "4"
displayName = "bios"
memsize = "64"
numvcpus = "2"
uuid.bios = "56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e"
EOF
vm_make_guest_vmx /tmp/witness.vmx witness cpu_spin
expect "insmod vmkload takes over" vmk_load mem_mb=200
vm_up witness /tmp/witness.vmx
vm_console_expect "the witness VM runs" witness 120 "cpu_spin: 2"
vm_up bios /tmp/bios.vmx
vmkctl vm console bios --expect "No bootable device" --timeout 240 > /tmp/bios-console.txt 2>&1
rc=$?
cat -v /tmp/bios-console.txt; echo
vmkctl vm info bios | tee /tmp/bios-info.txt
vmkctl log | grep -E "vm [0-9]+ .*'bios'|vm [0-9]+ vcpu" | tail -30
[ $rc = 0 ] || fail "SeaBIOS did not reach 'No bootable device' on the VM's console"
expect "SeaBIOS printed its banner on COM1" grep -q "SeaBIOS (version" /tmp/bios-console.txt
# SMBIOS through fw_cfg: the firmware prints the System UUID it found,
# its first three fields little-endian (SMBIOS 2.6+), as a guest reads it.
expect "SeaBIOS found uuid.bios in the SMBIOS tables" \
	grep -q "Machine UUID 3a9b4d56-6f5c-0d27-b42e-7a0e9b3c4d5e" /tmp/bios-console.txt
expect "vm info says bios boot" test "$(vm_field bios boot)" = bios
expect "the BIOS VM is still running" test "$(vm_field bios state)" = running
expect "vmkctl vm reset restarts it" vmkctl vm reset bios
vm_console_expect "the firmware starts again after the reset" bios 120 "SeaBIOS (version"
vm_console_expect "and again finds nothing to boot" bios 120 "No bootable device"
pons=$(vm_field bios power-ons)
# SeaBIOS waits 60 s, then resets the platform itself.
vm_console_expect "SeaBIOS's own retry resets the VM and it starts over" bios 150 "SeaBIOS (version"
vmkctl vm info bios
expect "the retry counted as a power on" test "$(vm_field bios power-ons)" -gt "$pons"
expect "the BIOS VM still runs after its resets" test "$(vm_field bios state)" = running
expect "the witness makes progress next to it" cpu_spin_progress witness 60
expect "kill ends the BIOS VM" vmkctl vm kill bios
expect "it is off" test "$(vm_field bios state)" = off
expect "no guest memory held after the kill" test "$(vm_field bios memory-pages-held)" = 0
expect "the witness still makes progress" cpu_spin_progress witness 60
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload gives the machine back" vmkctl unload --force
