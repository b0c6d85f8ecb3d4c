# SPDX-License-Identifier: GPL-2.0-only
# The loader module built against Debian's stock 686-pae headers takes over
# the stock kernel's CPUs and gives them back.
# timeout: 600
# kernel: stock
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

expect "insmod vmkload on the stock kernel" vmk_load
vmkctl status
expect "vmkctl status: 2 CPUs under control" test "$(status_field cpus)" = 2
expect "vmkctl status: the COS world" test "$(status_field worlds)" = 1
expect "COS workload (20 s) under the vmkernel" sh /lib/vmk/lab/workload.sh -t 20 -p "proc mem"
expect "rmmod vmkload gives the machine back" rmmod vmkload
expect "COS workload (10 s) after give-back" sh /lib/vmk/lab/workload.sh -t 10 -p "proc mem"
