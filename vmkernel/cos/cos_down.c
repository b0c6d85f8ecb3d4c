// SPDX-License-Identifier: GPL-2.0-only
/* A COS that dies: the report, its stop on every CPU, the status (cos_down.h). */
#include "vmkernel/cos/cos_down.h"
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/cos/cos_timer.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/vm/vm.h"
#include "vmkernel/log/log.h"

#define NS_PER_S	1000000000ull

static uint32_t claimed;		/* one CPU reports the COS down */
static uint32_t down;			/* set once down_at_ns is */
static uint64_t down_at_ns;
/* vmk_time_ns() in s; the first once the COS's state is reported. */
static uint32_t next_report_s = UINT32_MAX;
static uint32_t reports;		/* by the CPU that won next_report_s */

bool cos_is_down(void)
{
	return __atomic_load_n(&down, __ATOMIC_ACQUIRE) != 0;
}

/* The COS's state at the exit, in the words of the panic and VM dumps
 * (one log record holds VMK_LOG_TEXT_LEN bytes: four lines). */
static void dump(const struct cos_vcpu *v)
{
	const struct vmcb *c = v->svm.vmcb;

	log_err("cos: cpu%u exit %x info1 %llx info2 %llx", v->cpu, c->exit_code,
		(unsigned long long)c->exit_info1, (unsigned long long)c->exit_info2);
	log_err("cos: cpu%u rip %04x:%08x rsp %04x:%08x rflags %08x cpl %u",
		v->cpu, c->cs.sel, (uint32_t)c->rip, c->ss.sel, (uint32_t)c->rsp,
		(uint32_t)c->rflags, c->cpl);
	log_err("cos: cpu%u cr0 %08x cr2 %08x cr3 %08x cr4 %08x efer %llx",
		v->cpu, (uint32_t)c->cr0, (uint32_t)c->cr2, (uint32_t)c->cr3,
		(uint32_t)c->cr4, (unsigned long long)c->efer);
	log_err("cos: cpu%u exitintinfo %08x err %x eventinj %08x idtr %08x/%x gdtr %08x/%x",
		v->cpu, c->exit_int_info, c->exit_int_info_err, c->event_inj,
		(uint32_t)c->idtr.base, c->idtr.limit, (uint32_t)c->gdtr.base,
		c->gdtr.limit);
}

void cos_down(struct cos_vcpu *v, const char *cause)
{
	uint32_t n, no = 0;

	if (!__atomic_compare_exchange_n(&claimed, &no, 1, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		log_err("cos: cpu%u: the COS %s here too, at rip %08x",
			v->cpu, cause, (uint32_t)v->svm.vmcb->rip);
		dump(v);
		return;
	}
	down_at_ns = vmk_time_ns();
	__atomic_store_n(&down, 1, __ATOMIC_RELEASE);
	n = vm_count_running();
	log_err("*** COS DOWN: the COS %s on cpu%u at rip %08x",
		cause, v->cpu, (uint32_t)v->svm.vmcb->rip);
	log_err("*** COS DOWN: stopped on every CPU; %u VM%s keep%s running; reset the machine to get the COS back",
		n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	dump(v);
	__atomic_store_n(&next_report_s, (uint32_t)(down_at_ns / NS_PER_S),
			 __ATOMIC_RELEASE);
	sched_kick_all();	/* every CPU takes its COS vCPU off */
}

void cos_down_cpu(uint32_t cpu)
{
	uint32_t n = cos_intr_stop(cpu);

	cos_timer_stop(cpu);
	log_info("COS down: this CPU runs VMs only now (%u COS vector%s in service dropped)",
		 n, n == 1 ? "" : "s");
}

bool cos_down_report_due(uint64_t now_ns)
{
	return cos_is_down() &&
	       now_ns / NS_PER_S >= __atomic_load_n(&next_report_s, __ATOMIC_RELAXED);
}

void cos_down_report(uint64_t now_ns)
{
	uint32_t at = __atomic_load_n(&next_report_s, __ATOMIC_RELAXED);
	uint32_t now_s = (uint32_t)(now_ns / NS_PER_S), running;

	if (!cos_is_down() || now_s < at ||
	    !__atomic_compare_exchange_n(&next_report_s, &at,
					 now_s + COS_DOWN_REPORT_S, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	running = vm_count_running();
	log_warn("COS down %u s: status report %u: %u VM%s running; reset the machine to get the COS back",
		 now_s - (uint32_t)(down_at_ns / NS_PER_S), ++reports,
		 running, running == 1 ? "" : "s");
	vm_status_log("COS down: ");
	vm_console_log("COS down: ");
}
