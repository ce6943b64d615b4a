/* Compiling modules with the baseline tier, in one of three modes (sl_engine_options_t):
 *
 *   eager, one thread   each body is compiled by the decoding thread as soon as it is complete;
 *   eager, N threads    a streaming compilation on a pool of N threads (compilation.c) fed the
 *                       whole buffer;
 *   lazy                the decoder validates each body; every jump-table slot starts at a stub
 *                       that compiles its function on the first call (lazy_compile) and then
 *                       points the slot at the code.
 *
 * Installing a function (install) is the same for all: copy into executable memory, resolve its
 * direct calls to jump-table slots, then publish it in its slot with a release store, so a thread
 * that calls through the slot sees the finished code. The trap handler learns a lazily compiled
 * function before its slot changes; eagerly compiled ones, which cannot run before the module is
 * finished, all at once when it is (one code-map snapshot instead of one per function).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compile_impl.h"
#include "vec.h"
#include "x64_encode.h"
#include "x64_label.h"

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
    sl_engine_t *engine = code->engine;
    unregister_functions(code);
    for (uint32_t i = 0; i < code->n_defined; i++)
        if (code->blocks[i].rx)
            codespace_release(engine->code, &code->blocks[i]);
    if (code->jump_table.rx)
        codespace_release(engine->code, &code->jump_table);
    if (code->lazy_stubs.rx)
        codespace_release(engine->code, &code->lazy_stubs);
    if (code->lazy_baseline) {
        baseline_free(code->lazy_baseline);
        pthread_mutex_destroy(&code->lazy_lock);
    }
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
    sl_engine_t *engine = code->engine;
    uint64_t limit = engine->options.module_code_limit;
    size = (size + CODESPACE_ALIGN - 1) & ~(size_t)(CODESPACE_ALIGN - 1);
    uint64_t held = atomic_fetch_add(&code->code_held, size);
    int rc = limit && held + size > limit ? SL_ELIMIT : codespace_alloc(engine->code, size, out);
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
        size_t used = codespace_used(engine->code), total = engine->code->reserve;
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
    codespace_release(code->engine->code, block);
}

/* Lazy mode: one stub per function, `mov esi, defined_index; jmp lazy_entry`, which the slot
 * points to until the function is compiled. */
static int
lazy_stubs_new(sl_engine_t *engine, module_code_t *code, sl_error_t *err)
{
    int rc = pthread_mutex_init(&code->lazy_lock, NULL);
    if (rc != 0)
        return SL_ENOMEM;
    rc = baseline_new(&engine->limits, (engine->cpu & CPU_AVX) != 0, &code->lazy_baseline);
    if (rc != 0) {
        pthread_mutex_destroy(&code->lazy_lock);
        return rc;
    }
    rc = code_take(code, LAZY_STUB_SIZE * (size_t)code->n_defined + 1, &code->lazy_stubs, err);
    if (rc != 0)
        return rc;
    x64_buf_t buf;
    x64_buf_init(&buf);
    for (uint32_t i = 0; i < code->n_defined; i++) {
        size_t at = LAZY_STUB_SIZE * (size_t)i;
        x64_mov_ri(&buf, 4, X64_RSI, i);
        intptr_t disp = (intptr_t)engine->lazy_entry.rx -
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
code_new(sl_engine_t *engine, sl_module_t *m, sl_error_t *err)
{
    module_code_t *code = calloc(1, sizeof *code);
    if (!code)
        return SL_ENOMEM;
    code->engine = engine;
    code->n_defined = m->n_funcs - m->n_imported_funcs;
    code->blocks = calloc(code->n_defined ? code->n_defined : 1, sizeof *code->blocks);
    int rc = code->blocks ? code_take(code, 8 * (size_t)code->n_defined + 8, &code->jump_table, err)
                          : SL_ENOMEM;
    if (rc == 0 && engine->options.lazy)
        rc = lazy_stubs_new(engine, code, err);
    if (rc != 0) {
        module_code_release(code);
        return rc;
    }
    m->code = code;
    m->code_release = module_code_release;
    return 0;
}

static int
site_list_add(site_list_t *l, const code_block_t *block, const baseline_code_t *compiled)
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

/* `pending` NULL: the function may run at once, the code map learns it now. */
static int
install(module_code_t *code, uint32_t defined_index, uint32_t body_size,
        const baseline_code_t *compiled, site_list_t *pending, sl_error_t *err)
{
    code_block_t *block = &code->blocks[defined_index];
    code_block_t placed;
    int rc = code_take(code, compiled->code_size, &placed, err);
    if (rc != 0)
        return rc;
    memcpy(placed.rw, compiled->code, compiled->code_size);
    const uint8_t *slots = code->jump_table.rx;
    for (uint32_t i = 0; i < compiled->n_relocs; i++) {
        const baseline_reloc_t *r = &compiled->relocs[i];
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

int
compile_and_install(baseline_t *baseline, sl_module_t *m, uint32_t func_index,
                    site_list_t *pending, sl_error_t *err)
{
    const module_func_t *f = &m->funcs[func_index];
    baseline_code_t compiled;
    int rc = baseline_compile_function(baseline, m, func_index, f->body_offset, f->body_size,
                                       &compiled, err);
    if (rc == 0)
        rc = install(m->code, func_index - m->n_imported_funcs, f->body_size, &compiled,
                     pending, err);
    if (rc != 0 && err->code == 0) {
        error_set(err, rc, 10, f->body_offset, "%s", sl_strerror(rc));
        err->func_index = func_index;
    }
    return rc;
}

/* ---- lazy compilation: called from the lazy entry with the callee's vmctx ---- */

static const void *
lazy_compile(vmctx_t *vm, uint32_t defined_index)
{
    sl_module_t *m = ((sl_instance_t *)vm)->module; /* vmctx opens the instance */
    module_code_t *code = m->code;
    pthread_mutex_lock(&code->lazy_lock);
    int rc = 0;
    if (!code->blocks[defined_index].rx) { /* another thread may have compiled it meanwhile */
        sl_error_t err;
        error_clear(&err);
        rc = compile_and_install(code->lazy_baseline, m, m->n_imported_funcs + defined_index,
                                 NULL, &err);
    }
    const void *entry = code->blocks[defined_index].rx;
    pthread_mutex_unlock(&code->lazy_lock);
    if (rc != 0) /* the body was validated: only resources can fail here */
        vm_trap_raise(SL_TRAP_COMPILE_FAILED);
    return entry;
}

/* The stubs' common part. On entry rsp is the callee's (the return address on top, arguments
 * above it) and esi the function: compile, then jump to the code as if called directly. */
int
lazy_entry_generate(sl_engine_t *e)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_push_r(&b, X64_RBP); /* aligns rsp for the C call */
    x64_mov_rr(&b, 8, X64_RBP, X64_RSP);
    x64_mov_rr(&b, 8, X64_RDI, X64_R14);
    x64_mov_ri(&b, 8, X64_RAX, (int64_t)(uintptr_t)lazy_compile);
    x64_call_r(&b, X64_RAX);
    x64_pop_r(&b, X64_RBP);
    x64_jmp_r(&b, X64_RAX);
    int rc = b.oom ? SL_ENOMEM : codespace_alloc(e->code, b.len, &e->lazy_entry);
    if (rc == 0)
        memcpy(e->lazy_entry.rw, b.data, b.len);
    x64_buf_fini(&b);
    return rc;
}

/* ---- whole-buffer compiles ---- */

typedef struct direct_compile {
    sl_engine_t *engine;
    baseline_t *baseline;
    site_list_t sites;
} direct_compile_t;

static int
compile_on_arrival(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body,
                   size_t size, sl_error_t *err)
{
    direct_compile_t *dc = user;
    int rc = m->code ? 0 : code_new(dc->engine, m, err);
    if (rc != 0 || dc->engine->options.lazy)
        return rc;
    return compile_and_install(dc->baseline, m, func_index, &dc->sites, err);
}

/* One thread: each body compiled by the decoding thread as it completes, or, lazily, not at
 * all until its first call. */
static int
compile_directly(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                 sl_error_t *err)
{
    direct_compile_t dc = {.engine = engine};
    int rc = engine->options.lazy ? 0 : baseline_new(&engine->limits, (engine->cpu & CPU_AVX) != 0, &dc.baseline);
    sl_stream_options_t options = {
        .limits = &engine->limits,
        .skip_body_validation = !engine->options.lazy, /* else the compiler validates */
        .on_body = compile_on_arrival,
        .user = &dc,
    };
    if (rc != 0)
        error_set(err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc));
    else
        rc = sl_module_decode(bytes, size, &options, out, err);
    if (rc == 0 && !(*out)->code)
        rc = code_new(engine, *out, err); /* no bodies: still give instances a jump table */
    if (rc == 0)
        rc = codemap_register_all(dc.sites.items, dc.sites.n);
    if (rc != 0 && err->code == 0)
        error_set(err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc));
    if (rc != 0 && *out) {
        sl_module_unref(*out);
        *out = NULL;
    }
    site_list_fini(&dc.sites);
    baseline_free(dc.baseline);
    return rc;
}

/* N threads: a pool of its own and a streaming compilation fed the whole buffer at once. */
static int
compile_on_pool(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                sl_error_t *err)
{
    sl_compile_pool_t *pool = NULL;
    sl_compilation_t *c = NULL;
    int rc = sl_compile_pool_new(engine, engine->options.compile_threads, &pool);
    if (rc == 0)
        rc = sl_compilation_new(pool, NULL, &c);
    if (rc != 0) {
        error_set(err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc));
    } else {
        sl_compilation_feed(c, bytes, size);
        sl_compilation_finish(c);
        sl_compilation_wait(c);
        rc = sl_compilation_result(c, out, err);
    }
    sl_compilation_free(c);
    sl_compile_pool_free(pool);
    return rc;
}

int
sl_module_compile(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                  sl_error_t *err)
{
    sl_error_t local;
    if (!err)
        err = &local;
    error_clear(err);
    *out = NULL;
    if (!engine->options.lazy && engine->options.compile_threads > 1)
        return compile_on_pool(engine, bytes, size, out, err);
    return compile_directly(engine, bytes, size, out, err);
}

void
sl_module_stats(const sl_module_t *m, sl_module_stats_t *out)
{
    const module_code_t *code = m->code;
    *out = (sl_module_stats_t){.funcs_defined = m->n_funcs - m->n_imported_funcs};
    if (!code)
        return;
    out->body_bytes = atomic_load(&code->body_bytes);
    out->code_bytes = atomic_load(&code->code_bytes);
    out->funcs_compiled = atomic_load(&code->funcs_compiled);
    out->tier_up_requests = atomic_load(&code->tier_up_requests);
}
