/* The baseline compiler end to end: modules written in the text format, compiled, instantiated
 * and called through the public API, with their results and traps checked. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slipstream.h"
#include "suite.h"
#include "run_fixture.h"

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
    sl_error_t err;
    sl_module_t *m = compile_wat(engine, wat, &err);
    ck_assert_msg(m != NULL, "compile: %s", err.message);
    sl_instance_t *inst = NULL;
    ck_assert_int_eq(sl_instance_new(store, m, NULL, 0, &inst, &err, NULL), 0);
    sl_module_unref(m); /* the instance keeps it */
    return inst;
}

static sl_func_t *
export_func(sl_instance_t *inst, const char *name)
{
    return export_of(inst, name, SL_EXTERN_FUNC).of.func;
}

/* Compiles `wat` after turning each `i32.const 42` into `i64.const 42`: a body wat2wasm would
 * refuse to write, invalid where the text has that constant (42 is one byte of LEB128). */
static sl_module_t *
compile_made_invalid(sl_engine_t *e, const char *wat, sl_error_t *err)
{
    char why[1024];
    size_t size;
    uint8_t *bytes = wat_to_wasm(wat, &size, why, sizeof why);
    ck_assert_msg(bytes != NULL, "%s", why);
    for (size_t i = 0; i + 1 < size; i++)
        if (bytes[i] == 0x41 && bytes[i + 1] == 42)
            bytes[i] = 0x42;
    sl_module_t *m = NULL;
    sl_module_compile(e, bytes, size, &m, err);
    free(bytes);
    return m;
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

START_TEST(test_baseline_deadline_stops_a_loop)
{
    sl_instance_t *inst = instantiate(
        "(module (func (export \"spin\") (param i32 i32) (result i32)"
        "  (loop $l (br_if $l (i32.eqz (local.get 0)))) (i32.const 7)))");
    sl_func_t *spin = export_func(inst, "spin");
    ck_assert_int_eq(sl_store_set_deadline(store, 30 * 1000 * 1000), 0);
    sl_value_t args[2] = {i32(0), i32(0)};
    ck_assert_int_eq(trap_of(spin, args, 2, 1), SL_TRAP_INTERRUPTED);
    /* a deadline far off does not disturb a call that ends */
    ck_assert_int_eq(sl_store_set_deadline(store, UINT64_C(60) * 1000 * 1000 * 1000), 0);
    ck_assert_int_eq(call_ii(spin, 1, 0), 7);
    /* one that fired while nothing ran is dropped by the next sl_store_set_deadline */
    ck_assert_int_eq(sl_store_set_deadline(store, 1), 0);
    usleep(20 * 1000);
    ck_assert_int_eq(sl_store_set_deadline(store, 0), 0);
    ck_assert_int_eq(call_ii(spin, 1, 0), 7);
}
END_TEST

START_TEST(test_baseline_budgets_ask_for_tier_up)
{
    /* a small budget: entries and loop iterations spend it, each exhaustion is one request */
    sl_engine_t *e;
    ck_assert_int_eq(sl_engine_new(&(sl_engine_options_t){.tier_up_budget = 1000}, &e), 0);
    sl_store_t *s;
    ck_assert_int_eq(sl_store_new(e, &s), 0);
    sl_error_t err;
    sl_module_t *m = compile_wat(e,
        "(module (func (export \"count\") (param i32 i32) (result i32)"
        "  (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))"
        "  (local.get 0)))", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    sl_instance_t *inst;
    ck_assert_int_eq(sl_instance_new(s, m, NULL, 0, &inst, &err, NULL), 0);
    sl_func_t *count = export_func(inst, "count");
    sl_module_stats_t stats;
    ck_assert_int_eq(call_ii(count, 10, 0), 0);
    sl_module_stats(m, &stats);
    ck_assert_uint_eq(stats.tier_up_requests, 0); /* 10 iterations of a few bytes: not hot */
    ck_assert_int_eq(call_ii(count, 100000, 0), 0);
    sl_module_stats(m, &stats);
    /* each iteration costs the loop's size (12 bytes): about 1200 requests, refilled each time */
    ck_assert_uint_ge(stats.tier_up_requests, 1000);
    ck_assert_uint_le(stats.tier_up_requests, 1300);
    sl_module_unref(m);
    sl_store_free(s);
    sl_engine_free(e);
}
END_TEST

START_TEST(test_baseline_names_what_its_code_needs)
{
    char why[128] = "";
    ck_assert_int_eq(sl_cpu_check(why, sizeof why), 0); /* it runs here, so it must pass */
    char identity[160];
    size_t len = sl_engine_code_identity(engine, identity, sizeof identity);
    ck_assert_uint_eq(len, strlen(identity));
    ck_assert_ptr_nonnull(strstr(identity, "/baseline x86-64 popcnt sse4.1"));
    /* without AVX (forced), the code uses none, and the identity says so */
    sl_engine_t *sse;
    ck_assert_int_eq(sl_engine_new(&(sl_engine_options_t){.no_avx = true}, &sse), 0);
    char sse_identity[160];
    sl_engine_code_identity(sse, sse_identity, sizeof sse_identity);
    ck_assert_ptr_null(strstr(sse_identity, "avx"));
    ck_assert_ptr_nonnull(strstr(sse_identity, "sse4.1"));
    sl_engine_free(sse);
    /* a short buffer still gets the full length back, and a terminated prefix */
    char small[8];
    ck_assert_uint_eq(sl_engine_code_identity(engine, small, sizeof small), len);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
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

START_TEST(test_baseline_memory_access_and_bounds)
{
    sl_instance_t *inst = instantiate(
        "(module (memory 1 3)"
        " (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))"
        " (func (export \"load\") (param i32 i32) (result i32) (i32.load (local.get 0)))"
        " (func (export \"load_far\") (param i32 i32) (result i32)"
        "   (i32.load offset=0xfffffff0 (local.get 0)))"
        " (func (export \"load8_s\") (param i32 i32) (result i32) (i32.load8_s (local.get 0)))"
        " (func (export \"grow\") (param i32 i32) (result i32) (memory.grow (local.get 0)))"
        " (func (export \"size\") (param i32 i32) (result i32) (memory.size)))");
    sl_func_t *store_f = export_func(inst, "store"), *load = export_func(inst, "load");
    sl_value_t args[2] = {i32(65532), i32(-2)};
    ck_assert_int_eq(sl_func_call(store_f, args, 2, NULL, 0, NULL), 0);
    ck_assert_int_eq(call_ii(load, 65532, 0), -2);
    ck_assert_int_eq(call_ii(export_func(inst, "load8_s"), 65532, 0), -2);
    /* the last four bytes are in bounds, one byte further is not: a guard-page fault at a
     * registered access site becomes the trap */
    sl_value_t past[2] = {i32(65533), i32(0)};
    ck_assert_int_eq(trap_of(load, past, 2, 1), SL_TRAP_MEMORY_OOB);
    sl_value_t far[2] = {i32(0x20), i32(0)};
    ck_assert_int_eq(trap_of(export_func(inst, "load_far"), far, 2, 1), SL_TRAP_MEMORY_OOB);
    /* grow makes the next page accessible; past the maximum it answers -1 */
    ck_assert_int_eq(call_ii(export_func(inst, "grow"), 1, 0), 1);
    ck_assert_int_eq(call_ii(export_func(inst, "size"), 0, 0), 2);
    ck_assert_int_eq(call_ii(load, 65533, 0), 0xffffff); /* fe ff ff | 00 */
    ck_assert_int_eq(call_ii(export_func(inst, "grow"), 2, 0), -1);
}
END_TEST

START_TEST(test_baseline_call_indirect_checks)
{
    sl_instance_t *inst = instantiate(
        "(module (type $ii (func (param i32 i32) (result i32)))"
        " (table 3 funcref) (elem (i32.const 0) $add $wrong)"
        " (func $add (type $ii) (i32.add (local.get 0) (local.get 1)))"
        " (func $wrong (param i32) (result i32) (local.get 0))"
        " (func (export \"via\") (param i32 i32) (result i32)"
        "   (call_indirect (type $ii) (i32.const 40) (i32.const 2) (local.get 0))))");
    sl_func_t *via = export_func(inst, "via");
    ck_assert_int_eq(call_ii(via, 0, 0), 42);
    sl_value_t args[2] = {i32(1), i32(0)};
    ck_assert_int_eq(trap_of(via, args, 2, 1), SL_TRAP_INDIRECT_CALL_MISMATCH);
    args[0] = i32(2);
    ck_assert_int_eq(trap_of(via, args, 2, 1), SL_TRAP_UNINITIALIZED_ELEMENT);
    args[0] = i32(3);
    ck_assert_int_eq(trap_of(via, args, 2, 1), SL_TRAP_UNDEFINED_ELEMENT);
}
END_TEST

static int
host_twice(void *env, const sl_value_t *args, sl_value_t *results)
{
    ++*(int *)env;
    results[0] = i64(2 * args[0].of.i64);
    return 0;
}

START_TEST(test_baseline_calls_a_host_import)
{
    int calls = 0;
    sl_func_t *twice;
    const uint8_t types[] = {SL_I64};
    ck_assert_int_eq(sl_func_new_host(store, types, 1, types, 1, host_twice, &calls, &twice), 0);
    sl_error_t err;
    sl_module_t *m = compile_wat(engine,
        "(module (import \"env\" \"twice\" (func $twice (param i64) (result i64)))"
        " (func (export \"f\") (param i64) (result i64)"
        "   (i64.add (call $twice (local.get 0)) (i64.const 1))))", &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    sl_extern_t import = {.kind = SL_EXTERN_FUNC, .of.func = twice};
    sl_instance_t *inst;
    ck_assert_int_eq(sl_instance_new(store, m, &import, 1, &inst, &err, NULL), 0);
    sl_module_unref(m);
    sl_value_t arg = i64(INT64_C(0x100000000)), result;
    ck_assert_int_eq(sl_func_call(export_func(inst, "f"), &arg, 1, &result, 1, NULL), 0);
    ck_assert_int_eq(result.of.i64, INT64_C(0x200000001));
    ck_assert_int_eq(calls, 1);
}
END_TEST

static const char *const three_functions =
    "(module (func $a (result i32) (i32.const 1))"
    " (func $b (result i32) (i32.add (call $a) (i32.const 1)))"
    " (func (export \"c\") (param i32 i32) (result i32) (i32.add (call $b) (local.get 0))))";

START_TEST(test_baseline_lazy_compiles_on_first_call)
{
    sl_engine_t *lazy;
    ck_assert_int_eq(sl_engine_new(&(sl_engine_options_t){.lazy = true}, &lazy), 0);
    sl_store_t *s;
    ck_assert_int_eq(sl_store_new(lazy, &s), 0);
    sl_error_t err;
    sl_module_t *m = compile_wat(lazy, three_functions, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    sl_module_stats_t stats;
    sl_module_stats(m, &stats);
    ck_assert_uint_eq(stats.funcs_defined, 3);
    ck_assert_uint_eq(stats.funcs_compiled, 0);
    sl_instance_t *inst;
    ck_assert_int_eq(sl_instance_new(s, m, NULL, 0, &inst, &err, NULL), 0);
    ck_assert_int_eq(call_ii(export_func(inst, "c"), 40, 0), 42);
    sl_module_stats(m, &stats);
    ck_assert_uint_eq(stats.funcs_compiled, 3); /* c, then b and a as c ran */
    ck_assert_int_eq(call_ii(export_func(inst, "c"), 1, 0), 3);
    sl_module_stats(m, &stats);
    ck_assert_uint_eq(stats.funcs_compiled, 3); /* compiled once */
    /* lazy mode still validates every body up front */
    ck_assert_ptr_null(compile_made_invalid(lazy, "(module (func (result i32) (i32.const 42)))",
                                            &err));
    ck_assert_int_eq(err.code, SL_EINVALID);
    sl_module_unref(m);
    sl_store_free(s);
    sl_engine_free(lazy);
}
END_TEST

START_TEST(test_baseline_compiles_on_threads)
{
    sl_engine_t *pooled;
    ck_assert_int_eq(sl_engine_new(&(sl_engine_options_t){.compile_threads = 3}, &pooled), 0);
    sl_store_t *s;
    ck_assert_int_eq(sl_store_new(pooled, &s), 0);
    sl_error_t err;
    sl_module_t *m = compile_wat(pooled, three_functions, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    sl_module_stats_t stats;
    sl_module_stats(m, &stats);
    ck_assert_uint_eq(stats.funcs_compiled, 3);
    ck_assert_uint_gt(stats.code_bytes, 0);
    sl_instance_t *inst;
    ck_assert_int_eq(sl_instance_new(s, m, NULL, 0, &inst, &err, NULL), 0);
    ck_assert_int_eq(call_ii(export_func(inst, "c"), 40, 0), 42);
    sl_module_unref(m);
    /* of two invalid bodies, the error is the first one's, whichever worker finished first */
    ck_assert_ptr_null(compile_made_invalid(pooled,
        "(module (func (result i32) (i32.const 0)) (func (result i32) (i32.const 42))"
        " (func (result i32) (i32.const 0)) (func (result i32) (i32.const 42)))", &err));
    ck_assert_int_eq(err.code, SL_EINVALID);
    ck_assert_uint_eq(err.func_index, 1);
    sl_store_free(s);
    sl_engine_free(pooled);
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
    tcase_add_test(tc, test_baseline_deadline_stops_a_loop);
    tcase_add_test(tc, test_baseline_budgets_ask_for_tier_up);
    tcase_add_test(tc, test_baseline_names_what_its_code_needs);
    tcase_add_test(tc, test_baseline_reports_validation_errors);
    tcase_add_test(tc, test_baseline_memory_access_and_bounds);
    tcase_add_test(tc, test_baseline_call_indirect_checks);
    tcase_add_test(tc, test_baseline_calls_a_host_import);
    tcase_add_test(tc, test_baseline_lazy_compiles_on_first_call);
    tcase_add_test(tc, test_baseline_compiles_on_threads);
    suite_add_tcase(s, tc);
    return s;
}
