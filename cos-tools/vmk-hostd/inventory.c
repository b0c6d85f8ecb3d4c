// SPDX-License-Identifier: GPL-2.0-only
/*
 * The managed objects of one ESXi host, with ESXi's names for them:
 *   ServiceInstance, ha-folder-root (Folder) -> ha-datacenter (Datacenter)
 *     -> vmFolder ha-folder-vm -> the VMs (VirtualMachine, moref = a
 *        number that stays while the VM is registered, as ESXi's vmid:
 *        backend_vmk.c)
 *     -> hostFolder ha-folder-host -> ha-compute-res (ComputeResource)
 *        -> ha-host (HostSystem), resourcePool ha-root-pool (ResourcePool)
 *     -> datastoreFolder ha-folder-datastore -> the datastores
 *        (Datastore, moref = its name: datastore.c)
 *     -> networkFolder ha-folder-network -> the vmkernel's port groups
 *        (Network, moref = HaNetwork-NAME: net_tree())
 * Each object is built for the request as an object tree (hostd.h) from
 * the backend's state; nothing is kept between requests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cos-tools/vmx/vmx.h"
#include "hostd.h"

#define HOST_MO		"ha-host"
#define COMPUTE_MO	"ha-compute-res"
#define DC_MO		"ha-datacenter"
#define POOL_MO		"ha-root-pool"
#define ROOT_MO		"ha-folder-root"
#define NETWORK_SYSTEM_MO "networkSystem"	/* ESXi's value */

/* ---- object trees ---- */

static void set_attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static char *get_attr(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

xmlNodePtr ob_complex(xmlNodePtr parent, const char *name, const char *type)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);

	set_attr(n, "_t", type);
	return n;
}

void ob_value(xmlNodePtr parent, const char *name, const char *type, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	xmlNodePtr n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)buf);
	set_attr(n, "_t", type);
}

void ob_str(xmlNodePtr parent, const char *name, const char *value)
{
	ob_value(parent, name, "xsd:string", "%s", value);
}

void ob_bool(xmlNodePtr parent, const char *name, bool v)
{
	ob_value(parent, name, "xsd:boolean", "%s", v ? "true" : "false");
}

void ob_time(xmlNodePtr parent, const char *name, uint64_t epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ob_value(parent, name, "xsd:dateTime", "%s", buf);
}

void ob_ref(xmlNodePtr parent, const char *name, const char *type, const char *value)
{
	xmlNodePtr n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)value);

	set_attr(n, "_t", "ManagedObjectReference");
	set_attr(n, "type", type);
}

/* An array property: its items are children named item_type. */
xmlNodePtr ob_array(xmlNodePtr parent, const char *name, const char *item_type)
{
	char t[64];
	xmlNodePtr n;

	snprintf(t, sizeof(t), "ArrayOf%c%s", item_type[0] & ~0x20, item_type + 1);
	n = ob_complex(parent, name, t);
	set_attr(n, "_item", item_type);
	return n;
}

void ob_fault(xmlNodePtr parent, const char *name, const struct soap_fault *f)
{
	xmlNodePtr lf = ob_complex(parent, name, "LocalizedMethodFault");
	xmlNodePtr fault = ob_complex(lf, "fault", f->type);

	set_attr(fault, "_xsi", f->type);	/* MethodFault is polymorphic */
	/* the fields the fault type defines (vim25), as xw_fault() writes them */
	if (!strcmp(f->type, "InvalidPowerState"))
		ob_str(fault, "existingState", f->arg);
	else if (!strcmp(f->type, "DuplicateName"))
		ob_str(fault, "name", f->arg);
	else if (!strcmp(f->type, "FileAlreadyExists") || !strcmp(f->type, "FileNotFound"))
		ob_str(fault, "file", f->arg);
	else if (!strcmp(f->type, "InvalidArgument") && f->arg[0])
		ob_str(fault, "invalidProperty", f->arg);
	else if (!strcmp(f->type, "SystemError"))
		ob_str(fault, "reason", f->msg);
	ob_str(lf, "localizedMessage", f->msg);
}

xmlNodePtr mo_path(xmlNodePtr tree, const char *path)
{
	char part[64];
	const char *p = path;
	size_t l;
	xmlNodePtr n = tree;

	while (n && *p) {
		l = strcspn(p, ".");
		if (l >= sizeof(part))
			return NULL;
		memcpy(part, p, l);
		part[l] = 0;
		p += l + (p[l] == '.');
		for (n = n->children; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, part))
				break;
	}
	return n;
}

static bool element_children(xmlNodePtr n)
{
	for (n = n->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

void mo_write(struct soap_call *c, xmlNodePtr prop, const char *elem, bool typed)
{
	char *item = get_attr(prop, "_item");
	char *xsi = typed ? get_attr(prop, "_t") : get_attr(prop, "_xsi");
	char *type = get_attr(prop, "type");
	xmlChar *text;
	xmlNodePtr n;

	if (item && !typed) {
		/* inside a data object an array is its items, each named elem */
		for (n = prop->children; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE)
				mo_write(c, n, elem, false);
		goto out;
	}
	xw_start(c, elem);
	if (xsi)
		xw_attr(c, "xsi:type", xsi);
	if (type)
		xw_attr(c, "type", type);
	if (element_children(prop)) {
		/* the items of an anyType array are typed too (libvirt reads them as anyType) */
		for (n = prop->children; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE)
				mo_write(c, n, (const char *)n->name, typed && item);
	} else {
		text = xmlNodeGetContent(prop);
		if (text && *text)
			xmlTextWriterWriteString(c->w, text);
		xmlFree(text);
	}
	xw_end(c);
out:
	xmlFree(item);
	xmlFree(xsi);
	xmlFree(type);
}

size_t mo_refs(xmlNodePtr prop, struct mo *out, size_t max)
{
	char *type = get_attr(prop, "type");
	xmlChar *text;
	size_t n = 0;
	xmlNodePtr i;

	if (type) {
		text = xmlNodeGetContent(prop);
		if (text && strlen(type) < sizeof(out->type) &&
		    strlen((char *)text) < sizeof(out->value) && max) {
			strcpy(out->type, type);
			strcpy(out->value, (char *)text);
			n = 1;
		}
		xmlFree(text);
		xmlFree(type);
		return n;
	}
	for (i = prop->children; i; i = i->next)
		if (i->type == XML_ELEMENT_NODE && n < max)
			n += mo_refs(i, out + n, max - n);
	return n;
}

/* ---- the objects ---- */

static void entity(xmlNodePtr obj, const char *name, const char *parent_type,
		   const char *parent)
{
	ob_str(obj, "name", name);
	if (parent)
		ob_ref(obj, "parent", parent_type, parent);
	ob_value(obj, "overallStatus", "ManagedEntityStatus", "green");
	ob_value(obj, "configStatus", "ManagedEntityStatus", "green");
}

static void strings(xmlNodePtr obj, const char *name, const char *value)
{
	xmlNodePtr a = ob_array(obj, name, "string");

	if (value)
		ob_str(a, "string", value);
}

static void about(xmlNodePtr parent, const char *name)
{
	xmlNodePtr a = ob_complex(parent, name, "AboutInfo");

	ob_str(a, "name", "vmk");
	ob_str(a, "fullName", "vmk " HOSTD_API_VERSION ".0 (vmk-hostd, ESXi-compatible vSphere API)");
	ob_str(a, "vendor", "vmk");
	ob_str(a, "version", HOSTD_API_VERSION ".0");
	ob_str(a, "build", "1");
	ob_str(a, "localeVersion", "INTL");
	ob_str(a, "localeBuild", "000");
	ob_str(a, "osType", "vmnix-x86");
	ob_str(a, "productLineId", "embeddedEsx");
	ob_str(a, "apiType", "HostAgent");
	ob_str(a, "apiVersion", HOSTD_API_VERSION);
}

static int service_instance_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	xmlNodePtr sc = ob_complex(obj, "content", "ServiceContent");

	(void)c;
	(void)mo;
	ob_ref(sc, "rootFolder", "Folder", ROOT_MO);
	ob_ref(sc, "propertyCollector", "PropertyCollector", "ha-property-collector");
	ob_ref(sc, "viewManager", "ViewManager", "ViewManager");
	about(sc, "about");
	ob_ref(sc, "sessionManager", "SessionManager", "ha-sessionmgr");
	ob_ref(sc, "searchIndex", "SearchIndex", "ha-searchindex");
	ob_ref(sc, "virtualDiskManager", "VirtualDiskManager", "ha-vdiskmanager");
	return 0;
}

static void vm_refs(struct soap_call *c, xmlNodePtr array)
{
	char id[16];
	size_t i;

	for (i = 0; i < c->nvms; i++) {
		snprintf(id, sizeof(id), "%u", c->vms[i].id);
		ob_ref(array, "ManagedObjectReference", "VirtualMachine", id);
	}
}

/* Every port group's Network into array; -1 with a fault. */
static int net_refs(struct soap_call *c, xmlNodePtr array)
{
	char value[MO_VALUE_LEN];

	if (call_nets(c))
		return -1;
	for (size_t i = 0; i < c->nnets; i++) {
		snprintf(value, sizeof(value), NET_MO_PREFIX "%s", c->nets[i].name);
		ob_ref(array, "ManagedObjectReference", "Network", value);
	}
	return 0;
}

/* Does a NIC of vm name the port group net? */
static bool vm_on_net(const struct hostd_vm *vm, const char *net)
{
	for (size_t n = 0; n < HOSTD_NICS; n++)
		if (vm->nic[n].present && !strcmp(vm->nic[n].network, net))
			return true;
	return false;
}

static int folder_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	xmlNodePtr children;

	if (!strcmp(mo->value, ROOT_MO)) {
		entity(obj, ROOT_MO, NULL, NULL);
		strings(obj, "childType", "Datacenter");
		children = ob_array(obj, "childEntity", "ManagedObjectReference");
		ob_ref(children, "ManagedObjectReference", "Datacenter", DC_MO);
		return 0;
	}
	entity(obj, mo->value + strlen("ha-folder-"), "Datacenter", DC_MO);
	if (!strcmp(mo->value, "ha-folder-vm")) {
		strings(obj, "childType", "VirtualMachine");
		if (call_vms(c))
			return -1;
		vm_refs(c, ob_array(obj, "childEntity", "ManagedObjectReference"));
	} else if (!strcmp(mo->value, "ha-folder-host")) {
		strings(obj, "childType", "ComputeResource");
		children = ob_array(obj, "childEntity", "ManagedObjectReference");
		ob_ref(children, "ManagedObjectReference", "ComputeResource", COMPUTE_MO);
	} else if (!strcmp(mo->value, "ha-folder-datastore")) {
		strings(obj, "childType", "Datastore");
		return ds_refs(c, ob_array(obj, "childEntity", "ManagedObjectReference"));
	} else {
		strings(obj, "childType", "Network");
		return net_refs(c, ob_array(obj, "childEntity", "ManagedObjectReference"));
	}
	return 0;
}

static int datacenter_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	(void)c;
	(void)mo;
	entity(obj, DC_MO, "Folder", ROOT_MO);
	ob_ref(obj, "vmFolder", "Folder", "ha-folder-vm");
	ob_ref(obj, "hostFolder", "Folder", "ha-folder-host");
	ob_ref(obj, "datastoreFolder", "Folder", "ha-folder-datastore");
	ob_ref(obj, "networkFolder", "Folder", "ha-folder-network");
	if (ds_refs(c, ob_array(obj, "datastore", "ManagedObjectReference")))
		return -1;
	return net_refs(c, ob_array(obj, "network", "ManagedObjectReference"));
}

static int compute_resource_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	const struct hostd_host *h;

	(void)mo;
	if (call_host(c, &h))
		return -1;
	entity(obj, h->name, "Folder", "ha-folder-host");
	ob_ref(ob_array(obj, "host", "ManagedObjectReference"), "ManagedObjectReference",
	       "HostSystem", HOST_MO);
	ob_ref(obj, "resourcePool", "ResourcePool", POOL_MO);
	if (ds_refs(c, ob_array(obj, "datastore", "ManagedObjectReference")))
		return -1;
	return net_refs(c, ob_array(obj, "network", "ManagedObjectReference"));
}

/* The root pool: every VM's, as on a standalone ESXi. */
static int pool_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	(void)mo;
	if (call_vms(c))
		return -1;
	entity(obj, "Resources", "ComputeResource", COMPUTE_MO);
	ob_ref(obj, "owner", "ComputeResource", COMPUTE_MO);
	ob_array(obj, "resourcePool", "ManagedObjectReference");
	vm_refs(c, ob_array(obj, "vm", "ManagedObjectReference"));
	return 0;
}

static void host_runtime(xmlNodePtr parent, const struct hostd_host *h)
{
	xmlNodePtr r = ob_complex(parent, "runtime", "HostRuntimeInfo");

	ob_value(r, "connectionState", "HostSystemConnectionState", "connected");
	ob_value(r, "powerState", "HostSystemPowerState", "poweredOn");
	ob_bool(r, "inMaintenanceMode", false);
	ob_time(r, "bootTime", h->boot_time);
}

/*
 * CPUID leaf 0x80000001 as ESXi describes it to clients (bits 31..0 in
 * groups of four): all clear, so long mode (EDX bit 29, AMD APM vol. 3
 * appendix E.4.2) is off. vmk's VMs are 32-bit, whatever the CPU has;
 * libvirt's esx driver picks its guest architectures from this bit.
 */
static void host_cpu_features(xmlNodePtr hw)
{
	static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
	xmlNodePtr list = ob_array(hw, "cpuFeature", "HostCpuIdInfo");
	xmlNodePtr leaf = ob_complex(list, "HostCpuIdInfo", "HostCpuIdInfo");
	size_t i;

	ob_value(leaf, "level", "xsd:int", "%d", (int)0x80000001u);
	ob_str(leaf, "vendor", "amd");
	for (i = 0; i < 4; i++)
		ob_str(leaf, regs[i], "0000:0000:0000:0000:0000:0000:0000:0000");
}

static void host_hardware(xmlNodePtr obj, const struct hostd_host *h)
{
	xmlNodePtr hw = ob_complex(obj, "hardware", "HostHardwareInfo"), n;

	n = ob_complex(hw, "systemInfo", "HostSystemInfo");
	ob_str(n, "vendor", "vmk");
	ob_str(n, "model", "vmk host");
	ob_str(n, "uuid", "");
	n = ob_complex(hw, "cpuInfo", "HostCpuInfo");
	ob_value(n, "numCpuPackages", "xsd:short", "1");
	ob_value(n, "numCpuCores", "xsd:short", "%u", h->cpus);
	ob_value(n, "numCpuThreads", "xsd:short", "%u", h->cpus);
	ob_value(n, "hz", "xsd:long", "%llu", (unsigned long long)h->cpu_mhz * 1000000);
	ob_value(hw, "memorySize", "xsd:long", "%llu", (unsigned long long)h->mem_bytes);
	host_cpu_features(hw);
}

/* VMs are not started with the host (yet): what ESXi says when it is off. */
static int autostart_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	xmlNodePtr cfg = ob_complex(obj, "config", "HostAutoStartManagerConfig"), d;

	(void)c;
	(void)mo;
	d = ob_complex(cfg, "defaults", "AutoStartDefaults");
	ob_bool(d, "enabled", false);
	ob_value(d, "startDelay", "xsd:int", "120");
	ob_value(d, "stopDelay", "xsd:int", "120");
	ob_bool(d, "waitForHeartbeat", false);
	ob_str(d, "stopAction", "PowerOff");
	ob_array(cfg, "powerInfo", "AutoStartPowerInfo");
	return 0;
}

/*
 * config: a HostConfigInfo with only the host, its product and
 * storageDevice.hostBusAdapter, the adapter the vmkernel drives, as ESXi
 * shows a PVSCSI one (govmomi's simulator has a real host's: a
 * HostParallelScsiHba). libvirt's storage driver asks for it before it
 * lists pools, and fails on an empty list.
 */
/* A port group's HostPortGroup (its key, switch and spec), as ESXi keys them. */
static void host_portgroup(xmlNodePtr groups, const struct hostd_net *n)
{
	xmlNodePtr g = ob_complex(groups, "HostPortGroup", "HostPortGroup"), spec;

	ob_value(g, "key", "xsd:string", "key-vim.host.PortGroup-%s", n->name);
	ob_array(g, "port", "HostPortGroupPort");
	ob_value(g, "vswitch", "xsd:string", "key-vim.host.VirtualSwitch-%s", n->vswitch);
	ob_complex(g, "computedPolicy", "HostNetworkPolicy");
	spec = ob_complex(g, "spec", "HostPortGroupSpec");
	ob_str(spec, "name", n->name);
	ob_value(spec, "vlanId", "xsd:int", "%u", n->vlan);
	ob_str(spec, "vswitchName", n->vswitch);
	ob_complex(spec, "policy", "HostNetworkPolicy");
}

/* The vmkernel drives one physical NIC, vswitch0's uplink: ESXi's first name. */
#define UPLINK_NAME	"vmnic0"

/* config.network.pnic: the uplink of the first switch that has one. */
static void host_pnics(struct soap_call *c, xmlNodePtr pnics)
{
	const struct hostd_net *n = NULL;
	xmlNodePtr p, speed;
	size_t i;

	for (i = 0; i < c->nnets && !n; i++)
		if (c->nets[i].uplink.present)
			n = &c->nets[i];
	if (!n)
		return;
	p = ob_complex(pnics, "PhysicalNic", "PhysicalNic");
	ob_str(p, "key", "key-vim.host.PhysicalNic-" UPLINK_NAME);
	ob_str(p, "device", UPLINK_NAME);
	ob_value(p, "pci", "xsd:string", "0000:%02x:%02x.%x", n->uplink.pci_bdf >> 8,
		 (n->uplink.pci_bdf >> 3) & 0x1f, n->uplink.pci_bdf & 7);
	ob_str(p, "driver", n->uplink.driver);
	if (n->uplink.mbps) {
		speed = ob_complex(p, "linkSpeed", "PhysicalNicLinkInfo");
		ob_value(speed, "speedMb", "xsd:int", "%u", n->uplink.mbps);
		ob_bool(speed, "duplex", true);
	}
	ob_complex(p, "spec", "PhysicalNicSpec");
	ob_bool(p, "wakeOnLanSupported", false);
	ob_value(p, "mac", "xsd:string", "%02x:%02x:%02x:%02x:%02x:%02x", n->uplink.mac[0],
		 n->uplink.mac[1], n->uplink.mac[2], n->uplink.mac[3], n->uplink.mac[4],
		 n->uplink.mac[5]);
}

/*
 * config.network: the vmkernel's switches (each that has a port group:
 * the port groups say which switch they are on) and port groups, as
 * HostVirtualSwitch and HostPortGroup; libvirt's esx driver lists the
 * switches as its networks (virsh net-list).
 */
static void host_network(struct soap_call *c, xmlNodePtr parent, const char *name)
{
	xmlNodePtr net = ob_complex(parent, name, "HostNetworkInfo");
	xmlNodePtr switches = ob_array(net, "vswitch", "HostVirtualSwitch"), groups, sw, keys;
	size_t i, k;

	for (i = 0; i < c->nnets; i++) {
		const struct hostd_net *n = &c->nets[i];

		for (k = 0; k < i && strcmp(c->nets[k].vswitch, n->vswitch); k++)
			;
		if (k < i)
			continue;	/* listed with its first port group */
		sw = ob_complex(switches, "HostVirtualSwitch", "HostVirtualSwitch");
		ob_str(sw, "name", n->vswitch);
		ob_value(sw, "key", "xsd:string", "key-vim.host.VirtualSwitch-%s", n->vswitch);
		ob_value(sw, "numPorts", "xsd:int", "%u", HOSTD_SWITCH_PORTS);
		ob_value(sw, "numPortsAvailable", "xsd:int", "%u",
			 HOSTD_SWITCH_PORTS - (n->switch_ports_used < HOSTD_SWITCH_PORTS ?
					       n->switch_ports_used : HOSTD_SWITCH_PORTS));
		keys = ob_array(sw, "portgroup", "string");
		for (k = i; k < c->nnets; k++)
			if (!strcmp(c->nets[k].vswitch, n->vswitch))
				ob_value(keys, "string", "xsd:string", "key-vim.host.PortGroup-%s",
					 c->nets[k].name);
		keys = ob_array(sw, "pnic", "string");
		if (n->uplink.present)
			ob_str(keys, "string", "key-vim.host.PhysicalNic-" UPLINK_NAME);
		ob_value(ob_complex(sw, "spec", "HostVirtualSwitchSpec"), "numPorts", "xsd:int", "%u",
			 HOSTD_SWITCH_PORTS);
	}
	groups = ob_array(net, "portgroup", "HostPortGroup");
	for (i = 0; i < c->nnets; i++)
		host_portgroup(groups, &c->nets[i]);
	host_pnics(c, ob_array(net, "pnic", "PhysicalNic"));
}

static int host_config(struct soap_call *c, xmlNodePtr obj, size_t *n)
{
	struct hostd_hba hba[1];
	struct diag diag = { 0 };
	xmlNodePtr cfg, hbas, a;
	size_t i;

	if (hostd.backend->hba_list(hostd.backend->ctx, hba, n, &diag))
		return soap_fail_diag(c, "SystemError", &diag);
	cfg = ob_complex(obj, "config", "HostConfigInfo");
	ob_ref(cfg, "host", "HostSystem", HOST_MO);
	about(cfg, "product");
	hbas = ob_array(ob_complex(cfg, "storageDevice", "HostStorageDeviceInfo"), "hostBusAdapter",
			"HostHostBusAdapter");
	for (i = 0; i < *n; i++) {
		a = ob_complex(hbas, "HostHostBusAdapter", "HostParallelScsiHba");
		ob_value(a, "key", "xsd:string", "key-vim.host.ParallelScsiHba-%s", hba[i].name);
		ob_str(a, "device", hba[i].name);
		ob_value(a, "bus", "xsd:int", "%u", hba[i].pci_bdf >> 8);
		ob_str(a, "status", "online");
		ob_str(a, "model", "PVSCSI SCSI Controller");
		ob_str(a, "driver", hba[i].driver);
		ob_value(a, "pci", "xsd:string", "0000:%02x:%02x.%x", hba[i].pci_bdf >> 8,
			 (hba[i].pci_bdf >> 3) & 0x1f, hba[i].pci_bdf & 7);
	}
	if (call_nets(c))
		return -1;
	host_network(c, cfg, "network");
	return 0;
}

/* configManager.networkSystem: its networkInfo is the host's config.network. */
static int network_system_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	(void)mo;
	if (call_nets(c))
		return -1;
	host_network(c, obj, "networkInfo");
	return 0;
}

static int host_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	const struct hostd_host *h;
	xmlNodePtr s, hw, cfg, qs, cm;
	size_t nhba;

	(void)mo;
	if (call_host(c, &h) || call_vms(c))
		return -1;
	entity(obj, h->name, "ComputeResource", COMPUTE_MO);
	vm_refs(c, ob_array(obj, "vm", "ManagedObjectReference"));
	if (ds_refs(c, ob_array(obj, "datastore", "ManagedObjectReference")) ||
	    net_refs(c, ob_array(obj, "network", "ManagedObjectReference")))
		return -1;
	host_runtime(obj, h);
	cm = ob_complex(obj, "configManager", "HostConfigManager");
	ob_ref(cm, "networkSystem", "HostNetworkSystem", NETWORK_SYSTEM_MO);
	ob_ref(cm, "autoStartManager", "HostAutoStartManager", "ha-autostart-mgr");
	host_hardware(obj, h);
	if (host_config(c, obj, &nhba))
		return -1;
	s = ob_complex(obj, "summary", "HostListSummary");
	ob_ref(s, "host", "HostSystem", HOST_MO);
	hw = ob_complex(s, "hardware", "HostHardwareSummary");
	ob_str(hw, "vendor", "vmk");
	ob_str(hw, "model", "vmk host");
	ob_str(hw, "uuid", "");
	ob_value(hw, "memorySize", "xsd:long", "%llu", (unsigned long long)h->mem_bytes);
	ob_str(hw, "cpuModel", h->cpu_model);
	ob_value(hw, "cpuMhz", "xsd:int", "%u", h->cpu_mhz);
	ob_value(hw, "numCpuPkgs", "xsd:short", "1");
	ob_value(hw, "numCpuCores", "xsd:short", "%u", h->cpus);
	ob_value(hw, "numCpuThreads", "xsd:short", "%u", h->cpus);
	ob_value(hw, "numNics", "xsd:int", "0");
	ob_value(hw, "numHBAs", "xsd:int", "%zu", nhba);
	host_runtime(s, h);
	cfg = ob_complex(s, "config", "HostConfigSummary");
	ob_str(cfg, "name", h->name);
	ob_value(cfg, "port", "xsd:int", "443");
	about(cfg, "product");
	ob_bool(cfg, "vmotionEnabled", false);
	qs = ob_complex(s, "quickStats", "HostListSummaryQuickStats");
	ob_value(qs, "uptime", "xsd:int", "%llu",
		 (unsigned long long)((uint64_t)time(NULL) - h->boot_time));
	ob_value(s, "overallStatus", "ManagedEntityStatus", h->vmkernel_running ? "green" : "red");
	ob_bool(s, "rebootRequired", false);
	return 0;
}

/*
 * "DATASTORES/ds/dir/x.vmx" as ESXi's datastore path "[ds] dir/x.vmx"
 * (hostd.datastores, /vmfs/volumes by default); another path as it is.
 */
static void datastore_path(const char *path, char *out, size_t len)
{
	size_t n = strlen(hostd.datastores);
	const char *ds, *slash;

	if (!strncmp(path, hostd.datastores, n) && path[n] == '/') {
		ds = path + n + 1;
		slash = strchr(ds, '/');
		if (slash) {
			snprintf(out, len, "[%.*s] %s", (int)(slash - ds), ds, slash + 1);
			return;
		}
	}
	snprintf(out, len, "%s", path);
}

static void vm_uuid(const struct hostd_vm *vm, char *out, size_t len)
{
	snprintf(out, len, "564d766b-0000-4000-8000-%012x", vm->id);
}

static void vm_runtime(xmlNodePtr parent, const struct hostd_vm *vm, uint32_t cpu_mhz)
{
	bool on = vm->power == HOSTD_POWERED_ON;
	xmlNodePtr r = ob_complex(parent, "runtime", "VirtualMachineRuntimeInfo");

	ob_ref(r, "host", "HostSystem", HOST_MO);
	ob_value(r, "connectionState", "VirtualMachineConnectionState", "connected");
	ob_value(r, "powerState", "VirtualMachinePowerState", on ? "poweredOn" : "poweredOff");
	ob_bool(r, "toolsInstallerMounted", false);
	if (on)
		ob_time(r, "bootTime", vm->boot_time);
	ob_value(r, "maxCpuUsage", "xsd:int", "%u", vm->vcpus * cpu_mhz);
	ob_value(r, "maxMemoryUsage", "xsd:int", "%u", vm->mem_mb);
	ob_value(r, "numMksConnections", "xsd:int", "0");
}

static unsigned int vm_nic_count(const struct hostd_vm *vm)
{
	unsigned int count = 0;

	for (size_t n = 0; n < HOSTD_NICS; n++)
		count += vm->nic[n].present;
	return count;
}

static unsigned int vm_disk_count(const struct hostd_vm *vm)
{
	unsigned int count = 0;

	for (size_t n = 0; n < HOSTD_DISKS; n++)
		count += !!vm->disk[n][0];
	return count;
}

static void vm_config_summary(xmlNodePtr s, const struct hostd_vm *vm)
{
	xmlNodePtr cfg = ob_complex(s, "config", "VirtualMachineConfigSummary");
	char buf[HOSTD_PATH_LEN + 8];

	ob_str(cfg, "name", vm->name);
	ob_bool(cfg, "template", false);
	datastore_path(vm->vmx_path, buf, sizeof(buf));
	ob_str(cfg, "vmPathName", buf);
	ob_value(cfg, "memorySizeMB", "xsd:int", "%u", vm->mem_mb);
	ob_value(cfg, "numCpu", "xsd:int", "%u", vm->vcpus);
	ob_value(cfg, "numEthernetCards", "xsd:int", "%u", vm_nic_count(vm));
	ob_value(cfg, "numVirtualDisks", "xsd:int", "%u", vm_disk_count(vm));
	vm_uuid(vm, buf, sizeof(buf));
	ob_str(cfg, "uuid", buf);
	ob_str(cfg, "instanceUuid", buf);
	ob_str(cfg, "guestId", "otherLinuxGuest");
	ob_str(cfg, "guestFullName", "Other Linux (32-bit)");
}

static void vm_quick_stats(xmlNodePtr s, const struct hostd_vm *vm)
{
	xmlNodePtr q = ob_complex(s, "quickStats", "VirtualMachineQuickStats");
	bool on = vm->power == HOSTD_POWERED_ON;
	uint64_t up = on ? (uint64_t)time(NULL) - vm->boot_time : 0;

	ob_value(q, "hostMemoryUsage", "xsd:int", "%llu",
		 (unsigned long long)(vm->mem_pages * 4096 >> 20));
	ob_value(q, "guestHeartbeatStatus", "ManagedEntityStatus", "gray");
	ob_value(q, "uptimeSeconds", "xsd:int", "%llu", (unsigned long long)up);
}

/* A polymorphic value (an item of an array of a base type): written with its xsi:type. */
static xmlNodePtr ob_derived(xmlNodePtr parent, const char *name, const char *type)
{
	xmlNodePtr n = ob_complex(parent, name, type);

	set_attr(n, "_xsi", type);
	return n;
}

/*
 * The VM's ethernetN as ESXi shows them: VirtualEthernetCard keys are
 * 4000 + N. The backing names the Network only while its port group
 * exists (call_nets() has been read): a .vmx may name one deleted since.
 */
static void vm_nics(struct soap_call *c, xmlNodePtr devices, const struct hostd_vm *vm)
{
	/* ethernetN.virtualDev (docs/vmx.md) as vim25 names the device type */
	static const struct {
		const char *vmx, *api;
	} types[] = {
		{ "e1000", "VirtualE1000" }, { "e1000e", "VirtualE1000e" },
		{ "vmxnet3", "VirtualVmxnet3" }, { "vmxnet", "VirtualVmxnet" },
		{ "vlance", "VirtualPCNet32" },
	};
	bool on = vm->power == HOSTD_POWERED_ON;
	char mac[VMX_MAC_TEXT], value[MO_VALUE_LEN];

	for (size_t n = 0; n < HOSTD_NICS; n++) {
		const struct hostd_nic *nic = &vm->nic[n];
		const char *type = "VirtualE1000";
		xmlNodePtr d, x;

		if (!nic->present)
			continue;
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			if (!strcmp(types[t].vmx, nic->dev))
				type = types[t].api;
		d = ob_derived(devices, "VirtualDevice", type);
		ob_value(d, "key", "xsd:int", "%zu", 4000 + n);
		x = ob_complex(d, "deviceInfo", "Description");
		ob_value(x, "label", "xsd:string", "Network adapter %zu", n + 1);
		ob_str(x, "summary", nic->network);
		x = ob_derived(d, "backing", "VirtualEthernetCardNetworkBackingInfo");
		ob_str(x, "deviceName", nic->network);
		ob_bool(x, "useAutoDetect", false);
		snprintf(value, sizeof(value), NET_MO_PREFIX "%s", nic->network);
		if (call_net_named(c, nic->network))
			ob_ref(x, "network", "Network", value);
		x = ob_complex(d, "connectable", "VirtualDeviceConnectInfo");
		ob_bool(x, "startConnected", true);
		ob_bool(x, "allowGuestControl", true);
		ob_bool(x, "connected", on);
		ob_str(x, "status", on ? "ok" : "untried");
		ob_str(d, "addressType", nic->is_static ? "manual" : "generated");
		if (nic->has_mac) {
			vmx_mac_format(nic->mac, mac);
			ob_str(d, "macAddress", mac);
		}
		ob_bool(d, "wakeOnLanEnabled", true);
	}
}

/* scsi0.virtualDev (docs/vmx.md) and vim25's SCSI controller types */
static const struct {
	const char *vmx, *api;
} scsi_types[] = {
	{ "lsilogic", "VirtualLsiLogicController" },
	{ "pvscsi", "ParaVirtualSCSIController" },
	{ "buslogic", "VirtualBusLogicController" },
	{ "lsisas1068", "VirtualLsiLogicSASController" },
};

const char *scsi_type_of_dev(const char *vmx)
{
	for (size_t t = 0; t < sizeof(scsi_types) / sizeof(scsi_types[0]); t++)
		if (!strcmp(scsi_types[t].vmx, vmx))
			return scsi_types[t].api;
	return NULL;
}

const char *scsi_dev_of_type(const char *api)
{
	for (size_t t = 0; t < sizeof(scsi_types) / sizeof(scsi_types[0]); t++)
		if (!strcmp(scsi_types[t].api, api))
			return scsi_types[t].vmx;
	return NULL;
}

void disk_ds_path(const char *file, char *out, size_t len, char *label, size_t label_len)
{
	const char *vol = "/vmfs/volumes/", *rel, *end;

	label[0] = '\0';
	snprintf(out, len, "%s", file);
	if (!strncmp(file, vol, strlen(vol)) && (end = strchr(file + strlen(vol), '/'))) {
		rel = file + strlen(vol);
		snprintf(out, len, "[%.*s] %s", (int)(end - rel), rel, end + 1);
	}
	if (out[0] == '[' && (end = strchr(out, ']')) && (size_t)(end - out) <= label_len)
		snprintf(label, label_len, "%.*s", (int)(end - out - 1), out + 1);
}

/*
 * scsi0 and its disks as ESXi shows them: the controller's key is 1000,
 * a disk's 2000 + its unit. A disk on a VMFS datastore the vmkernel has
 * mounted has the size the vmkernel tells (vmkfstools -P); a raw LUN, a
 * disk elsewhere or one the vmkernel cannot describe has capacityInKB 0
 * (docs/rpc.md).
 */
static void vm_disks(struct soap_call *c, xmlNodePtr devices, const struct hostd_vm *vm)
{
	char path[HOSTD_VDISK_PATH_LEN + 16], label[DS_NAME_MAX];
	const char *type = "VirtualLsiLogicController";
	xmlNodePtr d, x, keys;

	if (!vm->scsi_dev[0])
		return;
	for (size_t t = 0; t < sizeof(scsi_types) / sizeof(scsi_types[0]); t++)
		if (!strcmp(scsi_types[t].vmx, vm->scsi_dev))
			type = scsi_types[t].api;
	d = ob_derived(devices, "VirtualDevice", type);
	ob_value(d, "key", "xsd:int", "1000");
	x = ob_complex(d, "deviceInfo", "Description");
	ob_str(x, "label", "SCSI controller 0");
	ob_str(x, "summary", vm->scsi_dev);
	ob_value(d, "busNumber", "xsd:int", "0");
	ob_value(d, "sharedBus", "VirtualSCSISharing", "noSharing");
	keys = ob_array(d, "device", "int");
	for (size_t n = 0; n < HOSTD_DISKS; n++)
		if (vm->disk[n][0])
			ob_value(keys, "int", "xsd:int", "%zu", 2000 + n);
	for (size_t n = 0; n < HOSTD_DISKS; n++) {
		uint64_t size = 0;

		if (!vm->disk[n][0])
			continue;
		d = ob_derived(devices, "VirtualDevice", "VirtualDisk");
		ob_value(d, "key", "xsd:int", "%zu", 2000 + n);
		x = ob_complex(d, "deviceInfo", "Description");
		ob_value(x, "label", "xsd:string", "Hard disk %zu", n + 1);
		ob_str(x, "summary", vm->disk[n]);
		if (vmx_is_lun_name(vm->disk[n])) {
			x = ob_derived(d, "backing", "VirtualDiskRawDiskMappingVer1BackingInfo");
			ob_str(x, "fileName", "");
			ob_str(x, "deviceName", vm->disk[n]);
			ob_str(x, "compatibilityMode", "physicalMode");
		} else {
			disk_ds_path(vm->disk[n], path, sizeof(path), label, sizeof(label));
			x = ob_derived(d, "backing", "VirtualDiskFlatVer2BackingInfo");
			ob_str(x, "fileName", path);
			if (label[0] && call_vmfs(c, label)) {
				struct diag diag = { 0 };

				ob_ref(x, "datastore", "Datastore", label);
				if (hostd.backend->vdisk_size(hostd.backend->ctx, path, &size, &diag))
					size = 0;
				diag_free(&diag);
			}
		}
		ob_str(x, "diskMode", "persistent");
		ob_value(d, "controllerKey", "xsd:int", "1000");
		ob_value(d, "unitNumber", "xsd:int", "%zu", n);
		ob_value(d, "capacityInKB", "xsd:long", "%llu", (unsigned long long)(size >> 10));
	}
}

/*
 * config.cpuAllocation from the .vmx's sched.cpu keys; a level when the
 * shares are that level's per vCPU (what the .vmx's word gives).
 */
static void vm_cpu_allocation(xmlNodePtr cfg, const struct hostd_vm *vm)
{
	static const struct { const char *name; unsigned int per_vcpu; } levels[] = {
		{ "low", VMX_SHARES_LOW }, { "normal", VMX_SHARES_NORMAL },
		{ "high", VMX_SHARES_HIGH },
	};
	xmlNodePtr a = ob_complex(cfg, "cpuAllocation", "ResourceAllocationInfo"), sh;
	const char *level = "custom";

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (vm->cpu_shares == levels[i].per_vcpu * vm->vcpus)
			level = levels[i].name;
	ob_value(a, "reservation", "xsd:long", "%u", vm->cpu_min_mhz);
	ob_bool(a, "expandableReservation", false);
	if (vm->cpu_max_mhz == UINT32_MAX)
		ob_value(a, "limit", "xsd:long", "-1");
	else
		ob_value(a, "limit", "xsd:long", "%u", vm->cpu_max_mhz);
	sh = ob_complex(a, "shares", "SharesInfo");
	ob_value(sh, "shares", "xsd:int", "%u", vm->cpu_shares);
	ob_value(sh, "level", "SharesLevel", "%s", level);
}

/* config.memoryAllocation: vmk has no memory shares, reservation or limit. */
static void vm_memory_allocation(xmlNodePtr cfg, const struct hostd_vm *vm)
{
	xmlNodePtr a = ob_complex(cfg, "memoryAllocation", "ResourceAllocationInfo"), sh;

	ob_value(a, "reservation", "xsd:long", "0");
	ob_bool(a, "expandableReservation", false);
	ob_value(a, "limit", "xsd:long", "-1");
	sh = ob_complex(a, "shares", "SharesInfo");
	/* VMware's normal memory shares: 10 per MiB */
	ob_value(sh, "shares", "xsd:int", "%u", 10 * vm->mem_mb);
	ob_value(sh, "level", "SharesLevel", "normal");
}

static void vm_config(struct soap_call *c, xmlNodePtr obj, const struct hostd_vm *vm)
{
	xmlNodePtr cfg = ob_complex(obj, "config", "VirtualMachineConfigInfo");
	xmlNodePtr hw, files, devices;
	char buf[HOSTD_PATH_LEN + 8];

	ob_str(cfg, "changeVersion", "");
	ob_time(cfg, "modified", 0);
	ob_str(cfg, "name", vm->name);
	ob_str(cfg, "guestFullName", "Other Linux (32-bit)");
	ob_str(cfg, "version", "vmx-04");
	vm_uuid(vm, buf, sizeof(buf));
	ob_str(cfg, "uuid", buf);
	ob_str(cfg, "instanceUuid", buf);
	ob_bool(cfg, "template", false);
	ob_str(cfg, "guestId", "otherLinuxGuest");
	files = ob_complex(cfg, "files", "VirtualMachineFileInfo");
	datastore_path(vm->vmx_path, buf, sizeof(buf));
	ob_str(files, "vmPathName", buf);
	hw = ob_complex(cfg, "hardware", "VirtualHardware");
	ob_value(hw, "numCPU", "xsd:int", "%u", vm->vcpus);
	ob_value(hw, "numCoresPerSocket", "xsd:int", "1");
	ob_value(hw, "memoryMB", "xsd:int", "%u", vm->mem_mb);
	devices = ob_array(hw, "device", "VirtualDevice");
	vm_disks(c, devices, vm);
	vm_nics(c, devices, vm);
	if (vm->has_cpu_alloc)
		vm_cpu_allocation(cfg, vm);
	vm_memory_allocation(cfg, vm);
	/* no hot-add: ReconfigVM_Task changes vCPUs and memory of a VM that is off */
	ob_bool(cfg, "memoryHotAddEnabled", false);
	ob_bool(cfg, "cpuHotAddEnabled", false);
	ob_bool(cfg, "cpuHotRemoveEnabled", false);
}

/* The Networks of the port groups the VM's NICs name, each once. */
static int vm_net_refs(struct soap_call *c, const struct hostd_vm *vm, xmlNodePtr array)
{
	char value[MO_VALUE_LEN];

	if (call_nets(c))
		return -1;
	for (size_t i = 0; i < c->nnets; i++) {
		if (!vm_on_net(vm, c->nets[i].name))
			continue;
		snprintf(value, sizeof(value), NET_MO_PREFIX "%s", c->nets[i].name);
		ob_ref(array, "ManagedObjectReference", "Network", value);
	}
	return 0;
}

/*
 * The guest as its tools would report it: vmk has no guest tools, so none
 * run and the guest's state is not known (ESXi's answer for a VM without
 * tools, toolsVersion "0"). Ansible reads guest.toolsRunningStatus and
 * guest.toolsVersion for every VM's facts.
 */
static void vm_guest(xmlNodePtr obj)
{
	xmlNodePtr g = ob_complex(obj, "guest", "GuestInfo");

	ob_value(g, "toolsStatus", "VirtualMachineToolsStatus", "toolsNotInstalled");
	ob_str(g, "toolsVersionStatus2", "guestToolsNotInstalled");
	ob_str(g, "toolsRunningStatus", "guestToolsNotRunning");
	ob_str(g, "toolsVersion", "0");
	ob_str(g, "guestId", "otherLinuxGuest");
	ob_str(g, "guestFullName", "Other Linux (32-bit)");
	ob_str(g, "guestState", "notRunning");
}

static int vm_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	const struct hostd_vm *vm = call_vm(c, mo->value);
	char ds_name[DS_NAME_MAX];
	uint32_t cpu_mhz = 0;
	xmlNodePtr s, g, ds;

	if (!vm)
		return soap_fail_not_found(c, mo);
	/*
	 * The networks only when asked for: the vmkernel's ioctls. Of the
	 * host, the runtime needs only its CPUs' MHz, not the whole host
	 * (a sysfs file, sysinfo, /dev/vmkernel opened): ~15 % of a
	 * RetrievePropertiesEx of runtime.powerState on the host.
	 */
	if (mo_wants(c, "runtime") || mo_wants(c, "summary"))
		cpu_mhz = hostd.backend->cpu_mhz(hostd.backend->ctx);
	if ((mo_wants(c, "config") || mo_wants(c, "network")) && call_nets(c))
		return -1;
	if (mo_wants(c, "name"))
		ob_str(obj, "name", vm->name);
	if (mo_wants(c, "parent"))
		ob_ref(obj, "parent", "Folder", "ha-folder-vm");
	if (mo_wants(c, "resourcePool"))
		ob_ref(obj, "resourcePool", "ResourcePool", POOL_MO);
	if (mo_wants(c, "overallStatus"))
		ob_value(obj, "overallStatus", "ManagedEntityStatus", "green");
	if (mo_wants(c, "configStatus"))
		ob_value(obj, "configStatus", "ManagedEntityStatus", "green");
	if (mo_wants(c, "runtime"))
		vm_runtime(obj, vm, cpu_mhz);
	if (mo_wants(c, "config"))
		vm_config(c, obj, vm);
	if (mo_wants(c, "guest"))
		vm_guest(obj);
	if (mo_wants(c, "datastore")) {
		ds = ob_array(obj, "datastore", "ManagedObjectReference");
		if (ds_of_path(c, vm->vmx_path, ds_name, sizeof(ds_name)))
			ob_ref(ds, "ManagedObjectReference", "Datastore", ds_name);
	}
	if (mo_wants(c, "network") &&
	    vm_net_refs(c, vm, ob_array(obj, "network", "ManagedObjectReference")))
		return -1;
	if (mo_wants(c, "recentTask"))
		task_recent(mo->value, ob_array(obj, "recentTask", "ManagedObjectReference"));
	if (!mo_wants(c, "summary"))
		return 0;
	s = ob_complex(obj, "summary", "VirtualMachineSummary");
	ob_ref(s, "vm", "VirtualMachine", mo->value);
	vm_runtime(s, vm, cpu_mhz);
	g = ob_complex(s, "guest", "VirtualMachineGuestSummary");
	ob_str(g, "guestId", "otherLinuxGuest");
	ob_value(g, "toolsStatus", "VirtualMachineToolsStatus", "toolsNotInstalled");
	vm_config_summary(s, vm);
	vm_quick_stats(s, vm);
	ob_value(s, "overallStatus", "ManagedEntityStatus", "green");
	return 0;
}

/*
 * A port group of the vmkernel's switches as ESXi shows a standard
 * switch's port group: its host, and the VMs whose .vmx names it.
 */
static int net_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	const struct hostd_net *net = call_net(c, mo->value);
	xmlNodePtr s, vms;

	if (!net || call_vms(c))
		return net ? -1 : soap_fail_not_found(c, mo);
	entity(obj, net->name, "Folder", "ha-folder-network");
	s = ob_complex(obj, "summary", "NetworkSummary");
	ob_ref(s, "network", "Network", mo->value);
	ob_str(s, "name", net->name);
	ob_bool(s, "accessible", true);
	ob_ref(ob_array(obj, "host", "ManagedObjectReference"), "ManagedObjectReference",
	       "HostSystem", HOST_MO);
	vms = ob_array(obj, "vm", "ManagedObjectReference");
	for (size_t i = 0; i < c->nvms; i++) {
		char id[16];

		if (!vm_on_net(&c->vms[i], net->name))
			continue;
		snprintf(id, sizeof(id), "%u", c->vms[i].id);
		ob_ref(vms, "ManagedObjectReference", "VirtualMachine", id);
	}
	return 0;
}

static int session_manager_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	(void)mo;
	session_tree(c, obj);
	return 0;
}

static int task_mo_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	return task_tree(c, mo->value, obj);
}

static int no_props(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	(void)c;
	(void)mo;
	(void)obj;
	return 0;
}

/* ---- types ---- */

struct mo_class {
	const char *type;
	const char *const *props;		/* top-level properties */
	const char *const *statics;		/* the fixed objects of this type */
	int (*tree)(struct soap_call *c, const struct mo *mo, xmlNodePtr obj);
};

#define LIST(...) (const char *const[]){ __VA_ARGS__, NULL }
#define ENTITY "name", "parent", "overallStatus", "configStatus"

static const struct mo_class classes[] = {
	{ "ServiceInstance", LIST("content"), LIST("ServiceInstance"), service_instance_tree },
	{ "Folder", LIST(ENTITY, "childEntity", "childType"),
	  LIST(ROOT_MO, "ha-folder-vm", "ha-folder-host", "ha-folder-datastore", "ha-folder-network"),
	  folder_tree },
	{ "Datacenter", LIST(ENTITY, "vmFolder", "hostFolder", "datastoreFolder",
			     "networkFolder", "datastore", "network"), LIST(DC_MO), datacenter_tree },
	{ "ComputeResource", LIST(ENTITY, "host", "resourcePool", "datastore", "network"),
	  LIST(COMPUTE_MO), compute_resource_tree },
	{ "ResourcePool", LIST(ENTITY, "owner", "resourcePool", "vm"), LIST(POOL_MO), pool_tree },
	{ "HostSystem", LIST(ENTITY, "vm", "datastore", "network", "runtime", "configManager",
			     "hardware", "summary", "config"),
	  LIST(HOST_MO), host_tree },
	/* snapshot: never set, vmk takes no snapshots (libvirt asks before undefine) */
	{ "VirtualMachine", LIST(ENTITY, "resourcePool", "runtime", "config", "datastore",
				 "network", "recentTask", "summary", "snapshot", "guest"),
	  NULL, vm_tree },
	{ "Datastore", LIST(ENTITY, "summary", "info", "host", "vm", "browser"), NULL,
	  datastore_tree },
	{ "HostDatastoreBrowser", LIST(NULL), LIST("ha-host-datastorebrowser"), no_props },
	{ "VirtualDiskManager", LIST(NULL), LIST("ha-vdiskmanager"), no_props },
	{ "Network", LIST(ENTITY, "summary", "host", "vm"), NULL, net_tree },
	{ "SessionManager", LIST("currentSession"), LIST("ha-sessionmgr"), session_manager_tree },
	{ "PropertyCollector", LIST(NULL), LIST("ha-property-collector"), no_props },
	{ "ViewManager", LIST(NULL), LIST("ViewManager"), no_props },
	{ "SearchIndex", LIST(NULL), LIST("ha-searchindex"), no_props },
	{ "HostAutoStartManager", LIST("config"), LIST("ha-autostart-mgr"), autostart_tree },
	{ "HostNetworkSystem", LIST("networkInfo"), LIST(NETWORK_SYSTEM_MO), network_system_tree },
	{ "Task", LIST("info"), NULL, task_mo_tree },
	{ "ContainerView", LIST("container", "type", "recursive", "view"), NULL, pc_view_tree },
	{ "PropertyFilter", LIST(NULL), NULL, no_props },
};

static const struct mo_class *class_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(classes[i].type, type))
			return &classes[i];
	return NULL;
}

bool mo_is_a(const char *type, const char *want)
{
	static const char *const entities[] = {
		"Folder", "Datacenter", "ComputeResource", "HostSystem", "ResourcePool",
		"VirtualMachine", "Datastore", "Network",
	};
	size_t i;

	if (!strcmp(type, want) || !strcmp(want, "ManagedObject"))
		return true;
	if (strcmp(want, "ManagedEntity"))
		return false;
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (!strcmp(type, entities[i]))
			return true;
	return false;
}

int mo_check(struct soap_call *c, const struct mo *mo)
{
	const struct mo_class *cl = class_of(mo->type);
	const char *const *s;

	if (!cl)
		return soap_fail_not_found(c, mo);
	for (s = cl->statics; s && *s; s++)
		if (!strcmp(*s, mo->value))
			return 0;
	if (!strcmp(mo->type, "VirtualMachine") && call_vm(c, mo->value))
		return 0;
	if (!strcmp(mo->type, "Datastore") && ds_exists(c, mo->value))
		return 0;
	if (!strcmp(mo->type, "Network") && call_net(c, mo->value))
		return 0;
	if (c->fault.type)
		return -1;
	if (!strcmp(mo->type, "Task") && task_exists(mo->value))
		return 0;
	if ((!strcmp(mo->type, "ContainerView") || !strcmp(mo->type, "PropertyFilter") ||
	     !strcmp(mo->type, "PropertyCollector")) && pc_session_obj(c, mo))
		return 0;
	return soap_fail_not_found(c, mo);
}

const char *const *mo_all_props(const char *type)
{
	static const char *const none[] = { NULL };
	const struct mo_class *cl = class_of(type);

	return cl ? cl->props : none;
}

bool mo_has_prop(const char *type, const char *path)
{
	const char *const *p = mo_all_props(type);
	size_t l = strcspn(path, ".");

	for (; *p; p++)
		if (strlen(*p) == l && !strncmp(*p, path, l))
			return true;
	return false;
}

bool mo_wants(const struct soap_call *c, const char *prop)
{
	size_t i, l = strlen(prop);

	if (!c->want)
		return true;
	for (i = 0; i < c->nwant; i++)
		if (!strncmp(c->want[i], prop, l) && (!c->want[i][l] || c->want[i][l] == '.'))
			return true;
	return false;
}

xmlNodePtr mo_tree_of(struct soap_call *c, const struct mo *mo, const char *const *paths,
		      size_t n)
{
	const struct mo_class *cl = class_of(mo->type);
	const char *const *outer = c->want;
	size_t nouter = c->nwant;
	xmlNodePtr obj;
	int bad;

	if (!cl || mo_check(c, mo))
		return NULL;
	obj = xmlNewNode(NULL, (const xmlChar *)"obj");
	if (!obj) {
		soap_fail(c, "SystemError", "out of memory");
		return NULL;
	}
	/* a tree built inside this one (a view's) has its own */
	c->want = paths;
	c->nwant = n;
	bad = cl->tree(c, mo, obj);
	c->want = outer;
	c->nwant = nouter;
	if (bad) {
		xmlFreeNode(obj);
		return NULL;
	}
	return obj;
}

xmlNodePtr mo_tree(struct soap_call *c, const struct mo *mo)
{
	return mo_tree_of(c, mo, NULL, 0);
}

/* The entities an entity contains: what a ContainerView looks through. */
static size_t children(struct soap_call *c, const struct mo *mo, struct mo *out, size_t max)
{
	static const char *const paths[] = {
		"childEntity", "vmFolder", "hostFolder", "datastoreFolder", "networkFolder", "host",
		"resourcePool",
	};
	xmlNodePtr tree, p;
	size_t i, n = 0;

	if (!strcmp(mo->type, "HostSystem") || !strcmp(mo->type, "VirtualMachine") ||
	    !strcmp(mo->type, "Datastore") || !strcmp(mo->type, "Network"))
		return 0;	/* leaves: their "vm", "host" and "resourcePool" point elsewhere */
	tree = mo_tree_of(c, mo, paths, sizeof(paths) / sizeof(paths[0]));
	if (!tree)
		return 0;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		p = mo_path(tree, paths[i]);
		if (p)
			n += mo_refs(p, out + n, max - n);
	}
	xmlFreeNode(tree);
	return n;
}

size_t mo_descendants(struct soap_call *c, const struct mo *container, bool recursive,
		      struct mo *out, size_t max)
{
	size_t n = children(c, container, out, max), i;

	/* breadth first over the growing list (the inventory is a tree) */
	for (i = 0; recursive && i < n && n < max; i++)
		n += children(c, &out[i], out + n, max - n);
	return n;
}

int si_retrieve_content(struct soap_call *c)
{
	struct mo si = { "ServiceInstance", "ServiceInstance" };
	xmlNodePtr tree = mo_tree(c, &si);

	if (!tree)
		return -1;
	mo_write(c, mo_path(tree, "content"), "returnval", false);
	xmlFreeNode(tree);
	return 0;
}

/*
 * SearchIndex.FindByUuid: the VM whose BIOS (or instance) UUID is uuid,
 * or no returnval. Hosts are not searched: this host has no BIOS UUID
 * to tell (hardware.systemInfo.uuid is empty).
 */
int si_find_by_uuid(struct soap_call *c)
{
	struct mo vm = { .type = "VirtualMachine" };
	char uuid[64], mine[40];
	size_t i;

	if (xml_text(xml_child(c->method, "uuid"), uuid, sizeof(uuid)) || !uuid[0])
		return soap_fail_argument(c, "uuid", "FindByUuid needs a uuid");
	if (!xml_bool(xml_child(c->method, "vmSearch"), false) || call_vms(c))
		return c->fault.type ? -1 : 0;
	for (i = 0; i < c->nvms; i++) {
		vm_uuid(&c->vms[i], mine, sizeof(mine));
		if (strcasecmp(mine, uuid))
			continue;
		snprintf(vm.value, sizeof(vm.value), "%u", c->vms[i].id);
		xw_mo(c, "returnval", &vm);
		break;
	}
	return 0;
}

/* Is mo's name name? */
static bool named(struct soap_call *c, const struct mo *mo, const char *name)
{
	static const char *const want[] = { "name" };
	xmlNodePtr tree = mo_tree_of(c, mo, want, 1), n = tree ? mo_path(tree, "name") : NULL;
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	bool same = t && !strcmp((const char *)t, name);

	xmlFree(t);
	xmlFreeNode(tree);
	return same;
}

/*
 * The child of parent named name (the inventory's names: a datacenter's
 * folders are vm, host, datastore and network; a compute resource holds
 * its host and its pool "Resources") into child; false when none is.
 */
static bool child_named(struct soap_call *c, const struct mo *parent, const char *name,
			struct mo *child)
{
	struct mo kids[MO_REFS_MAX];
	size_t n = children(c, parent, kids, MO_REFS_MAX), i;

	for (i = 0; i < n && !c->fault.type; i++) {
		if (named(c, &kids[i], name)) {
			*child = kids[i];
			return true;
		}
	}
	return false;
}

int si_find_child(struct soap_call *c)
{
	struct mo parent, child;
	char name[HOSTD_PATH_LEN];

	if (xml_mo(xml_child(c->method, "entity"), &parent) || mo_check(c, &parent))
		return c->fault.type ? -1 : soap_fail_argument(c, "entity", "FindChild needs an entity");
	if (xml_text(xml_child(c->method, "name"), name, sizeof(name)))
		return soap_fail_argument(c, "name", "FindChild needs a name of at most %d bytes",
					  HOSTD_PATH_LEN - 1);
	if (child_named(c, &parent, name, &child))
		xw_mo(c, "returnval", &child);
	return c->fault.type ? -1 : 0;
}

/*
 * "ha-datacenter/vm/web" walked by names from the root folder, as
 * govmomi's simulator does (empty names skipped; "%2f" in a name is a
 * "/", "%25" a "%", as ESXi escapes them); no returnval when nothing
 * has that path, nor for an empty one.
 */
int si_find_by_inventory_path(struct soap_call *c)
{
	struct mo at = { .type = "Folder", .value = ROOT_MO };
	char path[HOSTD_PATH_LEN], name[HOSTD_PATH_LEN];
	const char *p;
	bool any = false;

	if (xml_text(xml_child(c->method, "inventoryPath"), path, sizeof(path)))
		return soap_fail_argument(c, "inventoryPath",
					  "FindByInventoryPath needs an inventoryPath of at most %d bytes",
					  HOSTD_PATH_LEN - 1);
	for (p = path; *p; p += *p == '/') {
		size_t l = strcspn(p, "/"), o = 0;

		for (size_t i = 0; i < l; i++) {
			bool slash = i + 2 < l && !strncasecmp(p + i, "%2f", 3);
			bool percent = i + 2 < l && !strncmp(p + i, "%25", 3);

			name[o++] = slash ? '/' : p[i];
			if (slash || percent)
				i += 2;
		}
		name[o] = '\0';
		p += l;
		if (!o)
			continue;
		if (!child_named(c, &at, name, &at))
			return c->fault.type ? -1 : 0;
		any = true;
	}
	if (any)
		xw_mo(c, "returnval", &at);
	return 0;
}
