// SPDX-License-Identifier: GPL-2.0-only
/*
 * SOAP 1.1 requests and responses of the vSphere API (vim25). A request is
 * parsed by libxml2 with the network and external entities off, refused
 * if it has a DTD or nests deeper than HOSTD_XML_DEPTH_MAX; the method is
 * the element in soapenv:Body, its target the <_this> reference. Responses
 * are written with xmlTextWriter, in the shape ESXi's hostd gives (and
 * govmomi's simulator copies): faults as soapenv:Fault with a typed
 * <detail>, HTTP status 500.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include "hostd.h"

#define NS_SOAPENV	"http://schemas.xmlsoap.org/soap/envelope/"
#define NS_VIM25	"urn:vim25"

struct method {
	const char *name;
	const char *this_type;		/* the type <_this> must have */
	bool anonymous;			/* allowed without a session */
	int (*fn)(struct soap_call *c);
};

static const struct method methods[] = {
	{ "RetrieveServiceContent", "ServiceInstance", true, si_retrieve_content },
	{ "Login", "SessionManager", true, sm_login },
	{ "Logout", "SessionManager", false, sm_logout },
	{ "SessionIsActive", "SessionManager", false, sm_session_is_active },
	{ "RetrieveProperties", "PropertyCollector", false, pc_retrieve_properties },
	{ "RetrievePropertiesEx", "PropertyCollector", false, pc_retrieve_properties_ex },
	{ "ContinueRetrievePropertiesEx", "PropertyCollector", false,
	  pc_continue_retrieve_properties_ex },
	{ "CancelRetrievePropertiesEx", "PropertyCollector", false,
	  pc_cancel_retrieve_properties_ex },
	{ "CreateFilter", "PropertyCollector", false, pc_create_filter },
	{ "CreatePropertyCollector", "PropertyCollector", false, pc_create_collector },
	{ "DestroyPropertyCollector", "PropertyCollector", false, pc_destroy_collector },
	{ "DestroyPropertyFilter", "PropertyFilter", false, pc_destroy_session_obj },
	{ "WaitForUpdates", "PropertyCollector", false, pc_wait_for_updates },
	{ "WaitForUpdatesEx", "PropertyCollector", false, pc_wait_for_updates },
	{ "CreateContainerView", "ViewManager", false, vm_create_container_view },
	{ "DestroyView", "ContainerView", false, pc_destroy_session_obj },
	{ "FindByUuid", "SearchIndex", false, si_find_by_uuid },
	{ "FindByInventoryPath", "SearchIndex", false, si_find_by_inventory_path },
	{ "FindChild", "SearchIndex", false, si_find_child },
	{ "PowerOnVM_Task", "VirtualMachine", false, vm_power_on_task },
	{ "PowerOffVM_Task", "VirtualMachine", false, vm_power_off_task },
	{ "ResetVM_Task", "VirtualMachine", false, vm_reset_task },
	{ "ShutdownGuest", "VirtualMachine", false, vm_shutdown_guest },
	{ "RebootGuest", "VirtualMachine", false, vm_reboot_guest },
	{ "UnregisterVM", "VirtualMachine", false, vm_unregister },
	{ "Destroy_Task", "VirtualMachine", false, vm_destroy_task },
	{ "ReconfigVM_Task", "VirtualMachine", false, vm_reconfig_task },
	{ "RegisterVM_Task", "Folder", false, folder_register_vm_task },
	{ "CreateVM_Task", "Folder", false, folder_create_vm_task },
	{ "SearchDatastore_Task", "HostDatastoreBrowser", false, browser_search_task },
	{ "SearchDatastoreSubFolders_Task", "HostDatastoreBrowser", false, browser_search_task },
	{ "QueryVirtualDiskUuid", "VirtualDiskManager", false, vdm_query_virtual_disk_uuid },
};

/* ---- reading the request ---- */

static bool is_element(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && (!name || !strcmp((const char *)n->name, name));
}

xmlNodePtr xml_next(xmlNodePtr n, const char *name)
{
	for (n = n ? n->next : NULL; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

xmlNodePtr xml_child(xmlNodePtr n, const char *name)
{
	if (!n)
		return NULL;
	for (n = n->children; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

int xml_xsi_type(xmlNodePtr n, char *buf, size_t len)
{
	xmlChar *t = n ? xmlGetNsProp(n, (const xmlChar *)"type",
				      (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance") : NULL;
	const char *s = t ? strchr((const char *)t, ':') : NULL;
	int ret;

	s = s ? s + 1 : t ? (const char *)t : "";
	ret = strlen(s) < len ? 0 : -1;
	snprintf(buf, len, "%s", ret ? "" : s);
	xmlFree(t);
	return ret;
}

int xml_text(xmlNodePtr n, char *buf, size_t len)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	size_t l;
	int ret = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' || s[l - 1] == '\r'))
		l--;
	if (l >= len) {
		ret = -1;
		l = 0;
	}
	memcpy(buf, s, l);
	buf[l] = 0;
	xmlFree(t);
	return ret;
}

int xml_mo(xmlNodePtr n, struct mo *mo)
{
	xmlChar *type = n ? xmlGetNoNsProp(n, (const xmlChar *)"type") : NULL;
	int ret = -1;

	memset(mo, 0, sizeof(*mo));
	if (type && strlen((const char *)type) < sizeof(mo->type) &&
	    !xml_text(n, mo->value, sizeof(mo->value)) && mo->value[0]) {
		strcpy(mo->type, (const char *)type);
		ret = 0;
	}
	xmlFree(type);
	return ret;
}

bool xml_bool(xmlNodePtr n, bool dflt)
{
	char t[8];

	if (!n || xml_text(n, t, sizeof(t)))
		return dflt;
	return !strcmp(t, "true") || !strcmp(t, "1");
}

static int depth_ok(xmlNodePtr n, int depth)
{
	if (depth > HOSTD_XML_DEPTH_MAX)
		return 0;
	for (n = n->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !depth_ok(n, depth + 1))
			return 0;
	return 1;
}

static bool ns_is(xmlNodePtr n, const char *ns)
{
	return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

/*
 * The request document, or NULL with an InvalidRequest fault. No option
 * that reaches outside the document: XML_PARSE_NONET, and neither
 * XML_PARSE_NOENT (entity substitution) nor XML_PARSE_DTDLOAD; a DTD of
 * any kind is refused.
 */
static xmlDocPtr parse_request(struct soap_call *c, const char *body, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlError *e;

	if (len > HOSTD_REQUEST_MAX) {
		soap_fail(c, "InvalidRequest", "request of %zu bytes is larger than %u",
			  len, HOSTD_REQUEST_MAX);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		soap_fail(c, "SystemError", "out of memory");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, "sdk", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		e = xmlCtxtGetLastError(ctxt);
		soap_fail(c, "InvalidRequest", "malformed request: %s",
			  e && e->message ? e->message : "not XML");
		if (strlen(c->fault.msg) && c->fault.msg[strlen(c->fault.msg) - 1] == '\n')
			c->fault.msg[strlen(c->fault.msg) - 1] = 0;
	} else if (doc->intSubset || doc->extSubset) {
		soap_fail(c, "InvalidRequest", "a request must not have a DTD");
	} else if (!depth_ok(xmlDocGetRootElement(doc), 1)) {
		soap_fail(c, "InvalidRequest", "request nests deeper than %d elements",
			  HOSTD_XML_DEPTH_MAX);
	}
	xmlFreeParserCtxt(ctxt);
	if (c->fault.type && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

/* The method element in Envelope/Body, or NULL with a fault. */
static xmlNodePtr find_method(struct soap_call *c, xmlDocPtr doc)
{
	xmlNodePtr env = xmlDocGetRootElement(doc), body, m;

	if (!is_element(env, "Envelope") || !ns_is(env, NS_SOAPENV)) {
		soap_fail(c, "InvalidRequest", "not a SOAP envelope");
		return NULL;
	}
	body = xml_child(env, "Body");
	m = body ? xml_child(body, NULL) : NULL;
	if (!body || !ns_is(body, NS_SOAPENV) || !m) {
		soap_fail(c, "InvalidRequest", "the SOAP body names no method");
		return NULL;
	}
	if (!ns_is(m, NS_VIM25)) {
		soap_fail(c, "InvalidRequest", "method %s is not in namespace %s",
			  (const char *)m->name, NS_VIM25);
		return NULL;
	}
	return m;
}

/* ---- faults ---- */

static int vfail(struct soap_call *c, const char *type, const char *fmt, va_list ap)
{
	if (c->fault.type)
		return -1;	/* the first fault is the one to tell */
	c->fault.type = type;
	vsnprintf(c->fault.msg, sizeof(c->fault.msg), fmt, ap);
	return -1;
}

int soap_fail(struct soap_call *c, const char *type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, type, fmt, ap);
	va_end(ap);
	return -1;
}

int soap_fail_diag(struct soap_call *c, const char *type, struct diag *diag)
{
	char msg[sizeof(c->fault.msg)];

	diag_join(diag, msg, sizeof(msg));
	diag_free(diag);
	return soap_fail(c, type, "%s", msg);
}

int soap_fail_not_found(struct soap_call *c, const struct mo *obj)
{
	if (!c->fault.type)
		c->fault.obj = *obj;
	return soap_fail(c, "ManagedObjectNotFound",
			 "The object '%s:%s' has already been deleted or has not been completely created",
			 obj->type, obj->value);
}

int soap_fail_argument(struct soap_call *c, const char *arg, const char *fmt, ...)
{
	va_list ap;

	if (!c->fault.type)
		snprintf(c->fault.arg, sizeof(c->fault.arg), "%s", arg);
	va_start(ap, fmt);
	vfail(c, "InvalidArgument", fmt, ap);
	va_end(ap);
	return -1;
}

void xw_fault(struct soap_call *c, const struct soap_fault *f)
{
	const char *t = f->type;

	if (!strcmp(t, "ManagedObjectNotFound")) {
		xw_mo(c, "obj", &f->obj);
	} else if (!strcmp(t, "NotAuthenticated")) {
		xw_mo(c, "object", &f->obj);
		xw_text(c, "privilegeId", "System.View");
	} else if (!strcmp(t, "InvalidArgument") && f->arg[0]) {
		xw_text(c, "invalidProperty", f->arg);
	} else if (!strcmp(t, "InvalidProperty")) {
		xw_text(c, "name", f->arg);
	} else if (!strcmp(t, "MethodNotFound")) {
		xw_mo(c, "receiver", &f->obj);
		xw_text(c, "method", f->arg);
	} else if (!strcmp(t, "InvalidPowerState")) {
		xw_text(c, "existingState", f->arg);
	} else if (!strcmp(t, "SystemError")) {
		xw_text(c, "reason", f->msg);
	}
}

/* ---- writing the response ---- */

void xw_attr(struct soap_call *c, const char *name, const char *value)
{
	xmlTextWriterWriteAttribute(c->w, (const xmlChar *)name, (const xmlChar *)value);
}

void xw_start(struct soap_call *c, const char *name)
{
	xmlTextWriterStartElement(c->w, (const xmlChar *)name);
}

void xw_start_typed(struct soap_call *c, const char *name, const char *xsi_type)
{
	xw_start(c, name);
	xw_attr(c, "xsi:type", xsi_type);
}

void xw_end(struct soap_call *c)
{
	xmlTextWriterFullEndElement(c->w);
}

void xw_text(struct soap_call *c, const char *name, const char *text)
{
	xw_start(c, name);
	xmlTextWriterWriteString(c->w, (const xmlChar *)text);
	xw_end(c);
}

void xw_typed(struct soap_call *c, const char *name, const char *xsi_type, const char *text)
{
	xw_start_typed(c, name, xsi_type);
	xmlTextWriterWriteString(c->w, (const xmlChar *)text);
	xw_end(c);
}

void xw_printf(struct soap_call *c, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	xw_text(c, name, buf);
}

void xw_bool(struct soap_call *c, const char *name, bool v)
{
	xw_text(c, name, v ? "true" : "false");
}

void xw_time(struct soap_call *c, const char *name, uint64_t epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	xw_text(c, name, buf);
}

void xw_mo(struct soap_call *c, const char *name, const struct mo *mo)
{
	xw_start(c, name);
	xw_attr(c, "type", mo->type);
	xmlTextWriterWriteString(c->w, (const xmlChar *)mo->value);
	xw_end(c);
}

void xw_mo_typed(struct soap_call *c, const char *name, const struct mo *mo)
{
	xw_start_typed(c, name, "ManagedObjectReference");
	xw_attr(c, "type", mo->type);
	xmlTextWriterWriteString(c->w, (const xmlChar *)mo->value);
	xw_end(c);
}

/* The envelope up to and with soapenv:Body opened. */
static int envelope_start(struct soap_call *c, xmlBufferPtr *buf)
{
	*buf = xmlBufferCreate();
	c->w = *buf ? xmlNewTextWriterMemory(*buf, 0) : NULL;
	if (!c->w) {
		xmlBufferFree(*buf);
		return -1;
	}
	xmlTextWriterStartDocument(c->w, "1.0", "UTF-8", NULL);
	xw_start(c, "soapenv:Envelope");
	xw_attr(c, "xmlns:soapenc", "http://schemas.xmlsoap.org/soap/encoding/");
	xw_attr(c, "xmlns:soapenv", NS_SOAPENV);
	xw_attr(c, "xmlns:xsd", "http://www.w3.org/2001/XMLSchema");
	xw_attr(c, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	xw_start(c, "soapenv:Body");
	return 0;
}

static void fault_body(struct soap_call *c)
{
	char detail[64];

	xw_start(c, "soapenv:Fault");
	xw_text(c, "faultcode", "ServerFaultCode");
	xw_text(c, "faultstring", c->fault.msg);
	xw_start(c, "detail");
	snprintf(detail, sizeof(detail), "%sFault", c->fault.type);
	xw_start(c, detail);
	xw_attr(c, "xmlns", NS_VIM25);
	xw_attr(c, "xsi:type", c->fault.type);
	xw_fault(c, &c->fault);
	xw_end(c);
	xw_end(c);
	xw_end(c);
}

static int envelope_end(struct soap_call *c, xmlBufferPtr buf, char **out, size_t *outlen)
{
	xmlTextWriterEndDocument(c->w);
	xmlFreeTextWriter(c->w);
	c->w = NULL;
	*outlen = (size_t)xmlBufferLength(buf);
	*out = malloc(*outlen + 1);
	if (*out)
		memcpy(*out, xmlBufferContent(buf), *outlen + 1);
	xmlBufferFree(buf);
	return *out ? 0 : -1;
}

/* ---- the backend's state, once per request ---- */

int call_host(struct soap_call *c, const struct hostd_host **host)
{
	struct diag diag = { 0 };

	if (!c->host_read) {
		if (hostd.backend->host_info(hostd.backend->ctx, &c->host, &diag))
			return soap_fail_diag(c, "SystemError", &diag);
		c->host_read = true;
	}
	*host = &c->host;
	return 0;
}

int call_vms(struct soap_call *c)
{
	struct diag diag = { 0 };

	if (c->vms_read)
		return 0;
	if (hostd.backend->vm_list(hostd.backend->ctx, c->vms, &c->nvms, &diag))
		return soap_fail_diag(c, "SystemError", &diag);
	c->vms_read = true;
	return 0;
}

const struct hostd_vm *call_vm(struct soap_call *c, const char *value)
{
	char *end;
	unsigned long id = strtoul(value, &end, 10);
	size_t i;

	if (*end || end == value || call_vms(c))
		return NULL;
	for (i = 0; i < c->nvms; i++)
		if (c->vms[i].id == id)
			return &c->vms[i];
	return NULL;
}

int call_nets(struct soap_call *c)
{
	struct diag diag = { 0 };

	if (c->nets_read)
		return 0;
	if (hostd.backend->net_list(hostd.backend->ctx, c->nets, &c->nnets, &diag))
		return soap_fail_diag(c, "SystemError", &diag);
	c->nets_read = true;
	return 0;
}

int call_datastores(struct soap_call *c)
{
	struct diag diag = { 0 };

	if (c->ds_read)
		return 0;
	if (hostd.backend->ds_list(hostd.backend->ctx, c->ds, &c->nds, &diag))
		return soap_fail_diag(c, "SystemError", &diag);
	c->ds_read = true;
	return 0;
}

const struct hostd_net *call_net_named(struct soap_call *c, const char *name)
{
	if (call_nets(c))
		return NULL;
	for (size_t i = 0; i < c->nnets; i++)
		if (!strcmp(c->nets[i].name, name))
			return &c->nets[i];
	return NULL;
}

const struct hostd_net *call_net(struct soap_call *c, const char *value)
{
	if (strncmp(value, NET_MO_PREFIX, strlen(NET_MO_PREFIX)))
		return NULL;
	return call_net_named(c, value + strlen(NET_MO_PREFIX));
}

/* ---- one request ---- */

static int dispatch(struct soap_call *c)
{
	const char *name = (const char *)c->method->name;
	size_t i;

	if (xml_mo(xml_child(c->method, "_this"), &c->this))
		return soap_fail(c, "InvalidRequest", "%s: no _this reference", name);
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const struct method *m = &methods[i];

		if (strcmp(m->name, name))
			continue;
		if (!m->anonymous && !c->session) {
			c->fault.obj = c->this;
			return soap_fail(c, "NotAuthenticated",
					 "The session is not authenticated.");
		}
		if (strcmp(c->this.type, m->this_type) || mo_check(c, &c->this))
			return soap_fail_not_found(c, &c->this);
		return m->fn(c);
	}
	c->fault.obj = c->this;
	snprintf(c->fault.arg, sizeof(c->fault.arg), "%s", name);
	return soap_fail(c, "MethodNotFound", "method %s is not served by vmk-hostd", name);
}

/*
 * --trace: each request and its answer, for comparing with what a client
 * expects. Not the body of a Login, nor of a request that did not parse
 * (it may be a Login): those hold a password.
 */
static void trace(const struct soap_call *c, const struct soap_io *io)
{
	bool show = c->method && strcmp((const char *)c->method->name, "Login");

	if (show)
		fprintf(stderr, "vmk-hostd: request from %s: %.*s\n", io->peer,
			(int)(io->len > 4096 ? 4096 : io->len), io->body);
	else
		fprintf(stderr, "vmk-hostd: request from %s: %s (%zu bytes, not shown)\n",
			io->peer, c->method ? "Login" : "unparsed", io->len);
	fprintf(stderr, "vmk-hostd: answer: %.*s\n", (int)io->outlen, io->out ? io->out : "");
}

/*
 * One call's state, allocated once and kept: it is large (the VM table,
 * over 512 KiB), and an allocation that size is an mmap and a munmap at
 * every request (main.c fixes glibc's mmap threshold at 64 KiB), its
 * pages faulted in again each time (6 page faults a call) and a TLB flush
 * at its unmap: what TCG amplifies most (bench/README.md). Requests are
 * handled one at a time (http.c's lock), so one is enough.
 */
static struct soap_call *call_state;

int soap_handle(struct soap_io *io)
{
	struct soap_call *c = call_state;
	xmlBufferPtr buf;
	xmlDocPtr doc;
	int status = 200;
	char resp[96];

	io->out = NULL;
	if (!c)
		c = call_state = malloc(sizeof(*c));
	if (!c)
		return 500;
	memset(c, 0, SOAP_CALL_TABLES);
	c->peer = io->peer;
	c->user_agent = io->user_agent;
	c->final = io->final;
	c->session = session_find(io->cookie);
	doc = parse_request(c, io->body, io->len);
	if (doc)
		c->method = find_method(c, doc);
	if (envelope_start(c, &buf))
		goto out;
	if (c->method) {
		snprintf(resp, sizeof(resp), "%sResponse", (const char *)c->method->name);
		xw_start(c, resp);
		xw_attr(c, "xmlns", NS_VIM25);
		dispatch(c);
	}
	if (c->fault.type) {
		/* start again: nothing of a half-written answer may leak out */
		xmlFreeTextWriter(c->w);
		xmlBufferFree(buf);
		if (envelope_start(c, &buf))
			goto out;
		fault_body(c);
		status = 500;
	}
	if (envelope_end(c, buf, &io->out, &io->outlen))
		status = 500;
	if (hostd.trace)
		trace(c, io);
	snprintf(io->set_cookie, sizeof(io->set_cookie), "%s", c->set_cookie);
	io->login_failed = c->login_failed;
	io->wait_s = c->fault.type ? 0 : c->wait_s;
out:
	xmlFreeDoc(doc);
	return io->out ? status : 500;
}
