// SPDX-License-Identifier: GPL-2.0-only
/*
 * ram_residue: a guest that shows whether memory crosses from one VM to
 * the next (issue 9, item 7). With "fill=1" on its command line it writes
 * a marker at the start of every page of its RAM above its own image and
 * powers off: "ram_residue: filled N pages". Otherwise it scans all of its
 * RAM for that marker and prints "ram_residue: found K of N pages" before
 * it powers off. The marker is four words of xorshift32 from a fixed seed,
 * computed at run time so that no binary (this image in the COS's page
 * cache, say) holds the sequence; tests/lab/modules/vmk_residue.c looks
 * for the same four words in the COS's memory after an unload.
 */
#include "guest.h"
#include "residue_marker.h"

#define PAGE_SIZE	4096u

extern char _end[];

static uint32_t ram_top(const struct mb_info *mbi)
{
	if (!mbi || !(mbi->flags & MB_INFO_MEM))
		return 0;
	return 0x100000u + mbi->mem_upper * 1024u;
}

void guest_main(uint32_t magic, const void *mbi_ptr)
{
	const struct mb_info *mbi = mbi_ptr;
	uint32_t m[RESIDUE_WORDS], top = ram_top(mbi), pages = 0, found = 0;
	uint32_t first = ((uint32_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	(void)magic;
	serial_init();
	residue_marker(m);
	if (!top) {
		puts("ram_residue: no memory size from the loader\n");
		power_off();
	}
	if (cmdline_number(mbi, "fill", 0)) {
		for (uint32_t pa = first; pa + PAGE_SIZE <= top; pa += PAGE_SIZE, pages++) {
			volatile uint32_t *p = (volatile uint32_t *)pa;

			for (uint32_t i = 0; i < RESIDUE_WORDS; i++)
				p[i] = m[i];
		}
		puts("ram_residue: filled ");
		putu(pages);
		puts(" pages\n");
		power_off();
	}
	/* Page 0 too: a previous owner's page could land anywhere. */
	for (uint32_t pa = 0; pa + PAGE_SIZE <= top; pa += PAGE_SIZE, pages++) {
		const volatile uint32_t *p = (const volatile uint32_t *)pa;

		if (residue_match(p, m))
			found++;
	}
	puts("ram_residue: found ");
	putu(found);
	puts(" of ");
	putu(pages);
	puts(" pages\n");
	power_off();
}
