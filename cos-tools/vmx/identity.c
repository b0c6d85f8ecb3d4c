// SPDX-License-Identifier: GPL-2.0-only
/*
 * The identity VMware writes into a .vmx at a VM's first power on (its
 * uuid.bios, and the MAC of each NIC with a generated address), and
 * writing it back so the VM keeps it across power cycles and hosts.
 * See vmx.h and docs/vmx.md "What vmkctl vm start writes back". The same
 * locked, atomic rewrite sets other keys too (vmx_set_keys(): vmk-hostd's
 * ReconfigVM_Task).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cos-tools/vmx/vmx.h"

/* The first two bytes of every uuid.bios VMware generates. */
static const uint8_t uuid_prefix_vmware[2] = { 0x56, 0x4d };
/* VMware's OUI for the addresses a host generates (docs/network.md). */
static const uint8_t mac_oui_generated[3] = { 0x00, 0x0c, 0x29 };
/*
 * RFC 4122 §4.1.3/§4.4: version 4 in the top nibble of time_hi_and_version,
 * §4.1.1: variant 10b in the top bits of clock_seq_hi_and_reserved. SMBIOS
 * (DSP0134 §7.2.1) stores time_hi_and_version little-endian at bytes 6-7.
 */
#define UUID_VERSION_BYTE	7
#define UUID_VERSION_4		0x40
#define UUID_VARIANT_BYTE	8
#define UUID_VARIANT_RFC4122	0x80
#define MAC_LOW_MASK		0xffffffu	/* the 24 bits after the OUI */

void vmx_uuid_generate(const uint8_t random[16], uint8_t uuid[16])
{
	memcpy(uuid, random, 16);
	memcpy(uuid, uuid_prefix_vmware, sizeof(uuid_prefix_vmware));
	uuid[UUID_VERSION_BYTE] = (uint8_t)((uuid[UUID_VERSION_BYTE] & 0x0f) | UUID_VERSION_4);
	uuid[UUID_VARIANT_BYTE] = (uint8_t)((uuid[UUID_VARIANT_BYTE] & 0x3f) | UUID_VARIANT_RFC4122);
}

void vmx_mac_generate(const uint8_t uuid[16], uint32_t offset, uint8_t mac[6])
{
	uint32_t low = (uint32_t)uuid[13] << 16 | (uint32_t)uuid[14] << 8 | uuid[15];

	low = (low + offset) & MAC_LOW_MASK;
	memcpy(mac, mac_oui_generated, sizeof(mac_oui_generated));
	mac[3] = (uint8_t)(low >> 16);
	mac[4] = (uint8_t)(low >> 8);
	mac[5] = (uint8_t)low;
}

static void add_set(struct vmx_set *sets, int *n, const char *key, const char *value)
{
	snprintf(sets[*n].key, sizeof(sets[*n].key), "%s", key);
	snprintf(sets[*n].value, sizeof(sets[*n].value), "%s", value);
	(*n)++;
}

static bool is_empty(const struct vmx_entry *e)
{
	return !e || !*e->value;
}

/* ethernetN.generatedAddressOffset: a decimal below 2^24. */
static bool parse_offset(const char *s, uint32_t *offset)
{
	uint32_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > MAC_LOW_MASK)
			return false;
		v = v * 10 + (uint32_t)(*s - '0');
	}
	if (v > MAC_LOW_MASK)
		return false;
	*offset = v;
	return true;
}

/* The keys NIC nic lacks for a generated address; -1 with diag. */
static int nic_missing(const struct vmx_file *file, unsigned int nic, const uint8_t uuid[16],
		       struct vmx_set *sets, int *n, struct diag *diag)
{
	const struct vmx_entry *e, *type, *offset;
	uint32_t off = nic * VMX_MAC_OFFSET_STEP;
	char key[40], mac_text[VMX_MAC_TEXT], off_text[16];
	uint8_t mac[6];

#define NIC_KEY(suffix) (snprintf(key, sizeof(key), "ethernet%u." suffix, nic), key)
	e = vmx_find(file, NIC_KEY("present"));
	if (!e || strcasecmp(e->value, "TRUE"))
		return 0;
	type = vmx_find(file, NIC_KEY("addressType"));
	/* "static" and "vpx" (vCenter's) addresses are not the host's to make */
	if (!is_empty(type) && strcasecmp(type->value, "generated"))
		return 0;
	if (vmx_find(file, NIC_KEY("address")) ||
	    !is_empty(vmx_find(file, NIC_KEY("generatedAddress"))))
		return 0;
	offset = vmx_find(file, NIC_KEY("generatedAddressOffset"));
	if (!is_empty(offset) && !parse_offset(offset->value, &off)) {
		diag_add_at(diag, file->name, offset->line,
			    "'%s' must be a whole number below 16777216, not \"%s\"",
			    offset->key, offset->value);
		return -1;
	}
	vmx_mac_generate(uuid, off, mac);
	vmx_mac_format(mac, mac_text);
	snprintf(off_text, sizeof(off_text), "%u", off);
	if (is_empty(type))
		add_set(sets, n, NIC_KEY("addressType"), "generated");
	add_set(sets, n, NIC_KEY("generatedAddress"), mac_text);
	if (is_empty(offset))
		add_set(sets, n, NIC_KEY("generatedAddressOffset"), off_text);
#undef NIC_KEY
	return 0;
}

int vmx_identity_missing(const struct vmx_file *file, const uint8_t random[16],
			 struct vmx_set *sets, struct diag *diag)
{
	const struct vmx_entry *e = vmx_find(file, "uuid.bios");
	char text[VMX_UUID_TEXT];
	uint8_t uuid[16];
	int n = 0;

	if (is_empty(e)) {
		vmx_uuid_generate(random, uuid);
		vmx_uuid_format(uuid, text);
		add_set(sets, &n, "uuid.bios", text);
		/* VMware's record of where the VM was made: the same at first */
		if (is_empty(vmx_find(file, "uuid.location")))
			add_set(sets, &n, "uuid.location", text);
	} else if (!vmx_uuid_parse(e->value, uuid)) {
		diag_add_at(diag, file->name, e->line,
			    "'uuid.bios' must be 16 hex bytes, not \"%s\"", e->value);
		return -1;
	}
	for (unsigned int nic = 0; nic < VMX_ETHERNETS; nic++)
		if (nic_missing(file, nic, uuid, sets, &n, diag))
			return -1;
	return n;
}

/*
 * The edited text parses and checks, has every key of sets with its value
 * and every other key of old with its old value: nothing else moved.
 * file: the text parsed, to be freed either way.
 */
static bool edit_is_sound(const struct vmx_file *old, const char *text, size_t len,
			  const struct vmx_set *sets, int n, const char *what,
			  struct vmx_file *file, struct diag *diag)
{
	struct vmx_config cfg;
	size_t appended = 0;
	bool ok;

	ok = !vmx_parse(old->name, text, len, file, diag) &&
	     !vmx_config_from_file(file, &cfg, diag);
	for (int i = 0; ok && i < n; i++) {
		const struct vmx_entry *e = vmx_find(file, sets[i].key);

		ok = e && !strcmp(e->value, sets[i].value);
		appended += !vmx_find(old, sets[i].key);
	}
	for (size_t i = 0; ok && i < old->count; i++) {
		const struct vmx_entry *was = &old->entries[i];
		const struct vmx_entry *e = vmx_find(file, was->key);
		bool set = false;

		for (int k = 0; k < n; k++)
			set |= !strcasecmp(was->key, sets[k].key);
		ok = e && (set || !strcmp(e->value, was->value));
	}
	ok = ok && file->count == old->count + appended;
	if (!ok)
		diag_add_at(diag, old->name, 0,
			    "the file with %s would not read back the same; left as it was", what);
	return ok;
}

/*
 * One locked rewrite of a .vmx: what it writes (for messages) and the
 * keys to set, computed from the file as read under the lock.
 */
struct rewrite {
	const char *what;		/* "the generated identity" */
	const char *read_only;		/* what to tell the owner of a read-only file */
	const char *linked;		/* ... of a symbolic link */
	const char *links;		/* ... of a file of several names */
	/* Fill sets; their number (0: nothing to write), or -1 with diag. */
	int (*sets)(const struct rewrite *rw, const struct vmx_file *file,
		    struct vmx_set *sets, struct diag *diag);
	const uint8_t *random;		/* identity: for a new uuid.bios */
	const struct vmx_set *given;	/* vmx_set_keys(): the keys to set */
	size_t ngiven;
	/* vmx_set_keys_applied(): run under the lock on the file as it will be */
	int (*apply)(void *ctx, const struct vmx_file *file, struct diag *diag);
	void *ctx;
};

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Names tried for the temporary file before giving up (each one taken: EEXIST). */
#define TEMP_TRIES	16

/*
 * The temporary file of a rewrite of BASE: ".BASE" TEMP_MARK and six
 * lowercase hex digits, a name that says whose it is, so a later rewrite
 * can tell one a killed vm start left (remove_stale_temps()).
 */
#define TEMP_MARK	".vmk-identity-"
#define TEMP_DIGITS	6

/* name is exactly that of a temporary file of base. */
static bool is_temp_of(const char *name, const char *base)
{
	size_t n = strlen(base), m = strlen(TEMP_MARK);

	if (name[0] != '.' || strncmp(name + 1, base, n) || strncmp(name + 1 + n, TEMP_MARK, m))
		return false;
	name += 1 + n + m;
	for (int i = 0; i < TEMP_DIGITS; i++)
		if (!isdigit((unsigned char)name[i]) && (name[i] < 'a' || name[i] > 'f'))
			return false;
	return !name[TEMP_DIGITS];
}

/*
 * Remove the temporary files of base in dir that a vm start left when it
 * was killed (SIGKILL, a crash) between creating one and renaming it. The
 * caller holds dir's lock, so no other start is writing one now. Only
 * names of exactly that form go, and by unlinkat() of the name: a link
 * is removed, never followed, and a folder stays. Best effort: a name
 * that cannot be removed is left.
 */
static void remove_stale_temps(int dir, const char *base)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (is_temp_of(e->d_name, base))
			unlinkat(dir, e->d_name, 0);
	closedir(d);
}

/*
 * A new, empty temporary file of base in dir (TEMP_MARK) with mode 0600,
 * its name in tmp; the fd or -1. O_EXCL|O_NOFOLLOW: a name that exists, a
 * symbolic link included, is never opened.
 */
static int create_temp(int dir, const char *base, char *tmp, size_t size)
{
	struct timespec now;
	unsigned int seed;
	int fd = -1;

	clock_gettime(CLOCK_MONOTONIC, &now);
	seed = (unsigned int)getpid() * 2654435761u ^ (unsigned int)now.tv_nsec;
	for (unsigned int i = 0; i < TEMP_TRIES; i++) {
		if (snprintf(tmp, size, ".%s" TEMP_MARK "%0*x", base, TEMP_DIGITS,
			     (seed + i * 40503u) & 0xffffffu) >=
		    (int)size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

/*
 * The temporary file fd gets the bytes, then the owner and permission bits
 * of the original (st): the owner first, as fchown() clears set-ID bits.
 * Only the 0777 bits are copied: set-user-ID, set-group-ID and sticky bits
 * have no business on a .vmx. A caller that is not root and cannot give the
 * file its owner fails (EPERM): a rewrite never changes who owns a .vmx.
 * NULL, or what failed (errno says why).
 */
static const char *fill_temp(int fd, const struct stat *st, const char *data, size_t len)
{
	struct stat ts;

	if (write_all(fd, data, len))
		return "writing a temporary file beside it";
	if (fstat(fd, &ts) ||
	    ((ts.st_uid != st->st_uid || ts.st_gid != st->st_gid) &&
	     fchown(fd, st->st_uid, st->st_gid)))
		return "giving the temporary file the owner of the original";
	if (fchmod(fd, st->st_mode & 0777))
		return "giving the temporary file the mode of the original";
	if (fsync(fd))
		return "syncing the temporary file";
	return NULL;
}

/*
 * data into a new temporary file of base in dir with the owner and mode
 * of st, renamed over base; on any failure the temporary file is removed
 * and base is as it was. 0, or -1 with diag.
 */
static int write_over(int dir, const char *base, const char *path, const struct stat *st,
		      const char *data, size_t len, const char *what, struct diag *diag)
{
	char tmp[NAME_MAX + 1];
	const char *failed;
	int fd, err;

	fd = create_temp(dir, base, tmp, sizeof(tmp));
	if (fd < 0) {
		diag_add_at(diag, path, 0, "cannot create a temporary file beside it: %s",
			    strerror(errno));
		return -1;
	}
	failed = fill_temp(fd, st, data, len);
	err = errno;
	if (close(fd) && !failed) {
		failed = "closing the temporary file";
		err = errno;
	}
	if (!failed && renameat(dir, tmp, dir, base)) {
		failed = "renaming the temporary file over it";
		err = errno;
	}
	if (failed) {
		diag_add_at(diag, path, 0,
			    "cannot write %s (%s): %s; it is left as it was",
			    what, failed, strerror(err));
		unlinkat(dir, tmp, 0);
		return -1;
	}
	return 0;
}

/*
 * Replace base in dir (path names it for messages; st is its fstat())
 * with data: a temporary file in dir with its owner and mode, fsync'd,
 * renamed over base and dir fsync'd. Only dir and the names in it are
 * used: nothing is looked up by path. The original stays whole on any
 * failure and no temporary file is left: SIGINT, SIGTERM and SIGHUP wait
 * (blocked) until the temporary file is renamed or removed, and one left
 * by a start killed otherwise is removed first.
 */
static int replace_file(int dir, const char *base, const char *path, const struct stat *st,
			const char *data, size_t len, const struct rewrite *rw, struct diag *diag)
{
	sigset_t catchable, mask;
	int ret;

	if (!(st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) {
		diag_add_at(diag, path, 0, "is read-only (mode %04o): %s",
			    (unsigned int)(st->st_mode & 07777), rw->read_only);
		return -1;
	}
	/* for a caller that is not root: root may write anyway */
	if (faccessat(dir, base, W_OK, AT_SYMLINK_NOFOLLOW)) {
		diag_add_at(diag, path, 0, "cannot write %s: %s", rw->what, strerror(errno));
		return -1;
	}
	remove_stale_temps(dir, base);
	sigemptyset(&catchable);
	sigaddset(&catchable, SIGINT);
	sigaddset(&catchable, SIGTERM);
	sigaddset(&catchable, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &catchable, &mask);
	ret = write_over(dir, base, path, st, data, len, rw->what, diag);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	if (ret)
		return -1;
	if (fsync(dir)) {
		diag_add_at(diag, path, 0, "written, but its directory cannot be synced: %s",
			    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * flock(LOCK_EX) that gives up after ms: anyone who can read the folder
 * can take a lock on it and keep it, and root's vm start must not wait
 * for ever on that. 0, or -1 with errno (EWOULDBLOCK: still locked).
 */
int vmx_lock_within(int fd, int ms)
{
	const struct timespec nap = { 0, 50 * 1000 * 1000 };

	for (int waited = 0;; waited += 50) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK || waited >= ms)
			return -1;
		nanosleep(&nap, NULL);
	}
}
/*
 * The folder of path, opened once and locked; *base is path's last
 * component. Everything after is relative to this fd, so a folder on the
 * path swapped for a symbolic link later cannot move what is read or
 * written. Symbolic links among the folders are followed here, once, as
 * for any path the caller names (/vmfs/volumes/datastore1 is one on ESX):
 * O_NOFOLLOW on the last folder would refuse those and protect nothing, an
 * earlier folder could be swapped as well. -1 with diag.
 */
static int lock_dir(const char *path, const char **base, struct diag *diag)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd = -1;

	*base = slash ? slash + 1 : path;
	if (!slash)
		fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else if (snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
			  path) < (int)sizeof(dir))
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		errno = ENAMETOOLONG;
	if (fd < 0) {
		diag_add_at(diag, path, 0, "cannot open its directory: %s", strerror(errno));
		return -1;
	}
	if (vmx_lock_within(fd, VMX_LOCK_WAIT_MS)) {
		if (errno == EWOULDBLOCK)
			diag_add_at(diag, path, 0,
				    "its directory stayed locked for %d s (another vm start, or a process holding flock() on the folder: see lslocks); try again",
				    VMX_LOCK_WAIT_MS / 1000);
		else
			diag_add_at(diag, path, 0, "cannot lock its directory: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * base in dir opened for reading (vmx_open_regular()): a symbolic link is
 * followed and *linked says so; a pipe or a device is refused, neither
 * opened nor waited on. The fd, or -1 with diag.
 *
 * The lock is on the folder of the link, not of its target, which may be
 * in another folder: that is enough for a file only read. A start that
 * names the target rewrites it by a rename, so this read sees the old
 * file or the new one, whole; a link is never written through
 * (may_replace()).
 */
static int open_vmx(int dir, const char *base, const char *path, struct stat *st, bool *linked,
		    struct diag *diag)
{
	int fd = vmx_open_regular(dir, base, st, linked);

	if (fd == VMX_NOT_REGULAR)
		diag_add_at(diag, path, 0, "is not a regular file (a pipe, a device, a folder): vm start reads a .vmx only from a file");
	else if (fd < 0)
		diag_add_at(diag, path, 0, "cannot open: %s", strerror(errno));
	return fd < 0 ? -1 : fd;
}

/*
 * A file that gets keys is replaced by its name in the folder: that name
 * must be the file itself, not a link, and its only name (st). Reading
 * through a link or a second name is fine; a rewrite would turn a link
 * into a file of its own, and leave a second name (anywhere on the file
 * system: a COS user's hard link to one of root's) with the old text.
 * false with diag.
 */
static bool may_replace(const char *path, const struct stat *st, bool linked,
			const struct rewrite *rw, struct diag *diag)
{
	if (linked)
		diag_add_at(diag, path, 0, "is a symbolic link and %s", rw->linked);
	else if (st->st_nlink != 1)
		diag_add_at(diag, path, 0, "has %ju links and %s", (uintmax_t)st->st_nlink,
			    rw->links);
	return !linked && st->st_nlink == 1;
}

/* The file was not replaced after apply() took its new text: apply the old one. */
static void undo_apply(const struct rewrite *rw, const struct vmx_file *file, struct diag *diag)
{
	struct diag undo = { 0 };

	if (rw->apply(rw->ctx, file, &undo))
		diag_add(diag, "and what it was applied to keeps the new settings: %s",
			 undo.count ? undo.msgs[0] : "?");
	else
		diag_add(diag, "what it was applied to has its old settings back");
	diag_free(&undo);
}

static int rewrite(const char *path, const struct rewrite *rw, struct vmx_file *now,
		   size_t *written, struct diag *diag)
{
	struct vmx_set sets[VMX_SETS_MAX];
	struct vmx_file file = { 0 }, edited = { 0 };
	struct vmx_config cfg;
	char *text = NULL, *out = NULL;
	const char *base;
	size_t len, out_len;
	struct stat st;
	bool linked;
	int dir, fd, err, n = -1;

	*now = (struct vmx_file){ 0 };
	*written = 0;
	dir = lock_dir(path, &base, diag);
	if (dir < 0)
		goto out;
	/* read under the lock: another start may have just written it */
	fd = open_vmx(dir, base, path, &st, &linked, diag);
	if (fd < 0)
		goto unlock;
	err = vmx_load_fd(fd, path, &file, &text, &len, diag);
	close(fd);
	if (err || vmx_config_from_file(&file, &cfg, diag))
		goto unlock;
	n = rw->sets(rw, &file, sets, diag);
	if (n < 0)
		goto unlock;
	if (!n) {
		if (rw->apply && rw->apply(rw->ctx, &file, diag))
			n = -1;		/* the file already says so: only apply it */
		goto unlock;
	}
	if (!may_replace(path, &st, linked, rw, diag)) {
		n = -1;
		goto unlock;
	}
	if (vmx_edit(&file, text, len, sets, (size_t)n, &out, &out_len)) {
		diag_add_at(diag, path, 0, "out of memory");
		n = -1;
	} else if (!edit_is_sound(&file, out, out_len, sets, n, rw->what, &edited, diag) ||
		   (rw->apply && rw->apply(rw->ctx, &edited, diag))) {
		n = -1;
	} else if (replace_file(dir, base, path, &st, out, out_len, rw, diag)) {
		n = -1;
		if (rw->apply)
			undo_apply(rw, &file, diag);
	}
unlock:
	close(dir);	/* and with it the lock */
out:
	free(out);
	free(text);
	if (n < 0) {
		vmx_file_free(&edited);
		vmx_file_free(&file);
		return -1;
	}
	/* what was written, not the file read again by path: that may be another by now */
	if (n) {
		vmx_file_free(&file);
		file = edited;
	}
	*now = file;
	*written = (size_t)n;
	return 0;
}

static int identity_sets(const struct rewrite *rw, const struct vmx_file *file,
			 struct vmx_set *sets, struct diag *diag)
{
	return vmx_identity_missing(file, rw->random, sets, diag);
}

int vmx_identity_record(const char *path, const uint8_t random[16], struct vmx_file *now,
			size_t *written, struct diag *diag)
{
	const struct rewrite rw = {
		.what = "the generated identity",
		.read_only = "vm start writes the identity it generates there (uuid.bios, ethernetN.generatedAddress); make it writable, or set those keys yourself",
		.linked = "lacks its identity: vm start writes the identity it generates into the .vmx itself and follows no link there; name the file it points to",
		.links = "lacks its identity: vm start replaces the file to write the identity it generates, which would part its names; keep one (copy it)",
		.sets = identity_sets,
		.random = random,
	};

	return rewrite(path, &rw, now, written, diag);
}

static int given_sets(const struct rewrite *rw, const struct vmx_file *file,
		      struct vmx_set *sets, struct diag *diag)
{
	size_t n = 0;

	for (size_t i = 0; i < rw->ngiven; i++) {
		const struct vmx_entry *e = vmx_find(file, rw->given[i].key);

		if (!e || strcmp(e->value, rw->given[i].value))
			sets[n++] = rw->given[i];
	}
	(void)diag;
	return (int)n;
}

int vmx_set_keys(const char *path, const struct vmx_set *sets, size_t n, struct vmx_file *now,
		 size_t *written, struct diag *diag)
{
	return vmx_set_keys_applied(path, sets, n, NULL, NULL, now, written, diag);
}

int vmx_set_keys_applied(const char *path, const struct vmx_set *sets, size_t n,
			 int (*apply)(void *ctx, const struct vmx_file *file, struct diag *diag),
			 void *ctx, struct vmx_file *now, size_t *written, struct diag *diag)
{
	const struct rewrite rw = {
		.what = "the new settings",
		.read_only = "its settings cannot be changed; make it writable",
		.linked = "its settings are written into the .vmx itself, following no link: name the file it points to",
		.links = "its settings are written by replacing the file, which would part its names; keep one (copy it)",
		.sets = given_sets,
		.given = sets,
		.ngiven = n,
		.apply = apply,
		.ctx = ctx,
	};

	if (n > VMX_SETS_MAX) {
		diag_add_at(diag, path, 0, "%zu keys to set, at most %d at once", n, VMX_SETS_MAX);
		return -1;
	}
	return rewrite(path, &rw, now, written, diag);
}
