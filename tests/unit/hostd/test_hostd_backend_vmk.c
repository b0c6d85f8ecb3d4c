// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk-hostd's real backend (cos-tools/vmk-hostd/backend_vmk.c) on a host
 * without the vmkernel: no /dev/vmkernel, a private inventory. It is to
 * list the registered VMs and say nothing, and each refusal is to say its
 * own sentence only, not what the missing device said on the way.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmk-hostd/backend.h"
#include "cos-tools/vmx/vmx.h"
#include "include/vmk/ioctl.h"
#include "tests/unit/check_run.h"

static char dir[64], inv[128], vmx[128], said[512], no_vm[32];
static struct hostd_vm vms[HOSTD_VMS_MAX];
static const struct hostd_backend *b;
static struct diag diag;
static uint32_t id;

/* What the call said, one a line; diag emptied. */
static const char *told(void)
{
	diag_join(&diag, said, sizeof(said));
	diag_free(&diag);
	return said;
}

static void setup(void)
{
	struct hostd_vm vm = { .name = "a", .mem_mb = 256, .vcpus = 1 };
	FILE *f;

	ck_assert_msg(access(VMK_DEVICE, F_OK), "this test needs a host without " VMK_DEVICE);
	snprintf(dir, sizeof(dir), "/tmp/hostd-vmk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(inv, sizeof(inv), "%s/inventory", dir);
	snprintf(vmx, sizeof(vmx), "%s/a.vmx", dir);
	ck_assert_int_eq(setenv("VMK_INVENTORY", inv, 1), 0);
	f = fopen(vmx, "w");
	ck_assert_ptr_nonnull(f);
	fputs("config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"a\"\n"
	      "memsize = \"256\"\nethernet1.present = \"TRUE\"\nethernet1.virtualDev = \"e1000\"\n"
	      "ethernet1.networkName = \"Lab\"\nethernet1.address = \"00:50:56:00:00:01\"\n"
	      "ethernet2.present = \"TRUE\"\nethernet2.virtualDev = \"e1000\"\n"
	      "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
	      "scsi0:1.present = \"TRUE\"\nscsi0:1.fileName = \"[ds1] a/a.vmdk\"\n", f);
	ck_assert_int_eq(fclose(f), 0);
	b = backend_vmk_open();
	ck_assert_int_eq(b->vm_register(b->ctx, vmx, &vm, &id, &diag), 0);
	ck_assert_str_eq(told(), "");
	snprintf(no_vm, sizeof(no_vm), "no VM %u", id + 1);
}

static void teardown(void)
{
	char cmd[128];

	diag_free(&diag);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_without_the_vmkernel_the_registered_vms_are_listed_and_nothing_said)
{
	size_t n;

	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(vms[0].id, id);
	ck_assert_str_eq(vms[0].name, "a");
	ck_assert_int_eq(vms[0].power, HOSTD_POWERED_OFF);
}
END_TEST

/* Its NICs as its .vmx has them; a networkName left out is "VM Network". */
START_TEST(test_a_registered_vms_nics_are_read_from_its_vmx)
{
	static const uint8_t mac[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };
	size_t n;

	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(!vms[0].nic[0].present && !vms[0].nic[3].present);
	ck_assert(vms[0].nic[1].present && vms[0].nic[1].is_static && vms[0].nic[1].has_mac);
	ck_assert_str_eq(vms[0].nic[1].dev, "e1000");
	ck_assert_str_eq(vms[0].nic[1].network, "Lab");
	ck_assert_mem_eq(vms[0].nic[1].mac, mac, sizeof(mac));
	ck_assert(vms[0].nic[2].present && !vms[0].nic[2].has_mac);
	ck_assert_str_eq(vms[0].nic[2].network, "VM Network");
}
END_TEST

/*
 * ReconfigVM_Task's write: the keys in the registered VM's .vmx, and the
 * next listing shows them (what vm start takes next); an unknown VM is
 * refused.
 */
START_TEST(test_reconfig_writes_the_vmx_and_the_listing_shows_it)
{
	static const struct vmx_set sets[] = {
		{ "memsize", "128" }, { "numvcpus", "2" }, { "sched.cpu.shares", "low" },
		{ "sched.cpu.max", "900" },
	};
	size_t n;

	ck_assert_int_eq(b->vm_reconfig(b->ctx, id, sets, 4, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(vms[0].mem_mb, 128);
	ck_assert_uint_eq(vms[0].vcpus, 2);
	ck_assert(vms[0].has_cpu_alloc);
	ck_assert_uint_eq(vms[0].cpu_shares, VMX_SHARES_LOW * 2);
	ck_assert_uint_eq(vms[0].cpu_max_mhz, 900);
	ck_assert_uint_eq(vms[0].nic[1].present, true);	/* the rest of the file kept */
	ck_assert_int_eq(b->vm_reconfig(b->ctx, id + 1, sets, 1, &diag), -1);
	ck_assert_str_eq(told(), no_vm);
}
END_TEST

/* No vmkernel, no port groups: an empty network folder, and nothing said. */
START_TEST(test_without_the_vmkernel_there_are_no_port_groups)
{
	struct hostd_net nets[HOSTD_NETS_MAX];
	size_t n = 1;

	ck_assert_int_eq(b->net_list(b->ctx, nets, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_a_registered_vms_disks_are_read_from_its_vmx)
{
	size_t n;

	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(vms[0].scsi_dev, "pvscsi");
	ck_assert_str_eq(vms[0].disk[0], "");
	ck_assert_str_eq(vms[0].disk[1], "[ds1] a/a.vmdk");
}
END_TEST

/* No vmkernel, no VMFS datastores; making a disk says the device is missing. */
START_TEST(test_without_the_vmkernel_there_are_no_vmfs_datastores)
{
	struct hostd_datastore ds[HOSTD_DATASTORES_MAX];
	struct hostd_vdisk disk = { .path = "[ds1] a/a.vmdk", .size = 1 << 20, .adapter = "lsilogic" };
	size_t n = 1;

	ck_assert_int_eq(b->ds_list(b->ctx, ds, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(b->vdisk_create(b->ctx, &disk, &diag), -1);
	ck_assert_str_eq(told(), VMK_DEVICE ": No such file or directory (is vmkload loaded?)");
	ck_assert_int_eq(b->ds_mkdir(b->ctx, "[ds1] a", &diag), -1);
	ck_assert_str_eq(told(), VMK_DEVICE ": No such file or directory (is vmkload loaded?)");
}
END_TEST

/* No vmkernel, no storage adapter it drives, and nothing to say about it. */
START_TEST(test_without_the_vmkernel_there_is_no_storage_adapter)
{
	struct hostd_hba hba;
	size_t n = 1;

	ck_assert_int_eq(b->hba_list(b->ctx, &hba, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* The registered VM "a" as the listing gives it, which vm_power takes. */
static const struct hostd_vm *listed_a(void)
{
	size_t n;

	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(vms[0].id, id);
	return &vms[0];
}

START_TEST(test_power_off_of_a_vm_the_vmkernel_lacks_says_only_that_it_is_not_running)
{
	ck_assert_int_eq(b->vm_power(b->ctx, listed_a(), HOSTD_OP_POWER_OFF, &diag), -1);
	ck_assert_str_eq(told(), "vm 'a' is not running");
	ck_assert_int_eq(b->vm_power(b->ctx, listed_a(), HOSTD_OP_RESET, &diag), -1);
	ck_assert_str_eq(told(), "vm 'a' is not running");
}
END_TEST

START_TEST(test_power_on_says_once_that_the_device_is_missing)
{
	ck_assert_int_eq(b->vm_power(b->ctx, listed_a(), HOSTD_OP_POWER_ON, &diag), -1);
	ck_assert_str_eq(told(), VMK_DEVICE ": No such file or directory (is vmkload loaded?)");
}
END_TEST

/*
 * A power operation takes the VM the request listed and reads neither the
 * inventory nor the .vmx files again (it listed every VM a second time:
 * here, with the inventory gone, it said "no VM").
 */
START_TEST(test_power_takes_the_listed_vm_without_listing_again)
{
	const struct hostd_vm *vm = listed_a();

	ck_assert_int_eq(unlink(inv), 0);
	ck_assert_int_eq(b->vm_power(b->ctx, vm, HOSTD_OP_POWER_ON, &diag), -1);
	ck_assert_str_eq(told(), VMK_DEVICE ": No such file or directory (is vmkload loaded?)");
}
END_TEST

START_TEST(test_unregister_of_a_vm_the_vmkernel_lacks_empties_the_inventory)
{
	size_t n;

	ck_assert_int_eq(b->vm_unregister(b->ctx, id, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(b->vm_unregister(b->ctx, id + 1, &diag), -1);
	ck_assert_str_eq(told(), no_vm);
}
END_TEST

/*
 * The listing keeps the inventory and each .vmx while the file is
 * unchanged, and only once its ctime is 2 s old (backend_vmk.c,
 * FILE_SETTLED_NS). The backend's CLOCK_REALTIME is this wrap's
 * (rules.mk: --wrap=clock_gettime): settle() moves it 2.1 s ahead of the
 * files' ctimes, as waiting would, so the next listing keeps what it
 * reads; the files' ctimes stay the file system's own.
 */
int __real_clock_gettime(clockid_t clk, struct timespec *t);
static long long realtime_ahead_ns;

int __wrap_clock_gettime(clockid_t clk, struct timespec *t)
{
	int ret = __real_clock_gettime(clk, t);

	if (!ret && clk == CLOCK_REALTIME) {
		long long ns = t->tv_nsec + realtime_ahead_ns;

		t->tv_sec += ns / 1000000000LL;
		t->tv_nsec = ns % 1000000000LL;
	}
	return ret;
}

static void settle(void)
{
	realtime_ahead_ns += 2100LL * 1000 * 1000;
}

/*
 * Write text over the file at path in place (the same inode) and give it
 * back its mtime: a write in the same tick of the file system's clock as
 * the one before. Only its ctime, and its size if text's differs, say
 * that it changed.
 */
static void rewrite_keeping_mtime(const char *path, const char *text)
{
	struct stat st;
	struct timespec times[2];
	int fd;

	ck_assert_int_eq(stat(path, &st), 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

#define VMX_HEAD "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"a\"\n"

static uint32_t listed_mem_mb(void)
{
	size_t n;

	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 1);
	return vms[0].mem_mb;
}

/*
 * A kept .vmx rewritten with the same mtime is read again: to the same
 * size (its ctime tells), to another size (its size and ctime tell).
 */
START_TEST(test_a_kept_vmx_rewritten_with_the_same_mtime_is_read_again)
{
	rewrite_keeping_mtime(vmx, VMX_HEAD "memsize = \"256\"\n");
	settle();
	ck_assert_uint_eq(listed_mem_mb(), 256);	/* read and kept */
	ck_assert_uint_eq(listed_mem_mb(), 256);	/* as kept */
	rewrite_keeping_mtime(vmx, VMX_HEAD "memsize = \"128\"\n");
	settle();
	ck_assert_uint_eq(listed_mem_mb(), 128);
	rewrite_keeping_mtime(vmx, VMX_HEAD "memsize = \"64\"\n");
	settle();
	ck_assert_uint_eq(listed_mem_mb(), 64);
}
END_TEST

/* A kept inventory rewritten with the same mtime is read again. */
START_TEST(test_a_kept_inventory_rewritten_with_the_same_mtime_is_read_again)
{
	char b_vmx[128], text[160];
	size_t n;
	FILE *f;

	snprintf(b_vmx, sizeof(b_vmx), "%s/b.vmx", dir);
	f = fopen(b_vmx, "w");
	ck_assert_ptr_nonnull(f);
	fputs("config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"b\"\n"
	      "memsize = \"256\"\n", f);
	ck_assert_int_eq(fclose(f), 0);
	settle();
	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(vms[0].name, "a");
	snprintf(text, sizeof(text), "%s\n", b_vmx);	/* a.vmx's path's length */
	rewrite_keeping_mtime(inv, text);
	settle();
	ck_assert_int_eq(b->vm_list(b->ctx, vms, &n, &diag), 0);
	ck_assert_str_eq(told(), "");
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(vms[0].name, "b");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("backend_vmk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_without_the_vmkernel_the_registered_vms_are_listed_and_nothing_said);
	tcase_add_test(tc, test_power_off_of_a_vm_the_vmkernel_lacks_says_only_that_it_is_not_running);
	tcase_add_test(tc, test_power_on_says_once_that_the_device_is_missing);
	tcase_add_test(tc, test_power_takes_the_listed_vm_without_listing_again);
	tcase_add_test(tc, test_unregister_of_a_vm_the_vmkernel_lacks_empties_the_inventory);
	tcase_add_test(tc, test_a_registered_vms_nics_are_read_from_its_vmx);
	tcase_add_test(tc, test_reconfig_writes_the_vmx_and_the_listing_shows_it);
	tcase_add_test(tc, test_without_the_vmkernel_there_are_no_port_groups);
	tcase_add_test(tc, test_a_registered_vms_disks_are_read_from_its_vmx);
	tcase_add_test(tc, test_without_the_vmkernel_there_are_no_vmfs_datastores);
	tcase_add_test(tc, test_without_the_vmkernel_there_is_no_storage_adapter);
	tcase_add_test(tc, test_a_kept_vmx_rewritten_with_the_same_mtime_is_read_again);
	tcase_add_test(tc, test_a_kept_inventory_rewritten_with_the_same_mtime_is_read_again);
	return check_run("hostd_backend_vmk", tc);
}
