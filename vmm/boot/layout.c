// SPDX-License-Identifier: GPL-2.0-only
/* The guest memory map and the entry GDT shared by both boot paths. */
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"

/* GDT descriptors, base 0 limit 4 GiB (SDM vol. 3A §3.4.5): 32-bit code, data. */
#define GDT_FLAT_CODE	0x00cf9a000000ffffull
#define GDT_FLAT_DATA	0x00cf92000000ffffull

struct boot_result boot_fail(enum boot_status status, const char *msg)
{
	struct boot_result r = { .status = status, .msg = msg };

	return r;
}

static void add(struct e820_entry *map, unsigned int *n, uint64_t addr,
		uint64_t size, uint32_t type)
{
	map[*n].addr = addr;
	map[*n].size = size;
	map[*n].type = type;
	(*n)++;
}

unsigned int boot_e820(uint64_t ram_size, struct e820_entry *map)
{
	uint64_t low_end = boot_high_ram_end(ram_size);
	unsigned int n = 0;

	add(map, &n, 0, BOOT_EBDA_ADDR, E820_RAM);
	add(map, &n, BOOT_EBDA_ADDR, 0xa0000 - BOOT_EBDA_ADDR, E820_RESERVED);
	add(map, &n, BOOT_BIOS_ADDR, BOOT_HIGH_MEM - BOOT_BIOS_ADDR,
	    E820_RESERVED);
	if (low_end > BOOT_HIGH_MEM)
		add(map, &n, BOOT_HIGH_MEM, low_end - BOOT_HIGH_MEM, E820_RAM);
	if (ram_size > low_end)
		add(map, &n, BOOT_4G, ram_size - low_end, E820_RAM);
	return n;
}

bool boot_write_gdt(const struct guest_mem *mem, struct boot_entry *entry)
{
	uint8_t gdt[BOOT_GDT_ENTRIES * 8] = { 0 };

	vmm_put64(gdt + BOOT_CS, GDT_FLAT_CODE);
	vmm_put64(gdt + BOOT_DS, GDT_FLAT_DATA);
	entry->gdt_base = BOOT_GDT_ADDR;
	entry->gdt_limit = sizeof(gdt) - 1;
	return mem->write(mem->ctx, BOOT_GDT_ADDR, gdt, sizeof(gdt));
}
