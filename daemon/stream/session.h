/* One incoming module, whatever brings its bytes (an upload: upload.h; a fetch: fetch_module.h):
 * chunks are fed to a streaming compilation on the loop thread as they arrive, so function bodies
 * compile on the pool while the rest is still in flight; the module replaces the old version of
 * its name once the last byte is in and every body compiled.
 *
 *   session_new     the compilation and the SHA-256 started; the timeline starts now
 *   session_feed    SHA-256 update, sl_compilation_feed. Over [modules] max_module_size: SL_ELIMIT,
 *                   the compilation is aborted (the source stops and answers 413). Bytes the engine
 *                   refuses end the input: the error comes at done. More than [compile]
 *                   queue_depth bodies pending: ops->pause, and the drain timer (modules.h) calls
 *                   ops->resume once the queue is down to half
 *   session_finish  the last byte is in
 *   session_abort   the source gave up (client gone, origin failed): done says is_aborted
 *   done            (pool thread, or inside finish/abort) -> mailbox -> loop: the module is
 *                   installed (registry_put) or the error described, then ops->done gets the
 *                   outcome, and the session is freed when ops->done returns
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
 * stay alive until ops->done.
 * Threading: loop thread, except the compilation's done callback (any thread: it only posts).
 * Errors: session_new returns 0 or a negative SL_E* code; session_feed as above.
 */
#ifndef SL_SESSION_H
#define SL_SESSION_H

#include <jansson.h>

#include "modules.h"

/* What a session came to, on the loop thread. */
typedef struct session_outcome {
    bool is_aborted;      /* session_abort or the size limit: the source answers (or not) */
    int status;           /* 201 added, 200 replaced, 400/413/500 an error */
    json_t *body;         /* the answer's body: the entry or {"error":...}; the source's to take */
    const char *sha256;   /* hex digest of the installed module ("" unless 200/201) */
    const registry_entry_t *entry; /* the installed entry (NULL unless 200/201) */
} session_outcome_t;

typedef struct session_ops {
    void (*pause)(void *user);  /* stop delivering bytes (backpressure) */
    void (*resume)(void *user); /* deliver again; may feed at once */
    void (*done)(void *user, session_outcome_t *outcome);
} session_ops_t;

int session_new(modules_t *m, const char *name, size_t name_len, uint64_t size_hint,
                const session_ops_t *ops, void *user, session_t **out);
int session_feed(session_t *s, const void *data, size_t size);
void session_finish(session_t *s);
void session_abort(session_t *s);

/* Bytes fed so far. */
uint64_t session_size(const session_t *s);

/* Resumes the paused sessions whose compile queue has drained (the drain timer). */
void session_drain(modules_t *m);

#endif
