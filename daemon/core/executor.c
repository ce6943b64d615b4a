/* The executor pool's threads and queue (see executor.h). */
#include "executor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Under the lock. */
static void
unlink_job(executor_t *ex, executor_job_t *job)
{
    if (job->prev != NULL)
        job->prev->next = job->next;
    else
        ex->head = job->next;
    if (job->next != NULL)
        job->next->prev = job->prev;
    else
        ex->tail = job->prev;
    job->next = job->prev = NULL;
    job->is_queued = false;
}

static void *
work(void *arg)
{
    executor_t *ex = arg;
    pthread_mutex_lock(&ex->lock);
    for (;;) {
        while (ex->head == NULL && !ex->is_stopping)
            pthread_cond_wait(&ex->wake, &ex->lock);
        executor_job_t *job = ex->head;
        if (job == NULL)
            break; /* stopping, and the queue is empty: queued jobs belong to callers */
        unlink_job(ex, job);
        pthread_mutex_unlock(&ex->lock);
        job->run(job);
        pthread_mutex_lock(&ex->lock);
    }
    pthread_mutex_unlock(&ex->lock);
    return NULL;
}

int
executor_start(executor_t *ex, unsigned n_threads, size_t stack_size)
{
    memset(ex, 0, sizeof *ex);
    if (n_threads == 0)
        n_threads = 1;
    ex->threads = calloc(n_threads, sizeof *ex->threads);
    if (ex->threads == NULL)
        return -ENOMEM;
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->wake, NULL);
    ex->is_running = true;

    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0)
        rc = pthread_attr_setstacksize(&attr, stack_size);
    for (unsigned i = 0; rc == 0 && i < n_threads; i++) {
        rc = pthread_create(&ex->threads[i], &attr, work, ex);
        if (rc == 0)
            ex->n_threads++;
    }
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        executor_stop(ex);
        return -rc;
    }
    return 0;
}

void
executor_submit(executor_t *ex, executor_job_t *job)
{
    pthread_mutex_lock(&ex->lock);
    job->next = NULL;
    job->prev = ex->tail;
    job->is_queued = true;
    if (ex->tail != NULL)
        ex->tail->next = job;
    else
        ex->head = job;
    ex->tail = job;
    pthread_cond_signal(&ex->wake);
    pthread_mutex_unlock(&ex->lock);
}

bool
executor_cancel(executor_t *ex, executor_job_t *job)
{
    pthread_mutex_lock(&ex->lock);
    bool was_queued = job->is_queued;
    if (was_queued)
        unlink_job(ex, job);
    pthread_mutex_unlock(&ex->lock);
    return was_queued;
}

void
executor_stop(executor_t *ex)
{
    if (!ex->is_running)
        return;
    ex->is_running = false;
    pthread_mutex_lock(&ex->lock);
    ex->is_stopping = true;
    pthread_cond_broadcast(&ex->wake);
    pthread_mutex_unlock(&ex->lock);
    for (unsigned i = 0; i < ex->n_threads; i++)
        pthread_join(ex->threads[i], NULL);
    free(ex->threads);
    ex->threads = NULL;
    pthread_cond_destroy(&ex->wake);
    pthread_mutex_destroy(&ex->lock);
}
