// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM power operations. The vSphere API returns a Task for most; the
 * vmkernel's power hypercalls are synchronous, so the Task has finished
 * (info.state success or error) before the method answers, and a client's
 * WaitForTask sees the end at its first look. The last TASKS_MAX Tasks are
 * kept so that clients can read them afterwards, as ESXi keeps recent ones.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "hostd.h"

#define TASKS_MAX	64

struct task {
	char value[MO_VALUE_LEN];	/* moref, "" when the slot is free */
	const char *method;		/* "powerOn": vim.<entity type>.<method> */
	struct mo entity;		/* the object the method was called on */
	char entity_name[HOSTD_NAME_LEN];
	struct mo result;		/* info.result (a new VM), type "" if none */
	xmlNodePtr result_tree;		/* or a data object's (a search's), NULL if none */
	char user[64];
	uint64_t time;
	struct soap_fault error;	/* error.type NULL: success */
};

static struct task tasks[TASKS_MAX];
static unsigned int task_serial;

static const struct task *task_find(const char *value)
{
	size_t i;

	for (i = 0; i < TASKS_MAX; i++)
		if (tasks[i].value[0] && !strcmp(tasks[i].value, value))
			return &tasks[i];
	return NULL;
}

bool task_exists(const char *value)
{
	return task_find(value) != NULL;
}

void task_recent(const char *vm_value, xmlNodePtr array)
{
	size_t i;

	for (i = 0; i < TASKS_MAX; i++)
		if (tasks[i].value[0] && !strcmp(tasks[i].entity.type, "VirtualMachine") &&
		    !strcmp(tasks[i].entity.value, vm_value))
			ob_ref(array, "ManagedObjectReference", "Task", tasks[i].value);
}

int task_tree(struct soap_call *c, const char *value, xmlNodePtr obj)
{
	const struct task *t = task_find(value);
	xmlNodePtr info, reason;

	if (!t)
		return soap_fail(c, "ManagedObjectNotFound", "task %s is gone", value);
	info = ob_complex(obj, "info", "TaskInfo");
	ob_str(info, "key", t->value);
	ob_ref(info, "task", "Task", t->value);
	ob_value(info, "name", "xsd:string", "vim.%s.%s", t->entity.type, t->method);
	ob_value(info, "descriptionId", "xsd:string", "%s.%s", t->entity.type, t->method);
	if (mo_is_a(t->entity.type, "ManagedEntity")) {
		/* a datastore browser's Task has none: entity is a ManagedEntity */
		ob_ref(info, "entity", t->entity.type, t->entity.value);
		ob_str(info, "entityName", t->entity_name);
	}
	ob_value(info, "state", "TaskInfoState", t->error.type ? "error" : "success");
	if (t->result.type[0]) {
		xmlNodePtr r = xmlNewTextChild(info, NULL, (const xmlChar *)"result",
					       (const xmlChar *)t->result.value);

		/* result is anyType: the reference goes with its xsi:type */
		xmlSetProp(r, (const xmlChar *)"_t", (const xmlChar *)"ManagedObjectReference");
		xmlSetProp(r, (const xmlChar *)"_xsi", (const xmlChar *)"ManagedObjectReference");
		xmlSetProp(r, (const xmlChar *)"type", (const xmlChar *)t->result.type);
	}
	if (t->result_tree)
		xmlAddChild(info, xmlCopyNode(t->result_tree, 1));
	ob_bool(info, "cancelled", false);
	ob_bool(info, "cancelable", false);
	if (t->error.type)
		ob_fault(info, "error", &t->error);
	reason = ob_complex(info, "reason", "TaskReasonUser");
	xmlSetProp(reason, (const xmlChar *)"_xsi", (const xmlChar *)"TaskReasonUser");
	ob_str(reason, "userName", t->user);
	ob_time(info, "queueTime", t->time);
	ob_time(info, "startTime", t->time);
	ob_time(info, "completeTime", t->time);
	ob_value(info, "eventChainId", "xsd:int", "%u", 0);
	return 0;
}

struct task *task_new(struct soap_call *c, const char *method, const char *entity_name)
{
	struct task *t = &tasks[task_serial % TASKS_MAX];

	xmlFreeNode(t->result_tree);
	memset(t, 0, sizeof(*t));
	snprintf(t->value, sizeof(t->value), "haTask-%.20s-vim.%.20s.%.20s-%u", c->this.value,
		 c->this.type, method, ++task_serial);
	t->method = method;
	t->entity = c->this;
	snprintf(t->entity_name, sizeof(t->entity_name), "%s", entity_name);
	snprintf(t->user, sizeof(t->user), "%s", session_user(c->session));
	t->time = (uint64_t)time(NULL);
	return t;
}

void task_fail(struct task *t, const char *type, const char *arg, const char *fmt, ...)
{
	va_list ap;

	t->error.type = type;
	snprintf(t->error.arg, sizeof(t->error.arg), "%s", arg);
	va_start(ap, fmt);
	vsnprintf(t->error.msg, sizeof(t->error.msg), fmt, ap);
	va_end(ap);
}

void task_fail_more(struct task *t, const char *fmt, ...)
{
	size_t l = strlen(t->error.msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error.msg + l, sizeof(t->error.msg) - l, fmt, ap);
	va_end(ap);
}

const char *task_error(const struct task *t)
{
	return t->error.msg;
}

void task_fail_diag(struct task *t, const char *type, struct diag *diag)
{
	t->error.type = type;
	t->error.arg[0] = '\0';
	diag_join(diag, t->error.msg, sizeof(t->error.msg));
	diag_free(diag);
}

bool task_failed(const struct task *t)
{
	return t->error.type != NULL;
}

void task_set_result_tree(struct task *t, xmlNodePtr result)
{
	xmlFreeNode(t->result_tree);
	t->result_tree = result;
}

void task_set_result(struct task *t, const char *type, const char *value)
{
	snprintf(t->result.type, sizeof(t->result.type), "%s", type);
	snprintf(t->result.value, sizeof(t->result.value), "%s", value);
}

int task_answer(struct soap_call *c, const struct task *t)
{
	struct mo ref = { .type = "Task" };

	fprintf(stderr, "vmk-hostd: %s of %s '%s' (%s): %s\n", t->method, t->entity.type,
		t->entity_name, t->entity.value, t->error.type ? t->error.msg : "done");
	c->vms_read = false;	/* the state may have changed: read it again */
	snprintf(ref.value, sizeof(ref.value), "%s", t->value);
	xw_mo(c, "returnval", &ref);
	return 0;
}

/*
 * Run op on the VM of _this and answer with its Task. A VM already in the
 * state asked for fails the Task with InvalidPowerState, as on ESXi.
 */
static int power_task(struct soap_call *c, enum hostd_power_op op, const char *method)
{
	const struct hostd_vm *vm = call_vm(c, c->this.value);
	struct diag diag = { 0 };
	struct task *t;
	bool on;

	if (!vm)
		return soap_fail_not_found(c, &c->this);
	on = vm->power == HOSTD_POWERED_ON;
	t = task_new(c, method, vm->name);
	if ((op == HOSTD_OP_POWER_ON) == on) {
		t->error.type = "InvalidPowerState";
		snprintf(t->error.arg, sizeof(t->error.arg), on ? "poweredOn" : "poweredOff");
		snprintf(t->error.msg, sizeof(t->error.msg),
			 "The attempted operation cannot be performed in the current state (%s).",
			 on ? "Powered on" : "Powered off");
	} else if (hostd.backend->vm_power(hostd.backend->ctx, vm, op, &diag)) {
		task_fail_diag(t, "SystemError", &diag);
	}
	return task_answer(c, t);
}

int vm_power_on_task(struct soap_call *c)
{
	return power_task(c, HOSTD_OP_POWER_ON, "powerOn");
}

int vm_power_off_task(struct soap_call *c)
{
	return power_task(c, HOSTD_OP_POWER_OFF, "powerOff");
}

int vm_reset_task(struct soap_call *c)
{
	return power_task(c, HOSTD_OP_RESET, "reset");
}

/* A method (no Task) on a VM that must be powered on: the VM, or NULL with the fault set. */
static const struct hostd_vm *vm_on(struct soap_call *c)
{
	const struct hostd_vm *vm = call_vm(c, c->this.value);

	if (!vm) {
		soap_fail_not_found(c, &c->this);
		return NULL;
	}
	if (vm->power == HOSTD_POWERED_ON)
		return vm;
	snprintf(c->fault.arg, sizeof(c->fault.arg), "poweredOff");
	soap_fail(c, "InvalidPowerState",
		  "The attempted operation cannot be performed in the current state (Powered off).");
	return NULL;
}

/*
 * ShutdownGuest: ESXi asks VMware Tools in the guest; vmk has no guest
 * agent and presses the guest's ACPI power button instead (vmkctl vm
 * stop), which a guest OS handles the same way. It answers at once, as
 * ESXi does; the guest powers off when it is done. A guest that has not
 * enabled the button gets ToolsUnavailable, ESXi's fault for a guest that
 * cannot be asked.
 */
int vm_shutdown_guest(struct soap_call *c)
{
	const struct hostd_vm *vm = vm_on(c);
	char err[sizeof(c->fault.msg)];
	struct diag diag = { 0 };
	int ret;

	if (!vm)
		return -1;
	ret = hostd.backend->vm_power(hostd.backend->ctx, vm, HOSTD_OP_SHUTDOWN, &diag);
	diag_join(&diag, err, sizeof(err));
	diag_free(&diag);
	fprintf(stderr, "vmk-hostd: shutdownGuest of VM '%s' (%u): %s\n", vm->name, vm->id,
		ret ? err : "power button pressed");
	c->vms_read = false;
	if (ret == HOSTD_NO_GUEST_SUPPORT)
		return soap_fail(c, "ToolsUnavailable", "%s", err);
	if (ret)
		return soap_fail(c, "SystemError", "%s", err);
	return 0;
}

/*
 * RebootGuest: the guest is to restart itself, which needs an agent in it;
 * ACPI has no reboot button. ToolsUnavailable, as ESXi answers for a guest
 * without Tools, with the ways that do work.
 */
int vm_reboot_guest(struct soap_call *c)
{
	const struct hostd_vm *vm = vm_on(c);

	if (!vm)
		return -1;
	return soap_fail(c, "ToolsUnavailable",
			 "vmk has no agent in the guest to ask for a reboot: use ResetVM_Task (a hard reset), or ShutdownGuest and then PowerOnVM_Task");
}

/*
 * UnregisterVM: forget a powered-off VM as `vmkctl vm unregister` does
 * (its files stay). A VM that is on gets InvalidPowerState, as on ESXi.
 */
int vm_unregister(struct soap_call *c)
{
	const struct hostd_vm *vm = call_vm(c, c->this.value);
	char err[sizeof(c->fault.msg)];
	struct diag diag = { 0 };
	int ret;

	if (!vm)
		return soap_fail_not_found(c, &c->this);
	if (vm->power == HOSTD_POWERED_ON) {
		snprintf(c->fault.arg, sizeof(c->fault.arg), "poweredOn");
		return soap_fail(c, "InvalidPowerState",
				 "The attempted operation cannot be performed in the current state (Powered on).");
	}
	ret = hostd.backend->vm_unregister(hostd.backend->ctx, vm->id, &diag);
	diag_join(&diag, err, sizeof(err));
	diag_free(&diag);
	fprintf(stderr, "vmk-hostd: unregister of VM '%s' (%u): %s\n", vm->name, vm->id,
		ret ? err : "done");
	c->vms_read = false;
	return ret ? soap_fail(c, "SystemError", "%s", err) : 0;
}
