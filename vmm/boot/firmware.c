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

const char *firmware_optrom_check(const uint8_t *rom, uint32_t size)
{
	uint32_t len, i;
	uint8_t sum = 0;

	if (!rom || size < FIRMWARE_OPTROM_BLOCK || size > FIRMWARE_OPTROM_MAX)
		return "the option ROM must be 512 bytes to 64 KiB";
	if (rom[0] != 0x55 || rom[1] != 0xaa)
		return "the option ROM does not start with 55 AA";
	len = rom[2] * FIRMWARE_OPTROM_BLOCK;
	if (!len || len > size)
		return "the option ROM's length byte does not match its size";
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + rom[i]);
	if (sum)
		return "the option ROM's checksum is wrong";
	return NULL;
}

static bool firmware_has_pieces(const struct firmware_kernel *k)
{
	return k->piece_len && k->kernel_pieces && (!k->initrd_len || k->initrd_pieces);
}

struct boot_result firmware_linux_prepare(struct firmware_cfg *fc,
					  const struct firmware_kernel *k,
					  uint64_t ram_size)
{
	const char *why = firmware_optrom_check(k->optrom, k->optrom_len);
	struct linux_boot_args a = {
		.kernel = k->image, .kernel_len = k->kernel_len,
		.initrd = k->initrd_len ? k->image : NULL,	/* only its length counts */
		.initrd_len = k->initrd_len,
		.cmdline = k->cmdline,
	};
	struct linux_fw_cfg *l = &fc->lx;
	struct boot_result r;

	if (why)
		return boot_fail(BOOT_BAD_IMAGE, why);
	if (!firmware_has_pieces(k))
		return boot_fail(BOOT_BAD_IMAGE, "bzImage: no pieces to serve it from");
	fc->multiboot = false;
	r = linux_fw_cfg_prepare(&a, ram_size, l);
	if (r.status != BOOT_OK)
		return r;
	vmm_put32(fc->setup_addr, LINUX_FW_SETUP_ADDR);
	vmm_put32(fc->setup_size, l->setup_len);
	vmm_put32(fc->kernel_addr, BOOT_HIGH_MEM);
	vmm_put32(fc->kernel_size, l->kernel_len);
	vmm_put32(fc->initrd_addr, l->initrd_addr);
	vmm_put32(fc->initrd_size, k->initrd_len);
	vmm_put32(fc->cmdline_addr, LINUX_FW_CMDLINE_ADDR);
	vmm_put32(fc->cmdline_size, l->cmdline_len);
	fc->kernel = (struct fw_cfg_pieces){
		.piece = k->kernel_pieces, .piece_len = k->piece_len,
		.skip = l->kernel_offset,
	};
	fc->initrd = (struct fw_cfg_pieces){
		.piece = k->initrd_pieces, .piece_len = k->piece_len, .skip = 0,
	};
	return r;
}

struct boot_result firmware_multiboot_prepare(struct firmware_cfg *fc,
					      const struct firmware_kernel *k,
					      uint64_t ram_size)
{
	const char *why = firmware_optrom_check(k->optrom, k->optrom_len);
	const struct multiboot_module mod = {
		.data = NULL, .len = k->initrd_len, .string = BOOT_MB_MODULE_STRING,
	};
	const struct multiboot_args a = {
		.kernel = k->image, .kernel_len = k->kernel_len, .cmdline = k->cmdline,
		.modules = &mod, .nr_modules = k->initrd_len ? 1 : 0,
	};
	struct multiboot_fw_cfg *m = &fc->mb;
	struct boot_result r;

	if (why)
		return boot_fail(BOOT_BAD_IMAGE, why);
	if (!firmware_has_pieces(k))
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: no pieces to serve it from");
	if (k->image && multiboot_header_offset(k->image, k->kernel_len) < 0)
		return boot_fail(BOOT_BAD_IMAGE, "neither a bzImage (no HdrS at 0x202) nor Multiboot (no header in 8 KiB)");
	fc->multiboot = true;
	r = multiboot_fw_cfg_prepare(&a, ram_size, m);
	if (r.status != BOOT_OK)
		return r;
	for (unsigned int i = 0; i < m->nr_parts; i++) {
		const struct multiboot_fw_part *p = &m->part[i];
		struct fw_cfg_part *f = &fc->mb_parts[i];

		*f = (struct fw_cfg_part){ .len = p->len };
		if (p->source == MB_FW_INFO)
			f->data = m->info + p->offset;
		else if (p->source != MB_FW_ZEROS)
			f->pieces = (struct fw_cfg_pieces){
				.piece = p->source == MB_FW_KERNEL ? k->kernel_pieces : k->initrd_pieces,
				.piece_len = k->piece_len, .skip = p->offset,
			};
	}
	vmm_put32(fc->kernel_entry, m->entry);
	vmm_put32(fc->kernel_addr, m->load_addr);
	vmm_put32(fc->kernel_size, m->size);
	vmm_put32(fc->initrd_addr, MB_FW_MBI_ADDR);
	vmm_put32(fc->initrd_size, MB_FW_MBI_SIZE);
	return r;
}

static const char linuxboot_order[] = FIRMWARE_LINUXBOOT_BOOTORDER;
static const char multiboot_order[] = FIRMWARE_MULTIBOOT_BOOTORDER;

/* The items of a prepared Multiboot kernel, as QEMU's load_multiboot adds them. */
static bool firmware_cfg_add_multiboot(struct firmware_cfg *fc,
				       const struct firmware_kernel *k)
{
	struct fw_cfg *fw = &fc->fw;
	const struct multiboot_fw_cfg *m = &fc->mb;

	return fw_cfg_add_bytes(fw, FW_CFG_KERNEL_ENTRY, fc->kernel_entry, 4) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_KERNEL_ADDR, fc->kernel_addr, 4) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_KERNEL_SIZE, fc->kernel_size, 4) == FW_CFG_OK &&
	       fw_cfg_add_parts(fw, FW_CFG_KERNEL_DATA, fc->mb_parts, m->nr_parts) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_INITRD_ADDR, fc->initrd_addr, 4) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_INITRD_SIZE, fc->initrd_size, 4) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, m->mbi, sizeof(m->mbi)) == FW_CFG_OK &&
	       fw_cfg_add_file(fw, FIRMWARE_MULTIBOOT_FILE, k->optrom, k->optrom_len,
			       NULL) == FW_CFG_OK &&
	       fw_cfg_add_file(fw, "bootorder", multiboot_order, sizeof(multiboot_order),
			       NULL) == FW_CFG_OK;
}

/* The items of a prepared kernel (firmware_linux_prepare), as QEMU adds them. */
static bool firmware_cfg_add_linux(struct firmware_cfg *fc,
				   const struct firmware_kernel *k)
{
	static const char empty[1];
	struct fw_cfg *fw = &fc->fw;
	const struct linux_fw_cfg *l = &fc->lx;
	const char *cmdline = k->cmdline ? k->cmdline : empty;

	if (fw_cfg_add_bytes(fw, FW_CFG_SETUP_ADDR, fc->setup_addr, 4) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_SETUP_SIZE, fc->setup_size, 4) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, l->setup, l->setup_len) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_ADDR, fc->kernel_addr, 4) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_SIZE, fc->kernel_size, 4) != FW_CFG_OK ||
	    fw_cfg_add_pieces(fw, FW_CFG_KERNEL_DATA, &fc->kernel, l->kernel_len) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_ADDR, fc->cmdline_addr, 4) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_SIZE, fc->cmdline_size, 4) != FW_CFG_OK ||
	    fw_cfg_add_bytes(fw, FW_CFG_CMDLINE_DATA, cmdline, l->cmdline_len) != FW_CFG_OK ||
	    fw_cfg_add_file(fw, FIRMWARE_LINUXBOOT_FILE, k->optrom, k->optrom_len,
			    NULL) != FW_CFG_OK ||
	    fw_cfg_add_file(fw, "bootorder", linuxboot_order, sizeof(linuxboot_order),
			    NULL) != FW_CFG_OK)
		return false;
	if (!k->initrd_len)
		return true;
	return fw_cfg_add_bytes(fw, FW_CFG_INITRD_ADDR, fc->initrd_addr, 4) == FW_CFG_OK &&
	       fw_cfg_add_bytes(fw, FW_CFG_INITRD_SIZE, fc->initrd_size, 4) == FW_CFG_OK &&
	       fw_cfg_add_pieces(fw, FW_CFG_INITRD_DATA, &fc->initrd, k->initrd_len) == FW_CFG_OK;
}

/* An empty boot order: the firmware's own (disks, then the rest). */
static const uint8_t no_boot_order[1];

enum vdev_result firmware_cfg_attach(struct firmware_cfg *fc,
				     struct vm_devices *dev,
				     const struct guest_dma *dma,
				     const struct firmware_kernel *k)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n = firmware_e820(dev->cfg.ram_size, map);
	enum vdev_result r;

	fw_cfg_init(&fc->fw, dma);
	vmm_put16(fc->boot_menu, 0);
	vmm_put16(fc->sercon_port, FIRMWARE_SERCON_PORT);
	vmm_put32(fc->irq0_override, 1);
	if (fw_cfg_add_ram_size(&fc->fw, dev->cfg.ram_size) != FW_CFG_OK ||
	    fw_cfg_add_cpus(&fc->fw, (uint16_t)dev->cfg.nr_vcpus,
			    (uint16_t)dev->cfg.nr_vcpus) != FW_CFG_OK ||
	    fw_cfg_add_e820(&fc->fw, map, n) != FW_CFG_OK ||
	    fw_cfg_add_bytes(&fc->fw, FW_CFG_BOOT_MENU, fc->boot_menu,
			     sizeof(fc->boot_menu)) != FW_CFG_OK ||
	    fw_cfg_add_bytes(&fc->fw, FW_CFG_IRQ0_OVERRIDE, fc->irq0_override,
			     sizeof(fc->irq0_override)) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, "etc/sercon-port", fc->sercon_port,
			    sizeof(fc->sercon_port), NULL) != FW_CFG_OK)
		return VDEV_NO_SLOT;
	if (k ? !(fc->multiboot ? firmware_cfg_add_multiboot(fc, k) :
		  firmware_cfg_add_linux(fc, k)) :
	    fw_cfg_add_file(&fc->fw, "bootorder", no_boot_order, 0, NULL) != FW_CFG_OK)
		return VDEV_NO_SLOT;
	r = vdev_register_pio(dev, FW_CFG_CTL_PORT, FW_CFG_CTL_LEN,
			      &fw_cfg_ctl_ops, &fc->fw);
	if (r == VDEV_OK)
		r = vdev_register_pio(dev, FW_CFG_DMA_PORT, FW_CFG_DMA_LEN,
				      &fw_cfg_dma_ops, &fc->fw);
	return r;
}

enum vdev_result firmware_cfg_add_smbios(struct firmware_cfg *fc,
					 const struct vm_devices *dev,
					 const uint8_t *uuid)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	struct smbios_vm vm = {
		.uuid = uuid, .nr_vcpus = dev->cfg.nr_vcpus,
		.ram_size = dev->cfg.ram_size, .map = map,
	};
	uint32_t len;

	vm.map_len = firmware_e820(dev->cfg.ram_size, map);
	len = smbios_build(&vm, fc->smbios_anchor, fc->smbios_tables,
			   sizeof(fc->smbios_tables));
	if (!len ||
	    fw_cfg_add_file(&fc->fw, "etc/smbios/smbios-anchor", fc->smbios_anchor,
			    sizeof(fc->smbios_anchor), NULL) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, "etc/smbios/smbios-tables", fc->smbios_tables,
			    len, NULL) != FW_CFG_OK)
		return VDEV_NO_SLOT;
	return VDEV_OK;
}

enum vdev_result firmware_cfg_add_acpi(struct firmware_cfg *fc, const struct vm_devices *dev,
				       uint8_t ioapic_id, uint32_t ioapic_addr)
{
	/*
	 * The DSDT must say what the firmware will program, before it runs:
	 * vmk boots only SeaBIOS (vmm/devices.h vdev_pirq_irq()).
	 */
	struct acpi_pci_irqs irq = { .scsi = (uint8_t)vdev_pirq_irq(VDEV_SCSI_SLOT) };
	struct acpi_firmware *t = &fc->acpi;

	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++)
		irq.nic[n] = (uint8_t)vdev_pirq_irq(VDEV_NIC_SLOT(n));

	if (acpi_build_for_firmware(t, &irq, dev->cfg.ram_size, dev->cfg.nr_vcpus, ioapic_id,
				    ioapic_addr) != BOOT_OK ||
	    fw_cfg_add_file(&fc->fw, ACPI_FILE_RSDP, t->rsdp, sizeof(t->rsdp), NULL) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, ACPI_FILE_TABLES, t->tables, t->tables_len, NULL) != FW_CFG_OK ||
	    fw_cfg_add_file(&fc->fw, ACPI_FILE_LOADER, t->loader, t->loader_len, NULL) != FW_CFG_OK)
		return VDEV_NO_SLOT;
	return VDEV_OK;
}
