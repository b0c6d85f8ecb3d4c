/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants entry.S shares with C (offsets checked in core/main.c). */
#ifndef VMKERNEL_CORE_VMKERNEL_ASM_H
#define VMKERNEL_CORE_VMKERNEL_ASM_H

#include <vmk/abi.h>

#define CPU_STACK_SHIFT		14	/* 16 KiB per CPU */

/* struct svm_vcpu (arch/x86/svm_vcpu.h) */
#define SVCPU_VMCB_PA		0
#define SVCPU_HOST_AREA_PA	4
#define SVCPU_EBX		8
#define SVCPU_ECX		12
#define SVCPU_EDX		16
#define SVCPU_ESI		20
#define SVCPU_EDI		24
#define SVCPU_EBP		28

#endif /* VMKERNEL_CORE_VMKERNEL_ASM_H */
