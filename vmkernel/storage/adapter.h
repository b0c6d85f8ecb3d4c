/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between the vmkernel's storage stack and the drivers of
 * physical SCSI host bus adapters (docs/storage.md). A driver fills a
 * struct storage_adapter; the stack queues commands by target, LUN and
 * CDB with the data as physical ranges, and gets each back once through
 * cmd->done() with the host status, the SCSI status, the sense data and
 * the residual. The driver bounds its queue (VMK_BUSY when full), times
 * commands out itself (abort, then bus reset) and never calls done()
 * twice or for a command it did not take.
 *
 * Not thread-safe: the caller serialises calls on one adapter (poll from
 * the interrupt handler and tick from a timer take the same lock).
 */
#ifndef VMKERNEL_STORAGE_ADAPTER_H
#define VMKERNEL_STORAGE_ADAPTER_H

#include "vmkernel/platform.h"

#define STORAGE_CDB_MAX		16
#define STORAGE_SENSE_MAX	96	/* Linux's SCSI_SENSE_BUFFERSIZE */
#define STORAGE_SG_MAX		128	/* ranges per command */

/* A physical range of a command's data buffer. */
struct storage_sg {
	uint64_t addr;
	uint32_t len;
};

enum storage_dir {
	STORAGE_DIR_NONE,		/* no data phase */
	STORAGE_DIR_READ,		/* device to memory */
	STORAGE_DIR_WRITE,		/* memory to device */
};

/* How the transport part of a command ended (the SCSI status aside). */
enum storage_host {
	STORAGE_HOST_OK = 0,		/* status and sense say how it went */
	STORAGE_HOST_NO_TARGET,		/* selection timeout: no such target */
	STORAGE_HOST_TIMEOUT,		/* no answer in time: aborted or reset */
	STORAGE_HOST_RESET,		/* lost to a bus reset for another command */
	STORAGE_HOST_ABORTED,		/* aborted on request (storage_adapter_ops.abort) */
	STORAGE_HOST_ERROR,		/* the adapter refused it or answered nonsense */
};

struct storage_cmd {
	/* Set by the caller before queue(). */
	uint32_t target;
	uint32_t lun;
	uint8_t cdb[STORAGE_CDB_MAX];
	uint8_t cdb_len;
	enum storage_dir dir;
	unsigned int nr_sg;
	struct storage_sg sg[STORAGE_SG_MAX];
	uint32_t timeout_ms;		/* 0: the adapter's default */
	void (*done)(struct storage_cmd *cmd);
	void *priv;

	/* Set by the adapter before done(). */
	enum storage_host host;
	uint8_t status;			/* SAM-5 §5.3 status byte */
	uint8_t sense_len;		/* valid bytes of sense */
	uint8_t sense[STORAGE_SENSE_MAX];
	uint64_t residual;		/* bytes of the buffer not transferred */
};

struct storage_adapter_ops {
	/* VMK_OK: done() will follow; VMK_BUSY: queue full; else refused. */
	int (*queue)(void *hba, struct storage_cmd *cmd);
	/* Ask the device to end cmd (it ends with STORAGE_HOST_ABORTED). */
	int (*abort)(void *hba, struct storage_cmd *cmd);
	/* Reset the bus: every command in flight ends, the LUNs see a UNIT ATTENTION. */
	int (*reset_bus)(void *hba);
	/* The interrupt entry: true if the adapter raised it (completions handled). */
	bool (*interrupt)(void *hba);
	/* Take completions without an interrupt (polled mode, scans at boot). */
	void (*poll)(void *hba);
	/* Called now and then: commands past their deadline are aborted or reset. */
	void (*tick)(void *hba);
	/* The clock tick() times commands by, in ms (a scan's deadline). */
	uint64_t (*now_ms)(void *hba);
};

struct storage_adapter {
	const char *name;		/* "pvscsi" */
	const struct storage_adapter_ops *ops;
	void *hba;
	uint32_t max_targets;
	uint32_t queue_depth;		/* commands in flight at most */
};

#endif /* VMKERNEL_STORAGE_ADAPTER_H */
