/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worlds: what the vmkernel schedules on a physical CPU. One world per COS
 * vCPU (pinned to its CPU), one idle world per CPU, one world per VM vCPU,
 * the service world (service.h), and, with `vmkload debug=1`, test worlds
 * that spin.
 *
 * A world's owner gives it a small ops table. The scheduler calls `run` on
 * the CPU it picked, on that CPU's vmkernel stack (no per-world stacks:
 * the world's machine state lives in its VMCB and its owner's structure).
 * `run` returns to the scheduler when sched_should_yield() says so, or
 * after sched_block(); it may be called again later on another CPU unless
 * the world is pinned. See docs/architecture.md "Worlds and the scheduler".
 */
#ifndef VMKERNEL_CORE_WORLD_H
#define VMKERNEL_CORE_WORLD_H

#include "vmkernel/platform.h"
#include "vmkernel/sched_math.h"
#include <vmk/hypercall.h>

enum world_type {
	WORLD_IDLE,
	WORLD_COS,		/* a COS vCPU */
	WORLD_VM,		/* a VM vCPU */
	WORLD_TEST,		/* debug-only spinner */
	WORLD_SERVICE,		/* the vmkernel's periodic tasks (service.h) */
};

/* No CPU affinity: the scheduler places and migrates the world. */
#define WORLD_ANY_CPU		(-1)
/*
 * VM vCPU and test worlds at once: a guard (the tables are static, about
 * 200 bytes a world), as many as sched_math admits groups; vmkctl status
 * pages through all of them (VMK_HC_SCHED_LIST).
 */
#define WORLD_MAX_VCPU_WORLDS	SCHED_MAX_CLIENTS

struct world;
struct sched_group;

struct world_ops {
	/*
	 * Run the world on this CPU until sched_should_yield() returns true
	 * or the world calls sched_block(). Called with host IF=0 and GIF=0
	 * (the vmkernel's normal state); return in that state. A VM run
	 * function VMRUNs with the intercepts of intr_vmcb_setup() and calls
	 * intr_handle_exit() on every #VMEXIT (arch/x86/intr.h), so the
	 * vmkernel tick preempts a guest that spins with interrupts off.
	 */
	void (*run)(struct world *w);
	/*
	 * Optional: the world is about to get its CPU (before run, with
	 * IF=0). A world with `enter` owns the CPU's LAPIC timer while it runs
	 * (the COS: its own timer comes back, its interrupts are raised
	 * again); the scheduler arms its own tick for every other world.
	 */
	void (*enter)(struct world *w);
	/*
	 * Optional: the world is being destroyed; it is on no CPU and will not
	 * run again. Free the owner's per-world resources here.
	 */
	void (*stop)(struct world *w);
};

enum world_state {
	WORLD_NEW,		/* created, not started */
	WORLD_READY,		/* on a run queue, waiting for its CPU */
	WORLD_RUNNING,		/* in ops->run on world->cpu */
	WORLD_BLOCKED,		/* waits for sched_wake() */
	WORLD_DEAD,		/* being destroyed */
};

struct world {
	uint32_t id;			/* 1 = the COS; shown by vmkctl */
	enum world_type type;
	char name[VMK_WORLD_NAME_LEN];
	const struct world_ops *ops;
	void *priv;			/* the owner's (VM vCPU, COS vCPU) */
	struct sched_group *group;	/* shares/reservation/limit */
	int32_t pinned_cpu;		/* WORLD_ANY_CPU or a CPU index */

	/* Owned by sched.c; read by others only for reporting. */
	volatile enum world_state state;
	uint32_t cpu;			/* the run queue it is on / runs on */
	struct sched_vworld sv;		/* virtual time, period budgets */
	uint64_t period_stamp;		/* the period sv.period_used counts in */
	uint64_t run_ns;		/* CPU time used since creation */
	uint64_t ready_ns;		/* time spent READY (waiting for a CPU) */
	uint64_t switches;		/* times it was put on a CPU */
	uint64_t migrations;		/* times it moved to another CPU */
	uint64_t last_ts;		/* sched.c's time stamp of its last transition */
	struct world *rq_next;		/* run-queue link */
	struct world *sleep_next;	/* blocked with a deadline: link */
	uint64_t wake_at;		/* that deadline (vmk_time_ns), 0: none */
	uint64_t event_at;		/* its guest's next timer event while it
					   runs (sched_timer_hint), 0: none */
	uint32_t vcpu;			/* index within its group */
	bool dying;			/* world_destroy() in progress */
	bool in_use;
};

/*
 * Create a world in group g (sched.h), not yet runnable: sched_start()
 * makes it so. pinned_cpu is WORLD_ANY_CPU or the only CPU it may run on.
 * VMK_NO_MEMORY when the world table is full.
 */
vmk_status_t world_create(enum world_type type, const char *name,
			  const struct world_ops *ops, void *priv,
			  struct sched_group *g, int32_t pinned_cpu,
			  struct world **out);

/*
 * Destroy a world from another world's context (e.g. a hypercall from the
 * COS): takes it off its run queue, waits until it has left its CPU, calls
 * ops->stop and frees the slot. Never call it from the world's own run.
 */
void world_destroy(struct world *w);

/* The world running on this CPU (its idle world when nothing else runs). */
struct world *world_current(void);

#endif /* VMKERNEL_CORE_WORLD_H */
