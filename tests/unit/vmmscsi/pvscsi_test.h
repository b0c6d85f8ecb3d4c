// SPDX-License-Identifier: GPL-2.0-only
/*
 * A PVSCSI adapter in a fake guest for the unit tests and the fuzzer:
 * guest RAM behind struct guest_dma (anything outside it refused), the
 * interrupt line, a RAM disk at target 0, and the register and ring steps
 * of the Linux driver (drivers/scsi/vmw_pvscsi.c). No Check here: the
 * fuzzer includes it too.
 */
#ifndef TESTS_UNIT_VMMSCSI_PVSCSI_TEST_H
#define TESTS_UNIT_VMMSCSI_PVSCSI_TEST_H

#include <stdlib.h>
#include <string.h>
#include "tests/unit/vmmscsi/ramdisk.h"
#include "vmm/bytes.h"
#include "vmm/dev/pvscsi.h"
#include "vmm/devices.h"

#define GUEST_RAM	(4u << 20)
/* Guest-physical layout of the fixture. */
#define GPA_STATE	0x1000u		/* rings state page */
#define GPA_REQ_RING	0x10000u	/* up to 32 pages */
#define GPA_CMP_RING	0x40000u	/* up to 32 pages */
#define GPA_SGL		0x80000u	/* SG lists, a page each */
#define GPA_SENSE	0x90000u
#define GPA_DATA	0x100000u
#define DISK_BLOCKS	2048

struct fake_guest {
	uint8_t *ram;
	unsigned int dma_faults;
	bool irq;
	unsigned int irq_edges;
	unsigned int msis;		/* messages, with MSI on */
	struct pci_msi_msg last_msi;
	struct ramdisk *rd;
	struct scsi_disk disk;
	struct pvscsi dev;
	uint32_t req_prod;		/* the driver's producer index */
	uint32_t req_entries;
	/* fences (pvscsi_config.fence): the command, and what the guest saw then */
	unsigned int fences;
	struct scsi_cmd *fenced;
	uint32_t cmp_prod_at_fence;
	bool buffer_open_at_fence;	/* the model still let data move */
};

static bool fg_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	struct fake_guest *g = ctx;

	if (gpa > GUEST_RAM || len > GUEST_RAM - gpa) {
		g->dma_faults++;
		return false;
	}
	memcpy(dst, g->ram + gpa, len);
	return true;
}

static bool fg_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	struct fake_guest *g = ctx;

	if (gpa > GUEST_RAM || len > GUEST_RAM - gpa) {
		g->dma_faults++;
		return false;
	}
	memcpy(g->ram + gpa, src, len);
	return true;
}

static void fg_irq(void *ctx, bool level)
{
	struct fake_guest *g = ctx;

	if (level == g->irq)
		abort();		/* the device reports changes only */
	g->irq = level;
	g->irq_edges += level;
}

static void fg_msi(void *ctx, const struct pci_msi_msg *m)
{
	struct fake_guest *g = ctx;

	g->msis++;
	g->last_msi = *m;
}

static void fg_fence(void *ctx, struct scsi_cmd *cmd)
{
	struct fake_guest *g = ctx;
	uint64_t addr;
	uint32_t len;

	g->fences++;
	g->fenced = cmd;
	memcpy(&g->cmp_prod_at_fence, g->ram + GPA_STATE + 12, 4);
	g->buffer_open_at_fence = scsi_cmd_where(cmd, 0, 512, &addr, &len);
}

static inline struct fake_guest *fake_guest_new(bool thin)
{
	struct fake_guest *g = calloc(1, sizeof(*g));
	struct pvscsi_config cfg = { 0 };

	if (!g || !(g->ram = calloc(1, GUEST_RAM)))
		abort();
	g->rd = ramdisk_new(DISK_BLOCKS, thin);
	scsi_disk_init(&g->disk, &g->rd->be, "pvscsi-disk-0", 0x42);
	cfg.dma = (struct guest_dma){ fg_read, fg_write, g };
	cfg.set_irq = fg_irq;
	cfg.msi = fg_msi;
	cfg.irq_ctx = g;
	cfg.fence = fg_fence;
	cfg.fence_ctx = g;
	cfg.target[0] = &g->disk;
	pvscsi_init(&g->dev, &cfg);
	return g;
}

static inline void fake_guest_free(struct fake_guest *g)
{
	ramdisk_free(g->rd);
	free(g->ram);
	free(g);
}

static inline uint32_t reg_read(struct fake_guest *g, uint32_t off)
{
	return pvscsi_mmio_ops.read(&g->dev, off, 4);
}

static inline void reg_write(struct fake_guest *g, uint32_t off, uint32_t val)
{
	pvscsi_mmio_ops.write(&g->dev, off, 4, val);
}

static inline uint32_t ram32(struct fake_guest *g, uint64_t gpa)
{
	return vmm_get32(g->ram + gpa);
}

static inline uint64_t ram64(struct fake_guest *g, uint64_t gpa)
{
	return vmm_get64(g->ram + gpa);
}

/* A command and its descriptor, as pvscsi_write_cmd_desc() sends them. */
static inline uint32_t send_command(struct fake_guest *g, uint32_t cmd,
				    const void *desc, size_t len)
{
	const uint8_t *p = desc;

	reg_write(g, PVSCSI_REG_COMMAND, cmd);
	for (size_t i = 0; i + 4 <= len; i += 4)
		reg_write(g, PVSCSI_REG_COMMAND_DATA, vmm_get32(p + i));
	return reg_read(g, PVSCSI_REG_COMMAND_STATUS);
}

/* SETUP_RINGS with the fixture's layout; the command status. */
static inline uint32_t setup_rings_at(struct fake_guest *g, uint32_t req_pages,
				      uint32_t cmp_pages, uint64_t state_ppn)
{
	uint8_t d[16 + 2 * 8 * PVSCSI_MAX_RING_PAGES] = { 0 };

	vmm_put32(&d[0], req_pages);
	vmm_put32(&d[4], cmp_pages);
	vmm_put64(&d[8], state_ppn);
	for (unsigned int i = 0; i < PVSCSI_MAX_RING_PAGES; i++) {
		vmm_put64(&d[16 + 8 * i], (GPA_REQ_RING >> 12) + i);
		vmm_put64(&d[16 + 8 * PVSCSI_MAX_RING_PAGES + 8 * i], (GPA_CMP_RING >> 12) + i);
	}
	g->req_prod = 0;
	g->req_entries = req_pages * 32;
	return send_command(g, PVSCSI_CMD_SETUP_RINGS, d, sizeof(d));
}

/* The driver's probe: reset, rings, interrupts unmasked. */
static inline uint32_t driver_start(struct fake_guest *g, uint32_t req_pages,
				    uint32_t cmp_pages)
{
	uint32_t st;

	send_command(g, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	st = setup_rings_at(g, req_pages, cmp_pages, GPA_STATE >> 12);
	reg_write(g, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK);
	return st;
}

struct test_req {
	uint64_t context, data_addr, data_len, sense_addr;
	uint32_t sense_len, flags;
	uint8_t cdb[16], cdb_len, lun1, bus, target;
};

/* Put r in the request ring and publish it (reqProdIdx); no kick. */
static inline void queue_req(struct fake_guest *g, const struct test_req *r)
{
	uint32_t idx = g->req_prod & (g->req_entries - 1);
	uint8_t *d = g->ram + GPA_REQ_RING + idx * PVSCSI_REQ_DESC_LEN;

	memset(d, 0, PVSCSI_REQ_DESC_LEN);
	vmm_put64(&d[0], r->context);
	vmm_put64(&d[8], r->data_addr);
	vmm_put64(&d[16], r->data_len);
	vmm_put64(&d[24], r->sense_addr);
	vmm_put32(&d[32], r->sense_len);
	vmm_put32(&d[36], r->flags);
	memcpy(&d[40], r->cdb, 16);
	d[56] = r->cdb_len;
	d[58] = r->lun1;
	d[66] = r->bus;
	d[67] = r->target;
	g->req_prod++;
	vmm_put32(g->ram + GPA_STATE, g->req_prod);
}

/* The kick alone: the adapter takes one batch. */
static inline void kick_once(struct fake_guest *g)
{
	reg_write(g, PVSCSI_REG_KICK_RW_IO, 0);
}

/* What the vCPU's run loop does before it enters the guest again: the
 * batches that wait, one per poll; how many polls that took. */
static inline unsigned int run_batches(struct fake_guest *g)
{
	unsigned int polls = 0;

	while (pvscsi_pending(&g->dev)) {
		pvscsi_poll(&g->dev);
		polls++;
	}
	return polls;
}

/* A kick and the platform's polls after it: every request is taken. */
static inline void kick(struct fake_guest *g)
{
	kick_once(g);
	run_batches(g);
}

/* The completion ring as the driver reads it. */
static inline uint32_t cmp_prod(struct fake_guest *g)
{
	return ram32(g, GPA_STATE + 12);
}

struct test_cmp {
	uint64_t context, data_len;
	uint32_t sense_len;
	uint16_t host, scsi;
};

static inline struct test_cmp cmp_at(struct fake_guest *g, uint32_t i)
{
	uint32_t log2 = ram32(g, GPA_STATE + 20);
	const uint8_t *d = g->ram + GPA_CMP_RING + (i & ((1u << log2) - 1)) * PVSCSI_CMP_DESC_LEN;

	return (struct test_cmp){ vmm_get64(d), vmm_get64(d + 8), vmm_get32(d + 16),
				  vmm_get16(d + 20), vmm_get16(d + 22) };
}

/* The driver consumed every completion. */
static inline void consume_all(struct fake_guest *g)
{
	vmm_put32(g->ram + GPA_STATE + 16, cmp_prod(g));
}

#endif /* TESTS_UNIT_VMMSCSI_PVSCSI_TEST_H */
