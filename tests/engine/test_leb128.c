/* Placeholder until the suite lands. */
#include "suite.h"

Suite *
leb128_suite(void)
{
    return suite_create("leb128");
}
