/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall dispatch (ABI: include/vmk/hypercall.h). */
#ifndef VMKERNEL_CORE_HYPERCALL_H
#define VMKERNEL_CORE_HYPERCALL_H

#include "vmkernel/platform.h"
#include "vmkernel/lib/why.h"
#include <vmk/hypercall.h>

/* What the exit handler does after a hypercall. */
#define HC_RESUME	0	/* back into the COS */
#define HC_GIVE_BACK	1	/* hand this CPU back to the COS */

struct hc_call {
	uint32_t nr;		/* EAX */
	uint32_t arg[4];	/* EBX, ECX, EDX, ESI */
	uint32_t result;	/* -> EBX */
	uint32_t cpu;
	int action;		/* HC_* */
	/*
	 * Why the request failed, said only by a handler whose ABI names
	 * ESI a VMK_VM_MSG_LEN-byte message buffer (include/vmk/vm.h,
	 * net.h); hypercall_dispatch() copies it there.
	 */
	struct vmk_why why;
};

vmk_status_t hypercall_dispatch(struct hc_call *c);
/* The VM layer's requests (vmkernel/vm/vm_hypercall.c), VMK_HC_VM_*. */
vmk_status_t vm_hc_create(struct hc_call *c);
vmk_status_t vm_hc_load(struct hc_call *c);
vmk_status_t vm_hc_power_on(struct hc_call *c);
vmk_status_t vm_hc_stop(struct hc_call *c);
vmk_status_t vm_hc_kill(struct hc_call *c);
vmk_status_t vm_hc_reset(struct hc_call *c);
vmk_status_t vm_hc_destroy(struct hc_call *c);
vmk_status_t vm_hc_info(struct hc_call *c);
vmk_status_t vm_hc_list(struct hc_call *c);
vmk_status_t vm_hc_disks(struct hc_call *c);
vmk_status_t vm_hc_console_read(struct hc_call *c);
vmk_status_t vm_hc_console_write(struct hc_call *c);
vmk_status_t vm_hc_dump(struct hc_call *c);
vmk_status_t vm_hc_set_alloc(struct hc_call *c);
/* VMK_HC_NET_NIC_LINK: a running VM's vNIC cable */
vmk_status_t vm_hc_nic_link(struct hc_call *c);
/* Give-back: the worlds of stopped VMs go (vmkernel/vm/vm.c). */
void vm_reap_all(void);

/* Provided by the vmkernel (faked by host tests). */
void vmk_panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* Debug only (VMK_PANIC_TEST_VMCB): cos/cos_vcpu.c. */
void svm_debug_corrupt_cos_vmcb(uint32_t cpu);

#endif /* VMKERNEL_CORE_HYPERCALL_H */
