// SPDX-License-Identifier: GPL-2.0-only
/*
 * Extended CPU state per world (xstate.h). Saved after every #VMEXIT, so
 * that the area is current wherever the world runs next; restored only
 * when another world's state is in the registers (live[] and live_cpu:
 * a VM vCPU may have run on another CPU since).
 */
#include "vmkernel/arch/x86/xstate.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/log/log.h"

#define CPUID_1_ECX_XSAVE	(1u << 26)	/* SDM vol. 2A CPUID */
#define CPUID_XSTATE_LEAF	0xd		/* SDM vol. 1 §13.2 */
#define CPUID_D_ECX_ALIGNED	(1u << 1)	/* subleaf i >= 2: 64-byte aligned */
#define CPUID_D1_EAX_XSAVES	(1u << 3)	/* XSAVES/XRSTORS and IA32_XSS */
#define MSR_XSS			0xda0		/* IA32_XSS: supervisor components */
#define CR0_TS			(1u << 3)
#define CR4_OSXSAVE		(1u << 18)
#define XCR0_X87		1ull		/* XCR0 after RESET */
#define FXSAVE_SIZE		512		/* SDM vol. 1 §10.5.1 */
/* Legacy region: FCW at 0, MXCSR at 24 (SDM vol. 1 table 10-2). */
#define FX_FCW_OFF		0
#define FX_MXCSR_OFF		24
#define FCW_INIT		0x037f		/* after FNINIT/RESET */
#define MXCSR_INIT		0x1f80

static bool use_xsave;
static bool has_xss;		/* the CPU has IA32_XSS (XSAVES) */
static uint64_t host_xcr0;
static uint32_t area_size = FXSAVE_SIZE;
static struct xsave_layout layout = { .supported = XCR0_X87 };
/* The state this CPU's registers hold. */
static struct xstate *live[VMK_MAX_CPUS];

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void xsetbv0(uint64_t v)
{
	asm volatile("xsetbv" :: "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0));
}

/* Every component XCR0 enables (mask EDX:EAX all ones). */
static void save(struct xstate *x)
{
	if (use_xsave)
		asm volatile("xsave (%0)" :: "r"(x->area), "a"(~0u), "d"(~0u) : "memory");
	else
		asm volatile("fxsave (%0)" :: "r"(x->area) : "memory");
}

static void restore(const struct xstate *x)
{
	if (use_xsave)
		asm volatile("xrstor (%0)" :: "r"(x->area), "a"(~0u), "d"(~0u) : "memory");
	else
		asm volatile("fxrstor (%0)" :: "r"(x->area) : "memory");
}

void xstate_global_init(void)
{
	struct cpuid_regs r;
	uint32_t cr4, i;

	cpuid_count(1, 0, &r);
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	use_xsave = (r.ecx & CPUID_1_ECX_XSAVE) && (cr4 & CR4_OSXSAVE);
	if (!use_xsave) {
		host_xcr0 = XCR0_X87;
		log_info("extended state per world: FXSAVE, %u bytes", area_size);
		return;
	}
	host_xcr0 = xgetbv0();
	cpuid_count(CPUID_XSTATE_LEAF, 1, &r);
	has_xss = r.eax & CPUID_D1_EAX_XSAVES;
	cpuid_count(CPUID_XSTATE_LEAF, 0, &r);
	area_size = r.ecx;
	layout.supported = ((uint64_t)r.edx << 32) | r.eax;
	for (i = 2; i < XSAVE_COMPONENTS; i++) {
		if (!(layout.supported & (1ull << i)))
			continue;
		cpuid_count(CPUID_XSTATE_LEAF, i, &r);
		layout.size[i] = r.eax;
		layout.offset[i] = r.ebx;
		if (r.ecx & CPUID_D_ECX_ALIGNED)
			layout.aligned |= 1ull << i;
	}
	log_info("extended state per world: XSAVE, XCR0 %llx, %u bytes, IA32_XSS %s",
		 (unsigned long long)host_xcr0, area_size,
		 has_xss ? "switched to 0 for VMs where the COS set it" : "absent");
}

void xstate_cpu_init(void)
{
	uint32_t cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	if (cr0 & CR0_TS)
		asm volatile("clts");
}

void xstate_reset(struct xstate *x)
{
	memset(x->area, 0, x->pages * VMK_PAGE_SIZE);
	/* XSTATE_BV 0: XRSTOR puts every component in its initial state,
	 * except MXCSR, which it always loads; FXRSTOR loads all. */
	*(uint16_t *)(x->area + FX_FCW_OFF) = FCW_INIT;
	*(uint32_t *)(x->area + FX_MXCSR_OFF) = MXCSR_INIT;
	x->xcr0 = XCR0_X87;
	x->live_cpu = 0;
	x->vm = true;	/* the COS's is captured (xstate_capture) */
}

vmk_status_t xstate_alloc(struct xstate *x)
{
	vmk_status_t st;

	x->pages = (area_size + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE;
	st = vmk_alloc_pages(x->pages, &x->area_pa);
	if (st != VMK_OK)
		return st;
	x->area = pa_to_va(x->area_pa);
	xstate_reset(x);
	return VMK_OK;
}

void xstate_free(struct xstate *x)
{
	if (x->area && pool_free(&vmk_pool, x->area_pa, x->pages) != VMK_OK)
		vmk_panic("extended state area %x is not pool memory", x->area_pa);
	x->area = NULL;
	x->live_cpu = 0;
}

void xstate_capture(struct xstate *x, uint32_t cpu)
{
	x->xcr0 = use_xsave ? xgetbv0() : XCR0_X87;
	x->vm = false;
	save(x);
	live[cpu] = x;
	x->live_cpu = cpu + 1;
}

void xstate_enter(struct xstate *x, uint32_t cpu)
{
	/*
	 * A VM runs with IA32_XSS 0: CPUID hides XSAVES from it, but SVM
	 * cannot intercept the instruction, and with the COS's IA32_XSS a
	 * guest's XSAVES would read the COS's supervisor components (CET
	 * shadow-stack state) and its XRSTORS write them. Read each time,
	 * not cached: the COS writes the MSR without an exit.
	 */
	x->cos_xss = 0;
	if (has_xss && x->vm) {
		x->cos_xss = rdmsr(MSR_XSS);
		if (x->cos_xss)
			wrmsr(MSR_XSS, 0);
	}
	if (live[cpu] != x || x->live_cpu != cpu + 1) {
		restore(x);
		live[cpu] = x;
		x->live_cpu = cpu + 1;
	}
	if (use_xsave && x->xcr0 != host_xcr0)
		xsetbv0(x->xcr0);
}

void xstate_exit(struct xstate *x)
{
	if (x->cos_xss)
		wrmsr(MSR_XSS, x->cos_xss);
	if (use_xsave) {
		/* The COS sets XCR0 without an exit; a VM's XSETBV exits. */
		x->xcr0 = xgetbv0();
		if (x->xcr0 != host_xcr0)
			xsetbv0(host_xcr0);
	}
	save(x);
}

void xstate_hand_back(struct xstate *x, uint32_t cpu)
{
	if (x->area)
		xstate_enter(x, cpu);
}

uint64_t xstate_guest_mask(void)
{
	return host_xcr0;
}

const struct xsave_layout *xstate_layout(void)
{
	return &layout;
}
