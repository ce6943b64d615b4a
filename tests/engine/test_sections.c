/* Placeholder until the suite lands. */
#include "suite.h"

Suite *
sections_suite(void)
{
    return suite_create("sections");
}
