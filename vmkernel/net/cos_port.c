// SPDX-License-Identifier: GPL-2.0-only
/* The COS's port on vswitch0 (cos_port.h). */
#include "vmkernel/net/cos_port.h"
#include "vmkernel/lib/format.h"

_Static_assert(VSW_VLAN_FRAME_LEN <= VMK_COS_NET_FRAME_MAX,
	       "a queued frame fits the scratch buffer of VMK_COS_NET_FRAME_MAX bytes");

#define RING_MASK	(VMK_COS_NET_RING - 1)
#define RING_AT(base, field)	((base) + __builtin_offsetof(struct vmk_cos_net_ring, field))
#define RING_DESC(base, i)	(RING_AT(base, desc) + ((i) & RING_MASK) * \
				 sizeof(struct vmk_cos_net_frame))
#define RING_USED(base, i)	(RING_AT(base, used_ent) + ((i) & RING_MASK) * \
				 sizeof(struct vmk_cos_net_used))

_Static_assert(VSW_VLAN_FRAME_LEN <= VMK_COS_NET_BUF_LEN, "a delivered frame fits a posted buffer");

static bool ring_read32(const struct cos_port_ops *ops, uint64_t gpa, uint32_t *v)
{
	return ops->read(gpa, v, sizeof(*v)) == VMK_OK;
}

static void ring_write32(const struct cos_port_ops *ops, uint64_t gpa, uint32_t v)
{
	ops->write(gpa, &v, sizeof(v));	/* checked at SETUP: fails only if the COS's map changed */
}

/* Entry r->next completed with u, then used moved past it (in that order). */
static void ring_complete(const struct cos_port_ops *ops, struct cos_ring *r,
			  const struct vmk_cos_net_used *u)
{
	ops->write(RING_USED(r->gpa, r->next), u, sizeof(*u));
	r->next++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ring_write32(ops, RING_AT(r->gpa, used), r->next);
}

/*
 * The COS's avail, read once: VMK_OK with *n descriptors posted past
 * r->next (0..VMK_COS_NET_RING), else VMK_BAD_PARAM (more than a ring
 * holds: an index no driver writes) or the read's status.
 */
static vmk_status_t ring_avail(const struct cos_port_ops *ops, const struct cos_ring *r,
			       uint32_t *n)
{
	uint32_t avail;

	if (!ring_read32(ops, RING_AT(r->gpa, avail), &avail))
		return VMK_BAD_ADDRESS;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* descriptors after the index */
	*n = avail - r->next;
	return *n <= VMK_COS_NET_RING ? VMK_OK : VMK_BAD_PARAM;
}

/*
 * The RX ring's entry old was completed (used moved past it): *ring if
 * the driver's event asked for a doorbell there, whatever the entry
 * held, so a refused buffer at event does not leave NAPI asleep.
 */
static void ring_event(struct cos_port *p, uint32_t old, bool *ring)
{
	uint32_t event;

	/* used before event is read: the driver writes event, then reads used */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!p->hold && ring_read32(p->ops, RING_AT(p->rxr.gpa, event), &event) &&
	    event == old) {
		p->doorbells++;
		*ring = true;
	}
}

/* deliver() with an RX ring, under p->lock: 0, or 1 dropped; *ring: doorbell. */
static int ring_deliver(struct cos_port *p, const uint8_t *frame, uint32_t len, bool *ring)
{
	const struct cos_port_ops *ops = p->ops;
	struct cos_ring *r = &p->rxr;
	struct vmk_cos_net_frame d;
	struct vmk_cos_net_used u = { len, 0 };
	uint32_t n, old = r->next;
	vmk_status_t st = ring_avail(ops, r, &n);

	if (st != VMK_OK || !n) {
		p->ring_errors += st != VMK_OK;
		goto drop;
	}
	if (ops->read(RING_DESC(r->gpa, r->next), &d, sizeof(d)) != VMK_OK)
		goto bad;
	/* d is the vmkernel's copy from here on: the COS may change its own */
	if (!ops->range_ok(d.gpa, VMK_COS_NET_BUF_LEN) ||
	    ops->write(d.gpa, frame, len) != VMK_OK) {
		u.len = 0;
		u.flags = VMK_COS_NET_USED_BAD;
		ring_complete(ops, r, &u);
		ring_event(p, old, ring);	/* a bad entry at event rings too */
		goto bad;
	}
	ring_complete(ops, r, &u);
	ring_event(p, old, ring);
	return 0;
bad:
	p->ring_errors++;
drop:
	p->drops++;
	ops->write(RING_AT(r->gpa, drops), &p->drops, sizeof(p->drops));
	return 1;
}

int cos_port_deliver(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct cos_port *p = ctx;
	uint32_t slot;
	bool ring = false;
	int ret;

	if (len > VSW_VLAN_FRAME_LEN)
		return 1;	/* the switch sends none longer */
	spin_lock(&p->lock);
	if (p->rxr.gpa) {
		ret = ring_deliver(p, frame, len, &ring);
		spin_unlock(&p->lock);
		if (ring && p->ring)
			p->ring();
		return ret;
	}
	if (p->count == COS_PORT_QUEUE_LEN) {
		p->drops++;
		spin_unlock(&p->lock);
		return 1;
	}
	slot = (p->head + p->count) % COS_PORT_QUEUE_LEN;
	memcpy(p->frame[slot], frame, len);
	p->len[slot] = (uint16_t)len;
	p->count++;
	ring = p->armed;
	p->armed = false;
	if (ring)
		p->doorbells++;
	spin_unlock(&p->lock);
	if (ring && p->ring)
		p->ring();
	return 0;
}

/* Every entry of r's frame[] in range for op; else msg and the status. */
static vmk_status_t check(const struct vmk_cos_net *r, const struct cos_port_ops *ops,
			  char *msg, uint32_t size)
{
	bool tx = r->op == VMK_COS_NET_TX;

	if (!r->nframes || r->nframes > VMK_COS_NET_FRAMES) {
		fmt_snprintf(msg, size, "%u frames: 1 to %u a call", r->nframes,
			     VMK_COS_NET_FRAMES);
		return VMK_BAD_PARAM;
	}
	for (uint32_t i = 0; i < r->nframes; i++) {
		const struct vmk_cos_net_frame *f = &r->frame[i];
		uint32_t len = tx ? f->len : VMK_COS_NET_BUF_LEN;

		if (tx && (!len || len > VMK_COS_NET_FRAME_MAX)) {
			fmt_snprintf(msg, size, "frame %u is %u bytes: 1 to %u", i, len,
				     VMK_COS_NET_FRAME_MAX);
			return VMK_BAD_PARAM;
		}
		if (!ops->range_ok(f->gpa, len)) {
			fmt_snprintf(msg, size, "%s %u (%u bytes at %llx) is not COS memory",
				     tx ? "frame" : "buffer", i, len,
				     (unsigned long long)f->gpa);
			return VMK_BAD_ADDRESS;
		}
	}
	return VMK_OK;
}

/* What the queue holds and has dropped, into r. */
static void queue_state(struct cos_port *p, struct vmk_cos_net *r)
{
	spin_lock(&p->lock);
	r->pending = p->count;
	r->queue_drops = p->drops;
	spin_unlock(&p->lock);
}

static vmk_status_t tx(struct vmk_cos_net *r, const struct cos_port_ops *ops,
		       uint8_t *scratch)
{
	for (uint32_t i = 0; i < r->nframes; i++) {
		vmk_status_t st = ops->read(r->frame[i].gpa, scratch, r->frame[i].len);

		if (st != VMK_OK)
			return st;
		r->sent += ops->send(scratch, r->frame[i].len) != 0;
	}
	return VMK_OK;
}

/*
 * Queued frames into the COS's buffers, one at a time: each is taken off
 * the queue into scratch under the lock and copied out after it, so the
 * switch's deliver() on another CPU never waits for a copy to the COS.
 * A copy that fails (the buffer passed check(), so only a COS that
 * changed its memory map) loses that frame, counted as a drop; the
 * frames before it are answered, with the reason in msg.
 */
static vmk_status_t rx(struct cos_port *p, struct vmk_cos_net *r,
		       const struct cos_port_ops *ops, uint8_t *scratch)
{
	uint32_t n = 0, len;

	spin_lock(&p->lock);
	p->armed = false;	/* the COS receives: no doorbell meanwhile */
	spin_unlock(&p->lock);
	while (n < r->nframes) {
		spin_lock(&p->lock);
		if (!p->count) {
			spin_unlock(&p->lock);
			break;
		}
		len = p->len[p->head];
		memcpy(scratch, p->frame[p->head], len);
		p->head = (p->head + 1) % COS_PORT_QUEUE_LEN;
		p->count--;
		spin_unlock(&p->lock);
		if (ops->write(r->frame[n].gpa, scratch, len) != VMK_OK) {
			spin_lock(&p->lock);
			p->drops++;
			spin_unlock(&p->lock);
			fmt_snprintf(r->msg, sizeof(r->msg),
				     "buffer %u (%llx) could not be written: a frame dropped", n,
				     (unsigned long long)r->frame[n].gpa);
			break;
		}
		r->frame[n++].len = len;
	}
	queue_state(p, r);
	r->nframes = n;
	return VMK_OK;
}

/*
 * A doorbell at the next frame, unless one is queued already (then
 * pending says so and the COS receives now). The uplink is polled first:
 * frames it received before its interrupt was enabled raise none.
 */
static vmk_status_t arm(struct cos_port *p, struct vmk_cos_net *r,
			const struct cos_port_ops *ops)
{
	vmk_status_t st;

	if (r->vector < VMK_COS_NET_VEC_MIN || r->vector > VMK_COS_NET_VEC_MAX) {
		fmt_snprintf(r->msg, sizeof(r->msg),
			     "vector 0x%x is not a COS device vector: 0x%x to 0x%x", r->vector,
			     VMK_COS_NET_VEC_MIN, VMK_COS_NET_VEC_MAX);
		return VMK_BAD_PARAM;
	}
	st = ops->doorbell_at(r->vector, r->apic_id, r->msg, sizeof(r->msg));
	if (st != VMK_OK)
		return st;
	ops->poll_uplink();
	spin_lock(&p->lock);
	p->armed = !p->count && !p->rxr.gpa;	/* a ring's event replaces the one-shot */
	r->pending = p->count;
	r->queue_drops = p->drops;
	spin_unlock(&p->lock);
	return VMK_OK;
}

/*
 * TX's poll of the uplink: what it brings is told in r->pending and the
 * driver receives at once, so it rings no doorbell (a second wake-up
 * would find nothing); an ARM still stands when nothing came.
 */
static void poll_quietly(struct cos_port *p, struct vmk_cos_net *r,
			 const struct cos_port_ops *ops)
{
	bool armed;

	spin_lock(&p->lock);
	armed = p->armed;
	p->armed = false;
	spin_unlock(&p->lock);
	ops->poll_uplink();
	spin_lock(&p->lock);
	if (armed && !p->count)
		p->armed = true;
	spin_unlock(&p->lock);
	queue_state(p, r);
}

/* MCAST: vmk0's groups, checked here whole, then the switch's. */
static vmk_status_t mcast(struct vmk_cos_net *r, const struct cos_port_ops *ops)
{
	uint8_t groups[VMK_COS_NET_GROUPS][VSW_ETH_ALEN];
	uint32_t i;

	if (r->nframes > VMK_COS_NET_GROUPS) {
		fmt_snprintf(r->msg, sizeof(r->msg), "%u multicast groups: at most %u", r->nframes,
			     VMK_COS_NET_GROUPS);
		return VMK_BAD_PARAM;
	}
	if (r->flags & ~VMK_COS_NET_ALLMULTI) {
		fmt_snprintf(r->msg, sizeof(r->msg), "unknown multicast flags 0x%x", r->flags);
		return VMK_BAD_PARAM;
	}
	for (i = 0; i < r->nframes; i++) {
		const uint8_t *m = r->group[i].mac;

		if (!vsw_mac_is_group(m)) {
			fmt_snprintf(r->msg, sizeof(r->msg),
				     "group %u (%02x:%02x:%02x:%02x:%02x:%02x) is not a multicast group",
				     i, m[0], m[1], m[2], m[3], m[4], m[5]);
			return VMK_BAD_PARAM;
		}
		/* vmk0 zeroes them: a later ABI may give them a meaning */
		if (r->group[i].reserved[0] || r->group[i].reserved[1]) {
			fmt_snprintf(r->msg, sizeof(r->msg),
				     "group %u: reserved bytes 0x%02x%02x, not 0", i,
				     r->group[i].reserved[0], r->group[i].reserved[1]);
			return VMK_BAD_PARAM;
		}
		memcpy(groups[i], m, VSW_ETH_ALEN);
	}
	return ops->set_mcast((const uint8_t (*)[VSW_ETH_ALEN])groups, r->nframes,
			      r->flags & VMK_COS_NET_ALLMULTI);
}

/* A ring's gpa from SETUP: 0 (none), or a whole ring in COS memory. */
static vmk_status_t ring_check(uint64_t gpa, const char *what, const struct cos_port_ops *ops,
			       struct vmk_cos_net *r)
{
	if (!gpa || (!(gpa & 7) && ops->range_ok(gpa, sizeof(struct vmk_cos_net_ring))))
		return VMK_OK;
	fmt_snprintf(r->msg, sizeof(r->msg),
		     "the %s ring at %llx (%u bytes, 8-aligned) is not COS memory", what,
		     (unsigned long long)gpa, (uint32_t)sizeof(struct vmk_cos_net_ring));
	return VMK_BAD_ADDRESS;
}

/* SETUP: both rings, or neither; their vmkernel fields zeroed. */
static vmk_status_t setup(struct cos_port *p, struct vmk_cos_net *r,
			  const struct cos_port_ops *ops)
{
	uint64_t rx = r->frame[0].gpa, tx = r->frame[1].gpa;
	vmk_status_t st = ring_check(rx, "RX", ops, r);

	if (st == VMK_OK)
		st = ring_check(tx, "TX", ops, r);
	if (st != VMK_OK)
		return st;
	if (!rx != !tx) {
		fmt_snprintf(r->msg, sizeof(r->msg), "an RX ring and a TX ring, or neither");
		return VMK_BAD_PARAM;
	}
	spin_lock(&p->tx_lock);
	p->ops = ops;
	p->txr.gpa = tx;
	p->txr.next = 0;
	if (tx) {
		ring_write32(ops, RING_AT(tx, used), 0);
		ring_write32(ops, RING_AT(tx, busy), 0);
	}
	spin_unlock(&p->tx_lock);
	spin_lock(&p->lock);
	p->rxr.gpa = rx;
	p->rxr.next = 0;
	if (rx) {
		/* frames queued while vmk0 was down are stale and never taken: drops */
		p->drops += p->count;
		p->head = p->count = 0;
		p->armed = false;
		ring_write32(ops, RING_AT(rx, used), 0);
		ops->write(RING_AT(rx, drops), &p->drops, sizeof(p->drops));
	}
	r->queue_drops = p->drops;
	spin_unlock(&p->lock);
	return VMK_OK;
}

/* One TX descriptor at txr.next, read once, checked, sent, completed. */
static void kick_one(struct cos_port *p, struct vmk_cos_net *r,
		     const struct cos_port_ops *ops, uint8_t *scratch)
{
	struct cos_ring *t = &p->txr;
	struct vmk_cos_net_frame d;
	struct vmk_cos_net_used u = { 0, VMK_COS_NET_USED_BAD };

	if (ops->read(RING_DESC(t->gpa, t->next), &d, sizeof(d)) == VMK_OK) {
		u.len = d.len;
		if (!d.len || d.len > VMK_COS_NET_FRAME_MAX) {
			if (!r->msg[0])
				fmt_snprintf(r->msg, sizeof(r->msg),
					     "TX descriptor %u is %u bytes: 1 to %u", t->next,
					     d.len, VMK_COS_NET_FRAME_MAX);
		} else if (!ops->range_ok(d.gpa, d.len) ||
			   ops->read(d.gpa, scratch, d.len) != VMK_OK) {
			if (!r->msg[0])
				fmt_snprintf(r->msg, sizeof(r->msg),
					     "TX descriptor %u (%u bytes at %llx) is not COS memory",
					     t->next, d.len, (unsigned long long)d.gpa);
		} else {
			u.flags = ops->send(scratch, d.len) ? VMK_COS_NET_USED_SENT : 0;
			r->sent += u.flags != 0;
		}
	}
	if (u.flags & VMK_COS_NET_USED_BAD)
		p->ring_errors++;
	ring_complete(ops, t, &u);
}

/*
 * KICK: the TX ring drained while busy says so; busy cleared, avail read
 * again (a descriptor posted while the COS saw busy set, so no KICK). At
 * most two rings' worth a call: a COS that posts forever gets its CPU
 * back, busy clear, and kicks again. tx_lock is held over the drain: its
 * only other takers are SETUP and a second KICK, which vmk0 never sends
 * during one (docs/network.md "vmk0's rings", review L5), so only a COS
 * that kicks from two CPUs at once waits here, on itself.
 */
static vmk_status_t kick(struct cos_port *p, struct vmk_cos_net *r,
			 const struct cos_port_ops *ops, uint8_t *scratch)
{
	vmk_status_t st = VMK_OK;
	uint32_t n = 0, done = 0;
	bool busy = true;

	spin_lock(&p->tx_lock);
	if (!p->txr.gpa) {
		spin_unlock(&p->tx_lock);
		fmt_snprintf(r->msg, sizeof(r->msg), "no TX ring: SETUP first");
		return VMK_BAD_PARAM;
	}
	ring_write32(ops, RING_AT(p->txr.gpa, busy), 1);
	while (done < 2 * VMK_COS_NET_RING) {
		st = ring_avail(ops, &p->txr, &n);
		if (st != VMK_OK) {
			p->ring_errors++;
			if (st == VMK_BAD_ADDRESS)
				fmt_snprintf(r->msg, sizeof(r->msg),
					     "the TX ring at %llx is no longer COS memory",
					     (unsigned long long)p->txr.gpa);
			else
				fmt_snprintf(r->msg, sizeof(r->msg),
					     "TX avail is %u past the vmkernel's %u: at most %u",
					     n, p->txr.next, VMK_COS_NET_RING);
			break;
		}
		if (!n) {
			if (!busy)
				break;
			busy = false;
			ring_write32(ops, RING_AT(p->txr.gpa, busy), 0);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			continue;
		}
		if (!busy) {
			busy = true;
			ring_write32(ops, RING_AT(p->txr.gpa, busy), 1);
		}
		kick_one(p, r, ops, scratch);
		done++;
	}
	if (busy)
		ring_write32(ops, RING_AT(p->txr.gpa, busy), 0);
	spin_unlock(&p->tx_lock);
	/* an answer may be there: into the RX ring, no doorbell (the driver looks) */
	spin_lock(&p->lock);
	p->hold++;
	spin_unlock(&p->lock);
	ops->poll_uplink();
	spin_lock(&p->lock);
	p->hold--;
	r->queue_drops = p->drops;
	spin_unlock(&p->lock);
	return st;
}

vmk_status_t cos_port_request(struct cos_port *p, struct vmk_cos_net *r,
			      const struct cos_port_ops *ops, uint8_t *scratch)
{
	vmk_status_t st;

	if (r->op == VMK_COS_NET_SETUP)
		return setup(p, r, ops);
	if (r->op == VMK_COS_NET_KICK)
		return kick(p, r, ops, scratch);
	if (r->op == VMK_COS_NET_POLL) {
		ops->poll_uplink();
		queue_state(p, r);
		return VMK_OK;
	}

	if (r->op == VMK_COS_NET_ARM)
		return arm(p, r, ops);
	if (r->op == VMK_COS_NET_QUIET) {
		spin_lock(&p->lock);
		p->armed = false;
		spin_unlock(&p->lock);
		ops->doorbell_off();
		return VMK_OK;
	}
	if (r->op == VMK_COS_NET_MCAST)
		return mcast(r, ops);
	if (r->op != VMK_COS_NET_TX && r->op != VMK_COS_NET_RX) {
		fmt_snprintf(r->msg, sizeof(r->msg), "no such COS network request (op %u)", r->op);
		return VMK_BAD_PARAM;
	}
	st = check(r, ops, r->msg, sizeof(r->msg));
	if (st != VMK_OK)
		return st;
	if (r->op == VMK_COS_NET_RX) {
		ops->poll_uplink();
		return rx(p, r, ops, scratch);
	}
	st = tx(r, ops, scratch);
	if (st == VMK_OK)
		poll_quietly(p, r, ops);
	return st;
}
