// SPDX-License-Identifier: GPL-2.0-only
/*
 * .vmx syntax: one `key = "value"` per line, '#' comments, blank lines,
 * `|XX` hex escapes inside values (the escaping VMware and libvirt use).
 * See cos-tools/vmx/vmx.h and docs/vmx.md.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cos-tools/vmx/vmx.h"


#define VMX_ESCAPE '|'

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q) {
		fprintf(stderr, "vmx: out of memory\n");
		abort();
	}
	return q;
}

static char *xstrndup(const char *s, size_t len)
{
	char *d = xrealloc(NULL, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void vmx_file_free(struct vmx_file *file)
{
	size_t i;

	for (i = 0; i < file->count; i++) {
		free(file->entries[i].key);
		free(file->entries[i].value);
	}
	free(file->entries);
	free(file->name);
	file->entries = NULL;
	file->name = NULL;
	file->count = 0;
}

const struct vmx_entry *vmx_find(const struct vmx_file *file, const char *key)
{
	size_t i;

	for (i = 0; i < file->count; i++)
		if (!strcasecmp(file->entries[i].key, key))
			return &file->entries[i];
	return NULL;
}

/* Key characters VMware writes: letters, digits and . _ : - */
static bool is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == ':' ||
	       c == '-';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescape the quoted value s[0..len); NULL with *why set if malformed. */
static char *unescape(const char *s, size_t len, const char **why)
{
	char *out = xrealloc(NULL, len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != VMX_ESCAPE) {
			*o++ = s[i];
			continue;
		}
		hi = i + 1 < len ? hex_digit(s[i + 1]) : -1;
		lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			*why = "'|' must start an escape of two hex digits (|22 is a quote, |7C a bar)";
			free(out);
			return NULL;
		}
		*o++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*o = '\0';
	return out;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static void add_entry(struct vmx_file *file, char *key, char *value,
		      unsigned int line, size_t value_off, size_t value_len)
{
	file->entries = xrealloc(file->entries,
				 (file->count + 1) * sizeof(*file->entries));
	file->entries[file->count++] = (struct vmx_entry){
		.key = key, .value = value, .line = line,
		.value_off = value_off, .value_len = value_len,
	};
}

/*
 * One line (without its newline) of the file that starts at text; returns
 * false and adds a diag if bad.
 */
static bool parse_line(struct vmx_file *file, const char *text, const char *p,
		       const char *end, unsigned int line, struct diag *diag)
{
	const char *key, *key_end, *val, *val_end, *why = NULL;
	const struct vmx_entry *old;
	char *k, *v;

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return true;
	key = p;
	while (p < end && is_key_char(*p))
		p++;
	key_end = p;
	if (key_end == key) {
		if (isprint((unsigned char)*p))
			diag_add_at(diag, file->name, line, "expected a key, found '%c'", *p);
		else
			diag_add_at(diag, file->name, line, "expected a key, found byte 0x%02x",
				    (unsigned char)*p);
		return false;
	}
	p = skip_blanks(p, end);
	if (p == end || *p != '=') {
		diag_add_at(diag, file->name, line,
			    "expected '=' after key '%.*s'", (int)(key_end - key), key);
		return false;
	}
	p = skip_blanks(p + 1, end);
	if (p == end || *p != '"') {
		diag_add_at(diag, file->name, line,
			    "value of '%.*s' must be in double quotes", (int)(key_end - key), key);
		return false;
	}
	val = ++p;
	while (p < end && *p != '"')
		p++;
	if (p == end) {
		diag_add_at(diag, file->name, line, "missing closing quote");
		return false;
	}
	val_end = p;
	v = unescape(val, p - val, &why);
	p = skip_blanks(p + 1, end);
	if (v && p < end && *p != '#')
		why = "text after the closing quote (write a quote in a value as |22)";
	if (why) {
		diag_add_at(diag, file->name, line, "%s", why);
		free(v);
		return false;
	}
	k = xstrndup(key, key_end - key);
	old = vmx_find(file, k);
	if (old) {
		diag_add_at(diag, file->name, line, "'%s' is set again (first at line %u)",
			    k, old->line);
		free(k);
		free(v);
		return false;
	}
	add_entry(file, k, v, line, (size_t)(val - text), (size_t)(val_end - val));
	return true;
}

int vmx_parse(const char *name, const char *text, size_t len,
	      struct vmx_file *file, struct diag *diag)
{
	const char *p = text, *end = text + len;
	unsigned int line = 0;
	bool ok = true;

	*file = (struct vmx_file){ .name = xstrndup(name, strlen(name)) };
	if (len > VMX_MAX_FILE_SIZE) {
		diag_add_at(diag, name, 0, "larger than %d bytes", VMX_MAX_FILE_SIZE);
		return -1;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		size_t line_len;

		if (!eol)
			eol = end;
		line++;
		line_len = eol - p;
		if (line_len && p[line_len - 1] == '\r')
			line_len--;	/* files written on Windows */
		if (memchr(p, '\0', line_len)) {
			diag_add_at(diag, name, line, "NUL byte in line");
			ok = false;
		} else if (!parse_line(file, text, p, p + line_len, line, diag)) {
			ok = false;
		}
		p = eol + 1;
	}
	return ok ? 0 : -1;
}

/* file, named name, empty: it cannot be read (what, and err unless 0). -1 */
static int unreadable(struct vmx_file *file, const char *name, const char *what, int err,
		      struct diag *diag)
{
	*file = (struct vmx_file){ .name = xstrndup(name, strlen(name)) };
	if (err)
		diag_add_at(diag, name, 0, "%s: %s", what, strerror(err));
	else
		diag_add_at(diag, name, 0, "%s", what);
	return -1;
}

int vmx_load_fd(int fd, const char *name, struct vmx_file *file, char **text, size_t *len,
		struct diag *diag)
{
	char *buf = xrealloc(NULL, VMX_MAX_FILE_SIZE + 1);
	size_t got = 0;

	*text = NULL;
	*len = 0;
	while (got < VMX_MAX_FILE_SIZE + 1) {
		ssize_t r = read(fd, buf + got, VMX_MAX_FILE_SIZE + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			unreadable(file, name, "cannot read", errno, diag);
			free(buf);
			return -1;
		}
		if (!r)
			break;
		got += (size_t)r;
	}
	*text = buf;
	*len = got;
	return vmx_parse(name, buf, got, file, diag);
}

/* name in dir opened with O_PATH|flags (nothing of it runs) and its fstat(); -1 */
static int open_path(int dir, const char *name, int flags, struct stat *st)
{
	int fd = openat(dir, name, O_PATH | O_CLOEXEC | flags);

	if (fd >= 0 && fstat(fd, st)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * O_PATH opens nothing (a device's open routine does not run: a .vmx
 * that is a link to a watchdog or a tty must not arm or become one), its
 * fstat() says what it is, and /proc/self/fd reopens that very inode.
 * Without /proc, a plain open whose inode must be the same; O_NONBLOCK:
 * a pipe swapped in meanwhile is refused, not waited on.
 */
int vmx_open_regular(int dir, const char *name, struct stat *st, bool *linked)
{
	char proc[32];
	struct stat again;
	int probe = open_path(dir, name, O_NOFOLLOW, st), fd;

	*linked = probe >= 0 && S_ISLNK(st->st_mode);
	if (*linked) {
		close(probe);
		probe = open_path(dir, name, 0, st);
	}
	if (probe < 0)
		return -1;
	if (!S_ISREG(st->st_mode)) {
		close(probe);
		return VMX_NOT_REGULAR;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", probe);
	fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = openat(dir, name, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC |
			    (*linked ? 0 : O_NOFOLLOW));
	close(probe);
	if (fd >= 0 && (fstat(fd, &again) || again.st_dev != st->st_dev ||
			again.st_ino != st->st_ino)) {
		close(fd);
		return VMX_NOT_REGULAR;
	}
	return fd;
}

int vmx_load(const char *path, struct vmx_file *file, struct diag *diag)
{
	int fd = vmx_open_regular(AT_FDCWD, path, &(struct stat){ 0 }, &(bool){ false });
	char *text = NULL;
	size_t len;
	int ret;

	if (fd == VMX_NOT_REGULAR)
		return unreadable(file, path, "is not a regular file", 0, diag);
	if (fd < 0)
		return unreadable(file, path, "cannot open", errno, diag);
	ret = vmx_load_fd(fd, path, file, &text, &len, diag);
	close(fd);
	free(text);
	return ret;
}

/* Characters written as |XX: the quote, the escape, '#' and controls. */
static bool needs_escape(unsigned char c)
{
	return c == '"' || c == VMX_ESCAPE || c == '#' || c < 0x20 || c == 0x7f;
}

/* value with the escapes vmx_write_entry() uses; 0 or -1. */
static int write_value(FILE *out, const char *value)
{
	const unsigned char *v;

	for (v = (const unsigned char *)value; *v; v++) {
		int r = needs_escape(*v) ? fprintf(out, "|%02X", *v) : fputc(*v, out);

		if (r < 0)
			return -1;
	}
	return 0;
}

int vmx_write_entry(FILE *out, const char *key, const char *value)
{
	if (fprintf(out, "%s = \"", key) < 0 || write_value(out, value))
		return -1;
	return fputs("\"\n", out) < 0 ? -1 : 0;
}

/* The set for entry e, or NULL. */
static const struct vmx_set *set_of(const struct vmx_entry *e,
				    const struct vmx_set *sets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(e->key, sets[i].key))
			return &sets[i];
	return NULL;
}

int vmx_edit(const struct vmx_file *file, const char *text, size_t len,
	     const struct vmx_set *sets, size_t n, char **out, size_t *out_len)
{
	const char *eol = memchr(text, '\n', len);
	const char *nl = eol && eol > text && eol[-1] == '\r' ? "\r\n" : "\n";
	FILE *f = open_memstream(out, out_len);
	size_t done = 0, i;
	int err = 0;

	if (!f)
		return -1;
	/* entries are in file order: splice each value that changes */
	for (i = 0; i < file->count && !err; i++) {
		const struct vmx_entry *e = &file->entries[i];
		const struct vmx_set *s = set_of(e, sets, n);

		if (!s)
			continue;
		err = fwrite(text + done, 1, e->value_off - done, f) != e->value_off - done ||
		      write_value(f, s->value);
		done = e->value_off + e->value_len;
	}
	if (!err && fwrite(text + done, 1, len - done, f) != len - done)
		err = -1;
	if (!err && len && text[len - 1] != '\n') {
		for (i = 0; i < n && vmx_find(file, sets[i].key); i++)
			;
		if (i < n)	/* something to append: end the last line first */
			err = fputs(nl, f) < 0;
	}
	for (i = 0; i < n && !err; i++) {
		if (vmx_find(file, sets[i].key))
			continue;
		err = fprintf(f, "%s = \"", sets[i].key) < 0 || write_value(f, sets[i].value) ||
		      fprintf(f, "\"%s", nl) < 0;
	}
	if (fclose(f) || err) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
