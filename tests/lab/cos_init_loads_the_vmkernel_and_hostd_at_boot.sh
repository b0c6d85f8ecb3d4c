# SPDX-License-Identifier: GPL-2.0-only
# The COS's init loads the vmkernel at boot and starts vmk-hostd after it,
# as ESX classic's did: this boot's image has /etc/vmk/vmkload.conf (the
# header below; ci/initramfs --vmkload-conf), so /init ran
# `/etc/init.d/vmk boot` before this scenario. vmkload is loaded with the
# file's parameters (the boot's log and the module's own parameter show
# them), vmk-hostd runs with its defaults (port 443, /etc/shadow) and
# serves: a Login with the COS account's password (written to /etc/shadow
# now: vmk-hostd reads it at each Login) gets a session, whose
# RetrieveServiceContent names ha-host's root folder. /etc/init.d/vmk stop
# then stops vmk-hostd and unloads. vmk.noload and a missing
# vmkload.conf are host-tested (tests/external/cos_vmk_service.sh).
# timeout: 300
# kernel: built
# needs: vmk-hostd
# vmkload-conf: mem_mb=48
. /lib/vmk/lab.sh
. /lib/vmk/lab/hostd.sh

expect "the boot loaded vmkload" vmk_loaded
expect "... with /etc/vmk/vmkload.conf's parameters (mem_mb=48)" \
	grep -qx 48 /sys/module/vmkload/parameters/mem_mb
expect "... and vmkctl status answers" vmkctl status
expect "the boot's lines are kept in /var/log/vmk-boot.log" \
	grep -q "insmod vmkload.ko mem_mb=48" /var/log/vmk-boot.log
HOSTD_PID=$(cat /run/vmk-hostd.pid 2>/dev/null)
expect "the boot started vmk-hostd" test -n "$HOSTD_PID"
expect "... which runs" kill -0 "$HOSTD_PID"
_end=$(($(date +%s) + 150))
until grep -q "vmk-hostd: serving" $HOSTD_LOG; do
	[ "$(date +%s)" -le $_end ] || break
	sleep 1
done
expect "vmk-hostd serves (its log says so within 150 s)" grep -q "vmk-hostd: serving" $HOSTD_LOG
mkdir -p $HOSTD_DIR
echo "$HOSTD_USER:$(mkpasswd -m sha512 "$HOSTD_PASSWORD"):20000:0:99999:7:::" > /etc/shadow
chmod 600 /etc/shadow
HOSTD_URL=https://127.0.0.1:443/sdk
expect "a Login with the COS account's password gets a session" soap_login
soap '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>' >/dev/null
expect "RetrieveServiceContent names the root folder" grep -q "ha-folder-root" $HOSTD_DIR/answer
hostd_unload
