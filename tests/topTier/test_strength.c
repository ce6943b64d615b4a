/* Strength reduction (engine/topTier/pass_strength.c) checked by running what it emits: for each
 * of i32 / i64 mul, div_s, div_u, rem_s, rem_u and many constants c (every small one, powers of
 * two and their neighbours, the extremes, pseudo-random ones of every length), the pass rewrites
 * `x op c`, a small interpreter runs the straight-line result over many x (the edge values
 * around 0, INT_MIN, INT_MAX, UINT_MAX, multiples of c, and pseudo-random ones), and each result
 * must equal C's (wasm's) x op c. Where wasm traps (c = 0, INT_MIN / -1) the division must still
 * be there. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ir.h"
#include "pipeline.h"
#include "suite.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

typedef struct op_case {
    const char *name; /* the op's text */
    unsigned bits;
    char kind; /* '*', '/', '%' */
    bool is_signed;
} op_case_t;

static const op_case_t cases[] = {
    {"i32.mul", 32, '*', false},   {"i32.div_u", 32, '/', false}, {"i32.rem_u", 32, '%', false},
    {"i32.div_s", 32, '/', true},  {"i32.rem_s", 32, '%', true},  {"i64.mul", 64, '*', false},
    {"i64.div_u", 64, '/', false}, {"i64.rem_u", 64, '%', false}, {"i64.div_s", 64, '/', true},
    {"i64.rem_s", 64, '%', true},
};

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct values {
    uint64_t v[4096];
    unsigned n;
} values_t;

static void
add(values_t *s, uint64_t x, unsigned bits)
{
    if (s->n < sizeof s->v / sizeof s->v[0])
        s->v[s->n++] = bits == 64 ? x : (uint32_t)x;
}

/* Constants: small ones and their negations, powers of two and neighbours, extremes, random. */
static void
constants(values_t *s, unsigned bits)
{
    for (uint64_t c = 0; c <= 300; c++) {
        add(s, c, bits);
        add(s, 0 - c, bits);
    }
    for (unsigned k = 0; k < bits; k++) {
        uint64_t p = (uint64_t)1 << k;
        uint64_t more[] = {p, p - 1, p + 1, 0 - p, 0 - p + 1, 0 - p - 1};
        for (unsigned i = 0; i < 6; i++)
            add(s, more[i], bits);
    }
    uint64_t top = (uint64_t)1 << (bits - 1);
    uint64_t extremes[] = {top - 1, top, top + 1, top - 2, UINT64_MAX, UINT64_MAX - 1,
                           0xaaaaaaabu, 0xcccccccdu, 1000000007u, 641, 6700417, 274177,
                           67280421310721u, 0x5555555555555555u, 0xcccccccccccccccdu, 1000000000,
                           10000000000000000000u, 3486784401u, 1162261467u};
    for (unsigned i = 0; i < sizeof extremes / sizeof extremes[0]; i++)
        add(s, extremes[i], bits);
    for (unsigned i = 0; i < 600; i++)
        add(s, next_random() >> (next_random() % bits + (64 - bits)), bits);
}

/* Dividends for constant c. */
static void
dividends(values_t *s, uint64_t c, unsigned bits)
{
    s->n = 0;
    uint64_t top = (uint64_t)1 << (bits - 1);
    uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX;
    uint64_t edges[] = {0, 1, 2, 3, UINT64_MAX, UINT64_MAX - 1, top, top + 1, top - 1, top - 2,
                        c, c - 1, c + 1, 0 - c, 0 - c + 1, 0 - c - 1, 2 * c, 2 * c - 1};
    for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++)
        add(s, edges[i], bits);
    uint64_t uc = c & mask;
    if (uc) {
        /* the largest multiples of c below UINT_MAX and INT_MAX, and the most negative */
        uint64_t lim[] = {mask / uc * uc, (top - 1) / uc * uc};
        for (unsigned i = 0; i < 2; i++)
            for (int d = -1; d <= 1; d++) {
                add(s, lim[i] + (uint64_t)(int64_t)d, bits);
                add(s, 0 - lim[i] + (uint64_t)(int64_t)d, bits);
            }
    }
    for (unsigned k = 0; k < bits; k++) {
        add(s, (uint64_t)1 << k, bits);
        add(s, ((uint64_t)1 << k) - 1, bits);
        add(s, 0 - ((uint64_t)1 << k), bits);
    }
    for (unsigned i = 0; i < 200; i++)
        add(s, next_random() >> (next_random() % bits + (64 - bits)), bits);
}

static int64_t
sext(uint64_t x, unsigned bits)
{
    return bits == 64 ? (int64_t)x : (int64_t)(int32_t)(uint32_t)x;
}

/* wasm's x op c; false where it traps. */
static bool
reference(const op_case_t *oc, uint64_t x, uint64_t c, uint64_t *out)
{
    uint64_t mask = oc->bits == 64 ? UINT64_MAX : UINT32_MAX;
    int64_t sx = sext(x, oc->bits), sc = sext(c, oc->bits);
    int64_t min = oc->bits == 64 ? INT64_MIN : INT32_MIN;
    if (oc->kind == '*') {
        *out = (x * c) & mask;
        return true;
    }
    if (c == 0)
        return false;
    if (!oc->is_signed) {
        *out = oc->kind == '/' ? x / c : x % c;
        return true;
    }
    if (sc == -1) {
        if (oc->kind == '/' && sx == min)
            return false;
        *out = oc->kind == '/' ? (uint64_t)(0 - sx) & mask : 0;
        return true;
    }
    *out = (uint64_t)(oc->kind == '/' ? sx / sc : sx % sc) & mask;
    return true;
}

/* Runs block0 of f, a straight line, with entry parameter x. False if it traps. */
static bool
run(const ir_func_t *f, uint64_t x, uint64_t *out, uint64_t *vals)
{
    const ir_block_t *entry = ir_block(f, 0);
    vals[entry->params[0]] = x;
    IR_FOREACH_INSN(f, 0, r) {
        ir_insn_t *insn = ir_insn(f, r);
        const ir_ref_t *args = ir_args(insn);
        unsigned bits = insn->type == IR_T_I64 ? 64 : 32;
        uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX;
        uint64_t a = insn->n_args > 0 ? vals[args[0]] : 0;
        uint64_t b = insn->n_args > 1 ? vals[args[1]] : 0;
        int64_t sa = sext(a, bits), sb = sext(b, bits);
        unsigned sh = (unsigned)(b % bits);
        uint64_t v;
        switch (insn->op) {
        case IR_CONST: v = insn->imm; break;
        case IR_I32_ADD: case IR_I64_ADD: v = a + b; break;
        case IR_I32_SUB: case IR_I64_SUB: v = a - b; break;
        case IR_I32_MUL: case IR_I64_MUL: v = a * b; break;
        case IR_I32_AND: case IR_I64_AND: v = a & b; break;
        case IR_I32_SHL: case IR_I64_SHL: v = a << sh; break;
        case IR_I32_SHR_U: case IR_I64_SHR_U: v = a >> sh; break;
        case IR_I32_SHR_S: case IR_I64_SHR_S: v = (uint64_t)(sa >> sh); break;
        case IR_I32_GE_U: case IR_I64_GE_U: v = a >= b; break;
        case IR_I64_EXTEND_I32_U: v = (uint32_t)a; break;
        case IR_I32_MULH_U: v = (a * b) >> 32; break;
        case IR_I32_MULH_S: v = (uint64_t)((sa * sb) >> 32); break;
        case IR_I64_MULH_U: v = (uint64_t)(((u128)a * b) >> 64); break;
        case IR_I64_MULH_S: v = (uint64_t)(((i128)sa * sb) >> 64); break;
        case IR_I32_DIV_S: case IR_I64_DIV_S:
        case IR_I32_REM_S: case IR_I64_REM_S:
        case IR_I32_DIV_U: case IR_I64_DIV_U:
        case IR_I32_REM_U: case IR_I64_REM_U: {
            /* left in place: run it as wasm does */
            const op_case_t oc = {"", bits, strstr(ir_op_name(insn->op), "div") ? '/' : '%',
                                  ir_op_name(insn->op)[8] == 's'};
            if (!reference(&oc, a, b, &v))
                return false;
            break;
        }
        case IR_RETURN: *out = a; return true;
        default: ck_abort_msg("the interpreter has no %s", ir_op_name(insn->op)); return false;
        }
        vals[r] = v & mask;
    }
    ck_abort_msg("no return");
    return false;
}

static bool
has_op(const ir_func_t *f, const char *name)
{
    IR_FOREACH_INSN(f, 0, r)
        if (strcmp(ir_op_name(ir_insn(f, r)->op), name) == 0)
            return true;
    return false;
}

START_TEST(test_strength_matches_wasm_for_every_constant)
{
    const op_case_t *oc = &cases[_i];
    const char *type = oc->bits == 64 ? "i64" : "i32";
    static values_t cs, xs;
    static uint64_t vals[4096];
    cs.n = 0;
    constants(&cs, oc->bits);
    for (unsigned i = 0; i < cs.n; i++) {
        uint64_t c = cs.v[i];
        char text[512];
        snprintf(text, sizeof text,
                 "func t(%s) -> (%s) {\nblock0(v1:%s):\n    v2:%s = const %" PRId64 "\n"
                 "    v3:%s = %s v1, v2\n    return v3\n}\n",
                 type, type, type, type, sext(c, oc->bits), type, oc->name);
        arena_t arena;
        arena_init(&arena, 0);
        ir_func_t *f;
        sl_error_t err = {0};
        ck_assert_msg(ir_parse(&arena, text, strlen(text), &f, &err) == 0, "%s", err.message);
        ck_assert_msg(pipeline_run(f, "strength", true, &err) == 0, "%s", err.message);
        ck_assert_uint_lt(f->n_insns, sizeof vals / sizeof vals[0]);
        bool kept = has_op(f, oc->name);
        bool must_trap = oc->kind != '*' && (c == 0 || (oc->is_signed && oc->kind == '/' &&
                                                        sext(c, oc->bits) == -1));
        uint64_t mask = oc->bits == 64 ? UINT64_MAX : UINT32_MAX;
        bool is_pow2 = c && !(c & (c - 1));
        bool want_kept = oc->kind == '*' ? !(c == 0 || c == 1 || c == mask || is_pow2) : must_trap;
        ck_assert_msg(kept == want_kept, "%s by %" PRId64 ": %s", oc->name, sext(c, oc->bits),
                      kept ? "left alone" : "rewritten, though it must trap");
        dividends(&xs, c, oc->bits);
        for (unsigned j = 0; j < xs.n; j++) {
            uint64_t want = 0, got = 0;
            bool want_ok = reference(oc, xs.v[j], c, &want);
            bool got_ok = run(f, xs.v[j], &got, vals);
            if (want_ok != got_ok || want != got)
                ck_abort_msg("%s %" PRId64 " by %" PRId64 ": got %" PRId64 "%s, want %" PRId64 "%s",
                             oc->name, sext(xs.v[j], oc->bits), sext(c, oc->bits),
                             sext(got, oc->bits), got_ok ? "" : " (trap)", sext(want, oc->bits),
                             want_ok ? "" : " (trap)");
        }
        arena_fini(&arena);
    }
}
END_TEST

Suite *
strength_suite(void)
{
    Suite *s = suite_create("strength");
    TCase *tc = tcase_create("constants");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_strength_matches_wasm_for_every_constant, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
