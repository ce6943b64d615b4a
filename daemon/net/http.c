/* llhttp callbacks that build an http_request_t, enforce the header limit and check the framing
 * llhttp lets through (see http.h). */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slipstream.h"
#include "vec.h"

enum {
    HEAD_MIN_CAP = 256, /* the first allocation: a typical head at once */
    /* ": " and CRLF around each header line, which no span callback reports. It also pays for the
     * ':' and '\n' a header takes in the head buffer, so that buffer never outgrows the count. */
    HEADER_LINE_OVERHEAD = 4,
};

/* Why the parser paused itself: the owner hears of the head, and of the request, only once the
 * line check has seen every byte before them. */
enum hold {
    HOLD_NONE,     /* a pause the body callback asked for */
    HOLD_HEAD,     /* at the end of the head */
    HOLD_TRAILERS, /* after the last chunk's size line: the trailer section follows */
    HOLD_REQUEST,  /* at the end of the request */
};

/* The line check over the head and the trailer section: llhttp accepts bare LF line ends and
 * obs-fold, which a proxy may read differently. spec: RFC 9112, 2.2 (CRLF), 5.2 (obs-fold). */
enum scan {
    SCAN_OFF,          /* in the body, or between requests */
    SCAN_REQUEST_LINE, /* method SP target SP version: no other blanks */
    SCAN_LINE_START,   /* after a CRLF */
    SCAN_LINE,         /* in a header line */
    SCAN_CR,           /* after the CR of a line */
    SCAN_END_CR,       /* after the CR of the empty line */
    SCAN_DONE,         /* after the empty line: llhttp must end the section here */
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
count_bytes(http_t *http, size_t size, const char *message)
{
    http->header_size += size;
    if (http->header_size > http->max_header_size)
        return refuse(http, 431, message);
    return 0;
}

static int
count_header_bytes(http_t *http, size_t size)
{
    return count_bytes(http, size, "request line and headers exceed max_header_size");
}

/* Appends to the head buffer. What is appended was counted first, so the buffer stays within
 * max_header_size. */
static int
head_append(http_t *http, const char *at, size_t size)
{
    if (size == 0) /* an empty piece (llhttp sends them): head may still be NULL */
        return 0;
    size_t need = http->head_len + size;
    size_t want = need < HEAD_MIN_CAP && HEAD_MIN_CAP <= http->max_header_size ? HEAD_MIN_CAP : need;
    int rc = vec_grow((void **)&http->head, &http->head_cap, want, 1, http->max_header_size);
    if (rc == SL_ELIMIT)
        return refuse(http, 431, "request line and headers exceed max_header_size");
    if (rc < 0)
        return refuse(http, 500, "out of memory");
    memcpy(http->head + http->head_len, at, size);
    http->head_len += size;
    return 0;
}

static void
head_release(http_t *http)
{
    free(http->head);
    http->head = NULL;
    http->head_len = http->head_cap = 0;
    http->req.target = "";
    http->req.headers = "";
    http->req.headers_size = 0;
}

static int
on_message_begin(llhttp_t *parser)
{
    http_t *http = parser->data;
    head_release(http);
    http->req = (http_request_t){.target = "", .headers = "", .method_name = ""};
    http->header_size = 0;
    http->is_head_done = false;
    http->is_in_request = true;
    if (http->handlers->on_begin != NULL)
        http->handlers->on_begin(http);
    return 0;
}

static int
on_method(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    if (http->scan == SCAN_OFF) { /* the request line starts here (llhttp skips empty lines) */
        http->scan = SCAN_REQUEST_LINE;
        http->scan_last = 0;
        http->scan_from = at;
    }
    return count_header_bytes(http, size);
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
    req->target_len += size;
    return head_append(http, at, size);
}

static int
on_url_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    /* The NUL is paid for by the method, counted before the target. */
    int rc = head_append(http, "", 1);
    http->name_off = http->head_len;
    return rc;
}

static int
on_version(llhttp_t *parser, const char *at, size_t size)
{
    return count_header_bytes(parser->data, size);
}

static int
on_header_field(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    int rc = count_header_bytes(http, size);
    if (rc != 0 || http->is_head_done)
        return rc;
    return head_append(http, at, size);
}

static int
on_header_field_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    int rc = count_header_bytes(http, HEADER_LINE_OVERHEAD);
    if (rc != 0 || http->is_head_done)
        return rc;
    /* spec: RFC 9110, 5.1: field-name = token, one character at least. */
    if (http->head_len == http->name_off)
        return refuse(http, 400, "empty header name");
    rc = head_append(http, ":", 1);
    http->value_off = http->head_len;
    return rc;
}

static int
on_header_value(llhttp_t *parser, const char *at, size_t size)
{
    http_t *http = parser->data;
    int rc = count_header_bytes(http, size);
    if (rc != 0 || http->is_head_done)
        return rc;
    return head_append(http, at, size);
}

static int
on_header_value_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    if (http->is_head_done)
        return 0;
    /* llhttp drops the blanks before a value, not those after it. */
    while (http->head_len > http->value_off &&
           (http->head[http->head_len - 1] == ' ' || http->head[http->head_len - 1] == '\t'))
        http->head_len--;
    int rc = head_append(http, "\n", 1);
    http->name_off = http->head_len;
    return rc;
}

const char *
http_header_find(const char *headers, size_t headers_size, const char *name, size_t *len)
{
    size_t name_len = strlen(name);
    const char *end = headers + headers_size;
    /* Names hold no ':' and values no '\n' (llhttp refuses both), so the block parses back. */
    for (const char *line = headers; line != NULL && line < end;) {
        const char *colon = memchr(line, ':', (size_t)(end - line));
        const char *eol = colon ? memchr(colon, '\n', (size_t)(end - colon)) : NULL;
        if (eol == NULL)
            break;
        if ((size_t)(colon - line) == name_len && strncasecmp(line, name, name_len) == 0) {
            *len = (size_t)(eol - colon - 1);
            return colon + 1;
        }
        line = eol + 1;
    }
    return NULL;
}

static int
on_headers_complete(llhttp_t *parser)
{
    http_t *http = parser->data;
    http->is_head_done = true;
    http->hold = HOLD_HEAD;
    return HPE_PAUSED;
}

static int
on_chunk_extension(llhttp_t *parser, const char *at, size_t size)
{
    /* Extensions are ignored, but not unbounded: a client could send them forever. */
    return count_bytes(parser->data, size, "chunk extensions exceed max_header_size");
}

static int
on_chunk_header(llhttp_t *parser)
{
    http_t *http = parser->data;
    if (parser->content_length != 0)
        return 0;
    http->hold = HOLD_TRAILERS;
    return HPE_PAUSED;
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
    http->hold = HOLD_REQUEST;
    return HPE_PAUSED;
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_method = on_method,
    .on_url = on_url,
    .on_url_complete = on_url_complete,
    .on_version = on_version,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_chunk_extension_name = on_chunk_extension,
    .on_chunk_extension_value = on_chunk_extension,
    .on_chunk_header = on_chunk_header,
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
        .req = {.target = "", .headers = "", .method_name = ""},
    };
    llhttp_init(&http->parser, HTTP_REQUEST, &settings);
    http->parser.data = http;
}

void
http_fini(http_t *http)
{
    head_release(http);
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

/* Runs the line check over [scan_from, end): the bytes llhttp has taken since the last look. */
static int
scan_lines(http_t *http, const char *end)
{
    for (const char *p = http->scan_from; p < end && http->scan != SCAN_OFF; p++) {
        char c = *p, last = http->scan_last;
        http->scan_last = c;
        switch (http->scan) {
        case SCAN_REQUEST_LINE:
            if (c == '\r' && last != ' ')
                http->scan = SCAN_CR;
            else if (c == '\t' || (c == ' ' && last == ' ') || (c == '\r' && last == ' '))
                return refuse(http, 400, "extra whitespace in the request line");
            else if (c == '\n')
                return refuse(http, 400, "bare LF line end");
            break;
        case SCAN_LINE_START:
            if (c == ' ' || c == '\t')
                return refuse(http, 400, "obs-fold (a header line starting with whitespace)");
            if (c == '\n')
                return refuse(http, 400, "bare LF line end");
            http->scan = c == '\r' ? SCAN_END_CR : SCAN_LINE;
            break;
        case SCAN_LINE:
            if (c == '\r')
                http->scan = SCAN_CR;
            else if (c == '\n')
                return refuse(http, 400, "bare LF line end");
            break;
        case SCAN_CR:
        case SCAN_END_CR:
            if (c != '\n')
                return refuse(http, 400, "CR without LF");
            http->scan = http->scan == SCAN_CR ? SCAN_LINE_START : SCAN_DONE;
            break;
        default: /* SCAN_DONE: llhttp took more than the section */
            return refuse(http, 400, "header section ends early");
        }
    }
    http->scan_from = end;
    return 0;
}

/* llhttp has found the end of a head or trailer section at `end`: the line check must agree. */
static int
end_section(http_t *http, const char *end)
{
    int rc = scan_lines(http, end);
    if (rc != 0)
        return rc;
    if (http->scan != SCAN_DONE)
        return refuse(http, 400, "header section ends early");
    http->scan = SCAN_OFF;
    return 0;
}

/* spec: RFC 9112, 6.1 (Transfer-Encoding, and HTTP/1.0 with it), 3.2 (one Host); the codings
 * other than chunked are not supported, and chunked twice is refused. */
static int
check_head(http_t *http)
{
    http_request_t *req = &http->req;
    if (req->http_major != 1 || req->http_minor > 1)
        return refuse(http, 400, "HTTP version other than 1.0 and 1.1");
    size_t n_te = 0, n_host = 0, len;
    const char *p = req->headers, *end = req->headers + req->headers_size;
    for (const char *v; (v = http_header_find(p, (size_t)(end - p), "transfer-encoding", &len));) {
        if (++n_te > 1 || len != 7 || strncasecmp(v, "chunked", 7) != 0)
            return refuse(http, 400, "Transfer-Encoding other than a single \"chunked\"");
        p = v + len + 1;
    }
    if (n_te > 0 && req->http_minor == 0)
        return refuse(http, 400, "Transfer-Encoding in an HTTP/1.0 request");
    p = req->headers;
    for (const char *v; (v = http_header_find(p, (size_t)(end - p), "host", &len));) {
        if (++n_host > 1)
            return refuse(http, 400, "more than one Host header");
        p = v + len + 1;
    }
    if (req->content_length > http->max_body_size)
        return refuse(http, 413, "request body exceeds max_body_size");
    return 0;
}

/* The head is in and checked: the request as the owner sees it. */
static int
publish_head(http_t *http)
{
    llhttp_t *parser = &http->parser;
    http_request_t *req = &http->req;
    req->method = llhttp_get_method(parser);
    req->method_name = llhttp_method_name((llhttp_method_t)req->method);
    req->http_major = llhttp_get_http_major(parser);
    req->http_minor = llhttp_get_http_minor(parser);
    if (http->head != NULL) {
        req->target = http->head;
        req->headers = http->head + req->target_len + 1;
        req->headers_size = http->head_len - (req->target_len + 1);
    }
    size_t len;
    const char *expect = http_header_find(req->headers, req->headers_size, "expect", &len);
    req->expects_continue = expect != NULL && len == 12 && strncasecmp(expect, "100-continue", 12) == 0;
    req->has_content_length = (parser->flags & F_CONTENT_LENGTH) && !(parser->flags & F_CHUNKED);
    req->content_length = req->has_content_length ? parser->content_length : 0;
    req->is_keep_alive = llhttp_should_keep_alive(parser) && !parser->upgrade;
    return check_head(http);
}

/* What a pause of the parser's own at `at` calls for; false when the owner must see the pause. */
static int
on_hold(http_t *http, const char *at, bool *is_owner_pause)
{
    int hold = http->hold, rc = 0;
    http->hold = HOLD_NONE;
    *is_owner_pause = hold == HOLD_NONE || hold == HOLD_REQUEST;
    switch (hold) {
    case HOLD_HEAD:
        rc = end_section(http, at);
        if (rc == 0)
            rc = publish_head(http);
        if (rc == 0 && http->handlers->on_head != NULL)
            http->handlers->on_head(http, &http->req);
        break;
    case HOLD_TRAILERS:
        http->scan = SCAN_LINE_START;
        http->scan_from = at;
        break;
    case HOLD_REQUEST:
        if (http->scan != SCAN_OFF) /* a chunked body's trailer section */
            rc = end_section(http, at);
        if (rc != 0)
            break;
        /* An upgrade (or CONNECT) would turn the rest of the stream into another protocol, which
         * this server does not speak: answer the request as plain HTTP and end the connection
         * after it. */
        http->req.is_keep_alive = llhttp_should_keep_alive(&http->parser) && !http->parser.upgrade;
        http->is_in_request = false;
        http->handlers->on_request(http, &http->req);
        head_release(http); /* the owner copied what it keeps: an idle connection holds no head */
        break;
    default:
        break;
    }
    return rc;
}

int
http_feed(http_t *http, const char *data, size_t size, size_t *n_used)
{
    *n_used = 0;
    if (http->error_status != 0)
        return code_of(http->error_status);
    if (http->is_paused)
        return 0; /* llhttp would report the pause again, with a position in an older buffer */

    const char *p = data, *end = data + size;
    for (;;) {
        http->scan_from = p;
        llhttp_errno_t rc = llhttp_execute(&http->parser, p, (size_t)(end - p));
        if (rc == HPE_OK) {
            *n_used = size;
            if (scan_lines(http, end) != 0)
                break;
            return 0;
        }
        if (rc != HPE_PAUSED && rc != HPE_PAUSED_UPGRADE)
            break;
        p = llhttp_get_error_pos(&http->parser);
        *n_used = (size_t)(p - data);
        bool is_owner_pause;
        if (on_hold(http, p, &is_owner_pause) != 0)
            break;
        if (is_owner_pause) {
            http->is_paused = true;
            return 0;
        }
        llhttp_resume(&http->parser);
    }
    if (http->error_status == 0) {
        llhttp_errno_t rc = llhttp_get_errno(&http->parser);
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
