// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCSI direct-access device emulation: SPC-4 (T10/BSR INCITS 513) for the
 * common commands, SBC-3 (T10/BSR INCITS 514) for the block commands.
 * Every CDB field is checked before anything reaches the backend; the
 * response of an emulated command is built in a local buffer and copied
 * to the initiator up to the allocation length and its buffer.
 */
#include "vmm/scsi/disk.h"
#include "vmm/bytes.h"

/* Operation codes (SPC-4 and SBC-3 annex tables). */
#define OP_TEST_UNIT_READY	0x00
#define OP_REQUEST_SENSE	0x03
#define OP_READ_6		0x08
#define OP_WRITE_6		0x0a
#define OP_INQUIRY		0x12
#define OP_MODE_SENSE_6		0x1a
#define OP_START_STOP_UNIT	0x1b
#define OP_READ_CAPACITY_10	0x25
#define OP_READ_10		0x28
#define OP_WRITE_10		0x2a
#define OP_VERIFY_10		0x2f
#define OP_SYNC_CACHE_10	0x35
#define OP_UNMAP		0x42
#define OP_MODE_SENSE_10	0x5a
#define OP_READ_16		0x88
#define OP_WRITE_16		0x8a
#define OP_VERIFY_16		0x8f
#define OP_SYNC_CACHE_16	0x91
#define OP_SERVICE_ACTION_IN_16	0x9e
#define SAI_READ_CAPACITY_16	0x10
#define OP_REPORT_LUNS		0xa0
#define OP_READ_12		0xa8
#define OP_WRITE_12		0xaa

/* Additional sense codes (SPC-4 annex D), ASC << 8 | ASCQ. */
#define ASC_NONE			0x0000
#define ASC_WRITE_ERROR			0x0c00
#define ASC_UNRECOVERED_READ_ERROR	0x1100
#define ASC_PARAMETER_LIST_LENGTH	0x1a00
#define ASC_INVALID_OPCODE		0x2000
#define ASC_LBA_OUT_OF_RANGE		0x2100
#define ASC_INVALID_FIELD_IN_CDB	0x2400
#define ASC_LUN_NOT_SUPPORTED		0x2500
#define ASC_INVALID_FIELD_IN_PARAM	0x2600
#define ASC_WRITE_PROTECTED		0x2700
#define ASC_SPACE_ALLOC_FAILED_WP	0x2707
#define ASC_BUS_DEVICE_RESET		0x2903
#define ASC_SAVING_NOT_SUPPORTED	0x3900
#define ASC_TIMEOUT_ON_LUN		0x3e02

/* CONTROL byte (SAM-5 §5.2): NACA and the obsolete LINK bit. */
#define CONTROL_NACA_LINK	0x05

/* Standard INQUIRY data (SPC-4 §6.6.2), as ESX's virtual disks show it. */
#define INQ_STD_LEN		36
#define INQ_TYPE_DISK		0x00
#define INQ_NO_LUN		0x7f	/* qualifier 011b: no unit here */
#define INQ_VERSION_SPC4	0x06
#define INQ_RESPONSE_FORMAT	0x02
#define INQ_CMDQUE		0x02
#define INQ_VENDOR		"VMware  "
#define INQ_PRODUCT		"Virtual disk    "
#define INQ_REVISION		"1.0 "

/* VPD pages (SPC-4 §7.8, SBC-3 §6.5). */
#define VPD_SUPPORTED		0x00
#define VPD_SERIAL		0x80
#define VPD_DEVICE_ID		0x83
#define VPD_BLOCK_LIMITS	0xb0
#define VPD_BLOCK_CHARS		0xb1
#define VPD_LB_PROVISIONING	0xb2
#define VPD_B0_B1_LEN		0x3c
/* NAA 6 IEEE Registered Extended with VMware's OUI 00:0C:29. */
#define NAA_IEEE_REG_EXT	0x6
#define VMWARE_OUI		0x000c29u

/* Mode pages (SBC-3 §6.4). */
#define MODE_PAGE_CACHING	0x08
#define MODE_PAGE_CONTROL	0x0a
#define MODE_PAGE_ALL		0x3f
#define MODE_CACHING_LEN	20
#define MODE_CONTROL_LEN	12
#define MODE_WCE		0x04
#define MODE_DEVSPEC_WP		0x80
#define MODE_DEVSPEC_DPOFUA	0x10
#define MODE_PC_SAVED		3

#define UNMAP_HDR_LEN		8u
#define UNMAP_DESC_LEN		16u
#define RESP_MAX		256	/* the longest emulated response */

void scsi_disk_init(struct scsi_disk *disk, const struct scsi_backend *be,
		    const char *serial, uint64_t id)
{
	unsigned int i = 0;

	vmm_zero(disk, sizeof(*disk));
	disk->ops = be->ops;
	disk->ctx = be->ctx;
	disk->nr_blocks = be->nr_blocks;
	disk->thin = be->thin && be->ops->unmap;
	disk->read_only = be->read_only;
	disk->id = id;
	for (; serial && serial[i] && i < SCSI_SERIAL_LEN; i++)
		disk->serial[i] = serial[i] > ' ' && serial[i] < 0x7f ?
				  (uint8_t)serial[i] : '_';
	for (; i < SCSI_SERIAL_LEN; i++)
		disk->serial[i] = ' ';
}

void scsi_disk_reset(struct scsi_disk *disk)
{
	disk->ua_asc = ASC_BUS_DEVICE_RESET >> 8;
	disk->ua_ascq = ASC_BUS_DEVICE_RESET & 0xff;
}

/* Fixed-format sense data (SPC-4 §4.5.3), current error. */
static void build_sense(uint8_t *s, uint8_t key, uint16_t asc)
{
	vmm_zero(s, SCSI_SENSE_LEN);
	s[0] = 0x70;
	s[2] = key;
	s[7] = SCSI_SENSE_LEN - 8;
	s[12] = (uint8_t)(asc >> 8);
	s[13] = (uint8_t)asc;
}

static void complete(struct scsi_cmd *cmd)
{
	cmd->step = SCSI_STEP_DONE;
	cmd->done(cmd);
}

static void good(struct scsi_cmd *cmd)
{
	cmd->status = SCSI_STATUS_GOOD;
	complete(cmd);
}

static void set_check(struct scsi_cmd *cmd, uint8_t key, uint16_t asc)
{
	cmd->status = SCSI_STATUS_CHECK_CONDITION;
	build_sense(cmd->sense, key, asc);
	cmd->sense_len = SCSI_SENSE_LEN;
}

static void check(struct scsi_cmd *cmd, uint8_t key, uint16_t asc)
{
	set_check(cmd, key, asc);
	complete(cmd);
}

/*
 * INVALID FIELD IN CDB with the sense-key specific field pointer to the
 * offending CDB byte (SPC-4 §4.5.2.4.2: SKSV, C/D = 1), all of it in the
 * sense data before done() copies it out.
 */
static void invalid_field(struct scsi_cmd *cmd, unsigned int byte)
{
	set_check(cmd, SCSI_SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
	cmd->sense[15] = 0xc0;
	vmm_put_be16(&cmd->sense[16], (uint16_t)byte);
	complete(cmd);
}

static void illegal(struct scsi_cmd *cmd, uint16_t asc)
{
	check(cmd, SCSI_SENSE_ILLEGAL_REQUEST, asc);
}

static void transport_error(struct scsi_cmd *cmd, enum scsi_result r)
{
	cmd->result = r;
	complete(cmd);
}

/* A backend's copy must stay inside the transfer and stops at a fault. */
static bool xfer_allowed(const struct scsi_cmd *cmd, uint64_t off, uint32_t len)
{
	return !cmd->buf_fault && off <= cmd->xfer_max && len <= cmd->xfer_max - off;
}

static bool xfer_account(struct scsi_cmd *cmd, uint64_t off, uint32_t len,
			 bool copied)
{
	if (!copied) {
		cmd->buf_fault = true;
		return false;
	}
	if (off + len > cmd->xfer_len)
		cmd->xfer_len = off + len;
	return true;
}

bool scsi_cmd_put(struct scsi_cmd *cmd, uint64_t off, const void *src,
		  uint32_t len)
{
	if (!xfer_allowed(cmd, off, len))
		return false;
	return xfer_account(cmd, off, len,
			    !len || cmd->buf.put(cmd->buf.ctx, off, src, len));
}

bool scsi_cmd_get(struct scsi_cmd *cmd, uint64_t off, void *dst, uint32_t len)
{
	if (!xfer_allowed(cmd, off, len))
		return false;
	return xfer_account(cmd, off, len,
			    !len || cmd->buf.get(cmd->buf.ctx, off, dst, len));
}

bool scsi_cmd_where(struct scsi_cmd *cmd, uint64_t off, uint32_t max,
		    uint64_t *addr, uint32_t *len)
{
	uint64_t n;

	if (!cmd->buf.where || !max || !xfer_allowed(cmd, off, 1) ||
	    !cmd->buf.where(cmd->buf.ctx, off, addr, &n) || !n)
		return false;
	if (n > cmd->xfer_max - off)
		n = cmd->xfer_max - off;
	*len = n < max ? (uint32_t)n : max;
	return true;
}

bool scsi_cmd_moved(struct scsi_cmd *cmd, uint64_t off, uint32_t len)
{
	return xfer_allowed(cmd, off, len) && xfer_account(cmd, off, len, true);
}

void scsi_backend_stop(struct scsi_cmd *cmd, enum scsi_backend_status st,
		       uint64_t off)
{
	if (cmd->step == SCSI_STEP_IDLE || cmd->step == SCSI_STEP_DONE)
		return;			/* ended: scsi_backend_done()'s rule */
	/*
	 * Never past the length so far (a write's counts the bytes
	 * fetched; that its pieces below off reached the medium is the
	 * caller's promise): the length and the block named agree.
	 */
	if (off > cmd->xfer_len)
		off = cmd->xfer_len;
	off -= off % SCSI_BLOCK_SIZE;
	cmd->xfer_len = off;
	/*
	 * A FUA write names no block: those below the stop were written
	 * but never flushed, and the initiator would take them as durable.
	 */
	if (st != SCSI_BACKEND_OK &&
	    (cmd->step == SCSI_STEP_READ || cmd->step == SCSI_STEP_WRITE)) {
		cmd->info_valid = true;
		cmd->info = cmd->lba + off / SCSI_BLOCK_SIZE;
	}
	scsi_backend_done(cmd, st);
}

void scsi_backend_bounce(struct scsi_cmd *cmd, bool write, uint64_t lba,
			 uint32_t nr, uint8_t *buf, uint32_t buf_blocks,
			 scsi_piece_fn piece, void *ctx, uint64_t *blocks)
{
	uint64_t off = 0;

	while (nr) {
		uint32_t n = nr < buf_blocks ? nr : buf_blocks;
		uint32_t len = n * SCSI_BLOCK_SIZE;
		enum scsi_backend_status st;

		/* Nothing from past a fault in the initiator's buffer reaches the medium. */
		if (write && !scsi_cmd_get(cmd, off, buf, len))
			break;
		st = piece(ctx, write, lba, n);
		if (st != SCSI_BACKEND_OK)
			return scsi_backend_stop(cmd, st, off);
		if (!write && !scsi_cmd_put(cmd, off, buf, len))
			break;
		*blocks += n;
		lba += n;
		nr -= n;
		off += len;
	}
	scsi_backend_done(cmd, SCSI_BACKEND_OK);
}

/* The initiator announced a direction the command does not have. */
static bool wrong_dir(const struct scsi_cmd *cmd, enum scsi_dir want)
{
	return cmd->dir != SCSI_DIR_UNKNOWN && cmd->dir != want;
}

/* Ends an emulated data-in command: resp, cut at alloc and the buffer. */
static void reply(struct scsi_cmd *cmd, const uint8_t *resp, uint32_t len,
		  uint32_t alloc)
{
	if (len > alloc)
		len = alloc;
	if (len > cmd->buf.len)
		len = (uint32_t)cmd->buf.len;
	if (len && wrong_dir(cmd, SCSI_DIR_TO_INITIATOR))
		return transport_error(cmd, SCSI_RESULT_DIRECTION);
	cmd->xfer_max = len;
	if (!scsi_cmd_put(cmd, 0, resp, len)) {
		transport_error(cmd, SCSI_RESULT_BAD_BUFFER);
		return;
	}
	good(cmd);
}

static void standard_inquiry(const struct scsi_cmd *cmd, uint8_t *r)
{
	r[0] = cmd->lun ? INQ_NO_LUN : INQ_TYPE_DISK;
	r[2] = INQ_VERSION_SPC4;
	r[3] = INQ_RESPONSE_FORMAT;
	r[4] = INQ_STD_LEN - 5;
	r[7] = INQ_CMDQUE;
	vmm_put_chars(&r[8], INQ_VENDOR, 8);
	vmm_put_chars(&r[16], INQ_PRODUCT, 16);
	vmm_put_chars(&r[32], INQ_REVISION, 4);
}

/* A VPD page into r; its length, or 0 when the disk has no such page. */
static uint32_t vpd_page(const struct scsi_disk *disk, uint8_t page, uint8_t *r)
{
	uint32_t n = 4;

	r[1] = page;
	switch (page) {
	case VPD_SUPPORTED:
		r[n++] = VPD_SUPPORTED;
		r[n++] = VPD_SERIAL;
		r[n++] = VPD_DEVICE_ID;
		r[n++] = VPD_BLOCK_LIMITS;
		r[n++] = VPD_BLOCK_CHARS;
		if (disk->thin)
			r[n++] = VPD_LB_PROVISIONING;
		break;
	case VPD_SERIAL:
		for (unsigned int i = 0; i < SCSI_SERIAL_LEN; i++)
			r[n++] = disk->serial[i];
		break;
	case VPD_DEVICE_ID:
		/* one designator: binary, logical unit, NAA, 16 bytes */
		r[n++] = 0x01;
		r[n++] = 0x03;
		r[n++] = 0;
		r[n++] = 16;
		r[n++] = (uint8_t)(NAA_IEEE_REG_EXT << 4 | VMWARE_OUI >> 20);
		r[n++] = (uint8_t)(VMWARE_OUI >> 12);
		r[n++] = (uint8_t)(VMWARE_OUI >> 4);
		r[n++] = (uint8_t)(VMWARE_OUI << 4);
		n += 4;		/* vendor specific identifier: 0 */
		vmm_put_be64(&r[n], disk->id);
		n += 8;
		break;
	case VPD_BLOCK_LIMITS:
		vmm_put_be16(&r[6], 1);			/* optimal granularity */
		vmm_put_be32(&r[8], SCSI_MAX_XFER_BLOCKS);	/* maximum transfer */
		vmm_put_be32(&r[12], SCSI_MAX_XFER_BLOCKS);	/* optimal transfer */
		if (disk->thin) {
			vmm_put_be32(&r[20], SCSI_MAX_UNMAP_BLOCKS);
			vmm_put_be32(&r[24], SCSI_MAX_UNMAP_DESCS);
			vmm_put_be32(&r[28], 1);		/* unmap granularity */
		}
		n += VPD_B0_B1_LEN;
		break;
	case VPD_BLOCK_CHARS:
		n += VPD_B0_B1_LEN;	/* rotation rate, form factor: not reported */
		break;
	case VPD_LB_PROVISIONING:
		if (!disk->thin)
			return 0;
		r[5] = 0x80 | 0x04;	/* LBPU: UNMAP; LBPRZ: unmapped reads zeros */
		r[6] = 0x02;		/* provisioning type: thin */
		n += 4;
		break;
	default:
		return 0;
	}
	vmm_put_be16(&r[2], (uint16_t)(n - 4));
	return n;
}

static void do_inquiry(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	uint8_t r[RESP_MAX];
	uint32_t alloc = vmm_get_be16(&cmd->cdb[3]);
	uint32_t len;

	vmm_zero(r, sizeof(r));
	if (cmd->cdb[1] & ~0x01)		/* CMDDT and reserved bits */
		return invalid_field(cmd, 1);
	if (!(cmd->cdb[1] & 0x01)) {
		if (cmd->cdb[2])
			return invalid_field(cmd, 2);
		standard_inquiry(cmd, r);
		return reply(cmd, r, INQ_STD_LEN, alloc);
	}
	if (cmd->lun)
		return illegal(cmd, ASC_LUN_NOT_SUPPORTED);
	len = vpd_page(disk, cmd->cdb[2], r);
	if (!len)
		return invalid_field(cmd, 2);
	reply(cmd, r, len, alloc);
}

static void do_request_sense(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	uint8_t r[SCSI_SENSE_LEN];

	if (cmd->cdb[1] & 0x01)		/* DESC: descriptor format not offered */
		return invalid_field(cmd, 1);
	if (cmd->lun) {
		build_sense(r, SCSI_SENSE_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
	} else {
		build_sense(r, disk->ua_asc ? SCSI_SENSE_UNIT_ATTENTION :
			    SCSI_SENSE_NO_SENSE,
			    (uint16_t)(disk->ua_asc << 8 | disk->ua_ascq));
		disk->ua_asc = disk->ua_ascq = 0;
	}
	reply(cmd, r, SCSI_SENSE_LEN, cmd->cdb[4]);
}

static void do_report_luns(struct scsi_cmd *cmd)
{
	uint8_t r[16];
	uint32_t alloc = vmm_get_be32(&cmd->cdb[6]);
	uint8_t select = cmd->cdb[2];

	vmm_zero(r, sizeof(r));
	if (select > 0x02 && (select < 0x10 || select > 0x12))
		return invalid_field(cmd, 2);
	if (alloc < 16)			/* SPC-3 §6.21: at least 16 */
		return invalid_field(cmd, 6);
	vmm_put_be32(&r[0], 8);		/* one LUN, 0 */
	reply(cmd, r, sizeof(r), alloc);
}

static void do_read_capacity_10(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	uint8_t r[8];
	uint64_t last = disk->nr_blocks ? disk->nr_blocks - 1 : 0;

	/* LBA without PMI is reserved (SBC-3 §5.15.1) */
	if (!(cmd->cdb[8] & 0x01) && vmm_get_be32(&cmd->cdb[2]))
		return invalid_field(cmd, 2);
	vmm_put_be32(&r[0], last > 0xffffffffu ? 0xffffffffu : (uint32_t)last);
	vmm_put_be32(&r[4], SCSI_BLOCK_SIZE);
	reply(cmd, r, sizeof(r), sizeof(r));
}

static void do_read_capacity_16(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	uint8_t r[32];

	vmm_zero(r, sizeof(r));
	if (!(cmd->cdb[14] & 0x01) && vmm_get_be64(&cmd->cdb[2]))
		return invalid_field(cmd, 2);
	vmm_put_be64(&r[0], disk->nr_blocks ? disk->nr_blocks - 1 : 0);
	vmm_put_be32(&r[8], SCSI_BLOCK_SIZE);
	if (disk->thin)
		r[14] = 0x80 | 0x40;	/* LBPME, LBPRZ */
	reply(cmd, r, sizeof(r), vmm_get_be32(&cmd->cdb[10]));
}

static uint32_t mode_caching(const struct scsi_disk *disk, uint8_t *p, bool changeable)
{
	p[0] = MODE_PAGE_CACHING;
	p[1] = MODE_CACHING_LEN - 2;
	if (!changeable && disk->ops->flush)
		p[2] = MODE_WCE;
	return MODE_CACHING_LEN;
}

static uint32_t mode_control(uint8_t *p)
{
	p[0] = MODE_PAGE_CONTROL;
	p[1] = MODE_CONTROL_LEN - 2;
	return MODE_CONTROL_LEN;
}

/* MODE SENSE(6) and (10) (SPC-4 §6.11, §6.12), read-only pages. */
static void do_mode_sense(struct scsi_disk *disk, struct scsi_cmd *cmd, bool ten)
{
	uint8_t r[RESP_MAX];
	uint8_t pc = cmd->cdb[2] >> 6, page = cmd->cdb[2] & 0x3f;
	bool dbd = cmd->cdb[1] & 0x08, llba = ten && (cmd->cdb[1] & 0x10);
	uint32_t hdr = ten ? 8 : 4, bd = dbd ? 0 : llba ? 16 : 8, n;
	uint32_t alloc = ten ? vmm_get_be16(&cmd->cdb[7]) : cmd->cdb[4];

	vmm_zero(r, sizeof(r));
	if (cmd->cdb[1] & ~(ten ? 0x18 : 0x08))
		return invalid_field(cmd, 1);
	if (pc == MODE_PC_SAVED)
		return illegal(cmd, ASC_SAVING_NOT_SUPPORTED);
	if (cmd->cdb[3] && !(page == MODE_PAGE_ALL && cmd->cdb[3] == 0xff))
		return invalid_field(cmd, 3);
	n = hdr + bd;
	switch (page) {
	case MODE_PAGE_CACHING:
		n += mode_caching(disk, &r[n], pc == 1);
		break;
	case MODE_PAGE_CONTROL:
		n += mode_control(&r[n]);
		break;
	case MODE_PAGE_ALL:
		n += mode_caching(disk, &r[n], pc == 1);
		n += mode_control(&r[n]);
		break;
	default:
		return invalid_field(cmd, 2);
	}
	if (bd == 8) {
		vmm_put_be32(&r[hdr], disk->nr_blocks > 0xffffffffu ? 0xffffffffu :
				  (uint32_t)disk->nr_blocks);
		vmm_put_be32(&r[hdr + 4], SCSI_BLOCK_SIZE);	/* byte 4 is reserved */
	} else if (bd == 16) {
		vmm_put_be64(&r[hdr], disk->nr_blocks);
		vmm_put_be32(&r[hdr + 12], SCSI_BLOCK_SIZE);
	}
	if (ten) {
		vmm_put_be16(&r[0], (uint16_t)(n - 2));
		r[3] = (disk->read_only ? MODE_DEVSPEC_WP : 0) | MODE_DEVSPEC_DPOFUA;
		r[4] = llba ? 0x01 : 0;
		vmm_put_be16(&r[6], (uint16_t)bd);
	} else {
		r[0] = (uint8_t)(n - 1);
		r[2] = (disk->read_only ? MODE_DEVSPEC_WP : 0) | MODE_DEVSPEC_DPOFUA;
		r[3] = (uint8_t)bd;
	}
	reply(cmd, r, n, alloc);
}

/* lba..lba+nr inside the disk, without 64-bit wrap-around. */
static bool in_range(const struct scsi_disk *disk, uint64_t lba, uint64_t nr)
{
	return lba <= disk->nr_blocks && nr <= disk->nr_blocks - lba;
}

/* READ and WRITE (6/10/12/16), SBC-3 §5.8-5.11, §5.32-5.35. */
static void do_rw(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	const uint8_t *c = cmd->cdb;
	bool write = c[0] == OP_WRITE_6 || c[0] == OP_WRITE_10 ||
		     c[0] == OP_WRITE_12 || c[0] == OP_WRITE_16;
	uint64_t lba, bytes;
	uint32_t nr;
	unsigned int len_at;	/* CDB byte of the transfer length */
	bool fua = false;

	switch (c[0]) {
	case OP_READ_6:
	case OP_WRITE_6:
		lba = (uint32_t)(c[1] & 0x1f) << 16 | vmm_get_be16(&c[2]);
		nr = c[4] ? c[4] : 256;		/* 0 means 256 (SBC-3 §5.8) */
		len_at = 4;
		break;
	case OP_READ_10:
	case OP_WRITE_10:
		lba = vmm_get_be32(&c[2]);
		nr = vmm_get_be16(&c[7]);
		len_at = 7;
		break;
	case OP_READ_12:
	case OP_WRITE_12:
		lba = vmm_get_be32(&c[2]);
		nr = vmm_get_be32(&c[6]);
		len_at = 6;
		break;
	default:
		lba = vmm_get_be64(&c[2]);
		nr = vmm_get_be32(&c[10]);
		len_at = 10;
		break;
	}
	if (len_at != 4) {
		if (c[1] & 0xe0)	/* RDPROTECT/WRPROTECT: no protection info */
			return invalid_field(cmd, 1);
		fua = c[1] & 0x08;
	}
	if (wrong_dir(cmd, nr ? (write ? SCSI_DIR_TO_TARGET : SCSI_DIR_TO_INITIATOR) :
			    cmd->dir))
		return transport_error(cmd, SCSI_RESULT_DIRECTION);
	if (!in_range(disk, lba, nr))
		return illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	if (nr > SCSI_MAX_XFER_BLOCKS)
		return invalid_field(cmd, len_at);
	if (write && disk->read_only)
		return check(cmd, SCSI_SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
	bytes = (uint64_t)nr * SCSI_BLOCK_SIZE;
	if (bytes > cmd->buf.len)
		return transport_error(cmd, SCSI_RESULT_OVERRUN);
	if (!nr)
		return good(cmd);
	cmd->xfer_max = bytes;
	cmd->lba = lba;
	if (write) {
		cmd->step = fua && disk->ops->flush ? SCSI_STEP_WRITE_FUA :
						      SCSI_STEP_WRITE;
		disk->ops->write(disk->ctx, cmd, lba, nr);
	} else {
		cmd->step = SCSI_STEP_READ;
		disk->ops->read(disk->ctx, cmd, lba, nr);
	}
}

/* SYNCHRONIZE CACHE (10/16), SBC-3 §5.22-5.23: the range is checked, all flushed. */
static void do_sync_cache(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	bool sixteen = cmd->cdb[0] == OP_SYNC_CACHE_16;
	uint64_t lba = sixteen ? vmm_get_be64(&cmd->cdb[2]) : vmm_get_be32(&cmd->cdb[2]);
	uint64_t nr = sixteen ? vmm_get_be32(&cmd->cdb[10]) : vmm_get_be16(&cmd->cdb[7]);

	if (cmd->cdb[1] & ~0x06)	/* IMMED, obsolete SYNC_NV */
		return invalid_field(cmd, 1);
	if (!in_range(disk, lba, nr))
		return illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	if (!disk->ops->flush)
		return good(cmd);
	cmd->step = SCSI_STEP_FLUSH;
	disk->ops->flush(disk->ctx, cmd);
}

/* VERIFY (10/16) without BYTCHK: a medium check the backend needs not do. */
static void do_verify(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	bool sixteen = cmd->cdb[0] == OP_VERIFY_16;
	uint64_t lba = sixteen ? vmm_get_be64(&cmd->cdb[2]) : vmm_get_be32(&cmd->cdb[2]);
	uint64_t nr = sixteen ? vmm_get_be32(&cmd->cdb[10]) : vmm_get_be16(&cmd->cdb[7]);

	if (cmd->cdb[1] & 0xe6)		/* VRPROTECT, BYTCHK */
		return invalid_field(cmd, 1);
	if (!in_range(disk, lba, nr))
		return illegal(cmd, ASC_LBA_OUT_OF_RANGE);
	good(cmd);
}

static void unmap_next(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	while (cmd->unmap_next < cmd->unmap_count) {
		unsigned int i = cmd->unmap_next++;

		if (!cmd->unmap[i].nr)
			continue;
		cmd->step = SCSI_STEP_UNMAP;
		disk->ops->unmap(disk->ctx, cmd, cmd->unmap[i].lba,
				 cmd->unmap[i].nr);
		return;
	}
	good(cmd);
}

/*
 * UNMAP (SBC-3 §5.28): the whole parameter list is read and checked (each
 * descriptor in range, the counts within the block limits) before the
 * first block is released.
 */
static void do_unmap(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	uint8_t p[UNMAP_HDR_LEN + SCSI_MAX_UNMAP_DESCS * UNMAP_DESC_LEN];
	uint32_t len = vmm_get_be16(&cmd->cdb[7]), take, descs;
	uint64_t total = 0;

	if (!disk->thin)
		return illegal(cmd, ASC_INVALID_OPCODE);
	if (cmd->cdb[1] & 0x01)			/* ANCHOR */
		return invalid_field(cmd, 1);
	if (wrong_dir(cmd, len ? SCSI_DIR_TO_TARGET : cmd->dir))
		return transport_error(cmd, SCSI_RESULT_DIRECTION);
	if (disk->read_only)
		return check(cmd, SCSI_SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
	if (!len)
		return good(cmd);
	if (len < UNMAP_HDR_LEN)
		return illegal(cmd, ASC_PARAMETER_LIST_LENGTH);
	if (len > cmd->buf.len)
		return transport_error(cmd, SCSI_RESULT_OVERRUN);
	take = len < sizeof(p) ? len : sizeof(p);
	cmd->xfer_max = take;
	if (!scsi_cmd_get(cmd, 0, p, take))
		return transport_error(cmd, SCSI_RESULT_BAD_BUFFER);
	if (vmm_get_be16(&p[0]) + 2u > len || vmm_get_be16(&p[2]) + UNMAP_HDR_LEN > len)
		return illegal(cmd, ASC_PARAMETER_LIST_LENGTH);
	/* a truncated last descriptor is ignored (SBC-3 §5.28.2) */
	descs = vmm_get_be16(&p[2]) / UNMAP_DESC_LEN;
	if (descs > SCSI_MAX_UNMAP_DESCS)	/* so all of them are in p */
		return illegal(cmd, ASC_INVALID_FIELD_IN_PARAM);
	for (unsigned int i = 0; i < descs; i++) {
		const uint8_t *d = &p[UNMAP_HDR_LEN + i * UNMAP_DESC_LEN];

		cmd->unmap[i].lba = vmm_get_be64(d);
		cmd->unmap[i].nr = vmm_get_be32(d + 8);
		if (!in_range(disk, cmd->unmap[i].lba, cmd->unmap[i].nr))
			return illegal(cmd, ASC_LBA_OUT_OF_RANGE);
		total += cmd->unmap[i].nr;
	}
	if (total > SCSI_MAX_UNMAP_BLOCKS)
		return illegal(cmd, ASC_INVALID_FIELD_IN_PARAM);
	cmd->unmap_count = descs;
	cmd->unmap_next = 0;
	unmap_next(disk, cmd);
}

/* CDB length of an operation code's group (SAM-5 §5.2); 0: reserved group. */
static unsigned int group_len(uint8_t op)
{
	static const uint8_t len[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };

	return len[op >> 5];
}

/* Commands that report and keep a pending unit attention (SPC-4 §5.14). */
static bool ua_exempt(uint8_t op)
{
	return op == OP_INQUIRY || op == OP_REPORT_LUNS || op == OP_REQUEST_SENSE;
}

static void dispatch(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	const uint8_t op = cmd->cdb[0];

	switch (op) {
	case OP_TEST_UNIT_READY:
	case OP_START_STOP_UNIT:	/* no medium to spin: accepted as is */
		return good(cmd);
	case OP_REQUEST_SENSE:
		return do_request_sense(disk, cmd);
	case OP_INQUIRY:
		return do_inquiry(disk, cmd);
	case OP_REPORT_LUNS:
		return do_report_luns(cmd);
	case OP_READ_CAPACITY_10:
		return do_read_capacity_10(disk, cmd);
	case OP_SERVICE_ACTION_IN_16:
		if ((cmd->cdb[1] & 0x1f) != SAI_READ_CAPACITY_16)
			return invalid_field(cmd, 1);
		return do_read_capacity_16(disk, cmd);
	case OP_MODE_SENSE_6:
	case OP_MODE_SENSE_10:
		return do_mode_sense(disk, cmd, op == OP_MODE_SENSE_10);
	case OP_READ_6:
	case OP_READ_10:
	case OP_READ_12:
	case OP_READ_16:
	case OP_WRITE_6:
	case OP_WRITE_10:
	case OP_WRITE_12:
	case OP_WRITE_16:
		return do_rw(disk, cmd);
	case OP_SYNC_CACHE_10:
	case OP_SYNC_CACHE_16:
		return do_sync_cache(disk, cmd);
	case OP_VERIFY_10:
	case OP_VERIFY_16:
		return do_verify(disk, cmd);
	case OP_UNMAP:
		return do_unmap(disk, cmd);
	default:
		return illegal(cmd, ASC_INVALID_OPCODE);
	}
}

void scsi_disk_submit(struct scsi_disk *disk, struct scsi_cmd *cmd)
{
	const uint8_t op = cmd->cdb[0];
	unsigned int need = group_len(op);

	cmd->disk = disk;
	cmd->result = SCSI_RESULT_OK;
	cmd->status = SCSI_STATUS_GOOD;
	cmd->sense_len = 0;
	cmd->xfer_len = 0;
	cmd->xfer_max = 0;
	cmd->buf_fault = false;
	cmd->info_valid = false;
	cmd->step = SCSI_STEP_IDLE;
	cmd->unmap_count = cmd->unmap_next = 0;

	if (!need)
		return illegal(cmd, ASC_INVALID_OPCODE);
	if (cmd->cdb_len < need || cmd->cdb_len > SCSI_CDB_MAX)
		return invalid_field(cmd, 0);
	if (cmd->cdb[need - 1] & CONTROL_NACA_LINK)
		return invalid_field(cmd, need - 1);
	if (cmd->lun && op != OP_INQUIRY && op != OP_REPORT_LUNS &&
	    op != OP_REQUEST_SENSE)
		return illegal(cmd, ASC_LUN_NOT_SUPPORTED);
	if (disk->ua_asc && !ua_exempt(op)) {
		uint16_t asc = (uint16_t)(disk->ua_asc << 8 | disk->ua_ascq);

		disk->ua_asc = disk->ua_ascq = 0;
		return check(cmd, SCSI_SENSE_UNIT_ATTENTION, asc);
	}
	dispatch(disk, cmd);
}

/*
 * A backend's failure: its sense names the first block that failed when
 * the backend said which (SPC-4 §4.5.3: VALID, INFORMATION in bytes
 * 3-6, which holds 32 bits; past them VALID stays clear).
 */
static void backend_check(struct scsi_cmd *cmd, uint8_t key, uint16_t asc)
{
	set_check(cmd, key, asc);
	if (cmd->info_valid && cmd->info <= UINT32_MAX) {
		cmd->sense[0] |= 0x80;
		vmm_put_be32(&cmd->sense[3], (uint32_t)cmd->info);
	}
	complete(cmd);
}

void scsi_backend_done(struct scsi_cmd *cmd, enum scsi_backend_status st)
{
	struct scsi_disk *disk = cmd->disk;
	enum scsi_step step = cmd->step;

	if (step == SCSI_STEP_IDLE || step == SCSI_STEP_DONE)
		return;			/* a backend that completes twice */
	if (cmd->buf_fault)
		return transport_error(cmd, SCSI_RESULT_BAD_BUFFER);
	if (st == SCSI_BACKEND_NO_SPACE && step != SCSI_STEP_READ)
		return backend_check(cmd, SCSI_SENSE_DATA_PROTECT,
				     ASC_SPACE_ALLOC_FAILED_WP);
	/* Linux fails NOT READY other than 04h/xx at once, without retries */
	if (st == SCSI_BACKEND_UNRESPONSIVE)
		return backend_check(cmd, SCSI_SENSE_NOT_READY, ASC_TIMEOUT_ON_LUN);
	if (st != SCSI_BACKEND_OK)
		return backend_check(cmd, SCSI_SENSE_MEDIUM_ERROR,
				     step == SCSI_STEP_READ ? ASC_UNRECOVERED_READ_ERROR :
							      ASC_WRITE_ERROR);
	switch (step) {
	case SCSI_STEP_WRITE_FUA:
		cmd->step = SCSI_STEP_FLUSH;
		disk->ops->flush(disk->ctx, cmd);
		return;
	case SCSI_STEP_UNMAP:
		return unmap_next(disk, cmd);
	default:
		return good(cmd);
	}
}
