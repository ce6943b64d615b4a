/* Inlining (engine/topTier/pass_inline.c) on real modules: the exact IR of small callees spliced
 * into their caller (one result, several, a loop), what stays a call (recursion past the depth
 * limit, a body over the size limit, imports, call_indirect), the limits as options, and the
 * whole pipeline, with the verifier after each pass, on modules full of calls. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "pipeline.h"
#include "suite.h"
#include "wat.h"

static sl_module_t *
decode_wat(const char *wat)
{
    char why[512];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes, "wat2wasm: %s", why);
    sl_module_t *m = NULL;
    sl_error_t err = {0};
    ck_assert_msg(sl_module_decode(bytes, size, NULL, &m, &err) == 0, "%s", err.message);
    free(bytes);
    return m;
}

/* Function `func` of `wat` after `passes` (NULL: the whole pipeline), malloc'd. */
static char *
ir_after(const char *wat, uint32_t func, const char *passes)
{
    sl_module_t *m = decode_wat(wat);
    char *text = NULL;
    sl_error_t err = {0};
    ck_assert_msg(sl_module_ir_text(m, func, passes, &text, &err) == 0, "%s", err.message);
    sl_module_unref(m);
    return text;
}

static unsigned
count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void
assert_text(const char *got, const char *want)
{
    ck_assert_msg(strcmp(got, want) == 0, "got\n%s\nwant\n%s", got, want);
}

START_TEST(test_inline_splices_a_callee)
{
    /* The callee's entry checks go (the caller's frame has them); its return jumps to the
     * continuation, whose parameter is the result. */
    char *text = ir_after("(module\n"
                          "  (func $sq (param i32) (result i32)\n"
                          "    (i32.mul (local.get 0) (local.get 0)))\n"
                          "  (func (param i32) (result i32)\n"
                          "    (i32.add (call $sq (local.get 0)) (i32.const 1))))",
                          1, "inline");
    assert_text(text, "func f1(i32) -> (i32) {\n"
                      "block0(v1:i32):\n"
                      "    stack_check\n"
                      "    poll\n"
                      "    jump block2()\n"
                      "block1(v8:i32):\n"
                      "    v5:i32 = const 1\n"
                      "    v6:i32 = i32.add v8, v5\n"
                      "    return v6\n"
                      "block2:\n"
                      "    v9:i32 = i32.mul v1, v1\n"
                      "    jump block1(v9)\n"
                      "}\n");
    free(text);
}
END_TEST

START_TEST(test_inline_results_and_loops)
{
    /* Two results read through proj become the continuation's two parameters; the callee's loop
     * keeps its poll (the back-edge check); after the pipeline no call is left. */
    char *text = ir_after("(module\n"
                          "  (func $two (param i32) (result i32 i64)\n"
                          "    (local.get 0) (i64.extend_i32_u (local.get 0)))\n"
                          "  (func $count (param i32) (result i32)\n"
                          "    (loop $l\n"
                          "      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
                          "    (local.get 0))\n"
                          "  (func (param i32) (result i64) (local i64)\n"
                          "    (call $two (call $count (local.get 0))) (local.set 1) (drop)\n"
                          "    (call $two (local.get 0)) (drop) (i64.extend_i32_u)\n"
                          "    (local.get 1) (i64.add)))",
                          2, NULL);
    ck_assert_uint_eq(count(text, "call"), 0);
    ck_assert_uint_eq(count(text, "proj"), 0);
    ck_assert_uint_eq(count(text, "poll"), 2); /* the caller's entry and the inlined loop */
    ck_assert_uint_eq(count(text, "stack_check"), 1);
    free(text);
}
END_TEST

START_TEST(test_inline_leaves_what_it_must)
{
    /* $rec calls itself: inlined into the caller and once into that copy (depth 2), then the
     * third level stays a call. $big's body is over the size limit; imports and call_indirect
     * are no candidates. */
    char *text = ir_after("(module\n"
                          "  (import \"m\" \"g\" (func $g (param i32) (result i32)))\n"
                          "  (table 1 funcref)\n"
                          "  (type $t (func (param i32) (result i32)))\n"
                          "  (func $rec (param i32) (result i32)\n"
                          "    (if (result i32) (local.get 0)\n"
                          "      (then (call $rec (i32.sub (local.get 0) (i32.const 1))))\n"
                          "      (else (i32.const 0))))\n"
                          "  (func $big (param i32) (result i32)\n"
                          "    (i32.add (i32.add (i32.add (i32.add (local.get 0)\n"
                          "      (i32.const 100000)) (i32.const 200000)) (i32.const 300000))\n"
                          "      (i32.const 400000))\n"
                          "    (i32.add (i32.const 500000)) (i32.add (i32.const 600000))\n"
                          "    (i32.add (i32.const 700000)) (i32.add (i32.const 800000)))\n"
                          "  (func (param i32) (result i32)\n"
                          "    (i32.add (call $rec (local.get 0)) (call $big (local.get 0)))\n"
                          "    (call $g) (call_indirect (type $t) (i32.const 0))))",
                          3, "inline");
    ck_assert_uint_eq(count(text, "call 1("), 1); /* $rec, third level */
    ck_assert_uint_eq(count(text, "call 2("), 1); /* $big */
    ck_assert_uint_eq(count(text, "call_import 0("), 1);
    ck_assert_uint_eq(count(text, "call_indirect"), 1);
    free(text);
}
END_TEST

START_TEST(test_inline_limits_are_options)
{
    static const char wat[] = "(module\n"
                              "  (func $id (param i32) (result i32) (local.get 0))\n"
                              "  (func $twice (param i32) (result i32)\n"
                              "    (call $id (call $id (local.get 0))))\n"
                              "  (func (param i32) (result i32) (call $twice (local.get 0))))";
    sl_module_t *m = decode_wat(wat);
    sl_limits_t limits;
    sl_limits_init(&limits);
    body_validator_t *v = NULL;
    ck_assert_int_eq(body_validator_new(&limits, &v), 0);
    /* body size limit 0: nothing; depth 1: $twice but not the calls in it; the defaults: all. */
    static const uint32_t max_body[] = {0, 40, 40}, max_depth[] = {2, 1, 2}, n_calls[] = {1, 2, 0};
    for (int i = 0; i < 3; i++) {
        arena_t arena;
        arena_init(&arena, 0);
        ir_func_t *f = NULL;
        sl_error_t err = {0};
        ck_assert_int_eq(ir_build(v, &arena, m, 2, &f, &err), 0);
        pipeline_env_t env;
        pipeline_env_init(&env, m);
        env.inline_max_body = max_body[i];
        env.inline_max_depth = max_depth[i];
        ck_assert_msg(pipeline_run_env(f, &env, "inline", true, &err) == 0, "%s", err.message);
        unsigned n = 0;
        for (uint32_t l = 0; l < f->n_layout; l++)
            IR_FOREACH_INSN(f, f->layout[l], r)
                n += ir_insn(f, r)->op == IR_CALL;
        ck_assert_uint_eq(n, n_calls[i]);
        arena_fini(&arena);
    }
    body_validator_free(v);
    sl_module_unref(m);
}
END_TEST

START_TEST(test_inline_growth_is_bounded)
{
    /* 5,000 calls of a callee of a dozen instructions: inlining stops at twice the caller's
     * size plus 4,096 instructions, and the calls past that stay calls. */
    enum { CALLS = 5000 };
    size_t cap = 256 + 48 * (size_t)CALLS; /* 39 bytes a call */
    char *wat = malloc(cap);
    ck_assert_ptr_nonnull(wat);
    size_t n = (size_t)snprintf(wat, cap, "(module (func $f (param i32) (result i32)\n"
                                "  (i32.add (i32.mul (local.get 0) (i32.const 3))\n"
                                "    (i32.xor (local.get 0) (i32.const 5))))\n"
                                "  (func (param i32) (result i32)\n");
    for (int i = 0; i < CALLS; i++)
        n += (size_t)snprintf(wat + n, cap - n, "(local.set 0 (call $f (local.get 0)))\n");
    snprintf(wat + n, cap - n, "(local.get 0)))");
    sl_module_t *m = decode_wat(wat);
    free(wat);
    sl_limits_t limits;
    sl_limits_init(&limits);
    body_validator_t *v = NULL;
    ck_assert_int_eq(body_validator_new(&limits, &v), 0);
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = NULL;
    sl_error_t err = {0};
    ck_assert_int_eq(ir_build(v, &arena, m, 1, &f, &err), 0);
    uint32_t before = f->n_insns;
    pipeline_env_t env;
    pipeline_env_init(&env, m);
    ck_assert_msg(pipeline_run_env(f, &env, "inline", true, &err) == 0, "%s", err.message);
    unsigned n_calls = 0;
    for (uint32_t l = 0; l < f->n_layout; l++)
        IR_FOREACH_INSN(f, f->layout[l], r)
            n_calls += ir_insn(f, r)->op == IR_CALL;
    ck_assert_uint_le(f->n_insns, 2 * before + 4096 + 64);
    ck_assert_uint_gt(n_calls, 0);
    ck_assert_uint_lt(n_calls, CALLS);
    arena_fini(&arena);
    body_validator_free(v);
    sl_module_unref(m);
}
END_TEST

START_TEST(test_inline_without_a_module_does_nothing)
{
    /* Text IR names callees by index only: nothing to build them from. */
    static const char text[] = "func f(i32) -> (i32) {\n"
                               "block0(v1:i32):\n"
                               "    v2:i32 = call 0(v1)\n"
                               "    return v2\n"
                               "}\n";
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = NULL;
    sl_error_t err = {0};
    ck_assert_int_eq(ir_parse(&arena, text, strlen(text), &f, &err), 0);
    ck_assert_int_eq(pipeline_run(f, "inline", true, &err), 0);
    ck_assert_uint_eq(ir_insn(f, 2)->op, IR_CALL);
    ck_assert_uint_eq(ir_insn(f, 2)->block, 0);
    arena_fini(&arena);
}
END_TEST

Suite *
inline_suite(void)
{
    Suite *s = suite_create("inline");
    TCase *tc = tcase_create("inline");
    tcase_add_test(tc, test_inline_splices_a_callee);
    tcase_add_test(tc, test_inline_results_and_loops);
    tcase_add_test(tc, test_inline_leaves_what_it_must);
    tcase_add_test(tc, test_inline_limits_are_options);
    tcase_add_test(tc, test_inline_growth_is_bounded);
    tcase_add_test(tc, test_inline_without_a_module_does_nothing);
    suite_add_tcase(s, tc);
    return s;
}
