/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's page pool: the 2 MiB chunks the loader took from Linux.
 * Pages are handed out by physical address; runs of pages are contiguous
 * within one chunk (a VMCB's MSR permission map needs two, its I/O map three).
 */
#ifndef VMKERNEL_MM_POOL_H
#define VMKERNEL_MM_POOL_H

#include "vmkernel/platform.h"

#define POOL_PAGES_PER_CHUNK	(VMK_CHUNK_SIZE / VMK_PAGE_SIZE)
#define POOL_MAP_WORDS		(POOL_PAGES_PER_CHUNK / 32)

/*
 * What a page is used for. Pages that the CPU itself writes through a
 * physical address (VMRUN's host save area, the VMCB, VMSAVE's host area)
 * carry their role, so that one page can never serve two of them: such an
 * alias corrupts state silently (docs/architecture.md "VMCB integrity").
 */
enum pool_role {
	POOL_FREE = 0,
	POOL_ANY,		/* tables, guest memory, buffers */
	POOL_VMCB,		/* a world's VMCB */
	POOL_HSAVE,		/* a CPU's VM_HSAVE_PA page */
	POOL_HOST_AREA,		/* a CPU's VMSAVE/VMLOAD host area */
};

struct pool {
	struct spinlock lock;
	uint32_t nchunks;
	uint32_t free_pages;
	uint32_t chunk_pa[VMK_MAX_CHUNKS];
	uint32_t used[VMK_MAX_CHUNKS][POOL_MAP_WORDS];	/* bit set: in use */
	uint8_t role[VMK_MAX_CHUNKS][POOL_PAGES_PER_CHUNK];	/* enum pool_role */
};

vmk_status_t pool_init(struct pool *p, const uint32_t *chunk_pa, uint32_t n);
/* Mark pages in use that something else (the loader) already placed. */
vmk_status_t pool_reserve(struct pool *p, uint32_t pa, uint32_t npages);
vmk_status_t pool_alloc(struct pool *p, uint32_t npages, uint32_t *pa);
vmk_status_t pool_free(struct pool *p, uint32_t pa, uint32_t npages);
/* The same for pages of a role: freed only as that role (else refused). */
vmk_status_t pool_alloc_role(struct pool *p, uint32_t npages,
			     enum pool_role role, uint32_t *pa);
vmk_status_t pool_free_role(struct pool *p, uint32_t pa, uint32_t npages,
			    enum pool_role role);
/* The role of the page at pa (POOL_FREE: free or not in the pool). */
enum pool_role pool_role_of(struct pool *p, uint32_t pa);
/* Does [pa, pa + len) overlap the pool? */
bool pool_overlaps(const struct pool *p, uint64_t pa, uint64_t len);
uint64_t pool_total_bytes(const struct pool *p);
uint64_t pool_free_bytes(const struct pool *p);

#endif /* VMKERNEL_MM_POOL_H */
