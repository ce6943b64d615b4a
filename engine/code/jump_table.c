/* The jump-table component (jump_table.h): a module's slots, the blocks behind them, the lazy
 * stubs, the lists of trap sites waiting for their module, and their release. The trap handler
 * learns a lazily compiled function before its slot changes; eagerly compiled ones, which cannot
 * run before the module is finished, all at once when it is. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "jump_table.h"
#include "vec.h"
#include "x64_encode.h"

enum { LAZY_STUB_SIZE = 16 };

static int
compare_addresses(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* Takes the module's functions out of the code map, in one step when memory allows. */
static void
unregister_functions(const module_code_t *code)
{
    uintptr_t *starts = malloc(code->n_defined * sizeof *starts + 1);
    size_t n = 0;
    for (uint32_t i = 0; i < code->n_defined; i++) {
        uintptr_t start = (uintptr_t)code->blocks[i].rx;
        if (!start)
            continue;
        if (starts)
            starts[n++] = start;
        else
            codemap_unregister(start);
    }
    if (starts) {
        qsort(starts, n, sizeof *starts, compare_addresses);
        codemap_unregister_all(starts, n);
        free(starts);
    }
}

void
module_code_release(module_code_t *code)
{
    if (!code)
        return;
    unregister_functions(code);
    for (uint32_t i = 0; i < code->n_defined; i++)
        if (code->blocks[i].rx)
            codespace_release(code->space, &code->blocks[i]);
    if (code->jump_table.rx)
        codespace_release(code->space, &code->jump_table);
    if (code->lazy_stubs.rx)
        codespace_release(code->space, &code->lazy_stubs);
    free(atomic_load(&code->shared));
    free(code->blocks);
    free(code);
}

/* Takes a block of code space for the module, within its code limit. Either quota running out
 * is told in `err` (may be NULL) with figures, and never with a function index: no function is
 * at fault when the space that every module shares is full. */
static int
code_take(module_code_t *code, size_t size, code_block_t *out, sl_error_t *err)
{
    uint64_t limit = code->code_limit;
    size = (size + CODESPACE_ALIGN - 1) & ~(size_t)(CODESPACE_ALIGN - 1);
    uint64_t held = atomic_fetch_add(&code->code_held, size);
    int rc = limit && held + size > limit ? SL_ELIMIT : codespace_alloc(code->space, size, out);
    if (rc == 0)
        return 0;
    atomic_fetch_sub(&code->code_held, size);
    if (!err)
        return rc;
    if (rc == SL_ELIMIT)
        error_set(err, rc, SL_NO_SECTION, 0,
                  "module code limit: %llu of %llu bytes in use, the module needs >= %zu more",
                  (unsigned long long)held, (unsigned long long)limit, size);
    else if (rc == SL_ENOSPACE) {
        size_t used = codespace_used(code->space), total = code->space->reserve;
        error_set(err, rc, SL_NO_SECTION, 0,
                  "code space full: %zu of %zu bytes in use, the module needs >= %zu more%s", used,
                  total, size, used + size <= total ? " (no free range that large)" : "");
    }
    return rc;
}

static void
code_give_back(module_code_t *code, const code_block_t *block)
{
    atomic_fetch_sub(&code->code_held, block->size);
    codespace_release(code->space, block);
}

/* Lazy mode: one stub per function, `mov esi, defined_index; jmp lazy_entry`, which the slot
 * points to until the function is compiled. */
static int
lazy_stubs_new(module_code_t *code, const uint8_t *lazy_entry, sl_error_t *err)
{
    int rc = code_take(code, LAZY_STUB_SIZE * (size_t)code->n_defined + 1, &code->lazy_stubs, err);
    if (rc != 0)
        return rc;
    x64_buf_t buf;
    x64_buf_init(&buf);
    for (uint32_t i = 0; i < code->n_defined; i++) {
        size_t at = LAZY_STUB_SIZE * (size_t)i;
        x64_mov_ri(&buf, 4, X64_RSI, i);
        intptr_t disp = (intptr_t)lazy_entry -
                        (intptr_t)(code->lazy_stubs.rx + x64_buf_offset(&buf) + 5);
        x64_jmp_rel32(&buf, (int32_t)disp);
        x64_nop(&buf, (unsigned)(at + LAZY_STUB_SIZE - x64_buf_offset(&buf)));
    }
    rc = buf.oom ? SL_ENOMEM : 0;
    if (rc == 0 && buf.len) {
        memcpy(code->lazy_stubs.rw, buf.data, buf.len);
        const void **slots = (const void **)code->jump_table.rw;
        for (uint32_t i = 0; i < code->n_defined; i++)
            slots[i] = code->lazy_stubs.rx + LAZY_STUB_SIZE * (size_t)i;
    }
    x64_buf_fini(&buf);
    return rc;
}

int
module_code_new(sl_engine_t *engine, codespace_t *space, uint64_t code_limit,
                uint32_t n_defined, const uint8_t *lazy_entry, module_code_t **out,
                sl_error_t *err)
{
    *out = NULL;
    module_code_t *code = calloc(1, sizeof *code);
    if (!code)
        return SL_ENOMEM;
    code->engine = engine;
    code->space = space;
    code->code_limit = code_limit;
    code->n_defined = n_defined;
    code->blocks = calloc(code->n_defined ? code->n_defined : 1, sizeof *code->blocks);
    int rc = code->blocks ? code_take(code, 8 * (size_t)code->n_defined + 8, &code->jump_table, err)
                          : SL_ENOMEM;
    if (rc == 0 && lazy_entry)
        rc = lazy_stubs_new(code, lazy_entry, err);
    if (rc != 0) {
        module_code_release(code);
        return rc;
    }
    *out = code;
    return 0;
}

static int
site_list_add(site_list_t *l, const code_block_t *block, const compiled_code_t *compiled)
{
    int rc = vec_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items, VEC_NO_LIMIT);
    if (rc < 0)
        return rc;
    trap_site_t *sites = NULL;
    if (compiled->n_trap_sites) {
        sites = malloc(compiled->n_trap_sites * sizeof *sites);
        if (!sites)
            return SL_ENOMEM;
        memcpy(sites, compiled->trap_sites, compiled->n_trap_sites * sizeof *sites);
    }
    l->items[l->n++] = (codemap_entry_t){(uintptr_t)block->rx, compiled->code_size, sites,
                                         compiled->n_trap_sites};
    return 0;
}

int
site_list_take(site_list_t *to, site_list_t *from)
{
    int rc = vec_grow((void **)&to->items, &to->cap, to->n + from->n, sizeof *to->items,
                      VEC_NO_LIMIT);
    if (rc < 0)
        return rc;
    if (from->n)
        memcpy(to->items + to->n, from->items, from->n * sizeof *from->items);
    to->n += from->n;
    from->n = 0;
    return 0;
}

void
site_list_fini(site_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((void *)(uintptr_t)l->items[i].sites);
    free(l->items);
    *l = (site_list_t){0};
}

int
module_code_install(module_code_t *code, uint32_t defined_index, uint32_t body_size,
                    const compiled_code_t *compiled, site_list_t *pending, sl_error_t *err)
{
    code_block_t *block = &code->blocks[defined_index];
    code_block_t placed;
    int rc = code_take(code, compiled->code_size, &placed, err);
    if (rc != 0)
        return rc;
    memcpy(placed.rw, compiled->code, compiled->code_size);
    const uint8_t *slots = code->jump_table.rx;
    for (uint32_t i = 0; i < compiled->n_relocs; i++) {
        const code_reloc_t *r = &compiled->relocs[i];
        intptr_t disp = (intptr_t)(slots + 8 * (size_t)r->func_index) -
                        (intptr_t)(placed.rx + r->offset + 4);
        int32_t disp32 = (int32_t)disp;
        memcpy(placed.rw + r->offset, &disp32, 4);
    }
    rc = pending ? site_list_add(pending, &placed, compiled)
                 : codemap_register((uintptr_t)placed.rx, compiled->code_size,
                                    compiled->trap_sites, compiled->n_trap_sites);
    if (rc != 0) {
        code_give_back(code, &placed);
        return rc;
    }
    *block = placed;
    _Atomic(const void *) *slot_rw = (_Atomic(const void *) *)code->jump_table.rw + defined_index;
    atomic_store_explicit(slot_rw, (const void *)placed.rx, memory_order_release);
    atomic_fetch_add(&code->body_bytes, body_size);
    atomic_fetch_add(&code->code_bytes, compiled->code_size);
    atomic_fetch_add(&code->funcs_compiled, 1);
    return 0;
}
