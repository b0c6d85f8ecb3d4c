# SPDX-License-Identifier: GPL-2.0-only
# On a CPU with SVM but without nested paging, insmod fails with one clear
# line, nothing stays loaded and Linux has its memory back.
# (A CPU without SVM at all: no_svm_cpu_is_refused.sh.)
# timeout: 180
# kernel: built
# cpu: EPYC,-npt
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

expect "the CPU shows SVM" grep -qw svm /proc/cpuinfo
expect_fail "the CPU shows no nested paging" grep -qw npt /proc/cpuinfo
expect_load_refused "a CPU without nested paging" "nested paging"
