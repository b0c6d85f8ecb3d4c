# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the lab scripts: cache locations and logging.
# Sourced, not run.

VMK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VMK_CACHE=${VMK_CACHE:-/var/cache/vmk}
VMK_BUILD=${VMK_BUILD:-$VMK_TOP/build}

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Version of Debian's linux-source-6.1 package: part of every cache key.
linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		die "linux-source-6.1 is not installed (run ci/install-deps)"
}

# Cache key of the COS kernel: source version + config fragment + recipe.
# Bump VMK_COS_KERNEL_RECIPE when ci/cos-kernel changes what it builds.
VMK_COS_KERNEL_RECIPE=1
cos_kernel_key() {
	{ linux_source_version; cat "$VMK_TOP/ci/cos-kernel.config"; echo "recipe $VMK_COS_KERNEL_RECIPE"; } |
		sha256sum | cut -c1-16
}

cos_kernel_dir() { echo "$VMK_CACHE/cos-kernel-$(cos_kernel_key)"; }

# The stock Debian 686-pae kernel, unpacked (see ci/stock-kernel).
stock_kernel_dir() { echo "$VMK_CACHE/stock-kernel"; }

# lab_header FILE KEY: the value of a lab scenario's header line "# KEY: value".
lab_header() { sed -n "s/^# $2: *//p" "$1" | head -1; }

# lab_timeout FILE: the scenario's "# timeout:" (300 s without one), capped
# at VMK_LAB_MAX_TIMEOUT (900 s) so one hang cannot eat CI's time budget.
lab_timeout() {
	local t max=${VMK_LAB_MAX_TIMEOUT:-900}
	t=$(lab_header "$1" timeout)
	t=${t:-300}
	[ "$t" -le "$max" ] || t=$max
	echo "$t"
}
