/* Linking: matching the host's externs against the module's imports (spec 2.0: validation,
 * import matching) and taking them into the instance's index spaces. Nothing is allocated and no
 * store object is touched, so a failure here leaves no trace. */
#include "instance.h"

/* Limits subtyping (spec: import matching, limits): the extern must be at least as large as the
 * import asks, and if the import declares a maximum the extern must have one no larger. The
 * extern's minimum is its current size. */
static bool
limits_match(uint64_t size, bool has_max, uint64_t max, const module_limits_range_t *want)
{
    if (size < want->min)
        return false;
    return !want->has_max || (has_max && max <= want->max);
}

/* Why the extern does not fit, or NULL if it does. */
static const char *
mismatch(const sl_instance_t *inst, const module_import_t *imp, const sl_extern_t *ext)
{
    const sl_module_t *m = inst->module;
    if ((uint8_t)ext->kind != imp->kind)
        return "wrong kind";
    switch (ext->kind) {
    case SL_EXTERN_FUNC: {
        /* canonical ids are equal exactly when the types are (type_registry.h) */
        uint32_t want = inst->vm.type_ids[m->funcs[imp->index].type_index];
        return ext->of.func->type_id == want ? NULL : "function type";
    }
    case SL_EXTERN_TABLE: {
        const sl_table_t *t = ext->of.table;
        const module_table_t *want = &m->tables[imp->index];
        if (t->elem_type != want->elem_type)
            return "table element type";
        return limits_match(t->size, t->has_max, t->max, &want->limits) ? NULL : "table limits";
    }
    case SL_EXTERN_MEMORY: {
        const sl_memory_t *mem = ext->of.memory;
        return limits_match(mem->linear->pages, mem->has_max, mem->linear->max_pages,
                            &m->memories[imp->index].limits)
                   ? NULL
                   : "memory limits";
    }
    case SL_EXTERN_GLOBAL: {
        const sl_global_t *g = ext->of.global;
        const module_global_t *want = &m->globals[imp->index];
        if (g->type != want->type)
            return "global type";
        return g->is_mutable == want->is_mutable ? NULL : "global mutability";
    }
    }
    return "wrong kind";
}

/* The object's store, or NULL for a missing object. */
static const sl_store_t *
store_of(const sl_extern_t *ext)
{
    switch (ext->kind) {
    case SL_EXTERN_FUNC:
        return ext->of.func ? ext->of.func->store : NULL;
    case SL_EXTERN_TABLE:
        return ext->of.table ? ext->of.table->store : NULL;
    case SL_EXTERN_MEMORY:
        return ext->of.memory ? ext->of.memory->store : NULL;
    case SL_EXTERN_GLOBAL:
        return ext->of.global ? ext->of.global->store : NULL;
    }
    return NULL;
}

static int
link_error(sl_error_t *err, int code, const module_import_t *imp, const sl_module_t *m,
           uint32_t i, const char *what, const char *why)
{
    if (err)
        error_set(err, code, SL_NO_SECTION, 0, "%s: import %u \"%.*s\" \"%.*s\" (%s)", what, i,
                  (int)imp->module.len, (const char *)m->wire + imp->module.offset,
                  (int)imp->name.len, (const char *)m->wire + imp->name.offset, why);
    return code;
}

int
instance_link(sl_instance_t *inst, const sl_extern_t *imports, size_t n_imports,
              sl_error_t *err)
{
    const sl_module_t *m = inst->module;
    if (n_imports < m->n_imports) {
        const module_import_t *imp = &m->imports[n_imports];
        return link_error(err, SL_ELINK, imp, m, (uint32_t)n_imports, "unknown import",
                          "not given");
    }
    if (n_imports > m->n_imports) {
        if (err)
            error_set(err, SL_EARG, SL_NO_SECTION, 0, "%zu imports given, the module has %u",
                      n_imports, m->n_imports);
        return SL_EARG;
    }
    for (uint32_t i = 0; i < m->n_imports; i++) {
        const module_import_t *imp = &m->imports[i];
        const sl_extern_t *ext = &imports[i];
        const sl_store_t *store = store_of(ext);
        if (store != inst->store)
            return link_error(err, SL_EARG, imp, m, i, "invalid import",
                              store ? "an object of another store" : "no object");
        const char *why = mismatch(inst, imp, ext);
        if (why)
            return link_error(err, SL_ELINK, imp, m, i, "incompatible import type", why);
        switch (ext->kind) {
        case SL_EXTERN_FUNC:
            inst->func_ptrs[imp->index] = ext->of.func;
            break;
        case SL_EXTERN_TABLE:
            inst->table_ptrs[imp->index] = ext->of.table;
            break;
        case SL_EXTERN_MEMORY:
            inst->memory = ext->of.memory;
            inst->vm.memory = ext->of.memory->linear;
            inst->vm.mem_base = ext->of.memory->linear->base;
            break;
        case SL_EXTERN_GLOBAL:
            inst->global_ptrs[imp->index] = ext->of.global;
            break;
        }
    }
    return 0;
}
