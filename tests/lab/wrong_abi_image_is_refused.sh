# SPDX-License-Identifier: GPL-2.0-only
# An image built for another ABI version is refused: the vmkernel image with
# the ABI version in its VMK note patched to the next version. insmod fails
# with one line naming both versions, Linux is as before, and the real image
# then still loads.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

img=/lib/vmk/vmkernel.elf
# The ABI version is the first word of the VMK note's descriptor.
vmkctl image check $img -v > /tmp/check.txt
off=$(sed -n 's/.*note at file offset \([0-9]*\).*/\1/p' /tmp/check.txt)
expect "the VMK note's file offset is known" test -n "$off"
abi=$(dd if=$img bs=1 skip=$off count=4 2>/dev/null | od -An -tu4 | tr -d ' ')
expect "the note's ABI version is readable" test -n "$abi"
next=$((abi + 1))
cp $img /tmp/wrong-abi.elf
printf "\\$(printf %o $next)\\000\\000\\000" | dd of=/tmp/wrong-abi.elf bs=1 seek=$off conv=notrunc 2>/dev/null
expect_load_refused "an image of ABI version $next" "ABI version $next.*$abi" image=/tmp/wrong-abi.elf
expect_good_load_cycle
