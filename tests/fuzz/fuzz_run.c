/* libFuzzer target for compiled code, and the differential between the tiers: every input the
 * baseline tier compiles is compiled again by the top tier (another engine), both are
 * instantiated (function imports satisfied by host functions returning zeros; modules importing
 * anything else are left out), and every exported function is called on both, with zero
 * arguments and then with edge values picked by the input's bytes, under a short deadline. Both
 * sides must agree on each call's results (NaNs only as NaNs, tier_compare.h), trap message,
 * linear memory and globals; a difference, a crash, a sanitizer report or an engine error other
 * than a trap is a finding. A deadline or stack exhaustion on either side ends the comparison of
 * the input: the tiers may stop at different points, and their frames differ in size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "slipstream.h"
#include "tier_compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_CALLS = 16, MAX_VALUES = 64, N_ARG_SETS = 2 };
static const uint64_t deadline_ns = 20 * 1000 * 1000;

enum { BASE, TOP, N_SIDES };
static const char *const side_name[N_SIDES] = {"baseline", "top"};
static sl_engine_t *engines[N_SIDES];

/* One tier's module, store and instance. */
typedef struct side {
    sl_module_t *module;
    sl_store_t *store;
    sl_instance_t *inst;
    sl_extern_t *imports;
    sl_func_sig_t *sigs;
} side_t;

/* One call's outcome on one side. */
typedef struct outcome {
    int rc;
    sl_trap_t trap;
    sl_value_t results[MAX_VALUES];
} outcome_t;

static int
return_zeros(void *env, const sl_value_t *args, sl_value_t *results)
{
    const sl_func_sig_t *sig = env;
    for (uint32_t i = 0; i < sig->n_results; i++)
        results[i] = (sl_value_t){.type = sig->results[i]};
    return 0;
}

/* Host functions for the function imports; false when the module imports something else. */
static bool
make_imports(side_t *s)
{
    uint32_t n = sl_module_n_imports(s->module);
    for (uint32_t i = 0; i < n; i++) {
        sl_import_info_t info;
        if (sl_module_import(s->module, i, &info) != 0 || info.kind != SL_EXTERN_FUNC ||
            sl_module_func_sig(s->module, info.index, &s->sigs[i]) != 0)
            return false;
        s->imports[i].kind = SL_EXTERN_FUNC;
        if (sl_func_new_host(s->store, s->sigs[i].params, s->sigs[i].n_params, s->sigs[i].results,
                             s->sigs[i].n_results, return_zeros, &s->sigs[i],
                             &s->imports[i].of.func))
            return false;
    }
    return true;
}

/* Store and instance for a compiled module; the outcome of instantiation in *o. False when the
 * module cannot be instantiated here (its imports). */
static bool
side_start(side_t *s, int tier, outcome_t *o)
{
    uint32_t n_imports = sl_module_n_imports(s->module);
    if (sl_store_new(engines[tier], &s->store) != 0)
        abort();
    s->imports = calloc(n_imports + 1, sizeof *s->imports);
    s->sigs = calloc(n_imports + 1, sizeof *s->sigs);
    if (!s->imports || !s->sigs)
        abort();
    if (!make_imports(s))
        return false;
    memset(o, 0, sizeof *o);
    sl_store_set_deadline(s->store, deadline_ns); /* a start function may loop */
    o->rc = sl_instance_new(s->store, s->module, s->imports, n_imports, &s->inst, NULL, &o->trap);
    sl_store_set_deadline(s->store, 0);
    return true;
}

static void
side_end(side_t *s)
{
    if (s->store)
        sl_store_set_deadline(s->store, 0);
    sl_store_free(s->store);
    free(s->imports);
    free(s->sigs);
    sl_module_unref(s->module);
}

static void
describe(const outcome_t *o, uint32_t n_results, char *buf, size_t size)
{
    if (o->rc == SL_ETRAP) {
        snprintf(buf, size, "trap \"%s\"", o->trap.message);
        return;
    }
    if (o->rc != 0) {
        snprintf(buf, size, "error %d", o->rc);
        return;
    }
    size_t len = (size_t)snprintf(buf, size, "returned");
    for (uint32_t i = 0; i < n_results && len < size; i++) {
        char value[64];
        tiers_format_value(&o->results[i], value, sizeof value);
        len += (size_t)snprintf(buf + len, size - len, " %s", value);
    }
}

static _Noreturn void
report(const char *what, const outcome_t o[N_SIDES], uint32_t n_results)
{
    char text[N_SIDES][1024];
    for (int t = 0; t < N_SIDES; t++)
        describe(&o[t], n_results, text[t], sizeof text[t]);
    fprintf(stderr, "tiers differ: %s\n  %s: %s\n  %s: %s\n", what, side_name[BASE], text[BASE],
            side_name[TOP], text[TOP]);
    abort();
}

/* A trap after which the two sides may rightly hold different state. */
static bool
ends_comparison(const outcome_t *o)
{
    return o->rc == SL_ETRAP &&
           (o->trap.code == SL_TRAP_INTERRUPTED || o->trap.code == SL_TRAP_STACK_EXHAUSTED);
}

/* Aborts unless both outcomes agree; false when the comparison of the input should end. */
static bool
compare_outcomes(const char *what, const outcome_t o[N_SIDES], uint32_t n_results)
{
    if (ends_comparison(&o[BASE]) || ends_comparison(&o[TOP]))
        return false;
    if (o[BASE].rc != o[TOP].rc)
        report(what, o, n_results);
    if (o[BASE].rc == SL_ETRAP && (o[BASE].trap.code != o[TOP].trap.code ||
                                   strcmp(o[BASE].trap.message, o[TOP].trap.message) != 0))
        report(what, o, n_results);
    if (o[BASE].rc == 0)
        for (uint32_t i = 0; i < n_results; i++)
            if (!tiers_same_value(&o[BASE].results[i], &o[TOP].results[i]))
                report(what, o, n_results);
    return true;
}

/* The instance state a call leaves: memory 0 (size and bytes) and every global. */
static void
compare_state(const char *what, side_t s[N_SIDES])
{
    const sl_memory_t *mem[N_SIDES] = {s[BASE].inst->memory, s[TOP].inst->memory};
    if (mem[BASE] && mem[TOP]) {
        uint64_t size[N_SIDES];
        uint8_t *bytes[N_SIDES];
        for (int t = 0; t < N_SIDES; t++)
            bytes[t] = sl_memory_data(mem[t], &size[t]);
        size_t at;
        if (size[BASE] != size[TOP]) {
            fprintf(stderr, "tiers differ: after %s, memory size baseline %llu, top %llu\n", what,
                    (unsigned long long)size[BASE], (unsigned long long)size[TOP]);
            abort();
        }
        if (!tiers_same_bytes(bytes[BASE], bytes[TOP], (size_t)size[BASE], &at)) {
            fprintf(stderr, "tiers differ: after %s, memory byte %zu: baseline 0x%02x, top 0x%02x\n",
                    what, at, bytes[BASE][at], bytes[TOP][at]);
            abort();
        }
    }
    for (uint32_t g = 0; g < s[BASE].module->n_globals; g++) {
        sl_value_t v[N_SIDES];
        for (int t = 0; t < N_SIDES; t++)
            sl_global_get(s[t].inst->global_ptrs[g], &v[t]);
        if (!tiers_same_value(&v[BASE], &v[TOP])) {
            char text[N_SIDES][64];
            for (int t = 0; t < N_SIDES; t++)
                tiers_format_value(&v[t], text[t], sizeof text[t]);
            fprintf(stderr, "tiers differ: after %s, global %u: baseline %s, top %s\n", what, g,
                    text[BASE], text[TOP]);
            abort();
        }
    }
}

/* Argument k of set `set`: zeros first, then edge values chosen by the input's bytes. */
static sl_value_t
argument(uint8_t type, uint32_t k, int set, const uint8_t *data, size_t size)
{
    static const uint64_t ints[] = {0, 1, UINT64_MAX, 0x7fffffff, 0x80000000, INT64_MAX,
                                    (uint64_t)INT64_MIN, 0xffffffff, 0x10000, 31, 64};
    static const uint32_t f32s[] = {0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000,
                                    0x7fa00001, 0x00000001, 0x4f000000, 0xcf000000, 0x7f7fffff};
    static const uint64_t f64s[] = {UINT64_C(0x8000000000000000), UINT64_C(0x3ff0000000000000),
                                    UINT64_C(0x7ff0000000000000), UINT64_C(0xfff0000000000000),
                                    UINT64_C(0x7ff8000000000000), UINT64_C(0x7ff4000000000001),
                                    UINT64_C(0x0000000000000001), UINT64_C(0x43e0000000000000),
                                    UINT64_C(0xc3e0000000000000), UINT64_C(0x41dfffffffc00000)};
    sl_value_t v = {.type = type};
    if (set == 0 || size == 0)
        return v;
    uint8_t pick = data[(k * 7 + size / 2) % size];
    switch (type) {
    case SL_I32:
        v.of.i32 = (int32_t)(uint32_t)ints[pick % (sizeof ints / sizeof ints[0])];
        break;
    case SL_I64:
        v.of.i64 = (int64_t)ints[pick % (sizeof ints / sizeof ints[0])];
        break;
    case SL_F32:
        v.of.f32 = f32s[pick % (sizeof f32s / sizeof f32s[0])];
        break;
    case SL_F64:
        v.of.f64 = f64s[pick % (sizeof f64s / sizeof f64s[0])];
        break;
    case SL_V128:
        for (int b = 0; b < 16; b++)
            v.of.v128[b] = data[(k * 16 + (uint32_t)b) % size];
        break;
    default:
        break; /* null references */
    }
    return v;
}

/* Calls each exported function on both sides with the same arguments and compares. */
static void
call_exports(side_t s[N_SIDES], const uint8_t *data, size_t size)
{
    sl_module_t *m = s[BASE].module;
    uint32_t n_calls = 0;
    for (uint32_t i = 0; i < sl_module_n_exports(m) && n_calls < MAX_CALLS; i++) {
        sl_export_info_t info;
        sl_func_sig_t sig;
        sl_extern_t e[N_SIDES];
        if (sl_module_export(m, i, &info) != 0 || info.kind != SL_EXTERN_FUNC ||
            sl_module_func_sig(m, info.index, &sig) != 0 || sig.n_params > MAX_VALUES ||
            sig.n_results > MAX_VALUES ||
            sl_instance_export(s[BASE].inst, info.name, info.name_len, &e[BASE]) != 0 ||
            sl_instance_export(s[TOP].inst, info.name, info.name_len, &e[TOP]) != 0)
            continue;
        for (int set = 0; set < N_ARG_SETS; set++, n_calls++) {
            sl_value_t args[MAX_VALUES];
            for (uint32_t k = 0; k < sig.n_params; k++)
                args[k] = argument(sig.params[k], k, set, data, size);
            outcome_t o[N_SIDES];
            for (int t = 0; t < N_SIDES; t++) {
                memset(&o[t], 0, sizeof o[t]);
                sl_store_set_deadline(s[t].store, deadline_ns);
                o[t].rc = sl_func_call(e[t].of.func, args, sig.n_params, o[t].results,
                                       sig.n_results, &o[t].trap);
                sl_store_set_deadline(s[t].store, 0);
                if (o[t].rc != 0 && o[t].rc != SL_ETRAP) {
                    fprintf(stderr, "%s: calling export %u failed with %d\n", side_name[t], i,
                            o[t].rc);
                    abort();
                }
            }
            char what[160];
            snprintf(what, sizeof what, "export %u \"%.*s\" (function %u), argument set %d", i,
                     (int)(info.name_len > 64 ? 64 : info.name_len), info.name, info.index, set);
            if (!compare_outcomes(what, o, sig.n_results))
                return;
            compare_state(what, s);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engines[BASE]) {
        sl_engine_options_t top = {.tier = SL_TIER_TOP};
        if (sl_engine_new(NULL, &engines[BASE]) != 0 || sl_engine_new(&top, &engines[TOP]) != 0)
            abort();
    }
    side_t s[N_SIDES] = {0};
    if (sl_module_compile(engines[BASE], data, size, &s[BASE].module, NULL) != 0)
        return 0;
    sl_error_t err;
    int rc = sl_module_compile(engines[TOP], data, size, &s[TOP].module, &err);
    if (rc == SL_ELIMIT)
        goto out;
    if (rc != 0) {
        fprintf(stderr, "the top tier fails a module the baseline compiles: %d (%s)\n", rc,
                err.message);
        abort();
    }
    outcome_t o[N_SIDES];
    for (int t = 0; t < N_SIDES; t++)
        if (!side_start(&s[t], t, &o[t]))
            goto out;
    if (!compare_outcomes("instantiation", o, 0) || o[BASE].rc != 0)
        goto out;
    compare_state("instantiation", s);
    call_exports(s, data, size);
out:
    for (int t = 0; t < N_SIDES; t++)
        side_end(&s[t]);
    return 0;
}
