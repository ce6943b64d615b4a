/* The route table and the handlers small enough to live beside it. */
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "fetch_module.h"
#include "invoke.h"
#include "metrics.h"
#include "modules.h"
#include "upload.h"

static void handle_healthz(daemon_t *daemon, const route_t *route, request_t *req);
static void handle_readyz(daemon_t *daemon, const route_t *route, request_t *req);
static void handle_metrics(daemon_t *daemon, const route_t *route, request_t *req);

#define GET_HEAD (ROUTE_METHOD(HTTP_GET) | ROUTE_METHOD(HTTP_HEAD))
/* Needs the admin token whenever the route takes them. */
#define ADMIN_ALWAYS (ROUTE_METHOD(HTTP_PUT) | ROUTE_METHOD(HTTP_DELETE))

static const route_t routes[] = {
    {"/healthz", GET_HEAD, ADMIN_ALWAYS, handle_healthz, NULL},
    {"/readyz", GET_HEAD, ADMIN_ALWAYS, handle_readyz, NULL},
    {"/metrics", GET_HEAD, ADMIN_ALWAYS, handle_metrics, NULL},
    {"/v1/modules", GET_HEAD, ADMIN_ALWAYS, modules_list_start, NULL},
    {"/v1/modules/{name}", GET_HEAD | ROUTE_METHOD(HTTP_DELETE), ADMIN_ALWAYS, modules_one_start,
     NULL},
    {"/v1/modules/{name}", ROUTE_METHOD(HTTP_PUT), ADMIN_ALWAYS, upload_start, NULL},
    {"/v1/modules/{name}/timeline", GET_HEAD, ADMIN_ALWAYS, modules_timeline_start, NULL},
    {"/v1/modules/{name}/fetch", ROUTE_METHOD(HTTP_POST), ROUTE_METHOD(HTTP_POST),
     fetch_module_start, NULL},
    /* {export?}: the empty export name is a name too (invoke/ with nothing after it) */
    {"/v1/modules/{name}/invoke/{export?}", ROUTE_METHOD(HTTP_POST), ADMIN_ALWAYS, invoke_start,
     NULL},
};

#define N_ROUTES (sizeof routes / sizeof routes[0])

static void
handle_healthz(daemon_t *daemon, const route_t *route, request_t *req)
{
    request_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static void
handle_readyz(daemon_t *daemon, const route_t *route, request_t *req)
{
    if (daemon == NULL || !daemon->is_ready)
        request_reply_error(req, 503, NULL, NULL, "not ready: %s",
                            daemon != NULL && daemon->is_stopping ? "stopping" : "starting");
    else
        request_reply_json(req, 200, json_pack("{s:s}", "status", "ready"));
}

static void
handle_metrics(daemon_t *daemon, const route_t *route, request_t *req)
{
    char *text;
    size_t size;
    if (daemon == NULL) {
        request_reply_error(req, 503, NULL, NULL, "no metrics without a daemon");
        return;
    }
    metrics_set(&daemon->metrics, METRIC_http_connections, NULL, daemon->conns.n_conns);
    if (metrics_render(&daemon->metrics, &text, &size) < 0) {
        request_reply_error(req, 500, NULL, NULL, "out of memory");
        return;
    }
    response_t res;
    response_init(&res);
    response_body(&res, 200, "text/plain; version=0.0.4; charset=utf-8", text, size);
    request_reply(req, &res);
    response_fini(&res);
}

/* The path of a request-target: origin-form up to '?', or the path of an absolute-form
 * ("http://host/path", which servers must accept too). */
static const char *
target_path(const char *target, size_t *len)
{
    if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
        const char *path = strchr(strstr(target, "//") + 2, '/');
        if (path == NULL) {
            *len = 1;
            return "/";
        }
        target = path;
    }
    *len = strcspn(target, "?#");
    return target;
}

bool
routes_match(const char *pattern, const char *path, size_t path_len, request_t *req)
{
    const char *p = path, *end = path + path_len;
    size_t n_params = 0;
    while (*pattern != '\0') {
        if (*pattern == '{') {
            const char *close = strchr(pattern, '}');
            size_t seg = 0;
            while (p + seg < end && p[seg] != '/')
                seg++;
            bool may_be_empty = close != NULL && close > pattern && close[-1] == '?';
            if (close == NULL || (seg == 0 && !may_be_empty) || n_params == REQUEST_MAX_PARAMS)
                return false;
            if (req != NULL) {
                req->params[n_params].at = p;
                req->params[n_params].len = seg;
            }
            n_params++;
            p += seg;
            pattern = close + 1;
        } else {
            if (p == end || *p != *pattern)
                return false;
            p++;
            pattern++;
        }
    }
    if (p != end)
        return false;
    if (req != NULL)
        req->n_params = n_params;
    return true;
}

/* "GET, HEAD": the Allow header for a route. */
static void
format_allow(uint64_t methods, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < 64; m++) {
        if (!(methods & ROUTE_METHOD(m)))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         llhttp_method_name((llhttp_method_t)m));
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

static const route_t *
route_at(const daemon_t *daemon, size_t i)
{
    if (i < N_ROUTES)
        return &routes[i];
    i -= N_ROUTES;
    return daemon != NULL && i < daemon->n_extra_routes ? &daemon->extra_routes[i] : NULL;
}

/* The first row whose pattern matches `path` and that takes `method_bit`, else the first row
 * matching the path (a 405), else NULL (a 404); its params in `req`. Rows may share a pattern,
 * one per handler: `*allowed` gathers the methods of every row matching the path, for Allow. */
static const route_t *
find_route(const daemon_t *daemon, const char *path, size_t len, uint64_t method_bit,
           request_t *req, uint64_t *allowed)
{
    const route_t *found = NULL, *first = NULL;
    *allowed = 0;
    for (size_t i = 0; route_at(daemon, i) != NULL; i++) {
        const route_t *r = route_at(daemon, i);
        if (!routes_match(r->pattern, path, len, NULL))
            continue;
        *allowed |= r->methods;
        if (first == NULL)
            first = r;
        if (found == NULL && (r->methods & method_bit))
            found = r;
    }
    if (found == NULL)
        found = first;
    if (found != NULL)
        routes_match(found->pattern, path, len, req);
    return found;
}

void
routes_dispatch(daemon_t *daemon, request_t *req)
{
    size_t len;
    const char *path = target_path(req->target, &len);
    /* Quoted in error messages: enough to recognise, never the whole of a huge target. */
    int shown = len > 200 ? 200 : (int)len;
    req->path = path;
    req->path_len = len;

    uint64_t bit = req->method >= 0 && req->method < 64 ? ROUTE_METHOD(req->method) : 0;
    uint64_t allowed;
    const route_t *route = find_route(daemon, path, len, bit, req, &allowed);
    if (route == NULL) {
        req->route = "other"; /* never the path itself: clients would choose the series */
        request_reply_error(req, 404, NULL, NULL, "no endpoint at %.*s", shown, path);
        return;
    }
    req->route = route->pattern;
    if (!(route->methods & bit)) {
        response_t res;
        response_init(&res);
        format_allow(allowed, res.allow, sizeof res.allow);
        response_error(&res, 405, "method %s is not allowed on %.*s (allowed: %s)",
                       req->method_name, shown, path, res.allow);
        request_reply(req, &res);
        response_fini(&res);
        return;
    }
    if (route->admin_methods & bit && daemon != NULL) {
        size_t auth_len = 0;
        const char *auth = request_header(req, "authorization", &auth_len);
        int status = admin_check(&daemon->admin, auth, auth_len);
        if (status == 401) {
            response_t res;
            response_init(&res);
            res.authenticate = "Bearer realm=\"slipstream\"";
            response_error(&res, 401, "%s %.*s needs Authorization: Bearer <admin token>",
                           req->method_name, shown, path);
            request_reply(req, &res);
            response_fini(&res);
            return;
        }
        if (status == 403) {
            request_reply_error(req, 403, NULL, NULL, "the admin token is not the right one");
            return;
        }
    }
    route->start(daemon, route, req);
}
