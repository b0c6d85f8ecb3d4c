// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkload: `insmod vmkload.ko` loads the vmkernel image, gives it memory
 * taken from Linux and enters it on every online CPU; Linux continues as
 * the console OS (COS) world. `rmmod vmkload` hands everything back.
 */
#include <linux/module.h>
#include <linux/kernel_read_file.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/math64.h>
#include <linux/ioport.h>
#include <linux/sizes.h>
#include <linux/pci.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/svm.h>
#include <asm/tsc.h>
#include "vmkload.h"

static char *image = "/lib/vmk/vmkernel.elf";
module_param(image, charp, 0444);
MODULE_PARM_DESC(image, "vmkernel image (ELF)");
static unsigned int mem_mb = 32;
module_param(mem_mb, uint, 0444);
MODULE_PARM_DESC(mem_mb, "memory for the vmkernel in MiB (2 MiB steps, min 8)");
static unsigned int uart = 0x2f8;
module_param(uart, uint, 0444);
MODULE_PARM_DESC(uart, "I/O port of the vmkernel log UART (COM2), 0: none");
static bool debug;
module_param(debug, bool, 0444);
MODULE_PARM_DESC(debug, "allow the panic-test ioctl");
static bool storage;
module_param(storage, bool, 0444);
MODULE_PARM_DESC(storage, "hand the PVSCSI HBA to the vmkernel (its disks leave the COS until unload)");
static bool test_fail_init;
module_param(test_fail_init, bool, 0444);
MODULE_PARM_DESC(test_fail_init, "test: the vmkernel fails its init on purpose, every CPU comes back (the load fails)");
static bool net;
module_param(net, bool, 0444);
MODULE_PARM_DESC(net, "hand an e1000 NIC whose interface is down to the vmkernel as vswitch0's uplink");
static char *net_pci = "";
module_param(net_pci, charp, 0444);
MODULE_PARM_DESC(net_pci, "with net=1: the NIC's PCI address (0000:00:09.0); default: the first e1000 that is down");

static struct vmk_machine machine;
static enum cpuhp_state hotplug_state;
static void recover_work_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(recover_work, recover_work_fn);
#define WATCH_INTERVAL	(HZ / 2)

static int check_cpu(void)
{
	u64 efer, vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM) || !boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("vmkload: this CPU has no AMD SVM with nested paging\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_VM_CR, &vm_cr) || (vm_cr & SVM_VM_CR_SVM_DIS_MASK)) {
		pr_err("vmkload: SVM is disabled by the firmware (VM_CR.SVMDIS): enable SVM in its setup\n");
		return -ENODEV;
	}
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("vmkload: SVM is in use by another hypervisor (kvm_amd?)\n");
		return -EBUSY;
	}
	/*
	 * The vmkernel borrows each CPU's LAPIC timer for its tick and gives
	 * Linux back its one-shot or periodic count (docs/architecture.md
	 * "Time"). A timer in TSC-deadline mode is armed through an MSR the
	 * borrowing neither saves nor sees written: Linux's next event would
	 * be lost. Linux uses that mode whenever this feature is left set.
	 */
	if (boot_cpu_has(X86_FEATURE_TSC_DEADLINE_TIMER)) {
		pr_err("vmkload: Linux runs its local APIC timers in TSC-deadline mode, which the vmkernel cannot borrow and give back: boot with lapic=notscdeadline\n");
		return -EINVAL;
	}
	if (num_online_cpus() > VMK_MAX_CPUS) {
		pr_err("vmkload: %u CPUs online, the vmkernel supports %u\n",
		       num_online_cpus(), VMK_MAX_CPUS);
		return -EINVAL;
	}
	if (mem_mb < VMKLOAD_MIN_MEM_MB || mem_mb > VMKLOAD_MAX_MEM_MB) {
		pr_err("vmkload: mem_mb=%u out of range (%u..%u)\n", mem_mb,
		       VMKLOAD_MIN_MEM_MB, VMKLOAD_MAX_MEM_MB);
		return -EINVAL;
	}
	return 0;
}

static int ram_found(struct resource *r, void *arg)
{
	*(struct resource *)arg = *r;
	return 1;	/* the first one is enough */
}

/*
 * The COS's nested table is legacy-PAE (the vmkernel runs in 32-bit PAE
 * mode): it maps guest-physical addresses below 4 GiB only (APM vol. 2
 * §15.25.5), so COS RAM above that could not be reached once the COS runs
 * as a guest.
 */
static int check_memory_map(void)
{
	struct resource r;

	if (walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM, SZ_4G,
				U64_MAX, &r, ram_found) <= 0)
		return 0;
	pr_err("vmkload: Linux has RAM above 4 GiB (%pR), which the vmkernel's nested page table cannot map for the COS; boot with mem=4G or less\n",
	       &r);
	return -EINVAL;
}

/*
 * The same span for devices: a memory BAR (or ROM) the firmware or Linux
 * put above 4 GiB could not be reached by the COS's driver for it (the
 * access would get #GP, cos_npt.c). Checked once, at load; a BAR the COS
 * moves there later is its own harm.
 */
static int check_pci_bars(void)
{
	struct pci_dev *pdev = NULL;
	int i;

	for_each_pci_dev(pdev) {
		for (i = 0; i <= PCI_ROM_RESOURCE; i++) {
			const struct resource *r = &pdev->resource[i];
			char what[8] = "its ROM";

			if (!(r->flags & IORESOURCE_MEM) ||
			    (r->flags & IORESOURCE_UNSET) || !resource_size(r) ||
			    r->end < SZ_4G)
				continue;
			if (i != PCI_ROM_RESOURCE)
				snprintf(what, sizeof(what), "BAR %d", i);
			pr_err("vmkload: PCI device %s has %s at %pR, above 4 GiB, where the vmkernel's nested page table cannot map it for the COS; have the firmware place it below 4 GiB (turn off above-4G decoding) or remove the device\n",
			       pci_name(pdev), what, r);
			pci_dev_put(pdev);
			return -EINVAL;
		}
	}
	return 0;
}

static void free_records(struct vmk_machine *m)
{
	unsigned int i;

	for (i = 0; i < VMK_MAX_CPUS; i++) {
		kfree(m->launch[i]);
		m->launch[i] = NULL;
	}
	free_page((unsigned long)m->shared);
	m->shared = NULL;
}

static int alloc_records(struct vmk_machine *m)
{
	unsigned int cpu, n = 0;

	m->shared = (void *)get_zeroed_page(GFP_KERNEL);
	if (!m->shared)
		return -ENOMEM;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		m->cpu_index[cpu] = -1;
	for_each_online_cpu(cpu) {
		m->launch[n] = kzalloc(sizeof(struct vmk_launch), GFP_KERNEL);
		if (!m->launch[n])
			return -ENOMEM;
		m->cpu_index[cpu] = n++;
	}
	m->ncpus = n;
	return 0;
}

/* Linux's RAM, for the vmkernel to check device BARs against. */
static int add_ram_range(struct resource *r, void *arg)
{
	struct vmk_boot_info *bi = arg;

	if (bi->nram == VMK_MAX_RAM_RANGES) {
		bi->ram_truncated = 1;
		return 1;
	}
	bi->ram[bi->nram].base = r->start;
	bi->ram[bi->nram].len = resource_size(r);
	bi->nram++;
	return 0;
}

static void fill_boot_info(struct vmk_machine *m)
{
	struct vmk_boot_info *bi = m->mem.boot_info;
	unsigned int i;

	bi->magic = VMK_BOOT_MAGIC;
	bi->abi_version = VMK_ABI_VERSION;
	bi->flags = (debug ? VMK_BOOT_DEBUG : 0) | (storage ? VMK_BOOT_STORAGE : 0) |
		    (test_fail_init ? VMK_BOOT_TEST_FAIL_INIT : 0);
	bi->ncpus = m->ncpus;
	bi->nchunks = m->mem.nchunks;
	bi->image_chunks = m->mem.image_chunks;
	bi->loader_end_va = m->mem.loader_end_va;
	bi->boot_cr3 = m->mem.boot_cr3;
	bi->tramp_exit_va = (u32)vmk_tramp_exit;
	bi->shared_pa = virt_to_phys(m->shared);
	bi->uart_port = uart;
	bi->tsc_khz = tsc_khz;
	for (i = 0; i < m->ncpus; i++)
		bi->launch_pa[i] = virt_to_phys(m->launch[i]);
	for (i = 0; i < m->mem.nchunks; i++)
		bi->chunk_pa[i] = m->mem.chunk_pa[i];
	bi->nram = 0;
	bi->ram_truncated = 0;
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM, 0,
			    SZ_4G - 1, bi, add_ram_range);
}

/* What kernel_read_file_from_path()'s error means for the operator. */
static const char *read_error(ssize_t err)
{
	switch (err) {
	case -ENOENT: return "no such file";
	case -EACCES: return "permission denied";
	case -EFBIG: return "larger than the vmkernel's address range";
	case -EINVAL: return "empty or not a regular file";
	default: return "read failed";
	}
}

static int load(struct vmk_machine *m)
{
	unsigned long tramp = vmk_tramp_page();
	struct vmk_image img;
	char err[96];
	void *buf = NULL;
	size_t size;
	ssize_t n;
	u64 t0;
	int ret;

	n = kernel_read_file_from_path(image, 0, &buf, VMKLOAD_MAX_IMAGE, &size,
				       READING_FIRMWARE);
	if (n < 0) {
		pr_err("vmkload: cannot read image %s: %s (error %zd)\n", image,
		       read_error(n), n);
		return n;
	}
	ret = vmk_image_parse(buf, n, &img, err, sizeof(err));
	if (ret) {
		pr_err("vmkload: %s: %s\n", image, err);
		goto out_buf;
	}
	if ((unsigned long)vmk_tramp_end - tramp > PAGE_SIZE ||
	    tramp < VMK_VBASE + VMK_VSIZE) {
		pr_err("vmkload: trampoline at %#lx unusable (> 1 page or in the vmkernel's range)\n",
		       tramp);
		ret = -EINVAL;
		goto out_buf;
	}
	if ((vmk_layout_end(&img) - VMK_VBASE) / VMK_CHUNK_SIZE + 2 >
	    mem_mb / (VMK_CHUNK_SIZE >> 20)) {
		pr_err("vmkload: mem_mb=%u is too little for this %u KiB image\n",
		       mem_mb, (vmk_layout_end(&img) - VMK_VBASE) >> 10);
		ret = -EINVAL;
		goto out_buf;
	}
	ret = alloc_records(m);
	if (ret) {
		pr_err("vmkload: out of memory for launch records\n");
		goto out_records;
	}
	ret = vmk_memory_take(&m->mem, mem_mb / (VMK_CHUNK_SIZE >> 20));
	if (ret) {
		pr_err("vmkload: cannot take %u MiB from Linux in 2 MiB chunks\n",
		       mem_mb);
		goto out_records;
	}
	ret = vmk_memory_place(&m->mem, &img, tramp,
			       page_to_phys(vmalloc_to_page((void *)tramp)));
	if (ret) {
		pr_err("vmkload: cannot place the image in %u MiB\n", mem_mb);
		goto out_mem;
	}
	fill_boot_info(m);
	m->hba.bus = NULL;
	m->nic.bus = NULL;
	ret = storage ? vmk_hba_take(&m->hba) : 0;
	if (ret)
		goto out_mem;
	ret = net ? vmk_nic_take(&m->nic, net_pci, &m->mem.boot_info->net_bdf) : 0;
	if (ret)
		goto out_hba;
	if (net)
		m->mem.boot_info->flags |= VMK_BOOT_NET;
	t0 = ktime_get_ns();
	ret = vmk_launch_all(m, img.eh->e_entry);
	m->load_us = div_u64(ktime_get_ns() - t0, 1000);
	if (ret)
		goto out_hba;
	pr_info("vmkload: vmkernel %.32s running on %u CPUs with %u MiB (takeover %u us)\n",
		img.note->version, m->ncpus, mem_mb, m->load_us);
	pr_info("vmkload: vmkernel memory: %u chunks of 2 MiB, image at %#x; shared page at %#lx\n",
		m->mem.nchunks, m->mem.chunk_pa[0],
		(unsigned long)virt_to_phys(m->shared));
	vfree(buf);
	return 0;
out_hba:
	if (!m->stranded) {
		vmk_hba_give_back(&m->nic);
		vmk_hba_give_back(&m->hba);
	}
out_mem:
	if (m->stranded)
		goto out_buf;	/* its memory and records stay with the vmkernel */
	vmk_memory_return(&m->mem);
out_records:
	free_records(m);
out_buf:
	vfree(buf);
	return ret;
}

static void unload(struct vmk_machine *m)
{
	u64 t0 = ktime_get_ns();

	if (!vmk_give_back_all(m))
		return;		/* its memory and records stay with the vmkernel */
	m->unload_us = div_u64(ktime_get_ns() - t0, 1000);
	vmk_memory_return(&m->mem);
	free_records(m);
	vmk_hba_give_back(&m->nic);
	vmk_hba_give_back(&m->hba);
}

static DEFINE_MUTEX(recover_lock);
#define PANIC_LOG_LINES	64

/*
 * The vmkernel's last log records (its panic report) into dmesg, read from
 * its ring after every CPU is back and before its memory is freed. The
 * ring lies in the image's first chunk (the image is smaller than 2 MiB),
 * so it is physically contiguous lowmem.
 */
static void print_log_tail(const struct vmk_shared *s)
{
	const struct vmk_log_record *r;
	u64 last = 0, seq;
	u32 i;

	if (!s->log_pa || !s->log_nrec)
		return;
	r = phys_to_virt(s->log_pa);
	for (i = 0; i < s->log_nrec; i++)
		last = max(last, r[i].seq);
	seq = last > PANIC_LOG_LINES ? last - PANIC_LOG_LINES + 1 : 1;
	for (; seq && seq <= last; seq++) {
		u32 idx;

		div_u64_rem(seq - 1, s->log_nrec, &idx);
		if (r[idx].seq == seq)
			pr_err("vmkernel: %.*s\n", VMK_LOG_TEXT_LEN, r[idx].text);
	}
}

/*
 * The shared page is ordinary COS memory: any COS kernel code can write
 * it. A panic it reports is believed only if the vmkernel confirms it: a
 * hypercall on this CPU comes back VMK_PANICKED, or this CPU was already
 * handed back.
 */
static bool vmkernel_panicked(struct vmk_machine *m)
{
	vmk_status_t st;

	if (READ_ONCE(m->shared->state) != VMK_STATE_PANICKED)
		return false;
	if (vmk_hypercall(m, VMK_HC_VERSION, 0, 0, 0, 0, &st, NULL) ||
	    st == VMK_PANICKED)
		return true;
	pr_warn_once("vmkload: the shared page says the vmkernel panicked, the vmkernel says it runs: something in the COS wrote the page; ignored\n");
	return false;
}

void vmk_recover(struct vmk_machine *m)
{
	const struct vmk_shared *s = m->shared;

	mutex_lock(&recover_lock);
	if (!m->active || !vmkernel_panicked(m))
		goto out;
	pr_err("vmkload: vmkernel panicked on cpu %u: %.104s\n", s->panic_cpu,
	       s->panic_msg);
	if (!vmk_give_back_all(m))
		goto out;	/* its memory stays with the CPU still in it */
	print_log_tail(s);
	vmk_hba_quiesce(&m->nic);
	vmk_hba_quiesce(&m->hba);
	pr_err("vmkload: all CPUs are back under Linux; vmkernel memory freed; full report on COM2\n");
	vmk_memory_return(&m->mem);
out:
	mutex_unlock(&recover_lock);
}

/* Catches panics that no hypercall saw (e.g. in an exit of another CPU). */
static void recover_work_fn(struct work_struct *w)
{
	vmk_recover(&machine);
	if (machine.active)
		schedule_delayed_work(&recover_work, WATCH_INTERVAL);
}

/* While the vmkernel runs, the set of CPUs it controls cannot change. */
static int refuse_hotplug(unsigned int cpu)
{
	return machine.active ? -EBUSY : 0;
}

static int __init vmkload_init(void)
{
	int ret;

	ret = check_cpu();
	if (!ret)
		ret = check_memory_map();
	if (!ret)
		ret = check_pci_bars();
	if (!ret)
		ret = vmk_cosblk_check(storage);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmk:online",
					refuse_hotplug, refuse_hotplug);
	if (ret < 0)
		return ret;
	hotplug_state = ret;
	ret = load(&machine);
	if (ret)
		goto out_hotplug;
	ret = vmk_dev_register(&machine);
	if (ret) {
		pr_err("vmkload: cannot register /dev/vmkernel\n");
		unload(&machine);
		goto out_hotplug;
	}
	ret = vmk_cosblk_add(machine.hba.irq);
	if (ret)
		goto out_dev;
	/* Without vmk0 the uplink still serves the VMs: the load stands. */
	if (net)
		vmk_cosnet_add(machine.nic.irq, machine.shared);
	/* Without /vmfs/volumes the VMs still run: the load stands. */
	vmk_vmfsvol_add();
	schedule_delayed_work(&recover_work, WATCH_INTERVAL);
	return 0;
out_dev:
	vmk_dev_unregister();
	unload(&machine);
	vmk_cosblk_irq_free();	/* after the give-back, as at the unload */
out_hotplug:
	cpuhp_remove_state_nocalls(hotplug_state);
	return ret;
}

static void __exit vmkload_exit(void)
{
	/* Its NIC, disks and files first: their last requests are hypercalls. */
	vmk_vmfsvol_remove();
	vmk_cosnet_remove();
	vmk_cosblk_remove();
	vmk_dev_unregister();
	cancel_delayed_work_sync(&recover_work);
	if (machine.active) {
		unload(&machine);
	} else if (!machine.stranded) {
		/* after a panic: the devices it had, quiesced then, come back */
		free_records(&machine);
		vmk_hba_give_back(&machine.nic);
		vmk_hba_give_back(&machine.hba);
	}	/* stranded: a CPU is still in the vmkernel, which keeps all it had */
	vmk_cosnet_irq_free();	/* after the give-back: a late doorbell finds it */
	vmk_cosblk_irq_free();
	cpuhp_remove_state_nocalls(hotplug_state);
	pr_info("vmkload: machine handed back to Linux (give-back %u us)\n",
		machine.unload_us);
}

module_init(vmkload_init);
module_exit(vmkload_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk loader: runs Linux as the console OS of the vmkernel");
