// SPDX-License-Identifier: GPL-2.0-only
/*
 * Datastores: each folder DATASTORES/NAME (hostd.datastores, --datastores)
 * is the Datastore NAME, moref NAME, in ha-folder-datastore, mounted on
 * ha-host. Read from the folder at each request, as the VMs are from the
 * backend: a folder made or removed shows at once. Its space is the file
 * system's under the folder (statvfs(3)). A moref or path from a client
 * names a datastore only when it is a plain name of a folder there.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "hostd.h"

/*
 * DatastoreSummary.type: these are folders of the COS's file system, not
 * vmkfs volumes; vim25's HostFileSystemVolumeFileSystemType has "OTHER"
 * for that (govmomi's simulator gives its local datastores the same).
 */
#define DS_TYPE		"OTHER"

bool path_name_ok(const char *s, size_t len)
{
	if (!len || (len == 1 && s[0] == '.') || (len == 2 && !strncmp(s, "..", 2)))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
			return false;
	return true;
}

/* The folder of datastore name, when name is one; else false. */
static bool ds_dir(const char *name, char *dir, size_t len)
{
	size_t l = strlen(name);
	struct stat st;

	if (l >= DS_NAME_MAX || !path_name_ok(name, l) || name[0] == '.')
		return false;
	if ((size_t)snprintf(dir, len, "%s/%s", hostd.datastores, name) >= len)
		return false;
	return !stat(dir, &st) && S_ISDIR(st.st_mode);
}

bool ds_exists(const char *name)
{
	char dir[HOSTD_PATH_LEN];

	return ds_dir(name, dir, sizeof(dir));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t ds_names(char (*names)[DS_NAME_MAX], size_t max)
{
	DIR *d = opendir(hostd.datastores);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < max && (e = readdir(d)))
		if (ds_exists(e->d_name))	/* also: shorter than DS_NAME_MAX */
			memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	closedir(d);
	qsort(names, n, DS_NAME_MAX, name_cmp);
	return n;
}

void ds_refs(xmlNodePtr array)
{
	char names[HOSTD_DATASTORES_MAX][DS_NAME_MAX];
	size_t n = ds_names(names, HOSTD_DATASTORES_MAX), i;

	for (i = 0; i < n; i++)
		ob_ref(array, "ManagedObjectReference", "Datastore", names[i]);
}

bool ds_of_path(const char *path, char *name, size_t len)
{
	size_t n = strlen(hostd.datastores), l;

	if (strncmp(path, hostd.datastores, n) || path[n] != '/')
		return false;
	path += n + 1;
	l = strcspn(path, "/");
	if (!path[l] || l >= len)
		return false;
	memcpy(name, path, l);
	name[l] = '\0';
	return ds_exists(name);
}

/* The VMs whose .vmx is on datastore name. */
static int ds_vms(struct soap_call *c, const char *name, xmlNodePtr array)
{
	char mine[DS_NAME_MAX], id[16];
	size_t i;

	if (call_vms(c))
		return -1;
	for (i = 0; i < c->nvms; i++) {
		if (!ds_of_path(c->vms[i].vmx_path, mine, sizeof(mine)) || strcmp(mine, name))
			continue;
		snprintf(id, sizeof(id), "%u", c->vms[i].id);
		ob_ref(array, "ManagedObjectReference", "VirtualMachine", id);
	}
	return 0;
}

int datastore_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	char dir[HOSTD_PATH_LEN], url[HOSTD_PATH_LEN + 8];
	unsigned long long capacity = 0, free_space = 0;
	xmlNodePtr s, info, mount, mi;
	struct statvfs sv;
	bool accessible;

	if (!ds_dir(mo->value, dir, sizeof(dir)))
		return soap_fail_not_found(c, mo);
	accessible = !statvfs(dir, &sv);
	if (accessible) {
		capacity = (unsigned long long)sv.f_blocks * sv.f_frsize;
		free_space = (unsigned long long)sv.f_bavail * sv.f_frsize;
	}
	/* as ESXi writes it: ds:///vmfs/volumes/UUID/ */
	snprintf(url, sizeof(url), "ds://%s/", dir);
	ob_str(obj, "name", mo->value);
	ob_ref(obj, "parent", "Folder", "ha-folder-datastore");
	ob_value(obj, "overallStatus", "ManagedEntityStatus", accessible ? "green" : "red");
	ob_value(obj, "configStatus", "ManagedEntityStatus", "green");
	s = ob_complex(obj, "summary", "DatastoreSummary");
	ob_ref(s, "datastore", "Datastore", mo->value);
	ob_str(s, "name", mo->value);
	ob_str(s, "url", url);
	ob_value(s, "capacity", "xsd:long", "%llu", capacity);
	ob_value(s, "freeSpace", "xsd:long", "%llu", free_space);
	ob_bool(s, "accessible", accessible);
	ob_bool(s, "multipleHostAccess", false);
	ob_str(s, "type", DS_TYPE);
	ob_str(s, "maintenanceMode", "normal");
	/* a local file system's, as govmomi's simulator says of its own */
	info = ob_complex(obj, "info", "LocalDatastoreInfo");
	ob_str(info, "name", mo->value);
	ob_str(info, "url", url);
	ob_value(info, "freeSpace", "xsd:long", "%llu", free_space);
	ob_value(info, "maxFileSize", "xsd:long", "%llu", free_space);
	ob_str(info, "path", dir);
	mount = ob_complex(ob_array(obj, "host", "DatastoreHostMount"), "DatastoreHostMount",
			   "DatastoreHostMount");
	ob_ref(mount, "key", "HostSystem", "ha-host");
	mi = ob_complex(mount, "mountInfo", "HostMountInfo");
	ob_str(mi, "path", dir);
	ob_str(mi, "accessMode", "readWrite");
	ob_bool(mi, "mounted", true);
	ob_bool(mi, "accessible", accessible);
	return ds_vms(c, mo->value, ob_array(obj, "vm", "ManagedObjectReference"));
}
