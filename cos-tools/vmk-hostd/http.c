// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTPS for the vSphere API: libmicrohttpd over GnuTLS, a thread per
 * connection. GET /sdk/vimServiceVersions.xml (what clients read before
 * they log in, to pick an API version), POST /sdk (SOAP), and GET and PUT
 * /folder/PATH?dcPath=&dsName= (a datastore's files, dsfile.c). A SOAP
 * body larger than HOSTD_REQUEST_MAX is not kept: it is read and dropped,
 * and answered with an InvalidRequest fault, so the connection and the
 * daemon go on; a PUT's body goes to its file as it comes, up to
 * --upload-max. SOAP requests are answered one at a time (hostd_lock); a
 * failed Login and a WaitForUpdates with nothing new wait outside the
 * lock, and so does a file's transfer (only its checks take the lock).
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "hostd.h"
#include "http.h"

#define CONNECTIONS_MAX		64
/*
 * Half of them from one address: in the lab every client on the host
 * comes through QEMU's user network from the one address 10.0.2.2, and
 * 20 watchers in WaitForUpdates and the session acting on the VMs must
 * all be served (tests/external/hostd/many_watchers.py).
 */
#define CONNECTIONS_PER_IP	32
#define CONNECTION_IDLE_S	120

static pthread_mutex_t hostd_lock = PTHREAD_MUTEX_INITIALIZER;

static const char service_versions[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	"<namespaces version=\"1.0\">\n"
	" <namespace>\n"
	"  <name>urn:vim25</name>\n"
	"  <version>" HOSTD_API_VERSION "</version>\n"
	"  <priorVersions>\n"
	"   <version>6.5</version>\n"
	"   <version>6.0</version>\n"
	"   <version>5.5</version>\n"
	"  </priorVersions>\n"
	" </namespace>\n"
	"</namespaces>\n";

struct upload {
	char *body;
	size_t len;		/* bytes received, kept or not */
	bool too_large;
	struct dsf *file;	/* /folder/: the file sent or written */
	bool answered;		/* /folder/: a refusal is queued, the body dropped */
};

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len, bool must_free,
			     const char *set_cookie)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, must_free ? MHD_RESPMEM_MUST_FREE :
					    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	if (set_cookie && set_cookie[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, set_cookie);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned int status,
				  const char *text)
{
	return reply(conn, status, "text/plain", (char *)text, strlen(text), false, NULL);
}

#define REASON_HEADER	"X-Vmk-Reason"

/*
 * A /folder/ answer with its reason (text copied: it may be freed before
 * it is sent): in the body of a GET's; a PUT's has no body, the reason is
 * in the header X-Vmk-Reason and the log. libvirt's esx driver (9.0) sets
 * no place for an upload's answer, and its curl handle writes a body into
 * the buffer of its previous call, long gone: virsh define crashed on any
 * PUT answer with a body. ESXi's PUT answers have none.
 */
static enum MHD_Result folder_reply(struct MHD_Connection *conn, unsigned int status,
				    const char *why, bool put)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char reason[sizeof(((struct dsf *)0)->why)];

	snprintf(reason, sizeof(reason), "%s", why);
	if (reason[0] && reason[strlen(reason) - 1] == '\n')
		reason[strlen(reason) - 1] = '\0';
	for (char *p = reason; *p; p++)	/* a client's path: no control bytes in the log */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	r = MHD_create_response_from_buffer(put ? 0 : strlen(why), (void *)why,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (put && reason[0]) {
		MHD_add_response_header(r, REASON_HEADER, reason);
		fprintf(stderr, "%s (HTTP %u)\n", reason, status);
	}
	if (!put)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void peer_of(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
}

static enum MHD_Result soap(struct MHD_Connection *conn, struct upload *up)
{
	char peer[INET6_ADDRSTRLEN];
	struct soap_io io = {
		.body = up->body ? up->body : "",
		.len = up->len,
		.cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
		.user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							   MHD_HTTP_HEADER_USER_AGENT),
		.peer = peer,
	};
	unsigned int waited = 0;
	int status;

	peer_of(conn, peer, sizeof(peer));
	for (;;) {
		pthread_mutex_lock(&hostd_lock);
		status = soap_handle(&io);
		pthread_mutex_unlock(&hostd_lock);
		if (!io.wait_s || io.final)
			break;
		free(io.out);
		sleep_ms(1000);
		io.final = ++waited >= io.wait_s;
	}
	if (io.login_failed)
		sleep_ms(HOSTD_LOGIN_DELAY_MS);
	if (!io.out)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "vmk-hostd: out of memory\n");
	return reply(conn, (unsigned int)status, "text/xml; charset=utf-8", io.out, io.outlen,
		     true, io.set_cookie);
}

#define FOLDER_PREFIX	"/folder/"

/*
 * The first call of GET or PUT /folder/PATH: the session (the cookie of a
 * Login at /sdk, as for SOAP), the datastore and the path, checked under
 * the lock; the file opened outside it. A GET is answered at once with
 * the file; a PUT's body follows (folder_body()). A refusal is answered
 * at once, before any body is read.
 */
static enum MHD_Result folder_start(struct MHD_Connection *conn, const char *url,
				    const char *method, struct upload *up)
{
	const char *clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_LENGTH);
	bool put = !strcmp(method, "PUT");
	struct MHD_Response *r;
	struct session *s;
	enum MHD_Result ret;
	struct dsf *f;

	f = up->file = malloc(sizeof(*f));	/* from here, folder_body() drops any body */
	if (!f)
		return MHD_NO;
	dsf_init(f);
	up->answered = true;
	if (!put && strcmp(method, "GET"))
		return folder_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				    "vmk-hostd: /folder/ takes GET and PUT\n", false);
	pthread_mutex_lock(&hostd_lock);
	s = session_find(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE));
	if (s)
		dsf_locate(f, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dsName"),
			   MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dcPath"),
			   url + strlen(FOLDER_PREFIX), put);
	pthread_mutex_unlock(&hostd_lock);
	if (!s)
		return folder_reply(conn, MHD_HTTP_UNAUTHORIZED,
				    "vmk-hostd: log in first: /folder/ takes the cookie "
				    HOSTD_COOKIE " of a Login at /sdk\n", put);
	if (!f->status && put)
		dsf_open_put(f, clen ? strtoull(clen, NULL, 10) : UINT64_MAX);
	else if (!f->status)
		dsf_open_get(f);
	if (f->status)
		return folder_reply(conn, (unsigned int)f->status, f->why, put);
	if (put) {
		up->answered = false;
		return MHD_YES;
	}
	r = MHD_create_response_from_fd64(f->size, f->fd);
	if (!r)
		return MHD_NO;
	f->fd = -1;	/* the response's now: MHD closes it */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* More of a PUT's body into its file; at its end, the file in place. */
static enum MHD_Result folder_body(struct MHD_Connection *conn, struct upload *up,
				   const char *data, size_t *data_size)
{
	struct dsf *f = up->file;
	char peer[INET6_ADDRSTRLEN];

	if (*data_size) {
		if (!up->answered)
			dsf_write(f, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (up->answered)
		return MHD_YES;
	up->answered = true;
	if (!dsf_commit(f)) {
		peer_of(conn, peer, sizeof(peer));
		fprintf(stderr, "vmk-hostd: PUT [%s] %s: %llu bytes from %s\n", f->ds, f->path,
			(unsigned long long)f->written, peer);
	}
	return folder_reply(conn, (unsigned int)f->status, f->why, true);
}

static bool is_sdk(const char *url)
{
	return !strcmp(url, "/sdk") || !strcmp(url, "/sdk/") || !strcmp(url, "/sdk/vimService");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_size, void **con_cls)
{
	struct upload *up = *con_cls;
	const char *clen;

	(void)cls;
	(void)version;
	if (!up) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*con_cls = up;
		if (!strncmp(url, FOLDER_PREFIX, strlen(FOLDER_PREFIX)))
			return folder_start(conn, url, method, up);
		clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						   MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (clen && strtoull(clen, NULL, 10) > HOSTD_REQUEST_MAX)
			up->too_large = true;
		return MHD_YES;
	}
	if (up->file)
		return folder_body(conn, up, data, data_size);
	if (*data_size) {
		if (!up->too_large && up->len + *data_size > HOSTD_REQUEST_MAX) {
			up->too_large = true;
			free(up->body);
			up->body = NULL;
		}
		if (!up->too_large) {
			char *more = realloc(up->body, up->len + *data_size + 1);

			if (!more)
				return MHD_NO;
			up->body = more;
			memcpy(up->body + up->len, data, *data_size);
		}
		up->len += *data_size;
		*data_size = 0;
		return MHD_YES;
	}
	if (!strcmp(method, "GET") && !strcmp(url, "/sdk/vimServiceVersions.xml"))
		return reply(conn, MHD_HTTP_OK, "text/xml; charset=utf-8", (char *)service_versions,
			     sizeof(service_versions) - 1, false, NULL);
	if (!strcmp(method, "POST") && is_sdk(url)) {
		if (up->too_large && up->len <= HOSTD_REQUEST_MAX)
			up->len = HOSTD_REQUEST_MAX + 1;	/* Content-Length said so */
		return soap(conn, up);
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "vmk-hostd serves the vSphere API at /sdk and datastore files at /folder/\n");
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode code)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)conn;
	(void)code;
	if (up) {
		free(up->body);
		if (up->file)
			dsf_close(up->file);	/* an upload cut short leaves nothing */
		free(up->file);
	}
	free(up);
	*con_cls = NULL;
}

/*
 * The URL's path and arguments decoded as libmicrohttpd does, except an
 * encoded NUL: "%00" would end the C string early ("x.vmx%00.txt" read as
 * "x.vmx"), so it is decoded to DEL (0x7f) instead, a byte no name check
 * lets through (a datastore file's path, dsName).
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *p;

	(void)cls;
	(void)conn;
	for (p = s; (p = strstr(p, "%00")); p += 3)
		memcpy(p, "%7f", 3);
	return MHD_http_unescape(s);
}

struct MHD_Daemon *http_start(const struct sockaddr_in *addr, const char *cert_pem,
			      const char *key_pem, unsigned int *port)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			     MHD_USE_TLS | MHD_USE_ERROR_LOG,
			     ntohs(addr->sin_port), NULL, NULL, handle, NULL,
			     MHD_OPTION_SOCK_ADDR, addr,
			     MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
			     MHD_OPTION_HTTPS_MEM_KEY, key_pem,
			     MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTIONS_MAX,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)CONNECTIONS_PER_IP,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_IDLE_S,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
			     MHD_OPTION_END);
	if (!d)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : ntohs(addr->sin_port);
	return d;
}

void http_stop(struct MHD_Daemon *d)
{
	MHD_stop_daemon(d);
}
