// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host certificate, as ESXi's rui.crt/rui.key: made by GnuTLS at the
 * first start (RSA 2048, self-signed, SHA-256, CN and subjectAltName the
 * host name and localhost, 10 years), kept in files and reused after. The
 * key file is created 0600 in a 0700 folder. Clients see a certificate
 * they cannot verify until the operator replaces it (docs/rpc.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include "http.h"

#define KEY_BITS	2048
#define CERT_DAYS	3650

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 && len < (1 << 20) &&
	    !fseek(f, 0, SEEK_SET) && (buf = calloc(1, (size_t)len + 1)) &&
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int write_new(const char *path, const gnutls_datum_t *d, mode_t mode)
{
	char dir[4096], *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0700) && errno != EEXIST)
			goto fail;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	if (write(fd, d->data, d->size) != (ssize_t)d->size || close(fd)) {
		unlink(path);
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "vmk-hostd: writing %s: %s\n", path, strerror(errno));
	return -1;
}

/* A new key and self-signed certificate, written to both paths. */
static int create(const char *cert_path, const char *key_path)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kd = { 0 }, cd = { 0 };
	unsigned char serial[16];
	char host[256] = "localhost";
	time_t now = time(NULL);
	int err, ret = -1;

	gethostname(host, sizeof(host) - 1);
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
	serial[0] &= 0x7f;	/* a positive INTEGER (RFC 5280 §4.1.2.2) */
	if ((err = gnutls_x509_privkey_init(&key)) ||
	    (err = gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, KEY_BITS, 0)) ||
	    (err = gnutls_x509_crt_init(&crt)) ||
	    (err = gnutls_x509_crt_set_version(crt, 3)) ||
	    (err = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) ||
	    (err = gnutls_x509_crt_set_activation_time(crt, now - 86400)) ||
	    (err = gnutls_x509_crt_set_expiration_time(crt, now + CERT_DAYS * 86400L)) ||
	    (err = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
						 "vmk", 3)) ||
	    (err = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
						 host, (unsigned int)strlen(host))) ||
	    (err = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host,
							(unsigned int)strlen(host), GNUTLS_FSAN_SET)) ||
	    (err = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
							GNUTLS_FSAN_APPEND)) ||
	    (err = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) ||
	    (err = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
						 GNUTLS_KEY_KEY_ENCIPHERMENT)) ||
	    (err = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) ||
	    (err = gnutls_x509_crt_set_key(crt, key)) ||
	    (err = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) ||
	    (err = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kd)) ||
	    (err = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cd))) {
		fprintf(stderr, "vmk-hostd: making the host certificate: %s\n",
			gnutls_strerror(err));
		goto out;
	}
	if (write_new(key_path, &kd, 0600))
		goto out;
	if (write_new(cert_path, &cd, 0644)) {
		unlink(key_path);
		goto out;
	}
	fprintf(stderr, "vmk-hostd: made a host certificate for %s: %s\n", host, cert_path);
	ret = 0;
out:
	gnutls_free(kd.data);
	gnutls_free(cd.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return ret;
}

int cert_load_or_create(const char *cert_path, const char *key_path, char **cert_pem,
			char **key_pem)
{
	bool have_cert = !access(cert_path, F_OK), have_key = !access(key_path, F_OK);

	if (have_cert != have_key) {
		fprintf(stderr, "vmk-hostd: %s exists but %s does not: give both or neither\n",
			have_cert ? cert_path : key_path, have_cert ? key_path : cert_path);
		return -1;
	}
	if (!have_cert && create(cert_path, key_path))
		return -1;
	*cert_pem = read_all(cert_path);
	*key_pem = read_all(key_path);
	if (!*cert_pem || !*key_pem) {
		fprintf(stderr, "vmk-hostd: cannot read %s or %s\n", cert_path, key_path);
		free(*cert_pem);
		free(*key_pem);
		return -1;
	}
	return 0;
}
