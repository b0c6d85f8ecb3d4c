# SPDX-License-Identifier: GPL-2.0-only
# An installed operating system on a virtual disk: before the vmkernel
# takes the HBA, the COS makes a VMFS-3 volume "os" on LUN 1 and imports
# ci/os-disk's image (GRUB's boot.img as the MBR, its core.img in the
# gap before the one partition, an ext4 root labelled vmk-root with
# Debian's stock 686-pae kernel and an initramfs in /boot and busybox)
# into a thin virtual disk on it with `vmkfstools -i`; loaded, the
# vmkernel mounts datastore os. A BIOS VM (SeaBIOS, vmk.boot = "bios",
# no vmk.kernel) whose scsi0:0 is "[os] osdisk/osdisk.vmdk" boots it the
# way a PC boots its disk: SeaBIOS prints "Booting from Hard Disk...",
# the MBR loads GRUB's core.img through INT 13h, GRUB's embedded config
# echoes its line and loads the kernel and initramfs from the ext4 root
# through INT 13h, Linux loads vmw_pvscsi, sd_mod and ext4 from the
# initramfs, finds root by its label on /dev/sda1, switches to it, and
# its /sbin/init gives a shell on the console whose /proc/cmdline and
# mounts show root on /dev/sda1, and a file it writes there is there
# after `vmkctl vm reset`.
# After the unload the COS finds the volume clean and the extent's lock
# free; the volume header is wiped for the next scenario of the boot.
# The time from `vmkctl vm start` to the init's line is printed.
# timeout: 420
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

DISK="[os] osdisk/osdisk.vmdk"

expect "the COS has SeaBIOS" test -f /usr/share/seabios/bios-256k.bin
expect "the OS disk image is staged" test -f $VM_GUESTS/os-disk.img.gz
# The COS still drives the HBA: LUN 1 is its disk on target 1.
sd=$(cos_lun_disk 1)
expect "the COS sees LUN 1" test -n "$sd"
zcat $VM_GUESTS/os-disk.img.gz > /tmp/os-disk.img ||
	fail "the COS could not unpack the OS disk image"
expect "the COS makes VMFS-3 volume os on LUN 1" vmkfstools -C vmfs3 -S os /dev/$sd
expect "and a folder" vmkfstools --mkdir /dev/$sd:/osdisk
expect "vmkfstools -i imports the image as a thin disk" \
	vmkfstools -i /tmp/os-disk.img -d thin /dev/$sd:/osdisk/osdisk.vmdk
rm -f /tmp/os-disk.img
vmkfstools -P /dev/$sd:/osdisk/osdisk-flat.vmdk

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=200
vmkctl storage datastores | tee /tmp/ds.txt
expect "the vmkernel mounted datastore os" grep -q "^os .* vmhba0:C0:T1:L0 (read-write" /tmp/ds.txt
vm_bios_disk_vmx /tmp/osdisk.vmx osdisk 128 "$DISK"
expect "register osdisk" vmkctl vm register /tmp/osdisk.vmx
t0=$(cut -d' ' -f1 /proc/uptime)
expect "start osdisk" vmkctl vm start osdisk
vmkctl vm console osdisk --expect "vmk-osdisk: init runs from the disk's root" \
	--timeout 300 > /tmp/osdisk-console.txt 2>&1
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
[ $rc = 0 ] && note "vm start to the disk's init: $(echo "$t1 - $t0" | bc) s"
cat -v /tmp/osdisk-console.txt | tail -c 30000; echo
vmkctl vm info osdisk
vmkctl log | grep -E "vm [0-9]+ .*'osdisk'|vm [0-9]+ vcpu|PCI" | tail -30
[ $rc = 0 ] || fail "the VM did not boot the OS on its disk to its init"
# SeaBIOS's serial console moves the cursor with ANSI sequences anywhere
# in the lines of INT 10h programs (GRUB): drop them before matching.
esc=$(printf '\033')
sed "s/$esc\[[0-9;?]*[A-Za-z]//g" /tmp/osdisk-console.txt > /tmp/osdisk-console.clean
expect "SeaBIOS printed its banner" grep -q "SeaBIOS (version" /tmp/osdisk-console.clean
expect "SeaBIOS boots the hard disk" grep -q "Booting from Hard Disk" /tmp/osdisk-console.clean
expect "GRUB's boot.img and diskboot ran" grep -q "GRUB loading" /tmp/osdisk-console.clean
expect "GRUB's kernel started" grep -q "Welcome to GRUB!" /tmp/osdisk-console.clean
expect "GRUB runs core.img's embedded config" \
	grep -q "vmk-osdisk: GRUB loads the stock kernel from the disk" /tmp/osdisk-console.clean
expect "Linux starts" grep -q "Linux version" /tmp/osdisk-console.clean
expect "the initramfs found root on the virtual disk" \
	grep -q "vmk-osdisk: root LABEL=vmk-root is /dev/sda1" /tmp/osdisk-console.clean
expect_fail "no FAIL line" grep -q "vmk-osdisk: FAIL" /tmp/osdisk-console.clean
vm_run osdisk "cat /proc/cmdline" "root=LABEL=vmk-root"
vm_run osdisk "mount" "/dev/sda1 on / type ext4"
vm_run osdisk 'echo answer=$((6*7)) > /answer; sync; cat /answer' "answer=42"
# The root is the disk: what was written there is there after a reset.
expect "vmkctl vm reset restarts it" vmkctl vm reset osdisk
vm_console_expect "after the reset it boots the disk again" osdisk 300 \
	"vmk-osdisk: init runs from the disk's root"
vm_run osdisk "cat /answer" "answer=42"
expect "the VM still runs" test "$(vm_field osdisk state)" = running
expect "kill ends it" vmkctl vm kill osdisk
expect "the vmkernel runs on" vmkernel_alive
expect "vmkctl unload gives the machine back" vmkctl unload --force
expect_fail "vmkload is gone" vmk_loaded

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the volume checks clean" vmkfstools --check /dev/$sd
vmkfstools -D /dev/$sd:/osdisk/osdisk-flat.vmdk | tee /tmp/osdisk-D.txt
expect "the extent's lock is free" grep -q "^Lock .*: free$" /tmp/osdisk-D.txt
expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
