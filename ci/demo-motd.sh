# SPDX-License-Identifier: GPL-2.0-only
# Runs in the COS before the demo's interactive shell (ci/demo), after the
# COS's init loaded the vmkernel and started vmk-hostd (/etc/init.d/vmk
# boot, with the demo's /etc/vmk/vmkload.conf): shows their status, so the
# shell the user gets is the COS, and starts the demo VM.
echo
echo "=== vmk lab: console OS up on $(nproc) CPUs, kernel $(uname -r) ==="
# vmk-hostd logs in with a COS account: the demo's root password.
echo "root:$(mkpasswd -m sha512 vmk-demo):20000:0:99999:7:::" > /etc/shadow
chmod 600 /etc/shadow
# The boot's own lines said why when it did not load (vmk.noload, a
# refusal: dmesg).
echo "+ /etc/init.d/vmk status"
/etc/init.d/vmk status
if grep -q '^vmkload ' /proc/modules; then
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
	echo "The vmkernel is not loaded: plain Linux. /etc/init.d/vmk start loads it"
	echo "(parameters: /etc/vmk/vmkload.conf); dmesg's last vmk lines:"
	dmesg | grep -i vmk | tail -5
fi
