/* The shared main of every Check suite: runs the one suite the executable was built for
 * (SL_TEST_SUITE names its constructor), prints "<suite>: N passed, N failed" for the top-level
 * test command to sum, and exits non-zero when anything failed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef SL_TEST_SUITE
#error "build with -DSL_TEST_SUITE=<name>_suite"
#endif

#include "suite.h"

#define STR_(x) #x
#define STR(x) STR_(x)

int
main(void)
{
    SRunner *runner = srunner_create(SL_TEST_SUITE());
    srunner_run_all(runner, CK_NORMAL);
    int n_run = srunner_ntests_run(runner);
    int n_failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    printf("%s: %d passed, %d failed\n", STR(SL_TEST_SUITE), n_run - n_failed, n_failed);
    return n_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
