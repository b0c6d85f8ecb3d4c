// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel MultiProcessor Specification 1.4 tables (chapter 4): the MP
 * floating pointer structure and an MP configuration table with one
 * processor entry per vCPU, a PCI bus and an ISA bus, the IOAPIC, the ISA
 * interrupt assignments (IRQ 0 on IOAPIC input 2, as vmm/devices.c wires
 * it) and the local interrupts (ExtINT on LINT0, NMI on LINT1). Placed in
 * the reserved BIOS area at 0xF0000, where guests search (§4 item 3).
 */
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"

#define MPF_SIGNATURE		"_MP_"
#define MPF_LEN			16
#define MPC_SIGNATURE		"PCMP"
#define MPC_HEADER_LEN		44
#define MP_SPEC_REV		4	/* 1.4 */
#define MP_LAPIC_ADDR		0xfee00000u

/* Entry types and lengths (§4.3). */
#define MPC_PROCESSOR		0
#define MPC_BUS			1
#define MPC_IOAPIC		2
#define MPC_IOINT		3
#define MPC_LINTSRC		4
#define MPC_PROCESSOR_LEN	20
#define MPC_ENTRY_LEN		8

#define CPU_ENABLED		0x01
#define CPU_BSP			0x02
#define CPU_SIGNATURE		0x00000600u	/* family 6 */
#define CPU_FEATURES		0x00000201u	/* FPU, APIC (CPUID.1:EDX) */
#define LAPIC_VERSION		0x14
#define IOAPIC_VERSION		0x11
#define IOAPIC_ENABLED		0x01

#define BUS_PCI			0
#define BUS_ISA			1
#define INT_TYPE_INT		0
#define INT_TYPE_NMI		1
#define INT_TYPE_EXTINT		3
#define INT_FLAGS_CONFORM	0	/* polarity/trigger as the bus defines */
#define ALL_LAPICS		0xff
#define ISA_IRQS		16
#define ISA_IRQ_CASCADE		2	/* the slave PIC: not an input */
#define IOAPIC_PIN_PIT		2

/* Room for the header and every entry of VDEV-sized VMs (8 CPUs). */
#define MPC_MAX_LEN		(MPC_HEADER_LEN + 8 * MPC_PROCESSOR_LEN + \
				 (2 + 1 + ISA_IRQS + 2) * MPC_ENTRY_LEN)
#define MP_MAX_CPUS		8

struct mpc {
	uint8_t buf[MPC_MAX_LEN];
	size_t len;
	uint16_t count;
};

static uint8_t *entry(struct mpc *t, size_t len)
{
	uint8_t *e = t->buf + t->len;

	t->len += len;
	t->count++;
	return e;
}

static void io_int(struct mpc *t, uint8_t type, uint8_t irq, uint8_t ioapic,
		   uint8_t pin)
{
	uint8_t *e = entry(t, MPC_ENTRY_LEN);

	e[0] = MPC_IOINT;
	e[1] = type;
	vmm_put16(e + 2, INT_FLAGS_CONFORM);
	e[4] = BUS_ISA;
	e[5] = irq;
	e[6] = ioapic;
	e[7] = pin;
}

static void local_int(struct mpc *t, uint8_t type, uint8_t lint)
{
	uint8_t *e = entry(t, MPC_ENTRY_LEN);

	e[0] = MPC_LINTSRC;
	e[1] = type;
	vmm_put16(e + 2, INT_FLAGS_CONFORM);
	e[4] = BUS_ISA;
	e[5] = 0;
	e[6] = ALL_LAPICS;
	e[7] = lint;
}

enum boot_status mptable_write(const struct guest_mem *mem,
			       unsigned int nr_cpus, uint8_t ioapic_id,
			       uint32_t ioapic_addr)
{
	struct mpc t = { .len = MPC_HEADER_LEN };
	uint8_t mpf[MPF_LEN] = { 0 };
	uint32_t mpc_addr = BOOT_MPTABLE_ADDR + MPF_LEN;
	uint8_t *e;

	if (nr_cpus == 0 || nr_cpus > MP_MAX_CPUS || ioapic_id < nr_cpus)
		return BOOT_UNSUPPORTED;
	for (unsigned int i = 0; i < nr_cpus; i++) {
		e = entry(&t, MPC_PROCESSOR_LEN);
		e[0] = MPC_PROCESSOR;
		e[1] = (uint8_t)i;		/* LAPIC ID */
		e[2] = LAPIC_VERSION;
		e[3] = CPU_ENABLED | (i == 0 ? CPU_BSP : 0);
		vmm_put32(e + 4, CPU_SIGNATURE);
		vmm_put32(e + 8, CPU_FEATURES);
	}
	e = entry(&t, MPC_ENTRY_LEN);
	e[0] = MPC_BUS;
	e[1] = BUS_PCI;
	vmm_put_chars(e + 2, "PCI   ", 6);
	e = entry(&t, MPC_ENTRY_LEN);
	e[0] = MPC_BUS;
	e[1] = BUS_ISA;
	vmm_put_chars(e + 2, "ISA   ", 6);
	e = entry(&t, MPC_ENTRY_LEN);
	e[0] = MPC_IOAPIC;
	e[1] = ioapic_id;
	e[2] = IOAPIC_VERSION;
	e[3] = IOAPIC_ENABLED;
	vmm_put32(e + 4, ioapic_addr);
	/* the PIC's output on IOAPIC input 0 (through-IOAPIC virtual wire) */
	io_int(&t, INT_TYPE_EXTINT, 0, ioapic_id, 0);
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++)
		if (irq != ISA_IRQ_CASCADE)
			io_int(&t, INT_TYPE_INT, irq, ioapic_id,
			       irq == 0 ? IOAPIC_PIN_PIT : irq);
	local_int(&t, INT_TYPE_EXTINT, 0);
	local_int(&t, INT_TYPE_NMI, 1);

	vmm_put_chars(t.buf, MPC_SIGNATURE, 4);
	vmm_put16(t.buf + 4, (uint16_t)t.len);
	t.buf[6] = MP_SPEC_REV;
	vmm_put_chars(t.buf + 8, "VMK     ", 8);		/* OEM ID */
	vmm_put_chars(t.buf + 16, "VMK VIRTUAL ", 12);	/* product ID */
	vmm_put16(t.buf + 34, t.count);
	vmm_put32(t.buf + 36, MP_LAPIC_ADDR);
	t.buf[7] = vmm_checksum8(t.buf, t.len);

	vmm_put_chars(mpf, MPF_SIGNATURE, 4);
	vmm_put32(mpf + 4, mpc_addr);
	mpf[8] = 1;			/* length in 16-byte units */
	mpf[9] = MP_SPEC_REV;
	/* feature bytes 0: a configuration table is present, no IMCR (virtual wire) */
	mpf[10] = vmm_checksum8(mpf, MPF_LEN);

	if (!mem->write(mem->ctx, BOOT_MPTABLE_ADDR, mpf, sizeof(mpf)) ||
	    !mem->write(mem->ctx, mpc_addr, t.buf, t.len))
		return BOOT_MEM_FAILED;
	return BOOT_OK;
}
