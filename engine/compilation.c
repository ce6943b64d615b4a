/* Streaming compilation (sl_compilation_* in slipstream.h): the decoder runs on the feeding
 * thread, every complete body becomes a job on the compile pool, and the module is finished by
 * whichever thread completes the last piece (the last job, or sl_compilation_finish when the
 * jobs were all done already).
 *
 * Lifetime: a reference count, one for the host and one per queued or running job, so that a
 * host may free a compilation whose jobs are still queued (abort makes them return at once).
 * `lock` guards every field marked (L); the stream is touched by the feeding thread until the
 * input ends and by the finishing thread after, never by both.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compile_impl.h"
#include "clock.h"
#include "compile_pool.h"

typedef struct body_job {
    pool_job_t job; /* first: the pool hands this back */
    sl_compilation_t *c;
    uint32_t func_index;
} body_job_t;

struct sl_compilation {
    sl_engine_t *engine;
    compile_pool_t *pool;
    sl_compilation_options_t options;
    sl_stream_t *stream;

    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    unsigned refs;          /* (L) */
    uint32_t n_pending;     /* (L) jobs queued or running */
    bool is_input_done;     /* (L) finish or abort was called */
    bool is_aborted;        /* (L) */
    bool is_done;           /* (L) */
    int rc;                 /* (L) the error at the lowest offset, 0 if none */
    sl_error_t err;         /* (L) */
    site_list_t sites;      /* (L) code-map entries of the compiled functions */
    sl_module_t *module;    /* (L) the result, once done */
    sl_module_t *decoding;  /* the module the stream is decoding (its jobs compile it) */
    sl_compilation_timeline_t timeline; /* (L), except functions_compiled (atomic below) */
    atomic_uint functions_compiled;
};

static uint64_t
thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Keeps the first error in module order: bodies fail on several threads in any order, and the
 * decoder may find a later section broken while an earlier body is still compiling. (L) */
static void
record_error(sl_compilation_t *c, int rc, const sl_error_t *err)
{
    if (c->rc == 0 || err->offset < c->err.offset) {
        c->rc = rc;
        c->err = *err;
    }
}

static void
destroy(sl_compilation_t *c)
{
    sl_stream_free(c->stream);
    sl_module_unref(c->module);
    site_list_fini(&c->sites);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->done_cond);
    free(c);
}

/* Drops a reference taken with the lock held; frees on the last. Called without the lock. */
static void
release(sl_compilation_t *c)
{
    pthread_mutex_lock(&c->lock);
    bool is_last = --c->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (is_last)
        destroy(c);
}

/* With the lock held: if the input has ended and no job is left, finishes the module and
 * returns true: the caller then runs the done callback (without the lock). */
static bool
complete_if_ready(sl_compilation_t *c)
{
    if (c->is_done || !c->is_input_done || c->n_pending > 0)
        return false;
    if (c->is_aborted && c->rc == 0) {
        sl_error_t err;
        error_clear(&err);
        error_set(&err, SL_EABORTED, SL_NO_SECTION, 0, "the compilation was abandoned");
        record_error(c, SL_EABORTED, &err);
    }
    if (c->rc == 0) {
        /* after every body was validated: finishing checks what they found */
        sl_module_t *m = NULL;
        sl_error_t err;
        error_clear(&err);
        int rc = sl_stream_finish(c->stream, &m);
        if (rc == 0 && !m->code)
            rc = code_new(c->engine, m, &err); /* no bodies: still a jump table for instances */
        if (rc == 0)
            rc = codemap_register_all(c->sites.items, c->sites.n);
        if (rc == 0) {
            c->module = m;
        } else {
            const sl_error_t *stream_err = sl_stream_error(c->stream);
            if (err.code == 0 && stream_err)
                err = *stream_err;
            error_set(&err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc)); /* if nothing said why */
            record_error(c, rc, &err);
            sl_module_unref(m);
        }
    }
    c->is_done = true;
    c->timeline.baseline_done_ns = monotonic_ns();
    c->timeline.functions_compiled = atomic_load(&c->functions_compiled);
    pthread_cond_broadcast(&c->done_cond);
    return true;
}

static void
call_done(sl_compilation_t *c)
{
    if (c->options.on_done)
        c->options.on_done(c->options.user, c);
}

static void
run_body_job(pool_job_t *job, compiler_t *compiler)
{
    body_job_t *bj = (body_job_t *)job;
    sl_compilation_t *c = bj->c;
    /* A failed module compiles no further, except bodies before the failure: one of them may
     * hold the error to report. */
    uint64_t offset = c->decoding->funcs[bj->func_index].body_offset;
    pthread_mutex_lock(&c->lock);
    bool is_skipped = c->is_aborted || (c->rc != 0 && c->err.offset < offset);
    pthread_mutex_unlock(&c->lock);

    int rc = 0;
    sl_error_t err;
    site_list_t sites = {0};
    uint64_t cpu = 0;
    if (!is_skipped) {
        error_clear(&err);
        uint64_t start = thread_cpu_ns();
        rc = compile_and_install(compiler, c->decoding, bj->func_index, &sites, &err);
        cpu = thread_cpu_ns() - start;
        if (rc == 0)
            atomic_fetch_add(&c->functions_compiled, 1);
    }

    pthread_mutex_lock(&c->lock);
    c->timeline.compile_cpu_ns += cpu;
    if (rc == 0 && site_list_take(&c->sites, &sites) != 0) {
        rc = SL_ENOMEM;
        error_clear(&err);
        error_set(&err, rc, SL_NO_SECTION, 0, "%s", sl_strerror(rc));
    }
    if (rc != 0)
        record_error(c, rc, &err);
    c->n_pending--;
    bool is_completed = complete_if_ready(c);
    pthread_mutex_unlock(&c->lock);
    site_list_fini(&sites);
    free(bj);
    if (is_completed)
        call_done(c);
    release(c);
}

static void
on_code_start(void *user, uint32_t n_bodies)
{
    sl_compilation_t *c = user;
    pthread_mutex_lock(&c->lock);
    c->timeline.code_section_start_ns = monotonic_ns();
    c->timeline.functions_total = n_bodies;
    pthread_mutex_unlock(&c->lock);
}

static int
on_body(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body, size_t size,
        sl_error_t *err)
{
    sl_compilation_t *c = user;
    int rc = m->code ? 0 : code_new(c->engine, m, err);
    if (rc != 0)
        return rc;
    if (c->engine->options.lazy)
        return 0; /* the slot's stub compiles it on its first call */
    body_job_t *bj = malloc(sizeof *bj);
    if (!bj)
        return SL_ENOMEM;
    *bj = (body_job_t){.job.run = run_body_job, .c = c, .func_index = func_index};
    c->decoding = m;
    pthread_mutex_lock(&c->lock);
    c->refs++;
    c->n_pending++;
    pthread_mutex_unlock(&c->lock);
    compile_pool_submit(c->pool, POOL_PRIORITY_STREAMING, &bj->job);
    return 0;
}

int
sl_compilation_new(sl_compile_pool_t *pool, const sl_compilation_options_t *options,
                   sl_compilation_t **out)
{
    *out = NULL;
    sl_compilation_t *c = calloc(1, sizeof *c);
    if (!c)
        return SL_ENOMEM;
    c->engine = pool_engine(pool);
    c->pool = pool;
    if (options)
        c->options = *options;
    c->refs = 1;
    error_clear(&c->err);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->done_cond, NULL);
    c->timeline.created_ns = monotonic_ns();
    sl_stream_options_t stream_options = {
        .limits = &c->engine->limits,
        .size_hint = c->options.size_hint,
        .skip_body_validation = !c->engine->options.lazy, /* the compile jobs validate */
        .on_body = on_body,
        .on_code_start = on_code_start,
        .user = c,
    };
    int rc = sl_stream_new(&stream_options, &c->stream);
    if (rc != 0) {
        destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

int
sl_compilation_feed(sl_compilation_t *c, const void *data, size_t size)
{
    pthread_mutex_lock(&c->lock);
    int rc = c->is_input_done ? SL_ESTATE : c->rc;
    if (c->timeline.first_byte_ns == 0 && size > 0)
        c->timeline.first_byte_ns = monotonic_ns();
    pthread_mutex_unlock(&c->lock);
    if (rc != 0)
        return rc;
    rc = sl_stream_feed(c->stream, data, size);
    if (rc != 0) {
        pthread_mutex_lock(&c->lock);
        record_error(c, rc, sl_stream_error(c->stream));
        rc = c->rc;
        pthread_mutex_unlock(&c->lock);
    }
    return rc;
}

int
sl_compilation_finish(sl_compilation_t *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->is_input_done) {
        pthread_mutex_unlock(&c->lock);
        return SL_ESTATE;
    }
    c->is_input_done = true;
    c->timeline.last_byte_ns = monotonic_ns();
    c->timeline.functions_compiled_before_last_byte = atomic_load(&c->functions_compiled);
    bool is_completed = complete_if_ready(c);
    int rc = c->rc;
    pthread_mutex_unlock(&c->lock);
    if (is_completed)
        call_done(c);
    return rc;
}

void
sl_compilation_abort(sl_compilation_t *c)
{
    pthread_mutex_lock(&c->lock);
    bool was_input_done = c->is_input_done;
    c->is_aborted = true;
    c->is_input_done = true;
    bool is_completed = complete_if_ready(c);
    pthread_mutex_unlock(&c->lock);
    if (!was_input_done)
        sl_stream_abort(c->stream);
    if (is_completed)
        call_done(c);
}

uint32_t
sl_compilation_pending(const sl_compilation_t *c)
{
    sl_compilation_t *mc = (sl_compilation_t *)c;
    pthread_mutex_lock(&mc->lock);
    uint32_t n = mc->n_pending;
    pthread_mutex_unlock(&mc->lock);
    return n;
}

void
sl_compilation_wait(sl_compilation_t *c)
{
    pthread_mutex_lock(&c->lock);
    while (!c->is_done)
        pthread_cond_wait(&c->done_cond, &c->lock);
    pthread_mutex_unlock(&c->lock);
}

int
sl_compilation_result(sl_compilation_t *c, sl_module_t **out, sl_error_t *err)
{
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    int rc = c->is_done ? c->rc : SL_ESTATE;
    if (rc == 0)
        *out = sl_module_ref(c->module);
    else if (err && c->is_done)
        *err = c->err;
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void
sl_compilation_timeline(const sl_compilation_t *c, sl_compilation_timeline_t *out)
{
    sl_compilation_t *mc = (sl_compilation_t *)c;
    pthread_mutex_lock(&mc->lock);
    *out = mc->timeline;
    if (!mc->is_done)
        out->functions_compiled = atomic_load(&mc->functions_compiled);
    pthread_mutex_unlock(&mc->lock);
}

void
sl_compilation_free(sl_compilation_t *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    bool is_done = c->is_done;
    pthread_mutex_unlock(&c->lock);
    if (!is_done)
        sl_compilation_abort(c); /* its jobs return at once and drop their references */
    release(c);
}
