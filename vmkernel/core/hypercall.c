// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/core/hypercall.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/log/log.h"
#include "vmkernel/net/net.h"
#include <vmk/net.h>
#include <vmk/vm.h>
#include "vmkernel/storage/storage.h"

#define LOG_COPY_BATCH	8

typedef vmk_status_t (*hc_handler_t)(struct hc_call *c);

/*
 * Replies too big for a stack, one per COS CPU. A COS CPU makes one
 * hypercall at a time, so its own buffer needs no lock, and no COS
 * request waits for another's (a storage list may wait up to 16 s for
 * the storage lock: storage.c).
 */
static union hc_scratch {
	struct vmk_sched_list sched_list;
	struct vmk_storage_list storage_list;
	struct vmk_storage_read storage_read;
	struct vmk_storage_format storage_format;
	struct vmk_storage_vdisk storage_vdisk;
	struct vmk_cos_disk cos_disk;
	struct vmk_cos_net cos_net;
	struct vmk_vmfs_file vmfs_file;
} hc_scratch[VMK_MAX_CPUS];

static union hc_scratch *scratch_of(const struct hc_call *c)
{
	if (c->cpu >= VMK_MAX_CPUS)
		vmk_panic("hypercall from cpu %u of %u", c->cpu, VMK_MAX_CPUS);
	return &hc_scratch[c->cpu];
}

static vmk_status_t hc_version(struct hc_call *c)
{
	c->result = VMK_ABI_VERSION;
	return VMK_OK;
}

static vmk_status_t hc_info(struct hc_call *c)
{
	struct vmk_info info;

	if (c->arg[1] < sizeof(info))
		return VMK_BAD_PARAM;
	memset(&info, 0, sizeof(info));
	vmk_info_fill(&info);
	c->result = sizeof(info);
	return cos_write(c->arg[0], &info, sizeof(info));
}

/* One page of the scheduler's worlds (include/vmk/hypercall.h). */
static vmk_status_t hc_sched_list(struct hc_call *c)
{
	struct vmk_sched_list *page = &scratch_of(c)->sched_list;
	vmk_status_t st;
	uint32_t start;

	if (c->arg[1] < sizeof(*page))
		return VMK_BAD_PARAM;
	st = cos_read(c->arg[0], &start, sizeof(start));
	if (st != VMK_OK)
		return st;
	memset(page, 0, sizeof(*page));
	page->start = start;
	sched_list_fill(page);
	c->result = page->nworlds;
	return cos_write(c->arg[0], page, sizeof(*page));
}

static vmk_status_t hc_log_read(struct hc_call *c)
{
	struct vmk_log_record batch[LOG_COPY_BATCH];
	uint64_t gpa = c->arg[0];
	uint32_t room = c->arg[1] / sizeof(batch[0]);
	uint64_t from = ((uint64_t)c->arg[2] << 32) | c->arg[3];
	vmk_status_t st;

	c->result = 0;
	while (room) {
		uint32_t n = log_read(from, batch, MIN(room, LOG_COPY_BATCH));

		if (!n)
			break;
		st = cos_write(gpa, batch, n * sizeof(batch[0]));
		if (st != VMK_OK)
			return st;
		gpa += n * sizeof(batch[0]);
		room -= n;
		c->result += n;
		from = batch[n - 1].seq + 1;
	}
	return VMK_OK;
}

static vmk_status_t hc_give_back(struct hc_call *c)
{
	c->action = HC_GIVE_BACK;
	return VMK_OK;
}

static vmk_status_t hc_panic_test(struct hc_call *c)
{
	if (!vmk_debug_enabled())
		return VMK_NOT_SUPPORTED;
	switch (c->arg[0]) {
	case VMK_PANIC_TEST_NOW:
		vmk_panic("panic test requested by the COS on cpu %u", c->cpu);
	case VMK_PANIC_TEST_VMCB:
		svm_debug_corrupt_cos_vmcb(c->cpu);
		return VMK_OK;
	default:
		return VMK_BAD_PARAM;
	}
}

static vmk_status_t hc_log_write(struct hc_call *c)
{
	char text[VMK_LOG_TEXT_LEN];
	vmk_status_t st;

	st = cos_read(c->arg[0], text, sizeof(text));
	if (st != VMK_OK)
		return st;
	text[sizeof(text) - 1] = '\0';
	vmk_log(VMK_LOG_INFO, "cos: %s", text);
	return VMK_OK;
}

/* Debug only: spinner test worlds for the scheduler's lab tests. */
static vmk_status_t hc_sched_test(struct hc_call *c)
{
	struct vmk_sched_test t;
	vmk_status_t st;

	if (!vmk_debug_enabled())
		return VMK_NOT_SUPPORTED;
	st = cos_read(c->arg[0], &t, sizeof(t));
	if (st != VMK_OK)
		return st;
	return sched_test_hypercall(&t, &c->result);
}

static vmk_status_t hc_net_info(struct hc_call *c)
{
	return net_hc_info(c->arg[0], c->arg[1], &c->result);
}

static vmk_status_t hc_net_group_add(struct hc_call *c)
{
	return net_hc_group_add(c->arg[0], &c->why);
}

static vmk_status_t hc_net_group_set(struct hc_call *c)
{
	return net_hc_group_set(c->arg[0], &c->why);
}

static vmk_status_t hc_net_group_del(struct hc_call *c)
{
	return net_hc_group_del(c->arg[0], &c->why);
}

/* The physical HBA and its LUNs (vmkernel/storage/storage.c). */
static vmk_status_t hc_storage_list(struct hc_call *c)
{
	struct vmk_storage_list *list = &scratch_of(c)->storage_list;
	vmk_status_t st, wst;

	if (c->arg[1] < sizeof(*list))
		return VMK_BAD_PARAM;
	memset(list, 0, sizeof(*list));
	st = storage_list_fill(list);
	wst = cos_write(c->arg[0], list, sizeof(*list));
	c->result = list->nluns;
	return st == VMK_OK ? wst : st;
}

/* Debug only: one polled READ(10) through the vmkernel's driver. */
static vmk_status_t hc_storage_read(struct hc_call *c)
{
	struct vmk_storage_read *req = &scratch_of(c)->storage_read;
	vmk_status_t st, wst;

	if (!vmk_debug_enabled())
		return VMK_NOT_SUPPORTED;
	if (c->arg[1] < sizeof(*req))
		return VMK_BAD_PARAM;
	st = cos_read(c->arg[0], req, sizeof(*req));
	if (st != VMK_OK)
		return st;
	memset(req->msg, 0, sizeof(req->msg));
	req->len = 0;
	st = storage_read(req);
	wst = cos_write(c->arg[0], req, sizeof(*req));
	c->result = req->len;
	return st == VMK_OK ? wst : st;
}

/*
 * Scan the HBA again (storage.c). A second COS CPU asking while a rescan
 * runs (it may take seconds) is told so by storage_rescan() at once.
 */
static vmk_status_t hc_storage_rescan(struct hc_call *c)
{
	struct vmk_storage_rescan r;
	vmk_status_t st, wst;

	if (c->arg[1] < sizeof(r))
		return VMK_BAD_PARAM;
	memset(&r, 0, sizeof(r));
	st = storage_rescan(&r);
	wst = cos_write(c->arg[0], &r, sizeof(r));
	c->result = r.nluns;
	return st == VMK_OK ? wst : st;
}

/*
 * A request structure at EBX of ECX bytes (at least size): copied once
 * into r, in vmkernel memory, where the handler checks and serves it.
 */
static vmk_status_t req_copy_in(const struct hc_call *c, void *r, uint32_t size)
{
	if (c->arg[1] < size)
		return VMK_BAD_PARAM;
	return cos_read(c->arg[0], r, size);
}

/* req_copy_in()'s request back whole, as the reply; the handler's status first. */
static vmk_status_t req_reply(const struct hc_call *c, const void *r, uint32_t size,
			      vmk_status_t st)
{
	vmk_status_t wst = cos_write(c->arg[0], r, size);

	return st == VMK_OK ? wst : st;
}

/*
 * vmkfstools -C on a LUN of the vmkernel (storage.c): the request is
 * copied once into vmkernel memory and checked there; the reply goes
 * back whole, with the datastore made or the reason in msg.
 */
static vmk_status_t hc_storage_format(struct hc_call *c)
{
	struct vmk_storage_format *f = &scratch_of(c)->storage_format;
	vmk_status_t st = req_copy_in(c, f, sizeof(*f));

	if (st != VMK_OK)
		return st;
	memset(&f->ds, 0, sizeof(f->ds));
	memset(f->msg, 0, sizeof(f->msg));
	return req_reply(c, f, sizeof(*f), storage_format(f));
}

/* vmkfstools --mkdir and -c on a datastore (storage.c), as hc_storage_format(). */
static vmk_status_t hc_storage_vdisk(struct hc_call *c)
{
	struct vmk_storage_vdisk *v = &scratch_of(c)->storage_vdisk;
	vmk_status_t st = req_copy_in(c, v, sizeof(*v));

	if (st != VMK_OK)
		return st;
	v->free_bytes = 0;
	memset(v->msg, 0, sizeof(v->msg));
	return req_reply(c, v, sizeof(*v), storage_vdisk(v));
}

/*
 * A block request of the COS's disk driver (storage.c): copied once into
 * vmkernel memory, checked and run there; the reply goes back whole,
 * nothing of the COS's copy read again.
 */
static vmk_status_t hc_cos_disk(struct hc_call *c)
{
	struct vmk_cos_disk *r = &scratch_of(c)->cos_disk;
	vmk_status_t st = req_copy_in(c, r, sizeof(*r));

	if (st != VMK_OK)
		return st;
	r->nr_blocks = 0;
	r->block_size = 0;
	memset(r->msg, 0, sizeof(r->msg));
	return req_reply(c, r, sizeof(*r), storage_cos_disk(r));
}

/*
 * A request of the COS's network driver (net.c): copied once, its out
 * fields cleared, served from the copy; the reply goes back whole.
 */
static vmk_status_t hc_cos_net(struct hc_call *c)
{
	struct vmk_cos_net *r = &scratch_of(c)->cos_net;
	vmk_status_t st = req_copy_in(c, r, sizeof(*r));

	if (st != VMK_OK)
		return st;
	r->port = 0;
	r->pending = 0;
	memset(r->mac, 0, sizeof(r->mac));
	r->sent = 0;
	r->queue_drops = 0;
	memset(r->msg, 0, sizeof(r->msg));
	if (r->op == VMK_COS_NET_RX)	/* out: none echoes the COS's own */
		for (uint32_t i = 0; i < VMK_COS_NET_FRAMES; i++)
			r->frame[i].len = 0;
	return req_reply(c, r, sizeof(*r), net_cos_request(r, c->cpu));
}

/*
 * A file request of the COS's /vmfs/volumes (storage.c): copied once,
 * its out fields cleared, run on the copy; the reply goes back whole.
 */
static vmk_status_t hc_vmfs_file(struct hc_call *c)
{
	struct vmk_vmfs_file *r = &scratch_of(c)->vmfs_file;
	vmk_status_t st = req_copy_in(c, r, sizeof(*r));

	if (st != VMK_OK)
		return st;
	if (r->op != VMK_VMFS_READDIR)
		r->cookie = 0;
	if (r->op != VMK_VMFS_READ && r->op != VMK_VMFS_WRITE)
		r->len = 0;
	if (r->op < VMK_VMFS_READ)	/* OPEN's is out */
		r->handle = 0;
	r->nents = 0;
	memset(&r->st, 0, sizeof(r->st));
	r->capacity = r->free_bytes = 0;
	r->block_size = r->files_free = r->files_total = r->error = 0;
	memset(r->msg, 0, sizeof(r->msg));
	memset(r->ent, 0, sizeof(r->ent));
	return req_reply(c, r, sizeof(*r), storage_vmfs_file(r));
}

static const hc_handler_t hc_table[VMK_HC_MAX] = {
	[VMK_HC_VERSION] = hc_version,
	[VMK_HC_INFO] = hc_info,
	[VMK_HC_LOG_READ] = hc_log_read,
	[VMK_HC_GIVE_BACK] = hc_give_back,
	[VMK_HC_PANIC_TEST] = hc_panic_test,
	[VMK_HC_LOG_WRITE] = hc_log_write,
	[VMK_HC_VM_CREATE] = vm_hc_create,
	[VMK_HC_VM_LOAD] = vm_hc_load,
	[VMK_HC_VM_POWER_ON] = vm_hc_power_on,
	[VMK_HC_VM_STOP] = vm_hc_stop,
	[VMK_HC_VM_KILL] = vm_hc_kill,
	[VMK_HC_VM_RESET] = vm_hc_reset,
	[VMK_HC_VM_DESTROY] = vm_hc_destroy,
	[VMK_HC_VM_INFO] = vm_hc_info,
	[VMK_HC_VM_LIST] = vm_hc_list,
	[VMK_HC_VM_CONSOLE_READ] = vm_hc_console_read,
	[VMK_HC_VM_CONSOLE_WRITE] = vm_hc_console_write,
	[VMK_HC_VM_DUMP] = vm_hc_dump,
	[VMK_HC_SCHED_TEST] = hc_sched_test,
	[VMK_HC_SCHED_LIST] = hc_sched_list,
	[VMK_HC_NET_INFO] = hc_net_info,
	[VMK_HC_NET_GROUP_ADD] = hc_net_group_add,
	[VMK_HC_STORAGE_LIST] = hc_storage_list,
	[VMK_HC_STORAGE_READ] = hc_storage_read,
	[VMK_HC_STORAGE_RESCAN] = hc_storage_rescan,
	[VMK_HC_NET_GROUP_SET] = hc_net_group_set,
	[VMK_HC_NET_GROUP_DEL] = hc_net_group_del,
	[VMK_HC_NET_NIC_LINK] = vm_hc_nic_link,
	[VMK_HC_NET_SWITCH] = net_hc_switch,
	[VMK_HC_STORAGE_DATASTORES] = storage_hc_datastores,
	[VMK_HC_STORAGE_FORMAT] = hc_storage_format,
	[VMK_HC_STORAGE_VDISK] = hc_storage_vdisk,
	[VMK_HC_VM_DISKS] = vm_hc_disks,
	[VMK_HC_COS_DISK] = hc_cos_disk,
	[VMK_HC_COS_NET] = hc_cos_net,
	[VMK_HC_VM_SET_ALLOC] = vm_hc_set_alloc,
	[VMK_HC_VMFS_FILE] = hc_vmfs_file,
};

/* Why a request failed, if its handler said, to the COS's buffer at ESI (0: none). */
static void tell_cos(const struct hc_call *c)
{
	if (why_said(&c->why) && c->arg[3])
		cos_write(c->arg[3], c->why.text, sizeof(c->why.text));
}

vmk_status_t hypercall_dispatch(struct hc_call *c)
{
	vmk_status_t st;

	c->action = HC_RESUME;
	c->result = 0;
	c->why.text[0] = '\0';
	if (c->nr >= VMK_HC_MAX || !hc_table[c->nr])
		return VMK_NOT_SUPPORTED;
	st = hc_table[c->nr](c);
	tell_cos(c);
	return st;
}
