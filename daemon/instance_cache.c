#include "instance_cache.h"

#include <stdlib.h>
#include <string.h>

int
instance_cache_init(instance_cache_t *c, size_t capacity)
{
    memset(c, 0, sizeof *c);
    c->entries = calloc(capacity ? capacity : 1, sizeof *c->entries);
    if (!c->entries)
        return SL_ENOMEM;
    c->capacity = capacity ? capacity : 1;
    pthread_mutex_init(&c->lock, NULL);
    return 0;
}

static void
release(idle_instance_t *e)
{
    sl_store_free(e->store);
    sl_module_unref(e->module);
}

void
instance_cache_fini(instance_cache_t *c)
{
    if (!c->entries)
        return;
    for (size_t i = 0; i < c->n; i++)
        release(&c->entries[i]);
    free(c->entries);
    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof *c);
}

bool
instance_cache_take(instance_cache_t *c, const sl_module_t *module, sl_store_t **store,
                    sl_instance_t **instance)
{
    bool found = false;
    idle_instance_t e;
    pthread_mutex_lock(&c->lock);
    for (size_t i = c->n; i-- > 0;) { /* the newest first: its pages are the warmest */
        if (c->entries[i].module == module) {
            e = c->entries[i];
            memmove(&c->entries[i], &c->entries[i + 1], (c->n - i - 1) * sizeof e);
            c->n--;
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (!found)
        return false;
    *store = e.store;
    *instance = e.instance;
    sl_module_unref(e.module); /* the taker's invocation holds its own reference */
    return true;
}

void
instance_cache_put(instance_cache_t *c, sl_module_t *module, sl_store_t *store,
                   sl_instance_t *instance)
{
    idle_instance_t evicted = {0};
    if (sl_instance_memory_grown(instance) > 0) {
        /* Wasm memory never shrinks, so handing back the grown pages would change the memory the
         * next call sees; keeping them would keep them resident. A fresh instance next time. */
        sl_store_free(store);
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (c->n == c->capacity) {
        evicted = c->entries[0];
        memmove(&c->entries[0], &c->entries[1], (c->n - 1) * sizeof evicted);
        c->n--;
    }
    c->entries[c->n++] = (idle_instance_t){sl_module_ref(module), store, instance};
    pthread_mutex_unlock(&c->lock);
    if (evicted.store) /* freed outside the lock: unmapping memories takes a while */
        release(&evicted);
}

void
instance_cache_drop(instance_cache_t *c, const sl_module_t *module)
{
    if (!c->entries)
        return;
    for (;;) { /* one at a time: stores are freed outside the lock, as in put */
        idle_instance_t e = {0};
        pthread_mutex_lock(&c->lock);
        for (size_t i = 0; i < c->n; i++) {
            if (c->entries[i].module == module) {
                e = c->entries[i];
                memmove(&c->entries[i], &c->entries[i + 1], (c->n - i - 1) * sizeof e);
                c->n--;
                break;
            }
        }
        pthread_mutex_unlock(&c->lock);
        if (!e.store)
            return;
        release(&e);
    }
}
