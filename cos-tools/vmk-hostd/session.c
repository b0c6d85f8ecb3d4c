// SPDX-License-Identifier: GPL-2.0-only
/*
 * SessionManager: Login checks the user's password against a shadow(5)
 * file (the COS's /etc/shadow unless --passwd-file names another) with
 * crypt(3); a session is a random key in the cookie vmware_soap_session,
 * as ESXi sets it, and ends at Logout or after --session-idle seconds
 * without a call. A failed Login is answered only after
 * HOSTD_LOGIN_DELAY_MS (http.c waits, outside the request lock).
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gnutls/crypto.h>
#include "hostd.h"

#define SESSION_KEY_LEN	37	/* a UUID's text and its NUL */
#define USER_LEN	64

struct session {
	bool used;
	unsigned int id;
	char key[SESSION_KEY_LEN];
	char user[USER_LEN];
	uint64_t login_time, last_active;
	unsigned int calls;
	char peer[64];
	char user_agent[128];
	struct session_obj objs[SESSION_OBJS_MAX];
};

static struct session sessions[HOSTD_SESSIONS_MAX];
static unsigned int next_session_id = 1;

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

/* Equal strings, in a time that does not depend on where they differ. */
static bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return !d;
}

void session_obj_free(struct session_obj *o)
{
	xmlFreeDoc(o->doc);
	free(o->last);
	memset(o, 0, sizeof(*o));
}

static void session_end(struct session *s)
{
	size_t i;

	for (i = 0; i < SESSION_OBJS_MAX; i++)
		session_obj_free(&s->objs[i]);
	pc_tokens_drop(s->id);
	memset(s, 0, sizeof(*s));
}

static void sessions_expire(void)
{
	size_t i;

	for (i = 0; i < HOSTD_SESSIONS_MAX; i++)
		if (sessions[i].used && now() - sessions[i].last_active > hostd.session_idle_s)
			session_end(&sessions[i]);
	pc_tokens_expire(now());
}

struct session_obj *session_objs(struct session *s)
{
	return s->objs;
}

unsigned int session_id(const struct session *s)
{
	return s->id;
}

const char *session_user(const struct session *s)
{
	return s->user;
}

/* The value of vmware_soap_session in a Cookie header (quotes removed). */
static int cookie_key(const char *cookie, char *key)
{
	const char *p = cookie ? strstr(cookie, HOSTD_COOKIE "=") : NULL;
	size_t n;

	if (!p)
		return -1;
	p += strlen(HOSTD_COOKIE "=");
	if (*p == '"')
		p++;
	n = strcspn(p, "\";, ");
	if (!n || n >= SESSION_KEY_LEN)
		return -1;
	memcpy(key, p, n);
	key[n] = 0;
	return 0;
}

struct session *session_find(const char *cookie)
{
	char key[SESSION_KEY_LEN];
	size_t i;

	sessions_expire();
	if (cookie_key(cookie, key))
		return NULL;
	for (i = 0; i < HOSTD_SESSIONS_MAX; i++) {
		if (sessions[i].used && secret_equal(sessions[i].key, key)) {
			sessions[i].last_active = now();
			sessions[i].calls++;
			return &sessions[i];
		}
	}
	return NULL;
}

/*
 * Does password match user's hash in the shadow file? Unknown users and
 * locked accounts ("!", "*") cost a crypt() too, so the answer's time does
 * not tell which users exist.
 */
static bool password_ok(const char *user, const char *password)
{
	static struct crypt_data cd;	/* 32 KiB: not on the stack */
	char line[1024], *hash = NULL, *end;
	const char *dummy = "$6$vmkhostd$";
	const char *out;
	size_t ul = strlen(user);
	FILE *f = fopen(hostd.passwd_file, "r");
	bool ok;

	if (!f) {
		fprintf(stderr, "vmk-hostd: %s: cannot read the password file\n", hostd.passwd_file);
	} else {
		while (!hash && fgets(line, sizeof(line), f)) {
			if (strncmp(line, user, ul) || line[ul] != ':')
				continue;
			hash = line + ul + 1;
			end = strchr(hash, ':');
			if (end)
				*end = 0;
			hash[strcspn(hash, "\n")] = 0;
		}
		fclose(f);
	}
	ok = hash && hash[0] == '$';	/* "!...", "*", "": locked or no password */
	memset(&cd, 0, sizeof(cd));
	out = crypt_r(password, ok ? hash : dummy, &cd);
	ok = ok && out && out[0] != '*' && secret_equal(out, hash);
	memset(line, 0, sizeof(line));
	return ok;
}

/*
 * Whether user is one of the administrators (--admins): every session may
 * power VMs, create and delete their files as root, so an account the
 * operator did not name cannot log in, whatever its password.
 */
static bool is_admin(const char *user)
{
	size_t ul = strlen(user);

	for (const char *a = hostd.admins; a && *a;) {
		const char *end = strchr(a, ',');
		size_t n = end ? (size_t)(end - a) : strlen(a);

		if (n == ul && !strncmp(a, user, n))
			return true;
		a = end ? end + 1 : a + n;
	}
	return false;
}

/* A user name fit for a shadow file lookup and a log line. */
static bool printable(const char *user)
{
	for (; *user; user++)
		if ((unsigned char)*user < 0x20 || *user == 0x7f || *user == ':')
			return false;
	return true;
}

static void uuid_key(char *key)
{
	unsigned char r[16];
	size_t i, o = 0;

	gnutls_rnd(GNUTLS_RND_KEY, r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			key[o++] = '-';
		o += (size_t)sprintf(key + o, "%02x", r[i]);
	}
}

static void user_session(xmlNodePtr parent, const char *name, const struct session *s)
{
	xmlNodePtr u = ob_complex(parent, name, "UserSession");

	ob_str(u, "key", s->key);
	ob_str(u, "userName", s->user);
	ob_str(u, "fullName", s->user);
	ob_time(u, "loginTime", s->login_time);
	ob_time(u, "lastActiveTime", s->last_active);
	ob_str(u, "locale", "en");
	ob_str(u, "messageLocale", "en");
	ob_bool(u, "extensionSession", false);
	ob_str(u, "ipAddress", s->peer);
	ob_str(u, "userAgent", s->user_agent);
	ob_value(u, "callCount", "xsd:long", "%u", s->calls);
}

void session_tree(struct soap_call *c, xmlNodePtr obj)
{
	if (c->session)
		user_session(obj, "currentSession", c->session);
}

int sm_login(struct soap_call *c)
{
	char user[USER_LEN], password[256];
	struct session *s = NULL;
	xmlNodePtr tree;
	size_t i;

	if (xml_text(xml_child(c->method, "userName"), user, sizeof(user)) || !user[0] ||
	    xml_text(xml_child(c->method, "password"), password, sizeof(password)))
		return soap_fail_argument(c, "userName", "Login needs a userName and a password");
	/* the password is checked for everyone: the answer's time says nothing */
	if (!printable(user) || !password_ok(user, password) || !is_admin(user)) {
		memset(password, 0, sizeof(password));
		fprintf(stderr, "vmk-hostd: failed login for '%s' from %s%s\n",
			printable(user) ? user : "(unprintable)", c->peer,
			printable(user) && !is_admin(user) ? " (not in --admins)" : "");
		c->login_failed = true;
		return soap_fail(c, "InvalidLogin",
				 "Cannot complete login due to an incorrect user name or password.");
	}
	memset(password, 0, sizeof(password));
	if (c->session)
		session_end(c->session);	/* a new Login replaces the old session */
	c->session = NULL;
	for (i = 0; i < HOSTD_SESSIONS_MAX && !s; i++)
		if (!sessions[i].used)
			s = &sessions[i];
	if (!s)
		return soap_fail(c, "SystemError", "too many sessions (%d): log out unused ones",
				 HOSTD_SESSIONS_MAX);
	s->used = true;
	s->id = next_session_id++;
	uuid_key(s->key);
	snprintf(s->user, sizeof(s->user), "%s", user);
	s->login_time = s->last_active = now();
	s->calls = 1;
	snprintf(s->peer, sizeof(s->peer), "%s", c->peer);
	snprintf(s->user_agent, sizeof(s->user_agent), "%s", c->user_agent ? c->user_agent : "");
	c->session = s;
	snprintf(c->set_cookie, sizeof(c->set_cookie),
		 HOSTD_COOKIE "=\"%s\"; Path=/; HttpOnly; Secure", s->key);
	tree = xmlNewNode(NULL, (const xmlChar *)"obj");
	if (!tree)
		return soap_fail(c, "SystemError", "out of memory");
	user_session(tree, "returnval", s);
	mo_write(c, tree->children, "returnval", false);
	xmlFreeNode(tree);
	fprintf(stderr, "vmk-hostd: '%s' logged in from %s\n", user, c->peer);
	return 0;
}

int sm_logout(struct soap_call *c)
{
	session_end(c->session);
	c->session = NULL;
	return 0;
}

int sm_session_is_active(struct soap_call *c)
{
	char key[SESSION_KEY_LEN], user[USER_LEN];
	bool active = false;
	size_t i;

	if (xml_text(xml_child(c->method, "sessionID"), key, sizeof(key)) ||
	    xml_text(xml_child(c->method, "userName"), user, sizeof(user)))
		return soap_fail_argument(c, "sessionID", "SessionIsActive needs a sessionID and a userName");
	for (i = 0; i < HOSTD_SESSIONS_MAX; i++)
		if (sessions[i].used && secret_equal(sessions[i].key, key) &&
		    !strcmp(sessions[i].user, user))
			active = true;
	xw_bool(c, "returnval", active);
	return 0;
}
