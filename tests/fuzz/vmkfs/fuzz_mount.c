// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the vmkfs mount, read and write paths. A valid volume
 * (directories, a small file, a pointer-block file) is built once in
 * memory; each input patches its metadata (volume header, FS descriptor,
 * heartbeats, resource headers and bitmaps, descriptors, directory blocks,
 * pointer blocks), then the volume is mounted read-only,
 * walked, read and checked; for odd-sized inputs a copy is also repaired
 * and walked again; for inputs of size 2 or 3 modulo 4 a copy is mounted
 * read-write and its files written, as the vmkernel's virtual disks do. Errors are expected; crashes, sanitizer
 * reports and hangs are bugs. The patch is undone after each run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/vmkfs/memdev.h"
#include "vmkfs/internal.h"

#define MiB (1024ull * 1024)
#define WALK_DEPTH 6

struct window {
	uint64_t off;
	uint32_t len;
};

static struct memdev *vol_dev;
static struct window windows[64];
static unsigned int nwin;

static void add_window(uint64_t off, uint32_t len)
{
	windows[nwin].off = off;
	windows[nwin].len = len;
	nwin++;
}

static uint64_t res_base(struct vmkfs_vol *vol, const struct vmkfs_res *res)
{
	return VMKFS_LVM_DATA_OFFSET +
	       (uint64_t)VMKFS_FB_ITEM(res->ino.blocks[0]) * vol->bs;
}

/* a resource file's header, first bitmap entries and first items */
static void add_res_windows(struct vmkfs_vol *vol, const struct vmkfs_res *res,
			    uint32_t items)
{
	uint64_t base = res_base(vol, res);

	add_window(base, 512);
	add_window(base + res->hdr_size, 2 * VMKFS_BME_LEN);
	if (items)
		add_window(base + res->hdr_size + res->epa * VMKFS_BME_LEN, items);
}

/* the descriptor and first bytes of a directory's first block */
static void add_file_window(struct vmkfs_vol *vol, const char *path, uint32_t len)
{
	struct vmkfs_inode ino;
	uint64_t pos;
	uint32_t blen;

	if (path_resolve(vol, path, &ino) || blk_pos(vol, ino.blocks[0], &pos, &blen))
		abort();
	add_window(VMKFS_LVM_DATA_OFFSET + ino.pos, VMKFS_INODE_LEN);
	add_window(VMKFS_LVM_DATA_OFFSET + pos, len);
}

static void build_volume(void)
{
	struct vmkfs_format_opts o = { MiB, "fuzz" };
	struct vmkfs_vol *vol;
	struct vmkfs_file *f;
	char err[256];
	const uint64_t lvm = VMKFS_LVM_DATA_OFFSET;

	vol_dev = memdev_create(17 * MiB + 2 * 256 * MiB);
	setenv("VMKFS_HOST_UUID", "01020304-05060708-090a-0b0c0d0e0f10", 1);
	if (vmkfs_format(&vol_dev->dev, &o, err, sizeof(err)) ||
	    vmkfs_mount(&vol_dev->dev, 0, &vol, err, sizeof(err)))
		abort();
	if (vmkfs_mkdir(vol, "/vm") || vmkfs_mkdir(vol, "/vm/sub") ||
	    vmkfs_create(vol, "/vm/disk-flat.vmdk", 300 * MiB, VMKFS_ZEROEDTHICK) ||
	    vmkfs_create(vol, "/vm/small", 5000, VMKFS_THIN) ||
	    vmkfs_open(vol, "/vm/small", VMKFS_O_RDWR, &f) ||
	    vmkfs_pwrite(f, "hello, vmkfs", 12, 100) != 12 || vmkfs_close(f) ||
	    vmkfs_unmount(vol))
		abort();
	/* locate the structures as the library does */
	if (vmkfs_mount(&vol_dev->dev, VMKFS_MOUNT_RDONLY, &vol, err, sizeof(err)))
		abort();
	add_window(0, VMKFS_SECTOR);				/* MBR */
	add_window(VMKFS_VOLINFO_OFFSET, VMKFS_VOLINFO_LEN);
	add_window(lvm + VMKFS_FSINFO_OFFSET, 512);
	add_window(lvm + VMKFS_HB_OFFSET, 1024);
	add_res_windows(vol, &vol->fdc, 16 * VMKFS_INODE_LEN);	/* + inodes 0-15 */
	add_res_windows(vol, &vol->fbb, 0);
	add_res_windows(vol, &vol->pbc, VMKFS_PB_SIZE);		/* + PB 0 */
	add_res_windows(vol, &vol->sbc, 2 * 1024);		/* + start of SB 0 */
	add_file_window(vol, "/", 2048);
	add_file_window(vol, "/vm", 1024);
	add_file_window(vol, "/vm/sub", 512);
	vmkfs_unmount(vol);
}

/*
 * The input is a list of patches { u8 window; u16 offset; u8 len; bytes }
 * XORed into the metadata windows, so that short inputs reach any
 * structure. Original bytes are saved for the undo.
 */
struct undo {
	uint64_t off;
	uint8_t len;
	uint8_t bytes[255];
};

static struct undo undo_log[512];
static unsigned int nundo;

static void patch(const uint8_t *data, size_t size)
{
	size_t p = 0;

	nundo = 0;
	while (p + 4 <= size && nundo < sizeof(undo_log) / sizeof(undo_log[0])) {
		const struct window *w = &windows[data[p] % nwin];
		uint32_t off = (uint32_t)(data[p + 1] | data[p + 2] << 8) % w->len;
		uint8_t len = data[p + 3], buf[255];
		struct undo *u = &undo_log[nundo++];
		unsigned int i;

		p += 4;
		if (len > size - p)
			len = (uint8_t)(size - p);
		if (len > w->len - off)
			len = (uint8_t)(w->len - off);
		u->off = w->off + off;
		u->len = len;
		vol_dev->dev.read(&vol_dev->dev, u->off, u->bytes, len);
		for (i = 0; i < len; i++)
			buf[i] = u->bytes[i] ^ data[p + i];
		vol_dev->dev.write(&vol_dev->dev, u->off, buf, len);
		p += len;
	}
}

static void unpatch(void)
{
	while (nundo) {
		struct undo *u = &undo_log[--nundo];

		vol_dev->dev.write(&vol_dev->dev, u->off, u->bytes, u->len);
	}
}

struct walk {
	struct vmkfs_vol *vol;
	char path[512];
	unsigned int depth;
};

static int visit(void *arg, const char *name, const struct vmkfs_stat *st)
{
	struct walk *w = arg, sub;
	struct vmkfs_file *f;
	uint8_t buf[8192];

	if (!strcmp(name, ".") || !strcmp(name, "..") ||
	    strlen(w->path) + strlen(name) + 2 > sizeof(w->path))
		return 0;
	sub = *w;
	snprintf(sub.path, sizeof(sub.path), "%s/%s", strcmp(w->path, "/") ? w->path : "",
		 name);
	if (st->type == VMKFS_FT_DIR) {
		if (w->depth < WALK_DEPTH) {
			sub.depth++;
			vmkfs_readdir(w->vol, sub.path, visit, &sub);
		}
		return 0;
	}
	if (vmkfs_open(w->vol, sub.path, VMKFS_O_RDONLY, &f) == VMKFS_OK) {
		uint64_t size = vmkfs_file_size(f);

		vmkfs_pread(f, buf, sizeof(buf), 0);
		if (size > sizeof(buf))
			vmkfs_pread(f, buf, sizeof(buf), size - sizeof(buf) / 2);
		vmkfs_close(f);
	}
	return 0;
}

/* whole-block and partial writes into the files build_volume() made */
static void write_files(struct memdev *copy)
{
	static const char *const paths[] = { "/vm/small", "/vm/disk-flat.vmdk" };
	static uint8_t buf[64 * 1024];
	struct vmkfs_vol *vol;
	struct vmkfs_file *f;
	char err[256];
	unsigned int i;

	if (vmkfs_mount(&copy->dev, 0, &vol, err, sizeof(err)) != VMKFS_OK)
		return;
	vmkfs_set_lock_timeout(vol, 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (vmkfs_open(vol, paths[i], VMKFS_O_RDWR, &f) != VMKFS_OK)
			continue;
		vmkfs_pwrite(f, buf, sizeof(buf), 0);
		vmkfs_pwrite(f, buf, 512, 4096);
		vmkfs_fsync(f);
		vmkfs_close(f);
	}
	vmkfs_unmount(vol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmkfs_check_result r;
	struct vmkfs_vol *vol;
	struct walk w = { 0 };
	char err[256];

	if (!vol_dev)
		build_volume();
	patch(data, size);
	vol_dev->dev.read_only = true;
	if (vmkfs_mount(&vol_dev->dev, VMKFS_MOUNT_RDONLY, &vol, err, sizeof(err)) == VMKFS_OK) {
		struct vmkfs_volinfo vi;

		w.vol = vol;
		strcpy(w.path, "/");
		vmkfs_statfs(vol, &vi);
		vmkfs_readdir(vol, "/", visit, &w);
		vmkfs_unmount(vol);
	}
	vmkfs_check(&vol_dev->dev, false, 0, NULL, NULL, &r, err, sizeof(err));
	vol_dev->dev.read_only = false;
	/* odd-sized inputs also run a repair, on a copy, then mount the result */
	if (size & 1) {
		struct memdev *copy = memdev_clone(vol_dev);

		if (vmkfs_check(&copy->dev, true, 0, NULL, NULL, &r, err, sizeof(err)) == VMKFS_OK &&
		    vmkfs_mount(&copy->dev, VMKFS_MOUNT_RDONLY, &vol, err, sizeof(err)) == VMKFS_OK) {
			w.vol = vol;
			strcpy(w.path, "/");
			vmkfs_readdir(vol, "/", visit, &w);
			vmkfs_unmount(vol);
		}
		memdev_destroy(copy);
	}
	if (size & 2) {
		struct memdev *copy = memdev_clone(vol_dev);

		write_files(copy);
		memdev_destroy(copy);
	}
	unpatch();
	return 0;
}
