#define _GNU_SOURCE
#include "compile_pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "engine_state.h"

typedef struct pool_thread {
    compile_pool_t *pool;
    pthread_t thread;
    compiler_t *compiler;
    bool is_started;
} pool_thread_t;

struct sl_compile_pool {
    sl_engine_t *engine;
    pthread_mutex_t lock; /* guards the queues and is_stopping */
    pthread_cond_t wake;
    pool_job_t *head[POOL_N_PRIORITIES], *tail[POOL_N_PRIORITIES];
    bool is_stopping;
    pool_thread_t *threads;
    unsigned n_threads;
};

/* The first job of the highest priority, or NULL. Called with the lock held. */
static pool_job_t *
take(compile_pool_t *pool)
{
    for (int p = POOL_N_PRIORITIES - 1; p >= 0; p--) {
        pool_job_t *job = pool->head[p];
        if (job) {
            pool->head[p] = job->next;
            if (!pool->head[p])
                pool->tail[p] = NULL;
            return job;
        }
    }
    return NULL;
}

static void *
thread_main(void *arg)
{
    pool_thread_t *t = arg;
    compile_pool_t *pool = t->pool;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        pool_job_t *job = take(pool);
        if (!job && pool->is_stopping)
            break;
        if (!job) {
            pthread_cond_wait(&pool->wake, &pool->lock);
            continue;
        }
        pthread_mutex_unlock(&pool->lock);
        job->run(job, t->compiler);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

int
compile_pool_new(sl_engine_t *engine, unsigned n_threads, compile_pool_t **out)
{
    *out = NULL;
    compile_pool_t *pool = calloc(1, sizeof *pool);
    if (!pool)
        return SL_ENOMEM;
    pool->engine = engine;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pool->threads = calloc(n_threads ? n_threads : 1, sizeof *pool->threads);
    if (!pool->threads) {
        compile_pool_free(pool);
        return SL_ENOMEM;
    }
    pool->n_threads = n_threads ? n_threads : 1;
    for (unsigned i = 0; i < pool->n_threads; i++) {
        pool_thread_t *t = &pool->threads[i];
        t->pool = pool;
        if (compiler_new(engine, engine_tier(engine), &t->compiler) != 0 ||
            pthread_create(&t->thread, NULL, thread_main, t) != 0) {
            compile_pool_free(pool);
            return SL_ENOMEM;
        }
        t->is_started = true;
    }
    *out = pool;
    return 0;
}

void
compile_pool_free(compile_pool_t *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->is_stopping = true; /* threads finish the queue first: jobs belong to callers */
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; pool->threads && i < pool->n_threads; i++) {
        if (pool->threads[i].is_started)
            pthread_join(pool->threads[i].thread, NULL);
        compiler_free(pool->threads[i].compiler);
    }
    free(pool->threads);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    free(pool);
}

sl_engine_t *
pool_engine(const compile_pool_t *pool)
{
    return pool->engine;
}

void
compile_pool_submit(compile_pool_t *pool, int priority, pool_job_t *job)
{
    job->next = NULL;
    pthread_mutex_lock(&pool->lock);
    if (pool->tail[priority])
        pool->tail[priority]->next = job;
    else
        pool->head[priority] = job;
    pool->tail[priority] = job;
    pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

int
sl_compile_pool_new(sl_engine_t *engine, unsigned n_threads, sl_compile_pool_t **out)
{
    return compile_pool_new(engine, n_threads, out);
}

void
sl_compile_pool_free(sl_compile_pool_t *pool)
{
    compile_pool_free(pool);
}
