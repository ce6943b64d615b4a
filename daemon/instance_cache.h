/* Idle instances kept between invocations when [invoke] reuse_instances is set: each is a store
 * holding one instance of one module version, taken by an invocation of that version and put
 * back after a call that did not trap (a trapped instance may be halfway through an update, so
 * it is dropped). State such as memory and globals carries over between calls of the same
 * version; a new version never sees an old version's instances. An instance whose memory grew
 * past the module's initial size is dropped as well, so idle instances hold no more memory than
 * instantiation gave them: wasm memory cannot shrink in place without changing what the next
 * call sees.
 *
 * Bounded: at most `capacity` idle instances in all; putting one more frees the oldest. A replaced
 * or deleted version's idle instances are dropped at once (instance_cache_drop), so its code goes
 * back to the code space; one still running then is put back and ages out.
 * Ownership: the cache owns its idle stores and a module reference for each; instance_cache_fini
 * frees them. Threading: take and put from executor threads, under `lock` (instance_cache.c);
 * a store taken out belongs to its taker until it is put back or freed.
 */
#ifndef SL_INSTANCE_CACHE_H
#define SL_INSTANCE_CACHE_H

#include <pthread.h>
#include <stddef.h>

#include "slipstream.h"

typedef struct idle_instance {
    sl_module_t *module; /* a reference */
    sl_store_t *store;
    sl_instance_t *instance;
} idle_instance_t;

typedef struct instance_cache {
    pthread_mutex_t lock; /* guards entries and n */
    idle_instance_t *entries; /* oldest first */
    size_t n, capacity;
} instance_cache_t;

int instance_cache_init(instance_cache_t *c, size_t capacity);
void instance_cache_fini(instance_cache_t *c);
/* An idle instance of exactly `module`, removed from the cache: true and *store, *instance set,
 * or false when there is none. */
bool instance_cache_take(instance_cache_t *c, const sl_module_t *module, sl_store_t **store,
                         sl_instance_t **instance);
/* Hands an instance of `module` (its store) back to the cache, which takes ownership: it keeps
 * the instance, or frees it at once when its memory has grown. */
void instance_cache_put(instance_cache_t *c, sl_module_t *module, sl_store_t *store,
                        sl_instance_t *instance);
/* Frees every idle instance of `module` (a version leaving the registry). A cache that was never
 * initialised is accepted. Any thread. */
void instance_cache_drop(instance_cache_t *c, const sl_module_t *module);

#endif
