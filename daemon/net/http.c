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
    http->field_len = 0;
    http->value_len = 0;
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

/* Keeps the first bytes of a header name or value; `len` counts all of them, so a longer one
 * never matches a short name. */
static void
keep_prefix(char *buf, size_t cap, size_t *len, const char *at, size_t size)
{
    if (*len < cap)
        memcpy(buf + *len, at, size < cap - *len ? size : cap - *len);
    *len += size;
}

static bool
field_is(const http_t *http, const char *name)
{
    size_t n = strlen(name);
    return http->field_len == n && n <= sizeof http->field &&
           strncasecmp(http->field, name, n) == 0;
}

static int
on_header_field(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    keep_prefix(http->field, sizeof http->field, &http->field_len, at, size);
    return count_header_bytes(http, size);
}

static int
on_header_value(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    if (field_is(http, "expect"))
        keep_prefix(http->value, sizeof http->value, &http->value_len, at, size);
    return count_header_bytes(http, size);
}

static int
on_header_value_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    static const char continue_token[] = "100-continue";
    if (field_is(http, "expect") && http->value_len == sizeof continue_token - 1 &&
        strncasecmp(http->value, continue_token, sizeof continue_token - 1) == 0)
        http->req.expects_continue = true;
    http->field_len = 0;
    http->value_len = 0;
    return count_header_bytes(http, HEADER_LINE_OVERHEAD);
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
    if (http->handlers->on_head != NULL)
        http->handlers->on_head(http, req);
    return 0;
}

static int
on_body(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    http->req.body_size += size;
    return 0;
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
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void
http_init(http_t *http, size_t max_header_size, const http_handlers_t *handlers, void *user)
{
    *http = (http_t){.user = user, .handlers = handlers, .max_header_size = max_header_size};
    llhttp_init(&http->parser, HTTP_REQUEST, &settings);
    http->parser.data = http;
}

void
http_fini(http_t *http)
{
    free(http->req.target);
    http->req.target = NULL;
}

static int
code_of(int status)
{
    switch (status) {
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
