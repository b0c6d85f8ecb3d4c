/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants entry.S shares with C (offsets checked in core/main.c). */
#ifndef VMKERNEL_CORE_VMKERNEL_ASM_H
#define VMKERNEL_CORE_VMKERNEL_ASM_H

#include <vmk/abi.h>

#define CPU_STACK_SHIFT		14	/* 16 KiB per CPU */

/* struct vcpu (core/vmkernel.h) */
#define VCPU_VMCB_PA		0
#define VCPU_HOST_AREA_PA	4
#define VCPU_EBX		8
#define VCPU_ECX		12
#define VCPU_EDX		16
#define VCPU_ESI		20
#define VCPU_EDI		24
#define VCPU_EBP		28

#endif /* VMKERNEL_CORE_VMKERNEL_ASM_H */
