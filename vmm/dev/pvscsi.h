// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMware PVSCSI, the paravirtual SCSI HBA that stock Linux drives with
 * vmw_pvscsi (drivers/scsi/vmw_pvscsi.h is the interface: register
 * offsets, commands, the rings state page, request and completion
 * descriptors, SG elements). PCI 15AD:07C0, one 32 KiB memory BAR,
 * INTA# or one MSI vector (vmm/dev/pci_msi.h; no MSI-X, so Linux's
 * pci_alloc_irq_vectors() falls back to MSI), targets
 * 0..PVSCSI_MAX_TARGETS-1 on bus 0, LUN 0. With MSI on, the device sends
 * one message per batch of completions it posts while INTR_MASK allows
 * them (the driver's MSI handler never reads or acknowledges
 * INTR_STATUS); a batch posted while masked sends one when unmasked.
 *
 * Everything in guest memory is hostile: ring sizes, producer and
 * consumer indices, descriptors, SG lists, data and sense addresses.
 * Each descriptor and SG element is copied into the device once and
 * checked there; an address outside guest RAM ends its request with an
 * error status, or, for the rings themselves, stops the adapter until the
 * guest resets it (pvscsi_error() says why). Per kick the device takes
 * one batch of requests (PVSCSI_BATCH_REQS, or PVSCSI_BATCH_BYTES of
 * data) and holds at most PVSCSI_MAX_INFLIGHT at the targets; the rest
 * waits in the guest's ring, for pvscsi_poll() when the batch ran out
 * (pvscsi_pending()), for a free slot otherwise. So one register write
 * costs its caller a bounded amount of disk I/O, whatever the guest
 * posted. Completions reach the guest in the order the backends end
 * the requests: with the asynchronous backends of vmkernel/vm/vm_disk.c
 * a short request may end before an earlier long one, as on hardware.
 *
 * Wired to VMs by vmkernel/vm/vm_disk.c: the caller adds the PCI function
 * (pci_add_function with pvscsi_pci_ops) and its BAR 0 (pci_add_bar with
 * pvscsi_mmio_ops: the host moves it where the guest puts it), backs DMA
 * and the interrupt line or message, and calls pvscsi_poll() now and then to post
 * completions that found the completion ring full, and soon (before the
 * guest runs on) while pvscsi_pending() says a batch ran out.
 */
#ifndef VMM_DEV_PVSCSI_H
#define VMM_DEV_PVSCSI_H

#include "vmm/platform.h"
#include "vmm/guest_dma.h"
#include "vmm/dev/pci_msi.h"
#include "vmm/scsi/disk.h"

#define PVSCSI_VENDOR_ID	0x15ad
#define PVSCSI_DEVICE_ID	0x07c0
#define PVSCSI_BAR_SIZE		0x8000	/* PVSCSI_MEM_SPACE_SIZE: 8 pages */
#define PVSCSI_MAX_TARGETS	16
#define PVSCSI_MAX_INFLIGHT	32	/* requests at the targets at once */
/* One batch: a caller that polls its disks holds its CPU ~1 MiB of I/O. */
#define PVSCSI_BATCH_REQS	16
#define PVSCSI_BATCH_BYTES	(1u << 20)
#define PVSCSI_MAX_SG		128	/* elements: one page of SG list */
#define PVSCSI_MAX_RING_PAGES	32	/* PVSCSI_SETUP_RINGS_MAX_NUM_PAGES */
#define PVSCSI_CMD_DATA_WORDS	132	/* the largest command: SETUP_RINGS */
#define PVSCSI_MSI_CAP		PCI_MSI_CAP_DEFAULT
/* The type 0 header and the MSI capability; the rest reads 0. */
#define PVSCSI_PCI_CONFIG	(PVSCSI_MSI_CAP + PCI_MSI_CAP_LEN + 2)

/* Register offsets in the BAR (vmw_pvscsi.h enum PVSCSIRegOffset). */
#define PVSCSI_REG_COMMAND		0x0000
#define PVSCSI_REG_COMMAND_DATA		0x0004
#define PVSCSI_REG_COMMAND_STATUS	0x0008
#define PVSCSI_REG_INTR_STATUS		0x100c
#define PVSCSI_REG_INTR_MASK		0x2010
#define PVSCSI_REG_KICK_NON_RW_IO	0x3014
#define PVSCSI_REG_KICK_RW_IO		0x4018

/* Commands (enum PVSCSICommands). */
#define PVSCSI_CMD_ADAPTER_RESET	1
#define PVSCSI_CMD_ISSUE_SCSI		2
#define PVSCSI_CMD_SETUP_RINGS		3
#define PVSCSI_CMD_RESET_BUS		4
#define PVSCSI_CMD_RESET_DEVICE		5
#define PVSCSI_CMD_ABORT_CMD		6
#define PVSCSI_CMD_CONFIG		7
#define PVSCSI_CMD_SETUP_MSG_RING	8
#define PVSCSI_CMD_DEVICE_UNPLUG	9
#define PVSCSI_CMD_SETUP_REQCALLTHRESHOLD 10

/* COMMAND_STATUS values (as QEMU's model: -1 also means "not supported"). */
#define PVSCSI_STATUS_OK		0u
#define PVSCSI_STATUS_FAILED		0xffffffffu
#define PVSCSI_STATUS_NEED_DATA		0xfffffffeu

#define PVSCSI_INTR_CMPL_0		0x1
#define PVSCSI_INTR_CMPL_MASK		0x3
#define PVSCSI_INTR_ALL			0xf

/* Request flags and host adapter statuses (enum HostBusAdapterStatus). */
#define PVSCSI_FLAG_SG_LIST		0x01
#define PVSCSI_FLAG_OUT_OF_BAND_CDB	0x02
#define PVSCSI_FLAG_DIR_NONE		0x04
#define PVSCSI_FLAG_DIR_TOHOST		0x08
#define PVSCSI_FLAG_DIR_TODEVICE	0x10
#define BTSTAT_SUCCESS		0x00
#define BTSTAT_DATA_UNDERRUN	0x0c	/* less data than the buffer */
#define BTSTAT_SELTIMEO		0x11	/* no such target */
#define BTSTAT_DATARUN		0x12	/* data overrun */
#define BTSTAT_INVPARAM		0x1a	/* bad descriptor or SG list */
#define BTSTAT_SENSFAILED	0x1b	/* sense buffer not writable */
#define BTSTAT_BADMSG		0x1d	/* direction contradicts the CDB */
#define BTSTAT_BUSRESET		0x25
#define BTSTAT_ABORTQUEUE	0x26

/* Guest-memory layout sizes (vmw_pvscsi.h structures, all packed). */
#define PVSCSI_PAGE_SIZE	4096u
#define PVSCSI_REQ_DESC_LEN	128u
#define PVSCSI_CMP_DESC_LEN	32u
#define PVSCSI_SG_ELEM_LEN	16u

/* struct PVSCSIRingsState field offsets. */
#define PVSCSI_RS_REQ_PROD		0
#define PVSCSI_RS_REQ_CONS		4
#define PVSCSI_RS_REQ_LOG2		8
#define PVSCSI_RS_CMP_PROD		12
#define PVSCSI_RS_CMP_CONS		16
#define PVSCSI_RS_CMP_LOG2		20

/* struct PVSCSIRingReqDesc field offsets. */
#define PVSCSI_RQ_CONTEXT		0
#define PVSCSI_RQ_DATA_ADDR		8
#define PVSCSI_RQ_DATA_LEN		16
#define PVSCSI_RQ_SENSE_ADDR		24
#define PVSCSI_RQ_SENSE_LEN		32
#define PVSCSI_RQ_FLAGS		36
#define PVSCSI_RQ_CDB			40
#define PVSCSI_RQ_CDB_LEN		56
#define PVSCSI_RQ_LUN			57
#define PVSCSI_RQ_BUS			66
#define PVSCSI_RQ_TARGET		67

/* struct PVSCSICmdDescSetupRings, ResetDevice and AbortCmd: offsets, lengths. */
#define PVSCSI_SR_REQ_PAGES		0
#define PVSCSI_SR_CMP_PAGES		4
#define PVSCSI_SR_STATE_PPN		8
#define PVSCSI_SR_REQ_PPNS		16
#define PVSCSI_SR_CMP_PPNS		(PVSCSI_SR_REQ_PPNS + 8 * PVSCSI_MAX_RING_PAGES)
#define PVSCSI_SETUP_RINGS_LEN		(PVSCSI_SR_CMP_PPNS + 8 * PVSCSI_MAX_RING_PAGES)
#define PVSCSI_RESET_DEVICE_LEN	12
#define PVSCSI_ABORT_CMD_LEN		16

#define PVSCSI_REQ_PER_PAGE_LOG2	5	/* 4096 / 128 */
#define PVSCSI_CMP_PER_PAGE_LOG2	7	/* 4096 / 32 */

/* struct PVSCSIRingCmpDesc field offsets. */
#define PVSCSI_CQ_CONTEXT	0
#define PVSCSI_CQ_DATA_LEN	8
#define PVSCSI_CQ_SENSE_LEN	16
#define PVSCSI_CQ_HOST_STATUS	20
#define PVSCSI_CQ_SCSI_STATUS	22

/* struct PVSCSISGElement field offsets. */
#define PVSCSI_SG_ADDR		0
#define PVSCSI_SG_LEN		8
#define PVSCSI_SG_FLAGS		12

struct pvscsi;

/* One request slot: a copy of the guest's descriptor and SG list. */
struct pvscsi_req {
	struct scsi_cmd cmd;		/* what the target executes */
	struct pvscsi *dev;
	bool at_target;			/* the disk still holds cmd */
	bool answered;			/* the guest has (or will get) its completion */
	bool to_post;			/* a completion waits for ring room */
	uint32_t seq;			/* order of arrival, for posting */
	uint8_t target;
	uint64_t context;
	uint64_t sense_addr;
	uint32_t sense_len;
	/* the completion to post */
	uint64_t cmp_data_len;
	uint32_t cmp_sense_len;
	uint16_t cmp_host_status, cmp_scsi_status;
	/* the data buffer: nr_sg ranges of guest memory, in order */
	unsigned int nr_sg;
	struct {
		uint64_t addr;
		uint64_t len;
	} sg[PVSCSI_MAX_SG];
	/* where the last copy ended, so sequential copies do not rescan */
	unsigned int cur_sg;
	uint64_t cur_base;
};

struct pvscsi_config {
	struct guest_dma dma;
	void (*set_irq)(void *ctx, bool level);	/* the INTx line */
	void (*msi)(void *ctx, const struct pci_msi_msg *m);	/* or NULL */
	void *irq_ctx;
	/*
	 * A request the guest is told ended before its disk ended it (an
	 * abort, a reset): on return none of its data moves any more. A
	 * backend that moves data into guest pages itself (not through
	 * dma, which the model stops) stops or finishes that first. NULL:
	 * none does.
	 */
	void (*fence)(void *ctx, struct scsi_cmd *cmd);
	void *fence_ctx;
	struct scsi_disk *target[PVSCSI_MAX_TARGETS];	/* NULL: none */
};

struct pvscsi {
	struct guest_dma dma;
	void (*set_irq)(void *ctx, bool level);
	void (*msi)(void *ctx, const struct pci_msi_msg *m);
	void *irq_ctx;
	void (*fence)(void *ctx, struct scsi_cmd *cmd);
	void *fence_ctx;
	struct scsi_disk *target[PVSCSI_MAX_TARGETS];

	uint8_t pci[PVSCSI_PCI_CONFIG];

	/* command register protocol */
	uint32_t cmd;			/* the command collecting data; 0: none */
	uint32_t cmd_words, cmd_status;
	uint32_t cmd_data[PVSCSI_CMD_DATA_WORDS];

	uint32_t intr_status, intr_mask;
	bool irq_level;
	bool msi_pending;		/* a batch posted while masked: send when unmasked */

	/* rings, from SETUP_RINGS, checked */
	bool rings_ok;
	uint64_t rings_state;		/* guest-physical address */
	uint32_t req_log2, cmp_log2;	/* entries */
	uint64_t req_page[PVSCSI_MAX_RING_PAGES], cmp_page[PVSCSI_MAX_RING_PAGES];
	uint32_t req_cons, cmp_prod;	/* the device's own indices */
	bool starved;			/* requests left in the ring for lack of slots */
	bool more;			/* requests left in the ring: the batch ran out */
	bool in_process;

	const char *error;		/* the adapter stopped: why; NULL: running */
	uint32_t seq;
	struct pvscsi_req req[PVSCSI_MAX_INFLIGHT];
};

/* A reset adapter with cfg's memory, interrupt line and targets. */
void pvscsi_init(struct pvscsi *s, const struct pvscsi_config *cfg);

/* Platform reset: the adapter and its PCI configuration. */
void pvscsi_reset(struct pvscsi *s);

/*
 * Post completions that waited for room; take the next batch of requests
 * that waited for slots or for the batch before.
 */
void pvscsi_poll(struct pvscsi *s);

/* Requests wait in the ring for pvscsi_poll(): the last batch ran out. */
bool pvscsi_pending(const struct pvscsi *s);

/* Why the adapter stopped taking requests (a ring outside guest RAM), or NULL. */
const char *pvscsi_error(const struct pvscsi *s);

/* Register window (offsets in the BAR) and PCI configuration space. */
struct vdev_io_ops;
struct pci_fn_ops;
extern const struct vdev_io_ops pvscsi_mmio_ops;
extern const struct pci_fn_ops pvscsi_pci_ops;

#endif /* VMM_DEV_PVSCSI_H */
