// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_mmio_garbage: a guest that writes random values to every MMIO
 * range and hole of its physical address space, interrupts and paging off:
 * the IOAPIC's two registers (random register numbers and data) and every
 * offset of the LAPIC page (an INIT IPI to itself may stop this vCPU there),
 * then the rest of the IOAPIC page, the legacy hole 0xA0000-0xFFFFF page by
 * page, every page from 0xFE000000 to 4 GiB, and from the end of RAM up to
 * there every 64 KiB. Each write is followed by a read.
 */
#include "guest.h"

#define LEGACY_HOLE	0xa0000u
#define LEGACY_END	0x100000u
#define IOAPIC_BASE	0xfec00000u	/* 82093AA default */
#define IOAPIC_IOREGSEL	0x00
#define IOAPIC_IOWIN	0x10
#define IOAPIC_ROUNDS	1024
#define LAPIC_BASE	0xfee00000u	/* IA32_APIC_BASE reset value (SDM vol. 3A §10.4.4) */
#define DEVICE_AREA	0xfe000000u	/* pages from here on are probed one by one */
#define PAGE		0x1000u
#define COARSE_STRIDE	0x10000u

static volatile uint32_t sink;

static void poke(uint32_t addr, uint32_t *seed)
{
	volatile uint32_t *p = (volatile uint32_t *)addr;

	*p = rand32(seed);
	sink += *p;
}

static void region_done(const char *what)
{
	puts("hostile_mmio_garbage: ");
	puts(what);
	puts(" done\n");
}

void guest_main(uint32_t magic, const void *mbi)
{
	const struct mb_info *info = mbi;
	uint32_t ram_end = 16u << 20, seed = 0xfeedf00d, a;

	(void)magic;
	serial_init();
	if (info && (info->flags & MB_INFO_MEM))
		ram_end = LEGACY_END + info->mem_upper * 1024u;
	puts("hostile_mmio_garbage: RAM ends at ");
	putx(ram_end);
	puts("\n");

	/* The device models first: any value in their registers. The IOAPIC
	 * decodes IOREGSEL and IOWIN only (82093AA §3.1): random register
	 * numbers, random data. */
	for (a = 0; a < IOAPIC_ROUNDS; a++) {
		poke(IOAPIC_BASE + IOAPIC_IOREGSEL, &seed);
		poke(IOAPIC_BASE + IOAPIC_IOWIN, &seed);
	}
	region_done("IOAPIC");
	for (a = 0; a < PAGE; a += 4)
		poke(LAPIC_BASE + a, &seed);
	serial_init();
	region_done("LAPIC");
	/* Then the holes: nothing backs them; as on a PC, reads give all
	 * ones and writes vanish (vmk counts them: unassigned-mmio). */
	for (a = IOAPIC_IOWIN + 0x10; a < PAGE; a += 4)
		poke(IOAPIC_BASE + a, &seed);
	region_done("rest of the IOAPIC page");
	for (a = LEGACY_HOLE; a < LEGACY_END; a += PAGE)
		poke(a, &seed);
	region_done("legacy hole");
	for (a = DEVICE_AREA; a != 0; a += PAGE)
		if (a != IOAPIC_BASE && a != LAPIC_BASE)
			poke(a, &seed);
	region_done("device area pages");
	for (a = (ram_end + PAGE - 1) & ~(PAGE - 1); a < DEVICE_AREA; a += COARSE_STRIDE)
		poke(a, &seed);
	region_done("hole above RAM");
	puts("hostile_mmio_garbage: done, powering off\n");
	power_off();
}
