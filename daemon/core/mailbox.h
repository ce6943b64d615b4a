/* The loop's mailbox: how work finished on another thread gets back to the loop thread.
 *
 * A worker (the compile pool, an executor, a hashing thread) posts a mailbox_item_t embedded in
 * its own job record; the loop thread then calls the item's callback, where it is safe to touch
 * connections, requests and metrics (request_reply, request_resume, ...).
 *
 *   worker thread                         loop thread
 *   -------------                         -----------
 *   job->done.cb = on_job_done;
 *   mailbox_post(mb, &job->done) --+
 *                                  +-- uv_async_send --> on_job_done(&job->done)
 *                                                        (container_of to the job)
 *
 * Posting never allocates and never fails: the item is linked into a mutex-protected list and
 * uv_async_send wakes the loop (libuv may merge several wake-ups into one; every posted item is
 * still delivered, once, in posting order). An item must not be posted again before its callback
 * has started.
 *
 * Ownership: mailbox_t is embedded in its owner (the daemon), which keeps it alive until the close
 * callback of mailbox_close. Items belong to whoever posts them; the mailbox only links them.
 * Threading: mailbox_init and mailbox_close on the loop thread; mailbox_post from any thread; the
 * callbacks run on the loop thread. Stop every thread that may post before mailbox_close:
 * mailbox_close delivers what is already queued, and a post after it is a bug.
 * Errors: mailbox_init returns 0 or a negative libuv code.
 */
#ifndef SL_MAILBOX_H
#define SL_MAILBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <uv.h>

typedef struct mailbox_item mailbox_item_t;
typedef void (*mailbox_cb)(mailbox_item_t *item);

struct mailbox_item {
    /* public: set before posting */
    mailbox_cb cb;
    /* private */
    mailbox_item_t *next;
};

typedef struct mailbox {
    /* private */
    uv_async_t async;
    pthread_mutex_t lock;
    mailbox_item_t *head; /* under lock */
    mailbox_item_t *tail; /* under lock */
    bool is_open;         /* loop thread */
} mailbox_t;

int mailbox_init(mailbox_t *mb, uv_loop_t *loop);

/* Queues `item` and wakes the loop. Any thread. */
void mailbox_post(mailbox_t *mb, mailbox_item_t *item);

/* Delivers what is queued, then closes the async handle. Safe on a mailbox that never opened. */
void mailbox_close(mailbox_t *mb);

#endif
