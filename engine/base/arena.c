/* Bump allocator: blocks grow geometrically, large requests get a block of their own. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

struct arena_block {
    arena_block_t *next;
    size_t size;
    _Alignas(16) char data[];
};

enum { ALIGN = 16, MIN_BLOCK = 4096, MAX_GROWTH_STEPS = 8 };

void
arena_init(arena_t *arena, size_t budget)
{
    memset(arena, 0, sizeof *arena);
    arena->budget = budget;
}

void
arena_fini(arena_t *arena)
{
    arena_block_t *b = arena->head;
    while (b) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    arena_init(arena, arena->budget);
}

void *
arena_alloc(arena_t *arena, size_t size)
{
    /* Zero-sized requests get a real address too: an empty array is not an allocation failure. */
    size_t rounded = size ? (size + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;
    if (rounded < size || (arena->budget && rounded > arena->budget - arena->used)) {
        arena->last_error = SL_ELIMIT;
        return NULL;
    }
    if ((size_t)(arena->end - arena->cur) < rounded) {
        /* 4 KiB doubling up to 1 MiB: small modules stay small, big ones make few blocks. */
        unsigned steps = arena->n_blocks < MAX_GROWTH_STEPS ? arena->n_blocks : MAX_GROWTH_STEPS;
        size_t block_size = (size_t)MIN_BLOCK << steps;
        if (block_size < rounded)
            block_size = rounded;
        arena_block_t *b = malloc(sizeof *b + block_size);
        if (!b) {
            arena->last_error = SL_ENOMEM;
            return NULL;
        }
        b->size = block_size;
        b->next = arena->head;
        arena->head = b;
        arena->n_blocks++;
        arena->cur = b->data;
        arena->end = b->data + block_size;
    }
    void *p = arena->cur;
    arena->cur += rounded;
    arena->used += rounded;
    memset(p, 0, size);
    return p;
}

void *
arena_alloc_array(arena_t *arena, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        arena->last_error = SL_ELIMIT;
        return NULL;
    }
    return arena_alloc(arena, n * size);
}
