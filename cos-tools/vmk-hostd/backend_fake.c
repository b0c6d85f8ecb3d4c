// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake backend (--fake-backend): a host with three VMs kept in memory
 * (and those registered or created later, up to FAKE_VMS_MAX),
 * for host tests and for trying clients without a vmkernel. Powering a VM
 * on or off changes only this table; the daemon sees it through the same
 * interface as the vmkernel's. The guest of "build" has no ACPI power
 * button handler (ShutdownGuest is refused there); the others shut down at
 * once when it is pressed. Two port groups: "VM Network" on vswitch0, as
 * the vmkernel makes at load (with an e1000 uplink), and "Backup" on an
 * internal switch; web has
 * a NIC on the one (a generated MAC), db one on each (the first static),
 * build one on "Old Lab", a port group the host does not have (any more).
 * One VMFS datastore, "vmfs1" (1 GiB, read-write), on which folders and
 * disks are made, sized and deleted as the vmkernel does it: names and
 * sizes are kept, a thick disk takes its size from the free space (and
 * gives it back when deleted), and the vmkernel's refusals (a file that
 * exists, a missing folder, no room, a folder not empty) are its own; no
 * VM holds a disk here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "backend.h"

#define FAKE_VMS_MAX	16
#define FAKE_FILES_MAX	32	/* folders and disks made on vmfs1 */
#define FAKE_DS		"vmfs1"

struct fake {
	struct hostd_vm vms[FAKE_VMS_MAX];
	bool acpi_off[FAKE_VMS_MAX];	/* the guest ignores its power button */
	size_t count;
	uint32_t next_id;
	uint64_t boot_time;
	char files[FAKE_FILES_MAX][HOSTD_VDISK_PATH_LEN];	/* "[vmfs1] dir", "[vmfs1] dir/x.vmdk" */
	uint64_t size[FAKE_FILES_MAX];		/* a disk's bytes; 0: a folder */
	uint64_t taken[FAKE_FILES_MAX];		/* of ds_free: a thick disk's */
	size_t nfiles;
	uint64_t ds_free;
};

static struct fake fake = {
	.vms = {
		{ .id = 1, .name = "web", .power = HOSTD_POWERED_ON, .mem_mb = 128,
		  .vcpus = 2, .vmx_path = "/vmfs/volumes/datastore1/web/web.vmx",
		  .nic = { { .present = true, .dev = "e1000", .network = "VM Network",
			     .has_mac = true, .mac = { 0x00, 0x0c, 0x29, 0x12, 0x34, 0x56 } } } },
		{ .id = 2, .name = "db", .power = HOSTD_POWERED_OFF, .mem_mb = 256,
		  .vcpus = 1, .vmx_path = "/vmfs/volumes/datastore1/db/db.vmx",
		  .nic = { { .present = true, .dev = "e1000", .network = "VM Network",
			     .is_static = true, .has_mac = true,
			     .mac = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x02 } },
			   { .present = true, .dev = "e1000", .network = "Backup" } } },
		{ .id = 3, .name = "build", .power = HOSTD_POWERED_ON, .mem_mb = 64,
		  .vcpus = 1, .vmx_path = "/vmfs/volumes/datastore1/build/build.vmx",
		  .nic = { { .present = true, .dev = "e1000", .network = "Old Lab" } } },
	},
	.acpi_off = { false, false, true },
	.count = 3,
	.next_id = 4,
	.ds_free = 900ull << 20,
};

static uint32_t fake_cpu_mhz(void *ctx)
{
	(void)ctx;
	return 2000;
}

static int fake_host_info(void *ctx, struct hostd_host *host, struct diag *diag)
{
	struct fake *f = ctx;

	(void)diag;
	memset(host, 0, sizeof(*host));
	snprintf(host->name, sizeof(host->name), "vmk-fake");
	snprintf(host->cpu_model, sizeof(host->cpu_model), "AMD EPYC Processor (fake)");
	host->cpus = 2;
	host->cpu_mhz = fake_cpu_mhz(ctx);
	host->mem_bytes = 2048ull << 20;
	host->boot_time = f->boot_time;
	host->vmkernel_running = 1;
	return 0;
}

static int fake_vm_list(void *ctx, struct hostd_vm *vms, size_t *count, struct diag *diag)
{
	struct fake *f = ctx;
	size_t i;

	(void)diag;
	for (i = 0; i < f->count; i++) {
		vms[i] = f->vms[i];
		/* a guest that runs uses its memory and some CPU */
		if (vms[i].power == HOSTD_POWERED_ON) {
			vms[i].mem_pages = (uint64_t)vms[i].mem_mb * 256;
			vms[i].cpu_time_us = ((uint64_t)time(NULL) - vms[i].boot_time) * 10000;
		}
	}
	*count = f->count;
	return 0;
}

/* The index of VM id, or -1 with the vmkernel's sentence in diag. */
static int fake_find(const struct fake *f, uint32_t id, struct diag *diag)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->vms[i].id == id)
			return (int)i;
	diag_add(diag, "no VM with id %u", id);
	return -1;
}

static int fake_vm_power(void *ctx, const struct hostd_vm *listed, enum hostd_power_op op,
			 struct diag *diag)
{
	struct fake *f = ctx;
	int i = fake_find(f, listed->id, diag);
	struct hostd_vm *vm;

	if (i < 0)
		return -1;
	vm = &f->vms[i];
	if (op == HOSTD_OP_SHUTDOWN && f->acpi_off[i]) {
		diag_add(diag,
			 "vm '%s' has no ACPI power button handler (booted with acpi=off, or not up yet?)",
			 vm->name);
		return HOSTD_NO_GUEST_SUPPORT;
	}
	switch (op) {
	case HOSTD_OP_POWER_ON:
	case HOSTD_OP_RESET:
		vm->power = HOSTD_POWERED_ON;
		vm->boot_time = (uint64_t)time(NULL);
		break;
	case HOSTD_OP_POWER_OFF:
	case HOSTD_OP_SHUTDOWN:		/* this guest powers off at once */
		vm->power = HOSTD_POWERED_OFF;
		vm->boot_time = 0;
		snprintf(vm->reason, sizeof(vm->reason),
			 op == HOSTD_OP_SHUTDOWN ? "guest powered off" : "powered off by a client");
		break;
	}
	return 0;
}

static int fake_vm_unregister(void *ctx, uint32_t id, struct diag *diag)
{
	struct fake *f = ctx;
	int i = fake_find(f, id, diag);

	if (i < 0)
		return -1;
	if (f->vms[i].power == HOSTD_POWERED_ON) {
		diag_add(diag, "vm '%s' is running", f->vms[i].name);
		return -1;
	}
	f->count--;
	memmove(&f->vms[i], &f->vms[i + 1], (f->count - (size_t)i) * sizeof(f->vms[0]));
	memmove(&f->acpi_off[i], &f->acpi_off[i + 1], (f->count - (size_t)i) * sizeof(f->acpi_off[0]));
	return 0;
}

/* A registered .vmx joins the table, powered off, under the next id. */
static int fake_vm_register(void *ctx, const char *path, const struct hostd_vm *vm, uint32_t *id,
			    struct diag *diag)
{
	struct fake *f = ctx;
	struct hostd_vm *n = &f->vms[f->count];

	if (f->count == FAKE_VMS_MAX) {
		diag_add(diag, "the fake backend holds %d VMs at most", FAKE_VMS_MAX);
		return -1;
	}
	*n = *vm;
	n->id = *id = f->next_id++;
	n->power = HOSTD_POWERED_OFF;
	snprintf(n->vmx_path, sizeof(n->vmx_path), "%s", path);
	f->acpi_off[f->count++] = false;
	return 0;
}

/* The .vmx is written as with the vmkernel; the three built in have none. */
static int fake_vm_reconfig(void *ctx, uint32_t id, const struct vmx_set *sets, size_t n,
			    struct diag *diag)
{
	struct fake *f = ctx;
	int i = fake_find(f, id, diag);

	return i < 0 ? -1 : hostd_vm_reconfig(&f->vms[i], sets, n, diag);
}

static const struct hostd_net fake_nets[] = {
	{ .name = "VM Network", .vswitch = "vswitch0", .switch_ports_used = 3,
	  .uplink = { .present = true, .pci_bdf = 2 << 3, .driver = "e1000", .mbps = 1000,
		      .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } } },
	{ .name = "Backup", .vswitch = "internal0", .vlan = 20, .switch_ports_used = 1 },
};

static int fake_net_list(void *ctx, struct hostd_net *nets, size_t *count, struct diag *diag)
{
	(void)ctx;
	(void)diag;
	*count = sizeof(fake_nets) / sizeof(fake_nets[0]);
	memcpy(nets, fake_nets, sizeof(fake_nets));
	return 0;
}

/* vmhba0, a PVSCSI adapter at 03:00.0, as the lab's QEMU has it */
static int fake_hba_list(void *ctx, struct hostd_hba *hba, size_t *count, struct diag *diag)
{
	(void)ctx;
	(void)diag;
	memset(hba, 0, sizeof(*hba));
	snprintf(hba->name, sizeof(hba->name), "vmhba0");
	snprintf(hba->driver, sizeof(hba->driver), "pvscsi");
	hba->pci_bdf = 3 << 8;
	*count = 1;
	return 0;
}

static int fake_ds_list(void *ctx, struct hostd_datastore *ds, size_t *count, struct diag *diag)
{
	struct fake *f = ctx;

	(void)diag;
	memset(ds, 0, sizeof(*ds));
	snprintf(ds->name, sizeof(ds->name), FAKE_DS);
	snprintf(ds->uuid, sizeof(ds->uuid), "5f0c1a2b-3c4d5e6f-7a8b-0c0d0e0f1011");
	ds->capacity = 1ull << 30;
	ds->free_bytes = f->ds_free;
	ds->block_size = 1u << 20;
	ds->read_write = true;
	ds->target = 1;
	*count = 1;
	return 0;
}

/* The index of the file path's first len bytes name, or -1. */
static int fake_file(const struct fake *f, const char *path, size_t len)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strlen(f->files[i]) == len && !strncmp(f->files[i], path, len))
			return (int)i;
	return -1;
}

static bool fake_has(const struct fake *f, const char *path, size_t len)
{
	return fake_file(f, path, len) >= 0;
}

/* path ("[vmfs1] dir" or "[vmfs1] dir/x.vmdk") can be made: 0, or -1 with the vmkernel's sentence. */
static int fake_can_make(struct fake *f, const char *path, struct diag *diag)
{
	const char *slash = strrchr(path, '/');

	if (strncmp(path, "[" FAKE_DS "] ", strlen(FAKE_DS) + 3)) {
		diag_add(diag, "%s: no datastore of that label is mounted", path);
		return -1;
	}
	if (fake_has(f, path, strlen(path))) {
		diag_add(diag, "%s: exists already", path);
		return -1;
	}
	if (slash && !fake_has(f, path, (size_t)(slash - path))) {
		diag_add(diag, "%s: its folder is missing", path);
		return -1;
	}
	if (f->nfiles == FAKE_FILES_MAX) {
		diag_add(diag, "%s: the fake datastore holds %d files at most", path, FAKE_FILES_MAX);
		return -1;
	}
	return 0;
}

static int fake_ds_mkdir(void *ctx, const char *path, struct diag *diag)
{
	struct fake *f = ctx;

	if (fake_can_make(f, path, diag))
		return -1;
	f->size[f->nfiles] = f->taken[f->nfiles] = 0;
	snprintf(f->files[f->nfiles++], HOSTD_VDISK_PATH_LEN, "%s", path);
	return 0;
}

static int fake_vdisk_create(void *ctx, const struct hostd_vdisk *disk, struct diag *diag)
{
	struct fake *f = ctx;

	if (fake_can_make(f, disk->path, diag))
		return -1;
	if (disk->format != HOSTD_VDISK_THIN && disk->size > f->ds_free) {
		diag_add(diag, "%s: no space: %llu MiB free on datastore " FAKE_DS, disk->path,
			 (unsigned long long)(f->ds_free >> 20));
		return -1;
	}
	f->taken[f->nfiles] = disk->format != HOSTD_VDISK_THIN ? disk->size : 0;
	f->ds_free -= f->taken[f->nfiles];
	f->size[f->nfiles] = disk->size;
	snprintf(f->files[f->nfiles++], HOSTD_VDISK_PATH_LEN, "%s", disk->path);
	return 0;
}

/* The disk (disk) or folder (!disk) at path: its index, or -1 with the vmkernel's sentence. */
static int fake_lookup(const struct fake *f, const char *path, bool disk, struct diag *diag)
{
	int i = fake_file(f, path, strlen(path));

	if (i < 0)
		diag_add(diag, "%s: no such file on the datastore", path);
	else if (disk != (f->size[i] != 0))
		diag_add(diag, "%s: %s", path, disk ? "not a file" : "not a folder");
	else
		return i;
	return -1;
}

static int fake_vdisk_size(void *ctx, const char *path, uint64_t *size, struct diag *diag)
{
	struct fake *f = ctx;
	int i = fake_lookup(f, path, true, diag);

	if (i < 0)
		return -1;
	*size = f->size[i];
	return 0;
}

/* Forget file i: what a thick disk took is free again. */
static void fake_remove(struct fake *f, size_t i)
{
	f->ds_free += f->taken[i];
	f->nfiles--;
	memmove(f->files[i], f->files[i + 1], (f->nfiles - i) * sizeof(f->files[0]));
	memmove(&f->size[i], &f->size[i + 1], (f->nfiles - i) * sizeof(f->size[0]));
	memmove(&f->taken[i], &f->taken[i + 1], (f->nfiles - i) * sizeof(f->taken[0]));
}

static int fake_vdisk_delete(void *ctx, const char *path, struct diag *diag)
{
	struct fake *f = ctx;
	int i = fake_lookup(f, path, true, diag);

	if (i < 0)
		return -1;
	fake_remove(f, (size_t)i);
	return 0;
}

static int fake_ds_rmdir(void *ctx, const char *path, struct diag *diag)
{
	struct fake *f = ctx;
	size_t len = strlen(path);
	int i = fake_lookup(f, path, false, diag);

	if (i < 0)
		return -1;
	for (size_t j = 0; j < f->nfiles; j++) {
		if (!strncmp(f->files[j], path, len) && f->files[j][len] == '/') {
			diag_add(diag, "%s: the folder is not empty (vmkfstools -U its disks)", path);
			return -1;
		}
	}
	fake_remove(f, (size_t)i);
	return 0;
}

static struct hostd_backend fake_backend = {
	.name = "fake",
	.ctx = &fake,
	.host_info = fake_host_info,
	.cpu_mhz = fake_cpu_mhz,
	.vm_list = fake_vm_list,
	.vm_power = fake_vm_power,
	.vm_unregister = fake_vm_unregister,
	.vm_register = fake_vm_register,
	.vm_reconfig = fake_vm_reconfig,
	.net_list = fake_net_list,
	.ds_list = fake_ds_list,
	.hba_list = fake_hba_list,
	.ds_mkdir = fake_ds_mkdir,
	.vdisk_create = fake_vdisk_create,
	.vdisk_size = fake_vdisk_size,
	.vdisk_delete = fake_vdisk_delete,
	.ds_rmdir = fake_ds_rmdir,
};

const struct hostd_backend *backend_fake_open(void)
{
	size_t i;

	fake.boot_time = (uint64_t)time(NULL);
	for (i = 0; i < fake.count; i++)
		if (fake.vms[i].power == HOSTD_POWERED_ON)
			fake.vms[i].boot_time = fake.boot_time;
	return &fake_backend;
}
