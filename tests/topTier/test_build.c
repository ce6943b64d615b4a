/* The wasm → IR builder (engine/topTier/build.c): exact IR of small bodies, every function of the
 * core spec suite built, verified, run through the pipeline and printed back the same, and JIT
 * bombs whose IR stays within a linear bound of the body's size. */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "pipeline.h"
#include "spec_files.h"
#include "toptier.h"
#include "suite.h"
#include "wat.h"

/* Decodes a module; NULL if it does not decode (the spec's invalid modules). */
static sl_module_t *
decode(const uint8_t *bytes, size_t size)
{
    sl_module_t *m = NULL;
    sl_error_t err;
    if (sl_module_decode(bytes, size, NULL, &m, &err) != 0)
        return NULL;
    return m;
}

static sl_module_t *
decode_wat(const char *wat)
{
    char why[512];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes, "wat2wasm: %s", why);
    sl_module_t *m = decode(bytes, size);
    free(bytes);
    ck_assert_ptr_nonnull(m);
    return m;
}

static char *
print_text(const ir_func_t *f)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(ir_print(f, out), 0);
    fclose(out);
    return text;
}

/* Builds function `func` and checks what every built function must satisfy: the verifier, the
 * text reading back to the same text, and the whole pipeline (inlining from m included) with the
 * verifier after each pass. */
static void
build_checked(const sl_module_t *m, uint32_t func, const char *where, ir_func_t **out,
              arena_t *arena)
{
    sl_limits_t limits;
    sl_limits_init(&limits);
    body_validator_t *v = NULL;
    ck_assert_int_eq(body_validator_new(&limits, &v), 0);
    sl_error_t err = {0};
    ir_func_t *f = NULL;
    int rc = ir_build(v, arena, m, func, &f, &err);
    body_validator_free(v);
    ck_assert_msg(rc == 0, "%s: function %u: %s", where, func, err.message);
    ck_assert_msg(ir_verify(f, &err) == 0, "%s: function %u: %s", where, func, err.message);

    char *text = print_text(f);
    ir_func_t *back = NULL;
    arena_t parse_arena;
    arena_init(&parse_arena, 0);
    ck_assert_msg(ir_parse(&parse_arena, text, strlen(text), &back, &err) == 0,
                  "%s: function %u: %s in\n%s", where, func, err.message, text);
    char *again = print_text(back);
    ck_assert_msg(strcmp(text, again) == 0, "%s: function %u: printed\n%s\nread back as\n%s",
                  where, func, text, again);
    pipeline_env_t env; /* the whole pipeline, inlining callees from m */
    pipeline_env_init(&env, m);
    ck_assert_msg(pipeline_run_env(back, &env, NULL, true, &err) == 0, "%s: function %u: %s",
                  where, func, err.message);
    free(again);
    free(text);
    arena_fini(&parse_arena);
    *out = f;
}

/* The builder's text of function `func` of `wat`, malloc'd. */
static char *
built_text(const char *wat, uint32_t func)
{
    sl_module_t *m = decode_wat(wat);
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f;
    build_checked(m, func, "wat", &f, &arena);
    char *text = print_text(f);
    arena_fini(&arena);
    sl_module_unref(m);
    return text;
}

static void
assert_ir(const char *wat, uint32_t func, const char *want)
{
    char *got = built_text(wat, func);
    ck_assert_msg(strcmp(got, want) == 0, "got\n%s\nwant\n%s", got, want);
    free(got);
}

/* ---- exact IR ------------------------------------------------------------------------------ */

START_TEST(test_build_loop_carries_a_local)
{
    assert_ir("(module (func (param i32) (result i32) (local i32)\n"
              "  (loop $l\n"
              "    (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
              "    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
              "    (br_if $l (local.get 0)))\n"
              "  (local.get 1)))",
              0,
              "func f0(i32) -> (i32) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    v10:i32 = const 0\n"
              "    jump block1(v10, v1)\n"
              "block1(v5:i32, v6:i32):\n"
              "    poll\n"
              "    v7:i32 = i32.add v5, v6\n"
              "    v8:i32 = const 1\n"
              "    v9:i32 = i32.sub v6, v8\n"
              "    br_if v9, block1(v7, v9), block2()\n"
              "block2:\n"
              "    return v7\n"
              "}\n");
}
END_TEST

START_TEST(test_build_if_else_value)
{
    assert_ir("(module (func (param i32) (result i32)\n"
              "  (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))",
              0,
              "func f0(i32) -> (i32) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    br_if v1, block1(), block2()\n"
              "block1:\n"
              "    v4:i32 = const 1\n"
              "    jump block3(v4)\n"
              "block2:\n"
              "    v6:i32 = const 2\n"
              "    jump block3(v6)\n"
              "block3(v5:i32):\n"
              "    return v5\n"
              "}\n");
}
END_TEST

START_TEST(test_build_br_table)
{
    /* one stub block per distinct label, whatever the number of entries */
    assert_ir("(module (func (param i32) (result i32)\n"
              "  (block $a (block $b (br_table $a $b $a $a (local.get 0)))\n"
              "    (return (i32.const 1)))\n"
              "  (i32.const 2)))",
              0,
              "func f0(i32) -> (i32) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    br_table v1, block1(), block2(), block1(), block1()\n"
              "block1:\n"
              "    jump block3()\n"
              "block2:\n"
              "    jump block4()\n"
              "block4:\n"
              "    v4:i32 = const 1\n"
              "    return v4\n"
              "block3:\n"
              "    v5:i32 = const 2\n"
              "    return v5\n"
              "}\n");
}
END_TEST

START_TEST(test_build_multi_value_block)
{
    assert_ir("(module (func (param i32) (result i32 i64)\n"
              "  (block (result i32 i64) (i32.const 1) (i64.const 2) (br_if 0 (local.get 0))\n"
              "    (drop) (drop) (i32.const 3) (i64.const 4))))",
              0,
              "func f0(i32) -> (i32, i64) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    v4:i32 = const 1\n"
              "    v5:i64 = const 2\n"
              "    br_if v1, block1(v4, v5), block2()\n"
              "block2:\n"
              "    v8:i32 = const 3\n"
              "    v9:i64 = const 4\n"
              "    jump block1(v8, v9)\n"
              "block1(v6:i32, v7:i64):\n"
              "    return v6, v7\n"
              "}\n");
}
END_TEST

START_TEST(test_build_call_two_results)
{
    assert_ir("(module (import \"m\" \"g\" (func $g))\n"
              "  (func $two (param i32) (result i32 i64) (local.get 0) (i64.const 2))\n"
              "  (func (param i32) (result i64) (local i64) (call $g)\n"
              "    (call $two (local.get 0)) (local.set 1) (drop) (local.get 1)))",
              2,
              "func f2(i32) -> (i64) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    call_import 0()\n"
              "    v5:tuple = call 1(v1)\n"
              "    v6:i32 = proj v5, 0\n"
              "    v7:i64 = proj v5, 1\n"
              "    return v7\n"
              "}\n");
}
END_TEST

START_TEST(test_build_load_offset)
{
    assert_ir("(module (memory 1) (func (param i32) (result i32)\n"
              "  (i32.store offset=8 (local.get 0) (i32.load offset=16 (local.get 0)))\n"
              "  (memory.grow (i32.const 1))))",
              0,
              "func f0(i32) -> (i32) {\n"
              "block0(v1:i32):\n"
              "    stack_check\n"
              "    poll\n"
              "    v4:i32 = i32.load [v1 + 16]\n"
              "    i32.store [v1 + 8], v4\n"
              "    v6:i32 = const 1\n"
              "    v7:i32 = memory.grow v6\n"
              "    return v7\n"
              "}\n");
}
END_TEST

/* ---- every function of the spec suite -------------------------------------------------------- */

static char **wast_files;
static size_t n_wast_files;

START_TEST(test_build_spec_module)
{
    ck_assert_msg(wast_files && n_wast_files > 0,
                  "no spec files: SL_SPEC_DIR must name the folder of .wast files");
    const char *name = wast_files[_i];
    spec_conversion_t conv;
    char why[512];
    ck_assert_msg(spec_convert(name, &conv, why, sizeof why) == 0, "%s: %s", name, why);
    for (size_t i = 0; i < conv.n_wasm; i++) {
        size_t size;
        uint8_t *bytes = spec_read_file(conv.wasm[i], &size);
        ck_assert_ptr_nonnull(bytes);
        sl_module_t *m = decode(bytes, size);
        const char *base = strrchr(conv.wasm[i], '/') + 1;
        for (uint32_t func = m ? sl_module_n_imported_functions(m) : 0;
             m && func < sl_module_n_functions(m); func++) {
            arena_t arena;
            arena_init(&arena, 0);
            ir_func_t *f;
            build_checked(m, func, base, &f, &arena);
            arena_fini(&arena);
        }
        sl_module_unref(m);
        free(bytes);
    }
    spec_conversion_free(&conv);
}
END_TEST

/* ---- JIT bombs ------------------------------------------------------------------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes_t;

static void
put(bytes_t *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void
put_byte(bytes_t *b, uint8_t x)
{
    put(b, &x, 1);
}

static void
put_u32(bytes_t *b, uint32_t x)
{
    do {
        uint8_t byte = x & 0x7f;
        x >>= 7;
        put_byte(b, byte | (x ? 0x80 : 0));
    } while (x);
}

static void
put_section(bytes_t *m, uint8_t id, const bytes_t *content)
{
    put_byte(m, id);
    put_u32(m, (uint32_t)content->n);
    put(m, content->p, content->n);
}

/* A module of one function (i32) -> () with `n_locals` i32 locals and the body `code` (its
 * final end included). */
static sl_module_t *
bomb_module(uint32_t n_locals, const bytes_t *code, uint32_t *body_size)
{
    static const uint8_t header[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    static const uint8_t types[] = {0x01, 0x60, 0x01, 0x7f, 0x00};
    static const uint8_t funcs[] = {0x01, 0x00};
    bytes_t m = {0}, sec = {0}, body = {0};
    put(&m, header, sizeof header);
    put_section(&m, 1, &(bytes_t){(uint8_t *)types, sizeof types, 0});
    put_section(&m, 3, &(bytes_t){(uint8_t *)funcs, sizeof funcs, 0});
    put_u32(&body, 1); /* one group of locals */
    put_u32(&body, n_locals);
    put_byte(&body, 0x7f);
    put(&body, code->p, code->n);
    put_u32(&sec, 1);
    put_u32(&sec, (uint32_t)body.n);
    put(&sec, body.p, body.n);
    put_section(&m, 10, &sec);
    *body_size = (uint32_t)body.n;
    sl_module_t *module = decode(m.p, m.n);
    ck_assert_ptr_nonnull(module);
    free(m.p);
    free(sec.p);
    free(body.p);
    return module;
}

typedef struct ir_size {
    uint64_t insns, params, edge_args, blocks;
} ir_size_t;

static ir_size_t
measure(const ir_func_t *f)
{
    ir_size_t s = {.edge_args = ir_edge_args(f), .blocks = f->n_layout};
    for (uint32_t i = 0; i < f->n_layout; i++) {
        s.params += ir_block(f, f->layout[i])->n_params;
        IR_FOREACH_INSN(f, f->layout[i], r)
            s.insns++;
    }
    return s;
}

/* The documented bound (docs/ARCHITECTURE.md): what the builder makes, insns + block parameters
 * + edge arguments, is at most 4 per body byte plus a constant on these bodies. */
static void
assert_linear(const ir_func_t *f, uint32_t body_size)
{
    ir_size_t s = measure(f);
    ck_assert_msg(s.insns + s.params + s.edge_args <= 4ull * body_size + 64,
                  "%llu insns, %llu params, %llu edge arguments for %u body bytes",
                  (unsigned long long)s.insns, (unsigned long long)s.params,
                  (unsigned long long)s.edge_args, body_size);
}

/* The whole top tier on a bomb: it compiles it into code of a size linear in the body's, or
 * declines with SL_ELIMIT (past one of its bounds, never past its 64 MiB arena); either way
 * it ends, which the test's timeout checks. Returns the code size, 0 when declined. */
static uint32_t
compile_bomb(const sl_module_t *m, uint32_t body_size)
{
    sl_limits_t limits;
    sl_limits_init(&limits);
    toptier_t *t;
    ck_assert_int_eq(toptier_new(&limits, false, &t), 0);
    compiled_code_t code = {0};
    sl_error_t err = {.func_index = SL_NO_INDEX};
    int rc = toptier_compile(t, m, 0, &code, &err);
    ck_assert_msg(rc == 0 || rc == SL_ELIMIT, "top tier: %s (%d)", err.message, rc);
    if (rc == 0)
        ck_assert_msg(code.code_size <= 64ull * body_size + 4096, "%u code bytes for %u body bytes",
                      code.code_size, body_size);
    toptier_free(t);
    return rc == 0 ? code.code_size : 0;
}

static void
build_bomb(uint32_t n_locals, bytes_t *code, ir_size_t *size)
{
    uint32_t body_size;
    sl_module_t *m = bomb_module(n_locals, code, &body_size);
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f;
    build_checked(m, 0, "bomb", &f, &arena);
    assert_linear(f, body_size);
    *size = measure(f);
    arena_fini(&arena);
    compile_bomb(m, body_size);
    sl_module_unref(m);
    free(code->p);
}

START_TEST(test_build_bomb_locals_and_nesting)
{
    /* 50,000 locals, 10,000 nested blocks each left by a br_if, a few locals set innermost and
     * read after every join: only read locals get parameters, and only at joins. */
    enum { DEPTH = 10000, SETS = 3 };
    bytes_t c = {0};
    for (uint32_t i = 0; i < DEPTH; i++) {
        static const uint8_t open[] = {0x02, 0x40, 0x20, 0x00, 0x0d, 0x00}; /* block br_if 0 */
        put(&c, open, sizeof open);
    }
    for (uint32_t k = 1; k <= SETS; k++) {
        put_byte(&c, 0x20), put_u32(&c, 0);         /* local.get 0 */
        put_byte(&c, 0x21), put_u32(&c, 49000 + k); /* local.set */
    }
    for (uint32_t i = 0; i < DEPTH; i++)
        put_byte(&c, 0x0b);
    for (uint32_t k = 1; k <= SETS; k++) {
        put_byte(&c, 0x20), put_u32(&c, 49000 + k); /* local.get; drop */
        put_byte(&c, 0x1a);
    }
    put_byte(&c, 0x0b);
    ir_size_t s;
    build_bomb(49999, &c, &s); /* with the parameter, the default limit of 50,000 */
    ck_assert_uint_le(s.params, (uint64_t)SETS * DEPTH + 1);
}
END_TEST

START_TEST(test_build_bomb_deep_read_is_a_limit)
{
    /* a read through 90,000 nested joins would recurse that deep: SL_ELIMIT, not a crash */
    enum { DEPTH = 90000 };
    bytes_t c = {0};
    for (uint32_t i = 0; i < DEPTH; i++) {
        static const uint8_t open[] = {0x02, 0x40, 0x20, 0x00, 0x0d, 0x00}; /* block br_if 0 */
        put(&c, open, sizeof open);
    }
    static const uint8_t set[] = {0x41, 0x07, 0x21, 0x01}; /* local.set 1 (i32.const 7) */
    put(&c, set, sizeof set);
    for (uint32_t i = 0; i < DEPTH; i++)
        put_byte(&c, 0x0b);
    static const uint8_t tail[] = {0x20, 0x01, 0x1a, 0x0b}; /* local.get 1, drop, end */
    put(&c, tail, sizeof tail);
    uint32_t body_size;
    sl_module_t *m = bomb_module(1, &c, &body_size);
    sl_limits_t limits;
    sl_limits_init(&limits);
    body_validator_t *v = NULL;
    ck_assert_int_eq(body_validator_new(&limits, &v), 0);
    arena_t arena;
    arena_init(&arena, 0);
    ir_func_t *f = NULL;
    sl_error_t err = {0};
    ck_assert_int_eq(ir_build(v, &arena, m, 0, &f, &err), SL_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "too many nested joins"));
    arena_fini(&arena);
    body_validator_free(v);
    sl_module_unref(m);
    free(c.p);
}
END_TEST

START_TEST(test_build_bomb_br_table)
{
    /* a br_table as long as the default limit (65,520 entries) over three labels: one stub block
     * per label */
    enum { ENTRIES = 65520 };
    bytes_t c = {0};
    static const uint8_t open[] = {0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0e};
    put(&c, open, sizeof open);
    put_u32(&c, ENTRIES);
    for (uint32_t i = 0; i < ENTRIES; i++)
        put_byte(&c, (uint8_t)(i % 3));
    put_byte(&c, 0x00);
    static const uint8_t close[] = {0x0b, 0x0b, 0x0b, 0x0b};
    put(&c, close, sizeof close);
    ir_size_t s;
    build_bomb(0, &c, &s);
    ck_assert_uint_le(s.blocks, 8);
    ck_assert_uint_eq(s.edge_args, 0);
}
END_TEST

START_TEST(test_build_bomb_same_value)
{
    /* 10,000 nested loops around a long chain that passes local 0 around unchanged: every loop
     * header's parameter for it is trivial and goes, so no block has a parameter. */
    enum { DEPTH = 10000, CHAIN = 50000 };
    bytes_t c = {0};
    for (uint32_t i = 0; i < DEPTH; i++) {
        static const uint8_t open[] = {0x03, 0x40, 0x20, 0x00, 0x21, 0x01}; /* loop l1 = l0 */
        put(&c, open, sizeof open);
    }
    for (uint32_t i = 0; i < CHAIN; i++) {
        static const uint8_t step[] = {0x20, 0x01, 0x21, 0x00}; /* l0 = l1 */
        put(&c, step, sizeof step);
    }
    static const uint8_t tail[] = {0x20, 0x00, 0x0d, 0x00}; /* br_if 0 */
    put(&c, tail, sizeof tail);
    for (uint32_t i = 0; i < DEPTH; i++)
        put_byte(&c, 0x0b);
    put_byte(&c, 0x0b);
    ir_size_t s;
    build_bomb(1, &c, &s);
    ck_assert_uint_eq(s.params, 1); /* the function's own */
}
END_TEST

Suite *
build_suite(void)
{
    Suite *suite = suite_create("build");
    TCase *tc = tcase_create("exact");
    tcase_add_test(tc, test_build_loop_carries_a_local);
    tcase_add_test(tc, test_build_if_else_value);
    tcase_add_test(tc, test_build_br_table);
    tcase_add_test(tc, test_build_multi_value_block);
    tcase_add_test(tc, test_build_call_two_results);
    tcase_add_test(tc, test_build_load_offset);
    suite_add_tcase(suite, tc);

    tc = tcase_create("bombs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_build_bomb_locals_and_nesting);
    tcase_add_test(tc, test_build_bomb_br_table);
    tcase_add_test(tc, test_build_bomb_deep_read_is_a_limit);
    tcase_add_test(tc, test_build_bomb_same_value);
    suite_add_tcase(suite, tc);

    tc = tcase_create("spec");
    tcase_set_timeout(tc, 300);
    wast_files = spec_list_wast(&n_wast_files);
    tcase_add_loop_test(tc, test_build_spec_module, 0, n_wast_files ? (int)n_wast_files : 1);
    suite_add_tcase(suite, tc);
    return suite;
}
