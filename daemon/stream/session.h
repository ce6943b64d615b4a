/* One incoming module, whatever brings its bytes (an upload: upload.h; a fetch: fetch_module.h):
 * chunks are fed to a streaming compilation on the loop thread as they arrive, so function bodies
 * compile on the pool while the rest is still in flight; once the last byte is in and every body
 * compiled, the source gets the module (or the error) and installs it.
 *
 *   session_new     the compilation and the SHA-256 started; the timeline starts now
 *   session_feed    SHA-256 update, sl_compilation_feed. Over [modules] max_module_size: SL_ELIMIT,
 *                   the compilation is aborted (the source stops and answers 413). Bytes the engine
 *                   refuses end the input: the error comes at done. More than [compile]
 *                   queue_depth bodies pending: ops->pause, and the drain timer (below) calls
 *                   ops->resume once the queue is down to half
 *   session_finish  the last byte is in
 *   session_abort   the source gave up (client gone, origin failed): done says is_aborted
 *   done            (pool thread, or inside finish/abort) -> mailbox -> loop: ops->done gets the
 *                   outcome (the module, or the error described), and the session is freed when
 *                   ops->done returns
 *
 * Backpressure: the compile pool reports only whole compilations, so a 2 ms repeating timer,
 * running only while some session is paused, resumes each paused session once its queue has
 * drained to half the depth. Polling costs nothing while nothing is paused and keeps the pool
 * free of any knowledge of HTTP. The timer and the list of paused sessions are in sessions_t,
 * beside what every session uses: the pool, the mailbox, the metrics and the limits.
 *
 * A session's source must keep calling nothing but session_abort after session_feed failed, and
 * nothing at all after finish or abort, except a late session_abort (a client gone while the
 * module compiles: its jobs are given up).
 *
 * Every session ends in its mailbox callback, the one place it is freed: the engine calls the
 * done callback exactly once per compilation (also an aborted one, possibly from a pool thread
 * after the abort returned), so waiting for it is what makes freeing safe.
 *
 * Ownership: a session owns its compilation, digest and name; the source owns itself and must
 * stay alive until ops->done. sessions_t is embedded in its owner; sessions_close closes its
 * timer (the owner outlives uv_run).
 * Threading: loop thread, except the compilation's done callback (any thread: it only posts).
 * Errors: session_new returns 0 or a negative SL_E* code; session_feed as above.
 */
#ifndef SL_SESSION_H
#define SL_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "mailbox.h"
#include "metrics.h"
#include "slipstream.h"
#include "timeline.h"

typedef struct session session_t;

typedef struct session_limits {
    uint64_t max_module_size; /* [modules] max_module_size: bytes of one module */
    uint64_t queue_depth;     /* [compile] queue_depth: bodies pending before a pause */
} session_limits_t;

/* What the sessions of one daemon share. */
typedef struct sessions {
    /* read-only after sessions_init */
    sl_compile_pool_t *pool; /* compiles every session's bodies */
    mailbox_t *mailbox;      /* brings each compilation's end to the loop */
    metrics_t *metrics;      /* module_upload_failures_total */
    session_limits_t limits;
    /* private, loop thread */
    session_t *paused; /* paused for backpressure, linked by session.next_paused */
    uv_timer_t drain_timer;
    bool has_timer;
} sessions_t;

void sessions_init(sessions_t *ss, uv_loop_t *loop, sl_compile_pool_t *pool, mailbox_t *mailbox,
                   metrics_t *metrics, const session_limits_t *limits);
/* Closes the drain timer; after it no session may be started. */
void sessions_close(sessions_t *ss);

/* What a session came to, on the loop thread. */
typedef struct session_outcome {
    bool is_aborted;     /* session_abort or the size limit: the source answers (or not) */
    sl_module_t *module; /* compiled: a reference for the source to take (NULL it), else NULL */
    int status;          /* without a module: 400/413/500/507 */
    json_t *body;        /* without a module: {"error":...}; the source's to take (NULL it) */
    const char *name;    /* as given to session_new */
    const char *sha256;  /* with a module: hex digest of its bytes */
    uint64_t size;       /* bytes received */
    const timeline_t *timeline;
} session_outcome_t;

typedef struct session_ops {
    void (*pause)(void *user);  /* stop delivering bytes (backpressure) */
    void (*resume)(void *user); /* deliver again; may feed at once */
    void (*done)(void *user, session_outcome_t *outcome);
} session_ops_t;

int session_new(sessions_t *ss, const char *name, size_t name_len, uint64_t size_hint,
                const session_ops_t *ops, void *user, session_t **out);
int session_feed(session_t *s, const void *data, size_t size);
void session_finish(session_t *s);
void session_abort(session_t *s);

/* Bytes fed so far. */
uint64_t session_size(const session_t *s);

#endif
