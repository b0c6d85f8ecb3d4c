// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datastore browser (HostDatastoreBrowser ha-host-datastorebrowser,
 * every Datastore's `browser`): SearchDatastore_Task lists one folder of
 * a datastore, SearchDatastoreSubFolders_Task it and every folder below,
 * each file typed as ESXi types it (VmDiskFileInfo for a disk's
 * descriptor, with its capacity and controller from the descriptor;
 * IsoImageFileInfo, FloppyImageFileInfo, VmConfigFileInfo, ...), as
 * libvirt's `virsh vol-list` asks. VirtualDiskManager.QueryVirtualDiskUuid
 * (ha-vdiskmanager) answers a disk's ddb.uuid, libvirt's key of a volume.
 *
 * Only folder datastores: a VMFS volume's files are on the volume, which
 * the COS cannot list (the Task fails saying so). The walk is dsfile.c's
 * rule: plain names, no symbolic link followed (links are left out), at
 * most BROWSE_FILES_MAX files and BROWSE_DEPTH_MAX levels.
 */
#define _FILE_OFFSET_BITS 64
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "hostd.h"

#define BROWSE_FILES_MAX	1024	/* files and folders in one answer */
#define BROWSE_DEPTH_MAX	16
#define BROWSE_PATTERNS_MAX	8
#define DESCRIPTOR_MAX		(64 * 1024)	/* a disk descriptor is text, a few KiB */

/* What a search asks for: the kinds of file (none: every kind), the name patterns. */
struct search {
	unsigned int kinds;
	char pattern[BROWSE_PATTERNS_MAX][256];
	size_t npatterns;
	bool size, modification;
	size_t files;			/* listed so far */
	xmlNodePtr results;		/* the Task's result */
	const char *ds;
};

/* The FileInfo types ESXi gives, by what the name ends with. */
static const struct kind {
	const char *query, *info, *suffix;
} kinds[] = {
	{ "FolderFileQuery", "FolderFileInfo", NULL },
	{ "VmDiskFileQuery", "VmDiskFileInfo", ".vmdk" },
	{ "IsoImageFileQuery", "IsoImageFileInfo", ".iso" },
	{ "FloppyImageFileQuery", "FloppyImageFileInfo", ".flp" },
	{ "VmConfigFileQuery", "VmConfigFileInfo", ".vmx" },
	{ "VmLogFileQuery", "VmLogFileInfo", ".log" },
	{ "VmNvramFileQuery", "VmNvramFileInfo", ".nvram" },
	{ "FileQuery", "FileInfo", "" },	/* any other file */
};
#define KIND_FOLDER	0
#define KIND_DISK	1
#define KIND_ANY	(sizeof(kinds) / sizeof(kinds[0]) - 1)

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);

	return l >= n && !strcasecmp(s + l - n, suffix);
}

/* The kind of a file named name; a disk's extents (x-flat.vmdk) are part of the disk. */
static size_t kind_of(const char *name, bool dir)
{
	size_t k;

	if (dir)
		return KIND_FOLDER;
	if (ends_with(name, "-flat.vmdk") || ends_with(name, "-delta.vmdk") ||
	    ends_with(name, "-ctk.vmdk"))
		return KIND_ANY;
	for (k = 1; k < KIND_ANY; k++)
		if (ends_with(name, kinds[k].suffix))
			return k;
	return KIND_ANY;
}

static bool wanted(const struct search *s, size_t kind, const char *name)
{
	size_t i;

	if (s->kinds && !(s->kinds & (1u << kind)) && !(s->kinds & (1u << KIND_ANY)))
		return false;
	if (!s->npatterns)
		return true;
	for (i = 0; i < s->npatterns; i++)
		if (!fnmatch(s->pattern[i], name, FNM_CASEFOLD))
			return true;
	return false;
}

/* A descriptor's "key = "value"" into out, "" when it has none. */
static void descriptor_value(const char *text, const char *key, char *out, size_t len)
{
	const char *p = text, *q;
	size_t kl = strlen(key);

	out[0] = '\0';
	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != '='))
			continue;
		p = strchr(p, '"');
		q = p ? strchr(p + 1, '"') : NULL;
		if (q && (size_t)(q - p - 1) < len)
			snprintf(out, len, "%.*s", (int)(q - p - 1), p + 1);
		return;
	}
}

/*
 * A disk descriptor's text (NUL-terminated, malloc'd), or NULL: not one
 * (a .vmdk that is not a descriptor is no disk to ESXi's browser either).
 */
static char *descriptor_read(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	char *text = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size < DESCRIPTOR_MAX)
		text = malloc((size_t)st.st_size + 1);
	n = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (text && n >= 0)
		text[n] = '\0';
	if (n < 0 || !text || strlen(text) < (size_t)n ||	/* NUL inside: not text */
	    strncmp(text, "# Disk DescriptorFile", 21)) {
		free(text);
		return NULL;
	}
	return text;
}

/* capacityKb (its extents' sectors) and controllerType of a disk descriptor's text. */
static void disk_details(xmlNodePtr file, const char *text)
{
	unsigned long long sectors = 0, n;
	const char *type = NULL;
	char adapter[32];

	for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if ((!strncmp(p, "RW ", 3) || !strncmp(p, "RDONLY ", 7)) &&
		    sscanf(strchr(p, ' ') + 1, "%llu", &n) == 1)
			sectors += n;
	ob_value(file, "capacityKb", "xsd:long", "%llu", sectors / 2);
	descriptor_value(text, "ddb.adapterType", adapter, sizeof(adapter));
	if (!strcmp(adapter, "ide"))
		type = "VirtualIDEController";
	else if (adapter[0])
		type = scsi_type_of_dev(adapter);
	if (type)
		ob_str(file, "controllerType", type);
}

static void file_info(struct search *s, xmlNodePtr array, const char *name, size_t kind,
		      const struct stat *st, const char *descriptor)
{
	xmlNodePtr f = ob_complex(array, "FileInfo", kinds[kind].info);

	xmlSetProp(f, (const xmlChar *)"_xsi", (const xmlChar *)kinds[kind].info);
	ob_str(f, "path", name);
	if (s->size)
		ob_value(f, "fileSize", "xsd:long", "%llu", (unsigned long long)st->st_size);
	if (s->modification)
		ob_time(f, "modification", (uint64_t)st->st_mtime);
	if (descriptor)
		disk_details(f, descriptor);
	s->files++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The files of folder dir (rel: its path in the datastore, "" for the
 * root) as one HostDatastoreBrowserSearchResults; with sub, then those of
 * every folder below, depth first in name order.
 */
static int search_folder(struct soap_call *c, struct search *s, int dir, const char *rel,
			 bool sub, int depth)
{
	char *names[BROWSE_FILES_MAX];
	size_t n = 0, i;
	xmlNodePtr res, files;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = dup(dir);

	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return soap_fail(c, "SystemError", "[%s] %s: %s", s->ds, rel, strerror(errno));
	}
	while (n < BROWSE_FILES_MAX && (e = readdir(d)))
		if (e->d_name[0] != '.' && path_name_ok(e->d_name, strlen(e->d_name)))
			names[n++] = strdup(e->d_name);	/* NULL: left out below */
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	res = ob_complex(s->results, "HostDatastoreBrowserSearchResults",
			 "HostDatastoreBrowserSearchResults");
	xmlSetProp(res, (const xmlChar *)"_xsi", (const xmlChar *)"HostDatastoreBrowserSearchResults");
	ob_ref(res, "datastore", "Datastore", s->ds);
	ob_value(res, "folderPath", "xsd:string", "[%s]%s%s", s->ds, rel[0] ? " " : "", rel);
	files = ob_array(res, "file", "FileInfo");
	for (i = 0; i < n; i++) {
		char *descriptor = NULL;
		size_t kind;

		if (!names[i] || fstatat(dir, names[i], &st, AT_SYMLINK_NOFOLLOW) ||
		    S_ISLNK(st.st_mode) || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)))
			continue;
		kind = kind_of(names[i], S_ISDIR(st.st_mode));
		if (kind == KIND_DISK && !(descriptor = descriptor_read(dir, names[i])))
			kind = KIND_ANY;
		if (s->files < BROWSE_FILES_MAX && wanted(s, kind, names[i]))
			file_info(s, files, names[i], kind, &st, descriptor);
		free(descriptor);
	}
	for (i = 0; sub && i < n && !c->fault.type; i++) {
		char below[HOSTD_PATH_LEN];
		int sd;

		if (!names[i] || depth >= BROWSE_DEPTH_MAX || s->files >= BROWSE_FILES_MAX ||
		    (size_t)snprintf(below, sizeof(below), "%s%s%s", rel, rel[0] ? "/" : "",
				     names[i]) >= sizeof(below))
			continue;
		sd = openat(dir, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sd < 0)
			continue;	/* a file, or a link: not walked */
		search_folder(c, s, sd, below, true, depth + 1);
		close(sd);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return c->fault.type ? -1 : 0;
}

/* The search's kinds, patterns and details from its HostDatastoreBrowserSearchSpec. */
static void search_spec(struct search *s, xmlNodePtr spec)
{
	char type[64];
	xmlNodePtr q, d = xml_child(spec, "details");

	for (q = xml_child(spec, "query"); q; q = xml_next(q, "query")) {
		if (xml_xsi_type(q, type, sizeof(type)))
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strcmp(type, kinds[k].query))
				s->kinds |= 1u << k;
	}
	for (q = xml_child(spec, "matchPattern"); q && s->npatterns < BROWSE_PATTERNS_MAX;
	     q = xml_next(q, "matchPattern"))
		if (!xml_text(q, s->pattern[s->npatterns], sizeof(s->pattern[0])))
			s->npatterns++;
	s->size = xml_bool(xml_child(d, "fileSize"), false);
	s->modification = xml_bool(xml_child(d, "modification"), false);
}

/*
 * "[DS]" or "[DS] DIR/..." into ds and rel (plain names, no trailing
 * slash); -1 when it is not one.
 */
static int split_ds_path(const char *path, char *ds, size_t ds_len, char *rel, size_t rel_len)
{
	const char *end = path[0] == '[' ? strchr(path, ']') : NULL, *p;
	size_t l;

	if (!end || (size_t)(end - path - 1) >= ds_len || !path_name_ok(path + 1, (size_t)(end - path - 1)))
		return -1;
	snprintf(ds, ds_len, "%.*s", (int)(end - path - 1), path + 1);
	for (p = end + 1; *p == ' '; p++)
		;
	l = strlen(p);
	while (l && p[l - 1] == '/')
		l--;
	if (l >= rel_len)
		return -1;
	snprintf(rel, rel_len, "%.*s", (int)l, p);
	for (p = rel; *p; p += *p == '/') {
		l = strcspn(p, "/");
		if (!path_name_ok(p, l))
			return -1;
		p += l;
	}
	return 0;
}

/* The folder rel of datastore root, walked without links; -1 with errno. */
static int open_rel(const char *root, const char *rel)
{
	char names[HOSTD_PATH_LEN], *p = names, *slash;
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), next;

	snprintf(names, sizeof(names), "%s", rel);
	while (dir >= 0 && *p) {
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		next = openat(dir, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = next;
		p = slash ? slash + 1 : p + strlen(p);
	}
	return dir;
}

int browser_search_task(struct soap_call *c)
{
	bool sub = !strcmp((const char *)c->method->name, "SearchDatastoreSubFolders_Task");
	char path[HOSTD_PATH_LEN], ds[DS_NAME_MAX], rel[HOSTD_PATH_LEN], root[HOSTD_PATH_LEN];
	struct search *s;
	struct task *t;
	bool vmfs;
	int dir;

	if (xml_text(xml_child(c->method, "datastorePath"), path, sizeof(path)) ||
	    split_ds_path(path, ds, sizeof(ds), rel, sizeof(rel)))
		return soap_fail_argument(c, "datastorePath", "not a datastore path ([DS] or [DS] DIR)");
	if (!ds_cos_folder(c, ds, root, sizeof(root), &vmfs))
		return c->fault.type ? -1 : soap_fail_argument(c, "datastorePath",
							       "no datastore %s", ds);
	s = calloc(1, sizeof(*s));
	if (!s)
		return soap_fail(c, "SystemError", "out of memory");
	s->ds = ds;
	search_spec(s, xml_child(c->method, "searchSpec"));
	t = task_new(c, sub ? "searchSubFolders" : "search", "ha-host-datastorebrowser");
	dir = vmfs ? -1 : open_rel(root, rel);
	if (vmfs) {
		task_fail(t, "NotSupported", "", "[%s] is a VMFS datastore: its files are on the "
			  "volume, which the COS cannot list", ds);
	} else if (dir < 0) {
		task_fail(t, "FileNotFound", path, "%s: %s", path,
			  errno == ELOOP || errno == ENOTDIR ?
			  "not a folder (a symbolic link is not followed)" : strerror(errno));
	} else {
		s->results = xmlNewNode(NULL, (const xmlChar *)"result");
		xmlSetProp(s->results, (const xmlChar *)"_xsi", (const xmlChar *)(sub ?
			   "ArrayOfHostDatastoreBrowserSearchResults" : "HostDatastoreBrowserSearchResults"));
		if (!search_folder(c, s, dir, rel, sub, 0)) {
			if (!sub) {	/* one result: its fields are the result's own */
				xmlNodePtr one = xmlFirstElementChild(s->results);

				xmlUnlinkNode(one);
				xmlNodeSetName(one, (const xmlChar *)"result");
				xmlFreeNode(s->results);
				s->results = one;
			}
			task_set_result_tree(t, s->results);
			s->results = NULL;
		}
		xmlFreeNode(s->results);
		close(dir);
	}
	free(s);
	return c->fault.type ? -1 : task_answer(c, t);
}

int vdm_query_virtual_disk_uuid(struct soap_call *c)
{
	char path[HOSTD_PATH_LEN], ds[DS_NAME_MAX], rel[HOSTD_PATH_LEN], root[HOSTD_PATH_LEN];
	char uuid[64], *text, *slash;
	bool vmfs;
	int dir;

	if (xml_text(xml_child(c->method, "name"), path, sizeof(path)) ||
	    split_ds_path(path, ds, sizeof(ds), rel, sizeof(rel)) || !ends_with(rel, ".vmdk"))
		return soap_fail_argument(c, "name", "not a disk's datastore path ([DS] DIR/NAME.vmdk)");
	if (!ds_cos_folder(c, ds, root, sizeof(root), &vmfs))
		return c->fault.type ? -1 : soap_fail_argument(c, "name", "no datastore %s", ds);
	if (vmfs)
		return soap_fail(c, "NotSupported", "[%s] is a VMFS datastore: its disks are on the "
				 "volume, which the COS cannot read", ds);
	slash = strrchr(rel, '/');
	if (slash)
		*slash = '\0';
	dir = open_rel(root, slash ? rel : "");
	text = dir >= 0 ? descriptor_read(dir, slash ? slash + 1 : rel) : NULL;
	if (dir >= 0)
		close(dir);
	descriptor_value(text ? text : "", "ddb.uuid", uuid, sizeof(uuid));
	free(text);
	if (!uuid[0])
		return soap_fail(c, "FileNotFound", "%s: no disk descriptor with a ddb.uuid", path);
	xw_text(c, "returnval", uuid);
	return 0;
}
