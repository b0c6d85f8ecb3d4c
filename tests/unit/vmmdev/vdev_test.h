// SPDX-License-Identifier: GPL-2.0-only
/* Shared fixture of the vmm device tests: a VM with a hand-driven clock. */
#ifndef TESTS_UNIT_VMMDEV_VDEV_TEST_H
#define TESTS_UNIT_VMMDEV_VDEV_TEST_H

#include <check.h>
#include <stdlib.h>
#include "vmm/devices.h"

/* 2024-02-29 12:34:56 UTC, a leap day */
#define TEST_EPOCH 1709210096ull
#define TEST_RAM (256ull << 20)

static uint64_t test_clock_ns;

static uint64_t test_now(void *ctx)
{
	(void)ctx;
	return test_clock_ns;
}

/* A fresh VM with nr_vcpus vCPUs, clock at 0. Freed by free(). */
static inline struct vm_devices *test_vm(unsigned int nr_vcpus)
{
	struct vm_devices *vm = malloc(sizeof(*vm));
	struct vdev_config cfg = {
		.nr_vcpus = nr_vcpus,
		.ram_size = TEST_RAM,
		.clock = { .now_ns = test_now },
		.rtc_epoch = TEST_EPOCH,
	};

	ck_assert_ptr_nonnull(vm);
	test_clock_ns = 0;
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	return vm;
}

static inline void test_advance(struct vm_devices *vm, uint64_t ns)
{
	test_clock_ns += ns;
	vdev_poll(vm);
}

static inline uint8_t inb(struct vm_devices *vm, uint16_t port)
{
	return (uint8_t)vdev_pio_read(vm, port, 1);
}

static inline void outb(struct vm_devices *vm, uint16_t port, uint8_t v)
{
	vdev_pio_write(vm, port, 1, v);
}

/* The PIC programmed as Linux and BIOSes do: vectors 0x20/0x28, all unmasked. */
static inline void test_pic_init(struct vm_devices *vm)
{
	outb(vm, 0x20, 0x11);	/* ICW1: edge, cascade, ICW4 */
	outb(vm, 0x21, 0x20);	/* ICW2 */
	outb(vm, 0x21, 0x04);	/* ICW3: slave on IR2 */
	outb(vm, 0x21, 0x01);	/* ICW4: 8086 mode */
	outb(vm, 0xa0, 0x11);
	outb(vm, 0xa1, 0x28);
	outb(vm, 0xa1, 0x02);
	outb(vm, 0xa1, 0x01);
	outb(vm, 0x21, 0x00);
	outb(vm, 0xa1, 0x00);
}

#endif /* TESTS_UNIT_VMMDEV_VDEV_TEST_H */
