// SPDX-License-Identifier: GPL-2.0-only
/* Per-CPU ASIDs for VM vCPUs (vmkernel/arch/x86/asid.h). */
#include "tests/unit/check_run.h"
#include <string.h>
#include "vmkernel/arch/x86/asid.h"
#include "vmkernel/arch/x86/vmcb.h"

#define NCPUS	2

static struct asid_cpu cpus[NCPUS];

static void init_all(uint32_t nasid)
{
	for (uint32_t i = 0; i < NCPUS; i++)
		asid_cpu_init(&cpus[i], nasid);
}

START_TEST(test_the_first_entry_on_a_cpu_flushes)
{
	struct asid_tag t = { 0 };

	init_all(16);
	ck_assert(asid_enter(&cpus[0], 0, &t));	/* a kernel before us used ASIDs */
	ck_assert_uint_eq(t.asid, COS_ASID + 1);
	ck_assert(!asid_enter(&cpus[0], 0, &t));
	ck_assert_uint_eq(t.asid, COS_ASID + 1);
}
END_TEST

START_TEST(test_two_vcpus_on_one_cpu_never_share_an_asid)
{
	struct asid_tag a = { 0 }, b = { 0 };

	init_all(16);
	asid_enter(&cpus[0], 0, &a);
	ck_assert(!asid_enter(&cpus[0], 0, &b));
	ck_assert_uint_ne(a.asid, b.asid);
	ck_assert(!asid_enter(&cpus[0], 0, &a));
	ck_assert(!asid_enter(&cpus[0], 0, &b));
	ck_assert_uint_ne(a.asid, b.asid);
	ck_assert_uint_ne(a.asid, COS_ASID);
	ck_assert_uint_ne(b.asid, COS_ASID);
}
END_TEST

START_TEST(test_a_move_or_a_reset_takes_an_unused_asid)
{
	struct asid_tag t = { 0 };
	uint32_t first;

	init_all(16);
	asid_enter(&cpus[0], 0, &t);
	first = t.asid;
	asid_enter(&cpus[1], 1, &t);		/* moved */
	ck_assert(!asid_enter(&cpus[0], 0, &t));	/* and back: not its old one */
	ck_assert_uint_ne(t.asid, first);
	first = t.asid;
	asid_forget(&t);			/* power on again, reset */
	ck_assert(!asid_enter(&cpus[0], 0, &t));
	ck_assert_uint_ne(t.asid, first);
}
END_TEST

START_TEST(test_handing_out_every_asid_starts_a_new_generation_with_a_flush)
{
	struct asid_tag t[15] = { 0 };
	uint32_t i;

	init_all(16);				/* VMs: 2..15, 14 of them */
	ck_assert(asid_enter(&cpus[0], 0, &t[0]));
	for (i = 1; i < 14; i++)
		ck_assert(!asid_enter(&cpus[0], 0, &t[i]));
	ck_assert_uint_eq(t[13].asid, 15);
	ck_assert(asid_enter(&cpus[0], 0, &t[14]));	/* the 15th: wrap */
	ck_assert_uint_eq(t[14].asid, COS_ASID + 1);
	/* a vCPU of the old generation takes a new ASID, without a flush */
	ck_assert(!asid_enter(&cpus[0], 0, &t[0]));
	ck_assert_uint_eq(t[0].asid, COS_ASID + 2);
	/* the other CPU has generations of its own */
	ck_assert(asid_enter(&cpus[1], 1, &t[1]));
	ck_assert_uint_eq(t[1].asid, COS_ASID + 1);
}
END_TEST

START_TEST(test_a_cpu_with_one_vm_asid_flushes_at_every_entry)
{
	struct asid_tag t = { 0 };

	init_all(2);				/* only 0 (host) and 1 (COS) exist */
	ck_assert(asid_enter(&cpus[0], 0, &t));
	ck_assert_uint_eq(t.asid, COS_ASID + 1);
	ck_assert(asid_enter(&cpus[0], 0, &t));
	init_all(3);				/* exactly one for VMs */
	ck_assert(asid_enter(&cpus[0], 0, &t));
	ck_assert(asid_enter(&cpus[0], 0, &t));
	ck_assert_uint_eq(t.asid, 2);
}
END_TEST

/*
 * A model TLB: the owner (a vCPU's instance number: a reset or a new
 * power on is a new instance) of the translations each (CPU, ASID) holds.
 * At every entry no translation of another instance may be visible.
 */
#define NVCPUS	6
#define MAXASID	64

static uint32_t tlb_owner[NCPUS][MAXASID];	/* 0: empty */

static void run_random_schedule(uint32_t nasid, uint32_t steps)
{
	struct asid_tag tag[NVCPUS] = { 0 };
	uint32_t instance[NVCPUS], next_instance = 1, seed = 12345;

	init_all(nasid);
	memset(tlb_owner, 0, sizeof(tlb_owner));
	/* what a kernel before the vmkernel left */
	for (uint32_t c = 0; c < NCPUS; c++)
		for (uint32_t a = 0; a < MAXASID; a++)
			tlb_owner[c][a] = 0xdead;
	for (uint32_t v = 0; v < NVCPUS; v++)
		instance[v] = next_instance++;
	for (uint32_t s = 0; s < steps; s++) {
		uint32_t v, cpu, asid;

		seed = seed * 1103515245 + 12345;
		v = (seed >> 8) % NVCPUS;
		cpu = (seed >> 20) % NCPUS;
		if ((seed >> 28) == 0) {	/* 1 in 16: reset or power on again */
			asid_forget(&tag[v]);
			instance[v] = next_instance++;
		}
		if (asid_enter(&cpus[cpu], cpu, &tag[v]))
			memset(tlb_owner[cpu], 0, sizeof(tlb_owner[cpu]));
		asid = tag[v].asid;
		ck_assert_uint_lt(asid, nasid > 3 ? nasid : 3);
		ck_assert_uint_gt(asid, COS_ASID);
		ck_assert_msg(!tlb_owner[cpu][asid] || tlb_owner[cpu][asid] == instance[v],
			      "step %u: vCPU %u (instance %u) on CPU %u sees ASID %u translations of instance %u",
			      s, v, instance[v], cpu, asid, tlb_owner[cpu][asid]);
		tlb_owner[cpu][asid] = instance[v];
	}
}

START_TEST(test_no_vcpu_ever_sees_anothers_translations)
{
	run_random_schedule(16, 100000);	/* QEMU's TCG */
	run_random_schedule(5, 100000);		/* fewer ASIDs than vCPUs */
	run_random_schedule(3, 20000);
	run_random_schedule(MAXASID, 100000);	/* more than enough */
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("asid");

	tcase_add_test(tc, test_the_first_entry_on_a_cpu_flushes);
	tcase_add_test(tc, test_two_vcpus_on_one_cpu_never_share_an_asid);
	tcase_add_test(tc, test_a_move_or_a_reset_takes_an_unused_asid);
	tcase_add_test(tc, test_handing_out_every_asid_starts_a_new_generation_with_a_flush);
	tcase_add_test(tc, test_a_cpu_with_one_vm_asid_flushes_at_every_entry);
	tcase_add_test(tc, test_no_vcpu_ever_sees_anothers_translations);
	return check_run("vmkernel ASIDs", tc);
}
