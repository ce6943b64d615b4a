/* engine/base/vec.h: growth keeps the elements, the limit gives SL_ELIMIT and leaves the array
 * as it was, a failed realloc gives SL_ENOMEM (injected through -Wl,--wrap=realloc), and the byte
 * buffer appends and refuses the same way. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "suite.h"
#include "vec.h"

/* ---- allocation failure injection ---- */

/* Armed (>= 0), the n-th realloc of the linked code and every later one fail. */
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long reallocs_before_failure = -1;
static unsigned n_reallocs;

void *
__wrap_realloc(void *p, size_t size)
{
    n_reallocs++;
    if (reallocs_before_failure == 0)
        return NULL;
    if (reallocs_before_failure > 0)
        reallocs_before_failure--;
    return __real_realloc(p, size);
}

typedef struct pair {
    uint32_t a;
    uint64_t b;
} pair_t;

VEC_DEFINE(pair_vec, pair_t)

/* ---- growth ---- */

START_TEST(test_vec_push_grows_and_keeps_elements)
{
    pair_vec_t v = {0};
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_int_eq(pair_vec_push(&v, (pair_t){i, (uint64_t)i * 3}, VEC_NO_LIMIT), 0);
    ck_assert_uint_eq(v.len, 1000);
    ck_assert_uint_ge(v.cap, 1000);
    for (uint32_t i = 0; i < 1000; i++) {
        ck_assert_uint_eq(v.items[i].a, i);
        ck_assert_uint_eq(v.items[i].b, (uint64_t)i * 3);
    }
    pair_vec_fini(&v);
    ck_assert_ptr_null(v.items);
    ck_assert_uint_eq(v.len, 0);
    ck_assert_uint_eq(v.cap, 0);
}
END_TEST

START_TEST(test_vec_reserve_doubles_and_allocates_once)
{
    pair_vec_t v = {0};
    n_reallocs = 0;
    ck_assert_int_eq(pair_vec_reserve(&v, 100, VEC_NO_LIMIT), 0);
    ck_assert_uint_ge(v.cap, 100);
    ck_assert_uint_eq(n_reallocs, 1);
    size_t cap = v.cap;
    /* Pushes within the reserved room do not allocate. */
    for (size_t i = 0; i < cap; i++)
        ck_assert_int_eq(pair_vec_push(&v, (pair_t){0}, VEC_NO_LIMIT), 0);
    ck_assert_uint_eq(n_reallocs, 1);
    ck_assert_int_eq(pair_vec_push(&v, (pair_t){0}, VEC_NO_LIMIT), 0);
    ck_assert_uint_eq(n_reallocs, 2);
    ck_assert_uint_eq(v.cap, 2 * cap);
    pair_vec_fini(&v);
}
END_TEST

/* ---- the limit ---- */

START_TEST(test_vec_limit_gives_elimit)
{
    pair_vec_t v = {0};
    for (uint32_t i = 0; i < 40; i++)
        ck_assert_int_eq(pair_vec_push(&v, (pair_t){i, i}, 40), 0);
    /* The last doubling stops at the limit, so all of it is usable and no more. */
    ck_assert_uint_eq(v.cap, 40);
    ck_assert_int_eq(pair_vec_push(&v, (pair_t){99, 99}, 40), SL_ELIMIT);
    ck_assert_uint_eq(v.len, 40);
    ck_assert_uint_eq(v.items[39].a, 39);
    ck_assert_int_eq(pair_vec_reserve(&v, 41, 40), SL_ELIMIT);
    /* A limit below the first allocation is honoured too. */
    pair_vec_t small = {0};
    ck_assert_int_eq(pair_vec_reserve(&small, 3, 3), 0);
    ck_assert_uint_eq(small.cap, 3);
    ck_assert_int_eq(pair_vec_reserve(&small, 4, 3), SL_ELIMIT);
    pair_vec_fini(&small);
    pair_vec_fini(&v);
}
END_TEST

START_TEST(test_vec_size_overflow_gives_enomem_without_realloc)
{
    pair_vec_t v = {0};
    n_reallocs = 0;
    ck_assert_int_eq(pair_vec_reserve(&v, SIZE_MAX / 2, VEC_NO_LIMIT), SL_ENOMEM);
    ck_assert_uint_eq(n_reallocs, 0);
    ck_assert_ptr_null(v.items);
}
END_TEST

/* ---- allocation failure ---- */

START_TEST(test_vec_failed_realloc_gives_enomem_and_keeps_elements)
{
    pair_vec_t v = {0};
    for (uint32_t i = 0; i < VEC_MIN_CAP; i++)
        ck_assert_int_eq(pair_vec_push(&v, (pair_t){i, i}, VEC_NO_LIMIT), 0);
    reallocs_before_failure = 0;
    int rc = pair_vec_push(&v, (pair_t){7, 7}, VEC_NO_LIMIT);
    reallocs_before_failure = -1;
    ck_assert_int_eq(rc, SL_ENOMEM);
    ck_assert_uint_eq(v.len, VEC_MIN_CAP);
    ck_assert_uint_eq(v.cap, VEC_MIN_CAP);
    for (uint32_t i = 0; i < VEC_MIN_CAP; i++)
        ck_assert_uint_eq(v.items[i].a, i);
    /* Once memory is back, the same push succeeds. */
    ck_assert_int_eq(pair_vec_push(&v, (pair_t){7, 7}, VEC_NO_LIMIT), 0);
    ck_assert_uint_eq(v.items[VEC_MIN_CAP].a, 7);
    pair_vec_fini(&v);
}
END_TEST

/* ---- the byte buffer ---- */

START_TEST(test_bytebuf_appends_and_refuses_past_limit)
{
    bytebuf_t b = {0};
    char chunk[100];
    for (int i = 0; i < 10; i++) {
        memset(chunk, 'a' + i, sizeof chunk);
        ck_assert_int_eq(bytebuf_append(&b, chunk, sizeof chunk, 1000), 0);
    }
    ck_assert_uint_eq(b.len, 1000);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(b.items[i * 100 + 99], (unsigned)('a' + i));
    ck_assert_int_eq(bytebuf_append(&b, "x", 1, 1000), SL_ELIMIT);
    /* A length that wraps the size is refused before any copy (volatile: it is a run-time
     * input, not a constant the compiler would check against memcpy). */
    volatile size_t huge = SIZE_MAX;
    ck_assert_int_eq(bytebuf_append(&b, "x", huge, VEC_NO_LIMIT), SL_ELIMIT);
    ck_assert_int_eq(bytebuf_append(&b, NULL, 0, 1000), 0);
    ck_assert_int_eq(bytebuf_push(&b, 'z', 1001), 0);
    ck_assert_uint_eq(b.len, 1001);
    ck_assert_uint_eq(b.items[1000], 'z');
    reallocs_before_failure = 0;
    int rc = bytebuf_append(&b, chunk, sizeof chunk, VEC_NO_LIMIT);
    reallocs_before_failure = -1;
    ck_assert_int_eq(rc, SL_ENOMEM);
    ck_assert_uint_eq(b.len, 1001);
    bytebuf_fini(&b);
}
END_TEST

Suite *
vec_suite(void)
{
    Suite *s = suite_create("vec");
    TCase *tc = tcase_create("growth");
    tcase_add_test(tc, test_vec_push_grows_and_keeps_elements);
    tcase_add_test(tc, test_vec_reserve_doubles_and_allocates_once);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, test_vec_limit_gives_elimit);
    tcase_add_test(tc, test_vec_size_overflow_gives_enomem_without_realloc);
    tcase_add_test(tc, test_vec_failed_realloc_gives_enomem_and_keeps_elements);
    suite_add_tcase(s, tc);

    tc = tcase_create("bytebuf");
    tcase_add_test(tc, test_bytebuf_appends_and_refuses_past_limit);
    suite_add_tcase(s, tc);
    return s;
}
