/* Connection state machine and request queue (see the diagrams in conn.h). */
#include "conn.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "slipstream.h"

enum {
    /* One read's worth; a request head larger than this simply takes several reads. */
    READ_BUFFER_SIZE = 16384,
    /* How long the last response gets to be read before the socket is closed anyway. */
    LINGER_MS = 2000,
};

enum conn_phase {
    PHASE_IDLE,    /* between requests */
    PHASE_HEAD,    /* before a request's headers are complete */
    PHASE_BODY,    /* reading a request body */
    PHASE_ENDED,   /* an answer marked last is queued: nothing more is parsed */
    PHASE_LINGER,  /* last answer written, write side shut down; input is dropped */
    PHASE_CLOSING, /* uv_close called */
};

/* request_t.owner_flags */
enum {
    REQ_LAST = 1u << 0,          /* close after this answer */
    REQ_WANTS_CONTINUE = 1u << 1, /* Expect: 100-continue, HTTP/1.1 */
    REQ_CONTINUE_SENT = 1u << 2,
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
    enum conn_phase phase;
    bool is_reading;
    bool is_processing; /* inside process(): nested calls return at once */
    int n_open;         /* handles not closed yet: the conn is freed when it drops to 0 */
    /* The requests not yet answered in full, oldest first; `current` is the one being parsed. */
    request_t *first;
    request_t *last;
    size_t n_requests;
    request_t *current;
    /* The write in flight (one at a time keeps answers in order): a final answer of `first`, or
     * an interim 100 Continue. */
    bool is_writing;
    bool is_writing_final;
    /* Deadlines and the facts they come from, in uv_now() milliseconds. */
    uint64_t head_deadline;
    uint64_t body_start;
    uint64_t body_last_byte;
    uint64_t body_paused_at;
    uint64_t body_paused_total;
    uint64_t idle_since;
    uint64_t write_since;
    uint64_t linger_deadline;
    /* Read buffer: allocated for a read, kept only while it holds unparsed bytes, so an idle
     * connection holds no buffer. Freed with the conn, since a close may come mid-parse. */
    char *rbuf;
    size_t r_off;
    size_t r_len;
};

typedef struct write_req {
    uv_write_t req;
    char *data;
} write_req_t;

static void process(conn_t *conn);
static void flush(conn_t *conn);
static void rearm(conn_t *conn);
static void update_reading(conn_t *conn);

static uint64_t
now_ms(const conn_t *conn)
{
    return uv_now(conn->tcp.loop);
}

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

static void
count_aborted(conn_t *conn, const request_t *req)
{
    metrics_add(conn->options->metrics, METRIC_http_requests_aborted_total,
                (const char *[]){req->route}, 1);
}

void
conn_close(conn_t *conn)
{
    if (conn->phase == PHASE_CLOSING)
        return;
    conn->phase = PHASE_CLOSING;
    conn->current = NULL;
    /* Handlers hear of the end now, so work for this client stops early; requests they still hold
     * outlive the connection until their handlers let go. */
    request_t *req = conn->first;
    conn->first = conn->last = NULL;
    conn->n_requests = 0;
    while (req != NULL) {
        request_t *next = req->next;
        if (!req->has_response && req->is_handler_holding)
            count_aborted(conn, req);
        request_abort(req, SL_EABORTED);
        request_detach(req);
        req = next;
    }
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

/* ---- the request queue ----------------------------------------------------------------------- */

static void on_reply(void *owner, request_t *req);
static void on_flow(void *owner, request_t *req);

static const request_owner_ops_t owner_ops = {
    .on_reply = on_reply,
    .on_flow = on_flow,
};

static void
enqueue(conn_t *conn, request_t *req)
{
    req->next = NULL;
    if (conn->last != NULL)
        conn->last->next = req;
    else
        conn->first = req;
    conn->last = req;
    conn->n_requests++;
}

static void
dequeue_first(conn_t *conn)
{
    request_t *req = conn->first;
    conn->first = req->next;
    if (conn->first == NULL)
        conn->last = NULL;
    conn->n_requests--;
    if (conn->n_requests == 0)
        conn->idle_since = now_ms(conn);
    request_detach(req);
}

/* A request for an answer that no handler gives: input that failed before its headers were in. */
static request_t *
bare_request(conn_t *conn)
{
    http_request_t head = {.target = "", .method = -1, .method_name = ""};
    request_t *req = request_new(&head, &owner_ops, conn);
    if (req != NULL) {
        req->route = "none";
        enqueue(conn, req);
    }
    return req;
}

static int
reason_of(int status)
{
    return status == 413 ? SL_ELIMIT : status == 400 ? SL_EMALFORMED : SL_EABORTED;
}

/* Ends the input: the request being read (or a new one) gets `status` as its answer, marked last,
 * and nothing after it is parsed. */
static void
fail_request(conn_t *conn, int status, const char *message)
{
    request_t *req = conn->current;
    conn->current = NULL;
    if (req == NULL)
        req = bare_request(conn);
    if (req == NULL) {
        conn_close(conn);
        return;
    }
    request_abort(req, reason_of(status));
    request_answer(req, status, message);
    req->owner_flags |= REQ_LAST;
    conn->phase = PHASE_ENDED;
    conn->r_len = 0;
    flush(conn);
}

/* A handler answered (or let go after an abort). */
static void
on_reply(void *owner, request_t *req)
{
    conn_t *conn = owner;
    if (conn->phase == PHASE_CLOSING)
        return;
    /* An early answer to a client that waits for 100 Continue before sending its body: that body
     * may never come, so the answer is the last one (RFC 9110, 10.1.1). And a body the handler
     * refused as too large (413) is not read to its end, which may be far away: the answer goes
     * out now and ends the connection. */
    bool is_waiting = (req->owner_flags & REQ_WANTS_CONTINUE) &&
                      !(req->owner_flags & REQ_CONTINUE_SENT);
    if (req == conn->current && !req->is_body_done &&
        (is_waiting || (req->has_response && req->response.status == 413))) {
        req->owner_flags |= REQ_LAST;
        conn->current = NULL;
        conn->phase = PHASE_ENDED;
        conn->r_len = 0;
    }
    flush(conn);
    if (conn->phase != PHASE_CLOSING) {
        process(conn); /* the queue may have room again */
        rearm(conn);
    }
}

/* A handler paused or resumed its body. */
static void
on_flow(void *owner, request_t *req)
{
    conn_t *conn = owner;
    if (conn->phase == PHASE_CLOSING || req != conn->current)
        return;
    uint64_t now = now_ms(conn);
    if (req->is_paused) {
        conn->body_paused_at = now;
    } else {
        conn->body_paused_total += now - conn->body_paused_at;
        conn->body_last_byte = now; /* the silence was ours */
        process(conn);
    }
    rearm(conn);
}

/* ---- timers ---------------------------------------------------------------------------------- */

static void on_timeout(uv_timer_t *timer);

static bool
is_body_running(const conn_t *conn)
{
    return conn->phase == PHASE_BODY && conn->current != NULL && !conn->current->is_paused;
}

static uint64_t
body_rate_deadline(const conn_t *conn)
{
    const conn_options_t *o = conn->options;
    uint64_t received = conn->current->body_size;
    return conn->body_start + conn->body_paused_total + o->body_timeout_ms +
           received * 1000 / o->min_body_rate;
}

static void
keep_min(uint64_t *deadline, uint64_t t)
{
    if (t < *deadline)
        *deadline = t;
}

static void
rearm(conn_t *conn)
{
    const conn_options_t *o = conn->options;
    uint64_t deadline = UINT64_MAX;
    if (conn->phase == PHASE_CLOSING)
        return;
    if (conn->phase == PHASE_LINGER) {
        deadline = conn->linger_deadline;
    } else {
        if (conn->is_writing)
            keep_min(&deadline, conn->write_since + o->idle_timeout_ms);
        if (conn->phase == PHASE_HEAD)
            keep_min(&deadline, conn->head_deadline);
        if (is_body_running(conn)) {
            keep_min(&deadline, conn->body_last_byte + o->body_timeout_ms);
            if (o->min_body_rate > 0)
                keep_min(&deadline, body_rate_deadline(conn));
        }
        if (conn->phase == PHASE_IDLE && conn->n_requests == 0 && !conn->is_writing)
            keep_min(&deadline, conn->idle_since + o->idle_timeout_ms);
    }
    if (deadline == UINT64_MAX) {
        uv_timer_stop(&conn->timer);
        return;
    }
    uint64_t now = now_ms(conn);
    uv_timer_start(&conn->timer, on_timeout, deadline > now ? deadline - now : 0, 0);
}

static void
on_timeout(uv_timer_t *timer)
{
    conn_t *conn = timer->data;
    const conn_options_t *o = conn->options;
    uint64_t now = now_ms(conn);

    if (conn->phase == PHASE_LINGER) {
        conn_close(conn);
        return;
    }
    if (conn->is_writing && now >= conn->write_since + o->idle_timeout_ms) {
        LOG(LOG_LEVEL_DEBUG, "response not read for idle_timeout_ms: closing");
        conn_close(conn);
        return;
    }
    if (conn->phase == PHASE_HEAD && now >= conn->head_deadline) {
        LOG(LOG_LEVEL_DEBUG, "request head timed out");
        if (conn->http.is_in_request)
            fail_request(conn, 408, "request line and headers took longer than header_timeout_ms");
        else
            conn_close(conn);
    } else if (is_body_running(conn) && now >= conn->body_last_byte + o->body_timeout_ms) {
        LOG(LOG_LEVEL_DEBUG, "request body stalled");
        fail_request(conn, 408, "no request body data for body_timeout_ms");
    } else if (is_body_running(conn) && o->min_body_rate > 0 && now >= body_rate_deadline(conn)) {
        LOG(LOG_LEVEL_DEBUG, "request body too slow");
        fail_request(conn, 408, "request body arrived slower than min_body_rate");
    } else if (conn->phase == PHASE_IDLE && conn->n_requests == 0 && !conn->is_writing &&
               now >= conn->idle_since + o->idle_timeout_ms) {
        conn_close(conn);
        return;
    }
    if (conn->phase != PHASE_CLOSING) {
        update_reading(conn);
        rearm(conn);
    }
}

/* ---- reading --------------------------------------------------------------------------------- */

static void
release_buffer(conn_t *conn)
{
    if (conn->r_len == 0) {
        free(conn->rbuf);
        conn->rbuf = NULL;
        conn->r_off = 0;
    }
}

/* Whether the parser may take input now, resuming it from a pause that no longer holds. */
static bool
can_parse(conn_t *conn, bool may_resume)
{
    if (conn->phase > PHASE_BODY)
        return false;
    if (!conn->http.is_paused)
        return true;
    bool is_free;
    if (conn->http.is_in_request) /* paused by the handler of the body being read */
        is_free = conn->current != NULL && !conn->current->is_paused;
    else /* paused after a request: room in the queue? */
        is_free = conn->n_requests < conn->options->max_pipelined_requests;
    if (is_free && may_resume)
        http_resume(&conn->http);
    return is_free;
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
    if (nread > 0)
        metrics_add(conn->options->metrics, METRIC_http_received_bytes_total, NULL,
                    (uint64_t)nread);
    if (nread > 0 && conn->phase != PHASE_LINGER) {
        conn->r_off = 0;
        conn->r_len = (size_t)nread;
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
    bool is_wanted = conn->phase == PHASE_LINGER || (conn->r_len == 0 && can_parse(conn, false));
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
    if (status < 0 && conn->phase != PHASE_CLOSING)
        conn_close(conn);
}

/* After the last response: FIN, then drop input until the client closes or LINGER_MS passes. */
static void
linger(conn_t *conn)
{
    conn->phase = PHASE_LINGER;
    conn->linger_deadline = now_ms(conn) + (conn->options->idle_timeout_ms < LINGER_MS
                                                ? conn->options->idle_timeout_ms
                                                : LINGER_MS);
    conn->r_len = 0;
    release_buffer(conn);
    int rc = uv_shutdown(&conn->shutdown_req, (uv_stream_t *)&conn->tcp, on_shutdown);
    if (rc < 0) {
        conn_close(conn);
        return;
    }
    update_reading(conn);
    rearm(conn);
}

static void
on_write(uv_write_t *req, int status)
{
    write_req_t *w = (write_req_t *)req;
    conn_t *conn = req->handle->data;
    free(w->data);
    free(w);
    if (conn->phase == PHASE_CLOSING)
        return;
    if (status < 0) { /* the client went away */
        LOG(LOG_LEVEL_DEBUG, "connection write: %s", uv_strerror(status));
        conn_close(conn);
        return;
    }
    bool was_final = conn->is_writing_final;
    conn->is_writing = false;
    conn->is_writing_final = false;
    if (was_final) {
        bool is_last = conn->first->owner_flags & REQ_LAST;
        dequeue_first(conn);
        if (is_last) {
            linger(conn);
            return;
        }
    }
    flush(conn);
    if (conn->phase == PHASE_CLOSING)
        return;
    process(conn);
    if (conn->phase != PHASE_CLOSING)
        rearm(conn);
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
    conn->is_writing = true;
    conn->write_since = now_ms(conn);
    metrics_add(conn->options->metrics, METRIC_http_sent_bytes_total, NULL, size);
    return 0;
}

static int
write_final(conn_t *conn, request_t *req)
{
    response_t *res = &req->response;
    char *data;
    size_t size;

    if (!req->is_keep_alive)
        req->owner_flags |= REQ_LAST;
    if (req->owner_flags & REQ_LAST)
        res->connection = "close";
    else if (req->http_major == 1 && req->http_minor == 0)
        res->connection = "keep-alive"; /* an HTTP/1.0 client keeps it only when told */
    res->is_head = req->method == HTTP_HEAD;

    if (response_render(res, &data, &size) < 0) {
        LOG(LOG_LEVEL_WARN, "cannot render a %d response: out of memory", res->status);
        return SL_ENOMEM;
    }
    char status[8];
    snprintf(status, sizeof status, "%d", res->status);
    metrics_add(conn->options->metrics, METRIC_http_requests_total,
                (const char *[]){req->route, status}, 1);
    LOG(LOG_LEVEL_DEBUG, "%s %s HTTP/%u.%u: %d", req->method_name, req->target, req->http_major,
        req->http_minor, res->status);
    return write_buffer(conn, data, size);
}

/* Starts the next write the queue allows: the first request's answer once its body is in (or it
 * ends the connection), else a 100 Continue it is waiting for. */
static void
flush(conn_t *conn)
{
    request_t *req = conn->first;
    if (conn->is_writing || conn->phase >= PHASE_LINGER || req == NULL)
        return;
    int rc = 0;
    if (req->has_response && (req->is_body_done || (req->owner_flags & REQ_LAST))) {
        rc = write_final(conn, req);
        conn->is_writing_final = rc == 0;
    } else if (!req->has_response && req == conn->current &&
               (req->owner_flags & (REQ_WANTS_CONTINUE | REQ_CONTINUE_SENT)) ==
                   REQ_WANTS_CONTINUE) {
        static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
        char *data = malloc(sizeof interim - 1);
        if (data != NULL)
            memcpy(data, interim, sizeof interim - 1);
        rc = data != NULL ? write_buffer(conn, data, sizeof interim - 1) : UV_ENOMEM;
        req->owner_flags |= REQ_CONTINUE_SENT;
    }
    if (rc < 0) {
        LOG(LOG_LEVEL_DEBUG, "cannot send a response: %s", uv_strerror(rc));
        conn_close(conn);
    }
}

/* ---- parsing --------------------------------------------------------------------------------- */

static void
on_begin(http_t *http)
{
    conn_t *conn = http->user;
    /* A new connection is already in HEAD: its deadline runs from the connect, so waiting before
     * the first byte does not buy a client more time. */
    if (conn->phase == PHASE_IDLE) {
        conn->phase = PHASE_HEAD;
        conn->head_deadline = now_ms(conn) + conn->options->header_timeout_ms;
    }
}

static void
on_head(http_t *http, http_request_t *head)
{
    conn_t *conn = http->user;
    if (conn->phase != PHASE_HEAD)
        return;
    request_t *req = request_new(head, &owner_ops, conn);
    if (req == NULL) {
        fail_request(conn, 500, "out of memory");
        return;
    }
    /* HTTP/1.0 clients do not know 1xx responses. */
    if (head->expects_continue && head->http_major == 1 && head->http_minor >= 1)
        req->owner_flags |= REQ_WANTS_CONTINUE;
    enqueue(conn, req);
    conn->current = req;
    conn->phase = PHASE_BODY;
    conn->body_start = conn->body_last_byte = now_ms(conn);
    conn->body_paused_total = 0;
    request_start_handler(req);
    conn->options->on_request(conn->options->user, req);
    if (conn->phase != PHASE_CLOSING)
        flush(conn); /* an immediate answer, or 100 Continue */
}

static bool
on_body(http_t *http, http_request_t *head, const char *data, size_t size)
{
    conn_t *conn = http->user;
    request_t *req = conn->current;
    if (conn->phase != PHASE_BODY || req == NULL)
        return true; /* a close or failure came from a callback: stop here */
    conn->body_last_byte = now_ms(conn);
    request_deliver_chunk(req, data, size);
    return conn->phase != PHASE_BODY || conn->current != req || req->is_paused;
}

static void
on_request(http_t *http, http_request_t *head)
{
    conn_t *conn = http->user;
    request_t *req = conn->current;
    if (conn->phase != PHASE_BODY || req == NULL)
        return;
    conn->current = NULL;
    conn->phase = PHASE_IDLE;
    req->is_keep_alive = head->is_keep_alive;
    if (!head->is_keep_alive) {
        req->owner_flags |= REQ_LAST;
        conn->phase = PHASE_ENDED;
    }
    request_deliver_end(req);
    if (conn->phase != PHASE_CLOSING)
        flush(conn);
}

static const http_handlers_t handlers = {
    .on_begin = on_begin,
    .on_head = on_head,
    .on_body = on_body,
    .on_request = on_request,
};

/* Parses buffered input until it runs out or the parser must wait. */
static void
process(conn_t *conn)
{
    if (conn->is_processing || conn->phase == PHASE_CLOSING)
        return;
    conn->is_processing = true;
    while (conn->r_len > 0 && can_parse(conn, true)) {
        size_t n_used;
        int rc = http_feed(&conn->http, conn->rbuf + conn->r_off, conn->r_len, &n_used);
        if (conn->phase == PHASE_CLOSING)
            break;
        conn->r_off += n_used;
        conn->r_len -= n_used;
        if (rc < 0) {
            LOG(LOG_LEVEL_DEBUG, "bad request: %d %s", conn->http.error_status,
                conn->http.error_message);
            char message[300];
            snprintf(message, sizeof message, "%s%s",
                     conn->http.error_status == 400 ? "malformed HTTP request: " : "",
                     conn->http.error_message);
            fail_request(conn, conn->http.error_status, message);
        }
    }
    conn->is_processing = false;
    if (conn->phase == PHASE_CLOSING)
        return;
    if (conn->phase == PHASE_ENDED)
        conn->r_len = 0; /* input after the last request is never parsed */
    release_buffer(conn);
    update_reading(conn);
    rearm(conn);
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
    conn->http.max_body_size = options->max_body_size;

    rc = listener_accept(listener, &conn->tcp);
    if (rc < 0) {
        conn_close(conn);
        return rc;
    }
    /* A response is one write; Nagle would only hold its tail back for the client's ACK. */
    uv_tcp_nodelay(&conn->tcp, 1);
    conn->phase = PHASE_HEAD;
    conn->head_deadline = now_ms(conn) + options->header_timeout_ms;
    update_reading(conn);
    rearm(conn);
    *out = conn;
    return 0;
}
