/* SPDX-License-Identifier: GPL-2.0-only */
/* Global vmkernel state and per-CPU data. */
#ifndef VMKERNEL_CORE_VMKERNEL_H
#define VMKERNEL_CORE_VMKERNEL_H

#include "vmkernel/platform.h"
#include "vmkernel/mm/pool.h"
#include <vmk/hypercall.h>

#include "vmkernel/core/vmkernel_asm.h"

#define CPU_STACK_SIZE		(1u << CPU_STACK_SHIFT)

extern struct vmk_boot_info vmk_boot_info;
extern struct pool vmk_pool;
/*
 * The shared page is COS memory the COS can write: the vmkernel only
 * writes it (a mirror for the loader) and never acts on what it holds.
 * What the vmkernel decides by lives here, in its own memory.
 */
extern struct vmk_shared *vmk_shared;
extern uint32_t vmk_state;		/* VMK_STATE_* */
extern uint32_t vmk_cpus_virtualized;	/* bit n: CPU n runs the COS as a guest */
void vmk_cpu_virtualized(uint32_t cpu, bool on);
extern uint8_t cpu_stacks[VMK_MAX_CPUS][CPU_STACK_SIZE];

static inline uint32_t this_cpu(void)
{
	uint32_t sp;

	asm volatile("mov %%esp, %0" : "=r"(sp));
	return (sp - (uint32_t)(uintptr_t)cpu_stacks) >> CPU_STACK_SHIFT;
}

/* Physical memory below VMK_VBASE is identity-mapped. */
static inline void *pa_to_va(uint32_t pa)
{
	return (void *)(uintptr_t)pa;
}

/*
 * Page-table pages from the pool, reached through the identity map: the
 * pae_ops of the vmkernel's own tables (main.c) and the base of each VM's.
 */
struct pae_ops;
extern const struct pae_ops vmk_pool_tables;
uint64_t *vmk_table_ptr(void *ctx, uint64_t pa);

uint32_t image_va_to_pa(const void *va);
uint64_t vmk_time_us(void);
uint64_t vmk_time_ns(void);
/* Zeroed pages from the pool (vmk_alloc_role: of a role, mm/pool.h). */
vmk_status_t vmk_alloc_pages(uint32_t npages, uint32_t *pa);
vmk_status_t vmk_alloc_role(uint32_t npages, enum pool_role role, uint32_t *pa);
/* Map a device page (uncached) at va in the vmkernel's address space. */
vmk_status_t vmk_map_mmio(uint32_t va, uint64_t pa);
void vmk_info_fill(struct vmk_info *info);
bool vmk_debug_enabled(void);
/* A panic during init: CPUs waiting for CPU 0 give up too. */
void vmk_init_abort(void);

#endif /* VMKERNEL_CORE_VMKERNEL_H */
