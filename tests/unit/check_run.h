// SPDX-License-Identifier: GPL-2.0-only
/* Shared tail of every Check unit-test program: run a suite, exit status. */
#ifndef TESTS_UNIT_CHECK_RUN_H
#define TESTS_UNIT_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Run the one test case tc as suite name; EXIT_SUCCESS when nothing failed. */
static inline int check_run(const char *name, TCase *tc)
{
	Suite *s = suite_create(name);
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* TESTS_UNIT_CHECK_RUN_H */
