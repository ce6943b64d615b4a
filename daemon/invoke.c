/* Invocations of exported functions (see invoke.h). */
#include "invoke.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "routes.h"
#include "values.h"
#include "vec.h"

/* Arguments are a JSON array: this bounds what one request may make the loop parse. */
#define MAX_ARGS_BODY (1u << 20)
/* Bytes of an export name as quoted in a message (escaped: modules_escape). */
#define EXPORT_SHOWN 160

#define STOPPING_MESSAGE "the daemon is stopping"

typedef struct invocation {
    executor_job_t work;
    mailbox_item_t done;
    uv_timer_t queue_timer; /* [invoke] queue_timeout_ms from the submit; freed in its close */
    modules_t *modules;
    struct invocation *prev, *next; /* modules->invocations, loop thread */
    request_t *req;
    sl_module_t *module; /* a reference of its own */
    char *export_name;   /* percent-decoded */
    size_t export_len;
    sl_func_sig_t sig;
    bytebuf_t body; /* the JSON arguments, at most MAX_ARGS_BODY bytes */
    sl_value_t *args;
    sl_value_t *results;
    uint64_t timeout_ns;
    uint64_t queued_ns; /* uv_hrtime at the submit; loop thread */
    /* Between the loop thread, which cancels (a client gone, the daemon stopping), and the
     * executor thread, which publishes the store it runs in. The store is the executor's: it is
     * freed only after being unpublished under the lock, so an interrupt never meets a freed
     * one. */
    pthread_mutex_t lock;
    sl_store_t *store;  /* under lock */
    bool is_cancelled;  /* under lock */
    /* written by the executor thread, read after the mailbox hands it back */
    int rc;
    sl_trap_t trap;
    char why[200];
    uint64_t started_ns; /* uv_hrtime when a worker took it */
    /* loop thread */
    bool is_submitted;   /* with the executor, queued or running, until on_done */
    bool is_aborted;
    bool is_stopped;     /* the daemon is stopping: answered 503 unless it completes */
} invocation_t;

static void
on_timer_closed(uv_handle_t *handle)
{
    invocation_t *inv = handle->data;
    pthread_mutex_destroy(&inv->lock);
    free(inv);
}

static void
invocation_free(invocation_t *inv)
{
    modules_t *m = inv->modules;
    m->n_invocations--;
    if (inv->prev != NULL)
        inv->prev->next = inv->next;
    else
        m->invocations = inv->next;
    if (inv->next != NULL)
        inv->next->prev = inv->prev;
    sl_module_unref(inv->module);
    free(inv->export_name);
    bytebuf_fini(&inv->body);
    free(inv->args);
    free(inv->results);
    uv_close((uv_handle_t *)&inv->queue_timer, on_timer_closed);
}

/* ---- on an executor thread ------------------------------------------------------------------- */

/* Makes `store` (or none) the one a cancel interrupts; true if the invocation was cancelled. */
static bool
publish(invocation_t *inv, sl_store_t *store)
{
    pthread_mutex_lock(&inv->lock);
    inv->store = store;
    bool is_cancelled = inv->is_cancelled;
    pthread_mutex_unlock(&inv->lock);
    return is_cancelled;
}

static void
run(executor_job_t *job)
{
    invocation_t *inv = (invocation_t *)((char *)job - offsetof(invocation_t, work));
    sl_store_t *store = NULL;
    sl_instance_t *instance = NULL;
    sl_error_t err;
    sl_extern_t ext;
    memset(&err, 0, sizeof err);
    inv->started_ns = uv_hrtime();

    instance_cache_t *idle = inv->modules->idle.entries ? &inv->modules->idle : NULL;
    bool is_reused = idle && instance_cache_take(idle, inv->module, &store, &instance);
    inv->rc = is_reused ? 0 : sl_store_new(inv->modules->engine, &store);
    if (inv->rc == 0 && !is_reused)
        sl_store_set_limits(store, &(sl_store_limits_t){
                                       .max_memory = inv->modules->config->invoke_max_memory});
    /* Armed before instantiation: a start function that loops is cut off as well. Published
     * after it, since setting a deadline drops an interrupt already pending. */
    if (inv->rc == 0)
        inv->rc = sl_store_set_deadline(store, inv->timeout_ns);
    if (inv->rc == 0 && publish(inv, store))
        inv->rc = SL_EABORTED; /* cancelled before it started: nothing to run for */
    if (inv->rc == 0 && !is_reused)
        inv->rc = sl_instance_new(store, inv->module, NULL, 0, &instance, &err, &inv->trap);
    if (inv->rc == 0)
        inv->rc = sl_instance_export(instance, inv->export_name, inv->export_len, &ext);
    if (inv->rc == 0)
        inv->rc = sl_func_call(ext.of.func, inv->args, inv->sig.n_params, inv->results,
                               inv->sig.n_results, &inv->trap);
    if (inv->rc < 0 && inv->rc != SL_ETRAP)
        snprintf(inv->why, sizeof inv->why, "%s", err.message[0] ? err.message
                                                                 : sl_strerror(inv->rc));
    publish(inv, NULL);
    /* Clearing the deadline also drops an interrupt from a cancel that came after the call. */
    if (idle && inv->rc == 0 && sl_store_set_deadline(store, 0) == 0)
        instance_cache_put(idle, inv->module, store, instance); /* a trapped one is dropped */
    else
        sl_store_free(store);
    mailbox_post(inv->modules->mailbox, &inv->done);
}

/* ---- on the loop thread ---------------------------------------------------------------------- */

/* "integer divide by zero" -> "integer_divide_by_zero": a label from the closed set of trap
 * messages (traps.def). */
static void
trap_label(const char *message, char *buf, size_t size)
{
    size_t i = 0;
    for (; message[i] != '\0' && i + 1 < size; i++)
        buf[i] = message[i] == ' ' ? '_' : message[i];
    buf[i] = '\0';
}

static void
count(modules_t *m, const char *result)
{
    metrics_add(m->metrics, METRIC_invocations_total, (const char *[]){result}, 1);
}

/* Rendered by hand: value_format gives each value's exact text (values.h). */
static void
reply_results(invocation_t *inv)
{
    size_t size = 16 + (size_t)inv->sig.n_results * (VALUE_JSON_MAX + 1);
    char *text = malloc(size);
    if (text == NULL) {
        request_reply_error(inv->req, 500, "internal", NULL, "out of memory");
        return;
    }
    size_t used = (size_t)snprintf(text, size, "{\"results\":[");
    for (uint32_t i = 0; i < inv->sig.n_results; i++) {
        char value[VALUE_JSON_MAX];
        value_format(&inv->results[i], value, sizeof value);
        used += (size_t)snprintf(text + used, size - used, "%s%s", i > 0 ? "," : "", value);
    }
    used += (size_t)snprintf(text + used, size - used, "]}");
    count(inv->modules, "ok");
    response_t res;
    response_init(&res);
    response_body(&res, 200, NULL, text, used);
    request_reply(inv->req, &res);
    response_fini(&res);
}

static void
fail(invocation_t *inv, int status, const char *code, const char *message)
{
    count(inv->modules, "error");
    request_reply_error(inv->req, status, code, NULL, "%s", message);
    invocation_free(inv);
}

static void
observe_queue(modules_t *m, uint64_t waited_ns)
{
    metrics_observe(m->metrics, METRIC_invocation_queue_seconds, NULL, (double)waited_ns / 1e9);
}

static void
on_done(mailbox_item_t *item)
{
    invocation_t *inv = (invocation_t *)((char *)item - offsetof(invocation_t, done));
    modules_t *m = inv->modules;
    inv->is_submitted = false;
    uv_timer_stop(&inv->queue_timer);
    observe_queue(m, inv->started_ns - inv->queued_ns);
    metrics_set(m->metrics, METRIC_wasm_memory_committed_bytes, NULL,
                sl_engine_memory_committed(m->engine));
    if (inv->is_aborted) {
        request_release(inv->req);
    } else if (inv->is_stopped && inv->rc != 0) {
        fail(inv, 503, "stopping", STOPPING_MESSAGE); /* cut short by the stop, not its fault */
        return;
    } else if (inv->rc == 0) {
        reply_results(inv);
    } else if (inv->rc == SL_ETRAP) {
        const char *message =
            inv->trap.message[0] ? inv->trap.message : sl_trap_message(inv->trap.code);
        char label[64];
        trap_label(message, label, sizeof label);
        metrics_add(m->metrics, METRIC_traps_total, (const char *[]){label}, 1);
        count(m, "trap");
        json_t *extra = inv->trap.func_index != SL_NO_INDEX
                            ? json_pack("{s:I}", "function", (json_int_t)inv->trap.func_index)
                            : NULL;
        request_reply_error(inv->req, 422, "trap", extra, "%s", message);
    } else {
        count(m, "error");
        request_reply_error(inv->req, response_error_status(inv->rc, true), sl_err_kind(inv->rc),
                            NULL, "cannot run the export: %s", inv->why);
    }
    invocation_free(inv);
}

/* Takes a submitted invocation off the executor's queue: true if it was still there (it never
 * runs); false if a worker has it. */
static bool
dequeue(invocation_t *inv)
{
    if (!executor_cancel(&inv->modules->executor, &inv->work))
        return false;
    inv->is_submitted = false;
    uv_timer_stop(&inv->queue_timer);
    observe_queue(inv->modules, uv_hrtime() - inv->queued_ns);
    return true;
}

/* Ends a submitted invocation early: true if it was still queued (answer or release it now);
 * false if it is running, now interrupted: it comes back through on_done promptly, which frees
 * its [invoke] max_concurrent slot. */
static bool
cancel(invocation_t *inv)
{
    if (dequeue(inv))
        return true;
    pthread_mutex_lock(&inv->lock);
    inv->is_cancelled = true;
    if (inv->store != NULL)
        sl_store_interrupt(inv->store);
    pthread_mutex_unlock(&inv->lock);
    return false;
}

static void
on_queue_timeout(uv_timer_t *timer)
{
    invocation_t *inv = timer->data;
    if (!dequeue(inv))
        return; /* a worker took it meanwhile: its [invoke] timeout_ms deadline runs now */
    metrics_add(inv->modules->metrics, METRIC_invocation_queue_timeouts_total, NULL, 1);
    char why[160];
    snprintf(why, sizeof why,
             "no executor thread was free within %llu ms ([invoke] queue_timeout_ms); not run",
             (unsigned long long)inv->modules->config->invoke_queue_timeout_ms);
    fail(inv, 503, "queue_timeout", why);
}

/* Parses the body into inv->args; false after answering 400. */
static bool
parse_args(invocation_t *inv)
{
    json_error_t jerr;
    json_t *json = json_loadb(inv->body.len ? (const char *)inv->body.items : "", inv->body.len, 0,
                              &jerr);
    char why[300];
    if (json == NULL) {
        snprintf(why, sizeof why, "the arguments are not JSON: %s (at byte %d)", jerr.text,
                 jerr.position);
        fail(inv, 400, "bad_arguments", why);
        return false;
    }
    if (!json_is_array(json)) {
        json_decref(json);
        fail(inv, 400, "bad_arguments", "the arguments must be a JSON array");
        return false;
    }
    if (json_array_size(json) != inv->sig.n_params) {
        char shown[EXPORT_SHOWN];
        modules_escape(inv->export_name, inv->export_len, shown, sizeof shown);
        snprintf(why, sizeof why, "'%s' takes %u argument%s, got %zu", shown, inv->sig.n_params,
                 inv->sig.n_params == 1 ? "" : "s", json_array_size(json));
        json_decref(json);
        fail(inv, 400, "bad_arguments", why);
        return false;
    }
    for (uint32_t i = 0; i < inv->sig.n_params; i++) {
        char detail[160];
        if (value_from_json(json_array_get(json, i), inv->sig.params[i], &inv->args[i], detail,
                            sizeof detail) < 0) {
            snprintf(why, sizeof why, "argument %u: %s", i, detail);
            json_decref(json);
            fail(inv, 400, "bad_arguments", why);
            return false;
        }
    }
    json_decref(json);
    return true;
}

static void
on_chunk(request_t *req, const char *data, size_t size)
{
    invocation_t *inv = req->user;
    int rc = bytebuf_append(&inv->body, data, size, MAX_ARGS_BODY);
    if (rc == SL_ELIMIT) {
        count(inv->modules, "error");
        request_reply_error(req, 413, "too_large", NULL, "arguments over %u bytes", MAX_ARGS_BODY);
        invocation_free(inv);
    } else if (rc < 0) {
        fail(inv, 500, "internal", "out of memory");
    }
}

static void
on_end(request_t *req)
{
    invocation_t *inv = req->user;
    if (!parse_args(inv))
        return;
    if (inv->is_stopped) {
        fail(inv, 503, "stopping", STOPPING_MESSAGE);
        return;
    }
    inv->is_submitted = true;
    inv->queued_ns = uv_hrtime();
    uv_timer_start(&inv->queue_timer, on_queue_timeout,
                   inv->modules->config->invoke_queue_timeout_ms, 0);
    executor_submit(&inv->modules->executor, &inv->work);
}

static void
on_abort(request_t *req, int reason)
{
    invocation_t *inv = req->user;
    if (inv->is_submitted && !cancel(inv)) {
        inv->is_aborted = true; /* interrupted, but the executor still has it: release at done */
        return;
    }
    request_release(req);
    invocation_free(inv);
}

static const request_body_handler_t invoke_body = {
    .on_chunk = on_chunk,
    .on_end = on_end,
    .on_abort = on_abort,
};

static int
hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decodes a path segment: export names are bytes (any UTF-8, NUL included, or none at
 * all), so the result is used with its length only. NULL on a bad escape. */
static char *
decode_segment(const char *at, size_t len, size_t *out_len)
{
    char *out = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; out != NULL && i < len; i++) {
        if (at[i] != '%') {
            out[n++] = at[i];
            continue;
        }
        int hi = i + 2 < len ? hex_value(at[i + 1]) : -1;
        int lo = i + 2 < len ? hex_value(at[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[n++] = (char)(hi << 4 | lo);
        i += 2;
    }
    if (out != NULL)
        out[n] = '\0';
    *out_len = n;
    return out;
}

/* The function export named so, or -1. */
static int64_t
find_export(const sl_module_t *module, const char *name, size_t len, bool *is_other_kind)
{
    *is_other_kind = false;
    uint32_t n = sl_module_n_exports(module);
    for (uint32_t i = 0; i < n; i++) {
        sl_export_info_t info;
        if (sl_module_export(module, i, &info) < 0 || info.name_len != len ||
            memcmp(info.name, name, len) != 0)
            continue;
        if (info.kind == SL_EXTERN_FUNC)
            return info.index;
        *is_other_kind = true;
    }
    return -1;
}

void
invoke_start(daemon_t *daemon, const route_t *route, request_t *req)
{
    modules_t *m = &daemon->modules;
    const char *name = req->params[0].at;
    size_t name_len = req->params[0].len;
    registry_entry_t *e =
        modules_name_ok(name, name_len) ? registry_find(&m->registry, name, name_len) : NULL;
    if (e == NULL) {
        request_reply_error(req, 404, "unknown_module", NULL, "no module named '%.*s'",
                            (int)(name_len > 128 ? 128 : name_len), name);
        return;
    }
    size_t export_len;
    char *export_name = decode_segment(req->params[1].at, req->params[1].len, &export_len);
    if (export_name == NULL) {
        request_reply_error(req, 400, "bad_export", NULL, "bad percent-encoding in the export");
        return;
    }
    bool is_other_kind;
    int64_t func = find_export(e->module, export_name, export_len, &is_other_kind);
    if (func < 0) {
        char shown[EXPORT_SHOWN];
        modules_escape(export_name, export_len, shown, sizeof shown);
        request_reply_error(req, is_other_kind ? 400 : 404,
                            is_other_kind ? "not_a_function" : "unknown_export", NULL,
                            "%s '%s' in module %s", is_other_kind ? "not a function:" : "no export",
                            shown, e->name);
        free(export_name);
        return;
    }
    if (sl_module_n_imports(e->module) > 0) {
        free(export_name);
        request_reply_error(req, 422, "module_has_imports", NULL,
                            "module has imports: the daemon cannot provide them yet");
        return;
    }
    if (daemon->is_stopping) {
        free(export_name);
        request_reply_error(req, 503, "stopping", NULL, STOPPING_MESSAGE);
        return;
    }
    if (m->n_invocations >= m->config->invoke_max_concurrent) {
        free(export_name);
        request_reply_error(req, 429, "too_many_invocations", NULL,
                            "%llu invocations are in progress (invoke max_concurrent)",
                            (unsigned long long)m->n_invocations);
        return;
    }

    invocation_t *inv = calloc(1, sizeof *inv);
    if (inv == NULL) {
        free(export_name);
        request_reply_error(req, 500, "internal", NULL, "out of memory");
        return;
    }
    pthread_mutex_init(&inv->lock, NULL);
    uv_timer_init(m->loop, &inv->queue_timer);
    inv->queue_timer.data = inv;
    inv->next = m->invocations;
    if (m->invocations != NULL)
        m->invocations->prev = inv;
    m->invocations = inv;
    m->n_invocations++;
    inv->modules = m;
    inv->req = req;
    inv->export_name = export_name;
    inv->export_len = export_len;
    inv->module = sl_module_ref(e->module);
    inv->timeout_ns = m->config->invoke_timeout_ms * 1000000u;
    inv->work.run = run;
    inv->done.cb = on_done;
    sl_module_func_sig(inv->module, (uint32_t)func, &inv->sig);
    inv->args = calloc(inv->sig.n_params + 1, sizeof *inv->args);
    inv->results = calloc(inv->sig.n_results + 1, sizeof *inv->results);
    if (inv->args == NULL || inv->results == NULL) {
        fail(inv, 500, "internal", "out of memory");
        return;
    }
    request_set_body(req, &invoke_body, inv);
}

size_t
invoke_stop(modules_t *m)
{
    for (invocation_t *inv = m->invocations; inv != NULL; inv = inv->next)
        inv->is_stopped = true;
again:
    for (invocation_t *inv = m->invocations; inv != NULL; inv = inv->next) {
        if (inv->is_submitted && cancel(inv)) {
            fail(inv, 503, "stopping", STOPPING_MESSAGE);
            goto again; /* the answer may have let its connection end other invocations */
        }
    }
    size_t n_running = 0;
    for (invocation_t *inv = m->invocations; inv != NULL; inv = inv->next)
        n_running += inv->is_submitted;
    return n_running;
}
