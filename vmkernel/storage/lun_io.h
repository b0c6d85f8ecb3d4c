/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Commands to a LUN polled to their end, and what the storage stack
 * remembers of a LUN or an adapter that stopped answering
 * (docs/storage.md "A hung disk").
 *
 * A command that ends as STORAGE_HOST_TIMEOUT marks its LUN unresponsive.
 * The driver ended it through its ladder (abort, bus reset, adapter
 * reset), so the device no longer owns its buffer. Commands to an
 * unresponsive LUN are not sent: they end at once as LUN_IO_UNRESPONSIVE.
 * The first command after a back-off (LUN_BACKOFF_MIN_MS, doubled after
 * each failed probe up to LUN_BACKOFF_MAX_MS) is the probe: it is sent
 * with its deadline cut to LUN_PROBE_TIMEOUT_MS. Any end but a timeout is
 * an answer and makes the LUN usable again; a timeout keeps it marked and
 * doubles the back-off. Not a TEST UNIT READY: disk models (vmk's, QEMU's
 * scsi-disk) answer that without touching the medium, and so may a disk
 * whose firmware runs while its reads hang.
 *
 * A UNIT ATTENTION (left at every LUN by the bus and adapter resets that
 * end a hung command) is absorbed: the command is sent again, up to
 * SCAN_UA_RETRIES times, within the command's one deadline.
 *
 * An adapter that refuses commands (queue() says VMK_HW_FAILURE: the
 * driver saw it fail) is handled the same way: commands end at once as
 * LUN_IO_REFUSED, and after its back-off one reset_bus() (a failed PVSCSI
 * adapter is reset and its rings set up again) is tried before the next.
 *
 * Each call runs to its end, so the caller's lock that serialises the
 * adapter is held for at most one command's timeout ladder (a probe's
 * is shorter); a marked LUN costs nothing until its back-off ends.
 * No globals, no allocation; host-tested against the PVSCSI
 * model (tests/unit/storage/test_lun_io.c).
 */
#ifndef VMKERNEL_STORAGE_LUN_IO_H
#define VMKERNEL_STORAGE_LUN_IO_H

#include "vmkernel/storage/adapter.h"

#define LUN_IO_MAX		32	/* LUNs marked at once (a scan finds 32) */
/*
 * The deadline of a VM's or the COS's command (storage.c). Its caller
 * polls with interrupts off and locks held: with the driver's abort and
 * bus reset steps, the first command to a hung LUN holds them at most
 * LUN_IO_HOLD_MAX_MS, under the 20 s after which Linux reports a soft
 * lockup of a COS CPU stuck in a hypercall, and under a guest's 30 s SCSI
 * timeout. A command of at most 512 KiB (a VM's direct piece,
 * PIECE_DIRECT_BYTES) that a working disk has not ended in 10 s will
 * not end.
 */
#define LUN_IO_TIMEOUT_MS	10000
#define LUN_IO_HOLD_MAX_MS	15000
#define LUN_PROBE_TIMEOUT_MS	2000	/* a marked LUN's next command's deadline */
#define LUN_UA_RETRY_MIN_MS	500	/* left of the deadline for a UNIT ATTENTION retry */
#define LUN_BACKOFF_MIN_MS	10000	/* from a mark to the first probe */
#define LUN_BACKOFF_MAX_MS	320000	/* between probes, at most */

/* A LUN, or the adapter, that stopped answering. */
struct lun_io_down {
	bool used;
	uint32_t target, lun;
	uint8_t opcode;			/* the command that timed out */
	uint64_t since;			/* ms: when it was marked */
	uint64_t retry_at;		/* ms: the next probe, not before */
	uint32_t backoff_ms;
	uint64_t probes_failed;
	uint64_t fast_failed;		/* commands ended without being sent */
};

/* What a lun_io_run() changed that is worth a log line. */
enum lun_io_event {
	LUN_EV_NONE = 0,
	LUN_EV_UNRESPONSIVE,		/* a LUN was marked: always worth a line */
	LUN_EV_PROBE_FAILED,		/* still silent: down->probes_failed says how often */
	LUN_EV_RESPONSIVE,		/* a probe was answered: usable again */
	LUN_EV_ADAPTER_DOWN,		/* the adapter refused a command */
	LUN_EV_ADAPTER_RESET_FAILED,	/* the adapter's reset did not revive it */
	LUN_EV_ADAPTER_UP,		/* its reset revived it */
};

enum lun_io_result {
	LUN_IO_ENDED = 0,		/* sent and ended: host, status and sense say how */
	LUN_IO_UNRESPONSIVE,		/* not sent: the LUN is marked */
	LUN_IO_REFUSED,			/* not sent: the adapter refused it */
};

struct lun_io {
	struct storage_adapter *adapter;
	uint64_t (*now_ms)(void *ctx);
	void *clock_ctx;
	struct lun_io_down lun[LUN_IO_MAX];
	struct lun_io_down adapter_down;	/* target and lun unused */
	volatile bool done;
	/* the last call's event, and the LUN (or adapter) it is about */
	enum lun_io_event event;
	struct lun_io_down event_down;	/* a copy: the entry may be gone */
	uint64_t timeouts;		/* commands that marked a LUN */
	uint64_t fast_failed;		/* commands ended without being sent */
	uint64_t ua_retries;		/* UNIT ATTENTIONs absorbed */
};

void lun_io_init(struct lun_io *io, struct storage_adapter *a,
		 uint64_t (*now_ms)(void *ctx), void *clock_ctx);

/*
 * cmd (target, lun, CDB, data, timeout set; done and priv are taken over)
 * to its end. LUN_IO_ENDED: it was sent, and cmd's host, status, sense
 * and residual say how it ended (STORAGE_HOST_TIMEOUT: the LUN is marked,
 * or stays marked). Otherwise nothing reached the device and cmd->host
 * is STORAGE_HOST_TIMEOUT (LUN_IO_UNRESPONSIVE) or STORAGE_HOST_ERROR
 * (LUN_IO_REFUSED).
 */
enum lun_io_result lun_io_run(struct lun_io *io, struct storage_cmd *cmd);

/* The mark of target:lun, or NULL while it answers. */
const struct lun_io_down *lun_io_find(const struct lun_io *io, uint32_t target,
				      uint32_t lun);

/* The adapter's mark, or NULL while it takes commands. */
const struct lun_io_down *lun_io_adapter_down(const struct lun_io *io);

/* A power of two: an event worth its log line (1st, 2nd, 4th... failure). */
bool lun_io_worth_logging(uint64_t n);

#endif /* VMKERNEL_STORAGE_LUN_IO_H */
