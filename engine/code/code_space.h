/* Code space: executable memory that is never writable at the same address. One memfd is mapped
 * twice, once read-execute (the view that runs) and once read-write (the view that is written),
 * and carved into 16-byte aligned blocks. It does not know what the code is: jump tables,
 * relocation and registration with the trap handler belong to their own components.
 *
 *   memfd (sparse, `reserve` bytes)
 *   +------------------------------------------------------------------+
 *   | block A |  free  | block B | jump-table lines |       free       |
 *   +------------------------------------------------------------------+
 *     ^ rx view (PROT_READ|PROT_EXEC):  calls, rip-relative loads
 *     ^ rw view (PROT_READ|PROT_WRITE): emitters, patchers
 *   offset o is rx + o in one view and rw + o in the other: the same physical page.
 *
 * The rx view is one contiguous mapping of at most CODESPACE_MAX_RESERVE (2 GiB), so any two
 * addresses in it are within rel32 reach of each other (calls, jumps, rip-relative loads of 8-byte
 * jump-table slots placed in the space).
 *
 * Visibility: a byte stored through rw is the byte fetched through rx at once (same page), and x86
 * keeps instruction fetch coherent with stores, so no cache flush is needed. A thread that writes
 * code and hands it to another thread must publish with a release store (or a mutex) after the last
 * byte is written, and the other thread must read the pointer with an acquire load before jumping
 * to it. Patching code that another thread may be executing is the patcher's business (an aligned
 * 8-byte store of a jump-table slot is atomic); this component gives no further guarantee.
 *
 * Ownership: the creator frees the space with codespace_free, after every user of its code has
 * stopped running it; blocks are not freed individually on codespace_free.
 * Threading: codespace_alloc/codespace_release from any thread (one mutex, see struct codespace);
 * codespace_contains and the translations read only fields fixed at creation.
 * Errors: SL_EARG for bad sizes, SL_ENOMEM when the system refuses memory, SL_ENOSPACE when no
 * free range is large enough (the space is full, or too fragmented, for this block).
 */
#ifndef SL_CODE_SPACE_H
#define SL_CODE_SPACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

/* Largest reservation: keeps every rx address within ±2 GiB of every other. */
#define CODESPACE_MAX_RESERVE ((size_t)2 << 30)
/* Alignment of every block: enough for a function entry. Coarser alignment (cache lines for
 * jump-table lines) is the caller's to arrange inside its block. */
#define CODESPACE_ALIGN 16u

typedef struct codespace_range codespace_range_t;

typedef struct codespace {
    /* read-only after codespace_new */
    const uint8_t *rx; /* the executable view */
    uint8_t *rw;       /* the writable view of the same bytes */
    size_t reserve;    /* bytes in each view, a multiple of the page size */

    /* private */
    int fd;
    size_t page_size;
    /* `lock` guards every field below it: the free list and the live-block count. */
    pthread_mutex_t lock;
    codespace_range_t *free_ranges; /* sorted by offset, never adjacent (always coalesced) */
    size_t n_free;
    size_t free_cap;   /* kept >= n_live + 1 so that codespace_release never allocates */
    size_t n_live;     /* blocks handed out and not released */
    size_t used;       /* bytes of those blocks */
} codespace_t;

/* A block of code space: the same `size` bytes seen through both views. */
typedef struct code_block {
    uint8_t *rw;       /* write here */
    const uint8_t *rx; /* run here */
    size_t size;       /* the requested size rounded up to CODESPACE_ALIGN */
} code_block_t;

/* Creates a space of `reserve` bytes (rounded up to the page size; 1 .. CODESPACE_MAX_RESERVE).
 * The memfd is sparse: only pages written to cost memory. SL_EARG for a bad size, SL_ENOMEM when
 * memfd_create, ftruncate or mmap fail. */
int codespace_new(size_t reserve, codespace_t **out);
/* Unmaps both views and closes the memfd. NULL is accepted. */
void codespace_free(codespace_t *cs);

/* Hands out a CODESPACE_ALIGN-aligned block of at least `size` (> 0) bytes, first fit. The contents
 * are unspecified (zero where the pages were never written or were given back). SL_EARG for size 0,
 * SL_ENOSPACE when no free range is large enough, SL_ENOMEM when bookkeeping memory is refused.
 * Any thread. */
int codespace_alloc(codespace_t *cs, size_t size, code_block_t *out);
/* Returns a block from codespace_alloc to the free list, merging it with free neighbours; pages
 * that become entirely free are given back to the system (hole punched). Releasing a block that is
 * (partly) free already, or one that is not from this space, aborts. No thread may still be
 * running the block's code. Never allocates, never fails. Any thread. */
void codespace_release(codespace_t *cs, const code_block_t *block);

/* Bytes in live blocks now (a snapshot: other threads may change it at once). Any thread. */
size_t codespace_used(codespace_t *cs);

/* Whether `pc` lies in the rx view (allocated or not). Async-signal-safe. */
bool codespace_contains(const codespace_t *cs, uintptr_t pc);

/* The rw twin of an rx address of this space, and back. The address must lie in the space. */
static inline uint8_t *
codespace_to_rw(const codespace_t *cs, const void *rx)
{
    return cs->rw + ((uintptr_t)rx - (uintptr_t)cs->rx);
}

static inline const uint8_t *
codespace_to_rx(const codespace_t *cs, const void *rw)
{
    return cs->rx + ((uintptr_t)rw - (uintptr_t)cs->rw);
}

#endif
