# SPDX-License-Identifier: GPL-2.0-only
# COS side of bench/storage: run by ci/lab as the scenario (busybox sh),
# with fio (i386, static: ci/fio-i386) in /lab/stage. The same fio jobs
# (psync, O_DIRECT, one job as a thread, queue depth 1, on MIB MiB from 64 MiB into
# the device, SECONDS each: sequential 1 MiB write, sequential 1 MiB read,
# random 4 KiB read) run on
#   native:  LUN 1 through Linux's own vmw_pvscsi, no vmkernel loaded;
#   cosblk:  LUN 1 as /dev/vmkd0, the COS's disk through the vmkernel
#            (vmkload storage=1 cos_disks=1:0);
#   vm:      an eagerzeroedthick disk on a VMFS datastore (LUN 0) of a
#            1-vCPU stock Linux VM (pvscsi), with the VM's exits counted
#            around each job.
# The VM gets fio from LUN 1, mapped raw as its second disk: the COS puts
# a tar of it in the LUN's first MiBs before anything else (the jobs stay
# clear of them). Prints
#   bench-storage PHASE JOB KIB-READ READ-KIB/S READ-IOPS KIB-WRITTEN WRITE-KIB/S WRITE-IOPS
#   bench-storage vm JOB-exits N
#   bench-storage vm idle-exits N    (the idle guest's, over SECONDS)
# Kernel command line: vmk.bench_seconds=N (default 10), vmk.bench_mib=N
# (default 256).
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/storage.sh
. /lib/vmk/lab/vmctl.sh

param() { v=$(sed -n "s/.*vmk\.bench_$1=\([0-9]*\).*/\1/p" /proc/cmdline); echo "${v:-$2}"; }
seconds=$(param seconds 10)
mib=$(param mib 256)
fio=/lab/stage/fio
[ -x $fio ] || fail "fio is not in /lab/stage (run bench/storage, not the scenario alone)"
echo "bench-storage config seconds=$seconds mib=$mib"
JOBS="seqwrite:write:1m seqread:read:1m randread:randread:4k"
# fio_args JOB: the fio command line's arguments of JOB (NAME:RW:BS).
fio_args() {
	echo "--name=${1%%:*} --rw=$(echo $1 | cut -d: -f2) --bs=${1##*:} --ioengine=psync --direct=1 --thread" \
		"--offset=64m --size=${mib}m --runtime=$seconds --time_based --minimal"
}
# The figures of fio's terse output (version 3): read KiB, KiB/s, IOPS;
# written KiB, KiB/s, IOPS.
TERSE='{ print $6, $7, $8, $47, $48, $49 }'

expect "LUN 0 is a COS disk" wait_for_disk 0
expect "LUN 1 is a COS disk" wait_for_disk 1
sd0=$(disk_for 0); sd1=$(disk_for 1)
(cd /lab/stage && tar cf /tmp/fio.tar fio) || fail "tar of fio"
expect "fio's tar at the start of LUN 1" dd if=/tmp/fio.tar of=/dev/$sd1 bs=1M conv=fsync

# run_cos PHASE DEVICE: each job on DEVICE in the COS.
run_cos() {
	for job in $JOBS; do
		# shellcheck disable=SC2046 # fio_args' words are arguments
		out=$($fio --filename=$2 $(fio_args $job)) || fail "$1: fio $job: $out"
		echo "bench-storage $1 ${job%%:*} $(echo "$out" | awk -F';' "$TERSE")"
	done
}
run_cos native /dev/$sd1

# The datastore and the VM's disk, made by the COS before the load.
expect "VMFS-3 volume bench on LUN 0" vmkfstools -C vmfs3 -S bench /dev/$sd0
expect "an eagerzeroedthick disk of $((mib + 64)) MiB" \
	vmkfstools -c $((mib + 64))m -d eagerzeroedthick /dev/$sd0:/ezt.vmdk

expect "insmod vmkload storage=1 cos_disks=1:0" vmk_load storage=1 cos_disks=1:0 mem_mb=300
expect "/dev/vmkd0 is there" test -b /dev/vmkd0
run_cos cosblk /dev/vmkd0
expect "vmkctl unload" vmkctl unload

expect "insmod vmkload storage=1" vmk_load storage=1 mem_mb=300
vm_make_disks_vmx /tmp/bench.vmx bench 128 /vmfs/volumes/bench/ezt.vmdk vmhba0:C0:T1:L0
echo 'sched.cpu.affinity = "1"' >> /tmp/bench.vmx
vm_up bench /tmp/bench.vmx
vm_console_expect "the VM boots to its shell" bench 300 "vmk-guest: shell ready"
vm_link_disks bench
vm_run bench 'tar xf /dev/t1 -C /tmp fio && echo FIO$((6*7))' FIO42 120
total_exits() { vm_field bench exits | sed 's/ /\n/g' | sed -n 's/^total=//p'; }
# The idle guest's exits over as long as a job (its timer, mostly).
e0=$(total_exits)
sleep "$seconds"
echo "bench-storage vm idle-exits $(($(total_exits) - e0))"
for job in $JOBS; do
	e0=$(total_exits)
	# The guest prints "FIO-JOB figures =FIO"; its echoed command has F%sO.
	vm_capture bench "/tmp/fio --filename=/dev/t0 $(fio_args $job) | awk -F';' '{ printf \"F%sO-${job%%:*} %s %s %s %s %s %s =F%sO\\\\n\", \"I\", \$6, \$7, \$8, \$47, \$48, \$49, \"I\" }'" \
		"=FIO" $((seconds * 10 + 120)) /tmp/vm-fio.txt
	e1=$(total_exits)
	echo "bench-storage vm ${job%%:*} $(sed -n "s/.*FIO-${job%%:*} \([0-9 .]*\) =FIO.*/\1/p" /tmp/vm-fio.txt | head -1)"
	echo "bench-storage vm ${job%%:*}-exits $((e1 - e0))"
done
vmkctl vm info bench
vmkctl vm kill bench > /dev/null 2>&1
vmkctl vm unregister bench > /dev/null 2>&1
expect "vmkctl unload" vmkctl unload
