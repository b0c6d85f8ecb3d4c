// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's firmware configuration device (fw_cfg), as SeaBIOS and
 * QEMU-aware guests read it (QEMU docs/specs/fw_cfg.rst): a table of
 * items, each a byte string under a 16-bit key, some of them "files"
 * listed by name in a directory item. x86 ports:
 *
 *	0x510	selector, 16-bit write: picks an item, data offset 0
 *	0x511	data, byte reads: the item's next byte, 0 past its end
 *	0x514	DMA address, 64-bit big-endian as two 32-bit writes (high
 *		half at 0x514, low half at 0x518; the low half starts the
 *		transfer); reads give "QEMU CFG"
 *
 * The DMA descriptor (struct FWCfgDmaAccess in the spec, all fields
 * big-endian) is 16 bytes of guest RAM: control (bits below; with SELECT
 * the upper 16 bits are a selector), length, address. The model reads
 * it once, moves the data through struct guest_dma (every guest-physical
 * range checked by the caller's callbacks), and writes back control: 0
 * done, FW_CFG_DMA_ERROR something was refused.
 *
 * No globals and no allocation: the caller owns struct fw_cfg and the
 * item data (it must outlive the device; writable items are changed in
 * place). Items are added once, before the guest runs. BIOS VMs have one
 * (vmkernel/vm, docs/vmm.md "Firmware boot").
 */
#ifndef VMM_DEV_FW_CFG_H
#define VMM_DEV_FW_CFG_H

#include "vmm/platform.h"
#include "vmm/guest_dma.h"
#include "vmm/boot/boot.h"

/* Port ranges on x86 (fw_cfg.rst "Register Locations"). */
#define FW_CFG_CTL_PORT		0x510	/* selector; data at +1 */
#define FW_CFG_CTL_LEN		2
#define FW_CFG_DMA_PORT		0x514
#define FW_CFG_DMA_LEN		8

/* Keys (fw_cfg.rst "Firmware Configuration Items", QEMU fw_cfg_keys.h). */
#define FW_CFG_SIGNATURE	0x0000	/* "QEMU" */
#define FW_CFG_ID		0x0001	/* le32 feature bits */
#define FW_CFG_RAM_SIZE		0x0003	/* le64 bytes */
#define FW_CFG_NB_CPUS		0x0005	/* le16 CPUs at boot */
#define FW_CFG_MAX_CPUS		0x000f	/* le16; SeaBIOS reads it as "etc/max-cpus" */
#define FW_CFG_FILE_DIR		0x0019	/* the directory of named items */
#define FW_CFG_FILE_FIRST	0x0020	/* first key given to a named item */
#define FW_CFG_ARCH_LOCAL	0x8000	/* bit 15: architecture-specific keys */
#define FW_CFG_WRITE_CHANNEL	0x4000	/* bit 14: legacy write mode, ignored */

/* FW_CFG_ID bits. */
#define FW_CFG_ID_TRADITIONAL	(1u << 0)
#define FW_CFG_ID_DMA		(1u << 1)

/* FWCfgDmaAccess.control bits (fw_cfg.rst "Guest-side DMA Interface"). */
#define FW_CFG_DMA_ERROR	(1u << 0)
#define FW_CFG_DMA_READ		(1u << 1)
#define FW_CFG_DMA_SKIP		(1u << 2)
#define FW_CFG_DMA_SELECT	(1u << 3)
#define FW_CFG_DMA_WRITE	(1u << 4)
#define FW_CFG_DMA_DESC_LEN	16

/* "QEMU CFG", what a read of the DMA address register returns. */
#define FW_CFG_DMA_SIGNATURE	0x51454d5520434647ull

/* The directory: be32 count, then per file be32 size, be16 select, be16 reserved, name. */
#define FW_CFG_NAME_LEN		56	/* name bytes with the NUL */
#define FW_CFG_DIR_ENTRY_LEN	64
#define FW_CFG_MAX_FILES	32
#define FW_CFG_MAX_ITEMS	(FW_CFG_MAX_FILES + 16)

/* etc/e820: per entry le64 address, le64 length, le32 type (QEMU's struct e820_entry). */
#define FW_CFG_E820_ENTRY_LEN	20

/*
 * A DMA read past an item's end fills zeros, as QEMU does; more than this
 * many zero bytes in one transfer ends it with the error bit, so a hostile
 * length cannot make one exit clear all of guest RAM.
 */
#define FW_CFG_DMA_FILL_MAX	(1u << 20)
/*
 * The zero parts of an item (a Multiboot image's bss and gaps) are
 * served 4 KiB per copy; more than this many bytes of them in one
 * transfer ends it with the error bit, so one exit stays bounded
 * whatever bss a kernel file asks for (SeaBIOS's ROM reads the image in
 * one transfer: a Multiboot kernel with more bss than this does not boot
 * through the firmware).
 */
#define FW_CFG_DMA_ZERO_PARTS_MAX	(64u << 20)

enum fw_cfg_result {
	FW_CFG_OK = 0,
	FW_CFG_FULL,		/* no item or file slot left */
	FW_CFG_BAD_KEY,		/* a built-in key, a file key, or bits 14 set */
	FW_CFG_EXISTS,		/* that key or file name is taken */
	FW_CFG_BAD_NAME,	/* empty, or FW_CFG_NAME_LEN bytes or more */
	FW_CFG_TOO_BIG,		/* more e820 entries than E820_MAX_ENTRIES, parts of 4 GiB */
};

/*
 * Bytes that are not in one buffer: piece[i] holds piece_len bytes, and
 * an item's byte n is byte n + skip of their concatenation (a kernel
 * staged in 2 MiB chunks, without its first skip bytes).
 */
struct fw_cfg_pieces {
	const uint8_t *const *piece;
	uint32_t piece_len;
	uint32_t skip;
};

/*
 * One part of an item made of parts one after another (QEMU's Multiboot
 * image: kernel segments, the zeros between and after them, the info
 * strings, a module): len bytes from data, else from pieces, else zeros
 * (data and pieces.piece both NULL).
 */
struct fw_cfg_part {
	uint32_t len;
	const uint8_t *data;
	struct fw_cfg_pieces pieces;
};

struct fw_cfg_item {
	uint16_t key;
	uint32_t len;
	const uint8_t *data;
	uint8_t *wdata;		/* non-NULL: the guest may write it by DMA */
	struct fw_cfg_pieces pieces;	/* used when data and parts are NULL */
	const struct fw_cfg_part *parts;	/* nr_parts of them, used when data is NULL */
	unsigned int nr_parts;
	char name[FW_CFG_NAME_LEN];	/* files only, NUL-padded */
};

struct fw_cfg {
	struct guest_dma dma;
	uint16_t selector;
	const struct fw_cfg_item *cur;	/* NULL: no item under the selector */
	uint32_t offset;
	uint32_t dma_addr_high;		/* the high half written so far */
	unsigned int nr_items, nr_files;
	struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
	/* the built-in items' bytes and those the builders make */
	uint8_t id[4];
	uint8_t ram_size[8];
	uint8_t nb_cpus[2], max_cpus[2];
	uint8_t e820[E820_MAX_ENTRIES * FW_CFG_E820_ENTRY_LEN];
	uint8_t dir[4 + FW_CFG_MAX_FILES * FW_CFG_DIR_ENTRY_LEN];
};

/* Empty table but the signature, ID and directory; DMA through dma. */
void fw_cfg_init(struct fw_cfg *fw, const struct guest_dma *dma);
/* Platform reset: selector 0, offset 0, DMA address 0; the items stay. */
void fw_cfg_reset(struct fw_cfg *fw);

/* A numeric item (a key below FW_CFG_FILE_FIRST, or arch-local), read-only. */
enum fw_cfg_result fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key,
				    const void *data, uint32_t len);
/* The same, its len bytes in pieces (the caller keeps *p and the pieces). */
enum fw_cfg_result fw_cfg_add_pieces(struct fw_cfg *fw, uint16_t key,
				     const struct fw_cfg_pieces *p, uint32_t len);
/*
 * The same, its bytes the n parts one after another (the caller keeps the
 * parts and what they point to); FW_CFG_TOO_BIG if they add up to 4 GiB
 * or more, FW_CFG_BAD_KEY for a part in pieces of piece_len 0.
 */
enum fw_cfg_result fw_cfg_add_parts(struct fw_cfg *fw, uint16_t key,
				    const struct fw_cfg_part *part, unsigned int n);
/* A named item, read-only; *key (may be NULL) gets its selector. */
enum fw_cfg_result fw_cfg_add_file(struct fw_cfg *fw, const char *name,
				   const void *data, uint32_t len,
				   uint16_t *key);
/* A named item the guest may overwrite in place through DMA WRITE. */
enum fw_cfg_result fw_cfg_add_file_rw(struct fw_cfg *fw, const char *name,
				      void *data, uint32_t len, uint16_t *key);

/* Builders for what SeaBIOS reads: RAM size, CPU counts, the E820 map. */
enum fw_cfg_result fw_cfg_add_ram_size(struct fw_cfg *fw, uint64_t bytes);
enum fw_cfg_result fw_cfg_add_cpus(struct fw_cfg *fw, uint16_t nb_cpus,
				   uint16_t max_cpus);
enum fw_cfg_result fw_cfg_add_e820(struct fw_cfg *fw,
				   const struct e820_entry *map,
				   unsigned int n);

/* The item under key (bit 14 ignored), or NULL. */
const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *fw, uint16_t key);

/* Register windows, dev = struct fw_cfg (vmm/devices.h). */
struct vdev_io_ops;
extern const struct vdev_io_ops fw_cfg_ctl_ops;	/* FW_CFG_CTL_PORT */
extern const struct vdev_io_ops fw_cfg_dma_ops;	/* FW_CFG_DMA_PORT */

#endif /* VMM_DEV_FW_CFG_H */
