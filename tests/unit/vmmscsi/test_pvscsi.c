// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PVSCSI adapter model in a fake guest: PCI identity, the command
 * register protocol, ring setup and its refusals, I/O through flat
 * buffers and SG lists, sense data, host statuses for bad descriptors and
 * addresses outside guest RAM, a full completion ring, more requests than
 * slots, large requests taken in batches, abort and resets with a backend
 * that completes later, and random garbage on the registers and in the
 * rings.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmscsi/pvscsi_test.h"

static const uint8_t cdb_inquiry[16] = { 0x12, 0, 0, 0, 36, 0 };

static struct test_req inquiry(uint64_t context)
{
	struct test_req r = {
		.context = context, .data_addr = GPA_DATA, .data_len = 36,
		.sense_addr = GPA_SENSE, .sense_len = 96,
		.flags = PVSCSI_FLAG_DIR_TOHOST, .cdb_len = 6,
	};

	memcpy(r.cdb, cdb_inquiry, 16);
	return r;
}

/* READ(10)/WRITE(10) of nr blocks at lba into the fixture's data area. */
static struct test_req rw10(uint64_t context, bool write, uint32_t lba, uint16_t nr)
{
	struct test_req r = {
		.context = context, .data_addr = GPA_DATA, .data_len = nr * 512u,
		.sense_addr = GPA_SENSE, .sense_len = 96, .cdb_len = 10,
		.flags = write ? PVSCSI_FLAG_DIR_TODEVICE : PVSCSI_FLAG_DIR_TOHOST,
		.cdb = { write ? 0x2a : 0x28, 0, lba >> 24, lba >> 16 & 0xff,
			 lba >> 8 & 0xff, lba & 0xff, 0, nr >> 8, nr & 0xff, 0 },
	};

	return r;
}

START_TEST(test_pci_function_identity_bar_sizing_and_interrupt_pin)
{
	struct fake_guest *g = fake_guest_new(false);
	const struct pci_fn_ops *pci = &pvscsi_pci_ops;

	ck_assert_uint_eq(pci->read(&g->dev, 0, 4), 0x07c015ad);
	ck_assert_uint_eq(pci->read(&g->dev, 8, 4) >> 8, 0x010000);	/* SCSI */
	ck_assert_uint_eq(pci->read(&g->dev, 0x2c, 4), 0x100015ad);
	ck_assert_uint_eq(pci->read(&g->dev, 0x3d, 1), 1);		/* INTA# */
	ck_assert_uint_eq(pci->read(&g->dev, 0x06, 2) & 0x10, 0x10);	/* capabilities: */
	ck_assert_uint_eq(pci->read(&g->dev, 0x34, 1), 0x40);
	ck_assert_uint_eq(pci->read(&g->dev, 0x40, 4), 0x00800005);	/* MSI, the last */
	/* BAR sizing: 32 KiB memory, 32-bit, not prefetchable */
	pci->write(&g->dev, 0x10, 4, 0xffffffff);
	ck_assert_uint_eq(pci->read(&g->dev, 0x10, 4), 0xffff8000);
	pci->write(&g->dev, 0x10, 4, 0xfebf1234);
	ck_assert_uint_eq(pci->read(&g->dev, 0x10, 4), 0xfebf0000);
	ck_assert_uint_eq(pci->read(&g->dev, 0x04, 2), 0);		/* decoding off */
	/* memory, bus master, INTx disable: no I/O decode (no I/O BAR) */
	pci->write(&g->dev, 0x04, 2, 0xffff);
	ck_assert_uint_eq(pci->read(&g->dev, 0x04, 2), 0x0406);
	/* other BARs, the ROM and beyond the header are read-only zero */
	pci->write(&g->dev, 0x14, 4, 0xffffffff);
	pci->write(&g->dev, 0x30, 4, 0xffffffff);
	pci->write(&g->dev, 0x80, 4, 0xffffffff);
	ck_assert_uint_eq(pci->read(&g->dev, 0x14, 4), 0);
	ck_assert_uint_eq(pci->read(&g->dev, 0x30, 4), 0);
	ck_assert_uint_eq(pci->read(&g->dev, 0x80, 4), 0);
	pvscsi_reset(&g->dev);
	ck_assert_uint_eq(pci->read(&g->dev, 0x10, 4), 0);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_setup_rings_writes_the_sizes_and_refuses_bad_rings)
{
	struct fake_guest *g = fake_guest_new(false);

	memset(g->ram + GPA_STATE, 0xaa, 32);
	ck_assert_uint_eq(driver_start(g, 8, 4), PVSCSI_STATUS_OK);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 0), 0);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), 0);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 8), 8);		/* 256 requests */
	ck_assert_uint_eq(ram32(g, GPA_STATE + 12), 0);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 20), 9);		/* 512 completions */
	ck_assert_uint_eq(driver_start(g, 32, 32), PVSCSI_STATUS_OK);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 8), 10);

	/* page counts of 0, not a power of two, over 32 */
	ck_assert_uint_eq(setup_rings_at(g, 0, 1, GPA_STATE >> 12), PVSCSI_STATUS_FAILED);
	ck_assert_uint_eq(setup_rings_at(g, 3, 1, GPA_STATE >> 12), PVSCSI_STATUS_FAILED);
	ck_assert_uint_eq(setup_rings_at(g, 1, 64, GPA_STATE >> 12), PVSCSI_STATUS_FAILED);
	ck_assert_uint_eq(setup_rings_at(g, 0xffffffff, 1, GPA_STATE >> 12), PVSCSI_STATUS_FAILED);
	/* a page number whose address does not fit 64 bits, a state page outside RAM */
	ck_assert_uint_eq(setup_rings_at(g, 1, 1, 1ull << 52), PVSCSI_STATUS_FAILED);
	ck_assert_uint_eq(setup_rings_at(g, 1, 1, GUEST_RAM >> 12), PVSCSI_STATUS_FAILED);
	/* no rings: a kick does nothing */
	queue_req(g, &(struct test_req){ .context = 1 });
	kick(g);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_INTR_STATUS), 0);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_unoffered_commands_fail_at_once_and_stray_data_is_ignored)
{
	struct fake_guest *g = fake_guest_new(false);

	/* the driver's probes for the message ring and the call threshold */
	reg_write(g, PVSCSI_REG_COMMAND, PVSCSI_CMD_SETUP_MSG_RING);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_COMMAND_STATUS), PVSCSI_STATUS_FAILED);
	reg_write(g, PVSCSI_REG_COMMAND, PVSCSI_CMD_SETUP_REQCALLTHRESHOLD);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_COMMAND_STATUS), PVSCSI_STATUS_FAILED);
	for (uint32_t c = 0; c < 64; c++) {
		if (c == PVSCSI_CMD_ADAPTER_RESET || c == PVSCSI_CMD_SETUP_RINGS ||
		    c == PVSCSI_CMD_RESET_BUS || c == PVSCSI_CMD_RESET_DEVICE ||
		    c == PVSCSI_CMD_ABORT_CMD)
			continue;
		reg_write(g, PVSCSI_REG_COMMAND, c);
		ck_assert_uint_eq(reg_read(g, PVSCSI_REG_COMMAND_STATUS), PVSCSI_STATUS_FAILED);
	}
	reg_write(g, PVSCSI_REG_COMMAND, 0xffffffff);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_COMMAND_STATUS), PVSCSI_STATUS_FAILED);
	for (int i = 0; i < 1000; i++)
		reg_write(g, PVSCSI_REG_COMMAND_DATA, 0xdeadbeef);
	/* half a descriptor, then a new command: the half is forgotten */
	reg_write(g, PVSCSI_REG_COMMAND, PVSCSI_CMD_SETUP_RINGS);
	reg_write(g, PVSCSI_REG_COMMAND_DATA, 1);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_COMMAND_STATUS), PVSCSI_STATUS_NEED_DATA);
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	/* narrow and unaligned accesses are not decoded */
	pvscsi_mmio_ops.write(&g->dev, PVSCSI_REG_INTR_MASK, 2, 0xffff);
	pvscsi_mmio_ops.write(&g->dev, PVSCSI_REG_INTR_MASK + 1, 4, 0xffff);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_INTR_MASK), PVSCSI_INTR_CMPL_MASK);
	ck_assert_uint_eq(pvscsi_mmio_ops.read(&g->dev, PVSCSI_REG_INTR_MASK, 1), 0);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_inquiry_completes_through_the_ring_with_an_interrupt)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = inquiry(7);
	struct test_cmp c;

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), 1);		/* reqConsIdx */
	ck_assert_uint_eq(cmp_prod(g), 1);
	c = cmp_at(g, 0);
	ck_assert_uint_eq(c.context, 7);
	ck_assert_uint_eq(c.data_len, 36);
	ck_assert_uint_eq(c.host, BTSTAT_SUCCESS);
	ck_assert_uint_eq(c.scsi, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(c.sense_len, 0);
	ck_assert(!memcmp(g->ram + GPA_DATA + 8, "VMware  ", 8));
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_INTR_STATUS), PVSCSI_INTR_CMPL_0);
	ck_assert(g->irq);
	ck_assert_uint_eq(pvscsi_pci_ops.read(&g->dev, 6, 2) & 0x08, 0x08);
	/* the interrupt handler acknowledges */
	reg_write(g, PVSCSI_REG_INTR_STATUS, reg_read(g, PVSCSI_REG_INTR_STATUS));
	ck_assert(!g->irq);
	/* masked: status without the line; INTx disable: no line either */
	reg_write(g, PVSCSI_REG_INTR_MASK, 0);
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_INTR_STATUS), PVSCSI_INTR_CMPL_0);
	ck_assert(!g->irq);
	pvscsi_pci_ops.write(&g->dev, 4, 2, 0x0400);
	reg_write(g, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK);
	ck_assert(!g->irq);
	pvscsi_pci_ops.write(&g->dev, 4, 2, 0x0006);
	ck_assert(g->irq);
	fake_guest_free(g);
}
END_TEST

/* What Linux's pci_enable_msi() writes: address, upper half, data, enable. */
static void msi_enable(struct fake_guest *g, bool on)
{
	const struct pci_fn_ops *pci = &pvscsi_pci_ops;

	pci->write(&g->dev, PVSCSI_MSI_CAP + 4, 4, 0xfee01000);
	pci->write(&g->dev, PVSCSI_MSI_CAP + 8, 4, 0);
	pci->write(&g->dev, PVSCSI_MSI_CAP + 12, 2, 0x0041);
	pci->write(&g->dev, PVSCSI_MSI_CAP + 2, 2, on);
}

START_TEST(test_msi_sends_one_message_per_completion_batch_instead_of_intx)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = inquiry(1);

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	msi_enable(g, true);
	ck_assert_uint_eq(pvscsi_pci_ops.read(&g->dev, PVSCSI_MSI_CAP + 2, 2), 0x0081);
	/* three requests, one kick: one batch, one message, no INTx */
	for (unsigned int i = 0; i < 3; i++)
		queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 3);
	ck_assert_uint_eq(g->msis, 1);
	ck_assert_uint_eq(g->last_msi.addr, 0xfee01000);
	ck_assert_uint_eq(g->last_msi.data, 0x0041);
	ck_assert(!g->irq);
	ck_assert_uint_eq(g->irq_edges, 0);
	/* the MSI handler never acknowledges INTR_STATUS: the next batch sends anyway */
	consume_all(g);
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(g->msis, 2);
	/* masked: the batch waits for the unmask to send its message */
	reg_write(g, PVSCSI_REG_INTR_MASK, 0);
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 5);
	ck_assert_uint_eq(g->msis, 2);
	reg_write(g, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK);
	ck_assert_uint_eq(g->msis, 3);
	reg_write(g, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK);
	ck_assert_uint_eq(g->msis, 3);			/* once */
	/* MSI off: INTA# is back for the status still raised, and off again */
	msi_enable(g, false);
	ck_assert(g->irq);
	msi_enable(g, true);
	ck_assert(!g->irq);
	ck_assert_uint_eq(g->msis, 3);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_msi_completions_that_waited_for_ring_room_send_one_message)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = rw10(0, false, 0, 1);

	/* 32 request entries, 128 completion entries; the disk holds them */
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	msi_enable(g, true);
	g->rd->hold = true;
	for (unsigned int i = 0; i < 4; i++)
		queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(g->msis, 0);
	/* the guest fills its completion ring's view: no room */
	vmm_put32(g->ram + GPA_STATE + 16, cmp_prod(g) - 128);
	ramdisk_run(g->rd);
	ck_assert_uint_eq(cmp_prod(g), 0);
	ck_assert_uint_eq(g->msis, 0);
	/* room again: the platform's poll posts the four, one message */
	consume_all(g);
	pvscsi_poll(&g->dev);
	ck_assert_uint_eq(cmp_prod(g), 4);
	ck_assert_uint_eq(g->msis, 1);
	fake_guest_free(g);
}
END_TEST

/* SG list at GPA_SGL: n elements (addr, len). */
static void sg_list(struct fake_guest *g, uint64_t at, unsigned int n,
		    const uint64_t *addr, const uint32_t *len)
{
	for (unsigned int i = 0; i < n; i++) {
		vmm_put64(g->ram + at + 16 * i, addr[i]);
		vmm_put32(g->ram + at + 16 * i + 8, len[i]);
		vmm_put32(g->ram + at + 16 * i + 12, 0);
	}
}

START_TEST(test_write_and_read_back_through_sg_lists)
{
	struct fake_guest *g = fake_guest_new(false);
	const uint64_t wa[] = { GPA_DATA + 0x3e00, GPA_DATA + 0x8000, GPA_DATA + 0x20 };
	const uint32_t wl[] = { 0x200, 0x600, 0x200 };
	const uint64_t ra[] = { GPA_DATA + 0x20000 };
	const uint32_t rl[] = { 0x1000 };
	struct test_req r;
	uint8_t expect[2048];

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	for (int i = 0; i < 2048; i++)
		expect[i] = (uint8_t)(i * 7 + 3);
	memcpy(g->ram + wa[0], expect, 0x200);
	memcpy(g->ram + wa[1], expect + 0x200, 0x600);
	memcpy(g->ram + wa[2], expect + 0x600, 0x200);
	sg_list(g, GPA_SGL, 3, wa, wl);
	r = rw10(1, true, 100, 4);
	r.flags |= PVSCSI_FLAG_SG_LIST;
	r.data_addr = GPA_SGL;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_at(g, 0).host, BTSTAT_SUCCESS);
	ck_assert_uint_eq(cmp_at(g, 0).scsi, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(cmp_at(g, 0).data_len, 2048);
	ck_assert(!memcmp(g->rd->data + 100 * 512, expect, 0x200));
	ck_assert(!memcmp(g->rd->data + 100 * 512 + 0x200, expect + 0x200, 0x600));

	/* read it back into one element longer than the transfer */
	sg_list(g, GPA_SGL + 0x1000, 1, ra, rl);
	r = rw10(2, false, 100, 4);
	r.flags |= PVSCSI_FLAG_SG_LIST;
	r.data_addr = GPA_SGL + 0x1000;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_at(g, 1).context, 2);
	ck_assert_uint_eq(cmp_at(g, 1).data_len, 2048);
	ck_assert(!memcmp(g->ram + ra[0], g->rd->data + 100 * 512, 2048));
	fake_guest_free(g);
}
END_TEST

/*
 * A backend whose device moves the data itself asks where each byte of
 * the buffer lies: the SG list's ranges, nothing past the transfer, and
 * nothing once the guest aborted the request.
 */
START_TEST(test_a_backend_finds_where_the_sg_list_puts_each_byte)
{
	struct fake_guest *g = fake_guest_new(false);
	const uint64_t a[] = { GPA_DATA + 0x3e00, GPA_DATA + 0x8000 };
	const uint32_t l[] = { 0x200, 0x600 };
	uint8_t abort_cmd[16] = { 0 };
	struct test_req r = rw10(7, false, 100, 4);
	struct scsi_cmd *cmd;
	uint64_t addr;
	uint32_t len;

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	g->rd->hold = true;
	sg_list(g, GPA_SGL, 2, a, l);
	r.flags |= PVSCSI_FLAG_SG_LIST;
	r.data_addr = GPA_SGL;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(g->rd->nr_held, 1);
	cmd = g->rd->held[0].cmd;
	ck_assert(scsi_cmd_where(cmd, 0, 4096, &addr, &len));
	ck_assert_uint_eq(addr, a[0]);
	ck_assert_uint_eq(len, 0x200);
	ck_assert(scsi_cmd_where(cmd, 0x300, 4096, &addr, &len));
	ck_assert_uint_eq(addr, a[1] + 0x100);
	ck_assert_uint_eq(len, 0x500);
	ck_assert(scsi_cmd_where(cmd, 0x300, 0x80, &addr, &len));
	ck_assert_uint_eq(len, 0x80);
	ck_assert(!scsi_cmd_where(cmd, 0x800, 4096, &addr, &len));	/* past the transfer */
	vmm_put64(abort_cmd, 7);
	ck_assert_uint_eq(send_command(g, PVSCSI_CMD_ABORT_CMD, abort_cmd, 16), PVSCSI_STATUS_OK);
	ck_assert(!scsi_cmd_where(cmd, 0, 4096, &addr, &len));
	ramdisk_run(g->rd);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_check_condition_puts_sense_in_the_guest_buffer)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = rw10(3, false, DISK_BLOCKS, 1);
	struct test_cmp c;

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	queue_req(g, &r);
	r.context = 4;
	r.sense_len = 8;				/* shorter than the sense */
	queue_req(g, &r);
	r.context = 5;
	r.sense_addr = GUEST_RAM - 4;			/* runs out of RAM */
	r.sense_len = 96;
	queue_req(g, &r);
	kick(g);
	c = cmp_at(g, 0);
	ck_assert_uint_eq(c.host, BTSTAT_SUCCESS);
	ck_assert_uint_eq(c.scsi, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(c.sense_len, SCSI_SENSE_LEN);
	ck_assert_uint_eq(c.data_len, 0);
	ck_assert_uint_eq(g->ram[GPA_SENSE + 2], SCSI_SENSE_ILLEGAL_REQUEST);
	ck_assert_uint_eq(g->ram[GPA_SENSE + 12], 0x21);
	ck_assert_uint_eq(cmp_at(g, 1).sense_len, 8);
	ck_assert_uint_eq(cmp_at(g, 2).host, BTSTAT_SENSFAILED);
	ck_assert_uint_eq(cmp_at(g, 2).sense_len, 0);
	ck_assert_ptr_null(pvscsi_error(&g->dev));
	fake_guest_free(g);
}
END_TEST

/*
 * A read that fails after its first block: the guest's sense names the
 * second block (VALID, INFORMATION) and the completion's data length is
 * the one block before it, which is in the guest's buffer: what Linux's
 * sd_completed_bytes() completes as good.
 */
START_TEST(test_a_read_failing_part_way_names_its_block_and_length)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = rw10(6, false, 100, 4);
	struct test_cmp c;

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	g->rd->fail = SCSI_BACKEND_IO_ERROR;
	queue_req(g, &r);
	kick(g);
	c = cmp_at(g, 0);
	ck_assert_uint_eq(c.host, BTSTAT_SUCCESS);
	ck_assert_uint_eq(c.scsi, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(c.sense_len, SCSI_SENSE_LEN);
	ck_assert_uint_eq(g->ram[GPA_SENSE], 0xf0);		/* VALID, current, fixed */
	ck_assert_uint_eq(g->ram[GPA_SENSE + 2], SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(vmm_get_be32(&g->ram[GPA_SENSE + 3]), 101);
	ck_assert_uint_eq(c.data_len, (101 - 100) * 512);
	ck_assert(!memcmp(g->ram + GPA_DATA, g->rd->data + 100 * 512, 512));
	fake_guest_free(g);
}
END_TEST

START_TEST(test_bad_descriptors_and_targets_end_with_host_statuses)
{
	struct fake_guest *g = fake_guest_new(false);
	const uint64_t outside[] = { GUEST_RAM - 512 };
	const uint64_t wrap[] = { UINT64_MAX - 100 };
	const uint32_t len1k[] = { 1024 };
	const uint64_t two[] = { GPA_DATA, GPA_DATA + 0x1000 };
	const uint32_t two_len[] = { 512, 256 };
	struct {
		struct test_req r;
		uint16_t host;
	} cases[16];
	unsigned int n = 0;

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	sg_list(g, GPA_SGL, 1, outside, len1k);
	sg_list(g, GPA_SGL + 0x1000, 1, wrap, len1k);
	sg_list(g, GPA_SGL + 0x2000, 2, two, two_len);		/* covers 768 of 1024 */
	sg_list(g, GPA_SGL + 0x3ff0, 1, two, len1k);		/* list runs off its page */
	vmm_put32(g->ram + GPA_SGL + 0x3ff0 + 8, 512);
	sg_list(g, GPA_SGL + 0x5000, 1, two, len1k);
	vmm_put32(g->ram + GPA_SGL + 0x5000 + 12, 1);		/* a flag: chaining */

#define CASE(field, value, status) do { \
		cases[n].r = rw10(100 + n, false, 0, 2); \
		cases[n].r.field = value; \
		cases[n].host = status; \
		n++; \
	} while (0)
	CASE(target, 1, BTSTAT_SELTIMEO);
	CASE(target, 200, BTSTAT_SELTIMEO);
	CASE(bus, 1, BTSTAT_SELTIMEO);
	CASE(cdb_len, 0, BTSTAT_INVPARAM);
	CASE(cdb_len, 17, BTSTAT_INVPARAM);
	CASE(flags, PVSCSI_FLAG_OUT_OF_BAND_CDB, BTSTAT_INVPARAM);
	CASE(flags, PVSCSI_FLAG_DIR_TOHOST | PVSCSI_FLAG_DIR_TODEVICE, BTSTAT_INVPARAM);
	CASE(flags, 0x100, BTSTAT_INVPARAM);
	CASE(data_addr, UINT64_MAX - 10, BTSTAT_INVPARAM);	/* flat, wraps */
	CASE(data_addr, GUEST_RAM - 512, BTSTAT_INVPARAM);	/* flat, half outside */
	CASE(flags, PVSCSI_FLAG_DIR_TODEVICE, BTSTAT_BADMSG);	/* READ sent as a write */
	CASE(data_len, 512, BTSTAT_DATARUN);			/* 2 blocks, 1 block buffer */
#undef CASE
	for (unsigned int i = 0; i < n; i++)
		queue_req(g, &cases[i].r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), n);
	for (unsigned int i = 0; i < n; i++) {
		struct test_cmp c = cmp_at(g, i);

		ck_assert_uint_eq(c.context, 100 + i);
		ck_assert_msg(c.host == cases[i].host, "case %u: host status %#x", i, c.host);
		ck_assert_uint_eq(c.data_len, 0);
	}
	consume_all(g);

	/* SG lists: outside RAM, wrapping, short, off the page, flagged, misaligned */
	{
		static const uint64_t at[] = { GPA_SGL, GPA_SGL + 0x1000, GPA_SGL + 0x2000,
					       GPA_SGL + 0x3ff0, GPA_SGL + 0x5000, GPA_SGL + 8,
					       GUEST_RAM + 0x1000 };
		uint32_t first = cmp_prod(g);

		for (unsigned int i = 0; i < 7; i++) {
			struct test_req r = rw10(200 + i, false, 0, 2);

			r.flags |= PVSCSI_FLAG_SG_LIST;
			r.data_addr = at[i];
			queue_req(g, &r);
		}
		kick(g);
		for (unsigned int i = 0; i < 7; i++)
			ck_assert_uint_eq(cmp_at(g, first + i).host, BTSTAT_INVPARAM);
	}
	ck_assert_ptr_null(pvscsi_error(&g->dev));
	/* only the flat buffer and the SG list partly outside RAM got that far */
	ck_assert_uint_eq(g->rd->reads, 2);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_a_garbage_producer_index_or_ring_stops_the_adapter_until_reset)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = inquiry(1);

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	vmm_put32(g->ram + GPA_STATE, 33);		/* 32 entries */
	kick(g);
	ck_assert_ptr_nonnull(pvscsi_error(&g->dev));
	ck_assert_uint_eq(cmp_prod(g), 0);
	vmm_put32(g->ram + GPA_STATE, 1);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 0);		/* stopped */
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	ck_assert_ptr_null(pvscsi_error(&g->dev));
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 1);

	/* rings beyond guest RAM: the first kick finds out */
	{
		uint8_t d[16 + 2 * 8 * PVSCSI_MAX_RING_PAGES] = { 0 };

		vmm_put32(&d[0], 1);
		vmm_put32(&d[4], 1);
		vmm_put64(&d[8], GPA_STATE >> 12);
		vmm_put64(&d[16], GUEST_RAM >> 12);
		vmm_put64(&d[16 + 8 * PVSCSI_MAX_RING_PAGES], (GPA_CMP_RING >> 12));
		ck_assert_uint_eq(send_command(g, PVSCSI_CMD_SETUP_RINGS, d, sizeof(d)),
				  PVSCSI_STATUS_OK);
		vmm_put32(g->ram + GPA_STATE, 1);
		kick(g);
		ck_assert_ptr_nonnull(pvscsi_error(&g->dev));
		ck_assert_uint_eq(cmp_prod(g), 0);
		send_command(g, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
		ck_assert_ptr_null(pvscsi_error(&g->dev));
	}
	fake_guest_free(g);
}
END_TEST

START_TEST(test_a_full_completion_ring_holds_completions_until_consumed)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = inquiry(0);

	/* 256 request entries, 128 completion entries */
	ck_assert_uint_eq(driver_start(g, 8, 1), PVSCSI_STATUS_OK);
	for (unsigned int i = 0; i < 160; i++) {
		r.context = i + 1;
		queue_req(g, &r);
	}
	kick(g);
	/* 128 posted; the 32 slots hold the next completions; the rest waits */
	ck_assert_uint_eq(cmp_prod(g), 128);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), 160);
	ck_assert_uint_eq(cmp_at(g, 127).context, 128);
	/* the garbage consumer index "ahead of the producer" frees nothing */
	vmm_put32(g->ram + GPA_STATE + 16, 5000);
	pvscsi_poll(&g->dev);
	ck_assert_uint_eq(cmp_prod(g), 128);
	consume_all(g);
	reg_write(g, PVSCSI_REG_INTR_STATUS, PVSCSI_INTR_CMPL_0);
	ck_assert_uint_eq(cmp_prod(g), 160);
	ck_assert_uint_eq(cmp_at(g, 128).context, 129);
	ck_assert_uint_eq(cmp_at(g, 159).context, 160);
	fake_guest_free(g);
}
END_TEST

START_TEST(test_more_requests_than_slots_wait_in_the_ring)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = rw10(0, false, 0, 1);

	ck_assert_uint_eq(driver_start(g, 2, 2), PVSCSI_STATUS_OK);
	g->rd->hold = true;
	for (unsigned int i = 0; i < 40; i++) {
		r.context = i + 1;
		queue_req(g, &r);
	}
	kick(g);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), PVSCSI_MAX_INFLIGHT);
	ck_assert_uint_eq(cmp_prod(g), 0);
	ck_assert_uint_eq(ramdisk_run(g->rd), 40);	/* the rest start as slots free */
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), 40);
	ck_assert_uint_eq(cmp_prod(g), 40);
	for (unsigned int i = 0; i < 40; i++) {
		ck_assert_uint_eq(cmp_at(g, i).context, i + 1);
		ck_assert_uint_eq(cmp_at(g, i).host, BTSTAT_SUCCESS);
	}
	fake_guest_free(g);
}
END_TEST

/*
 * A full ring of large READs and one kick: each register write or poll
 * takes one batch (PVSCSI_BATCH_BYTES of data, PVSCSI_BATCH_REQS
 * requests, or one request bigger than that), and the guest sees every
 * request completed in ring order.
 */
START_TEST(test_a_ring_of_large_requests_completes_in_batches_in_order)
{
	struct fake_guest *g = fake_guest_new(false);
	const unsigned int n = 1024, per_batch = PVSCSI_BATCH_BYTES / (256 * 512);
	struct test_req big = rw10(1, false, 0, DISK_BLOCKS);
	unsigned int polls;

	ck_assert_uint_eq(driver_start(g, 32, 32), PVSCSI_STATUS_OK);
	big.data_len += 512;			/* more than a batch: alone */
	queue_req(g, &big);
	kick_once(g);
	ck_assert_uint_eq(cmp_prod(g), 1);
	ck_assert(!pvscsi_pending(&g->dev));

	for (unsigned int i = 1; i < n; i++) {
		struct test_req r = rw10(i + 1, false, (i * 256) % DISK_BLOCKS, 256);

		queue_req(g, &r);
	}
	kick_once(g);
	ck_assert_uint_eq(cmp_prod(g), 1 + per_batch);
	ck_assert_uint_eq(ram32(g, GPA_STATE + 4), 1 + per_batch);	/* reqConsIdx */
	ck_assert(pvscsi_pending(&g->dev));
	polls = run_batches(g);
	ck_assert_uint_eq(polls, (n - 1 + per_batch - 1) / per_batch - 1);
	ck_assert_uint_eq(cmp_prod(g), n);
	for (unsigned int i = 0; i < n; i++) {
		struct test_cmp c = cmp_at(g, i);

		ck_assert_uint_eq(c.context, i + 1);
		ck_assert_uint_eq(c.host, BTSTAT_SUCCESS);
		ck_assert_uint_eq(c.data_len, i ? 256 * 512 : DISK_BLOCKS * 512);
	}
	ck_assert_uint_eq(g->rd->reads, n);

	/* small requests: PVSCSI_BATCH_REQS per batch */
	for (unsigned int i = 0; i < 3 * PVSCSI_BATCH_REQS; i++) {
		struct test_req r = inquiry(n + 1 + i);

		queue_req(g, &r);
	}
	kick_once(g);
	ck_assert_uint_eq(cmp_prod(g), n + PVSCSI_BATCH_REQS);
	ck_assert_uint_eq(run_batches(g), 2);
	ck_assert_uint_eq(cmp_prod(g), n + 3 * PVSCSI_BATCH_REQS);
	ck_assert_uint_eq(cmp_at(g, n + 3 * PVSCSI_BATCH_REQS - 1).context,
			  n + 3 * PVSCSI_BATCH_REQS);
	fake_guest_free(g);
}
END_TEST

/* A reset forgets the batches that waited. */
START_TEST(test_a_reset_drops_the_requests_left_by_the_batch)
{
	struct fake_guest *g = fake_guest_new(false);

	ck_assert_uint_eq(driver_start(g, 2, 2), PVSCSI_STATUS_OK);
	for (unsigned int i = 0; i < 2 * PVSCSI_BATCH_REQS; i++) {
		struct test_req r = inquiry(i + 1);

		queue_req(g, &r);
	}
	kick_once(g);
	ck_assert(pvscsi_pending(&g->dev));
	send_command(g, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	ck_assert(!pvscsi_pending(&g->dev));
	ck_assert_uint_eq(run_batches(g), 0);
	fake_guest_free(g);
}
END_TEST

/*
 * A request answered before its disk ended it (ABORT_CMD, RESET_DEVICE,
 * RESET_BUS, ADAPTER_RESET, a new SETUP_RINGS) is fenced once: after the
 * model stopped its own DMA for it and before the guest can see the
 * answer, so a backend that moves data into guest pages itself stops
 * first. A request that ends at its disk is not fenced.
 */
START_TEST(test_an_early_answer_is_fenced_before_the_guest_sees_it)
{
	static const uint32_t how[] = {
		PVSCSI_CMD_ABORT_CMD, PVSCSI_CMD_RESET_DEVICE, PVSCSI_CMD_RESET_BUS,
		PVSCSI_CMD_ADAPTER_RESET, PVSCSI_CMD_SETUP_RINGS,
	};

	for (unsigned int k = 0; k < VMM_ARRAY_SIZE(how); k++) {
		struct fake_guest *g = fake_guest_new(false);
		struct test_req r = rw10(21, false, 8, 1);
		uint8_t data[16] = { 0 };
		uint32_t before;

		ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
		queue_req(g, &r);		/* ends at its disk: no fence */
		kick(g);
		ck_assert_uint_eq(cmp_prod(g), 1);
		ck_assert_uint_eq(g->fences, 0);
		g->rd->hold = true;
		r.context = 22;
		queue_req(g, &r);
		kick(g);
		ck_assert_uint_eq(g->rd->nr_held, 1);
		before = cmp_prod(g);
		if (how[k] == PVSCSI_CMD_SETUP_RINGS) {
			ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
		} else {
			if (how[k] == PVSCSI_CMD_ABORT_CMD)
				vmm_put64(data, 22);	/* its context; target 0 */
			send_command(g, how[k], how[k] == PVSCSI_CMD_ABORT_CMD ||
				     how[k] == PVSCSI_CMD_RESET_DEVICE ? data : NULL,
				     how[k] == PVSCSI_CMD_ABORT_CMD ? 16 :
				     how[k] == PVSCSI_CMD_RESET_DEVICE ? 12 : 0);
		}
		ck_assert_msg(g->fences == 1, "command %u: %u fences", how[k], g->fences);
		ck_assert_ptr_eq(g->fenced, g->rd->held[0].cmd);
		ck_assert_uint_eq(g->cmp_prod_at_fence, before);
		ck_assert(!g->buffer_open_at_fence);
		ramdisk_run(g->rd);		/* its late end: no second fence */
		ck_assert_uint_eq(g->fences, 1);
		fake_guest_free(g);
	}
}
END_TEST

START_TEST(test_abort_and_resets_answer_held_requests_once)
{
	struct fake_guest *g = fake_guest_new(false);
	struct test_req r = rw10(0, false, 8, 1);
	uint8_t abort_cmd[16] = { 0 }, reset_dev[12] = { 0 };

	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	g->rd->hold = true;
	r.context = 11;
	queue_req(g, &r);
	r.context = 12;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 0);

	/* abort 12: answered now; a wrong target or context aborts nothing */
	vmm_put64(abort_cmd, 12);
	vmm_put32(abort_cmd + 8, 1);
	ck_assert_uint_eq(send_command(g, PVSCSI_CMD_ABORT_CMD, abort_cmd, 16), PVSCSI_STATUS_OK);
	vmm_put64(abort_cmd, 99);
	vmm_put32(abort_cmd + 8, 0);
	send_command(g, PVSCSI_CMD_ABORT_CMD, abort_cmd, 16);
	ck_assert_uint_eq(cmp_prod(g), 0);
	vmm_put64(abort_cmd, 12);
	send_command(g, PVSCSI_CMD_ABORT_CMD, abort_cmd, 16);
	ck_assert_uint_eq(cmp_prod(g), 1);
	ck_assert_uint_eq(cmp_at(g, 0).context, 12);
	ck_assert_uint_eq(cmp_at(g, 0).host, BTSTAT_ABORTQUEUE);
	/* the backend finishes both: 11 completes, 12 is not answered twice
	 * and its data does not reach the guest */
	memset(g->ram + GPA_DATA, 0xcc, 512);
	ramdisk_run(g->rd);
	ck_assert_uint_eq(cmp_prod(g), 2);
	ck_assert_uint_eq(cmp_at(g, 1).context, 11);
	ck_assert_uint_eq(cmp_at(g, 1).host, BTSTAT_SUCCESS);

	/* RESET_DEVICE and RESET_BUS: BUSRESET, then a unit attention */
	r.context = 13;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(send_command(g, PVSCSI_CMD_RESET_DEVICE, reset_dev, 12), PVSCSI_STATUS_OK);
	ck_assert_uint_eq(cmp_prod(g), 3);
	ck_assert_uint_eq(cmp_at(g, 2).host, BTSTAT_BUSRESET);
	vmm_put32(reset_dev, 3);
	ck_assert_uint_eq(send_command(g, PVSCSI_CMD_RESET_DEVICE, reset_dev, 12), PVSCSI_STATUS_FAILED);
	r.context = 14;				/* reports the reset at once */
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 4);
	ck_assert_uint_eq(cmp_at(g, 3).scsi, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(g->ram[GPA_SENSE + 2], SCSI_SENSE_UNIT_ATTENTION);
	ck_assert_uint_eq(g->ram[GPA_SENSE + 12], 0x29);
	r.context = 15;
	queue_req(g, &r);
	kick(g);
	send_command(g, PVSCSI_CMD_RESET_BUS, NULL, 0);
	ck_assert_uint_eq(cmp_prod(g), 5);
	ck_assert_uint_eq(cmp_at(g, 4).host, BTSTAT_BUSRESET);
	ramdisk_run(g->rd);
	ck_assert_uint_eq(cmp_prod(g), 5);
	g->rd->hold = false;
	r.context = 16;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(cmp_at(g, 5).scsi, SCSI_STATUS_CHECK_CONDITION);

	/* ADAPTER_RESET drops a held request: no completion, no DMA after it */
	g->rd->hold = true;
	r.context = 17;
	queue_req(g, &r);
	kick(g);
	send_command(g, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	memset(g->ram + GPA_DATA, 0xcc, 512);
	ramdisk_run(g->rd);
	ck_assert_uint_eq(g->ram[GPA_DATA], 0xcc);
	ck_assert_uint_eq(reg_read(g, PVSCSI_REG_INTR_STATUS), 0);
	ck_assert(!g->irq);
	fake_guest_free(g);
}
END_TEST

/*
 * Once the guest has seen a request end, by an ABORT_CMD, a RESET_DEVICE,
 * a RESET_BUS, an ADAPTER_RESET or a new SETUP_RINGS, the adapter moves
 * no byte into that request's buffer any more, though its backend (the
 * storage world) ends the READ later: the driver has given the buffer
 * back, and the guest may hold anything there by then (a page table).
 * The vmkernel's disk path, and any path that writes guest pages
 * directly, must keep this.
 */
static void held_read_then(struct fake_guest *g, uint32_t cmd, const void *desc, size_t len)
{
	struct test_req r = rw10(31, false, 8, 1);
	uint8_t want[512];

	/* a reset before left a unit attention: one READ takes it */
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	memset(g->rd->data + 8 * 512, 0x5a, 512);	/* what the READ would bring */
	g->rd->hold = true;
	queue_req(g, &r);
	kick(g);
	ck_assert_uint_eq(g->rd->nr_held, 1);
	if (cmd == PVSCSI_CMD_SETUP_RINGS)
		ck_assert_uint_eq(setup_rings_at(g, 1, 1, GPA_STATE >> 12), PVSCSI_STATUS_OK);
	else
		ck_assert_uint_eq(send_command(g, cmd, desc, len), PVSCSI_STATUS_OK);
	/* the driver has the buffer back and reuses it */
	memset(g->ram + GPA_DATA, 0xcc, 512);
	memset(want, 0xcc, sizeof(want));
	ramdisk_run(g->rd);
	pvscsi_poll(&g->dev);
	ck_assert_mem_eq(g->ram + GPA_DATA, want, sizeof(want));
	g->rd->hold = false;
}

START_TEST(test_no_dma_into_a_buffer_after_the_guest_saw_its_request_end)
{
	struct fake_guest *g = fake_guest_new(false);
	uint8_t abort_cmd[16] = { 0 }, reset_dev[12] = { 0 };

	vmm_put64(abort_cmd, 31);			/* context 31 at target 0 */
	held_read_then(g, PVSCSI_CMD_ABORT_CMD, abort_cmd, sizeof(abort_cmd));
	ck_assert_uint_eq(cmp_at(g, 0).host, BTSTAT_ABORTQUEUE);
	held_read_then(g, PVSCSI_CMD_RESET_DEVICE, reset_dev, sizeof(reset_dev));
	ck_assert_uint_eq(cmp_at(g, 0).host, BTSTAT_BUSRESET);
	held_read_then(g, PVSCSI_CMD_RESET_BUS, NULL, 0);
	ck_assert_uint_eq(cmp_at(g, 0).host, BTSTAT_BUSRESET);
	held_read_then(g, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	held_read_then(g, PVSCSI_CMD_SETUP_RINGS, NULL, 0);
	ck_assert_uint_eq(g->dma_faults, 0);
	fake_guest_free(g);
}
END_TEST

/*
 * Random register writes and random ring contents on a running adapter,
 * with a backend that sometimes holds: nothing outside guest RAM is
 * touched (the fake's DMA refuses and counts, ASan watches the rest) and
 * a reset always brings the adapter back.
 */
START_TEST(test_random_garbage_on_registers_and_rings)
{
	static const uint32_t regs[] = {
		PVSCSI_REG_COMMAND, PVSCSI_REG_COMMAND_DATA, PVSCSI_REG_COMMAND_STATUS,
		PVSCSI_REG_INTR_STATUS, PVSCSI_REG_INTR_MASK, PVSCSI_REG_KICK_NON_RW_IO,
		PVSCSI_REG_KICK_RW_IO, 0x100, 0x3018,
	};
	unsigned int seed = 777 + _i;
	struct fake_guest *g = fake_guest_new(_i & 1);
	struct test_req good = inquiry(1);

	driver_start(g, 2, 1);
	for (int n = 0; n < 200000; n++) {
		unsigned int what = rand_r(&seed) % 16;

		if (what < 4) {		/* a plausible request with garbage in it */
			struct test_req r = rw10(rand_r(&seed), rand_r(&seed) & 1,
						 rand_r(&seed) % (DISK_BLOCKS + 8),
						 rand_r(&seed) % 16);
			uint8_t *b = (uint8_t *)&r;

			for (int k = rand_r(&seed) % 4; k; k--)
				b[rand_r(&seed) % sizeof(r)] = (uint8_t)rand_r(&seed);
			if (g->req_entries)
				queue_req(g, &r);
		} else if (what < 6) {
			uint32_t off = rand_r(&seed) % (GUEST_RAM - 8);

			vmm_put32(g->ram + off, (uint32_t)rand_r(&seed));
		} else if (what < 7) {
			vmm_put32(g->ram + GPA_STATE + 4 * (rand_r(&seed) % 8), (uint32_t)rand_r(&seed));
		} else if (what < 12) {
			uint32_t v = rand_r(&seed) % 2 ? (uint32_t)rand_r(&seed) :
				     (uint32_t)(rand_r(&seed) % 12);

			reg_write(g, regs[rand_r(&seed) % VMM_ARRAY_SIZE(regs)], v);
		} else if (what < 13) {
			g->rd->hold = rand_r(&seed) % 2;
			ramdisk_run(g->rd);
		} else if (what < 14) {
			consume_all(g);
			pvscsi_poll(&g->dev);
		} else if (what < 15 && rand_r(&seed) % 8 == 0) {
			driver_start(g, 1u << (rand_r(&seed) % 6), 1u << (rand_r(&seed) % 6));
		} else {
			kick(g);
		}
	}
	/* whatever happened, reset and a good request work */
	g->rd->hold = false;
	ramdisk_run(g->rd);
	ck_assert_uint_eq(driver_start(g, 1, 1), PVSCSI_STATUS_OK);
	ck_assert_ptr_null(pvscsi_error(&g->dev));
	queue_req(g, &good);
	kick(g);
	ck_assert_uint_eq(cmp_prod(g), 1);
	ck_assert_uint_eq(cmp_at(g, 0).context, 1);
	fake_guest_free(g);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("pvscsi");

	tcase_add_test(tc, test_pci_function_identity_bar_sizing_and_interrupt_pin);
	tcase_add_test(tc, test_setup_rings_writes_the_sizes_and_refuses_bad_rings);
	tcase_add_test(tc, test_unoffered_commands_fail_at_once_and_stray_data_is_ignored);
	tcase_add_test(tc, test_inquiry_completes_through_the_ring_with_an_interrupt);
	tcase_add_test(tc, test_msi_sends_one_message_per_completion_batch_instead_of_intx);
	tcase_add_test(tc, test_msi_completions_that_waited_for_ring_room_send_one_message);
	tcase_add_test(tc, test_write_and_read_back_through_sg_lists);
	tcase_add_test(tc, test_a_backend_finds_where_the_sg_list_puts_each_byte);
	tcase_add_test(tc, test_check_condition_puts_sense_in_the_guest_buffer);
	tcase_add_test(tc, test_a_read_failing_part_way_names_its_block_and_length);
	tcase_add_test(tc, test_bad_descriptors_and_targets_end_with_host_statuses);
	tcase_add_test(tc, test_a_garbage_producer_index_or_ring_stops_the_adapter_until_reset);
	tcase_add_test(tc, test_a_full_completion_ring_holds_completions_until_consumed);
	tcase_add_test(tc, test_more_requests_than_slots_wait_in_the_ring);
	tcase_add_test(tc, test_a_ring_of_large_requests_completes_in_batches_in_order);
	tcase_add_test(tc, test_a_reset_drops_the_requests_left_by_the_batch);
	tcase_add_test(tc, test_abort_and_resets_answer_held_requests_once);
	tcase_add_test(tc, test_no_dma_into_a_buffer_after_the_guest_saw_its_request_end);
	tcase_add_test(tc, test_an_early_answer_is_fenced_before_the_guest_sees_it);
	tcase_add_loop_test(tc, test_random_garbage_on_registers_and_rings, 0, 4);
	return check_run("pvscsi", tc);
}
