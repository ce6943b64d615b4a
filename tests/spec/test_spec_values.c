/* Spec-script values: parsing wast2json value objects, the NaN rules per width, v128 lanes of every
 * lane type, references and host-reference round trips, and the lossless rendering of both sides.
 * Engine values are built by hand; no engine and no wast2json. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "spec_values.h"

/* Parses one JSON value object, failing the test on a parse error. */
static spec_value_t
parse(const char *text)
{
    json_error_t jerr;
    json_t *json = json_loads(text, 0, &jerr);
    ck_assert_msg(json != NULL, "bad test JSON %s: %s", text, jerr.text);
    spec_value_t v;
    char why[200] = "";
    int rc = spec_value_parse(json, &v, why, sizeof why);
    json_decref(json);
    ck_assert_msg(rc == 0, "%s: %s", text, why);
    return v;
}

/* Parses what must be refused; returns the reason. */
static const char *
refuse(const char *text)
{
    static char why[200];
    json_t *json = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(json);
    spec_value_t v;
    why[0] = '\0';
    int rc = spec_value_parse(json, &v, why, sizeof why);
    json_decref(json);
    ck_assert_msg(rc == -EINVAL, "accepted %s", text);
    ck_assert_msg(why[0] != '\0', "no reason for %s", text);
    return why;
}

static sl_value_t
v128_of(const uint8_t bytes[16])
{
    sl_value_t v = {.type = SL_V128};
    memcpy(v.of.v128, bytes, 16);
    return v;
}

/* ---- parsing --------------------------------------------------------------------------------- */

START_TEST(test_values_parse_scalars_exactly)
{
    spec_value_t v = parse("{\"type\": \"i32\", \"value\": \"4294967295\"}");
    ck_assert_int_eq(v.type, SL_I32);
    ck_assert(v.has_value);
    ck_assert_uint_eq(v.bits, 0xffffffffu);

    v = parse("{\"type\": \"i64\", \"value\": \"18446744073709551615\"}");
    ck_assert_int_eq(v.type, SL_I64);
    ck_assert_uint_eq(v.bits, UINT64_MAX);

    v = parse("{\"type\": \"f32\", \"value\": \"2143289345\"}"); /* a NaN with payload 1 */
    ck_assert_int_eq(v.type, SL_F32);
    ck_assert_uint_eq(v.bits, 0x7fc00001u);
    ck_assert_int_eq(v.nan[0], SPEC_NAN_NONE);

    v = parse("{\"type\": \"f64\", \"value\": \"9223372036854775808\"}"); /* -0.0 */
    ck_assert_uint_eq(v.bits, UINT64_C(0x8000000000000000));
}
END_TEST

START_TEST(test_values_parse_nan_patterns)
{
    spec_value_t v = parse("{\"type\": \"f32\", \"value\": \"nan:canonical\"}");
    ck_assert_int_eq(v.nan[0], SPEC_NAN_CANONICAL);
    v = parse("{\"type\": \"f64\", \"value\": \"nan:arithmetic\"}");
    ck_assert_int_eq(v.nan[0], SPEC_NAN_ARITHMETIC);
    ck_assert_ptr_nonnull(strstr(refuse("{\"type\": \"i32\", \"value\": \"nan:canonical\"}"),
                                 "integer"));
    refuse("{\"type\": \"f32\", \"value\": \"nan:signalling\"}");
}
END_TEST

START_TEST(test_values_parse_type_only)
{
    spec_value_t v = parse("{\"type\": \"v128\"}");
    ck_assert_int_eq(v.type, SL_V128);
    ck_assert(!v.has_value);
    v = parse("{\"type\": \"externref\"}");
    ck_assert_int_eq(v.type, SL_EXTERNREF);
    ck_assert(!v.has_value);
}
END_TEST

START_TEST(test_values_parse_refuses_bad_numbers)
{
    refuse("{\"type\": \"i32\", \"value\": \"4294967296\"}");
    refuse("{\"type\": \"i64\", \"value\": \"18446744073709551616\"}");
    refuse("{\"type\": \"i32\", \"value\": \"-1\"}");
    refuse("{\"type\": \"i32\", \"value\": \"0x10\"}");
    refuse("{\"type\": \"i32\", \"value\": \"\"}");
    refuse("{\"type\": \"i32\", \"value\": 7}");
    ck_assert_ptr_nonnull(strstr(refuse("{\"type\": \"i128\", \"value\": \"0\"}"), "i128"));
    refuse("{\"value\": \"0\"}");
}
END_TEST

/* One row per lane type: the JSON lanes and the little-endian bytes they must give. */
static const struct lane_case {
    const char *json;
    spec_lane_t lane;
    uint8_t bytes[16];
} lane_cases[] = {
    {"{\"type\": \"v128\", \"lane_type\": \"i8\", \"value\": [\"0\", \"1\", \"2\", \"3\", \"4\","
     " \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"255\"]}",
     SPEC_LANE_I8,
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255}},
    {"{\"type\": \"v128\", \"lane_type\": \"i16\", \"value\": [\"1\", \"258\", \"0\", \"0\","
     " \"0\", \"0\", \"0\", \"65535\"]}",
     SPEC_LANE_I16,
     {1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}},
    {"{\"type\": \"v128\", \"lane_type\": \"i32\", \"value\": [\"16909060\", \"0\", \"0\","
     " \"4294967295\"]}",
     SPEC_LANE_I32,
     {4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}},
    {"{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": [\"1\", \"18446744073709551615\"]}",
     SPEC_LANE_I64,
     {1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
    {"{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": [\"1065353216\", \"0\", \"0\","
     " \"2147483648\"]}",
     SPEC_LANE_F32,
     {0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}},
    {"{\"type\": \"v128\", \"lane_type\": \"f64\", \"value\": [\"4607182418800017408\","
     " \"9223372036854775808\"]}",
     SPEC_LANE_F64,
     {0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x80}},
};

#define N_LANE_CASES (sizeof lane_cases / sizeof lane_cases[0])

START_TEST(test_values_parse_v128_lanes)
{
    const struct lane_case *c = &lane_cases[_i];
    spec_value_t v = parse(c->json);
    ck_assert_int_eq(v.type, SL_V128);
    ck_assert_int_eq(v.lane, c->lane);
    ck_assert_mem_eq(v.v128, c->bytes, 16);

    /* Bit for bit it matches itself; one flipped bit in any lane does not. */
    sl_value_t got = v128_of(c->bytes);
    ck_assert(spec_value_matches(&v, &got, NULL));
    for (int byte = 0; byte < 16; byte++) {
        sl_value_t other = got;
        other.of.v128[byte] ^= 0x01;
        ck_assert_msg(!spec_value_matches(&v, &other, NULL), "%s: byte %d ignored",
                      spec_lane_name(c->lane), byte);
    }
}
END_TEST

START_TEST(test_values_parse_refuses_bad_v128)
{
    ck_assert_ptr_nonnull(strstr(refuse("{\"type\": \"v128\", \"lane_type\": \"i32\","
                                        " \"value\": [\"0\", \"0\", \"0\"]}"),
                                 "4 lanes"));
    refuse("{\"type\": \"v128\", \"lane_type\": \"i8\", \"value\": [\"256\", \"0\", \"0\","
           " \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\","
           " \"0\"]}");
    refuse("{\"type\": \"v128\", \"lane_type\": \"i128\", \"value\": [\"0\"]}");
    refuse("{\"type\": \"v128\", \"value\": [\"0\", \"0\", \"0\", \"0\"]}");
    refuse("{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": \"0\"}");
    refuse("{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": [\"nan:canonical\","
           " \"0\"]}");
}
END_TEST

START_TEST(test_values_parse_refs)
{
    spec_value_t v = parse("{\"type\": \"externref\", \"value\": \"null\"}");
    ck_assert_int_eq(v.type, SL_EXTERNREF);
    ck_assert_int_eq(v.ref, SPEC_REF_NULL);
    v = parse("{\"type\": \"externref\", \"value\": \"137\"}");
    ck_assert_int_eq(v.ref, SPEC_REF_HOST);
    ck_assert_uint_eq(v.host, 137);
    v = parse("{\"type\": \"funcref\", \"value\": \"null\"}");
    ck_assert_int_eq(v.type, SL_FUNCREF);
    ck_assert_int_eq(v.ref, SPEC_REF_NULL);
    v = parse("{\"type\": \"funcref\", \"value\": \"0\"}");
    ck_assert_int_eq(v.ref, SPEC_REF_ANY);
    refuse("{\"type\": \"externref\", \"value\": \"one\"}");
    refuse("{\"type\": \"externref\", \"value\": null}");
}
END_TEST

START_TEST(test_values_parse_arrays)
{
    json_t *array = json_loads("[{\"type\": \"i32\", \"value\": \"1\"},"
                               " {\"type\": \"f64\", \"value\": \"nan:canonical\"}]",
                               0, NULL);
    spec_value_t values[2];
    size_t n = 9;
    char why[200];
    ck_assert_int_eq(spec_values_parse(array, values, 2, &n, why, sizeof why), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(values[1].type, SL_F64);
    ck_assert_int_eq(spec_values_parse(array, values, 1, &n, why, sizeof why), -EINVAL);
    ck_assert_uint_eq(n, 0);
    json_decref(array);

    array = json_loads("[{\"type\": \"i32\", \"value\": \"1\"}, {\"type\": \"x\"}]", 0, NULL);
    ck_assert_int_eq(spec_values_parse(array, values, 2, &n, why, sizeof why), -EINVAL);
    json_decref(array);
    json_t *object = json_loads("{}", 0, NULL);
    ck_assert_int_eq(spec_values_parse(object, values, 2, &n, why, sizeof why), -EINVAL);
    json_decref(object);
}
END_TEST

/* ---- the NaN rules --------------------------------------------------------------------------- */

static const struct nan_case {
    spec_nan_t nan;
    unsigned width;
    uint64_t bits;
    bool matches;
} nan_cases[] = {
    {SPEC_NAN_CANONICAL, 32, 0x7fc00000, true},
    {SPEC_NAN_CANONICAL, 32, 0xffc00000, true},  /* either sign */
    {SPEC_NAN_CANONICAL, 32, 0x7fc00001, false}, /* a payload beyond the quiet bit */
    {SPEC_NAN_CANONICAL, 32, 0x7fe00000, false},
    {SPEC_NAN_CANONICAL, 32, 0x7fa00000, false}, /* signalling */
    {SPEC_NAN_CANONICAL, 32, 0x7f800000, false}, /* infinity */
    {SPEC_NAN_CANONICAL, 32, 0x3f800000, false},
    {SPEC_NAN_ARITHMETIC, 32, 0x7fc00000, true},
    {SPEC_NAN_ARITHMETIC, 32, 0xffc00001, true},
    {SPEC_NAN_ARITHMETIC, 32, 0x7fffffff, true},
    {SPEC_NAN_ARITHMETIC, 32, 0x7fbfffff, false}, /* signalling, all payload */
    {SPEC_NAN_ARITHMETIC, 32, 0x7f800001, false},
    {SPEC_NAN_ARITHMETIC, 32, 0xff800000, false},
    {SPEC_NAN_ARITHMETIC, 32, 0x00400000, false}, /* the quiet bit alone is not a NaN */
    {SPEC_NAN_CANONICAL, 64, UINT64_C(0x7ff8000000000000), true},
    {SPEC_NAN_CANONICAL, 64, UINT64_C(0xfff8000000000000), true},
    {SPEC_NAN_CANONICAL, 64, UINT64_C(0x7ff8000000000001), false},
    {SPEC_NAN_CANONICAL, 64, UINT64_C(0x7ff4000000000000), false},
    {SPEC_NAN_CANONICAL, 64, UINT64_C(0x7ff0000000000000), false},
    {SPEC_NAN_CANONICAL, 64, 0x7fc00000, false}, /* an f32 NaN's bits are no f64 NaN */
    {SPEC_NAN_ARITHMETIC, 64, UINT64_C(0x7ff8000000000000), true},
    {SPEC_NAN_ARITHMETIC, 64, UINT64_C(0xffffffffffffffff), true},
    {SPEC_NAN_ARITHMETIC, 64, UINT64_C(0x7ff7ffffffffffff), false},
    {SPEC_NAN_ARITHMETIC, 64, UINT64_C(0x7ff0000000000001), false},
    {SPEC_NAN_NONE, 32, 0x7fc00000, false},
};

#define N_NAN_CASES (sizeof nan_cases / sizeof nan_cases[0])

START_TEST(test_values_nan_rules)
{
    const struct nan_case *c = &nan_cases[_i];
    ck_assert_msg(spec_nan_matches(c->nan, c->width, c->bits) == c->matches,
                  "pattern %d, f%u 0x%llx: want %d", c->nan, c->width,
                  (unsigned long long)c->bits, c->matches);

    /* The same rule through a scalar and through every lane of a v128. */
    if (c->nan == SPEC_NAN_NONE)
        return;
    spec_value_t want = {.type = c->width == 32 ? SL_F32 : SL_F64, .has_value = true};
    want.nan[0] = (uint8_t)c->nan;
    sl_value_t got = {.type = want.type};
    if (c->width == 32)
        got.of.f32 = (uint32_t)c->bits;
    else
        got.of.f64 = c->bits;
    ck_assert(spec_value_matches(&want, &got, NULL) == c->matches);

    unsigned size = c->width / 8, n_lanes = 16 / size;
    for (unsigned lane = 0; lane < n_lanes; lane++) {
        spec_value_t vwant = {.type = SL_V128, .has_value = true,
                              .lane = c->width == 32 ? SPEC_LANE_F32 : SPEC_LANE_F64};
        vwant.nan[lane] = (uint8_t)c->nan; /* the other lanes want +0.0 exactly */
        sl_value_t vgot = {.type = SL_V128};
        for (unsigned b = 0; b < size; b++)
            vgot.of.v128[lane * size + b] = (uint8_t)(c->bits >> (8 * b));
        ck_assert_msg(spec_value_matches(&vwant, &vgot, NULL) == c->matches, "lane %u", lane);
    }
}
END_TEST

START_TEST(test_values_float_bits_compare_exactly)
{
    spec_value_t want = parse("{\"type\": \"f32\", \"value\": \"0\"}");
    sl_value_t got = {.type = SL_F32, .of.f32 = 0x80000000u}; /* -0.0 == +0.0, but not here */
    ck_assert(!spec_value_matches(&want, &got, NULL));
    got.of.f32 = 0;
    ck_assert(spec_value_matches(&want, &got, NULL));

    want = parse("{\"type\": \"f64\", \"value\": \"9221120237041090561\"}"); /* NaN payload 1 */
    sl_value_t nan = {.type = SL_F64, .of.f64 = UINT64_C(0x7ff8000000000001)};
    ck_assert(spec_value_matches(&want, &nan, NULL));
    nan.of.f64 = UINT64_C(0x7ff8000000000000);
    ck_assert(!spec_value_matches(&want, &nan, NULL));
}
END_TEST

START_TEST(test_values_v128_nan_lanes)
{
    spec_value_t want = parse("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\":"
                              " [\"nan:canonical\", \"nan:arithmetic\", \"1065353216\", \"0\"]}");
    ck_assert_int_eq(want.nan[0], SPEC_NAN_CANONICAL);
    ck_assert_int_eq(want.nan[1], SPEC_NAN_ARITHMETIC);
    ck_assert_int_eq(want.nan[2], SPEC_NAN_NONE);
    static const uint8_t ok[16] = {0, 0, 0xc0, 0xff, 1, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f};
    sl_value_t got = v128_of(ok);
    ck_assert(spec_value_matches(&want, &got, NULL));
    got.of.v128[0] = 1; /* lane 0 gets a payload: no longer canonical */
    ck_assert(!spec_value_matches(&want, &got, NULL));
    got = v128_of(ok);
    got.of.v128[6] = 0xa0; /* lane 1 signalling */
    ck_assert(!spec_value_matches(&want, &got, NULL));

    want = parse("{\"type\": \"v128\", \"lane_type\": \"f64\", \"value\":"
                 " [\"0\", \"nan:arithmetic\"]}");
    static const uint8_t f64[16] = {0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0xfc, 0xff};
    got = v128_of(f64);
    ck_assert(spec_value_matches(&want, &got, NULL));
}
END_TEST

/* ---- matching and arguments ------------------------------------------------------------------ */

START_TEST(test_values_match_integers_and_types)
{
    spec_value_t want = parse("{\"type\": \"i32\", \"value\": \"4294967295\"}");
    sl_value_t got = {.type = SL_I32, .of.i32 = -1};
    ck_assert(spec_value_matches(&want, &got, NULL));
    got.of.i32 = 0x7fffffff;
    ck_assert(!spec_value_matches(&want, &got, NULL));
    got = (sl_value_t){.type = SL_I64, .of.i64 = 0xffffffff};
    ck_assert(!spec_value_matches(&want, &got, NULL)); /* same bits, other type */

    want = parse("{\"type\": \"i64\", \"value\": \"9223372036854775808\"}");
    got = (sl_value_t){.type = SL_I64, .of.i64 = INT64_MIN};
    ck_assert(spec_value_matches(&want, &got, NULL));

    want = parse("{\"type\": \"i64\"}"); /* a type alone matches any value of it */
    ck_assert(spec_value_matches(&want, &got, NULL));
    got.type = SL_I32;
    ck_assert(!spec_value_matches(&want, &got, NULL));
}
END_TEST

START_TEST(test_values_hostrefs_round_trip)
{
    static spec_hostrefs_t refs;
    spec_value_t v = parse("{\"type\": \"externref\", \"value\": \"42\"}");
    sl_value_t arg;
    char why[200];
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), 0);
    ck_assert_int_eq(arg.type, SL_EXTERNREF);
    ck_assert_ptr_nonnull(arg.of.externref);
    ck_assert(spec_value_matches(&v, &arg, &refs));

    uint64_t n = 0;
    ck_assert(spec_hostref_number(&refs, arg.of.externref, &n));
    ck_assert_uint_eq(n, 42);
    ck_assert_ptr_eq(spec_hostref_pointer(&refs, 42), arg.of.externref);
    ck_assert_ptr_ne(spec_hostref_pointer(&refs, 0), NULL); /* even 0 is not null */

    spec_value_t other = parse("{\"type\": \"externref\", \"value\": \"43\"}");
    ck_assert(!spec_value_matches(&other, &arg, &refs));
    spec_value_t null = parse("{\"type\": \"externref\", \"value\": \"null\"}");
    ck_assert(!spec_value_matches(&null, &arg, &refs));
    int foreign;
    sl_value_t strange = {.type = SL_EXTERNREF, .of.externref = &foreign};
    ck_assert(!spec_hostref_number(&refs, &foreign, &n));
    ck_assert(!spec_value_matches(&v, &strange, &refs));
    ck_assert(!spec_value_matches(&null, &strange, &refs));
    ck_assert_int_eq(spec_value_to_arg(&null, &refs, &arg, why, sizeof why), 0);
    ck_assert_ptr_null(arg.of.externref);
    ck_assert(spec_value_matches(&null, &arg, &refs));

    v = parse("{\"type\": \"externref\", \"value\": \"1024\"}"); /* SPEC_MAX_HOSTREF + 1 */
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), -EINVAL);
    ck_assert_ptr_null(spec_hostref_pointer(&refs, SPEC_MAX_HOSTREF + 1));
}
END_TEST

START_TEST(test_values_funcrefs)
{
    static spec_hostrefs_t refs;
    int some_function;
    sl_value_t null = {.type = SL_FUNCREF};
    sl_value_t func = {.type = SL_FUNCREF, .of.funcref = (sl_func_t *)&some_function};
    spec_value_t want_null = parse("{\"type\": \"funcref\", \"value\": \"null\"}");
    spec_value_t want_any = parse("{\"type\": \"funcref\", \"value\": \"3\"}");
    ck_assert(spec_value_matches(&want_null, &null, &refs));
    ck_assert(!spec_value_matches(&want_null, &func, &refs));
    ck_assert(spec_value_matches(&want_any, &func, &refs));
    ck_assert(!spec_value_matches(&want_any, &null, &refs));
    sl_value_t extern_null = {.type = SL_EXTERNREF};
    ck_assert(!spec_value_matches(&want_null, &extern_null, &refs));

    sl_value_t arg;
    char why[200];
    ck_assert_int_eq(spec_value_to_arg(&want_null, &refs, &arg, why, sizeof why), 0);
    ck_assert_int_eq(arg.type, SL_FUNCREF);
    ck_assert_ptr_null(arg.of.funcref);
    ck_assert_int_eq(spec_value_to_arg(&want_any, &refs, &arg, why, sizeof why), -EINVAL);
}
END_TEST

START_TEST(test_values_to_arg)
{
    static spec_hostrefs_t refs;
    sl_value_t arg;
    char why[200];
    spec_value_t v = parse("{\"type\": \"i32\", \"value\": \"4294967295\"}");
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), 0);
    ck_assert_int_eq(arg.type, SL_I32);
    ck_assert_int_eq(arg.of.i32, -1);
    v = parse("{\"type\": \"f32\", \"value\": \"2141192192\"}"); /* a signalling NaN survives */
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), 0);
    ck_assert_uint_eq(arg.of.f32, 0x7fa00000u);
    v = parse(lane_cases[1].json);
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), 0);
    ck_assert_mem_eq(arg.of.v128, lane_cases[1].bytes, 16);

    v = parse("{\"type\": \"f64\", \"value\": \"nan:canonical\"}");
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), -EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "NaN"));
    v = parse("{\"type\": \"i32\"}");
    ck_assert_int_eq(spec_value_to_arg(&v, &refs, &arg, why, sizeof why), -EINVAL);
}
END_TEST

/* ---- printing -------------------------------------------------------------------------------- */

static const struct format_case {
    const char *json;
    const char *text;
} format_cases[] = {
    {"{\"type\": \"i32\", \"value\": \"4294967295\"}", "i32:-1"},
    {"{\"type\": \"i64\", \"value\": \"9223372036854775808\"}", "i64:-9223372036854775808"},
    {"{\"type\": \"f32\", \"value\": \"1065353216\"}", "f32:0x3f800000 (1, 0x1p+0)"},
    {"{\"type\": \"f32\", \"value\": \"1036831949\"}", "f32:0x3dcccccd (0.100000001, 0x1.99999ap-4)"},
    {"{\"type\": \"f32\", \"value\": \"4290772993\"}", "f32:0xffc00001 (-nan:0x400001)"},
    {"{\"type\": \"f64\", \"value\": \"9218868437227405312\"}",
     "f64:0x7ff0000000000000 (inf, inf)"},
    {"{\"type\": \"f64\", \"value\": \"nan:canonical\"}", "f64:nan:canonical"},
    {"{\"type\": \"f32\", \"value\": \"nan:arithmetic\"}", "f32:nan:arithmetic"},
    {"{\"type\": \"v128\", \"lane_type\": \"i16\", \"value\": [\"1\", \"65535\", \"0\", \"0\","
     " \"0\", \"0\", \"0\", \"32768\"]}",
     "v128:i16x8[1 -1 0 0 0 0 0 -32768]"},
    {"{\"type\": \"v128\", \"lane_type\": \"f64\", \"value\": [\"nan:canonical\", \"0\"]}",
     "v128:f64x2[nan:canonical 0x0000000000000000 (0, 0x0p+0)]"},
    {"{\"type\": \"externref\", \"value\": \"7\"}", "externref:7"},
    {"{\"type\": \"funcref\", \"value\": \"null\"}", "funcref:null"},
    {"{\"type\": \"funcref\", \"value\": \"1\"}", "funcref:non-null"},
    {"{\"type\": \"v128\"}", "v128"},
};

#define N_FORMAT_CASES (sizeof format_cases / sizeof format_cases[0])

START_TEST(test_values_format_expected)
{
    const struct format_case *c = &format_cases[_i];
    spec_value_t v = parse(c->json);
    char buf[300];
    int n = spec_value_format(&v, buf, sizeof buf);
    ck_assert_str_eq(buf, c->text);
    ck_assert_int_eq(n, (int)strlen(c->text));
}
END_TEST

START_TEST(test_values_format_results)
{
    static spec_hostrefs_t refs;
    char buf[300];
    sl_value_t v = {.type = SL_I32, .of.i32 = INT32_MIN};
    spec_result_format(&v, SPEC_LANE_I32, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "i32:-2147483648");
    v = (sl_value_t){.type = SL_F64, .of.f64 = UINT64_C(0xbff0000000000000)};
    spec_result_format(&v, SPEC_LANE_I32, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "f64:0xbff0000000000000 (-1, -0x1p+0)");

    /* A v128 is split in the lane type asked for: the expected value's. */
    static const uint8_t bytes[16] = {0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f};
    v = v128_of(bytes);
    spec_result_format(&v, SPEC_LANE_F32, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:f32x4[0x3f800000 (1, 0x1p+0) 0x7fc00000 (nan:0x400000)"
                          " 0x00000000 (0, 0x0p+0) 0x00000000 (0, 0x0p+0)]");
    spec_result_format(&v, SPEC_LANE_I8, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:i8x16[0 0 -128 63 0 0 -64 127 0 0 0 0 0 0 0 0]");
    spec_result_format(&v, SPEC_LANE_I64, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "v128:i64x2[9205357639410647040 0]");

    v = (sl_value_t){.type = SL_EXTERNREF, .of.externref = spec_hostref_pointer(&refs, 5)};
    spec_result_format(&v, SPEC_LANE_I32, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "externref:5");
    int foreign;
    v.of.externref = &foreign;
    spec_result_format(&v, SPEC_LANE_I32, &refs, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "externref:foreign "));
    v = (sl_value_t){.type = SL_FUNCREF};
    spec_result_format(&v, SPEC_LANE_I32, &refs, buf, sizeof buf);
    ck_assert_str_eq(buf, "funcref:null");
}
END_TEST

START_TEST(test_values_format_truncates_like_snprintf)
{
    spec_value_t v = parse(lane_cases[0].json);
    char full[300], small[10];
    int n = spec_value_format(&v, full, sizeof full);
    ck_assert_int_eq(spec_value_format(&v, small, sizeof small), n);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert_mem_eq(small, full, sizeof small - 1);
    ck_assert_int_eq(spec_value_format(&v, NULL, 0), n);
}
END_TEST

Suite *spec_values_suite(void);

Suite *
spec_values_suite(void)
{
    Suite *s = suite_create("spec_values");

    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_values_parse_scalars_exactly);
    tcase_add_test(tc, test_values_parse_nan_patterns);
    tcase_add_test(tc, test_values_parse_type_only);
    tcase_add_test(tc, test_values_parse_refuses_bad_numbers);
    tcase_add_loop_test(tc, test_values_parse_v128_lanes, 0, (int)N_LANE_CASES);
    tcase_add_test(tc, test_values_parse_refuses_bad_v128);
    tcase_add_test(tc, test_values_parse_refs);
    tcase_add_test(tc, test_values_parse_arrays);
    suite_add_tcase(s, tc);

    tc = tcase_create("nan");
    tcase_add_loop_test(tc, test_values_nan_rules, 0, (int)N_NAN_CASES);
    tcase_add_test(tc, test_values_float_bits_compare_exactly);
    tcase_add_test(tc, test_values_v128_nan_lanes);
    suite_add_tcase(s, tc);

    tc = tcase_create("match");
    tcase_add_test(tc, test_values_match_integers_and_types);
    tcase_add_test(tc, test_values_hostrefs_round_trip);
    tcase_add_test(tc, test_values_funcrefs);
    tcase_add_test(tc, test_values_to_arg);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_loop_test(tc, test_values_format_expected, 0, (int)N_FORMAT_CASES);
    tcase_add_test(tc, test_values_format_results);
    tcase_add_test(tc, test_values_format_truncates_like_snprintf);
    suite_add_tcase(s, tc);
    return s;
}
