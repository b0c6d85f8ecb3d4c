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
#define POOL_NO_CHUNK		0xffffffffu

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
	uint16_t nfree[VMK_MAX_CHUNKS];		/* free pages of each chunk */
	bool clean[VMK_MAX_CHUNKS];		/* all free and zeroed since */
	uint32_t scrubbing;	/* the chunk pool_scrub_one() zeroes, or POOL_NO_CHUNK */
	uint32_t scrub_done;	/* its pages zeroed so far: [0, scrub_done) */
	bool scrub_busy;	/* a slice of it is being zeroed, without the lock */
	uint32_t scrub_taken;	/* chunks taken back from the scrubber by allocations */
	uint64_t probes;	/* chunks and map words the searches tested (their cost) */
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
/*
 * Zeroed chunks off the power on's path. A free chunk is "clean" once
 * the scrubber (a service-world task: pool_scrub()) zeroed it whole, a
 * slice a call; any allocation or free of one of its pages makes it
 * unclean again, and chunks start unclean (the vmkernel does not rely on
 * what the loader left in them). pool_alloc_chunk_zeroed() takes a whole
 * chunk, a clean one first, and calls zero(pa) itself, without the pool's
 * lock, when it was not clean: what it returns reads zero either way.
 * *clean (if not NULL) says whether it was clean. Plain allocations take
 * clean chunks last. The chunk the scrubber works on stays free but is
 * handed to nobody while other room is left; an allocation that finds
 * none takes it back (after the slice being zeroed, if one is: one
 * slice's wait at most), unclean. Returns VMK_NO_MEMORY when no chunk is
 * free.
 */
vmk_status_t pool_alloc_chunk_zeroed(struct pool *p, void (*zero)(uint32_t pa),
				     uint32_t *pa, bool *clean);
/*
 * The next npages (1 to POOL_PAGES_PER_CHUNK) of a free unclean chunk,
 * zeroed with zero(pa, len) without the lock; the chunk is clean once its
 * last slice is. The same chunk is continued from call to call unless an
 * allocation took it back. False if no free chunk is unclean.
 */
bool pool_scrub_one(struct pool *p, void (*zero)(uint32_t pa, uint32_t len),
		    uint32_t npages);
/*
 * pool_scrub_one() once, then again while now() is before until and
 * fewer than max slices were zeroed (a clock that stands still cannot
 * make it unbounded): the number of slices zeroed.
 */
uint32_t pool_scrub(struct pool *p, void (*zero)(uint32_t pa, uint32_t len),
		    uint32_t npages, uint64_t (*now)(void), uint64_t until, uint32_t max);
/* The role of the page at pa (POOL_FREE: free or not in the pool). */
enum pool_role pool_role_of(struct pool *p, uint32_t pa);
/* Does [pa, pa + len) overlap the pool? */
bool pool_overlaps(const struct pool *p, uint64_t pa, uint64_t len);
uint64_t pool_total_bytes(const struct pool *p);
uint64_t pool_free_bytes(const struct pool *p);

#endif /* VMKERNEL_MM_POOL_H */
