// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS on vswitch0 (docs/network.md "The COS on the switch"): with
 * vmkload net=1 the COS gets vmk0, a paravirtual NIC on the vmkernel's
 * port in "Management Network", with the uplink NIC's MAC, as ESX's
 * service console had vswif0. Two rings in COS memory, registered at
 * open (VMK_COS_NET_SETUP, docs/network.md "vmk0's rings"): the RX ring
 * holds 128 posted 2 KiB skbs the vmkernel's switch copies frames into,
 * NAPI takes them from its used entries with no hypercall; the TX ring
 * holds the stack's skbs, gathered while it says more follow
 * (netdev_xmit_more()), and one KICK sends them unless the vmkernel says
 * it drains already (busy); the completions free them. A KICK polls the
 * uplink NIC; an answer already in the RX ring schedules the NAPI poll.
 * When NAPI goes idle it sets the RX ring's event (and ARMs when the
 * irq's vector or CPU changed): the vmkernel raises the vector Linux
 * routed the uplink NIC's INTx to at the next frame it delivers; this
 * module keeps that irq requested (shared) from vmk_cosnet_add() until
 * after the give-back; its handler polls when it
 * armed (test-and-clear) and claims the interrupt when the vmkernel says
 * it rang or took the NIC's own interrupt on that vector (and polled the
 * NIC): the shared page's net_intr_seq moved (docs/network.md
 * "Interrupts for vmk0 and the uplink"). An hrtimer stays as the
 * fallback: every VMKNET_FALLBACK_US while armed; without the doorbell
 * (doorbell=0, no irq, an ARM refused) it schedules the NAPI poll every
 * VMKNET_POLL_MIN_US while frames come or go, backing off to
 * VMKNET_POLL_MAX_US when idle. Registered after the load, unregistered
 * before the give-back; the uplink NIC's own driver then gets it back
 * (hba.c).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <asm/hw_irq.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <vmk/net.h>
#include "vmkload.h"

/*
 * The idle poll stays short: the uplink's receive ring (32 descriptors)
 * is emptied only when the COS polls while no VM runs, so a burst after
 * a quiet spell must not wait long (500 hypercalls a second when idle).
 */
#define VMKNET_POLL_MIN_US	500
#define VMKNET_POLL_MAX_US	2000
/*
 * Armed: the timer only catches a doorbell lost (Linux moved the irq
 * between two ARMs), 10 hypercalls a second when idle.
 */
#define VMKNET_FALLBACK_US	100000

static bool doorbell = true;
module_param(doorbell, bool, 0444);
MODULE_PARM_DESC(doorbell, "with net=1: vmk0 is woken by the vmkernel's doorbell on the uplink NIC's irq (default), not polled by a timer");

struct vmknet {
	struct net_device *nd;
	struct napi_struct napi;
	struct hrtimer timer;
	u32 poll_us;			/* the next poll's delay: xmit and NAPI */
	u64 drops_base;			/* the RX ring's drops when opened */
	struct vmk_cos_net_ring *rxr, *txr;	/* a page each, lowmem; rxr NULL: left */
	u32 rx_clean;			/* the next RX used entry NAPI reads */
	u32 tx_prod, tx_pub, tx_clean;	/* written, in avail, completed */
	bool poll_uplink;		/* the timer fired: POLL before reading */
	u64 rx_nomem;			/* frames dropped for want of a new skb */
	u16 armed_at;			/* vector | apic_id << 8 of the last ARM */
	struct vmk_cos_net *tx, *rx;	/* the calls' requests, lowmem */
	struct vmk_cos_net *arm;	/* ARM's: after napi_complete_done() */
	struct vmk_cos_net *mc;		/* MCAST's: under the netdev's address lock */
	bool bell_on;			/* the last ARM took: no fast timed polls */
	/* for the report at remove and sysfs */
	u64 rx_calls, rx_empty, arms, arms_pending, bells, claims, timer_polls, kicks;
	struct sk_buff *rxb[VMK_COS_NET_RING];	/* posted: desc[i]'s */
	struct sk_buff *txs[VMK_COS_NET_RING];	/* sent, until completed */
};

static struct net_device *vmknet_dev;

/*
 * The doorbell's irq, the uplink NIC's (hba.c recorded it at the
 * hand-over): requested at vmk_cosnet_add(), freed after the give-back
 * (vmk_cosnet_irq_free()), as a doorbell the vmkernel kept for a COS CPU
 * that was away is raised again late. Not in struct vmknet: it outlives
 * the netdev.
 */
static struct {
	int irq;
	bool requested;
	unsigned long armed;		/* bit 0: an ARM is out */
	struct vmknet *v;		/* while vmk0 is registered */
	const struct vmk_shared *shared;	/* the vmkernel's page, while v */
	u32 seq;			/* its net_intr_seq at the last claim */
	/* the handler's answers since the load (one CPU at a time: Linux
	 * runs one irq's handlers on one CPU; read by sysfs) */
	unsigned long claimed, unclaimed;
} vmknet_bell;

/*
 * One VMK_HC_COS_NET of r; 0, else -EIO (r->msg says why) or -ENODEV (no
 * vmkernel on this CPU: given back, or it panicked).
 */
static int vmknet_call(struct vmk_cos_net *r)
{
	vmk_status_t st;
	int ret;

	r->msg[0] = '\0';
	ret = vmk_vm_hypercall(VMK_HC_COS_NET, virt_to_phys(r), sizeof(*r), 0, 0, &st, NULL);
	if (ret)
		return ret;
	r->msg[sizeof(r->msg) - 1] = '\0';
	if (st == VMK_PANICKED)
		return -ENODEV;
	return st == VMK_OK ? 0 : -EIO;
}

static void vmknet_poll_in(struct vmknet *v, u32 us)
{
	hrtimer_start(&v->timer, ns_to_ktime((u64)us * NSEC_PER_USEC), HRTIMER_MODE_REL);
}

static enum hrtimer_restart vmknet_timer(struct hrtimer *t)
{
	struct vmknet *v = container_of(t, struct vmknet, timer);

	v->timer_polls++;
	WRITE_ONCE(v->poll_uplink, true);
	napi_schedule(&v->napi);
	return HRTIMER_NORESTART;
}

/* A 2 KiB skb whose data the vmkernel may fill; NULL when none. */
static struct sk_buff *vmknet_rx_skb(struct vmknet *v, gfp_t gfp)
{
	return __netdev_alloc_skb(v->nd, VMK_COS_NET_BUF_LEN, gfp);
}

/*
 * The RX ring's drops, a u64 the vmkernel writes while vmk0 reads it: on
 * i386 a read is two loads, so read until two agree (no torn value).
 */
static u64 vmknet_ring_drops(const struct vmk_cos_net_ring *r)
{
	u64 a, b = READ_ONCE(r->drops);

	do {
		a = b;
		b = READ_ONCE(r->drops);
	} while (a != b);
	return a;
}

/*
 * Up to want frames from the RX ring's used entries, no hypercall: each
 * skb goes up the stack and a new one is posted in its slot (the old one
 * again when none can be had: its frame is dropped). avail always a
 * ring ahead of rx_clean.
 */
static int vmknet_rx(struct vmknet *v, int want)
{
	struct vmk_cos_net_ring *r = v->rxr;
	u32 used = smp_load_acquire(&r->used);
	int n = 0;

	if (used - v->rx_clean > VMK_COS_NET_RING)
		used = v->rx_clean;	/* never: the vmkernel's own index */
	while (n < want && v->rx_clean != used) {
		u32 slot = v->rx_clean & (VMK_COS_NET_RING - 1);
		u32 len = READ_ONCE(r->used_ent[slot].len);
		u32 flags = READ_ONCE(r->used_ent[slot].flags);
		struct sk_buff *skb = v->rxb[slot], *fresh;

		if (flags & VMK_COS_NET_USED_BAD) {
			v->nd->stats.rx_errors++;
		} else if (len < ETH_HLEN || len > VMK_COS_NET_BUF_LEN) {
			v->nd->stats.rx_length_errors++;
		} else if (!(fresh = vmknet_rx_skb(v, GFP_ATOMIC))) {
			v->rx_nomem++;
		} else {
			v->rxb[slot] = fresh;
			r->desc[slot].gpa = virt_to_phys(fresh->data);
			skb_put(skb, len);
			skb->protocol = eth_type_trans(skb, v->nd);
			v->nd->stats.rx_packets++;
			v->nd->stats.rx_bytes += len;
			napi_gro_receive(&v->napi, skb);
		}
		v->rx_clean++;
		n++;
	}
	/* the descriptors before the index */
	smp_store_release(&r->avail, v->rx_clean + VMK_COS_NET_RING);
	/* the vmkernel's drops (no buffer) since this open, and ours */
	v->nd->stats.rx_dropped = vmknet_ring_drops(r) - v->drops_base + v->rx_nomem;
	return n;
}

/* Frames in the RX ring NAPI has not taken. */
static bool vmknet_rx_waiting(struct vmknet *v)
{
	return smp_load_acquire(&v->rxr->used) != v->rx_clean;
}

/*
 * NAPI is going idle: ask for the doorbell at the next frame (the RX
 * ring's event), ARMing first when the irq's vector or CPU is not the
 * last ARM's (the vmkernel's target; it also routes the NIC's interrupt
 * there). true when armed (the fallback timer set) or frames already
 * wait (NAPI scheduled again); false when there is no doorbell and the
 * timer must poll.
 */
static bool vmknet_arm(struct vmknet *v)
{
	struct irq_data *d = vmknet_bell.requested ? irq_get_irq_data(vmknet_bell.irq) : NULL;
	struct irq_cfg *cfg = d ? irqd_cfg(d) : NULL;
	struct vmk_cos_net *r = v->arm;
	unsigned int cpu;
	u16 at;

	/*
	 * Read at every idle: Linux may move the irq to another vector or
	 * CPU. The CPU from the effective affinity, its physical APIC ID
	 * (cfg->dest_apicid is a logical one in i386's flat mode).
	 */
	if (!cfg || cfg->vector < VMK_COS_NET_VEC_MIN || cfg->vector > VMK_COS_NET_VEC_MAX)
		return false;
	/*
	 * A line Linux disabled (nobody cared) never calls the handler: the
	 * doorbell would be swallowed. Poll, and turn the NIC's interrupt off
	 * once (it would only reach the masked pin).
	 */
	if (irqd_irq_disabled(d)) {
		if (READ_ONCE(v->bell_on)) {
			r->op = VMK_COS_NET_QUIET;
			vmknet_call(r);
			net_warn_ratelimited("%s: irq %d is disabled: polled\n",
					     v->nd->name, vmknet_bell.irq);
		}
		return false;
	}
	cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (cpu >= nr_cpu_ids || cpu_physical_id(cpu) > 0xff)
		return false;
	at = (u16)cfg->vector | (u16)cpu_physical_id(cpu) << 8;
	set_bit(0, &vmknet_bell.armed);
	WRITE_ONCE(v->rxr->event, v->rx_clean);	/* ring at the next frame */
	smp_mb();				/* event before used is read again */
	if (!READ_ONCE(v->bell_on) || v->armed_at != at) {
		r->op = VMK_COS_NET_ARM;
		r->vector = (u8)cfg->vector;
		r->apic_id = (u8)cpu_physical_id(cpu);
		if (vmknet_call(r)) {
			clear_bit(0, &vmknet_bell.armed);
			net_warn_ratelimited("%s: no doorbell, polled: %s\n", v->nd->name,
					     r->msg[0] ? r->msg : "the vmkernel is gone");
			return false;
		}
		v->arms++;
		v->armed_at = at;
	}
	if (vmknet_rx_waiting(v)) {	/* came meanwhile: receive now */
		v->arms_pending++;
		if (test_and_clear_bit(0, &vmknet_bell.armed))
			napi_schedule(&v->napi);
		return true;
	}
	vmknet_poll_in(v, VMKNET_FALLBACK_US);
	return true;
}

/*
 * The doorbell's irq, shared: with the uplink NIC's own interrupt (the
 * vmkernel took it first) and with any COS device on the same line.
 * Polls when armed; claimed only when the vmkernel rang or acknowledged
 * the NIC since the last claim (its net_intr_seq, moved before the
 * vector came), so Linux's check for a stuck line still works: a storm
 * of another device on the line is unclaimed here whether armed or not,
 * and the NIC's interrupts are claimed while NAPI runs (nothing armed).
 * Linux does not run one irq's handlers on two CPUs at once.
 */
static irqreturn_t vmknet_intr(int irq, void *dev_id)
{
	struct vmknet *v = smp_load_acquire(&vmknet_bell.v);
	u32 seq;

	if (!v)
		goto unclaimed;
	seq = READ_ONCE(vmknet_bell.shared->net_intr_seq);
	if (test_and_clear_bit(0, &vmknet_bell.armed)) {
		v->bells++;
		napi_schedule(&v->napi);
	}
	if (seq == vmknet_bell.seq)
		goto unclaimed;
	vmknet_bell.seq = seq;
	v->claims++;
	WRITE_ONCE(vmknet_bell.claimed, vmknet_bell.claimed + 1);
	return IRQ_HANDLED;
unclaimed:
	WRITE_ONCE(vmknet_bell.unclaimed, vmknet_bell.unclaimed + 1);
	return IRQ_NONE;
}

static int vmknet_poll(struct napi_struct *napi, int budget)
{
	struct vmknet *v = container_of(napi, struct vmknet, napi);
	int done = 0, n;

	clear_bit(0, &vmknet_bell.armed);	/* polling: a doorbell adds nothing */
	hrtimer_try_to_cancel(&v->timer);
	/*
	 * The uplink NIC into the ring: without the doorbell at every poll,
	 * with it only when the fallback timer fired (a lost doorbell).
	 */
	if (!READ_ONCE(v->bell_on) || READ_ONCE(v->poll_uplink)) {
		WRITE_ONCE(v->poll_uplink, false);
		v->rx->op = VMK_COS_NET_POLL;
		n = vmknet_call(v->rx);
		if (n == -ENODEV) {
			/* the vmkernel is gone (a panic): no more polls */
			netif_carrier_off(v->nd);
			napi_complete_done(napi, 0);
			return 0;
		}
		v->rx_calls++;
		if (!vmknet_rx_waiting(v))
			v->rx_empty++;
	}
	done = vmknet_rx(v, budget);
	if (done == budget)
		return budget;	/* more: NAPI polls again */
	/*
	 * Armed, or the timer set, before NAPI completes: napi_disable() in
	 * vmknet_stop() waits only for the poll's SCHED bit, which
	 * napi_complete_done() clears, so nothing may follow it here (an ARM
	 * after vmknet_stop()'s QUIET would turn the NIC's interrupt on
	 * again with vmk0 down). A doorbell, a pending answer or the timer
	 * meanwhile sets NAPI's MISSED bit: napi_complete_done() then
	 * schedules the poll again.
	 */
	if (vmknet_arm(v)) {
		WRITE_ONCE(v->bell_on, true);
	} else {
		u32 us = done ? VMKNET_POLL_MIN_US :
			 min(READ_ONCE(v->poll_us) * 2, (u32)VMKNET_POLL_MAX_US);

		WRITE_ONCE(v->bell_on, false);
		WRITE_ONCE(v->poll_us, us);
		vmknet_poll_in(v, us);
	}
	napi_complete_done(napi, done);
	return done;
}

/* The TX ring's completions: their skbs freed, counted. */
static void vmknet_tx_reclaim(struct vmknet *v)
{
	struct net_device *nd = v->nd;
	struct vmk_cos_net_ring *r = v->txr;
	u32 used = smp_load_acquire(&r->used);

	if (used - v->tx_clean > v->tx_pub - v->tx_clean)
		used = v->tx_pub;	/* never: the vmkernel completes what it saw */
	while (v->tx_clean != used) {
		u32 slot = v->tx_clean & (VMK_COS_NET_RING - 1);
		u32 flags = READ_ONCE(r->used_ent[slot].flags);
		struct sk_buff *skb = v->txs[slot];

		if (flags & VMK_COS_NET_USED_SENT) {
			nd->stats.tx_packets++;
			nd->stats.tx_bytes += skb->len;
		} else if (flags & VMK_COS_NET_USED_BAD) {
			nd->stats.tx_errors++;
		} else {
			nd->stats.tx_dropped++;	/* policy, or no port wanted it */
		}
		v->txs[slot] = NULL;
		if (flags & VMK_COS_NET_USED_SENT)
			dev_consume_skb_any(skb);
		else
			dev_kfree_skb_any(skb);	/* a drop: drop monitors see it */
		v->tx_clean++;
	}
}

/*
 * The descriptors written since the last flush into avail; a KICK
 * unless the vmkernel drains already (it reads avail again before it
 * stops). Then the completions, and an answer the KICK's poll of the
 * uplink already put in the RX ring schedules NAPI.
 */
static void vmknet_tx_flush(struct vmknet *v)
{
	struct net_device *nd = v->nd;
	struct vmk_cos_net *r = v->tx;

	if (v->tx_pub == v->tx_prod)
		return;
	v->tx_pub = v->tx_prod;
	smp_store_release(&v->txr->avail, v->tx_pub);
	smp_mb();		/* avail before busy is read */
	if (!READ_ONCE(v->txr->busy)) {
		r->op = VMK_COS_NET_KICK;
		v->kicks++;
		if (vmknet_call(r))
			net_warn_ratelimited("%s: send: %s\n", nd->name,
					     r->msg[0] ? r->msg : "the vmkernel is gone");
		else if (r->msg[0])
			net_warn_ratelimited("%s: send: %s\n", nd->name, r->msg);
	}
	vmknet_tx_reclaim(v);
	/* an answer may come soon: poll at the fast rate, now if it came */
	if (vmknet_rx_waiting(v)) {
		WRITE_ONCE(v->poll_us, VMKNET_POLL_MIN_US);
		napi_schedule(&v->napi);
	} else if (!READ_ONCE(v->bell_on) && READ_ONCE(v->poll_us) != VMKNET_POLL_MIN_US) {
		WRITE_ONCE(v->poll_us, VMKNET_POLL_MIN_US);
		hrtimer_try_to_cancel(&v->timer);
		napi_schedule(&v->napi);
	}
}

static netdev_tx_t vmknet_xmit(struct sk_buff *skb, struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);
	u32 slot;

	if (skb_linearize(skb)) {
		nd->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		goto out;
	}
	if (eth_skb_pad(skb)) {		/* it freed skb */
		nd->stats.tx_dropped++;
		goto out;
	}
	if (v->tx_prod - v->tx_clean == VMK_COS_NET_RING) {
		vmknet_tx_flush(v);
		vmknet_tx_reclaim(v);
	}
	if (v->tx_prod - v->tx_clean == VMK_COS_NET_RING) {	/* the vmkernel is gone */
		nd->stats.tx_errors++;
		dev_kfree_skb_any(skb);
		goto out;
	}
	slot = v->tx_prod & (VMK_COS_NET_RING - 1);
	v->txs[slot] = skb;
	v->txr->desc[slot].gpa = virt_to_phys(skb->data);
	v->txr->desc[slot].len = skb->len;
	v->tx_prod++;
out:
	/* the stack calls again at once while it says more follow */
	if (!netdev_xmit_more() || v->tx_prod - v->tx_pub >= VMK_COS_NET_FRAMES)
		vmknet_tx_flush(v);
	return NETDEV_TX_OK;
}

/* vmk0's rings registered (rings given), or dropped (NULL). */
static int vmknet_setup(struct vmknet *v, bool rings)
{
	struct vmk_cos_net *r = v->arm;

	memset(r, 0, sizeof(*r));
	r->op = VMK_COS_NET_SETUP;
	if (rings) {
		r->frame[0].gpa = virt_to_phys(v->rxr);
		r->frame[1].gpa = virt_to_phys(v->txr);
	}
	if (!vmknet_call(r))
		return 0;
	netdev_warn(v->nd, "rings %s: %s\n", rings ? "refused" : "not dropped",
		    r->msg[0] ? r->msg : "the vmkernel is gone");
	return -EIO;
}

/*
 * SETUP(0) failed: the vmkernel did not say it let go of the RX ring,
 * and a CPU may still deliver into it (others run on for a moment after
 * a panic on this one; a CPU stranded at the give-back never comes
 * back). So the RX ring's page and its posted skbs stay its own: never
 * freed (leaked until reboot). The TX side is used only within a KICK,
 * which returned before this (synchronous, under the netdev's TX lock),
 * so it is freed as usual. A later open takes a new RX page.
 */
static void vmknet_rx_ring_keep(struct vmknet *v)
{
	int i, n = 0;

	for (i = 0; i < VMK_COS_NET_RING; i++) {
		n += v->rxb[i] != NULL;
		v->rxb[i] = NULL;	/* left to the vmkernel */
	}
	v->rxr = NULL;			/* the page too */
	netdev_warn(v->nd, "the vmkernel may still write its RX ring: its page and %d buffers of %u bytes are left to it (leaked)\n",
		    n, VMK_COS_NET_BUF_LEN);
}

/* The skbs of both rings freed (dropped by the vmkernel, or never registered). */
static void vmknet_ring_skbs_free(struct vmknet *v)
{
	int i;

	for (i = 0; i < VMK_COS_NET_RING; i++) {
		if (v->rxb[i])
			dev_kfree_skb_any(v->rxb[i]);
		v->rxb[i] = NULL;
		if (v->txs[i]) {
			v->nd->stats.tx_errors++;
			dev_kfree_skb_any(v->txs[i]);
		}
		v->txs[i] = NULL;
	}
}

static int vmknet_open(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);

	int i;

	if (!v->rxr)			/* the last one was left to the vmkernel */
		v->rxr = (void *)get_zeroed_page(GFP_KERNEL);
	if (!v->rxr)
		return -ENOMEM;
	memset(v->rxr, 0, PAGE_SIZE);
	memset(v->txr, 0, PAGE_SIZE);
	for (i = 0; i < VMK_COS_NET_RING; i++) {
		v->rxb[i] = vmknet_rx_skb(v, GFP_KERNEL);
		if (!v->rxb[i]) {
			vmknet_ring_skbs_free(v);
			return -ENOMEM;
		}
		v->rxr->desc[i].gpa = virt_to_phys(v->rxb[i]->data);
	}
	v->rxr->avail = VMK_COS_NET_RING;
	v->rx_clean = v->tx_prod = v->tx_pub = v->tx_clean = 0;
	v->rx_nomem = 0;
	v->armed_at = 0;
	if (vmknet_setup(v, true)) {
		vmknet_ring_skbs_free(v);
		return -EIO;
	}
	v->drops_base = vmknet_ring_drops(v->rxr);
	WRITE_ONCE(v->poll_us, VMKNET_POLL_MIN_US);
	WRITE_ONCE(v->poll_uplink, false);
	napi_enable(&v->napi);
	netif_carrier_on(nd);
	netif_start_queue(nd);
	napi_schedule(&v->napi);
	return 0;
}

static int vmknet_stop(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);

	netif_stop_queue(nd);
	netif_tx_lock_bh(nd);
	vmknet_tx_flush(v);		/* none, unless an xmit said more and none came */
	netif_tx_unlock_bh(nd);
	netif_carrier_off(nd);
	napi_disable(&v->napi);		/* the poll is over and cannot start again ... */
	hrtimer_cancel(&v->timer);	/* ... nor re-arm this */
	clear_bit(0, &vmknet_bell.armed);	/* nor can the handler schedule it */
	if (vmknet_bell.requested) {
		synchronize_irq(vmknet_bell.irq);
		/* the NIC's interrupts would reach the COS unclaimed */
		v->arm->op = VMK_COS_NET_QUIET;
		if (vmknet_call(v->arm) && v->arm->msg[0])
			netdev_warn(nd, "doorbell not turned off: %s\n", v->arm->msg);
	}
	WRITE_ONCE(v->bell_on, false);
	/* the vmkernel lets go of the rings before their skbs go */
	if (vmknet_setup(v, false))
		vmknet_rx_ring_keep(v);
	vmknet_tx_reclaim(v);
	vmknet_ring_skbs_free(v);
	return 0;
}

/*
 * The groups vmk0 wants from the wire (docs/network.md "Multicast
 * groups"): its list, or every group for IFF_ALLMULTI, IFF_PROMISC (the
 * COS's port asks for no unicast promiscuity) or a list longer than one
 * call holds. Called with the address list locked, BHs off: the
 * hypercall does not sleep.
 */
static void vmknet_set_rx_mode(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);
	struct vmk_cos_net *r = v->mc;
	struct netdev_hw_addr *ha;
	u32 n = 0;

	memset(r, 0, sizeof(*r));
	r->op = VMK_COS_NET_MCAST;
	if ((nd->flags & (IFF_ALLMULTI | IFF_PROMISC)) ||
	    netdev_mc_count(nd) > VMK_COS_NET_GROUPS) {
		r->flags = VMK_COS_NET_ALLMULTI;
	} else {
		netdev_for_each_mc_addr(ha, nd)
			memcpy(r->group[n++].mac, ha->addr, ETH_ALEN);
	}
	r->nframes = n;
	if (vmknet_call(r))
		netdev_warn(nd, "multicast list of %u groups refused: %s\n", n,
			    r->msg[0] ? r->msg : "no vmkernel");
}

static const struct net_device_ops vmknet_ops = {
	.ndo_open = vmknet_open,
	.ndo_stop = vmknet_stop,
	.ndo_start_xmit = vmknet_xmit,
	.ndo_set_rx_mode = vmknet_set_rx_mode,
	.ndo_validate_addr = eth_validate_addr,
};

static void vmknet_get_drvinfo(struct net_device *nd, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "vmkload-cosnet", sizeof(info->driver));
	strscpy(info->bus_info, "vmkernel vswitch0", sizeof(info->bus_info));
}

static const struct ethtool_ops vmknet_ethtool_ops = {
	.get_drvinfo = vmknet_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

/*
 * /sys/class/net/vmk0/vmk/irq_claimed and irq_unclaimed: what the
 * doorbell's handler answered (IRQ_HANDLED, IRQ_NONE) since the load.
 * Linux's own count of unhandled interrupts (/proc/irq/N/spurious)
 * starts again every 100,000 interrupts and counts only those no handler
 * of the line claimed; these never go back while vmkload is loaded.
 */
static ssize_t irq_claimed_show(struct device *d, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(vmknet_bell.claimed));
}

static ssize_t irq_unclaimed_show(struct device *d, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(vmknet_bell.unclaimed));
}

/*
 * rx_hypercalls: the hypercalls NAPI made (POLLs of the uplink, ARMs)
 * since vmk0 was added; rx_packets beside it shows frames came through
 * the ring without one each. kicks: TX's hypercalls since then.
 */
static ssize_t rx_hypercalls_show(struct device *d, struct device_attribute *a, char *buf)
{
	struct vmknet *v = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%llu\n", READ_ONCE(v->rx_calls) + READ_ONCE(v->arms));
}

static ssize_t kicks_show(struct device *d, struct device_attribute *a, char *buf)
{
	struct vmknet *v = netdev_priv(to_net_dev(d));

	return sysfs_emit(buf, "%llu\n", READ_ONCE(v->kicks));
}

static DEVICE_ATTR_RO(irq_claimed);
static DEVICE_ATTR_RO(irq_unclaimed);
static DEVICE_ATTR_RO(rx_hypercalls);
static DEVICE_ATTR_RO(kicks);

static struct attribute *vmknet_attrs[] = {
	&dev_attr_irq_claimed.attr,
	&dev_attr_irq_unclaimed.attr,
	&dev_attr_rx_hypercalls.attr,
	&dev_attr_kicks.attr,
	NULL,
};

static const struct attribute_group vmknet_attr_group = {
	.name = "vmk",
	.attrs = vmknet_attrs,
};

static void vmknet_free(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);

	free_page((unsigned long)v->rxr);
	free_page((unsigned long)v->txr);
	kfree(v->tx);
	kfree(v->rx);
	kfree(v->arm);
	kfree(v->mc);
	free_netdev(nd);
}

void vmk_cosnet_remove(void)
{
	struct vmknet *v;

	if (!vmknet_dev)
		return;
	v = netdev_priv(vmknet_dev);
	unregister_netdev(vmknet_dev);	/* stopped: the handler no longer looks at v */
	WRITE_ONCE(vmknet_bell.v, NULL);
	if (vmknet_bell.requested)
		synchronize_irq(vmknet_bell.irq);	/* a handler that read v is done */
	hrtimer_cancel(&v->timer);
	pr_info("vmkload: %s: %llu polls of the uplink, %llu found nothing; %llu kicks; %llu doorbells, %llu arms, %llu idles found frames, %llu timed polls, %llu interrupts claimed, %lu not\n",
		vmknet_dev->name, v->rx_calls, v->rx_empty, v->kicks, v->bells, v->arms,
		v->arms_pending, v->timer_polls, v->claims, READ_ONCE(vmknet_bell.unclaimed));
	vmknet_free(vmknet_dev);
	vmknet_dev = NULL;
}

void vmk_cosnet_irq_free(void)
{
	if (vmknet_bell.requested)
		free_irq(vmknet_bell.irq, &vmknet_bell);
	vmknet_bell.requested = false;
}

/* The uplink NIC's irq as the doorbell's; false: vmk0 is polled. */
static bool vmknet_bell_request(int irq)
{
	int ret;

	if (vmknet_bell.requested)
		return true;	/* a second add after a failed one keeps it */
	if (!doorbell || irq <= 0) {
		pr_info("vmkload: vmk0 polled every %u-%u us: %s\n", VMKNET_POLL_MIN_US,
			VMKNET_POLL_MAX_US, doorbell ? "the uplink NIC had no irq" : "doorbell=0");
		return false;
	}
	ret = request_irq(irq, vmknet_intr, IRQF_SHARED, "vmk0", &vmknet_bell);
	if (ret) {
		pr_warn("vmkload: vmk0 polled: irq %d (the uplink NIC's) for its doorbell: error %d\n",
			irq, ret);
		return false;
	}
	vmknet_bell.irq = irq;
	vmknet_bell.requested = true;
	return true;
}

int vmk_cosnet_add(int irq, const struct vmk_shared *shared)
{
	struct net_device *nd = alloc_etherdev(sizeof(struct vmknet));
	struct vmknet *v;
	bool bell;
	int ret;

	if (!nd)
		return -ENOMEM;
	v = netdev_priv(nd);
	v->nd = nd;
	v->tx = kzalloc(sizeof(*v->tx), GFP_KERNEL);
	v->rx = kzalloc(sizeof(*v->rx), GFP_KERNEL);
	v->arm = kzalloc(sizeof(*v->arm), GFP_KERNEL);
	v->mc = kzalloc(sizeof(*v->mc), GFP_KERNEL);
	v->rxr = (void *)get_zeroed_page(GFP_KERNEL);
	v->txr = (void *)get_zeroed_page(GFP_KERNEL);
	if (!v->tx || !v->rx || !v->arm || !v->mc || !v->rxr || !v->txr) {
		vmknet_free(nd);
		return -ENOMEM;
	}
	v->tx->op = VMK_COS_NET_INFO;
	ret = vmknet_call(v->tx);
	if (ret) {
		pr_warn("vmkload: no vmk0 for the COS: %s\n",
			v->tx->msg[0] ? v->tx->msg : "the vmkernel does not run on this CPU");
		vmknet_free(nd);
		return ret;
	}
	strscpy(nd->name, "vmk%d", sizeof(nd->name));
	eth_hw_addr_set(nd, v->tx->mac);
	nd->netdev_ops = &vmknet_ops;
	nd->ethtool_ops = &vmknet_ethtool_ops;
	nd->sysfs_groups[0] = &vmknet_attr_group;	/* the driver's own group */
	nd->min_mtu = ETH_MIN_MTU;
	nd->max_mtu = ETH_DATA_LEN;
	netif_napi_add(nd, &v->napi, vmknet_poll);
	hrtimer_init(&v->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	v->timer.function = vmknet_timer;
	netif_carrier_off(nd);		/* on at open */
	bell = vmknet_bell_request(irq);
	vmknet_bell.shared = shared;
	vmknet_bell.seq = READ_ONCE(shared->net_intr_seq);
	smp_store_release(&vmknet_bell.v, v);	/* before an open can arm; after shared */
	ret = register_netdev(nd);
	if (ret) {
		WRITE_ONCE(vmknet_bell.v, NULL);
		netif_napi_del(&v->napi);
		vmknet_free(nd);
		return ret;
	}
	vmknet_dev = nd;
	pr_info("vmkload: %s is the COS's NIC on vswitch0 port %u (\"Management Network\", MAC %pM)%s\n",
		nd->name, v->tx->port, nd->dev_addr,
		bell ? ", woken on the uplink NIC's irq" : "");
	return 0;
}
