// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS's disks through the vmkernel (docs/storage.md "The COS's
 * disks"): with `vmkload storage=1 cos_disks=T:L[,T:L]`, each named LUN
 * of vmhba0 is attached to the COS (VMK_HC_COS_DISK) after the load and
 * becomes /dev/vmkdN, a blk-mq disk of queue depth 32 on a ring
 * (struct vmk_cos_disk_ring, 16 KiB of lowmem, registered with SETUP):
 * queue_rq() writes the request into it (its pieces, at most 16 page
 * pieces and 64 KiB) and kicks (VMK_COS_DISK_KICK, which returns at once)
 * only when the vmkernel asked for it (req_event); the storage world runs
 * the requests and answers in the ring, then rings the doorbell: a fixed
 * IPI of the HBA's own INTx vector (the HBA is the vmkernel's now, its
 * irq stays Linux's), requested here, shared, until after the give-back.
 * The handler completes the answered requests. An hrtimer polls as the
 * fallback (every VMKD_FALLBACK_US while requests are out, or
 * VMKD_POLL_US without a doorbell). Removed, and detached, before the
 * give-back; the HBA then returns to vmw_pvscsi, which sees the same
 * blocks.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <asm/hw_irq.h>
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
#define VMKD_BUSY_DELAY_MS	100
/* With the doorbell the timer only catches a lost one; without, it polls. */
#define VMKD_FALLBACK_US	100000
#define VMKD_POLL_US		500
#define VMKD_RING_ORDER		get_order(VMK_COS_DISK_RING_BYTES)
#define VMKD_DEPTH		VMK_COS_DISK_RING_DEPTH

struct vmkd {
	u32 target, lun;
	struct vmk_cos_disk *req;	/* ATTACH, SETUP, DETACH's: lowmem */
	struct vmk_cos_disk *kick;	/* KICK's, under lock */
	struct vmk_cos_disk_ring *ring;	/* lowmem, VMK_COS_DISK_RING_BYTES */
	spinlock_t lock;		/* the ring's COS side, kick */
	u32 rsp_cons;			/* the next answer to read */
	struct hrtimer timer;
	struct blk_mq_tag_set tags;
	struct gendisk *disk;
	/* /sys/block/vmkdN/ring: what the ring did */
	u64 requests, kicks, bells, polls;
	u32 most_out;			/* the most requests out at once */
	bool dead;			/* the vmkernel panicked or is gone: fail at once */
};

/* The blk-mq request's own part. */
struct vmkd_cmd {
	unsigned long busy_since;	/* jiffies of the first busy answer, 0: none */
};

static struct vmkd *vmkd[VMK_COS_DISK_MAX];
static int vmkd_major;

/*
 * The doorbell's irq, the HBA's (hba.c recorded it at the hand-over):
 * requested at vmk_cosblk_add(), freed after the give-back
 * (vmk_cosblk_irq_free()), as net's is: a doorbell the vmkernel kept for
 * a COS CPU that was away is raised late.
 */
static struct {
	int irq;
	bool requested;
} vmkd_bell;

/* One hypercall of r for d; 0, else errno with why in r->msg. */
static int vmkd_call(struct vmkd *d, struct vmk_cos_disk *r)
{
	vmk_status_t st;
	int ret;

	r->target = d->target;
	r->lun = d->lun;
	r->msg[0] = '\0';
	/* Not vmk_dev_hypercall(): no recovery (it sleeps) in queue_rq. */
	ret = vmk_vm_hypercall(VMK_HC_COS_DISK, virt_to_phys(r), sizeof(*r), 0, 0, &st, NULL);
	if (ret) {
		strscpy(r->msg, "the vmkernel does not run on this CPU", sizeof(r->msg));
		return ret;
	}
	if (st == VMK_OK)
		return 0;
	r->msg[sizeof(r->msg) - 1] = '\0';
	if (!r->msg[0])
		strscpy(r->msg, vmk_status_name(st), sizeof(r->msg));
	return st == VMK_BUSY ? -EBUSY : -EIO;
}

/*
 * The doorbell the vmkernel is to ring: the irq's vector and its CPU's
 * physical APIC ID (read each time: Linux may move the irq); 0: none.
 */
static u32 vmkd_bell_word(void)
{
	struct irq_data *d = vmkd_bell.requested ? irq_get_irq_data(vmkd_bell.irq) : NULL;
	struct irq_cfg *cfg = d ? irqd_cfg(d) : NULL;
	unsigned int cpu;

	if (!cfg || cfg->vector < VMK_COS_DISK_VEC_MIN || cfg->vector > VMK_COS_DISK_VEC_MAX ||
	    irqd_irq_disabled(d))
		return 0;
	cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (cpu >= nr_cpu_ids || cpu_physical_id(cpu) > 0xff)
		return 0;
	return cfg->vector | (u32)cpu_physical_id(cpu) << 8;
}

static void vmkd_timer_start(struct vmkd *d)
{
	u32 us = READ_ONCE(d->ring->bell) ? VMKD_FALLBACK_US : VMKD_POLL_US;

	if (!hrtimer_is_queued(&d->timer))	/* from its own callback too */
		hrtimer_start(&d->timer, ns_to_ktime((u64)us * NSEC_PER_USEC), HRTIMER_MODE_REL);
}

/* One answer: rq ended, or again after a busy one. */
static void vmkd_end(struct request *rq, vmk_status_t st, const char *msg)
{
	struct vmkd_cmd *c = blk_mq_rq_to_pdu(rq);

	if (st == VMK_BUSY) {
		if (!c->busy_since)
			c->busy_since = jiffies | 1;
		if (time_before(jiffies, c->busy_since + VMKD_BUSY_RETRY_S * HZ)) {
			blk_mq_requeue_request(rq, false);
			blk_mq_delay_kick_requeue_list(rq->q, VMKD_BUSY_DELAY_MS);
			return;
		}
	}
	c->busy_since = 0;
	if (st != VMK_OK)
		pr_err_ratelimited("vmkd: %s: %s of %u blocks at %llu failed: %s\n",
				   rq->q->disk->disk_name,
				   req_op(rq) == REQ_OP_FLUSH ? "flush" :
				   rq_data_dir(rq) == WRITE ? "write" : "read",
				   blk_rq_sectors(rq), (unsigned long long)blk_rq_pos(rq),
				   msg[0] ? msg : vmk_status_name(st));
	blk_mq_end_request(rq, st == VMK_OK ? BLK_STS_OK : BLK_STS_IOERR);
}

/* The answers in d's ring, each read once; true if there were any. */
static bool vmkd_complete(struct vmkd *d)
{
	struct vmk_cos_disk_ring_rsp a;
	unsigned long flags;
	bool any = false;
	u32 prod;

	spin_lock_irqsave(&d->lock, flags);
	for (;;) {
		prod = READ_ONCE(d->ring->rsp_prod);
		rmb();		/* the entries after the index */
		while (d->rsp_cons != prod) {
			struct request *rq;

			memcpy(&a, &d->ring->rsp[d->rsp_cons % VMKD_DEPTH], sizeof(a));
			a.msg[sizeof(a.msg) - 1] = '\0';
			d->rsp_cons++;
			any = true;
			rq = a.id < VMKD_DEPTH ? blk_mq_tag_to_rq(d->tags.tags[0], a.id) : NULL;
			if (!rq || !blk_mq_request_started(rq)) {
				pr_err_ratelimited("vmkd: vmhba0:C0:T%u:L%u: an answer for request %llu, which is not out\n",
						   d->target, d->lun, a.id);
				continue;
			}
			vmkd_end(rq, a.status, a.msg);
		}
		WRITE_ONCE(d->ring->rsp_event, d->rsp_cons + 1);
		mb();		/* rsp_event out before rsp_prod read again */
		if (READ_ONCE(d->ring->rsp_prod) == d->rsp_cons)
			break;
	}
	if (d->ring->req_prod != d->rsp_cons)
		vmkd_timer_start(d);	/* requests still out */
	spin_unlock_irqrestore(&d->lock, flags);
	return any;
}

static enum hrtimer_restart vmkd_timer(struct hrtimer *t)
{
	struct vmkd *d = container_of(t, struct vmkd, timer);

	d->polls++;
	WRITE_ONCE(d->ring->bell, vmkd_bell_word());
	vmkd_complete(d);
	return HRTIMER_NORESTART;
}

/*
 * The doorbell's irq, shared (the HBA's line may be another device's
 * too, vmk0's doorbell among them): claimed when a ring had answers,
 * as a device's status register would say.
 */
static irqreturn_t vmkd_intr(int irq, void *dev_id)
{
	bool mine = false;

	for (unsigned int i = 0; i < ARRAY_SIZE(vmkd); i++) {
		struct vmkd *d = READ_ONCE(vmkd[i]);

		if (d && vmkd_complete(d)) {
			d->bells++;
			mine = true;
		}
	}
	return mine ? IRQ_HANDLED : IRQ_NONE;
}

/* rq's pieces into e (no piece crosses a page: the queue's limits); 0 or -EIO. */
static int vmkd_pieces(struct request *rq, struct vmk_cos_disk_ring_req *e)
{
	struct req_iterator iter;
	struct bio_vec bv;
	u32 bytes = 0;

	e->nsegs = 0;
	rq_for_each_segment(bv, rq, iter) {
		struct vmk_cos_disk_seg *s;

		if (e->nsegs == VMK_COS_DISK_SEGS || bytes + bv.bv_len > VMK_COS_DISK_MAX_BYTES)
			return -EIO;
		s = &e->seg[e->nsegs++];
		s->gpa = page_to_phys(bv.bv_page) + bv.bv_offset;
		s->len = bv.bv_len;
		s->reserved = 0;
		bytes += bv.bv_len;
	}
	e->blocks = bytes / VMK_COS_DISK_BLOCK;
	return 0;
}

/*
 * Whether the vmkernel still runs d's ring, d->lock held: a KICK (a
 * no-op for a ring with nothing new) answered. A vmkernel that panicked
 * answers VMK_PANICKED; one that gave the machine back, nothing.
 */
static bool vmkd_vmkernel_runs(struct vmkd *d)
{
	vmk_status_t st;

	d->kick->op = VMK_COS_DISK_KICK;
	d->kick->target = d->target;
	d->kick->lun = d->lun;
	if (vmk_vm_hypercall(VMK_HC_COS_DISK, virt_to_phys(d->kick), sizeof(*d->kick), 0, 0,
			     &st, NULL))
		return false;
	return st != VMK_PANICKED;
}

/*
 * blk-mq's 30 s timer of a request out in the ring. While the vmkernel
 * runs, it ends each request itself (a hung LUN fails there after its
 * own timeout): wait on. Once it is gone no answer will come, so the
 * request fails here, each one at its own timeout, and new ones at once
 * (queue_rq), so that del_gendisk() and the unload can finish.
 */
static enum blk_eh_timer_return vmkd_timeout(struct request *rq)
{
	struct vmkd *d = rq->q->queuedata;
	unsigned long flags;
	bool runs;

	spin_lock_irqsave(&d->lock, flags);
	runs = !d->dead && vmkd_vmkernel_runs(d);
	d->dead = !runs;
	spin_unlock_irqrestore(&d->lock, flags);
	if (runs)
		return BLK_EH_RESET_TIMER;
	pr_err_ratelimited("vmkd: %s: the vmkernel no longer runs the ring: a request of %u blocks at %llu failed\n",
			   rq->q->disk->disk_name, blk_rq_sectors(rq),
			   (unsigned long long)blk_rq_pos(rq));
	blk_mq_end_request(rq, BLK_STS_IOERR);
	return BLK_EH_DONE;
}

static blk_status_t vmkd_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct vmkd *d = rq->q->queuedata;
	struct vmk_cos_disk_ring_req e = { .id = rq->tag };
	unsigned long flags;
	u32 old, out;
	bool kick;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		e.op = VMK_COS_DISK_FLUSH;
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		e.op = rq_data_dir(rq) == WRITE ? VMK_COS_DISK_WRITE : VMK_COS_DISK_READ;
		e.lba = blk_rq_pos(rq);
		if (vmkd_pieces(rq, &e)) {
			pr_err_ratelimited("vmkd: %s: a request of %u blocks does not fit one ring entry\n",
					   rq->q->disk->disk_name, blk_rq_sectors(rq));
			return BLK_STS_IOERR;
		}
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	spin_lock_irqsave(&d->lock, flags);
	if (d->dead) {
		spin_unlock_irqrestore(&d->lock, flags);
		return BLK_STS_IOERR;
	}
	old = d->ring->req_prod;
	if (old - d->rsp_cons >= VMKD_DEPTH) {	/* answers not read yet hold the entries */
		spin_unlock_irqrestore(&d->lock, flags);
		return BLK_STS_RESOURCE;
	}
	memcpy(&d->ring->req[old % VMKD_DEPTH], &e, sizeof(e));
	wmb();			/* the entry before the index */
	WRITE_ONCE(d->ring->req_prod, old + 1);
	mb();			/* req_prod out before req_event read */
	kick = old + 1 - READ_ONCE(d->ring->req_event) < 1;	/* Xen's RING_PUSH_REQUESTS_AND_CHECK_NOTIFY */
	d->requests++;
	out = old + 1 - d->rsp_cons;
	if (out > d->most_out)
		d->most_out = out;
	if (kick) {
		d->kicks++;
		d->kick->op = VMK_COS_DISK_KICK;
		if (vmkd_call(d, d->kick))
			pr_err_ratelimited("vmkd: %s: kick refused: %s\n", rq->q->disk->disk_name,
					   d->kick->msg);
	}
	vmkd_timer_start(d);
	spin_unlock_irqrestore(&d->lock, flags);
	return BLK_STS_OK;
}

static int vmkd_init_request(struct blk_mq_tag_set *set, struct request *rq,
			     unsigned int hctx_idx, unsigned int numa_node)
{
	struct vmkd_cmd *c = blk_mq_rq_to_pdu(rq);

	c->busy_since = 0;
	return 0;
}

static const struct blk_mq_ops vmkd_mq_ops = {
	.queue_rq = vmkd_queue_rq,
	.init_request = vmkd_init_request,
	.timeout = vmkd_timeout,
};

static const struct block_device_operations vmkd_fops = {
	.owner = THIS_MODULE,
};

/* /sys/block/vmkdN/ring: what the ring did since the load (lab, docs/storage.md). */
static ssize_t ring_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vmkd *d = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "requests %llu kicks %llu most_out %u doorbells %llu polls %llu\n",
			  d->requests, d->kicks, d->most_out, d->bells, d->polls);
}
static DEVICE_ATTR_RO(ring);

static struct attribute *vmkd_attrs[] = { &dev_attr_ring.attr, NULL };
static const struct attribute_group vmkd_group = { .attrs = vmkd_attrs };
static const struct attribute_group *vmkd_groups[] = { &vmkd_group, NULL };

/*
 * Remove, detach and free vmkd[i]: the disk first (its last requests
 * are answered through the doorbell or the timer), then out of the
 * handler's and the timer's sight, then its tags (which they read), then
 * DETACH (the vmkernel lets go of the ring). A ring whose DETACH failed
 * may still be the vmkernel's: its pages are left allocated, never reused
 * (a reused page with an index within 32 would run as requests).
 */
static void vmkd_free(unsigned int i)
{
	struct vmkd *d = vmkd[i];

	if (d->disk)
		del_gendisk(d->disk);
	WRITE_ONCE(vmkd[i], NULL);
	if (vmkd_bell.requested)
		synchronize_irq(vmkd_bell.irq);
	hrtimer_cancel(&d->timer);
	if (d->disk) {
		put_disk(d->disk);
		blk_mq_free_tag_set(&d->tags);
	}
	d->req->op = VMK_COS_DISK_DETACH;
	if (vmkd_call(d, d->req)) {
		pr_warn("vmkload: vmhba0:C0:T%u:L%u not detached: %s (its ring's %u KiB left allocated)\n",
			d->target, d->lun, d->req->msg, VMK_COS_DISK_RING_BYTES / 1024);
	} else {
		if (d->requests)
			pr_info("vmkload: /dev/vmkd%u: %llu requests, up to %u out at once, %llu kicks, %llu doorbells, %llu timer polls\n",
				i, d->requests, d->most_out, d->kicks, d->bells, d->polls);
		free_pages((unsigned long)d->ring, VMKD_RING_ORDER);
	}
	kfree(d->kick);
	kfree(d->req);
	kfree(d);
}

static struct vmkd *vmkd_alloc(u32 target, u32 lun)
{
	struct vmkd *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	d->req = kzalloc(sizeof(*d->req), GFP_KERNEL);
	d->kick = kzalloc(sizeof(*d->kick), GFP_KERNEL);
	d->ring = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, VMKD_RING_ORDER);
	if (!d->req || !d->kick || !d->ring) {
		if (d->ring)
			free_pages((unsigned long)d->ring, VMKD_RING_ORDER);
		kfree(d->kick);
		kfree(d->req);
		kfree(d);
		return NULL;
	}
	/* The first request kicks, the first answer rings (Xen's SHARED_RING_INIT). */
	d->ring->req_event = 1;
	d->ring->rsp_event = 1;
	d->target = target;
	d->lun = lun;
	spin_lock_init(&d->lock);
	hrtimer_init(&d->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	d->timer.function = vmkd_timer;
	return d;
}

static int vmkd_add(unsigned int i, u32 target, u32 lun)
{
	struct gendisk *disk;
	struct vmkd *d;
	u64 nr_blocks;
	int ret;

	for (unsigned int j = 0; j < i; j++) {
		if (vmkd[j]->target == target && vmkd[j]->lun == lun) {
			pr_err("vmkload: cos_disks=%s names %u:%u twice\n", cos_disks, target, lun);
			return -EINVAL;
		}
	}
	d = vmkd_alloc(target, lun);
	if (!d)
		return -ENOMEM;
	d->req->op = VMK_COS_DISK_ATTACH;
	ret = vmkd_call(d, d->req);
	if (ret) {
		pr_err("vmkload: cos_disks=%s: %s\n", cos_disks, d->req->msg);
		free_pages((unsigned long)d->ring, VMKD_RING_ORDER);
		kfree(d->kick);
		kfree(d->req);
		kfree(d);
		return ret;
	}
	nr_blocks = d->req->nr_blocks;
	vmkd[i] = d;		/* attached: vmkd_free() detaches it */
	d->ring->bell = vmkd_bell_word();
	d->req->op = VMK_COS_DISK_SETUP;
	d->req->ring_gpa = virt_to_phys(d->ring);
	ret = vmkd_call(d, d->req);
	if (ret) {
		pr_err("vmkload: cos_disks=%s: its ring: %s\n", cos_disks, d->req->msg);
		return ret;
	}
	d->tags.ops = &vmkd_mq_ops;
	d->tags.nr_hw_queues = 1;
	d->tags.queue_depth = VMKD_DEPTH;	/* tags are the ring's request ids */
	d->tags.cmd_size = sizeof(struct vmkd_cmd);
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
	/* No segment crosses a page: a request is one ring entry of 16 pieces at most. */
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
	disk->private_data = d;
	snprintf(disk->disk_name, sizeof(disk->disk_name), "vmkd%u", i);
	set_capacity(disk, nr_blocks);
	d->disk = disk;		/* the handler's from here: answers of the partition scan */
	ret = device_add_disk(NULL, disk, vmkd_groups);
	if (ret) {
		d->disk = NULL;
		put_disk(disk);
		blk_mq_free_tag_set(&d->tags);
		return ret;
	}
	pr_info("vmkload: vmhba0:C0:T%u:L%u is the COS's /dev/%s through the vmkernel (%llu blocks)\n",
		target, lun, disk->disk_name, (unsigned long long)nr_blocks);
	return 0;
}

void vmk_cosblk_remove(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmkd); i++)
		if (vmkd[i])
			vmkd_free(i);
	if (vmkd_major > 0)
		unregister_blkdev(vmkd_major, "vmkd");
	vmkd_major = 0;
}

void vmk_cosblk_irq_free(void)
{
	if (vmkd_bell.requested)
		free_irq(vmkd_bell.irq, &vmkd_bell);
	vmkd_bell.requested = false;
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
int vmk_cosblk_add(int irq)
{
	unsigned int i = 0, t, l, used;
	const char *p = cos_disks;
	int ret;

	if (!*p)
		return 0;
	/* No doorbell (no irq, or refused): the timer polls. */
	vmkd_bell.irq = irq;
	if (!vmkd_bell.requested && irq > 0) {
		ret = request_irq(irq, vmkd_intr, IRQF_SHARED, "vmkd", &vmkd_bell);
		vmkd_bell.requested = !ret;
	}
	if (vmkd_bell_word())
		pr_info("vmkload: the COS's disks' doorbell: irq %d, vector 0x%x\n", irq,
			vmkd_bell_word() & 0xff);
	else
		pr_info("vmkload: the COS's disks have no doorbell (irq %d%s): polled every %u us\n",
			irq, irq > 0 && !vmkd_bell.requested ? " refused" : "", VMKD_POLL_US);
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
