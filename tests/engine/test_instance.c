/* Instantiation (spec 2.0: modules, instantiation; import matching) and the runtime's builtins
 * and host thunk: imports and exports of every kind, linking errors, segments (including ones
 * that trap half-way), the start function, canonical type ids, a host function called from wasm,
 * and each builtin at its bounds, called directly from C or, for the trapping edges, from a host
 * function running inside a wasm activation. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_state.h"
#include "instance.h"
#include "suite.h"
#include "type_registry.h"
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

static sl_module_t *
compile(const char *wat)
{
    sl_error_t err;
    sl_module_t *m = compile_wat(engine, wat, &err);
    ck_assert_msg(m != NULL, "compile: %s", err.message);
    return m;
}

/* Instantiates and expects `want` (0, SL_ELINK, SL_ETRAP...); the message or trap text, if
 * wanted, must start with `text`. */
static sl_instance_t *
instantiate_rc(const char *wat, const sl_extern_t *imports, size_t n, int want, const char *text)
{
    sl_module_t *m = compile(wat);
    sl_instance_t *inst = NULL;
    sl_error_t err;
    sl_trap_t trap;
    int rc = sl_instance_new(store, m, imports, n, &inst, &err, &trap);
    sl_module_unref(m); /* the instance, or the store, keeps what it needs */
    ck_assert_msg(rc == want, "instantiate: %d (%s), want %d", rc, err.message, want);
    if (rc == SL_ETRAP && text)
        ck_assert_str_eq(trap.message, text);
    else if (rc != 0 && text)
        ck_assert_msg(strncmp(err.message, text, strlen(text)) == 0, "message \"%s\"",
                      err.message);
    ck_assert(rc == 0 ? inst != NULL : inst == NULL);
    return inst;
}

static sl_instance_t *
instantiate(const char *wat, const sl_extern_t *imports, size_t n)
{
    return instantiate_rc(wat, imports, n, 0, NULL);
}

static sl_extern_t
ext_memory(sl_memory_t *m)
{
    return (sl_extern_t){.kind = SL_EXTERN_MEMORY, .of.memory = m};
}

static sl_extern_t
ext_table(sl_table_t *t)
{
    return (sl_extern_t){.kind = SL_EXTERN_TABLE, .of.table = t};
}

static sl_extern_t
ext_global(sl_global_t *g)
{
    return (sl_extern_t){.kind = SL_EXTERN_GLOBAL, .of.global = g};
}

static sl_extern_t
ext_func(sl_func_t *f)
{
    return (sl_extern_t){.kind = SL_EXTERN_FUNC, .of.func = f};
}

static int32_t
call_i32(sl_func_t *f, const sl_value_t *args, size_t n_args)
{
    sl_value_t result;
    sl_trap_t trap;
    int rc = sl_func_call(f, args, n_args, &result, 1, &trap);
    ck_assert_msg(rc == 0, "call: %d (%s)", rc, trap.message);
    ck_assert_int_eq(result.type, SL_I32);
    return result.of.i32;
}

static int
nop_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)env;
    (void)args;
    (void)results;
    return 0;
}

/* ---- memories ---- */

START_TEST(test_instance_imported_memory_gets_data_segments)
{
    sl_memory_t *mem;
    ck_assert_int_eq(sl_memory_new(store, 1, 2, &mem), 0);
    sl_extern_t imports[] = {ext_memory(mem)};
    sl_instance_t *inst = instantiate("(module (import \"m\" \"mem\" (memory 1 2))"
                                      " (data (i32.const 8) \"hello\")"
                                      " (data \"passive\")"
                                      " (data (i32.const 65530) \"edge!!\")"
                                      " (export \"mem\" (memory 0)))",
                                      imports, 1);
    uint64_t size;
    uint8_t *data = sl_memory_data(mem, &size);
    ck_assert_uint_eq(size, 65536);
    ck_assert_mem_eq(data + 8, "hello", 5);
    ck_assert_uint_eq(data[7], 0);
    ck_assert_uint_eq(data[13], 0);
    ck_assert_mem_eq(data + 65530, "edge!!", 6); /* ends exactly at the end: in bounds */
    /* the export is the imported object itself, and the vmctx sees the same memory */
    ck_assert_ptr_eq(export_of(inst, "mem", SL_EXTERN_MEMORY).of.memory, mem);
    ck_assert_ptr_eq(inst->vm.memory, mem->linear);
    ck_assert_ptr_eq(inst->vm.mem_base, data);
    /* active segments are dropped after instantiation, the passive one is not */
    ck_assert_uint_eq(inst->data_sizes[0], 0);
    ck_assert_uint_eq(inst->data_sizes[1], 7);
    ck_assert_uint_eq(inst->data_sizes[2], 0);
}
END_TEST

START_TEST(test_instance_defined_memory_is_shared_by_importers)
{
    sl_instance_t *a = instantiate("(module (memory (export \"mem\") 1 3)"
                                   " (data (i32.const 0) \"\\01\\02\\03\"))",
                                   NULL, 0);
    sl_memory_t *mem = export_of(a, "mem", SL_EXTERN_MEMORY).of.memory;
    sl_extern_t imports[] = {ext_memory(mem)};
    sl_instance_t *b = instantiate("(module (import \"a\" \"mem\" (memory 1))"
                                   " (data (i32.const 1) \"\\ff\"))",
                                   imports, 1);
    uint64_t size;
    uint8_t *data = sl_memory_data(mem, &size);
    ck_assert_uint_eq(data[0], 1);
    ck_assert_uint_eq(data[1], 0xff); /* b's segment landed in a's memory */
    ck_assert_uint_eq(data[2], 3);
    ck_assert_ptr_eq(a->vm.memory, b->vm.memory);
    /* growing through one instance is seen by the other: they read size through one pointer */
    int32_t (*grow)(vmctx_t *, uint32_t) =
        (int32_t (*)(vmctx_t *, uint32_t))b->vm.builtins[VM_BUILTIN_memory_grow];
    ck_assert_int_eq(grow(&b->vm, 1), 1);
    ck_assert_uint_eq(a->vm.memory->size, 2 * 65536);
    ck_assert_ptr_eq(a->vm.mem_base, b->vm.mem_base);
    sl_memory_data(mem, &size);
    ck_assert_uint_eq(size, 2 * 65536);
}
END_TEST

/* ---- tables and element segments ---- */

START_TEST(test_instance_element_segments_fill_tables)
{
    sl_table_t *table;
    ck_assert_int_eq(sl_table_new(store, SL_FUNCREF, 4, 10, &table), 0);
    sl_func_t *host;
    const uint8_t i32_type[] = {SL_I32};
    ck_assert_int_eq(sl_func_new_host(store, NULL, 0, i32_type, 1, nop_cb, NULL, &host), 0);
    sl_extern_t imports[] = {ext_func(host), ext_table(table)};
    sl_instance_t *inst =
        instantiate("(module (import \"h\" \"f\" (func $h (result i32)))"
                    " (import \"t\" \"tab\" (table 4 funcref))"
                    " (func $f (export \"f\") (result i32) i32.const 1)"
                    " (func $g (export \"g\") (result i32) i32.const 2)"
                    " (table $own (export \"own\") 3 externref)"
                    " (elem (table 0) (i32.const 1) func $f $g)"
                    " (elem (table 0) (i32.const 3) funcref (ref.func $h))"
                    " (elem (table $own) (i32.const 0) externref (ref.null extern))"
                    " (elem $passive funcref (ref.func $g) (ref.null func))"
                    " (elem declare func $f)"
                    " (export \"tab\" (table 0)))",
                    imports, 2);
    sl_func_t *f = export_of(inst, "f", SL_EXTERN_FUNC).of.func;
    sl_func_t *g = export_of(inst, "g", SL_EXTERN_FUNC).of.func;
    sl_value_t v;
    ck_assert_int_eq(sl_table_get(table, 0, &v), 0);
    ck_assert_int_eq(v.type, SL_FUNCREF);
    ck_assert_ptr_null(v.of.funcref);
    ck_assert_int_eq(sl_table_get(table, 1, &v), 0);
    ck_assert_ptr_eq(v.of.funcref, f); /* the export and the table entry are one reference */
    ck_assert_int_eq(sl_table_get(table, 2, &v), 0);
    ck_assert_ptr_eq(v.of.funcref, g);
    ck_assert_int_eq(sl_table_get(table, 3, &v), 0);
    ck_assert_ptr_eq(v.of.funcref, host); /* ref.func of an import is the imported object */
    ck_assert_int_eq(sl_table_get(table, 4, &v), SL_EARG);
    /* table entries are callable references */
    ck_assert_int_eq(sl_table_get(table, 1, &v), 0);
    ck_assert_int_eq(call_i32(v.of.funcref, NULL, 0), 1);
    ck_assert_int_eq(sl_table_get(table, 2, &v), 0);
    ck_assert_int_eq(call_i32(v.of.funcref, NULL, 0), 2);

    ck_assert_ptr_eq(export_of(inst, "tab", SL_EXTERN_TABLE).of.table, table);
    sl_table_t *own = export_of(inst, "own", SL_EXTERN_TABLE).of.table;
    ck_assert_uint_eq(sl_table_size(own), 3);
    ck_assert_int_eq(sl_table_get(own, 0, &v), 0);
    ck_assert_int_eq(v.type, SL_EXTERNREF);
    ck_assert_ptr_null(v.of.externref);
    /* active and declarative segments count as dropped; the passive one keeps its references */
    ck_assert_uint_eq(inst->elems[0].len, 0);
    ck_assert_uint_eq(inst->elems[1].len, 0);
    ck_assert_uint_eq(inst->elems[2].len, 0);
    ck_assert_uint_eq(inst->elems[3].len, 2);
    ck_assert_ptr_eq(inst->elems[3].refs[0], g);
    ck_assert_ptr_null(inst->elems[3].refs[1]);
    ck_assert_uint_eq(inst->elems[4].len, 0);
    /* vmctx sees the same tables and the function references of the index space */
    ck_assert_ptr_eq(inst->vm.tables[0], table);
    ck_assert_ptr_eq(inst->vm.tables[1], own);
    ck_assert_ptr_eq(inst->vm.funcs[0], host);
    ck_assert_ptr_eq(inst->vm.funcs[1], f);
}
END_TEST

/* ---- globals ---- */

START_TEST(test_instance_globals_import_export_and_init)
{
    sl_global_t *base, *counter;
    ck_assert_int_eq(sl_global_new(store, i32(42), false, &base), 0);
    ck_assert_int_eq(sl_global_new(store, i64(-5), true, &counter), 0);
    sl_extern_t imports[] = {ext_global(base), ext_global(counter)};
    sl_instance_t *inst =
        instantiate("(module (import \"g\" \"base\" (global i32))"
                    " (import \"g\" \"counter\" (global (mut i64)))"
                    " (func $f)"
                    " (global (export \"copy\") i32 (global.get 0))"
                    " (global (export \"big\") (mut i64) (i64.const 0x123456789))"
                    " (global (export \"pi\") f64 (f64.const 3.5))"
                    " (global (export \"fref\") funcref (ref.func $f))"
                    " (global (export \"null\") externref (ref.null extern))"
                    " (global (export \"vec\") v128 (v128.const i32x4 1 2 3 4))"
                    " (export \"base\" (global 0)) (export \"counter\" (global 1))"
                    " (export \"f\" (func $f)))",
                    imports, 2);
    sl_value_t v;
    sl_global_get(export_of(inst, "copy", SL_EXTERN_GLOBAL).of.global, &v);
    ck_assert_int_eq(v.type, SL_I32);
    ck_assert_int_eq(v.of.i32, 42);
    sl_global_t *big = export_of(inst, "big", SL_EXTERN_GLOBAL).of.global;
    sl_global_get(big, &v);
    ck_assert_int_eq(v.type, SL_I64);
    ck_assert_int_eq(v.of.i64, 0x123456789);
    ck_assert(big->is_mutable);
    ck_assert_int_eq(sl_global_set(big, i64(7)), 0);
    ck_assert_int_eq(inst->vm.globals[3]->value.i64, 7); /* the cell generated code reads */
    sl_global_get(export_of(inst, "pi", SL_EXTERN_GLOBAL).of.global, &v);
    double pi;
    memcpy(&pi, &v.of.f64, sizeof pi);
    ck_assert(pi == 3.5);
    sl_global_get(export_of(inst, "fref", SL_EXTERN_GLOBAL).of.global, &v);
    ck_assert_int_eq(v.type, SL_FUNCREF);
    ck_assert_ptr_eq(v.of.funcref, export_of(inst, "f", SL_EXTERN_FUNC).of.func);
    sl_global_get(export_of(inst, "null", SL_EXTERN_GLOBAL).of.global, &v);
    ck_assert_int_eq(v.type, SL_EXTERNREF);
    ck_assert_ptr_null(v.of.externref);
    sl_global_get(export_of(inst, "vec", SL_EXTERN_GLOBAL).of.global, &v);
    ck_assert_int_eq(v.type, SL_V128);
    const uint32_t lanes[4] = {1, 2, 3, 4};
    ck_assert_mem_eq(v.of.v128, lanes, 16);
    /* imports re-exported are the same cells */
    ck_assert_ptr_eq(export_of(inst, "base", SL_EXTERN_GLOBAL).of.global, base);
    ck_assert_ptr_eq(export_of(inst, "counter", SL_EXTERN_GLOBAL).of.global, counter);
    ck_assert_ptr_eq(inst->vm.globals[1], counter);
}
END_TEST

/* ---- linking ---- */

START_TEST(test_instance_link_errors)
{
    sl_memory_t *mem12, *mem1;
    sl_table_t *tab_f, *tab_e, *tab_unbounded;
    sl_global_t *g_i32, *g_mut;
    sl_func_t *f_i32;
    const uint8_t i32_type[] = {SL_I32};
    ck_assert_int_eq(sl_memory_new(store, 1, 2, &mem12), 0);
    ck_assert_int_eq(sl_memory_new(store, 1, UINT32_MAX, &mem1), 0);
    ck_assert_int_eq(sl_table_new(store, SL_FUNCREF, 2, 5, &tab_f), 0);
    ck_assert_int_eq(sl_table_new(store, SL_EXTERNREF, 2, 5, &tab_e), 0);
    ck_assert_int_eq(sl_table_new(store, SL_FUNCREF, 2, UINT32_MAX, &tab_unbounded), 0);
    ck_assert_int_eq(sl_global_new(store, i32(1), false, &g_i32), 0);
    ck_assert_int_eq(sl_global_new(store, i32(1), true, &g_mut), 0);
    ck_assert_int_eq(sl_func_new_host(store, i32_type, 1, NULL, 0, nop_cb, NULL, &f_i32), 0);
    static const char incompatible[] = "incompatible import type";
    struct {
        const char *wat;
        sl_extern_t ext;
        int rc;
    } cases[] = {
        /* matches: the extern is at least as large, with a maximum no larger */
        {"(import \"x\" \"y\" (memory 1 2))", ext_memory(mem12), 0},
        {"(import \"x\" \"y\" (memory 0))", ext_memory(mem12), 0},
        {"(import \"x\" \"y\" (memory 1 3))", ext_memory(mem12), 0},
        {"(import \"x\" \"y\" (table 1 funcref))", ext_table(tab_f), 0},
        {"(import \"x\" \"y\" (table 2 6 funcref))", ext_table(tab_f), 0},
        {"(import \"x\" \"y\" (global i32))", ext_global(g_i32), 0},
        {"(import \"x\" \"y\" (global (mut i32)))", ext_global(g_mut), 0},
        {"(import \"x\" \"y\" (func (param i32)))", ext_func(f_i32), 0},
        /* mismatches, one rule each */
        {"(import \"x\" \"y\" (memory 2))", ext_memory(mem12), SL_ELINK},
        {"(import \"x\" \"y\" (memory 1 1))", ext_memory(mem12), SL_ELINK},
        {"(import \"x\" \"y\" (memory 1 65536))", ext_memory(mem1), SL_ELINK},
        {"(import \"x\" \"y\" (table 3 funcref))", ext_table(tab_f), SL_ELINK},
        {"(import \"x\" \"y\" (table 2 4 funcref))", ext_table(tab_f), SL_ELINK},
        {"(import \"x\" \"y\" (table 2 0xffffffff funcref))", ext_table(tab_unbounded),
         SL_ELINK},
        {"(import \"x\" \"y\" (table 2 externref))", ext_table(tab_f), SL_ELINK},
        {"(import \"x\" \"y\" (table 2 funcref))", ext_table(tab_e), SL_ELINK},
        {"(import \"x\" \"y\" (global i64))", ext_global(g_i32), SL_ELINK},
        {"(import \"x\" \"y\" (global (mut i32)))", ext_global(g_i32), SL_ELINK},
        {"(import \"x\" \"y\" (global i32))", ext_global(g_mut), SL_ELINK},
        {"(import \"x\" \"y\" (func (param i64)))", ext_func(f_i32), SL_ELINK},
        {"(import \"x\" \"y\" (func (param i32) (result i32)))", ext_func(f_i32), SL_ELINK},
        {"(import \"x\" \"y\" (func (param i32)))", ext_memory(mem12), SL_ELINK},
        {"(import \"x\" \"y\" (memory 1))", ext_global(g_i32), SL_ELINK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char wat[256];
        snprintf(wat, sizeof wat, "(module %s)", cases[i].wat);
        instantiate_rc(wat, &cases[i].ext, 1, cases[i].rc, cases[i].rc ? incompatible : NULL);
    }
    /* too few externs: the first missing one is unknown */
    sl_extern_t one[] = {ext_memory(mem12)};
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"g\" (global i32)))",
                   one, 1, SL_ELINK, "unknown import");
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)))", NULL, 0, SL_ELINK,
                   "unknown import");
    /* too many, and objects that are not there or belong elsewhere, are the caller's mistakes */
    sl_extern_t two[] = {ext_memory(mem12), ext_memory(mem12)};
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)))", two, 2, SL_EARG, NULL);
    sl_extern_t null_memory[] = {ext_memory(NULL)};
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)))", null_memory, 1, SL_EARG, NULL);
    sl_store_t *other;
    ck_assert_int_eq(sl_store_new(engine, &other), 0);
    sl_global_t *foreign;
    ck_assert_int_eq(sl_global_new(other, i32(1), false, &foreign), 0);
    sl_extern_t foreign_global[] = {ext_global(foreign)};
    instantiate_rc("(module (import \"x\" \"g\" (global i32)))", foreign_global, 1, SL_EARG,
                   NULL);
    sl_store_free(other);
}
END_TEST

/* ---- segments that trap ---- */

START_TEST(test_instance_out_of_bounds_segments_keep_earlier_writes)
{
    sl_memory_t *mem;
    sl_table_t *table;
    ck_assert_int_eq(sl_memory_new(store, 1, UINT32_MAX, &mem), 0);
    ck_assert_int_eq(sl_table_new(store, SL_FUNCREF, 3, UINT32_MAX, &table), 0);
    sl_extern_t imports[] = {ext_memory(mem), ext_table(table)};
    uint64_t size;
    uint8_t *data = sl_memory_data(mem, &size);
    sl_value_t v;

    /* the second element segment is out of bounds: the first stays, data never runs */
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                   " (func $f (result i32) i32.const 77)"
                   " (elem (i32.const 0) $f)"
                   " (elem (i32.const 2) $f $f)"
                   " (data (i32.const 0) \"never\"))",
                   imports, 2, SL_ETRAP, "out of bounds table access");
    ck_assert_int_eq(sl_table_get(table, 0, &v), 0);
    ck_assert_ptr_nonnull(v.of.funcref);
    /* the failed instance's function stays callable through the table */
    ck_assert_int_eq(call_i32(v.of.funcref, NULL, 0), 77);
    ck_assert_int_eq(sl_table_get(table, 2, &v), 0);
    ck_assert_ptr_null(v.of.funcref); /* the failing segment wrote nothing */
    ck_assert_uint_eq(data[0], 0);

    /* the second data segment is out of bounds by one byte: the first stays */
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                   " (data (i32.const 100) \"kept\")"
                   " (data (i32.const 65533) \"four\"))",
                   imports, 2, SL_ETRAP, "out of bounds memory access");
    ck_assert_mem_eq(data + 100, "kept", 4);
    ck_assert_uint_eq(data[65533], 0);

    /* an empty segment past the end traps too (2.0: the bounds check comes first) */
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                   " (data (i32.const 65537) \"\"))",
                   imports, 2, SL_ETRAP, "out of bounds memory access");
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                   " (elem (i32.const 4)))",
                   imports, 2, SL_ETRAP, "out of bounds table access");
    /* at exactly the end, empty segments are fine; a negative offset is a huge one */
    instantiate("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                " (elem (i32.const 3)) (data (i32.const 65536) \"\"))",
                imports, 2);
    instantiate_rc("(module (import \"x\" \"m\" (memory 1)) (import \"x\" \"t\" (table 3 funcref))"
                   " (data (i32.const -1) \"x\"))",
                   imports, 2, SL_ETRAP, "out of bounds memory access");
}
END_TEST

/* ---- start ---- */

START_TEST(test_instance_start_function)
{
    instantiate("(module (func $s i32.const 1 drop) (start $s))", NULL, 0);
    instantiate_rc("(module (func $s unreachable) (start $s))", NULL, 0, SL_ETRAP, "unreachable");
    instantiate_rc("(module (func $s i32.const 1 i32.const 0 i32.div_u drop) (start $s))", NULL,
                   0, SL_ETRAP, "integer divide by zero");
}
END_TEST

/* ---- canonical type ids ---- */

START_TEST(test_instance_type_ids_are_canonical)
{
    const uint8_t ii[] = {SL_I32, SL_I64}, i[] = {SL_I32};
    sl_func_t *h1, *h2, *h3;
    ck_assert_int_eq(sl_func_new_host(store, ii, 2, i, 1, nop_cb, NULL, &h1), 0);
    ck_assert_int_eq(sl_func_new_host(store, ii, 2, i, 1, nop_cb, NULL, &h2), 0);
    ck_assert_int_eq(sl_func_new_host(store, i, 1, ii, 2, nop_cb, NULL, &h3), 0);
    ck_assert_uint_eq(h1->type_id, h2->type_id);
    ck_assert_uint_ne(h1->type_id, h3->type_id);
    sl_instance_t *inst =
        instantiate("(module (type (func (param i32 i64) (result i32)))"
                    " (type (func (param i32) (result i32 i64)))"
                    " (type (func (param i32 i64) (result i32)))"
                    " (func (export \"a\") (type 0) i32.const 0)"
                    " (func (export \"b\") (type 2) i32.const 0))",
                    NULL, 0);
    ck_assert_uint_eq(inst->vm.type_ids[0], h1->type_id);
    ck_assert_uint_eq(inst->vm.type_ids[1], h3->type_id);
    ck_assert_uint_eq(inst->vm.type_ids[2], h1->type_id);
    ck_assert_uint_eq(export_of(inst, "a", SL_EXTERN_FUNC).of.func->type_id, h1->type_id);
    ck_assert_uint_eq(export_of(inst, "b", SL_EXTERN_FUNC).of.func->type_id, h1->type_id);
    /* a second instance shares the module's table */
    sl_instance_t *again = instantiate("(module (func (export \"c\") (param i32) (result i32 i64)"
                                       " i32.const 0 i64.const 0))",
                                       NULL, 0);
    ck_assert_uint_eq(export_of(again, "c", SL_EXTERN_FUNC).of.func->type_id, h3->type_id);
}
END_TEST

typedef struct intern_run {
    type_registry_t *reg;
    uint32_t ids[64];
} intern_run_t;

/* Type number k of the thread test: many collide structurally, some differ only in the split
 * between parameters and results. */
static sl_functype_t
numbered_type(uint32_t k, uint8_t types[4])
{
    types[0] = SL_I32;
    types[1] = k & 1 ? SL_I64 : SL_F32;
    types[2] = k & 2 ? SL_F64 : SL_I32;
    types[3] = SL_EXTERNREF;
    uint32_t n = 1 + k % 4, n_params = (k / 4) % (n + 1);
    return (sl_functype_t){n_params, n - n_params, types, types + n_params};
}

static void *
intern_many(void *arg)
{
    intern_run_t *run = arg;
    for (uint32_t k = 0; k < 64; k++) {
        uint8_t types[4];
        sl_functype_t t = numbered_type(k, types);
        if (typeregistry_intern(run->reg, &t, &run->ids[k]) != 0)
            return arg;
    }
    return NULL;
}

START_TEST(test_instance_type_registry_is_consistent_across_threads)
{
    type_registry_t *reg;
    ck_assert_int_eq(typeregistry_new(&reg), 0);
    intern_run_t runs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        runs[i].reg = reg;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, intern_many, &runs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *failed;
        pthread_join(threads[i], &failed);
        ck_assert_ptr_null(failed);
    }
    for (int i = 1; i < 4; i++)
        ck_assert_mem_eq(runs[i].ids, runs[0].ids, sizeof runs[0].ids);
    /* equal structure exactly when equal id */
    for (uint32_t a = 0; a < 64; a++)
        for (uint32_t b = 0; b < 64; b++) {
            uint8_t ta[4], tb[4];
            sl_functype_t x = numbered_type(a, ta), y = numbered_type(b, tb);
            ck_assert_int_eq(functype_equal(&x, &y), runs[0].ids[a] == runs[0].ids[b]);
        }
    uint8_t p[] = {SL_I32}, r[] = {SL_I32};
    sl_functype_t x = {1, 1, p, r}, y = {1, 1, r, p}, z = {0, 2, NULL, (uint8_t[]){SL_I32, 0x7f}};
    uint32_t ix, iy, iz;
    ck_assert_int_eq(typeregistry_intern(reg, &x, &ix), 0);
    ck_assert_int_eq(typeregistry_intern(reg, &y, &iy), 0);
    ck_assert_int_eq(typeregistry_intern(reg, &z, &iz), 0);
    ck_assert_uint_eq(ix, iy);
    ck_assert_uint_ne(ix, iz);
    typeregistry_free(reg);
}
END_TEST

/* ---- builtins called from C ---- */

typedef int32_t (*memory_grow_fn)(vmctx_t *, uint32_t);
typedef void (*memory_fill_fn)(vmctx_t *, uint32_t, uint32_t, uint32_t);
typedef void (*memory_copy_fn)(vmctx_t *, uint32_t, uint32_t, uint32_t);
typedef void (*memory_init_fn)(vmctx_t *, uint32_t, uint32_t, uint32_t, uint32_t);
typedef void (*data_drop_fn)(vmctx_t *, uint32_t);
typedef void (*elem_drop_fn)(vmctx_t *, uint32_t);
typedef void *(*table_get_fn)(vmctx_t *, uint32_t, uint32_t);
typedef void (*table_set_fn)(vmctx_t *, uint32_t, uint32_t, void *);
typedef uint32_t (*table_size_fn)(vmctx_t *, uint32_t);
typedef int32_t (*table_grow_fn)(vmctx_t *, uint32_t, void *, uint32_t);
typedef void (*table_fill_fn)(vmctx_t *, uint32_t, uint32_t, void *, uint32_t);
typedef void (*table_copy_fn)(vmctx_t *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
typedef void (*table_init_fn)(vmctx_t *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
typedef sl_func_t *(*ref_func_fn)(vmctx_t *, uint32_t);
typedef void (*tier_up_fn)(vmctx_t *, uint32_t);
typedef float (*f32_from_u64_fn)(uint64_t);
typedef double (*f64_from_u64_fn)(uint64_t);

#define BUILTIN(vm, name) ((name##_fn)(vm)->builtins[VM_BUILTIN_##name])

static const char builtin_module[] =
    "(module (memory 1 3)"
    " (table $t 4 6 funcref) (table $u 2 externref)"
    " (func $a (export \"a\") (result i32) i32.const 10)"
    " (func $b (export \"b\") (result i32) i32.const 20)"
    " (elem $e funcref (ref.func $a) (ref.func $b) (ref.null func))"
    " (data $d \"abcdef\")"
    " (elem declare func $b))";

START_TEST(test_instance_builtins_memory)
{
    sl_instance_t *inst = instantiate(builtin_module, NULL, 0);
    vmctx_t *vm = &inst->vm;
    uint8_t *base = vm->mem_base;
    ck_assert_ptr_eq(base, vm->memory->base);

    /* memory.fill / memory.copy: a range ending exactly at the end is fine, so is n = 0 there */
    BUILTIN(vm, memory_fill)(vm, 65530, 0x1ab, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(base[65530 + i], 0xab); /* the value is taken mod 256 */
    ck_assert_uint_eq(base[65529], 0);
    BUILTIN(vm, memory_fill)(vm, 65536, 7, 0);
    BUILTIN(vm, memory_copy)(vm, 65536, 0, 0);
    BUILTIN(vm, memory_copy)(vm, 0, 65536, 0);
    memcpy(base, "0123456789", 10);
    BUILTIN(vm, memory_copy)(vm, 2, 0, 6); /* overlapping, forwards: memmove semantics */
    ck_assert_mem_eq(base, "0101234589", 10);
    BUILTIN(vm, memory_copy)(vm, 0, 2, 6);
    ck_assert_mem_eq(base, "0123454589", 10);
    BUILTIN(vm, memory_copy)(vm, 65530, 0, 6);
    ck_assert_mem_eq(base + 65530, "012345", 6);

    /* memory.init from the passive segment, then data.drop leaves an empty segment */
    BUILTIN(vm, memory_init)(vm, 0, 100, 1, 5);
    ck_assert_mem_eq(base + 100, "bcdef", 5);
    BUILTIN(vm, memory_init)(vm, 0, 65536, 6, 0); /* both ends exactly at their limits */
    BUILTIN(vm, memory_init)(vm, 0, 65532, 2, 4);
    ck_assert_mem_eq(base + 65532, "cdef", 4);
    BUILTIN(vm, data_drop)(vm, 0);
    ck_assert_uint_eq(inst->data_sizes[0], 0);
    BUILTIN(vm, memory_init)(vm, 0, 0, 0, 0); /* a dropped segment still allows n = 0 at 0 */
    BUILTIN(vm, data_drop)(vm, 0);            /* dropping twice is allowed */

    /* memory.grow: old size, 0 to ask, -1 past the maximum with nothing changed */
    ck_assert_int_eq(BUILTIN(vm, memory_grow)(vm, 0), 1);
    ck_assert_int_eq(BUILTIN(vm, memory_grow)(vm, 3), -1);
    ck_assert_uint_eq(vm->memory->size, 65536);
    ck_assert_int_eq(BUILTIN(vm, memory_grow)(vm, 2), 1);
    ck_assert_uint_eq(vm->memory->size, 3 * 65536);
    ck_assert_ptr_eq(vm->mem_base, base); /* in place */
    ck_assert_uint_eq(base[3 * 65536 - 1], 0);
    ck_assert_int_eq(BUILTIN(vm, memory_grow)(vm, 1), -1);
    ck_assert_int_eq(BUILTIN(vm, memory_grow)(vm, UINT32_MAX), -1);
    BUILTIN(vm, memory_fill)(vm, 3 * 65536 - 1, 9, 1); /* the new end */
    ck_assert_uint_eq(base[3 * 65536 - 1], 9);
}
END_TEST

START_TEST(test_instance_builtins_tables)
{
    sl_instance_t *inst = instantiate(builtin_module, NULL, 0);
    vmctx_t *vm = &inst->vm;
    sl_func_t *a = export_of(inst, "a", SL_EXTERN_FUNC).of.func;
    sl_func_t *b = export_of(inst, "b", SL_EXTERN_FUNC).of.func;
    sl_table_t *t = vm->tables[0];

    /* ref.func is the instance's one reference per function */
    ck_assert_ptr_eq(BUILTIN(vm, ref_func)(vm, 0), a);
    ck_assert_ptr_eq(BUILTIN(vm, ref_func)(vm, 1), b);
    ck_assert_ptr_eq(BUILTIN(vm, ref_func)(vm, 1), BUILTIN(vm, ref_func)(vm, 1));

    ck_assert_uint_eq(BUILTIN(vm, table_size)(vm, 0), 4);
    ck_assert_uint_eq(BUILTIN(vm, table_size)(vm, 1), 2);
    BUILTIN(vm, table_set)(vm, 0, 3, b); /* the last element */
    ck_assert_ptr_eq(BUILTIN(vm, table_get)(vm, 0, 3), b);
    ck_assert_ptr_null(BUILTIN(vm, table_get)(vm, 0, 0));
    int marker;
    BUILTIN(vm, table_set)(vm, 1, 1, &marker); /* externref: any host pointer */
    ck_assert_ptr_eq(BUILTIN(vm, table_get)(vm, 1, 1), &marker);

    /* table.fill and table.copy up to the end, n = 0 at the end */
    BUILTIN(vm, table_fill)(vm, 0, 1, a, 3);
    ck_assert_ptr_null(t->elems[0]);
    ck_assert_ptr_eq(t->elems[1], a);
    ck_assert_ptr_eq(t->elems[3], a);
    BUILTIN(vm, table_fill)(vm, 0, 4, b, 0);
    BUILTIN(vm, table_set)(vm, 0, 0, b);
    BUILTIN(vm, table_copy)(vm, 0, 0, 1, 0, 3); /* overlapping: b a a a -> b b a a */
    ck_assert_ptr_eq(t->elems[0], b);
    ck_assert_ptr_eq(t->elems[1], b);
    ck_assert_ptr_eq(t->elems[2], a);
    ck_assert_ptr_eq(t->elems[3], a);
    BUILTIN(vm, table_copy)(vm, 0, 0, 4, 0, 0);
    BUILTIN(vm, table_copy)(vm, 0, 0, 0, 4, 0);

    /* table.init from the passive segment (a, b, null), then elem.drop */
    BUILTIN(vm, table_init)(vm, 0, 0, 1, 0, 3);
    ck_assert_ptr_eq(t->elems[1], a);
    ck_assert_ptr_eq(t->elems[2], b);
    ck_assert_ptr_null(t->elems[3]);
    BUILTIN(vm, table_init)(vm, 0, 0, 4, 3, 0);
    BUILTIN(vm, elem_drop)(vm, 0);
    ck_assert_uint_eq(inst->elems[0].len, 0);
    BUILTIN(vm, table_init)(vm, 0, 0, 0, 0, 0);

    /* table.grow: the new elements take the init value; -1 past the maximum, unchanged */
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 0, a, 0), 4);
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 0, a, 3), -1);
    ck_assert_int_eq(BUILTIN(vm, table_size)(vm, 0), 4);
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 0, a, 2), 4);
    ck_assert_uint_eq(t->size, 6);
    ck_assert_ptr_eq(t->elems[4], a);
    ck_assert_ptr_eq(t->elems[5], a);
    ck_assert_ptr_eq(t->elems[2], b); /* old elements survive the move */
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 0, NULL, 1), -1);
    /* an unbounded table stops at the engine's limit */
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 1, NULL, UINT32_MAX), -1);
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 1, NULL, TABLE_MAX_ELEMS - 2 + 1), -1);
    ck_assert_int_eq(BUILTIN(vm, table_grow)(vm, 1, &marker, 3), 2);
    ck_assert_ptr_eq(BUILTIN(vm, table_get)(vm, 1, 4), &marker);

    /* declarative segments are dropped at instantiation */
    ck_assert_uint_eq(inst->elems[1].len, 0);
}
END_TEST

START_TEST(test_instance_builtins_conversions_and_tier_up)
{
    sl_instance_t *inst = instantiate(builtin_module, NULL, 0);
    vmctx_t *vm = &inst->vm;
    /* round to nearest, ties to even: 2^64 - 1 rounds up to 2^64 in both */
    ck_assert(BUILTIN(vm, f32_from_u64)(UINT64_MAX) == 18446744073709551616.0f);
    ck_assert(BUILTIN(vm, f64_from_u64)(UINT64_MAX) == 18446744073709551616.0);
    ck_assert(BUILTIN(vm, f64_from_u64)(1ull << 63) == 9223372036854775808.0);
    /* 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins */
    ck_assert(BUILTIN(vm, f64_from_u64)((1ull << 53) + 1) == 9007199254740992.0);
    ck_assert(BUILTIN(vm, f64_from_u64)((1ull << 53) + 3) == 9007199254740996.0);
    /* 0x8000_0080_0000_0001: just above the tie, rounds up */
    ck_assert(BUILTIN(vm, f32_from_u64)(0x8000008000000001ull) == 9223373136366403584.0f);
    ck_assert(BUILTIN(vm, f32_from_u64)(0x8000008000000000ull) == 9223372036854775808.0f);
    ck_assert(BUILTIN(vm, f32_from_u64)(0) == 0.0f);
    ck_assert(BUILTIN(vm, f32_from_u64)(16777217) == 16777216.0f);
    /* budgets start full; tier_up refills the one that ran out */
    int32_t full = engine_tier_up_budget(engine);
    ck_assert_int_gt(full, 0);
    ck_assert_int_eq(vm->budgets[0], full);
    ck_assert_int_eq(vm->budgets[1], full);
    vm->budgets[1] = -3;
    BUILTIN(vm, tier_up)(vm, 1);
    ck_assert_int_eq(vm->budgets[1], full);
    ck_assert_int_eq(vm->budgets[0], full);
}
END_TEST

/* ---- the host thunk, and trapping builtins inside an activation ---- */

typedef struct host_env {
    int calls;
    int64_t last_i64;
    int32_t last_i32;
} host_env_t;

static int
combine_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    host_env_t *e = env;
    e->calls++;
    e->last_i32 = args[0].of.i32;
    e->last_i64 = args[1].of.i64;
    results[0].of.i32 = args[0].of.i32 * 1000 + (int32_t)(args[1].of.i64 >> 32);
    return 0;
}

static int
fail_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)env;
    (void)args;
    (void)results;
    return SL_TRAP_HOST;
}

START_TEST(test_instance_host_function_called_from_wasm)
{
    const uint8_t params[] = {SL_I32, SL_I64}, results[] = {SL_I32};
    host_env_t env = {0};
    sl_func_t *host, *failing;
    ck_assert_int_eq(sl_func_new_host(store, params, 2, results, 1, combine_cb, &env, &host), 0);
    ck_assert_int_eq(sl_func_new_host(store, NULL, 0, NULL, 0, fail_cb, NULL, &failing), 0);
    ck_assert_ptr_eq(host->vmctx, (vmctx_t *)host);
    ck_assert_ptr_eq(*host->code, engine->host_thunk.rx);
    /* called directly, the host function sees its arguments */
    sl_value_t args[] = {i32(3), i64((int64_t)7 << 32)};
    ck_assert_int_eq(call_i32(host, args, 2), 3007);

    sl_module_t *m = compile("(module (import \"h\" \"f\" (func $h (param i32 i64) (result i32)))"
                             " (import \"h\" \"fail\" (func $fail))"
                             " (func (export \"run\") (param i32) (result i32)"
                             "   local.get 0 i32.const 1 i32.add i64.const 0x500000000 call $h"
                             "   i32.const 1 i32.add)"
                             " (func (export \"fail\") call $fail))");
    sl_extern_t imports[] = {ext_func(host), ext_func(failing)};
    sl_instance_t *inst = NULL;
    ck_assert_int_eq(sl_instance_new(store, m, imports, 2, &inst, NULL, NULL), 0);
    sl_module_unref(m);
    env.calls = 0;
    sl_value_t arg = i32(41);
    ck_assert_int_eq(call_i32(export_of(inst, "run", SL_EXTERN_FUNC).of.func, &arg, 1), 42006);
    ck_assert_int_eq(env.calls, 1);
    ck_assert_int_eq(env.last_i32, 42);
    ck_assert_int_eq(env.last_i64, 0x500000000);
    sl_trap_t trap;
    ck_assert_int_eq(sl_func_call(export_of(inst, "fail", SL_EXTERN_FUNC).of.func, NULL, 0, NULL,
                                  0, &trap),
                     SL_ETRAP);
    ck_assert_int_eq(trap.code, SL_TRAP_HOST);
    ck_assert_str_eq(trap.message, "host function failed");
}
END_TEST

static int
pair_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)env;
    results[0].of.i64 = args[0].of.i64 * 2;
    results[1].of.i32 = args[1].of.i32 + 1;
    double d;
    memcpy(&d, &args[2].of.f64, sizeof d);
    d *= 4.0;
    memcpy(&results[2].of.f64, &d, sizeof d);
    return 0;
}

static int
half_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)env;
    double d;
    memcpy(&d, &args[0].of.f64, sizeof d);
    d /= 2.0;
    memcpy(&results[0].of.f64, &d, sizeof d);
    return 0;
}

/* Several results come back through the call area, one float through xmm0, and a host function
 * in a table is reached by call_indirect with its canonical type id. */
START_TEST(test_instance_host_results_and_indirect_calls)
{
    const uint8_t pair_params[] = {SL_I64, SL_I32, SL_F64};
    const uint8_t pair_results[] = {SL_I64, SL_I32, SL_F64};
    const uint8_t f64_type[] = {SL_F64};
    sl_func_t *pair, *half;
    ck_assert_int_eq(sl_func_new_host(store, pair_params, 3, pair_results, 3, pair_cb, NULL, &pair),
                     0);
    ck_assert_int_eq(sl_func_new_host(store, f64_type, 1, f64_type, 1, half_cb, NULL, &half), 0);
    sl_extern_t imports[] = {ext_func(pair), ext_func(half)};
    sl_instance_t *inst = instantiate(
        "(module (type $pair (func (param i64 i32 f64) (result i64 i32 f64)))"
        " (type $f (func (param f64) (result f64)))"
        " (type $other (func (param i32) (result i32)))"
        " (import \"h\" \"pair\" (func $pair (type $pair)))"
        " (import \"h\" \"half\" (func $half (type $f)))"
        " (table 2 funcref) (elem (i32.const 0) $half $pair)"
        " (func (export \"sum\") (result i64)"
        "   (local i32 f64)"
        "   i64.const 20 i32.const 4 f64.const 1.5 call $pair"
        "   local.set 1 local.set 0 local.get 0 i64.extend_i32_u i64.add"
        "   local.get 1 f64.const 6 f64.eq i64.extend_i32_u i64.add)"
        " (func (export \"half\") (param f64) (result f64)"
        "   local.get 0 i32.const 0 call_indirect (type $f))"
        " (func (export \"wrong\") (result i32)"
        "   i32.const 7 i32.const 0 call_indirect (type $other)))",
        imports, 2);
    sl_value_t result;
    sl_trap_t trap;
    ck_assert_int_eq(
        sl_func_call(export_of(inst, "sum", SL_EXTERN_FUNC).of.func, NULL, 0, &result, 1, &trap),
        0);
    ck_assert_int_eq(result.of.i64, 40 + 5 + 1);
    double x = 9.0, y;
    sl_value_t arg = {.type = SL_F64};
    memcpy(&arg.of.f64, &x, sizeof x);
    ck_assert_int_eq(
        sl_func_call(export_of(inst, "half", SL_EXTERN_FUNC).of.func, &arg, 1, &result, 1, &trap),
        0);
    memcpy(&y, &result.of.f64, sizeof y);
    ck_assert(y == 4.5);
    ck_assert_int_eq(
        sl_func_call(export_of(inst, "wrong", SL_EXTERN_FUNC).of.func, NULL, 0, &result, 1, &trap),
        SL_ETRAP);
    ck_assert_int_eq(trap.code, SL_TRAP_INDIRECT_CALL_MISMATCH);
}
END_TEST

/* Objects shared between instances through imports, used by compiled code: a memory grown by
 * one instance is seen grown by the other, a global set by one is read by the other. */
START_TEST(test_instance_wasm_code_shares_imported_objects)
{
    sl_instance_t *a = instantiate("(module (memory (export \"mem\") 1 4)"
                                   " (global (export \"g\") (mut i32) (i32.const 5))"
                                   " (func (export \"size\") (result i32) memory.size)"
                                   " (func (export \"get\") (result i32) global.get 0))",
                                   NULL, 0);
    sl_extern_t imports[] = {export_of(a, "mem", SL_EXTERN_MEMORY),
                             export_of(a, "g", SL_EXTERN_GLOBAL)};
    sl_instance_t *b = instantiate("(module (import \"a\" \"mem\" (memory 1))"
                                   " (import \"a\" \"g\" (global $g (mut i32)))"
                                   " (func (export \"grow\") (param i32) (result i32)"
                                   "   local.get 0 memory.grow)"
                                   " (func (export \"set\") (param i32) local.get 0 global.set $g))",
                                   imports, 2);
    sl_value_t arg = i32(2);
    ck_assert_int_eq(call_i32(export_of(b, "grow", SL_EXTERN_FUNC).of.func, &arg, 1), 1);
    ck_assert_int_eq(call_i32(export_of(a, "size", SL_EXTERN_FUNC).of.func, NULL, 0), 3);
    ck_assert_int_eq(call_i32(export_of(b, "grow", SL_EXTERN_FUNC).of.func, &arg, 1), -1);
    arg = i32(-9);
    sl_trap_t trap;
    ck_assert_int_eq(
        sl_func_call(export_of(b, "set", SL_EXTERN_FUNC).of.func, &arg, 1, NULL, 0, &trap), 0);
    ck_assert_int_eq(call_i32(export_of(a, "get", SL_EXTERN_FUNC).of.func, NULL, 0), -9);
}
END_TEST

/* A host function that runs one builtin call with out-of-bounds arguments, from inside the wasm
 * activation that called it, so the builtin's trap has somewhere to go. */
typedef struct oob_env {
    sl_instance_t *inst;
    int which;
} oob_env_t;

enum {
    OOB_FILL, OOB_FILL_WRAP, OOB_COPY_DST, OOB_COPY_SRC, OOB_INIT_SRC, OOB_INIT_DST,
    OOB_INIT_DROPPED, OOB_TABLE_GET, OOB_TABLE_SET, OOB_TABLE_FILL, OOB_TABLE_COPY,
    OOB_TABLE_INIT, OOB_N
};

static int
oob_cb(void *env, const sl_value_t *args, sl_value_t *results)
{
    (void)args;
    (void)results;
    oob_env_t *e = env;
    vmctx_t *vm = &e->inst->vm;
    switch (e->which) {
    case OOB_FILL: BUILTIN(vm, memory_fill)(vm, 65530, 1, 7); break;
    case OOB_FILL_WRAP: BUILTIN(vm, memory_fill)(vm, 1, 1, UINT32_MAX); break;
    case OOB_COPY_DST: BUILTIN(vm, memory_copy)(vm, 65531, 0, 6); break;
    case OOB_COPY_SRC: BUILTIN(vm, memory_copy)(vm, 0, 65531, 6); break;
    case OOB_INIT_SRC: BUILTIN(vm, memory_init)(vm, 0, 0, 1, 6); break;
    case OOB_INIT_DST: BUILTIN(vm, memory_init)(vm, 0, 65535, 0, 2); break;
    case OOB_INIT_DROPPED:
        BUILTIN(vm, data_drop)(vm, 0);
        BUILTIN(vm, memory_init)(vm, 0, 0, 0, 1);
        break;
    case OOB_TABLE_GET: BUILTIN(vm, table_get)(vm, 0, 4); break;
    case OOB_TABLE_SET: BUILTIN(vm, table_set)(vm, 0, UINT32_MAX, NULL); break;
    case OOB_TABLE_FILL: BUILTIN(vm, table_fill)(vm, 0, 2, NULL, 3); break;
    case OOB_TABLE_COPY: BUILTIN(vm, table_copy)(vm, 0, 1, 0, 1, 2); break;
    case OOB_TABLE_INIT: BUILTIN(vm, table_init)(vm, 0, 0, 2, 0, 3); break;
    }
    return 0;
}

START_TEST(test_instance_builtins_trap_out_of_bounds)
{
    oob_env_t env = {0};
    sl_func_t *host;
    ck_assert_int_eq(sl_func_new_host(store, NULL, 0, NULL, 0, oob_cb, &env, &host), 0);
    sl_module_t *m = compile("(module (import \"h\" \"oob\" (func $oob)) (memory 1 3)"
                             " (table $t 4 6 funcref) (table $u 2 externref)"
                             " (func $a (export \"a\") (result i32) i32.const 10)"
                             " (elem $e funcref (ref.func $a) (ref.func $a) (ref.null func))"
                             " (data $d \"abcdef\")"
                             " (func (export \"run\") call $oob))");
    sl_extern_t imports[] = {ext_func(host)};
    for (int which = 0; which < OOB_N; which++) {
        sl_instance_t *inst = NULL;
        ck_assert_int_eq(sl_instance_new(store, m, imports, 1, &inst, NULL, NULL), 0);
        env = (oob_env_t){inst, which};
        memset(inst->vm.mem_base + 65530, 0, 6);
        sl_trap_t trap;
        ck_assert_int_eq(sl_func_call(export_of(inst, "run", SL_EXTERN_FUNC).of.func, NULL, 0,
                                      NULL, 0, &trap),
                         SL_ETRAP);
        int want = which >= OOB_TABLE_GET ? SL_TRAP_TABLE_OOB : SL_TRAP_MEMORY_OOB;
        ck_assert_msg(trap.code == want, "case %d: trap %d", which, trap.code);
        /* nothing was written before the check failed */
        for (int i = 0; i < 6; i++)
            ck_assert_uint_eq(inst->vm.mem_base[65530 + i], 0);
        for (uint32_t i = 0; i < 4; i++)
            ck_assert_ptr_null(inst->vm.tables[0]->elems[i]);
    }
    sl_module_unref(m);
}
END_TEST

Suite *
instance_suite(void)
{
    Suite *s = suite_create("instance");
    TCase *tc = tcase_create("instance");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_instance_imported_memory_gets_data_segments);
    tcase_add_test(tc, test_instance_defined_memory_is_shared_by_importers);
    tcase_add_test(tc, test_instance_element_segments_fill_tables);
    tcase_add_test(tc, test_instance_globals_import_export_and_init);
    tcase_add_test(tc, test_instance_link_errors);
    tcase_add_test(tc, test_instance_out_of_bounds_segments_keep_earlier_writes);
    tcase_add_test(tc, test_instance_start_function);
    tcase_add_test(tc, test_instance_type_ids_are_canonical);
    tcase_add_test(tc, test_instance_type_registry_is_consistent_across_threads);
    tcase_add_test(tc, test_instance_builtins_memory);
    tcase_add_test(tc, test_instance_builtins_tables);
    tcase_add_test(tc, test_instance_builtins_conversions_and_tier_up);
    tcase_add_test(tc, test_instance_host_function_called_from_wasm);
    tcase_add_test(tc, test_instance_host_results_and_indirect_calls);
    tcase_add_test(tc, test_instance_wasm_code_shares_imported_objects);
    tcase_add_test(tc, test_instance_builtins_trap_out_of_bounds);
    suite_add_tcase(s, tc);
    return s;
}
