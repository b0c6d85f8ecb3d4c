// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM memory: guest RAM in pool chunks behind each VM's nested page table,
 * and the staged boot images with the window they are read through.
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/log/log.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/core/service.h"

/*
 * The scrub task: every 50 ms (20 wakes a second of CPU 0 when there is
 * nothing to zero), slices of 64 KiB until 1 ms went by, at least one.
 * On the host (~3 us a slice) ~300 a call, capped at 256 (16 MiB), 2% of
 * CPU 0 at most. Under TCG a slice took 0.1-10 ms in the lab (the slow
 * ones in chunks a VM just freed; 512 KiB slices took up to 91 ms there),
 * so a call stays within the service world's 20 ms task budget; and an
 * allocation that must take the scrubber's chunk back waits for one
 * slice at most.
 */
#define VM_SCRUB_PERIOD_NS	(50 * 1000000ull)
#define VM_SCRUB_CALL_NS	(1 * 1000000ull)
#define VM_SCRUB_SLICE_PAGES	16	/* 64 KiB */
#define VM_SCRUB_CALL_MAX	256	/* slices a call, whatever the clock says */

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

/* The staging window is mapped in the vmkernel's own tables (the boot CR3). */
void vm_stage_init(void)
{
	uint32_t tramp = vmk_boot_info.tramp_exit_va & ~(VMK_PAGE_SIZE - 1);

	host_space.ops = &vmk_pool_tables;
	host_space.pdpt_pa = vmk_boot_info.boot_cr3;
	if (tramp >= VM_STAGE_BASE && tramp < VM_STAGE_END) {
		log_err("the loader's trampoline page %x lies in the VM staging window: VMs cannot be loaded",
			tramp);
		host_space.ops = NULL;
	}
}

bool vm_stage_usable(void)
{
	return host_space.ops != NULL;
}

/*
 * A chunk zeroed with 32-bit stores, eight a turn: under TCG (the lab)
 * the byte stores memset() used to make made the zeroing of a 16 MiB
 * guest ~4/5 of a power on. The stores are volatile so that the compiler
 * cannot turn the loop into a memset() call.
 */
void vm_chunk_zero(uint32_t pa)
{
	vm_range_zero(pa, VMK_CHUNK_SIZE);
}

/* The same for [pa, pa + len) of one chunk, len a multiple of 32 bytes. */
void vm_range_zero(uint32_t pa, uint32_t len)
{
	volatile uint32_t *w = pa_to_va(pa);
	volatile uint32_t *end = w + len / sizeof(*w);

	for (; w < end; w += 8) {
		w[0] = 0;
		w[1] = 0;
		w[2] = 0;
		w[3] = 0;
		w[4] = 0;
		w[5] = 0;
		w[6] = 0;
		w[7] = 0;
	}
}

/*
 * A chunk the pool calls clean must read zero. With vmkload debug=1 that
 * is checked on every clean chunk taken (a read of 2 MiB), so that a
 * stale or forged mark shows in the log; the chunk is zeroed then.
 */
static void check_clean(uint32_t pa)
{
	const uint32_t *w = pa_to_va(pa), *end = w + VMK_CHUNK_SIZE / sizeof(*w);

	for (; w < end; w += 8) {
		if (!(w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]))
			continue;
		log_err("pool: chunk %x was marked clean but holds data near +%x",
			pa, (uint32_t)((const uint8_t *)w - (const uint8_t *)pa_to_va(pa)));
		vm_chunk_zero(pa);
		return;
	}
}

/* A page the VM held goes back to the pool; a refused free is a bug. */
static void give_back(uint32_t pa, uint32_t npages)
{
	if (pool_free(&vmk_pool, pa, npages) != VMK_OK)
		vmk_panic("pool refused the free of %u pages at %x", npages, pa);
}

/* A whole zeroed chunk for guest RAM or a staged image. */
static vmk_status_t take_zeroed_chunk(uint32_t *pa)
{
	bool clean;
	vmk_status_t st = pool_alloc_chunk_zeroed(&vmk_pool, vm_chunk_zero, pa, &clean);

	if (st == VMK_OK && clean && vmk_debug_enabled())
		check_clean(*pa);
	return st;
}

/*
 * The service world zeroes free chunks that are not clean, so that a
 * power on finds clean ones (docs/architecture.md "Guest memory").
 */
static void scrub_task(void *ctx)
{
	(void)ctx;
	pool_scrub(&vmk_pool, vm_range_zero, VM_SCRUB_SLICE_PAGES, vmk_time_ns,
		   vmk_time_ns() + VM_SCRUB_CALL_NS, VM_SCRUB_CALL_MAX);
}

void vm_scrub_start(void)
{
	service_register("pool scrub", VM_SCRUB_PERIOD_NS, scrub_task, NULL);
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

uint32_t vm_stage_window(uint32_t what)
{
	return VM_STAGE_BASE + what * VMK_VM_IMG_MAX;
}

/* The window shows vm's kernel and initrd until vm_stage_unmap(). */
void vm_stage_map(const struct vm *vm)
{
	uint32_t what, i;

	spin_lock(&stage_lock);
	for (what = VMK_VM_IMG_KERNEL; what <= VMK_VM_IMG_INITRD; what++)
		for (i = 0; i < vm->stage[what].nchunks; i++)
			pae_map_2m(&host_space, vm_stage_window(what) + i * VMK_CHUNK_SIZE,
				   vm->stage[what].chunk_pa[i], PAE_RW);
	stage_tlb_flush();
}

void vm_stage_unmap(const struct vm *vm)
{
	uint32_t what, i;

	for (what = VMK_VM_IMG_KERNEL; what <= VMK_VM_IMG_INITRD; what++)
		for (i = 0; i < vm->stage[what].nchunks; i++)
			pae_unmap_2m(&host_space, vm_stage_window(what) + i * VMK_CHUNK_SIZE);
	spin_unlock(&stage_lock);
}

void vm_stage_free(struct vm *vm, uint32_t what)
{
	struct vm_stage *s = &vm->stage[what];
	uint32_t i;

	for (i = 0; i < s->nchunks; i++)
		give_back(s->chunk_pa[i], POOL_PAGES_PER_CHUNK);
	s->nchunks = 0;
	s->size = 0;
}

vmk_status_t vm_stage_alloc(struct vm *vm, uint32_t what, uint32_t total,
			    struct vmk_why *why)
{
	struct vm_stage *s = &vm->stage[what];

	vm_stage_free(vm, what);
	while (s->nchunks * VMK_CHUNK_SIZE < total) {
		/*
		 * Zeroed: the COS need not write every byte it declared, and
		 * what it leaves out reaches the guest (a BIOS ROM is mapped
		 * as staged, a kernel copied): never a previous owner's data.
		 */
		if (take_zeroed_chunk(&s->chunk_pa[s->nchunks]) != VMK_OK) {
			vm_stage_free(vm, what);
			return why_fail(why, VMK_NO_MEMORY,
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
vmk_status_t vm_stage_write(struct vm *vm, uint32_t what, uint32_t offset,
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

/* DMA for device models: guest RAM lies in 2 MiB chunks. */
static uint32_t piece_len(uint64_t gpa, uint32_t len)
{
	uint32_t room = VMK_CHUNK_SIZE - (uint32_t)(gpa & (VMK_CHUNK_SIZE - 1));

	return len < room ? len : room;
}

static bool ram_covers(struct vm *vm, uint64_t gpa, uint32_t len)
{
	uint32_t n;

	for (; len; gpa += n, len -= n) {
		n = piece_len(gpa, len);
		if (!vm_gpa_ptr(vm, gpa, n))
			return false;
	}
	return true;
}

bool vm_dma_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	struct vm *vm = ctx;
	uint8_t *d = dst;
	uint32_t n;

	if (!ram_covers(vm, gpa, len))
		return false;
	for (; len; gpa += n, d += n, len -= n) {
		n = piece_len(gpa, len);
		memcpy(d, vm_gpa_ptr(vm, gpa, n), n);
	}
	return true;
}

bool vm_dma_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	struct vm *vm = ctx;
	const uint8_t *s = src;
	uint32_t n;

	if (!ram_covers(vm, gpa, len))
		return false;
	for (; len; gpa += n, s += n, len -= n) {
		n = piece_len(gpa, len);
		memcpy(vm_gpa_ptr(vm, gpa, n), s, n);
	}
	return true;
}

/*
 * Every page the VM holds goes back to the pool, its RAM unzeroed: the
 * scrub task or the next taker zeroes it, not this path (vm->lock held).
 */
void vm_release(struct vm *vm)
{
	uint32_t i;

	vm_nics_release(vm);
	vm_disks_release(vm);
	vm_firmware_release(vm);
	for (i = 0; i < vm->cfg.vcpus; i++)
		vcpu_destroy(&vm->vcpu[i]);
	for (i = 0; i < vm->nchunks; i++)
		give_back(vm->chunk_pa[i], POOL_PAGES_PER_CHUNK);
	for (i = 0; i < vm->npt_ntables; i++)
		give_back(vm->npt_table_pa[i], 1);
	vm->nchunks = 0;
	vm->npt_ntables = 0;
}

/*
 * The firmware ROM at the top of 4 GiB, straight from the VM's staged
 * copy (one chunk holds it), readable and executable but not writable: a
 * guest write takes a nested page fault and is dropped as a write to ROM
 * (docs/vmm.md "Firmware boot").
 */
_Static_assert(FIRMWARE_ROM_MAX <= VMK_CHUNK_SIZE, "a firmware ROM fits one chunk");

/* A read of the ROM by the instruction emulator (a BIOS VM while it runs). */
const void *vm_rom_ptr(const struct vm *vm, uint64_t gpa, uint32_t len)
{
	const struct vm_stage *s = &vm->stage[VMK_VM_IMG_FIRMWARE];
	uint64_t base;

	if (vm->cfg.boot != VMK_VM_BOOT_BIOS || !vm->nchunks || !s->size)
		return NULL;
	base = firmware_rom_base(s->size);
	if (gpa < base || len > s->size || gpa - base > s->size - len)
		return NULL;
	return (const uint8_t *)pa_to_va(s->chunk_pa[0]) + (uint32_t)(gpa - base);
}

static vmk_status_t map_firmware(struct vm *vm)
{
	const struct vm_stage *s = &vm->stage[VMK_VM_IMG_FIRMWARE];
	uint32_t base = (uint32_t)firmware_rom_base(s->size), off;
	vmk_status_t st = VMK_OK;

	for (off = 0; st == VMK_OK && off < s->size; off += VMK_PAGE_SIZE)
		st = pae_map_4k(&vm->npt, base + off, s->chunk_pa[0] + off, PAE_US);
	return st;
}

vmk_status_t vm_take_memory(struct vm *vm, struct vmk_why *why)
{
	static const struct pae_ops npt_ops_template = { npt_table_alloc, vmk_table_ptr, NULL };
	uint32_t want = vm->cfg.mem_mb / (VMK_CHUNK_SIZE >> 20), i;
	vmk_status_t st;

	/* Guests start from zeroed RAM: nothing of a previous owner shows. */
	for (i = 0; i < want; i++) {
		if (take_zeroed_chunk(&vm->chunk_pa[i]) != VMK_OK) {
			vm->nchunks = i;
			vm_release(vm);
			return why_fail(why, VMK_NO_MEMORY,
					"vm '%s' needs %u MiB, the vmkernel pool has %u MiB free (raise vmkload mem_mb or stop a VM)",
					vm->cfg.name, vm->cfg.mem_mb,
					i * (VMK_CHUNK_SIZE >> 20));
		}
		vm->nchunks = i + 1;
	}

	vm->npt_ops = npt_ops_template;
	vm->npt_ops.ctx = vm;
	st = pae_create(&vm->npt, &vm->npt_ops);
	for (i = 0; st == VMK_OK && i < vm->nchunks; i++)
		st = pae_map_2m(&vm->npt, i * VMK_CHUNK_SIZE, vm->chunk_pa[i],
				PAE_NPT_RAM);
	if (st == VMK_OK && vm->cfg.boot == VMK_VM_BOOT_BIOS)
		st = map_firmware(vm);
	if (st != VMK_OK) {
		vm_release(vm);
		return why_fail(why, st, "vm '%s': no memory for its nested page table",
				vm->cfg.name);
	}
	return VMK_OK;
}
