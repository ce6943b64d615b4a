/* The compile pool: threads of the engine's own (not a host's shared pool) that run compile jobs
 * in priority order, each thread with its own baseline compiler. Engine-internal; the public
 * face is sl_compile_pool_t in slipstream.h.
 *
 * Ownership: the creator frees the pool, after every job it submitted has run (compile_pool_free
 * runs what is still queued, then joins the threads). A job belongs to its submitter; the pool
 * only links it in its queue until a thread takes it.
 * Threading: compile_pool_submit from any thread; jobs run on pool threads. One mutex guards
 * the queues (`lock` in compile_pool.c); jobs run without it.
 * Errors: SL_ENOMEM (threads or compilers could not be created).
 */
#ifndef SL_COMPILE_POOL_H
#define SL_COMPILE_POOL_H

#include "compile_impl.h"

/* Higher runs first: streaming compiles that a client waits on before background work. */
enum { POOL_PRIORITY_BACKGROUND, POOL_PRIORITY_STREAMING, POOL_N_PRIORITIES };

typedef struct pool_job pool_job_t;
/* Runs on a pool thread with that thread's compiler. */
typedef void (*pool_job_fn)(pool_job_t *job, compiler_t *compiler);

struct pool_job {
    pool_job_t *next; /* the pool's, while queued */
    pool_job_fn run;
};

typedef struct sl_compile_pool compile_pool_t;

int compile_pool_new(sl_engine_t *engine, unsigned n_threads, compile_pool_t **out);
void compile_pool_free(compile_pool_t *pool);
sl_engine_t *pool_engine(const compile_pool_t *pool);
/* Queues `job` (its `run` set) behind the jobs of the same priority. */
void compile_pool_submit(compile_pool_t *pool, int priority, pool_job_t *job);

#endif
