// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/cos_disk.h"
#include "vmkernel/lib/format.h"

#define PAGE_BYTES	4096u

static int find(const struct cos_disks *c, uint32_t target, uint32_t lun)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(c->d); i++)
		if (c->d[i].used && c->d[i].target == target && c->d[i].lun == lun)
			return (int)i;
	return -1;
}

bool cos_disk_attached(const struct cos_disks *c, uint32_t target, uint32_t lun)
{
	return find(c, target, lun) >= 0;
}

/* The pieces of a READ or WRITE: inside COS pages, together the blocks. */
static bool segs_ok(const struct vmk_cos_disk *r, cos_disk_range_ok range_ok,
		    char *msg, uint32_t len)
{
	uint64_t bytes = 0;

	if (!r->nsegs || r->nsegs > VMK_COS_DISK_SEGS) {
		fmt_snprintf(msg, len, "%u pieces: 1 to %u", r->nsegs, VMK_COS_DISK_SEGS);
		return false;
	}
	for (uint32_t i = 0; i < r->nsegs; i++) {
		const struct vmk_cos_disk_seg *s = &r->seg[i];

		if (!s->len || s->len % VMK_COS_DISK_BLOCK ||
		    (s->gpa & (PAGE_BYTES - 1)) + s->len > PAGE_BYTES) {
			fmt_snprintf(msg, len, "piece %u (%u bytes at %llx) is not whole blocks within one page",
				     i, s->len, (unsigned long long)s->gpa);
			return false;
		}
		if (!range_ok(s->gpa, s->len)) {
			fmt_snprintf(msg, len, "piece %u at %llx is not COS memory",
				     i, (unsigned long long)s->gpa);
			return false;
		}
		bytes += s->len;
	}
	if (bytes != (uint64_t)r->blocks * VMK_COS_DISK_BLOCK) {
		fmt_snprintf(msg, len, "the pieces hold %llu bytes, the %u blocks are %llu",
			     (unsigned long long)bytes, r->blocks,
			     (unsigned long long)r->blocks * VMK_COS_DISK_BLOCK);
		return false;
	}
	return true;
}

bool cos_disk_check(const struct cos_disks *c, const struct vmk_cos_disk *r,
		    const struct cos_disk_lun *l, cos_disk_range_ok range_ok,
		    uint32_t max_bytes, char *msg, uint32_t len)
{
	char path[24];
	bool io = r->op == VMK_COS_DISK_READ || r->op == VMK_COS_DISK_WRITE;

	fmt_snprintf(path, sizeof(path), "vmhba0:C0:T%u:L%u", r->target, r->lun);
	if (r->op < VMK_COS_DISK_ATTACH || r->op > VMK_COS_DISK_FLUSH) {
		fmt_snprintf(msg, len, "no such COS disk request (op %u)", r->op);
		return false;
	}
	if (r->op != VMK_COS_DISK_ATTACH && !cos_disk_attached(c, r->target, r->lun)) {
		fmt_snprintf(msg, len, "%s is not one of the COS's disks (vmkload cos_disks=)", path);
		return false;
	}
	if (r->op == VMK_COS_DISK_DETACH)
		return true;
	if (l->gone) {
		fmt_snprintf(msg, len, "%s is gone: the last rescan did not find it", path);
		return false;
	}
	if (!l->found || !l->usable || !l->nr_blocks) {
		fmt_snprintf(msg, len, "%s: no usable disk of %u-byte blocks there (vmkctl storage luns)",
			     path, VMK_COS_DISK_BLOCK);
		return false;
	}
	if (l->datastore) {
		fmt_snprintf(msg, len, "%s holds datastore '%s', mounted by the vmkernel: it cannot also be the COS's disk",
			     path, l->datastore);
		return false;
	}
	if (l->raw_vm) {
		fmt_snprintf(msg, len, "%s is vm '%s''s raw disk: it cannot also be the COS's",
			     path, l->raw_vm);
		return false;
	}
	if (!io)
		return true;
	if (!r->blocks || r->blocks > max_bytes / VMK_COS_DISK_BLOCK) {
		fmt_snprintf(msg, len, "%u blocks: 1 to %u at a time", r->blocks,
			     max_bytes / VMK_COS_DISK_BLOCK);
		return false;
	}
	if (r->lba > l->nr_blocks || r->blocks > l->nr_blocks - r->lba) {
		fmt_snprintf(msg, len, "blocks %llu+%u lie beyond %s's end (%llu blocks)",
			     (unsigned long long)r->lba, r->blocks, path,
			     (unsigned long long)l->nr_blocks);
		return false;
	}
	return segs_ok(r, range_ok, msg, len);
}

bool cos_disk_attach(struct cos_disks *c, uint32_t target, uint32_t lun,
		     const struct scan_id *id)
{
	if (cos_disk_attached(c, target, lun))
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(c->d); i++) {
		if (c->d[i].used)
			continue;
		c->d[i].used = true;
		c->d[i].target = target;
		c->d[i].lun = lun;
		c->d[i].id = *id;
		return true;
	}
	return false;
}

const struct scan_id *cos_disk_id(const struct cos_disks *c, uint32_t target, uint32_t lun)
{
	int i = find(c, target, lun);

	return i < 0 ? NULL : &c->d[i].id;
}

void cos_disk_detach(struct cos_disks *c, uint32_t target, uint32_t lun)
{
	int i = find(c, target, lun);

	if (i >= 0)
		c->d[i].used = false;
}

uint32_t cos_disk_detach_all(struct cos_disks *c)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(c->d); i++) {
		n += c->d[i].used;
		c->d[i].used = false;
	}
	return n;
}
