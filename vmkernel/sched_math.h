/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Proportional-share scheduler arithmetic, kept apart from the run queues so
 * it can be tested on the host: entitlements from shares, reservations and
 * limits; admission control for reservations; virtual-time selection of the
 * next world. Units of CPU are the caller's (vmk uses MHz, as VMX's
 * sched.cpu.min/max do); time is in nanoseconds.
 */
#ifndef VMKERNEL_SCHED_MATH_H
#define VMKERNEL_SCHED_MATH_H

#include <vmk/types.h>

#define SCHED_UNLIMITED		UINT32_MAX
/* Largest share count accepted (VMX sched.cpu.shares allows 1 000 000). */
#define SCHED_SHARES_MAX	1000000u
/* Most clients sched_entitle() handles in one call. */
#define SCHED_MAX_CLIENTS	256u
/* Virtual time advances by ran_ns * SCHED_VTIME_SCALE / shares. */
#define SCHED_VTIME_SCALE	1000u

enum sched_status {
	SCHED_OK = 0,
	SCHED_BAD_SHARES,		/* shares 0 or above SCHED_SHARES_MAX */
	SCHED_MIN_ABOVE_MAX,		/* reservation above the limit */
	SCHED_MIN_ABOVE_VCPUS,		/* reservation more than its vCPUs can use */
	SCHED_NO_CAPACITY,		/* reservations would exceed the machine */
	SCHED_TOO_MANY_CLIENTS,
};

/* The machine: ncpus physical CPUs of cpu_capacity units each. */
struct sched_machine {
	uint32_t ncpus;
	uint32_t cpu_capacity;
};

/* One VM (or the COS): its allocation settings. */
struct sched_client {
	uint32_t shares;
	uint32_t min;		/* reservation, units */
	uint32_t max;		/* limit, units, or SCHED_UNLIMITED */
	uint32_t vcpus;		/* it cannot use more than vcpus CPUs */
};

/*
 * Is c a valid allocation by itself on machine m? (shares in range,
 * min <= max, min within what its vCPUs can use.)
 */
enum sched_status sched_check_client(const struct sched_machine *m,
				     const struct sched_client *c);

/*
 * Admission control: may c join the clients already admitted (the COS among
 * them, with its guaranteed minimum)? Refuses when the reservations would
 * add up to more than the machine has.
 */
enum sched_status sched_admit(const struct sched_machine *m,
			      const struct sched_client *admitted, size_t n,
			      const struct sched_client *c);

/*
 * Entitlements when every client wants all the CPU it may have: each gets
 * at least its reservation, at most its limit (and its vCPUs' worth), and
 * the rest of the machine in proportion to shares (max-min fairness,
 * work-conserving up to the limits). out[i] in units; the sum is the
 * machine's capacity unless the limits leave some idle. Rounding leftovers
 * (under one unit per client) go to the first unclamped clients.
 */
enum sched_status sched_entitle(const struct sched_machine *m,
				const struct sched_client *c, size_t n,
				uint32_t *out);

/* Run-time state of one world for virtual-time selection. */
struct sched_vworld {
	uint64_t vtime;		/* run time weighted by 1/shares */
	uint32_t shares;
	bool runnable;
	uint64_t period_used;	/* ns run in the current period */
	uint64_t period_min;	/* ns the reservation guarantees per period */
	uint64_t period_max;	/* ns the limit allows per period (UINT64_MAX: none) */
};

/* Per-period budget in ns for an amount of units of one CPU. */
uint64_t sched_period_budget(const struct sched_machine *m, uint32_t units,
			     uint64_t period_ns);

/*
 * Next world to run: among runnable worlds still under their reservation
 * in this period, the one with the least virtual time; otherwise among
 * those under their limit, the least virtual time; -1 if none (idle).
 */
int sched_pick_next(const struct sched_vworld *w, size_t n);
/* The same over pointers (run queues are lists, not arrays). */
int sched_pick_next_ptr(const struct sched_vworld *const *w, size_t n);
/* Still inside its reservation / under its limit in this period? */
bool sched_in_reservation(const struct sched_vworld *w);
bool sched_under_limit(const struct sched_vworld *w);

/*
 * Balancing between CPUs: does moving a world with `shares` from a run
 * queue whose runnable worlds hold load_from shares to one holding
 * load_to bring the two closer (without turning the imbalance around)?
 */
bool sched_move_evens(uint64_t load_from, uint64_t load_to, uint32_t shares);

/* Account ran_ns of CPU to w. */
void sched_charge(struct sched_vworld *w, uint64_t ran_ns);

/*
 * A world that wakes up must not bring back credit from its sleep: its
 * virtual time moves up to the least one of the runnable worlds.
 */
void sched_wakeup(struct sched_vworld *w, size_t n, size_t waking);

/* Start a new period: reservations and limits count again from zero. */
void sched_new_period(struct sched_vworld *w, size_t n);

#endif /* VMKERNEL_SCHED_MATH_H */
