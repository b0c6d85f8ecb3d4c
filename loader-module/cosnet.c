// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS on vswitch0 (docs/network.md "The COS on the switch"): with
 * vmkload net=1 the COS gets vmk0, a paravirtual NIC on the vmkernel's
 * port in "Management Network", with the uplink NIC's MAC, as ESX's
 * service console had vswif0. Frames go to the vmkernel with
 * VMK_HC_COS_NET TX, gathered while the stack says more follow
 * (netdev_xmit_more()), up to 32 a call; received ones wait in the port's
 * queue in the vmkernel until NAPI takes them with RX, up to 32 a call,
 * into skbs it hands the vmkernel to fill. Both calls poll the uplink
 * NIC; a TX whose answer is already queued schedules the NAPI poll.
 * When NAPI goes idle it arms a doorbell (ARM): the vmkernel raises the
 * vector Linux routed the uplink NIC's INTx to, at the first frame queued
 * for the port; this module keeps that irq requested (shared) from
 * vmk_cosnet_add() until after the give-back; its handler polls when it
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
	u64 drops_base;			/* the port's queue drops when opened */
	bool drops_based;
	struct vmk_cos_net *tx, *rx;	/* the calls' requests, lowmem */
	struct vmk_cos_net *arm;	/* ARM's: after napi_complete_done() */
	struct vmk_cos_net *mc;		/* MCAST's: under the netdev's address lock */
	bool bell_on;			/* the last ARM took: no fast timed polls */
	/* for the report at remove */
	u64 rx_calls, rx_empty, arms, arms_pending, bells, claims, timer_polls;
	struct sk_buff *buf[VMK_COS_NET_FRAMES];	/* RX buffers handed out */
	/* frames gathered for the next TX call (the queue's xmit lock) */
	struct sk_buff *txb[VMK_COS_NET_FRAMES];
	u32 ntx;
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
	napi_schedule(&v->napi);
	return HRTIMER_NORESTART;
}

/* Up to want frames from the port's queue; how many came, <0 on failure. */
static int vmknet_rx(struct vmknet *v, int want)
{
	struct vmk_cos_net *r = v->rx;
	int i, n, ret;

	for (i = 0; i < want; i++) {
		if (!v->buf[i])
			v->buf[i] = napi_alloc_skb(&v->napi, VMK_COS_NET_BUF_LEN);
		if (!v->buf[i])
			break;
		r->frame[i].gpa = virt_to_phys(v->buf[i]->data);
		r->frame[i].len = 0;
	}
	if (!i)
		return -ENOMEM;
	r->op = VMK_COS_NET_RX;
	r->nframes = i;
	ret = vmknet_call(r);
	if (ret) {
		net_warn_ratelimited("%s: receive: %s\n", v->nd->name,
				     r->msg[0] ? r->msg : "the vmkernel is gone");
		return ret;
	}
	v->rx_calls++;
	if (!r->nframes)
		v->rx_empty++;
	if (r->msg[0])		/* frames came, and one was lost */
		net_warn_ratelimited("%s: receive: %s\n", v->nd->name, r->msg);
	n = min_t(u32, r->nframes, i);
	for (i = 0; i < n; i++) {
		struct sk_buff *skb = v->buf[i];
		u32 len = r->frame[i].len;

		v->buf[i] = NULL;
		if (len < ETH_HLEN || len > VMK_COS_NET_BUF_LEN) {
			v->nd->stats.rx_length_errors++;
			dev_kfree_skb_any(skb);
			continue;
		}
		skb_put(skb, len);
		skb->protocol = eth_type_trans(skb, v->nd);
		v->nd->stats.rx_packets++;
		v->nd->stats.rx_bytes += len;
		napi_gro_receive(&v->napi, skb);
	}
	/* the buffers left over go first next time */
	for (i = n; n && i < VMK_COS_NET_FRAMES; i++) {
		v->buf[i - n] = v->buf[i];
		v->buf[i] = NULL;
	}
	/* the port's queue drops since this open */
	if (!v->drops_based) {
		v->drops_base = r->queue_drops;
		v->drops_based = true;
	}
	v->nd->stats.rx_dropped = r->queue_drops - v->drops_base;
	return n;
}

/*
 * NAPI is going idle: ARM the doorbell. true when armed (the fallback
 * timer set) or frames already wait (NAPI scheduled again); false when
 * there is no doorbell to arm and the timer must poll.
 */
static bool vmknet_arm(struct vmknet *v)
{
	struct irq_data *d = vmknet_bell.requested ? irq_get_irq_data(vmknet_bell.irq) : NULL;
	struct irq_cfg *cfg = d ? irqd_cfg(d) : NULL;
	struct vmk_cos_net *r = v->arm;
	unsigned int cpu;

	/*
	 * Read at every ARM: Linux may move the irq to another vector or
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
	r->op = VMK_COS_NET_ARM;
	r->vector = (u8)cfg->vector;
	r->apic_id = (u8)cpu_physical_id(cpu);
	set_bit(0, &vmknet_bell.armed);
	if (vmknet_call(r)) {
		clear_bit(0, &vmknet_bell.armed);
		net_warn_ratelimited("%s: no doorbell, polled: %s\n", v->nd->name,
				     r->msg[0] ? r->msg : "the vmkernel is gone");
		return false;
	}
	v->arms++;
	if (r->pending) {	/* came meanwhile: nothing armed, receive now */
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

	clear_bit(0, &vmknet_bell.armed);	/* polling: the RX calls disarm it */
	hrtimer_try_to_cancel(&v->timer);
	while (done < budget) {
		n = vmknet_rx(v, min(budget - done, VMK_COS_NET_FRAMES));
		if (n == -ENODEV) {
			/* the vmkernel is gone (a panic): no more polls */
			netif_carrier_off(v->nd);
			napi_complete_done(napi, done);
			return done;
		}
		if (n <= 0)
			break;
		done += n;
		if (!v->rx->pending)
			break;
	}
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

/*
 * One TX call for the frames gathered in txb[]. The vmkernel answers how
 * many the switch delivered, not which: a batch with drops counts the
 * bytes of its first frames as sent.
 */
static void vmknet_tx_flush(struct vmknet *v)
{
	struct net_device *nd = v->nd;
	struct vmk_cos_net *r = v->tx;
	u32 i, n = v->ntx;

	if (!n)
		return;
	v->ntx = 0;
	r->op = VMK_COS_NET_TX;
	r->nframes = n;
	if (vmknet_call(r)) {
		net_warn_ratelimited("%s: send: %s\n", nd->name,
				     r->msg[0] ? r->msg : "the vmkernel is gone");
		nd->stats.tx_errors += n;
		r->sent = 0;
		r->pending = 0;
	} else {
		nd->stats.tx_dropped += n - min(r->sent, n);	/* policy, or no port wanted it */
	}
	for (i = 0; i < n; i++) {
		if (i < r->sent) {
			nd->stats.tx_packets++;
			nd->stats.tx_bytes += v->txb[i]->len;
		}
		dev_consume_skb_any(v->txb[i]);
		v->txb[i] = NULL;
	}
	/* an answer may come soon: poll at the fast rate, now if it came */
	if (r->pending) {
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

	if (skb_linearize(skb)) {
		nd->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		goto out;
	}
	if (eth_skb_pad(skb)) {		/* it freed skb */
		nd->stats.tx_dropped++;
		goto out;
	}
	v->tx->frame[v->ntx].gpa = virt_to_phys(skb->data);
	v->tx->frame[v->ntx].len = skb->len;
	v->txb[v->ntx++] = skb;
out:
	/* the stack calls again at once while it says more follow */
	if (!netdev_xmit_more() || v->ntx == VMK_COS_NET_FRAMES)
		vmknet_tx_flush(v);
	return NETDEV_TX_OK;
}

static int vmknet_open(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);

	WRITE_ONCE(v->poll_us, VMKNET_POLL_MIN_US);
	v->drops_based = false;
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

static DEVICE_ATTR_RO(irq_claimed);
static DEVICE_ATTR_RO(irq_unclaimed);

static struct attribute *vmknet_attrs[] = {
	&dev_attr_irq_claimed.attr,
	&dev_attr_irq_unclaimed.attr,
	NULL,
};

static const struct attribute_group vmknet_attr_group = {
	.name = "vmk",
	.attrs = vmknet_attrs,
};

static void vmknet_free(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);
	int i;

	for (i = 0; i < VMK_COS_NET_FRAMES; i++)
		if (v->buf[i])
			dev_kfree_skb(v->buf[i]);
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
	pr_info("vmkload: %s: %llu receive calls, %llu found nothing; %llu doorbells, %llu arms (%llu found frames), %llu timed polls, %llu interrupts claimed, %lu not\n",
		vmknet_dev->name, v->rx_calls, v->rx_empty, v->bells, v->arms, v->arms_pending,
		v->timer_polls, v->claims, READ_ONCE(vmknet_bell.unclaimed));
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
	if (!v->tx || !v->rx || !v->arm || !v->mc) {
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
