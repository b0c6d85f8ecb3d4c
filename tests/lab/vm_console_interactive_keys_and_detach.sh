# SPDX-License-Identifier: GPL-2.0-only
# `vmkctl vm console NAME` without --send/--expect, keys from a pipe as an
# operator would type them: a line typed into the Linux guest's shell is
# echoed and runs within 15 s, Ctrl-] (octal 035) detaches, the VM runs on
# and a later session sees the guest's output. Then end of input detaches
# too.
# timeout: 360
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=200
vm_up linux $VM_GUESTS/linux.vmx
vm_console_expect "the guest reaches its shell" linux 240 "vmk-guest: shell ready"
vm_console_expect "the shell takes a command" linux 120 "first-$((2*2))" 'echo first-$((2*2))\n'

(sleep 1; printf 'echo inter-$((5*5))\r'; sleep 15; printf '\035') |
	vmkctl vm console linux > /tmp/inter.txt 2>&1
cat /tmp/inter.txt
expect "the interactive console runs a typed command within 15 s" grep -q "inter-25" /tmp/inter.txt
expect "Ctrl-] detaches" grep -q "detached from linux; it keeps running" /tmp/inter.txt
expect "the VM runs on after the detach" test "$(vm_field linux state)" = running

(sleep 1; printf 'echo eof-$((7*7))\n'; sleep 15) |
	vmkctl vm console linux > /tmp/eof.txt 2>&1
cat /tmp/eof.txt
expect "a command typed before the end of input runs" grep -q "eof-49" /tmp/eof.txt
expect "the end of input detaches" grep -q "detached from linux" /tmp/eof.txt
expect "vmkctl unload --force" vmkctl unload --force
