/* The code buffer the assembler writes into: a growable byte array with the current offset.
 * It never fails loudly: when growing fails it sets `oom` and drops every later byte, so the
 * emitters stay void and the caller checks `oom` once when the function is done.
 * Not thread-safe: one compilation owns a buffer. */
#ifndef SL_X64_BUFFER_H
#define SL_X64_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first allocation holds this many bytes; each later one doubles the capacity. */
#define X64_BUF_MIN_CAP 256

typedef struct x64_buf {
    /* read-only: the code emitted so far is data[0, len) */
    uint8_t *data;
    size_t len;
    /* private: bytes allocated at data; clamped to len once oom is set, so that every later
     * emit takes the slow path and is dropped */
    size_t cap;
    /* read-only: an allocation failed and the code is incomplete */
    bool oom;
} x64_buf_t;

/* An empty buffer; nothing is allocated until the first byte. */
void x64_buf_init(x64_buf_t *b);
/* Frees the bytes (the buffer may be initialized again). */
void x64_buf_fini(x64_buf_t *b);
/* Makes room for n more bytes. Returns false, and sets oom, when that fails or oom was already
 * set. The emitters call it on their slow path; a caller may use it to grow ahead of time. */
bool x64_buf_reserve(x64_buf_t *b, size_t n);
/* Overwrites the 4 bytes at offset (little-endian). An offset past the emitted code is a bug,
 * except after oom, when the patch is ignored. */
void x64_buf_patch32(x64_buf_t *b, size_t offset, uint32_t value);

/* The offset the next byte will be written at. */
static inline size_t
x64_buf_offset(const x64_buf_t *b)
{
    return b->len;
}

static inline void
x64_emit8(x64_buf_t *b, uint8_t v)
{
    if (b->cap - b->len < 1 && !x64_buf_reserve(b, 1))
        return;
    b->data[b->len++] = v;
}

/* The wider emitters write little-endian bytes; the compiler merges them into one store. */
static inline void
x64_emit16(x64_buf_t *b, uint16_t v)
{
    if (b->cap - b->len < 2 && !x64_buf_reserve(b, 2))
        return;
    uint8_t *p = b->data + b->len;
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    b->len += 2;
}

static inline void
x64_emit32(x64_buf_t *b, uint32_t v)
{
    if (b->cap - b->len < 4 && !x64_buf_reserve(b, 4))
        return;
    uint8_t *p = b->data + b->len;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    b->len += 4;
}

static inline void
x64_emit64(x64_buf_t *b, uint64_t v)
{
    if (b->cap - b->len < 8 && !x64_buf_reserve(b, 8))
        return;
    uint8_t *p = b->data + b->len;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    b->len += 8;
}

#endif
