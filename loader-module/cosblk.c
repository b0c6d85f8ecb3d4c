// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS's disks through the vmkernel (docs/storage.md "The COS's
 * disks"): with `vmkload storage=1 cos_disks=T:L[,T:L]`, each named LUN
 * of vmhba0 is attached to the COS (VMK_HC_COS_DISK) after the load and
 * becomes /dev/vmkdN, a blk-mq disk whose requests go to the vmkernel in
 * pieces of at most VMK_COS_DISK_MAX_BYTES, one hypercall each: the COS
 * CPU waits in it while the vmkernel runs the command (polled), so a
 * request ends in queue_rq(). One request at a time per disk (a queue
 * depth of 1): the disk's one vmk_cos_disk is never shared. Removed, and
 * detached, before the give-back; the HBA then returns to vmw_pvscsi,
 * which sees the same blocks.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/io.h>
#include "vmkload.h"

static char *cos_disks = "";
module_param(cos_disks, charp, 0444);
MODULE_PARM_DESC(cos_disks, "with storage=1: LUNs of vmhba0 (target:lun, comma-separated) the COS gets as /dev/vmkdN through the vmkernel");

#define VMKD_MINORS	16	/* partitions of one disk */
/*
 * A request the vmkernel answers busy (its storage lock stayed held 4 s:
 * a VM's command on a hung LUN, a rescan, a format) is tried again, as
 * blk-mq does for BLK_STS_RESOURCE, for up to this long before it fails.
 */
#define VMKD_BUSY_RETRY_S	60

struct vmkd {
	u32 target, lun;
	unsigned long busy_since;	/* jiffies of the first busy answer, 0: none */
	struct vmk_cos_disk *req;	/* the hypercall's, kmalloc'd: lowmem */
	struct blk_mq_tag_set tags;
	struct gendisk *disk;
};

static struct vmkd *vmkd[VMK_COS_DISK_MAX];
static int vmkd_major;

/* One hypercall of d->req; 0, else errno with why in d->req->msg. */
static int vmkd_call(struct vmkd *d)
{
	vmk_status_t st;
	int ret;

	d->req->target = d->target;
	d->req->lun = d->lun;
	d->req->msg[0] = '\0';
	/* Not vmk_dev_hypercall(): no recovery (it sleeps) in queue_rq. */
	ret = vmk_vm_hypercall(VMK_HC_COS_DISK, virt_to_phys(d->req), sizeof(*d->req),
			       0, 0, &st, NULL);
	if (ret) {
		strscpy(d->req->msg, "the vmkernel does not run on this CPU", sizeof(d->req->msg));
		return ret;
	}
	if (st == VMK_OK)
		return 0;
	d->req->msg[sizeof(d->req->msg) - 1] = '\0';
	if (!d->req->msg[0])
		strscpy(d->req->msg, vmk_status_name(st), sizeof(d->req->msg));
	return st == VMK_BUSY ? -EBUSY : -EIO;
}

/* The pieces gathered in d->req from lba on: one READ or WRITE. */
static int vmkd_send(struct vmkd *d, u32 op, sector_t lba)
{
	u32 i, bytes = 0;

	for (i = 0; i < d->req->nsegs; i++)
		bytes += d->req->seg[i].len;
	d->req->op = op;
	d->req->lba = lba;
	d->req->blocks = bytes / VMK_COS_DISK_BLOCK;
	return vmkd_call(d);
}

/* rq's data, a page piece at a time, in requests of at most the bounds. */
static int vmkd_rw(struct vmkd *d, struct request *rq)
{
	u32 op = rq_data_dir(rq) == WRITE ? VMK_COS_DISK_WRITE : VMK_COS_DISK_READ;
	sector_t lba = blk_rq_pos(rq);
	struct req_iterator iter;
	struct bio_vec bv;
	u32 bytes = 0;
	int ret;

	d->req->nsegs = 0;
	rq_for_each_segment(bv, rq, iter) {
		struct vmk_cos_disk_seg *s;

		if (d->req->nsegs == VMK_COS_DISK_SEGS ||
		    bytes + bv.bv_len > VMK_COS_DISK_MAX_BYTES) {
			ret = vmkd_send(d, op, lba);
			if (ret)
				return ret;
			lba += bytes / VMK_COS_DISK_BLOCK;
			bytes = 0;
			d->req->nsegs = 0;
		}
		s = &d->req->seg[d->req->nsegs++];
		s->gpa = page_to_phys(bv.bv_page) + bv.bv_offset;
		s->len = bv.bv_len;
		s->reserved = 0;
		bytes += bv.bv_len;
	}
	return d->req->nsegs ? vmkd_send(d, op, lba) : 0;
}

static blk_status_t vmkd_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct vmkd *d = rq->q->queuedata;
	blk_status_t status = BLK_STS_OK;
	int ret;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		d->req->op = VMK_COS_DISK_FLUSH;
		d->req->nsegs = 0;	/* no data: none of the last request's pieces */
		ret = vmkd_call(d);
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		ret = vmkd_rw(d, rq);
		break;
	default:
		ret = 0;
		status = BLK_STS_NOTSUPP;
	}
	if (ret == -EBUSY) {
		if (!d->busy_since)
			d->busy_since = jiffies | 1;
		if (time_before(jiffies, d->busy_since + VMKD_BUSY_RETRY_S * HZ))
			return BLK_STS_RESOURCE;	/* run again shortly, as it was */
	}
	d->busy_since = 0;
	if (ret) {
		pr_err_ratelimited("vmkd: %s: %s of %u blocks at %llu failed: %s\n",
				   rq->q->disk->disk_name,
				   req_op(rq) == REQ_OP_FLUSH ? "flush" :
				   rq_data_dir(rq) == WRITE ? "write" : "read",
				   blk_rq_sectors(rq), (unsigned long long)blk_rq_pos(rq),
				   d->req->msg);
		status = BLK_STS_IOERR;
	}
	blk_mq_end_request(rq, status);
	return BLK_STS_OK;
}

static const struct blk_mq_ops vmkd_mq_ops = {
	.queue_rq = vmkd_queue_rq,
};

static const struct block_device_operations vmkd_fops = {
	.owner = THIS_MODULE,
};

/* Detach and free what vmkd_add() made of d. */
static void vmkd_free(struct vmkd *d)
{
	if (d->disk) {
		del_gendisk(d->disk);
		put_disk(d->disk);
		blk_mq_free_tag_set(&d->tags);
	}
	d->req->op = VMK_COS_DISK_DETACH;
	if (vmkd_call(d))
		pr_warn("vmkload: vmhba0:C0:T%u:L%u not detached: %s\n", d->target,
			d->lun, d->req->msg);
	kfree(d->req);
	kfree(d);
}

static int vmkd_add(unsigned int i, u32 target, u32 lun)
{
	struct vmkd *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct gendisk *disk;
	u64 nr_blocks;
	int ret;

	if (!d)
		return -ENOMEM;
	for (unsigned int j = 0; j < i; j++) {
		if (vmkd[j]->target == target && vmkd[j]->lun == lun) {
			pr_err("vmkload: cos_disks=%s names %u:%u twice\n", cos_disks, target, lun);
			kfree(d);
			return -EINVAL;
		}
	}
	d->req = kzalloc(sizeof(*d->req), GFP_KERNEL);
	if (!d->req) {
		kfree(d);
		return -ENOMEM;
	}
	d->target = target;
	d->lun = lun;
	d->req->op = VMK_COS_DISK_ATTACH;
	ret = vmkd_call(d);
	if (ret) {
		pr_err("vmkload: cos_disks=%s: %s\n", cos_disks, d->req->msg);
		kfree(d->req);
		kfree(d);
		return ret;
	}
	/* d->req is the requests' from add_disk() on (its partition scan). */
	nr_blocks = d->req->nr_blocks;
	vmkd[i] = d;
	d->tags.ops = &vmkd_mq_ops;
	d->tags.nr_hw_queues = 1;
	d->tags.queue_depth = 1;
	d->tags.numa_node = NUMA_NO_NODE;
	d->tags.flags = BLK_MQ_F_SHOULD_MERGE;
	ret = blk_mq_alloc_tag_set(&d->tags);
	if (ret)
		return ret;
	disk = blk_mq_alloc_disk(&d->tags, d);
	if (IS_ERR(disk)) {
		blk_mq_free_tag_set(&d->tags);
		return PTR_ERR(disk);
	}
	blk_queue_logical_block_size(disk->queue, VMK_COS_DISK_BLOCK);
	blk_queue_max_hw_sectors(disk->queue, VMK_COS_DISK_MAX_BYTES >> SECTOR_SHIFT);
	blk_queue_max_segments(disk->queue, VMK_COS_DISK_SEGS);
	blk_queue_max_segment_size(disk->queue, PAGE_SIZE);
	/* No segment crosses a page: a request is one hypercall of 16 pieces at most. */
	blk_queue_segment_boundary(disk->queue, PAGE_SIZE - 1);
	/*
	 * The vmkernel copies only COS memory below VMK_VBASE: highmem pages
	 * (a PAE COS's page cache above 896 MiB) are bounced to lowmem first.
	 */
	blk_queue_bounce_limit(disk->queue, BLK_BOUNCE_HIGH);
	/* The LUN may cache writes: the COS's flushes reach it. */
	blk_queue_write_cache(disk->queue, true, false);
	disk->major = vmkd_major;
	disk->first_minor = i * VMKD_MINORS;
	disk->minors = VMKD_MINORS;
	disk->fops = &vmkd_fops;
	snprintf(disk->disk_name, sizeof(disk->disk_name), "vmkd%u", i);
	set_capacity(disk, nr_blocks);
	ret = add_disk(disk);
	if (ret) {
		put_disk(disk);
		blk_mq_free_tag_set(&d->tags);
		return ret;
	}
	d->disk = disk;
	pr_info("vmkload: vmhba0:C0:T%u:L%u is the COS's /dev/%s through the vmkernel (%llu blocks)\n",
		target, lun, disk->disk_name, (unsigned long long)nr_blocks);
	return 0;
}

void vmk_cosblk_remove(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmkd); i++) {
		if (vmkd[i])
			vmkd_free(vmkd[i]);
		vmkd[i] = NULL;
	}
	if (vmkd_major > 0)
		unregister_blkdev(vmkd_major, "vmkd");
	vmkd_major = 0;
}

/* Is cos_disks well formed? Checked before the load. */
int vmk_cosblk_check(bool storage)
{
	unsigned int n = 0, t, l, used;
	const char *p = cos_disks;

	if (!*p)
		return 0;
	if (!storage) {
		pr_err("vmkload: cos_disks= needs storage=1: the COS's disks go through the vmkernel's HBA\n");
		return -EINVAL;
	}
	for (;;) {
		if (sscanf(p, "%3u:%3u%n", &t, &l, &used) != 2 || t > 0xff || l > 0xff ||
		    ++n > VMK_COS_DISK_MAX || (p[used] && p[used] != ','))
			break;
		p += used;
		if (!*p++)
			return 0;
	}
	pr_err("vmkload: cos_disks=%s: up to %u LUNs as target:lun, comma-separated (1:0,2:0)\n",
	       cos_disks, VMK_COS_DISK_MAX);
	return -EINVAL;
}

/* After the load: /dev/vmkdN for each LUN of cos_disks; all or none. */
int vmk_cosblk_add(void)
{
	unsigned int i = 0, t, l, used;
	const char *p = cos_disks;
	int ret;

	if (!*p)
		return 0;
	vmkd_major = register_blkdev(0, "vmkd");
	if (vmkd_major < 0)
		return vmkd_major;
	while (sscanf(p, "%3u:%3u%n", &t, &l, &used) == 2) {
		ret = vmkd_add(i++, t, l);
		if (ret) {
			vmk_cosblk_remove();
			return ret;
		}
		p += used;
		if (*p++ != ',')
			break;
	}
	return 0;
}
