/* The bounded LEB128 readers (engine/base/leb128.h) against the spec's integer encodings (binary
 * format, integers): longest valid forms, padded forms, one byte too many, unused bits of the
 * last byte, and input that stops inside the number. Every case reads from a heap copy exactly as
 * long as its bytes, so a read past `end` shows up under ASan. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leb128.h"
#include "suite.h"

typedef enum kind { U32, S32, S33, S64 } kind_t;

static const char *const kind_name[] = {"u32", "s32", "s33", "s64"};

typedef struct leb_case {
    kind_t kind;
    uint8_t bytes[12];
    size_t len;
    int result;    /* bytes consumed (> 0) or a LEB128_* status */
    int64_t value; /* u32 values are stored as their non-negative int64 */
} leb_case_t;

/* Runs the reader of `kind` on [p, p + len). *value is what the reader left in its out-parameter,
 * which starts as `sentinel` (a value every kind can hold). */
static int
read_kind(kind_t kind, const uint8_t *p, size_t len, int64_t sentinel, int64_t *value)
{
    int n;
    switch (kind) {
    case U32: {
        uint32_t v = (uint32_t)sentinel;
        n = leb128_read_u32(p, p + len, &v);
        *value = v;
        return n;
    }
    case S32: {
        int32_t v = (int32_t)sentinel;
        n = leb128_read_s32(p, p + len, &v);
        *value = v;
        return n;
    }
    case S33:
        *value = sentinel;
        return leb128_read_s33(p, p + len, value);
    case S64:
        *value = sentinel;
        return leb128_read_s64(p, p + len, value);
    }
    return 0;
}

/* A heap copy of exactly `len` bytes (at least one allocated byte, never read when len is 0). */
static uint8_t *
exact_copy(const uint8_t *bytes, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len)
        memcpy(p, bytes, len);
    return p;
}

#define NINE_80 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80
#define NINE_FF 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

/* ---- values that decode ---------------------------------------------------------------------- */

static const leb_case_t valid_cases[] = {
    /* u32 */
    {U32, {0x00}, 1, 1, 0},
    {U32, {0x7f}, 1, 1, 127},
    {U32, {0x80, 0x01}, 2, 2, 128},
    {U32, {0xe5, 0x8e, 0x26}, 3, 3, 624485},
    {U32, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5, 5, 0xffffffff}, /* max, longest form */
    {U32, {0x80, 0x80, 0x80, 0x80, 0x00}, 5, 5, 0},          /* 0 padded to 5 bytes */
    {U32, {0x80, 0x00}, 2, 2, 0},                            /* 0 padded to 2 bytes */
    {U32, {0xff, 0x80, 0x80, 0x80, 0x00}, 5, 5, 127},        /* 127 padded to 5 bytes */
    {U32, {0x80, 0x80, 0x80, 0x80, 0x08}, 5, 5, 0x80000000}, /* the top bit alone */
    {U32, {0x05, 0xff}, 2, 1, 5},                            /* stops at the first byte */
    /* s32 */
    {S32, {0x00}, 1, 1, 0},
    {S32, {0x7f}, 1, 1, -1},
    {S32, {0x3f}, 1, 1, 63},
    {S32, {0x40}, 1, 1, -64},
    {S32, {0xc0, 0x00}, 2, 2, 64},
    {S32, {0xbf, 0x7f}, 2, 2, -65},
    {S32, {0xff, 0xff, 0xff, 0xff, 0x07}, 5, 5, INT32_MAX},
    {S32, {0x80, 0x80, 0x80, 0x80, 0x78}, 5, 5, INT32_MIN},
    {S32, {0x80, 0x80, 0x80, 0x80, 0x00}, 5, 5, 0},  /* 0 padded with zeros */
    {S32, {0xff, 0xff, 0xff, 0xff, 0x7f}, 5, 5, -1}, /* -1 padded with sign bits */
    {S32, {0xff, 0x7f, 0x00}, 3, 2, -1},             /* stops at the end of the number */
    /* s33 (block types) */
    {S33, {0x00}, 1, 1, 0},
    {S33, {0x7f}, 1, 1, -1},
    {S33, {0xff, 0xff, 0xff, 0xff, 0x7f}, 5, 5, -1},
    {S33, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5, 5, INT64_C(4294967295)},  /* 2^32 - 1, largest */
    {S33, {0x80, 0x80, 0x80, 0x80, 0x70}, 5, 5, -INT64_C(4294967296)}, /* -2^32, smallest */
    {S33, {0x80, 0x80, 0x80, 0x80, 0x00}, 5, 5, 0},
    {S33, {0xff, 0xff, 0xff, 0xff, 0x07}, 5, 5, INT32_MAX},
    /* s64 */
    {S64, {0x00}, 1, 1, 0},
    {S64, {0x7f}, 1, 1, -1},
    {S64, {NINE_80, 0x7f}, 10, 10, INT64_MIN},
    {S64, {NINE_FF, 0x00}, 10, 10, INT64_MAX},
    {S64, {NINE_80, 0x00}, 10, 10, 0},  /* 0 padded with zeros */
    {S64, {NINE_FF, 0x7f}, 10, 10, -1}, /* -1 padded with sign bits */
    {S64, {0x80, 0x80, 0x80, 0x80, 0x78}, 5, 5, -INT64_C(2147483648)},
    {S64, {0x80, 0x80, 0x80, 0x80, 0x08}, 5, 5, INT64_C(2147483648)},
};

static void
check_case(const leb_case_t *c)
{
    const int64_t sentinel = 0x5a5a5a5a;
    uint8_t *p = exact_copy(c->bytes, c->len);
    int64_t value;
    int n = read_kind(c->kind, p, c->len, sentinel, &value);
    free(p);
    ck_assert_msg(n == c->result, "%s case %02x.. (len %zu): returned %d, expected %d",
                  kind_name[c->kind], c->bytes[0], c->len, n, c->result);
    if (c->result > 0)
        ck_assert_int_eq(value, c->value);
    else
        ck_assert_int_eq(value, sentinel); /* *out is written only on success */
}

START_TEST(test_leb128_reads_valid_encodings)
{
    check_case(&valid_cases[_i]);
}
END_TEST

/* ---- encodings that must be refused ---------------------------------------------------------- */

static const leb_case_t invalid_cases[] = {
    /* one byte more than ceil(N/7) */
    {U32, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 6, LEB128_TOO_LONG, 0},
    {U32, {0xff, 0xff, 0xff, 0xff, 0x8f, 0x00}, 6, LEB128_TOO_LONG, 0},
    {S32, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 6, LEB128_TOO_LONG, 0},
    {S32, {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 6, LEB128_TOO_LONG, 0},
    {S33, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 6, LEB128_TOO_LONG, 0},
    {S64, {NINE_80, 0x80, 0x00}, 11, LEB128_TOO_LONG, 0},
    {S64, {NINE_FF, 0xff, 0x7f}, 11, LEB128_TOO_LONG, 0},
    /* too long is decided at the last allowed byte, even when no further byte is there */
    {U32, {0x80, 0x80, 0x80, 0x80, 0x80}, 5, LEB128_TOO_LONG, 0},
    {S64, {NINE_80, 0x80}, 10, LEB128_TOO_LONG, 0},
    /* u32: the last byte carries bits 28..31 only; bits 4..6 must be zero */
    {U32, {0xff, 0xff, 0xff, 0xff, 0x1f}, 5, LEB128_TOO_LARGE, 0},
    {U32, {0x80, 0x80, 0x80, 0x80, 0x10}, 5, LEB128_TOO_LARGE, 0},
    {U32, {0x80, 0x80, 0x80, 0x80, 0x40}, 5, LEB128_TOO_LARGE, 0},
    {U32, {0x80, 0x80, 0x80, 0x80, 0x70}, 5, LEB128_TOO_LARGE, 0}, /* no sign extension in u32 */
    {U32, {0xff, 0xff, 0xff, 0xff, 0x7f}, 5, LEB128_TOO_LARGE, 0},
    /* s32: bits 3..6 of the last byte (sign bit 31 and up) must all equal the sign */
    {S32, {0x80, 0x80, 0x80, 0x80, 0x70}, 5, LEB128_TOO_LARGE, 0}, /* positive, bits 4..6 set */
    {S32, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5, LEB128_TOO_LARGE, 0}, /* sign set, 4..6 clear */
    {S32, {0x80, 0x80, 0x80, 0x80, 0x1f}, 5, LEB128_TOO_LARGE, 0},
    {S32, {0xff, 0xff, 0xff, 0xff, 0x4f}, 5, LEB128_TOO_LARGE, 0},
    {S32, {0x80, 0x80, 0x80, 0x80, 0x08}, 5, LEB128_TOO_LARGE, 0}, /* 2^31 is not an s32 */
    {S32, {0xff, 0xff, 0xff, 0xff, 0x77}, 5, LEB128_TOO_LARGE, 0}, /* -2^31 - 1 */
    /* s33: bits 4..6 of the last byte (sign bit 32 and up) must all equal the sign */
    {S33, {0x80, 0x80, 0x80, 0x80, 0x10}, 5, LEB128_TOO_LARGE, 0}, /* 2^32 */
    {S33, {0xff, 0xff, 0xff, 0xff, 0x6f}, 5, LEB128_TOO_LARGE, 0}, /* -2^32 - 1 */
    {S33, {0x80, 0x80, 0x80, 0x80, 0x40}, 5, LEB128_TOO_LARGE, 0},
    {S33, {0xff, 0xff, 0xff, 0xff, 0x1f}, 5, LEB128_TOO_LARGE, 0},
    /* s64: the tenth byte holds only bit 63; bits 1..6 must equal it */
    {S64, {NINE_80, 0x7e}, 10, LEB128_TOO_LARGE, 0},
    {S64, {NINE_FF, 0x01}, 10, LEB128_TOO_LARGE, 0},
    {S64, {NINE_80, 0x02}, 10, LEB128_TOO_LARGE, 0},
    {S64, {NINE_FF, 0x41}, 10, LEB128_TOO_LARGE, 0},
    {S64, {NINE_80, 0x01}, 10, LEB128_TOO_LARGE, 0}, /* 2^63 is not an s64 */
};

START_TEST(test_leb128_rejects_overlong_and_too_large)
{
    check_case(&invalid_cases[_i]);
}
END_TEST

/* ---- truncation ------------------------------------------------------------------------------ */

/* The longest valid encodings; every proper prefix of each (the empty one too) must end in
 * LEB128_END without reading past its end. */
static const leb_case_t longest_cases[] = {
    {U32, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5, 5, 0xffffffff},
    {U32, {0x80, 0x80, 0x80, 0x80, 0x00}, 5, 5, 0},
    {S32, {0x80, 0x80, 0x80, 0x80, 0x78}, 5, 5, INT32_MIN},
    {S32, {0xff, 0xff, 0xff, 0xff, 0x07}, 5, 5, INT32_MAX},
    {S33, {0x80, 0x80, 0x80, 0x80, 0x70}, 5, 5, -INT64_C(4294967296)},
    {S33, {0xff, 0xff, 0xff, 0xff, 0x0f}, 5, 5, INT64_C(4294967295)},
    {S64, {NINE_80, 0x7f}, 10, 10, INT64_MIN},
    {S64, {NINE_FF, 0x00}, 10, 10, INT64_MAX},
};

START_TEST(test_leb128_reports_end_at_every_length)
{
    const leb_case_t *c = &longest_cases[_i];
    check_case(c); /* the whole encoding reads */
    for (size_t len = 0; len < c->len; len++) {
        leb_case_t prefix = *c;
        prefix.len = len;
        prefix.result = LEB128_END;
        check_case(&prefix);
    }
}
END_TEST

START_TEST(test_leb128_consumes_exactly_one_number)
{
    /* Two numbers back to back: the count returned is where the second starts. */
    static const uint8_t bytes[] = {
        0xe5, 0x8e, 0x26, /* u32 624485 */
        0x80, 0x7f,       /* s32 -128 */
        0x80, 0x80, 0x80, 0x80, 0x00, /* s33 0, padded */
        0x01,             /* u32 1 */
    };
    const uint8_t *p = bytes, *end = bytes + sizeof bytes;
    uint32_t u;
    int32_t s;
    int64_t s33;
    int n = leb128_read_u32(p, end, &u);
    ck_assert_int_eq(n, 3);
    ck_assert_uint_eq(u, 624485);
    p += n;
    n = leb128_read_s32(p, end, &s);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(s, -128);
    p += n;
    n = leb128_read_s33(p, end, &s33);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(s33, 0);
    p += n;
    n = leb128_read_u32(p, end, &u);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(u, 1);
    ck_assert_ptr_eq(p + n, end);
}
END_TEST

START_TEST(test_leb128_generic_reader_sign_extends)
{
    /* leb128_read keeps a signed value sign-extended to 64 bits whatever its width. */
    static const uint8_t minus_one[] = {0x7f};
    static const uint8_t s32_min[] = {0x80, 0x80, 0x80, 0x80, 0x78};
    uint64_t v = 0;
    ck_assert_int_eq(leb128_read(minus_one, minus_one + 1, 32, 1, &v), 1);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(leb128_read(s32_min, s32_min + 5, 32, 1, &v), 5);
    ck_assert_uint_eq(v, (uint64_t)(int64_t)INT32_MIN);
    ck_assert_int_eq(leb128_read(s32_min, s32_min + 5, 64, 1, &v), 5);
    ck_assert_uint_eq(v, (uint64_t)(int64_t)INT32_MIN); /* bit 34 is the sign of the 5-byte form */
    ck_assert_int_eq(leb128_read(s32_min, s32_min + 5, 32, 0, &v), LEB128_TOO_LARGE);
    ck_assert_int_eq(leb128_read(minus_one, minus_one + 1, 32, 0, &v), 1);
    ck_assert_uint_eq(v, 0x7f); /* unsigned: no extension */
}
END_TEST

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
leb128_suite(void)
{
    Suite *s = suite_create("leb128");
    TCase *tc = tcase_create("valid");
    tcase_add_loop_test(tc, test_leb128_reads_valid_encodings, 0, N_OF(valid_cases));
    tcase_add_test(tc, test_leb128_consumes_exactly_one_number);
    tcase_add_test(tc, test_leb128_generic_reader_sign_extends);
    tcase_set_timeout(tc, 10);
    suite_add_tcase(s, tc);

    tc = tcase_create("invalid");
    tcase_add_loop_test(tc, test_leb128_rejects_overlong_and_too_large, 0, N_OF(invalid_cases));
    tcase_set_timeout(tc, 10);
    suite_add_tcase(s, tc);

    tc = tcase_create("truncated");
    tcase_add_loop_test(tc, test_leb128_reports_end_at_every_length, 0, N_OF(longest_cases));
    tcase_set_timeout(tc, 10);
    suite_add_tcase(s, tc);
    return s;
}
