/* Stores and instances: the instance's lifetime, allocation of what it defines, exports, and the
 * order of instantiation (spec: modules, instantiation). Linking is in instance_link.c, constant
 * expressions and segments in instance_segments.c.
 *
 * Ownership: see instance.h and store.h. An instance's own arrays (function references, index
 * spaces, element segment references) belong to it; the tables, memories and globals it defines are
 * store objects. Threading: one thread per store; instances of one module may be created on several
 * threads (module_shared_get is the only shared write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "deadline.h"
#include "engine_state.h"
#include "instance.h"
#include "jump_table.h"

int
sl_store_new(sl_engine_t *engine, sl_store_t **out)
{
    sl_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return SL_ENOMEM;
    s->engine = engine;
    atomic_init(&s->limits.stack_limit, 0);
    atomic_init(&s->limits.interrupt, 0);
    s->memory.pool = &engine->memory;
    s->max_table_elems = TABLE_MAX_ELEMS;
    *out = s;
    return 0;
}

void
sl_store_set_limits(sl_store_t *s, const sl_store_limits_t *limits)
{
    s->memory.limit = limits->max_memory;
    uint32_t elems = limits->max_table_elems;
    s->max_table_elems = elems == 0 || elems > TABLE_MAX_ELEMS ? TABLE_MAX_ELEMS : elems;
}

uint64_t
sl_store_memory_committed(const sl_store_t *s)
{
    return s->memory.committed;
}

static void
instance_free(sl_instance_t *inst)
{
    if (inst->elems)
        for (uint32_t i = 0; i < inst->module->n_elems; i++)
            free(inst->elems[i].refs);
    free(inst->elems);
    free(inst->data_sizes);
    free(inst->own_funcs);
    free(inst->func_ptrs);
    free(inst->table_ptrs);
    free(inst->global_ptrs);
    sl_module_unref(inst->module);
    free(inst);
}

void
sl_store_free(sl_store_t *s)
{
    if (!s)
        return;
    deadlines_cancel(s->engine->deadlines, s);
    while (s->instances) {
        sl_instance_t *next = s->instances->next;
        instance_free(s->instances);
        s->instances = next;
    }
    store_free_objects(s);
    free(s);
}

/* The module's canonical type ids and tier-up budgets, made once. Two threads instantiating the
 * same module at once may both build them; the loser of the compare-and-swap frees its copy. */
static int
module_shared_get(sl_engine_t *engine, sl_module_t *m, module_shared_t **out)
{
    module_code_t *code = m->code;
    module_shared_t *shared = atomic_load_explicit(&code->shared, memory_order_acquire);
    if (shared) {
        *out = shared;
        return 0;
    }
    uint32_t n_defined = m->n_funcs - m->n_imported_funcs;
    shared = malloc(sizeof *shared + sizeof(uint32_t) * (size_t)m->n_types +
                    sizeof(int32_t) * (size_t)n_defined);
    if (!shared)
        return SL_ENOMEM;
    shared->type_ids = (uint32_t *)(shared + 1);
    shared->budgets = (int32_t *)(shared->type_ids + m->n_types);
    for (uint32_t i = 0; i < m->n_types; i++) {
        int rc = typeregistry_intern(engine->types, &m->types[i], &shared->type_ids[i]);
        if (rc != 0) {
            free(shared);
            return rc;
        }
    }
    for (uint32_t i = 0; i < n_defined; i++)
        shared->budgets[i] = engine_tier_up_budget(engine);
    module_shared_t *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&code->shared, &expected, shared,
                                                 memory_order_acq_rel, memory_order_acquire)) {
        free(shared);
        shared = expected;
    }
    *out = shared;
    return 0;
}

static void *
calloc_n(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* The instance's arrays and its defined functions; the index spaces stay empty until linking. */
static int
instance_alloc(sl_store_t *store, sl_module_t *m, const module_shared_t *shared,
               sl_instance_t **out)
{
    sl_instance_t *inst = calloc(1, sizeof *inst);
    if (!inst)
        return SL_ENOMEM;
    inst->store = store;
    inst->module = sl_module_ref(m);
    inst->own_funcs = calloc_n(m->n_funcs, sizeof *inst->own_funcs);
    inst->func_ptrs = calloc_n(m->n_funcs, sizeof *inst->func_ptrs);
    inst->table_ptrs = calloc_n(m->n_tables, sizeof *inst->table_ptrs);
    inst->global_ptrs = calloc_n(m->n_globals, sizeof *inst->global_ptrs);
    inst->elems = calloc_n(m->n_elems, sizeof *inst->elems);
    inst->data_sizes = calloc_n(m->n_datas, sizeof *inst->data_sizes);
    if (!inst->own_funcs || !inst->func_ptrs || !inst->table_ptrs || !inst->global_ptrs ||
        !inst->elems || !inst->data_sizes) {
        instance_free(inst);
        return SL_ENOMEM;
    }
    const void *const *slots = (const void *const *)m->code->jump_table.rx;
    for (uint32_t i = m->n_imported_funcs; i < m->n_funcs; i++) {
        sl_func_t *f = &inst->own_funcs[i];
        f->code = slots + (i - m->n_imported_funcs);
        f->vmctx = &inst->vm;
        f->type_id = shared->type_ids[m->funcs[i].type_index];
        f->func_index = i;
        f->type = module_func_type(m, i);
        f->store = store;
        inst->func_ptrs[i] = f;
    }
    vmctx_t *vm = &inst->vm;
    vm->limits = &store->limits;
    vm->funcs = inst->func_ptrs;
    vm->globals = inst->global_ptrs;
    vm->tables = inst->table_ptrs;
    vm->type_ids = shared->type_ids;
    vm->budgets = shared->budgets;
    vm_fill_builtins(vm);
    *out = inst;
    return 0;
}

static uint32_t
limit_max(const module_limits_range_t *l)
{
    return l->has_max ? (uint32_t)l->max : UINT32_MAX;
}

/* A defined table or memory over the store's limits: SL_ELIMIT, saying what was asked for and
 * which limit refused it, so that a host can pass the message on as it is. */
static int
refuse_table(const sl_store_t *store, uint32_t i, uint64_t min, sl_error_t *err)
{
    if (err)
        error_set(err, SL_ELIMIT, 4, 0,
                  "instantiation: table %u of %llu elements is over the limit of %u elements", i,
                  (unsigned long long)min, store->max_table_elems);
    return SL_ELIMIT;
}

static int
refuse_memory(const sl_store_t *store, uint64_t min_pages, sl_error_t *err)
{
    uint64_t size = min_pages * MEMORY_PAGE_SIZE, limit = 0;
    const char *which = memory_refusal(&store->memory, size, &limit);
    if (err && which)
        error_set(err, SL_ELIMIT, 5, 0,
                  "instantiation: memory of %llu pages (%llu bytes) is over %s of %llu bytes",
                  (unsigned long long)min_pages, (unsigned long long)size, which,
                  (unsigned long long)limit);
    return SL_ELIMIT;
}

/* The tables, memory and globals the module defines, as store objects. Globals are initialised
 * here: their constant expressions see only imported globals and functions (spec: the auxiliary
 * instance of instantiation step 5), both in place by now. */
static int
define_objects(sl_instance_t *inst, sl_error_t *err)
{
    sl_store_t *store = inst->store;
    const sl_module_t *m = inst->module;
    int rc = 0;
    for (uint32_t i = m->n_imported_tables; i < m->n_tables && rc == 0; i++) {
        const module_table_t *t = &m->tables[i];
        rc = store_table_new(store, t->elem_type, (uint32_t)t->limits.min, limit_max(&t->limits),
                             t->limits.has_max, &inst->table_ptrs[i]);
        if (rc == SL_ELIMIT)
            rc = refuse_table(store, i, t->limits.min, err);
    }
    for (uint32_t i = m->n_imported_memories; i < m->n_memories && rc == 0; i++) {
        const module_memory_t *mem = &m->memories[i];
        rc = store_memory_new(store, (uint32_t)mem->limits.min, limit_max(&mem->limits),
                              mem->limits.has_max, &inst->memory);
        if (rc == SL_ELIMIT)
            rc = refuse_memory(store, mem->limits.min, err);
    }
    for (uint32_t i = m->n_imported_globals; i < m->n_globals && rc == 0; i++) {
        const module_global_t *g = &m->globals[i];
        rc = store_global_new(store, g->type, g->is_mutable, &inst->global_ptrs[i]);
        if (rc == 0) {
            sl_value_t v;
            instance_const_eval(inst, &g->init, &v);
            memcpy(&inst->global_ptrs[i]->value, &v.of, sizeof inst->global_ptrs[i]->value);
        }
    }
    if (rc == 0 && inst->memory) {
        inst->vm.memory = inst->memory->linear;
        inst->vm.mem_base = inst->memory->linear->base;
    }
    return rc;
}

static void
set_trap(sl_trap_t *trap, int code)
{
    if (!trap)
        return;
    *trap = (sl_trap_t){.code = code, .func_index = SL_NO_INDEX};
    snprintf(trap->message, sizeof trap->message, "%s", sl_trap_message(code));
}

int
sl_instance_new(sl_store_t *store, sl_module_t *m, const sl_extern_t *imports, size_t n_imports,
                sl_instance_t **out, sl_error_t *err, sl_trap_t *trap)
{
    *out = NULL;
    if (err)
        error_clear(err);
    if (trap)
        *trap = (sl_trap_t){.code = 0, .func_index = SL_NO_INDEX};
    if (!m->code || m->code->engine != store->engine)
        return SL_EARG; /* decoded but not compiled, or compiled by another engine */

    module_shared_t *shared;
    int rc = module_shared_get(store->engine, m, &shared);
    sl_instance_t *inst = NULL;
    if (rc == 0)
        rc = instance_alloc(store, m, shared, &inst);
    if (rc == 0)
        rc = instance_link(inst, imports, n_imports, err);
    /* From here on objects land in the store; a failure leaves them there, unreachable, until
     * the store goes. */
    if (rc == 0)
        rc = define_objects(inst, err);
    if (rc == 0)
        rc = instance_segments_new(inst);
    if (rc != 0) {
        if (err && rc != SL_ELINK && rc != SL_EARG)
            error_set(err, rc, SL_NO_SECTION, 0, "instantiation: %s", sl_strerror(rc));
        if (inst)
            instance_free(inst);
        return rc;
    }

    /* The instance is now visible to other objects (segments may put its functions into
     * imported tables), so it belongs to the store whatever happens next. */
    inst->next = store->instances;
    store->instances = inst;
    int trap_code = instance_segments_apply(inst);
    if (trap_code) {
        set_trap(trap, trap_code);
        return SL_ETRAP;
    }
    if (m->has_start) { /* spec: instantiation runs the start function last */
        sl_trap_t local;
        if (sl_func_call(inst->func_ptrs[m->start], NULL, 0, NULL, 0, trap ? trap : &local))
            return SL_ETRAP;
    }
    *out = inst;
    return 0;
}

uint64_t
sl_instance_memory_grown(const sl_instance_t *inst)
{
    if (!inst->memory)
        return 0;
    uint64_t pages = inst->memory->linear->pages, initial = inst->module->memories[0].limits.min;
    return pages > initial ? (pages - initial) * MEMORY_PAGE_SIZE : 0;
}

int
sl_instance_export(sl_instance_t *inst, const char *name, size_t name_len, sl_extern_t *out)
{
    const sl_module_t *m = inst->module;
    for (uint32_t i = 0; i < m->n_exports; i++) {
        const module_export_t *e = &m->exports[i];
        if (e->name.len != name_len || memcmp(m->wire + e->name.offset, name, name_len) != 0)
            continue;
        out->kind = (sl_extern_kind_t)e->kind;
        switch (out->kind) {
        case SL_EXTERN_FUNC:
            out->of.func = inst->func_ptrs[e->index];
            break;
        case SL_EXTERN_TABLE:
            out->of.table = inst->table_ptrs[e->index];
            break;
        case SL_EXTERN_MEMORY:
            out->of.memory = inst->memory; /* one memory at most in 2.0 */
            break;
        case SL_EXTERN_GLOBAL:
            out->of.global = inst->global_ptrs[e->index];
            break;
        }
        return 0;
    }
    return SL_ENOTFOUND;
}
