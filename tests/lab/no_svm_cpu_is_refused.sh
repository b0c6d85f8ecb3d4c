# SPDX-License-Identifier: GPL-2.0-only
# On a CPU without SVM, insmod fails with one clear line and nothing loaded.
# timeout: 180
# kernel: built
# cpu: EPYC,-svm
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh

before=$(memfree_kib)
expect_fail "insmod refuses a CPU without SVM" vmk_load
expect "one clear line" test "$(vmkload_lines | wc -l)" = 1
expect "the line says why" vmkload_says "no AMD SVM"
expect_fail "nothing loaded" vmk_loaded
expect "MemFree unchanged within 1 MiB" test $((before - $(memfree_kib))) -lt 1024
