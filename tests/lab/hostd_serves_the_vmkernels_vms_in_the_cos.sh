# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd (the dynamically linked i386 build, its libraries in /lib)
# runs in the COS against the real vmkernel, started by the COS's init
# script after it loads vmkload (/etc/init.d/vmk start) and stopped by it
# before the unload (/etc/init.d/vmk stop): a VM started with vmkctl is
# in its inventory as running under its name; a Login with a wrong
# password and a call without a session are refused; PowerOffVM_Task
# through SOAP (busybox wget over HTTPS, inside the COS) powers it off,
# and vmkctl shows it off at once; PowerOnVM_Task runs it again;
# ShutdownGuest gets ToolsUnavailable (the test guest has no ACPI power
# button handler) and the VM runs on; UnregisterVM is refused while it
# runs and, once it is off, makes both the vmkernel and vmkctl's inventory
# forget it; loaded again, vmk-hostd serves again, a bare vmkctl unload
# succeeds while it runs (it holds no /dev/vmkernel between calls), then
# it lists a registered VM as off and fails its PowerOn saying vmkload
# is not loaded, until the init's stop ends it. The running VM's CPU
# allocation changes with `vmkctl vm sched` and with ReconfigVM_Task: the
# vmkernel's VM and its .vmx together; a reservation the vmkernel refuses
# changes neither.
# A VM that is only registered (vmkctl vm register, never
# started) is listed too, powered off, under the same moref before and
# after PowerOnVM_Task, which loads it from its .vmx as `vmkctl vm start`
# does (its guest then runs); one whose kernel file is missing fails its
# Task with the reason and leaves nothing in the vmkernel. CreateVM_Task
# writes a .vmx on a datastore (a folder given with --datastores) that
# vmkctl then lists; it powers on (SeaBIOS runs), Destroy_Task is refused
# while it runs and, once it is off, removes it from vmkctl's inventory,
# the vmkernel and the datastore; a second VM of a taken name fails with
# DuplicateName and writes nothing. The port groups are Networks: one
# added with vmkctl is listed at once; a VM made with NICs on two of
# them has them in its .vmx, is listed by the one's Network, and powered
# on, has its port there and shows the MAC vm start generated; a NIC on
# a port group that does not exist is refused. The vmkernel's VMFS
# volume hds (LUN 1, made by the COS before the load with storage=1) is
# a Datastore of type VMFS next to the folder lab1, its extent the LUN
# vmkctl names, and the host's storage adapter is the vmkernel's vmhba0
# (pvscsi); CreateVM_Task of a VM
# with a thin 16 MiB disk on it has the vmkernel make the disk, writes
# the .vmx in the COS's folder hds, and the VM powers on with the disk
# open; its devices show capacityInKB 16384 (the vmkernel's -P);
# vmkfstools -c of the same path is refused as existing, Destroy_Task
# deletes the disk through the vmkernel, so a second VM of the name is
# made, and destroyed; after unload the COS finds neither disk nor folder
# on hds. The host-side
# pyVmomi check is
# tests/lab/host/hostd_pyvmomi_powers_off_a_cos_vm.sh (pyVmomi, through
# the lab's port forward).
# timeout: 600
# kernel: built
# needs: vmk-hostd
. /lib/vmk/lab.sh
. /lib/vmk/lab/hostd.sh

# Those that keep state (the daemon's pid, the session cookie) run here,
# not in expect's subshell.
mkdir -p /tmp/ds/lab1
sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk" test -n "$sd"
expect "the COS makes VMFS-3 volume hds on LUN 1" vmkfstools -C vmfs3 -S hds /dev/$sd
HOSTD_VMKLOAD="mem_mb=64 storage=1"
hostd_load --trace --datastores /tmp/ds ||
	fail "/etc/init.d/vmk start loads vmkload, then starts vmk-hostd, which serves"
echo "ok: /etc/init.d/vmk start loads vmkload, then starts vmk-hostd, which serves"
hostd_spin_vm_up
kid=$(vm_field spin id)
vm_make_guest_vmx /tmp/spin2.vmx spin2 cpu_spin
expect "register spin2, not started" vmkctl vm register /tmp/spin2.vmx
vm_make_vmx /tmp/nokernel.vmx nokernel 16 1 /tmp/no-such-kernel.elf
expect "register nokernel, whose kernel file is missing" vmkctl vm register /tmp/nokernel.vmx
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
registered() { vmkctl vm list | grep -qw "$1"; }
vm_soap_on() { soap "<$2 xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$1</_this></$2>"; }
vm_soap() { vm_soap_on $id "$1"; }
id=$(hostd_vm_moref spin)
expect "the VM started with vmkctl is in the inventory (vmkernel id $kid, moref $id)" in_inventory "$id"
expect "... powered on" test "$(hostd_vm_prop $id runtime.powerState)" = poweredOn
expect "PowerOffVM_Task" soap "<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this></PowerOffVM_Task>"
expect "vmkctl shows the VM off" test "$(vm_field spin state)" = off
expect "vmk-hostd shows it poweredOff" test "$(hostd_vm_prop $id runtime.powerState)" = poweredOff
expect "PowerOnVM_Task" vm_task PowerOnVM_Task $id
expect "vmkctl shows the VM running again" test "$(vm_field spin state)" = running
expect "... and it runs its guest" cpu_spin_progress spin 60
expect "... under the same moref" test "$(hostd_vm_prop $id runtime.powerState)" = poweredOn
# A running VM's CPU allocation, from vmkctl and from ReconfigVM_Task: the
# vmkernel's VM (vmkctl vm info), its CPU time and the .vmx change together.
vmx_has() { grep -qx "$1" /tmp/spin.vmx; }
mhz=$(awk -F: '/^cpu MHz/ { print int($2); exit }' /proc/cpuinfo)
# cpu_pct VM: the % of one CPU VM got over 3 s
cpu_pct() {
	_c0=$(vm_field $1 cpu-time-us) _u0=$(vm_field $1 uptime-us)
	sleep 3
	_c1=$(vm_field $1 cpu-time-us) _u1=$(vm_field $1 uptime-us)
	echo $(((_c1 - _c0) * 100 / (_u1 - _u0)))
}
expect "vmkctl vm sched spin --shares 3000 --limit $((mhz / 4)) (25%), while it runs" \
	vmkctl vm sched spin --shares 3000 --limit $((mhz / 4))
expect "... the vmkernel's VM has shares 3000 and a limit of 24-26%" \
	test "$(vm_field spin shares)" = 3000 -a "$(vm_field spin max-pct)" -ge 24 -a "$(vm_field spin max-pct)" -le 26
lim=$(vm_field spin max-pct)
pct=$(cpu_pct spin)
note "spin, limited: $pct% of a CPU"
expect "... its guest gets at most 35% of a CPU ($pct%)" test "$pct" -le 35
expect "... its .vmx has them" vmx_has 'sched.cpu.shares = "3000"'
expect_fail "a reservation above what its one vCPU can use (and no limit) is refused" \
	sh -c "vmkctl vm sched spin --reservation $((mhz * 3 / 2)) --limit unlimited > /tmp/sched-err.txt 2>&1"
cat /tmp/sched-err.txt
expect "... the vmkernel's sentence says why" grep -q "more than its vCPUs can use" /tmp/sched-err.txt
expect "... the vmkernel's VM keeps shares 3000, no reservation and its limit" \
	test "$(vm_field spin shares)/$(vm_field spin min-pct)/$(vm_field spin max-pct)" = 3000/0/$lim
expect_fail "... its .vmx is untouched" vmx_has "sched.cpu.min = \"$((mhz * 3 / 2))\""
reconfig_shares() {
	soap_task "<ReconfigVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$id</_this><spec><cpuAllocation><shares><shares>1500</shares><level>custom</level></shares><limit>-1</limit></cpuAllocation></spec></ReconfigVM_Task>"
}
expect "ReconfigVM_Task of the running VM: custom shares 1500, no limit" reconfig_shares
expect "... vmkctl shows shares 1500 and no limit" \
	test "$(vm_field spin shares)/$(vm_field spin max-pct)" = 1500/0
pct=$(cpu_pct spin)
note "spin, unlimited again: $pct% of a CPU"
expect "... its guest gets more than 50% of a CPU again ($pct%)" test "$pct" -gt 50
expect "... its .vmx has them" vmx_has 'sched.cpu.shares = "1500"'
expect "... and it runs its guest" cpu_spin_progress spin 60
id2=$(hostd_vm_moref spin2)
expect "the VM only registered (spin2) is listed (moref $id2)" in_inventory "$id2"
expect "... powered off" test "$(hostd_vm_prop $id2 runtime.powerState)" = poweredOff
expect "... with its .vmx as vmPathName" \
	test "$(hostd_vm_prop $id2 summary.config.vmPathName)" = /tmp/spin2.vmx
expect_fail "... the vmkernel does not have it yet" vmkctl vm info spin2
expect "PowerOnVM_Task of spin2 loads it from its .vmx" vm_task PowerOnVM_Task $id2
expect "vmkctl shows spin2 running" test "$(vm_field spin2 state)" = running
expect "... and it runs its guest" cpu_spin_progress spin2 60
expect "... its moref is the same" test "$(hostd_vm_prop $id2 runtime.powerState)" = poweredOn
expect "PowerOffVM_Task of spin2" vm_task PowerOffVM_Task $id2
expect "vmkctl shows spin2 off" test "$(vm_field spin2 state)" = off
expect "PowerOnVM_Task of spin2 again" vm_task PowerOnVM_Task $id2
expect "... it runs its guest again" cpu_spin_progress spin2 60
expect "vmkctl vm kill spin2" vmkctl vm kill spin2
expect "vmk-hostd shows spin2 poweredOff at once" \
	test "$(hostd_vm_prop $id2 runtime.powerState)" = poweredOff
expect "UnregisterVM of spin2" vm_soap_on $id2 UnregisterVM
expect_fail "... it leaves vmkctl's inventory" registered spin2
expect_fail "... and the vmkernel" vmkctl vm info spin2
id3=$(hostd_vm_moref nokernel)
expect_fail "PowerOnVM_Task of a VM whose kernel file is missing fails its Task" \
	vm_task PowerOnVM_Task $id3
expect "... saying which file" grep -q 'no-such-kernel.elf' $HOSTD_DIR/answer
expect_fail "... and leaves nothing in the vmkernel" vmkctl vm info nokernel
expect "... vmk-hostd shows it poweredOff" test "$(hostd_vm_prop $id3 runtime.powerState)" = poweredOff
expect "vmkctl vm unregister nokernel" vmkctl vm unregister nokernel
create_vm() {
	soap_task "<CreateVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">ha-folder-vm</_this><config><name>$1</name><memoryMB>16</memoryMB><numCPUs>1</numCPUs><files><vmPathName>[lab1]</vmPathName></files></config><pool type=\"ResourcePool\">ha-root-pool</pool></CreateVM_Task>"
}
vmkctl_lists() { vmkctl vm list | awk -v n="$1" '$1 == n { print $2 }'; }
expect "CreateVM_Task of 'made' (a BIOS VM without devices) on datastore lab1" create_vm made
expect "... its .vmx is on the datastore" test -s /tmp/ds/lab1/made/made.vmx
expect "... vmkctl lists it, off" test "$(vmkctl_lists made)" = off
id4=$(hostd_vm_moref made)
expect "PowerOnVM_Task of made (moref $id4)" vm_task PowerOnVM_Task $id4
expect "vmkctl shows made running" test "$(vm_field made state)" = running
expect "... SeaBIOS prints its banner on its console" \
	vmkctl vm console made --expect "SeaBIOS (version" --timeout 120
expect_fail "Destroy_Task of made while it runs fails its Task" vm_task Destroy_Task $id4
expect "... with InvalidPowerState" grep -q 'InvalidPowerState' $HOSTD_DIR/answer
expect "... and it runs on" test "$(vm_field made state)" = running
expect "PowerOffVM_Task of made" vm_task PowerOffVM_Task $id4
expect "Destroy_Task of made, now off" vm_task Destroy_Task $id4
expect_fail "... vmkctl no longer lists it" registered made
expect_fail "... nor does the vmkernel hold it" vmkctl vm info made
expect_fail "... its folder is gone from the datastore" test -e /tmp/ds/lab1/made
expect_fail "CreateVM_Task of a second VM named spin fails its Task" create_vm spin
expect "... with DuplicateName" grep -q 'DuplicateName' $HOSTD_DIR/answer
expect_fail "... and writes nothing" test -e /tmp/ds/lab1/spin
# the fault's body, from the trace (busybox wget drops an HTTP 500's body)
# fault_has TYPE TEXT: the last answer was fault TYPE and holds TEXT
fault_has() {
	grep -q "HTTP/1.1 500" $HOSTD_DIR/headers &&
		awk '/vmk-hostd: answer: /{a=""} {a=a $0} END{print a}' $HOSTD_LOG > $HOSTD_DIR/fault &&
		grep -q "<${1}Fault xmlns=\"urn:vim25\" xsi:type=\"$1\">" $HOSTD_DIR/fault &&
		grep -q "$2" $HOSTD_DIR/fault && return 0
	cat $HOSTD_DIR/headers
	cut -c1-800 $HOSTD_DIR/fault
	return 1
}
# The port groups as Networks: vswitch0's "VM Network" from the load,
# and "Lab" added with vmkctl. A VM made with a NIC on each: its .vmx
# names them, Lab's Network lists it; powered on, its port is on Lab with
# the MAC given and the generated MAC of the other reads back.
net_listed() {
	soap_props Folder ha-folder-network childEntity > /dev/null &&
		grep -q "type=\"Network\">HaNetwork-$1<" $HOSTD_DIR/answer
}
expect "the network folder lists vswitch0's port group VM Network" net_listed "VM Network"
expect "vmkctl network portgroup add Lab" vmkctl network portgroup add Lab
expect "... the network folder lists Lab at once" net_listed Lab
nic() {
	printf '<deviceChange><operation>add</operation><device xsi:type="VirtualE1000"><key>-1</key><backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>%s</deviceName></backing>%s</device></deviceChange>' "$1" "$2"
}
create_wired() {
	soap_task "<CreateVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">ha-folder-vm</_this><config><name>$1</name><memoryMB>16</memoryMB><numCPUs>1</numCPUs>$2<files><vmPathName>[lab1]</vmPathName></files></config><pool type=\"ResourcePool\">ha-root-pool</pool></CreateVM_Task>"
}
expect "CreateVM_Task of 'wired' with a NIC on VM Network and one on Lab (manual MAC)" \
	create_wired wired "$(nic "VM Network")$(nic Lab '<addressType>manual</addressType><macAddress>00:50:56:00:00:42</macAddress>')"
cat /tmp/ds/lab1/wired/wired.vmx
expect "... its .vmx: ethernet0 on VM Network, its MAC to be generated" \
	grep -q 'ethernet0.addressType = "generated"' /tmp/ds/lab1/wired/wired.vmx
expect "... ethernet1 on Lab with the static MAC" \
	grep -q 'ethernet1.address = "00:50:56:00:00:42"' /tmp/ds/lab1/wired/wired.vmx
id5=$(hostd_vm_moref wired)
lab_vms() { soap_props Network HaNetwork-Lab vm > /dev/null && grep -q "type=\"VirtualMachine\">$1<" $HOSTD_DIR/answer; }
expect "... the Network Lab lists it (moref $id5)" lab_vms $id5
expect "PowerOnVM_Task of wired" vm_task PowerOnVM_Task $id5
vmkctl network
lab_port() { vmkctl network | grep -q "owner=vm:[0-9]*:wired nic=ethernet1 portgroup=.Lab. vlan=0 mac=00:50:56:00:00:42"; }
expect "... vmkctl network shows its port on Lab with the MAC given" lab_port
gen_mac() {
	soap_props VirtualMachine $id5 config.hardware.device > /dev/null &&
		grep -q "<macAddress>$(sed -n 's/^ethernet0.generatedAddress = "\(.*\)"/\1/p' /tmp/ds/lab1/wired/wired.vmx)</macAddress>" $HOSTD_DIR/answer &&
		grep -q '<macAddress>00:0c:29:' $HOSTD_DIR/answer
}
expect "... its devices show the MAC vm start generated for ethernet0" gen_mac
expect "PowerOffVM_Task of wired" vm_task PowerOffVM_Task $id5
expect "Destroy_Task of wired" vm_task Destroy_Task $id5
expect_fail "CreateVM_Task with a NIC on a port group that does not exist is refused" \
	create_wired refused "$(nic "No Such Group")"
expect "... with InvalidArgument naming the field" \
	fault_has InvalidArgument 'config.deviceChange.device.backing.deviceName'
expect_fail "... and writes nothing" test -e /tmp/ds/lab1/refused
# The vmkernel's VMFS volume hds as a Datastore, and a VM with a thin
# disk made on it through the vmkernel.
ds_listed() {
	soap_props Folder ha-folder-datastore childEntity > /dev/null &&
		grep -q "type=\"Datastore\">$1<" $HOSTD_DIR/answer
}
vmkctl storage datastores
expect "the datastore folder lists the vmkernel's VMFS volume hds" ds_listed hds
expect "... and the folder lab1" ds_listed lab1
hds_vmfs() { soap_props Datastore hds summary > /dev/null && grep -q '<type>VMFS</type>' $HOSTD_DIR/answer; }
expect "... hds is of type VMFS" hds_vmfs
# The storage adapter the vmkernel drives (libvirt's pool-list asks for
# it) and hds's extent: the LUN vmkctl names.
hds_lun=$(vmkctl storage datastores | awk '$1 == "hds"' | grep -o 'vmhba0:C0:T[0-9]*:L[0-9]*')
hba_listed() {
	soap_props HostSystem ha-host config.storageDevice.hostBusAdapter > /dev/null &&
		grep -q '<device>vmhba0</device>' $HOSTD_DIR/answer &&
		grep -q '<driver>pvscsi</driver>' $HOSTD_DIR/answer
}
expect "the host's storage adapter is the vmkernel's vmhba0 (pvscsi)" hba_listed
hds_extent() {
	soap_props Datastore hds info > /dev/null &&
		grep -q "<diskName>$hds_lun</diskName>" $HOSTD_DIR/answer
}
expect "... hds's extent is its LUN $hds_lun" hds_extent
disk_spec='<deviceChange><operation>add</operation><device xsi:type="ParaVirtualSCSIController"><key>1000</key><busNumber>0</busNumber><sharedBus>noSharing</sharedBus></device></deviceChange><deviceChange><operation>add</operation><fileOperation>create</fileOperation><device xsi:type="VirtualDisk"><key>-1</key><backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[hds]</fileName><diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned></backing><controllerKey>1000</controllerKey><unitNumber>0</unitNumber><capacityInKB>16384</capacityInKB></device></deviceChange>'
create_disky() {
	soap_task "<CreateVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">ha-folder-vm</_this><config><name>disky</name><memoryMB>16</memoryMB><numCPUs>1</numCPUs>$disk_spec<files><vmPathName>[hds]</vmPathName></files></config><pool type=\"ResourcePool\">ha-root-pool</pool></CreateVM_Task>"
}
expect "CreateVM_Task of 'disky' with a thin 16 MiB disk on hds" create_disky
cat /tmp/ds/hds/disky/disky.vmx
expect "... its .vmx, in the COS's folder hds, names the disk" \
	grep -q 'scsi0:0.fileName = "\[hds\] disky/disky.vmdk"' /tmp/ds/hds/disky/disky.vmx
disky_made() {
	! vmkfstools -c 1m -d thin "[hds] disky/disky.vmdk" 2> /tmp/disky-err.txt &&
		grep -q "exists already" /tmp/disky-err.txt
}
expect "... vmkfstools -c of its disk is refused: the vmkernel has it on hds" disky_made
id6=$(hostd_vm_moref disky)
disky_dev() {
	soap_props VirtualMachine $id6 config.hardware.device > /dev/null &&
		grep -q '<fileName>\[hds\] disky/disky.vmdk</fileName><datastore type="Datastore">hds<' $HOSTD_DIR/answer
}
expect "... its devices show the disk on hds (moref $id6)" disky_dev
expect "... of capacityInKB 16384, as the vmkernel tells" \
	grep -q '<capacityInKB>16384</capacityInKB>' $HOSTD_DIR/answer
expect "PowerOnVM_Task of disky opens its disk" vm_task PowerOnVM_Task $id6
expect "vmkctl shows disky running" test "$(vm_field disky state)" = running
expect "PowerOffVM_Task of disky" vm_task PowerOffVM_Task $id6
expect "Destroy_Task of disky" vm_task Destroy_Task $id6
expect_fail "... its .vmx is gone" test -e /tmp/ds/hds/disky
refused_gone() {
	! vmkfstools -P "[hds] disky/disky.vmdk" 2> /tmp/disky-err.txt &&
		grep -q "no such file on the datastore" /tmp/disky-err.txt
}
expect "... and its disk on hds, through the vmkernel" refused_gone
expect "CreateVM_Task of disky again: the name and the disk are free" create_disky
id6=$(hostd_vm_moref disky)
expect "Destroy_Task of the second disky (moref $id6)" vm_task Destroy_Task $id6
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
expect_fail "vmkctl's inventory no longer has it (vmkctl vm list)" registered spin
expect_fail "vmk-hostd no longer lists it" in_inventory "$id"
hostd_unload
sd=$(cos_lun_disk 1)
expect "LUN 1 is a COS disk again" test -n "$sd"
expect "the volume hds checks clean" vmkfstools --check /dev/$sd
vmkfstools --ls /dev/$sd:/ | tee /tmp/hds-ls.txt
expect_fail "... and has neither the disks Destroy_Task deleted nor their folder" \
	grep -q disky /tmp/hds-ls.txt
expect "the volume header on $sd is wiped for the next scenario" \
	dd if=/dev/zero of=/dev/$sd bs=1M seek=1 count=1 conv=fsync
HOSTD_VMKLOAD=
# Loaded again: the init starts vmk-hostd again (its certificate kept).
# It holds no /dev/vmkernel between calls, so a bare vmkctl unload
# succeeds while it runs; it then lists the registered VMs, off, and
# fails their PowerOn saying why; the init's stop stops it with nothing
# left to unload.
hostd_load --trace --datastores /tmp/ds || fail "/etc/init.d/vmk start a second time"
echo "ok: /etc/init.d/vmk start a second time: vmk-hostd serves again"
soap_login || fail "Login to the second vmk-hostd"
expect "vmkctl unload while vmk-hostd runs" vmkctl unload
expect "vmkctl vm register spin2 again, with no vmkernel" vmkctl vm register /tmp/spin2.vmx
expect "... vmk-hostd lists it" in_inventory "$id2"
expect "... poweredOff" test "$(hostd_vm_prop $id2 runtime.powerState)" = poweredOff
expect_fail "... its PowerOnVM_Task fails its Task" vm_task PowerOnVM_Task $id2
expect "... saying that vmkload is not loaded" grep -q 'is vmkload loaded?' $HOSTD_DIR/answer
expect "... and vmk-hostd runs on" kill -0 $HOSTD_PID
expect "vmkctl vm unregister spin2" vmkctl vm unregister spin2
expect "/etc/init.d/vmk stop with nothing to unload" /etc/init.d/vmk stop
expect_fail "... vmk-hostd has exited" kill -0 $HOSTD_PID
