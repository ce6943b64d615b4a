/* A cursor over module bytes that decodes the binary format's primitive values and records the
 * first error in an sl_error_t with the module offset. Every reader_* call after an error is a
 * no-op that fails again, so parsers can check once per entry rather than after every read. */
#ifndef SL_READER_H
#define SL_READER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "invariants.h"
#include "error.h"
#include "leb128.h"
#include "types.h"
#include "utf8.h"

typedef struct reader {
    const uint8_t *p, *end;
    const uint8_t *base; /* byte 0 of the module: offsets in errors are p - base */
    sl_error_t *err;
    unsigned section;
    bool failed;
    /* What running out of bytes is called here: "unexpected end" at the module's end,
     * "unexpected end of section or function" inside a section or body (the spec's wording). */
    const char *eof_message;
} reader_t;

static inline void
reader_init(reader_t *r, const uint8_t *base, const uint8_t *p, const uint8_t *end,
            unsigned section, sl_error_t *err)
{
    r->p = p;
    r->end = end;
    r->base = base;
    r->err = err;
    r->section = section;
    r->failed = false;
    r->eof_message =
        section == SL_NO_SECTION ? "unexpected end" : "unexpected end of section or function";
}

static inline uint64_t
reader_offset(const reader_t *r)
{
    return (uint64_t)(r->p - r->base);
}

static inline size_t
reader_left(const reader_t *r)
{
    return (size_t)(r->end - r->p);
}

/* Records an error at `off` (malformed or invalid, with a printf message); always false, so that
 * parsers can `return reader_fail_at(...)`. */
static inline bool __attribute__((format(printf, 4, 5)))
reader_fail_at(reader_t *r, uint64_t off, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->failed = true;
    error_vset(r->err, code, r->section, off, fmt, ap);
    va_end(ap);
    return false;
}

#define reader_fail(r, code, ...) reader_fail_at((r), reader_offset(r), (code), __VA_ARGS__)

static inline bool
reader_leb_fail(reader_t *r, int status)
{
    switch (status) {
    case LEB128_END:
        return reader_fail(r, SL_EMALFORMED, "%s", r->eof_message);
    case LEB128_TOO_LONG:
        return reader_fail(r, SL_EMALFORMED, "integer representation too long");
    default:
        return reader_fail(r, SL_EMALFORMED, "integer too large");
    }
}

static inline bool
reader_u8(reader_t *r, uint8_t *out)
{
    *out = 0; /* defined even on failure */
    if (SL_UNLIKELY(r->failed))
        return false;
    if (SL_UNLIKELY(r->p >= r->end))
        return reader_fail(r, SL_EMALFORMED, "%s", r->eof_message);
    *out = *r->p++;
    return true;
}

static inline bool
reader_u32(reader_t *r, uint32_t *out)
{
    *out = 0; /* defined even on failure */
    if (SL_UNLIKELY(r->failed))
        return false;
    int n = leb128_read_u32(r->p, r->end, out);
    if (SL_UNLIKELY(n < 0))
        return reader_leb_fail(r, n);
    r->p += n;
    return true;
}

static inline bool
reader_s32(reader_t *r, int32_t *out)
{
    *out = 0; /* defined even on failure */
    if (SL_UNLIKELY(r->failed))
        return false;
    int n = leb128_read_s32(r->p, r->end, out);
    if (SL_UNLIKELY(n < 0))
        return reader_leb_fail(r, n);
    r->p += n;
    return true;
}

static inline bool
reader_s33(reader_t *r, int64_t *out)
{
    *out = 0; /* defined even on failure */
    if (SL_UNLIKELY(r->failed))
        return false;
    int n = leb128_read_s33(r->p, r->end, out);
    if (SL_UNLIKELY(n < 0))
        return reader_leb_fail(r, n);
    r->p += n;
    return true;
}

static inline bool
reader_s64(reader_t *r, int64_t *out)
{
    *out = 0; /* defined even on failure */
    if (SL_UNLIKELY(r->failed))
        return false;
    int n = leb128_read_s64(r->p, r->end, out);
    if (SL_UNLIKELY(n < 0))
        return reader_leb_fail(r, n);
    r->p += n;
    return true;
}

/* Skips `n` bytes, returning where they start. */
static inline const uint8_t *
reader_bytes(reader_t *r, size_t n)
{
    if (SL_UNLIKELY(r->failed))
        return NULL;
    if (SL_UNLIKELY(n > reader_left(r))) {
        reader_fail(r, SL_EMALFORMED, "%s", r->eof_message);
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

/* Reads a vector count and rejects one that the bytes left could not hold, each entry taking at
 * least `min_entry_size` bytes, before anything is allocated for it. */
static inline bool
reader_count(reader_t *r, size_t min_entry_size, uint32_t *out)
{
    uint64_t start = reader_offset(r);
    if (!reader_u32(r, out))
        return false;
    if (SL_UNLIKELY((uint64_t)*out * min_entry_size > reader_left(r)))
        return reader_fail_at(r, start, SL_EMALFORMED,
                              "%s (%u entries declared, %zu bytes left)", r->eof_message, *out,
                              reader_left(r));
    return true;
}

/* A name (spec: binary format, names): a byte vector that must be valid UTF-8. */
static inline bool
reader_name(reader_t *r, const uint8_t **out, uint32_t *len)
{
    *out = NULL;
    uint64_t start = reader_offset(r);
    if (!reader_u32(r, len))
        return false;
    if (*len > reader_left(r))
        return reader_fail_at(r, start, SL_EMALFORMED, "length out of bounds");
    *out = reader_bytes(r, *len);
    if (!utf8_is_valid(*out, *len))
        return reader_fail_at(r, start, SL_EMALFORMED, "malformed UTF-8 encoding");
    return true;
}

/* A value type byte (spec: binary format, value types); a malformed byte is an error. */
static inline bool
read_valtype(reader_t *r, sl_valtype_t *out)
{
    uint64_t at = reader_offset(r);
    if (!reader_u8(r, out))
        return false;
    if (!valtype_is_valid(*out))
        return reader_fail_at(r, at, SL_EMALFORMED, "malformed value type 0x%02x", *out);
    return true;
}

static inline bool
read_reftype(reader_t *r, sl_valtype_t *out)
{
    uint64_t at = reader_offset(r);
    if (!reader_u8(r, out))
        return false;
    if (!valtype_is_ref(*out))
        return reader_fail_at(r, at, SL_EMALFORMED, "malformed reference type");
    return true;
}

#endif
