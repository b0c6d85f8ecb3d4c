// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the vmkernel's PVSCSI HBA driver
 * (vmkernel/storage/pvscsi_hba.c) over vmk's PVSCSI model as the hardware
 * (tests/unit/storage/hba_test.h). Each input is a program for a hostile
 * device and a busy stack: commands queued, forged completion descriptors
 * and ring indices, bytes of the completion ring overwritten, a device
 * deaf to aborts or resets, disks that hold their requests, the clock
 * moved, polls, interrupts and ticks. Bugs: a crash or sanitizer report,
 * done() called twice or for a command not queued, more commands in
 * flight than the depth, a command that never ends once time goes on,
 * and an adapter that cannot do a good READ after a bus reset.
 */
#include <stdio.h>

#include "tests/fuzz/input.h"
#include "tests/unit/storage/hba_test.h"
#include "vmm/bytes.h"

#define MAX_OPS		2048
#define NR_CMDS		(PVH_QUEUE_DEPTH + 4)

static struct hba_rig *rig;
static struct storage_cmd cmds[NR_CMDS];
static bool outstanding[NR_CMDS];

static void cmd_done(struct storage_cmd *cmd)
{
	size_t i = (size_t)(cmd - cmds);

	if (i >= NR_CMDS || !outstanding[i])
		abort();		/* done() for a command not in flight */
	outstanding[i] = false;
}

static void read_cmd(struct storage_cmd *cmd, uint32_t target, uint32_t lba, uint32_t timeout)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->target = target;
	cmd->cdb[0] = 0x28;			/* READ(10) */
	vmm_put_be32(&cmd->cdb[2], lba);
	vmm_put_be16(&cmd->cdb[7], 1);
	cmd->cdb_len = 10;
	cmd->dir = STORAGE_DIR_READ;
	cmd->nr_sg = 1;
	cmd->sg[0].addr = PHYS_DATA + (cmd - cmds) * 512;
	cmd->sg[0].len = 512;
	cmd->timeout_ms = timeout;
	cmd->done = cmd_done;
}

static void queue_one(struct fuzz_input *in)
{
	unsigned int i = fuzz_next8(in) % NR_CMDS;
	uint8_t t = fuzz_next8(in);
	struct storage_adapter *ad = &rig->hba.adapter;
	int ret;

	if (outstanding[i])
		return;
	read_cmd(&cmds[i], t & 1 ? 2 : (t & 2 ? 5 : 0), t >> 2, fuzz_next8(in) * 100u);
	outstanding[i] = true;
	ret = ad->ops->queue(ad->hba, &cmds[i]);
	if (ret != VMK_OK)
		outstanding[i] = false;
	if (rig->hba.nr_active > PVH_QUEUE_DEPTH)
		abort();
}

/* The device posts a completion made of input bytes. */
static void forge_completion(struct fuzz_input *in)
{
	struct pvscsi_hba *h = &rig->hba;
	uint32_t prod = vmm_get32(h->state + PVSCSI_RS_CMP_PROD);
	uint8_t *d = h->cmp_ring + (prod & (h->cmp_entries - 1)) * PVSCSI_CMP_DESC_LEN;

	vmm_put64(d + PVSCSI_CQ_CONTEXT, fuzz_next8(in) % (PVH_QUEUE_DEPTH + 3));
	vmm_put64(d + PVSCSI_CQ_DATA_LEN, fuzz_next32(in));
	vmm_put32(d + PVSCSI_CQ_SENSE_LEN, fuzz_next32(in));
	vmm_put16(d + PVSCSI_CQ_HOST_STATUS, fuzz_next8(in));
	vmm_put16(d + PVSCSI_CQ_SCSI_STATUS, fuzz_next8(in));
	vmm_put32(h->state + PVSCSI_RS_CMP_PROD, prod + 1);
	rig->dev.cmp_prod = prod + 1;
}

static void run_op(struct fuzz_input *in, uint8_t op)
{
	struct storage_adapter *ad = &rig->hba.adapter;

	switch (op % 12) {
	case 0:
	case 1:
		queue_one(in);
		break;
	case 2:
		forge_completion(in);
		break;
	case 3:		/* a hostile index in the rings state page */
		vmm_put32(rig->hba.state + (fuzz_next8(in) & 1 ? PVSCSI_RS_CMP_PROD :
					    PVSCSI_RS_REQ_CONS), fuzz_next32(in));
		break;
	case 4:
		rig->hba.cmp_ring[fuzz_next32(in) % PVSCSI_PAGE_SIZE] = fuzz_next8(in);
		break;
	case 5:
		ad->ops->poll(ad->hba);
		break;
	case 6:
		ad->ops->interrupt(ad->hba);
		break;
	case 7:
		rig->now += fuzz_next32(in) % 60000;
		ad->ops->tick(ad->hba);
		break;
	case 8:
		ramdisk_run(rig->rd[0]);
		ramdisk_run(rig->rd[1]);
		break;
	case 9:
		rig->rd[fuzz_next8(in) & 1]->hold ^= true;
		break;
	case 10:
		ad->ops->reset_bus(ad->hba);
		break;
	case 11: {
		static const uint32_t deaf[3] = { 0, PVSCSI_CMD_ABORT_CMD, PVSCSI_CMD_RESET_BUS };

		rig->deaf_to = deaf[fuzz_next8(in) % 3];
		break;
	}
	}
}

static bool any_outstanding(void)
{
	for (unsigned int i = 0; i < NR_CMDS; i++)
		if (outstanding[i])
			return true;
	return false;
}

/* Tick with the clock moving until no command is in flight; false: one never ends. */
static bool drain(void)
{
	struct storage_adapter *ad = &rig->hba.adapter;

	for (int i = 0; i < 8 && any_outstanding(); i++) {
		rig->now += PVH_TIMEOUT_MS;
		ad->ops->tick(ad->hba);
	}
	return !any_outstanding() && !rig->hba.nr_active;
}

/*
 * After the program the device behaves: everything in flight ends, and
 * within a few tries (the reset's UNIT ATTENTION, a ring the program left
 * out of step that the timeout ladder has to reset) a READ goes through.
 */
static void check_recovers(void)
{
	struct storage_adapter *ad = &rig->hba.adapter;

	rig->deaf_to = 0;
	rig->rd[0]->hold = rig->rd[1]->hold = false;
	ramdisk_run(rig->rd[0]);
	ramdisk_run(rig->rd[1]);
	if (!drain())
		abort();		/* a command never ended */
	ad->ops->reset_bus(ad->hba);
	for (int tries = 0;; tries++) {
		if (tries == 4)
			abort();	/* the adapter does not recover */
		read_cmd(&cmds[0], 0, 0, 0);
		outstanding[0] = true;
		if (ad->ops->queue(ad->hba, &cmds[0]) != VMK_OK) {
			outstanding[0] = false;
			ad->ops->reset_bus(ad->hba);
			continue;
		}
		ad->ops->poll(ad->hba);
		if (!drain())
			abort();
		if (cmds[0].host != STORAGE_HOST_OK)
			ad->ops->reset_bus(ad->hba);
		else if (cmds[0].status == 0)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };

	if (!rig)
		rig = rig_new();	/* kept: building the disks is the slow part */
	rig_reset(rig);
	memset(outstanding, 0, sizeof(outstanding));
	if (rig_start(rig) != VMK_OK)
		abort();
	for (int n = 0; n < MAX_OPS && in.left; n++)
		run_op(&in, fuzz_next8(&in));
	check_recovers();
	return 0;
}
