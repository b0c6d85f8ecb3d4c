# SPDX-License-Identifier: GPL-2.0-only
# Per-VM disk counters (docs/storage.md "Per-VM counters"): two stock
# Linux VMs, each with its own thin disk on one datastore (made by the
# COS on LUN 1 before the load), write to them at the same time: a 6 MiB
# and a 3 MiB dd to the raw disk, then sync. `vmkctl storage disks` lists
# each VM's disk with exactly the KiB its guest wrote, its writes and
# flushes counted, no errors, and a total line that is their sum; a read
# of 2 MiB after dropping the guest's cache adds at least that much to
# its reads, and nothing to the other VM's. Each disk's shares
# (sched.scsi0:0.shares 2000 and normal) are shown, and with LUN 1
# limited to 4 MB/s both VMs reading at once get them: a reads 2:1 +-
# 15 % of b's KiB over the same 15 s (issue 10). A reset starts a
# VM's counters again. A VM powered off leaves the list. After the
# unload the COS finds the volume clean.
# timeout: 480
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk" test -n "$sd"
expect "the COS makes VMFS-3 volume ctr on LUN 1" vmkfstools -C vmfs3 -S ctr /dev/$sd
expect "a folder" vmkfstools --mkdir /dev/$sd:/io
expect "a thin disk of 16 MiB for a" vmkfstools -c 16m -d thin /dev/$sd:/io/a.vmdk
expect "a thin disk of 16 MiB for b" vmkfstools -c 16m -d thin /dev/$sd:/io/b.vmdk
expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=240

vm_make_disks_vmx /tmp/a.vmx a 96 "[ctr] io/a.vmdk"
vm_make_disks_vmx /tmp/b.vmx b 96 "[ctr] io/b.vmdk"
echo 'sched.scsi0:0.shares = "2000"' >> /tmp/a.vmx
echo 'sched.scsi0:0.shares = "normal"' >> /tmp/b.vmx
vm_up a /tmp/a.vmx
vm_up b /tmp/b.vmx
vm_console_expect "a boots to its shell" a 300 "vmk-guest: shell ready"
vm_console_expect "b boots to its shell" b 300 "vmk-guest: shell ready"
vm_link_disks a
vm_link_disks b
vmkctl storage disks | tee /tmp/disks0.txt
# disk_col VM COLUMN FILE: a column of VM's scsi0:0 line (4 READS,
# 5 WRITES, 6 FLUSHES, 7 READ-KIB, 8 WRITTEN-KIB, 9 ERRORS, 10 SHARES)
disk_col() { awk -v vm="$1" -v c="$2" '$1 == vm && $2 == "scsi0:0" { print $c }' "$3"; }
total_col() { awk -v c="$1" '$1 == "total" { print $(c - 2) }' "$2"; }
expect "a's disk is listed as thin, none written yet" \
	test "$(disk_col a 3 /tmp/disks0.txt)/$(disk_col a 8 /tmp/disks0.txt)" = "virtual,thin/0"
expect "b's disk is listed, by its name" grep -q "^b .*\[ctr\] io/b.vmdk$" /tmp/disks0.txt
expect "a's disk has 2000 shares, b's 1000" \
	test "$(disk_col a 10 /tmp/disks0.txt)/$(disk_col b 10 /tmp/disks0.txt)" = "2000/1000"

# Both write at once; each says when its dd and sync have ended.
vmkctl vm console a --send 'dd if=/dev/urandom of=/dev/t0 bs=64k count=96 2>/dev/null; sync; echo WA$((6*7))\n' --timeout 1 > /dev/null
vmkctl vm console b --send 'dd if=/dev/urandom of=/dev/t0 bs=64k count=48 2>/dev/null; sync; echo WB$((6*7))\n' --timeout 1 > /dev/null
vm_console_expect "a wrote 6 MiB and synced" a 240 "WA42"
vm_console_expect "b wrote 3 MiB and synced" b 240 "WB42"
vmkctl storage disks | tee /tmp/disks1.txt
expect "a's disk has exactly 6144 KiB written" test "$(disk_col a 8 /tmp/disks1.txt)" = 6144
expect "b's disk has exactly 3072 KiB written" test "$(disk_col b 8 /tmp/disks1.txt)" = 3072
expect "a's writes are counted" test "$(disk_col a 5 /tmp/disks1.txt)" -gt 0
expect "b's writes are counted" test "$(disk_col b 5 /tmp/disks1.txt)" -gt 0
expect "no errors on a or b" test "$(disk_col a 9 /tmp/disks1.txt)/$(disk_col b 9 /tmp/disks1.txt)" = 0/0
for c in 4 5 6 7 8 9; do
	sum=$(($(disk_col a $c /tmp/disks1.txt) + $(disk_col b $c /tmp/disks1.txt)))
	expect "the total's column $c is a's plus b's ($sum)" test "$(total_col $c /tmp/disks1.txt)" = "$sum"
done

# A read of 2 MiB from the disk, the guest's cache dropped first.
before=$(disk_col a 7 /tmp/disks1.txt)
vm_run a 'echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/t0 of=/dev/null bs=64k count=32 2>/dev/null; echo RA$((6*7))' "RA42" 120
vmkctl storage disks | tee /tmp/disks2.txt
expect "a's reads grew by at least 2048 KiB ($before before)" \
	test "$(disk_col a 7 /tmp/disks2.txt)" -ge $((before + 2048))
expect "b's counters did not move" \
	test "$(disk_col b 7 /tmp/disks2.txt)/$(disk_col b 8 /tmp/disks2.txt)" = "$(disk_col b 7 /tmp/disks1.txt)/$(disk_col b 8 /tmp/disks1.txt)"

# Disk shares 2000:1000 (docs/storage.md "Disk shares"): LUN 1 limited
# by QEMU to 4 MB/s, so the disk is what both VMs wait for; four readers
# in each read 256 KiB runs with iflag=direct, scattered over the first
# 3 MiB (written in both, so the reads reach the LUN), until told to
# stop. The KiB each read over the same 15 s: a's against b's 2:1 +- 15 %.
host_request throttle lun1 4000000
sleep 2
readers='r() { i=$1; while [ ! -e /tmp/stop ]; do dd if=/dev/t0 of=/dev/null bs=256k count=1 skip=$((i % 12)) iflag=direct 2>/dev/null; i=$((i + 5)); done; }; rm -f /tmp/stop; for k in 1 2 3 4; do r $k & done; echo GO$((6*7))'
# Typed whole, however busy the other VM keeps the CPUs.
vm_run a "$readers" "GO42" 60
vm_run b "$readers" "GO42" 60
sleep 3
vmkctl storage disks > /tmp/shares0.txt
sleep 15
vmkctl storage disks | tee /tmp/shares1.txt
vm_run a 'touch /tmp/stop; wait; echo SA$((6*7))' "SA42" 60
vm_run b 'touch /tmp/stop; wait; echo SB$((6*7))' "SB42" 60
host_request throttle lun1 0
ka=$(($(disk_col a 7 /tmp/shares1.txt) - $(disk_col a 7 /tmp/shares0.txt)))
kb=$(($(disk_col b 7 /tmp/shares1.txt) - $(disk_col b 7 /tmp/shares0.txt)))
ratio=$(awk -v a=$ka -v b=$kb 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
note "over 15 s a read $ka KiB, b $kb KiB: $ratio:1"
expect "a (2000 shares) read 2:1 +- 15 % of b's (1000) while both read: $ratio" \
	awk -v r=$ratio 'BEGIN { exit !(r >= 1.70 && r <= 2.30) }'
sleep 2

# A reset starts the counters again, as a power on does.
expect "reset a" vmkctl vm reset a
vm_console_expect "a boots to its shell again" a 300 "vmk-guest: shell ready"
vmkctl storage disks | tee /tmp/disks-reset.txt
expect "a's disk counts from 0 again after the reset (nothing written)" \
	test "$(disk_col a 8 /tmp/disks-reset.txt)" = 0

expect "kill b" vmkctl vm kill b
expect "b is off" vm_wait_state b off 60
vmkctl storage disks | tee /tmp/disks3.txt
expect "b's disk leaves the list once it is off" sh -c '! grep -q "^b " /tmp/disks3.txt'
expect "a's disk is still listed" test -n "$(disk_col a 8 /tmp/disks3.txt)"
expect "kill a" vmkctl vm kill a
expect "a is off" vm_wait_state a off 60
expect "unregister a" vmkctl vm unregister a
expect "unregister b" vmkctl vm unregister b
expect "vmkctl unload" vmkctl unload
sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the COS's vmkfstools finds the volume clean" vmkfstools --check /dev/$sd
expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
