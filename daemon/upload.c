/* Module uploads: the request body feeds a session (see upload.h). */
#include "upload.h"

#include <stdlib.h>

#include "session.h"

typedef struct upload {
    modules_t *modules;
    request_t *req;
    session_t *session;
    bool is_replied; /* answered before done (413): only freeing is left */
    bool is_aborted; /* the request was aborted: release it at done */
} upload_t;

static void
on_pause(void *user)
{
    upload_t *u = user;
    request_pause(u->req);
}

static void
on_resume(void *user)
{
    upload_t *u = user;
    request_resume(u->req);
}

static void
on_session_done(void *user, session_outcome_t *out)
{
    upload_t *u = user;
    if (out->module != NULL)
        modules_install(u->modules, out);
    if (u->is_aborted)
        request_release(u->req);
    else if (!u->is_replied)
        request_reply_json(u->req, out->status, out->body);
    out->body = NULL; /* modules_reply_json took it, or nobody wants it */
    free(u);
}

static const session_ops_t upload_ops = {
    .pause = on_pause,
    .resume = on_resume,
    .done = on_session_done,
};

static void
on_chunk(request_t *req, const char *data, size_t size)
{
    upload_t *u = req->user;
    modules_t *m = u->modules;
    metrics_add(m->metrics, METRIC_module_received_bytes_total, NULL, size);
    if (u->is_replied)
        return; /* failed already: the rest is read and dropped until the answer goes out */
    if (session_feed(u->session, data, size) == SL_ELIMIT) {
        request_reply_error(req, 413, "too_large", NULL,
                            "the module exceeds max_module_size (%llu bytes)",
                            (unsigned long long)m->config->max_module_size);
        u->is_replied = true;
    }
}

static void
on_end(request_t *req)
{
    upload_t *u = req->user;
    session_finish(u->session);
}

static void
on_abort(request_t *req, int reason)
{
    upload_t *u = req->user;
    u->is_aborted = true;
    session_abort(u->session);
}

static const request_body_handler_t upload_body = {
    .on_chunk = on_chunk,
    .on_end = on_end,
    .on_abort = on_abort,
};

void
upload_start(daemon_t *daemon, const struct route *route, request_t *req)
{
    modules_t *m = &daemon->modules;
    const char *name = req->params[0].at;
    size_t len = req->params[0].len;
    if (modules_reply_if_refused(m, req))
        return;
    if (req->has_content_length && req->content_length > m->config->max_module_size) {
        metrics_add(m->metrics, METRIC_module_upload_failures_total,
                    (const char *[]){"too_large"}, 1);
        request_reply_error(req, 413, "too_large", NULL,
                            "the module (%llu bytes) exceeds max_module_size (%llu bytes)",
                            (unsigned long long)req->content_length,
                            (unsigned long long)m->config->max_module_size);
        return;
    }
    upload_t *u = calloc(1, sizeof *u);
    if (u == NULL) {
        request_reply_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    u->modules = m;
    u->req = req;
    int rc = session_new(&m->sessions, name, len, req->has_content_length ? req->content_length : 0,
                         &upload_ops, u, &u->session);
    if (rc < 0) {
        free(u);
        request_reply_error(req, 500, "internal", NULL, "cannot start a compilation: %s",
                            sl_strerror(rc));
        return;
    }
    request_set_body(req, &upload_body, u);
}
