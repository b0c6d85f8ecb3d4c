// SPDX-License-Identifier: GPL-2.0-only
/* pc-testdev as kvm-unit-tests use it: scratch register, flush, IRQ lines. */
#include "vmm/dev/testdev.h"
#include "vmm/devices.h"

#define TESTDEV_FLUSH	0x4	/* offsets in the 0xE0 window */
#define TESTDEV_BYTES	0x8

static uint8_t io_read_byte(const struct testdev *t, uint32_t offset)
{
	if (offset >= TESTDEV_IO_LEN ||
	    (offset >= TESTDEV_FLUSH && offset < TESTDEV_BYTES))
		return 0xff;		/* write-only or past the window */
	return (uint8_t)(t->data >> (8 * (offset & 3)));
}

static void io_write_byte(struct testdev *t, uint32_t offset, uint8_t v)
{
	unsigned int shift = 8 * (offset & 3);

	if (offset >= TESTDEV_IO_LEN ||
	    (offset >= TESTDEV_FLUSH && offset < TESTDEV_BYTES))
		return;			/* flush page: nothing to drop here */
	t->data = (t->data & ~(0xffu << shift)) | (uint32_t)v << shift;
}

static uint32_t testdev_io_read(void *dev, uint32_t offset, unsigned int size)
{
	struct vm_devices *vm = dev;
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++)
		v |= (uint32_t)io_read_byte(&vm->testdev, offset + i) << (8 * i);
	return v;
}

static void testdev_io_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	struct vm_devices *vm = dev;

	for (unsigned int i = 0; i < size && i < 4; i++)
		io_write_byte(&vm->testdev, offset + i, (uint8_t)(val >> (8 * i)));
}

static uint32_t testdev_irq_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)dev;
	(void)offset;
	(void)size;
	return VDEV_FLOATING_BUS;	/* write-only, as in QEMU */
}

static void testdev_irq_write(void *dev, uint32_t offset, unsigned int size,
			      uint32_t val)
{
	struct vm_devices *vm = dev;

	for (unsigned int i = 0; i < size && i < 4; i++)
		if (offset + i < TESTDEV_IRQ_LINES)
			vdev_irq_set_test(vm, offset + i, (val >> (8 * i)) & 0xff);
}

static const struct vdev_io_ops testdev_io_ops = {
	.read = testdev_io_read,
	.write = testdev_io_write,
};

static const struct vdev_io_ops testdev_irq_ops = {
	.read = testdev_irq_read,
	.write = testdev_irq_write,
};

static enum vdev_result testdev_attach(struct vm_devices *vm)
{
	enum vdev_result r;

	if (!vm->cfg.test_dev)
		return VDEV_OK;
	r = vdev_register_pio(vm, TESTDEV_IO_PORT, TESTDEV_IO_LEN,
			      &testdev_io_ops, vm);
	if (r != VDEV_OK)
		return r;
	return vdev_register_pio(vm, TESTDEV_IRQ_PORT, TESTDEV_IRQ_LINES,
				 &testdev_irq_ops, vm);
}

const struct vdev_type testdev_vdev = {
	.name = "testdev",
	.attach = testdev_attach,
};
