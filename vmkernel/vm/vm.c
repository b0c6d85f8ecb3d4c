// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects: the VM control hypercalls (include/vmk/vm.h), the life cycle,
 * guest memory and the staged boot images. The vCPU side is vmkernel/vm/vcpu.c.
 */
#include "vmkernel/vm/vm.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/lib/id_table.h"
#include "vmkernel/log/log.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmm/boot/boot.h"

#define COPY_BATCH		256	/* console bytes per copy */
#define RTC_EPOCH		1767225600ull	/* 2026-01-01 00:00 UTC */

#define VM_PAGES		((sizeof(struct vm) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)
_Static_assert(VM_PAGES <= POOL_PAGES_PER_CHUNK, "a struct vm fits one pool chunk");

static void *vm_slots[VMK_VM_ID_MAX];	/* 4 KiB of pointers: the guard */
static struct id_table vm_ids = { .slot = vm_slots, .cap = VMK_VM_ID_MAX };
static struct spinlock vm_table_lock;
static struct pae_space host_space;	/* the vmkernel's own page tables */
static struct spinlock stage_lock;	/* the staging window */

/* ---- page tables: the vmkernel's own (staging) and each VM's NPT ---- */

/* NPT tables are recorded so that power off returns them. */
static vmk_status_t npt_table_alloc(void *ctx, uint64_t *pa)
{
	struct vm *vm = ctx;
	uint32_t p;
	vmk_status_t st;

	if (vm->npt_ntables == VM_NPT_TABLES)
		return VMK_NO_MEMORY;
	st = vmk_alloc_pages(1, &p);
	if (st != VMK_OK)
		return st;
	vm->npt_table_pa[vm->npt_ntables++] = p;
	*pa = p;
	return VMK_OK;
}

vmk_status_t vm_global_init(void)
{
	uint32_t tramp = vmk_boot_info.tramp_exit_va & ~(VMK_PAGE_SIZE - 1);

	host_space.ops = &vmk_pool_tables;
	host_space.pdpt_pa = vmk_boot_info.boot_cr3;
	if (tramp >= VM_STAGE_BASE && tramp < VM_STAGE_END) {
		log_err("the loader's trampoline page %x lies in the VM staging window: VMs cannot be loaded",
			tramp);
		host_space.ops = NULL;
	}
	return vcpu_global_init();
}

uint64_t vm_now_ns(void)
{
	uint64_t tsc = rdtsc(), khz = vmk_boot_info.tsc_khz;

	if (!khz)
		return 0;
	return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static uint64_t clock_now(void *ctx)
{
	(void)ctx;
	return vm_now_ns();
}

/* ---- messages ---- */

/* Log a failure and copy it to the COS's message buffer (ESI). */
static vmk_status_t __attribute__((format(printf, 3, 4)))
fail(const struct hc_call *c, vmk_status_t st, const char *fmt, ...)
{
	char msg[VMK_VM_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s", msg);
	if (c->arg[3])
		cos_write(c->arg[3], msg, sizeof(msg));
	return st;
}

/* ---- the VMs: allocated on demand, found by id ---- */

/* The VM of a COS-supplied id with a reference (vm_put() it), or NULL. */
static struct vm *vm_get(uint32_t id)
{
	struct vm *vm;

	spin_lock(&vm_table_lock);
	vm = idt_get(&vm_ids, id);
	if (vm)
		vm->refs++;
	spin_unlock(&vm_table_lock);
	return vm;
}

static void vm_put(struct vm *vm)
{
	uint32_t left;

	spin_lock(&vm_table_lock);
	left = --vm->refs;
	spin_unlock(&vm_table_lock);
	if (!left)
		pool_free(&vmk_pool, vm->pa, VM_PAGES);
}

/* ---- staged images ---- */

/*
 * The window is remapped for every boot, on whatever CPU boots; another
 * CPU may still cache an older translation of it. Whoever maps it
 * flushes its own TLB after: a CR3 reload drops all non-global entries
 * and the paging-structure caches (APM vol. 2 §5.5.2; the window is not
 * global).
 */
static void stage_tlb_flush(void)
{
	uint32_t cr3;

	asm volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) :: "memory");
}

static uint32_t stage_window(uint32_t what)
{
	return VM_STAGE_BASE + what * VMK_VM_IMG_MAX;
}

/* The window shows vm's kernel and initrd until stage_unmap(). */
static void stage_map(const struct vm *vm)
{
	uint32_t what, i;

	spin_lock(&stage_lock);
	for (what = VMK_VM_IMG_KERNEL; what <= VMK_VM_IMG_INITRD; what++)
		for (i = 0; i < vm->stage[what].nchunks; i++)
			pae_map_2m(&host_space, stage_window(what) + i * VMK_CHUNK_SIZE,
				   vm->stage[what].chunk_pa[i], PAE_RW);
	stage_tlb_flush();
}

static void stage_unmap(const struct vm *vm)
{
	uint32_t what, i;

	for (what = VMK_VM_IMG_KERNEL; what <= VMK_VM_IMG_INITRD; what++)
		for (i = 0; i < vm->stage[what].nchunks; i++)
			pae_unmap_2m(&host_space, stage_window(what) + i * VMK_CHUNK_SIZE);
	spin_unlock(&stage_lock);
}

static void stage_free(struct vm *vm, uint32_t what)
{
	struct vm_stage *s = &vm->stage[what];
	uint32_t i;

	for (i = 0; i < s->nchunks; i++)
		pool_free(&vmk_pool, s->chunk_pa[i], POOL_PAGES_PER_CHUNK);
	s->nchunks = 0;
	s->size = 0;
}

static vmk_status_t stage_alloc(struct hc_call *c, struct vm *vm,
				uint32_t what, uint32_t total)
{
	struct vm_stage *s = &vm->stage[what];

	stage_free(vm, what);
	while (s->nchunks * VMK_CHUNK_SIZE < total) {
		if (pool_alloc(&vmk_pool, POOL_PAGES_PER_CHUNK,
			       &s->chunk_pa[s->nchunks]) != VMK_OK) {
			stage_free(vm, what);
			return fail(c, VMK_NO_MEMORY,
				    "vm '%s': no room to stage a %u KiB image: the vmkernel pool has %u KiB free (vmkload mem_mb=)",
				    vm->cfg.name, total >> 10,
				    (uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
		}
		s->nchunks++;
	}
	s->size = total;
	return VMK_OK;
}

/* A piece from the COS into the staged image, through the identity map. */
static vmk_status_t stage_write(struct vm *vm, uint32_t what, uint32_t offset,
				uint64_t gpa, uint32_t len)
{
	const struct vm_stage *s = &vm->stage[what];
	vmk_status_t st = VMK_OK;

	while (len && st == VMK_OK) {
		uint32_t in = offset & (VMK_CHUNK_SIZE - 1);
		uint32_t n = MIN(len, VMK_CHUNK_SIZE - in);

		st = cos_read(gpa, (uint8_t *)pa_to_va(s->chunk_pa[offset >> VMK_CHUNK_SHIFT]) + in, n);
		offset += n;
		gpa += n;
		len -= n;
	}
	return st;
}

/* ---- guest memory ---- */

void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint32_t len)
{
	uint64_t idx = gpa >> VMK_CHUNK_SHIFT;

	if (idx >= vm->nchunks ||
	    (gpa & (VMK_CHUNK_SIZE - 1)) + len > VMK_CHUNK_SIZE)
		return NULL;
	return (uint8_t *)pa_to_va(vm->chunk_pa[idx]) + (gpa & (VMK_CHUNK_SIZE - 1));
}

static bool gm_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct vm *vm = ctx;

	while (len) {
		uint32_t n = MIN((uint64_t)len,
				 VMK_CHUNK_SIZE - (gpa & (VMK_CHUNK_SIZE - 1)));
		void *p = vm_gpa_ptr(vm, gpa, n);

		if (!p)
			return false;
		if (src) {
			memcpy(p, src, n);
			src = (const uint8_t *)src + n;
		} else {
			memset(p, 0, n);
		}
		gpa += n;
		len -= n;
	}
	return true;
}

static bool gm_zero(void *ctx, uint64_t gpa, size_t len)
{
	return gm_copy(ctx, gpa, NULL, len);
}

/* Every page the VM holds goes back to the pool. */
static void vm_release(struct vm *vm)
{
	uint32_t i;

	for (i = 0; i < vm->cfg.vcpus; i++)
		vcpu_destroy(&vm->vcpu[i]);
	for (i = 0; i < vm->nchunks; i++)
		pool_free(&vmk_pool, vm->chunk_pa[i], POOL_PAGES_PER_CHUNK);
	for (i = 0; i < vm->npt_ntables; i++)
		pool_free(&vmk_pool, vm->npt_table_pa[i], 1);
	vm->nchunks = 0;
	vm->npt_ntables = 0;
}

static vmk_status_t vm_take_memory(struct hc_call *c, struct vm *vm)
{
	static const struct pae_ops npt_ops_template = { npt_table_alloc, vmk_table_ptr, NULL };
	uint32_t want = vm->cfg.mem_mb / (VMK_CHUNK_SIZE >> 20), i;
	vmk_status_t st;

	for (i = 0; i < want; i++) {
		if (pool_alloc(&vmk_pool, POOL_PAGES_PER_CHUNK,
			       &vm->chunk_pa[i]) != VMK_OK) {
			vm->nchunks = i;
			vm_release(vm);
			return fail(c, VMK_NO_MEMORY,
				    "vm '%s' needs %u MiB, the vmkernel pool has %u MiB free (raise vmkload mem_mb or stop a VM)",
				    vm->cfg.name, vm->cfg.mem_mb,
				    i * (VMK_CHUNK_SIZE >> 20));
		}
		vm->nchunks = i + 1;
	}
	/* Guests start from zeroed RAM: nothing of a previous owner shows. */
	for (i = 0; i < vm->nchunks; i++)
		memset(pa_to_va(vm->chunk_pa[i]), 0, VMK_CHUNK_SIZE);

	vm->npt_ops = npt_ops_template;
	vm->npt_ops.ctx = vm;
	st = pae_create(&vm->npt, &vm->npt_ops);
	for (i = 0; st == VMK_OK && i < vm->nchunks; i++)
		st = pae_map_2m(&vm->npt, i * VMK_CHUNK_SIZE, vm->chunk_pa[i],
				PAE_NPT_RAM);
	if (st != VMK_OK) {
		vm_release(vm);
		return fail(c, st, "vm '%s': no memory for its nested page table",
			    vm->cfg.name);
	}
	return VMK_OK;
}

/*
 * A Linux guest cannot calibrate its TSC against the virtual PIT: every
 * port read is an exit (tens of microseconds under TCG), so Linux gives up
 * ("Unable to calibrate against PIT"), marks the TSC unstable and keeps
 * time by counting timer interrupts. The vmkernel knows the TSC's rate
 * (guests read the physical TSC) and hands it over the way the kernel
 * documents for this case, tsc_early_khz=, unless the .vmx's command line
 * sets it already.
 */
static const char *linux_cmdline(struct vm *vm)
{
	if (strstr(vm->cmdline, "tsc_early_khz=") || !vmk_boot_info.tsc_khz)
		return vm->cmdline;
	fmt_snprintf(vm->boot_cmdline, sizeof(vm->boot_cmdline), "%s%stsc_early_khz=%u",
		     vm->cmdline, vm->cmdline[0] ? " " : "", vmk_boot_info.tsc_khz);
	return vm->boot_cmdline;
}

/* The boot loader reads the staged images through the shared window. */
static struct boot_result vm_boot_load(struct vm *vm, struct guest_mem *mem)
{
	const uint8_t *kernel = (const uint8_t *)(uintptr_t)stage_window(VMK_VM_IMG_KERNEL);
	const uint8_t *initrd = (const uint8_t *)(uintptr_t)stage_window(VMK_VM_IMG_INITRD);
	struct boot_result r;

	stage_map(vm);
	if (vm->cfg.boot == VMK_VM_BOOT_LINUX) {
		struct linux_boot_args a = {
			.kernel = kernel, .kernel_len = vm->stage[0].size,
			.initrd = vm->stage[1].size ? initrd : NULL,
			.initrd_len = vm->stage[1].size,
			.cmdline = linux_cmdline(vm),
		};
		r = linux_boot_load(mem, &a);
	} else {
		struct multiboot_module mod = {
			.data = initrd, .len = vm->stage[1].size, .string = "module",
		};
		struct multiboot_args a = {
			.kernel = kernel, .kernel_len = vm->stage[0].size,
			.cmdline = vm->cmdline,
			.modules = &mod, .nr_modules = vm->stage[1].size ? 1 : 0,
		};
		r = multiboot_load(mem, &a);
	}
	stage_unmap(vm);
	return r;
}

/* Devices reset, images loaded into RAM, vCPUs at their boot state. */
static vmk_status_t vm_boot(struct hc_call *c, struct vm *vm)
{
	struct vdev_config cfg = {
		.nr_vcpus = vm->cfg.vcpus,
		.ram_size = (uint64_t)vm->cfg.mem_mb << 20,
		.clock = { clock_now, NULL },
		.rtc_epoch = RTC_EPOCH,
		.debug_exit = vm->cfg.devices & VMK_VM_DEV_DEBUG_EXIT,
	};
	struct guest_mem mem = {
		.ctx = vm, .ram_size = cfg.ram_size,
		.write = gm_copy, .zero = gm_zero,
	};
	struct boot_result r;
	uint32_t i;

	if (vdev_init(&vm->dev, &cfg) != VDEV_OK)
		return fail(c, VMK_BAD_PARAM, "vm '%s': the virtual platform refused %u vCPUs",
			    vm->cfg.name, vm->cfg.vcpus);
	r = vm_boot_load(vm, &mem);
	if (r.status != BOOT_OK)
		return fail(c, VMK_BAD_PARAM, "vm '%s': boot loader: %s",
			    vm->cfg.name, r.msg);
	if (mptable_write(&mem, vm->cfg.vcpus, vm->dev.ioapic.id,
			  IOAPIC_BASE) != BOOT_OK)
		return fail(c, VMK_BAD_PARAM, "vm '%s': no room for the MP table",
			    vm->cfg.name);
	if (acpi_write(&mem, vm->cfg.vcpus, vm->dev.ioapic.id,
		       IOAPIC_BASE) != BOOT_OK)
		return fail(c, VMK_BAD_PARAM, "vm '%s': no room for the ACPI tables",
			    vm->cfg.name);
	for (i = 0; i < vm->cfg.vcpus; i++)
		vcpu_reset(&vm->vcpu[i], &r.entry);
	return VMK_OK;
}

/* ---- life cycle ---- */

void vm_stop_locked(struct vm *vm, uint32_t state, const char *fmt, ...)
{
	va_list ap;

	if (vm->state != VMK_VM_STATE_RUNNING)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	va_end(ap);
	vm->state = state;
	vm->reset_pending = false;
	if (state == VMK_VM_STATE_ERROR)
		log_err("vm %u '%s' stopped: %s", vm->id, vm->cfg.name, vm->reason);
	else
		log_info("vm %u '%s' off: %s", vm->id, vm->cfg.name, vm->reason);
	if (!vm->active)
		vm_release(vm);
}

static void vm_do_reset(struct vm *vm)
{
	struct hc_call c = { .arg = { 0, 0, 0, 0 } };
	uint32_t i;

	vm->reset_pending = false;
	for (i = 0; i < vm->nchunks; i++)
		memset(pa_to_va(vm->chunk_pa[i]), 0, VMK_CHUNK_SIZE);
	if (vm_boot(&c, vm) != VMK_OK) {
		vm_stop_locked(vm, VMK_VM_STATE_ERROR, "reset: the boot images no longer load");
		return;
	}
	vm->power_ons++;
	vm->power_on_us = vmk_time_us();
	vm_wake_vcpus_locked(vm, true);
	log_info("vm %u '%s' reset", vm->id, vm->cfg.name);
}

void vm_request_reset_locked(struct vm *vm)
{
	if (vm->state != VMK_VM_STATE_RUNNING)
		return;
	vm->reset_pending = true;
	if (!vm->active)
		vm_do_reset(vm);
}

void vm_vcpu_left_locked(struct vm *vm)
{
	if (vm->active)
		return;
	if (vm->state != VMK_VM_STATE_RUNNING && vm->nchunks)
		vm_release(vm);
	else if (vm->reset_pending)
		vm_do_reset(vm);
}

/* ---- vCPU worlds ---- */

static const struct world_ops vcpu_world_ops = { .run = vcpu_world_run };

/* WORLD_ANY_CPU, or the one CPU of the affinity mask (checked at create). */
static int32_t vm_pinned_cpu(const struct vm *vm)
{
	uint32_t mask = vm->cfg.sched_affinity, all = (1u << vmk_boot_info.ncpus) - 1;

	if (!mask || (mask & all) == all)
		return WORLD_ANY_CPU;
	return __builtin_ctz(mask);
}

/* At power on, vm->lock held: the VM's group (admission control) and one
 * world per vCPU, not started yet. */
static vmk_status_t vm_worlds_create(struct hc_call *c, struct vm *vm)
{
	struct sched_alloc a = {
		.shares = vm->cfg.sched_shares,
		.min_pct = vm->cfg.sched_min_pct,
		.max_pct = vm->cfg.sched_max_pct ? vm->cfg.sched_max_pct : SCHED_UNLIMITED,
	};
	char name[VMK_WORLD_NAME_LEN];
	const char *why;
	vmk_status_t st;
	uint32_t i;

	st = sched_group_create(vm->cfg.name, &a, vm->cfg.vcpus, &vm->group, &why);
	if (st != VMK_OK) {
		vm->group = NULL;
		return fail(c, st, "vm '%s' cannot power on: %s", vm->cfg.name, why);
	}
	for (i = 0; i < vm->cfg.vcpus; i++) {
		fmt_snprintf(name, sizeof(name), "%s.%u", vm->cfg.name, i);
		st = world_create(WORLD_VM, name, &vcpu_world_ops, &vm->vcpu[i],
				  vm->group, vm_pinned_cpu(vm), &vm->vcpu[i].world);
		if (st != VMK_OK) {
			vm->vcpu[i].world = NULL;
			return fail(c, st, "vm '%s' cannot power on: no world for vCPU %u (all %u vCPU worlds are in use)",
				    vm->cfg.name, i, WORLD_MAX_VCPU_WORLDS);
		}
	}
	return VMK_OK;
}

/*
 * The worlds and group of a VM that is not running go. Its worlds are
 * blocked or about to block, so world_destroy() waits at most until one
 * leaves its CPU. Not with vm->lock held: a leaving world takes it.
 */
static void vm_worlds_reap(struct vm *vm)
{
	struct world *w[VMK_VM_MAX_VCPUS];
	struct sched_group *g;
	uint32_t i;

	spin_lock(&vm->lock);
	if (vm->state == VMK_VM_STATE_RUNNING) {
		spin_unlock(&vm->lock);
		return;
	}
	for (i = 0; i < VMK_VM_MAX_VCPUS; i++) {
		w[i] = vm->vcpu[i].world;
		vm->vcpu[i].world = NULL;
	}
	g = vm->group;
	vm->group = NULL;
	spin_unlock(&vm->lock);
	for (i = 0; i < VMK_VM_MAX_VCPUS; i++)
		if (w[i])
			world_destroy(w[i]);
	if (g)
		sched_group_destroy(g);
}

void vm_reap_all(void)
{
	struct vm *vm;
	uint32_t id = 1;

	for (;;) {
		spin_lock(&vm_table_lock);
		id = idt_next(&vm_ids, id);
		vm = idt_get(&vm_ids, id);
		if (vm)
			vm->refs++;
		spin_unlock(&vm_table_lock);
		if (!vm)
			return;
		vm_worlds_reap(vm);
		vm_put(vm);
		id++;
	}
}

/* ---- hypercalls ---- */

/* The id of the VM named name, 0: none. vm_table_lock held. */
static uint32_t vm_named_locked(const char *name)
{
	uint32_t id;

	for (id = idt_next(&vm_ids, 1); id; id = idt_next(&vm_ids, id + 1))
		if (!strcmp(((struct vm *)idt_get(&vm_ids, id))->cfg.name, name))
			return id;
	return 0;
}

static vmk_status_t hc_create(struct hc_call *c)
{
	struct vmk_vm_config cfg;
	struct vm *vm;
	vmk_status_t st;
	uint32_t pa, other;

	st = cos_read(c->arg[0], &cfg, sizeof(cfg));
	if (st != VMK_OK)
		return st;
	cfg.name[VMK_VM_NAME_LEN - 1] = '\0';
	if (!cfg.name[0])
		return fail(c, VMK_BAD_PARAM, "a VM needs a name");
	if (cfg.mem_mb < VMK_VM_MIN_MEM_MB || cfg.mem_mb > VMK_VM_MAX_MEM_MB)
		return fail(c, VMK_BAD_PARAM, "vm '%s': memory %u MiB out of range (%u..%u)",
			    cfg.name, cfg.mem_mb, VMK_VM_MIN_MEM_MB, VMK_VM_MAX_MEM_MB);
	if (cfg.vcpus < 1 || cfg.vcpus > VMK_VM_MAX_VCPUS)
		return fail(c, VMK_BAD_PARAM, "vm '%s': %u vCPUs out of range (1..%u)",
			    cfg.name, cfg.vcpus, VMK_VM_MAX_VCPUS);
	if (cfg.boot != VMK_VM_BOOT_LINUX && cfg.boot != VMK_VM_BOOT_MULTIBOOT)
		return fail(c, VMK_BAD_PARAM, "vm '%s': unknown boot kind %u",
			    cfg.name, cfg.boot);
	if (cfg.devices & ~VMK_VM_DEV_DEBUG_EXIT)
		return fail(c, VMK_BAD_PARAM, "vm '%s': unknown optional devices %x",
			    cfg.name, cfg.devices & ~VMK_VM_DEV_DEBUG_EXIT);
	if (cfg.sched_max_pct && cfg.sched_min_pct > cfg.sched_max_pct)
		return fail(c, VMK_BAD_PARAM, "vm '%s': reservation %u%% above its limit %u%%",
			    cfg.name, cfg.sched_min_pct, cfg.sched_max_pct);
	if (cfg.sched_affinity &&
	    (cfg.sched_affinity & ((1u << vmk_boot_info.ncpus) - 1)) != cfg.sched_affinity)
		return fail(c, VMK_BAD_PARAM, "vm '%s': CPU affinity %x names CPUs this machine lacks (it has %u)",
			    cfg.name, cfg.sched_affinity, vmk_boot_info.ncpus);
	if (cfg.sched_affinity & (cfg.sched_affinity - 1) &&
	    cfg.sched_affinity != (1u << vmk_boot_info.ncpus) - 1)
		return fail(c, VMK_NOT_SUPPORTED, "vm '%s': CPU affinity %x: a VM runs on one CPU or on all of them",
			    cfg.name, cfg.sched_affinity);
	if (!host_space.ops)
		return fail(c, VMK_NOT_SUPPORTED, "VMs are unavailable: see the vmkernel log");
	cfg.mem_mb = ALIGN_UP(cfg.mem_mb, VMK_CHUNK_SIZE >> 20);
	if (!cfg.sched_shares)
		cfg.sched_shares = 1000 * cfg.vcpus;

	if (vmk_alloc_pages(VM_PAGES, &pa) != VMK_OK)
		return fail(c, VMK_NO_MEMORY, "vm '%s': no room for its %u KiB of state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or destroy a VM)",
			    cfg.name, (uint32_t)(VM_PAGES * VMK_PAGE_SIZE) >> 10,
			    (uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	vm = pa_to_va(pa);
	vm->pa = pa;
	vm->refs = 1;			/* the id table's */
	vm->cfg = cfg;
	vm->state = VMK_VM_STATE_OFF;
	spin_lock(&vm_table_lock);
	other = vm_named_locked(cfg.name);
	if (!other)
		vm->id = idt_alloc(&vm_ids, vm);
	spin_unlock(&vm_table_lock);
	if (!vm->id) {
		pool_free(&vmk_pool, pa, VM_PAGES);
		if (other)
			return fail(c, VMK_BUSY, "a VM named '%s' exists already (id %u)",
				    cfg.name, other);
		return fail(c, VMK_BUSY, "vm '%s': all %u VM ids are in use (destroy a VM)",
			    cfg.name, VMK_VM_ID_MAX);
	}
	log_info("vm %u '%s' created: %u MiB, %u vCPUs, %s boot", vm->id,
		 cfg.name, cfg.mem_mb, cfg.vcpus,
		 cfg.boot == VMK_VM_BOOT_LINUX ? "Linux" : "Multiboot");
	c->result = vm->id;
	return VMK_OK;
}

/* vm->lock held: power on (which reads the images) and loads exclude each other. */
static vmk_status_t load_locked(struct hc_call *c, struct vm *vm,
				const struct vmk_vm_load *l)
{
	vmk_status_t st;

	if (vm->destroyed)
		return fail(c, VMK_BAD_PARAM, "no VM with id %u", vm->id);
	if (vm->state == VMK_VM_STATE_RUNNING || vm->nchunks)
		return fail(c, VMK_BUSY, "vm '%s' is running: power it off before loading",
			    vm->cfg.name);
	if (l->what >= VMK_VM_IMG_KINDS || l->offset > l->total ||
	    l->len > l->total - l->offset)
		return fail(c, VMK_BAD_PARAM, "vm '%s': bad load request", vm->cfg.name);
	if (l->what == VMK_VM_IMG_CMDLINE) {
		if (l->total >= VM_CMDLINE_MAX)
			return fail(c, VMK_BAD_PARAM, "vm '%s': command line longer than %u bytes",
				    vm->cfg.name, VM_CMDLINE_MAX - 1);
		st = cos_read(l->data_gpa, vm->cmdline + l->offset, l->len);
		vm->cmdline[l->total] = '\0';
		return st;
	}
	if (l->total > VMK_VM_IMG_MAX)
		return fail(c, VMK_BAD_PARAM, "vm '%s': %s of %u KiB is larger than %u KiB",
			    vm->cfg.name, l->what ? "initrd" : "kernel", l->total >> 10,
			    VMK_VM_IMG_MAX >> 10);
	if (l->offset == 0) {
		st = stage_alloc(c, vm, l->what, l->total);
		if (st != VMK_OK)
			return st;
	} else if (l->total != vm->stage[l->what].size) {
		return fail(c, VMK_BAD_PARAM, "vm '%s': load pieces disagree on the size",
			    vm->cfg.name);
	}
	return stage_write(vm, l->what, l->offset, l->data_gpa, l->len);
}

static vmk_status_t hc_load(struct hc_call *c)
{
	struct vmk_vm_load l;
	struct vm *vm;
	vmk_status_t st;

	st = cos_read(c->arg[0], &l, sizeof(l));
	if (st != VMK_OK)
		return st;
	vm = vm_get(l.id);
	if (!vm)
		return fail(c, VMK_BAD_PARAM, "no VM with id %u", l.id);
	spin_lock(&vm->lock);
	st = load_locked(c, vm, &l);
	spin_unlock(&vm->lock);
	vm_put(vm);
	return st;
}

static vmk_status_t power_on(struct hc_call *c, struct vm *vm)
{
	vmk_status_t st;
	uint32_t i;

	vm_worlds_reap(vm);	/* of its last run */
	spin_lock(&vm->lock);
	if (vm->destroyed) {
		spin_unlock(&vm->lock);
		return fail(c, VMK_BAD_PARAM, "no VM with id %u", vm->id);
	}
	if (vm->state == VMK_VM_STATE_RUNNING || vm->active || vm->nchunks) {
		spin_unlock(&vm->lock);
		return fail(c, VMK_BUSY, "vm '%s' is running already", vm->cfg.name);
	}
	if (!vm->stage[VMK_VM_IMG_KERNEL].size) {
		spin_unlock(&vm->lock);
		return fail(c, VMK_BAD_PARAM, "vm '%s' has no kernel loaded", vm->cfg.name);
	}
	st = vm_take_memory(c, vm);
	for (i = 0; st == VMK_OK && i < vm->cfg.vcpus; i++) {
		st = vcpu_create(&vm->vcpu[i], vm, i);
		if (st != VMK_OK)
			fail(c, st, "vm '%s': no memory for vCPU %u", vm->cfg.name, i);
	}
	if (st == VMK_OK)
		st = vm_boot(c, vm);
	if (st == VMK_OK)
		st = vm_worlds_create(c, vm);
	if (st != VMK_OK) {
		vm_release(vm);
		spin_unlock(&vm->lock);
		vm_worlds_reap(vm);
		return st;
	}
	vm->reason[0] = '\0';
	vm->state = VMK_VM_STATE_RUNNING;
	vm->power_ons++;
	vm->power_on_us = vmk_time_us();
	for (i = 0; i < vm->cfg.vcpus; i++)
		sched_start(vm->vcpu[i].world);
	spin_unlock(&vm->lock);
	log_info("vm %u '%s' powered on: %u MiB, %u vCPUs, pool %u KiB free",
		 vm->id, vm->cfg.name, vm->cfg.mem_mb, vm->cfg.vcpus,
		 (uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	return VMK_OK;
}

static vmk_status_t hc_power_on(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	vmk_status_t st;

	if (!vm)
		return fail(c, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	st = power_on(c, vm);
	vm_put(vm);
	return st;
}

static vmk_status_t hc_kill(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);

	if (!vm)
		return VMK_BAD_PARAM;
	spin_lock(&vm->lock);
	vm_stop_locked(vm, VMK_VM_STATE_OFF, "killed from the COS");
	spin_unlock(&vm->lock);
	vm_worlds_reap(vm);
	vm_put(vm);
	return VMK_OK;
}

/*
 * The RUNNING VM named by arg 0, returned with vm->lock held and a
 * reference (unlock, then vm_put()); else why not.
 */
static vmk_status_t lock_running(struct hc_call *c, struct vm **out)
{
	struct vm *vm = vm_get(c->arg[0]);

	if (!vm)
		return fail(c, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	spin_lock(&vm->lock);
	if (vm->state != VMK_VM_STATE_RUNNING) {
		spin_unlock(&vm->lock);
		fail(c, VMK_BAD_PARAM, "vm '%s' is not running", vm->cfg.name);
		vm_put(vm);
		return VMK_BAD_PARAM;
	}
	*out = vm;
	return VMK_OK;
}

static vmk_status_t hc_reset(struct hc_call *c)
{
	struct vm *vm;
	vmk_status_t st = lock_running(c, &vm);

	if (st != VMK_OK)
		return st;
	vm_request_reset_locked(vm);
	spin_unlock(&vm->lock);
	vm_put(vm);
	return VMK_OK;
}

/* Out of the id table; the memory goes when the last user lets go. */
static vmk_status_t destroy(struct vm *vm)
{
	vm_worlds_reap(vm);
	spin_lock(&vm->lock);
	if (vm->destroyed) {
		spin_unlock(&vm->lock);
		return VMK_BAD_PARAM;
	}
	if (vm->state == VMK_VM_STATE_RUNNING || vm->active || vm->nchunks) {
		spin_unlock(&vm->lock);
		return VMK_BUSY;
	}
	vm->destroyed = true;
	stage_free(vm, VMK_VM_IMG_KERNEL);
	stage_free(vm, VMK_VM_IMG_INITRD);
	log_info("vm %u '%s' destroyed", vm->id, vm->cfg.name);
	spin_unlock(&vm->lock);
	spin_lock(&vm_table_lock);
	idt_free(&vm_ids, vm->id);
	spin_unlock(&vm_table_lock);
	vm_put(vm);			/* the id table's */
	return VMK_OK;
}

static vmk_status_t hc_destroy(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	vmk_status_t st;

	if (!vm)
		return VMK_BAD_PARAM;
	st = destroy(vm);
	vm_put(vm);
	return st;
}

static vmk_status_t hc_info(struct hc_call *c)
{
	struct vm *vm;
	struct vmk_vm_info info;
	uint32_t i;

	if (c->arg[2] < sizeof(info))
		return VMK_BAD_PARAM;
	vm = vm_get(c->arg[0]);
	if (!vm)
		return VMK_BAD_PARAM;
	vm_worlds_reap(vm);	/* a stopped VM's worlds leave vmkctl status */
	memset(&info, 0, sizeof(info));
	spin_lock(&vm->lock);
	info.id = vm->id;
	info.state = vm->state;
	memcpy(info.name, vm->cfg.name, sizeof(info.name));
	info.mem_mb = vm->cfg.mem_mb;
	info.vcpus = vm->cfg.vcpus;
	info.boot = vm->cfg.boot;
	info.sched_shares = vm->cfg.sched_shares;
	info.sched_min_pct = vm->cfg.sched_min_pct;
	info.sched_max_pct = vm->cfg.sched_max_pct;
	info.sched_affinity = vm->cfg.sched_affinity;
	info.power_ons = vm->power_ons;
	for (i = 0; i < vm->cfg.vcpus; i++)
		if (vm->vcpu[i].state == VCPU_HALTED)
			info.vcpus_halted |= 1u << i;
	if (vmk_boot_info.tsc_khz)
		info.cpu_time_us = vm->cpu_time_tsc * 1000 / vmk_boot_info.tsc_khz;
	if (vm->state == VMK_VM_STATE_RUNNING)
		info.uptime_us = vmk_time_us() - vm->power_on_us;
	memcpy(info.exits, vm->exits, sizeof(info.exits));
	info.exits_total = vm->exits_total;
	if (vm->power_ons)
		info.console_dropped = vm->dev.uart[0].tx_dropped;
	info.mem_pages = vm->nchunks * POOL_PAGES_PER_CHUNK + vm->npt_ntables;
	for (i = 0; i < vm->cfg.vcpus && vm->nchunks; i++)
		info.mem_pages += 1;	/* its VMCB */
	memcpy(info.reason, vm->reason, sizeof(info.reason));
	spin_unlock(&vm->lock);
	vm_put(vm);
	c->result = sizeof(info);
	return cos_write(c->arg[1], &info, sizeof(info));
}

/* One page of the VMs' ids; the request is read once, then trusted. */
static vmk_status_t hc_list(struct hc_call *c)
{
	struct vmk_vm_list list;
	vmk_status_t st;

	memset(&list, 0, sizeof(list));
	st = cos_read(c->arg[0], &list, offsetof(struct vmk_vm_list, count));
	if (st != VMK_OK)
		return st;
	if (!list.max || list.max > VMK_VM_LIST_MAX || list.start > VMK_VM_ID_MAX)
		return VMK_BAD_PARAM;
	spin_lock(&vm_table_lock);
	list.count = idt_page(&vm_ids, list.start, list.id, list.max, &list.next);
	spin_unlock(&vm_table_lock);
	c->result = list.count;
	return cos_write(c->arg[0], &list, sizeof(list));
}

static vmk_status_t hc_console_read(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	uint8_t buf[COPY_BATCH];
	uint32_t gpa = c->arg[1], room = c->arg[2], n;
	vmk_status_t st = VMK_OK;

	c->result = 0;
	if (!vm)
		return VMK_BAD_PARAM;
	while (vm->power_ons && room && st == VMK_OK) {
		spin_lock(&vm->lock);
		n = (uint32_t)uart_tx_drain(&vm->dev.uart[0], buf, MIN(room, COPY_BATCH));
		spin_unlock(&vm->lock);
		if (!n)
			break;
		st = cos_write(gpa, buf, n);
		gpa += n;
		room -= n;
		c->result += n;
	}
	vm_put(vm);
	return st;
}

static vmk_status_t hc_console_write(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	uint8_t buf[COPY_BATCH];
	uint32_t len = MIN(c->arg[2], COPY_BATCH);
	vmk_status_t st;

	c->result = 0;
	if (!vm)
		return VMK_BAD_PARAM;
	st = cos_read(c->arg[1], buf, len);
	if (st == VMK_OK) {
		spin_lock(&vm->lock);
		if (vm->state == VMK_VM_STATE_RUNNING) {
			c->result = (uint32_t)uart_rx_feed(&vm->dev.uart[0], buf, len);
			vm_wake_vcpus_locked(vm, false);	/* its UART interrupt */
		}
		spin_unlock(&vm->lock);
	}
	vm_put(vm);
	return st;
}

/*
 * Graceful stop: press the ACPI power button; the guest's OS decides and
 * powers off through PM1a (the VM then goes OFF as for a guest poweroff).
 * Refused, with nothing changed, when the guest has not enabled the button.
 */
static vmk_status_t hc_stop(struct hc_call *c)
{
	struct vm *vm;
	vmk_status_t st = lock_running(c, &vm);
	bool pressed;

	if (st != VMK_OK)
		return st;
	pressed = power_button_press(&vm->dev.power);
	if (pressed)
		vm_wake_vcpus_locked(vm, false);	/* the SCI */
	spin_unlock(&vm->lock);
	if (pressed)
		log_info("vm %u '%s': power button pressed", vm->id, vm->cfg.name);
	else
		st = fail(c, VMK_NOT_SUPPORTED,
			  "vm '%s' has no ACPI power button handler (booted with acpi=off, or not up yet?): use vmkctl vm kill",
			  vm->cfg.name);
	vm_put(vm);
	return st;
}

typedef vmk_status_t (*vm_hc_t)(struct hc_call *c);

static const vm_hc_t vm_hc_table[VMK_HC_VM_LAST - VMK_HC_VM_FIRST + 1] = {
	[VMK_HC_VM_CREATE - VMK_HC_VM_FIRST] = hc_create,
	[VMK_HC_VM_LOAD - VMK_HC_VM_FIRST] = hc_load,
	[VMK_HC_VM_POWER_ON - VMK_HC_VM_FIRST] = hc_power_on,
	[VMK_HC_VM_STOP - VMK_HC_VM_FIRST] = hc_stop,
	[VMK_HC_VM_KILL - VMK_HC_VM_FIRST] = hc_kill,
	[VMK_HC_VM_RESET - VMK_HC_VM_FIRST] = hc_reset,
	[VMK_HC_VM_DESTROY - VMK_HC_VM_FIRST] = hc_destroy,
	[VMK_HC_VM_INFO - VMK_HC_VM_FIRST] = hc_info,
	[VMK_HC_VM_LIST - VMK_HC_VM_FIRST] = hc_list,
	[VMK_HC_VM_CONSOLE_READ - VMK_HC_VM_FIRST] = hc_console_read,
	[VMK_HC_VM_CONSOLE_WRITE - VMK_HC_VM_FIRST] = hc_console_write,
};

vmk_status_t vm_hypercall(struct hc_call *c)
{
	if (c->nr < VMK_HC_VM_FIRST || c->nr > VMK_HC_VM_LAST)
		return VMK_NOT_SUPPORTED;
	return vm_hc_table[c->nr - VMK_HC_VM_FIRST](c);
}
