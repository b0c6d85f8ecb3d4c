// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/mm/pool.h"

static bool page_used(const struct pool *p, uint32_t c, uint32_t i)
{
	return p->used[c][i / 32] & (1u << (i % 32));
}

static void mark(struct pool *p, uint32_t c, uint32_t i, uint32_t n,
		 enum pool_role role)
{
	for (; n; n--, i++) {
		if (role != POOL_FREE)
			p->used[c][i / 32] |= 1u << (i % 32);
		else
			p->used[c][i / 32] &= ~(1u << (i % 32));
		p->role[c][i] = (uint8_t)role;
	}
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
	p->nchunks = n;
	p->free_pages = n * POOL_PAGES_PER_CHUNK;
	return VMK_OK;
}

vmk_status_t pool_reserve(struct pool *p, uint32_t pa, uint32_t npages)
{
	vmk_status_t st = VMK_BAD_PARAM;
	uint32_t c, i, k;

	spin_lock(&p->lock);
	if (!locate(p, pa, npages, &c, &i))
		goto out;
	for (k = 0; k < npages; k++)
		if (page_used(p, c, i + k))
			goto out;
	mark(p, c, i, npages, POOL_ANY);
	p->free_pages -= npages;
	st = VMK_OK;
out:
	spin_unlock(&p->lock);
	return st;
}

vmk_status_t pool_alloc(struct pool *p, uint32_t npages, uint32_t *pa)
{
	return pool_alloc_role(p, npages, POOL_ANY, pa);
}

vmk_status_t pool_alloc_role(struct pool *p, uint32_t npages,
			     enum pool_role role, uint32_t *pa)
{
	vmk_status_t st = VMK_NO_MEMORY;
	uint32_t c, i, run;

	if (!npages || npages > POOL_PAGES_PER_CHUNK || role == POOL_FREE)
		return VMK_BAD_PARAM;
	spin_lock(&p->lock);
	for (c = 0; c < p->nchunks; c++) {
		for (i = 0, run = 0; i < POOL_PAGES_PER_CHUNK; i++) {
			run = page_used(p, c, i) ? 0 : run + 1;
			if (run < npages)
				continue;
			i = i + 1 - npages;
			mark(p, c, i, npages, role);
			p->free_pages -= npages;
			*pa = p->chunk_pa[c] + (i << VMK_PAGE_SHIFT);
			st = VMK_OK;
			goto out;
		}
	}
out:
	spin_unlock(&p->lock);
	return st;
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
	p->free_pages += npages;
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
