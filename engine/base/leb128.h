/* Bounded LEB128 readers (spec: binary format, integers). Each reads at most ceil(N/7) bytes,
 * refuses a longer encoding ("integer representation too long") and unused bits of the last byte
 * that are not zero, or not the sign extension for signed forms ("integer too large"). */
#ifndef SL_LEB128_H
#define SL_LEB128_H

#include <stddef.h>
#include <stdint.h>

enum {
    LEB128_END = -1,      /* the input stopped inside the number */
    LEB128_TOO_LONG = -2, /* more bytes than the type allows */
    LEB128_TOO_LARGE = -3 /* the last byte sets bits beyond the type */
};

/* Reads an N-bit integer (N = 32, 33 or 64) from [p, end). Returns the bytes consumed (>= 1) or
 * a negative LEB128_* status; *out is written only on success. */
static inline int
leb128_read(const uint8_t *p, const uint8_t *end, unsigned bits, int is_signed, uint64_t *out)
{
    const unsigned max_bytes = (bits + 6) / 7;
    const unsigned last_bits = bits - 7 * (max_bytes - 1); /* payload bits in the last byte */
    uint64_t result = 0;
    for (unsigned i = 0;; i++) {
        if (p + i >= end)
            return LEB128_END;
        uint8_t byte = p[i];
        result |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (i == max_bytes - 1) {
            if (byte & 0x80)
                return LEB128_TOO_LONG;
            if (is_signed) {
                /* The bits from the sign bit up must be all zeros or all ones. */
                uint8_t rest = (byte & 0x7f) >> (last_bits - 1);
                if (rest != 0 && rest != (0x7f >> (last_bits - 1)))
                    return LEB128_TOO_LARGE;
            } else if ((byte & 0x7f) >> last_bits) {
                return LEB128_TOO_LARGE;
            }
        }
        if (!(byte & 0x80)) {
            unsigned shift = 7 * (i + 1);
            if (is_signed && shift < 64 && (byte & 0x40))
                result |= ~(uint64_t)0 << shift;
            if (is_signed && bits < 64) /* keep the value sign-extended to 64 bits */
                result = (uint64_t)((int64_t)(result << (64 - bits)) >> (64 - bits));
            *out = result;
            return (int)i + 1;
        }
    }
}

static inline int
leb128_read_u32(const uint8_t *p, const uint8_t *end, uint32_t *out)
{
    if (p < end && p[0] < 0x80) { /* the common one-byte case */
        *out = p[0];
        return 1;
    }
    uint64_t v;
    int n = leb128_read(p, end, 32, 0, &v);
    if (n > 0)
        *out = (uint32_t)v;
    return n;
}

static inline int
leb128_read_s32(const uint8_t *p, const uint8_t *end, int32_t *out)
{
    uint64_t v;
    int n = leb128_read(p, end, 32, 1, &v);
    if (n > 0)
        *out = (int32_t)v;
    return n;
}

static inline int
leb128_read_s33(const uint8_t *p, const uint8_t *end, int64_t *out)
{
    uint64_t v;
    int n = leb128_read(p, end, 33, 1, &v);
    if (n > 0)
        *out = (int64_t)v;
    return n;
}

static inline int
leb128_read_s64(const uint8_t *p, const uint8_t *end, int64_t *out)
{
    uint64_t v;
    int n = leb128_read(p, end, 64, 1, &v);
    if (n > 0)
        *out = (int64_t)v;
    return n;
}

#endif
