/* The engine: executable memory, the entry trampoline, and compiling whole modules. */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "runtime.h"
#include "wire_bytes.h"

enum { CODE_RESERVE = 1u << 30 }; /* address space only: pages are committed as code is written */

int
sl_engine_new(const sl_engine_options_t *options, sl_engine_t **out)
{
    *out = NULL;
    if (!__builtin_cpu_supports("popcnt"))
        return SL_ENOTSUP; /* i32.popcnt and i64.popcnt use the instruction */
    sl_engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return SL_ENOMEM;
    e->options = options ? *options : (sl_engine_options_t){.tier = SL_TIER_BASELINE};
    if (e->options.lazy) {
        free(e);
        return SL_ENOTSUP;
    }
    sl_limits_init(&e->limits);
    int rc = codespace_new(CODE_RESERVE, &e->code);
    if (rc == 0)
        rc = entry_generate(e);
    if (rc != 0) {
        sl_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void
sl_engine_free(sl_engine_t *e)
{
    if (!e)
        return;
    if (e->entry.rx)
        codespace_release(e->code, &e->entry);
    codespace_free(e->code);
    free(e);
}

/* ---- compiling ---- */

typedef struct compile_job {
    sl_engine_t *engine;
    baseline_t *baseline;
} compile_job_t;

void
module_code_release(module_code_t *code)
{
    if (!code)
        return;
    for (uint32_t i = 0; i < code->n_defined; i++)
        if (code->blocks[i].rx)
            codespace_release(code->engine->code, &code->blocks[i]);
    if (code->jump_table.rx)
        codespace_release(code->engine->code, &code->jump_table);
    free(code->blocks);
    free(code);
}

static int
code_new(sl_engine_t *engine, sl_module_t *m)
{
    module_code_t *code = calloc(1, sizeof *code);
    if (!code)
        return SL_ENOMEM;
    code->engine = engine;
    code->n_defined = m->n_funcs - m->n_imported_funcs;
    code->blocks = calloc(code->n_defined ? code->n_defined : 1, sizeof *code->blocks);
    int rc = code->blocks ? codespace_alloc(engine->code, 8 * (size_t)code->n_defined + 8,
                                            &code->jump_table)
                          : SL_ENOMEM;
    if (rc != 0) {
        module_code_release(code);
        return rc;
    }
    m->code = code;
    return 0;
}

/* Places one compiled function: copies it into executable memory, points its direct calls at
 * the jump-table slots, then publishes it in its own slot. */
static int
install(module_code_t *code, uint32_t defined_index, uint32_t body_size,
        const baseline_code_t *compiled)
{
    code_block_t *block = &code->blocks[defined_index];
    int rc = codespace_alloc(code->engine->code, compiled->code_size, block);
    if (rc != 0)
        return rc;
    memcpy(block->rw, compiled->code, compiled->code_size);
    const uint8_t *slots = code->jump_table.rx;
    for (uint32_t i = 0; i < compiled->n_relocs; i++) {
        const baseline_reloc_t *r = &compiled->relocs[i];
        intptr_t disp = (intptr_t)(slots + 8 * (size_t)r->func_index) -
                        (intptr_t)(block->rx + r->offset + 4);
        int32_t disp32 = (int32_t)disp;
        memcpy(block->rw + r->offset, &disp32, 4);
    }
    /* release: a thread that reads the slot sees the code bytes written above */
    _Atomic(const void *) *slot_rw = (_Atomic(const void *) *)code->jump_table.rw + defined_index;
    atomic_store_explicit(slot_rw, (const void *)block->rx, memory_order_release);
    atomic_fetch_add(&code->body_bytes, body_size);
    atomic_fetch_add(&code->code_bytes, compiled->code_size);
    atomic_fetch_add(&code->funcs_compiled, 1);
    return 0;
}

static int
compile_body(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body, size_t size,
             sl_error_t *err)
{
    compile_job_t *job = user;
    int rc = m->code ? 0 : code_new(job->engine, m);
    if (rc != 0)
        return rc;
    baseline_code_t compiled;
    rc = baseline_compile_function(job->baseline, m, func_index, (uint32_t)(body - m->wire),
                                   (uint32_t)size, &compiled, err);
    if (rc != 0)
        return rc;
    return install(m->code, func_index - m->n_imported_funcs, (uint32_t)size, &compiled);
}

int
sl_module_compile(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                  sl_error_t *err)
{
    compile_job_t job = {.engine = engine};
    sl_error_t local;
    if (!err)
        err = &local;
    int rc = baseline_new(&engine->limits, &job.baseline);
    if (rc != 0) {
        error_clear(err);
        error_set(err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc));
        return rc;
    }
    sl_stream_options_t options = {
        .limits = &engine->limits,
        .skip_body_validation = true, /* the baseline compiler validates as it emits */
        .on_body = compile_body,
        .user = &job,
    };
    rc = sl_module_decode(bytes, size, &options, out, err);
    if (rc == 0 && !(*out)->code)
        rc = code_new(engine, *out); /* no bodies: still give instances a jump table */
    if (rc != 0 && *out) {
        sl_module_unref(*out);
        *out = NULL;
    }
    baseline_free(job.baseline);
    return rc;
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
}
