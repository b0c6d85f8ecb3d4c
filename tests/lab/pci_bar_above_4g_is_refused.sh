# SPDX-License-Identifier: GPL-2.0-only
# A PCI device whose memory BAR lies above 4 GiB (here an ivshmem device
# with a 2-GiB BAR, which SeaBIOS cannot fit below 4 GiB next to the lab's
# 2 GiB of RAM) is out of the COS nested page table's reach: the COS's
# driver would take #GP there. The load is refused with one dmesg line
# naming the device and the BAR, Linux is as before. (The check was
# missing: the vmkernel loaded and the device's BAR became a #GP.)
# timeout: 240
# kernel: built
# devices: -object memory-backend-ram,id=shm,size=2G -device ivshmem-plain,memdev=shm
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

grep -i "^ *[1-9a-f][0-9a-f]\{8\}-" /proc/iomem
expect "the machine has a device BAR above 4 GiB" \
	sh -c 'grep -A2 "^ *[1-9a-f][0-9a-f]\{8\}-.*PCI Bus" /proc/iomem | grep -q "0000:00:"'
expect_load_refused "a BAR above 4 GiB" "PCI device 0000:00:[0-9a-f.]* has BAR [0-9] at .*, above 4 GiB"
