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
	if (r->op < VMK_COS_DISK_ATTACH || r->op > VMK_COS_DISK_SETUP) {
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

/* ---- the ring (ABI 48) ---- */

_Static_assert(sizeof(struct vmk_cos_disk_ring) <= VMK_COS_DISK_RING_BYTES,
	       "the ring fits its pages");
#define RING_MASK	(VMK_COS_DISK_RING_DEPTH - 1)
_Static_assert((VMK_COS_DISK_RING_DEPTH & RING_MASK) == 0, "a power of two");

#define RING_AT(r, field)	((r)->gpa + offsetof(struct vmk_cos_disk_ring, field))

void cos_disk_ring_init(struct cos_disk_ring *r, uint64_t gpa)
{
	memset(r, 0, sizeof(*r));
	r->gpa = gpa;
}

/* The ring is left alone from now on; msg says why (set by the caller). */
static enum cos_disk_take broken(struct cos_disk_ring *r)
{
	r->broken = true;
	return COS_DISK_BROKEN;
}

enum cos_disk_take cos_disk_ring_take(struct cos_disk_ring *r, const struct cos_disk_mem *m,
				      struct vmk_cos_disk_ring_req *out, char *msg, uint32_t len)
{
	uint32_t prod;

	if (!r->gpa || r->broken)
		return COS_DISK_EMPTY;
	if (!m->read(RING_AT(r, req_prod), &prod, sizeof(prod))) {
		fmt_snprintf(msg, len, "the ring at %llx is not COS memory", (unsigned long long)r->gpa);
		return broken(r);
	}
	if (prod == r->req_cons)
		return COS_DISK_EMPTY;
	if (prod - r->req_cons > VMK_COS_DISK_RING_DEPTH) {
		fmt_snprintf(msg, len, "req_prod %u is more than %u entries ahead of the vmkernel's %u",
			     prod, VMK_COS_DISK_RING_DEPTH, r->req_cons);
		return broken(r);
	}
	if (prod - r->req_cons > r->most_waiting)
		r->most_waiting = prod - r->req_cons;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* the entry after the index */
	if (!m->read(RING_AT(r, req[r->req_cons & RING_MASK]), out, sizeof(*out))) {
		fmt_snprintf(msg, len, "the ring at %llx is not COS memory", (unsigned long long)r->gpa);
		return broken(r);
	}
	r->req_cons++;
	return COS_DISK_TAKEN;
}

bool cos_disk_ring_req(const struct vmk_cos_disk_ring_req *q, uint32_t target, uint32_t lun,
		       struct vmk_cos_disk *out, char *msg, uint32_t len)
{
	memset(out, 0, sizeof(*out));
	if (q->op != VMK_COS_DISK_READ && q->op != VMK_COS_DISK_WRITE &&
	    q->op != VMK_COS_DISK_FLUSH) {
		fmt_snprintf(msg, len, "op %u in the ring: only READ, WRITE and FLUSH", q->op);
		return false;
	}
	out->op = q->op;
	out->target = target;
	out->lun = lun;
	if (q->op == VMK_COS_DISK_FLUSH)
		return true;	/* no data: its blocks and pieces are not looked at */
	if (q->nsegs > VMK_COS_DISK_SEGS) {
		fmt_snprintf(msg, len, "%u pieces: 1 to %u", q->nsegs, VMK_COS_DISK_SEGS);
		return false;
	}
	out->blocks = q->blocks;
	out->lba = q->lba;
	out->nsegs = q->nsegs;
	memcpy(out->seg, q->seg, q->nsegs * sizeof(q->seg[0]));
	return true;
}

bool cos_disk_ring_answer(struct cos_disk_ring *r, const struct cos_disk_mem *m, uint64_t id,
			  vmk_status_t status, const char *msg)
{
	struct vmk_cos_disk_ring_rsp a;
	uint32_t old = r->rsp_prod, now = old + 1, event;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.status = status;
	for (uint32_t i = 0; msg && msg[i] && i < sizeof(a.msg) - 1; i++)
		a.msg[i] = msg[i];
	if (!m->write(RING_AT(r, rsp[old & RING_MASK]), &a, sizeof(a))) {
		r->broken = true;
		return false;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);	/* the entry before the index */
	if (!m->write(RING_AT(r, rsp_prod), &now, sizeof(now))) {
		r->broken = true;
		return false;
	}
	r->rsp_prod = now;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* rsp_prod out before rsp_event read */
	if (!m->read(RING_AT(r, rsp_event), &event, sizeof(event)))
		return false;
	return now - event < now - old;		/* Xen's RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
}

bool cos_disk_ring_sleep(struct cos_disk_ring *r, const struct cos_disk_mem *m)
{
	uint32_t event = r->req_cons + 1, prod;

	if (!r->gpa || r->broken)
		return false;
	if (!m->write(RING_AT(r, req_event), &event, sizeof(event)))
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* req_event out before req_prod read */
	if (!m->read(RING_AT(r, req_prod), &prod, sizeof(prod)))
		return false;
	return prod != r->req_cons;
}

bool cos_disk_ring_bell(const struct cos_disk_ring *r, const struct cos_disk_mem *m,
			uint8_t *vector, uint8_t *apic_id)
{
	uint32_t b;

	if (!r->gpa || !m->read(RING_AT(r, bell), &b, sizeof(b)))
		return false;
	*vector = b & 0xff;
	*apic_id = (b >> 8) & 0xff;
	return b >> 16 == 0 && *vector >= VMK_COS_DISK_VEC_MIN && *vector <= VMK_COS_DISK_VEC_MAX;
}
