// SPDX-License-Identifier: GPL-2.0-only
/* vmkfs: status strings, error messages, UUIDs. */
#include "vmkfs/internal.h"

const char *vmkfs_strerror(int status)
{
	switch (status) {
	case VMKFS_OK: return "success";
	case VMKFS_EIO: return "I/O error";
	case VMKFS_ENOMEM: return "out of memory";
	case VMKFS_ENOSPC: return "no space left on volume";
	case VMKFS_ENOENT: return "no such file or directory";
	case VMKFS_EEXIST: return "file exists";
	case VMKFS_EBUSY: return "locked by another holder";
	case VMKFS_ECORRUPT: return "corrupt on-disk structure";
	case VMKFS_EINVAL: return "invalid argument";
	case VMKFS_EROFS: return "volume mounted read-only";
	case VMKFS_ENOTDIR: return "not a directory";
	case VMKFS_EISDIR: return "is a directory";
	case VMKFS_ENOTEMPTY: return "directory not empty";
	case VMKFS_EFBIG: return "file too large";
	case VMKFS_ENAMETOOLONG: return "name too long";
	}
	return "unknown error";
}

const char *vmkfs_label_problem(const char *label, size_t size)
{
	size_t n = 0;

	for (; n < size && label[n]; n++) {
		if (label[n] < 0x20 || label[n] > 0x7e)
			return "has a non-printable character";
		if (label[n] == '/' || label[n] == ']')
			return "has a '/' or ']'";
	}
	if (n == size || n > VMKFS_FS_LABEL_LEN - 1)
		return "is longer than 127 characters";
	if ((n == 1 && label[0] == '.') || (n == 2 && label[0] == '.' && label[1] == '.'))
		return "is . or ..";
	return NULL;
}

int vmkfs_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vmkfs_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

/* record the first (innermost) message of a failing call, return status */
int vmkfs_err(struct vmkfs_vol *vol, int status, const char *fmt, ...)
{
	va_list ap;

	if (!vol || vol->errmsg[0])
		return status;
	va_start(ap, fmt);
	vmkfs_vsnprintf(vol->errmsg, sizeof(vol->errmsg), fmt, ap);
	va_end(ap);
	return status;
}

const char *vmkfs_errmsg(const struct vmkfs_vol *vol)
{
	return vol->errmsg[0] ? vol->errmsg : "no error";
}

/* VMFS UUIDs: seconds, a random word, a random short, 6 node bytes */
void vmkfs_make_uuid(uint8_t uuid[16])
{
	uint8_t host[16];
	uint32_t r = vmkfs_random32();

	vmkfs_host_uuid(host);
	put32(uuid, 0, vmkfs_time_unix());
	put32(uuid, 4, vmkfs_random32());
	uuid[8] = r;
	uuid[9] = r >> 8;
	vmkfs_memcpy(uuid + 10, host + 10, 6);
}

static const char hexdig[] = "0123456789abcdef";

static void hex_byte(char *out, uint8_t b)
{
	out[0] = hexdig[b >> 4];
	out[1] = hexdig[b & 15];
}

void vmkfs_uuid_str(const uint8_t uuid[16], char out[VMKFS_UUID_STR_LEN + 1])
{
	/* two little-endian words, a little-endian short, six bytes */
	static const uint8_t order[16] = { 3, 2, 1, 0, 7, 6, 5, 4, 9, 8,
					   10, 11, 12, 13, 14, 15 };
	unsigned int i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 8 || i == 10)
			out[o++] = '-';
		hex_byte(out + o, uuid[order[i]]);
		o += 2;
	}
	out[o] = 0;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vmkfs_uuid_parse(const char *s, uint8_t uuid[16])
{
	static const uint8_t order[16] = { 3, 2, 1, 0, 7, 6, 5, 4, 9, 8,
					   10, 11, 12, 13, 14, 15 };
	unsigned int i;

	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (*s == '-')
			s++;
		hi = hex_val(s[0]);
		lo = hi < 0 ? -1 : hex_val(s[1]);
		if (lo < 0)
			return VMKFS_EINVAL;
		uuid[order[i]] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *s ? VMKFS_EINVAL : VMKFS_OK;
}
