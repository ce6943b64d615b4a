/* Outcome comparison for the tier differential: see tier_compare.h. */
#include "tier_compare.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool
is_nan32(uint32_t bits)
{
    return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0;
}

static bool
is_nan64(uint64_t bits)
{
    return (bits & UINT64_C(0x7ff0000000000000)) == UINT64_C(0x7ff0000000000000) &&
           (bits & UINT64_C(0x000fffffffffffff)) != 0;
}

static bool
same_word32(uint32_t a, uint32_t b)
{
    return a == b || (is_nan32(a) && is_nan32(b));
}

bool
tiers_same_bytes(const uint8_t *a, const uint8_t *b, size_t len, size_t *at)
{
    if (memcmp(a, b, len) == 0)
        return true;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x == y || (is_nan64(x) && is_nan64(y)))
            continue;
        if (same_word32((uint32_t)x, (uint32_t)y) &&
            same_word32((uint32_t)(x >> 32), (uint32_t)(y >> 32)))
            continue;
        break;
    }
    for (; i < len; i++) {
        if (a[i] != b[i]) {
            *at = i;
            return false;
        }
    }
    return true;
}

bool
tiers_same_value(const sl_value_t *a, const sl_value_t *b)
{
    if (a->type != b->type)
        return false;
    size_t at;
    switch (a->type) {
    case SL_I32:
        return a->of.i32 == b->of.i32;
    case SL_I64:
        return a->of.i64 == b->of.i64;
    case SL_F32:
        return same_word32(a->of.f32, b->of.f32);
    case SL_F64:
        return a->of.f64 == b->of.f64 || (is_nan64(a->of.f64) && is_nan64(b->of.f64));
    case SL_V128:
        return tiers_same_bytes(a->of.v128, b->of.v128, 16, &at);
    default:
        return true;
    }
}

void
tiers_format_value(const sl_value_t *v, char *buf, size_t size)
{
    const char *name = sl_valtype_name(v->type);
    switch (v->type) {
    case SL_I32:
    case SL_F32:
        snprintf(buf, size, "%s:0x%08" PRIx32, name,
                 v->type == SL_I32 ? (uint32_t)v->of.i32 : v->of.f32);
        break;
    case SL_I64:
    case SL_F64:
        snprintf(buf, size, "%s:0x%016" PRIx64, name,
                 v->type == SL_I64 ? (uint64_t)v->of.i64 : v->of.f64);
        break;
    case SL_V128: {
        uint64_t lo, hi;
        memcpy(&lo, v->of.v128, 8);
        memcpy(&hi, v->of.v128 + 8, 8);
        snprintf(buf, size, "v128:0x%016" PRIx64 "%016" PRIx64, hi, lo);
        break;
    }
    default:
        snprintf(buf, size, "%s", name);
        break;
    }
}
