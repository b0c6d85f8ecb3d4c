# SPDX-License-Identifier: GPL-2.0-only
# The COS's nested page table leaves the vmkernel's pages out: a COS module
# that reads and writes one of them sees the sink page, the vmkernel logs
# the attempt, and both run on.
# timeout: 180
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

expect "insmod vmkload" vmk_load
pa=$(vmk_image_pa)
expect "loader names the vmkernel's memory" test -n "$pa"
insmod "$VMK_MODULES/vmk_peek.ko" pa=$((pa + 0x1000)) 2>/dev/null
dmesg | grep vmk_peek
expect "the COS read the sink, not vmkernel memory" dmesg_has "vmk_peek: pa .* read 0xffffffff"
expect "the vmkernel logged the blocked access" vmk_log_has "COS access to vmkernel memory blocked"
expect "vmkctl status counts the violation" test "$(status_field npt-violations)" -ge 1
expect "the vmkernel still runs" test "$(status_field state)" = running
expect "the vmkernel image is intact (a hypercall works)" test "$(status_field cpus)" = 2
expect "the COS still works" sh /lib/vmk/lab/workload.sh -t 10 -p "proc mem"
expect "unload" vmkctl unload
