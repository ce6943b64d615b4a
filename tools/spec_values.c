/* Spec-script values: parsing, conversion to engine values, matching and printing. wast2json
 * writes every number as the decimal string of its unsigned bit pattern, so parsing is exact and
 * the comparison never goes through a C float. */
#include "spec_values.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One row per lane type: its name, the width of a lane in bytes and whether it holds floats. */
static const struct lane_info {
    const char *name;
    unsigned size;
    bool is_float;
} lanes[SPEC_N_LANE_TYPES] = {
    [SPEC_LANE_I8] = {"i8", 1, false},   [SPEC_LANE_I16] = {"i16", 2, false},
    [SPEC_LANE_I32] = {"i32", 4, false}, [SPEC_LANE_I64] = {"i64", 8, false},
    [SPEC_LANE_F32] = {"f32", 4, true},  [SPEC_LANE_F64] = {"f64", 8, true},
};

/* The value types a script may name, by sl_valtype_name. */
static const uint8_t types[] = {SL_I32, SL_I64, SL_F32, SL_F64, SL_V128, SL_FUNCREF, SL_EXTERNREF};

#define N_TYPES (sizeof types / sizeof types[0])

const char *
spec_lane_name(spec_lane_t lane)
{
    return lane < SPEC_N_LANE_TYPES ? lanes[lane].name : "?";
}

static unsigned
lane_count(spec_lane_t lane)
{
    return 16 / lanes[lane].size;
}

/* ---- host references ----------------------------------------------------------------------- */

void *
spec_hostref_pointer(spec_hostrefs_t *refs, uint64_t n)
{
    return n <= SPEC_MAX_HOSTREF ? &refs->slots[n] : NULL;
}

bool
spec_hostref_number(const spec_hostrefs_t *refs, const void *pointer, uint64_t *n)
{
    /* Integer arithmetic: comparing a foreign pointer with the array by `<` would be undefined. */
    uintptr_t p = (uintptr_t)pointer, base = (uintptr_t)refs->slots;
    if (!pointer || p < base || p - base > SPEC_MAX_HOSTREF)
        return false;
    *n = p - base;
    return true;
}

/* ---- parsing --------------------------------------------------------------------------------- */

static int
refuse(char *why, size_t why_size, const char *fmt, ...)
{
    if (why && why_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* A decimal number of at most `max`: digits only, as wast2json writes them. */
static bool
parse_unsigned(const char *text, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!text || !*text)
        return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (v > (max - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

static bool
parse_nan(const char *text, spec_nan_t *out)
{
    if (strcmp(text, "nan:canonical") == 0)
        *out = SPEC_NAN_CANONICAL;
    else if (strcmp(text, "nan:arithmetic") == 0)
        *out = SPEC_NAN_ARITHMETIC;
    else
        return false;
    return true;
}

/* A number of `size` bytes, or for floats a NaN pattern. */
static int
parse_number(const char *text, unsigned size, bool is_float, uint64_t *bits, uint8_t *nan,
             char *why, size_t why_size)
{
    spec_nan_t pattern = SPEC_NAN_NONE;
    *bits = 0;
    *nan = SPEC_NAN_NONE;
    if (!text)
        return refuse(why, why_size, "value is not a string");
    if (is_float && parse_nan(text, &pattern)) {
        *nan = (uint8_t)pattern;
        return 0;
    }
    uint64_t max = size == 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
    if (!parse_unsigned(text, max, bits))
        return refuse(why, why_size, "bad %u-bit %s \"%s\"", size * 8,
                      is_float ? "float" : "integer", text);
    return 0;
}

static int
parse_lane_type(const char *text, spec_lane_t *out)
{
    for (int i = 0; i < SPEC_N_LANE_TYPES; i++) {
        if (text && strcmp(lanes[i].name, text) == 0) {
            *out = (spec_lane_t)i;
            return 0;
        }
    }
    return -EINVAL;
}

static int
parse_v128(const json_t *json, const json_t *value, spec_value_t *out, char *why, size_t why_size)
{
    spec_lane_t lane;
    const char *lane_text = json_string_value(json_object_get(json, "lane_type"));
    if (parse_lane_type(lane_text, &lane) < 0)
        return refuse(why, why_size, "bad v128 lane_type \"%s\"", lane_text ? lane_text : "");
    out->lane = (uint8_t)lane;
    unsigned n = lane_count(lane), size = lanes[lane].size;
    if (!json_is_array(value) || json_array_size(value) != n)
        return refuse(why, why_size, "v128 %s needs %u lanes", lanes[lane].name, n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t bits;
        uint8_t nan;
        int rc = parse_number(json_string_value(json_array_get(value, i)), size,
                              lanes[lane].is_float, &bits, &nan, why, why_size);
        if (rc < 0)
            return rc;
        if (lanes[lane].is_float)
            out->nan[i] = nan;
        for (unsigned b = 0; b < size; b++)
            out->v128[i * size + b] = (uint8_t)(bits >> (8 * b));
    }
    return 0;
}

static int
parse_ref(const json_t *value, spec_value_t *out, char *why, size_t why_size)
{
    const char *text = json_string_value(value);
    if (!text)
        return refuse(why, why_size, "reference value is not a string");
    if (strcmp(text, "null") == 0) {
        out->ref = SPEC_REF_NULL;
        return 0;
    }
    if (out->type == SL_FUNCREF) {
        /* A script cannot name a function; any non-null one will do. */
        out->ref = SPEC_REF_ANY;
        return 0;
    }
    if (!parse_unsigned(text, UINT64_MAX, &out->host))
        return refuse(why, why_size, "bad host reference \"%s\"", text);
    out->ref = SPEC_REF_HOST;
    return 0;
}

int
spec_value_parse(const json_t *json, spec_value_t *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    const char *type = json_string_value(json_object_get(json, "type"));
    size_t t = 0;
    while (t < N_TYPES && (!type || strcmp(sl_valtype_name(types[t]), type) != 0))
        t++;
    if (t == N_TYPES)
        return refuse(why, why_size, "unknown value type \"%s\"", type ? type : "(none)");
    out->type = types[t];
    const json_t *value = json_object_get(json, "value");
    if (!value)
        return 0; /* the type alone */
    out->has_value = true;
    switch (out->type) {
    case SL_I32:
    case SL_I64:
    case SL_F32:
    case SL_F64: {
        bool is_float = out->type == SL_F32 || out->type == SL_F64;
        unsigned size = out->type == SL_I32 || out->type == SL_F32 ? 4 : 8;
        return parse_number(json_string_value(value), size, is_float, &out->bits, &out->nan[0],
                            why, why_size);
    }
    case SL_V128:
        return parse_v128(json, value, out, why, why_size);
    default:
        return parse_ref(value, out, why, why_size);
    }
}

int
spec_values_parse(const json_t *array, spec_value_t *out, size_t max, size_t *n, char *why,
                  size_t why_size)
{
    *n = 0;
    if (!json_is_array(array))
        return refuse(why, why_size, "values are not an array");
    size_t count = json_array_size(array);
    if (count > max)
        return refuse(why, why_size, "%zu values, at most %zu supported", count, max);
    for (size_t i = 0; i < count; i++) {
        int rc = spec_value_parse(json_array_get(array, i), &out[i], why, why_size);
        if (rc < 0)
            return rc;
    }
    *n = count;
    return 0;
}

/* ---- arguments and matching ------------------------------------------------------------------ */

int
spec_value_to_arg(const spec_value_t *value, spec_hostrefs_t *refs, sl_value_t *out, char *why,
                  size_t why_size)
{
    memset(out, 0, sizeof *out);
    out->type = value->type;
    if (!value->has_value)
        return refuse(why, why_size, "argument of type %s has no value",
                      sl_valtype_name(value->type));
    for (int i = 0; i < 4; i++)
        if (value->nan[i] != SPEC_NAN_NONE)
            return refuse(why, why_size, "a NaN pattern cannot be an argument");
    switch (value->type) {
    case SL_I32:
        out->of.i32 = (int32_t)(uint32_t)value->bits;
        return 0;
    case SL_I64:
        out->of.i64 = (int64_t)value->bits;
        return 0;
    case SL_F32:
        out->of.f32 = (uint32_t)value->bits;
        return 0;
    case SL_F64:
        out->of.f64 = value->bits;
        return 0;
    case SL_V128:
        memcpy(out->of.v128, value->v128, 16);
        return 0;
    case SL_FUNCREF:
        if (value->ref != SPEC_REF_NULL)
            return refuse(why, why_size, "a funcref argument can only be null");
        out->of.funcref = NULL;
        return 0;
    default:
        out->of.externref = NULL;
        if (value->ref == SPEC_REF_NULL)
            return 0;
        out->of.externref = spec_hostref_pointer(refs, value->host);
        if (!out->of.externref)
            return refuse(why, why_size, "host reference %" PRIu64 " above %u", value->host,
                          SPEC_MAX_HOSTREF);
        return 0;
    }
}

bool
spec_nan_matches(spec_nan_t nan, unsigned width, uint64_t bits)
{
    /* spec: numerics, NaN: canonical = quiet bit only; arithmetic = quiet bit set. */
    uint64_t sign = width == 32 ? UINT64_C(0x80000000) : UINT64_C(0x8000000000000000);
    uint64_t quiet_nan = width == 32 ? UINT64_C(0x7fc00000) : UINT64_C(0x7ff8000000000000);
    switch (nan) {
    case SPEC_NAN_CANONICAL:
        return (bits & ~sign) == quiet_nan;
    case SPEC_NAN_ARITHMETIC:
        return (bits & quiet_nan) == quiet_nan;
    default:
        return false;
    }
}

static uint64_t
lane_bits(const uint8_t *v128, spec_lane_t lane, unsigned i)
{
    unsigned size = lanes[lane].size;
    uint64_t bits = 0;
    for (unsigned b = 0; b < size; b++)
        bits |= (uint64_t)v128[i * size + b] << (8 * b);
    return bits;
}

static bool
float_matches(spec_nan_t nan, unsigned width, uint64_t want, uint64_t got)
{
    return nan == SPEC_NAN_NONE ? want == got : spec_nan_matches(nan, width, got);
}

bool
spec_value_matches(const spec_value_t *want, const sl_value_t *got, const spec_hostrefs_t *refs)
{
    if (want->type != got->type)
        return false;
    if (!want->has_value)
        return true;
    uint64_t n;
    switch (want->type) {
    case SL_I32:
        return (uint32_t)got->of.i32 == (uint32_t)want->bits;
    case SL_I64:
        return (uint64_t)got->of.i64 == want->bits;
    case SL_F32:
        return float_matches(want->nan[0], 32, want->bits, got->of.f32);
    case SL_F64:
        return float_matches(want->nan[0], 64, want->bits, got->of.f64);
    case SL_V128: {
        spec_lane_t lane = (spec_lane_t)want->lane;
        for (unsigned i = 0; i < lane_count(lane); i++) {
            uint64_t w = lane_bits(want->v128, lane, i), g = lane_bits(got->of.v128, lane, i);
            bool ok = lanes[lane].is_float
                          ? float_matches(want->nan[i], lanes[lane].size * 8, w, g)
                          : w == g;
            if (!ok)
                return false;
        }
        return true;
    }
    case SL_FUNCREF:
        return want->ref == SPEC_REF_NULL ? got->of.funcref == NULL : got->of.funcref != NULL;
    default:
        if (want->ref == SPEC_REF_NULL)
            return got->of.externref == NULL;
        return refs && spec_hostref_number(refs, got->of.externref, &n) && n == want->host;
    }
}

/* ---- printing -------------------------------------------------------------------------------- */

/* Appends to a NUL-terminated buffer; `len` keeps counting past the end so the caller learns the
 * size that was needed, as with snprintf. */
typedef struct text {
    char *buf;
    size_t size;
    size_t len;
} text_t;

static void
put(text_t *t, const char *fmt, ...)
{
    size_t at = t->len < t->size ? t->len : t->size;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->size ? t->buf + at : NULL, t->size - at, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

static void
put_int(text_t *t, unsigned size, uint64_t bits)
{
    /* Signed decimal, as the .wast files mostly write integers. */
    int64_t v = size == 8   ? (int64_t)bits
                : size == 4 ? (int32_t)(uint32_t)bits
                : size == 2 ? (int16_t)(uint16_t)bits
                            : (int8_t)(uint8_t)bits;
    put(t, "%" PRId64, v);
}

/* Bits, then a rendering that round-trips (%.9g for f32, %.17g for f64) and the exact %a. */
static void
put_float(text_t *t, unsigned size, uint64_t bits)
{
    unsigned width = size * 8;
    uint64_t sign = (uint64_t)1 << (width - 1);
    uint64_t mantissa = size == 4 ? bits & 0x7fffffu : bits & UINT64_C(0xfffffffffffff);
    bool is_nan = size == 4 ? (bits & 0x7f800000u) == 0x7f800000u && mantissa
                            : (bits & UINT64_C(0x7ff0000000000000)) ==
                                      UINT64_C(0x7ff0000000000000) &&
                                  mantissa;
    if (size == 4)
        put(t, "0x%08" PRIx64, bits);
    else
        put(t, "0x%016" PRIx64, bits);
    if (is_nan) {
        put(t, " (%snan:0x%" PRIx64 ")", bits & sign ? "-" : "", mantissa);
        return;
    }
    double d;
    if (size == 4) {
        float f;
        uint32_t b32 = (uint32_t)bits;
        memcpy(&f, &b32, sizeof f);
        d = f;
        put(t, " (%.9g, %a)", d, d);
    } else {
        memcpy(&d, &bits, sizeof d);
        put(t, " (%.17g, %a)", d, d);
    }
}

static void
put_number(text_t *t, unsigned size, bool is_float, spec_nan_t nan, uint64_t bits)
{
    if (nan == SPEC_NAN_CANONICAL)
        put(t, "nan:canonical");
    else if (nan == SPEC_NAN_ARITHMETIC)
        put(t, "nan:arithmetic");
    else if (is_float)
        put_float(t, size, bits);
    else
        put_int(t, size, bits);
}

static void
put_v128(text_t *t, const uint8_t *v128, spec_lane_t lane, const uint8_t *nan)
{
    unsigned n = lane_count(lane);
    put(t, "%sx%u[", lanes[lane].name, n);
    for (unsigned i = 0; i < n; i++) {
        if (i > 0)
            put(t, " ");
        spec_nan_t pattern = nan && lanes[lane].is_float ? (spec_nan_t)nan[i] : SPEC_NAN_NONE;
        put_number(t, lanes[lane].size, lanes[lane].is_float, pattern, lane_bits(v128, lane, i));
    }
    put(t, "]");
}

static int
finish(text_t *t)
{
    if (t->size > 0 && t->len >= t->size)
        t->buf[t->size - 1] = '\0';
    return t->len > INT32_MAX ? INT32_MAX : (int)t->len;
}

int
spec_value_format(const spec_value_t *value, char *buf, size_t size)
{
    text_t t = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    put(&t, "%s", sl_valtype_name(value->type));
    if (!value->has_value)
        return finish(&t);
    put(&t, ":");
    switch (value->type) {
    case SL_I32:
    case SL_F32:
        put_number(&t, 4, value->type == SL_F32, (spec_nan_t)value->nan[0], value->bits);
        break;
    case SL_I64:
    case SL_F64:
        put_number(&t, 8, value->type == SL_F64, (spec_nan_t)value->nan[0], value->bits);
        break;
    case SL_V128:
        put_v128(&t, value->v128, (spec_lane_t)value->lane, value->nan);
        break;
    default:
        if (value->ref == SPEC_REF_NULL)
            put(&t, "null");
        else if (value->ref == SPEC_REF_ANY)
            put(&t, "non-null");
        else
            put(&t, "%" PRIu64, value->host);
        break;
    }
    return finish(&t);
}

int
spec_result_format(const sl_value_t *value, spec_lane_t lane, const spec_hostrefs_t *refs,
                   char *buf, size_t size)
{
    text_t t = {buf, size, 0};
    uint64_t n;
    if (size > 0)
        buf[0] = '\0';
    put(&t, "%s:", sl_valtype_name(value->type));
    switch (value->type) {
    case SL_I32:
        put_int(&t, 4, (uint32_t)value->of.i32);
        break;
    case SL_I64:
        put_int(&t, 8, (uint64_t)value->of.i64);
        break;
    case SL_F32:
        put_float(&t, 4, value->of.f32);
        break;
    case SL_F64:
        put_float(&t, 8, value->of.f64);
        break;
    case SL_V128:
        put_v128(&t, value->of.v128, lane < SPEC_N_LANE_TYPES ? lane : SPEC_LANE_I32, NULL);
        break;
    case SL_FUNCREF:
        if (value->of.funcref)
            put(&t, "%p", (void *)value->of.funcref);
        else
            put(&t, "null");
        break;
    case SL_EXTERNREF:
        if (!value->of.externref)
            put(&t, "null");
        else if (refs && spec_hostref_number(refs, value->of.externref, &n))
            put(&t, "%" PRIu64, n);
        else
            put(&t, "foreign %p", value->of.externref);
        break;
    default:
        put(&t, "(type 0x%02x)", value->type);
        break;
    }
    return finish(&t);
}
