/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM control: the hypercalls the COS uses to create, load, run, inspect and
 * destroy virtual machines (docs/abi.md, "VM control"): their numbers,
 * VMK_HC_VM_*, are in the one table of hypercall.h, with the convention:
 * EAX = number, EBX/ECX/EDX/ESI = arguments, out EAX = status, EBX =
 * result; addresses are COS physical addresses of COS memory.
 *
 * Every VM hypercall that can fail for a reason a person must read takes
 * in ESI the gpa of a VMK_VM_MSG_LEN-byte buffer (0: none), which receives
 * a NUL-terminated sentence when the status is not VMK_OK, e.g.
 * "vm 'web1' needs 128 MiB, the vmkernel pool has 60 MiB free (raise vmkload
 * mem_mb or stop a VM)".
 * The same sentence goes to the vmkernel log.
 *
 * Life cycle (VMK_VM_STATE_*):
 *   CREATE -> OFF --LOAD*--> OFF --POWER_ON--> RUNNING
 *   RUNNING --guest poweroff / KILL--> OFF      (memory returned)
 *   RUNNING --guest reboot / RESET--> RUNNING   (reloaded from the staged images)
 *   RUNNING --triple fault, bad access, ...--> ERROR (memory returned, reason kept)
 *   OFF / ERROR --DESTROY--> gone
 */
#ifndef VMK_VM_H
#define VMK_VM_H

#include <vmk/hypercall.h>

/*
 * A VM id is opaque to the COS: a slot of the vmkernel's VM table (low 16
 * bits, 1..VMK_VM_ID_MAX, the lowest free one at create) and the slot's
 * generation (bits 16..30), which changes each time a VM leaves the slot.
 * An id of a destroyed VM so names nothing, even once its slot holds a new
 * VM; the first VM of slot n has id n. Ids are below 2^31. The slot bound
 * is a guard: the vmkernel's memory is what limits how many VMs exist.
 */
#define VMK_VM_ID_MAX		1024
#define VMK_VM_LIST_MAX		64	/* ids per VMK_HC_VM_LIST call */
#define VMK_VM_MAX_VCPUS	8
#define VMK_VM_NAME_LEN		32
#define VMK_VM_MSG_LEN		128
#define VMK_VM_MIN_MEM_MB	4
#define VMK_VM_MAX_MEM_MB	1024

/* Boot kinds (struct vmk_vm_config.boot). */
#define VMK_VM_BOOT_LINUX	1	/* bzImage + initrd + command line */
#define VMK_VM_BOOT_MULTIBOOT	2	/* Multiboot v1 kernel + command line */
#define VMK_VM_BOOT_BIOS	3	/* the firmware image from the reset vector */

/* Optional devices (struct vmk_vm_config.devices). */
#define VMK_VM_DEV_DEBUG_EXIT	(1u << 0)	/* isa-debug-exit at port 0xF4:
						   a write ends the VM (test guests) */
#define VMK_VM_DEV_TEST_DEV	(1u << 1)	/* QEMU's pc-testdev (0xE0, 0x2000+n
						   IRQ lines; test guests), ABI 27 */
#define VMK_VM_DEVICES		(VMK_VM_DEV_DEBUG_EXIT | VMK_VM_DEV_TEST_DEV)

/*
 * Virtual NICs (struct vmk_vm_config.nic): each is a port of the
 * vmkernel's virtual switch in the port group it names (docs/network.md).
 */
#define VMK_VM_MAX_NICS		4	/* ethernet0 .. ethernet3; since ABI 19 (was 1) */
#define VMK_VM_NIC_NONE		0
#define VMK_VM_NIC_E1000	1	/* Intel 82540EM; ethernetN at PCI 00:0(3+N).0 */
#define VMK_VM_NIC_VMXNET3	2	/* VMware vmxnet3, revision 1; the same slot */
#define VMK_NET_NAME_LEN	32	/* switch and port group names, with the NUL */

/*
 * Virtual SCSI (struct vmk_vm_config.scsi0, .disk): one PVSCSI adapter,
 * PCI 00:10.0, with disk[n] as target n; each disk is a LUN of the
 * vmkernel's HBA named as `vmkctl storage luns` names it, mapped raw, or
 * (since ABI 26) a virtual disk on a mounted datastore named by its
 * descriptor, "/vmfs/volumes/LABEL/DIR/NAME.vmdk" or "[LABEL] DIR/NAME.vmdk"
 * (docs/storage.md "VM disks").
 */
#define VMK_VM_SCSI_NONE	0
#define VMK_VM_SCSI_PVSCSI	1
#define VMK_VM_MAX_DISKS	4	/* scsi0:0 .. scsi0:3 */
#define VMK_VM_DISK_NAME_LEN	128	/* a LUN or a .vmdk path, with the NUL;
					   was 32 before ABI 26 */

/* What VMK_HC_VM_LOAD fills (struct vmk_vm_load.what). */
#define VMK_VM_IMG_KERNEL	0
#define VMK_VM_IMG_INITRD	1	/* Linux: initrd; Multiboot: module 0 */
#define VMK_VM_IMG_CMDLINE	2	/* NUL-terminated, < 4 KiB */
#define VMK_VM_IMG_FIRMWARE	3	/* BIOS: the ROM below 4 GiB (SeaBIOS) */
#define VMK_VM_IMG_OPTROM	4	/* BIOS with a kernel: linuxboot_dma.bin or multiboot_dma.bin */
#define VMK_VM_IMG_KINDS	5
#define VMK_VM_IMG_MAX		(16u << 20)	/* bytes per kernel or initrd;
						   firmware: 64 KiB steps up to 2 MiB;
						   option ROM: up to 64 KiB */

/* VM states (struct vmk_vm_info.state). */
#define VMK_VM_STATE_OFF	1	/* created or powered off */
#define VMK_VM_STATE_RUNNING	2	/* powered on */
#define VMK_VM_STATE_ERROR	3	/* stopped by the vmkernel: see reason */

/* VM exit kinds counted per VM (struct vmk_vm_info.exits). */
#define VMK_VM_EXIT_IO		0	/* port I/O */
#define VMK_VM_EXIT_MMIO	1	/* nested page fault on a device page */
#define VMK_VM_EXIT_MSR		2
#define VMK_VM_EXIT_CPUID	3
#define VMK_VM_EXIT_HLT		4
#define VMK_VM_EXIT_INTR	5	/* physical interrupt (preemption) */
#define VMK_VM_EXIT_VINTR	6	/* interrupt window */
#define VMK_VM_EXIT_OTHER	7
#define VMK_VM_EXIT_KINDS	8

#ifndef __ASSEMBLER__
struct vmk_vm_nic {
	uint32_t model;			/* VMK_VM_NIC_*; NONE: no NIC */
	uint8_t mac[6];			/* unicast, not zero */
	uint16_t reserved;		/* 0 */
	char network[VMK_NET_NAME_LEN];	/* port group, NUL-terminated */
};

/*
 * A disk's proportional share of its LUN (sched.scsi0:N.shares, as
 * VMware's low, normal and high; docs/storage.md "Disk shares").
 * Since ABI version 42.
 */
#define VMK_VM_DISK_SHARES_MIN		100
#define VMK_VM_DISK_SHARES_LOW		500
#define VMK_VM_DISK_SHARES_NORMAL	1000
#define VMK_VM_DISK_SHARES_HIGH		2000
#define VMK_VM_DISK_SHARES_MAX		10000

struct vmk_vm_disk {
	char name[VMK_VM_DISK_NAME_LEN];	/* NUL-terminated; "": no disk */
	uint32_t shares;		/* MIN..MAX; 0: NORMAL. Since ABI 42 */
};

/*
 * A VM's disk and its I/O since the VM's last power on or reset
 * (VMK_HC_VM_DISKS):
 * requests the guest's adapter ran on it and their 512-byte blocks.
 * Since ABI version 34.
 */
#define VMK_VM_DISK_NONE	0	/* no disk, or the VM is off */
#define VMK_VM_DISK_RAW		1	/* a LUN of the HBA mapped raw */
#define VMK_VM_DISK_VIRTUAL	2	/* a virtual disk on a datastore */

struct vmk_vm_disk_io {
	uint32_t kind;			/* VMK_VM_DISK_* */
	uint32_t thin;			/* VIRTUAL: 1 for a thin disk */
	uint32_t shares;		/* its disk shares; since ABI 42 */
	uint32_t reserved;		/* 0 */
	uint64_t nr_blocks;		/* capacity, 512-byte blocks */
	uint64_t reads, writes, flushes;	/* guest requests run */
	uint64_t blocks_read, blocks_written;
	uint64_t errors;		/* RAW: physical commands that failed;
					   VIRTUAL: vmkfs calls that failed */
	char name[VMK_VM_DISK_NAME_LEN];	/* as the VM's config names it */
};

struct vmk_vm_disks {
	uint32_t id;			/* in: the VM */
	uint32_t state;			/* out: VMK_VM_STATE_* */
	char name[VMK_VM_NAME_LEN];	/* out: the VM's */
	struct vmk_vm_disk_io disk[VMK_VM_MAX_DISKS];	/* out: disk[n] is scsi0:n */
};

struct vmk_vm_config {
	char name[VMK_VM_NAME_LEN];	/* NUL-terminated, unique, not empty */
	uint32_t mem_mb;		/* guest RAM, VMK_VM_MIN..MAX_MEM_MB */
	uint32_t vcpus;			/* 1..VMK_VM_MAX_VCPUS */
	uint32_t boot;			/* VMK_VM_BOOT_* */
	uint32_t sched_shares;		/* proportional share (0: 1000 per vCPU) */
	uint32_t sched_min_pct;		/* reservation, % of one CPU (0: none) */
	uint32_t sched_max_pct;		/* limit, % of one CPU (0: unlimited) */
	uint32_t sched_affinity;	/* bit n: its vCPUs may run on CPU n
					   (0: any CPU; today one CPU or all) */
	uint32_t devices;		/* VMK_VM_DEV_*; was reserved (0) */
	struct vmk_vm_nic nic[VMK_VM_MAX_NICS];	/* since ABI version 11 */
	uint32_t scsi0;			/* VMK_VM_SCSI_*; since ABI version 12 */
	uint32_t reserved2;		/* 0 */
	struct vmk_vm_disk disk[VMK_VM_MAX_DISKS];	/* need scsi0 */
	uint8_t uuid[16];		/* uuid.bios as the .vmx writes it;
					   all zeros: none. Since ABI 14 */
};

struct vmk_vm_load {
	uint32_t id;
	uint32_t what;			/* VMK_VM_IMG_* */
	uint32_t total;			/* size of the whole image */
	uint32_t offset;		/* of this piece */
	uint32_t len;			/* of this piece */
	uint32_t reserved;
	uint64_t data_gpa;		/* the piece, physically contiguous */
};

/* VMK_HC_VM_SET_ALLOC: a running VM's CPU allocation (since ABI 38). */
struct vmk_vm_alloc {
	uint32_t id;			/* the VM */
	uint32_t shares;		/* 1..1000000 */
	uint32_t min_pct;		/* reservation, % of one CPU */
	uint32_t max_pct;		/* limit, % of one CPU; 0: none */
};

struct vmk_vm_info {
	uint32_t id;
	uint32_t state;			/* VMK_VM_STATE_* */
	char name[VMK_VM_NAME_LEN];
	uint32_t mem_mb;
	uint32_t vcpus;
	uint32_t boot;
	uint32_t sched_shares, sched_min_pct, sched_max_pct;
	uint32_t sched_affinity;	/* as in struct vmk_vm_config */
	uint32_t reserved;
	uint32_t power_ons;		/* times powered on (reset counts too) */
	uint32_t vcpus_halted;		/* bit n: vCPU n in HLT */
	uint64_t cpu_time_us;		/* time spent in the guest, all vCPUs */
	uint64_t uptime_us;		/* since the last power on */
	uint64_t exits[VMK_VM_EXIT_KINDS];
	uint64_t exits_total;
	uint64_t console_dropped;	/* COM1 bytes lost: nobody read them */
	uint64_t mem_pages;		/* 4 KiB pages held now (RAM + tables) */
	uint64_t unassigned_mmio;	/* guest-physical accesses with no RAM
					   or device (reads all ones, writes
					   dropped), since created */
	uint64_t unassigned_io_writes;	/* port writes no device took */
	char reason[VMK_VM_MSG_LEN];	/* why it stopped last, or "" */
};

struct vmk_vm_list {
	uint32_t start;			/* in: first slot wanted (0: from the lowest) */
	uint32_t max;			/* in: ids wanted, 1..VMK_VM_LIST_MAX */
	uint32_t count;			/* out: ids in id[] */
	uint32_t next;			/* out: start (a slot) of the next page, 0: done */
	uint32_t id[VMK_VM_LIST_MAX];	/* out */
};
#endif /* __ASSEMBLER__ */

#endif /* VMK_VM_H */
