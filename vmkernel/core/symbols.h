/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbol lookup in the image's ELF symbol table (copied by the loader). */
#ifndef VMKERNEL_CORE_SYMBOLS_H
#define VMKERNEL_CORE_SYMBOLS_H

#include "vmkernel/platform.h"

/* Elf32_Sym, System V ABI "Symbol Table". */
struct elf32_sym {
	uint32_t st_name;
	uint32_t st_value;
	uint32_t st_size;
	uint8_t st_info;
	uint8_t st_other;
	uint16_t st_shndx;
};

#define ELF_STT_FUNC	2

struct symtab {
	const struct elf32_sym *syms;
	uint32_t nsyms;
	const char *strtab;
	uint32_t strsize;
};

/* The function containing addr (or the nearest below it): name, offset. */
bool symbols_lookup(const struct symtab *t, uint32_t addr, const char **name,
		    uint32_t *offset);

#endif /* VMKERNEL_CORE_SYMBOLS_H */
