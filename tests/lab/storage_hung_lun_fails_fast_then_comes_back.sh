# SPDX-License-Identifier: GPL-2.0-only
# A LUN that stops answering (docs/storage.md "A hung disk"). QEMU's
# monitor throttles LUN 1 to 40 bytes a second (ci/lab host request), so
# a 512-byte read of it waits about 13 s in QEMU. The vmkernel's 10 s
# deadline ends it (ABORT_CMD; QEMU's cancel waits out the throttle) and
# marks the LUN: `vmkctl storage read` says it did not answer, the next
# read is not sent at all, `vmkctl storage luns` shows the mark and the
# log has one line. LUN 0 keeps working. With the throttle off, the first
# read after the back-off probes the LUN and reads what it read before.
# timeout: 400
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

read_lun1() { vmkctl storage read 1:0 "$1" 2>/tmp/read.err >/tmp/read.bin; }

expect "insmod vmkload storage=1 debug=1" vmk_load storage=1 debug=1
expect "read LUN 1 block 100" sh -c 'vmkctl storage read 1:0 100 > /tmp/before.bin'
host_request throttle lun1 40
sleep 5		# the host applies it within about a second
# The throttle's bucket may let one read through; the next waits.
hung=0
for lba in 200 300 400; do
	t0=$(date +%s)
	if ! read_lun1 $lba; then
		hung=1
		break
	fi
done
note "the read of block $lba ended after $(($(date +%s) - t0)) s: $(cat /tmp/read.err)"
expect "a read of the throttled LUN fails" test $hung = 1
expect "saying that the LUN did not answer" grep -q "vmhba0:C0:T1:L0 did not answer in time" /tmp/read.err
expect_fail "the next read fails too" read_lun1 100
expect "without being sent" grep -q "vmhba0:C0:T1:L0 has not answered for .* not sent" /tmp/read.err
vmkctl storage luns > /tmp/luns.txt; cat /tmp/luns.txt
expect "vmkctl storage luns shows the mark" grep -q "^vmhba0:C0:T1:L0 .*(unresponsive" /tmp/luns.txt
expect "LUN 0 still reads" sh -c 'vmkctl storage read 0:0 0 > /dev/null'
vmkctl log > /tmp/vmk-log.txt; grep "storage: vmhba0" /tmp/vmk-log.txt || true
expect "one log line for the mark" test "$(grep -c 'T1:L0: no answer to cmd 28: unresponsive' /tmp/vmk-log.txt)" = 1
host_request throttle lun1 0
back=0
for i in $(seq 1 40); do
	if read_lun1 100; then
		back=1
		break
	fi
	sleep 2
done
note "after the throttle: $(cat /tmp/read.err)"
expect "LUN 1 reads again after its back-off" test $back = 1
expect "what it read before" cmp /tmp/before.bin /tmp/read.bin
expect "the log says it answers again" vmk_log_has "storage: vmhba0:C0:T1:L0 answers again"
vmkctl storage luns > /tmp/luns.txt
expect_fail "vmkctl storage luns shows no mark" grep -q unresponsive /tmp/luns.txt
expect "unload" vmkctl unload
