// SPDX-License-Identifier: GPL-2.0-only
/* isa-debug-exit: a write ends the VM with the guest's exit code. */
#include "vmm/dev/debug_exit.h"
#include "vmm/devices.h"

uint32_t debug_exit_qemu_status(uint32_t code)
{
	return (code << 1) | 1;
}

/* QEMU's model reads as zero. */
static uint32_t debug_exit_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)dev;
	(void)offset;
	(void)size;
	return 0;
}

static void debug_exit_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	struct vm_devices *vm = dev;

	(void)offset;
	(void)size;
	if (vm->status != VDEV_RUNNING)
		return;		/* the first reason stays */
	vm->debug_exit.code = val;
	vdev_set_status(vm, VDEV_EXIT_REQUESTED, "guest wrote its exit code to isa-debug-exit");
}

static const struct vdev_io_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};

static enum vdev_result debug_exit_attach(struct vm_devices *vm)
{
	if (!vm->cfg.debug_exit)
		return VDEV_OK;
	return vdev_register_pio(vm, DEBUG_EXIT_PORT, DEBUG_EXIT_LEN,
				 &debug_exit_ops, vm);
}

const struct vdev_type debug_exit_vdev = {
	.name = "debug_exit",
	.attach = debug_exit_attach,
};
