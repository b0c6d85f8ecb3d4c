// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the loader's image check (loader-module/image.c, vmk_image_parse)
 * accepts a well-formed vmkernel image and refuses, with a reason, every
 * image insmod must not load. The images are built here: a minimal ELF with
 * a PT_NOTE holding the VMK note, one writable PT_LOAD at VMK_VBASE, and a
 * section table with a symbol table at the end of the file, as the linker
 * lays out vmkernel.elf.
 */
#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "image.c"

/* File layout of the test image. */
#define T_NOTE_OFF	(sizeof(struct elf32_hdr) + 2 * sizeof(struct elf32_phdr))
#define T_NOTE_SIZE	(sizeof(struct elf32_note) + 4 + sizeof(struct vmk_image_note))
#define T_GNU_NOTE_SIZE	(sizeof(struct elf32_note) + 4 + 20)	/* a build-id note */
#define T_LOAD_OFF	0x100u
#define T_LOAD_FILESZ	0x100u
#define T_LOAD_MEMSZ	0x10000u
#define T_SYMTAB_OFF	0x200u	/* 2 symbols */
#define T_STRTAB_OFF	0x220u
#define T_STRTAB	"\0vmk_entry\0"
#define T_SHDR_OFF	0x230u	/* null, .symtab, .strtab */
#define T_SIZE		(T_SHDR_OFF + 3 * sizeof(struct elf32_shdr))
#define T_ENTRY		(VMK_VBASE + 0x10)
#define T_BOOT_INFO	(VMK_VBASE + 0x1000)

struct t_image {
	u8 d[T_SIZE];
};

static struct elf32_hdr *t_eh(struct t_image *t) { return (void *)t->d; }
static struct elf32_phdr *t_ph(struct t_image *t, int i)
{
	return (void *)(t->d + sizeof(struct elf32_hdr)) + i * sizeof(struct elf32_phdr);
}
static struct elf32_shdr *t_sh(struct t_image *t, int i)
{
	return (void *)(t->d + T_SHDR_OFF) + i * sizeof(struct elf32_shdr);
}

/* Writes one note at file offset off; returns the offset after it. */
static u32 t_note(struct t_image *t, u32 off, const char *name, u32 type,
		  const void *desc, u32 descsz)
{
	struct elf32_note *n = (void *)(t->d + off);

	n->n_namesz = strlen(name) + 1;
	n->n_descsz = descsz;
	n->n_type = type;
	memcpy(t->d + off + sizeof(*n), name, n->n_namesz);
	off += sizeof(*n) + ALIGN(n->n_namesz, 4);
	memcpy(t->d + off, desc, descsz);
	return off + ALIGN(descsz, 4);
}

static struct vmk_image_note *t_vmk_note(struct t_image *t)
{
	return (void *)(t->d + T_NOTE_OFF + sizeof(struct elf32_note) + 4);
}

/* A good image; gnu_first puts a build-id note before the VMK note. */
static struct t_image *t_build(struct kunit *test, bool gnu_first)
{
	struct t_image *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct vmk_image_note note = {
		.abi_version = VMK_ABI_VERSION,
		.boot_info_va = T_BOOT_INFO,
		.vbase = VMK_VBASE,
		.max_cpus = VMK_MAX_CPUS,
		.version = "kunit",
	};
	static const u8 build_id[20] = { 1, 2, 3 };
	struct elf32_hdr *eh;
	struct elf32_phdr *ph;
	struct elf32_sym *sym;
	u32 off = T_NOTE_OFF;

	KUNIT_ASSERT_NOT_NULL(test, t);
	eh = t_eh(t);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = T_ENTRY;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = T_SHDR_OFF;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	eh->e_shentsize = sizeof(struct elf32_shdr);
	eh->e_shnum = 3;

	if (gnu_first)
		off = t_note(t, off, "GNU", 3 /* NT_GNU_BUILD_ID */, build_id,
			     sizeof(build_id));
	ph = t_ph(t, 0);
	ph->p_type = PT_NOTE;
	ph->p_offset = T_NOTE_OFF;
	ph->p_filesz = t_note(t, off, VMK_NOTE_NAME, VMK_NOTE_IMAGE, &note, sizeof(note)) -
		       T_NOTE_OFF;
	ph = t_ph(t, 1);
	ph->p_type = PT_LOAD;
	ph->p_offset = T_LOAD_OFF;
	ph->p_vaddr = ph->p_paddr = VMK_VBASE;
	ph->p_filesz = T_LOAD_FILESZ;
	ph->p_memsz = T_LOAD_MEMSZ;
	ph->p_flags = PF_R | PF_W | PF_X;

	sym = (void *)(t->d + T_SYMTAB_OFF);
	sym[1].st_name = 1;
	sym[1].st_value = T_ENTRY;
	memcpy(t->d + T_STRTAB_OFF, T_STRTAB, sizeof(T_STRTAB));
	t_sh(t, 1)->sh_type = SHT_SYMTAB;
	t_sh(t, 1)->sh_offset = T_SYMTAB_OFF;
	t_sh(t, 1)->sh_size = 2 * sizeof(*sym);
	t_sh(t, 1)->sh_link = 2;
	t_sh(t, 2)->sh_type = SHT_STRTAB;
	t_sh(t, 2)->sh_offset = T_STRTAB_OFF;
	t_sh(t, 2)->sh_size = sizeof(T_STRTAB);
	return t;
}

/* Parses size bytes of t; err receives the loader's reason. */
static int t_parse(struct t_image *t, size_t size, struct vmk_image *img, char *err)
{
	err[0] = 0;
	return vmk_image_parse(t->d, size, img, err, 96);
}

/* The image must be refused with a reason that contains want. */
static void t_expect_refused(struct kunit *test, struct t_image *t, const char *want)
{
	struct vmk_image img;
	char err[96];

	KUNIT_EXPECT_EQ(test, t_parse(t, T_SIZE, &img, err), -ENOEXEC);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err, want),
				  "reason \"%s\" does not say \"%s\"", err, want);
}

static void good_image_is_accepted(struct kunit *test)
{
	struct t_image *t = t_build(test, false);
	struct vmk_image img;
	char err[96];

	KUNIT_ASSERT_EQ_MSG(test, t_parse(t, T_SIZE, &img, err), 0, "refused: %s", err);
	KUNIT_EXPECT_PTR_EQ(test, (const void *)img.note, (const void *)t_vmk_note(t));
	KUNIT_EXPECT_EQ(test, img.note->abi_version, (u32)VMK_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, img.end_va, VMK_VBASE + T_LOAD_MEMSZ);
}

static void symbol_table_is_found(struct kunit *test)
{
	struct t_image *t = t_build(test, false);
	struct vmk_image img;
	char err[96];

	KUNIT_ASSERT_EQ_MSG(test, t_parse(t, T_SIZE, &img, err), 0, "refused: %s", err);
	KUNIT_EXPECT_PTR_EQ(test, img.symtab, (const void *)(t->d + T_SYMTAB_OFF));
	KUNIT_EXPECT_EQ(test, img.symtab_size, (u32)(2 * sizeof(struct elf32_sym)));
	KUNIT_EXPECT_PTR_EQ(test, (const void *)img.strtab, (const void *)(t->d + T_STRTAB_OFF));
	KUNIT_EXPECT_EQ(test, img.strtab_size, (u32)sizeof(T_STRTAB));
}

static void vmk_note_after_other_notes_is_found(struct kunit *test)
{
	struct t_image *t = t_build(test, true);
	struct vmk_image img;
	char err[96];

	KUNIT_ASSERT_EQ_MSG(test, t_parse(t, T_SIZE, &img, err), 0, "refused: %s", err);
	KUNIT_ASSERT_NOT_NULL(test, img.note);
	KUNIT_EXPECT_EQ(test, img.note->vbase, VMK_VBASE);
}

/*
 * Cut anywhere, the file is refused: a cut in the section table at the end
 * (where the linker puts it) loses the symbols the panic report needs, so
 * it is as truncated as a cut in the code.
 */
static void image_truncated_anywhere_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);
	struct vmk_image img;
	char err[96];
	size_t size, accepted = 0, first = 0;

	for (size = 0; size < T_SIZE; size++) {
		if (t_parse(t, size, &img, err) == -ENOEXEC)
			continue;
		if (!accepted++)
			first = size;
	}
	KUNIT_EXPECT_EQ_MSG(test, accepted, (size_t)0,
			    "%zu cuts of a %zu-byte image accepted, the first at %zu bytes",
			    accepted, (size_t)T_SIZE, first);
}

static void image_truncated_in_segment_says_truncated(struct kunit *test)
{
	struct t_image *t = t_build(test, false);
	struct vmk_image img;
	char err[96];

	KUNIT_EXPECT_EQ(test, t_parse(t, T_LOAD_OFF + 1, &img, err), -ENOEXEC);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err, "truncated"), "reason: %s", err);
}

static void non_elf_file_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t->d[1] = 'X';
	t_expect_refused(test, t, "not an ELF file");
}

static void elf64_file_is_refused_as_foreign(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_ident[EI_CLASS] = ELFCLASS64;
	t_expect_refused(test, t, "foreign");
}

static void x86_64_machine_is_refused_as_foreign(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_machine = EM_X86_64;
	t_expect_refused(test, t, "foreign");
}

static void big_endian_file_is_refused_as_foreign(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_ident[EI_DATA] = ELFDATA2MSB;
	t_expect_refused(test, t, "foreign");
}

static void shared_object_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_type = ET_DYN;
	t_expect_refused(test, t, "not an ELF executable");
}

static void program_headers_past_end_are_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_phoff = 0xfffffff0u;
	t_expect_refused(test, t, "truncated");
}

static void segment_offset_wrapping_around_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 1)->p_offset = 0xffffff00u;
	t_ph(t, 1)->p_filesz = 0x200;
	t_expect_refused(test, t, "truncated");
}

static void image_without_vmk_note_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 0)->p_type = PT_NULL;
	t_expect_refused(test, t, "not a vmkernel image");
}

static void note_of_other_type_is_not_the_vmk_note(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	((struct elf32_note *)(t->d + T_NOTE_OFF))->n_type = VMK_NOTE_IMAGE + 1;
	t_expect_refused(test, t, "not a vmkernel image");
}

static void wrong_abi_version_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_vmk_note(t)->abi_version = VMK_ABI_VERSION + 1;
	t_expect_refused(test, t, "ABI version");
}

static void image_for_other_base_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_vmk_note(t)->vbase = VMK_VBASE - VMK_CHUNK_SIZE;
	t_expect_refused(test, t, "linked at");
}

static void short_vmk_note_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	((struct elf32_note *)(t->d + T_NOTE_OFF))->n_descsz = sizeof(struct vmk_image_note) - 4;
	t_expect_refused(test, t, "note too short");
}

static void note_larger_than_its_segment_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	((struct elf32_note *)(t->d + T_NOTE_OFF))->n_descsz = 0x1000;
	t_expect_refused(test, t, "malformed ELF note");
}

/*
 * A name size near 2^32 wraps the descriptor offset around to before the
 * note: here back onto the VMK note, which then lies outside the PT_NOTE
 * segment that now holds only the hostile note. (0xfffffff4 would send the
 * parser back to the same note forever; not tested: it would hang the suite.)
 */
static void note_name_size_wrapping_around_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);
	u32 hostile = T_NOTE_OFF + T_NOTE_SIZE;
	struct elf32_note *n = (void *)(t->d + hostile);

	n->n_namesz = T_NOTE_OFF - (hostile + sizeof(*n));	/* wraps to T_NOTE_OFF */
	n->n_descsz = 0;
	n->n_type = 0;
	t_ph(t, 0)->p_offset = hostile;
	t_ph(t, 0)->p_filesz = sizeof(*n);
	t_expect_refused(test, t, "malformed ELF note");
}

static void segment_below_vmk_vbase_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 1)->p_vaddr = VMK_VBASE - 0x1000;
	t_expect_refused(test, t, "outside the vmkernel's range");
}

static void segment_past_vmk_vsize_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 1)->p_memsz = VMK_VSIZE + 0x1000;
	t_expect_refused(test, t, "outside the vmkernel's range");
}

static void segment_with_more_file_than_memory_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 1)->p_memsz = T_LOAD_FILESZ - 4;
	t_expect_refused(test, t, "outside the vmkernel's range");
}

static void entry_outside_the_image_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_eh(t)->e_entry = VMK_VBASE + T_LOAD_MEMSZ;
	t_expect_refused(test, t, "entry point");
}

static void boot_info_in_read_only_segment_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_ph(t, 1)->p_flags = PF_R | PF_X;
	t_expect_refused(test, t, "boot info");
}

static void boot_info_crossing_the_segment_end_is_refused(struct kunit *test)
{
	struct t_image *t = t_build(test, false);

	t_vmk_note(t)->boot_info_va = VMK_VBASE + T_LOAD_MEMSZ - 8;
	t_expect_refused(test, t, "boot info");
}

static struct kunit_case loader_image_cases[] = {
	KUNIT_CASE(good_image_is_accepted),
	KUNIT_CASE(symbol_table_is_found),
	KUNIT_CASE(vmk_note_after_other_notes_is_found),
	KUNIT_CASE(image_truncated_anywhere_is_refused),
	KUNIT_CASE(image_truncated_in_segment_says_truncated),
	KUNIT_CASE(non_elf_file_is_refused),
	KUNIT_CASE(elf64_file_is_refused_as_foreign),
	KUNIT_CASE(x86_64_machine_is_refused_as_foreign),
	KUNIT_CASE(big_endian_file_is_refused_as_foreign),
	KUNIT_CASE(shared_object_is_refused),
	KUNIT_CASE(program_headers_past_end_are_refused),
	KUNIT_CASE(segment_offset_wrapping_around_is_refused),
	KUNIT_CASE(image_without_vmk_note_is_refused),
	KUNIT_CASE(note_of_other_type_is_not_the_vmk_note),
	KUNIT_CASE(wrong_abi_version_is_refused),
	KUNIT_CASE(image_for_other_base_is_refused),
	KUNIT_CASE(short_vmk_note_is_refused),
	KUNIT_CASE(note_larger_than_its_segment_is_refused),
	KUNIT_CASE(note_name_size_wrapping_around_is_refused),
	KUNIT_CASE(segment_below_vmk_vbase_is_refused),
	KUNIT_CASE(segment_past_vmk_vsize_is_refused),
	KUNIT_CASE(segment_with_more_file_than_memory_is_refused),
	KUNIT_CASE(entry_outside_the_image_is_refused),
	KUNIT_CASE(boot_info_in_read_only_segment_is_refused),
	KUNIT_CASE(boot_info_crossing_the_segment_end_is_refused),
	{}
};

static struct kunit_suite loader_image_suite = {
	.name = "vmkload_image",
	.test_cases = loader_image_cases,
};
kunit_test_suite(loader_image_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit: vmkload's vmkernel image check");
