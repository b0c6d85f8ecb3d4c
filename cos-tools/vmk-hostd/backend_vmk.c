// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real backend: the vmkernel's VMs, port groups, datastores and
 * virtual disks through /dev/vmkernel, with
 * vmkctl's own client code (cos-tools/vmkdev/). The device is opened for each
 * call and closed again, since an open /dev/vmkernel keeps vmkload in use
 * and the operator must stay able to unload it while vmk-hostd runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmkctl/inventory.h"
#include "cos-tools/vmkctl/vm_start.h"
#include "cos-tools/vmkdev/vmkdev.h"
#include "backend.h"

static int vmk_open(struct diag *diag)
{
	return vmkdev_open("vmk-hostd", diag);
}

/*
 * "model name" and "cpu MHz" of the first CPU in /proc/cpuinfo, read
 * once: every request asks for the host, and the kernel formats all of
 * /proc/cpuinfo for each read (on the host, under bench/hostd's client
 * load, 7 % of the daemon's time went there). Requests run one at a
 * time (http.c's request lock).
 */
static void cpuinfo(struct hostd_host *host)
{
	static char model[sizeof(host->cpu_model)];
	static uint32_t cpu_mhz;
	static bool read;
	char line[256];
	double mhz;
	FILE *f;

	if (!read && (f = fopen("/proc/cpuinfo", "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (!model[0] && sscanf(line, "model name : %63[^\n]", model) == 1)
				continue;
			if (!cpu_mhz && sscanf(line, "cpu MHz : %lf", &mhz) == 1)
				cpu_mhz = (uint32_t)mhz;
		}
		fclose(f);
		read = true;
	}
	memcpy(host->cpu_model, model, sizeof(host->cpu_model));
	host->cpu_mhz = cpu_mhz;
}

static uint32_t vmk_cpu_mhz(void *ctx)
{
	struct hostd_host host;

	(void)ctx;
	cpuinfo(&host);
	return host.cpu_mhz;
}

static int vmk_host_info(void *ctx, struct hostd_host *host, struct diag *diag)
{
	struct diag unloaded = { 0 };
	struct vmk_module_info mi;
	struct sysinfo si;
	int fd;

	(void)ctx;
	(void)diag;
	memset(host, 0, sizeof(*host));
	if (gethostname(host->name, sizeof(host->name) - 1))
		snprintf(host->name, sizeof(host->name), "localhost");
	cpuinfo(host);
	host->cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (!sysinfo(&si)) {
		host->mem_bytes = (uint64_t)si.totalram * si.mem_unit;
		host->boot_time = (uint64_t)time(NULL) - (uint64_t)si.uptime;
	}
	fd = vmk_open(&unloaded);
	diag_free(&unloaded);
	if (fd < 0)
		return 0;	/* a host without its vmkernel is still a host */
	if (!ioctl(fd, VMK_IOC_MODULE_INFO, &mi))
		host->vmkernel_running = !!mi.active;
	close(fd);
	return 0;
}

static void vm_of_info(const struct vmk_vm_info *in, struct hostd_vm *vm)
{
	vm->kernel_id = in->id;
	snprintf(vm->name, sizeof(vm->name), "%.*s", VMK_VM_NAME_LEN, in->name);
	vm->power = in->state == VMK_VM_STATE_RUNNING ? HOSTD_POWERED_ON : HOSTD_POWERED_OFF;
	vm->mem_mb = in->mem_mb;
	vm->vcpus = in->vcpus;
	if (vm->power == HOSTD_POWERED_ON)
		vm->boot_time = (uint64_t)time(NULL) - in->uptime_us / 1000000;
	vm->cpu_time_us = in->cpu_time_us;
	vm->mem_pages = in->mem_pages;
	snprintf(vm->reason, sizeof(vm->reason), "%.*s", VMK_VM_MSG_LEN, in->reason);
}

/*
 * A registered VM's moref: its .vmx path hashed (FNV-1a) to 31 bits, so
 * that it is the same whether the vmkernel holds the VM or not and across
 * starts (which make the vmkernel's VM anew), as ESXi keeps a VM's vmid
 * while it is registered; 31 bits, as libvirt reads it as a positive
 * domain id. A VM only the vmkernel has keeps the vmkernel's id. A value
 * taken already by a VM listed before moves on to the next free one.
 */
static uint32_t moref_unique(const struct hostd_vm *vms, size_t n, uint32_t want)
{
	for (size_t i = 0; i < n; i++) {
		if (vms[i].id == want) {
			want = want % 0x7fffffffu + 1;
			i = (size_t)-1;		/* look again from the start */
		}
	}
	return want;
}

static uint32_t moref_of_path(const char *path)
{
	uint32_t h = 2166136261u;

	for (; *path; path++)
		h = (h ^ (uint8_t)*path) * 16777619u;
	h &= 0x7fffffffu;
	return h ? h : 1;
}

/* "the inventory: " and what inventory.c said (in inv_diag, freed) into diag. */
static void inventory_failed(struct diag *inv_diag, struct diag *diag)
{
	char why[INVENTORY_PATH_MAX];

	diag_join(inv_diag, why, sizeof(why));
	diag_free(inv_diag);
	diag_add(diag, "the inventory: %.140s", why);
}

static int inventory_read(struct inventory **inv, struct diag *diag)
{
	struct diag inv_diag = { 0 };

	*inv = malloc(sizeof(**inv));
	if (!*inv) {
		diag_add(diag, "out of memory");
		return -1;
	}
	if (!inventory_load(inventory_file(), *inv, &inv_diag))
		return 0;
	inventory_failed(&inv_diag, diag);
	free(*inv);
	*inv = NULL;
	return -1;
}

/*
 * /dev/vmkernel into *fd, or -1 there when vmkload is not loaded (no
 * /dev/vmkernel: what the open said does not reach diag, where it would
 * stand before a later error of the same request). 0, or -1 with diag
 * when the device is there but cannot be used.
 */
static int vmk_open_if_loaded(int *fd, struct diag *diag)
{
	struct diag opened = { 0 };
	int ret = 0;

	*fd = vmk_open(&opened);
	if (*fd < 0 && errno != ENOENT) {
		diag_move(diag, &opened);
		ret = -1;
	}
	diag_free(&opened);
	return ret;
}

/* The vmkernel's VMs; none when it is not loaded. */
static int kernel_vms(struct vmk_vm_info **all, uint32_t *n, struct diag *diag)
{
	int fd, ret;

	*all = NULL;
	*n = 0;
	if (vmk_open_if_loaded(&fd, diag))
		return -1;
	if (fd < 0)
		return 0;
	ret = vmkdev_vm_list(fd, all, n, diag);
	close(fd);
	return ret;
}

/*
 * What a listing keeps of the files it read (the inventory, each .vmx),
 * so that a request reads a file only when it changed since: a stat
 * instead of an open, a read and a parse (a listing of one VM on the
 * host: 63,000 instructions and 14 system calls, kept 3,400 and 3, the
 * stats and the open of /dev/vmkernel). The vmkernel's state
 * is never kept: it is asked at every listing, as vmkctl asks it.
 *
 * A file is taken as unchanged while its device, inode, size, mtime and
 * ctime are. A write in the same tick of the file system's clock as the
 * read kept, to the same size (a rename onto it may even reuse the
 * inode), would leave all five as they were: so a file is kept only once
 * its ctime is FILE_SETTLED_NS older than the clock before its stat (as
 * git's "racy" index entries); any later write sets a ctime that differs.
 * Until then it is read at each listing. Requests run one at a time
 * (http.c's request lock).
 */
#define FILE_SETTLED_NS		2000000000LL	/* more than a tick of any file system's clock */

struct file_key {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
};

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * path's key into *key (zeroed, so that keys compare with memcmp). True
 * when the file may be kept: stat'ed and settled.
 */
static bool file_key(const char *path, struct file_key *key)
{
	struct timespec now;
	struct stat st;

	memset(key, 0, sizeof(*key));
	if (clock_gettime(CLOCK_REALTIME, &now) || stat(path, &st))
		return false;
	key->dev = st.st_dev;
	key->ino = st.st_ino;
	key->size = st.st_size;
	key->mtim = st.st_mtim;
	key->ctim = st.st_ctim;
	return ts_ns(&st.st_ctim) + FILE_SETTLED_NS <= ts_ns(&now);
}

/* The inventory for a listing: kept while its file is unchanged. NULL with diag. */
static const struct inventory *inventory_kept(struct diag *diag)
{
	static struct inventory inv;	/* 64 KiB: not on the stack */
	static struct file_key kept_key;
	static bool kept;
	struct diag inv_diag = { 0 };
	struct file_key key;
	bool settled = file_key(inventory_file(), &key);

	if (kept && settled && !memcmp(&key, &kept_key, sizeof(key)))
		return &inv;
	kept = false;
	if (inventory_load(inventory_file(), &inv, &inv_diag)) {
		inventory_failed(&inv_diag, diag);
		return NULL;
	}
	kept_key = key;
	kept = settled;
	return &inv;
}

/*
 * A registered VM as its .vmx gives it (the vmkernel's fields clear),
 * the one at the same place in the inventory: a listing's last reading,
 * while the file is unchanged.
 */
static struct vm_kept {
	bool kept;
	struct file_key key;
	struct hostd_vm vm;	/* its vmx_path: the file's */
} vm_kept[INVENTORY_MAX];

/*
 * The registered VM of the .vmx at path, index i of the inventory, into
 * *vm: its name, file, memory and vCPUs (what the next start takes) and
 * devices. -1 when the file does not load (left out of the listing;
 * vmkctl vm list shows why).
 */
static int vm_of_file(size_t i, const char *path, struct hostd_vm *vm)
{
	struct vm_kept *k = i < INVENTORY_MAX ? &vm_kept[i] : NULL;
	struct diag skipped = { 0 };
	struct file_key key;
	bool settled = file_key(path, &key);
	struct vm_file vf;
	int bad;

	if (k && k->kept && settled && !memcmp(&key, &k->key, sizeof(key)) &&
	    !strcmp(k->vm.vmx_path, path)) {
		*vm = k->vm;
		return 0;
	}
	if (k)
		k->kept = false;
	bad = vm_file_load(path, &vf, &skipped);
	diag_free(&skipped);
	if (bad)
		return -1;
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->name, sizeof(vm->name), "%s", vf.cfg.display_name);
	snprintf(vm->vmx_path, sizeof(vm->vmx_path), "%s", path);
	vm->mem_mb = vf.cfg.memsize_mib;
	vm->vcpus = vf.cfg.numvcpus;
	hostd_vm_devices(vm, &vf.cfg);
	vm_file_free(&vf);
	if (k && settled && !strcmp(vm->vmx_path, path)) {
		k->vm = *vm;
		k->key = key;
		k->kept = true;
	}
	return 0;
}

/*
 * What the vmkernel has of the registered VM vm (from its .vmx), found
 * by name; its name stays the .vmx's, and while it is off, its memory
 * and vCPUs (what the next start takes: ReconfigVM_Task may have changed
 * them).
 */
static void vm_join_kernel(struct hostd_vm *vm, const struct vmk_vm_info *all, uint32_t n,
			   bool *listed)
{
	char name[sizeof(vm->name)];
	uint32_t mem_mb = vm->mem_mb, vcpus = vm->vcpus;

	for (uint32_t k = 0; k < n; k++) {
		if (!listed[k] && !strncmp(all[k].name, vm->name, VMK_VM_NAME_LEN)) {
			memcpy(name, vm->name, sizeof(name));
			vm_of_info(&all[k], vm);
			memcpy(vm->name, name, sizeof(name));
			if (vm->power != HOSTD_POWERED_ON) {
				vm->mem_mb = mem_mb;
				vm->vcpus = vcpus;
			}
			listed[k] = true;
			return;
		}
	}
}

static int vmk_vm_list(void *ctx, struct hostd_vm *vms, size_t *count, struct diag *diag)
{
	const struct inventory *inv;
	struct vmk_vm_info *all;
	bool *listed = NULL;
	size_t c = 0;
	uint32_t n;

	(void)ctx;
	*count = 0;
	inv = inventory_kept(diag);
	if (!inv || kernel_vms(&all, &n, diag))
		return -1;
	listed = calloc(n ? n : 1, sizeof(*listed));
	if (!listed) {
		diag_add(diag, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < inv->count && c < HOSTD_VMS_MAX; i++) {
		if (vm_of_file(i, inv->path[i], &vms[c]))
			continue;
		vm_join_kernel(&vms[c], all, n, listed);
		vms[c].id = moref_unique(vms, c, moref_of_path(inv->path[i]));
		c++;
	}
	for (uint32_t k = 0; k < n && c < HOSTD_VMS_MAX; k++) {
		if (listed[k])
			continue;
		memset(&vms[c], 0, sizeof(vms[c]));
		vm_of_info(&all[k], &vms[c]);
		vms[c].id = moref_unique(vms, c, all[k].id);
		c++;
	}
	*count = c;
out:
	free(listed);
	free(all);
	return listed ? 0 : -1;
}

/* The VM of moref id into *vm (from a fresh list), or -1 with a sentence. */
static int vm_lookup(uint32_t id, struct hostd_vm *vm, struct diag *diag)
{
	struct hostd_vm *vms = calloc(HOSTD_VMS_MAX, sizeof(*vms));
	size_t n, i;
	int ret = -1;

	if (!vms) {
		diag_add(diag, "out of memory");
		return -1;
	}
	if (!vmk_vm_list(NULL, vms, &n, diag)) {
		for (i = 0; i < n && vms[i].id != id; i++)
			;
		if (i < n) {
			*vm = vms[i];
			ret = 0;
		} else {
			diag_add(diag, "no VM %u", id);
		}
	}
	free(vms);
	return ret;
}

/* PowerOn of a registered VM: `vmkctl vm start` (vm_start.c). */
static int vm_start_file(int fd, const struct hostd_vm *vm, struct diag *diag)
{
	struct vm_file vf;
	bool running;
	uint32_t id;
	int ret;

	if (vm_file_load(vm->vmx_path, &vf, diag))
		return -1;
	ret = vm_file_record_identity(vm->vmx_path, &vf, diag) ||
	      vm_start(fd, &vf.cfg, &id, &running, diag);
	vm_file_free(&vf);
	if (!ret) {
		/* a ReconfigVM_Task since the file was read: the VM runs, say so */
		struct diag follow = { 0 };

		if (vm_start_follow_sched(fd, vm->vmx_path, &follow))
			diag_report(&follow, "vmk-hostd: vm '%s' started, but not with its .vmx's newest CPU allocation: ",
				    vm->name);
		diag_free(&follow);
	}
	return ret ? -1 : 0;
}

static int vmk_vm_power(void *ctx, const struct hostd_vm *vm, enum hostd_power_op op,
			struct diag *diag)
{
	static const uint32_t ops[] = {
		[HOSTD_OP_POWER_ON] = VMK_VM_OP_POWER_ON,
		[HOSTD_OP_POWER_OFF] = VMK_VM_OP_KILL,
		[HOSTD_OP_RESET] = VMK_VM_OP_RESET,
		[HOSTD_OP_SHUTDOWN] = VMK_VM_OP_STOP,
	};
	int fd, ret;

	(void)ctx;
	if (op != HOSTD_OP_POWER_ON && !vm->kernel_id) {
		diag_add(diag, "vm '%s' is not running", vm->name);
		return -1;
	}
	fd = vmk_open(diag);
	if (fd < 0)
		return -1;
	if (op == HOSTD_OP_POWER_ON && vm->vmx_path[0])
		ret = vm_start_file(fd, vm, diag);
	else
		ret = vmkdev_vm_op(fd, vm->kernel_id, ops[op], diag);
	/* VMK_NOT_SUPPORTED: the guest has not enabled its power button */
	if (ret && op == HOSTD_OP_SHUTDOWN && errno == EOPNOTSUPP)
		ret = HOSTD_NO_GUEST_SUPPORT;
	close(fd);
	return ret;
}

/*
 * As `vmkctl vm unregister`: the vmkernel forgets the VM (it refuses one
 * that runs), then its .vmx leaves the inventory (the file stays).
 */
static int vmk_vm_unregister(void *ctx, uint32_t id, struct diag *diag)
{
	struct diag inv_diag = { 0 };
	char why[INVENTORY_PATH_MAX];
	struct inventory *inv;
	struct hostd_vm vm;
	int fd, ret = 0, lock;

	(void)ctx;
	if (vm_lookup(id, &vm, diag))
		return -1;
	/* the lock first: a VM the vmkernel let go stays in the inventory only on a write error */
	lock = vm.vmx_path[0] ? inventory_lock(inventory_file(), INVENTORY_LOCK_WAIT_MS, &inv_diag) : -1;
	if (vm.vmx_path[0] && lock < 0) {
		inventory_failed(&inv_diag, diag);
		return -1;
	}
	if (vm.kernel_id) {
		fd = vmk_open(diag);
		ret = fd < 0 ? -1 : vmkdev_vm_op(fd, vm.kernel_id, VMK_VM_OP_DESTROY, diag);
		if (fd >= 0)
			close(fd);
	}
	if (ret || !vm.vmx_path[0]) {
		inventory_unlock(lock);
		return ret;
	}
	if (inventory_read(&inv, diag)) {
		inventory_unlock(lock);
		return -1;
	}
	inventory_remove(inv, vm.vmx_path);
	ret = inventory_save(inventory_file(), inv, &inv_diag);
	inventory_unlock(lock);
	free(inv);
	if (!ret)
		return 0;
	diag_join(&inv_diag, why, sizeof(why));
	diag_free(&inv_diag);
	diag_add(diag, "the vmkernel let '%.32s' go; the inventory: %.80s", vm.name, why);
	return -1;
}

/* As `vmkctl vm register`: the .vmx joins the inventory. */
static int vmk_vm_register(void *ctx, const char *path, const struct hostd_vm *vm, uint32_t *id,
			   struct diag *diag)
{
	struct diag inv_diag = { 0 };
	struct hostd_vm *vms;
	struct inventory *inv;
	size_t n, i;
	int ret, lock;

	(void)ctx;
	lock = inventory_lock(inventory_file(), INVENTORY_LOCK_WAIT_MS, &inv_diag);
	if (lock < 0) {
		inventory_failed(&inv_diag, diag);
		return -1;
	}
	if (inventory_read(&inv, diag)) {
		inventory_unlock(lock);
		return -1;
	}
	ret = inventory_add(inv, path, &inv_diag);
	if (!ret)
		ret = inventory_save(inventory_file(), inv, &inv_diag);
	inventory_unlock(lock);
	free(inv);
	if (ret) {
		inventory_failed(&inv_diag, diag);
		return -1;
	}
	vms = calloc(HOSTD_VMS_MAX, sizeof(*vms));
	if (!vms)
		diag_add(diag, "out of memory");
	ret = vms ? vmk_vm_list(NULL, vms, &n, diag) : -1;
	for (i = 0; !ret && i < n && strcmp(vms[i].vmx_path, path); i++)
		;
	if (!ret && i == n) {
		diag_add(diag, "'%s' was registered but is not listed", vm->name);
		ret = -1;
	}
	if (!ret)
		*id = vms[i].id;
	free(vms);
	return ret;
}

/*
 * The port groups of every switch, as `vmkctl network` lists them; none
 * when the vmkernel is not loaded (as kernel_vms()).
 */
_Static_assert(HOSTD_SWITCH_PORTS == VMK_NET_MAX_PORTS, "a switch's ports");

static int vmk_net_list(void *ctx, struct hostd_net *nets, size_t *count, struct diag *diag)
{
	struct vmk_net_info *ni;
	uint32_t start = 0;
	size_t c = 0;
	int fd, ret = 0;

	(void)ctx;
	*count = 0;
	if (vmk_open_if_loaded(&fd, diag))
		return -1;
	if (fd < 0)
		return 0;
	ni = malloc(sizeof(*ni));
	if (!ni) {
		diag_add(diag, "out of memory");
		ret = -1;
	}
	do {
		if (ret || vmkdev_net_info(fd, start, ni, diag)) {
			ret = -1;
			break;
		}
		for (uint32_t i = 0; i < ni->ngroups && i < VMK_NET_MAX_GROUPS; i++) {
			const struct vmk_net_group *g = &ni->group[i];

			if (c == HOSTD_NETS_MAX)
				break;
			/* the table is kept between requests (soap.c): whole entries */
			memset(&nets[c], 0, sizeof(nets[c]));
			snprintf(nets[c].name, sizeof(nets[c].name), "%.*s", VMK_NET_NAME_LEN - 1, g->name);
			snprintf(nets[c].vswitch, sizeof(nets[c].vswitch), "%.*s", VMK_NET_NAME_LEN - 1,
				 g->vswitch);
			nets[c].vlan = g->vlan;
			nets[c].switch_ports_used = ni->nports;
			nets[c].uplink.present = ni->uplink.state == VMK_NET_UPLINK_RUNNING;
			nets[c].uplink.pci_bdf = ni->uplink.pci_bdf;
			snprintf(nets[c].uplink.driver, sizeof(nets[c].uplink.driver), "%.15s",
				 ni->uplink.driver);
			memcpy(nets[c].uplink.mac, ni->uplink.mac, sizeof(nets[c].uplink.mac));
			nets[c++].uplink.mbps = ni->uplink.link_mbps;
		}
		start = ni->next;
	} while (start);
	*count = ret ? 0 : c;
	free(ni);
	close(fd);
	return ret;
}

/*
 * The vmkernel's datastore list (VMK_IOC_STORAGE_DATASTORES) or its
 * adapter's (VMK_IOC_STORAGE_LIST), malloc'd (large: not on the stack);
 * NULL with *ret 0 when it is not loaded, -1 with diag when asking failed.
 */
static void *vmk_storage_ask(bool datastores, int *ret, struct diag *diag)
{
	void *l;
	int fd;

	*ret = vmk_open_if_loaded(&fd, diag);
	if (*ret || fd < 0)
		return NULL;
	l = malloc(datastores ? sizeof(struct vmk_datastore_list) : sizeof(struct vmk_storage_list));
	if (!l) {
		diag_add(diag, "out of memory");
		*ret = -1;
	} else {
		*ret = datastores ? vmkdev_datastores(fd, l, diag) : vmkdev_storage_list(fd, l, diag);
	}
	close(fd);
	if (*ret) {
		free(l);
		l = NULL;
	}
	return l;
}

/* vmhba0 while the vmkernel drives it (`vmkctl storage`: running). */
static int vmk_hba_list(void *ctx, struct hostd_hba *hba, size_t *count, struct diag *diag)
{
	int ret;
	struct vmk_storage_list *l = vmk_storage_ask(false, &ret, diag);

	(void)ctx;
	*count = 0;
	if (l && l->state == VMK_STORAGE_RUNNING) {
		memset(hba, 0, sizeof(*hba));
		snprintf(hba->name, sizeof(hba->name), "%.*s", (int)sizeof(l->name), l->name);
		snprintf(hba->driver, sizeof(hba->driver), "%.*s", (int)sizeof(l->driver), l->driver);
		hba->pci_bdf = l->pci_bdf;
		*count = 1;
	}
	free(l);
	return ret;
}

/*
 * The mounted VMFS volumes, as `vmkctl storage datastores` lists them;
 * none when the vmkernel is not loaded or drives no adapter. A label
 * longer than a datastore name may be is left out, said on stderr.
 */
static int vmk_ds_list(void *ctx, struct hostd_datastore *ds, size_t *count, struct diag *diag)
{
	int ret;
	struct vmk_datastore_list *l = vmk_storage_ask(true, &ret, diag);
	size_t c = 0;

	(void)ctx;
	*count = 0;
	for (uint32_t i = 0; l && l->adapter_state == VMK_STORAGE_RUNNING && i < l->n &&
	     i < VMK_STORAGE_MAX_LUNS && c < HOSTD_DATASTORES_MAX; i++) {
		const struct vmk_datastore *d = &l->ds[i];
		size_t len = strnlen(d->label, sizeof(d->label));

		if (d->state != VMK_DATASTORE_MOUNTED)
			continue;
		if (len >= sizeof(ds[c].name)) {
			fprintf(stderr, "vmk-hostd: datastore %.*s: a label of %zu characters is "
				"longer than vmk-hostd's %zu: left out\n", (int)len, d->label, len,
				sizeof(ds[c].name) - 1);
			continue;
		}
		memset(&ds[c], 0, sizeof(ds[c]));
		memcpy(ds[c].name, d->label, len);
		snprintf(ds[c].uuid, sizeof(ds[c].uuid), "%.*s", VMK_DATASTORE_UUID_LEN - 1, d->uuid);
		ds[c].capacity = d->capacity;
		ds[c].free_bytes = d->free_bytes;
		ds[c].block_size = d->block_size;
		ds[c].read_write = d->read_write;
		ds[c].target = d->target;
		ds[c].lun = d->lun;
		c++;
	}
	free(l);
	*count = c;
	return ret;
}

/*
 * VMK_IOC_STORAGE_VDISK for v (its path filled): the vmkernel makes it,
 * an eagerzeroedthick disk zeroed in its steps before the answer (the
 * request waits: about 50 MiB/s under the lab's TCG).
 */
static int vmk_vdisk_request(struct vmk_storage_vdisk *v, struct diag *diag)
{
	int fd = vmk_open(diag), ret, e;

	if (fd < 0)
		return -1;
	ret = vmkdev_vdisk(fd, v, diag);
	if (!ret && v->blocks_left)
		ret = vmkdev_vdisk_zero(fd, v, NULL, NULL, diag);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

static int vdisk_path(struct vmk_storage_vdisk *v, const char *path, struct diag *diag)
{
	if (strlen(path) < sizeof(v->path)) {
		memcpy(v->path, path, strlen(path) + 1);
		return 0;
	}
	diag_add(diag, "%s: a datastore path is at most %zu characters", path, sizeof(v->path) - 1);
	return -1;
}

/* A VMK_VDISK_OP_* that takes only a path. */
static int vmk_path_op(uint32_t op, const char *path, struct diag *diag)
{
	struct vmk_storage_vdisk v = { .op = op };

	return vdisk_path(&v, path, diag) ? -1 : vmk_vdisk_request(&v, diag);
}

static int vmk_ds_mkdir(void *ctx, const char *path, struct diag *diag)
{
	(void)ctx;
	return vmk_path_op(VMK_VDISK_OP_MKDIR, path, diag);
}

static int vmk_vdisk_create(void *ctx, const struct hostd_vdisk *disk, struct diag *diag)
{
	static const uint32_t formats[] = {
		[HOSTD_VDISK_THIN] = VMK_VDISK_THIN,
		[HOSTD_VDISK_ZEROEDTHICK] = VMK_VDISK_ZEROEDTHICK,
		[HOSTD_VDISK_EAGERZEROEDTHICK] = VMK_VDISK_EAGERZEROEDTHICK,
	};
	struct vmk_storage_vdisk v = {
		.op = VMK_VDISK_OP_CREATE, .size = disk->size, .format = formats[disk->format],
	};

	(void)ctx;
	snprintf(v.adapter, sizeof(v.adapter), "%s", disk->adapter);
	return vdisk_path(&v, disk->path, diag) ? -1 : vmk_vdisk_request(&v, diag);
}

static int vmk_vdisk_size(void *ctx, const char *path, uint64_t *size, struct diag *diag)
{
	struct vmk_storage_vdisk v = { .op = VMK_VDISK_OP_STAT };

	(void)ctx;
	if (vdisk_path(&v, path, diag) || vmk_vdisk_request(&v, diag))
		return -1;
	*size = v.size;
	return 0;
}

static int vmk_vdisk_delete(void *ctx, const char *path, struct diag *diag)
{
	(void)ctx;
	return vmk_path_op(VMK_VDISK_OP_DELETE, path, diag);
}

static int vmk_ds_rmdir(void *ctx, const char *path, struct diag *diag)
{
	(void)ctx;
	return vmk_path_op(VMK_VDISK_OP_RMDIR, path, diag);
}

static int vmk_vm_reconfig(void *ctx, uint32_t id, const struct vmx_set *sets, size_t n,
			   struct diag *diag)
{
	struct hostd_vm vm;
	struct vmx_file now;
	size_t written;
	bool live;
	int fd, ret;

	(void)ctx;
	if (vm_lookup(id, &vm, diag))
		return -1;
	if (vm.power != HOSTD_POWERED_ON || !vm.vmx_path[0])
		return hostd_vm_reconfig(&vm, sets, n, diag);
	/* reconfig.c sent only sched.cpu.* keys: the running VM takes them too */
	fd = vmk_open(diag);
	if (fd < 0)
		return -1;
	ret = vm_reconfig_sched(fd, vm.vmx_path, sets, n, &now, &written, &live, diag);
	close(fd);
	if (!ret)
		vmx_file_free(&now);
	return ret;
}

static const struct hostd_backend vmk_backend = {
	.name = "vmkernel",
	.host_info = vmk_host_info,
	.cpu_mhz = vmk_cpu_mhz,
	.vm_list = vmk_vm_list,
	.vm_power = vmk_vm_power,
	.vm_unregister = vmk_vm_unregister,
	.vm_register = vmk_vm_register,
	.net_list = vmk_net_list,
	.ds_list = vmk_ds_list,
	.hba_list = vmk_hba_list,
	.ds_mkdir = vmk_ds_mkdir,
	.vdisk_create = vmk_vdisk_create,
	.vdisk_size = vmk_vdisk_size,
	.vdisk_delete = vmk_vdisk_delete,
	.ds_rmdir = vmk_ds_rmdir,
	.vm_reconfig = vmk_vm_reconfig,
};

const struct hostd_backend *backend_vmk_open(void)
{
	return &vmk_backend;
}
