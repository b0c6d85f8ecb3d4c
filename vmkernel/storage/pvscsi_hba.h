/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's driver for a physical VMware PVSCSI HBA (the lab's QEMU
 * -device pvscsi), set up the way Linux's vmw_pvscsi does: ADAPTER_RESET,
 * SETUP_RINGS with a rings state page, one request and one completion
 * ring page, completions unmasked (CMPL_0/1). Requests are kicked through
 * KICK_RW_IO (READ/WRITE) or KICK_NON_RW_IO (the rest). The register
 * layout and descriptors are those vmm/dev/pvscsi.h names for the model.
 *
 * The device is not trusted: ring indices, completion context ids, data
 * and sense lengths are checked before use; a completion that names no
 * command in flight is dropped and counted, an index out of step with
 * the ring stops the adapter (pvscsi_hba_error() says why) until it is
 * reset: by reset_bus(), or by the next tick while commands are in flight
 * (they end as STORAGE_HOST_RESET).
 *
 * Everything outside the driver comes from the caller through struct
 * pvscsi_hba_ops (MMIO, pages with their physical address, the time), so
 * the same file runs in the vmkernel and in host tests against the model.
 */
#ifndef VMKERNEL_STORAGE_PVSCSI_HBA_H
#define VMKERNEL_STORAGE_PVSCSI_HBA_H

#include "vmkernel/storage/adapter.h"

#define PVH_QUEUE_DEPTH		16	/* request contexts: commands in flight (<= 32) */
#define PVH_TIMEOUT_MS		30000	/* a command's default deadline */
/*
 * For ABORT_CMD to end it (FreeBSD's pvscsi(4) PVSCSI_ABORT_TIMEOUT is
 * 2 s too), then as long for RESET_BUS: the caller may be polling with
 * locks held (docs/storage.md "A hung disk").
 */
#define PVH_ABORT_TIMEOUT_MS	2000
#define PVH_MAX_TARGETS		16

struct pvscsi_hba_ops {
	uint32_t (*mmio_read)(void *ctx, uint32_t offset);
	void (*mmio_write)(void *ctx, uint32_t offset, uint32_t val);
	/* nr zeroed, contiguous, DMA-able 4 KiB pages; NULL: none left. */
	void *(*alloc_pages)(void *ctx, unsigned int nr, uint64_t *phys);
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
};

enum pvh_slot_state {
	PVH_SLOT_FREE = 0,
	PVH_SLOT_ACTIVE,		/* in the request ring or at the device */
	PVH_SLOT_ABORTING,		/* past its deadline, ABORT_CMD sent */
	PVH_SLOT_RESETTING,		/* RESET_BUS sent, waiting for its completion */
};

/* A request context: its id on the rings is its index + 1 (0 is never used). */
struct pvh_slot {
	enum pvh_slot_state state;
	bool timed_out;			/* ends as STORAGE_HOST_TIMEOUT */
	struct storage_cmd *cmd;
	uint64_t data_len;		/* bytes the request announced */
	uint64_t deadline;		/* ms: next step of the timeout */
	uint8_t *sgl;			/* one page of SG elements */
	uint64_t sgl_phys;
	uint8_t *sense;			/* STORAGE_SENSE_MAX bytes */
	uint64_t sense_phys;
};

struct pvh_stats {
	uint64_t completions;
	uint64_t bogus_completions;	/* unknown or idle context id: dropped */
	uint64_t timeouts, aborts, bus_resets, adapter_resets;
};

struct pvscsi_hba {
	struct pvscsi_hba_ops ops;
	struct storage_adapter adapter;
	uint8_t *state;			/* struct PVSCSIRingsState */
	uint64_t state_phys;
	uint8_t *req_ring, *cmp_ring;
	uint64_t req_phys, cmp_phys;
	uint32_t req_entries, cmp_entries;
	uint32_t req_prod, cmp_cons;	/* the driver's own indices */
	unsigned int nr_active;
	const char *error;		/* the adapter stopped: why; NULL: running */
	struct pvh_stats stats;
	struct pvh_slot slot[PVH_QUEUE_DEPTH];
};

/*
 * Allocate the rings, reset the device and set the rings up. VMK_OK, or
 * VMK_NO_MEMORY, or VMK_HW_FAILURE (SETUP_RINGS refused: pvscsi_hba_error()).
 */
int pvscsi_hba_init(struct pvscsi_hba *h, const struct pvscsi_hba_ops *ops);

/* Why the adapter stopped taking commands, or NULL. */
const char *pvscsi_hba_error(const struct pvscsi_hba *h);

#endif /* VMKERNEL_STORAGE_PVSCSI_HBA_H */
