// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk-hostd: the vSphere Web Services API of this host (docs/rpc.md).
 *   vmk-hostd [--port N] [--listen ADDR] [--cert FILE --key FILE]
 *             [--passwd-file FILE] [--session-idle S] [--fake-backend]
 *             [--datastores DIR] [--datastore-wait MS] [--upload-max MIB] [--trace]
 * Runs in the foreground until SIGINT or SIGTERM; logs to stderr.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "hostd.h"
#include "http.h"

#define DEFAULT_CERT		"/etc/vmk/ssl/rui.crt"
#define DEFAULT_KEY		"/etc/vmk/ssl/rui.key"
#define DEFAULT_PORT		443
#define DEFAULT_SESSION_IDLE_S	1800
#define DEFAULT_DS_WAIT_MS	2000
#define DEFAULT_UPLOAD_MAX_MIB	1024

struct hostd_conf hostd;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmk-hostd [options]\n"
		"  --port N            HTTPS port (default %d; 0: any free port)\n"
		"  --listen ADDR       IPv4 address to listen on (default 0.0.0.0)\n"
		"  --cert FILE         host certificate (default %s)\n"
		"  --key FILE          its private key (default %s); both are made\n"
		"                      at the first start when neither exists\n"
		"  --passwd-file FILE  shadow(5) file Login checks (default /etc/shadow)\n"
		"  --admins LIST       the accounts that may log in, comma-separated\n"
		"                      (default root): every session administers the host\n"
		"  --session-idle S    a session unused for S seconds ends (default %d)\n"
		"  --fake-backend      three VMs in memory instead of the vmkernel's\n"
		"  --datastores DIR    datastore NAME is the folder DIR/NAME (default\n"
		"                      /vmfs/volumes)\n"
		"  --datastore-wait MS a datastore whose statvfs has not answered in MS\n"
		"                      is inaccessible until it does (default %d)\n"
		"  --upload-max MIB    the largest file a PUT /folder/ writes (default %d)\n"
		"  --trace             every request and answer to stderr (Login's without\n"
		"                      its password)\n",
		DEFAULT_PORT, DEFAULT_CERT, DEFAULT_KEY, DEFAULT_SESSION_IDLE_S, DEFAULT_DS_WAIT_MS,
		DEFAULT_UPLOAD_MAX_MIB);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (!*s || *end || n > max)
		return -1;
	*v = (unsigned int)n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "passwd-file", required_argument, NULL, 'w' },
		{ "admins", required_argument, NULL, 'a' },
		{ "session-idle", required_argument, NULL, 's' },
		{ "fake-backend", no_argument, NULL, 'f' },
		{ "trace", no_argument, NULL, 't' },
		{ "datastores", required_argument, NULL, 'd' },
		{ "datastore-wait", required_argument, NULL, 'D' },
		{ "upload-max", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = DEFAULT_CERT, *key = DEFAULT_KEY, *listen = "0.0.0.0";
	unsigned int port = DEFAULT_PORT, bound, upload_mib = DEFAULT_UPLOAD_MAX_MIB;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	char *cert_pem, *key_pem;
	struct MHD_Daemon *d;
	bool fake = false;
	sigset_t sigs;
	int opt, sig;

	hostd.passwd_file = "/etc/shadow";
	hostd.admins = "root";
	hostd.datastores = "/vmfs/volumes";
	hostd.session_idle_s = DEFAULT_SESSION_IDLE_S;
	hostd.ds_wait_ms = DEFAULT_DS_WAIT_MS;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_uint(optarg, 65535, &port))
				goto bad;
			break;
		case 'l': listen = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'w': hostd.passwd_file = optarg; break;
		case 'a': hostd.admins = optarg; break;
		case 's':
			if (parse_uint(optarg, 7 * 86400, &hostd.session_idle_s) ||
			    !hostd.session_idle_s)
				goto bad;
			break;
		case 'f': fake = true; break;
		case 't': hostd.trace = true; break;
		case 'd': hostd.datastores = optarg; break;
		case 'D':
			if (parse_uint(optarg, 60000, &hostd.ds_wait_ms) || !hostd.ds_wait_ms)
				goto bad;
			break;
		case 'u':
			if (parse_uint(optarg, 1u << 20, &upload_mib) || !upload_mib)
				goto bad;
			break;
		case 'h': usage(stdout); return 0;
		default: goto bad;
		}
	}
	if (optind != argc || inet_pton(AF_INET, listen, &addr.sin_addr) != 1)
		goto bad;
	addr.sin_port = htons((uint16_t)port);
	hostd.upload_max = (uint64_t)upload_mib << 20;

	LIBXML_TEST_VERSION
	xmlInitParser();
	hostd.backend = fake ? backend_fake_open() : backend_vmk_open();
	if (!hostd.backend || cert_load_or_create(cert, key, &cert_pem, &key_pem))
		return 1;

	/* SIGINT/SIGTERM for sigwait() below, blocked in every thread */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * One malloc arena for every connection's thread: requests are
	 * answered one at a time (http.c), so more arenas buy nothing, and
	 * glibc's one per thread (up to 8 per CPU) kept growing the daemon
	 * as clients came and went: 20 watchers in 20 rounds took it from
	 * 21 to 25.7 MiB; with one arena from 10.7 to 11.9 MiB.
	 */
	mallopt(M_ARENA_MAX, 1);
	/*
	 * And fixed thresholds: glibc raises its mmap threshold to the
	 * size of each large block freed, after which such blocks come from
	 * the heap, which then stays at its high-water mark. Once, at a
	 * random round, that grew the daemon by 1.2 MiB (12 %) under 20
	 * watchers (rehearsal 25's many_watchers failure). Setting both
	 * turns the adjustment off: blocks of 64 KiB and more are mapped
	 * and unmapped, and a free top of 128 KiB goes back at once.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);

	d = http_start(&addr, cert_pem, key_pem, &bound);
	if (!d) {
		fprintf(stderr, "vmk-hostd: cannot serve on %s:%u (in use? not root for a port below 1024?)\n",
			listen, port);
		return 1;
	}
	fprintf(stderr, "vmk-hostd: serving https://%s:%u/sdk (backend: %s)\n", listen, bound,
		hostd.backend->name);
	sigwait(&sigs, &sig);
	fprintf(stderr, "vmk-hostd: stopping (signal %d)\n", sig);
	http_stop(d);
	ds_probes_stop();
	free(cert_pem);
	free(key_pem);
	xmlCleanupParser();
	return 0;
bad:
	usage(stderr);
	return 2;
}
