/* Response rendering and the status table (see response.h). */
#include "response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon_build.h"
#include "slipstream.h"

/* Every status the daemon sends: its reason phrase and, for errors, the "kind" of the JSON body. */
static const struct {
    int status;
    const char *reason;
    const char *kind;
} statuses[] = {
    {100, "Continue", NULL},
    {200, "OK", NULL},
    {201, "Created", NULL},
    {204, "No Content", NULL},
    {400, "Bad Request", "bad_request"},
    {404, "Not Found", "not_found"},
    {405, "Method Not Allowed", "method_not_allowed"},
    {401, "Unauthorized", "unauthorized"},
    {403, "Forbidden", "forbidden"},
    {408, "Request Timeout", "request_timeout"},
    {413, "Content Too Large", "too_large"},
    {414, "URI Too Long", "uri_too_long"},
    {422, "Unprocessable Content", "unprocessable"},
    {429, "Too Many Requests", "too_many_requests"},
    {431, "Request Header Fields Too Large", "headers_too_large"},
    {500, "Internal Server Error", "internal"},
    {502, "Bad Gateway", "bad_gateway"},
    {503, "Service Unavailable", "overloaded"},
    {504, "Gateway Timeout", "gateway_timeout"},
    {507, "Insufficient Storage", "insufficient_storage"},
};

#define N_STATUSES (sizeof statuses / sizeof statuses[0])

const char *
response_reason(int status)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (statuses[i].status == status)
            return statuses[i].reason;
    return "Unknown";
}

const char *
response_kind(int status)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (statuses[i].status == status && statuses[i].kind != NULL)
            return statuses[i].kind;
    return "internal";
}

void
response_init(response_t *res)
{
    *res = (response_t){.status = 500};
}

void
response_fini(response_t *res)
{
    free(res->body);
    res->body = NULL;
    res->body_size = 0;
}

int
response_json(response_t *res, int status, const json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (text == NULL)
        return SL_ENOMEM;
    free(res->body);
    res->status = status;
    res->content_type = NULL;
    res->body = text;
    res->body_size = strlen(text);
    return 0;
}

void
response_body(response_t *res, int status, const char *content_type, char *body, size_t size)
{
    free(res->body);
    res->status = status;
    res->content_type = content_type;
    res->body = body;
    res->body_size = size;
}

json_t *
response_error_json(int status, const char *code, json_t *extra, const char *message)
{
    char text[512];
    snprintf(text, sizeof text, "%s", message);
    for (char *p = text; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    const char *kind = response_kind(status);
    json_t *error = code != NULL ? json_pack("{s:s,s:s,s:s}", "kind", kind, "code", code, "message",
                                             text)
                                 : json_pack("{s:s,s:s}", "kind", kind, "message", text);
    if (error != NULL && extra != NULL)
        json_object_update(error, extra);
    json_decref(extra);
    return error != NULL ? json_pack("{s:o}", "error", error) : NULL;
}

int
response_error(response_t *res, int status, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    json_t *body = response_error_json(status, NULL, NULL, message);
    if (body == NULL)
        return SL_ENOMEM;
    int rc = response_json(res, status, body);
    json_decref(body);
    return rc;
}

int
response_error_status(int code, bool is_call)
{
    static const int statuses_of_errors[] = {
#define ERROR(name, kind, msg, status) status,
#include "errors.def"
#undef ERROR
    };
    int row = -code - 1;
    int status = row >= 0 && row < SL_N_ERRORS_ ? statuses_of_errors[row] : 500;
    return is_call && status >= 400 && status < 500 ? 422 : status;
}

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT". Not strftime, whose names follow the locale. */
static void
format_date(time_t now, char *buf, size_t size)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
response_render(const response_t *res, char **out, size_t *out_size)
{
    char head[768];
    char date[64];

    format_date(time(NULL), date, sizeof date);
    char length[48] = "";
    /* RFC 9110 8.6: a 204 has no body and no Content-Length. */
    if (res->status != 204)
        snprintf(length, sizeof length, "Content-Length: %zu\r\n", res->body_size);

    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Date: %s\r\n"
                     "Server: slipstream/" SL_VERSION "\r\n"
                     "%s%s%s"
                     "%s%s%s"
                     "%s%s%s"
                     "%s%s%s"
                     "%s"
                     "\r\n",
                     res->status, response_reason(res->status), date,
                     res->allow[0] ? "Allow: " : "", res->allow, res->allow[0] ? "\r\n" : "",
                     res->connection ? "Connection: " : "", res->connection ? res->connection : "",
                     res->connection ? "\r\n" : "", res->authenticate ? "WWW-Authenticate: " : "",
                     res->authenticate ? res->authenticate : "", res->authenticate ? "\r\n" : "",
                     res->body ? "Content-Type: " : "",
                     res->body ? (res->content_type ? res->content_type : "application/json") : "",
                     res->body ? "\r\n" : "",
                     length);
    if (n < 0 || (size_t)n >= sizeof head)
        return SL_EARG;

    size_t body_size = res->is_head ? 0 : res->body_size;
    char *buf = malloc((size_t)n + body_size);
    if (buf == NULL)
        return SL_ENOMEM;
    memcpy(buf, head, (size_t)n);
    if (body_size > 0)
        memcpy(buf + n, res->body, body_size);
    *out = buf;
    *out_size = (size_t)n + body_size;
    return 0;
}
