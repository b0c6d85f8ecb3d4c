# SPDX-License-Identifier: GPL-2.0-only
# The COS part of tests/lab/host/cos_triple_fault_leaves_vms_running.sh:
# load, start a cpu_spin VM, see it run, then make the COS triple fault on
# cpu1 (tests/lab/modules/vmk_cos_triplefault.c). From then on the COS
# cannot say anything: the vmkernel's COM2 ends the scenario (the "# ends:"
# header, ci/lab) once it printed its third status report, and the host
# part checks COM2. Should the COS still run 60 s later, it fails.
# timeout: 300
# kernel: built
# ends: com2 COS down [0-9]+ s: status report 3
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_make_guest_vmx /tmp/spin.vmx spin cpu_spin
vm_up spin /tmp/spin.vmx
vm_console_expect "the VM runs" spin 300 "cpu_spin: 2"
vmkctl vm info spin
echo "cos-triplefault: the VM runs; the COS triple faults on cpu1 now"
insmod "$VMK_MODULES/vmk_cos_triplefault.ko" cpu=1
sleep 60
fail "the COS still runs 60 s after its triple fault"
