/* common/value_text: float names read and written, the two decimal styles, and every float's text
 * reading back to its own bits. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "suite.h"
#include "value_text.h"

static const struct {
    const char *text;
    uint8_t type;
    bool is_name;
    uint64_t bits;
} names[] = {
    {"inf", SL_F32, true, 0x7f800000},
    {"-inf", SL_F32, true, 0xff800000},
    {"+infinity", SL_F64, true, UINT64_C(0x7ff0000000000000)},
    {"nan", SL_F32, true, 0x7fc00000},
    {"-nan", SL_F64, true, UINT64_C(0xfff8000000000000)},
    {"nan:0x1", SL_F32, true, 0x7f800001},
    {"-nan:0x7fffff", SL_F32, true, 0xffffffff},
    {"nan:0xFFFFFFFFFFFFF", SL_F64, true, UINT64_C(0x7fffffffffffffff)},
    {"nan:0x800000", SL_F32, false, 0}, /* wider than the f32 mantissa */
    {"nan:0x0", SL_F64, false, 0},      /* a payload of 0 is infinity, not a NaN */
    {"nan:0x", SL_F64, false, 0},
    {"nan:0x0x1", SL_F64, false, 0},
    {"nan:0x1 ", SL_F64, false, 0},
    {"NaN", SL_F64, false, 0},
    {"1.5", SL_F64, false, 0},
    {"", SL_F32, false, 0},
};

START_TEST(test_value_text_reads_names)
{
    uint64_t bits = 0;
    bool is_name = value_text_float_name(names[_i].text, names[_i].type, &bits);
    ck_assert_msg(is_name == names[_i].is_name, "'%s'", names[_i].text);
    if (is_name)
        ck_assert_uint_eq(bits, names[_i].bits);
}
END_TEST

static const struct {
    uint8_t type;
    uint64_t bits;
    value_text_style_t style;
    const char *text;
} formats[] = {
    {SL_F64, UINT64_C(0x40f86a0000000000), VALUE_TEXT_SHORTEST, "1e+05"}, /* 100000 */
    {SL_F64, UINT64_C(0x40f86a0000000000), VALUE_TEXT_PLAIN, "100000"},
    {SL_F64, UINT64_C(0x3fb999999999999a), VALUE_TEXT_PLAIN, "0.1"},
    {SL_F64, 1, VALUE_TEXT_SHORTEST, "5e-324"},
    {SL_F64, 1, VALUE_TEXT_PLAIN, "4.94065645841247e-324"},
    {SL_F64, UINT64_C(0x8000000000000000), VALUE_TEXT_SHORTEST, "-0"},
    {SL_F32, 0x4b800000, VALUE_TEXT_SHORTEST, "16777216"},
    {SL_F32, 0x7f7fffff, VALUE_TEXT_SHORTEST, "3.4028235e+38"},
    {SL_F32, 0x3dcccccd, VALUE_TEXT_PLAIN, "0.1"},
    {SL_F32, 0x7fa00000, VALUE_TEXT_PLAIN, "nan:0x200000"},
    {SL_F32, 0xffc00000, VALUE_TEXT_SHORTEST, "-nan"},
    {SL_F64, UINT64_C(0xfff0000000000000), VALUE_TEXT_PLAIN, "-inf"},
};

START_TEST(test_value_text_formats_floats)
{
    char text[VALUE_TEXT_FLOAT_MAX];
    bool is_name =
        value_text_format_float(formats[_i].type, formats[_i].bits, formats[_i].style, text,
                                sizeof text);
    ck_assert_str_eq(text, formats[_i].text);
    uint64_t exponent = formats[_i].type == SL_F32 ? 0x7f800000 : UINT64_C(0x7ff0000000000000);
    ck_assert(is_name == ((formats[_i].bits & exponent) == exponent));
}
END_TEST

/* Reads `text` back as the CLI and the JSON reader do: a name, else a decimal. */
static uint64_t
read_back(const char *text, uint8_t type, bool is_through_double)
{
    uint64_t bits;
    if (value_text_float_name(text, type, &bits))
        return bits;
    if (type == SL_F64) {
        double d = strtod(text, NULL);
        memcpy(&bits, &d, sizeof d);
        return bits;
    }
    float f = is_through_double ? (float)strtod(text, NULL) : strtof(text, NULL);
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* Every float, NaNs with any payload, denormals and both zeros among them, in both styles:
 * written, then read back by both readers, it is the same bits. */
START_TEST(test_value_text_every_float_reads_back)
{
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13; /* xorshift64 */
        x ^= x >> 7;
        x ^= x << 17;
        uint8_t type = i & 1 ? SL_F64 : SL_F32;
        uint64_t bits = type == SL_F32 ? (uint32_t)x : x;
        /* One in four keeps only the exponent's two low bits: denormals and the smallest. */
        if ((i & 6) == 6)
            bits &= type == SL_F32 ? ~UINT64_C(0x7e000000) : ~UINT64_C(0x7fc0000000000000);
        value_text_style_t style = i & 2 ? VALUE_TEXT_PLAIN : VALUE_TEXT_SHORTEST;
        char text[VALUE_TEXT_FLOAT_MAX];
        value_text_format_float(type, bits, style, text, sizeof text);
        ck_assert_msg(read_back(text, type, false) == bits, "%s for %#llx", text,
                      (unsigned long long)bits);
        ck_assert_msg(read_back(text, type, true) == bits, "%s for %#llx through a double", text,
                      (unsigned long long)bits);
    }
}
END_TEST

Suite *
value_text_suite(void)
{
    Suite *s = suite_create("value_text");
    TCase *tc = tcase_create("floats");
    tcase_add_loop_test(tc, test_value_text_reads_names, 0, sizeof names / sizeof names[0]);
    tcase_add_loop_test(tc, test_value_text_formats_floats, 0, sizeof formats / sizeof formats[0]);
    tcase_add_test(tc, test_value_text_every_float_reads_back);
    suite_add_tcase(s, tc);
    return s;
}
