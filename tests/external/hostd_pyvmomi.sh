#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vmk-hostd against a client nobody here wrote: Debian's pyVmomi logs in,
# lists the VMs through a container view, reads their state and summary,
# powers one off and on with WaitForTask, logs out
# (hostd/pyvmomi_client.py); hand-made hostile requests get typed faults
# and the daemon goes on (hostd/hostile_requests.py). The same pyVmomi
# session runs first against govmomi's ESX simulator (hostd/esxsim, built
# offline from Debian's golang-github-vmware-govmomi-dev): the anchor that
# shows the client script checks what a real ESXi API answers. A govmomi
# client (hostd/govmomi_client: login, container view, power with
# task.Wait) runs against both too. Both sessions read the network "VM
# Network"; the pyVmomi one creates VMs with NICs on it;
# hostd/pyvmomi_networks.py then checks, against vmk-hostd only, each
# Network's VMs and CreateVM_Task's refusals of what vmk cannot give;
# hostd/pyvmomi_reconfig.py changes a VM's vCPUs, memory and CPU
# allocation with ReconfigVM_Task against both (its .vmx, watchers and
# refusals against vmk-hostd only); hostd/pyvmomi_paging.py reads the VMs
# in pages of RetrievePropertiesEx's maxObjects against both (the tokens'
# refusals against vmk-hostd only).
# libvirt's esx:// driver (virsh) then lists, inspects, stops and starts
# VMs through it, shows the host (nodeinfo) and its switches (net-list,
# net-info, net-dumpxml), defines a VM from domain XML
# (its .vmx uploaded through /folder/), dumps it back and undefines it,
# and dumps the datastore as a storage pool. 20 pyVmomi watchers
# in WaitForUpdatesEx see every power change of a VM, and the daemon's
# memory stays within 10% (hostd/many_watchers.py). The pyVmomi
# session also reads the datastore (its summary against statvfs of its
# folder), creates a VM on it, registers it again and destroys it (the
# .vmx files really written and deleted, in $RESULTS/hostd/datastores). vmk-hostd runs with --fake-backend, a test account in a private shadow
# file and a certificate it makes itself. Run from the top: BUILD, RESULTS.
set -euo pipefail

BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$(mktemp -d)}
here=$(cd "$(dirname "$0")/hostd" && pwd)
work=$RESULTS/hostd
python=/usr/bin/python3		# Debian's, where python3-pyvmomi is
mkdir -p "$work"

"$python" -c 'import pyVmomi' 2>/dev/null || { echo "pyVmomi missing: install python3-pyvmomi (ci/packages)"; exit 1; }
command -v virsh >/dev/null || { echo "virsh missing: install libvirt-clients (ci/packages)"; exit 1; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
. "$here/daemons.sh"

# 1. The anchor: the same client session against govmomi's ESX simulator.
go build -o "$work/govmomi_client" "$here/govmomi_client/main.go" >"$work/govmomi-build.log" 2>&1 ||
	fail "cannot build the govmomi client: $(tail -3 "$work/govmomi-build.log")"
# govmomi_client NAME PORT: the govmomi session against 127.0.0.1:PORT.
govmomi_client() {
	if [ -x "$work/govmomi_client" ] && timeout 300 "$work/govmomi_client" "127.0.0.1:$2" \
		"$user" "$password" >"$work/govmomi-$1.log" 2>&1; then
		echo "ok: the govmomi session passes against $1"
	else
		fail "the govmomi session against $1: $(grep -E 'FAIL|rror' "$work/govmomi-$1.log" | head -3)"
	fi
}
if start_esxsim; then
	# first, while the simulator has its two VMs (the sessions below remove some)
	"$python" "$here/pyvmomi_paging.py" 127.0.0.1 "$port" "$user" "$password" \
		>"$work/paging-anchor.log" 2>&1 &&
		echo "ok: the pyVmomi maxObjects session passes against govmomi's ESX simulator (anchor)" ||
		fail "the maxObjects session fails against the simulator: $(grep -E 'FAIL|Error' "$work/paging-anchor.log" | head -3)"
	if "$python" "$here/pyvmomi_client.py" 127.0.0.1 "$port" "$user" "$password" \
		>"$work/anchor.log" 2>&1; then
		echo "ok: the pyVmomi session passes against govmomi's ESX simulator (anchor)"
	else
		fail "the pyVmomi session fails against govmomi's ESX simulator: $(grep -E 'FAIL|Error' "$work/anchor.log" | head -3)"
	fi
	govmomi_client "govmomi's ESX simulator" "$port"
	"$python" "$here/pyvmomi_reconfig.py" 127.0.0.1 "$port" "$user" "$password" \
		"$work/datastores/LocalDS_0" >"$work/reconfig-anchor.log" 2>&1 &&
		echo "ok: the pyVmomi ReconfigVM_Task session passes against govmomi's ESX simulator (anchor)" ||
		fail "the ReconfigVM_Task session fails against the simulator: $(grep -E 'FAIL|Error' "$work/reconfig-anchor.log" | head -3)"
else
	fail "cannot build the govmomi simulator: $(tail -3 "$work/esxsim-build.log")"
fi

# 2. vmk-hostd: it makes its certificate at the first start.
start_hostd hostd
[ -s "$work/rui.crt" ] && [ "$(stat -c %a "$work/rui.key")" = 600 ] ||
	fail "no certificate made, or its key is not 0600"
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$work/rui.crt")
served=$(openssl s_client -connect "127.0.0.1:$port" </dev/null 2>/dev/null |
	openssl x509 -noout -fingerprint -sha256)
[ "$fp" = "$served" ] && echo "ok: serves the certificate it made" ||
	fail "served certificate ($served) is not $work/rui.crt ($fp)"
"$python" "$here/pyvmomi_client.py" 127.0.0.1 "$port" "$user" "$password" | tee "$work/pyvmomi.log" ||
	fail "the pyVmomi session against vmk-hostd"
govmomi_client vmk-hostd "$port"

# 3. Hostile requests, and a second daemon whose sessions end after 2 s idle.
main_port=$port
start_hostd hostd-idle --session-idle 2 --upload-max 1
[ "$fp" = "$(openssl x509 -noout -fingerprint -sha256 -in "$work/rui.crt")" ] ||
	fail "the second start made a new certificate instead of reusing it"
"$python" "$here/hostile_requests.py" 127.0.0.1 "$main_port" "$user" "$password" "$port" 2 \
	"$work/datastores" |
	tee "$work/hostile.log" || fail "hostile requests"
kill -0 "${pids[-2]}" || fail "vmk-hostd died (see $work/hostd.log)"

# 4. The networks where the simulator cannot anchor them (it keeps no
#    Network.vm and takes any deviceChange), on a fresh daemon.
start_hostd hostd-networks
"$python" "$here/pyvmomi_networks.py" 127.0.0.1 "$port" "$user" "$password" \
	"$work/datastores/LocalDS_0" | tee "$work/networks.log" ||
	fail "the pyVmomi networks session against vmk-hostd"

# 4b. ReconfigVM_Task: the anchor's session and what only vmk is held to
#    (its .vmx, watchers, refusals), on a fresh daemon.
start_hostd hostd-reconfig
"$python" "$here/pyvmomi_reconfig.py" 127.0.0.1 "$port" "$user" "$password" \
	"$work/datastores/LocalDS_0" --vmk | tee "$work/reconfig.log" ||
	fail "the pyVmomi ReconfigVM_Task session against vmk-hostd"
# RetrievePropertiesEx's maxObjects and tokens, on the same daemon
"$python" "$here/pyvmomi_paging.py" 127.0.0.1 "$port" "$user" "$password" --vmk |
	tee "$work/paging.log" || fail "the pyVmomi maxObjects session against vmk-hostd"

# 5. libvirt's esx driver (strict: every value typed) on a fresh daemon.
start_hostd hostd-libvirt
mkdir -p "$work/home"
printf '[credentials-test]\nusername=%s\npassword=%s\n[auth-esx-127.0.0.1]\ncredentials=test\n' \
	"$user" "$password" >"$work/libvirt-auth.conf"
virsh_esx() {
	HOME=$work/home XDG_CONFIG_HOME=$work/home XDG_CACHE_HOME=$work/home \
	XDG_RUNTIME_DIR=$work/home LIBVIRT_AUTH_FILE=$work/libvirt-auth.conf \
		timeout 120 virsh -q -c "esx://$user@127.0.0.1:$port/?no_verify=1" "$@" 2>>"$work/virsh.err"
}
list=$(virsh_esx list --all | tr -s ' ' | sed 's/^ //')
echo "$list" >"$work/virsh-list.log"
for want in "1 web running" "3 build running" "- db shut off"; do
	grep -qx -- "$want" <<<"$list" && echo "ok: virsh esx:// list: $want" ||
		fail "virsh esx:// list lacks '$want' (got: $(echo $list))"
done
info=$(virsh_esx dominfo web)
grep -q "^State: *running" <<<"$info" && grep -q "^CPU(s): *2" <<<"$info" &&
	grep -q "^Max memory: *131072 KiB" <<<"$info" && echo "ok: virsh esx:// dominfo web" ||
	fail "virsh esx:// dominfo web: $(echo $info)"
virsh_esx "destroy build; start db" >"$work/virsh-power.log" || fail "virsh esx:// destroy/start"
list=$(virsh_esx list --all | tr -s ' ' | sed 's/^ //')
grep -qx -- "- build shut off" <<<"$list" && grep -qx "2 db running" <<<"$list" &&
	echo "ok: virsh esx:// destroy build, start db" ||
	fail "after virsh destroy/start: $(echo $list) ($(tail -2 "$work/virsh.err"))"
# virsh shutdown is ShutdownGuest: web's guest handles the power button.
virsh_esx shutdown web >>"$work/virsh-power.log" || fail "virsh esx:// shutdown web"
list=$(virsh_esx list --all | tr -s ' ' | sed 's/^ //')
grep -qx -- "- web shut off" <<<"$list" && echo "ok: virsh esx:// shutdown web" ||
	fail "after virsh shutdown web: $(echo $list) ($(tail -2 "$work/virsh.err"))"
# nodeinfo: the fake backend's host (backend_fake.c: 2 CPUs of 2000 MHz, 2 GiB).
node=$(virsh_esx nodeinfo)
grep -q "^CPU model: *AMD EPYC Processor (fake)" <<<"$node" && grep -q "^CPU(s): *2$" <<<"$node" &&
	grep -q "^CPU frequency: *2000 MHz" <<<"$node" && grep -q "^Memory size: *2097152 KiB" <<<"$node" &&
	echo "ok: virsh esx:// nodeinfo: the fake backend's host" ||
	fail "virsh esx:// nodeinfo: $(echo $node) ($(tail -2 "$work/virsh.err"))"
# Networks: libvirt's esx driver lists the host's switches
# (config.network.vswitch), each with its port groups and uplink.
nets=$(virsh_esx net-list --all | tr -s ' ' | sed 's/^ //')
[ "$nets" = "$(printf 'internal0 active yes yes\nvswitch0 active yes yes')" ] &&
	echo "ok: virsh esx:// net-list: the switches vswitch0 and internal0, active" ||
	fail "virsh esx:// net-list: $(echo $nets) ($(tail -2 "$work/virsh.err"))"
ninfo=$(virsh_esx net-info vswitch0)
grep -q "^Name: *vswitch0$" <<<"$ninfo" && grep -q "^Active: *yes" <<<"$ninfo" &&
	echo "ok: virsh esx:// net-info vswitch0" ||
	fail "virsh esx:// net-info vswitch0: $(echo $ninfo) ($(tail -2 "$work/virsh.err"))"
nxml=$(virsh_esx net-dumpxml vswitch0)
grep -q "<forward dev='vmnic0' mode='bridge'>" <<<"$nxml" && grep -q "<portgroup name='VM Network'>" <<<"$nxml" &&
	grep -q "<portgroup name='Backup'>" <<<"$(virsh_esx net-dumpxml internal0)" &&
	echo "ok: virsh esx:// net-dumpxml: vswitch0 bridged to vmnic0 with VM Network, internal0 with Backup" ||
	fail "virsh esx:// net-dumpxml vswitch0: $(echo $nxml) ($(tail -2 "$work/virsh.err"))"
# define: libvirt writes the domain as a .vmx, uploads it (PUT /folder/)
# next to the first disk (whose folder must exist, as on ESXi) and
# registers it (RegisterVM_Task); dumpxml reads it back (GET /folder/);
# undefine unregisters it (UnregisterVM) and leaves its files, as ESXi.
ds0=$work/datastores/LocalDS_0
mkdir -p "$ds0/virsh1"
: >"$ds0/virsh1/virsh1.vmdk"
cat >"$work/virsh1.xml" <<'XML'
<domain type='vmware'>
  <name>virsh1</name>
  <uuid>564d3a9b-5c6f-470d-b42e-7a0e9b3c4d5e</uuid>
  <memory unit='KiB'>98304</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='[LocalDS_0] virsh1/virsh1.vmdk'/>
      <target dev='sda' bus='scsi'/>
    </disk>
    <controller type='scsi' index='0' model='lsilogic'/>
    <interface type='bridge'>
      <mac address='00:50:56:00:12:35'/>
      <source bridge='VM Network'/>
      <model type='e1000'/>
    </interface>
  </devices>
</domain>
XML
virsh_esx define "$work/virsh1.xml" >"$work/virsh-define.log" || fail "virsh esx:// define: $(tail -2 "$work/virsh.err")"
vmx=$ds0/virsh1/virsh1.vmx
if [ -f "$vmx" ] && "$BUILD/host/cos-tools/vmx-check" "$vmx" >"$work/virsh1-vmx-check.log" 2>&1 &&
	grep -qx 'displayName = "virsh1"' "$vmx" && grep -qx 'memsize = "96"' "$vmx" &&
	grep -qx 'numvcpus = "2"' "$vmx" && grep -qx 'ethernet0.address = "00:50:56:00:12:35"' "$vmx"; then
	echo "ok: virsh esx:// define uploads a .vmx vmx-check accepts, with its name, memory, vCPUs and MAC"
else
	fail "virsh esx:// define: $vmx missing or not as defined ($(cat "$work/virsh1-vmx-check.log" 2>/dev/null | head -2))"
fi
list=$(virsh_esx list --all | tr -s ' ' | sed 's/^ //')
info=$(virsh_esx dominfo virsh1)
grep -qx -- "- virsh1 shut off" <<<"$list" && grep -q "^CPU(s): *2" <<<"$info" &&
	grep -q "^Max memory: *98304 KiB" <<<"$info" &&
	echo "ok: virsh esx:// define registers it: listed off, dominfo as its .vmx" ||
	fail "virsh esx:// after define: $(echo $list) / $(echo $info) ($(tail -2 "$work/virsh.err"))"
xml=$(virsh_esx dumpxml virsh1)
echo "$xml" >"$work/virsh1-dumpxml.xml"
grep -q "<name>virsh1</name>" <<<"$xml" && grep -q "<uuid>564d3a9b-5c6f-470d-b42e-7a0e9b3c4d5e</uuid>" <<<"$xml" &&
	grep -q "<memory unit='KiB'>98304</memory>" <<<"$xml" &&
	grep -q "<source file='\[LocalDS_0\] virsh1/virsh1.vmdk'/>" <<<"$xml" &&
	grep -q "<mac address='00:50:56:00:12:35'" <<<"$xml" && grep -q "<source bridge='VM Network'/>" <<<"$xml" &&
	echo "ok: virsh esx:// dumpxml virsh1 (its .vmx through /folder/): name, UUID, memory, disk, NIC" ||
	fail "virsh esx:// dumpxml virsh1: $(echo $xml | head -c 300) ($(tail -2 "$work/virsh.err"))"
virsh_esx undefine virsh1 >>"$work/virsh-define.log" || fail "virsh esx:// undefine: $(tail -2 "$work/virsh.err")"
list=$(virsh_esx list --all | tr -s ' ' | sed 's/^ //')
! grep -q virsh1 <<<"$list" && [ -f "$vmx" ] &&
	echo "ok: virsh esx:// undefine virsh1: unregistered, its .vmx left on the datastore" ||
	fail "virsh esx:// after undefine: $(echo $list)"
# pool-list: every datastore a pool, the folder and the fake VMFS volume
# (libvirt asks for the host's storage adapters first: the fake vmhba0).
pools=$(virsh_esx pool-list --all | tr -s ' ' | sed 's/^ //')
[ "$pools" = "$(printf 'LocalDS_0 active yes\nvmfs1 active yes')" ] &&
	echo "ok: virsh esx:// pool-list: LocalDS_0 and vmfs1, active" ||
	fail "virsh esx:// pool-list: $(echo $pools) ($(tail -2 "$work/virsh.err"))"
# The fake VMFS volume as a pool: an "fs" pool of format vmfs with the
# fake backend's space (1 GiB, 900 MiB free; backend_fake.c).
pool=$(virsh_esx pool-dumpxml vmfs1)
grep -q "<pool type='fs'>" <<<"$pool" && grep -q "<format type='vmfs'/>" <<<"$pool" &&
	grep -q "<capacity unit='bytes'>1073741824</capacity>" <<<"$pool" &&
	grep -q "<available unit='bytes'>943718400</available>" <<<"$pool" &&
	grep -q "<path>/vmfs/volumes/vmfs1</path>" <<<"$pool" &&
	echo "ok: virsh esx:// pool-dumpxml vmfs1: a vmfs pool with the volume's space" ||
	fail "virsh esx:// pool-dumpxml vmfs1: $(echo $pool) ($(tail -2 "$work/virsh.err"))"
# vol-list: the datastore browser (SearchDatastoreSubFolders_Task, then
# SearchDatastore_Task and QueryVirtualDiskUuid for each volume) finds a
# disk's descriptor (not its -flat extent, not a .vmdk that is no
# descriptor such as virsh1's) and an ISO, and nothing through the
# symbolic link "out" that hostile_requests.py left in the datastore.
mkdir -p "$ds0/vols"
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n\n# Extent description\nRW 32768 VMFS "disk1-flat.vmdk"\n\n# The Disk Data Base\nddb.adapterType = "lsilogic"\nddb.uuid = "60 00 c2 9a 5b 3c 11 22-33 44 55 66 77 88 99 aa"\n' \
	>"$ds0/vols/disk1.vmdk"
: >"$ds0/vols/disk1-flat.vmdk"
: >"$ds0/vols/boot.iso"
[ -d "$work/outside" ] && : >"$work/outside/evil.iso"
vols=$(virsh_esx vol-list LocalDS_0 | tr -s ' ' | sed 's/^ //')
[ "$vols" = "$(printf 'vols/boot.iso [LocalDS_0] vols/boot.iso\nvols/disk1.vmdk [LocalDS_0] vols/disk1.vmdk')" ] &&
	echo "ok: virsh esx:// vol-list LocalDS_0: the disk's descriptor and the ISO, nothing else" ||
	fail "virsh esx:// vol-list LocalDS_0: $(echo $vols) ($(tail -2 "$work/virsh.err"))"
vinfo=$(virsh_esx vol-info --pool LocalDS_0 vols/disk1.vmdk)
grep -q "^Capacity: *16.00 MiB" <<<"$vinfo" &&
	echo "ok: virsh esx:// vol-info: the disk's capacity from its descriptor (16 MiB)" ||
	fail "virsh esx:// vol-info vols/disk1.vmdk: $(echo $vinfo) ($(tail -2 "$work/virsh.err"))"
virsh_esx vol-list vmfs1 >/dev/null 2>&1 && fail "virsh esx:// vol-list vmfs1 answered" ||
	{ grep -q "VMFS datastore: its files are on the volume" "$work/virsh.err" &&
		echo "ok: virsh esx:// vol-list vmfs1: refused, the volume's files are out of the COS's reach" ||
		fail "virsh esx:// vol-list vmfs1: $(tail -2 "$work/virsh.err")"; }
# A datastore is a storage pool: its folder as a "dir" pool with the file
# system's capacity.
pool=$(virsh_esx pool-dumpxml LocalDS_0)
cap=$(stat -f -c '%b * %S' "$work/datastores/LocalDS_0")
grep -q "<pool type='dir'>" <<<"$pool" && grep -q "<path>$work/datastores/LocalDS_0</path>" <<<"$pool" &&
	grep -q "<capacity unit='bytes'>$((cap))</capacity>" <<<"$pool" &&
	echo "ok: virsh esx:// pool-dumpxml LocalDS_0: a dir pool of its folder's capacity" ||
	fail "virsh esx:// pool-dumpxml LocalDS_0: $(echo $pool) ($(tail -2 "$work/virsh.err"))"

# 6. 20 watchers at once, each its own session and filter in
#    WaitForUpdatesEx, while a VM is powered on and off: each sees every
#    change; the daemon's memory after 7 more rounds is within 10% of
#    what it was after 3 (a fresh daemon; about 45 s).
start_hostd hostd-watchers
"$python" "$here/many_watchers.py" 127.0.0.1 "$port" "$user" "$password" "${pids[-1]}" |
	tee "$work/watchers.log" || fail "20 watchers in WaitForUpdatesEx"

echo "$failures failures"
[ "$failures" = 0 ]
