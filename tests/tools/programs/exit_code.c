/* Exits through exit(3) with the code given as the first argument, after atexit handlers run
 * and buffered output is flushed. */
#include <stdio.h>
#include <stdlib.h>

static void
goodbye(void)
{
    printf("atexit handler ran\n");
}

int
main(int argc, char **argv)
{
    atexit(goodbye);
    int code = argc > 1 ? atoi(argv[1]) : 0;
    printf("exiting with %d\n", code);
    fprintf(stderr, "to stderr\n");
    exit(code);
}
