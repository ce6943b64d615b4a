/* Stores and the objects they own: the structures behind sl_store_t and sl_memory_t, and the
 * constructors objects.c gives instances and hosts alike. Engine-internal.
 *
 * Ownership: a store owns its instances (instance.h) and every object it holds, including the
 * memories, tables and globals an instance defines: exports and imports are the same pointers,
 * and everything lives until sl_store_free.
 * Threading: a store and its objects, one thread at a time; only sl_store_interrupt (and the
 * deadline watchdog through it) reaches a store from another thread. */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "memory.h"
#include "slipstream.h"
#include "vmctx.h"

struct sl_store {
    sl_engine_t *engine;
    vm_limits_t limits;
    memory_account_t memory;  /* its memories' committed bytes, charged to engine->memory */
    uint32_t max_table_elems; /* per table (sl_store_set_limits), at most TABLE_MAX_ELEMS */
    sl_instance_t *instances; /* owned, linked through next */
    struct store_object *objects; /* host-created objects (objects.c) */
};

/* A store's memory wraps an engine linear memory (memory.h); vmctx.memory points at `linear`,
 * shared by every instance that imports it. */
struct sl_memory {
    linear_memory_t *linear;
    bool has_max; /* whether a maximum was declared (linear->max_pages is 65536 otherwise) */
    sl_store_t *store;
};

/* Tables grow up to their maximum and never past this many elements (V8's limit), nor past the
 * store's max_table_elems: table.grow answers -1 beyond it, and a module asking for more at
 * instantiation is refused with SL_ELIMIT. */
#define TABLE_MAX_ELEMS 10000000u

/* objects.c: store objects for instances and hosts alike. Errors: SL_EARG, SL_ELIMIT,
 * SL_ENOMEM. */
void store_free_objects(sl_store_t *store);
int store_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages, bool has_max,
                     sl_memory_t **out);
int store_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max,
                    bool has_max, sl_table_t **out);
/* A global of `type` holding zero (null for references). */
int store_global_new(sl_store_t *store, uint8_t type, bool is_mutable, sl_global_t **out);
/* table.grow: fills the new elements with `init`; returns the old size, or -1 past the maximum,
 * the store's max_table_elems, or when memory runs out (the table is then unchanged). */
int64_t table_grow(sl_table_t *table, uint32_t delta, void *init);

#endif
