/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls: the COS kernel (CPL 0; at CPL > 0 VMMCALL raises #UD, as
 * on a CPU without a hypervisor) executes VMMCALL (APM vol. 2 §15.32) with
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
/*
 * Debug builds of the boot info only: EBX = VMK_PANIC_TEST_NOW forces a
 * vmkernel panic on this CPU; VMK_PANIC_TEST_VMCB puts the vmkernel's own
 * CR3 into this CPU's COS VMCB before its next VMRUN (the signature of the
 * VMCB corruption the vmkernel checks for), which the check must catch.
 */
#define VMK_HC_PANIC_TEST	4
#define VMK_PANIC_TEST_NOW	0
#define VMK_PANIC_TEST_VMCB	1
/* EBX = gpa of a NUL-terminated string (< 104 bytes): log it. */
#define VMK_HC_LOG_WRITE	5
/* 6..16: VM control; structures and states in include/vmk/vm.h. */
/* EBX = gpa of struct vmk_vm_config, ESI = msg. EBX <- the new VM's id. */
#define VMK_HC_VM_CREATE	6
/*
 * EBX = gpa of struct vmk_vm_load, ESI = msg: copy len bytes from COS
 * memory at data_gpa (physically contiguous) to offset of image `what`,
 * which is total bytes long (the first call, offset 0, sets the size and
 * replaces what was loaded before). The VM must be OFF.
 */
#define VMK_HC_VM_LOAD		7
/* EBX = id, ESI = msg: boot the loaded images; memory is taken now. */
#define VMK_HC_VM_POWER_ON	8
/*
 * EBX = id, ESI = msg: ask the guest to shut down (graceful): press its
 * ACPI power button and return; the VM goes OFF when the guest powers off.
 * VMK_NOT_SUPPORTED with a sentence when the guest has not enabled the
 * button (no ACPI OS, or not booted that far: use KILL), VMK_BAD_PARAM
 * when the VM is not running.
 */
#define VMK_HC_VM_STOP		9
/* EBX = id: power off now; every page of guest memory goes back. */
#define VMK_HC_VM_KILL		10
/* EBX = id, ESI = msg: platform reset, the guest boots again. */
#define VMK_HC_VM_RESET		11
/* EBX = id: forget an OFF or ERROR VM (VMK_BUSY while RUNNING). */
#define VMK_HC_VM_DESTROY	12
/* EBX = id, ECX = gpa of struct vmk_vm_info, EDX = its size. */
#define VMK_HC_VM_INFO		13
/*
 * EBX = gpa of struct vmk_vm_list: one page of the VMs' ids, in slot
 * order, from slot `start` on; ask again from `next` until it is 0. EBX <-
 * count. VMK_BAD_PARAM for max 0 or above VMK_VM_LIST_MAX, or start above
 * VMK_VM_ID_MAX.
 */
#define VMK_HC_VM_LIST		14
/*
 * EBX = id, ECX = gpa of a buffer, EDX = its size: the guest's COM1 output
 * since the last read (oldest bytes are dropped when nobody reads; see
 * vmk_vm_info.console_dropped). EBX <- bytes copied.
 */
#define VMK_HC_VM_CONSOLE_READ	15
/* EBX = id, ECX = gpa of bytes, EDX = count: typed into COM1. EBX <- taken. */
#define VMK_HC_VM_CONSOLE_WRITE	16
/*
 * EBX = id: each vCPU's registers, pending events and LAPIC, and the PICs,
 * into the vmkernel log (a running VM is not stopped for it). Number 17
 * was VMK_HC_VM_RUN until ABI version 4.
 */
#define VMK_HC_VM_DUMP		17
#define VMK_HC_VM_FIRST		VMK_HC_VM_CREATE
#define VMK_HC_VM_LAST		VMK_HC_VM_DUMP
/*
 * Debug builds of the boot info only (VMK_NOT_SUPPORTED otherwise):
 * EBX = gpa of struct vmk_sched_test. Creates a spinner test world (EBX <-
 * its world id) or destroys every spinner (op VMK_SCHED_TEST_STOP_ALL).
 * Admission control applies: VMK_NO_CAPACITY for an impossible reservation.
 */
#define VMK_HC_SCHED_TEST	18
/*
 * EBX = gpa of struct vmk_sched_list, ECX = its size: one page of the
 * scheduler's worlds (groups), each with all its vCPUs, from `start` on;
 * ask again from `next` until it is 0. EBX <- worlds in the page.
 */
#define VMK_HC_SCHED_LIST	19
/*
 * The virtual switch (include/vmk/net.h; since ABI version 11).
 * NET_INFO: EBX = gpa of struct vmk_net_info (in: start, since ABI 17),
 * ECX = its size; EBX <- ports.
 * NET_GROUP_ADD: EBX = gpa of struct vmk_net_group (name, vlan, policy),
 * ESI = gpa of a VMK_VM_MSG_LEN-byte buffer for the reason (0: none).
 */
#define VMK_HC_NET_INFO		20
#define VMK_HC_NET_GROUP_ADD	21
/*
 * EBX = gpa of struct vmk_storage_list, ECX = its size: the physical HBA
 * the vmkernel drives (or why it does not) and the LUNs its scan at load
 * found. EBX <- LUNs in the list. VMK_BUSY, with only msg filled in, when
 * the storage lock stayed held 16 s (docs/storage.md "Who waits for the
 * storage lock").
 */
#define VMK_HC_STORAGE_LIST	22
/*
 * Debug builds of the boot info only: EBX = gpa of struct
 * vmk_storage_read, ECX = its size: READ(10) of `blocks` blocks from
 * target:lun at lba through the vmkernel's driver, polled to its end
 * (the COS CPU waits in the hypercall, at most the driver's timeouts).
 * VMK_BUSY, nothing sent, msg says why, when the storage lock stayed
 * held 4 s.
 */
#define VMK_HC_STORAGE_READ	23
/*
 * EBX = gpa of struct vmk_storage_rescan, ECX = its size: scan the HBA
 * again and merge what it finds into the list (new LUNs, LUNs gone,
 * new capacities; docs/storage.md "Rescan"). The COS CPU waits in the
 * hypercall (at most 16 s with hung LUNs); the storage lock is let go
 * between the scan's commands. Since ABI version 15.
 */
#define VMK_HC_STORAGE_RESCAN	24
/*
 * Port groups (since ABI version 15), EBX = gpa of struct vmk_net_group,
 * ESI = gpa of a VMK_VM_MSG_LEN-byte buffer for the reason (0: none).
 * NET_GROUP_SET: an existing group's VLAN and policy become those given;
 * its ports keep their ids and take them from their next frame.
 * NET_GROUP_DEL: remove a group that has no port (VMK_BUSY otherwise).
 */
#define VMK_HC_NET_GROUP_SET	25
#define VMK_HC_NET_GROUP_DEL	26
/*
 * A VM's vNIC link, as its cable (since ABI version 16): EBX = VM id,
 * ECX = NIC index (ethernetN), EDX = 1 up, 0 down, ESI = gpa of a
 * VMK_VM_MSG_LEN-byte buffer for the reason (0: none). The VM must run.
 */
#define VMK_HC_NET_NIC_LINK	27
/*
 * Switches (since ABI version 17): EBX = gpa of struct vmk_net_switch
 * (name, op VMK_NET_SWITCH_ADD or _DEL), ESI = gpa of a VMK_VM_MSG_LEN-byte
 * buffer for the reason (0: none). ADD: an internal switch (no uplink);
 * DEL: refused (VMK_BUSY) while one of its port groups has ports, and
 * for vswitch0 (VMK_NOT_SUPPORTED).
 */
#define VMK_HC_NET_SWITCH	28
/*
 * EBX = gpa of struct vmk_datastore_list, ECX = its size: the VMFS
 * volumes the vmkernel found on its LUNs at load, mounted as datastores
 * or refused with the reason (docs/storage.md "Datastores"). EBX <-
 * entries in the list. VMK_BUSY, with only msg filled in, when the
 * storage lock stayed held 16 s. Since ABI version 18.
 */
#define VMK_HC_STORAGE_DATASTORES	29
/*
 * EBX = gpa of struct vmk_storage_format, ECX = its size: make a VMFS-3
 * volume on vmhba0:C0:T<target>:L<lun> and mount it read-write as a
 * datastore (vmkfstools -C through the vmkernel; docs/storage.md
 * "Datastores"). Refused with msg, nothing written, when a datastore is
 * mounted from the LUN or has the label, a VM holds the LUN raw, or the
 * LUN does not answer. Since ABI version 25.
 */
#define VMK_HC_STORAGE_FORMAT	31
/*
 * EBX = gpa of struct vmk_storage_vdisk, ECX = its size: on a mounted
 * datastore, make a folder (VMK_VDISK_OP_MKDIR) or a flat virtual disk,
 * its descriptor and extent (VMK_VDISK_OP_CREATE; vmkfstools --mkdir and
 * -c through the vmkernel; docs/storage.md "Making virtual disks"), or
 * zero a step of a disk's pending blocks (VMK_VDISK_OP_ZERO), delete,
 * describe, grow or rename a disk (VMK_VDISK_OP_DELETE, _STAT, _EXTEND,
 * _RENAME) or remove an empty folder (VMK_VDISK_OP_RMDIR).
 * Refused with msg, nothing left behind, when the file exists, its folder
 * is missing, no datastore has the label, it has not the room, or a VM
 * holds the disk. Since ABI version 28 (DELETE, STAT, EXTEND, RMDIR,
 * RENAME: 33).
 */
#define VMK_HC_STORAGE_VDISK	32
/*
 * EBX = gpa of struct vmk_vm_disks, ECX = its size, its id filled in: the
 * VM's disks and the I/O its guest ran on each since its last power on or reset
 * (`vmkctl storage disks`; docs/storage.md "Per-VM counters"). A VM that
 * is off has no disk open: every kind is VMK_VM_DISK_NONE. VMK_BAD_PARAM
 * for an id no VM has. Since ABI version 34.
 */
#define VMK_HC_VM_DISKS		33
/*
 * The COS's disks through the vmkernel (since ABI version 35): EBX = gpa
 * of struct vmk_cos_disk, ECX = its size; op (docs/storage.md "The COS's
 * disks"). ATTACH makes a LUN the COS's (nr_blocks, block_size out),
 * refused with msg while a datastore is mounted from it or a VM maps it
 * raw; while attached, a VM's raw map and a format of it are refused.
 * READ and WRITE move `blocks` blocks at lba to or from the COS pages of
 * seg[] (each piece inside one page, a multiple of 512 bytes, together
 * blocks * 512, at most VMK_COS_DISK_MAX_BYTES) through the vmkernel's
 * bounce buffer; FLUSH sends SYNCHRONIZE CACHE; DETACH lets go of it.
 * The COS CPU waits in the hypercall (polled); VMK_BUSY, nothing done,
 * when the storage lock stayed held 4 s. Since ABI version 48 the COS's
 * block driver uses a ring instead (struct vmk_cos_disk_ring): SETUP
 * registers one per attached LUN (ring_gpa, its doorbell's vector and
 * APIC ID), KICK says new requests wait in it and returns at once; the
 * storage world runs them and rings the doorbell (docs/storage.md "The
 * COS's disks").
 */
#define VMK_HC_COS_DISK		34
/*
 * The COS's port on vswitch0 (since ABI version 36; docs/network.md "The
 * COS on the switch"): EBX = gpa of struct vmk_cos_net (include/vmk/net.h),
 * ECX = its size; op INFO, TX or RX. The request is copied once and
 * checked on the copy; the reply goes back whole, msg saying why not.
 */
#define VMK_HC_COS_NET		35
/*
 * A running VM's CPU allocation (since ABI version 38): EBX = gpa of
 * struct vmk_vm_alloc (include/vmk/vm.h), ECX = its size, ESI = msg. The
 * VM's shares, reservation and limit become those given from its next
 * scheduling decision, under the same admission control as at power on
 * (VMK_NO_CAPACITY, nothing changed, when the reservations would exceed
 * the CPUs); VMK_BAD_PARAM for no such VM, one not running, or values
 * out of range. VMK_HC_VM_INFO shows them at once.
 */
#define VMK_HC_VM_SET_ALLOC	36
/*
 * Files on a mounted datastore, for the COS's vmkfs file system
 * (/vmfs/volumes/LABEL; since ABI version 45; docs/storage.md "The
 * datastores in the COS"): EBX = gpa of struct vmk_vmfs_file, ECX = its
 * size; op VMK_VMFS_*. The request is copied once and checked on the
 * copy (path "LABEL" or "LABEL/a/b": no empty, "." or ".." parts); READ
 * and WRITE move up to VMK_VMFS_IO_MAX bytes to or from the COS buffer
 * at buf_gpa (physically contiguous) through vmkernel memory. Handles
 * (OPEN) are the vmkernel's, VMK_VMFS_HANDLES at once, closed at the
 * give-back. A file a VM holds is refused (VMK_BUSY, error EBUSY, msg
 * names the VM). error: the errno for the COS, msg: why. Waits for the
 * storage lock as vmkfstools's requests do (VMK_BUSY, nothing done).
 */
#define VMK_HC_VMFS_FILE	37
#define VMK_HC_MAX		38

#define VMK_SCHED_TEST_SPIN	1	/* a world that spins on cpu (or any) */
#define VMK_SCHED_TEST_STOP_ALL	2
#define VMK_SCHED_UNLIMITED	0xffffffffu	/* max_pct: no limit */
#define VMK_SCHED_ANY_CPU	0xffffffffu

struct vmk_sched_test {
	uint32_t op;			/* VMK_SCHED_TEST_* */
	uint32_t cpu;			/* CPU to pin to, VMK_SCHED_ANY_CPU */
	uint32_t shares;		/* 1..1000000 */
	uint32_t min_pct;		/* reservation, % of one CPU */
	uint32_t max_pct;		/* limit, % of one CPU, or VMK_SCHED_UNLIMITED */
	uint32_t world_id;		/* out: the new world */
	char name[16];			/* NUL-terminated */
};

/* The physical storage adapter (docs/storage.md). */
#define VMK_STORAGE_NONE	0	/* no PVSCSI function on the PCI buses */
#define VMK_STORAGE_RUNNING	1	/* the vmkernel drives it */
#define VMK_STORAGE_REFUSED	2	/* found, not taken: msg says why */
#define VMK_STORAGE_FAILED	3	/* taken, then the adapter stopped: msg */
#define VMK_STORAGE_COS		4	/* left to the COS (vmkload storage=0) */
#define VMK_STORAGE_MAX_LUNS	32
#define VMK_STORAGE_MSG_LEN	104

struct vmk_storage_lun {
	uint32_t target, lun;
	uint32_t type;			/* SPC-4 peripheral device type */
	uint32_t block_size;		/* 0: unknown */
	uint64_t nr_blocks;
	char vendor[12];		/* NUL-terminated, printable ASCII */
	char product[20];
	char error[64];			/* why the LUN is unusable, or empty */
};

struct vmk_storage_list {
	uint32_t state;			/* VMK_STORAGE_* */
	uint32_t pci_bdf;		/* bus << 8 | device << 3 | function */
	uint64_t bar_pa;		/* the register BAR */
	uint32_t bar_len;
	uint32_t nluns;
	char name[16];			/* "vmhba0" */
	char driver[16];		/* "pvscsi" */
	char msg[VMK_STORAGE_MSG_LEN];	/* REFUSED/FAILED: why */
	uint64_t completions, bogus_completions;
	uint64_t timeouts, aborts, bus_resets, adapter_resets;
	struct vmk_storage_lun lun[VMK_STORAGE_MAX_LUNS];
};

#define VMK_STORAGE_READ_MAX	4096	/* bytes one VMK_HC_STORAGE_READ returns */
struct vmk_storage_read {
	uint32_t target, lun;		/* in */
	uint64_t lba;			/* in */
	uint32_t blocks;		/* in: blocks * block size <= VMK_STORAGE_READ_MAX */
	uint32_t host;			/* out: adapter.h's STORAGE_HOST_* */
	uint32_t status;		/* out: SCSI status byte */
	uint32_t sense_key;		/* out: with CHECK CONDITION */
	uint32_t len;			/* out: bytes read */
	uint32_t reserved;
	char msg[VMK_STORAGE_MSG_LEN];	/* out: why it failed */
	uint8_t data[VMK_STORAGE_READ_MAX];
};

/* What VMK_HC_STORAGE_RESCAN changed (all out). */
struct vmk_storage_rescan {
	uint32_t added;			/* LUNs found that were not listed, or back */
	uint32_t gone;			/* listed LUNs not found: marked gone */
	uint32_t changed;		/* new capacity or block size */
	uint32_t removed;		/* gone before, still gone, unused: dropped */
	uint32_t dropped;		/* found, but the list was full */
	uint32_t unresponsive;		/* LUNs whose scan command timed out */
	uint32_t targets_skipped;	/* not scanned: too many hung commands */
	uint32_t nluns;			/* LUNs listed now */
	char msg[VMK_STORAGE_MSG_LEN];	/* why it failed */
};

/* A VMFS volume on a LUN (VMK_HC_STORAGE_DATASTORES). */
#define VMK_DATASTORE_MOUNTED	1	/* a datastore, read-only */
#define VMK_DATASTORE_REFUSED	2	/* a VMFS volume not mounted: msg says why */
#define VMK_DATASTORE_LABEL_LEN	128	/* VMFS-3's label field, NUL-terminated */
#define VMK_DATASTORE_UUID_LEN	40	/* xxxxxxxx-xxxxxxxx-xxxx-xxxxxxxxxxxx and NUL */

struct vmk_datastore {
	uint32_t target, lun;		/* the LUN: vmhba0:C0:T<target>:L<lun> */
	uint32_t state;			/* VMK_DATASTORE_* */
	uint32_t block_size;		/* file block size, bytes */
	uint64_t capacity;		/* bytes of file blocks */
	uint64_t free_bytes;
	uint32_t files_total, files_free;	/* file descriptors */
	uint32_t read_write;		/* 1: mounted read-write, its heartbeat kept */
	uint32_t beats;			/* heartbeats written */
	uint32_t beats_missed;		/* skipped: the storage lock was busy */
	uint32_t beats_failed;		/* failed: msg says the last failure */
	char label[VMK_DATASTORE_LABEL_LEN];
	char uuid[VMK_DATASTORE_UUID_LEN];
	char msg[VMK_STORAGE_MSG_LEN];	/* REFUSED: why; MOUNTED: the last failed beat */
};

struct vmk_storage_format {
	uint32_t target, lun;		/* in: the LUN, vmhba0:C0:T<target>:L<lun> */
	uint32_t block_size;		/* in: file block size, bytes: 1, 2, 4 or 8 MiB */
	uint32_t reserved;
	uint64_t now_unix;		/* in: the COS's clock, seconds since 1970; 0: none */
	char label[VMK_DATASTORE_LABEL_LEN];	/* in: 1..127 printable, no '/' or ']', not . or .. */
	struct vmk_datastore ds;	/* out: the datastore made */
	char msg[VMK_STORAGE_MSG_LEN];	/* out: why not */
};

#define VMK_VDISK_OP_MKDIR	1	/* path: /vmfs/volumes/LABEL/DIR or [LABEL] DIR */
#define VMK_VDISK_OP_CREATE	2	/* path: .../DIR/NAME.vmdk; NAME-flat.vmdk beside */
/*
 * path: a disk's .vmdk; zero up to VMK_VDISK_ZERO_STEP bytes of the
 * extent's blocks still to be zeroed (blocks_left: how many are left).
 * Since ABI version 32.
 */
#define VMK_VDISK_OP_ZERO	3
/*
 * Since ABI version 33, path a disk's .vmdk (RMDIR: a folder's), refused
 * (VMK_BUSY) while a VM or another host's lock holds the disk:
 * DELETE removes the extent, then the descriptor; STAT answers size,
 * format, blocks_* and holder; EXTEND grows the extent to size bytes
 * (in; larger than now) and rewrites the descriptor; RMDIR removes an
 * empty folder; RENAME renames both files to new_path's and rewrites
 * the descriptor.
 */
#define VMK_VDISK_OP_DELETE	4
#define VMK_VDISK_OP_STAT	5
#define VMK_VDISK_OP_EXTEND	6
#define VMK_VDISK_OP_RMDIR	7
/* new_path: the disk's new .vmdk on the same datastore; both files renamed */
#define VMK_VDISK_OP_RENAME	8
#define VMK_VDISK_THIN		0	/* blocks allocated on first write */
#define VMK_VDISK_ZEROEDTHICK	1	/* allocated now, zeroed on first write */
/*
 * Allocated now, zeroed by VMK_VDISK_OP_ZERO steps: CREATE makes it
 * zeroedthick and answers blocks_left; until the COS's steps end, it
 * is a zeroedthick disk (reads zeros where unwritten all the same).
 */
#define VMK_VDISK_EAGERZEROEDTHICK 2
#define VMK_VDISK_ZERO_STEP	(16ull << 20)	/* bytes per OP_ZERO call, at most */
#define VMK_VDISK_PATH_LEN	128	/* with the NUL, as VMK_VM_DISK_NAME_LEN */
#define VMK_VDISK_ADAPTER_LEN	16	/* ddb.adapterType: 1..15 of [a-z0-9], NUL */
#define VMK_VDISK_HOLDER_LEN	32	/* a VM's name, with the NUL */

struct vmk_storage_vdisk {
	uint32_t op;			/* in: VMK_VDISK_OP_* */
	uint32_t format;		/* in: VMK_VDISK_* (CREATE); out (STAT) */
	uint64_t size;			/* in: bytes, a nonzero multiple of 512 (CREATE,
					 * EXTEND); out (STAT) */
	uint64_t now_unix;		/* in: the COS's clock, seconds since 1970; 0: none */
	char adapter[VMK_VDISK_ADAPTER_LEN];	/* in (CREATE) */
	char path[VMK_VDISK_PATH_LEN];	/* in: NUL-terminated */
	uint64_t free_bytes;		/* out: the datastore's, after */
	uint64_t blocks_left;		/* out (CREATE, ZERO, STAT): blocks still to zero */
	uint64_t blocks_total;		/* out (CREATE, ZERO, STAT): the extent's file blocks */
	char msg[VMK_STORAGE_MSG_LEN];	/* out: why not */
	uint64_t blocks_alloc;		/* out (STAT): file blocks allocated */
	uint32_t block_size;		/* out (STAT): the volume's file block, bytes */
	uint32_t reserved;
	char holder[VMK_VDISK_HOLDER_LEN];	/* out (STAT): a VM's name, "another host" or "" */
	char new_path[VMK_VDISK_PATH_LEN];	/* in (RENAME): NUL-terminated */
};

#define VMK_COS_DISK_ATTACH	1
#define VMK_COS_DISK_DETACH	2
#define VMK_COS_DISK_READ	3
#define VMK_COS_DISK_WRITE	4
#define VMK_COS_DISK_FLUSH	5
#define VMK_COS_DISK_SETUP	6	/* ring_gpa, vector, apic_id (ABI 48) */
#define VMK_COS_DISK_KICK	7	/* the ring has new requests (ABI 48) */
#define VMK_COS_DISK_SEGS	16		/* pieces of one READ or WRITE */
#define VMK_COS_DISK_MAX_BYTES	(64 * 1024)	/* one READ or WRITE, at most */
#define VMK_COS_DISK_MAX	4		/* LUNs the COS has at once */
#define VMK_COS_DISK_BLOCK	512		/* the only block size offered */

struct vmk_cos_disk_seg {
	uint64_t gpa;			/* COS-physical */
	uint32_t len;			/* bytes, a multiple of 512, within gpa's page */
	uint32_t reserved;
};

struct vmk_cos_disk {
	uint32_t op;			/* in: VMK_COS_DISK_* */
	uint32_t target, lun;		/* in: vmhba0:C0:T<target>:L<lun> */
	uint32_t blocks;		/* in (READ, WRITE) */
	uint64_t lba;			/* in (READ, WRITE) */
	uint64_t nr_blocks;		/* out (ATTACH): the LUN's size */
	uint32_t block_size;		/* out (ATTACH) */
	uint32_t nsegs;			/* in (READ, WRITE): entries of seg[] */
	struct vmk_cos_disk_seg seg[VMK_COS_DISK_SEGS];
	char msg[VMK_STORAGE_MSG_LEN];	/* out: why not */
	uint64_t ring_gpa;		/* in (SETUP): the ring, COS-physical, page-aligned */
};

/*
 * The ring of one COS disk (ABI 48; docs/storage.md "The COS's disks"),
 * VMK_COS_DISK_RING_BYTES of contiguous COS memory, as Xen's blkif: the
 * COS writes requests at req_prod, the vmkernel's storage world takes
 * them (its own copy of each, checked as a VMK_HC_COS_DISK READ, WRITE or
 * FLUSH) and writes a response of each at rsp_prod, in the order it ran
 * them. Indices run free (mod 2^32); an entry is index % DEPTH. The COS
 * kicks (VMK_COS_DISK_KICK) only when req_prod passes req_event, which
 * the vmkernel sets to its next request + 1 before it sleeps; the
 * vmkernel rings the doorbell only when rsp_prod passes rsp_event, which
 * the COS sets likewise: a fixed IPI of the vector at the CPU that bell
 * names (read at each ring; 0 or a vector outside VMK_COS_DISK_VEC_MIN..
 * MAX: none, the COS polls). The COS keeps at most DEPTH requests out.
 */
#define VMK_COS_DISK_RING_DEPTH	32
#define VMK_COS_DISK_RING_BYTES	16384
#define VMK_COS_DISK_VEC_MIN	0x20	/* the first vector a LAPIC delivers */
#define VMK_COS_DISK_VEC_MAX	0xeb	/* below Linux's system vectors (0xec up) */

struct vmk_cos_disk_ring_req {
	uint64_t id;			/* the COS's, echoed in the response */
	uint32_t op;			/* VMK_COS_DISK_READ, WRITE or FLUSH */
	uint32_t blocks;
	uint64_t lba;
	uint32_t nsegs;
	uint32_t reserved;
	struct vmk_cos_disk_seg seg[VMK_COS_DISK_SEGS];
};

struct vmk_cos_disk_ring_rsp {
	uint64_t id;
	int32_t status;			/* a vmk_status_t: VMK_BUSY, nothing done: again */
	uint32_t reserved;
	char msg[VMK_STORAGE_MSG_LEN];	/* why not */
};

struct vmk_cos_disk_ring {
	uint32_t req_prod;		/* the COS's */
	uint32_t req_event;		/* the vmkernel's: kick when req_prod passes it */
	uint32_t rsp_prod;		/* the vmkernel's */
	uint32_t rsp_event;		/* the COS's: ring when rsp_prod passes it */
	uint32_t bell;			/* the COS's: vector | physical APIC ID << 8 */
	uint32_t reserved[11];
	struct vmk_cos_disk_ring_req req[VMK_COS_DISK_RING_DEPTH];
	struct vmk_cos_disk_ring_rsp rsp[VMK_COS_DISK_RING_DEPTH];
};

#define VMK_VMFS_STATFS		1	/* path "LABEL": the volume's room */
#define VMK_VMFS_STAT		2	/* path: st */
#define VMK_VMFS_READDIR	3	/* path, cookie: ent[], nents, cookie */
#define VMK_VMFS_MKDIR		4
#define VMK_VMFS_RMDIR		5	/* an empty folder */
#define VMK_VMFS_UNLINK		6	/* a file */
#define VMK_VMFS_RENAME		7	/* path to new_path, on the same datastore */
#define VMK_VMFS_CREATE		8	/* an empty thin file: st */
#define VMK_VMFS_OPEN		9	/* path, flags: handle, st */
#define VMK_VMFS_READ		10	/* handle, offset, len, buf_gpa: len read */
#define VMK_VMFS_WRITE		11	/* handle, offset, len, buf_gpa: len written */
#define VMK_VMFS_TRUNCATE	12	/* handle (read-write), offset: the new size */
#define VMK_VMFS_FSYNC		13	/* handle */
#define VMK_VMFS_CLOSE		14	/* handle */
#define VMK_VMFS_OP_MAX		14
#define VMK_VMFS_RDWR		1	/* OPEN's flags: exclusive on-disk lock */
#define VMK_VMFS_REPLACE	2	/* RENAME's flags: new_path may exist, goes */
#define VMK_VMFS_PATH_LEN	384	/* "LABEL/a/b" with the NUL */
#define VMK_VMFS_NAME_LEN	128	/* one part, with the NUL (VMFS-3's) */
#define VMK_VMFS_IO_MAX		(64 * 1024)	/* bytes of one READ or WRITE */
#define VMK_VMFS_HANDLES	32	/* files the COS has open at once */
#define VMK_VMFS_DIR_ENTRIES	16	/* entries of one READDIR */
/* vmk_vmfs_file.error: Linux's errno numbers (asm-generic/errno*.h). */
#define VMK_VMFS_ENOENT		2
#define VMK_VMFS_EIO		5
#define VMK_VMFS_EBADF		9
#define VMK_VMFS_ENOMEM		12
#define VMK_VMFS_EFAULT		14
#define VMK_VMFS_EBUSY		16
#define VMK_VMFS_EEXIST		17
#define VMK_VMFS_EXDEV		18
#define VMK_VMFS_ENODEV		19
#define VMK_VMFS_ENOTDIR	20
#define VMK_VMFS_EISDIR		21
#define VMK_VMFS_EINVAL		22
#define VMK_VMFS_EMFILE		24
#define VMK_VMFS_EFBIG		27
#define VMK_VMFS_ENOSPC		28
#define VMK_VMFS_EROFS		30
#define VMK_VMFS_ENAMETOOLONG	36
#define VMK_VMFS_ENOTEMPTY	39
#define VMK_VMFS_EUCLEAN	117	/* the volume fails its checks */
#define VMK_VMFS_DIR		1	/* vmk_vmfs_stat.type */
#define VMK_VMFS_FILE		2
#define VMK_VMFS_SYSTEM		3	/* the volume's own files (.fdc.sf, ...) */

struct vmk_vmfs_stat {
	uint64_t size;			/* bytes */
	uint64_t alloc_bytes;		/* file blocks allocated, in bytes */
	uint32_t type;			/* VMK_VMFS_DIR, _FILE, _SYSTEM */
	uint32_t mode;			/* permission bits as VMFS keeps them */
	uint32_t nlink;
	uint32_t id;			/* the file descriptor's: an inode number */
	uint32_t mtime, ctime;		/* seconds since 1970 */
};

struct vmk_vmfs_dirent {
	char name[VMK_VMFS_NAME_LEN];	/* NUL-terminated */
	struct vmk_vmfs_stat st;
};

struct vmk_vmfs_file {
	uint32_t op;			/* in: VMK_VMFS_* */
	uint32_t flags;			/* in: OPEN: VMK_VMFS_RDWR; RENAME: _REPLACE; or 0 */
	uint32_t handle;		/* in (READ ... CLOSE); out (OPEN) */
	uint32_t len;			/* in (READ, WRITE): <= VMK_VMFS_IO_MAX; out: bytes moved */
	uint64_t offset;		/* in (READ, WRITE; TRUNCATE: the size) */
	uint64_t buf_gpa;		/* in (READ, WRITE): COS memory, len bytes */
	uint64_t now_unix;		/* in: the COS's clock, seconds since 1970; 0: none */
	uint32_t cookie;		/* in (READDIR): where to go on, 0 first; out: 0 at the end */
	uint32_t nents;			/* out (READDIR): entries in ent[] */
	char path[VMK_VMFS_PATH_LEN];	/* in: NUL-terminated */
	char new_path[VMK_VMFS_PATH_LEN];	/* in (RENAME) */
	struct vmk_vmfs_stat st;	/* out (STAT, CREATE, OPEN) */
	uint64_t capacity, free_bytes;	/* out (STATFS) */
	uint32_t block_size;		/* out (STATFS) */
	uint32_t files_free;		/* out (STATFS): file descriptors */
	uint32_t files_total;		/* out (STATFS) */
	uint32_t error;			/* out: an errno (Linux's numbers), 0: done */
	char msg[VMK_STORAGE_MSG_LEN];	/* out: why not */
	struct vmk_vmfs_dirent ent[VMK_VMFS_DIR_ENTRIES];	/* out (READDIR) */
};

struct vmk_datastore_list {
	uint32_t n;			/* entries in ds[] */
	uint32_t adapter_state;		/* VMK_STORAGE_* of vmhba0 */
	char msg[VMK_STORAGE_MSG_LEN];	/* VMK_BUSY: why; else the adapter's */
	struct vmk_datastore ds[VMK_STORAGE_MAX_LUNS];
};

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
#define VMK_EXIT_INTR		5	/* physical interrupt or NMI */
#define VMK_EXIT_VINTR		6	/* interrupt window for an injection */
#define VMK_EXIT_HLT		7	/* COS idle while other worlds wait */
#define VMK_EXIT_OTHER		8
#define VMK_EXIT_KINDS		9

struct vmk_cpu_info {
	uint32_t apic_id;
	uint32_t state;			/* 1: COS runs as a guest here */
	uint64_t exits[VMK_EXIT_KINDS];	/* exits of the COS vCPU on this CPU */
	uint64_t exits_total;
	uint64_t intr_forwarded;	/* physical interrupts passed to the COS */
	uint64_t intr_vmkernel;		/* the vmkernel's own (timer, IPIs) */
	uint64_t idle_us;		/* time in the idle world */
};

#define VMK_WORLD_NAME_LEN	16
#define VMK_WORLD_COS		1	/* the console OS */
#define VMK_WORLD_VM		2
#define VMK_WORLD_TEST		3	/* debug spinner */
#define VMK_WORLD_SERVICE	4	/* the vmkernel's periodic tasks (since 20) */
#define VMK_WORLD_MAX_VCPUS	32	/* vCPUs of one world at most */

/* A world as the operator sees it: the COS, a VM, a test world. */
struct vmk_world_info {
	uint32_t id;
	uint32_t type;			/* VMK_WORLD_* */
	uint32_t vcpus;
	uint32_t reserved;
	char name[VMK_WORLD_NAME_LEN];
	uint32_t shares;
	uint32_t min_pct;		/* reservation, % of one CPU */
	uint32_t max_pct;		/* limit, % of one CPU, VMK_SCHED_UNLIMITED */
	uint32_t reserved2;
	uint64_t run_us;		/* CPU time of all its vCPUs */
	uint64_t ready_us;		/* time its vCPUs waited for a CPU */
};

/* One schedulable vCPU of a world. */
struct vmk_vcpu_info {
	uint32_t world_id;		/* vmk_world_info.id */
	uint32_t vcpu;			/* index within the world */
	uint32_t cpu;			/* physical CPU it is on */
	uint32_t state;			/* 1 ready, 2 running, 3 blocked */
	uint64_t run_us;
	uint64_t ready_us;
	uint64_t switches;		/* times put on a CPU */
	uint64_t migrations;		/* times moved to another CPU */
};

struct vmk_info {
	uint32_t abi_version;
	uint32_t state;			/* VMK_STATE_* */
	char version[VMK_VERSION_LEN];
	uint32_t ncpus;			/* CPUs under the vmkernel */
	uint32_t nworlds;		/* worlds (groups) now: VMK_HC_SCHED_LIST */
	uint64_t uptime_us;
	uint64_t mem_total;		/* bytes of pool */
	uint64_t mem_free;
	uint64_t npt_violations;	/* COS accesses to vmkernel memory */
	uint64_t log_seq;		/* sequence number of the newest record */
	struct vmk_cpu_info cpu[VMK_MAX_CPUS];
	uint32_t nvcpus;		/* their vCPUs now */
	uint32_t sched_period_us;	/* reservation/limit accounting period */
};

#define VMK_SCHED_LIST_WORLDS	16
#define VMK_SCHED_LIST_VCPUS	64	/* >= VMK_WORLD_MAX_VCPUS */

/*
 * One page of VMK_HC_SCHED_LIST. A world's vCPUs are always in the same
 * page as the world. `start` and `next` are opaque positions (0: from the
 * beginning; next 0: this was the last page); worlds created or destroyed
 * between calls may be missed or shown once, never twice.
 */
struct vmk_sched_list {
	uint32_t start;			/* in */
	uint32_t next;			/* out */
	uint32_t nworlds;		/* out: entries in world[] */
	uint32_t nvcpus;		/* out: entries in vcpu[] */
	struct vmk_world_info world[VMK_SCHED_LIST_WORLDS];
	struct vmk_vcpu_info vcpu[VMK_SCHED_LIST_VCPUS];
};

#endif /* VMK_HYPERCALL_H */
