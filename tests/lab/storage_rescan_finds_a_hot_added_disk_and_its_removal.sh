# SPDX-License-Identifier: GPL-2.0-only
# vmkctl storage rescan (docs/storage.md "Rescan"). With the HBA in the
# vmkernel's hands, QEMU's monitor plugs a 32 MiB disk into it at SCSI
# target 4 (ci/lab host request "hotadd lun2 4"): a rescan lists it with
# its size and it reads through the vmkernel what the host wrote in its
# block 0. Grown to 64 MiB (block_resize), a rescan shows the new size.
# Unplugged (device_del), a rescan marks it gone and a read of it fails
# at once with the reason; the next rescan drops it. LUNs 0 and 1 stay
# listed and readable throughout.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh

expect "insmod vmkload storage=1 debug=1" vmk_load storage=1 debug=1
vmkctl storage luns > /tmp/luns.txt; cat /tmp/luns.txt
expect_fail "no LUN at target 4 at load" grep -q "T4:L0" /tmp/luns.txt
expect "a rescan with nothing changed changes nothing" sh -c \
	'vmkctl storage rescan | grep -q "^rescan: 0 new, 0 gone, 0 resized, 0 dropped, 0 unresponsive"'

host_request hotadd lun2 4
t0=$(date +%s)
rescan_until "^vmhba0:C0:T4:L0 " || true
cat /tmp/rescan.txt
note "found after $(($(date +%s) - t0)) s"
expect "the rescan lists the new LUN with its 32 MiB" \
	grep -q "^vmhba0:C0:T4:L0 *disk *65536 *512 *33554432 " /tmp/rescan.txt
expect "and counts it as new" grep -q "^rescan: 1 new, 0 gone" /tmp/rescan.txt
expect "LUNs 0 and 1 are still listed, usable" test \
	"$(grep -c '^vmhba0:C0:T[01]:L0 *disk .*HARDDISK$' /tmp/rescan.txt)" = 2
expect "vmkctl storage luns lists it too" sh -c 'vmkctl storage luns | grep -q "^vmhba0:C0:T4:L0 .* 33554432 "'
expect "its block 0 reads through the vmkernel" sh -c 'vmkctl storage read 4:0 0 > /tmp/b0.bin'
expect "with what the host wrote there" grep -q "vmk-lab-lun2 block 0" /tmp/b0.bin
expect "its last block reads" sh -c 'vmkctl storage read 4:0 65535 > /dev/null'

host_request resize lun2 64
rescan_until "^vmhba0:C0:T4:L0 *disk *131072 " || true
cat /tmp/rescan.txt
expect "a rescan shows the new size, 64 MiB" \
	grep -q "^vmhba0:C0:T4:L0 *disk *131072 *512 *67108864 " /tmp/rescan.txt
expect "and counts it as resized" grep -q "^rescan: 0 new, 0 gone, 1 resized" /tmp/rescan.txt
expect "a block past the old end reads" sh -c 'vmkctl storage read 4:0 100000 > /dev/null'

host_request hotdel lun2
rescan_until "^vmhba0:C0:T4:L0 .*(gone" || true
cat /tmp/rescan.txt
expect "a rescan marks the unplugged LUN gone" grep -q "^vmhba0:C0:T4:L0 .*(gone: not found by the last rescan)" /tmp/rescan.txt
expect "and counts it as gone" grep -q "^rescan: 0 new, 1 gone" /tmp/rescan.txt
expect_fail "a read of the gone LUN fails" sh -c 'vmkctl storage read 4:0 0 > /dev/null'
expect "at once, saying it is gone" sh -c \
	'vmkctl storage read 4:0 0 2>&1 >/dev/null | grep -q "that LUN is gone: the last rescan did not find it"'
vmkctl storage rescan > /tmp/rescan.txt; cat /tmp/rescan.txt
expect "the next rescan drops it" grep -q "^rescan: 0 new, 0 gone, 0 resized, 1 dropped" /tmp/rescan.txt
expect_fail "and it is no longer listed" grep -q "T4:L0" /tmp/rescan.txt
expect "LUN 0 still reads" sh -c 'vmkctl storage read 0:0 0 > /dev/null'
expect "LUN 1 still reads" sh -c 'vmkctl storage read 1:0 0 > /dev/null'
expect "the log has the rescans" vmk_log_has "storage: vmhba0 rescan: 1 new, 0 gone"
expect "no command timed out" sh -c 'vmkctl storage adapters | grep -q " timeouts 0 "'
expect "unload" vmkctl unload
