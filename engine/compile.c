/* Compiling modules, through a tier of the tier table, in one of three modes
 * (sl_engine_options_t):
 *
 *   eager, one thread   each body is compiled by the decoding thread as soon as it is complete;
 *   eager, N threads    a streaming compilation on a pool of N threads (compilation.c) fed the
 *                       whole buffer;
 *   lazy                the decoder validates each body; every jump-table slot starts at a stub
 *                       that compiles its function on the first call (lazy_compile) with the
 *                       engine's lazy compiler and then points the slot at the code.
 *
 * Whatever the tier and the mode, the code goes into the module's jump table the same way
 * (code/jump_table.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compile_impl.h"
#include "entry.h"
#include "instance.h"
#include "toptier.h"
#include "x64_encode.h"

/* ---- the tier table ---- */

static int
baseline_tier_new(const sl_engine_t *engine, void **out)
{
    baseline_t *b;
    int rc = baseline_new(&engine->limits, (engine->cpu & CPU_AVX) != 0, &b);
    *out = rc == 0 ? b : NULL;
    return rc;
}

static void
baseline_tier_free(void *compiler)
{
    baseline_free(compiler);
}

static int
baseline_tier_compile(void *compiler, const sl_module_t *m, uint32_t func_index,
                      compiled_code_t *out, sl_error_t *err)
{
    const module_func_t *f = &m->funcs[func_index];
    return baseline_compile_function(compiler, m, func_index, f->body_offset, f->body_size, out,
                                     err);
}

static int
top_tier_new(const sl_engine_t *engine, void **out)
{
    toptier_t *t;
    int rc = toptier_new(&engine->limits, (engine->cpu & CPU_AVX) != 0, &t);
    *out = rc == 0 ? t : NULL;
    return rc;
}

static void
top_tier_free(void *compiler)
{
    toptier_free(compiler);
}

static int
top_tier_compile(void *compiler, const sl_module_t *m, uint32_t func_index, compiled_code_t *out,
                 sl_error_t *err)
{
    return toptier_compile(compiler, m, func_index, out, err);
}

const tier_t tiers[N_TIERS] = {
    [TIER_BASELINE] = {"baseline", baseline_tier_new, baseline_tier_free, baseline_tier_compile},
    [TIER_TOP] = {"top", top_tier_new, top_tier_free, top_tier_compile},
};

struct compiler {
    const tier_t *tier;
    void *state;    /* the tier's */
    const sl_engine_t *engine;
    void *fallback; /* the top tier's: a baseline compiler for what it declines, made on need */
};

int
compiler_new(const sl_engine_t *engine, unsigned tier, compiler_t **out)
{
    *out = NULL;
    compiler_t *c = malloc(sizeof *c);
    if (!c)
        return SL_ENOMEM;
    c->tier = &tiers[tier];
    c->engine = engine;
    c->fallback = NULL;
    int rc = c->tier->new(engine, &c->state);
    if (rc != 0) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void
compiler_free(compiler_t *c)
{
    if (!c)
        return;
    c->tier->free(c->state);
    if (c->fallback)
        tiers[TIER_BASELINE].free(c->fallback);
    free(c);
}

/* ---- installing ---- */

int
code_new(sl_engine_t *engine, sl_module_t *m, sl_error_t *err)
{
    int rc = module_code_new(engine, engine->code, engine->options.module_code_limit,
                             m->n_funcs - m->n_imported_funcs,
                             engine->options.lazy ? engine->lazy_entry.rx : NULL, &m->code, err);
    if (rc == 0)
        m->code_release = module_code_release;
    return rc;
}

int
compile_and_install(compiler_t *compiler, sl_module_t *m, uint32_t func_index,
                    site_list_t *pending, sl_error_t *err)
{
    const module_func_t *f = &m->funcs[func_index];
    compiled_code_t compiled;
    int rc = compiler->tier->compile(compiler->state, m, func_index, &compiled, err);
    bool is_top = rc == 0 && compiler->tier == &tiers[TIER_TOP];
    if (compiler->tier == &tiers[TIER_TOP] && (rc == SL_ENOTSUP || rc == SL_ELIMIT)) {
        /* declined: the baseline compiles it, and it is not counted as the top tier's */
        error_clear(err);
        rc = compiler->fallback ? 0 : tiers[TIER_BASELINE].new(compiler->engine, &compiler->fallback);
        if (rc == 0)
            rc = tiers[TIER_BASELINE].compile(compiler->fallback, m, func_index, &compiled, err);
    }
    if (rc == 0)
        rc = module_code_install(m->code, func_index - m->n_imported_funcs, f->body_size,
                                 &compiled, pending, err);
    if (rc == 0 && is_top)
        atomic_fetch_add(&m->code->funcs_top, 1);
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
    sl_engine_t *engine = code->engine;
    /* one lazy compiler per engine: a compile is short next to the calls it serves */
    pthread_mutex_lock(&engine->lazy_lock);
    int rc = 0;
    if (!code->blocks[defined_index].rx) { /* another thread may have compiled it meanwhile */
        sl_error_t err;
        error_clear(&err);
        rc = compile_and_install(engine->lazy_compiler, m, m->n_imported_funcs + defined_index,
                                 NULL, &err);
    }
    const void *entry = code->blocks[defined_index].rx;
    pthread_mutex_unlock(&engine->lazy_lock);
    if (rc != 0) /* the body was validated: only resources can fail here */
        vm_trap_raise(SL_TRAP_COMPILE_FAILED);
    return entry;
}
/* The stubs' common part. On entry rsp is the callee's (the return address on top, arguments
 * above it) and esi the function: compile, then jump to the code as if called directly. */
static int
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

int
lazy_init(sl_engine_t *e)
{
    if (!e->options.lazy)
        return 0;
    if (pthread_mutex_init(&e->lazy_lock, NULL) != 0)
        return SL_ENOMEM;
    e->has_lazy_lock = true;
    int rc = compiler_new(e, engine_tier(e), &e->lazy_compiler);
    return rc == 0 ? lazy_entry_generate(e) : rc;
}

void
lazy_fini(sl_engine_t *e)
{
    if (e->lazy_entry.rx)
        codespace_release(e->code, &e->lazy_entry);
    compiler_free(e->lazy_compiler);
    if (e->has_lazy_lock)
        pthread_mutex_destroy(&e->lazy_lock);
}

/* ---- whole-buffer compiles ---- */

typedef struct direct_compile {
    sl_engine_t *engine;
    compiler_t *compiler;
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
    return compile_and_install(dc->compiler, m, func_index, &dc->sites, err);
}

/* One thread: each body compiled by the decoding thread as it completes, or, lazily, not at
 * all until its first call. */
static int
compile_directly(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                 sl_error_t *err)
{
    direct_compile_t dc = {.engine = engine};
    int rc = engine->options.lazy ? 0 : compiler_new(engine, engine_tier(engine), &dc.compiler);
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
    compiler_free(dc.compiler);
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
    out->funcs_top = atomic_load(&code->funcs_top);
    out->tier_up_requests = atomic_load(&code->tier_up_requests);
}
