// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk-hostd's SOAP core (cos-tools/vmk-hostd) under ASan/UBSan: whole
 * requests as a client sends them, through soap_handle(), against the
 * fake backend. The wire-level checks with real clients are
 * tests/external/hostd_pyvmomi.sh.
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "cos-tools/vmk-hostd/hostd.h"
#include "tests/unit/check_run.h"

#define ENV_START "<?xml version=\"1.0\"?><soapenv:Envelope " \
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENV_END "</soapenv:Body></soapenv:Envelope>"
#define SOAP(body) ENV_START body ENV_END
#define PC "<_this type=\"PropertyCollector\">ha-property-collector</_this>"

/* A healthy datastore's statvfs answers in well under this, even under ASan. */
#define DS_WAIT_MS	10000

struct hostd_conf hostd;
static char shadow[64];
static char cookie[128];
static struct soap_io io;

static void setup(void)
{
	struct crypt_data cd = { 0 };
	int fd;
	FILE *f;

	snprintf(shadow, sizeof(shadow), "/tmp/hostd-shadow.XXXXXX");
	fd = mkstemp(shadow);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "locked:!:19000:0:99999:7:::\n");
	fprintf(f, "root:%s:19000:0:99999:7:::\n", crypt_r("secret", "$6$unittest$", &cd));
	fprintf(f, "guest:%s:19000:0:99999:7:::\n", crypt_r("secret", "$6$unittest$", &cd));
	fprintf(f, "ops:%s:19000:0:99999:7:::\n", crypt_r("secret", "$6$unittest$", &cd));
	fclose(f);
	hostd.passwd_file = shadow;
	hostd.admins = "root";
	hostd.session_idle_s = 60;
	hostd.ds_wait_ms = DS_WAIT_MS;
	hostd.backend = backend_fake_open();
	cookie[0] = 0;
	memset(&io, 0, sizeof(io));
}

static void teardown(void)
{
	free(io.out);
	unlink(shadow);
}

/* One request with the session cookie, if any; the HTTP status. */
static int call(const char *body)
{
	int status;

	free(io.out);
	memset(&io, 0, sizeof(io));
	io.body = body;
	io.len = strlen(body);
	io.cookie = cookie[0] ? cookie : NULL;
	io.peer = "192.0.2.1";
	io.user_agent = "unit";
	io.final = true;
	status = soap_handle(&io);
	ck_assert_ptr_nonnull(io.out);
	ck_assert_uint_eq(strlen(io.out), io.outlen);
	return status;
}

static void answer_has(const char *text)
{
	ck_assert_msg(strstr(io.out, text), "answer lacks %s: %s", text, io.out);
}

static void answer_lacks(const char *text)
{
	ck_assert_msg(!strstr(io.out, text), "answer has %s: %s", text, io.out);
}

static void fault_is(const char *type)
{
	char detail[96];

	snprintf(detail, sizeof(detail), "<%sFault xmlns=\"urn:vim25\" xsi:type=\"%s\">", type, type);
	answer_has("<soapenv:Fault><faultcode>ServerFaultCode</faultcode>");
	answer_has(detail);
}

static int login(const char *user, const char *password)
{
	char body[512];
	int status;

	snprintf(body, sizeof(body), SOAP("<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">"
		 "ha-sessionmgr</_this><userName>%s</userName><password>%s</password></Login>"),
		 user, password);
	status = call(body);
	if (status == 200)
		snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(io.set_cookie, ";"),
			 io.set_cookie);
	return status;
}

/* The text of the answer's first <returnval>, into buf. */
static void returnval(char *buf, size_t len)
{
	const char *p = strstr(io.out, "<returnval"), *end;

	ck_assert_ptr_nonnull(p);
	p = strchr(p, '>') + 1;
	end = strstr(p, "</returnval>");
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_lt((size_t)(end - p), len);
	snprintf(buf, len, "%.*s", (int)(end - p), p);
}

START_TEST(test_service_content_is_served_without_a_session)
{
	ck_assert_int_eq(call(SOAP("<RetrieveServiceContent xmlns=\"urn:vim25\"><_this "
		"type=\"ServiceInstance\">ServiceInstance</_this></RetrieveServiceContent>")), 200);
	answer_has("<rootFolder type=\"Folder\">ha-folder-root</rootFolder>");
	answer_has("<apiType>HostAgent</apiType><apiVersion>" HOSTD_API_VERSION "</apiVersion>");
	answer_has("<productLineId>embeddedEsx</productLineId>");
}
END_TEST

START_TEST(test_login_with_the_shadow_password_sets_the_session_cookie)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_msg(!strncmp(io.set_cookie, "vmware_soap_session=\"", 21), "%s", io.set_cookie);
	answer_has("<userName>root</userName>");
	ck_assert(!io.login_failed);
	ck_assert_int_eq(call(SOAP("<RetrievePropertiesEx xmlns=\"urn:vim25\">" PC "<specSet>"
		"<propSet><type>SessionManager</type><pathSet>currentSession</pathSet></propSet>"
		"<objectSet><obj type=\"SessionManager\">ha-sessionmgr</obj></objectSet></specSet>"
		"<options/></RetrievePropertiesEx>")), 200);
	answer_has("<val xsi:type=\"UserSession\">");
}
END_TEST

/*
 * One call state is kept from request to request (soap.c): what a call
 * answers besides its body (a Login's cookie, a failed Login's delay)
 * must not reach the next caller.
 */
START_TEST(test_a_calls_cookie_and_delay_do_not_reach_the_next_call)
{
	static const char *const content = SOAP("<RetrieveServiceContent xmlns=\"urn:vim25\"><_this "
		"type=\"ServiceInstance\">ServiceInstance</_this></RetrieveServiceContent>");

	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_str_ne(io.set_cookie, "");
	cookie[0] = '\0';		/* another client, without a session */
	ck_assert_int_eq(call(content), 200);
	ck_assert_str_eq(io.set_cookie, "");
	ck_assert_int_eq(login("root", "wrong"), 500);
	ck_assert(io.login_failed);
	ck_assert_int_eq(call(content), 200);
	ck_assert(!io.login_failed);
	ck_assert_uint_eq(io.wait_s, 0);
}
END_TEST

START_TEST(test_wrong_password_unknown_and_locked_users_are_invalid_login)
{
	ck_assert_int_eq(login("root", "wrong"), 500);
	fault_is("InvalidLogin");
	ck_assert(io.login_failed);
	ck_assert_str_eq(io.set_cookie, "");
	ck_assert_int_eq(login("nobody", "secret"), 500);
	fault_is("InvalidLogin");
	ck_assert_int_eq(login("locked", ""), 500);
	fault_is("InvalidLogin");
	ck_assert_int_eq(login("ro\not", "secret"), 500);
	fault_is("InvalidLogin");
}
END_TEST

/* Review finding: any COS account could log in, and a session deletes files as root. */
START_TEST(test_only_the_administrators_named_may_log_in)
{
	ck_assert_int_eq(login("guest", "secret"), 500);	/* right password, no admin */
	fault_is("InvalidLogin");
	ck_assert(io.login_failed);
	ck_assert_str_eq(io.set_cookie, "");
	hostd.admins = "ops,guest";
	ck_assert_int_eq(login("guest", "secret"), 200);
	ck_assert_int_eq(login("root", "secret"), 500);	/* not named any more */
	ck_assert_int_eq(login("gues", "secret"), 500);		/* a prefix is no name */
	hostd.admins = "ops";
	ck_assert_int_eq(login("ops", "secret"), 200);
	ck_assert_int_eq(login("guest", "secret"), 500);
}
END_TEST

START_TEST(test_calls_without_a_session_are_not_authenticated)
{
	static const char *const bodies[] = {
		SOAP("<RetrievePropertiesEx xmlns=\"urn:vim25\">" PC "<specSet><propSet><type>Folder"
		     "</type><pathSet>childEntity</pathSet></propSet><objectSet><obj type=\"Folder\">"
		     "ha-folder-root</obj></objectSet></specSet><options/></RetrievePropertiesEx>"),
		SOAP("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">1</_this>"
		     "</PowerOffVM_Task>"),
		SOAP("<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">ha-sessionmgr</_this>"
		     "</Logout>"),
	};
	size_t i;

	snprintf(cookie, sizeof(cookie), "vmware_soap_session=\"forged\"");
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		ck_assert_int_eq(call(bodies[i]), 500);
		fault_is("NotAuthenticated");
	}
}
END_TEST

START_TEST(test_container_view_lists_every_vm_with_typed_values)
{
	char view[MO_VALUE_LEN], body[2048];

	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(call(SOAP("<CreateContainerView xmlns=\"urn:vim25\"><_this type=\"ViewManager\">"
		"ViewManager</_this><container type=\"Folder\">ha-folder-root</container>"
		"<type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>")), 200);
	returnval(view, sizeof(view));
	snprintf(body, sizeof(body), SOAP("<RetrievePropertiesEx xmlns=\"urn:vim25\">" PC "<specSet>"
		 "<propSet><type>VirtualMachine</type><pathSet>name</pathSet>"
		 "<pathSet>runtime.powerState</pathSet><pathSet>summary.config.memorySizeMB</pathSet>"
		 "</propSet><objectSet><obj type=\"ContainerView\">%s</obj><skip>true</skip>"
		 "<selectSet xsi:type=\"TraversalSpec\"><name>v</name><type>ContainerView</type>"
		 "<path>view</path><skip>false</skip></selectSet></objectSet></specSet><options/>"
		 "</RetrievePropertiesEx>"), view);
	ck_assert_int_eq(call(body), 200);
	answer_has("<obj type=\"VirtualMachine\">1</obj><propSet><name>name</name>"
		   "<val xsi:type=\"xsd:string\">web</val></propSet>");
	answer_has("<val xsi:type=\"xsd:string\">db</val>");
	answer_has("<val xsi:type=\"xsd:string\">build</val>");
	answer_has("<val xsi:type=\"VirtualMachinePowerState\">poweredOff</val>");
	answer_has("<name>summary.config.memorySizeMB</name><val xsi:type=\"xsd:int\">256</val>");
	ck_assert_msg(!strstr(io.out, "ContainerView\">session"), "the view itself was skipped");
}
END_TEST

/*
 * A VM's tree is built only as far as the paths asked for: a
 * RetrievePropertiesEx of runtime.powerState (Ansible's read, a property
 * a call) built the whole config, its devices and the summary before.
 * Without any paths (and inside a view), the whole tree.
 */
START_TEST(test_a_vm_tree_holds_only_the_properties_asked_for)
{
	static const char *const want[] = { "runtime.powerState", "name" };
	struct soap_call *c = calloc(1, sizeof(*c));
	struct mo vm = { "VirtualMachine", "1" };
	xmlNodePtr t;

	ck_assert_ptr_nonnull(c);
	t = mo_tree_of(c, &vm, want, 2);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(mo_path(t, "runtime.powerState"));
	ck_assert_ptr_nonnull(mo_path(t, "name"));
	ck_assert_ptr_null(mo_path(t, "config"));
	ck_assert_ptr_null(mo_path(t, "summary"));
	xmlFreeNode(t);
	ck_assert_ptr_null(c->want);	/* put back for the next tree */
	t = mo_tree(c, &vm);
	ck_assert_ptr_nonnull(mo_path(t, "config.hardware.device"));
	ck_assert_ptr_nonnull(mo_path(t, "summary.quickStats"));
	xmlFreeNode(t);
	free(c);
}
END_TEST

static const struct hostd_backend *counted_backend;
static unsigned int host_reads, net_reads;

static int counted_host_info(void *ctx, struct hostd_host *host, struct diag *diag)
{
	host_reads++;
	return counted_backend->host_info(ctx, host, diag);
}

static int counted_net_list(void *ctx, struct hostd_net *nets, size_t *count, struct diag *diag)
{
	net_reads++;
	return counted_backend->net_list(ctx, nets, count, diag);
}

/*
 * Neither the host nor the networks are asked of the backend (the real
 * one's are the vmkernel's ioctls) for a VM's property that needs
 * neither: Ansible reads a VM's name and power state a call at a time.
 * The runtime takes only the CPUs' MHz (maxCpuUsage), not the host.
 */
START_TEST(test_a_vm_tree_asks_the_backend_only_what_it_needs)
{
	static const char *const name[] = { "name" }, *const power[] = { "runtime.powerState" },
		*const nics[] = { "config.hardware.device" };
	struct hostd_backend counting = *hostd.backend;
	struct mo vm = { "VirtualMachine", "1" };
	struct soap_call *c = calloc(1, sizeof(*c));
	xmlNodePtr t;
	xmlChar *mhz;

	ck_assert_ptr_nonnull(c);
	counted_backend = hostd.backend;
	counting.host_info = counted_host_info;
	counting.net_list = counted_net_list;
	hostd.backend = &counting;
	host_reads = net_reads = 0;
	t = mo_tree_of(c, &vm, name, 1);
	ck_assert_ptr_nonnull(mo_path(t, "name"));
	xmlFreeNode(t);
	ck_assert_uint_eq(host_reads + net_reads, 0);
	t = mo_tree_of(c, &vm, power, 1);
	ck_assert_ptr_nonnull(mo_path(t, "runtime.powerState"));
	mhz = xmlNodeGetContent(mo_path(t, "runtime.maxCpuUsage"));
	ck_assert_str_eq((const char *)mhz, "4000");	/* 2 vCPUs of the fake's 2000 MHz */
	xmlFree(mhz);
	xmlFreeNode(t);
	ck_assert_uint_eq(host_reads + net_reads, 0);
	t = mo_tree_of(c, &vm, nics, 1);
	ck_assert_ptr_nonnull(mo_path(t, "config.hardware.device"));
	xmlFreeNode(t);
	ck_assert_uint_eq(net_reads, 1);
	hostd.backend = counted_backend;
	free(c);
}
END_TEST

START_TEST(test_power_off_task_finishes_and_the_vm_is_off)
{
	char task[MO_VALUE_LEN], body[1024];

	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(call(SOAP("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">"
		"1</_this></PowerOffVM_Task>")), 200);
	returnval(task, sizeof(task));
	snprintf(body, sizeof(body), SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet>"
		 "<propSet><type>Task</type><pathSet>info</pathSet></propSet><objectSet>"
		 "<obj type=\"Task\">%s</obj></objectSet></specSet></RetrieveProperties>"), task);
	ck_assert_int_eq(call(body), 200);
	answer_has("<state>success</state>");
	answer_has("<entity type=\"VirtualMachine\">1</entity>");
	/* powering it off again fails the Task, not the call */
	ck_assert_int_eq(call(SOAP("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">"
		"1</_this></PowerOffVM_Task>")), 200);
	returnval(task, sizeof(task));
	snprintf(body, sizeof(body), SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet>"
		 "<propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.error</pathSet>"
		 "</propSet><objectSet><obj type=\"Task\">%s</obj></objectSet></specSet>"
		 "</RetrieveProperties>"), task);
	ck_assert_int_eq(call(body), 200);
	answer_has("<val xsi:type=\"TaskInfoState\">error</val>");
	answer_has("<fault xsi:type=\"InvalidPowerState\"><existingState>poweredOff</existingState>");
}
END_TEST

START_TEST(test_hostile_requests_are_invalid_request)
{
	static const char *const bodies[] = {
		"", "<soapenv:Envelope", "<a/>", "\xff\xfe<", SOAP("<Login xmlns=\"urn:vim25\"/>"),
		SOAP("<RetrieveServiceContent/>"),
	};
	/* a valid call but for its DTD: refused for the DTD alone */
	static const char dtd[] = "<?xml version=\"1.0\"?><!DOCTYPE soapenv:Envelope "
		"[<!ENTITY x SYSTEM \"file:///etc/passwd\">]><soapenv:Envelope "
		"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
		"<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">"
		"ServiceInstance</_this></RetrieveServiceContent>" ENV_END;
	char *deep = malloc(64 * 7 + 1), *big;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		ck_assert_int_eq(call(bodies[i]), 500);
		fault_is("InvalidRequest");
	}
	ck_assert_int_eq(call(dtd), 500);
	fault_is("InvalidRequest");
	answer_has("DTD");
	ck_assert_ptr_nonnull(deep);
	for (i = 0; i < 64; i++)
		memcpy(deep + 3 * i, "<a>", 3);
	for (i = 0; i < 64; i++)
		memcpy(deep + 192 + 4 * i, "</a>", 4);
	deep[448] = 0;
	ck_assert_int_eq(call(deep), 500);
	answer_has("nests deeper");
	free(deep);
	big = calloc(1, HOSTD_REQUEST_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', HOSTD_REQUEST_MAX + 1);
	ck_assert_int_eq(call(big), 500);
	answer_has("larger than");
	free(big);
}
END_TEST

START_TEST(test_unknown_objects_properties_and_methods_are_told_apart)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(call(SOAP("<PowerOnVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">"
		"99</_this></PowerOnVM_Task>")), 500);
	fault_is("ManagedObjectNotFound");
	answer_has("<obj type=\"VirtualMachine\">99</obj>");
	ck_assert_int_eq(call(SOAP("<PowerOnVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">1"
		"</_this></PowerOnVM_Task>")), 500);
	fault_is("ManagedObjectNotFound");
	ck_assert_int_eq(call(SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet><propSet>"
		"<type>Folder</type><pathSet>bogus</pathSet></propSet><objectSet><obj type=\"Folder\">"
		"ha-folder-root</obj></objectSet></specSet></RetrieveProperties>")), 500);
	fault_is("InvalidProperty");
	ck_assert_int_eq(call(SOAP("<CreateSnapshot_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">1"
		"</_this><name>s1</name></CreateSnapshot_Task>")), 500);
	fault_is("MethodNotFound");
	/* a method served, called without its argument */
	ck_assert_int_eq(call(SOAP("<ReconfigVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">1"
		"</_this></ReconfigVM_Task>")), 500);
	fault_is("InvalidArgument");
	answer_has("<invalidProperty>spec</invalidProperty>");
}
END_TEST

/* The request body fmt with its one %s as arg; the HTTP status. */
static int call_with(const char *fmt, const char *arg)
{
	char body[2048];

	snprintf(body, sizeof(body), fmt, arg);
	return call(body);
}

/* FindByInventoryPath of path: the answer's status. */
static int find_by_path(const char *path)
{
	return call_with(SOAP("<FindByInventoryPath xmlns=\"urn:vim25\"><_this type=\"SearchIndex\">"
		"ha-searchindex</_this><inventoryPath>%s</inventoryPath></FindByInventoryPath>"), path);
}

START_TEST(test_find_by_inventory_path_walks_the_names_from_the_root)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(find_by_path("ha-datacenter/vm/db"), 200);
	answer_has("<returnval type=\"VirtualMachine\">2</returnval>");
	ck_assert_int_eq(find_by_path("/ha-datacenter//network/VM Network"), 200);
	answer_has("<returnval type=\"Network\">HaNetwork-VM Network</returnval>");
	ck_assert_int_eq(find_by_path("ha-datacenter/host/vmk-fake/vmk-fake"), 200);
	answer_has("<returnval type=\"HostSystem\">ha-host</returnval>");
	ck_assert_int_eq(find_by_path("ha-datacenter/host/vmk-fake/Resources"), 200);
	answer_has("<returnval type=\"ResourcePool\">ha-root-pool</returnval>");
	/* nothing there, a leaf's child, no path: no returnval, no fault */
	ck_assert_int_eq(find_by_path("ha-datacenter/vm/nope"), 200);
	ck_assert_ptr_null(strstr(io.out, "<returnval"));
	ck_assert_int_eq(find_by_path("ha-datacenter/vm/db/x"), 200);
	ck_assert_ptr_null(strstr(io.out, "<returnval"));
	ck_assert_int_eq(find_by_path(""), 200);
	ck_assert_ptr_null(strstr(io.out, "<returnval"));
	ck_assert_int_eq(call(SOAP("<FindChild xmlns=\"urn:vim25\"><_this type=\"SearchIndex\">"
		"ha-searchindex</_this><entity type=\"Folder\">ha-folder-vm</entity><name>web</name>"
		"</FindChild>")), 200);
	answer_has("<returnval type=\"VirtualMachine\">1</returnval>");
}
END_TEST

/* A method on VirtualMachine id that returns nothing or a fault. */
static int vm_call(const char *method, unsigned int id)
{
	char body[512];

	snprintf(body, sizeof(body), SOAP("<%s xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">"
		 "%u</_this></%s>"), method, id, method);
	return call(body);
}

/* The answer for VM id's runtime.powerState (a fault if it is gone). */
/* RetrieveProperties of one property path of one object; the HTTP status. */
static int props(const char *type, const char *obj, const char *path)
{
	char body[1024];

	snprintf(body, sizeof(body), SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet>"
		 "<propSet><type>%s</type><pathSet>%s</pathSet></propSet>"
		 "<objectSet><obj type=\"%s\">%s</obj></objectSet></specSet>"
		 "</RetrieveProperties>"), type, path, type, obj);
	return call(body);
}

static int power_state(unsigned int id)
{
	char moref[16];

	snprintf(moref, sizeof(moref), "%u", id);
	return props("VirtualMachine", moref, "runtime.powerState");
}

START_TEST(test_shutdown_guest_presses_the_button_of_a_running_guest)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(vm_call("ShutdownGuest", 1), 200);
	answer_has("<ShutdownGuestResponse");
	ck_assert_int_eq(power_state(1), 200);
	answer_has("<val xsi:type=\"VirtualMachinePowerState\">poweredOff</val>");
	/* off already: the state it is in, as on ESXi */
	ck_assert_int_eq(vm_call("ShutdownGuest", 1), 500);
	fault_is("InvalidPowerState");
	answer_has("<existingState>poweredOff</existingState>");
	/* "build" ignores its power button: the guest cannot be asked, it runs on */
	ck_assert_int_eq(vm_call("ShutdownGuest", 3), 500);
	fault_is("ToolsUnavailable");
	answer_has("no ACPI power button handler");
	ck_assert_int_eq(power_state(3), 200);
	answer_has("<val xsi:type=\"VirtualMachinePowerState\">poweredOn</val>");
	ck_assert_int_eq(vm_call("ShutdownGuest", 99), 500);
	fault_is("ManagedObjectNotFound");
}
END_TEST

START_TEST(test_reboot_guest_is_refused_with_the_ways_that_work)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(vm_call("RebootGuest", 1), 500);
	fault_is("ToolsUnavailable");
	answer_has("ResetVM_Task");
	ck_assert_int_eq(power_state(1), 200);
	answer_has("<val xsi:type=\"VirtualMachinePowerState\">poweredOn</val>");
	ck_assert_int_eq(vm_call("RebootGuest", 2), 500);
	fault_is("InvalidPowerState");
}
END_TEST

/* Ansible's facts of every VM read guest.toolsRunningStatus and guest.toolsVersion. */
START_TEST(test_a_vms_guest_has_no_tools_running)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(props("VirtualMachine", "1", "guest.toolsRunningStatus"), 200);
	answer_has("<val xsi:type=\"xsd:string\">guestToolsNotRunning</val>");
	ck_assert_int_eq(props("VirtualMachine", "1", "guest.toolsVersion"), 200);
	answer_has("<val xsi:type=\"xsd:string\">0</val>");
	ck_assert_int_eq(props("VirtualMachine", "1", "guest"), 200);
	answer_has("<val xsi:type=\"GuestInfo\">");
	answer_has("<toolsStatus>toolsNotInstalled</toolsStatus>");
	answer_has("<guestState>notRunning</guestState>");
}
END_TEST

START_TEST(test_unregister_forgets_only_a_powered_off_vm)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(vm_call("UnregisterVM", 1), 500);
	fault_is("InvalidPowerState");
	answer_has("<existingState>poweredOn</existingState>");
	ck_assert_int_eq(power_state(1), 200);
	ck_assert_int_eq(vm_call("UnregisterVM", 2), 200);
	answer_has("<UnregisterVMResponse");
	ck_assert_int_eq(power_state(2), 500);
	fault_is("ManagedObjectNotFound");
	ck_assert_int_eq(vm_call("UnregisterVM", 2), 500);
	fault_is("ManagedObjectNotFound");
	/* the others are still there */
	ck_assert_int_eq(power_state(3), 200);
	answer_has("poweredOn");
}
END_TEST

/* ---- RegisterVM_Task, CreateVM_Task, Destroy_Task (vmops.c) ---- */

static char datastores[64];
#define LONG_NAME "x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789" \
	"x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789" \
	"x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789"
static char ds1[96];

static void ds_setup(void)
{
	setup();
	snprintf(datastores, sizeof(datastores), "/tmp/hostd-ds.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(datastores));
	snprintf(ds1, sizeof(ds1), "%s/datastore1", datastores);
	ck_assert_int_eq(mkdir(ds1, 0755), 0);
	hostd.datastores = datastores;
}

static void ds_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", datastores);
	ck_assert_int_eq(system(cmd), 0);
	teardown();
}

/* The finished Task of the last answer: 0 if it succeeded, its info in io.out. */
static int task_outcome(void)
{
	char task[128], body[1024];

	returnval(task, sizeof(task));
	snprintf(body, sizeof(body), SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet>"
		 "<propSet><type>Task</type><pathSet>info</pathSet></propSet>"
		 "<objectSet><obj type=\"Task\">%s</obj></objectSet></specSet>"
		 "</RetrieveProperties>"), task);
	ck_assert_int_eq(call(body), 200);
	if (!strstr(io.out, "<state>success</state>") && getenv("HOSTD_TEST_DEBUG"))
		fprintf(stderr, "%s\n", io.out);
	return strstr(io.out, "<state>success</state>") ? 0 : -1;
}

/* The Task failed with fault type. */
static void task_fault_is(const char *type)
{
	char want[96];

	ck_assert_int_eq(task_outcome(), -1);
	snprintf(want, sizeof(want), "<fault xsi:type=\"%s\">", type);
	answer_has(want);
}

static int create_vm(const char *name, const char *spec_extra, const char *path)
{
	char body[8192];

	snprintf(body, sizeof(body), SOAP("<CreateVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		 "ha-folder-vm</_this><config><name>%s</name>%s<files><vmPathName>%s</vmPathName>"
		 "</files></config><pool type=\"ResourcePool\">ha-root-pool</pool></CreateVM_Task>"),
		 name, spec_extra, path);
	return call(body);
}

static int register_vm(const char *path)
{
	return call_with(SOAP("<RegisterVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		"ha-folder-vm</_this><path>%s</path><asTemplate>false</asTemplate>"
		"<pool type=\"ResourcePool\">ha-root-pool</pool></RegisterVM_Task>"), path);
}

static bool exists(const char *fmt, const char *arg)
{
	char path[256];

	snprintf(path, sizeof(path), fmt, datastores, arg);
	return access(path, F_OK) == 0;
}

START_TEST(test_create_vm_writes_a_vmx_and_registers_it)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(create_vm("new1", "<guestId>otherLinuxGuest</guestId><memoryMB>128</memoryMB>"
				   "<numCPUs>2</numCPUs>", "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	answer_has("<result xsi:type=\"ManagedObjectReference\" type=\"VirtualMachine\">");
	ck_assert(exists("%s/datastore1/new1/%s.vmx", "new1"));
	ck_assert_int_eq(call(SOAP("<RetrieveProperties xmlns=\"urn:vim25\">" PC "<specSet><propSet>"
		"<type>VirtualMachine</type><pathSet>summary.config</pathSet></propSet><objectSet>"
		"<obj type=\"VirtualMachine\">4</obj></objectSet></specSet></RetrieveProperties>")), 200);
	answer_has("<name>new1</name>");
	answer_has("<vmPathName>[datastore1] new1/new1.vmx</vmPathName>");
	answer_has("<memorySizeMB>128</memorySizeMB><numCpu>2</numCpu>");
	/* registered again from its file: the name and the path are taken */
	ck_assert_int_eq(register_vm("[datastore1] new1/new1.vmx"), 200);
	task_fault_is("DuplicateName");
	/* the same name again: DuplicateName, and nothing is written */
	ck_assert_int_eq(create_vm("new1", "", "[datastore1] other"), 200);
	task_fault_is("DuplicateName");
	answer_has("<name>new1</name>");
	ck_assert(!exists("%s/datastore1/%s", "other"));
	/* a powered-off VM is destroyed: unregistered and its files deleted */
	ck_assert_int_eq(vm_call("Destroy_Task", 4), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(power_state(4), 500);
	fault_is("ManagedObjectNotFound");
	ck_assert(!exists("%s/datastore1/%s", "new1"));
}
END_TEST

static void touch(const char *fmt, const char *arg)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), fmt, datastores, arg);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

START_TEST(test_destroy_deletes_only_the_vms_own_files)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	/* two VMs in one folder, one name the other's prefix */
	ck_assert_int_eq(create_vm("app", "", "[datastore1] vms"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(create_vm("app-2", "", "[datastore1] vms"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	touch("%s/datastore1/vms/%s", "app.nvram");
	touch("%s/datastore1/vms/%s", "app-flat.vmdk");
	touch("%s/datastore1/vms/%s", "app-vmlinuz");
	touch("%s/datastore1/vms/%s", "app.old.vmx");
	ck_assert_int_eq(vm_call("Destroy_Task", 4), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert(!exists("%s/datastore1/vms/%s", "app.vmx"));
	ck_assert(!exists("%s/datastore1/vms/%s", "app.nvram"));
	ck_assert(!exists("%s/datastore1/vms/%s", "app-flat.vmdk"));
	/* the other VM, a kernel named after it and another .vmx stay */
	ck_assert(exists("%s/datastore1/vms/%s", "app-2.vmx"));
	ck_assert(exists("%s/datastore1/vms/%s", "app-vmlinuz"));
	ck_assert(exists("%s/datastore1/vms/%s", "app.old.vmx"));
	ck_assert_int_eq(power_state(5), 200);
}
END_TEST

START_TEST(test_create_vm_refuses_bad_specs_and_loses_nothing)
{
	FILE *f;
	char path[256];

	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(create_vm("bad", "", "no-brackets"), 500);
	fault_is("InvalidArgument");
	answer_has("<invalidProperty>config.files.vmPathName</invalidProperty>");
	ck_assert_int_eq(create_vm("bad", "", "[nosuchds]"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(create_vm("bad", "", "[datastore1] ../escape"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(create_vm("a/b", "", "[datastore1]"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(create_vm("bad", "<memoryMB>-4</memoryMB>", "[datastore1]"), 500);
	fault_is("InvalidArgument");
	answer_has("<invalidProperty>memoryMB</invalidProperty>");
	ck_assert_int_eq(create_vm("bad", "<deviceChange><operation>add</operation></deviceChange>",
				   "[datastore1]"), 500);
	fault_is("InvalidArgument");
	/* the .vmx parser refuses 30 MiB (not a multiple of 4): file and folder go again */
	ck_assert_int_eq(create_vm("bad", "<memoryMB>30</memoryMB>", "[datastore1]"), 200);
	task_fault_is("InvalidArgument");
	ck_assert(!exists("%s/datastore1/%s", "bad"));
	/* a file of that name is there already: it stays as it was */
	snprintf(path, sizeof(path), "%s/datastore1/keep.vmx", datastores);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("precious\n", f);
	fclose(f);
	ck_assert_int_eq(create_vm("keep", "", "[datastore1] keep.vmx"), 200);
	task_fault_is("FileAlreadyExists");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(path, sizeof(path), f));
	fclose(f);
	ck_assert_str_eq(path, "precious\n");
	ck_assert_int_eq(power_state(4), 500);
	/*
	 * Review finding: another VM's disk of the new VM's name in the folder
	 * (keep.vmdk beside an old y.vmx) would go with this VM's Destroy_Task.
	 */
	snprintf(path, sizeof(path), "%s/datastore1/old", datastores);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/datastore1/old/disk2.vmdk", datastores);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(create_vm("disk2", "", "[datastore1] old"), 200);
	task_fault_is("FileAlreadyExists");
	answer_has("old/disk2.vmdk");
	ck_assert(!exists("%s/datastore1/old/%s.vmx", "disk2"));
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_register_vm_refuses_what_it_cannot_add)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(register_vm("[datastore1] none/none.vmx"), 200);
	task_fault_is("NotFound");
	answer_has("[datastore1] none/none.vmx: No such file or directory");
	ck_assert_int_eq(register_vm("[datastore1] x.txt"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(call(SOAP("<RegisterVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		"ha-folder-vm</_this><path>[datastore1] a.vmx</path><asTemplate>true</asTemplate>"
		"</RegisterVM_Task>")), 500);
	fault_is("InvalidArgument");
	answer_has("<invalidProperty>asTemplate</invalidProperty>");
	ck_assert_int_eq(call(SOAP("<RegisterVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		"ha-folder-host</_this><path>[datastore1] a.vmx</path></RegisterVM_Task>")), 500);
	fault_is("InvalidArgument");
	/* no path, no config, a path longer than any */
	ck_assert_int_eq(call(SOAP("<RegisterVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		"ha-folder-vm</_this></RegisterVM_Task>")), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(call(SOAP("<CreateVM_Task xmlns=\"urn:vim25\"><_this type=\"Folder\">"
		"ha-folder-vm</_this></CreateVM_Task>")), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(register_vm("[datastore1] " LONG_NAME LONG_NAME LONG_NAME LONG_NAME LONG_NAME ".vmx"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(register_vm("[datastore1] a/../../b.vmx"), 500);
	fault_is("InvalidArgument");
}
END_TEST

START_TEST(test_destroy_refuses_a_running_vm_and_keeps_it)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(vm_call("Destroy_Task", 1), 200);
	task_fault_is("InvalidPowerState");
	answer_has("<existingState>poweredOn</existingState>");
	ck_assert_int_eq(power_state(1), 200);
	answer_has("poweredOn");
	ck_assert_int_eq(vm_call("Destroy_Task", 99), 500);
	fault_is("ManagedObjectNotFound");
}
END_TEST

/* ---- Datastores (datastore.c) ---- */

/* A search of the datastore browser on path with spec's inner XML; the Task's outcome. */
static int browse(const char *method, const char *path, const char *spec)
{
	char body[2048];

	snprintf(body, sizeof(body), SOAP("<%s xmlns=\"urn:vim25\"><_this type=\"HostDatastoreBrowser\">"
		 "ha-host-datastorebrowser</_this><datastorePath>%s</datastorePath><searchSpec>%s"
		 "</searchSpec></%s>"), method, path, spec, method);
	ck_assert_int_eq(call(body), 200);
	return task_outcome();
}

START_TEST(test_the_browser_types_files_and_follows_no_link)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/datastore1/d", datastores);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/datastore1/d/x.vmdk", datastores);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# Disk DescriptorFile\nRW 2048 VMFS \"x-flat.vmdk\"\nddb.adapterType = \"buslogic\"\n"
	      "ddb.uuid = \"60 00 c2 91 02 03 04 05-06 07 08 09 0a 0b 0c 0d\"\n", f);
	fclose(f);
	touch("%s/datastore1/d/%s", "x-flat.vmdk");
	touch("%s/datastore1/d/%s", "cd.iso");
	touch("%s/datastore1/d/%s", "empty.vmdk");
	touch("%s/%s", "outside.iso");
	snprintf(path, sizeof(path), "%s/datastore1/link", datastores);
	ck_assert_int_eq(symlink(datastores, path), 0);
	ck_assert_int_eq(login("root", "secret"), 200);
	/* the disk's descriptor typed with its capacity and controller, an
	 * ISO; not the extent, not a .vmdk that is no descriptor, no link */
	ck_assert_int_eq(browse("SearchDatastoreSubFolders_Task", "[datastore1]",
				"<query xsi:type=\"VmDiskFileQuery\"/><query xsi:type=\"IsoImageFileQuery\"/>"
				"<details><fileSize>true</fileSize></details>"), 0);
	answer_has("<folderPath>[datastore1] d</folderPath><file xsi:type=\"IsoImageFileInfo\">"
		   "<path>cd.iso</path><fileSize>0</fileSize></file><file xsi:type=\"VmDiskFileInfo\">"
		   "<path>x.vmdk</path>");
	answer_has("<capacityKb>1024</capacityKb><controllerType>VirtualBusLogicController"
		   "</controllerType>");
	answer_lacks("x-flat.vmdk</path>");
	answer_lacks("empty.vmdk");
	answer_lacks("outside.iso");
	answer_lacks("<entity");	/* a browser is no ManagedEntity */
	/* one folder, a pattern */
	ck_assert_int_eq(browse("SearchDatastore_Task", "[datastore1] d",
				"<matchPattern>*.ISO</matchPattern>"), 0);
	answer_has("<result xsi:type=\"HostDatastoreBrowserSearchResults\">");
	answer_has("<path>cd.iso</path>");
	answer_lacks("x.vmdk");
	/* a link and a VMFS datastore: the Task fails */
	ck_assert_int_eq(browse("SearchDatastore_Task", "[datastore1] link", ""), -1);
	answer_has("FileNotFound");
	ck_assert_int_eq(browse("SearchDatastore_Task", "[vmfs1]", ""), -1);
	answer_has("NotSupported");
	ck_assert_int_eq(call(SOAP("<QueryVirtualDiskUuid xmlns=\"urn:vim25\"><_this "
		"type=\"VirtualDiskManager\">ha-vdiskmanager</_this><name>[datastore1] d/x.vmdk</name>"
		"</QueryVirtualDiskUuid>")), 200);
	answer_has("<returnval>60 00 c2 91 02 03 04 05-06 07 08 09 0a 0b 0c 0d</returnval>");
}
END_TEST

START_TEST(test_datastores_are_the_folders_given_with_their_space)
{
	static const char *const not_ds[] = { "a-file", "..", "datastore1/..", ".hidden", "none" };
	char path[160], want[256];
	size_t i;
	struct statvfs sv;
	FILE *f;

	snprintf(path, sizeof(path), "%s/datastore2", datastores);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/.hidden", datastores);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/a-file", datastores);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(login("root", "secret"), 200);
	/*
	 * the datastore folder lists each folder, in name order, and no file;
	 * with them the fake vmkernel's VMFS volume vmfs1
	 */
	ck_assert_int_eq(props("Folder", "ha-folder-datastore", "childEntity"), 200);
	answer_has("type=\"Datastore\">datastore1</ManagedObjectReference><ManagedObjectReference "
		   "xsi:type=\"ManagedObjectReference\" type=\"Datastore\">datastore2"
		   "</ManagedObjectReference><ManagedObjectReference "
		   "xsi:type=\"ManagedObjectReference\" type=\"Datastore\">vmfs1"
		   "</ManagedObjectReference></val>");
	ck_assert(!strstr(io.out, "a-file") && !strstr(io.out, ".hidden"));
	ck_assert_int_eq(props("HostSystem", "ha-host", "datastore"), 200);
	answer_has(">datastore1<");
	answer_has(">datastore2<");
	/* its summary: space from statvfs, its folder as url */
	ck_assert_int_eq(props("Datastore", "datastore1", "summary"), 200);
	ck_assert_int_eq(statvfs(ds1, &sv), 0);
	snprintf(want, sizeof(want), "<capacity>%llu</capacity>",
		 (unsigned long long)sv.f_blocks * sv.f_frsize);
	answer_has(want);
	answer_has("<freeSpace>");
	snprintf(want, sizeof(want), "<url>ds://%s/</url>", ds1);
	answer_has(want);
	answer_has("<name>datastore1</name>");
	answer_has("<accessible>true</accessible>");
	answer_has("<type>OTHER</type>");
	/* a VM made on it names it; one outside the datastores names none */
	ck_assert_int_eq(create_vm("new1", "", "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(props("VirtualMachine", "4", "datastore"), 200);
	answer_has(">datastore1</ManagedObjectReference></val>");
	ck_assert_int_eq(props("Datastore", "datastore1", "vm"), 200);
	answer_has("type=\"VirtualMachine\">4<");
	ck_assert_int_eq(props("VirtualMachine", "1", "datastore"), 200);
	ck_assert(!strstr(io.out, "type=\"Datastore\""));
	/* a moref that is not a datastore's folder name is not found */
	for (i = 0; i < sizeof(not_ds) / sizeof(not_ds[0]); i++) {
		ck_assert_int_eq(props("Datastore", not_ds[i], "summary"), 500);
		fault_is("ManagedObjectNotFound");
	}
	/* nor can a VM be made or registered on one */
	ck_assert_int_eq(create_vm("hidden", "", "[.hidden]"), 500);
	fault_is("InvalidArgument");
	ck_assert(!exists("%s/.hidden/%s", "hidden"));
	ck_assert_int_eq(register_vm("[.hidden] x/x.vmx"), 500);
	fault_is("InvalidArgument");
}
END_TEST

/*
 * A file system that does not answer: this program is linked with
 * --wrap=statvfs,--wrap=stat, so every statvfs(3) and stat(2) in it,
 * hostd's included, comes here. While hang.on, either of hang.path sleeps
 * until hang.release, as one of a dead NFS server's mount point sleeps;
 * hang is shared with the processes forked.
 */
struct hang {
	char path[160];
	pid_t daemon;			/* the test's process: hostd's */
	volatile int on, release;
	volatile int entered, answered;	/* calls on path that slept, returned */
};
static struct hang *hang;

static void hang_if_asked(const char *call, const char *path)
{
	pid_t parent = getppid();

	if (!hang || !hang->on || strcmp(path, hang->path))
		return;
	/* hostd itself asleep here would hold up every client: fail instead */
	ck_assert_msg(getpid() != hang->daemon,
		      "%s of a datastore's folder ran in the daemon's own process", call);
	__atomic_add_fetch(&hang->entered, 1, __ATOMIC_SEQ_CST);
	while (!hang->release && getppid() == parent)	/* else the test is gone */
		usleep(1000);
	__atomic_add_fetch(&hang->answered, 1, __ATOMIC_SEQ_CST);
}

int __real_statvfs(const char *path, struct statvfs *sv);
int __wrap_statvfs(const char *path, struct statvfs *sv)
{
	hang_if_asked("statvfs", path);
	return __real_statvfs(path, sv);
}

int __real_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st)
{
	hang_if_asked("stat", path);
	return __real_stat(path, st);
}

/* Until *v is n; the test's timeout (check_run) bounds it. */
static void wait_for(volatile int *v, int n)
{
	while (__atomic_load_n(v, __ATOMIC_SEQ_CST) != n)
		usleep(1000);
}

START_TEST(test_a_hung_datastore_costs_one_bounded_wait_and_holds_up_nothing)
{
	char capacity[96];
	int i;

	hang = mmap(NULL, sizeof(*hang), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(hang, MAP_FAILED);
	memset(hang, 0, sizeof(*hang));
	hang->daemon = getpid();
	snprintf(hang->path, sizeof(hang->path), "%s/nfs", datastores);
	ck_assert_int_eq(mkdir(hang->path, 0755), 0);
	ck_assert_int_eq(login("root", "secret"), 200);
	/* answering first: its space is kept */
	ck_assert_int_eq(props("Datastore", "nfs", "summary"), 200);
	answer_has("<accessible>true</accessible>");
	ck_assert_ptr_nonnull(strstr(io.out, "<capacity>"));
	snprintf(capacity, sizeof(capacity), "%.*s", (int)strcspn(strstr(io.out, "<capacity>"), "/"),
		 strstr(io.out, "<capacity>"));
	/* its server dies: after the wait, inaccessible with the space it last had */
	hang->on = 1;
	hostd.ds_wait_ms = 200;
	ck_assert_int_eq(props("Datastore", "nfs", "summary"), 200);
	answer_has("<accessible>false</accessible>");
	answer_has(capacity);
	ck_assert_int_eq(props("Datastore", "nfs", "overallStatus"), 200);
	answer_has(">red<");
	wait_for(&hang->entered, 1);
	/* asked again and again: answered at once, by the one probe still asleep */
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(props("Datastore", "nfs", "summary.accessible"), 200);
		answer_has(">false<");
	}
	ck_assert_int_eq(hang->entered, 1);
	/* the other datastore, the folder, the VMs are served meanwhile */
	hostd.ds_wait_ms = DS_WAIT_MS;
	ck_assert_int_eq(props("Datastore", "datastore1", "summary"), 200);
	answer_has("<accessible>true</accessible>");
	ck_assert_int_eq(props("Folder", "ha-folder-datastore", "childEntity"), 200);
	answer_has(">nfs<");
	ck_assert_int_eq(power_state(1), 200);
	answer_has("poweredOn");
	/* the server is back: the sleeping probe's answer is taken, then fresh ones */
	hang->release = 1;
	wait_for(&hang->answered, 1);
	ck_assert_int_eq(props("Datastore", "nfs", "summary.accessible"), 200);
	answer_has(">true<");
	hang->on = 0;
	ck_assert_int_eq(props("Datastore", "nfs", "summary.accessible"), 200);
	answer_has(">true<");
	ds_probes_stop();
	munmap(hang, sizeof(*hang));
	hang = NULL;
}
END_TEST

/* ---- networks: the port groups (backend_fake.c: "VM Network", "Backup") ---- */

#define VM_NETWORK	"HaNetwork-VM Network"
#define BACKUP		"HaNetwork-Backup"
#define REF(type, v)	"<ManagedObjectReference xsi:type=\"ManagedObjectReference\" type=\"" type \
	"\">" v "</ManagedObjectReference>"
#define NETREF(v)	REF("Network", v)
#define VMREF(v)	REF("VirtualMachine", v)


START_TEST(test_networks_are_the_port_groups_with_the_vms_on_them)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(props("Folder", "ha-folder-network", "childEntity"), 200);
	answer_has(NETREF(VM_NETWORK) NETREF(BACKUP));
	ck_assert_int_eq(props("Datacenter", "ha-datacenter", "network"), 200);
	answer_has(NETREF(VM_NETWORK) NETREF(BACKUP));
	ck_assert_int_eq(props("HostSystem", "ha-host", "network"), 200);
	answer_has(NETREF(VM_NETWORK) NETREF(BACKUP));
	ck_assert_int_eq(props("Network", VM_NETWORK, "summary"), 200);
	answer_has("<val xsi:type=\"NetworkSummary\"><network type=\"Network\">" VM_NETWORK
		   "</network><name>VM Network</name><accessible>true</accessible></val>");
	ck_assert_int_eq(props("Network", BACKUP, "name"), 200);
	answer_has("<val xsi:type=\"xsd:string\">Backup</val>");
	ck_assert_int_eq(props("Network", BACKUP, "host"), 200);
	answer_has(REF("HostSystem", "ha-host"));
	/* web (1) has a NIC on VM Network, db (2) one on each, build (3) one on "Old Lab" */
	ck_assert_int_eq(props("Network", VM_NETWORK, "vm"), 200);
	answer_has("<val xsi:type=\"ArrayOfManagedObjectReference\">" VMREF("1") VMREF("2") "</val>");
	ck_assert_int_eq(props("Network", BACKUP, "vm"), 200);
	answer_has("<val xsi:type=\"ArrayOfManagedObjectReference\">" VMREF("2") "</val>");
	ck_assert_int_eq(props("VirtualMachine", "1", "network"), 200);
	answer_has("<val xsi:type=\"ArrayOfManagedObjectReference\">" NETREF(VM_NETWORK) "</val>");
	ck_assert_int_eq(props("VirtualMachine", "3", "network"), 200);
	answer_has("<val xsi:type=\"ArrayOfManagedObjectReference\"></val>");
	ck_assert_int_eq(props("VirtualMachine", "2", "summary.config.numEthernetCards"), 200);
	answer_has("<val xsi:type=\"xsd:int\">2</val>");
	/* a port group that is not there */
	ck_assert_int_eq(props("Network", "HaNetwork-Nope", "name"), 500);
	fault_is("ManagedObjectNotFound");
	ck_assert_int_eq(props("Network", "VM Network", "name"), 500);
	fault_is("ManagedObjectNotFound");
}
END_TEST

START_TEST(test_a_vms_nics_are_its_devices)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(props("VirtualMachine", "2", "config.hardware.device"), 200);
	answer_has("<val xsi:type=\"ArrayOfVirtualDevice\"><VirtualDevice xsi:type=\"VirtualE1000\">"
		   "<key>4000</key><deviceInfo><label>Network adapter 1</label>"
		   "<summary>VM Network</summary></deviceInfo>"
		   "<backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo\">"
		   "<deviceName>VM Network</deviceName><useAutoDetect>false</useAutoDetect>"
		   "<network type=\"Network\">" VM_NETWORK "</network></backing>"
		   "<connectable><startConnected>true</startConnected>"
		   "<allowGuestControl>true</allowGuestControl><connected>false</connected>"
		   "<status>untried</status></connectable><addressType>manual</addressType>"
		   "<macAddress>00:50:56:00:00:02</macAddress>");
	answer_has("<key>4001</key>");
	answer_has("<deviceName>Backup</deviceName>");
	/* the second NIC's MAC is generated at the first start: not known yet */
	answer_has("<addressType>generated</addressType><wakeOnLanEnabled>");
	/* inside the VM's config, each item is a <device> of its own type */
	ck_assert_int_eq(props("VirtualMachine", "1", "config"), 200);
	answer_has("<device xsi:type=\"VirtualE1000\"><key>4000</key>");
	answer_has("<connected>true</connected><status>ok</status>");
	answer_has("<macAddress>00:0c:29:12:34:56</macAddress>");
	answer_lacks("<key>4001</key>");
	/* a port group the host does not have: no Network to point to */
	ck_assert_int_eq(props("VirtualMachine", "3", "config.hardware.device"), 200);
	answer_has("<deviceName>Old Lab</deviceName><useAutoDetect>false</useAutoDetect></backing>");
}
END_TEST

/* A .vmx of the keys given, registered as "[datastore1] NAME.vmx": VM 4. */
static void register_vmx(const char *name, const char *keys)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/datastore1/%s.vmx", datastores, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "config.version = \"8\"\nvirtualHW.version = \"7\"\ndisplayName = \"%s\"\n"
		"memsize = \"64\"\n%s", name, keys);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(login("root", "secret"), 200);
	snprintf(path, sizeof(path), "[datastore1] %s.vmx", name);
	ck_assert_int_eq(register_vm(path), 200);
	ck_assert_int_eq(task_outcome(), 0);
}

/* A registered .vmx's NICs, each as the device type of its virtualDev. */
START_TEST(test_a_registered_vms_nics_are_read_from_its_vmx)
{
	register_vmx("nics", "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"vmxnet3\"\n"
		     "ethernet0.networkName = \"Backup\"\nethernet1.present = \"TRUE\"\n"
		     "ethernet1.virtualDev = \"vmxnet\"\nethernet3.present = \"TRUE\"\n"
		     "ethernet3.virtualDev = \"vlance\"\n");
	ck_assert_int_eq(props("VirtualMachine", "4", "config.hardware.device"), 200);
	answer_has("<VirtualDevice xsi:type=\"VirtualVmxnet3\"><key>4000</key>");
	answer_has("<deviceName>Backup</deviceName>");
	/* without a networkName, on VM Network */
	answer_has("<VirtualDevice xsi:type=\"VirtualVmxnet\"><key>4001</key>");
	answer_has("<VirtualDevice xsi:type=\"VirtualPCNet32\"><key>4003</key>");
	answer_has("<deviceName>VM Network</deviceName>");
	answer_lacks("<key>4002</key>");
	ck_assert_int_eq(props("VirtualMachine", "4", "network"), 200);
	answer_has(NETREF(VM_NETWORK) NETREF(BACKUP));
}
END_TEST

/* A registered .vmx's SCSI controller and disks: a vmdk on a datastore, a LUN mapped raw. */
START_TEST(test_a_registered_vms_disks_are_its_devices)
{
	register_vmx("disks", "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
		     "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"/vmfs/volumes/vmfs1/a/a.vmdk\"\n"
		     "scsi0:3.present = \"TRUE\"\nscsi0:3.fileName = \"vmhba0:C0:T1:L0\"\n");
	ck_assert_int_eq(props("VirtualMachine", "4", "config.hardware.device"), 200);
	answer_has("<VirtualDevice xsi:type=\"ParaVirtualSCSIController\"><key>1000</key>");
	answer_has("<device>2000</device><device>2003</device>");
	/* as a datastore path, on the VMFS datastore it names */
	answer_has("<VirtualDevice xsi:type=\"VirtualDisk\"><key>2000</key>");
	answer_has("<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[vmfs1] a/a.vmdk"
		   "</fileName><datastore type=\"Datastore\">vmfs1</datastore>");
	answer_has("<controllerKey>1000</controllerKey><unitNumber>0</unitNumber>");
	answer_has("<backing xsi:type=\"VirtualDiskRawDiskMappingVer1BackingInfo\"><fileName>"
		   "</fileName><deviceName>vmhba0:C0:T1:L0</deviceName>");
	answer_has("<unitNumber>3</unitNumber>");
	answer_lacks("<key>2001</key>");
	ck_assert_int_eq(props("VirtualMachine", "4", "summary.config.numVirtualDisks"), 200);
	answer_has("<val xsi:type=\"xsd:int\">2</val>");
	/* a VM without scsi0 has no controller */
	ck_assert_int_eq(props("VirtualMachine", "1", "config.hardware.device"), 200);
	answer_lacks("Controller");
}
END_TEST

/* The text of the file at DATASTORES/rel into buf ("" if it cannot be read). */
static const char *file_text(const char *rel, char *buf, size_t len)
{
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", datastores, rel);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

#define NIC(type, backing, rest) "<deviceChange><operation>add</operation>" \
	"<device xsi:type=\"" type "\"><key>-1</key><backing xsi:type=\"" backing "\">" \
	"<deviceName>%s</deviceName></backing>" rest "</device></deviceChange>"
#define E1000(rest)	NIC("VirtualE1000", "VirtualEthernetCardNetworkBackingInfo", rest)

/* A CreateVM_Task spec of n NICs on net, each with rest (addressType, macAddress). */
static const char *nic_spec(char *buf, size_t len, unsigned int n, const char *net)
{
	size_t l = 0;

	buf[0] = '\0';
	while (n--)
		l += (size_t)snprintf(buf + l, len - l, E1000(""), net);
	return buf;
}

START_TEST(test_create_vm_with_nics_writes_them_and_reads_them_back)
{
	char spec[2048], vmx[2048];

	ck_assert_int_eq(login("root", "secret"), 200);
	/* one NIC: its MAC generated at the first start */
	ck_assert_int_eq(create_vm("one", nic_spec(spec, sizeof(spec), 1, "VM Network"),
				   "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	file_text("datastore1/one/one.vmx", vmx, sizeof(vmx));
	ck_assert_msg(strstr(vmx, "ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"e1000\"\n") &&
		      strstr(vmx, "ethernet0.networkName = \"VM Network\"\n") &&
		      strstr(vmx, "ethernet0.addressType = \"generated\"\n") &&
		      !strstr(vmx, "ethernet1.") && !strstr(vmx, "ethernet0.address ="), "%s", vmx);
	ck_assert_int_eq(props("VirtualMachine", "4", "config.hardware.device"), 200);
	answer_has("<key>4000</key>");
	answer_has("<deviceName>VM Network</deviceName>");
	answer_has("<addressType>generated</addressType>");
	answer_lacks("<macAddress>");
	ck_assert_int_eq(props("Network", VM_NETWORK, "vm"), 200);
	answer_has(VMREF("4"));
	/* two: the second on Backup with a manual MAC */
	snprintf(spec, sizeof(spec), E1000("") E1000("<addressType>manual</addressType>"
		 "<macAddress>00:50:56:3f:00:07</macAddress>"), "VM Network", "Backup");
	ck_assert_int_eq(create_vm("two", spec, "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	file_text("datastore1/two/two.vmx", vmx, sizeof(vmx));
	ck_assert_msg(strstr(vmx, "ethernet0.networkName = \"VM Network\"\n") &&
		      strstr(vmx, "ethernet0.addressType = \"generated\"\n") &&
		      strstr(vmx, "ethernet1.present = \"TRUE\"\nethernet1.virtualDev = \"e1000\"\n") &&
		      strstr(vmx, "ethernet1.networkName = \"Backup\"\n") &&
		      strstr(vmx, "ethernet1.addressType = \"static\"\n") &&
		      strstr(vmx, "ethernet1.address = \"00:50:56:3f:00:07\"\n"), "%s", vmx);
	ck_assert_int_eq(props("VirtualMachine", "5", "config.hardware.device"), 200);
	answer_has("<key>4001</key>");
	answer_has("<deviceName>Backup</deviceName>");
	answer_has("<addressType>manual</addressType><macAddress>00:50:56:3f:00:07</macAddress>");
	ck_assert_int_eq(props("VirtualMachine", "5", "network"), 200);
	answer_has(NETREF(VM_NETWORK) NETREF(BACKUP));
	ck_assert_int_eq(props("Network", BACKUP, "vm"), 200);
	answer_has(VMREF("2") VMREF("5"));
	answer_lacks(VMREF("4"));
	/* four, as many as vmk gives a VM */
	ck_assert_int_eq(create_vm("four", nic_spec(spec, sizeof(spec), 4, "Backup"), "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(props("VirtualMachine", "6", "summary.config.numEthernetCards"), 200);
	answer_has("<val xsi:type=\"xsd:int\">4</val>");
}
END_TEST

/* CreateVM_Task "bad" with spec: InvalidArgument naming field, and no file or folder written. */
static void refused(const char *spec, const char *field)
{
	char want[160];

	ck_assert_int_eq(create_vm("bad", spec, "[datastore1]"), 500);
	fault_is("InvalidArgument");
	snprintf(want, sizeof(want), "<invalidProperty>%s</invalidProperty>", field);
	answer_has(want);
	ck_assert(!exists("%s/datastore1/%s", "bad"));
}

START_TEST(test_create_vm_refuses_devices_it_cannot_give_and_writes_nothing)
{
	char spec[4096];

	ck_assert_int_eq(login("root", "secret"), 200);
	snprintf(spec, sizeof(spec), E1000(""), "No Such Group");
	refused(spec, "config.deviceChange.device.backing.deviceName");
	snprintf(spec, sizeof(spec), E1000(""), "");
	refused(spec, "config.deviceChange.device.backing.deviceName");
	/* MACs outside VMware's static range, or not MACs */
	snprintf(spec, sizeof(spec), E1000("<addressType>manual</addressType>"
		 "<macAddress>00:50:56:40:00:00</macAddress>"), "VM Network");
	refused(spec, "config.deviceChange.device.macAddress");
	snprintf(spec, sizeof(spec), E1000("<addressType>manual</addressType>"
		 "<macAddress>00:0c:29:01:02:03</macAddress>"), "VM Network");
	refused(spec, "config.deviceChange.device.macAddress");
	snprintf(spec, sizeof(spec), E1000("<addressType>manual</addressType>"
		 "<macAddress>00:50:56:0:1:2</macAddress>"), "VM Network");
	refused(spec, "config.deviceChange.device.macAddress");
	snprintf(spec, sizeof(spec), E1000("<addressType>manual</addressType>"), "VM Network");
	refused(spec, "config.deviceChange.device.macAddress");
	snprintf(spec, sizeof(spec), E1000("<macAddress>00:50:56:00:00:01</macAddress>"), "VM Network");
	refused(spec, "config.deviceChange.device.macAddress");
	snprintf(spec, sizeof(spec), E1000("<addressType>assigned</addressType>"), "VM Network");
	refused(spec, "config.deviceChange.device.addressType");
	/* a disk without a controller (test_create_vm_refuses_bad_disks_and_makes_nothing) */
	refused("<deviceChange><operation>add</operation><fileOperation>create</fileOperation>"
		"<device xsi:type=\"VirtualDisk\"><key>-2</key><backing "
		"xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName></fileName><diskMode>persistent"
		"</diskMode></backing><capacityInKB>1024</capacityInKB></device></deviceChange>",
		"config.deviceChange.device.controllerKey");
	refused("<deviceChange><operation>add</operation><device xsi:type=\"VirtualCdrom\">"
		"<key>3000</key></device></deviceChange>", "config.deviceChange.device");
	/* another NIC type, another backing, another operation */
	snprintf(spec, sizeof(spec), NIC("VirtualVmxnet3", "VirtualEthernetCardNetworkBackingInfo", ""),
		 "VM Network");
	refused(spec, "config.deviceChange.device");
	snprintf(spec, sizeof(spec), NIC("VirtualE1000",
		 "VirtualEthernetCardDistributedVirtualPortBackingInfo", ""), "VM Network");
	refused(spec, "config.deviceChange.device.backing");
	snprintf(spec, sizeof(spec), "<deviceChange><operation>edit</operation>"
		 "<device xsi:type=\"VirtualE1000\"><key>4000</key></device></deviceChange>");
	refused(spec, "config.deviceChange.operation");
	/* a good NIC next to a bad one: nothing either */
	snprintf(spec, sizeof(spec), E1000("") E1000(""), "VM Network", "No Such Group");
	refused(spec, "config.deviceChange.device.backing.deviceName");
	/* five NICs: vmk gives a VM four */
	refused(nic_spec(spec, sizeof(spec), 5, "VM Network"), "config.deviceChange");
	ck_assert_int_eq(power_state(4), 500);
	fault_is("ManagedObjectNotFound");
}
END_TEST

/* The fake backend's VMFS volume (backend_fake.c) as a Datastore of type VMFS. */
START_TEST(test_vmfs_datastores_are_the_vmkernels_volumes)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(props("Datastore", "vmfs1", "summary"), 200);
	answer_has("<name>vmfs1</name><url>ds:///vmfs/volumes/vmfs1/</url>"
		   "<capacity>1073741824</capacity><freeSpace>943718400</freeSpace>"
		   "<accessible>true</accessible>");
	answer_has("<type>VMFS</type>");
	ck_assert_int_eq(props("Datastore", "vmfs1", "info"), 200);
	answer_has("xsi:type=\"VmfsDatastoreInfo\"");
	answer_has("<blockSizeMb>1</blockSizeMb>");
	answer_has("<uuid>5f0c1a2b-3c4d5e6f-7a8b-0c0d0e0f1011</uuid>");
	ck_assert_int_eq(props("Datastore", "vmfs1", "host"), 200);
	answer_has("<path>/vmfs/volumes/vmfs1</path><accessMode>readWrite</accessMode>");
	ck_assert_int_eq(props("HostSystem", "ha-host", "datastore"), 200);
	answer_has(">vmfs1<");
}
END_TEST

#define SCSI(type, key) "<deviceChange><operation>add</operation><device xsi:type=\"" type "\">" \
	"<key>" key "</key><busNumber>0</busNumber><sharedBus>noSharing</sharedBus></device>" \
	"</deviceChange>"
#define LSI	SCSI("VirtualLsiLogicController", "1000")
/* A VirtualDisk on controller 1000: fileOperation, fileName, backing extra, device extra. */
#define DISK(op, file, backing, dev) "<deviceChange><operation>add</operation>" op \
	"<device xsi:type=\"VirtualDisk\"><key>-1</key><backing " \
	"xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>" file "</fileName>" \
	"<diskMode>persistent</diskMode>" backing "</backing><controllerKey>1000</controllerKey>" \
	dev "</device></deviceChange>"
#define CREATE	"<fileOperation>create</fileOperation>"
#define THIN	"<thinProvisioned>true</thinProvisioned>"

START_TEST(test_create_vm_makes_its_disks_on_a_vmfs_datastore)
{
	char vmx[2048];

	ck_assert_int_eq(login("root", "secret"), 200);
	/* a thin disk named after the VM and a thick one in a folder of its own */
	ck_assert_int_eq(create_vm("disky", LSI
		DISK(CREATE, "[vmfs1]", THIN, "<unitNumber>0</unitNumber><capacityInKB>32768</capacityInKB>")
		DISK(CREATE, "[vmfs1] data/d.vmdk", "", "<unitNumber>2</unitNumber><capacityInKB>8192</capacityInKB>"),
		"[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	/* its .vmx is in the COS's folder of the datastore */
	file_text("vmfs1/disky/disky.vmx", vmx, sizeof(vmx));
	ck_assert_msg(strstr(vmx, "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"lsilogic\"\n") &&
		      strstr(vmx, "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"[vmfs1] disky/disky.vmdk\"\n") &&
		      strstr(vmx, "scsi0:2.present = \"TRUE\"\nscsi0:2.fileName = \"[vmfs1] data/d.vmdk\"\n") &&
		      !strstr(vmx, "scsi0:1."), "%s", vmx);
	/* the thick disk took its 8 MiB of the datastore's space */
	ck_assert_int_eq(props("Datastore", "vmfs1", "summary.freeSpace"), 200);
	answer_has(">935329792<");
	ck_assert_int_eq(props("Datastore", "vmfs1", "vm"), 200);
	answer_has(VMREF("4"));
	ck_assert_int_eq(props("VirtualMachine", "4", "config.hardware.device"), 200);
	answer_has("<VirtualDevice xsi:type=\"VirtualLsiLogicController\"><key>1000</key>");
	answer_has("<device>2000</device><device>2002</device>");
	answer_has("<VirtualDevice xsi:type=\"VirtualDisk\"><key>2000</key>");
	answer_has("<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[vmfs1] "
		   "disky/disky.vmdk</fileName><datastore type=\"Datastore\">vmfs1</datastore>");
	answer_has("<controllerKey>1000</controllerKey><unitNumber>2</unitNumber>");
	/* each disk's size as the vmkernel tells it (vmkfstools -P) */
	answer_has("<unitNumber>0</unitNumber><capacityInKB>32768</capacityInKB>");
	answer_has("<unitNumber>2</unitNumber><capacityInKB>8192</capacityInKB>");
	ck_assert_int_eq(props("VirtualMachine", "4", "summary.config.numVirtualDisks"), 200);
	answer_has("<val xsi:type=\"xsd:int\">2</val>");
	/* a second VM attaches the first's disk (no fileOperation), on a ParaVirtual controller */
	ck_assert_int_eq(create_vm("attached", SCSI("ParaVirtualSCSIController", "-100")
		"<deviceChange><operation>add</operation><device xsi:type=\"VirtualDisk\"><key>-1</key>"
		"<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>/vmfs/volumes/vmfs1/"
		"data/d.vmdk</fileName></backing><controllerKey>-100</controllerKey></device>"
		"</deviceChange>", "[datastore1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	file_text("datastore1/attached/attached.vmx", vmx, sizeof(vmx));
	ck_assert_msg(strstr(vmx, "scsi0.virtualDev = \"pvscsi\"\n") &&
		      strstr(vmx, "scsi0:0.fileName = \"[vmfs1] data/d.vmdk\"\n"), "%s", vmx);
	/* the same disk to make again: the vmkernel's refusal, and no VM */
	ck_assert_int_eq(create_vm("again", LSI
		DISK(CREATE, "[vmfs1] data/d.vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		"[vmfs1]"), 200);
	task_fault_is("SystemError");
	answer_has("[vmfs1] data/d.vmdk: exists already");
	answer_lacks("left on the datastore");
	ck_assert(!exists("%s/vmfs1/%s", "again"));
}
END_TEST

/* A disk made, then the next refused for its size: the Task says what is left. */
/* Ansible's vmware_guest names no file: ESXi puts the disk in the VM's folder. */
START_TEST(test_create_vm_names_a_disk_given_without_a_file_name)
{
	char vmx[2048];

	ck_assert_int_eq(login("root", "secret"), 200);
	/* on the VM's datastore, and on the one backing.datastore names */
	ck_assert_int_eq(create_vm("unnamed", LSI
		DISK(CREATE, "", THIN, "<unitNumber>0</unitNumber><capacityInKB>16384</capacityInKB>")
		DISK(CREATE, "", "<datastore type=\"Datastore\">vmfs1</datastore>",
		     "<unitNumber>1</unitNumber><capacityInKB>8192</capacityInKB>"),
		"[vmfs1] unnamed/unnamed.vmx"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	file_text("vmfs1/unnamed/unnamed.vmx", vmx, sizeof(vmx));
	ck_assert_msg(strstr(vmx, "scsi0:0.fileName = \"[vmfs1] unnamed/unnamed.vmdk\"\n") &&
		      strstr(vmx, "scsi0:1.fileName = \"[vmfs1] unnamed/unnamed_1.vmdk\"\n"), "%s", vmx);
	ck_assert_int_eq(props("VirtualMachine", "4", "summary.config.numVirtualDisks"), 200);
	answer_has("<val xsi:type=\"xsd:int\">2</val>");
	/* a VM on a folder datastore: disks are made on VMFS only, as with a name */
	ck_assert_int_eq(create_vm("folder", LSI
		DISK(CREATE, "", "", "<capacityInKB>16384</capacityInKB>"), "[datastore1]"), 500);
	fault_is("InvalidArgument");
	answer_has("no VMFS datastore 'datastore1'");
	ck_assert(!exists("%s/datastore1/%s", "folder"));
}
END_TEST

START_TEST(test_a_failed_create_vm_says_which_disks_it_left)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(create_vm("big", LSI
		DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>")
		DISK(CREATE, "[vmfs1]", "", "<capacityInKB>2097152</capacityInKB>"), "[vmfs1]"), 200);
	task_fault_is("SystemError");
	answer_has("[vmfs1] big/big_1.vmdk: no space: 900 MiB free on datastore vmfs1");
	/* what it made is deleted through the vmkernel again */
	answer_lacks("left on the datastore");
	/* nothing in the COS, nothing registered */
	ck_assert(!exists("%s/%s", "vmfs1"));
	ck_assert_int_eq(power_state(4), 500);
	/* so the same VM can be made again */
	ck_assert_int_eq(create_vm("big", LSI
		DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>"), "[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
}
END_TEST

/*
 * Destroy_Task deletes a VM's disks on the vmkernel's VMFS datastores
 * and their folder, so a VM of the same name can be made again; a raw
 * LUN, a disk that is not there and another VM's disks stay.
 */
START_TEST(test_destroy_deletes_the_vms_disks_on_vmfs)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(create_vm("gone", LSI
		DISK(CREATE, "[vmfs1]", "", "<unitNumber>0</unitNumber><capacityInKB>8192</capacityInKB>")
		DISK(CREATE, "[vmfs1] keep/k.vmdk", THIN, "<unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB>"),
		"[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(create_vm("other", LSI
		DISK(CREATE, "[vmfs1] keep/o.vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		"[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	ck_assert_int_eq(props("Datastore", "vmfs1", "summary.freeSpace"), 200);
	answer_has(">935329792<");
	ck_assert_int_eq(vm_call("Destroy_Task", 4), 200);
	ck_assert_int_eq(task_outcome(), 0);
	/* the thick disk's space is back */
	ck_assert_int_eq(props("Datastore", "vmfs1", "summary.freeSpace"), 200);
	answer_has(">943718400<");
	/* its disks and folder are gone: the same VM is made again */
	ck_assert_int_eq(create_vm("gone", LSI
		DISK(CREATE, "[vmfs1]", "", "<unitNumber>0</unitNumber><capacityInKB>8192</capacityInKB>")
		DISK(CREATE, "[vmfs1] keep/k.vmdk", THIN, "<unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB>"),
		"[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
	/* the other VM's disk in the shared folder stayed */
	ck_assert_int_eq(props("VirtualMachine", "5", "config.hardware.device"), 200);
	answer_has("<capacityInKB>1024</capacityInKB>");
	/* a raw LUN and a missing disk: nothing to delete, the VM destroyed */
	register_vmx("raw", "scsi0.present = \"TRUE\"\nscsi0.virtualDev = \"pvscsi\"\n"
		     "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"/vmfs/volumes/vmfs1/a/a.vmdk\"\n"
		     "scsi0:3.present = \"TRUE\"\nscsi0:3.fileName = \"vmhba0:C0:T1:L0\"\n");
	ck_assert_int_eq(props("VirtualMachine", "7", "config.hardware.device"), 200);
	answer_has("<unitNumber>0</unitNumber><capacityInKB>0</capacityInKB>");
	ck_assert_int_eq(vm_call("Destroy_Task", 7), 200);
	ck_assert_int_eq(task_outcome(), 0);
}
END_TEST

/* CreateVM_Task "bad" on vmfs1 with spec: InvalidArgument naming field, nothing made. */
static void disk_refused(const char *spec, const char *field, const char *why)
{
	char want[160];

	ck_assert_int_eq(create_vm("bad", spec, "[vmfs1]"), 500);
	fault_is("InvalidArgument");
	snprintf(want, sizeof(want), "<invalidProperty>%s</invalidProperty>", field);
	answer_has(want);
	answer_has(why);
	ck_assert(!exists("%s/%s", "vmfs1"));
}

START_TEST(test_create_vm_refuses_bad_disks_and_makes_nothing)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	disk_refused(DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.controllerKey", "needs a SCSI controller");
	disk_refused(SCSI("VirtualLsiLogicController", "7")
		     DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.controllerKey", "key 7, not &quot;1000&quot;");
	disk_refused(LSI LSI, "config.deviceChange.device", "one SCSI controller");
	disk_refused(SCSI("VirtualLsiLogicController", "1000") SCSI("VirtualBusLogicController", "1001"),
		     "config.deviceChange.device", "one SCSI controller");
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN, "<unitNumber>4</unitNumber><capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.unitNumber", "0 to 3");
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN, "<unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB>")
		     DISK(CREATE, "[vmfs1] x/y.vmdk", THIN, "<unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.unitNumber", "two disks have unitNumber 1");
	disk_refused(LSI DISK("<fileOperation>replace</fileOperation>", "[vmfs1]", "", "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.fileOperation", "not &quot;replace&quot;");
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN, ""),
		     "config.deviceChange.device.capacityInKB", "needs its capacityInKB");
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>0</capacityInKB>"),
		     "config.deviceChange.device.capacityInKB", "not &quot;0&quot;");
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN "<eagerlyScrub>true</eagerlyScrub>",
			      "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.eagerlyScrub", "not both");
	/* disks are made on the vmkernel's volumes only, with plain names, as .vmdk files */
	disk_refused(LSI DISK(CREATE, "[datastore1] bad/bad.vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.fileName", "no VMFS datastore 'datastore1'");
	disk_refused(LSI DISK(CREATE, "[nods] bad.vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.fileName", "no VMFS datastore 'nods'");
	disk_refused(LSI DISK(CREATE, "[vmfs1] bad/../x.vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.fileName", "a plain name");
	disk_refused(LSI DISK(CREATE, "[vmfs1] bad/bad.img", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.fileName", "not name a .vmdk");
	disk_refused(LSI DISK("", "", "", ""),
		     "config.deviceChange.device.backing.fileName", "not a disk's datastore path");
	disk_refused(LSI DISK(CREATE, "[vmfs1] " LONG_NAME ".vmdk", THIN, "<capacityInKB>1024</capacityInKB>"),
		     "config.deviceChange.device.backing.fileName", "at most 127 characters");
	disk_refused(LSI "<deviceChange><operation>add</operation><device xsi:type=\"VirtualDisk\">"
		     "<backing xsi:type=\"VirtualDiskSparseVer2BackingInfo\"><fileName>[vmfs1] a.vmdk"
		     "</fileName></backing><controllerKey>1000</controllerKey></device></deviceChange>",
		     "config.deviceChange.device.backing", "a flat .vmdk");
	disk_refused(LSI "<deviceChange><operation>add</operation><device xsi:type=\"VirtualDisk\">"
		     "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>[vmfs1] a.vmdk"
		     "</fileName><diskMode>independent_nonpersistent</diskMode></backing>"
		     "<controllerKey>1000</controllerKey></device></deviceChange>",
		     "config.deviceChange.device.backing.diskMode", "&quot;persistent&quot;");
	/* a good disk next to a bad one: nothing made, so the good one can be made after */
	disk_refused(LSI DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>")
		     DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>x</capacityInKB>"),
		     "config.deviceChange.device.capacityInKB", "not &quot;x&quot;");
	ck_assert_int_eq(create_vm("bad", LSI DISK(CREATE, "[vmfs1]", THIN, "<capacityInKB>1024</capacityInKB>"),
				   "[vmfs1]"), 200);
	ck_assert_int_eq(task_outcome(), 0);
}
END_TEST

/* The container view of every VM, as pyVmomi's and govc's listings make it; its moref into view. */
static void vm_view(char *view, size_t len)
{
	ck_assert_int_eq(call(SOAP("<CreateContainerView xmlns=\"urn:vim25\"><_this type=\"ViewManager\">"
		"ViewManager</_this><container type=\"Folder\">ha-folder-root</container>"
		"<type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>")), 200);
	returnval(view, len);
}

/* RetrievePropertiesEx of every VM's name through view, with options (maxObjects). */
static int retrieve_names_on(const char *collector, const char *view, const char *options)
{
	char body[2048];

	snprintf(body, sizeof(body), SOAP("<RetrievePropertiesEx xmlns=\"urn:vim25\">"
		 "<_this type=\"PropertyCollector\">%s</_this><specSet>"
		 "<propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet>"
		 "<objectSet><obj type=\"ContainerView\">%s</obj><skip>true</skip>"
		 "<selectSet xsi:type=\"TraversalSpec\"><name>v</name><type>ContainerView</type>"
		 "<path>view</path><skip>false</skip></selectSet></objectSet></specSet>"
		 "<options>%s</options></RetrievePropertiesEx>"), collector, view, options);
	return call(body);
}

static int retrieve_names(const char *view, const char *options)
{
	return retrieve_names_on("ha-property-collector", view, options);
}

static int continue_retrieve(const char *method, const char *collector, const char *token)
{
	char body[1024];

	snprintf(body, sizeof(body), SOAP("<%s xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">"
		 "%s</_this><token>%s</token></%s>"), method, collector, token, method);
	return call(body);
}

/* method of token on collector is refused: InvalidProperty naming token. */
static void token_refused(const char *method, const char *collector, const char *token)
{
	ck_assert_int_eq(continue_retrieve(method, collector, token), 500);
	fault_is("InvalidProperty");
	answer_has("<name>token</name>");
}

static size_t count(const char *text)
{
	size_t n = 0;

	for (const char *p = io.out; (p = strstr(p, text)); p++)
		n++;
	return n;
}

/*
 * The answer's token into buf; "" when it has none. RetrieveResult's
 * schema puts the token before the objects: a client that reads in
 * schema order (.NET's XmlSerializer) skips a token after them.
 */
static void token_of_answer(char *buf, size_t len)
{
	const char *p = strstr(io.out, "<token>"), *o = strstr(io.out, "<objects>");

	buf[0] = 0;
	if (p) {
		ck_assert_ptr_nonnull(o);
		ck_assert(p < o);
		snprintf(buf, len, "%.*s", (int)strcspn(p + 7, "<"), p + 7);
	}
}

/*
 * RetrieveOptions.maxObjects: at most so many ObjectContents an answer,
 * the rest by ContinueRetrievePropertiesEx with the token, each token good
 * once (vSphere API RetrieveResult.token); without it the three fake VMs
 * came back at once and there was no token.
 */
START_TEST(test_max_objects_pages_the_result_with_tokens_good_once)
{
	char view[MO_VALUE_LEN], token[64], used[64], names[256] = "";
	const char *p;

	ck_assert_int_eq(login("root", "secret"), 200);
	vm_view(view, sizeof(view));
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	ck_assert_uint_eq(count("<objects>"), 1);
	token_of_answer(token, sizeof(token));
	ck_assert_str_ne(token, "");
	for (int page = 0; token[0]; page++) {
		ck_assert_int_lt(page, 3);
		p = strstr(io.out, "xsd:string\">");
		ck_assert_ptr_nonnull(p);
		strncat(names, p + 12, strcspn(p + 12, "<"));
		strcat(names, ",");
		snprintf(used, sizeof(used), "%s", token);
		ck_assert_int_eq(continue_retrieve("ContinueRetrievePropertiesEx",
						   "ha-property-collector", token), 200);
		ck_assert_uint_eq(count("<objects>"), 1);
		token_of_answer(token, sizeof(token));
		ck_assert_str_ne(token, used);
	}
	p = strstr(io.out, "xsd:string\">");
	strncat(names, p + 12, strcspn(p + 12, "<"));
	ck_assert_str_eq(names, "web,db,build");
	ck_assert_uint_eq(pc_tokens_kept(), 0);
	/* a token used, or never given, is refused */
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", used);
	ck_assert_int_eq(continue_retrieve("ContinueRetrievePropertiesEx", "ha-property-collector",
					   "x"), 500);
	fault_is("InvalidProperty");
	/* two a page: the last page has one and no token */
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>2</maxObjects>"), 200);
	ck_assert_uint_eq(count("<objects>"), 2);
	token_of_answer(token, sizeof(token));
	ck_assert_int_eq(continue_retrieve("ContinueRetrievePropertiesEx", "ha-property-collector",
					   token), 200);
	ck_assert_uint_eq(count("<objects>"), 1);
	answer_lacks("<token>");
	/* as many as there are, or no maxObjects: all, no token */
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>3</maxObjects>"), 200);
	ck_assert_uint_eq(count("<objects>"), 3);
	answer_lacks("<token>");
	ck_assert_int_eq(retrieve_names(view, ""), 200);
	ck_assert_uint_eq(count("<objects>"), 3);
	answer_lacks("<token>");
	/* "A value less than or equal to 0 is illegal" */
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>0</maxObjects>"), 500);
	fault_is("InvalidArgument");
	answer_has("<invalidProperty>options.maxObjects</invalidProperty>");
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>-1</maxObjects>"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1x</maxObjects>"), 500);
	fault_is("InvalidArgument");
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>99999999999</maxObjects>"), 500);
	fault_is("InvalidArgument");
	ck_assert_uint_eq(pc_tokens_kept(), 0);
}
END_TEST

/* A token is the session's and the collector's; CancelRetrievePropertiesEx frees it. */
START_TEST(test_a_token_serves_only_its_session_and_collector)
{
	char view[MO_VALUE_LEN], token[64], mine[128], collector[MO_VALUE_LEN], body[512];

	ck_assert_int_eq(login("root", "secret"), 200);
	vm_view(view, sizeof(view));
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	token_of_answer(token, sizeof(token));
	ck_assert_int_eq(call(SOAP("<CreatePropertyCollector xmlns=\"urn:vim25\">" PC
				   "</CreatePropertyCollector>")), 200);
	returnval(collector, sizeof(collector));
	token_refused("ContinueRetrievePropertiesEx", collector, token);
	snprintf(mine, sizeof(mine), "%s", cookie);
	hostd.admins = "root,ops";
	cookie[0] = 0;		/* a second session, not a Login replacing the first */
	ck_assert_int_eq(login("ops", "secret"), 200);
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", token);
	token_refused("CancelRetrievePropertiesEx", "ha-property-collector", token);
	snprintf(cookie, sizeof(cookie), "%s", mine);
	ck_assert_uint_gt(pc_tokens_kept(), 0);
	ck_assert_int_eq(continue_retrieve("CancelRetrievePropertiesEx", "ha-property-collector",
					   token), 200);
	ck_assert_uint_eq(pc_tokens_kept(), 0);
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", token);
	token_refused("CancelRetrievePropertiesEx", "ha-property-collector", token);
	/* a collector destroyed takes its tokens with it */
	ck_assert_int_eq(retrieve_names_on(collector, view, "<maxObjects>1</maxObjects>"), 200);
	token_of_answer(token, sizeof(token));
	ck_assert_str_ne(token, "");
	ck_assert_uint_gt(pc_tokens_kept(), 0);
	snprintf(body, sizeof(body), SOAP("<DestroyPropertyCollector xmlns=\"urn:vim25\">"
		 "<_this type=\"PropertyCollector\">%s</_this></DestroyPropertyCollector>"),
		 collector);
	ck_assert_int_eq(call(body), 200);
	ck_assert_uint_eq(pc_tokens_kept(), 0);
}
END_TEST

/*
 * A client that never continues does not grow the daemon: a session keeps
 * its PC_TOKENS_SESSION newest tokens, a token unused for PC_TOKEN_IDLE_S
 * goes, and Logout frees the session's.
 */
START_TEST(test_tokens_never_continued_are_bounded_and_freed)
{
	char view[MO_VALUE_LEN], first[64], token[64];
	size_t one, i;

	ck_assert_int_eq(login("root", "secret"), 200);
	vm_view(view, sizeof(view));
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	token_of_answer(first, sizeof(first));
	one = pc_tokens_kept();
	ck_assert_uint_gt(one, 0);
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	ck_assert_uint_eq(pc_tokens_kept(), PC_TOKENS_SESSION * one);
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", first);
	/* the newest still serves */
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	token_of_answer(token, sizeof(token));
	ck_assert_int_eq(continue_retrieve("ContinueRetrievePropertiesEx", "ha-property-collector",
					   token), 200);
	token_of_answer(token, sizeof(token));
	/* unused for PC_TOKEN_IDLE_S: gone */
	pc_tokens_expire((uint64_t)time(NULL) + PC_TOKEN_IDLE_S);
	ck_assert_uint_eq(pc_tokens_kept(), 0);
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", token);
	/* Logout frees the session's */
	ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
	ck_assert_uint_gt(pc_tokens_kept(), 0);
	ck_assert_int_eq(call(SOAP("<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">"
		"ha-sessionmgr</_this></Logout>")), 200);
	ck_assert_uint_eq(pc_tokens_kept(), 0);
}
END_TEST

/*
 * Many sessions that never continue: PC_TOKENS_MAX tokens are kept in
 * all, and a new one past that drops the least recently used, whoever
 * made it (the first session's first token), not the newest.
 */
START_TEST(test_tokens_of_many_sessions_are_bounded_in_all)
{
	char view[MO_VALUE_LEN], first[64], last[64], first_cookie[sizeof(cookie)];
	size_t one = 0, s, i, sessions = PC_TOKENS_MAX / PC_TOKENS_SESSION + 2;

	for (s = 0; s < sessions; s++) {
		cookie[0] = '\0';	/* a client of its own, not a new login on one */
		ck_assert_int_eq(login("root", "secret"), 200);
		if (s == 0)
			snprintf(first_cookie, sizeof(first_cookie), "%s", cookie);
		vm_view(view, sizeof(view));
		for (i = 0; i < PC_TOKENS_SESSION; i++) {
			ck_assert_int_eq(retrieve_names(view, "<maxObjects>1</maxObjects>"), 200);
			if (s == 0 && i == 0) {
				token_of_answer(first, sizeof(first));
				one = pc_tokens_kept();
			}
		}
	}
	token_of_answer(last, sizeof(last));
	ck_assert_uint_gt(one, 0);
	ck_assert_uint_eq(pc_tokens_kept(), PC_TOKENS_MAX * one);
	ck_assert_int_eq(continue_retrieve("ContinueRetrievePropertiesEx", "ha-property-collector",
					   last), 200);
	snprintf(cookie, sizeof(cookie), "%s", first_cookie);
	token_refused("ContinueRetrievePropertiesEx", "ha-property-collector", first);
}
END_TEST

START_TEST(test_logout_ends_the_session)
{
	ck_assert_int_eq(login("root", "secret"), 200);
	ck_assert_int_eq(call(SOAP("<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">"
		"ha-sessionmgr</_this></Logout>")), 200);
	ck_assert_int_eq(call(SOAP("<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">"
		"ha-sessionmgr</_this></Logout>")), 500);
	fault_is("NotAuthenticated");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("hostd_soap");

	tcase_add_checked_fixture(tc, ds_setup, ds_teardown);
	tcase_add_test(tc, test_service_content_is_served_without_a_session);
	tcase_add_test(tc, test_login_with_the_shadow_password_sets_the_session_cookie);
	tcase_add_test(tc, test_wrong_password_unknown_and_locked_users_are_invalid_login);
	tcase_add_test(tc, test_only_the_administrators_named_may_log_in);
	tcase_add_test(tc, test_calls_without_a_session_are_not_authenticated);
	tcase_add_test(tc, test_container_view_lists_every_vm_with_typed_values);
	tcase_add_test(tc, test_a_vm_tree_holds_only_the_properties_asked_for);
	tcase_add_test(tc, test_a_vm_tree_asks_the_backend_only_what_it_needs);
	tcase_add_test(tc, test_power_off_task_finishes_and_the_vm_is_off);
	tcase_add_test(tc, test_hostile_requests_are_invalid_request);
	tcase_add_test(tc, test_unknown_objects_properties_and_methods_are_told_apart);
	tcase_add_test(tc, test_find_by_inventory_path_walks_the_names_from_the_root);
	tcase_add_test(tc, test_the_browser_types_files_and_follows_no_link);
	tcase_add_test(tc, test_logout_ends_the_session);
	tcase_add_test(tc, test_max_objects_pages_the_result_with_tokens_good_once);
	tcase_add_test(tc, test_a_token_serves_only_its_session_and_collector);
	tcase_add_test(tc, test_tokens_never_continued_are_bounded_and_freed);
	tcase_add_test(tc, test_tokens_of_many_sessions_are_bounded_in_all);
	tcase_add_test(tc, test_a_calls_cookie_and_delay_do_not_reach_the_next_call);
	tcase_add_test(tc, test_shutdown_guest_presses_the_button_of_a_running_guest);
	tcase_add_test(tc, test_reboot_guest_is_refused_with_the_ways_that_work);
	tcase_add_test(tc, test_a_vms_guest_has_no_tools_running);
	tcase_add_test(tc, test_unregister_forgets_only_a_powered_off_vm);
	tcase_add_test(tc, test_create_vm_writes_a_vmx_and_registers_it);
	tcase_add_test(tc, test_create_vm_refuses_bad_specs_and_loses_nothing);
	tcase_add_test(tc, test_register_vm_refuses_what_it_cannot_add);
	tcase_add_test(tc, test_destroy_refuses_a_running_vm_and_keeps_it);
	tcase_add_test(tc, test_destroy_deletes_only_the_vms_own_files);
	tcase_add_test(tc, test_datastores_are_the_folders_given_with_their_space);
	tcase_add_test(tc, test_a_hung_datastore_costs_one_bounded_wait_and_holds_up_nothing);
	tcase_add_test(tc, test_networks_are_the_port_groups_with_the_vms_on_them);
	tcase_add_test(tc, test_a_vms_nics_are_its_devices);
	tcase_add_test(tc, test_a_registered_vms_nics_are_read_from_its_vmx);
	tcase_add_test(tc, test_a_registered_vms_disks_are_its_devices);
	tcase_add_test(tc, test_create_vm_with_nics_writes_them_and_reads_them_back);
	tcase_add_test(tc, test_create_vm_refuses_devices_it_cannot_give_and_writes_nothing);
	tcase_add_test(tc, test_vmfs_datastores_are_the_vmkernels_volumes);
	tcase_add_test(tc, test_create_vm_makes_its_disks_on_a_vmfs_datastore);
	tcase_add_test(tc, test_create_vm_names_a_disk_given_without_a_file_name);
	tcase_add_test(tc, test_a_failed_create_vm_says_which_disks_it_left);
	tcase_add_test(tc, test_destroy_deletes_the_vms_disks_on_vmfs);
	tcase_add_test(tc, test_create_vm_refuses_bad_disks_and_makes_nothing);
	return check_run("hostd_soap", tc);
}
