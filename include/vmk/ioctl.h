/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/vmkernel: the COS's interface to the vmkernel (the vmkernel's
 * "system calls"). COS side only: the vmkernel never sees these numbers.
 */
#ifndef VMK_IOCTL_H
#define VMK_IOCTL_H

#include <vmk/hypercall.h>
#include <vmk/vm.h>
#include <vmk/net.h>
#include <linux/ioctl.h>

#define VMK_DEVICE		"/dev/vmkernel"
#define VMK_IOC_MAGIC		'V'

struct vmk_log_read {
	uint64_t cursor;		/* in: first seq wanted; out: next to ask */
	uint64_t records;		/* in: user pointer to vmk_log_record[] */
	uint32_t max;			/* in: room in records[] */
	uint32_t count;			/* out: records copied */
};

/* Module state, readable even when the vmkernel is not running. */
struct vmk_module_info {
	uint32_t abi_version;
	uint32_t active;		/* 1: vmkernel in control */
	uint32_t load_us;		/* takeover time of the last load */
	uint32_t unload_us;		/* give-back time of the last unload */
};

/*
 * VM control (include/vmk/vm.h, docs/abi.md "VM control"): the module copies
 * the user's buffers into COS kernel memory the vmkernel can read and makes
 * the hypercall. msg receives the vmkernel's sentence when the ioctl fails
 * (empty if it had none).
 */
struct vmk_ioc_net_group_add {
	struct vmk_net_group group;	/* in: name, vlan, policy */
	char msg[VMK_VM_MSG_LEN];	/* out: why not */
};

/* A switch added or deleted (VMK_HC_NET_SWITCH). */
struct vmk_ioc_net_switch {
	struct vmk_net_switch sw;	/* in: name, op */
	char msg[VMK_VM_MSG_LEN];	/* out: why not */
};

/* A vNIC's link (VMK_HC_NET_NIC_LINK). */
struct vmk_ioc_nic_link {
	uint32_t id;			/* in: the VM */
	uint32_t nic;			/* in: ethernetN */
	uint32_t up;			/* in: 1 up, 0 down */
	uint32_t reserved;
	char msg[VMK_VM_MSG_LEN];	/* out: why not */
};

struct vmk_ioc_vm_create {
	struct vmk_vm_config config;	/* in */
	uint32_t id;			/* out */
	uint32_t reserved;
	char msg[VMK_VM_MSG_LEN];	/* out */
};

/* One piece (at most VMK_IOC_VM_PIECE bytes) of a staged image. */
#define VMK_IOC_VM_PIECE	(64u * 1024)
struct vmk_ioc_vm_load {
	uint32_t id, what, total, offset, len;	/* as struct vmk_vm_load */
	uint32_t reserved;
	uint64_t data;			/* in: user pointer to len bytes */
	char msg[VMK_VM_MSG_LEN];	/* out */
};

/* Power operations on one VM (struct vmk_ioc_vm_op.op). */
#define VMK_VM_OP_POWER_ON	1	/* VMK_HC_VM_POWER_ON */
#define VMK_VM_OP_STOP		2	/* VMK_HC_VM_STOP (graceful) */
#define VMK_VM_OP_KILL		3	/* VMK_HC_VM_KILL */
#define VMK_VM_OP_RESET		4	/* VMK_HC_VM_RESET */
#define VMK_VM_OP_DESTROY	5	/* VMK_HC_VM_DESTROY */
#define VMK_VM_OP_DUMP		6	/* VMK_HC_VM_DUMP */
struct vmk_ioc_vm_op {
	uint32_t id, op;		/* in */
	char msg[VMK_VM_MSG_LEN];	/* out */
};

/* A running VM's CPU allocation (VMK_HC_VM_SET_ALLOC; since ABI 38). */
struct vmk_ioc_vm_alloc {
	struct vmk_vm_alloc alloc;	/* in */
	char msg[VMK_VM_MSG_LEN];	/* out: why not */
};

/* COM1 of a VM: read its output or type into it. */
struct vmk_ioc_vm_console {
	uint32_t id;			/* in */
	uint32_t len;			/* in: room or count (<= VMK_IOC_VM_PIECE); out: bytes done */
	uint64_t data;			/* in: user pointer */
};

/* arg: uint32_t * <- VMK_ABI_VERSION of the module */
#define VMK_IOC_VERSION		_IOR(VMK_IOC_MAGIC, 0, uint32_t)
#define VMK_IOC_INFO		_IOR(VMK_IOC_MAGIC, 1, struct vmk_info)
#define VMK_IOC_LOG_READ	_IOWR(VMK_IOC_MAGIC, 2, struct vmk_log_read)
#define VMK_IOC_MODULE_INFO	_IOR(VMK_IOC_MAGIC, 3, struct vmk_module_info)
/* arg: struct vmk_sched_list *, start filled in (VMK_HC_SCHED_LIST) */
#define VMK_IOC_SCHED_LIST	_IOWR(VMK_IOC_MAGIC, 4, struct vmk_sched_list)
/* arg: struct vmk_net_info *, start filled in (VMK_HC_NET_INFO) */
#define VMK_IOC_NET_INFO	_IOWR(VMK_IOC_MAGIC, 5, struct vmk_net_info)
/* arg: struct vmk_ioc_net_group_add * (VMK_HC_NET_GROUP_ADD); out: msg */
#define VMK_IOC_NET_GROUP_ADD	_IOWR(VMK_IOC_MAGIC, 6, struct vmk_ioc_net_group_add)
/* The same struct: VMK_HC_NET_GROUP_SET (name, vlan, policy), _DEL (name) */
#define VMK_IOC_NET_GROUP_SET	_IOWR(VMK_IOC_MAGIC, 0x0a, struct vmk_ioc_net_group_add)
#define VMK_IOC_NET_GROUP_DEL	_IOWR(VMK_IOC_MAGIC, 0x0b, struct vmk_ioc_net_group_add)
/* arg: struct vmk_ioc_nic_link * (VMK_HC_NET_NIC_LINK); out: msg */
#define VMK_IOC_NIC_LINK	_IOWR(VMK_IOC_MAGIC, 0x0c, struct vmk_ioc_nic_link)
/* arg: struct vmk_ioc_net_switch * (VMK_HC_NET_SWITCH); out: msg */
#define VMK_IOC_NET_SWITCH	_IOWR(VMK_IOC_MAGIC, 0x0d, struct vmk_ioc_net_switch)
/* arg: struct vmk_datastore_list * (VMK_HC_STORAGE_DATASTORES); copied back on failure (msg) */
#define VMK_IOC_STORAGE_DATASTORES _IOR(VMK_IOC_MAGIC, 0x0e, struct vmk_datastore_list)
/* arg: struct vmk_storage_format * (VMK_HC_STORAGE_FORMAT); copied back whole */
#define VMK_IOC_STORAGE_FORMAT	_IOWR(VMK_IOC_MAGIC, 0x21, struct vmk_storage_format)
/* arg: struct vmk_storage_vdisk * (VMK_HC_STORAGE_VDISK); copied back whole */
#define VMK_IOC_STORAGE_VDISK	_IOWR(VMK_IOC_MAGIC, 0x22, struct vmk_storage_vdisk)
/* arg: struct vmk_vm_disks *, id filled in (VMK_HC_VM_DISKS; since ABI 34) */
#define VMK_IOC_VM_DISKS	_IOWR(VMK_IOC_MAGIC, 0x23, struct vmk_vm_disks)
#define VMK_IOC_VM_CREATE	_IOWR(VMK_IOC_MAGIC, 0x10, struct vmk_ioc_vm_create)
#define VMK_IOC_VM_LOAD		_IOWR(VMK_IOC_MAGIC, 0x11, struct vmk_ioc_vm_load)
#define VMK_IOC_VM_OP		_IOWR(VMK_IOC_MAGIC, 0x12, struct vmk_ioc_vm_op)
/* arg: struct vmk_vm_info *, id filled in */
#define VMK_IOC_VM_INFO		_IOWR(VMK_IOC_MAGIC, 0x13, struct vmk_vm_info)
/* arg: struct vmk_vm_list *, start and max filled in */
#define VMK_IOC_VM_LIST		_IOWR(VMK_IOC_MAGIC, 0x14, struct vmk_vm_list)
#define VMK_IOC_VM_CONSOLE_READ	_IOWR(VMK_IOC_MAGIC, 0x15, struct vmk_ioc_vm_console)
#define VMK_IOC_VM_CONSOLE_WRITE _IOWR(VMK_IOC_MAGIC, 0x16, struct vmk_ioc_vm_console)
/* arg: struct vmk_ioc_vm_alloc * (VMK_HC_VM_SET_ALLOC); out: msg */
#define VMK_IOC_VM_SET_ALLOC	_IOWR(VMK_IOC_MAGIC, 0x17, struct vmk_ioc_vm_alloc)
/* arg: struct vmk_storage_list * (VMK_HC_STORAGE_LIST) */
#define VMK_IOC_STORAGE_LIST	_IOR(VMK_IOC_MAGIC, 7, struct vmk_storage_list)
/* arg: struct vmk_storage_rescan * (VMK_HC_STORAGE_RESCAN); copied back on failure (msg) */
#define VMK_IOC_STORAGE_RESCAN	_IOR(VMK_IOC_MAGIC, 0x20, struct vmk_storage_rescan)
/* Only with vmkload debug=1: arg: struct vmk_storage_read * (VMK_HC_STORAGE_READ) */
#define VMK_IOC_STORAGE_READ	_IOWR(VMK_IOC_MAGIC, 0x7c, struct vmk_storage_read)
/* Only with vmkload debug=1: spinner test worlds (VMK_HC_SCHED_TEST). */
#define VMK_IOC_SCHED_TEST	_IOWR(VMK_IOC_MAGIC, 0x7e, struct vmk_sched_test)
/* Only with vmkload debug=1: force a vmkernel panic (panic-path test). */
#define VMK_IOC_PANIC_TEST	_IO(VMK_IOC_MAGIC, 0x7f)
/* Only with vmkload debug=1: corrupt this CPU's COS VMCB (VMK_PANIC_TEST_VMCB). */
#define VMK_IOC_PANIC_TEST_VMCB	_IO(VMK_IOC_MAGIC, 0x7d)

#endif /* VMK_IOCTL_H */
