# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd (the dynamically linked i386 build, its libraries in /lib)
# runs in the COS against the real vmkernel: a VM started with vmkctl is
# in its inventory as running under its name; a Login with a wrong
# password and a call without a session are refused; PowerOffVM_Task
# through SOAP (busybox wget over HTTPS, inside the COS) powers it off,
# and vmkctl shows it off at once; PowerOnVM_Task runs it again;
# ShutdownGuest gets ToolsUnavailable (the test guest has no ACPI power
# button handler) and the VM runs on; UnregisterVM is refused while it
# runs and, once it is off, makes both the vmkernel and vmkctl's inventory
# forget it. The host-side pyVmomi check is
# tests/lab/host/hostd_pyvmomi_powers_off_a_cos_vm.sh (pyVmomi, through
# the lab's port forward).
# timeout: 300
# kernel: built
# needs: vmk-hostd
. /lib/vmk/lab.sh
. /lib/vmk/lab/hostd.sh

hostd_spin_vm_up
id=$(vm_field spin id)
# Those that keep state (the daemon's pid, the session cookie) run here,
# not in expect's subshell.
hostd_start 443 --trace || fail "vmk-hostd starts and serves"
echo "ok: vmk-hostd starts and serves"
expect "the host certificate was made" test -s $HOSTD_DIR/rui.crt
expect "vimServiceVersions.xml is served before login" \
	wget -q -O $HOSTD_DIR/versions.xml --no-check-certificate https://127.0.0.1:443/sdk/vimServiceVersions.xml
expect_fail "a call without a session is refused" hostd_vm_ids
expect "... with a SOAP fault (HTTP 500)" grep -q "HTTP/1.1 500" $HOSTD_DIR/headers
wrong_login() { HOSTD_PASSWORD=wrong-password; soap_login; }
expect_fail "a wrong password is refused" wrong_login
soap_login || fail "Login with the account's password"
echo "ok: Login with the account's password"
in_inventory() { hostd_vm_ids | grep -qx "$1"; }
expect "the VM started with vmkctl is in the inventory (id $id)" in_inventory "$id"
expect "... under its name" test "$(hostd_vm_prop $id name)" = spin
expect "... powered on" test "$(hostd_vm_prop $id runtime.powerState)" = poweredOn
expect "PowerOffVM_Task" soap "<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this></PowerOffVM_Task>"
expect "vmkctl shows the VM off" test "$(vm_field spin state)" = off
expect "vmk-hostd shows it poweredOff" test "$(hostd_vm_prop $id runtime.powerState)" = poweredOff
expect "PowerOnVM_Task" soap "<PowerOnVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this></PowerOnVM_Task>"
expect "vmkctl shows the VM running again" test "$(vm_field spin state)" = running
expect "... and it runs its guest" cpu_spin_progress spin 60
vm_soap() { soap "<$1 xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this></$1>"; }
# the fault's body, from the trace (busybox wget drops an HTTP 500's body)
# fault_has TYPE TEXT: the last answer was fault TYPE and holds TEXT
fault_has() {
	grep -q "HTTP/1.1 500" $HOSTD_DIR/headers &&
		awk '/vmk-hostd: answer: /{a=""} {a=a $0} END{print a}' $HOSTD_DIR/log > $HOSTD_DIR/fault &&
		grep -q "<${1}Fault xmlns=\"urn:vim25\" xsi:type=\"$1\">" $HOSTD_DIR/fault &&
		grep -q "$2" $HOSTD_DIR/fault && return 0
	cat $HOSTD_DIR/headers
	cut -c1-800 $HOSTD_DIR/fault
	return 1
}
expect_fail "ShutdownGuest of a guest without a power-button handler is refused" vm_soap ShutdownGuest
expect "... with ToolsUnavailable and the vmkernel's reason" \
	fault_has ToolsUnavailable 'no ACPI power button handler'
expect "... and the VM runs on" cpu_spin_progress spin 60
expect_fail "UnregisterVM of a running VM is refused" vm_soap UnregisterVM
expect "... with InvalidPowerState (poweredOn)" fault_has InvalidPowerState '<existingState>poweredOn</existingState>'
expect "PowerOffVM_Task again" soap "<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this></PowerOffVM_Task>"
expect "vmkctl shows it off again" test "$(vm_field spin state)" = off
expect "UnregisterVM of the VM, now off" vm_soap UnregisterVM
expect_fail "the vmkernel no longer has it (vmkctl vm info)" vmkctl vm info spin
registered() { vmkctl vm list | grep -qw spin; }
expect_fail "vmkctl's inventory no longer has it (vmkctl vm list)" registered
expect_fail "vmk-hostd no longer lists it" in_inventory "$id"
expect "vmk-hostd is still running" kill -0 $HOSTD_PID
hostd_stop
expect "vmkctl unload gives the machine back" vmkctl unload
