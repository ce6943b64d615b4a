/* The module service: what the module API runs on, and its small handlers.
 *
 *   engine         one sl_engine_t for every module of the daemon
 *   compile pool   [compile] threads engine threads; uploads feed it (stream/session.h)
 *   executor       [invoke] threads with large stacks; invocations run there (invoke.h)
 *   idle instances [invoke] idle_instances kept for reuse (instance_cache.h), none by default
 *   registry       name -> serving version (registry.h); loop thread only
 *   sessions       the uploads and fetches compiling, and the drain timer of backpressure
 *   fetcher        libcurl multi on the loop for POST .../fetch (stream/fetch_module.h), and
 *   validators     the ETag/Last-Modified of each fetched URL for conditional refetches
 *
 * Backpressure: an upload whose queued bodies exceed [compile] queue_depth pauses its request
 * (the connection stops reading) until its session resumes it (stream/session.h).
 *
 * Endpoints here: GET /v1/modules (list), GET/DELETE /v1/modules/{name}, GET
 * /v1/modules/{name}/timeline[?format=trace]. PUT /v1/modules/{name} is upload_start (upload.h),
 * POST .../fetch is fetch_module_start and POST .../invoke/{export} is invoke_start.
 *
 * Ownership: modules_t is embedded in daemon_t. modules_start creates the engine, pool, executor
 * and fetcher; modules_stop_workers (after every request was aborted, which cancelled every
 * fetch) closes the fetcher's handles and frees the pool, whose threads
 * finish or abandon their jobs first, and stops the executor, so that nothing posts to the
 * mailbox afterwards; modules_fini (after uv_run) frees the registry and the engine.
 * Threading: loop thread only, except the engine, pool and executor, which are thread-safe.
 * Errors: modules_start returns 0 or a negative SL_E* code or -errno and logs it.
 */
#ifndef SL_MODULES_H
#define SL_MODULES_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"
#include "executor.h"
#include "fetch.h"
#include "instance_cache.h"
#include "mailbox.h"
#include "metrics.h"
#include "registry.h"
#include "session.h"
#include "slipstream.h"
#include "validators.h"

struct daemon;
struct route;
struct request;
enum {
    MODULES_MAX_NAME = 128, /* bytes of a module name: [A-Za-z0-9._-] */
};

typedef struct modules {
    /* read-only after modules_start */
    uv_loop_t *loop;
    const config_t *config;
    mailbox_t *mailbox;
    metrics_t *metrics;
    sl_engine_t *engine;
    sl_compile_pool_t *pool;
    executor_t executor;
    instance_cache_t idle;   /* [invoke] idle_instances > 0: instances reused between calls */
    /* loop thread */
    registry_t registry;
    fetcher_t fetcher;       /* POST .../fetch downloads (net/fetch.h), one CURLM on the loop */
    validators_t validators; /* URL -> ETag, Last-Modified of what was fetched */
    sessions_t sessions;     /* uploads and fetches (stream/session.h) */
    uint64_t n_invocations;  /* from request start to answer: [invoke] max_concurrent */
    struct invocation *invocations; /* those n_invocations, for the stop (invoke.c) */
    /* private */
    bool has_fetcher;
    bool is_started;
} modules_t;

int modules_start(modules_t *m, uv_loop_t *loop, const config_t *config, mailbox_t *mailbox,
                  metrics_t *metrics);
void modules_stop_workers(modules_t *m);
void modules_fini(modules_t *m);

/* True for a usable module name: 1..MODULES_MAX_NAME bytes of [A-Za-z0-9._-], not only dots. */
bool modules_name_ok(const char *name, size_t len);
/* At the start of an upload or fetch, whose {name} is the request's first param: answers 400
 * for a name modules_name_ok refuses, or 507 when a module named so could not be installed
 * ([modules] max_modules, to spare the transfer: modules_install checks again, since other
 * uploads may end first), and returns true; false when the request may go on. */
bool modules_reply_if_refused(modules_t *m, struct request *req);

/* Writes `len` bytes of client input (an export name: any bytes, NUL included) as printable
 * ASCII for a message: \xHH for control bytes, non-ASCII, backslash and quote; "..." where it is
 * cut to fit `size` (> 0). Returns the length written. */
size_t modules_escape(const char *bytes, size_t len, char *buf, size_t size);

/* Installs the module of a session's outcome (the reference taken: out->module becomes NULL)
 * under its name, replacing the version serving: out->status becomes 201 (added) or 200
 * (replaced) with the entry as out->body, or 507 (max_modules) or 500 with an error body. */
void modules_install(modules_t *m, session_outcome_t *out);

/* Route handlers (routes.c lists them). */
void modules_list_start(struct daemon *daemon, const struct route *route, struct request *req);
void modules_one_start(struct daemon *daemon, const struct route *route, struct request *req);
void modules_timeline_start(struct daemon *daemon, const struct route *route,
                            struct request *req);

#endif
