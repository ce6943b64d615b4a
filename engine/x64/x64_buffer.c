/* Growth and patching of the code buffer; the byte emitters are inline in x64_buffer.h. */
#include "x64_buffer.h"

#include "invariants.h"
#include "vec.h"

#include <stdlib.h>

void
x64_buf_init(x64_buf_t *b)
{
    *b = (x64_buf_t){0};
}

void
x64_buf_fini(x64_buf_t *b)
{
    free(b->data);
    *b = (x64_buf_t){0};
}

bool
x64_buf_reserve(x64_buf_t *b, size_t n)
{
    if (b->oom)
        return false;
    if (b->cap - b->len >= n)
        return true;
    size_t need = n > SIZE_MAX - b->len ? SIZE_MAX : b->len + n;
    if (need < X64_BUF_MIN_CAP)
        need = X64_BUF_MIN_CAP;
    if (n > SIZE_MAX - b->len ||
        vec_grow((void **)&b->data, &b->cap, need, 1, VEC_NO_LIMIT) < 0) {
        /* The old block stays allocated for x64_buf_fini; shrinking cap to len sends every
         * later emit to this function, which drops it. */
        b->oom = true;
        b->cap = b->len;
        return false;
    }
    return true;
}

void
x64_buf_patch32(x64_buf_t *b, size_t offset, uint32_t value)
{
    if (offset > b->len || b->len - offset < 4) {
        SL_ASSERT(b->oom);
        return;
    }
    for (int i = 0; i < 4; i++)
        b->data[offset + i] = (uint8_t)(value >> (8 * i));
}
