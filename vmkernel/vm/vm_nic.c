// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's virtual NICs (vm.h, docs/network.md "What is wired"): an e1000
 * (vmm/dev/e1000.h) or a vmxnet3 (vmm/dev/vmxnet3.h) model on the VM's
 * PCI bus, its DMA through the VM's RAM, its INTx on an ISA IRQ, and its
 * port on the switch that holds its port group (ethernetN.networkName;
 * vmkernel/net/vsw_table.h). The models differ only in their table
 * below (struct vm_nic_model); the port, queue and locking are one.
 *
 * Locking. The model is device state: vm->lock guards it. A frame the
 * guest sends is switched from the exit that rang the doorbell, under the
 * sender's vm->lock and then the switch's lock; the receiving port's
 * deliver() only copies the frame into that NIC's bounded queue (its own
 * leaf lock) and wakes the receiver's vCPU worlds. The receiver moves the
 * queue into its guest's receive ring from its own run loop, under its
 * own vm->lock (vm_nics_poll()). No CPU ever holds two VMs' locks, so two
 * VMs sending to each other from two CPUs cannot deadlock.
 */
#include "vmkernel/vm/vm_internal.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"
#include "vmkernel/mm/pool.h"
#include "vmkernel/net/net.h"
#include "vmkernel/net/uplink.h"
#include "vmm/dev/e1000.h"
#include "vmm/dev/vmxnet3.h"

_Static_assert(VMK_VM_MAX_NICS == VDEV_MAX_NICS, "ethernetN on the slots vmm/devices.h lays out");
_Static_assert(VNIC_GROUPS_MAX == VSW_MC_PORT_MAX, "a model names no more groups than a port keeps");

/*
 * Where ethernetN sits: 00:0(3+N).0, INTA# on the ISA IRQ vmm/devices.h
 * gives it for a directly booted guest (11 for ethernet0 and 2, 10 for 1
 * and 3); in a BIOS VM wherever SeaBIOS routes the slot's PIRQ
 * (vmm/dev/pci_host.h pci_set_intx). For a directly booted guest the
 * vmkernel programs BAR0 and BAR1 as firmware would, at the places
 * vmm/devices.h lays out with no overlap (a vmxnet3's two 4 KiB memory
 * BARs both in the 128 KiB window of the e1000's BAR0; PCI 3.0 §6.2.4:
 * Interrupt Line is what firmware wrote); a BIOS VM's SeaBIOS assigns
 * them. The register windows follow the BARs wherever the guest moves
 * them (vmm/dev/pci_host.h pci_add_bar).
 */
#define VM_NIC_DEVFN(n)		((uint8_t)(VDEV_NIC_SLOT(n) << 3))
#define PCI_CFG_COMMAND		0x04
#define PCI_CFG_BAR0		0x10
#define PCI_CFG_BAR1		0x14
#define PCI_CFG_INTR_LINE	0x3c
#define PCI_COMMAND_IO_MEM	0x0003

/* Frames waiting for the guest's receive ring; more are dropped (counted). */
#define VM_NIC_QUEUE		32

struct vm_nic_frame {
	uint32_t len;
	uint8_t data[VSW_VLAN_FRAME_LEN];
};

/* What vm_nic.c needs of a model; one table per VMK_VM_NIC_* model. */
struct vm_nic_model {
	const struct pci_fn_ops *pci_ops;
	uint32_t bar_size[2];
	bool bar_io[2];
	const struct vdev_io_ops *bar_ops[2];
	void (*init)(void *dev, const struct vnic_config *cfg);
	bool (*receive)(void *dev, const uint8_t *frame, uint32_t len);
	void (*poll)(void *dev);
	void (*set_link)(void *dev, bool up);
};

struct vm_nic {
	struct vm *vm;
	uint32_t index;
	const struct vm_nic_model *model;
	struct vswitch *sw;		/* the switch of its port group */
	uint32_t port;			/* on sw; 0: not connected */
	bool link_down;			/* vmkctl vm nic NAME link down */
	union {
		struct e1000 e1000;
		struct vmxnet3 vmxnet3;
	} dev;
	struct spinlock qlock;		/* the queue; a leaf lock */
	uint32_t qhead, qcount;
	struct vm_nic_frame q[VM_NIC_QUEUE];
};

#define VM_NIC_PAGES	((sizeof(struct vm_nic) + VMK_PAGE_SIZE - 1) / VMK_PAGE_SIZE)

/* ---- the models ---- */

static void e1000_model_init(void *d, const struct vnic_config *c)
{
	e1000_init(d, c);
}

static bool e1000_model_receive(void *d, const uint8_t *f, uint32_t len)
{
	return e1000_receive(d, f, len);
}

static void e1000_model_poll(void *d)
{
	e1000_poll(d);
}

static void e1000_model_set_link(void *d, bool up)
{
	e1000_set_link(d, up);
}

static const struct vm_nic_model e1000_model = {
	.pci_ops = &e1000_pci_ops,
	.bar_size = { E1000_MMIO_SIZE, E1000_IO_SIZE },
	.bar_io = { false, true },
	.bar_ops = { &e1000_mmio_ops, &e1000_io_ops },
	.init = e1000_model_init,
	.receive = e1000_model_receive,
	.poll = e1000_model_poll,
	.set_link = e1000_model_set_link,
};

static void vmxnet3_model_init(void *d, const struct vnic_config *c)
{
	vmxnet3_init(d, c);
}

static bool vmxnet3_model_receive(void *d, const uint8_t *f, uint32_t len)
{
	return vmxnet3_receive(d, f, len);
}

static void vmxnet3_model_poll(void *d)
{
	vmxnet3_poll(d);
}

static void vmxnet3_model_set_link(void *d, bool up)
{
	vmxnet3_set_link(d, up);
}

static const struct vm_nic_model vmxnet3_model = {
	.pci_ops = &vmxnet3_pci_ops,
	.bar_size = { VMXNET3_PT_SIZE, VMXNET3_VD_SIZE },
	.bar_io = { false, false },
	.bar_ops = { &vmxnet3_pt_ops, &vmxnet3_vd_ops },
	.init = vmxnet3_model_init,
	.receive = vmxnet3_model_receive,
	.poll = vmxnet3_model_poll,
	.set_link = vmxnet3_model_set_link,
};

/* ---- the model's backends ---- */

static void nic_set_irq(void *ctx, bool level)
{
	struct vm_nic *nic = ctx;

	pci_set_intx(&nic->vm->dev.pci, VM_NIC_DEVFN(nic->index),
		     VDEV_NIC_IRQ(nic->index), level);
}

static void nic_msi(void *ctx, const struct pci_msi_msg *m)
{
	struct vm_nic *nic = ctx;

	pci_msi_deliver(&nic->vm->dev.pci, VM_NIC_DEVFN(nic->index), m);
}

/* From the exit that rang the doorbell: sender's vm->lock held. */
static void nic_tx(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct vm_nic *nic = ctx;

	if (nic->port)
		vsw_send(nic->sw, nic->port, frame, len);
}

/* A TSO packet whole to the switch (vsw_send_tso()); as nic_tx(). */
static bool nic_tx_tso(void *ctx, const uint8_t *packet, uint32_t len,
		       const struct net_tso *t)
{
	struct vm_nic *nic = ctx;

	return nic->port && vsw_send_tso(nic->sw, nic->port, packet, len, t);
}

/*
 * The guest's receive filter (its RAL0/RAH0, RCTL.UPE), from the exit
 * that wrote it, under vm->lock: the switch applies the port group's
 * policy (a rejected MAC change: the port receives nothing; promiscuous
 * mode only when allowed).
 */
static void nic_filter(void *ctx, const uint8_t mac[VSW_ETH_ALEN], bool promiscuous)
{
	struct vm_nic *nic = ctx;

	if (nic->port)
		vsw_port_set_filter(nic->sw, nic->port, mac, promiscuous);
}

/*
 * The multicast groups the guest wants from the wire (a vmxnet3's table,
 * an e1000's MTA and MPE: all or none), from the exit that set them,
 * under vm->lock. The model checked each address; the switch checks
 * again and refuses a list with anything but group addresses.
 */
static void nic_rx_groups(void *ctx, const uint8_t (*groups)[VSW_ETH_ALEN], uint32_t n,
			  bool all)
{
	struct vm_nic *nic = ctx;

	if (nic->port)
		vsw_port_set_mcast(nic->sw, nic->port, groups, n, all);
}

/*
 * The switch hands a frame to this port: under the switch's lock, and
 * maybe under another VM's lock, never this VM's. Queue it and wake the
 * VM's blocked vCPUs; vm_nics_poll() takes it from there.
 */
static int nic_deliver(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct vm_nic *nic = ctx;
	struct vm *vm = nic->vm;
	struct vm_nic_frame *f;
	uint32_t i;

	if (len > VSW_VLAN_FRAME_LEN)
		return 1;
	spin_lock(&nic->qlock);
	if (nic->qcount == VM_NIC_QUEUE) {
		spin_unlock(&nic->qlock);
		return 1;
	}
	f = &nic->q[(nic->qhead + nic->qcount) % VM_NIC_QUEUE];
	memcpy(f->data, frame, len);
	f->len = len;
	nic->qcount++;
	spin_unlock(&nic->qlock);
	/*
	 * The worlds exist while the port is connected (connected after
	 * vm_worlds_create(), disconnected before they are reaped). Only a
	 * blocked world is woken; a vCPU that polled before this frame and
	 * blocks after the look below sees the frame itself: it marks its
	 * block, fences and looks at the queues (run_locked()), and this
	 * fence orders the queued frame before the look at its state, so
	 * one side always sees the other. VM_NIC_IDLE_POLL_NS stays as a
	 * backstop.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < vm->cfg.vcpus; i++) {
		struct world *w = __atomic_load_n(&vm->vcpu[i].world, __ATOMIC_ACQUIRE);

		if (w && __atomic_load_n(&w->state, __ATOMIC_RELAXED) == WORLD_BLOCKED)
			sched_wake(w);
	}
	return 0;
}

/* ---- life cycle ---- */

static const char *mac_text(const uint8_t *m, char *buf, uint32_t len)
{
	fmt_snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		     m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

vmk_status_t vm_nics_connect(struct vm *vm, struct vmk_why *why)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++) {
		const struct vmk_vm_nic *c = &vm->cfg.nic[i];
		struct vsw_port_config pc = {
			.kind = VSW_OWNER_VM, .owner_id = vm->id, .nic = i,
			.group = c->network, .deliver = nic_deliver,
		};
		struct vm_nic *nic;
		char mac[24];
		uint32_t pa;
		vmk_status_t st;

		if (c->model == VMK_VM_NIC_NONE)
			continue;
		if (vmk_alloc_pages(VM_NIC_PAGES, &pa) != VMK_OK)
			return why_fail(why, VMK_NO_MEMORY, "vm '%s': ethernet%u: no room for its %u KiB of state: the vmkernel pool has %u KiB free (raise vmkload mem_mb or stop a VM)",
					vm->cfg.name, i, (uint32_t)(VM_NIC_PAGES * VMK_PAGE_SIZE) >> 10,
					(uint32_t)(pool_free_bytes(&vmk_pool) >> 10));
		nic = pa_to_va(pa);
		nic->vm = vm;
		nic->index = i;
		/* vm_hypercall.c let only these two through */
		nic->model = c->model == VMK_VM_NIC_VMXNET3 ? &vmxnet3_model : &e1000_model;
		nic->link_down = false;	/* every power on plugs the cable in */
		vm->nic_pa[i] = pa;
		vm->nic[i] = nic;
		memcpy(pc.mac, c->mac, VSW_ETH_ALEN);
		pc.ctx = nic;
		st = vsw_table_connect(&net_switches, &pc, &nic->sw, &nic->port);
		if (!nic->sw)
			return why_fail(why, st, "vm '%s': ethernet%u: no port group '%s' on any switch (vmkctl network shows the groups)",
					vm->cfg.name, i, c->network);
		if (st == VMK_BUSY)
			return why_fail(why, st, "vm '%s': ethernet%u: MAC %s is in use on %s (give the VM another ethernet%u.address)",
					vm->cfg.name, i, mac_text(c->mac, mac, sizeof(mac)),
					nic->sw->name, i);
		if (st != VMK_OK)
			return why_fail(why, st, "vm '%s': ethernet%u: %s has no free port (%u ports)",
					vm->cfg.name, i, nic->sw->name, VSW_PORTS_MAX);
		log_info("vm %u '%s': ethernet%u %s on %s port %u, port group '%s'",
			 vm->id, vm->cfg.name, i, mac_text(c->mac, mac, sizeof(mac)),
			 nic->sw->name, nic->port, c->network);
	}
	return VMK_OK;
}

static void firmware_setup(struct pci_host *pci, uint8_t devfn, uint32_t i,
			   const struct vm_nic_model *m)
{
	uint32_t bar1 = m->bar_io[1] ? VDEV_NIC_BAR1(i) : VDEV_NIC_BAR0(i) + m->bar_size[0];

	pci_host_config_write(pci, devfn, PCI_CFG_BAR0, 4, VDEV_NIC_BAR0(i));
	pci_host_config_write(pci, devfn, PCI_CFG_BAR1, 4, bar1);
	pci_host_config_write(pci, devfn, PCI_CFG_INTR_LINE, 1, VDEV_NIC_IRQ(i));
	pci_host_config_write(pci, devfn, PCI_CFG_COMMAND, 2, PCI_COMMAND_IO_MEM);
}

vmk_status_t vm_nics_attach(struct vm *vm, struct vmk_why *why)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++) {
		struct vm_nic *nic = vm->nic[i];
		struct vnic_config ec = {
			.dma = { vm_dma_read, vm_dma_write, vm },
			.set_irq = nic_set_irq, .msi = nic_msi, .tx = nic_tx, .tx_tso = nic_tx_tso, .filter = nic_filter,
			.rx_groups = nic_rx_groups,
		};
		uint8_t devfn = VM_NIC_DEVFN(i);
		const struct vm_nic_model *m;

		if (!nic)
			continue;
		m = nic->model;
		ec.irq_ctx = ec.tx_ctx = ec.filter_ctx = ec.rx_groups_ctx = nic;
		ec.link_down = nic->link_down;	/* a guest reset keeps the cable as it is */
		memcpy(ec.mac, vm->cfg.nic[i].mac, sizeof(ec.mac));
		spin_lock(&nic->qlock);
		nic->qhead = nic->qcount = 0;	/* nothing from before a reset */
		spin_unlock(&nic->qlock);
		m->init(&nic->dev, &ec);
		if (!pci_add_function(&vm->dev.pci, devfn, m->pci_ops, &nic->dev) ||
		    !pci_add_bar(&vm->dev.pci, devfn, 0, m->bar_size[0], m->bar_io[0],
				 m->bar_ops[0], &nic->dev) ||
		    !pci_add_bar(&vm->dev.pci, devfn, 1, m->bar_size[1], m->bar_io[1],
				 m->bar_ops[1], &nic->dev))
			return why_fail(why, VMK_BAD_PARAM, "vm '%s': ethernet%u: no room on the virtual platform (PCI slot)",
					vm->cfg.name, i);
		if (vm->cfg.boot != VMK_VM_BOOT_BIOS)
			firmware_setup(&vm->dev.pci, devfn, i, m);
	}
	return VMK_OK;
}

vmk_status_t vm_nic_set_link(struct vm *vm, uint32_t i, bool up)
{
	struct vm_nic *nic = i < VMK_VM_MAX_NICS ? vm->nic[i] : NULL;

	if (!nic)
		return VMK_BAD_PARAM;
	nic->link_down = !up;
	/*
	 * The port first: on link up the model sends what waited in the
	 * guest's ring at once, from here (vm->lock, then the switch's).
	 */
	if (nic->port)
		vsw_port_set_link(nic->sw, nic->port, up);
	nic->model->set_link(&nic->dev, up);
	vm_wake_vcpus_locked(vm, false);	/* its link interrupt */
	return VMK_OK;
}

void vm_nics_release(struct vm *vm)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++) {
		struct vm_nic *nic = vm->nic[i];

		if (!nic)
			continue;
		/* After this no deliver() runs: it is called under the switch's lock. */
		if (nic->port)
			vsw_port_disconnect(nic->sw, nic->port);
		vm->nic[i] = NULL;
		pool_free(&vmk_pool, vm->nic_pa[i], VM_NIC_PAGES);
	}
}

void vm_nics_poll(struct vm *vm)
{
	if (vm_nics_present(vm))
		uplink_poll();		/* frames from the wire, into the queues */
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++) {
		struct vm_nic *nic = vm->nic[i];

		if (!nic)
			continue;
		nic->model->poll(&nic->dev);
		/*
		 * At most a queue's worth a call: senders on other CPUs may
		 * refill it as fast as it drains, and this runs under vm->lock.
		 */
		for (uint32_t taken = 0; taken < VM_NIC_QUEUE; taken++) {
			struct vm_nic_frame *f;

			spin_lock(&nic->qlock);
			if (!nic->qcount) {
				spin_unlock(&nic->qlock);
				break;
			}
			f = &nic->q[nic->qhead];
			spin_unlock(&nic->qlock);
			/*
			 * The slot stays ours until qhead moves: deliver()
			 * only fills slots past qhead + qcount.
			 */
			nic->model->receive(&nic->dev, f->data, f->len);
			spin_lock(&nic->qlock);
			nic->qhead = (nic->qhead + 1) % VM_NIC_QUEUE;
			nic->qcount--;
			spin_unlock(&nic->qlock);
		}
	}
}

bool vm_nics_queued(const struct vm *vm)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++)
		if (vm->nic[i] && __atomic_load_n(&vm->nic[i]->qcount, __ATOMIC_RELAXED))
			return true;
	return false;
}

bool vm_nics_present(const struct vm *vm)
{
	for (uint32_t i = 0; i < VMK_VM_MAX_NICS; i++)
		if (vm->nic[i])
			return true;
	return false;
}
