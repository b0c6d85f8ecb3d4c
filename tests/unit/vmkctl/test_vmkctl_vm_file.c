// SPDX-License-Identifier: GPL-2.0-only
/*
 * The .vmx a start uses (cos-tools/vmkctl/vm_start.c): after the identity
 * is recorded, what starts is what was written under the folder's lock.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmkctl/vm_start.h"
#include "tests/unit/check_run.h"

#define VMX(name, extra) \
	"config.version = \"8\"\n" \
	"virtualHW.version = \"7\"\n" \
	"displayName = \"" name "\"\n" \
	"memsize = \"256\"\n" extra

static char real[64], other[64], link_dir[80], path[128];
static struct vm_file vf;
static struct diag diag;
static char err[512];

/* What the last failures said, one a line; diag emptied. */
static const char *said(void)
{
	diag_join(&diag, err, sizeof(err));
	diag_free(&diag);
	return err;
}
static int ret = -1;
static atomic_int done;

static void put_file(const char *folder, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/vm1.vmx", folder);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Open descriptors of this process on folder. */
static int fds_on(const char *folder)
{
	DIR *d = opendir("/proc/self/fd");
	char p[PATH_MAX], target[PATH_MAX];
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		ssize_t len;

		snprintf(p, sizeof(p), "/proc/self/fd/%s", e->d_name);
		len = readlink(p, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		n += !strcmp(target, folder);
	}
	closedir(d);
	return n;
}

static void *start(void *arg)
{
	(void)arg;
	ret = vm_file_record_identity(path, &vf, &diag);
	done = 1;
	return NULL;
}

/*
 * The folder link the .vmx was named through points elsewhere once the
 * start has opened and is waiting to lock its folder: the identity goes
 * into the file of the folder it locked, and that file, as written, is
 * what starts, not the one the path names by then.
 */
START_TEST(test_the_file_written_is_the_one_that_starts)
{
	const struct timespec nap = { 0, 1000 * 1000 };
	struct vm_file written;
	char swap[96];
	pthread_t t;
	int holder;

	snprintf(real, sizeof(real), "/tmp/vm-file.XXXXXX");
	snprintf(other, sizeof(other), "/tmp/vm-file.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(real));
	ck_assert_ptr_nonnull(mkdtemp(other));
	put_file(real, VMX("vm1", ""));
	put_file(other, VMX("swapped in",
			    "uuid.bios = \"56 4d 00 00 00 00 00 40-80 00 00 00 00 00 00 01\"\n"));
	snprintf(link_dir, sizeof(link_dir), "%s.link", real);
	ck_assert_int_eq(symlink(real, link_dir), 0);
	snprintf(path, sizeof(path), "%s/vm1.vmx", link_dir);
	ck_assert_int_eq(vm_file_load(path, &vf, &diag), 0);

	holder = open(real, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(holder, 0);
	ck_assert_int_eq(flock(holder, LOCK_EX), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, start, NULL), 0);
	/* the start has the folder open and waits for its lock */
	while (fds_on(real) < 2 && !done)
		nanosleep(&nap, NULL);
	snprintf(swap, sizeof(swap), "%s.new", link_dir);
	ck_assert_int_eq(symlink(other, swap), 0);
	ck_assert_int_eq(rename(swap, link_dir), 0);
	close(holder);
	ck_assert_int_eq(pthread_join(t, NULL), 0);

	ck_assert_msg(ret == 0, "%s", said());
	ck_assert_str_eq(vf.cfg.display_name, "vm1");
	ck_assert(vf.cfg.has_uuid);
	/* the identity is the one the locked folder's file got */
	snprintf(swap, sizeof(swap), "%s/vm1.vmx", real);
	ck_assert_int_eq(vm_file_load(swap, &written, &diag), 0);
	ck_assert(written.cfg.has_uuid);
	ck_assert_mem_eq(vf.cfg.uuid, written.cfg.uuid, sizeof(vf.cfg.uuid));
	vm_file_free(&written);
	vm_file_free(&vf);

	ck_assert_int_eq(unlink(swap), 0);
	snprintf(swap, sizeof(swap), "%s/vm1.vmx", other);
	ck_assert_int_eq(unlink(swap), 0);
	ck_assert_int_eq(unlink(link_dir), 0);
	ck_assert_int_eq(rmdir(real), 0);
	ck_assert_int_eq(rmdir(other), 0);
}
END_TEST

/*
 * vm sched changes only sched.cpu.* (a running VM takes nothing else):
 * any other key is refused before the file or the vmkernel is touched.
 */
START_TEST(test_vm_sched_refuses_keys_other_than_the_cpu_allocation)
{
	static const struct vmx_set sets[] = {
		{ "sched.cpu.shares", "high" }, { "numvcpus", "4" },
	};
	struct vmx_file now;
	size_t written = 9;
	bool live = true;

	ck_assert_int_eq(vm_reconfig_sched(-1, "/nonexistent/vm1.vmx", sets, 2, &now, &written,
					   &live, &diag), -1);
	ck_assert_str_eq(said(), "/nonexistent/vm1.vmx: only sched.cpu.shares, .min and .max change with a running VM, not numvcpus");
	ck_assert(!live);
	ck_assert_uint_eq(written, 0);
	ck_assert_uint_eq(now.count, 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmkctl_vm_file");

	tcase_add_test(tc, test_vm_sched_refuses_keys_other_than_the_cpu_allocation);
	tcase_add_test(tc, test_the_file_written_is_the_one_that_starts);
	return check_run("vmkctl_vm_file", tc);
}
