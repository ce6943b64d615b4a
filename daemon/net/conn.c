/* Connection state machine (see the diagram in conn.h). */
#include "conn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum {
    /* One read's worth; a request head larger than this simply takes several reads. */
    READ_BUFFER_SIZE = 16384,
    /* How long the last response gets to be read before the socket is closed anyway. */
    LINGER_MS = 2000,
};

enum conn_state {
    CONN_IDLE,       /* kept alive between requests */
    CONN_HEAD,       /* before a request's headers are complete */
    CONN_BODY,       /* reading a request body */
    CONN_RESPONDING, /* a response is being written; parser paused, not reading */
    CONN_LINGER,     /* last response written, write side shut down; input is dropped */
    CONN_CLOSING,    /* uv_close called */
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shutdown_req;
    http_t http;
    const conn_options_t *options;
    conn_list_t *list;
    conn_t *prev;
    conn_t *next;
    enum conn_state state;
    bool is_reading;
    bool is_last;      /* close after the response being written */
    int n_open;        /* handles not closed yet: the conn is freed when it drops to 0 */
    unsigned n_writes; /* writes in flight */
    /* Read buffer: allocated for a read, kept only while it holds unparsed bytes (the parser is
     * paused on a pipelined request), so an idle connection holds no buffer. */
    char *rbuf;
    size_t r_off;
    size_t r_len;
};

typedef struct write_req {
    uv_write_t req;
    char *data;
} write_req_t;

static void process(conn_t *conn);

/* ---- list and close -------------------------------------------------------------------------- */

static void
list_link(conn_list_t *list, conn_t *conn)
{
    conn->list = list;
    conn->prev = NULL;
    conn->next = list->head;
    if (list->head != NULL)
        list->head->prev = conn;
    list->head = conn;
    list->n_conns++;
}

static void
list_unlink(conn_t *conn)
{
    conn_list_t *list = conn->list;
    if (conn->prev != NULL)
        conn->prev->next = conn->next;
    else
        list->head = conn->next;
    if (conn->next != NULL)
        conn->next->prev = conn->prev;
    list->n_conns--;
}

static void
on_close(uv_handle_t *handle)
{
    conn_t *conn = handle->data;
    if (--conn->n_open > 0)
        return;
    list_unlink(conn);
    http_fini(&conn->http);
    free(conn->rbuf);
    free(conn);
}

void
conn_close(conn_t *conn)
{
    if (conn->state == CONN_CLOSING)
        return;
    conn->state = CONN_CLOSING;
    uv_close((uv_handle_t *)&conn->tcp, on_close);
    uv_close((uv_handle_t *)&conn->timer, on_close);
}

void
conn_list_close_all(conn_list_t *list)
{
    /* Nothing is unlinked before the close callbacks run, so the walk is safe. */
    for (conn_t *conn = list->head; conn != NULL; conn = conn->next)
        conn_close(conn);
}

/* ---- timers and reading ---------------------------------------------------------------------- */

static void on_timeout(uv_timer_t *timer);

static void
arm(conn_t *conn, uint64_t ms)
{
    uv_timer_start(&conn->timer, on_timeout, ms, 0);
}

static void
enter(conn_t *conn, enum conn_state state)
{
    conn->state = state;
    switch (state) {
    case CONN_HEAD:
        arm(conn, conn->options->header_timeout_ms);
        break;
    case CONN_IDLE:
    case CONN_BODY:
    case CONN_RESPONDING:
        arm(conn, conn->options->idle_timeout_ms);
        break;
    case CONN_LINGER:
        arm(conn, conn->options->idle_timeout_ms < LINGER_MS ? conn->options->idle_timeout_ms
                                                             : LINGER_MS);
        break;
    case CONN_CLOSING:
        break;
    }
}

static void
release_buffer(conn_t *conn)
{
    if (conn->r_len == 0) {
        free(conn->rbuf);
        conn->rbuf = NULL;
        conn->r_off = 0;
    }
}

static void
on_alloc(uv_handle_t *handle, size_t suggested_size, uv_buf_t *buf)
{
    conn_t *conn = handle->data;
    /* Reading only runs while nothing is buffered, so the whole buffer is free here. */
    if (conn->rbuf == NULL)
        conn->rbuf = malloc(READ_BUFFER_SIZE);
    *buf = uv_buf_init(conn->rbuf, conn->rbuf != NULL ? READ_BUFFER_SIZE : 0);
}

static void
on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *conn = stream->data;
    if (nread > 0 && conn->state != CONN_LINGER) {
        conn->r_off = 0;
        conn->r_len = (size_t)nread;
        if (conn->state == CONN_BODY)
            arm(conn, conn->options->idle_timeout_ms);
        process(conn);
        return;
    }
    if (nread >= 0) { /* nothing read, or input after the last response: dropped */
        release_buffer(conn);
        return;
    }
    if (nread != UV_EOF)
        LOG(LOG_LEVEL_DEBUG, "connection read: %s", uv_strerror((int)nread));
    conn_close(conn);
}

static void
update_reading(conn_t *conn)
{
    bool is_wanted = conn->state == CONN_IDLE || conn->state == CONN_HEAD ||
                     conn->state == CONN_BODY || conn->state == CONN_LINGER;
    if (is_wanted && !conn->is_reading) {
        int rc = uv_read_start((uv_stream_t *)&conn->tcp, on_alloc, on_read);
        if (rc < 0) {
            LOG(LOG_LEVEL_DEBUG, "connection read start: %s", uv_strerror(rc));
            conn_close(conn);
            return;
        }
        conn->is_reading = true;
    } else if (!is_wanted && conn->is_reading) {
        uv_read_stop((uv_stream_t *)&conn->tcp);
        conn->is_reading = false;
    }
}

/* ---- writing --------------------------------------------------------------------------------- */

static void
on_shutdown(uv_shutdown_t *req, int status)
{
    conn_t *conn = req->handle->data;
    if (status < 0 && conn->state != CONN_CLOSING)
        conn_close(conn);
}

/* After the last response: FIN, then drop input until the client closes or LINGER_MS passes. */
static void
linger(conn_t *conn)
{
    enter(conn, CONN_LINGER);
    conn->r_len = 0;
    release_buffer(conn);
    int rc = uv_shutdown(&conn->shutdown_req, (uv_stream_t *)&conn->tcp, on_shutdown);
    if (rc < 0) {
        conn_close(conn);
        return;
    }
    update_reading(conn);
}

static void
on_write(uv_write_t *req, int status)
{
    write_req_t *w = (write_req_t *)req;
    conn_t *conn = req->handle->data;
    free(w->data);
    free(w);
    conn->n_writes--;

    if (status < 0) { /* cancelled by a close, or the client went away */
        if (conn->state != CONN_CLOSING) {
            LOG(LOG_LEVEL_DEBUG, "connection write: %s", uv_strerror(status));
            conn_close(conn);
        }
        return;
    }
    if (conn->n_writes > 0 || conn->state != CONN_RESPONDING)
        return; /* an interim 100 Continue, or more to go */
    if (conn->is_last) {
        linger(conn);
        return;
    }
    enter(conn, CONN_IDLE);
    http_resume(&conn->http);
    process(conn);
}

/* Takes ownership of `data`. */
static int
write_buffer(conn_t *conn, char *data, size_t size)
{
    write_req_t *w = malloc(sizeof *w);
    if (w == NULL) {
        free(data);
        return UV_ENOMEM;
    }
    w->data = data;
    uv_buf_t buf = uv_buf_init(data, (unsigned)size);
    int rc = uv_write(&w->req, (uv_stream_t *)&conn->tcp, &buf, 1, on_write);
    if (rc < 0) {
        free(data);
        free(w);
        return rc;
    }
    conn->n_writes++;
    return 0;
}

/* Sends `res` as the answer to the current request and waits for it to be written. */
static void
respond(conn_t *conn, response_t *res, bool is_head, bool is_keep_alive_explicit)
{
    char *data;
    size_t size;

    if (conn->is_last)
        res->connection = "close";
    else if (is_keep_alive_explicit)
        res->connection = "keep-alive";
    res->is_head = is_head;

    if (response_render(res, &data, &size) < 0) {
        LOG(LOG_LEVEL_WARN, "cannot render a %d response: out of memory", res->status);
        conn_close(conn);
        return;
    }
    int rc = write_buffer(conn, data, size);
    if (rc < 0) {
        LOG(LOG_LEVEL_DEBUG, "cannot send a response: %s", uv_strerror(rc));
        conn_close(conn);
        return;
    }
    enter(conn, CONN_RESPONDING);
    update_reading(conn);
}

static void
respond_error(conn_t *conn, int status, const char *prefix, const char *message)
{
    response_t res;
    response_init(&res);
    conn->is_last = true;
    if (response_error(&res, status, "%s%s", prefix, message) == 0)
        respond(conn, &res, false, false);
    else
        conn_close(conn);
    response_fini(&res);
}

/* ---- parsing --------------------------------------------------------------------------------- */

static void
on_begin(http_t *http)
{
    conn_t *conn = http->user;
    /* A new connection is already in HEAD: its deadline runs from the connect, so waiting before
     * the first byte does not buy a client more time. */
    if (conn->state != CONN_HEAD)
        enter(conn, CONN_HEAD);
}

static void
on_head(http_t *http, http_request_t *req)
{
    conn_t *conn = http->user;
    enter(conn, CONN_BODY);
    /* Bodies are read whatever the answer will be, so say so rather than make the client wait
     * for its Expect timeout. HTTP/1.0 clients do not know 1xx responses. */
    if (req->expects_continue && req->http_major == 1 && req->http_minor >= 1) {
        static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
        char *data = malloc(sizeof interim - 1);
        if (data != NULL)
            memcpy(data, interim, sizeof interim - 1);
        if (data == NULL || write_buffer(conn, data, sizeof interim - 1) < 0)
            conn_close(conn);
    }
}

static void
on_request(http_t *http, http_request_t *req)
{
    conn_t *conn = http->user;
    if (conn->state == CONN_CLOSING)
        return;

    response_t res;
    response_init(&res);
    conn->options->on_request(conn->options->user, req, &res);
    conn->is_last = !req->is_keep_alive;
    /* An HTTP/1.0 client keeps the connection only when told that the server does too. */
    bool is_explicit = req->is_keep_alive && req->http_major == 1 && req->http_minor == 0;
    LOG(LOG_LEVEL_DEBUG, "%s %s HTTP/%u.%u: %d", req->method_name, req->target, req->http_major,
        req->http_minor, res.status);
    respond(conn, &res, req->method == HTTP_HEAD, is_explicit);
    response_fini(&res);
}

static const http_handlers_t handlers = {
    .on_begin = on_begin,
    .on_head = on_head,
    .on_request = on_request,
};

/* Parses buffered input until it runs out or a request is being answered. */
static void
process(conn_t *conn)
{
    while (conn->r_len > 0 && conn->state <= CONN_BODY) {
        size_t n_used;
        int rc = http_feed(&conn->http, conn->rbuf + conn->r_off, conn->r_len, &n_used);
        conn->r_off += n_used;
        conn->r_len -= n_used;
        if (rc < 0) {
            LOG(LOG_LEVEL_DEBUG, "bad request: %d %s", conn->http.error_status,
                conn->http.error_message);
            conn->r_len = 0;
            if (conn->state != CONN_CLOSING)
                respond_error(conn, conn->http.error_status,
                              conn->http.error_status == 400 ? "malformed HTTP request: " : "",
                              conn->http.error_message);
        }
    }
    if (conn->state == CONN_CLOSING)
        return;
    release_buffer(conn);
    update_reading(conn);
}

static void
on_timeout(uv_timer_t *timer)
{
    conn_t *conn = timer->data;
    if (conn->state == CONN_HEAD && conn->http.is_in_request) {
        LOG(LOG_LEVEL_DEBUG, "request head timed out");
        conn->r_len = 0;
        respond_error(conn, 408, "", "request line and headers took longer than header_timeout_ms");
        return;
    }
    conn_close(conn);
}

/* ---- accept ---------------------------------------------------------------------------------- */

int
conn_accept(listener_t *listener, conn_list_t *list, const conn_options_t *options, conn_t **out)
{
    uv_loop_t *loop = listener->tcp.loop;
    conn_t *conn = calloc(1, sizeof *conn);
    if (conn == NULL)
        return UV_ENOMEM;

    int rc = uv_tcp_init(loop, &conn->tcp);
    if (rc < 0) {
        free(conn);
        return rc;
    }
    uv_timer_init(loop, &conn->timer);
    conn->tcp.data = conn;
    conn->timer.data = conn;
    conn->n_open = 2;
    conn->options = options;
    list_link(list, conn);
    http_init(&conn->http, options->max_header_size, &handlers, conn);

    rc = listener_accept(listener, &conn->tcp);
    if (rc < 0) {
        conn_close(conn);
        return rc;
    }
    /* A response is one write; Nagle would only hold its tail back for the client's ACK. */
    uv_tcp_nodelay(&conn->tcp, 1);
    enter(conn, CONN_HEAD);
    update_reading(conn);
    *out = conn;
    return 0;
}
