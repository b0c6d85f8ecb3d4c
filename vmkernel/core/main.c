// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkernel entry on each CPU: CPU 0 sets up the global state (pool, log,
 * the COS's nested page table and permission maps, cos/) while the others
 * wait; then every CPU enables SVM and turns the Linux it interrupted into
 * the COS world.
 */
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/desc.h"
#include "vmkernel/cos/cos.h"
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/cos/cos_npt.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/service.h"
#include "vmkernel/log/log.h"
#include "vmkernel/vm/vm.h"
#include "vmkernel/net/net.h"
#include "vmkernel/storage/storage.h"
#include "vmkernel/net/uplink.h"

#ifndef VMK_VERSION_STRING
#define VMK_VERSION_STRING "unknown"
#endif

_Static_assert(__builtin_offsetof(struct vmk_launch, cpu) == VMK_LAUNCH_CPU, "launch");
_Static_assert(__builtin_offsetof(struct vmk_launch, gdtr_limit) == VMK_LAUNCH_GDTR, "launch");
_Static_assert(__builtin_offsetof(struct vmk_launch, idtr_limit) == VMK_LAUNCH_IDTR, "launch");
_Static_assert(__builtin_offsetof(struct vmk_launch, frame) == VMK_LAUNCH_FRAME, "launch");

/* Written by the loader before the first entry, hence not in .bss. */
struct vmk_boot_info vmk_boot_info __attribute__((section(".data")));

/* The ELF note the loader and `vmkctl image check` look for. */
struct vmk_elf_note {
	uint32_t namesz, descsz, type;
	char name[4];
	struct vmk_image_note desc;
};

static const struct vmk_elf_note vmk_note
	__attribute__((section(".note.vmk"), used, aligned(4))) = {
	.namesz = sizeof(VMK_NOTE_NAME),
	.descsz = sizeof(struct vmk_image_note),
	.type = VMK_NOTE_IMAGE,
	.name = VMK_NOTE_NAME,
	.desc = {
		.abi_version = VMK_ABI_VERSION,
		.boot_info_va = (uint32_t)&vmk_boot_info,
		.vbase = VMK_VBASE,
		.max_cpus = VMK_MAX_CPUS,
		.version = VMK_VERSION_STRING,
	},
};

struct pool vmk_pool;
struct vmk_shared *vmk_shared;
uint32_t vmk_state;
uint32_t vmk_cpus_virtualized;

void vmk_cpu_virtualized(uint32_t cpu, bool on)
{
	uint32_t bit = 1u << cpu;

	/*
	 * The mirror gets the same atomic bit operation, not a store of the
	 * mask just computed: two CPUs storing their own results could land
	 * in the wrong order and leave the loader a mask that is not the
	 * vmkernel's (seen: 0x2 after both CPUs came up, so at unload cpu0's
	 * vmkload skipped its give-back hypercall and the pool was freed
	 * under it).
	 */
	if (on)
		__atomic_or_fetch(&vmk_cpus_virtualized, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&vmk_cpus_virtualized, ~bit, __ATOMIC_SEQ_CST);
	if (!vmk_shared)
		return;
	if (on)
		__atomic_or_fetch(&vmk_shared->cpus_virtualized, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&vmk_shared->cpus_virtualized, ~bit, __ATOMIC_SEQ_CST);
}
uint8_t cpu_stacks[VMK_MAX_CPUS][CPU_STACK_SIZE]
	__attribute__((aligned(CPU_STACK_SIZE)));

static volatile uint32_t init_done;
static vmk_status_t init_status;
static uint64_t tsc_at_start;

uint32_t image_va_to_pa(const void *va)
{
	uint32_t off = (uint32_t)(uintptr_t)va - VMK_VBASE;

	return vmk_boot_info.chunk_pa[off >> VMK_CHUNK_SHIFT] +
	       (off & (VMK_CHUNK_SIZE - 1));
}

/*
 * TSC cycles as units of which per_ms make a millisecond, without the
 * 64-bit overflow of cycles * per_ms (for us, 71 days at 3 GHz).
 */
static uint64_t tsc_to(uint64_t cyc, uint64_t khz, uint64_t per_ms)
{
	return cyc / khz * per_ms + cyc % khz * per_ms / khz;
}

uint64_t vmk_time_ns(void)
{
	uint64_t khz = vmk_boot_info.tsc_khz;

	return khz ? tsc_to(rdtsc() - tsc_at_start, khz, 1000000) : 0;
}

uint64_t vmk_time_us(void)
{
	uint64_t khz = vmk_boot_info.tsc_khz;

	return khz ? tsc_to(rdtsc() - tsc_at_start, khz, 1000) : 0;
}

vmk_status_t vmk_alloc_pages(uint32_t npages, uint32_t *pa)
{
	return vmk_alloc_role(npages, POOL_ANY, pa);
}

vmk_status_t vmk_alloc_role(uint32_t npages, enum pool_role role, uint32_t *pa)
{
	vmk_status_t st = pool_alloc_role(&vmk_pool, npages, role, pa);

	if (st == VMK_OK)
		memset(pa_to_va(*pa), 0, npages * VMK_PAGE_SIZE);
	return st;
}

bool vmk_debug_enabled(void)
{
	return vmk_boot_info.flags & VMK_BOOT_DEBUG;
}

void vmk_init_abort(void)
{
	if (!init_done) {
		init_status = VMK_PANICKED;
		__atomic_store_n(&init_done, 1, __ATOMIC_SEQ_CST);
	}
}

static vmk_status_t table_alloc(void *ctx, uint64_t *pa)
{
	uint32_t p;
	vmk_status_t st = vmk_alloc_pages(1, &p);

	(void)ctx;
	*pa = p;
	return st;
}

uint64_t *vmk_table_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return pa_to_va((uint32_t)pa);
}

const struct pae_ops vmk_pool_tables = { table_alloc, vmk_table_ptr, NULL };

/*
 * Map one uncached device page into the vmkernel's own address space
 * (CPU 0 during init, before the other CPUs leave their wait loop, so no
 * TLB holds the page).
 */
vmk_status_t vmk_map_mmio(uint32_t va, uint64_t pa)
{
	struct pae_space own = { &vmk_pool_tables, vmk_boot_info.boot_cr3 };

	return pae_map_4k(&own, va, pa, PAE_RW | PAE_PCD | PAE_PWT);
}

/* The loader placed the image, symbols and boot tables from VMK_VBASE on. */
static vmk_status_t reserve_loader_area(void)
{
	uint32_t end = ALIGN_UP(vmk_boot_info.loader_end_va, VMK_PAGE_SIZE);
	uint32_t va;

	for (va = VMK_VBASE; va < end; va += VMK_CHUNK_SIZE) {
		uint32_t len = MIN(end - va, VMK_CHUNK_SIZE);
		vmk_status_t st = pool_reserve(&vmk_pool,
					       image_va_to_pa((void *)(uintptr_t)va),
					       len >> VMK_PAGE_SHIFT);

		if (st != VMK_OK)
			return st;
	}
	return VMK_OK;
}

static vmk_status_t vmk_init(void)
{
	struct vmk_boot_info *bi = &vmk_boot_info;
	vmk_status_t st;

	tsc_at_start = rdtsc();
	log_init((uint16_t)bi->uart_port);
	if (bi->magic != VMK_BOOT_MAGIC || bi->abi_version != VMK_ABI_VERSION ||
	    bi->ncpus > VMK_MAX_CPUS) {
		log_err("bad boot info (magic %x abi %u)", bi->magic,
			bi->abi_version);
		return VMK_BAD_PARAM;
	}
	vmk_shared = pa_to_va(bi->shared_pa);
	st = pool_init(&vmk_pool, bi->chunk_pa, bi->nchunks);
	if (st == VMK_OK)
		st = reserve_loader_area();
	if (st == VMK_OK) {
		xstate_global_init();
		st = cos_global_init();
	}
	if (st == VMK_OK)
		st = vm_global_init();
	if (st == VMK_OK)
		st = net_global_init();
	if (st == VMK_OK)
		st = apic_global_init();
	if (st == VMK_OK)
		st = sched_global_init();
	if (st == VMK_OK)
		st = service_init();
	if (st == VMK_OK && (bi->flags & VMK_BOOT_TEST_FAIL_INIT)) {
		log_err("failing the init on purpose (vmkload test_fail_init=1)");
		st = VMK_BAD_PARAM;
	}
	if (st != VMK_OK) {
		log_err("init failed: status %d", st);
		return st;
	}
	storage_global_init();
	uplink_global_init();
	vmk_shared->log_pa = log_records_pa(&vmk_shared->log_nrec);
	vmk_state = VMK_STATE_RUNNING;
	vmk_shared->state = VMK_STATE_RUNNING;
	log_info("vmkernel %s (ABI %u): %u CPUs, pool %u MiB, %u KiB free",
		 VMK_VERSION_STRING, VMK_ABI_VERSION, bi->ncpus,
		 (unsigned int)(pool_total_bytes(&vmk_pool) >> 20),
		 (unsigned int)(pool_free_bytes(&vmk_pool) >> 10));
	return VMK_OK;
}

void cpu_entry(struct vmk_launch *l);

void cpu_entry(struct vmk_launch *l)
{
	uint32_t cpu = l->cpu;
	struct cos_vcpu *v = &cos_vcpus[cpu];
	struct world *cos;
	vmk_status_t st;

	v->cpu = cpu;
	v->launch = l;
	v->launch_va = l->self_va;
	v->launch_cr3 = l->cr3;
	desc_load(cpu);
	if (cpu == 0) {
		init_status = vmk_init();
		__atomic_store_n(&init_done, 1, __ATOMIC_SEQ_CST);
	} else {
		while (!__atomic_load_n(&init_done, __ATOMIC_SEQ_CST))
			__builtin_ia32_pause();
	}
	if (init_status != VMK_OK)
		cpu_give_back(v, init_status);
	apic_cpu_init(cpu);
	st = cos_vcpu_init(v);
	if (st != VMK_OK) {
		log_err("cpu%u: SVM setup failed: status %d", cpu, st);
		cpu_give_back(v, st);
	}
	st = world_create(WORLD_COS, "console", &cos_world_ops, v,
			  sched_cos_group(), (int32_t)cpu, &cos);
	if (st != VMK_OK) {
		log_err("cpu%u: no world for the COS vCPU: status %d", cpu, st);
		cpu_give_back(v, st);
	}
	log_info("cpu%u: the COS runs as a guest (vmcb %x)", cpu, v->svm.vmcb_pa);
	if (cpu == 0)
		service_start();
	sched_cpu_run(cpu, cos);
}

void vmk_info_fill(struct vmk_info *info)
{
	uint32_t mask = vmk_cpus_virtualized, n = 0, i;

	info->abi_version = VMK_ABI_VERSION;
	info->state = vmk_state;
	memcpy(info->version, vmk_note.desc.version, VMK_VERSION_LEN);
	for (i = 0; i < vmk_boot_info.ncpus; i++) {
		struct vmk_cpu_info *c = &info->cpu[i];

		c->apic_id = apic_apic_id(i);
		c->state = (mask >> i) & 1;
		n += c->state;
		memcpy(c->exits, cos_vcpus[i].exits, sizeof(c->exits));
		c->exits_total = cos_vcpus[i].exits_total;
		c->intr_forwarded = cos_intr_forwarded(i);
		c->intr_vmkernel = intr_vmkernel_count(i);
	}
	info->ncpus = n;
	sched_info_fill(info);
	info->uptime_us = vmk_time_us();
	info->mem_total = pool_total_bytes(&vmk_pool);
	info->mem_free = pool_free_bytes(&vmk_pool);
	info->npt_violations = cos_npt.violations;
	info->log_seq = log_last_seq();
}
