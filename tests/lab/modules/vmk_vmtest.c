// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_vmtest: runs `count` VMs through the VM control hypercalls
 * (include/vmk/vm.h) from inside the COS kernel, before `vmkctl vm`
 * exists: create, load the kernel (and initrd, command line) from files,
 * power on (the vmkernel's scheduler runs the vCPUs), copy each guest's COM1
 * output to dmesg (`vmtest: ` lines, `vmtestN: ` with several VMs), type
 * `input` into COM1 once `input_after` appeared (then `input2` once
 * `input2_after` appeared after that), and end when no VM runs any more or
 * `seconds` passed. Then it
 * prints `vmtest: result state=.. power_ons=.. reason=..`, the exit counts,
 * kills and destroys the VM. Loading succeeds whatever happened (busybox's
 * insmod would run a failed init twice); rmmod it before the next run. The
 * lab's vm_*.sh scenarios drive it.
 */
#include <linux/module.h>
#include <linux/kernel_read_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <vmk/vm.h>

int vmk_vm_hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		     vmk_status_t *st, u32 *result);

static char *name = "vmtest";
static char *kernel, *initrd, *cmdline = "", *boot = "multiboot";
static char *input, *input_after, *input2, *input2_after;
static uint mem_mb = 16, vcpus = 1, seconds = 60, reset_after, count = 1;
module_param(name, charp, 0444);
module_param(kernel, charp, 0444);
module_param(initrd, charp, 0444);
module_param(cmdline, charp, 0444);
module_param(boot, charp, 0444);
module_param(input, charp, 0444);
module_param(input_after, charp, 0444);
module_param(input2, charp, 0444);
module_param(input2_after, charp, 0444);
module_param(count, uint, 0444);
module_param(mem_mb, uint, 0444);
module_param(vcpus, uint, 0444);
module_param(seconds, uint, 0444);
module_param(reset_after, uint, 0444);
MODULE_PARM_DESC(kernel, "guest kernel file (Multiboot ELF or bzImage)");
MODULE_PARM_DESC(input, "text typed into the guest's COM1 (\\n = newline)");
MODULE_PARM_DESC(input_after, "type input once this text appeared on COM1");
MODULE_PARM_DESC(input2, "typed once input2_after appeared after input was typed");
MODULE_PARM_DESC(reset_after, "reset the VM from the COS after this many seconds");
MODULE_PARM_DESC(count, "run this many identical VMs at once (names NAME0.., lines 'vmtestN: ')");

#define PIECE		(64 * 1024)
#define CON_BUF		4096
#define LINE_MAX	200
#define MAX_VMS		8

struct vmtest {
	u32 id;
	unsigned int idx;
	char tag[16];		/* "vmtest" or "vmtestN" */
	char *msg;		/* VMK_VM_MSG_LEN, kmalloc'd */
	u8 *piece;		/* PIECE, kmalloc'd */
	struct vmk_vm_info *info;
	char line[LINE_MAX + 1];
	size_t line_len;
	char seen[512];		/* recent output, for input_after/input2_after */
	size_t seen_len;
	int step;		/* 0: input pending, 1: input2 pending, 2: done */
	bool did_reset, finished;
};

static int call(struct vmtest *t, u32 nr, u32 a0, u32 a1, u32 a2, u32 *res)
{
	vmk_status_t st;
	int ret;

	t->msg[0] = '\0';
	ret = vmk_vm_hypercall(nr, a0, a1, a2, virt_to_phys(t->msg), &st, res);
	if (ret)
		return ret;
	if (st != VMK_OK) {
		pr_info("%s: hypercall %u: status %d: %s\n", t->tag, nr, st, t->msg);
		return -EIO;
	}
	return 0;
}

static int load_bytes(struct vmtest *t, u32 what, const void *data, size_t size)
{
	struct vmk_vm_load *l = kzalloc(sizeof(*l), GFP_KERNEL);
	size_t off = 0;
	int ret = 0;

	if (!l)
		return -ENOMEM;
	do {
		size_t n = min_t(size_t, size - off, PIECE);

		memcpy(t->piece, (const u8 *)data + off, n);
		l->id = t->id;
		l->what = what;
		l->total = size;
		l->offset = off;
		l->len = n;
		l->data_gpa = virt_to_phys(t->piece);
		ret = call(t, VMK_HC_VM_LOAD, virt_to_phys(l), 0, 0, NULL);
		off += n;
	} while (!ret && off < size);
	kfree(l);
	return ret;
}

static int load_file(struct vmtest *t, u32 what, const char *path)
{
	void *buf = NULL;
	size_t size = 0;
	ssize_t n;
	int ret;

	n = kernel_read_file_from_path(path, 0, &buf, INT_MAX, &size,
				       READING_UNKNOWN);
	if (n < 0) {
		pr_info("%s: cannot read %s: %zd\n", t->tag, path, n);
		return n;
	}
	ret = load_bytes(t, what, buf, n);
	vfree(buf);
	return ret;
}

static void output(struct vmtest *t, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (t->seen_len == sizeof(t->seen) - 1) {
			memmove(t->seen, t->seen + 256, t->seen_len - 256);
			t->seen_len -= 256;
		}
		t->seen[t->seen_len++] = c;
		t->seen[t->seen_len] = '\0';
		if (c == '\r')
			continue;
		if (c == '\n' || t->line_len == LINE_MAX) {
			t->line[t->line_len] = '\0';
			pr_info("%s: %s\n", t->tag, t->line);
			t->line_len = 0;
			if (c == '\n')
				continue;
		}
		t->line[t->line_len++] = c;
	}
}

static void type_input(struct vmtest *t, const char *s)
{
	size_t len = strlen(s), i, n = 0;
	u32 took;
	int tries;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n') {
			t->piece[n++] = '\n';
			i++;
		} else {
			t->piece[n++] = s[i];
		}
	}
	for (i = 0, tries = 0; i < n && tries < 1000; tries++) {
		if (call(t, VMK_HC_VM_CONSOLE_WRITE, t->id,
			 virt_to_phys(t->piece + i), n - i, &took))
			return;
		i += took;
		if (i < n)
			msleep(10);
	}
	/* What follows must appear after this input. */
	t->seen_len = 0;
	t->seen[0] = '\0';
}

static void report(struct vmtest *t)
{
	static const char *const states[] = { "?", "off", "running", "error" };
	struct vmk_vm_info *info = t->info;

	pr_info("%s: result state=%s power_ons=%u reason=%s\n", t->tag,
		states[info->state <= 3 ? info->state : 0], info->power_ons,
		info->reason[0] ? info->reason : "-");
	pr_info("%s: exits total=%llu io=%llu mmio=%llu msr=%llu cpuid=%llu hlt=%llu intr=%llu vintr=%llu other=%llu cpu_time_us=%llu uptime_us=%llu pages=%llu\n",
		t->tag, info->exits_total, info->exits[VMK_VM_EXIT_IO],
		info->exits[VMK_VM_EXIT_MMIO], info->exits[VMK_VM_EXIT_MSR],
		info->exits[VMK_VM_EXIT_CPUID], info->exits[VMK_VM_EXIT_HLT],
		info->exits[VMK_VM_EXIT_INTR], info->exits[VMK_VM_EXIT_VINTR],
		info->exits[VMK_VM_EXIT_OTHER], info->cpu_time_us,
		info->uptime_us, info->mem_pages);
}

static int start_vm(struct vmtest *t)
{
	struct vmk_vm_config *cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	int ret;

	if (!cfg)
		return -ENOMEM;
	if (count > 1)
		snprintf(cfg->name, sizeof(cfg->name), "%s%u", name, t->idx);
	else
		strscpy(cfg->name, name, sizeof(cfg->name));
	cfg->mem_mb = mem_mb;
	cfg->vcpus = vcpus;
	cfg->boot = strcmp(boot, "linux") ? VMK_VM_BOOT_MULTIBOOT : VMK_VM_BOOT_LINUX;
	ret = call(t, VMK_HC_VM_CREATE, virt_to_phys(cfg), 0, 0, &t->id);
	if (ret) {
		t->id = 0;
		goto out;
	}
	pr_info("%s: created vm %u '%s'\n", t->tag, t->id, cfg->name);
	ret = load_file(t, VMK_VM_IMG_KERNEL, kernel);
	if (!ret && initrd)
		ret = load_file(t, VMK_VM_IMG_INITRD, initrd);
	if (!ret)
		ret = load_bytes(t, VMK_VM_IMG_CMDLINE, cmdline, strlen(cmdline) + 1);
	if (!ret)
		ret = call(t, VMK_HC_VM_POWER_ON, t->id, 0, 0, NULL);
	if (!ret)
		pr_info("%s: powered on\n", t->tag);
out:
	kfree(cfg);
	return ret;
}

static void drain_console(struct vmtest *t, char *con)
{
	u32 n;

	while (!call(t, VMK_HC_VM_CONSOLE_READ, t->id, virt_to_phys(con),
		     CON_BUF, &n) && n)
		output(t, con, n);
}

/* One polling round; returns true while the VM runs. */
static bool poll_vm(struct vmtest *t, char *con, unsigned long reset_at)
{
	drain_console(t, con);
	if (t->step == 0 && input && (!input_after || strstr(t->seen, input_after))) {
		type_input(t, input);
		t->step = 1;
	} else if (t->step == 1 && input2 &&
		   (!input2_after || strstr(t->seen, input2_after))) {
		type_input(t, input2);
		t->step = 2;
	}
	if (!t->did_reset && reset_after && time_after(jiffies, reset_at)) {
		pr_info("%s: reset from the COS\n", t->tag);
		call(t, VMK_HC_VM_RESET, t->id, 0, 0, NULL);
		t->did_reset = true;
	}
	if (call(t, VMK_HC_VM_INFO, t->id, virt_to_phys(t->info),
		 sizeof(*t->info), NULL))
		return false;
	if (t->info->state == VMK_VM_STATE_RUNNING)
		return true;
	drain_console(t, con);	/* what it printed after the read above */
	return false;
}

static void end_vm(struct vmtest *t)
{
	if (!t->id)
		return;
	output(t, "\n", 1);
	report(t);
	call(t, VMK_HC_VM_KILL, t->id, 0, 0, NULL);
	if (!call(t, VMK_HC_VM_INFO, t->id, virt_to_phys(t->info),
		  sizeof(*t->info), NULL))
		pr_info("%s: after kill: state %u pages %llu\n", t->tag,
			t->info->state, t->info->mem_pages);
	call(t, VMK_HC_VM_DESTROY, t->id, 0, 0, NULL);
}

static int run_all(struct vmtest *vms, unsigned int n)
{
	char *con = kmalloc(CON_BUF, GFP_KERNEL);
	unsigned long end = jiffies + seconds * HZ;
	unsigned long reset_at = jiffies + reset_after * HZ;
	unsigned int i, running;
	int ret = 0;

	if (!con)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++)
		ret = start_vm(&vms[i]);
	while (!ret) {
		msleep(50);
		for (i = 0, running = 0; i < n; i++) {
			if (vms[i].finished)
				continue;
			if (poll_vm(&vms[i], con, reset_at))
				running++;
			else
				vms[i].finished = true;
		}
		if (!running)
			break;
		if (time_after(jiffies, end)) {
			pr_info("vmtest: timeout after %u s\n", seconds);
			break;
		}
	}
	for (i = 0; i < n; i++)
		end_vm(&vms[i]);
	kfree(con);
	return ret;
}

static int __init vmk_vmtest_init(void)
{
	struct vmtest *vms;
	unsigned int i;
	int ret = 0;

	if (!kernel || !count || count > MAX_VMS)
		return -EINVAL;
	vms = kcalloc(count, sizeof(*vms), GFP_KERNEL);
	if (!vms)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct vmtest *t = &vms[i];

		t->idx = i;
		if (count > 1)
			snprintf(t->tag, sizeof(t->tag), "vmtest%u", i);
		else
			strscpy(t->tag, "vmtest", sizeof(t->tag));
		t->msg = kzalloc(VMK_VM_MSG_LEN, GFP_KERNEL);
		t->piece = kmalloc(PIECE, GFP_KERNEL);
		t->info = kzalloc(sizeof(*t->info), GFP_KERNEL);
		if (!t->msg || !t->piece || !t->info)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = run_all(vms, count);
	pr_info("vmtest: done (%d)\n", ret);
	for (i = 0; i < count; i++) {
		kfree(vms[i].msg);
		kfree(vms[i].piece);
		kfree(vms[i].info);
	}
	kfree(vms);
	return 0;
}
module_init(vmk_vmtest_init);

static void __exit vmk_vmtest_exit(void)
{
}
module_exit(vmk_vmtest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: run VMs through the VM hypercalls");
