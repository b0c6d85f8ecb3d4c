// SPDX-License-Identifier: GPL-2.0-only
/* The vmk keys of a .vmx: defaults, accepted values, and refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "tests/unit/vmx/vmx_test.h"

#define MINIMAL \
	"config.version = \"8\"\n" \
	"virtualHW.version = \"7\"\n" \
	"displayName = \"vm1\"\n" \
	"memsize = \"256\"\n"

static const char full[] =
	".encoding = \"UTF-8\"\n"
	MINIMAL
	"numvcpus = \"2\"\n"
	"guestOS = \"other26xlinux\"\n"
	"uuid.bios = \"56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e\"\n"
	"scsi0.present = \"TRUE\"\n"
	"scsi0.virtualDev = \"lsilogic\"\n"
	"scsi0:0.present = \"TRUE\"\n"
	"scsi0:0.fileName = \"/vmfs/volumes/ds1/vm1/vm1.vmdk\"\n"
	"sched.scsi0:0.shares = \"high\"\n"
	"ethernet0.present = \"true\"\n"
	"ethernet0.virtualDev = \"E1000\"\n"
	"ethernet0.networkName = \"VM Network\"\n"
	"ethernet0.addressType = \"static\"\n"
	"ethernet0.address = \"00:50:56:3F:00:0a\"\n"
	"serial0.present = \"TRUE\"\n"
	"serial0.fileType = \"pipe\"\n"
	"serial0.fileName = \"/var/run/vmk/vm1.com1\"\n"
	"sched.cpu.shares = \"high\"\n"
	"sched.cpu.min = \"100\"\n"
	"sched.cpu.max = \"1500\"\n"
	"sched.cpu.affinity = \"1, 3\"\n"
	"vmk.boot = \"linux\"\n"
	"vmk.kernel = \"/boot/vmlinuz\"\n"
	"vmk.initrd = \"/boot/initrd.img\"\n"
	"vmk.cmdline = \"console=ttyS0\"\n"
	"vmk.debugExit = \"TRUE\"\n"
	"vmk.testDev = \"TRUE\"\n"
	"tools.syncTime = \"FALSE\"\n";	/* keys vmk does not use are kept and ignored */

static int config_of(const char *text, struct vmx_file *f, struct vmx_config *cfg,
		     struct diag *d)
{
	ck_assert_int_eq(parse_text(text, f, d), 0);
	return vmx_config_from_file(f, cfg, d);
}

START_TEST(test_minimal_file_gets_defaults)
{
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;

	ck_assert_int_eq(config_of(MINIMAL, &f, &cfg, &d), 0);
	ck_assert_str_eq(cfg.display_name, "vm1");
	ck_assert_uint_eq(cfg.hw_version, 7);
	ck_assert_uint_eq(cfg.memsize_mib, 256);
	ck_assert_uint_eq(cfg.numvcpus, 1);
	ck_assert_int_eq(cfg.boot, VMX_BOOT_BIOS);
	ck_assert_uint_eq(cfg.cpu_shares, VMX_SHARES_NORMAL);
	ck_assert_uint_eq(cfg.cpu_min_mhz, 0);
	ck_assert_uint_eq(cfg.cpu_max_mhz, VMX_CPU_UNLIMITED);
	ck_assert_uint_eq(cfg.cpu_affinity, 0);	/* all CPUs */
	ck_assert(!cfg.scsi0_present && !cfg.ethernet[0].present && !cfg.serial0_present);
	ck_assert(!cfg.has_uuid);
	ck_assert(!cfg.debug_exit);		/* a test device only when asked */
	ck_assert(!cfg.test_dev);
	vmx_file_free(&f);
}
END_TEST

/* sched.cpu.max "unlimited" (vmk-hostd's limit -1) is no limit. */
START_TEST(test_an_unlimited_cpu_max_is_no_limit)
{
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;

	ck_assert_int_eq(config_of(MINIMAL "sched.cpu.min = \"300\"\nsched.cpu.max = \"Unlimited\"\n",
				   &f, &cfg, &d), 0);
	ck_assert_uint_eq(cfg.cpu_min_mhz, 300);
	ck_assert_uint_eq(cfg.cpu_max_mhz, VMX_CPU_UNLIMITED);
	vmx_file_free(&f);
}
END_TEST

/* Empty identity keys are for `vmkctl vm start` to fill in (identity.c). */
START_TEST(test_empty_uuid_and_generated_address_are_absent)
{
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;

	ck_assert_int_eq(config_of(MINIMAL "uuid.bios = \"\"\n"
				   "ethernet0.present = \"TRUE\"\n"
				   "ethernet0.virtualDev = \"e1000\"\n"
				   "ethernet0.generatedAddress = \"\"\n", &f, &cfg, &d), 0);
	ck_assert(!cfg.has_uuid);
	ck_assert(cfg.ethernet[0].present && !cfg.ethernet[0].has_mac);
	vmx_file_free(&f);
}
END_TEST

/* cfg as vmx_config_write() writes it (the caller frees it). */
static char *written(const struct vmx_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_int_eq(vmx_config_write(out, cfg), 0);
	fclose(out);
	return buf;
}

/* The firmware boots vmk.kernel as QEMU's -kernel does; the writer keeps it. */
START_TEST(test_a_bios_vm_may_name_a_kernel_initrd_and_command_line)
{
	static const char text[] = MINIMAL
		"vmk.kernel = \"/boot/vmlinuz\"\n"
		"vmk.initrd = \"/boot/initrd.img\"\n"
		"vmk.cmdline = \"console=ttyS0\"\n";
	struct vmx_file f, f2;
	struct vmx_config cfg, cfg2;
	struct diag d;
	char *buf;

	ck_assert_int_eq(config_of(text, &f, &cfg, &d), 0);
	ck_assert_int_eq(cfg.boot, VMX_BOOT_BIOS);
	ck_assert_str_eq(cfg.kernel, "/boot/vmlinuz");
	ck_assert_str_eq(cfg.initrd, "/boot/initrd.img");
	ck_assert_str_eq(cfg.cmdline, "console=ttyS0");
	buf = written(&cfg);
	ck_assert_ptr_null(strstr(buf, "vmk.boot"));	/* bios is the default */
	ck_assert_int_eq(config_of(buf, &f2, &cfg2, &d), 0);
	ck_assert_int_eq(cfg2.boot, VMX_BOOT_BIOS);
	ck_assert_str_eq(cfg2.kernel, "/boot/vmlinuz");
	ck_assert_str_eq(cfg2.cmdline, "console=ttyS0");
	vmx_file_free(&f2);
	vmx_file_free(&f);
	free(buf);
}
END_TEST

START_TEST(test_full_file_fills_every_field)
{
	static const uint8_t uuid[16] = { 0x56, 0x4d, 0x9b, 0x3a, 0x5c, 0x6f, 0x27, 0x0d,
					  0xb4, 0x2e, 0x7a, 0x0e, 0x9b, 0x3c, 0x4d, 0x5e };
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;

	ck_assert_int_eq(config_of(full, &f, &cfg, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(cfg.numvcpus, 2);
	ck_assert_str_eq(cfg.guest_os, "other26xlinux");
	ck_assert(cfg.has_uuid);
	ck_assert_mem_eq(cfg.uuid, uuid, 16);
	ck_assert_str_eq(cfg.scsi0_dev, "lsilogic");
	ck_assert_str_eq(cfg.scsi0_file[0], "/vmfs/volumes/ds1/vm1/vm1.vmdk");
	ck_assert_uint_eq(cfg.scsi0_shares[0], 2000);	/* a disk's levels are not per vCPU */
	ck_assert_uint_eq(cfg.scsi0_shares[1], VMX_SHARES_NORMAL);
	ck_assert_str_eq(cfg.ethernet[0].dev, "e1000");
	ck_assert_str_eq(cfg.ethernet[0].network, "VM Network");
	ck_assert(cfg.ethernet[0].is_static && cfg.ethernet[0].has_mac);
	ck_assert_mem_eq(cfg.ethernet[0].mac, ((uint8_t[]){ 0x00, 0x50, 0x56, 0x3f, 0x00, 0x0a }), 6);
	ck_assert_str_eq(cfg.serial0_type, "pipe");
	ck_assert_str_eq(cfg.serial0_file, "/var/run/vmk/vm1.com1");
	ck_assert_uint_eq(cfg.cpu_shares, 2 * VMX_SHARES_HIGH);	/* per vCPU */
	ck_assert_uint_eq(cfg.cpu_min_mhz, 100);
	ck_assert_uint_eq(cfg.cpu_max_mhz, 1500);
	ck_assert_uint_eq(cfg.cpu_affinity, (1u << 1) | (1u << 3));
	ck_assert_int_eq(cfg.boot, VMX_BOOT_LINUX);
	ck_assert_str_eq(cfg.kernel, "/boot/vmlinuz");
	ck_assert_str_eq(cfg.initrd, "/boot/initrd.img");
	ck_assert_str_eq(cfg.cmdline, "console=ttyS0");
	ck_assert(cfg.debug_exit);
	ck_assert(cfg.test_dev);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_canonical_output_reads_back_as_the_same_config)
{
	struct vmx_file f, f2;
	struct vmx_config cfg, cfg2;
	struct diag d;
	char *buf;

	ck_assert_int_eq(config_of(full, &f, &cfg, &d), 0);
	buf = written(&cfg);
	ck_assert_int_eq(config_of(buf, &f2, &cfg2, &d), 0);
	ck_assert_str_eq(cfg2.display_name, cfg.display_name);
	ck_assert_uint_eq(cfg2.memsize_mib, cfg.memsize_mib);
	ck_assert_uint_eq(cfg2.numvcpus, cfg.numvcpus);
	ck_assert_mem_eq(cfg2.uuid, cfg.uuid, 16);
	ck_assert_str_eq(cfg2.scsi0_file[0], cfg.scsi0_file[0]);
	ck_assert_uint_eq(cfg2.scsi0_shares[0], cfg.scsi0_shares[0]);
	ck_assert_str_eq(cfg2.ethernet[0].dev, cfg.ethernet[0].dev);
	ck_assert_mem_eq(cfg2.ethernet[0].mac, cfg.ethernet[0].mac, 6);
	ck_assert(cfg2.ethernet[0].is_static);
	ck_assert_str_eq(cfg2.serial0_file, cfg.serial0_file);
	ck_assert_uint_eq(cfg2.cpu_shares, cfg.cpu_shares);
	ck_assert_uint_eq(cfg2.cpu_min_mhz, cfg.cpu_min_mhz);
	ck_assert_uint_eq(cfg2.cpu_max_mhz, cfg.cpu_max_mhz);
	ck_assert_uint_eq(cfg2.cpu_affinity, cfg.cpu_affinity);
	ck_assert_ptr_nonnull(strstr(buf, "sched.cpu.affinity = \"1,3\"\n"));
	ck_assert_int_eq(cfg2.boot, cfg.boot);
	ck_assert_str_eq(cfg2.cmdline, cfg.cmdline);
	ck_assert(cfg2.debug_exit);
	ck_assert(cfg2.test_dev);
	/* every value quoted, numbers too (libvirt insists) */
	ck_assert_ptr_nonnull(strstr(buf, "memsize = \"256\"\n"));
	ck_assert_ptr_nonnull(strstr(buf, "uuid.bios = \"56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e\"\n"));
	vmx_file_free(&f);
	vmx_file_free(&f2);
	free(buf);
}
END_TEST

struct refusal {
	const char *text;
	const char *message;
};

static const struct refusal refusals[] = {
	{ "virtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"4\"\n",
	  "t.vmx: 'config.version' is missing" },
	{ "config.version = \"7\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"4\"\n",
	  "t.vmx:1: 'config.version' must be \"8\"" },
	{ "config.version = \"8\"\nvirtualHW.version = \"3\"\ndisplayName = \"x\"\nmemsize = \"4\"\n",
	  "t.vmx:2: 'virtualHW.version' must be a whole number from 4 to 21" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"\"\nmemsize = \"4\"\n",
	  "t.vmx:3: 'displayName' must not be empty" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\n",
	  "t.vmx: 'memsize' is missing" },
	{ MINIMAL "memsize = \"250\"\n", "t.vmx:5: 'memsize' is set again" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"250\"\n",
	  "t.vmx:4: 'memsize' must be a multiple of 4" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"-4\"\n",
	  "t.vmx:4: 'memsize' must be a whole number from 4 to 65536, not \"-4\"" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"99999999999999999999\"\n",
	  "t.vmx:4: 'memsize' must be a whole number" },
	{ "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"x\"\nmemsize = \"256 MB\"\n",
	  "t.vmx:4: 'memsize' must be a whole number" },
	{ MINIMAL "numvcpus = \"0\"\n", "t.vmx:5: 'numvcpus' must be a whole number from 1 to 16" },
	{ MINIMAL "numvcpus = \"17\"\n", "t.vmx:5: 'numvcpus' must be a whole number from 1 to 16" },
	{ MINIMAL "uuid.bios = \"56 4d 9b\"\n", "t.vmx:5: 'uuid.bios' must be 16 hex bytes" },
	{ MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"ahci\"\n",
	  "t.vmx:6: 'scsi0.virtualDev' must be one of buslogic lsilogic lsisas1068 pvscsi, not \"ahci\"" },
	{ MINIMAL "scsi0.present = \"TRUE\"\n", "t.vmx: 'scsi0.virtualDev' is missing" },
	{ MINIMAL "scsi0.present = \"yes\"\n", "t.vmx:5: 'scsi0.present' must be one of FALSE TRUE" },
	{ MINIMAL "scsi0:0.fileName = \"a.vmdk\"\n",
	  "t.vmx:5: 'scsi0:0.fileName' needs scsi0.present and scsi0:0.present = \"TRUE\"" },
	{ MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
	  "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"disk.img\"\n",
	  "t.vmx:8: 'scsi0:0.fileName' must name a .vmdk disk" },
	{ MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
	  "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\nsched.scsi0:0.shares = \"lots\"\n",
	  "t.vmx:9: 'sched.scsi0:0.shares' must be low, normal, high or a number from 100 to 10000, not \"lots\"" },
	{ MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
	  "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\nsched.scsi0:0.shares = \"99\"\n",
	  "t.vmx:9: 'sched.scsi0:0.shares' must be a whole number from 100 to 10000, not \"99\"" },
	{ MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
	  "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\nsched.scsi0:0.shares = \"10001\"\n",
	  "t.vmx:9: 'sched.scsi0:0.shares' must be a whole number from 100 to 10000" },
	{ MINIMAL "sched.scsi0:1.shares = \"high\"\n",
	  "t.vmx:5: 'sched.scsi0:1.shares' needs a disk: scsi0:1.fileName" },
	{ MINIMAL "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"rtl8139\"\n",
	  "t.vmx:6: 'ethernet0.virtualDev' must be one of vlance vmxnet vmxnet3 e1000 e1000e" },
	{ MINIMAL "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"e1000\"\n"
	  "ethernet0.connectionType = \"wifi\"\n",
	  "t.vmx:7: 'ethernet0.connectionType' must be one of" },
#define E1000 MINIMAL "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"e1000\"\n"
	{ E1000 "ethernet0.address = \"00:50:56:40:00:01\"\n",
	  "t.vmx:7: 'ethernet0.address' must be in VMware's static range 00:50:56:00:00:00-00:50:56:3F:FF:FF" },
	{ E1000 "ethernet0.address = \"01:50:56:00:00:01\"\n",
	  "t.vmx:7: 'ethernet0.address' must be a unicast address" },
	{ E1000 "ethernet0.address = \"00:50:56:00:00\"\n",
	  "t.vmx:7: 'ethernet0.address' must be a MAC address like \"00:50:56:01:02:03\"" },
	{ E1000 "ethernet0.address = \"00:50:56:00:00:01:02\"\n",
	  "t.vmx:7: 'ethernet0.address' must be a MAC address like" },
	{ E1000 "ethernet0.generatedAddress = \"00:00:00:00:00:00\"\n",
	  "t.vmx:7: 'ethernet0.generatedAddress' must be a unicast address, not zero" },
	{ E1000 "ethernet0.addressType = \"static\"\n",
	  "t.vmx:7: 'ethernet0.addressType' is \"static\" but 'ethernet0.address' is missing" },
	{ E1000 "ethernet0.addressType = \"generated\"\nethernet0.address = \"00:50:56:00:00:01\"\n",
	  "t.vmx:8: 'ethernet0.address' needs ethernet0.addressType = \"static\"" },
	{ E1000 "ethernet0.networkName = \"\"\n",
	  "t.vmx:7: 'ethernet0.networkName' must name a port group: 1 to 31 printable ASCII characters" },
	{ E1000 "ethernet0.networkName = \"a-name-that-is-longer-than-31-characters\"\n",
	  "t.vmx:7: 'ethernet0.networkName' must name a port group" },
	{ E1000 "ethernet0.networkName = \"tab|09in\"\n",
	  "t.vmx:7: 'ethernet0.networkName' must name a port group" },
	{ MINIMAL "serial0.present = \"TRUE\"\nserial0.fileType = \"pipe\"\n",
	  "t.vmx: 'serial0.fileName' is missing" },
	{ MINIMAL "serial0.present = \"TRUE\"\nserial0.fileType = \"tcp\"\nserial0.fileName = \"x\"\n",
	  "t.vmx:6: 'serial0.fileType' must be one of file pipe device network" },
	{ MINIMAL "vmk.boot = \"linux\"\n", "t.vmx:5: vmk.boot = \"linux\" needs a 'vmk.kernel' file" },
	{ MINIMAL "vmk.boot = \"multiboot\"\nvmk.kernel = \"\"\n",
	  "t.vmx:6: vmk.boot = \"multiboot\" needs a 'vmk.kernel' file" },
	{ MINIMAL "vmk.boot = \"efi\"\n", "t.vmx:5: 'vmk.boot' must be one of bios linux multiboot" },
	{ MINIMAL "vmk.initrd = \"/boot/initrd\"\n",
	  "t.vmx:5: 'vmk.initrd' needs a 'vmk.kernel' file" },
	{ MINIMAL "vmk.cmdline = \"console=ttyS0\"\n",
	  "t.vmx:5: 'vmk.cmdline' needs a 'vmk.kernel' file" },
	{ MINIMAL "vmk.boot = \"bios\"\nvmk.kernel = \"\"\n", "t.vmx:6: 'vmk.kernel' is empty" },
	{ MINIMAL "vmk.kernle = \"/boot/vmlinuz\"\n", "t.vmx:5: unknown vmk key 'vmk.kernle'" },
	{ MINIMAL "vmk.debugExit = \"yes\"\n", "t.vmx:5: 'vmk.debugExit' must be one of FALSE TRUE" },
	{ MINIMAL "vmk.testDev = \"1\"\n", "t.vmx:5: 'vmk.testDev' must be one of FALSE TRUE" },
	{ MINIMAL "sched.cpu.shares = \"bogus\"\n",
	  "t.vmx:5: 'sched.cpu.shares' must be low, normal, high or a number" },
	{ MINIMAL "sched.cpu.shares = \"0\"\n", "t.vmx:5: 'sched.cpu.shares' must be a whole number from 1" },
	{ MINIMAL "sched.cpu.min = \"2000\"\nsched.cpu.max = \"1000\"\n",
	  "t.vmx:6: 'sched.cpu.max' (1000 MHz) is below 'sched.cpu.min' (2000 MHz)" },
	{ MINIMAL "sched.cpu.max = \"0\"\n", "t.vmx:5: 'sched.cpu.max' must be a whole number from 1" },
	{ MINIMAL "sched.cpu.affinity = \"0,x\"\n",
	  "t.vmx:5: 'sched.cpu.affinity' must be \"all\" or CPU numbers 0..31 separated by commas, not \"0,x\"" },
	{ MINIMAL "sched.cpu.affinity = \"32\"\n", "t.vmx:5: 'sched.cpu.affinity' must be \"all\" or CPU numbers" },
	{ MINIMAL "sched.cpu.affinity = \"0,\"\n", "t.vmx:5: 'sched.cpu.affinity' must be \"all\" or CPU numbers" },
	{ MINIMAL "sched.cpu.affinity = \"\"\n", "t.vmx:5: 'sched.cpu.affinity' must be \"all\" or CPU numbers" },
};

START_TEST(test_bad_values_are_refused_with_file_line_and_reason)
{
	const struct refusal *r = &refusals[_i];
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d = { 0 };

	/* duplicate keys are a parse error; the rest parse and fail the check */
	if (parse_text(r->text, &f, &d) == 0)
		ck_assert_int_eq(vmx_config_from_file(&f, &cfg, &d), -1);
	assert_diag_has(&d, r->message);
	diag_free(&d);
	vmx_file_free(&f);
}
END_TEST

/* ethernet0 .. ethernet3 each on their own; a missing one leaves a gap. */
START_TEST(test_ethernet1_to_3_are_read_each_with_its_own_keys)
{
	static const char text[] = MINIMAL
		"ethernet0.present = \"TRUE\"\n"
		"ethernet0.virtualDev = \"e1000\"\n"
		"ethernet0.networkName = \"VM Network\"\n"
		"ethernet0.generatedAddress = \"00:0c:29:3c:4d:5e\"\n"
		"ethernet1.present = \"TRUE\"\n"
		"ethernet1.virtualDev = \"e1000\"\n"
		"ethernet1.networkName = \"Internal\"\n"
		"ethernet1.generatedAddress = \"00:0c:29:3c:4d:68\"\n"
		"ethernet3.present = \"TRUE\"\n"
		"ethernet3.virtualDev = \"e1000\"\n"
		"ethernet3.addressType = \"static\"\n"
		"ethernet3.address = \"00:50:56:00:00:03\"\n";
	struct vmx_file f, f2;
	struct vmx_config cfg, cfg2;
	struct diag d;
	char *buf;

	ck_assert_int_eq(config_of(text, &f, &cfg, &d), 0);
	ck_assert(cfg.ethernet[0].present && cfg.ethernet[1].present);
	ck_assert(!cfg.ethernet[2].present && cfg.ethernet[3].present);
	ck_assert_str_eq(cfg.ethernet[0].network, "VM Network");
	ck_assert_str_eq(cfg.ethernet[1].network, "Internal");
	ck_assert_ptr_null(cfg.ethernet[3].network);
	ck_assert_uint_eq(cfg.ethernet[1].mac[5], 0x68);
	ck_assert(!cfg.ethernet[1].is_static && cfg.ethernet[3].is_static);
	ck_assert_uint_eq(cfg.ethernet[3].mac[5], 0x03);
	buf = written(&cfg);
	ck_assert_int_eq(config_of(buf, &f2, &cfg2, &d), 0);
	for (unsigned int n = 0; n < VMX_NICS; n++) {
		ck_assert_int_eq(cfg2.ethernet[n].present, cfg.ethernet[n].present);
		ck_assert_mem_eq(cfg2.ethernet[n].mac, cfg.ethernet[n].mac, 6);
	}
	ck_assert_str_eq(cfg2.ethernet[1].network, "Internal");
	free(buf);
	vmx_file_free(&f2);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_ethernet4_and_up_are_refused_and_errors_name_the_nic)
{
	static const struct { const char *text, *message; } cases[] = {
		{ MINIMAL "ethernet4.present = \"TRUE\"\nethernet4.virtualDev = \"e1000\"\n",
		  "t.vmx:5: 'ethernet4.present': vmk gives a VM at most 4 NICs, ethernet0 to ethernet3" },
		{ MINIMAL "ethernet9.present = \"TRUE\"\n",
		  "t.vmx:5: 'ethernet9.present': vmk gives a VM at most 4 NICs" },
		{ MINIMAL "ethernet2.present = \"TRUE\"\n", "t.vmx: 'ethernet2.virtualDev' is missing" },
		{ MINIMAL "ethernet2.present = \"TRUE\"\nethernet2.virtualDev = \"e1000\"\n"
		  "ethernet2.addressType = \"static\"\n",
		  "t.vmx:7: 'ethernet2.addressType' is \"static\" but 'ethernet2.address' is missing" },
		{ MINIMAL "ethernet3.present = \"TRUE\"\nethernet3.virtualDev = \"e1000\"\n"
		  "ethernet3.address = \"00:50:56:40:00:01\"\n",
		  "t.vmx:7: 'ethernet3.address' must be in VMware's static range" },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmx_file f;
		struct vmx_config cfg;
		struct diag d = { 0 };

		ck_assert_int_eq(parse_text(cases[i].text, &f, &d), 0);
		ck_assert_int_eq(vmx_config_from_file(&f, &cfg, &d), -1);
		assert_diag_has(&d, cases[i].message);
		diag_free(&d);
		vmx_file_free(&f);
	}
}
END_TEST

START_TEST(test_share_levels_count_per_vcpu_and_numbers_are_taken_as_is)
{
	static const struct { const char *value; unsigned int shares; } cases[] = {
		{ "low", 2 * VMX_SHARES_LOW }, { "Normal", 2 * VMX_SHARES_NORMAL },
		{ "HIGH", 2 * VMX_SHARES_HIGH }, { "1234", 1234 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct vmx_file f;
		struct vmx_config cfg;
		struct diag d;

		snprintf(text, sizeof(text), MINIMAL "numvcpus = \"2\"\nsched.cpu.shares = \"%s\"\n",
			 cases[i].value);
		ck_assert_int_eq(config_of(text, &f, &cfg, &d), 0);
		ck_assert_uint_eq(cfg.cpu_shares, cases[i].shares);
		vmx_file_free(&f);
	}
}
END_TEST

START_TEST(test_a_lun_name_maps_a_raw_disk)
{
	static const char *const bad[] = {
		"vmhba0:C0:T01:L0", "vmhba0:C0:T1:L0x", "vmhba0:C0:T256:L0", "vmhba1:C0:T1:L0",
	};
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;
	unsigned int i;

	ck_assert_int_eq(config_of(MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
				   "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"vmhba0:C0:T1:L0\"\n",
				   &f, &cfg, &d), 0);
	ck_assert_str_eq(cfg.scsi0_file[0], "vmhba0:C0:T1:L0");
	vmx_file_free(&f);
	/* Targets 0 and 2; scsi0:4 is beyond what vmk reads, and ignored. */
	ck_assert_int_eq(config_of(MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
				   "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"vmhba0:C0:T0:L0\"\n"
				   "scsi0:2.present = \"TRUE\"\nscsi0:2.fileName = \"vmhba0:C0:T1:L0\"\n"
				   "scsi0:4.present = \"TRUE\"\nscsi0:4.fileName = \"vmhba0:C0:T2:L0\"\n",
				   &f, &cfg, &d), 0);
	ck_assert_str_eq(cfg.scsi0_file[0], "vmhba0:C0:T0:L0");
	ck_assert_ptr_null(cfg.scsi0_file[1]);
	ck_assert_str_eq(cfg.scsi0_file[2], "vmhba0:C0:T1:L0");
	vmx_file_free(&f);
	ck_assert_int_ne(config_of(MINIMAL "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
				   "scsi0:3.fileName = \"vmhba0:C0:T1:L0\"\n", &f, &cfg, &d), 0);
	assert_diag_has(&d, "t.vmx:7: 'scsi0:3.fileName' needs scsi0.present and scsi0:3.present = \"TRUE\"");
	diag_free(&d);
	vmx_file_free(&f);
	ck_assert(vmx_is_lun_name("vmhba0:C0:T255:L0"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!vmx_is_lun_name(bad[i]), "%s", bad[i]);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_minimal_file_gets_defaults);
	tcase_add_test(tc, test_an_unlimited_cpu_max_is_no_limit);
	tcase_add_test(tc, test_empty_uuid_and_generated_address_are_absent);
	tcase_add_test(tc, test_full_file_fills_every_field);
	tcase_add_test(tc, test_a_bios_vm_may_name_a_kernel_initrd_and_command_line);
	tcase_add_test(tc, test_canonical_output_reads_back_as_the_same_config);
	tcase_add_loop_test(tc, test_bad_values_are_refused_with_file_line_and_reason, 0,
			    sizeof(refusals) / sizeof(refusals[0]));
	tcase_add_test(tc, test_ethernet1_to_3_are_read_each_with_its_own_keys);
	tcase_add_test(tc, test_ethernet4_and_up_are_refused_and_errors_name_the_nic);
	tcase_add_test(tc, test_share_levels_count_per_vcpu_and_numbers_are_taken_as_is);
	tcase_add_test(tc, test_a_lun_name_maps_a_raw_disk);
	return check_run("vmx_config", tc);
}
