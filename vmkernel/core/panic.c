// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/core/panic.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/symbols.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/cos/cos.h"
#include "vmkernel/cos/cos_down.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/vmcb.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"
#include "vmkernel/net/uplink.h"

#define BACKTRACE_MAX	16

/* addr is a return address: look up addr - 1, the call instruction, so a
 * call that ends a function (a noreturn callee) names that function. */
static void print_symbol(int depth, uint32_t addr)
{
	const struct symtab t = {
		.syms = (const void *)(uintptr_t)vmk_boot_info.symtab_va,
		.nsyms = vmk_boot_info.symtab_size / sizeof(struct elf32_sym),
		.strtab = (const void *)(uintptr_t)vmk_boot_info.strtab_va,
		.strsize = vmk_boot_info.strtab_size,
	};
	const char *name;
	uint32_t off;

	if (symbols_lookup(&t, addr - 1, &name, &off))
		vmk_log_emergency("  #%d %08x %s+0x%x", depth, addr, name, off + 1);
	else
		vmk_log_emergency("  #%d %08x ?", depth, addr);
}

/* Follows saved EBP links (the vmkernel keeps frame pointers). */
static void backtrace(uint32_t eip, uint32_t ebp)
{
	uint32_t cpu = this_cpu();
	uint32_t lo = (uint32_t)(uintptr_t)cpu_stacks[cpu];
	uint32_t hi = lo + CPU_STACK_SIZE;
	int depth = 0;

	vmk_log_emergency("backtrace:");
	print_symbol(depth++, eip + 1);	/* a faulting eip is no return address */
	while (depth < BACKTRACE_MAX && ebp >= lo && ebp + 8 <= hi &&
	       !(ebp & 3)) {
		const uint32_t *frame = (const uint32_t *)(uintptr_t)ebp;

		if (!frame[1])
			break;
		print_symbol(depth++, frame[1]);
		if (frame[0] <= ebp)
			break;
		ebp = frame[0];
	}
}

/* Where the COS was when the exit that led here happened. */
static void print_cos_state(void)
{
	uint32_t cpu = this_cpu();
	const struct cos_vcpu *v = &cos_vcpus[cpu];

	if (cpu >= VMK_MAX_CPUS || !v->launched)
		return;
	vmk_log_emergency("cos: exit %x rip %08x rsp %08x cr3 %08x eax %08x",
			  v->svm.vmcb->exit_code, (uint32_t)v->svm.vmcb->rip,
			  (uint32_t)v->svm.vmcb->rsp, (uint32_t)v->svm.vmcb->cr3,
			  (uint32_t)v->svm.vmcb->rax);
	svm_trace_dump(cpu);
}

/* The other CPUs' last world switches too: a corruption may involve two. */
static void print_other_traces(uint32_t cpu)
{
	uint32_t i;

	for (i = 0; i < vmk_boot_info.ncpus && i < VMK_MAX_CPUS; i++)
		if (i != cpu)
			svm_trace_dump(i);
}

static void __attribute__((noreturn)) finish(const char *msg)
{
	uint32_t cpu = this_cpu();
	struct cos_vcpu *v = &cos_vcpus[cpu];

	if (cos_is_down())
		vmk_log_emergency("*** end of panic report; the COS is down: cpu%u halts (reset the machine)",
				  cpu);
	else
		vmk_log_emergency("*** end of panic report; handing cpu%u back to the COS",
				  cpu);
	vmk_init_abort();
	uplink_panic();		/* before any CPU sees the state and gives back */
	__atomic_store_n(&vmk_state, VMK_STATE_PANICKED, __ATOMIC_SEQ_CST);
	if (vmk_shared) {
		vmk_shared->panic_cpu = cpu;
		fmt_snprintf(vmk_shared->panic_msg, sizeof(vmk_shared->panic_msg),
			     "%s", msg);
		__atomic_store_n(&vmk_shared->state, VMK_STATE_PANICKED,
				 __ATOMIC_SEQ_CST);
		sched_kick_all();	/* CPUs running other worlds give back too */
	}
	if (cpu >= VMK_MAX_CPUS || !v->launch || v->panicking || cos_is_down())
		cpu_halt_forever();
	v->panicking = true;
	if (v->launched)
		cos_give_back_panicked(v);
	cpu_give_back(v, VMK_PANICKED);
}

void vmk_panic(const char *fmt, ...)
{
	char msg[VMK_LOG_TEXT_LEN];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmk_log_emergency("*** VMKERNEL PANIC on cpu%u: %s", this_cpu(), msg);
	vmk_log_emergency("esp %08x ebp %08x", read_esp(), read_ebp());
	print_cos_state();
	backtrace((uint32_t)(uintptr_t)__builtin_return_address(0) - 1,
		  *(const uint32_t *)(uintptr_t)read_ebp());
	print_other_traces(this_cpu());
	finish(msg);
}

void panic_exception(struct exc_frame *f)
{
	char msg[VMK_LOG_TEXT_LEN];
	uint32_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	fmt_snprintf(msg, sizeof(msg), "exception %u error %x at eip %08x",
		     f->vector, f->error, f->eip);
	vmk_log_emergency("*** VMKERNEL PANIC on cpu%u: %s", this_cpu(), msg);
	vmk_log_emergency("eax %08x ebx %08x ecx %08x edx %08x",
			  f->eax, f->ebx, f->ecx, f->edx);
	vmk_log_emergency("esi %08x edi %08x ebp %08x esp %08x",
			  f->esi, f->edi, f->ebp, f->esp_at_pusha + 12);
	vmk_log_emergency("eflags %08x cs %04x cr2 %08x", f->eflags,
			  f->cs, cr2);
	print_cos_state();
	backtrace(f->eip, f->ebp);
	finish(msg);
}
