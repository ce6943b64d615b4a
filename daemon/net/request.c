/* The request object shared by a connection and a route handler (see request.h). */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

/* A request and its copied head are one allocation: the request, then the target and the header
 * block, so a request costs the bytes of its head, not a record per header. */
request_t *
request_new(const http_request_t *head, const request_owner_ops_t *ops, void *owner)
{
    size_t target_size = head->target_len + 1;
    request_t *req = calloc(1, sizeof *req + target_size + head->headers_size);
    if (req == NULL)
        return NULL;
    char *text = (char *)(req + 1);
    memcpy(text, head->target, target_size);
    req->target = text;
    if (head->headers_size > 0)
        memcpy(text + target_size, head->headers, head->headers_size);
    req->headers = text + target_size;
    req->headers_size = head->headers_size;
    req->method = head->method;
    req->method_name = head->method_name;
    req->http_major = head->http_major;
    req->http_minor = head->http_minor;
    req->has_content_length = head->has_content_length;
    req->content_length = head->content_length;
    req->is_keep_alive = head->is_keep_alive;
    req->path = req->target;
    req->path_len = head->target_len;
    req->route = "other";
    req->owner_ops = ops;
    req->owner = owner;
    response_init(&req->response);
    return req;
}

static void
maybe_free(request_t *req)
{
    if (req->owner == NULL && !req->is_handler_holding) {
        response_fini(&req->response);
        free(req);
    }
}

void
request_start_handler(request_t *req)
{
    req->is_handler_holding = true;
}

void
request_set_body(request_t *req, const request_body_handler_t *body, void *user)
{
    req->body = body;
    req->user = user;
}

static void
finish_body(request_t *req)
{
    req->is_end_pending = false;
    req->is_body_done = true;
    req->is_paused = false;
    if (req->is_handler_holding && !req->has_response && req->body != NULL &&
        req->body->on_end != NULL)
        req->body->on_end(req);
}

static void
set_paused(request_t *req, bool is_paused)
{
    if (req->is_paused == is_paused)
        return;
    req->is_paused = is_paused;
    if (!is_paused && req->is_end_pending) {
        finish_body(req); /* the end arrived during the pause; reading is the next request's */
        return;
    }
    if (req->owner != NULL && req->owner_ops->on_flow != NULL)
        req->owner_ops->on_flow(req->owner, req);
}

void
request_pause(request_t *req)
{
    set_paused(req, true);
}

void
request_resume(request_t *req)
{
    set_paused(req, false);
}

/* The handler's end: its reference goes, and the owner hears of an answer it can still send. */
static void
end_handler(request_t *req)
{
    req->is_handler_holding = false;
    req->body = NULL;
    req->is_paused = false;
    if (req->is_end_pending) {
        req->is_end_pending = false;
        req->is_body_done = true;
    }
    if (req->owner != NULL && req->owner_ops->on_reply != NULL)
        req->owner_ops->on_reply(req->owner, req); /* may detach the request */
    else
        maybe_free(req);
}

void
request_reply(request_t *req, response_t *res)
{
    if (!req->is_handler_holding)
        return; /* a second end is a handler bug; the first answer stands */
    /* After an abort the owner has answered already (or nobody is listening). */
    if (!req->is_aborted && !req->has_response) {
        response_fini(&req->response);
        req->response = *res;
        response_init(res);
        req->has_response = true;
    }
    end_handler(req);
}

void
request_reply_json(request_t *req, int status, json_t *json)
{
    response_t res;
    response_init(&res);
    if (json != NULL && response_json(&res, status, json) == 0)
        request_reply(req, &res);
    else
        request_reply_error(req, 500, NULL, NULL, "out of memory");
    response_fini(&res);
    json_decref(json);
}

void
request_reply_error(request_t *req, int status, const char *code, json_t *extra, const char *fmt,
                    ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    response_t res;
    response_init(&res);
    json_t *body = response_error_json(status, code, extra, message);
    if (body == NULL || response_json(&res, status, body) < 0)
        res.status = 500; /* no body: the owner still answers */
    json_decref(body);
    request_reply(req, &res);
    response_fini(&res);
}

void
request_release(request_t *req)
{
    if (!req->is_handler_holding)
        return;
    if (!req->is_aborted) {
        request_reply_error(req, 500, NULL, NULL, "the handler gave no answer");
        return;
    }
    end_handler(req);
}

const char *
request_header(const request_t *req, const char *name, size_t *len)
{
    return http_header_find(req->headers, req->headers_size, name, len);
}

void
request_deliver_chunk(request_t *req, const char *data, size_t size)
{
    req->body_size += size;
    if (req->is_handler_holding && !req->has_response && req->body != NULL &&
        req->body->on_chunk != NULL)
        req->body->on_chunk(req, data, size);
}

void
request_deliver_end(request_t *req)
{
    if (req->is_paused && req->is_handler_holding && !req->has_response) {
        req->is_end_pending = true;
        return;
    }
    finish_body(req);
}

void
request_abort(request_t *req, int reason)
{
    if (req->is_aborted || req->has_response)
        return;
    req->is_aborted = true;
    req->abort_reason = reason;
    req->is_paused = false;
    req->is_end_pending = false;
    if (req->is_handler_holding && req->body != NULL && req->body->on_abort != NULL)
        req->body->on_abort(req, reason); /* may end the handler's part */
}

void
request_answer(request_t *req, int status, const char *message)
{
    if (req->has_response)
        return;
    response_fini(&req->response);
    response_init(&req->response);
    if (response_error(&req->response, status, "%s", message) < 0)
        req->response.status = status;
    req->has_response = true;
}

void
request_detach(request_t *req)
{
    req->owner = NULL;
    maybe_free(req);
}
