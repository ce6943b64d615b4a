/* The baseline compiler end to end: modules written in the text format, compiled, instantiated
 * and called through the public API, with their results and traps checked. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slipstream.h"
#include "suite.h"
#include "wat.h"

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

static sl_instance_t *
instantiate(const char *wat)
{
    char why[1024];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    sl_module_t *m = NULL;
    sl_error_t err;
    int rc = sl_module_compile(engine, bytes, size, &m, &err);
    free(bytes);
    ck_assert_msg(rc == 0, "compile: %s", err.message);
    sl_instance_t *inst = NULL;
    ck_assert_int_eq(sl_instance_new(store, m, NULL, 0, &inst, &err, NULL), 0);
    sl_module_unref(m); /* the instance keeps it */
    return inst;
}

static sl_func_t *
export_func(sl_instance_t *inst, const char *name)
{
    sl_extern_t e;
    ck_assert_int_eq(sl_instance_export(inst, name, strlen(name), &e), 0);
    ck_assert_int_eq(e.kind, SL_EXTERN_FUNC);
    return e.of.func;
}

static sl_value_t
i32(int32_t v)
{
    return (sl_value_t){.type = SL_I32, .of.i32 = v};
}

static sl_value_t
i64(int64_t v)
{
    return (sl_value_t){.type = SL_I64, .of.i64 = v};
}

/* Calls a function of two i32 parameters and one i32 result. */
static int32_t
call_ii(sl_func_t *f, int32_t a, int32_t b)
{
    sl_value_t args[2] = {i32(a), i32(b)}, result;
    sl_trap_t trap;
    ck_assert_int_eq(sl_func_call(f, args, 2, &result, 1, &trap), 0);
    ck_assert_int_eq(result.type, SL_I32);
    return result.of.i32;
}

static int
trap_of(sl_func_t *f, const sl_value_t *args, size_t n_args, size_t n_results)
{
    sl_value_t results[4];
    sl_trap_t trap;
    ck_assert_int_eq(sl_func_call(f, args, n_args, results, n_results, &trap), SL_ETRAP);
    ck_assert_str_eq(trap.message, sl_trap_message(trap.code));
    return trap.code;
}

START_TEST(test_baseline_integer_arithmetic)
{
    sl_instance_t *inst = instantiate(
        "(module"
        " (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)"
        " (func (export \"sub\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)"
        " (func (export \"mul\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.mul)"
        " (func (export \"div_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)"
        " (func (export \"div_u\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)"
        " (func (export \"rem_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)"
        " (func (export \"rem_u\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_u)"
        " (func (export \"shl\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shl)"
        " (func (export \"shr_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shr_s)"
        " (func (export \"rotr\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotr)"
        " (func (export \"lt_u\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.lt_u)"
        " (func (export \"ge_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.ge_s)"
        " (func (export \"addk\") (param i32 i32) (result i32) local.get 0 i32.const 1000 i32.add)"
        " (func (export \"shl3\") (param i32 i32) (result i32) local.get 0 i32.const 35 i32.shl)"
        " (func (export \"clz\") (param i32 i32) (result i32) local.get 0 i32.clz)"
        " (func (export \"ctz\") (param i32 i32) (result i32) local.get 0 i32.ctz)"
        " (func (export \"popcnt\") (param i32 i32) (result i32) local.get 0 i32.popcnt)"
        " (func (export \"ext8\") (param i32 i32) (result i32) local.get 0 i32.extend8_s)"
        " (func (export \"select\") (param i32 i32) (result i32)"
        "   i32.const 11 i32.const 22 local.get 0 select))");
    ck_assert_int_eq(call_ii(export_func(inst, "add"), 7, -9), -2);
    ck_assert_int_eq(call_ii(export_func(inst, "add"), INT32_MAX, 1), INT32_MIN);
    ck_assert_int_eq(call_ii(export_func(inst, "sub"), 3, 10), -7);
    ck_assert_int_eq(call_ii(export_func(inst, "mul"), 65537, 65537), 131073);
    ck_assert_int_eq(call_ii(export_func(inst, "div_s"), -7, 2), -3);
    ck_assert_int_eq(call_ii(export_func(inst, "div_u"), -7, 2), 0x7ffffffc);
    ck_assert_int_eq(call_ii(export_func(inst, "rem_s"), -7, 2), -1);
    ck_assert_int_eq(call_ii(export_func(inst, "rem_s"), INT32_MIN, -1), 0);
    ck_assert_int_eq(call_ii(export_func(inst, "rem_u"), -7, 2), 1);
    ck_assert_int_eq(call_ii(export_func(inst, "shl"), 1, 33), 2); /* count modulo 32 */
    ck_assert_int_eq(call_ii(export_func(inst, "shr_s"), -16, 2), -4);
    ck_assert_int_eq(call_ii(export_func(inst, "rotr"), 1, 1), INT32_MIN);
    ck_assert_int_eq(call_ii(export_func(inst, "lt_u"), -1, 1), 0);
    ck_assert_int_eq(call_ii(export_func(inst, "ge_s"), -1, -1), 1);
    ck_assert_int_eq(call_ii(export_func(inst, "addk"), 1, 0), 1001);
    ck_assert_int_eq(call_ii(export_func(inst, "shl3"), 1, 0), 8);
    ck_assert_int_eq(call_ii(export_func(inst, "clz"), 0, 0), 32);
    ck_assert_int_eq(call_ii(export_func(inst, "clz"), 1, 0), 31);
    ck_assert_int_eq(call_ii(export_func(inst, "ctz"), 0, 0), 32);
    ck_assert_int_eq(call_ii(export_func(inst, "ctz"), 0x100, 0), 8);
    ck_assert_int_eq(call_ii(export_func(inst, "popcnt"), -1, 0), 32);
    ck_assert_int_eq(call_ii(export_func(inst, "ext8"), 0x180, 0), -128);
    ck_assert_int_eq(call_ii(export_func(inst, "select"), 1, 0), 11);
    ck_assert_int_eq(call_ii(export_func(inst, "select"), 0, 0), 22);
}
END_TEST

START_TEST(test_baseline_division_traps)
{
    sl_instance_t *inst = instantiate(
        "(module"
        " (func (export \"div_s\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)"
        " (func (export \"rem_u64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)"
        " (func (export \"div_s64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)"
        " (func (export \"boom\") unreachable))");
    sl_value_t zero[2] = {i32(1), i32(0)}, overflow[2] = {i32(INT32_MIN), i32(-1)};
    ck_assert_int_eq(trap_of(export_func(inst, "div_s"), zero, 2, 1), SL_TRAP_DIV_ZERO);
    ck_assert_int_eq(trap_of(export_func(inst, "div_s"), overflow, 2, 1), SL_TRAP_INT_OVERFLOW);
    sl_value_t zero64[2] = {i64(5), i64(0)}, overflow64[2] = {i64(INT64_MIN), i64(-1)};
    ck_assert_int_eq(trap_of(export_func(inst, "rem_u64"), zero64, 2, 1), SL_TRAP_DIV_ZERO);
    ck_assert_int_eq(trap_of(export_func(inst, "div_s64"), overflow64, 2, 1),
                     SL_TRAP_INT_OVERFLOW);
    ck_assert_int_eq(trap_of(export_func(inst, "boom"), NULL, 0, 0), SL_TRAP_UNREACHABLE);
    /* after a trap the instance still works */
    ck_assert_int_eq(call_ii(export_func(inst, "div_s"), 9, 3), 3);
}
END_TEST

START_TEST(test_baseline_control_flow_and_calls)
{
    sl_instance_t *inst = instantiate(
        "(module"
        " (func $fac (export \"fac\") (param i64) (result i64)"
        "   local.get 0 i64.eqz"
        "   if (result i64) i64.const 1"
        "   else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)"
        " (func (export \"sum\") (param i32) (result i32) (local i32)"
        "   block loop"
        "     local.get 0 i32.eqz br_if 1"
        "     local.get 1 local.get 0 i32.add local.set 1"
        "     local.get 0 i32.const 1 i32.sub local.set 0 br 0"
        "   end end local.get 1)"
        " (func (export \"switch\") (param i32) (result i32)"
        "   block block block local.get 0 br_table 0 1 2 end"
        "   i32.const 100 return end i32.const 101 return end i32.const 102)"
        " (func $pair (param i32) (result i32 i64) local.get 0 local.get 0 i64.extend_i32_s)"
        " (func (export \"pair\") (param i32) (result i64) (local i64)"
        "   local.get 0 call $pair local.set 1 i64.extend_i32_u local.get 1 i64.add)"
        " (func (export \"value_block\") (param i32) (result i32)"
        "   block (result i32) i32.const 7 local.get 0 br_if 0 drop i32.const 9 end)"
        " (func (export \"many\") (param i32) (result i32)"
        "   local.get 0 local.get 0 local.get 0 local.get 0 local.get 0 local.get 0"
        "   local.get 0 local.get 0 local.get 0 local.get 0 local.get 0 local.get 0"
        "   local.get 0 local.get 0 local.get 0 local.get 0"
        "   i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add"
        "   i32.add i32.add i32.add i32.add i32.add i32.add i32.add))");
    sl_value_t arg = i64(20), result;
    ck_assert_int_eq(sl_func_call(export_func(inst, "fac"), &arg, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i64, 2432902008176640000ll);
    sl_value_t n = i32(100);
    ck_assert_int_eq(sl_func_call(export_func(inst, "sum"), &n, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i32, 5050);
    for (int32_t i = -1; i < 4; i++) {
        sl_value_t x = i32(i);
        ck_assert_int_eq(sl_func_call(export_func(inst, "switch"), &x, 1, &result, 1, NULL), 0);
        ck_assert_int_eq(result.of.i32, i == 0 ? 100 : i == 1 ? 101 : 102);
    }
    sl_value_t p = i32(-5);
    ck_assert_int_eq(sl_func_call(export_func(inst, "pair"), &p, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i64, -5 + 0xfffffffbll);
    for (int32_t i = 0; i < 2; i++) {
        sl_value_t x = i32(i);
        ck_assert_int_eq(
            sl_func_call(export_func(inst, "value_block"), &x, 1, &result, 1, NULL), 0);
        ck_assert_int_eq(result.of.i32, i ? 7 : 9);
    }
    sl_value_t m = i32(3);
    ck_assert_int_eq(sl_func_call(export_func(inst, "many"), &m, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i32, 48); /* 16 live values: more than the registers */
}
END_TEST

START_TEST(test_baseline_stack_exhaustion_traps)
{
    sl_instance_t *inst = instantiate(
        "(module (func $f (export \"f\") (param i32) (result i32)"
        "  local.get 0 i32.const 1 i32.add call $f))");
    sl_value_t arg = i32(0);
    ck_assert_int_eq(trap_of(export_func(inst, "f"), &arg, 1, 1), SL_TRAP_STACK_EXHAUSTED);
    ck_assert_int_eq(trap_of(export_func(inst, "f"), &arg, 1, 1), SL_TRAP_STACK_EXHAUSTED);
}
END_TEST

static void *
interrupt_later(void *arg)
{
    usleep(50 * 1000);
    sl_store_interrupt(arg);
    return NULL;
}

START_TEST(test_baseline_interrupt_stops_a_loop)
{
    sl_instance_t *inst = instantiate("(module (func (export \"spin\") loop br 0 end))");
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, interrupt_later, store), 0);
    ck_assert_int_eq(trap_of(export_func(inst, "spin"), NULL, 0, 0), SL_TRAP_INTERRUPTED);
    pthread_join(thread, NULL);
    /* the store runs normally afterwards */
    sl_instance_t *again = instantiate(
        "(module (func (export \"one\") (param i32 i32) (result i32) i32.const 1))");
    ck_assert_int_eq(call_ii(export_func(again, "one"), 0, 0), 1);
}
END_TEST

START_TEST(test_baseline_refuses_what_it_cannot_compile)
{
    char why[512];
    size_t size;
    uint8_t *bytes = wat_to_wasm(
        "(module (func (param f32) (result f32) local.get 0 local.get 0 f32.add))", &size, why,
        sizeof why);
    ck_assert_ptr_nonnull(bytes);
    sl_module_t *m = NULL;
    sl_error_t err;
    ck_assert_int_eq(sl_module_compile(engine, bytes, size, &m, &err), SL_ENOTSUP);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(err.func_index, 0);
    ck_assert_ptr_nonnull(strstr(err.message, "not compile"));
    free(bytes);
}
END_TEST

START_TEST(test_baseline_reports_validation_errors)
{
    /* i32.add of an i64: the fused validator's error, with its detail */
    static const uint8_t bytes[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01,
        0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x41, 0x01, 0x42, 0x02,
        0x6a, 0x0b,
    };
    sl_module_t *m = NULL;
    sl_error_t err;
    ck_assert_int_eq(sl_module_compile(engine, bytes, sizeof bytes, &m, &err), SL_EINVALID);
    ck_assert_uint_eq(err.func_index, 0);
    ck_assert_uint_eq(err.offset, 28);
    ck_assert_ptr_nonnull(strstr(err.message, "type mismatch"));
}
END_TEST

Suite *
baseline_suite(void)
{
    Suite *s = suite_create("baseline");
    TCase *tc = tcase_create("execution");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_baseline_integer_arithmetic);
    tcase_add_test(tc, test_baseline_division_traps);
    tcase_add_test(tc, test_baseline_control_flow_and_calls);
    tcase_add_test(tc, test_baseline_stack_exhaustion_traps);
    tcase_add_test(tc, test_baseline_interrupt_stops_a_loop);
    tcase_add_test(tc, test_baseline_refuses_what_it_cannot_compile);
    tcase_add_test(tc, test_baseline_reports_validation_errors);
    suite_add_tcase(s, tc);
    return s;
}
