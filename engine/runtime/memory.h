/* WebAssembly linear memory with 32-bit indices, bounds-checked by guard pages. It does not copy
 * data segments or share memories between threads (no threads proposal yet); memory64 would need
 * explicit bounds checks and is not handled here.
 *
 *   base                   base + size                                 base + MEMORY_RESERVE
 *   |<- committed, rw ---->|<----------------- PROT_NONE guard ------------------------>|
 *   |   pages * 64 KiB     |  grows into this, in place                                 |
 *
 * A wasm access reads base + index + offset .. + width - 1 with index and offset both u32 and width
 * at most 16 (v128), so it ends below base + 2 * (2^32 - 1) + 16 < base + 8 GiB + 64 KiB. Every
 * address an out-of-bounds access can touch is inside the reservation and not committed, so it
 * faults, and generated code needs no bounds check: the trap handler turns the fault at a
 * registered access site into the "out of bounds memory access" trap.
 *
 * Accounting: every committed page is charged to an account (a store's) and through it to a pool
 * (its engine's), each with an optional bound, before it is made read-write; memory_free gives the
 * pages back. A memory that cannot be charged is refused (memory_new: SL_ELIMIT) or does not
 * grow (memory_grow: -1), exactly as when the system refuses the commit.
 *
 * Ownership: memory_new's caller (an instance, or an export holder) frees with memory_free; the
 * account must outlive its memories, the pool its accounts.
 * Threading: one thread at a time per memory and per account (the store's); the pool's fields
 * are atomic and shared by every thread. memory_grow changes `size` and `pages`, which generated
 * code on the same thread reads afterwards.
 * Errors: memory_new returns SL_EARG for inconsistent limits, SL_ELIMIT when the account or pool
 * has no room for min_pages, SL_ENOMEM when the address space or the first commit is refused;
 * memory_grow follows memory.grow and returns -1.
 */
#ifndef SL_MEMORY_H
#define SL_MEMORY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

#define MEMORY_PAGE_SIZE 65536u
#define MEMORY_MAX_PAGES 65536u /* 4 GiB: the most a 32-bit memory can have */
/* Address space reserved per memory: 8 GiB covers index + offset (+ 16 bytes of a v128 access),
 * the extra 64 KiB keeps the end of the widest access clear of whatever is mapped next. */
#define MEMORY_RESERVE (((uint64_t)8 << 30) + MEMORY_PAGE_SIZE)

/* Committed bytes of every memory of an engine (sl_engine_set_memory_budget). Any thread: a
 * charge is a compare-and-swap loop on `committed`, so concurrent grows never pass `budget`. */
typedef struct memory_pool {
    _Atomic uint64_t committed; /* bytes of linear memory committed, all stores together */
    _Atomic uint64_t budget;    /* most `committed` may reach; 0: no budget */
} memory_pool_t;

/* Committed bytes of the memories of one store (sl_store_set_limits). The store's thread only. */
typedef struct memory_account {
    memory_pool_t *pool; /* the engine's; NULL: nothing is charged above the account */
    uint64_t committed;  /* bytes committed by the memories charged here */
    uint64_t limit;      /* most `committed` may reach; 0: no limit */
} memory_account_t;

/* Declared here, not opaque: generated code loads `base` and `size` from an instance's memory at
 * the fixed offsets below (checked by static assertions in memory.c); keep them where they are. */
typedef struct linear_memory {
    /* read-only outside memory.c; read by generated code */
    uint8_t *base;      /* offset 0: byte 0 of the memory; never moves */
    uint64_t size;      /* offset 8: bytes, pages * MEMORY_PAGE_SIZE */
    uint32_t pages;     /* current size in pages */
    uint32_t max_pages; /* the module's maximum, MEMORY_MAX_PAGES when it gives none */

    /* private */
    void *reservation;       /* the mmap'd region, MEMORY_RESERVE bytes; base == reservation */
    size_t reservation_size;
    memory_account_t *account; /* charged with `size`; NULL: not accounted */
} linear_memory_t;

#define MEMORY_OFFSETOF_BASE 0
#define MEMORY_OFFSETOF_SIZE 8

/* Reserves MEMORY_RESERVE bytes of address space with no access and commits min_pages zeroed pages
 * read-write, charged to `account` (NULL: not accounted). max_pages is the module's maximum (pass
 * MEMORY_MAX_PAGES when it has none); min_pages <= max_pages <= MEMORY_MAX_PAGES, else SL_EARG.
 * Committed pages cost memory only when touched. SL_ELIMIT when the account or its pool has no
 * room for them, SL_ENOMEM when mmap or mprotect fail. */
int memory_new(memory_account_t *account, uint32_t min_pages, uint32_t max_pages,
               linear_memory_t **out);
/* Unmaps the reservation, gives its pages back to the account and frees the descriptor. NULL is
 * accepted. */
void memory_free(linear_memory_t *mem);

/* memory.grow: commits delta_pages more zeroed pages after the current end, in place (base does not
 * change). Returns the old page count, or -1 when the result would pass max_pages or
 * MEMORY_MAX_PAGES, the account or its pool has no room, or the system refuses the commit; on -1
 * the memory is unchanged. A delta of 0 returns the current count. */
int64_t memory_grow(linear_memory_t *mem, uint32_t delta_pages);

/* Which bound refuses `size` more bytes for the account, for an error message: "the store's
 * limit" or "the engine's budget" with *limit set to it, or NULL when both have room now. */
const char *memory_refusal(const memory_account_t *account, uint64_t size, uint64_t *limit);

#endif
