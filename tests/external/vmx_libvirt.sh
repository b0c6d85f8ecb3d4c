#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# libvirt's VMX parser must read the .vmx files vmk writes, with the same
# values, and refuse what vmx-check refuses. vmk's files are made the way
# vmkctl will make them: `vmx-check --canonical` (cos-tools/vmx) on an
# operator's input. libvirt's vmwarews driver parses offline once it finds
# `vmrun` and `vmware -v` (stubs in a private PATH); see
# shared/notes/external-validators.md. Run from the top: BUILD, RESULTS set.
set -euo pipefail

BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$(mktemp -d)}
check=$BUILD/host/cos-tools/vmx-check
work=$RESULTS/vmx
mkdir -p "$work/bin" "$work/in" "$work/out" "$work/home"

command -v virsh >/dev/null || { echo "virsh missing: install libvirt-clients (ci/packages)"; exit 1; }
[ -x "$check" ] || { echo "$check missing: run make host-tools"; exit 1; }

printf '#!/bin/sh\necho "Total running VMs: 0"\n' >"$work/bin/vmrun"
printf '#!/bin/sh\necho "VMware Workstation 8.0.0 build-471780"\n' >"$work/bin/vmware"
chmod +x "$work/bin/vmrun" "$work/bin/vmware"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# libvirt's domain XML for a .vmx, or its error on stderr; status as virsh's.
libvirt_read() {
	HOME=$work/home XDG_CONFIG_HOME=$work/home XDG_CACHE_HOME=$work/home \
	XDG_RUNTIME_DIR=$work/home PATH="$work/bin:$PATH" \
		virsh -q -c vmwarews:///session domxml-from-native vmware-vmx "$1"
}

# expect_xml NAME PATTERN...: each pattern is in the domain XML of NAME.
expect_xml() {
	local name=$1 p; shift
	for p in "$@"; do
		grep -qF -- "$p" "$work/out/$name.xml" || fail "$name: libvirt XML lacks $p"
	done
}

cat >"$work/in/bios.vmx" <<'VMX'
# the smallest VM: firmware boot, nothing attached
config.version = "8"
virtualHW.version = "7"
displayName = "bios-vm"
memsize = "64"
VMX

cat >"$work/in/linux.vmx" <<'VMX'
.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "7"
displayName = "web |22front|22 |7C #1"
guestOS = "other26xlinux"
memsize = "512"
numvcpus = "2"
uuid.bios = "56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e"
scsi0.present = "TRUE"
scsi0.virtualDev = "lsilogic"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "/vmfs/volumes/lun0/web/web.vmdk"
ethernet0.present = "TRUE"
ethernet0.virtualDev = "e1000"
ethernet0.networkName = "VM Network"
ethernet0.addressType = "static"
ethernet0.address = "00:50:56:00:00:0a"
serial0.present = "TRUE"
serial0.fileType = "pipe"
serial0.fileName = "/var/run/vmk/web.com1"
sched.cpu.shares = "high"
sched.cpu.min = "200"
sched.cpu.max = "1000"
vmk.boot = "linux"
vmk.kernel = "/vmfs/volumes/lun0/web/bzImage"
vmk.initrd = "/vmfs/volumes/lun0/web/initrd.img"
vmk.cmdline = "console=ttyS0 root=/dev/sda1 quiet"
VMX

cat >"$work/in/multiboot.vmx" <<'VMX'
config.version = "8"
virtualHW.version = "4"
displayName = "mb"
memsize = "16"
scsi0.present = "TRUE"
scsi0.virtualDev = "pvscsi"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "mb.vmdk"
ethernet0.present = "TRUE"
ethernet0.virtualDev = "vmxnet3"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "/tmp/mb.log"
sched.cpu.shares = "750"
vmk.boot = "multiboot"
vmk.kernel = "/boot/kernel.elf"
VMX

# 1. vmk writes each input; libvirt reads vmk's file with the same values.
for in in "$work"/in/*.vmx; do
	name=$(basename "$in" .vmx)
	if ! "$check" --canonical "$in" >"$work/out/$name.vmx" 2>"$work/out/$name.check"; then
		fail "$name: vmx-check refused its input: $(cat "$work/out/$name.check")"
		continue
	fi
	"$check" "$work/out/$name.vmx" || fail "$name: vmx-check refused its own output"
	if ! libvirt_read "$work/out/$name.vmx" >"$work/out/$name.xml" 2>"$work/out/$name.err"; then
		fail "$name: libvirt refused vmk's file: $(cat "$work/out/$name.err")"
		continue
	fi
	echo "ok: libvirt reads vmk's $name.vmx"
done

expect_xml bios "<name>bios-vm</name>" "<memory unit='KiB'>65536</memory>" \
	"<vcpu placement='static'>1</vcpu>" "<shares>1000</shares>"
expect_xml linux "<name>web &quot;front&quot; | #1</name>" \
	"<uuid>564d9b3a-5c6f-270d-b42e-7a0e9b3c4d5e</uuid>" \
	"<memory unit='KiB'>524288</memory>" "<vcpu placement='static'>2</vcpu>" \
	"<shares>4000</shares>" "<source file='/vmfs/volumes/lun0/web/web.vmdk'/>" \
	"<controller type='scsi' index='0' model='lsilogic'/>" \
	"<model type='e1000'/>" "<source bridge='VM Network'/>" \
	"<mac address='00:50:56:00:00:0a'" \
	"<source path='/var/run/vmk/web.com1'/>"
expect_xml multiboot "<controller type='scsi' index='0' model='vmpvscsi'/>" \
	"<model type='vmxnet3'/>" "<serial type='file'>" "<shares>750</shares>"

# 2. What vmx-check refuses, libvirt refuses too: the rules agree.
base='config.version = "8"
virtualHW.version = "7"'
refuse() { # refuse NAME LINES [DISPLAYNAME]
	local f=$work/in/bad-$1.vmx
	printf '%s\ndisplayName = "%s"\n%s\n' "$base" "${3:-x}" "$2" >"$f"
	if "$check" "$f" 2>"$f.check"; then
		fail "bad-$1: vmx-check accepted it"
	elif libvirt_read "$f" >/dev/null 2>"$f.err"; then
		fail "bad-$1: libvirt accepts what vmx-check refuses ($(cat "$f.check"))"
	else
		echo "ok: both refuse bad-$1: $(head -1 "$f.check") / $(head -1 "$f.err")"
	fi
}
refuse memsize-not-multiple-of-4 'memsize = "250"'
refuse memsize-unquoted 'memsize = 256'
refuse scsi-model 'memsize = "64"
scsi0.present = "TRUE"
scsi0.virtualDev = "ahci"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "a.vmdk"'
refuse disk-not-vmdk 'memsize = "64"
scsi0.present = "TRUE"
scsi0.virtualDev = "lsilogic"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "disk.img"'
refuse nic-model 'memsize = "64"
ethernet0.present = "TRUE"
ethernet0.virtualDev = "rtl8139"'
refuse shares-word 'memsize = "64"
sched.cpu.shares = "lots"'
refuse many-vcpus 'memsize = "64"
numvcpus = "999999999999"'
refuse bad-escape 'memsize = "64"' 'a|zz'
printf 'config.version = "7"\nvirtualHW.version = "7"\ndisplayName = "x"\nmemsize = "64"\n' \
	>"$work/in/bad-config-version.vmx"
"$check" "$work/in/bad-config-version.vmx" 2>/dev/null && fail "bad-config-version: vmx-check accepted it"
libvirt_read "$work/in/bad-config-version.vmx" >/dev/null 2>&1 &&
	fail "bad-config-version: libvirt accepted it"

echo "$failures failures"
[ "$failures" = 0 ]
