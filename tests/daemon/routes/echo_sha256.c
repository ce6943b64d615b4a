/* The test-only body echo route (see echo_sha256.h). */
#include "echo_sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One request's state, and at the same time its job: a request has at most one job with the
 * worker, because it pauses its body until the job is done. */
struct echo_job {
    echo_job_t *next; /* the worker's queue, under its lock */
    mailbox_item_t done;
    echo_worker_t *worker;
    request_t *req;
    EVP_MD_CTX *md;
    char *chunk; /* the chunk being hashed; NULL for the final digest */
    size_t chunk_size;
    unsigned delay_ms; /* before the first piece of work */
    bool is_final;
    bool is_busy;    /* with the worker; loop thread */
    bool is_aborted; /* loop thread */
    unsigned n_chunks;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digest_size;
};

/* ---- the worker thread ----------------------------------------------------------------------- */

static void *
work(void *arg)
{
    echo_worker_t *worker = arg;
    pthread_mutex_lock(&worker->lock);
    for (;;) {
        while (worker->head == NULL && !worker->is_stopping)
            pthread_cond_wait(&worker->cond, &worker->lock);
        echo_job_t *job = worker->head;
        if (job == NULL)
            break; /* stopping, and nothing left */
        worker->head = job->next;
        if (worker->head == NULL)
            worker->tail = NULL;
        pthread_mutex_unlock(&worker->lock);

        if (job->delay_ms > 0) {
            struct timespec ts = {job->delay_ms / 1000, (long)(job->delay_ms % 1000) * 1000000};
            nanosleep(&ts, NULL);
            job->delay_ms = 0;
        }
        if (job->is_final)
            EVP_DigestFinal_ex(job->md, job->digest, &job->digest_size);
        else
            EVP_DigestUpdate(job->md, job->chunk, job->chunk_size);
        mailbox_post(worker->mailbox, &job->done);

        pthread_mutex_lock(&worker->lock);
    }
    pthread_mutex_unlock(&worker->lock);
    return NULL;
}

int
echo_worker_start(echo_worker_t *worker, mailbox_t *mailbox)
{
    *worker = (echo_worker_t){.mailbox = mailbox};
    pthread_mutex_init(&worker->lock, NULL);
    pthread_cond_init(&worker->cond, NULL);
    int rc = pthread_create(&worker->thread, NULL, work, worker);
    if (rc != 0) {
        pthread_cond_destroy(&worker->cond);
        pthread_mutex_destroy(&worker->lock);
        return -rc;
    }
    worker->is_running = true;
    return 0;
}

void
echo_worker_stop(echo_worker_t *worker)
{
    if (!worker->is_running)
        return;
    worker->is_running = false;
    pthread_mutex_lock(&worker->lock);
    worker->is_stopping = true;
    pthread_cond_signal(&worker->cond);
    pthread_mutex_unlock(&worker->lock);
    pthread_join(worker->thread, NULL);
    pthread_cond_destroy(&worker->cond);
    pthread_mutex_destroy(&worker->lock);
}

static void
submit(echo_job_t *job)
{
    echo_worker_t *worker = job->worker;
    job->is_busy = true;
    job->next = NULL;
    pthread_mutex_lock(&worker->lock);
    if (worker->tail != NULL)
        worker->tail->next = job;
    else
        worker->head = job;
    worker->tail = job;
    pthread_cond_signal(&worker->cond);
    pthread_mutex_unlock(&worker->lock);
}

/* ---- the route, on the loop thread ----------------------------------------------------------- */

static void
job_free(echo_job_t *job)
{
    EVP_MD_CTX_free(job->md);
    free(job->chunk);
    free(job);
}

static void
reply_digest(echo_job_t *job)
{
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned i = 0; i < job->digest_size; i++)
        snprintf(hex + 2 * i, 3, "%02x", job->digest[i]);
    hex[2 * job->digest_size] = '\0';

    request_reply_json(job->req, 200,
                       json_pack("{s:s,s:I,s:i}", "sha256", hex, "size",
                                 (json_int_t)job->req->body_size, "chunks", (int)job->n_chunks));
}

/* The worker finished a piece of work: back on the loop thread. */
static void
on_done(mailbox_item_t *item)
{
    echo_job_t *job = (echo_job_t *)((char *)item - offsetof(echo_job_t, done));
    job->is_busy = false;
    free(job->chunk);
    job->chunk = NULL;
    if (job->is_aborted) {
        request_release(job->req);
        job_free(job);
    } else if (job->is_final) {
        reply_digest(job);
        job_free(job);
    } else {
        request_resume(job->req);
    }
}

static void
on_chunk(request_t *req, const char *data, size_t size)
{
    echo_job_t *job = req->user;
    job->chunk = malloc(size);
    if (job->chunk == NULL) {
        request_reply_error(req, 500, NULL, NULL, "out of memory");
        job_free(job);
        return;
    }
    memcpy(job->chunk, data, size);
    job->chunk_size = size;
    job->n_chunks++;
    request_pause(req); /* until the worker has this chunk done */
    submit(job);
}

static void
on_end(request_t *req)
{
    echo_job_t *job = req->user;
    job->is_final = true;
    submit(job);
}

static void
on_abort(request_t *req, int reason)
{
    echo_job_t *job = req->user;
    job->is_aborted = true;
    if (!job->is_busy) {
        request_release(req);
        job_free(job);
    }
}

static const request_body_handler_t echo_body = {
    .on_chunk = on_chunk,
    .on_end = on_end,
    .on_abort = on_abort,
};

void
echo_sha256_start(daemon_t *daemon, const route_t *route, request_t *req)
{
    echo_job_t *job = calloc(1, sizeof *job);
    if (job == NULL || (job->md = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(job->md, EVP_sha256(), NULL) != 1) {
        if (job != NULL)
            job_free(job);
        request_reply_error(req, 500, NULL, NULL, "cannot start a SHA-256 digest");
        return;
    }
    size_t len;
    const char *delay = request_header(req, "x-echo-delay-ms", &len);
    if (delay != NULL) {
        char text[16];
        snprintf(text, sizeof text, "%.*s", (int)(len < 15 ? len : 15), delay);
        unsigned long ms = strtoul(text, NULL, 10);
        job->delay_ms = ms > 10000 ? 10000 : (unsigned)ms;
    }
    job->worker = route->user;
    job->req = req;
    job->done.cb = on_done;
    request_set_body(req, &echo_body, job);
}
