// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why something failed, in a sentence the operator can act on: the one
 * way the vmkernel and the monitor explain a failure (docs/architecture.md
 * "Explaining an error"). Here, beside vmm's other freestanding helpers,
 * because vmm/ may include nothing of the vmkernel while the vmkernel
 * includes vmm/ headers; the formatting setter, why_set(), and why_fail(),
 * which also logs, are the vmkernel's (vmkernel/lib/why.h): they need its
 * fmt_vsnprintf(). Device models only ever name a static sentence.
 */
#ifndef VMM_WHY_H
#define VMM_WHY_H

#include "vmm/platform.h"

/* The size of the COS's message buffer (VMK_VM_MSG_LEN, include/vmk/vm.h). */
#define VMK_WHY_LEN	128

/* Empty ("" or zeroed) until said; the first explanation is kept. */
struct vmk_why {
	char text[VMK_WHY_LEN];
};

static inline bool why_said(const struct vmk_why *w)
{
	return w->text[0] != '\0';
}

/* Say s (cut to fit), unless something was said already. */
static inline void why_put(struct vmk_why *w, const char *s)
{
	size_t i;

	if (why_said(w))
		return;
	for (i = 0; i < sizeof(w->text) - 1 && s[i]; i++) {
		w->text[i] = s[i];
		__asm__ volatile("" : : "r"(w) : "memory");	/* not a strcpy */
	}
	w->text[i] = '\0';
}

#endif /* VMM_WHY_H */
