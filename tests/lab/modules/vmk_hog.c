// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_hog: creates VMs through the VM control hypercalls (include/vmk/vm.h)
 * and never powers them on: each holds its state in the vmkernel's pool.
 * It goes on until the vmkernel refuses for lack of memory, prints how
 * many it made and the refusal, and leaves them, so a scenario can run
 * with nothing left in the pool
 * (tests/lab/cos_probe_with_the_pool_exhausted_is_refused.sh). `vmkctl
 * unload --force` ends them. Loading always "fails" (-EAGAIN) after the
 * report.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <vmk/vm.h>

int vmk_vm_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		     vmk_status_t *st, u32 *result);

#define HOG_MAX	100000

struct hog {
	struct vmk_vm_config cfg;
	char msg[VMK_VM_MSG_LEN];
};

static int __init vmk_hog_init(void)
{
	struct hog *h = kzalloc(sizeof(*h), GFP_KERNEL);
	vmk_status_t st = VMK_OK;
	u32 n, id;
	int ret = 0;

	if (!h)
		return -ENOMEM;
	h->cfg.mem_mb = 4;
	h->cfg.vcpus = 1;
	h->cfg.boot = VMK_VM_BOOT_MULTIBOOT;
	for (n = 0; n < HOG_MAX; n++) {
		snprintf(h->cfg.name, sizeof(h->cfg.name), "hog%u", n);
		h->msg[0] = '\0';
		ret = vmk_vm_hypercall(VMK_HC_VM_CREATE, virt_to_phys(&h->cfg),
				       0, 0, virt_to_phys(h->msg), &st, &id);
		if (ret || st != VMK_OK)
			break;
	}
	pr_info("vmk_hog: created %u VMs, then error %d status %d: %s\n",
		n, ret, st, h->msg);
	kfree(h);
	return -EAGAIN;
}

module_init(vmk_hog_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: fill the vmkernel pool with VMs that never run");
