/* READ BEFORE CHANGING
 *
 * This file is the only engine code that runs in signal context: the SIGSEGV/SIGBUS handler and
 * the code-map readers it calls. A mistake here either turns a real crash into silent corruption or
 * deadlocks a faulting thread. Rules:
 *
 *  1. Async-signal-safe calls only (sigaction, pthread_sigmask, raise). No locks, no malloc/free,
 *     no stdio, no logging, no SL_ASSERT (it prints), no thread-locals that need lazy allocation.
 *  2. Shared state is read through the lock-free atomics of codemap_shared (code_map.h), following
 *     its reader protocol exactly: count in before loading `current`, count out after the last
 *     access to the snapshot. Never call the previous handler while counted in (it may not return,
 *     and writers would then wait for ever).
 *  3. Redirect only kernel-generated faults (si_code > 0) whose pc is exactly a registered trap
 *     site. Everything else goes to the previous action, unchanged: never swallow a fault.
 *  4. Preserve errno: the interrupted code may be between a call and its errno check.
 *  5. Keep it small; anything that can be done outside a signal handler belongs in
 *     trap_outside.c or code_map.c.
 *
 * Tests: tests/engine/test_trap_handler.c (recovery, chaining, non-swallowing, concurrent
 * registration while trapping).
 */
#define _GNU_SOURCE
#include "trap_handler.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <ucontext.h>

#include "code_map.h"

struct sigaction traps_previous[TRAPS_N_SIGNALS];

/* The range of `s` holding pc, or NULL. */
static const codemap_range_t *
find_range(const codemap_snapshot_t *s, uintptr_t pc)
{
    if (!s)
        return NULL;
    /* The last range starting at or before pc. */
    size_t lo = 0, hi = s->n_ranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ranges[mid].start <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const codemap_range_t *r = &s->ranges[lo - 1];
    return pc < r->end ? r : NULL;
}

static const trap_site_t *
find_site(const codemap_range_t *r, uint32_t offset)
{
    size_t lo = 0, hi = r->n_sites;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->sites[mid].pc < offset)
            lo = mid + 1;
        else if (r->sites[mid].pc > offset)
            hi = mid;
        else
            return &r->sites[mid];
    }
    return NULL;
}

bool
codemap_lookup(uintptr_t pc, uintptr_t *landing)
{
    bool found = false;
    atomic_ulong *readers = &codemap_shared.readers[atomic_load(&codemap_shared.epoch) & 1];
    atomic_fetch_add(readers, 1);
    const codemap_range_t *r = find_range(atomic_load(&codemap_shared.current), pc);
    if (r && pc - r->start <= UINT32_MAX) {
        const trap_site_t *site = find_site(r, (uint32_t)(pc - r->start));
        if (site) {
            *landing = r->start + site->landing;
            found = true;
        }
    }
    atomic_fetch_sub(readers, 1);
    return found;
}

bool
codemap_contains(uintptr_t pc)
{
    atomic_ulong *readers = &codemap_shared.readers[atomic_load(&codemap_shared.epoch) & 1];
    atomic_fetch_add(readers, 1);
    bool found = find_range(atomic_load(&codemap_shared.current), pc) != NULL;
    atomic_fetch_sub(readers, 1);
    return found;
}

static void
set_default(int sig)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
}

/* Gives a signal that is not a trap to the action that was in place before ours. */
static void
forward(int sig, siginfo_t *info, void *context)
{
    const struct sigaction *prev = &traps_previous[sig == SIGBUS ? TRAPS_BUS : TRAPS_SEGV];
    bool is_fault = info->si_code > 0;

    if (prev->sa_handler == SIG_IGN && !is_fault)
        return; /* a sent signal the process chose to ignore stays ignored */
    if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN) {
        /* Back to the default action. A fault re-executes when we return and now kills the process
         * with this signal (and a core dump); a sent signal is sent again, stays pending while we
         * run (it is blocked in its own handler) and is delivered on return. */
        set_default(sig);
        if (!is_fault)
            raise(sig);
        return;
    }

    /* A handler (ASan's, a crash reporter's): call it as the kernel would have. */
    sigset_t saved;
    pthread_sigmask(SIG_BLOCK, &prev->sa_mask, &saved);
    if (prev->sa_flags & SA_RESETHAND)
        set_default(sig);
    if (prev->sa_flags & SA_SIGINFO)
        prev->sa_sigaction(sig, info, context);
    else
        prev->sa_handler(sig);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

void
traps_on_signal(int sig, siginfo_t *info, void *context)
{
    int saved_errno = errno;
    ucontext_t *uc = context;
    uintptr_t landing;
    /* si_code > 0: raised by the kernel for this instruction (SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR,
     * SI_KERNEL...), not sent by kill, raise or sigqueue. */
    if (info->si_code > 0 && codemap_lookup((uintptr_t)uc->uc_mcontext.gregs[REG_RIP], &landing)) {
        /* Resume at the landing stub with every other register as the fault left it. */
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)landing;
    } else {
        forward(sig, info, context);
    }
    errno = saved_errno;
}
