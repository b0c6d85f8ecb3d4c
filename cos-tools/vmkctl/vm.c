// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl vm: VMs from .vmx files. The inventory (inventory.h) lists the
 * registered .vmx files; a VM is known to the vmkernel from `start` until
 * the next `start`, `unregister` or `vmkctl unload` (so `info` still shows
 * why it stopped). The ioctls are those of include/vmk/ioctl.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmx/vmx.h"
#include "inventory.h"
#include "vmkctl.h"

#define STOP_WAIT_S	60
#define STOP_EXIT_TIMEOUT 3	/* vm stop: asked, still running at the timeout */

static const char *const exit_kind_names[VMK_VM_EXIT_KINDS] = {
	"io", "mmio", "msr", "cpuid", "hlt", "intr", "vintr", "other",
};

const char *vm_state_name(uint32_t state)
{
	switch (state) {
	case VMK_VM_STATE_OFF: return "off";
	case VMK_VM_STATE_RUNNING: return "running";
	case VMK_VM_STATE_ERROR: return "error";
	default: return "unknown";
	}
}

uint64_t vm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vm_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int vm_list_all(int fd, struct vmk_vm_info **infos, uint32_t *count)
{
	char err[ERR_LEN];

	if (!vmkdev_vm_list(fd, infos, count, err, sizeof(err)))
		return 0;
	fprintf(stderr, "vmkctl: %s\n", err);
	return -1;
}

/* 1 and info if the vmkernel has a VM of that name, 0 if not, -1 on error. */
static int vm_by_name(int fd, const char *name, struct vmk_vm_info *info)
{
	struct vmk_vm_info *all;
	uint32_t n, i;
	int found = 0;

	if (vm_list_all(fd, &all, &n))
		return -1;
	for (i = 0; i < n && !found; i++) {
		if (!strncmp(all[i].name, name, VMK_VM_NAME_LEN)) {
			*info = all[i];
			found = 1;
		}
	}
	free(all);
	return found;
}

static int vm_op(int fd, uint32_t id, uint32_t op, const char *what, const char *name)
{
	char err[ERR_LEN];

	if (!vmkdev_vm_op(fd, id, op, err, sizeof(err)))
		return 0;
	fprintf(stderr, "vmkctl: vm %s %s: %s\n", what, name, err);
	return -1;
}

/* ---- .vmx files and the inventory ---- */

struct vm_file {
	struct vmx_file file;
	struct vmx_config cfg;
};

static int vm_file_load(const char *path, struct vm_file *vf, bool quiet)
{
	struct vmx_diag diag = { 0 };
	int ret;

	memset(vf, 0, sizeof(*vf));
	ret = vmx_load(path, &vf->file, &diag);
	if (!ret)
		ret = vmx_config_from_file(&vf->file, &vf->cfg, &diag);
	if (ret && !quiet)
		for (size_t i = 0; i < diag.count; i++)
			fprintf(stderr, "%s\n", diag.msgs[i]);
	vmx_diag_free(&diag);
	if (ret)
		vmx_file_free(&vf->file);
	return ret;
}

static int inventory_read(struct inventory *inv)
{
	char err[ERR_LEN];

	if (inventory_load(inventory_file(), inv, err, sizeof(err))) {
		fprintf(stderr, "vmkctl: inventory: %s\n", err);
		return -1;
	}
	return 0;
}

static int inventory_write(const struct inventory *inv)
{
	char err[ERR_LEN];

	if (inventory_save(inventory_file(), inv, err, sizeof(err))) {
		fprintf(stderr, "vmkctl: inventory: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * The registered .vmx whose displayName is name, or whose path is name.
 * Returns its index with vf loaded, or -1 (message printed).
 */
static int inventory_lookup(const struct inventory *inv, const char *name,
			    struct vm_file *vf)
{
	for (size_t i = 0; i < inv->count; i++) {
		if (vm_file_load(inv->path[i], vf, true))
			continue;
		if (!strcmp(vf->cfg.display_name, name) || !strcmp(inv->path[i], name))
			return (int)i;
		vmx_file_free(&vf->file);
	}
	fprintf(stderr, "vmkctl: no registered VM '%s' (vmkctl vm list; vmkctl vm register FILE.vmx)\n",
		name);
	return -1;
}

static int cmd_vm_register(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	char abs[PATH_MAX], err[ERR_LEN];
	struct vm_file vf;
	int clash, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm register FILE.vmx\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv))
		goto out;
	if (!realpath(argv[1], abs)) {
		fprintf(stderr, "vmkctl: vm register: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	if (vm_file_load(abs, &vf, false)) {
		fprintf(stderr, "vmkctl: vm register: %s is not a usable .vmx (see above)\n", abs);
		goto out;
	}
	if (strlen(vf.cfg.display_name) >= VMK_VM_NAME_LEN) {
		fprintf(stderr, "vmkctl: vm register: displayName '%s' is longer than %d characters\n",
			vf.cfg.display_name, VMK_VM_NAME_LEN - 1);
		goto free_vf;
	}
	clash = inventory_find_name(inv, vf.cfg.display_name);
	if (clash >= 0 && strcmp(inv->path[clash], abs)) {
		fprintf(stderr, "vmkctl: vm register: a VM named '%s' is already registered (%s)\n",
			vf.cfg.display_name, inv->path[clash]);
		goto free_vf;
	}
	if (inventory_add(inv, abs, err, sizeof(err))) {
		fprintf(stderr, "vmkctl: vm register: %s\n", err);
		goto free_vf;
	}
	if (inventory_write(inv))
		goto free_vf;
	printf("registered %s (%s)\n", vf.cfg.display_name, abs);
	ret = 0;
free_vf:
	vmx_file_free(&vf.file);
out:
	free(inv);
	return ret;
}

static int cmd_vm_unregister(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct vmk_vm_info info;
	struct vm_file vf;
	int idx, fd, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm unregister NAME\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv))
		goto out;
	idx = inventory_lookup(inv, argv[1], &vf);
	if (idx < 0)
		goto out;
	/* The vmkernel may hold the VM (running, or stopped with its reason). */
	fd = access(VMK_DEVICE, F_OK) ? -1 : vmkctl_open();
	if (fd >= 0) {
		int found = vm_by_name(fd, vf.cfg.display_name, &info);

		if (found > 0 && info.state == VMK_VM_STATE_RUNNING) {
			fprintf(stderr, "vmkctl: vm unregister: %s is running: stop or kill it first\n",
				vf.cfg.display_name);
			close(fd);
			goto free_vf;
		}
		if (found > 0 && vm_op(fd, info.id, VMK_VM_OP_DESTROY, "unregister",
				       vf.cfg.display_name)) {
			close(fd);
			goto free_vf;
		}
		close(fd);
	}
	inventory_remove(inv, inv->path[idx]);
	if (inventory_write(inv))
		goto free_vf;
	printf("unregistered %s\n", vf.cfg.display_name);
	ret = 0;
free_vf:
	vmx_file_free(&vf.file);
out:
	free(inv);
	return ret;
}

static int cmd_vm_list(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct vmk_vm_info *all = NULL;
	bool *listed = NULL;
	uint32_t n = 0, k;
	struct vm_file vf;
	int fd = -1, ret = 1;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vmkctl vm list\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv))
		goto out;
	if (!access(VMK_DEVICE, F_OK)) {
		fd = vmkctl_open();
		if (fd < 0 || vm_list_all(fd, &all, &n))
			goto out;
		listed = calloc(n ? n : 1, sizeof(*listed));
		if (!listed) {
			fprintf(stderr, "vmkctl: vm list: out of memory\n");
			goto out;
		}
	}
	printf("%-20s %-8s %5s %7s  %s\n", "NAME", "STATE", "VCPUS", "MEM-MB", "CONFIG");
	for (size_t i = 0; i < inv->count; i++) {
		const char *state = fd < 0 ? "-" : "off";

		if (vm_file_load(inv->path[i], &vf, true)) {
			printf("%-20s %-8s %5s %7s  %s\n", "?", "bad-vmx", "-", "-", inv->path[i]);
			continue;
		}
		for (k = 0; k < n; k++) {
			if (!strncmp(all[k].name, vf.cfg.display_name, VMK_VM_NAME_LEN)) {
				state = vm_state_name(all[k].state);
				listed[k] = true;
			}
		}
		printf("%-20s %-8s %5u %7u  %s\n", vf.cfg.display_name, state,
		       vf.cfg.numvcpus, vf.cfg.memsize_mib, inv->path[i]);
		vmx_file_free(&vf.file);
	}
	for (k = 0; k < n; k++)
		if (!listed[k])
			printf("%-20.*s %-8s %5u %7u  %s\n", VMK_VM_NAME_LEN, all[k].name,
			       vm_state_name(all[k].state), all[k].vcpus, all[k].mem_mb,
			       "(not registered)");
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(listed);
	free(all);
	free(inv);
	return ret;
}

/* ---- start ---- */

/* The CPU's clock in MHz from /proc/cpuinfo, 0 if unknown. */
static unsigned int cpu_mhz(void)
{
	char line[256];
	double mhz = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (unsigned int)mhz;
}

/* sched.cpu.min/max (MHz) as the vmkernel's percent of one CPU. */
static int mhz_to_pct(unsigned int mhz, unsigned int cpu, uint32_t *pct)
{
	uint64_t p;

	if (!mhz) {
		*pct = 0;
		return 0;
	}
	if (!cpu)
		return -1;
	p = ((uint64_t)mhz * 100 + cpu - 1) / cpu;
	*pct = p ? (uint32_t)p : 1;
	return 0;
}

/*
 * ethernet0's MAC when the .vmx gives none: VMware's OUI for generated
 * addresses, 00:0C:29, and the last three bytes of uuid.bios (a hash of
 * displayName when there is no UUID), as vsw_mac_generate() does for
 * NIC 0 (docs/network.md "MAC addresses"). Not written back yet.
 */
static void nic_mac_generate(const struct vmx_config *c, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	if (c->has_uuid) {
		h = (uint32_t)c->uuid[13] << 16 | (uint32_t)c->uuid[14] << 8 | c->uuid[15];
	} else {
		for (const char *p = c->display_name; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
	}
	mac[0] = 0x00;
	mac[1] = 0x0c;
	mac[2] = 0x29;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int nic_config_of(const struct vmx_config *c, struct vmk_vm_nic *n)
{
	if (!c->ethernet0_present)
		return 0;
	if (strcmp(c->ethernet0_dev, "e1000")) {
		fprintf(stderr, "vmkctl: vm start: ethernet0.virtualDev \"%s\" is not emulated by vmk (use \"e1000\")\n",
			c->ethernet0_dev);
		return -1;
	}
	n->model = VMK_VM_NIC_E1000;
	if (c->ethernet0_has_mac)
		memcpy(n->mac, c->ethernet0_mac, sizeof(n->mac));
	else
		nic_mac_generate(c, n->mac);
	snprintf(n->network, sizeof(n->network), "%s",
		 c->ethernet0_network ? c->ethernet0_network : "VM Network");
	return 0;
}

/*
 * scsi0 and its disks: a pvscsi adapter, scsi0:N a LUN of the vmkernel's
 * HBA mapped raw as target N (vmkfs virtual disks are not wired to VMs
 * yet).
 */
static int scsi_config_of(const struct vmx_config *c, struct vmk_vm_config *vc)
{
	if (!c->scsi0_present)
		return 0;
	if (strcmp(c->scsi0_dev, "pvscsi")) {
		fprintf(stderr, "vmkctl: vm start: scsi0.virtualDev \"%s\" is not emulated by vmk (use \"pvscsi\")\n",
			c->scsi0_dev);
		return -1;
	}
	vc->scsi0 = VMK_VM_SCSI_PVSCSI;
	for (unsigned int n = 0; n < VMX_SCSI_DISKS && n < VMK_VM_MAX_DISKS; n++) {
		const char *f = c->scsi0_file[n];

		if (!f)
			continue;
		if (!vmx_is_lun_name(f)) {
			fprintf(stderr, "vmkctl: vm start: scsi0:%u.fileName \"%s\": vmkfs virtual disks are not wired to VMs yet; name a LUN of `vmkctl storage luns` (vmhba0:C0:T1:L0) to map it raw\n",
				n, f);
			return -1;
		}
		snprintf(vc->disk[n].lun, sizeof(vc->disk[n].lun), "%s", f);
	}
	return 0;
}

static int vm_config_of(const struct vmx_config *c, struct vmk_vm_config *vc)
{
	unsigned int cpu = cpu_mhz();

	memset(vc, 0, sizeof(*vc));
	snprintf(vc->name, sizeof(vc->name), "%s", c->display_name);
	vc->mem_mb = c->memsize_mib;
	vc->vcpus = c->numvcpus;
	vc->boot = c->boot == VMX_BOOT_LINUX ? VMK_VM_BOOT_LINUX :
		   c->boot == VMX_BOOT_BIOS ? VMK_VM_BOOT_BIOS : VMK_VM_BOOT_MULTIBOOT;
	vc->sched_shares = c->cpu_shares;
	vc->sched_affinity = c->cpu_affinity;
	vc->devices = c->debug_exit ? VMK_VM_DEV_DEBUG_EXIT : 0;
	if (c->has_uuid)
		memcpy(vc->uuid, c->uuid, sizeof(vc->uuid));
	if (nic_config_of(c, &vc->nic[0]) || scsi_config_of(c, vc))
		return -1;
	if (mhz_to_pct(c->cpu_min_mhz, cpu, &vc->sched_min_pct) ||
	    mhz_to_pct(c->cpu_max_mhz == VMX_CPU_UNLIMITED ? 0 : c->cpu_max_mhz, cpu,
		       &vc->sched_max_pct)) {
		fprintf(stderr, "vmkctl: vm start: sched.cpu.min/max are in MHz, but /proc/cpuinfo gives no 'cpu MHz'\n");
		return -1;
	}
	return 0;
}

static int read_file(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	*data = NULL;
	if (!f || fstat(fileno(f), &st)) {
		fprintf(stderr, "vmkctl: vm start: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (st.st_size > (off_t)VMK_VM_IMG_MAX) {
		fprintf(stderr, "vmkctl: vm start: %s is larger than the %u MiB a VM image may have\n",
			path, VMK_VM_IMG_MAX >> 20);
		fclose(f);
		return -1;
	}
	*size = (size_t)st.st_size;
	*data = malloc(*size ? *size : 1);
	if (!*data || fread(*data, 1, *size, f) != *size) {
		fprintf(stderr, "vmkctl: vm start: reading %s failed\n", path);
		free(*data);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int load_image(int fd, uint32_t id, uint32_t what, const char *data,
		      size_t size, const char *what_name, const char *name)
{
	struct vmk_ioc_vm_load l;
	size_t off = 0;

	do {
		memset(&l, 0, sizeof(l));
		l.id = id;
		l.what = what;
		l.total = (uint32_t)size;
		l.offset = (uint32_t)off;
		l.len = (uint32_t)(size - off < VMK_IOC_VM_PIECE ? size - off : VMK_IOC_VM_PIECE);
		l.data = (uintptr_t)(data + off);
		if (ioctl(fd, VMK_IOC_VM_LOAD, &l) < 0) {
			fprintf(stderr, "vmkctl: vm start %s: loading the %s: %s\n", name,
				what_name, l.msg[0] ? l.msg : strerror(errno));
			return -1;
		}
		off += l.len;
	} while (off < size);
	return 0;
}

static int load_file_image(int fd, uint32_t id, uint32_t what, const char *path,
			   const char *what_name, const char *name)
{
	char *data;
	size_t size;
	int ret;

	if (read_file(path, &data, &size))
		return -1;
	ret = load_image(fd, id, what, data, size, what_name, name);
	free(data);
	return ret;
}

/* The BIOS of vmk.boot = "bios": Debian's SeaBIOS (package seabios). */
#define VMKCTL_FIRMWARE	"/usr/share/seabios/bios-256k.bin"
/* With vmk.kernel, the option ROM SeaBIOS boots it with (qemu-system-data). */
#define VMKCTL_LINUXBOOT	"/usr/share/qemu/linuxboot_dma.bin"

static int vm_create_and_load(int fd, const struct vmx_config *c, uint32_t *id)
{
	struct vmk_ioc_vm_create cr;

	memset(&cr, 0, sizeof(cr));
	if (vm_config_of(c, &cr.config))
		return -1;
	if (ioctl(fd, VMK_IOC_VM_CREATE, &cr) < 0) {
		fprintf(stderr, "vmkctl: vm start %s: %s\n", c->display_name,
			cr.msg[0] ? cr.msg : strerror(errno));
		return -1;
	}
	*id = cr.id;
	if (c->boot == VMX_BOOT_BIOS &&
	    (load_file_image(fd, *id, VMK_VM_IMG_FIRMWARE, VMKCTL_FIRMWARE,
			     "firmware", c->display_name) ||
	     (c->kernel && load_file_image(fd, *id, VMK_VM_IMG_OPTROM, VMKCTL_LINUXBOOT,
					   "option ROM", c->display_name))))
		return -1;
	if (c->boot == VMX_BOOT_BIOS && !c->kernel)
		return 0;
	if (load_file_image(fd, *id, VMK_VM_IMG_KERNEL, c->kernel, "kernel", c->display_name) ||
	    (c->initrd && load_file_image(fd, *id, VMK_VM_IMG_INITRD, c->initrd,
					  "initrd", c->display_name)) ||
	    (c->cmdline && load_image(fd, *id, VMK_VM_IMG_CMDLINE, c->cmdline,
				      strlen(c->cmdline) + 1, "command line", c->display_name)))
		return -1;
	return 0;
}

static int cmd_vm_start(int argc, char **argv)
{
	struct inventory *inv = malloc(sizeof(*inv));
	struct vmk_vm_info info;
	struct vm_file vf;
	uint32_t id = 0;
	int fd = -1, found, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm start NAME\n");
		free(inv);
		return 2;
	}
	if (!inv || inventory_read(inv) || inventory_lookup(inv, argv[1], &vf) < 0)
		goto out;
	fd = vmkctl_open();
	if (fd < 0)
		goto free_vf;
	found = vm_by_name(fd, vf.cfg.display_name, &info);
	if (found < 0)
		goto free_vf;
	if (found && info.state == VMK_VM_STATE_RUNNING) {
		fprintf(stderr, "vmkctl: vm start %s: already running\n", vf.cfg.display_name);
		goto free_vf;
	}
	/* A stopped one is replaced: start reads the .vmx and images afresh. */
	if (found && vm_op(fd, info.id, VMK_VM_OP_DESTROY, "start", vf.cfg.display_name))
		goto free_vf;
	if (vm_create_and_load(fd, &vf.cfg, &id) ||
	    vm_op(fd, id, VMK_VM_OP_POWER_ON, "start", vf.cfg.display_name)) {
		if (id)
			vm_op(fd, id, VMK_VM_OP_DESTROY, "start (undo)", vf.cfg.display_name);
		goto free_vf;
	}
	printf("started %s (vm %u, %u vCPUs, %u MiB); its console: vmkctl vm console %s (detach: Ctrl-])\n",
	       vf.cfg.display_name, id, vf.cfg.numvcpus, vf.cfg.memsize_mib,
	       vf.cfg.display_name);
	ret = 0;
free_vf:
	vmx_file_free(&vf.file);
out:
	if (fd >= 0)
		close(fd);
	free(inv);
	return ret;
}

/* ---- verbs on a VM the vmkernel has ---- */

/* Opens the device and finds the VM named name; -1 with a message. */
int vm_open_named(const char *name, struct vmk_vm_info *info)
{
	int fd = vmkctl_open(), found;

	if (fd < 0)
		return -1;
	found = vm_by_name(fd, name, info);
	if (found <= 0) {
		if (!found)
			fprintf(stderr, "vmkctl: the vmkernel has no VM '%s' (vmkctl vm start %s)\n",
				name, name);
		close(fd);
		return -1;
	}
	return fd;
}

/* Polls until the VM leaves RUNNING (0, info filled) or seconds pass (-1). */
static int wait_not_running(int fd, struct vmk_vm_info *info, unsigned int seconds)
{
	uint64_t deadline = vm_now_ms() + (uint64_t)seconds * 1000;

	for (;;) {
		if (ioctl(fd, VMK_IOC_VM_INFO, info) < 0)
			return -1;
		if (info->state != VMK_VM_STATE_RUNNING)
			return 0;
		if (vm_now_ms() >= deadline)
			return -1;
		vm_sleep_ms(100);
	}
}

/*
 * Graceful stop: the vmkernel presses the guest's ACPI power button (refused
 * with its sentence when the guest has no handler), then we wait for the VM
 * to be off. Exit 0: off; 1: refused or an error; 2: usage;
 * STOP_EXIT_TIMEOUT: asked, but still running when the timeout ran out.
 */
static int cmd_vm_stop(int argc, char **argv)
{
	struct vmk_vm_info info;
	struct vmk_ioc_vm_op o = { .op = VMK_VM_OP_STOP };
	unsigned int wait = STOP_WAIT_S;
	uint64_t t0;
	int fd, ret = 1;

	if (argc == 4 && !strcmp(argv[2], "--timeout"))
		wait = (unsigned int)atoi(argv[3]);
	else if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm stop NAME [--timeout SECONDS]\n");
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	o.id = info.id;
	t0 = vm_now_ms();
	if (ioctl(fd, VMK_IOC_VM_OP, &o) < 0) {
		fprintf(stderr, "vmkctl: vm stop %s: %s\n", argv[1],
			o.msg[0] ? o.msg : strerror(errno));
		goto out;
	}
	if (!wait) {
		printf("%s: asked the guest to shut down (ACPI power button)\n", argv[1]);
		ret = 0;
		goto out;
	}
	printf("%s: asked the guest to shut down (ACPI power button), waiting up to %u s\n",
	       argv[1], wait);
	fflush(stdout);
	if (wait_not_running(fd, &info, wait)) {
		fprintf(stderr, "vmkctl: vm stop %s: still running after %u s: the guest did not shut down in time (vmkctl vm kill %s)\n",
			argv[1], wait, argv[1]);
		ret = STOP_EXIT_TIMEOUT;
		goto out;
	}
	if (info.state == VMK_VM_STATE_ERROR) {
		fprintf(stderr, "vmkctl: vm stop %s: the vmkernel stopped it with an error: %s\n",
			argv[1], info.reason);
		goto out;
	}
	printf("%s: off after %.1f s (%s)\n", argv[1],
	       (double)(vm_now_ms() - t0) / 1000, info.reason);
	ret = 0;
out:
	close(fd);
	return ret;
}

static int cmd_vm_power(int argc, char **argv, uint32_t op, const char *verb)
{
	struct vmk_vm_info info;
	int fd, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm %s NAME\n", verb);
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	if (op != VMK_VM_OP_RESET || info.state == VMK_VM_STATE_RUNNING) {
		struct vmk_ioc_vm_op o = { .id = info.id, .op = op };

		if (ioctl(fd, VMK_IOC_VM_OP, &o) < 0) {
			fprintf(stderr, "vmkctl: vm %s %s: %s\n", verb, argv[1],
				o.msg[0] ? o.msg : strerror(errno));
			goto out;
		}
	} else {
		fprintf(stderr, "vmkctl: vm reset %s: it is not running (vmkctl vm start)\n", argv[1]);
		goto out;
	}
	printf("%s: %s\n", argv[1], op == VMK_VM_OP_RESET ? "reset" :
	       op == VMK_VM_OP_DUMP ? "state written to the vmkernel log (vmkctl log)" :
	       "killed (powered off)");
	ret = 0;
out:
	close(fd);
	return ret;
}

static void print_vm_info(const struct vmk_vm_info *in)
{
	unsigned int k;

	printf("name: %.*s\n", VMK_VM_NAME_LEN, in->name);
	printf("id: %u\n", in->id);
	printf("state: %s\n", vm_state_name(in->state));
	printf("reason: %.*s\n", VMK_VM_MSG_LEN, in->reason[0] ? in->reason : "-");
	printf("vcpus: %u\n", in->vcpus);
	printf("vcpus-halted: 0x%x\n", in->vcpus_halted);
	printf("memory-mb: %u\n", in->mem_mb);
	printf("memory-pages-held: %llu\n", (unsigned long long)in->mem_pages);
	printf("boot: %s\n", in->boot == VMK_VM_BOOT_LINUX ? "linux" :
	       in->boot == VMK_VM_BOOT_BIOS ? "bios" : "multiboot");
	printf("shares: %u\n", in->sched_shares);
	printf("min-pct: %u\n", in->sched_min_pct);
	printf("max-pct: %u\n", in->sched_max_pct);
	printf("affinity: ");
	if (!in->sched_affinity) {
		printf("all\n");
	} else {
		for (k = 0; k < 32; k++)
			if (in->sched_affinity & (1u << k))
				printf("%s%u", in->sched_affinity & ((1u << k) - 1) ? "," : "", k);
		printf("\n");
	}
	printf("power-ons: %u\n", in->power_ons);
	printf("uptime-us: %llu\n", (unsigned long long)in->uptime_us);
	printf("cpu-time-us: %llu\n", (unsigned long long)in->cpu_time_us);
	printf("exits: total=%llu", (unsigned long long)in->exits_total);
	for (k = 0; k < VMK_VM_EXIT_KINDS; k++)
		printf(" %s=%llu", exit_kind_names[k], (unsigned long long)in->exits[k]);
	printf("\n");
	printf("console-dropped: %llu\n", (unsigned long long)in->console_dropped);
	printf("unassigned-mmio: %llu\n", (unsigned long long)in->unassigned_mmio);
	printf("unassigned-io-writes: %llu\n", (unsigned long long)in->unassigned_io_writes);
}

static int cmd_vm_info(int argc, char **argv)
{
	struct vmk_vm_info info;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: vmkctl vm info NAME\n");
		return 2;
	}
	fd = vm_open_named(argv[1], &info);
	if (fd < 0)
		return 1;
	print_vm_info(&info);
	close(fd);
	return 0;
}

static int cmd_vm_kill(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_KILL, "kill"); }
static int cmd_vm_reset(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_RESET, "reset"); }
static int cmd_vm_dump(int argc, char **argv) { return cmd_vm_power(argc, argv, VMK_VM_OP_DUMP, "dump"); }

static const struct vm_verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} vm_verbs[] = {
	{ "register", cmd_vm_register, "FILE.vmx: add a VM to the inventory" },
	{ "unregister", cmd_vm_unregister, "NAME: remove it (not while it runs)" },
	{ "list", cmd_vm_list, "registered VMs and their state" },
	{ "start", cmd_vm_start, "NAME: load its kernel and power it on" },
	{ "stop", cmd_vm_stop, "NAME [--timeout S]: graceful stop via the guest" },
	{ "kill", cmd_vm_kill, "NAME: power off at once" },
	{ "reset", cmd_vm_reset, "NAME: hard reset, the guest boots again" },
	{ "info", cmd_vm_info, "NAME: state, reason, vCPUs, memory, CPU time, exits" },
	{ "dump", cmd_vm_dump, "NAME: vCPU registers and interrupt state into vmkctl log" },
	{ "console", cmd_vm_console, "NAME [--send T] [--expect T] [--timeout S]: COM1 (detach: Ctrl-])" },
};

int cmd_vm(int argc, char **argv)
{
	size_t i;

	if (argc >= 2)
		for (i = 0; i < sizeof(vm_verbs) / sizeof(vm_verbs[0]); i++)
			if (!strcmp(argv[1], vm_verbs[i].name))
				return vm_verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage: vmkctl vm VERB [ARGS] (inventory: %s)\n", inventory_file());
	for (i = 0; i < sizeof(vm_verbs) / sizeof(vm_verbs[0]); i++)
		fprintf(stderr, "  %-10s %s\n", vm_verbs[i].name, vm_verbs[i].help);
	return 2;
}
