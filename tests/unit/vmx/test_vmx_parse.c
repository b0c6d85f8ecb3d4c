// SPDX-License-Identifier: GPL-2.0-only
/* .vmx syntax: lines, comments, escapes, and what malformed files report. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check_run.h"
#include "tests/unit/vmx/vmx_test.h"

START_TEST(test_parse_reads_keys_values_comments_and_blank_lines)
{
	static const char text[] =
		"# written by hand\n"
		".encoding = \"UTF-8\"\n"
		"\n"
		"config.version=\"8\"\r\n"
		"\tdisplayName   =  \"web server\"   # trailing comment\n"
		"scsi0:0.fileName = \"a#b.vmdk\"\n"
		"empty = \"\"";
	struct vmx_file f;
	struct diag d;

	ck_assert_int_eq(parse_text(text, &f, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(f.count, 5);
	ck_assert_str_eq(vmx_find(&f, "config.version")->value, "8");
	ck_assert_uint_eq(vmx_find(&f, "config.version")->line, 4);
	ck_assert_str_eq(vmx_find(&f, "displayName")->value, "web server");
	ck_assert_str_eq(vmx_find(&f, "scsi0:0.fileName")->value, "a#b.vmdk");
	ck_assert_str_eq(vmx_find(&f, "empty")->value, "");
	ck_assert_uint_eq(vmx_find(&f, "empty")->line, 7);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_keys_compare_case_insensitively)
{
	struct vmx_file f;
	struct diag d;

	ck_assert_int_eq(parse_text("displayName = \"x\"\n", &f, &d), 0);
	ck_assert_ptr_nonnull(vmx_find(&f, "DISPLAYNAME"));
	ck_assert_ptr_null(vmx_find(&f, "displayNam"));
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_pipe_escapes_are_decoded)
{
	struct vmx_file f;
	struct diag d;

	ck_assert_int_eq(parse_text("displayName = \"say |22hi|22 |7c |7C |23|0A\"\n",
				    &f, &d), 0);
	ck_assert_str_eq(vmx_find(&f, "displayName")->value, "say \"hi\" | | #\n");
	vmx_file_free(&f);
}
END_TEST

struct bad_case {
	const char *text;
	const char *message;	/* expected in the diag, with file:line */
};

static const struct bad_case bad_cases[] = {
	{ "a = \"1\"\nmemsize = 256\n", "t.vmx:2: value of 'memsize' must be in double quotes" },
	{ "memsize \"256\"\n", "t.vmx:1: expected '=' after key 'memsize'" },
	{ "\n\n= \"x\"\n", "t.vmx:3: expected a key, found '='" },
	{ "memsize = \"256\n", "t.vmx:1: missing closing quote" },
	{ "name = \"a\"b\"\n", "t.vmx:1: text after the closing quote" },
	{ "name = \"a|2\"\n", "t.vmx:1: '|' must start an escape" },
	{ "name = \"a|zz\"\n", "t.vmx:1: '|' must start an escape" },
	{ "name = \"a|00\"\n", "t.vmx:1: '|' must start an escape" },
	{ "name = \"a|\"\n", "t.vmx:1: '|' must start an escape" },
	{ "memsize = \"4\"\n# x\nMEMSIZE = \"8\"\n",
	  "t.vmx:3: 'MEMSIZE' is set again (first at line 1)" },
	{ "\x01key = \"x\"\n", "t.vmx:1: expected a key, found byte 0x01" },
	{ "key = \"x\"\nkey two = \"y\"\n", "t.vmx:2: expected '=' after key 'key'" },
};

START_TEST(test_malformed_lines_are_reported_with_file_and_line)
{
	const struct bad_case *c = &bad_cases[_i];
	struct vmx_file f;
	struct diag d;

	ck_assert_int_eq(parse_text(c->text, &f, &d), -1);
	assert_diag_has(&d, c->message);
	diag_free(&d);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_every_problem_is_reported_and_good_lines_kept)
{
	struct vmx_file f;
	struct diag d;

	ck_assert_int_eq(parse_text("a = 1\nb = \"2\"\nc = \"3\nd = \"4\"\n", &f, &d), -1);
	ck_assert_uint_eq(d.count, 2);
	assert_diag_has(&d, "t.vmx:1:");
	assert_diag_has(&d, "t.vmx:3:");
	ck_assert_uint_eq(f.count, 2);
	ck_assert_str_eq(vmx_find(&f, "d")->value, "4");
	diag_free(&d);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_nul_bytes_and_oversized_files_are_refused)
{
	static const char nul[] = "a = \"1\"\nb = \"x\0y\"\n";
	struct vmx_file f;
	struct diag d = { 0 };
	char *big;

	ck_assert_int_eq(vmx_parse("t.vmx", nul, sizeof(nul) - 1, &f, &d), -1);
	assert_diag_has(&d, "t.vmx:2: NUL byte");
	diag_free(&d);
	vmx_file_free(&f);

	big = malloc(VMX_MAX_FILE_SIZE + 1);
	memset(big, '#', VMX_MAX_FILE_SIZE + 1);
	ck_assert_int_eq(vmx_parse("big.vmx", big, VMX_MAX_FILE_SIZE + 1, &f, &d), -1);
	assert_diag_has(&d, "big.vmx: larger than");
	free(big);
	diag_free(&d);
	vmx_file_free(&f);
}
END_TEST

START_TEST(test_missing_file_says_why)
{
	struct vmx_file f;
	struct diag d = { 0 };

	ck_assert_int_eq(vmx_load("/nonexistent/x.vmx", &f, &d), -1);
	assert_diag_has(&d, "/nonexistent/x.vmx: cannot open: No such file");
	diag_free(&d);
	vmx_file_free(&f);
}
END_TEST

/* A pipe or a folder named like a .vmx: refused at once, not waited on. */
START_TEST(test_a_file_that_is_not_regular_is_refused_without_waiting)
{
	char dir[] = "/tmp/vmx-parse.XXXXXX", fifo[64];
	struct vmx_file f;
	struct diag d = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/vm1.vmx", dir);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	/* no writer: a blocking open would wait for ever */
	ck_assert_int_eq(vmx_load(fifo, &f, &d), -1);
	assert_diag_has(&d, "vm1.vmx: is not a regular file");
	vmx_file_free(&f);
	ck_assert_int_eq(vmx_load(dir, &f, &d), -1);
	ck_assert_uint_eq(d.count, 2);
	ck_assert_str_eq(d.msgs[1] + strlen(dir), ": is not a regular file");
	diag_free(&d);
	vmx_file_free(&f);
	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_written_values_read_back_unchanged)
{
	char value[256], *buf = NULL;
	size_t len = 0;
	struct vmx_file f;
	struct diag d = { 0 };
	FILE *out = open_memstream(&buf, &len);
	int i;

	for (i = 1; i < 256; i++)
		value[i - 1] = (char)i;
	value[255] = '\0';
	ck_assert_int_eq(vmx_write_entry(out, "annotation", value), 0);
	ck_assert_int_eq(vmx_write_entry(out, "quote", "\"|#"), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "quote = \"|22|7C|23\"\n"));
	ck_assert_int_eq(vmx_parse("w.vmx", buf, len, &f, &d), 0);
	ck_assert_str_eq(vmx_find(&f, "annotation")->value, value);
	ck_assert_str_eq(vmx_find(&f, "quote")->value, "\"|#");
	vmx_file_free(&f);
	free(buf);
}
END_TEST

START_TEST(test_parse_survives_random_input)
{
	static const char alphabet[] = "ab.:=\"|#2F \t\n\r\x01\xff";
	char text[200];
	unsigned int i, j;

	srand(7);
	for (i = 0; i < 20000; i++) {
		struct vmx_file f;
		struct diag d = { 0 };
		size_t len = rand() % sizeof(text);

		for (j = 0; j < len; j++)
			text[j] = alphabet[rand() % (sizeof(alphabet) - 1)];
		vmx_parse("r.vmx", text, len, &f, &d);
		for (j = 0; j < d.count; j++)
			ck_assert_ptr_nonnull(strstr(d.msgs[j], "r.vmx:"));
		diag_free(&d);
		vmx_file_free(&f);
	}
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_reads_keys_values_comments_and_blank_lines);
	tcase_add_test(tc, test_keys_compare_case_insensitively);
	tcase_add_test(tc, test_pipe_escapes_are_decoded);
	tcase_add_loop_test(tc, test_malformed_lines_are_reported_with_file_and_line, 0,
			    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_every_problem_is_reported_and_good_lines_kept);
	tcase_add_test(tc, test_nul_bytes_and_oversized_files_are_refused);
	tcase_add_test(tc, test_missing_file_says_why);
	tcase_add_test(tc, test_a_file_that_is_not_regular_is_refused_without_waiting);
	tcase_add_test(tc, test_written_values_read_back_unchanged);
	tcase_add_test(tc, test_parse_survives_random_input);
	return check_run("vmx_parse", tc);
}
