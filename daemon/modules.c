/* The module service's life and its small handlers: list, inspect, delete, timeline (see
 * modules.h). */
#include "modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "invoke.h"
#include "log.h"
#include "routes.h"

/* Executor threads run wasm: the engine's stack check needs room below it to trap in time. */
#define EXECUTOR_STACK_SIZE (8u << 20)

static unsigned
cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

int
modules_start(modules_t *m, uv_loop_t *loop, const config_t *config, mailbox_t *mailbox,
              metrics_t *metrics)
{
    memset(m, 0, sizeof *m);
    m->loop = loop;
    m->config = config;
    m->mailbox = mailbox;
    m->metrics = metrics;
    registry_init(&m->registry);
    m->is_started = true;

    char why[200] = "";
    int rc = sl_cpu_check(why, sizeof why);
    sl_engine_options_t options = {
        .tier = SL_TIER_BASELINE,
        .code_space_size = config->code_space_size,
        .module_code_limit = config->max_module_code,
    };
    if (rc == 0)
        rc = sl_engine_new(&options, &m->engine);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot create the wasm engine: %s%s%s", sl_strerror(rc),
            why[0] ? ": " : "", why);
        return rc;
    }
    sl_engine_set_memory_budget(m->engine, config->invoke_max_total_memory);
    unsigned n = config->compile_threads ? (unsigned)config->compile_threads : cpus();
    rc = sl_compile_pool_new(m->engine, n, &m->pool);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot start %u compile threads: %s", n, sl_strerror(rc));
        return rc;
    }
    n = config->invoke_threads ? (unsigned)config->invoke_threads : cpus();
    rc = executor_start(&m->executor, n, EXECUTOR_STACK_SIZE);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot start %u executor threads: %s", n, strerror(-rc));
        return rc;
    }
    if (config->invoke_idle_instances) {
        rc = instance_cache_init(&m->idle, config->invoke_idle_instances);
        if (rc < 0) {
            LOG(LOG_LEVEL_ERROR, "cannot keep idle instances: %s", sl_strerror(rc));
            return rc;
        }
    }
    sessions_init(&m->sessions, loop, m->pool, mailbox, metrics,
                  &(session_limits_t){.max_module_size = config->max_module_size,
                                      .queue_depth = config->compile_queue_depth});
    validators_init(&m->validators);
    rc = fetcher_init(&m->fetcher, loop);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot start libcurl: %s", sl_strerror(rc));
        return rc;
    }
    m->has_fetcher = true;
    return 0;
}

void
modules_stop_workers(modules_t *m)
{
    if (!m->is_started)
        return;
    if (m->has_fetcher) {
        m->has_fetcher = false;
        fetcher_close(&m->fetcher);
    }
    /* The pool's threads run what is queued (jobs of aborted uploads return at once), and each
     * compilation's done callback posts to the mailbox before the join returns. */
    sl_compile_pool_free(m->pool);
    m->pool = NULL;
    executor_stop(&m->executor);
    sessions_close(&m->sessions);
}

void
modules_fini(modules_t *m)
{
    if (!m->is_started)
        return;
    instance_cache_fini(&m->idle); /* its stores before the engine */
    registry_fini(&m->registry);
    validators_fini(&m->validators);
    if (m->engine != NULL)
        sl_engine_free(m->engine); /* after every module: the registry held the last references */
    m->engine = NULL;
    m->is_started = false;
}

bool
modules_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > MODULES_MAX_NAME)
        return false;
    /* "." and ".." are path segments, not names: clients and proxies normalise them away. */
    bool is_dots = true;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
        is_dots = is_dots && c == '.';
    }
    return !is_dots;
}

/* Whether a module named so may be installed: it replaces one, or the registry holds fewer than
 * [modules] max_modules. Otherwise false with the reason in `why`. */
static bool
has_room(const modules_t *m, const char *name, size_t len, char *why, size_t size)
{
    if (registry_count(&m->registry) < m->config->max_modules ||
        registry_find(&m->registry, name, len) != NULL)
        return true;
    snprintf(why, size, "module limit reached: %llu modules ([modules] max_modules)",
             (unsigned long long)m->config->max_modules);
    return false;
}

bool
modules_reply_if_refused(modules_t *m, request_t *req)
{
    const char *name = req->params[0].at;
    size_t len = req->params[0].len;
    if (!modules_name_ok(name, len)) {
        request_reply_error(req, 400, "bad_name", NULL,
                            "a module name is 1 to %d characters of A-Z a-z 0-9 . _ -, "
                            "not only dots", MODULES_MAX_NAME);
        return true;
    }
    char why[128];
    if (has_room(m, name, len, why, sizeof why))
        return false;
    metrics_add(m->metrics, METRIC_module_upload_failures_total, (const char *[]){"exhausted"}, 1);
    request_reply_error(req, 507, "module_limit", NULL, "%s", why);
    return true;
}

static void
count_failure(modules_t *m, const char *kind)
{
    metrics_add(m->metrics, METRIC_module_upload_failures_total, (const char *[]){kind}, 1);
}

void
modules_install(modules_t *m, session_outcome_t *out)
{
    sl_module_t *module = out->module;
    out->module = NULL;
    char why[128];
    if (!has_room(m, out->name, strlen(out->name), why, sizeof why)) {
        sl_module_unref(module); /* its code goes back to the space at once */
        count_failure(m, "exhausted");
        out->status = 507;
        out->body = response_error_json(507, "module_limit", NULL, why);
        return;
    }
    registry_entry_t *e = registry_entry_new(out->name, module, out->sha256, out->size,
                                             out->timeline);
    bool is_replaced = false;
    const registry_entry_t *old = registry_find(&m->registry, out->name, strlen(out->name));
    if (e != NULL && old != NULL)
        instance_cache_drop(&m->idle, old->module); /* so that its code goes with the entry */
    if (e == NULL || registry_put(&m->registry, e, &is_replaced) < 0) {
        registry_entry_free(e);
        count_failure(m, "internal");
        out->status = 500;
        out->body = response_error_json(500, "internal", NULL, "out of memory");
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
    LOG(LOG_LEVEL_DEBUG, "module %s %s: %llu bytes, %u functions", out->name,
        is_replaced ? "replaced" : "added", (unsigned long long)out->size, t->functions_total);
    out->status = is_replaced ? 200 : 201;
    out->body = registry_entry_json(e);
}

size_t
modules_escape(const char *bytes, size_t len, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        bool is_plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '\'';
        size_t need = is_plain ? 1 : 4;
        if (n + need + (i + 1 < len ? 3 : 0) >= size) { /* room for "..." if more follows */
            if (n + 3 < size)
                n += (size_t)snprintf(buf + n, size - n, "...");
            break;
        }
        if (is_plain) {
            buf[n++] = (char)c;
        } else {
            buf[n++] = '\\';
            buf[n++] = 'x';
            buf[n++] = hex[c >> 4];
            buf[n++] = hex[c & 15];
        }
    }
    if (size > 0)
        buf[n < size ? n : size - 1] = '\0';
    return n;
}

/* The entry of the request's {name}, or NULL after answering 404. */
static registry_entry_t *
find_or_404(modules_t *m, request_t *req)
{
    const char *name = req->params[0].at;
    size_t len = req->params[0].len;
    registry_entry_t *e = modules_name_ok(name, len) ? registry_find(&m->registry, name, len)
                                                     : NULL;
    if (e == NULL)
        request_reply_error(req, 404, "unknown_module", NULL, "no module named '%.*s'",
                            (int)(len > 128 ? 128 : len), name);
    return e;
}

void
modules_list_start(daemon_t *daemon, const route_t *route, request_t *req)
{
    modules_t *m = &daemon->modules;
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < registry_count(&m->registry); i++) {
        const registry_entry_t *e = registry_at(&m->registry, i);
        json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "name", e->name, "size",
                                              (json_int_t)e->size, "sha256", e->sha256));
    }
    request_reply_json(req, 200, list != NULL ? json_pack("{s:o}", "modules", list) : NULL);
}

void
modules_one_start(daemon_t *daemon, const route_t *route, request_t *req)
{
    modules_t *m = &daemon->modules;
    registry_entry_t *e = find_or_404(m, req);
    if (e == NULL)
        return;
    if (req->method == HTTP_DELETE) {
        instance_cache_drop(&m->idle, e->module); /* so that its code goes with the entry */
        registry_remove(&m->registry, e->name, strlen(e->name));
        metrics_set(m->metrics, METRIC_modules, NULL, registry_count(&m->registry));
        response_t res;
        response_init(&res);
        res.status = 204;
        request_reply(req, &res);
        response_fini(&res);
        return;
    }
    request_reply_json(req, 200, registry_entry_json(e));
}

/* True when the query string has format=trace. */
static bool
wants_trace(const request_t *req)
{
    const char *q = strchr(req->target, '?');
    if (q == NULL)
        return false;
    for (const char *p = q + 1; *p != '\0';) {
        size_t len = strcspn(p, "&#");
        if (len == 12 && strncmp(p, "format=trace", 12) == 0)
            return true;
        p += len;
        if (*p != '&')
            break;
        p++;
    }
    return false;
}

void
modules_timeline_start(daemon_t *daemon, const route_t *route, request_t *req)
{
    registry_entry_t *e = find_or_404(&daemon->modules, req);
    if (e == NULL)
        return;
    if (wants_trace(req))
        request_reply_json(req, 200, timeline_trace(&e->timeline, e->name));
    else
        request_reply_json(req, 200, timeline_json(&e->timeline));
}
