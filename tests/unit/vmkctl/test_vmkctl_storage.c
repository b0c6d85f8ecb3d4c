// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl storage (cos-tools/vmkctl/storage.c) when the vmkernel answers
 * VMK_BUSY (EBUSY) with a sentence in msg: the sentence reaches the
 * operator and the exit status is not 0; and `storage disks`, each
 * running VM's disks with their counters and the sum. The driver is a
 * fake ioctl().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cos-tools/vmkctl/vmkctl.h"
#include "tests/unit/check_run.h"

#define BUSY_MSG	"waited 16 s for the storage lock, held by VM disk I/O"

int vmkctl_open(void)
{
	return open("/dev/null", O_RDONLY);
}

/*
 * The VMs vm_list_all() finds: 1 'web' running with a thin virtual disk
 * at scsi0:0 and a raw LUN at scsi0:2, 2 'off' powered off, 3 'db'
 * running with one eager disk, 4 'gone' destroyed before its disks are
 * asked for.
 */
int vm_list_all(int fd, struct vmk_vm_info **infos, uint32_t *count)
{
	static const struct { uint32_t id, state; const char *name; } vms[] = {
		{ 1, VMK_VM_STATE_RUNNING, "web" }, { 2, VMK_VM_STATE_OFF, "off" },
		{ 3, VMK_VM_STATE_RUNNING, "db" }, { 4, VMK_VM_STATE_RUNNING, "gone" },
	};
	struct vmk_vm_info *all = calloc(4, sizeof(*all));

	(void)fd;
	ck_assert_ptr_nonnull(all);
	for (int i = 0; i < 4; i++) {
		all[i].id = vms[i].id;
		all[i].state = vms[i].state;
		snprintf(all[i].name, sizeof(all[i].name), "%s", vms[i].name);
	}
	*infos = all;
	*count = 4;
	return 0;
}

static uint32_t disks_asked;	/* bit n: VM n's disks were asked for */

static void fake_disk(struct vmk_vm_disk_io *d, uint32_t kind, uint32_t thin,
		      const char *name, uint64_t base)
{
	d->kind = kind;
	d->thin = thin;
	d->nr_blocks = 65536;
	d->reads = base + 1;
	d->writes = base + 2;
	d->flushes = base + 3;
	d->blocks_read = 2 * (base + 4);
	d->blocks_written = 2 * (base + 5);
	d->errors = base / 100;
	d->shares = 1000 + (uint32_t)base;
	snprintf(d->name, sizeof(d->name), "%s", name);
}

static int fake_vm_disks(struct vmk_vm_disks *d)
{
	disks_asked |= 1u << d->id;
	if (d->id == 4) {
		errno = EINVAL;
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", d->id == 1 ? "web" : "db");
	d->state = VMK_VM_STATE_RUNNING;
	if (d->id == 1) {
		fake_disk(&d->disk[0], VMK_VM_DISK_VIRTUAL, 1, "[ds1] web/web.vmdk", 100);
		fake_disk(&d->disk[2], VMK_VM_DISK_RAW, 0, "vmhba0:C0:T1:L0", 200);
		d->disk[2].blocks_written++;	/* 205.5 KiB: shown as 206 */
	} else {
		fake_disk(&d->disk[0], VMK_VM_DISK_VIRTUAL, 0, "[ds1] db/db.vmdk", 1000);
	}
	return 0;
}

/* Every storage request fails as the vmkernel's cos_lock() makes it. */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == VMK_IOC_VM_DISKS)
		return fake_vm_disks(arg);
	if (req == VMK_IOC_VM_INFO) {	/* only VM 4 is gone */
		if (((struct vmk_vm_info *)arg)->id != 4)
			return 0;
		errno = EINVAL;
		return -1;
	}
	if (req == VMK_IOC_STORAGE_LIST)
		snprintf(((struct vmk_storage_list *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_READ)
		snprintf(((struct vmk_storage_read *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_RESCAN)
		snprintf(((struct vmk_storage_rescan *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	else if (req == VMK_IOC_STORAGE_DATASTORES)
		snprintf(((struct vmk_datastore_list *)arg)->msg, VMK_STORAGE_MSG_LEN, BUSY_MSG);
	errno = EBUSY;
	return -1;
}

static char said[1024];

/* cmd_storage(argv...) with what it wrote to fd (1 or 2) in out. */
static int storage_to(int fd, int argc, char **argv, char *out, size_t size)
{
	FILE *f = tmpfile();
	int saved = dup(fd), ret;
	size_t n;

	ck_assert_ptr_nonnull(f);
	fflush(NULL);
	dup2(fileno(f), fd);
	ret = cmd_storage(argc, argv);
	fflush(NULL);
	dup2(saved, fd);
	close(saved);
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
	return ret;
}

/* cmd_storage(argv...) with its stderr kept in said. */
static int storage(int argc, char **argv)
{
	return storage_to(2, argc, argv, said, sizeof(said));
}

START_TEST(test_each_verb_when_busy_says_why_and_fails)
{
	static char *verbs[][5] = {
		{ "storage", "luns" },
		{ "storage", "adapters" },
		{ "storage", "rescan" },
		{ "storage", "datastores" },
		{ "storage", "read", "0:0", "0" },
	};

	for (unsigned int i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		int argc = 0;

		while (verbs[i][argc])
			argc++;
		ck_assert_int_ne(storage(argc, verbs[i]), 0);
		ck_assert_msg(strstr(said, ": " BUSY_MSG "\n"), "vmkctl storage %s said '%s'",
			      verbs[i][1], said);
	}
}
END_TEST

/* The columns of out's line that begins with first, or NULL. */
static const char *line_of(const char *out, const char *first)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, first, strlen(first)) && l[strlen(first)] == ' ')
			return l;
	return NULL;
}

START_TEST(test_disks_lists_running_vms_disks_and_their_sum)
{
	static char *argv[] = { "storage", "disks", NULL };
	static char out[4096];
	const char *web0, *web2, *db, *total;
	unsigned long long r, w, f, kr, kw, e, s;
	char kind[32], none[4];

	disks_asked = 0;
	ck_assert_int_eq(storage_to(1, 2, argv, out, sizeof(out)), 0);
	/* The powered-off VM is not asked; the destroyed one is skipped. */
	ck_assert_uint_eq(disks_asked, 1u << 1 | 1u << 3 | 1u << 4);
	web0 = strstr(out, "web              scsi0:0");
	web2 = strstr(out, "web              scsi0:2");
	db = line_of(out, "db");
	total = line_of(out, "total");
	ck_assert_msg(web0 && web2 && db && total, "storage disks said:\n%s", out);
	ck_assert_ptr_null(strstr(out, "off "));
	ck_assert_ptr_null(strstr(out, "gone"));
	ck_assert_int_eq(sscanf(web0, "web scsi0:0 %31s %llu %llu %llu %llu %llu %llu %llu", kind,
				&r, &w, &f, &kr, &kw, &e, &s), 8);
	ck_assert_str_eq(kind, "virtual,thin");
	ck_assert(r == 101 && w == 102 && f == 103 && kr == 104 && kw == 105 && e == 1);
	ck_assert_uint_eq(s, 1100);	/* its disk shares */
	ck_assert_ptr_nonnull(strstr(web0, "[ds1] web/web.vmdk\n"));
	ck_assert_int_eq(sscanf(web2, "web scsi0:2 %31s %llu %llu %llu %llu %llu %llu", kind,
				&r, &w, &f, &kr, &kw, &e), 7);
	ck_assert_str_eq(kind, "raw");
	ck_assert_uint_eq(kw, 206);
	ck_assert_ptr_nonnull(strstr(web2, "vmhba0:C0:T1:L0\n"));
	ck_assert_int_eq(sscanf(db, "db scsi0:0 %31s", kind), 1);
	ck_assert_str_eq(kind, "virtual");
	/* The sum of the three rows as shown (a partial KiB counts as one). */
	ck_assert_int_eq(sscanf(total, "total %llu %llu %llu %llu %llu %llu %3s",
				&r, &w, &f, &kr, &kw, &e, none), 7);
	ck_assert_str_eq(none, "-");	/* shares do not add up */
	ck_assert(r == 1303 && w == 1306 && f == 1309 && kr == 1312 && kw == 1316 && e == 13);
	ck_assert_ptr_nonnull(strstr(out, "(3 disks of running VMs)"));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmkctl storage");

	tcase_add_test(tc, test_each_verb_when_busy_says_why_and_fails);
	tcase_add_test(tc, test_disks_lists_running_vms_disks_and_their_sum);
	return check_run("vmkctl storage", tc);
}
