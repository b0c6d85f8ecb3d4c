// SPDX-License-Identifier: GPL-2.0-only
/* vswitch0's uplink NIC (uplink.h). */
#include "vmkernel/net/uplink.h"
#include "vmkernel/net/e1000_nic.h"
#include "vmkernel/net/net.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/pci.h"
#include "vmkernel/core/pci_device.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/lib/rate.h"
#include "vmkernel/log/log.h"
#include "vmm/dev/e1000.h"
#include <vmk/net.h>

#define NIC_VA		PCI_DEVICE_VA_NIC
#define NIC_DRIVER	"e1000"
/*
 * Groups hashed into the MTA at most; a longer union takes every group
 * (RCTL.MPE). 4096 bits for 128 groups: about 3% of the bits set, so few
 * strangers hash in.
 */
#define UPLINK_GROUPS_MAX	128
/*
 * The NIC's filter is rewritten at most 10 times a second after a burst
 * of 8: each rewrite walks every port under the switch's lock (and writes
 * the NIC registers that changed), and a guest can change its groups (or
 * promiscuous mode) at every exit. A change held back is made by a later poll.
 */
#define UPLINK_FILTER_BURST	8
#define UPLINK_FILTER_PERIOD_NS	(100 * 1000000ull)

static struct {
	struct spinlock rx_lock;	/* the receive ring and rx_frame */
	struct spinlock tx_lock;	/* the transmit ring; a leaf */
	uint32_t state;			/* VMK_NET_UPLINK_* */
	struct pci_device dev;
	char msg[VMK_NET_MSG_LEN];
	uint32_t port;			/* on vswitch0; 0: none */
	bool stopped;
	uint32_t panicked;		/* uplink_panic() ran (atomic) */
	bool filter_set;		/* the NIC's filter is from filter_gen */
	uint32_t filter_gen;		/* vsw_rx_gen() it was made from */
	struct rate filter_rate;	/* its rewrites */
	uint64_t filter_held;		/* polls that found a change held back */
	/* one more than the NIC holds, and the COS port's, its own MAC */
	uint8_t filter_macs[E1000_NIC_UNICAST_MAX + 2][6];
	uint8_t filter_groups[UPLINK_GROUPS_MAX][6];	/* the ports' union */
	/* the interrupt's vector | cpu << 8 | IRQ_ROUTED (atomic); 0: none */
	uint32_t irq_route;
	uint32_t irqs;				/* taken with the NIC's causes read */
	bool irq_poll[VMK_MAX_CPUS];		/* uplink_intr_work() polls */
	bool poll_wanted;			/* uplink_poll(): a CPU found rx_lock taken */
	uint32_t irq_routes, irq_offs;		/* routes set and taken off, rx_lock */
	struct e1000_nic nic;
	uint8_t rx_frame[E1000_NIC_FRAME_MAX];	/* a copy the device cannot change */
} up;

#define IRQ_ROUTED	(1u << 16)

static const struct e1000_nic_ops nic_ops = {
	pci_device_mmio_read, pci_device_mmio_write, pci_device_alloc_pages,
	pci_device_now_ms, (void *)NIC_VA,
};

static void refuse(uint32_t state, const char *why)
{
	up.state = state;
	fmt_snprintf(up.msg, sizeof(up.msg), "%s", why);
	log_warn("net: uplink NIC at %02x:%02x.%x not used: %s",
		 up.dev.bdf >> 8, (up.dev.bdf >> 3) & 31, up.dev.bdf & 7, why);
}

/* The switch's frame for the wire (under the switch's lock). */
static int uplink_deliver(void *ctx, const uint8_t *frame, uint32_t len)
{
	vmk_status_t st;

	(void)ctx;
	spin_lock(&up.tx_lock);
	st = up.stopped ? VMK_BUSY : e1000_nic_tx(&up.nic, frame, len);
	spin_unlock(&up.tx_lock);
	return st != VMK_OK;
}

/* A TSO packet for the wire, which the NIC segments (under the switch's lock). */
static int uplink_deliver_tso(void *ctx, const uint8_t *frame, uint32_t len,
			      const struct net_tso *t)
{
	vmk_status_t st;

	(void)ctx;
	spin_lock(&up.tx_lock);
	st = up.stopped ? VMK_BUSY : e1000_nic_tx_tso(&up.nic, frame, len, t);
	spin_unlock(&up.tx_lock);
	if (st == VMK_NO_CAPACITY)
		return VSW_TSO_FULL;
	return st == VMK_OK ? VSW_TSO_TAKEN : VSW_TSO_REFUSED;
}

/*
 * Under rx_lock: the NIC's receive filter from the switch's ports, when
 * what they receive changed. Unicast: each port's receive address (more
 * than the NIC holds: every unicast frame); every frame while a port may
 * be promiscuous. Multicast: the union of the ports' groups in the MTA,
 * or all of it (RCTL.MPE) when a port wants all (a port that never named
 * its groups does) or the union is longer than UPLINK_GROUPS_MAX. At
 * most UPLINK_FILTER_BURST rewrites at once, then one a period.
 */
static void filter_update(void)
{
	uint32_t gen = vsw_rx_gen(net_vswitch0()), n;
	struct e1000_nic_filter f = { .unicast = up.filter_macs, .multicast = up.filter_groups };

	if (up.filter_set && gen == up.filter_gen)
		return;
	if (up.filter_set && !rate_take(&up.filter_rate, vmk_time_ns())) {
		if (log_nth(++up.filter_held))
			log_warn("net: vswitch0's ports change what they receive faster than %u a second: the uplink's filter follows at that rate (%llu polls held a change back)",
				 (unsigned)(1000000000ull / UPLINK_FILTER_PERIOD_NS),
				 (unsigned long long)up.filter_held);
		return;
	}
	n = vsw_uplink_filter(net_vswitch0(), up.filter_macs, ARRAY_SIZE(up.filter_macs),
			      &f.promiscuous);
	f.nr_unicast = n < ARRAY_SIZE(up.filter_macs) ? n : ARRAY_SIZE(up.filter_macs);
	f.nr_multicast = vsw_uplink_mcast(net_vswitch0(), up.filter_groups,
					  ARRAY_SIZE(up.filter_groups), &f.all_multicast);
	e1000_nic_set_filter(&up.nic, &f);
	up.filter_gen = gen;
	up.filter_set = true;
}

void uplink_global_init(void)
{
	const struct vmk_boot_info *bi = &vmk_boot_info;
	struct vsw_port_config pc = { .kind = VSW_OWNER_UPLINK, .deliver = uplink_deliver,
				       .deliver_tso = uplink_deliver_tso };
	struct vmk_why why = { "" };
	uint32_t id;

	if (!(bi->flags & VMK_BOOT_NET)) {
		up.state = VMK_NET_UPLINK_COS;
		fmt_snprintf(up.msg, sizeof(up.msg),
			     "no uplink: load vmkload with net=1 to hand a NIC to the vmkernel");
		return;
	}
	up.dev.bdf = bi->net_bdf & 0xffff;
	id = pci_read32(up.dev.bdf, PCI_VENDOR_DEVICE);
	if (id != ((uint32_t)E1000_DEVICE_ID << 16 | E1000_VENDOR_ID)) {
		up.state = VMK_NET_UPLINK_NONE;
		log_warn("net: %02x:%02x.%x is %04x:%04x, not an 82540EM (8086:100e): no uplink",
			 up.dev.bdf >> 8, (up.dev.bdf >> 3) & 31, up.dev.bdf & 7,
			 id & 0xffff, id >> 16);
		return;
	}
	if (pci_device_take(&up.dev, E1000_MMIO_SIZE, NIC_VA, &why) != VMK_OK)
		return refuse(VMK_NET_UPLINK_REFUSED, why.text);
	/*
	 * Taken from here on: a failure gives bus mastering and INTx back
	 * (pci_device_release()) for the COS's driver after the unload.
	 */
	if (e1000_nic_init(&up.nic, &nic_ops) != VMK_OK) {
		pci_device_release(&up.dev);
		return refuse(VMK_NET_UPLINK_FAILED, e1000_nic_error(&up.nic));
	}
	if (vsw_port_connect(net_vswitch0(), &pc, &up.port) != VMK_OK) {
		e1000_nic_stop(&up.nic);
		pci_device_release(&up.dev);
		return refuse(VMK_NET_UPLINK_FAILED, "vswitch0 refused the uplink port");
	}
	rate_init(&up.filter_rate, UPLINK_FILTER_BURST, UPLINK_FILTER_PERIOD_NS);
	spin_lock(&up.rx_lock);
	filter_update();
	spin_unlock(&up.rx_lock);
	up.state = VMK_NET_UPLINK_RUNNING;
	log_info("net: vmnic0 (e1000 at %02x:%02x.%x, BAR %llx+%x) MAC %02x:%02x:%02x:%02x:%02x:%02x is %s's uplink, port %u",
		 up.dev.bdf >> 8, (up.dev.bdf >> 3) & 31, up.dev.bdf & 7,
		 (unsigned long long)up.dev.bar_pa, up.dev.bar_len,
		 up.nic.mac[0], up.nic.mac[1], up.nic.mac[2], up.nic.mac[3],
		 up.nic.mac[4], up.nic.mac[5], NET_SWITCH_NAME, up.port);
	net_cos_port_connect(up.nic.mac);
}

static void rx_frame(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	memcpy(up.rx_frame, frame, len);	/* len <= E1000_NIC_FRAME_MAX */
	vsw_send(net_vswitch0(), up.port, up.rx_frame, len);
}

/*
 * A CPU that finds the receive lock taken leaves its poll to the holder:
 * it sets poll_wanted, which the holder looks at after each unlock. So a
 * frame an interrupt announced (its cause already read and cleared) is
 * not left in the ring because another CPU had just looked at it.
 */
void uplink_poll(void)
{
	if (__atomic_load_n(&up.state, __ATOMIC_RELAXED) != VMK_NET_UPLINK_RUNNING)
		return;
	__atomic_store_n(&up.poll_wanted, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&up.poll_wanted, __ATOMIC_SEQ_CST) &&
	       spin_trylock(&up.rx_lock)) {
		__atomic_store_n(&up.poll_wanted, false, __ATOMIC_SEQ_CST);
		if (!up.stopped) {
			filter_update();
			e1000_nic_poll_rx(&up.nic, rx_frame, NULL);
		}
		spin_unlock(&up.rx_lock);
	}
}

void uplink_irq_route(uint32_t vector, uint32_t cpu)
{
	uint32_t route = (vector & 0xff) | (cpu & 0xff) << 8 | IRQ_ROUTED, old, n;

	spin_lock(&up.rx_lock);
	old = __atomic_load_n(&up.irq_route, __ATOMIC_RELAXED);
	if (up.state != VMK_NET_UPLINK_RUNNING || up.stopped || old == route) {
		spin_unlock(&up.rx_lock);
		return;
	}
	__atomic_store_n(&up.irq_route, route, __ATOMIC_SEQ_CST);
	n = ++up.irq_routes;
	if (!old) {
		e1000_nic_irq_enable(&up.nic);
		/* PCI 3.0 §6.2.2: INTx on again (pci_device_take() set
		 * Interrupt Disable; pci_device_release() clears it too). */
		pci_write16(up.dev.bdf, PCI_COMMAND,
			    pci_read16(up.dev.bdf, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
		/* A panic on another CPU since we took rx_lock masked the NIC
		 * before our IMS, or its flag store is seen here: off again. */
		if (__atomic_load_n(&up.panicked, __ATOMIC_SEQ_CST))
			e1000_nic_irq_disable(&up.nic);
	}
	spin_unlock(&up.rx_lock);
	/* the COS moves it (and turns it off) at will: rate-limited */
	if (log_nth(n))
		log_info("net: vmnic0's interrupt: vector 0x%x on cpu%u%s (%u routes so far)",
			 vector & 0xff, cpu & 0xff, old ? " (Linux moved it)" : "", n);
}

void uplink_irq_off(void)
{
	spin_lock(&up.rx_lock);
	if (__atomic_load_n(&up.irq_route, __ATOMIC_RELAXED) && !up.stopped) {
		e1000_nic_irq_disable(&up.nic);
		__atomic_store_n(&up.irq_route, 0, __ATOMIC_SEQ_CST);
		if (log_nth(++up.irq_offs))
			log_info("net: vmnic0's interrupt off (vmk0 is down): polled (%u times so far)",
				 up.irq_offs);
	}
	spin_unlock(&up.rx_lock);
}

void uplink_panic(void)
{
	/* Once: a fault in here panics again, and that panic's finish()
	 * comes back here. */
	if (__atomic_exchange_n(&up.panicked, 1, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&up.irq_route, 0, __ATOMIC_SEQ_CST);	/* no more ICR reads */
	if (__atomic_load_n(&up.state, __ATOMIC_SEQ_CST) != VMK_NET_UPLINK_RUNNING ||
	    __atomic_load_n(&up.stopped, __ATOMIC_SEQ_CST))
		return;
	e1000_nic_irq_disable(&up.nic);
	vmk_log_emergency("net: vmnic0's interrupt masked: the vmkernel panicked (%u interrupts taken)",
			  __atomic_load_n(&up.irqs, __ATOMIC_RELAXED));
}

void uplink_intr(uint32_t cpu, uint32_t vector)
{
	uint32_t route = __atomic_load_n(&up.irq_route, __ATOMIC_RELAXED);

	/* On any CPU: a line nobody acks would storm, and an ICR read for
	 * another CPU's device of the same vector costs one poll. */
	if (!route || (route & 0xff) != vector || !apic_level_triggered(vector))
		return;
	/* No cause: another device's interrupt on the line (or a late one
	 * whose causes a poll's read took): not the NIC's to claim. */
	if (e1000_nic_irq_ack(&up.nic)) {
		__atomic_fetch_add(&up.irqs, 1, __ATOMIC_RELAXED);
		net_cos_intr_mark();
	}
	up.irq_poll[cpu] = true;
}

void uplink_intr_work(uint32_t cpu)
{
	if (!up.irq_poll[cpu])
		return;
	up.irq_poll[cpu] = false;
	uplink_poll();
}

void uplink_stop(void)
{
	spin_lock(&up.rx_lock);
	spin_lock(&up.tx_lock);
	__atomic_store_n(&up.irq_route, 0, __ATOMIC_SEQ_CST);	/* no more ICR reads */
	if (up.state == VMK_NET_UPLINK_RUNNING && !up.stopped) {
		/* The device forgets its rings and stops DMA into the pool,
		 * which goes back to Linux after the give-back. */
		e1000_nic_stop(&up.nic);
		pci_device_release(&up.dev);
		up.stopped = true;
		log_info("net: vmnic0 reset and handed back to the COS (%u interrupts taken)",
			 __atomic_load_n(&up.irqs, __ATOMIC_RELAXED));
	}
	spin_unlock(&up.tx_lock);
	spin_unlock(&up.rx_lock);
}

void uplink_info_fill(struct vmk_net_uplink *u)
{
	const struct e1000_nic_stats *s = &up.nic.stats;
	const struct e1000_nic_rx_mode *m = &up.nic.rx_mode;

	spin_lock(&up.rx_lock);
	spin_lock(&up.tx_lock);
	u->state = up.state;
	u->pci_bdf = up.dev.bdf;
	u->bar_pa = up.dev.bar_pa;
	u->bar_len = up.dev.bar_len;
	fmt_snprintf(u->driver, sizeof(u->driver), "%s", NIC_DRIVER);
	fmt_snprintf(u->msg, sizeof(u->msg), "%s", up.msg);
	if (up.state == VMK_NET_UPLINK_RUNNING && !up.stopped) {
		memcpy(u->mac, up.nic.mac, sizeof(u->mac));
		e1000_nic_link(&up.nic, &u->link_mbps);
		u->rx_filter = (uint8_t)((m->all_unicast ? VMK_NET_RX_ALL_UNICAST : 0) |
					 (m->all_multicast ? VMK_NET_RX_ALL_MULTICAST : 0));
		u->rx_addrs = (uint8_t)m->unicast;
		u->rx_groups = m->all_multicast ? 0 : m->multicast;
	}
	/* Both locks held: the rx counters and the filter move under
	 * rx_lock, the tx ones under tx_lock. */
	u->rx_packets = s->rx_packets;
	u->rx_bytes = s->rx_bytes;
	u->tx_packets = s->tx_packets;
	u->tx_bytes = s->tx_bytes;
	u->rx_bad_len = s->rx_bad_len;
	u->rx_errors = s->rx_errors;
	u->rx_fragments = s->rx_fragments;
	u->tx_ring_full = s->tx_ring_full;
	u->tx_tso = s->tx_tso;
	u->tx_tso_bad = s->tx_tso_bad;
	u->tx_tso_ring_full = s->tx_tso_ring_full;
	u->irqs = __atomic_load_n(&up.irqs, __ATOMIC_RELAXED);
	spin_unlock(&up.tx_lock);
	spin_unlock(&up.rx_lock);
}
