# SPDX-License-Identifier: GPL-2.0-only
# Soak, not run by tests/run (~10 s per reboot): Debian's stock kernel in a
# VM of 2 vCPUs and 128 MiB, rebooted from inside SOAK_REBOOTS times; each
# boot must reach the guest's shell and run a command within 120 s. Written
# after CI saw vm_vmkctl_console_poweroff_reboot time out once (424 s where
# ~50 s is usual): on a hang the step names boot or reboot N, and cos-init
# prints the vmkernel's state.
#   ci/lab --scenario tests/lab/stress/soak_guest_reboots.sh --timeout 3600
# timeout: 3600
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

reboots=${SOAK_REBOOTS:-40}
expect "insmod vmkload takes over" vmk_load mem_mb=200
expect "register" vmkctl vm register $VM_GUESTS/linux.vmx
expect "start" vmkctl vm start linux
vm_console_expect "boot 0 reaches the shell" linux 120 "vmk-guest: shell ready"
n=0
while [ $n -lt $reboots ]; do
	n=$((n + 1))
	vm_console_expect "reboot $n reaches the shell" linux 120 "vmk-guest: shell ready" 'reboot\n'
	# The echo of the typed line shows "$((n+0))", only the output "n".
	vm_console_expect "boot $n runs a command" linux 60 "cmd-$n-done" "echo cmd-\$(($n+0))-done\n"
	note "reboot $n: power-ons $(vm_field linux power-ons)"
done
expect "kill" vmkctl vm kill linux
expect "unload" vmkctl unload
