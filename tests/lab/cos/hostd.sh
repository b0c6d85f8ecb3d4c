# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the lab scenarios that run vmk-hostd in the COS (sourced
# after /lib/vmk/lab.sh): start it with a test account, and speak SOAP to
# it with busybox wget (its own TLS) from inside the COS. docs/rpc.md.
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

HOSTD_DIR=/tmp/hostd
HOSTD_USER=root
HOSTD_PASSWORD=vmk-lab-secret
HOSTD_LOG=/var/log/vmk-hostd.log
# A call the daemon does not answer fails after this long (no wget -T here).
HOSTD_CALL_S=120

# hostd_load [OPTION...]: vmkload loaded by the COS's init script
# (/etc/init.d/vmk start, ci/cos-vmk-service), which then starts vmk-hostd
# on port 443 (the port ci/lab forwards) with OPTIONs and Login checked
# against a private shadow file; waits until it serves (making the host
# certificate is slow under TCG); HOSTD_VMKLOAD gives vmkload's parameters
# (default mem_mb=64). With --trace its answers, faults
# included, are in $HOSTD_LOG (busybox wget keeps no body of an HTTP 500).
hostd_load() {
	mkdir -p $HOSTD_DIR /etc/vmk
	echo "$HOSTD_USER:$(mkpasswd -m sha512 "$HOSTD_PASSWORD"):20000:0:99999:7:::" > $HOSTD_DIR/shadow
	echo "HOSTD_OPTS=\"--passwd-file $HOSTD_DIR/shadow --cert $HOSTD_DIR/rui.crt --key $HOSTD_DIR/rui.key $*\"" \
		> /etc/vmk/hostd.conf
	rm -f $HOSTD_LOG	# "serving" is this start's
	# shellcheck disable=SC2086 # the words are vmkload's parameters
	/etc/init.d/vmk start ${HOSTD_VMKLOAD:-mem_mb=64} || return 1
	HOSTD_PID=$(cat /run/vmk-hostd.pid) || return 1
	HOSTD_URL=https://127.0.0.1:443/sdk
	_end=$(($(date +%s) + 120))
	while [ "$(date +%s)" -le $_end ]; do
		grep -q "vmk-hostd: serving" $HOSTD_LOG && { cat $HOSTD_LOG; return 0; }
		kill -0 $HOSTD_PID 2>/dev/null || break
		sleep 1
	done
	cat $HOSTD_LOG
	return 1
}

# hostd_unload: /etc/init.d/vmk stop stops vmk-hostd, then unloads vmkload.
hostd_unload() {
	expect "vmk-hostd is still running" kill -0 $HOSTD_PID
	expect "/etc/init.d/vmk stop: vmk-hostd, then vmkctl unload" /etc/init.d/vmk stop
	expect_fail "... vmk-hostd has exited" kill -0 $HOSTD_PID
	expect_fail "... vmkload is unloaded" vmk_loaded
	cat $HOSTD_LOG
}

# soap BODY: POST one SOAP request (BODY inside soapenv:Body) with the
# session's cookie; the answer in $HOSTD_DIR/answer, also printed. Fails
# on a fault (HTTP 500) or no answer.
soap() {
	printf '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>' \
		"$1" > $HOSTD_DIR/request
	timeout $HOSTD_CALL_S wget -S -q -O $HOSTD_DIR/answer --no-check-certificate \
		--header 'Content-Type: text/xml; charset=utf-8' --header 'SOAPAction: urn:vim25/6.7' \
		${HOSTD_COOKIE:+--header "Cookie: $HOSTD_COOKIE"} \
		--post-file $HOSTD_DIR/request "$HOSTD_URL" 2> $HOSTD_DIR/headers
	_rc=$?
	cat $HOSTD_DIR/answer 2>/dev/null; echo
	[ $_rc = 0 ] || cat $HOSTD_DIR/headers
	if [ $_rc -gt 128 ]; then
		echo "soap: no answer in $HOSTD_CALL_S s; where vmk-hostd waits:"
		hostd_threads
		tail -40 $HOSTD_LOG
	fi
	return $_rc
}

# hostd_threads: each thread of vmk-hostd, its state, wait channel and
# system call (number and first arguments).
hostd_threads() {
	for _t in /proc/$HOSTD_PID/task/*; do
		echo "  thread ${_t##*/}: $(sed -n 's/^State:[[:space:]]*//p' $_t/status 2>/dev/null)," \
			"wchan $(cat $_t/wchan 2>/dev/null), syscall $(cut -d' ' -f1-3 $_t/syscall 2>/dev/null)"
	done
}

# soap_login: Login as the test account; keeps the session cookie.
soap_login() {
	HOSTD_COOKIE=
	soap "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">ha-sessionmgr</_this><userName>$HOSTD_USER</userName><password>$HOSTD_PASSWORD</password></Login>" || return 1
	HOSTD_COOKIE=$(sed -n 's/^ *Set-Cookie: \(vmware_soap_session="[^"]*"\).*/\1/p' $HOSTD_DIR/headers)
	[ -n "$HOSTD_COOKIE" ]
}

# soap_props TYPE MOREF PATH...: RetrieveProperties of PATHs of one object.
soap_props() {
	_t=$1 _o=$2
	shift 2
	_p=
	for _x in "$@"; do _p="$_p<pathSet>$_x</pathSet>"; done
	soap "<RetrieveProperties xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">ha-property-collector</_this><specSet><propSet><type>$_t</type>$_p</propSet><objectSet><obj type=\"$_t\">$_o</obj></objectSet></specSet></RetrieveProperties>"
}

# hostd_vm_ids: the VirtualMachine morefs in ha-folder-vm, one a line.
hostd_vm_ids() {
	soap_props Folder ha-folder-vm childEntity > /dev/null || return 1
	sed 's/<ManagedObjectReference/\n&/g' $HOSTD_DIR/answer |
		sed -n 's/^<ManagedObjectReference[^>]* type="VirtualMachine">\([0-9]*\)<.*/\1/p'
}

# hostd_vm_prop ID PATH: one property's value of VM ID (simple types).
hostd_vm_prop() {
	soap_props VirtualMachine "$1" "$2" > /dev/null || return 1
	sed -n 's/.*<val[^>]*>\([^<]*\)<\/val>.*/\1/p' $HOSTD_DIR/answer
}

# hostd_vm_moref NAME: the moref of the VM named NAME in ha-folder-vm.
hostd_vm_moref() {
	for _id in $(hostd_vm_ids); do
		[ "$(hostd_vm_prop $_id name)" = "$1" ] && { echo $_id; return 0; }
	done
	return 1
}

# soap_task BODY: a method that answers with a Task; fails if the call is
# refused or the Task's info.state is not success (the Tasks of
# vmk-hostd have finished when the call answers). The Task's info, with
# its error or result, is then in $HOSTD_DIR/answer.
soap_task() {
	soap "$1" > /dev/null || return 1
	_task=$(sed -n 's/.*<returnval type="Task">\([^<]*\)<.*/\1/p' $HOSTD_DIR/answer)
	soap_props Task "$_task" info > /dev/null || return 1
	cat $HOSTD_DIR/answer; echo
	grep -q '<state>success</state>' $HOSTD_DIR/answer
}

# vm_task METHOD MOREF: soap_task of a method of VM MOREF.
vm_task() { soap_task "<$1 xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">$2</_this></$1>"; }

# hostd_spin_vm_up: the cpu_spin test guest running as VM "spin", started
# with vmkctl: the VM the daemon is checked with.
hostd_spin_vm_up() {
	vm_make_guest_vmx /tmp/spin.vmx spin cpu_spin
	vm_up spin /tmp/spin.vmx
}
