/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS side of /dev/vmkernel, shared by vmkctl and vmk-hostd: opening
 * the device with its ABI check, listing the vmkernel's VMs, a VM
 * operation, the virtual switches, the datastores and the virtual disks
 * made on them (include/vmk/ioctl.h). Each call
 * that can fail returns -1 and adds a sentence for the operator to diag
 * (cos-tools/lib/diag.h); the tool prints or forwards it.
 */
#ifndef COS_TOOLS_VMKDEV_H
#define COS_TOOLS_VMKDEV_H

#include <stddef.h>
#include <stdint.h>
#include <vmk/ioctl.h>
#include "cos-tools/lib/diag.h"

/* /dev/vmkernel opened (close-on-exec) and its ABI checked; tool names the caller in the mismatch sentence. */
int vmkdev_open(const char *tool, struct diag *diag);

/* The vmkernel's VMs, any number, paged through and malloc'd into *infos (free it). */
int vmkdev_vm_list(int fd, struct vmk_vm_info **infos, uint32_t *count, struct diag *diag);

/*
 * VMK_IOC_VM_OP: op (VMK_VM_OP_*) on VM id; diag gets the vmkernel's own
 * sentence when it gave one, errno the ioctl's (EOPNOTSUPP for
 * VMK_NOT_SUPPORTED, EBUSY for VMK_BUSY).
 */
int vmkdev_vm_op(int fd, uint32_t id, uint32_t op, struct diag *diag);
/* VMK_IOC_VM_SET_ALLOC: a running VM's CPU allocation; diag as above. */
int vmkdev_vm_set_alloc(int fd, const struct vmk_vm_alloc *a, struct diag *diag);

/*
 * VMK_IOC_NET_INFO: the switch at or after slot start into *ni (its port
 * groups and ports); ni->next is the slot to ask next, 0 after the last.
 */
int vmkdev_net_info(int fd, uint32_t start, struct vmk_net_info *ni, struct diag *diag);

/*
 * VMK_IOC_STORAGE_DATASTORES into *l; diag gets the vmkernel's sentence
 * when it gave one (VMK_BUSY: the storage lock stayed held), errno the
 * ioctl's.
 */
int vmkdev_datastores(int fd, struct vmk_datastore_list *l, struct diag *diag);

/* VMK_IOC_STORAGE_LIST (the adapter and its LUNs) into *l; diag as above. */
int vmkdev_storage_list(int fd, struct vmk_storage_list *l, struct diag *diag);

/*
 * VMK_IOC_STORAGE_VDISK: v's op (a folder or a disk) on v->path, which
 * the caller has filled; v->now_unix is set here. diag gets the
 * vmkernel's sentence (it names the path), errno the ioctl's (EBUSY for
 * VMK_BUSY).
 */
int vmkdev_vdisk(int fd, struct vmk_storage_vdisk *v, struct diag *diag);
/*
 * After v's CREATE of an eagerzeroedthick disk (or a ZERO): its
 * VMK_VDISK_OP_ZERO steps until v->blocks_left is 0, progress (if
 * given) called before each. As vmkdev_vdisk(); stopped early, the disk
 * is a valid zeroedthick one with v->blocks_left still to zero.
 */
int vmkdev_vdisk_zero(int fd, struct vmk_storage_vdisk *v,
		      void (*progress)(const struct vmk_storage_vdisk *v, void *arg),
		      void *arg, struct diag *diag);

#endif /* COS_TOOLS_VMKDEV_H */
