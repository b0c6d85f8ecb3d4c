/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmk-hostd: the vSphere Web Services API (SOAP over HTTPS at /sdk) for
 * this host, ESXi style (docs/rpc.md). One file per concern:
 *   main.c       options, the host certificate, start and stop
 *   http.c       HTTPS (libmicrohttpd + GnuTLS): /sdk, request limits
 *   cert.c       the host certificate, made at the first start
 *   soap.c       SOAP requests (libxml2) and responses, faults, dispatch
 *   session.c    Login/Logout, the session cookie, password checks
 *   inventory.c  the managed objects and their properties
 *   propcol.c    PropertyCollector, ViewManager
 *   task.c       power operations and their Tasks
 *   vmops.c      RegisterVM, CreateVM, Destroy: VMs added and removed
 *   reconfig.c   ReconfigVM: a VM's vCPUs, memory and CPU allocation
 *   datastore.c  the Datastore objects
 *   dsfile.c     the datastores' files over HTTPS (/folder/)
 *   backend*.c   where the state lives (backend.h)
 * Requests are answered one at a time under one lock (http.c), so the
 * tables below need no locks of their own.
 */
#ifndef HOSTD_H
#define HOSTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include "backend.h"

#define HOSTD_API_VERSION	"6.7"
#define HOSTD_REQUEST_MAX	(512u * 1024)	/* bytes of one SOAP request */
#define HOSTD_XML_DEPTH_MAX	48		/* element nesting of a request */
#define HOSTD_SESSIONS_MAX	64
#define HOSTD_LOGIN_DELAY_MS	1500		/* after a failed Login */
#define HOSTD_COOKIE		"vmware_soap_session"

struct hostd_conf {
	const struct hostd_backend *backend;
	const char *passwd_file;	/* shadow(5) format */
	const char *admins;		/* the accounts that may log in, comma-separated */
	unsigned int session_idle_s;	/* a session unused this long ends */
	bool trace;			/* SOAP traffic to stderr (not Login's) */
	const char *datastores;		/* datastore ds is the folder DATASTORES/ds */
	unsigned int ds_wait_ms;	/* for a datastore's statvfs, then inaccessible */
	uint64_t upload_max;		/* bytes of one PUT /folder/ */
};
extern struct hostd_conf hostd;

/* A managed object reference: <x type="TYPE">VALUE</x>. */
#define MO_VALUE_LEN	80
struct mo {
	char type[32];
	char value[MO_VALUE_LEN];
};

struct session;

/* A SOAP fault to answer instead of the method's result. */
struct soap_fault {
	const char *type;		/* vim25 fault type; NULL: none */
	char msg[256];			/* faultstring */
	struct mo obj;			/* ManagedObjectNotFound, NotAuthenticated */
	char arg[128];			/* InvalidArgument, InvalidProperty, MethodNotFound,
					 * InvalidPowerState (the existing state) */
};

/* One SOAP request being answered. */
struct soap_call {
	xmlNodePtr method;		/* the element in soapenv:Body */
	struct mo this;			/* its <_this> */
	xmlTextWriterPtr w;		/* the response's returnval goes here */
	struct session *session;	/* NULL: not logged in */
	const char *peer;		/* the client's address */
	const char *user_agent;
	char set_cookie[128];		/* a Set-Cookie header to send, or "" */
	bool login_failed;		/* http.c delays the answer */
	bool final;			/* a WaitForUpdates may not wait again */
	unsigned int wait_s;		/* > 0: nothing changed, ask again for so long */
	struct soap_fault fault;
	/* mo_tree_of(): the properties the tree is built for; NULL: all */
	const char *const *want;
	size_t nwant;
	/* the backend's state, read once per request when first needed */
	bool host_read, vms_read, nets_read, ds_read;
	size_t nvms, nnets, nds;
	struct hostd_host host;
	/*
	 * From here on (SOAP_CALL_TABLES), not cleared between requests:
	 * only the first nvms, nnets, nds entries are read, each filled by
	 * the backend when the table is read.
	 */
	struct hostd_vm vms[HOSTD_VMS_MAX];
	struct hostd_net nets[HOSTD_NETS_MAX];
	struct hostd_datastore ds[HOSTD_DATASTORES_MAX];	/* the VMFS volumes */
};
#define SOAP_CALL_TABLES	offsetof(struct soap_call, vms)

/* One POST /sdk as http.c sees it. */
struct soap_io {
	const char *body;		/* in */
	size_t len;
	const char *cookie, *peer, *user_agent;
	bool final;			/* the last try of a waiting call */
	char *out;			/* out: malloc'd response */
	size_t outlen;
	char set_cookie[128];
	bool login_failed;
	unsigned int wait_s;		/* > 0: sleep a little and ask again, for at most so long */
};
/* soap.c: answer one request; the HTTP status (200, or 500 for a fault). */
int soap_handle(struct soap_io *io);
/* A fault for this call; returns -1 so handlers can `return soap_fail(...)`. */
int soap_fail(struct soap_call *c, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A fault whose sentence is what diag says, one a line; diag is freed. */
int soap_fail_diag(struct soap_call *c, const char *type, struct diag *diag);
int soap_fail_not_found(struct soap_call *c, const struct mo *obj);
int soap_fail_argument(struct soap_call *c, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Request helpers: the first child element of n named name, its text. */
xmlNodePtr xml_child(xmlNodePtr n, const char *name);
xmlNodePtr xml_next(xmlNodePtr n, const char *name);	/* next sibling of that name */
/* Text of n into buf (trimmed, "" when NULL); -1 if it does not fit. */
int xml_text(xmlNodePtr n, char *buf, size_t len);
/* n's xsi:type without its namespace prefix into buf ("" when none); -1 if it does not fit. */
int xml_xsi_type(xmlNodePtr n, char *buf, size_t len);
/* <x type="T">V</x> into mo; -1 if either part is missing or too long. */
int xml_mo(xmlNodePtr n, struct mo *mo);
bool xml_bool(xmlNodePtr n, bool dflt);

/* Response helpers (on c->w). */
void xw_start(struct soap_call *c, const char *name);
void xw_start_typed(struct soap_call *c, const char *name, const char *xsi_type);
void xw_end(struct soap_call *c);
void xw_text(struct soap_call *c, const char *name, const char *text);
void xw_typed(struct soap_call *c, const char *name, const char *xsi_type, const char *text);
void xw_printf(struct soap_call *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xw_bool(struct soap_call *c, const char *name, bool v);
void xw_time(struct soap_call *c, const char *name, uint64_t epoch);
void xw_mo(struct soap_call *c, const char *name, const struct mo *mo);
void xw_mo_typed(struct soap_call *c, const char *name, const struct mo *mo);
void xw_attr(struct soap_call *c, const char *name, const char *value);
void xw_fault(struct soap_call *c, const struct soap_fault *f); /* typed MethodFault body */

/* The backend's state for this request; -1 with a fault. */
int call_host(struct soap_call *c, const struct hostd_host **host);
int call_vms(struct soap_call *c);
const struct hostd_vm *call_vm(struct soap_call *c, const char *value);
int call_nets(struct soap_call *c);
/* A Network's moref value is this and the port group's name, as ESXi names them. */
#define NET_MO_PREFIX	"HaNetwork-"
/* The port group of a Network's moref value ("HaNetwork-NAME"), or NULL. */
const struct hostd_net *call_net(struct soap_call *c, const char *value);
/* The port group named name, or NULL. */
const struct hostd_net *call_net_named(struct soap_call *c, const char *name);
/* The vmkernel's mounted VMFS volumes into c->ds. */
int call_datastores(struct soap_call *c);

/* session.c */
struct session *session_find(const char *cookie);
int sm_login(struct soap_call *c);
int sm_logout(struct soap_call *c);
int sm_session_is_active(struct soap_call *c);
/* currentSession of the SessionManager into its object tree. */
void session_tree(struct soap_call *c, xmlNodePtr obj);
unsigned int session_id(const struct session *s);
const char *session_user(const struct session *s);
/* Per-session objects (views, filters): a small slot table in the session. */
#define SESSION_OBJS_MAX	32
struct session_obj {
	bool used;
	char kind;			/* 'v': ContainerView, 'f': PropertyFilter */
	struct mo mo;
	xmlDocPtr doc;			/* what made it: CreateFilter's <spec>,
					   the CreateContainerView call */
	char *last;			/* a filter's state last reported */
	char owner[MO_VALUE_LEN];	/* a filter's PropertyCollector */
};
struct session_obj *session_objs(struct session *s);
void session_obj_free(struct session_obj *o);

/*
 * inventory.c: the managed objects. Each object is built for the request
 * as a small libxml2 tree (an "object tree": one child element per
 * property, typed by internal "_t" attributes), so that any property path
 * ("summary.config.name") is a walk down the tree, and writing a value is
 * one serializer for every type.
 */
/* 0 if mo names an object that exists now; -1 with ManagedObjectNotFound. */
int mo_check(struct soap_call *c, const struct mo *mo);
/* Is an object of type `type` a `want` (same type, or want is a base type)? */
bool mo_is_a(const char *type, const char *want);
/* mo as an object tree (free with xmlFreeNode), NULL with a fault. */
xmlNodePtr mo_tree(struct soap_call *c, const struct mo *mo);
/*
 * The same with only the top-level properties the n paths start with (a
 * tree may hold more: only VirtualMachine's leaves out the others). A
 * RetrievePropertiesEx of runtime.powerState of a VM built its whole
 * config, devices and summary before, most of the call's time.
 */
xmlNodePtr mo_tree_of(struct soap_call *c, const struct mo *mo, const char *const *paths,
		      size_t n);
/* In a tree's function: is top-level property prop to be built? */
bool mo_wants(const struct soap_call *c, const char *prop);
/* The node of a property path in an object tree: NULL if it is unset. */
xmlNodePtr mo_path(xmlNodePtr tree, const char *path);
/* Is path's first part a property of mo's type? */
bool mo_has_prop(const char *type, const char *path);
/* The top-level properties of a type (for all=true), NULL-terminated. */
const char *const *mo_all_props(const char *type);
/* The references in a property node (one, or an array) into out. */
size_t mo_refs(xmlNodePtr prop, struct mo *out, size_t max);
/* Write a property node as elem; typed: with xsi:type (a val of anyType). */
void mo_write(struct soap_call *c, xmlNodePtr prop, const char *elem, bool typed);
/* Every entity below container (not itself), breadth first. */
size_t mo_descendants(struct soap_call *c, const struct mo *container, bool recursive,
		      struct mo *out, size_t max);
int si_retrieve_content(struct soap_call *c);
/* scsi0.virtualDev of a vim25 SCSI controller type, or NULL. */
const char *scsi_dev_of_type(const char *api);
const char *scsi_type_of_dev(const char *vmx);	/* the other way; NULL if none */
int si_find_by_uuid(struct soap_call *c);
int si_find_child(struct soap_call *c);
int si_find_by_inventory_path(struct soap_call *c);
#define MO_REFS_MAX	(HOSTD_VMS_MAX + 2 * HOSTD_DATASTORES_MAX + HOSTD_NETS_MAX + 16)

/* Building object trees. */
xmlNodePtr ob_complex(xmlNodePtr parent, const char *name, const char *type);
void ob_value(xmlNodePtr parent, const char *name, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ob_str(xmlNodePtr parent, const char *name, const char *value);
void ob_bool(xmlNodePtr parent, const char *name, bool v);
void ob_time(xmlNodePtr parent, const char *name, uint64_t epoch);
void ob_ref(xmlNodePtr parent, const char *name, const char *type, const char *value);
xmlNodePtr ob_array(xmlNodePtr parent, const char *name, const char *item_type);
/* A fault as a LocalizedMethodFault (TaskInfo.error). */
void ob_fault(xmlNodePtr parent, const char *name, const struct soap_fault *f);

/*
 * dsfile.c: a datastore's files, GET and PUT /folder/PATH?dsName=DS
 * (ESXi's datastore file service); http.c is the transport. Each step
 * returns 0, or -1 with the HTTP status and its text in the dsf; only
 * dsf_locate() needs the request lock.
 */
struct dsf {
	int status;			/* the HTTP status to answer, 0 while going well */
	char why[HOSTD_PATH_LEN + 256];	/* its text */
	char ds[HOSTD_DS_NAME_LEN + 64];	/* dsName as given */
	char path[HOSTD_PATH_LEN];	/* PATH, decoded */
	const char *name;		/* its last name, in path */
	char root[HOSTD_PATH_LEN];	/* the datastore's folder in the COS */
	bool vmfs;			/* a VMFS volume: only its .vmx files */
	int dir;			/* the folder of the file, or -1 */
	int fd;				/* GET: the file; PUT: the temporary file; or -1 */
	char tmp[32];			/* PUT: the temporary file's name in dir, or "" */
	bool existed;			/* PUT: a file was replaced */
	mode_t old_mode;		/* PUT: ... its mode and owner, kept */
	uid_t old_uid;
	gid_t old_gid;
	uint64_t size;			/* GET: the file's size */
	uint64_t written;		/* PUT: bytes so far */
};
void dsf_init(struct dsf *f);
/* The datastore dsName of a request (dcPath, if given, ha-datacenter) and PATH's check. */
int dsf_locate(struct dsf *f, const char *ds, const char *dc, const char *path, bool put);
int dsf_open_get(struct dsf *f);		/* the file to send, f->fd and f->size */
/* The temporary file of a PUT; declared: its Content-Length, or UINT64_MAX. */
int dsf_open_put(struct dsf *f, uint64_t declared);
int dsf_write(struct dsf *f, const char *data, size_t len);
int dsf_commit(struct dsf *f);	/* the file in place: status 201, or 200 when replaced */
void dsf_close(struct dsf *f);		/* a temporary file not committed is removed */

/* propcol.c */
int pc_retrieve_properties(struct soap_call *c);
int pc_retrieve_properties_ex(struct soap_call *c);
int pc_continue_retrieve_properties_ex(struct soap_call *c);
int pc_cancel_retrieve_properties_ex(struct soap_call *c);
/* RetrievePropertiesEx's tokens (propcol.c): their bounds */
#define PC_TOKENS_SESSION	4		/* kept per session */
#define PC_TOKENS_MAX		32		/* kept in all */
#define PC_KEPT_MAX		(4u * 1024 * 1024)	/* bytes of objects kept in all */
#define PC_TOKEN_IDLE_S		600		/* unused this long: dropped */
void pc_tokens_drop(unsigned int session);	/* a session's end */
void pc_tokens_expire(uint64_t now);		/* those unused for PC_TOKEN_IDLE_S */
size_t pc_tokens_kept(void);			/* bytes kept now */
int pc_create_filter(struct soap_call *c);
int pc_wait_for_updates(struct soap_call *c);
int vm_create_container_view(struct soap_call *c);
int pc_destroy_session_obj(struct soap_call *c);
int pc_create_collector(struct soap_call *c);
int pc_destroy_collector(struct soap_call *c);
struct session_obj *pc_session_obj(struct soap_call *c, const struct mo *mo);
int pc_view_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj);

/* task.c */
int vm_power_on_task(struct soap_call *c);
int vm_power_off_task(struct soap_call *c);
int vm_reset_task(struct soap_call *c);
int vm_shutdown_guest(struct soap_call *c);
int vm_reboot_guest(struct soap_call *c);
int vm_unregister(struct soap_call *c);

/* vmops.c */
int folder_register_vm_task(struct soap_call *c);
/* reconfig.c */
int vm_reconfig_task(struct soap_call *c);

/*
 * datastore.c: the vmkernel's VMFS volumes and the other folders of
 * hostd.datastores as Datastore objects (HOSTD_DATASTORES_MAX of each;
 * more folders are left out). With a fault when the backend failed:
 * ds_refs() -1, the others false or NULL.
 */
#define DS_NAME_MAX		HOSTD_DS_NAME_LEN	/* a datastore's name, with its NUL */
bool path_name_ok(const char *s, size_t len);	/* a plain file name, not . or .. */
bool ds_exists(struct soap_call *c, const char *name);
/* The VMFS volume named name, or NULL (a folder, or none). */
const struct hostd_datastore *call_vmfs(struct soap_call *c, const char *name);
/*
 * inventory.c: a disk's fileName as a datastore path into out:
 * "/vmfs/volumes/LABEL/x" is "[LABEL] x"; its label into label ("" when
 * it names none).
 */
void disk_ds_path(const char *file, char *out, size_t len, char *label, size_t label_len);
int ds_refs(struct soap_call *c, xmlNodePtr array);	/* every datastore's moref, sorted */
/*
 * The COS folder of datastore name into dir: a folder datastore's own, or
 * for a mounted VMFS volume the folder of its label (*vmfs), where its VMs'
 * .vmx files are (it may not exist yet). false: no such datastore, with a
 * fault when the vmkernel could not be asked.
 */
bool ds_cos_folder(struct soap_call *c, const char *name, char *dir, size_t len, bool *vmfs);
/* The datastore of a file in the COS (DATASTORES/NAME/...) into name. */
bool ds_of_path(struct soap_call *c, const char *path, char *name, size_t len);
int datastore_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj);
void ds_probes_stop(void);	/* SIGKILL to the statvfs probes still asking */
int folder_create_vm_task(struct soap_call *c);
int vm_destroy_task(struct soap_call *c);
bool task_exists(const char *value);
/*
 * A new Task of method on _this (kept among the last ones), done when it
 * is answered: set its error (type NULL: success) and result first.
 */
struct task;
struct task *task_new(struct soap_call *c, const char *method, const char *entity_name);
/* The Task failed with fault type (arg: its field, see ob_fault()). */
void task_fail(struct task *t, const char *type, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Fail t with type (no arg) and what diag says, one a line; diag is freed. */
void task_fail_diag(struct task *t, const char *type, struct diag *diag);
bool task_failed(const struct task *t);
/* More of a failed t's sentence (cut at the fault's length); the sentence. */
void task_fail_more(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *task_error(const struct task *t);
void task_set_result(struct task *t, const char *type, const char *value);
/* A data object as the result (an object tree named "result", with its _xsi); t owns it. */
void task_set_result_tree(struct task *t, xmlNodePtr result);
/* dsbrowse.c: the datastore browser's searches, a disk's ddb.uuid */
int browser_search_task(struct soap_call *c);
int vdm_query_virtual_disk_uuid(struct soap_call *c);
/* The Task as the method's returnval. */
int task_answer(struct soap_call *c, const struct task *t);
int task_tree(struct soap_call *c, const char *value, xmlNodePtr obj);
/* The kept Tasks of a VM into an array of references (recentTask). */
void task_recent(const char *vm_value, xmlNodePtr array);

#endif /* HOSTD_H */
