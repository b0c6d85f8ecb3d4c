// SPDX-License-Identifier: GPL-2.0-only
/* Datastores: VMFS volumes on LUNs, mounted with vmkfs (datastore.h). */
#include "vmkernel/storage/datastore.h"
#include "vmkernel/lib/format.h"

/*
 * One device call through the bounce buffer, i.e. a block at a time;
 * none once the deadline has passed (datastore.h).
 */
static int ds_io(struct ds_dev *d, bool write, uint64_t lba, uint32_t nr)
{
	const struct ds_deadline *t = &d->deadline;

	if (d->late || (t->by && t->now_ms(t->ctx) > t->by)) {
		d->late = true;
		return VMKFS_EIO;
	}
	if (d->io->rw(d->io_ctx, write, lba, nr, d->bounce.pa) == RDM_IO_OK) {
		d->pieces_written += write;
		return VMKFS_OK;
	}
	d->io_errors++;
	return VMKFS_EIO;
}

/*
 * Each piece of a request through the bounce buffer, to its end. vmkfs
 * also writes parts of a block (the volume header's 128-byte fields):
 * those are read, changed and written back a block at a time.
 */
static int ds_rw(struct vmkfs_dev *dev, bool write, uint64_t off, uint8_t *buf,
		 size_t len)
{
	struct ds_dev *d = dev->ctx;

	if (off > dev->size || len > dev->size - off)
		return VMKFS_EINVAL;
	while (len) {
		uint64_t lba = off / DS_BLOCK_SIZE;
		uint32_t in = (uint32_t)(off % DS_BLOCK_SIZE), nr, bytes;
		int ret;

		if (in || len < DS_BLOCK_SIZE) {
			nr = 1;
			bytes = (uint32_t)MIN(DS_BLOCK_SIZE - in, len);
			ret = ds_io(d, false, lba, 1);
			if (!ret && write) {
				memcpy(d->bounce.virt + in, buf, bytes);
				ret = ds_io(d, true, lba, 1);
			} else if (!ret) {
				memcpy(buf, d->bounce.virt + in, bytes);
			}
		} else {
			nr = (uint32_t)MIN(len / DS_BLOCK_SIZE, d->bounce.blocks);
			bytes = nr * DS_BLOCK_SIZE;
			if (write)
				memcpy(d->bounce.virt, buf, bytes);
			ret = ds_io(d, write, lba, nr);
			if (!ret && !write)
				memcpy(buf, d->bounce.virt, bytes);
		}
		if (ret)
			return ret;
		buf += bytes;
		off += bytes;
		len -= bytes;
	}
	return VMKFS_OK;
}

static int ds_read(struct vmkfs_dev *dev, uint64_t off, void *buf, size_t len)
{
	return ds_rw(dev, false, off, buf, len);
}

static int ds_write(struct vmkfs_dev *dev, uint64_t off, const void *buf,
		    size_t len)
{
	if (dev->read_only)
		return VMKFS_EROFS;
	return ds_rw(dev, true, off, (uint8_t *)buf, len);
}

static int ds_flush(struct vmkfs_dev *dev)
{
	struct ds_dev *d = dev->ctx;

	return d->io->flush(d->io_ctx) == RDM_IO_OK ? VMKFS_OK : VMKFS_EIO;
}

/* One host: nothing to exclude (datastore.h). */
static int ds_no_reservation(struct vmkfs_dev *dev)
{
	(void)dev;
	return VMKFS_OK;
}

void ds_dev_init(struct ds_dev *d, uint64_t nr_blocks, bool read_only,
		 const struct rdm_io_ops *io, void *io_ctx,
		 const struct ds_bounce *bounce)
{
	memset(d, 0, sizeof(*d));
	d->io = io;
	d->io_ctx = io_ctx;
	d->bounce = *bounce;
	d->dev.ctx = d;
	d->dev.size = nr_blocks * DS_BLOCK_SIZE;
	d->dev.read_only = read_only;
	d->dev.read = ds_read;
	d->dev.write = ds_write;
	d->dev.flush = ds_flush;
	d->dev.reserve = ds_no_reservation;
	d->dev.release = ds_no_reservation;
}

const struct datastore *ds_on_lun(const struct datastores *set, uint32_t target,
				  uint32_t lun)
{
	for (unsigned int i = 0; i < DS_MAX; i++) {
		const struct datastore *ds = &set->ds[i];

		if (ds->used && ds->state == VMK_DATASTORE_MOUNTED &&
		    ds->target == target && ds->lun == lun)
			return ds;
	}
	return NULL;
}

const struct datastore *ds_by_label(const struct datastores *set, const char *label)
{
	for (unsigned int i = 0; i < DS_MAX; i++) {
		const struct datastore *ds = &set->ds[i];

		if (ds->used && ds->state == VMK_DATASTORE_MOUNTED && label[0] &&
		    !strcmp(ds->info.label, label))
			return ds;
	}
	return NULL;
}

/* A mounted datastore with info's label or UUID, or NULL. */
static const struct datastore *ds_alike(const struct datastores *set,
					const struct vmkfs_volinfo *info)
{
	for (unsigned int i = 0; i < DS_MAX; i++) {
		const struct datastore *ds = &set->ds[i];

		if (!ds->used || ds->state != VMK_DATASTORE_MOUNTED)
			continue;
		if ((info->label[0] && !strcmp(ds->info.label, info->label)) ||
		    !memcmp(ds->info.uuid, info->uuid, sizeof(info->uuid)))
			return ds;
	}
	return NULL;
}

static struct datastore *ds_free_slot(struct datastores *set)
{
	for (unsigned int i = 0; i < DS_MAX; i++)
		if (!set->ds[i].used)
			return &set->ds[i];
	return NULL;
}

void ds_beat_missed(struct datastores *set)
{
	__atomic_fetch_add(&set->missed, 1, __ATOMIC_RELAXED);
}

/* The beats skipped since the last call, into every mount's count. */
static void count_missed(struct datastores *set)
{
	uint32_t n = __atomic_exchange_n(&set->missed, 0, __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < DS_MAX && n; i++)
		if (set->ds[i].used && set->ds[i].vol)
			set->ds[i].beats_missed += n;
}

enum ds_result ds_mount(struct datastores *set, uint32_t target, uint32_t lun,
			uint64_t nr_blocks, const struct rdm_io_ops *io,
			void *io_ctx, const struct ds_bounce *bounce,
			char *why, uint32_t why_len)
{
	struct datastore *ds = ds_free_slot(set);
	const struct datastore *other;
	struct vmkfs_vol *ro;
	int ret;

	why[0] = '\0';
	count_missed(set);	/* before: the new mount missed none of them */
	if (ds_on_lun(set, target, lun)) {
		fmt_snprintf(why, why_len, "a datastore is mounted from it already");
		return DS_REFUSED;
	}
	if (!ds) {
		fmt_snprintf(why, why_len, "%u LUNs have VMFS volumes listed already", DS_MAX);
		return DS_REFUSED;
	}
	memset(ds, 0, sizeof(*ds));
	ds->target = target;
	ds->lun = lun;
	ds_dev_init(&ds->dev, nr_blocks, false, io, io_ctx, bounce);
	ds->dev.deadline = set->deadline;
	ret = vmkfs_probe(&ds->dev.dev);
	if (ret == VMKFS_ENOENT)
		return DS_NO_VOLUME;
	if (ret) {
		fmt_snprintf(why, why_len, "cannot read its volume header: %s",
			     vmkfs_strerror(ret));
		goto refused;
	}
	/* Everything read (thousands of pieces) before the one write, the claim. */
	ret = vmkfs_mount(&ds->dev.dev, VMKFS_MOUNT_RDONLY, &ro, why, why_len);
	if (ret) {
		if (!why[0])
			fmt_snprintf(why, why_len, "%s", vmkfs_strerror(ret));
		goto refused;
	}
	ret = vmkfs_statfs(ro, &ds->info);
	if (ret)
		fmt_snprintf(why, why_len, "cannot count its free blocks: %s",
			     vmkfs_errmsg(ro));
	else if ((other = ds_alike(set, &ds->info)) != NULL)
		fmt_snprintf(why, why_len,
			     "datastore '%s' on vmhba0:C0:T%u:L%u has the same %s (a copy of that volume?)",
			     other->info.label, other->target, other->lun,
			     strcmp(other->info.label, ds->info.label) ? "UUID" : "label");
	vmkfs_unmount(ro);
	if (why[0])
		goto refused;
	ret = vmkfs_mount(&ds->dev.dev, 0, &ds->vol, why, why_len);
	if (ret) {
		if (!why[0])
			fmt_snprintf(why, why_len, "%s", vmkfs_strerror(ret));
		goto refused;
	}
	vmkfs_set_lock_wait(ds->vol, DS_LOCK_WAIT_MS);
	ds->info.hb_slot = vmkfs_hb_slot(ds->vol);
	ds->info.hb_active++;
	ds->dev.deadline.by = 0;
	ds->used = true;
	ds->state = VMK_DATASTORE_MOUNTED;
	if (ds->info.label_ignored)
		fmt_snprintf(ds->msg, sizeof(ds->msg),
			     "its label on disk %s: ignored, so no datastore path reaches it",
			     ds->info.label_ignored);
	return DS_MOUNTED;
refused:
	/* The path, not the volume, failed: no entry, the next call tries again. */
	if (ds->dev.late) {
		fmt_snprintf(why, why_len, "the LUN is too slow: mount out of time, nothing written");
		return DS_TOO_SLOW;
	}
	if (ds->dev.io_errors)
		return DS_IO_FAILED;
	ds->used = true;
	ds->state = VMK_DATASTORE_REFUSED;
	fmt_snprintf(ds->msg, sizeof(ds->msg), "%s", why);
	return DS_REFUSED;
}

/*
 * why for a format cut by the deadline or a failed piece: what the LUN
 * holds now (VMK_STORAGE_MSG_LEN with the LUN's name).
 */
static void format_cut(const struct ds_dev *d, char *why, uint32_t why_len)
{
	const char *cause = d->late ? "the LUN is too slow" : "the LUN failed an I/O";

	if (!d->pieces_written)
		fmt_snprintf(why, why_len, "%s: format out of time, nothing written", cause);
	else
		fmt_snprintf(why, why_len, "%s: format cut after %llu writes; volume incomplete, make it again",
			     cause, (unsigned long long)d->pieces_written);
}

enum ds_result ds_format(struct datastores *set, uint32_t target, uint32_t lun,
			 uint64_t nr_blocks, const struct rdm_io_ops *io,
			 void *io_ctx, const struct ds_bounce *bounce,
			 uint32_t block_size, const char *label,
			 char *why, uint32_t why_len)
{
	const struct datastore *mounted = ds_on_lun(set, target, lun);
	struct vmkfs_format_opts opts = { block_size, label };
	enum ds_result res;
	struct ds_dev dev;
	int ret;

	why[0] = '\0';
	if (mounted) {
		fmt_snprintf(why, why_len, "datastore '%s' is mounted from it",
			     mounted->info.label);
		return DS_REFUSED;
	}
	for (unsigned int i = 0; i < DS_MAX; i++) {
		const struct datastore *ds = &set->ds[i];

		if (ds->used && ds->state == VMK_DATASTORE_MOUNTED &&
		    !strcmp(ds->info.label, label)) {
			fmt_snprintf(why, why_len,
				     "datastore '%s' on vmhba0:C0:T%u:L%u has that label",
				     label, ds->target, ds->lun);
			return DS_REFUSED;
		}
	}
	for (unsigned int i = 0; i < DS_MAX; i++)
		if (set->ds[i].used && set->ds[i].target == target && set->ds[i].lun == lun)
			memset(&set->ds[i], 0, sizeof(set->ds[i]));
	ds_dev_init(&dev, nr_blocks, false, io, io_ctx, bounce);
	dev.deadline = set->deadline;
	ret = vmkfs_format(&dev.dev, &opts, why, why_len);
	if (ret) {
		if (!why[0])
			fmt_snprintf(why, why_len, "%s", vmkfs_strerror(ret));
		if (!dev.late && !dev.io_errors)
			return DS_REFUSED;
		format_cut(&dev, why, why_len);
		return dev.late ? DS_TOO_SLOW : DS_IO_FAILED;
	}
	res = ds_mount(set, target, lun, nr_blocks, io, io_ctx, bounce, why, why_len);
	if (res == DS_TOO_SLOW)
		fmt_snprintf(why, why_len, "volume made; the LUN is too slow to mount it in time: vmkctl storage rescan");
	else if (res == DS_IO_FAILED)
		fmt_snprintf(why, why_len, "volume made; a read failed mounting it: vmkctl storage rescan");
	return res;
}

int ds_heartbeat(struct datastore *ds)
{
	int ret = vmkfs_heartbeat(ds->vol);

	if (!ret) {
		ds->beats++;
		return VMKFS_OK;
	}
	ds->beats_failed++;
	fmt_snprintf(ds->msg, sizeof(ds->msg), "heartbeat failed: %s",
		     vmkfs_errmsg(ds->vol)[0] ? vmkfs_errmsg(ds->vol) :
		     vmkfs_strerror(ret));
	return ret;
}

uint32_t ds_unmount_all(struct datastores *set)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < DS_MAX; i++) {
		struct datastore *ds = &set->ds[i];

		/* No file open: it writes the heartbeat slot off; freed even if that fails. */
		if (ds->used && ds->vol) {
			vmkfs_unmount(ds->vol);
			n++;
		}
		memset(ds, 0, sizeof(*ds));
	}
	__atomic_store_n(&set->missed, 0, __ATOMIC_RELAXED);
	return n;
}

void ds_describe(const struct datastore *ds, struct vmk_datastore *o)
{
	char uuid[VMKFS_UUID_STR_LEN + 1];

	memset(o, 0, sizeof(*o));
	o->target = ds->target;
	o->lun = ds->lun;
	o->state = ds->state;
	fmt_snprintf(o->msg, sizeof(o->msg), "%s", ds->msg);
	if (ds->state != VMK_DATASTORE_MOUNTED)
		return;
	vmkfs_uuid_str(ds->info.uuid, uuid);
	fmt_snprintf(o->uuid, sizeof(o->uuid), "%s", uuid);
	fmt_snprintf(o->label, sizeof(o->label), "%s", ds->info.label);
	o->block_size = ds->info.block_size;
	o->capacity = ds->info.capacity;
	o->free_bytes = ds->info.free_bytes;
	o->files_total = ds->info.files_total;
	o->files_free = ds->info.files_free;
	o->read_write = !ds->dev.dev.read_only;
	o->beats = ds->beats;
	o->beats_missed = ds->beats_missed;
	o->beats_failed = ds->beats_failed;
}

void ds_list(struct datastores *set, struct vmk_datastore_list *l)
{
	count_missed(set);
	l->n = 0;
	for (unsigned int i = 0; i < DS_MAX && l->n < VMK_STORAGE_MAX_LUNS; i++)
		if (set->ds[i].used)
			ds_describe(&set->ds[i], &l->ds[l->n++]);
}

bool ds_uses_ctx(const struct datastores *set, const void *io_ctx)
{
	for (unsigned int i = 0; i < DS_MAX; i++)
		if (set->ds[i].used && set->ds[i].dev.io_ctx == io_ctx)
			return true;
	return false;
}
