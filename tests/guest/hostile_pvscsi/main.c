// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_pvscsi: a guest that drives its PVSCSI adapter (scsi0, target 0
 * a disk) with requests a driver should never send, polled, interrupts
 * off. Each case prints "hostile_pvscsi: NAME host=H scsi=S key=K ok" or
 * "... WRONG"; a LBA past the end must get CHECK CONDITION/ILLEGAL
 * REQUEST, data or SG lists outside guest RAM and absurd lengths an
 * adapter error status, an absent target a selection timeout, a ring
 * page outside RAM must stop the adapter until it is reset. Rings full
 * of the largest READs, one kick each ("flood posted" first, so the COS
 * can be asked meanwhile), must all complete, in order. Between the
 * cases a write and read-back of the disk's last block must work. At
 * the end "hostile_pvscsi: passed N of N cases as expected" (or FAILED
 * K of N) and power off.
 * Where the platform puts the adapter: vmkernel/vm/vm_disk.c.
 */
#include "guest.h"

#define BAR			0xfebf0000u
#define REG_COMMAND		0x0000
#define REG_COMMAND_DATA	0x0004
#define REG_COMMAND_STATUS	0x0008
#define REG_INTR_MASK		0x2010
#define REG_KICK_RW_IO		0x4018
#define CMD_ADAPTER_RESET	1
#define CMD_SETUP_RINGS		3
#define FLAG_SG_LIST		0x01
#define FLAG_TOHOST		0x08
#define FLAG_TODEVICE		0x10
#define BT_SUCCESS		0x00
#define BT_SELTIMEO		0x11
#define BT_DATARUN		0x12
#define BT_INVPARAM		0x1a
#define OUTSIDE_RAM		0xf0000000u	/* 16 MiB of RAM; no device there */
#define FLOOD_BUF		0x800000u	/* 8-12 MiB: RAM nothing else uses */
#define FLOOD_BLOCKS		8192u		/* the disk's largest transfer */
#define RING_ENTRIES		32		/* one page of 128-byte requests */
#define FLOOD_ROUNDS		8		/* 1 GiB: the lab's LUN 0 once */

static uint8_t state[4096] __attribute__((aligned(4096)));
static uint8_t req_ring[4096] __attribute__((aligned(4096)));
static uint8_t cmp_ring[4096] __attribute__((aligned(4096)));
static uint8_t sg_page[4096] __attribute__((aligned(4096)));
static uint8_t data[4096] __attribute__((aligned(4096)));
static uint8_t sense[32];
static uint32_t cases, good, cmp_cons;
static uint64_t last_lba;

static void wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(BAR + off) = v; }
static uint32_t rd(uint32_t off) { return *(volatile uint32_t *)(BAR + off); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> 8 * i); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* SETUP_RINGS, one page each; state_ppn/req_ppn as given (hostile or not). */
static uint32_t setup_rings(uint32_t state_ppn, uint32_t req_ppn)
{
	uint32_t w[132] = { 1, 1, state_ppn, 0 };

	w[4] = req_ppn;				/* reqRingPPNs[0] */
	w[4 + 64] = (uint32_t)cmp_ring >> 12;	/* cmpRingPPNs[0] */
	wr(REG_COMMAND, CMD_SETUP_RINGS);
	for (int i = 0; i < 132; i++)
		wr(REG_COMMAND_DATA, w[i]);
	cmp_cons = 0;
	return rd(REG_COMMAND_STATUS);
}

struct result { bool completed; uint32_t host, scsi, key; };

static struct result issue(uint8_t target, const uint8_t *cdb, uint8_t cdb_len,
			   uint64_t addr, uint64_t len, uint32_t flags);

/* Reset, rings, and a TEST UNIT READY that takes the disk's UNIT ATTENTION. */
static void reset_adapter(void)
{
	static const uint8_t tur[6];

	wr(REG_COMMAND, CMD_ADAPTER_RESET);
	wr(REG_INTR_MASK, 0);
	setup_rings((uint32_t)state >> 12, (uint32_t)req_ring >> 12);
	issue(0, tur, 6, 0, 0, 0);
}

/* Put a request in the ring and publish it (reqProdIdx); no kick. */
static void post(uint8_t target, const uint8_t *cdb, uint8_t cdb_len,
		 uint64_t addr, uint64_t len, uint32_t flags)
{
	uint32_t prod = get32(state + 0);
	uint8_t *d = req_ring + (prod % RING_ENTRIES) * 128;

	for (int i = 0; i < 128; i++)
		d[i] = 0;
	for (unsigned int i = 0; i < sizeof(sense); i++)
		sense[i] = 0;
	put64(d + 0, prod + 1);			/* context */
	put64(d + 8, addr);
	put64(d + 16, len);
	put64(d + 24, (uint32_t)sense);
	put32(d + 32, sizeof(sense));
	put32(d + 36, flags);
	for (int i = 0; i < cdb_len; i++)
		d[40 + i] = cdb[i];
	d[56] = cdb_len;
	d[67] = target;
	put32(state + 0, prod + 1);		/* reqProdIdx */
}

/* Polls for one request's completion before it says none came. */
#define ISSUE_SPINS	(1u << 25)

/* One request at target with cdb, data at addr/len, flags; polled. */
static struct result issue(uint8_t target, const uint8_t *cdb, uint8_t cdb_len,
			   uint64_t addr, uint64_t len, uint32_t flags)
{
	struct result r = { false, 0, 0, 0 };
	uint8_t *d;

	post(target, cdb, cdb_len, addr, len, flags);
	wr(REG_KICK_RW_IO, 0);
	/*
	 * The vmkernel completes asynchronously (its storage world runs the
	 * I/O): wait for cmpProdIdx, a few seconds at most under TCG.
	 */
	for (uint32_t spins = 0; get32(state + 12) == cmp_cons; spins++) {
		if (spins == ISSUE_SPINS)
			return r;		/* nothing came */
		__asm__ volatile("pause");
	}
	r.completed = true;
	d = cmp_ring + (cmp_cons & 127) * 32;
	r.host = d[20] | d[21] << 8;
	r.scsi = d[22] | d[23] << 8;
	r.key = sense[2] & 0xf;
	put32(state + 16, ++cmp_cons);		/* cmpConsIdx */
	return r;
}

static void report(const char *name, struct result r, bool ok)
{
	cases++;
	good += ok;
	puts("hostile_pvscsi: ");
	puts(name);
	puts(r.completed ? " host=" : " (no completion) host=");
	putx(r.host);
	puts(" scsi=");
	putx(r.scsi);
	puts(" key=");
	putx(r.key);
	puts(ok ? " ok\n" : " WRONG\n");
}

static void rw16(uint8_t *cdb, bool write, uint64_t lba, uint32_t nr)
{
	cdb[0] = write ? 0x8a : 0x88;
	for (int i = 0; i < 8; i++)
		cdb[2 + i] = (uint8_t)(lba >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		cdb[10 + i] = (uint8_t)(nr >> (24 - 8 * i));
}

/* The last block: write a pattern, read it back; true when equal. */
static void round_trip(const char *name, uint32_t seed)
{
	uint8_t cdb[16] = { 0 };
	struct result w, r;
	uint32_t s = seed;
	bool same = true;

	for (int i = 0; i < 512; i++)
		data[i] = (uint8_t)rand32(&s);
	rw16(cdb, true, last_lba, 1);
	w = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TODEVICE);
	for (int i = 0; i < 512; i++)
		data[i] = 0;
	rw16(cdb, false, last_lba, 1);
	r = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TOHOST);
	s = seed;
	for (int i = 0; i < 512; i++)
		same &= data[i] == (uint8_t)rand32(&s);
	report(name, r, w.completed && r.completed && !w.host && !w.scsi &&
	       !r.host && !r.scsi && same);
}

/*
 * FLOOD_ROUNDS times a full ring of 4 MiB READs (128 MiB of disk I/O)
 * and one kick: the vmkernel takes them in batches, answering the COS
 * between them; all complete successfully, in ring order.
 */
static void flood(void)
{
	uint8_t cdb[16] = { 0 };
	struct result r = { true, 0, 0, 0 };
	bool ok = true;

	puts("hostile_pvscsi: flood posted\n");
	for (uint32_t round = 0; round < FLOOD_ROUNDS; round++) {
		uint32_t first = get32(state + 0);

		for (uint32_t i = 0; i < RING_ENTRIES; i++) {
			rw16(cdb, false, (uint64_t)(round * RING_ENTRIES + i) * FLOOD_BLOCKS,
			     FLOOD_BLOCKS);
			post(0, cdb, 16, FLOOD_BUF, FLOOD_BLOCKS * 512u, FLAG_TOHOST);
		}
		wr(REG_KICK_RW_IO, 0);
		while (get32(state + 12) - cmp_cons < RING_ENTRIES)
			__asm__ volatile("pause");
		for (uint32_t done = 0; done < RING_ENTRIES; done++) {
			const uint8_t *d = cmp_ring + (cmp_cons++ & 127) * 32;

			r.host |= d[20] | d[21] << 8;
			r.scsi |= d[22] | d[23] << 8;
			ok &= get32(d) == first + done + 1 &&		/* context */
			      get32(d + 8) == FLOOD_BLOCKS * 512u;	/* data length */
		}
		put32(state + 16, cmp_cons);	/* cmpConsIdx */
	}
	report("flood-of-4mib-reads", r, ok && !r.host && !r.scsi);
}

void guest_main(uint32_t magic, const void *mbi)
{
	uint8_t cdb[16] = { 0 };
	struct result r;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("hostile_pvscsi: start\n");
	reset_adapter();
	cdb[0] = 0x25;				/* READ CAPACITY(10) */
	r = issue(0, cdb, 10, (uint32_t)data, 8, FLAG_TOHOST);
	last_lba = (uint32_t)(data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3]);
	report("read-capacity", r, r.completed && !r.host && !r.scsi && last_lba);
	round_trip("round-trip", 1);

	rw16(cdb, false, last_lba + 1, 1);
	r = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TOHOST);
	report("lba-past-the-end", r, r.completed && !r.host && r.scsi == 2 && r.key == 5);
	rw16(cdb, true, ~0ull - 1, 2);
	r = issue(0, cdb, 16, (uint32_t)data, 1024, FLAG_TODEVICE);
	report("lba-wraps", r, r.completed && !r.host && r.scsi == 2 && r.key == 5);

	rw16(cdb, false, 0, 1);
	r = issue(0, cdb, 16, OUTSIDE_RAM, 512, FLAG_TOHOST);
	report("data-outside-ram", r, r.completed && r.host == BT_INVPARAM);
	rw16(cdb, true, 0, 8);
	r = issue(0, cdb, 16, 0xfffffe00u, 4096, FLAG_TODEVICE);
	report("data-wraps-4g", r, r.completed && r.host != BT_SUCCESS);
	r = issue(0, cdb, 16, (uint32_t)sg_page + 4096 * 4096u, 4096, FLAG_TODEVICE | FLAG_SG_LIST);
	report("sg-list-outside-ram", r, r.completed && r.host == BT_INVPARAM);
	put64(sg_page, OUTSIDE_RAM);
	put32(sg_page + 8, 4096);
	put32(sg_page + 12, 0);
	r = issue(0, cdb, 16, (uint32_t)sg_page, 4096, FLAG_TODEVICE | FLAG_SG_LIST);
	report("sg-element-outside-ram", r, r.completed && r.host == BT_INVPARAM);
	rw16(cdb, false, 0, 8192);
	r = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TOHOST);
	report("transfer-beyond-buffer", r, r.completed && r.host == BT_DATARUN);
	rw16(cdb, false, 0, 0x7fffffff);
	r = issue(0, cdb, 16, (uint32_t)data, ~0ull, FLAG_TOHOST);
	report("absurd-lengths", r, r.completed && (r.host || r.scsi == 2));
	cdb[0] = 0xff;
	r = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TOHOST);
	report("garbage-opcode", r, r.completed && !r.host && r.scsi == 2 && r.key == 5);
	cdb[0] = 0x00;
	r = issue(9, cdb, 6, 0, 0, 0);
	report("absent-target", r, r.completed && r.host == BT_SELTIMEO);
	round_trip("round-trip-after-errors", 2);

	/* A request ring outside RAM: the adapter stops, answers nothing. */
	setup_rings((uint32_t)state >> 12, OUTSIDE_RAM >> 12);
	rw16(cdb, false, 0, 1);
	r = issue(0, cdb, 16, (uint32_t)data, 512, FLAG_TOHOST);
	report("ring-outside-ram", r, !r.completed);
	r.completed = setup_rings(OUTSIDE_RAM >> 12, (uint32_t)req_ring >> 12) == 0;
	report("state-page-outside-ram", r, !r.completed);
	reset_adapter();
	round_trip("round-trip-after-reset", 3);
	if (last_lba >= (uint64_t)FLOOD_ROUNDS * RING_ENTRIES * FLOOD_BLOCKS - 1) {
		flood();
		round_trip("round-trip-after-flood", 4);
	}

	puts(good == cases ? "hostile_pvscsi: passed " : "hostile_pvscsi: FAILED ");
	putu(good);
	puts(" of ");
	putu(cases);
	puts(" cases as expected\n");
	power_off();
}
