// SPDX-License-Identifier: GPL-2.0-only
/*
 * ReconfigVM_Task(spec): a VM's vCPUs, memory and CPU allocation, written
 * to its .vmx (vmx_set_keys(), the writer `vmkctl vm start` uses for the
 * identity: locked, checked, atomic rename). The next power on starts the
 * VM so, as `vmkctl vm start` reads the file anew. A running VM's shares,
 * reservation and limit change at once too (VMK_HC_VM_SET_ALLOC, through
 * vm_reconfig_sched(), the code `vmkctl vm sched` runs: the vmkernel's
 * admission control first, then the file), so vmkctl and the daemon
 * agree. Its vCPUs and memory do not: vmk has no hot-add, and changing
 * them then is refused (InvalidPowerState).
 *
 * Served: numCPUs, memoryMB, cpuAllocation (shares at a level or custom,
 * reservation and limit in MHz: sched.cpu.shares, .min, .max);
 * memoryAllocation only as it is shown (vmk has no memory shares,
 * reservation or limit); numCoresPerSocket 1; the HotAdd flags false.
 * Anything else, deviceChange included, is NotSupported naming the field:
 * nothing is written then.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmk/vm.h>
#include "cos-tools/vmx/vmx.h"
#include "hostd.h"

/* numvcpus, memsize, sched.cpu.shares, .min, .max */
#define RECONFIG_KEYS	5

/* The spec as read: the keys to set and the first refusal. */
struct reconfig {
	struct vmx_set sets[RECONFIG_KEYS];
	size_t n;
	bool cpu_or_mem;		/* numCPUs or memoryMB: hot-add */
	long long min, max;		/* cpuAllocation's reservation and limit; -2: not given */
	const char *fault;		/* InvalidArgument, NotSupported; NULL: none */
	char field[128];		/* its property path */
	char msg[256];
};

static void refuse(struct reconfig *r, const char *fault, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void refuse(struct reconfig *r, const char *fault, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (r->fault)
		return;		/* the first one is the answer */
	r->fault = fault;
	snprintf(r->field, sizeof(r->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

static void set(struct reconfig *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set(struct reconfig *r, const char *key, const char *fmt, ...)
{
	struct vmx_set *s;
	va_list ap;

	if (r->n == RECONFIG_KEYS)
		return;		/* each key is set once: cannot happen */
	s = &r->sets[r->n++];
	snprintf(s->key, sizeof(s->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(s->value, sizeof(s->value), fmt, ap);
	va_end(ap);
}

/* A whole number (an xsd:int or xsd:long) of n into v; false if it is none. */
static bool spec_long(xmlNodePtr n, long long *v)
{
	char buf[24], *end;

	if (xml_text(n, buf, sizeof(buf)) || !buf[0])
		return false;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return !*end && !errno;
}

static void read_cpus_and_memory(struct reconfig *r, xmlNodePtr spec)
{
	xmlNodePtr n;
	long long v;

	n = xml_child(spec, "numCPUs");
	if (n) {
		/* what the vmkernel runs, not what a .vmx may say (VMX_MAX_VCPUS) */
		if (!spec_long(n, &v) || v < 1 || v > VMK_VM_MAX_VCPUS)
			refuse(r, "InvalidArgument", "spec.numCPUs",
			       "spec.numCPUs must be a number from 1 to %d (the vmkernel's most)",
			       VMK_VM_MAX_VCPUS);
		else
			set(r, "numvcpus", "%lld", v);
		r->cpu_or_mem = true;
	}
	n = xml_child(spec, "memoryMB");
	if (n) {
		if (!spec_long(n, &v) || v < VMX_MEMSIZE_ALIGN_MIB || v > VMK_VM_MAX_MEM_MB ||
		    v % VMX_MEMSIZE_ALIGN_MIB)
			refuse(r, "InvalidArgument", "spec.memoryMB",
			       "spec.memoryMB must be a multiple of %d from %d to %d (the vmkernel's most)",
			       VMX_MEMSIZE_ALIGN_MIB, VMX_MEMSIZE_ALIGN_MIB, VMK_VM_MAX_MEM_MB);
		else
			set(r, "memsize", "%lld", v);
		r->cpu_or_mem = true;
	}
	n = xml_child(spec, "numCoresPerSocket");
	if (n && (!spec_long(n, &v) || v != 1))
		refuse(r, "NotSupported", "spec.numCoresPerSocket",
		       "spec.numCoresPerSocket: vmk gives a VM one socket per vCPU (1 core each)");
}

/* cpuAllocation.shares: a level (per vCPU, as the .vmx counts it) or custom shares. */
static void read_shares(struct reconfig *r, xmlNodePtr shares)
{
	static const char *const levels[] = { "low", "normal", "high" };
	char level[16];
	long long v;

	if (xml_text(xml_child(shares, "level"), level, sizeof(level)) || !level[0]) {
		refuse(r, "InvalidArgument", "spec.cpuAllocation.shares.level",
		       "spec.cpuAllocation.shares.level must be low, normal, high or custom");
		return;
	}
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (!strcmp(level, levels[i])) {
			set(r, "sched.cpu.shares", "%s", level);
			return;
		}
	}
	if (strcmp(level, "custom"))
		refuse(r, "InvalidArgument", "spec.cpuAllocation.shares.level",
		       "spec.cpuAllocation.shares.level must be low, normal, high or custom, not '%.32s'",
		       level);
	else if (!spec_long(xml_child(shares, "shares"), &v) || v < 1 || v > VMX_SHARES_MAX)
		refuse(r, "InvalidArgument", "spec.cpuAllocation.shares.shares",
		       "spec.cpuAllocation.shares.shares must be a number from 1 to %d",
		       VMX_SHARES_MAX);
	else
		set(r, "sched.cpu.shares", "%lld", v);
}

static void read_cpu_allocation(struct reconfig *r, xmlNodePtr alloc)
{
	xmlNodePtr n;
	long long v;

	if (!alloc)
		return;
	n = xml_child(alloc, "shares");
	if (n)
		read_shares(r, n);
	n = xml_child(alloc, "reservation");
	if (n) {
		if (!spec_long(n, &v) || v < 0 || v >= VMX_CPU_UNLIMITED)
			refuse(r, "InvalidArgument", "spec.cpuAllocation.reservation",
			       "spec.cpuAllocation.reservation must be MHz from 0 to %u",
			       VMX_CPU_UNLIMITED - 1);
		else
			set(r, "sched.cpu.min", "%lld", r->min = v);
	}
	n = xml_child(alloc, "limit");
	if (n) {
		if (!spec_long(n, &v) || v == 0 || v < -1 || v >= VMX_CPU_UNLIMITED)
			refuse(r, "InvalidArgument", "spec.cpuAllocation.limit",
			       "spec.cpuAllocation.limit must be -1 (none) or MHz from 1 to %u",
			       VMX_CPU_UNLIMITED - 1);
		else if (v == -1)
			set(r, "sched.cpu.max", "unlimited");
		else
			set(r, "sched.cpu.max", "%lld", v);
		r->max = v;
	}
	for (n = xml_child(alloc, NULL); n; n = xml_next(n, NULL))
		if (strcmp((const char *)n->name, "shares") &&
		    strcmp((const char *)n->name, "reservation") &&
		    strcmp((const char *)n->name, "limit") &&
		    strcmp((const char *)n->name, "expandableReservation"))
			refuse(r, "NotSupported", "spec.cpuAllocation",
			       "spec.cpuAllocation.%.40s is not served by vmk", (const char *)n->name);
}

/*
 * memoryAllocation: vmk has none (a VM's memory is all reserved at power
 * on, nothing shares or limits it); only what config.memoryAllocation
 * shows is accepted: reservation 0, limit -1, shares normal.
 */
static void read_memory_allocation(struct reconfig *r, xmlNodePtr alloc)
{
	char level[16];
	long long v;

	if (!alloc)
		return;
	if ((xml_child(alloc, "reservation") &&
	     (!spec_long(xml_child(alloc, "reservation"), &v) || v != 0)) ||
	    (xml_child(alloc, "limit") && (!spec_long(xml_child(alloc, "limit"), &v) || v != -1)) ||
	    (xml_child(alloc, "shares") &&
	     (xml_text(xml_child(xml_child(alloc, "shares"), "level"), level, sizeof(level)) ||
	      strcmp(level, "normal"))))
		refuse(r, "NotSupported", "spec.memoryAllocation",
		       "spec.memoryAllocation: vmk has no memory shares, reservation or limit (a VM's memory is all its own while it runs)");
}

/* The fields read above, and those that change nothing when false. */
static bool field_served(xmlNodePtr n)
{
	static const char *const served[] = {
		"numCPUs", "memoryMB", "numCoresPerSocket", "cpuAllocation", "memoryAllocation",
	};
	static const char *const off[] = {
		"cpuHotAddEnabled", "cpuHotRemoveEnabled", "memoryHotAddEnabled",
	};
	const char *name = (const char *)n->name;

	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		if (!strcmp(name, served[i]))
			return true;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (!strcmp(name, off[i]))
			return !xml_bool(n, true);
	return false;
}

/* A limit below the reservation, the one given with what the VM has. */
static void check_limit(struct reconfig *r, const struct hostd_vm *vm)
{
	long long min = r->min != -2 ? r->min : vm->cpu_min_mhz;
	long long max = r->max;

	if (max == -2)
		max = vm->cpu_max_mhz == UINT32_MAX ? -1 : (long long)vm->cpu_max_mhz;
	if ((r->min != -2 || r->max != -2) && max != -1 && max < min)
		refuse(r, "InvalidArgument", r->max != -2 ? "spec.cpuAllocation.limit" :
		       "spec.cpuAllocation.reservation",
		       "the CPU limit (%lld MHz) would be below the reservation (%lld MHz)", max, min);
}

static void read_spec(struct reconfig *r, const struct hostd_vm *vm, xmlNodePtr spec)
{
	r->min = r->max = -2;
	read_cpus_and_memory(r, spec);
	read_cpu_allocation(r, xml_child(spec, "cpuAllocation"));
	read_memory_allocation(r, xml_child(spec, "memoryAllocation"));
	check_limit(r, vm);
	for (xmlNodePtr n = xml_child(spec, NULL); n; n = xml_next(n, NULL)) {
		char field[64];

		if (field_served(n))
			continue;
		snprintf(field, sizeof(field), "spec.%.40s", (const char *)n->name);
		if (!strcmp((const char *)n->name, "deviceChange"))
			refuse(r, "NotSupported", field,
			       "spec.deviceChange: vmk does not add, remove or change a VM's devices after CreateVM_Task");
		else if (strstr((const char *)n->name, "HotAdd") ||
			 strstr((const char *)n->name, "HotRemove"))
			refuse(r, "NotSupported", field,
			       "%s: vmk has no CPU or memory hot-add (change them while the VM is off)",
			       field);
		else
			refuse(r, "NotSupported", field, "%s is not served by vmk", field);
	}
}

int vm_reconfig_task(struct soap_call *c)
{
	xmlNodePtr spec = xml_child(c->method, "spec");
	const struct hostd_vm *vm = call_vm(c, c->this.value);
	struct reconfig r = { 0 };
	struct diag diag = { 0 };
	struct task *t;

	if (!vm)
		return soap_fail_not_found(c, &c->this);
	if (!spec)
		return soap_fail_argument(c, "spec", "ReconfigVM_Task needs a config spec");
	t = task_new(c, "reconfigure", vm->name);
	read_spec(&r, vm, spec);
	if (r.fault)
		task_fail(t, r.fault, r.field, "%s", r.msg);
	else if (vm->power == HOSTD_POWERED_ON && r.cpu_or_mem)
		task_fail(t, "InvalidPowerState", "poweredOn",
			  "The attempted operation cannot be performed in the current state (Powered on): vmk has no CPU or memory hot-add; power the VM off first");
	else if (r.n && hostd.backend->vm_reconfig(hostd.backend->ctx, vm->id, r.sets, r.n, &diag))
		task_fail_diag(t, "SystemError", &diag);
	return task_answer(c, t);
}
