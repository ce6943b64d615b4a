/* PUT /v1/echo-sha256: a route for tests only (built into slipstreamd-test, never into
 * slipstreamd). It exercises the request-body interface the module upload uses:
 *
 *   each body chunk --> copied, request_pause, queued for a worker thread (SHA-256 update)
 *   worker done     --> mailbox --> request_resume (reading goes on)
 *   end of body     --> worker finishes the digest --> mailbox --> request_reply, asynchronously
 *   abort           --> the state is freed once no job of it is with the worker
 *
 * The reply is {"sha256": hex, "size": bytes, "chunks": n}. A request header
 * "X-Echo-Delay-Ms: N" (at most 10000) makes the worker sleep N ms before hashing the first
 * chunk (or before the digest of an empty body): time during which the connection must not read.
 *
 * Ownership: echo_worker_t is embedded in its owner (test_routes.h); echo_worker_stop joins
 * the thread, after which nothing is posted any more.
 * Threading: the route runs on the loop thread; one worker thread hashes; they meet through a
 * mutex-protected job queue one way and the daemon's mailbox the other.
 * Errors: echo_worker_start returns 0 or a negative errno.
 */
#ifndef SL_ECHO_SHA256_H
#define SL_ECHO_SHA256_H

#include <pthread.h>
#include <stdbool.h>

#include "daemon.h"
#include "routes.h"

typedef struct echo_job echo_job_t;

typedef struct echo_worker {
    /* private */
    mailbox_t *mailbox;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    echo_job_t *head;  /* under lock */
    echo_job_t *tail;  /* under lock */
    bool is_stopping;  /* under lock */
    bool is_running;   /* loop thread */
} echo_worker_t;

int echo_worker_start(echo_worker_t *worker, mailbox_t *mailbox);

/* Hashes what is queued, then joins the thread. Safe if never started. */
void echo_worker_stop(echo_worker_t *worker);

/* The route row; its user must be the echo_worker_t. */
void echo_sha256_start(daemon_t *daemon, const route_t *route, request_t *req);

#endif
