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
 * NIC; a TX whose answer is already queued schedules the NAPI poll. No interrupt tells the COS
 * that frames wait: an hrtimer schedules the NAPI poll, every
 * VMKNET_POLL_MIN_US while frames come or go and backing off to
 * VMKNET_POLL_MAX_US when idle (the gap: docs/network.md). Registered
 * after the load, unregistered before the give-back; the uplink NIC's
 * own driver then gets it back (hba.c).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/hrtimer.h>
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

struct vmknet {
	struct net_device *nd;
	struct napi_struct napi;
	struct hrtimer timer;
	u32 poll_us;			/* the next poll's delay: xmit and NAPI */
	u64 drops_base;			/* the port's queue drops when opened */
	bool drops_based;
	struct vmk_cos_net *tx, *rx;	/* the calls' requests, lowmem */
	struct sk_buff *buf[VMK_COS_NET_FRAMES];	/* RX buffers handed out */
	/* frames gathered for the next TX call (the queue's xmit lock) */
	struct sk_buff *txb[VMK_COS_NET_FRAMES];
	u32 ntx;
};

static struct net_device *vmknet_dev;

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

static int vmknet_poll(struct napi_struct *napi, int budget)
{
	struct vmknet *v = container_of(napi, struct vmknet, napi);
	int done = 0, n;

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
	if (napi_complete_done(napi, done)) {
		u32 us = done ? VMKNET_POLL_MIN_US :
			 min(READ_ONCE(v->poll_us) * 2, (u32)VMKNET_POLL_MAX_US);

		WRITE_ONCE(v->poll_us, us);
		vmknet_poll_in(v, us);
	}
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
	} else if (READ_ONCE(v->poll_us) != VMKNET_POLL_MIN_US) {
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
	return 0;
}

static const struct net_device_ops vmknet_ops = {
	.ndo_open = vmknet_open,
	.ndo_stop = vmknet_stop,
	.ndo_start_xmit = vmknet_xmit,
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

static void vmknet_free(struct net_device *nd)
{
	struct vmknet *v = netdev_priv(nd);
	int i;

	for (i = 0; i < VMK_COS_NET_FRAMES; i++)
		if (v->buf[i])
			dev_kfree_skb(v->buf[i]);
	kfree(v->tx);
	kfree(v->rx);
	free_netdev(nd);
}

void vmk_cosnet_remove(void)
{
	if (!vmknet_dev)
		return;
	unregister_netdev(vmknet_dev);
	vmknet_free(vmknet_dev);
	vmknet_dev = NULL;
}

int vmk_cosnet_add(void)
{
	struct net_device *nd = alloc_etherdev(sizeof(struct vmknet));
	struct vmknet *v;
	int ret;

	if (!nd)
		return -ENOMEM;
	v = netdev_priv(nd);
	v->nd = nd;
	v->tx = kzalloc(sizeof(*v->tx), GFP_KERNEL);
	v->rx = kzalloc(sizeof(*v->rx), GFP_KERNEL);
	if (!v->tx || !v->rx) {
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
	nd->min_mtu = ETH_MIN_MTU;
	nd->max_mtu = ETH_DATA_LEN;
	netif_napi_add(nd, &v->napi, vmknet_poll);
	hrtimer_init(&v->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	v->timer.function = vmknet_timer;
	netif_carrier_off(nd);		/* on at open */
	ret = register_netdev(nd);
	if (ret) {
		netif_napi_del(&v->napi);
		vmknet_free(nd);
		return ret;
	}
	vmknet_dev = nd;
	pr_info("vmkload: %s is the COS's NIC on vswitch0 port %u (\"Management Network\", MAC %pM)\n",
		nd->name, v->tx->port, nd->dev_addr);
	return 0;
}
