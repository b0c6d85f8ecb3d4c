# SPDX-License-Identifier: GPL-2.0-only
# Isolation: a guest (tests/guest/hostile_triplefault) that triple-faults on
# purpose (empty IDT, then UD2): the SHUTDOWN intercept must end this VM in
# state error with the reason. The COS, the vmkernel and a cpu_spin witness
# VM keep running (tests/lab/cos/vmctl.sh, vm_hostile_check).
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_hostile_check triplefault hostile_triplefault 60 "triple fault now"
expect "the reason names the triple fault" grep -qi "triple\|shutdown" /tmp/hostile-info.txt
expect "vmkctl unload --force ends the rest" vmkctl unload --force
