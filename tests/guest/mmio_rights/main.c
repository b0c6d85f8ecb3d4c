// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio_rights: the MMIO emulator must honour the guest's own page
 * protections (issue 9 item 8). The guest sets up 32-bit paging, a GDT
 * with ring 3 segments, a TSS and an IDT, then runs instructions whose
 * MMIO side makes vmk emulate them (TCG has no decode assists) while
 * their other side is a page the guest's MMU refuses:
 *
 *  - MOVSL from the IOAPIC's IOWIN (an NPF exit on the load) to a
 *    supervisor-only page and to a read-only page, at CPL 3, and to the
 *    read-only page at CPL 0 with CR0.WP=1: #PF with error code 7 (P,
 *    W/R, U/S) or 3, CR2 = the destination, the page unchanged;
 *  - the same to a user page (CPL 3) and to the read-only page at CPL 0
 *    with CR0.WP=0: no fault, the IOAPIC version arrives;
 *  - a 4-byte store at CPL 3 that starts 2 bytes before the end of the
 *    user IOAPIC mapping and ends on a supervisor-only page: #PF 7 with
 *    CR2 = the second page (each page of the access is translated);
 *  - ADD to the IOAPIC through a user read-only mapping at CPL 3 (TCG
 *    exits on the read): #PF 7, the read of a read-modify-write is
 *    checked as a write.
 *
 * Each check prints a line; the last line says how many passed. Then the
 * guest powers itself off. Interrupts stay off throughout.
 */
#include "guest.h"

#define PAGE		0x1000u
#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER_CS		0x1b		/* GDT entry 3, RPL 3 */
#define USER_DS		0x23		/* GDT entry 4, RPL 3 */
#define TSS_SEL		0x28
#define X86_PF		14
#define X86_GP		13
#define X86_UD		6
#define SYSCALL_VEC	0x80		/* "back to ring 0" */

/* Page-table entry bits (SDM vol. 3A §4.3). */
#define PTE_P		0x001u
#define PTE_RW		0x002u
#define PTE_US		0x004u
#define CR0_WP		(1u << 16)
#define CR0_PG		(1u << 31)

#define PF_P		0x1u
#define PF_W		0x2u
#define PF_U		0x4u

/* The IOAPIC (82093AA §3.1): IOREGSEL selects, IOWIN reads the register. */
#define IOAPIC_GPA	0xfec00000u
#define IOAPIC_IOWIN	0x10
#define IOAPIC_VERSION	0x01
/* Linear windows, all inside the identity-mapped first 4 MiB. */
#define MMIO_LIN	0x00300000u	/* the IOAPIC, user, writable */
#define SUPER_AFTER	0x00301000u	/* RAM, supervisor-only, right after it */
#define MMIO_RO_LIN	0x00302000u	/* the IOAPIC again, user, read-only */

#define SENTINEL	0x5afe5afeu

static uint32_t page_dir[1024] __attribute__((aligned(PAGE)));
static uint32_t page_table[1024] __attribute__((aligned(PAGE)));
static uint32_t super_page[1024] __attribute__((aligned(PAGE)));
static uint32_t ro_page[1024] __attribute__((aligned(PAGE)));
static uint32_t user_page[1024] __attribute__((aligned(PAGE)));
uint8_t user_stack[4096] __attribute__((aligned(16)));
uint8_t ring0_stack[4096] __attribute__((aligned(16)));

static uint64_t gdt[6];
static uint64_t idt[256];
static uint32_t tss[26];	/* 104 bytes, 32-bit TSS (SDM vol. 3A §7.2.1) */

/* Written by the #PF handler; read by the checks. */
volatile uint32_t pf_count, pf_error, pf_addr, pf_cs;
/* Where the #PF handler resumes, and the ESP run_stub() returns on. */
uint32_t pf_fixup, run_saved_esp;

void pf_entry(void);
void gp_entry(void);
void ud_entry(void);
void syscall_entry(void);
void run_stub(uint32_t user, uint32_t stub, uint32_t esi, uint32_t edi,
	      uint32_t eax);
void stub_movsl(void), stub_movsl_end(void);
void stub_store(void), stub_store_end(void);
void stub_add(void), stub_add_end(void);
void unexpected(uint32_t vector, uint32_t error, uint32_t eip, uint32_t cs);

/*
 * The test instructions, each followed by INT 0x80, which returns to
 * run_stub()'s caller whatever the ring; a #PF resumes at the INT.
 * run_stub(user, stub, esi, edi, eax): DS = ES = USER_DS (usable at
 * both rings), then the stub at CPL 3 (IRET) or CPL 0 (JMP).
 */
__asm__(
	".text\n"
	".globl stub_movsl, stub_movsl_end, stub_store, stub_store_end\n"
	".globl stub_add, stub_add_end\n"
	"stub_movsl: movsl\n"
	"stub_movsl_end: int $0x80\n"
	"stub_store: movl %eax, (%edi)\n"
	"stub_store_end: int $0x80\n"
	"stub_add: addl %eax, (%edi)\n"
	"stub_add_end: int $0x80\n"

	".globl run_stub\n"
	"run_stub:\n"
	"	pushl %ebp\n"
	"	pushl %ebx\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl %esp, run_saved_esp\n"
	"	movl 20(%esp), %ecx\n"
	"	movl 24(%esp), %edx\n"
	"	movl 28(%esp), %esi\n"
	"	movl 32(%esp), %edi\n"
	"	movl 36(%esp), %eax\n"
	"	movw $0x23, %bx\n"
	"	movw %bx, %ds\n"
	"	movw %bx, %es\n"
	"	testl %ecx, %ecx\n"
	"	jz 1f\n"
	"	pushl $0x23\n"			/* SS */
	"	pushl $user_stack + 4096\n"	/* ESP */
	"	pushl $0x2\n"			/* EFLAGS: IF=0, IOPL=0 */
	"	pushl $0x1b\n"			/* CS */
	"	pushl %edx\n"			/* EIP */
	"	iret\n"
	"1:	jmp *%edx\n"

	".globl syscall_entry\n"
	"syscall_entry:\n"
	"	movw $0x10, %bx\n"
	"	movw %bx, %ds\n"
	"	movw %bx, %es\n"
	"	movl run_saved_esp, %esp\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	popl %ebx\n"
	"	popl %ebp\n"
	"	ret\n"

	/* #PF: error code on the stack, then EIP, CS, EFLAGS [, ESP, SS] */
	".globl pf_entry\n"
	"pf_entry:\n"
	"	pushl %eax\n"
	"	movl 4(%esp), %eax\n"
	"	movl %eax, pf_error\n"
	"	movl %cr2, %eax\n"
	"	movl %eax, pf_addr\n"
	"	movl 12(%esp), %eax\n"
	"	movl %eax, pf_cs\n"
	"	incl pf_count\n"
	"	movl pf_fixup, %eax\n"
	"	movl %eax, 8(%esp)\n"
	"	popl %eax\n"
	"	addl $4, %esp\n"
	"	iret\n"

	".globl gp_entry, ud_entry\n"
	"gp_entry:\n"
	"	pushl $13\n"
	"	jmp 2f\n"
	"ud_entry:\n"
	"	pushl $0\n"			/* no error code: make the frame alike */
	"	pushl $6\n"
	"2:	movw $0x10, %bx\n"
	"	movw %bx, %ds\n"
	"	movw %bx, %es\n"
	"	call unexpected\n"
);

void unexpected(uint32_t vector, uint32_t error, uint32_t eip, uint32_t cs)
{
	puts("mmio_rights: unexpected exception ");
	putu(vector);
	puts(" error ");
	putx(error);
	puts(" at ");
	putx(cs);
	puts(":");
	putx(eip);
	puts("\nmmio_rights: FAIL\n");
	power_off();
}

static uint64_t segment(uint32_t base, uint32_t limit, uint8_t access,
			uint8_t flags)
{
	return (limit & 0xffffull) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) | ((uint64_t)(limit >> 16 & 0xf) << 48) |
	       ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

/* A 32-bit interrupt gate (SDM vol. 3A §6.11). */
static uint64_t gate(void (*handler)(void), unsigned int dpl)
{
	uint32_t off = (uint32_t)handler;

	return (off & 0xffff) | ((uint64_t)KERNEL_CS << 16) |
	       ((uint64_t)(0x8e | dpl << 5) << 40) |
	       ((uint64_t)(off >> 16) << 48);
}

static void descriptor_tables(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } gdtr, idtr;

	gdt[1] = segment(0, 0xfffff, 0x9a, 0xc);	/* ring 0 code */
	gdt[2] = segment(0, 0xfffff, 0x92, 0xc);	/* ring 0 data */
	gdt[3] = segment(0, 0xfffff, 0xfa, 0xc);	/* ring 3 code */
	gdt[4] = segment(0, 0xfffff, 0xf2, 0xc);	/* ring 3 data */
	gdt[5] = segment((uint32_t)tss, sizeof(tss) - 1, 0x89, 0);	/* 32-bit TSS */
	tss[1] = (uint32_t)ring0_stack + sizeof(ring0_stack);	/* ESP0 */
	tss[2] = KERNEL_DS;					/* SS0 */
	tss[25] = sizeof(tss) << 16;		/* I/O map base: none */
	idt[X86_UD] = gate(ud_entry, 0);
	idt[X86_GP] = gate(gp_entry, 0);
	idt[X86_PF] = gate(pf_entry, 0);
	idt[SYSCALL_VEC] = gate(syscall_entry, 3);
	gdtr.limit = sizeof(gdt) - 1;
	gdtr.base = (uint32_t)gdt;
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint32_t)idt;
	__asm__ volatile("lgdt %0\n"
			 "ljmp $0x08, $1f\n"
			 "1: movw $0x10, %%ax\n"
			 "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%ss\n"
			 "movw %%ax, %%fs\n movw %%ax, %%gs\n"
			 "lidt %1\n"
			 "movw $0x28, %%ax\n ltr %%ax"
			 : : "m"(gdtr), "m"(idtr) : "eax", "memory");
}

static uint32_t read_cr0(void)
{
	uint32_t v;

	__asm__ volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint32_t v)
{
	__asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

/* The first 4 MiB identity-mapped for user and supervisor, then the test pages. */
static void paging(void)
{
	uint32_t a;

	for (a = 0; a < 0x400000; a += PAGE)
		page_table[a >> 12] = a | PTE_P | PTE_RW | PTE_US;
	page_dir[0] = (uint32_t)page_table | PTE_P | PTE_RW | PTE_US;
	page_table[(uint32_t)super_page >> 12] = (uint32_t)super_page | PTE_P | PTE_RW;
	page_table[(uint32_t)ro_page >> 12] = (uint32_t)ro_page | PTE_P | PTE_US;
	page_table[MMIO_LIN >> 12] = IOAPIC_GPA | PTE_P | PTE_RW | PTE_US;
	page_table[SUPER_AFTER >> 12] = SUPER_AFTER | PTE_P | PTE_RW;
	page_table[MMIO_RO_LIN >> 12] = IOAPIC_GPA | PTE_P | PTE_US;
	__asm__ volatile("movl %0, %%cr3" : : "r"(page_dir) : "memory");
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

static unsigned int passed, failed;

static void check(const char *what, bool ok)
{
	puts("mmio_rights: ");
	puts(what);
	puts(ok ? ": ok\n" : ": FAILED\n");
	if (ok)
		passed++;
	else
		failed++;
}

/* Run stub at the ring given; true when it took exactly one #PF with error and addr. */
static bool faults(bool user, void (*stub)(void), void (*end)(void),
		   uint32_t esi, uint32_t edi, uint32_t eax,
		   uint32_t error, uint32_t addr)
{
	pf_count = 0;
	pf_error = pf_addr = pf_cs = 0;
	pf_fixup = (uint32_t)end;
	run_stub(user, (uint32_t)stub, esi, edi, eax);
	puts("mmio_rights:   #PF count ");
	putu(pf_count);
	puts(" error ");
	putx(pf_error);
	puts(" cr2 ");
	putx(pf_addr);
	puts(" cs ");
	putx(pf_cs);
	puts("\n");
	if (error == (uint32_t)-1)
		return pf_count == 0;
	return pf_count == 1 && pf_error == error && pf_addr == addr &&
	       pf_cs == (user ? USER_CS : KERNEL_CS);
}

#define NO_FAULT	((uint32_t)-1), 0

void guest_main(uint32_t magic, const void *mbi)
{
	volatile uint32_t *ioapic = (volatile uint32_t *)MMIO_LIN;
	volatile uint32_t *after = (volatile uint32_t *)SUPER_AFTER;
	uint32_t version, iowin = MMIO_LIN + IOAPIC_IOWIN;
	bool ok;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("mmio_rights: start\n");
	descriptor_tables();
	/* before paging: CR0.WP=1 keeps ring 0 out of the read-only page too */
	super_page[0] = SENTINEL;
	ro_page[0] = SENTINEL;
	user_page[0] = 0;
	after[0] = SENTINEL;
	paging();
	ioapic[0] = IOAPIC_VERSION;
	version = ioapic[IOAPIC_IOWIN / 4];
	puts("mmio_rights: IOAPIC version register ");
	putx(version);
	puts("\n");

	ok = faults(true, stub_movsl, stub_movsl_end, iowin, (uint32_t)super_page,
		    0, PF_P | PF_W | PF_U, (uint32_t)super_page);
	check("CPL 3 movs from MMIO to a supervisor page gets #PF 7",
	      ok && super_page[0] == SENTINEL);
	ok = faults(true, stub_movsl, stub_movsl_end, iowin, (uint32_t)ro_page,
		    0, PF_P | PF_W | PF_U, (uint32_t)ro_page);
	check("CPL 3 movs from MMIO to a read-only page gets #PF 7",
	      ok && ro_page[0] == SENTINEL);
	ok = faults(false, stub_movsl, stub_movsl_end, iowin, (uint32_t)ro_page,
		    0, PF_P | PF_W, (uint32_t)ro_page);
	check("CPL 0 movs from MMIO to a read-only page with CR0.WP=1 gets #PF 3",
	      ok && ro_page[0] == SENTINEL);
	ok = faults(true, stub_movsl, stub_movsl_end, iowin, (uint32_t)user_page,
		    0, NO_FAULT);
	check("CPL 3 movs from MMIO to a user page copies the register",
	      ok && user_page[0] == version);
	write_cr0(read_cr0() & ~CR0_WP);
	ok = faults(false, stub_movsl, stub_movsl_end, iowin, (uint32_t)ro_page,
		    0, NO_FAULT);
	write_cr0(read_cr0() | CR0_WP);
	check("CPL 0 movs from MMIO to a read-only page with CR0.WP=0 writes it",
	      ok && ro_page[0] == version);
	ok = faults(true, stub_store, stub_store_end, 0, MMIO_LIN + PAGE - 2,
		    0x11223344, PF_P | PF_W | PF_U, SUPER_AFTER);
	check("CPL 3 store across MMIO into a supervisor page gets #PF 7 on the second page",
	      ok && after[0] == SENTINEL);
	ok = faults(true, stub_add, stub_add_end, 0, MMIO_RO_LIN + IOAPIC_IOWIN,
		    1, PF_P | PF_W | PF_U, MMIO_RO_LIN + IOAPIC_IOWIN);
	check("CPL 3 add to MMIO through a read-only mapping gets #PF 7", ok);

	puts("mmio_rights: ");
	putu(passed);
	puts(" of ");
	putu(passed + failed);
	puts(failed ? " checks passed: FAIL\n" : " checks passed: PASS\n");
	power_off();
}
