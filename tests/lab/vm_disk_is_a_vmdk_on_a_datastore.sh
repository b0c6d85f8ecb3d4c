# SPDX-License-Identifier: GPL-2.0-only
# VM disks that are vmkfs virtual disks on a datastore (docs/storage.md
# "VM disks"): before load the COS makes a VMFS-3 volume on LUN 1 with
# its vmkfstools and on it a 64 MiB eagerzeroedthick and a 32 MiB thin
# disk; loaded with storage=1 the vmkernel mounts it as datastore vdisk.
# A stock Linux VM with both (scsi0:0 by its /vmfs/volumes path, scsi0:1
# as "[vdisk] ...") sees their sizes, writes 4 MiB of random data and its
# sha256 to each and reads zeros from the thin disk where nothing was
# written; its write to a third thin disk once the datastore is full
# fails and the vmkernel logs why; it powers off. A second VM attaches
# the first two disks and reads the same hashes. A third VM naming a
# disk in use, a missing disk and a datastore that is not mounted are
# refused at start with a sentence; so is, within seconds, a disk whose
# lock a killed COS holder left (a previous load's), which a start 16 s
# later takes over. After unload the COS's vmkfstools
# finds the volume clean, the locks free, the thin disk with only the
# blocks written, and the data in the flat extent with the guest's hash.
# The volume header is wiped at the end for the next scenario of the
# boot.
# timeout: 600
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

EZT=/vmfs/volumes/vdisk/vm1/ezt.vmdk
THIN="[vdisk] vm1/thin.vmdk"

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk" test -n "$sd"
expect "the COS makes VMFS-3 volume vdisk on LUN 1" vmkfstools -C vmfs3 -S vdisk /dev/$sd
expect "and a folder" vmkfstools --mkdir /dev/$sd:/vm1
expect "an eagerzeroedthick disk of 64 MiB" \
	vmkfstools -c 64m -d eagerzeroedthick /dev/$sd:/vm1/ezt.vmdk
expect "a thin disk of 32 MiB" vmkfstools -c 32m -d thin /dev/$sd:/vm1/thin.vmdk
vmkfstools --cat /dev/$sd:/vm1/thin.vmdk
# A lock left behind: its holder killed with its heartbeat on.
expect "a thin disk of 1 MiB to leave locked" vmkfstools -c 1m -d thin /dev/$sd:/vm1/old.vmdk
vmkfstools --hold rw /dev/$sd:/vm1/old-flat.vmdk > /tmp/hold.txt 2>&1 &
holder=$!
i=0
while [ $i -lt 50 ] && ! grep -q '^holding' /tmp/hold.txt; do sleep 0.2; i=$((i + 1)); done
expect "the COS holds old-flat.vmdk's lock" grep -q '^holding' /tmp/hold.txt
kill -9 $holder
wait $holder 2> /dev/null
# A thin disk on a full datastore: a file takes all file blocks but 6,
# 5 for what the writer puts on the thin disk, 1 for this one.
expect "a thin disk of 8 MiB to overfill" vmkfstools -c 8m -d thin /dev/$sd:/vm1/full.vmdk
vmkfstools -P /dev/$sd | tee /tmp/vdisk-P.txt
avail=$(sed -n 's/^Capacity .* (\([0-9]*\) blocks) avail$/\1/p' /tmp/vdisk-P.txt)
expect "a file takes all but 6 of the $avail free blocks" \
	vmkfstools -c $((avail - 6))m -d zeroedthick /dev/$sd:/fill.vmdk

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
vmkctl storage datastores | tee /tmp/ds.txt
expect "the vmkernel mounted datastore vdisk" grep -q "^vdisk .* vmhba0:C0:T1:L0 (read-write" /tmp/ds.txt

# The writer: data at 1 MiB (ezt, t0) and 8 MiB (thin, t1), its hash in block 0.
vm_make_disks_vmx /tmp/writer.vmx writer 96 "$EZT" "$THIN" "[vdisk] vm1/full.vmdk"
vm_up writer /tmp/writer.vmx
vm_console_expect "writer boots to its shell" writer 300 "vmk-guest: shell ready"
vm_link_disks writer
vm_run writer 'z() { cat /sys/bus/scsi/devices/0:0:$1:0/block/*/size; }; echo S$((1+1))=$(z 0)=$(z 1)=' "S2=131072=65536=" 120
vm_capture writer 'dd if=/dev/urandom of=/tmp/d bs=1M count=4 2>/dev/null; h=$(sha256sum < /tmp/d | cut -c1-64); echo "W$((6*7))=$h=E$((2+3))"' \
	"=E5" 120 /tmp/writer.txt
hash=$(sed -n 's/.*W42=\([0-9a-f]\{64\}\)=E5.*/\1/p' /tmp/writer.txt | tail -1)
expect "the writer printed its data's hash" test -n "$hash"
vm_run writer 'for d in t0:1 t1:8; do echo $h | dd of=/dev/${d%:*} 2>/dev/null; dd if=/tmp/d of=/dev/${d%:*} bs=1M seek=${d#*:} 2>/dev/null; done; sync; echo WR$((6*7))' \
	"WR42" 240
vm_run writer '[ "$(dd if=/dev/t1 bs=1M skip=20 count=4 2>/dev/null | sha256sum)" = "$(dd if=/dev/zero bs=1M count=4 2>/dev/null | sha256sum)" ] && echo Z$((1+1))=zeros' \
	"Z2=zeros" 120
vm_run writer 'dd if=/tmp/d of=/dev/t2 bs=1M 2>/dev/null; sync; echo FULL$((2+2))' "FULL4" 120
expect "the vmkernel logged the full datastore's failed write" \
	vmk_log_has "vm [0-9]* 'writer': scsi0:2: I/O failed ([0-9]* so far): "
vmkctl log 2>/dev/null | grep "scsi0:2: I/O failed" || true
vmkctl vm console writer --send 'poweroff\n' --timeout 5 > /dev/null || true
expect "the writer powers off" vm_wait_state writer off 120

# The reader: the same disks, the same hashes.
vm_make_disks_vmx /tmp/reader.vmx reader 96 "$EZT" "$THIN"
vm_up reader /tmp/reader.vmx
vm_console_expect "reader boots to its shell" reader 300 "vmk-guest: shell ready"
vm_link_disks reader
vm_run reader 'c() { echo "R$((6*7))=$1=$(dd if=/dev/$1 bs=1M skip=$2 count=4 2>/dev/null | sha256sum | cut -c1-64)=$(dd if=/dev/$1 bs=64 count=1 2>/dev/null)="; }; echo F$((1+1))' \
	"F2" 60
vm_capture reader 'c t0 1; c t1 8; echo RD$((1+1))' "RD2" 240 /tmp/reader.txt
expect "the ezt disk reads the writer's data and hash" grep -q "R42=t0=$hash=$hash=" /tmp/reader.txt
expect "the thin disk reads the writer's data and hash" grep -q "R42=t1=$hash=$hash=" /tmp/reader.txt

# Refusals at start, with a sentence; the reader runs on.
vm_make_guest_vmx /tmp/third.vmx third cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' "scsi0:0.fileName = \"$EZT\""
vm_start_refused "a third VM naming a disk in use" third /tmp/third.vmx \
	"scsi0:0: $EZT: in use by vm 'reader'"
vm_make_guest_vmx /tmp/nofile.vmx nofile cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "[vdisk] vm1/none.vmdk"'
vm_start_refused "a VM naming a missing disk" nofile /tmp/nofile.vmx \
	"scsi0:0: \[vdisk\] vm1/none.vmdk: no such file on the datastore"
vm_make_guest_vmx /tmp/nods.vmx nods cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "/vmfs/volumes/nods/a.vmdk"'
vm_start_refused "a VM naming a datastore not mounted" nods /tmp/nods.vmx \
	"no datastore 'nods' is mounted"
vm_make_guest_vmx /tmp/st.vmx st cpu_spin \
	'scsi0.present = "TRUE"' 'scsi0.virtualDev = "pvscsi"' \
	'scsi0:0.present = "TRUE"' 'scsi0:0.fileName = "[vdisk] vm1/old.vmdk"'
expect "register st" vmkctl vm register /tmp/st.vmx
t0=$(date +%s)
vmkctl vm start st > /tmp/st.txt 2>&1 && fail "st started on a disk locked by a silent holder"
took=$(($(date +%s) - t0))
cat /tmp/st.txt
expect "st's start on the left lock is refused saying when to try again" \
	grep -q "its extent old-flat.vmdk: locked by a host silent [0-9.]* s, stale at 16 s: try again then" /tmp/st.txt
expect "within 5 s, the lock not waited out ($took s)" test $took -le 5
sleep 17
expect "16 s later st's start takes the lock over" vmkctl vm start st
expect "kill st" vmkctl vm kill st
expect "the reader still runs" test "$(vm_field reader state)" = running
vmkctl log 2>/dev/null | grep "scsi0:" || true

expect "kill the reader" vmkctl vm kill reader
expect "vmkctl unload" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded

sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the volume checks clean" vmkfstools --check /dev/$sd
vmkfstools -D /dev/$sd:/vm1/ezt-flat.vmdk | tee /tmp/ezt-D.txt
vmkfstools -D /dev/$sd:/vm1/thin-flat.vmdk | tee /tmp/thin-D.txt
expect "the ezt extent's lock is free" grep -q "^Lock .*: free$" /tmp/ezt-D.txt
expect "the thin extent's lock is free" grep -q "^Lock .*: free$" /tmp/thin-D.txt
expect "the lock left behind was taken over and released" \
	sh -c "vmkfstools -D /dev/$sd:/vm1/old-flat.vmdk | grep -q '^Lock .*: free$'"
expect "the thin disk has the 4 blocks written (and block 0)" \
	grep -q "size 33554432, 5 blocks allocated" /tmp/thin-D.txt
# Through a file: dd counts a pipe's short reads as blocks.
expect "the COS reads the ezt extent" sh -c "vmkfstools --cat /dev/$sd:/vm1/ezt-flat.vmdk > /tmp/ezt-flat"
on_disk=$(dd if=/tmp/ezt-flat bs=1M skip=1 count=4 2>/dev/null | sha256sum | cut -c1-64)
rm -f /tmp/ezt-flat
expect "the ezt extent holds the guest's data ($on_disk)" test "$on_disk" = "$hash"

expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
