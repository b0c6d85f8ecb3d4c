/* SPDX-License-Identifier: GPL-2.0-only */
/* http.c: the HTTPS server of vmk-hostd. */
#ifndef HOSTD_HTTP_H
#define HOSTD_HTTP_H

#include <netinet/in.h>

struct MHD_Daemon;

/* Serve on addr (port 0: any free port, told in *port); NULL on failure. */
struct MHD_Daemon *http_start(const struct sockaddr_in *addr, const char *cert_pem,
			      const char *key_pem, unsigned int *port);
void http_stop(struct MHD_Daemon *d);

/* cert.c: the host certificate, made at first start (PEM, malloc'd). */
int cert_load_or_create(const char *cert_path, const char *key_path, char **cert_pem,
			char **key_pem);

#endif /* HOSTD_HTTP_H */
