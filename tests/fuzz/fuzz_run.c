/* libFuzzer target for compiled code: every input the baseline tier compiles is instantiated (its
 * function imports satisfied by host functions returning zeros; modules importing anything else
 * are left out) and every exported function is called with zero arguments under a short
 * deadline. Traps are fine; a crash, a sanitizer report or an engine error other than a trap is
 * a finding. This reaches code generation and the runtime in ways decoding alone cannot. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_CALLS = 16, MAX_VALUES = 64 };
static const uint64_t deadline_ns = 20 * 1000 * 1000;

static sl_engine_t *engine;

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
make_imports(sl_store_t *store, sl_module_t *m, sl_extern_t *imports, sl_func_sig_t *sigs)
{
    uint32_t n = sl_module_n_imports(m);
    for (uint32_t i = 0; i < n; i++) {
        sl_import_info_t info;
        if (sl_module_import(m, i, &info) != 0 || info.kind != SL_EXTERN_FUNC ||
            sl_module_func_sig(m, info.index, &sigs[i]) != 0)
            return false;
        imports[i].kind = SL_EXTERN_FUNC;
        if (sl_func_new_host(store, sigs[i].params, sigs[i].n_params, sigs[i].results,
                             sigs[i].n_results, return_zeros, &sigs[i], &imports[i].of.func))
            return false;
    }
    return true;
}

static void
call_exports(sl_store_t *store, sl_module_t *m, sl_instance_t *inst)
{
    uint32_t n_calls = 0;
    for (uint32_t i = 0; i < sl_module_n_exports(m) && n_calls < MAX_CALLS; i++) {
        sl_export_info_t info;
        sl_func_sig_t sig;
        sl_extern_t e;
        if (sl_module_export(m, i, &info) != 0 || info.kind != SL_EXTERN_FUNC ||
            sl_module_func_sig(m, info.index, &sig) != 0 || sig.n_params > MAX_VALUES ||
            sig.n_results > MAX_VALUES ||
            sl_instance_export(inst, info.name, info.name_len, &e) != 0)
            continue;
        sl_value_t args[MAX_VALUES], results[MAX_VALUES];
        for (uint32_t k = 0; k < sig.n_params; k++)
            args[k] = (sl_value_t){.type = sig.params[k]};
        sl_store_set_deadline(store, deadline_ns);
        sl_trap_t trap;
        int rc = sl_func_call(e.of.func, args, sig.n_params, results, sig.n_results, &trap);
        if (rc != 0 && rc != SL_ETRAP) {
            fprintf(stderr, "calling export %u failed with %d\n", i, rc);
            abort();
        }
        n_calls++;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine && sl_engine_new(NULL, &engine) != 0)
        abort();
    sl_module_t *m = NULL;
    if (sl_module_compile(engine, data, size, &m, NULL) != 0)
        return 0;
    sl_store_t *store;
    if (sl_store_new(engine, &store) != 0)
        abort();
    uint32_t n_imports = sl_module_n_imports(m);
    sl_extern_t *imports = calloc(n_imports + 1, sizeof *imports);
    sl_func_sig_t *sigs = calloc(n_imports + 1, sizeof *sigs);
    if (!imports || !sigs)
        abort();
    if (make_imports(store, m, imports, sigs)) {
        sl_instance_t *inst;
        sl_store_set_deadline(store, deadline_ns); /* a start function may loop */
        if (sl_instance_new(store, m, imports, n_imports, &inst, NULL, NULL) == 0)
            call_exports(store, m, inst);
    }
    sl_store_set_deadline(store, 0);
    sl_store_free(store);
    free(imports);
    free(sigs);
    sl_module_unref(m);
    return 0;
}
