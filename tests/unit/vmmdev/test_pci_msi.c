// SPDX-License-Identifier: GPL-2.0-only
/* The MSI capability (vmm/dev/pci_msi.h) and a message's way to the LAPICs. */
#include <string.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmmdev/vdev_test.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/pci_msi.h"

#define CAP		PCI_MSI_CAP_DEFAULT
#define CFG_LEN		(CAP + PCI_MSI_CAP_LEN + 2)
#define MSI_DEVFN	(16 << 3)

static uint8_t msi_wmask(unsigned int off)
{
	return pci_msi_wmask(CAP, off);
}

static void cfg_wr(uint8_t *cfg, uint8_t off, unsigned int size, uint32_t v)
{
	pci_config_write(cfg, CFG_LEN, msi_wmask, off, size, v);
}

static uint32_t cfg_rd(const uint8_t *cfg, uint8_t off, unsigned int size)
{
	return pci_config_read(cfg, CFG_LEN, off, size);
}

START_TEST(test_msi_capability_is_listed_with_64_bit_address_and_one_vector)
{
	uint8_t cfg[CFG_LEN] = { 0 };

	pci_msi_init(cfg, CAP);
	ck_assert_uint_eq(cfg_rd(cfg, 0x06, 2), PCI_STATUS_CAP_LIST);
	ck_assert_uint_eq(cfg_rd(cfg, PCI_CAPABILITY_LIST, 1), CAP);
	ck_assert_uint_eq(cfg_rd(cfg, CAP, 1), PCI_CAP_ID_MSI);
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 1, 1), 0);		/* the last one */
	/* 64-bit capable, 1 vector requested and enabled, no masking, off */
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 2, 2), 0x0080);
	ck_assert(!pci_msi_enabled(cfg, CAP));
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 4, 4), 0);
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 8, 4), 0);
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 12, 2), 0);
}
END_TEST

START_TEST(test_msi_capability_keeps_read_only_bits_whatever_is_written)
{
	uint8_t cfg[CFG_LEN] = { 0 };
	struct pci_msi_msg m;

	pci_msi_init(cfg, CAP);
	for (unsigned int off = 0; off < CFG_LEN; off += 4)
		cfg_wr(cfg, (uint8_t)off, 4, 0xffffffff);
	ck_assert_uint_eq(cfg_rd(cfg, 0x06, 2), PCI_STATUS_CAP_LIST);
	ck_assert_uint_eq(cfg_rd(cfg, PCI_CAPABILITY_LIST, 1), CAP);
	ck_assert_uint_eq(cfg_rd(cfg, CAP, 2), PCI_CAP_ID_MSI);
	/* enable only: MME, the vector count, 64-bit, masking stay */
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 2, 2), 0x0081);
	ck_assert(pci_msi_enabled(cfg, CAP));
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 4, 4), 0xfffffffc);	/* dword aligned */
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 8, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 12, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(cfg, CAP + 14, 2), 0);		/* past it */
	/* what Linux writes: address, upper half 0, data, then enable */
	cfg_wr(cfg, CAP + 2, 2, 0);
	cfg_wr(cfg, CAP + 4, 4, 0xfee01000);
	cfg_wr(cfg, CAP + 8, 4, 0);
	cfg_wr(cfg, CAP + 12, 2, 0x4031);
	cfg_wr(cfg, CAP + 2, 2, 1);
	m = pci_msi_message(cfg, CAP);
	ck_assert_uint_eq(m.addr, 0xfee01000);
	ck_assert_uint_eq(m.data, 0x4031);
	ck_assert(pci_msi_enabled(cfg, CAP));
}
END_TEST

START_TEST(test_msi_decodes_destination_mode_vector_and_delivery)
{
	struct pci_msi_msg m = { .addr = 0xfee02000, .data = 0x0041 };
	struct apic_msg a;

	ck_assert_ptr_null(pci_msi_decode(&m, &a));
	ck_assert_uint_eq(a.vector, 0x41);
	ck_assert_uint_eq(a.delivery, APIC_DM_FIXED);
	ck_assert_uint_eq(a.dest, 2);
	ck_assert(!a.logical && !a.level_trig);
	ck_assert_uint_eq(a.shorthand, APIC_SH_NONE);
	/* logical, redirection hint, lowest priority, level trigger: an edge */
	m = (struct pci_msi_msg){ .addr = 0xfee0300c, .data = 0xc151 };
	ck_assert_ptr_null(pci_msi_decode(&m, &a));
	ck_assert(a.logical);
	ck_assert_uint_eq(a.dest, 3);
	ck_assert_uint_eq(a.delivery, APIC_DM_LOWEST);
	ck_assert_uint_eq(a.vector, 0x51);
	ck_assert(!a.level_trig);
	/* NMI: the vector does not matter */
	m = (struct pci_msi_msg){ .addr = 0xfee00000, .data = 0x0400 };
	ck_assert_ptr_null(pci_msi_decode(&m, &a));
	ck_assert_uint_eq(a.delivery, APIC_DM_NMI);
}
END_TEST

START_TEST(test_msi_refuses_hostile_addresses_vectors_and_modes)
{
	static const struct pci_msi_msg bad[] = {
		{ .addr = 0, .data = 0x41 },			/* never programmed */
		{ .addr = 0xfed00000, .data = 0x41 },		/* below the range */
		{ .addr = 0xfef00000, .data = 0x41 },		/* above */
		{ .addr = 0x1fee00000ull, .data = 0x41 },	/* upper dword */
		{ .addr = 0xfee00000, .data = 0x0f },		/* vector 15 */
		{ .addr = 0xfee00000, .data = 0x00 },		/* vector 0 */
		{ .addr = 0xfee00000, .data = 0x0141 & 0xff0f },	/* lowest, vector 1 */
		{ .addr = 0xfee00000, .data = 0x0241 },		/* SMI */
		{ .addr = 0xfee00000, .data = 0x0341 },		/* reserved */
		{ .addr = 0xfee00000, .data = 0x0541 },		/* INIT */
		{ .addr = 0xfee00000, .data = 0x0641 },		/* SIPI: reserved for MSI */
		{ .addr = 0xfee00000, .data = 0x0741 },		/* ExtINT */
	};
	struct apic_msg a;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pci_msi_decode(&bad[i], &a) != NULL,
			      "message %u taken", i);
}
END_TEST

static void enable_apics(struct vm_devices *vm)
{
	for (unsigned int c = 0; c < vm->cfg.nr_vcpus; c++)
		ck_assert(vdev_mmio_write(vm, c, LAPIC_DEFAULT_BASE + 0xf0, 4, 0x1ff));
}

START_TEST(test_msi_reaches_the_lapic_it_names_as_an_edge)
{
	struct vm_devices *vm = test_vm(2);
	struct pci_msi_msg m = { .addr = 0xfee01000, .data = 0x0045 };
	uint32_t tmr = 0;

	enable_apics(vm);
	pci_msi_deliver(&vm->pci, MSI_DEVFN, &m);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	ck_assert_int_eq(vdev_intr_ack(vm, 1), 0x45);
	/* edge: not in the TMR, so the guest's EOI needs no TMR read */
	ck_assert(vdev_mmio_read(vm, 1, LAPIC_DEFAULT_BASE + 0x180 + 0x10 * 2, 4, &tmr));
	ck_assert_uint_eq(tmr & (1u << (0x45 % 32)), 0);
	ck_assert_uint_eq(vm->pci.msi_dropped, 0);
	/* physical broadcast reaches both */
	m.addr = 0xfee00000 | 0xff << 12;
	pci_msi_deliver(&vm->pci, MSI_DEVFN, &m);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), 0x45);
	ck_assert_int_eq(vdev_intr_pending(vm, 1), VDEV_NO_VECTOR);	/* in service */
	free(vm);
}
END_TEST

START_TEST(test_a_hostile_msi_is_dropped_and_counted)
{
	struct vm_devices *vm = test_vm(1);
	struct pci_msi_msg m = { .addr = 0xfec00000, .data = 0x0045 };

	enable_apics(vm);
	pci_msi_deliver(&vm->pci, MSI_DEVFN, &m);
	ck_assert_uint_eq(vm->pci.msi_dropped, 1);
	ck_assert_uint_eq(vm->pci.last_msi_drop.devfn, MSI_DEVFN);
	ck_assert_uint_eq(vm->pci.last_msi_drop.addr, 0xfec00000);
	ck_assert_uint_eq(vm->pci.last_msi_drop.data, 0x0045);
	ck_assert_ptr_nonnull(strstr(vm->pci.last_msi_drop.why, "address"));
	m = (struct pci_msi_msg){ .addr = 0xfee00000, .data = 0x0505 };	/* INIT */
	pci_msi_deliver(&vm->pci, MSI_DEVFN, &m);
	ck_assert_uint_eq(vm->pci.msi_dropped, 2);
	ck_assert(!vm->lapic[0].init_pending);
	ck_assert_int_eq(vdev_intr_pending(vm, 0), VDEV_NO_VECTOR);
	free(vm);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("pci_msi");

	tcase_add_test(tc, test_msi_capability_is_listed_with_64_bit_address_and_one_vector);
	tcase_add_test(tc, test_msi_capability_keeps_read_only_bits_whatever_is_written);
	tcase_add_test(tc, test_msi_decodes_destination_mode_vector_and_delivery);
	tcase_add_test(tc, test_msi_refuses_hostile_addresses_vectors_and_modes);
	tcase_add_test(tc, test_msi_reaches_the_lapic_it_names_as_an_edge);
	tcase_add_test(tc, test_a_hostile_msi_is_dropped_and_counted);
	return check_run("pci_msi", tc);
}
