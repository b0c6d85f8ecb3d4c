// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkfs: directories. A directory is a file of packed 140-byte entries
 * ("." and ".." first); its size is the number of entries times 140. The
 * root directory uses file blocks, other directories sub-blocks, as ESX
 * does. Callers hold the reservation and pass a freshly read inode.
 */
#include "vmkfs/internal.h"

static int dir_load(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
		    uint8_t **bufp, uint32_t *countp)
{
	uint8_t *buf;
	int ret;

	if (dir->type != VMKFS_TYPE_DIR)
		return vmkfs_err(vol, VMKFS_ENOTDIR, "file descriptor %#x is not a directory",
				 dir->id);
	/* size_t is 32 bits in the vmkernel: a larger size must not wrap */
	if (dir->size % VMKFS_DIRENT_LEN || dir->zla == VMKFS_BLK_PB ||
	    dir->size != (size_t)dir->size)
		return vmkfs_err(vol, VMKFS_ECORRUPT,
				 "directory %#x has size %llu (not a whole number of entries) or zla %u",
				 dir->id, (unsigned long long)dir->size, dir->zla);
	buf = vmkfs_alloc(dir->size ? dir->size : 1);
	if (!buf)
		return VMKFS_ENOMEM;
	ret = inode_rw(vol, dir, false, buf, dir->size, 0);
	if (ret) {
		vmkfs_free(buf);
		return ret;
	}
	*bufp = buf;
	*countp = (uint32_t)(dir->size / VMKFS_DIRENT_LEN);
	return VMKFS_OK;
}

static bool name_is(const uint8_t *de, const char *name)
{
	size_t len = vmkfs_strlen(name);

	return len <= VMKFS_NAME_MAX &&
	       !vmkfs_memcmp(de + VMKFS_DE_NAME, name, len) &&
	       de[VMKFS_DE_NAME + len] == 0;
}

int dir_lookup(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
	       const char *name, uint32_t *id, uint64_t *slot)
{
	uint8_t *buf;
	uint32_t n, i;
	int ret = dir_load(vol, dir, &buf, &n);

	if (ret)
		return ret;
	ret = VMKFS_ENOENT;
	for (i = 0; i < n; i++) {
		const uint8_t *de = buf + (uint64_t)i * VMKFS_DIRENT_LEN;

		if (name_is(de, name)) {
			*id = get32(de, VMKFS_DE_ID);
			if (slot)
				*slot = i;
			ret = VMKFS_OK;
			break;
		}
	}
	vmkfs_free(buf);
	return ret;
}

int dir_foreach(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
		dir_entry_cb cb, void *arg)
{
	uint8_t *buf;
	uint32_t n, i;
	int ret = dir_load(vol, dir, &buf, &n);
	char name[VMKFS_NAME_MAX + 2];

	if (ret)
		return ret;
	for (i = 0; i < n && !ret; i++) {
		const uint8_t *de = buf + (uint64_t)i * VMKFS_DIRENT_LEN;

		vmkfs_memcpy(name, de + VMKFS_DE_NAME, VMKFS_NAME_MAX + 1);
		name[VMKFS_NAME_MAX + 1] = 0;
		ret = cb(arg, i, name, get32(de, VMKFS_DE_TYPE),
			 get32(de, VMKFS_DE_ID));
	}
	vmkfs_free(buf);
	return ret;
}

/* append an entry; grows the directory by one block when full */
int dir_add(struct vmkfs_vol *vol, struct vmkfs_inode *dir, const char *name,
	    const struct vmkfs_inode *ino)
{
	uint8_t de[VMKFS_DIRENT_LEN] = { 0 };
	uint64_t off = dir->size, have = inode_nblocks(dir) * dir->blk_size;
	uint64_t idx = (off + VMKFS_DIRENT_LEN - 1) / dir->blk_size;
	uint32_t newblk = 0;
	int ret;

	put32(de, VMKFS_DE_TYPE, ino->type);
	put32(de, VMKFS_DE_ID, ino->id);
	put32(de, VMKFS_DE_RECORD, ino->id2);
	vmkfs_memcpy(de + VMKFS_DE_NAME, name, vmkfs_strlen(name));
	if (off + VMKFS_DIRENT_LEN > have) {
		struct vmkfs_res *res = dir->zla == VMKFS_BLK_SB ? &vol->sbc :
								    &vol->fbb;
		uint64_t pos;
		uint32_t blen;

		if (idx >= VMKFS_INODE_BLOCKS || dir->zla == VMKFS_BLK_PB)
			return vmkfs_err(vol, VMKFS_ENOSPC, "directory %#x is full",
					 dir->id);
		ret = res_alloc(vol, res, 1, &newblk, 0);
		if (!ret)
			ret = blk_pos(vol, newblk, &pos, &blen);
		if (!ret)
			ret = lvm_zero(vol, pos, blen);
		if (ret)
			goto undo;
		dir->blocks[idx] = newblk;
	}
	ret = inode_rw(vol, dir, true, de, sizeof(de), off);
	if (ret)
		goto undo;
	ret = vol_flush(vol);
	if (ret)
		goto undo;
	dir->size += VMKFS_DIRENT_LEN;
	if (newblk)
		dir->blk_count++;
	dir->mtime = vmkfs_time_unix();
	ret = inode_write(vol, dir);
	if (!ret)
		return VMKFS_OK;
	dir->size -= VMKFS_DIRENT_LEN;
undo:
	if (newblk) {
		dir->blocks[idx] = 0;
		res_free(vol, newblk);
	}
	return ret;
}

/* remove entry `slot`: the last entry moves into its place */
int dir_remove(struct vmkfs_vol *vol, struct vmkfs_inode *dir, uint64_t slot)
{
	uint64_t last = dir->size / VMKFS_DIRENT_LEN - 1, n_old, n_new, i;
	uint32_t freed[2];
	unsigned int nfreed = 0;
	int ret;

	if (slot > last || !dir->size)
		return vmkfs_err(vol, VMKFS_ECORRUPT, "directory %#x has no entry %llu",
				 dir->id, (unsigned long long)slot);
	if (slot != last) {
		uint8_t de[VMKFS_DIRENT_LEN];

		ret = inode_rw(vol, dir, false, de, sizeof(de),
			       last * VMKFS_DIRENT_LEN);
		if (!ret)
			ret = inode_rw(vol, dir, true, de, sizeof(de),
				       slot * VMKFS_DIRENT_LEN);
		if (!ret)
			ret = vol_flush(vol);
		if (ret)
			return ret;
	}
	n_old = inode_nblocks(dir);
	dir->size -= VMKFS_DIRENT_LEN;
	n_new = inode_nblocks(dir);
	if (n_new < 1)
		n_new = 1;	/* "." and ".." always keep the first block */
	for (i = n_new; i < n_old && nfreed < 2; i++) {
		freed[nfreed++] = dir->blocks[i];
		dir->blocks[i] = 0;
		dir->blk_count--;
	}
	dir->mtime = vmkfs_time_unix();
	ret = inode_write(vol, dir);
	if (!ret && nfreed)
		ret = res_free_list(vol, freed, nfreed);
	return ret;
}

/* rewrite the name of entry `slot` in place (one sector-sized write) */
int dir_rename_slot(struct vmkfs_vol *vol, struct vmkfs_inode *dir,
		    uint64_t slot, const char *name)
{
	uint8_t nm[VMKFS_NAME_MAX + 1] = { 0 };

	vmkfs_memcpy(nm, name, vmkfs_strlen(name));
	return inode_rw(vol, dir, true, nm, sizeof(nm),
			slot * VMKFS_DIRENT_LEN + VMKFS_DE_NAME);
}

static int next_component(const char **pathp, char name[VMKFS_NAME_MAX + 1])
{
	const char *p = *pathp;
	size_t len = 0;

	while (*p == '/')
		p++;
	while (p[len] && p[len] != '/')
		len++;
	if (len > VMKFS_NAME_MAX)
		return VMKFS_ENAMETOOLONG;
	vmkfs_memcpy(name, p, len);
	name[len] = 0;
	*pathp = p + len;
	return len ? 1 : 0;
}

/* resolve an absolute (or root-relative) path to its inode */
int path_resolve(struct vmkfs_vol *vol, const char *path,
		 struct vmkfs_inode *ino)
{
	char name[VMKFS_NAME_MAX + 1];
	const char *p = path;
	uint32_t id;
	int ret = inode_read(vol, VMKFS_ROOT_ID, ino), more;

	if (ret)
		return ret == VMKFS_ENOENT ?
		       vmkfs_err(vol, VMKFS_ECORRUPT, "the root directory is missing") : ret;
	while (!ret && (more = next_component(&p, name)) != 0) {
		if (more < 0)
			return vmkfs_err(vol, more, "%s: a name is longer than %u characters",
					 path, VMKFS_NAME_MAX);
		if (ino->type != VMKFS_TYPE_DIR)
			return vmkfs_err(vol, VMKFS_ENOTDIR, "%s: %s is inside a file",
					 path, name);
		ret = dir_lookup(vol, ino, name, &id, NULL);
		if (ret == VMKFS_ENOENT)
			return vmkfs_err(vol, ret, "%s: no entry named %s", path, name);
		if (!ret)
			ret = inode_read(vol, id, ino);
		if (ret == VMKFS_ENOENT)
			return vmkfs_err(vol, VMKFS_ECORRUPT,
					 "%s: entry %s points to free file descriptor %#x",
					 path, name, id);
	}
	return ret;
}

/* resolve the directory holding path's last component, return the name */
int path_parent(struct vmkfs_vol *vol, const char *path,
		struct vmkfs_inode *dir, char name[VMKFS_NAME_MAX + 1])
{
	char parent[512];
	size_t len = vmkfs_strlen(path), cut;
	int ret;

	while (len > 1 && path[len - 1] == '/')
		len--;
	cut = len;
	while (cut && path[cut - 1] != '/')
		cut--;
	if (len - cut == 0 || len - cut > VMKFS_NAME_MAX || cut >= sizeof(parent))
		return vmkfs_err(vol, len - cut ? VMKFS_ENAMETOOLONG : VMKFS_EINVAL,
				 "%s: not a valid file name", path);
	vmkfs_memcpy(name, path + cut, len - cut);
	name[len - cut] = 0;
	if ((name[0] == '.' && !name[1]) ||
	    (name[0] == '.' && name[1] == '.' && !name[2]))
		return vmkfs_err(vol, VMKFS_EINVAL, "%s: cannot use . or .. here",
				 path);
	vmkfs_memcpy(parent, path, cut);
	parent[cut] = 0;
	ret = path_resolve(vol, parent, dir);
	if (!ret && dir->type != VMKFS_TYPE_DIR)
		ret = vmkfs_err(vol, VMKFS_ENOTDIR, "%s: parent is not a directory",
				path);
	return ret;
}
