// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device core: dispatch, the floating bus, range registration, the PCI
 * host bridge, reset/poweroff, and garbage from the guest on every port and
 * register ending nowhere but in the VM's own status.
 */
#include <string.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmmdev/vdev_test.h"
#include "vmm/dev/e1000.h"
#include "vmm/dev/pvscsi.h"

START_TEST(test_unclaimed_ports_read_all_ones_and_ignore_writes)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(vdev_pio_read(vm, 0x1234, 1), 0xff);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x1234, 2), 0xffff);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x1234, 4), 0xffffffff);
	ck_assert(!vdev_pio_write(vm, 0x1234, 4, 0));	/* dropped: the caller counts */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x1234, 4), 0xffffffff);
	ck_assert(vdev_pio_write(vm, 0x3ff, 1, 0x5a));	/* COM1 scratch took it */
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	free(vm);
}
END_TEST

START_TEST(test_unassigned_memory_reads_all_ones_and_drops_writes)
{
	/* 0xfed00000: the HPET's place on a PC, nothing here; size 8 and
	 * vCPU 1 of a 1-vCPU VM are not decoded either. */
	static const struct { unsigned int vcpu; uint64_t gpa; unsigned int size; uint32_t ones; } probe[] = {
		{ 0, 0xfed00000ull, 1, 0xff }, { 0, 0xfed00000ull, 2, 0xffff },
		{ 0, 0xfed00000ull, 4, 0xffffffff }, { 0, IOAPIC_BASE, 8, 0xffffffff },
		{ 1, IOAPIC_BASE, 4, 0xffffffff },
	};
	struct vm_devices *vm = test_vm(1);
	unsigned int i;
	uint32_t v;

	for (i = 0; i < VMM_ARRAY_SIZE(probe); i++) {
		ck_assert(!vdev_mmio_write(vm, probe[i].vcpu, probe[i].gpa, probe[i].size, 0));
		v = 0;
		ck_assert(!vdev_mmio_read(vm, probe[i].vcpu, probe[i].gpa, probe[i].size, &v));
		ck_assert_uint_eq(v, probe[i].ones);
	}
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	free(vm);
}
END_TEST

START_TEST(test_bad_access_sizes_are_ignored)
{
	struct vm_devices *vm = test_vm(1);
	uint32_t v = 0;

	outb(vm, 0x3ff, 0x5a);				/* COM1 scratch */
	vdev_pio_write(vm, 0x3ff, 3, 0);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x3ff, 3), 0xffffffff);
	ck_assert_uint_eq(inb(vm, 0x3ff), 0x5a);
	ck_assert(!vdev_mmio_read(vm, 0, IOAPIC_BASE, 8, &v));
	ck_assert(!vdev_mmio_write(vm, 0, IOAPIC_BASE, 0, 0));
	free(vm);
}
END_TEST

START_TEST(test_an_access_straddling_a_range_end_is_not_decoded)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, 0x3ff, 0x5a);
	/* 0x3fe..0x401: the last two bytes are outside COM1 */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x3fe, 4), 0xffffffff);
	free(vm);
}
END_TEST

static uint32_t null_read(void *dev, uint32_t off, unsigned int size)
{
	(void)dev;
	(void)off;
	(void)size;
	return 0;
}

static void null_write(void *dev, uint32_t off, unsigned int size, uint32_t v)
{
	(void)dev;
	(void)off;
	(void)size;
	(void)v;
}

static const struct vdev_io_ops null_ops = { null_read, null_write };

START_TEST(test_register_refuses_overlap_and_full_table)
{
	struct vm_devices *vm = test_vm(1);
	enum vdev_result r = VDEV_OK;

	ck_assert_int_eq(vdev_register_pio(vm, 0x3fc, 8, &null_ops, NULL),
			 VDEV_OVERLAP);
	ck_assert_int_eq(vdev_register_pio(vm, 0xfff0, 0x20, &null_ops, NULL),
			 VDEV_BAD_CONFIG);
	ck_assert_int_eq(vdev_register_mmio(vm, IOAPIC_BASE + 0x10, 4,
					    &null_ops, NULL), VDEV_OVERLAP);
	for (uint16_t p = 0x8000; r == VDEV_OK; p += 4)
		r = vdev_register_pio(vm, p, 4, &null_ops, NULL);
	ck_assert_int_eq(r, VDEV_NO_SLOT);
	free(vm);
}
END_TEST

START_TEST(test_init_refuses_bad_config)
{
	struct vm_devices *vm = malloc(sizeof(*vm));
	struct vdev_config cfg = { .nr_vcpus = 0, .clock = { test_now } };

	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_BAD_CONFIG);
	cfg.nr_vcpus = VDEV_MAX_VCPUS + 1;
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_BAD_CONFIG);
	cfg.nr_vcpus = 1;
	cfg.clock.now_ns = NULL;
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_BAD_CONFIG);
	free(vm);
}
END_TEST

static uint32_t pci_conf_read(struct vm_devices *vm, unsigned int dev,
			      unsigned int reg, unsigned int size)
{
	vdev_pio_write(vm, 0xcf8, 4, 0x80000000u | dev << 11 | (reg & 0xfc));
	return vdev_pio_read(vm, (uint16_t)(0xcfc + (reg & 3)), size);
}

START_TEST(test_pci_mechanism1_finds_the_host_and_isa_bridges_only)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(pci_conf_read(vm, 0, 0, 4), 0x12378086);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 2, 2), 0x1237);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x0b, 1), 0x06); /* class: bridge */
	/* 00:01.0 the PIIX3, an ISA bridge of a multi-function device */
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0, 4), 0x70008086);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x08, 4) >> 8, 0x060100);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x0e, 1), 0x80);
	ck_assert_uint_eq(pci_conf_read(vm, 2, 0, 4), 0xffffffff);
	ck_assert_uint_eq(pci_conf_read(vm, 31, 0, 2), 0xffff);
	/* enable bit clear: no configuration cycle */
	vdev_pio_write(vm, 0xcf8, 4, 0);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xcfc, 4), 0xffffffff);
	/* CONFIG_ADDRESS reads back; only dword accesses reach it */
	vdev_pio_write(vm, 0xcf8, 4, 0x80000008u);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xcf8, 4), 0x80000008u);
	vdev_pio_write(vm, 0xcf8, 2, 0);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xcf8, 4), 0x80000008u);
	/* vendor ID is read-only */
	vdev_pio_write(vm, 0xcf8, 4, 0x80000000u);
	vdev_pio_write(vm, 0xcfc, 4, 0);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0, 4), 0x12378086);
	free(vm);
}
END_TEST

static void pci_conf_write(struct vm_devices *vm, unsigned int dev,
			   unsigned int reg, unsigned int size, uint32_t val)
{
	vdev_pio_write(vm, 0xcf8, 4, 0x80000000u | dev << 11 | (reg & 0xfc));
	vdev_pio_write(vm, (uint16_t)(0xcfc + (reg & 3)), size, val);
}

/* What SeaBIOS's make_bios_writable_intel() and PIIX setup do. */
START_TEST(test_pci_pam_and_pirq_registers_keep_what_the_firmware_writes)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x59, 1), 0);	/* PAM0 at reset */
	pci_conf_write(vm, 0, 0x58, 4, 0x33333000u);
	pci_conf_write(vm, 0, 0x5c, 4, 0x33333333u);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x58, 4), 0x33333000u);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x5f, 1), 0x33);
	pci_conf_write(vm, 0, 0x59, 1, 0x30);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x58, 4), 0x33333000u);
	pci_conf_write(vm, 1, 0x60, 4, 0x0b0b0a0au);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x60, 4), 0x0b0b0a0au);
	/* PIRQRC bits 6:4 are reserved: they read 0 (82371SB §2.2.9) */
	pci_conf_write(vm, 1, 0x61, 2, 0xfff5);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x60, 4), 0x0b8f850au);
	pci_conf_write(vm, 1, 0x60, 4, 0x0b0b0a0au);
	/* the IDs stay; a reset clears the registers */
	pci_conf_write(vm, 1, 0, 4, 0);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0, 4), 0x70008086);
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert_uint_eq(pci_conf_read(vm, 0, 0x58, 4), 0);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x60, 4), 0x80808080u);
	free(vm);
}
END_TEST

/* Whether ISA IRQ line is asserted at the IOAPIC and the PICs' inputs. */
static bool isa_line(struct vm_devices *vm, unsigned int line)
{
	bool io = vm->ioapic.level >> line & 1;
	bool pic = vm->pic.chip[line >> 3].level >> (line & 7) & 1;

	ck_assert_int_eq(io, pic);
	return io;
}

/*
 * SeaBIOS routes PIRQA-D to IRQ 10, 10, 11, 11 and tells the OS that
 * slot 16's INTA# (PIRQD) is IRQ 11: the adapter's interrupt must arrive
 * there, not on the vmkernel's IRQ 10 (which a directly booted guest
 * gets, with no PIRQ routed). Slot 3 (PIRQC) shares IRQ 11: the line is
 * the OR of both.
 */
START_TEST(test_pci_intx_follows_the_firmwares_pirq_routing)
{
	struct vm_devices *vm = test_vm(1);
	static const struct pci_fn_ops ops;
	uint8_t scsi = 0x10 << 3, nic = 3 << 3;

	ck_assert(pci_add_function(&vm->pci, scsi, &ops, NULL));
	ck_assert(pci_add_function(&vm->pci, nic, &ops, NULL));
	/* no routing: each on the line the vmkernel gave it */
	pci_set_intx(&vm->pci, scsi, 10, true);
	ck_assert(isa_line(vm, 10));
	ck_assert(!isa_line(vm, 11));
	/* the firmware routes while the adapter asserts: the level moves */
	pci_conf_write(vm, 1, 0x60, 4, 0x0b0b0a0au);
	ck_assert(!isa_line(vm, 10));
	ck_assert(isa_line(vm, 11));
	pci_set_intx(&vm->pci, scsi, 10, false);
	ck_assert(!isa_line(vm, 11));
	/* two devices on IRQ 11: wired-OR */
	pci_set_intx(&vm->pci, scsi, 10, true);
	pci_set_intx(&vm->pci, nic, 11, true);
	pci_set_intx(&vm->pci, scsi, 10, false);
	ck_assert(isa_line(vm, 11));
	pci_set_intx(&vm->pci, nic, 11, false);
	ck_assert(!isa_line(vm, 11));
	/* PIRQD disabled (bit 7) or a reserved IRQ: back to the vmkernel's line */
	pci_conf_write(vm, 1, 0x63, 1, 0x80 | 11);
	pci_set_intx(&vm->pci, scsi, 10, true);
	ck_assert(isa_line(vm, 10));
	ck_assert(!isa_line(vm, 11));
	pci_conf_write(vm, 1, 0x63, 1, 13);
	ck_assert(isa_line(vm, 10));
	pci_conf_write(vm, 1, 0x63, 1, 15);
	ck_assert(!isa_line(vm, 10));
	ck_assert(isa_line(vm, 15));
	free(vm);
}
END_TEST

/*
 * A platform reset (0xCF9 here; port 0x92, the 8042 and `vmkctl vm reset`
 * end in the same vdev_init()) puts PIRQRC[A:D] back to 80h, routing
 * disabled (82371SB §2.2.9), and drops the lines the devices asserted: the
 * vmkernel adds its functions again and their INTA# reach its lines until
 * the firmware routes them anew.
 */
START_TEST(test_a_reset_disables_the_pirq_routing_and_drops_the_lines)
{
	struct vm_devices *vm = test_vm(1);
	static const struct pci_fn_ops ops;
	uint8_t scsi = 0x10 << 3, nic = 3 << 3;

	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x60, 4), 0x80808080u);
	ck_assert(pci_add_function(&vm->pci, scsi, &ops, NULL));
	ck_assert(pci_add_function(&vm->pci, nic, &ops, NULL));
	pci_conf_write(vm, 1, 0x60, 4, 0x0b0b0a0au);
	pci_set_intx(&vm->pci, scsi, 10, true);
	pci_set_intx(&vm->pci, nic, 11, true);
	ck_assert(isa_line(vm, 11));
	outb(vm, 0xcf9, 0x06);			/* SYS_RST | RST_CPU */
	ck_assert_int_eq(vm->status, VDEV_RESET_REQUESTED);
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert_uint_eq(pci_conf_read(vm, 1, 0x60, 4), 0x80808080u);
	for (unsigned int line = 0; line < VDEV_NR_ISA_IRQS; line++)
		ck_assert(!isa_line(vm, line));
	ck_assert(pci_add_function(&vm->pci, scsi, &ops, NULL));
	ck_assert(pci_add_function(&vm->pci, nic, &ops, NULL));
	pci_set_intx(&vm->pci, scsi, 10, true);
	ck_assert(isa_line(vm, 10));
	ck_assert(!isa_line(vm, 11));
	pci_set_intx(&vm->pci, nic, 11, true);
	pci_set_intx(&vm->pci, scsi, 10, false);
	ck_assert(!isa_line(vm, 10));
	ck_assert(isa_line(vm, 11));
	free(vm);
}
END_TEST

/*
 * A PIRQ routed to the IRQ of a platform device (here the SCI, IRQ 9, a
 * level like INTA#) shares its line: asserted while either asserts it,
 * whichever lets go first, and while the route moves away.
 */
START_TEST(test_a_pirq_routed_to_the_scis_irq_shares_the_line)
{
	struct vm_devices *vm = test_vm(1);
	static const struct pci_fn_ops ops;
	uint8_t scsi = 0x10 << 3;

	ck_assert(pci_add_function(&vm->pci, scsi, &ops, NULL));
	pci_conf_write(vm, 1, 0x63, 1, 9);		/* PIRQD: IRQ 9 */
	vdev_pio_write(vm, 0x602, 2, 0x0100);		/* PWRBTN_EN */
	/* the adapter lets go first */
	pci_set_intx(&vm->pci, scsi, 10, true);
	ck_assert(power_button_press(&vm->power));
	pci_set_intx(&vm->pci, scsi, 10, false);
	ck_assert(isa_line(vm, 9));
	vdev_pio_write(vm, 0x600, 2, 0x0100);		/* PWRBTN_STS cleared */
	ck_assert(!isa_line(vm, 9));
	/* the SCI lets go first */
	ck_assert(power_button_press(&vm->power));
	pci_set_intx(&vm->pci, scsi, 10, true);
	vdev_pio_write(vm, 0x600, 2, 0x0100);
	ck_assert(isa_line(vm, 9));
	/* both assert, the route moves: 9 stays the SCI's, 11 the adapter's */
	ck_assert(power_button_press(&vm->power));
	pci_conf_write(vm, 1, 0x63, 1, 11);
	ck_assert(isa_line(vm, 9));
	ck_assert(isa_line(vm, 11));
	vdev_pio_write(vm, 0x600, 2, 0x0100);
	ck_assert(!isa_line(vm, 9));
	ck_assert(isa_line(vm, 11));
	pci_set_intx(&vm->pci, scsi, 10, false);
	ck_assert(!isa_line(vm, 11));
	free(vm);
}
END_TEST

START_TEST(test_pci_add_function_refuses_a_taken_devfn)
{
	struct vm_devices *vm = test_vm(1);
	static const struct pci_fn_ops ops;

	ck_assert(!pci_add_function(&vm->pci, 0, &ops, NULL));
	ck_assert(!pci_add_function(&vm->pci, 1 << 3, &ops, NULL));
	ck_assert(pci_add_function(&vm->pci, 3 << 3, &ops, NULL));
	ck_assert(!pci_add_function(&vm->pci, 3 << 3, &ops, NULL));
	free(vm);
}
END_TEST

/* ---- PCI BARs that follow the guest ---- */

#define T_SCSI_DEV	0x10	/* 00:10.0, as vmkernel/vm/vm_disk.c */
#define T_NIC_DEV	3	/* 00:03.0, as vmkernel/vm/vm_nic.c */
#define T_FAKE_DEV	5
#define PVSCSI_STATUS_REG 0x08	/* COMMAND_STATUS */
#define PVSCSI_MASK_REG	0x2010	/* INTR_MASK */

static bool no_dma(void *ctx, uint64_t gpa, void *buf, uint32_t len)
{
	(void)ctx; (void)gpa; (void)buf; (void)len;
	return false;
}

static bool no_dma_write(void *ctx, uint64_t gpa, const void *buf, uint32_t len)
{
	(void)ctx; (void)gpa; (void)buf; (void)len;
	return false;
}

/*
 * A function whose BAR registers keep every bit (no size alignment of
 * their own), with a 64 KiB memory BAR 0 and 16-byte I/O BARs 1 and 2: it
 * shows what the host checks for models that would not align.
 */
struct fake_fn {
	uint8_t cfg[64];
	uint8_t regs[16];
};

static uint8_t fake_wmask(unsigned int off)
{
	return (off >= 0x10 && off < 0x1c) || off == 4 ? 0xff : 0;
}

static uint32_t fake_cfg_read(void *dev, uint8_t offset, unsigned int size)
{
	return pci_config_read(((struct fake_fn *)dev)->cfg, 64, offset, size);
}

static void fake_cfg_write(void *dev, uint8_t offset, unsigned int size, uint32_t val)
{
	pci_config_write(((struct fake_fn *)dev)->cfg, 64, fake_wmask, offset, size, val);
}

static uint32_t fake_reg_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)size;
	return ((struct fake_fn *)dev)->regs[offset & 15];
}

static void fake_reg_write(void *dev, uint32_t offset, unsigned int size, uint32_t val)
{
	(void)size;
	((struct fake_fn *)dev)->regs[offset & 15] = (uint8_t)val;
}

static const struct pci_fn_ops fake_pci_ops = { fake_cfg_read, fake_cfg_write };
static const struct vdev_io_ops fake_io_ops = { fake_reg_read, fake_reg_write };

/* The platform of a VM with the PVSCSI adapter, an e1000 and the fake. */
struct bar_vm {
	struct vm_devices *vm;
	struct pvscsi *scsi;
	struct e1000 *nic;
	struct fake_fn *fake;
};

static struct bar_vm bar_vm_new(void)
{
	struct bar_vm b = { test_vm(1), calloc(1, sizeof(struct pvscsi)),
			    calloc(1, sizeof(struct e1000)), calloc(1, sizeof(struct fake_fn)) };
	struct pvscsi_config pc = { .dma = { no_dma, no_dma_write, NULL } };
	struct vnic_config ec = { .dma = { no_dma, no_dma_write, NULL },
				   .mac = { 0, 0x50, 0x56, 0, 0, 1 } };
	struct pci_host *pci = &b.vm->pci;

	ck_assert(b.scsi && b.nic && b.fake);
	pvscsi_init(b.scsi, &pc);
	e1000_init(b.nic, &ec);
	ck_assert(pci_add_function(pci, T_SCSI_DEV << 3, &pvscsi_pci_ops, b.scsi));
	ck_assert(pci_add_bar(pci, T_SCSI_DEV << 3, 0, PVSCSI_BAR_SIZE, false,
			      &pvscsi_mmio_ops, b.scsi));
	ck_assert(pci_add_function(pci, T_NIC_DEV << 3, &e1000_pci_ops, b.nic));
	ck_assert(pci_add_bar(pci, T_NIC_DEV << 3, 0, E1000_MMIO_SIZE, false,
			      &e1000_mmio_ops, b.nic));
	ck_assert(pci_add_bar(pci, T_NIC_DEV << 3, 1, E1000_IO_SIZE, true,
			      &e1000_io_ops, b.nic));
	ck_assert(pci_add_function(pci, T_FAKE_DEV << 3, &fake_pci_ops, b.fake));
	ck_assert(pci_add_bar(pci, T_FAKE_DEV << 3, 0, 0x10000, false, &fake_io_ops, b.fake));
	ck_assert(pci_add_bar(pci, T_FAKE_DEV << 3, 1, 16, true, &fake_io_ops, b.fake));
	ck_assert(pci_add_bar(pci, T_FAKE_DEV << 3, 2, 16, true, &fake_io_ops, b.fake));
	return b;
}

static void bar_vm_free(struct bar_vm *b)
{
	free(b->vm);
	free(b->scsi);
	free(b->nic);
	free(b->fake);
}

static const struct pci_bar *test_bar(struct vm_devices *vm, unsigned int dev,
				      unsigned int bar)
{
	for (unsigned int i = 0; i < vm->pci.nr_functions; i++)
		if (vm->pci.fn[i].devfn == dev << 3)
			return &vm->pci.fn[i].bar[bar];
	ck_abort();
	return NULL;
}

static bool mmio_decoded(struct vm_devices *vm, uint64_t gpa)
{
	uint32_t v;

	return vdev_mmio_read(vm, 0, gpa, 4, &v);
}

static uint32_t mmio_rd(struct vm_devices *vm, uint64_t gpa)
{
	uint32_t v = 0;

	ck_assert(vdev_mmio_read(vm, 0, gpa, 4, &v));
	return v;
}

/* What SeaBIOS's pciinit does: size each BAR with all ones, decode off. */
static uint32_t bar_size(struct vm_devices *vm, unsigned int dev, unsigned int bar)
{
	unsigned int reg = 0x10 + 4 * bar;
	uint32_t old = pci_conf_read(vm, dev, reg, 4), v;

	pci_conf_write(vm, dev, reg, 4, 0xffffffff);
	v = pci_conf_read(vm, dev, reg, 4);
	pci_conf_write(vm, dev, reg, 4, old);
	return ~(v & (v & 1 ? 0xfffffffcu : 0xfffffff0u)) + 1;
}

START_TEST(test_pci_bars_follow_sizing_moves_and_the_decode_bits)
{
	struct bar_vm b = bar_vm_new();
	struct vm_devices *vm = b.vm;

	/* reset: BARs 0, decoding off, nothing answers anywhere */
	ck_assert_uint_eq(pci_conf_read(vm, T_SCSI_DEV, 0x10, 4), 0);
	ck_assert(!mmio_decoded(vm, PVSCSI_STATUS_REG));
	ck_assert_uint_eq(bar_size(vm, T_SCSI_DEV, 0), PVSCSI_BAR_SIZE);
	ck_assert_uint_eq(bar_size(vm, T_NIC_DEV, 0), E1000_MMIO_SIZE);
	ck_assert_uint_eq(bar_size(vm, T_NIC_DEV, 1) & 0xffff, E1000_IO_SIZE);
	ck_assert_uint_eq(vm->pci.bars_refused, 0);	/* sizing with decode off */
	/* SeaBIOS's places: top of the PCI hole down; I/O from C000h */
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xfebf0000);
	pci_conf_write(vm, T_NIC_DEV, 0x10, 4, 0xfebc0000);
	pci_conf_write(vm, T_NIC_DEV, 0x14, 4, 0xc001);
	ck_assert(!mmio_decoded(vm, 0xfebf0000 + PVSCSI_STATUS_REG));	/* not enabled */
	pci_conf_write(vm, T_SCSI_DEV, 0x04, 2, 0x0006);	/* memory, master */
	pci_conf_write(vm, T_NIC_DEV, 0x04, 2, 0x0007);	/* I/O too */
	ck_assert_uint_eq(mmio_rd(vm, 0xfebf0000 + PVSCSI_STATUS_REG), 0);
	ck_assert(vdev_mmio_write(vm, 0, 0xfebf0000 + PVSCSI_MASK_REG, 4, 0x3));
	ck_assert_uint_eq(mmio_rd(vm, 0xfebf0000 + PVSCSI_MASK_REG), 0x3);
	ck_assert(mmio_decoded(vm, 0xfebc0000));		/* e1000 CTRL */
	ck_assert(vdev_pio_write(vm, 0xc000, 4, 0x8));		/* IOADDR: STATUS */
	ck_assert_uint_eq(vdev_pio_read(vm, 0xc000, 4), 0x8);
	/* the guest moves a decoding BAR: the window and the device go along */
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xe0000000);
	ck_assert(!mmio_decoded(vm, 0xfebf0000 + PVSCSI_MASK_REG));
	ck_assert_uint_eq(mmio_rd(vm, 0xe0000000 + PVSCSI_MASK_REG), 0x3);
	/* an access straddling the window's end is not decoded */
	ck_assert(!mmio_decoded(vm, 0xe0000000 + PVSCSI_BAR_SIZE - 2));
	ck_assert(!mmio_decoded(vm, 0xe0000000 + PVSCSI_BAR_SIZE));
	pci_conf_write(vm, T_NIC_DEV, 0x14, 4, 0xd041);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xc000, 4), 0xffffffff);
	ck_assert_uint_eq(vdev_pio_read(vm, 0xd040, 4), 0x8);
	/* decode bits off: nothing answers; on again: back where it was */
	pci_conf_write(vm, T_SCSI_DEV, 0x04, 2, 0x0004);
	pci_conf_write(vm, T_NIC_DEV, 0x04, 2, 0x0002);
	ck_assert(!mmio_decoded(vm, 0xe0000000 + PVSCSI_MASK_REG));
	ck_assert_uint_eq(vdev_pio_read(vm, 0xd040, 4), 0xffffffff);
	ck_assert(mmio_decoded(vm, 0xfebc0000));		/* its memory BAR stays */
	pci_conf_write(vm, T_SCSI_DEV, 0x04, 2, 0x0006);
	ck_assert_uint_eq(mmio_rd(vm, 0xe0000000 + PVSCSI_MASK_REG), 0x3);
	/* sizing a decoding BAR puts it over the ROM: refused, then back */
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xffffffff);
	ck_assert_uint_eq(vm->pci.bars_refused, 1);
	ck_assert(!mmio_decoded(vm, 0xffff8000));
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xe0000000);
	ck_assert_uint_eq(mmio_rd(vm, 0xe0000000 + PVSCSI_MASK_REG), 0x3);
	ck_assert_uint_eq(vm->pci.bars_refused, 1);
	/* a platform reset takes every window away with the functions */
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert(!mmio_decoded(vm, 0xe0000000 + PVSCSI_MASK_REG));
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	bar_vm_free(&b);
}
END_TEST

/* Each hostile place: refused with its reason, nothing decodes there. */
START_TEST(test_pci_bar_places_over_ram_chipset_rom_or_devices_are_refused)
{
	static const struct {
		unsigned int dev, bar;
		uint32_t val;
		const char *why;
	} bad[] = {
		{ T_SCSI_DEV, 0, 0x00100000, "over guest RAM" },
		{ T_SCSI_DEV, 0, (uint32_t)TEST_RAM - 0x8000, "over guest RAM" },
		{ T_SCSI_DEV, 0, 0xfec00000, "over a platform device's registers" },
		{ T_SCSI_DEV, 0, 0xfee00000, "over the interrupt range, the LAPIC" },
		{ T_SCSI_DEV, 0, 0xffff8000, "firmware ROM" },
		{ T_SCSI_DEV, 0, 0xfebd0000, "over another PCI device's BAR" },
		{ T_FAKE_DEV, 0, 0xfe001000, "not aligned to its size" },
		{ T_FAKE_DEV, 1, 0xc011, "over another PCI device's BAR" },
		{ T_NIC_DEV, 1, 0x03f9, "below 1000h" },
		{ T_NIC_DEV, 1, 0xffffffc1, "beyond the 64 KiB I/O space" },
		{ T_FAKE_DEV, 2, 0xe005, "not aligned to its size" },
	};
	struct bar_vm b = bar_vm_new();
	struct vm_devices *vm = b.vm;
	uint64_t refused = 0;

	/* good places first: e1000 at FEBC0000h / C000h, the fake at E000h */
	pci_conf_write(vm, T_NIC_DEV, 0x10, 4, 0xfebc0000);
	pci_conf_write(vm, T_NIC_DEV, 0x14, 4, 0xc001);
	pci_conf_write(vm, T_NIC_DEV, 0x04, 2, 0x0003);
	pci_conf_write(vm, T_FAKE_DEV, 0x18, 4, 0xe001);
	pci_conf_write(vm, T_FAKE_DEV, 0x04, 2, 0x0003);
	pci_conf_write(vm, T_SCSI_DEV, 0x04, 2, 0x0002);
	ck_assert(vdev_pio_write(vm, 0xe000, 1, 0x5a));
	ck_assert_uint_eq(b.fake->regs[0], 0x5a);
	ck_assert_uint_eq(vm->pci.bars_refused, 0);
	for (unsigned int i = 0; i < VMM_ARRAY_SIZE(bad); i++) {
		const struct pci_bar_refusal *r = &vm->pci.last_refused;

		pci_conf_write(vm, bad[i].dev, 0x10 + 4 * bad[i].bar, 4, bad[i].val);
		ck_assert_msg(vm->pci.bars_refused == ++refused, "case %u not refused", i);
		ck_assert_uint_eq(r->devfn, bad[i].dev << 3);
		ck_assert_uint_eq(r->bar, bad[i].bar);
		ck_assert_msg(strstr(r->why, bad[i].why), "case %u: %s", i, r->why);
		ck_assert(!test_bar(vm, bad[i].dev, bad[i].bar)->decoding);
		/* the same request again (a command write) is not counted twice */
		pci_conf_write(vm, bad[i].dev, 0x04, 2, 0x0003);
		ck_assert_uint_eq(vm->pci.bars_refused, refused);
	}
	/* right below the IOAPIC is the hole's last legal place */
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xfebf8000);
	ck_assert_uint_eq(vm->pci.bars_refused, refused);
	ck_assert_uint_eq(mmio_rd(vm, 0xfebf8000 + PVSCSI_STATUS_REG), 0);
	/* above the IOAPIC's registers, where Linux with pci=noacpi moves a
	 * BAR that conflicts with the DSDT's window, up to the interrupt range */
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xfec08000);
	ck_assert_uint_eq(vm->pci.bars_refused, refused);
	ck_assert_uint_eq(mmio_rd(vm, 0xfec08000 + PVSCSI_STATUS_REG), 0);
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, 0xfedf8000);
	ck_assert_uint_eq(vm->pci.bars_refused, refused);
	ck_assert(mmio_decoded(vm, 0xfedf8000));
	/* the chipset's devices answer as before: the IOAPIC's version */
	ck_assert(vdev_mmio_write(vm, 0, IOAPIC_BASE, 4, 1));
	ck_assert_uint_eq(mmio_rd(vm, IOAPIC_BASE + 0x10) & 0xff, 0x11);
	/* a device in a good place still answers; a refused one answers once placed well */
	ck_assert(mmio_decoded(vm, 0xfebc0000));
	pci_conf_write(vm, T_FAKE_DEV, 0x18, 4, 0xe001);
	ck_assert(vdev_pio_write(vm, 0xe000, 1, 0xa5));
	ck_assert_uint_eq(b.fake->regs[0], 0xa5);
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	bar_vm_free(&b);
}
END_TEST

/*
 * A VM with ethernet0..3 and the PVSCSI adapter, placed as the vmkernel
 * places them for a directly booted guest (vmm/devices.h; vm_nic.c and
 * vm_disk.c firmware_setup()): every BAR decodes, none is refused as
 * overlapping another or the chipset, each NIC answers at its own BARs,
 * and its INTA# is on its own line while the PIRQs are unrouted (a
 * direct boot), on the one SeaBIOS picks for its slot once routed.
 */
START_TEST(test_four_nics_and_pvscsi_get_bars_and_irqs_that_do_not_collide)
{
	struct vm_devices *vm = test_vm(1);
	struct e1000 *nic = calloc(VDEV_MAX_NICS, sizeof(*nic));
	struct pvscsi *scsi = calloc(1, sizeof(*scsi));
	struct pvscsi_config pc = { .dma = { no_dma, no_dma_write, NULL } };
	struct pci_host *pci = &vm->pci;
	const uint8_t sdevfn = VDEV_SCSI_SLOT << 3;

	ck_assert(nic && scsi);
	pvscsi_init(scsi, &pc);
	ck_assert(pci_add_function(pci, sdevfn, &pvscsi_pci_ops, scsi));
	ck_assert(pci_add_bar(pci, sdevfn, 0, PVSCSI_BAR_SIZE, false, &pvscsi_mmio_ops, scsi));
	pci_host_config_write(pci, sdevfn, 0x10, 4, VDEV_SCSI_BAR0);
	pci_host_config_write(pci, sdevfn, 0x04, 2, 0x0006);
	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++) {
		struct vnic_config ec = { .dma = { no_dma, no_dma_write, NULL },
					   .mac = { 0, 0x50, 0x56, 0, 0, (uint8_t)(n + 1) } };
		const uint8_t devfn = (uint8_t)(VDEV_NIC_SLOT(n) << 3);

		e1000_init(&nic[n], &ec);
		ck_assert(pci_add_function(pci, devfn, &e1000_pci_ops, &nic[n]));
		ck_assert(pci_add_bar(pci, devfn, 0, E1000_MMIO_SIZE, false, &e1000_mmio_ops, &nic[n]));
		ck_assert(pci_add_bar(pci, devfn, 1, E1000_IO_SIZE, true, &e1000_io_ops, &nic[n]));
		pci_host_config_write(pci, devfn, 0x10, 4, VDEV_NIC_BAR0(n));
		pci_host_config_write(pci, devfn, 0x14, 4, VDEV_NIC_BAR1(n));
		pci_host_config_write(pci, devfn, 0x04, 2, 0x0003);
	}
	ck_assert_msg(pci->bars_refused == 0, "%02x BAR%u at %x: %s", pci->last_refused.devfn,
		      pci->last_refused.bar, pci->last_refused.base, pci->last_refused.why);
	ck_assert(test_bar(vm, VDEV_SCSI_SLOT, 0)->decoding);
	ck_assert_uint_eq(mmio_rd(vm, VDEV_SCSI_BAR0 + PVSCSI_STATUS_REG), 0);
	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++) {
		ck_assert(test_bar(vm, VDEV_NIC_SLOT(n), 0)->decoding);
		ck_assert(test_bar(vm, VDEV_NIC_SLOT(n), 1)->decoding);
		/* RAH0: its own MAC's last two bytes, through BAR0 and through BAR1 */
		ck_assert_uint_eq(mmio_rd(vm, VDEV_NIC_BAR0(n) + E1000_RA + 4) & 0xffff, (n + 1) << 8);
		ck_assert(vdev_pio_write(vm, (uint16_t)VDEV_NIC_BAR1(n), 4, E1000_RA + 4));
		ck_assert_uint_eq(vdev_pio_read(vm, (uint16_t)(VDEV_NIC_BAR1(n) + 4), 4) & 0xffff,
				  (n + 1) << 8);
	}
	/* direct boot: ethernet0 and 1 apart, and 1 apart from the adapter */
	ck_assert_uint_eq(VDEV_NIC_IRQ(0), 11);	/* ethernet0 where it always was */
	ck_assert_uint_ne(VDEV_NIC_IRQ(1), VDEV_NIC_IRQ(0));
	ck_assert_uint_ne(VDEV_NIC_IRQ(0), VDEV_SCSI_IRQ);
	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++) {
		const uint8_t devfn = (uint8_t)(VDEV_NIC_SLOT(n) << 3);
		const unsigned int other = VDEV_NIC_IRQ(n) == 11 ? 10 : 11;
		const unsigned int routed = vdev_pirq_irq(VDEV_NIC_SLOT(n));

		pci_set_intx(pci, devfn, VDEV_NIC_IRQ(n), true);
		ck_assert(isa_line(vm, VDEV_NIC_IRQ(n)) && !isa_line(vm, other));
		pci_conf_write(vm, 1, 0x60, 4, 0x0b0b0a0au);	/* PIRQA-D: 10, 10, 11, 11 */
		ck_assert(isa_line(vm, routed) && !isa_line(vm, routed == 11 ? 10 : 11));
		pci_conf_write(vm, 1, 0x60, 4, 0x80808080u);
		pci_set_intx(pci, devfn, VDEV_NIC_IRQ(n), false);
		ck_assert(!isa_line(vm, 10) && !isa_line(vm, 11));
	}
	ck_assert_uint_eq(VDEV_NIC_BAR0(0), 0xfebc0000);
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	free(nic);
	free(scsi);
	free(vm);
}
END_TEST

/*
 * Above BOOT_LOW_RAM_TOP the RAM goes above 4 GiB (vmm/boot/layout.c):
 * with 4 GiB of RAM the hole from E0000000h holds BARs, RAM below it does
 * not; the DSDT's memory window begins at the same place.
 */
START_TEST(test_pci_bars_may_use_the_hole_below_4g_when_ram_goes_above)
{
	struct bar_vm b = bar_vm_new();
	struct vm_devices *vm = b.vm;

	vm->cfg.ram_size = 4ull << 30;
	ck_assert_uint_eq(pci_mem_bar_start(vm->cfg.ram_size), BOOT_LOW_RAM_TOP);
	pci_conf_write(vm, T_SCSI_DEV, 0x04, 2, 0x0002);
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, (uint32_t)BOOT_LOW_RAM_TOP - PVSCSI_BAR_SIZE);
	ck_assert_uint_eq(vm->pci.bars_refused, 1);
	ck_assert_str_eq(vm->pci.last_refused.why, "over guest RAM");
	pci_conf_write(vm, T_SCSI_DEV, 0x10, 4, (uint32_t)BOOT_LOW_RAM_TOP);
	ck_assert_uint_eq(vm->pci.bars_refused, 1);
	ck_assert_uint_eq(mmio_rd(vm, BOOT_LOW_RAM_TOP + PVSCSI_STATUS_REG), 0);
	bar_vm_free(&b);
}
END_TEST

START_TEST(test_pci_add_bar_refuses_bad_sizes_and_taken_bars)
{
	struct vm_devices *vm = test_vm(1);
	static const struct pci_fn_ops ops;
	struct fake_fn f;

	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 4096, false, &fake_io_ops, &f));	/* no function */
	ck_assert(pci_add_function(&vm->pci, 7 << 3, &ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 6, 4096, false, &fake_io_ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 3000, false, &fake_io_ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 8, false, &fake_io_ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 512, true, &fake_io_ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 4096, false, NULL, &f));
	ck_assert(pci_add_bar(&vm->pci, 7 << 3, 0, 4096, false, &fake_io_ops, &f));
	ck_assert(!pci_add_bar(&vm->pci, 7 << 3, 0, 4096, false, &fake_io_ops, &f));
	ck_assert(!pci_host_config_write(&vm->pci, 9 << 3, 4, 2, 3));
	free(vm);
}
END_TEST

START_TEST(test_cf9_reset_needs_the_rst_cpu_transition)
{
	struct vm_devices *vm = test_vm(1);

	outb(vm, 0xcf9, 0x02);		/* SYS_RST alone: nothing yet */
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	ck_assert_uint_eq(inb(vm, 0xcf9), 0x02);
	outb(vm, 0xcf9, 0x06);
	ck_assert_int_eq(vm->status, VDEV_RESET_REQUESTED);
	ck_assert_str_eq(vm->status_why.text, "guest reset (port 0xCF9)");
	free(vm);
}
END_TEST

START_TEST(test_port92_and_8042_reset_the_vm)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(inb(vm, 0x92) & 0x02, 0x02);	/* A20 on */
	outb(vm, 0x64, 0xad);
	outb(vm, 0x64, 0xff);		/* pulses no line */
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	outb(vm, 0x64, 0xfe);
	ck_assert_int_eq(vm->status, VDEV_RESET_REQUESTED);
	ck_assert_str_eq(vm->status_why.text, "guest reset (8042 command 0xFE)");
	free(vm);
	vm = test_vm(1);
	outb(vm, 0x64, 0xd1);		/* write output port: A20 on, reset high */
	outb(vm, 0x60, 0x03);
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	outb(vm, 0x64, 0xd1);
	outb(vm, 0x60, 0x02);		/* reset line low */
	ck_assert_int_eq(vm->status, VDEV_RESET_REQUESTED);
	free(vm);
	vm = test_vm(1);
	outb(vm, 0x92, 0x01);
	ck_assert_int_eq(vm->status, VDEV_RESET_REQUESTED);
	free(vm);
}
END_TEST

START_TEST(test_pm1a_slp_en_s5_powers_off_and_first_reason_wins)
{
	struct vm_devices *vm = test_vm(1);

	vdev_pio_write(vm, 0x604, 2, 0x1400);	/* SLP_TYP 5 without SLP_EN */
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	vdev_pio_write(vm, 0x604, 2, 0x3400);	/* SLP_EN, SLP_TYP 5: not S5 here */
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	vdev_pio_write(vm, 0x604, 2, 0x2000);
	ck_assert_int_eq(vm->status, VDEV_POWEROFF_REQUESTED);
	outb(vm, 0xcf9, 0x06);
	ck_assert_int_eq(vm->status, VDEV_POWEROFF_REQUESTED);
	free(vm);
}
END_TEST

START_TEST(test_pm1_event_block_status_is_write_one_to_clear_and_enables_stick)
{
	struct vm_devices *vm = test_vm(1);

	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 4), 0);
	vdev_pio_write(vm, 0x600, 4, 0xffffffff);	/* only PIIX4's enables stick */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x602, 2), 0x0521);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0);
	ck_assert(power_button_press(&vm->power));
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 4), 0x05210100);
	ck_assert_uint_eq(inb(vm, 0x601), 0x01);
	ck_assert_uint_eq(inb(vm, 0x603), 0x05);
	vdev_pio_write(vm, 0x600, 2, 0xfeff);		/* 0 in bit 8 keeps it */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0x0100);
	outb(vm, 0x601, 0x01);				/* byte write clears it */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0);
	outb(vm, 0x603, 0x00);				/* high enable byte only */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x602, 2), 0x0021);
	ck_assert(!power_button_press(&vm->power));	/* PWRBTN_EN now clear */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x600, 2), 0);
	/* always in ACPI mode: SCI_EN reads set whatever is written */
	ck_assert_uint_eq(vdev_pio_read(vm, 0x604, 2) & 1, 1);
	vdev_pio_write(vm, 0x604, 2, 0x0000);
	ck_assert_uint_eq(vdev_pio_read(vm, 0x604, 2) & 1, 1);
	ck_assert_int_eq(vm->status, VDEV_RUNNING);
	/* a reset forgets the enables: a new OS must enable the button again */
	vdev_pio_write(vm, 0x602, 2, 0x0100);
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert(!power_button_press(&vm->power));
	free(vm);
}
END_TEST

START_TEST(test_two_vms_share_no_device_state)
{
	struct vm_devices *a = test_vm(1), *b = test_vm(2);
	uint8_t buf[4];

	test_pic_init(a);
	outb(a, 0x3f8, 'A');
	outb(a, 0x3ff, 0x11);
	vdev_irq_pulse(a, 1);
	outb(a, 0xcf9, 0x06);
	ck_assert_uint_eq(uart_tx_drain(&b->uart[0], buf, 4), 0);
	ck_assert_uint_eq(inb(b, 0x3ff), 0);
	ck_assert_int_eq(vdev_intr_pending(b, 0), VDEV_NO_VECTOR);
	ck_assert_int_eq(vdev_intr_pending(a, 0), 0x21);
	ck_assert_int_eq(b->status, VDEV_RUNNING);
	ck_assert_int_eq(a->status, VDEV_RESET_REQUESTED);
	free(a);
	free(b);
}
END_TEST

static uint32_t rnd(void)
{
	return (uint32_t)random();
}

static const unsigned int sizes[] = { 1, 2, 4 };

/* Every offset, every size, values 0, all ones and random, read after write. */
static void hammer_range(struct vm_devices *vm, const struct vdev_range *r,
			 bool mmio)
{
	for (uint32_t off = 0; off < r->len; off++) {
		for (unsigned int s = 0; s < 3; s++) {
			uint32_t vals[] = { 0, 0xffffffffu, rnd(), rnd() };

			for (unsigned int i = 0; i < 4; i++) {
				uint32_t v;

				if (mmio) {
					vdev_mmio_write(vm, 0, r->base + off,
							sizes[s], vals[i]);
					vdev_mmio_read(vm, 0, r->base + off,
						       sizes[s], &v);
				} else {
					vdev_pio_write(vm, (uint16_t)(r->base + off),
						       sizes[s], vals[i]);
					vdev_pio_read(vm, (uint16_t)(r->base + off),
						      sizes[s]);
				}
				test_advance(vm, rnd() % 2000000);
				vdev_intr_ack(vm, 0);
			}
		}
	}
}

/* The exit handler's view stays sane whatever the guest did. */
static void check_sane(struct vm_devices *vm)
{
	for (unsigned int c = 0; c < vm->cfg.nr_vcpus; c++) {
		int v = vdev_intr_pending(vm, c);

		ck_assert(v == VDEV_NO_VECTOR || (v >= 0 && v <= 255));
		v = vdev_intr_ack(vm, c);
		ck_assert(v == VDEV_NO_VECTOR || (v >= 0 && v <= 255));
	}
	ck_assert(vm->status == VDEV_RUNNING ||
		  vm->status == VDEV_RESET_REQUESTED ||
		  vm->status == VDEV_POWEROFF_REQUESTED);
	ck_assert(vm->status == VDEV_RUNNING || why_said(&vm->status_why));
}

START_TEST(test_garbage_on_every_register_of_every_device)
{
	struct vm_devices *vm = test_vm(2);

	srandom(4);
	for (unsigned int i = 0; i < vm->nr_pio; i++) {
		struct vdev_range r = vm->pio[i];

		hammer_range(vm, &r, false);
		check_sane(vm);
	}
	for (unsigned int i = 0; i < vm->nr_mmio; i++) {
		struct vdev_range r = vm->mmio[i];

		hammer_range(vm, &r, true);
		check_sane(vm);
	}
	/* the LAPIC page, on both vCPUs */
	for (uint32_t off = 0; off < LAPIC_PAGE; off += 4) {
		uint32_t v;

		vdev_mmio_write(vm, off & 1, LAPIC_DEFAULT_BASE + off, 4, rnd());
		vdev_mmio_read(vm, off & 1, LAPIC_DEFAULT_BASE + off, 4, &v);
		test_advance(vm, rnd() % 100000);
	}
	check_sane(vm);
	free(vm);
}
END_TEST

START_TEST(test_random_garbage_on_all_ports_and_device_pages)
{
	struct vm_devices *vm = test_vm(4);

	srandom((unsigned int)_i);
	for (unsigned int n = 0; n < 200000; n++) {
		unsigned int size = sizes[rnd() % 3], vcpu = rnd() % 4;
		uint32_t v = rnd(), x;
		uint64_t gpa = (rnd() & 1 ? IOAPIC_BASE : LAPIC_DEFAULT_BASE) +
			       rnd() % 0x1000;

		switch (rnd() % 6) {
		case 0:
			vdev_pio_write(vm, (uint16_t)rnd(), size, v);
			break;
		case 1:
			vdev_pio_read(vm, (uint16_t)rnd(), size);
			break;
		case 2:
			vdev_mmio_write(vm, vcpu, gpa, size, v);
			break;
		case 3:
			vdev_mmio_read(vm, vcpu, gpa, size, &x);
			break;
		case 4:
			vdev_irq_set(vm, rnd() % 32, v & 1);
			break;
		default:
			test_advance(vm, rnd() % 5000000);
			vdev_intr_ack(vm, vcpu);
			break;
		}
		/* a reset request: the vmkernel would rebuild the platform */
		if (vm->status != VDEV_RUNNING) {
			check_sane(vm);
			ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
		}
	}
	check_sane(vm);
	free(vm);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vdev_core");

	tcase_add_test(tc, test_unclaimed_ports_read_all_ones_and_ignore_writes);
	tcase_add_test(tc, test_unassigned_memory_reads_all_ones_and_drops_writes);
	tcase_add_test(tc, test_bad_access_sizes_are_ignored);
	tcase_add_test(tc, test_an_access_straddling_a_range_end_is_not_decoded);
	tcase_add_test(tc, test_register_refuses_overlap_and_full_table);
	tcase_add_test(tc, test_init_refuses_bad_config);
	tcase_add_test(tc, test_pci_mechanism1_finds_the_host_and_isa_bridges_only);
	tcase_add_test(tc, test_pci_pam_and_pirq_registers_keep_what_the_firmware_writes);
	tcase_add_test(tc, test_pci_intx_follows_the_firmwares_pirq_routing);
	tcase_add_test(tc, test_a_reset_disables_the_pirq_routing_and_drops_the_lines);
	tcase_add_test(tc, test_a_pirq_routed_to_the_scis_irq_shares_the_line);
	tcase_add_test(tc, test_pci_add_function_refuses_a_taken_devfn);
	tcase_add_test(tc, test_pci_bars_follow_sizing_moves_and_the_decode_bits);
	tcase_add_test(tc, test_pci_bar_places_over_ram_chipset_rom_or_devices_are_refused);
	tcase_add_test(tc, test_pci_bars_may_use_the_hole_below_4g_when_ram_goes_above);
	tcase_add_test(tc, test_four_nics_and_pvscsi_get_bars_and_irqs_that_do_not_collide);
	tcase_add_test(tc, test_pci_add_bar_refuses_bad_sizes_and_taken_bars);
	tcase_add_test(tc, test_cf9_reset_needs_the_rst_cpu_transition);
	tcase_add_test(tc, test_port92_and_8042_reset_the_vm);
	tcase_add_test(tc, test_pm1a_slp_en_s5_powers_off_and_first_reason_wins);
	tcase_add_test(tc, test_pm1_event_block_status_is_write_one_to_clear_and_enables_stick);
	tcase_add_test(tc, test_two_vms_share_no_device_state);
	tcase_add_test(tc, test_garbage_on_every_register_of_every_device);
	tcase_add_loop_test(tc, test_random_garbage_on_all_ports_and_device_pages, 0, 4);
	return check_run("vdev_core", tc);
}
