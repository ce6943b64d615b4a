/* Every Check suite file defines one constructor named after its component; check_main.c calls
 * the one given by SL_TEST_SUITE. Declaring it here keeps -Wmissing-prototypes meaningful. */
#ifndef SL_TEST_SUITE_H
#define SL_TEST_SUITE_H

#include <check.h>

#ifdef SL_TEST_SUITE
Suite *SL_TEST_SUITE(void);
#endif

#endif
