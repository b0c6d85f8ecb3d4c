/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of vmkernel/vm/ share; the rest of the vmkernel uses
 * vm.h. vm.c: life cycle and the id table; vm_mem.c: guest memory and the
 * staging window; vm_boot.c: loading images, power on and reset;
 * vm_hypercall.c: the VMK_HC_VM_* and VMK_HC_NET_NIC_LINK requests of the
 * COS, the only user of the hypercall transport.
 *
 * A failure that the operator should read is explained in `why` with
 * why_fail() (vmkernel/lib/why.h); the hypercall layer hands it to the
 * COS.
 */
#ifndef VMKERNEL_VM_VM_INTERNAL_H
#define VMKERNEL_VM_VM_INTERNAL_H

#include "vmkernel/vm/vm.h"

/* vm.c */
/* The VM of a COS-supplied id with a reference (vm_put() it), or NULL. */
struct vm *vm_get(uint32_t id);
void vm_put(struct vm *vm);
/* A new VM, OFF, of a checked configuration; its id in *id. */
vmk_status_t vm_create(const struct vmk_vm_config *cfg, uint32_t *id, struct vmk_why *why);
/* Out of the id table; the memory goes when the last user lets go. */
vmk_status_t vm_destroy(struct vm *vm);
/* One page of the VMs' ids from start (lib/id_table.h idt_page()). */
uint32_t vm_list_page(uint32_t start, uint32_t *id, uint32_t max, uint32_t *next);
vmk_status_t vm_worlds_create(struct vm *vm, struct vmk_why *why);
void vm_worlds_reap(struct vm *vm);

/* vm_mem.c */
void vm_stage_init(void);
/* Can the staging window be mapped (vm_stage_init())? */
bool vm_stage_usable(void);
uint32_t vm_stage_window(uint32_t what);
void vm_stage_map(const struct vm *vm);
void vm_stage_unmap(const struct vm *vm);
vmk_status_t vm_stage_alloc(struct vm *vm, uint32_t what, uint32_t total, struct vmk_why *why);
vmk_status_t vm_stage_write(struct vm *vm, uint32_t what, uint32_t offset,
			    uint64_t gpa, uint32_t len);
void vm_stage_free(struct vm *vm, uint32_t what);
/* The 2 MiB pool chunk at pa zeroed; [pa, pa + len) of one, len % 32 == 0. */
void vm_chunk_zero(uint32_t pa);
void vm_range_zero(uint32_t pa, uint32_t len);
/* At init: the service-world task that zeroes free chunks (mm/pool.h). */
void vm_scrub_start(void);
vmk_status_t vm_take_memory(struct vm *vm, struct vmk_why *why);
void vm_release(struct vm *vm);

/* vm_boot.c */
/* A piece of a kernel, initrd or command line from the COS. vm->lock held. */
vmk_status_t vm_load_locked(struct vm *vm, const struct vmk_vm_load *l, struct vmk_why *why);
/* Memory, vCPUs, boot and worlds of a loaded VM, started; or nothing taken. */
vmk_status_t vm_power_on(struct vm *vm, struct vmk_why *why);
/* The guest boots again from zeroed RAM. vm->lock held, no vCPU active. */
void vm_do_reset(struct vm *vm);
/* A BIOS VM's fw_cfg state freed (with the VM's memory). */
void vm_firmware_release(struct vm *vm);

#endif /* VMKERNEL_VM_VM_INTERNAL_H */
