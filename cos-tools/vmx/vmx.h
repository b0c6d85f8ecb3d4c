// SPDX-License-Identifier: GPL-2.0-only
/*
 * .vmx VM configuration files: reading, checking the keys vmk uses, and
 * writing them back the way VMware (and libvirt's VMX parser) expect.
 * The format and the keys are described in docs/vmx.md.
 *
 * Two layers:
 *  - vmx_parse(): `key = "value"` lines into a list of entries (syntax only);
 *  - vmx_config_from_file(): the vmk keys of such a list, checked, into a
 *    struct vmx_config with defaults applied.
 * Both report every problem they find as "FILE:LINE: what is wrong" in a
 * struct diag (cos-tools/lib/diag.h) and never stop at the first one.
 */
#ifndef COS_TOOLS_VMX_H
#define COS_TOOLS_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cos-tools/lib/diag.h"

/* Largest .vmx file read; VMware's own are a few KiB. */
#define VMX_MAX_FILE_SIZE (1024 * 1024)
/* How long the identity write-back waits for its folder's lock. */
#define VMX_LOCK_WAIT_MS 10000
/*
 * flock(LOCK_EX) of fd (a .vmx's folder: every rewrite of a .vmx holds it
 * from its read to its rename) that gives up after ms. 0, or -1 with
 * errno (EWOULDBLOCK: still locked).
 */
int vmx_lock_within(int fd, int ms);

struct vmx_entry {
	char *key;		/* as written (keys compare case-insensitively) */
	char *value;		/* unescaped */
	unsigned int line;
	size_t value_off;	/* the value as written, between its quotes: */
	size_t value_len;	/* text[value_off .. value_off + value_len) */
};

struct vmx_file {
	char *name;		/* for messages */
	struct vmx_entry *entries;
	size_t count;
};

/*
 * Parse text[0..len) named name. Returns 0 when the file is well formed;
 * otherwise -1, with every problem in diag. file is filled with the lines
 * that parsed either way and must be freed with vmx_file_free().
 */
int vmx_parse(const char *name, const char *text, size_t len,
	      struct vmx_file *file, struct diag *diag);
/*
 * Read and parse the file at path; an unreadable file is a diag too, and
 * so is one that is not a regular file (a pipe is refused, not waited on).
 */
int vmx_load(const char *path, struct vmx_file *file, struct diag *diag);
/*
 * name in dir (a directory fd, or AT_FDCWD) opened for reading only once
 * it is known to be a regular file: a pipe or a device is not opened at
 * all, so its open routine does not run and nothing waits on it. A
 * symbolic link is followed, *linked says so and *st is its target's
 * fstat(); otherwise *st is that of the very file name names. The fd; -1
 * with errno; VMX_NOT_REGULAR for anything else than a regular file.
 */
#define VMX_NOT_REGULAR	(-2)
struct stat;
int vmx_open_regular(int dir, const char *name, struct stat *st, bool *linked);
/*
 * Read the open file fd to its end and parse it as name; also hands back
 * its bytes (*text, *len; free() it), NULL when it could not be read.
 */
int vmx_load_fd(int fd, const char *name, struct vmx_file *file, char **text, size_t *len,
		struct diag *diag);
void vmx_file_free(struct vmx_file *file);

/* The entry for key (case-insensitive), or NULL. */
const struct vmx_entry *vmx_find(const struct vmx_file *file, const char *key);

/*
 * Write `key = "value"` with VMware's escapes (`|22` for a quote, `|7C` for
 * the bar, `|23` for '#', `|XX` for control characters). Returns 0 or -1
 * (write error).
 */
int vmx_write_entry(FILE *out, const char *key, const char *value);

/* A key to set in a file: its value replaced where the file has it, else appended. */
struct vmx_set {
	char key[40];
	char value[64];
};

/*
 * text[0..len), parsed into file without errors, with sets[0..n) applied:
 * a key the file has keeps its line, its spelling, blanks and comment, only
 * the bytes between its quotes change; the others are appended at the end
 * in the order given, each on a line of its own ending as the file's first
 * line does ("\r\n" or "\n"). Every other byte is kept. A new buffer in
 * *out (free()), its length in *out_len. 0, or -1 when out of memory.
 */
int vmx_edit(const struct vmx_file *file, const char *text, size_t len,
	     const struct vmx_set *sets, size_t n, char **out, size_t *out_len);

/* ---- the vmk configuration ---- */

enum vmx_boot { VMX_BOOT_BIOS, VMX_BOOT_LINUX, VMX_BOOT_MULTIBOOT };

/* VMware's share levels per vCPU (vSphere resource management guide). */
#define VMX_SHARES_LOW		500
#define VMX_SHARES_NORMAL	1000
#define VMX_SHARES_HIGH		2000
#define VMX_SHARES_MAX		1000000
/*
 * A disk's shares (sched.scsi0:N.shares): the same levels, per disk
 * (vSphere API SharesLevel: "For Disk: Shares = 500/1000/2000"); a number
 * in vmk's range (VMK_VM_DISK_SHARES_MIN..MAX, include/vmk/vm.h).
 */
#define VMX_DISK_SHARES_MIN	100
#define VMX_DISK_SHARES_MAX	10000

#define VMX_MEMSIZE_ALIGN_MIB	4	/* libvirt and VMware: multiple of 4 */
/* PAE addresses 36 bits of guest physical memory: 64 GiB (SDM vol. 3A §4.4). */
#define VMX_MEMSIZE_MAX_MIB	65536
#define VMX_MAX_VCPUS		16
#define VMX_HW_VERSION_MIN	4	/* oldest libvirt accepts */
#define VMX_HW_VERSION_MAX	21
#define VMX_CPU_UNLIMITED	UINT32_MAX
#define VMX_SCSI_DISKS		4	/* scsi0:0 .. scsi0:3 */
/*
 * ethernet0 .. ethernet3: the NICs vmk gives a VM (VMK_VM_MAX_NICS); a
 * present ethernet4 and up is refused. Any of them may be absent.
 */
#define VMX_NICS		4

struct vmx_ethernet {
	bool present;			/* ethernetN.present */
	const char *dev;		/* ethernetN.virtualDev */
	const char *network;		/* ethernetN.networkName, may be NULL */
	bool is_static;			/* ethernetN.address (addressType static) */
	bool has_mac;			/* address or generatedAddress given */
	uint8_t mac[6];
};

struct vmx_config {
	const char *display_name;
	unsigned int hw_version;
	unsigned int memsize_mib;
	unsigned int numvcpus;
	const char *guest_os;		/* NULL if absent */
	bool has_uuid;
	uint8_t uuid[16];

	bool scsi0_present;
	const char *scsi0_dev;		/* scsi0.virtualDev */
	/* scsi0:N.fileName, NULL if none: a .vmdk or a LUN (vmx_is_lun_name()) */
	const char *scsi0_file[VMX_SCSI_DISKS];
	/* sched.scsi0:N.shares; VMX_SHARES_NORMAL if absent */
	unsigned int scsi0_shares[VMX_SCSI_DISKS];

	struct vmx_ethernet ethernet[VMX_NICS];	/* ethernetN, gaps allowed */

	bool serial0_present;
	const char *serial0_type;	/* serial0.fileType: file, pipe, device, network */
	const char *serial0_file;	/* serial0.fileName */

	enum vmx_boot boot;
	const char *kernel, *initrd, *cmdline;	/* vmk.*; NULL if absent */
	bool debug_exit;		/* vmk.debugExit: isa-debug-exit at 0xF4 */
	bool test_dev;			/* vmk.testDev: pc-testdev (0xE0, 0x2000+n) */

	unsigned int cpu_shares;	/* total for the VM */
	unsigned int cpu_min_mhz;	/* reservation */
	unsigned int cpu_max_mhz;	/* limit, VMX_CPU_UNLIMITED if none */
	unsigned int cpu_affinity;	/* bit n: may run on CPU n; 0: all */
};

/*
 * A LUN of the vmkernel's HBA as `vmkctl storage luns` names it,
 * vmhba0:C0:T<t>:L<l> (t, l < 256): scsi0:N.fileName mapping it raw.
 */
bool vmx_is_lun_name(const char *value);

/* ethernetN.networkName: a port group name, 1..31 printable ASCII. */
#define VMX_NETWORK_NAME_MAX	31
/* ethernetN.networkName when absent: vswitch0's port group at load (docs/network.md). */
#define VMX_DEFAULT_NETWORK	"VM Network"

/* CPUs sched.cpu.affinity can name (0 .. VMX_AFFINITY_CPUS - 1). */
#define VMX_AFFINITY_CPUS	32

/*
 * Check the vmk keys of a parsed file and fill cfg (strings point into
 * file). Returns 0 if the configuration is usable, -1 with diag otherwise.
 */
int vmx_config_from_file(const struct vmx_file *file, struct vmx_config *cfg,
			 struct diag *diag);

/* Write cfg as a .vmx file in vmk's canonical key order. 0 or -1. */
int vmx_config_write(FILE *out, const struct vmx_config *cfg);

const char *vmx_boot_name(enum vmx_boot boot);

/* ---- the identity written back at power on (cos-tools/vmx/identity.c) ---- */

/* ethernet0 .. ethernet9: the NICs a VMware VM may have. */
#define VMX_ETHERNETS		10
/* ethernetN.generatedAddressOffset: VMware's step between a VM's NICs. */
#define VMX_MAC_OFFSET_STEP	10
/* "56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e" and its NUL. */
#define VMX_UUID_TEXT		48
/* "00:0c:29:3c:4d:5e" and its NUL. */
#define VMX_MAC_TEXT		18
/* uuid.bios and uuid.location; per NIC addressType, generatedAddress, its offset. */
#define VMX_IDENTITY_SETS	(2 + 3 * VMX_ETHERNETS)

/* uuid.bios text: 16 hex bytes, blank- or '-'-separated; false if not. */
bool vmx_uuid_parse(const char *text, uint8_t uuid[16]);
void vmx_uuid_format(const uint8_t uuid[16], char text[VMX_UUID_TEXT]);
void vmx_mac_format(const uint8_t mac[6], char text[VMX_MAC_TEXT]);

/*
 * A new uuid.bios from 16 random bytes: VMware's prefix 56 4d, and the
 * version (4) and variant (10b) bits of an RFC 4122 random UUID where a
 * guest reading SMBIOS finds them. SMBIOS gets the bytes in the .vmx's
 * order (vmm/boot/smbios.h) and a guest reads its first three fields
 * little-endian, so the version is the high nibble of byte 7 and the
 * variant the top bits of byte 8: product_uuid "xxxx4d56-xxxx-4xxx-[89ab]xxx-...".
 */
void vmx_uuid_generate(const uint8_t random[16], uint8_t uuid[16]);

/*
 * The MAC VMware generates for a NIC: its OUI 00:0C:29 and the last three
 * bytes of uuid.bios plus offset (ethernetN.generatedAddressOffset,
 * VMX_MAC_OFFSET_STEP * N), modulo 2^24; vsw_mac_generate() in the
 * vmkernel computes the same.
 */
void vmx_mac_generate(const uint8_t uuid[16], uint32_t offset, uint8_t mac[6]);

/*
 * The keys VMware writes at a VM's first power on that file lacks (absent
 * or empty): uuid.bios (and uuid.location, the same) from random, and for
 * each ethernetN present with addressType "generated" or none and no
 * address, its addressType, generatedAddress and generatedAddressOffset.
 * A static address is never touched. Fills sets (VMX_IDENTITY_SETS) and
 * returns their number, or -1 with diag for a value it cannot build on.
 */
int vmx_identity_missing(const struct vmx_file *file, const uint8_t random[16],
			 struct vmx_set *sets, struct diag *diag);

/*
 * Record in the .vmx at path the identity vmx_identity_missing() finds
 * missing, with random for a new uuid.bios. The file must parse and check
 * (vmx_config_from_file()); its directory is opened once and locked
 * (flock) while it is read and rewritten, so two starts of one VM agree,
 * and every later step is relative to that directory, never by path.
 * path must lead to a regular file (a pipe or a device is refused
 * unopened); a symbolic link or a second name is read through, but a
 * file reached so that lacks its identity is refused, not written (root
 * runs this in folders users may own). Only the values change and new
 * keys are appended (vmx_edit()); the new text is checked again, written
 * to a temporary file in the same directory with the original's owner
 * and permission bits (mode & 0777), fsync'd and renamed over the
 * original, with SIGINT, SIGTERM and SIGHUP blocked meanwhile; one a
 * killed start left is removed first. A file without any write
 * permission bit, or one that cannot be replaced, is an error and the
 * original stays as it was. *written: the number of keys set (0: the
 * file had them all and was not touched). *now: the file as it is now,
 * what was written (the new text, parsed by vmx_parse()) or else what was
 * read under the lock, never read again by path; vmx_file_free() it. 0 or
 * -1 with diag (*now empty).
 */
int vmx_identity_record(const char *path, const uint8_t random[16], struct vmx_file *now,
			size_t *written, struct diag *diag);

/* The most keys one rewrite sets. */
#define VMX_SETS_MAX		VMX_IDENTITY_SETS
/*
 * Set sets[0..n) in the .vmx at path (vmk-hostd's ReconfigVM_Task), the
 * way vmx_identity_record() writes: under the folder's lock, only the
 * values change and new keys are appended, the result must check
 * (vmx_config_from_file()) or nothing is written, atomic rename, a link
 * or a second name refused. Keys that already have their value are not
 * counted in *written (0: the file was not touched). 0 or -1 with diag.
 */
int vmx_set_keys(const char *path, const struct vmx_set *sets, size_t n, struct vmx_file *now,
		 size_t *written, struct diag *diag);
/*
 * vmx_set_keys() with a step under the same lock: apply(ctx, file) runs
 * on the file as it will be (as it is, when it has every value already,
 * n 0 included) after the new text checked and before the rename; its
 * failure writes nothing. If the rename then fails, apply() gets the
 * file as it was (diag says whether that undid it). A running VM's
 * `sched.cpu.*` (vm_reconfig_sched()): no writer can come between its
 * read, its application and its rename.
 */
int vmx_set_keys_applied(const char *path, const struct vmx_set *sets, size_t n,
			 int (*apply)(void *ctx, const struct vmx_file *file, struct diag *diag),
			 void *ctx, struct vmx_file *now, size_t *written, struct diag *diag);

#endif /* COS_TOOLS_VMX_H */
