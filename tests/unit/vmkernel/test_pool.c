// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's page pool and the COS-address check built on it. */
#include "tests/unit/check_run.h"
#include "vmkernel/mm/pool.h"
#include "vmkernel/cos/cos_mem.h"

#define CHUNK_A	0x01000000u
#define CHUNK_B	0x03400000u

static struct pool pool;

static void setup(void)
{
	const uint32_t chunks[] = { CHUNK_A, CHUNK_B };

	ck_assert_int_eq(pool_init(&pool, chunks, 2), VMK_OK);
}

START_TEST(test_pool_starts_all_free)
{
	ck_assert_uint_eq(pool_total_bytes(&pool), 2 * VMK_CHUNK_SIZE);
	ck_assert_uint_eq(pool_free_bytes(&pool), 2 * VMK_CHUNK_SIZE);
}
END_TEST

START_TEST(test_pool_refuses_unaligned_chunks)
{
	const uint32_t bad[] = { CHUNK_A + VMK_PAGE_SIZE };

	ck_assert_int_eq(pool_init(&pool, bad, 1), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_pool_allocations_are_distinct_pages)
{
	uint32_t a, b;

	ck_assert_int_eq(pool_alloc(&pool, 1, &a), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, 1, &b), VMK_OK);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(a % VMK_PAGE_SIZE, 0);
	ck_assert_uint_eq(pool_free_bytes(&pool), 2 * VMK_CHUNK_SIZE - 2 * VMK_PAGE_SIZE);
}
END_TEST

START_TEST(test_pool_runs_are_contiguous_in_one_chunk)
{
	uint32_t one, run;

	ck_assert_int_eq(pool_alloc(&pool, 1, &one), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, 3, &run), VMK_OK);
	ck_assert(run >= one + VMK_PAGE_SIZE || run + 3 * VMK_PAGE_SIZE <= one);
	ck_assert_uint_eq(run / VMK_CHUNK_SIZE, (run + 3 * VMK_PAGE_SIZE - 1) / VMK_CHUNK_SIZE);
}
END_TEST

START_TEST(test_pool_exhaustion_is_reported)
{
	uint32_t pa;
	unsigned int i;

	for (i = 0; i < 2 * POOL_PAGES_PER_CHUNK; i++)
		ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_NO_MEMORY);
	ck_assert_uint_eq(pool_free_bytes(&pool), 0);
}
END_TEST

START_TEST(test_pool_free_makes_pages_reusable)
{
	uint32_t a, b;

	ck_assert_int_eq(pool_alloc(&pool, 4, &a), VMK_OK);
	ck_assert_int_eq(pool_free(&pool, a, 4), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, 4, &b), VMK_OK);
	ck_assert_uint_eq(a, b);
}
END_TEST

START_TEST(test_pool_double_free_is_refused)
{
	uint32_t a;

	ck_assert_int_eq(pool_alloc(&pool, 1, &a), VMK_OK);
	ck_assert_int_eq(pool_free(&pool, a, 1), VMK_OK);
	ck_assert_int_eq(pool_free(&pool, a, 1), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_free(&pool, 0x1000, 1), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_pool_reserved_pages_are_not_handed_out)
{
	uint32_t pa;
	unsigned int i;

	ck_assert_int_eq(pool_reserve(&pool, CHUNK_A, POOL_PAGES_PER_CHUNK), VMK_OK);
	ck_assert_int_eq(pool_reserve(&pool, CHUNK_A, 1), VMK_BAD_PARAM);
	for (i = 0; i < POOL_PAGES_PER_CHUNK; i++) {
		ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_OK);
		ck_assert_uint_eq(pa / VMK_CHUNK_SIZE, CHUNK_B / VMK_CHUNK_SIZE);
	}
	ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_NO_MEMORY);
}
END_TEST

START_TEST(test_pool_runs_larger_than_a_chunk_are_refused)
{
	uint32_t pa;

	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK + 1, &pa), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_alloc(&pool, 0, &pa), VMK_BAD_PARAM);
}
END_TEST

/* The invariant behind the VMCB checks: one page, one role. */
START_TEST(test_pool_roles_keep_svm_pages_apart)
{
	uint32_t vmcb, hsave, host, any;

	ck_assert_int_eq(pool_alloc_role(&pool, 1, POOL_VMCB, &vmcb), VMK_OK);
	ck_assert_int_eq(pool_alloc_role(&pool, 1, POOL_HSAVE, &hsave), VMK_OK);
	ck_assert_int_eq(pool_alloc_role(&pool, 1, POOL_HOST_AREA, &host), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, 1, &any), VMK_OK);
	ck_assert_uint_ne(vmcb, hsave);
	ck_assert_uint_ne(vmcb, host);
	ck_assert_uint_ne(hsave, host);
	ck_assert_int_eq(pool_role_of(&pool, vmcb), POOL_VMCB);
	ck_assert_int_eq(pool_role_of(&pool, hsave + 0x123), POOL_HSAVE);
	ck_assert_int_eq(pool_role_of(&pool, host), POOL_HOST_AREA);
	ck_assert_int_eq(pool_role_of(&pool, any), POOL_ANY);
	/* Freed only as what it is: a VMCB is no buffer, a buffer no VMCB. */
	ck_assert_int_eq(pool_free(&pool, vmcb, 1), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_free_role(&pool, any, 1, POOL_VMCB), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_free_role(&pool, hsave, 1, POOL_VMCB), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_role_of(&pool, vmcb), POOL_VMCB);
	ck_assert_int_eq(pool_free_role(&pool, vmcb, 1, POOL_VMCB), VMK_OK);
	ck_assert_int_eq(pool_role_of(&pool, vmcb), POOL_FREE);
	ck_assert_int_eq(pool_free_role(&pool, vmcb, 1, POOL_VMCB), VMK_BAD_PARAM);
	ck_assert_int_eq(pool_role_of(&pool, 0x1000), POOL_FREE);
	ck_assert_int_eq(pool_alloc_role(&pool, 1, POOL_FREE, &any), VMK_BAD_PARAM);
}
END_TEST

/* The zeroing the pool asks for: which chunks, in order; each takes 1 ns. */
static uint32_t zeroed[8];
static unsigned int nzeroed;
static uint64_t clock_ns;

static void record_zero(uint32_t pa)
{
	ck_assert_uint_lt(nzeroed, 8);
	zeroed[nzeroed++] = pa;
	clock_ns++;
}

/* The scrubber's zeroing: a slice of len bytes at pa. */
#define WHOLE	POOL_PAGES_PER_CHUNK
static uint32_t slice_len[8];

static void record_slice(uint32_t pa, uint32_t len)
{
	slice_len[nzeroed] = len;
	record_zero(pa);
}

static uint64_t fake_now(void)
{
	return clock_ns;
}

START_TEST(test_pool_zeroed_chunk_that_is_not_clean_is_zeroed)
{
	uint32_t pa;
	bool clean = true;

	nzeroed = 0;
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &pa, &clean), VMK_OK);
	ck_assert(!clean);
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_eq(zeroed[0], pa);
	ck_assert_uint_eq(pa % VMK_CHUNK_SIZE, 0);
	ck_assert_int_eq(pool_role_of(&pool, pa + VMK_CHUNK_SIZE - 1), POOL_ANY);
	ck_assert_uint_eq(pool_free_bytes(&pool), VMK_CHUNK_SIZE);
	/* a used page anywhere: that chunk is no whole free one */
	ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_OK);
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &pa, NULL), VMK_NO_MEMORY);
	ck_assert_uint_eq(nzeroed, 1);
}
END_TEST

START_TEST(test_pool_scrubbed_chunk_comes_back_clean_and_is_preferred)
{
	uint32_t a, b, again;
	bool clean = false;

	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &a), VMK_OK);
	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &b), VMK_OK);
	ck_assert_int_eq(pool_free(&pool, b, POOL_PAGES_PER_CHUNK), VMK_OK);
	nzeroed = 0;
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_eq(zeroed[0], b);
	ck_assert(!pool_scrub_one(&pool, record_slice, WHOLE));	/* nothing else free */
	ck_assert_int_eq(pool_free(&pool, a, POOL_PAGES_PER_CHUNK), VMK_OK);
	/* a comes first in the pool, but b is the clean one: not zeroed again */
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &again, &clean), VMK_OK);
	ck_assert_uint_eq(again, b);
	ck_assert(clean);
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_eq(pool_free_bytes(&pool), VMK_CHUNK_SIZE);
}
END_TEST

START_TEST(test_pool_clean_mark_is_lost_by_any_other_use)
{
	uint32_t a, one, again;
	bool clean = true;

	nzeroed = 0;
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert_uint_eq(nzeroed, 2);
	a = zeroed[0];
	/* nothing but clean chunks: a plain page takes the first, may write it */
	ck_assert_int_eq(pool_alloc(&pool, 1, &one), VMK_OK);
	ck_assert_uint_eq(one, a);
	ck_assert_int_eq(pool_free(&pool, one, 1), VMK_OK);
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &again, &clean), VMK_OK);
	ck_assert_uint_ne(again, a);
	ck_assert(clean);
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &again, &clean), VMK_OK);
	ck_assert_uint_eq(again, a);
	ck_assert(!clean);
	ck_assert_uint_eq(nzeroed, 3);
	ck_assert_uint_eq(zeroed[2], a);
	/* and a chunk taken zeroed and freed is unclean too */
	ck_assert_int_eq(pool_free(&pool, again, POOL_PAGES_PER_CHUNK), VMK_OK);
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &again, &clean), VMK_OK);
	ck_assert(!clean);
	ck_assert_uint_eq(nzeroed, 4);
}
END_TEST

START_TEST(test_pool_plain_pages_keep_off_clean_chunks)
{
	uint32_t b, pa;

	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &pa), VMK_OK);
	nzeroed = 0;
	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &b), VMK_OK);
	ck_assert_int_eq(pool_free(&pool, pa, POOL_PAGES_PER_CHUNK), VMK_OK);
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));	/* the first chunk */
	ck_assert_uint_eq(zeroed[0], pa);
	ck_assert_int_eq(pool_free(&pool, b, POOL_PAGES_PER_CHUNK), VMK_OK);
	/* the second chunk is free and unclean: plain pages go there */
	ck_assert_int_eq(pool_alloc(&pool, 3, &pa), VMK_OK);
	ck_assert_uint_eq(pa, b);
}
END_TEST

/* While the scrubber zeroes a chunk it is free but handed to nobody. */
static void zero_and_allocate(uint32_t pa, uint32_t len)
{
	uint32_t other;

	record_slice(pa, len);
	ck_assert_uint_eq(pool_free_bytes(&pool), 2 * VMK_CHUNK_SIZE);
	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &other), VMK_OK);
	ck_assert_uint_ne(other, pa);
}

START_TEST(test_pool_chunk_being_scrubbed_is_handed_to_nobody)
{
	nzeroed = 0;
	ck_assert(pool_scrub_one(&pool, zero_and_allocate, WHOLE));
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_eq(pool_free_bytes(&pool), VMK_CHUNK_SIZE);
	ck_assert(!pool_scrub_one(&pool, record_slice, WHOLE));	/* the free one is clean */
	ck_assert_uint_eq(nzeroed, 1);
}
END_TEST

START_TEST(test_pool_scrub_leaves_partly_used_chunks)
{
	uint32_t pa;

	ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_OK);
	nzeroed = 0;
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert(!pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_ne(zeroed[0] / VMK_CHUNK_SIZE, pa / VMK_CHUNK_SIZE);
}
END_TEST

/* A scrub call zeroes until its time is up (at least one) or nothing is left. */
START_TEST(test_pool_scrub_call_is_bounded_in_time)
{
	nzeroed = 0;
	clock_ns = 100;
	ck_assert_uint_eq(pool_scrub(&pool, record_slice, WHOLE, fake_now, 50, 8), 1);	/* late: one */
	ck_assert_uint_eq(nzeroed, 1);
	ck_assert_uint_eq(pool_scrub(&pool, record_slice, WHOLE, fake_now, 1000, 8), 1);	/* the last */
	ck_assert_uint_eq(pool_scrub(&pool, record_slice, WHOLE, fake_now, 1000, 8), 0);
	ck_assert_uint_eq(nzeroed, 2);
	ck_assert_uint_ne(zeroed[0], zeroed[1]);
}
END_TEST

START_TEST(test_pool_scrub_call_zeroes_while_there_is_time_up_to_its_limit)
{
	const uint32_t four[] = { CHUNK_A, CHUNK_B, CHUNK_B + VMK_CHUNK_SIZE,
				  CHUNK_B + 2 * VMK_CHUNK_SIZE };

	ck_assert_int_eq(pool_init(&pool, four, 4), VMK_OK);
	nzeroed = 0;
	clock_ns = 0;
	ck_assert_uint_eq(pool_scrub(&pool, record_slice, WHOLE, fake_now, 1000, 2), 2);
	ck_assert_uint_eq(pool_scrub(&pool, record_slice, WHOLE, fake_now, 1000, 8), 2);
	ck_assert_uint_eq(nzeroed, 4);
}
END_TEST

/* The scrubber goes through a chunk a slice a call; clean after the last. */
START_TEST(test_pool_scrub_zeroes_a_chunk_slice_by_slice)
{
	const uint32_t quarter = POOL_PAGES_PER_CHUNK / 4;
	uint32_t pa, k;
	bool clean = true;

	ck_assert_int_eq(pool_reserve(&pool, CHUNK_A, 1), VMK_OK);	/* CHUNK_B only */
	nzeroed = 0;
	for (k = 0; k < 3; k++)
		ck_assert(pool_scrub_one(&pool, record_slice, quarter));
	for (k = 0; k < 3; k++) {
		ck_assert_uint_eq(zeroed[k], CHUNK_B + k * (VMK_CHUNK_SIZE / 4));
		ck_assert_uint_eq(slice_len[k], VMK_CHUNK_SIZE / 4);
	}
	ck_assert(!pool.clean[1]);
	/* a slice bigger than what is left stops at the chunk's end */
	ck_assert(pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert_uint_eq(zeroed[3], CHUNK_B + 3 * (VMK_CHUNK_SIZE / 4));
	ck_assert_uint_eq(slice_len[3], VMK_CHUNK_SIZE / 4);
	ck_assert(pool.clean[1]);
	ck_assert(!pool_scrub_one(&pool, record_slice, quarter));
	ck_assert(!pool_scrub_one(&pool, record_slice, 0));
	ck_assert(!pool_scrub_one(&pool, record_slice, WHOLE + 1));
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &pa, &clean), VMK_OK);
	ck_assert_uint_eq(pa, CHUNK_B);
	ck_assert(clean);
	ck_assert_uint_eq(nzeroed, 4);
}
END_TEST

/*
 * An allocation with no other room takes the scrubber's chunk back, half
 * zeroed: it is unclean, so zeroed whole for a zeroed chunk; the
 * scrubber's next chunk starts at its first page.
 */
START_TEST(test_pool_allocation_takes_the_scrubbers_chunk_back)
{
	const uint32_t quarter = POOL_PAGES_PER_CHUNK / 4;
	uint32_t pa;
	bool clean = true;

	ck_assert_int_eq(pool_reserve(&pool, CHUNK_A, POOL_PAGES_PER_CHUNK), VMK_OK);
	nzeroed = 0;
	ck_assert(pool_scrub_one(&pool, record_slice, quarter));
	ck_assert(pool_scrub_one(&pool, record_slice, quarter));
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &pa, &clean), VMK_OK);
	ck_assert_uint_eq(pa, CHUNK_B);
	ck_assert(!clean);
	ck_assert_uint_eq(nzeroed, 3);
	ck_assert_uint_eq(zeroed[2], CHUNK_B);	/* whole, by the allocation */
	ck_assert_uint_eq(pool.scrub_taken, 1);
	ck_assert(!pool_scrub_one(&pool, record_slice, quarter));	/* nothing free */
	ck_assert_int_eq(pool_free(&pool, pa, POOL_PAGES_PER_CHUNK), VMK_OK);
	ck_assert(pool_scrub_one(&pool, record_slice, quarter));
	ck_assert_uint_eq(zeroed[3], CHUNK_B);	/* from its start again */
	/* a plain page too takes it back, and the page is where it was */
	ck_assert_int_eq(pool_alloc(&pool, 1, &pa), VMK_OK);
	ck_assert_uint_eq(pa, CHUNK_B);
	ck_assert_uint_eq(pool.scrub_taken, 2);
	ck_assert(!pool.clean[1]);
}
END_TEST

/*
 * The searches test each chunk once (one pass, not a clean pass and then
 * a first fit) and a chunk's map a word at a time, under the pool's lock:
 * O(chunks) for a whole chunk in a pool of 1536.
 */
START_TEST(test_pool_searches_are_one_pass_over_the_chunks)
{
	static uint32_t chunks[VMK_MAX_CHUNKS];
	uint32_t k, pa;
	uint64_t before;

	for (k = 0; k < VMK_MAX_CHUNKS; k++)
		chunks[k] = k * VMK_CHUNK_SIZE;
	ck_assert_int_eq(pool_init(&pool, chunks, VMK_MAX_CHUNKS), VMK_OK);
	/* every chunk but the last holds one page at its end: nothing clean */
	for (k = 0; k + 1 < VMK_MAX_CHUNKS; k++)
		ck_assert_int_eq(pool_reserve(&pool, chunks[k] + VMK_CHUNK_SIZE - VMK_PAGE_SIZE, 1),
				 VMK_OK);
	before = pool.probes;
	ck_assert_int_eq(pool_alloc_chunk_zeroed(&pool, record_zero, &pa, NULL), VMK_OK);
	ck_assert_uint_eq(pa, chunks[VMK_MAX_CHUNKS - 1]);
	ck_assert_uint_le(pool.probes - before, VMK_MAX_CHUNKS);
	/* a run that fits nowhere: each chunk's map once, a word at a time */
	before = pool.probes;
	ck_assert_int_eq(pool_alloc(&pool, POOL_PAGES_PER_CHUNK, &pa), VMK_NO_MEMORY);
	ck_assert_uint_le(pool.probes - before, VMK_MAX_CHUNKS * (1 + POOL_MAP_WORDS));
	before = pool.probes;
	ck_assert(!pool_scrub_one(&pool, record_slice, WHOLE));
	ck_assert_uint_le(pool.probes - before, VMK_MAX_CHUNKS);
}
END_TEST

START_TEST(test_guest_ranges_exclude_vmkernel_memory)
{
	ck_assert(cos_range_ok(&pool, 0x100000, 4096));
	ck_assert(!cos_range_ok(&pool, CHUNK_A + 16, 4));
	ck_assert(!cos_range_ok(&pool, CHUNK_A - 4, 8));	/* straddles */
	ck_assert(!cos_range_ok(&pool, CHUNK_B + VMK_CHUNK_SIZE - 1, 1));
	ck_assert(cos_range_ok(&pool, CHUNK_B + VMK_CHUNK_SIZE, 1));
	ck_assert(!cos_range_ok(&pool, VMK_VBASE - 2, 4));	/* not identity-mapped */
	ck_assert(!cos_range_ok(&pool, 0x1000, 0));
	ck_assert(!cos_range_ok(&pool, ~0ull - 2, 8));	/* wraps */
}
END_TEST

/* A taken device's registers below VMK_VBASE are no COS memory either. */
START_TEST(test_guest_ranges_exclude_taken_devices)
{
	const uint64_t bar = 0x80000000ull, len = 0x20000;

	ck_assert(cos_range_ok(&pool, bar + 0x1000, 64));
	ck_assert_int_eq(cos_mem_add_device(bar, len), VMK_OK);
	ck_assert(!cos_range_ok(&pool, bar, 4));
	ck_assert(!cos_range_ok(&pool, bar + len - 1, 1));
	ck_assert(!cos_range_ok(&pool, bar - 8, 16));		/* straddles its start */
	ck_assert(!cos_range_ok(&pool, bar + len - 8, 16));	/* and its end */
	ck_assert(!cos_range_ok(&pool, bar - 4096, len + 8192));	/* covers it */
	ck_assert(cos_range_ok(&pool, bar - 4096, 4096));
	ck_assert(cos_range_ok(&pool, bar + len, 4096));
	ck_assert_int_eq(cos_mem_add_device(bar, 0), VMK_BAD_PARAM);
	for (uint32_t i = 1; i < COS_MEM_DEVICES; i++)
		ck_assert_int_eq(cos_mem_add_device(bar + len * (i + 1), 4096), VMK_OK);
	ck_assert_int_eq(cos_mem_add_device(0x90000000ull, 4096), VMK_NO_CAPACITY);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("pool");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pool_starts_all_free);
	tcase_add_test(tc, test_pool_refuses_unaligned_chunks);
	tcase_add_test(tc, test_pool_allocations_are_distinct_pages);
	tcase_add_test(tc, test_pool_runs_are_contiguous_in_one_chunk);
	tcase_add_test(tc, test_pool_exhaustion_is_reported);
	tcase_add_test(tc, test_pool_free_makes_pages_reusable);
	tcase_add_test(tc, test_pool_double_free_is_refused);
	tcase_add_test(tc, test_pool_reserved_pages_are_not_handed_out);
	tcase_add_test(tc, test_pool_runs_larger_than_a_chunk_are_refused);
	tcase_add_test(tc, test_pool_roles_keep_svm_pages_apart);
	tcase_add_test(tc, test_pool_zeroed_chunk_that_is_not_clean_is_zeroed);
	tcase_add_test(tc, test_pool_scrubbed_chunk_comes_back_clean_and_is_preferred);
	tcase_add_test(tc, test_pool_clean_mark_is_lost_by_any_other_use);
	tcase_add_test(tc, test_pool_plain_pages_keep_off_clean_chunks);
	tcase_add_test(tc, test_pool_chunk_being_scrubbed_is_handed_to_nobody);
	tcase_add_test(tc, test_pool_scrub_leaves_partly_used_chunks);
	tcase_add_test(tc, test_pool_scrub_call_is_bounded_in_time);
	tcase_add_test(tc, test_pool_scrub_call_zeroes_while_there_is_time_up_to_its_limit);
	tcase_add_test(tc, test_pool_scrub_zeroes_a_chunk_slice_by_slice);
	tcase_add_test(tc, test_pool_allocation_takes_the_scrubbers_chunk_back);
	tcase_add_test(tc, test_pool_searches_are_one_pass_over_the_chunks);
	tcase_add_test(tc, test_guest_ranges_exclude_vmkernel_memory);
	tcase_add_test(tc, test_guest_ranges_exclude_taken_devices);
	return check_run("vmkernel pool", tc);
}
