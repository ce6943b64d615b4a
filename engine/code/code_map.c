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

/* Publishes `next` (NULL for an empty map) and waits out the readers of the snapshot it
 * replaces, which it returns: the caller may still read it, then hands it to retire(). */
static codemap_snapshot_t *
swap_and_wait(codemap_snapshot_t *next)
{
    codemap_snapshot_t *old = (codemap_snapshot_t *)(uintptr_t)atomic_exchange(
        &codemap_shared.current, next);
    wait_for_readers();
    return old;
}

/* Keeps a snapshot no reader holds as the spare if it is the larger one, else frees it. */
static void
keep_spare(codemap_snapshot_t *s)
{
    if (!s)
        return;
    if (!spare || s->capacity > spare->capacity) {
        free(spare);
        spare = s;
    } else {
        free(s);
    }
}

/* After swap_and_wait: recycles the old snapshot, or frees everything when the map is empty. */
static void
retire(codemap_snapshot_t *old, const codemap_snapshot_t *next)
{
    if (!next) {
        free(old);
        free(spare);
        spare = NULL;
    } else {
        keep_spare(old);
    }
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

static int
compare_ranges(const void *a, const void *b)
{
    uintptr_t x = ((const codemap_range_t *)a)->start, y = ((const codemap_range_t *)b)->start;
    return x < y ? -1 : x > y;
}

static void
free_fresh(codemap_range_t *fresh, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)(uintptr_t)fresh[i].sites);
    free(fresh);
}

int
codemap_register_all(const codemap_entry_t *entries, size_t n_entries)
{
    if (n_entries == 0)
        return 0;
    codemap_range_t *fresh = calloc(n_entries, sizeof *fresh);
    if (!fresh)
        return SL_ENOMEM;
    for (size_t k = 0; k < n_entries; k++) {
        const codemap_entry_t *e = &entries[k];
        if (e->size == 0 || e->start + e->size < e->start || (e->n_sites > 0 && !e->sites) ||
            !sites_valid(e->size, e->sites, e->n_sites)) {
            free_fresh(fresh, n_entries);
            return SL_EARG;
        }
        trap_site_t *copy = NULL;
        if (e->n_sites > 0) {
            copy = malloc(e->n_sites * sizeof *copy);
            if (!copy) {
                free_fresh(fresh, n_entries);
                return SL_ENOMEM;
            }
            memcpy(copy, e->sites, e->n_sites * sizeof *copy);
        }
        fresh[k] = (codemap_range_t){
            .start = e->start, .end = e->start + e->size, .n_sites = e->n_sites, .sites = copy};
    }
    qsort(fresh, n_entries, sizeof *fresh, compare_ranges);

    pthread_mutex_lock(&writer_lock);
    /* Only writers change `current`, and they hold the lock. */
    const codemap_snapshot_t *old = atomic_load(&codemap_shared.current);
    size_t n_old = old ? old->n_ranges : 0;
    codemap_snapshot_t *next = snapshot_take(n_old + n_entries);
    if (!next) {
        pthread_mutex_unlock(&writer_lock);
        free_fresh(fresh, n_entries);
        return SL_ENOMEM;
    }
    /* Merge the two sorted lists, refusing any overlap. */
    size_t i = 0, j = 0, out = 0;
    while (i < n_old || j < n_entries) {
        bool take_old = j == n_entries || (i < n_old && old->ranges[i].start < fresh[j].start);
        const codemap_range_t *r = take_old ? &old->ranges[i++] : &fresh[j++];
        if (out > 0 && next->ranges[out - 1].end > r->start) {
            keep_spare(next);
            pthread_mutex_unlock(&writer_lock);
            free_fresh(fresh, n_entries);
            return SL_EARG;
        }
        next->ranges[out++] = *r;
    }
    retire(swap_and_wait(next), next);
    pthread_mutex_unlock(&writer_lock);
    free(fresh); /* the site tables now belong to the map */
    return 0;
}

int
codemap_register(uintptr_t start, size_t size, const trap_site_t *sites, size_t n_sites)
{
    codemap_entry_t e = {.start = start, .size = size, .sites = sites, .n_sites = n_sites};
    return codemap_register_all(&e, 1);
}

void
codemap_unregister_all(const uintptr_t *starts, size_t n_starts)
{
    pthread_mutex_lock(&writer_lock);
    const codemap_snapshot_t *old = atomic_load(&codemap_shared.current);
    size_t n_old = old ? old->n_ranges : 0;
    /* Both lists are sorted: one walk finds what stays. The spare always has room for it (see
     * `spare`), so nothing is allocated. */
    size_t n_removed = 0;
    for (size_t i = 0, k = 0; i < n_old && k < n_starts;) {
        SL_ASSERT(k == 0 || starts[k - 1] < starts[k]);
        if (old->ranges[i].start < starts[k]) {
            i++;
        } else {
            n_removed += old->ranges[i].start == starts[k];
            i += old->ranges[i].start == starts[k];
            k++;
        }
    }
    if (n_removed == 0) {
        pthread_mutex_unlock(&writer_lock);
        return;
    }
    codemap_snapshot_t *next = NULL;
    if (n_old > n_removed) {
        next = snapshot_take(n_old - n_removed);
        SL_ASSERT(next);
    }
    size_t out = 0;
    for (size_t i = 0, k = 0; i < n_old; i++) {
        while (k < n_starts && starts[k] < old->ranges[i].start)
            k++;
        if (k < n_starts && starts[k] == old->ranges[i].start)
            continue;
        next->ranges[out++] = old->ranges[i];
    }
    codemap_snapshot_t *retired = swap_and_wait(next);
    for (size_t i = 0, k = 0; i < n_old; i++) { /* no reader holds them any more */
        while (k < n_starts && starts[k] < retired->ranges[i].start)
            k++;
        if (k < n_starts && starts[k] == retired->ranges[i].start)
            free((void *)(uintptr_t)retired->ranges[i].sites);
    }
    retire(retired, next);
    pthread_mutex_unlock(&writer_lock);
}

void
codemap_unregister(uintptr_t start)
{
    codemap_unregister_all(&start, 1);
}
