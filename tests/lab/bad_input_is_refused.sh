# SPDX-License-Identifier: GPL-2.0-only
# insmod fails with one clear dmesg line and leaves Linux as it was for a
# truncated image, a foreign ELF, an ELF that is no vmkernel, a missing image, a wrong ABI version and
# too little memory. (A CPU without SVM: no_svm_cpu_is_refused.sh.)
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

img=/lib/vmk/vmkernel.elf
mkdir -p /tmp/bad
head -c 4000 $img > /tmp/bad/truncated.elf
cp /bin/busybox /tmp/bad/not-vmkernel.elf
# An x86-64 ELF: the vmkernel with e_machine (offset 18) = EM_X86_64 (62).
cp $img /tmp/bad/foreign.elf
printf '\076' | dd of=/tmp/bad/foreign.elf bs=1 seek=18 conv=notrunc 2>/dev/null
# The ABI version is the first word of the note's descriptor.
cp $img /tmp/bad/wrong-abi.elf
off=$(vmkctl image check $img -v 2>/dev/null | sed -n 's/.*note at file offset \([0-9]*\).*/\1/p')

refused() { # refused WHAT DMESG-PATTERN INSMOD-ARGS...
	what=$1 pattern=$2; shift 2
	before=$(memfree_kib)
	dmesg -c > /dev/null
	expect_fail "insmod refuses $what" vmk_load "$@"
	dmesg
	expect "one clear line for $what" test "$(vmkload_lines | wc -l)" = 1
	expect "the line says why ($what)" vmkload_says "$pattern"
	expect_fail "nothing loaded after $what" vmk_loaded
	expect "MemFree back within 1 MiB after $what" test $((before - $(memfree_kib))) -lt 1024
}
refused "a truncated image" "truncated" image=/tmp/bad/truncated.elf
refused "a foreign ELF" "foreign ELF" image=/tmp/bad/foreign.elf
refused "an i386 program that is no vmkernel" "not a vmkernel image" image=/tmp/bad/not-vmkernel.elf
refused "a missing image" "cannot read image" image=/tmp/bad/none.elf
refused "too little memory" "mem_mb=4 out of range" mem_mb=4
expect "the note offset is known" test -n "$off"
printf '\002' | dd of=/tmp/bad/wrong-abi.elf bs=1 seek=$off conv=notrunc 2>/dev/null
expect_fail "vmkctl image check refuses the wrong ABI" vmkctl image check /tmp/bad/wrong-abi.elf
refused "a wrong ABI version" "ABI version 2" image=/tmp/bad/wrong-abi.elf
expect "a good image still loads afterwards" vmk_load
expect "and unloads" vmkctl unload
