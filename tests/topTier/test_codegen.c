/* The top tier's code end to end: modules in the text format compiled by an engine on the top
 * tier (every function must be the top tier's, not a baseline fallback), called through the
 * public API, and compared with the baseline on the same inputs: results bit for bit (NaNs as
 * NaNs), traps by code. Then the runtime contract: interrupts, deadlines and tier-up budgets in
 * loops, stack exhaustion, and calls both ways between the tiers. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_fixture.h"
#include "slipstream.h"
#include "suite.h"

typedef struct tiers {
    sl_engine_t *engine[2]; /* baseline, top */
    sl_store_t *store[2];
    sl_module_t *module[2];
    sl_instance_t *inst[2];
} tiers_t;

static sl_instance_t *
instantiate_on(sl_engine_t *e, sl_store_t *s, const char *wat, sl_module_t **mod)
{
    sl_error_t err;
    sl_module_t *m = compile_wat(e, wat, &err);
    ck_assert_msg(m != NULL, "compile: %s", err.message);
    sl_instance_t *inst = NULL;
    ck_assert_msg(sl_instance_new(s, m, NULL, 0, &inst, &err, NULL) == 0, "instantiate: %s",
                  err.message);
    *mod = m;
    return inst;
}

/* The host function modules may import as env.mix: (i64, i64) -> i64, a value no tier could
 * guess, so arguments and results must really pass. */
static int
host_mix(void *env, const sl_value_t *args, sl_value_t *results)
{
    uint64_t a = (uint64_t)args[0].of.i64, b = (uint64_t)args[1].of.i64;
    results[0] = (sl_value_t){.type = SL_I64, .of.i64 = (int64_t)(a * 31 + (b ^ 0x5555))};
    return 0;
}

/* Both tiers' instances of `wat` (given env.mix when it imports something); the top tier must
 * have compiled every function. */
static void
tiers_open(tiers_t *t, const char *wat)
{
    static const uint8_t ii[2] = {SL_I64, SL_I64}, i[1] = {SL_I64};
    for (int k = 0; k < 2; k++) {
        sl_engine_options_t o = {.tier = k ? SL_TIER_TOP : SL_TIER_BASELINE};
        ck_assert_int_eq(sl_engine_new(&o, &t->engine[k]), 0);
        ck_assert_int_eq(sl_store_new(t->engine[k], &t->store[k]), 0);
        sl_error_t err;
        sl_module_t *m = compile_wat(t->engine[k], wat, &err);
        ck_assert_msg(m != NULL, "compile: %s", err.message);
        sl_extern_t host = {.kind = SL_EXTERN_FUNC};
        ck_assert_int_eq(sl_func_new_host(t->store[k], ii, 2, i, 1, host_mix, NULL, &host.of.func),
                         0);
        size_t n_imports = sl_module_n_imports(m);
        ck_assert_uint_le(n_imports, 1);
        ck_assert_msg(sl_instance_new(t->store[k], m, &host, n_imports, &t->inst[k], &err, NULL) ==
                          0,
                      "instantiate: %s", err.message);
        t->module[k] = m;
    }
    sl_module_stats_t st;
    sl_module_stats(t->module[1], &st);
    ck_assert_uint_eq(st.funcs_compiled, st.funcs_defined);
    ck_assert_msg(st.funcs_top == st.funcs_compiled, "top tier compiled %u of %u functions",
                  st.funcs_top, st.funcs_compiled);
}

static void
tiers_close(tiers_t *t)
{
    for (int k = 0; k < 2; k++) {
        sl_module_unref(t->module[k]);
        sl_store_free(t->store[k]);
        sl_engine_free(t->engine[k]);
    }
}

/* Values of each type that find edge cases: zero, signs, extremes, shift widths, NaNs. */
static const int64_t int_pool[] = {
    0, 1, -1, 2, 7, -13, 31, 32, 33, 63, 64, 65, 0x7fffffff, -0x7fffffff - 1, 0x80000000,
    0xffffffff, 0x12345678, INT64_MAX, INT64_MIN, 0x123456789abcdef0, -0x100000000, 1000003,
};
static const uint32_t f32_pool[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc00001, 0x7fa00000, 0x00000001, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f000000,
    0x3fc00000, 0xbfc00000, 0x40200000, 0x4effffff, 0x4f800000, 0xdf000000, 0x3f000000,
};
static const uint64_t f64_pool[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000001,
    0x7ff4000000000000, 0x0000000000000001, 0x7fefffffffffffff, 0x41e0000000000000,
    0xc1e0000000000000, 0x43e0000000000000, 0x3ff8000000000000, 0xbff8000000000000,
    0x4004000000000000, 0x41dfffffffc00000, 0x41f0000000000000, 0xc3e0000000000000,
    0x3fe0000000000000, 0x41efffffffe00000,
};
#define N_POOL(p) (sizeof p / sizeof p[0])

static sl_value_t
pool_value(uint8_t type, uint32_t k)
{
    sl_value_t v = {.type = type};
    switch (type) {
    case SL_I32: v.of.i32 = (int32_t)int_pool[k % N_POOL(int_pool)]; break;
    case SL_I64: v.of.i64 = int_pool[k % N_POOL(int_pool)]; break;
    case SL_F32: v.of.f32 = f32_pool[k % N_POOL(f32_pool)]; break;
    case SL_F64: v.of.f64 = f64_pool[k % N_POOL(f64_pool)]; break;
    case SL_V128: /* mixed lanes: integers and float patterns of the pools */
        for (unsigned i = 0; i < 4; i++) {
            uint32_t lane = i & 1 ? f32_pool[(k + i) % N_POOL(f32_pool)]
                                  : (uint32_t)int_pool[(k * 3 + i) % N_POOL(int_pool)];
            memcpy(v.of.v128 + 4 * i, &lane, 4);
        }
        break;
    default: break;
    }
    return v;
}

static bool
is_nan(const sl_value_t *v)
{
    if (v->type == SL_F32)
        return (v->of.f32 & 0x7f800000) == 0x7f800000 && (v->of.f32 & 0x7fffff);
    if (v->type == SL_F64)
        return (v->of.f64 & 0x7ff0000000000000) == 0x7ff0000000000000 &&
               (v->of.f64 & 0xfffffffffffff);
    return false;
}

static bool
same_value(const sl_value_t *a, const sl_value_t *b)
{
    if (a->type != b->type)
        return false;
    if (is_nan(a) || is_nan(b))
        return is_nan(a) && is_nan(b);
    switch (a->type) {
    case SL_I32:
    case SL_F32: return a->of.i32 == b->of.i32;
    case SL_V128: return memcmp(a->of.v128, b->of.v128, 16) == 0;
    default: return a->of.i64 == b->of.i64;
    }
}

/* Calls every exported function of both instances with `rounds` argument lists drawn from the
 * pools and checks that the tiers agree. Returns how many calls trapped. */
static unsigned
compare_exports(tiers_t *t, unsigned rounds)
{
    unsigned n_traps = 0;
    uint32_t n_exports = sl_module_n_exports(t->module[0]);
    for (uint32_t x = 0; x < n_exports; x++) {
        sl_export_info_t info;
        ck_assert_int_eq(sl_module_export(t->module[0], x, &info), 0);
        if (info.kind != SL_EXTERN_FUNC)
            continue;
        sl_func_sig_t sig;
        ck_assert_int_eq(sl_module_func_sig(t->module[0], info.index, &sig), 0);
        ck_assert_uint_le(sig.n_params, 16);
        ck_assert_uint_le(sig.n_results, 16);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)info.name_len, info.name);
        sl_func_t *f[2];
        for (int k = 0; k < 2; k++)
            f[k] = export_of(t->inst[k], name, SL_EXTERN_FUNC).of.func;
        for (unsigned r = 0; r < rounds; r++) {
            sl_value_t args[16], results[2][16];
            for (uint32_t p = 0; p < sig.n_params; p++)
                args[p] = pool_value(sig.params[p], r * (2 * p + 1) + p * 5);
            sl_trap_t trap[2];
            int rc[2];
            for (int k = 0; k < 2; k++)
                rc[k] = sl_func_call(f[k], args, sig.n_params, results[k], sig.n_results,
                                     &trap[k]);
            ck_assert_msg(rc[0] == rc[1], "%s round %u: baseline %d, top %d", name, r, rc[0],
                          rc[1]);
            if (rc[0] == SL_ETRAP) {
                ck_assert_msg(trap[0].code == trap[1].code, "%s round %u: traps %s / %s", name,
                              r, trap[0].message, trap[1].message);
                n_traps++;
                continue;
            }
            for (uint32_t i = 0; i < sig.n_results; i++)
                ck_assert_msg(same_value(&results[0][i], &results[1][i]),
                              "%s round %u result %u: baseline %llx, top %llx", name, r, i,
                              (unsigned long long)results[0][i].of.i64,
                              (unsigned long long)results[1][i].of.i64);
        }
    }
    return n_traps;
}

START_TEST(test_codegen_integer_ops_match_the_baseline)
{
    tiers_t t;
    tiers_open(&t,
        "(module"
        " (func (export \"i32_arith\") (param i32 i32) (result i32 i32 i32 i32 i32 i32)"
        "  (i32.add (local.get 0) (local.get 1)) (i32.sub (local.get 0) (local.get 1))"
        "  (i32.mul (local.get 0) (local.get 1)) (i32.and (local.get 0) (local.get 1))"
        "  (i32.or (local.get 0) (i32.const 0x1234)) (i32.xor (i32.const -5) (local.get 1)))"
        " (func (export \"i64_arith\") (param i64 i64) (result i64 i64 i64 i64 i64)"
        "  (i64.add (local.get 0) (i64.const 0x100000000)) (i64.sub (i64.const 3) (local.get 1))"
        "  (i64.mul (local.get 0) (i64.const -7)) (i64.and (local.get 0) (local.get 1))"
        "  (i64.xor (local.get 0) (local.get 1)))"
        " (func (export \"shifts\") (param i32 i64) (result i32 i32 i32 i32 i32 i64 i64 i64 i64 i64)"
        "  (i32.shl (local.get 0) (local.get 0)) (i32.shr_s (local.get 0) (i32.const 33))"
        "  (i32.shr_u (local.get 0) (i32.wrap_i64 (local.get 1)))"
        "  (i32.rotl (local.get 0) (i32.const 5)) (i32.rotr (local.get 0) (i32.wrap_i64 (local.get 1)))"
        "  (i64.shl (local.get 1) (local.get 1)) (i64.shr_s (local.get 1) (i64.const 63))"
        "  (i64.shr_u (local.get 1) (i64.extend_i32_u (local.get 0)))"
        "  (i64.rotl (local.get 1) (i64.const 65)) (i64.rotr (local.get 1) (local.get 1)))"
        " (func (export \"div32\") (param i32 i32) (result i32 i32 i32 i32)"
        "  (i32.div_s (local.get 0) (local.get 1)) (i32.div_u (local.get 0) (local.get 1))"
        "  (i32.rem_s (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))"
        " (func (export \"rem64\") (param i64 i64) (result i64 i64)"
        "  (i64.rem_s (local.get 0) (local.get 1)) (i64.rem_u (local.get 0) (local.get 1)))"
        " (func (export \"div64\") (param i64 i64) (result i64 i64)"
        "  (i64.div_s (local.get 0) (local.get 1)) (i64.div_u (local.get 0) (local.get 1)))"
        " (func (export \"bits\") (param i32 i64) (result i32 i32 i32 i64 i64 i64)"
        "  (i32.clz (local.get 0)) (i32.ctz (local.get 0)) (i32.popcnt (local.get 0))"
        "  (i64.clz (local.get 1)) (i64.ctz (local.get 1)) (i64.popcnt (local.get 1)))"
        " (func (export \"extend\") (param i32 i64) (result i64 i64 i64 i32 i32 i32 i64 i64 i64)"
        "  (i64.extend_i32_s (local.get 0)) (i64.extend_i32_u (local.get 0))"
        "  (i64.extend_i32_u (i32.wrap_i64 (local.get 1)))"
        "  (i32.wrap_i64 (local.get 1)) (i32.extend8_s (local.get 0)) (i32.extend16_s (local.get 0))"
        "  (i64.extend8_s (local.get 1)) (i64.extend16_s (local.get 1)) (i64.extend32_s (local.get 1)))"
        " (func (export \"compare\") (param i32 i32 i64 i64) (result i32 i32 i32 i32 i32 i32 i32 i32)"
        "  (i32.lt_s (local.get 0) (local.get 1)) (i32.ge_u (local.get 0) (i32.const 7))"
        "  (i32.gt_s (i32.const -3) (local.get 1)) (i32.eqz (local.get 0))"
        "  (i64.le_u (local.get 2) (local.get 3)) (i64.ne (local.get 2) (i64.const 0x100000000))"
        "  (i64.eqz (local.get 3)) (i64.gt_u (local.get 2) (local.get 3)))"
        " (func (export \"select\") (param i32 i32 i64 i64) (result i32 i64 i32)"
        "  (select (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1)))"
        "  (select (local.get 2) (local.get 3) (local.get 0))"
        "  (select (i32.const 5) (local.get 1) (i64.eqz (local.get 3)))))");
    ck_assert_uint_gt(compare_exports(&t, 60), 0); /* division traps among them */
    tiers_close(&t);
}
END_TEST

START_TEST(test_codegen_control_flow_matches_the_baseline)
{
    tiers_t t;
    tiers_open(&t,
        "(module"
        " (func (export \"fac\") (param i64) (result i64) (local i64)"
        "  (local.set 1 (i64.const 1)) (local.set 0 (i64.and (local.get 0) (i64.const 31)))"
        "  (block (loop (br_if 1 (i64.le_s (local.get 0) (i64.const 0)))"
        "   (local.set 1 (i64.mul (local.get 1) (local.get 0)))"
        "   (local.set 0 (i64.sub (local.get 0) (i64.const 1))) (br 0)))"
        "  (local.get 1))"
        " (func (export \"collatz\") (param i32) (result i32) (local i32)"
        "  (local.set 0 (i32.and (local.get 0) (i32.const 0xffff)))"
        "  (block (loop (br_if 1 (i32.le_u (local.get 0) (i32.const 1)))"
        "   (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
        "   (if (i32.and (local.get 0) (i32.const 1))"
        "    (then (local.set 0 (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1))))"
        "    (else (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))))"
        "   (br 0)))"
        "  (local.get 1))"
        " (func (export \"switch\") (param i32) (result i32)"
        "  (block (block (block (block (block (block"
        "   (br_table 0 1 2 3 4 5 0 (local.get 0)))"
        "   (return (i32.const 10))) (return (i32.const 11))) (return (i32.const 12)))"
        "   (return (i32.const 13))) (return (i32.const 14))) (i32.const 15))"
        " (func (export \"small_switch\") (param i32 i32) (result i32)"
        "  (block (result i32) (block (result i32)"
        "   (br_table 0 1 0 (local.get 1) (local.get 0))) (i32.const 100) (i32.add)))"
        " (func (export \"swap_loop\") (param i32 i32 i32) (result i32)"
        "  (local.set 2 (i32.and (local.get 2) (i32.const 31)))"
        "  (block (loop (br_if 1 (i32.eqz (local.get 2)))"
        "   (local.get 0) (local.set 0 (local.get 1)) (local.set 1)"
        "   (local.set 2 (i32.sub (local.get 2) (i32.const 1))) (br 0)))"
        "  (i32.sub (local.get 0) (local.get 1)))"
        " (func (export \"pressure\") (param i32 i32) (result i32)"
        "  (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)"
        "  (local.set 1 (i32.and (local.get 1) (i32.const 63)))"
        "  (block (loop (br_if 1 (i32.eqz (local.get 1)))"
        "   (local.set 2 (i32.add (local.get 2) (local.get 0)))"
        "   (local.set 3 (i32.xor (local.get 3) (local.get 2)))"
        "   (local.set 4 (i32.add (local.get 4) (local.get 3)))"
        "   (local.set 5 (i32.mul (local.get 5) (i32.const 3)))"
        "   (local.set 5 (i32.add (local.get 5) (local.get 4)))"
        "   (local.set 6 (i32.sub (local.get 6) (local.get 5)))"
        "   (local.set 7 (i32.rotl (local.get 7) (local.get 6)))"
        "   (local.set 7 (i32.add (local.get 7) (i32.const 1)))"
        "   (local.set 8 (i32.add (local.get 8) (local.get 7)))"
        "   (local.set 9 (i32.or (local.get 9) (local.get 8)))"
        "   (local.set 10 (i32.add (local.get 10) (local.get 9)))"
        "   (local.set 11 (i32.sub (local.get 11) (local.get 10)))"
        "   (local.set 12 (i32.add (local.get 12) (local.get 11)))"
        "   (local.set 13 (i32.shl (local.get 13) (i32.const 1)))"
        "   (local.set 13 (i32.xor (local.get 13) (local.get 12)))"
        "   (local.set 14 (i32.add (local.get 14) (local.get 13)))"
        "   (local.set 15 (i32.add (local.get 15) (local.get 14)))"
        "   (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br 0)))"
        "  (i32.add (i32.add (i32.add (local.get 2) (local.get 3)) (i32.add (local.get 4) (local.get 5)))"
        "   (i32.add (i32.add (i32.add (local.get 6) (local.get 7)) (i32.add (local.get 8) (local.get 9)))"
        "    (i32.add (i32.add (i32.add (local.get 10) (local.get 11)) (local.get 12))"
        "     (i32.add (i32.add (local.get 13) (local.get 14)) (local.get 15))))))"
        " (func (export \"traps\") (param i32) (result i32)"
        "  (if (i32.eq (local.get 0) (i32.const 7)) (then unreachable))"
        "  (i32.div_u (i32.const 100) (local.get 0))))");
    compare_exports(&t, 40);
    tiers_close(&t);
}
END_TEST

START_TEST(test_codegen_calls_and_memory_match_the_baseline)
{
    tiers_t t;
    tiers_open(&t,
        "(module"
        " (import \"env\" \"mix\" (func $mix (param i64 i64) (result i64)))"
        " (memory 1)"
        " (global $g (mut i64) (i64.const 5)) (global $h (mut i32) (i32.const 0))"
        " (table 4 funcref) (elem (i32.const 0) $sq $neg $wide)"
        " (type $ii (func (param i32) (result i32)))"
        " (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))"
        " (func $neg (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))"
        " (func $wide (param i64) (result i64) (i64.add (local.get 0) (local.get 0)))"
        " (func $three (param i32 i64) (result i64 i32 i64)"
        "  (i64.extend_i32_s (local.get 0)) (i32.wrap_i64 (local.get 1))"
        "  (i64.mul (local.get 1) (i64.const 3)))"
        /* values live across every kind of call: callee-saved registers or spills */
        " (func (export \"calls\") (param i32 i64) (result i64)"
        "  (local i32 i64 i64 i32 i64)"
        "  (local.set 2 (i32.add (local.get 0) (i32.const 1)))"
        "  (local.set 3 (i64.mul (local.get 1) (i64.const 3)))"
        "  (local.set 4 (i64.extend_i32_u (call $sq (local.get 0))))"
        "  (local.set 4 (i64.add (local.get 4) (call $mix (local.get 1) (local.get 3))))"
        "  (local.set 5 (call_indirect (type $ii) (local.get 2)"
        "   (i32.and (local.get 0) (i32.const 1))))"
        "  (call $three (local.get 2) (local.get 4))"
        "  (local.set 6) (i64.extend_i32_u) (i64.add) (local.get 6) (i64.add)"
        "  (i64.add (local.get 3)) (i64.add (local.get 4))"
        "  (i64.add (i64.extend_i32_s (local.get 5))) (i64.add (local.get 1))"
        "  (i64.add (i64.extend_i32_u (local.get 2))))"
        /* a table slot of the wrong type, an empty one, one past the end */
        " (func (export \"indirect\") (param i32) (result i32)"
        "  (call_indirect (type $ii) (i32.const 6) (i32.and (local.get 0) (i32.const 7))))"
        " (func (export \"memory\") (param i32 i64) (result i64 i32 i32 i64 i64 i32)"
        "  (i64.store offset=8 (i32.and (local.get 0) (i32.const 0xfff0)) (local.get 1))"
        "  (i32.store8 (i32.const 3) (i32.wrap_i64 (local.get 1)))"
        "  (i64.load offset=8 (i32.and (local.get 0) (i32.const 0xfff0)))"
        "  (i32.load8_s offset=9 (i32.and (local.get 0) (i32.const 0xfff0)))"
        "  (i32.load16_u offset=10 (i32.and (local.get 0) (i32.const 0xfff0)))"
        "  (i64.load32_s offset=12 (i32.and (local.get 0) (i32.const 0xfff0)))"
        "  (i64.load16_s (i32.const 2))"
        "  (i32.load (local.get 0)))" /* out of bounds for large addresses */
        " (func (export \"store_oob\") (param i32 i64)"
        "  (i64.store16 offset=65534 (local.get 0) (local.get 1)))"
        " (func (export \"globals\") (param i64 i32) (result i64 i32)"
        "  (global.set $g (i64.add (global.get $g) (local.get 0)))"
        "  (global.set $h (i32.xor (global.get $h) (local.get 1)))"
        "  (global.get $g) (global.get $h))"
        " (func (export \"grow\") (param i32) (result i32 i32)"
        "  (memory.grow (i32.and (local.get 0) (i32.const 1))) (memory.size))"
        " (func $fib (export \"fib\") (param i32) (result i32)"
        "  (local.set 0 (i32.and (local.get 0) (i32.const 15)))"
        "  (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))"
        "   (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))"
        "    (call $fib (i32.sub (local.get 0) (i32.const 2)))))))"
        " (func $deep (export \"deep\") (param i32) (result i32)"
        "  (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))");
    ck_assert_uint_gt(compare_exports(&t, 40), 0);
    tiers_close(&t);
}
END_TEST

START_TEST(test_codegen_floats_match_the_baseline)
{
    tiers_t t;
    tiers_open(&t,
        "(module"
        " (func (export \"f32_arith\") (param f32 f32) (result f32 f32 f32 f32 f32 f32 f32)"
        "  (f32.add (local.get 0) (local.get 1)) (f32.sub (local.get 0) (local.get 1))"
        "  (f32.mul (local.get 0) (f32.const 1.5)) (f32.div (local.get 0) (local.get 1))"
        "  (f32.min (local.get 0) (local.get 1)) (f32.max (local.get 0) (local.get 1))"
        "  (f32.copysign (local.get 0) (local.get 1)))"
        " (func (export \"f64_arith\") (param f64 f64) (result f64 f64 f64 f64 f64 f64 f64)"
        "  (f64.add (local.get 0) (f64.const 0)) (f64.sub (local.get 0) (local.get 1))"
        "  (f64.mul (local.get 0) (local.get 1)) (f64.div (f64.const -3.25) (local.get 1))"
        "  (f64.min (local.get 0) (local.get 1)) (f64.max (local.get 0) (f64.const -0))"
        "  (f64.copysign (local.get 0) (local.get 1)))"
        " (func (export \"unary\") (param f32 f64) (result f32 f32 f32 f32 f32 f32 f32"
        "   f64 f64 f64 f64 f64 f64 f64)"
        "  (f32.abs (local.get 0)) (f32.neg (local.get 0)) (f32.sqrt (local.get 0))"
        "  (f32.ceil (local.get 0)) (f32.floor (local.get 0)) (f32.trunc (local.get 0))"
        "  (f32.nearest (local.get 0))"
        "  (f64.abs (local.get 1)) (f64.neg (local.get 1)) (f64.sqrt (local.get 1))"
        "  (f64.ceil (local.get 1)) (f64.floor (local.get 1)) (f64.trunc (local.get 1))"
        "  (f64.nearest (local.get 1)))"
        " (func (export \"compare\") (param f32 f32 f64 f64) (result i32 i32 i32 i32 i32 i32"
        "   i32 i32 i32 i32 i32 i32 f64)"
        "  (f32.eq (local.get 0) (local.get 1)) (f32.ne (local.get 0) (local.get 1))"
        "  (f32.lt (local.get 0) (local.get 1)) (f32.gt (local.get 0) (local.get 1))"
        "  (f32.le (local.get 0) (local.get 1)) (f32.ge (local.get 0) (local.get 1))"
        "  (f64.eq (local.get 2) (local.get 3)) (f64.ne (local.get 2) (local.get 3))"
        "  (f64.lt (local.get 2) (local.get 3)) (f64.gt (local.get 2) (local.get 3))"
        "  (f64.le (local.get 2) (local.get 3)) (f64.ge (local.get 2) (local.get 3))"
        "  (select (local.get 2) (local.get 3) (f64.lt (local.get 2) (local.get 3))))"
        " (func (export \"to_int\") (param f32 f64) (result i32 i32 i64 i64 i32 i32 i64 i64)"
        "  (i32.trunc_sat_f32_s (local.get 0)) (i32.trunc_sat_f64_u (local.get 1))"
        "  (i64.trunc_sat_f32_u (local.get 0)) (i64.trunc_sat_f64_s (local.get 1))"
        "  (i32.trunc_sat_f32_u (local.get 0)) (i32.trunc_sat_f64_s (local.get 1))"
        "  (i64.trunc_sat_f32_s (local.get 0)) (i64.trunc_sat_f64_u (local.get 1)))"
        " (func (export \"trunc32\") (param f32 f64) (result i32 i32)"
        "  (i32.trunc_f32_s (local.get 0)) (i32.trunc_f64_u (local.get 1)))"
        " (func (export \"trunc64u\") (param f32 f64) (result i64 i64)"
        "  (i64.trunc_f32_u (local.get 0)) (i64.trunc_f64_u (local.get 1)))"
        " (func (export \"trunc64s\") (param f32 f64) (result i64 i64)"
        "  (i64.trunc_f32_s (local.get 0)) (i64.trunc_f64_s (local.get 1)))"
        " (func (export \"from_int\") (param i32 i64) (result f32 f32 f32 f32 f64 f64 f64 f64)"
        "  (f32.convert_i32_s (local.get 0)) (f32.convert_i32_u (local.get 0))"
        "  (f32.convert_i64_s (local.get 1)) (f32.convert_i64_u (local.get 1))"
        "  (f64.convert_i32_s (local.get 0)) (f64.convert_i32_u (local.get 0))"
        "  (f64.convert_i64_s (local.get 1)) (f64.convert_i64_u (local.get 1)))"
        " (func (export \"bits\") (param f32 f64 i32 i64) (result i32 i64 f32 f64 f64 f32)"
        "  (i32.reinterpret_f32 (local.get 0)) (i64.reinterpret_f64 (local.get 1))"
        "  (f32.reinterpret_i32 (local.get 2)) (f64.reinterpret_i64 (local.get 3))"
        "  (f64.promote_f32 (local.get 0)) (f32.demote_f64 (local.get 1)))"
        /* a loop of floats live across calls: spills of xmm registers */
        " (func $h (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))"
        " (func (export \"series\") (param f64 i32) (result f64) (local f64 f64)"
        "  (local.set 1 (i32.and (local.get 1) (i32.const 15)))"
        "  (block (loop (br_if 1 (i32.eqz (local.get 1)))"
        "   (local.set 2 (f64.add (local.get 2) (call $h (local.get 0))))"
        "   (local.set 3 (f64.sub (local.get 3) (local.get 2)))"
        "   (local.set 0 (f64.add (local.get 0) (f64.const 1)))"
        "   (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br 0)))"
        "  (f64.add (local.get 2) (local.get 3))))");
    ck_assert_uint_gt(compare_exports(&t, 44), 0); /* the trapping truncations */
    tiers_close(&t);
}
END_TEST

START_TEST(test_codegen_simd_matches_the_baseline)
{
    tiers_t t;
    /* v128 values live across a call (16-byte spill slots: no xmm register survives a call),
     * in a loop, through every kind of lane operation */
    tiers_open(&t,
        "(module"
        " (memory 1)"
        " (func $id (param v128) (result v128) (local.get 0))"
        " (func (export \"mix\") (param v128 v128 i32) (result v128 v128 i32 i64 f32)"
        "  (local v128 v128 v128)"
        "  (local.set 3 (i32x4.add (local.get 0) (local.get 1)))"
        "  (local.set 4 (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31"
        "   (local.get 0) (local.get 1)))"
        "  (local.set 5 (call $id (i16x8.mul (local.get 3) (local.get 4))))"
        "  (v128.store offset=16 (i32.and (local.get 2) (i32.const 0xff0)) (local.get 5))"
        "  (v128.bitselect (local.get 3) (local.get 4)"
        "   (v128.load offset=16 (i32.and (local.get 2) (i32.const 0xff0))))"
        "  (i64x2.mul (local.get 5) (i8x16.shl (local.get 0) (local.get 2)))"
        "  (i8x16.bitmask (i8x16.lt_s (local.get 0) (local.get 1)))"
        "  (i64x2.extract_lane 1 (i64x2.shr_s (local.get 1) (local.get 2)))"
        "  (f32x4.extract_lane 2 (f32x4.min (local.get 0) (local.get 1))))"
        " (func (export \"lanes\") (param v128 i32 f64) (result v128 v128 v128 i32)"
        "  (i32x4.replace_lane 3 (local.get 0) (local.get 1))"
        "  (f64x2.replace_lane 0 (f64x2.splat (local.get 2)) (f64.const 1.5))"
        "  (i8x16.swizzle (local.get 0) (i8x16.splat (local.get 1)))"
        "  (i32x4.all_true (local.get 0)))"
        " (func (export \"sum\") (param v128 i32) (result v128) (local v128)"
        "  (local.set 1 (i32.and (local.get 1) (i32.const 15)))"
        "  (block (loop (br_if 1 (i32.eqz (local.get 1)))"
        "   (local.set 2 (i16x8.add_sat_s (local.get 2) (local.get 0)))"
        "   (local.set 0 (i32x4.shl (local.get 0) (i32.const 1)))"
        "   (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br 0)))"
        "  (local.get 2)))");
    compare_exports(&t, 40);
    tiers_close(&t);
}
END_TEST

static void *
interrupt_later(void *arg)
{
    usleep(50 * 1000);
    sl_store_interrupt(arg);
    return NULL;
}

/* One top-tier engine and store, and the instance of `wat` in it. */
static sl_instance_t *
top_instance(const char *wat, sl_engine_options_t o, sl_engine_t **e, sl_store_t **s,
             sl_module_t **m)
{
    o.tier = SL_TIER_TOP;
    ck_assert_int_eq(sl_engine_new(&o, e), 0);
    ck_assert_int_eq(sl_store_new(*e, s), 0);
    sl_instance_t *inst = instantiate_on(*e, *s, wat, m);
    sl_module_stats_t st;
    sl_module_stats(*m, &st);
    ck_assert_uint_eq(st.funcs_top, st.funcs_defined);
    return inst;
}

START_TEST(test_codegen_interrupt_and_deadline_stop_a_loop)
{
    sl_engine_t *e;
    sl_store_t *s;
    sl_module_t *m;
    sl_instance_t *inst = top_instance(
        "(module (func (export \"spin\") (param i32) (result i32) (local i32)"
        "  (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
        "   (br_if $l (i32.eqz (local.get 0)))) (local.get 1)))",
        (sl_engine_options_t){0}, &e, &s, &m);
    sl_func_t *spin = export_of(inst, "spin", SL_EXTERN_FUNC).of.func;
    sl_value_t arg = i32(0), result;
    sl_trap_t trap;
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, interrupt_later, s), 0);
    ck_assert_int_eq(sl_func_call(spin, &arg, 1, &result, 1, &trap), SL_ETRAP);
    ck_assert_int_eq(trap.code, SL_TRAP_INTERRUPTED);
    pthread_join(thread, NULL);
    ck_assert_int_eq(sl_store_set_deadline(s, 30 * 1000 * 1000), 0);
    ck_assert_int_eq(sl_func_call(spin, &arg, 1, &result, 1, &trap), SL_ETRAP);
    ck_assert_int_eq(trap.code, SL_TRAP_INTERRUPTED);
    ck_assert_int_eq(sl_store_set_deadline(s, 0), 0);
    arg = i32(1);
    ck_assert_int_eq(sl_func_call(spin, &arg, 1, &result, 1, &trap), 0);
    ck_assert_int_eq(result.of.i32, 1);
    sl_module_unref(m);
    sl_store_free(s);
    sl_engine_free(e);
}
END_TEST

START_TEST(test_codegen_budgets_ask_for_tier_up)
{
    sl_engine_t *e;
    sl_store_t *s;
    sl_module_t *m;
    /* the loop keeps values in caller-saved registers across its poll: the slow path must
     * keep them, or the count comes out wrong */
    sl_instance_t *inst = top_instance(
        "(module (func (export \"count\") (param i32) (result i32) (local i32 i32)"
        "  (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 3)))"
        "   (local.set 2 (i32.xor (local.get 2) (local.get 1)))"
        "   (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))"
        "  (i32.add (local.get 1) (local.get 2))))",
        (sl_engine_options_t){.tier_up_budget = 1000}, &e, &s, &m);
    sl_func_t *count = export_of(inst, "count", SL_EXTERN_FUNC).of.func;
    sl_value_t arg = i32(100000), result;
    sl_trap_t trap;
    ck_assert_int_eq(sl_func_call(count, &arg, 1, &result, 1, &trap), 0);
    int32_t a = 0, b = 0;
    for (int k = 0; k < 100000; k++) {
        a += 3;
        b ^= a;
    }
    ck_assert_int_eq(result.of.i32, a + b);
    sl_module_stats_t st;
    sl_module_stats(m, &st);
    ck_assert_uint_ge(st.tier_up_requests, 100); /* the loop spends the budget and asks */
    sl_module_unref(m);
    sl_store_free(s);
    sl_engine_free(e);
}
END_TEST

START_TEST(test_codegen_identity_names_the_tier)
{
    sl_engine_t *e[2];
    char id[2][200];
    for (int k = 0; k < 2; k++) {
        sl_engine_options_t o = {.tier = k ? SL_TIER_TOP : SL_TIER_BASELINE};
        ck_assert_int_eq(sl_engine_new(&o, &e[k]), 0);
        sl_engine_code_identity(e[k], id[k], sizeof id[k]);
    }
    /* the same CPU features, another tier: code of one is not code of the other */
    const char *base = strstr(id[0], "/baseline x86-64"), *top = strstr(id[1], "/top x86-64");
    ck_assert_ptr_nonnull(base);
    ck_assert_ptr_nonnull(top);
    ck_assert_str_eq(base + strlen("/baseline"), top + strlen("/top"));
    for (int k = 0; k < 2; k++)
        sl_engine_free(e[k]);
}
END_TEST

Suite *
codegen_suite(void)
{
    Suite *s = suite_create("codegen");
    TCase *tc = tcase_create("differential");
    tcase_add_test(tc, test_codegen_integer_ops_match_the_baseline);
    tcase_add_test(tc, test_codegen_control_flow_matches_the_baseline);
    tcase_add_test(tc, test_codegen_calls_and_memory_match_the_baseline);
    tcase_add_test(tc, test_codegen_floats_match_the_baseline);
    tcase_add_test(tc, test_codegen_simd_matches_the_baseline);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("runtime");
    tcase_add_test(tc, test_codegen_interrupt_and_deadline_stop_a_loop);
    tcase_add_test(tc, test_codegen_budgets_ask_for_tier_up);
    tcase_add_test(tc, test_codegen_identity_names_the_tier);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
