// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/desc.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/arch/x86/vectors.h"
#include <vmk/abi.h>

#define GDT_ENTRIES	4
#define IDT_ENTRIES	VEC_COUNT
#define STUB_SIZE	16	/* entry.S aligns each stub to 16 bytes */

/* Flat 4 GiB segments, APM vol. 2 §4.7-4.8. */
#define GDT_CODE32	0x00cf9a000000ffffull	/* P, DPL0, execute/read, G, D */
#define GDT_DATA32	0x00cf92000000ffffull	/* P, DPL0, read/write, G, B */
#define TSS_TYPE_AVAIL	0x89ull			/* P, 32-bit available TSS */
#define IDT_INTR_GATE	0x8e00u			/* P, DPL0, 32-bit interrupt gate */

struct tss32 {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
};

struct pseudo_desc {
	uint16_t pad;
	uint16_t limit;
	uint32_t base;
} __attribute__((aligned(4)));

static uint64_t gdt[VMK_MAX_CPUS][GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss32 tss[VMK_MAX_CPUS];
static uint64_t idt[IDT_ENTRIES] __attribute__((aligned(16)));
extern const uint8_t exc_stubs[], intr_stubs[];

static uint64_t tss_descriptor(uint32_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       (TSS_TYPE_AVAIL << 40) | ((uint64_t)(limit & 0xf0000) << 32) |
	       ((uint64_t)(base >> 24) << 56);
}

static uint64_t intr_gate(uint32_t h)
{
	return (h & 0xffff) | ((uint32_t)SEL_CODE << 16) |
	       ((uint64_t)IDT_INTR_GATE << 32) | ((uint64_t)(h >> 16) << 48);
}

/* Exceptions panic; the NMI and external vectors go to intr.c. */
static void idt_init(void)
{
	uint32_t v;

	for (v = 0; v < IDT_ENTRIES; v++) {
		bool intr = v == VEC_NMI || v >= VEC_FIRST_EXTERNAL;
		const uint8_t *stubs = intr ? intr_stubs : exc_stubs;

		idt[v] = intr_gate((uint32_t)(uintptr_t)stubs + v * STUB_SIZE);
	}
}

void desc_load(uint32_t cpu)
{
	struct pseudo_desc g = { 0, sizeof(gdt[0]) - 1,
				 (uint32_t)(uintptr_t)gdt[cpu] };
	struct pseudo_desc i = { 0, sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	tss[cpu].iomap_base = sizeof(struct tss32);
	tss[cpu].ss0 = SEL_DATA;
	gdt[cpu][0] = 0;
	gdt[cpu][SEL_CODE >> 3] = GDT_CODE32;
	gdt[cpu][SEL_DATA >> 3] = GDT_DATA32;
	gdt[cpu][SEL_TSS >> 3] = tss_descriptor((uint32_t)(uintptr_t)&tss[cpu],
						sizeof(struct tss32) - 1);
	idt_init();	/* same contents on every CPU: no ordering needed */
	asm volatile("lgdt %0\n\t"
		     "ljmp %1, $1f\n"
		     "1:\tmov %2, %%ss\n\t"
		     "mov %2, %%ds\n\t"
		     "mov %2, %%es\n\t"
		     "lidt %3"
		     :: "m"(g.limit), "i"(SEL_CODE), "r"(SEL_DATA), "m"(i.limit)
		     : "memory");
}

void desc_load_host_segments(uint32_t cpu)
{
	(void)cpu;
	asm volatile("mov %0, %%fs\n\t"
		     "mov %0, %%gs\n\t"
		     "lldt %w1\n\t"
		     "ltr %w2"
		     :: "r"(SEL_DATA), "r"(0), "r"(SEL_TSS) : "memory");
}

void exc_dispatch(struct exc_frame *f)
{
	panic_exception(f);
}
