// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM control hypercalls (include/vmk/vm.h) and a vNIC's link
 * (VMK_HC_NET_NIC_LINK): each copies and checks the COS's request, calls
 * the VM code, and says why a request failed in c->why
 * (hypercall_dispatch() copies it to the COS's message buffer).
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/net/vswitch.h"
#include "vmkernel/storage/rdm.h"
#include "vmkernel/storage/vdisk.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/log/log.h"
#include "vmkernel/cos/cos_mem.h"

#define COPY_BATCH		256	/* console bytes per copy */

/* ---- hypercalls ---- */

vmk_status_t vm_hc_create(struct hc_call *c)
{
	struct vmk_vm_config cfg;
	vmk_status_t st;

	st = cos_read(c->arg[0], &cfg, sizeof(cfg));
	if (st != VMK_OK)
		return st;
	cfg.name[VMK_VM_NAME_LEN - 1] = '\0';
	if (!cfg.name[0])
		return why_fail(&c->why, VMK_BAD_PARAM, "a VM needs a name");
	if (cfg.mem_mb < VMK_VM_MIN_MEM_MB || cfg.mem_mb > VMK_VM_MAX_MEM_MB)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': memory %u MiB out of range (%u..%u)",
				cfg.name, cfg.mem_mb, VMK_VM_MIN_MEM_MB, VMK_VM_MAX_MEM_MB);
	if (cfg.vcpus < 1 || cfg.vcpus > VMK_VM_MAX_VCPUS)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': %u vCPUs out of range (1..%u)",
				cfg.name, cfg.vcpus, VMK_VM_MAX_VCPUS);
	if (cfg.boot != VMK_VM_BOOT_LINUX && cfg.boot != VMK_VM_BOOT_MULTIBOOT &&
	    cfg.boot != VMK_VM_BOOT_BIOS)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': unknown boot kind %u",
				cfg.name, cfg.boot);
	if (cfg.devices & ~VMK_VM_DEVICES)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': unknown optional devices %x",
				cfg.name, cfg.devices & ~VMK_VM_DEVICES);
	if (cfg.sched_max_pct && cfg.sched_min_pct > cfg.sched_max_pct)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': reservation %u%% above its limit %u%%",
				cfg.name, cfg.sched_min_pct, cfg.sched_max_pct);
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++) {
		struct vmk_vm_nic *n = &cfg.nic[i];

		n->network[VMK_NET_NAME_LEN - 1] = '\0';
		if (n->model == VMK_VM_NIC_NONE)
			continue;
		if (n->model != VMK_VM_NIC_E1000 && n->model != VMK_VM_NIC_VMXNET3)
			return why_fail(&c->why, VMK_NOT_SUPPORTED, "vm '%s': ethernet%u: unknown NIC model %u (vmk emulates e1000 and vmxnet3)",
					cfg.name, i, n->model);
		if (!vsw_mac_is_unicast(n->mac))
			return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': ethernet%u: the MAC address must be unicast and not zero",
					cfg.name, i);
	}
	if (cfg.scsi0 != VMK_VM_SCSI_NONE && cfg.scsi0 != VMK_VM_SCSI_PVSCSI)
		return why_fail(&c->why, VMK_NOT_SUPPORTED, "vm '%s': scsi0: unknown adapter model %u (vmk emulates pvscsi)",
				cfg.name, cfg.scsi0);
	for (uint32_t i = 0; i < VMK_VM_MAX_DISKS; i++) {
		char *name = cfg.disk[i].name;
		uint32_t t, l;

		name[VMK_VM_DISK_NAME_LEN - 1] = '\0';
		if (!name[0])
			continue;
		if (cfg.scsi0 == VMK_VM_SCSI_NONE)
			return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': scsi0:%u needs scsi0 (a pvscsi adapter)",
					cfg.name, i);
		if (!vdisk_is_path(name) && !rdm_parse_name(name, &t, &l))
			return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': scsi0:%u: '%s' is neither a LUN like vmhba0:C0:T0:L0 nor a .vmdk path",
					cfg.name, i, name);
		if (cfg.disk[i].shares && (cfg.disk[i].shares < VMK_VM_DISK_SHARES_MIN ||
					   cfg.disk[i].shares > VMK_VM_DISK_SHARES_MAX))
			return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': scsi0:%u: %u disk shares: they must be %u..%u",
					cfg.name, i, cfg.disk[i].shares,
					VMK_VM_DISK_SHARES_MIN, VMK_VM_DISK_SHARES_MAX);
	}
	if (cfg.sched_affinity &&
	    (cfg.sched_affinity & ((1u << vmk_boot_info.ncpus) - 1)) != cfg.sched_affinity)
		return why_fail(&c->why, VMK_BAD_PARAM, "vm '%s': CPU affinity %x names CPUs this machine lacks (it has %u)",
				cfg.name, cfg.sched_affinity, vmk_boot_info.ncpus);
	if (cfg.sched_affinity & (cfg.sched_affinity - 1) &&
	    cfg.sched_affinity != (1u << vmk_boot_info.ncpus) - 1)
		return why_fail(&c->why, VMK_NOT_SUPPORTED, "vm '%s': CPU affinity %x: a VM runs on one CPU or on all of them",
				cfg.name, cfg.sched_affinity);
	cfg.mem_mb = ALIGN_UP(cfg.mem_mb, VMK_CHUNK_SIZE >> 20);
	if (!cfg.sched_shares)
		cfg.sched_shares = 1000 * cfg.vcpus;
	return vm_create(&cfg, &c->result, &c->why);
}

vmk_status_t vm_hc_load(struct hc_call *c)
{
	struct vmk_vm_load l;
	struct vm *vm;
	vmk_status_t st;

	st = cos_read(c->arg[0], &l, sizeof(l));
	if (st != VMK_OK)
		return st;
	vm = vm_get(l.id);
	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", l.id);
	spin_lock(&vm->lock);
	st = vm_load_locked(vm, &l, &c->why);
	spin_unlock(&vm->lock);
	vm_put(vm);
	return st;
}

vmk_status_t vm_hc_power_on(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	vmk_status_t st;

	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	st = vm_power_on(vm, &c->why);
	vm_put(vm);
	return st;
}

vmk_status_t vm_hc_kill(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);

	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	spin_lock(&vm->lock);
	vm_stop_locked(vm, VMK_VM_STATE_OFF, "killed from the COS");
	spin_unlock(&vm->lock);
	vm_worlds_reap(vm);
	vm_put(vm);
	return VMK_OK;
}

/*
 * The RUNNING VM named by arg 0, returned with vm->lock held and a
 * reference (unlock, then vm_put()); else why not.
 */
static vmk_status_t lock_running(struct hc_call *c, struct vm **out)
{
	struct vm *vm = vm_get(c->arg[0]);

	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	spin_lock(&vm->lock);
	if (vm->state != VMK_VM_STATE_RUNNING) {
		spin_unlock(&vm->lock);
		why_fail(&c->why, VMK_BAD_PARAM, "vm '%s' is not running", vm->cfg.name);
		vm_put(vm);
		return VMK_BAD_PARAM;
	}
	*out = vm;
	return VMK_OK;
}

vmk_status_t vm_hc_reset(struct hc_call *c)
{
	struct vm *vm;
	vmk_status_t st = lock_running(c, &vm);

	if (st != VMK_OK)
		return st;
	vm_request_reset_locked(vm);
	spin_unlock(&vm->lock);
	vm_put(vm);
	return VMK_OK;
}

vmk_status_t vm_hc_destroy(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	vmk_status_t st;

	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	st = vm_destroy(vm);
	/* Another COS CPU may have got there first: say so, not a bare errno. */
	if (st == VMK_BAD_PARAM)
		why_fail(&c->why, st, "no VM with id %u (destroyed meanwhile)", c->arg[0]);
	else if (st == VMK_BUSY)
		why_fail(&c->why, st, "vm '%s' is running (stop or kill it first)", vm->cfg.name);
	vm_put(vm);
	return st;
}

vmk_status_t vm_hc_info(struct hc_call *c)
{
	struct vm *vm;
	struct vmk_vm_info info;
	uint32_t i;

	if (c->arg[2] < sizeof(info))
		return VMK_BAD_PARAM;
	vm = vm_get(c->arg[0]);
	if (!vm)
		return VMK_BAD_PARAM;
	vm_worlds_reap(vm);	/* a stopped VM's worlds leave vmkctl status */
	memset(&info, 0, sizeof(info));
	spin_lock(&vm->lock);
	info.id = vm->id;
	info.state = vm->state;
	memcpy(info.name, vm->cfg.name, sizeof(info.name));
	info.mem_mb = vm->cfg.mem_mb;
	info.vcpus = vm->cfg.vcpus;
	info.boot = vm->cfg.boot;
	info.sched_shares = vm->cfg.sched_shares;
	info.sched_min_pct = vm->cfg.sched_min_pct;
	info.sched_max_pct = vm->cfg.sched_max_pct;
	info.sched_affinity = vm->cfg.sched_affinity;
	info.power_ons = vm->power_ons;
	for (i = 0; i < vm->cfg.vcpus; i++)
		if (vm->vcpu[i].state == VCPU_HALTED)
			info.vcpus_halted |= 1u << i;
	if (vmk_boot_info.tsc_khz)
		info.cpu_time_us = vm->cpu_time_tsc * 1000 / vmk_boot_info.tsc_khz;
	if (vm->state == VMK_VM_STATE_RUNNING)
		info.uptime_us = vmk_time_us() - vm->power_on_us;
	memcpy(info.exits, vm->exits, sizeof(info.exits));
	info.exits_total = vm->exits_total;
	info.unassigned_mmio = vm->unassigned_mmio;
	info.unassigned_io_writes = vm->unassigned_io_writes;
	if (vm->power_ons)
		info.console_dropped = vm->dev.uart[0].tx_dropped;
	info.mem_pages = vm->nchunks * POOL_PAGES_PER_CHUNK + vm->npt_ntables;
	for (i = 0; i < vm->cfg.vcpus && vm->nchunks; i++)
		info.mem_pages += 1;	/* its VMCB */
	memcpy(info.reason, vm->reason, sizeof(info.reason));
	spin_unlock(&vm->lock);
	vm_put(vm);
	c->result = sizeof(info);
	return cos_write(c->arg[1], &info, sizeof(info));
}

/*
 * How long `vmkctl storage disks` waits for a VM's lock: its vCPU holds
 * it for a whole disk batch, which on a hung LUN lasts one command's
 * timeout ladder (LUN_IO_HOLD_MAX_MS).
 */
#define VM_DISKS_WAIT_MS	4000

static uint64_t disks_now_ms(void *ctx)
{
	(void)ctx;
	return vmk_time_us() / 1000;
}

/*
 * A VM's disks and their I/O counters. Only the id is read from the
 * COS; the answer is built in vmkernel memory and written back whole.
 * VMK_BUSY, nothing written, when the VM's lock stayed held
 * VM_DISKS_WAIT_MS.
 */
vmk_status_t vm_hc_disks(struct hc_call *c)
{
	struct vmk_vm_disks disks, *d = &disks;
	uint32_t id;
	struct vm *vm;
	vmk_status_t st;

	if (c->arg[1] < sizeof(*d))
		return VMK_BAD_PARAM;
	st = cos_read(c->arg[0] + offsetof(struct vmk_vm_disks, id), &id, sizeof(id));
	if (st != VMK_OK)
		return st;
	vm = vm_get(id);
	if (!vm)
		return VMK_BAD_PARAM;
	memset(d, 0, sizeof(*d));
	if (!spin_lock_by(&vm->lock, disks_now_ms, NULL,
			  disks_now_ms(NULL) + VM_DISKS_WAIT_MS)) {
		st = why_fail(&c->why, VMK_BUSY, "vm '%s': its disks stayed busy %u s (a command on a slow or hung LUN): nothing read",
			      vm->cfg.name, VM_DISKS_WAIT_MS / 1000);
		vm_put(vm);
		return st;
	}
	d->id = vm->id;
	d->state = vm->state;
	memcpy(d->name, vm->cfg.name, sizeof(d->name));
	/* A VM stopped but not yet released still has its disks open. */
	if (vm->state == VMK_VM_STATE_RUNNING)
		vm_disks_io(vm, d->disk);
	spin_unlock(&vm->lock);
	vm_put(vm);
	c->result = sizeof(*d);
	return cos_write(c->arg[0], d, sizeof(*d));
}

/* One page of the VMs' ids; the request is read once, then trusted. */
vmk_status_t vm_hc_list(struct hc_call *c)
{
	struct vmk_vm_list list;
	vmk_status_t st;

	memset(&list, 0, sizeof(list));
	st = cos_read(c->arg[0], &list, offsetof(struct vmk_vm_list, count));
	if (st != VMK_OK)
		return st;
	if (!list.max || list.max > VMK_VM_LIST_MAX || list.start > VMK_VM_ID_MAX)
		return VMK_BAD_PARAM;
	list.count = vm_list_page(list.start, list.id, list.max, &list.next);
	c->result = list.count;
	return cos_write(c->arg[0], &list, sizeof(list));
}

vmk_status_t vm_hc_console_read(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	uint8_t buf[COPY_BATCH];
	uint32_t gpa = c->arg[1], room = c->arg[2], n;
	vmk_status_t st = VMK_OK;

	c->result = 0;
	if (!vm)
		return VMK_BAD_PARAM;
	while (room && st == VMK_OK) {
		spin_lock(&vm->lock);
		n = 0;
		if (vm->power_ons)	/* else its devices were never set up */
			n = (uint32_t)uart_tx_drain(&vm->dev.uart[0], buf,
						    MIN(room, COPY_BATCH));
		spin_unlock(&vm->lock);
		if (!n)
			break;
		st = cos_write(gpa, buf, n);
		gpa += n;
		room -= n;
		c->result += n;
	}
	vm_put(vm);
	return st;
}

vmk_status_t vm_hc_console_write(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);
	uint8_t buf[COPY_BATCH];
	uint32_t len = MIN(c->arg[2], COPY_BATCH);
	vmk_status_t st;

	c->result = 0;
	if (!vm)
		return VMK_BAD_PARAM;
	st = cos_read(c->arg[1], buf, len);
	if (st == VMK_OK) {
		spin_lock(&vm->lock);
		if (vm->state == VMK_VM_STATE_RUNNING) {
			c->result = (uint32_t)uart_rx_feed(&vm->dev.uart[0], buf, len);
			vm_wake_vcpus_locked(vm, false);	/* its UART interrupt */
		}
		spin_unlock(&vm->lock);
	}
	vm_put(vm);
	return st;
}

/*
 * Graceful stop: press the ACPI power button; the guest's OS decides and
 * powers off through PM1a (the VM then goes OFF as for a guest poweroff).
 * Refused, with nothing changed, when the guest has not enabled the button.
 */
vmk_status_t vm_hc_stop(struct hc_call *c)
{
	struct vm *vm;
	vmk_status_t st = lock_running(c, &vm);
	bool pressed;

	if (st != VMK_OK)
		return st;
	pressed = power_button_press(&vm->dev.power);
	if (pressed)
		vm_wake_vcpus_locked(vm, false);	/* the SCI */
	spin_unlock(&vm->lock);
	if (pressed)
		log_info("vm %u '%s': power button pressed", vm->id, vm->cfg.name);
	else
		st = why_fail(&c->why, VMK_NOT_SUPPORTED,
			      "vm '%s' has no ACPI power button handler (booted with acpi=off, or not up yet?): use vmkctl vm kill",
			      vm->cfg.name);
	vm_put(vm);
	return st;
}

/*
 * A vNIC's cable (VMK_HC_NET_NIC_LINK): EBX the VM, ECX the NIC index,
 * EDX 1 up or 0 down; all three are register values, checked here.
 */
vmk_status_t vm_hc_nic_link(struct hc_call *c)
{
	uint32_t nic = c->arg[1], up = c->arg[2];
	struct vm *vm;
	vmk_status_t st;

	if (up > 1)
		return why_fail(&c->why, VMK_BAD_PARAM, "link state %u: 1 (up) or 0 (down)", up);
	st = lock_running(c, &vm);
	if (st != VMK_OK)
		return st;
	st = vm_nic_set_link(vm, nic, up);
	spin_unlock(&vm->lock);
	if (st == VMK_OK)
		log_info("vm %u '%s': ethernet%u link %s", vm->id, vm->cfg.name, nic,
			 up ? "up" : "down");
	else
		why_fail(&c->why, st, "vm '%s' has no ethernet%u", vm->cfg.name, nic);
	vm_put(vm);
	return st;
}

/*
 * A running VM's shares, reservation and limit (VMK_HC_VM_SET_ALLOC): the
 * request is copied once; sched_group_set_alloc() checks the values and
 * admits them against every other group, so a refusal changes nothing.
 * vm->cfg follows, for VMK_HC_VM_INFO and a reset.
 */
vmk_status_t vm_hc_set_alloc(struct hc_call *c)
{
	struct vmk_vm_alloc req;
	struct vmk_why refusal = { "" };
	struct sched_alloc a;
	struct vm *vm;
	vmk_status_t st;

	if (c->arg[1] < sizeof(req))
		return why_fail(&c->why, VMK_BAD_PARAM, "the request is %u bytes, not %u",
				c->arg[1], (uint32_t)sizeof(req));
	st = cos_read(c->arg[0], &req, sizeof(req));
	if (st != VMK_OK)
		return st;
	if (req.min_pct > 100 * VMK_MAX_CPUS || req.max_pct > 100 * VMK_MAX_CPUS)
		return why_fail(&c->why, VMK_BAD_PARAM, "a reservation of %u%% or a limit of %u%% of a CPU: at most %u%%",
				req.min_pct, req.max_pct, 100 * VMK_MAX_CPUS);
	a.shares = req.shares;
	a.min_pct = req.min_pct;
	a.max_pct = req.max_pct ? req.max_pct : SCHED_UNLIMITED;
	vm = vm_get(req.id);
	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", req.id);
	/* a vCPU holds the lock through a disk batch: a hung LUN must not hold the COS */
	if (!spin_lock_by(&vm->lock, disks_now_ms, NULL, disks_now_ms(NULL) + VM_DISKS_WAIT_MS)) {
		st = why_fail(&c->why, VMK_BUSY, "vm '%s' stayed busy %u s (a disk command on a slow or hung LUN): its CPU allocation is unchanged",
			      vm->cfg.name, VM_DISKS_WAIT_MS / 1000);
		vm_put(vm);
		return st;
	}
	if (vm->state != VMK_VM_STATE_RUNNING) {
		spin_unlock(&vm->lock);
		st = why_fail(&c->why, VMK_BAD_PARAM, "vm '%s' is not running (its next power on takes its allocation from its .vmx)",
			      vm->cfg.name);
		vm_put(vm);
		return st;
	}
	st = sched_group_set_alloc(vm->group, &a, &refusal);
	if (st == VMK_OK) {
		vm->cfg.sched_shares = req.shares;
		vm->cfg.sched_min_pct = req.min_pct;
		vm->cfg.sched_max_pct = req.max_pct;
	}
	spin_unlock(&vm->lock);
	if (st == VMK_OK && req.max_pct)
		log_info("vm %u '%s': shares %u, reservation %u%%, limit %u%% of a CPU", vm->id,
			 vm->cfg.name, req.shares, req.min_pct, req.max_pct);
	else if (st == VMK_OK)
		log_info("vm %u '%s': shares %u, reservation %u%% of a CPU, no limit", vm->id,
			 vm->cfg.name, req.shares, req.min_pct);
	else
		why_fail(&c->why, st, "vm '%s' keeps its CPU allocation: %s", vm->cfg.name,
			 refusal.text);
	vm_put(vm);
	return st;
}

/* Into the log, for a hang's diagnosis; any state but destroyed. */
vmk_status_t vm_hc_dump(struct hc_call *c)
{
	struct vm *vm = vm_get(c->arg[0]);

	if (!vm)
		return why_fail(&c->why, VMK_BAD_PARAM, "no VM with id %u", c->arg[0]);
	spin_lock(&vm->lock);
	vm_dump_locked(vm);
	spin_unlock(&vm->lock);
	vm_put(vm);
	return VMK_OK;
}
