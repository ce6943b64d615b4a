/* Echoes argv and the environment the host passed, in order. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int
main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    int n = 0;
    for (char **e = environ; *e; e++)
        printf("env[%d]=[%s]\n", n++, *e);
    const char *v = getenv("SL_GREETING");
    printf("SL_GREETING=%s\n", v ? v : "(unset)");
    return 0;
}
