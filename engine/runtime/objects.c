/* Runtime objects in a store: host functions, and the globals, tables and memories that hosts
 * create and instances define. Each is owned by its store and freed with it (the spec's store
 * semantics), so linking never has to track who else holds a reference. One thread at a time,
 * as for the store. */
#include <stdlib.h>
#include <string.h>

#include "engine_state.h"
#include "memory.h"
#include "store.h"

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

/* A host function's code slot holds the engine's host thunk (entry.c), so wasm code calls it
 * exactly as it calls a wasm function; sl_func_call calls the callback directly. */
int
sl_func_new_host(sl_store_t *store, const uint8_t *params, uint32_t n_params,
                 const uint8_t *results, uint32_t n_results, sl_host_cb cb, void *env,
                 sl_func_t **out)
{
    if (!cb || (n_params && !params) || (n_results && !results))
        return SL_EARG;
    for (uint32_t i = 0; i < n_params; i++)
        if (!valtype_is_valid(params[i]))
            return SL_EARG;
    for (uint32_t i = 0; i < n_results; i++)
        if (!valtype_is_valid(results[i]))
            return SL_EARG;
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
    /* An unused object stays in the store's list until the store goes: harmless on this rare
     * path, and it keeps store_alloc the only way objects come and go. */
    int rc = typeregistry_intern(store->engine->types, type, &f->type_id);
    if (rc != 0)
        return rc;
    f->type = type;
    f->host_cb = cb;
    f->host_env = env;
    f->store = store;
    f->func_index = SL_NO_INDEX;
    f->host_code = store->engine->host_thunk.rx;
    f->code = &f->host_code;
    f->vmctx = (vmctx_t *)f; /* the thunk's context is the function itself (vmctx.h) */
    *out = f;
    return 0;
}

int
store_global_new(sl_store_t *store, uint8_t type, bool is_mutable, sl_global_t **out)
{
    if (!valtype_is_valid(type))
        return SL_EARG;
    sl_global_t *g = store_alloc(store, sizeof *g, NULL);
    if (!g)
        return SL_ENOMEM;
    g->type = type;
    g->is_mutable = is_mutable;
    g->store = store;
    *out = g;
    return 0;
}

int
sl_global_new(sl_store_t *store, sl_value_t value, bool is_mutable, sl_global_t **out)
{
    int rc = store_global_new(store, value.type, is_mutable, out);
    if (rc == 0)
        memcpy(&(*out)->value, &value.of, sizeof (*out)->value);
    return rc;
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
store_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max, bool has_max,
                sl_table_t **out)
{
    if (!valtype_is_ref(elem_type) || (has_max && min > max))
        return SL_EARG;
    if (min > store->max_table_elems)
        return SL_ELIMIT;
    void **elems = calloc(min ? min : 1, sizeof *elems); /* all null */
    sl_table_t *t = elems ? store_alloc(store, sizeof *t, table_destroy) : NULL;
    if (!t) {
        free(elems);
        return SL_ENOMEM;
    }
    t->elems = elems;
    t->size = min;
    t->max = has_max ? max : UINT32_MAX;
    t->has_max = has_max;
    t->elem_type = elem_type;
    t->store = store;
    *out = t;
    return 0;
}

int
sl_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max, sl_table_t **out)
{
    return store_table_new(store, elem_type, min, max, max != UINT32_MAX, out);
}

int64_t
table_grow(sl_table_t *t, uint32_t delta, void *init)
{
    /* spec: execution, table.grow: failure (-1) past the maximum; an implementation may also
     * fail for lack of resources, which the element limit stands for. */
    uint64_t old = t->size, size = old + delta;
    if (size > t->max || size > t->store->max_table_elems)
        return -1;
    if (delta == 0)
        return (int64_t)old;
    void **elems = realloc(t->elems, (size_t)size * sizeof *elems);
    if (!elems)
        return -1;
    for (uint64_t i = old; i < size; i++)
        elems[i] = init;
    t->elems = elems;
    t->size = (uint32_t)size;
    return (int64_t)old;
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

static void
memory_destroy(void *object)
{
    memory_free(((sl_memory_t *)object)->linear);
}

int
store_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages, bool has_max,
                 sl_memory_t **out)
{
    if (!has_max)
        max_pages = MEMORY_MAX_PAGES;
    if (min_pages > max_pages || max_pages > MEMORY_MAX_PAGES)
        return SL_EARG;
    linear_memory_t *linear;
    int rc = memory_new(&store->memory, min_pages, max_pages, &linear);
    if (rc != 0)
        return rc;
    sl_memory_t *m = store_alloc(store, sizeof *m, memory_destroy);
    if (!m) {
        memory_free(linear);
        return SL_ENOMEM;
    }
    m->linear = linear;
    m->has_max = has_max;
    m->store = store;
    *out = m;
    return 0;
}

int
sl_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages, sl_memory_t **out)
{
    return store_memory_new(store, min_pages, max_pages, max_pages != UINT32_MAX, out);
}

uint8_t *
sl_memory_data(const sl_memory_t *m, uint64_t *size)
{
    *size = m->linear->size;
    return m->linear->base;
}
