/* Code space: one memfd mapped twice (rx and rw), carved by a first-fit free list with coalescing.
 * Freed whole pages are punched out of the memfd so released code stops costing memory. Placement
 * policy beyond first fit (per-module regions, near-call clustering) is not this file's job. */
#define _GNU_SOURCE
#include "code_space.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "invariants.h"

/* A free range of the memfd, by offset. */
struct codespace_range {
    size_t off;
    size_t size;
};

static size_t
round_up(size_t n, size_t align)
{
    return (n + align - 1) & ~(align - 1);
}

static size_t
round_down(size_t n, size_t align)
{
    return n & ~(align - 1);
}

int
codespace_new(size_t reserve, codespace_t **out)
{
    *out = NULL;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    if (reserve == 0 || reserve > CODESPACE_MAX_RESERVE)
        return SL_EARG;
    reserve = round_up(reserve, (size_t)page);

    codespace_t *cs = calloc(1, sizeof *cs);
    if (!cs)
        return SL_ENOMEM;
    cs->fd = -1;
    cs->page_size = (size_t)page;
    cs->reserve = reserve;
    void *rx = MAP_FAILED, *rw = MAP_FAILED;
    int rc = SL_ENOMEM;

    cs->free_cap = 16;
    cs->free_ranges = malloc(cs->free_cap * sizeof *cs->free_ranges);
    if (!cs->free_ranges)
        goto fail;
    cs->free_ranges[0] = (codespace_range_t){.off = 0, .size = reserve};
    cs->n_free = 1;

    cs->fd = memfd_create("slipstream-code", MFD_CLOEXEC);
    if (cs->fd < 0)
        goto fail;
    /* Sparse: ftruncate only sets the size, pages are allocated when first written. */
    if (ftruncate(cs->fd, (off_t)reserve) != 0)
        goto fail;
    rx = mmap(NULL, reserve, PROT_READ | PROT_EXEC, MAP_SHARED, cs->fd, 0);
    if (rx == MAP_FAILED)
        goto fail;
    rw = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_SHARED, cs->fd, 0);
    if (rw == MAP_FAILED)
        goto fail;
    if (pthread_mutex_init(&cs->lock, NULL) != 0)
        goto fail;

    cs->rx = rx;
    cs->rw = rw;
    *out = cs;
    return 0;

fail:
    if (rw != MAP_FAILED)
        munmap(rw, reserve);
    if (rx != MAP_FAILED)
        munmap(rx, reserve);
    if (cs->fd >= 0)
        close(cs->fd);
    free(cs->free_ranges);
    free(cs);
    return rc;
}

void
codespace_free(codespace_t *cs)
{
    if (!cs)
        return;
    munmap((void *)(uintptr_t)cs->rx, cs->reserve);
    munmap(cs->rw, cs->reserve);
    close(cs->fd);
    pthread_mutex_destroy(&cs->lock);
    free(cs->free_ranges);
    free(cs);
}

/* Makes room for one more free range than there can be after the next allocation: the free ranges
 * are separated by live blocks, so n_free <= n_live + 1 always, and a capacity of n_live + 2 before
 * handing out a block means release never has to grow the array. Called with the lock held. */
static bool
reserve_ranges(codespace_t *cs)
{
    size_t need = cs->n_live + 2;
    if (cs->free_cap >= need)
        return true;
    size_t cap = cs->free_cap * 2;
    if (cap < need)
        cap = need;
    codespace_range_t *r = realloc(cs->free_ranges, cap * sizeof *r);
    if (!r)
        return false;
    cs->free_ranges = r;
    cs->free_cap = cap;
    return true;
}

int
codespace_alloc(codespace_t *cs, size_t size, code_block_t *out)
{
    *out = (code_block_t){0};
    if (size == 0)
        return SL_EARG;
    if (size > cs->reserve)
        return SL_ENOSPACE;
    size = round_up(size, CODESPACE_ALIGN);

    int rc = SL_ENOMEM;
    pthread_mutex_lock(&cs->lock);
    if (!reserve_ranges(cs))
        goto out;
    rc = SL_ENOSPACE;
    for (size_t i = 0; i < cs->n_free; i++) {
        codespace_range_t *r = &cs->free_ranges[i];
        if (r->size < size)
            continue;
        size_t off = r->off;
        r->off += size;
        r->size -= size;
        if (r->size == 0) {
            memmove(r, r + 1, (cs->n_free - i - 1) * sizeof *r);
            cs->n_free--;
        }
        cs->n_live++;
        cs->used += size;
        out->rw = cs->rw + off;
        out->rx = cs->rx + off;
        out->size = size;
        rc = 0;
        break;
    }
out:
    pthread_mutex_unlock(&cs->lock);
    return rc;
}

/* Gives back the pages of [lo, hi) (page-aligned offsets) to the system. The file keeps its size,
 * and both mappings stay valid: the punched pages read as zero until written again. */
static void
punch(codespace_t *cs, size_t lo, size_t hi)
{
    if (lo >= hi)
        return;
    /* Failure only costs memory (an old kernel or a file system without hole punching), so it is
     * not reported: the space stays correct. */
    (void)fallocate(cs->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)lo,
                    (off_t)(hi - lo));
}

void
codespace_release(codespace_t *cs, const code_block_t *block)
{
    if (!block || !block->rx)
        return;
    uintptr_t rx = (uintptr_t)block->rx;
    /* Not from this space, misaligned or resized blocks would corrupt the free list. */
    SL_ASSERT(rx >= (uintptr_t)cs->rx && rx - (uintptr_t)cs->rx <= cs->reserve);
    size_t off = rx - (uintptr_t)cs->rx;
    size_t size = block->size;
    SL_ASSERT(size > 0 && size <= cs->reserve - off);
    SL_ASSERT(off % CODESPACE_ALIGN == 0 && size % CODESPACE_ALIGN == 0);
    SL_ASSERT(block->rw == cs->rw + off);

    pthread_mutex_lock(&cs->lock);
    /* i: the first free range after the block. */
    size_t lo = 0, hi = cs->n_free;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs->free_ranges[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t i = lo;
    codespace_range_t *r = cs->free_ranges;
    bool has_prev = i > 0, has_next = i < cs->n_free;
    /* A double release, or a block overlapping free space, is a caller bug that would hand the
     * same bytes out twice: stop here. */
    SL_ASSERT(!has_prev || r[i - 1].off + r[i - 1].size <= off);
    SL_ASSERT(!has_next || off + size <= r[i].off);
    SL_ASSERT(cs->n_live > 0);

    bool merge_prev = has_prev && r[i - 1].off + r[i - 1].size == off;
    bool merge_next = has_next && off + size == r[i].off;
    size_t free_lo, free_hi; /* the coalesced free range holding the block */
    if (merge_prev && merge_next) {
        r[i - 1].size += size + r[i].size;
        free_lo = r[i - 1].off;
        free_hi = free_lo + r[i - 1].size;
        memmove(&r[i], &r[i + 1], (cs->n_free - i - 1) * sizeof *r);
        cs->n_free--;
    } else if (merge_prev) {
        r[i - 1].size += size;
        free_lo = r[i - 1].off;
        free_hi = free_lo + r[i - 1].size;
    } else if (merge_next) {
        r[i].off = off;
        r[i].size += size;
        free_lo = off;
        free_hi = off + r[i].size;
    } else {
        SL_ASSERT(cs->n_free < cs->free_cap); /* guaranteed by reserve_ranges */
        memmove(&r[i + 1], &r[i], (cs->n_free - i) * sizeof *r);
        r[i] = (codespace_range_t){.off = off, .size = size};
        cs->n_free++;
        free_lo = off;
        free_hi = off + size;
    }
    cs->n_live--;
    cs->used -= size;

    /* Punch the pages the block touches that are now wholly free. Pages of the coalesced range
     * away from the block were punched when they became free. This happens under the lock: once it
     * is dropped another thread may be handed these pages and write code into them. */
    size_t page = cs->page_size;
    size_t punch_lo = round_down(off, page), punch_hi = round_up(off + size, page);
    if (punch_lo < round_up(free_lo, page))
        punch_lo = round_up(free_lo, page);
    if (punch_hi > round_down(free_hi, page))
        punch_hi = round_down(free_hi, page);
    punch(cs, punch_lo, punch_hi);
    pthread_mutex_unlock(&cs->lock);
}

size_t
codespace_used(codespace_t *cs)
{
    pthread_mutex_lock(&cs->lock);
    size_t used = cs->used;
    pthread_mutex_unlock(&cs->lock);
    return used;
}

bool
codespace_contains(const codespace_t *cs, uintptr_t pc)
{
    return pc >= (uintptr_t)cs->rx && pc - (uintptr_t)cs->rx < cs->reserve;
}
