// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/guest_walk.c: linear -> guest-physical through hand-built guest page
 * tables in a fake guest RAM, for every paging mode a 32-bit guest can use,
 * with the access rights, reserved bits, error codes and A/D updates of
 * SDM vol. 3A §4.6-4.8 and APM vol. 2 §5.6.
 */
#include <check.h>
#include <string.h>
#include "tests/unit/check_run.h"
#include "vmm/guest_walk.h"

#define RAM_SIZE	(4u << 20)
#define P		0x001u
#define RW		0x002u
#define US		0x004u
#define A		0x020u
#define D		0x040u
#define PS		0x080u
#define NX		(1ull << 63)
#define PG		(GW_CR0_PG | 1)

static uint8_t ram[RAM_SIZE];
static unsigned int reads;
static unsigned int races;	/* cmpxchg calls that find the entry changed */

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	reads++;
	if (gpa + len > RAM_SIZE)
		return false;
	memcpy(dst, ram + gpa, len);
	return true;
}

static bool ram_cmpxchg(void *ctx, uint64_t gpa, uint32_t old, uint32_t val)
{
	uint32_t cur;

	(void)ctx;
	if (gpa + 4 > RAM_SIZE)
		return false;
	memcpy(&cur, ram + gpa, 4);
	if (races) {		/* another vCPU got there first: it flipped bit 9 */
		races--;
		cur ^= 0x200;
		memcpy(ram + gpa, &cur, 4);
	}
	if (cur != old)
		return false;
	memcpy(ram + gpa, &val, 4);
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

static uint32_t get32(uint32_t gpa)
{
	uint32_t v;

	memcpy(&v, ram + gpa, 4);
	return v;
}

static struct guest_mmu mmu(uint32_t cr0, uint32_t cr3, uint32_t cr4)
{
	struct guest_mmu m = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .phys_bits = 36,
		.read = ram_read, .cmpxchg = ram_cmpxchg,
	};

	return m;
}

/* The walk's verdict on one access: -1 translated, else the #PF error code. */
static long walk(const struct guest_mmu *m, uint32_t lin, enum gw_access acc)
{
	uint64_t gpa;
	uint32_t err = 0xdead;
	enum gw_status st = guest_walk(m, lin, acc, &gpa, &err);

	if (st == GW_OK) {
		ck_assert_uint_eq(err, 0xdead);
		return -1;
	}
	ck_assert_int_eq(st, GW_PAGE_FAULT);
	return err;
}

/* 32-bit paging, CR3 0x1000: linear 0x00400000 through PDE 1 -> PT 0x2000 -> PTE 0. */
static struct guest_mmu two_level(uint32_t pde, uint32_t pte)
{
	put32(0x1000 + 1 * 4, 0x2000 | pde);
	put32(0x2000, 0x7000 | pte);
	return mmu(PG, 0x1000, 0);
}

/* PAE, CR3 0x3000: linear 0x00400000 through PDPTE 0, PDE 2 -> PT 0x5000 -> PTE 0. */
static struct guest_mmu pae(uint64_t pde, uint64_t pte, bool nxe)
{
	struct guest_mmu m = mmu(PG, 0x3000, GW_CR4_PAE);

	put64(0x3000, 0x4000 | P);
	put64(0x4000 + 2 * 8, 0x5000 | pde);
	put64(0x5000, 0x7000 | pte);
	m.efer = nxe ? GW_EFER_NXE : 0;
	return m;
}

/* PAE as above, the PDE mapping a 2 MiB page at 0x00600000. */
static struct guest_mmu pae_2m(uint64_t pde, bool nxe)
{
	struct guest_mmu m = pae(P, P, nxe);

	put64(0x4000 + 2 * 8, 0x00600000 | PS | pde);
	return m;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	reads = 0;
	races = 0;
}

START_TEST(test_paging_off_is_identity_and_reads_nothing)
{
	struct guest_mmu m = mmu(0x11, 0, 0);
	uint64_t gpa;
	uint32_t err;

	m.cpl = 3;
	ck_assert_int_eq(guest_walk(&m, 0xfee00020, GW_WRITE, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0xfee00020);
	ck_assert_uint_eq(reads, 0);
}
END_TEST

START_TEST(test_32bit_paging_4k_page)
{
	struct guest_mmu m = mmu(PG, 0x1000, 0);
	uint64_t gpa;
	uint32_t err;

	/* linear 0xc0345678: PDE 0x300, PTE 0x345 */
	put32(0x1000 + 0x300 * 4, 0x2000 | P | RW);
	put32(0x2000 + 0x345 * 4, 0xfee00000 | P | RW);
	ck_assert_int_eq(guest_walk(&m, 0xc0345678, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0xfee00678);
}
END_TEST

START_TEST(test_32bit_paging_4m_page_needs_cr4_pse)
{
	struct guest_mmu pse = mmu(PG, 0x1000, GW_CR4_PSE);
	struct guest_mmu nopse = mmu(PG, 0x1000, 0);
	uint64_t gpa;
	uint32_t err;

	put32(0x1000 + 0x3fb * 4, 0xfec00000 | P | RW | PS);
	ck_assert_int_eq(guest_walk(&pse, 0xfec12345, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0xfec12345);
	/* Without PSE the PDE points at a page table (at 0xfec00000: not RAM). */
	ck_assert_int_eq(guest_walk(&nopse, 0xfec12345, GW_READ, &gpa, &err),
			 GW_NOT_RAM);
}
END_TEST

START_TEST(test_pse36_4m_page_above_4g_and_its_reserved_bits)
{
	struct guest_mmu m = mmu(PG, 0x1000, GW_CR4_PSE);
	uint64_t gpa;
	uint32_t err;

	/* PDE bits 20:13 are address bits 39:32 (SDM vol. 3A table 4-4). */
	put32(0x1000, 0x00400000 | (0x5u << 13) | P | PS);
	ck_assert_int_eq(guest_walk(&m, 0x00001234, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0x500401234ull);
	/* bit 21 is reserved */
	put32(0x1000, 0x00400000 | (1u << 21) | P | PS);
	ck_assert_int_eq(walk(&m, 0x1234, GW_READ), GW_PF_P | GW_PF_RSVD);
	/* so are address bits at or above MAXPHYADDR (36 here): bit 17 is address bit 36 */
	put32(0x1000, 0x00400000 | (1u << 17) | P | PS);
	ck_assert_int_eq(walk(&m, 0x1234, GW_READ), GW_PF_P | GW_PF_RSVD);
	m.phys_bits = 40;
	ck_assert_int_eq(walk(&m, 0x1234, GW_READ), -1);
}
END_TEST

START_TEST(test_pae_4k_and_2m_pages)
{
	struct guest_mmu m = mmu(PG, 0x3020, GW_CR4_PAE);
	uint64_t gpa;
	uint32_t err;

	m.efer = GW_EFER_NXE;
	/* PDPT at 0x3020 (32-byte aligned); linear 0xfee00abc: PDPTE 3. */
	put64(0x3020 + 3 * 8, 0x4000 | P);
	put64(0x4000 + 0x1f7 * 8, 0x5000 | P | RW);
	put64(0x5000 + 0x000 * 8, 0xfee00000ull | P | RW | NX);
	ck_assert_int_eq(guest_walk(&m, 0xfee00abc, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0xfee00abc);	/* NX is not part of the address */
	/* linear 0x00312345: PDPTE 0, PDE 1, a 2 MiB page at 0x00200000 */
	put64(0x3020, 0x6000 | P);
	put64(0x6000 + 1 * 8, 0x00200000 | P | RW | PS);
	ck_assert_int_eq(guest_walk(&m, 0x00312345, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0x00312345);
}
END_TEST

START_TEST(test_pae_addresses_above_4g)
{
	struct guest_mmu m = mmu(PG, 0x3000, GW_CR4_PAE);
	uint64_t gpa;
	uint32_t err;

	put64(0x3000, 0x4000 | P);
	put64(0x4000, 0x5000 | P);
	put64(0x5000 + 2 * 8, 0x123456000ull | P);
	ck_assert_int_eq(guest_walk(&m, 0x00002010, GW_READ, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0x123456010ull);
}
END_TEST

START_TEST(test_not_present_entries_fault_at_every_level)
{
	struct guest_mmu pae = mmu(PG, 0x3000, GW_CR4_PAE);
	struct guest_mmu two = mmu(PG, 0x1000, 0);
	uint64_t gpa = 0x5a5a;
	uint32_t err;

	ck_assert_int_eq(walk(&pae, 0x1000, GW_READ), 0);	/* PDPTE */
	put64(0x3000, 0x4000 | P);
	ck_assert_int_eq(walk(&pae, 0x1000, GW_READ), 0);	/* PDE */
	put64(0x4000, 0x5000 | P);
	ck_assert_int_eq(walk(&pae, 0x1000, GW_READ), 0);	/* PTE */
	put64(0x5000 + 8, 0x7000 | RW | US);			/* present bit clear */
	ck_assert_int_eq(walk(&pae, 0x1000, GW_READ), 0);
	ck_assert_int_eq(walk(&two, 0x1000, GW_READ), 0);	/* 32-bit PDE */
	put32(0x1000, 0x2000 | P);
	ck_assert_int_eq(walk(&two, 0x1000, GW_READ), 0);	/* 32-bit PTE */
	/* the error code tells the access: write, user */
	two.cpl = 3;
	ck_assert_int_eq(walk(&two, 0x1000, GW_WRITE), GW_PF_W | GW_PF_U);
	ck_assert_int_eq(guest_walk(&two, 0x1000, GW_READ, &gpa, &err),
			 GW_PAGE_FAULT);
	ck_assert_uint_eq(gpa, 0x5a5a);			/* untouched on failure */
}
END_TEST

START_TEST(test_tables_outside_ram_are_not_walked)
{
	struct guest_mmu m = mmu(PG, 0xfff000, 0);	/* beyond RAM_SIZE */
	uint64_t gpa;
	uint32_t err = 0x5a5a;

	ck_assert_int_eq(guest_walk(&m, 0, GW_READ, &gpa, &err), GW_NOT_RAM);
	put32(0x1000, 0xfee00000 | P);			/* a PT in device space */
	m.cr3 = 0x1000;
	ck_assert_int_eq(guest_walk(&m, 0, GW_READ, &gpa, &err), GW_NOT_RAM);
	ck_assert_uint_eq(err, 0x5a5a);
}
END_TEST

START_TEST(test_user_access_to_supervisor_page_faults)
{
	struct guest_mmu m = two_level(P | RW | US, P | RW);

	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400010, GW_READ), GW_PF_P | GW_PF_U);
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE),
			 GW_PF_P | GW_PF_W | GW_PF_U);
	ck_assert_int_eq(walk(&m, 0x00400010, GW_FETCH), GW_PF_P | GW_PF_U);
	m.cpl = 0;
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE), -1);
	m.cpl = 1;	/* CPL 1 and 2 are supervisor too */
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE), -1);
}
END_TEST

START_TEST(test_user_write_to_read_only_page_faults_whatever_wp)
{
	struct guest_mmu m = two_level(P | RW | US, P | US);

	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400010, GW_READ), -1);
	ck_assert_int_eq(walk(&m, 0x00400010, GW_FETCH), -1);
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE),
			 GW_PF_P | GW_PF_W | GW_PF_U);
	m.cr0 |= GW_CR0_WP;
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE),
			 GW_PF_P | GW_PF_W | GW_PF_U);
}
END_TEST

START_TEST(test_supervisor_write_to_read_only_page_needs_wp_to_fault)
{
	struct guest_mmu m = two_level(P | US, P | US);
	struct guest_mmu p = pae(P, P, false);

	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE), -1);
	ck_assert_int_eq(walk(&p, 0x00400010, GW_WRITE), -1);
	m.cr0 |= GW_CR0_WP;
	p.cr0 |= GW_CR0_WP;
	ck_assert_int_eq(walk(&m, 0x00400010, GW_WRITE), GW_PF_P | GW_PF_W);
	ck_assert_int_eq(walk(&p, 0x00400010, GW_WRITE), GW_PF_P | GW_PF_W);
	ck_assert_int_eq(walk(&m, 0x00400010, GW_READ), -1);
}
END_TEST

START_TEST(test_rights_are_combined_across_levels)
{
	struct guest_mmu m;

	/* 32-bit: a read-only PDE over a writable PTE is read-only */
	m = two_level(P | US, P | RW | US);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE),
			 GW_PF_P | GW_PF_W | GW_PF_U);
	/* a supervisor PDE over a user PTE is supervisor-only */
	m = two_level(P | RW, P | RW | US);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), GW_PF_P | GW_PF_U);
	/* PAE: the same, and NX in the PDE covers every page below it */
	m = pae(P | US, P | RW | US, true);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE),
			 GW_PF_P | GW_PF_W | GW_PF_U);
	m = pae(P | RW, P | RW | US, true);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), GW_PF_P | GW_PF_U);
	m = pae(P | RW | US | NX, P | RW | US, true);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH),
			 GW_PF_P | GW_PF_U | GW_PF_ID);
	/* all levels granting gives the right */
	m = pae(P | RW | US, P | RW | US, true);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
}
END_TEST

START_TEST(test_fetch_from_nx_page_faults_only_with_nxe)
{
	struct guest_mmu m = pae(P | RW, P | RW | NX, true);

	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_P | GW_PF_ID);
	/* without NXE bit 63 is reserved, for every access */
	m.efer = 0;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), GW_PF_P | GW_PF_RSVD);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_P | GW_PF_RSVD);
	/* and I/D is reported only with NXE (or SMEP) */
	put64(0x5000, 0);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), 0);
	m.efer = GW_EFER_NXE;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_ID);
}
END_TEST

START_TEST(test_32bit_paging_has_no_nx)
{
	struct guest_mmu m = two_level(P | RW, P | RW);

	m.efer = GW_EFER_NXE;	/* NXE means nothing without PAE entries */
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), -1);
	put32(0x2000, 0);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), 0);	/* no I/D */
}
END_TEST

START_TEST(test_pae_reserved_bits_fault_with_rsvd)
{
	struct guest_mmu m;
	const uint32_t rsvd = GW_PF_P | GW_PF_RSVD;

	/* PTE address bit at MAXPHYADDR (36) */
	m = pae(P | RW, P | RW | (1ull << 36), true);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), rsvd);
	m.phys_bits = 40;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
	/* bits 62:52 are reserved in PAE entries whatever MAXPHYADDR */
	m = pae(P | RW | (1ull << 55), P | RW, true);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE),
			 rsvd | GW_PF_W | GW_PF_U);
	/* 2 MiB PDE bits 20:13 */
	m = pae_2m(P | RW | (1u << 13), true);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), rsvd);
	/*
	 * PDPTE bits 2:1 and 8:5 and 63 are the CPU's to check when it loads
	 * the PDPTEs, not this walk's: a Linux guest's PDPTEs carry A, which
	 * QEMU's TCG accepts (P alone is checked, as in KVM's walk).
	 */
	m = pae(P | RW, P | RW, true);
	put64(0x3000, 0x4000 | P | A);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), -1);
	put64(0x3000, 0x4000 | P | RW | NX);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
	put64(0x3000, 0x4000 | A);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_ID);
	/* a reserved bit above a missing PTE is what the fault reports */
	m = pae(P | RW | (1ull << 40), P, true);
	put64(0x5000, 0);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), rsvd);
	/* the PAT bit (12) of a 2 MiB PDE and bits 11:9 are not reserved */
	m = pae_2m(P | RW | (1u << 12) | 0xe00, true);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
}
END_TEST

START_TEST(test_large_pages_carry_their_own_rights)
{
	struct guest_mmu m = mmu(PG, 0x1000, GW_CR4_PSE);
	struct guest_mmu p;
	uint64_t gpa;
	uint32_t err;

	/* a read-only supervisor 4 MiB page */
	put32(0x1000 + 1 * 4, 0x00400000 | P | PS);
	m.cr0 |= GW_CR0_WP;
	ck_assert_int_eq(walk(&m, 0x00500000, GW_WRITE), GW_PF_P | GW_PF_W);
	m.cpl = 3;
	ck_assert_int_eq(walk(&m, 0x00500000, GW_READ), GW_PF_P | GW_PF_U);
	/* a user, writable, NX 2 MiB page */
	p = pae_2m(P | RW | US | NX, true);
	p.cpl = 3;
	ck_assert_int_eq(guest_walk(&p, 0x00512345, GW_WRITE, &gpa, &err), GW_OK);
	ck_assert_uint_eq(gpa, 0x00712345);
	ck_assert_int_eq(walk(&p, 0x00512345, GW_FETCH),
			 GW_PF_P | GW_PF_U | GW_PF_ID);
}
END_TEST

START_TEST(test_smep_and_smap_guard_user_pages_from_supervisor)
{
	struct guest_mmu m = pae(P | RW | US, P | RW | US, true);

	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), -1);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
	m.cr4 |= GW_CR4_SMEP | GW_CR4_SMAP;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_P | GW_PF_ID);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), GW_PF_P);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), GW_PF_P | GW_PF_W);
	m.eflags = GW_EFLAGS_AC;	/* STAC: explicit accesses allowed */
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), GW_PF_P | GW_PF_ID);
	m.cpl = 3;			/* none of it concerns user mode */
	m.eflags = 0;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_FETCH), -1);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
}
END_TEST

START_TEST(test_walk_sets_accessed_and_dirty_like_the_mmu)
{
	struct guest_mmu m = pae(P | RW, P | RW, true);
	struct guest_mmu t;

	ck_assert_int_eq(walk(&m, 0x00400000, GW_READ), -1);
	ck_assert_uint_eq(get32(0x3000), 0x4000 | P);	/* PDPTE: no A bit */
	ck_assert_uint_eq(get32(0x4000 + 2 * 8), 0x5000 | P | RW | A);
	ck_assert_uint_eq(get32(0x5000), 0x7000 | P | RW | A);
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
	ck_assert_uint_eq(get32(0x4000 + 2 * 8), 0x5000 | P | RW | A);	/* D only in the leaf */
	ck_assert_uint_eq(get32(0x5000), 0x7000 | P | RW | A | D);
	/* a large page is its own leaf */
	t = mmu(PG, 0x1000, GW_CR4_PSE);
	put32(0x1000, 0x00400000 | P | RW | PS);
	ck_assert_int_eq(walk(&t, 0x1234, GW_WRITE), -1);
	ck_assert_uint_eq(get32(0x1000), 0x00400000 | P | RW | PS | A | D);
	/* a refused access sets nothing */
	t = two_level(P | RW, P);
	t.cr0 |= GW_CR0_WP;
	ck_assert_int_eq(walk(&t, 0x00400000, GW_WRITE), GW_PF_P | GW_PF_W);
	ck_assert_uint_eq(get32(0x1000 + 4), 0x2000 | P | RW);
	ck_assert_uint_eq(get32(0x2000), 0x7000 | P);
}
END_TEST

START_TEST(test_entry_changed_during_walk_restarts_it)
{
	struct guest_mmu m = two_level(P | RW, P | RW);
	uint64_t gpa;
	uint32_t err;

	races = 1;
	ck_assert_int_eq(walk(&m, 0x00400000, GW_WRITE), -1);
	ck_assert_uint_eq(get32(0x1000 + 4), 0x2000 | P | RW | A | 0x200);
	/* a guest that keeps changing its tables gets no translation */
	put32(0x1000 + 4, 0x2000 | P | RW);
	races = 1000;
	ck_assert_int_eq(guest_walk(&m, 0x00400000, GW_READ, &gpa, &err), GW_BUSY);
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
	tcase_add_test(tc, test_pse36_4m_page_above_4g_and_its_reserved_bits);
	tcase_add_test(tc, test_not_present_entries_fault_at_every_level);
	tcase_add_test(tc, test_tables_outside_ram_are_not_walked);
	tcase_add_test(tc, test_user_access_to_supervisor_page_faults);
	tcase_add_test(tc, test_user_write_to_read_only_page_faults_whatever_wp);
	tcase_add_test(tc, test_supervisor_write_to_read_only_page_needs_wp_to_fault);
	tcase_add_test(tc, test_rights_are_combined_across_levels);
	tcase_add_test(tc, test_fetch_from_nx_page_faults_only_with_nxe);
	tcase_add_test(tc, test_32bit_paging_has_no_nx);
	tcase_add_test(tc, test_pae_reserved_bits_fault_with_rsvd);
	tcase_add_test(tc, test_large_pages_carry_their_own_rights);
	tcase_add_test(tc, test_smep_and_smap_guard_user_pages_from_supervisor);
	tcase_add_test(tc, test_walk_sets_accessed_and_dirty_like_the_mmu);
	tcase_add_test(tc, test_entry_changed_during_walk_restarts_it);
	return check_run("guest_walk", tc);
}
