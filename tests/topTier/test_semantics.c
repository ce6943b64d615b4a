/* The passes keep what a function computes: an interpreter of the IR's integer subset (i32 and
 * i64 arithmetic, control flow, memory loads and stores, globals, direct calls of the module's
 * functions, traps) runs every function of every core spec module the builder makes, and the
 * same function after the whole pipeline (inlining included), on the same arguments (edge values
 * and pseudo-random ones); results, trap codes, memory and globals must agree. Functions using
 * what the interpreter lacks (floats, SIMD, references, tables, imports, indirect calls,
 * memory.grow) are counted as skipped, and most of the integer spec functions run. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "pipeline.h"
#include "spec_files.h"
#include "suite.h"

enum { MEM_SIZE = 65536, MAX_GLOBALS = 64, MAX_RESULTS = 16, MAX_DEPTH = 40 };

typedef enum outcome { RAN, TRAPPED, TOO_LONG, UNSUPPORTED } outcome_t;

/* One module's state while a function and its callees run. */
typedef struct world {
    const sl_module_t *m;
    body_validator_t *validator;
    arena_t arena;       /* the callees' IR */
    ir_func_t **callees; /* built on first call, by function index */
    uint8_t mem[MEM_SIZE];
    uint64_t globals[MAX_GLOBALS];
    uint64_t steps, max_steps;
    uint64_t trap;
} world_t;

static outcome_t run(world_t *w, const ir_func_t *f, const uint64_t *args, uint64_t *results,
                     unsigned depth);

static bool
is_int(unsigned t)
{
    return t == IR_T_I32 || t == IR_T_I64;
}

static int64_t
sext(uint64_t x, unsigned bits)
{
    return bits == 64 ? (int64_t)x : (int64_t)(int32_t)(uint32_t)x;
}

static uint64_t
rotl(uint64_t x, unsigned k, unsigned bits)
{
    uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX;
    k %= bits;
    x &= mask;
    return k ? ((x << k) | (x >> (bits - k))) & mask : x;
}

/* Binary and unary integer ops with wasm semantics; false if op is none of them. */
static bool
eval_int(unsigned op, unsigned bits, uint64_t a, uint64_t b, uint64_t *out, uint64_t *trap)
{
    __extension__ typedef unsigned __int128 u128;
    __extension__ typedef __int128 i128;
    uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX;
    int64_t sa = sext(a, bits), sb = sext(b, bits), min = bits == 64 ? INT64_MIN : INT32_MIN;
    a &= mask;
    b &= mask;
    unsigned k = (unsigned)(b % bits);
    uint64_t r;
    switch (op) {
    case IR_I32_EQZ: case IR_I64_EQZ: *out = a == 0; return true;
    case IR_I32_EQ: case IR_I64_EQ: *out = a == b; return true;
    case IR_I32_NE: case IR_I64_NE: *out = a != b; return true;
    case IR_I32_LT_S: case IR_I64_LT_S: *out = sa < sb; return true;
    case IR_I32_LT_U: case IR_I64_LT_U: *out = a < b; return true;
    case IR_I32_GT_S: case IR_I64_GT_S: *out = sa > sb; return true;
    case IR_I32_GT_U: case IR_I64_GT_U: *out = a > b; return true;
    case IR_I32_LE_S: case IR_I64_LE_S: *out = sa <= sb; return true;
    case IR_I32_LE_U: case IR_I64_LE_U: *out = a <= b; return true;
    case IR_I32_GE_S: case IR_I64_GE_S: *out = sa >= sb; return true;
    case IR_I32_GE_U: case IR_I64_GE_U: *out = a >= b; return true;
    case IR_I32_CLZ: case IR_I64_CLZ:
        r = a ? (uint64_t)__builtin_clzll(a) - (64 - bits) : bits;
        break;
    case IR_I32_CTZ: case IR_I64_CTZ: r = a ? (uint64_t)__builtin_ctzll(a) : bits; break;
    case IR_I32_POPCNT: case IR_I64_POPCNT: r = (uint64_t)__builtin_popcountll(a); break;
    case IR_I32_ADD: case IR_I64_ADD: r = a + b; break;
    case IR_I32_SUB: case IR_I64_SUB: r = a - b; break;
    case IR_I32_MUL: case IR_I64_MUL: r = a * b; break;
    case IR_I32_AND: case IR_I64_AND: r = a & b; break;
    case IR_I32_OR: case IR_I64_OR: r = a | b; break;
    case IR_I32_XOR: case IR_I64_XOR: r = a ^ b; break;
    case IR_I32_SHL: case IR_I64_SHL: r = a << k; break;
    case IR_I32_SHR_U: case IR_I64_SHR_U: r = a >> k; break;
    case IR_I32_SHR_S: case IR_I64_SHR_S: r = (uint64_t)(sa >> k); break;
    case IR_I32_ROTL: case IR_I64_ROTL: r = rotl(a, k, bits); break;
    case IR_I32_ROTR: case IR_I64_ROTR: r = rotl(a, bits - k, bits); break;
    case IR_I32_MULH_U: case IR_I64_MULH_U: r = (uint64_t)(((u128)a * b) >> bits); break;
    case IR_I32_MULH_S: case IR_I64_MULH_S: r = (uint64_t)(((i128)sa * sb) >> bits); break;
    case IR_I32_DIV_S: case IR_I64_DIV_S:
    case IR_I32_REM_S: case IR_I64_REM_S:
    case IR_I32_DIV_U: case IR_I64_DIV_U:
    case IR_I32_REM_U: case IR_I64_REM_U: {
        bool is_div = op == IR_I32_DIV_S || op == IR_I64_DIV_S || op == IR_I32_DIV_U ||
                      op == IR_I64_DIV_U;
        bool is_signed = op == IR_I32_DIV_S || op == IR_I64_DIV_S || op == IR_I32_REM_S ||
                         op == IR_I64_REM_S;
        if (b == 0) {
            *trap = SL_TRAP_DIV_ZERO;
            return true;
        }
        if (is_signed && sb == -1) {
            if (is_div && sa == min) {
                *trap = SL_TRAP_INT_OVERFLOW;
                return true;
            }
            r = is_div ? (uint64_t)(0 - a) : 0;
        } else if (is_signed) {
            r = (uint64_t)(is_div ? sa / sb : sa % sb);
        } else {
            r = is_div ? a / b : a % b;
        }
        break;
    }
    case IR_I32_WRAP_I64: r = a; break;
    case IR_I64_EXTEND_I32_S: r = (uint64_t)(int64_t)(int32_t)(uint32_t)a; break;
    case IR_I64_EXTEND_I32_U: r = (uint32_t)a; break;
    case IR_I32_EXTEND8_S: case IR_I64_EXTEND8_S: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_I32_EXTEND16_S: case IR_I64_EXTEND16_S: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_I64_EXTEND32_S: r = (uint64_t)(int64_t)(int32_t)a; break;
    default: return false;
    }
    *out = r;
    return true;
}

/* Loads and stores of the integer types: the bytes, whether the value is sign-extended. */
static bool
mem_shape(unsigned op, unsigned *size, bool *is_signed, bool *is_store)
{
    static const struct {
        uint16_t op;
        uint8_t size, is_signed, is_store;
    } shapes[] = {
        {IR_I32_LOAD, 4, 0, 0},     {IR_I64_LOAD, 8, 0, 0},     {IR_I32_LOAD8_S, 1, 1, 0},
        {IR_I32_LOAD8_U, 1, 0, 0},  {IR_I32_LOAD16_S, 2, 1, 0}, {IR_I32_LOAD16_U, 2, 0, 0},
        {IR_I64_LOAD8_S, 1, 1, 0},  {IR_I64_LOAD8_U, 1, 0, 0},  {IR_I64_LOAD16_S, 2, 1, 0},
        {IR_I64_LOAD16_U, 2, 0, 0}, {IR_I64_LOAD32_S, 4, 1, 0}, {IR_I64_LOAD32_U, 4, 0, 0},
        {IR_I32_STORE, 4, 0, 1},    {IR_I64_STORE, 8, 0, 1},    {IR_I32_STORE8, 1, 0, 1},
        {IR_I32_STORE16, 2, 0, 1},  {IR_I64_STORE8, 1, 0, 1},   {IR_I64_STORE16, 2, 0, 1},
        {IR_I64_STORE32, 4, 0, 1},
    };
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (shapes[i].op == op) {
            *size = shapes[i].size;
            *is_signed = shapes[i].is_signed;
            *is_store = shapes[i].is_store;
            return true;
        }
    }
    return false;
}

static ir_func_t *
callee(world_t *w, uint32_t index)
{
    if (!w->callees[index]) {
        sl_error_t err = {0};
        if (ir_build(w->validator, &w->arena, w->m, index, &w->callees[index], &err) != 0)
            return NULL;
    }
    return w->callees[index];
}

/* One instruction; RAN to go on. */
static outcome_t
step(world_t *w, const ir_func_t *f, ir_insn_t *insn, uint64_t *vals, uint64_t **tuples,
     unsigned depth)
{
    const ir_ref_t *args = ir_args(insn);
    ir_ref_t r = (ir_ref_t)(insn - f->insns);
    unsigned bits = 32;
    if (insn->n_args && ir_insn(f, args[0])->type == IR_T_I64)
        bits = 64;
    uint64_t a = insn->n_args > 0 ? vals[args[0]] : 0, b = insn->n_args > 1 ? vals[args[1]] : 0;
    unsigned size;
    bool is_signed, is_store;
    switch (insn->op) {
    case IR_CONST: vals[r] = insn->imm; return RAN;
    case IR_COPY: vals[r] = a; return RAN;
    case IR_SELECT: vals[r] = (uint32_t)vals[args[2]] ? a : b; return RAN;
    case IR_STACK_CHECK: case IR_POLL: return RAN;
    case IR_TRAPIF:
        if ((uint32_t)a) {
            w->trap = insn->imm;
            return TRAPPED;
        }
        return RAN;
    case IR_GLOBAL_GET:
    case IR_GLOBAL_SET:
        if (insn->imm >= MAX_GLOBALS)
            return UNSUPPORTED;
        if (insn->op == IR_GLOBAL_GET)
            vals[r] = w->globals[insn->imm];
        else
            w->globals[insn->imm] = a;
        return RAN;
    case IR_MEMORY_SIZE: vals[r] = MEM_SIZE / 65536; return RAN;
    case IR_PROJ: vals[r] = tuples[args[0]] ? tuples[args[0]][insn->imm] : 0; return RAN;
    case IR_CALL: {
        ir_func_t *g = insn->imm < w->m->n_funcs ? callee(w, (uint32_t)insn->imm) : NULL;
        if (!g || depth >= MAX_DEPTH || g->n_results > MAX_RESULTS || insn->n_args > 64)
            return g ? TOO_LONG : UNSUPPORTED;
        uint64_t call_args[64], results[MAX_RESULTS];
        for (uint32_t i = 0; i < insn->n_args; i++)
            call_args[i] = vals[args[i]];
        outcome_t o = run(w, g, call_args, results, depth + 1);
        if (o != RAN)
            return o;
        if (insn->type == IR_T_TUPLE) {
            tuples[r] = arena_alloc_array(&w->arena, MAX_RESULTS, sizeof **tuples);
            ck_assert_ptr_nonnull(tuples[r]);
            memcpy(tuples[r], results, sizeof results);
        } else if (g->n_results) {
            vals[r] = results[0];
        }
        return RAN;
    }
    default: break;
    }
    if (ir_op_imm(insn->op) == IR_IMM_MEM && mem_shape(insn->op, &size, &is_signed, &is_store)) {
        uint64_t ea = (uint32_t)a + insn->imm;
        if (ea + size > MEM_SIZE) {
            w->trap = SL_TRAP_MEMORY_OOB;
            return TRAPPED;
        }
        if (is_store) {
            for (unsigned i = 0; i < size; i++)
                w->mem[ea + i] = (uint8_t)(b >> (8 * i));
            return RAN;
        }
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)w->mem[ea + i] << (8 * i);
        if (is_signed && size < 8 && (v >> (8 * size - 1)) & 1)
            v |= UINT64_MAX << (8 * size);
        vals[r] = insn->type == IR_T_I32 ? (uint32_t)v : v;
        return RAN;
    }
    uint64_t out = 0, trap = 0;
    if (!eval_int(insn->op, bits, a, b, &out, &trap))
        return UNSUPPORTED;
    if (trap) {
        w->trap = trap;
        return TRAPPED;
    }
    vals[r] = insn->type == IR_T_I32 ? (uint32_t)out : out;
    return RAN;
}

static bool
is_supported(const ir_func_t *f)
{
    for (uint32_t i = 0; i < f->n_params; i++)
        if (!is_int(f->params[i]))
            return false;
    for (uint32_t i = 0; i < f->n_results; i++)
        if (!is_int(f->results[i]))
            return false;
    return true;
}

static outcome_t
run(world_t *w, const ir_func_t *f, const uint64_t *args, uint64_t *results, unsigned depth)
{
    if (!is_supported(f))
        return UNSUPPORTED;
    uint64_t *vals = calloc(f->n_insns, sizeof *vals);
    uint64_t **tuples = calloc(f->n_insns, sizeof *tuples);
    uint64_t *edge = NULL;
    ck_assert(vals && tuples);
    uint32_t b = f->layout[0];
    for (uint32_t i = 0; i < f->n_params; i++)
        vals[ir_block(f, b)->params[i]] = args[i];
    outcome_t o = RAN;
    for (;;) {
        ir_ref_t r = ir_block(f, b)->first;
        for (; r && !(ir_op_flags(ir_insn(f, r)->op) & IRF_TERM); r = ir_insn(f, r)->next) {
            ir_insn_t *insn = ir_insn(f, r);
            if (++w->steps > w->max_steps) {
                o = TOO_LONG;
                goto out;
            }
            if (insn->type != IR_T_NONE && insn->type != IR_T_TUPLE && !is_int(insn->type)) {
                o = UNSUPPORTED;
                goto out;
            }
            if ((o = step(w, f, insn, vals, tuples, depth)) != RAN)
                goto out;
        }
        ir_insn_t *t = ir_insn(f, r);
        uint64_t c = t->n_args ? vals[ir_args(t)[0]] : 0;
        uint32_t taken;
        switch (t->op) {
        case IR_RETURN:
            for (uint32_t i = 0; i < t->n_args; i++)
                results[i] = vals[ir_args(t)[i]];
            goto out;
        case IR_TRAP: w->trap = t->imm; o = TRAPPED; goto out;
        case IR_JUMP: taken = 0; break;
        case IR_BR_IF: taken = (uint32_t)c ? 0 : 1; break;
        case IR_BR_TABLE:
            taken = (uint32_t)c < t->n_succs - 1 ? (uint32_t)c : t->n_succs - 1;
            break;
        default: o = UNSUPPORTED; goto out;
        }
        /* Block arguments are read before any parameter is written. */
        const ir_succ_t *succ = &t->ext.succs[taken];
        free(edge);
        edge = malloc((succ->n_args + 1) * sizeof *edge);
        ck_assert_ptr_nonnull(edge);
        for (uint32_t i = 0; i < succ->n_args; i++)
            edge[i] = vals[succ->args[i]];
        b = succ->block;
        for (uint32_t i = 0; i < succ->n_args; i++)
            vals[ir_block(f, b)->params[i]] = edge[i];
    }
out:
    free(edge);
    free(vals);
    free(tuples);
    return o;
}

static char **wast_files;
static size_t n_wast_files;

/* Arguments: edge values, then pseudo-random ones. */
static uint64_t
argument(unsigned run_index, unsigned param, unsigned type)
{
    static const uint64_t edges[] = {0, 1, UINT64_MAX, 0x80000000u, 0x7fffffffu, 7, 100,
                                     0x8000000000000000u, 0xffffffffu, 3};
    uint64_t random = (0x9e3779b97f4a7c15u * (run_index * 31 + param + 1)) >> (param % 40);
    uint64_t x = run_index < 10 ? edges[(run_index + param) % 10] : random;
    return type == IR_T_I32 ? (uint32_t)x : x;
}

enum { RUNS = 14 };

/* Runs f (the builder's) and g (optimized) on the same inputs; counts comparisons made. */
static unsigned
compare(world_t *w, const ir_func_t *f, const ir_func_t *g, const char *where, uint32_t func)
{
    static world_t w2;
    unsigned n = 0;
    for (unsigned i = 0; i < RUNS; i++) {
        uint64_t args[64] = {0}, want[MAX_RESULTS] = {0}, got[MAX_RESULTS] = {0};
        for (uint32_t p = 0; p < f->n_params && p < 64; p++)
            args[p] = argument(i, p, f->params[p]);
        memset(w->mem, 0, sizeof w->mem);
        memset(w->globals, 0, sizeof w->globals);
        w->steps = 0;
        w->max_steps = 20000;
        w->trap = 0;
        outcome_t o1 = f->n_params <= 64 ? run(w, f, args, want, 0) : UNSUPPORTED;
        if (o1 == UNSUPPORTED || o1 == TOO_LONG)
            return n;
        /* The same module state for the optimized run (the callees' IR is shared). */
        memcpy(w2.mem, w->mem, sizeof w2.mem);
        memcpy(w2.globals, w->globals, sizeof w2.globals);
        uint64_t trap = w->trap;
        memset(w->mem, 0, sizeof w->mem);
        memset(w->globals, 0, sizeof w->globals);
        w->max_steps = 4 * w->steps + 1000;
        w->steps = 0;
        w->trap = 0;
        outcome_t o2 = run(w, g, args, got, 0);
        ck_assert_msg(o2 != UNSUPPORTED, "%s: function %u: the optimized IR has an op the "
                      "builder's has not", where, func);
        ck_assert_msg(o1 == o2 && trap == w->trap, "%s: function %u, run %u: %s (trap %llu), "
                      "optimized %s (trap %llu)", where, func, i, o1 == RAN ? "ran" : "trapped",
                      (unsigned long long)trap, o2 == RAN ? "ran" : o2 == TRAPPED ? "trapped" :
                      "ran too long", (unsigned long long)w->trap);
        for (uint32_t k = 0; o1 == RAN && k < f->n_results && k < MAX_RESULTS; k++)
            ck_assert_msg(want[k] == got[k], "%s: function %u, run %u: result %u is %llx, "
                          "optimized %llx", where, func, i, k, (unsigned long long)want[k],
                          (unsigned long long)got[k]);
        ck_assert_msg(memcmp(w2.mem, w->mem, sizeof w->mem) == 0, "%s: function %u, run %u: "
                      "memory differs", where, func, i);
        ck_assert_msg(memcmp(w2.globals, w->globals, sizeof w->globals) == 0,
                      "%s: function %u, run %u: globals differ", where, func, i);
        n++;
    }
    return n;
}

static unsigned n_compared, n_functions;

/* Every function of the modules of spec file `name`. */
static void
check_file(const char *name)
{
    spec_conversion_t conv;
    char why[512];
    ck_assert_msg(spec_convert(name, &conv, why, sizeof why) == 0, "%s: %s", name, why);
    static world_t w;
    sl_limits_t limits;
    sl_limits_init(&limits);
    ck_assert_int_eq(body_validator_new(&limits, &w.validator), 0);
    for (size_t i = 0; i < conv.n_wasm; i++) {
        size_t size;
        uint8_t *bytes = spec_read_file(conv.wasm[i], &size);
        ck_assert_ptr_nonnull(bytes);
        sl_module_t *m = NULL;
        sl_error_t err = {0};
        if (sl_module_decode(bytes, size, NULL, &m, &err) != 0) {
            free(bytes);
            continue;
        }
        w.m = m;
        arena_init(&w.arena, 0);
        w.callees = arena_alloc_array(&w.arena, sl_module_n_functions(m) + 1, sizeof *w.callees);
        char base[300];
        snprintf(base, sizeof base, "%s, %s", name, strrchr(conv.wasm[i], '/') + 1);
        for (uint32_t func = sl_module_n_imported_functions(m); func < sl_module_n_functions(m);
             func++) {
            arena_t arena;
            arena_init(&arena, 0);
            ir_func_t *f = NULL, *g = NULL;
            ck_assert_int_eq(ir_build(w.validator, &arena, m, func, &f, &err), 0);
            ck_assert_int_eq(ir_build(w.validator, &arena, m, func, &g, &err), 0);
            pipeline_env_t env;
            pipeline_env_init(&env, m);
            ck_assert_msg(pipeline_run_env(g, &env, NULL, true, &err) == 0, "%s: %s", base,
                          err.message);
            unsigned n = compare(&w, f, g, base, func);
            n_compared += n;
            n_functions += n > 0;
            arena_fini(&arena);
        }
        arena_fini(&w.arena);
        sl_module_unref(m);
        free(bytes);
    }
    body_validator_free(w.validator);
    spec_conversion_free(&conv);
}

/* Every spec file in one test: the counts must see them all. 2,907 functions are in the
 * interpreter's subset today; fewer than 2,000 means the comparison silently stopped. */
START_TEST(test_semantics_pipeline_keeps_results)
{
    ck_assert_msg(wast_files && n_wast_files > 0,
                  "no spec files: SL_SPEC_DIR must name the folder of .wast files");
    for (size_t i = 0; i < n_wast_files; i++)
        check_file(wast_files[i]);
    ck_assert_uint_gt(n_functions, 2000);
    ck_assert_uint_gt(n_compared, 2000 * RUNS / 2);
}
END_TEST

Suite *
semantics_suite(void)
{
    Suite *s = suite_create("semantics");
    TCase *tc = tcase_create("spec");
    tcase_set_timeout(tc, 300);
    wast_files = spec_list_wast(&n_wast_files);
    tcase_add_test(tc, test_semantics_pipeline_keeps_results);
    suite_add_tcase(s, tc);
    return s;
}
