/* Canonical function type ids, engine-wide: structurally equal function types (same parameter
 * and result lists) get the same uint32 id, whichever module or host function they come from, so
 * call_indirect and import linking compare one word instead of two type lists.
 *
 * Ownership: the engine owns one registry (sl_engine_new creates it, sl_engine_free frees it).
 * The registry copies each type it is given; ids stay valid, and are never reused, for the
 * registry's life, so code and instances may keep them without references.
 * Threading: typeregistry_intern may run on any thread (one mutex, see the struct's definition in
 * type_registry.c); ids are plain integers, read without the lock.
 * Errors: SL_ENOMEM.
 */
#ifndef SL_TYPE_REGISTRY_H
#define SL_TYPE_REGISTRY_H

#include <stdint.h>

#include "types.h"

typedef struct type_registry type_registry_t;

int typeregistry_new(type_registry_t **out);
void typeregistry_free(type_registry_t *reg); /* accepts NULL */

/* The id of `type`: an existing one if an equal type was interned before, otherwise the next
 * unused id. */
int typeregistry_intern(type_registry_t *reg, const sl_functype_t *type, uint32_t *id);

#endif
