/* Invariant checks (SQLite's discipline): SL_ASSERT stays on in every build and guards memory
 * safety; SL_DASSERT is for expensive checks in debug builds; SL_UNREACHABLE marks the end of an
 * exhaustive switch. */
#ifndef SL_INVARIANTS_H
#define SL_INVARIANTS_H

#include <stdio.h>
#include <stdlib.h>

#define SL_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (__builtin_expect(!(cond), 0)) {                                                        \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#ifdef NDEBUG
#define SL_DASSERT(cond) ((void)0)
#else
#define SL_DASSERT(cond) SL_ASSERT(cond)
#endif

#define SL_UNREACHABLE() __builtin_unreachable()
#define SL_LIKELY(x) __builtin_expect(!!(x), 1)
#define SL_UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif
