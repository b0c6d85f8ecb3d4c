// SPDX-License-Identifier: GPL-2.0-only
/*
 * A SCSI direct-access block device (SBC-3) over an abstract block
 * backend: the target side of a virtual HBA. The HBA model (vmm/dev/
 * pvscsi.c) turns a guest request into a struct scsi_cmd and submits it;
 * the disk decodes the CDB, checks every field (the guest is hostile),
 * answers the commands it emulates itself (INQUIRY, READ CAPACITY, MODE
 * SENSE, ...) and sends media access to the backend. The command ends
 * with cmd->done(cmd), at once or later: the backend may complete after
 * the submit returned (the vmkernel's storage stack completes
 * asynchronously; a vCPU never waits for a disk).
 *
 * Data moves only through the initiator's buffer callbacks (struct
 * scsi_buf): the disk and the backend never see guest addresses. A
 * backend moves a read's or a write's data with scsi_cmd_put()/get(),
 * which bound every access by the transfer and the buffer.
 *
 * Errors follow SPC-4: CHECK CONDITION with fixed-format sense data
 * (SPC-4 §4.5.3; D_SENSE is 0 in the control mode page). A READ or
 * WRITE that a backend stopped part way (scsi_backend_stop()) names its
 * first failed block in INFORMATION with VALID set (not a FUA WRITE:
 * the blocks below were never flushed), when it fits the
 * field's 32 bits; otherwise VALID is clear and the initiator learns
 * nothing of where it failed (no descriptor format). Conditions below
 * the SCSI layer (the initiator's buffer is too small or not reachable,
 * its direction contradicts the command) are the transport's (struct
 * scsi_cmd.result): the HBA reports them in its own terms and nothing
 * reached the medium for an overrun.
 *
 * No globals, no allocation; not thread-safe (the caller serialises one
 * disk's calls, as for the device models).
 */
#ifndef VMM_SCSI_DISK_H
#define VMM_SCSI_DISK_H

#include "vmm/platform.h"

#define SCSI_BLOCK_SIZE		512u	/* logical block length of every disk */
#define SCSI_CDB_MAX		16
#define SCSI_SENSE_LEN		18	/* fixed format with 10 additional bytes */
#define SCSI_SERIAL_LEN		20	/* unit serial number VPD page, ASCII */
/* Block limits (VPD page B0h) the disk announces and enforces. */
#define SCSI_MAX_XFER_BLOCKS	8192u	/* 4 MiB per READ/WRITE */
#define SCSI_MAX_UNMAP_DESCS	16u
#define SCSI_MAX_UNMAP_BLOCKS	0x400000u	/* 2 GiB per UNMAP */

/* SAM-5 §5.3 status codes. */
#define SCSI_STATUS_GOOD		0x00
#define SCSI_STATUS_CHECK_CONDITION	0x02

/* SPC-4 §4.5.6 sense keys. */
#define SCSI_SENSE_NO_SENSE		0x0
#define SCSI_SENSE_NOT_READY		0x2
#define SCSI_SENSE_MEDIUM_ERROR		0x3
#define SCSI_SENSE_ILLEGAL_REQUEST	0x5
#define SCSI_SENSE_UNIT_ATTENTION	0x6
#define SCSI_SENSE_DATA_PROTECT		0x7

/* The data phase the initiator announced. */
enum scsi_dir {
	SCSI_DIR_UNKNOWN = 0,	/* the initiator did not say: the CDB decides */
	SCSI_DIR_NONE,		/* no data phase */
	SCSI_DIR_TO_INITIATOR,	/* data in: READ, INQUIRY, ... */
	SCSI_DIR_TO_TARGET,	/* data out: WRITE, UNMAP */
};

/* How the transport part of a command ended (SCSI status aside). */
enum scsi_result {
	SCSI_RESULT_OK = 0,	/* status and sense say how the command went */
	SCSI_RESULT_OVERRUN,	/* the transfer exceeds the initiator's buffer; not executed */
	SCSI_RESULT_DIRECTION,	/* the initiator's direction contradicts the CDB; not executed */
	SCSI_RESULT_BAD_BUFFER,	/* the initiator's buffer was not reachable (a DMA fault) */
};

/*
 * The initiator's data buffer as the HBA describes it (a guest SG list).
 * put/get copy len bytes at byte offset off of the buffer; false: that
 * part of the buffer cannot be reached. off + len <= len of the buffer is
 * checked before they are called.
 */
struct scsi_buf {
	uint64_t len;
	bool (*put)(void *ctx, uint64_t off, const void *src, uint32_t len);
	bool (*get)(void *ctx, uint64_t off, void *dst, uint32_t len);
	void *ctx;
	/*
	 * Where byte off of the buffer lies: *addr its guest-physical
	 * address, *len the bytes contiguous from there (to the end of its
	 * range); false: no more DMA for it (an abort). NULL: the HBA does
	 * not say (the backend copies).
	 */
	bool (*where)(void *ctx, uint64_t off, uint64_t *addr, uint64_t *len);
};

/* Private progress of a command inside the disk. */
enum scsi_step {
	SCSI_STEP_IDLE = 0,
	SCSI_STEP_READ,
	SCSI_STEP_WRITE,
	SCSI_STEP_WRITE_FUA,	/* a write, then a flush (FUA) */
	SCSI_STEP_FLUSH,
	SCSI_STEP_UNMAP,
	SCSI_STEP_DONE,
};

struct scsi_disk;

struct scsi_cmd {
	/* Set by the HBA before scsi_disk_submit(). */
	uint8_t cdb[SCSI_CDB_MAX];
	uint8_t cdb_len;		/* bytes of cdb the initiator gave */
	uint32_t lun;			/* flat LUN; only LUN 0 exists */
	enum scsi_dir dir;
	struct scsi_buf buf;
	void (*done)(struct scsi_cmd *cmd);

	/* Set by the disk before done(). */
	enum scsi_result result;
	uint8_t status;
	uint8_t sense_len;		/* 0, or SCSI_SENSE_LEN with CHECK CONDITION */
	uint8_t sense[SCSI_SENSE_LEN];
	uint64_t xfer_len;		/* bytes the initiator is told moved (scsi_backend_stop() may lower it) */

	/* Private to the disk and its backend. */
	struct scsi_disk *disk;
	enum scsi_step step;
	bool buf_fault;
	uint64_t xfer_max;		/* bytes the backend may move */
	uint64_t lba;			/* a READ's or WRITE's first block */
	bool info_valid;		/* a stop named a block: info */
	uint64_t info;			/* the sense's INFORMATION, when it fits */
	unsigned int unmap_next, unmap_count;
	struct {
		uint64_t lba;
		uint32_t nr;
	} unmap[SCSI_MAX_UNMAP_DESCS];
};

/* How a backend request ended. */
enum scsi_backend_status {
	SCSI_BACKEND_OK = 0,
	SCSI_BACKEND_IO_ERROR,		/* the medium failed: MEDIUM ERROR */
	SCSI_BACKEND_NO_SPACE,		/* a thin disk could not allocate */
	SCSI_BACKEND_UNRESPONSIVE,	/* the device behind does not answer: NOT READY */
};

/*
 * The storage behind a disk (a vmkfs virtual disk, a RAM disk in tests).
 * Each call starts one request and ends it with scsi_backend_done(), from
 * inside the call or later; one command has at most one request
 * outstanding. read moves its data with scsi_cmd_put() at buffer offset
 * 0 onwards, write with scsi_cmd_get(); when they return false the
 * backend stops and completes (the disk reports the buffer fault).
 * flush makes written data durable; unmap (thin disks; may be NULL)
 * releases blocks, which then read as zeros.
 */
struct scsi_backend_ops {
	void (*read)(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr);
	void (*write)(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr);
	void (*flush)(void *ctx, struct scsi_cmd *cmd);
	void (*unmap)(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr);
};

struct scsi_backend {
	const struct scsi_backend_ops *ops;
	void *ctx;
	uint64_t nr_blocks;	/* capacity in SCSI_BLOCK_SIZE blocks */
	bool thin;		/* logical block provisioning: UNMAP, reads of zeros */
	bool read_only;
};

struct scsi_disk {
	const struct scsi_backend_ops *ops;
	void *ctx;
	uint64_t nr_blocks;
	bool thin, read_only;
	uint8_t serial[SCSI_SERIAL_LEN];	/* space padded */
	uint64_t id;				/* low 64 bits of the NAA name */
	/* unit attention to report (SPC-4 §5.14); asc 0: none */
	uint8_t ua_asc, ua_ascq;
};

/*
 * A disk over be: serial (at most 20 printable ASCII characters, others
 * become '_') and id name the unit to the guest (VPD pages 80h and 83h).
 * A thin backend without an unmap operation does not offer UNMAP.
 */
void scsi_disk_init(struct scsi_disk *disk, const struct scsi_backend *be,
		    const char *serial, uint64_t id);

/* Execute cmd; cmd->done(cmd) is called once, maybe before this returns. */
void scsi_disk_submit(struct scsi_disk *disk, struct scsi_cmd *cmd);

/*
 * A bus or device reset reached the disk: the next command (but INQUIRY,
 * REPORT LUNS and REQUEST SENSE) gets UNIT ATTENTION, BUS DEVICE RESET
 * FUNCTION OCCURRED (29h/03h). Commands at the backend still complete.
 */
void scsi_disk_reset(struct scsi_disk *disk);

/* For backends: end the current request of cmd. */
void scsi_backend_done(struct scsi_cmd *cmd, enum scsi_backend_status st);

/*
 * For backends: copy len bytes to (put) or from (get) the initiator's
 * buffer at byte offset off of the transfer. false: outside the transfer
 * or the buffer not reachable; stop and complete the request.
 */
bool scsi_cmd_put(struct scsi_cmd *cmd, uint64_t off, const void *src,
		  uint32_t len);
bool scsi_cmd_get(struct scsi_cmd *cmd, uint64_t off, void *dst, uint32_t len);
/*
 * For backends whose device moves the data itself (DMA into the
 * initiator's own memory): where byte off of the transfer lies in the
 * initiator's buffer (scsi_buf.where), *len the bytes contiguous from
 * there, at most max. false: outside the transfer, a fault already, or
 * the HBA does not say; copy with scsi_cmd_put()/get() instead.
 */
bool scsi_cmd_where(struct scsi_cmd *cmd, uint64_t off, uint32_t max,
		    uint64_t *addr, uint32_t *len);
/*
 * The device moved len bytes at off of the transfer itself (ranges
 * from scsi_cmd_where()): they count as moved, as a put's or a get's.
 */
bool scsi_cmd_moved(struct scsi_cmd *cmd, uint64_t off, uint32_t len);
/*
 * For backends that move a READ or WRITE in pieces: end its request
 * with st, stopped at byte off of the transfer, the lowest byte that
 * failed or was not done (st SCSI_BACKEND_OK: a fault in the
 * initiator's buffer). The transfer reported (xfer_len, the initiator's
 * residual) ends there at most, so it never counts a failed piece's
 * bytes, though a write fetched them. Every byte below off must have
 * moved (a read's into the buffer, a write's onto the medium): a
 * failure's sense data names the block where the transfer reported now
 * ends (INFORMATION), and Linux's sd completes the blocks below it as
 * good. That end is off, or less if less moved, taken down to a block.
 */
void scsi_backend_stop(struct scsi_cmd *cmd, enum scsi_backend_status st,
		       uint64_t off);

/*
 * For backends that move data through a buffer of their own (a bounce
 * buffer of vmkernel memory): a read or write of nr blocks at lba in
 * pieces of at most buf_blocks. piece(ctx, write, lba, n) moves n blocks
 * between the medium and buf; the bytes between buf and the initiator's
 * buffer move only with scsi_cmd_put()/get(), a write's before its
 * piece, a read's after. Ends the request with the first failed piece's
 * status, else OK (a fault in the initiator's buffer stops there and the
 * disk reports it), the transfer cut where the failed piece starts
 * (scsi_backend_stop()). *blocks counts the blocks moved: a write's
 * pieces that reached the medium, a read's that reached the buffer.
 */
typedef enum scsi_backend_status (*scsi_piece_fn)(void *ctx, bool write,
						   uint64_t lba, uint32_t n);
void scsi_backend_bounce(struct scsi_cmd *cmd, bool write, uint64_t lba,
			 uint32_t nr, uint8_t *buf, uint32_t buf_blocks,
			 scsi_piece_fn piece, void *ctx, uint64_t *blocks);

#endif /* VMM_SCSI_DISK_H */
