// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's virtual SCSI (vm.h, docs/storage.md "VM disks"): the PVSCSI
 * model (vmm/dev/pvscsi.h) on the VM's PCI bus, its targets SCSI disk
 * models (vmm/scsi/disk.h) whose backends are LUNs of the vmkernel's HBA
 * mapped raw (vmkernel/storage/rdm.h) or virtual disks on its datastores
 * (vmkernel/storage/vdisk.h), claimed read-write by this VM from power on
 * to release.
 *
 * Locking and waiting. The model is device state: vm->lock guards it.
 * A guest's kick runs one batch of its requests (PVSCSI_BATCH_REQS or
 * about PVSCSI_BATCH_BYTES) from the exit that wrote the kick register,
 * and the vCPU's run loop runs the next batches before it enters the
 * guest (vm_disks_poll()), so the scheduler, the COS and a kill get the
 * CPU and vm->lock between batches. Each disk command goes to the
 * physical adapter and is polled to its end under the storage lock
 * (vm->lock, then the storage lock; nothing takes them the other way),
 * through this VM's bounce buffer, in its disk's turn by the disk's
 * shares (sched.scsi0:N.shares; vmkernel/storage/disk_sched.h): the
 * vCPU spins meanwhile. So a vCPU waits for its disk, and its
 * VM's other vCPUs wait for vm->lock meanwhile: a limit of this slice,
 * not the design. A hung LUN holds both locks for one command's timeout
 * ladder (LUN_IO_HOLD_MAX_MS, 15 s at most); then the LUN is marked and
 * the rest of the batch, and every command until a probe is answered,
 * fails at once with NOT READY (vmkernel/storage/lun_io.h).
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/log/log.h"
#include "vmkernel/mm/pool.h"
#include "vmkernel/storage/rdm.h"
#include "vmkernel/storage/storage.h"
#include "vmkernel/storage/vdisk.h"
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

/* The bounce buffer: 64 KiB, so a 4 MiB READ is 64 physical commands. */
#define VM_SCSI_BOUNCE_PAGES	16
#define VM_SCSI_BOUNCE_BLOCKS	(VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE / SCSI_BLOCK_SIZE)
_Static_assert(VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE >= VDISK_DESC_MAX,
	       "a virtual disk's descriptor is read into the bounce buffer");
/* The unit serial (VPD 80h) is the tail of the disk's name. */
#define VM_SCSI_SERIAL_TAIL	SCSI_SERIAL_LEN

struct vm_scsi {
	struct vm *vm;
	struct pvscsi pvscsi;
	const char *error_seen;		/* the model's last stop reason */
	uint64_t stops;			/* times the guest's rings stopped it */
	uint32_t bounce_pa;
	struct {
		bool open;
		bool virtual_disk;		/* vdisk, else ref and rdm */
		struct storage_lun_ref ref;
		struct rdm rdm;
		struct vdisk vdisk;
		uint64_t vdisk_errors_seen;	/* vdisk.io_errors when last looked at */
		struct scsi_disk disk;
	} t[VMK_VM_MAX_DISKS];
};

#define VM_SCSI_PAGES	((sizeof(struct vm_scsi) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)

/* ---- the model's backends ---- */

static void scsi_set_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;

	pci_set_intx(&vm->dev.pci, VM_SCSI_DEVFN, VM_SCSI_IRQ, level);
}

/* ---- life cycle ---- */

vmk_status_t vm_disks_connect(struct vm *vm, struct vmk_why *why)
{
	struct vm_scsi *s;
	uint32_t pa;
	vmk_status_t st;

	if (vm->cfg.scsi0 == VMK_VM_SCSI_NONE)
		return VMK_OK;
	if (vmk_alloc_pages(VM_SCSI_PAGES, &pa) != VMK_OK)
		return why_fail(why, VMK_NO_MEMORY, "vm '%s': scsi0: no room for its %u KiB of state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or stop a VM)",
				vm->cfg.name, (uint32_t)(VM_SCSI_PAGES * VMK_PAGE_SIZE) >> 10,
				(uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	s = pa_to_va(pa);
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	vm->scsi = s;
	vm->scsi_pa = pa;
	if (vmk_alloc_pages(VM_SCSI_BOUNCE_PAGES, &s->bounce_pa) != VMK_OK)
		return why_fail(why, VMK_NO_MEMORY, "vm '%s': scsi0: no room for its %u KiB bounce buffer in the vmkernel pool",
				vm->cfg.name, VM_SCSI_BOUNCE_PAGES * VMK_PAGE_SIZE >> 10);
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const char *name = vm->cfg.disk[i].name;
		struct vmk_why refusal = { "" };
		struct vdisk *vd = &s->t[i].vdisk;

		if (!name[0])
			continue;
		s->t[i].virtual_disk = vdisk_is_path(name);
		dsched_flow_init(s->t[i].virtual_disk ? &vd->flow : &s->t[i].ref.flow,
				 vm->cfg.disk[i].shares);
		dsched_flow_owner(s->t[i].virtual_disk ? &vd->flow : &s->t[i].ref.flow, vm);
		if (s->t[i].virtual_disk) {
			vd->bounce = pa_to_va(s->bounce_pa);
			vd->bounce_blocks = VM_SCSI_BOUNCE_BLOCKS;
			st = storage_vdisk_open(name, vm->id, vm->cfg.name, vd, &refusal);
		} else {
			st = storage_lun_open(name, vm->id, vm->cfg.name, &s->t[i].ref,
					      &refusal);
		}
		if (st != VMK_OK)
			return why_fail(why, st, "vm '%s': scsi0:%u: %s", vm->cfg.name, i,
					refusal.text);
		s->t[i].open = true;
		log_info("vm %u '%s': scsi0:%u is %s, %llu blocks of 512 (%s), %u disk shares",
			 vm->id, vm->cfg.name, i, name,
			 (unsigned long long)(s->t[i].virtual_disk ? vd->nr_blocks :
					      s->t[i].ref.nr_blocks),
			 !s->t[i].virtual_disk ? "raw" :
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

vmk_status_t vm_disks_attach(struct vm *vm, struct vmk_why *why)
{
	struct vm_scsi *s = vm->scsi;
	struct pvscsi_config pc = {
		.dma = { vm_dma_read, vm_dma_write, vm },
		.set_irq = scsi_set_irq, .irq_ctx = vm,
	};

	if (!s)
		return VMK_OK;
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const char *name = vm->cfg.disk[i].name;
		size_t len = strlen(name);
		struct scsi_backend be;
		struct rdm *r = &s->t[i].rdm;

		if (!s->t[i].open)
			continue;
		if (s->t[i].virtual_disk) {
			struct vdisk *vd = &s->t[i].vdisk;

			/* Counters start again at each power on and reset, as the model's do. */
			vd->reads = vd->writes = vd->flushes = 0;
			vd->blocks_read = vd->blocks_written = vd->io_errors = 0;
			s->t[i].vdisk_errors_seen = 0;
			vdisk_backend(vd, &be);
		} else {
			/* Counters start again at each power on and reset, as the model's do. */
			memset(r, 0, sizeof(*r));
			r->io = &storage_lun_io_ops;
			r->io_ctx = &s->t[i].ref;
			r->nr_blocks = s->t[i].ref.nr_blocks;
			r->bounce = pa_to_va(s->bounce_pa);
			r->bounce_pa = s->bounce_pa;
			r->bounce_blocks = VM_SCSI_BOUNCE_BLOCKS;
			rdm_backend(r, &be);
		}
		scsi_disk_init(&s->t[i].disk, &be,
			       name + (len > VM_SCSI_SERIAL_TAIL ? len - VM_SCSI_SERIAL_TAIL : 0),
			       (uint64_t)vm->id << 8 | i);
		pc.target[i] = &s->t[i].disk;
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
		const struct vdisk *vd = &s->t[i].vdisk;

		if (!s->t[i].open || !s->t[i].virtual_disk ||
		    vd->io_errors == s->t[i].vdisk_errors_seen)
			continue;
		/* A higher top bit than the last look's: a power of two passed. */
		if ((vd->io_errors ^ s->t[i].vdisk_errors_seen) > s->t[i].vdisk_errors_seen)
			log_warn("vm %u '%s': scsi0:%u: I/O failed (%llu so far): %s",
				 s->vm->id, s->vm->cfg.name, i,
				 (unsigned long long)vd->io_errors, vd->error);
		s->t[i].vdisk_errors_seen = vd->io_errors;
	}
}

void vm_disks_poll(struct vm *vm)
{
	struct vm_scsi *s = vm->scsi;

	if (!s)
		return;
	pvscsi_poll(&s->pvscsi);
	note_stop(s);
	note_vdisk_errors(s);
}

bool vm_disks_pending(const struct vm *vm)
{
	return vm->scsi && pvscsi_pending(&vm->scsi->pvscsi);
}

void vm_disks_io(const struct vm *vm, struct vmk_vm_disk_io io[VMK_VM_MAX_DISKS])
{
	const struct vm_scsi *s = vm->scsi;

	for (uint32_t i = 0; s && i < VMK_VM_MAX_DISKS; i++) {
		const struct vdisk *vd = &s->t[i].vdisk;
		const struct rdm *r = &s->t[i].rdm;
		struct vmk_vm_disk_io *o = &io[i];

		if (!s->t[i].open)
			continue;
		memcpy(o->name, vm->cfg.disk[i].name, sizeof(o->name));
		o->shares = dsched_shares(vm->cfg.disk[i].shares);
		if (s->t[i].virtual_disk) {
			o->kind = VMK_VM_DISK_VIRTUAL;
			o->thin = vd->thin;
			o->nr_blocks = vd->nr_blocks;
			o->reads = vd->reads;
			o->writes = vd->writes;
			o->flushes = vd->flushes;
			o->blocks_read = vd->blocks_read;
			o->blocks_written = vd->blocks_written;
			o->errors = vd->io_errors;
		} else {
			o->kind = VMK_VM_DISK_RAW;
			o->nr_blocks = s->t[i].ref.nr_blocks;
			o->reads = r->reads;
			o->writes = r->writes;
			o->flushes = r->flushes;
			o->blocks_read = r->blocks_read;
			o->blocks_written = r->blocks_written;
			o->errors = r->io_errors;
		}
	}
}

void vm_disks_release(struct vm *vm)
{
	struct vm_scsi *s = vm->scsi;

	if (!s)
		return;
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		const struct dsched_flow *f = s->t[i].virtual_disk ? &s->t[i].vdisk.flow :
					      &s->t[i].ref.flow;

		if (!s->t[i].open)
			continue;
		log_info("vm %u '%s': scsi0:%u: %llu turns at the storage by %u disk shares, %llu waited, %llu in a kept turn",
			 vm->id, vm->cfg.name, i, (unsigned long long)f->turns, f->shares,
			 (unsigned long long)f->waited, (unsigned long long)f->kept);
		if (s->t[i].virtual_disk)
			storage_vdisk_close(&s->t[i].vdisk);
		else
			storage_lun_close(&s->t[i].ref, vm->id);
	}
	if (s->bounce_pa)
		pool_free(&vmk_pool, s->bounce_pa, VM_SCSI_BOUNCE_PAGES);
	vm->scsi = NULL;
	pool_free(&vmk_pool, vm->scsi_pa, VM_SCSI_PAGES);
}
