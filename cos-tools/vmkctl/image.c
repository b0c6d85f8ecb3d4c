// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl image check FILE: the checks the loader makes before it takes
 * any memory (loader-module/image.c), made here with libelf so that an
 * operator can validate an image before loading it.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmkctl.h"

struct check {
	const char *file;
	bool verbose;
	off_t size;
	const struct vmk_image_note *note;
	uint64_t loaded;
	size_t nsyms;
};

static int bad(const struct check *c, const char *why)
{
	fprintf(stderr, "vmkctl: %s: %s\n", c->file, why);
	return 1;
}

static int check_note(struct check *c, Elf *elf, const GElf_Phdr *p)
{
	Elf_Data *d = elf_getdata_rawchunk(elf, p->p_offset, p->p_filesz,
					   ELF_T_NHDR);
	size_t off = 0, name, desc;
	GElf_Nhdr n;

	if (!d)
		return 0;
	while ((off = gelf_getnote(d, off, &n, &name, &desc)) > 0) {
		if (n.n_namesz == sizeof(VMK_NOTE_NAME) &&
		    !memcmp((char *)d->d_buf + name, VMK_NOTE_NAME,
			    n.n_namesz) && n.n_type == VMK_NOTE_IMAGE) {
			if (n.n_descsz < sizeof(struct vmk_image_note))
				return bad(c, "vmkernel note too short");
			c->note = (const void *)((char *)d->d_buf + desc);
			if (c->verbose)
				printf("%s: note at file offset %llu\n", c->file,
				       (unsigned long long)(p->p_offset + desc));
		}
	}
	return 0;
}

static int check_segments(struct check *c, Elf *elf, const GElf_Ehdr *eh)
{
	size_t n, i;
	bool entry_ok = false;

	if (elf_getphdrnum(elf, &n) || !n)
		return bad(c, "no program headers");
	for (i = 0; i < n; i++) {
		GElf_Phdr p;

		if (!gelf_getphdr(elf, i, &p))
			return bad(c, "truncated: program headers past end of file");
		if ((off_t)(p.p_offset + p.p_filesz) > c->size)
			return bad(c, "truncated: a segment ends past end of file");
		if (p.p_type == PT_NOTE && check_note(c, elf, &p))
			return 1;
	}
	if (!c->note)
		return bad(c, "no vmkernel note: not a vmkernel image");
	if (c->note->abi_version != VMK_ABI_VERSION) {
		fprintf(stderr, "vmkctl: %s: image has ABI version %u, this vmkctl needs %u\n",
			c->file, c->note->abi_version, VMK_ABI_VERSION);
		return 1;
	}
	for (i = 0; i < n; i++) {
		GElf_Phdr p;

		if (!gelf_getphdr(elf, i, &p) || p.p_type != PT_LOAD)
			continue;
		if (p.p_filesz > p.p_memsz || p.p_vaddr < VMK_VBASE ||
		    p.p_vaddr + p.p_memsz > (uint64_t)VMK_VBASE + VMK_VSIZE)
			return bad(c, "a segment lies outside the vmkernel's range");
		if (eh->e_entry >= p.p_vaddr && eh->e_entry < p.p_vaddr + p.p_memsz)
			entry_ok = true;
		c->loaded += p.p_memsz;
	}
	if (!entry_ok)
		return bad(c, "entry point outside the image");
	return 0;
}

/* Sections must lie in the file too: the panic report needs the symbols. */
static int check_sections(struct check *c, Elf *elf, const GElf_Ehdr *eh)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (eh->e_shoff && eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize >
			   (uint64_t)c->size)
		return bad(c, "truncated: section headers past end of file");
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return bad(c, "truncated: bad section header");
		if (sh.sh_type != SHT_NOBITS &&
		    sh.sh_offset + sh.sh_size > (uint64_t)c->size)
			return bad(c, "truncated: a section ends past end of file");
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize)
			c->nsyms = sh.sh_size / sh.sh_entsize;
	}
	return 0;
}

static int check_image(struct check *c, Elf *elf)
{
	GElf_Ehdr eh;
	char *id;

	if (elf_kind(elf) != ELF_K_ELF)
		return bad(c, "not an ELF file");
	id = elf_getident(elf, NULL);
	if (!gelf_getehdr(elf, &eh) || !id)
		return bad(c, "truncated ELF header");
	if (id[EI_CLASS] != ELFCLASS32 || id[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_386)
		return bad(c, "not a 32-bit x86 ELF file (foreign ELF)");
	if (eh.e_type != ET_EXEC)
		return bad(c, "not an ELF executable");
	if (check_segments(c, elf, &eh))
		return 1;
	if (c->note->vbase != VMK_VBASE)
		return bad(c, "image linked for another base address");
	if (check_sections(c, elf, &eh))
		return 1;
	printf("%s: vmkernel image %.*s, ABI %u, entry %#llx, %llu KiB loaded, %zu symbols\n",
	       c->file, VMK_VERSION_LEN, c->note->version,
	       c->note->abi_version, (unsigned long long)eh.e_entry,
	       (unsigned long long)c->loaded >> 10, c->nsyms);
	return 0;
}

int cmd_image(int argc, char **argv)
{
	struct check c = { 0 };
	struct stat st;
	Elf *elf;
	int fd, ret;

	if (argc < 3 || argc > 4 || strcmp(argv[1], "check") ||
	    (argc == 4 && strcmp(argv[3], "-v"))) {
		fprintf(stderr, "usage: vmkctl image check FILE [-v]\n");
		return 2;
	}
	c.file = argv[2];
	c.verbose = argc == 4;
	fd = open(c.file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vmkctl: %s: %s\n", c.file, strerror(errno));
		return 1;
	}
	c.size = st.st_size;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ret = elf ? check_image(&c, elf) : bad(&c, elf_errmsg(-1));
	elf_end(elf);
	close(fd);
	return ret;
}
