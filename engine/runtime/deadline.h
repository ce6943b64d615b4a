/* Deadlines for stores (sl_store_set_deadline): an engine's watchdog thread interrupts a store
 * whose deadline has passed. Engine-internal.
 *
 * Ownership: the engine owns its deadlines_t (deadlines_new in sl_engine_new, deadlines_free in
 * sl_engine_free, after every store is gone). Threading: every function may be called from any
 * thread; one mutex inside guards the pending list and is never held while wasm runs.
 * Errors: SL_ENOMEM.
 */
#ifndef SL_DEADLINE_H
#define SL_DEADLINE_H

#include "slipstream.h"

typedef struct deadlines deadlines_t;

int deadlines_new(deadlines_t **out);
void deadlines_free(deadlines_t *d);
/* Forgets the store's deadline, if any: from here on the watchdog will not touch the store. */
void deadlines_cancel(deadlines_t *d, sl_store_t *store);

#endif
