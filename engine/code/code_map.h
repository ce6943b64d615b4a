/* Code map: the process-wide table of generated-code ranges and their trap sites, read by the
 * SIGSEGV/SIGBUS handler to decide whether a fault is a wasm trap. It knows addresses only; which
 * module or function a range belongs to is the caller's bookkeeping.
 *
 * A trap site is a memory-access instruction that may fault by design (a guard-page access): `pc`
 * is its offset from the range start, `landing` the offset where execution continues instead (an
 * out-of-line stub that raises the trap). A fault at any other pc is not a trap.
 *
 * Why global: a signal handler has no context argument, so this is the one table the engine keeps
 * per process (STYLE: engine state is otherwise passed, never global).
 *
 * Ownership: codemap_register copies the site table (the caller may free its own at once); the copy
 * lives until codemap_unregister has made sure no handler can still read it. When the last range is
 * unregistered nothing is left allocated.
 * Threading: register/unregister from any thread (one writer mutex; they may wait briefly for
 * signal handlers in flight). codemap_lookup and codemap_contains are lock-free and
 * async-signal-safe, and may run in a signal handler while other threads register and unregister.
 * Errors: SL_EARG for an empty or wrapping range, unsorted or duplicate sites, a site outside the
 * range, or a range overlapping a registered one; SL_ENOMEM.
 */
#ifndef SL_CODE_MAP_H
#define SL_CODE_MAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

typedef struct trap_site {
    uint32_t pc;      /* offset of the faulting memory instruction from the range start */
    uint32_t landing; /* offset where execution resumes after a fault at pc */
} trap_site_t;

/* Registers [start, start + size) with its trap sites, sorted by pc with no duplicates (n_sites
 * may be 0: the range is still known to codemap_contains). The table is copied. Register the range
 * before its code can run, unregister it after the code can no longer run. */
int codemap_register(uintptr_t start, size_t size, const trap_site_t *sites, size_t n_sites);
/* Removes the range registered at `start` and frees its copy of the sites once no signal handler
 * can be reading them. An unknown start is ignored. */
void codemap_unregister(uintptr_t start);

/* The same for many ranges at once, at the cost of one snapshot: a module's functions. Each
 * registration is O(ranges registered), so registering n functions one by one would be O(n^2).
 * codemap_register_all registers all or none; codemap_unregister_all wants `starts` in ascending
 * order and ignores unknown ones. */
typedef struct codemap_entry {
    uintptr_t start;
    size_t size;
    const trap_site_t *sites;
    size_t n_sites;
} codemap_entry_t;

int codemap_register_all(const codemap_entry_t *entries, size_t n_entries);
void codemap_unregister_all(const uintptr_t *starts, size_t n_starts);
/* If `pc` is exactly a registered trap site, stores its landing address in *landing and returns
 * true. Async-signal-safe, lock-free; defined in trap_inside.c with the other signal-context
 * code. */
bool codemap_lookup(uintptr_t pc, uintptr_t *landing);
/* Whether `pc` lies in a registered range. Async-signal-safe (a profiler may call it from SIGPROF);
 * defined in trap_inside.c. */
bool codemap_contains(uintptr_t pc);

/* ---- private: shared by code_map.c (writers) and trap_inside.c (readers) ---------------------
 *
 * Readers see an immutable snapshot: a sorted array of non-overlapping ranges. Writers build a new
 * snapshot under a mutex, publish it with an atomic exchange, then wait out a grace period before
 * freeing what only the old one referenced. A reader announces itself in one of two counters,
 * chosen by the parity of `epoch`, before loading `current`, and leaves after its last access:
 *
 *   reader:  e = epoch; readers[e & 1]++; s = current; ...read s...; readers[e & 1]--
 *   writer:  old = exchange(current, new);
 *            for two rounds: e = epoch; epoch = e + 1; wait until readers[e & 1] == 0
 *            free old (and the site tables only it referenced)
 *
 * All accesses are sequentially consistent. A reader counted after the writer saw a counter at zero
 * loads `current` after the exchange, so it holds the new snapshot. Readers that arrive during a
 * round join the other parity, so a round ends even while threads trap continuously; two rounds
 * cover a reader that read `epoch` long ago and counts itself on the parity of the second round.
 */
typedef struct codemap_range {
    uintptr_t start, end; /* [start, end) */
    size_t n_sites;
    const trap_site_t *sites; /* owned copy, sorted by pc */
} codemap_range_t;

typedef struct codemap_snapshot {
    size_t n_ranges;
    size_t capacity;          /* writers only: ranges[] has room for this many */
    codemap_range_t ranges[]; /* sorted by start */
} codemap_snapshot_t;

typedef struct codemap_shared {
    _Atomic(const codemap_snapshot_t *) current; /* NULL when nothing is registered */
    atomic_ulong epoch;
    atomic_ulong readers[2];
} codemap_shared_t;

extern codemap_shared_t codemap_shared;

#endif
