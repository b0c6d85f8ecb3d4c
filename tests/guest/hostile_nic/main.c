// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_nic: a guest that finds its NIC on PCI (an e1000, 8086:100E, or
 * a vmxnet3, 15ad:07B0: whichever ethernet0 is), sets it up as the stock
 * Linux driver would, polled, interrupts off, and then feeds it what no
 * driver sends: descriptors of random bits, buffers outside guest RAM
 * (just past its end, at 0xfffff000, in the MMIO hole), lengths of 0 and
 * 65535 (vmxnet3: 16383, and 0 meaning 16 KiB), runts (5 and 13 bytes,
 * 20 unpadded), frames over 1518 bytes (1600, 9000) from its own MAC,
 * TSO with an MSS of 0 or 1 and headers longer than the packet, chains
 * with no EOP, and at setup rings outside RAM, of size 0 or absurdly
 * large (e1000: TDLEN 1 MiB, TDT past the ring; vmxnet3: DriverShared and
 * queue table outside RAM, ring sizes 0, 33 and 8192). Frames of random
 * bits carry random source addresses (the switch's forged or bad-source
 * drops). Each round also sends 8 well-formed frames to the other hostile
 * guest (its own MAC with the last bit flipped) while its own receive ring
 * is garbage, outside RAM or absurd, so each guest's receive path gets the
 * other's frames. A round is right when the device took every batch
 * (e1000: TDH reached TDT; vmxnet3: its queue ran on, except that a chain
 * with no EOP and a ring outside RAM stopped it), refused each absurd
 * vmxnet3 activation, and after the driver's reset completed one
 * well-formed frame from its own MAC to an address nobody has.
 * Prints "hostile_nic: DEV round N" after each tenth of its `rounds=`
 * (default 40) and at the end "hostile_nic: DEV passed N of N rounds"
 * (or FAILED K of N), then powers off, or with `hold=1` halts (its port
 * stays on the switch, with its counters, until the VM is killed).
 * Where the platform puts the NIC: vmkernel/vm/vm_nic.c, vmm/devices.h.
 */
#include "guest.h"

#define PCI_ADDR	0xcf8
#define PCI_DATA	0xcfc
#define PCI_ID_E1000	0x100e8086u
#define PCI_ID_VMXNET3	0x07b015adu
#define MMIO_HOLE	0xfec00000u	/* the IOAPIC: no RAM there */
#define TOP_PAGE	0xfffff000u
#define NOBODY		"\x02\x00\x00\x0b\xad\x01"	/* locally administered */
#define SPARE_RAM	0x800000u	/* 8-9 MiB: RAM nothing here uses */
#define RING		32		/* descriptors a ring (vmxnet3: a multiple of 32) */
#define PEER_FRAMES	8		/* per round, 60 to 1509 bytes */

static uint32_t ram_end = 16u << 20;
static uint32_t bar0, bar1, seed = 0x1badf00d;
static uint8_t mac[6];
static uint8_t tx_ring[RING * 16] __attribute__((aligned(4096)));
static uint8_t rx_ring[RING * 16] __attribute__((aligned(4096)));
static uint8_t comp_ring[2 * RING * 16] __attribute__((aligned(4096)));
static uint8_t rx_comp[2 * RING * 16] __attribute__((aligned(4096)));
static uint8_t frame[16384 + 64] __attribute__((aligned(4096)));
static uint8_t rx_buf[2048] __attribute__((aligned(4096)));

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> 8 * i); }
static uint32_t get32(const volatile uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void zero(void *p, uint32_t n) { for (uint32_t i = 0; i < n; i++) ((volatile uint8_t *)p)[i] = 0; }

static uint32_t pci_read(uint32_t devfn, uint8_t off)
{
	outl(PCI_ADDR, 0x80000000u | devfn << 8 | off);
	return inl(PCI_DATA);
}

static void pci_write(uint32_t devfn, uint8_t off, uint32_t v)
{
	outl(PCI_ADDR, 0x80000000u | devfn << 8 | off);
	outl(PCI_DATA, v);
}

/* Bus 0's first e1000 or vmxnet3: its ID, BARs, bus mastering on. */
static uint32_t find_nic(void)
{
	for (uint32_t devfn = 0; devfn < 256; devfn += 8) {
		uint32_t id = pci_read(devfn, 0);

		if (id != PCI_ID_E1000 && id != PCI_ID_VMXNET3)
			continue;
		bar0 = pci_read(devfn, 0x10) & ~0xfu;
		bar1 = pci_read(devfn, 0x14) & ~0xfu;
		pci_write(devfn, 0x04, pci_read(devfn, 0x04) | 0x7);	/* I/O, memory, master */
		return id;
	}
	return 0;
}

/* An address a buffer of the device must not reach, by kind. */
static uint32_t outside(uint32_t kind)
{
	switch (kind % 4) {
	case 0:		return ram_end;			/* just past the end */
	case 1:		return TOP_PAGE;
	case 2:		return MMIO_HOLE;
	default:	return ram_end - 100;		/* straddles the end */
	}
}

/* A frame of len bytes: random bits, or from our MAC to nobody or the peer. */
enum dest { RANDOM, TO_NOBODY, TO_PEER };

static void make_frame(uint32_t len, enum dest to)
{
	for (uint32_t i = 0; i < len; i++)
		frame[i] = (uint8_t)rand32(&seed);
	if (to == RANDOM || len < 14)
		return;
	for (int i = 0; i < 6; i++) {
		frame[i] = to == TO_PEER ? mac[i] : (uint8_t)NOBODY[i];
		frame[6 + i] = mac[i];
	}
	if (to == TO_PEER)
		frame[5] ^= 1;			/* the other hostile guest's MAC */
	frame[12] = 0x88;			/* IEEE 802 local experimental */
	frame[13] = 0xb5;
}

/* Receive descriptors: random bits, half of them at our buffer. */
static void garbage_rx_ring(void)
{
	for (int i = 0; i < RING; i++) {
		for (int b = 0; b < 16; b += 4)
			put32(rx_ring + 16 * i + b, rand32(&seed));
		if (i & 1)
			put64(rx_ring + 16 * i, (uint32_t)rx_buf + (rand32(&seed) & 0x3ff));
	}
}

/* ---- e1000 (8254x SDM; the register offsets as vmm/dev/e1000.h) ---- */

#define E_CTRL		0x0000
#define E_RCTL		0x0100
#define E_TCTL		0x0400
#define E_RDBAL		0x2800
#define E_RDBAH		0x2804
#define E_RDLEN		0x2808
#define E_RDH		0x2810
#define E_RDT		0x2818
#define E_TDBAL		0x3800
#define E_TDBAH		0x3804
#define E_TDLEN		0x3808
#define E_TDH		0x3810
#define E_TDT		0x3818
#define E_RAL0		0x5400
#define E_RAH0		0x5404
#define E_CTRL_RST	0x04000000u
#define E_RCTL_EN_BAM	0x00008002u
#define E_RCTL_UPE	0x00000008u
#define E_TCTL_EN_PSP	0x0000000au
#define E_EOP		0x01
#define E_IFCS		0x02
#define E_TSE		0x04
#define E_RS		0x08
#define E_DEXT		0x20
#define E_VLE		0x40
#define E_DTYP_D	(1u << 20)

static uint32_t tdt;

static void ew(uint32_t off, uint32_t v) { *(volatile uint32_t *)(bar0 + off) = v; }
static uint32_t er(uint32_t off) { return *(volatile uint32_t *)(bar0 + off); }

/* CTRL.RST, then the rings of the Linux driver's open (e1000_configure). */
static void e1000_setup(void)
{
	ew(E_CTRL, E_CTRL_RST);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)((i < 4 ? er(E_RAL0) >> 8 * i : er(E_RAH0) >> 8 * (i - 4)));
	zero(tx_ring, sizeof(tx_ring));
	zero(rx_ring, sizeof(rx_ring));
	for (int i = 0; i < RING; i++)		/* half our buffer, half outside RAM */
		put64(rx_ring + 16 * i, i & 1 ? outside(i / 2) : (uint32_t)rx_buf);
	ew(E_TDBAL, (uint32_t)tx_ring);
	ew(E_TDBAH, 0);
	ew(E_TDLEN, sizeof(tx_ring));
	ew(E_TDH, 0);
	ew(E_TDT, 0);
	tdt = 0;
	ew(E_TCTL, E_TCTL_EN_PSP);
	ew(E_RDBAL, (uint32_t)rx_ring);
	ew(E_RDBAH, 0);
	ew(E_RDLEN, sizeof(rx_ring));
	ew(E_RDH, 0);
	ew(E_RDT, RING - 1);
	ew(E_RCTL, E_RCTL_EN_BAM | E_RCTL_UPE);
}

/* The next descriptor: legacy (len <= 0xffff) or extended data (dext). */
static void e1000_desc(uint64_t addr, uint32_t len, uint8_t cmd, bool dext)
{
	uint8_t *d = tx_ring + 16 * tdt;

	zero(d, 16);
	put64(d, addr);
	if (dext) {
		put32(d + 8, (len & 0xfffff) | E_DTYP_D | (uint32_t)(cmd | E_DEXT) << 24);
	} else {
		put16(d + 8, (uint16_t)len);
		d[11] = cmd;
	}
	tdt = (tdt + 1) % RING;
}

/* A TSO context descriptor (§3.3.6) with the given header length and MSS. */
static void e1000_tso_context(uint8_t hdr_len, uint16_t mss, uint32_t paylen)
{
	uint8_t *d = tx_ring + 16 * tdt;

	zero(d, 16);
	d[0] = 14;				/* IPCSS */
	d[1] = 24;				/* IPCSO */
	d[4] = 34;				/* TUCSS */
	d[5] = 50;				/* TUCSO */
	put32(d + 8, (paylen & 0xfffff) | (uint32_t)(E_DEXT | E_TSE | 0x3) << 24);
	d[13] = hdr_len;
	d[14] = (uint8_t)mss;
	d[15] = (uint8_t)(mss >> 8);
	tdt = (tdt + 1) % RING;
}

/* Ring the doorbell; true once the device took everything (TDH == TDT). */
static bool e1000_kick(void)
{
	__asm__ volatile("" : : : "memory");
	ew(E_TDT, tdt);
	for (int i = 0; i < 1000; i++)
		if (er(E_TDH) == tdt)
			return true;
	return false;
}

/* One well-formed 60-byte frame; true when the device took it. */
static bool e1000_good(void)
{
	make_frame(60, TO_NOBODY);
	e1000_desc((uint32_t)frame, 60, E_EOP | E_IFCS | E_RS, false);
	return e1000_kick();
}

static bool e1000_round(uint32_t round)
{
	bool ok = true;

	/* frames to the peer, while our receive ring is garbage or absurd */
	garbage_rx_ring();
	if (round % 4 == 1) {
		ew(E_RDBAL, SPARE_RAM);
		ew(E_RDLEN, 0xfff80);
		ew(E_RDT, rand32(&seed) & 0xffff);
	} else if (round % 4 == 2) {
		ew(E_RDH, RING + 3);
	}
	make_frame(1514, TO_PEER);
	for (uint32_t i = 0; i < PEER_FRAMES; i++)
		e1000_desc((uint32_t)frame, 60 + i * 207, E_EOP, false);
	ok &= e1000_kick();

	/* buffers outside RAM, in a frame of one and of two descriptors */
	e1000_desc(outside(round), 1514, E_EOP | E_RS, false);
	e1000_desc((uint32_t)frame, 100, 0, false);
	e1000_desc(outside(round + 1), 100, E_EOP, true);
	/* lengths 0 and 65535 (legacy), 0xfffff (extended) */
	e1000_desc((uint32_t)frame, 0, E_EOP, false);
	e1000_desc((uint32_t)frame, 0xffff, E_EOP, false);
	e1000_desc((uint32_t)frame, 0xfffff, E_EOP, true);
	ok &= e1000_kick();
	/* runts: 5 and 13 bytes, padded to 60; 20 bytes unpadded */
	make_frame(64, TO_NOBODY);
	e1000_desc((uint32_t)frame, 5, E_EOP, false);
	e1000_desc((uint32_t)frame, 13, E_EOP | E_VLE, false);
	ok &= e1000_kick();
	ew(E_TCTL, E_TCTL_EN_PSP & ~0x8u);
	e1000_desc((uint32_t)frame, 20, E_EOP, false);
	ok &= e1000_kick();
	ew(E_TCTL, E_TCTL_EN_PSP);
	/* oversized from our own MAC: 1600 and 9000 bytes, and tagged 1516 */
	make_frame(9000, TO_NOBODY);
	e1000_desc((uint32_t)frame, 1600, E_EOP, false);
	e1000_desc((uint32_t)frame, 9000, E_EOP, false);
	e1000_desc((uint32_t)frame, 1516, E_EOP | E_VLE, false);
	ok &= e1000_kick();
	/* TSO: MSS 1 and 0, headers longer than the packet, a 16 KiB packet */
	e1000_tso_context(54, 1, 16384 - 54);
	e1000_desc((uint32_t)frame, 16384, E_EOP | E_TSE, true);
	e1000_tso_context(255, 0, 0xfffff);
	e1000_desc((uint32_t)frame, 100, E_EOP | E_TSE, true);
	e1000_tso_context(200, 9000, 10);
	e1000_desc((uint32_t)frame, 60, E_EOP | E_TSE, true);
	ok &= e1000_kick();
	/* a chain with no EOP around the whole ring (the last slot stays free) */
	for (int i = 0; i < RING - 1; i++)
		e1000_desc((uint32_t)frame, 9000, 0, false);
	ok &= e1000_kick();
	/* random descriptors, frames of random bits */
	make_frame(sizeof(frame), RANDOM);
	for (int i = 0; i < RING - 1; i++) {
		uint8_t *d = tx_ring + 16 * tdt;

		for (int b = 0; b < 16; b += 4)
			put32(d + b, rand32(&seed));
		if (i & 1) {			/* half of them at our random bits */
			put64(d, (uint32_t)frame + (rand32(&seed) & 0x3fff));
			put16(d + 8, (uint16_t)(rand32(&seed) & 0x7ff));
		}
		tdt = (tdt + 1) % RING;
	}
	ok &= e1000_kick();
	/* absurd rings: a ring outside RAM, of 64 Ki descriptors, TDT past its end */
	ew(E_TDBAL, outside(round) & ~0xfu);
	ew(E_TDT, 5);
	ew(E_TDBAL, SPARE_RAM);
	ew(E_TDLEN, 0xfff80);
	ew(E_TDH, 0);
	ew(E_TDT, 0xfff0);
	ew(E_TDLEN, 0);
	ew(E_TDT, 7);
	ew(E_TDLEN, sizeof(tx_ring));
	ew(E_TDT, 0xffff);
	ew(E_RDBAL, outside(round) & ~0xfu);	/* the receive ring outside RAM */
	e1000_setup();				/* the driver's reset */
	return e1000_good() && ok;
}

/* ---- vmxnet3 (Linux's vmxnet3_defs.h; offsets as vmm/dev/vmxnet3.c) ---- */

#define V_TXPROD	0x600
#define V_VRRS		0x00
#define V_UVRS		0x08
#define V_DSAL		0x10
#define V_DSAH		0x18
#define V_CMD		0x20
#define V_MACL		0x28
#define V_MACH		0x30
#define V_ECR		0x40
#define V_ACTIVATE	0xcafe0000u
#define V_RESET		0xcafe0002u
#define V_GET_STATUS	0xf00d0000u
#define V_MAGIC		0xbabefee1u
#define V_ECR_TQERR	0x2
#define V_GEN		(1u << 14)
#define V_EOP		(1u << 12)
#define V_CQ		(1u << 13)
#define V_TI		(1u << 15)
#define V_OM_CSUM	(2u << 10)
#define V_OM_TSO	(3u << 10)

static uint8_t shared[1024] __attribute__((aligned(4096)));
static uint8_t qtable[512] __attribute__((aligned(4096)));
static uint32_t vnext, cnext, vsop = ~0u;
static bool vgen, cgen;

static void vw(uint32_t off, uint32_t v) { *(volatile uint32_t *)(bar1 + off) = v; }
static uint32_t vr(uint32_t off) { return *(volatile uint32_t *)(bar1 + off); }

/* DriverShared and the queue table as vmxnet3_setup_driver_shared() fills them. */
static void vmxnet3_tables(uint32_t tx_size, uint32_t qdesc)
{
	zero(shared, sizeof(shared));
	zero(qtable, sizeof(qtable));
	put32(shared + 0, V_MAGIC);
	put64(shared + 40, qdesc);		/* queueDescPA */
	put32(shared + 52, sizeof(qtable));	/* queueDescLen */
	put32(shared + 56, 1500);		/* mtu */
	shared[62] = 1;				/* numTxQueues */
	shared[63] = 1;				/* numRxQueues */
	put32(shared + 120, 0x5);		/* rxMode: unicast, broadcast */
	put64(qtable + 16, (uint32_t)tx_ring);
	put64(qtable + 32, (uint32_t)comp_ring);
	put32(qtable + 56, tx_size);
	put32(qtable + 64, 2 * RING);
	put64(qtable + 256 + 16, (uint32_t)rx_ring);
	put64(qtable + 256 + 24, outside(0));	/* ring 1: never used */
	put64(qtable + 256 + 32, (uint32_t)rx_comp);
	put32(qtable + 256 + 56, RING);
	put32(qtable + 256 + 60, RING);
	put32(qtable + 256 + 64, 2 * RING);
}

/* RESET_DEV, then ACTIVATE_DEV with DriverShared at ds; CMD's answer. */
static uint32_t vmxnet3_activate(uint32_t ds)
{
	vw(V_CMD, V_RESET);
	zero(tx_ring, sizeof(tx_ring));
	zero(comp_ring, sizeof(comp_ring));
	zero(rx_comp, sizeof(rx_comp));
	zero(rx_ring, sizeof(rx_ring));
	for (int i = 0; i < RING; i++) {	/* owned by the device; half outside RAM */
		put64(rx_ring + 16 * i, i & 1 ? outside(i / 2) : (uint32_t)rx_buf);
		put32(rx_ring + 16 * i + 8, 1536 | 1u << 31);
	}
	vnext = cnext = 0;
	vsop = ~0u;
	vgen = cgen = true;
	vw(V_DSAL, ds);
	vw(V_DSAH, 0);
	vw(V_CMD, V_ACTIVATE);
	return vr(V_CMD);
}

static void vmxnet3_setup(void)
{
	uint32_t lo, hi;

	vw(V_VRRS, 1);
	vw(V_UVRS, 1);
	lo = vr(V_MACL);
	hi = vr(V_MACH);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(i < 4 ? lo >> 8 * i : hi >> 8 * (i - 4));
	vmxnet3_tables(RING, (uint32_t)qtable);
	vmxnet3_activate((uint32_t)shared);
}

/*
 * The next descriptor, handed over by its generation bit; the first one
 * since the last doorbell is handed over last, by vmxnet3_kick(), as
 * Linux's driver hands over a packet's SOP: the device also walks the
 * ring without a doorbell (vmxnet3_poll()), and a chain it found half
 * written would stop the queue (no EOP among the descriptors it owns).
 */
static void vmxnet3_desc(uint64_t addr, uint32_t dw2, uint32_t dw3)
{
	uint8_t *d = tx_ring + 16 * vnext;
	bool gen = vgen;

	if (vsop == ~0u) {
		vsop = vnext;
		gen = !gen;
	}
	put64(d, addr);
	put32(d + 12, dw3);
	put32(d + 8, (dw2 & ~V_GEN) | (gen ? V_GEN : 0));
	if (++vnext == RING) {
		vnext = 0;
		vgen = !vgen;
	}
}

/*
 * Ring the doorbell and take the completions; true when the queue is
 * still running, false when it stopped (the driver then resets it).
 */
static bool vmxnet3_kick(void)
{
	if (vsop != ~0u) {
		__asm__ volatile("" : : : "memory");
		tx_ring[16 * vsop + 9] ^= (uint8_t)(V_GEN >> 8);	/* dword 2, bit 14 */
		vsop = ~0u;
	}
	__asm__ volatile("" : : : "memory");
	vw(V_TXPROD, vnext);
	while (!!(get32(comp_ring + 16 * cnext + 12) & 1u << 31) == cgen)
		if (++cnext == 2 * RING) {
			cnext = 0;
			cgen = !cgen;
		}
	if (!(get32(shared + 696) & V_ECR_TQERR))
		return true;
	vw(V_ECR, V_ECR_TQERR);
	put32(shared + 696, 0);
	return false;
}

/* One well-formed 60-byte frame; true when it completed. */
static bool vmxnet3_good(void)
{
	uint32_t before = cnext;

	make_frame(60, TO_NOBODY);
	vmxnet3_desc((uint32_t)frame, 60, V_EOP | V_CQ);
	return vmxnet3_kick() && cnext != before;
}

static bool vmxnet3_round(uint32_t round)
{
	bool ok = true;

	/* frames to the peer, while our receive ring is garbage */
	garbage_rx_ring();
	make_frame(1514, TO_PEER);
	for (uint32_t i = 0; i < PEER_FRAMES; i++)
		vmxnet3_desc((uint32_t)frame, 60 + i * 207, V_EOP | V_CQ);
	ok &= vmxnet3_kick();

	/* buffers outside RAM; lengths 0 (16 KiB) and 16383 */
	vmxnet3_desc(outside(round), 1514, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 100, 0);
	vmxnet3_desc(outside(round + 1), 100, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 0, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 0x3fff, V_EOP | V_CQ);
	ok &= vmxnet3_kick();
	/* runts, oversized frames from our own MAC, a tag past 1518 */
	make_frame(9000, TO_NOBODY);
	vmxnet3_desc((uint32_t)frame, 5, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 13, V_EOP | V_CQ | V_TI);
	vmxnet3_desc((uint32_t)frame, 1600, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 8000, 0);
	vmxnet3_desc((uint32_t)frame, 1000, V_EOP | V_CQ);
	vmxnet3_desc((uint32_t)frame, 1516, V_EOP | V_CQ | V_TI | 5u << 16);
	ok &= vmxnet3_kick();
	/* TSO: MSS 1 and 0, header lengths 1023 and 0; checksum offsets past the end */
	vmxnet3_desc((uint32_t)frame, 9000 | 1u << 18, V_EOP | V_CQ | V_OM_TSO | 54);
	vmxnet3_desc((uint32_t)frame, 9000, V_EOP | V_CQ | V_OM_TSO | 1023);
	vmxnet3_desc((uint32_t)frame, 9000 | 0x3fffu << 18, V_EOP | V_CQ | V_OM_TSO);
	vmxnet3_desc((uint32_t)frame, 60 | 0x3fffu << 18, V_EOP | V_CQ | V_OM_CSUM | 1000);
	ok &= vmxnet3_kick();
	/* a chain with no EOP around the whole ring: the queue stops */
	for (int i = 0; i < RING; i++)
		vmxnet3_desc((uint32_t)frame, 64, 0);
	if (vmxnet3_kick())
		ok = false;
	vmxnet3_activate((uint32_t)shared);
	/* random descriptors, frames of random bits: may stop the queue */
	make_frame(sizeof(frame), RANDOM);
	for (int i = 0; i < RING; i++) {
		uint32_t addr = i & 1 ? (uint32_t)frame + (rand32(&seed) & 0x3fff) : rand32(&seed);

		vmxnet3_desc(addr, rand32(&seed) & ~(0xfu << 14 | 0x3ff0u), rand32(&seed));
	}
	vmxnet3_kick();
	/* absurd setups: each ACTIVATE_DEV must be refused */
	ok &= vmxnet3_activate(outside(round)) == 1;		/* DriverShared outside RAM */
	vmxnet3_tables(RING, outside(round));			/* queue table outside RAM */
	ok &= vmxnet3_activate((uint32_t)shared) == 1;
	vmxnet3_tables(0, (uint32_t)qtable);
	ok &= vmxnet3_activate((uint32_t)shared) == 1;
	vmxnet3_tables(RING + 1, (uint32_t)qtable);
	ok &= vmxnet3_activate((uint32_t)shared) == 1;
	vmxnet3_tables(8192, (uint32_t)qtable);
	ok &= vmxnet3_activate((uint32_t)shared) == 1;
	/* a ring outside RAM is taken at activation and stops the queue at the doorbell */
	vmxnet3_tables(RING, (uint32_t)qtable);
	put64(qtable + 16, outside(round % 3));	/* wholly outside */
	ok &= vmxnet3_activate((uint32_t)shared) == 0;
	vw(V_TXPROD, 1);
	ok &= (get32(shared + 696) & V_ECR_TQERR) != 0;
	vmxnet3_tables(RING, (uint32_t)qtable);
	ok &= vmxnet3_activate((uint32_t)shared) == 0;	/* the driver's reset */
	return vmxnet3_good() && ok;
}

void guest_main(uint32_t magic, const void *mbi)
{
	const struct mb_info *info = mbi;
	uint32_t id, rounds, good = 0;
	const char *dev;

	(void)magic;
	serial_init();
	if (info && (info->flags & MB_INFO_MEM))
		ram_end = 0x100000u + info->mem_upper * 1024u;
	rounds = cmdline_number(info, "rounds", 40);
	id = find_nic();
	if (!id) {
		puts("hostile_nic: FAILED: no e1000 or vmxnet3 on PCI bus 0\n");
		power_off();
	}
	dev = id == PCI_ID_E1000 ? "e1000" : "vmxnet3";
	puts("hostile_nic: ");
	puts(dev);
	puts(" start\n");
	if (id == PCI_ID_E1000)
		e1000_setup();
	else
		vmxnet3_setup();
	for (uint32_t r = 1; r <= rounds; r++) {
		bool ok = id == PCI_ID_E1000 ? e1000_round(r) : vmxnet3_round(r);

		good += ok;
		if (!ok || r % (rounds / 10 ? rounds / 10 : 1) == 0) {
			puts("hostile_nic: ");
			puts(dev);
			puts(" round ");
			putu(r);
			puts(ok ? " ok\n" : " WRONG\n");
		}
	}
	puts("hostile_nic: ");
	puts(dev);
	puts(good == rounds ? " passed " : " FAILED ");
	putu(good);
	puts(" of ");
	putu(rounds);
	puts(" rounds\n");
	if (cmdline_number(info, "hold", 0))
		for (;;)
			__asm__ volatile("cli; hlt");
	power_off();
}
