/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LUN discovery over any adapter (adapter.h): per target REPORT LUNS
 * (LUN 0 alone when the target refuses it), then per LUN INQUIRY, TEST
 * UNIT READY and, for a disk, READ CAPACITY(16) or (10) when (16) is
 * refused. Before TEST UNIT READY, the LUN's identity: INQUIRY VPD page
 * 83h, or 80h when 83h names none (scan_parse_vpd83/80()). A UNIT ATTENTION is retried a bounded number of times; NOT
 * READY, MEDIUM ERROR and ILLEGAL REQUEST end the LUN's scan with a
 * sentence. Every byte the device returns is checked before use.
 *
 * Synchronous: each command is polled to its end (the adapter's tick
 * times it out), for the scan at adapter start and `rescan`, whose
 * waits for its lock between commands end by the scan's deadline
 * (scan_yield_lock()).
 *
 * Bounded: each command gets SCAN_CMD_TIMEOUT_MS, after which the
 * adapter's ladder (abort, bus reset, adapter reset) ends it. A LUN
 * whose command timed out is listed unresponsive and gets no more
 * commands (a target whose REPORT LUNS timed out: its LUN 0). After
 * SCAN_HUNG_MAX timed-out commands the targets not yet scanned are
 * skipped and counted, so hung LUNs cost the scan at most SCAN_HUNG_MAX
 * ladders.
 *
 * And the whole scan has one deadline, SCAN_TOTAL_MS from its start on
 * the adapter's clock: each command gets the lesser of its own and what
 * is left, so a target that answers every command just in time, or with
 * UNIT ATTENTION every time, cannot make the scan's caller wait longer.
 * Once it passes no command is sent: the LUN being probed and the LUNs
 * its target listed are kept, marked not_probed, the targets after it
 * skipped and counted (out_of_time). A command cut short by the deadline
 * that times out says nothing of its LUN: not_probed, not unresponsive.
 *
 * The LUN list (lun[]) is bounded too: LUNs a REPORT LUNS names once it
 * is full are not probed, only counted (overflow), and a rescan's merge
 * keeps what it knew of them.
 */
#ifndef VMKERNEL_STORAGE_SCAN_H
#define VMKERNEL_STORAGE_SCAN_H

#include "vmkernel/storage/adapter.h"

#define SCAN_LUNS_PER_TARGET	8	/* REPORT LUNS entries taken per target */
#define SCAN_UA_RETRIES		3	/* UNIT ATTENTIONs absorbed per command */
#define SCAN_BUF_MIN		4096	/* bytes of the caller's DMA buffer */
/*
 * A scan command's deadline: a disk answers INQUIRY, TEST UNIT READY,
 * READ CAPACITY and REPORT LUNS from its controller, without a seek.
 */
#define SCAN_CMD_TIMEOUT_MS	4000
#define SCAN_HUNG_MAX		2	/* timed-out commands a scan waits for */
/*
 * A scan's deadline. A COS CPU waits in the rescan hypercall: the last
 * command, cut at the deadline, may still take its driver's ladder tail
 * (abort, bus reset: storage.c) and the whole must stay under Linux's
 * 20 s soft lockup report. A scan visits every target (an absent one
 * answers at once) and sends up to 208 commands (16 targets, 32 LUNs of
 * 6: INQUIRY, VPD 83h and 80h, TEST UNIT READY, READ CAPACITY 16 and
 * 10): 12 s leaves each 57 ms, far more than a controller takes to
 * answer from its memory.
 */
#define SCAN_TOTAL_MS		12000
/* No command, nor retry, is sent with less of SCAN_TOTAL_MS left. */
#define SCAN_MIN_CMD_MS		500
/* From a scan's start, the last moment it sends a command. */
#define SCAN_SEND_BY_MS		(SCAN_TOTAL_MS - SCAN_MIN_CMD_MS)

/* SPC-4 §6.4.2 peripheral device types the stack cares about. */
#define SCAN_TYPE_DISK		0x00
#define SCAN_TYPE_NONE		0x1f

/*
 * A LUN's identity, read once at discovery (SPC-4 §7.8.6, §7.8.17): the
 * first NAA designator of VPD page 83h whose association is the logical
 * unit, else its first EUI-64 one, else the unit serial number of page
 * 80h (blanks around it cut, its first SCAN_ID_MAX bytes), else none.
 */
#define SCAN_ID_MAX		64
/* scan_format_id()'s text: "serial '" + 64 characters + "'" and NUL */
#define SCAN_ID_TEXT_LEN	(8 + SCAN_ID_MAX + 2)

enum scan_id_kind {
	SCAN_ID_NONE = 0,		/* the LUN names itself by no page we read */
	SCAN_ID_NAA,
	SCAN_ID_EUI64,
	SCAN_ID_SERIAL,
};

struct scan_id {
	uint8_t kind;			/* enum scan_id_kind */
	uint8_t len;			/* bytes of b[] used */
	uint8_t b[SCAN_ID_MAX];		/* the designator or serial, as sent */
};

/* A DMA-able buffer the scan reads device data into. */
struct scan_buf {
	uint8_t *virt;
	uint64_t phys;
	uint32_t len;		/* at least SCAN_BUF_MIN */
};

/* Sense data reduced to what decisions need (SPC-4 §4.5). */
struct scan_sense {
	uint8_t key, asc, ascq;
};

struct scan_lun {
	uint32_t target, lun;
	uint8_t type;			/* peripheral device type */
	char vendor[9], product[17];	/* printable ASCII, trailing blanks cut */
	uint64_t nr_blocks;		/* 0: unknown (not a disk, or an error) */
	uint32_t block_size;
	struct scan_id id;		/* with id_read: which disk this is */
	bool id_read;			/* the identity pages were asked (none is an answer) */
	const char *error;		/* why the LUN is not usable, or NULL */
	struct scan_sense sense;	/* with error: what the device said */
	bool unresponsive;		/* a command timed out (error says so) */
	bool not_probed;		/* listed, not (fully) probed: error says why */
	bool gone;			/* not found by the last rescan (scan_merge) */
	bool just_gone;			/* marked gone by the last scan_merge() */
	bool replaced;			/* with just_gone: a different disk is there now */
};

/*
 * Called before each command of a scan, with by, the last moment (ms on
 * the adapter's clock) that it may still send one; false: stop it.
 */
typedef bool (*scan_yield_fn)(void *ctx, uint64_t by);

/*
 * The caller's lock, for scan_yield_lock(): let go of before each
 * command, so that whoever waits for it goes first, and taken again with
 * gated_lock_in_turn_by() by the scan's last moment to send: after the
 * VM I/O queued when it let go, before any that queued later.
 */
struct scan_lock {
	struct gated_lock *lock;
	uint64_t (*now_ms)(void *ctx);	/* the adapter's clock */
	void *clock_ctx;
	const bool *stop;		/* read with lock held: true stops the scan */
	bool lost;			/* out: lock not had by then: not held */
};

/*
 * A scan_yield_fn, ctx a struct scan_lock. false: stop, with the lock
 * held, or without it (lost) when its holders kept it until by.
 */
bool scan_yield_lock(void *ctx, uint64_t by);

struct scan_result {
	unsigned int nr_luns;
	unsigned int ua_retries;	/* UNIT ATTENTIONs absorbed */
	unsigned int report_luns_refused;	/* targets scanned as LUN 0 alone */
	unsigned int bad_replies;	/* device data refused as malformed */
	unsigned int hung;		/* commands that timed out */
	uint32_t skipped_from;		/* SCAN_HUNG_MAX or SCAN_TOTAL_MS reached: */
	uint32_t targets_skipped;	/* targets from this one on were not scanned */
	bool out_of_time;		/* SCAN_TOTAL_MS passed before the scan's end */
	unsigned int overflow;		/* LUNs listed with lun[] full: not probed */
	uint32_t overflow_from;		/* overflow: the target of the first */
	struct scan_lun lun[SCAN_LUNS_PER_TARGET * 4];
	/* private: the command in flight and whether it ended; the caller's hook */
	struct storage_cmd cmd;
	bool done;
	bool stopped;
	uint64_t deadline;		/* ms on the adapter's clock */
	scan_yield_fn yield;
	void *yield_ctx;
};

/*
 * The identity in a VPD page 83h (Device Identification) or 80h (Unit
 * Serial Number) reply of xfer bytes, hostile device data: read only
 * within xfer and the page length it states, each designator within
 * both. false: malformed (not that page, shorter than its header);
 * otherwise *id is what it names, SCAN_ID_NONE when nothing usable.
 */
bool scan_parse_vpd83(const uint8_t *p, uint32_t xfer, struct scan_id *id);
bool scan_parse_vpd80(const uint8_t *p, uint32_t xfer, struct scan_id *id);
/* Whether a and b name the same disk (two SCAN_ID_NONE do). */
bool scan_same_id(const struct scan_id *a, const struct scan_id *b);
/* "naa.<hex>", "eui.<hex>", "serial '<printable ASCII>'" or "none". */
void scan_format_id(const struct scan_id *id, char *out, uint32_t len);

/* Decode fixed (70h/71h) or descriptor (72h/73h) sense; false: none usable. */
bool scan_decode_sense(const uint8_t *sense, uint32_t len, struct scan_sense *out);

/*
 * Scan targets 0..adapter->max_targets-1, by start + SCAN_TOTAL_MS (start
 * on the adapter's clock: a caller that waited for its lock first passes
 * when it began to, so that the wait counts). VMK_OK (even when LUNs had
 * errors: see each scan_lun.error), VMK_BAD_PARAM for a buffer too small,
 * VMK_BUSY when yield (may be NULL) stopped it. yield may let go of the
 * caller's adapter lock and take it again: the buffer is read only
 * between a command's end and the next call.
 */
int scan_adapter(struct storage_adapter *a, const struct scan_buf *buf,
		 uint64_t start, scan_yield_fn yield, void *ctx,
		 struct scan_result *res);

/* What scan_merge() changed. */
struct scan_changes {
	unsigned int added;		/* LUNs found that were not listed */
	unsigned int gone;		/* listed LUNs not found: marked gone */
	unsigned int replaced;		/* of gone: a different disk at their address */
	unsigned int changed;		/* capacity or block size changed */
	unsigned int removed;		/* gone before, still gone, not in use: dropped */
	unsigned int dropped;		/* found, but the list was full */
};

/*
 * Merge a fresh scan into the list cur (a rescan). A LUN in both, the
 * same disk (same identity, or either's not read), takes the fresh
 * scan's data (capacity, error, no longer gone; its identity kept when
 * the fresh one was not read); a listed LUN the fresh scan did not find,
 * or found a different disk at its address, is marked gone with an error
 * saying so (replaced: the latter), and dropped at a later merge that
 * still does not find it once in_use(ctx, target, lun) says nobody holds
 * its address; a new LUN, or a different disk, is appended. So an address
 * may have one listed LUN and gone ones beside it.
 * A LUN on a target the fresh scan skipped, or that it listed but did
 * not probe (not_probed), is left as it was; so is a LUN it did not find
 * on a target from overflow_from on once its list was full (listed
 * there, maybe, but not probed: no room). fresh
 * must be a scan that ran to its end (VMK_OK).
 * The other fields of cur (counters) are left alone.
 */
void scan_merge(struct scan_result *cur, const struct scan_result *fresh,
		bool (*in_use)(void *ctx, uint32_t target, uint32_t lun),
		void *ctx, struct scan_changes *ch);

#endif /* VMKERNEL_STORAGE_SCAN_H */
