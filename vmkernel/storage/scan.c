// SPDX-License-Identifier: GPL-2.0-only
/*
 * LUN discovery (scan.h). One command at a time through the adapter,
 * polled to its end; the device's replies are bounded by what it says it
 * transferred and by the buffer before a field of them is read.
 */
#include "vmkernel/storage/scan.h"
#include "vmm/bytes.h"

/* SPC-4 / SBC-3 operation codes. */
#define OP_TEST_UNIT_READY	0x00
#define OP_INQUIRY		0x12
#define OP_READ_CAPACITY_10	0x25
#define OP_SERVICE_ACTION_IN	0x9e
#define SA_READ_CAPACITY_16	0x10
#define OP_REPORT_LUNS		0xa0

#define STATUS_GOOD		0x00
#define STATUS_CHECK_CONDITION	0x02
#define SENSE_NOT_READY		0x2
#define SENSE_MEDIUM_ERROR	0x3
#define SENSE_ILLEGAL_REQUEST	0x5
#define SENSE_UNIT_ATTENTION	0x6

#define INQUIRY_LEN		36	/* SPC-4 §6.4.2: the standard data we read */
#define INQUIRY_EVPD		0x01	/* SPC-4 §6.6.1: CDB byte 1, a VPD page */
/*
 * The VPD bytes asked for: 255, as Linux first asks, since some targets
 * refuse more; a page longer than that is read as far as it came.
 */
#define VPD_ALLOC		255
#define VPD_SERIAL		0x80	/* SPC-4 §7.8.17 Unit Serial Number */
#define VPD_DEVICE_ID		0x83	/* SPC-4 §7.8.6 Device Identification */
#define VPD_HDR			4	/* SPC-4 §7.8.1: type, page code, page length */
#define DESIG_HDR		4	/* SPC-4 §7.8.6.1: code set ... length */
#define DESIG_CODE_BINARY	0x1
#define DESIG_ASSOC_LU		0x0	/* the designator names the logical unit */
#define DESIG_EUI64		0x2	/* SPC-4 §7.8.6.5: 8, 12 or 16 bytes */
#define DESIG_NAA		0x3	/* SPC-4 §7.8.6.6: 8 bytes, or 16 for NAA 6 */
#define NAA_IEEE_REG_EXT	0x6
#define RC10_LEN		8
#define RC16_LEN		32
#define REPORT_LUNS_HDR		8	/* SPC-4 §6.33: list length, reserved */
#define BLOCK_SIZE_MIN		512
#define BLOCK_SIZE_MAX		65536

enum outcome {
	OUT_GOOD,		/* GOOD status; xfer bytes arrived */
	OUT_CHECK,		/* CHECK CONDITION; sense decoded */
	OUT_NO_TARGET,
	OUT_HUNG,		/* no answer by SCAN_CMD_TIMEOUT_MS: the adapter ended it */
	OUT_STOPPED,		/* the caller's yield stopped the scan: not sent */
	OUT_LATE,		/* SCAN_TOTAL_MS passed: not sent, or cut short and lost */
	OUT_FAILED,		/* transport error, other status */
};

#define ERR_HUNG	"no answer to a scan command in time: unresponsive"
#define ERR_NOT_PROBED	"not probed: the scan met too many hung commands"
#define ERR_LATE	"not probed: the scan ran out of time (12 s)"
_Static_assert(SCAN_TOTAL_MS == 12000, "ERR_LATE names the scan's time");
#define ERR_GONE	"gone: not found by the last rescan"
#define ERR_REPLACED	"gone: a different disk answers at its address now"


static void cmd_done(struct storage_cmd *cmd)
{
	struct scan_result *res = cmd->priv;

	res->done = true;
}

/* Run one command to its end; UNIT ATTENTION retried up to SCAN_UA_RETRIES. */
static enum outcome exec(struct storage_adapter *a, struct scan_result *res,
			 const struct scan_buf *buf, uint32_t target, uint32_t lun,
			 const uint8_t *cdb, uint8_t cdb_len, uint32_t len,
			 uint32_t *xfer, struct scan_sense *sense)
{
	struct storage_cmd *cmd = &res->cmd;
	uint32_t timeout;
	uint64_t t;

	for (unsigned int tries = 0;; tries++) {
		/* Past the deadline, not even the wait for the lock (yield). */
		if (a->ops->now_ms(a->hba) + SCAN_MIN_CMD_MS > res->deadline) {
			res->out_of_time = true;
			return OUT_LATE;
		}
		if (res->yield && !res->yield(res->yield_ctx,
					      res->deadline - SCAN_MIN_CMD_MS)) {
			res->stopped = true;
			return OUT_STOPPED;
		}
		/*
		 * Every send, a UNIT ATTENTION's retry too, within the scan's
		 * deadline, and none with less than SCAN_MIN_CMD_MS left: a
		 * healthy but slow LUN would be aborted (and its bus reset,
		 * which other LUNs' I/O feels) for the scan's lack of time.
		 */
		t = a->ops->now_ms(a->hba);
		if (t + SCAN_MIN_CMD_MS > res->deadline) {
			res->out_of_time = true;
			return OUT_LATE;
		}
		timeout = (uint32_t)MIN((uint64_t)SCAN_CMD_TIMEOUT_MS, res->deadline - t);
		memset(cmd, 0, sizeof(*cmd));
		if (len)	/* bytes the device did not write read as 0 */
			memset(buf->virt, 0, len);
		cmd->target = target;
		cmd->lun = lun;
		memcpy(cmd->cdb, cdb, cdb_len);
		cmd->cdb_len = cdb_len;
		cmd->dir = len ? STORAGE_DIR_READ : STORAGE_DIR_NONE;
		cmd->nr_sg = len ? 1 : 0;
		cmd->sg[0].addr = buf->phys;
		cmd->sg[0].len = len;
		cmd->timeout_ms = timeout;
		cmd->done = cmd_done;
		cmd->priv = res;
		res->done = false;
		if (a->ops->queue(a->hba, cmd) != VMK_OK)
			return OUT_FAILED;
		while (!res->done) {
			a->ops->poll(a->hba);
			if (!res->done)
				a->ops->tick(a->hba);
		}
		if (cmd->host == STORAGE_HOST_NO_TARGET)
			return OUT_NO_TARGET;
		if (cmd->host == STORAGE_HOST_TIMEOUT && timeout < SCAN_CMD_TIMEOUT_MS) {
			res->out_of_time = true;	/* cut short: not the LUN's fault */
			return OUT_LATE;
		}
		if (cmd->host == STORAGE_HOST_TIMEOUT) {
			res->hung++;
			return OUT_HUNG;
		}
		if (cmd->host != STORAGE_HOST_OK)
			return OUT_FAILED;
		if (cmd->status == STATUS_GOOD) {
			*xfer = len - (uint32_t)(cmd->residual < len ? cmd->residual : len);
			return OUT_GOOD;
		}
		if (cmd->status != STATUS_CHECK_CONDITION ||
		    !scan_decode_sense(cmd->sense, cmd->sense_len, sense))
			return OUT_FAILED;
		if (sense->key != SENSE_UNIT_ATTENTION || tries == SCAN_UA_RETRIES)
			return OUT_CHECK;
		res->ua_retries++;
	}
}

bool scan_decode_sense(const uint8_t *s, uint32_t len, struct scan_sense *out)
{
	uint8_t code;

	if (len < 1)
		return false;
	code = s[0] & 0x7f;
	if (code == 0x70 || code == 0x71) {	/* fixed, SPC-4 §4.5.3 */
		if (len < 3)
			return false;
		out->key = s[2] & 0x0f;
		out->asc = len > 12 ? s[12] : 0;
		out->ascq = len > 13 ? s[13] : 0;
		return true;
	}
	if (code == 0x72 || code == 0x73) {	/* descriptor, SPC-4 §4.5.2 */
		if (len < 4)
			return false;
		out->key = s[1] & 0x0f;
		out->asc = s[2];
		out->ascq = s[3];
		return true;
	}
	return false;
}

/* What a failed command means to the operator. */
static const char *check_error(const struct scan_sense *s)
{
	switch (s->key) {
	case SENSE_NOT_READY:
		return "the LUN is not ready (NOT READY)";
	case SENSE_MEDIUM_ERROR:
		return "the LUN's medium failed (MEDIUM ERROR)";
	case SENSE_ILLEGAL_REQUEST:
		return "the LUN refused a command every disk must take (ILLEGAL REQUEST)";
	case SENSE_UNIT_ATTENTION:
		return "the LUN kept reporting UNIT ATTENTION";
	default:
		return "the LUN answered CHECK CONDITION";
	}
}

static bool lun_error(struct scan_lun *l, enum outcome o, const struct scan_sense *s)
{
	if (o == OUT_GOOD)
		return false;
	if (o == OUT_CHECK) {
		l->error = check_error(s);
		l->sense = *s;
	} else if (o == OUT_HUNG) {
		l->error = ERR_HUNG;
		l->unresponsive = true;
	} else if (o == OUT_LATE) {
		l->error = ERR_LATE;
		l->not_probed = true;
	} else {
		l->error = "a command to the LUN failed at the adapter (timeout, reset or bad reply)";
	}
	return true;
}

/* INQUIRY vendor/product: printable ASCII, trailing blanks cut. */
static void copy_ident(char *dst, const uint8_t *src, unsigned int n)
{
	unsigned int end = 0;

	for (unsigned int i = 0; i < n; i++) {
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '_';
		if (dst[i] != ' ')
			end = i + 1;
	}
	dst[end] = '\0';
}

/* READ CAPACITY(16), or (10) when the LUN refuses (16). false: error set. */
static bool read_capacity(struct storage_adapter *a, struct scan_result *res,
			  const struct scan_buf *buf, struct scan_lun *l)
{
	uint8_t cdb[16];
	struct scan_sense s;
	enum outcome o;
	uint32_t xfer = 0, bs;
	uint64_t last;

	memset(cdb, 0, sizeof(cdb));
	cdb[0] = OP_SERVICE_ACTION_IN;
	cdb[1] = SA_READ_CAPACITY_16;
	vmm_put_be32(&cdb[10], RC16_LEN);
	o = exec(a, res, buf, l->target, l->lun, cdb, 16, RC16_LEN, &xfer, &s);
	if (o == OUT_GOOD && xfer >= 12) {
		last = vmm_get_be64(&buf->virt[0]);
		bs = vmm_get_be32(&buf->virt[8]);
	} else if (o == OUT_GOOD || (o == OUT_CHECK && s.key == SENSE_ILLEGAL_REQUEST)) {
		memset(cdb, 0, sizeof(cdb));
		cdb[0] = OP_READ_CAPACITY_10;
		o = exec(a, res, buf, l->target, l->lun, cdb, 10, RC10_LEN, &xfer, &s);
		if (lun_error(l, o, &s))
			return false;
		if (xfer < RC10_LEN || vmm_get_be32(&buf->virt[0]) == 0xffffffffu) {
			/* too short, or "ask (16)", which was refused */
			res->bad_replies++;
			l->error = "the LUN's READ CAPACITY reply is malformed";
			return false;
		}
		last = vmm_get_be32(&buf->virt[0]);
		bs = vmm_get_be32(&buf->virt[4]);
	} else {
		lun_error(l, o, &s);
		return false;
	}
	if (last == UINT64_MAX || bs < BLOCK_SIZE_MIN || bs > BLOCK_SIZE_MAX ||
	    (bs & (bs - 1))) {
		res->bad_replies++;
		l->error = "the LUN reports an impossible capacity or block size";
		return false;
	}
	l->nr_blocks = last + 1;
	l->block_size = bs;
	return true;
}

/*
 * The bytes of a VPD page reply that may be read, in *end: up to its
 * page length, and no further than what arrived. false: not that page.
 */
static bool vpd_body(const uint8_t *p, uint32_t xfer, uint8_t page, uint32_t *end)
{
	if (xfer < VPD_HDR || p[1] != page)
		return false;
	*end = MIN(xfer, VPD_HDR + (uint32_t)vmm_get_be16(&p[2]));
	return true;
}

static void set_id(struct scan_id *id, enum scan_id_kind kind, const uint8_t *b,
		   uint32_t len)
{
	id->kind = (uint8_t)kind;
	id->len = (uint8_t)MIN(len, (uint32_t)SCAN_ID_MAX);
	memcpy(id->b, b, id->len);
}

/* An NAA designator's length is fixed by its type, its first nibble. */
static bool naa_len_ok(const uint8_t *d, uint32_t len)
{
	if (!len)
		return false;
	return len == ((d[0] >> 4) == NAA_IEEE_REG_EXT ? 16u : 8u);
}

bool scan_parse_vpd83(const uint8_t *p, uint32_t xfer, struct scan_id *id)
{
	const uint8_t *eui = NULL;
	uint32_t end, off, len, eui_len = 0;

	memset(id, 0, sizeof(*id));
	if (!vpd_body(p, xfer, VPD_DEVICE_ID, &end))
		return false;
	for (off = VPD_HDR; off + DESIG_HDR <= end; off += DESIG_HDR + len) {
		const uint8_t *d = &p[off];
		uint8_t type = d[1] & 0x0f;

		len = d[3];
		if (len > end - off - DESIG_HDR)
			break;		/* cut by the page's end or the transfer */
		if ((d[0] & 0x0f) != DESIG_CODE_BINARY ||
		    (d[1] >> 4 & 0x3) != DESIG_ASSOC_LU)
			continue;
		if (type == DESIG_NAA && naa_len_ok(d + DESIG_HDR, len)) {
			set_id(id, SCAN_ID_NAA, d + DESIG_HDR, len);
			return true;
		}
		if (type == DESIG_EUI64 && !eui && (len == 8 || len == 12 || len == 16)) {
			eui = d + DESIG_HDR;
			eui_len = len;
		}
	}
	if (eui)
		set_id(id, SCAN_ID_EUI64, eui, eui_len);
	return true;
}

bool scan_parse_vpd80(const uint8_t *p, uint32_t xfer, struct scan_id *id)
{
	uint32_t start = VPD_HDR, end;

	memset(id, 0, sizeof(*id));
	if (!vpd_body(p, xfer, VPD_SERIAL, &end))
		return false;
	/* SPC-4 pads the serial with blanks; some targets with NULs */
	while (start < end && (p[start] == ' ' || !p[start]))
		start++;
	while (end > start && (p[end - 1] == ' ' || !p[end - 1]))
		end--;
	if (end > start)
		set_id(id, SCAN_ID_SERIAL, &p[start], end - start);
	return true;
}

bool scan_same_id(const struct scan_id *a, const struct scan_id *b)
{
	return a->kind == b->kind && a->len == b->len && !memcmp(a->b, b->b, a->len);
}

void scan_format_id(const struct scan_id *id, char *out, uint32_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *prefix = id->kind == SCAN_ID_NAA ? "naa." :
			     id->kind == SCAN_ID_EUI64 ? "eui." :
			     id->kind == SCAN_ID_SERIAL ? "serial '" : "none";
	uint32_t n = 0;

	if (!len)
		return;
	for (; *prefix && n + 1 < len; prefix++)
		out[n++] = *prefix;
	for (unsigned int i = 0; i < id->len && id->kind != SCAN_ID_NONE; i++) {
		uint8_t c = id->b[i];

		if (id->kind == SCAN_ID_SERIAL && n + 1 < len) {
			out[n++] = c >= 0x20 && c < 0x7f && c != '\'' ? (char)c : '_';
		} else if (id->kind != SCAN_ID_SERIAL && n + 2 < len) {
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		}
	}
	if (id->kind == SCAN_ID_SERIAL && n + 1 < len)
		out[n++] = '\'';
	out[n] = '\0';
}

/*
 * The LUN's identity: VPD page 83h, then 80h when 83h names nothing. A
 * page the LUN refuses (ILLEGAL REQUEST) names nothing; a malformed one
 * is counted and names nothing. false: a command failed, error set.
 */
static bool read_id(struct storage_adapter *a, struct scan_result *res,
		    const struct scan_buf *buf, struct scan_lun *l)
{
	static const uint8_t pages[] = { VPD_DEVICE_ID, VPD_SERIAL };
	uint8_t cdb[6];
	struct scan_sense s;
	enum outcome o;
	uint32_t xfer = 0;
	bool ok;

	for (unsigned int i = 0; i < ARRAY_SIZE(pages) && !l->id.kind; i++) {
		memset(cdb, 0, sizeof(cdb));
		cdb[0] = OP_INQUIRY;
		cdb[1] = INQUIRY_EVPD;
		cdb[2] = pages[i];
		vmm_put_be16(&cdb[3], VPD_ALLOC);
		o = exec(a, res, buf, l->target, l->lun, cdb, 6, VPD_ALLOC, &xfer, &s);
		if (o == OUT_CHECK && s.key == SENSE_ILLEGAL_REQUEST)
			continue;
		if (lun_error(l, o, &s))
			return false;
		if (pages[i] == VPD_DEVICE_ID)
			ok = scan_parse_vpd83(buf->virt, xfer, &l->id);
		else
			ok = scan_parse_vpd80(buf->virt, xfer, &l->id);
		res->bad_replies += !ok;
	}
	l->id_read = true;
	return true;
}

/* INQUIRY, its VPD pages, TEST UNIT READY, capacity. false: no LU there. */
static bool probe_lun(struct storage_adapter *a, struct scan_result *res,
		      const struct scan_buf *buf, struct scan_lun *l)
{
	uint8_t cdb[6];
	struct scan_sense s;
	enum outcome o;
	uint32_t xfer = 0;

	memset(cdb, 0, sizeof(cdb));
	cdb[0] = OP_INQUIRY;
	cdb[4] = INQUIRY_LEN;
	o = exec(a, res, buf, l->target, l->lun, cdb, 6, INQUIRY_LEN, &xfer, &s);
	if (o == OUT_NO_TARGET)
		return false;
	if (lun_error(l, o, &s))
		return true;
	if (xfer < INQUIRY_LEN) {
		res->bad_replies++;
		l->error = "the LUN's INQUIRY reply is too short";
		return true;
	}
	if (buf->virt[0] >> 5)		/* peripheral qualifier: no LU here */
		return false;
	l->type = buf->virt[0] & 0x1f;
	copy_ident(l->vendor, &buf->virt[8], 8);
	copy_ident(l->product, &buf->virt[16], 16);
	if (!read_id(a, res, buf, l))
		return true;
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = OP_TEST_UNIT_READY;
	o = exec(a, res, buf, l->target, l->lun, cdb, 6, 0, &xfer, &s);
	if (lun_error(l, o, &s))
		return true;
	if (l->type == SCAN_TYPE_DISK)
		read_capacity(a, res, buf, l);
	return true;
}

/* SAM-5 §4.7: a single level LUN (peripheral or flat addressing); else false. */
static bool decode_lun(const uint8_t *e, uint32_t *lun)
{
	uint8_t method = e[0] >> 6;

	for (unsigned int i = 2; i < 8; i++)
		if (e[i])
			return false;
	if (method != 0 && method != 1)
		return false;
	*lun = (uint32_t)(e[0] & 0x3f) << 8 | e[1];
	return *lun <= 0xff;		/* what the adapter can address */
}

/*
 * The LUNs of target into luns[]; LUN 0 alone when REPORT LUNS is
 * refused, LUN 0 alone and *hung when it timed out.
 */
static int report_luns(struct storage_adapter *a, struct scan_result *res,
		       const struct scan_buf *buf, uint32_t target, uint32_t *luns,
		       bool *hung)
{
	uint8_t cdb[12];
	struct scan_sense s;
	enum outcome o;
	uint32_t xfer = 0, list_len, nr = 0;

	memset(cdb, 0, sizeof(cdb));
	cdb[0] = OP_REPORT_LUNS;
	vmm_put_be32(&cdb[6], buf->len);
	o = exec(a, res, buf, target, 0, cdb, 12, buf->len, &xfer, &s);
	if (o == OUT_NO_TARGET || o == OUT_STOPPED || o == OUT_LATE)
		return -1;
	*hung = o == OUT_HUNG;
	if (o != OUT_GOOD || xfer < REPORT_LUNS_HDR) {
		res->report_luns_refused++;
		luns[0] = 0;
		return 1;
	}
	list_len = vmm_get_be32(&buf->virt[0]);
	if (list_len % 8)
		res->bad_replies++;
	/* the list may be longer than what arrived: take only what did */
	if (list_len > xfer - REPORT_LUNS_HDR)
		list_len = xfer - REPORT_LUNS_HDR;
	for (uint32_t off = 0; off + 8 <= list_len && nr < SCAN_LUNS_PER_TARGET; off += 8) {
		uint32_t lun;
		bool dup = false;

		if (!decode_lun(&buf->virt[REPORT_LUNS_HDR + off], &lun)) {
			res->bad_replies++;
			continue;
		}
		for (uint32_t i = 0; i < nr; i++)
			dup |= luns[i] == lun;
		if (!dup)
			luns[nr++] = lun;
	}
	return (int)nr;
}

bool scan_yield_lock(void *ctx, uint64_t by)
{
	struct scan_lock *l = ctx;

	gated_unlock(l->lock);
	if (!gated_lock_in_turn_by(l->lock, l->now_ms, l->clock_ctx, by)) {
		l->lost = true;
		return false;
	}
	return !*l->stop;
}

int scan_adapter(struct storage_adapter *a, const struct scan_buf *buf,
		 uint64_t start, scan_yield_fn yield, void *ctx,
		 struct scan_result *res)
{
	uint32_t max_targets = a->max_targets;

	memset(res, 0, sizeof(*res));
	if (buf->len < SCAN_BUF_MIN)
		return VMK_BAD_PARAM;
	res->yield = yield;
	res->yield_ctx = ctx;
	res->deadline = start + SCAN_TOTAL_MS;
	for (uint32_t t = 0; t < max_targets && !res->stopped; t++) {
		uint32_t luns[SCAN_LUNS_PER_TARGET];
		bool hung = false;
		int nr;

		/* SCAN_HUNG_MAX reached, or the deadline before or at REPORT LUNS */
		if (res->hung >= SCAN_HUNG_MAX || res->out_of_time ||
		    ((nr = report_luns(a, res, buf, t, luns, &hung)) < 0 &&
		     res->out_of_time)) {
			res->skipped_from = t;
			res->targets_skipped = max_targets - t;
			break;
		}
		for (int i = 0; i < nr; i++) {
			struct scan_lun *l;

			if (res->nr_luns == ARRAY_SIZE(res->lun)) {
				/* no room: not probed, kept by scan_merge() */
				if (!res->overflow)
					res->overflow_from = t;
				res->overflow++;
				continue;
			}
			l = &res->lun[res->nr_luns];
			memset(l, 0, sizeof(*l));
			l->target = t;
			l->lun = luns[i];
			l->type = SCAN_TYPE_NONE;
			if (hung) {
				l->error = ERR_HUNG;
				l->unresponsive = true;
			} else if (res->hung >= SCAN_HUNG_MAX) {
				l->error = ERR_NOT_PROBED;	/* listed, not lost */
				l->not_probed = true;
			} else if (res->out_of_time) {
				l->error = ERR_LATE;
				l->not_probed = true;
			} else if (!probe_lun(a, res, buf, l)) {
				continue;
			}
			if (res->stopped)
				break;
			res->nr_luns++;
		}
	}
	return res->stopped ? VMK_BUSY : VMK_OK;
}

static struct scan_lun *find(struct scan_result *r, uint32_t target, uint32_t lun)
{
	for (unsigned int i = 0; i < r->nr_luns; i++)
		if (r->lun[i].target == target && r->lun[i].lun == lun)
			return &r->lun[i];
	return NULL;
}

/*
 * Whether the listed l and the fresh f are one disk: their identities
 * the same, or one of them not read (an error before its pages: the
 * address alone says, as before identities were read).
 */
static bool same_disk(const struct scan_lun *l, const struct scan_lun *f)
{
	return !l->id_read || !f->id_read || scan_same_id(&l->id, &f->id);
}

/*
 * The entry of cur the fresh f is, or NULL: a different disk. Of those
 * at its address that are the same disk, one whose identity was read
 * before one taken by address alone, then a listed one before a gone one.
 */
static struct scan_lun *match(struct scan_result *cur, const struct scan_lun *f)
{
	struct scan_lun *m = NULL;
	int best = -1;

	for (unsigned int i = 0; i < cur->nr_luns; i++) {
		struct scan_lun *l = &cur->lun[i];
		int rank;

		if (l->target != f->target || l->lun != f->lun || !same_disk(l, f))
			continue;
		rank = (l->id_read && f->id_read) * 2 + !l->gone;
		if (rank > best) {
			m = l;
			best = rank;
		}
	}
	return m;
}

void scan_merge(struct scan_result *cur, const struct scan_result *fresh,
		bool (*in_use)(void *ctx, uint32_t target, uint32_t lun),
		void *ctx, struct scan_changes *ch)
{
	bool is_fresh[ARRAY_SIZE(cur->lun)] = { false };
	bool listed[ARRAY_SIZE(fresh->lun)] = { false };
	unsigned int i, n = 0;

	memset(ch, 0, sizeof(*ch));
	/* which listed LUN each probed fresh one is, before any changes */
	for (i = 0; i < fresh->nr_luns; i++) {
		const struct scan_lun *f = &fresh->lun[i];
		struct scan_lun *m = f->not_probed ? find(cur, f->target, f->lun) :
				     match(cur, f);

		if (m) {
			is_fresh[m - cur->lun] = !f->not_probed;
			listed[i] = true;
		}
	}
	/* listed LUNs: refreshed, marked gone, or dropped */
	for (i = 0; i < cur->nr_luns; i++) {
		struct scan_lun *l = &cur->lun[i];
		const struct scan_lun *f = find((struct scan_result *)fresh,
						l->target, l->lun);

		l->just_gone = l->replaced = false;
		if (f && is_fresh[i]) {
			struct scan_id id = l->id;
			bool id_read = l->id_read;

			if (l->gone)
				ch->added++;	/* back */
			else if (!f->error && !l->error &&
				 (f->nr_blocks != l->nr_blocks ||
				  f->block_size != l->block_size))
				ch->changed++;
			*l = *f;
			if (!f->id_read && id_read) {	/* an error before it: kept */
				l->id = id;
				l->id_read = true;
			}
		} else if (f && !f->not_probed && !l->gone) {
			/* a different disk answers there: appended below */
			l->gone = l->just_gone = l->replaced = true;
			l->error = ERR_REPLACED;
			ch->gone++;
			ch->replaced++;
		} else if (f && !f->not_probed) {
			/* gone before, another disk there now: the gone rule */
			if (!in_use(ctx, l->target, l->lun)) {
				ch->removed++;
				continue;
			}
		} else if (f || (fresh->targets_skipped &&
				 l->target >= fresh->skipped_from) ||
			   (fresh->overflow && l->target >= fresh->overflow_from)) {
			/* not looked at: as it was */
		} else if (!l->gone) {
			l->gone = l->just_gone = true;
			l->error = ERR_GONE;
			ch->gone++;
		} else if (!in_use(ctx, l->target, l->lun)) {
			ch->removed++;
			continue;
		}
		cur->lun[n++] = *l;
	}
	cur->nr_luns = n;
	/* new LUNs, and different disks at known addresses */
	for (i = 0; i < fresh->nr_luns; i++) {
		const struct scan_lun *f = &fresh->lun[i];

		if (listed[i])
			continue;
		if (cur->nr_luns == ARRAY_SIZE(cur->lun)) {
			ch->dropped++;
			continue;
		}
		cur->lun[cur->nr_luns++] = *f;
		ch->added++;
	}
}
