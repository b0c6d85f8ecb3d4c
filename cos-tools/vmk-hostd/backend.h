/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vmk-hostd asks of the machine it describes: the host, its VMs and
 * their power. The state lives in the vmkernel (backend_vmk.c, over
 * /dev/vmkernel as vmkctl uses it); backend_fake.c keeps a few VMs in
 * memory for host tests. The daemon holds no copy of this state: every
 * request asks the backend again, so vmkctl and vmk-hostd never disagree
 * (backend_vmk.c keeps a parsed file only while a stat says it is
 * unchanged).
 */
#ifndef HOSTD_BACKEND_H
#define HOSTD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cos-tools/lib/diag.h"

#define HOSTD_NAME_LEN		64
#define HOSTD_PATH_LEN		1024	/* INVENTORY_PATH_MAX */
#define HOSTD_REASON_LEN	160
#define HOSTD_VMS_MAX		256
#define HOSTD_NICS		4	/* ethernet0..3: VMX_NICS */
#define HOSTD_DISKS		4	/* scsi0:0..3: VMX_SCSI_DISKS */
#define HOSTD_NET_NAME_LEN	32	/* a port group's name and NUL: VMK_NET_NAME_LEN */
#define HOSTD_NETS_MAX		128	/* VMK_NET_MAX_SWITCHES * VMK_NET_MAX_GROUPS */
#define HOSTD_DS_NAME_LEN	64	/* a datastore's name and NUL; longer labels are left out */
#define HOSTD_DS_UUID_LEN	40	/* VMK_DATASTORE_UUID_LEN */
#define HOSTD_DATASTORES_MAX	32	/* of each kind: VMK_STORAGE_MAX_LUNS, COS folders */
#define HOSTD_VDISK_PATH_LEN	128	/* "[LABEL] DIR/NAME.vmdk" and NUL: VMK_VDISK_PATH_LEN */

enum hostd_power {
	HOSTD_POWERED_OFF,
	HOSTD_POWERED_ON,
};

enum hostd_power_op {
	HOSTD_OP_POWER_ON,
	HOSTD_OP_POWER_OFF,	/* at once, like vmkctl vm kill */
	HOSTD_OP_RESET,
	HOSTD_OP_SHUTDOWN,	/* the guest's ACPI power button: its OS shuts down */
};

/* vm_power's answer when the guest cannot do the op (no power-button handler). */
#define HOSTD_NO_GUEST_SUPPORT	(-2)

struct hostd_host {
	char name[HOSTD_NAME_LEN];	/* the COS's host name */
	char cpu_model[HOSTD_NAME_LEN];
	uint32_t cpus;			/* physical CPUs the vmkernel runs on */
	uint32_t cpu_mhz;
	uint64_t mem_bytes;		/* the machine's memory */
	uint64_t boot_time;		/* seconds since the epoch */
	int vmkernel_running;		/* 0: the module is not loaded */
};

/* A NIC of a VM as its .vmx has it (ethernetN, docs/vmx.md). */
struct hostd_nic {
	bool present;
	char dev[16];			/* virtualDev: e1000, vmxnet3, ... */
	char network[HOSTD_NET_NAME_LEN];	/* networkName (default "VM Network") */
	bool is_static;			/* address given (addressType static) */
	bool has_mac;			/* address or generatedAddress known */
	uint8_t mac[6];
};

#define HOSTD_SWITCH_PORTS	64	/* ports of one switch: VMK_NET_MAX_PORTS */

/* A port group of the vmkernel's switches: a Network of the API. */
struct hostd_net {
	char name[HOSTD_NET_NAME_LEN];
	char vswitch[HOSTD_NET_NAME_LEN];
	uint32_t vlan;
	/* its switch's: a HostVirtualSwitch of the API */
	uint32_t switch_ports_used;	/* of HOSTD_SWITCH_PORTS, its uplink's included */
	struct {			/* the physical NIC behind it (vswitch0's) */
		bool present;
		uint32_t pci_bdf;	/* bus << 8 | device << 3 | function */
		char driver[16];
		uint8_t mac[6];
		uint32_t mbps;		/* 0: link down */
	} uplink;
};

/* A VMFS volume the vmkernel has mounted: a Datastore of type VMFS. */
struct hostd_datastore {
	char name[HOSTD_DS_NAME_LEN];	/* its label */
	char uuid[HOSTD_DS_UUID_LEN];
	uint64_t capacity, free_bytes;
	uint32_t block_size;		/* file block size, bytes */
	bool read_write;
	uint32_t target, lun;		/* its LUN, vmhba0:C0:T<target>:L<lun> (whole) */
};

/* A storage adapter the vmkernel drives: a HostHostBusAdapter of the API. */
struct hostd_hba {
	char name[16];			/* "vmhba0" */
	char driver[16];		/* "pvscsi" */
	uint32_t pci_bdf;		/* bus << 8 | device << 3 | function */
};

enum hostd_vdisk_format {
	HOSTD_VDISK_THIN,		/* blocks allocated on first write */
	HOSTD_VDISK_ZEROEDTHICK,	/* allocated now, zeroed on first write */
	HOSTD_VDISK_EAGERZEROEDTHICK,	/* allocated and zeroed now */
};

/* A virtual disk to make, as `vmkfstools -c SIZE -d FORMAT -a ADAPTER PATH`. */
struct hostd_vdisk {
	char path[HOSTD_VDISK_PATH_LEN];	/* "[LABEL] DIR/NAME.vmdk" */
	uint64_t size;			/* bytes, a nonzero multiple of 512 */
	enum hostd_vdisk_format format;
	const char *adapter;		/* ddb.adapterType: "lsilogic", "buslogic" */
};

struct hostd_vm {
	uint32_t id;			/* the moref value: stable while it is registered */
	char name[HOSTD_NAME_LEN];
	enum hostd_power power;
	uint32_t mem_mb;
	uint32_t vcpus;
	uint64_t boot_time;		/* seconds since the epoch, 0 if off */
	uint64_t cpu_time_us;		/* time in the guest, all vCPUs */
	uint64_t mem_pages;		/* 4 KiB pages held now */
	char vmx_path[HOSTD_PATH_LEN];	/* "" when not registered */
	char reason[HOSTD_REASON_LEN];	/* why it stopped last, or "" */
	uint32_t kernel_id;		/* the vmkernel's VM id, 0 if it holds none */
	struct hostd_nic nic[HOSTD_NICS];	/* from its .vmx; none without one */
	char scsi_dev[16];		/* scsi0.virtualDev, "" without scsi0 */
	char disk[HOSTD_DISKS][HOSTD_VDISK_PATH_LEN];	/* scsi0:N.fileName or "" */
	/* its CPU allocation (sched.cpu.*), known only from a .vmx */
	bool has_cpu_alloc;
	uint32_t cpu_shares;		/* the VM's total */
	uint32_t cpu_min_mhz;		/* reservation */
	uint32_t cpu_max_mhz;		/* limit, UINT32_MAX: none */
};

struct vmx_config;
struct vmx_set;
/* The NICs, disks and CPU allocation of a checked .vmx (vmx_config_from_file()) into vm. */
void hostd_vm_devices(struct hostd_vm *vm, const struct vmx_config *cfg);
/*
 * Set keys in vm's .vmx (vmx_set_keys(): locked, atomic, checked) and
 * take its memory, vCPUs and CPU allocation from what was written. For
 * the backends' vm_reconfig. 0, or -1 with diag.
 */
int hostd_vm_reconfig(struct hostd_vm *vm, const struct vmx_set *sets, size_t n,
		      struct diag *diag);

/*
 * Every op returns 0 and adds nothing to diag, or -1 (vm_power also
 * HOSTD_NO_GUEST_SUPPORT) with the sentence for the client added to diag
 * (docs/architecture.md "Explaining an error"); the caller frees it.
 */
struct hostd_backend {
	const char *name;
	void *ctx;
	int (*host_info)(void *ctx, struct hostd_host *host, struct diag *diag);
	/*
	 * host_info's cpu_mhz alone, for a VM's runtime.maxCpuUsage: what
	 * Ansible's one-property calls need, without the rest of the host.
	 */
	uint32_t (*cpu_mhz)(void *ctx);
	/*
	 * Up to HOSTD_VMS_MAX VMs: the registered ones in inventory order (a
	 * .vmx that does not load is left out), then those only the vmkernel
	 * has. A VM that is registered has the same id whether the vmkernel
	 * holds it or not, across starts.
	 */
	int (*vm_list)(void *ctx, struct hostd_vm *vms, size_t *count, struct diag *diag);
	/*
	 * POWER_ON of a registered VM is `vmkctl vm start`: made afresh from
	 * its .vmx. vm is as vm_list gave it in this request: the caller found
	 * it there, and a second list (every .vmx read again, the vmkernel
	 * asked again) cost each power operation as much as a listing.
	 */
	int (*vm_power)(void *ctx, const struct hostd_vm *vm, enum hostd_power_op op,
			struct diag *diag);
	/*
	 * Forget a powered-off VM, as `vmkctl vm unregister` does: the
	 * vmkernel lets it go and its .vmx leaves the inventory (the file
	 * stays on disk).
	 */
	int (*vm_unregister)(void *ctx, uint32_t id, struct diag *diag);
	/*
	 * Add the .vmx at path (absolute; vmops.c has checked that it loads
	 * and that its name and path are new) as `vmkctl vm register` does;
	 * vm gives its name, memory and vCPUs. Its moref in *id.
	 */
	int (*vm_register)(void *ctx, const char *path, const struct hostd_vm *vm, uint32_t *id,
			   struct diag *diag);
	/*
	 * Up to HOSTD_NETS_MAX port groups, switch by switch as `vmkctl
	 * network` lists them (names are unique on the host); none when the
	 * vmkernel is not loaded.
	 */
	int (*net_list)(void *ctx, struct hostd_net *nets, size_t *count, struct diag *diag);
	/*
	 * Up to HOSTD_DATASTORES_MAX VMFS volumes the vmkernel has mounted,
	 * as `vmkctl storage datastores` lists them; none when it is not
	 * loaded or drives no storage adapter.
	 */
	int (*ds_list)(void *ctx, struct hostd_datastore *ds, size_t *count, struct diag *diag);
	/*
	 * The storage adapter the vmkernel drives (vmhba0, as `vmkctl
	 * storage` shows it running): one, or none when it is not loaded or
	 * drives none.
	 */
	int (*hba_list)(void *ctx, struct hostd_hba *hba, size_t *count, struct diag *diag);
	/*
	 * Make the folder path ("[LABEL] DIR") on a mounted datastore, as
	 * `vmkfstools --mkdir` (refused when it is there already).
	 */
	int (*ds_mkdir)(void *ctx, const char *path, struct diag *diag);
	/* Make a virtual disk in an existing folder, as `vmkfstools -c`. */
	int (*vdisk_create)(void *ctx, const struct hostd_vdisk *disk, struct diag *diag);
	/* A virtual disk's size in bytes ("[LABEL] DIR/NAME.vmdk"), as `vmkfstools -P`. */
	int (*vdisk_size)(void *ctx, const char *path, uint64_t *size, struct diag *diag);
	/*
	 * Delete a virtual disk, its descriptor and extent, as `vmkfstools
	 * -U` (refused, nothing removed, while a VM holds it).
	 */
	int (*vdisk_delete)(void *ctx, const char *path, struct diag *diag);
	/* Remove the empty folder path ("[LABEL] DIR"), as `vmkfstools --rmdir`. */
	int (*ds_rmdir)(void *ctx, const char *path, struct diag *diag);
	/*
	 * Set keys in the .vmx of a registered VM that is off (memsize,
	 * numvcpus, sched.cpu.*: ReconfigVM_Task); the next power on starts
	 * it so. Refused for a running VM: the vmkernel has no call that
	 * changes a running VM's vCPUs, memory or CPU allocation.
	 */
	int (*vm_reconfig)(void *ctx, uint32_t id, const struct vmx_set *sets, size_t n,
			   struct diag *diag);
};

/* The backends; NULL with a message on stderr when one cannot start. */
const struct hostd_backend *backend_fake_open(void);
const struct hostd_backend *backend_vmk_open(void);

#endif /* HOSTD_BACKEND_H */
