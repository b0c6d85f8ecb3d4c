// SPDX-License-Identifier: GPL-2.0-only
/*
 * Datastores, in ha-folder-datastore, mounted on ha-host, moref their
 * name, of two kinds (docs/rpc.md "Datastores"):
 * - the VMFS volumes the vmkernel has mounted (the backend's ds_list),
 *   type VMFS, named by their label. Their VMs' disks are on the volume,
 *   made through the vmkernel; the COS cannot reach its files, so a VM's
 *   .vmx is in the COS folder DATASTORES/LABEL, as for a folder below.
 * - each other folder DATASTORES/NAME (hostd.datastores, --datastores):
 *   the Datastore NAME, type OTHER. Its space is the file system's under
 *   the folder (statvfs(3)), asked in a child process with a deadline
 *   (below).
 * Both are read at each request, as the VMs are from the backend: a
 * volume mounted or a folder made shows at once. A moref or path from a
 * client names a datastore only when it is one of these names.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
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

/*
 * Is DATASTORES/name a folder? d_type is its entry's type there
 * (DT_UNKNOWN: not told). stat(2) of a folder on which a file system is
 * mounted asks that file system, and one that does not answer (below)
 * makes stat sleep for ever; the entry in the folder above is the mount
 * point's own and says DT_DIR without asking. So only a symbolic link,
 * or an entry whose type is not told, is stat'ed.
 */
static bool ds_is_dir(const char *dir, unsigned char d_type)
{
	struct stat st;

	if (d_type == DT_DIR)
		return true;
	if (d_type != DT_LNK && d_type != DT_UNKNOWN)
		return false;
	return !stat(dir, &st) && S_ISDIR(st.st_mode);
}

/* The folder of datastore name, of entry type d_type, when it is one. */
static bool ds_dir_typed(const char *name, unsigned char d_type, char *dir, size_t len)
{
	size_t l = strlen(name);

	if (l >= DS_NAME_MAX || !path_name_ok(name, l) || name[0] == '.')
		return false;
	if ((size_t)snprintf(dir, len, "%s/%s", hostd.datastores, name) >= len)
		return false;
	return ds_is_dir(dir, d_type);
}

/* The folder of datastore name, when name is one; else false. */
static bool ds_dir(const char *name, char *dir, size_t len)
{
	DIR *d = opendir(hostd.datastores);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d)))
		found = !strcmp(e->d_name, name) && ds_dir_typed(name, e->d_type, dir, len);
	closedir(d);
	return found;
}

const struct hostd_datastore *call_vmfs(struct soap_call *c, const char *name)
{
	if (call_datastores(c))
		return NULL;
	for (size_t i = 0; i < c->nds; i++)
		if (!strcmp(c->ds[i].name, name))
			return &c->ds[i];
	return NULL;
}

bool ds_cos_folder(struct soap_call *c, const char *name, char *dir, size_t len, bool *vmfs)
{
	size_t l = strlen(name);

	*vmfs = call_vmfs(c, name) != NULL;
	if (!*vmfs)
		return !c->fault.type && ds_dir(name, dir, len);
	return l < DS_NAME_MAX && path_name_ok(name, l) &&
	       (size_t)snprintf(dir, len, "%s/%s", hostd.datastores, name) < len;
}

bool ds_exists(struct soap_call *c, const char *name)
{
	char dir[HOSTD_PATH_LEN];

	return call_vmfs(c, name) || ds_dir(name, dir, sizeof(dir));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The datastores' names, sorted: the VMFS volumes', then the other folders'. */
static int ds_names(struct soap_call *c, char (*names)[DS_NAME_MAX], size_t *count)
{
	char dir[HOSTD_PATH_LEN];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	if (call_datastores(c))
		return -1;
	for (; n < c->nds; n++)
		memcpy(names[n], c->ds[n].name, sizeof(names[n]));
	d = opendir(hostd.datastores);
	while (d && n < c->nds + HOSTD_DATASTORES_MAX && (e = readdir(d)))
		/* a name: shorter than DS_NAME_MAX */
		if (!call_vmfs(c, e->d_name) && ds_dir_typed(e->d_name, e->d_type, dir, sizeof(dir)))
			memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	if (d)
		closedir(d);
	qsort(names, n, DS_NAME_MAX, name_cmp);
	*count = n;
	return 0;
}

int ds_refs(struct soap_call *c, xmlNodePtr array)
{
	char names[2 * HOSTD_DATASTORES_MAX][DS_NAME_MAX];
	size_t n, i;

	if (ds_names(c, names, &n))
		return -1;
	for (i = 0; i < n; i++)
		ob_ref(array, "ManagedObjectReference", "Datastore", names[i]);
	return 0;
}

bool ds_of_path(struct soap_call *c, const char *path, char *name, size_t len)
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
	return ds_exists(c, name);
}

/*
 * statvfs(2) of a folder whose file system does not answer (a dead NFS
 * server, a stuck disk) sleeps uninterruptibly, for ever. Requests are
 * answered one at a time (http.c), so a statvfs made while answering would
 * hold up every client, and a daemon with a thread in it cannot even exit.
 * So a child process asks (a probe) and writes the answer to a pipe; the
 * request waits for it at most hostd.ds_wait_ms. A probe that has not
 * answered by then is left running, alone for its datastore: no other is
 * started while it lives, and no request waits for it again. Until it
 * answers the datastore is inaccessible, with the space of its last answer.
 * At most DS_PROBES_MAX probes at once; a datastore that finds no slot is
 * inaccessible without being asked.
 */
#define DS_PROBES_MAX	HOSTD_DATASTORES_MAX

struct ds_space {
	int err;			/* 0, or statvfs's errno */
	unsigned long long capacity, free_space;
};

struct ds_probe {
	char name[DS_NAME_MAX];		/* "": a free slot */
	pid_t pid;			/* the probe asking now; 0: none */
	int fd;				/* its answer comes here */
	uint64_t started_ms;
	bool overdue;			/* it missed its deadline (logged) */
	struct ds_space last;		/* the last answer */
	uint64_t last_ms;		/* when; 0: none yet */
};

static struct ds_probe probes[DS_PROBES_MAX];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The slot of datastore name: its own, a free one, or one not asking now. */
static struct ds_probe *probe_slot(const char *name)
{
	struct ds_probe *spare = NULL;
	size_t i;

	for (i = 0; i < DS_PROBES_MAX; i++) {
		if (!strcmp(probes[i].name, name))
			return &probes[i];
		if (!spare && (!probes[i].name[0] || !probes[i].pid))
			spare = &probes[i];
	}
	if (spare) {
		memset(spare, 0, sizeof(*spare));
		memcpy(spare->name, name, strlen(name) + 1);
	}
	return spare;
}

/*
 * The probe's process: only async-signal-safe calls (the daemon has other
 * threads), and no descriptor but its pipe, so that a probe stuck for ever
 * keeps neither the daemon's port nor /dev/vmkernel open.
 */
static void __attribute__((noreturn)) probe_child(const char *dir, int out)
{
	struct ds_space sp = { 0 };
	struct statvfs sv;
	long fd, max = sysconf(_SC_OPEN_MAX);

	for (fd = 0; fd < (max > 0 ? max : 1024); fd++)
		if (fd != out)
			close((int)fd);
	if (statvfs(dir, &sv))
		sp.err = errno ? errno : EIO;
	else {
		sp.capacity = (unsigned long long)sv.f_blocks * sv.f_frsize;
		sp.free_space = (unsigned long long)sv.f_bavail * sv.f_frsize;
	}
	_exit(write(out, &sp, sizeof(sp)) == sizeof(sp) ? 0 : 1);
}

static int probe_start(struct ds_probe *p, const char *dir)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (!pid)
		probe_child(dir, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	p->pid = pid;
	p->fd = fds[0];
	p->started_ms = now_ms();
	p->overdue = false;
	return 0;
}

/* Wait up to wait_ms for p's answer: 0 when it came (or the probe died). */
static int probe_collect(struct ds_probe *p, int wait_ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	struct ds_space sp;
	ssize_t n;
	int r;

	while ((r = poll(&pfd, 1, wait_ms)) < 0 && errno == EINTR)
		;
	if (!r)
		return -1;
	n = read(p->fd, &sp, sizeof(sp));
	if (n != (ssize_t)sizeof(sp))
		sp.err = EIO;		/* it died without answering */
	else
		p->last_ms = now_ms();
	if (!sp.err)
		p->last = sp;
	else
		p->last.err = sp.err;
	close(p->fd);
	/* it has answered or closed its pipe: it is exiting, not stuck */
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
	return 0;
}

/*
 * The space of datastore name (its folder dir): false when it is not
 * accessible (statvfs failed or has not answered in time). Without an
 * answer now, *sp is the last one's space, if any.
 */
static bool ds_space(const char *name, const char *dir, struct ds_space *sp)
{
	struct ds_probe *p = probe_slot(name);
	uint64_t waited;
	int wait_ms = 0;

	memset(sp, 0, sizeof(*sp));
	if (!p) {
		fprintf(stderr, "vmk-hostd: datastore %s: %d others are not answering: "
			"reported inaccessible without asking\n", name, DS_PROBES_MAX);
		return false;
	}
	if (!p->pid && probe_start(p, dir)) {
		fprintf(stderr, "vmk-hostd: datastore %s: cannot start its statvfs: %s\n", name,
			strerror(errno));
		return false;
	}
	waited = now_ms() - p->started_ms;
	if (!p->overdue && waited < hostd.ds_wait_ms)
		wait_ms = (int)(hostd.ds_wait_ms - waited);
	if (probe_collect(p, wait_ms)) {
		if (!p->overdue && p->last_ms)
			fprintf(stderr, "vmk-hostd: datastore %s: statvfs(%s) has not answered in "
				"%u ms (pid %d): inaccessible until it does; its space as of %llu s "
				"ago\n", name, dir, hostd.ds_wait_ms, (int)p->pid,
				(unsigned long long)(now_ms() - p->last_ms) / 1000);
		else if (!p->overdue)
			fprintf(stderr, "vmk-hostd: datastore %s: statvfs(%s) has not answered in "
				"%u ms (pid %d): inaccessible until it does\n", name, dir,
				hostd.ds_wait_ms, (int)p->pid);
		p->overdue = true;
		sp->capacity = p->last.capacity;
		sp->free_space = p->last.free_space;
		return false;
	}
	if (p->overdue)
		fprintf(stderr, "vmk-hostd: datastore %s: statvfs(%s) answered after %llu s\n",
			name, dir, (unsigned long long)(now_ms() - p->started_ms) / 1000);
	p->overdue = false;
	*sp = p->last;
	return !p->last.err;
}

void ds_probes_stop(void)
{
	size_t i;

	for (i = 0; i < DS_PROBES_MAX; i++)
		if (probes[i].pid) {
			kill(probes[i].pid, SIGKILL);	/* gone when its file system wakes */
			close(probes[i].fd);
			probes[i].pid = 0;
		}
}

/* The VMs whose .vmx is on datastore name. */
static int ds_vms(struct soap_call *c, const char *name, xmlNodePtr array)
{
	char mine[DS_NAME_MAX], id[16];
	size_t i;

	if (call_vms(c))
		return -1;
	for (i = 0; i < c->nvms; i++) {
		if (!ds_of_path(c, c->vms[i].vmx_path, mine, sizeof(mine)) || strcmp(mine, name))
			continue;
		snprintf(id, sizeof(id), "%u", c->vms[i].id);
		ob_ref(array, "ManagedObjectReference", "VirtualMachine", id);
	}
	return 0;
}

/* What both kinds show; the caller adds info. */
static void ds_common(xmlNodePtr obj, const char *name, const char *url, const char *path,
		      const char *type, unsigned long long capacity, unsigned long long free_space,
		      bool accessible, bool read_write)
{
	xmlNodePtr s, mount, mi;

	ob_str(obj, "name", name);
	ob_ref(obj, "parent", "Folder", "ha-folder-datastore");
	ob_value(obj, "overallStatus", "ManagedEntityStatus", accessible ? "green" : "red");
	ob_value(obj, "configStatus", "ManagedEntityStatus", "green");
	s = ob_complex(obj, "summary", "DatastoreSummary");
	ob_ref(s, "datastore", "Datastore", name);
	ob_str(s, "name", name);
	ob_str(s, "url", url);
	ob_value(s, "capacity", "xsd:long", "%llu", capacity);
	ob_value(s, "freeSpace", "xsd:long", "%llu", free_space);
	ob_bool(s, "accessible", accessible);
	ob_bool(s, "multipleHostAccess", false);
	ob_str(s, "type", type);
	ob_str(s, "maintenanceMode", "normal");
	mount = ob_complex(ob_array(obj, "host", "DatastoreHostMount"), "DatastoreHostMount",
			   "DatastoreHostMount");
	ob_ref(mount, "key", "HostSystem", "ha-host");
	mi = ob_complex(mount, "mountInfo", "HostMountInfo");
	ob_str(mi, "path", path);
	ob_str(mi, "accessMode", read_write ? "readWrite" : "readOnly");
	ob_bool(mi, "mounted", true);
	ob_bool(mi, "accessible", accessible);
	ob_ref(obj, "browser", "HostDatastoreBrowser", "ha-host-datastorebrowser");
}

/*
 * A VMFS volume of the vmkernel as ESXi shows one: VmfsDatastoreInfo with
 * its HostVmfsVolume. Its path is /vmfs/volumes/LABEL, the name
 * scsi0:N.fileName and vmkfstools give it (ESXi's url has the UUID; the
 * label is what vmk's paths name).
 */
static int vmfs_tree(struct soap_call *c, const struct hostd_datastore *ds, xmlNodePtr obj)
{
	char path[HOSTD_PATH_LEN], url[HOSTD_PATH_LEN + 8];
	xmlNodePtr info, v, ext;

	snprintf(path, sizeof(path), "/vmfs/volumes/%s", ds->name);
	snprintf(url, sizeof(url), "ds://%s/", path);
	ds_common(obj, ds->name, url, path, "VMFS", ds->capacity, ds->free_bytes, true,
		  ds->read_write);
	info = ob_complex(obj, "info", "VmfsDatastoreInfo");
	ob_str(info, "name", ds->name);
	ob_str(info, "url", url);
	ob_value(info, "freeSpace", "xsd:long", "%llu", (unsigned long long)ds->free_bytes);
	ob_value(info, "maxFileSize", "xsd:long", "%llu", (unsigned long long)ds->free_bytes);
	v = ob_complex(info, "vmfs", "HostVmfsVolume");
	ob_str(v, "type", "VMFS");
	ob_str(v, "name", ds->name);
	ob_value(v, "capacity", "xsd:long", "%llu", (unsigned long long)ds->capacity);
	ob_value(v, "blockSizeMb", "xsd:int", "%u", ds->block_size >> 20);
	ob_value(v, "maxBlocks", "xsd:int", "%llu", (unsigned long long)ds->capacity /
		 (ds->block_size ? ds->block_size : 1));
	ob_value(v, "majorVersion", "xsd:int", "3");
	ob_value(v, "version", "xsd:string", "3");
	ob_str(v, "uuid", ds->uuid);
	/* the vmkernel makes volumes on whole LUNs: partition 0, as vmkfstools names it */
	ext = ob_complex(ob_array(v, "extent", "HostScsiDiskPartition"), "HostScsiDiskPartition",
			 "HostScsiDiskPartition");
	ob_value(ext, "diskName", "xsd:string", "vmhba0:C0:T%u:L%u", ds->target, ds->lun);
	ob_value(ext, "partition", "xsd:int", "0");
	ob_bool(v, "vmfsUpgradable", false);
	ob_bool(v, "local", true);
	return ds_vms(c, ds->name, ob_array(obj, "vm", "ManagedObjectReference"));
}

int datastore_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	const struct hostd_datastore *vmfs = call_vmfs(c, mo->value);
	char dir[HOSTD_PATH_LEN], url[HOSTD_PATH_LEN + 8];
	xmlNodePtr info;
	struct ds_space sp;
	bool accessible;

	if (vmfs)
		return vmfs_tree(c, vmfs, obj);
	if (c->fault.type)
		return -1;
	if (!ds_dir(mo->value, dir, sizeof(dir)))
		return soap_fail_not_found(c, mo);
	accessible = ds_space(mo->value, dir, &sp);
	/* as ESXi writes it: ds:///vmfs/volumes/UUID/ */
	snprintf(url, sizeof(url), "ds://%s/", dir);
	ds_common(obj, mo->value, url, dir, DS_TYPE, sp.capacity, sp.free_space, accessible, true);
	/* a local file system's, as govmomi's simulator says of its own */
	info = ob_complex(obj, "info", "LocalDatastoreInfo");
	ob_str(info, "name", mo->value);
	ob_str(info, "url", url);
	ob_value(info, "freeSpace", "xsd:long", "%llu", sp.free_space);
	ob_value(info, "maxFileSize", "xsd:long", "%llu", sp.free_space);
	ob_str(info, "path", dir);
	return ds_vms(c, mo->value, ob_array(obj, "vm", "ManagedObjectReference"));
}
