// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/guest_walk.c: linear -> guest-physical through hand-built guest page
 * tables in a fake guest RAM, for every paging mode a 32-bit guest can use.
 */
#include <check.h>
#include <string.h>
#include "tests/unit/check_run.h"
#include "vmm/guest_walk.h"

#define RAM_SIZE	(4u << 20)
#define P		0x001u
#define RW		0x002u
#define PS		0x080u

static uint8_t ram[RAM_SIZE];
static unsigned int reads;

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	reads++;
	if (gpa + len > RAM_SIZE)
		return false;
	memcpy(dst, ram + gpa, len);
	return true;
}

static void put32(uint32_t gpa, uint32_t v)
{
	memcpy(ram + gpa, &v, 4);
}

static void put64(uint32_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

static struct guest_mmu mmu(uint32_t cr0, uint32_t cr3, uint32_t cr4)
{
	struct guest_mmu m = { cr0, cr3, cr4, ram_read, NULL };

	return m;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	reads = 0;
}

START_TEST(test_paging_off_is_identity_and_reads_nothing)
{
	struct guest_mmu m = mmu(0x11, 0, 0);
	uint64_t gpa;

	ck_assert(guest_walk(&m, 0xfee00020, &gpa));
	ck_assert_uint_eq(gpa, 0xfee00020);
	ck_assert_uint_eq(reads, 0);
}
END_TEST

START_TEST(test_32bit_paging_4k_page)
{
	struct guest_mmu m = mmu(GW_CR0_PG | 1, 0x1000, 0);
	uint64_t gpa;

	/* linear 0xc0345678: PDE 0x300, PTE 0x345 */
	put32(0x1000 + 0x300 * 4, 0x2000 | P | RW);
	put32(0x2000 + 0x345 * 4, 0xfee00000 | P | RW);
	ck_assert(guest_walk(&m, 0xc0345678, &gpa));
	ck_assert_uint_eq(gpa, 0xfee00678);
}
END_TEST

START_TEST(test_32bit_paging_4m_page_needs_cr4_pse)
{
	struct guest_mmu pse = mmu(GW_CR0_PG | 1, 0x1000, GW_CR4_PSE);
	struct guest_mmu nopse = mmu(GW_CR0_PG | 1, 0x1000, 0);
	uint64_t gpa;

	put32(0x1000 + 0x3fb * 4, 0xfec00000 | P | RW | PS);
	ck_assert(guest_walk(&pse, 0xfec12345, &gpa));
	ck_assert_uint_eq(gpa, 0xfec12345);
	/* Without PSE the PDE points at a page table (at 0xfec00000: not RAM). */
	ck_assert(!guest_walk(&nopse, 0xfec12345, &gpa));
}
END_TEST

START_TEST(test_pae_4k_and_2m_pages)
{
	struct guest_mmu m = mmu(GW_CR0_PG | 1, 0x3020, GW_CR4_PAE);
	uint64_t gpa;

	/* PDPT at 0x3020 (32-byte aligned); linear 0xfee00abc: PDPTE 3. */
	put64(0x3020 + 3 * 8, 0x4000 | P);
	put64(0x4000 + 0x1f7 * 8, 0x5000 | P | RW);
	put64(0x5000 + 0x000 * 8, 0xfee00000ull | P | RW | (1ull << 63));
	ck_assert(guest_walk(&m, 0xfee00abc, &gpa));
	ck_assert_uint_eq(gpa, 0xfee00abc);	/* NX is not part of the address */
	/* linear 0x00312345: PDPTE 0, PDE 1, a 2 MiB page at 0x00200000 */
	put64(0x3020, 0x6000 | P);
	put64(0x6000 + 1 * 8, 0x00200000 | P | RW | PS);
	ck_assert(guest_walk(&m, 0x00312345, &gpa));
	ck_assert_uint_eq(gpa, 0x00312345);
}
END_TEST

START_TEST(test_pae_addresses_above_4g)
{
	struct guest_mmu m = mmu(GW_CR0_PG | 1, 0x3000, GW_CR4_PAE);
	uint64_t gpa;

	put64(0x3000, 0x4000 | P);
	put64(0x4000, 0x5000 | P);
	put64(0x5000 + 2 * 8, 0x123456000ull | P);
	ck_assert(guest_walk(&m, 0x00002010, &gpa));
	ck_assert_uint_eq(gpa, 0x123456010ull);
}
END_TEST

START_TEST(test_not_present_entries_fail_at_every_level)
{
	struct guest_mmu pae = mmu(GW_CR0_PG | 1, 0x3000, GW_CR4_PAE);
	struct guest_mmu two = mmu(GW_CR0_PG | 1, 0x1000, 0);
	uint64_t gpa = 0x5a5a;

	ck_assert(!guest_walk(&pae, 0x1000, &gpa));	/* PDPTE */
	put64(0x3000, 0x4000 | P);
	ck_assert(!guest_walk(&pae, 0x1000, &gpa));	/* PDE */
	put64(0x4000, 0x5000 | P);
	ck_assert(!guest_walk(&pae, 0x1000, &gpa));	/* PTE */
	put64(0x5000 + 8, 0x7000);			/* present bit clear */
	ck_assert(!guest_walk(&pae, 0x1000, &gpa));
	ck_assert(!guest_walk(&two, 0x1000, &gpa));	/* 32-bit PDE */
	put32(0x1000, 0x2000 | P);
	ck_assert(!guest_walk(&two, 0x1000, &gpa));	/* 32-bit PTE */
	ck_assert_uint_eq(gpa, 0x5a5a);			/* untouched on failure */
}
END_TEST

START_TEST(test_tables_outside_ram_fail)
{
	struct guest_mmu m = mmu(GW_CR0_PG | 1, 0xfff000, 0);	/* beyond RAM_SIZE */
	uint64_t gpa;

	ck_assert(!guest_walk(&m, 0, &gpa));
	put32(0x1000, 0xfee00000 | P);			/* a PT in device space */
	m.cr3 = 0x1000;
	ck_assert(!guest_walk(&m, 0, &gpa));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("guest_walk");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_paging_off_is_identity_and_reads_nothing);
	tcase_add_test(tc, test_32bit_paging_4k_page);
	tcase_add_test(tc, test_32bit_paging_4m_page_needs_cr4_pse);
	tcase_add_test(tc, test_pae_4k_and_2m_pages);
	tcase_add_test(tc, test_pae_addresses_above_4g);
	tcase_add_test(tc, test_not_present_entries_fail_at_every_level);
	tcase_add_test(tc, test_tables_outside_ram_fail);
	return check_run("guest_walk", tc);
}
