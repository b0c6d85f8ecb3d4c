# SPDX-License-Identifier: GPL-2.0-only
# vmkload built against Debian's stock 686-pae kernel loads there, vmkctl
# status shows the vmkernel on every CPU with the COS world, a COS workload
# runs, and it unloads.
# timeout: 300
# kernel: stock
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

note "kernel $(uname -r)"
expect "the stock kernel" sh -c 'uname -r | grep -q -- "-686-pae$"'
expect "insmod vmkload takes over" vmk_load
vmkload_lines
expect_status_running
expect "COS workload (20 s) under the vmkernel" sh /lib/vmk/lab/workload.sh -t 20 -p "proc mem"
expect "vmkctl unload gives the machine back" vmkctl unload
expect_fail "vmkload is gone" vmk_loaded
expect "COS workload (10 s) after give-back" sh /lib/vmk/lab/workload.sh -t 10 -p "proc mem"
