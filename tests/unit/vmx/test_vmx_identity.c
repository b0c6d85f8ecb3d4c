// SPDX-License-Identifier: GPL-2.0-only
/*
 * The identity `vmkctl vm start` writes back to a .vmx (cos-tools/vmx/
 * identity.c): uuid.bios and generated MACs in VMware's formats, the
 * UUID as a guest reads it from SMBIOS, and the rewrite of the file:
 * byte for byte apart from the new values, once, never half.
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check_run.h"
#include "tests/unit/vmx/vmx_test.h"
#include "vmm/boot/smbios.h"

#define MINIMAL \
	"config.version = \"8\"\n" \
	"virtualHW.version = \"7\"\n" \
	"displayName = \"vm1\"\n" \
	"memsize = \"256\"\n"
#define E1000 \
	"ethernet0.present = \"TRUE\"\n" \
	"ethernet0.virtualDev = \"e1000\"\n"

static const uint8_t rnd_a[16] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0x3c, 0x4d, 0x5e,
};
static const uint8_t rnd_b[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* uuid.bios made from rnd_a */
#define UUID_A "56 4d 33 44 55 66 77 48-99 aa bb cc dd 3c 4d 5e"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vmx-identity.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Remove what the test left in dir, and dir. */
static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Number of entries in dir (a leftover temporary file counts). */
static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static const char *put_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* The whole file, NUL-terminated (free()). */
static char *get_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, VMX_MAX_FILE_SIZE + 64);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, VMX_MAX_FILE_SIZE + 63, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * vmx_identity_record(); returns its result, *written and the diag. The
 * file it hands back is the one now at path, key for key.
 */
static int record(const char *path, const uint8_t *rnd, size_t *written, struct diag *d)
{
	struct vmx_file now, disk;
	struct diag dd = { 0 };
	int ret;

	*d = (struct diag){ 0 };
	ret = vmx_identity_record(path, rnd, &now, written, d);
	if (ret) {
		ck_assert_uint_eq(now.count, 0);
		return ret;
	}
	ck_assert_int_eq(vmx_load(path, &disk, &dd), 0);
	ck_assert_uint_eq(now.count, disk.count);
	for (size_t i = 0; i < now.count; i++) {
		ck_assert_str_eq(now.entries[i].key, disk.entries[i].key);
		ck_assert_str_eq(now.entries[i].value, disk.entries[i].value);
		ck_assert_uint_eq(now.entries[i].line, disk.entries[i].line);
	}
	vmx_file_free(&disk);
	vmx_file_free(&now);
	return ret;
}

/* A file name in dir with text, recorded once with rnd: want keys written. */
static const char *record_new(const char *name, const char *text, const uint8_t *rnd,
			      size_t want)
{
	const char *path = put_file(name, text);
	struct diag d;
	size_t written;

	ck_assert_int_eq(record(path, rnd, &written, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(written, want);
	return path;
}

/* path's text is want, exactly. */
static void assert_file_is(const char *path, const char *want)
{
	char *got = get_file(path);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_a_generated_uuid_bios_is_vmwares_text)
{
	char text[VMX_UUID_TEXT];
	uint8_t uuid[16], back[16];

	vmx_uuid_generate(rnd_a, uuid);
	vmx_uuid_format(uuid, text);
	ck_assert_str_eq(text, UUID_A);
	ck_assert(vmx_uuid_parse(text, back));
	ck_assert_mem_eq(back, uuid, 16);
	vmx_uuid_generate(rnd_b, uuid);
	vmx_uuid_format(uuid, text);
	ck_assert_str_eq(text, "56 4d ff ff ff ff ff 4f-bf ff ff ff ff ff ff ff");
}
END_TEST

/*
 * What Linux's dmi_decode_uuid() prints for the SMBIOS System UUID when the
 * table is 2.6 or later (first three fields little-endian).
 */
static void guest_product_uuid(const uint8_t *u, char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* The System (type 1) structure of tables[0..len). */
static const uint8_t *system_structure(const uint8_t *t, uint32_t len)
{
	uint32_t off = 0;

	while (off + 4 <= len && t[off] != 1) {
		off += t[off + 1];
		while (off + 1 < len && (t[off] || t[off + 1]))
			off++;
		off += 2;
	}
	ck_assert_uint_lt(off + 0x19, len);
	return t + off;
}

START_TEST(test_the_guest_reads_a_generated_uuid_as_rfc4122_version_4)
{
	static const uint8_t *const inputs[] = { rnd_a, rnd_b };
	static const uint8_t zeros[16];
	struct e820_entry map[] = { { 0, 64u << 20, 1 } };
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;
	uint8_t uuid[16], anchor[SMBIOS_ANCHOR_LEN], t[SMBIOS_TABLES_MAX];
	char text[VMX_UUID_TEXT], vmx[512], seen[37];

	for (unsigned int i = 0; i < 3; i++) {
		struct smbios_vm vm = {
			.uuid = cfg.uuid, .nr_vcpus = 1, .ram_size = 64u << 20,
			.map = map, .map_len = 1,
		};
		uint32_t len;

		vmx_uuid_generate(i < 2 ? inputs[i] : zeros, uuid);
		vmx_uuid_format(uuid, text);
		/* through the .vmx as `vmkctl vm start` reads it back */
		snprintf(vmx, sizeof(vmx), MINIMAL "uuid.bios = \"%s\"\n", text);
		ck_assert_int_eq(parse_text(vmx, &f, &d), 0);
		ck_assert_int_eq(vmx_config_from_file(&f, &cfg, &d), 0);
		ck_assert(cfg.has_uuid);
		len = smbios_build(&vm, anchor, t, sizeof(t));
		ck_assert_uint_gt(len, 0);
		guest_product_uuid(system_structure(t, len) + 8, seen);
		ck_assert_msg(seen[14] == '4', "version of %s (from %s)", seen, text);
		ck_assert_msg(strchr("89ab", seen[19]), "variant of %s (from %s)", seen, text);
		/* VMware's 56 4d, byte-swapped as on ESX */
		ck_assert_msg(!strncmp(seen + 4, "4d56", 4), "%s", seen);
		vmx_file_free(&f);
	}
}
END_TEST

START_TEST(test_a_generated_mac_is_vmwares_oui_and_the_uuids_tail)
{
	static const uint8_t uuid[16] = { 0x56, 0x4d, 0x9b, 0x3a, 0x5c, 0x6f, 0x27, 0x0d,
					  0xb4, 0x2e, 0x7a, 0x0e, 0x9b, 0x3c, 0x4d, 0x5e };
	uint8_t mac[6], top[16];
	char text[VMX_MAC_TEXT];

	/* the same vectors as vsw_mac_generate()'s test (tests/unit/net) */
	vmx_mac_generate(uuid, 0, mac);
	vmx_mac_format(mac, text);
	ck_assert_str_eq(text, "00:0c:29:3c:4d:5e");
	vmx_mac_generate(uuid, VMX_MAC_OFFSET_STEP, mac);
	vmx_mac_format(mac, text);
	ck_assert_str_eq(text, "00:0c:29:3c:4d:68");
	memset(top, 0xff, sizeof(top));
	vmx_mac_generate(top, 2 * VMX_MAC_OFFSET_STEP, mac);
	vmx_mac_format(mac, text);
	ck_assert_str_eq(text, "00:0c:29:00:00:13");
}
END_TEST

START_TEST(test_a_missing_identity_is_appended_and_reads_back)
{
	static const char before[] = MINIMAL E1000;
	const char *path;
	struct vmx_file f;
	struct vmx_config cfg;
	struct diag d;

	make_dir();
	path = record_new("vm1.vmx", before, rnd_a, 5);
	assert_file_is(path, MINIMAL E1000
		       "uuid.bios = \"" UUID_A "\"\n"
		       "uuid.location = \"" UUID_A "\"\n"
		       "ethernet0.addressType = \"generated\"\n"
		       "ethernet0.generatedAddress = \"00:0c:29:3c:4d:5e\"\n"
		       "ethernet0.generatedAddressOffset = \"0\"\n");
	ck_assert_int_eq(vmx_load(path, &f, &d), 0);
	ck_assert_int_eq(vmx_config_from_file(&f, &cfg, &d), 0);
	ck_assert(cfg.has_uuid && cfg.ethernet[0].has_mac && !cfg.ethernet[0].is_static);
	ck_assert_uint_eq(cfg.ethernet[0].mac[3], 0x3c);
	vmx_file_free(&f);
	ck_assert_int_eq(files_in_dir(), 1);
	remove_dir();
}
END_TEST

START_TEST(test_a_second_start_changes_nothing)
{
	const char *path;
	struct stat st1, st2;
	struct diag d;
	size_t written;
	char *first;

	make_dir();
	path = record_new("vm1.vmx", MINIMAL E1000, rnd_a, 5);
	first = get_file(path);
	ck_assert_int_eq(stat(path, &st1), 0);
	/* other random bytes: the file's identity wins */
	ck_assert_int_eq(record(path, rnd_b, &written, &d), 0);
	ck_assert_uint_eq(written, 0);
	assert_file_is(path, first);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);	/* not even replaced */
	free(first);
	remove_dir();
}
END_TEST

/* A hand-made file: its lines before UUID.BIOS, between it and the NIC's, after. */
#define HAND_TOP \
	"# made by hand\n" \
	".encoding = \"UTF-8\"\n" \
	"config.version = \"8\"\n" \
	"\n" \
	"   virtualHW.version=\"7\"   # old\n" \
	"displayName = \"vm |22one|22\"\n"
#define HAND_MIDDLE \
	"memsize = \"256\"\n" \
	"ethernet0.present = \"TRUE\"\n"
#define HAND_END \
	"ethernet0.virtualDev = \"e1000\"\n" \
	"tools.syncTime = \"FALSE\"\n" \
	"# the end"	/* no newline at the end */

START_TEST(test_comments_blanks_and_order_are_kept_byte_for_byte)
{
	const char *path;

	make_dir();
	path = record_new("vm1.vmx", HAND_TOP
			  "UUID.BIOS   =   \"\"  # filled at first start\n"
			  HAND_MIDDLE
			  "ethernet0.generatedAddress = \"\"\n"
			  HAND_END, rnd_a, 5);
	assert_file_is(path, HAND_TOP
		       "UUID.BIOS   =   \"" UUID_A "\"  # filled at first start\n"
		       HAND_MIDDLE
		       "ethernet0.generatedAddress = \"00:0c:29:3c:4d:5e\"\n"
		       HAND_END "\n"
		       "uuid.location = \"" UUID_A "\"\n"
		       "ethernet0.addressType = \"generated\"\n"
		       "ethernet0.generatedAddressOffset = \"0\"\n");
	remove_dir();
}
END_TEST

START_TEST(test_a_crlf_file_gets_crlf_lines)
{
	const char *path;

	make_dir();
	path = record_new("vm1.vmx", "config.version = \"8\"\r\nvirtualHW.version = \"7\"\r\n"
			  "displayName = \"vm1\"\r\nmemsize = \"256\"\r\n", rnd_a, 2);
	assert_file_is(path, "config.version = \"8\"\r\nvirtualHW.version = \"7\"\r\n"
		       "displayName = \"vm1\"\r\nmemsize = \"256\"\r\n"
		       "uuid.bios = \"" UUID_A "\"\r\nuuid.location = \"" UUID_A "\"\r\n");
	remove_dir();
}
END_TEST

START_TEST(test_a_static_address_is_never_touched)
{
	static const char stat_nic[] = MINIMAL E1000
		"ethernet0.addressType = \"static\"\n"
		"ethernet0.address = \"00:50:56:00:00:0a\"\n";
	static const char bare_static[] = MINIMAL E1000
		"ethernet0.address = \"00:50:56:00:00:0b\"\n"
		"uuid.bios = \"" UUID_A "\"\n";
	const char *path;

	make_dir();
	path = record_new("a.vmx", stat_nic, rnd_a, 2);	/* uuid.bios, uuid.location */
	assert_file_is(path, MINIMAL E1000
		       "ethernet0.addressType = \"static\"\n"
		       "ethernet0.address = \"00:50:56:00:00:0a\"\n"
		       "uuid.bios = \"" UUID_A "\"\n"
		       "uuid.location = \"" UUID_A "\"\n");
	/* an address without addressType is static too */
	path = record_new("b.vmx", bare_static, rnd_b, 0);
	assert_file_is(path, bare_static);
	remove_dir();
}
END_TEST

/* NICs of every kind after ethernet0, on a VM that has its uuid.bios */
#define NICS MINIMAL E1000 \
	"uuid.bios = \"" UUID_A "\"\n" \
	"ethernet1.present = \"TRUE\"\n" \
	"ethernet1.virtualDev = \"e1000\"\n" \
	"ethernet1.addressType = \"Generated\"\n" \
	"ethernet2.present = \"FALSE\"\n" \
	"ethernet3.present = \"TRUE\"\n" \
	"ethernet3.virtualDev = \"e1000\"\n" \
	"ethernet3.addressType = \"vpx\"\n"

/* An offset of the file's own, not VMX_MAC_OFFSET_STEP * N. */
#define OFFSET_NIC MINIMAL E1000 \
	"uuid.bios = \"" UUID_A "\"\n" \
	"ethernet2.present = \"TRUE\"\n" \
	"ethernet2.virtualDev = \"e1000\"\n" \
	"ethernet2.generatedAddressOffset = \"100\"\n"

START_TEST(test_each_nic_gets_its_offset_and_vcenters_are_left_alone)
{
	const char *path;

	make_dir();
	path = record_new("a.vmx", NICS, rnd_b, 5);
	assert_file_is(path, NICS
		       "ethernet0.addressType = \"generated\"\n"
		       "ethernet0.generatedAddress = \"00:0c:29:3c:4d:5e\"\n"
		       "ethernet0.generatedAddressOffset = \"0\"\n"
		       "ethernet1.generatedAddress = \"00:0c:29:3c:4d:68\"\n"
		       "ethernet1.generatedAddressOffset = \"10\"\n");
	path = record_new("b.vmx", OFFSET_NIC, rnd_b, 5);
	assert_file_is(path, OFFSET_NIC
		       "ethernet0.addressType = \"generated\"\n"
		       "ethernet0.generatedAddress = \"00:0c:29:3c:4d:5e\"\n"
		       "ethernet0.generatedAddressOffset = \"0\"\n"
		       "ethernet2.addressType = \"generated\"\n"
		       "ethernet2.generatedAddress = \"00:0c:29:3c:4d:c2\"\n");
	remove_dir();
}
END_TEST

/* record() fails with a message containing why; dir holds files files after. */
static void assert_refused(const char *path, const char *why, int files)
{
	struct diag d;
	size_t written = 99;

	ck_assert_int_eq(record(path, rnd_a, &written, &d), -1);
	ck_assert_uint_eq(written, 0);
	assert_diag_has(&d, why);
	diag_free(&d);
	ck_assert_int_eq(files_in_dir(), files);	/* no temporary file left */
}

/* record() fails with a message containing why and leaves path as it was. */
static void assert_refused_and_kept(const char *path, const char *text, const char *why)
{
	assert_refused(path, why, 1);
	assert_file_is(path, text);
}

START_TEST(test_a_read_only_file_is_refused_and_kept)
{
	const char *path;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL E1000);
	ck_assert_int_eq(chmod(path, 0444), 0);
	/* root may write anything: the mode bits are what says read-only */
	assert_refused_and_kept(path, MINIMAL E1000, "is read-only (mode 0444)");
	remove_dir();
}
END_TEST

START_TEST(test_a_failed_write_leaves_the_original_whole)
{
	struct rlimit small = { 64, 64 };	/* bytes a file may grow to */
	const char *path;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL E1000);
	signal(SIGXFSZ, SIG_IGN);		/* write() fails with EFBIG instead */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_refused_and_kept(path, MINIMAL E1000, "cannot write the generated identity");
	remove_dir();
}
END_TEST

START_TEST(test_a_file_with_errors_is_not_written)
{
	static const char *const bad[] = {
		MINIMAL "uuid.bios = \"56 4d\"\n",			/* malformed UUID */
		MINIMAL "memsize = \"64\"\n",				/* set twice */
		MINIMAL "ethernet0.present = \"TRUE\"\n",		/* no virtualDev */
		MINIMAL E1000 "ethernet0.generatedAddressOffset = \"-1\"\n",
		MINIMAL "vmk.kernle = \"x\"\n",
		"config.version = \"8\"\nnot a line\n",
	};
	static const char *const why[] = {
		"'uuid.bios' must be 16 hex bytes", "'memsize' is set again",
		"'ethernet0.virtualDev' is missing",
		"'ethernet0.generatedAddressOffset' must be a whole number",
		"unknown vmk key", "expected '='",
	};

	make_dir();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused_and_kept(put_file("vm1.vmx", bad[i]), bad[i], why[i]);
	remove_dir();
}
END_TEST

START_TEST(test_a_file_the_identity_would_make_too_large_is_kept)
{
	size_t fill = VMX_MAX_FILE_SIZE - sizeof(MINIMAL) - 40;
	char *text = malloc(VMX_MAX_FILE_SIZE + 1), *p;
	const char *path;

	/* a comment line fills the file to just under the 1 MiB limit */
	p = text + sprintf(text, MINIMAL "#");
	memset(p, 'x', fill);
	strcpy(p + fill, "\n");
	ck_assert_uint_le(strlen(text), VMX_MAX_FILE_SIZE);
	make_dir();
	path = put_file("vm1.vmx", text);
	assert_refused_and_kept(path, text, "larger than");
	free(text);
	remove_dir();
}
END_TEST

/*
 * A .vmx that is a symbolic link and lacks its identity is refused: the
 * rewrite would replace the link with a file of its own.
 */
START_TEST(test_a_symbolic_link_to_a_vmx_lacking_its_identity_is_refused)
{
	char link_path[128], target[128];
	struct stat st;

	make_dir();
	snprintf(target, sizeof(target), "%s", put_file("real.vmx", MINIMAL));
	snprintf(link_path, sizeof(link_path), "%s/link.vmx", dir);
	ck_assert_int_eq(symlink("real.vmx", link_path), 0);
	assert_refused(link_path, "is a symbolic link", 2);
	assert_file_is(target, MINIMAL);
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	remove_dir();
}
END_TEST

/* A .vmx with all its identity: nothing to write, as vm start finds it at each later start. */
#define COMPLETE MINIMAL "uuid.bios = \"" UUID_A "\"\n"

/* record() of path succeeds without writing anything or leaving a message. */
static void assert_read_only(const char *path)
{
	struct diag d;
	size_t written = 99;

	ck_assert_int_eq(record(path, rnd_b, &written, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(written, 0);
}

/*
 * A .vmx that is a symbolic link, to a file in another folder, and has its
 * identity is read through the link: nothing is written (vmk-hostd's
 * RegisterVM keeps a datastore path as it is given).
 */
START_TEST(test_a_symbolic_link_to_a_vmx_with_its_identity_is_read)
{
	char sub[128], target[160], link_path[128];
	struct stat st;

	make_dir();
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(target, sizeof(target), "%s/real.vmx", sub);
	put_file("sub/real.vmx", COMPLETE);
	snprintf(link_path, sizeof(link_path), "%s/link.vmx", dir);
	ck_assert_int_eq(symlink("sub/real.vmx", link_path), 0);
	assert_read_only(link_path);
	assert_file_is(target, COMPLETE);
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(unlink(target), 0);
	ck_assert_int_eq(rmdir(sub), 0);
	remove_dir();
}
END_TEST

/* A hard-linked .vmx that has its identity is read: neither name is written. */
START_TEST(test_a_hard_linked_vmx_with_its_identity_is_read)
{
	char other[128];
	const char *path;
	struct stat st;

	make_dir();
	path = put_file("vm1.vmx", COMPLETE);
	snprintf(other, sizeof(other), "%s/other.vmx", dir);
	ck_assert_int_eq(link(path, other), 0);
	assert_read_only(path);
	assert_file_is(other, COMPLETE);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	remove_dir();
}
END_TEST

/*
 * A link to a pipe without a writer, a device or a folder is refused at
 * once: followed for reading, it still must lead to a regular file.
 */
START_TEST(test_a_link_to_a_fifo_a_device_or_a_folder_is_refused)
{
	static const char *const targets[] = { "fifo", "/dev/null", "." };
	char fifo[128], link_path[128];

	make_dir();
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	snprintf(link_path, sizeof(link_path), "%s/vm1.vmx", dir);
	for (unsigned int i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		ck_assert_int_eq(symlink(targets[i], link_path), 0);
		assert_refused(link_path, "is not a regular file", 2);
		ck_assert_int_eq(unlink(link_path), 0);
	}
	remove_dir();
}
END_TEST

/* A folder on the path that is a symbolic link is followed, as the caller named it. */
START_TEST(test_a_folder_that_is_a_symbolic_link_is_followed)
{
	char link_dir[128], path[160];
	struct diag d;
	size_t written;
	const char *real;

	make_dir();
	real = put_file("vm1.vmx", MINIMAL);
	snprintf(link_dir, sizeof(link_dir), "%s.link", dir);
	ck_assert_int_eq(symlink(dir, link_dir), 0);
	snprintf(path, sizeof(path), "%s/vm1.vmx", link_dir);
	ck_assert_int_eq(record(path, rnd_a, &written, &d), 0);
	ck_assert_uint_eq(written, 2);
	assert_file_is(real, MINIMAL "uuid.bios = \"" UUID_A "\"\n"
		       "uuid.location = \"" UUID_A "\"\n");
	ck_assert_int_eq(files_in_dir(), 1);
	ck_assert_int_eq(unlink(link_dir), 0);
	remove_dir();
}
END_TEST

/*
 * A pipe named like the .vmx, with no writer: refused at once, not waited
 * on (the old fopen() blocked until a writer came, here never).
 */
START_TEST(test_a_fifo_is_refused_without_waiting_for_a_writer)
{
	char path[128];
	struct stat st;

	make_dir();
	snprintf(path, sizeof(path), "%s/vm1.vmx", dir);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	assert_refused(path, "is not a regular file", 1);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	remove_dir();
}
END_TEST

/*
 * A process that holds a lock on the folder for good (anyone who can read
 * it can) makes vm start give up after VMX_LOCK_WAIT_MS, saying why,
 * instead of waiting for ever; the file is left as it was.
 */
START_TEST(test_a_folder_locked_for_good_is_refused_after_a_wait)
{
	const char *path;
	int holder;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL);
	holder = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(holder, 0);
	ck_assert_int_eq(flock(holder, LOCK_EX), 0);
	assert_refused_and_kept(path, MINIMAL, "its directory stayed locked for 10 s");
	close(holder);
	remove_dir();
}
END_TEST

/*
 * A .vmx with a second name that lacks its identity is refused: the other
 * name could be a file elsewhere (a COS user's hard link to one of
 * root's), and a rewrite would split the two anyway.
 */
START_TEST(test_a_hard_linked_vmx_lacking_its_identity_is_refused)
{
	char other[128];
	const char *path;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL);
	snprintf(other, sizeof(other), "%s/other.vmx", dir);
	ck_assert_int_eq(link(path, other), 0);
	assert_refused(path, "has 2 links", 2);
	assert_file_is(path, MINIMAL);
	assert_file_is(other, MINIMAL);
	remove_dir();
}
END_TEST

START_TEST(test_the_rewrite_keeps_the_files_mode)
{
	static const mode_t modes[][2] = {
		{ 0640, 0640 }, { 0666, 0666 }, { 0600, 0600 },
		/* set-user-ID, set-group-ID and sticky bits are not copied */
		{ 06750, 0750 }, { 01644, 0644 },
	};
	const char *path;
	struct diag d;
	struct stat st;
	size_t written;

	make_dir();
	umask(077);	/* the mode comes from the file, not the umask */
	for (unsigned int i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		path = put_file("vm1.vmx", MINIMAL);
		ck_assert_int_eq(chmod(path, modes[i][0]), 0);
		ck_assert_int_eq(record(path, rnd_a, &written, &d), 0);
		ck_assert_uint_eq(written, 2);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_msg((st.st_mode & 07777) == modes[i][1], "mode %04o became %04o",
			      (unsigned int)modes[i][0], (unsigned int)(st.st_mode & 07777));
		ck_assert_int_eq(unlink(path), 0);
	}
	remove_dir();
}
END_TEST

/* The temporary file of a rewrite of vm1.vmx, with its six hex digits. */
#define TEMP_VM1(hex) ".vm1.vmx.vmk-identity-" hex

/*
 * A vm start killed between creating its temporary file and renaming it
 * leaves that file; the next rewrite of the same .vmx removes it, and
 * nothing else: not another .vmx's, not a name of nearly that form, not a
 * link's target, not a folder.
 */
START_TEST(test_a_rewrite_removes_the_temporary_files_a_killed_start_left)
{
	static const char *const stale[] = { TEMP_VM1("1a2b3c"), TEMP_VM1("0000ff") };
	static const char *const kept[] = {
		".vm2.vmx.vmk-identity-1a2b3c", TEMP_VM1("1a2b3"), TEMP_VM1("1a2b3cd"),
		TEMP_VM1("1A2B3C"), TEMP_VM1("1a2b3g"), TEMP_VM1("1a2b3c") ".bak",
		"vm1.vmx.vmk-identity-1a2b3c", ".vm1.vmx.1a2b3c", "target",
	};
	char p[160], folder[160];
	const char *path;
	struct stat st;

	make_dir();
	for (unsigned int i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		put_file(stale[i], "half a .vmx");
	for (unsigned int i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		put_file(kept[i], "kept");
	snprintf(p, sizeof(p), "%s/" TEMP_VM1("abcdef"), dir);
	ck_assert_int_eq(symlink("target", p), 0);
	snprintf(folder, sizeof(folder), "%s/" TEMP_VM1("fedcba"), dir);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	/* a start with nothing to write leaves the folder alone */
	path = put_file("vm1.vmx", COMPLETE);
	assert_read_only(path);
	ck_assert_int_eq(files_in_dir(), 2 + 9 + 2 + 1);
	put_file("vm1.vmx", MINIMAL);
	record_new("vm1.vmx", MINIMAL, rnd_a, 2);
	for (unsigned int i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, stale[i]);
		ck_assert_msg(lstat(p, &st), "%s is left", stale[i]);
	}
	for (unsigned int i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, kept[i]);
		assert_file_is(p, "kept");
	}
	ck_assert_int_eq(lstat(folder, &st), 0);
	ck_assert_int_eq(files_in_dir(), 9 + 1 + 1);	/* the link went, not its target */
	ck_assert_int_eq(rmdir(folder), 0);
	remove_dir();
}
END_TEST

/*
 * fsync() (tests/unit/vmx/rules.mk wraps it): on the temporary file, while
 * armed, raises signal and notes whether its handler ran at once, that is
 * inside the window between creating that file and renaming it.
 */
static int raise_in_fsync;
static volatile sig_atomic_t handled;
static bool handled_in_window;

int __real_fsync(int fd);
int __wrap_fsync(int fd)
{
	struct stat st;

	if (raise_in_fsync && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		raise(raise_in_fsync);
		handled_in_window |= handled;
	}
	return __real_fsync(fd);
}

static void note_signal(int sig)
{
	(void)sig;
	handled = 1;
}

/*
 * SIGINT, SIGTERM or SIGHUP while the temporary file exists waits until
 * it is renamed over the .vmx: the signal is handled after, the file is
 * whole, no temporary file is left, and the signal mask is as before.
 */
START_TEST(test_a_signal_during_the_rewrite_waits_for_the_rename)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	const char *path;
	sigset_t mask;

	make_dir();
	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], note_signal);
		handled = 0;
		handled_in_window = false;
		raise_in_fsync = sigs[i];
		path = record_new("vm1.vmx", MINIMAL, rnd_a, 2);
		raise_in_fsync = 0;
		ck_assert_msg(!handled_in_window, "signal %d handled before the rename", sigs[i]);
		ck_assert(handled);
		assert_file_is(path, MINIMAL "uuid.bios = \"" UUID_A "\"\n"
			       "uuid.location = \"" UUID_A "\"\n");
		ck_assert_int_eq(files_in_dir(), 1);
		ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
		ck_assert(!sigismember(&mask, sigs[i]));
	}
	remove_dir();
}
END_TEST

/* Random lines from .vmx pieces: whatever parses, edits into a file that parses. */
/* vmx_set_keys() (ReconfigVM_Task): values in place, new keys appended, nothing else moved. */
START_TEST(test_set_keys_changes_values_in_place_and_appends_the_rest)
{
	static const struct vmx_set sets[] = {
		{ "memsize", "512" }, { "numvcpus", "2" }, { "sched.cpu.shares", "high" },
	};
	struct vmx_file now;
	struct diag d = { 0 };
	const char *path;
	size_t written;

	make_dir();
	path = put_file("vm1.vmx", "# kept\n" MINIMAL E1000);
	ck_assert_int_eq(vmx_set_keys(path, sets, 3, &now, &written, &d), 0);
	ck_assert_uint_eq(written, 3);
	ck_assert_str_eq(vmx_find(&now, "memsize")->value, "512");
	vmx_file_free(&now);
	assert_file_is(path, "# kept\n"
		       "config.version = \"8\"\n"
		       "virtualHW.version = \"7\"\n"
		       "displayName = \"vm1\"\n"
		       "memsize = \"512\"\n" E1000
		       "numvcpus = \"2\"\n"
		       "sched.cpu.shares = \"high\"\n");
	/* the same again: nothing to write, the file is not touched */
	ck_assert_int_eq(vmx_set_keys(path, sets, 3, &now, &written, &d), 0);
	ck_assert_uint_eq(written, 0);
	vmx_file_free(&now);
	ck_assert_int_eq(files_in_dir(), 1);
	remove_dir();
}
END_TEST

/* What apply() saw: the value of sched.cpu.shares in the file it got; it fails while refuse. */
static char applied[8][16];
static int applies;
static bool refuse;

static int apply_record(void *ctx, const struct vmx_file *file, struct diag *diag)
{
	const struct vmx_entry *e = vmx_find(file, "sched.cpu.shares");

	(void)ctx;
	snprintf(applied[applies++ % 8], sizeof(applied[0]), "%s", e ? e->value : "-");
	if (refuse)
		diag_add(diag, "refused");
	return refuse ? -1 : 0;
}

/*
 * vmx_set_keys_applied() (a running VM's sched.cpu.*): apply() gets the
 * file as it will be, before the rename; its refusal writes nothing; a
 * file that has the values already is only applied; so is n 0.
 */
START_TEST(test_set_keys_applied_applies_before_the_rename_and_a_refusal_writes_nothing)
{
	static const struct vmx_set high[] = { { "sched.cpu.shares", "high" } };
	static const struct vmx_set low[] = { { "sched.cpu.shares", "low" } };
	struct vmx_file now;
	struct diag d = { 0 };
	const char *path;
	size_t written;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL);
	applies = 0;
	refuse = false;
	ck_assert_int_eq(vmx_set_keys_applied(path, high, 1, apply_record, NULL, &now, &written, &d), 0);
	ck_assert_int_eq(applies, 1);
	ck_assert_str_eq(applied[0], "high");
	ck_assert_uint_eq(written, 1);
	vmx_file_free(&now);
	assert_file_is(path, MINIMAL "sched.cpu.shares = \"high\"\n");
	refuse = true;
	ck_assert_int_eq(vmx_set_keys_applied(path, low, 1, apply_record, NULL, &now, &written, &d), -1);
	assert_diag_has(&d, "refused");
	diag_free(&d);
	ck_assert_str_eq(applied[1], "low");
	ck_assert_uint_eq(now.count, 0);
	assert_file_is(path, MINIMAL "sched.cpu.shares = \"high\"\n");
	ck_assert_int_eq(files_in_dir(), 1);
	refuse = false;
	ck_assert_int_eq(vmx_set_keys_applied(path, high, 1, apply_record, NULL, &now, &written, &d), 0);
	ck_assert_uint_eq(written, 0);
	ck_assert_str_eq(applied[2], "high");
	vmx_file_free(&now);
	ck_assert_int_eq(vmx_set_keys_applied(path, NULL, 0, apply_record, NULL, &now, &written, &d), 0);
	ck_assert_str_eq(applied[3], "high");
	ck_assert_int_eq(applies, 4);
	vmx_file_free(&now);
	remove_dir();
}
END_TEST

/* Settings that would not check (a limit below the reservation) leave the file as it was. */
START_TEST(test_set_keys_that_would_not_check_write_nothing)
{
	static const struct vmx_set sets[] = {
		{ "sched.cpu.min", "2000" }, { "sched.cpu.max", "1000" },
	};
	static const struct vmx_set link_sets[] = { { "memsize", "512" } };
	char link_path[128];
	struct vmx_file now;
	struct diag d = { 0 };
	const char *path;
	size_t written = 99;

	make_dir();
	path = put_file("vm1.vmx", MINIMAL);
	ck_assert_int_eq(vmx_set_keys(path, sets, 2, &now, &written, &d), -1);
	assert_diag_has(&d, "'sched.cpu.max' (1000 MHz) is below 'sched.cpu.min' (2000 MHz)");
	assert_diag_has(&d, "the new settings would not read back the same");
	diag_free(&d);
	ck_assert_uint_eq(now.count, 0);
	assert_file_is(path, MINIMAL);
	/* a link is never written through */
	snprintf(link_path, sizeof(link_path), "%s/link.vmx", dir);
	ck_assert_int_eq(symlink("vm1.vmx", link_path), 0);
	ck_assert_int_eq(vmx_set_keys(link_path, link_sets, 1, &now, &written, &d), -1);
	assert_diag_has(&d, "is a symbolic link and its settings are written into the .vmx itself");
	diag_free(&d);
	assert_file_is(path, MINIMAL);
	ck_assert_int_eq(files_in_dir(), 2);
	remove_dir();
}
END_TEST

START_TEST(test_edit_of_random_files_reads_back)
{
	static const char *const pieces[] = {
		"uuid.bios", "UUID.location", "ethernet0.generatedAddress", "a.b", " ", "=",
		"\"", "\"\"", "|22", "|", "#", "\n", "\r\n", "\t", "x", "\"v\"", "\0",
	};
	static const struct vmx_set sets[] = {
		{ "uuid.bios", "56 4d 00" }, { "ethernet0.generatedAddress", "v|\"#\x01" },
		{ "new.key", "" },
	};
	unsigned int seed = 11, parsed = 0;

	for (int round = 0; round < 20000; round++) {
		char text[256], *out;
		size_t len = 0, out_len;
		struct vmx_file f, g;
		struct diag d = { 0 };
		int n = (int)(rand_r(&seed) % 12);

		while (n--) {
			const char *p = pieces[rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t l = *p ? strlen(p) : 1;

			if (len + l < sizeof(text)) {
				memcpy(text + len, p, l);
				len += l;
			}
		}
		if (vmx_parse("r.vmx", text, len, &f, &d)) {
			vmx_file_free(&f);
			diag_free(&d);
			continue;
		}
		parsed++;
		ck_assert_int_eq(vmx_edit(&f, text, len, sets, 3, &out, &out_len), 0);
		ck_assert_int_eq(vmx_parse("r.vmx", out, out_len, &g, &d), 0);
		for (int i = 0; i < 3; i++)
			ck_assert_str_eq(vmx_find(&g, sets[i].key)->value, sets[i].value);
		ck_assert_uint_eq(g.count, f.count + 3 - (vmx_find(&f, "uuid.bios") != NULL) -
				  (vmx_find(&f, "ethernet0.generatedAddress") != NULL));
		vmx_file_free(&g);
		vmx_file_free(&f);
		free(out);
	}
	ck_assert_uint_gt(parsed, 1000);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmx_identity");

	tcase_add_test(tc, test_a_generated_uuid_bios_is_vmwares_text);
	tcase_add_test(tc, test_the_guest_reads_a_generated_uuid_as_rfc4122_version_4);
	tcase_add_test(tc, test_a_generated_mac_is_vmwares_oui_and_the_uuids_tail);
	tcase_add_test(tc, test_a_missing_identity_is_appended_and_reads_back);
	tcase_add_test(tc, test_a_second_start_changes_nothing);
	tcase_add_test(tc, test_comments_blanks_and_order_are_kept_byte_for_byte);
	tcase_add_test(tc, test_a_crlf_file_gets_crlf_lines);
	tcase_add_test(tc, test_a_static_address_is_never_touched);
	tcase_add_test(tc, test_each_nic_gets_its_offset_and_vcenters_are_left_alone);
	tcase_add_test(tc, test_a_read_only_file_is_refused_and_kept);
	tcase_add_test(tc, test_a_failed_write_leaves_the_original_whole);
	tcase_add_test(tc, test_a_file_with_errors_is_not_written);
	tcase_add_test(tc, test_a_file_the_identity_would_make_too_large_is_kept);
	tcase_add_test(tc, test_a_symbolic_link_to_a_vmx_lacking_its_identity_is_refused);
	tcase_add_test(tc, test_a_symbolic_link_to_a_vmx_with_its_identity_is_read);
	tcase_add_test(tc, test_a_hard_linked_vmx_with_its_identity_is_read);
	tcase_add_test(tc, test_a_link_to_a_fifo_a_device_or_a_folder_is_refused);
	tcase_add_test(tc, test_a_folder_that_is_a_symbolic_link_is_followed);
	tcase_add_test(tc, test_a_fifo_is_refused_without_waiting_for_a_writer);
	tcase_add_test(tc, test_a_folder_locked_for_good_is_refused_after_a_wait);
	tcase_add_test(tc, test_a_hard_linked_vmx_lacking_its_identity_is_refused);
	tcase_add_test(tc, test_the_rewrite_keeps_the_files_mode);
	tcase_add_test(tc, test_a_rewrite_removes_the_temporary_files_a_killed_start_left);
	tcase_add_test(tc, test_a_signal_during_the_rewrite_waits_for_the_rename);
	tcase_add_test(tc, test_set_keys_changes_values_in_place_and_appends_the_rest);
	tcase_add_test(tc, test_set_keys_that_would_not_check_write_nothing);
	tcase_add_test(tc, test_set_keys_applied_applies_before_the_rename_and_a_refusal_writes_nothing);
	tcase_add_test(tc, test_edit_of_random_files_reads_back);
	return check_run("vmx_identity", tc);
}
