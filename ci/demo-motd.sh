# SPDX-License-Identifier: GPL-2.0-only
# Runs in the COS before the demo's interactive shell (ci/demo): loads the
# vmkernel and shows its status, so the shell the user gets is the COS, and
# starts the demo VM.
# cos-init sources lab.sh but runs this file with `sh`: its variables are
# not exported, so name the module folder here.
VMK_MODULES=${VMK_MODULES:-/lib/modules/$(uname -r)/extra}
echo
echo "=== vmk lab: console OS up on $(nproc) CPUs, kernel $(uname -r) ==="
# mem_mb=200: the vmkernel's pool must hold the demo VM's 128 MiB.
echo "+ insmod $VMK_MODULES/vmkload.ko mem_mb=200"
if insmod "$VMK_MODULES/vmkload.ko" mem_mb=200; then
	echo "+ vmkctl status"
	vmkctl status
	echo
	echo "Linux now runs as the console OS on the vmkernel. Try: vmkctl log,"
	echo "vmkctl status, vmkctl unload (or rmmod vmkload) to give the machine back."
	# The demo VM: Debian's stock kernel + a busybox initramfs (ci/guest-image;
	# added by the VM tests' owner, minimal edit of a lead-owned file).
	echo
	echo "+ vmkctl vm register /lib/vmk/guests/demo.vmx; vmkctl vm start demo"
	if vmkctl vm register /lib/vmk/guests/demo.vmx && vmkctl vm start demo; then
		echo "A VM 'demo' (Debian's 686-pae kernel, 2 vCPUs, 128 MiB) is booting."
		echo "Its serial console: vmkctl vm console demo   (Ctrl-] detaches, the VM runs on)"
		echo "Also: vmkctl vm list | info demo | stop demo | reset demo | kill demo;"
		echo "vmkctl unload --force powers VMs off and unloads. docs/operator-guide.md has it all."
	fi
else
	echo "vmk: loading the vmkernel failed:"
	dmesg | grep -i vmk | tail -5
fi
