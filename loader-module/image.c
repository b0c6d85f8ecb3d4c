// SPDX-License-Identifier: GPL-2.0-only
/* Checks a vmkernel image before anything is allocated for it. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include "vmkload.h"

#define FAIL(...) ({ snprintf(err, errlen, __VA_ARGS__); -ENOEXEC; })

static bool in_file(const struct vmk_image *img, u32 off, u32 len)
{
	return off <= img->size && len <= img->size - off;
}

static int find_note(struct vmk_image *img, const struct elf32_phdr *p,
		     char *err, size_t errlen)
{
	u32 off = p->p_offset, end = p->p_offset + p->p_filesz;

	while (off + sizeof(struct elf32_note) <= end) {
		const struct elf32_note *n = (const void *)(img->data + off);
		u32 name = off + sizeof(*n), desc;

		/* Sizes come from the file: bound them before any sum can wrap. */
		if (n->n_namesz > end - name || ALIGN(n->n_namesz, 4) > end - name)
			return FAIL("malformed ELF note");
		desc = name + ALIGN(n->n_namesz, 4);
		if (n->n_descsz > end - desc)
			return FAIL("malformed ELF note");
		if (n->n_namesz == sizeof(VMK_NOTE_NAME) &&
		    !memcmp(img->data + name, VMK_NOTE_NAME, n->n_namesz) &&
		    n->n_type == VMK_NOTE_IMAGE) {
			if (n->n_descsz < sizeof(struct vmk_image_note))
				return FAIL("vmkernel note too short");
			img->note = (const void *)(img->data + desc);
			return 0;
		}
		off = desc + ALIGN(n->n_descsz, 4);
	}
	return 0;
}

/*
 * The symbol table the panic report needs. A section table cut off by a
 * truncated file is refused like any other truncation; an image without
 * sections (stripped) loads without symbols.
 */
static int find_symbols(struct vmk_image *img, char *err, size_t errlen)
{
	const struct elf32_hdr *eh = img->eh;
	const struct elf32_shdr *sh;
	unsigned int i;

	if (!eh->e_shoff)
		return 0;
	if (eh->e_shentsize != sizeof(*sh) ||
	    !in_file(img, eh->e_shoff, eh->e_shnum * sizeof(*sh)))
		return FAIL("truncated: section headers past end of file");
	sh = (const void *)(img->data + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const struct elf32_shdr *str;

		if (sh[i].sh_type != SHT_NOBITS &&
		    !in_file(img, sh[i].sh_offset, sh[i].sh_size))
			return FAIL("truncated: section %u past end of file", i);
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		str = &sh[sh[i].sh_link];
		if (!in_file(img, str->sh_offset, str->sh_size))
			return FAIL("truncated: string table past end of file");
		img->symtab = img->data + sh[i].sh_offset;
		img->symtab_size = sh[i].sh_size;
		img->strtab = (const char *)img->data + str->sh_offset;
		img->strtab_size = str->sh_size;
	}
	return 0;
}

int vmk_image_parse(const void *data, size_t size, struct vmk_image *img,
		    char *err, size_t errlen)
{
	const struct elf32_hdr *eh = data;
	bool entry_ok = false, boot_ok = false;
	unsigned int i;
	int ret;

	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	img->eh = eh;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return FAIL("not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_386)
		return FAIL("not a 32-bit x86 ELF file (foreign ELF)");
	if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(*img->ph) ||
	    !eh->e_phnum)
		return FAIL("not an ELF executable with program headers");
	if (!in_file(img, eh->e_phoff, eh->e_phnum * sizeof(*img->ph)))
		return FAIL("truncated: program headers past end of file");
	img->ph = (const void *)((const u8 *)data + eh->e_phoff);

	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf32_phdr *p = &img->ph[i];

		if (!in_file(img, p->p_offset, p->p_filesz))
			return FAIL("truncated: segment %u ends past end of file", i);
		if (p->p_type == PT_NOTE) {
			ret = find_note(img, p, err, errlen);
			if (ret)
				return ret;
		}
	}
	if (!img->note)
		return FAIL("no vmkernel note: not a vmkernel image");
	if (img->note->abi_version != VMK_ABI_VERSION)
		return FAIL("image has ABI version %u, this loader needs %u",
			    img->note->abi_version, VMK_ABI_VERSION);
	if (img->note->vbase != VMK_VBASE)
		return FAIL("image linked at %#x, expected %#x",
			    img->note->vbase, VMK_VBASE);
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf32_phdr *p = &img->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz || p->p_vaddr < VMK_VBASE ||
		    p->p_memsz > VMK_VBASE + VMK_VSIZE - p->p_vaddr)
			return FAIL("segment %u outside the vmkernel's range", i);
		img->end_va = max(img->end_va, p->p_vaddr + p->p_memsz);
		if (eh->e_entry >= p->p_vaddr &&
		    eh->e_entry < p->p_vaddr + p->p_memsz)
			entry_ok = true;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		const struct elf32_phdr *p = &img->ph[i];
		u32 bi = img->note->boot_info_va;

		if (p->p_type == PT_LOAD && (p->p_flags & PF_W) &&
		    bi >= p->p_vaddr &&
		    bi + sizeof(struct vmk_boot_info) <= p->p_vaddr + p->p_memsz)
			boot_ok = true;
	}
	if (!entry_ok || !boot_ok)
		return FAIL("entry point or boot info outside the image");
	return find_symbols(img, err, errlen);
}
