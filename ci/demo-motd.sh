# SPDX-License-Identifier: GPL-2.0-only
# Runs in the COS before the demo's interactive shell (ci/demo): loads the
# vmkernel with the COS's init script (which starts vmk-hostd after it) and
# shows its status, so the shell the user gets is the COS, and
# starts the demo VM.
echo
echo "=== vmk lab: console OS up on $(nproc) CPUs, kernel $(uname -r) ==="
# vmk-hostd logs in with a COS account: the demo's root password.
echo "root:$(mkpasswd -m sha512 vmk-demo):20000:0:99999:7:::" > /etc/shadow
chmod 600 /etc/shadow
# mem_mb=200: the vmkernel's pool must hold the demo VM's 128 MiB.
# /etc/init.d/vmk (ci/cos-vmk-service) loads vmkload, then starts vmk-hostd.
echo "+ /etc/init.d/vmk start mem_mb=200"
if /etc/init.d/vmk start mem_mb=200; then
	echo "+ vmkctl status"
	vmkctl status
	echo
	echo "Linux now runs as the console OS on the vmkernel. Try: vmkctl log,"
	echo "vmkctl status, /etc/init.d/vmk stop (vmk-hostd, then vmkctl unload)"
	echo "to give the machine back."
	echo "The vSphere API (vmk-hostd, log /var/log/vmk-hostd.log) answers on the"
	echo "host at https://127.0.0.1:PORT/sdk, PORT in the lab results' mgmt-port,"
	echo "as root, password vmk-demo, once its log says 'serving' (making the"
	echo "host certificate takes a while under TCG)."
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
