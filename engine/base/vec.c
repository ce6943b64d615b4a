/* The growth step shared by every VEC_DEFINE array (vec.h). */
#include "vec.h"

#include "slipstream.h"

int
vec_grow(void **items, size_t *cap, size_t need, size_t elem_size, size_t limit)
{
    if (need <= *cap)
        return 0;
    if (need > limit)
        return SL_ELIMIT;
    /* Doubling keeps appends amortized O(1); the last step stops at the limit so an array may
     * use all of it. */
    size_t cap_new = *cap ? *cap : VEC_MIN_CAP;
    while (cap_new < need)
        cap_new = cap_new > limit / 2 ? limit : cap_new * 2;
    if (cap_new > limit)
        cap_new = limit;
    if (cap_new > SIZE_MAX / elem_size)
        return SL_ENOMEM;
    void *p = realloc(*items, cap_new * elem_size);
    if (!p)
        return SL_ENOMEM;
    *items = p;
    *cap = cap_new;
    return 0;
}
