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

int
memory_new(uint32_t min_pages, uint32_t max_pages, linear_memory_t **out)
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
    if (!commit(mem, 0, min_pages)) {
        memory_free(mem);
        return SL_ENOMEM;
    }
    mem->pages = min_pages;
    mem->size = (uint64_t)min_pages * MEMORY_PAGE_SIZE;
    *out = mem;
    return 0;
}

void
memory_free(linear_memory_t *mem)
{
    if (!mem)
        return;
    munmap(mem->reservation, mem->reservation_size);
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
    if (!commit(mem, old_pages, new_pages))
        return -1;
    mem->pages = (uint32_t)new_pages;
    mem->size = new_pages * MEMORY_PAGE_SIZE;
    return (int64_t)old_pages;
}
