/* A module's installed code, whichever tier compiled it: the jump table (one 8-byte slot per
 * defined function, which calls go through), the code blocks behind the slots, the lazy stubs
 * the slots start at in lazy mode, and the lists of trap sites waiting for their module to be
 * finished.
 *
 * Installing a function is the same for every tier: copy into executable memory, resolve its
 * direct calls to jump-table slots, then publish it in its slot with a release store, so a thread
 * that calls through the slot sees the finished code.
 *
 * Ownership: a module_code_t is owned by its module (sl_module_t.code) and released with it
 * through the hook module_code_new sets, so the engine must outlive its modules.
 * Threading: written by the compiling thread(s) until the module is finished (the counters and
 * code_held are atomic, a lazy compile takes the engine's lazy lock); read-only afterwards.
 * Errors: SL_ENOMEM, SL_ENOSPACE (the code space is full), SL_ELIMIT (the module's code limit). */
#ifndef SL_JUMP_TABLE_H
#define SL_JUMP_TABLE_H

#include <stdatomic.h>
#include <stdint.h>

#include "code_map.h"
#include "code_space.h"
#include "error.h"

/* A call to a defined function: the rel32 at `offset` must point at that function's jump-table
 * slot once the code has its final address. */
typedef struct code_reloc {
    uint32_t offset;
    uint32_t func_index; /* defined-function index (imports excluded) */
} code_reloc_t;

/* What one compiled function needs to be installed, as a tier hands it over. */
typedef struct compiled_code {
    const uint8_t *code;
    uint32_t code_size;
    const code_reloc_t *relocs;
    uint32_t n_relocs;
    const trap_site_t *trap_sites; /* sorted by pc */
    uint32_t n_trap_sites;
} compiled_code_t;

typedef struct module_code {
    sl_engine_t *engine;     /* opaque here: the runtime reads its options through it */
    codespace_t *space;      /* the engine's code space, where every block comes from */
    uint64_t code_limit;     /* sl_engine_options_t.module_code_limit, 0 for none */
    code_block_t jump_table; /* one 8-byte slot per defined function: its current code */
    code_block_t *blocks;    /* per defined function */
    uint32_t n_defined;
    /* sl_module_stats: summed by whichever thread installs a function */
    _Atomic uint64_t body_bytes, code_bytes;
    atomic_uint funcs_compiled;
    atomic_uint funcs_top; /* of those, compiled by the top tier (compile.c) */
    _Atomic uint64_t tier_up_requests;
    /* what every instance shares (runtime, module_shared_t), NULL until the first
     * instantiation; one allocation, freed here with free() */
    _Atomic(struct module_shared *) shared;
    /* bytes of code space the module holds, for code_limit: added before each block is taken,
     * by whichever thread takes it */
    _Atomic uint64_t code_held;
    code_block_t lazy_stubs; /* lazy mode only: the stubs the slots start at */
} module_code_t;

/* Code-map entries waiting for their module to be finished, with copies of their sites: an
 * eagerly compiled function cannot run before that, and one code-map snapshot for the whole
 * module is cheaper than one per function. */
typedef struct site_list {
    codemap_entry_t *items;
    size_t n, cap;
} site_list_t;

/* A jump table for `n_defined` functions. With `lazy_entry` (lazy mode), every slot starts at a
 * stub that loads the function's defined index into esi and jumps there. When the code space or
 * the code limit is exhausted, `err` (may be NULL) says by how much. */
int module_code_new(sl_engine_t *engine, codespace_t *space, uint64_t code_limit,
                    uint32_t n_defined, const uint8_t *lazy_entry, module_code_t **out,
                    sl_error_t *err);
/* Takes the functions out of the code map and gives every block back. NULL is a no-op. */
void module_code_release(module_code_t *code);

/* Installs the compiled code of defined function `defined_index` in its slot. Its trap sites go
 * to `pending`, or straight to the code map when `pending` is NULL (the code may run at once). */
int module_code_install(module_code_t *code, uint32_t defined_index, uint32_t body_size,
                        const compiled_code_t *compiled, site_list_t *pending, sl_error_t *err);

/* Moves every entry of `from` to `to`; SL_ENOMEM leaves both as they were. */
int site_list_take(site_list_t *to, site_list_t *from);
void site_list_fini(site_list_t *l);

#endif
