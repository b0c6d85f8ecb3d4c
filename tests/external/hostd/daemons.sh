# SPDX-License-Identifier: GPL-2.0-only
# What the hostd_*.sh tests share, sourced after they set BUILD and work
# (their results folder): a test account (user, password) in a private
# shadow file, the datastore LocalDS_0 (a folder), vmk-hostd
# --fake-backend (start_hostd) and govmomi's ESX simulator, the anchor
# (start_esxsim). Each daemon's pid is in pids, killed at exit.

hostd=$BUILD/host/cos-tools/vmk-hostd
[ -x "$hostd" ] || { echo "$hostd missing: run make host-tools"; exit 1; }
command -v openssl >/dev/null || { echo "openssl missing (ci/packages)"; exit 1; }
command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] ||
	{ echo "go or govmomi missing: install golang-go golang-github-vmware-govmomi-dev (ci/packages)"; exit 1; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

user=vmkadmin
password='pw-'$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
printf '%s:%s:19000:0:99999:7:::\n' "$user" "$(openssl passwd -6 "$password")" >"$work/shadow"
printf 'locked:!:19000:0:99999:7:::\n' >>"$work/shadow"
rm -f "$work"/rui.*
# the datastore the clients create their VMs on, named as the simulator's
rm -rf "$work/datastores"
mkdir -p "$work/datastores/LocalDS_0"

# start_hostd NAME ARGS...: vmk-hostd in the background; its port in $port.
start_hostd() {
	local name=$1 i; shift
	"$hostd" --listen 127.0.0.1 --port 0 --cert "$work/rui.crt" --key "$work/rui.key" \
		--passwd-file "$work/shadow" --admins "$user" --fake-backend \
		--datastores "$work/datastores" "$@" \
		2>"$work/$name.log" &
	pids+=($!)
	port=
	for i in $(seq 100); do
		# the log may not be there yet: the daemon's redirection races this
		port=$(sed -n 's|.*serving https://127.0.0.1:\([0-9]*\)/sdk.*|\1|p' "$work/$name.log" \
			2>/dev/null || true)
		[ -n "$port" ] && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.2
	done
	echo "vmk-hostd did not start:"; cat "$work/$name.log"; exit 1
}

# Go programs are built offline from Debian's govmomi sources.
export GO111MODULE=off GOFLAGS= GOPATH=$work/gopath:/usr/share/gocode
export GOCACHE=${VMK_CACHE:-/var/cache/vmk}/go-build

# start_esxsim: govmomi's ESX simulator with the test account in the
# background; its port in $port; 1 (with $work/esxsim-build.log) if it
# cannot be built.
start_esxsim() {
	local i
	go build -o "$work/esxsim" "$(dirname "${BASH_SOURCE[0]}")/esxsim/main.go" \
		>"$work/esxsim-build.log" 2>&1 || return 1
	"$work/esxsim" "$user" "$password" >"$work/esxsim.port" 2>"$work/esxsim.log" &
	pids+=($!)
	for i in $(seq 100); do [ -s "$work/esxsim.port" ] && break; sleep 0.2; done
	port=$(cat "$work/esxsim.port")
}
