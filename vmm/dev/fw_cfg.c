// SPDX-License-Identifier: GPL-2.0-only
/*
 * fw_cfg: QEMU's firmware configuration interface (vmm/dev/fw_cfg.h,
 * QEMU docs/specs/fw_cfg.rst). Every value the guest gives (selector,
 * DMA address, descriptor fields) is checked before use: an unknown
 * selector reads zeros, DMA goes through the caller's bounds-checked
 * guest_dma callbacks, and a refused or malformed transfer sets the
 * descriptor's error bit.
 */
#include "vmm/dev/fw_cfg.h"
#include "vmm/bytes.h"
#include "vmm/devices.h"

static const uint8_t fw_cfg_signature[4] = { 'Q', 'E', 'M', 'U' };

/* Source of the zero bytes a DMA read past an item's end gives. */
static const uint8_t fw_cfg_zeros[4096];

/* Index of the item under key (bit 14 ignored), or -1. */
static int fw_cfg_index(const struct fw_cfg *fw, uint16_t key)
{
	key &= (uint16_t)~FW_CFG_WRITE_CHANNEL;
	for (unsigned int i = 0; i < fw->nr_items; i++)
		if (fw->items[i].key == key)
			return (int)i;
	return -1;
}

const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *fw, uint16_t key)
{
	int i = fw_cfg_index(fw, key);

	return i < 0 ? NULL : &fw->items[i];
}

static void fw_cfg_select(struct fw_cfg *fw, uint16_t selector)
{
	fw->selector = selector;
	fw->cur = fw_cfg_find(fw, selector);
	fw->offset = 0;
}

void fw_cfg_reset(struct fw_cfg *fw)
{
	fw->dma_addr_high = 0;
	fw_cfg_select(fw, FW_CFG_SIGNATURE);
}

static struct fw_cfg_item *fw_cfg_new_item(struct fw_cfg *fw, uint16_t key,
					   const uint8_t *data, uint8_t *wdata,
					   uint32_t len)
{
	struct fw_cfg_item *it = &fw->items[fw->nr_items++];

	vmm_zero(it, sizeof(*it));
	it->key = key;
	it->len = len;
	it->data = wdata ? wdata : data;
	it->wdata = wdata;
	return it;
}

void fw_cfg_init(struct fw_cfg *fw, const struct guest_dma *dma)
{
	vmm_zero(fw, sizeof(*fw));
	fw->dma = *dma;
	vmm_put32(fw->id, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
	fw_cfg_new_item(fw, FW_CFG_SIGNATURE, fw_cfg_signature, NULL,
			sizeof(fw_cfg_signature));
	fw_cfg_new_item(fw, FW_CFG_ID, fw->id, NULL, sizeof(fw->id));
	fw_cfg_new_item(fw, FW_CFG_FILE_DIR, fw->dir, NULL, 4);
	fw_cfg_reset(fw);
}

/* A new numeric item, or NULL with why in *r. */
static struct fw_cfg_item *fw_cfg_new_numeric(struct fw_cfg *fw, uint16_t key,
					      const uint8_t *data, uint32_t len,
					      enum fw_cfg_result *r)
{
	uint16_t index = key & (uint16_t)~FW_CFG_ARCH_LOCAL;

	*r = FW_CFG_OK;
	if ((key & FW_CFG_WRITE_CHANNEL) ||
	    (!(key & FW_CFG_ARCH_LOCAL) && index >= FW_CFG_FILE_FIRST))
		*r = FW_CFG_BAD_KEY;
	else if (fw_cfg_find(fw, key))
		*r = FW_CFG_EXISTS;
	else if (fw->nr_items == FW_CFG_MAX_ITEMS)
		*r = FW_CFG_FULL;
	return *r == FW_CFG_OK ? fw_cfg_new_item(fw, key, data, NULL, len) : NULL;
}

enum fw_cfg_result fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key,
				    const void *data, uint32_t len)
{
	enum fw_cfg_result r;

	fw_cfg_new_numeric(fw, key, data, len, &r);
	return r;
}

enum fw_cfg_result fw_cfg_add_pieces(struct fw_cfg *fw, uint16_t key,
				     const struct fw_cfg_pieces *p, uint32_t len)
{
	enum fw_cfg_result r;
	struct fw_cfg_item *it;

	if (!p->piece_len)
		return FW_CFG_BAD_KEY;
	it = fw_cfg_new_numeric(fw, key, NULL, len, &r);
	if (it)
		it->pieces = *p;
	return r;
}

enum fw_cfg_result fw_cfg_add_parts(struct fw_cfg *fw, uint16_t key,
				    const struct fw_cfg_part *part, unsigned int n)
{
	enum fw_cfg_result r;
	struct fw_cfg_item *it;
	uint64_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!part[i].data && part[i].pieces.piece && !part[i].pieces.piece_len)
			return FW_CFG_BAD_KEY;
		len += part[i].len;
	}
	if (len > UINT32_MAX)
		return FW_CFG_TOO_BIG;
	it = fw_cfg_new_numeric(fw, key, NULL, (uint32_t)len, &r);
	if (it) {
		it->parts = part;
		it->nr_parts = n;
	}
	return r;
}

/* Length of name without the NUL, or FW_CFG_NAME_LEN if it does not fit. */
static size_t fw_cfg_name_len(const char *name)
{
	size_t n = 0;

	while (n < FW_CFG_NAME_LEN && name[n])
		n++;
	return n;
}

static bool fw_cfg_name_eq(const char *a, const char *b)
{
	for (size_t i = 0; i < FW_CFG_NAME_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* The directory item after a file was added (count and entries, big-endian). */
static void fw_cfg_update_dir(struct fw_cfg *fw, const struct fw_cfg_item *file)
{
	uint8_t *e = &fw->dir[4 + (fw->nr_files - 1) * FW_CFG_DIR_ENTRY_LEN];
	struct fw_cfg_item *dir = &fw->items[fw_cfg_index(fw, FW_CFG_FILE_DIR)];

	vmm_put_be32(fw->dir, fw->nr_files);
	vmm_put_be32(e, file->len);
	vmm_put_be16(e + 4, file->key);
	vmm_put_be16(e + 6, 0);
	vmm_put_chars(e + 8, file->name, FW_CFG_NAME_LEN);
	dir->len = 4 + fw->nr_files * FW_CFG_DIR_ENTRY_LEN;
}

static enum fw_cfg_result fw_cfg_new_file(struct fw_cfg *fw, const char *name,
					  const void *data, void *wdata,
					  uint32_t len, uint16_t *key)
{
	size_t n = fw_cfg_name_len(name);
	struct fw_cfg_item *it;

	if (n == 0 || n >= FW_CFG_NAME_LEN)
		return FW_CFG_BAD_NAME;
	for (unsigned int i = 0; i < fw->nr_items; i++)
		if (fw->items[i].key >= FW_CFG_FILE_FIRST &&
		    !(fw->items[i].key & FW_CFG_ARCH_LOCAL) &&
		    fw_cfg_name_eq(fw->items[i].name, name))
			return FW_CFG_EXISTS;
	if (fw->nr_files == FW_CFG_MAX_FILES || fw->nr_items == FW_CFG_MAX_ITEMS)
		return FW_CFG_FULL;
	it = fw_cfg_new_item(fw, (uint16_t)(FW_CFG_FILE_FIRST + fw->nr_files),
			     data, wdata, len);
	vmm_put_chars((uint8_t *)it->name, name, n);
	fw->nr_files++;
	fw_cfg_update_dir(fw, it);
	if (key)
		*key = it->key;
	return FW_CFG_OK;
}

enum fw_cfg_result fw_cfg_add_file(struct fw_cfg *fw, const char *name,
				   const void *data, uint32_t len,
				   uint16_t *key)
{
	return fw_cfg_new_file(fw, name, data, NULL, len, key);
}

enum fw_cfg_result fw_cfg_add_file_rw(struct fw_cfg *fw, const char *name,
				      void *data, uint32_t len, uint16_t *key)
{
	return fw_cfg_new_file(fw, name, NULL, data, len, key);
}

enum fw_cfg_result fw_cfg_add_ram_size(struct fw_cfg *fw, uint64_t bytes)
{
	vmm_put64(fw->ram_size, bytes);
	return fw_cfg_add_bytes(fw, FW_CFG_RAM_SIZE, fw->ram_size,
				sizeof(fw->ram_size));
}

enum fw_cfg_result fw_cfg_add_cpus(struct fw_cfg *fw, uint16_t nb_cpus,
				   uint16_t max_cpus)
{
	enum fw_cfg_result r;

	vmm_put16(fw->nb_cpus, nb_cpus);
	vmm_put16(fw->max_cpus, max_cpus);
	r = fw_cfg_add_bytes(fw, FW_CFG_NB_CPUS, fw->nb_cpus, sizeof(fw->nb_cpus));
	if (r != FW_CFG_OK)
		return r;
	return fw_cfg_add_bytes(fw, FW_CFG_MAX_CPUS, fw->max_cpus,
				sizeof(fw->max_cpus));
}

enum fw_cfg_result fw_cfg_add_e820(struct fw_cfg *fw,
				   const struct e820_entry *map,
				   unsigned int n)
{
	if (n > E820_MAX_ENTRIES)
		return FW_CFG_TOO_BIG;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *e = &fw->e820[i * FW_CFG_E820_ENTRY_LEN];

		vmm_put64(e, map[i].addr);
		vmm_put64(e + 8, map[i].size);
		vmm_put32(e + 16, map[i].type);
	}
	return fw_cfg_add_file(fw, "etc/e820", fw->e820,
			       n * FW_CFG_E820_ENTRY_LEN, NULL);
}

/* Bytes of p from off on that lie in one piece: a pointer; *n cut to fit. */
static const uint8_t *fw_cfg_piece_run(const struct fw_cfg_pieces *p, uint32_t off,
				       uint32_t *n)
{
	uint64_t at = (uint64_t)off + p->skip;
	uint32_t in = (uint32_t)(at % p->piece_len);

	if (*n > p->piece_len - in)
		*n = p->piece_len - in;
	return p->piece[at / p->piece_len] + in;
}

/* The same for an item of parts (off below the item's length). */
static const uint8_t *fw_cfg_part_run(const struct fw_cfg_item *it, uint32_t off,
				      uint32_t *n)
{
	const struct fw_cfg_part *p = it->parts;

	while (off >= p->len) {
		off -= p->len;
		p++;
	}
	if (*n > p->len - off)
		*n = p->len - off;
	if (p->data)
		return p->data + off;
	if (p->pieces.piece)
		return fw_cfg_piece_run(&p->pieces, off, n);
	if (*n > sizeof(fw_cfg_zeros))
		*n = sizeof(fw_cfg_zeros);
	return fw_cfg_zeros;
}

/*
 * The item's bytes from off (< len) on that lie in one buffer: a pointer
 * and how many, at most max.
 */
static const uint8_t *fw_cfg_run(const struct fw_cfg_item *it, uint32_t off,
				 uint32_t max, uint32_t *n)
{
	uint32_t left = it->len - off;

	*n = left < max ? left : max;
	if (it->data)
		return it->data + off;
	if (it->parts)
		return fw_cfg_part_run(it, off, n);
	return fw_cfg_piece_run(&it->pieces, off, n);
}

/* ---- the traditional interface: selector and data ports ---- */

static uint8_t fw_cfg_next_byte(struct fw_cfg *fw)
{
	uint32_t n;

	if (!fw->cur || fw->offset >= fw->cur->len)
		return 0;
	return *fw_cfg_run(fw->cur, fw->offset++, 1, &n);
}

/*
 * As QEMU's x86 port pair: a byte read at either port is the data
 * register, a 16-bit write the selector; a byte write would be a data
 * write, which QEMU ignores since 2.4. Other accesses are not decoded.
 */
static uint32_t fw_cfg_ctl_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)offset;
	if (size != 1)
		return VDEV_FLOATING_BUS;
	return fw_cfg_next_byte(dev);
}

static void fw_cfg_ctl_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	if (offset == 0 && size == 2)
		fw_cfg_select(dev, (uint16_t)val);
}

const struct vdev_io_ops fw_cfg_ctl_ops = {
	.read = fw_cfg_ctl_read,
	.write = fw_cfg_ctl_write,
};

/* ---- the DMA interface ---- */

/* READ: the item's bytes from the offset on, then zeros. */
static bool fw_cfg_dma_read(struct fw_cfg *fw, uint64_t gpa, uint32_t len)
{
	const struct fw_cfg_item *it = fw->cur;
	uint32_t filled = 0, zero_parts = 0;

	while (len) {
		uint32_t avail = it && fw->offset < it->len ? it->len - fw->offset : 0;
		uint32_t n;

		if (avail) {
			const uint8_t *src = fw_cfg_run(it, fw->offset, len, &n);

			/* An item's zero parts (a kernel's bss) are bounded too. */
			if (src == fw_cfg_zeros) {
				if (zero_parts + n > FW_CFG_DMA_ZERO_PARTS_MAX)
					return false;
				zero_parts += n;
			}
			if (!fw->dma.write(fw->dma.ctx, gpa, src, n))
				return false;
			fw->offset += n;
		} else {
			n = len < sizeof(fw_cfg_zeros) ? len : sizeof(fw_cfg_zeros);
			if (filled + n > FW_CFG_DMA_FILL_MAX ||
			    !fw->dma.write(fw->dma.ctx, gpa, fw_cfg_zeros, n))
				return false;
			filled += n;
		}
		gpa += n;
		len -= n;
	}
	return true;
}

/* WRITE: only a writable item, and only inside it; all or nothing. */
static bool fw_cfg_dma_write(struct fw_cfg *fw, uint64_t gpa, uint32_t len)
{
	const struct fw_cfg_item *it = fw->cur;

	if (!it || !it->wdata || fw->offset > it->len ||
	    len > it->len - fw->offset)
		return false;
	if (!fw->dma.read(fw->dma.ctx, gpa, it->wdata + fw->offset, len))
		return false;
	fw->offset += len;
	return true;
}

/* SKIP: the offset moves on, up to the item's end. */
static void fw_cfg_dma_skip(struct fw_cfg *fw, uint32_t len)
{
	uint32_t left;

	if (!fw->cur || fw->offset >= fw->cur->len)
		return;
	left = fw->cur->len - fw->offset;
	fw->offset += len < left ? len : left;
}

/*
 * One transfer: the descriptor at desc is read once into the model's
 * own buffer; READ wins over WRITE, WRITE over SKIP (fw_cfg.rst). The
 * result goes back into the descriptor's control field.
 */
static void fw_cfg_dma_run(struct fw_cfg *fw, uint64_t desc)
{
	uint8_t d[FW_CFG_DMA_DESC_LEN];
	uint32_t control, len;
	uint64_t gpa;
	bool ok = true;

	if (!fw->dma.read(fw->dma.ctx, desc, d, sizeof(d))) {
		vmm_put_be32(d, FW_CFG_DMA_ERROR);
		fw->dma.write(fw->dma.ctx, desc, d, 4);
		return;
	}
	control = vmm_get_be32(d);
	len = vmm_get_be32(d + 4);
	gpa = vmm_get_be64(d + 8);
	if (control & FW_CFG_DMA_SELECT)
		fw_cfg_select(fw, (uint16_t)(control >> 16));
	if (control & FW_CFG_DMA_READ)
		ok = fw_cfg_dma_read(fw, gpa, len);
	else if (control & FW_CFG_DMA_WRITE)
		ok = fw_cfg_dma_write(fw, gpa, len);
	else if (control & FW_CFG_DMA_SKIP)
		fw_cfg_dma_skip(fw, len);
	vmm_put_be32(d, ok ? 0 : FW_CFG_DMA_ERROR);
	fw->dma.write(fw->dma.ctx, desc, d, 4);
}

/* Reads give "QEMU CFG" byte for byte (big-endian register, string order). */
static uint32_t fw_cfg_dma_reg_read(void *dev, uint32_t offset, unsigned int size)
{
	uint32_t val = 0;

	(void)dev;
	for (unsigned int i = 0; i < size && offset + i < FW_CFG_DMA_LEN; i++)
		val |= (uint32_t)(uint8_t)(FW_CFG_DMA_SIGNATURE >>
					   (8 * (7 - offset - i))) << (8 * i);
	return val;
}

/*
 * The address register is big-endian: the guest writes each half byte-
 * swapped (SeaBIOS: outl(cpu_to_be32(half))). The high half waits; the
 * low half starts the transfer and the register reads 0 again after it.
 */
static uint32_t fw_cfg_bswap32(uint32_t v)
{
	uint8_t b[4];

	vmm_put32(b, v);
	return vmm_get_be32(b);
}

static void fw_cfg_dma_reg_write(void *dev, uint32_t offset, unsigned int size,
				 uint32_t val)
{
	struct fw_cfg *fw = dev;
	uint64_t desc;

	if (size != 4)
		return;
	if (offset == 0) {
		fw->dma_addr_high = fw_cfg_bswap32(val);
	} else if (offset == 4) {
		desc = (uint64_t)fw->dma_addr_high << 32 | fw_cfg_bswap32(val);
		fw->dma_addr_high = 0;
		fw_cfg_dma_run(fw, desc);
	}
}

const struct vdev_io_ops fw_cfg_dma_ops = {
	.read = fw_cfg_dma_reg_read,
	.write = fw_cfg_dma_reg_write,
};
