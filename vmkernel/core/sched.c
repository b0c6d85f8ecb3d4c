// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler (sched.h; docs/architecture.md "Worlds and the scheduler").
 *
 * Each CPU has a run queue: the READY worlds in a list, the one running,
 * and its idle world. Every lock is taken with IF=0: run-queue locks,
 * two together only in CPU order (migration), and groups_lock (groups and
 * admission), which may be held while one run-queue lock is taken, never
 * the other way. A world's state and budgets change under the lock of the
 * run queue it belongs to (world->cpu).
 *
 * Time is charged to the running world at every evaluation (the vmkernel
 * tick, a reschedule IPI, a world's check after an exit, a switch) and
 * goes into its virtual time (sched_math.c) and its period usage, against
 * which its reservation and limit are checked. Periods are per CPU.
 */
#include "vmkernel/core/sched.h"
#include "vmkernel/core/sched_internal.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/cos/cos.h"
#include "vmkernel/cos/cos_timer.h"
#include "vmkernel/cos/cos_down.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/log/log.h"

#define NS_PER_MS		1000000ull
/*
 * The vmkernel's tick while it holds a CPU's timer (cos/cos_timer.h):
 * one-shot, every TIMER_TICK_US while worlds wait for this CPU, else at
 * the next event it must see (the COS's deadline, a sleeper's, a limit's
 * budget) but at least every TIMER_LONG_TICK_US (tick_us()).
 */
#define TIMER_TICK_US		1000
#define TIMER_LONG_TICK_US	10000
#define TIMER_MIN_TICK_US	20
/* Reservations and limits are accounted per period. */
#define SCHED_PERIOD_NS		(100 * NS_PER_MS)
/* A world runs at least this long before a world with less virtual time
 * takes its CPU (budgets and blocking switch at once). */
#define SCHED_MIN_RUN_NS	(1 * NS_PER_MS)
/* A waking world may be this much (of its own run time) behind the queue. */
#define SCHED_WAKE_CREDIT_NS	(2 * NS_PER_MS)
/* How often a CPU compares its run queue with the others' (balance()). */
#define SCHED_BALANCE_NS	(20 * NS_PER_MS)
/* A running world re-evaluates at least this often (sched_should_yield). */
#define SCHED_EVAL_NS		((uint64_t)TIMER_TICK_US * 1000)
/* sched_math units: per mille of one CPU, so a % split over vCPUs keeps
 * a tenth of a percent. */
#define UNITS_PER_PCT		10
#define UNITS_PER_CPU		(100 * UNITS_PER_PCT)
/* The COS: twice a normal vCPU's shares, and its guaranteed minimum. */
#define COS_SHARES_PER_VCPU	2000
#define COS_MIN_PCT_PER_VCPU	10
#define GROUP_SLOTS		SCHED_MAX_CLIENTS	/* what admission control takes */
#define MAX_CANDIDATES		(2 * VMK_MAX_CPUS + WORLD_MAX_VCPU_WORLDS)

struct sched_group {
	bool in_use;
	uint32_t id;			/* shown by vmkctl; the COS is 1 */
	uint32_t type;			/* VMK_WORLD_* of its worlds */
	char name[VMK_WORLD_NAME_LEN];
	struct sched_alloc alloc;
	uint32_t vcpus;			/* declared at creation */
	uint32_t nworlds;		/* attached now */
	uint64_t gone_run_ns;		/* of worlds already destroyed */
	uint64_t gone_ready_ns;
};

struct runq {
	struct spinlock lock;
	struct world *ready;		/* READY worlds */
	uint32_t nready;
	uint32_t nready_movable;	/* of which not pinned */
	struct world *sleepers;		/* BLOCKED with a deadline */
	struct world *current;
	struct world *idle;
	struct world *cos;		/* this CPU's COS vCPU */
	uint64_t period_start;
	uint64_t last_eval;
	uint64_t run_start;		/* when current got the CPU */
	uint64_t min_vtime;		/* monotonic floor for waking worlds */
	uint64_t idle_ns;
	volatile bool need_resched;
	bool leaving;			/* going back to native Linux */
	uint64_t tick_at;		/* when the borrowed timer fires */
	uint64_t last_balance;		/* when balance() last ran here */
	bool long_tick;			/* the borrowed timer is armed beyond
					   TIMER_TICK_US: a new READY world
					   needs a reschedule to shorten it */
};

static struct runq rqs[VMK_MAX_CPUS];
static struct sched_group groups[GROUP_SLOTS];
static struct spinlock groups_lock;
static uint32_t next_group_id = 1;
static struct sched_group *cos_group;
static volatile uint32_t guest_worlds;	/* VM and test worlds in use */
static struct sched_machine machine;

static void idle_run(struct world *w);
static const struct world_ops idle_ops = { .run = idle_run };

static uint32_t rq_cpu(const struct runq *rq)
{
	return (uint32_t)(rq - rqs);
}

static uint32_t pct_units(uint32_t pct)
{
	return pct == SCHED_UNLIMITED ? SCHED_UNLIMITED : pct * UNITS_PER_PCT;
}

static struct sched_client client_of(const struct sched_alloc *a, uint32_t vcpus)
{
	return (struct sched_client){
		.shares = a->shares, .min = pct_units(a->min_pct),
		.max = pct_units(a->max_pct), .vcpus = vcpus,
	};
}

/* Admission control over every group but self; why for the operator. */
static vmk_status_t admit(const struct sched_group *self,
			  const struct sched_alloc *a, uint32_t vcpus,
			  struct vmk_why *why)
{
	static struct sched_client admitted[GROUP_SLOTS];	/* groups_lock */
	struct sched_client c;
	size_t n = 0, i;

	if (!vcpus || vcpus > VMK_WORLD_MAX_VCPUS ||
	    a->min_pct > 100 * VMK_MAX_CPUS ||
	    (a->max_pct != SCHED_UNLIMITED && a->max_pct > 100 * VMK_MAX_CPUS)) {
		why_set(why, "vCPUs, reservation or limit out of range");
		return VMK_BAD_PARAM;
	}
	c = client_of(a, vcpus);
	for (i = 0; i < GROUP_SLOTS; i++)
		if (groups[i].in_use && &groups[i] != self)
			admitted[n++] = client_of(&groups[i].alloc, groups[i].vcpus);
	switch (sched_admit(&machine, admitted, n, &c)) {
	case SCHED_OK:
		return VMK_OK;
	case SCHED_NO_CAPACITY:
		why_set(why, "CPU reservations, the COS's minimum included, would exceed the machine");
		return VMK_NO_CAPACITY;
	case SCHED_BAD_SHARES:
		why_set(why, "shares must be 1..1000000");
		return VMK_BAD_PARAM;
	case SCHED_MIN_ABOVE_MAX:
		why_set(why, "the reservation is above the limit");
		return VMK_BAD_PARAM;
	case SCHED_MIN_ABOVE_VCPUS:
		why_set(why, "the reservation is more than its vCPUs can use");
		return VMK_BAD_PARAM;
	default:
		why_set(why, "too many worlds");
		return VMK_NO_MEMORY;
	}
}

static struct runq *lock_world_rq(struct world *w);

/*
 * A group's shares and budgets, split evenly over its vCPU worlds
 * (groups_lock held). They are stored under the world's run queue lock,
 * where the scheduler reads them: on i386 a 64-bit budget is two stores,
 * and a CPU reading between them would see a torn limit.
 */
static void world_budgets(struct world *w)
{
	const struct sched_group *g = w->group;
	uint32_t n = g->vcpus ? g->vcpus : 1;
	uint32_t shares = g->alloc.shares / n;
	uint64_t min = sched_period_budget(&machine,
			pct_units(g->alloc.min_pct) / n, SCHED_PERIOD_NS);
	uint64_t max = g->alloc.max_pct == SCHED_UNLIMITED ? UINT64_MAX :
		sched_period_budget(&machine, pct_units(g->alloc.max_pct) / n,
				    SCHED_PERIOD_NS);
	struct runq *rq = lock_world_rq(w);

	w->sv.shares = shares ? shares : 1;
	w->sv.period_min = min;
	w->sv.period_max = max;
	spin_unlock(&rq->lock);
}

vmk_status_t sched_group_create(const char *name, const struct sched_alloc *a,
				uint32_t vcpus, struct sched_group **out,
				struct vmk_why *why)
{
	struct sched_group *g = NULL;
	vmk_status_t st;
	size_t i;

	spin_lock(&groups_lock);
	st = admit(NULL, a, vcpus, why);
	for (i = 0; st == VMK_OK && i < GROUP_SLOTS && !g; i++)
		if (!groups[i].in_use)
			g = &groups[i];
	if (st == VMK_OK && !g) {
		why_set(why, "too many worlds");
		st = VMK_NO_MEMORY;
	}
	if (st == VMK_OK) {
		memset(g, 0, sizeof(*g));
		g->in_use = true;
		g->id = next_group_id++;
		g->alloc = *a;
		g->vcpus = vcpus;
		for (i = 0; name[i] && i < sizeof(g->name) - 1; i++)
			g->name[i] = name[i];
		*out = g;
	}
	spin_unlock(&groups_lock);
	return st;
}

static void rebudget(struct world *w, void *g)
{
	if (w->group == g)
		world_budgets(w);
}

vmk_status_t sched_group_set_alloc(struct sched_group *g,
				   const struct sched_alloc *a, struct vmk_why *why)
{
	vmk_status_t st;

	spin_lock(&groups_lock);
	st = admit(g, a, g->vcpus, why);
	if (st == VMK_OK) {
		g->alloc = *a;
		world_for_each(rebudget, g);
	}
	spin_unlock(&groups_lock);
	return st;
}

void sched_group_destroy(struct sched_group *g)
{
	spin_lock(&groups_lock);
	g->in_use = false;
	spin_unlock(&groups_lock);
}

uint32_t sched_group_id(const struct sched_group *g)
{
	return g->id;
}

struct sched_group *sched_cos_group(void)
{
	return cos_group;
}

bool sched_guests_exist(void)
{
	return __atomic_load_n(&guest_worlds, __ATOMIC_RELAXED) != 0;
}

bool sched_cpu_shared(uint32_t cpu)
{
	return sched_guests_exist() ||
	       __atomic_load_n(&rqs[cpu].sleepers, __ATOMIC_RELAXED) != NULL;
}

void sched_group_attach(struct sched_group *g, struct world *w)
{
	spin_lock(&groups_lock);
	w->vcpu = g->nworlds++;
	g->type = w->type == WORLD_COS ? VMK_WORLD_COS :
		  w->type == WORLD_VM ? VMK_WORLD_VM :
		  w->type == WORLD_SERVICE ? VMK_WORLD_SERVICE : VMK_WORLD_TEST;
	world_budgets(w);
	spin_unlock(&groups_lock);
	if (w->type == WORLD_VM || w->type == WORLD_TEST)
		__atomic_add_fetch(&guest_worlds, 1, __ATOMIC_SEQ_CST);
}

void sched_group_detach(struct sched_group *g, struct world *w)
{
	spin_lock(&groups_lock);
	g->nworlds--;
	g->gone_run_ns += w->run_ns;
	g->gone_ready_ns += w->ready_ns;
	spin_unlock(&groups_lock);
	if (w->type == WORLD_VM || w->type == WORLD_TEST)
		__atomic_sub_fetch(&guest_worlds, 1, __ATOMIC_SEQ_CST);
}

/* --- run queues (rq->lock held) --- */

/* Usage counts per period; a world that slept through a boundary starts afresh. */
static void refresh_period(const struct runq *rq, struct world *w)
{
	if (w->period_stamp != rq->period_start) {
		w->period_stamp = rq->period_start;
		w->sv.period_used = 0;
	}
}

static void resched(struct runq *rq);

static void rq_enqueue(struct runq *rq, struct world *w, uint64_t now)
{
	if (rq->long_tick && w != rq->current)
		resched(rq);	/* its wait must be measured in short ticks */
	refresh_period(rq, w);
	w->state = WORLD_READY;
	w->cpu = rq_cpu(rq);
	w->last_ts = now;
	w->rq_next = rq->ready;
	rq->ready = w;
	rq->nready++;
	if (w->pinned_cpu == WORLD_ANY_CPU)
		rq->nready_movable++;
}

static void rq_dequeue(struct runq *rq, struct world *w, uint64_t now)
{
	struct world **p;

	for (p = &rq->ready; *p; p = &(*p)->rq_next) {
		if (*p == w) {
			*p = w->rq_next;
			w->rq_next = NULL;
			rq->nready--;
			if (w->pinned_cpu == WORLD_ANY_CPU)
				rq->nready_movable--;
			w->ready_ns += now - w->last_ts;
			w->last_ts = now;
			return;
		}
	}
}

/* The READY worlds and the running one (if it may go on): who may run. */
static size_t candidates(struct runq *rq, struct world **out)
{
	struct world *w, *cur = rq->current;
	size_t n = 0;

	for (w = rq->ready; w && n < MAX_CANDIDATES; w = w->rq_next)
		out[n++] = w;
	if (cur && cur != rq->idle && cur->state == WORLD_RUNNING &&
	    !cur->dying && n < MAX_CANDIDATES)
		out[n++] = cur;
	return n;
}

static struct world *pick(struct runq *rq)
{
	struct world *c[MAX_CANDIDATES];
	const struct sched_vworld *sv[MAX_CANDIDATES];
	uint64_t least = UINT64_MAX;
	size_t n = candidates(rq, c), i;
	int best;

	for (i = 0; i < n; i++) {
		c[i]->sv.runnable = true;
		sv[i] = &c[i]->sv;
		if (c[i]->sv.vtime < least)
			least = c[i]->sv.vtime;
	}
	if (least != UINT64_MAX && least > rq->min_vtime)
		rq->min_vtime = least;
	best = sched_pick_next_ptr(sv, n);
	return best < 0 ? NULL : c[best];
}

/* Charge the running world (or idle) up to now. */
static void account(struct runq *rq, uint64_t now)
{
	struct world *cur = rq->current;
	uint64_t delta;

	if (!cur)
		return;
	delta = now - cur->last_ts;
	cur->last_ts = now;
	if (cur == rq->idle) {
		rq->idle_ns += delta;
		return;
	}
	sched_charge(&cur->sv, delta);
	cur->run_ns += delta;
}

static void period_roll(struct runq *rq, uint64_t now)
{
	struct world *w;

	if (now - rq->period_start < SCHED_PERIOD_NS)
		return;
	rq->period_start = now - (now - rq->period_start) % SCHED_PERIOD_NS;
	for (w = rq->ready; w; w = w->rq_next)
		refresh_period(rq, w);
	if (rq->current)
		refresh_period(rq, rq->current);
}

static void resched(struct runq *rq)
{
	rq->need_resched = true;
	if (rq_cpu(rq) != this_cpu())
		apic_send_ipi(rq_cpu(rq), VEC_VMK_RESCHED);
}

/* Could an idle CPU take a READY world from another run queue? */
static bool work_elsewhere(const struct runq *self)
{
	uint32_t i;

	for (i = 0; i < vmk_boot_info.ncpus; i++)
		if (&rqs[i] != self && rqs[i].nready_movable)
			return true;
	return false;
}

/* Does the running world have to give its CPU up now? */
static bool should_switch(struct runq *rq, struct world *best, uint64_t now)
{
	struct world *cur = rq->current;

	if (!cur)
		return true;
	if (cur == rq->idle)
		return best || (!rq->leaving && work_elsewhere(rq));
	if (cur->state != WORLD_RUNNING || cur->dying)
		return true;
	if (!best)
		return !sched_under_limit(&cur->sv);
	if (best == cur)
		return false;
	if (!sched_under_limit(&cur->sv))
		return true;
	if (sched_in_reservation(&best->sv) && !sched_in_reservation(&cur->sv))
		return true;
	return now - rq->run_start >= SCHED_MIN_RUN_NS;
}

static void wake_sleepers(struct runq *rq, uint64_t now);

static void evaluate(struct runq *rq, uint64_t now)
{
	wake_sleepers(rq, now);
	account(rq, now);
	period_roll(rq, now);
	if (should_switch(rq, pick(rq), now))
		rq->need_resched = true;
	rq->last_eval = now;
}

/* --- waking, blocking, starting --- */

/* Lock the run queue w belongs to (w->cpu can change until it is locked). */
static struct runq *lock_world_rq(struct world *w)
{
	for (;;) {
		uint32_t cpu = w->cpu;
		struct runq *rq = &rqs[cpu];

		spin_lock(&rq->lock);
		if (w->cpu == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

static void preempt_check(struct runq *rq, struct world *w)
{
	struct world *cur = rq->current;

	if (!cur || cur == rq->idle) {
		resched(rq);
		return;
	}
	if (cur == w)
		return;
	if (w->sv.vtime < cur->sv.vtime ||
	    (sched_in_reservation(&w->sv) && !sched_in_reservation(&cur->sv)))
		resched(rq);
}

static void sleeper_unlink(struct runq *rq, struct world *w)
{
	struct world **p;

	for (p = &rq->sleepers; *p; p = &(*p)->sleep_next) {
		if (*p == w) {
			*p = w->sleep_next;
			break;
		}
	}
	w->sleep_next = NULL;
	w->wake_at = 0;
}

static void wake_locked(struct runq *rq, struct world *w, uint64_t now)
{
	uint64_t credit, floor;

	if (w->wake_at)
		sleeper_unlink(rq, w);
	if (w->state == WORLD_BLOCKED) {
		if (rq->current == w) {
			w->state = WORLD_RUNNING;	/* its run has not returned yet */
		} else {
			/* No credit from the sleep beyond a little (sched_wakeup). */
			credit = SCHED_WAKE_CREDIT_NS * SCHED_VTIME_SCALE / w->sv.shares;
			floor = rq->min_vtime > credit ? rq->min_vtime - credit : 0;
			if (w->sv.vtime < floor)
				w->sv.vtime = floor;
			rq_enqueue(rq, w, now);
			preempt_check(rq, w);
		}
	} else if (w->state == WORLD_READY) {
		preempt_check(rq, w);
	}
}

void sched_wake(struct world *w)
{
	struct runq *rq = lock_world_rq(w);

	wake_locked(rq, w, vmk_time_ns());
	spin_unlock(&rq->lock);
}

/* Sleepers whose deadline passed (rq->lock held). */
static void wake_sleepers(struct runq *rq, uint64_t now)
{
	struct world *w = rq->sleepers, *next;

	for (; w; w = next) {
		next = w->sleep_next;
		if (w->wake_at <= now)
			wake_locked(rq, w, now);
	}
}

void sched_block_until(struct world *w, uint64_t deadline_ns)
{
	struct runq *rq = lock_world_rq(w);

	if (w->state == WORLD_RUNNING) {
		w->state = WORLD_BLOCKED;
		if (deadline_ns && !w->wake_at) {
			w->wake_at = deadline_ns;
			w->sleep_next = rq->sleepers;
			rq->sleepers = w;
		}
	}
	rq->need_resched = true;
	spin_unlock(&rq->lock);
}

void sched_block(struct world *w)
{
	sched_block_until(w, 0);
}

/* Where a new unpinned world goes: an idle CPU, else the shortest queue. */
static uint32_t place(const struct world *w)
{
	uint32_t i, best = 0, best_load = UINT32_MAX;

	if (w->pinned_cpu != WORLD_ANY_CPU)
		return (uint32_t)w->pinned_cpu;
	for (i = 0; i < vmk_boot_info.ncpus; i++) {
		const struct runq *rq = &rqs[i];
		uint32_t load = rq->nready + (rq->current != rq->idle &&
					      rq->current->state == WORLD_RUNNING);

		if (!rq->leaving && load < best_load) {
			best = i;
			best_load = load;
		}
	}
	return best;
}

void sched_start(struct world *w)
{
	struct runq *rq = &rqs[place(w)];

	spin_lock(&rq->lock);
	w->sv.vtime = rq->min_vtime;
	rq_enqueue(rq, w, vmk_time_ns());
	preempt_check(rq, w);
	spin_unlock(&rq->lock);
}

/*
 * Done only once no CPU has w as its current world: a world that blocked is
 * still in its run function (and the scheduler loop still charges it)
 * until its CPU switches away, so its slot must not be reused before.
 */
void sched_remove(struct world *w)
{
	w->dying = true;
	for (;;) {
		struct runq *rq = lock_world_rq(w);

		if (rq->current != w) {
			if (w->state == WORLD_READY)
				rq_dequeue(rq, w, vmk_time_ns());
			if (w->wake_at)
				sleeper_unlink(rq, w);
			w->state = WORLD_DEAD;
			spin_unlock(&rq->lock);
			return;
		}
		/* On its CPU (another one: never from its own run): make it leave. */
		resched(rq);
		spin_unlock(&rq->lock);
		while (__atomic_load_n(&rq->current, __ATOMIC_ACQUIRE) == w)
			__builtin_ia32_pause();
	}
}

struct world *sched_current(uint32_t cpu)
{
	return rqs[cpu].current;
}

bool sched_should_yield(void)
{
	struct runq *rq = &rqs[this_cpu()];
	uint64_t now;

	if (rq->need_resched ||
	    __atomic_load_n(&vmk_state, __ATOMIC_SEQ_CST) == VMK_STATE_PANICKED)
		return true;
	now = vmk_time_ns();
	if (now - rq->last_eval >= SCHED_EVAL_NS) {
		spin_lock(&rq->lock);
		evaluate(rq, now);
		spin_unlock(&rq->lock);
	}
	return rq->need_resched;
}

/* For loops that spin with interrupts on: has anyone asked for a switch? */
bool sched_resched_pending(void)
{
	return rqs[this_cpu()].need_resched;
}

/* --- interrupts --- */

/*
 * When the borrowed timer must fire next (rq->lock held): in a tick while
 * worlds wait for this CPU, else at the first of the COS's deadline, a
 * sleeper's deadline, and the end of the running world's limit budget or
 * period, and at least every TIMER_LONG_TICK_US. A CPU that runs one
 * guest alone thus takes ~100 timer exits a second, not 1000.
 */
/* The tick is armed ns from now (at least TIMER_MIN_TICK_US): note when. */
static uint32_t tick_in(struct runq *rq, uint64_t now, uint64_t ns)
{
	uint32_t us = (uint32_t)MIN(ns / 1000, TIMER_LONG_TICK_US);

	if (us < TIMER_MIN_TICK_US)
		us = TIMER_MIN_TICK_US;
	rq->long_tick = us > TIMER_TICK_US;
	rq->tick_at = now + (uint64_t)us * 1000;
	return us;
}

static uint32_t tick_us(struct runq *rq, uint64_t now)
{
	const struct world *w, *cur = rq->current;
	uint64_t ns = (uint64_t)TIMER_LONG_TICK_US * 1000, t;

	if (rq->nready)
		return tick_in(rq, now, (uint64_t)TIMER_TICK_US * 1000);
	for (w = rq->sleepers; w; w = w->sleep_next)
		ns = MIN(ns, w->wake_at > now ? w->wake_at - now : 0);
	/* A COS that runs masked gets its timer back when it can take it. */
	if (cur != rq->cos)
		ns = MIN(ns, cos_timer_deadline_ns(rq_cpu(rq)));
	if (cur && cur->event_at)
		ns = MIN(ns, cur->event_at > now ? cur->event_at - now : 0);
	if (cur && cur != rq->idle && cur->sv.period_max != UINT64_MAX) {
		t = cur->sv.period_max > cur->sv.period_used ?
		    cur->sv.period_max - cur->sv.period_used : 0;
		ns = MIN(ns, t);
		t = rq->period_start + SCHED_PERIOD_NS;
		ns = MIN(ns, t > now ? t - now : 0);
	}
	return tick_in(rq, now, ns);
}

void sched_timer_hint(struct world *w, uint64_t at_ns)
{
	uint32_t cpu = this_cpu();
	struct runq *rq = &rqs[cpu];
	uint64_t now;

	w->event_at = at_ns;
	if (!at_ns || at_ns >= rq->tick_at || !cos_timer_borrowed(cpu))
		return;
	now = vmk_time_ns();
	cos_timer_rearm(cpu, tick_in(rq, now, at_ns > now ? at_ns - now : 0));
}

static void balance(struct runq *rq, uint64_t now);

static void tick(uint32_t cpu)
{
	struct runq *rq = &rqs[cpu];
	uint64_t now = vmk_time_ns();
	struct world *wake_cos;
	bool rebalance;
	uint32_t us;

	spin_lock(&rq->lock);
	evaluate(rq, now);
	wake_cos = rq->cos && rq->cos->state == WORLD_BLOCKED &&
		   cos_timer_deadline_passed(cpu) ? rq->cos : NULL;
	rebalance = now - rq->last_balance >= SCHED_BALANCE_NS;
	if (rebalance)
		rq->last_balance = now;
	/* The scheduler loop writes it, whatever runs here. */
	if (cos_down_report_due(now))
		rq->need_resched = true;
	spin_unlock(&rq->lock);
	if (wake_cos)
		sched_wake(wake_cos);
	if (rebalance)
		balance(rq, now);
	if (!cos_timer_borrowed(cpu))
		return;
	spin_lock(&rq->lock);
	us = tick_us(rq, vmk_time_ns());
	spin_unlock(&rq->lock);
	cos_timer_rearm(cpu, us);
}

void sched_vmkernel_interrupt(uint32_t cpu, uint32_t vector)
{
	if (vector == VEC_VMK_TIMER || vector == VEC_VMK_RESCHED)
		tick(cpu);
}

void sched_cos_interrupt(uint32_t cpu)
{
	struct world *cos = rqs[cpu].cos;

	if (cos)
		sched_wake(cos);
}

void sched_cos_masked(uint32_t cpu)
{
	struct runq *rq = &rqs[cpu];
	uint32_t us = 0;

	spin_lock(&rq->lock);
	if (!sched_cpu_shared(cpu)) {
		rq->long_tick = true;	/* rq_enqueue() sends the IPI */
	} else if (!cos_timer_borrowed(cpu)) {
		cos_timer_out(cpu);
		us = tick_us(rq, vmk_time_ns());
	}
	spin_unlock(&rq->lock);
	if (us)
		cos_timer_rearm(cpu, us);
}

void sched_kick_all(void)
{
	uint32_t i;

	if (!machine.ncpus)	/* before the scheduler (and the LAPIC) is set up */
		return;
	for (i = 0; i < vmk_boot_info.ncpus; i++) {
		rqs[i].need_resched = true;
		if (i != this_cpu() && (vmk_cpus_virtualized >> i) & 1)
			apic_send_ipi(i, VEC_VMK_RESCHED);
	}
}

/* --- the per-CPU loop --- */

/* Runnable shares on rq: its READY worlds and the running one (locked). */
static uint64_t rq_load(const struct runq *rq)
{
	const struct world *w;
	uint64_t load = 0;

	for (w = rq->ready; w; w = w->rq_next)
		load += w->sv.shares;
	if (rq->current && rq->current != rq->idle &&
	    rq->current->state == WORLD_RUNNING)
		load += rq->current->sv.shares;
	return load;
}

/*
 * Move one unpinned READY world that is under its limit from `from` to
 * `to` (both locked); with `evens`, only one whose move brings the two
 * queues' runnable shares closer and that has no limit (a migration
 * starts the new CPU's period afresh, which a balancer moving it often
 * would turn into a way around the limit). Its virtual time keeps its
 * distance to the queue's floor. The world moved, or NULL.
 */
static struct world *move_one(struct runq *from, struct runq *to, uint64_t now,
			      bool evens)
{
	uint64_t lf = evens ? rq_load(from) : 0, lt = evens ? rq_load(to) : 0;
	uint64_t ahead;
	struct world *w;

	for (w = from->ready; w; w = w->rq_next)
		if (w->pinned_cpu == WORLD_ANY_CPU && !w->dying &&
		    sched_under_limit(&w->sv) &&
		    (!evens || (w->sv.period_max == UINT64_MAX &&
				sched_move_evens(lf, lt, w->sv.shares))))
			break;
	if (!w)
		return NULL;
	ahead = w->sv.vtime > from->min_vtime ? w->sv.vtime - from->min_vtime : 0;
	rq_dequeue(from, w, now);
	w->sv.vtime = to->min_vtime + ahead;
	w->migrations++;
	rq_enqueue(to, w, now);
	return w;
}

/* Both run queues locked, in CPU order (the only order two are taken in). */
static void lock_pair(struct runq *x, struct runq *y)
{
	spin_lock(&(x < y ? x : y)->lock);
	spin_lock(&(x < y ? y : x)->lock);
}

static void unlock_pair(struct runq *x, struct runq *y)
{
	spin_unlock(&x->lock);
	spin_unlock(&y->lock);
}

/*
 * Work conservation: this CPU has nothing it may run; move an unpinned
 * READY world that is under its limit from another CPU.
 */
static void steal(struct runq *rq, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < vmk_boot_info.ncpus; i++) {
		struct runq *from = &rqs[i];

		if (from == rq || !from->nready_movable)
			continue;
		lock_pair(rq, from);
		if (!rq->ready)
			move_one(from, rq, now, false);
		unlock_pair(rq, from);
		if (rq->ready)
			return;
	}
}

/*
 * Proportional share across CPUs: a CPU that never idles never steals, so
 * worlds placed unevenly at creation (three on one CPU, one on the other)
 * would keep uneven shares for good. Every SCHED_BALANCE_NS each CPU
 * compares its runnable shares with every other CPU's and moves one world
 * from the heavier queue to the lighter when that evens them out.
 */
static void balance(struct runq *rq, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < vmk_boot_info.ncpus; i++) {
		struct runq *other = &rqs[i], *to = NULL;
		struct world *w = NULL;
		uint64_t mine, theirs;

		if (other == rq)
			continue;
		lock_pair(rq, other);
		if (!rq->leaving && !other->leaving) {
			mine = rq_load(rq);
			theirs = rq_load(other);
			to = theirs > mine ? rq : other;
			w = to == rq ? move_one(other, rq, now, true) :
				       move_one(rq, other, now, true);
			if (w)
				preempt_check(to, w);
		}
		unlock_pair(rq, other);
		if (w)
			return;
	}
}

/* The world that ran gives its CPU back (rq->lock held). */
static void put_prev(struct runq *rq, struct world *prev, uint64_t now)
{
	if (!prev || prev == rq->idle)
		return;
	if (prev->dying)
		prev->state = WORLD_DEAD;
	else if (prev->state == WORLD_RUNNING)
		rq_enqueue(rq, prev, now);
}

static struct world *switch_to(struct runq *rq, uint64_t now)
{
	struct world *prev = rq->current, *next;

	account(rq, now);
	period_roll(rq, now);
	put_prev(rq, prev, now);
	rq->current = NULL;
	next = pick(rq);
	if (next)
		rq_dequeue(rq, next, now);
	else
		next = rq->idle;
	next->state = WORLD_RUNNING;
	next->last_ts = now;
	if (next != prev)
		next->switches++;
	rq->current = next;
	rq->run_start = now;
	rq->last_eval = now;
	rq->need_resched = false;
	return next;
}

/* After a panic elsewhere: the COS vCPU here goes back as it is. */
static void give_back_if_panicked(uint32_t cpu)
{
	if (__atomic_load_n(&vmk_state, __ATOMIC_SEQ_CST) == VMK_STATE_PANICKED)
		cos_give_back_panicked(&cos_vcpus[cpu]);
}

/*
 * The COS is down (cos/cos_down.h): its vCPU here leaves the run queue for
 * good (blocked, and nothing wakes it: rq->cos is gone), and its
 * interrupts and timer become the vmkernel's. The one that just returned
 * from its run is still current: put_prev() leaves it out.
 */
static void stop_cos_if_down(struct runq *rq, uint64_t now)
{
	struct world *w = rq->cos;

	if (!w || !cos_is_down())
		return;
	spin_lock(&rq->lock);
	rq->cos = NULL;
	if (w->state == WORLD_READY)
		rq_dequeue(rq, w, now);
	if (w->wake_at)
		sleeper_unlink(rq, w);
	w->state = WORLD_BLOCKED;
	spin_unlock(&rq->lock);
	cos_down_cpu(rq_cpu(rq));
}

static __attribute__((noreturn)) void sched_loop(struct runq *rq)
{
	uint32_t cpu = rq_cpu(rq);

	for (;;) {
		struct world *next;
		uint64_t now = vmk_time_ns();
		uint32_t tick_at;

		give_back_if_panicked(cpu);
		stop_cos_if_down(rq, now);
		cos_down_report(now);
		spin_lock(&rq->lock);
		if (!rq->leaving && !pick(rq) && work_elsewhere(rq)) {
			spin_unlock(&rq->lock);
			steal(rq, now);
			spin_lock(&rq->lock);
		}
		next = switch_to(rq, now);
		/*
		 * The LAPIC timer: the COS's while its vCPU runs here, the
		 * vmkernel's tick while another world does (cos_timer.h). The idle
		 * world leaves it as it is (a COS timer wakes the COS) unless
		 * sleepers, worlds past their limit waiting for the next
		 * period, or a COS deadline it holds already need the tick.
		 */
		tick_at = 0;
		if (next->ops->enter) {
			rq->long_tick = false;	/* its own timer (world_ops) */
		} else if (next != rq->idle || rq->sleepers || rq->nready ||
			   cos_timer_borrowed(cpu)) {
			cos_timer_out(cpu);	/* its deadline counts in tick_us */
			tick_at = tick_us(rq, now);
		}
		spin_unlock(&rq->lock);
		if (next->ops->enter)
			next->ops->enter(next);
		else if (tick_at)
			cos_timer_rearm(cpu, tick_at);
		next->ops->run(next);
	}
}

/* Idle: halt with interrupts on until something is to run here. */
static void idle_run(struct world *w)
{
	(void)w;
	while (!sched_should_yield())
		asm volatile("stgi\n\t"
			     "sti\n\t"
			     "hlt\n\t"	/* STI's shadow covers HLT: no lost wakeup */
			     "cli\n\t"
			     "clgi" ::: "memory");
}

vmk_status_t sched_global_init(void)
{
	struct sched_alloc cos = {
		.shares = COS_SHARES_PER_VCPU * vmk_boot_info.ncpus,
		.min_pct = COS_MIN_PCT_PER_VCPU * vmk_boot_info.ncpus,
		.max_pct = SCHED_UNLIMITED,
	};
	struct vmk_why why = { "" };
	vmk_status_t st;
	uint32_t i;

	machine.ncpus = vmk_boot_info.ncpus;
	machine.cpu_capacity = UNITS_PER_CPU;
	st = sched_group_create("console", &cos, vmk_boot_info.ncpus, &cos_group, &why);
	for (i = 0; st == VMK_OK && i < vmk_boot_info.ncpus; i++) {
		st = world_create(WORLD_IDLE, "idle", &idle_ops, NULL, NULL,
				  (int32_t)i, &rqs[i].idle);
		if (st == VMK_OK)
			rqs[i].idle->state = WORLD_RUNNING;
	}
	return st;
}

void sched_cpu_run(uint32_t cpu, struct world *cos)
{
	struct runq *rq = &rqs[cpu];
	uint64_t now = vmk_time_ns();

	spin_lock(&rq->lock);
	rq->cos = cos;
	rq->period_start = now;
	cos->sv.vtime = 0;
	rq_enqueue(rq, cos, now);
	spin_unlock(&rq->lock);
	sched_loop(rq);
}

void sched_cpu_leave(uint32_t cpu)
{
	struct runq *rq = &rqs[cpu];

	spin_lock(&rq->lock);
	rq->leaving = true;
	spin_unlock(&rq->lock);
	sched_test_stop_cpu(cpu);
}

/* --- reporting --- */

struct list_ctx {
	struct vmk_sched_list *page;
	uint64_t now;
};

static uint32_t state_code(enum world_state s)
{
	switch (s) {
	case WORLD_READY:
		return 1;
	case WORLD_RUNNING:
		return 2;
	case WORLD_BLOCKED:
		return 3;
	default:
		return 0;
	}
}

static struct vmk_world_info *page_entry(struct vmk_sched_list *page,
					 const struct sched_group *g)
{
	uint32_t i;

	for (i = 0; i < page->nworlds; i++)
		if (page->world[i].id == g->id)
			return &page->world[i];
	return NULL;
}

/* A vCPU world of a group in this page: its line, and its group's times. */
static void list_vcpu(struct world *w, void *p)
{
	struct list_ctx *ctx = p;
	struct vmk_sched_list *page = ctx->page;
	uint64_t run = w->run_ns, ready = w->ready_ns, since;
	struct vmk_world_info *gi;
	struct vmk_vcpu_info *v;

	if (w->type == WORLD_IDLE || !w->group)
		return;
	gi = page_entry(page, w->group);
	if (!gi)
		return;
	since = ctx->now > w->last_ts ? ctx->now - w->last_ts : 0;
	if (w->state == WORLD_RUNNING)
		run += since;
	else if (w->state == WORLD_READY)
		ready += since;
	gi->run_us += run / 1000;
	gi->ready_us += ready / 1000;
	if (page->nvcpus >= VMK_SCHED_LIST_VCPUS)
		return;		/* cannot happen: room is kept per group */
	v = &page->vcpu[page->nvcpus++];
	v->world_id = w->group->id;
	v->vcpu = w->vcpu;
	v->cpu = w->cpu;
	v->state = state_code(w->state);
	v->run_us = run / 1000;
	v->ready_us = ready / 1000;
	v->switches = w->switches;
	v->migrations = w->migrations;
}

void sched_list_fill(struct vmk_sched_list *page)
{
	struct list_ctx ctx = { page, vmk_time_ns() };
	uint32_t i, room = VMK_SCHED_LIST_VCPUS;

	page->next = page->nworlds = page->nvcpus = 0;
	for (i = page->start; i < GROUP_SLOTS; i++) {
		const struct sched_group *g = &groups[i];
		struct vmk_world_info *wi;

		if (!g->in_use)
			continue;
		/* admit() keeps g->vcpus <= VMK_WORLD_MAX_VCPUS <= a page */
		if (page->nworlds == VMK_SCHED_LIST_WORLDS || g->vcpus > room) {
			page->next = i;		/* > start: a page holds >= 1 */
			break;
		}
		room -= g->vcpus;
		wi = &page->world[page->nworlds++];
		wi->id = g->id;
		wi->type = g->type;
		wi->vcpus = g->vcpus;
		memcpy(wi->name, g->name, sizeof(wi->name));
		wi->shares = g->alloc.shares;
		wi->min_pct = g->alloc.min_pct;
		wi->max_pct = g->alloc.max_pct;
		wi->run_us = g->gone_run_ns / 1000;
		wi->ready_us = g->gone_ready_ns / 1000;
	}
	world_for_each(list_vcpu, &ctx);
}

static void count_vcpu(struct world *w, void *p)
{
	uint32_t *n = p;

	if (w->type != WORLD_IDLE && w->group)
		(*n)++;
}

void sched_info_fill(struct vmk_info *info)
{
	uint32_t i;

	info->sched_period_us = SCHED_PERIOD_NS / 1000;
	info->nworlds = 0;
	for (i = 0; i < GROUP_SLOTS; i++)
		info->nworlds += groups[i].in_use;
	info->nvcpus = 0;
	world_for_each(count_vcpu, &info->nvcpus);
	for (i = 0; i < vmk_boot_info.ncpus; i++)
		info->cpu[i].idle_us = rqs[i].idle_ns / 1000;
}
