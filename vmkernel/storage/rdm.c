// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/rdm.h"

/* ---- the backend ---- */

/* A failed physical command, counted, as the disk model's status. */
static enum scsi_backend_status io_failed(struct rdm *r, enum rdm_io_status st)
{
	r->io_errors++;
	if (st != RDM_IO_UNRESPONSIVE)
		return SCSI_BACKEND_IO_ERROR;
	r->unresponsive++;
	return SCSI_BACKEND_UNRESPONSIVE;
}

/* Is [lba, lba + nr) on the LUN? The disk model checked it already. */
static bool in_range(struct rdm *r, uint64_t lba, uint32_t nr)
{
	if (lba <= r->nr_blocks && nr <= r->nr_blocks - lba)
		return true;
	r->range_refused++;
	return false;
}

enum scsi_backend_status rdm_rw(struct rdm *r, bool write, uint64_t lba,
				uint32_t n, uint64_t pa)
{
	enum rdm_io_status st = r->io->rw(r->io_ctx, write, lba, n, pa);

	return st == RDM_IO_OK ? SCSI_BACKEND_OK : io_failed(r, st);
}

enum scsi_backend_status rdm_rw_sg(struct rdm *r, bool write, uint64_t lba, uint32_t n,
				   const struct storage_sg *sg, uint32_t nr_sg)
{
	enum rdm_io_status st = r->io->rw_sg ?
		r->io->rw_sg(r->io_ctx, write, lba, n, sg, nr_sg) : RDM_IO_ERROR;

	return st == RDM_IO_OK ? SCSI_BACKEND_OK : io_failed(r, st);
}

enum scsi_backend_status rdm_sync(struct rdm *r)
{
	enum rdm_io_status st = r->io->flush(r->io_ctx);

	return st == RDM_IO_OK ? SCSI_BACKEND_OK : io_failed(r, st);
}

/* One piece between the LUN and the bounce buffer. */
static enum scsi_backend_status rdm_piece(void *ctx, bool write, uint64_t lba,
					  uint32_t n)
{
	struct rdm *r = ctx;

	return rdm_rw(r, write, lba, n, r->bounce_pa);
}

static void rdm_read(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct rdm *r = ctx;

	r->reads++;
	if (!in_range(r, lba, nr))
		return scsi_backend_done(cmd, SCSI_BACKEND_IO_ERROR);
	scsi_backend_bounce(cmd, false, lba, nr, r->bounce, r->bounce_blocks,
			    rdm_piece, r, &r->blocks_read);
}

static void rdm_write(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct rdm *r = ctx;

	r->writes++;
	if (!in_range(r, lba, nr))
		return scsi_backend_done(cmd, SCSI_BACKEND_IO_ERROR);
	scsi_backend_bounce(cmd, true, lba, nr, r->bounce, r->bounce_blocks,
			    rdm_piece, r, &r->blocks_written);
}

static void rdm_flush(void *ctx, struct scsi_cmd *cmd)
{
	struct rdm *r = ctx;

	r->flushes++;
	scsi_backend_done(cmd, rdm_sync(r));
}

static const struct scsi_backend_ops rdm_ops = {
	.read = rdm_read,
	.write = rdm_write,
	.flush = rdm_flush,
	.unmap = NULL,
};

void rdm_backend(struct rdm *r, struct scsi_backend *be)
{
	be->ops = &rdm_ops;
	be->ctx = r;
	be->nr_blocks = r->nr_blocks;
	be->thin = false;
	be->read_only = false;
}

/* ---- names ---- */

/* A decimal below limit at *p, no leading zero; *p moves past it. */
static bool parse_number(const char **p, uint32_t limit, uint32_t *out)
{
	const char *s = *p;
	uint32_t v = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint32_t)(*s - '0');
		if (v >= limit)
			return false;
	}
	*p = s;
	*out = v;
	return true;
}

/* word at *p; *p moves past it. Stops at the first difference (a NUL). */
static bool skip(const char **p, const char *word)
{
	const char *s = *p;

	for (; *word; s++, word++)
		if (*s != *word)
			return false;
	*p = s;
	return true;
}

bool rdm_parse_name(const char *name, uint32_t *target, uint32_t *lun)
{
	const char *p = name;
	uint32_t t, l;

	if (!skip(&p, "vmhba0:C0:T") || !parse_number(&p, 256, &t) ||
	    !skip(&p, ":L") || !parse_number(&p, 256, &l) || *p)
		return false;
	*target = t;
	*lun = l;
	return true;
}

int rdm_cfg_disk(const struct vmk_vm_config *cfg, uint32_t target, uint32_t lun)
{
	uint32_t t, l;

	if (cfg->scsi0 == VMK_VM_SCSI_NONE)
		return -1;
	for (int i = 0; i < VMK_VM_MAX_DISKS; i++)
		if (rdm_parse_name(cfg->disk[i].name, &t, &l) && t == target && l == lun)
			return i;
	return -1;
}

/* ---- claims ---- */

const char *rdm_holder(const struct rdm_claims *cl, uint32_t target, uint32_t lun)
{
	for (int i = 0; i < RDM_MAX_CLAIMS; i++)
		if (cl->c[i].used && cl->c[i].target == target && cl->c[i].lun == lun)
			return cl->c[i].owner_name;
	return NULL;
}

enum rdm_claim_status rdm_claim(struct rdm_claims *cl, uint32_t target,
				uint32_t lun, uint32_t owner,
				const char *owner_name, const char **holder)
{
	int free_slot = -1;
	size_t n;

	*holder = rdm_holder(cl, target, lun);
	if (*holder)
		return RDM_CLAIM_BUSY;
	for (int i = 0; i < RDM_MAX_CLAIMS && free_slot < 0; i++)
		if (!cl->c[i].used)
			free_slot = i;
	if (free_slot < 0)
		return RDM_CLAIM_FULL;
	cl->c[free_slot].used = true;
	cl->c[free_slot].target = target;
	cl->c[free_slot].lun = lun;
	cl->c[free_slot].owner = owner;
	n = MIN(strlen(owner_name), (size_t)RDM_NAME_LEN - 1);
	memcpy(cl->c[free_slot].owner_name, owner_name, n);
	cl->c[free_slot].owner_name[n] = '\0';
	return RDM_CLAIM_OK;
}

void rdm_release(struct rdm_claims *cl, uint32_t target, uint32_t lun,
		 uint32_t owner)
{
	for (int i = 0; i < RDM_MAX_CLAIMS; i++)
		if (cl->c[i].used && cl->c[i].target == target &&
		    cl->c[i].lun == lun && cl->c[i].owner == owner)
			cl->c[i].used = false;
}
