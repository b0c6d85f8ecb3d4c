# SPDX-License-Identifier: GPL-2.0-only
# Runs in the COS before the demo's interactive shell (ci/demo): loads the
# vmkernel and shows its status, so the shell the user gets is the COS.
echo
echo "=== vmk lab: console OS up on $(nproc) CPUs, kernel $(uname -r) ==="
echo "+ insmod $VMK_MODULES/vmkload.ko"
if insmod "$VMK_MODULES/vmkload.ko"; then
	echo "+ vmkctl status"
	vmkctl status
	echo
	echo "Linux now runs as the console OS on the vmkernel. Try: vmkctl log,"
	echo "vmkctl status, vmkctl unload (or rmmod vmkload) to give the machine back."
else
	echo "vmk: loading the vmkernel failed:"
	dmesg | grep -i vmk | tail -5
fi
