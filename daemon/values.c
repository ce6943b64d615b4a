/* JSON <-> wasm values (see values.h). */
#include "values.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value_text.h"

static int
fail(char *why, size_t why_size, const char *what, uint8_t type)
{
    snprintf(why, why_size, "%s for %s", what, sl_valtype_name(type));
    return SL_EARG;
}

static int
parse_decimal_i64(const char *text, int64_t *out)
{
    const char *digits = text + (text[0] == '-');
    if (digits[0] == '\0' || strspn(digits, "0123456789") != strlen(digits))
        return SL_EARG;
    errno = 0;
    if (text[0] == '-') {
        long long v = strtoll(text, NULL, 10);
        if (errno != 0)
            return SL_EARG;
        *out = v;
    } else {
        unsigned long long v = strtoull(text, NULL, 10);
        if (errno != 0)
            return SL_EARG;
        *out = (int64_t)v; /* 2^63..2^64-1 are the same bits, read unsigned */
    }
    return 0;
}

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
value_from_json(const json_t *json, uint8_t type, sl_value_t *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    switch (type) {
    case SL_I32: {
        if (!json_is_integer(json))
            return fail(why, why_size, "expected an integer", type);
        json_int_t v = json_integer_value(json);
        if (v < INT32_MIN || v > (json_int_t)UINT32_MAX)
            return fail(why, why_size, "integer out of range", type);
        out->of.i32 = (int32_t)(uint32_t)v;
        return 0;
    }
    case SL_I64:
        if (json_is_integer(json)) {
            out->of.i64 = json_integer_value(json);
            return 0;
        }
        if (!json_is_string(json) || parse_decimal_i64(json_string_value(json), &out->of.i64) < 0)
            return fail(why, why_size, "expected a decimal string", type);
        return 0;
    case SL_F32:
    case SL_F64: {
        uint64_t bits;
        if (json_is_number(json)) {
            double d = json_number_value(json);
            if (type == SL_F32) {
                float f = (float)d;
                uint32_t b;
                memcpy(&b, &f, sizeof b);
                out->of.f32 = b;
            } else {
                memcpy(&out->of.f64, &d, sizeof d);
            }
            return 0;
        }
        if (!json_is_string(json) || !value_text_float_name(json_string_value(json), type, &bits))
            return fail(why, why_size, "expected a number, \"nan\", \"inf\" or \"nan:0x...\"",
                        type);
        if (type == SL_F32)
            out->of.f32 = (uint32_t)bits;
        else
            out->of.f64 = bits;
        return 0;
    }
    case SL_V128: {
        const char *text = json_is_string(json) ? json_string_value(json) : NULL;
        if (text == NULL || strlen(text) != 32)
            return fail(why, why_size, "expected 32 hex digits", type);
        for (int i = 0; i < 16; i++) {
            int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return fail(why, why_size, "expected 32 hex digits", type);
            out->of.v128[i] = (uint8_t)(hi << 4 | lo);
        }
        return 0;
    }
    case SL_FUNCREF:
    case SL_EXTERNREF:
        if (!json_is_null(json))
            return fail(why, why_size, "only null references can be passed", type);
        return 0;
    }
    return fail(why, why_size, "unsupported type", type);
}

void
value_format(const sl_value_t *v, char *buf, size_t size)
{
    switch (v->type) {
    case SL_I32:
        snprintf(buf, size, "%" PRId32, v->of.i32);
        return;
    case SL_I64:
        snprintf(buf, size, "\"%" PRId64 "\"", v->of.i64);
        return;
    case SL_F32:
    case SL_F64: {
        char text[VALUE_TEXT_FLOAT_MAX];
        uint64_t bits = v->type == SL_F32 ? v->of.f32 : v->of.f64;
        bool is_name = value_text_format_float(v->type, bits, VALUE_TEXT_PLAIN, text, sizeof text);
        snprintf(buf, size, is_name ? "\"%s\"" : "%s", text); /* a name is a JSON string */
        return;
    }
    case SL_V128:
        if (size < 35)
            break;
        buf[0] = '"';
        for (int i = 0; i < 16; i++)
            snprintf(buf + 1 + 2 * i, 3, "%02x", v->of.v128[i]);
        snprintf(buf + 33, size - 33, "\"");
        return;
    case SL_FUNCREF:
        snprintf(buf, size, "%s", v->of.funcref == NULL ? "null" : "\"funcref\"");
        return;
    case SL_EXTERNREF:
        snprintf(buf, size, "%s", v->of.externref == NULL ? "null" : "\"externref\"");
        return;
    }
    snprintf(buf, size, "null");
}
