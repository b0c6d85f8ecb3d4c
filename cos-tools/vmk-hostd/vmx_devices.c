// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's NICs, disks and CPU allocation as the daemon shows them
 * (config.hardware.device, network, config.cpuAllocation), read from its
 * .vmx the way `vmkctl vm start` reads them, for both backends:
 * backend_vmk.c for the registered VMs, vmops.c for a VM it registers
 * with the fake backend; and ReconfigVM_Task's write of the .vmx.
 */
#include <stdio.h>
#include <string.h>
#include "cos-tools/vmx/vmx.h"
#include "backend.h"

_Static_assert(HOSTD_NICS == VMX_NICS, "a NIC of the .vmx for each NIC of the API");
_Static_assert(HOSTD_DISKS == VMX_SCSI_DISKS, "a disk of the .vmx for each disk of the API");
_Static_assert(HOSTD_NET_NAME_LEN > VMX_NETWORK_NAME_MAX, "a networkName fits");

static void vm_nics(struct hostd_vm *vm, const struct vmx_config *cfg)
{
	for (unsigned int n = 0; n < HOSTD_NICS; n++) {
		const struct vmx_ethernet *eth = &cfg->ethernet[n];
		struct hostd_nic *nic = &vm->nic[n];

		memset(nic, 0, sizeof(*nic));
		if (!eth->present)
			continue;
		nic->present = true;
		snprintf(nic->dev, sizeof(nic->dev), "%s", eth->dev ? eth->dev : "");
		snprintf(nic->network, sizeof(nic->network), "%s",
			 eth->network ? eth->network : VMX_DEFAULT_NETWORK);
		nic->is_static = eth->is_static;
		nic->has_mac = eth->has_mac;
		memcpy(nic->mac, eth->mac, sizeof(nic->mac));
	}
}

/* scsi0's disks; a fileName too long for a datastore path is cut (vm start refuses it). */
static void vm_disks(struct hostd_vm *vm, const struct vmx_config *cfg)
{
	snprintf(vm->scsi_dev, sizeof(vm->scsi_dev), "%s",
		 cfg->scsi0_present && cfg->scsi0_dev ? cfg->scsi0_dev : "");
	for (unsigned int n = 0; n < HOSTD_DISKS; n++)
		snprintf(vm->disk[n], sizeof(vm->disk[n]), "%s",
			 cfg->scsi0_file[n] ? cfg->scsi0_file[n] : "");
}

static void vm_cpu_alloc(struct hostd_vm *vm, const struct vmx_config *cfg)
{
	vm->has_cpu_alloc = true;
	vm->cpu_shares = cfg->cpu_shares;
	vm->cpu_min_mhz = cfg->cpu_min_mhz;
	vm->cpu_max_mhz = cfg->cpu_max_mhz;
}

void hostd_vm_devices(struct hostd_vm *vm, const struct vmx_config *cfg)
{
	vm_nics(vm, cfg);
	vm_disks(vm, cfg);
	vm_cpu_alloc(vm, cfg);
}

int hostd_vm_reconfig(struct hostd_vm *vm, const struct vmx_set *sets, size_t n,
		      struct diag *diag)
{
	struct vmx_config cfg;
	struct vmx_file now;
	size_t written;
	int ret;

	for (size_t i = 0; vm->power == HOSTD_POWERED_ON && i < n; i++) {
		if (strcmp(sets[i].key, "numvcpus") && strcmp(sets[i].key, "memsize"))
			continue;
		diag_add(diag, "vm '%s' is running: vmk has no CPU or memory hot-add", vm->name);
		return -1;
	}
	if (!vm->vmx_path[0]) {
		diag_add(diag, "vm '%s' has no .vmx (it is not registered): nothing to write its settings to",
			 vm->name);
		return -1;
	}
	if (vmx_set_keys(vm->vmx_path, sets, n, &now, &written, diag))
		return -1;
	ret = vmx_config_from_file(&now, &cfg, diag);
	if (!ret) {
		vm->mem_mb = cfg.memsize_mib;
		vm->vcpus = cfg.numvcpus;
		vm_cpu_alloc(vm, &cfg);
	}
	vmx_file_free(&now);
	return ret ? -1 : 0;
}
