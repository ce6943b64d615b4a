/* The route table and the handlers small enough to live beside it. */
#include "routes.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef void (*route_handler_cb)(daemon_t *daemon, const http_request_t *req, response_t *res);

#define METHOD_BIT(m) (UINT64_C(1) << (m))

typedef struct route {
    const char *path;
    uint64_t methods; /* METHOD_BIT of each llhttp method the handler takes */
    route_handler_cb handler;
} route_t;

static void handle_healthz(daemon_t *daemon, const http_request_t *req, response_t *res);

/* HEAD goes to the GET handler; the connection drops the body. */
static const route_t routes[] = {
    {"/healthz", METHOD_BIT(HTTP_GET) | METHOD_BIT(HTTP_HEAD), handle_healthz},
};

#define N_ROUTES (sizeof routes / sizeof routes[0])

static void
handle_healthz(daemon_t *daemon, const http_request_t *req, response_t *res)
{
    json_t *body = json_pack("{s:s}", "status", "ok");
    if (body == NULL || response_json(res, 200, body) < 0)
        response_error(res, 500, "out of memory");
    json_decref(body);
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

/* "GET, HEAD": the Allow header for a route. */
static void
format_allow(uint64_t methods, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < 64; m++) {
        if (!(methods & METHOD_BIT(m)))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         llhttp_method_name((llhttp_method_t)m));
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

void
routes_dispatch(daemon_t *daemon, const http_request_t *req, response_t *res)
{
    size_t len;
    const char *path = target_path(req->target, &len);
    /* Quoted in error messages: enough to recognise, never the whole of a huge target. */
    int shown = len > 200 ? 200 : (int)len;

    for (size_t i = 0; i < N_ROUTES; i++) {
        const route_t *route = &routes[i];
        if (strlen(route->path) != len || memcmp(route->path, path, len) != 0)
            continue;
        if (req->method < 0 || req->method >= 64 || !(route->methods & METHOD_BIT(req->method))) {
            format_allow(route->methods, res->allow, sizeof res->allow);
            response_error(res, 405, "method %s is not allowed on %.*s (allowed: %s)",
                           req->method_name, shown, path, res->allow);
            return;
        }
        route->handler(daemon, req, res);
        return;
    }
    response_error(res, 404, "no endpoint at %.*s", shown, path);
}
