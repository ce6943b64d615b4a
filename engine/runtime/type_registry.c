/* The canonical function type table: a list of interned types (the index is the id) and an
 * open-addressing hash index over it. Types are never removed, which keeps ids stable without
 * reference counts: an engine sees a bounded number of distinct signatures in practice. */
#include "type_registry.h"

#include "vec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct interned {
    sl_functype_t type; /* params/results point into `types` below */
    uint64_t hash;
    sl_valtype_t types[]; /* params then results */
} interned_t;

struct type_registry {
    /* Guards everything below: interning runs on whichever thread instantiates a module or
     * creates a host function, and those may be many. */
    pthread_mutex_t lock;
    interned_t **types; /* by id */
    uint32_t n_types;
    size_t cap_types;
    uint32_t *index;     /* id + 1 per bucket, 0 for empty; a power of two in size */
    uint32_t n_buckets;
};

static uint64_t
hash_type(const sl_functype_t *t)
{
    /* FNV-1a over the counts and the bytes: the counts keep "(i32) -> ()" and "() -> (i32)"
     * apart. */
    uint64_t h = 0xcbf29ce484222325u;
    uint32_t counts[2] = {t->n_params, t->n_results};
    const uint8_t *c = (const uint8_t *)counts;
    for (size_t i = 0; i < sizeof counts; i++)
        h = (h ^ c[i]) * 0x100000001b3u;
    for (uint32_t i = 0; i < t->n_params; i++)
        h = (h ^ t->params[i]) * 0x100000001b3u;
    for (uint32_t i = 0; i < t->n_results; i++)
        h = (h ^ t->results[i]) * 0x100000001b3u;
    return h;
}

int
typeregistry_new(type_registry_t **out)
{
    type_registry_t *reg = calloc(1, sizeof *reg);
    if (!reg)
        return SL_ENOMEM;
    pthread_mutex_init(&reg->lock, NULL);
    *out = reg;
    return 0;
}

void
typeregistry_free(type_registry_t *reg)
{
    if (!reg)
        return;
    for (uint32_t i = 0; i < reg->n_types; i++)
        free(reg->types[i]);
    free(reg->types);
    free(reg->index);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
}

/* Doubles the index (or creates it) and re-inserts every id. */
static int
grow_index(type_registry_t *reg)
{
    uint32_t n = reg->n_buckets ? 2 * reg->n_buckets : 64;
    uint32_t *index = calloc(n, sizeof *index);
    if (!index)
        return SL_ENOMEM;
    for (uint32_t id = 0; id < reg->n_types; id++) {
        uint32_t b = (uint32_t)reg->types[id]->hash & (n - 1);
        while (index[b])
            b = (b + 1) & (n - 1);
        index[b] = id + 1;
    }
    free(reg->index);
    reg->index = index;
    reg->n_buckets = n;
    return 0;
}

static int
add_type(type_registry_t *reg, const sl_functype_t *type, uint64_t hash, uint32_t bucket,
         uint32_t *id)
{
    /* Canonical ids are uint32_t. */
    int rc = vec_grow((void **)&reg->types, &reg->cap_types, (size_t)reg->n_types + 1,
                      sizeof *reg->types, UINT32_MAX);
    if (rc < 0)
        return rc;
    size_t n = (size_t)type->n_params + type->n_results;
    interned_t *t = malloc(sizeof *t + n);
    if (!t)
        return SL_ENOMEM;
    if (type->n_params)
        memcpy(t->types, type->params, type->n_params);
    if (type->n_results)
        memcpy(t->types + type->n_params, type->results, type->n_results);
    t->type = (sl_functype_t){type->n_params, type->n_results, t->types,
                              t->types + type->n_params};
    t->hash = hash;
    *id = reg->n_types;
    reg->types[reg->n_types++] = t;
    reg->index[bucket] = *id + 1;
    return 0;
}

int
typeregistry_intern(type_registry_t *reg, const sl_functype_t *type, uint32_t *id)
{
    uint64_t hash = hash_type(type);
    int rc = 0;
    pthread_mutex_lock(&reg->lock);
    /* keep the load factor at most one half so that probes stay short and a free bucket exists */
    if (2 * (reg->n_types + 1) > reg->n_buckets && (rc = grow_index(reg)) != 0)
        goto out;
    uint32_t mask = reg->n_buckets - 1;
    for (uint32_t b = (uint32_t)hash & mask;; b = (b + 1) & mask) {
        uint32_t slot = reg->index[b];
        if (slot == 0) {
            rc = add_type(reg, type, hash, b, id);
            break;
        }
        const interned_t *t = reg->types[slot - 1];
        if (t->hash == hash && functype_equal(&t->type, type)) {
            *id = slot - 1;
            break;
        }
    }
out:
    pthread_mutex_unlock(&reg->lock);
    return rc;
}
