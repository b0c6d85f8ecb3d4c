/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builder for PAE page tables (APM vol. 2 §5.3.3, "PAE paging"): used for
 * the vmkernel's own address space (by the loader, which builds it before
 * the first entry, and by the vmkernel) and for nested page tables in
 * legacy PAE format (APM vol. 2 §15.25.5). Self-contained: it builds in
 * the Linux kernel (loader module), freestanding and on the host.
 */
#ifndef VMKERNEL_MM_PAE_H
#define VMKERNEL_MM_PAE_H

#include <vmk/abi.h>

/* Page-table entry bits, APM vol. 2 §5.4.1. */
#define PAE_P		(1ull << 0)	/* present */
#define PAE_RW		(1ull << 1)	/* writable */
#define PAE_US		(1ull << 2)	/* user: nested walks need it, §15.25.5 */
#define PAE_PWT		(1ull << 3)	/* write-through */
#define PAE_PCD		(1ull << 4)	/* cache disable: MMIO, §7.4 */
#define PAE_PS		(1ull << 7)	/* 2 MiB page in a PDE */
#define PAE_NX		(1ull << 63)	/* needs EFER.NXE */
#define PAE_ADDR_MASK	0x000ffffffffff000ull
#define PAE_ENTRIES	512
#define PAE_LARGE_SIZE	0x200000u
/* Guest RAM in a nested table: nested walks are user accesses, so every
 * level needs U/S (§15.25.5). */
#define PAE_NPT_RAM	(PAE_RW | PAE_US)

struct pae_ops {
	/* a zeroed 4 KiB page for a table, by physical address */
	vmk_status_t (*alloc_table)(void *ctx, uint64_t *pa);
	/* the table at physical address pa, as the builder can write it */
	uint64_t *(*table)(void *ctx, uint64_t pa);
	void *ctx;
};

struct pae_space {
	const struct pae_ops *ops;
	uint64_t pdpt_pa;	/* CR3 / nCR3 value */
};

/* A PDPT with all four page directories present (PDPTEs carry P only). */
vmk_status_t pae_create(struct pae_space *s, const struct pae_ops *ops);
vmk_status_t pae_map_2m(struct pae_space *s, uint32_t va, uint64_t pa,
			uint64_t flags);
/* Splits a 2 MiB mapping into 4 KiB ones when needed. */
vmk_status_t pae_map_4k(struct pae_space *s, uint32_t va, uint64_t pa,
			uint64_t flags);
/* Points the 2 MiB region at va to an existing page table (which may be
 * shared by several regions): never allocates. */
vmk_status_t pae_map_table(struct pae_space *s, uint32_t va, uint64_t pt_pa,
			   uint64_t flags);
vmk_status_t pae_unmap_2m(struct pae_space *s, uint32_t va);
/* Clears the 4 KiB entry of va; VMK_BAD_PARAM unless a page table maps it. */
vmk_status_t pae_unmap_4k(struct pae_space *s, uint32_t va);
/* Physical address and leaf flags va maps to; false if not mapped. */
bool pae_translate(struct pae_space *s, uint32_t va, uint64_t *pa,
		   uint64_t *flags);

#endif /* VMKERNEL_MM_PAE_H */
