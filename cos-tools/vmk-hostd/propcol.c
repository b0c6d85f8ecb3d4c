// SPDX-License-Identifier: GPL-2.0-only
/*
 * PropertyCollector and ViewManager: how every vSphere client reads the
 * inventory. A PropertyFilterSpec names start objects (objectSet), the
 * TraversalSpecs that lead from them to others (selectSet, nested, or a
 * SelectionSpec naming a TraversalSpec of the same filter spec), and which
 * properties of which types to return (propSet). ContainerViews (the way
 * pyVmomi and govc list VMs) and PropertyFilters live in the session that
 * made them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hostd.h"

#define TRAVERSE_DEPTH_MAX	16
#define PATHS_MAX		64
#define UPDATE_WAIT_S		60	/* longest a WaitForUpdates waits */

struct collected {
	struct mo objs[MO_REFS_MAX];
	size_t n;
};

/* ---- session objects ---- */

struct session_obj *pc_session_obj(struct soap_call *c, const struct mo *mo)
{
	struct session_obj *o;
	size_t i;

	if (!c->session)
		return NULL;
	o = session_objs(c->session);
	for (i = 0; i < SESSION_OBJS_MAX; i++)
		if (o[i].used && !strcmp(o[i].mo.type, mo->type) &&
		    !strcmp(o[i].mo.value, mo->value))
			return &o[i];
	return NULL;
}

/*
 * A new object of the session holding a copy of the request's spec node
 * (none for a PropertyCollector), its reference the method's answer. A
 * filter belongs to the collector it was made on (owner).
 */
static int session_obj_new(struct soap_call *c, const char *type, xmlNodePtr spec,
			   const char *owner)
{
	static unsigned int serial;
	struct session_obj *o = session_objs(c->session);
	size_t i;

	for (i = 0; i < SESSION_OBJS_MAX && o[i].used; i++)
		;
	if (i == SESSION_OBJS_MAX)
		return soap_fail(c, "SystemError",
				 "a session may hold %d collectors, views and filters: destroy some",
				 SESSION_OBJS_MAX);
	o += i;
	if (spec) {
		o->doc = xmlNewDoc((const xmlChar *)"1.0");
		if (!o->doc)
			return soap_fail(c, "SystemError", "out of memory");
		xmlDocSetRootElement(o->doc, xmlDocCopyNode(spec, o->doc, 1));
	}
	o->used = true;
	snprintf(o->mo.type, sizeof(o->mo.type), "%s", type);
	snprintf(o->mo.value, sizeof(o->mo.value), "session[%u]%u", session_id(c->session), ++serial);
	snprintf(o->owner, sizeof(o->owner), "%s", owner);
	xw_mo(c, "returnval", &o->mo);
	return 0;
}

/* CreatePropertyCollector: a collector of the session's own (govmomi waits on Tasks so). */
int pc_create_collector(struct soap_call *c)
{
	return session_obj_new(c, "PropertyCollector", NULL, "");
}

/* DestroyPropertyCollector: it and its filters; the host's one stays. */
static void tokens_drop_collector(unsigned int session, const char *collector);

int pc_destroy_collector(struct soap_call *c)
{
	struct session_obj *o = session_objs(c->session);
	size_t i;

	if (!pc_session_obj(c, &c->this))
		return soap_fail(c, "NotSupported", "%s is the host's property collector",
				 c->this.value);
	for (i = 0; i < SESSION_OBJS_MAX; i++)
		if (o[i].used && !strcmp(o[i].mo.type, "PropertyFilter") &&
		    !strcmp(o[i].owner, c->this.value))
			session_obj_free(&o[i]);
	tokens_drop_collector(session_id(c->session), c->this.value);
	return pc_destroy_session_obj(c);
}

/* DestroyPropertyFilter, DestroyView */
int pc_destroy_session_obj(struct soap_call *c)
{
	struct session_obj *o = pc_session_obj(c, &c->this);

	if (!o)
		return soap_fail_not_found(c, &c->this);
	session_obj_free(o);
	return 0;
}

/* ---- traversal ---- */

static bool collected_has(const struct collected *col, const struct mo *mo)
{
	size_t i;

	for (i = 0; i < col->n; i++)
		if (!strcmp(col->objs[i].type, mo->type) && !strcmp(col->objs[i].value, mo->value))
			return true;
	return false;
}

/* The TraversalSpec named name anywhere in the filter spec. */
static xmlNodePtr traversal_named(xmlNodePtr n, const char *name)
{
	char t[128];
	xmlNodePtr ch, found;

	for (ch = n->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)ch->name, "selectSet") && xml_child(ch, "path") &&
		    !xml_text(xml_child(ch, "name"), t, sizeof(t)) && !strcmp(t, name))
			return ch;
		found = traversal_named(ch, name);
		if (found)
			return found;
	}
	return NULL;
}

static int visit(struct soap_call *c, xmlNodePtr spec, const struct mo *mo, bool skip,
		 xmlNodePtr from, int depth, struct collected *col);

/* Follow one TraversalSpec ts from mo. */
static int traverse(struct soap_call *c, xmlNodePtr spec, const struct mo *mo, xmlNodePtr ts,
		    int depth, struct collected *col)
{
	char type[32], path[128];
	struct mo *refs;
	xmlNodePtr tree, prop;
	size_t n, i;
	int ret = 0;

	if (xml_text(xml_child(ts, "type"), type, sizeof(type)) ||
	    xml_text(xml_child(ts, "path"), path, sizeof(path)) || !path[0])
		return soap_fail_argument(c, "selectSet", "a TraversalSpec needs a type and a path");
	if (!mo_is_a(mo->type, type))
		return 0;
	if (!mo_has_prop(mo->type, path)) {
		snprintf(c->fault.arg, sizeof(c->fault.arg), "%s", path);
		return soap_fail(c, "InvalidProperty", "%s has no property %s", type, path);
	}
	tree = mo_tree_of(c, mo, (const char *const[]){ path }, 1);
	if (!tree)
		return -1;
	/* on the heap: traversals nest up to TRAVERSE_DEPTH_MAX deep */
	refs = malloc(MO_REFS_MAX * sizeof(*refs));
	if (!refs) {
		xmlFreeNode(tree);
		return soap_fail(c, "SystemError", "out of memory");
	}
	prop = mo_path(tree, path);
	n = prop ? mo_refs(prop, refs, MO_REFS_MAX) : 0;
	xmlFreeNode(tree);
	for (i = 0; i < n && !ret; i++)
		ret = visit(c, spec, &refs[i], xml_bool(xml_child(ts, "skip"), false), ts,
			    depth + 1, col);
	free(refs);
	return ret;
}

/* Collect mo (unless skip) and follow the selectSet children of from. */
static int visit(struct soap_call *c, xmlNodePtr spec, const struct mo *mo, bool skip,
		 xmlNodePtr from, int depth, struct collected *col)
{
	char name[128];
	xmlNodePtr sel, ts;

	if (depth > TRAVERSE_DEPTH_MAX)
		return 0;
	if (!skip && !collected_has(col, mo) && col->n < MO_REFS_MAX)
		col->objs[col->n++] = *mo;
	for (sel = xml_child(from, "selectSet"); sel; sel = xml_next(sel, "selectSet")) {
		ts = sel;
		if (!xml_child(sel, "path")) {
			/* a SelectionSpec: the TraversalSpec of that name */
			if (xml_text(xml_child(sel, "name"), name, sizeof(name)) ||
			    !(ts = traversal_named(spec, name)))
				return soap_fail_argument(c, "selectSet",
							  "no TraversalSpec named '%s'", name);
		}
		if (traverse(c, spec, mo, ts, depth, col))
			return -1;
	}
	return 0;
}

/* The objects a PropertyFilterSpec reaches. */
static int collect(struct soap_call *c, xmlNodePtr spec, struct collected *col)
{
	xmlNodePtr os;
	struct mo mo;

	col->n = 0;
	for (os = xml_child(spec, "objectSet"); os; os = xml_next(os, "objectSet")) {
		if (xml_mo(xml_child(os, "obj"), &mo))
			return soap_fail_argument(c, "objectSet", "an ObjectSpec needs an obj");
		if (mo_check(c, &mo) ||
		    visit(c, spec, &mo, xml_bool(xml_child(os, "skip"), false), os, 0, col))
			return -1;
	}
	return 0;
}

struct paths {
	char path[PATHS_MAX][128];
	size_t n;
};

static void paths_add(struct paths *ps, const char *path)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->path[i], path))
			return;
	if (ps->n < PATHS_MAX)
		snprintf(ps->path[ps->n++], sizeof(ps->path[0]), "%s", path);
}

/* The property paths spec asks of an object of type; 1: no propSet is for it. */
static int paths_for(struct soap_call *c, xmlNodePtr spec, const char *type, struct paths *ps)
{
	char want[32], path[128];
	const char *const *all;
	xmlNodePtr set, p;
	bool match = false;

	ps->n = 0;
	for (set = xml_child(spec, "propSet"); set; set = xml_next(set, "propSet")) {
		if (xml_text(xml_child(set, "type"), want, sizeof(want)) || !mo_is_a(type, want))
			continue;
		match = true;
		if (xml_bool(xml_child(set, "all"), false))
			for (all = mo_all_props(type); *all; all++)
				paths_add(ps, *all);
		for (p = xml_child(set, "pathSet"); p; p = xml_next(p, "pathSet")) {
			if (xml_text(p, path, sizeof(path)) || !mo_has_prop(type, path)) {
				snprintf(c->fault.arg, sizeof(c->fault.arg), "%s", path);
				return soap_fail(c, "InvalidProperty", "%s has no property %s",
						 type, path);
			}
			paths_add(ps, path);
		}
	}
	return match ? 0 : 1;
}

/*
 * Write the properties ps of mo: as an ObjectContent (<obj>, <propSet>)
 * or, with change, as an ObjectUpdate's (<obj>, <changeSet>).
 */
static int write_object(struct soap_call *c, const struct mo *mo, const struct paths *ps,
			bool change)
{
	const char *want[PATHS_MAX];
	xmlNodePtr tree, prop;
	size_t i;

	for (i = 0; i < ps->n; i++)
		want[i] = ps->path[i];
	tree = mo_tree_of(c, mo, want, ps->n);	/* only what is asked for is built */
	if (!tree)
		return -1;
	xw_mo(c, "obj", mo);
	for (i = 0; i < ps->n; i++) {
		prop = mo_path(tree, ps->path[i]);
		if (!prop)
			continue;	/* unset: no value to tell */
		xw_start(c, change ? "changeSet" : "propSet");
		xw_text(c, "name", ps->path[i]);
		if (change)
			xw_text(c, "op", "assign");
		mo_write(c, prop, "val", true);
		xw_end(c);
	}
	xmlFreeNode(tree);
	return 0;
}

/* Call fn for each object spec reaches that a propSet asks about. */
static int for_each_object(struct soap_call *c, xmlNodePtr spec,
			   int (*fn)(struct soap_call *c, const struct mo *mo,
				     const struct paths *ps, void *arg), void *arg)
{
	struct collected *col = malloc(sizeof(*col));
	struct paths *ps = malloc(sizeof(*ps));
	size_t i;
	int ret = -1;

	if (!col || !ps) {
		soap_fail(c, "SystemError", "out of memory");
		goto out;
	}
	ret = collect(c, spec, col);
	for (i = 0; i < col->n && !ret; i++) {
		ret = paths_for(c, spec, col->objs[i].type, ps);
		if (ret > 0) {
			ret = 0;
			continue;
		}
		if (!ret)
			ret = fn(c, &col->objs[i], ps, arg);
	}
out:
	free(col);
	free(ps);
	return ret;
}

/* ---- RetrieveProperties, RetrievePropertiesEx and its tokens ---- */

/*
 * The objects past RetrieveOptions.maxObjects, kept for
 * ContinueRetrievePropertiesEx: each ObjectContent already written (a
 * snapshot of the first call, as one retrieval), under a token that only
 * the session and the collector that made it can use, once. Bounded so a
 * client that never continues cannot grow the daemon: PC_TOKENS_SESSION
 * per session and PC_TOKENS_MAX in all (a new one drops the session's, or
 * else anyone's, least recently used), PC_KEPT_MAX bytes in all (a result
 * whose rest is larger is refused), PC_TOKEN_IDLE_S unused and it is
 * dropped; Logout and a session's end drop its tokens.
 */
struct rp_token {
	bool used;
	unsigned int session;		/* session_id() */
	char collector[MO_VALUE_LEN];
	char key[48];
	uint64_t last;			/* made or last continued */
	unsigned int max;		/* maxObjects */
	char **pieces;			/* the <objects> elements still to send */
	size_t n, next, bytes;
};

static struct rp_token tokens[PC_TOKENS_MAX];
static size_t kept_bytes;

static void token_free(struct rp_token *t)
{
	size_t i;

	for (i = t->next; i < t->n; i++)
		free(t->pieces[i]);
	free(t->pieces);
	kept_bytes -= t->bytes;
	memset(t, 0, sizeof(*t));
}

void pc_tokens_drop(unsigned int session)
{
	size_t i;

	for (i = 0; i < PC_TOKENS_MAX; i++)
		if (tokens[i].used && tokens[i].session == session)
			token_free(&tokens[i]);
}

/* A collector's end: its tokens could never be continued again. */
static void tokens_drop_collector(unsigned int session, const char *collector)
{
	size_t i;

	for (i = 0; i < PC_TOKENS_MAX; i++)
		if (tokens[i].used && tokens[i].session == session &&
		    !strcmp(tokens[i].collector, collector))
			token_free(&tokens[i]);
}

void pc_tokens_expire(uint64_t now)
{
	size_t i;

	for (i = 0; i < PC_TOKENS_MAX; i++)
		if (tokens[i].used && now - tokens[i].last >= PC_TOKEN_IDLE_S)
			token_free(&tokens[i]);
}

size_t pc_tokens_kept(void)
{
	return kept_bytes;
}

/* A free slot for session: its own oldest when it has PC_TOKENS_SESSION, else anyone's. */
static struct rp_token *token_slot(unsigned int session)
{
	struct rp_token *free_slot = NULL, *oldest = NULL, *own_oldest = NULL;
	size_t i, own = 0;

	for (i = 0; i < PC_TOKENS_MAX; i++) {
		struct rp_token *t = &tokens[i];

		if (!t->used) {
			free_slot = free_slot ? free_slot : t;
			continue;
		}
		if (!oldest || t->last < oldest->last)
			oldest = t;
		if (t->session == session) {
			own++;
			if (!own_oldest || t->last < own_oldest->last)
				own_oldest = t;
		}
	}
	if (own >= PC_TOKENS_SESSION) {
		token_free(own_oldest);
		return own_oldest;
	}
	if (free_slot)
		return free_slot;
	token_free(oldest);
	return oldest;
}

/* A new key for t (each is good for one ContinueRetrievePropertiesEx). */
static void token_key(struct rp_token *t)
{
	static unsigned int serial;

	snprintf(t->key, sizeof(t->key), "session[%u]token%u", t->session, ++serial);
}

struct retrieve {
	bool ex, any;
	unsigned int max;		/* maxObjects; 0: no maximum */
	char **rest;			/* serialized objects past max */
	size_t nrest, rest_cap, rest_bytes;
};

/* One <objects> element as a string, or NULL with a fault. */
static char *object_string(struct soap_call *c, const struct mo *mo, const struct paths *ps)
{
	xmlTextWriterPtr w = c->w;
	xmlBufferPtr buf = xmlBufferCreate();
	char *s = NULL;
	int ret = -1;

	if (!buf)
		goto out;
	c->w = xmlNewTextWriterMemory(buf, 0);
	if (!c->w)
		goto out;
	xw_start(c, "objects");
	ret = write_object(c, mo, ps, false);
	xw_end(c);
	xmlFreeTextWriter(c->w);
	if (!ret)
		s = strdup((const char *)xmlBufferContent(buf));
out:
	c->w = w;
	xmlBufferFree(buf);
	if (!s && !c->fault.type)
		soap_fail(c, "SystemError", "out of memory");
	return s;
}

/*
 * Keep an object as a string: with maxObjects the answer's token comes
 * first (RetrieveResult is token, then objects, in the API's schema), so
 * none is written before the last is known; those past maxObjects stay
 * for the token.
 */
static int retrieved_later(struct soap_call *c, const struct mo *mo, const struct paths *ps,
			   struct retrieve *r)
{
	char **more, *s;

	if (r->nrest == r->rest_cap) {
		more = realloc(r->rest, (r->rest_cap + 16) * sizeof(*more));
		if (!more)
			return soap_fail(c, "SystemError", "out of memory");
		r->rest = more;
		r->rest_cap += 16;
	}
	s = object_string(c, mo, ps);
	if (!s)
		return -1;
	r->rest[r->nrest++] = s;
	if (r->nrest > r->max)
		r->rest_bytes += strlen(s);	/* what a token would keep */
	if (r->rest_bytes > PC_KEPT_MAX)
		return soap_fail(c, "SystemError",
				 "the objects past maxObjects %u take over %u KiB to keep: ask for fewer "
				 "properties or objects, or a larger maxObjects",
				 r->max, PC_KEPT_MAX / 1024);
	return 0;
}

static int retrieved(struct soap_call *c, const struct mo *mo, const struct paths *ps, void *arg)
{
	struct retrieve *r = arg;
	int ret;

	if (r->max)
		return retrieved_later(c, mo, ps, r);
	if (r->ex && !r->any)
		xw_start(c, "returnval");	/* RetrieveResult */
	r->any = true;
	xw_start(c, r->ex ? "objects" : "returnval");
	ret = write_object(c, mo, ps, false);
	xw_end(c);
	return ret;
}

/*
 * The objects of r past the first under a new token of the session
 * (which takes r's array; the caller still writes and frees the first),
 * its key written.
 */
static int token_new(struct soap_call *c, struct retrieve *r, size_t first)
{
	unsigned int session = session_id(c->session);
	struct rp_token *t;
	size_t i;

	/* room for these bytes: the least recently used go first */
	while (kept_bytes + r->rest_bytes > PC_KEPT_MAX) {
		struct rp_token *oldest = NULL;

		for (i = 0; i < PC_TOKENS_MAX; i++)
			if (tokens[i].used && (!oldest || tokens[i].last < oldest->last))
				oldest = &tokens[i];
		if (!oldest)
			break;		/* none kept: rest_bytes <= PC_KEPT_MAX fits */
		token_free(oldest);
	}
	t = token_slot(session);
	t->used = true;
	t->session = session;
	snprintf(t->collector, sizeof(t->collector), "%s", c->this.value);
	t->last = (uint64_t)time(NULL);
	t->max = r->max;
	t->pieces = r->rest;
	t->n = r->nrest;
	t->next = first;
	t->bytes = r->rest_bytes;
	kept_bytes += t->bytes;
	r->rest = NULL;
	r->nrest = 0;
	token_key(t);
	xw_text(c, "token", t->key);
	return 0;
}

/* All objects, or maxObjects of them and a token for the rest. */
static int retrieve(struct soap_call *c, bool ex)
{
	struct retrieve r = { .ex = ex };
	xmlNodePtr spec, max = ex ? xml_child(xml_child(c->method, "options"), "maxObjects") : NULL;
	char text[16], *end;
	long v;
	size_t i;
	int ret = 0;

	if (max) {
		v = xml_text(max, text, sizeof(text)) ? -1 : strtol(text, &end, 10);
		if (!text[0] || *end || v <= 0 || v > INT32_MAX)
			return soap_fail_argument(c, "options.maxObjects",
						  "maxObjects must be a number above 0");
		r.max = (unsigned int)v;
	}
	for (spec = xml_child(c->method, "specSet"); spec && !ret;
	     spec = xml_next(spec, "specSet"))
		ret = for_each_object(c, spec, retrieved, &r);
	if (!ret && r.max && r.nrest) {
		char **all = r.rest;
		size_t n = r.nrest, first = n < r.max ? n : r.max;

		xw_start(c, "returnval");	/* RetrieveResult: token, then objects */
		if (n > first)
			ret = token_new(c, &r, first);
		for (i = 0; !ret && i < first; i++)
			xmlTextWriterWriteRaw(c->w, (const xmlChar *)all[i]);
		xw_end(c);
		for (i = 0; i < first; i++) {
			free(all[i]);
			all[i] = NULL;
		}
	}
	if (!ret && ex && r.any)
		xw_end(c);
	for (i = 0; i < r.nrest; i++)
		free(r.rest[i]);
	free(r.rest);
	return ret;
}

int pc_retrieve_properties(struct soap_call *c)
{
	return retrieve(c, false);
}

int pc_retrieve_properties_ex(struct soap_call *c)
{
	return retrieve(c, true);
}

/*
 * The token of a ContinueRetrievePropertiesEx or CancelRetrievePropertiesEx:
 * one this session got from this collector and has not used yet; else
 * InvalidProperty naming token, the fault the API lists for both (and
 * govmomi's simulator answers).
 */
static struct rp_token *token_of_call(struct soap_call *c)
{
	char key[sizeof(tokens[0].key)];
	size_t i;

	if (!xml_text(xml_child(c->method, "token"), key, sizeof(key)) && key[0])
		for (i = 0; i < PC_TOKENS_MAX; i++)
			if (tokens[i].used && tokens[i].session == session_id(c->session) &&
			    !strcmp(tokens[i].key, key) &&
			    !strcmp(tokens[i].collector, c->this.value))
				return &tokens[i];
	snprintf(c->fault.arg, sizeof(c->fault.arg), "token");
	soap_fail(c, "InvalidProperty",
		  "no such token of this session and collector: each is good once, "
		  "for %d s, and at most %d of a session are kept",
		  PC_TOKEN_IDLE_S, PC_TOKENS_SESSION);
	return NULL;
}

/* The next maxObjects kept objects, and a new token while more are left. */
int pc_continue_retrieve_properties_ex(struct soap_call *c)
{
	struct rp_token *t = token_of_call(c);
	size_t end, i;

	if (!t)
		return -1;
	end = t->next + t->max < t->n ? t->next + t->max : t->n;
	xw_start(c, "returnval");	/* RetrieveResult: token, then objects */
	if (end < t->n) {
		t->last = (uint64_t)time(NULL);
		token_key(t);
		xw_text(c, "token", t->key);
	}
	for (i = t->next; i < end; i++) {
		xmlTextWriterWriteRaw(c->w, (const xmlChar *)t->pieces[i]);
		t->bytes -= strlen(t->pieces[i]);
		kept_bytes -= strlen(t->pieces[i]);
		free(t->pieces[i]);
	}
	t->next = end;
	if (t->next == t->n)
		token_free(t);
	xw_end(c);
	return 0;
}

int pc_cancel_retrieve_properties_ex(struct soap_call *c)
{
	struct rp_token *t = token_of_call(c);

	if (!t)
		return -1;
	token_free(t);
	return 0;
}

/* ---- filters and updates ---- */

static int checked(struct soap_call *c, const struct mo *mo, const struct paths *ps, void *arg)
{
	(void)c, (void)mo, (void)ps, (void)arg;
	return 0;
}

int pc_create_filter(struct soap_call *c)
{
	xmlNodePtr spec = xml_child(c->method, "spec");

	if (!spec)
		return soap_fail_argument(c, "spec", "CreateFilter needs a spec");
	if (for_each_object(c, spec, checked, NULL))
		return -1;
	return session_obj_new(c, "PropertyFilter", spec, c->this.value);
}

/* One ObjectUpdate's body (obj, changeSet) as a string, appended to a list. */
struct update {
	char *pieces[MO_REFS_MAX];
	size_t n;
};

static int updated(struct soap_call *c, const struct mo *mo, const struct paths *ps, void *arg)
{
	struct update *u = arg;
	xmlTextWriterPtr w = c->w;
	xmlBufferPtr buf = xmlBufferCreate();
	int ret = -1;

	if (!buf || u->n == MO_REFS_MAX)
		goto out;
	c->w = xmlNewTextWriterMemory(buf, 0);
	if (!c->w)
		goto out;
	ret = write_object(c, mo, ps, true);
	xmlFreeTextWriter(c->w);
	if (!ret)
		u->pieces[u->n++] = strdup((const char *)xmlBufferContent(buf));
out:
	c->w = w;
	xmlBufferFree(buf);
	return ret;
}

/* The filter's state now; 1 if it differs from what was last reported. */
static int filter_state(struct soap_call *c, struct session_obj *f, struct update *u,
			char **state)
{
	size_t i, len = 1;

	*state = NULL;
	u->n = 0;
	if (for_each_object(c, xmlDocGetRootElement(f->doc), updated, u))
		return -1;
	for (i = 0; i < u->n; i++)
		len += u->pieces[i] ? strlen(u->pieces[i]) : 0;
	*state = calloc(1, len);
	if (!*state)
		return soap_fail(c, "SystemError", "out of memory");
	for (i = 0; i < u->n; i++)
		if (u->pieces[i])
			strcat(*state, u->pieces[i]);
	return !f->last || strcmp(f->last, *state);
}

/*
 * WaitForUpdates(Ex): every filter of the session whose objects changed
 * since the last report, with all their properties (an initial report:
 * kind "enter"). When nothing changed, http.c asks again each second until
 * maxWaitSeconds (WaitForUpdatesEx) or UPDATE_WAIT_S pass; then the answer
 * is empty (Ex) or an UpdateSet without filterSet.
 */
int pc_wait_for_updates(struct soap_call *c)
{
	static unsigned int version;
	struct session_obj *o = session_objs(c->session);
	bool ex = !strcmp((const char *)c->method->name, "WaitForUpdatesEx");
	char since[32], max[16] = "";
	struct update *u = calloc(1, sizeof(*u));
	char *state = NULL;
	bool any = false, initial;
	size_t i, j;
	int changed = 0;

	if (!u)
		return soap_fail(c, "SystemError", "out of memory");
	if (xml_text(xml_child(c->method, "version"), since, sizeof(since)))
		since[0] = 0;
	initial = !since[0];
	xml_text(xml_child(xml_child(c->method, "options"), "maxWaitSeconds"), max, sizeof(max));
	for (i = 0; i < SESSION_OBJS_MAX && changed >= 0; i++) {
		if (!o[i].used || strcmp(o[i].mo.type, "PropertyFilter") ||
		    strcmp(o[i].owner, c->this.value))
			continue;	/* another collector's */
		if (initial) {
			free(o[i].last);
			o[i].last = NULL;
		}
		changed = filter_state(c, &o[i], u, &state);
		if (changed > 0) {
			if (!any)
				xw_start(c, "returnval");
			if (!any)
				xw_printf(c, "version", "%u", ++version);
			any = true;
			xw_start(c, "filterSet");
			xw_mo(c, "filter", &o[i].mo);
			for (j = 0; j < u->n; j++) {
				xw_start(c, "objectSet");
				xw_text(c, "kind", o[i].last ? "modify" : "enter");
				xmlTextWriterWriteRaw(c->w, (const xmlChar *)u->pieces[j]);
				xw_end(c);
			}
			xw_end(c);
			free(o[i].last);
			o[i].last = state;
		} else {
			free(state);
		}
		for (j = 0; j < u->n; j++)
			free(u->pieces[j]);
	}
	free(u);
	if (changed < 0)
		return -1;
	if (any) {
		xw_end(c);
		return 0;
	}
	if (!c->final && strcmp(max, "0"))
		c->wait_s = max[0] ? (unsigned int)atoi(max) : UPDATE_WAIT_S;
	if (c->wait_s > UPDATE_WAIT_S)
		c->wait_s = UPDATE_WAIT_S;
	if (!ex) {
		xw_start(c, "returnval");
		xw_text(c, "version", since);
		xw_end(c);
	}
	return 0;
}

/* ---- ViewManager, ContainerView ---- */

int vm_create_container_view(struct soap_call *c)
{
	struct mo container;

	if (xml_mo(xml_child(c->method, "container"), &container))
		return soap_fail_argument(c, "container", "CreateContainerView needs a container");
	if (mo_check(c, &container))
		return -1;
	if (!mo_is_a(container.type, "ManagedEntity") || !strcmp(container.type, "VirtualMachine"))
		return soap_fail_argument(c, "container", "%s is not a container", container.type);
	return session_obj_new(c, "ContainerView", c->method, "");
}

/* container, type, recursive as given; view: what the container holds now. */
int pc_view_tree(struct soap_call *c, const struct mo *mo, xmlNodePtr obj)
{
	struct session_obj *o = pc_session_obj(c, mo);
	xmlNodePtr spec = xmlDocGetRootElement(o->doc), t, types, view;
	struct mo container, *all = malloc(MO_REFS_MAX * sizeof(*all));
	char type[32];
	bool recursive = xml_bool(xml_child(spec, "recursive"), false), match;
	size_t n, i;

	if (!all)
		return soap_fail(c, "SystemError", "out of memory");
	xml_mo(xml_child(spec, "container"), &container);
	ob_ref(obj, "container", container.type, container.value);
	types = ob_array(obj, "type", "string");
	for (t = xml_child(spec, "type"); t; t = xml_next(t, "type"))
		if (!xml_text(t, type, sizeof(type)))
			ob_str(types, "string", type);
	ob_bool(obj, "recursive", recursive);
	view = ob_array(obj, "view", "ManagedObjectReference");
	n = mo_check(c, &container) ? 0 : mo_descendants(c, &container, recursive, all, MO_REFS_MAX);
	for (i = 0; i < n; i++) {
		match = !xml_child(spec, "type");
		for (t = xml_child(spec, "type"); t && !match; t = xml_next(t, "type"))
			match = !xml_text(t, type, sizeof(type)) && mo_is_a(all[i].type, type);
		if (match)
			ob_ref(view, "ManagedObjectReference", all[i].type, all[i].value);
	}
	free(all);
	return c->fault.type ? -1 : 0;
}
