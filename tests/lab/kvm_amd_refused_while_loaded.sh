# SPDX-License-Identifier: GPL-2.0-only
# While the vmkernel owns SVM, modprobe kvm_amd fails cleanly (an error, no
# oops, no kvm_amd module, no /dev/kvm, the vmkernel still running); after
# the unload kvm_amd loads and offers /dev/kvm.
# timeout: 180
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/loadcheck.sh

expect "insmod vmkload takes over" vmk_load
dmesg -c > /dev/null
expect_fail "modprobe kvm_amd fails while the vmkernel runs" modprobe kvm_amd
dmesg
expect "kvm says why (no SVM, no hardware support or disabled)" \
	sh -c 'dmesg | grep -qiE "kvm.*(svm|hardware support|disabled)"'
expect_fail "no oops, BUG or warning from the refusal" kernel_trouble
expect_fail "kvm_amd is not loaded" grep -q "^kvm_amd " /proc/modules
expect_fail "no /dev/kvm" test -e /dev/kvm
expect_status_running
expect "vmkctl unload gives the machine back" vmkctl unload
expect "modprobe kvm_amd works after the unload" modprobe kvm_amd
expect "/dev/kvm is there" test -c /dev/kvm
expect "kvm_amd unloads" rmmod kvm_amd
