/* Code map, writer side: builds copy-on-write snapshots of the registered ranges under one mutex
 * and reclaims old ones after a grace period (protocol in code_map.h). The readers run in signal
 * context and therefore live in trap_inside.c. */
#include "code_map.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"

_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "signal handlers read these: they must be lock-free");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "signal handlers read these: they must be lock-free");

codemap_shared_t codemap_shared;

/* Serialises writers and guards `spare`. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
/* A retired snapshot no reader can hold any more, reused as the next one. Keeping it means
 * unregistering never allocates: after any change, spare->capacity >= n_ranges - 1, which is what
 * the next unregister needs. Freed when the map becomes empty. */
static codemap_snapshot_t *spare;

/* A snapshot with room for n_ranges: the spare if it is large enough, else a new one. */
static codemap_snapshot_t *
snapshot_take(size_t n_ranges)
{
    codemap_snapshot_t *s = spare;
    if (s && s->capacity >= n_ranges) {
        spare = NULL;
    } else {
        size_t cap = n_ranges < 8 ? 8 : n_ranges + n_ranges / 2;
        s = malloc(sizeof *s + cap * sizeof s->ranges[0]);
        if (!s)
            return NULL;
        s->capacity = cap;
    }
    s->n_ranges = n_ranges;
    return s;
}

/* Waits until no reader can still hold a snapshot replaced before this call. Called with
 * writer_lock held, never in signal context; readers stay in for a few hundred instructions. */
static void
wait_for_readers(void)
{
    for (int round = 0; round < 2; round++) {
        unsigned long e = atomic_load(&codemap_shared.epoch);
        atomic_store(&codemap_shared.epoch, e + 1);
        while (atomic_load(&codemap_shared.readers[e & 1]) != 0)
            sched_yield();
    }
}

/* Publishes `next` (NULL for an empty map), waits out the readers of the snapshot it replaces, then
 * keeps that snapshot as the spare (or frees it) and frees `retired_sites`, a site table only the
 * old snapshot referenced. */
static void
publish(codemap_snapshot_t *next, const trap_site_t *retired_sites)
{
    codemap_snapshot_t *old = (codemap_snapshot_t *)(uintptr_t)atomic_exchange(
        &codemap_shared.current, next);
    wait_for_readers();
    free((void *)(uintptr_t)retired_sites);
    if (!next) {
        free(old);
        free(spare);
        spare = NULL;
    } else if (old && (!spare || old->capacity > spare->capacity)) {
        free(spare);
        spare = old;
    } else {
        free(old);
    }
}

/* Index of the first range of `s` whose start is >= `start`. */
static size_t
lower_bound(const codemap_snapshot_t *s, uintptr_t start)
{
    size_t lo = 0, hi = s ? s->n_ranges : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ranges[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool
sites_valid(size_t size, const trap_site_t *sites, size_t n_sites)
{
    for (size_t i = 0; i < n_sites; i++) {
        if (sites[i].pc >= size || sites[i].landing >= size)
            return false;
        if (i > 0 && sites[i - 1].pc >= sites[i].pc)
            return false;
    }
    return true;
}

int
codemap_register(uintptr_t start, size_t size, const trap_site_t *sites, size_t n_sites)
{
    if (size == 0 || start + size < start || (n_sites > 0 && !sites))
        return SL_EARG;
    if (!sites_valid(size, sites, n_sites))
        return SL_EARG;

    trap_site_t *copy = NULL;
    if (n_sites > 0) {
        copy = malloc(n_sites * sizeof *copy);
        if (!copy)
            return SL_ENOMEM;
        memcpy(copy, sites, n_sites * sizeof *copy);
    }
    codemap_range_t range = {
        .start = start, .end = start + size, .n_sites = n_sites, .sites = copy};

    int rc;
    pthread_mutex_lock(&writer_lock);
    /* Only writers change `current`, and they hold the lock. */
    const codemap_snapshot_t *old = atomic_load(&codemap_shared.current);
    size_t n = old ? old->n_ranges : 0;
    size_t i = lower_bound(old, start);
    if ((i > 0 && old->ranges[i - 1].end > start) || (i < n && old->ranges[i].start < range.end)) {
        rc = SL_EARG;
        goto fail;
    }
    codemap_snapshot_t *next = snapshot_take(n + 1);
    if (!next) {
        rc = SL_ENOMEM;
        goto fail;
    }
    if (i > 0)
        memcpy(next->ranges, old->ranges, i * sizeof range);
    next->ranges[i] = range;
    if (i < n)
        memcpy(&next->ranges[i + 1], &old->ranges[i], (n - i) * sizeof range);
    publish(next, NULL);
    pthread_mutex_unlock(&writer_lock);
    return 0;

fail:
    pthread_mutex_unlock(&writer_lock);
    free(copy);
    return rc;
}

void
codemap_unregister(uintptr_t start)
{
    pthread_mutex_lock(&writer_lock);
    const codemap_snapshot_t *old = atomic_load(&codemap_shared.current);
    size_t n = old ? old->n_ranges : 0;
    size_t i = lower_bound(old, start);
    if (i == n || old->ranges[i].start != start) {
        pthread_mutex_unlock(&writer_lock);
        return;
    }
    codemap_snapshot_t *next = NULL;
    if (n > 1) {
        next = snapshot_take(n - 1);
        SL_ASSERT(next); /* the spare is always large enough: see `spare` */
        memcpy(next->ranges, old->ranges, i * sizeof old->ranges[0]);
        memcpy(&next->ranges[i], &old->ranges[i + 1], (n - i - 1) * sizeof old->ranges[0]);
    }
    publish(next, old->ranges[i].sites);
    pthread_mutex_unlock(&writer_lock);
}
