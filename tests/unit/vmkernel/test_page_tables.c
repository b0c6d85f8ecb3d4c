// SPDX-License-Identifier: GPL-2.0-only
/* PAE page tables (vmkernel and boot tables) and the COS's nested table. */
#include <stdlib.h>
#include "tests/unit/check_run.h"
#include "vmkernel/mm/pae.h"
#include "vmkernel/cos/cos_npt.h"

#define FAKE_PAGES	64
#define FAKE_BASE	0x00100000u	/* "physical" address of fake page 0 */

static uint64_t (*mem)[PAE_ENTRIES];
static unsigned int used;

static vmk_status_t fake_alloc(void *ctx, uint64_t *pa)
{
	(void)ctx;
	if (used == FAKE_PAGES)
		return VMK_NO_MEMORY;
	*pa = FAKE_BASE + (uint64_t)used++ * VMK_PAGE_SIZE;
	return VMK_OK;
}

static uint64_t *fake_table(void *ctx, uint64_t pa)
{
	(void)ctx;
	ck_assert(pa >= FAKE_BASE && pa < FAKE_BASE + FAKE_PAGES * VMK_PAGE_SIZE);
	return mem[(pa - FAKE_BASE) / VMK_PAGE_SIZE];
}

static const struct pae_ops ops = { fake_alloc, fake_table, NULL };

static void setup(void)
{
	mem = calloc(FAKE_PAGES, sizeof(*mem));
	used = 0;
}

static void teardown(void)
{
	free(mem);
}

static bool maps(struct pae_space *s, uint32_t va, uint64_t want_pa)
{
	uint64_t pa, flags;

	return pae_translate(s, va, &pa, &flags) && pa == want_pa;
}

START_TEST(test_pdpt_entries_carry_only_present)
{
	struct pae_space s;
	uint64_t *pdpt;
	int i;

	ck_assert_int_eq(pae_create(&s, &ops), VMK_OK);
	pdpt = fake_table(NULL, s.pdpt_pa);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(pdpt[i] & ~PAE_ADDR_MASK, PAE_P);
	ck_assert_uint_eq(used, 5);
}
END_TEST

START_TEST(test_2m_mappings_translate)
{
	struct pae_space s;
	uint64_t pa, flags;

	ck_assert_int_eq(pae_create(&s, &ops), VMK_OK);
	ck_assert_int_eq(pae_map_2m(&s, 0xbf000000, 0x00a00000, PAE_RW), VMK_OK);
	ck_assert(maps(&s, 0xbf000000, 0x00a00000));
	ck_assert(maps(&s, 0xbf1ffffc, 0x00bffffc));
	ck_assert(pae_translate(&s, 0xbf000000, &pa, &flags));
	ck_assert(flags & PAE_PS);
	ck_assert(!pae_translate(&s, 0xbf200000, &pa, &flags));
	ck_assert_int_eq(pae_map_2m(&s, 0xbf001000, 0, PAE_RW), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_4k_mapping_splits_and_keeps_the_rest)
{
	struct pae_space s;

	ck_assert_int_eq(pae_create(&s, &ops), VMK_OK);
	ck_assert_int_eq(pae_map_2m(&s, 0x00400000, 0x00400000, PAE_RW), VMK_OK);
	ck_assert_int_eq(pae_map_4k(&s, 0x00401000, 0x7777000, PAE_RW), VMK_OK);
	ck_assert(maps(&s, 0x00401010, 0x7777010));
	ck_assert(maps(&s, 0x00400000, 0x00400000));
	ck_assert(maps(&s, 0x005ff000, 0x005ff000));
}
END_TEST

START_TEST(test_4k_mapping_in_an_empty_region)
{
	struct pae_space s;
	uint64_t pa, flags;

	ck_assert_int_eq(pae_create(&s, &ops), VMK_OK);
	ck_assert_int_eq(pae_map_4k(&s, 0xf8123000, 0x00345000, 0), VMK_OK);
	ck_assert(maps(&s, 0xf8123abc, 0x00345abc));
	ck_assert(!pae_translate(&s, 0xf8124000, &pa, &flags));
	ck_assert_uint_eq(flags & PAE_RW, 0);
}
END_TEST

START_TEST(test_table_exhaustion_is_reported)
{
	struct pae_space s;

	used = FAKE_PAGES - 5;
	ck_assert_int_eq(pae_create(&s, &ops), VMK_OK);
	ck_assert_int_eq(pae_map_4k(&s, 0x1000, 0x1000, 0), VMK_NO_MEMORY);
}
END_TEST

#define CHUNK	0x00800000u

START_TEST(test_npt_identity_maps_all_but_the_vmkernel)
{
	const uint32_t chunks[] = { CHUNK };
	struct pool pool;
	struct cos_npt n;
	uint64_t pa, flags;

	ck_assert_int_eq(pool_init(&pool, chunks, 1), VMK_OK);
	ck_assert_int_eq(cos_npt_build(&n, &ops, &pool, CHUNK + 0x5000), VMK_OK);
	ck_assert(maps(&n.space, 0x00123456, 0x00123456));
	ck_assert(maps(&n.space, 0xfee00000, 0xfee00000));	/* LAPIC */
	ck_assert(pae_translate(&n.space, 0x00123456, &pa, &flags));
	ck_assert(flags & PAE_US);	/* nested walks are user accesses */
	ck_assert(!pae_translate(&n.space, CHUNK, &pa, &flags));
	ck_assert(!pae_translate(&n.space, CHUNK + VMK_CHUNK_SIZE - 1, &pa, &flags));
	ck_assert(maps(&n.space, CHUNK + VMK_CHUNK_SIZE, CHUNK + VMK_CHUNK_SIZE));
}
END_TEST

START_TEST(test_npt_diverts_cos_access_to_the_sink)
{
	const uint32_t chunks[] = { CHUNK };
	uint32_t sink = CHUNK + 0x5000;
	struct pool pool;
	struct cos_npt n;
	uint64_t nth;

	ck_assert_int_eq(pool_init(&pool, chunks, 1), VMK_OK);
	ck_assert_int_eq(cos_npt_build(&n, &ops, &pool, sink), VMK_OK);
	ck_assert_int_eq(cos_npt_divert(&n, &pool, CHUNK + 0x3004, &nth), COS_NPT_VMKERNEL);
	ck_assert_uint_eq(nth, 1);
	ck_assert(maps(&n.space, CHUNK + 0x3008, sink + 8));
	/* the whole region now shows the sink, no vmkernel page */
	ck_assert(maps(&n.space, CHUNK, sink));
	ck_assert(maps(&n.space, CHUNK + VMK_CHUNK_SIZE - 4, sink + 0xffc));
	ck_assert(maps(&n.space, CHUNK + VMK_CHUNK_SIZE, CHUNK + VMK_CHUNK_SIZE));
	ck_assert_int_eq(cos_npt_divert(&n, &pool, 0x1000, &nth), COS_NPT_UNMAPPABLE);
	ck_assert_uint_eq(n.violations, 2);
}
END_TEST

START_TEST(test_npt_divert_needs_no_memory_when_the_pool_is_empty)
{
	const uint32_t chunks[] = { CHUNK, CHUNK + 4 * VMK_CHUNK_SIZE };
	uint32_t sink = CHUNK + 0x5000;
	struct pool pool;
	struct cos_npt n;
	uint64_t nth;

	ck_assert_int_eq(pool_init(&pool, chunks, 2), VMK_OK);
	ck_assert_int_eq(cos_npt_build(&n, &ops, &pool, sink), VMK_OK);
	used = FAKE_PAGES;	/* every table page handed out */
	ck_assert_int_eq(cos_npt_divert(&n, &pool, CHUNK + 0x1ff000, &nth), COS_NPT_VMKERNEL);
	ck_assert_int_eq(cos_npt_divert(&n, &pool, chunks[1] + 0x123456, &nth), COS_NPT_VMKERNEL);
	ck_assert(maps(&n.space, chunks[1] + 0x123456, sink + 0x456));
	ck_assert(maps(&n.space, CHUNK + 0x1ff000, sink));
	ck_assert_uint_eq(used, FAKE_PAGES);
}
END_TEST

START_TEST(test_npt_refuses_cos_access_beyond_4g)
{
	const uint32_t chunks[] = { CHUNK };
	struct pool pool;
	struct cos_npt n;
	uint64_t nth, pa, flags;

	ck_assert_int_eq(pool_init(&pool, chunks, 1), VMK_OK);
	ck_assert_int_eq(cos_npt_build(&n, &ops, &pool, CHUNK + 0x5000), VMK_OK);
	/* above 4 GiB, even where the low bits name the pool: refused,
	 * counted, and the pool's region stays hidden */
	ck_assert_int_eq(cos_npt_divert(&n, &pool, 0x100000000ull + CHUNK, &nth),
			 COS_NPT_UNMAPPABLE);
	ck_assert_int_eq(cos_npt_divert(&n, &pool, 0xfffffffff000ull, &nth),
			 COS_NPT_UNMAPPABLE);
	ck_assert_uint_eq(nth, 2);
	ck_assert(!pae_translate(&n.space, CHUNK, &pa, &flags));
}
END_TEST

START_TEST(test_npt_hides_a_device_bar_page_by_page)
{
	const uint32_t chunks[] = { CHUNK };
	const uint64_t bar = 0xfebf0000ull;	/* the lab's PVSCSI BAR */
	uint32_t sink = CHUNK + 0x5000;
	struct pool pool;
	struct cos_npt n;
	uint64_t nth, pa, flags;
	unsigned int had;

	ck_assert_int_eq(pool_init(&pool, chunks, 1), VMK_OK);
	ck_assert_int_eq(cos_npt_build(&n, &ops, &pool, sink), VMK_OK);
	ck_assert_int_eq(cos_npt_hide_device(&n, bar, 0x8000), VMK_OK);
	ck_assert(!pae_translate(&n.space, (uint32_t)bar, &pa, &flags));
	ck_assert(!pae_translate(&n.space, (uint32_t)bar + 0x7ffc, &pa, &flags));
	/* its neighbours in the same 2 MiB keep their identity mapping */
	ck_assert(maps(&n.space, (uint32_t)bar - 4, (uint32_t)bar - 4));
	ck_assert(maps(&n.space, (uint32_t)bar + 0x8000, (uint32_t)bar + 0x8000));
	/* a COS access: counted, that page (only) now shows the sink */
	had = used;
	used = FAKE_PAGES;
	ck_assert_int_eq(cos_npt_divert(&n, &pool, bar + 0x100c, &nth), COS_NPT_DEVICE);
	ck_assert_uint_eq(nth, 1);
	ck_assert(maps(&n.space, (uint32_t)bar + 0x100c, sink + 0xc));
	ck_assert(!pae_translate(&n.space, (uint32_t)bar, &pa, &flags));
	ck_assert_int_eq(cos_npt_hide_device(&n, bar + 1, 0x1000), VMK_BAD_PARAM);
	/* a second device (an uplink NIC's 128 KiB), then no more */
	ck_assert_int_eq(cos_npt_hide_device(&n, 0xfeb80000ull, 0x20000), VMK_OK);
	ck_assert_int_eq(cos_npt_divert(&n, &pool, 0xfeb9fffcull, &nth), COS_NPT_DEVICE);
	ck_assert(maps(&n.space, 0xfeb9fffcu, sink + 0xffc));
	ck_assert(maps(&n.space, 0xfeba0000u, 0xfeba0000u));
	/* their two ECAM pages, then no more */
	used = had;
	ck_assert_int_eq(cos_npt_hide_device(&n, 0xe0020000ull, 0x1000), VMK_OK);
	ck_assert_int_eq(cos_npt_hide_device(&n, 0xe0018000ull, 0x1000), VMK_OK);
	ck_assert(maps(&n.space, 0xe0019000u, 0xe0019000u));
	ck_assert_int_eq(cos_npt_divert(&n, &pool, 0xe0020000ull, &nth), COS_NPT_DEVICE);
	ck_assert(maps(&n.space, 0xe0020000u, sink));
	ck_assert_int_eq(cos_npt_hide_device(&n, 0xfe000000ull, 0x1000), VMK_NO_CAPACITY);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("page tables");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pdpt_entries_carry_only_present);
	tcase_add_test(tc, test_2m_mappings_translate);
	tcase_add_test(tc, test_4k_mapping_splits_and_keeps_the_rest);
	tcase_add_test(tc, test_4k_mapping_in_an_empty_region);
	tcase_add_test(tc, test_table_exhaustion_is_reported);
	tcase_add_test(tc, test_npt_identity_maps_all_but_the_vmkernel);
	tcase_add_test(tc, test_npt_diverts_cos_access_to_the_sink);
	tcase_add_test(tc, test_npt_divert_needs_no_memory_when_the_pool_is_empty);
	tcase_add_test(tc, test_npt_refuses_cos_access_beyond_4g);
	tcase_add_test(tc, test_npt_hides_a_device_bar_page_by_page);
	return check_run("vmkernel page tables", tc);
}
