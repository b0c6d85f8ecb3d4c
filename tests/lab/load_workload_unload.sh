# SPDX-License-Identifier: GPL-2.0-only
# Linux keeps working as the COS: after insmod, vmkctl status shows every CPU
# and the COS world, and the 60-s COS workload (processes, memory, disk,
# network, timers on each CPU) passes; after the unload the same workload
# passes on plain Linux again.
# timeout: 900
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

expect "insmod vmkload takes over" vmk_load
vmkload_lines
expect_status_running
note "COS workload, 60 s, under the vmkernel"
sh /lib/vmk/lab/workload.sh -t 60 || fail "the COS workload failed under the vmkernel"
expect_status_running
expect "vmkctl unload gives the machine back" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
note "the same COS workload, 60 s, after the unload"
sh /lib/vmk/lab/workload.sh -t 60 || fail "the COS workload failed after the unload"
