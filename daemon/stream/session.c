/* One incoming module: streaming compilation, digest, backpressure (see session.h). */
#include "session.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "timeline.h"

struct session {
    sessions_t *sessions;
    const session_ops_t *ops;
    void *user;
    sl_compilation_t *compilation;
    EVP_MD_CTX *md;
    timeline_t timeline;
    uint64_t size;           /* bytes received */
    mailbox_item_t done;     /* posted once, by the compilation's done callback */
    session_t *next_paused;  /* sessions.paused */
    bool is_input_done;      /* finish or abort was called */
    bool is_aborted;         /* by the source or the size limit */
    bool is_paused;          /* by backpressure, and in sessions.paused */
    char name[];             /* NUL-terminated */
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
    for (session_t **p = &s->sessions->paused; *p != NULL; p = &(*p)->next_paused)
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
    mailbox_post(s->sessions->mailbox, &s->done);
}

static void
count_failure(sessions_t *ss, const char *kind)
{
    metrics_add(ss->metrics, METRIC_module_upload_failures_total, (const char *[]){kind}, 1);
}

/* The status of errors.def (400 for bad bytes, 413 for a limit of the module, 507 for a full
 * code space, ...), with where the engine found the problem (nowhere in particular for a full
 * space). */
static void
describe_error(session_t *s, int rc, const sl_error_t *err, session_outcome_t *out)
{
    const char *kind = sl_err_kind(rc);
    int status = response_error_status(rc, false);
    count_failure(s->sessions, status == 500 ? "internal" : kind);
    json_t *extra = json_pack("{s:I,s:o,s:o}", "offset", (json_int_t)err->offset, "section",
                              err->section != SL_NO_SECTION ? json_string(sl_section_name(
                                                                  err->section))
                                                            : json_null(),
                              "function", err->func_index != SL_NO_INDEX
                                              ? json_integer(err->func_index)
                                              : json_null());
    if (extra != NULL && err->func_index != SL_NO_INDEX)
        json_object_set_new(extra, "body_offset", json_integer(err->body_offset));
    out->status = status;
    out->body = response_error_json(status, status == 500   ? "internal"
                                            : status == 507 ? "code_space_full"
                                                            : kind,
                                    extra, err->message[0] ? err->message : sl_strerror(rc));
}

/* The digest of the bytes, as lower-case hex. */
static void
digest_hex(session_t *s, char hex[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digest_size = 0;
    if (EVP_DigestFinal_ex(s->md, digest, &digest_size) == 1)
        for (unsigned i = 0; i < digest_size && i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* The compilation is done: back on the loop thread. */
static void
on_done(mailbox_item_t *item)
{
    session_t *s = (session_t *)((char *)item - offsetof(session_t, done));
    unlink_paused(s);
    char hex[65] = "";
    session_outcome_t out = {
        .is_aborted = s->is_aborted,
        .name = s->name,
        .sha256 = hex,
        .size = s->size,
        .timeline = &s->timeline,
    };
    if (s->is_aborted) {
        count_failure(s->sessions, "aborted");
    } else {
        sl_compilation_timeline_t ct;
        sl_compilation_timeline(s->compilation, &ct);
        timeline_take(&s->timeline, &ct);
        s->timeline.ready_ns = timeline_now_ns();
        s->timeline.size = s->size;

        sl_error_t err;
        memset(&err, 0, sizeof err);
        int rc = sl_compilation_result(s->compilation, &out.module, &err);
        if (rc == 0)
            digest_hex(s, hex);
        else
            describe_error(s, rc, &err, &out);
    }
    s->ops->done(s->user, &out);
    json_decref(out.body);        /* NULL when the source took it */
    sl_module_unref(out.module); /* likewise */
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

static void on_drain_timer(uv_timer_t *timer);

/* Starts the drain timer unless it runs. */
static void
watch_paused(sessions_t *ss)
{
    if (!ss->has_timer || uv_is_active((uv_handle_t *)&ss->drain_timer))
        return;
    uv_timer_start(&ss->drain_timer, on_drain_timer, 2, 2);
}

int
session_feed(session_t *s, const void *data, size_t size)
{
    sessions_t *ss = s->sessions;
    if (s->is_input_done)
        return s->is_aborted ? SL_ELIMIT : SL_EMALFORMED;
    s->size += size;
    if (s->size > ss->limits.max_module_size) {
        count_failure(ss, "too_large");
        s->is_aborted = true;
        end_input(s, true);
        return SL_ELIMIT;
    }
    EVP_DigestUpdate(s->md, data, size);
    int rc = sl_compilation_feed(s->compilation, data, size);
    if (rc < 0) {
        end_input(s, false); /* described at done, with the error's detail */
        return rc;
    }
    if (!s->is_paused && sl_compilation_pending(s->compilation) > ss->limits.queue_depth) {
        s->is_paused = true;
        s->next_paused = ss->paused;
        ss->paused = s;
        s->ops->pause(s->user);
        watch_paused(ss);
    }
    return 0;
}

void
session_finish(session_t *s)
{
    end_input(s, false);
}

void
session_abort(session_t *s)
{
    bool was_input_done = s->is_input_done;
    s->is_aborted = true;
    unlink_paused(s);
    end_input(s, true);
    /* A module whose input had ended would keep compiling for no one: give its jobs up. */
    if (was_input_done)
        sl_compilation_abort(s->compilation);
}

uint64_t
session_size(const session_t *s)
{
    return s->size;
}

/* Resumes the paused sessions whose compile queue has drained. */
static void
on_drain_timer(uv_timer_t *timer)
{
    sessions_t *ss = timer->data;
    session_t *list = ss->paused;
    ss->paused = NULL;
    while (list != NULL) {
        session_t *s = list;
        list = s->next_paused;
        s->next_paused = NULL;
        if (sl_compilation_pending(s->compilation) > ss->limits.queue_depth / 2) {
            s->next_paused = ss->paused;
            ss->paused = s;
            continue;
        }
        /* Resuming may deliver buffered input at once, and so pause again: s is off the list
         * first. Sessions are freed only in on_done, never inside these callbacks. */
        s->is_paused = false;
        s->ops->resume(s->user);
    }
    if (ss->paused == NULL)
        uv_timer_stop(&ss->drain_timer);
}

void
sessions_init(sessions_t *ss, uv_loop_t *loop, sl_compile_pool_t *pool, mailbox_t *mailbox,
              metrics_t *metrics, const session_limits_t *limits)
{
    *ss = (sessions_t){.pool = pool, .mailbox = mailbox, .metrics = metrics, .limits = *limits};
    uv_timer_init(loop, &ss->drain_timer);
    ss->drain_timer.data = ss;
    ss->has_timer = true;
}

void
sessions_close(sessions_t *ss)
{
    if (!ss->has_timer)
        return;
    ss->has_timer = false;
    uv_close((uv_handle_t *)&ss->drain_timer, NULL); /* embedded: the owner outlives uv_run */
}

int
session_new(sessions_t *ss, const char *name, size_t name_len, uint64_t size_hint,
            const session_ops_t *ops, void *user, session_t **out)
{
    *out = NULL;
    session_t *s = calloc(1, sizeof *s + name_len + 1);
    if (s == NULL || (s->md = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1) {
        if (s != NULL)
            EVP_MD_CTX_free(s->md);
        free(s);
        return SL_ENOMEM;
    }
    s->sessions = ss;
    s->ops = ops;
    s->user = user;
    memcpy(s->name, name, name_len);
    s->done.cb = on_done;
    s->timeline.start_ns = timeline_now_ns();
    sl_compilation_options_t options = {
        .size_hint = size_hint,
        .on_done = on_compilation_done,
        .user = s,
    };
    int rc = sl_compilation_new(ss->pool, &options, &s->compilation);
    if (rc < 0) {
        session_free(s);
        return rc;
    }
    *out = s;
    return 0;
}
