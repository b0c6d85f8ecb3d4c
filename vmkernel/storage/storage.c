// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/storage.h"
#include "vmkernel/storage/storage_world.h"
#include "vmkernel/storage/lun_io.h"
#include "vmkernel/storage/pvscsi_hba.h"
#include "vmkernel/storage/scan.h"
#include "vmkernel/storage/rdm.h"
#include "vmkernel/storage/datastore.h"
#include "vmkernel/storage/vdisk.h"
#include "vmkernel/storage/cos_disk.h"
#include "vmkernel/storage/cos_ring.h"
#include "vmkernel/storage/vmfs_file.h"
#include "vmkernel/storage/disk_sched.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/core/service.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/arch/x86/pci.h"
#include "vmkernel/core/pci_device.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"
#include "vmkernel/vm/vm.h"
#include "vmm/dev/pvscsi.h"

#define HBA_VA		PCI_DEVICE_VA_HBA

#define SCSI_READ_10	0x28	/* SBC-3 §5.11 */
#define SCSI_READ_16	0x88	/* SBC-3 §5.13 */
#define SCSI_WRITE_16	0x8a	/* SBC-3 §5.35 */
#define SCSI_SYNC_CACHE_10	0x35	/* SBC-3 §5.22 */
/* The debug read's and VM disks' deadline (lun_io.h) is short because: */
_Static_assert(LUN_IO_TIMEOUT_MS + 2 * PVH_ABORT_TIMEOUT_MS <= LUN_IO_HOLD_MAX_MS,
	       "a hung LUN would hold the storage lock longer than lun_io.h says");
/*
 * A hung LUN costs a scan one ladder (scan.h): 8 s, and the scan waits
 * for SCAN_HUNG_MAX of them, 16 s in all: hung LUNs delay the load by at
 * most that, and a COS CPU in a rescan stays under Linux's 20 s soft
 * lockup report.
 */
#define SCAN_LADDER_MS	(SCAN_CMD_TIMEOUT_MS + 2 * PVH_ABORT_TIMEOUT_MS)
_Static_assert(SCAN_HUNG_MAX * SCAN_LADDER_MS <= 16000,
	       "hung LUNs would delay the scan longer than docs/storage.md says");
/*
 * The scan's deadline, and the ladder tail of a command cut short by it;
 * a rescan's waits for the storage lock end by the deadline too.
 */
_Static_assert(SCAN_TOTAL_MS + 2 * PVH_ABORT_TIMEOUT_MS <= 16000,
	       "a scan would take longer than docs/storage.md says");
/* A rescan holds the storage lock for one command: no longer than I/O does. */
_Static_assert(SCAN_LADDER_MS <= LUN_IO_HOLD_MAX_MS,
	       "a rescan would hold the storage lock longer than lun_io.h says");
#define LUN_BLOCK_SIZE	512	/* what the VM's disk model offers */
_Static_assert(LUN_BLOCK_SIZE == DS_BLOCK_SIZE, "datastores and VM disks share the LUN path");
/* The datastores' bounce buffer: 64 KiB, as a VM's. */
#define DS_BOUNCE_PAGES	16
/* The COS's disk I/O goes through it too (storage_cos_disk()). */
_Static_assert(DS_BOUNCE_PAGES * VMK_PAGE_SIZE >= VMK_COS_DISK_MAX_BYTES,
	       "a COS disk request would not fit the bounce buffer");

/*
 * Who waits for st.lock, and how long (docs/storage.md "Who waits for
 * the storage lock"). Each holder keeps it for one command's ladder at
 * most (LUN_IO_HOLD_MAX_MS), a rescan between its commands too.
 *
 * A VM's disk command (lun_rw(), lun_flush(), vdisk_io_lock(), on the
 * storage world, storage_world.h) first waits for its disk's turn among the VM disks
 * waiting (st.dsched: proportional disk shares, disk_sched.h), then for
 * st.lock as long as it takes (gated_lock()): it is the guest's, whose
 * SCSI timeout judges it, and failing it here would be an error the
 * disk never gave. It does not start while a COS request waits.
 *
 * A COS request (the COS CPU in a hypercall) is urgent (gated_lock_by()):
 * it goes before VM commands that have not started, so it waits for the
 * hold in progress, at most LUN_IO_HOLD_MAX_MS, and for other COS
 * requests, which are not fair to each other; by COS_WAIT_MS, else
 * VMK_BUSY with nothing done (cos_lock()). A rescan's waits end by its
 * scan's deadline instead (storage_rescan()); between its commands it
 * lets the VM I/O queued meanwhile go first.
 *
 * A VM's raw LUNs let go at its end and the adapter stopped at the
 * give-back must happen: they are urgent with no deadline
 * (lock_urgent()), so wait for the hold in progress. A VM's virtual
 * disks, whose close writes the extent's lock off, wait COS_READ_WAIT_MS
 * and otherwise leave the close to the datastores' next beat
 * (storage_vdisk_close()).
 */
/* Linux reports a COS CPU held this long in a hypercall as a soft lockup. */
#define COS_SOFT_LOCKUP_MS	20000
/* `vmkctl storage luns` and a VM's start: one hung command waited out. */
#define COS_WAIT_MS		16000
_Static_assert(LUN_IO_HOLD_MAX_MS < COS_WAIT_MS && COS_WAIT_MS < COS_SOFT_LOCKUP_MS,
	       "a COS request would give up before one hung command ends, or wait past a soft lockup");
/*
 * The debug read, vmkfstools and a VM's start opening a virtual disk:
 * their own commands follow, one as long as one hung; a virtual disk's
 * also watches an on-disk lock's holder (DS_LOCK_WAIT_MS).
 */
#define COS_READ_WAIT_MS	4000
_Static_assert(COS_READ_WAIT_MS + DS_LOCK_WAIT_MS + LUN_IO_HOLD_MAX_MS < COS_SOFT_LOCKUP_MS,
	       "a debug read or a virtual disk's open would hold its COS CPU past a soft lockup");
/*
 * A DETACH first waits for its ring's running turn (cos_ring_stop()):
 * that request's own wait for st.lock and one command's ladder. Its own
 * wait for st.lock then gets what is left of COS_DETACH_MS, at least
 * COS_DETACH_MIN_MS and at most COS_READ_WAIT_MS.
 */
#define COS_DETACH_MIN_MS	500
#define COS_DETACH_MS		(COS_SOFT_LOCKUP_MS - COS_DETACH_MIN_MS)
_Static_assert(COS_READ_WAIT_MS + LUN_IO_HOLD_MAX_MS + COS_DETACH_MIN_MS <= COS_DETACH_MS,
	       "a DETACH would hold its COS CPU past a soft lockup");
/*
 * The last moment a COS request that began at start sends a piece of a
 * datastore's mount or format (struct ds_deadline): each piece may hold
 * st.lock up to LUN_IO_HOLD_MAX_MS (a hung LUN), and the COS CPU waiting
 * must not pass Linux's soft-lockup report. A LUN that answers every
 * piece slowly is never marked, and a mount is thousands of pieces.
 */
#define COS_DS_IO_MS	(COS_SOFT_LOCKUP_MS - LUN_IO_HOLD_MAX_MS - 1000)
_Static_assert(COS_DS_IO_MS >= 1000, "no time for a datastore's mount or format");

static struct {
	struct gated_lock lock;
	struct dsched dsched;		/* the VM disks' turns at lock */
	const char *holder;		/* who took lock last: for COS_WAIT_MS's message */
	uint32_t state;			/* VMK_STORAGE_* */
	struct pci_device dev;
	char msg[VMK_STORAGE_MSG_LEN];
	bool stopped;
	struct pvscsi_hba hba;
	struct scan_buf buf;		/* one pool page: scan and reads */
	struct scan_result scan;	/* the LUN list: the scan at load, rescans merged */
	/* one rescan at a time, held while it lets go of lock (or lost it) */
	struct spinlock rescan_lock;
	struct scan_buf rescan_buf;	/* the rescan's own page */
	struct scan_result fresh;	/* what the rescan running finds */
	struct storage_cmd cmd;		/* the debug read's and VM disks' */
	struct lun_io io;		/* runs cmd; unresponsive LUNs */
	struct rdm_claims claims;	/* LUNs open by VMs */
	struct datastores ds;		/* VMFS volumes found at load */
	struct vdisk_claims vdisks;	/* virtual disks open by VMs */
	struct storage_lun_ref ds_ref[DS_MAX];	/* their LUNs: the io_ctx of each */
	struct ds_bounce ds_bounce;
	int ds_beat_task;		/* service_register()'s handle, or -1 */
	struct vmk_datastore_list ds_out;	/* VMK_HC_STORAGE_DATASTORES, under lock */
	char desc_text[VDISK_DESC_MAX];	/* VMK_HC_STORAGE_VDISK's descriptor, under lock */
	struct cos_disks cos_disks;	/* LUNs the COS has (VMK_HC_COS_DISK) */
	struct vmfs_files vmfs_files;	/* files the COS has open (VMK_HC_VMFS_FILE) */
	uint8_t *vmfs_buf;		/* their READ and WRITE's bytes: taken at the first */
} st;

static const struct pvscsi_hba_ops hba_ops = {
	pci_device_mmio_read, pci_device_mmio_write, pci_device_alloc_pages,
	pci_device_now_ms, (void *)HBA_VA,
};

static uint64_t now_ms(void)
{
	return pci_device_now_ms((void *)HBA_VA);
}

static uint64_t dsched_now_us(void *ctx)
{
	(void)ctx;
	return vmk_time_us();
}

/*
 * A COS request's wait for st.lock (the top of this file); false: not
 * had within wait_ms, why in msg, logged: who waited for whom, and that
 * it did nothing.
 */
static bool cos_lock(const char *who, uint32_t wait_ms, const char *undone,
		     char *msg, uint32_t len)
{
	const char *holder;

	if (gated_lock_by(&st.lock, pci_device_now_ms, (void *)HBA_VA, now_ms() + wait_ms)) {
		st.holder = who;
		return true;
	}
	/* Read without the lock: a hint, set by whoever holds it. */
	holder = __atomic_load_n(&st.holder, __ATOMIC_RELAXED);
	fmt_snprintf(msg, len, "waited %u s for the storage lock, held by %s (a disk not answering?): %s; try again",
		     (wait_ms + 999) / 1000, holder ? holder : "another request", undone);
	log_warn("storage: vmhba0: %s: %s", who, msg);
	return false;
}

/* For what must happen: urgent, with no deadline (the top of this file). */
static void lock_urgent(const char *who)
{
	gated_lock_by(&st.lock, pci_device_now_ms, (void *)HBA_VA, ~0ull);
	st.holder = who;
}

static void refuse(const char *why)
{
	st.state = VMK_STORAGE_REFUSED;
	fmt_snprintf(st.msg, sizeof(st.msg), "%s", why);
	log_warn("storage: PVSCSI HBA at %02x:%02x.%x not taken: %s",
		 st.dev.bdf >> 8, (st.dev.bdf >> 3) & 31, st.dev.bdf & 7, why);
}

/*
 * Targets a scan skipped after SCAN_HUNG_MAX hung commands or its
 * deadline, LUNs listed once its list was full: log and st.msg. The
 * LUNs it listed but did not probe say so.
 */
static void note_skipped(const struct scan_result *r)
{
	st.msg[0] = '\0';
	if (r->overflow) {
		fmt_snprintf(st.msg, sizeof(st.msg),
			     "the scan's list holds %u LUNs: %u more, from target %u on, not probed; rescans keep them as they were",
			     (unsigned int)ARRAY_SIZE(r->lun), r->overflow, r->overflow_from);
		log_warn("storage: vmhba0: %s", st.msg);
	}
	if (!r->targets_skipped && !r->out_of_time)
		return;
	if (r->out_of_time && !r->targets_skipped)
		fmt_snprintf(st.msg, sizeof(st.msg),
			     "the scan ran out of its %u s: LUNs it did not reach are listed not probed: vmkctl storage rescan",
			     SCAN_TOTAL_MS / 1000);
	else if (r->out_of_time)
		fmt_snprintf(st.msg, sizeof(st.msg),
			     "the scan ran out of its %u s and skipped targets %u-%u: vmkctl storage rescan",
			     SCAN_TOTAL_MS / 1000, r->skipped_from,
			     r->skipped_from + r->targets_skipped - 1);
	else
		fmt_snprintf(st.msg, sizeof(st.msg),
			     "the scan met %u hung commands and skipped targets %u-%u: vmkctl storage rescan",
			     r->hung, r->skipped_from, r->skipped_from + r->targets_skipped - 1);
	log_warn("storage: vmhba0: %s", st.msg);
}

static void log_luns(void)
{
	unsigned int i;

	log_info("storage: vmhba0 (pvscsi at %02x:%02x.%x, BAR %llx+%x): %u LUNs",
		 st.dev.bdf >> 8, (st.dev.bdf >> 3) & 31, st.dev.bdf & 7,
		 (unsigned long long)st.dev.bar_pa, st.dev.bar_len, st.scan.nr_luns);
	for (i = 0; i < st.scan.nr_luns; i++) {
		const struct scan_lun *l = &st.scan.lun[i];

		log_info("storage: vmhba0:C0:T%u:L%u %s %s %llu blocks of %u%s%s",
			 l->target, l->lun, l->vendor, l->product,
			 (unsigned long long)l->nr_blocks, l->block_size,
			 l->error ? ": " : "", l->error ? l->error : "");
	}
}

static void mount_datastores(void);

/*
 * The device forgets its rings and stops DMA into the pool, which goes
 * back to Linux after the give-back; bus mastering off and INTx on again
 * (pci_device_release()) for the COS's driver. Also after a failed
 * setup: a FAILED adapter is never used, but it was taken.
 */
static void hba_give_back(void)
{
	pci_device_mmio_write((void *)HBA_VA, PVSCSI_REG_INTR_MASK, 0);
	pci_device_mmio_write((void *)HBA_VA, PVSCSI_REG_COMMAND, PVSCSI_CMD_ADAPTER_RESET);
	pci_device_release(&st.dev);
	st.stopped = true;
	log_info("storage: vmhba0 reset and handed back to the COS");
}

void storage_global_init(void)
{
	struct vmk_why why = { "" };
	uint32_t pa, rescan_pa;

	st.ds_beat_task = -1;
	dsched_init(&st.dsched, dsched_now_us, NULL);
	if (!(vmk_boot_info.flags & VMK_BOOT_STORAGE)) {
		st.state = VMK_STORAGE_COS;
		fmt_snprintf(st.msg, sizeof(st.msg),
			     "the COS drives it: load vmkload with storage=1 to hand it to the vmkernel");
		return;
	}
	if (!pci_find(PVSCSI_VENDOR_ID, PVSCSI_DEVICE_ID, &st.dev.bdf)) {
		log_info("storage: no PVSCSI HBA on the PCI buses");
		return;
	}
	if (pci_device_take(&st.dev, PVSCSI_BAR_SIZE, HBA_VA, &why) != VMK_OK)
		return refuse(why.text);
	st.state = VMK_STORAGE_RUNNING;
	if (pvscsi_hba_init(&st.hba, &hba_ops) != VMK_OK ||
	    vmk_alloc_pages(1, &pa) != VMK_OK ||
	    vmk_alloc_pages(1, &rescan_pa) != VMK_OK) {
		st.state = VMK_STORAGE_FAILED;
		fmt_snprintf(st.msg, sizeof(st.msg), "adapter setup failed: %s",
			     pvscsi_hba_error(&st.hba) ? pvscsi_hba_error(&st.hba) :
			     "no memory for its rings");
		log_err("storage: vmhba0: %s", st.msg);
		/* It may hold the rings' pool pages: those go back to Linux. */
		hba_give_back();
		return;
	}
	lun_io_init(&st.io, &st.hba.adapter, pci_device_now_ms, (void *)HBA_VA);
	st.buf.virt = pa_to_va(pa);
	st.buf.phys = pa;
	st.buf.len = VMK_PAGE_SIZE;
	st.rescan_buf.virt = pa_to_va(rescan_pa);
	st.rescan_buf.phys = rescan_pa;
	st.rescan_buf.len = VMK_PAGE_SIZE;
	scan_adapter(&st.hba.adapter, &st.buf, now_ms(), NULL, NULL, &st.scan);
	log_luns();
	note_skipped(&st.scan);
	mount_datastores();
}

static void copy_str(char *dst, size_t size, const char *src)
{
	fmt_snprintf(dst, size, "%s", src ? src : "");
}

/* The prefix of what `vmkctl storage luns` prints for a LUN. */
static void lun_path(char *buf, uint32_t len, uint32_t target, uint32_t lun)
{
	fmt_snprintf(buf, len, "vmhba0:C0:T%u:L%u", target, lun);
}

/* Whole seconds from then to now. */
static unsigned long long secs_since(uint64_t then)
{
	uint64_t now = now_ms();

	return now > then ? (now - then) / 1000 : 0;
}

/* Seconds until a marked LUN's (or the adapter's) next probe, rounded up. */
static unsigned long long secs_to_probe(const struct lun_io_down *d)
{
	uint64_t now = now_ms();

	return d->retry_at > now ? (d->retry_at - now + 999) / 1000 : 0;
}

/* A marked LUN as `vmkctl storage luns` shows it (its error field); else "". */
static void lun_state(char *buf, uint32_t len, uint32_t target, uint32_t lun)
{
	const struct lun_io_down *d = lun_io_find(&st.io, target, lun);

	if (!d) {
		buf[0] = '\0';
		return;
	}
	fmt_snprintf(buf, len, "unresponsive %llu s: I/O fails at once; probe in %llu s",
		     secs_since(d->since), secs_to_probe(d));
}

/*
 * The log line (VMK_LOG_TEXT_LEN) of what the last lun_io_run() changed:
 * one when a LUN is marked and one when it answers again; failed probes
 * and adapter resets on their 1st, 2nd, 4th, 8th... time. Commands
 * failed at once: none.
 */
static void log_lun_io_event(void)
{
	const struct lun_io_down *d = &st.io.event_down;
	const char *why = pvscsi_hba_error(&st.hba);
	char path[24];

	lun_path(path, sizeof(path), d->target, d->lun);
	switch (st.io.event) {
	case LUN_EV_NONE:
		break;
	case LUN_EV_UNRESPONSIVE:
		log_warn("storage: %s: no answer to cmd %02x: unresponsive, I/O fails at once; probe after %u s",
			 path, d->opcode, d->backoff_ms / 1000);
		break;
	case LUN_EV_PROBE_FAILED:
		if (lun_io_worth_logging(d->probes_failed))
			log_warn("storage: %s: still no answer (%llu probes, %llu I/Os failed); next after %u s",
				 path, (unsigned long long)d->probes_failed,
				 (unsigned long long)d->fast_failed, d->backoff_ms / 1000);
		break;
	case LUN_EV_RESPONSIVE:
		log_info("storage: %s answers again after %llu s (%llu I/Os failed at once)",
			 path, secs_since(d->since), (unsigned long long)d->fast_failed);
		break;
	case LUN_EV_ADAPTER_DOWN:
		log_err("storage: vmhba0 down: %s; reset after %u s",
			why ? why : "queue refused", d->backoff_ms / 1000);
		break;
	case LUN_EV_ADAPTER_RESET_FAILED:
		if (lun_io_worth_logging(d->probes_failed))
			log_err("storage: vmhba0: reset %llu failed: %s",
				(unsigned long long)d->probes_failed,
				why ? why : "queue refused");
		break;
	case LUN_EV_ADAPTER_UP:
		log_info("storage: vmhba0 reset after %llu s down: takes commands again",
			 secs_since(d->since));
		break;
	}
}

vmk_status_t storage_list_fill(struct vmk_storage_list *l)
{
	unsigned int i;

	if (!cos_lock("vmkctl storage luns", COS_WAIT_MS, "nothing listed", l->msg,
		      sizeof(l->msg)))
		return VMK_BUSY;
	l->state = st.state;
	l->pci_bdf = st.dev.bdf;
	l->bar_pa = st.dev.bar_pa;
	l->bar_len = st.dev.bar_len;
	copy_str(l->name, sizeof(l->name), "vmhba0");
	copy_str(l->driver, sizeof(l->driver), "pvscsi");
	if (st.state == VMK_STORAGE_RUNNING && pvscsi_hba_error(&st.hba))
		copy_str(l->msg, sizeof(l->msg), pvscsi_hba_error(&st.hba));
	else
		copy_str(l->msg, sizeof(l->msg), st.msg);
	l->completions = st.hba.stats.completions;
	l->bogus_completions = st.hba.stats.bogus_completions;
	l->timeouts = st.hba.stats.timeouts;
	l->aborts = st.hba.stats.aborts;
	l->bus_resets = st.hba.stats.bus_resets;
	l->adapter_resets = st.hba.stats.adapter_resets;
	l->nluns = MIN(st.scan.nr_luns, VMK_STORAGE_MAX_LUNS);
	for (i = 0; i < l->nluns; i++) {
		const struct scan_lun *s = &st.scan.lun[i];
		struct vmk_storage_lun *o = &l->lun[i];

		o->target = s->target;
		o->lun = s->lun;
		o->type = s->type;
		o->block_size = s->block_size;
		o->nr_blocks = s->nr_blocks;
		copy_str(o->vendor, sizeof(o->vendor), s->vendor);
		copy_str(o->product, sizeof(o->product), s->product);
		copy_str(o->error, sizeof(o->error), s->error);
		if (!s->error)
			lun_state(o->error, sizeof(o->error), s->target, s->lun);
	}
	gated_unlock(&st.lock);
	return VMK_OK;
}

/*
 * The LUN at target:lun: the one listed, else a gone one (a different
 * disk may have been found there after it: scan_merge()).
 */
static const struct scan_lun *find_lun(uint32_t target, uint32_t lun)
{
	const struct scan_lun *found = NULL;

	for (unsigned int i = 0; i < st.scan.nr_luns; i++) {
		const struct scan_lun *l = &st.scan.lun[i];

		if (l->target == target && l->lun == lun && (!found || !l->gone))
			found = l;
	}
	return found;
}

static vmk_status_t read_refused(struct vmk_storage_read *r, const char *why)
{
	copy_str(r->msg, sizeof(r->msg), why);
	return VMK_BAD_PARAM;
}

/* Why the debug read failed, in r->msg, and its status. */
static vmk_status_t read_failed(struct vmk_storage_read *r, enum lun_io_result res)
{
	const struct lun_io_down *d = lun_io_find(&st.io, r->target, r->lun);
	const struct lun_io_down *ad = lun_io_adapter_down(&st.io);
	char path[24];

	lun_path(path, sizeof(path), r->target, r->lun);
	if (res == LUN_IO_REFUSED && ad) {
		fmt_snprintf(r->msg, sizeof(r->msg), "vmhba0 refuses commands (vmkctl storage adapters); its reset in %llu s",
			     secs_to_probe(ad));
		return VMK_HW_FAILURE;
	}
	if (res == LUN_IO_REFUSED)
		return read_refused(r, "the adapter refused the command");
	if (res == LUN_IO_UNRESPONSIVE)
		fmt_snprintf(r->msg, sizeof(r->msg), "%s has not answered for %llu s: not sent; the first I/O in %llu s probes it",
			     path, secs_since(d->since), secs_to_probe(d));
	else if (d)
		fmt_snprintf(r->msg, sizeof(r->msg), "%s did not answer in time (aborted): unresponsive, its I/O fails at once for %llu s",
			     path, secs_to_probe(d));
	else
		copy_str(r->msg, sizeof(r->msg), "the READ failed at the device");
	return VMK_HW_FAILURE;
}

/* Called with st.lock held. */
static vmk_status_t read_locked(struct vmk_storage_read *r)
{
	const struct scan_lun *l = find_lun(r->target, r->lun);
	struct storage_cmd *c = &st.cmd;
	enum lun_io_result res;
	uint64_t len;

	if (st.state != VMK_STORAGE_RUNNING || st.stopped)
		return read_refused(r, "the vmkernel drives no storage adapter");
	if (l && l->gone)
		return read_refused(r, "that LUN is gone: the last rescan did not find it");
	if (!l || l->error || !l->block_size)
		return read_refused(r, "no usable disk at that target and LUN");
	len = (uint64_t)r->blocks * l->block_size;
	if (!r->blocks || r->blocks > 0xffff || len > VMK_STORAGE_READ_MAX ||
	    len > st.buf.len)
		return read_refused(r, "block count out of range (at most 4 KiB)");
	if (r->lba > 0xffffffffull || r->lba + r->blocks > l->nr_blocks)
		return read_refused(r, "the blocks lie beyond the LUN's end");
	memset(c, 0, sizeof(*c));
	c->target = r->target;
	c->lun = r->lun;
	c->cdb[0] = SCSI_READ_10;
	c->cdb[2] = (uint8_t)(r->lba >> 24);
	c->cdb[3] = (uint8_t)(r->lba >> 16);
	c->cdb[4] = (uint8_t)(r->lba >> 8);
	c->cdb[5] = (uint8_t)r->lba;
	c->cdb[7] = (uint8_t)(r->blocks >> 8);
	c->cdb[8] = (uint8_t)r->blocks;
	c->cdb_len = 10;
	c->dir = STORAGE_DIR_READ;
	c->nr_sg = 1;
	c->sg[0].addr = st.buf.phys;
	c->sg[0].len = (uint32_t)len;
	c->timeout_ms = LUN_IO_TIMEOUT_MS;
	res = lun_io_run(&st.io, c);
	log_lun_io_event();
	r->host = c->host;
	r->status = c->status;
	r->sense_key = c->sense_len > 2 ? c->sense[2] & 0xf : 0;
	if (res != LUN_IO_ENDED || c->host != STORAGE_HOST_OK || c->status)
		return read_failed(r, res);
	r->len = (uint32_t)(len - MIN(c->residual, len));
	memcpy(r->data, st.buf.virt, r->len);
	return VMK_OK;
}

vmk_status_t storage_read(struct vmk_storage_read *r)
{
	vmk_status_t s;

	if (!cos_lock("vmkctl storage read", COS_READ_WAIT_MS, "nothing sent", r->msg,
		      sizeof(r->msg)))
		return VMK_BUSY;
	s = read_locked(r);
	gated_unlock(&st.lock);
	return s;
}

vmk_status_t storage_lun_open(const char *name, uint32_t owner,
			      const char *owner_name, struct storage_lun_ref *ref,
			      struct vmk_why *why)
{
	const struct scan_lun *l;
	const struct datastore *ds;
	const char *holder = NULL;
	enum rdm_claim_status cs;
	uint32_t target, lun;
	vmk_status_t s = VMK_BAD_PARAM;

	if (!rdm_parse_name(name, &target, &lun)) {
		why_set(why, "'%s' is not a LUN name like vmhba0:C0:T0:L0 (vmkctl storage luns)", name);
		return VMK_BAD_PARAM;
	}
	if (!cos_lock("a VM's start", COS_WAIT_MS, "not opened", why->text,
		      sizeof(why->text)))
		return VMK_BUSY;
	l = find_lun(target, lun);
	if (st.state != VMK_STORAGE_RUNNING || st.stopped) {
		why_set(why, "%s: the vmkernel drives no storage adapter (load vmkload with storage=1)", name);
	} else if (!l || l->error || l->type != SCAN_TYPE_DISK || !l->nr_blocks) {
		why_set(why, "%s: no usable disk there (vmkctl storage luns)", name);
	} else if (l->block_size != LUN_BLOCK_SIZE) {
		why_set(why, "%s: blocks of %u bytes; a VM disk needs %u", name,
			l->block_size, LUN_BLOCK_SIZE);
		s = VMK_NOT_SUPPORTED;
	} else if ((ds = ds_on_lun(&st.ds, target, lun)) != NULL) {
		why_set(why, "%s holds datastore '%s', mounted by the vmkernel: it cannot also be a VM's raw disk",
			name, ds->info.label);
		s = VMK_BUSY;
	} else if (cos_disk_attached(&st.cos_disks, target, lun)) {
		why_set(why, "%s is the COS's disk (vmkload cos_disks=): it cannot also be a VM's raw disk",
			name);
		s = VMK_BUSY;
	} else {
		cs = rdm_claim(&st.claims, target, lun, owner, owner_name, &holder);
		if (cs == RDM_CLAIM_BUSY) {
			why_set(why, "%s is in use read-write by vm '%s'", name, holder);
			s = VMK_BUSY;
		} else if (cs == RDM_CLAIM_FULL) {
			why_set(why, "%s: %u LUNs are open by VMs already", name,
				RDM_MAX_CLAIMS);
			s = VMK_BUSY;
		} else {
			ref->target = target;
			ref->lun = lun;
			ref->nr_blocks = l->nr_blocks;
			ref->id = l->id;
			s = VMK_OK;
		}
	}
	gated_unlock(&st.lock);
	return s;
}

void storage_lun_close(const struct storage_lun_ref *ref, uint32_t owner)
{
	dsched_forget(&st.dsched, &ref->flow);
	lock_urgent("a VM's end");
	rdm_release(&st.claims, ref->target, ref->lun, owner);
	gated_unlock(&st.lock);
}

/* A VM's disk command, or a datastore's: patient (the top of this file). */
static void lock_for_io(const char *who)
{
	gated_lock(&st.lock);
	st.holder = who;
}

/*
 * A VM disk's command of blocks: its turn (disk_sched.h; its vCPU spins
 * meanwhile), then st.lock. unlock_for_vm_io() gives both back.
 */
static void lock_for_vm_io(struct dsched_flow *f, uint32_t blocks, const char *who)
{
	dsched_wait(&st.dsched, f, blocks);
	lock_for_io(who);
}

static void unlock_for_vm_io(struct dsched_flow *f)
{
	gated_unlock(&st.lock);
	dsched_done(&st.dsched, f);
}

/* One command to its end (polled, lun_io.h), with st.lock held. */
static enum rdm_io_status lun_command(const struct storage_lun_ref *ref,
				      const uint8_t *cdb, uint8_t cdb_len, enum storage_dir dir,
				      const struct storage_sg *sg, uint32_t nr_sg)
{
	struct storage_cmd *c = &st.cmd;
	const struct scan_lun *l;
	enum lun_io_result res;
	char path[24];

	if (st.state != VMK_STORAGE_RUNNING || st.stopped)
		return RDM_IO_ERROR;
	l = find_lun(ref->target, ref->lun);
	if (!l || l->gone || !scan_same_id(&l->id, &ref->id))
		return RDM_IO_UNRESPONSIVE;	/* logged by the rescan, once */
	memset(c, 0, sizeof(*c));
	c->target = ref->target;
	c->lun = ref->lun;
	memcpy(c->cdb, cdb, cdb_len);
	c->cdb_len = cdb_len;
	c->dir = dir;
	if (dir != STORAGE_DIR_NONE) {
		c->nr_sg = nr_sg;
		memcpy(c->sg, sg, nr_sg * sizeof(*sg));
	}
	c->timeout_ms = LUN_IO_TIMEOUT_MS;
	res = lun_io_run(&st.io, c);
	log_lun_io_event();
	if (res == LUN_IO_UNRESPONSIVE || c->host == STORAGE_HOST_TIMEOUT ||
	    (res == LUN_IO_REFUSED && lun_io_adapter_down(&st.io)))
		return RDM_IO_UNRESPONSIVE;	/* logged by the event, once */
	if (res == LUN_IO_ENDED && c->host == STORAGE_HOST_OK && !c->status &&
	    !c->residual)
		return RDM_IO_OK;
	lun_path(path, sizeof(path), ref->target, ref->lun);
	log_warn("storage: %s: command %02x failed: host %u, status %02x, sense key %x, residual %llu",
		 path, cdb[0], c->host, c->status,
		 c->sense_len > 2 ? c->sense[2] & 0xf : 0,
		 (unsigned long long)c->residual);
	return RDM_IO_ERROR;
}

/*
 * A block read or write of ref's LUN to or from nr_sg physical ranges
 * that hold its nr blocks, with st.lock held.
 */
static enum rdm_io_status lun_rw_sg_locked(void *ctx, bool write, uint64_t lba, uint32_t nr,
					   const struct storage_sg *sg, uint32_t nr_sg)
{
	const struct storage_lun_ref *ref = ctx;
	uint8_t cdb[16] = { write ? SCSI_WRITE_16 : SCSI_READ_16 };
	uint64_t len = 0;

	if (!nr || nr > 0xffff || lba > ref->nr_blocks || nr > ref->nr_blocks - lba ||
	    !nr_sg || nr_sg > STORAGE_SG_MAX)
		return RDM_IO_ERROR;
	for (uint32_t i = 0; i < nr_sg; i++)
		len += sg[i].len;
	if (len != (uint64_t)nr * LUN_BLOCK_SIZE)
		return RDM_IO_ERROR;
	for (int i = 0; i < 8; i++)
		cdb[2 + i] = (uint8_t)(lba >> (56 - 8 * i));
	cdb[10] = (uint8_t)(nr >> 24);
	cdb[11] = (uint8_t)(nr >> 16);
	cdb[12] = (uint8_t)(nr >> 8);
	cdb[13] = (uint8_t)nr;
	return lun_command(ref, cdb, sizeof(cdb),
			   write ? STORAGE_DIR_WRITE : STORAGE_DIR_READ, sg, nr_sg);
}

/* The same to or from one buffer at pa. */
static enum rdm_io_status lun_rw_locked(void *ctx, bool write, uint64_t lba,
					uint32_t nr, uint64_t pa)
{
	struct storage_sg sg = { .addr = pa, .len = nr * LUN_BLOCK_SIZE };

	return lun_rw_sg_locked(ctx, write, lba, nr, &sg, 1);
}

static enum rdm_io_status lun_flush_locked(void *ctx)
{
	uint8_t cdb[10] = { SCSI_SYNC_CACHE_10 };

	return lun_command(ctx, cdb, sizeof(cdb), STORAGE_DIR_NONE, NULL, 0);
}

static enum rdm_io_status lun_rw_sg(void *ctx, bool write, uint64_t lba, uint32_t nr,
				    const struct storage_sg *sg, uint32_t nr_sg)
{
	struct storage_lun_ref *ref = ctx;
	enum rdm_io_status ret;

	lock_for_vm_io(&ref->flow, nr, "VM disk I/O");
	ret = lun_rw_sg_locked(ctx, write, lba, nr, sg, nr_sg);
	unlock_for_vm_io(&ref->flow);
	return ret;
}

static enum rdm_io_status lun_rw(void *ctx, bool write, uint64_t lba,
				 uint32_t nr, uint64_t pa)
{
	struct storage_sg sg = { .addr = pa, .len = nr * LUN_BLOCK_SIZE };

	return lun_rw_sg(ctx, write, lba, nr, &sg, 1);
}

static enum rdm_io_status lun_flush(void *ctx)
{
	struct storage_lun_ref *ref = ctx;
	enum rdm_io_status ret;

	lock_for_vm_io(&ref->flow, 0, "VM disk I/O");
	ret = lun_flush_locked(ctx);
	unlock_for_vm_io(&ref->flow);
	return ret;
}

const struct rdm_io_ops storage_lun_io_ops = { lun_rw, lun_flush, lun_rw_sg };

/*
 * A datastore's LUN: the same path as a VM's; the caller holds st.lock
 * (the mount, the heartbeat task, the give-back; datastore.h).
 */
static const struct rdm_io_ops ds_lun_io_ops = {
	lun_rw_locked, lun_flush_locked, lun_rw_sg_locked,
};

/*
 * The heartbeat task (the service world, CPU 0, interrupts off, every
 * DS_BEAT_NS): one beat of every datastore. It waits DS_BEAT_LOCK_MS at
 * most for st.lock, as an urgent taker (no patient hold begins while it
 * waits): a VM's command on a hung LUN holds the lock up to
 * LUN_IO_HOLD_MAX_MS, and CPU 0 must not wait that out. A beat not had
 * in time is skipped and counted; vmkfs takes a heartbeat as stale only
 * after it stood still for its lock timeout (seconds).
 */
#define DS_BEAT_NS		(1000 * 1000000ull)
#define DS_BEAT_LOCK_MS		20

static void ds_beat_task(void *ctx)
{
	char path[24];

	(void)ctx;
	if (!gated_lock_by(&st.lock, pci_device_now_ms, (void *)HBA_VA,
			   now_ms() + DS_BEAT_LOCK_MS)) {
		ds_beat_missed(&st.ds);
		return;
	}
	st.holder = "the datastores' heartbeat";
	if (vdisk_close_late(&st.vdisks))
		log_info("storage: vmhba0: virtual disks a VM's end left open are closed");
	for (unsigned int i = 0; i < DS_MAX; i++) {
		struct datastore *ds = &st.ds.ds[i];

		if (!ds->used || !ds->vol || !ds_heartbeat(ds))
			continue;
		/* Rate-limited: failures 1, 2, 4, 8, ... are logged. */
		if (ds->beats_failed & (ds->beats_failed - 1))
			continue;
		lun_path(path, sizeof(path), ds->target, ds->lun);
		log_warn("storage: %s: datastore '%s': %s (%u failed)", path,
			 ds->info.label, ds->msg, ds->beats_failed);
	}
	gated_unlock(&st.lock);
}

/*
 * The VM that maps target:lun raw: one that has it open (a claim), else
 * one the vmkernel holds powered off whose config names it (its next
 * power-on opens it); its name, or NULL. name: room for a VM's name.
 */
static const char *raw_user(uint32_t target, uint32_t lun, char *name, uint32_t len)
{
	const char *holder = rdm_holder(&st.claims, target, lun);

	if (holder)
		return holder;
	return vm_maps_lun_raw(target, lun, name, len) ? name : NULL;
}

/* A reference no datastore entry reads through, for a new mount; or NULL. */
static struct storage_lun_ref *free_ds_ref(void)
{
	for (unsigned int i = 0; i < DS_MAX; i++)
		if (!ds_uses_ctx(&st.ds, &st.ds_ref[i]))
			return &st.ds_ref[i];
	return NULL;
}

/* Whether the list has an entry, mounted or refused, for target:lun. */
static bool ds_listed(uint32_t target, uint32_t lun)
{
	for (unsigned int i = 0; i < DS_MAX; i++)
		if (st.ds.ds[i].used && st.ds.ds[i].target == target &&
		    st.ds.ds[i].lun == lun)
			return true;
	return false;
}

/*
 * With st.lock held: every usable disk of the list without an entry yet
 * whose start holds a VMFS volume is mounted read-write as a datastore
 * (a refused volume gets its entry too); one that a VM holds raw, or
 * that does not answer, is not looked at, nor any once probe_by (ms,
 * 0: none) has passed, and no mount sends a piece after it. The
 * heartbeat task starts with the first datastore. The number mounted.
 */
static uint32_t mount_new_locked(const char *why_mounted, uint64_t probe_by)
{
	char path[24], why[DS_WHY_LEN], vm_name[VMK_VM_NAME_LEN];
	uint32_t mounted = 0, late = 0;

	if (!st.ds_bounce.virt)
		return 0;
	st.ds.deadline = (struct ds_deadline){ pci_device_now_ms, (void *)HBA_VA, probe_by };
	for (unsigned int i = 0; i < st.scan.nr_luns; i++) {
		const struct scan_lun *l = &st.scan.lun[i];
		const char *holder;
		struct storage_lun_ref *ref;
		const struct datastore *ds;
		uint64_t t0 = now_ms();

		if (l->error || l->gone || l->unresponsive || l->type != SCAN_TYPE_DISK ||
		    l->block_size != LUN_BLOCK_SIZE || !l->nr_blocks ||
		    lun_io_find(&st.io, l->target, l->lun) || ds_listed(l->target, l->lun))
			continue;
		lun_path(path, sizeof(path), l->target, l->lun);
		holder = raw_user(l->target, l->lun, vm_name, sizeof(vm_name));
		if (holder) {
			log_info("storage: %s: vm '%s' maps it raw: not mounted as a datastore",
				 path, holder);
			continue;
		}
		if (cos_disk_attached(&st.cos_disks, l->target, l->lun)) {
			log_info("storage: %s: the COS's disk: not mounted as a datastore", path);
			continue;
		}
		if (probe_by && now_ms() > probe_by) {
			late++;
			continue;
		}
		ref = free_ds_ref();
		if (!ref)
			break;
		ref->target = l->target;
		ref->lun = l->lun;
		ref->nr_blocks = l->nr_blocks;
		ref->id = l->id;
		switch (ds_mount(&st.ds, l->target, l->lun, l->nr_blocks, &ds_lun_io_ops,
				 ref, &st.ds_bounce, why, sizeof(why))) {
		case DS_NO_VOLUME:
			break;
		case DS_MOUNTED:
			mounted++;
			ds = ds_on_lun(&st.ds, l->target, l->lun);
			log_info("storage: %s: datastore '%s' mounted read-write%s: %llu MiB, %llu MiB free (%llu ms)",
				 path, ds->info.label, why_mounted,
				 (unsigned long long)(ds->info.capacity >> 20),
				 (unsigned long long)(ds->info.free_bytes >> 20),
				 (unsigned long long)(now_ms() - t0));
			if (ds->info.label_ignored)
				log_warn("storage: %s: %s", path, ds->msg);
			break;
		case DS_REFUSED:
			log_warn("storage: %s: VMFS volume not mounted: %s", path, why);
			break;
		case DS_IO_FAILED:
			log_warn("storage: %s: no volume listed, a rescan tries again: a read failed: %s",
				 path, why);
			break;
		case DS_TOO_SLOW:
			log_warn("storage: %s: %s; rescan again", path, why);
			late++;
			break;
		}
	}
	st.ds.deadline.by = 0;
	if (late)
		log_warn("storage: vmhba0: %u LUNs not looked at for VMFS volumes: the rescan ran out of time (a slow LUN?); rescan again",
			 late);
	if (mounted && st.ds_beat_task < 0)
		st.ds_beat_task = service_register("datastore heartbeat", DS_BEAT_NS,
						   ds_beat_task, NULL);
	return mounted;
}

/*
 * At load, after the scan (CPU 0, no COS and no VM runs: nobody else
 * takes st.lock): the datastores' bounce buffer, then every volume found
 * is mounted (mount_new_locked()).
 */
static void mount_datastores(void)
{
	uint32_t pa;

	if (vmk_alloc_pages(DS_BOUNCE_PAGES, &pa) != VMK_OK) {
		log_warn("storage: no memory for the datastores' bounce buffer: no VMFS volume mounted");
		return;
	}
	st.ds_bounce.virt = pa_to_va(pa);
	st.ds_bounce.pa = pa;
	st.ds_bounce.blocks = DS_BOUNCE_PAGES * VMK_PAGE_SIZE / LUN_BLOCK_SIZE;
	lock_for_io("a datastore's mount");
	mount_new_locked("", 0);
	gated_unlock(&st.lock);
}

/*
 * A virtual disk's vmkfs calls (vdisk.h): patient, as a VM's LUN
 * commands; each is one request of at most the VM's bounce buffer, which
 * vmkfs may turn into several commands (a thin disk's first write to a
 * block zeroes it and updates its map), each bounded as lun_io.h says.
 */
static void vdisk_io_lock(void *ctx, struct vdisk *vd, uint32_t blocks)
{
	(void)ctx;
	lock_for_vm_io(&vd->flow, blocks, "VM disk I/O (a virtual disk)");
}

static void vdisk_io_unlock(void *ctx, struct vdisk *vd)
{
	(void)ctx;
	unlock_for_vm_io(&vd->flow);
}

static const struct vdisk_lock vdisk_io_lock_ops = { vdisk_io_lock, vdisk_io_unlock, NULL };

vmk_status_t storage_vdisk_open(const char *name, uint32_t owner,
				const char *owner_name, struct vdisk *vd,
				struct vmk_why *why)
{
	char label[VDISK_LABEL_LEN], path[VDISK_NAME_LEN], msg[DS_WHY_LEN];
	const struct datastore *ds;
	vmk_status_t s = VMK_BAD_PARAM;
	int ret;

	vd->f = NULL;
	vd->lock = &vdisk_io_lock_ops;
	if (!vdisk_split_name(name, label, path, msg, sizeof(msg))) {
		why_set(why, "%s: %s", name, msg);
		return VMK_BAD_PARAM;
	}
	if (!cos_lock("a VM's start", COS_READ_WAIT_MS, "not opened", why->text,
		      sizeof(why->text)))
		return VMK_BUSY;
	/* before any claim: a late one's VM memory may be this vd now */
	vdisk_close_late(&st.vdisks);
	if (st.state != VMK_STORAGE_RUNNING || st.stopped) {
		why_set(why, "%s: the vmkernel drives no storage adapter (load vmkload with storage=1)", name);
	} else if (!(ds = ds_by_label(&st.ds, label))) {
		why_set(why, "%s: no datastore '%s' is mounted (vmkctl storage datastores)",
			name, label);
	} else {
		ret = vdisk_open(&st.vdisks, ds->vol, path, owner, owner_name, vd,
				 msg, sizeof(msg));
		if (ret == VMKFS_OK) {
			s = VMK_OK;
		} else {
			s = ret == VMKFS_EBUSY ? VMK_BUSY : VMK_BAD_PARAM;
			why_set(why, "%s: %s", name, msg);
			/* vmkfs's sentences (a lock's holder) may not fit the COS's. */
			if (strlen(name) + strlen(msg) + 2 >= sizeof(why->text) - VMK_VM_NAME_LEN)
				log_warn("storage: %s: %s", name, msg);
		}
	}
	gated_unlock(&st.lock);
	return s;
}

/*
 * A VM's end: its extent's lock is released on disk under st.lock, had
 * within COS_READ_WAIT_MS (the COS CPU may be waiting in a hypercall, and
 * the release's own commands follow); else the extent is handed over and
 * the datastores' next beat closes it (the disk stays in use meanwhile).
 */
void storage_vdisk_close(struct vdisk *vd)
{
	const char *holder;

	dsched_forget(&st.dsched, &vd->flow);
	if (gated_lock_by(&st.lock, pci_device_now_ms, (void *)HBA_VA,
			  now_ms() + COS_READ_WAIT_MS)) {
		st.holder = "a VM's end";
		vdisk_close_late(&st.vdisks);
		vdisk_close(&st.vdisks, vd);
		gated_unlock(&st.lock);
		return;
	}
	vdisk_close_later(&st.vdisks, vd);
	holder = __atomic_load_n(&st.holder, __ATOMIC_RELAXED);
	log_warn("storage: vmhba0: a VM's end: waited %u s for the storage lock, held by %s (a disk not answering?): its virtual disk is closed at the datastores' next beat",
		 COS_READ_WAIT_MS / 1000, holder ? holder : "another request");
}

vmk_status_t storage_hc_datastores(struct hc_call *c)
{
	struct vmk_datastore_list *l = &st.ds_out;
	char msg[VMK_STORAGE_MSG_LEN] = "";
	vmk_status_t s;

	if (c->arg[1] < sizeof(*l))
		return VMK_BAD_PARAM;
	if (!cos_lock("vmkctl storage datastores", COS_WAIT_MS, "nothing listed", msg,
		      sizeof(msg))) {
		cos_write(c->arg[0] + offsetof(struct vmk_datastore_list, msg), msg,
			  sizeof(msg));
		return VMK_BUSY;
	}
	memset(l, 0, sizeof(*l));
	l->adapter_state = st.state;
	copy_str(l->msg, sizeof(l->msg), st.msg);
	ds_list(&st.ds, l);
	c->result = l->n;
	s = cos_write(c->arg[0], l, sizeof(*l));
	gated_unlock(&st.lock);
	return s;
}

/*
 * Called with st.lock held: f checked, its LUN found usable; the
 * request began at start.
 */
static vmk_status_t format_locked(struct vmk_storage_format *f, const char *path,
				  uint64_t start)
{
	const struct scan_lun *l = find_lun(f->target, f->lun);
	char why[DS_WHY_LEN], vm_name[VMK_VM_NAME_LEN];
	const char *holder = raw_user(f->target, f->lun, vm_name, sizeof(vm_name));
	struct storage_lun_ref *ref = free_ds_ref();
	const struct datastore *ds;
	enum ds_result res;
	uint64_t t0 = now_ms();

	if (st.state != VMK_STORAGE_RUNNING || st.stopped || !st.ds_bounce.virt) {
		fmt_snprintf(f->msg, sizeof(f->msg), "the vmkernel drives no storage adapter (load vmkload with storage=1)");
		return VMK_NOT_SUPPORTED;
	}
	if (!l || l->gone || l->error || l->type != SCAN_TYPE_DISK || !l->nr_blocks) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%s: no usable disk there (vmkctl storage luns)", path);
		return VMK_BAD_PARAM;
	}
	if (l->unresponsive || lun_io_find(&st.io, f->target, f->lun)) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%s does not answer: nothing written", path);
		return VMK_HW_FAILURE;
	}
	if (l->block_size != LUN_BLOCK_SIZE) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%s: blocks of %u bytes; VMFS needs %u", path,
			     l->block_size, LUN_BLOCK_SIZE);
		return VMK_NOT_SUPPORTED;
	}
	if (holder) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%s is vm '%s''s raw disk: nothing written", path, holder);
		return VMK_BUSY;
	}
	if (cos_disk_attached(&st.cos_disks, f->target, f->lun)) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%s is the COS's disk (vmkload cos_disks=): nothing written", path);
		return VMK_BUSY;
	}
	if (!ref) {
		fmt_snprintf(f->msg, sizeof(f->msg), "%u LUNs have VMFS volumes listed already", DS_MAX);
		return VMK_NO_CAPACITY;
	}
	ref->target = f->target;
	ref->lun = f->lun;
	ref->nr_blocks = l->nr_blocks;
	ref->id = l->id;
	st.holder = "vmkfstools -C";
	st.ds.deadline = (struct ds_deadline){ pci_device_now_ms, (void *)HBA_VA,
					       start + COS_DS_IO_MS };
	res = ds_format(&st.ds, f->target, f->lun, l->nr_blocks, &ds_lun_io_ops, ref,
			&st.ds_bounce, f->block_size, f->label, why, sizeof(why));
	st.ds.deadline.by = 0;
	switch (res) {
	case DS_MOUNTED:
		break;
	case DS_TOO_SLOW:
		fmt_snprintf(f->msg, sizeof(f->msg), "%s: %s", path, why);
		log_warn("storage: %s: %s (vmkfstools -C, %llu ms)", path, why,
			 (unsigned long long)(now_ms() - t0));
		return VMK_BUSY;
	case DS_IO_FAILED:
		fmt_snprintf(f->msg, sizeof(f->msg), "%s: %s", path, why);
		log_warn("storage: %s: no VMFS volume made: %s", path, why);
		return VMK_HW_FAILURE;
	case DS_REFUSED:
	default:
		fmt_snprintf(f->msg, sizeof(f->msg), "%s: %s", path, why);
		log_warn("storage: %s: no VMFS volume made: %s", path, why);
		return VMK_BAD_PARAM;
	}
	ds = ds_on_lun(&st.ds, f->target, f->lun);
	ds_describe(ds, &f->ds);
	log_info("storage: %s: datastore '%s' made and mounted read-write: %llu MiB, %u MiB blocks (%llu ms)",
		 path, ds->info.label, (unsigned long long)(ds->info.capacity >> 20),
		 ds->info.block_size >> 20, (unsigned long long)(now_ms() - t0));
	return VMK_OK;
}

vmk_status_t storage_format(struct vmk_storage_format *f)
{
	uint64_t start = now_ms();
	char path[24];
	vmk_status_t s;

	f->label[sizeof(f->label) - 1] = '\0';
	lun_path(path, sizeof(path), f->target, f->lun);
	if (f->target > 0xff || f->lun > 0xff) {
		fmt_snprintf(f->msg, sizeof(f->msg), "no LUN T%u:L%u on vmhba0", f->target, f->lun);
		return VMK_BAD_PARAM;
	}
	if (f->block_size != (1u << 20) && f->block_size != (2u << 20) &&
	    f->block_size != (4u << 20) && f->block_size != (8u << 20)) {
		fmt_snprintf(f->msg, sizeof(f->msg), "block size %u is not 1, 2, 4 or 8 MiB", f->block_size);
		return VMK_BAD_PARAM;
	}
	if (!f->label[0] || vmkfs_label_problem(f->label, sizeof(f->label))) {
		fmt_snprintf(f->msg, sizeof(f->msg), "a datastore's label is 1 to %u printable characters, no '/' or ']', not . or ..",
			     (uint32_t)sizeof(f->label) - 1);
		return VMK_BAD_PARAM;
	}
	if (f->now_unix)
		vmkfs_set_time_unix(f->now_unix);
	if (!cos_lock("vmkfstools -C", COS_READ_WAIT_MS, "nothing written", f->msg,
		      sizeof(f->msg)))
		return VMK_BUSY;
	s = format_locked(f, path, start);
	/* The first datastore since the load: its heartbeat starts now. */
	if (s == VMK_OK && st.ds_beat_task < 0)
		st.ds_beat_task = service_register("datastore heartbeat", DS_BEAT_NS,
						   ds_beat_task, NULL);
	gated_unlock(&st.lock);
	return s;
}

/*
 * One VMK_VDISK_OP_ZERO step on the disk path of vol: opened as a VM
 * would (its descriptor checked, refused while a VM holds it), at most
 * VMK_VDISK_ZERO_STEP bytes of blocks zeroed, and none begun after
 * VDISK_ZERO_STEP_MS (a slow LUN answers a shorter step; the COS asks
 * again while blocks_left is not 0), closed.
 */
#define VDISK_ZERO_STEP_MS	500
/*
 * The run begun last (one file block: 16 bounce-buffer commands at 1 MiB)
 * adds its commands' time: under 0.5 s more while each answers in 30 ms;
 * a slower LUN can pass the soft-lockup report (docs/storage.md).
 */
_Static_assert(COS_READ_WAIT_MS + VDISK_ZERO_STEP_MS + LUN_IO_HOLD_MAX_MS < COS_SOFT_LOCKUP_MS,
	       "a zero step's lock wait, its time and one hung command end before a soft lockup");
static int vdisk_zero_step(struct vmkfs_vol *vol, const char *path,
			   struct vmk_storage_vdisk *v, char *msg, size_t len)
{
	struct vdisk vd = { .bounce = (uint8_t *)st.desc_text };
	struct vmkfs_volinfo vi;
	uint64_t left = 0, step;
	int ret = vmkfs_statfs(vol, &vi);

	if (ret) {
		fmt_snprintf(msg, len, "cannot read the volume's block size: %s",
			     vmkfs_errmsg(vol));
		return ret;
	}
	ret = vdisk_open(&st.vdisks, vol, path, 0, "vmkfstools", &vd, msg, len);
	if (ret)
		return ret;
	if (vd.thin) {
		vdisk_close(&st.vdisks, &vd);
		fmt_snprintf(msg, len, "a thin disk has no blocks to zero (they are allocated as written)");
		return VMKFS_EINVAL;
	}
	step = VMK_VDISK_ZERO_STEP / vi.block_size;
	ret = vmkfs_zero_pending(vd.f, step ? (uint32_t)step : 1,
				 vmkfs_time_us() + VDISK_ZERO_STEP_MS * 1000ull, &left);
	if (ret) {
		fmt_snprintf(msg, len, "cannot zero its blocks: %s", vmkfs_errmsg(vol));
	} else {
		v->blocks_left = left;
		v->blocks_total = (vmkfs_file_size(vd.f) + vi.block_size - 1) / vi.block_size;
	}
	vdisk_close(&st.vdisks, &vd);
	return ret;
}

/* What the COS runs for op, the storage lock's holder while it runs. */
static const char *vdisk_op_name(uint32_t op)
{
	switch (op) {
	case VMK_VDISK_OP_MKDIR:	return "vmkfstools --mkdir";
	case VMK_VDISK_OP_RMDIR:	return "vmkfstools --rmdir";
	case VMK_VDISK_OP_DELETE:	return "vmkfstools -U";
	case VMK_VDISK_OP_STAT:		return "vmkfstools -P";
	case VMK_VDISK_OP_EXTEND:	return "vmkfstools -X";
	case VMK_VDISK_OP_RENAME:	return "vmkfstools -E";
	case VMK_VDISK_OP_ZERO:		return "vmkfstools -k";
	default:			return "vmkfstools -c";
	}
}

/* VMK_VDISK_OP_STAT of the disk path on vol into v. */
static int vdisk_stat_op(struct vmkfs_vol *vol, const char *path, struct vmk_storage_vdisk *v,
			 char *msg, size_t len)
{
	struct vdisk_info info;
	int ret = vdisk_stat(&st.vdisks, vol, path, (uint8_t *)st.desc_text, &info, msg, len);

	if (ret)
		return ret;
	v->size = info.size;
	v->format = info.format;
	v->block_size = info.block_size;
	v->blocks_alloc = info.blocks_alloc;
	v->blocks_left = info.blocks_pending;
	v->blocks_total = info.blocks_total;
	memcpy(v->holder, info.holder, sizeof(v->holder));
	return VMKFS_OK;
}

/*
 * v checked (vdisk_request_ok()), its path split into label and path, a
 * RENAME's new_path into to.
 */
static vmk_status_t vdisk_op_locked(struct vmk_storage_vdisk *v, const char *label,
				    const char *path, const char *to)
{
	/* Eager zeroing is VMK_VDISK_OP_ZERO's, a step at a time. */
	struct vdisk_create c = {
		.path = path, .size = v->size, .adapter = v->adapter,
		.alloc = v->format == VMK_VDISK_THIN ? VMKFS_THIN : VMKFS_ZEROEDTHICK,
		.cid = (uint32_t)(now_ms() * 2654435761u ^ v->size) & 0x7fffffff,
	};
	char msg[DS_WHY_LEN];
	const struct datastore *ds;
	struct vmkfs_volinfo vi;
	uint64_t t0 = now_ms();
	int ret;

	if (st.state != VMK_STORAGE_RUNNING || st.stopped) {
		fmt_snprintf(v->msg, sizeof(v->msg), "the vmkernel drives no storage adapter (load vmkload with storage=1)");
		return VMK_NOT_SUPPORTED;
	}
	ds = ds_by_label(&st.ds, label);
	if (!ds) {
		fmt_snprintf(v->msg, sizeof(v->msg), "no datastore '%s' is mounted (vmkctl storage datastores)",
			     label);
		return VMK_BAD_PARAM;
	}
	st.holder = vdisk_op_name(v->op);
	/* a VM that ended holds its disk no more */
	vdisk_close_late(&st.vdisks);
	if (v->op == VMK_VDISK_OP_MKDIR)
		ret = vdisk_mkdir(ds->vol, path, msg, sizeof(msg));
	else if (v->op == VMK_VDISK_OP_RMDIR)
		ret = vdisk_rmdir(ds->vol, path, msg, sizeof(msg));
	else if (v->op == VMK_VDISK_OP_ZERO)
		ret = vdisk_zero_step(ds->vol, path, v, msg, sizeof(msg));
	else if (v->op == VMK_VDISK_OP_DELETE)
		ret = vdisk_delete(&st.vdisks, ds->vol, path, (uint8_t *)st.desc_text, msg,
				   sizeof(msg));
	else if (v->op == VMK_VDISK_OP_STAT)
		ret = vdisk_stat_op(ds->vol, path, v, msg, sizeof(msg));
	else if (v->op == VMK_VDISK_OP_EXTEND)
		ret = vdisk_extend(&st.vdisks, ds->vol, path, v->size, c.cid,
				   (uint8_t *)st.desc_text, msg, sizeof(msg));
	else if (v->op == VMK_VDISK_OP_RENAME)
		ret = vdisk_rename(&st.vdisks, ds->vol, path, to, c.cid,
				   (uint8_t *)st.desc_text, msg, sizeof(msg));
	else
		ret = vdisk_create(ds->vol, &c, st.desc_text, msg, sizeof(msg));
	/* Made: the first step of its zeroing, the rest the COS's calls. */
	if (!ret && v->op == VMK_VDISK_OP_CREATE && v->format == VMK_VDISK_EAGERZEROEDTHICK) {
		char step[DS_WHY_LEN];

		ret = vdisk_zero_step(ds->vol, path, v, step, sizeof(step));
		if (ret)
			fmt_snprintf(msg, sizeof(msg), "made zeroedthick, not zeroed: %s", step);
	}
	if (vmkfs_statfs(ds->vol, &vi) == VMKFS_OK)
		v->free_bytes = vi.free_bytes;
	if (ret) {
		fmt_snprintf(v->msg, sizeof(v->msg), "%s: %s", v->path, msg);
		if (strlen(v->path) + strlen(msg) + 2 >= sizeof(v->msg))
			log_warn("storage: %s: %s", v->path, msg);
		return ret == VMKFS_ENOSPC ? VMK_NO_CAPACITY : ret == VMKFS_EBUSY ? VMK_BUSY :
		       VMK_BAD_PARAM;
	}
	if (v->op == VMK_VDISK_OP_ZERO && !v->blocks_left)
		log_info("storage: %s: zeroed (%llu blocks)", v->path,
			 (unsigned long long)v->blocks_total);
	else if (v->op == VMK_VDISK_OP_DELETE || v->op == VMK_VDISK_OP_RMDIR)
		log_info("storage: %s: removed", v->path);
	else if (v->op == VMK_VDISK_OP_RENAME)
		log_info("storage: %s: renamed %s", v->path, v->new_path);
	else if (v->op == VMK_VDISK_OP_EXTEND)
		log_info("storage: %s: grown to %llu MiB (%llu ms)", v->path,
			 (unsigned long long)(v->size >> 20), (unsigned long long)(now_ms() - t0));
	else if (v->op == VMK_VDISK_OP_MKDIR || v->op == VMK_VDISK_OP_CREATE)
		log_info("storage: %s: made (%llu ms)", v->path,
			 (unsigned long long)(now_ms() - t0));
	return VMK_OK;
}

vmk_status_t storage_vdisk(struct vmk_storage_vdisk *v)
{
	char label[VDISK_LABEL_LEN], path[VDISK_NAME_LEN], to[VDISK_NAME_LEN] = "";
	vmk_status_t s;

	/* Out fields: the vmkernel's answer or 0, never the COS's values back. */
	v->blocks_left = v->blocks_total = 0;
	if (!vdisk_request_ok(v, label, path, v->msg, sizeof(v->msg)) ||
	    (v->op == VMK_VDISK_OP_RENAME &&
	     !vdisk_request_new_path(v, label, to, v->msg, sizeof(v->msg))))
		return VMK_BAD_PARAM;
	if (v->now_unix)
		vmkfs_set_time_unix(v->now_unix);
	if (!cos_lock(vdisk_op_name(v->op), COS_READ_WAIT_MS, "nothing written", v->msg,
		      sizeof(v->msg)))
		return VMK_BUSY;
	s = vdisk_op_locked(v, label, path, to);
	gated_unlock(&st.lock);
	return s;
}

static bool lun_in_use(void *ctx, uint32_t target, uint32_t lun)
{
	(void)ctx;
	return rdm_holder(&st.claims, target, lun) != NULL ||
	       ds_on_lun(&st.ds, target, lun) != NULL;
}

/*
 * That a different disk answers where old was: one line when both
 * identities fit a log record (VMK_LOG_TEXT_LEN), else the sentence and
 * a line for each (two NAA 6 designators are 64 hex digits).
 */
static void log_replaced(const struct scan_lun *old, const struct scan_lun *now)
{
	char line[VMK_LOG_TEXT_LEN], id[SCAN_ID_TEXT_LEN], was[SCAN_ID_TEXT_LEN];

	scan_format_id(&now->id, id, sizeof(id));
	scan_format_id(&old->id, was, sizeof(was));
	if (fmt_snprintf(line, sizeof(line),
			 "storage: vmhba0: target %u LUN %u: a different disk now (identity %s, was %s): the old one is gone",
			 old->target, old->lun, id, was) < (int)sizeof(line)) {
		log_warn("%s", line);
		return;
	}
	log_warn("storage: vmhba0: target %u LUN %u: a different disk now: the old one is gone",
		 old->target, old->lun);
	log_warn("storage: vmhba0: target %u LUN %u: identity now %s", old->target, old->lun, id);
	log_warn("storage: vmhba0: target %u LUN %u: identity was %s", old->target, old->lun, was);
}

/*
 * One log line per LUN this rescan found a different disk in place of,
 * and one per LUN it marked gone that a VM holds.
 */
static void log_gone(void)
{
	char path[24];

	for (unsigned int i = 0; i < st.scan.nr_luns; i++) {
		const struct scan_lun *l = &st.scan.lun[i];
		const struct scan_lun *other = find_lun(l->target, l->lun);
		const char *holder = rdm_holder(&st.claims, l->target, l->lun);

		if (l->just_gone && l->replaced && other && !other->gone)
			log_replaced(l, other);
		if (!l->just_gone || !holder)
			continue;
		lun_path(path, sizeof(path), l->target, l->lun);
		log_warn("storage: %s is gone; vm '%s' holds it: its I/O fails (NOT READY)",
			 path, holder);
	}
}

/* scan_yield_lock(), and the rescan holds st.lock again. */
static bool rescan_yield(void *ctx, uint64_t by)
{
	if (!scan_yield_lock(ctx, by))
		return false;
	st.holder = "a rescan";
	return true;
}

/*
 * Called with st.lock held; lets go of it between the scan's commands
 * (so VM disk I/O and vmkctl storage luns wait for one command's ladder
 * at most) and returns without it when sl->lost.
 */
static vmk_status_t rescan_locked(struct vmk_storage_rescan *r, uint64_t start,
				  struct scan_lock *sl)
{
	struct scan_changes ch;
	int ret;

	if (st.state != VMK_STORAGE_RUNNING || st.stopped) {
		copy_str(r->msg, sizeof(r->msg), "the vmkernel drives no storage adapter (load vmkload with storage=1)");
		return VMK_NOT_SUPPORTED;
	}
	ret = scan_adapter(&st.hba.adapter, &st.rescan_buf, start, rescan_yield,
			   sl, &st.fresh);
	if (sl->lost)
		return VMK_BUSY;
	if (ret != VMK_OK) {
		copy_str(r->msg, sizeof(r->msg), "the adapter went back to the COS during the rescan");
		return VMK_BUSY;
	}
	scan_merge(&st.scan, &st.fresh, lun_in_use, NULL, &ch);
	r->added = ch.added;
	r->gone = ch.gone;
	r->changed = ch.changed;
	r->removed = ch.removed;
	r->dropped = ch.dropped;
	for (unsigned int i = 0; i < st.fresh.nr_luns; i++)
		r->unresponsive += st.fresh.lun[i].unresponsive;
	r->targets_skipped = st.fresh.targets_skipped;
	r->nluns = st.scan.nr_luns;
	log_info("storage: vmhba0 rescan: %u new, %u gone, %u resized, %u dropped, %u unresponsive",
		 r->added, r->gone, r->changed, r->removed, r->unresponsive);
	if (ch.dropped)
		log_warn("storage: vmhba0 rescan: %u LUNs found but not listed: the list holds %u",
			 ch.dropped, (unsigned int)ARRAY_SIZE(st.scan.lun));
	if (ch.added || ch.gone || ch.changed || ch.removed)
		log_luns();
	note_skipped(&st.fresh);
	log_gone();
	/*
	 * A volume on a LUN new to the list (or not mounted before) is a
	 * datastore now. A probe may meet a LUN that hangs only on reads
	 * (LUN_IO_HOLD_MAX_MS), so none starts so late that the COS CPU
	 * waiting here would pass Linux's soft-lockup report.
	 */
	mount_new_locked(" (found by a rescan)", start + COS_DS_IO_MS);
	return VMK_OK;
}

/*
 * The COS CPU waits here for the whole rescan, its waits for the storage
 * lock too: VM I/O may hold it LUN_IO_HOLD_MAX_MS, so each wait gives up
 * at the scan's deadline, and the rescan then changes nothing.
 */
vmk_status_t storage_rescan(struct vmk_storage_rescan *r)
{
	struct scan_lock sl = {
		.lock = &st.lock, .now_ms = pci_device_now_ms,
		.clock_ctx = (void *)HBA_VA, .stop = &st.stopped,
	};
	uint64_t start = now_ms();
	vmk_status_t s = VMK_BUSY;

	if (!spin_trylock(&st.rescan_lock)) {
		copy_str(r->msg, sizeof(r->msg), "a rescan is running already: try again when it ends");
		return VMK_BUSY;
	}
	if (gated_lock_by(&st.lock, sl.now_ms, sl.clock_ctx, start + SCAN_SEND_BY_MS)) {
		st.holder = "a rescan";
		s = rescan_locked(r, start, &sl);
		if (!sl.lost)
			gated_unlock(&st.lock);
	} else {
		sl.lost = true;
	}
	if (sl.lost) {
		fmt_snprintf(r->msg, sizeof(r->msg),
			     "the rescan ran out of its %u s waiting for VM disk I/O (the storage lock): nothing changed",
			     SCAN_TOTAL_MS / 1000);
		log_warn("storage: vmhba0 rescan: %s", r->msg);
	}
	spin_unlock(&st.rescan_lock);
	return s;
}

static bool cos_disk_range(uint64_t gpa, uint64_t len)
{
	return cos_range_ok(&vmk_pool, gpa, len);
}

/* What cos_disk_check() needs to know of r's LUN; names: room for a VM's. */
static void cos_disk_lun_of(const struct vmk_cos_disk *r, struct cos_disk_lun *cl,
			    struct storage_lun_ref *ref, char *vm_name, uint32_t len)
{
	const struct scan_lun *l = find_lun(r->target, r->lun);
	const struct datastore *ds = ds_on_lun(&st.ds, r->target, r->lun);

	memset(cl, 0, sizeof(*cl));
	cl->found = l != NULL;
	cl->gone = l && l->gone;
	cl->usable = l && !l->error && l->type == SCAN_TYPE_DISK &&
		     l->block_size == VMK_COS_DISK_BLOCK;
	cl->nr_blocks = l ? l->nr_blocks : 0;
	cl->datastore = ds ? ds->info.label : NULL;
	cl->raw_vm = raw_user(r->target, r->lun, vm_name, len);
	if (!l)
		return;
	ref->target = r->target;
	ref->lun = r->lun;
	ref->nr_blocks = l->nr_blocks;
	ref->id = l->id;
}

/* A READ, WRITE or FLUSH of r, checked, with st.lock held. */
static vmk_status_t cos_disk_io(struct vmk_cos_disk *r, struct storage_lun_ref *ref,
				const char *path)
{
	bool write = r->op == VMK_COS_DISK_WRITE, read = r->op == VMK_COS_DISK_READ;
	enum rdm_io_status io;
	uint32_t off = 0;

	for (uint32_t i = 0; write && i < r->nsegs; off += r->seg[i++].len)
		if (cos_read(r->seg[i].gpa, st.ds_bounce.virt + off, r->seg[i].len) != VMK_OK)
			goto bad_address;
	if (r->op == VMK_COS_DISK_FLUSH)
		io = lun_flush_locked(ref);
	else
		io = lun_rw_locked(ref, write, r->lba, r->blocks, st.ds_bounce.pa);
	if (io == RDM_IO_UNRESPONSIVE) {
		fmt_snprintf(r->msg, sizeof(r->msg), "%s does not answer (vmkctl storage luns): nothing done",
			     path);
		return VMK_HW_FAILURE;
	}
	if (io != RDM_IO_OK) {
		fmt_snprintf(r->msg, sizeof(r->msg), "%s failed the command (the vmkernel's log says how)",
			     path);
		return VMK_HW_FAILURE;
	}
	/* Only a READ's pieces were checked: a FLUSH's are not looked at. */
	off = 0;
	for (uint32_t i = 0; read && i < r->nsegs; off += r->seg[i++].len)
		if (cos_write(r->seg[i].gpa, st.ds_bounce.virt + off, r->seg[i].len) != VMK_OK)
			goto bad_address;
	return VMK_OK;
bad_address:
	copy_str(r->msg, sizeof(r->msg), "a piece is not COS memory");
	return VMK_BAD_ADDRESS;
}

/* r checked against the LUN and run, with st.lock held. */
static vmk_status_t cos_disk_locked(struct vmk_cos_disk *r)
{
	char path[24], vm_name[VMK_VM_NAME_LEN];
	struct storage_lun_ref ref = { 0 };
	struct cos_disk_lun cl;

	if (st.state != VMK_STORAGE_RUNNING || st.stopped || !st.ds_bounce.virt) {
		copy_str(r->msg, sizeof(r->msg), "the vmkernel drives no storage adapter (load vmkload with storage=1)");
		return VMK_NOT_SUPPORTED;
	}
	cos_disk_lun_of(r, &cl, &ref, vm_name, sizeof(vm_name));
	if (!cos_disk_check(&st.cos_disks, r, &cl, cos_disk_range,
			    DS_BOUNCE_PAGES * VMK_PAGE_SIZE, r->msg, sizeof(r->msg)))
		return VMK_BAD_PARAM;
	lun_path(path, sizeof(path), r->target, r->lun);
	switch (r->op) {
	case VMK_COS_DISK_ATTACH:
		if (!cos_disk_attach(&st.cos_disks, r->target, r->lun, &ref.id)) {
			fmt_snprintf(r->msg, sizeof(r->msg), "the COS has %u disks already",
				     VMK_COS_DISK_MAX);
			return VMK_NO_CAPACITY;
		}
		r->nr_blocks = cl.nr_blocks;
		r->block_size = VMK_COS_DISK_BLOCK;
		log_info("storage: %s: the COS's disk now (%llu blocks)", path,
			 (unsigned long long)cl.nr_blocks);
		return VMK_OK;
	case VMK_COS_DISK_DETACH:
		cos_disk_detach(&st.cos_disks, r->target, r->lun);
		log_info("storage: %s: the COS's disk no more", path);
		return VMK_OK;
	case VMK_COS_DISK_SETUP:
		return cos_ring_setup(r);
	default:
		/*
		 * The disk attached, not whatever the scan lists there now: a
		 * different disk found at this address by a rescan is gone.
		 */
		ref.id = *cos_disk_id(&st.cos_disks, r->target, r->lun);
		return cos_disk_io(r, &ref, path);
	}
}

/* DETACH's wait for st.lock once its ring's stop took stop_ms (COS_DETACH_MS). */
static uint32_t detach_wait_ms(uint64_t stop_ms)
{
	uint64_t left = stop_ms < COS_DETACH_MS ? COS_DETACH_MS - stop_ms : 0;

	if (left < COS_DETACH_MIN_MS)
		return COS_DETACH_MIN_MS;
	return left < COS_READ_WAIT_MS ? (uint32_t)left : COS_READ_WAIT_MS;
}

vmk_status_t storage_cos_disk(struct vmk_cos_disk *r)
{
	uint32_t wait_ms = COS_READ_WAIT_MS;
	vmk_status_t s;

	/* No storage lock: a kick only queues a turn of the ring. */
	if (r->op == VMK_COS_DISK_KICK)
		return cos_ring_kick(r);
	/* Its ring first, unlocked: a running turn waits for the lock. */
	if (r->op == VMK_COS_DISK_DETACH) {
		uint64_t t0 = now_ms();

		cos_ring_stop(r->target, r->lun);
		wait_ms = detach_wait_ms(now_ms() - t0);
	}
	if (!cos_lock("the COS's disk I/O", wait_ms, "nothing done", r->msg, sizeof(r->msg)))
		return VMK_BUSY;
	s = cos_disk_locked(r);
	gated_unlock(&st.lock);
	return s;
}

static struct vmkfs_vol *vmfs_volume(void *ctx, const char *label)
{
	const struct datastore *ds = ds_by_label(&st.ds, label);

	(void)ctx;
	return ds ? ds->vol : NULL;
}

static bool vmfs_copy_in(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	return cos_disk_range(gpa, len) && cos_read(gpa, dst, len) == VMK_OK;
}

static bool vmfs_copy_out(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	(void)ctx;
	return cos_disk_range(gpa, len) && cos_write(gpa, src, len) == VMK_OK;
}

vmk_status_t storage_vmfs_file(struct vmk_vmfs_file *r)
{
	struct vmfs_env env = { vmfs_volume, vmfs_copy_in, vmfs_copy_out, NULL,
				&st.vdisks, NULL };
	uint32_t pa;
	vmk_status_t s;

	if (r->now_unix)
		vmkfs_set_time_unix(r->now_unix);
	if (!cos_lock("a file in /vmfs/volumes", COS_READ_WAIT_MS, "nothing done", r->msg,
		      sizeof(r->msg))) {
		r->error = VMK_VMFS_EBUSY;
		return VMK_BUSY;
	}
	vdisk_close_late(&st.vdisks);	/* a VM that ended holds its disk no more */
	if (st.state != VMK_STORAGE_RUNNING || st.stopped) {
		copy_str(r->msg, sizeof(r->msg),
			 "the vmkernel drives no storage adapter (load vmkload with storage=1)");
		r->error = VMK_VMFS_ENODEV;
		s = VMK_NOT_SUPPORTED;
	} else if (!st.vmfs_buf &&
		   vmk_alloc_pages(VMK_VMFS_IO_MAX / VMK_PAGE_SIZE, &pa) != VMK_OK) {
		copy_str(r->msg, sizeof(r->msg), "no vmkernel memory for the file's buffer");
		r->error = VMK_VMFS_ENOMEM;
		s = VMK_NO_MEMORY;
	} else {
		if (!st.vmfs_buf)
			st.vmfs_buf = pa_to_va(pa);
		env.buf = st.vmfs_buf;
		s = vmfs_file_run(&st.vmfs_files, &env, r);
	}
	gated_unlock(&st.lock);
	return s;
}

void storage_stop(void)
{
	/* No VM disk request after this (the VMs were released), nor the COS's. */
	cos_ring_stop_all();
	storage_world_stop();
	/* No beat after this (service_stop() ran already at the give-back). */
	if (st.ds_beat_task >= 0)
		service_unregister(st.ds_beat_task);
	st.ds_beat_task = -1;
	lock_urgent("the give-back");
	if (st.state == VMK_STORAGE_RUNNING && !st.stopped) {
		/* None when VMs were powered off first (the unload requires it). */
		uint32_t v = vdisk_close_all(&st.vdisks), f = vmfs_files_close_all(&st.vmfs_files);
		uint32_t n = ds_unmount_all(&st.ds);

		if (v)
			log_warn("storage: %u virtual disks still open at the give-back: closed", v);
		if (f)
			log_info("storage: %u files of /vmfs/volumes still open in the COS at the give-back: closed", f);
		v = cos_disk_detach_all(&st.cos_disks);
		if (v)
			log_warn("storage: %u COS disks still attached at the give-back: detached", v);

		if (n)
			log_info("storage: %u datastores unmounted", n);
		hba_give_back();
	}
	gated_unlock(&st.lock);
}
