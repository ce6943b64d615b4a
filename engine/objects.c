/* Runtime objects a host creates in a store: host functions, globals, tables, memories. Each is
 * owned by its store and freed with it (the spec's store semantics), so linking never has to
 * track who else holds a reference. */
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "runtime.h"

/* Every object starts with this link, through which the store frees it. */
typedef struct store_object {
    struct store_object *next;
    void (*destroy)(void *object);
} store_object_t;

static void *
store_alloc(sl_store_t *store, size_t size, void (*destroy)(void *))
{
    store_object_t *o = calloc(1, sizeof *o + size);
    if (!o)
        return NULL;
    o->destroy = destroy;
    o->next = store->objects;
    store->objects = o;
    return o + 1;
}

void
store_free_objects(sl_store_t *store)
{
    store_object_t *o = store->objects;
    while (o) {
        store_object_t *next = o->next;
        if (o->destroy)
            o->destroy(o + 1);
        free(o);
        o = next;
    }
    store->objects = NULL;
}

/* Host functions are called by sl_func_call directly; wasm code calling them needs the import
 * thunk, which comes with imports. */
int
sl_func_new_host(sl_store_t *store, const uint8_t *params, uint32_t n_params,
                 const uint8_t *results, uint32_t n_results, sl_host_cb cb, void *env,
                 sl_func_t **out)
{
    size_t types_size = (size_t)n_params + n_results;
    sl_func_t *f = store_alloc(store, sizeof *f + sizeof(sl_functype_t) + types_size, NULL);
    if (!f)
        return SL_ENOMEM;
    sl_functype_t *type = (sl_functype_t *)(f + 1);
    uint8_t *types = (uint8_t *)(type + 1);
    if (n_params)
        memcpy(types, params, n_params);
    if (n_results)
        memcpy(types + n_params, results, n_results);
    *type = (sl_functype_t){n_params, n_results, types, types + n_params};
    f->type = type;
    f->host_cb = cb;
    f->host_env = env;
    f->store = store;
    f->func_index = SL_NO_INDEX;
    f->code = &f->host_code;
    f->vmctx = (vmctx_t *)f; /* the thunk's context is the function itself (vmctx.h) */
    *out = f;
    return 0;
}

static bool
valid_type(uint8_t t)
{
    return valtype_is_valid(t);
}

int
sl_global_new(sl_store_t *store, sl_value_t value, bool is_mutable, sl_global_t **out)
{
    if (!valid_type(value.type))
        return SL_EARG;
    sl_global_t *g = store_alloc(store, sizeof *g, NULL);
    if (!g)
        return SL_ENOMEM;
    memcpy(&g->value, &value.of, sizeof g->value);
    g->type = value.type;
    g->is_mutable = is_mutable;
    g->store = store;
    *out = g;
    return 0;
}

void
sl_global_get(const sl_global_t *g, sl_value_t *out)
{
    out->type = g->type;
    memcpy(&out->of, &g->value, sizeof g->value);
}

int
sl_global_set(sl_global_t *g, sl_value_t value)
{
    if (!g->is_mutable || value.type != g->type)
        return SL_EARG;
    memcpy(&g->value, &value.of, sizeof g->value);
    return 0;
}

static void
table_destroy(void *object)
{
    free(((sl_table_t *)object)->elems);
}

int
sl_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max, sl_table_t **out)
{
    if (!valtype_is_ref(elem_type) || min > max)
        return SL_EARG;
    void **elems = calloc(min ? min : 1, sizeof *elems);
    sl_table_t *t = elems ? store_alloc(store, sizeof *t, table_destroy) : NULL;
    if (!t) {
        free(elems);
        return SL_ENOMEM;
    }
    t->elems = elems;
    t->size = min;
    t->max = max;
    t->elem_type = elem_type;
    t->store = store;
    *out = t;
    return 0;
}

uint32_t
sl_table_size(const sl_table_t *t)
{
    return t->size;
}

int
sl_table_get(const sl_table_t *t, uint32_t index, sl_value_t *out)
{
    if (index >= t->size)
        return SL_EARG;
    out->type = t->elem_type;
    if (t->elem_type == SL_FUNCREF)
        out->of.funcref = t->elems[index];
    else
        out->of.externref = t->elems[index];
    return 0;
}

/* A store's memory wraps an engine linear memory (memory.h). */
struct sl_memory {
    linear_memory_t *linear;
    sl_store_t *store;
};

static void
memory_destroy(void *object)
{
    memory_free(((sl_memory_t *)object)->linear);
}

int
sl_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages, sl_memory_t **out)
{
    if (max_pages == UINT32_MAX)
        max_pages = SL_MAX_MEMORY_PAGES;
    if (min_pages > max_pages || max_pages > SL_MAX_MEMORY_PAGES)
        return SL_EARG;
    linear_memory_t *linear;
    int rc = memory_new(min_pages, max_pages, &linear);
    if (rc != 0)
        return rc;
    sl_memory_t *m = store_alloc(store, sizeof *m, memory_destroy);
    if (!m) {
        memory_free(linear);
        return SL_ENOMEM;
    }
    m->linear = linear;
    m->store = store;
    *out = m;
    return 0;
}

uint8_t *
sl_memory_data(const sl_memory_t *m, uint64_t *size)
{
    *size = m->linear->size;
    return m->linear->base;
}
