/* Names and shortest decimals of wasm floats (see value_text.h). */
#include "value_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

/* IEEE layouts: sign bit, exponent all ones for inf/NaN, the quiet bit at the top of the
 * mantissa. `canonical` is the quiet bit alone: the NaN that prints as plain "nan". */
typedef struct float_layout {
    uint64_t sign;
    uint64_t exponent;
    uint64_t mantissa;
    uint64_t canonical;
    int min_plain_digits; /* VALUE_TEXT_PLAIN */
    int max_digits;       /* enough for any value to read back */
} float_layout_t;

static const float_layout_t f32_layout = {UINT64_C(0x80000000), UINT64_C(0x7f800000),
                                          UINT64_C(0x007fffff), UINT64_C(0x00400000), 6, 9};
static const float_layout_t f64_layout = {
    UINT64_C(0x8000000000000000), UINT64_C(0x7ff0000000000000), UINT64_C(0x000fffffffffffff),
    UINT64_C(0x0008000000000000), 15, 17};

bool
value_text_float_name(const char *text, uint8_t type, uint64_t *bits)
{
    const float_layout_t *l = type == SL_F32 ? &f32_layout : &f64_layout;
    uint64_t sign = 0;
    if (text[0] == '-') {
        sign = l->sign;
        text++;
    } else if (text[0] == '+') {
        text++;
    }
    if (strcmp(text, "inf") == 0 || strcmp(text, "infinity") == 0) {
        *bits = sign | l->exponent;
        return true;
    }
    if (strcmp(text, "nan") == 0) {
        *bits = sign | l->exponent | l->canonical;
        return true;
    }
    if (strncmp(text, "nan:0x", 6) == 0 && text[6] != '\0' &&
        strspn(text + 6, "0123456789abcdefABCDEF") == strlen(text + 6)) {
        errno = 0;
        unsigned long long payload = strtoull(text + 6, NULL, 16);
        /* spec text format: a payload is non-zero and fits the mantissa */
        if (errno != 0 || payload == 0 || (payload & ~l->mantissa) != 0)
            return false;
        *bits = sign | l->exponent | payload;
        return true;
    }
    return false;
}

/* Whether `text` reads back to `value`, a float of `type` held in a double. */
static bool
reads_back(const char *text, uint8_t type, double value)
{
    if (type != SL_F32)
        return strtod(text, NULL) == value;
    return strtof(text, NULL) == (float)value && (float)strtod(text, NULL) == (float)value;
}

bool
value_text_format_float(uint8_t type, uint64_t bits, value_text_style_t style, char *buf,
                        size_t size)
{
    const float_layout_t *l = type == SL_F32 ? &f32_layout : &f64_layout;
    if ((bits & l->exponent) == l->exponent) {
        const char *sign = bits & l->sign ? "-" : "";
        uint64_t payload = bits & l->mantissa;
        if (payload == 0)
            snprintf(buf, size, "%sinf", sign);
        else if (payload == l->canonical)
            snprintf(buf, size, "%snan", sign);
        else
            snprintf(buf, size, "%snan:0x%" PRIx64, sign, payload);
        return true;
    }
    double value;
    if (type == SL_F32) {
        uint32_t b = (uint32_t)bits;
        float f;
        memcpy(&f, &b, sizeof f);
        value = f;
    } else {
        memcpy(&value, &bits, sizeof value);
    }
    for (int digits = style == VALUE_TEXT_PLAIN ? l->min_plain_digits : 1;
         digits <= l->max_digits; digits++) {
        snprintf(buf, size, "%.*g", digits, value);
        if (reads_back(buf, type, value))
            break;
    }
    return false;
}
