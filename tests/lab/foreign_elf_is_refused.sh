# SPDX-License-Identifier: GPL-2.0-only
# An ELF file that is not a vmkernel image is refused: an i386 program (the
# COS's busybox) and the vmkernel image marked as 64-bit and as x86-64. Each
# time insmod fails with one clear line and Linux is as before; the real
# image then still loads.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

img=/lib/vmk/vmkernel.elf
cp $img /tmp/elf64.elf
printf '\002' | dd of=/tmp/elf64.elf bs=1 seek=4 conv=notrunc 2>/dev/null	# EI_CLASS = ELFCLASS64
cp $img /tmp/x86-64.elf
printf '\076\000' | dd of=/tmp/x86-64.elf bs=1 seek=18 conv=notrunc 2>/dev/null	# e_machine = EM_X86_64 (62)
expect_load_refused "an i386 program (busybox)" "not a vmkernel image" image=/bin/busybox
expect_load_refused "an ELF64 file" "foreign" image=/tmp/elf64.elf
expect_load_refused "an x86-64 ELF file" "foreign" image=/tmp/x86-64.elf
expect_good_load_cycle
