// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual platform of one VM: port-I/O and MMIO dispatch to the device
 * models in vmm/dev/, the interrupt path (device line -> PIC and IOAPIC ->
 * LAPIC -> "vector pending for vCPU n"), virtual time, and the VM's
 * run status (running, reset or poweroff requested, stopped on an error).
 *
 * All state lives in struct vm_devices, one per VM (no globals), so the
 * vmkernel can run several VMs at once. Nothing here allocates: the caller
 * owns the structure. A device model is one file in vmm/dev/ exporting a
 * struct vdev_type whose attach hook registers its ranges (vmm/devices.c
 * lists them).
 *
 * The exit handler (vmkernel, later) uses:
 *	vdev_pio_read/write       IOIO intercept
 *	vdev_mmio_read/write      NPF on a device page, through vmm/insn.h
 *	vdev_poll                 before each VMRUN: timers fire
 *	vdev_intr_pending/ack     inject an external interrupt
 *	vdev_next_event_ns        when to wake a halted vCPU
 *	vm->status                stop, reset or power off the VM, or end
 *	                          it with a test guest's exit code
 *
 * Not thread-safe: the vmkernel serialises all calls for one VM (a per-VM
 * lock around each exit's device work); different VMs need no locking.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include "vmm/platform.h"
#include "vmm/why.h"
#include "vmm/dev/debug_exit.h"
#include "vmm/dev/i8042.h"
#include "vmm/dev/ioapic.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/pci_host.h"
#include "vmm/dev/pic8259.h"
#include "vmm/dev/pit8254.h"
#include "vmm/dev/power.h"
#include "vmm/dev/rtc_cmos.h"
#include "vmm/dev/testdev.h"
#include "vmm/dev/uart16550.h"

#define VDEV_MAX_VCPUS		8	/* LAPIC IDs 0..7; the IOAPIC takes the next */
#define VDEV_MAX_PIO_RANGES	24
#define VDEV_MAX_MMIO_RANGES	8
#define VDEV_NR_UARTS		2
#define VDEV_NR_ISA_IRQS	16	/* PIC inputs: two cascaded 8259As */
#define VDEV_NO_VECTOR		(-1)

/* A read from a port or MMIO byte nobody decodes: the pulled-up ISA bus. */
#define VDEV_FLOATING_BUS	0xffffffffu

/*
 * The PCI functions a VM may have. Slot S's INTA# is the PIIX's PIRQ
 * (S - 1) mod 4 (vmm/dev/pci_host.c intx_route()), which SeaBIOS routes
 * to ISA IRQ 10, 10, 11, 11 for PIRQA-D (src/fw/pciinit.c; vdev_pirq_irq()).
 * While no firmware has programmed the PIRQ registers (a direct boot)
 * each INTA# has the line below instead: the NICs alternate between 11
 * and 10 (ethernet0 on 11 as always), so a VM with two NICs, or one and
 * the PVSCSI adapter (10), shares no line. A guest without ACPI takes
 * them as ISA lines, edge-triggered (the MP table, vmm/boot/mptable.c),
 * where a shared line can lose an interrupt. The DSDT's _PRT names them
 * all (vmm/boot/acpi.c).
 *
 * Where the vmkernel puts the BARs of a directly booted guest, as
 * firmware would: each aligned to its size (PCI 3.0 §6.2.5.1), none over
 * another, ethernet0 where QEMU's i440FX firmware puts its e1000 and the
 * others below it, under the PVSCSI adapter and the IOAPIC (FEC00000h).
 * SeaBIOS assigns its own.
 */
#define VDEV_MAX_NICS		4	/* ethernet0 .. ethernet3 */
#define VDEV_NIC_SLOT(n)	(3 + (n))	/* 00:03.0 .. 00:06.0, e1000 */
#define VDEV_NIC_IRQ(n)		((n) & 1 ? 10u : 11u)
#define VDEV_NIC_BAR0(n)	(0xfebc0000u - (uint32_t)(n) * 0x20000u)	/* 128 KiB */
#define VDEV_NIC_BAR1(n)	(0xc000u + (uint32_t)(n) * 0x40u)	/* 64 ports */
#define VDEV_SCSI_SLOT		0x10	/* 00:10.0, PVSCSI */
#define VDEV_SCSI_IRQ		10
#define VDEV_SCSI_BAR0		0xfebf0000u	/* 32 KiB */

/* The ISA IRQ SeaBIOS routes slot's INTA# to. */
static inline unsigned int vdev_pirq_irq(unsigned int slot)
{
	static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };

	return pirq_irq[(slot - 1) & 3];
}

enum vdev_status {
	VDEV_RUNNING = 0,
	VDEV_RESET_REQUESTED,	/* guest asked for a platform reset */
	VDEV_POWEROFF_REQUESTED,/* guest asked to be switched off */
	VDEV_FAILED,		/* a device model stopped the VM: see status_why */
	VDEV_EXIT_REQUESTED,	/* a test guest's exit code: debug_exit.code */
};

enum vdev_result {
	VDEV_OK = 0,
	VDEV_BAD_CONFIG,	/* vdev_init: nr_vcpus or clock out of range */
	VDEV_NO_SLOT,		/* range or PCI function table full */
	VDEV_OVERLAP,		/* range overlaps one already registered */
};

/* Virtual time: nanoseconds since some fixed point, never going backwards. */
struct vdev_clock {
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

struct vm_devices;

/*
 * A device's register window. offset is from the range base; size is 1, 2
 * or 4. Devices must accept any offset/size/value (garbage from the guest).
 */
struct vdev_io_ops {
	uint32_t (*read)(void *dev, uint32_t offset, unsigned int size);
	void (*write)(void *dev, uint32_t offset, unsigned int size,
		      uint32_t val);
};

struct vdev_range {
	uint64_t base;
	uint32_t len;
	const struct vdev_io_ops *ops;
	void *dev;
};

/* One device model: its attach hook resets its state and registers ranges. */
struct vdev_type {
	const char *name;
	enum vdev_result (*attach)(struct vm_devices *vm);
};

struct vdev_config {
	unsigned int nr_vcpus;		/* 1..VDEV_MAX_VCPUS */
	uint64_t ram_size;		/* bytes, for the CMOS memory fields */
	struct vdev_clock clock;
	uint64_t rtc_epoch;		/* RTC time at clock 0, seconds since 1970 */
	bool debug_exit;		/* isa-debug-exit at 0xF4 (test guests) */
	bool test_dev;			/* pc-testdev: 0xE0, 0x2000 (test guests) */
};

struct vm_devices {
	struct vdev_config cfg;
	enum vdev_status status;
	struct vmk_why status_why;	/* why, for the COS (the first kept) */

	unsigned int nr_pio, nr_mmio;
	struct vdev_range pio[VDEV_MAX_PIO_RANGES];
	struct vdev_range mmio[VDEV_MAX_MMIO_RANGES];
	/* the lines each kind of source asserts, by line number (the third:
	 * testdev.lines) */
	uint32_t irq_device, irq_pci;

	struct pic8259 pic;
	struct pit8254 pit;
	struct rtc_cmos rtc;
	struct uart16550 uart[VDEV_NR_UARTS];
	struct ioapic ioapic;
	struct lapic lapic[VDEV_MAX_VCPUS];
	struct pci_host pci;
	struct power power;
	struct debug_exit debug_exit;
	struct testdev testdev;
	struct i8042 i8042;
};

/* Reset every device and register them all; VDEV_OK or why not. */
enum vdev_result vdev_init(struct vm_devices *vm, const struct vdev_config *cfg);

enum vdev_result vdev_register_pio(struct vm_devices *vm, uint16_t base,
				   uint32_t len, const struct vdev_io_ops *ops,
				   void *dev);
enum vdev_result vdev_register_mmio(struct vm_devices *vm, uint64_t base,
				    uint32_t len, const struct vdev_io_ops *ops,
				    void *dev);

/*
 * Port I/O of size 1, 2 or 4 (others read as floating bus, write nothing).
 * Unassigned ports read all ones; a write returns false when no device
 * took it (dropped: the caller counts it).
 */
uint32_t vdev_pio_read(struct vm_devices *vm, uint16_t port, unsigned int size);
bool vdev_pio_write(struct vm_devices *vm, uint16_t port, unsigned int size,
		    uint32_t val);

/*
 * MMIO from vCPU vcpu (the LAPIC page is per vCPU). false: no device
 * there (a read has all ones in *val, as the PC's floating bus gives), the
 * exit handler decides (RAM, or an unassigned access it counts).
 */
bool vdev_mmio_read(struct vm_devices *vm, unsigned int vcpu, uint64_t gpa,
		    unsigned int size, uint32_t *val);
bool vdev_mmio_write(struct vm_devices *vm, unsigned int vcpu, uint64_t gpa,
		     unsigned int size, uint32_t val);

/*
 * Drive interrupt line: ISA IRQ 0..15 (PIC and IOAPIC) or GSI 16..23, as
 * the platform device wired to it (UART, RTC, SCI, PIT).
 */
void vdev_irq_set(struct vm_devices *vm, unsigned int line, bool level);
/*
 * The same, as the PCI functions' INTA# that the PIRQ routing or the
 * vmkernel sends to line (vmm/dev/pci_host.c). A line both drive is their
 * wired-OR: asserted while either asserts it (a PIRQ routed to the SCI's
 * IRQ 9 shares it, level-triggered, as on a PIIX4 board).
 */
void vdev_irq_set_pci(struct vm_devices *vm, unsigned int line, bool level);
/* The same, as a test guest drives it through pc-testdev (testdev.lines). */
void vdev_irq_set_test(struct vm_devices *vm, unsigned int line, bool level);
/* A rising then falling edge (PIT output, edge-triggered sources). */
void vdev_irq_pulse(struct vm_devices *vm, unsigned int line);
/* Some vCPU can get ISA IRQ irq: through the PIC (unmasked, and the PIC
 * reaches the BSP) or through its IOAPIC pin (unmasked). */
bool vdev_isa_irq_routed(struct vm_devices *vm, unsigned int irq);

/* Let timers fire up to now; call before running a vCPU. */
void vdev_poll(struct vm_devices *vm);
/* Clock time of the next timer event, or UINT64_MAX. */
uint64_t vdev_next_event_ns(struct vm_devices *vm);

/* Vector of the interrupt vCPU vcpu would take now (IF=1), or VDEV_NO_VECTOR. */
int vdev_intr_pending(struct vm_devices *vm, unsigned int vcpu);
/* The vCPU takes it (INTA cycle / IRR->ISR); returns the vector or VDEV_NO_VECTOR. */
int vdev_intr_ack(struct vm_devices *vm, unsigned int vcpu);

/* Stop the VM with a reason, a static sentence (only the first is kept). */
void vdev_set_status(struct vm_devices *vm, enum vdev_status status,
		     const char *msg);

/* ISA IRQ line -> IOAPIC input (GSI) on this platform. */
unsigned int vdev_isa_irq_to_gsi(unsigned int irq);

/* Services for device models. */
uint64_t vdev_now(struct vm_devices *vm);
/* ticks of a hz clock in ns nanoseconds, and back (no 64-bit overflow) */
uint64_t vdev_ns_to_ticks(uint64_t ns, uint32_t hz);
uint64_t vdev_ticks_to_ns(uint64_t ticks, uint32_t hz);

#define VDEV_NS_PER_SEC 1000000000u

#endif /* VMM_DEVICES_H */
