# SPDX-License-Identifier: GPL-2.0-only
# The lab machine as the COS sees it before vmk loads: 2 CPUs with SVM and
# nested paging, the two SCSI LUNs, the e1000 management NIC with an address.
# timeout: 180
# kernel: built stock
. /lib/vmk/lab.sh
expect "2 CPUs online" test "$(grep -c ^processor /proc/cpuinfo)" = 2
expect "CPU shows svm" grep -qw svm /proc/cpuinfo
expect "CPU shows npt" grep -qw npt /proc/cpuinfo
expect "PAE kernel" grep -qw pae /proc/cpuinfo
expect "LUN 0 is a SCSI disk" test -b /dev/sda
expect "LUN 1 is a SCSI disk" test -b /dev/sdb
expect "LUN 1 holds 1 GiB" test "$(cat /sys/block/sdb/size)" = 2097152
dd if=/dev/urandom of=/tmp/blk bs=64k count=16 2>/dev/null
dd if=/tmp/blk of=/dev/sdb bs=64k count=16 conv=fsync 2>/dev/null
expect "data written to LUN 1 reads back" \
	sh -c 'dd if=/dev/sdb bs=64k count=16 2>/dev/null | cmp - /tmp/blk'
expect "management NIC has an address" sh -c 'ip -4 addr show eth0 | grep -q "inet 10.0.2."'
expect "default route to the QEMU gateway" sh -c 'ip route | grep -q "default via 10.0.2.2"'
