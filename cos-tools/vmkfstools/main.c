// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfstools: create and manage vmkfs (VMFS-3) volumes and virtual disks
 * on an image file or block device from the console OS. A file on a volume
 * is named DEVICE:/path. See docs/vmkfstools.md for verbs and exit codes.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* images beyond 2 GiB on 32-bit COS */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <time.h>

#include "vmkfs/platform-posix.h"
#include "cos-tools/vmkfstools/vmdk.h"
#include "cos-tools/vmkdev/vmkdev.h"

/* exit codes (docs/vmkfstools.md) */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed; message says why */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_BUSY	3	/* locked by another host or this one */
#define EXIT_DIRTY	4	/* check found problems (left or unrepairable) */

#define DESC_MAX	4096
#define COPY_CHUNK	(8u * 1024 * 1024)

static const char *prog = "vmkfstools";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s -C vmfs3 [-b 1m|2m|4m|8m] [-S LABEL] DEVICE\n"
		"       %s -P DEVICE[:/PATH]\n"
		"       %s -c SIZE [-d thin|zeroedthick|eagerzeroedthick] [-a ADAPTER] DEVICE:/DISK.vmdk\n"
		"          (or /vmfs/volumes/LABEL/DIR/DISK.vmdk, [LABEL] DIR/DISK.vmdk: the vmkernel's)\n"
		"       %s -k /vmfs/volumes/LABEL/DIR/DISK.vmdk|[LABEL] DIR/DISK.vmdk   (zero it now: the vmkernel's)\n"
		"       %s -X SIZE [-d FORMAT] DEVICE:/DISK.vmdk\n"
		"          (or /vmfs/volumes/LABEL/DIR/DISK.vmdk, [LABEL] DIR/DISK.vmdk: the vmkernel's)\n"
		"       %s -i DEVICE:/SRC.vmdk|RAWFILE [-d FORMAT] DEVICE:/DST.vmdk\n"
		"       %s -E DEVICE:/OLD.vmdk [DEVICE:]/NEW.vmdk\n"
		"          (or /vmfs/volumes/LABEL/DIR/OLD.vmdk /vmfs/volumes/LABEL/DIR2/NEW.vmdk: the vmkernel's)\n"
		"       %s -U DEVICE:/DISK.vmdk|/vmfs/volumes/LABEL/DIR/DISK.vmdk|[LABEL] DIR/DISK.vmdk\n"
		"       %s -P /vmfs/volumes/LABEL/DIR/DISK.vmdk|[LABEL] DIR/DISK.vmdk   (the vmkernel's)\n"
		"       %s -D DEVICE:/PATH\n"
		"       %s --check [--repair] DEVICE\n"
		"       %s --mkdir|--rmdir|--ls|--cat|--rm DEVICE:/PATH\n"
		"       %s --mkdir|--rmdir /vmfs/volumes/LABEL/DIR|[LABEL] DIR   (the vmkernel's)\n"
		"       %s --import HOSTFILE DEVICE:/PATH\n"
		"       %s --hold rw|ro DEVICE:/PATH   (open and keep the lock until killed)\n",
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog,
		prog, prog);
	exit(EXIT_USAGE);
}

static int status_exit(int status)
{
	return status == VMKFS_EBUSY ? EXIT_BUSY : EXIT_FAIL;
}

/* DEVICE:/path -> device and path; the device part must exist on the host */
static int split_target(const char *arg, char **dev, const char **path)
{
	const char *p = arg;
	struct stat st;

	while ((p = strstr(p, ":/")) != NULL) {
		char *d = strndup(arg, (size_t)(p - arg));

		if (d && stat(d, &st) == 0) {
			*dev = d;
			*path = p + 1;
			return 0;
		}
		free(d);
		p++;
	}
	return -1;
}

struct session {
	struct vmkfs_dev *dev;
	struct vmkfs_vol *vol;
	char *devname;
	const char *path;
};

static int open_volume(struct session *s, const char *devname, bool ro)
{
	char err[256];
	const char *t = getenv("VMKFS_LOCK_TIMEOUT_MS");
	int ret = vmkfs_posix_open(devname, ro, &s->dev, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s: cannot open %s\n", prog, err);
		return ret;
	}
	ret = vmkfs_mount(s->dev, ro ? VMKFS_MOUNT_RDONLY : 0, &s->vol, err,
			  sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s: cannot mount: %s\n", prog, devname, err);
		vmkfs_posix_close(s->dev);
		return ret;
	}
	if (t && *t)
		vmkfs_set_lock_timeout(s->vol, (uint32_t)atoi(t));
	return VMKFS_OK;
}

static int open_target(struct session *s, const char *arg, bool ro)
{
	memset(s, 0, sizeof(*s));
	if (split_target(arg, &s->devname, &s->path)) {
		fprintf(stderr, "%s: %s: expected DEVICE:/PATH with an existing DEVICE\n",
			prog, arg);
		exit(EXIT_USAGE);
	}
	return open_volume(s, s->devname, ro);
}

static void close_session(struct session *s)
{
	if (s->vol) {
		int ret = vmkfs_unmount(s->vol);

		if (ret)
			fprintf(stderr, "%s: %s: unmount: %s\n", prog, s->devname,
				vmkfs_strerror(ret));
	}
	if (s->dev)
		vmkfs_posix_close(s->dev);
	free(s->devname);
}

static int fail(struct session *s, int ret, const char *what)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, s->devname ? s->devname : "",
		what, vmkfs_errmsg(s->vol));
	return status_exit(ret);
}

static uint64_t parse_size(const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	uint64_t mul = 1;

	switch (*end) {
	case 't': case 'T': mul <<= 10; /* fall through */
	case 'g': case 'G': mul <<= 10; /* fall through */
	case 'm': case 'M': mul <<= 10; /* fall through */
	case 'k': case 'K': mul <<= 10; end++; break;
	case 0: break;
	default: end = NULL;
	}
	if (!end || *end || end == arg || v == 0) {
		fprintf(stderr, "%s: %s: not a size (NUMBER[k|m|g|t])\n", prog, arg);
		exit(EXIT_USAGE);
	}
	return v * mul;
}

static enum vmkfs_alloc parse_format(const char *arg)
{
	if (!arg || !strcmp(arg, "zeroedthick"))
		return VMKFS_ZEROEDTHICK;
	if (!strcmp(arg, "thin"))
		return VMKFS_THIN;
	if (!strcmp(arg, "eagerzeroedthick"))
		return VMKFS_EAGERZEROEDTHICK;
	fprintf(stderr, "%s: %s: disk format must be thin, zeroedthick or eagerzeroedthick\n",
		prog, arg);
	exit(EXIT_USAGE);
}

/* "/dir/disk.vmdk" -> "/dir/disk-flat.vmdk" and its base name */
static int flat_path(const char *desc, char *out, size_t len, const char **base)
{
	size_t n = strlen(desc);
	const char *slash;

	if (n < 6 || strcmp(desc + n - 5, ".vmdk") ||
	    (size_t)snprintf(out, len, "%.*s-flat.vmdk", (int)(n - 5), desc) >= len)
		return -1;
	slash = strrchr(out, '/');
	*base = slash ? slash + 1 : out;
	return 0;
}

static int write_file(struct session *s, const char *path, const void *buf,
		      size_t len)
{
	struct vmkfs_file *f;
	int ret = vmkfs_create(s->vol, path, len, VMKFS_THIN);

	if (!ret)
		ret = vmkfs_open(s->vol, path, VMKFS_O_RDWR, &f);
	if (ret)
		return ret;
	if (vmkfs_pwrite(f, buf, len, 0) != (int64_t)len)
		ret = VMKFS_EIO;
	if (!ret)
		ret = vmkfs_fsync(f);
	vmkfs_close(f);
	return ret;
}

static int read_desc(struct session *s, const char *path, char *buf,
		     size_t len)
{
	struct vmkfs_file *f;
	int64_t n;
	int ret = vmkfs_open(s->vol, path, VMKFS_O_RDONLY, &f);

	if (ret)
		return ret;
	n = vmkfs_pread(f, buf, len - 1, 0);
	vmkfs_close(f);
	if (n < 0)
		return (int)n;
	buf[n] = 0;
	return VMKFS_OK;
}

static int write_desc(struct session *s, const char *path, const char *flat,
		      uint64_t bytes, enum vmkfs_alloc alloc, const char *adapter)
{
	char text[DESC_MAX];
	int n = vmdk_render(text, sizeof(text), flat, bytes / VMDK_SECTOR,
			    alloc == VMKFS_THIN, adapter);

	if (n < 0)
		return VMKFS_EINVAL;
	return write_file(s, path, text, (size_t)n);
}

/* A decimal below 256, no sign or leading zero; its end in *end. */
static bool lun_number(const char *s, uint32_t *v, const char **end)
{
	uint32_t n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9' && n < 256; p++)
		n = n * 10 + (uint32_t)(*p - '0');
	if (n >= 256)
		return false;
	*v = n;
	*end = p;
	return true;
}

/*
 * A LUN of the vmkernel's adapter, as vmkctl storage luns names it
 * (vmhba0:C0:T<t>:L<l>) or as ESX classic did (vmhba0:<t>:<l>), either
 * with ":0" after it (partition 0: the whole LUN). 1: *t and *l set; 0:
 * not such a name (a path, then); -1: a partition other than 0.
 */
static int parse_lun(const char *s, uint32_t *t, uint32_t *l)
{
	bool classic = strncmp(s, "vmhba0:C0:T", 11) != 0;
	const char *p = classic ? s + 7 : s + 11;
	uint32_t part;

	if (strncmp(s, "vmhba0:", 7) || !lun_number(p, t, &p) ||
	    *p++ != ':' || (!classic && *p++ != 'L') || !lun_number(p, l, &p))
		return 0;
	if (!*p)
		return 1;
	if (*p++ != ':' || !lun_number(p, &part, &p) || *p)
		return 0;
	return part ? -1 : 1;
}

/*
 * Before -C on a LUN: the volume the vmkernel refused to mount there
 * (corrupt, a copy of another), which the new one replaces, and why; so
 * that the operator sees what is overwritten. Nothing if the list is
 * not had: the vmkernel's own checks stand.
 */
static void say_refused_volume(int fd, const char *name, uint32_t t, uint32_t l)
{
	static struct vmk_datastore_list list;

	memset(&list, 0, sizeof(list));
	if (ioctl(fd, VMK_IOC_STORAGE_DATASTORES, &list) < 0)
		return;
	for (uint32_t i = 0; i < list.n && i < VMK_STORAGE_MAX_LUNS; i++) {
		const struct vmk_datastore *d = &list.ds[i];

		if (d->state == VMK_DATASTORE_REFUSED && d->target == t && d->lun == l)
			printf("%s: overwriting the VMFS volume the vmkernel refused to mount: %.*s\n",
			       name, VMK_STORAGE_MSG_LEN, d->msg);
	}
}

/* -C on a LUN the vmkernel drives: it makes the volume and mounts it. */
static int format_lun(const char *name, uint32_t t, uint32_t l, uint32_t bs,
		      const char *label)
{
	struct vmk_storage_format f = { .target = t, .lun = l, .block_size = bs };
	struct diag diag = { 0 };
	int fd;

	if (!label || !*label || vmkfs_label_problem(label, strlen(label) + 1)) {
		fprintf(stderr, "%s: %s: a datastore needs a label of 1 to %zu printable characters, no '/' or ']', not . or .. (-S)\n",
			prog, name, sizeof(f.label) - 1);
		return EXIT_USAGE;
	}
	memcpy(f.label, label, strlen(label));
	f.now_unix = (uint64_t)time(NULL);
	fd = vmkdev_open(prog, &diag);
	if (fd < 0) {
		diag_report(&diag, "%s: %s: ", prog, name);
		diag_free(&diag);
		return EXIT_FAIL;
	}
	say_refused_volume(fd, name, t, l);
	fflush(stdout);
	if (ioctl(fd, VMK_IOC_STORAGE_FORMAT, &f) < 0) {
		/* The vmkernel's sentence names the LUN itself. */
		if (f.msg[0])
			fprintf(stderr, "%s: %.*s\n", prog, VMK_STORAGE_MSG_LEN, f.msg);
		else
			fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	printf("Creating vmfs3 file system on \"%s\" with blockSize %u and volume label \"%s\".\n",
	       name, bs, label);
	printf("Mounted as datastore '%.*s' (UUID %.*s): %llu MiB, %llu MiB free.\n",
	       VMK_DATASTORE_LABEL_LEN, f.ds.label, VMK_DATASTORE_UUID_LEN, f.ds.uuid,
	       (unsigned long long)(f.ds.capacity >> 20),
	       (unsigned long long)(f.ds.free_bytes >> 20));
	return EXIT_OK;
}

/* A datastore's path, /vmfs/volumes/LABEL/... or [LABEL] ...: the vmkernel's. */
static bool datastore_path(const char *arg)
{
	return arg[0] == '[' || !strncmp(arg, "/vmfs/volumes/", 14);
}

/* s into a request's field of size bytes (zeroed); false, said, when it does not fit. */
static bool field_set(char *field, size_t size, const char *s, const char *what)
{
	if (strlen(s) >= size) {
		fprintf(stderr, "%s: %s: %s is at most %zu characters\n", prog, s, what, size - 1);
		return false;
	}
	memcpy(field, s, strlen(s));
	return true;
}

/* Each zeroing step's progress, a line rewritten in place. */
static void zero_progress(const struct vmk_storage_vdisk *v, void *arg)
{
	int *last = arg;
	uint64_t total = v->blocks_total ? v->blocks_total : 1;
	int pct = (int)((total - v->blocks_left) * 100 / total);

	if (pct != *last)
		printf("Zeroing: %d%% done.\r", pct);
	fflush(stdout);
	*last = pct;
}

/*
 * --mkdir, --rmdir, -c, -k, -P, -X, -E or -U on a datastore the vmkernel has
 * mounted: it does the work. An eagerzeroedthick disk is zeroed in the vmkernel's steps, each
 * a short call (the COS CPU waits in it); stopped early, the disk is a
 * valid zeroedthick one and -k goes on.
 */
static int vdisk_request(struct vmk_storage_vdisk *v, const char *path)
{
	struct diag diag = { 0 };
	int fd, ret = EXIT_OK, last = -1;

	if (!field_set(v->path, sizeof(v->path), path, "a datastore path"))
		return EXIT_USAGE;
	fd = vmkdev_open(prog, &diag);
	if (fd < 0) {
		diag_report(&diag, "%s: %s: ", prog, path);
		diag_free(&diag);
		return EXIT_FAIL;
	}
	/* The vmkernel's sentence names the path itself. */
	if (vmkdev_vdisk(fd, v, &diag)) {
		ret = errno == EBUSY ? EXIT_BUSY : EXIT_FAIL;
		diag_report(&diag, "%s: ", prog);
	} else if (v->blocks_left &&
		   vmkdev_vdisk_zero(fd, v, zero_progress, &last, &diag)) {
		ret = errno == EBUSY ? EXIT_BUSY : EXIT_FAIL;
		printf("\n");
		diag_report(&diag, "%s: ", prog);
		fprintf(stderr, "%s: %s: %llu of %llu blocks are not zeroed yet (they read as zeros): vmkfstools -k goes on\n",
			prog, path, (unsigned long long)v->blocks_left,
			(unsigned long long)v->blocks_total);
	} else if (last >= 0) {
		printf("Zeroing: 100%% done.\n");
	}
	diag_free(&diag);
	close(fd);
	return ret;
}

/* -k: a zeroedthick disk on a mounted datastore made eagerzeroedthick. */
static int cmd_eagerzero(const char *arg)
{
	struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_ZERO };
	int ret;

	if (!datastore_path(arg)) {
		fprintf(stderr, "%s: %s: -k works on a datastore the vmkernel has mounted (/vmfs/volumes/LABEL/... or [LABEL] ...)\n",
			prog, arg);
		return EXIT_USAGE;
	}
	ret = vdisk_request(&v, arg);
	if (!ret)
		printf("Disk '%s' is eagerzeroedthick: %llu blocks.\n", arg,
		       (unsigned long long)v.blocks_total);
	return ret;
}

static int cmd_format(const char *dev, uint32_t bs, const char *label)
{
	struct vmkfs_format_opts o = { bs, label };
	struct vmkfs_dev *d;
	char err[256];
	uint32_t t, l;
	int ret = parse_lun(dev, &t, &l);

	if (ret > 0)
		return format_lun(dev, t, l, bs, label);
	if (ret < 0) {
		fprintf(stderr, "%s: %s: the vmkernel makes volumes on whole LUNs only (partition 0)\n",
			prog, dev);
		return EXIT_USAGE;
	}
	ret = vmkfs_posix_open(dev, false, &d, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: cannot open %s\n", prog, err);
		return EXIT_FAIL;
	}
	ret = vmkfs_format(d, &o, err, sizeof(err));
	vmkfs_posix_close(d);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, dev, err);
		return EXIT_FAIL;
	}
	printf("Creating vmfs3 file system on \"%s\" with blockSize %u and volume label \"%s\".\n",
	       dev, bs, label ? label : "");
	return EXIT_OK;
}

static void print_stat(const char *name, const struct vmkfs_stat *st)
{
	static const char *const modes[] = { "free", "exclusive", "read-only" };
	char uuid[VMKFS_UUID_STR_LEN + 1];

	printf("%s: id %#x, type %s, size %" PRIu64 ", %" PRIu64
	       " blocks allocated (%u to be zeroed), block size %u\n",
	       name, st->id, st->type == VMKFS_FT_DIR ? "directory" :
	       st->type == VMKFS_FT_META ? "system file" : "file", st->size,
	       st->alloc_blocks, st->tbz_blocks, st->block_size);
	vmkfs_uuid_str(st->lock_owner, uuid);
	if (!st->lock_mode)
		printf("Lock [type 10c00001 offset %#x]: free\n", st->id);
	else
		printf("Lock [type 10c00001]: mode %u (%s), owner %s, heartbeat slot %u, %s, %u holder(s)\n",
		       st->lock_mode, st->lock_mode < 3 ? modes[st->lock_mode] : "?",
		       uuid, st->lock_hb_slot,
		       st->lock_owner_alive ? "owner alive" : "owner heartbeat gone (stale)",
		       st->lock_holders);
}

static const char *const vdisk_formats[] = {
	[VMK_VDISK_THIN] = "thin",
	[VMK_VDISK_ZEROEDTHICK] = "zeroedthick",
	[VMK_VDISK_EAGERZEROEDTHICK] = "eagerzeroedthick",
};

/* -P on a disk of a datastore the vmkernel has mounted: its answer. */
static int query_vdisk(const char *arg)
{
	struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_STAT };
	int ret = vdisk_request(&v, arg);

	if (ret)
		return ret;
	printf("Virtual disk %s: capacity %llu (%llu MiB), format %s\n", arg,
	       (unsigned long long)v.size, (unsigned long long)(v.size >> 20),
	       v.format <= VMK_VDISK_EAGERZEROEDTHICK ? vdisk_formats[v.format] : "?");
	printf("Blocks: %llu total, %llu allocated, %llu to be zeroed, block size %u\n",
	       (unsigned long long)v.blocks_total, (unsigned long long)v.blocks_alloc,
	       (unsigned long long)v.blocks_left, v.block_size);
	if (v.holder[0])
		printf("Held by: %s%.*s%s\n", strcmp(v.holder, "another host") ? "vm '" : "",
		       (int)sizeof(v.holder), v.holder,
		       strcmp(v.holder, "another host") ? "'" : "");
	else
		printf("Held by: nobody\n");
	return EXIT_OK;
}

static int cmd_query(const char *arg)
{
	struct session s = { 0 };
	struct vmkfs_volinfo vi;
	struct stat hst;
	char uuid[VMKFS_UUID_STR_LEN + 1];
	int ret, code = EXIT_OK;

	if (datastore_path(arg))
		return query_vdisk(arg);
	if (stat(arg, &hst) == 0) {
		s.devname = strdup(arg);
		s.path = NULL;
		ret = open_volume(&s, arg, true);
	} else {
		ret = open_target(&s, arg, true);
	}
	if (ret) {
		free(s.devname);
		return status_exit(ret);
	}
	ret = vmkfs_statfs(s.vol, &vi);
	if (ret) {
		code = fail(&s, ret, "query");
		goto out;
	}
	vmkfs_uuid_str(vi.uuid, uuid);
	printf("VMFS-3.%u file system spanning 1 partitions.\n", vi.version);
	printf("File system label (if any): %s\n", vi.label);
	printf("Mode: public\n");
	printf("Capacity %" PRIu64 " (%" PRIu64 " file blocks * %u), %" PRIu64
	       " (%" PRIu64 " blocks) avail\n", vi.capacity,
	       vi.capacity / vi.block_size, vi.block_size, vi.free_bytes,
	       vi.free_bytes / vi.block_size);
	printf("File descriptors: %u total, %u free\n", vi.files_total, vi.files_free);
	printf("UUID: %s\n", uuid);
	vmkfs_uuid_str(vi.lvm_uuid, uuid);
	printf("Logical volume UUID: %s\n", uuid);
	printf("Active heartbeats: %u\n", vi.hb_active);
	if (s.path && strcmp(s.path, "/")) {
		struct vmkfs_stat st;

		ret = vmkfs_stat(s.vol, s.path, &st);
		if (ret)
			code = fail(&s, ret, s.path);
		else
			print_stat(s.path, &st);
	}
out:
	close_session(&s);
	return code;
}

static int cmd_create_disk(const char *arg, uint64_t size, enum vmkfs_alloc alloc,
			   const char *adapter)
{
	struct session s;
	char flat[512];
	const char *base;
	int ret;

	if (size % VMDK_SECTOR) {
		fprintf(stderr, "%s: size %" PRIu64 " is not a multiple of %u bytes\n",
			prog, size, VMDK_SECTOR);
		return EXIT_USAGE;
	}
	if (datastore_path(arg)) {
		struct vmk_storage_vdisk v = {
			.op = VMK_VDISK_OP_CREATE, .size = size,
			.format = alloc == VMKFS_THIN ? VMK_VDISK_THIN :
				  alloc == VMKFS_ZEROEDTHICK ? VMK_VDISK_ZEROEDTHICK :
				  VMK_VDISK_EAGERZEROEDTHICK,
		};

		if (!field_set(v.adapter, sizeof(v.adapter), adapter, "an adapter type"))
			return EXIT_USAGE;
		ret = vdisk_request(&v, arg);
		if (!ret)
			printf("Created disk '%s' through the vmkernel: %llu MiB free on its datastore.\n",
			       arg, (unsigned long long)(v.free_bytes >> 20));
		return ret;
	}
	ret = open_target(&s, arg, false);
	if (ret)
		return status_exit(ret);
	if (flat_path(s.path, flat, sizeof(flat), &base)) {
		fprintf(stderr, "%s: %s: a virtual disk name must end in .vmdk\n", prog, s.path);
		close_session(&s);
		return EXIT_USAGE;
	}
	ret = vmkfs_create(s.vol, flat, size, alloc);
	if (ret) {
		ret = fail(&s, ret, flat);
		goto out;
	}
	ret = write_desc(&s, s.path, base, size, alloc, adapter);
	if (ret) {
		ret = fail(&s, ret, s.path);
		vmkfs_unlink(s.vol, flat);
		goto out;
	}
	printf("Creating disk '%s' and zeroing it out...\n", s.path);
out:
	close_session(&s);
	return ret;
}

/* descriptor -> flat path on the same volume */
static int disk_flat(struct session *s, const char *desc, char *flat,
		     size_t len, uint64_t *sectors)
{
	char text[DESC_MAX], name[256];
	const char *slash = strrchr(desc, '/');
	int ret = read_desc(s, desc, text, sizeof(text));

	if (ret)
		return ret;
	if (vmdk_parse(text, name, sizeof(name), sectors)) {
		fprintf(stderr, "%s: %s: no VMFS or FLAT extent line in the descriptor\n",
			prog, desc);
		return VMKFS_EINVAL;
	}
	snprintf(flat, len, "%.*s%s", (int)(slash - desc + 1), desc, name);
	return VMKFS_OK;
}

static int cmd_extend(const char *arg, uint64_t size, enum vmkfs_alloc alloc)
{
	struct session s;
	struct vmkfs_file *f;
	char flat[512], name[256];
	const char *base;
	uint64_t sectors;
	int ret;

	if (datastore_path(arg)) {
		struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_EXTEND, .size = size };

		ret = vdisk_request(&v, arg);
		if (!ret)
			printf("Grew disk '%s' to %llu MiB through the vmkernel: %llu MiB free on its datastore.\n",
			       arg, (unsigned long long)(size >> 20),
			       (unsigned long long)(v.free_bytes >> 20));
		return ret;
	}
	ret = open_target(&s, arg, false);
	if (ret)
		return status_exit(ret);
	ret = disk_flat(&s, s.path, flat, sizeof(flat), &sectors);
	if (ret)
		goto fail;
	if (size < sectors * VMDK_SECTOR || size % VMDK_SECTOR) {
		fprintf(stderr, "%s: new size %" PRIu64 " must be a multiple of %u and at least the current %" PRIu64 "\n",
			prog, size, VMDK_SECTOR, sectors * VMDK_SECTOR);
		close_session(&s);
		return EXIT_USAGE;
	}
	ret = vmkfs_open(s.vol, flat, VMKFS_O_RDWR, &f);
	if (ret)
		goto fail;
	ret = vmkfs_truncate(f, size, alloc);
	vmkfs_close(f);
	if (ret)
		goto fail;
	/* the descriptor is rewritten after the extent grew */
	strcpy(name, strrchr(flat, '/') + 1);
	base = name;
	ret = vmkfs_unlink(s.vol, s.path);
	if (!ret)
		ret = write_desc(&s, s.path, base, size, alloc, "lsilogic");
	if (ret)
		goto fail;
	close_session(&s);
	return EXIT_OK;
fail:
	ret = fail(&s, ret, s.path);
	close_session(&s);
	return ret;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* clone source: a disk on a volume, or a raw image file on the host */
struct source {
	struct vmkfs_file *f;
	FILE *raw;
	uint64_t size;
};

static int64_t source_read(struct source *src, uint8_t *buf, size_t n,
			   uint64_t off)
{
	if (src->f)
		return vmkfs_pread(src->f, buf, n, off);
	if (fseeko(src->raw, (off_t)off, SEEK_SET) || fread(buf, 1, n, src->raw) != n)
		return VMKFS_EIO;
	return (int64_t)n;
}

static int open_raw_source(const char *path, struct source *src)
{
	struct stat st;

	src->raw = fopen(path, "rb");
	if (!src->raw || fstat(fileno(src->raw), &st)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return VMKFS_EIO;
	}
	src->size = (uint64_t)st.st_size;
	if (!src->size || src->size % VMDK_SECTOR) {
		fprintf(stderr, "%s: %s: a raw disk image must be a non-zero multiple of %u bytes\n",
			prog, path, VMDK_SECTOR);
		return VMKFS_EINVAL;
	}
	return VMKFS_OK;
}

static int cmd_clone(const char *src_arg, const char *dst, enum vmkfs_alloc alloc)
{
	struct session s = { 0 }, d = { 0 };
	struct source src = { 0 };
	struct vmkfs_file *out = NULL;
	char sflat[512], dflat[512], *sdev = NULL;
	const char *base, *spath;
	uint64_t sectors, size, off;
	uint8_t *buf = malloc(COPY_CHUNK);
	int ret = VMKFS_OK, last = -1, same = 0;

	if (!buf)
		return EXIT_FAIL;
	if (split_target(dst, &d.devname, &d.path)) {
		fprintf(stderr, "%s: %s: expected DEVICE:/PATH\n", prog, dst);
		exit(EXIT_USAGE);
	}
	if (split_target(src_arg, &sdev, &spath) == 0) {
		free(sdev);
		ret = open_target(&s, src_arg, false);
		if (!ret)
			ret = disk_flat(&s, s.path, sflat, sizeof(sflat), &sectors);
		if (!ret)
			ret = vmkfs_open(s.vol, sflat, VMKFS_O_RDONLY, &src.f);
		if (!ret)
			src.size = vmkfs_file_size(src.f);
		same = s.devname && !strcmp(d.devname, s.devname);
	} else {
		ret = open_raw_source(src_arg, &src);
	}
	if (ret)
		goto done;
	if (same)
		d.vol = s.vol;
	else
		ret = open_volume(&d, d.devname, false);
	if (!ret && flat_path(d.path, dflat, sizeof(dflat), &base))
		ret = VMKFS_EINVAL;
	if (ret)
		goto done;
	size = src.size;
	ret = vmkfs_create(d.vol, dflat, size, alloc);
	if (!ret)
		ret = vmkfs_open(d.vol, dflat, VMKFS_O_RDWR, &out);
	for (off = 0; !ret && off < size; off += COPY_CHUNK) {
		size_t n = size - off < COPY_CHUNK ? (size_t)(size - off) : COPY_CHUNK;
		int64_t r = source_read(&src, buf, n, off);
		int pct = (int)((off + n) * 100 / size);

		if (r != (int64_t)n) {
			ret = r < 0 ? (int)r : VMKFS_EIO;
			break;
		}
		/* a thin or lazily zeroed copy needs no writes of zeroes */
		if (!(alloc != VMKFS_EAGERZEROEDTHICK && all_zero(buf, n))) {
			r = vmkfs_pwrite(out, buf, n, off);
			if (r != (int64_t)n)
				ret = r < 0 ? (int)r : VMKFS_EIO;
		}
		if (pct != last) {
			fprintf(stderr, "\rClone: %d%% done.", pct);
			last = pct;
		}
	}
	if (last >= 0)
		fprintf(stderr, "\n");
	if (!ret)
		ret = vmkfs_fsync(out);
	if (!ret)
		ret = write_desc(&d, d.path, base, size, alloc, "lsilogic");
done:
	if (src.f)
		vmkfs_close(src.f);
	if (src.raw)
		fclose(src.raw);
	if (out)
		vmkfs_close(out);
	if (ret)
		fprintf(stderr, "%s: clone %s -> %s failed: %s\n", prog, src_arg, dst,
			d.vol ? vmkfs_errmsg(d.vol) : s.vol ? vmkfs_errmsg(s.vol) :
			vmkfs_strerror(ret));
	if (same)
		d.vol = NULL;
	close_session(&d);
	close_session(&s);
	free(buf);
	return ret ? status_exit(ret) : EXIT_OK;
}

static int cmd_rename(const char *from, const char *to)
{
	struct session s;
	char oflat[512], nflat[512], text[DESC_MAX];
	const char *nbase, *npath = strchr(to, ':') && strstr(to, ":/") ?
				    strstr(to, ":/") + 1 : to;
	uint64_t sectors;
	int ret;

	if (datastore_path(from)) {
		struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_RENAME };

		if (!field_set(v.new_path, sizeof(v.new_path), to, "a datastore path"))
			return EXIT_USAGE;
		ret = vdisk_request(&v, from);
		if (!ret)
			printf("Renamed disk '%s' to '%s' through the vmkernel.\n", from, to);
		return ret;
	}
	ret = open_target(&s, from, false);
	if (ret)
		return status_exit(ret);
	ret = disk_flat(&s, s.path, oflat, sizeof(oflat), &sectors);
	if (!ret && flat_path(npath, nflat, sizeof(nflat), &nbase))
		ret = VMKFS_EINVAL;
	if (!ret)
		ret = read_desc(&s, s.path, text, sizeof(text));
	if (!ret)
		ret = vmkfs_rename(s.vol, oflat, nflat);
	if (!ret)
		ret = vmkfs_rename(s.vol, s.path, npath);
	/* point the descriptor at the renamed extent */
	if (!ret)
		ret = vmkfs_unlink(s.vol, npath);
	if (!ret)
		ret = write_desc(&s, npath, nbase, sectors * VMDK_SECTOR,
				 strstr(text, "thinProvisioned") ? VMKFS_THIN :
				 VMKFS_ZEROEDTHICK, "lsilogic");
	if (ret)
		ret = fail(&s, ret, s.path);
	close_session(&s);
	return ret;
}

static int cmd_delete(const char *arg)
{
	struct session s;
	char flat[512];
	uint64_t sectors;
	int ret;

	if (datastore_path(arg)) {
		struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_DELETE };

		ret = vdisk_request(&v, arg);
		if (!ret)
			printf("Deleted disk '%s' through the vmkernel: %llu MiB free on its datastore.\n",
			       arg, (unsigned long long)(v.free_bytes >> 20));
		return ret;
	}
	ret = open_target(&s, arg, false);
	if (ret)
		return status_exit(ret);
	ret = disk_flat(&s, s.path, flat, sizeof(flat), &sectors);
	if (!ret)
		ret = vmkfs_unlink(s.vol, flat);
	if (!ret)
		ret = vmkfs_unlink(s.vol, s.path);
	if (ret)
		ret = fail(&s, ret, s.path);
	close_session(&s);
	return ret;
}

static int cmd_locks(const char *arg)
{
	struct session s;
	struct vmkfs_stat st;
	int ret = open_target(&s, arg, true);

	if (ret)
		return status_exit(ret);
	ret = vmkfs_stat(s.vol, s.path, &st);
	if (ret)
		ret = fail(&s, ret, s.path);
	else
		print_stat(s.path, &st);
	close_session(&s);
	return ret;
}

static void report(void *arg, const char *msg)
{
	(void)arg;
	printf("%s\n", msg);
}

static int cmd_check(const char *dev, bool repair)
{
	struct vmkfs_check_result r;
	struct vmkfs_dev *d;
	char err[256];
	int ret = vmkfs_posix_open(dev, !repair, &d, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s: cannot open %s\n", prog, err);
		return EXIT_FAIL;
	}
	const char *t = getenv("VMKFS_LOCK_TIMEOUT_MS");

	ret = vmkfs_check(d, repair, t && *t ? (uint32_t)atoi(t) : 3000, report,
			  NULL, &r, err, sizeof(err));
	vmkfs_posix_close(d);
	if (ret) {
		fprintf(stderr, "%s: %s: check failed: %s\n", prog, dev, err);
		return status_exit(ret);
	}
	printf("%s: %u files, %u directories, %u problems found, %u repaired\n",
	       dev, r.files, r.dirs, r.errors, r.repaired);
	return r.errors > r.repaired ? EXIT_DIRTY : EXIT_OK;
}

static int ls_one(void *arg, const char *name, const struct vmkfs_stat *st)
{
	(void)arg;
	printf("%c %10" PRIu64 " %s\n", st->type == VMKFS_FT_DIR ? 'd' : '-',
	       st->size, name);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_misc(const char *verb, const char *arg, const char *extra)
{
	bool ro = !strcmp(verb, "ls") || !strcmp(verb, "cat");
	struct session s;
	struct vmkfs_file *f;
	int ret;

	if ((!strcmp(verb, "mkdir") || !strcmp(verb, "rmdir")) && datastore_path(arg)) {
		struct vmk_storage_vdisk v = {
			.op = verb[0] == 'm' ? VMK_VDISK_OP_MKDIR : VMK_VDISK_OP_RMDIR,
		};

		return vdisk_request(&v, arg);
	}
	ret = open_target(&s, arg, ro);
	if (ret)
		return status_exit(ret);
	if (!strcmp(verb, "mkdir")) {
		ret = vmkfs_mkdir(s.vol, s.path);
	} else if (!strcmp(verb, "rmdir")) {
		ret = vmkfs_rmdir(s.vol, s.path);
	} else if (!strcmp(verb, "rm")) {
		ret = vmkfs_unlink(s.vol, s.path);
	} else if (!strcmp(verb, "ls")) {
		ret = vmkfs_readdir(s.vol, s.path, ls_one, NULL);
	} else if (!strcmp(verb, "cat")) {
		uint8_t *buf = malloc(COPY_CHUNK);
		uint64_t off = 0;
		int64_t n = 0;

		ret = buf ? vmkfs_open(s.vol, s.path, VMKFS_O_RDONLY, &f) : VMKFS_ENOMEM;
		while (!ret && (n = vmkfs_pread(f, buf, COPY_CHUNK, off)) > 0) {
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				ret = VMKFS_EIO;
			off += (uint64_t)n;
		}
		if (!ret && n < 0)
			ret = (int)n;
		if (buf && (ret == VMKFS_OK || off))
			vmkfs_close(f);
		free(buf);
	} else if (!strcmp(verb, "import")) {
		FILE *in = fopen(extra, "rb");
		uint8_t *buf = malloc(COPY_CHUNK);
		struct stat st;
		uint64_t off = 0;

		if (!in || !buf || fstat(fileno(in), &st)) {
			fprintf(stderr, "%s: %s: %s\n", prog, extra, strerror(errno));
			ret = VMKFS_EIO;
		} else {
			ret = vmkfs_create(s.vol, s.path, (uint64_t)st.st_size,
					   VMKFS_THIN);
			if (!ret)
				ret = vmkfs_open(s.vol, s.path, VMKFS_O_RDWR, &f);
			while (!ret && off < (uint64_t)st.st_size) {
				size_t n = fread(buf, 1, COPY_CHUNK, in);

				if (!n) {
					ret = VMKFS_EIO;
					break;
				}
				if (!all_zero(buf, n) &&
				    vmkfs_pwrite(f, buf, n, off) != (int64_t)n)
					ret = VMKFS_EIO;
				off += n;
			}
			if (!ret || off)
				vmkfs_close(f);
		}
		if (in)
			fclose(in);
		free(buf);
	} else if (!strcmp(verb, "hold")) {
		ret = vmkfs_open(s.vol, s.path, strcmp(extra, "ro") ? VMKFS_O_RDWR :
				 VMKFS_O_RDONLY, &f);
		if (!ret) {
			struct vmkfs_volinfo vi;

			signal(SIGTERM, on_signal);
			signal(SIGINT, on_signal);
			vmkfs_statfs(s.vol, &vi);
			printf("holding %s (%s) with heartbeat slot %u\n", s.path,
			       extra, vi.hb_slot);
			fflush(stdout);
			while (!stop && !ret) {
				vmkfs_sleep_ms(200);
				ret = vmkfs_heartbeat(s.vol);
			}
			vmkfs_close(f);
		}
	}
	if (ret)
		ret = fail(&s, ret, s.path);
	close_session(&s);
	return ret;
}

int main(int argc, char **argv)
{
	enum { O_CHECK = 256, O_REPAIR, O_MKDIR, O_RMDIR, O_LS, O_CAT, O_RM,
	       O_IMPORT, O_HOLD };
	static const struct option longopts[] = {
		{ "createfs", required_argument, NULL, 'C' },
		{ "blocksize", required_argument, NULL, 'b' },
		{ "setfsname", required_argument, NULL, 'S' },
		{ "queryfs", no_argument, NULL, 'P' },
		{ "createvirtualdisk", required_argument, NULL, 'c' },
		{ "diskformat", required_argument, NULL, 'd' },
		{ "adaptertype", required_argument, NULL, 'a' },
		{ "extendvirtualdisk", required_argument, NULL, 'X' },
		{ "clonevirtualdisk", required_argument, NULL, 'i' },
		{ "eagerzero", no_argument, NULL, 'k' },
		{ "renamevirtualdisk", no_argument, NULL, 'E' },
		{ "deletevirtualdisk", no_argument, NULL, 'U' },
		{ "lock", no_argument, NULL, 'D' },
		{ "check", no_argument, NULL, O_CHECK },
		{ "repair", no_argument, NULL, O_REPAIR },
		{ "mkdir", no_argument, NULL, O_MKDIR },
		{ "rmdir", no_argument, NULL, O_RMDIR },
		{ "ls", no_argument, NULL, O_LS },
		{ "cat", no_argument, NULL, O_CAT },
		{ "rm", no_argument, NULL, O_RM },
		{ "import", required_argument, NULL, O_IMPORT },
		{ "hold", required_argument, NULL, O_HOLD },
		{ NULL, 0, NULL, 0 }
	};
	const char *fstype = NULL, *label = NULL, *fmt = NULL, *adapter = "lsilogic";
	const char *src = NULL, *extra = NULL, *misc = NULL;
	uint64_t size = 0;
	uint32_t bs = 1024 * 1024;
	int verb = 0, c;
	bool repair = false;

	while ((c = getopt_long(argc, argv, "C:b:S:Pc:d:a:X:i:EUDk", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'C': verb = c; fstype = optarg; break;
		case 'b': bs = (uint32_t)parse_size(optarg); break;
		case 'S': label = optarg; break;
		case 'd': fmt = optarg; break;
		case 'a': adapter = optarg; break;
		case 'c': case 'X': verb = c; size = parse_size(optarg); break;
		case 'i': verb = c; src = optarg; break;
		case 'P': case 'E': case 'U': case 'D': case 'k': case O_CHECK: verb = c; break;
		case O_REPAIR: repair = true; break;
		case O_MKDIR: verb = c; misc = "mkdir"; break;
		case O_RMDIR: verb = c; misc = "rmdir"; break;
		case O_LS: verb = c; misc = "ls"; break;
		case O_CAT: verb = c; misc = "cat"; break;
		case O_RM: verb = c; misc = "rm"; break;
		case O_IMPORT: verb = c; misc = "import"; extra = optarg; break;
		case O_HOLD: verb = c; misc = "hold"; extra = optarg; break;
		default: usage();
		}
	}
	if (repair && verb != O_CHECK)
		usage();
	if (optind >= argc)
		usage();
	switch (verb) {
	case 'C':
		if (strcmp(fstype, "vmfs3")) {
			fprintf(stderr, "%s: only -C vmfs3 is supported\n", prog);
			return EXIT_USAGE;
		}
		return cmd_format(argv[optind], bs, label);
	case 'P': return cmd_query(argv[optind]);
	case 'c': return cmd_create_disk(argv[optind], size, parse_format(fmt), adapter);
	case 'X': return cmd_extend(argv[optind], size, parse_format(fmt));
	case 'i': return cmd_clone(src, argv[optind], parse_format(fmt));
	case 'E':
		if (optind + 1 >= argc)
			usage();
		return cmd_rename(argv[optind], argv[optind + 1]);
	case 'U': return cmd_delete(argv[optind]);
	case 'D': return cmd_locks(argv[optind]);
	case 'k': return cmd_eagerzero(argv[optind]);
	case O_CHECK: return cmd_check(argv[optind], repair);
	case 0: usage();
	}
	return cmd_misc(misc, argv[optind], extra);
}
