// SPDX-License-Identifier: GPL-2.0-only
/* The COS's port on vswitch0 (cos_port.h). */
#include "vmkernel/net/cos_port.h"
#include "vmkernel/lib/format.h"

_Static_assert(VSW_VLAN_FRAME_LEN <= VMK_COS_NET_FRAME_MAX,
	       "a queued frame fits the scratch buffer of VMK_COS_NET_FRAME_MAX bytes");

int cos_port_deliver(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct cos_port *p = ctx;
	uint32_t slot;
	bool ring;

	if (len > VSW_VLAN_FRAME_LEN)
		return 1;	/* the switch sends none longer */
	spin_lock(&p->lock);
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
	p->armed = !p->count;
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

vmk_status_t cos_port_request(struct cos_port *p, struct vmk_cos_net *r,
			      const struct cos_port_ops *ops, uint8_t *scratch)
{
	vmk_status_t st;

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
