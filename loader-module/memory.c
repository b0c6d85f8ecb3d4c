// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmkernel's memory: 2 MiB chunks taken from Linux's page allocator
 * (no reboot, no mem=), the image placed at VMK_VBASE in the first ones,
 * followed by its symbol table and the boot page tables.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/io.h>
#include "vmkload.h"
#include "vmkernel/mm/pae.h"

#define CHUNK_ORDER		(VMK_CHUNK_SHIFT - PAGE_SHIFT)
#define BOOT_TABLE_PAGES	8	/* PDPT, 4 PDs, PTs for the trampoline */

struct layout {
	u32 symtab_va, strtab_va, tables_va, end_va;
};

static void layout(const struct vmk_image *img, struct layout *l)
{
	l->symtab_va = PAGE_ALIGN(img->end_va);
	l->strtab_va = l->symtab_va + PAGE_ALIGN(img->symtab_size);
	l->tables_va = l->strtab_va + PAGE_ALIGN(img->strtab_size);
	l->end_va = l->tables_va + BOOT_TABLE_PAGES * PAGE_SIZE;
}

u32 vmk_layout_end(const struct vmk_image *img)
{
	struct layout l;

	layout(img, &l);
	return l.end_va;
}

/*
 * The first chunks hold the image, its symbols and the boot tables, which
 * the loader writes through Linux's direct map: lowmem. The others (VM
 * memory, mostly) only the vmkernel touches, through its identity map of
 * [0, VMK_VBASE): highmem is preferred there, so a large pool does not eat
 * the COS's lowmem (on i386 under 1 GiB).
 */
#define IMAGE_CHUNKS_MAX	(VMK_VSIZE >> VMK_CHUNK_SHIFT)

int vmk_memory_take(struct vmk_memory *m, unsigned int nchunks)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < nchunks; i++) {
		gfp_t zone = i < IMAGE_CHUNKS_MAX ? GFP_KERNEL : GFP_HIGHUSER;
		struct page *p = alloc_pages(zone | __GFP_ZERO | __GFP_NOWARN,
					     CHUNK_ORDER);

		if (!p || page_to_phys(p) + VMK_CHUNK_SIZE > VMK_VBASE) {
			if (p)
				__free_pages(p, CHUNK_ORDER);
			vmk_memory_return(m);
			return -ENOMEM;
		}
		m->chunk[i] = p;
		m->chunk_pa[i] = page_to_phys(p);
		m->nchunks = i + 1;
	}
	return 0;
}

/*
 * Everything goes back to Linux zeroed: the chunks held VMs' RAM, their
 * page tables, console bytes in the vmkernel's log and buffers, and Linux
 * hands freed pages to its own allocations without clearing them (issue 9,
 * item 7). The pages are the vmkernel's until every CPU is back, so this
 * runs after the give-back; clear_highpage maps highmem pages one by one.
 */
void vmk_memory_return(struct vmk_memory *m)
{
	unsigned int i, j;

	for (i = 0; i < m->nchunks; i++) {
		for (j = 0; j < (1u << CHUNK_ORDER); j++)
			clear_highpage(m->chunk[i] + j);
		__free_pages(m->chunk[i], CHUNK_ORDER);
		cond_resched();
	}
	m->nchunks = 0;
}

void *vmk_memory_va(struct vmk_memory *m, u32 vmk_va)
{
	u32 off = vmk_va - VMK_VBASE;

	return page_address(m->chunk[off >> VMK_CHUNK_SHIFT]) +
	       (off & (VMK_CHUNK_SIZE - 1));
}

static void copy_in(struct vmk_memory *m, u32 va, const void *src, u32 len)
{
	while (len) {
		u32 n = min(len, VMK_CHUNK_SIZE - (va & (VMK_CHUNK_SIZE - 1)));

		memcpy(vmk_memory_va(m, va), src, n);
		va += n;
		src += n;
		len -= n;
	}
}

struct table_area {
	struct vmk_memory *m;
	u32 next_va, end_va;
};

static vmk_status_t table_alloc(void *ctx, uint64_t *pa)
{
	struct table_area *t = ctx;
	u32 off;

	if (t->next_va >= t->end_va)
		return VMK_NO_MEMORY;
	off = t->next_va - VMK_VBASE;
	*pa = t->m->chunk_pa[off >> VMK_CHUNK_SHIFT] +
	      (off & (VMK_CHUNK_SIZE - 1));
	t->next_va += PAGE_SIZE;
	return VMK_OK;	/* the chunks were allocated zeroed */
}

static uint64_t *table_ptr(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

/*
 * The vmkernel's address space (include/vmk/abi.h): identity below
 * VMK_VBASE, the image chunks at VMK_VBASE, and the trampoline page at
 * the address Linux runs it at, so the CR3 switch can happen inside it.
 */
static int build_tables(struct vmk_memory *m, const struct layout *l,
			unsigned long tramp_va, phys_addr_t tramp_pa)
{
	struct table_area area = { m, l->tables_va, l->end_va };
	const struct pae_ops ops = { table_alloc, table_ptr, &area };
	struct pae_space s;
	vmk_status_t st;
	u32 va;
	unsigned int k;

	st = pae_create(&s, &ops);
	for (va = 0; st == VMK_OK && va < VMK_VBASE; va += VMK_CHUNK_SIZE)
		st = pae_map_2m(&s, va, va, PAE_RW);
	for (k = 0; st == VMK_OK && k < m->image_chunks; k++)
		st = pae_map_2m(&s, VMK_VBASE + k * VMK_CHUNK_SIZE,
				m->chunk_pa[k], PAE_RW);
	if (st == VMK_OK)
		st = pae_map_4k(&s, tramp_va, tramp_pa, 0);
	if (st != VMK_OK)
		return -ENOMEM;
	m->boot_cr3 = s.pdpt_pa;
	return 0;
}

int vmk_memory_place(struct vmk_memory *m, const struct vmk_image *img,
		     unsigned long tramp_va, phys_addr_t tramp_pa)
{
	struct layout l;
	unsigned int i;

	layout(img, &l);
	m->image_chunks = DIV_ROUND_UP(l.end_va - VMK_VBASE, VMK_CHUNK_SIZE);
	if (m->image_chunks >= m->nchunks)
		return -ENOMEM;
	for (i = 0; i < img->eh->e_phnum; i++) {
		const struct elf32_phdr *p = &img->ph[i];

		if (p->p_type == PT_LOAD)
			copy_in(m, p->p_vaddr, img->data + p->p_offset,
				p->p_filesz);
	}
	copy_in(m, l.symtab_va, img->symtab, img->symtab_size);
	copy_in(m, l.strtab_va, img->strtab, img->strtab_size);
	m->loader_end_va = l.end_va;
	m->boot_info = vmk_memory_va(m, img->note->boot_info_va);
	m->boot_info->symtab_va = l.symtab_va;
	m->boot_info->symtab_size = img->symtab_size;
	m->boot_info->strtab_va = l.strtab_va;
	m->boot_info->strtab_size = img->strtab_size;
	return build_tables(m, &l, tramp_va, tramp_pa);
}
