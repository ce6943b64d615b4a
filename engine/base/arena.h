/* Bump allocator with a byte budget: everything is freed at once by arena_fini. A request past
 * the budget fails (NULL), which callers turn into SL_ELIMIT; a failed malloc is SL_ENOMEM.
 * Not thread-safe: one owner at a time. */
#ifndef SL_ARENA_H
#define SL_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block_t;

typedef struct arena {
    /* private */
    arena_block_t *head;
    char *cur, *end;
    size_t used;   /* bytes handed out, for the budget */
    unsigned n_blocks;
    size_t budget; /* 0: unlimited */
    int last_error; /* SL_ELIMIT or SL_ENOMEM of the last failed request */
} arena_t;

void arena_init(arena_t *arena, size_t budget);
void arena_fini(arena_t *arena);
/* Zeroed, 16-byte aligned memory, or NULL (see arena->last_error). */
void *arena_alloc(arena_t *arena, size_t size);
/* arena_alloc of n * size with an overflow check. */
void *arena_alloc_array(arena_t *arena, size_t n, size_t size);

#endif
