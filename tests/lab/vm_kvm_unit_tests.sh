# SPDX-License-Identifier: GPL-2.0-only
# kvm-unit-tests in vmk VMs (issue 13): every i386 entry of
# ../shared/kvm-unit-tests/x86/unittests.cfg (staged by ci/guest-image
# into /lib/vmk/guests/kvm-unit-tests) runs in its own VM the way QEMU's
# run_tests.sh runs it: the .flat through vmk's Multiboot loader, its path
# and test_args as the command line (QEMU's Multiboot command line starts
# with the kernel's name: kvm-unit-tests takes it as argv[0]), its smp as
# vCPUs, 256 MiB, and as Multiboot module 0 the environment file
# kvm-unit-tests reads when there is no fw_cfg (NR_CPUS, MEMSIZE,
# TEST_DEVICE=1), the devices run_tests.sh gives QEMU: pc-testdev
# (vmk.testDev: realmode raises IRQ 11 through it, emulator and eventinj
# use its scratch and flush ports) and isa-debug-exit (vmk.debugExit),
# whose write ends the VM with the test's exit code in `vmkctl vm info`
# (without that device a test with TEST_DEVICE=0 goes on to print
# "--- DONE: CODE ---" on COM1, which counts too). Each entry gets its
# unittests.cfg timeout, at most BOUND seconds (60 s without one), and
# at most SHORT for one whose result gates nothing (it fails on bare TCG,
# or KNOWN lists it): a pass there takes a few seconds. The table compares
# the bare-TCG result of the README with vmk's; the scenario fails when a
# test that passes on bare TCG does not pass in vmk, unless KNOWN lists it
# with the reason. About 4-5 minutes (2026-12-03, 2 cores shared with
# other QEMUs): most entries take 1-5 s, sieve 27-61 s; the two that hang
# (realmode, s3) took their 60 s each until they got SHORT.
# timeout: 900
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

KUT=$VM_GUESTS/kvm-unit-tests
CFG=$KUT/unittests.cfg
MEM_MB=256			# run_tests.sh: -m 256
BOUND=120			# seconds per entry at most, power on to DONE
SHORT=15			# ... for an entry that gates nothing
# /work/shared/kvm-unit-tests/README.md: the 23 that pass and the 6 that
# fail on bare qemu-system-i386 -cpu EPYC (TCG); the rest skip there.
BARE_PASS="cmpxchg8b smptest smptest3 vmexit_cpuid vmexit_mov_from_cr8
vmexit_mov_to_cr8 vmexit_inl_pmtimer vmexit_ipi vmexit_ipi_halt
vmexit_ple_round_robin vmexit_tscdeadline vmexit_tscdeadline_immed
vmexit_cr0_wp vmexit_cr4_pge smap eventinj realmode setjmp sieve tsc
taskswitch umip la57"
BARE_FAIL="vmexit_vmcall hypercall emulator msr s3 taskswitch2"
# Bare-TCG passes that do not pass in vmk yet: "name: reason", one a line.
KNOWN=""

if [ ! -f "$CFG" ]; then
	note "SKIP: no kvm-unit-tests in this lab (../shared/kvm-unit-tests/x86 absent on the host when ci/guest-image staged the guests)"
	exit 0
fi

in_list() { case " $(echo $2) " in *" $1 "*) return 0 ;; esac; return 1; }

# The i386 entries: "name|file|smp|timeout|test_args", one a line.
awk '
function flush() {
	if (name != "" && arch != "x86_64")
		printf "%s|%s|%s|%s|%s\n", name, file, smp, timeout, args
}
/^\[/ { flush(); name = substr($0, 2, length($0) - 2); file = ""; smp = 1; timeout = 60; args = ""; arch = ""; next }
/^timeout *=/ { sub(/^timeout *= */, ""); timeout = $0 }
/^file *=/ { sub(/^file *= */, ""); file = $0 }
/^smp *=/ { sub(/^smp *= */, ""); smp = $0 }
/^arch *=/ { sub(/^arch *= */, ""); arch = $0 }
/^test_args *=/ { sub(/^test_args *= */, ""); gsub(/["\047]/, ""); args = $0 }
END { flush() }' "$CFG" > /tmp/kut-entries

expect "insmod vmkload takes over" vmk_load mem_mb=$((MEM_MB + 64))

# run_entry NAME FILE SMP SECONDS ARGS: prints "result|note".
run_entry() {
	_kn=$1 _kf=$KUT/$2 _ksmp=$3 _kt=$4 _kargs=$5
	[ "$_kt" -le $BOUND ] || _kt=$BOUND
	[ -f "$_kf" ] || { echo "absent|$2 was not built"; return; }
	printf 'NR_CPUS=%s\nMEMSIZE=%s\nTEST_DEVICE=1\n' "$_ksmp" $MEM_MB > /tmp/kut.env
	# kvmclock_test's args hold `date +%s` for the shell to expand
	_kargs=$(echo "$_kargs" | sed "s/\`date +%s\`/$(date +%s)/")
	# no initrd argument: a Multiboot .vmx; the environment is module 0
	vm_make_vmx /tmp/kut.vmx kut $MEM_MB "$_ksmp" "$_kf" "" "$_kf${_kargs:+ $_kargs}" \
		'vmk.initrd = "/tmp/kut.env"' 'vmk.debugExit = "TRUE"' 'vmk.testDev = "TRUE"'
	if ! vmkctl vm register /tmp/kut.vmx > /tmp/kut.reg 2>&1; then
		echo "refused|$(tail -1 /tmp/kut.reg)"; return
	fi
	if ! vmkctl vm start kut > /tmp/kut.start 2>&1; then
		vmkctl vm unregister kut > /dev/null 2>&1
		echo "refused|$(tail -1 /tmp/kut.start)"; return
	fi
	# the expect may return before the rest of the DONE line came
	vmkctl vm console kut --expect "--- DONE: " --timeout "$_kt" \
		> /tmp/kut.out 2> /tmp/kut.err &&
		! grep -aq -e "--- DONE: .* ---" /tmp/kut.out &&
		vmkctl vm console kut --expect " ---" --timeout 5 >> /tmp/kut.out 2>&1
	_kst=$(vm_field kut state) _kwhy=$(vm_field kut reason)
	# still running: its vCPUs' state into the vmkernel log, then kill it
	if [ "$_kst" = running ]; then
		vmkctl vm dump kut > /dev/null 2>&1
		vmkctl vm kill kut > /dev/null 2>&1
	fi
	vmkctl vm unregister kut > /dev/null 2>&1
	{ echo "=== $_kn: $_kst ${_kwhy:+($_kwhy)}"; cat /tmp/kut.out /tmp/kut.err; } > /tmp/kut-last.log
	_kcode=$(echo "$_kwhy" | sed -n 's/^guest exit code \([0-9]*\) through isa-debug-exit.*/\1/p')
	[ -n "$_kcode" ] ||
		_kcode=$(sed -n 's/.*--- DONE: \([0-9-]*\) ---.*/\1/p' /tmp/kut.out | tail -1)
	_ksum=$(grep -a "SUMMARY:" /tmp/kut.out | tail -1 | tr -d '\r')
	case "$_kcode" in
	# exit(code): QEMU's isa-debug-exit status (code << 1) | 1, which
	# run_tests.sh reads as 1 = pass and 77 = skip
	0) echo "pass|$_ksum" ;;
	38) echo "skip|$(grep -a "^SKIP" /tmp/kut.out | head -1 | tr -d '\r')" ;;
	"") case "$_kst" in
		running) echo "timeout|no exit code within $_kt s; last: $(tail -c 200 /tmp/kut.out | tr -d '\r' | tail -1)" ;;
		*) echo "error|$_kst: $_kwhy" ;;
		esac ;;
	*) echo "fail|code $_kcode; $_ksum $(grep -a "^FAIL" /tmp/kut.out | head -1 | tr -d '\r')" ;;
	esac
}

: > /tmp/kut-console.log
: > /tmp/kut-table
bad=0 start=$(date +%s)
while IFS='|' read -r name file smp timeout args; do
	bare=skip
	in_list "$name" "$BARE_PASS" && bare=pass
	in_list "$name" "$BARE_FAIL" && bare=fail
	t0=$(date +%s)
	if [ $bare != pass ] || echo "$KNOWN" | grep -q "^$name: "; then
		[ "$timeout" -le $SHORT ] || timeout=$SHORT
	fi
	res=$(run_entry "$name" "$file" "$smp" "$timeout" "$args" < /dev/null)
	[ "$name" = pmu ] && cp /tmp/kut.out /tmp/kut-pmu.out
	vmk=${res%%|*} why=${res#*|}
	mark=""
	if [ $bare = pass ] && [ $vmk != pass ]; then
		known=$(echo "$KNOWN" | sed -n "s/^$name: //p")
		if [ -n "$known" ]; then mark="known: $known"; else mark="REGRESSION"; bad=$((bad + 1)); fi
	fi
	printf '%-28s %-5s %-8s %3ss %s%s\n' "$name" $bare $vmk $(($(date +%s) - t0)) \
		"$why" "${mark:+ [$mark]}" | tee -a /tmp/kut-table
	# what the guest said when vmk does not pass it (its last lines)
	[ "$vmk" = pass ] || [ "$vmk" = absent ] || [ "$vmk" = skip ] ||
		if [ "$(wc -l < /tmp/kut-last.log)" -le 25 ]; then
			cat /tmp/kut-last.log
		else
			head -n 1 /tmp/kut-last.log; tail -n 24 /tmp/kut-last.log
		fi >> /tmp/kut-console.log
done < /tmp/kut-entries

echo
echo "kvm-unit-tests i386 entries, bare qemu-system-i386 TCG (README) vs vmk VM:"
printf '%-28s %-5s %-8s %4s %s\n' test bare vmk time note
cat /tmp/kut-table
npass=$(awk '$3 == "pass"' /tmp/kut-table | wc -l)
nbare=$(awk '$2 == "pass" && $3 == "pass"' /tmp/kut-table | wc -l)
note "vmk passes $npass entries ($nbare of the bare-TCG passes) in $(($(date +%s) - start)) s"
echo "--- the end of each failed test's COM1:"
cat /tmp/kut-console.log
[ -z "$KNOWN" ] || { echo "--- bare-TCG passes known not to pass in vmk yet:"; echo "$KNOWN"; }
# RDPMC is intercepted: a VM has the four legacy counters (reading 0), and
# never reads the physical ones (exit_policy.h vm_rdpmc_policy)
[ -f /tmp/kut-pmu.out ] &&
	expect "pmu: RDPMC of a counter the VM lacks raises #GP" \
		grep -aq "PASS: Expected #GP on RDPMC(64)" /tmp/kut-pmu.out
expect "vmkctl unload gives the machine back" vmkctl unload
[ $bad = 0 ] || fail "$bad bare-TCG passes do not pass in vmk (see the table)"
