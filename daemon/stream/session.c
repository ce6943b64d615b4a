/* Module uploads: streaming compilation fed from the request body (see session.h). */
#include "session.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "timeline.h"

struct session {
    modules_t *modules;
    request_t *req;
    char name[MODULES_MAX_NAME + 1];
    sl_compilation_t *compilation;
    EVP_MD_CTX *md;
    timeline_t timeline;
    uint64_t size;           /* bytes received */
    mailbox_item_t done;     /* posted once, by the compilation's done callback */
    session_t *next_paused;  /* modules->paused */
    bool is_input_done;      /* finish or abort was called */
    bool is_replied;         /* answered before done (413): only freeing is left */
    bool is_aborted;         /* the request was aborted: release it at done */
    bool is_paused;          /* by backpressure, and in modules->paused */
};

static void
session_free(session_t *s)
{
    sl_compilation_free(s->compilation);
    EVP_MD_CTX_free(s->md);
    free(s);
}

static void
unlink_paused(session_t *s)
{
    if (!s->is_paused)
        return;
    s->is_paused = false;
    for (session_t **p = &s->modules->paused; *p != NULL; p = &(*p)->next_paused)
        if (*p == s) {
            *p = s->next_paused;
            break;
        }
    s->next_paused = NULL;
}

/* Any thread: the pool thread of the last job, or the loop inside finish/abort. */
static void
on_compilation_done(void *user, sl_compilation_t *compilation)
{
    session_t *s = user;
    mailbox_post(s->modules->mailbox, &s->done);
}

static void
count_failure(modules_t *m, const char *kind)
{
    metrics_add(m->metrics, METRIC_module_upload_failures_total, (const char *[]){kind}, 1);
}

/* 400 for bad bytes, 413 for a limit: with where the engine found the problem. */
static void
reply_compile_error(session_t *s, int rc, const sl_error_t *err)
{
    const char *kind = sl_err_kind(rc);
    int status = rc == SL_EMALFORMED || rc == SL_EINVALID ? 400 : rc == SL_ELIMIT ? 413 : 500;
    count_failure(s->modules, status == 500 ? "internal" : kind);
    json_t *extra = json_pack("{s:I,s:o,s:o}", "offset", (json_int_t)err->offset, "section",
                              err->section != SL_NO_SECTION ? json_string(sl_section_name(
                                                                  err->section))
                                                            : json_null(),
                              "function", err->func_index != SL_NO_INDEX
                                              ? json_integer(err->func_index)
                                              : json_null());
    if (extra != NULL && err->func_index != SL_NO_INDEX)
        json_object_set_new(extra, "body_offset", json_integer(err->body_offset));
    modules_reply_error(s->req, status, kind, extra, "%s",
                        err->message[0] ? err->message : sl_strerror(rc));
}

static void
install(session_t *s, sl_module_t *module)
{
    modules_t *m = s->modules;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digest_size = 0;
    char hex[65] = "";
    if (EVP_DigestFinal_ex(s->md, digest, &digest_size) == 1)
        for (unsigned i = 0; i < digest_size && i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);

    registry_entry_t *e = registry_entry_new(s->name, module, hex, s->size, &s->timeline);
    bool is_replaced = false;
    if (e == NULL || registry_put(&m->registry, e, &is_replaced) < 0) {
        registry_entry_free(e);
        count_failure(m, "internal");
        modules_reply_error(s->req, 500, "internal", NULL, "out of memory");
        return;
    }
    const timeline_t *t = &e->timeline;
    metrics_add(m->metrics, METRIC_modules_compiled_total, NULL, 1);
    metrics_add(m->metrics, METRIC_functions_compiled_total, (const char *[]){"baseline"},
                t->functions_total);
    metrics_observe(m->metrics, METRIC_module_compile_seconds, NULL,
                    (double)t->compile_cpu_ns / 1e9);
    if (t->last_byte_ns != 0 && t->ready_ns >= t->last_byte_ns)
        metrics_observe(m->metrics, METRIC_module_ready_after_last_byte_seconds, NULL,
                        (double)(t->ready_ns - t->last_byte_ns) / 1e9);
    metrics_set(m->metrics, METRIC_modules, NULL, registry_count(&m->registry));
    LOG(LOG_LEVEL_DEBUG, "module %s %s: %llu bytes, %u functions", s->name,
        is_replaced ? "replaced" : "added", (unsigned long long)s->size, t->functions_total);
    modules_reply_json(s->req, is_replaced ? 200 : 201, registry_entry_json(e));
}

/* The compilation is done: back on the loop thread. */
static void
on_done(mailbox_item_t *item)
{
    session_t *s = (session_t *)((char *)item - offsetof(session_t, done));
    unlink_paused(s);
    if (s->is_replied) {
        session_free(s);
        return;
    }
    if (s->is_aborted) {
        count_failure(s->modules, "aborted");
        request_release(s->req);
        session_free(s);
        return;
    }
    sl_compilation_timeline_t ct;
    sl_compilation_timeline(s->compilation, &ct);
    timeline_take(&s->timeline, &ct);
    s->timeline.ready_ns = timeline_now_ns();
    s->timeline.size = s->size;

    sl_module_t *module = NULL;
    sl_error_t err;
    memset(&err, 0, sizeof err);
    int rc = sl_compilation_result(s->compilation, &module, &err);
    if (rc == 0)
        install(s, module); /* the entry takes the reference */
    else
        reply_compile_error(s, rc, &err);
    session_free(s);
}

static void
end_input(session_t *s, bool is_abort)
{
    if (s->is_input_done)
        return;
    s->is_input_done = true;
    if (is_abort)
        sl_compilation_abort(s->compilation);
    else
        sl_compilation_finish(s->compilation); /* its error, if any, comes with the result */
}

static void
on_chunk(request_t *req, const char *data, size_t size)
{
    session_t *s = req->user;
    modules_t *m = s->modules;
    metrics_add(m->metrics, METRIC_module_received_bytes_total, NULL, size);
    if (s->is_input_done)
        return; /* failed already: the rest is read and dropped until the answer goes out */
    s->size += size;
    if (s->size > m->config->max_module_size) {
        count_failure(m, "too_large");
        modules_reply_error(req, 413, "too_large", NULL, "the module exceeds max_module_size (%llu bytes)",
                            (unsigned long long)m->config->max_module_size);
        s->is_replied = true;
        end_input(s, true);
        return;
    }
    EVP_DigestUpdate(s->md, data, size);
    if (sl_compilation_feed(s->compilation, data, size) < 0) {
        end_input(s, false); /* answered at done, with the error's detail */
        return;
    }
    if (!s->is_paused && sl_compilation_pending(s->compilation) > m->config->compile_queue_depth) {
        request_pause(req);
        s->is_paused = true;
        s->next_paused = m->paused;
        m->paused = s;
        modules_watch_paused(m);
    }
}

static void
on_end(request_t *req)
{
    session_t *s = req->user;
    end_input(s, false);
}

static void
on_abort(request_t *req, int reason)
{
    session_t *s = req->user;
    s->is_aborted = true;
    unlink_paused(s);
    bool was_input_done = s->is_input_done;
    end_input(s, true);
    /* An upload whose input had ended would keep compiling for no one: give its jobs up. */
    if (was_input_done)
        sl_compilation_abort(s->compilation);
}

static const request_body_handler_t session_body = {
    .on_chunk = on_chunk,
    .on_end = on_end,
    .on_abort = on_abort,
};

void
session_drain(modules_t *m)
{
    session_t *list = m->paused;
    m->paused = NULL;
    while (list != NULL) {
        session_t *s = list;
        list = s->next_paused;
        s->next_paused = NULL;
        if (sl_compilation_pending(s->compilation) > m->config->compile_queue_depth / 2) {
            s->next_paused = m->paused;
            m->paused = s;
            continue;
        }
        /* Resuming may deliver buffered input at once, and so pause again: s is off the list
         * first. Sessions are freed only in on_done, never inside these callbacks. */
        s->is_paused = false;
        request_resume(s->req);
    }
}

void
session_start(modules_t *m, request_t *req)
{
    const char *name = req->params[0].at;
    size_t len = req->params[0].len;
    if (!modules_name_ok(name, len)) {
        modules_reply_error(req, 400, "bad_name", NULL,
                            "a module name is 1 to %d characters of A-Z a-z 0-9 . _ -",
                            MODULES_MAX_NAME);
        return;
    }
    if (req->has_content_length && req->content_length > m->config->max_module_size) {
        count_failure(m, "too_large");
        modules_reply_error(req, 413, "too_large", NULL,
                            "the module (%llu bytes) exceeds max_module_size (%llu bytes)",
                            (unsigned long long)req->content_length,
                            (unsigned long long)m->config->max_module_size);
        return;
    }
    session_t *s = calloc(1, sizeof *s);
    if (s == NULL || (s->md = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1) {
        if (s != NULL)
            EVP_MD_CTX_free(s->md);
        free(s);
        modules_reply_error(req, 500, "internal", NULL, "cannot start a SHA-256 digest");
        return;
    }
    s->modules = m;
    s->req = req;
    memcpy(s->name, name, len);
    s->done.cb = on_done;
    s->timeline.start_ns = timeline_now_ns();
    sl_compilation_options_t options = {
        .size_hint = req->has_content_length ? req->content_length : 0,
        .on_done = on_compilation_done,
        .user = s,
    };
    int rc = sl_compilation_new(m->pool, &options, &s->compilation);
    if (rc < 0) {
        session_free(s);
        modules_reply_error(req, 500, "internal", NULL, "cannot start a compilation: %s",
                            sl_strerror(rc));
        return;
    }
    request_set_body(req, &session_body, s);
}
