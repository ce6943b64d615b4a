/* Deadlines: a store given one is interrupted (sl_store_interrupt) when it passes, so wasm code
 * running past it traps with "interrupted" at its next function entry or loop iteration.
 *
 * One watchdog thread per engine, started with the first deadline, sleeps until the earliest
 * one. The engine's `deadlines` lock guards the pending list; sl_store_free cancels a store's
 * entry under it, so the watchdog never interrupts a freed store.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "clock.h"
#include "deadline.h"
#include "engine_state.h"
#include "store.h"
#include "vec.h"

typedef struct pending {
    sl_store_t *store;
    uint64_t when_ns; /* CLOCK_MONOTONIC */
} pending_t;

struct deadlines {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    bool is_running, is_stopping;
    pending_t *pending; /* unordered: a handful of stores at a time */
    size_t n_pending, cap_pending;
};

static void
remove_at(deadlines_t *d, size_t i)
{
    d->pending[i] = d->pending[--d->n_pending];
}

static void *
watchdog_main(void *arg)
{
    deadlines_t *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->is_stopping) {
        uint64_t now = monotonic_ns(), earliest = UINT64_MAX;
        for (size_t i = 0; i < d->n_pending;) {
            if (d->pending[i].when_ns <= now) {
                sl_store_interrupt(d->pending[i].store); /* async-signal-safe: fine under a lock */
                remove_at(d, i);
                continue;
            }
            if (d->pending[i].when_ns < earliest)
                earliest = d->pending[i].when_ns;
            i++;
        }
        if (earliest == UINT64_MAX) {
            pthread_cond_wait(&d->changed, &d->lock);
        } else {
            struct timespec until = {(time_t)(earliest / 1000000000u),
                                     (long)(earliest % 1000000000u)};
            pthread_cond_timedwait(&d->changed, &d->lock, &until);
        }
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

int
deadlines_new(deadlines_t **out)
{
    deadlines_t *d = calloc(1, sizeof *d);
    if (!d)
        return SL_ENOMEM;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* deadlines ignore wall-clock jumps */
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->changed, &attr);
    pthread_condattr_destroy(&attr);
    *out = d;
    return 0;
}

void
deadlines_free(deadlines_t *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->is_stopping = true;
    pthread_cond_signal(&d->changed);
    pthread_mutex_unlock(&d->lock);
    if (d->is_running)
        pthread_join(d->thread, NULL);
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->changed);
    free(d->pending);
    free(d);
}

void
deadlines_cancel(deadlines_t *d, sl_store_t *store)
{
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i < d->n_pending; i++) {
        if (d->pending[i].store == store) {
            remove_at(d, i);
            break;
        }
    }
    pthread_mutex_unlock(&d->lock);
}

int
sl_store_set_deadline(sl_store_t *store, uint64_t timeout_ns)
{
    deadlines_t *d = store->engine->deadlines;
    deadlines_cancel(d, store);
    /* An interrupt from an earlier deadline that fired while nothing ran would stop the next
     * call: a new deadline starts clean. No wasm runs in the store now (its one thread is here). */
    if (atomic_exchange(&store->limits.interrupt, 0))
        atomic_store(&store->limits.stack_limit, store->limits.saved_stack_limit);
    if (timeout_ns == 0)
        return 0;
    int rc = 0;
    pthread_mutex_lock(&d->lock);
    if (!d->is_running) {
        if (pthread_create(&d->thread, NULL, watchdog_main, d) == 0)
            d->is_running = true;
        else
            rc = SL_ENOMEM;
    }
    if (rc == 0)
        rc = vec_grow((void **)&d->pending, &d->cap_pending, d->n_pending + 1, sizeof *d->pending,
                      VEC_NO_LIMIT);
    if (rc == 0) {
        uint64_t now = monotonic_ns();
        uint64_t when = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
        d->pending[d->n_pending++] = (pending_t){store, when};
        pthread_cond_signal(&d->changed);
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}
