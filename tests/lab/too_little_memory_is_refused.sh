# SPDX-License-Identifier: GPL-2.0-only
# Asking for too little vmkernel memory is refused: mem_mb=0 and mem_mb=4
# (below the loader's minimum). Each time insmod fails with one line naming
# the parameter, Linux is as before, and the default load still works.
# timeout: 240
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

expect_load_refused "mem_mb=0" "mem_mb=0" mem_mb=0
expect_load_refused "mem_mb=4" "mem_mb=4" mem_mb=4
expect_good_load_cycle
