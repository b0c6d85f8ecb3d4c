// SPDX-License-Identifier: GPL-2.0-only
/* Files on the datastores for the COS (vmfs_file.h). */
#include "vmkernel/storage/vmfs_file.h"
#include "vmkernel/lib/format.h"

#define LABEL_LEN	VMK_DATASTORE_LABEL_LEN

/* A request being run: its path split, where its answer goes. */
struct vmfs_req {
	struct vmk_vmfs_file *r;
	const struct vmfs_env *env;
	char label[LABEL_LEN];
	char path[VMK_VMFS_PATH_LEN];	/* on the volume: "/" or "/a/b" */
	struct vmkfs_vol *vol;
};

static vmk_status_t refuse(struct vmk_vmfs_file *r, vmk_status_t s, uint32_t error,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static vmk_status_t refuse(struct vmk_vmfs_file *r, vmk_status_t s, uint32_t error,
			   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->error = error;
	return s;
}

/*
 * "LABEL" or "LABEL/a/b" (NUL within size bytes) into label and the path
 * on the volume ("/" or "/a/b"); false with why in r.
 */
static bool split_path(struct vmk_vmfs_file *r, const char *in, size_t size,
		       char label[LABEL_LEN], char path[VMK_VMFS_PATH_LEN])
{
	size_t len = 0, part = 0, i, label_len;

	while (len < size && in[len])
		len++;
	if (len == size) {
		refuse(r, VMK_BAD_PARAM, VMK_VMFS_ENAMETOOLONG, "the path has no end within %u bytes",
		       (unsigned int)size);
		return false;
	}
	for (label_len = 0; label_len < len && in[label_len] != '/'; label_len++)
		;
	if (!label_len || label_len >= LABEL_LEN) {
		refuse(r, VMK_BAD_PARAM, VMK_VMFS_EINVAL, "the path does not begin with a datastore's label");
		return false;
	}
	memcpy(label, in, label_len);
	label[label_len] = '\0';
	/* each part after the label: 1..127 bytes, not "." or ".." */
	for (i = label_len + 1; i <= len; i++) {
		if (i < len && in[i] != '/') {
			part++;
			continue;
		}
		if (!part || (part == 1 && in[i - 1] == '.') ||
		    (part == 2 && in[i - 1] == '.' && in[i - 2] == '.')) {
			refuse(r, VMK_BAD_PARAM, VMK_VMFS_EINVAL,
			       "the path has an empty, '.' or '..' part");
			return false;
		}
		if (part >= VMK_VMFS_NAME_LEN) {
			refuse(r, VMK_BAD_PARAM, VMK_VMFS_ENAMETOOLONG,
			       "a part of the path is longer than %u bytes", VMK_VMFS_NAME_LEN - 1);
			return false;
		}
		part = 0;
	}
	if (label_len == len)
		fmt_snprintf(path, VMK_VMFS_PATH_LEN, "/");
	else
		fmt_snprintf(path, VMK_VMFS_PATH_LEN, "%s", in + label_len);
	return true;
}

static uint32_t errno_of(int ret)
{
	switch (ret) {
	case VMKFS_ENOMEM:		return VMK_VMFS_ENOMEM;
	case VMKFS_ENOSPC:		return VMK_VMFS_ENOSPC;
	case VMKFS_ENOENT:		return VMK_VMFS_ENOENT;
	case VMKFS_EEXIST:		return VMK_VMFS_EEXIST;
	case VMKFS_EBUSY:		return VMK_VMFS_EBUSY;
	case VMKFS_ECORRUPT:		return VMK_VMFS_EUCLEAN;
	case VMKFS_EINVAL:		return VMK_VMFS_EINVAL;
	case VMKFS_EROFS:		return VMK_VMFS_EROFS;
	case VMKFS_ENOTDIR:		return VMK_VMFS_ENOTDIR;
	case VMKFS_EISDIR:		return VMK_VMFS_EISDIR;
	case VMKFS_ENOTEMPTY:		return VMK_VMFS_ENOTEMPTY;
	case VMKFS_EFBIG:		return VMK_VMFS_EFBIG;
	case VMKFS_ENAMETOOLONG:	return VMK_VMFS_ENAMETOOLONG;
	default:			return VMK_VMFS_EIO;
	}
}

/* vmkfs's failure ret on vol, with its sentence (or its name). */
static vmk_status_t vmkfs_failed(struct vmk_vmfs_file *r, struct vmkfs_vol *vol, int ret)
{
	const char *why = vmkfs_errmsg(vol);
	vmk_status_t s = ret == VMKFS_ENOSPC ? VMK_NO_CAPACITY : ret == VMKFS_EBUSY ? VMK_BUSY :
			 ret == VMKFS_EIO ? VMK_HW_FAILURE : VMK_BAD_PARAM;

	return refuse(r, s, errno_of(ret), "%s", why && why[0] ? why : vmkfs_strerror(ret));
}

static void put_stat(struct vmk_vmfs_stat *o, const struct vmkfs_stat *st)
{
	memset(o, 0, sizeof(*o));
	o->size = st->size;
	o->alloc_bytes = st->alloc_blocks * st->block_size;
	o->type = st->type == VMKFS_FT_DIR ? VMK_VMFS_DIR :
		  st->type == VMKFS_FT_FILE ? VMK_VMFS_FILE : VMK_VMFS_SYSTEM;
	o->mode = st->mode;
	o->nlink = st->nlink;
	o->id = st->id;
	o->mtime = st->mtime;
	o->ctime = st->ctime;
}

/* Refuse (VMK_BUSY) when a VM holds the file path names; stat it into st. */
static vmk_status_t check_not_held(struct vmfs_req *q, struct vmkfs_stat *st)
{
	const char *vm;
	int ret = vmkfs_stat(q->vol, q->path, st);

	if (ret)
		return vmkfs_failed(q->r, q->vol, ret);
	vm = vdisk_holder(q->env->claims, q->vol, st->id);
	if (vm)
		return refuse(q->r, VMK_BUSY, VMK_VMFS_EBUSY, "VM '%s' holds %s%s", vm, q->label,
			      q->path);
	return VMK_OK;
}

/* A READDIR's entries: the folder's slots from r->cookie on. */
static int readdir_one(void *arg, const char *name, const struct vmkfs_stat *st)
{
	struct vmk_vmfs_file *r = arg;

	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") ||
	    r->nents == VMK_VMFS_DIR_ENTRIES)
		return VMKFS_OK;
	fmt_snprintf(r->ent[r->nents].name, VMK_VMFS_NAME_LEN, "%s", name);
	put_stat(&r->ent[r->nents].st, st);
	r->nents++;
	return VMKFS_OK;
}

/*
 * One page: VMK_VMFS_DIR_ENTRIES slots from the cookie (a slot) on, the
 * descriptors of those only read, under the storage lock; a page may
 * hold fewer entries ("." and ".." are not given). cookie out: the next
 * slot, 0 at the end.
 */
static vmk_status_t do_readdir(struct vmfs_req *q)
{
	uint32_t next = 0;
	int ret = vmkfs_readdir_from(q->vol, q->path, q->r->cookie, VMK_VMFS_DIR_ENTRIES,
				     readdir_one, q->r, &next);

	if (ret)
		return vmkfs_failed(q->r, q->vol, ret);
	q->r->cookie = next;
	return VMK_OK;
}

static vmk_status_t do_statfs(struct vmfs_req *q)
{
	struct vmkfs_volinfo vi;
	int ret = vmkfs_statfs(q->vol, &vi);

	if (ret)
		return vmkfs_failed(q->r, q->vol, ret);
	q->r->capacity = vi.capacity;
	q->r->free_bytes = vi.free_bytes;
	q->r->block_size = vi.block_size;
	q->r->files_total = vi.files_total;
	q->r->files_free = vi.files_free;
	return VMK_OK;
}

/* The length of path's parent part ("/a" of "/a/b"). */
static size_t parent_len(const char *path)
{
	size_t n = strlen(path);

	while (n && path[n - 1] != '/')
		n--;
	return n;
}

/*
 * RENAME: the source checked (not held; a folder only within its
 * parent), then with VMK_VMFS_REPLACE an existing target checked (not
 * held, of the source's type, not itself) and removed, then the rename,
 * all in the caller's one storage lock: a refused rename loses no
 * target.
 */
static vmk_status_t do_rename(struct vmfs_req *q)
{
	char label[LABEL_LEN], to[VMK_VMFS_PATH_LEN];
	struct vmfs_req tq = *q;
	struct vmkfs_stat st, tst;
	vmk_status_t s;
	int ret;

	if (q->r->flags & ~(uint32_t)VMK_VMFS_REPLACE)
		return refuse(q->r, VMK_BAD_PARAM, VMK_VMFS_EINVAL, "unknown rename flags %#x",
			      q->r->flags);
	if (!split_path(q->r, q->r->new_path, sizeof(q->r->new_path), label, to))
		return VMK_BAD_PARAM;
	if (strcmp(label, q->label))
		return refuse(q->r, VMK_BAD_PARAM, VMK_VMFS_EXDEV,
			      "%s and %s are on different datastores", q->label, label);
	s = check_not_held(q, &st);
	if (s != VMK_OK)
		return s;
	if (st.type == VMKFS_FT_DIR &&
	    (parent_len(q->path) != parent_len(to) || memcmp(q->path, to, parent_len(to))))
		return refuse(q->r, VMK_BAD_PARAM, VMK_VMFS_EINVAL,
			      "%s%s: a folder moves only within its folder", q->label, q->path);
	fmt_snprintf(tq.path, sizeof(tq.path), "%s", to);
	ret = vmkfs_stat(q->vol, to, &tst);
	if (ret == VMKFS_OK && (q->r->flags & VMK_VMFS_REPLACE)) {
		if (tst.id == st.id)
			return VMK_OK;	/* rename(2): the same file, nothing done */
		s = check_not_held(&tq, &tst);
		if (s != VMK_OK)
			return s;
		if ((st.type == VMKFS_FT_DIR) != (tst.type == VMKFS_FT_DIR))
			return refuse(q->r, VMK_BAD_PARAM, st.type == VMKFS_FT_DIR ?
				      VMK_VMFS_ENOTDIR : VMK_VMFS_EISDIR, "%s%s is %s", q->label,
				      to, tst.type == VMKFS_FT_DIR ? "a folder" : "not a folder");
		ret = tst.type == VMKFS_FT_DIR ? vmkfs_rmdir(q->vol, to) : vmkfs_unlink(q->vol, to);
		if (ret)
			return vmkfs_failed(q->r, q->vol, ret);
	}
	ret = vmkfs_rename(q->vol, q->path, to);
	return ret ? vmkfs_failed(q->r, q->vol, ret) : VMK_OK;
}

static vmk_status_t do_open(struct vmfs_files *t, struct vmfs_req *q)
{
	bool rw = q->r->flags & VMK_VMFS_RDWR;
	struct vmkfs_stat st;
	unsigned int i;
	vmk_status_t s;
	int ret;

	if (q->r->flags & ~(uint32_t)VMK_VMFS_RDWR)
		return refuse(q->r, VMK_BAD_PARAM, VMK_VMFS_EINVAL, "unknown open flags %#x",
			      q->r->flags);
	for (i = 0; i < VMK_VMFS_HANDLES && t->h[i].f; i++)
		;
	if (i == VMK_VMFS_HANDLES)
		return refuse(q->r, VMK_NO_CAPACITY, VMK_VMFS_EMFILE,
			      "the COS has %u datastore files open already", VMK_VMFS_HANDLES);
	s = check_not_held(q, &st);
	if (s != VMK_OK)
		return s;
	if (st.type != VMKFS_FT_FILE)
		return refuse(q->r, VMK_BAD_PARAM, st.type == VMKFS_FT_DIR ? VMK_VMFS_EISDIR :
			      VMK_VMFS_EBUSY, "%s%s is %s", q->label, q->path,
			      st.type == VMKFS_FT_DIR ? "a folder" : "the volume's own");
	ret = vmkfs_open(q->vol, q->path, rw ? VMKFS_O_RDWR : VMKFS_O_RDONLY, &t->h[i].f);
	if (ret) {
		t->h[i].f = NULL;
		return vmkfs_failed(q->r, q->vol, ret);
	}
	t->h[i].vol = q->vol;
	t->h[i].rw = rw;
	t->gen = (t->gen + 1) & 0xffffff;
	t->h[i].gen = t->gen;
	q->r->handle = t->gen << 8 | (i + 1);
	put_stat(&q->r->st, &st);
	return VMK_OK;
}

/* The slot of r's handle, or -1 with why in r. */
static int handle_slot(const struct vmfs_files *t, struct vmk_vmfs_file *r)
{
	uint32_t i = (r->handle & 0xff) - 1;

	if (i >= VMK_VMFS_HANDLES || !t->h[i].f || t->h[i].gen != r->handle >> 8) {
		refuse(r, VMK_BAD_PARAM, VMK_VMFS_EBADF, "handle %#x is not an open file",
		       r->handle);
		return -1;
	}
	return (int)i;
}

static vmk_status_t do_io(struct vmfs_files *t, const struct vmfs_env *env,
			  struct vmk_vmfs_file *r, int i)
{
	struct vmkfs_vol *vol = t->h[i].vol;
	uint32_t len = r->len;
	vmk_status_t s;
	uint64_t size;
	int64_t n;
	int ret;

	r->len = 0;
	switch (r->op) {
	case VMK_VMFS_READ:
	case VMK_VMFS_WRITE:
		if (len > VMK_VMFS_IO_MAX)
			return refuse(r, VMK_BAD_PARAM, VMK_VMFS_EINVAL,
				      "%u bytes: at most %u at a time", len, VMK_VMFS_IO_MAX);
		if (r->op == VMK_VMFS_WRITE && !t->h[i].rw)
			return refuse(r, VMK_BAD_PARAM, VMK_VMFS_EBADF, "the file is open read-only");
		/* the copy functions refuse an empty range, as cos_range_ok() does */
		if (r->op == VMK_VMFS_WRITE && len && !env->copy_in(env->ctx, r->buf_gpa, env->buf, len))
			return refuse(r, VMK_BAD_ADDRESS, VMK_VMFS_EFAULT, "the buffer is not COS memory");
		if (r->offset > UINT64_MAX - len)
			return refuse(r, VMK_BAD_PARAM, VMK_VMFS_EFBIG, "offset %llu is past any file",
				      (unsigned long long)r->offset);
		if (r->op == VMK_VMFS_WRITE && !len)
			return VMK_OK;	/* write(2) of nothing: no growth either */
		/*
		 * vmkfs writes inside the file: a write past its end grows it
		 * first, and a failed write shrinks it back (nothing done).
		 */
		n = 0;
		size = vmkfs_file_size(t->h[i].f);
		if (r->op == VMK_VMFS_WRITE && r->offset + len > size)
			n = vmkfs_truncate(t->h[i].f, r->offset + len, VMKFS_THIN);
		if (!n && r->op == VMK_VMFS_READ)
			n = vmkfs_pread(t->h[i].f, env->buf, len, r->offset);
		else if (!n)
			n = vmkfs_pwrite(t->h[i].f, env->buf, len, r->offset);
		if (n < 0 && r->op == VMK_VMFS_WRITE && vmkfs_file_size(t->h[i].f) != size) {
			s = vmkfs_failed(r, vol, (int)n);
			vmkfs_truncate(t->h[i].f, size, VMKFS_THIN);
			return s;
		}
		if (n < 0)
			return vmkfs_failed(r, vol, (int)n);
		if (r->op == VMK_VMFS_READ && n &&
		    !env->copy_out(env->ctx, r->buf_gpa, env->buf, (uint32_t)n))
			return refuse(r, VMK_BAD_ADDRESS, VMK_VMFS_EFAULT, "the buffer is not COS memory");
		r->len = (uint32_t)n;
		return VMK_OK;
	case VMK_VMFS_TRUNCATE:
		if (!t->h[i].rw)
			return refuse(r, VMK_BAD_PARAM, VMK_VMFS_EBADF, "the file is open read-only");
		ret = vmkfs_truncate(t->h[i].f, r->offset, VMKFS_THIN);
		break;
	case VMK_VMFS_FSYNC:
		ret = vmkfs_fsync(t->h[i].f);
		break;
	default:	/* VMK_VMFS_CLOSE: the handle goes even if the lock's release fails */
		ret = vmkfs_close(t->h[i].f);
		t->h[i].f = NULL;
		break;
	}
	return ret ? vmkfs_failed(r, vol, ret) : VMK_OK;
}

/* The ops on a path of a datastore. */
static vmk_status_t run_path(struct vmfs_files *t, struct vmfs_req *q)
{
	struct vmkfs_stat st;
	vmk_status_t s;
	int ret;

	switch (q->r->op) {
	case VMK_VMFS_STATFS:
		return do_statfs(q);
	case VMK_VMFS_STAT:
		ret = vmkfs_stat(q->vol, q->path, &st);
		if (!ret)
			put_stat(&q->r->st, &st);
		break;
	case VMK_VMFS_READDIR:
		return do_readdir(q);
	case VMK_VMFS_MKDIR:
		ret = vmkfs_mkdir(q->vol, q->path);
		break;
	case VMK_VMFS_RMDIR:
		ret = vmkfs_rmdir(q->vol, q->path);
		break;
	case VMK_VMFS_UNLINK:
		s = check_not_held(q, &st);
		if (s != VMK_OK)
			return s;
		ret = vmkfs_unlink(q->vol, q->path);
		break;
	case VMK_VMFS_RENAME:
		return do_rename(q);
	case VMK_VMFS_CREATE:
		/*
		 * Empty, in file blocks: a thin empty file would live in
		 * sub-blocks (vmkfs_create()), few on a volume and capped at
		 * 16 MiB a file, and the COS's files are images.
		 */
		ret = vmkfs_create(q->vol, q->path, 0, VMKFS_ZEROEDTHICK);
		if (!ret)
			ret = vmkfs_stat(q->vol, q->path, &st);
		if (!ret)
			put_stat(&q->r->st, &st);
		break;
	default:	/* VMK_VMFS_OPEN */
		return do_open(t, q);
	}
	return ret ? vmkfs_failed(q->r, q->vol, ret) : VMK_OK;
}

vmk_status_t vmfs_file_run(struct vmfs_files *t, const struct vmfs_env *env,
			   struct vmk_vmfs_file *r)
{
	struct vmfs_req q = { .r = r, .env = env };
	int i;

	if (!r->op || r->op > VMK_VMFS_OP_MAX)
		return refuse(r, VMK_BAD_PARAM, VMK_VMFS_EINVAL, "unknown op %u", r->op);
	if (r->op >= VMK_VMFS_READ) {
		i = handle_slot(t, r);
		return i < 0 ? VMK_BAD_PARAM : do_io(t, env, r, i);
	}
	if (!split_path(r, r->path, sizeof(r->path), q.label, q.path))
		return VMK_BAD_PARAM;
	q.vol = env->volume(env->ctx, q.label);
	if (!q.vol)
		return refuse(r, VMK_BAD_PARAM, VMK_VMFS_ENODEV,
			      "no datastore '%s' is mounted (vmkctl storage datastores)", q.label);
	return run_path(t, &q);
}

uint32_t vmfs_files_close_all(struct vmfs_files *t)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < VMK_VMFS_HANDLES; i++) {
		if (!t->h[i].f)
			continue;
		vmkfs_close(t->h[i].f);
		t->h[i].f = NULL;
		n++;
	}
	return n;
}
