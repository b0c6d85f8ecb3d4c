// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/core/symbols.h"

bool symbols_lookup(const struct symtab *t, uint32_t addr, const char **name,
		    uint32_t *offset)
{
	const struct elf32_sym *best = NULL;
	uint32_t i;

	for (i = 0; i < t->nsyms; i++) {
		const struct elf32_sym *s = &t->syms[i];

		if ((s->st_info & 0xf) != ELF_STT_FUNC || s->st_value > addr ||
		    s->st_name >= t->strsize)
			continue;
		if (s->st_size && addr >= s->st_value + s->st_size)
			continue;
		if (!best || s->st_value > best->st_value)
			best = s;
	}
	if (!best)
		return false;
	*name = t->strtab + best->st_name;
	*offset = addr - best->st_value;
	return true;
}
