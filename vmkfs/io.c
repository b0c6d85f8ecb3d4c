// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: device access in logical-volume offsets. Metadata and data I/O
 * go through different calls so that the counters in vmkfs_iostats show
 * whether the data path touches metadata (it must not, for preallocated
 * files).
 */
#include "vmkfs/internal.h"

#define ZERO_CHUNK	(4u * MIB)	/* zeroing request size */
#define ZERO_CHUNK_MIN	(64u * 1024)	/* the smallest buffer it settles for */

static int check_range(struct vmkfs_vol *vol, uint64_t off, uint64_t len)
{
	if (off + len > vol->lvm_size || off + len < off)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "access to LVM offset %#llx+%#llx is beyond the %llu-byte volume",
				 (unsigned long long)off,
				 (unsigned long long)len,
				 (unsigned long long)vol->lvm_size);
	return VMKFS_OK;
}

/* one device request; unaligned ranges become a read-modify-write */
static int dev_rw(struct vmkfs_vol *vol, bool write, uint64_t dev_off,
		  void *buf, size_t len)
{
	uint64_t start = dev_off & ~(uint64_t)(VMKFS_SECTOR - 1);
	uint64_t end = (dev_off + len + VMKFS_SECTOR - 1) &
		       ~(uint64_t)(VMKFS_SECTOR - 1);
	uint8_t *bounce;
	int ret;

	if (start == dev_off && end == dev_off + len)
		return write ? vol->dev->write(vol->dev, dev_off, buf, len) :
			       vol->dev->read(vol->dev, dev_off, buf, len);
	bounce = vmkfs_alloc(end - start);
	if (!bounce)
		return VMKFS_ENOMEM;
	ret = vol->dev->read(vol->dev, start, bounce, end - start);
	if (!ret && write) {
		vmkfs_memcpy(bounce + (dev_off - start), buf, len);
		ret = vol->dev->write(vol->dev, start, bounce, end - start);
	} else if (!ret) {
		vmkfs_memcpy(buf, bounce + (dev_off - start), len);
	}
	vmkfs_free(bounce);
	return ret;
}

static int dev_io(struct vmkfs_vol *vol, bool write, uint64_t off, void *buf,
		  size_t len)
{
	uint64_t dev_off = vol->base + VMKFS_LVM_DATA_OFFSET + off;
	int ret = check_range(vol, off, len);

	if (ret)
		return ret;
	if (write && vol->ro)
		return vmkfs_err(vol, VMKFS_EROFS,
				 "write at LVM offset %#llx on a read-only mount",
				 (unsigned long long)off);
	ret = dev_rw(vol, write, dev_off, buf, len);
	if (ret)
		return vmkfs_err(vol, ret, "device %s of %zu bytes at offset %#llx failed: %s",
				 write ? "write" : "read", len,
				 (unsigned long long)dev_off,
				 vmkfs_strerror(ret));
	return VMKFS_OK;
}

int lvm_read(struct vmkfs_vol *vol, uint64_t off, void *buf, size_t len)
{
	vol->stats.meta_reads++;
	return dev_io(vol, false, off, buf, len);
}

int lvm_write(struct vmkfs_vol *vol, uint64_t off, const void *buf, size_t len)
{
	vol->stats.meta_writes++;
	return dev_io(vol, true, off, (void *)buf, len);
}

int lvm_read_data(struct vmkfs_vol *vol, uint64_t off, void *buf, size_t len)
{
	vol->stats.data_reads++;
	return dev_io(vol, false, off, buf, len);
}

int lvm_write_data(struct vmkfs_vol *vol, uint64_t off, const void *buf,
		   size_t len)
{
	vol->stats.data_writes++;
	return dev_io(vol, true, off, (void *)buf, len);
}

/*
 * Write zeroes over [off, off+len), in large requests: a buffer of up to
 * ZERO_CHUNK, a smaller one where the platform has none that large (the
 * vmkernel's hands out at most one 2 MiB chunk).
 */
int lvm_zero(struct vmkfs_vol *vol, uint64_t off, uint64_t len)
{
	size_t chunk = len < ZERO_CHUNK ? (size_t)len : ZERO_CHUNK;
	uint8_t *zero = NULL;
	int ret = VMKFS_OK;

	if (!len)
		return VMKFS_OK;
	for (;;) {
		zero = vmkfs_alloc(chunk);
		if (zero || chunk <= ZERO_CHUNK_MIN)
			break;
		chunk /= 2;
	}
	if (!zero)
		return vmkfs_err(vol, VMKFS_ENOMEM, "no memory for a zero buffer");
	while (len && !ret) {
		size_t n = len < chunk ? (size_t)len : chunk;

		ret = lvm_write_data(vol, off, zero, n);
		off += n;
		len -= n;
		if (!ret && !vol->ro)
			ret = hb_tick(vol);
	}
	vmkfs_free(zero);
	return ret;
}

int vol_flush(struct vmkfs_vol *vol)
{
	int ret;

	vol->stats.flushes++;
	ret = vol->dev->flush(vol->dev);
	if (ret)
		return vmkfs_err(vol, ret, "device cache flush failed");
	return VMKFS_OK;
}

/* nested: only the outermost call takes the device reservation */
int vol_reserve(struct vmkfs_vol *vol)
{
	int ret;

	if (vol->reserve_depth++)
		return VMKFS_OK;
	ret = vol->dev->reserve(vol->dev);
	if (ret) {
		vol->reserve_depth--;
		return vmkfs_err(vol, ret, "cannot reserve the device for a metadata update");
	}
	return VMKFS_OK;
}

void vol_release(struct vmkfs_vol *vol)
{
	if (--vol->reserve_depth == 0)
		vol->dev->release(vol->dev);
}
