# SPDX-License-Identifier: GPL-2.0-only
# Lab scenario of the kunit tier: load every KUnit module built from
# tests/kunit/ in the COS kernel (CONFIG_KUNIT=y runs a module's suites when it
# loads) and print the kernel log, whose KTAP lines tests/run counts.
. /lib/vmk/lab.sh
found=0
for m in "$VMK_MODULES"/*_kunit.ko; do
	[ -f "$m" ] || continue
	found=1
	insmod "$m" || echo "run-suites: insmod $m failed"
	rmmod "$(basename "$m" .ko)" 2>/dev/null
done
[ $found = 1 ] || fail "no KUnit modules in $VMK_MODULES"
echo '=== vmk: KTAP begin ==='
dmesg
echo '=== vmk: KTAP end ==='
