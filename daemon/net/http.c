/* llhttp callbacks that build an http_request_t and enforce the header limit (see http.h). */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slipstream.h"

enum {
    TARGET_MIN_CAP = 64,
    /* ": " and CRLF around each header line, which no span callback reports. */
    HEADER_LINE_OVERHEAD = 4,
};

static int
refuse(http_t *http, int status, const char *message)
{
    http->error_status = status;
    http->error_message = message;
    llhttp_set_error_reason(&http->parser, message);
    return HPE_USER;
}

static int
count_header_bytes(http_t *http, size_t size)
{
    http->header_size += size;
    if (http->header_size > http->max_header_size)
        return refuse(http, 431, "request line and headers exceed max_header_size");
    return 0;
}

static int
on_message_begin(llhttp_t *parser)
{
    http_t *http = parser->data;
    http_request_t *req = &http->req;

    if (req->target == NULL) {
        req->target = malloc(TARGET_MIN_CAP);
        if (req->target == NULL)
            return refuse(http, 500, "out of memory");
        http->target_cap = TARGET_MIN_CAP;
    }
    *req = (http_request_t){.target = req->target, .method_name = ""};
    req->target[0] = '\0';
    http->header_size = 0;
    http->hbuf_len = 0;
    http->n_headers = 0;
    http->is_in_field = false;
    http->is_head_done = false;
    http->is_in_request = true;
    if (http->handlers->on_begin != NULL)
        http->handlers->on_begin(http);
    return 0;
}

static int
on_method(llhttp_t *parser, const char *at, size_t size)
{
    return count_header_bytes(parser->data, size);
}

static int
on_url(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    http_request_t *req = &http->req;
    if (req->target_len + size > http->max_header_size)
        return refuse(http, 414, "request target exceeds max_header_size");
    int rc = count_header_bytes(http, size);
    if (rc != 0)
        return rc;

    /* The target may arrive in pieces across reads; it grows up to the header limit only. */
    if (req->target_len + size + 1 > http->target_cap) {
        size_t cap = http->target_cap;
        while (cap < req->target_len + size + 1)
            cap *= 2;
        char *grown = realloc(req->target, cap);
        if (grown == NULL)
            return refuse(http, 500, "out of memory");
        req->target = grown;
        http->target_cap = cap;
    }
    memcpy(req->target + req->target_len, at, size);
    req->target_len += size;
    req->target[req->target_len] = '\0';
    return 0;
}

static int
on_version(llhttp_t *parser, const char *at, size_t size)
{
    return count_header_bytes(parser->data, size);
}

/* Appends header bytes to hbuf, which grows up to about max_header_size (bytes are counted first). */
static int
hbuf_append(http_t *http, const char *at, size_t size)
{
    if (size == 0) /* an empty piece (llhttp sends them): hbuf may still be NULL */
        return 0;
    if (http->hbuf_len + size > http->hbuf_cap) {
        size_t cap = http->hbuf_cap ? http->hbuf_cap : 256;
        while (cap < http->hbuf_len + size)
            cap *= 2;
        char *grown = realloc(http->hbuf, cap);
        if (grown == NULL)
            return refuse(http, 500, "out of memory");
        http->hbuf = grown;
        http->hbuf_cap = cap;
    }
    memcpy(http->hbuf + http->hbuf_len, at, size);
    http->hbuf_len += size;
    return 0;
}

static int
on_header_field(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    int rc = count_header_bytes(http, size);
    if (rc != 0 || http->is_head_done)
        return rc;
    if (!http->is_in_field) {
        if (http->n_headers == http->headers_cap) {
            size_t cap = http->headers_cap ? 2 * http->headers_cap : 16;
            http_header_pos_t *pos = realloc(http->pos, cap * sizeof *pos);
            if (pos == NULL)
                return refuse(http, 500, "out of memory");
            http->pos = pos;
            http_header_t *headers = realloc(http->headers, cap * sizeof *headers);
            if (headers == NULL)
                return refuse(http, 500, "out of memory");
            http->headers = headers;
            http->headers_cap = cap;
        }
        http->pos[http->n_headers++] = (http_header_pos_t){.name_off = http->hbuf_len};
        http->is_in_field = true;
    }
    http->pos[http->n_headers - 1].name_len += size;
    return hbuf_append(http, at, size);
}

static int
on_header_field_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    if (!http->is_head_done && http->n_headers > 0)
        http->pos[http->n_headers - 1].value_off = http->hbuf_len;
    http->is_in_field = false;
    return 0;
}

static int
on_header_value(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    int rc = count_header_bytes(http, size);
    if (rc != 0 || http->is_head_done)
        return rc;
    http->pos[http->n_headers - 1].value_len += size;
    return hbuf_append(http, at, size);
}

static int
on_header_value_complete(llhttp_t *parser)
{
    return count_header_bytes(parser->data, HEADER_LINE_OVERHEAD);
}

const char *
http_header_find(const http_header_t *headers, size_t n_headers, const char *name, size_t *len)
{
    size_t name_len = strlen(name);
    for (size_t i = 0; i < n_headers; i++) {
        if (headers[i].name_len == name_len &&
            strncasecmp(headers[i].name, name, name_len) == 0) {
            *len = headers[i].value_len;
            return headers[i].value;
        }
    }
    return NULL;
}

/* Turns the offsets into pointers, now that hbuf no longer moves (trailers are not kept). */
static void
publish_headers(http_t *http)
{
    /* Headers may all be empty (a bare ":" line), leaving hbuf unallocated. */
    const char *base = http->hbuf ? http->hbuf : "";
    for (size_t i = 0; i < http->n_headers; i++) {
        const http_header_pos_t *p = &http->pos[i];
        size_t value_len = p->value_len;
        while (value_len > 0 && (base[p->value_off + value_len - 1] == ' ' ||
                                 base[p->value_off + value_len - 1] == '\t'))
            value_len--;
        http->headers[i] = (http_header_t){
            .name = base + p->name_off,
            .name_len = p->name_len,
            .value = base + p->value_off,
            .value_len = value_len,
        };
    }
    http->req.headers = http->headers;
    http->req.n_headers = http->n_headers;
}

static int
on_headers_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    http_request_t *req = &http->req;
    req->method = llhttp_get_method(parser);
    req->method_name = llhttp_method_name((llhttp_method_t)req->method);
    req->http_major = llhttp_get_http_major(parser);
    req->http_minor = llhttp_get_http_minor(parser);
    http->is_head_done = true;
    publish_headers(http);

    size_t len;
    const char *expect = http_header_find(req->headers, req->n_headers, "expect", &len);
    req->expects_continue = expect != NULL && len == 12 && strncasecmp(expect, "100-continue", 12) == 0;
    req->has_content_length = (parser->flags & F_CONTENT_LENGTH) && !(parser->flags & F_CHUNKED);
    req->content_length = req->has_content_length ? parser->content_length : 0;
    req->is_keep_alive = llhttp_should_keep_alive(parser) && !parser->upgrade;
    if (req->content_length > http->max_body_size)
        return refuse(http, 413, "request body exceeds max_body_size");
    if (http->handlers->on_head != NULL)
        http->handlers->on_head(http, req);
    return 0;
}

static int
on_body(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    http->req.body_size += size;
    if (http->req.body_size > http->max_body_size)
        return refuse(http, 413, "request body exceeds max_body_size");
    if (http->handlers->on_body == NULL || !http->handlers->on_body(http, &http->req, at, size))
        return 0;
    /* After the last piece of a Content-Length body llhttp would run on_message_complete only at
     * the next execute, which may never come (the client waits for the answer). Completing now
     * is safe: the parser pauses after every request anyway, and the owner holds back the end
     * until its handler resumes. */
    bool is_last_piece = (parser->flags & F_CONTENT_LENGTH) && !(parser->flags & F_CHUNKED) &&
                         parser->content_length == 0;
    return is_last_piece ? 0 : HPE_PAUSED;
}

static int
on_message_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    /* An upgrade (or CONNECT) would turn the rest of the stream into another protocol, which this
     * server does not speak: answer the request as plain HTTP and end the connection after it. */
    http->req.is_keep_alive = llhttp_should_keep_alive(parser) && !parser->upgrade;
    http->is_in_request = false;
    http->handlers->on_request(http, &http->req);
    return HPE_PAUSED;
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_method = on_method,
    .on_url = on_url,
    .on_version = on_version,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void
http_init(http_t *http, size_t max_header_size, const http_handlers_t *handlers, void *user)
{
    *http = (http_t){
        .user = user,
        .handlers = handlers,
        .max_header_size = max_header_size,
        .max_body_size = UINT64_MAX,
    };
    llhttp_init(&http->parser, HTTP_REQUEST, &settings);
    http->parser.data = http;
}

void
http_fini(http_t *http)
{
    free(http->req.target);
    free(http->hbuf);
    free(http->pos);
    free(http->headers);
    http->req.target = NULL;
    http->hbuf = NULL;
    http->pos = NULL;
    http->headers = NULL;
}

static int
code_of(int status)
{
    switch (status) {
    case 413:
    case 414:
    case 431:
        return SL_ELIMIT;
    case 500:
        return SL_ENOMEM;
    default:
        return SL_EMALFORMED;
    }
}

int
http_feed(http_t *http, const char *data, size_t size, size_t *n_used)
{
    *n_used = 0;
    if (http->error_status != 0)
        return code_of(http->error_status);
    if (http->is_paused)
        return 0; /* llhttp would report the pause again, with a position in an older buffer */

    llhttp_errno_t rc = llhttp_execute(&http->parser, data, size);
    if (rc == HPE_OK) {
        *n_used = size;
        return 0;
    }
    if (rc == HPE_PAUSED || rc == HPE_PAUSED_UPGRADE) {
        *n_used = (size_t)(llhttp_get_error_pos(&http->parser) - data);
        http->is_paused = true;
        return 0;
    }
    if (http->error_status == 0) {
        http->error_status = 400;
        http->error_message = llhttp_get_error_reason(&http->parser);
        if (http->error_message == NULL)
            http->error_message = llhttp_errno_name(rc);
    }
    return code_of(http->error_status);
}

void
http_resume(http_t *http)
{
    if (!http->is_paused || http->error_status != 0)
        return;
    http->is_paused = false;
    if (llhttp_get_errno(&http->parser) == HPE_PAUSED)
        llhttp_resume(&http->parser);
}
