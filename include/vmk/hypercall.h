/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls: the COS executes VMMCALL (APM vol. 2 §15.32) with
 *   EAX = hypercall number, EBX, ECX, EDX, ESI = arguments;
 * the vmkernel returns EAX = vmk_status_t and EBX = a result word.
 * Guest addresses are COS physical addresses (the COS runs identity-mapped
 * under nested paging) and must lie in COS memory, not the vmkernel's.
 */
#ifndef VMK_HYPERCALL_H
#define VMK_HYPERCALL_H

#include <vmk/abi.h>
#include <vmk/log.h>

/* EBX <- VMK_ABI_VERSION. */
#define VMK_HC_VERSION		0
/* EBX = gpa of struct vmk_info, ECX = its size. */
#define VMK_HC_INFO		1
/*
 * EBX = gpa of a vmk_log_record array, ECX = its size in bytes,
 * EDX:ESI = first sequence number wanted (high:low). EBX <- records copied.
 * Records older than the ring are gone: copying starts at the oldest one.
 */
#define VMK_HC_LOG_READ		2
/* Give this CPU back to the COS: returns natively, EAX = VMK_OK. */
#define VMK_HC_GIVE_BACK	3
/* Debug builds of the boot info only: force a vmkernel panic on this CPU. */
#define VMK_HC_PANIC_TEST	4
/* EBX = gpa of a NUL-terminated string (< 104 bytes): log it. */
#define VMK_HC_LOG_WRITE	5
/* 6..17: VM control, include/vmk/vm.h. */
#define VMK_HC_MAX		18

/* CPUID leaves the vmkernel shows the COS (APM vol. 3, CPUID 4000_0000h). */
#define VMK_CPUID_LEAF_BASE	0x40000000u
#define VMK_CPUID_LEAF_ABI	0x40000001u	/* EAX = VMK_ABI_VERSION */
#define VMK_CPUID_SIGNATURE	"vmkernel-vmk"	/* EBX, ECX, EDX */

/* Exit reasons counted per CPU. */
#define VMK_EXIT_CPUID		0
#define VMK_EXIT_MSR		1
#define VMK_EXIT_VMMCALL	2
#define VMK_EXIT_NPF		3
#define VMK_EXIT_SVM_INSN	4	/* VMRUN, VMLOAD, STGI, ...: #UD */
#define VMK_EXIT_OTHER		5
#define VMK_EXIT_KINDS		6

struct vmk_cpu_info {
	uint32_t apic_id;
	uint32_t state;			/* 1: COS runs as a guest here */
	uint64_t exits[VMK_EXIT_KINDS];
	uint64_t exits_total;
};

#define VMK_WORLD_NAME_LEN	16
#define VMK_WORLD_COS		1
#define VMK_MAX_WORLDS		8

struct vmk_world_info {
	uint32_t id;
	uint32_t type;			/* VMK_WORLD_* */
	uint32_t vcpus;
	uint32_t reserved;
	char name[VMK_WORLD_NAME_LEN];
};

struct vmk_info {
	uint32_t abi_version;
	uint32_t state;			/* VMK_STATE_* */
	char version[VMK_VERSION_LEN];
	uint32_t ncpus;			/* CPUs under the vmkernel */
	uint32_t nworlds;
	uint64_t uptime_us;
	uint64_t mem_total;		/* bytes of pool */
	uint64_t mem_free;
	uint64_t npt_violations;	/* COS accesses to vmkernel memory */
	uint64_t log_seq;		/* sequence number of the newest record */
	struct vmk_cpu_info cpu[VMK_MAX_CPUS];
	struct vmk_world_info world[VMK_MAX_WORLDS];
};

#endif /* VMK_HYPERCALL_H */
