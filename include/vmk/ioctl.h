/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/vmkernel: the COS's interface to the vmkernel (the vmkernel's
 * "system calls"). COS side only: the vmkernel never sees these numbers.
 */
#ifndef VMK_IOCTL_H
#define VMK_IOCTL_H

#include <vmk/hypercall.h>
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

/* arg: uint32_t * <- VMK_ABI_VERSION of the module */
#define VMK_IOC_VERSION		_IOR(VMK_IOC_MAGIC, 0, uint32_t)
#define VMK_IOC_INFO		_IOR(VMK_IOC_MAGIC, 1, struct vmk_info)
#define VMK_IOC_LOG_READ	_IOWR(VMK_IOC_MAGIC, 2, struct vmk_log_read)
#define VMK_IOC_MODULE_INFO	_IOR(VMK_IOC_MAGIC, 3, struct vmk_module_info)
/* Only with vmkload debug=1: spinner test worlds (VMK_HC_SCHED_TEST). */
#define VMK_IOC_SCHED_TEST	_IOWR(VMK_IOC_MAGIC, 0x7e, struct vmk_sched_test)
/* Only with vmkload debug=1: force a vmkernel panic (panic-path test). */
#define VMK_IOC_PANIC_TEST	_IO(VMK_IOC_MAGIC, 0x7f)

#endif /* VMK_IOCTL_H */
