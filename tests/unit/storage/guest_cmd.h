/* SPDX-License-Identifier: GPL-2.0-only */
/* The commands a guest sends the disk model, for the backends' tests. */
#ifndef TESTS_UNIT_STORAGE_GUEST_CMD_H
#define TESTS_UNIT_STORAGE_GUEST_CMD_H

#include <string.h>
#include "vmm/scsi/disk.h"

/* cmd as READ(10)/WRITE(10) of nr blocks at lba into or out of buf. */
static inline void guest_rw10(struct scsi_cmd *cmd, bool write, uint32_t lba,
			      uint16_t nr, struct scsi_buf buf,
			      void (*done)(struct scsi_cmd *cmd))
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cdb[0] = write ? 0x2a : 0x28;
	cmd->cdb[2] = (uint8_t)(lba >> 24);
	cmd->cdb[3] = (uint8_t)(lba >> 16);
	cmd->cdb[4] = (uint8_t)(lba >> 8);
	cmd->cdb[5] = (uint8_t)lba;
	cmd->cdb[7] = (uint8_t)(nr >> 8);
	cmd->cdb[8] = (uint8_t)nr;
	cmd->cdb_len = 10;
	cmd->dir = write ? SCSI_DIR_TO_TARGET : SCSI_DIR_TO_INITIATOR;
	cmd->buf = buf;
	cmd->done = done;
}

/* cmd as SYNCHRONIZE CACHE(10) of the whole disk. */
static inline void guest_sync10(struct scsi_cmd *cmd, void (*done)(struct scsi_cmd *cmd))
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cdb[0] = 0x35;
	cmd->cdb_len = 10;
	cmd->dir = SCSI_DIR_NONE;
	cmd->done = done;
}

/*
 * The INFORMATION field of cmd's fixed-format sense data (SPC-4
 * §4.5.3: bytes 3-6), as Linux's scsi_get_sense_info_fld() reads it;
 * UINT64_MAX: VALID is clear.
 */
static inline uint64_t guest_sense_info(const struct scsi_cmd *cmd)
{
	const uint8_t *s = cmd->sense;

	if (cmd->sense_len < 7 || (s[0] & 0x7f) != 0x70 || !(s[0] & 0x80))
		return UINT64_MAX;
	return (uint32_t)s[3] << 24 | (uint32_t)s[4] << 16 | (uint32_t)s[5] << 8 | s[6];
}

#endif /* TESTS_UNIT_STORAGE_GUEST_CMD_H */
