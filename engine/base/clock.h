/* The one clock of the engine, the daemon and the tools: CLOCK_MONOTONIC in nanoseconds, so
 * timestamps taken by the engine (sl_compilation_timeline) and by its callers compare directly
 * and ignore wall-clock jumps. Any thread. */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
