/* Modules fetched by URL: the fetch feeds a session (see fetch_module.h). */
#include "fetch_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"

enum { MAX_REQUEST_BODY = 8192 };

typedef struct fetch_module {
    modules_t *modules;
    request_t *req;
    char name[MODULES_MAX_NAME + 1];
    char body[MAX_REQUEST_BODY + 1]; /* the JSON request */
    size_t body_len;
    session_t *session;
    char url[FETCH_MAX_URL]; /* as requested: the key of its validators (before redirects) */
    fetch_t fetch;
    fetch_result_t result; /* FETCH_RUNNING until the fetch (or our own limit) decides */
    bool is_fetching;      /* started, and neither done nor cancelled */
    bool is_paused;        /* by the session's backpressure */
    bool is_feed_failed;   /* the engine refused the bytes: the session has the error */
    bool is_aborted;       /* the client went away */
} fetch_module_t;

static void
count(modules_t *m, fetch_result_t r)
{
    metrics_add(m->metrics, METRIC_module_fetches_total, (const char *[]){fetch_result_code(r)}, 1);
}

/* "origin": what the origin said. */
static json_t *
origin_json(const fetch_t *t)
{
    return json_pack("{s:o,s:o,s:o,s:s}", "status", t->status ? json_integer(t->status) : json_null(),
                     "etag", t->etag[0] ? json_string(t->etag) : json_null(), "last_modified",
                     t->last_modified[0] ? json_string(t->last_modified) : json_null(), "url",
                     t->url);
}

static void
reply_failure(fetch_module_t *fm)
{
    const fetch_t *t = &fm->fetch;
    fetch_result_t r = fm->result;
    json_t *extra = json_pack("{s:o}", "origin", origin_json(t));
    if (r == FETCH_ORIGIN_STATUS)
        request_reply_error(fm->req, 502, "origin_status", extra, "the origin answered %ld for %s",
                            t->status, t->url);
    else if (r == FETCH_TOO_LARGE)
        request_reply_error(fm->req, 413, "too_large", extra,
                            "the module exceeds max_module_size (%llu bytes)%s%s",
                            (unsigned long long)fm->modules->config->max_module_size,
                            t->error[0] ? ": " : "", t->error);
    else
        request_reply_error(fm->req, fetch_result_status(r), fetch_result_code(r), extra,
                            "%s%s%s", fetch_result_message(r), t->error[0] ? ": " : "", t->error);
}

static void
reply_not_modified(fetch_module_t *fm)
{
    modules_t *m = fm->modules;
    registry_entry_t *e = registry_find(&m->registry, fm->name, strlen(fm->name));
    if (e == NULL) { /* deleted while the origin was asked */
        request_reply_error(fm->req, 502, "origin_status", json_pack("{s:o}", "origin",
                            origin_json(&fm->fetch)),
                            "the origin answered 304 but the module is no longer here");
        return;
    }
    json_t *json = registry_entry_json(e);
    if (json != NULL) {
        json_object_set_new(json, "not_modified", json_true());
        json_object_set_new(json, "origin", origin_json(&fm->fetch));
    }
    request_reply_json(fm->req, 200, json);
}

static void
on_session_done(void *user, session_outcome_t *out)
{
    fetch_module_t *fm = user;
    modules_t *m = fm->modules;
    if (out->module != NULL)
        modules_install(m, out);
    if (fm->is_fetching) { /* the engine refused the bytes before the transfer ended */
        fetch_cancel(&fm->fetch);
        fm->is_fetching = false;
    }
    if (fm->is_aborted) {
        request_release(fm->req);
    } else if (fm->result == FETCH_NOT_MODIFIED) {
        count(m, fm->result);
        reply_not_modified(fm);
    } else if (out->is_aborted || (fm->result != FETCH_DONE && !fm->is_feed_failed)) {
        count(m, fm->result == FETCH_RUNNING ? FETCH_STOPPED : fm->result);
        reply_failure(fm);
    } else {
        count(m, out->status < 300 ? FETCH_DONE : FETCH_STOPPED);
        if (out->status < 300) {
            const fetch_t *t = &fm->fetch;
            json_object_set_new(out->body, "origin", origin_json(t));
            if (validators_put(&m->validators, fm->url, out->sha256, t->etag,
                               t->last_modified) < 0)
                LOG(LOG_LEVEL_WARN, "cannot remember the validators of %s", t->url);
        }
        request_reply_json(fm->req, out->status, out->body);
        out->body = NULL;
    }
    free(fm);
}

static void
on_pause(void *user)
{
    fetch_module_t *fm = user;
    fm->is_paused = true; /* the next bytes are refused until on_resume */
}

static void
on_resume(void *user)
{
    fetch_module_t *fm = user;
    fm->is_paused = false;
    if (fm->is_fetching)
        fetch_resume(&fm->fetch);
}

static const session_ops_t fetch_session_ops = {
    .pause = on_pause,
    .resume = on_resume,
    .done = on_session_done,
};

/* Inside libcurl: no fetch_cancel here, only a verdict. */
static int
on_data(fetch_t *t, const char *data, size_t size)
{
    fetch_module_t *fm = t->options.user;
    if (fm->is_paused)
        return FETCH_DATA_PAUSE;
    metrics_add(fm->modules->metrics, METRIC_module_received_bytes_total, NULL, size);
    int rc = session_feed(fm->session, data, size);
    if (rc == SL_ELIMIT) {
        fm->result = FETCH_TOO_LARGE;
        snprintf(t->error, sizeof t->error, "the transfer was stopped after %llu bytes",
                 (unsigned long long)session_size(fm->session));
        return FETCH_DATA_STOP;
    }
    if (rc < 0) {
        fm->is_feed_failed = true;
        return FETCH_DATA_STOP;
    }
    return FETCH_DATA_OK;
}

static void
on_fetch_done(fetch_t *t)
{
    fetch_module_t *fm = t->options.user;
    fm->is_fetching = false;
    if (fm->result == FETCH_RUNNING)
        fm->result = t->result;
    if (fm->is_feed_failed)
        return; /* the session ended its input and reports the engine's error */
    if (fm->result == FETCH_DONE)
        session_finish(fm->session);
    else
        session_abort(fm->session);
}

/* The JSON body is in: check it and start. */
static void
begin(fetch_module_t *fm)
{
    modules_t *m = fm->modules;
    const config_t *c = m->config;
    json_error_t jerr;
    fm->body[fm->body_len] = '\0';
    json_t *json = json_loadb(fm->body, fm->body_len, 0, &jerr);
    const char *url = json_string_value(json_object_get(json, "url"));
    if (url == NULL) {
        request_reply_error(fm->req, 400, "bad_request", NULL,
                            "the body must be a JSON object with a string \"url\"");
        json_decref(json);
        free(fm);
        return;
    }
    if (strlen(url) >= sizeof fm->url) {
        request_reply_error(fm->req, 400, "bad_url", NULL, "the URL is longer than %d bytes",
                            FETCH_MAX_URL - 1);
        json_decref(json);
        free(fm);
        return;
    }
    strcpy(fm->url, url);
    const char *if_none_match = NULL, *if_modified_since = NULL;
    registry_entry_t *e = registry_find(&m->registry, fm->name, strlen(fm->name));
    const validator_t *v = e != NULL ? validators_match(&m->validators, url, e->sha256) : NULL;
    if (v != NULL) {
        if_none_match = v->etag;
        if_modified_since = v->last_modified;
    }
    fetch_options_t options = {
        .allow_hosts = c->fetch_allow.text,
        .max_size = c->max_module_size,
        .connect_timeout_ms = (unsigned)c->fetch_connect_timeout_ms,
        .timeout_ms = (unsigned)c->fetch_timeout_ms,
        .max_redirects = (unsigned)c->fetch_max_redirects,
        .if_none_match = if_none_match,
        .if_modified_since = if_modified_since,
        .on_data = on_data,
        .on_done = on_fetch_done,
        .user = fm,
    };
    fm->result = FETCH_RUNNING;
    fetch_result_t r = fetch_start(&m->fetcher, &fm->fetch, &options, url);
    json_decref(json);
    if (r != FETCH_RUNNING) { /* refused before any connection */
        fm->result = r;
        count(m, r);
        reply_failure(fm);
        free(fm);
        return;
    }
    fm->is_fetching = true;
    int rc = session_new(&m->sessions, fm->name, strlen(fm->name), 0, &fetch_session_ops, fm, &fm->session);
    if (rc < 0) {
        fetch_cancel(&fm->fetch);
        request_reply_error(fm->req, 500, "internal", NULL, "cannot start a compilation: %s",
                            sl_strerror(rc));
        free(fm);
    }
}

static void
on_chunk(request_t *req, const char *data, size_t size)
{
    fetch_module_t *fm = req->user;
    if (size > MAX_REQUEST_BODY - fm->body_len) {
        request_reply_error(req, 413, "too_large", NULL, "a fetch request is at most %d bytes",
                            MAX_REQUEST_BODY);
        free(fm); /* no callback comes after the reply */
        return;
    }
    memcpy(fm->body + fm->body_len, data, size);
    fm->body_len += size;
}

static void
on_end(request_t *req)
{
    begin(req->user);
}

static void
on_abort(request_t *req, int reason)
{
    fetch_module_t *fm = req->user;
    fm->is_aborted = true;
    if (fm->session == NULL) { /* still reading the request: nothing started */
        request_release(req);
        free(fm);
        return;
    }
    if (fm->is_fetching) {
        fetch_cancel(&fm->fetch);
        fm->is_fetching = false;
    }
    session_abort(fm->session); /* done follows, and frees fm */
}

static const request_body_handler_t fetch_body = {
    .on_chunk = on_chunk,
    .on_end = on_end,
    .on_abort = on_abort,
};

void
fetch_module_start(daemon_t *daemon, const struct route *route, request_t *req)
{
    modules_t *m = &daemon->modules;
    const char *name = req->params[0].at;
    size_t len = req->params[0].len;
    if (modules_reply_if_refused(m, req))
        return;
    fetch_module_t *fm = calloc(1, sizeof *fm);
    if (fm == NULL) {
        request_reply_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    fm->modules = m;
    fm->req = req;
    memcpy(fm->name, name, len);
    request_set_body(req, &fetch_body, fm);
}
