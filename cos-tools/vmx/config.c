// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keys of a .vmx file that vmk uses: checks, defaults, and the canonical
 * file vmk writes. The accepted values follow what VMware writes and what
 * libvirt's VMX parser accepts (tests/external/vmx_libvirt.sh checks that);
 * docs/vmx.md lists them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cos-tools/vmx/vmx.h"

static const char *const scsi_devs[] = {
	"buslogic", "lsilogic", "lsisas1068", "pvscsi", NULL,
};
static const char *const ethernet_devs[] = {
	"vlance", "vmxnet", "vmxnet3", "e1000", "e1000e", NULL,
};
static const char *const ethernet_connections[] = {
	"bridged", "hostonly", "nat", "custom", NULL,
};
static const char *const address_types[] = {
	"static", "generated", "vpx", NULL,
};
static const char *const serial_types[] = {
	"file", "pipe", "device", "network", NULL,
};
static const char *const boot_names[] = {
	[VMX_BOOT_BIOS] = "bios", [VMX_BOOT_LINUX] = "linux",
	[VMX_BOOT_MULTIBOOT] = "multiboot", NULL,
};
/* Every vmk.* key; any other is a typo and refused. */
static const char *const vmk_keys[] = {
	"vmk.boot", "vmk.kernel", "vmk.initrd", "vmk.cmdline", "vmk.debugExit",
	"vmk.testDev", NULL,
};

struct checker {
	const struct vmx_file *file;
	struct diag *diag;
	bool ok;
};

/* Report a problem at e's line (or the whole file when e is NULL). */
__attribute__((format(printf, 3, 4)))
static void fail(struct checker *c, const struct vmx_entry *e, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add_at(c->diag, c->file->name, e ? e->line : 0, "%s", msg);
	c->ok = false;
}

static const char *get(struct checker *c, const char *key)
{
	const struct vmx_entry *e = vmx_find(c->file, key);

	return e ? e->value : NULL;
}

static const struct vmx_entry *require(struct checker *c, const char *key)
{
	const struct vmx_entry *e = vmx_find(c->file, key);

	if (!e)
		fail(c, NULL, "'%s' is missing", key);
	return e;
}

/* A decimal number in [min, max]; false (with a diag) otherwise. */
static bool get_uint(struct checker *c, const struct vmx_entry *e,
		     unsigned long min, unsigned long max, unsigned int *out)
{
	const char *v = e->value;
	unsigned long n = 0;

	if (!*v)
		goto bad;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v) || n > max)
			goto bad;
		n = n * 10 + (unsigned long)(*v - '0');
	}
	if (n < min || n > max)
		goto bad;
	*out = (unsigned int)n;
	return true;
bad:
	fail(c, e, "'%s' must be a whole number from %lu to %lu, not \"%s\"",
	     e->key, min, max, e->value);
	return false;
}

/*
 * Shares as VMware writes them: low, normal, high (each times per) or a
 * number in [min, max]; *out untouched and a diag when neither.
 */
static void get_shares(struct checker *c, const struct vmx_entry *e, unsigned int per,
		       unsigned long min, unsigned long max, unsigned int *out)
{
	static const char *const levels[] = { "low", "normal", "high", NULL };
	static const unsigned int level_shares[] = {
		VMX_SHARES_LOW, VMX_SHARES_NORMAL, VMX_SHARES_HIGH,
	};
	int i;

	if (isdigit((unsigned char)e->value[0])) {
		get_uint(c, e, min, max, out);
		return;
	}
	for (i = 0; levels[i] && strcasecmp(e->value, levels[i]); i++)
		;
	if (levels[i])
		*out = level_shares[i] * per;
	else
		fail(c, e, "'%s' must be low, normal, high or a number from %lu to %lu, not \"%s\"",
		     e->key, min, max, e->value);
}

/* Index of the value of e in choices (case-insensitive), or -1 with a diag. */
static int get_choice(struct checker *c, const struct vmx_entry *e,
		      const char *const *choices)
{
	char list[200];
	size_t n = 0;
	int i;

	for (i = 0; choices[i]; i++)
		if (!strcasecmp(e->value, choices[i]))
			return i;
	list[0] = '\0';
	for (i = 0; choices[i] && n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, " %s", choices[i]);
	fail(c, e, "'%s' must be one of%s, not \"%s\"", e->key, list, e->value);
	return -1;
}

/* "TRUE"/"FALSE" as VMware writes them; absent is FALSE. */
static bool get_present(struct checker *c, const char *key)
{
	static const char *const bools[] = { "FALSE", "TRUE", NULL };
	const struct vmx_entry *e = vmx_find(c->file, key);

	return e && get_choice(c, e, bools) == 1;
}

/* uuid.bios: 16 hex bytes, "56 4d ... 0d-b4 2e ..." as VMware writes it. */
bool vmx_uuid_parse(const char *s, uint8_t uuid[16])
{
	int i;

	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (i && (*s == ' ' || *s == '-'))
			s++;
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' : (tolower(s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' : (tolower(s[1]) - 'a' + 10);
		uuid[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *s == '\0';
}

void vmx_uuid_format(const uint8_t uuid[16], char text[VMX_UUID_TEXT])
{
	size_t n = 0;

	for (int i = 0; i < 16; i++)
		n += (size_t)snprintf(text + n, VMX_UUID_TEXT - n, "%s%02x",
				      i == 0 ? "" : i == 8 ? "-" : " ", uuid[i]);
}

void vmx_mac_format(const uint8_t m[6], char text[VMX_MAC_TEXT])
{
	snprintf(text, VMX_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* "00:50:56:0a:0b:0c" (either case); false if not six hex pairs. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' : (tolower((unsigned char)s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' : (tolower((unsigned char)s[1]) - 'a' + 10);
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

/* A MAC a NIC may have: six hex pairs, unicast (I/G bit clear), not zero. */
static bool get_mac(struct checker *c, const struct vmx_entry *e, uint8_t mac[6])
{
	if (!parse_mac(e->value, mac)) {
		fail(c, e, "'%s' must be a MAC address like \"00:50:56:01:02:03\", not \"%s\"",
		     e->key, e->value);
		return false;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		fail(c, e, "'%s' must be a unicast address, not zero, not a group address (first byte even), not \"%s\"",
		     e->key, e->value);
		return false;
	}
	return true;
}

/* ethernetN.<suffix> into key. */
static const char *nic_key(char key[32], unsigned int nic, const char *suffix)
{
	snprintf(key, 32, "ethernet%u.%s", nic, suffix);
	return key;
}

static void check_ethernet(struct checker *c, unsigned int nic, struct vmx_ethernet *eth)
{
	const struct vmx_entry *e, *type, *addr, *gen;
	char key[32];
	int i;

	e = require(c, nic_key(key, nic, "virtualDev"));
	if (e && (i = get_choice(c, e, ethernet_devs)) >= 0)
		eth->dev = ethernet_devs[i];
	e = vmx_find(c->file, nic_key(key, nic, "connectionType"));
	if (e)
		get_choice(c, e, ethernet_connections);
	e = vmx_find(c->file, nic_key(key, nic, "networkName"));
	if (e) {
		bool printable = *e->value && strlen(e->value) <= VMX_NETWORK_NAME_MAX;

		for (const char *p = e->value; printable && *p; p++)
			printable = *p >= 0x20 && *p < 0x7f;
		if (!printable)
			fail(c, e, "'%s' must name a port group: 1 to %d printable ASCII characters",
			     e->key, VMX_NETWORK_NAME_MAX);
		eth->network = e->value;
	}
	type = vmx_find(c->file, nic_key(key, nic, "addressType"));
	i = type ? get_choice(c, type, address_types) : -1;
	addr = vmx_find(c->file, nic_key(key, nic, "address"));
	gen = vmx_find(c->file, nic_key(key, nic, "generatedAddress"));
	if (type && i == 0 && !addr)
		fail(c, type, "'%s' is \"static\" but 'ethernet%u.address' is missing",
		     type->key, nic);
	if (addr && type && i != 0)
		fail(c, addr, "'%s' needs ethernet%u.addressType = \"static\" (or no addressType), not \"%s\"",
		     addr->key, nic, type->value);
	if (addr && get_mac(c, addr, eth->mac)) {
		const uint8_t *m = eth->mac;

		/* VMware's range for manually set addresses (docs/network.md "MAC addresses"). */
		if (m[0] != 0x00 || m[1] != 0x50 || m[2] != 0x56 || m[3] > 0x3f)
			fail(c, addr, "'%s' must be in VMware's static range 00:50:56:00:00:00-00:50:56:3F:FF:FF, not \"%s\"",
			     addr->key, addr->value);
		eth->is_static = eth->has_mac = true;
	} else if (!addr && gen && *gen->value && get_mac(c, gen, eth->mac)) {
		eth->has_mac = true;
	}
}

/* ethernet0 .. ethernet3, each on its own; VMware's ethernet4 .. 9 refused. */
static void check_ethernets(struct checker *c, struct vmx_config *cfg)
{
	char key[32];

	for (unsigned int nic = 0; nic < VMX_ETHERNETS; nic++) {
		const struct vmx_entry *e = vmx_find(c->file, nic_key(key, nic, "present"));

		if (!get_present(c, key))
			continue;
		if (nic >= VMX_NICS) {
			fail(c, e, "'%s': vmk gives a VM at most %u NICs, ethernet0 to ethernet%u",
			     e->key, VMX_NICS, VMX_NICS - 1);
			continue;
		}
		cfg->ethernet[nic].present = true;
		check_ethernet(c, nic, &cfg->ethernet[nic]);
	}
}

static void check_vmk_keys(struct checker *c)
{
	size_t i;
	int k;

	for (i = 0; i < c->file->count; i++) {
		const struct vmx_entry *e = &c->file->entries[i];

		if (strncasecmp(e->key, "vmk.", 4))
			continue;
		for (k = 0; vmk_keys[k]; k++)
			if (!strcasecmp(e->key, vmk_keys[k]))
				break;
		if (!vmk_keys[k])
			fail(c, e, "unknown vmk key '%s' (known: vmk.boot, vmk.kernel, vmk.initrd, vmk.cmdline, vmk.debugExit, vmk.testDev)",
			     e->key);
	}
}

static void check_identity(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e;

	e = require(c, "config.version");
	if (e && strcmp(e->value, "8"))
		fail(c, e, "'config.version' must be \"8\", not \"%s\"", e->value);
	e = require(c, "virtualHW.version");
	if (e)
		get_uint(c, e, VMX_HW_VERSION_MIN, VMX_HW_VERSION_MAX, &cfg->hw_version);
	e = require(c, "displayName");
	if (e && !*e->value)
		fail(c, e, "'%s' must not be empty", e->key);
	cfg->display_name = e ? e->value : NULL;
	cfg->guest_os = get(c, "guestOS");
	/* empty or absent: `vmkctl vm start` generates one (identity.c) */
	e = vmx_find(c->file, "uuid.bios");
	if (e && *e->value) {
		cfg->has_uuid = vmx_uuid_parse(e->value, cfg->uuid);
		if (!cfg->has_uuid)
			fail(c, e, "'uuid.bios' must be 16 hex bytes like \"56 4d 9b 3a 5c 6f 27 0d-b4 2e 7a 0e 9b 3c 4d 5e\", not \"%s\"",
			     e->value);
	}
}

static void check_resources(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e;

	e = require(c, "memsize");
	if (e && get_uint(c, e, VMX_MEMSIZE_ALIGN_MIB, VMX_MEMSIZE_MAX_MIB,
			  &cfg->memsize_mib) &&
	    cfg->memsize_mib % VMX_MEMSIZE_ALIGN_MIB)
		fail(c, e, "'memsize' must be a multiple of 4 (MiB), not %s", e->value);
	cfg->numvcpus = 1;
	e = vmx_find(c->file, "numvcpus");
	if (e)
		get_uint(c, e, 1, VMX_MAX_VCPUS, &cfg->numvcpus);
}

/* A decimal below 256 without a leading zero at *p; *p moves past it. */
static bool lun_number(const char **p)
{
	const char *s = *p;
	unsigned int v = 0;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
		return false;
	for (; isdigit((unsigned char)*s); s++)
		if ((v = v * 10 + (unsigned int)(*s - '0')) > 255)
			return false;
	*p = s;
	return true;
}

bool vmx_is_lun_name(const char *v)
{
	if (strncmp(v, "vmhba0:C0:T", 11))
		return false;
	v += 11;
	if (!lun_number(&v) || strncmp(v, ":L", 2))
		return false;
	v += 2;
	return lun_number(&v) && !*v;
}

static void check_devices(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e;
	size_t len;
	int i;

	cfg->scsi0_present = get_present(c, "scsi0.present");
	if (cfg->scsi0_present) {
		e = require(c, "scsi0.virtualDev");
		if (e && (i = get_choice(c, e, scsi_devs)) >= 0)
			cfg->scsi0_dev = scsi_devs[i];
	}
	for (unsigned int n = 0; n < VMX_SCSI_DISKS; n++) {
		char key[32], present[32], shares[32];
		const struct vmx_entry *s;

		snprintf(key, sizeof(key), "scsi0:%u.fileName", n);
		snprintf(present, sizeof(present), "scsi0:%u.present", n);
		snprintf(shares, sizeof(shares), "sched.scsi0:%u.shares", n);
		e = vmx_find(c->file, key);
		s = vmx_find(c->file, shares);
		cfg->scsi0_shares[n] = VMX_SHARES_NORMAL;
		if (s && !e)
			fail(c, s, "'%s' needs a disk: scsi0:%u.fileName", s->key, n);
		else if (s)
			get_shares(c, s, 1, VMX_DISK_SHARES_MIN, VMX_DISK_SHARES_MAX,
				   &cfg->scsi0_shares[n]);
		if (!e)
			continue;
		if (!cfg->scsi0_present || !get_present(c, present))
			fail(c, e, "'%s' needs scsi0.present and %s = \"TRUE\"", e->key, present);
		len = strlen(e->value);
		if (!vmx_is_lun_name(e->value) &&
		    (len < 5 || strcasecmp(e->value + len - 5, ".vmdk")))
			fail(c, e, "'%s' must name a .vmdk disk or a LUN (vmhba0:C0:T1:L0), not \"%s\"",
			     e->key, e->value);
		cfg->scsi0_file[n] = e->value;
	}

	check_ethernets(c, cfg);

	cfg->serial0_present = get_present(c, "serial0.present");
	if (cfg->serial0_present) {
		e = require(c, "serial0.fileType");
		if (e && (i = get_choice(c, e, serial_types)) >= 0)
			cfg->serial0_type = serial_types[i];
		e = require(c, "serial0.fileName");
		if (e && !*e->value)
			fail(c, e, "'%s' must not be empty", e->key);
		cfg->serial0_file = e ? e->value : NULL;
	}
}

static void check_boot(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e = vmx_find(c->file, "vmk.boot");
	const struct vmx_entry *kernel = vmx_find(c->file, "vmk.kernel");
	int i;

	cfg->boot = VMX_BOOT_BIOS;
	if (e && (i = get_choice(c, e, boot_names)) >= 0)
		cfg->boot = i;
	cfg->kernel = get(c, "vmk.kernel");
	cfg->initrd = get(c, "vmk.initrd");
	cfg->cmdline = get(c, "vmk.cmdline");
	cfg->debug_exit = get_present(c, "vmk.debugExit");
	cfg->test_dev = get_present(c, "vmk.testDev");
	if (cfg->boot == VMX_BOOT_BIOS) {
		/* the firmware boots vmk.kernel as QEMU's -kernel does */
		static const char *const with_kernel[] = {
			"vmk.initrd", "vmk.cmdline", NULL,
		};

		if (kernel && !*kernel->value)
			fail(c, kernel, "'vmk.kernel' is empty");
		for (i = 0; !kernel && with_kernel[i]; i++) {
			const struct vmx_entry *k = vmx_find(c->file, with_kernel[i]);

			if (k)
				fail(c, k, "'%s' needs a 'vmk.kernel' file", k->key);
		}
	} else if (!kernel || !*kernel->value) {
		fail(c, kernel ? kernel : e, "vmk.boot = \"%s\" needs a 'vmk.kernel' file",
		     boot_names[cfg->boot]);
	}
}

/* sched.cpu.affinity: "all" or CPU numbers separated by commas, as VMware
 * writes it ("0,1"). */
static void check_affinity(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e = vmx_find(c->file, "sched.cpu.affinity");
	const char *p;
	char *end;
	unsigned long cpu;

	cfg->cpu_affinity = 0;
	if (!e || !strcasecmp(e->value, "all"))
		return;
	for (p = e->value;; p = end + 1) {
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			break;
		errno = 0;
		cpu = strtoul(p, &end, 10);
		if (errno || cpu >= VMX_AFFINITY_CPUS)
			break;
		cfg->cpu_affinity |= 1u << cpu;
		while (*end == ' ')
			end++;
		if (!*end)
			return;
		if (*end != ',')
			break;
	}
	cfg->cpu_affinity = 0;
	fail(c, e, "'sched.cpu.affinity' must be \"all\" or CPU numbers 0..%u separated by commas, not \"%s\"",
	     VMX_AFFINITY_CPUS - 1, e->value);
}

static void check_sched(struct checker *c, struct vmx_config *cfg)
{
	const struct vmx_entry *e = vmx_find(c->file, "sched.cpu.shares");
	const struct vmx_entry *max;

	/* levels are per vCPU, as VMware counts them */
	cfg->cpu_shares = VMX_SHARES_NORMAL * cfg->numvcpus;
	if (e)
		get_shares(c, e, cfg->numvcpus, 1, VMX_SHARES_MAX, &cfg->cpu_shares);
	cfg->cpu_min_mhz = 0;
	e = vmx_find(c->file, "sched.cpu.min");
	if (e)
		get_uint(c, e, 0, VMX_CPU_UNLIMITED - 1, &cfg->cpu_min_mhz);
	cfg->cpu_max_mhz = VMX_CPU_UNLIMITED;
	max = vmx_find(c->file, "sched.cpu.max");
	/* "unlimited": what vmk-hostd writes for a limit of -1 */
	if (max && !strcasecmp(max->value, "unlimited"))
		max = NULL;
	if (max && get_uint(c, max, 1, VMX_CPU_UNLIMITED - 1, &cfg->cpu_max_mhz) &&
	    cfg->cpu_min_mhz > cfg->cpu_max_mhz)
		fail(c, max, "'sched.cpu.max' (%u MHz) is below 'sched.cpu.min' (%u MHz)",
		     cfg->cpu_max_mhz, cfg->cpu_min_mhz);
	check_affinity(c, cfg);
}

int vmx_config_from_file(const struct vmx_file *file, struct vmx_config *cfg,
			 struct diag *diag)
{
	struct checker c = { .file = file, .diag = diag, .ok = true };

	memset(cfg, 0, sizeof(*cfg));
	check_vmk_keys(&c);
	check_identity(&c, cfg);
	check_resources(&c, cfg);
	check_devices(&c, cfg);
	check_boot(&c, cfg);
	check_sched(&c, cfg);
	return c.ok ? 0 : -1;
}

const char *vmx_boot_name(enum vmx_boot boot)
{
	return boot_names[boot];
}

/* A writer that remembers the first error, so the caller checks once. */
struct writer {
	FILE *out;
	int err;
};

static void put(struct writer *w, const char *key, const char *value)
{
	if (value && vmx_write_entry(w->out, key, value))
		w->err = -1;
}

static void put_uint(struct writer *w, const char *key, unsigned int value)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", value);
	put(w, key, buf);
}

static void put_affinity(struct writer *w, unsigned int mask)
{
	char buf[VMX_AFFINITY_CPUS * 3 + 1];
	size_t n = 0;
	unsigned int cpu;

	buf[0] = '\0';
	for (cpu = 0; cpu < VMX_AFFINITY_CPUS; cpu++)
		if (mask & (1u << cpu))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u",
					      n ? "," : "", cpu);
	put(w, "sched.cpu.affinity", buf);
}

int vmx_config_write(FILE *out, const struct vmx_config *cfg)
{
	struct writer w = { .out = out };
	char uuid[VMX_UUID_TEXT];

	put(&w, ".encoding", "UTF-8");
	put(&w, "config.version", "8");
	put_uint(&w, "virtualHW.version", cfg->hw_version);
	put(&w, "displayName", cfg->display_name);
	put(&w, "guestOS", cfg->guest_os);
	put_uint(&w, "memsize", cfg->memsize_mib);
	put_uint(&w, "numvcpus", cfg->numvcpus);
	if (cfg->has_uuid) {
		vmx_uuid_format(cfg->uuid, uuid);
		put(&w, "uuid.bios", uuid);
	}
	if (cfg->scsi0_present) {
		put(&w, "scsi0.present", "TRUE");
		put(&w, "scsi0.virtualDev", cfg->scsi0_dev);
		for (unsigned int n = 0; n < VMX_SCSI_DISKS; n++) {
			char key[32];

			if (!cfg->scsi0_file[n])
				continue;
			snprintf(key, sizeof(key), "scsi0:%u.present", n);
			put(&w, key, "TRUE");
			snprintf(key, sizeof(key), "scsi0:%u.fileName", n);
			put(&w, key, cfg->scsi0_file[n]);
			if (!cfg->scsi0_shares[n] || cfg->scsi0_shares[n] == VMX_SHARES_NORMAL)
				continue;
			snprintf(key, sizeof(key), "sched.scsi0:%u.shares", n);
			put_uint(&w, key, cfg->scsi0_shares[n]);
		}
	}
	for (unsigned int n = 0; n < VMX_NICS; n++) {
		const struct vmx_ethernet *eth = &cfg->ethernet[n];
		char key[32];

		if (!eth->present)
			continue;
		put(&w, nic_key(key, n, "present"), "TRUE");
		put(&w, nic_key(key, n, "virtualDev"), eth->dev);
		if (eth->network) {
			put(&w, nic_key(key, n, "connectionType"), "bridged");
			put(&w, nic_key(key, n, "networkName"), eth->network);
		}
		if (eth->has_mac) {
			char mac[VMX_MAC_TEXT];

			vmx_mac_format(eth->mac, mac);
			put(&w, nic_key(key, n, "addressType"), eth->is_static ? "static" : "generated");
			put(&w, nic_key(key, n, eth->is_static ? "address" : "generatedAddress"), mac);
		}
	}
	if (cfg->serial0_present) {
		put(&w, "serial0.present", "TRUE");
		put(&w, "serial0.fileType", cfg->serial0_type);
		put(&w, "serial0.fileName", cfg->serial0_file);
	}
	put_uint(&w, "sched.cpu.shares", cfg->cpu_shares);
	if (cfg->cpu_min_mhz)
		put_uint(&w, "sched.cpu.min", cfg->cpu_min_mhz);
	if (cfg->cpu_max_mhz != VMX_CPU_UNLIMITED)
		put_uint(&w, "sched.cpu.max", cfg->cpu_max_mhz);
	if (cfg->cpu_affinity)
		put_affinity(&w, cfg->cpu_affinity);
	if (cfg->boot != VMX_BOOT_BIOS)
		put(&w, "vmk.boot", vmx_boot_name(cfg->boot));
	put(&w, "vmk.kernel", cfg->kernel);
	put(&w, "vmk.initrd", cfg->initrd);
	put(&w, "vmk.cmdline", cfg->cmdline);
	if (cfg->debug_exit)
		put(&w, "vmk.debugExit", "TRUE");
	if (cfg->test_dev)
		put(&w, "vmk.testDev", "TRUE");
	return w.err;
}
