// SPDX-License-Identifier: GPL-2.0-only
/* Starting a VM from its .vmx: see vm_start.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "cos-tools/vmkdev/vmkdev.h"
#include "vm_start.h"
#include "vmm/boot/boot.h"

int vm_file_load(const char *path, struct vm_file *vf, struct diag *diag)
{
	int ret;

	memset(vf, 0, sizeof(*vf));
	ret = vmx_load(path, &vf->file, diag);
	if (!ret)
		ret = vmx_config_from_file(&vf->file, &vf->cfg, diag);
	if (ret)
		vmx_file_free(&vf->file);
	return ret;
}

/* len bytes from the kernel's random pool: getrandom(2), else /dev/urandom. */
static int random_bytes(uint8_t *buf, size_t len)
{
	ssize_t got = getrandom(buf, len, 0);
	FILE *f;
	size_t n;

	if (got == (ssize_t)len)
		return 0;
	f = fopen("/dev/urandom", "rb");
	if (!f)
		return -1;
	n = fread(buf, 1, len, f);
	fclose(f);
	return n == len ? 0 : -1;
}

int vm_file_record_identity(const char *path, struct vm_file *vf, struct diag *diag)
{
	struct vm_file now;
	uint8_t rnd[16];
	size_t written;
	int ret;

	if (random_bytes(rnd, sizeof(rnd))) {
		diag_add(diag, "no random bytes for a new uuid.bios: %s", strerror(errno));
		return -1;
	}
	ret = vmx_identity_record(path, rnd, &now.file, &written, diag);
	if (!ret)
		ret = vmx_config_from_file(&now.file, &now.cfg, diag);
	if (ret) {
		vmx_file_free(&now.file);
		return -1;
	}
	vm_file_free(vf);
	*vf = now;
	return 0;
}

void vm_file_free(struct vm_file *vf)
{
	vmx_file_free(&vf->file);
}

int vm_find_named(int fd, const char *name, struct vmk_vm_info *info, struct diag *diag)
{
	struct vmk_vm_info *all;
	uint32_t n, i;
	int found = 0;

	if (vmkdev_vm_list(fd, &all, &n, diag))
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

/* sched.cpu.min and .max of c as percent of one CPU (max 0: none). */
static int pct_of(const struct vmx_config *c, unsigned int cpu, uint32_t *min, uint32_t *max,
		  struct diag *diag)
{
	if (mhz_to_pct(c->cpu_min_mhz, cpu, min) ||
	    mhz_to_pct(c->cpu_max_mhz == VMX_CPU_UNLIMITED ? 0 : c->cpu_max_mhz, cpu, max)) {
		diag_add(diag, "sched.cpu.min/max are in MHz, but /proc/cpuinfo gives no 'cpu MHz'");
		return -1;
	}
	return 0;
}

_Static_assert(VMX_NICS == VMK_VM_MAX_NICS, "ethernetN as the vmkernel numbers its vNICs");

/* ethernetN: an e1000 or vmxnet3 on the port group it names, with the MAC it has. */
static int nic_config_of(const struct vmx_config *c, struct vmk_vm_config *vc,
			 struct diag *diag)
{
	for (unsigned int i = 0; i < VMX_NICS; i++) {
		const struct vmx_ethernet *e = &c->ethernet[i];
		struct vmk_vm_nic *n = &vc->nic[i];

		if (!e->present)
			continue;
		if (!strcmp(e->dev, "e1000")) {
			n->model = VMK_VM_NIC_E1000;
		} else if (!strcmp(e->dev, "vmxnet3")) {
			n->model = VMK_VM_NIC_VMXNET3;
		} else {
			diag_add(diag, "ethernet%u.virtualDev \"%s\" is not emulated by vmk (use \"e1000\" or \"vmxnet3\")",
				 i, e->dev);
			return -1;
		}
		/* vm_file_record_identity() wrote a generated one */
		if (!e->has_mac) {
			diag_add(diag, "ethernet%u has no MAC: addressType \"vpx\" is vCenter's to assign and there is no ethernet%u.generatedAddress (use addressType \"generated\", or \"static\" with ethernet%u.address)",
				 i, i, i);
			return -1;
		}
		memcpy(n->mac, e->mac, sizeof(n->mac));
		snprintf(n->network, sizeof(n->network), "%s",
			 e->network ? e->network : VMX_DEFAULT_NETWORK);
	}
	return 0;
}

/*
 * scsi0 and its disks: a pvscsi adapter, scsi0:N as target N: a LUN of
 * the vmkernel's HBA mapped raw, or a virtual disk on a datastore the
 * vmkernel mounted, named by its descriptor ("/vmfs/volumes/LABEL/..."
 * or "[LABEL] ..."); the vmkernel checks the rest at power on.
 */
static int scsi_config_of(const struct vmx_config *c, struct vmk_vm_config *vc,
			  struct diag *diag)
{
	if (!c->scsi0_present)
		return 0;
	if (strcmp(c->scsi0_dev, "pvscsi")) {
		diag_add(diag, "scsi0.virtualDev \"%s\" is not emulated by vmk (use \"pvscsi\")",
			 c->scsi0_dev);
		return -1;
	}
	vc->scsi0 = VMK_VM_SCSI_PVSCSI;
	for (unsigned int n = 0; n < VMX_SCSI_DISKS && n < VMK_VM_MAX_DISKS; n++) {
		const char *f = c->scsi0_file[n];

		if (!f)
			continue;
		if (!vmx_is_lun_name(f) && f[0] != '[' && strncmp(f, "/vmfs/volumes/", 14)) {
			diag_add(diag, "scsi0:%u.fileName \"%s\": name a disk on a datastore (\"/vmfs/volumes/LABEL/DIR/NAME.vmdk\" or \"[LABEL] DIR/NAME.vmdk\") or a LUN of `vmkctl storage luns` (vmhba0:C0:T1:L0)",
				 n, f);
			return -1;
		}
		if (strlen(f) >= sizeof(vc->disk[n].name)) {
			diag_add(diag, "scsi0:%u.fileName is longer than %zu characters",
				 n, sizeof(vc->disk[n].name) - 1);
			return -1;
		}
		snprintf(vc->disk[n].name, sizeof(vc->disk[n].name), "%s", f);
		vc->disk[n].shares = c->scsi0_shares[n];
	}
	return 0;
}

static int vm_config_of(const struct vmx_config *c, struct vmk_vm_config *vc,
			struct diag *diag)
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
	vc->devices = (c->debug_exit ? VMK_VM_DEV_DEBUG_EXIT : 0) |
		      (c->test_dev ? VMK_VM_DEV_TEST_DEV : 0);
	if (c->has_uuid)
		memcpy(vc->uuid, c->uuid, sizeof(vc->uuid));
	if (nic_config_of(c, vc, diag) || scsi_config_of(c, vc, diag))
		return -1;
	return pct_of(c, cpu, &vc->sched_min_pct, &vc->sched_max_pct, diag);
}

static int read_file(const char *path, char **data, size_t *size, struct diag *diag)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	*data = NULL;
	if (!f || fstat(fileno(f), &st)) {
		diag_add(diag, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (st.st_size > (off_t)VMK_VM_IMG_MAX) {
		diag_add(diag, "%s is larger than the %u MiB a VM image may have",
			 path, VMK_VM_IMG_MAX >> 20);
		fclose(f);
		return -1;
	}
	*size = (size_t)st.st_size;
	*data = malloc(*size ? *size : 1);
	if (!*data || fread(*data, 1, *size, f) != *size) {
		diag_add(diag, "reading %s failed", path);
		free(*data);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int load_image(int fd, uint32_t id, uint32_t what, const char *data,
		      size_t size, const char *what_name, struct diag *diag)
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
			diag_add(diag, "loading the %s: %s", what_name,
				 l.msg[0] ? l.msg : strerror(errno));
			return -1;
		}
		off += l.len;
	} while (off < size);
	return 0;
}

static int load_file_image(int fd, uint32_t id, uint32_t what, const char *path,
			   const char *what_name, struct diag *diag)
{
	char *data;
	size_t size;
	int ret;

	if (read_file(path, &data, &size, diag))
		return -1;
	ret = load_image(fd, id, what, data, size, what_name, diag);
	free(data);
	return ret;
}

/* The BIOS of vmk.boot = "bios": Debian's SeaBIOS (package seabios). */
#define VMKCTL_FIRMWARE	"/usr/share/seabios/bios-256k.bin"
/*
 * With vmk.kernel, the option ROM SeaBIOS boots it with (qemu-system-data),
 * picked by the kernel's kind as QEMU's -kernel does: a bzImage's, or else
 * the Multiboot one.
 */
#define VMKCTL_LINUXBOOT	"/usr/share/qemu/linuxboot_dma.bin"
#define VMKCTL_MULTIBOOT	"/usr/share/qemu/multiboot_dma.bin"

static int vm_create_and_load(int fd, const struct vmx_config *c, uint32_t *id,
			      struct diag *diag)
{
	struct vmk_ioc_vm_create cr;
	char *kernel;
	size_t size;
	int ret;

	memset(&cr, 0, sizeof(cr));
	if (vm_config_of(c, &cr.config, diag))
		return -1;
	if (ioctl(fd, VMK_IOC_VM_CREATE, &cr) < 0) {
		diag_add(diag, "%s", cr.msg[0] ? cr.msg : strerror(errno));
		return -1;
	}
	*id = cr.id;
	if (c->boot == VMX_BOOT_BIOS &&
	    load_file_image(fd, *id, VMK_VM_IMG_FIRMWARE, VMKCTL_FIRMWARE, "firmware", diag))
		return -1;
	if (c->boot == VMX_BOOT_BIOS && !c->kernel)
		return 0;
	if (read_file(c->kernel, &kernel, &size, diag))
		return -1;
	ret = (c->boot == VMX_BOOT_BIOS &&
	       load_file_image(fd, *id, VMK_VM_IMG_OPTROM,
			       boot_is_bzimage((const uint8_t *)kernel, size) ?
			       VMKCTL_LINUXBOOT : VMKCTL_MULTIBOOT, "option ROM", diag)) ||
	      load_image(fd, *id, VMK_VM_IMG_KERNEL, kernel, size, "kernel", diag) ||
	      (c->initrd && load_file_image(fd, *id, VMK_VM_IMG_INITRD, c->initrd,
					    "initrd", diag)) ||
	      (c->cmdline && load_image(fd, *id, VMK_VM_IMG_CMDLINE, c->cmdline,
					strlen(c->cmdline) + 1, "command line", diag)) ? -1 : 0;
	free(kernel);
	return ret;
}

int vm_start(int fd, const struct vmx_config *c, uint32_t *id, bool *running,
	     struct diag *diag)
{
	struct vmk_vm_info info;
	int found;

	*id = 0;
	*running = false;
	found = vm_find_named(fd, c->display_name, &info, diag);
	if (found < 0)
		return -1;
	if (found && info.state == VMK_VM_STATE_RUNNING) {
		*running = true;
		diag_add(diag, "already running");
		return -1;
	}
	if (found && vmkdev_vm_op(fd, info.id, VMK_VM_OP_DESTROY, diag))
		return -1;
	if (!vm_create_and_load(fd, c, id, diag) &&
	    !vmkdev_vm_op(fd, *id, VMK_VM_OP_POWER_ON, diag))
		return 0;
	if (*id) {
		struct diag undo = { 0 };	/* the first failure is the one told */

		vmkdev_vm_op(fd, *id, VMK_VM_OP_DESTROY, &undo);
		diag_free(&undo);
		*id = 0;
	}
	return -1;
}

/* The running VM info gets the CPU allocation of c, unless it has it. */
static int set_alloc(int fd, const struct vmk_vm_info *info, const struct vmx_config *c,
		     struct diag *diag)
{
	struct vmk_vm_alloc a = { .id = info->id, .shares = c->cpu_shares };

	if (pct_of(c, cpu_mhz(), &a.min_pct, &a.max_pct, diag))
		return -1;
	if (a.shares == info->sched_shares && a.min_pct == info->sched_min_pct &&
	    a.max_pct == info->sched_max_pct)
		return 0;
	return vmkdev_vm_set_alloc(fd, &a, diag);
}

/* The running VM a .vmx names, if any, takes its sched.cpu.* (under the file's lock). */
struct sched_apply {
	int fd;
	bool live;		/* out: a running VM took them */
};

static int apply_sched(void *ctx, const struct vmx_file *file, struct diag *diag)
{
	struct sched_apply *a = ctx;
	struct vmk_vm_info info;
	struct vmx_config c;
	int found;

	a->live = false;
	if (vmx_config_from_file(file, &c, diag))
		return -1;
	found = vm_find_named(a->fd, c.display_name, &info, diag);
	if (found < 0)
		return -1;
	if (!found || info.state != VMK_VM_STATE_RUNNING)
		return 0;		/* its next start reads the file */
	if (set_alloc(a->fd, &info, &c, diag))
		return -1;
	a->live = true;
	return 0;
}

int vm_reconfig_sched(int fd, const char *path, const struct vmx_set *sets, size_t n,
		      struct vmx_file *now, size_t *written, bool *live, struct diag *diag)
{
	struct sched_apply a = { .fd = fd };
	int ret;

	*live = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(sets[i].key, "sched.cpu.shares") && strcmp(sets[i].key, "sched.cpu.min") &&
		    strcmp(sets[i].key, "sched.cpu.max")) {
			diag_add(diag, "%s: only sched.cpu.shares, .min and .max change with a running VM, not %s",
				 path, sets[i].key);
			memset(now, 0, sizeof(*now));
			*written = 0;
			return -1;
		}
	}
	ret = vmx_set_keys_applied(path, sets, n, apply_sched, &a, now, written, diag);
	*live = !ret && a.live;
	return ret;
}

int vm_start_follow_sched(int fd, const char *path, struct diag *diag)
{
	struct sched_apply a = { .fd = fd };
	struct vmx_file now;
	size_t written;

	if (vmx_set_keys_applied(path, NULL, 0, apply_sched, &a, &now, &written, diag))
		return -1;
	vmx_file_free(&now);
	return 0;
}
