/* Runtime limits through the public API: a store's memory and table limits
 * (sl_store_set_limits), the engine-wide memory budget (sl_engine_set_memory_budget) shared by
 * stores on several threads, and deadlines that hold inside the bulk builtins (memory.fill/copy/
 * init, table.fill/copy/init work in chunks and look at the interrupt between them), with the
 * chunked copies still moving overlapping ranges the right way. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suite.h"
#include "run_fixture.h"

#define PAGE 65536u

static sl_engine_t *engine;
static sl_store_t *store;

static void
setup(void)
{
    ck_assert_int_eq(sl_engine_new(NULL, &engine), 0);
    ck_assert_int_eq(sl_store_new(engine, &store), 0);
}

static void
teardown(void)
{
    sl_store_free(store);
    sl_engine_free(engine);
}

/* Instantiates `wat` in `s`, expecting `want`; on failure the message must contain `text`. */
static sl_instance_t *
instantiate_in(sl_store_t *s, const char *wat, int want, const char *text)
{
    sl_error_t err;
    sl_module_t *m = compile_wat(engine, wat, &err);
    ck_assert_msg(m != NULL, "compile: %s", err.message);
    sl_instance_t *inst = NULL;
    sl_trap_t trap;
    int rc = sl_instance_new(s, m, NULL, 0, &inst, &err, &trap);
    sl_module_unref(m);
    ck_assert_msg(rc == want, "instantiate: %d (%s), want %d", rc, err.message, want);
    if (text)
        ck_assert_msg(strstr(err.message, text) != NULL, "message \"%s\"", err.message);
    return inst;
}

static sl_instance_t *
instantiate(const char *wat)
{
    return instantiate_in(store, wat, 0, NULL);
}

/* Calls export `name` with up to three i32 arguments and one i32 result (or none). */
static int
call(sl_instance_t *inst, const char *name, size_t n_args, const int32_t *args, int32_t *result,
     sl_trap_t *trap)
{
    sl_value_t a[3], r[1];
    for (size_t i = 0; i < n_args; i++)
        a[i] = i32(args[i]);
    sl_extern_t f = export_of(inst, name, SL_EXTERN_FUNC);
    int rc = sl_func_call(f.of.func, a, n_args, r, result ? 1 : 0, trap);
    if (rc == 0 && result)
        *result = r[0].of.i32;
    return rc;
}

static int32_t
call_i32(sl_instance_t *inst, const char *name, int32_t arg)
{
    int32_t result;
    sl_trap_t trap;
    int rc = call(inst, name, 1, &arg, &result, &trap);
    ck_assert_msg(rc == 0, "%s trapped: %s", name, trap.message);
    return result;
}

static const char grow_wat[] =
    "(module (memory 1)"
    " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    " (func (export \"size\") (param i32) (result i32) (memory.size)))";

/* ---- memory limits --------------------------------------------------------------------------- */

START_TEST(test_limits_memory_grow_past_store_limit_returns_minus_one)
{
    sl_store_set_limits(store, &(sl_store_limits_t){.max_memory = 4 * PAGE});
    sl_instance_t *inst = instantiate(grow_wat);
    ck_assert_uint_eq(sl_store_memory_committed(store), PAGE);
    ck_assert_int_eq(call_i32(inst, "grow", 4), -1); /* 5 pages: one too many */
    ck_assert_int_eq(call_i32(inst, "grow", 3), 1);
    ck_assert_int_eq(call_i32(inst, "grow", 1), -1);
    ck_assert_int_eq(call_i32(inst, "grow", 0), 4);
    ck_assert_int_eq(call_i32(inst, "size", 0), 4);
    ck_assert_uint_eq(sl_store_memory_committed(store), 4 * PAGE);
    ck_assert_uint_eq(sl_engine_memory_committed(engine), 4 * PAGE);
    ck_assert_uint_eq(sl_instance_memory_grown(inst), 3 * PAGE);

    /* A host memory is charged to the same store. */
    sl_memory_t *mem;
    ck_assert_int_eq(sl_memory_new(store, 1, UINT32_MAX, &mem), SL_ELIMIT);
    sl_store_set_limits(store, &(sl_store_limits_t){0}); /* none */
    ck_assert_int_eq(sl_memory_new(store, 1, UINT32_MAX, &mem), 0);
    ck_assert_uint_eq(sl_store_memory_committed(store), 5 * PAGE);
}
END_TEST

START_TEST(test_limits_initial_memory_over_limit_is_refused)
{
    sl_store_set_limits(store, &(sl_store_limits_t){.max_memory = 2 * PAGE});
    instantiate_in(store, "(module (memory 3))", SL_ELIMIT,
                   "memory of 3 pages (196608 bytes) is over the store's limit of 131072 bytes");
    ck_assert_uint_eq(sl_store_memory_committed(store), 0);
    instantiate_in(store, "(module (memory 2))", 0, NULL); /* exactly the limit */
    ck_assert_uint_eq(sl_store_memory_committed(store), 2 * PAGE);
}
END_TEST

START_TEST(test_limits_engine_budget_is_shared_by_stores)
{
    sl_engine_set_memory_budget(engine, 4 * PAGE);
    sl_instance_t *a = instantiate(grow_wat);
    ck_assert_int_eq(call_i32(a, "grow", 2), 1); /* 3 pages */
    sl_store_t *other;
    ck_assert_int_eq(sl_store_new(engine, &other), 0);
    instantiate_in(other, "(module (memory 2))", SL_ELIMIT,
                   "memory of 2 pages (131072 bytes) is over the engine's budget of 262144 bytes");
    sl_instance_t *b = instantiate_in(other, grow_wat, 0, NULL); /* the last page */
    ck_assert_uint_eq(sl_engine_memory_committed(engine), 4 * PAGE);
    ck_assert_int_eq(call_i32(a, "grow", 1), -1);
    ck_assert_int_eq(call_i32(b, "grow", 1), -1);
    sl_store_free(store); /* gives its 3 pages back */
    store = NULL;
    ck_assert_uint_eq(sl_engine_memory_committed(engine), PAGE);
    ck_assert_int_eq(call_i32(b, "grow", 3), 1);
    ck_assert_int_eq(call_i32(b, "grow", 1), -1);
    sl_store_free(other);
    ck_assert_uint_eq(sl_engine_memory_committed(engine), 0);
}
END_TEST

/* Stores on several threads growing at once never pass the budget together, and every page
 * comes back when they go. */
enum { N_GROWERS = 4, BUDGET_PAGES = 64 };

typedef struct grower {
    sl_store_t *store;
    sl_instance_t *instance;
    int granted; /* pages its memory got */
} grower_t;

static void *
grower_main(void *arg)
{
    grower_t *g = arg;
    for (int i = 0; i < 4 * BUDGET_PAGES; i++)
        if (call_i32(g->instance, "grow", 1) >= 0)
            g->granted++;
    return NULL;
}

START_TEST(test_limits_engine_budget_holds_across_threads)
{
    sl_engine_set_memory_budget(engine, BUDGET_PAGES * PAGE);
    grower_t growers[N_GROWERS];
    for (int i = 0; i < N_GROWERS; i++) {
        ck_assert_int_eq(sl_store_new(engine, &growers[i].store), 0);
        growers[i].instance = instantiate_in(growers[i].store, grow_wat, 0, NULL);
        growers[i].granted = 1; /* its initial page */
    }
    pthread_t threads[N_GROWERS];
    for (int i = 0; i < N_GROWERS; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, grower_main, &growers[i]), 0);
    int total = 0;
    for (int i = 0; i < N_GROWERS; i++) {
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        total += growers[i].granted;
        ck_assert_uint_eq(sl_store_memory_committed(growers[i].store),
                          (uint64_t)growers[i].granted * PAGE);
    }
    ck_assert_int_eq(total, BUDGET_PAGES);
    ck_assert_uint_eq(sl_engine_memory_committed(engine), (uint64_t)BUDGET_PAGES * PAGE);
    for (int i = 0; i < N_GROWERS; i++)
        sl_store_free(growers[i].store);
    ck_assert_uint_eq(sl_engine_memory_committed(engine), 0);
}
END_TEST

START_TEST(test_limits_table_grow_past_store_limit_returns_minus_one)
{
    sl_store_set_limits(store, &(sl_store_limits_t){.max_table_elems = 10});
    sl_instance_t *inst = instantiate(
        "(module (table $t 4 funcref)"
        " (func (export \"grow\") (param i32) (result i32)"
        "   (table.grow $t (ref.null func) (local.get 0))))");
    ck_assert_int_eq(call_i32(inst, "grow", 7), -1);
    ck_assert_int_eq(call_i32(inst, "grow", 6), 4);
    ck_assert_int_eq(call_i32(inst, "grow", 1), -1);
    instantiate_in(store, "(module (table 11 funcref))", SL_ELIMIT,
                   "table 0 of 11 elements is over the limit of 10 elements");
}
END_TEST

/* ---- deadlines inside bulk operations -------------------------------------------------------- */

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The probe's reproduction, at 1 GiB: grow, then fill it all with a 100 ms deadline. The fill
 * alone takes seconds; it must end "interrupted" soon after the deadline. */
START_TEST(test_limits_long_fill_ends_at_the_deadline)
{
    sl_instance_t *inst = instantiate(
        "(module (memory 1)"
        " (func (export \"grow_and_fill\") (param i32) (result i32)"
        "   (if (i32.lt_s (memory.grow (local.get 0)) (i32.const 0))"
        "     (then (return (i32.const -1))))"
        "   (memory.fill (i32.const 0) (i32.const 0xab)"
        "     (i32.mul (memory.size) (i32.const 65536)))"
        "   (i32.const 0)))");
    ck_assert_int_eq(sl_store_set_deadline(store, 100 * 1000000ull), 0);
    int32_t pages = 16383, result = 1; /* 1 GiB in all, the most an i32 byte count holds */
    sl_trap_t trap;
    double t0 = now_s();
    int rc = call(inst, "grow_and_fill", 1, &pages, &result, &trap);
    double took = now_s() - t0;
    ck_assert_msg(rc == SL_ETRAP, "the fill ran to the end (%d, %d) in %.3f s", rc, result, took);
    ck_assert_str_eq(trap.message, "interrupted");
    ck_assert_msg(took < 2.0, "the fill stopped %.3f s after it began", took);
}
END_TEST

/* Each bulk builtin looks at the interrupt before its work: a host function interrupts the
 * store, then the operation runs with no loop or call in between that would check. */
static sl_store_t *interrupted_store;

static int
interrupt_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)env;
    (void)args;
    (void)results;
    sl_store_interrupt(interrupted_store);
    return 0;
}

static const char *const bulk_ops[] = {
    "(memory.fill (i32.const 0) (i32.const 1) (i32.const 100))",
    "(memory.copy (i32.const 0) (i32.const 100) (i32.const 100))",
    "(memory.init $d (i32.const 0) (i32.const 0) (i32.const 4))",
    "(table.fill $t (i32.const 0) (ref.func $f) (i32.const 8))",
    "(table.copy $t $t (i32.const 0) (i32.const 4) (i32.const 4))",
    "(table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))",
};

START_TEST(test_limits_bulk_operations_check_the_interrupt)
{
    char wat[1024];
    snprintf(wat, sizeof wat,
             "(module (import \"host\" \"interrupt\" (func $interrupt))"
             " (memory 1) (table $t 16 funcref)"
             " (data $d \"abcd\") (elem $e func $f $f)"
             " (func $f)"
             " (func (export \"run\") (call $interrupt) %s))",
             bulk_ops[_i]);
    sl_error_t err;
    sl_module_t *m = compile_wat(engine, wat, &err);
    ck_assert_msg(m != NULL, "compile: %s", err.message);
    sl_func_t *host;
    ck_assert_int_eq(sl_func_new_host(store, NULL, 0, NULL, 0, interrupt_cb, NULL, &host), 0);
    interrupted_store = store;
    sl_extern_t import = {.kind = SL_EXTERN_FUNC, .of.func = host};
    sl_instance_t *inst;
    sl_trap_t trap;
    ck_assert_int_eq(sl_instance_new(store, m, &import, 1, &inst, &err, &trap), 0);
    sl_module_unref(m);
    int rc = call(inst, "run", 0, NULL, NULL, &trap);
    ck_assert_msg(rc == SL_ETRAP, "%s ran on after the interrupt", bulk_ops[_i]);
    ck_assert_str_eq(trap.message, "interrupted");
    /* The interrupt was taken: the next call runs. */
    ck_assert_int_eq(sl_store_set_deadline(store, 0), 0);
    interrupted_store = NULL;
}
END_TEST

/* ---- chunked copies keep the spec's overlap semantics ---------------------------------------- */

/* memory.copy of 3 MiB (several chunks) between ranges 300 KiB apart, both ways round, against
 * memmove on a copy of the bytes. */
START_TEST(test_limits_chunked_memory_copy_overlaps_correctly)
{
    sl_instance_t *inst = instantiate(
        "(module (memory (export \"mem\") 64)"
        " (func (export \"copy\") (param i32 i32 i32)"
        "   (memory.copy (local.get 0) (local.get 1) (local.get 2))))");
    sl_extern_t mem = export_of(inst, "mem", SL_EXTERN_MEMORY);
    uint64_t size;
    uint8_t *data = sl_memory_data(mem.of.memory, &size);
    ck_assert_uint_eq(size, 64 * PAGE);
    uint8_t *want = malloc(size);
    ck_assert_ptr_nonnull(want);
    for (uint64_t i = 0; i < size; i++)
        data[i] = (uint8_t)(i * 7 + i / 251);
    memcpy(want, data, size);
    const int32_t shift = 300 * 1024, n = 3 * 1024 * 1024;
    const int32_t cases[][3] = {{shift, 0, n}, {0, shift, n}};
    for (size_t c = 0; c < 2; c++) {
        sl_trap_t trap;
        ck_assert_int_eq(call(inst, "copy", 3, cases[c], NULL, &trap), 0);
        memmove(want + cases[c][0], want + cases[c][1], (size_t)cases[c][2]);
        ck_assert_msg(memcmp(data, want, size) == 0, "copy %d <- %d went wrong", cases[c][0],
                      cases[c][1]);
    }
    free(want);
}
END_TEST

/* table.copy of 200000 elements (several chunks) 50000 apart, both ways round. */
START_TEST(test_limits_chunked_table_copy_overlaps_correctly)
{
    enum { SIZE = 300000, HALF = 100000, SHIFT = 50000, N = 200000 };
    sl_instance_t *inst = instantiate(
        "(module (table $t (export \"t\") 300000 funcref)"
        " (func $f0) (func $f1) (elem declare func $f0 $f1)"
        " (func (export \"init\")"
        "   (table.fill $t (i32.const 0) (ref.func $f0) (i32.const 100000))"
        "   (table.fill $t (i32.const 100000) (ref.func $f1) (i32.const 100000))"
        "   (table.fill $t (i32.const 200000) (ref.null func) (i32.const 100000)))"
        " (func (export \"copy\") (param i32 i32 i32)"
        "   (table.copy $t $t (local.get 0) (local.get 1) (local.get 2))))");
    sl_table_t *t = export_of(inst, "t", SL_EXTERN_TABLE).of.table;
    const int32_t cases[][3] = {{SHIFT, 0, N}, {0, SHIFT, N}};
    for (size_t c = 0; c < 2; c++) {
        sl_trap_t trap;
        ck_assert_int_eq(call(inst, "init", 0, NULL, NULL, &trap), 0);
        sl_value_t v;
        ck_assert_int_eq(sl_table_get(t, 0, &v), 0);
        sl_func_t *f0 = v.of.funcref;
        ck_assert_int_eq(sl_table_get(t, HALF, &v), 0);
        sl_func_t *f1 = v.of.funcref;
        static sl_func_t *want[SIZE];
        for (uint32_t i = 0; i < SIZE; i++)
            want[i] = i < HALF ? f0 : i < 2 * HALF ? f1 : NULL;
        memmove(want + cases[c][0], want + cases[c][1], (size_t)cases[c][2] * sizeof *want);
        ck_assert_int_eq(call(inst, "copy", 3, cases[c], NULL, &trap), 0);
        for (uint32_t i = 0; i < SIZE; i++) {
            ck_assert_int_eq(sl_table_get(t, i, &v), 0);
            ck_assert_msg(v.of.funcref == want[i], "copy %d <- %d: element %u", cases[c][0],
                          cases[c][1], i);
        }
    }
}
END_TEST

Suite *
limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("memory");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_limits_memory_grow_past_store_limit_returns_minus_one);
    tcase_add_test(tc, test_limits_initial_memory_over_limit_is_refused);
    tcase_add_test(tc, test_limits_engine_budget_is_shared_by_stores);
    tcase_add_test(tc, test_limits_engine_budget_holds_across_threads);
    tcase_add_test(tc, test_limits_table_grow_past_store_limit_returns_minus_one);
    suite_add_tcase(s, tc);

    tc = tcase_create("deadlines");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_limits_long_fill_ends_at_the_deadline);
    tcase_add_loop_test(tc, test_limits_bulk_operations_check_the_interrupt, 0,
                        (int)(sizeof bulk_ops / sizeof bulk_ops[0]));
    tcase_add_test(tc, test_limits_chunked_memory_copy_overlaps_correctly);
    tcase_add_test(tc, test_limits_chunked_table_copy_overlaps_correctly);
    suite_add_tcase(s, tc);
    return s;
}
