// SPDX-License-Identifier: GPL-2.0-only
/*
 * PVSCSI HBA driver (pvscsi_hba.h). The request ring takes a descriptor
 * per command; its context id is the slot index + 1, so a completion maps
 * back to its slot in O(1) and anything else is refused. A command past
 * its deadline is aborted (ABORT_CMD); when the abort has not ended it
 * after PVH_ABORT_TIMEOUT_MS the bus is reset (RESET_BUS), and when even
 * that leaves commands at the device the adapter is reset and its rings
 * set up again, which makes the device forget every request: only then
 * may a slot whose command never completed be reused.
 */
#include "vmkernel/storage/pvscsi_hba.h"
#include "vmm/bytes.h"
#include "vmm/dev/pvscsi.h"

#define RING_PAGES		1	/* each ring: 32 requests, 128 completions */
#define SENSE_PER_PAGE		(PVSCSI_PAGE_SIZE / STORAGE_SENSE_MAX)
#define SGL_MAX			(PVSCSI_PAGE_SIZE / PVSCSI_SG_ELEM_LEN)
#define PAGE_SHIFT		12

/* SBC-3 opcodes the device wants kicked through KICK_RW_IO (as vmw_pvscsi). */
static bool is_rw(uint8_t op)
{
	switch (op) {
	case 0x08: case 0x0a:		/* READ(6), WRITE(6) */
	case 0x28: case 0x2a:		/* READ(10), WRITE(10) */
	case 0x88: case 0x8a:		/* READ(16), WRITE(16) */
	case 0xa8: case 0xaa:		/* READ(12), WRITE(12) */
		return true;
	default:
		return false;
	}
}

static uint32_t reg_read(struct pvscsi_hba *h, uint32_t off)
{
	return h->ops.mmio_read(h->ops.ctx, off);
}

static void reg_write(struct pvscsi_hba *h, uint32_t off, uint32_t val)
{
	h->ops.mmio_write(h->ops.ctx, off, val);
}

/* The rings state page is shared with the device: one load or store each. */
static uint32_t state_get(struct pvscsi_hba *h, unsigned int field)
{
	return __atomic_load_n((uint32_t *)(h->state + field), __ATOMIC_ACQUIRE);
}

static void state_set(struct pvscsi_hba *h, unsigned int field, uint32_t v)
{
	__atomic_store_n((uint32_t *)(h->state + field), v, __ATOMIC_RELEASE);
}

/* A command and its descriptor, a dword at a time (vmw_pvscsi's write_cmd_desc). */
static uint32_t run_command(struct pvscsi_hba *h, uint32_t cmd, const uint8_t *desc,
			    uint32_t len)
{
	reg_write(h, PVSCSI_REG_COMMAND, cmd);
	for (uint32_t i = 0; i + 4 <= len; i += 4)
		reg_write(h, PVSCSI_REG_COMMAND_DATA, vmm_get32(desc + i));
	return reg_read(h, PVSCSI_REG_COMMAND_STATUS);
}

static int setup_rings(struct pvscsi_hba *h)
{
	uint8_t d[PVSCSI_SETUP_RINGS_LEN];

	vmm_zero(d, sizeof(d));
	vmm_put32(&d[PVSCSI_SR_REQ_PAGES], RING_PAGES);
	vmm_put32(&d[PVSCSI_SR_CMP_PAGES], RING_PAGES);
	vmm_put64(&d[PVSCSI_SR_STATE_PPN], h->state_phys >> PAGE_SHIFT);
	vmm_put64(&d[PVSCSI_SR_REQ_PPNS], h->req_phys >> PAGE_SHIFT);
	vmm_put64(&d[PVSCSI_SR_CMP_PPNS], h->cmp_phys >> PAGE_SHIFT);
	run_command(h, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	reg_write(h, PVSCSI_REG_INTR_MASK, 0);
	/*
	 * Fresh rings, as vmw_pvscsi gives them: a device that does not clear
	 * the indices itself must not find the last life's REQ_CONS (the
	 * adapter would stop at the first queue()) or its REQ_PROD and
	 * descriptors (old WRITEs replayed).
	 */
	vmm_zero(h->state, PVSCSI_PAGE_SIZE);
	vmm_zero(h->req_ring, RING_PAGES * PVSCSI_PAGE_SIZE);
	vmm_zero(h->cmp_ring, RING_PAGES * PVSCSI_PAGE_SIZE);
	h->req_prod = h->cmp_cons = 0;
	h->error = NULL;
	if (run_command(h, PVSCSI_CMD_SETUP_RINGS, d, sizeof(d)) != PVSCSI_STATUS_OK) {
		h->error = "the PVSCSI adapter refused SETUP_RINGS";
		return VMK_HW_FAILURE;
	}
	/* the device wrote the sizes; they must be the ones we gave */
	if (state_get(h, PVSCSI_RS_REQ_LOG2) != PVSCSI_REQ_PER_PAGE_LOG2 ||
	    state_get(h, PVSCSI_RS_CMP_LOG2) != PVSCSI_CMP_PER_PAGE_LOG2) {
		h->error = "the PVSCSI adapter set up rings of other sizes than asked";
		return VMK_HW_FAILURE;
	}
	reg_write(h, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK);
	return VMK_OK;
}

static void slot_end(struct pvscsi_hba *h, struct pvh_slot *s, enum storage_host host)
{
	struct storage_cmd *cmd = s->cmd;

	cmd->host = s->timed_out ? STORAGE_HOST_TIMEOUT : host;
	if (cmd->host != STORAGE_HOST_OK) {
		cmd->status = 0;
		cmd->sense_len = 0;
		cmd->residual = s->data_len;
	}
	s->state = PVH_SLOT_FREE;
	s->cmd = NULL;
	s->timed_out = false;
	h->nr_active--;
	cmd->done(cmd);		/* last: it may queue the next command */
}

static enum storage_host host_status(uint16_t bt)
{
	switch (bt) {
	case BTSTAT_SUCCESS:
	case BTSTAT_DATARUN:		/* short or long transfer: the length says */
	case BTSTAT_DATA_UNDERRUN:
		return STORAGE_HOST_OK;
	case BTSTAT_SELTIMEO:
		return STORAGE_HOST_NO_TARGET;
	case BTSTAT_BUSRESET:
		return STORAGE_HOST_RESET;
	case BTSTAT_ABORTQUEUE:
		return STORAGE_HOST_ABORTED;
	default:
		return STORAGE_HOST_ERROR;
	}
}

/* One completion descriptor, copied out of the ring; every field checked. */
static void complete_one(struct pvscsi_hba *h, const uint8_t *d)
{
	uint64_t context = vmm_get64(&d[PVSCSI_CQ_CONTEXT]);
	uint64_t data_len = vmm_get64(&d[PVSCSI_CQ_DATA_LEN]);
	uint32_t sense_len = vmm_get32(&d[PVSCSI_CQ_SENSE_LEN]);
	enum storage_host host = host_status(vmm_get16(&d[PVSCSI_CQ_HOST_STATUS]));
	uint16_t status = vmm_get16(&d[PVSCSI_CQ_SCSI_STATUS]);
	struct pvh_slot *s;
	struct storage_cmd *cmd;

	if (!context || context > PVH_QUEUE_DEPTH ||
	    h->slot[context - 1].state == PVH_SLOT_FREE) {
		h->stats.bogus_completions++;
		return;
	}
	s = &h->slot[context - 1];
	cmd = s->cmd;
	h->stats.completions++;
	if (host == STORAGE_HOST_OK && (data_len > s->data_len || status > 0xff))
		host = STORAGE_HOST_ERROR;	/* more than the buffer: nonsense */
	cmd->status = (uint8_t)status;
	/*
	 * QEMU's pvscsi never fills in dataLen (0, with the data there, and
	 * BTSTAT_DATARUN when the target sent less): like Linux's vmw_pvscsi,
	 * 0 with GOOD status means "not reported", not "nothing arrived".
	 * Callers read only what the reply's own length fields say, from a
	 * buffer they zeroed.
	 */
	if (!data_len && !status)
		data_len = s->data_len;
	cmd->residual = host == STORAGE_HOST_OK ? s->data_len - data_len : s->data_len;
	cmd->sense_len = 0;
	if (host == STORAGE_HOST_OK && sense_len) {
		if (sense_len > STORAGE_SENSE_MAX)
			sense_len = STORAGE_SENSE_MAX;
		memcpy(cmd->sense, s->sense, sense_len);
		cmd->sense_len = (uint8_t)sense_len;
	}
	slot_end(h, s, host);
}

/*
 * Take what the device posted. A producer index more than a ring ahead
 * of ours is garbage: nothing of it is read and the adapter stops.
 */
static void process_completions(struct pvscsi_hba *h)
{
	uint32_t prod;

	if (h->error)
		return;
	prod = state_get(h, PVSCSI_RS_CMP_PROD);
	if (prod - h->cmp_cons > h->cmp_entries) {
		h->error = "the PVSCSI completion producer index is beyond the ring";
		return;
	}
	while (h->cmp_cons != prod) {
		uint8_t d[PVSCSI_CMP_DESC_LEN];
		uint32_t idx = h->cmp_cons & (h->cmp_entries - 1);

		memcpy(d, h->cmp_ring + idx * PVSCSI_CMP_DESC_LEN, sizeof(d));
		h->cmp_cons++;
		state_set(h, PVSCSI_RS_CMP_CONS, h->cmp_cons);
		complete_one(h, d);
		if (h->error)		/* a done() callback found the adapter failed */
			return;
	}
}

static struct pvh_slot *slot_free(struct pvscsi_hba *h)
{
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++)
		if (h->slot[i].state == PVH_SLOT_FREE)
			return &h->slot[i];
	return NULL;
}

static bool cmd_ok(const struct storage_cmd *cmd)
{
	if (!cmd->done || !cmd->cdb_len || cmd->cdb_len > STORAGE_CDB_MAX ||
	    cmd->target >= PVH_MAX_TARGETS || cmd->lun > 0xff ||
	    cmd->nr_sg > SGL_MAX || cmd->nr_sg > STORAGE_SG_MAX)
		return false;
	if ((cmd->dir == STORAGE_DIR_NONE) != (cmd->nr_sg == 0))
		return false;
	for (unsigned int i = 0; i < cmd->nr_sg; i++)
		if (!cmd->sg[i].len || cmd->sg[i].addr + cmd->sg[i].len < cmd->sg[i].addr)
			return false;
	return true;
}

static uint32_t dir_flags(enum storage_dir dir)
{
	switch (dir) {
	case STORAGE_DIR_READ:
		return PVSCSI_FLAG_DIR_TOHOST;
	case STORAGE_DIR_WRITE:
		return PVSCSI_FLAG_DIR_TODEVICE;
	default:
		return PVSCSI_FLAG_DIR_NONE;
	}
}

/* Fill the request descriptor of slot s; a list of ranges goes to its SG page. */
static void fill_request(struct pvscsi_hba *h, struct pvh_slot *s, uint8_t *d)
{
	struct storage_cmd *cmd = s->cmd;
	uint32_t flags = dir_flags(cmd->dir);
	uint64_t addr = 0;

	vmm_zero(d, PVSCSI_REQ_DESC_LEN);
	if (cmd->nr_sg == 1) {
		addr = cmd->sg[0].addr;
	} else if (cmd->nr_sg > 1) {
		for (unsigned int i = 0; i < cmd->nr_sg; i++) {
			uint8_t *e = s->sgl + i * PVSCSI_SG_ELEM_LEN;

			vmm_put64(&e[PVSCSI_SG_ADDR], cmd->sg[i].addr);
			vmm_put32(&e[PVSCSI_SG_LEN], cmd->sg[i].len);
			vmm_put32(&e[PVSCSI_SG_FLAGS], 0);
		}
		addr = s->sgl_phys;
		flags |= PVSCSI_FLAG_SG_LIST;
	}
	vmm_put64(&d[PVSCSI_RQ_CONTEXT], (uint64_t)(s - h->slot) + 1);
	vmm_put64(&d[PVSCSI_RQ_DATA_ADDR], addr);
	vmm_put64(&d[PVSCSI_RQ_DATA_LEN], s->data_len);
	vmm_put64(&d[PVSCSI_RQ_SENSE_ADDR], s->sense_phys);
	vmm_put32(&d[PVSCSI_RQ_SENSE_LEN], STORAGE_SENSE_MAX);
	vmm_put32(&d[PVSCSI_RQ_FLAGS], flags);
	memcpy(&d[PVSCSI_RQ_CDB], cmd->cdb, cmd->cdb_len);
	d[PVSCSI_RQ_CDB_LEN] = cmd->cdb_len;
	d[PVSCSI_RQ_LUN + 1] = (uint8_t)cmd->lun;	/* SAM-2 single level, as vmw_pvscsi */
	d[PVSCSI_RQ_BUS] = 0;
	d[PVSCSI_RQ_TARGET] = (uint8_t)cmd->target;
}

static int hba_queue(void *hba, struct storage_cmd *cmd)
{
	struct pvscsi_hba *h = hba;
	struct pvh_slot *s;
	uint32_t cons, idx;
	uint64_t len = 0;

	if (h->error)
		return VMK_HW_FAILURE;
	if (!cmd_ok(cmd))
		return VMK_BAD_PARAM;
	s = slot_free(h);
	if (!s)
		return VMK_BUSY;
	/*
	 * The device's consumer index: a device completes only what it has
	 * consumed, so it is behind ours by at most the commands in flight.
	 * Further behind, it would hold the ring full with nothing in flight
	 * for the timeout ladder to reset: garbage, and the adapter stops.
	 */
	cons = state_get(h, PVSCSI_RS_REQ_CONS);
	if (h->req_prod - cons > h->nr_active) {
		h->error = "the PVSCSI request consumer index is out of step with the ring";
		return VMK_HW_FAILURE;
	}
	if (h->req_prod - cons == h->req_entries)
		return VMK_BUSY;
	for (unsigned int i = 0; i < cmd->nr_sg; i++)
		len += cmd->sg[i].len;
	s->cmd = cmd;
	s->data_len = len;
	s->state = PVH_SLOT_ACTIVE;
	s->timed_out = false;
	s->deadline = h->ops.now_ms(h->ops.ctx) +
		      (cmd->timeout_ms ? cmd->timeout_ms : PVH_TIMEOUT_MS);
	h->nr_active++;
	idx = h->req_prod & (h->req_entries - 1);
	fill_request(h, s, h->req_ring + idx * PVSCSI_REQ_DESC_LEN);
	h->req_prod++;
	state_set(h, PVSCSI_RS_REQ_PROD, h->req_prod);
	reg_write(h, is_rw(cmd->cdb[0]) ? PVSCSI_REG_KICK_RW_IO :
		  PVSCSI_REG_KICK_NON_RW_IO, 0);
	return VMK_OK;
}

static struct pvh_slot *slot_of(struct pvscsi_hba *h, const struct storage_cmd *cmd)
{
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++)
		if (h->slot[i].state != PVH_SLOT_FREE && h->slot[i].cmd == cmd)
			return &h->slot[i];
	return NULL;
}

static void send_abort(struct pvscsi_hba *h, struct pvh_slot *s)
{
	uint8_t d[PVSCSI_ABORT_CMD_LEN];

	vmm_zero(d, sizeof(d));
	vmm_put64(&d[0], (uint64_t)(s - h->slot) + 1);
	vmm_put32(&d[8], s->cmd->target);
	h->stats.aborts++;
	run_command(h, PVSCSI_CMD_ABORT_CMD, d, sizeof(d));
}

static int hba_abort(void *hba, struct storage_cmd *cmd)
{
	struct pvscsi_hba *h = hba;
	struct pvh_slot *s = slot_of(h, cmd);

	if (!s)
		return VMK_BAD_PARAM;
	if (h->error)
		return VMK_HW_FAILURE;
	send_abort(h, s);
	process_completions(h);
	return VMK_OK;
}

/*
 * The last resort: the adapter forgets every request, so every command
 * still in flight ends here (none can complete later on a reused slot).
 */
static void adapter_reset(struct pvscsi_hba *h)
{
	uint32_t lost = 0;	/* a done() may queue anew: end only these */

	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++)
		if (h->slot[i].state != PVH_SLOT_FREE)
			lost |= 1u << i;
	h->stats.adapter_resets++;
	setup_rings(h);
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++)
		if (lost & (1u << i))
			slot_end(h, &h->slot[i], STORAGE_HOST_RESET);
}

static void bus_reset(struct pvscsi_hba *h)
{
	uint64_t deadline = h->ops.now_ms(h->ops.ctx) + PVH_ABORT_TIMEOUT_MS;

	h->stats.bus_resets++;
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++)
		if (h->slot[i].state != PVH_SLOT_FREE) {
			h->slot[i].state = PVH_SLOT_RESETTING;
			h->slot[i].deadline = deadline;
		}
	run_command(h, PVSCSI_CMD_RESET_BUS, NULL, 0);
	process_completions(h);
}

static int hba_reset_bus(void *hba)
{
	struct pvscsi_hba *h = hba;

	if (h->error) {
		adapter_reset(h);
		return h->error ? VMK_HW_FAILURE : VMK_OK;
	}
	bus_reset(h);
	return VMK_OK;
}

static bool hba_interrupt(void *hba)
{
	struct pvscsi_hba *h = hba;
	uint32_t st = reg_read(h, PVSCSI_REG_INTR_STATUS);

	if (!(st & PVSCSI_INTR_ALL))
		return false;
	reg_write(h, PVSCSI_REG_INTR_STATUS, st);	/* write 1 to clear */
	process_completions(h);
	return true;
}

static void hba_poll(void *hba)
{
	process_completions(hba);
}

/*
 * The timeout ladder, one step per tick: ACTIVE past its deadline gets
 * ABORT_CMD; ABORTING past its deadline gets RESET_BUS (for every command);
 * RESETTING past its deadline, or a failed adapter, gets an adapter reset.
 */
static void hba_tick(void *hba)
{
	struct pvscsi_hba *h = hba;
	uint64_t now = h->ops.now_ms(h->ops.ctx);
	bool need_bus_reset = false, need_adapter_reset = false;

	process_completions(h);
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++) {
		struct pvh_slot *s = &h->slot[i];

		if (s->state == PVH_SLOT_FREE || now < s->deadline)
			continue;
		switch (s->state) {
		case PVH_SLOT_ACTIVE:
			h->stats.timeouts++;
			s->timed_out = true;
			s->state = PVH_SLOT_ABORTING;
			s->deadline = now + PVH_ABORT_TIMEOUT_MS;
			if (!h->error)
				send_abort(h, s);
			break;
		case PVH_SLOT_ABORTING:
			need_bus_reset = true;
			break;
		default:
			need_adapter_reset = true;
			break;
		}
	}
	if (h->error && h->nr_active)
		need_adapter_reset = true;
	if (need_adapter_reset)
		adapter_reset(h);
	else if (need_bus_reset)
		bus_reset(h);
	else
		process_completions(h);
}

static uint64_t hba_now_ms(void *hba)
{
	struct pvscsi_hba *h = hba;

	return h->ops.now_ms(h->ops.ctx);
}

static const struct storage_adapter_ops pvscsi_hba_adapter_ops = {
	.queue = hba_queue,
	.abort = hba_abort,
	.reset_bus = hba_reset_bus,
	.interrupt = hba_interrupt,
	.poll = hba_poll,
	.tick = hba_tick,
	.now_ms = hba_now_ms,
};

/* Ring pages, one SG page per slot, the sense buffers packed in pages. */
static int alloc_memory(struct pvscsi_hba *h)
{
	uint8_t *sense = NULL;
	uint64_t sense_phys = 0;

	h->state = h->ops.alloc_pages(h->ops.ctx, 1, &h->state_phys);
	h->req_ring = h->ops.alloc_pages(h->ops.ctx, RING_PAGES, &h->req_phys);
	h->cmp_ring = h->ops.alloc_pages(h->ops.ctx, RING_PAGES, &h->cmp_phys);
	if (!h->state || !h->req_ring || !h->cmp_ring)
		return VMK_NO_MEMORY;
	for (unsigned int i = 0; i < PVH_QUEUE_DEPTH; i++) {
		struct pvh_slot *s = &h->slot[i];

		s->sgl = h->ops.alloc_pages(h->ops.ctx, 1, &s->sgl_phys);
		if (i % SENSE_PER_PAGE == 0)
			sense = h->ops.alloc_pages(h->ops.ctx, 1, &sense_phys);
		if (!s->sgl || !sense)
			return VMK_NO_MEMORY;
		s->sense = sense + (i % SENSE_PER_PAGE) * STORAGE_SENSE_MAX;
		s->sense_phys = sense_phys + (i % SENSE_PER_PAGE) * STORAGE_SENSE_MAX;
	}
	return VMK_OK;
}

int pvscsi_hba_init(struct pvscsi_hba *h, const struct pvscsi_hba_ops *ops)
{
	int ret;

	memset(h, 0, sizeof(*h));
	h->ops = *ops;
	h->req_entries = RING_PAGES << PVSCSI_REQ_PER_PAGE_LOG2;
	h->cmp_entries = RING_PAGES << PVSCSI_CMP_PER_PAGE_LOG2;
	h->adapter.name = "pvscsi";
	h->adapter.ops = &pvscsi_hba_adapter_ops;
	h->adapter.hba = h;
	h->adapter.max_targets = PVH_MAX_TARGETS;
	h->adapter.queue_depth = PVH_QUEUE_DEPTH;
	ret = alloc_memory(h);
	if (ret != VMK_OK) {
		h->error = "no memory for the PVSCSI rings";
		return ret;
	}
	return setup_rings(h);
}

const char *pvscsi_hba_error(const struct pvscsi_hba *h)
{
	return h->error;
}
