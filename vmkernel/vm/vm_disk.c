// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's virtual SCSI (vm.h, docs/storage.md "VM disks"): the PVSCSI
 * model (vmm/dev/pvscsi.h) on the VM's PCI bus, its targets SCSI disk
 * models (vmm/scsi/disk.h) whose backends are LUNs of the vmkernel's HBA
 * mapped raw (vmkernel/storage/rdm.h) or virtual disks on its datastores
 * (vmkernel/storage/vdisk.h), claimed read-write by this VM from power on
 * to release.
 *
 * Locking and waiting: asynchronous I/O (docs/storage.md "VM disks").
 * The model is device state: vm->lock guards it. A guest's kick runs
 * one batch of its requests (PVSCSI_BATCH_REQS or about
 * PVSCSI_BATCH_BYTES) from the exit that wrote the kick register, and
 * the vCPU's run loop runs the next batches before it enters the guest
 * (vm_disks_poll()). A READ, WRITE or SYNCHRONIZE CACHE of a disk is
 * cut into pieces of 64 KiB (disk_pieces.c), each taking one of the
 * VM's PIECES_REQS requests as one is free (the command of the disk
 * with the fewest pieces out first, the oldest of its commands), a
 * write's piece
 * copied from the guest into the request's bounce buffer (on a raw
 * LUN a piece of up to 512 KiB whose buffer is in the guest's RAM goes
 * direct instead: the HBA's SG list holds the guest's own pages, no
 * copy either way), and queued at
 * the storage world (vmkernel/storage/storage_world.h) on its disk's
 * flow by the disk's shares (sched.scsi0:N.shares); the vCPU goes back
 * to its guest. The
 * storage world runs the piece under the storage lock (its LUN's
 * command or vmkfs call, vm->lock not taken, guest memory touched only
 * by the HBA's DMA of a direct piece)
 * and puts the request on the VM's done list, waking the VM's blocked
 * vCPUs as a NIC's receive does (vm_nic.c). The vCPU's run loop, under
 * its own vm->lock, reaps the list (vm_disks_poll()): a read's data to
 * the guest, the next piece of a command in the request, and a
 * command's end, once its last piece is back, for the model, which
 * posts the completion and raises the interrupt. A piece that fails (or
 * a fault in the guest's buffer) ends its command once its pieces
 * queued already are back; their data is not moved to the guest. So no vCPU waits
 * for a disk, and no CPU holds two VMs' locks.
 *
 * A reset and the VM's release let go of every request
 * (storage_io_cancel()): queued ones come off the queue, one the storage
 * world runs is waited for (it is on another CPU, one command's ladder
 * at most: LUN_IO_HOLD_MAX_MS) and its result thrown away; then the
 * bounce buffers may be reused or freed. A hung LUN holds the storage
 * world for one ladder (15 s at most), not a vCPU; then the LUN is
 * marked and its requests fail at once with NOT READY
 * (vmkernel/storage/lun_io.h).
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/log/log.h"
#include "vmkernel/mm/pool.h"
#include "vmkernel/storage/rdm.h"
#include "vmkernel/storage/storage.h"
#include "vmkernel/storage/storage_world.h"
#include "vmkernel/storage/vdisk.h"
#include "vmkernel/vm/disk_pieces.h"
#include "vmm/dev/pvscsi.h"

/*
 * Where the adapter sits: 00:10.0, INTA# on ISA IRQ 10 for a directly
 * booted guest; in a BIOS VM wherever SeaBIOS routes slot 16's PIRQD
 * (IRQ 11; vmm/dev/pci_host.h pci_set_intx). For a directly booted guest
 * the vmkernel programs the BAR as firmware would, above the NICs'
 * windows (vmm/devices.h); a BIOS VM's SeaBIOS assigns it. The register window follows the BAR wherever the guest
 * moves it (vmm/dev/pci_host.h pci_add_bar).
 */
#define VM_SCSI_DEVFN		(VDEV_SCSI_SLOT << 3)	/* 00:10.0 */
#define VM_SCSI_IRQ		VDEV_SCSI_IRQ
#define PCI_CFG_COMMAND		0x04
#define PCI_CFG_BAR0		0x10
#define PCI_CFG_INTR_LINE	0x3c
#define PCI_COMMAND_MEM_MASTER	0x0006

/*
 * A VM's disk requests at the storage world (disk_pieces.h): PIECES_REQS
 * at once, each with a bounce buffer of PIECE_BYTES for one piece of a
 * command, so a 4 MiB READ is 64 pieces.
 */
#define VM_SCSI_BOUNCE_PAGES	(PIECE_BYTES / VMK_PAGE_SIZE)
_Static_assert(VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE == PIECE_BYTES,
	       "a bounce buffer is whole pages");
_Static_assert(VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE >= VDISK_DESC_MAX,
	       "a virtual disk's descriptor is read into the bounce buffer");
/* The unit serial (VPD 80h) is the tail of the disk's name. */
#define VM_SCSI_SERIAL_TAIL	SCSI_SERIAL_LEN

struct vm_scsi_target {
	struct vm_scsi *s;
	bool open;
	bool virtual_disk;		/* vdisk, else ref and rdm */
	struct storage_lun_ref ref;
	struct rdm rdm;
	struct vdisk vdisk;
	struct pieces_disk pd;		/* its flow, size and counters (since power on or reset) */
	uint64_t errors_seen;		/* errors when last looked at */
	struct scsi_disk disk;
};

struct vm_scsi {
	struct vm *vm;
	struct pvscsi pvscsi;
	const char *error_seen;		/* the model's last stop reason */
	uint64_t stops;			/* times the guest's rings stopped it */
	struct dq_owner owner;		/* its requests at the storage world */
	struct pieces pieces;		/* its commands and their requests */
	struct vm_scsi_target t[VMK_VM_MAX_DISKS];
};

#define VM_SCSI_PAGES	((sizeof(struct vm_scsi) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)

/* ---- the model's backends ---- */

static void scsi_set_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;

	pci_set_intx(&vm->dev.pci, VM_SCSI_DEVFN, VM_SCSI_IRQ, level);
}

static void scsi_msi(void *ctx, const struct pci_msi_msg *m)
{
	struct vm *vm = ctx;

	pci_msi_deliver(&vm->dev.pci, VM_SCSI_DEVFN, m);
}

/*
 * The model answered cmd early (the guest's abort, a reset): its direct
 * pieces stop moving data before the guest can see that answer. Under
 * vm->lock, as every call into the model; a running piece is waited for
 * (one HBA command's ladder at most, as a reset's cancel).
 */
static void scsi_fence(void *ctx, struct scsi_cmd *cmd)
{
	struct vm_scsi *s = ctx;

	pieces_fence(&s->pieces, cmd);
}

/*
 * In the storage world: one piece of q, or its flush; the guest's pages
 * only as a direct piece's host ranges, which the HBA reads or writes.
 */
static void io_run(struct storage_req *sr)
{
	struct piece_req *q = vmm_container_of(sr, struct piece_req, sr);
	struct vm_scsi_target *t = vmm_container_of(q->d, struct vm_scsi_target, pd);
	bool write = q->op == PIECE_WRITE;

	if (q->op == PIECE_FLUSH)
		q->status = t->virtual_disk ? vdisk_sync(&t->vdisk) : rdm_sync(&t->rdm);
	else if (q->direct)
		q->status = rdm_rw_sg(&t->rdm, write, q->lba, q->n, q->sg, q->nr_sg);
	else if (t->virtual_disk)
		q->status = vdisk_rw(&t->vdisk, write, q->lba, q->n, q->bounce);
	else
		q->status = rdm_rw(&t->rdm, write, q->lba, q->n, q->bounce_pa);
}

static void vm_io_read(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct vm_scsi_target *t = ctx;

	pieces_start(&t->s->pieces, &t->pd, cmd, PIECE_READ, lba, nr);
}

static void vm_io_write(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct vm_scsi_target *t = ctx;

	pieces_start(&t->s->pieces, &t->pd, cmd, PIECE_WRITE, lba, nr);
}

static void vm_io_flush(void *ctx, struct scsi_cmd *cmd)
{
	struct vm_scsi_target *t = ctx;

	pieces_start(&t->s->pieces, &t->pd, cmd, PIECE_FLUSH, 0, 0);
}

static const struct scsi_backend_ops vm_io_ops = {
	.read = vm_io_read,
	.write = vm_io_write,
	.flush = vm_io_flush,
	.unmap = NULL,
};

/*
 * The storage world finished a request of this VM (under the queue's
 * lock, so a release's cancel waits for this to end): wake its blocked
 * vCPUs, as vm_nic.c's deliver() does; vm_disks_poll() takes it.
 */
static void io_wake(void *ctx)
{
	struct vm *vm = ctx;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < vm->cfg.vcpus; i++) {
		struct world *w = __atomic_load_n(&vm->vcpu[i].world, __ATOMIC_ACQUIRE);

		if (w && __atomic_load_n(&w->state, __ATOMIC_RELAXED) == WORLD_BLOCKED)
			sched_wake(w);
	}
}

static bool io_submit(void *ctx, struct piece_req *q)
{
	(void)ctx;
	return storage_io_submit(&q->sr, &q->d->flow, q->n);
}

/* Every request of the VM let go (a reset, the release): the storage world's waited for. */
static void io_cancel(void *ctx)
{
	struct vm_scsi *s = ctx;

	storage_io_cancel(&s->owner);
}

static bool io_withdraw(void *ctx, struct piece_req *q)
{
	(void)ctx;
	return storage_io_withdraw(&q->sr);
}

static const struct pieces_ops vm_pieces_ops = {
	.submit = io_submit,
	.cancel = io_cancel,
	.withdraw = io_withdraw,
};

/* ---- life cycle ---- */

vmk_status_t vm_disks_connect(struct vm *vm, struct vmk_why *why)
{
	struct vmk_why refusal = { "" };
	struct vm_scsi *s;
	uint32_t pa;
	vmk_status_t st;

	if (vm->cfg.scsi0 == VMK_VM_SCSI_NONE)
		return VMK_OK;
	st = storage_world_start(&refusal);
	if (st != VMK_OK)
		return why_fail(why, st, "vm '%s': scsi0: %s", vm->cfg.name, refusal.text);
	if (vmk_alloc_pages(VM_SCSI_PAGES, &pa) != VMK_OK)
		return why_fail(why, VMK_NO_MEMORY, "vm '%s': scsi0: no room for its %u KiB of state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or stop a VM)",
				vm->cfg.name, (uint32_t)(VM_SCSI_PAGES * VMK_PAGE_SIZE) >> 10,
				(uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	s = pa_to_va(pa);
	memset(s, 0, sizeof(*s));
	pieces_init(&s->pieces, &vm_pieces_ops, s);
	s->vm = vm;
	vm->scsi = s;
	vm->scsi_pa = pa;
	storage_io_owner_init(&s->owner, io_wake, vm);
	for (uint32_t i = 0; i < PIECES_REQS; i++) {
		struct piece_req *q = &s->pieces.req[i];

		if (vmk_alloc_pages(VM_SCSI_BOUNCE_PAGES, &q->bounce_pa) != VMK_OK)
			return why_fail(why, VMK_NO_MEMORY, "vm '%s': scsi0: no room for its %u KiB of bounce buffers in the vmkernel pool",
					vm->cfg.name, PIECES_REQS * VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE >> 10);
		q->bounce = pa_to_va(q->bounce_pa);
		q->sr.run = io_run;
	}
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const char *name = vm->cfg.disk[i].name;
		struct vm_scsi_target *t = &s->t[i];
		struct vdisk *vd = &t->vdisk;

		if (!name[0])
			continue;
		t->s = s;
		t->virtual_disk = vdisk_is_path(name);
		dq_flow_init(&t->pd.flow, vm->cfg.disk[i].shares, &s->owner);
		dsched_flow_init(t->virtual_disk ? &vd->flow : &t->ref.flow,
				 vm->cfg.disk[i].shares);
		dsched_flow_owner(t->virtual_disk ? &vd->flow : &t->ref.flow, vm);
		if (t->virtual_disk) {
			/* the descriptor at the open, under the storage lock */
			vd->bounce = s->pieces.req[0].bounce;
			vd->bounce_blocks = PIECE_BLOCKS;
			st = storage_vdisk_open(name, vm->id, vm->cfg.name, vd, &refusal);
		} else {
			st = storage_lun_open(name, vm->id, vm->cfg.name, &t->ref,
					      &refusal);
		}
		if (st != VMK_OK)
			return why_fail(why, st, "vm '%s': scsi0:%u: %s", vm->cfg.name, i,
					refusal.text);
		t->open = true;
		t->pd.nr_blocks = t->virtual_disk ? vd->nr_blocks : t->ref.nr_blocks;
		/* A raw LUN's HBA reads and writes the guest's pages (direct pieces). */
		t->pd.direct = !t->virtual_disk;
		log_info("vm %u '%s': scsi0:%u is %s, %llu blocks of 512 (%s), %u disk shares",
			 vm->id, vm->cfg.name, i, name, (unsigned long long)t->pd.nr_blocks,
			 !t->virtual_disk ? "raw" :
			 vd->thin ? "virtual disk, thin" : "virtual disk",
			 dsched_shares(vm->cfg.disk[i].shares));
	}
	return VMK_OK;
}

static void firmware_setup(struct pci_host *pci)
{
	pci_host_config_write(pci, VM_SCSI_DEVFN, PCI_CFG_BAR0, 4, VDEV_SCSI_BAR0);
	pci_host_config_write(pci, VM_SCSI_DEVFN, PCI_CFG_INTR_LINE, 1, VM_SCSI_IRQ);
	pci_host_config_write(pci, VM_SCSI_DEVFN, PCI_CFG_COMMAND, 2,
			      PCI_COMMAND_MEM_MASTER);
}

void vm_disks_cancel(struct vm *vm)
{
	if (vm->scsi)
		pieces_cancel(&vm->scsi->pieces);
}

vmk_status_t vm_disks_attach(struct vm *vm, struct vmk_why *why)
{
	struct vm_scsi *s = vm->scsi;
	struct pvscsi_config pc = {
		.dma = { vm_dma_read, vm_dma_write, vm },
		.set_irq = scsi_set_irq, .msi = scsi_msi, .irq_ctx = vm,
		.fence = scsi_fence, .fence_ctx = vm->scsi,
	};

	if (!s)
		return VMK_OK;
	s->pieces.ram = (struct pieces_ram){ vm->chunk_pa, vm->nchunks };
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const char *name = vm->cfg.disk[i].name;
		size_t len = strlen(name);
		struct vm_scsi_target *t = &s->t[i];
		struct scsi_backend be = {
			.ops = &vm_io_ops, .ctx = t, .nr_blocks = t->pd.nr_blocks,
		};
		struct rdm *r = &t->rdm;

		if (!t->open)
			continue;
		/* Counters start again at each power on and reset, as the model's do. */
		pieces_disk_clear(&t->pd);
		t->errors_seen = 0;
		if (!t->virtual_disk) {
			memset(r, 0, sizeof(*r));
			r->io = &storage_lun_io_ops;
			r->io_ctx = &t->ref;
			r->nr_blocks = t->ref.nr_blocks;
		}
		scsi_disk_init(&t->disk, &be,
			       name + (len > VM_SCSI_SERIAL_TAIL ? len - VM_SCSI_SERIAL_TAIL : 0),
			       (uint64_t)vm->id << 8 | i);
		pc.target[i] = &t->disk;
	}
	pvscsi_init(&s->pvscsi, &pc);
	s->error_seen = NULL;
	if (!pci_add_function(&vm->dev.pci, VM_SCSI_DEVFN, &pvscsi_pci_ops, &s->pvscsi) ||
	    !pci_add_bar(&vm->dev.pci, VM_SCSI_DEVFN, 0, PVSCSI_BAR_SIZE, false,
			 &pvscsi_mmio_ops, &s->pvscsi))
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': scsi0: no room on the virtual platform (PCI slot)",
				vm->cfg.name);
	if (vm->cfg.boot != VMK_VM_BOOT_BIOS)
		firmware_setup(&vm->dev.pci);
	return VMK_OK;
}

/*
 * An adapter the guest's rings stopped is logged on its 1st, 2nd, 4th,
 * 8th... stop: a guest that resets it and stops it again in a loop
 * cannot flood the log.
 */
static void note_stop(struct vm_scsi *s)
{
	const char *why = pvscsi_error(&s->pvscsi);
	uint64_t n;

	if (why == s->error_seen)
		return;
	s->error_seen = why;
	if (!why)
		return;
	n = ++s->stops;
	if (log_nth(n))
		log_warn("vm %u '%s': scsi0 stopped (%llu so far): %s",
			 s->vm->id, s->vm->cfg.name, (unsigned long long)n, why);
}

/*
 * A virtual disk's failed vmkfs calls (a thin disk on a full datastore,
 * a corrupt block map) with vmkfs's message, when the count passed 1, 2,
 * 4, 8, ... since the last look (a batch can fail several); the guest
 * got MEDIUM ERROR or DATA PROTECT.
 */
static void note_vdisk_errors(struct vm_scsi *s)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		struct vm_scsi_target *t = &s->t[i];

		if (!t->open || !t->virtual_disk || t->pd.errors == t->errors_seen)
			continue;
		/* A higher top bit than the last look's: a power of two passed. */
		if ((t->pd.errors ^ t->errors_seen) > t->errors_seen)
			log_warn("vm %u '%s': scsi0:%u: I/O failed (%llu so far): %s",
				 s->vm->id, s->vm->cfg.name, i,
				 (unsigned long long)t->pd.errors, t->vdisk.error);
		t->errors_seen = t->pd.errors;
	}
}

void vm_disks_poll(struct vm *vm)
{
	struct vm_scsi *s = vm->scsi;
	struct storage_req *sr;

	if (!s)
		return;
	while ((sr = storage_io_reap(&s->owner)) != NULL)
		pieces_done(vmm_container_of(sr, struct piece_req, sr));
	pieces_fill(&s->pieces);
	pvscsi_poll(&s->pvscsi);
	note_stop(s);
	note_vdisk_errors(s);
}

bool vm_disks_pending(const struct vm *vm)
{
	return vm->scsi && pvscsi_pending(&vm->scsi->pvscsi);
}

bool vm_disks_done(const struct vm *vm)
{
	return vm->scsi && storage_io_has_done(&vm->scsi->owner);
}

void vm_disks_io(const struct vm *vm, struct vmk_vm_disk_io io[VMK_VM_MAX_DISKS])
{
	const struct vm_scsi *s = vm->scsi;

	for (uint32_t i = 0; s && i < VMK_VM_MAX_DISKS; i++) {
		const struct vm_scsi_target *t = &s->t[i];
		struct vmk_vm_disk_io *o = &io[i];

		if (!t->open)
			continue;
		memcpy(o->name, vm->cfg.disk[i].name, sizeof(o->name));
		o->shares = dsched_shares(vm->cfg.disk[i].shares);
		o->kind = t->virtual_disk ? VMK_VM_DISK_VIRTUAL : VMK_VM_DISK_RAW;
		o->thin = t->virtual_disk && t->vdisk.thin;
		o->nr_blocks = t->pd.nr_blocks;
		o->reads = t->pd.reads;
		o->writes = t->pd.writes;
		o->flushes = t->pd.flushes;
		o->blocks_read = t->pd.blocks_read;
		o->blocks_written = t->pd.blocks_written;
		o->errors = t->pd.errors;
	}
}

void vm_disks_release(struct vm *vm)
{
	struct vm_scsi *s = vm->scsi;

	if (!s)
		return;
	pieces_cancel(&s->pieces);
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const struct vm_scsi_target *t = &s->t[i];

		if (!t->open)
			continue;
		log_info("vm %u '%s': scsi0:%u: %llu requests at the storage world by %u disk shares, %llu waited",
			 vm->id, vm->cfg.name, i, (unsigned long long)t->pd.flow.turns,
			 t->pd.flow.shares, (unsigned long long)t->pd.flow.waited);
		/* depth: queued at its takes, summed; empty: at other flows' takes */
		log_info("vm %u '%s': scsi0:%u: depth %llu, empty %llu (not reaped) + %llu (idle)",
			 vm->id, vm->cfg.name, i, (unsigned long long)t->pd.flow.depth,
			 (unsigned long long)t->pd.flow.empty_done,
			 (unsigned long long)t->pd.flow.empty_idle);
		log_info("vm %u '%s': scsi0:%u: %llu pieces direct, %llu through the bounce buffer",
			 vm->id, vm->cfg.name, i, (unsigned long long)t->pd.pieces_direct,
			 (unsigned long long)t->pd.pieces_bounced);
		if (t->virtual_disk)
			storage_vdisk_close(&s->t[i].vdisk);
		else
			storage_lun_close(&s->t[i].ref, vm->id);
	}
	for (uint32_t i = 0; i < PIECES_REQS; i++)
		if (s->pieces.req[i].bounce_pa)
			pool_free(&vmk_pool, s->pieces.req[i].bounce_pa, VM_SCSI_BOUNCE_PAGES);
	vm->scsi = NULL;
	pool_free(&vmk_pool, vm->scsi_pa, VM_SCSI_PAGES);
}
