// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl storage: the physical HBA the vmkernel drives and the LUNs its
 * scan found (VMK_IOC_STORAGE_LIST), a rescan of the adapter
 * (VMK_IOC_STORAGE_RESCAN), the VMFS volumes mounted from them as
 * datastores (VMK_IOC_STORAGE_DATASTORES), each running VM's disks with
 * the I/O its guest ran on them (VMK_IOC_VM_DISKS), and a debug read of
 * blocks through the vmkernel's driver (VMK_IOC_STORAGE_READ, vmkload
 * debug=1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmkctl.h"

static const char *state_name(uint32_t state)
{
	switch (state) {
	case VMK_STORAGE_RUNNING: return "running";
	case VMK_STORAGE_REFUSED: return "refused";
	case VMK_STORAGE_FAILED: return "failed";
	case VMK_STORAGE_COS: return "cos";
	default: return "none";
	}
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case 0x00: return "disk";	/* SPC-4 §6.4.2 */
	case 0x05: return "cdrom";
	default: return "other";
	}
}

/* A failed request: errno's text, then the vmkernel's sentence if any. */
static void say_failed(const char *what, const char *msg)
{
	fprintf(stderr, "vmkctl: %s: %s%s%.*s\n", what, strerror(errno),
		msg[0] ? ": " : "", VMK_STORAGE_MSG_LEN, msg);
}

/*
 * One request whose structure (len bytes, zeroed first) the vmkernel
 * fills, msg inside it; -1 and said when it fails.
 */
static int storage_request(unsigned long req, void *arg, size_t len,
			   const char *what, const char *msg)
{
	int fd = vmkctl_open();

	if (fd < 0)
		return -1;
	memset(arg, 0, len);
	if (ioctl(fd, req, arg) < 0) {
		say_failed(what, msg);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int get_list(struct vmk_storage_list *l)
{
	return storage_request(VMK_IOC_STORAGE_LIST, l, sizeof(*l), "storage", l->msg);
}

static void print_adapter(const struct vmk_storage_list *l)
{
	if (l->state == VMK_STORAGE_NONE) {
		printf("no storage adapter: the vmkernel found no PVSCSI HBA on the PCI buses\n");
		return;
	}
	if (l->state == VMK_STORAGE_COS) {
		printf("no storage adapter: %.*s\n", VMK_STORAGE_MSG_LEN, l->msg);
		return;
	}
	printf("%s %s pci %02x:%02x.%x bar %#llx+%#x %s luns %u",
	       l->name, l->driver, l->pci_bdf >> 8, (l->pci_bdf >> 3) & 31,
	       l->pci_bdf & 7, (unsigned long long)l->bar_pa, l->bar_len,
	       state_name(l->state), l->nluns);
	if (l->msg[0])
		printf(": %.*s", VMK_STORAGE_MSG_LEN, l->msg);
	printf("\n  completions %llu timeouts %llu aborts %llu bus-resets %llu adapter-resets %llu bogus-completions %llu\n",
	       (unsigned long long)l->completions, (unsigned long long)l->timeouts,
	       (unsigned long long)l->aborts, (unsigned long long)l->bus_resets,
	       (unsigned long long)l->adapter_resets,
	       (unsigned long long)l->bogus_completions);
}

static void print_luns(const struct vmk_storage_list *l)
{
	uint32_t i;

	printf("%-18s %-6s %12s %6s %14s  %s\n", "PATH", "TYPE", "BLOCKS",
	       "BSIZE", "BYTES", "VENDOR PRODUCT");
	for (i = 0; i < l->nluns && i < VMK_STORAGE_MAX_LUNS; i++) {
		const struct vmk_storage_lun *u = &l->lun[i];
		char path[32];

		snprintf(path, sizeof(path), "%s:C0:T%u:L%u", l->name, u->target, u->lun);
		printf("%-18s %-6s %12llu %6u %14llu  %.11s %.19s", path,
		       type_name(u->type), (unsigned long long)u->nr_blocks,
		       u->block_size,
		       (unsigned long long)(u->nr_blocks * u->block_size),
		       u->vendor, u->product);
		if (u->error[0])
			printf(" (%.63s)", u->error);
		printf("\n");
	}
}

/* vmkctl storage read T:L LBA [BLOCKS]: the blocks, raw, on stdout. */
static int storage_read(int argc, char **argv)
{
	struct vmk_storage_read *r = calloc(1, sizeof(*r));
	unsigned int target, lun;
	char *end;
	int fd, ret = 1;

	if (!r)
		return 1;
	if (argc < 3 || argc > 4 || sscanf(argv[1], "%u:%u", &target, &lun) != 2) {
		fprintf(stderr, "usage: vmkctl storage read TARGET:LUN LBA [BLOCKS] (vmkload debug=1; raw bytes on stdout)\n");
		free(r);
		return 2;
	}
	r->target = target;
	r->lun = lun;
	r->lba = strtoull(argv[2], &end, 0);
	r->blocks = argc == 4 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;
	fd = vmkctl_open();
	if (fd < 0)
		goto out;
	if (ioctl(fd, VMK_IOC_STORAGE_READ, r) < 0) {
		say_failed("storage read", r->msg);
	} else if (fwrite(r->data, 1, r->len, stdout) == r->len) {
		ret = 0;
	}
	close(fd);
out:
	free(r);
	return ret;
}

/* vmkctl storage rescan: what changed, then the LUNs as `luns` prints them. */
static int storage_rescan(struct vmk_storage_list *l)
{
	struct vmk_storage_rescan r = { 0 };

	if (storage_request(VMK_IOC_STORAGE_RESCAN, &r, sizeof(r), "storage rescan", r.msg))
		return 1;
	printf("rescan: %u new, %u gone, %u resized, %u dropped, %u unresponsive",
	       r.added, r.gone, r.changed, r.removed, r.unresponsive);
	if (r.targets_skipped)
		printf(", %u targets not scanned (too many hung commands)", r.targets_skipped);
	if (r.dropped)
		printf(", %u found but not listed (the list is full)", r.dropped);
	printf("\n");
	if (get_list(l))
		return 1;
	print_luns(l);
	return 0;
}

/*
 * vmkctl storage datastores: each mounted datastore's label, UUID,
 * capacity and free bytes and its LUN; then each VMFS volume the
 * vmkernel did not mount, with the reason.
 */
static int storage_datastores(void)
{
	static struct vmk_datastore_list l;
	uint32_t i;

	if (storage_request(VMK_IOC_STORAGE_DATASTORES, &l, sizeof(l),
			    "storage datastores", l.msg))
		return 1;
	if (l.adapter_state != VMK_STORAGE_RUNNING) {
		printf("no datastores: the vmkernel drives no storage adapter%s%.*s\n",
		       l.msg[0] ? ": " : "", VMK_STORAGE_MSG_LEN, l.msg);
		return 0;
	}
	printf("%-16s %-35s %14s %14s %8s  %s\n", "LABEL", "UUID", "CAPACITY",
	       "FREE", "BSIZE", "LUN");
	for (i = 0; i < l.n && i < VMK_STORAGE_MAX_LUNS; i++) {
		const struct vmk_datastore *d = &l.ds[i];

		if (d->state != VMK_DATASTORE_MOUNTED)
			continue;
		printf("%-16.*s %-35.*s %14llu %14llu %8u  vmhba0:C0:T%u:L%u (%s, %u beats, %u missed, %u failed)\n",
		       VMK_DATASTORE_LABEL_LEN, d->label, VMK_DATASTORE_UUID_LEN, d->uuid,
		       (unsigned long long)d->capacity, (unsigned long long)d->free_bytes,
		       d->block_size, d->target, d->lun,
		       d->read_write ? "read-write" : "read-only", d->beats,
		       d->beats_missed, d->beats_failed);
		if (d->msg[0])
			printf("  %.*s\n", VMK_STORAGE_MSG_LEN, d->msg);
	}
	for (i = 0; i < l.n && i < VMK_STORAGE_MAX_LUNS; i++) {
		const struct vmk_datastore *d = &l.ds[i];

		if (d->state == VMK_DATASTORE_REFUSED)
			printf("vmhba0:C0:T%u:L%u: VMFS volume not mounted: %.*s\n",
			       d->target, d->lun, VMK_STORAGE_MSG_LEN, d->msg);
	}
	return 0;
}

/* KiB of 512-byte blocks, a partial KiB counted as one. */
static uint64_t kib(uint64_t blocks)
{
	return blocks / 2 + blocks % 2;
}

/* The total line adds up the rows as printed: blocks_* hold twice the KiB. */
static void add_io(struct vmk_vm_disk_io *sum, const struct vmk_vm_disk_io *d)
{
	sum->reads += d->reads;
	sum->writes += d->writes;
	sum->flushes += d->flushes;
	sum->blocks_read += 2 * kib(d->blocks_read);
	sum->blocks_written += 2 * kib(d->blocks_written);
	sum->errors += d->errors;
}

/* shares: the disk's (docs/storage.md "Disk shares"); 0: none (the total). */
static void print_io(const char *vm, const char *disk, const char *kind,
		     const struct vmk_vm_disk_io *d, uint32_t shares, const char *name)
{
	char s[12] = "-";

	if (shares)
		snprintf(s, sizeof(s), "%u", shares);
	printf("%-16s %-8s %-12s %10llu %10llu %8llu %12llu %12llu %7llu %6s  %.*s\n",
	       vm, disk, kind, (unsigned long long)d->reads,
	       (unsigned long long)d->writes, (unsigned long long)d->flushes,
	       (unsigned long long)kib(d->blocks_read),
	       (unsigned long long)kib(d->blocks_written),
	       (unsigned long long)d->errors, s, VMK_VM_DISK_NAME_LEN, name);
}

/*
 * vmkctl storage disks: each running VM's disks, with the requests its
 * guest ran on each since the VM's last power on or reset, and their sum.
 */
static int storage_disks(void)
{
	struct vmk_vm_info *infos = NULL;
	struct vmk_vm_disk_io sum = { 0 };
	uint32_t count = 0, i, n, shown = 0;
	int fd = vmkctl_open(), rc = 0;

	if (fd < 0)
		return 1;
	if (vm_list_all(fd, &infos, &count)) {
		close(fd);
		return 1;
	}
	printf("%-16s %-8s %-12s %10s %10s %8s %12s %12s %7s %6s  %s\n", "VM", "DISK", "KIND",
	       "READS", "WRITES", "FLUSHES", "READ-KIB", "WRITTEN-KIB", "ERRORS", "SHARES", "NAME");
	for (i = 0; i < count; i++) {
		struct vmk_vm_disks d = { .id = infos[i].id };
		char vm[VMK_VM_NAME_LEN + 1], disk[16];

		if (infos[i].state != VMK_VM_STATE_RUNNING)
			continue;
		if (ioctl(fd, VMK_IOC_VM_DISKS, &d) < 0) {
			struct vmk_vm_info gone = { .id = infos[i].id };

			if (errno == EINVAL && ioctl(fd, VMK_IOC_VM_INFO, &gone) < 0)
				continue;	/* destroyed in between */
			if (errno == EBUSY)
				fprintf(stderr, "vmkctl: storage disks: vm '%.*s': its disks stayed busy 4 s (a command on a slow or hung LUN); try again\n",
					VMK_VM_NAME_LEN, infos[i].name);
			else
				fprintf(stderr, "vmkctl: storage disks: vm '%.*s': %s\n",
					VMK_VM_NAME_LEN, infos[i].name, strerror(errno));
			rc = 1;
			continue;
		}
		snprintf(vm, sizeof(vm), "%.*s", VMK_VM_NAME_LEN, d.name);
		for (n = 0; n < VMK_VM_MAX_DISKS; n++) {
			const struct vmk_vm_disk_io *io = &d.disk[n];

			if (io->kind == VMK_VM_DISK_NONE)
				continue;
			snprintf(disk, sizeof(disk), "scsi0:%u", n);
			print_io(vm, disk, io->kind == VMK_VM_DISK_RAW ? "raw" :
				 io->thin ? "virtual,thin" : "virtual", io, io->shares, io->name);
			add_io(&sum, io);
			shown++;
		}
	}
	print_io("total", "", "", &sum, 0, shown == 1 ? "1 disk" : "");
	if (shown != 1)
		printf("(%u disks of running VMs)\n", shown);
	free(infos);
	close(fd);
	return rc;
}

int cmd_storage(int argc, char **argv)
{
	static struct vmk_storage_list l;

	if (argc >= 2 && !strcmp(argv[1], "read"))
		return storage_read(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "rescan"))
		return storage_rescan(&l);
	if (argc == 2 && !strcmp(argv[1], "datastores"))
		return storage_datastores();
	if (argc == 2 && !strcmp(argv[1], "disks"))
		return storage_disks();
	if (argc != 2 || (strcmp(argv[1], "adapters") && strcmp(argv[1], "luns"))) {
		fprintf(stderr, "usage: vmkctl storage adapters | luns | datastores | disks | rescan | read TARGET:LUN LBA [BLOCKS]\n");
		return 2;
	}
	if (get_list(&l))
		return 1;
	if (!strcmp(argv[1], "adapters"))
		print_adapter(&l);
	else
		print_luns(&l);
	return 0;
}
