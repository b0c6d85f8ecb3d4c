// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_triplefault: a guest that triple-faults on purpose. With an empty
 * IDT (limit 0) the #UD of UD2 cannot be delivered (#GP), neither can that
 * #GP (#DF), nor the #DF: the CPU shuts down (SDM vol. 3A §6.15, interrupt
 * 8). Under SVM that is the SHUTDOWN intercept (APM vol. 2 §15.9): the
 * vmkernel must end this VM only, with the reason.
 */
#include "guest.h"

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

void guest_main(uint32_t magic, const void *mbi)
{
	static const struct dtr empty_idt = { 0, 0 };

	(void)magic;
	(void)mbi;
	serial_init();
	puts("hostile_triplefault: empty IDT, then UD2: triple fault now\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty_idt));
	puts("hostile_triplefault: FAIL still running\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
