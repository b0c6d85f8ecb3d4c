/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM objects (ABI: include/vmk/vm.h): configuration, life cycle, guest
 * memory from the pool behind a per-VM nested page table, the staged boot
 * images, and the per-VM device platform (vmm/devices.h). The vCPUs' run
 * loop and exit handling live in vmkernel/vm/vcpu.c.
 *
 * Each vCPU is a world of the vmkernel scheduler (core/world.h) in one
 * scheduler group per VM that carries the VM's shares, reservation and
 * limit; the worlds exist from power on until the COS next looks at the
 * stopped VM (vm_worlds_reap()).
 *
 * VMs are allocated from the pool at create and freed when the last user
 * lets go after destroy: vm_table_lock guards the id table (slot and
 * generation, lib/id_table.h; the rules are at the table in vm.c) and
 * every VM's references. vm->lock guards the VM's state and all device
 * work (vmm/devices.h is not thread-safe). A vCPU runs the guest without
 * the lock. Order: vm->lock, then the staging window's lock or the
 * scheduler's run-queue locks (sched_wake() and sched_block() under
 * vm->lock).
 */
#ifndef VMKERNEL_VM_VM_H
#define VMKERNEL_VM_VM_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/lib/why.h"
#include "vmkernel/mm/pae.h"
#include "vmkernel/arch/x86/asid.h"
#include "vmkernel/arch/x86/svm_vcpu.h"
#include "vmm/devices.h"
#include "vmm/boot/firmware.h"
#include "vmm/guest_dma.h"
#include <vmk/vm.h>

#define VM_MAX_RAM_CHUNKS	(VMK_VM_MAX_MEM_MB / (VMK_CHUNK_SIZE >> 20))
/* PDPT + 4 PDs (RAM is mapped by 2 MiB pages) + the firmware ROM's page table */
#define VM_NPT_TABLES		6
#define VM_CMDLINE_MAX		4096
/*
 * A staged kernel or initrd lives in pool chunks of its VM. The boot
 * loaders want it contiguous, so while one VM boots its two images are
 * mapped at one window shared by all VMs (kernel at VM_STAGE_BASE, initrd
 * VMK_VM_IMG_MAX above), serialized by a lock: VM boots are short and
 * rare, and one window costs 32 MiB of address space whatever the number
 * of VMs.
 */
#define VM_STAGE_BASE		0xc0000000u
#define VM_STAGE_END		(VM_STAGE_BASE + 2 * VMK_VM_IMG_MAX)
#define VM_STAGE_CHUNKS		(VMK_VM_IMG_MAX / VMK_CHUNK_SIZE)

/* vCPU run state. */
#define VCPU_RUNNABLE		0
#define VCPU_HALTED		1	/* HLT, waits for an interrupt */
#define VCPU_WAIT_SIPI		2	/* AP before INIT/SIPI */

/* One vCPU of a VM: the SVM vCPU (arch/x86/svm_vcpu.h) and its VM's view. */
struct vm_vcpu {
	struct svm_vcpu svm;
	struct vm *vm;
	uint32_t index;
	uint32_t state;			/* VCPU_* */
	bool in_guest;			/* a physical CPU runs it now */
	uint32_t last_cpu;		/* physical CPU + 1 of the last run */
	struct asid_tag asid;		/* its ASID there (arch/x86/asid.h) */
	uint32_t msr_logged;		/* #GPs for absent MSRs (the first few logged) */
	uint32_t tsc_aux;		/* IA32_TSC_AUX: RDTSCP's ECX */
	struct nmi_block nmi;		/* NMI blocking until IRET */
	struct world *world;		/* the scheduler's world for it, or NULL */
};

struct vm_stage {
	uint32_t size;			/* bytes loaded (total of the last load) */
	uint32_t nchunks;
	uint32_t chunk_pa[VM_STAGE_CHUNKS];
};

struct vm {
	struct spinlock lock;
	uint32_t id;			/* its slot (1..VMK_VM_ID_MAX) and generation */
	uint32_t domain;		/* trust domain for IBPB (svm_domain_new) */
	uint32_t pa;			/* of this struct in the pool */
	bool destroyed;			/* out of the id table: no new work */
	struct vmk_vm_config cfg;
	uint32_t state;			/* VMK_VM_STATE_* */
	char reason[VMK_VM_MSG_LEN];

	/*
	 * images staged by VMK_HC_VM_LOAD in pool chunks, by VMK_VM_IMG_*:
	 * kernel, initrd, firmware, option ROM (the command line's stays empty)
	 */
	struct vm_stage stage[VMK_VM_IMG_KINDS];
	char cmdline[VM_CMDLINE_MAX];
	char boot_cmdline[VM_CMDLINE_MAX];	/* what a Linux guest gets */

	/* guest memory while powered on */
	uint32_t nchunks;
	uint32_t chunk_pa[VM_MAX_RAM_CHUNKS];
	uint32_t npt_table_pa[VM_NPT_TABLES];
	uint32_t npt_ntables;
	struct pae_ops npt_ops;
	struct pae_space npt;

	struct sched_group *group;	/* of its vCPU worlds, from power on */
	uint32_t active;		/* vCPU worlds inside their run */
	bool reset_pending, stop_pending;
	uint32_t stop_state;		/* state to enter when stop_pending */

	struct vm_vcpu vcpu[VMK_VM_MAX_VCPUS];
	struct vm_devices dev;
	struct vm_firmware *fw;		/* BIOS VMs while powered on (vm_boot.c) */
	uint32_t fw_pa;
	struct vm_nic *nic[VMK_VM_MAX_NICS];	/* while powered on (vm_nic.c) */
	uint32_t nic_pa[VMK_VM_MAX_NICS];
	struct vm_scsi *scsi;		/* while powered on (vm_disk.c) */
	uint32_t scsi_pa;

	uint32_t power_ons;
	uint64_t power_on_us;
	uint64_t cpu_time_tsc;
	uint64_t exits[VMK_VM_EXIT_KINDS];
	uint64_t exits_total;
	uint64_t unassigned_mmio;	/* accesses with no RAM or device */
	uint64_t unassigned_io_writes;	/* port writes no device took */
	uint64_t bars_refused_seen;	/* dev.pci.bars_refused already logged */
	uint64_t msi_dropped_seen;	/* dev.pci.msi_dropped already logged */
};

/* Global init (CPU 0): the permission maps every VM shares. */
vmk_status_t vm_global_init(void);

/* Guest RAM access by guest-physical address (NULL: not RAM). */
void *vm_gpa_ptr(struct vm *vm, uint64_t gpa, uint32_t len);
/* A BIOS VM's firmware ROM at gpa (all len bytes of it), or NULL. */
const void *vm_rom_ptr(const struct vm *vm, uint64_t gpa, uint32_t len);
/*
 * Guest RAM for a DMA-capable device model (vmm/guest_dma.h), ctx the
 * struct vm: false, and nothing copied, unless [gpa, gpa + len) is RAM.
 */
bool vm_dma_read(void *ctx, uint64_t gpa, void *dst, uint32_t len);
bool vm_dma_write(void *ctx, uint64_t gpa, const void *src, uint32_t len);

/*
 * Stop the VM: state becomes `state` with reason; memory goes back once no
 * vCPU runs it. Called with vm->lock held.
 */
void vm_stop_locked(struct vm *vm, uint32_t state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reset: the guest boots again once no vCPU runs it. vm->lock held. */
void vm_request_reset_locked(struct vm *vm);
/* A vCPU left the guest: settle pending stops/resets. vm->lock held. */
void vm_vcpu_left_locked(struct vm *vm);
/*
 * While the COS is down (cos/cos_down.h), the operator's only view: how
 * many VMs run, and one line in the log for each VM (the first
 * VM_STATUS_LINES), prefixed: id, name, state, exits, CPU time, reason.
 */
#define VM_STATUS_LINES		16
uint32_t vm_count_running(void);
void vm_status_log(const char *prefix);
/*
 * Whether a VM the vmkernel holds, running or not, maps vmhba0's
 * target:lun raw (rdm_cfg_disk()): its name in name. Takes no VM's lock
 * (a VM's config does not change after its creation), only the table's.
 */
bool vm_maps_lun_raw(uint32_t target, uint32_t lun, char *name, uint32_t len);
/*
 * And what the VMs wrote on their consoles (COM1) since the last call, at
 * most VM_CONSOLE_LOG_BYTES of it, in lines "PREFIXvm ID console: TEXT"
 * with anything but printable ASCII shown as '.' (a guest's escape
 * sequences do not reach the operator's terminal). What is not read
 * waits for the next call; what overflows a VM's 4 KiB ring meanwhile is
 * dropped and counted (vmk_vm_info.console_dropped).
 */
#define VM_CONSOLE_LOG_BYTES	1024	/* ~0.1 s of COM2 at 115200 baud */
#define VM_CONSOLE_LINE		64
void vm_console_log(const char *prefix);
/* Virtual time of every VM: nanoseconds from the TSC. */
uint64_t vm_now_ns(void);

/* vmkernel/vm/vm_nic.c: the virtual NICs, each a port of vswitch0. vm->lock held. */
struct vm_nic;
/* Each NIC's state and its port on the switch, at power on. */
vmk_status_t vm_nics_connect(struct vm *vm, struct vmk_why *why);
/* Each NIC on the VM's PCI bus, reset (after vdev_init()). */
vmk_status_t vm_nics_attach(struct vm *vm, struct vmk_why *why);
/* Ports off the switch, state freed (with the VM's memory). */
void vm_nics_release(struct vm *vm);
/* Before a vCPU runs: frames queued for the guest into its receive rings. */
void vm_nics_poll(struct vm *vm);
bool vm_nics_present(const struct vm *vm);
/*
 * The cable of ethernet<i> (VMK_HC_NET_NIC_LINK): the switch port and the
 * model follow (STATUS.LU, ICR.LSC). It stays as set across guest
 * resets, until power off. VMK_BAD_PARAM: the VM has no such NIC.
 */
vmk_status_t vm_nic_set_link(struct vm *vm, uint32_t i, bool up);
/* A frame waits in a queue for vm_nics_poll() (any lock or none held). */
bool vm_nics_queued(const struct vm *vm);
/* A halted vCPU of a VM with NICs looks at its queues this often at least. */
#define VM_NIC_IDLE_POLL_NS	10000000ull

/* vmkernel/vm/vm_disk.c: scsi0 and its disks (raw LUNs). vm->lock held. */
struct vm_scsi;
/* The adapter's state and each disk's LUN claimed, at power on. */
vmk_status_t vm_disks_connect(struct vm *vm, struct vmk_why *why);
/*
 * A reset, before the VM's RAM is zeroed: every request of the old
 * adapter let go, a running one waited for, so none still moves data
 * into or out of the guest's pages afterwards.
 */
void vm_disks_cancel(struct vm *vm);
/* The adapter on the VM's PCI bus, reset (after vdev_init(), vm_disks_cancel()). */
vmk_status_t vm_disks_attach(struct vm *vm, struct vmk_why *why);
/* The LUNs given back, state freed (with the VM's memory). */
void vm_disks_release(struct vm *vm);
/*
 * Before a vCPU runs: the requests the storage world finished (their data
 * to the guest, their completions), then the adapter's next batch of
 * requests, if one waits.
 */
void vm_disks_poll(struct vm *vm);
/* Requests wait for vm_disks_poll(): the guest posted more than a batch. */
bool vm_disks_pending(const struct vm *vm);
/* The storage world finished requests that vm_disks_poll() has not taken. */
bool vm_disks_done(const struct vm *vm);
/* Under vm->lock: each scsi0:n's kind, size and I/O counters into io[n]. */
void vm_disks_io(const struct vm *vm, struct vmk_vm_disk_io io[VMK_VM_MAX_DISKS]);

/* vmkernel/vm/vcpu.c */
vmk_status_t vcpu_global_init(void);
vmk_status_t vcpu_create(struct vm_vcpu *v, struct vm *vm, uint32_t index);
void vcpu_destroy(struct vm_vcpu *v);
/*
 * Boot state: vCPU 0 at the loader's entry (a struct boot_entry), or at
 * the reset vector in real mode when it is NULL (firmware); APs wait for
 * SIPI.
 */
void vcpu_reset(struct vm_vcpu *v, const void *boot_entry);
/*
 * The vCPU world's run op (core/world.h): runs the guest until the
 * scheduler wants the CPU back, the guest halts or waits for SIPI (the
 * world blocks), or the VM stops or resets.
 */
void vcpu_world_run(struct world *w);
/* Does the halted or SIPI-waiting vCPU have something to do? vm->lock held. */
bool vcpu_has_work(struct vm_vcpu *v);
/* Wake the blocked vCPU worlds that have work (all: every one). vm->lock held. */
void vm_wake_vcpus_locked(struct vm *vm, bool all);
/* Each vCPU's registers, events and LAPIC into the log. vm->lock held. */
void vm_dump_locked(struct vm *vm);

#endif /* VMKERNEL_VM_VM_H */
