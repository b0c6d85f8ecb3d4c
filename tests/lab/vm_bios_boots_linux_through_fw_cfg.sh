# SPDX-License-Identifier: GPL-2.0-only
# Firmware kernel loading: a VM with vmk.boot = "bios" and vmk.kernel,
# vmk.initrd, vmk.cmdline (the lab's stock guest) boots the way
# `qemu -kernel` does: SeaBIOS prints its banner on COM1, runs the option
# ROM linuxboot_dma.bin (fw_cfg file "genroms/linuxboot_dma.bin", named
# in "bootorder"), which reads the setup code, kernel, initrd and command
# line through fw_cfg and starts the kernel; the guest reaches its shell
# on `vmkctl vm console`. vmk's ACPI tables come through fw_cfg's table
# loader ("etc/table-loader" places "etc/acpi/rsdp" and
# "etc/acpi/tables"): the guest, booted with ACPI, finds vmk's RSDP and
# FADT, its power button and the SCI on the IOAPIC, its e1000 under the
# DSDT's PCI root bridge, and `vmkctl vm stop` shuts it down through
# that button (on the old code, with no tables, the stop was refused).
# SMBIOS comes through fw_cfg: the guest's DMI shows vmk as vendor and
# the .vmx's uuid.bios. A Multiboot kernel (the project's mbtest) boots
# the same way through multiboot_dma.bin with its command line and
# module; a kernel of neither kind is refused at vm start with a sentence.
# The .vmx has no uuid.bios and an e1000 without an address: vm start
# writes both into it (uuid.bios, ethernet0.generatedAddress), the guest
# sees that UUID in its DMI (a version 4 UUID) and that MAC on eth0; a
# second start leaves the file as it is; a read-only .vmx without its
# identity is refused.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "the COS has SeaBIOS" test -f /usr/share/seabios/bios-256k.bin
expect "the COS has the linuxboot option ROM" test -f /usr/share/qemu/linuxboot_dma.bin
expect "the stock guest is staged" test -f $VM_GUESTS/vmlinuz
cat > /tmp/bioslinux.vmx <<EOF2
config.version = "8"
virtualHW.version = "4"
displayName = "bioslinux"
memsize = "128"
numvcpus = "1"
vmk.boot = "bios"
vmk.kernel = "$VM_GUESTS/vmlinuz"
vmk.initrd = "$VM_GUESTS/initrd.gz"
vmk.cmdline = "console=ttyS0"
# written by hand: vm start keeps this comment and appends below
ethernet0.present = "TRUE"
ethernet0.virtualDev = "e1000"
EOF2
cp /tmp/bioslinux.vmx /tmp/bioslinux.vmx.orig
expect "insmod vmkload takes over" vmk_load mem_mb=200
vm_up bioslinux /tmp/bioslinux.vmx
cat /tmp/bioslinux.vmx
# vmx_key KEY: the value of KEY in the .vmx
vmx_key() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" /tmp/bioslinux.vmx; }
uuid=$(vmx_key uuid.bios)
mac=$(vmx_key ethernet0.generatedAddress)
expect "vm start kept every line it found" sh -c \
	"head -c $(wc -c < /tmp/bioslinux.vmx.orig) /tmp/bioslinux.vmx | cmp -s - /tmp/bioslinux.vmx.orig"
expect "and wrote a uuid.bios in VMware's form" sh -c \
	"echo '$uuid' | grep -qE '^56 4d( [0-9a-f]{2}){6}-[0-9a-f]{2}( [0-9a-f]{2}){7}\$'"
# the guest reads the first three fields little-endian (vmm/boot/smbios.h)
set -- $(echo "$uuid" | tr -- - ' ')
guest_uuid=$4$3$2$1-$6$5-$8$7-$9${10}-${11}${12}${13}${14}${15}${16}
expect "a version 4 UUID as the guest reads it ($guest_uuid)" sh -c \
	"echo $guest_uuid | grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$'"
expect "and ethernet0's MAC from its tail ($mac)" test "$mac" = "00:0c:29:${14}:${15}:${16}"
vmkctl vm console bioslinux --expect "vmk-guest: shell ready" --timeout 300 > /tmp/bioslinux-console.txt 2>&1
rc=$?
cat -v /tmp/bioslinux-console.txt | tail -c 20000; echo
vmkctl vm info bioslinux
vmkctl log | grep -E "vm [0-9]+ .*'bioslinux'" | tail -20
[ $rc = 0 ] || fail "the guest did not reach its shell through SeaBIOS"
expect "SeaBIOS printed its banner first" grep -q "SeaBIOS (version" /tmp/bioslinux-console.txt
expect "SeaBIOS booted the option ROM" grep -q "Booting from ROM" /tmp/bioslinux-console.txt
expect "then the guest kernel" grep -q "Linux version" /tmp/bioslinux-console.txt
vm_console_expect "the guest got the command line through fw_cfg" bioslinux 60 \
	"cmdline-ok-1" 'echo cmdline-ok-$(grep -c "console=ttyS0" /proc/cmdline)\n'
vm_console_expect "the loader is QEMU's (type_of_loader 0xB0)" bioslinux 60 \
	"loader-b0" 'echo loader-$(dd if=/sys/kernel/boot_params/data bs=1 skip=528 count=1 2>/dev/null | od -An -tx1 | tr -d " ")\n'
vm_console_expect "the guest reads its vendor from SMBIOS" bioslinux 60 \
	"vendor-vmk" 'echo vendor-$(cat /sys/class/dmi/id/sys_vendor)\n'
vm_console_expect "and the uuid.bios vm start wrote as its product_uuid" bioslinux 60 \
	"uuid-$guest_uuid" 'echo uuid-$(cat /sys/class/dmi/id/product_uuid)\n'
vm_console_expect "its e1000 has the MAC vm start wrote" bioslinux 60 \
	"mac-$mac" 'echo mac-$(cat /sys/class/net/eth0/address)\n'
vm_console_expect "the guest found vmk's RSDP and FADT placed by the firmware" bioslinux 60 \
	"acpi-1-1" 'echo acpi-$(dmesg | grep -c "ACPI: RSDP .*VMK")-$(dmesg | grep -c "ACPI: FACP .*VMK")\n'
vm_console_expect "it has an ACPI power button and the SCI on its IOAPIC" bioslinux 60 \
	"buttons-1 sci-1" \
	'echo buttons-$(cat /sys/class/input/input*/name | grep -c "Power Button") sci-$(grep -c "IO-APIC.*9-fasteoi.*acpi" /proc/interrupts)\n'
vm_console_expect "its e1000 sits under the DSDT's PCI root bridge" bioslinux 60 \
	"pci0-1" 'echo pci0-$(dmesg | grep -c "PCI Root Bridge .PCI0.")\n'
vm_console_expect "the root bridge's _CRS gives the root bus its windows" bioslinux 60 \
	"crs-0-1-3-1" \
	'echo crs-$(dmesg | grep -c "no secondary bus range")-$(dmesg | grep -cF "root bus resource [bus 00-ff]")-$(dmesg | grep "root bus resource" | grep -c "window]")-$(dmesg | grep -F "root bus resource [mem" | grep -c "0xfebfffff window]")\n'
vm_console_expect "the guest runs commands" bioslinux 60 "still-$((6*7))" 'echo still-$((6*7))\n'
expect "vm info says bios boot" test "$(vm_field bioslinux boot)" = bios
vmkctl vm stop bioslinux --timeout 120 > /tmp/bios-stop.txt 2>&1
rc=$?
cat /tmp/bios-stop.txt
[ $rc = 0 ] || fail "vmkctl vm stop of the BIOS VM exited $rc"
expect "the guest shut down through its power button" \
	grep -q "^bioslinux: off after [0-9.]* s (guest powered off)" /tmp/bios-stop.txt
expect "no guest memory held after the stop" test "$(vm_field bioslinux memory-pages-held)" = 0
cp /tmp/bioslinux.vmx /tmp/bioslinux.vmx.first
expect "a second start" vmkctl vm start bioslinux
expect "kill it again" vmkctl vm kill bioslinux
expect "leaves the .vmx byte for byte as it was" cmp /tmp/bioslinux.vmx.first /tmp/bioslinux.vmx
# A read-only .vmx without its identity: refused, and left as it was.
sed -e 's/"bioslinux"/"biosro"/' /tmp/bioslinux.vmx.orig > /tmp/biosro.vmx
chmod 444 /tmp/biosro.vmx
vm_start_refused "a read-only .vmx that lacks its identity is refused" biosro /tmp/biosro.vmx \
	"is read-only (mode 0444)"
expect "and is not written" sh -c "! grep -q uuid.bios /tmp/biosro.vmx"
# A Multiboot kernel boots the same way through QEMU's multiboot_dma.bin
# (fw_cfg file "genroms/multiboot_dma.bin"): the project's test kernel
# (tests/guest/mbtest) with a command line and a module; "idle" keeps it
# up after its checks.
expect "the COS has the multiboot option ROM" test -f /usr/share/qemu/multiboot_dma.bin
printf 'hello-from-module\nsecond line\n' > /tmp/biosmb.mod
sed -e 's/"bioslinux"/"biosmb"/' -e 's/memsize = "128"/memsize = "32"/' \
	-e "s|$VM_GUESTS/vmlinuz|$VM_GUESTS/mbtest.elf|" -e "s|$VM_GUESTS/initrd.gz|/tmp/biosmb.mod|" \
	-e 's/console=ttyS0/mbtest-through-seabios idle/' -e '/^ethernet0/d' -e '/^uuid.bios/d' \
	/tmp/bioslinux.vmx.orig > /tmp/biosmb.vmx
cat /tmp/biosmb.vmx
vm_up biosmb /tmp/biosmb.vmx
# how long the firmware takes to reach the kernel (docs/vmm.md), as
# near as a console poll tells: the VM's uptime and exits then (what a
# console reads is gone for the next one: both go to the same file)
vmkctl vm console biosmb --expect "mbtest: start" --timeout 120 > /tmp/biosmb-console.txt 2>&1 &&
	echo "biosmb: 'mbtest: start' seen at uptime $(vm_field biosmb uptime-us) us, exits: $(vm_field biosmb exits)"
vmkctl vm console biosmb --expect "mbtest: idle" --timeout 120 >> /tmp/biosmb-console.txt 2>&1
rc=$?
cat -v /tmp/biosmb-console.txt | tail -c 6000; echo
vmkctl vm info biosmb
vmkctl log | grep -E "vm [0-9]+ .*'biosmb'" | tail -10
[ $rc = 0 ] || fail "the Multiboot kernel did not come up through SeaBIOS"
expect "SeaBIOS booted the Multiboot option ROM" grep -q "Booting from ROM" /tmp/biosmb-console.txt
expect "the test kernel printed its first line" grep -q "mbtest: start" /tmp/biosmb-console.txt
expect "with its command line from the option ROM's info" \
	grep -q "mbtest: cmdline 'mbtest-through-seabios idle'" /tmp/biosmb-console.txt
expect "and its module, every byte of it" \
	grep -q "mbtest: module 0 'module' 30 bytes: hello-from-module" /tmp/biosmb-console.txt
expect "mem_lower and mem_upper as the ROM found them" \
	grep -q "mbtest: mem_lower [0-9]* KiB, mem_upper [0-9]* KiB" /tmp/biosmb-console.txt
expect "its platform checks pass under the firmware" grep -q "mbtest: PASS" /tmp/biosmb-console.txt
expect "kill it" vmkctl vm kill biosmb
# A kernel that is neither a bzImage nor a Multiboot kernel is refused at start.
head -c 16384 /dev/zero > /tmp/notakernel
sed -e 's/"bioslinux"/"biosbad"/' -e "s|$VM_GUESTS/vmlinuz|/tmp/notakernel|" \
	-e '/vmk.initrd/d' /tmp/bioslinux.vmx > /tmp/biosbad.vmx
vm_start_refused "a BIOS VM with a kernel of no known kind is refused" biosbad /tmp/biosbad.vmx \
	"boot loader: neither a bzImage (no HdrS at 0x202) nor Multiboot (no header in 8 KiB)"
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload gives the machine back" vmkctl unload --force
