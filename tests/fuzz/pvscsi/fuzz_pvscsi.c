// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual PVSCSI adapter (vmm/dev/pvscsi.c) and
 * the SCSI disk behind it (vmm/scsi/disk.c). Each input is a little
 * program for a hostile guest driver: register writes, request
 * descriptors, SG lists and rings-state words written into guest RAM,
 * kicks, ring setups with any page counts, a backend that holds its
 * requests or completes them. Whatever the input did, a reset and one
 * good INQUIRY must work afterwards. Crashes, sanitizer reports, hangs,
 * and a failed INQUIRY are bugs.
 */
#include <stdio.h>

#include "tests/fuzz/input.h"
#include "tests/unit/vmmscsi/pvscsi_test.h"

#define MAX_OPS 4096

/* Guest RAM the fixture's driver uses: where the input's writes land. */
static const struct {
	uint32_t gpa, len;
} areas[] = {
	{ GPA_STATE, 4096 }, { GPA_REQ_RING, 32 * 4096 }, { GPA_CMP_RING, 32 * 4096 },
	{ GPA_SGL, 16 * 4096 }, { GPA_SENSE, 4096 }, { GPA_DATA, 64 * 1024 },
};

static const uint32_t regs[] = {
	PVSCSI_REG_COMMAND, PVSCSI_REG_COMMAND_DATA, PVSCSI_REG_COMMAND_STATUS,
	PVSCSI_REG_INTR_STATUS, PVSCSI_REG_INTR_MASK, PVSCSI_REG_KICK_NON_RW_IO,
	PVSCSI_REG_KICK_RW_IO, 0x3018, 0x7ffc,
};

static struct fake_guest *g;

static void fresh_guest(void)
{
	struct pvscsi_config cfg = { 0 };

	if (!g)
		g = fake_guest_new(true);
	g->rd->nr_held = 0;		/* they pointed into the old adapter */
	g->rd->hold = false;
	g->rd->fail = SCSI_BACKEND_OK;
	memset(g->ram, 0, GPA_DATA + 64 * 1024);
	g->irq = false;
	scsi_disk_init(&g->disk, &g->rd->be, "fuzz", 1);
	cfg.dma = (struct guest_dma){ fg_read, fg_write, g };
	cfg.set_irq = fg_irq;
	cfg.msi = fg_msi;
	cfg.irq_ctx = g;
	cfg.target[0] = &g->disk;
	cfg.target[3] = &g->disk;	/* one disk behind two targets */
	pvscsi_init(&g->dev, &cfg);
	driver_start(g, 2, 1);
}

/* A descriptor of input bytes over a plausible READ(10). */
static void queue_garbage_request(struct fuzz_input *in)
{
	uint8_t *d;
	uint32_t idx;
	unsigned int n = fuzz_next8(in) % 72;

	queue_req(g, &(struct test_req){
		.context = fuzz_next32(in), .data_addr = GPA_DATA, .data_len = 4096,
		.sense_addr = GPA_SENSE, .sense_len = 32, .cdb_len = 10,
		.flags = PVSCSI_FLAG_DIR_TOHOST, .cdb = { 0x28, 0, 0, 0, 0, 1, 0, 0, 8 },
	});
	idx = (g->req_prod - 1) & (g->req_entries - 1);
	d = g->ram + GPA_REQ_RING + idx * PVSCSI_REQ_DESC_LEN;
	for (unsigned int i = 0; i < n; i++)
		d[fuzz_next8(in) % PVSCSI_REQ_DESC_LEN] = fuzz_next8(in);
}

static void step(struct fuzz_input *in)
{
	unsigned int a;
	uint32_t off;

	switch (fuzz_next8(in) % 11) {
	case 0:
		reg_write(g, regs[fuzz_next8(in) % VMM_ARRAY_SIZE(regs)], fuzz_next32(in));
		break;
	case 1:
		a = fuzz_next8(in) % VMM_ARRAY_SIZE(areas);
		off = fuzz_next32(in) % (areas[a].len - 4);
		vmm_put32(g->ram + areas[a].gpa + off, fuzz_next32(in));
		break;
	case 2:
		queue_garbage_request(in);
		break;
	case 3:
		kick(g);
		break;
	case 4:
		g->rd->hold = fuzz_next8(in) & 1;
		g->rd->fail = (enum scsi_backend_status)(fuzz_next8(in) % 3);
		break;
	case 5:
		ramdisk_run(g->rd);
		break;
	case 6:
		consume_all(g);
		reg_write(g, PVSCSI_REG_INTR_STATUS, PVSCSI_INTR_ALL);
		break;
	case 7:
		a = fuzz_next8(in);
		driver_start(g, 1u << (a & 7), 1u << (a >> 4 & 7));
		break;
	case 8:		/* an SG element in one of the SG pages */
		off = (fuzz_next32(in) % (16 * 4096 / 16)) * 16;
		vmm_put64(g->ram + GPA_SGL + off,
			  fuzz_next8(in) & 1 ? GPA_DATA + fuzz_next32(in) % 65536 : (uint64_t)fuzz_next32(in) << 8);
		vmm_put32(g->ram + GPA_SGL + off + 8, fuzz_next32(in) % 8192);
		vmm_put32(g->ram + GPA_SGL + off + 12, fuzz_next8(in) & 0x80 ? fuzz_next32(in) : 0);
		break;
	case 9:
		pvscsi_poll(&g->dev);
		break;
	default:
		/* the header and the MSI capability (0x40-0x4d) */
		pvscsi_pci_ops.write(&g->dev, fuzz_next8(in) & 0x7c, 4, fuzz_next32(in));
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct test_req inq = {
		.context = 0x1234, .data_addr = GPA_DATA, .data_len = 36,
		.flags = PVSCSI_FLAG_DIR_TOHOST, .cdb = { 0x12, 0, 0, 0, 36 }, .cdb_len = 6,
	};

	fresh_guest();
	for (unsigned int n = 0; in.left && n < MAX_OPS; n++) {
		step(&in);
		/* PCI 3.0 6.8.1.3: no INTx while MSI is on */
		if (g->irq && (pvscsi_pci_ops.read(&g->dev, PVSCSI_MSI_CAP + 2, 2) & 1))
			abort();
	}

	/* a reset brings the adapter back: one INQUIRY completes */
	g->rd->hold = false;
	g->rd->fail = SCSI_BACKEND_OK;
	ramdisk_run(g->rd);
	pvscsi_pci_ops.write(&g->dev, 4, 2, 0x0006);
	if (driver_start(g, 1, 1) != PVSCSI_STATUS_OK || pvscsi_error(&g->dev))
		abort();
	queue_req(g, &inq);
	kick(g);
	if (cmp_prod(g) != 1 || cmp_at(g, 0).context != 0x1234 ||
	    cmp_at(g, 0).host != BTSTAT_SUCCESS || cmp_at(g, 0).data_len != 36) {
		fprintf(stderr, "INQUIRY after reset: prod %u host %#x\n", cmp_prod(g),
			cmp_at(g, 0).host);
		abort();
	}
	return 0;
}
