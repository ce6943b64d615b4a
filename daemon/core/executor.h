/* The executor pool: the daemon's own threads that run wasm code (invocations), so the loop thread
 * never does. Threads have large stacks (wasm recursion runs on them; the engine's stack check
 * traps "call stack exhausted" well before the end).
 *
 *   loop thread: executor_submit(ex, &job->work)  -->  worker: job->work.run(&job->work)
 *   the job reports back itself, through the daemon's mailbox (mailbox.h)
 *
 * Jobs run in submission order, several at once (one per thread). A job is embedded in its
 * owner's record; the pool only links it. A job still queued can be taken back
 * (executor_cancel): it then never runs, and its owner answers for it; once a worker has it, it
 * runs to its end and reports back as usual (interrupting it is the owner's business).
 *
 * Ownership: executor_t is embedded in its owner (the module service); executor_stop runs what
 * is queued, then joins the threads.
 * Threading: executor_start/stop on the loop thread; executor_submit and executor_cancel from any
 * thread; run on a worker.
 * Errors: executor_start returns 0 or a negative errno (the threads it did start are joined).
 */
#ifndef SL_EXECUTOR_H
#define SL_EXECUTOR_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct executor_job executor_job_t;

struct executor_job {
    /* public: set before submitting */
    void (*run)(executor_job_t *job); /* on a worker thread */
    /* private: under the executor's lock */
    executor_job_t *next;
    executor_job_t *prev;
    bool is_queued;
};

typedef struct executor {
    /* private */
    pthread_t *threads;
    unsigned n_threads; /* started */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    executor_job_t *head; /* under lock */
    executor_job_t *tail; /* under lock */
    bool is_stopping;     /* under lock */
    bool is_running;      /* loop thread */
} executor_t;

/* Starts `n_threads` threads (at least 1) with `stack_size`-byte stacks. */
int executor_start(executor_t *ex, unsigned n_threads, size_t stack_size);

void executor_submit(executor_t *ex, executor_job_t *job);

/* Takes `job` off the queue if no worker has taken it yet: true if so (it will never run), false
 * if it is running or has run. */
bool executor_cancel(executor_t *ex, executor_job_t *job);

/* Runs the jobs still queued, then joins the threads. Safe if never started. */
void executor_stop(executor_t *ex);

#endif
