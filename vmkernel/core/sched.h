/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel scheduler: per-CPU run queues of worlds (world.h), picked by
 * virtual time (vmkernel/sched_math.h), with shares, a reservation (min)
 * and a limit (max) per group, admission control of reservations, the
 * COS's guaranteed minimum, idle-time migration, and preemption from the
 * vmkernel's tick. See docs/architecture.md "Worlds and the scheduler".
 *
 * A group is what the allocation settings belong to: one VM (all its vCPU
 * worlds) or the COS (its vCPU worlds). CPU amounts are in percent of one
 * physical CPU, as in struct vmk_vm_config (include/vmk/vm.h): a 2-vCPU VM
 * can have a reservation of up to 200.
 */
#ifndef VMKERNEL_CORE_SCHED_H
#define VMKERNEL_CORE_SCHED_H

#include "vmkernel/core/world.h"
#include "vmkernel/lib/why.h"

struct sched_alloc {
	uint32_t shares;	/* 1..SCHED_SHARES_MAX; default 1000 per vCPU */
	uint32_t min_pct;	/* reservation, % of one CPU */
	uint32_t max_pct;	/* limit, % of one CPU, SCHED_UNLIMITED for none */
};

/* Default shares of a VM vCPU ("normal" in ESX terms). */
#define SCHED_SHARES_NORMAL	1000u

/*
 * Create a group for vcpus worlds with allocation a. Admission control:
 * VMK_NO_CAPACITY when the reservations of every group (the COS's
 * guaranteed minimum included) would exceed the machine, VMK_BAD_PARAM
 * for an invalid allocation (shares out of range, min above max or above
 * what vcpus CPUs can use). why says why, for the operator.
 */
vmk_status_t sched_group_create(const char *name, const struct sched_alloc *a,
				uint32_t vcpus, struct sched_group **out,
				struct vmk_why *why);
/* Change a group's allocation, with the same checks. */
vmk_status_t sched_group_set_alloc(struct sched_group *g,
				   const struct sched_alloc *a, struct vmk_why *why);
/* The id vmkctl shows for the group ("world: ID ..."); the COS is 1. */
uint32_t sched_group_id(const struct sched_group *g);
/* Free a group; its worlds must have been destroyed. */
void sched_group_destroy(struct sched_group *g);

/* Make a new world runnable. */
void sched_start(struct world *w);

/*
 * From a world's run function: true when it must return to the scheduler
 * (its time is up, a world with less virtual time woke up on this CPU, or
 * it is being destroyed). Cheap; call it after every #VMEXIT.
 */
bool sched_should_yield(void);

/*
 * From a world's run function before it enters its guest: the guest's next
 * timer event (vmk_time_ns clock, 0: none). The CPU's tick, which may be
 * armed up to 10 ms ahead when nothing else wants the CPU, fires by then,
 * so the guest gets its timer interrupt on time although it runs without
 * exits.
 */
void sched_timer_hint(struct world *w, uint64_t at_ns);

/* Cheaper check for loops that spin with interrupts on (no evaluation). */
bool sched_resched_pending(void);

/*
 * From a world's run function: the world waits (e.g. its guest halted);
 * run must return right after. It runs again after sched_wake().
 */
void sched_block(struct world *w);
/*
 * The same, and the world wakes by itself at deadline_ns (vmk_time_ns()
 * clock; e.g. the guest's next virtual timer event) if nothing woke it
 * before. The CPU keeps the vmkernel's tick while such a world sleeps.
 */
void sched_block_until(struct world *w, uint64_t deadline_ns);

/*
 * Make a blocked world runnable (any CPU, any context with IF=0). If it
 * should preempt what runs on its CPU, that CPU gets a reschedule IPI.
 */
void sched_wake(struct world *w);

/* CPU 0 during init: the COS group (its guaranteed minimum), idle worlds. */
vmk_status_t sched_global_init(void);
/*
 * Each CPU, once its COS vCPU is set up: cos is that vCPU's world (pinned
 * here); runs the scheduler loop, which picks the COS first. Never returns.
 */
void sched_cpu_run(uint32_t cpu, struct world *cos) __attribute__((noreturn));
/* The COS's group, for its vCPU worlds. */
struct sched_group *sched_cos_group(void);

/* Are there worlds besides the COS and idle (VMs, test worlds)? */
bool sched_guests_exist(void);
/*
 * Must the COS vCPU of cpu share it: guests exist, or a world (the service
 * world) sleeps on cpu until a deadline? Then the COS's HLT and its running
 * with interrupts off give the CPU to the scheduler (cos_vcpu.c), whose
 * tick wakes the sleeper on time.
 */
bool sched_cpu_shared(uint32_t cpu);

/* Interrupt hooks (intr.c, IF=0): a vmkernel vector, a COS interrupt queued. */
void sched_vmkernel_interrupt(uint32_t cpu, uint32_t vector);
void sched_cos_interrupt(uint32_t cpu);
/*
 * The COS vCPU running on cpu (its own) keeps an interrupt waiting with
 * interrupts off (cos_intr.c): the vmkernel's tick takes the LAPIC timer
 * until the COS can take interrupts again (cos_timer_in()), so a COS that
 * spins that way is still preempted. Without guests no tick is needed; a
 * world that becomes READY here then sends the reschedule IPI.
 */
void sched_cos_masked(uint32_t cpu);

/* This CPU goes back to native Linux: destroy its test worlds, take no more. */
void sched_cpu_leave(uint32_t cpu);
/* After a panic: make every other CPU look at the shared state now. */
void sched_kick_all(void);

/* vmk_info: how many worlds (groups) and vCPU worlds, per-CPU idle time. */
void sched_info_fill(struct vmk_info *info);
/* One page of VMK_HC_SCHED_LIST, from page->start on (any value is safe). */
void sched_list_fill(struct vmk_sched_list *page);

/* Spinner test worlds (debug hypercall, sched_test.c). */
vmk_status_t sched_test_hypercall(const struct vmk_sched_test *t, uint32_t *world_id);

#endif /* VMKERNEL_CORE_SCHED_H */
