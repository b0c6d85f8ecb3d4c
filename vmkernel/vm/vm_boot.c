// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM boot: the images the COS loads, the boot loaders and tables of
 * vmm/boot/ writing guest RAM, and the power on and reset paths.
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmm/boot/boot.h"
#include "vmm/boot/firmware.h"

#define RTC_EPOCH		1767225600ull	/* 2026-01-01 00:00 UTC */

static uint64_t clock_now(void *ctx)
{
	(void)ctx;
	return vm_now_ns();
}

static bool gm_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct vm *vm = ctx;

	while (len) {
		uint32_t n = MIN((uint64_t)len,
				 VMK_CHUNK_SIZE - (gpa & (VMK_CHUNK_SIZE - 1)));
		void *p = vm_gpa_ptr(vm, gpa, n);

		if (!p)
			return false;
		if (src) {
			memcpy(p, src, n);
			src = (const uint8_t *)src + n;
		} else {
			memset(p, 0, n);
		}
		gpa += n;
		len -= n;
	}
	return true;
}

static bool gm_zero(void *ctx, uint64_t gpa, size_t len)
{
	return gm_copy(ctx, gpa, NULL, len);
}

/*
 * What a Linux guest is told about its platform on its command line, each
 * unless the .vmx's command line says it already:
 * - tsc_early_khz=: it cannot calibrate its TSC against the virtual PIT:
 *   every port read is an exit (tens of microseconds under TCG), so Linux
 *   gives up ("Unable to calibrate against PIT"), marks the TSC unstable
 *   and keeps time by counting timer interrupts. The vmkernel knows the
 *   TSC's rate (guests read the physical TSC) and hands it over the way
 *   the kernel documents for this case.
 * - no_timer_check: at boot Linux counts timer interrupts over a delay
 *   it times with the TSC and panics ("IO-APIC + timer doesn't work!")
 *   when fewer than 5 of 10 arrive. A vCPU that waits for a physical
 *   CPU loses the PIT periods it missed (they coalesce into one pending
 *   interrupt, as on hardware with the line masked), so with more vCPUs
 *   than CPUs the check fails though the timer works: seen in the lab
 *   with four 2-vCPU VMs on 2 CPUs. KVM's guests skip the check the same
 *   way.
 * A line with no room for them goes to the guest as it is.
 */
static const char *linux_cmdline(struct vm *vm)
{
	char khz[32] = "";
	const char *timer = strstr(vm->cmdline, "no_timer_check") ? "" : " no_timer_check";
	int n;

	if (!strstr(vm->cmdline, "tsc_early_khz=") && vmk_boot_info.tsc_khz)
		fmt_snprintf(khz, sizeof(khz), " tsc_early_khz=%u", vmk_boot_info.tsc_khz);
	if (!khz[0] && !timer[0])
		return vm->cmdline;
	n = fmt_snprintf(vm->boot_cmdline, sizeof(vm->boot_cmdline), "%s%s%s",
			 vm->cmdline, khz, timer);
	if (n < 0 || (size_t)n >= sizeof(vm->boot_cmdline))
		return vm->cmdline;
	/* no leading blank when the .vmx gave no command line */
	return vm->boot_cmdline + (vm->cmdline[0] ? 0 : 1);
}

/* The boot loader reads the staged images through the shared window. */
static struct boot_result vm_boot_load(struct vm *vm, struct guest_mem *mem)
{
	const uint8_t *kernel = (const uint8_t *)(uintptr_t)vm_stage_window(VMK_VM_IMG_KERNEL);
	const uint8_t *initrd = (const uint8_t *)(uintptr_t)vm_stage_window(VMK_VM_IMG_INITRD);
	struct boot_result r;

	vm_stage_map(vm);
	if (vm->cfg.boot == VMK_VM_BOOT_LINUX) {
		struct linux_boot_args a = {
			.kernel = kernel, .kernel_len = vm->stage[0].size,
			.initrd = vm->stage[1].size ? initrd : NULL,
			.initrd_len = vm->stage[1].size,
			.cmdline = linux_cmdline(vm),
		};
		r = linux_boot_load(mem, &a);
	} else {
		struct multiboot_module mod = {
			.data = initrd, .len = vm->stage[1].size, .string = BOOT_MB_MODULE_STRING,
		};
		struct multiboot_args a = {
			.kernel = kernel, .kernel_len = vm->stage[0].size,
			.cmdline = vm->cmdline,
			.modules = &mod, .nr_modules = vm->stage[1].size ? 1 : 0,
		};
		r = multiboot_load(mem, &a);
	}
	vm_stage_unmap(vm);
	return r;
}

/*
 * A BIOS VM's fw_cfg: the device, its items and the bytes they point to
 * (among them a copy of a kernel's setup code, up to 64 KiB). Taken from
 * the pool at power on and given back with the VM's memory, so that other
 * VMs, and a BIOS VM while off, do not carry it.
 */
struct vm_firmware {
	struct firmware_cfg cfg;
	struct firmware_kernel kernel;	/* with a kernel: what cfg serves */
	const uint8_t *kernel_piece[VM_STAGE_CHUNKS];
	const uint8_t *initrd_piece[VM_STAGE_CHUNKS];
};

#define VM_FIRMWARE_PAGES ((sizeof(struct vm_firmware) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)
_Static_assert(VM_FIRMWARE_PAGES <= POOL_PAGES_PER_CHUNK, "a BIOS VM's fw_cfg fits one pool chunk");

static bool vm_has_uuid(const struct vm *vm)
{
	for (uint32_t i = 0; i < sizeof(vm->cfg.uuid); i++)
		if (vm->cfg.uuid[i])
			return true;
	return false;
}

static vmk_status_t vm_firmware_connect(struct vm *vm, struct vmk_why *why)
{
	uint32_t pa;

	if (vm->cfg.boot != VMK_VM_BOOT_BIOS)
		return VMK_OK;
	if (vmk_alloc_pages(VM_FIRMWARE_PAGES, &pa) != VMK_OK)
		return why_fail(why, VMK_NO_MEMORY, "vm '%s': no room for its %u KiB of firmware state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or stop a VM)",
				vm->cfg.name, (uint32_t)(VM_FIRMWARE_PAGES * VMK_PAGE_SIZE) >> 10,
				(uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	vm->fw = pa_to_va(pa);
	vm->fw_pa = pa;
	return VMK_OK;
}

void vm_firmware_release(struct vm *vm)
{
	if (!vm->fw)
		return;
	vm->fw = NULL;
	pool_free(&vmk_pool, vm->fw_pa, VM_FIRMWARE_PAGES);
}

/*
 * A kernel for the firmware (vmk.boot = "bios" with vmk.kernel), a
 * bzImage or else a Multiboot kernel, as QEMU's -kernel tells them apart:
 * checked and prepared (a bzImage's setup code, a Multiboot kernel's info
 * and the layout of its image) through the staging window; fw_cfg then
 * serves the staged chunks themselves, which stay put while the VM runs
 * (no load while powered on).
 */
static vmk_status_t vm_firmware_kernel(struct vm *vm, struct vmk_why *why)
{
	const struct vm_stage *k = &vm->stage[VMK_VM_IMG_KERNEL];
	const struct vm_stage *i = &vm->stage[VMK_VM_IMG_INITRD];
	const struct vm_stage *o = &vm->stage[VMK_VM_IMG_OPTROM];
	struct firmware_kernel *fl = &vm->fw->kernel;
	struct boot_result r;
	uint32_t n;

	for (n = 0; n < k->nchunks; n++)
		vm->fw->kernel_piece[n] = pa_to_va(k->chunk_pa[n]);
	for (n = 0; n < i->nchunks; n++)
		vm->fw->initrd_piece[n] = pa_to_va(i->chunk_pa[n]);
	*fl = (struct firmware_kernel){
		.image = (const uint8_t *)(uintptr_t)vm_stage_window(VMK_VM_IMG_KERNEL),
		.kernel_len = k->size, .initrd_len = i->size,
		.kernel_pieces = vm->fw->kernel_piece,
		.initrd_pieces = vm->fw->initrd_piece,
		.piece_len = VMK_CHUNK_SIZE,
		.optrom = o->size ? pa_to_va(o->chunk_pa[0]) : NULL,
		.optrom_len = o->size,
	};
	vm_stage_map(vm);
	if (boot_is_bzimage(fl->image, fl->kernel_len)) {
		fl->cmdline = linux_cmdline(vm);
		r = firmware_linux_prepare(&vm->fw->cfg, fl, (uint64_t)vm->cfg.mem_mb << 20);
	} else {
		fl->cmdline = vm->cmdline;
		r = firmware_multiboot_prepare(&vm->fw->cfg, fl, (uint64_t)vm->cfg.mem_mb << 20);
	}
	vm_stage_unmap(vm);
	fl->image = NULL;	/* the window is gone */
	if (r.status != BOOT_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': boot loader: %s", vm->cfg.name, r.msg);
	return VMK_OK;
}

/*
 * Firmware boot: the ROM's low window in RAM and fw_cfg on the platform,
 * with a kernel's items if one is staged; the vCPUs start at the reset
 * vector. No MP or ACPI tables: the firmware writes its own.
 */
static vmk_status_t vm_boot_firmware(struct vm *vm, struct guest_mem *mem, struct vmk_why *why)
{
	const struct vm_stage *s = &vm->stage[VMK_VM_IMG_FIRMWARE];
	const struct guest_dma dma = { vm_dma_read, vm_dma_write, vm };
	bool kernel = vm->stage[VMK_VM_IMG_KERNEL].size != 0;
	struct boot_result r;

	r = firmware_load_low(mem, pa_to_va(s->chunk_pa[0]), s->size);
	if (r.status != BOOT_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': firmware: %s", vm->cfg.name, r.msg);
	if (!kernel && vm->stage[VMK_VM_IMG_INITRD].size)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': an initrd without a kernel", vm->cfg.name);
	if (kernel && vm_firmware_kernel(vm, why) != VMK_OK)
		return VMK_BAD_PARAM;
	if (firmware_cfg_attach(&vm->fw->cfg, &vm->dev, &dma,
				kernel ? &vm->fw->kernel : NULL) != VDEV_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': no room for fw_cfg on the virtual platform",
				vm->cfg.name);
	if (firmware_cfg_add_smbios(&vm->fw->cfg, &vm->dev,
				    vm_has_uuid(vm) ? vm->cfg.uuid : NULL) != VDEV_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': no room for the SMBIOS tables in fw_cfg",
				vm->cfg.name);
	if (firmware_cfg_add_acpi(&vm->fw->cfg, &vm->dev, vm->dev.ioapic.id,
				  IOAPIC_BASE) != VDEV_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': no room for the ACPI tables in fw_cfg",
				vm->cfg.name);
	for (uint32_t i = 0; i < vm->cfg.vcpus; i++)
		vcpu_reset(&vm->vcpu[i], NULL);
	return VMK_OK;
}

/* Devices reset, images loaded into RAM, vCPUs at their boot state. */
static vmk_status_t vm_boot(struct vm *vm, struct vmk_why *why)
{
	struct vdev_config cfg = {
		.nr_vcpus = vm->cfg.vcpus,
		.ram_size = (uint64_t)vm->cfg.mem_mb << 20,
		.clock = { clock_now, NULL },
		.rtc_epoch = RTC_EPOCH,
		.debug_exit = vm->cfg.devices & VMK_VM_DEV_DEBUG_EXIT,
		.test_dev = vm->cfg.devices & VMK_VM_DEV_TEST_DEV,
	};
	struct guest_mem mem = {
		.ctx = vm, .ram_size = cfg.ram_size,
		.write = gm_copy, .zero = gm_zero,
	};
	struct boot_result r;
	uint32_t i;

	if (vdev_init(&vm->dev, &cfg) != VDEV_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': the virtual platform refused %u vCPUs",
				vm->cfg.name, vm->cfg.vcpus);
	if (vm_nics_attach(vm, why) != VMK_OK ||
	    vm_disks_attach(vm, why) != VMK_OK)
		return VMK_BAD_PARAM;
	if (vm->cfg.boot == VMK_VM_BOOT_BIOS)
		return vm_boot_firmware(vm, &mem, why);
	r = vm_boot_load(vm, &mem);
	if (r.status != BOOT_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': boot loader: %s",
				vm->cfg.name, r.msg);
	if (mptable_write(&mem, vm->cfg.vcpus, vm->dev.ioapic.id,
			  IOAPIC_BASE) != BOOT_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': no room for the MP table",
				vm->cfg.name);
	if (acpi_write(&mem, vm->cfg.vcpus, vm->dev.ioapic.id,
		       IOAPIC_BASE) != BOOT_OK)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': no room for the ACPI tables",
				vm->cfg.name);
	for (i = 0; i < vm->cfg.vcpus; i++)
		vcpu_reset(&vm->vcpu[i], &r.entry);
	return VMK_OK;
}

void vm_do_reset(struct vm *vm)
{
	struct vmk_why why = { "" };
	uint32_t i;

	vm->reset_pending = false;
	/*
	 * The old adapter's requests go before the RAM is zeroed: one the
	 * storage world still ran would land in the new guest's memory. The
	 * NICs have none in flight: a frame waits in vmkernel memory and
	 * reaches the guest only under vm->lock (vm_nics_poll()).
	 */
	vm_disks_cancel(vm);
	for (i = 0; i < vm->nchunks; i++)
		vm_chunk_zero(vm->chunk_pa[i]);
	if (vm_boot(vm, &why) != VMK_OK) {
		vm_stop_locked(vm, VMK_VM_STATE_ERROR, "reset: the boot images no longer load");
		return;
	}
	vm->power_ons++;
	vm->power_on_us = vmk_time_us();
	vm_wake_vcpus_locked(vm, true);
	log_info("vm %u '%s' reset", vm->id, vm->cfg.name);
}

/* vm->lock held: power on (which reads the images) and loads exclude each other. */
vmk_status_t vm_load_locked(struct vm *vm, const struct vmk_vm_load *l, struct vmk_why *why)
{
	vmk_status_t st;

	if (vm->destroyed)
		return why_fail(why, VMK_BAD_PARAM, "no VM with id %u", vm->id);
	if (vm->state == VMK_VM_STATE_RUNNING || vm->nchunks)
		return why_fail(why, VMK_BUSY, "vm '%s' is running: power it off before loading",
				vm->cfg.name);
	if (l->what >= VMK_VM_IMG_KINDS || l->offset > l->total ||
	    l->len > l->total - l->offset)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': bad load request", vm->cfg.name);
	if (l->what == VMK_VM_IMG_CMDLINE) {
		if (l->total >= VM_CMDLINE_MAX)
			return why_fail(why, VMK_BAD_PARAM, "vm '%s': command line longer than %u bytes",
					vm->cfg.name, VM_CMDLINE_MAX - 1);
		st = cos_read(l->data_gpa, vm->cmdline + l->offset, l->len);
		vm->cmdline[l->total] = '\0';
		return st;
	}
	if (l->what == VMK_VM_IMG_FIRMWARE && firmware_rom_check(l->total))
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': %s (%u KiB)", vm->cfg.name,
				firmware_rom_check(l->total), l->total >> 10);
	if (l->what == VMK_VM_IMG_OPTROM && l->total > FIRMWARE_OPTROM_MAX)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': an option ROM of %u KiB is larger than %u KiB",
				vm->cfg.name, l->total >> 10, FIRMWARE_OPTROM_MAX >> 10);
	if (l->total > VMK_VM_IMG_MAX)
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': %s of %u KiB is larger than %u KiB",
				vm->cfg.name, l->what ? "initrd" : "kernel", l->total >> 10,
				VMK_VM_IMG_MAX >> 10);
	if (l->offset == 0) {
		st = vm_stage_alloc(vm, l->what, l->total, why);
		if (st != VMK_OK)
			return st;
	} else if (l->total != vm->stage[l->what].size) {
		return why_fail(why, VMK_BAD_PARAM, "vm '%s': load pieces disagree on the size",
				vm->cfg.name);
	}
	return vm_stage_write(vm, l->what, l->offset, l->data_gpa, l->len);
}

vmk_status_t vm_power_on(struct vm *vm, struct vmk_why *why)
{
	uint64_t t0;
	vmk_status_t st;
	uint32_t i, took_us;

	vm_worlds_reap(vm);	/* of its last run */
	spin_lock(&vm->lock);
	t0 = vmk_time_us();	/* the power on's own time, not the wait for the lock */
	if (vm->destroyed) {
		spin_unlock(&vm->lock);
		return why_fail(why, VMK_BAD_PARAM, "no VM with id %u", vm->id);
	}
	if (vm->state == VMK_VM_STATE_RUNNING || vm->active || vm->nchunks) {
		spin_unlock(&vm->lock);
		return why_fail(why, VMK_BUSY, "vm '%s' is running already", vm->cfg.name);
	}
	if (vm->cfg.boot == VMK_VM_BOOT_BIOS && !vm->stage[VMK_VM_IMG_FIRMWARE].size) {
		spin_unlock(&vm->lock);
		return why_fail(why, VMK_BAD_PARAM, "vm '%s' has no firmware loaded", vm->cfg.name);
	}
	if (vm->cfg.boot != VMK_VM_BOOT_BIOS && !vm->stage[VMK_VM_IMG_KERNEL].size) {
		spin_unlock(&vm->lock);
		return why_fail(why, VMK_BAD_PARAM, "vm '%s' has no kernel loaded", vm->cfg.name);
	}
	/* The NICs first: a port group or MAC the switch refuses costs nothing. */
	st = vm_nics_connect(vm, why);
	if (st == VMK_OK)
		st = vm_disks_connect(vm, why);
	if (st == VMK_OK)
		st = vm_firmware_connect(vm, why);
	if (st == VMK_OK)
		st = vm_take_memory(vm, why);
	for (i = 0; st == VMK_OK && i < vm->cfg.vcpus; i++) {
		st = vcpu_create(&vm->vcpu[i], vm, i);
		if (st != VMK_OK)
			why_fail(why, st, "vm '%s': no memory for vCPU %u", vm->cfg.name, i);
	}
	if (st == VMK_OK)
		st = vm_boot(vm, why);
	if (st == VMK_OK)
		st = vm_worlds_create(vm, why);
	if (st != VMK_OK) {
		vm_release(vm);
		spin_unlock(&vm->lock);
		vm_worlds_reap(vm);
		return st;
	}
	vm->reason[0] = '\0';
	vm->state = VMK_VM_STATE_RUNNING;
	vm->power_ons++;
	vm->power_on_us = vmk_time_us();
	/* Read before the unlock: a reset may rewrite power_on_us at once. */
	took_us = (uint32_t)(vm->power_on_us - t0);
	for (i = 0; i < vm->cfg.vcpus; i++)
		sched_start(vm->vcpu[i].world);
	spin_unlock(&vm->lock);
	log_info("vm %u '%s' powered on in %u us: %u MiB, %u vCPUs, pool %u KiB free",
		 vm->id, vm->cfg.name, took_us, vm->cfg.mem_mb,
		 vm->cfg.vcpus, (uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
	return VMK_OK;
}
