// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the fw_cfg device model (vmm/dev/fw_cfg.c). Each
 * input is a little program for a hostile guest: port writes and reads of
 * any width and value, descriptor bytes written into its 64 KiB of RAM,
 * DMA kicks at any 64-bit address, resets. The DMA callbacks refuse
 * anything outside that RAM (ASan sees the rest). Whatever the input did,
 * the read-only items must be unchanged and a fresh select must read the
 * signature. Crashes, sanitizer reports, hangs and a changed item are bugs.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/input.h"
#include "vmm/dev/fw_cfg.h"
#include "vmm/devices.h"

#define RAM_SIZE	0x10000u
#define MAX_OPS		4096

static uint8_t ram[RAM_SIZE];
static struct fw_cfg fw;
static uint8_t big[5000], rw[64];
static const char bootorder[] = "/pci@i0cf8/scsi@5/disk@0,0\n";

static bool in_ram(uint64_t gpa, uint32_t len)
{
	return gpa <= RAM_SIZE && len <= RAM_SIZE - gpa;
}

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return false;
	memcpy(dst, ram + gpa, len);
	return true;
}

static bool ram_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return false;
	memcpy(ram + gpa, src, len);
	return true;
}

static void fresh_device(void)
{
	static const struct guest_dma dma = { ram_read, ram_write, NULL };
	static const struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_RAM }, { 0x100000, 0x3f00000, E820_RAM },
	};

	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + 1);
	memset(rw, 0, sizeof(rw));
	memset(ram, 0, sizeof(ram));
	fw_cfg_init(&fw, &dma);
	if (fw_cfg_add_ram_size(&fw, 64u << 20) || fw_cfg_add_cpus(&fw, 2, 4) ||
	    fw_cfg_add_e820(&fw, map, 2) ||
	    fw_cfg_add_file(&fw, "bootorder", bootorder, sizeof(bootorder) - 1, NULL) ||
	    fw_cfg_add_file(&fw, "opt/big", big, sizeof(big), NULL) ||
	    fw_cfg_add_file_rw(&fw, "opt/rw", rw, sizeof(rw), NULL))
		abort();
}

static void port_access(uint8_t op, struct fuzz_input *in)
{
	static const unsigned int sizes[] = { 1, 2, 4, 4 };
	unsigned int size = sizes[fuzz_next8(in) & 3];
	unsigned int n = fuzz_next8(in) % (FW_CFG_CTL_LEN + FW_CFG_DMA_LEN);
	const struct vdev_io_ops *ops = n < FW_CFG_CTL_LEN ? &fw_cfg_ctl_ops :
							      &fw_cfg_dma_ops;
	uint32_t offset = n < FW_CFG_CTL_LEN ? n : n - FW_CFG_CTL_LEN;

	if (op & 1)
		ops->write(&fw, offset, size, fuzz_next32(in));
	else
		ops->read(&fw, offset, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t sig[4];

	fresh_device();
	for (int i = 0; i < MAX_OPS && in.left; i++) {
		uint8_t op = fuzz_next8(&in);
		uint32_t at;
		uint64_t addr;

		switch (op % 6) {
		case 0:
		case 1:
			port_access(op, &in);
			break;
		case 2:		/* a descriptor (or anything) into RAM */
			at = fuzz_next32(&in) % (RAM_SIZE - FW_CFG_DMA_DESC_LEN);
			for (unsigned int b = 0; b < FW_CFG_DMA_DESC_LEN; b++)
				ram[at + b] = fuzz_next8(&in);
			break;
		case 3:		/* a DMA kick at a descriptor in RAM */
			at = fuzz_next32(&in) % RAM_SIZE;
			fw_cfg_dma_ops.write(&fw, 4, 4, __builtin_bswap32(at));
			break;
		case 4:		/* a DMA kick at any 64-bit address */
			addr = (uint64_t)fuzz_next32(&in) << 32;
			addr |= fuzz_next32(&in);
			fw_cfg_dma_ops.write(&fw, 0, 4, __builtin_bswap32((uint32_t)(addr >> 32)));
			fw_cfg_dma_ops.write(&fw, 4, 4, __builtin_bswap32((uint32_t)addr));
			break;
		default:
			fw_cfg_reset(&fw);
			break;
		}
	}
	for (unsigned int i = 0; i < sizeof(big); i++)
		if (big[i] != (uint8_t)(i * 13 + 1))
			abort();
	fw_cfg_ctl_ops.write(&fw, 0, 2, FW_CFG_SIGNATURE);
	for (unsigned int i = 0; i < 4; i++)
		sig[i] = (uint8_t)fw_cfg_ctl_ops.read(&fw, 1, 1);
	if (memcmp(sig, "QEMU", 4))
		abort();
	return 0;
}
