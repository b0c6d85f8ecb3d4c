// SPDX-License-Identifier: GPL-2.0-only
/* Firmware boot: the BIOS ROM's place and the fw_cfg items of a PC. */
#include "vmm/boot/firmware.h"
#include "vmm/bytes.h"

const char *firmware_rom_check(uint32_t size)
{
	if (size < FIRMWARE_ROM_MIN || size > FIRMWARE_ROM_MAX)
		return "the firmware image must be 64 KiB to 2 MiB";
	if (size % FIRMWARE_ROM_ALIGN)
		return "the firmware image is not a multiple of 64 KiB";
	return NULL;
}

uint64_t firmware_rom_base(uint32_t size)
{
	return BOOT_4G - size;
}

struct boot_result firmware_load_low(const struct guest_mem *mem,
				     const uint8_t *rom, uint32_t size)
{
	uint32_t len = size < FIRMWARE_LOW_MAX ? size : FIRMWARE_LOW_MAX;
	struct boot_result r = { .status = BOOT_OK };

	if (mem->ram_size < FIRMWARE_LOW_END)
		return boot_fail(BOOT_NO_ROOM, "the firmware needs 1 MiB of RAM at least");
	if (!mem->write(mem->ctx, FIRMWARE_LOW_END - len, rom + size - len, len))
		return boot_fail(BOOT_MEM_FAILED, "the firmware's low window could not be written");
	return r;
}

unsigned int firmware_e820(uint64_t ram_size, struct e820_entry *map)
{
	uint64_t low = boot_high_ram_end(ram_size);
	unsigned int n = 0;

	map[n].addr = 0;
	map[n].size = low;
	map[n++].type = E820_RAM;
	if (ram_size > low) {
		map[n].addr = BOOT_4G;
		map[n].size = ram_size - low;
		map[n++].type = E820_RAM;
	}
	return n;
}

/* An empty boot order: the firmware's own (disks, then the rest). */
static const uint8_t no_boot_order[1];

enum vdev_result firmware_cfg_attach(struct firmware_cfg *fc,
				     struct vm_devices *dev,
				     const struct guest_dma *dma)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n = firmware_e820(dev->cfg.ram_size, map);
	enum vdev_result r;

	fw_cfg_init(&fc->fw, dma);
	vmm_put16(fc->boot_menu, 0);
	vmm_put16(fc->sercon_port, FIRMWARE_SERCON_PORT);
	if (fw_cfg_add_ram_size(&fc->fw, dev->cfg.ram_size) != FW_CFG_OK ||
	    fw_cfg_add_cpus(&fc->fw, (uint16_t)dev->cfg.nr_vcpus,
			    (uint16_t)dev->cfg.nr_vcpus) != FW_CFG_OK ||
	    fw_cfg_add_e820(&fc->fw, map, n) != FW_CFG_OK ||
	    fw_cfg_add_bytes(&fc->fw, FW_CFG_BOOT_MENU, fc->boot_menu,
			     sizeof(fc->boot_menu)) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, "bootorder", no_boot_order, 0, NULL) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, "etc/sercon-port", fc->sercon_port,
			    sizeof(fc->sercon_port), NULL) != FW_CFG_OK)
		return VDEV_NO_SLOT;
	r = vdev_register_pio(dev, FW_CFG_CTL_PORT, FW_CFG_CTL_LEN,
			      &fw_cfg_ctl_ops, &fc->fw);
	if (r == VDEV_OK)
		r = vdev_register_pio(dev, FW_CFG_DMA_PORT, FW_CFG_DMA_LEN,
				      &fw_cfg_dma_ops, &fc->fw);
	return r;
}
