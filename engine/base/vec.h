/* Typed growable arrays on the heap (MIR's DEF_VARR, h2o's H2O_VECTOR) and a byte buffer.
 * VEC_DEFINE(name, T) declares name_t {items, len, cap} and its inline functions; growth doubles
 * and is bounded by a limit the caller passes (in elements), so runaway input becomes SL_ELIMIT
 * and a failed realloc SL_ENOMEM. On failure the array is unchanged and still owned by the caller.
 * Not thread-safe: one owner at a time. A zeroed struct is an empty array. */
#ifndef SL_VEC_H
#define SL_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

/* The limit of an array only memory bounds. */
#define VEC_NO_LIMIT SIZE_MAX
/* The first allocation holds this many elements unless more are needed. */
#define VEC_MIN_CAP 16

/* Makes room for `need` elements of `elem_size` bytes at *items (capacity *cap): 0, SL_ELIMIT
 * when need passes limit, or SL_ENOMEM. The out-of-line core of every vector. */
int vec_grow(void **items, size_t *cap, size_t need, size_t elem_size, size_t limit);

#define VEC_DEFINE(name, T)                                                                        \
    typedef struct name {                                                                          \
        T *items;                                                                                  \
        size_t len; /* elements in use: items[0, len) */                                           \
        size_t cap; /* private: elements allocated */                                              \
    } name##_t;                                                                                    \
                                                                                                   \
    /* Room for `need` elements in all: 0, SL_ELIMIT (need > limit) or SL_ENOMEM. */               \
    static inline int name##_reserve(name##_t *v, size_t need, size_t limit)                      \
    {                                                                                              \
        if (need <= v->cap)                                                                        \
            return 0;                                                                              \
        return vec_grow((void **)&v->items, &v->cap, need, sizeof(T), limit);                      \
    }                                                                                              \
                                                                                                   \
    /* Appends x: 0, SL_ELIMIT (the array would pass limit elements) or SL_ENOMEM. */              \
    static inline int name##_push(name##_t *v, T x, size_t limit)                                  \
    {                                                                                              \
        if (v->len == v->cap) {                                                                    \
            int rc = name##_reserve(v, v->len + 1, limit);                                         \
            if (rc < 0)                                                                            \
                return rc;                                                                         \
        }                                                                                          \
        v->items[v->len++] = x;                                                                    \
        return 0;                                                                                  \
    }                                                                                              \
                                                                                                   \
    /* Frees the elements; the array is empty again. */                                            \
    static inline void name##_fini(name##_t *v)                                                    \
    {                                                                                              \
        free(v->items);                                                                            \
        *v = (name##_t){0};                                                                        \
    }

/* A byte buffer: bytebuf_t {items, len, cap} with bytebuf_reserve/_push/_fini, and append. */
VEC_DEFINE(bytebuf, uint8_t)

/* Appends n bytes: 0, SL_ELIMIT (the buffer would pass limit bytes) or SL_ENOMEM. */
static inline int
bytebuf_append(bytebuf_t *b, const void *data, size_t n, size_t limit)
{
    if (n > SIZE_MAX - b->len)
        return SL_ELIMIT;
    int rc = bytebuf_reserve(b, b->len + n, limit);
    if (rc < 0)
        return rc;
    if (n)
        memcpy(b->items + b->len, data, n);
    b->len += n;
    return 0;
}

#endif
