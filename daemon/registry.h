/* The module registry: name -> the version of that module now serving.
 *
 * An entry holds a reference to its compiled module, the SHA-256 of its bytes, its size, its
 * exports as JSON (built once, when it is added) and its streaming timeline. Replacing a name
 * puts the new entry in place in one step on the loop thread; the old entry's module reference is
 * dropped, but invocations that took their own reference (sl_module_ref at dispatch) keep running
 * on the old version, so a replacement never disturbs them.
 *
 * Ownership: the registry owns its entries (and each entry its module reference and JSON). A
 * pointer from registry_find is valid until the next registry_put or registry_remove of that
 * name: take what you need (a module reference) before returning to the loop.
 * Threading: loop thread only; nothing here is locked. Workers never see the registry.
 * Errors: registry_put returns 0 or SL_ENOMEM (the registry is then unchanged).
 */
#ifndef SL_REGISTRY_H
#define SL_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "slipstream.h"
#include "timeline.h"
#include "vec.h"

typedef struct registry_entry {
    char *name;
    sl_module_t *module;
    char sha256[65]; /* lower-case hex */
    uint64_t size;
    json_t *exports; /* [{"name","kind","type"}] */
    timeline_t timeline;
} registry_entry_t;

VEC_DEFINE(registry_entries, registry_entry_t *)

typedef struct registry {
    /* private: a plain array searched linearly; a daemon holds tens of modules, not millions */
    registry_entries_t entries;
} registry_t;

void registry_init(registry_t *reg);
void registry_fini(registry_t *reg); /* drops every entry */

/* A new entry for `module` (the reference is taken over), its exports described. NULL when out of
 * memory (the reference is then dropped). */
registry_entry_t *registry_entry_new(const char *name, sl_module_t *module, const char *sha256,
                                     uint64_t size, const timeline_t *timeline);
void registry_entry_free(registry_entry_t *entry);

/* Adds `entry`, or replaces the one of that name (freed); *is_replaced says which. */
int registry_put(registry_t *reg, registry_entry_t *entry, bool *is_replaced);

registry_entry_t *registry_find(const registry_t *reg, const char *name, size_t len);

/* Removes and frees the entry named so; false when there is none. */
bool registry_remove(registry_t *reg, const char *name, size_t len);

size_t registry_count(const registry_t *reg);
registry_entry_t *registry_at(const registry_t *reg, size_t i); /* in order of first upload */

/* The entry as the API shows it: {"name","sha256","size","exports","timeline"}. */
json_t *registry_entry_json(const registry_entry_t *entry);

#endif
