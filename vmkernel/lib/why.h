/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Explaining a failure in the vmkernel: a function that can fail for a
 * reason the operator should read takes a struct vmk_why * (vmm/why.h)
 * and says it with why_fail() or why_set(); the hypercall layer alone
 * copies it to the COS (core/hypercall.c hypercall_dispatch()).
 */
#ifndef VMKERNEL_LIB_WHY_H
#define VMKERNEL_LIB_WHY_H

#include "vmkernel/platform.h"
#include "vmm/why.h"
#include <vmk/vm.h>

_Static_assert(sizeof(struct vmk_why) == VMK_VM_MSG_LEN,
	       "an explanation fills the COS's message buffer exactly");

/* Format the explanation, unless one was said already (the first is kept). */
void why_set(struct vmk_why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, logged as a warning (a later one too); returns st. */
vmk_status_t why_fail(struct vmk_why *w, vmk_status_t st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* VMKERNEL_LIB_WHY_H */
