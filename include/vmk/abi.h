/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmk ABI: everything that crosses the COS/vmkernel boundary is defined
 * under include/vmk/ and nowhere else. VMK_ABI_VERSION changes whenever any
 * layout or number in these headers changes; the loader refuses an image of
 * another version, and vmkctl refuses a module of another version.
 *
 *   abi.h        version, status codes, image note, address-space layout,
 *                boot info (loader -> vmkernel), per-CPU launch record,
 *                COS-visible shared page
 *   hypercall.h  hypercall numbers, register convention, structures
 *   log.h        log ring records
 *   vm.h         VM control hypercalls and structures
 *   ioctl.h      /dev/vmkernel ioctl numbers (COS side only)
 *
 * See docs/abi.md.
 */
#ifndef VMK_ABI_H
#define VMK_ABI_H

#ifndef __ASSEMBLER__
#include <vmk/types.h>
/* Status codes returned by every vmkernel call and hypercall. */
typedef int32_t vmk_status_t;
#endif

#define VMK_ABI_VERSION		49

#define VMK_OK			0
#define VMK_NO_MEMORY		1	/* pool exhausted */
#define VMK_BAD_PARAM		2	/* argument out of range */
#define VMK_BAD_ADDRESS		3	/* guest address not COS memory */
#define VMK_NOT_SUPPORTED	4	/* unknown hypercall or disabled feature */
#define VMK_BUSY		5	/* resource in use */
#define VMK_NO_HARDWARE		6	/* CPU lacks SVM or nested paging */
#define VMK_HW_FAILURE		7	/* VMRUN refused the state */
#define VMK_PANICKED		8	/* the vmkernel panicked; CPU given back */
#define VMK_NO_CAPACITY		9	/* no room: CPU reservations, a table, a datastore */
#define VMK_STATUS_MAX		10

/* Limits of this ABI version. */
#define VMK_MAX_CPUS		8
#define VMK_MAX_CHUNKS		1536	/* pool chunks: up to 3 GiB (below VMK_VBASE) */

/*
 * The vmkernel's pool is taken from Linux in 2 MiB-aligned chunks: the
 * COS's nested page table then only loses whole 2 MiB pages (APM vol. 2
 * §15.25.3: a PAE 2 MiB nested page maps a naturally aligned 2 MiB frame).
 */
#define VMK_CHUNK_SHIFT		21
#define VMK_CHUNK_SIZE		(1u << VMK_CHUNK_SHIFT)
#define VMK_PAGE_SHIFT		12
#define VMK_PAGE_SIZE		(1u << VMK_PAGE_SHIFT)

/*
 * Virtual layout of the vmkernel's own address space (PAE, 32 bit):
 *   [0, VMK_VBASE)               identity map of physical memory (2 MiB pages)
 *   [VMK_VBASE, +VMK_VSIZE)      the image, its symbols and boot page tables,
 *                                mapped from the first pool chunks
 *   [VMK_VBASE + VMK_VSIZE, 4G)  nothing, except the loader's trampoline page
 *                                at the same virtual address Linux runs it at
 */
#define VMK_VBASE		0xBF000000u
#define VMK_VSIZE		0x01000000u

/* ELF note that marks a vmkernel image: name "VMK", type VMK_NOTE_IMAGE. */
#define VMK_NOTE_NAME		"VMK"
#define VMK_NOTE_IMAGE		1
#define VMK_VERSION_LEN		32

#ifndef __ASSEMBLER__
struct vmk_image_note {
	uint32_t abi_version;		/* VMK_ABI_VERSION of the image */
	uint32_t boot_info_va;		/* where the loader writes vmk_boot_info */
	uint32_t vbase;			/* VMK_VBASE the image was linked for */
	uint32_t max_cpus;		/* VMK_MAX_CPUS of the image */
	char version[VMK_VERSION_LEN];	/* build version string, NUL-terminated */
};

/*
 * Per-CPU launch record: allocated by the loader in COS memory (Linux
 * lowmem, visible to both sides), filled with the live Linux state at
 * launch, and rewritten by the vmkernel with the COS state whenever it
 * hands a CPU back. The trampoline (loader-module/tramp.S) uses the offsets
 * below, so every field is 32 bits and the layout is asserted in C.
 */
struct vmk_launch {
	uint32_t self_pa;		/*   0 physical address of this record */
	uint32_t self_va;		/*   4 Linux virtual address */
	uint32_t cpu;			/*   8 vmkernel CPU index */
	uint32_t vmk_cr3;		/*  12 vmkernel page tables */
	uint32_t vmk_entry;		/*  16 vmkernel entry (vmkernel VA) */
	uint32_t tramp_exit;		/*  20 Linux VA of the exit trampoline */
	uint32_t eip;			/*  24 COS state from here on */
	uint32_t esp;			/*  28 */
	uint32_t eflags;		/*  32 */
	uint32_t eax;			/*  36 */
	uint32_t ebx;			/*  40 */
	uint32_t ecx;			/*  44 */
	uint32_t edx;			/*  48 */
	uint32_t esi;			/*  52 */
	uint32_t edi;			/*  56 */
	uint32_t ebp;			/*  60 */
	uint32_t cr0;			/*  64 */
	uint32_t cr2;			/*  68 */
	uint32_t cr3;			/*  72 */
	uint32_t cr4;			/*  76 */
	uint32_t efer_lo;		/*  80 */
	uint32_t efer_hi;		/*  84 */
	uint32_t cs;			/*  88 selectors */
	uint32_t ss;			/*  92 */
	uint32_t ds;			/*  96 */
	uint32_t es;			/* 100 */
	uint32_t user_frame;		/* 104 nonzero: resume at CPL3 from frame */
	uint32_t frame[5];		/* 108 iret frame: eip, cs, eflags, esp, ss */
	uint16_t gdtr_pad;		/* 128 */
	uint16_t gdtr_limit;		/* 130 lgdt operand starts here */
	uint32_t gdtr_base;		/* 132 */
	uint16_t idtr_pad;		/* 136 */
	uint16_t idtr_limit;		/* 138 lidt operand starts here */
	uint32_t idtr_base;		/* 140 */
	/* captured at launch for the VMCB only */
	uint32_t seg_attr[4];		/* 144 cs, ss, ds, es: VMCB attribute format */
	uint32_t seg_limit[4];		/* 160 in bytes */
	uint32_t seg_base[4];		/* 176 */
	uint32_t dr7;			/* 192 */
	uint32_t pat_lo;		/* 196 */
	uint32_t pat_hi;		/* 200 */
	uint32_t vmcb_pa;		/* 204 set by the vmkernel: COS VMCB */
};
#endif /* __ASSEMBLER__ */

#define VMK_LAUNCH_SELF_PA	0
#define VMK_LAUNCH_SELF_VA	4
#define VMK_LAUNCH_CPU		8
#define VMK_LAUNCH_VMK_CR3	12
#define VMK_LAUNCH_VMK_ENTRY	16
#define VMK_LAUNCH_EIP		24
#define VMK_LAUNCH_ESP		28
#define VMK_LAUNCH_EFLAGS	32
#define VMK_LAUNCH_EAX		36
#define VMK_LAUNCH_EBX		40
#define VMK_LAUNCH_ECX		44
#define VMK_LAUNCH_EDX		48
#define VMK_LAUNCH_ESI		52
#define VMK_LAUNCH_EDI		56
#define VMK_LAUNCH_EBP		60
#define VMK_LAUNCH_CR0		64
#define VMK_LAUNCH_CR2		68
#define VMK_LAUNCH_CR4		76
#define VMK_LAUNCH_EFER		80
#define VMK_LAUNCH_CS		88
#define VMK_LAUNCH_SS		92
#define VMK_LAUNCH_DS		96
#define VMK_LAUNCH_ES		100
#define VMK_LAUNCH_USER_FRAME	104
#define VMK_LAUNCH_FRAME	108
#define VMK_LAUNCH_GDTR		130
#define VMK_LAUNCH_IDTR		138

/* COS-visible shared page (COS memory, written by the vmkernel). */
#define VMK_STATE_RUNNING	1
#define VMK_STATE_PANICKED	2

#ifndef __ASSEMBLER__
struct vmk_shared {
	uint32_t state;			/* VMK_STATE_* */
	uint32_t panic_cpu;
	uint32_t cpus_virtualized;	/* bit n: CPU n runs the COS as a guest */
	uint32_t log_pa;		/* the log ring's vmk_log_record array, */
	uint32_t log_nrec;		/* for the loader to read after a panic */
	/* ABI 44: one more at each interrupt of the uplink NIC the vmkernel
	 * acknowledged and each doorbell IPI it sent, before the vector goes
	 * to the COS: vmk0's handler claims the vector only when it moved */
	uint32_t net_intr_seq;
	uint32_t reserved[2];
	char panic_msg[104];
};
#endif /* __ASSEMBLER__ */

/* Boot info: written by the loader into the image before the first entry. */
#define VMK_BOOT_MAGIC		0x564d4b42u	/* "VMKB" */
#define VMK_BOOT_DEBUG		(1u << 0)	/* allow the panic-test hypercall */
#define VMK_BOOT_STORAGE	(1u << 1)	/* take the PVSCSI HBA from the COS */
#define VMK_BOOT_NET		(1u << 2)	/* take the NIC at net_bdf from the COS */
/* Test hook (vmkload test_fail_init=1): vmk_init fails at its end, every CPU comes back natively. */
#define VMK_BOOT_TEST_FAIL_INIT	(1u << 31)

#define VMK_MAX_RAM_RANGES	32	/* Linux's System RAM ranges in the boot info */

#ifndef __ASSEMBLER__

/* A range of physical RAM as Linux's resource tree has it. */
struct vmk_ram_range {
	uint64_t base, len;
};

struct vmk_boot_info {
	uint32_t magic;			/* VMK_BOOT_MAGIC */
	uint32_t abi_version;
	uint32_t flags;			/* VMK_BOOT_* */
	uint32_t ncpus;			/* CPUs to take over */
	uint32_t nchunks;		/* pool chunks in chunk_pa[] */
	uint32_t image_chunks;		/* chunk_pa[0..] mapped at VMK_VBASE */
	uint32_t loader_end_va;		/* end of what the loader placed */
	uint32_t boot_cr3;		/* PDPT of the vmkernel's page tables */
	uint32_t tramp_exit_va;		/* Linux VA of the exit trampoline */
	uint32_t symtab_va;		/* Elf32_Sym array copied by the loader */
	uint32_t symtab_size;
	uint32_t strtab_va;
	uint32_t strtab_size;
	uint32_t shared_pa;		/* struct vmk_shared, one COS page */
	uint32_t uart_port;		/* log mirror (COM2: 0x2f8), 0: none */
	uint32_t tsc_khz;
	uint32_t launch_pa[VMK_MAX_CPUS];
	uint32_t chunk_pa[VMK_MAX_CHUNKS];
	/* RAM below 4 GiB; more ranges than fit: ram_truncated set, and a
	 * device BAR is then refused unless it lies above the last one. */
	uint32_t nram, ram_truncated;
	struct vmk_ram_range ram[VMK_MAX_RAM_RANGES];
	uint32_t net_bdf;		/* VMK_BOOT_NET: the uplink NIC's function */
};
#endif /* __ASSEMBLER__ */

#endif /* VMK_ABI_H */
