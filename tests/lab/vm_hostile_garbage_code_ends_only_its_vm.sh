# SPDX-License-Identifier: GPL-2.0-only
# Isolation: a guest (tests/guest/hostile_garbage_code) that executes random
# bytes (a fresh page of garbage each round, every vector back to the next
# round): whatever the garbage does must stay in its VM. The COS, the
# vmkernel and a cpu_spin witness VM keep running (tests/lab/cos/vmctl.sh,
# vm_hostile_check); then eight more seeds.
# timeout: 300
# kernel: built
. /lib/vmk/lab.sh
. /lib/vmk/lab/vmk.sh
. /lib/vmk/lab/vmctl.sh

expect "insmod vmkload takes over" vmk_load mem_mb=64
vm_hostile_check garbage-code hostile_garbage_code 120 "round 1"
# More garbage: eight other seeds (tests/guest/hostile_garbage_code reads
# seed=N), each VM stopped by its garbage or killed after 30 s.
for seed in 1 2 3 4 5 6 7 8; do
	vm_make_guest_vmx /tmp/garbage-$seed.vmx garbage-$seed hostile_garbage_code \
		"vmk.cmdline = \"seed=$seed\""
	vm_up garbage-$seed /tmp/garbage-$seed.vmx
	vm_wait_stopped garbage-$seed 30 || vmkctl vm kill garbage-$seed
	note "seed $seed: $(vm_field garbage-$seed state): $(vm_field garbage-$seed reason)"
	expect "the vmkernel runs on after seed $seed" vmkernel_alive
	vmkctl vm unregister garbage-$seed >/dev/null
done
expect "the COS responds after all seeds" cos_responds 10
expect "the witness VM still makes progress after all seeds" cpu_spin_progress witness 60
expect "vmkctl unload --force ends the rest" vmkctl unload --force
