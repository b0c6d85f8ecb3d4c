// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMware PVSCSI adapter model. The guest writes a command number to
 * COMMAND and its descriptor, a dword at a time, to COMMAND_DATA; the
 * command runs when the last dword arrives and leaves its result in
 * COMMAND_STATUS. I/O goes through rings in guest memory: the guest
 * fills request descriptors and moves reqProdIdx, then kicks; the device
 * moves reqConsIdx, posts completion descriptors, moves cmpProdIdx and
 * raises CMPL_0 in INTR_STATUS. The device keeps its own consumer and
 * producer indices; the guest's copies are only ever written.
 */
#include "vmm/dev/pvscsi.h"
#include "vmm/bytes.h"
#include "vmm/dev/pci_host.h"
#include "vmm/devices.h"

#define PAGE_SHIFT		12
#define MAX_PPN			((1ull << (64 - PAGE_SHIFT)) - 1)
#define KNOWN_FLAGS		(PVSCSI_FLAG_SG_LIST | PVSCSI_FLAG_DIR_NONE | \
				 PVSCSI_FLAG_DIR_TOHOST | PVSCSI_FLAG_DIR_TODEVICE)
#define DIR_FLAGS		(PVSCSI_FLAG_DIR_NONE | PVSCSI_FLAG_DIR_TOHOST | \
				 PVSCSI_FLAG_DIR_TODEVICE)

/* PCI configuration header (PCI 3.0 §6.1) and what the guest may change. */
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_BAR0		0x10
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_INTR_LINE		0x3c
#define CFG_INTR_PIN		0x3d
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS_INTERRUPT	0x0008
#define PCI_CLASS_SCSI		0x010000
#define PVSCSI_REVISION		0x02
#define PVSCSI_SUBSYS_ID	0x1000	/* as QEMU's model */

static uint32_t ring_entries(uint32_t log2)
{
	return 1u << log2;
}

static bool rs_read(struct pvscsi *s, unsigned int field, uint32_t *v)
{
	uint8_t b[4];

	if (!s->dma.read(s->dma.ctx, s->rings_state + field, b, sizeof(b)))
		return false;
	*v = vmm_get32(b);
	return true;
}

static bool rs_write(struct pvscsi *s, unsigned int field, uint32_t v)
{
	uint8_t b[4];

	vmm_put32(b, v);
	return s->dma.write(s->dma.ctx, s->rings_state + field, b, sizeof(b));
}

/* The rings are unusable: stop until the guest resets the adapter. */
static void adapter_fail(struct pvscsi *s, const char *why)
{
	if (!s->error)
		s->error = why;
}

static bool msi_on(const struct pvscsi *s)
{
	return pci_msi_enabled(s->pci, PVSCSI_MSI_CAP);
}

/* INTA# follows the unmasked status, unless disabled or MSI is on. */
static void update_irq(struct pvscsi *s)
{
	uint16_t command = vmm_get16(&s->pci[CFG_COMMAND]);
	bool pending = s->intr_status & s->intr_mask & PVSCSI_INTR_ALL;
	bool level = pending && !(command & PCI_COMMAND_INTX_OFF) && !msi_on(s);

	s->pci[CFG_STATUS] = (uint8_t)((s->pci[CFG_STATUS] & ~PCI_STATUS_INTERRUPT) |
				       (pending ? PCI_STATUS_INTERRUPT : 0));
	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->set_irq)
		s->set_irq(s->irq_ctx, level);
}

static void send_msi(struct pvscsi *s)
{
	struct pci_msi_msg m = pci_msi_message(s->pci, PVSCSI_MSI_CAP);

	s->msi_pending = false;
	if (s->msi)
		s->msi(s->irq_ctx, &m);
}

/*
 * The device posted what bits stand for: INTx follows the status; with
 * MSI on, one message now, or when the mask next allows it.
 */
static void raise_intr(struct pvscsi *s, uint32_t bits)
{
	s->intr_status |= bits;
	if (msi_on(s)) {
		if (s->intr_mask & bits)
			send_msi(s);
		else
			s->msi_pending = true;
	}
	update_irq(s);
}

static void slot_free(struct pvscsi_req *r)
{
	r->at_target = r->answered = r->to_post = false;
}

static bool slot_busy(const struct pvscsi_req *r)
{
	return r->at_target || r->to_post;
}

/* The guest's answer for r: posted as soon as the completion ring has room. */
static void answer(struct pvscsi_req *r, uint16_t host_status,
		   uint16_t scsi_status, uint64_t data_len, uint32_t sense_len)
{
	r->answered = true;
	r->to_post = true;
	r->cmp_host_status = host_status;
	r->cmp_scsi_status = scsi_status;
	r->cmp_data_len = data_len;
	r->cmp_sense_len = sense_len;
}

/* Write one completion descriptor; false: no room (or the ring is gone). */
static bool post_one(struct pvscsi *s, const struct pvscsi_req *r)
{
	uint8_t d[PVSCSI_CMP_DESC_LEN];
	uint32_t cons, idx;
	uint64_t gpa;

	if (!rs_read(s, PVSCSI_RS_CMP_CONS, &cons)) {
		adapter_fail(s, "the PVSCSI rings state page is not in guest RAM");
		return false;
	}
	if (s->cmp_prod - cons >= ring_entries(s->cmp_log2))
		return false;		/* full, or a garbage consumer index */
	idx = s->cmp_prod & (ring_entries(s->cmp_log2) - 1);
	gpa = s->cmp_page[idx >> PVSCSI_CMP_PER_PAGE_LOG2] +
	      (idx & ((1u << PVSCSI_CMP_PER_PAGE_LOG2) - 1)) * PVSCSI_CMP_DESC_LEN;
	vmm_zero(d, sizeof(d));
	vmm_put64(&d[PVSCSI_CQ_CONTEXT], r->context);
	vmm_put64(&d[PVSCSI_CQ_DATA_LEN], r->cmp_data_len);
	vmm_put32(&d[PVSCSI_CQ_SENSE_LEN], r->cmp_sense_len);
	vmm_put16(&d[PVSCSI_CQ_HOST_STATUS], r->cmp_host_status);
	vmm_put16(&d[PVSCSI_CQ_SCSI_STATUS], r->cmp_scsi_status);
	if (!s->dma.write(s->dma.ctx, gpa, d, sizeof(d))) {
		adapter_fail(s, "a PVSCSI completion ring page is not in guest RAM");
		return false;
	}
	s->cmp_prod++;
	if (!rs_write(s, PVSCSI_RS_CMP_PROD, s->cmp_prod)) {
		adapter_fail(s, "the PVSCSI rings state page is not in guest RAM");
		return false;
	}
	return true;
}

/* Post waiting completions in arrival order while the ring has room. */
static void post_completions(struct pvscsi *s)
{
	bool posted = false;

	while (s->rings_ok && !s->error) {
		struct pvscsi_req *next = NULL;

		for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++) {
			struct pvscsi_req *r = &s->req[i];

			if (r->to_post && (!next || (int32_t)(r->seq - next->seq) < 0))
				next = r;
		}
		if (!next || !post_one(s, next))
			break;
		next->to_post = false;
		posted = true;
	}
	if (posted)
		raise_intr(s, PVSCSI_INTR_CMPL_0);
}

/*
 * r, at its disk, ends for the guest now (an abort or a reset answered
 * it, r->answered set): none of its data moves after this, so the guest
 * may reuse its buffer as soon as it sees the answer.
 */
static void fence(struct pvscsi *s, struct pvscsi_req *r)
{
	if (s->fence)
		s->fence(s->fence_ctx, &r->cmd);
}

/* Every request in flight (for one target, or all) ends for the guest. */
static void abort_requests(struct pvscsi *s, int target, uint16_t host_status)
{
	for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++) {
		struct pvscsi_req *r = &s->req[i];

		if (!r->at_target || r->answered ||
		    (target >= 0 && r->target != target))
			continue;
		answer(r, host_status, SCSI_STATUS_GOOD, 0, 0);
		fence(s, r);
	}
}

/* Forget every request: the guest will not look at the old rings again. */
static void drop_requests(struct pvscsi *s)
{
	for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++) {
		struct pvscsi_req *r = &s->req[i];
		bool was_answered = r->answered;

		r->to_post = false;
		r->answered = true;	/* a late done() only frees the slot */
		if (!r->at_target)
			slot_free(r);
		else if (!was_answered)
			fence(s, r);
	}
}

/* Each disk of target (all: -1) reports the reset once (unit attention). */
static void reset_disks(struct pvscsi *s, int target)
{
	for (int t = 0; t < PVSCSI_MAX_TARGETS; t++)
		if (s->target[t] && (target < 0 || t == target))
			scsi_disk_reset(s->target[t]);
}

/*
 * The adapter alone (the driver's probe and host reset): requests are
 * forgotten, the disks keep their state (RESET_BUS resets those).
 */
static void adapter_reset(struct pvscsi *s)
{
	drop_requests(s);
	s->rings_ok = false;
	s->starved = false;
	s->more = false;
	s->error = NULL;
	s->intr_status = 0;
	s->msi_pending = false;
	s->cmd = 0;
	s->cmd_words = 0;
	update_irq(s);
}

/*
 * Copy between the disk and the guest buffer of r: the ranges in r->sg,
 * from byte off of the buffer. The disk has bounded off + len by the
 * buffer's length, which is the sum of the ranges.
 */
static bool buf_copy(struct pvscsi_req *r, uint64_t off, uint8_t *host,
		     uint32_t len, bool to_guest)
{
	struct guest_dma *dma = &r->dev->dma;
	unsigned int i = r->cur_sg;
	uint64_t base = r->cur_base;

	if (r->answered)
		return false;		/* aborted: no more DMA for it */
	if (off < base) {
		i = 0;
		base = 0;
	}
	while (len) {
		uint64_t in, n;

		while (i < r->nr_sg && off >= base + r->sg[i].len) {
			base += r->sg[i].len;
			i++;
		}
		if (i == r->nr_sg)
			return false;
		in = off - base;
		n = r->sg[i].len - in;
		if (n > len)
			n = len;
		if (to_guest ? !dma->write(dma->ctx, r->sg[i].addr + in, host, (uint32_t)n) :
			       !dma->read(dma->ctx, r->sg[i].addr + in, host, (uint32_t)n))
			return false;
		host += n;
		off += n;
		len -= (uint32_t)n;
	}
	r->cur_sg = i;
	r->cur_base = base;
	return true;
}

static bool buf_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	return buf_copy(ctx, off, (uint8_t *)src, len, true);
}

static bool buf_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	return buf_copy(ctx, off, dst, len, false);
}

/* Where byte off of r's buffer lies in guest memory (scsi_buf.where). */
static bool buf_where(void *ctx, uint64_t off, uint64_t *addr, uint64_t *len)
{
	struct pvscsi_req *r = ctx;
	uint64_t base = 0;

	if (r->answered)
		return false;		/* aborted: no more DMA for it */
	for (unsigned int i = 0; i < r->nr_sg; base += r->sg[i].len, i++) {
		if (off - base >= r->sg[i].len)
			continue;
		*addr = r->sg[i].addr + (off - base);
		*len = r->sg[i].len - (off - base);
		return true;
	}
	return false;
}

static void process_requests(struct pvscsi *s);

/* The disk finished r's command: translate it into the guest's terms. */
static void request_done(struct scsi_cmd *cmd)
{
	struct pvscsi_req *r = vmm_container_of(cmd, struct pvscsi_req, cmd);
	struct pvscsi *s = r->dev;
	uint32_t sense_len = 0;
	uint16_t host = BTSTAT_SUCCESS;

	r->at_target = false;
	if (r->answered)		/* aborted or reset meanwhile: dropped */
		goto resume;
	switch (cmd->result) {
	case SCSI_RESULT_OK:
		break;
	case SCSI_RESULT_OVERRUN:
		host = BTSTAT_DATARUN;
		break;
	case SCSI_RESULT_DIRECTION:
		host = BTSTAT_BADMSG;
		break;
	default:
		host = BTSTAT_INVPARAM;
		break;
	}
	if (host == BTSTAT_SUCCESS && cmd->sense_len && r->sense_len) {
		sense_len = cmd->sense_len < r->sense_len ? cmd->sense_len : r->sense_len;
		if (!s->dma.write(s->dma.ctx, r->sense_addr, cmd->sense, sense_len)) {
			host = BTSTAT_SENSFAILED;
			sense_len = 0;
		}
	}
	answer(r, host, host == BTSTAT_SUCCESS ? cmd->status : SCSI_STATUS_GOOD,
	       host == BTSTAT_SUCCESS ? cmd->xfer_len : 0, sense_len);
	if (!s->in_process)		/* else the batch's end posts it with the rest */
		post_completions(s);
resume:
	/* a slot is free again: take what waited, unless we are inside that */
	if (s->starved && !s->in_process)
		process_requests(s);
}

/*
 * The data buffer of a request, into r->sg: one range, or an SG list of
 * at most PVSCSI_MAX_SG elements that lies in one page (vmw_pvscsi.h: "each
 * segment is entirely contained on a single physical page"), read one
 * element at a time into the slot. The ranges must cover data_len; the
 * last one is cut to it. false: a bad list (BTSTAT_INVPARAM).
 */
static bool map_buffer(struct pvscsi *s, struct pvscsi_req *r, uint32_t flags,
		       uint64_t addr, uint64_t data_len)
{
	uint64_t covered = 0, room;
	unsigned int max;

	r->nr_sg = 0;
	if (!data_len)
		return true;
	if (!(flags & PVSCSI_FLAG_SG_LIST)) {
		if (addr + data_len < addr)
			return false;
		r->sg[0].addr = addr;
		r->sg[0].len = data_len;
		r->nr_sg = 1;
		return true;
	}
	if (addr & (PVSCSI_SG_ELEM_LEN - 1))
		return false;
	room = (PVSCSI_PAGE_SIZE - (addr & (PVSCSI_PAGE_SIZE - 1))) / PVSCSI_SG_ELEM_LEN;
	max = room < PVSCSI_MAX_SG ? (unsigned int)room : PVSCSI_MAX_SG;
	while (covered < data_len) {
		uint8_t e[PVSCSI_SG_ELEM_LEN];
		uint64_t ea;
		uint32_t el;

		if (r->nr_sg == max ||
		    !s->dma.read(s->dma.ctx, addr + r->nr_sg * PVSCSI_SG_ELEM_LEN,
				 e, sizeof(e)))
			return false;
		ea = vmm_get64(&e[PVSCSI_SG_ADDR]);
		el = vmm_get32(&e[PVSCSI_SG_LEN]);
		if (vmm_get32(&e[PVSCSI_SG_FLAGS]) || ea + el < ea)	/* no chaining, no flags */
			return false;
		if (el > data_len - covered)
			el = (uint32_t)(data_len - covered);
		r->sg[r->nr_sg].addr = ea;
		r->sg[r->nr_sg].len = el;
		r->nr_sg++;
		covered += el;
	}
	return true;
}

static enum scsi_dir flags_dir(uint32_t flags)
{
	switch (flags & DIR_FLAGS) {
	case PVSCSI_FLAG_DIR_NONE:
		return SCSI_DIR_NONE;
	case PVSCSI_FLAG_DIR_TOHOST:
		return SCSI_DIR_TO_INITIATOR;
	case PVSCSI_FLAG_DIR_TODEVICE:
		return SCSI_DIR_TO_TARGET;
	default:
		return SCSI_DIR_UNKNOWN;
	}
}

/* LUN in the SAM-2 single level format the driver uses (lun[1]); else "none". */
static uint32_t flat_lun(const uint8_t *lun)
{
	for (unsigned int i = 2; i < 8; i++)
		if (lun[i])
			return UINT32_MAX;
	return (uint32_t)lun[0] << 8 | lun[1];
}

/* Start the request whose descriptor d (copied from the ring) is in slot r. */
static void start_request(struct pvscsi *s, struct pvscsi_req *r, const uint8_t *d)
{
	uint32_t flags = vmm_get32(&d[PVSCSI_RQ_FLAGS]);
	uint8_t cdb_len = d[PVSCSI_RQ_CDB_LEN], target = d[PVSCSI_RQ_TARGET];
	struct scsi_cmd *cmd = &r->cmd;
	struct scsi_disk *disk;

	r->dev = s;
	r->seq = s->seq++;
	r->context = vmm_get64(&d[PVSCSI_RQ_CONTEXT]);
	r->sense_addr = vmm_get64(&d[PVSCSI_RQ_SENSE_ADDR]);
	r->sense_len = vmm_get32(&d[PVSCSI_RQ_SENSE_LEN]);
	r->target = target;
	r->answered = r->to_post = false;
	r->at_target = true;
	r->cur_sg = 0;
	r->cur_base = 0;

	disk = d[PVSCSI_RQ_BUS] == 0 && target < PVSCSI_MAX_TARGETS ? s->target[target] : NULL;
	if (!disk) {
		r->at_target = false;
		answer(r, BTSTAT_SELTIMEO, SCSI_STATUS_GOOD, 0, 0);
		return;
	}
	if ((flags & ~KNOWN_FLAGS) || !cdb_len || cdb_len > SCSI_CDB_MAX ||
	    (flags & DIR_FLAGS & ((flags & DIR_FLAGS) - 1)) ||	/* two directions */
	    !map_buffer(s, r, flags, vmm_get64(&d[PVSCSI_RQ_DATA_ADDR]),
			vmm_get64(&d[PVSCSI_RQ_DATA_LEN]))) {
		r->at_target = false;
		answer(r, BTSTAT_INVPARAM, SCSI_STATUS_GOOD, 0, 0);
		return;
	}
	for (unsigned int i = 0; i < SCSI_CDB_MAX; i++)
		cmd->cdb[i] = i < cdb_len ? d[PVSCSI_RQ_CDB + i] : 0;
	cmd->cdb_len = cdb_len;
	cmd->lun = flat_lun(&d[PVSCSI_RQ_LUN]);
	cmd->dir = flags_dir(flags);
	cmd->buf.len = vmm_get64(&d[PVSCSI_RQ_DATA_LEN]);
	cmd->buf.put = buf_put;
	cmd->buf.get = buf_get;
	cmd->buf.where = buf_where;
	cmd->buf.ctx = r;
	cmd->done = request_done;
	scsi_disk_submit(disk, cmd);
}

static struct pvscsi_req *free_slot(struct pvscsi *s)
{
	for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++)
		if (!slot_busy(&s->req[i]))
			return &s->req[i];
	return NULL;
}

/*
 * Take the requests the guest produced, one batch: at most
 * PVSCSI_BATCH_REQS requests and PVSCSI_BATCH_BYTES of data, or its first
 * request whatever its size (the rest waits: more, for pvscsi_poll()),
 * and only while a
 * slot is free (the rest waits: starved). A producer index more than a
 * ring ahead is garbage and stops the adapter.
 */
static void process_requests(struct pvscsi *s)
{
	uint32_t prod, entries = ring_entries(s->req_log2), left, taken = 0;
	uint64_t bytes = 0;

	if (!s->rings_ok || s->error || s->in_process)
		return;
	s->in_process = true;
	s->starved = false;
	s->more = false;
	if (!rs_read(s, PVSCSI_RS_REQ_PROD, &prod)) {
		adapter_fail(s, "the PVSCSI rings state page is not in guest RAM");
		goto out;
	}
	if (prod - s->req_cons > entries) {
		adapter_fail(s, "the guest's PVSCSI request producer index is beyond the ring");
		goto out;
	}
	for (left = prod - s->req_cons; left; left--) {
		uint8_t d[PVSCSI_REQ_DESC_LEN];
		uint32_t idx = s->req_cons & (entries - 1);
		uint64_t gpa = s->req_page[idx >> PVSCSI_REQ_PER_PAGE_LOG2] +
			       (idx & ((1u << PVSCSI_REQ_PER_PAGE_LOG2) - 1)) * PVSCSI_REQ_DESC_LEN;
		struct pvscsi_req *r = free_slot(s);
		uint64_t len;

		if (!r) {
			s->starved = true;
			break;
		}
		if (!s->dma.read(s->dma.ctx, gpa, d, sizeof(d))) {
			adapter_fail(s, "a PVSCSI request ring page is not in guest RAM");
			break;
		}
		len = vmm_get64(&d[PVSCSI_RQ_DATA_LEN]);
		if (taken == PVSCSI_BATCH_REQS ||
		    (taken && (bytes >= PVSCSI_BATCH_BYTES || len > PVSCSI_BATCH_BYTES - bytes))) {
			s->more = true;
			break;
		}
		s->req_cons++;
		if (!rs_write(s, PVSCSI_RS_REQ_CONS, s->req_cons)) {
			adapter_fail(s, "the PVSCSI rings state page is not in guest RAM");
			break;
		}
		taken++;
		bytes += len;
		start_request(s, r, d);
	}
	post_completions(s);
out:
	s->in_process = false;
}

/*
 * SETUP_RINGS: page counts are powers of two up to 32, page numbers fit
 * 64-bit addresses; the rings state page gets the ring sizes and zero
 * indices, or the command fails.
 */
static uint32_t cmd_setup_rings(struct pvscsi *s, const uint8_t *c)
{
	uint32_t req_pages = vmm_get32(&c[PVSCSI_SR_REQ_PAGES]);
	uint32_t cmp_pages = vmm_get32(&c[PVSCSI_SR_CMP_PAGES]);
	uint64_t state = vmm_get64(&c[PVSCSI_SR_STATE_PPN]);
	unsigned int req_log2 = 0, cmp_log2 = 0;

	drop_requests(s);
	s->rings_ok = false;
	s->more = false;
	s->error = NULL;
	if (!req_pages || req_pages > PVSCSI_MAX_RING_PAGES || (req_pages & (req_pages - 1)) ||
	    !cmp_pages || cmp_pages > PVSCSI_MAX_RING_PAGES || (cmp_pages & (cmp_pages - 1)) ||
	    state > MAX_PPN)
		return PVSCSI_STATUS_FAILED;
	for (unsigned int i = 0; i < PVSCSI_MAX_RING_PAGES; i++) {
		uint64_t req = vmm_get64(&c[PVSCSI_SR_REQ_PPNS + 8 * i]);
		uint64_t cmp = vmm_get64(&c[PVSCSI_SR_CMP_PPNS + 8 * i]);

		if ((i < req_pages && req > MAX_PPN) || (i < cmp_pages && cmp > MAX_PPN))
			return PVSCSI_STATUS_FAILED;
		s->req_page[i] = i < req_pages ? req << PAGE_SHIFT : 0;
		s->cmp_page[i] = i < cmp_pages ? cmp << PAGE_SHIFT : 0;
	}
	while ((1u << req_log2) < req_pages)
		req_log2++;
	while ((1u << cmp_log2) < cmp_pages)
		cmp_log2++;
	s->req_log2 = req_log2 + PVSCSI_REQ_PER_PAGE_LOG2;
	s->cmp_log2 = cmp_log2 + PVSCSI_CMP_PER_PAGE_LOG2;
	s->rings_state = state << PAGE_SHIFT;
	s->req_cons = s->cmp_prod = 0;
	if (!rs_write(s, PVSCSI_RS_REQ_PROD, 0) || !rs_write(s, PVSCSI_RS_REQ_CONS, 0) ||
	    !rs_write(s, PVSCSI_RS_REQ_LOG2, s->req_log2) || !rs_write(s, PVSCSI_RS_CMP_PROD, 0) ||
	    !rs_write(s, PVSCSI_RS_CMP_CONS, 0) || !rs_write(s, PVSCSI_RS_CMP_LOG2, s->cmp_log2))
		return PVSCSI_STATUS_FAILED;
	s->rings_ok = true;
	return PVSCSI_STATUS_OK;
}

/* Requests of target (or all, -1) end with host_status; the disks get a UA. */
static void reset_targets(struct pvscsi *s, int target, uint16_t host_status)
{
	abort_requests(s, target, host_status);
	reset_disks(s, target);
	post_completions(s);
}

static uint32_t cmd_reset_device(struct pvscsi *s, const uint8_t *c)
{
	uint32_t target = vmm_get32(&c[0]);

	if (target >= PVSCSI_MAX_TARGETS || !s->target[target])
		return PVSCSI_STATUS_FAILED;
	reset_targets(s, (int)target, BTSTAT_BUSRESET);
	return PVSCSI_STATUS_OK;
}

/* ABORT_CMD: the request with this context at this target ends as aborted. */
static uint32_t cmd_abort(struct pvscsi *s, const uint8_t *c)
{
	uint64_t context = vmm_get64(&c[0]);
	uint32_t target = vmm_get32(&c[8]);

	for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++) {
		struct pvscsi_req *r = &s->req[i];

		if (r->at_target && !r->answered && r->context == context &&
		    r->target == target) {
			answer(r, BTSTAT_ABORTQUEUE, SCSI_STATUS_GOOD, 0, 0);
			fence(s, r);
			break;
		}
	}
	post_completions(s);
	return PVSCSI_STATUS_OK;
}

/* Bytes of descriptor each command takes; -1: refused (not offered). */
static int cmd_data_len(uint32_t cmd)
{
	switch (cmd) {
	case PVSCSI_CMD_ADAPTER_RESET:
	case PVSCSI_CMD_RESET_BUS:
		return 0;
	case PVSCSI_CMD_SETUP_RINGS:
		return PVSCSI_SETUP_RINGS_LEN;
	case PVSCSI_CMD_RESET_DEVICE:
		return PVSCSI_RESET_DEVICE_LEN;
	case PVSCSI_CMD_ABORT_CMD:
		return PVSCSI_ABORT_CMD_LEN;
	default:	/* ISSUE_SCSI, CONFIG, SETUP_MSG_RING, UNPLUG, REQCALLTHRESHOLD */
		return -1;
	}
}

static void run_command(struct pvscsi *s)
{
	uint8_t c[PVSCSI_CMD_DATA_WORDS * 4];
	uint32_t cmd = s->cmd;

	for (unsigned int i = 0; i < s->cmd_words; i++)
		vmm_put32(&c[4 * i], s->cmd_data[i]);
	s->cmd = 0;
	s->cmd_words = 0;
	switch (cmd) {
	case PVSCSI_CMD_ADAPTER_RESET:
		adapter_reset(s);
		s->cmd_status = PVSCSI_STATUS_OK;
		break;
	case PVSCSI_CMD_SETUP_RINGS:
		s->cmd_status = cmd_setup_rings(s, c);
		break;
	case PVSCSI_CMD_RESET_BUS:
		reset_targets(s, -1, BTSTAT_BUSRESET);
		s->cmd_status = PVSCSI_STATUS_OK;
		break;
	case PVSCSI_CMD_RESET_DEVICE:
		s->cmd_status = cmd_reset_device(s, c);
		break;
	case PVSCSI_CMD_ABORT_CMD:
		s->cmd_status = cmd_abort(s, c);
		break;
	}
}

/*
 * A write to COMMAND starts collecting its descriptor; a command the model
 * does not offer fails at once, which is how a driver learns that (the
 * Linux driver probes SETUP_MSG_RING and SETUP_REQCALLTHRESHOLD so).
 */
static void write_command(struct pvscsi *s, uint32_t val)
{
	int len = cmd_data_len(val);

	s->cmd_words = 0;
	if (len < 0) {
		s->cmd = 0;
		s->cmd_status = PVSCSI_STATUS_FAILED;
		return;
	}
	s->cmd = val;
	s->cmd_status = PVSCSI_STATUS_NEED_DATA;
	if (!len)
		run_command(s);
}

static void write_command_data(struct pvscsi *s, uint32_t val)
{
	if (!s->cmd)
		return;			/* no command waits for data */
	s->cmd_data[s->cmd_words++] = val;
	if (s->cmd_words * 4 >= (uint32_t)cmd_data_len(s->cmd))
		run_command(s);
}

static uint32_t pvscsi_read(void *dev, uint32_t offset, unsigned int size)
{
	struct pvscsi *s = dev;

	if (size != 4 || (offset & 3))
		return 0;
	switch (offset) {
	case PVSCSI_REG_COMMAND_STATUS:
		return s->cmd_status;
	case PVSCSI_REG_INTR_STATUS:
		return s->intr_status;
	case PVSCSI_REG_INTR_MASK:
		return s->intr_mask;
	default:
		return 0;
	}
}

static void pvscsi_write(void *dev, uint32_t offset, unsigned int size,
			 uint32_t val)
{
	struct pvscsi *s = dev;

	if (size != 4 || (offset & 3))
		return;
	switch (offset) {
	case PVSCSI_REG_COMMAND:
		write_command(s, val);
		break;
	case PVSCSI_REG_COMMAND_DATA:
		write_command_data(s, val);
		break;
	case PVSCSI_REG_INTR_STATUS:	/* write 1 to clear */
		s->intr_status &= ~val;
		update_irq(s);
		post_completions(s);
		break;
	case PVSCSI_REG_INTR_MASK:
		s->intr_mask = val & PVSCSI_INTR_ALL;
		if (s->msi_pending && msi_on(s) && (s->intr_status & s->intr_mask))
			send_msi(s);
		update_irq(s);
		break;
	case PVSCSI_REG_KICK_NON_RW_IO:
	case PVSCSI_REG_KICK_RW_IO:
		process_requests(s);
		break;
	}
}

const struct vdev_io_ops pvscsi_mmio_ops = {
	.read = pvscsi_read,
	.write = pvscsi_write,
};

/* Bits of the configuration header the guest may write (byte by byte). */
static uint8_t cfg_wmask(unsigned int off)
{
	switch (off) {
	case CFG_COMMAND:
		return PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	case CFG_COMMAND + 1:
		return PCI_COMMAND_INTX_OFF >> 8;
	case CFG_BAR0 + 1:
		return (uint8_t)(~(PVSCSI_BAR_SIZE - 1) >> 8);	/* 32 KiB aligned */
	case CFG_BAR0 + 2:
	case CFG_BAR0 + 3:
	case CFG_INTR_LINE:
		return 0xff;
	default:
		return pci_msi_wmask(PVSCSI_MSI_CAP, off);
	}
}

static uint32_t pvscsi_cfg_read(void *dev, uint8_t offset, unsigned int size)
{
	return pci_config_read(((const struct pvscsi *)dev)->pci,
			       PVSCSI_PCI_CONFIG, offset, size);
}

static void pvscsi_cfg_write(void *dev, uint8_t offset, unsigned int size,
			     uint32_t val)
{
	struct pvscsi *s = dev;

	pci_config_write(s->pci, PVSCSI_PCI_CONFIG, cfg_wmask, offset, size, val);
	update_irq(s);		/* INTx disable or MSI enable may have changed */
}

const struct pci_fn_ops pvscsi_pci_ops = {
	.read = pvscsi_cfg_read,
	.write = pvscsi_cfg_write,
};

void pvscsi_reset(struct pvscsi *s)
{
	uint8_t *cfg = s->pci;

	adapter_reset(s);
	s->intr_mask = 0;
	s->cmd_status = PVSCSI_STATUS_OK;
	vmm_zero(cfg, PVSCSI_PCI_CONFIG);
	vmm_put16(&cfg[0], PVSCSI_VENDOR_ID);
	vmm_put16(&cfg[2], PVSCSI_DEVICE_ID);
	vmm_put32(&cfg[8], PCI_CLASS_SCSI << 8 | PVSCSI_REVISION);
	vmm_put16(&cfg[CFG_SUBSYS_VENDOR], PVSCSI_VENDOR_ID);
	vmm_put16(&cfg[CFG_SUBSYS_ID], PVSCSI_SUBSYS_ID);
	cfg[CFG_INTR_PIN] = 1;		/* INTA# */
	pci_msi_init(cfg, PVSCSI_MSI_CAP);
	update_irq(s);
}

void pvscsi_init(struct pvscsi *s, const struct pvscsi_config *cfg)
{
	vmm_zero(s, sizeof(*s));
	s->dma.read = cfg->dma.read;
	s->dma.write = cfg->dma.write;
	s->dma.ctx = cfg->dma.ctx;
	s->set_irq = cfg->set_irq;
	s->msi = cfg->msi;
	s->irq_ctx = cfg->irq_ctx;
	s->fence = cfg->fence;
	s->fence_ctx = cfg->fence_ctx;
	for (int t = 0; t < PVSCSI_MAX_TARGETS; t++)
		s->target[t] = cfg->target[t];
	for (unsigned int i = 0; i < PVSCSI_MAX_INFLIGHT; i++)
		s->req[i].dev = s;
	pvscsi_reset(s);
}

void pvscsi_poll(struct pvscsi *s)
{
	post_completions(s);
	if (s->more || s->starved)
		process_requests(s);
}

bool pvscsi_pending(const struct pvscsi *s)
{
	return s->more && s->rings_ok && !s->error;
}

const char *pvscsi_error(const struct pvscsi *s)
{
	return s->error;
}
