// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/mm/pool.h"

static bool page_used(const struct pool *p, uint32_t c, uint32_t i)
{
	return p->used[c][i / 32] & (1u << (i % 32));
}

/* In use as role, or free (POOL_FREE); either way no longer known clean. */
static void mark(struct pool *p, uint32_t c, uint32_t i, uint32_t n,
		 enum pool_role role)
{
	if (role != POOL_FREE) {
		p->nfree[c] -= n;
		p->free_pages -= n;
	} else {
		p->nfree[c] += n;
		p->free_pages += n;
	}
	p->clean[c] = false;
	for (; n; n--, i++) {
		if (role != POOL_FREE)
			p->used[c][i / 32] |= 1u << (i % 32);
		else
			p->used[c][i / 32] &= ~(1u << (i % 32));
		p->role[c][i] = (uint8_t)role;
	}
}

/*
 * With p->lock held: if the scrubber holds a chunk, take it back for an
 * allocation that found no other room. A slice being zeroed is waited
 * for with the lock dropped (one slice at most, the npages given to
 * pool_scrub_one(): the scrubber runs unpreempted on its CPU, so this
 * CPU cannot be the one it waits for); then the chunk is the scrubber's
 * no more, free and still
 * unclean, and the caller searches again (true). False: nothing held.
 */
static bool take_back_from_scrubber(struct pool *p)
{
	if (p->scrubbing == POOL_NO_CHUNK)
		return false;
	while (p->scrub_busy) {
		spin_unlock(&p->lock);
		while (__atomic_load_n(&p->scrub_busy, __ATOMIC_ACQUIRE))
			__builtin_ia32_pause();
		spin_lock(&p->lock);
	}
	p->scrubbing = POOL_NO_CHUNK;
	p->scrub_taken++;
	return true;
}

/* Chunk index and first page of [pa, pa + npages pages) or false. */
static bool locate(const struct pool *p, uint32_t pa, uint32_t npages,
		   uint32_t *c, uint32_t *i)
{
	uint32_t k;

	if (pa % VMK_PAGE_SIZE || !npages || npages > POOL_PAGES_PER_CHUNK)
		return false;
	for (k = 0; k < p->nchunks; k++) {
		uint32_t off = pa - p->chunk_pa[k];

		if (pa < p->chunk_pa[k] || off >= VMK_CHUNK_SIZE)
			continue;
		if ((off >> VMK_PAGE_SHIFT) + npages > POOL_PAGES_PER_CHUNK)
			return false;
		*c = k;
		*i = off >> VMK_PAGE_SHIFT;
		return true;
	}
	return false;
}

vmk_status_t pool_init(struct pool *p, const uint32_t *chunk_pa, uint32_t n)
{
	uint32_t k;

	if (n > VMK_MAX_CHUNKS)
		return VMK_BAD_PARAM;
	memset(p, 0, sizeof(*p));
	for (k = 0; k < n; k++) {
		if (chunk_pa[k] % VMK_CHUNK_SIZE)
			return VMK_BAD_PARAM;
		p->chunk_pa[k] = chunk_pa[k];
	}
	for (k = 0; k < n; k++)
		p->nfree[k] = POOL_PAGES_PER_CHUNK;
	p->nchunks = n;
	p->free_pages = n * POOL_PAGES_PER_CHUNK;
	p->scrubbing = POOL_NO_CHUNK;
	return VMK_OK;
}

vmk_status_t pool_reserve(struct pool *p, uint32_t pa, uint32_t npages)
{
	vmk_status_t st = VMK_BAD_PARAM;
	uint32_t c, i, k;

	spin_lock(&p->lock);
	if (!locate(p, pa, npages, &c, &i))
		goto out;
	if (c == p->scrubbing)
		take_back_from_scrubber(p);
	for (k = 0; k < npages; k++)
		if (page_used(p, c, i + k))
			goto out;
	mark(p, c, i, npages, POOL_ANY);
	st = VMK_OK;
out:
	spin_unlock(&p->lock);
	return st;
}

vmk_status_t pool_alloc(struct pool *p, uint32_t npages, uint32_t *pa)
{
	return pool_alloc_role(p, npages, POOL_ANY, pa);
}

/* The first free run of npages in chunk c (past full map words): its first page. */
static bool chunk_run(struct pool *p, uint32_t c, uint32_t npages, uint32_t *first)
{
	uint32_t j = 0, run = 0, w;

	while (j < POOL_PAGES_PER_CHUNK) {
		w = p->used[c][j / 32];
		if (j % 32 == 0) {
			p->probes++;
			if (w == ~0u) {
				run = 0;
				j += 32;
				continue;
			}
		}
		run = (w & (1u << (j % 32))) ? 0 : run + 1;
		j++;
		if (run == npages) {
			*first = j - npages;
			return true;
		}
	}
	return false;
}

/*
 * Where a plain run of npages goes, in one pass: the first fit outside
 * the clean chunks, which stay for pool_alloc_chunk_zeroed(); the first
 * clean chunk only when nothing else fits.
 */
static bool find_plain(struct pool *p, uint32_t npages, uint32_t *c, uint32_t *i)
{
	uint32_t k, spare = POOL_NO_CHUNK;

	for (k = 0; k < p->nchunks; k++) {
		p->probes++;
		if (p->nfree[k] < npages || k == p->scrubbing)
			continue;
		if (!p->clean[k] && chunk_run(p, k, npages, i)) {
			*c = k;
			return true;
		}
		if (p->clean[k] && spare == POOL_NO_CHUNK)
			spare = k;
	}
	*c = spare;
	*i = 0;
	return spare != POOL_NO_CHUNK;
}

/* A whole free chunk, in one pass: the first clean one, else the first. */
static bool find_chunk(struct pool *p, uint32_t *c, bool *clean)
{
	uint32_t k, first = POOL_NO_CHUNK;

	for (k = 0; k < p->nchunks; k++) {
		p->probes++;
		if (p->nfree[k] != POOL_PAGES_PER_CHUNK || k == p->scrubbing)
			continue;
		if (p->clean[k]) {
			*c = k;
			*clean = true;
			return true;
		}
		if (first == POOL_NO_CHUNK)
			first = k;
	}
	*c = first;
	*clean = false;
	return first != POOL_NO_CHUNK;
}

vmk_status_t pool_alloc_role(struct pool *p, uint32_t npages,
			     enum pool_role role, uint32_t *pa)
{
	uint32_t c, i;
	bool found;

	if (!npages || npages > POOL_PAGES_PER_CHUNK || role == POOL_FREE)
		return VMK_BAD_PARAM;
	spin_lock(&p->lock);
	do
		found = find_plain(p, npages, &c, &i);
	while (!found && take_back_from_scrubber(p));
	if (found) {
		mark(p, c, i, npages, role);
		*pa = p->chunk_pa[c] + (i << VMK_PAGE_SHIFT);
	}
	spin_unlock(&p->lock);
	return found ? VMK_OK : VMK_NO_MEMORY;
}

vmk_status_t pool_alloc_chunk_zeroed(struct pool *p, void (*zero)(uint32_t pa),
				     uint32_t *pa, bool *clean)
{
	uint32_t c;
	bool found, was_clean;

	spin_lock(&p->lock);
	do
		found = find_chunk(p, &c, &was_clean);
	while (!found && take_back_from_scrubber(p));
	if (found) {
		mark(p, c, 0, POOL_PAGES_PER_CHUNK, POOL_ANY);
		*pa = p->chunk_pa[c];
	}
	spin_unlock(&p->lock);
	if (!found)
		return VMK_NO_MEMORY;
	/* Ours now: zeroed outside the lock, no other CPU waits for it. */
	if (!was_clean)
		zero(*pa);
	if (clean)
		*clean = was_clean;
	return VMK_OK;
}

bool pool_scrub_one(struct pool *p, void (*zero)(uint32_t pa, uint32_t len),
		    uint32_t npages)
{
	uint32_t k, c, first;

	if (!npages || npages > POOL_PAGES_PER_CHUNK)
		return false;
	spin_lock(&p->lock);
	for (k = 0; k < p->nchunks && p->scrubbing == POOL_NO_CHUNK; k++) {
		p->probes++;
		if (p->nfree[k] == POOL_PAGES_PER_CHUNK && !p->clean[k]) {
			p->scrubbing = k;
			p->scrub_done = 0;
		}
	}
	c = p->scrubbing;
	if (c == POOL_NO_CHUNK) {
		spin_unlock(&p->lock);
		return false;
	}
	first = p->scrub_done;
	if (npages > POOL_PAGES_PER_CHUNK - first)
		npages = POOL_PAGES_PER_CHUNK - first;
	p->scrub_busy = true;
	spin_unlock(&p->lock);
	/* Free, but handed to nobody meanwhile (find_plain, find_chunk). */
	zero(p->chunk_pa[c] + (first << VMK_PAGE_SHIFT), npages << VMK_PAGE_SHIFT);
	spin_lock(&p->lock);
	__atomic_store_n(&p->scrub_busy, false, __ATOMIC_RELEASE);
	/* Unless an allocation took it back meanwhile (then it stays unclean). */
	if (p->scrubbing == c) {
		p->scrub_done = first + npages;
		if (p->scrub_done == POOL_PAGES_PER_CHUNK) {
			p->clean[c] = true;
			p->scrubbing = POOL_NO_CHUNK;
		}
	}
	spin_unlock(&p->lock);
	return true;
}

uint32_t pool_scrub(struct pool *p, void (*zero)(uint32_t pa, uint32_t len),
		    uint32_t npages, uint64_t (*now)(void), uint64_t until, uint32_t max)
{
	uint32_t n = 0;

	while (pool_scrub_one(p, zero, npages) && ++n < max && now() < until)
		;
	return n;
}

vmk_status_t pool_free(struct pool *p, uint32_t pa, uint32_t npages)
{
	return pool_free_role(p, pa, npages, POOL_ANY);
}

vmk_status_t pool_free_role(struct pool *p, uint32_t pa, uint32_t npages,
			    enum pool_role role)
{
	vmk_status_t st = VMK_BAD_PARAM;
	uint32_t c, i, k;

	spin_lock(&p->lock);
	if (!locate(p, pa, npages, &c, &i))
		goto out;
	/* A double free, or a page of another role: refuse, change nothing. */
	for (k = 0; k < npages; k++)
		if (!page_used(p, c, i + k) || p->role[c][i + k] != role)
			goto out;
	mark(p, c, i, npages, POOL_FREE);
	st = VMK_OK;
out:
	spin_unlock(&p->lock);
	return st;
}

enum pool_role pool_role_of(struct pool *p, uint32_t pa)
{
	enum pool_role role = POOL_FREE;
	uint32_t c, i;

	spin_lock(&p->lock);
	if (locate(p, pa & ~(VMK_PAGE_SIZE - 1), 1, &c, &i) && page_used(p, c, i))
		role = (enum pool_role)p->role[c][i];
	spin_unlock(&p->lock);
	return role;
}

bool pool_overlaps(const struct pool *p, uint64_t pa, uint64_t len)
{
	uint32_t k;

	for (k = 0; k < p->nchunks; k++) {
		uint64_t start = p->chunk_pa[k], end = start + VMK_CHUNK_SIZE;

		if (pa < end && pa + len > start)
			return true;
	}
	return false;
}

uint64_t pool_total_bytes(const struct pool *p)
{
	return (uint64_t)p->nchunks * VMK_CHUNK_SIZE;
}

uint64_t pool_free_bytes(const struct pool *p)
{
	return (uint64_t)p->free_pages * VMK_PAGE_SIZE;
}
