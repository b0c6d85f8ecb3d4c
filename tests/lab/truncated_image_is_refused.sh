# SPDX-License-Identifier: GPL-2.0-only
# A truncated vmkernel image is refused: cut in its code (8 KiB kept), or
# cut only in the section table at the end of the file (the symbols the
# panic report needs); an empty file and a path with no file are refused
# the same way.
# Each time insmod fails with one clear line and Linux is as before; the
# whole image then still loads.
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

img=/lib/vmk/vmkernel.elf
size=$(wc -c < $img)
head -c 8192 $img > /tmp/cut-in-code.elf
head -c $((size - 64)) $img > /tmp/no-section-table-end.elf
expect_load_refused "an image cut in its code" "truncated" image=/tmp/cut-in-code.elf
expect_load_refused "an image missing its last 64 bytes" "truncated" image=/tmp/no-section-table-end.elf
: > /tmp/empty.elf
expect_load_refused "an empty image file" "image /tmp/empty.elf" image=/tmp/empty.elf
expect_load_refused "a path with no image file" "cannot read image /tmp/no-such.elf" image=/tmp/no-such.elf
expect_good_load_cycle
