/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkload.ko internals: image parsing, memory, launch, /dev/vmkernel. */
#ifndef VMKLOAD_H
#define VMKLOAD_H

#include <linux/types.h>
#include <linux/elf.h>
#include <vmk/hypercall.h>

#define VMKLOAD_MIN_MEM_MB	8
#define VMKLOAD_MAX_MEM_MB	(VMK_MAX_CHUNKS * (VMK_CHUNK_SIZE >> 20))
#define VMKLOAD_MAX_IMAGE	VMK_VSIZE

/* A parsed vmkernel image (pointers into the file buffer). */
struct vmk_image {
	const u8 *data;
	size_t size;
	const struct elf32_hdr *eh;
	const struct elf32_phdr *ph;
	const struct vmk_image_note *note;
	u32 end_va;			/* end of the highest PT_LOAD */
	const void *symtab;
	u32 symtab_size;
	const char *strtab;
	u32 strtab_size;
};

/* 0 or -ENOEXEC with a one-line reason in err. */
int vmk_image_parse(const void *data, size_t size, struct vmk_image *img,
		    char *err, size_t errlen);

/* The pool taken from Linux and the image placed in it. */
struct vmk_memory {
	unsigned int nchunks;
	struct page *chunk[VMK_MAX_CHUNKS];
	u32 chunk_pa[VMK_MAX_CHUNKS];
	unsigned int image_chunks;
	u32 loader_end_va;
	u32 boot_cr3;
	struct vmk_boot_info *boot_info;	/* inside the placed image */
};

/* How many image chunks the image, its symbols and boot tables need. */
u32 vmk_layout_end(const struct vmk_image *img);
int vmk_memory_take(struct vmk_memory *m, unsigned int nchunks);
void vmk_memory_return(struct vmk_memory *m);
/* Copies the image, symbols and boot page tables into the pool. */
int vmk_memory_place(struct vmk_memory *m, const struct vmk_image *img,
		     unsigned long tramp_va, phys_addr_t tramp_pa);
void *vmk_memory_va(struct vmk_memory *m, u32 vmk_va);

/* Launch and give-back on every online CPU. */
struct pci_dev;

/* A PCI function while the vmkernel has it (hba.c, nic.c); bus NULL: none taken. */
struct vmk_hba {
	struct pci_bus *bus;
	unsigned int devfn;
	const char *what;		/* "PVSCSI HBA", "uplink NIC" */
	int irq;			/* its Linux irq (INTx) at the hand-over */
};

/* Take the HBA from Linux; -EBUSY (with a sentence) while a disk is open. */
int vmk_hba_take(struct vmk_hba *h);
/* Record pdev in h, drop the caller's reference, remove it from Linux. */
void vmk_hand_over(struct vmk_hba *h, struct pci_dev *pdev, const char *what,
		   const char *as);
/* After the vmkernel reset it: Linux probes it again. */
void vmk_hba_give_back(struct vmk_hba *h);
void vmk_hba_quiesce(struct vmk_hba *h);
/*
 * Take an 82540EM for vswitch0's uplink (nic.c): the one at pci
 * ("0000:00:09.0") or, when pci is empty, the first whose interface is
 * down; -EBUSY (with a sentence) when its interface is up, -ENODEV when
 * there is none. *bdf: its function for the vmkernel.
 */
int vmk_nic_take(struct vmk_hba *h, const char *pci, u32 *bdf);

struct vmk_machine {
	struct vmk_memory mem;
	struct vmk_hba hba;
	struct vmk_hba nic;
	struct vmk_shared *shared;
	struct vmk_launch *launch[VMK_MAX_CPUS];
	int cpu_index[NR_CPUS];		/* Linux CPU -> vmkernel CPU, -1 */
	unsigned int ncpus;
	vmk_status_t status[VMK_MAX_CPUS];
	bool active;
	bool stranded;			/* a CPU did not come back: keep its memory */
	atomic_t held_before;		/* give-back: CPUs under the vmkernel, */
	atomic_t held_after;		/* and those still there after it */
	u32 load_us, unload_us;
};

int vmk_launch_all(struct vmk_machine *m, u32 entry);
/*
 * Every CPU back to Linux; false (and m->stranded) when one stays under
 * the vmkernel: then its memory must never go back to Linux.
 */
bool vmk_give_back_all(struct vmk_machine *m);
unsigned long vmk_tramp_page(void);
extern const char vmk_tramp_exit[], vmk_tramp_end[];
int vmk_launch(struct vmk_launch *l);	/* tramp.S */

/* A hypercall on this CPU; -ENODEV if it is not under the vmkernel. */
int vmk_hypercall(struct vmk_machine *m, u32 nr, u32 a0, u32 a1, u32 a2,
		  u32 a3, vmk_status_t *st, u32 *result);
const char *vmk_status_name(vmk_status_t st);

/*
 * /dev/vmkernel (dev.c) holds the one machine pointer: from
 * vmk_dev_register() to vmk_dev_unregister(), hypercalls go to m.
 */
int vmk_dev_register(struct vmk_machine *m);
void vmk_dev_unregister(void);
/* A hypercall for an ioctl: errno, after recovery if the vmkernel panicked. */
long vmk_dev_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3, u32 *result);
/*
 * The same hypercall with its status as is, exported for the lab's test
 * modules; -ENODEV without a machine or off the vmkernel.
 */
int vmk_vm_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		     vmk_status_t *st, u32 *result);

/*
 * The COS's disks through the vmkernel (cosblk.c): the cos_disks
 * parameter checked before the load, its /dev/vmkdN made after it (with
 * /dev/vmkernel: hypercalls go through its machine) and removed before
 * the give-back.
 */
int vmk_cosblk_check(bool storage);
int vmk_cosblk_add(int irq);
void vmk_cosblk_remove(void);
/* After the give-back: the doorbell's irq (irq of vmk_cosblk_add()) freed. */
void vmk_cosblk_irq_free(void);

/*
 * With net=1, the COS's NIC vmk0 on vswitch0 (cosnet.c): registered after
 * the load (with /dev/vmkernel), unregistered before the give-back;
 * shared is the vmkernel's page (its net_intr_seq), freed after that.
 */
int vmk_cosnet_add(int irq, const struct vmk_shared *shared);
void vmk_cosnet_remove(void);
/* After the give-back: the doorbell's irq (irq of vmk_cosnet_add()) freed. */
void vmk_cosnet_irq_free(void);

/*
 * The datastores as a file system type `vmkfs` (vmfsvol.c), registered
 * after the load, unregistered before the give-back (a mount holds the
 * module, so none is left then).
 */
int vmk_vmfsvol_add(void);
void vmk_vmfsvol_remove(void);

/* VM control ioctls (vmctl.c); -ENOTTY for other numbers. */
long vmk_vm_ioctl(unsigned int cmd, void __user *arg);
/* After a vmkernel panic: take the CPUs and memory back (process context). */
void vmk_recover(struct vmk_machine *m);

#endif /* VMKLOAD_H */
