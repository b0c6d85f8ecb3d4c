// SPDX-License-Identifier: GPL-2.0-only
/*
 * mbtest: a Multiboot v1 test kernel. It checks what a Multiboot loader and
 * a PC platform must give it (the info structure, the PIT, the PIC, the
 * RTC), prints its findings and "mbtest: PASS" or "mbtest: FAIL ..." on
 * COM1, and powers the machine off through PM1a (port 0x604, SLP_EN with
 * S5 = type 0: QEMU's PIIX4 and vmk's vmm/dev/power.c agree).
 *
 * It prints each module's string, size and first line too.
 *
 * With "idle" on its command line it stays up instead: halted, woken by
 * the PIT at its slowest rate (about 18 Hz), printing "mbtest: idle N"
 * every IDLE_REPORT_TICKS ticks, a cheap guest for tests that run many VMs.
 */
#include <stdbool.h>
#include <stdint.h>

#define MB_LOADER_MAGIC	0x2badb002u
#define MBI_F_MEM	0x001
#define MBI_F_CMDLINE	0x004
#define MBI_F_MODS	0x008
#define MBI_F_MMAP	0x040
#define E820_RAM	1
#define KERNEL_BASE	0x100000u

#define COM1		0x3f8
#define UART_LSR_THRE	0x20
#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20
#define IRQ0_VECTOR	0x20
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182u
#define TICK_HZ		100u
#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define RTC_SECONDS	0x00
#define RTC_REG_A	0x0a
#define RTC_REG_B	0x0b
#define RTC_REG_D	0x0d
#define RTC_A_UIP	0x80
#define RTC_B_BINARY	0x04
#define RTC_D_VRT	0x80
#define PM1A_CNT	0x604
#define PM1_SLP_EN_S5	0x2000
#define PIT_SLOWEST	0		/* divisor 65536: 18.2 Hz */
#define IDLE_REPORT_TICKS 182		/* about 10 s */

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_entry idt[256];
static volatile uint32_t ticks;
static unsigned int failures;

void mbtest_main(uint32_t magic, const struct mb_info *mbi);
void mbtest_timer_tick(void);
void mbtest_unexpected(void);
void mbtest_timer_stub(void);
void mbtest_unexpected_stub(void);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc(char c)
{
	/* bounded: a missing UART must not hang the test */
	for (unsigned int i = 0; i < 100000 && !(inb(COM1 + 5) & UART_LSR_THRE); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void putu(uint32_t v)
{
	char buf[11];
	int i = 10;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(buf + i);
}

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	failures++;
	puts("mbtest: FAIL ");
	puts(what);
	puts("\n");
}

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0x07);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR RTS */
}

static __attribute__((noreturn)) void power_off(void)
{
	outw(PM1A_CNT, PM1_SLP_EN_S5);
	/* no fallback: a poweroff that fails shows as a hang, not a reset */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void mbtest_unexpected(void)
{
	puts("mbtest: FAIL unexpected exception or interrupt\n");
	power_off();
}

void mbtest_timer_tick(void)
{
	ticks++;
	outb(PIC1_CMD, PIC_EOI);
}

static void set_gate(unsigned int vec, void (*fn)(void), uint16_t cs)
{
	uint32_t a = (uint32_t)fn;

	idt[vec].off_lo = (uint16_t)a;
	idt[vec].off_hi = (uint16_t)(a >> 16);
	idt[vec].sel = cs;
	idt[vec].zero = 0;
	idt[vec].type = 0x8e;	/* present, DPL 0, 32-bit interrupt gate */
}

static void idt_init(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, mbtest_unexpected_stub, cs);
	set_gate(IRQ0_VECTOR, mbtest_timer_stub, cs);
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* 8259A: vectors 0x20/0x28, only IRQ 0 unmasked. */
static void pic_init(void)
{
	outb(PIC1_CMD, 0x11);
	outb(PIC1_DATA, IRQ0_VECTOR);
	outb(PIC1_DATA, 0x04);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, IRQ0_VECTOR + 8);
	outb(PIC2_DATA, 0x02);
	outb(PIC2_DATA, 0x01);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_DATA, 0xfe);
}

static uint16_t pit_read_ch0(void)
{
	uint8_t lo;

	outb(PIT_CMD, 0x00);	/* latch channel 0 */
	lo = inb(PIT_CH0);
	return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

/* Each module: its string, its size and its first line (printable, at most 40 bytes). */
static void print_modules(const struct mb_info *mbi)
{
	const struct mb_module *m = (const void *)mbi->mods_addr;

	for (uint32_t i = 0; i < mbi->mods_count && i < 8; i++) {
		const char *p = (const char *)m[i].start;
		uint32_t len = m[i].end - m[i].start;

		puts("mbtest: module ");
		putu(i);
		puts(" '");
		puts((const char *)m[i].string);
		puts("' ");
		putu(len);
		puts(" bytes: ");
		for (uint32_t n = 0; n < len && n < 40 && p[n] >= ' ' && p[n] <= '~'; n++)
			putc(p[n]);
		puts("\n");
	}
}

static void check_multiboot(uint32_t magic, const struct mb_info *mbi)
{
	bool kernel_in_ram = false;

	check(magic == MB_LOADER_MAGIC, "EAX is not the Multiboot loader magic");
	if (magic != MB_LOADER_MAGIC)
		return;
	check(mbi->flags & MBI_F_MEM, "no mem_lower/mem_upper in the info");
	check(mbi->mem_lower >= 512 && mbi->mem_lower <= 640,
	      "mem_lower not in 512..640 KiB");
	check(mbi->mem_upper >= 8192, "mem_upper below 8 MiB");
	puts("mbtest: mem_lower ");
	putu(mbi->mem_lower);
	puts(" KiB, mem_upper ");
	putu(mbi->mem_upper);
	puts(" KiB\n");
	if (mbi->flags & MBI_F_CMDLINE) {
		puts("mbtest: cmdline '");
		puts((const char *)mbi->cmdline);
		puts("'\n");
	}
	if (mbi->flags & MBI_F_MODS)
		print_modules(mbi);
	check(mbi->flags & MBI_F_MMAP, "no memory map in the info");
	if (!(mbi->flags & MBI_F_MMAP))
		return;
	for (uint32_t off = 0; off < mbi->mmap_length;) {
		const struct mb_mmap *e = (const void *)(mbi->mmap_addr + off);

		if (e->type == E820_RAM && e->addr <= KERNEL_BASE &&
		    e->addr + e->len > KERNEL_BASE)
			kernel_in_ram = true;
		off += e->size + 4;
	}
	check(kernel_in_ram, "memory map has no RAM at 1 MiB");
}

static bool wait_ticks(uint32_t n)
{
	uint32_t start = ticks;

	for (uint32_t spin = 0; spin < 400000000u; spin++)
		if (ticks - start >= n)
			return true;
	return false;
}

static void check_pit_pic(void)
{
	uint16_t a, b;

	idt_init();
	pic_init();
	outb(PIT_CMD, 0x34);	/* channel 0, LSB/MSB, mode 2 */
	outb(PIT_CH0, (uint8_t)(PIT_HZ / TICK_HZ));
	outb(PIT_CH0, (uint8_t)((PIT_HZ / TICK_HZ) >> 8));
	a = pit_read_ch0();
	for (volatile int i = 0; i < 10000; i++)
		;
	b = pit_read_ch0();
	check(a != b, "PIT channel 0 count does not change");
	__asm__ volatile("sti");
	check(wait_ticks(10), "no IRQ 0 from the PIT through the PIC");
	puts("mbtest: ");
	putu(ticks);
	puts(" PIT ticks\n");
}

static uint8_t cmos(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

static uint8_t rtc_seconds(void)
{
	/* wait out an update in progress (MC146818: UIP precedes the update) */
	for (unsigned int i = 0; i < 100000 && (cmos(RTC_REG_A) & RTC_A_UIP); i++)
		;
	return cmos(RTC_SECONDS);
}

static void check_rtc(void)
{
	uint8_t s0 = rtc_seconds(), s;
	bool binary = cmos(RTC_REG_B) & RTC_B_BINARY;
	uint32_t start = ticks;

	check(cmos(RTC_REG_D) & RTC_D_VRT, "RTC register D: VRT clear");
	check(binary ? s0 < 60 : ((s0 & 0xf) <= 9 && (s0 >> 4) <= 5),
	      "RTC seconds register not a valid time");
	do {
		s = rtc_seconds();
	} while (s == s0 && ticks - start < 3 * TICK_HZ);
	check(s != s0, "RTC seconds did not advance in 3 s of PIT time");
}

static bool cmdline_has(const struct mb_info *mbi, const char *word)
{
	const char *s = (const char *)mbi->cmdline;
	uint32_t n;

	if (!(mbi->flags & MBI_F_CMDLINE))
		return false;
	for (; *s; s++) {
		for (n = 0; word[n] && s[n] == word[n]; n++)
			;
		if (!word[n])
			return true;
	}
	return false;
}

static __attribute__((noreturn)) void idle(void)
{
	uint32_t next = ticks + IDLE_REPORT_TICKS;

	outb(PIT_CMD, 0x34);	/* channel 0, LSB/MSB, mode 2 */
	outb(PIT_CH0, PIT_SLOWEST);
	outb(PIT_CH0, PIT_SLOWEST);
	for (uint32_t n = 1;; n++) {
		while ((int32_t)(ticks - next) < 0)
			__asm__ volatile("sti; hlt; cli");
		next += IDLE_REPORT_TICKS;
		puts("mbtest: idle ");
		putu(n);
		puts("\n");
	}
}

void mbtest_main(uint32_t magic, const struct mb_info *mbi)
{
	serial_init();
	puts("mbtest: start\n");
	check_multiboot(magic, mbi);
	check_pit_pic();
	check_rtc();
	__asm__ volatile("cli");
	if (failures) {
		puts("mbtest: FAIL (");
		putu(failures);
		puts(" checks)\n");
	} else {
		puts("mbtest: PASS\n");
	}
	if (magic == MB_LOADER_MAGIC && cmdline_has(mbi, "idle"))
		idle();
	power_off();
}
