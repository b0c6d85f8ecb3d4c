// SPDX-License-Identifier: GPL-2.0-only
/*
 * A datastore's files over HTTPS, as ESXi serves them at
 * /folder/PATH?dcPath=ha-datacenter&dsName=DS (docs/rpc.md "Datastore
 * files"): GET sends a file, PUT writes one. http.c is the transport
 * (the session cookie, the connection bounds); this is what a path may
 * name and how the file is read and written.
 *
 * PATH is checked as text first (plain names between single slashes:
 * no "..", ".", empty name, control character), then walked from the
 * datastore's folder one name at a time with O_NOFOLLOW, so a symbolic
 * link anywhere below the datastore's folder is refused rather than
 * followed out of it, and a folder renamed meanwhile cannot move the walk
 * elsewhere. Only regular files are sent or replaced. A PUT writes a
 * temporary file next to the target and renames it over the target once
 * the whole body has come, so a reader never sees half a file and an
 * upload cut short leaves nothing behind. A .vmx is renamed under its
 * folder's flock (vmx_lock_within()), which every rewrite of a .vmx
 * (vm start's identity, ReconfigVM_Task) holds from its read to its
 * rename: an upload is not lost under one.
 *
 * A VMFS volume's own files (its disks) are on the volume, which the COS
 * cannot reach; what the COS keeps for it is its VMs' .vmx files, in the
 * folder of its label (datastore.c). So on a VMFS datastore only .vmx
 * files are served, from that folder; anything else is refused (403).
 */
#define _FILE_OFFSET_BITS 64	/* files over 2 GiB on the COS's i386 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <gnutls/crypto.h>
#include "cos-tools/vmx/vmx.h"
#include "hostd.h"

#define HTTP_OK			200
#define HTTP_CREATED		201
#define HTTP_FORBIDDEN		403
#define HTTP_NOT_FOUND		404
#define HTTP_TOO_LARGE		413
#define HTTP_NO_ROOM		507	/* Insufficient Storage (RFC 4918) */
/* What an upload leaves free on its file system, at least. */
#define DSF_RESERVE		(64ull << 20)
/* The temporary files of uploads in progress: never served or replaced. */
#define DSF_TMP_PREFIX		".vmk-upload-"
#define HTTP_SERVER_ERROR	500

static int dsf_fail(struct dsf *f, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int dsf_fail(struct dsf *f, int status, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->status)
		return -1;	/* the first failure is the one to tell */
	f->status = status;
	n = snprintf(f->why, sizeof(f->why), "vmk-hostd: [%s] %s: ", f->ds, f->path);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(f->why))
		vsnprintf(f->why + n, sizeof(f->why) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(f->why);
	if ((size_t)n + 1 < sizeof(f->why))
		strcpy(f->why + n, "\n");
	return -1;
}

void dsf_init(struct dsf *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = -1;
	f->fd = -1;
}

/* Is path plain names between single slashes (no "", ".", "..", control character)? */
static bool dsf_path_ok(const char *path)
{
	const char *p = path;

	for (;;) {
		size_t l = strcspn(p, "/");

		if (!path_name_ok(p, l) || l > NAME_MAX)
			return false;
		if (!p[l])
			return true;
		p += l + 1;
	}
}

static bool is_vmx(const char *name)
{
	size_t l = strlen(name);

	return l > 4 && !strcasecmp(name + l - 4, ".vmx");
}

int dsf_locate(struct dsf *f, const char *ds, const char *dc, const char *path, bool put)
{
	struct soap_call *c;
	bool found;

	snprintf(f->ds, sizeof(f->ds), "%s", ds ? ds : "");
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (!ds || !ds[0])
		return dsf_fail(f, HTTP_NOT_FOUND, "no datastore named: add ?dcPath=ha-datacenter&dsName=DATASTORE");
	if (dc && strcmp(dc, "ha-datacenter"))
		return dsf_fail(f, HTTP_NOT_FOUND, "no datacenter '%s': this host's is ha-datacenter", dc);
	if (strlen(path) >= sizeof(f->path) || !dsf_path_ok(path))
		return dsf_fail(f, HTTP_FORBIDDEN,
				"not a path in the datastore (plain names of at most %d bytes between "
				"single slashes; no '..', '.' or control characters)", NAME_MAX);
	c = calloc(1, sizeof(*c));	/* large: the VM table */
	if (!c)
		return dsf_fail(f, HTTP_SERVER_ERROR, "out of memory");
	found = ds_cos_folder(c, ds, f->root, sizeof(f->root), &f->vmfs);
	if (!found && c->fault.type)
		dsf_fail(f, HTTP_SERVER_ERROR, "%s", c->fault.msg);
	else if (!found)
		dsf_fail(f, HTTP_NOT_FOUND, "no such datastore");
	free(c);
	if (f->status)
		return -1;
	f->name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	if (f->vmfs && !is_vmx(f->name))
		return dsf_fail(f, HTTP_FORBIDDEN,
				"%s is a VMFS datastore: its files are on the volume, which the COS "
				"cannot reach; only its VMs' .vmx files (kept in the COS) can be %s",
				ds, put ? "written" : "read");
	return 0;
}

/* Why name (in dir, on the path) cannot be walked through or opened: the answer to give. */
static int dsf_fail_open(struct dsf *f, int dir, const char *name, int err)
{
	const char *at = strcmp(name, f->path) ? name : "it";
	struct stat st;

	if (!fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		return dsf_fail(f, HTTP_FORBIDDEN, "%s is a symbolic link: the datastore file "
				"service follows none", at);
	if (err == ENOENT)
		return dsf_fail(f, HTTP_NOT_FOUND, "no such file or folder (%s)", at);
	if (err == ENOTDIR)
		return dsf_fail(f, HTTP_NOT_FOUND, "%s is not a folder", at);
	return dsf_fail(f, err == EACCES || err == EPERM || err == ENAMETOOLONG ? HTTP_FORBIDDEN :
			HTTP_SERVER_ERROR,
			"%s: %s", at, strerror(err));
}

/* Open the folder the file is in (f->dir), one name at a time, no links. */
static int dsf_walk(struct dsf *f)
{
	char names[sizeof(f->path)], *p = names, *slash;
	int dir = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), next;

	if (dir < 0) {
		if (errno == ENOENT && f->vmfs)
			return dsf_fail(f, HTTP_NOT_FOUND, "no such file (no VM of this VMFS "
					"datastore has a .vmx in the COS yet)");
		return dsf_fail(f, HTTP_SERVER_ERROR, "the datastore's folder %s: %s", f->root,
				strerror(errno));
	}
	memcpy(names, f->path, sizeof(names));
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		next = openat(dir, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			dsf_fail_open(f, dir, p, errno);
			close(dir);
			return -1;
		}
		close(dir);
		dir = next;
		p = slash + 1;
	}
	f->dir = dir;
	return 0;
}

int dsf_open_get(struct dsf *f)
{
	struct stat st;
	bool linked;

	if (dsf_walk(f))
		return -1;
	if (!strncmp(f->name, DSF_TMP_PREFIX, strlen(DSF_TMP_PREFIX)))
		return dsf_fail(f, HTTP_FORBIDDEN, "an upload in progress: not sent");
	f->fd = vmx_open_regular(f->dir, f->name, &st, &linked);
	if (f->fd >= 0 && linked) {
		close(f->fd);
		f->fd = -1;
		errno = ELOOP;
	}
	if (f->fd == VMX_NOT_REGULAR) {
		f->fd = -1;
		return dsf_fail(f, HTTP_FORBIDDEN, "not a regular file (a folder, a device, ...): "
				"only files are sent");
	}
	if (f->fd < 0)
		return dsf_fail_open(f, f->dir, f->name, errno);
	/*
	 * The size from a stat of this file's own: parse.c, built without
	 * _FILE_OFFSET_BITS=64, fills the 32-bit struct stat on the COS's
	 * i386, whose st_size is not where this file's 64-bit one reads it
	 * (the lab saw Content-Length 2^44 + the size).
	 */
	if (fstat(f->fd, &st))
		return dsf_fail(f, HTTP_SERVER_ERROR, "%s", strerror(errno));
	/* A hard link may name a file from outside the datastore. */
	if (st.st_nlink != 1)
		return dsf_fail(f, HTTP_FORBIDDEN, "has %lu names (hard links): only a file with "
				"one name is sent", (unsigned long)st.st_nlink);
	f->size = (uint64_t)st.st_size;
	return 0;
}

/* An upload's free room: at least DSF_RESERVE left after want more bytes. */
static int dsf_room(struct dsf *f, uint64_t want)
{
	struct statvfs vfs;
	uint64_t avail;

	if (fstatvfs(f->dir, &vfs))
		return 0;	/* not told: the write itself will say */
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail >= DSF_RESERVE && avail - DSF_RESERVE >= want)
		return 0;
	return dsf_fail(f, HTTP_NO_ROOM, "its file system has %llu MiB free: an upload leaves "
			"%llu MiB", (unsigned long long)(avail >> 20),
			(unsigned long long)(DSF_RESERVE >> 20));
}

int dsf_open_put(struct dsf *f, uint64_t declared)
{
	unsigned char r[4];
	struct stat st;

	if (declared != UINT64_MAX && declared > hostd.upload_max)
		return dsf_fail(f, HTTP_TOO_LARGE, "%llu bytes is more than vmk-hostd takes "
				"(--upload-max: %llu MiB)", (unsigned long long)declared,
				(unsigned long long)(hostd.upload_max >> 20));
	if (dsf_walk(f))
		return -1;
	if (!strncmp(f->name, DSF_TMP_PREFIX, strlen(DSF_TMP_PREFIX)))
		return dsf_fail(f, HTTP_FORBIDDEN, "a name vmk-hostd keeps for uploads in progress");
	if (!fstatat(f->dir, f->name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (!S_ISREG(st.st_mode))
			return dsf_fail(f, HTTP_FORBIDDEN, "is there and not a regular file "
					"(a folder, a symbolic link, ...): only files are replaced");
		f->existed = true;
		f->old_mode = st.st_mode & 07777;
		f->old_uid = st.st_uid;
		f->old_gid = st.st_gid;
	} else if (errno != ENOENT) {
		return dsf_fail_open(f, f->dir, f->name, errno);
	}
	if (dsf_room(f, declared == UINT64_MAX ? 0 : declared))
		return -1;
	gnutls_rnd(GNUTLS_RND_NONCE, r, sizeof(r));
	snprintf(f->tmp, sizeof(f->tmp), ".vmk-upload-%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	/* A new file is its owner's only; a replaced one keeps its mode and owner. */
	f->fd = openat(f->dir, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		f->tmp[0] = '\0';
		return dsf_fail(f, errno == EACCES || errno == EROFS ? HTTP_FORBIDDEN :
				HTTP_SERVER_ERROR, "cannot write in its folder: %s", strerror(errno));
	}
	return 0;
}

/* The temporary file of a PUT, closed and removed. */
static void dsf_drop(struct dsf *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0] && f->dir >= 0)
		unlinkat(f->dir, f->tmp, 0);
	f->tmp[0] = '\0';
}

int dsf_write(struct dsf *f, const char *data, size_t len)
{
	ssize_t n;

	if (f->status)
		return -1;	/* the rest of a refused body is read and dropped */
	if (len > hostd.upload_max - f->written) {
		dsf_drop(f);
		return dsf_fail(f, HTTP_TOO_LARGE, "more than vmk-hostd takes (--upload-max: "
				"%llu MiB)", (unsigned long long)(hostd.upload_max >> 20));
	}
	/* A body of no declared length: the room looked at again every MiB. */
	if ((f->written >> 20) != ((f->written + len) >> 20) && dsf_room(f, len)) {
		dsf_drop(f);
		return -1;
	}
	while (len) {
		n = write(f->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dsf_fail(f, HTTP_SERVER_ERROR, "writing it: %s",
				 n < 0 ? strerror(errno) : "no progress");
			dsf_drop(f);
			return -1;
		}
		data += n;
		len -= (size_t)n;
		f->written += (uint64_t)n;
	}
	return 0;
}

int dsf_commit(struct dsf *f)
{
	bool vmx, renamed;
	int e;

	if (f->status)
		return -1;
	if (f->existed && (fchmod(f->fd, f->old_mode) ||
			   (fchown(f->fd, f->old_uid, f->old_gid) && errno != EPERM))) {
		dsf_fail(f, HTTP_SERVER_ERROR, "keeping its mode and owner: %s", strerror(errno));
		dsf_drop(f);
		return -1;
	}
	if (fsync(f->fd) || close(f->fd)) {
		f->fd = -1;
		dsf_fail(f, HTTP_SERVER_ERROR, "writing it: %s", strerror(errno));
		dsf_drop(f);
		return -1;
	}
	f->fd = -1;
	/* A .vmx is renamed under its folder's lock: not into a vm start's rewrite. */
	vmx = is_vmx(f->name);
	if (vmx && vmx_lock_within(f->dir, VMX_LOCK_WAIT_MS)) {
		if (errno == EWOULDBLOCK)
			dsf_fail(f, HTTP_SERVER_ERROR, "its folder stayed locked for %d s (a vm start rewriting the .vmx, or a process holding flock() on the folder: see lslocks); try again",
				 VMX_LOCK_WAIT_MS / 1000);
		else
			dsf_fail(f, HTTP_SERVER_ERROR, "cannot lock its folder: %s", strerror(errno));
		dsf_drop(f);
		return -1;
	}
	renamed = !renameat(f->dir, f->tmp, f->dir, f->name);
	e = errno;
	if (vmx)
		flock(f->dir, LOCK_UN);
	if (!renamed) {
		dsf_fail(f, e == EISDIR ? HTTP_FORBIDDEN : HTTP_SERVER_ERROR, "%s", strerror(e));
		dsf_drop(f);
		return -1;
	}
	f->tmp[0] = '\0';
	fsync(f->dir);
	f->status = f->existed ? HTTP_OK : HTTP_CREATED;
	f->why[0] = '\0';
	return 0;
}

void dsf_close(struct dsf *f)
{
	dsf_drop(f);
	if (f->dir >= 0)
		close(f->dir);
	f->dir = -1;
}
