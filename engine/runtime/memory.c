/* Linear memory: one PROT_NONE reservation per memory, committed from the bottom up with mprotect.
 * Data segments, copy-on-write images and pooling are built on top of this elsewhere. */
#include "memory.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>

_Static_assert(offsetof(linear_memory_t, base) == MEMORY_OFFSETOF_BASE,
               "generated code loads base at MEMORY_OFFSETOF_BASE");
_Static_assert(offsetof(linear_memory_t, size) == MEMORY_OFFSETOF_SIZE,
               "generated code loads size at MEMORY_OFFSETOF_SIZE");
_Static_assert(sizeof(size_t) >= 8, "the reservation needs a 64-bit address space");

/* Makes [from, to) pages read-write. Anonymous pages that were never accessible read as zero, and
 * pages are never de-committed, so new pages are always zero.
 *
 * The reservation is MAP_NORESERVE, so under the default overcommit policy mprotect charges nothing
 * and pages cost memory when first touched; under strict overcommit (vm.overcommit_memory=2) the
 * kernel ignores MAP_NORESERVE, charges the commit here, and a refusal becomes a failed grow rather
 * than a later crash. */
static bool
commit(linear_memory_t *mem, uint64_t from_pages, uint64_t to_pages)
{
    if (from_pages == to_pages)
        return true;
    uint8_t *start = mem->base + from_pages * MEMORY_PAGE_SIZE;
    size_t len = (size_t)((to_pages - from_pages) * MEMORY_PAGE_SIZE);
    if (mprotect(start, len, PROT_READ | PROT_WRITE) == 0)
        return true;
    /* The range lies in one PROT_NONE mapping, so a refusal should change nothing; putting it back
     * keeps "unchanged on failure" true even if the kernel got part of the way. */
    (void)mprotect(start, len, PROT_NONE);
    return false;
}

/* Room for `size` more bytes in the account, then in its pool; the pool is shared, so its
 * charge is one compare-and-swap that fails rather than passes the budget. Sums stay far below
 * 2^64 (at most 2^32 bytes per memory), so they cannot wrap. */
static bool
charge(memory_account_t *a, uint64_t size)
{
    if (!a || size == 0)
        return true;
    if (a->limit && a->committed + size > a->limit)
        return false;
    if (a->pool) {
        memory_pool_t *p = a->pool;
        uint64_t old = atomic_load_explicit(&p->committed, memory_order_relaxed);
        do {
            uint64_t budget = atomic_load_explicit(&p->budget, memory_order_relaxed);
            if (budget && old + size > budget)
                return false;
        } while (!atomic_compare_exchange_weak_explicit(&p->committed, &old, old + size,
                                                        memory_order_relaxed,
                                                        memory_order_relaxed));
    }
    a->committed += size;
    return true;
}

static void
uncharge(memory_account_t *a, uint64_t size)
{
    if (!a || size == 0)
        return;
    a->committed -= size;
    if (a->pool)
        atomic_fetch_sub_explicit(&a->pool->committed, size, memory_order_relaxed);
}

const char *
memory_refusal(const memory_account_t *a, uint64_t size, uint64_t *limit)
{
    if (!a)
        return NULL;
    if (a->limit && a->committed + size > a->limit) {
        *limit = a->limit;
        return "the store's limit";
    }
    uint64_t budget = a->pool ? atomic_load(&a->pool->budget) : 0;
    if (budget && atomic_load(&a->pool->committed) + size > budget) {
        *limit = budget;
        return "the engine's budget";
    }
    return NULL;
}

int
memory_new(memory_account_t *account, uint32_t min_pages, uint32_t max_pages,
           linear_memory_t **out)
{
    *out = NULL;
    if (min_pages > max_pages || max_pages > MEMORY_MAX_PAGES)
        return SL_EARG;
    linear_memory_t *mem = calloc(1, sizeof *mem);
    if (!mem)
        return SL_ENOMEM;
    void *p = mmap(NULL, (size_t)MEMORY_RESERVE, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        free(mem);
        return SL_ENOMEM;
    }
    mem->reservation = p;
    mem->reservation_size = (size_t)MEMORY_RESERVE;
    mem->base = p;
    mem->max_pages = max_pages;
    uint64_t size = (uint64_t)min_pages * MEMORY_PAGE_SIZE;
    if (!charge(account, size)) {
        memory_free(mem);
        return SL_ELIMIT;
    }
    mem->account = account; /* from here on memory_free gives `size` back */
    mem->size = size;
    if (!commit(mem, 0, min_pages)) {
        memory_free(mem);
        return SL_ENOMEM;
    }
    mem->pages = min_pages;
    *out = mem;
    return 0;
}

void
memory_free(linear_memory_t *mem)
{
    if (!mem)
        return;
    munmap(mem->reservation, mem->reservation_size);
    uncharge(mem->account, mem->size);
    free(mem);
}

int64_t
memory_grow(linear_memory_t *mem, uint32_t delta_pages)
{
    /* spec: execution, memory.grow: fails (-1) past the maximum; the failure may also be chosen
     * when the system has no memory left. */
    uint64_t old_pages = mem->pages;
    uint64_t new_pages = old_pages + delta_pages;
    if (new_pages > mem->max_pages || new_pages > MEMORY_MAX_PAGES)
        return -1;
    uint64_t more = (uint64_t)delta_pages * MEMORY_PAGE_SIZE;
    if (!charge(mem->account, more))
        return -1;
    if (!commit(mem, old_pages, new_pages)) {
        uncharge(mem->account, more);
        return -1;
    }
    mem->pages = (uint32_t)new_pages;
    mem->size = new_pages * MEMORY_PAGE_SIZE;
    return (int64_t)old_pages;
}
