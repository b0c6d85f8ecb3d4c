// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_garbage_code: a guest that executes random bytes. Each round fills
 * a page with xorshift garbage and jumps into it with interrupts on and the
 * PIT ticking at 100 Hz; every vector of the IDT (exceptions, the timer,
 * anything else) leads back to a fresh stack and the next round, so a
 * round that loops ends at the next tick (one that runs CLI first does not:
 * such a VM stays busy until killed). The garbage can do anything a guest can:
 * fault, halt, reprogram devices, overwrite this kernel, load a bad IDT and
 * triple-fault. Whatever it does must end or error only this VM. After
 * GARBAGE_ROUNDS rounds it powers off by itself. "seed=N" on the command
 * line picks other garbage.
 */
#include "guest.h"

#define GARBAGE_ROUNDS	5000
#define IDT_VECTORS	256
#define GATE_INT32	0x8e	/* present, DPL 0, 32-bit interrupt gate (SDM vol. 3A §6.11) */
#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182u	/* 8254 input clock */
#define TICK_HZ		100

struct __attribute__((packed)) idt_entry {
	uint16_t offset_lo, selector;
	uint8_t zero, type;
	uint16_t offset_hi;
};

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

static struct idt_entry idt[IDT_VECTORS];
static uint8_t garbage[4096] __attribute__((aligned(4096)));
static volatile uint32_t round;
static uint32_t seed_base = 0x9e3779b9u;

void garbage_round(void) __attribute__((noreturn));
void garbage_trap_stub(void);

/* Any vector: cli, a fresh stack, the next round (frames are dropped). */
__asm__(".text\n"
	".globl garbage_trap_stub\n"
	"garbage_trap_stub:\n"
	"	cli\n"
	"	movl $guest_stack_top, %esp\n"
	"	call garbage_round\n");

static void idt_init(void)
{
	uint32_t stub = (uint32_t)garbage_trap_stub;
	uint16_t cs;
	struct dtr d = { sizeof(idt) - 1, (uint32_t)idt };

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < IDT_VECTORS; v++) {
		idt[v].offset_lo = (uint16_t)stub;
		idt[v].offset_hi = (uint16_t)(stub >> 16);
		idt[v].selector = cs;
		idt[v].zero = 0;
		idt[v].type = GATE_INT32;
	}
	__asm__ volatile("lidt %0" : : "m"(d));
}

/* 8259A: ICW1-4, master at vector 0x20, only IRQ 0 unmasked; 8254 channel 0
 * in mode 2 (rate generator) at TICK_HZ. */
static void timer_init(void)
{
	uint16_t div = PIT_HZ / TICK_HZ;

	outb(PIC1_CMD, 0x11);
	outb(PIC1_DATA, 0x20);
	outb(PIC1_DATA, 0x04);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, 0x28);
	outb(PIC2_DATA, 0x02);
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xfe);
	outb(PIC2_DATA, 0xff);
	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, (uint8_t)div);
	outb(PIT_CH0, (uint8_t)(div >> 8));
}

void garbage_round(void)
{
	uint32_t seed = seed_base * (round + 1);
	uint32_t n = ++round;

	if (n > GARBAGE_ROUNDS) {
		serial_init();
		puts("hostile_garbage_code: survived ");
		putu(GARBAGE_ROUNDS);
		puts(" rounds, powering off\n");
		power_off();
	}
	outb(PIC1_CMD, PIC_EOI);	/* in case a timer tick brought us here */
	puts("hostile_garbage_code: round ");
	putu(n);
	puts("\n");
	/* The garbage may have overwritten the IDT, the IDTR, PIC or PIT. */
	idt_init();
	timer_init();
	for (unsigned int i = 0; i < sizeof(garbage); i += 4) {
		uint32_t r = rand32(&seed);

		garbage[i] = (uint8_t)r;
		garbage[i + 1] = (uint8_t)(r >> 8);
		garbage[i + 2] = (uint8_t)(r >> 16);
		garbage[i + 3] = (uint8_t)(r >> 24);
	}
	__asm__ volatile("sti; jmp *%0" : : "r"(garbage + (seed & 0xfff)));
	__builtin_unreachable();
}

void guest_main(uint32_t magic, const void *mbi_arg)
{
	const struct mb_info *mbi = mbi_arg;

	(void)magic;
	serial_init();
	seed_base = 0x9e3779b9u ^ (cmdline_number(mbi, "seed", 0) * 0x85ebca6bu);
	puts("hostile_garbage_code: executing random bytes, seed base ");
	putx(seed_base);
	puts("\n");
	garbage_round();
}
