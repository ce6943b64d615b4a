/* Stores and instances: creating an instance's runtime objects, linking, exports.
 *
 * This first runtime instantiates modules made of functions only; imports, memories, tables and
 * globals answer SL_ENOTSUP until the runtime grows them (the baseline compiler refuses the
 * instructions that would use them in the same way). */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

int
sl_store_new(sl_engine_t *engine, sl_store_t **out)
{
    sl_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return SL_ENOMEM;
    s->engine = engine;
    atomic_init(&s->limits.stack_limit, 0);
    atomic_init(&s->limits.interrupt, 0);
    *out = s;
    return 0;
}

static void
instance_free(sl_instance_t *inst)
{
    free(inst->own_funcs);
    free(inst->func_ptrs);
    sl_module_unref(inst->module);
    free(inst);
}

void
sl_store_free(sl_store_t *s)
{
    if (!s)
        return;
    while (s->instances) {
        sl_instance_t *next = s->instances->next;
        instance_free(s->instances);
        s->instances = next;
    }
    store_free_objects(s);
    free(s);
}

static int
unsupported(sl_error_t *err, const char *what)
{
    if (err) {
        error_clear(err);
        error_set(err, SL_ENOTSUP, SL_NO_SECTION, 0, "the runtime does not instantiate %s yet",
                  what);
    }
    return SL_ENOTSUP;
}

int
sl_instance_new(sl_store_t *store, sl_module_t *m, const sl_extern_t *imports, size_t n_imports,
                sl_instance_t **out, sl_error_t *err, sl_trap_t *trap)
{
    *out = NULL;
    if (!m->code)
        return SL_EARG; /* decoded but not compiled */
    if (m->n_imports || n_imports)
        return unsupported(err, "imports");
    if (m->n_memories || m->n_tables || m->n_globals || m->n_elems || m->n_datas)
        return unsupported(err, "memories, tables, globals or segments");

    sl_instance_t *inst = calloc(1, sizeof *inst);
    if (!inst)
        return SL_ENOMEM;
    inst->store = store;
    inst->module = sl_module_ref(m);
    inst->own_funcs = calloc(m->n_funcs ? m->n_funcs : 1, sizeof *inst->own_funcs);
    inst->func_ptrs = calloc(m->n_funcs ? m->n_funcs : 1, sizeof *inst->func_ptrs);
    if (!inst->own_funcs || !inst->func_ptrs) {
        instance_free(inst);
        return SL_ENOMEM;
    }
    const void *const *slots = (const void *const *)m->code->jump_table.rx;
    for (uint32_t i = 0; i < m->n_funcs; i++) {
        sl_func_t *f = &inst->own_funcs[i];
        f->code = slots + (i - m->n_imported_funcs);
        f->vmctx = &inst->vm;
        f->func_index = i;
        f->type = module_func_type(m, i);
        f->store = store;
        inst->func_ptrs[i] = f;
    }
    inst->vm.limits = &store->limits;
    inst->vm.funcs = inst->func_ptrs;
    vm_fill_builtins(&inst->vm);

    if (m->has_start) { /* spec: instantiation runs the start function last */
        sl_trap_t local;
        if (sl_func_call(inst->func_ptrs[m->start], NULL, 0, NULL, 0, trap ? trap : &local)) {
            instance_free(inst);
            return SL_ETRAP;
        }
    }
    inst->next = store->instances;
    store->instances = inst;
    *out = inst;
    return 0;
}

int
sl_instance_export(sl_instance_t *inst, const char *name, size_t name_len, sl_extern_t *out)
{
    const sl_module_t *m = inst->module;
    for (uint32_t i = 0; i < m->n_exports; i++) {
        const module_export_t *e = &m->exports[i];
        if (e->name.len != name_len || memcmp(m->wire + e->name.offset, name, name_len) != 0)
            continue;
        if (e->kind != SL_EXTERN_FUNC)
            return SL_ENOTSUP;
        out->kind = SL_EXTERN_FUNC;
        out->of.func = inst->func_ptrs[e->index];
        return 0;
    }
    return SL_ENOTFOUND;
}
