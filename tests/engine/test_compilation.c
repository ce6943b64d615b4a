/* Streaming compilation on a compile pool (sl_compilation_*): modules fed in pieces compile as
 * they arrive, the timeline shows it, errors come out in module order, and abandoning a
 * compilation midway costs nothing. */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_fixture.h"
#include "slipstream.h"
#include "suite.h"
#include "wat.h"

static sl_engine_t *engine;
static sl_compile_pool_t *pool;

static void
setup(void)
{
    ck_assert_int_eq(sl_engine_new(NULL, &engine), 0);
    ck_assert_int_eq(sl_compile_pool_new(engine, 2, &pool), 0);
}

static void
teardown(void)
{
    sl_compile_pool_free(pool);
    sl_engine_free(engine);
}

/* A module of `n` functions, each a small loop, built as text. */
static uint8_t *
many_functions(unsigned n, size_t *size)
{
    size_t cap = 256 + 160 * (size_t)n;
    char *wat = malloc(cap);
    ck_assert_ptr_nonnull(wat);
    size_t len = (size_t)snprintf(wat, cap, "(module");
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(wat + len, cap - len,
                                " (func (export \"f%u\") (param i32) (result i32)"
                                " (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))"
                                " (i32.add (local.get 0) (i32.const %u)))",
                                i, i);
    snprintf(wat + len, cap - len, ")");
    char why[512];
    uint8_t *bytes = wat_to_wasm(wat, size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    free(wat);
    return bytes;
}

static atomic_int done_calls;

static void
count_done(void *user, sl_compilation_t *c)
{
    (void)user;
    (void)c;
    atomic_fetch_add(&done_calls, 1);
}

START_TEST(test_compilation_compiles_while_bytes_arrive)
{
    size_t size;
    uint8_t *bytes = many_functions(200, &size);
    atomic_store(&done_calls, 0);
    sl_compilation_t *c;
    sl_compilation_options_t options = {.size_hint = size, .on_done = count_done};
    ck_assert_int_eq(sl_compilation_new(pool, &options, &c), 0);
    /* a slow link: 64-byte chunks with pauses, so the pool keeps up with the decoder */
    for (size_t at = 0; at < size; at += 64) {
        size_t n = size - at < 64 ? size - at : 64;
        ck_assert_int_eq(sl_compilation_feed(c, bytes + at, n), 0);
        usleep(200);
    }
    usleep(20 * 1000);
    ck_assert_int_eq(sl_compilation_finish(c), 0);
    sl_compilation_wait(c);
    ck_assert_int_eq(atomic_load(&done_calls), 1);
    ck_assert_uint_eq(sl_compilation_pending(c), 0);

    sl_compilation_timeline_t t;
    sl_compilation_timeline(c, &t);
    ck_assert_uint_eq(t.functions_total, 200);
    ck_assert_uint_eq(t.functions_compiled, 200);
    ck_assert_uint_gt(t.functions_compiled_before_last_byte, 150);
    ck_assert_uint_gt(t.compile_cpu_ns, 0);
    ck_assert(t.created_ns <= t.first_byte_ns && t.first_byte_ns <= t.code_section_start_ns);
    ck_assert(t.code_section_start_ns <= t.last_byte_ns && t.last_byte_ns <= t.baseline_done_ns);

    sl_module_t *m;
    ck_assert_int_eq(sl_compilation_result(c, &m, NULL), 0);
    sl_compilation_free(c);
    sl_store_t *store;
    ck_assert_int_eq(sl_store_new(engine, &store), 0);
    sl_instance_t *inst;
    ck_assert_int_eq(sl_instance_new(store, m, NULL, 0, &inst, NULL, NULL), 0);
    sl_value_t arg = i32(5), result;
    ck_assert_int_eq(sl_func_call(export_of(inst, "f199", SL_EXTERN_FUNC).of.func, &arg, 1,
                                  &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i32, 199);
    sl_store_free(store);
    sl_module_unref(m);
    free(bytes);
}
END_TEST

START_TEST(test_compilation_reports_the_first_error_in_module_order)
{
    size_t size;
    uint8_t *bytes = many_functions(50, &size);
    /* break the bodies of functions 30 and 10 (i32.sub -> i64.sub: a type mismatch) */
    unsigned seen = 0;
    size_t broken_at = 0;
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] == 0x6b && ++seen && (seen == 11 || seen == 31)) {
            bytes[i] = 0x7d;
            if (seen == 11)
                broken_at = i;
        }
    }
    ck_assert_uint_eq(seen, 50);
    sl_compilation_t *c;
    ck_assert_int_eq(sl_compilation_new(pool, NULL, &c), 0);
    sl_compilation_feed(c, bytes, size); /* may or may not see the failed jobs yet */
    sl_compilation_finish(c);
    sl_compilation_wait(c);
    sl_module_t *m;
    sl_error_t err;
    ck_assert_int_eq(sl_compilation_result(c, &m, &err), SL_EINVALID);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(err.func_index, 10);
    ck_assert_uint_eq(err.offset, broken_at);
    sl_compilation_free(c);
    free(bytes);
}
END_TEST

START_TEST(test_compilation_abandoned_midway)
{
    size_t size;
    uint8_t *bytes = many_functions(300, &size);
    for (int round = 0; round < 20; round++) {
        sl_compilation_t *c;
        ck_assert_int_eq(sl_compilation_new(pool, NULL, &c), 0);
        ck_assert_int_eq(sl_compilation_feed(c, bytes, size * (size_t)(round + 1) / 21), 0);
        if (round % 2) { /* the host frees it at once, jobs still queued */
            sl_compilation_free(c);
            continue;
        }
        sl_compilation_abort(c);
        sl_compilation_wait(c);
        sl_module_t *m;
        ck_assert_int_eq(sl_compilation_result(c, &m, NULL), SL_EABORTED);
        ck_assert_int_eq(sl_compilation_feed(c, bytes, 1), SL_ESTATE); /* input has ended */
        sl_compilation_free(c);
    }
    free(bytes);
}
END_TEST

START_TEST(test_compilation_decoding_error_and_empty_module)
{
    static const uint8_t bad_magic[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
    sl_compilation_t *c;
    ck_assert_int_eq(sl_compilation_new(pool, NULL, &c), 0);
    ck_assert_int_eq(sl_compilation_feed(c, bad_magic, sizeof bad_magic), SL_EMALFORMED);
    ck_assert_int_eq(sl_compilation_finish(c), SL_EMALFORMED);
    sl_compilation_wait(c);
    sl_module_t *m;
    sl_error_t err;
    ck_assert_int_eq(sl_compilation_result(c, &m, &err), SL_EMALFORMED);
    ck_assert_ptr_nonnull(strstr(err.message, "magic"));
    sl_compilation_free(c);

    static const uint8_t empty[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    ck_assert_int_eq(sl_compilation_new(pool, NULL, &c), 0);
    ck_assert_int_eq(sl_compilation_feed(c, empty, sizeof empty), 0);
    ck_assert_int_eq(sl_compilation_finish(c), 0); /* nothing queued: done at once */
    ck_assert_int_eq(sl_compilation_result(c, &m, NULL), 0);
    sl_module_unref(m);
    ck_assert_int_eq(sl_compilation_finish(c), SL_ESTATE);
    sl_compilation_free(c);
}
END_TEST

Suite *
compilation_suite(void)
{
    Suite *s = suite_create("compilation");
    TCase *tc = tcase_create("streaming");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_compilation_compiles_while_bytes_arrive);
    tcase_add_test(tc, test_compilation_reports_the_first_error_in_module_order);
    tcase_add_test(tc, test_compilation_abandoned_midway);
    tcase_add_test(tc, test_compilation_decoding_error_and_empty_module);
    suite_add_tcase(s, tc);
    return s;
}
