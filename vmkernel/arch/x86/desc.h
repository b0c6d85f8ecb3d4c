/* SPDX-License-Identifier: GPL-2.0-only */
/* The vmkernel's own GDT, IDT and TSS, one set per CPU. */
#ifndef VMKERNEL_ARCH_X86_DESC_H
#define VMKERNEL_ARCH_X86_DESC_H

#include "vmkernel/platform.h"

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18

/* Registers pushed by the exception stubs (entry.S), lowest first. */
struct exc_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

/*
 * Loads the vmkernel GDT and IDT and reloads CS, SS, DS, ES. FS, GS, TR
 * and LDTR still hold the COS's values afterwards, for VMSAVE to capture.
 */
void desc_load(uint32_t cpu);
/* Loads the vmkernel's FS, GS, LDTR and TR (after the COS's are saved). */
void desc_load_host_segments(uint32_t cpu);

void exc_dispatch(struct exc_frame *f) __attribute__((noreturn));

#endif /* VMKERNEL_ARCH_X86_DESC_H */
