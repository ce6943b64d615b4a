/* Prints, then traps with `unreachable`: the run must show the output and fail as a trap. */
#include <stdio.h>

int
main(void)
{
    printf("before the trap\n");
    fflush(stdout);
    __builtin_trap();
}
