// SPDX-License-Identifier: GPL-2.0-only
/* vmkctl's VM inventory file (cos-tools/vmkctl/inventory.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cos-tools/vmkctl/inventory.h"
#include "tests/unit/check_run.h"

static char dir[64], file[128];
static struct inventory inv, again;
static struct diag diag;
static char err[512];

/* What the failures said, one a line (teardown() empties diag). */
static const char *said(void)
{
	diag_join(&diag, err, sizeof(err));
	return err;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vmkctl-inv.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a folder that does not exist yet: save must create it */
	snprintf(file, sizeof(file), "%s/etc/vmk/inventory", dir);
	memset(&inv, 0, sizeof(inv));
	memset(&again, 0, sizeof(again));
}

static void teardown(void)
{
	char cmd[128];

	diag_free(&diag);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *text)
{
	FILE *f;
	char sub[128];

	snprintf(sub, sizeof(sub), "mkdir -p %s/etc/vmk", dir);
	ck_assert_int_eq(system(sub), 0);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_missing_file_is_an_empty_inventory)
{
	ck_assert_int_eq(inventory_load(file, &inv, &diag), 0);
	ck_assert_uint_eq(inv.count, 0);
}
END_TEST

START_TEST(test_added_paths_survive_save_and_load_in_order)
{
	ck_assert_int_eq(inventory_add(&inv, "/vms/a.vmx", &diag), 0);
	ck_assert_int_eq(inventory_add(&inv, "/vms/b.vmx", &diag), 0);
	ck_assert_int_eq(inventory_save(file, &inv, &diag), 0);
	ck_assert_int_eq(inventory_load(file, &again, &diag), 0);
	ck_assert_uint_eq(again.count, 2);
	ck_assert_str_eq(again.path[0], "/vms/a.vmx");
	ck_assert_str_eq(again.path[1], "/vms/b.vmx");
}
END_TEST

START_TEST(test_duplicate_and_relative_paths_are_refused_with_reason)
{
	ck_assert_int_eq(inventory_add(&inv, "/vms/a.vmx", &diag), 0);
	ck_assert_int_eq(inventory_add(&inv, "/vms/a.vmx", &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), "already registered"));
	ck_assert_int_eq(inventory_add(&inv, "vms/a.vmx", &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), "not an absolute path"));
	ck_assert_int_eq(inventory_add(&inv, "/vms/x\ny.vmx", &diag), -1);
	ck_assert_uint_eq(inv.count, 1);
}
END_TEST

START_TEST(test_remove_keeps_the_others_in_order)
{
	inventory_add(&inv, "/a.vmx", &diag);
	inventory_add(&inv, "/b.vmx", &diag);
	inventory_add(&inv, "/c.vmx", &diag);
	ck_assert_int_eq(inventory_remove(&inv, "/b.vmx"), 0);
	ck_assert_int_eq(inventory_remove(&inv, "/b.vmx"), -1);
	ck_assert_uint_eq(inv.count, 2);
	ck_assert_str_eq(inv.path[0], "/a.vmx");
	ck_assert_str_eq(inv.path[1], "/c.vmx");
	ck_assert_int_eq(inventory_find(&inv, "/c.vmx"), 1);
	ck_assert_int_eq(inventory_find(&inv, "/b.vmx"), -1);
}
END_TEST

START_TEST(test_full_inventory_refuses_one_more)
{
	char path[32];

	for (int i = 0; i < INVENTORY_MAX; i++) {
		snprintf(path, sizeof(path), "/vm%d.vmx", i);
		ck_assert_int_eq(inventory_add(&inv, path, &diag), 0);
	}
	ck_assert_int_eq(inventory_add(&inv, "/one-more.vmx", &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), "full"));
}
END_TEST

START_TEST(test_comments_and_empty_lines_are_skipped_stray_text_refused)
{
	write_file("# header\n\n/a.vmx\n  \n/b.vmx");
	/* "  " is not an absolute path: refused with its line number */
	ck_assert_int_eq(inventory_load(file, &inv, &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), ":4:"));
	write_file("# header\n\n/a.vmx\n/b.vmx");
	ck_assert_int_eq(inventory_load(file, &inv, &diag), 0);
	ck_assert_uint_eq(inv.count, 2);
	ck_assert_str_eq(inv.path[1], "/b.vmx");
}
END_TEST

START_TEST(test_corrupt_file_names_file_and_line)
{
	write_file("/a.vmx\n/a.vmx\n");
	ck_assert_int_eq(inventory_load(file, &inv, &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), file));
	ck_assert_ptr_nonnull(strstr(said(), ":2: "));
}
END_TEST

START_TEST(test_save_leaves_no_temporary_file)
{
	char tmp[160];

	inventory_add(&inv, "/a.vmx", &diag);
	ck_assert_int_eq(inventory_save(file, &inv, &diag), 0);
	snprintf(tmp, sizeof(tmp), "%s.new", file);
	ck_assert_int_ne(access(tmp, F_OK), 0);
}
END_TEST

static void write_vmx(const char *name, const char *display)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "config.version = \"8\"\nvirtualHW.version = \"7\"\n"
		   "displayName = \"%s\"\nmemsize = \"64\"\n", display);
	fclose(f);
	ck_assert_int_eq(inventory_add(&inv, path, &diag), 0);
}

/* vmkctl vm register's clash check and vmk-hostd's UnregisterVM use it. */
START_TEST(test_find_name_reads_each_vmx_and_skips_broken_ones)
{
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/gone.vmx", dir);
	ck_assert_int_eq(inventory_add(&inv, missing, &diag), 0);
	write_vmx("broken.vmx", "web\"\n= =");	/* does not parse */
	write_vmx("db.vmx", "db");
	write_vmx("web.vmx", "web");
	ck_assert_int_eq(inventory_find_name(&inv, "web"), 3);
	ck_assert_int_eq(inventory_find_name(&inv, "db"), 2);
	ck_assert_int_eq(inventory_find_name(&inv, "we"), -1);
	ck_assert_int_eq(inventory_find_name(&inv, "gone"), -1);
}
END_TEST

START_TEST(test_environment_names_the_inventory_file)
{
	setenv("VMK_INVENTORY", "/tmp/elsewhere", 1);
	ck_assert_str_eq(inventory_file(), "/tmp/elsewhere");
	unsetenv("VMK_INVENTORY");
	ck_assert_str_eq(inventory_file(), INVENTORY_DEFAULT);
}
END_TEST

/* A second writer waits for the lock, then gives up saying why; once let go it gets it. */
START_TEST(test_a_second_writer_waits_then_is_refused_with_reason)
{
	int held = inventory_lock(file, 0, &diag), again_fd;

	ck_assert_int_ge(held, 0);
	ck_assert_int_eq(inventory_lock(file, 100, &diag), -1);
	ck_assert_ptr_nonnull(strstr(said(), "inventory.lock stayed locked for 0 s"));
	inventory_unlock(held);
	again_fd = inventory_lock(file, 100, &diag);
	ck_assert_int_ge(again_fd, 0);
	inventory_unlock(again_fd);
}
END_TEST

/* WRITERS processes add ADDS paths each, at once: none is lost. */
#define WRITERS	3
#define ADDS	15
static void writer(int w)
{
	for (int i = 0; i < ADDS; i++) {
		struct inventory mine;
		struct diag d = { 0 };
		char path[64];
		int fd = inventory_lock(file, 10000, &d);

		snprintf(path, sizeof(path), "/vm%d/%d.vmx", w, i);
		if (fd < 0 || inventory_load(file, &mine, &d) || inventory_add(&mine, path, &d) ||
		    inventory_save(file, &mine, &d))
			_exit(1);
		inventory_unlock(fd);
	}
	_exit(0);
}

START_TEST(test_writers_at_once_lose_nothing)
{
	pid_t pid[WRITERS];
	int st;

	for (int w = 0; w < WRITERS; w++) {
		pid[w] = fork();
		ck_assert_int_ge(pid[w], 0);
		if (!pid[w])
			writer(w);
	}
	for (int w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(pid[w], &st, 0), pid[w]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_eq(inventory_load(file, &inv, &diag), 0);
	ck_assert_uint_eq(inv.count, WRITERS * ADDS);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("inventory");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing_file_is_an_empty_inventory);
	tcase_add_test(tc, test_added_paths_survive_save_and_load_in_order);
	tcase_add_test(tc, test_duplicate_and_relative_paths_are_refused_with_reason);
	tcase_add_test(tc, test_remove_keeps_the_others_in_order);
	tcase_add_test(tc, test_full_inventory_refuses_one_more);
	tcase_add_test(tc, test_comments_and_empty_lines_are_skipped_stray_text_refused);
	tcase_add_test(tc, test_corrupt_file_names_file_and_line);
	tcase_add_test(tc, test_save_leaves_no_temporary_file);
	tcase_add_test(tc, test_environment_names_the_inventory_file);
	tcase_add_test(tc, test_find_name_reads_each_vmx_and_skips_broken_ones);
	tcase_add_test(tc, test_a_second_writer_waits_then_is_refused_with_reason);
	tcase_add_test(tc, test_writers_at_once_lose_nothing);
	return check_run("vmkctl_inventory", tc);
}
