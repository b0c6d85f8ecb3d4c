// SPDX-License-Identifier: GPL-2.0-only
/* Hypercall dispatch, against fakes of the vmkernel services it calls. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmkernel/fake_log.h"
#include "vmkernel/core/hypercall.h"
#include <vmk/net.h>
#include <vmk/vm.h>
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/log/log.h"

/* Fake COS memory: guest-physical 0x1000 .. 0x1000 + sizeof(guest). */
#define GUEST_BASE	0x1000
static uint8_t guest[64 * 1024];
static uint64_t log_next;	/* records 1 .. log_next - 1 exist */
static bool debug;
static jmp_buf panicked;

vmk_status_t cos_write(uint64_t gpa, const void *src, uint32_t len)
{
	if (gpa < GUEST_BASE || gpa + len > GUEST_BASE + sizeof(guest))
		return VMK_BAD_ADDRESS;
	memcpy(guest + gpa - GUEST_BASE, src, len);
	return VMK_OK;
}

vmk_status_t cos_read(uint64_t gpa, void *dst, uint32_t len)
{
	if (gpa < GUEST_BASE || gpa + len > GUEST_BASE + sizeof(guest))
		return VMK_BAD_ADDRESS;
	memcpy(dst, guest + gpa - GUEST_BASE, len);
	return VMK_OK;
}

void vmk_info_fill(struct vmk_info *info)
{
	info->abi_version = VMK_ABI_VERSION;
	info->ncpus = 2;
}

uint32_t log_read(uint64_t from, struct vmk_log_record *out, uint32_t max)
{
	uint32_t n = 0;

	for (from = from ? from : 1; from < log_next && n < max; from++, n++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].seq = from;
	}
	return n;
}

static bool storage_lock_held;	/* by a hung VM disk: storage.c gives up */
static bool cpu1_asks_meanwhile;	/* COS CPU 1 lists while CPU 0 waits */
static vmk_status_t cpu1_status;

vmk_status_t storage_list_fill(struct vmk_storage_list *l)
{
	if (cpu1_asks_meanwhile) {
		struct hc_call c1 = { .nr = VMK_HC_STORAGE_LIST, .cpu = 1,
				      .arg = { GUEST_BASE + 0x2000, sizeof(*l) } };

		cpu1_asks_meanwhile = false;
		l->nluns = 7;	/* CPU 0's reply so far, not to be touched */
		cpu1_status = hypercall_dispatch(&c1);
		ck_assert_uint_eq(l->nluns, 7);
		return VMK_BUSY;
	}
	if (storage_lock_held) {
		snprintf(l->msg, sizeof(l->msg), "waited 16 s for the storage lock");
		return VMK_BUSY;
	}
	l->state = VMK_STORAGE_RUNNING;
	l->nluns = 2;
	return VMK_OK;
}

vmk_status_t storage_read(struct vmk_storage_read *r)
{
	r->len = 512;
	return VMK_OK;
}

vmk_status_t storage_rescan(struct vmk_storage_rescan *r)
{
	r->nluns = 3;
	return VMK_OK;
}

/* The request as storage_format() saw it: its reply fields cleared first. */
static struct vmk_storage_format format_seen;

vmk_status_t storage_format(struct vmk_storage_format *f)
{
	format_seen = *f;
	if (f->lun == 9) {
		snprintf(f->msg, sizeof(f->msg), "vmhba0:C0:T0:L9: no usable disk there");
		return VMK_BAD_PARAM;
	}
	f->ds.capacity = 42;
	return VMK_OK;
}

static struct vmk_storage_vdisk vdisk_seen;

vmk_status_t storage_vdisk(struct vmk_storage_vdisk *v)
{
	vdisk_seen = *v;
	if (v->op == VMK_VDISK_OP_MKDIR) {
		snprintf(v->msg, sizeof(v->msg), "[ds1] vm1: exists already");
		return VMK_BAD_PARAM;
	}
	v->free_bytes = 7;
	return VMK_OK;
}

static struct vmk_vmfs_file vmfs_seen;

vmk_status_t storage_vmfs_file(struct vmk_vmfs_file *r)
{
	vmfs_seen = *r;
	if (r->op == VMK_VMFS_OPEN)
		r->handle = 0x101;
	r->error = VMK_VMFS_ENOENT;
	return VMK_BAD_PARAM;
}

static struct vmk_cos_disk cos_disk_seen;

vmk_status_t storage_cos_disk(struct vmk_cos_disk *r)
{
	cos_disk_seen = *r;
	if (r->lun == 9) {
		snprintf(r->msg, sizeof(r->msg), "vmhba0:C0:T1:L9 is not one of the COS's disks");
		return VMK_BAD_PARAM;
	}
	r->nr_blocks = 1024;
	return VMK_OK;
}

vmk_status_t storage_hc_datastores(struct hc_call *c)
{
	c->result = 1;
	return VMK_OK;
}

static uint32_t vm_calls_seen;		/* the number of the VM handler called */

/* Each VM handler: says which it is; refuses, saying why, VM 57005. */
static vmk_status_t vm_handler(struct hc_call *c, uint32_t nr)
{
	vm_calls_seen = nr;
	c->result = 0x5a;
	if (c->arg[0] == 57005) {
		why_put(&c->why, "no VM with id 57005");
		return VMK_BAD_PARAM;
	}
	return VMK_OK;
}

#define VM_HANDLER(fn, nr) \
	vmk_status_t fn(struct hc_call *c) { return vm_handler(c, nr); }
VM_HANDLER(vm_hc_create, VMK_HC_VM_CREATE)
VM_HANDLER(vm_hc_load, VMK_HC_VM_LOAD)
VM_HANDLER(vm_hc_power_on, VMK_HC_VM_POWER_ON)
VM_HANDLER(vm_hc_stop, VMK_HC_VM_STOP)
VM_HANDLER(vm_hc_kill, VMK_HC_VM_KILL)
VM_HANDLER(vm_hc_reset, VMK_HC_VM_RESET)
VM_HANDLER(vm_hc_destroy, VMK_HC_VM_DESTROY)
VM_HANDLER(vm_hc_info, VMK_HC_VM_INFO)
VM_HANDLER(vm_hc_list, VMK_HC_VM_LIST)
VM_HANDLER(vm_hc_console_read, VMK_HC_VM_CONSOLE_READ)
VM_HANDLER(vm_hc_console_write, VMK_HC_VM_CONSOLE_WRITE)
VM_HANDLER(vm_hc_dump, VMK_HC_VM_DUMP)
VM_HANDLER(vm_hc_disks, VMK_HC_VM_DISKS)
VM_HANDLER(vm_hc_set_alloc, VMK_HC_VM_SET_ALLOC)

static uint32_t nic_link_calls;

/* Refuses, saying why, a link state other than 0 or 1. */
vmk_status_t vm_hc_nic_link(struct hc_call *c)
{
	nic_link_calls++;
	if (c->arg[2] > 1) {
		why_put(&c->why, "link state 2: 1 (up) or 0 (down)");
		return VMK_BAD_PARAM;
	}
	return VMK_OK;
}

static struct vmk_sched_test sched_test_seen;

vmk_status_t sched_test_hypercall(const struct vmk_sched_test *t, uint32_t *id)
{
	sched_test_seen = *t;
	*id = 42;
	return VMK_OK;
}

static uint32_t sched_list_start_seen = ~0u;

/* A fake scheduler with worlds 1..40, 16 a page: start is a world index. */
void sched_list_fill(struct vmk_sched_list *page)
{
	uint32_t i;

	sched_list_start_seen = page->start;
	for (i = page->start; i < 40 && page->nworlds < VMK_SCHED_LIST_WORLDS; i++)
		page->world[page->nworlds++].id = i + 1;
	page->next = i < 40 ? i : 0;
}

/* A fake switch: 3 ports; a group add is refused with a reason. */
static uint64_t net_info_gpa_seen;

vmk_status_t net_hc_info(uint64_t gpa, uint32_t size, uint32_t *nports)
{
	(void)size;
	net_info_gpa_seen = gpa;
	*nports = 3;
	return VMK_OK;
}

vmk_status_t net_hc_group_add(uint64_t gpa, struct vmk_why *why)
{
	(void)gpa;
	snprintf(why->text, sizeof(why->text), "port group 'x' exists on vswitch0 already");
	return VMK_BUSY;
}

/* set: OK for a gpa of GUEST_BASE + 512; del: refused with a reason. */
static uint64_t net_group_gpa_seen;

vmk_status_t net_hc_group_set(uint64_t gpa, struct vmk_why *why)
{
	(void)why;
	net_group_gpa_seen = gpa;
	return VMK_OK;
}

vmk_status_t net_hc_group_del(uint64_t gpa, struct vmk_why *why)
{
	net_group_gpa_seen = gpa;
	snprintf(why->text, sizeof(why->text), "port group 'x' still has ports");
	return VMK_BUSY;
}

/* switch add/del: the request's gpa seen, refused with a reason. */
vmk_status_t net_hc_switch(struct hc_call *c)
{
	net_group_gpa_seen = c->arg[0];
	snprintf(c->why.text, sizeof(c->why.text), "switch 'internal' still has ports in use");
	return VMK_BUSY;
}

static struct vmk_cos_net cos_net_seen;
static uint32_t cos_net_cpu_seen;

/* The COS's network requests: RX fills one buffer; op 9 is refused. */
vmk_status_t net_cos_request(struct vmk_cos_net *r, uint32_t cpu)
{
	cos_net_seen = *r;
	cos_net_cpu_seen = cpu;
	if (r->op == 9) {
		snprintf(r->msg, sizeof(r->msg), "no such COS network request (op 9)");
		return VMK_BAD_PARAM;
	}
	r->port = 3;
	r->frame[0].len = 60;
	r->nframes = 1;
	return VMK_OK;
}

bool vmk_debug_enabled(void)
{
	return debug;
}

static uint32_t corrupted_cpu = ~0u;

void svm_debug_corrupt_cos_vmcb(uint32_t cpu)
{
	corrupted_cpu = cpu;
}

void vmk_panic(const char *fmt, ...)
{
	(void)fmt;
	longjmp(panicked, 1);
}

static void setup(void)
{
	memset(guest, 0, sizeof(guest));
	log_next = 1;
	debug = false;
	fake_log_last[0] = '\0';
}

static vmk_status_t call(struct hc_call *c, uint32_t nr, uint32_t a0,
			 uint32_t a1, uint32_t a2, uint32_t a3)
{
	memset(c, 0, sizeof(*c));
	c->nr = nr;
	c->arg[0] = a0;
	c->arg[1] = a1;
	c->arg[2] = a2;
	c->arg[3] = a3;
	return hypercall_dispatch(c);
}

START_TEST(test_version_returns_the_abi)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_VERSION, 0, 0, 0, 0), VMK_OK);
	ck_assert_uint_eq(c.result, VMK_ABI_VERSION);
	ck_assert_int_eq(c.action, HC_RESUME);
}
END_TEST

START_TEST(test_unknown_hypercalls_are_not_supported)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_MAX, 0, 0, 0, 0), VMK_NOT_SUPPORTED);
	ck_assert_int_eq(call(&c, 0xffffffff, 0, 0, 0, 0), VMK_NOT_SUPPORTED);
}
END_TEST

START_TEST(test_sched_test_needs_debug_and_reads_its_request)
{
	struct vmk_sched_test t = { .op = VMK_SCHED_TEST_SPIN, .cpu = 1,
				    .shares = 2000, .max_pct = 25, .name = "spin" };
	struct hc_call c;

	memcpy(guest + 0x100, &t, sizeof(t));
	ck_assert_int_eq(call(&c, VMK_HC_SCHED_TEST, GUEST_BASE + 0x100, 0, 0, 0),
			 VMK_NOT_SUPPORTED);
	debug = true;
	ck_assert_int_eq(call(&c, VMK_HC_SCHED_TEST, GUEST_BASE + 0x100, 0, 0, 0),
			 VMK_OK);
	ck_assert_uint_eq(c.result, 42);
	ck_assert_uint_eq(sched_test_seen.shares, 2000);
	ck_assert_uint_eq(sched_test_seen.max_pct, 25);
	ck_assert_str_eq(sched_test_seen.name, "spin");
}
END_TEST

/* Each VM number reaches its own handler of the VM layer, none another's. */
START_TEST(test_vm_hypercalls_go_to_the_vm_layer)
{
	struct hc_call c = { .nr = VMK_HC_VM_FIRST };

	for (c.nr = VMK_HC_VM_FIRST; c.nr <= VMK_HC_VM_LAST; c.nr++) {
		vm_calls_seen = 0;
		ck_assert_int_eq(hypercall_dispatch(&c), VMK_OK);
		ck_assert_uint_eq(vm_calls_seen, c.nr);
		ck_assert_uint_eq(c.result, 0x5a);
	}
	c.nr = VMK_HC_VM_LAST + 1;
	vm_calls_seen = 0;
	hypercall_dispatch(&c);
	ck_assert_uint_eq(vm_calls_seen, 0);
	/* A VM's disks (since ABI 34), numbered after the storage calls. */
	c.nr = VMK_HC_VM_DISKS;
	ck_assert_int_eq(hypercall_dispatch(&c), VMK_OK);
	ck_assert_uint_eq(vm_calls_seen, VMK_HC_VM_DISKS);
	/* A running VM's CPU allocation (since ABI 38). */
	c.nr = VMK_HC_VM_SET_ALLOC;
	ck_assert_int_eq(hypercall_dispatch(&c), VMK_OK);
	ck_assert_uint_eq(vm_calls_seen, VMK_HC_VM_SET_ALLOC);
}
END_TEST

START_TEST(test_a_vnic_link_goes_to_its_own_vm_handler)
{
	struct hc_call c;

	nic_link_calls = 0;
	vm_calls_seen = 0;
	ck_assert_int_eq(call(&c, VMK_HC_NET_NIC_LINK, 1, 0, 1, 0), VMK_OK);
	ck_assert_uint_eq(nic_link_calls, 1);
	ck_assert_uint_eq(vm_calls_seen, 0);	/* no VMK_HC_VM_* handler */
	memset(guest, 0, VMK_VM_MSG_LEN);
	ck_assert_int_eq(call(&c, VMK_HC_NET_NIC_LINK, 1, 0, 2, GUEST_BASE), VMK_BAD_PARAM);
	ck_assert_uint_eq(nic_link_calls, 2);
	ck_assert_str_eq((char *)guest, "link state 2: 1 (up) or 0 (down)");
}
END_TEST

START_TEST(test_the_hypercall_layer_copies_a_vm_refusal_to_the_cos)
{
	struct hc_call c;

	memset(guest, 0xff, VMK_VM_MSG_LEN);
	ck_assert_int_eq(call(&c, VMK_HC_VM_POWER_ON, 57005, 0, 0, GUEST_BASE), VMK_BAD_PARAM);
	ck_assert_str_eq((char *)guest, "no VM with id 57005");
	ck_assert_uint_eq(guest[VMK_VM_MSG_LEN - 1], 0);	/* the whole buffer */
	/* the same call struct again: the last refusal is not told twice */
	memset(guest, 0, VMK_VM_MSG_LEN);
	c.arg[0] = 1;
	ck_assert_int_eq(hypercall_dispatch(&c), VMK_OK);
	ck_assert_uint_eq(guest[0], 0);
	/* no message buffer (ESI 0): nothing written */
	ck_assert_int_eq(call(&c, VMK_HC_VM_POWER_ON, 57005, 0, 0, 0), VMK_BAD_PARAM);
	ck_assert_uint_eq(guest[0], 0);
}
END_TEST

START_TEST(test_net_hypercalls_reach_the_switch_and_say_why)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_NET_INFO, GUEST_BASE, 4096, 0, 0), VMK_OK);
	ck_assert_uint_eq(net_info_gpa_seen, GUEST_BASE);
	ck_assert_uint_eq(c.result, 3);
	memset(guest, 0, VMK_VM_MSG_LEN);
	ck_assert_int_eq(call(&c, VMK_HC_NET_GROUP_ADD, GUEST_BASE + 512, 0, 0, GUEST_BASE),
			 VMK_BUSY);
	ck_assert_str_eq((char *)guest, "port group 'x' exists on vswitch0 already");
	memset(guest, 0, VMK_VM_MSG_LEN);
	ck_assert_int_eq(call(&c, VMK_HC_NET_GROUP_SET, GUEST_BASE + 512, 0, 0, GUEST_BASE),
			 VMK_OK);
	ck_assert_uint_eq(net_group_gpa_seen, GUEST_BASE + 512);
	ck_assert_uint_eq(guest[0], 0);		/* no reason written for a success */
	ck_assert_int_eq(call(&c, VMK_HC_NET_GROUP_DEL, GUEST_BASE + 1024, 0, 0, GUEST_BASE),
			 VMK_BUSY);
	ck_assert_uint_eq(net_group_gpa_seen, GUEST_BASE + 1024);
	ck_assert_str_eq((char *)guest, "port group 'x' still has ports");
	/* no reason buffer (ESI 0): nothing written */
	memset(guest, 0, VMK_VM_MSG_LEN);
	ck_assert_int_eq(call(&c, VMK_HC_NET_GROUP_DEL, GUEST_BASE + 1024, 0, 0, 0), VMK_BUSY);
	ck_assert_uint_eq(guest[0], 0);
	/* switch add and del (ABI 17) */
	ck_assert_int_eq(call(&c, VMK_HC_NET_SWITCH, GUEST_BASE + 2048, 0, 0, GUEST_BASE),
			 VMK_BUSY);
	ck_assert_uint_eq(net_group_gpa_seen, GUEST_BASE + 2048);
	ck_assert_str_eq((char *)guest, "switch 'internal' still has ports in use");
}
END_TEST

START_TEST(test_info_is_written_to_cos_memory)
{
	struct vmk_info info;
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_INFO, GUEST_BASE, sizeof(info), 0, 0), VMK_OK);
	memcpy(&info, guest, sizeof(info));
	ck_assert_uint_eq(info.abi_version, VMK_ABI_VERSION);
	ck_assert_uint_eq(info.ncpus, 2);
	ck_assert_uint_eq(c.result, sizeof(info));
}
END_TEST

START_TEST(test_info_refuses_short_buffers_and_bad_addresses)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_INFO, GUEST_BASE, 16, 0, 0), VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_INFO, 0x10, sizeof(struct vmk_info), 0, 0),
			 VMK_BAD_ADDRESS);
}
END_TEST

START_TEST(test_sched_list_reads_start_and_writes_one_page)
{
	struct vmk_sched_list page;
	uint32_t start = 0, pages = 0, worlds = 0;
	struct hc_call c;

	do {
		memset(guest, 0xa5, sizeof(page));
		memcpy(guest, &start, sizeof(start));
		ck_assert_int_eq(call(&c, VMK_HC_SCHED_LIST, GUEST_BASE, sizeof(page), 0, 0),
				 VMK_OK);
		memcpy(&page, guest, sizeof(page));
		ck_assert_uint_eq(sched_list_start_seen, start);
		ck_assert_uint_eq(page.start, start);
		ck_assert_uint_eq(c.result, page.nworlds);
		/* the rest of the page is cleared, not the COS's old bytes */
		ck_assert_uint_eq(page.nvcpus, 0);
		ck_assert_uint_eq(page.vcpu[VMK_SCHED_LIST_VCPUS - 1].world_id, 0);
		ck_assert_uint_eq(page.world[0].id, start + 1);
		worlds += page.nworlds;
		start = page.next;
		pages++;
	} while (start && pages < 10);
	ck_assert_uint_eq(worlds, 40);
	ck_assert_uint_eq(pages, 3);
}
END_TEST

START_TEST(test_sched_list_refuses_short_buffers_and_bad_addresses)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_SCHED_LIST, GUEST_BASE,
			      sizeof(struct vmk_sched_list) - 1, 0, 0), VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_SCHED_LIST, GUEST_BASE + sizeof(guest) - 64,
			      sizeof(struct vmk_sched_list), 0, 0), VMK_BAD_ADDRESS);
}
END_TEST

START_TEST(test_log_read_copies_in_batches_up_to_the_room)
{
	struct vmk_log_record *r = (void *)guest;
	struct hc_call c;

	log_next = 21;		/* records 1..20 */
	ck_assert_int_eq(call(&c, VMK_HC_LOG_READ, GUEST_BASE, 12 * sizeof(*r), 0, 0), VMK_OK);
	ck_assert_uint_eq(c.result, 12);
	ck_assert_uint_eq(r[0].seq, 1);
	ck_assert_uint_eq(r[11].seq, 12);
	ck_assert_int_eq(call(&c, VMK_HC_LOG_READ, GUEST_BASE, 64 * sizeof(*r), 0, 13), VMK_OK);
	ck_assert_uint_eq(c.result, 8);
	ck_assert_uint_eq(r[7].seq, 20);
}
END_TEST

START_TEST(test_log_read_takes_a_64_bit_cursor)
{
	struct hc_call c;

	log_next = 5;
	ck_assert_int_eq(call(&c, VMK_HC_LOG_READ, GUEST_BASE, 4096, 1, 0), VMK_OK);
	ck_assert_uint_eq(c.result, 0);	/* cursor 2^32: nothing that new */
}
END_TEST

START_TEST(test_give_back_asks_the_exit_handler_to_leave)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_GIVE_BACK, 0, 0, 0, 0), VMK_OK);
	ck_assert_int_eq(c.action, HC_GIVE_BACK);
}
END_TEST

START_TEST(test_panic_test_needs_debug)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_PANIC_TEST, 0, 0, 0, 0), VMK_NOT_SUPPORTED);
	debug = true;
	if (!setjmp(panicked)) {
		call(&c, VMK_HC_PANIC_TEST, 0, 0, 0, 0);
		ck_abort_msg("panic test returned");
	}
}
END_TEST

START_TEST(test_vmcb_corruption_test_needs_debug_and_names_the_cpu)
{
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_PANIC_TEST, VMK_PANIC_TEST_VMCB, 0, 0, 0),
			 VMK_NOT_SUPPORTED);
	ck_assert_uint_eq(corrupted_cpu, ~0u);
	debug = true;
	ck_assert_int_eq(call(&c, VMK_HC_PANIC_TEST, VMK_PANIC_TEST_VMCB, 0, 0, 0), VMK_OK);
	ck_assert_uint_eq(corrupted_cpu, c.cpu);
	ck_assert_int_eq(call(&c, VMK_HC_PANIC_TEST, 7, 0, 0, 0), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_log_write_logs_cos_text)
{
	struct hc_call c;

	strcpy((char *)guest, "hello from the COS");
	ck_assert_int_eq(call(&c, VMK_HC_LOG_WRITE, GUEST_BASE, 0, 0, 0), VMK_OK);
	ck_assert_str_eq(fake_log_last, "cos: hello from the COS");
}
END_TEST

START_TEST(test_a_cos_cpus_request_does_not_wait_for_anothers)
{
	struct vmk_storage_list l;
	struct hc_call c;

	cpu1_asks_meanwhile = true;
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_LIST, GUEST_BASE, sizeof(l), 0, 0), VMK_BUSY);
	ck_assert_int_eq(cpu1_status, VMK_OK);
	memcpy(&l, guest + 0x2000, sizeof(l));
	ck_assert_uint_eq(l.nluns, 2);
	memcpy(&l, guest, sizeof(l));
	ck_assert_uint_eq(l.nluns, 7);
}
END_TEST

START_TEST(test_storage_list_says_why_it_is_busy)
{
	struct vmk_storage_list l;
	struct hc_call c;

	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_LIST, GUEST_BASE, sizeof(l), 0, 0), VMK_OK);
	ck_assert_uint_eq(c.result, 2);
	storage_lock_held = true;
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_LIST, GUEST_BASE, sizeof(l), 0, 0), VMK_BUSY);
	storage_lock_held = false;
	memcpy(&l, guest, sizeof(l));
	ck_assert_str_eq(l.msg, "waited 16 s for the storage lock");
	ck_assert_uint_eq(l.nluns, 0);
	ck_assert_uint_eq(c.result, 0);
}
END_TEST

START_TEST(test_storage_format_copies_the_request_once_and_replies_whole)
{
	struct vmk_storage_format f;
	struct hc_call c;

	memset(&f, 0x5a, sizeof(f));
	f.lun = 1;
	memcpy(guest, &f, sizeof(f));
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_FORMAT, GUEST_BASE, sizeof(f) - 1, 0, 0),
			 VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_FORMAT, GUEST_BASE, sizeof(f), 0, 0), VMK_OK);
	/* what the COS put in the reply fields never reaches the vmkernel's code */
	ck_assert_uint_eq(format_seen.ds.capacity, 0);
	ck_assert_uint_eq((uint8_t)format_seen.msg[0], 0);
	ck_assert_uint_eq(format_seen.lun, 1);
	memcpy(&f, guest, sizeof(f));
	ck_assert_uint_eq(f.ds.capacity, 42);
	ck_assert_uint_eq((uint8_t)f.msg[0], 0);
	/* a refusal comes back with its sentence */
	f.lun = 9;
	memcpy(guest, &f, sizeof(f));
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_FORMAT, GUEST_BASE, sizeof(f), 0, 0),
			 VMK_BAD_PARAM);
	memcpy(&f, guest, sizeof(f));
	ck_assert_str_eq(f.msg, "vmhba0:C0:T0:L9: no usable disk there");
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_FORMAT, GUEST_BASE + sizeof(guest) - 8,
			      sizeof(f), 0, 0), VMK_BAD_ADDRESS);
}
END_TEST

START_TEST(test_storage_vdisk_copies_the_request_once_and_replies_whole)
{
	struct vmk_storage_vdisk v;
	struct hc_call c;

	memset(&v, 0x5a, sizeof(v));
	v.op = VMK_VDISK_OP_CREATE;
	memcpy(guest, &v, sizeof(v));
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_VDISK, GUEST_BASE, sizeof(v) - 1, 0, 0),
			 VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_VDISK, GUEST_BASE, sizeof(v), 0, 0), VMK_OK);
	/* the COS's reply fields never reach the vmkernel's code */
	ck_assert_uint_eq(vdisk_seen.free_bytes, 0);
	ck_assert_uint_eq((uint8_t)vdisk_seen.msg[0], 0);
	ck_assert_uint_eq(vdisk_seen.op, VMK_VDISK_OP_CREATE);
	memcpy(&v, guest, sizeof(v));
	ck_assert_uint_eq(v.free_bytes, 7);
	v.op = VMK_VDISK_OP_MKDIR;
	memcpy(guest, &v, sizeof(v));
	ck_assert_int_eq(call(&c, VMK_HC_STORAGE_VDISK, GUEST_BASE, sizeof(v), 0, 0),
			 VMK_BAD_PARAM);
	memcpy(&v, guest, sizeof(v));
	ck_assert_str_eq(v.msg, "[ds1] vm1: exists already");
}
END_TEST

START_TEST(test_cos_disk_copies_the_request_once_and_replies_whole)
{
	struct vmk_cos_disk r;
	struct hc_call c;

	memset(&r, 0x5a, sizeof(r));
	r.op = VMK_COS_DISK_ATTACH;
	r.lun = 0;
	memcpy(guest, &r, sizeof(r));
	ck_assert_int_eq(call(&c, VMK_HC_COS_DISK, GUEST_BASE, sizeof(r) - 1, 0, 0),
			 VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_COS_DISK, GUEST_BASE, sizeof(r), 0, 0), VMK_OK);
	/* the COS's out fields never reach the vmkernel's code */
	ck_assert_uint_eq(cos_disk_seen.nr_blocks, 0);
	ck_assert_uint_eq(cos_disk_seen.block_size, 0);
	ck_assert_uint_eq((uint8_t)cos_disk_seen.msg[0], 0);
	memcpy(&r, guest, sizeof(r));
	ck_assert_uint_eq(r.nr_blocks, 1024);
	r.lun = 9;
	memcpy(guest, &r, sizeof(r));
	ck_assert_int_eq(call(&c, VMK_HC_COS_DISK, GUEST_BASE, sizeof(r), 0, 0),
			 VMK_BAD_PARAM);
	memcpy(&r, guest, sizeof(r));
	ck_assert_str_eq(r.msg, "vmhba0:C0:T1:L9 is not one of the COS's disks");
}
END_TEST

START_TEST(test_vmfs_file_copies_the_request_once_and_replies_whole)
{
	struct vmk_vmfs_file r;
	struct hc_call c;

	memset(&r, 0x5a, sizeof(r));
	r.op = VMK_VMFS_OPEN;
	memcpy(guest, &r, sizeof(r));
	ck_assert_int_eq(call(&c, VMK_HC_VMFS_FILE, GUEST_BASE, sizeof(r) - 1, 0, 0),
			 VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_VMFS_FILE, GUEST_BASE, sizeof(r), 0, 0),
			 VMK_BAD_PARAM);
	/* the COS's out fields never reach the vmkernel's code */
	ck_assert_uint_eq(vmfs_seen.handle, 0);
	ck_assert_uint_eq(vmfs_seen.len, 0);
	ck_assert_uint_eq(vmfs_seen.cookie, 0);
	ck_assert_uint_eq(vmfs_seen.nents, 0);
	ck_assert_uint_eq(vmfs_seen.error, 0);
	ck_assert_uint_eq(vmfs_seen.st.size, 0);
	ck_assert_uint_eq((uint8_t)vmfs_seen.msg[0], 0);
	ck_assert_uint_eq((uint8_t)vmfs_seen.ent[3].name[0], 0);
	ck_assert_uint_eq((uint8_t)vmfs_seen.path[0], 0x5a);
	memcpy(&r, guest, sizeof(r));
	ck_assert_uint_eq(r.handle, 0x101);
	ck_assert_uint_eq(r.error, VMK_VMFS_ENOENT);
	/* a READ's handle, offset, length and buffer are the COS's in fields */
	r.op = VMK_VMFS_READ;
	r.len = 512;
	memcpy(guest, &r, sizeof(r));
	call(&c, VMK_HC_VMFS_FILE, GUEST_BASE, sizeof(r), 0, 0);
	ck_assert_uint_eq(vmfs_seen.handle, 0x101);
	ck_assert_uint_eq(vmfs_seen.len, 512);
}
END_TEST

START_TEST(test_cos_net_copies_the_request_once_and_replies_whole)
{
	struct vmk_cos_net r;
	struct hc_call c;

	memset(&r, 0x5a, sizeof(r));
	r.op = VMK_COS_NET_RX;
	r.nframes = 2;
	memcpy(guest, &r, sizeof(r));
	ck_assert_int_eq(call(&c, VMK_HC_COS_NET, GUEST_BASE, sizeof(r) - 1, 0, 0),
			 VMK_BAD_PARAM);
	ck_assert_int_eq(call(&c, VMK_HC_COS_NET, GUEST_BASE + sizeof(guest) - 8,
			      sizeof(r), 0, 0), VMK_BAD_ADDRESS);
	memset(&c, 0, sizeof(c));
	c.nr = VMK_HC_COS_NET;
	c.arg[0] = GUEST_BASE;
	c.arg[1] = sizeof(r);
	c.cpu = 1;
	ck_assert_int_eq(hypercall_dispatch(&c), VMK_OK);
	ck_assert_uint_eq(cos_net_cpu_seen, 1);
	/* the COS's out fields never reach the vmkernel's code */
	ck_assert_uint_eq(cos_net_seen.port, 0);
	ck_assert_uint_eq(cos_net_seen.pending, 0);
	ck_assert_uint_eq(cos_net_seen.sent, 0);
	ck_assert_uint_eq(cos_net_seen.queue_drops, 0);
	ck_assert_uint_eq(cos_net_seen.mac[0], 0);
	ck_assert_uint_eq((uint8_t)cos_net_seen.msg[0], 0);
	ck_assert_uint_eq(cos_net_seen.nframes, 2);
	memcpy(&r, guest, sizeof(r));
	ck_assert_uint_eq(r.port, 3);
	ck_assert_uint_eq(r.nframes, 1);
	ck_assert_uint_eq(r.frame[0].len, 60);
	r.op = 9;
	memcpy(guest, &r, sizeof(r));
	ck_assert_int_eq(call(&c, VMK_HC_COS_NET, GUEST_BASE, sizeof(r), 0, 0), VMK_BAD_PARAM);
	memcpy(&r, guest, sizeof(r));
	ck_assert_str_eq(r.msg, "no such COS network request (op 9)");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("hypercalls");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_version_returns_the_abi);
	tcase_add_test(tc, test_storage_format_copies_the_request_once_and_replies_whole);
	tcase_add_test(tc, test_storage_vdisk_copies_the_request_once_and_replies_whole);
	tcase_add_test(tc, test_cos_disk_copies_the_request_once_and_replies_whole);
	tcase_add_test(tc, test_vmfs_file_copies_the_request_once_and_replies_whole);
	tcase_add_test(tc, test_cos_net_copies_the_request_once_and_replies_whole);
	tcase_add_test(tc, test_unknown_hypercalls_are_not_supported);
	tcase_add_test(tc, test_vm_hypercalls_go_to_the_vm_layer);
	tcase_add_test(tc, test_a_vnic_link_goes_to_its_own_vm_handler);
	tcase_add_test(tc, test_the_hypercall_layer_copies_a_vm_refusal_to_the_cos);
	tcase_add_test(tc, test_net_hypercalls_reach_the_switch_and_say_why);
	tcase_add_test(tc, test_sched_test_needs_debug_and_reads_its_request);
	tcase_add_test(tc, test_info_is_written_to_cos_memory);
	tcase_add_test(tc, test_info_refuses_short_buffers_and_bad_addresses);
	tcase_add_test(tc, test_sched_list_reads_start_and_writes_one_page);
	tcase_add_test(tc, test_sched_list_refuses_short_buffers_and_bad_addresses);
	tcase_add_test(tc, test_log_read_copies_in_batches_up_to_the_room);
	tcase_add_test(tc, test_log_read_takes_a_64_bit_cursor);
	tcase_add_test(tc, test_give_back_asks_the_exit_handler_to_leave);
	tcase_add_test(tc, test_panic_test_needs_debug);
	tcase_add_test(tc, test_vmcb_corruption_test_needs_debug_and_names_the_cpu);
	tcase_add_test(tc, test_log_write_logs_cos_text);
	tcase_add_test(tc, test_storage_list_says_why_it_is_busy);
	tcase_add_test(tc, test_a_cos_cpus_request_does_not_wait_for_anothers);
	return check_run("vmkernel hypercalls", tc);
}
