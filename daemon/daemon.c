/* Start and stop of the daemon, and admission of new connections (see daemon.h). */
#include "daemon.h"

#include <stdlib.h>
#include <string.h>

#include "invoke.h"
#include "log.h"
#include "routes.h"

static void
on_request(void *user, request_t *req)
{
    routes_dispatch(user, req);
}

static void
on_rejected_closed(uv_handle_t *handle)
{
    free(handle);
}

/* Accepts a client only to turn it away: 503 if the socket takes it at once, then close. A full
 * daemon keeps no state for such a client, and an accept that is never made would stall the
 * listener (libuv waits for it before accepting anything else). */
static void
reject(daemon_t *daemon)
{
    uv_tcp_t *client = malloc(sizeof *client);
    if (client == NULL || uv_tcp_init(daemon->loop, client) < 0) {
        free(client);
        LOG(LOG_LEVEL_ERROR, "cannot turn a client away: out of memory");
        return;
    }
    if (listener_accept(&daemon->listener, client) == 0) {
        response_t res;
        char *data;
        size_t size;
        response_init(&res);
        res.connection = "close";
        if (response_error(&res, 503, "the daemon is at max_connections (%llu)",
                           (unsigned long long)daemon->config.max_connections) == 0 &&
            response_render(&res, &data, &size) == 0) {
            uv_buf_t buf = uv_buf_init(data, (unsigned)size);
            uv_try_write((uv_stream_t *)client, &buf, 1); /* best effort: never waits */
            free(data);
        }
        response_fini(&res);
    }
    uv_close((uv_handle_t *)client, on_rejected_closed);
}

static void
on_connection(listener_t *listener)
{
    daemon_t *daemon = listener->user;
    conn_t *conn;

    if (daemon->conns.n_conns >= daemon->config.max_connections) {
        metrics_add(&daemon->metrics, METRIC_http_connections_rejected_total, NULL, 1);
        if (!daemon->is_full)
            LOG(LOG_LEVEL_WARN, "max_connections (%llu) reached: turning clients away with 503",
                (unsigned long long)daemon->config.max_connections);
        daemon->is_full = true;
        reject(daemon);
        return;
    }
    daemon->is_full = false;
    int rc = conn_accept(listener, &daemon->conns, &daemon->conn_options, &conn);
    if (rc == 0)
        metrics_add(&daemon->metrics, METRIC_http_connections_total, NULL, 1);
    if (rc < 0) {
        LOG(LOG_LEVEL_WARN, "cannot accept a connection: %s", uv_strerror(rc));
        if (rc == UV_ENOMEM)
            reject(daemon);
    }
}

void
daemon_init(daemon_t *daemon, uv_loop_t *loop, const config_t *config)
{
    memset(daemon, 0, sizeof *daemon);
    daemon->loop = loop;
    daemon->config = *config;
    metrics_init(&daemon->metrics);
    daemon->conn_options = (conn_options_t){
        .max_header_size = config->max_header_size,
        .max_body_size = config->max_body_size,
        .max_pipelined_requests = config->max_pipelined_requests,
        .idle_timeout_ms = config->idle_timeout_ms,
        .header_timeout_ms = config->header_timeout_ms,
        .body_timeout_ms = config->body_timeout_ms,
        .min_body_rate = config->min_body_rate,
        .metrics = &daemon->metrics,
        .on_request = on_request,
        .user = daemon,
    };
}

int
daemon_start(daemon_t *daemon)
{
    char why[1200];
    int rc = admin_load(&daemon->admin, daemon->config.admin_token_file.text, why, sizeof why);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "%s", why);
        return rc;
    }
    rc = mailbox_init(&daemon->mailbox, daemon->loop);
    if (rc < 0) {
        LOG(LOG_LEVEL_ERROR, "cannot create the mailbox: %s", uv_strerror(rc));
        return rc;
    }
    rc = modules_start(&daemon->modules, daemon->loop, &daemon->config, &daemon->mailbox,
                       &daemon->metrics);
    if (rc < 0)
        return rc;
    rc = listener_start(&daemon->listener, daemon->loop, &daemon->config.listen, on_connection,
                            daemon);
    if (rc < 0) {
        char addr[80];
        config_addr_format(&daemon->config.listen, addr, sizeof addr);
        LOG(LOG_LEVEL_ERROR, "cannot listen on %s: %s", addr, uv_strerror(rc));
        return rc;
    }
    LOG(LOG_LEVEL_INFO, "listening on %s", daemon->listener.url);
    daemon->is_ready = true;
    return 0;
}

/* How long the stop waits for interrupted invocations to come back before closing their
 * connections anyway (wasm code notices an interrupt within microseconds; this is for the rare
 * call stuck outside it, such as a long lazy compile). */
#define STOP_GRACE_MS 1000
#define STOP_POLL_MS 10

static void finish_stop(daemon_t *daemon);

/* Polls, like the upload drain timer, so that invoke.c needs no callback into the daemon. */
static void
on_stop_timer(uv_timer_t *timer)
{
    daemon_t *daemon = timer->data;
    if (invoke_stop(&daemon->modules) == 0 ||
        uv_now(daemon->loop) - daemon->stop_since >= STOP_GRACE_MS)
        finish_stop(daemon);
}

void
daemon_stop(daemon_t *daemon)
{
    if (daemon->is_stopping)
        return;
    daemon->is_stopping = true;
    daemon->is_ready = false;
    listener_close(&daemon->listener);
    /* Invocations first, while their connections can still carry the 503. */
    size_t n_running = invoke_stop(&daemon->modules);
    if (n_running == 0) {
        finish_stop(daemon);
        return;
    }
    LOG(LOG_LEVEL_INFO, "interrupting %zu invocation%s", n_running, n_running == 1 ? "" : "s");
    uv_timer_init(daemon->loop, &daemon->stop_timer);
    daemon->stop_timer.data = daemon;
    daemon->has_stop_timer = true;
    daemon->stop_since = uv_now(daemon->loop);
    uv_timer_start(&daemon->stop_timer, on_stop_timer, STOP_POLL_MS, STOP_POLL_MS);
}

static void
finish_stop(daemon_t *daemon)
{
    if (daemon->has_stop_timer) {
        daemon->has_stop_timer = false;
        uv_close((uv_handle_t *)&daemon->stop_timer, NULL); /* embedded */
    }
    if (daemon->conns.n_conns > 0)
        LOG(LOG_LEVEL_INFO, "closing %zu connection%s", daemon->conns.n_conns,
            daemon->conns.n_conns == 1 ? "" : "s");
    conn_list_close_all(&daemon->conns);
    /* Workers may still post replies for the aborted requests: join them, then deliver what they
     * posted, which frees those requests. */
    if (daemon->stop_workers != NULL)
        daemon->stop_workers(daemon->stop_workers_user);
    modules_stop_workers(&daemon->modules);
    mailbox_close(&daemon->mailbox);
}

void
daemon_fini(daemon_t *daemon)
{
    modules_fini(&daemon->modules);
    metrics_fini(&daemon->metrics);
}
