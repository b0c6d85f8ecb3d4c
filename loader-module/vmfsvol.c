// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datastores in the COS (docs/storage.md "The datastores in the
 * COS"): a file system type `vmkfs`, registered while the vmkernel runs;
 * `mount -t vmkfs LABEL /vmfs/volumes/LABEL` shows the mounted datastore
 * LABEL, each VFS call one VMK_HC_VMFS_FILE request the vmkernel runs
 * with its vmkfs library. No page cache: read_iter and write_iter go
 * straight to the hypercall through a 64 KiB kmalloc'd bounce buffer (no
 * mmap); inodes are made afresh at each lookup from the vmkernel's stat.
 * One request at a time per mount (its mutex): the request and the
 * bounce are the mount's. A mount holds the module: `rmmod vmkload`
 * refuses while one is mounted (umount first).
 */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/uio.h>
#include <linux/io.h>
#include <linux/math64.h>
#include "vmkload.h"

#define VMFS_MAGIC	0x564d4653	/* "VMFS" */

struct vmfs_sb {
	struct mutex lock;		/* req and buf */
	struct vmk_vmfs_file *req;	/* kmalloc'd: lowmem, physically contiguous */
	u8 *buf;			/* VMK_VMFS_IO_MAX bytes, the same */
	char label[VMK_DATASTORE_LABEL_LEN];
};

static struct vmfs_sb *vmfs_sbi(struct super_block *sb)
{
	return sb->s_fs_info;
}

static const struct inode_operations vmfs_dir_iops, vmfs_file_iops;
static const struct file_operations vmfs_dir_fops, vmfs_file_fops;

/* A fresh request of op (s->lock held). */
static struct vmk_vmfs_file *vmfs_req(struct vmfs_sb *s, u32 op)
{
	memset(s->req, 0, offsetof(struct vmk_vmfs_file, ent));
	s->req->op = op;
	return s->req;
}

/* "LABEL" and dentry's path into where (VMK_VMFS_PATH_LEN bytes). */
static int vmfs_path(struct vmfs_sb *s, struct dentry *dentry, char *where)
{
	char *tmp = (char *)s->buf, *p;

	p = dentry_path_raw(dentry, tmp, VMK_VMFS_PATH_LEN);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (snprintf(where, VMK_VMFS_PATH_LEN, "%s%s", s->label,
		     strcmp(p, "/") ? p : "") >= VMK_VMFS_PATH_LEN)
		return -ENAMETOOLONG;
	return 0;
}

/* The request in s->req (s->lock held): 0 or -errno, the vmkernel's why logged. */
static int vmfs_call(struct vmfs_sb *s)
{
	struct vmk_vmfs_file *r = s->req;
	long ret;

	r->now_unix = ktime_get_real_seconds();
	ret = vmk_dev_hypercall(VMK_HC_VMFS_FILE, virt_to_phys(r), sizeof(*r), 0, 0, NULL);
	if (!ret)
		return 0;
	if (r->error && r->error < 4096)
		ret = -(long)r->error;
	r->msg[sizeof(r->msg) - 1] = '\0';
	if (ret != -ENOENT && ret != -EEXIST && ret != -ENOTEMPTY)
		pr_info_ratelimited("vmkload: /vmfs/volumes/%s: %s\n", s->label,
				    r->msg[0] ? r->msg :
				    "no answer: the vmkernel is gone (panicked or unloaded): umount");
	return ret;
}

/* op on dentry's path; with st, its answer copied there. */
static int vmfs_path_op(struct vmfs_sb *s, u32 op, struct dentry *dentry,
			struct vmk_vmfs_stat *st)
{
	struct vmk_vmfs_file *r;
	int ret;

	mutex_lock(&s->lock);
	r = vmfs_req(s, op);
	ret = vmfs_path(s, dentry, r->path);
	if (!ret)
		ret = vmfs_call(s);
	if (!ret && st)
		*st = r->st;
	mutex_unlock(&s->lock);
	return ret;
}

static void vmfs_set_attr(struct inode *inode, const struct vmk_vmfs_stat *st)
{
	inode->i_ino = st->id;
	set_nlink(inode, st->nlink ? st->nlink : 1);
	i_size_write(inode, st->size);
	inode->i_blocks = st->alloc_bytes >> 9;
	inode->i_mtime.tv_sec = st->mtime;
	inode->i_ctime.tv_sec = st->ctime;
	inode->i_atime = inode->i_mtime;
}

static struct inode *vmfs_inode(struct super_block *sb, const struct vmk_vmfs_stat *st)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (st->type == VMK_VMFS_DIR) {
		inode->i_mode = S_IFDIR | 0700;
		inode->i_op = &vmfs_dir_iops;
		inode->i_fop = &vmfs_dir_fops;
	} else {
		inode->i_mode = S_IFREG | (st->type == VMK_VMFS_FILE ? 0600 : 0400);
		inode->i_op = &vmfs_file_iops;
		inode->i_fop = &vmfs_file_fops;
	}
	vmfs_set_attr(inode, st);
	return inode;
}

static struct dentry *vmfs_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct vmk_vmfs_stat st;
	struct inode *inode = NULL;
	int ret;

	if (dentry->d_name.len >= VMK_VMFS_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	ret = vmfs_path_op(vmfs_sbi(dir->i_sb), VMK_VMFS_STAT, dentry, &st);
	if (ret && ret != -ENOENT)
		return ERR_PTR(ret);
	if (!ret) {
		inode = vmfs_inode(dir->i_sb, &st);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	return d_splice_alias(inode, dentry);
}

/*
 * The vmkernel makes, grows and removes files too (vmkfstools, hostd):
 * a cached name is asked again on every walk. A negative one is stale
 * once the file exists, a positive one once it is gone or another file.
 */
static int vmfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode;
	struct vmk_vmfs_stat st;
	int ret;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	if (IS_ROOT(dentry))
		return 1;
	ret = vmfs_path_op(vmfs_sbi(dentry->d_sb), VMK_VMFS_STAT, dentry, &st);
	inode = d_inode(dentry);
	if (ret == -ENOENT)
		return !inode;
	if (ret)
		return ret;
	return inode && inode->i_ino == st.id &&
	       S_ISDIR(inode->i_mode) == (st.type == VMK_VMFS_DIR);
}

static const struct dentry_operations vmfs_dops = {
	.d_revalidate = vmfs_d_revalidate,
};

/* stat(2): size, blocks and times as the vmkernel has them now. */
static int vmfs_getattr(struct user_namespace *ns, const struct path *path,
			struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	struct vmk_vmfs_stat st;
	int ret = vmfs_path_op(vmfs_sbi(inode->i_sb), VMK_VMFS_STAT, path->dentry, &st);

	if (ret)
		return ret;
	if (st.id == inode->i_ino) {
		inode_lock(inode);
		vmfs_set_attr(inode, &st);
		inode_unlock(inode);
	}
	generic_fillattr(ns, inode, stat);
	return 0;
}

/* After op made dentry's file or folder: its inode, from a stat. */
static int vmfs_made(struct inode *dir, struct dentry *dentry, u32 op)
{
	struct vmfs_sb *s = vmfs_sbi(dir->i_sb);
	struct vmk_vmfs_stat st;
	struct inode *inode;
	int ret = vmfs_path_op(s, op, dentry, &st);

	if (!ret && op != VMK_VMFS_CREATE)
		ret = vmfs_path_op(s, VMK_VMFS_STAT, dentry, &st);
	if (ret)
		return ret;
	inode = vmfs_inode(dir->i_sb, &st);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static int vmfs_create(struct user_namespace *ns, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	return vmfs_made(dir, dentry, VMK_VMFS_CREATE);
}

static int vmfs_mkdir(struct user_namespace *ns, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	int ret = vmfs_made(dir, dentry, VMK_VMFS_MKDIR);

	if (!ret)
		inc_nlink(dir);
	return ret;
}

static int vmfs_unlink(struct inode *dir, struct dentry *dentry)
{
	int ret = vmfs_path_op(vmfs_sbi(dir->i_sb), VMK_VMFS_UNLINK, dentry, NULL);

	if (!ret)
		drop_nlink(d_inode(dentry));
	return ret;
}

static int vmfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	int ret = vmfs_path_op(vmfs_sbi(dir->i_sb), VMK_VMFS_RMDIR, dentry, NULL);

	if (!ret) {
		clear_nlink(d_inode(dentry));
		drop_nlink(dir);
	}
	return ret;
}

static int vmfs_rename(struct user_namespace *ns, struct inode *old_dir,
		       struct dentry *old, struct inode *new_dir, struct dentry *new,
		       unsigned int flags)
{
	struct vmfs_sb *s = vmfs_sbi(old_dir->i_sb);
	struct vmk_vmfs_file *r;
	int ret;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	/*
	 * An existing target goes in the vmkernel, after the source passed
	 * its checks (VMK_VMFS_REPLACE): a refused rename loses nothing.
	 */
	mutex_lock(&s->lock);
	r = vmfs_req(s, VMK_VMFS_RENAME);
	if (d_really_is_positive(new) && !(flags & RENAME_NOREPLACE))
		r->flags = VMK_VMFS_REPLACE;
	ret = vmfs_path(s, old, r->path);
	if (!ret)
		ret = vmfs_path(s, new, r->new_path);
	if (!ret)
		ret = vmfs_call(s);
	mutex_unlock(&s->lock);
	if (!ret && d_really_is_positive(new)) {
		if (d_is_dir(new)) {
			clear_nlink(d_inode(new));
			drop_nlink(new_dir);
		} else {
			drop_nlink(d_inode(new));
		}
	}
	return ret;
}

/* A handle's request (TRUNCATE, FSYNC, CLOSE) with s->lock held. */
static int vmfs_handle_op(struct vmfs_sb *s, u32 op, u32 handle, u64 offset)
{
	struct vmk_vmfs_file *r = vmfs_req(s, op);

	r->handle = handle;
	r->offset = offset;
	return vmfs_call(s);
}

/* The size: through the caller's open file, else one opened for it. */
static int vmfs_truncate(struct vmfs_sb *s, struct dentry *dentry, struct iattr *ia)
{
	struct vmk_vmfs_file *r;
	u32 h;
	int ret;

	if ((ia->ia_valid & ATTR_FILE) && ia->ia_file && (ia->ia_file->f_mode & FMODE_WRITE)) {
		mutex_lock(&s->lock);
		ret = vmfs_handle_op(s, VMK_VMFS_TRUNCATE,
				     (u32)(unsigned long)ia->ia_file->private_data, ia->ia_size);
		mutex_unlock(&s->lock);
		return ret;
	}
	mutex_lock(&s->lock);
	r = vmfs_req(s, VMK_VMFS_OPEN);
	r->flags = VMK_VMFS_RDWR;
	ret = vmfs_path(s, dentry, r->path);
	if (!ret)
		ret = vmfs_call(s);
	if (!ret) {
		h = r->handle;
		ret = vmfs_handle_op(s, VMK_VMFS_TRUNCATE, h, ia->ia_size);
		vmfs_handle_op(s, VMK_VMFS_CLOSE, h, 0);
	}
	mutex_unlock(&s->lock);
	return ret;
}

/* Only the size reaches the datastore; modes, owners and times stay in memory. */
static int vmfs_setattr(struct user_namespace *ns, struct dentry *dentry, struct iattr *ia)
{
	struct inode *inode = d_inode(dentry);
	int ret = setattr_prepare(ns, dentry, ia);

	if (ret)
		return ret;
	if ((ia->ia_valid & ATTR_SIZE) && ia->ia_size != i_size_read(inode)) {
		if (d_is_dir(dentry))
			return -EISDIR;
		ret = vmfs_truncate(vmfs_sbi(inode->i_sb), dentry, ia);
		if (ret)
			return ret;
		i_size_write(inode, ia->ia_size);
	}
	setattr_copy(ns, inode, ia);
	return 0;
}

static int vmfs_open(struct inode *inode, struct file *file)
{
	struct vmfs_sb *s = vmfs_sbi(inode->i_sb);
	struct vmk_vmfs_file *r;
	struct vmk_vmfs_stat st;
	int ret;

	mutex_lock(&s->lock);
	r = vmfs_req(s, VMK_VMFS_OPEN);
	r->flags = file->f_mode & FMODE_WRITE ? VMK_VMFS_RDWR : 0;
	ret = vmfs_path(s, file->f_path.dentry, r->path);
	if (!ret)
		ret = vmfs_call(s);
	if (!ret) {
		file->private_data = (void *)(unsigned long)r->handle;
		st = r->st;
	}
	mutex_unlock(&s->lock);
	if (!ret) {
		/* i_size_write() under the inode lock (taken before s->lock elsewhere) */
		inode_lock(inode);
		vmfs_set_attr(inode, &st);
		inode_unlock(inode);
	}
	return ret;
}

static int vmfs_release(struct inode *inode, struct file *file)
{
	struct vmfs_sb *s = vmfs_sbi(inode->i_sb);

	mutex_lock(&s->lock);
	vmfs_handle_op(s, VMK_VMFS_CLOSE, (u32)(unsigned long)file->private_data, 0);
	mutex_unlock(&s->lock);
	return 0;
}

static int vmfs_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct vmfs_sb *s = vmfs_sbi(file_inode(file)->i_sb);
	int ret;

	mutex_lock(&s->lock);
	ret = vmfs_handle_op(s, VMK_VMFS_FSYNC, (u32)(unsigned long)file->private_data, 0);
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * The mount's lock for one piece of a long loop (READ, WRITE, READDIR):
 * between pieces others get their turn, and a killed task stops.
 */
static int vmfs_lock_piece(struct vmfs_sb *s)
{
	cond_resched();
	if (fatal_signal_pending(current))
		return -EINTR;
	return mutex_lock_killable(&s->lock);
}

/* One READ or WRITE of up to VMK_VMFS_IO_MAX bytes at pos (s->lock held). */
static ssize_t vmfs_io(struct vmfs_sb *s, struct file *file, u32 op, loff_t pos, size_t len)
{
	struct vmk_vmfs_file *r = vmfs_req(s, op);
	int ret;

	r->handle = (u32)(unsigned long)file->private_data;
	r->offset = pos;
	r->len = min_t(size_t, len, VMK_VMFS_IO_MAX);
	r->buf_gpa = virt_to_phys(s->buf);
	ret = vmfs_call(s);
	return ret ? ret : min_t(size_t, r->len, VMK_VMFS_IO_MAX);
}

static ssize_t vmfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vmfs_sb *s = vmfs_sbi(file_inode(iocb->ki_filp)->i_sb);
	ssize_t done = 0, n;

	while (iov_iter_count(to)) {
		n = vmfs_lock_piece(s);
		if (n) {
			done = done ? done : n;
			break;
		}
		n = vmfs_io(s, iocb->ki_filp, VMK_VMFS_READ, iocb->ki_pos, iov_iter_count(to));
		/* s->buf is the mount's: copied out before the lock goes (64 KiB) */
		if (n > 0 && copy_to_iter(s->buf, n, to) != n)
			n = -EFAULT;
		mutex_unlock(&s->lock);
		if (n <= 0) {
			done = done ? done : n;
			break;
		}
		iocb->ki_pos += n;
		done += n;
	}
	return done;
}

static ssize_t vmfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct vmfs_sb *s = vmfs_sbi(inode->i_sb);
	ssize_t done = 0, n;
	size_t len;

	inode_lock(inode);
	/* O_APPEND, RLIMIT_FSIZE, s_maxbytes; then suid bits and mtime */
	done = generic_write_checks(iocb, from);
	if (done > 0) {
		done = file_remove_privs(iocb->ki_filp);
		if (!done)
			done = file_update_time(iocb->ki_filp);
	}
	if (done) {
		inode_unlock(inode);
		return done;
	}
	while (iov_iter_count(from)) {
		n = vmfs_lock_piece(s);
		if (n) {
			done = done ? done : n;
			break;
		}
		len = min_t(size_t, iov_iter_count(from), VMK_VMFS_IO_MAX);
		n = copy_from_iter(s->buf, len, from);
		if (n != len) {
			mutex_unlock(&s->lock);
			iov_iter_revert(from, n);
			done = done ? done : -EFAULT;
			break;
		}
		n = vmfs_io(s, iocb->ki_filp, VMK_VMFS_WRITE, iocb->ki_pos, len);
		mutex_unlock(&s->lock);
		/* what was not written stays in from for the caller */
		if (n < (ssize_t)len)
			iov_iter_revert(from, len - max_t(ssize_t, n, 0));
		if (n <= 0) {
			done = done ? done : n;
			break;
		}
		iocb->ki_pos += n;
		done += n;
		if (iocb->ki_pos > i_size_read(inode))
			i_size_write(inode, iocb->ki_pos);
		if (n < (ssize_t)len)
			break;
	}
	inode_unlock(inode);
	return done;
}

/*
 * A folder's entries as one open read them: served from this list, so
 * a removal while a reader goes through (rm -r, find -delete; vmkfs
 * moves the last entry into the freed place) skips none.
 */
struct vmfs_dirlist {
	u32 n, cap;
	struct vmfs_ent {
		u32 id, type;
		char name[VMK_VMFS_NAME_LEN];
	} *e;
};

static void vmfs_dirlist_free(struct vmfs_dirlist *l)
{
	if (l)
		kvfree(l->e);
	kfree(l);
}

/* The whole folder, page by page (the mount's lock per page). */
static int vmfs_dirlist_load(struct vmfs_sb *s, struct file *file, struct vmfs_dirlist *l)
{
	struct vmk_vmfs_file *r;
	struct vmfs_ent *e;
	bool more = true;
	int ret = 0;
	u32 i;

	l->n = 0;
	while (more && !ret) {
		ret = vmfs_lock_piece(s);
		if (ret)
			break;
		r = vmfs_req(s, VMK_VMFS_READDIR);
		r->cookie = l->n;
		ret = vmfs_path(s, file->f_path.dentry, r->path);
		if (!ret)
			ret = vmfs_call(s);
		more = !ret && r->nents && r->cookie;
		if (!ret && l->n + VMK_VMFS_DIR_ENTRIES > l->cap) {
			e = kvmalloc_array(l->cap + 64, sizeof(*e), GFP_KERNEL);
			if (e) {
				if (l->n)
					memcpy(e, l->e, l->n * sizeof(*e));
				kvfree(l->e);
				l->e = e;
				l->cap += 64;
			} else {
				ret = -ENOMEM;
			}
		}
		for (i = 0; !ret && i < r->nents && i < VMK_VMFS_DIR_ENTRIES; i++) {
			l->e[l->n].id = r->ent[i].st.id;
			l->e[l->n].type = r->ent[i].st.type;
			strscpy(l->e[l->n].name, r->ent[i].name, sizeof(l->e[l->n].name));
			l->n++;
		}
		mutex_unlock(&s->lock);
	}
	return ret;
}

static int vmfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct vmfs_dirlist *l = file->private_data;
	int ret;

	if (!dir_emit_dots(file, ctx))
		return 0;
	/* read afresh from the beginning (after the dots), kept for the rest */
	if (!l || ctx->pos == 2) {
		if (!l) {
			l = kzalloc(sizeof(*l), GFP_KERNEL);
			if (!l)
				return -ENOMEM;
			file->private_data = l;
		}
		ret = vmfs_dirlist_load(vmfs_sbi(file_inode(file)->i_sb), file, l);
		if (ret) {
			l->n = 0;
			return ret;
		}
	}
	for (; ctx->pos - 2 < l->n; ctx->pos++) {
		struct vmfs_ent *e = &l->e[ctx->pos - 2];

		if (!dir_emit(ctx, e->name, strlen(e->name), e->id,
			      e->type == VMK_VMFS_DIR ? DT_DIR : DT_REG))
			break;
	}
	return 0;
}

static int vmfs_dir_release(struct inode *inode, struct file *file)
{
	vmfs_dirlist_free(file->private_data);
	return 0;
}

static int vmfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct vmfs_sb *s = vmfs_sbi(dentry->d_sb);
	struct vmk_vmfs_file *r;
	int ret;

	mutex_lock(&s->lock);
	r = vmfs_req(s, VMK_VMFS_STATFS);
	strscpy(r->path, s->label, sizeof(r->path));
	ret = vmfs_call(s);
	if (!ret && r->block_size) {
		buf->f_type = VMFS_MAGIC;
		buf->f_bsize = r->block_size;
		buf->f_blocks = div_u64(r->capacity, r->block_size);
		buf->f_bfree = buf->f_bavail = div_u64(r->free_bytes, r->block_size);
		buf->f_files = r->files_total;
		buf->f_ffree = r->files_free;
		buf->f_namelen = VMK_VMFS_NAME_LEN - 1;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static void vmfs_free(struct vmfs_sb *s)
{
	if (!s)
		return;
	kfree(s->req);
	kfree(s->buf);
	kfree(s);
}

/*
 * The mount's state goes with the super block, also when filling it
 * failed (generic_shutdown_super() calls put_super only with s_root set).
 */
static void vmfs_kill_sb(struct super_block *sb)
{
	struct vmfs_sb *s = vmfs_sbi(sb);

	kill_anon_super(sb);
	vmfs_free(s);
}

static const struct super_operations vmfs_sops = {
	.statfs = vmfs_statfs,
	.drop_inode = generic_delete_inode,
};

static const struct inode_operations vmfs_dir_iops = {
	.lookup = vmfs_lookup,
	.create = vmfs_create,
	.mkdir = vmfs_mkdir,
	.unlink = vmfs_unlink,
	.rmdir = vmfs_rmdir,
	.rename = vmfs_rename,
	.setattr = vmfs_setattr,
	.getattr = vmfs_getattr,
};

static const struct inode_operations vmfs_file_iops = {
	.setattr = vmfs_setattr,
	.getattr = vmfs_getattr,
};

static const struct file_operations vmfs_dir_fops = {
	.read = generic_read_dir,
	.iterate_shared = vmfs_iterate,
	.release = vmfs_dir_release,
	.llseek = generic_file_llseek,
};

static const struct file_operations vmfs_file_fops = {
	.open = vmfs_open,
	.release = vmfs_release,
	.read_iter = vmfs_read_iter,
	.write_iter = vmfs_write_iter,
	.splice_read = generic_file_splice_read,
	.splice_write = iter_file_splice_write,
	.fsync = vmfs_fsync,
	.llseek = generic_file_llseek,
};

/* data: the label (the mount's device name). */
static int vmfs_fill_super(struct super_block *sb, void *data, int silent)
{
	const char *label = data;
	struct vmk_vmfs_stat st;
	struct inode *root;
	struct vmfs_sb *s;
	int ret;

	if (!label || !label[0] || strchr(label, '/') ||
	    strlen(label) >= VMK_DATASTORE_LABEL_LEN) {
		pr_err("vmkload: mount -t vmkfs LABEL DIR: LABEL is a datastore's (vmkctl storage datastores)\n");
		return -EINVAL;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	strscpy(s->label, label, sizeof(s->label));
	s->req = kmalloc(sizeof(*s->req), GFP_KERNEL);
	s->buf = kmalloc(VMK_VMFS_IO_MAX, GFP_KERNEL);
	if (!s->req || !s->buf) {
		vmfs_free(s);
		return -ENOMEM;
	}
	sb->s_fs_info = s;
	sb->s_magic = VMFS_MAGIC;
	sb->s_op = &vmfs_sops;
	sb->s_d_op = &vmfs_dops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_time_gran = NSEC_PER_SEC;
	mutex_lock(&s->lock);
	vmfs_req(s, VMK_VMFS_STAT);
	strscpy(s->req->path, s->label, sizeof(s->req->path));
	ret = vmfs_call(s);
	st = s->req->st;
	mutex_unlock(&s->lock);
	if (ret) {
		pr_err("vmkload: mount of datastore '%s': %s\n", label,
		       s->req->msg[0] ? s->req->msg : "no answer from the vmkernel");
		return ret == -EINVAL || ret == -ENODEV ? -ENODEV : ret;
	}
	root = vmfs_inode(sb, &st);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *vmfs_mount(struct file_system_type *type, int flags,
				 const char *dev_name, void *data)
{
	return mount_nodev(type, flags, (void *)dev_name, vmfs_fill_super);
}

static struct file_system_type vmfs_type = {
	.owner = THIS_MODULE,
	.name = "vmkfs",
	.mount = vmfs_mount,
	.kill_sb = vmfs_kill_sb,
};

static bool vmfs_registered;

int vmk_vmfsvol_add(void)
{
	int ret = register_filesystem(&vmfs_type);

	if (ret)
		pr_err("vmkload: cannot register the vmkfs file system (/vmfs/volumes): %d\n", ret);
	vmfs_registered = !ret;
	return ret;
}

void vmk_vmfsvol_remove(void)
{
	if (vmfs_registered)
		unregister_filesystem(&vmfs_type);
	vmfs_registered = false;
}
