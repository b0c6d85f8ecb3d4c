// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects: the life cycle (create, stop, reset, destroy), references
 * and the id table, and the vCPU worlds. Guest memory and staging are
 * vm_mem.c, booting vm_boot.c, the COS's requests vm_hypercall.c, the
 * vCPU side vcpu.c.
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/lib/id_table.h"
#include "vmkernel/log/log.h"
#include "vmkernel/storage/rdm.h"

#define VM_PAGES		((sizeof(struct vm) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)
_Static_assert(VM_PAGES <= POOL_PAGES_PER_CHUNK, "a struct vm fits one pool chunk");

/*
 * The VM table. Locking rules, for a COS that passes hostile or stale ids:
 * - vm_table_lock guards vm_ids: every slot's VM pointer, generation and
 *   reference count. Nothing else is taken under it.
 * - The only way from an id to a VM is vm_get(): under the lock it checks
 *   the id's slot and generation (lib/id_table.h) and takes a reference,
 *   which the caller drops with vm_put() when done. A stale id, one whose
 *   VM was destroyed, misses even after its slot holds another VM.
 * - A struct vm comes zeroed from the pool before it enters the table and
 *   goes back to the pool only at the vm_put() that drops its last
 *   reference after vm_destroy(): no CPU holds its lock or a pointer to it
 *   then. A slot is handed out again only once no reference is left.
 * - A VM's vCPU worlds hold no reference: vm_destroy() marks the VM
 *   destroyed (no load or power on from then on) and reaps its worlds
 *   before it takes the VM out of the table.
 */
static struct id_slot vm_slots[VMK_VM_ID_MAX];	/* 12 KiB: the guard */
static struct id_table vm_ids = { .slot = vm_slots, .cap = VMK_VM_ID_MAX };
static struct spinlock vm_table_lock;

vmk_status_t vm_global_init(void)
{
	vm_stage_init();
	vm_scrub_start();
	return vcpu_global_init();
}

uint64_t vm_now_ns(void)
{
	uint64_t tsc = rdtsc(), khz = vmk_boot_info.tsc_khz;

	if (!khz)
		return 0;
	return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

/* ---- the VMs: allocated on demand, found by id ---- */

struct vm *vm_get(uint32_t id)
{
	struct vm *vm;

	spin_lock(&vm_table_lock);
	vm = idt_get(&vm_ids, id);
	spin_unlock(&vm_table_lock);
	return vm;
}

void vm_put(struct vm *vm)
{
	bool last;

	spin_lock(&vm_table_lock);
	last = idt_put(&vm_ids, vm->id);
	spin_unlock(&vm_table_lock);
	if (last)
		pool_free(&vmk_pool, vm->pa, VM_PAGES);
}

/* The id of the VM named name, 0: none. vm_table_lock held. */
static uint32_t vm_named_locked(const char *name)
{
	uint32_t id;

	for (id = idt_next(&vm_ids, 1); id; id = idt_next(&vm_ids, idt_index(id) + 1))
		if (!strcmp(((struct vm *)idt_find(&vm_ids, id))->cfg.name, name))
			return id;
	return 0;
}

vmk_status_t vm_create(const struct vmk_vm_config *cfg, uint32_t *id, struct vmk_why *why)
{
	struct vm *vm;
	uint32_t pa, other;

	if (!vm_stage_usable())
		return why_fail(why, VMK_NOT_SUPPORTED, "VMs are unavailable: see the vmkernel log");
	if (vmk_alloc_pages(VM_PAGES, &pa) != VMK_OK)
		return why_fail(why, VMK_NO_MEMORY, "vm '%s': no room for its %u KiB of state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or destroy a VM)",
				cfg->name, (uint32_t)(VM_PAGES * VMK_PAGE_SIZE) >> 10,
				(uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	vm = pa_to_va(pa);
	vm->pa = pa;
	vm->cfg = *cfg;
	vm->state = VMK_VM_STATE_OFF;
	vm->domain = svm_domain_new();	/* ids are reused, domains are not */
	spin_lock(&vm_table_lock);
	other = vm_named_locked(cfg->name);
	if (!other)
		vm->id = idt_alloc(&vm_ids, vm);
	spin_unlock(&vm_table_lock);
	if (!vm->id) {
		pool_free(&vmk_pool, pa, VM_PAGES);
		if (other)
			return why_fail(why, VMK_BUSY, "a VM named '%s' exists already (id %u)",
					cfg->name, other);
		return why_fail(why, VMK_BUSY, "vm '%s': all %u VM ids are in use (destroy a VM)",
				cfg->name, VMK_VM_ID_MAX);
	}
	log_info("vm %u '%s' created: %u MiB, %u vCPUs, %s boot", vm->id,
		 cfg->name, cfg->mem_mb, cfg->vcpus,
		 cfg->boot == VMK_VM_BOOT_LINUX ? "Linux" :
		 cfg->boot == VMK_VM_BOOT_BIOS ? "BIOS" : "Multiboot");
	*id = vm->id;
	return VMK_OK;
}

uint32_t vm_list_page(uint32_t start, uint32_t *id, uint32_t max, uint32_t *next)
{
	uint32_t count;

	spin_lock(&vm_table_lock);
	count = idt_page(&vm_ids, start, id, max, next);
	spin_unlock(&vm_table_lock);
	return count;
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

vmk_status_t vm_destroy(struct vm *vm)
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
	vm->destroyed = true;		/* no load, no power on: no new worlds */
	spin_unlock(&vm->lock);
	vm_worlds_reap(vm);		/* of a power on since the first reap */
	spin_lock(&vm->lock);
	vm_stage_free(vm, VMK_VM_IMG_KERNEL);
	vm_stage_free(vm, VMK_VM_IMG_INITRD);
	vm_stage_free(vm, VMK_VM_IMG_FIRMWARE);
	vm_stage_free(vm, VMK_VM_IMG_OPTROM);
	log_info("vm %u '%s' destroyed", vm->id, vm->cfg.name);
	spin_unlock(&vm->lock);
	spin_lock(&vm_table_lock);
	idt_remove(&vm_ids, vm->id);	/* the caller's reference frees it */
	spin_unlock(&vm_table_lock);
	return VMK_OK;
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
vmk_status_t vm_worlds_create(struct vm *vm, struct vmk_why *why)
{
	struct sched_alloc a = {
		.shares = vm->cfg.sched_shares,
		.min_pct = vm->cfg.sched_min_pct,
		.max_pct = vm->cfg.sched_max_pct ? vm->cfg.sched_max_pct : SCHED_UNLIMITED,
	};
	char name[VMK_WORLD_NAME_LEN];
	struct vmk_why refusal = { "" };
	vmk_status_t st;
	uint32_t i;

	st = sched_group_create(vm->cfg.name, &a, vm->cfg.vcpus, &vm->group, &refusal);
	if (st != VMK_OK) {
		vm->group = NULL;
		return why_fail(why, st, "vm '%s' cannot power on: %s", vm->cfg.name,
				refusal.text);
	}
	for (i = 0; i < vm->cfg.vcpus; i++) {
		fmt_snprintf(name, sizeof(name), "%s.%u", vm->cfg.name, i);
		st = world_create(WORLD_VM, name, &vcpu_world_ops, &vm->vcpu[i],
				  vm->group, vm_pinned_cpu(vm), &vm->vcpu[i].world);
		if (st != VMK_OK) {
			vm->vcpu[i].world = NULL;
			return why_fail(why, st, "vm '%s' cannot power on: no world for vCPU %u (all %u vCPU worlds are in use)",
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
void vm_worlds_reap(struct vm *vm)
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

/* The first VM in a slot from slot on, with a reference (vm_put() it), or NULL. */
static struct vm *vm_get_from(uint32_t slot)
{
	struct vm *vm;

	spin_lock(&vm_table_lock);
	vm = idt_get(&vm_ids, idt_next(&vm_ids, slot));
	spin_unlock(&vm_table_lock);
	return vm;
}

void vm_reap_all(void)
{
	struct vm *vm;
	uint32_t slot = 1;

	while ((vm = vm_get_from(slot))) {
		vm_worlds_reap(vm);
		slot = idt_index(vm->id) + 1;
		vm_put(vm);
	}
}

bool vm_maps_lun_raw(uint32_t target, uint32_t lun, char *name, uint32_t len)
{
	struct vm *vm;
	uint32_t slot = 1;
	bool found = false;

	while (!found && (vm = vm_get_from(slot))) {
		found = rdm_cfg_disk(&vm->cfg, target, lun) >= 0;
		if (found)
			fmt_snprintf(name, len, "%s", vm->cfg.name);
		slot = idt_index(vm->id) + 1;
		vm_put(vm);
	}
	return found;
}

/* ---- while the COS is down (cos/cos_down.h) ---- */

/*
 * These run while the COS is down, from a COS vCPU's exit (IF=0) or the
 * report on some CPU: they wait for no VM's lock, since a VM's start
 * holds it while it opens its LUNs, up to 16 s each for the storage lock
 * (storage.c), and this CPU's VMs would wait meanwhile. A VM whose lock is
 * held is counted from its state read without the lock, and listed busy.
 */
static void count_running(struct vm *vm, void *ctx)
{
	uint32_t *n = ctx;

	*n += __atomic_load_n(&vm->state, __ATOMIC_RELAXED) == VMK_VM_STATE_RUNNING;
}

/* fn on each VM in id order; busy instead for one whose lock is held. */
static void vm_for_each_unwaiting(void (*fn)(struct vm *vm, void *ctx),
				  void (*busy)(struct vm *vm, void *ctx), void *ctx)
{
	struct vm *vm;
	uint32_t slot = 1;

	while ((vm = vm_get_from(slot))) {
		if (spin_trylock(&vm->lock)) {
			fn(vm, ctx);
			spin_unlock(&vm->lock);
		} else if (busy) {
			busy(vm, ctx);
		}
		slot = idt_index(vm->id) + 1;
		vm_put(vm);
	}
}

uint32_t vm_count_running(void)
{
	uint32_t n = 0;

	vm_for_each_unwaiting(count_running, count_running, &n);
	return n;
}

struct status_ctx {
	const char *prefix;
	uint32_t lines;
};

/* One more line of the status; false past VM_STATUS_LINES. */
static bool status_room(struct status_ctx *s)
{
	if (s->lines++ == VM_STATUS_LINES)
		log_info("%sand more VMs (vmkctl status lists them once the COS is back)",
			 s->prefix);
	return s->lines <= VM_STATUS_LINES;
}

/* Its name is set at its creation and never changes. */
static void status_busy(struct vm *vm, void *ctx)
{
	struct status_ctx *s = ctx;

	if (status_room(s))
		log_info("%svm %u '%s': busy (another CPU holds it), not read",
			 s->prefix, vm->id, vm->cfg.name);
}

static void status_line(struct vm *vm, void *ctx)
{
	struct status_ctx *s = ctx;
	uint64_t khz = vmk_boot_info.tsc_khz;

	if (!status_room(s))
		return;
	log_info("%svm %u '%s': %s, exits %llu, cpu %llu ms%s%s%s", s->prefix,
		 vm->id, vm->cfg.name,
		 vm->state == VMK_VM_STATE_RUNNING ? "running" :
		 vm->state == VMK_VM_STATE_ERROR ? "error" : "off",
		 (unsigned long long)vm->exits_total,
		 (unsigned long long)(khz ? vm->cpu_time_tsc / khz : 0),
		 vm->reason[0] ? " (" : "", vm->reason, vm->reason[0] ? ")" : "");
}

void vm_status_log(const char *prefix)
{
	struct status_ctx s = { prefix, 0 };

	vm_for_each_unwaiting(status_line, status_busy, &s);
}

/* bytes[0..n) of vm's console as lines; a line cut at VM_CONSOLE_LINE goes on. */
static void console_lines(const char *prefix, const struct vm *vm,
			  const uint8_t *bytes, size_t n)
{
	char line[VM_CONSOLE_LINE + 1];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = bytes[i];

		if (b != '\n' && b != '\r')
			line[len++] = b >= 0x20 && b < 0x7f ? (char)b : '.';
		if ((b == '\n' || len == VM_CONSOLE_LINE || i + 1 == n) && len) {
			line[len] = '\0';
			log_info("%svm %u console: %s", prefix, vm->id, line);
			len = 0;
		}
	}
}

void vm_console_log(const char *prefix)
{
	uint8_t buf[VM_CONSOLE_LOG_BYTES];	/* 1 KiB of a 16 KiB CPU stack */
	size_t room = sizeof(buf), n;
	uint32_t slot = 1;
	struct vm *vm;

	while (room && (vm = vm_get_from(slot))) {
		n = 0;
		if (spin_trylock(&vm->lock)) {	/* as vm_for_each_unwaiting() */
			if (vm->power_ons)
				n = uart_tx_drain(&vm->dev.uart[0], buf, room);
			spin_unlock(&vm->lock);
		}
		console_lines(prefix, vm, buf, n);
		room -= n;
		slot = idt_index(vm->id) + 1;
		vm_put(vm);
	}
}
