// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs added and removed: Folder.RegisterVM_Task, Folder.CreateVM_Task and
 * VirtualMachine.Destroy_Task. A VM is a .vmx file on a datastore, and a
 * datastore is a folder of hostd.datastores: "[ds] dir/x.vmx" is
 * DATASTORES/ds/dir/x.vmx. Registering is what `vmkctl vm register` does
 * (the backend keeps the list). A request that is malformed gets its
 * fault at once; one that is well formed gets a Task, failed with the
 * vSphere fault when the VM cannot be added or removed. Every check is
 * made before anything is written, and what was written is taken back
 * when a later step fails.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vmk/vm.h>
#include "cos-tools/vmkctl/vm_start.h"
#include "hostd.h"

#define VM_FOLDER	"ha-folder-vm"

/*
 * A datastore path "[ds] rel" (rel may be empty) as an absolute path; 0,
 * or -1 with InvalidArgument(prop). rel may not leave the datastore.
 */
static int ds_path(struct soap_call *c, const char *prop, const char *in, char *out, size_t len)
{
	const char *end = in[0] == '[' ? strchr(in, ']') : NULL, *rel, *p;
	char ds[DS_NAME_MAX];
	size_t l;

	if (!end || !path_name_ok(in + 1, (size_t)(end - in - 1)) || end - in - 1 >= DS_NAME_MAX)
		return soap_fail_argument(c, prop, "'%s' is not a datastore path ([datastore] folder/file.vmx)",
					  in);
	memcpy(ds, in + 1, (size_t)(end - in - 1));
	ds[end - in - 1] = '\0';
	/* the datastores the datastore folder lists (datastore.c), no other */
	if (!ds_exists(c, ds))
		return soap_fail_argument(c, prop, "no datastore '%s' on this host", ds);
	rel = end + 1 + (end[1] == ' ');
	for (p = rel; *p; p += l + (p[l] == '/')) {
		l = strcspn(p, "/");
		if (!path_name_ok(p, l) && !(l == 0 && !p[l]))
			return soap_fail_argument(c, prop, "'%s': each part of a datastore path is a plain name",
						  in);
	}
	if ((size_t)snprintf(out, len, "%s/%s", hostd.datastores, ds) >= len)
		return soap_fail_argument(c, prop, "'%s' is too long", in);
	l = strlen(out);
	if (*rel && (size_t)snprintf(out + l, len - l, "/%s", rel) >= len - l)
		return soap_fail_argument(c, prop, "'%s' is too long", in);
	l = strlen(out);
	while (l && out[l - 1] == '/')
		out[--l] = '\0';
	return 0;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

/*
 * Add the .vmx at path as a VM, as `vmkctl vm register` does; want_name,
 * when not NULL, must be its displayName. The outcome in t.
 */
static int vm_add(struct soap_call *c, struct task *t, const char *path, const char *want_name)
{
	char err[sizeof(c->fault.msg)], id[16];
	struct diag diag = { 0 };
	struct hostd_vm vm = { 0 };
	struct vm_file vf;
	uint32_t moref;
	size_t i;

	if (vm_file_load(path, &vf, &diag)) {
		diag_join(&diag, err, sizeof(err));
		diag_free(&diag);
		task_fail(t, "InvalidArgument", "path", "not a usable .vmx: %s", err);
		return -1;
	}
	snprintf(vm.name, sizeof(vm.name), "%s", vf.cfg.display_name);
	vm.mem_mb = vf.cfg.memsize_mib;
	vm.vcpus = vf.cfg.numvcpus;
	hostd_vm_devices(&vm, &vf.cfg);
	if (want_name && strcmp(want_name, vf.cfg.display_name))
		task_fail(t, "InvalidArgument", "name",
			  "vmk names a VM by its .vmx's displayName ('%.64s'), not '%.64s'",
			  vf.cfg.display_name, want_name);
	else if (strlen(vf.cfg.display_name) >= VMK_VM_NAME_LEN)
		task_fail(t, "InvalidArgument", "name", "displayName '%.64s' is longer than %d characters",
			  vf.cfg.display_name, VMK_VM_NAME_LEN - 1);
	vm_file_free(&vf);
	if (task_failed(t))
		return -1;
	for (i = 0; i < c->nvms; i++) {
		if (!strcmp(c->vms[i].name, vm.name)) {
			task_fail(t, "DuplicateName", vm.name, "The name '%s' already exists.", vm.name);
			return -1;
		}
		if (!strcmp(c->vms[i].vmx_path, path)) {
			task_fail(t, "AlreadyExists", "", "%s is registered already (as '%s')", path,
				  c->vms[i].name);
			return -1;
		}
	}
	if (hostd.backend->vm_register(hostd.backend->ctx, path, &vm, &moref, &diag)) {
		task_fail_diag(t, "SystemError", &diag);
		return -1;
	}
	snprintf(id, sizeof(id), "%u", moref);
	task_set_result(t, "VirtualMachine", id);
	return 0;
}

static int vm_folder_only(struct soap_call *c)
{
	if (!strcmp(c->this.value, VM_FOLDER))
		return 0;
	return soap_fail_argument(c, "_this", "VMs are added to the VM folder, %s", VM_FOLDER);
}

/* RegisterVM_Task(path, name, asTemplate, pool, host): an existing .vmx joins. */
int folder_register_vm_task(struct soap_call *c)
{
	char dspath[HOSTD_PATH_LEN], path[HOSTD_PATH_LEN], name[HOSTD_NAME_LEN];
	xmlNodePtr n = xml_child(c->method, "name");
	struct task *t;

	if (vm_folder_only(c))
		return -1;
	if (xml_text(xml_child(c->method, "path"), dspath, sizeof(dspath)) || !dspath[0])
		return soap_fail_argument(c, "path", "RegisterVM_Task needs the datastore path of a .vmx");
	if (xml_text(n, name, sizeof(name)))
		return soap_fail_argument(c, "name", "name is longer than %d characters",
					  VMK_VM_NAME_LEN - 1);
	if (xml_bool(xml_child(c->method, "asTemplate"), false))
		return soap_fail_argument(c, "asTemplate", "vmk has no templates");
	if (ds_path(c, "path", dspath, path, sizeof(path)))
		return -1;
	if (!ends_with(path, ".vmx"))
		return soap_fail_argument(c, "path", "'%s' does not name a .vmx file", dspath);
	if (call_vms(c))
		return -1;
	t = task_new(c, "registerVm", "vm");
	/* the path as the client wrote it: the COS's folders are not its business */
	if (access(path, F_OK))
		task_fail(t, "NotFound", "", "%s: %s", dspath, strerror(errno));
	else
		vm_add(c, t, path, n && name[0] ? name : NULL);
	return task_answer(c, t);
}

/* An unsigned number of a config spec between 1 and max, or dflt when absent. */
static int spec_uint(struct soap_call *c, xmlNodePtr spec, const char *prop, unsigned int max,
		     unsigned int dflt, unsigned int *v)
{
	xmlNodePtr n = xml_child(spec, prop);
	char buf[16], *end;
	unsigned long x;

	*v = dflt;
	if (!n)
		return 0;
	if (xml_text(n, buf, sizeof(buf)) || !buf[0])
		goto bad;
	x = strtoul(buf, &end, 10);
	if (*end || buf[0] == '-' || x < 1 || x > max)
		goto bad;
	*v = (unsigned int)x;
	return 0;
bad:
	return soap_fail_argument(c, prop, "config.%s must be a number from 1 to %u", prop, max);
}

/* The NICs of a new VM: config.deviceChange's VirtualE1000s, in order. */
struct new_nics {
	struct vmx_ethernet eth[VMX_NICS];
	char network[VMX_NICS][HOSTD_NET_NAME_LEN];
	unsigned int count;
};

/* "00:50:56:XX:XX:XX" into mac: true if it is in VMware's static range (docs/vmx.md). */
static bool static_mac(const char *s, uint8_t mac[6])
{
	char byte[3] = "";

	if (strlen(s) != 3 * 6 - 1)
		return false;
	for (size_t i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]) ||
		    (i < 5 && s[3 * i + 2] != ':'))
			return false;
		memcpy(byte, s + 3 * i, 2);
		mac[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return mac[0] == 0x00 && mac[1] == 0x50 && mac[2] == 0x56 && mac[3] <= 0x3f;
}

/*
 * A VirtualE1000 of config.deviceChange into nics: on a port group of
 * this host, its MAC generated at the first power on or a manual one.
 * Anything else is refused naming its field: -1 with InvalidArgument.
 */
static int spec_nic(struct soap_call *c, xmlNodePtr change, struct new_nics *nics)
{
	xmlNodePtr dev = xml_child(change, "device"), backing = xml_child(dev, "backing");
	struct vmx_ethernet *eth = &nics->eth[nics->count];
	char *net = nics->network[nics->count];
	char buf[64] = "", type[64] = "";

	if (xml_child(change, "fileOperation"))
		return soap_fail_argument(c, "config.deviceChange.fileOperation",
					  "a NIC has no files to make");
	if (nics->count == VMX_NICS)
		return soap_fail_argument(c, "config.deviceChange",
					  "vmk gives a VM at most %d NICs", VMX_NICS);
	xml_xsi_type(backing, type, sizeof(type));
	if (strcmp(type, "VirtualEthernetCardNetworkBackingInfo"))
		return soap_fail_argument(c, "config.deviceChange.device.backing",
					  "a NIC's backing is a port group (VirtualEthernetCardNetworkBackingInfo), not %s",
					  type[0] ? type : "a backing without xsi:type");
	if (xml_text(xml_child(backing, "deviceName"), net, HOSTD_NET_NAME_LEN) || !net[0] ||
	    !call_net_named(c, net))
		return c->fault.type ? -1 :
		       soap_fail_argument(c, "config.deviceChange.device.backing.deviceName",
					  "no port group '%s' on this host (vmkctl network lists them)", net);
	if (xml_text(xml_child(dev, "addressType"), buf, sizeof(buf)))
		buf[0] = '?';
	if (!strcmp(buf, "manual")) {
		if (xml_text(xml_child(dev, "macAddress"), buf, sizeof(buf)) ||
		    !static_mac(buf, eth->mac))
			return soap_fail_argument(c, "config.deviceChange.device.macAddress",
						  "a manual MAC is one of VMware's static range 00:50:56:00:00:00-00:50:56:3F:FF:FF, not \"%s\"",
						  buf);
		eth->is_static = eth->has_mac = true;
	} else if (buf[0] && strcmp(buf, "generated")) {
		return soap_fail_argument(c, "config.deviceChange.device.addressType",
					  "addressType is \"generated\" or \"manual\", not \"%s\"", buf);
	} else if (xml_child(dev, "macAddress")) {
		return soap_fail_argument(c, "config.deviceChange.device.macAddress",
					  "a macAddress needs addressType \"manual\"");
	}
	eth->present = true;
	eth->dev = "e1000";
	eth->network = net;
	nics->count++;
	return 0;
}

/*
 * The disks of a new VM: a SCSI controller (scsi0) and VirtualDisks on
 * it, each made on a VMFS datastore through the vmkernel (fileOperation
 * "create", as `vmkfstools -c`) or an existing disk attached (none).
 */
struct new_disk {
	bool present;
	bool create;
	struct hostd_vdisk vd;		/* path: "[LABEL] DIR/NAME.vmdk" */
};

struct new_disks {
	const char *scsi_dev;		/* scsi0.virtualDev; NULL: no controller */
	char scsi_key[16];		/* its key in the spec */
	unsigned int auto_named;	/* disks named NAME/NAME.vmdk, NAME/NAME_N.vmdk so far */
	struct new_disk disk[VMX_SCSI_DISKS];	/* by unit number */
	/* what was made, to say what is left when a later step fails */
	char made[2 * VMX_SCSI_DISKS][HOSTD_VDISK_PATH_LEN];
	size_t nmade;
};

#define DISK_PROP	"config.deviceChange.device"

static int spec_scsi(struct soap_call *c, xmlNodePtr change, const char *type,
		     struct new_disks *disks)
{
	xmlNodePtr dev = xml_child(change, "device");
	char bus[16] = "";

	if (disks->scsi_dev)
		return soap_fail_argument(c, DISK_PROP, "vmk gives a VM one SCSI controller (scsi0)");
	if (xml_child(change, "fileOperation"))
		return soap_fail_argument(c, "config.deviceChange.fileOperation",
					  "a SCSI controller has no files to make");
	if (xml_text(xml_child(dev, "key"), disks->scsi_key, sizeof(disks->scsi_key)) ||
	    !disks->scsi_key[0])
		return soap_fail_argument(c, DISK_PROP ".key",
					  "a SCSI controller needs the key its disks' controllerKey names");
	if (xml_text(xml_child(dev, "busNumber"), bus, sizeof(bus)) || (bus[0] && strcmp(bus, "0")))
		return soap_fail_argument(c, DISK_PROP ".busNumber",
					  "vmk's SCSI controller is bus 0, not %s", bus);
	disks->scsi_dev = scsi_dev_of_type(type);
	return 0;
}

/*
 * "[LABEL] DIR/NAME.vmdk" (or "/vmfs/volumes/LABEL/...") on a VMFS
 * datastore of the vmkernel, into out as "[LABEL] DIR/NAME.vmdk"; -1 with
 * InvalidArgument.
 */
static int disk_path(struct soap_call *c, const char *in, char *out, size_t len)
{
	const char *prop = DISK_PROP ".backing.fileName", *vol = "/vmfs/volumes/";
	const char *label = in + 1, *end = strchr(in, ']'), *rel, *p;
	size_t l;

	if (!strncmp(in, vol, strlen(vol))) {
		label = in + strlen(vol);
		end = strchr(label, '/');
	} else if (in[0] != '[') {
		end = NULL;
	}
	if (!end || !path_name_ok(label, (size_t)(end - label)) || end - label >= DS_NAME_MAX)
		return soap_fail_argument(c, prop, "'%s' is not a disk's datastore path ([datastore] folder/disk.vmdk)",
					  in);
	rel = end + 1 + (end[1] == ' ');
	for (p = rel; *p; p += l + (p[l] == '/')) {
		l = strcspn(p, "/");
		if (!path_name_ok(p, l))
			return soap_fail_argument(c, prop, "'%s': each part of a datastore path is a plain name",
						  in);
	}
	if (!ends_with(rel, ".vmdk") || strlen(rel) == strlen(".vmdk"))
		return soap_fail_argument(c, prop, "'%s' does not name a .vmdk file", in);
	if ((size_t)snprintf(out, len, "[%.*s] %s", (int)(end - label), label, rel) >= len)
		return soap_fail_argument(c, prop, "a disk's path is at most %zu characters, not %zu",
					  len - 1, strlen(in));
	out[end - label + 1] = '\0';
	if (!call_vmfs(c, out + 1)) {
		if (c->fault.type)
			return -1;
		return soap_fail_argument(c, prop,
					  "no VMFS datastore '%s' is mounted by the vmkernel (vmkctl storage datastores); disks are not made on a folder of the COS",
					  out + 1);
	}
	out[end - label + 1] = ']';
	return 0;
}

/* A VirtualDisk of config.deviceChange into disks; name is the new VM's. */
static int spec_disk(struct soap_call *c, xmlNodePtr change, const char *name,
		     struct new_disks *disks)
{
	xmlNodePtr dev = xml_child(change, "device"), backing = xml_child(dev, "backing");
	char buf[HOSTD_PATH_LEN] = "", type[64] = "", ds[DS_NAME_MAX], *end;
	unsigned long unit = VMX_SCSI_DISKS;
	unsigned long long kb;
	struct new_disk *d;
	bool thin, eager;

	if (!disks->scsi_dev)
		return soap_fail_argument(c, DISK_PROP ".controllerKey",
					  "a disk needs a SCSI controller (VirtualLsiLogicController, ParaVirtualSCSIController, ...) in the same deviceChange");
	if (xml_text(xml_child(dev, "controllerKey"), buf, sizeof(buf)) ||
	    strcmp(buf, disks->scsi_key))
		return soap_fail_argument(c, DISK_PROP ".controllerKey",
					  "a disk's controllerKey is the SCSI controller's key %s, not \"%s\"",
					  disks->scsi_key, buf);
	if (xml_child(dev, "unitNumber")) {
		if (xml_text(xml_child(dev, "unitNumber"), buf, sizeof(buf)) || !buf[0] ||
		    (unit = strtoul(buf, &end, 10), *end) || buf[0] == '-' || unit >= VMX_SCSI_DISKS)
			return soap_fail_argument(c, DISK_PROP ".unitNumber",
						  "a disk's unitNumber is 0 to %d, not \"%s\"",
						  VMX_SCSI_DISKS - 1, buf);
	} else {
		for (unit = 0; unit < VMX_SCSI_DISKS && disks->disk[unit].present; unit++)
			;
	}
	if (unit >= VMX_SCSI_DISKS || disks->disk[unit].present)
		return soap_fail_argument(c, DISK_PROP ".unitNumber", unit < VMX_SCSI_DISKS ?
					  "two disks have unitNumber %lu" : "vmk gives a VM at most %lu disks",
					  unit < VMX_SCSI_DISKS ? unit : (unsigned long)VMX_SCSI_DISKS);
	d = &disks->disk[unit];
	xml_xsi_type(backing, type, sizeof(type));
	if (strcmp(type, "VirtualDiskFlatVer2BackingInfo"))
		return soap_fail_argument(c, DISK_PROP ".backing",
					  "a disk's backing is a flat .vmdk (VirtualDiskFlatVer2BackingInfo), not %s",
					  type[0] ? type : "a backing without xsi:type");
	if (xml_text(xml_child(backing, "diskMode"), buf, sizeof(buf)) ||
	    (buf[0] && strcmp(buf, "persistent")))
		return soap_fail_argument(c, DISK_PROP ".backing.diskMode",
					  "vmk's disks are \"persistent\", not \"%s\"", buf);
	xml_text(xml_child(change, "fileOperation"), buf, sizeof(buf));
	d->create = !strcmp(buf, "create");
	if (buf[0] && !d->create)
		return soap_fail_argument(c, "config.deviceChange.fileOperation",
					  "a new VM's disk is made (fileOperation \"create\") or an existing one attached (none), not \"%s\"",
					  buf);
	if (xml_text(xml_child(backing, "fileName"), buf, sizeof(buf)))
		return soap_fail_argument(c, DISK_PROP ".backing.fileName", "fileName is too long");
	/*
	 * No name (Ansible's vmware_guest sends ""): ESXi makes the disk on
	 * backing.datastore (a Datastore's moref is its name here), else on
	 * the VM's datastore (config.files.vmPathName), named as for "[LABEL]".
	 */
	if (d->create && !buf[0]) {
		if (!xml_text(xml_child(backing, "datastore"), ds, sizeof(ds)) && ds[0])
			snprintf(buf, sizeof(buf), "[%s]", ds);
		else if (!xml_text(xml_child(xml_child(change->parent, "files"), "vmPathName"),
				   buf, sizeof(buf)) && buf[0] == '[' && (end = strchr(buf, ']')))
			end[1] = '\0';
		else
			buf[0] = '\0';
	}
	/* "[LABEL]" alone: ESXi names the disk after the VM, in its folder, in spec order */
	if (d->create && buf[0] == '[' && (end = strchr(buf, ']')) && !end[1 + (end[1] == ' ')]) {
		snprintf(end + 1, sizeof(buf) - (size_t)(end + 1 - buf), " %s/%s", name, name);
		if (disks->auto_named)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "_%u", disks->auto_named);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".vmdk");
		disks->auto_named++;
	}
	if (disk_path(c, buf, d->vd.path, sizeof(d->vd.path)))
		return -1;
	if (!d->create)
		goto done;
	if (xml_text(xml_child(dev, "capacityInKB"), buf, sizeof(buf)) || !buf[0] ||
	    buf[0] == '-' || (kb = strtoull(buf, &end, 10), *end) || !kb ||
	    kb > (UINT64_MAX >> 10))
		return soap_fail_argument(c, DISK_PROP ".capacityInKB",
					  "a disk to make needs its capacityInKB, a number above 0, not \"%s\"", buf);
	thin = xml_bool(xml_child(backing, "thinProvisioned"), false);
	eager = xml_bool(xml_child(backing, "eagerlyScrub"), false);
	if (thin && eager)
		return soap_fail_argument(c, DISK_PROP ".backing.eagerlyScrub",
					  "a disk is thin or eagerly scrubbed, not both");
	d->vd.size = kb << 10;
	d->vd.format = thin ? HOSTD_VDISK_THIN :
		       eager ? HOSTD_VDISK_EAGERZEROEDTHICK : HOSTD_VDISK_ZEROEDTHICK;
	d->vd.adapter = !strcmp(disks->scsi_dev, "buslogic") ? "buslogic" : "lsilogic";
done:
	for (size_t u = 0; u < VMX_SCSI_DISKS; u++)
		if (disks->disk[u].present && !strcmp(disks->disk[u].vd.path, d->vd.path))
			return soap_fail_argument(c, DISK_PROP ".backing.fileName",
						  "two disks are %s", d->vd.path);
	d->present = true;
	return 0;
}

/*
 * One VirtualDeviceConfigSpec of config.deviceChange, the add of a NIC,
 * the SCSI controller or (pass 2, when the controller is known) a disk.
 */
static int spec_device(struct soap_call *c, xmlNodePtr change, int pass, const char *name,
		       struct new_nics *nics, struct new_disks *disks)
{
	char buf[64] = "", type[64] = "";
	bool disk;

	xml_xsi_type(xml_child(change, "device"), type, sizeof(type));
	disk = !strcmp(type, "VirtualDisk");
	if (pass == 2)
		return disk ? spec_disk(c, change, name, disks) : 0;
	if (xml_text(xml_child(change, "operation"), buf, sizeof(buf)) || strcmp(buf, "add"))
		return soap_fail_argument(c, "config.deviceChange.operation",
					  "a new VM's devices are added (operation \"add\"), not \"%s\"", buf);
	if (!strcmp(type, "VirtualE1000"))
		return spec_nic(c, change, nics);
	if (scsi_dev_of_type(type))
		return spec_scsi(c, change, type, disks);
	if (disk)
		return 0;
	return soap_fail_argument(c, DISK_PROP,
				  "vmk gives a new VM NICs of type VirtualE1000, one SCSI controller and VirtualDisks on it, not %s",
				  type[0] ? type : "a device without xsi:type");
}

static int spec_devices(struct soap_call *c, xmlNodePtr spec, const char *name,
			struct new_nics *nics, struct new_disks *disks)
{
	for (int pass = 1; pass <= 2; pass++)
		for (xmlNodePtr ch = xml_child(spec, "deviceChange"); ch; ch = xml_next(ch, "deviceChange"))
			if (spec_device(c, ch, pass, name, nics, disks))
				return -1;
	return 0;
}

/* The folder of disk path ("[LABEL] DIR/x.vmdk": "[LABEL] DIR") into dir; false at the root. */
static bool disk_folder(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return false;
	snprintf(dir, len, "%.*s", (int)(slash - path), path);
	return true;
}

/*
 * Make the disks to create, each after its folder when that is one level
 * below the datastore's root. -1 with the backend's sentence in diag;
 * disks->made lists what was made either way.
 */
static int disks_make(struct new_disks *disks, struct diag *diag)
{
	const struct hostd_backend *b = hostd.backend;
	char dir[HOSTD_VDISK_PATH_LEN];

	for (size_t u = 0; u < VMX_SCSI_DISKS; u++) {
		struct new_disk *d = &disks->disk[u];

		if (!d->present || !d->create)
			continue;
		/*
		 * A folder that is there already is refused like any other
		 * failure (VMK_BAD_PARAM): the disk's own refusal says why
		 * when it cannot go in it.
		 */
		if (disk_folder(d->vd.path, dir, sizeof(dir)) && !strchr(dir, '/')) {
			if (!b->ds_mkdir(b->ctx, dir, diag))
				memcpy(disks->made[disks->nmade++], dir, sizeof(dir));
			diag_free(diag);
		}
		if (b->vdisk_create(b->ctx, &d->vd, diag))
			return -1;
		memcpy(disks->made[disks->nmade++], d->vd.path, sizeof(d->vd.path));
	}
	return 0;
}

/*
 * After a later step failed: what disks_make() made is deleted again
 * through the vmkernel, newest first (a folder after its disks); the
 * Task's sentence ends with what it could not delete.
 */
static void disks_undo(const struct new_disks *disks, struct task *t)
{
	const struct hostd_backend *b = hostd.backend;
	struct diag diag = { 0 };
	bool left = false;

	for (size_t i = disks->nmade; i-- > 0;) {
		const char *p = disks->made[i];

		if (!(ends_with(p, ".vmdk") ? b->vdisk_delete(b->ctx, p, &diag) :
		      b->ds_rmdir(b->ctx, p, &diag)))
			continue;
		diag_report(&diag, "vmk-hostd: CreateVM_Task failed: %s; left on the datastore: ",
			    task_error(t));
		diag_free(&diag);
		task_fail_more(t, "%s %s", left ? "" : "; left on the datastore:", p);
		left = true;
	}
}

/* scsi0 and its disks into cfg (its strings point into disks). */
static void disks_vmx(const struct new_disks *disks, struct vmx_config *cfg)
{
	cfg->scsi0_present = disks->scsi_dev != NULL;
	cfg->scsi0_dev = disks->scsi_dev;
	for (size_t u = 0; u < VMX_SCSI_DISKS; u++)
		cfg->scsi0_file[u] = disks->disk[u].present ? disks->disk[u].vd.path : NULL;
}

/*
 * The .vmx of a new VM (cfg), written only if no file of that name
 * exists; errno on -1. A NIC without a MAC gets addressType "generated":
 * `vmkctl vm start` (and so PowerOnVM_Task) generates it at the first
 * start (docs/vmx.md).
 */
static int vmx_create(const char *path, const struct vmx_config *cfg)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), bad;
	char key[32];
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return -1;
	}
	bad = vmx_config_write(f, cfg);
	for (unsigned int n = 0; n < VMX_NICS; n++) {
		if (!cfg->ethernet[n].present || cfg->ethernet[n].has_mac)
			continue;
		snprintf(key, sizeof(key), "ethernet%u.addressType", n);
		bad |= vmx_write_entry(f, key, "generated");
	}
	bad |= fflush(f) | fsync(fileno(f));
	if (fclose(f) | bad) {
		unlink(path);
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * The files of a destroyed VM: its .vmx and, when it is in a folder of a
 * datastore, the files there that ESX makes for a VM x (x.nvram, x.vmsd,
 * x.vmxf, x.vmss, x.log, x.vmdk, x-flat.vmdk), then the folder if that
 * left it empty. Exact names only: another VM's files in the folder
 * ("x-2.vmx", "x.old.vmx"), a kernel the .vmx names next to it, or
 * anything next to a .vmx outside the datastores stay.
 */
static const char *const vm_file_suffixes[] = {
	".nvram", ".vmsd", ".vmxf", ".vmss", ".log", ".vmdk", "-flat.vmdk",
};

/* A file Destroy_Task would delete beside the .vmx at vmx: its path, or NULL. */
static const char *vm_file_taken(const char *vmx, char *file, size_t len)
{
	size_t stem = strlen(vmx) - strlen(".vmx");	/* callers' paths end in .vmx */

	for (size_t i = 0; i < sizeof(vm_file_suffixes) / sizeof(vm_file_suffixes[0]); i++) {
		snprintf(file, len, "%.*s%s", (int)stem, vmx, vm_file_suffixes[i]);
		if (!access(file, F_OK))
			return file;
	}
	return NULL;
}

/*
 * CreateVM_Task(config, pool, host): a new .vmx from the config spec
 * (name, memoryMB, numCPUs, guestId, files.vmPathName, NICs, a SCSI
 * controller and disks in deviceChange), a BIOS VM, written to the
 * datastore and registered. On a VMFS datastore the .vmx goes to the
 * COS's folder of its name (DATASTORES/LABEL), made when missing; the
 * disks to make are made last but one, before the .vmx.
 */
int folder_create_vm_task(struct soap_call *c)
{
	char dspath[HOSTD_PATH_LEN], dir[HOSTD_PATH_LEN], path[HOSTD_PATH_LEN + HOSTD_NAME_LEN + 8];
	char name[HOSTD_NAME_LEN], guest[64], taken[HOSTD_PATH_LEN + HOSTD_NAME_LEN + 16];
	char ds_dir[HOSTD_PATH_LEN];
	xmlNodePtr spec = xml_child(c->method, "config");
	struct vmx_config cfg = { 0 };
	struct new_nics nics = { 0 };
	struct new_disks disks = { 0 };
	bool made_dir = false, made_ds = false;
	struct diag diag = { 0 };
	const char *rel;
	struct task *t;
	size_t i;

	if (vm_folder_only(c))
		return -1;
	if (!spec)
		return soap_fail_argument(c, "config", "CreateVM_Task needs a config spec");
	if (xml_text(xml_child(spec, "name"), name, sizeof(name)) || !path_name_ok(name, strlen(name)) ||
	    strlen(name) >= VMK_VM_NAME_LEN)
		return soap_fail_argument(c, "config.name",
					  "config.name must be 1 to %d characters, no '/' or control characters",
					  VMK_VM_NAME_LEN - 1);
	/* what the vmkernel runs, not what a .vmx may say */
	if (spec_uint(c, spec, "memoryMB", VMK_VM_MAX_MEM_MB, 64, &cfg.memsize_mib) ||
	    spec_uint(c, spec, "numCPUs", VMK_VM_MAX_VCPUS, 1, &cfg.numvcpus))
		return -1;
	if (xml_text(xml_child(spec, "guestId"), guest, sizeof(guest)))
		return soap_fail_argument(c, "config.guestId", "config.guestId is too long");
	if (spec_devices(c, spec, name, &nics, &disks))
		return -1;
	if (xml_text(xml_child(xml_child(spec, "files"), "vmPathName"), dspath, sizeof(dspath)) ||
	    !dspath[0])
		return soap_fail_argument(c, "config.files.vmPathName",
					  "config.files.vmPathName must name a datastore: \"[datastore1]\"");
	if (ds_path(c, "config.files.vmPathName", dspath, dir, sizeof(dir)))
		return -1;
	/* "[ds]": the folder ds/NAME; "[ds] dir": ds/dir; "[ds] dir/x.vmx": that file */
	rel = strchr(dspath, ']') + 1;
	rel += *rel == ' ';
	if (ends_with(dir, ".vmx")) {
		snprintf(path, sizeof(path), "%s", dir);
		*strrchr(dir, '/') = '\0';
	} else {
		if (!*rel)
			snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", name);
		snprintf(path, sizeof(path), "%s/%s.vmx", dir, name);
	}
	if (strlen(path) >= HOSTD_PATH_LEN)
		return soap_fail_argument(c, "config.files.vmPathName", "the .vmx path is too long");
	if (call_vms(c))
		return -1;
	t = task_new(c, "createVm", "vm");
	for (i = 0; i < c->nvms; i++)
		if (!strcmp(c->vms[i].name, name))
			break;
	if (i < c->nvms) {
		task_fail(t, "DuplicateName", name, "The name '%s' already exists.", name);
		return task_answer(c, t);
	}
	if (!access(path, F_OK)) {
		task_fail(t, "FileAlreadyExists", path, "File %s already exists", path);
		return task_answer(c, t);
	}
	/* another VM's files of that name: Destroy_Task of this one would delete them */
	if (vm_file_taken(path, taken, sizeof(taken))) {
		task_fail(t, "FileAlreadyExists", taken, "File %s already exists", taken);
		return task_answer(c, t);
	}
	/* a VMFS datastore's .vmx files: the COS's folder of its label, made at need */
	snprintf(ds_dir, sizeof(ds_dir), "%s", dir);
	ds_dir[strlen(hostd.datastores) + 1 + strcspn(dir + strlen(hostd.datastores) + 1, "/")] = '\0';
	if (call_vmfs(c, ds_dir + strlen(hostd.datastores) + 1)) {
		mkdir(hostd.datastores, 0755);
		made_ds = !mkdir(ds_dir, 0755);
	}
	if (!mkdir(dir, 0755))
		made_dir = true;
	cfg.display_name = name;
	cfg.hw_version = 8;
	cfg.guest_os = guest[0] ? guest : NULL;
	cfg.boot = VMX_BOOT_BIOS;
	cfg.cpu_shares = 1000 * cfg.numvcpus;
	cfg.cpu_max_mhz = VMX_CPU_UNLIMITED;
	memcpy(cfg.ethernet, nics.eth, sizeof(cfg.ethernet));
	disks_vmx(&disks, &cfg);
	if (disks_make(&disks, &diag)) {
		task_fail_diag(t, "SystemError", &diag);
	} else if (vmx_create(path, &cfg)) {
		task_fail(t, errno == EEXIST ? "FileAlreadyExists" : "SystemError",
			  errno == EEXIST ? path : "", "%s: %s", path, strerror(errno));
	} else if (vm_add(c, t, path, name)) {
		unlink(path);
	}
	if (task_failed(t) && made_dir)
		rmdir(dir);
	if (task_failed(t) && made_ds)
		rmdir(ds_dir);
	if (task_failed(t))
		disks_undo(&disks, t);
	return task_answer(c, t);
}


static void vm_delete_files(const char *vmx)
{
	char dir[HOSTD_PATH_LEN], file[2 * HOSTD_PATH_LEN];
	const char *base;
	size_t l, n, i;

	snprintf(dir, sizeof(dir), "%s", vmx);
	*strrchr(dir, '/') = '\0';
	base = strrchr(vmx, '/') + 1;
	l = strlen(base) - strlen(".vmx");
	unlink(vmx);
	/* DATASTORES/ds/folder/x.vmx: at least two parts below DATASTORES */
	n = strlen(hostd.datastores);
	if (!l || strncmp(dir, hostd.datastores, n) || dir[n] != '/' || !strchr(dir + n + 1, '/'))
		return;
	for (i = 0; i < sizeof(vm_file_suffixes) / sizeof(vm_file_suffixes[0]); i++) {
		snprintf(file, sizeof(file), "%s/%.*s%s", dir, (int)l, base, vm_file_suffixes[i]);
		unlink(file);
	}
	rmdir(dir);
}

/*
 * The disks of a destroyed VM on the vmkernel's VMFS datastores deleted
 * through it (vmkfstools -U), each folder one level below a datastore's
 * root then removed if that left it empty. A raw LUN, a disk elsewhere or
 * one the vmkernel does not know as a disk (missing) is never touched. A
 * disk the vmkernel does not delete (another VM holds it) fails the Task,
 * named with the vmkernel's sentence.
 */
static void vm_delete_disks(struct soap_call *c, const struct hostd_vm *vm, struct task *t)
{
	const struct hostd_backend *b = hostd.backend;
	char path[HOSTD_VDISK_PATH_LEN + 16], label[DS_NAME_MAX], dir[HOSTD_VDISK_PATH_LEN + 16];
	char why[HOSTD_REASON_LEN];
	struct diag diag = { 0 };
	uint64_t size;

	for (size_t n = 0; n < HOSTD_DISKS; n++) {
		if (!vm->disk[n][0] || vmx_is_lun_name(vm->disk[n]))
			continue;
		disk_ds_path(vm->disk[n], path, sizeof(path), label, sizeof(label));
		if (!label[0] || !call_vmfs(c, label))
			continue;
		/* a disk that is not there (or no disk) has nothing to delete */
		if (b->vdisk_size(b->ctx, path, &size, &diag)) {
			diag_free(&diag);
			continue;
		}
		if (b->vdisk_delete(b->ctx, path, &diag)) {
			diag_join(&diag, why, sizeof(why));
			diag_free(&diag);
			if (!task_failed(t))
				task_fail(t, "SystemError", "", "the VM is destroyed; left on the datastore:");
			task_fail_more(t, " %s (%s)", path, why);
			continue;
		}
		if (disk_folder(path, dir, sizeof(dir)) && !strchr(dir, '/'))
			b->ds_rmdir(b->ctx, dir, &diag);
		diag_free(&diag);
	}
}

/* Destroy_Task: a powered-off VM unregistered and its files and disks deleted. */
int vm_destroy_task(struct soap_call *c)
{
	const struct hostd_vm *vm = call_vm(c, c->this.value);
	struct diag diag = { 0 };
	struct task *t;

	if (!vm)
		return soap_fail_not_found(c, &c->this);
	t = task_new(c, "destroy", vm->name);
	if (vm->power == HOSTD_POWERED_ON)
		task_fail(t, "InvalidPowerState", "poweredOn",
			  "The attempted operation cannot be performed in the current state (Powered on).");
	else if (hostd.backend->vm_unregister(hostd.backend->ctx, vm->id, &diag))
		task_fail_diag(t, "SystemError", &diag);
	else if (vm->vmx_path[0] && ends_with(vm->vmx_path, ".vmx") && strchr(vm->vmx_path, '/'))
		vm_delete_files(vm->vmx_path);
	if (!task_failed(t))
		vm_delete_disks(c, vm, t);
	return task_answer(c, t);
}
