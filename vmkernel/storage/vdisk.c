// SPDX-License-Identifier: GPL-2.0-only
/* Virtual disks on datastores as VM disk backends (vdisk.h). */
#include "vmkernel/storage/vdisk.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/storage/vdisk_desc.h"

#define SECTOR			512u
/* VMFS-3's largest file with 8 MiB blocks: 2 TiB (docs/vmkfs-format.md). */
#define VDISK_MAX_SECTORS	(2ull << 40 >> 9)

_Static_assert(SECTOR == SCSI_BLOCK_SIZE, "a descriptor's sectors are the disk's blocks");

/* ---- small string helpers (no libc in the vmkernel) ---- */

static bool starts_with(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && !memcmp(s, word, n);
}

/* [s, s + len) is word exactly. */
static bool equals(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy [s, s + len) as a string into out (size bytes), cut if longer. */
static void copy_token(char *out, size_t size, const char *s, size_t len)
{
	size_t n = MIN(len, size - 1);

	memcpy(out, s, n);
	out[n] = '\0';
}

/* ---- the descriptor ---- */

struct parse {
	const char *p, *end;		/* the current line's rest */
	struct vdisk_desc *d;
	unsigned int line, extents;
	bool create_type;
	char *why;
	size_t why_len;
};

/* A token of non-space characters at ps->p; its length (0: none). */
static size_t token(struct parse *ps, const char **tok)
{
	const char *s;

	while (ps->p < ps->end && is_space(*ps->p))
		ps->p++;
	s = ps->p;
	while (ps->p < ps->end && !is_space(*ps->p))
		ps->p++;
	*tok = s;
	return (size_t)(ps->p - s);
}

/* A decimal number without sign or leading zeros below 2^63; false: not one. */
static bool number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || len > 18 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* An extent's file name: printable ASCII, no separators or quotes. */
static bool extent_name_ok(const char *s, size_t len)
{
	if (!len || len >= VDISK_EXTENT_LEN || equals(s, len, ".") || equals(s, len, ".."))
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '/' || s[i] == '\\' || s[i] == '"')
			return false;
	return true;
}

static bool fail(struct parse *ps, const char *what)
{
	fmt_snprintf(ps->why, ps->why_len, "descriptor line %u: %s", ps->line, what);
	return false;
}

/* `ACCESS SECTORS TYPE "NAME"`: the one extent vmk serves. */
static bool parse_extent(struct parse *ps)
{
	const char *acc, *num, *type, *name;
	size_t acc_len = token(ps, &acc), num_len, type_len, name_len;
	char word[16];
	uint64_t sectors;

	num_len = token(ps, &num);
	type_len = token(ps, &type);
	while (ps->p < ps->end && is_space(*ps->p))
		ps->p++;
	if (++ps->extents > 1)
		return fail(ps, "a second extent: vmk serves disks of one extent");
	if (!number(num, num_len, &sectors))
		return fail(ps, "the extent's size is not a number of sectors");
	if (ps->p >= ps->end || *ps->p != '"')
		return fail(ps, "the extent's file name is not quoted");
	name = ++ps->p;
	while (ps->p < ps->end && *ps->p != '"')
		ps->p++;
	if (ps->p >= ps->end)
		return fail(ps, "the extent's file name has no closing quote");
	name_len = (size_t)(ps->p++ - name);
	while (ps->p < ps->end && is_space(*ps->p))
		ps->p++;
	if (ps->p < ps->end)
		return fail(ps, "text after the extent's file name");
	if (!equals(acc, acc_len, "RW")) {
		copy_token(word, sizeof(word), acc, acc_len);
		fmt_snprintf(ps->why, ps->why_len, "extent access %s: vmk serves read-write disks only",
			     word);
		return false;
	}
	if (!equals(type, type_len, "VMFS")) {
		copy_token(word, sizeof(word), type, type_len);
		fmt_snprintf(ps->why, ps->why_len, "extent type %s: vmk serves VMFS extents only",
			     word);
		return false;
	}
	if (!sectors || sectors > VDISK_MAX_SECTORS)
		return fail(ps, "the extent's size is 0 or above 2 TiB");
	if (!extent_name_ok(name, name_len))
		return fail(ps, "the extent's file name is empty, too long or has a / or control characters");
	ps->d->sectors = sectors;
	copy_token(ps->d->extent, sizeof(ps->d->extent), name, name_len);
	return true;
}

/* `key = value` or `key = "value"`; the keys vmk acts on are checked. */
static bool parse_pair(struct parse *ps)
{
	const char *key = ps->p, *val;
	size_t key_len, val_len;
	char word[24];

	while (ps->p < ps->end && (*ps->p == '.' || *ps->p == '_' ||
				   (*ps->p >= '0' && *ps->p <= '9') ||
				   ((*ps->p | 0x20) >= 'a' && (*ps->p | 0x20) <= 'z')))
		ps->p++;
	key_len = (size_t)(ps->p - key);
	while (ps->p < ps->end && is_space(*ps->p))
		ps->p++;
	if (!key_len || ps->p >= ps->end || *ps->p != '=')
		return fail(ps, "neither an extent nor a key = value line");
	ps->p++;
	while (ps->p < ps->end && is_space(*ps->p))
		ps->p++;
	val = ps->p;
	val_len = (size_t)(ps->end - val);
	while (val_len && is_space(val[val_len - 1]))
		val_len--;
	if (val_len >= 2 && val[0] == '"' && val[val_len - 1] == '"') {
		val++;
		val_len -= 2;
	}
	if (equals(key, key_len, "createType")) {
		ps->create_type = true;
		if (equals(val, val_len, "vmfs"))
			return true;
		copy_token(word, sizeof(word), val, val_len);
		fmt_snprintf(ps->why, ps->why_len, "createType %s: vmk serves vmfs (flat) disks only",
			     word);
		return false;
	}
	if (equals(key, key_len, "parentFileNameHint") ||
	    (equals(key, key_len, "parentCID") && !equals(val, val_len, "ffffffff")))
		return fail(ps, "a delta disk (it has a parent): vmk serves base disks only");
	if (equals(key, key_len, "ddb.thinProvisioned"))
		ps->d->thin = equals(val, val_len, "1");
	if (equals(key, key_len, "ddb.adapterType"))
		copy_token(ps->d->adapter, sizeof(ps->d->adapter), val, val_len);
	return true;
}

static bool parse_line(struct parse *ps)
{
	const char *s = ps->p;
	size_t len;

	while (s < ps->end && is_space(*s))
		s++;
	ps->p = s;
	len = (size_t)(ps->end - s);
	if (!len || *s == '#')
		return true;
	if (starts_with(s, len, "RW ") || starts_with(s, len, "RDONLY ") ||
	    starts_with(s, len, "NOACCESS ") || starts_with(s, len, "RW\t") ||
	    starts_with(s, len, "RDONLY\t") || starts_with(s, len, "NOACCESS\t"))
		return parse_extent(ps);
	return parse_pair(ps);
}

#define DESC_MAGIC	"# Disk DescriptorFile"
#define SPARSE_MAGIC	"KDMV"	/* a hosted sparse extent's header (VMDK spec §2) */

bool vdisk_parse_descriptor(const char *text, size_t len, struct vdisk_desc *d,
			    char *why, size_t why_len)
{
	struct parse ps = { .d = d, .why = why, .why_len = why_len };
	const char *p = text, *end = text + len;

	memset(d, 0, sizeof(*d));
	why[0] = '\0';
	if (len > VDISK_DESC_MAX) {
		fmt_snprintf(why, why_len, "the descriptor is over %u bytes", VDISK_DESC_MAX);
		return false;
	}
	if (starts_with(text, len, SPARSE_MAGIC)) {
		fmt_snprintf(why, why_len, "a sparse (hosted) VMDK: vmk serves vmfs flat disks only");
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
			fmt_snprintf(why, why_len, "binary data at byte %zu: not a text descriptor", i);
			return false;
		}
	}
	if (!starts_with(text, len, DESC_MAGIC)) {
		fmt_snprintf(why, why_len, "no '" DESC_MAGIC "' line: not a VMDK descriptor");
		return false;
	}
	while (p < end) {
		const char *nl = p;

		while (nl < end && *nl != '\n')
			nl++;
		ps.line++;
		ps.p = p;
		ps.end = nl;
		if (ps.end > p && ps.end[-1] == '\r')
			ps.end--;
		if (!parse_line(&ps))
			return false;
		p = nl < end ? nl + 1 : end;
	}
	if (!ps.create_type)
		fmt_snprintf(why, why_len, "no createType line");
	else if (!ps.extents)
		fmt_snprintf(why, why_len, "no extent line");
	return !why[0];
}

/* ---- names ---- */

bool vdisk_is_path(const char *name)
{
	return name[0] == '[' || starts_with(name, strlen(name), VDISK_VOLUMES);
}

/* rest: "DIR/NAME.vmdk" (or "DIR", !disk), parts neither empty nor . or ... */
static bool path_ok(const char *rest, bool disk)
{
	size_t len = strlen(rest), part = 0;

	if (disk && (len < 6 || !equals(rest + len - 5, 5, ".vmdk")))
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (rest[i] && rest[i] != '/') {
			if ((unsigned char)rest[i] < 0x20)
				return false;
			continue;
		}
		if (!i || rest[i - 1] == '/' || equals(rest + part, i - part, ".") ||
		    equals(rest + part, i - part, ".."))
			return false;
		part = i + 1;
	}
	return true;
}

static bool split(const char *name, bool disk, char label[VDISK_LABEL_LEN],
		  char path[VDISK_NAME_LEN], char *why, size_t why_len)
{
	const char *l, *rest;
	size_t label_len;

	if (name[0] == '[') {
		l = name + 1;
		for (rest = l; *rest && *rest != ']'; rest++)
			;
		label_len = (size_t)(rest - l);
		if (!label_len || *rest != ']')
			goto bad;
		for (rest++; *rest == ' '; rest++)
			;
		if (*rest == '/')
			goto bad;
	} else if (starts_with(name, strlen(name), VDISK_VOLUMES)) {
		l = name + strlen(VDISK_VOLUMES);
		for (rest = l; *rest && *rest != '/'; rest++)
			;
		label_len = (size_t)(rest - l);
		if (!label_len || !*rest)
			goto bad;
		rest++;
	} else {
		goto bad;
	}
	if (label_len >= VDISK_LABEL_LEN || strlen(rest) + 2 > VDISK_NAME_LEN ||
	    !path_ok(rest, disk))
		goto bad;
	copy_token(label, VDISK_LABEL_LEN, l, label_len);
	path[0] = '/';
	copy_token(path + 1, VDISK_NAME_LEN - 1, rest, strlen(rest));
	return true;
bad:
	if (disk)
		fmt_snprintf(why, why_len, "not a disk path like " VDISK_VOLUMES "LABEL/DIR/NAME.vmdk or [LABEL] DIR/NAME.vmdk");
	else
		fmt_snprintf(why, why_len, "not a folder path like " VDISK_VOLUMES "LABEL/DIR or [LABEL] DIR");
	return false;
}

bool vdisk_split_name(const char *name, char label[VDISK_LABEL_LEN],
		      char path[VDISK_NAME_LEN], char *why, size_t why_len)
{
	return split(name, true, label, path, why, why_len);
}

bool vdisk_split_folder(const char *name, char label[VDISK_LABEL_LEN],
			char path[VDISK_NAME_LEN], char *why, size_t why_len)
{
	return split(name, false, label, path, why, why_len);
}

/* ---- open and close ---- */

static int refuse(char *why, size_t why_len, int ret, const char *what,
		  const char *detail)
{
	fmt_snprintf(why, why_len, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
	return ret;
}

const char *vdisk_holder(const struct vdisk_claims *cl, const struct vmkfs_vol *vol,
			 uint32_t fd_id)
{
	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++)
		if (cl->c[i].vd && cl->c[i].vol == vol && (cl->c[i].fd_id == fd_id ||
		    cl->c[i].desc_id == fd_id || cl->c[i].dir_id == fd_id))
			return cl->c[i].owner_name;
	return NULL;
}

static int free_claim(const struct vdisk_claims *cl)
{
	for (int i = 0; i < VDISK_MAX_OPEN; i++)
		if (!cl->c[i].vd)
			return i;
	return -1;
}

/* The descriptor at path, read whole into buf (VDISK_DESC_MAX bytes) and parsed. */
static int read_descriptor(struct vmkfs_vol *vol, const char *path, uint8_t *buf,
			   struct vdisk_desc *d, char *why, size_t why_len)
{
	struct vmkfs_stat st;
	struct vmkfs_file *f;
	int64_t n;
	int ret = vmkfs_stat(vol, path, &st);

	if (ret == VMKFS_ENOENT || ret == VMKFS_ENOTDIR)
		return refuse(why, why_len, ret, "no such file on the datastore", NULL);
	if (ret)
		return refuse(why, why_len, ret, "cannot look it up", vmkfs_errmsg(vol));
	if (st.type != VMKFS_FT_FILE)
		return refuse(why, why_len, VMKFS_EISDIR, "not a file", NULL);
	if (st.size > VDISK_DESC_MAX)
		return refuse(why, why_len, VMKFS_EINVAL,
			      "too large for a descriptor (a flat extent named?)", NULL);
	ret = vmkfs_open(vol, path, VMKFS_O_RDONLY, &f);
	if (ret)
		return refuse(why, why_len, ret, "cannot open the descriptor", vmkfs_errmsg(vol));
	n = vmkfs_pread(f, buf, VDISK_DESC_MAX, 0);
	if (n < 0)
		refuse(why, why_len, (int)n, "cannot read the descriptor", vmkfs_errmsg(vol));
	vmkfs_close(f);
	if (n < 0)
		return (int)n;
	if (!vdisk_parse_descriptor((const char *)buf, (size_t)n, d, why, why_len))
		return VMKFS_EINVAL;
	return VMKFS_OK;
}

/*
 * The disk whose descriptor is path: the descriptor parsed into d, its
 * extent's path on the volume into extent (VDISK_EXTENT_PATH bytes) and
 * its stat into st, the extent of the size the descriptor says.
 * VMKFS_ENOENT with d->extent set: the extent is missing.
 */
#define VDISK_EXTENT_PATH	(VDISK_NAME_LEN + VDISK_EXTENT_LEN)
static int locate(struct vmkfs_vol *vol, const char *path, uint8_t *buf,
		  struct vdisk_desc *d, char *extent, struct vmkfs_stat *st,
		  char *why, size_t why_len)
{
	size_t dir = strlen(path);
	int ret;

	memset(d, 0, sizeof(*d));
	ret = read_descriptor(vol, path, buf, d, why, why_len);
	if (ret) {
		d->extent[0] = '\0';
		return ret;
	}
	while (dir && path[dir - 1] != '/')
		dir--;
	memcpy(extent, path, dir);
	copy_token(extent + dir, VDISK_EXTENT_PATH - dir, d->extent, strlen(d->extent));
	ret = vmkfs_stat(vol, extent, st);
	if (ret == VMKFS_ENOENT) {
		fmt_snprintf(why, why_len, "its extent %s is missing", d->extent);
		return ret;
	}
	if (ret)
		return refuse(why, why_len, ret, "cannot look up its extent", vmkfs_errmsg(vol));
	if (st->type != VMKFS_FT_FILE)
		return refuse(why, why_len, VMKFS_EISDIR, "its extent is not a file", NULL);
	if (st->size != d->sectors * SECTOR) {
		fmt_snprintf(why, why_len, "its extent has %llu bytes, the descriptor says %llu sectors",
			     (unsigned long long)st->size, (unsigned long long)d->sectors);
		return VMKFS_EINVAL;
	}
	return VMKFS_OK;
}

int vdisk_open(struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
	       uint32_t owner, const char *owner_name, struct vdisk *vd,
	       char *why, size_t why_len)
{
	char extent[VDISK_EXTENT_PATH], folder[VDISK_NAME_LEN], msg[64];
	struct vmkfs_stat st, dst, fst;
	size_t dir = strlen(path);
	struct vdisk_desc d;
	const char *who;
	int ret, slot;

	vd->f = NULL;
	ret = locate(vol, path, vd->bounce, &d, extent, &st, why, why_len);
	if (ret)
		return ret;
	who = vdisk_holder(cl, vol, st.id);
	if (who) {
		fmt_snprintf(why, why_len, "in use by vm '%s'", who);
		return VMKFS_EBUSY;
	}
	slot = free_claim(cl);
	if (slot < 0) {
		fmt_snprintf(msg, sizeof(msg), "%u virtual disks are open already", VDISK_MAX_OPEN);
		return refuse(why, why_len, VMKFS_EBUSY, msg, NULL);
	}
	/* its descriptor and their folder are the VM's too (the COS's /vmfs/volumes) */
	while (dir && path[dir - 1] != '/')
		dir--;
	ret = vmkfs_stat(vol, path, &dst);
	fst = dst;
	if (!ret && dir > 1 && dir <= sizeof(folder)) {
		memcpy(folder, path, dir - 1);
		folder[dir - 1] = '\0';
		ret = vmkfs_stat(vol, folder, &fst);
	}
	if (ret)
		return refuse(why, why_len, ret, "cannot look up its descriptor", vmkfs_errmsg(vol));
	ret = vmkfs_open(vol, extent, VMKFS_O_RDWR, &vd->f);
	if (ret) {
		vd->f = NULL;
		fmt_snprintf(why, why_len, "its extent %s: %s", d.extent, vmkfs_errmsg(vol));
		return ret;
	}
	vd->vol = vol;
	vd->nr_blocks = vmkfs_file_size(vd->f) / SECTOR;
	vd->thin = d.thin;
	vd->reads = vd->writes = vd->flushes = 0;
	vd->blocks_read = vd->blocks_written = vd->io_errors = 0;
	vd->error[0] = '\0';
	cl->c[slot].vd = vd;
	cl->c[slot].f = vd->f;
	cl->c[slot].vol = vol;
	cl->c[slot].fd_id = st.id;
	cl->c[slot].desc_id = dst.id;
	cl->c[slot].dir_id = fst.id;
	cl->c[slot].owner = owner;
	copy_token(cl->c[slot].owner_name, VDISK_OWNER_LEN, owner_name, strlen(owner_name));
	return VMKFS_OK;
}

void vdisk_close(struct vdisk_claims *cl, struct vdisk *vd)
{
	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++)
		if (cl->c[i].vd == vd)
			cl->c[i].vd = NULL;
	if (vd->f)
		vmkfs_close(vd->f);
	vd->f = NULL;
}

void vdisk_close_later(struct vdisk_claims *cl, struct vdisk *vd)
{
	struct vmkfs_file *f = vd->f;

	vd->f = NULL;
	/* One slot per claim: there is a free one. */
	for (unsigned int i = 0; f && i < VDISK_MAX_OPEN; i++) {
		struct vmkfs_file *none = NULL;

		if (__atomic_compare_exchange_n(&cl->late[i], &none, f, false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}
}

uint32_t vdisk_close_late(struct vdisk_claims *cl)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++) {
		struct vmkfs_file *f = __atomic_exchange_n(&cl->late[i], NULL, __ATOMIC_ACQUIRE);

		if (!f)
			continue;
		for (unsigned int j = 0; j < VDISK_MAX_OPEN; j++)
			if (cl->c[j].vd && cl->c[j].f == f)
				cl->c[j].vd = NULL;
		vmkfs_close(f);
		n++;
	}
	return n;
}

uint32_t vdisk_close_all(struct vdisk_claims *cl)
{
	uint32_t n = vdisk_close_late(cl);

	for (unsigned int i = 0; i < VDISK_MAX_OPEN; i++) {
		if (!cl->c[i].vd)
			continue;
		vdisk_close(cl, cl->c[i].vd);
		n++;
	}
	return n;
}

/* ---- making disks ---- */

int vdisk_render_descriptor(char *out, size_t len, const char *extent, uint64_t sectors,
			    bool thin, const char *adapter, uint32_t cid)
{
	int n = fmt_snprintf(out, len, VDISK_DESC_FORMAT, cid, (unsigned long long)sectors,
			     extent, (unsigned long long)VDISK_GEOM_CYL(sectors),
			     VDISK_GEOM_HEADS, VDISK_GEOM_SECTORS, adapter,
			     thin ? VDISK_DESC_THIN_LINE : "");

	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* path's folder, "/DIR", into dir (VDISK_NAME_LEN bytes); "/" for the root. */
static void folder_of(const char *path, char *dir)
{
	size_t n = strlen(path);

	while (n && path[n - 1] != '/')
		n--;
	if (n > 1)
		n--;
	copy_token(dir, VDISK_NAME_LEN, path, n);
}

int vdisk_mkdir(struct vmkfs_vol *vol, const char *path, char *why, size_t why_len)
{
	char dir[VDISK_NAME_LEN];
	struct vmkfs_stat st;
	int ret;

	folder_of(path, dir);
	ret = vmkfs_stat(vol, dir, &st);
	if (ret == VMKFS_ENOENT || ret == VMKFS_ENOTDIR || (!ret && st.type != VMKFS_FT_DIR))
		return refuse(why, why_len, VMKFS_ENOENT, "its parent folder is missing", NULL);
	if (ret)
		return refuse(why, why_len, ret, "cannot look up its folder", vmkfs_errmsg(vol));
	ret = vmkfs_stat(vol, path, &st);
	if (ret == VMKFS_OK)
		return refuse(why, why_len, VMKFS_EEXIST, "exists already", NULL);
	if (ret != VMKFS_ENOENT)
		return refuse(why, why_len, ret, "cannot look it up", vmkfs_errmsg(vol));
	ret = vmkfs_mkdir(vol, path);
	if (ret)
		return refuse(why, why_len, ret, "cannot make the folder", vmkfs_errmsg(vol));
	return VMKFS_OK;
}

/* Is ddb.adapterType's value 1..VDISK_ADAPTER_MAX of [a-z0-9]? */
bool vdisk_adapter_ok(const char *adapter, size_t size)
{
	size_t n = 0;

	for (; n < size && adapter[n]; n++)
		if (!((adapter[n] >= 'a' && adapter[n] <= 'z') ||
		      (adapter[n] >= '0' && adapter[n] <= '9')))
			return false;
	return n > 0 && n < size;
}

/* Write the descriptor text (len bytes) as the thin file path, made or there. */
static int write_descriptor(struct vmkfs_vol *vol, const char *path, const char *text,
			    size_t len, bool exists)
{
	struct vmkfs_file *f;
	int ret = exists ? VMKFS_OK : vmkfs_create(vol, path, len, VMKFS_THIN);

	if (ret)
		return ret;
	ret = vmkfs_open(vol, path, VMKFS_O_RDWR, &f);
	if (ret)
		return ret;
	if (exists)
		ret = vmkfs_truncate(f, len, VMKFS_THIN);
	if (!ret && vmkfs_pwrite(f, text, len, 0) != (int64_t)len)
		ret = VMKFS_EIO;
	if (!ret)
		ret = vmkfs_fsync(f);
	vmkfs_close(f);
	return ret;
}

/* A disk "/DIR/NAME.vmdk"'s extent "/DIR/NAME-flat.vmdk" into extent; false: too long. */
static bool flat_name(const char *path, char extent[VDISK_NAME_LEN])
{
	size_t len = strlen(path);

	if (len < 6 || len + 5 >= VDISK_NAME_LEN)
		return false;
	memcpy(extent, path, len - 5);
	memcpy(extent + len - 5, "-flat.vmdk", sizeof("-flat.vmdk"));
	return true;
}

int vdisk_create(struct vmkfs_vol *vol, const struct vdisk_create *c, char *text,
		 char *why, size_t why_len)
{
	char dir[VDISK_NAME_LEN], extent[VDISK_NAME_LEN], msg[64];
	const char *base = c->path + strlen(c->path);
	struct vmkfs_volinfo vi;
	struct vmkfs_stat st;
	struct vdisk_desc d;
	uint64_t need;
	int n, ret;

	if (!c->size || c->size % SECTOR || c->size / SECTOR > VDISK_MAX_SECTORS)
		return refuse(why, why_len, VMKFS_EINVAL,
			      "a disk's size is a multiple of 512 bytes, 512 bytes to 2 TiB", NULL);
	if (!flat_name(c->path, extent))
		return refuse(why, why_len, VMKFS_EINVAL, "the disk's name is too long", NULL);
	while (base > c->path && base[-1] != '/')
		base--;
	n = vdisk_render_descriptor(text, VDISK_DESC_MAX, extent + (base - c->path),
				    c->size / SECTOR, c->alloc == VMKFS_THIN, c->adapter, c->cid);
	/* What is written must be what vdisk_open() serves. */
	if (n < 0 || !vdisk_parse_descriptor(text, (size_t)n, &d, msg, sizeof(msg)))
		return refuse(why, why_len, VMKFS_EINVAL, "its name does not fit a descriptor",
			      n < 0 ? NULL : msg);
	folder_of(c->path, dir);
	ret = vmkfs_stat(vol, dir, &st);
	if (ret == VMKFS_ENOENT || ret == VMKFS_ENOTDIR || (!ret && st.type != VMKFS_FT_DIR))
		return refuse(why, why_len, VMKFS_ENOENT,
			      "its folder is missing (vmkfstools --mkdir)", NULL);
	if (ret)
		return refuse(why, why_len, ret, "cannot look up its folder", vmkfs_errmsg(vol));
	ret = vmkfs_stat(vol, c->path, &st);
	if (ret == VMKFS_ENOENT)
		ret = vmkfs_stat(vol, extent, &st);
	if (ret == VMKFS_OK)
		return refuse(why, why_len, VMKFS_EEXIST, "the disk or its extent exists already",
			      NULL);
	if (ret != VMKFS_ENOENT)
		return refuse(why, why_len, ret, "cannot look it up", vmkfs_errmsg(vol));
	ret = vmkfs_statfs(vol, &vi);
	if (ret)
		return refuse(why, why_len, ret, "cannot read the volume's free space",
			      vmkfs_errmsg(vol));
	/* A thick extent's blocks, all now (the descriptor takes a sub-block). */
	need = c->alloc == VMKFS_THIN ? 0 :
	       (c->size + vi.block_size - 1) / vi.block_size * vi.block_size;
	if (vi.files_free < 2 || need > vi.free_bytes) {
		fmt_snprintf(why, why_len, "no space: %llu MiB needed, %llu MiB free",
			     (unsigned long long)(need >> 20),
			     (unsigned long long)(vi.free_bytes >> 20));
		return VMKFS_ENOSPC;
	}
	ret = vmkfs_create(vol, extent, c->size, c->alloc);
	if (ret)
		return refuse(why, why_len, ret, "cannot make its extent", vmkfs_errmsg(vol));
	ret = write_descriptor(vol, c->path, text, (size_t)n, false);
	if (ret) {
		refuse(why, why_len, ret, "cannot write its descriptor", vmkfs_errmsg(vol));
		vmkfs_unlink(vol, c->path);
		vmkfs_unlink(vol, extent);
	}
	return ret;
}

int vdisk_rmdir(struct vmkfs_vol *vol, const char *path, char *why, size_t why_len)
{
	struct vmkfs_stat st;
	int ret = vmkfs_stat(vol, path, &st);

	if (ret == VMKFS_ENOENT || ret == VMKFS_ENOTDIR)
		return refuse(why, why_len, VMKFS_ENOENT, "no such folder on the datastore", NULL);
	if (ret)
		return refuse(why, why_len, ret, "cannot look it up", vmkfs_errmsg(vol));
	if (st.type != VMKFS_FT_DIR)
		return refuse(why, why_len, VMKFS_ENOTDIR, "not a folder", NULL);
	ret = vmkfs_rmdir(vol, path);
	if (ret == VMKFS_ENOTEMPTY)
		return refuse(why, why_len, ret, "the folder is not empty (vmkfstools -U its disks)",
			      NULL);
	if (ret)
		return refuse(why, why_len, ret, "cannot remove the folder", vmkfs_errmsg(vol));
	return VMKFS_OK;
}

/* ---- the COS's disk operations ---- */

/*
 * Who holds the extent st: a VM of cl, another host whose lock is on it
 * and whose heartbeat is alive, or a stale lock (vmkfs takes it over on
 * an open once its holder has been silent its lock timeout); NULL:
 * nobody.
 */
static const char *extent_holder(const struct vdisk_claims *cl, const struct vmkfs_vol *vol,
				 const struct vmkfs_stat *st)
{
	const char *who = vdisk_holder(cl, vol, st->id);

	if (who)
		return who;
	if (!st->lock_mode)
		return NULL;
	return st->lock_owner_alive ? "another host" : "a stale lock";
}

/* VMKFS_EBUSY with the sentence when the extent st is held; else VMKFS_OK. */
static int held(const struct vdisk_claims *cl, const struct vmkfs_vol *vol,
		const struct vmkfs_stat *st, char *why, size_t why_len)
{
	const char *who = extent_holder(cl, vol, st);

	if (!who)
		return VMKFS_OK;
	if (vdisk_holder(cl, vol, st->id))
		fmt_snprintf(why, why_len, "in use by vm '%s'", who);
	else if (st->lock_owner_alive)
		fmt_snprintf(why, why_len, "its extent is locked by another host");
	else
		return VMKFS_OK;	/* stale: the caller's open decides */
	return VMKFS_EBUSY;
}

/* The extent of d at path opened read-write (a stale lock taken over) and closed. */
static int take_lock(struct vmkfs_vol *vol, const char *extent, const struct vdisk_desc *d,
		     char *why, size_t why_len)
{
	struct vmkfs_file *f;
	int ret = vmkfs_open(vol, extent, VMKFS_O_RDWR, &f);

	if (ret) {
		fmt_snprintf(why, why_len, "its extent %s: %s", d->extent, vmkfs_errmsg(vol));
		return ret;
	}
	vmkfs_close(f);
	return VMKFS_OK;
}

/* held(), and a stale lock on the extent taken over (take_lock()). */
static int unheld(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *extent,
		  const struct vdisk_desc *d, const struct vmkfs_stat *st, char *why,
		  size_t why_len)
{
	int ret = held(cl, vol, st, why, why_len);

	if (!ret && st->lock_mode)
		ret = take_lock(vol, extent, d, why, why_len);
	return ret;
}

int vdisk_stat(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
	       uint8_t *buf, struct vdisk_info *info, char *why, size_t why_len)
{
	char extent[VDISK_EXTENT_PATH];
	struct vdisk_desc d;
	struct vmkfs_stat st;
	const char *who;
	int ret = locate(vol, path, buf, &d, extent, &st, why, why_len);

	if (ret)
		return ret;
	memset(info, 0, sizeof(*info));
	info->size = st.size;
	info->format = d.thin ? VMK_VDISK_THIN : st.tbz_blocks ? VMK_VDISK_ZEROEDTHICK :
		       VMK_VDISK_EAGERZEROEDTHICK;
	info->block_size = st.block_size;
	info->blocks_alloc = st.alloc_blocks;
	info->blocks_pending = st.tbz_blocks;
	if (st.block_size)
		info->blocks_total = (st.size + st.block_size - 1) / st.block_size;
	who = extent_holder(cl, vol, &st);
	if (who)
		copy_token(info->holder, sizeof(info->holder), who, strlen(who));
	return VMKFS_OK;
}

int vdisk_delete(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 uint8_t *buf, char *why, size_t why_len)
{
	char extent[VDISK_EXTENT_PATH];
	struct vdisk_desc d;
	struct vmkfs_stat st;
	int ret = locate(vol, path, buf, &d, extent, &st, why, why_len);

	/* A disk whose extent is gone (a delete cut short): its descriptor goes. */
	if (ret == VMKFS_ENOENT && d.extent[0]) {
		ret = vmkfs_unlink(vol, path);
		return ret ? refuse(why, why_len, ret, "cannot remove its descriptor",
				    vmkfs_errmsg(vol)) : VMKFS_OK;
	}
	if (!ret)
		ret = unheld(cl, vol, extent, &d, &st, why, why_len);
	if (ret)
		return ret;
	ret = vmkfs_unlink(vol, extent);
	if (ret)
		return refuse(why, why_len, ret, "cannot remove its extent", vmkfs_errmsg(vol));
	ret = vmkfs_unlink(vol, path);
	if (ret)
		return refuse(why, why_len, ret,
			      "its extent is removed, its descriptor not (-U again removes it)",
			      vmkfs_errmsg(vol));
	return VMKFS_OK;
}

/* Bytes of file blocks of block_size a file of size bytes has. */
static uint64_t whole_blocks(uint64_t size, uint32_t block_size)
{
	return (size + block_size - 1) / block_size * block_size;
}

int vdisk_extend(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 uint64_t size, uint32_t cid, uint8_t *buf, char *why, size_t why_len)
{
	char extent[VDISK_EXTENT_PATH], msg[64];
	struct vdisk_desc d, check;
	struct vmkfs_volinfo vi;
	struct vmkfs_stat st;
	struct vmkfs_file *f;
	uint64_t need;
	int n, ret;

	if (!size || size % SECTOR || size / SECTOR > VDISK_MAX_SECTORS)
		return refuse(why, why_len, VMKFS_EINVAL,
			      "a disk's size is a multiple of 512 bytes, 512 bytes to 2 TiB", NULL);
	ret = locate(vol, path, buf, &d, extent, &st, why, why_len);
	if (!ret)
		ret = held(cl, vol, &st, why, why_len);
	if (ret)
		return ret;
	if (size <= st.size) {
		fmt_snprintf(why, why_len, "it has %llu bytes: a disk only grows (shrinking is not supported)",
			     (unsigned long long)st.size);
		return VMKFS_EINVAL;
	}
	ret = vmkfs_statfs(vol, &vi);
	if (ret)
		return refuse(why, why_len, ret, "cannot read the volume's free space",
			      vmkfs_errmsg(vol));
	need = d.thin ? 0 : whole_blocks(size, vi.block_size) - whole_blocks(st.size, vi.block_size);
	if (need > vi.free_bytes) {
		fmt_snprintf(why, why_len, "no space: %llu MiB more needed, %llu MiB free",
			     (unsigned long long)(need >> 20),
			     (unsigned long long)(vi.free_bytes >> 20));
		return VMKFS_ENOSPC;
	}
	n = vdisk_render_descriptor((char *)buf, VDISK_DESC_MAX, d.extent, size / SECTOR, d.thin,
				    vdisk_adapter_ok(d.adapter, sizeof(d.adapter)) ?
				    d.adapter : "lsilogic", cid);
	if (n < 0 || !vdisk_parse_descriptor((const char *)buf, (size_t)n, &check, msg, sizeof(msg)))
		return refuse(why, why_len, VMKFS_EINVAL, "its new descriptor does not fit",
			      n < 0 ? NULL : msg);
	ret = vmkfs_open(vol, extent, VMKFS_O_RDWR, &f);
	if (ret) {
		fmt_snprintf(why, why_len, "its extent %s: %s", d.extent, vmkfs_errmsg(vol));
		return ret;
	}
	ret = vmkfs_truncate(f, size, d.thin ? VMKFS_THIN : VMKFS_ZEROEDTHICK);
	if (ret) {
		refuse(why, why_len, ret, "cannot grow its extent", vmkfs_errmsg(vol));
	} else {
		ret = write_descriptor(vol, path, (const char *)buf, (size_t)n, true);
		if (ret) {
			refuse(why, why_len, ret, "cannot rewrite its descriptor (the extent is shrunk back)",
			       vmkfs_errmsg(vol));
			vmkfs_truncate(f, st.size, VMKFS_THIN);
		}
	}
	vmkfs_close(f);
	return ret;
}

int vdisk_rename(const struct vdisk_claims *cl, struct vmkfs_vol *vol, const char *path,
		 const char *to, uint32_t cid, uint8_t *buf, char *why, size_t why_len)
{
	char extent[VDISK_EXTENT_PATH], new_extent[VDISK_NAME_LEN], dir[VDISK_NAME_LEN], msg[64];
	const char *base = to + strlen(to);
	struct vdisk_desc d, check;
	struct vmkfs_stat st, ds;
	int n, ret;

	while (base > to && base[-1] != '/')
		base--;

	if (!flat_name(to, new_extent))
		return refuse(why, why_len, VMKFS_EINVAL, "the new name is too long", NULL);
	ret = locate(vol, path, buf, &d, extent, &st, why, why_len);
	if (!ret)
		ret = unheld(cl, vol, extent, &d, &st, why, why_len);
	if (ret)
		return ret;
	folder_of(to, dir);
	ret = vmkfs_stat(vol, dir, &ds);
	if (ret == VMKFS_ENOENT || ret == VMKFS_ENOTDIR || (!ret && ds.type != VMKFS_FT_DIR))
		return refuse(why, why_len, VMKFS_ENOENT, "the new name's folder is missing", NULL);
	if (vmkfs_stat(vol, to, &ds) != VMKFS_ENOENT || vmkfs_stat(vol, new_extent, &ds) != VMKFS_ENOENT)
		return refuse(why, why_len, VMKFS_EEXIST,
			      "the new name or its extent exists already", NULL);
	n = vdisk_render_descriptor((char *)buf, VDISK_DESC_MAX, new_extent + (base - to),
				    d.sectors, d.thin, vdisk_adapter_ok(d.adapter, sizeof(d.adapter)) ?
				    d.adapter : "lsilogic", cid);
	if (n < 0 || !vdisk_parse_descriptor((const char *)buf, (size_t)n, &check, msg, sizeof(msg)))
		return refuse(why, why_len, VMKFS_EINVAL, "the new name does not fit a descriptor",
			      n < 0 ? NULL : msg);
	ret = vmkfs_rename(vol, extent, new_extent);
	if (ret)
		return refuse(why, why_len, ret, "cannot rename its extent", vmkfs_errmsg(vol));
	ret = vmkfs_rename(vol, path, to);
	if (ret) {
		refuse(why, why_len, ret, "cannot rename its descriptor", vmkfs_errmsg(vol));
		vmkfs_rename(vol, new_extent, extent);
		return ret;
	}
	ret = write_descriptor(vol, to, (const char *)buf, (size_t)n, true);
	if (ret) {
		refuse(why, why_len, ret, "cannot rewrite its descriptor (both names put back)",
		       vmkfs_errmsg(vol));
		vmkfs_rename(vol, to, path);
		vmkfs_rename(vol, new_extent, extent);
	}
	return ret;
}

_Static_assert(VMK_VDISK_PATH_LEN == VDISK_NAME_LEN, "a request's path is a VM disk's name");
_Static_assert(VMK_VDISK_HOLDER_LEN == VDISK_OWNER_LEN, "a request's holder is a claim's owner");

/* Is there a NUL in s's size bytes? */
static bool terminated(const char *s, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (!s[i])
			return true;
	return false;
}

/* A request's path field (size bytes, a NUL within) split as split() does. */
static bool split_field(const char *field, size_t size, bool disk, char label[VDISK_LABEL_LEN],
			char path[VDISK_NAME_LEN], char *why, size_t why_len)
{
	if (!terminated(field, size)) {
		fmt_snprintf(why, why_len, "a datastore path is at most %u characters",
			     (uint32_t)size - 1);
		return false;
	}
	return split(field, disk, label, path, why, why_len);
}

bool vdisk_request_ok(const struct vmk_storage_vdisk *v, char label[VDISK_LABEL_LEN],
		      char path[VDISK_NAME_LEN], char *why, size_t why_len)
{
	bool folder = v->op == VMK_VDISK_OP_MKDIR || v->op == VMK_VDISK_OP_RMDIR;
	bool disk = v->op == VMK_VDISK_OP_CREATE || v->op == VMK_VDISK_OP_ZERO ||
		    v->op == VMK_VDISK_OP_DELETE || v->op == VMK_VDISK_OP_STAT ||
		    v->op == VMK_VDISK_OP_EXTEND || v->op == VMK_VDISK_OP_RENAME;

	if (!folder && !disk) {
		fmt_snprintf(why, why_len, "operation %u is not mkdir, create, zero, delete, stat, extend, rmdir or rename",
			     v->op);
		return false;
	}
	if (!split_field(v->path, sizeof(v->path), disk, label, path, why, why_len))
		return false;
	if (v->op != VMK_VDISK_OP_CREATE && v->op != VMK_VDISK_OP_EXTEND)
		return true;
	if (!v->size || v->size % SECTOR || v->size / SECTOR > VDISK_MAX_SECTORS) {
		fmt_snprintf(why, why_len, "size %llu is not a multiple of 512 bytes from 512 to 2 TiB",
			     (unsigned long long)v->size);
		return false;
	}
	if (v->op == VMK_VDISK_OP_EXTEND)
		return true;
	if (v->format > VMK_VDISK_EAGERZEROEDTHICK) {
		fmt_snprintf(why, why_len, "disk format %u is not thin, zeroedthick or eagerzeroedthick",
			     v->format);
		return false;
	}
	if (!vdisk_adapter_ok(v->adapter, sizeof(v->adapter))) {
		fmt_snprintf(why, why_len, "an adapter type is 1 to %u of a-z and 0-9",
			     (uint32_t)sizeof(v->adapter) - 1);
		return false;
	}
	return true;
}

bool vdisk_request_new_path(const struct vmk_storage_vdisk *v, const char *label,
			    char to[VDISK_NAME_LEN], char *why, size_t why_len)
{
	char to_label[VDISK_LABEL_LEN];

	if (!split_field(v->new_path, sizeof(v->new_path), true, to_label, to, why, why_len))
		return false;
	if (strcmp(to_label, label)) {
		fmt_snprintf(why, why_len, "a disk is renamed on its own datastore only");
		return false;
	}
	return true;
}

/* ---- the backend ---- */

/* Is [lba, lba + nr) on the disk? The disk model checked it already. */
static bool in_range(const struct vdisk *vd, uint64_t lba, uint32_t nr)
{
	return lba <= vd->nr_blocks && nr <= vd->nr_blocks - lba;
}

/* A failed vmkfs call, counted and kept, as the disk model's status. */
static enum scsi_backend_status failed(struct vdisk *vd, int64_t ret)
{
	vd->io_errors++;
	fmt_snprintf(vd->error, sizeof(vd->error), "%s%s",
		     ret == VMKFS_ENOSPC ? "the datastore is full: " : "",
		     !vd->f ? "the datastore was unmounted" :
		     vmkfs_errmsg(vd->vol)[0] ? vmkfs_errmsg(vd->vol) :
		     vmkfs_strerror((int)ret));
	return ret == VMKFS_ENOSPC ? SCSI_BACKEND_NO_SPACE : SCSI_BACKEND_IO_ERROR;
}

enum scsi_backend_status vdisk_rw(struct vdisk *vd, bool write, uint64_t lba,
				  uint32_t nr, uint8_t *buf)
{
	size_t len = (size_t)nr * SECTOR;
	enum scsi_backend_status st = SCSI_BACKEND_OK;
	int64_t ret = VMKFS_EIO;

	vd->lock->lock(vd->lock->ctx, vd, nr);
	if (vd->f)
		ret = write ? vmkfs_pwrite(vd->f, buf, len, lba * SECTOR) :
			      vmkfs_pread(vd->f, buf, len, lba * SECTOR);
	if (ret != (int64_t)len)
		st = failed(vd, ret < 0 ? ret : VMKFS_EIO);
	vd->lock->unlock(vd->lock->ctx, vd);
	return st;
}

enum scsi_backend_status vdisk_sync(struct vdisk *vd)
{
	enum scsi_backend_status st = SCSI_BACKEND_OK;
	int ret = VMKFS_EIO;

	vd->lock->lock(vd->lock->ctx, vd, 0);
	if (vd->f)
		ret = vmkfs_fsync(vd->f);
	if (ret)
		st = failed(vd, ret);
	vd->lock->unlock(vd->lock->ctx, vd);
	return st;
}

/* One piece between the extent and the bounce buffer, in the caller's lock. */
static enum scsi_backend_status vd_piece(void *ctx, bool write, uint64_t lba,
					 uint32_t nr)
{
	struct vdisk *vd = ctx;

	return vdisk_rw(vd, write, lba, nr, vd->bounce);
}

static void vd_read(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct vdisk *vd = ctx;

	vd->reads++;
	if (!in_range(vd, lba, nr))
		return scsi_backend_done(cmd, SCSI_BACKEND_IO_ERROR);
	scsi_backend_bounce(cmd, false, lba, nr, vd->bounce, vd->bounce_blocks,
			    vd_piece, vd, &vd->blocks_read);
}

static void vd_write(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct vdisk *vd = ctx;

	vd->writes++;
	if (!in_range(vd, lba, nr))
		return scsi_backend_done(cmd, SCSI_BACKEND_IO_ERROR);
	scsi_backend_bounce(cmd, true, lba, nr, vd->bounce, vd->bounce_blocks,
			    vd_piece, vd, &vd->blocks_written);
}

static void vd_flush(void *ctx, struct scsi_cmd *cmd)
{
	struct vdisk *vd = ctx;

	vd->flushes++;
	scsi_backend_done(cmd, vdisk_sync(vd));
}

static const struct scsi_backend_ops vdisk_ops = {
	.read = vd_read,
	.write = vd_write,
	.flush = vd_flush,
	.unmap = NULL,
};

void vdisk_backend(struct vdisk *vd, struct scsi_backend *be)
{
	be->ops = &vdisk_ops;
	be->ctx = vd;
	be->nr_blocks = vd->nr_blocks;
	/* No UNMAP yet (vmkfs frees no block of an open file): not offered. */
	be->thin = false;
	be->read_only = false;
}
