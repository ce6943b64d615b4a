/* libFuzzer target for the daemon's HTTP/1.1 request parser (daemon/net/http.c, on llhttp): every
 * input is parsed twice, whole and in input-derived chunks (down to one byte), resuming after
 * every pause as a connection does, with a small body limit and pauses asked for by the body
 * callback too. Both runs must see the same requests (method, target, body bytes and a hash of
 * them, keep-alive) and end the same way (both refused with a 4xx status, or both taking every
 * byte). Sanitizers catch
 * the rest: any crash, overflow or leak in the parser on hostile input is a finding. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_REQUESTS = 64, MAX_HEADER = 512, MAX_BODY = 1024 };

typedef struct outcome {
    unsigned n_requests;
    uint64_t digest;       /* FNV-1a over what each request looked like */
    uint64_t body_bytes;
    int error_status;
    size_t consumed;
    unsigned body_calls;
} outcome_t;

static void
mix(outcome_t *o, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        o->digest = (o->digest ^ b[i]) * 1099511628211u;
}

static bool
on_body(http_t *http, http_request_t *req, const char *data, size_t size)
{
    outcome_t *o = http->user;
    (void)req;
    o->body_bytes += size;
    mix(o, data, size);
    return ++o->body_calls % 3 == 0; /* ask for a pause now and then, as backpressure does */
}

static void
on_request(http_t *http, http_request_t *req)
{
    outcome_t *o = http->user;
    o->n_requests++;
    mix(o, &req->method, sizeof req->method);
    mix(o, req->target, req->target_len);
    mix(o, &req->body_size, sizeof req->body_size);
    uint8_t keep_alive = req->is_keep_alive;
    mix(o, &keep_alive, 1);
}

static const http_handlers_t handlers = {.on_body = on_body, .on_request = on_request};

/* Feeds [0, size) in pieces of at most `step` bytes (0: all at once), resuming after pauses. */
static outcome_t
parse(const uint8_t *data, size_t size, size_t step)
{
    outcome_t o = {.digest = 14695981039346656037u};
    http_t http;
    http_init(&http, MAX_HEADER, &handlers, &o);
    http.max_body_size = MAX_BODY;
    size_t at = 0;
    while (at < size && o.n_requests < MAX_REQUESTS) {
        size_t n = step && size - at > step ? step : size - at;
        size_t used = 0;
        int rc = http_feed(&http, (const char *)data + at, n, &used);
        at += used;
        if (rc != 0) {
            o.error_status = http.error_status;
            break;
        }
        if (http.is_paused)
            http_resume(&http);
        else if (used < n)
            abort(); /* neither paused nor failed, yet it did not take everything */
    }
    o.consumed = at;
    http_fini(&http);
    /* how often pauses were asked for depends on chunking, not the outcome */
    o.body_calls = 0;
    return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = 1 + data[0] % 17; /* the first byte picks the chunking; all bytes are input */
    outcome_t whole = parse(data, size, 0);
    outcome_t split = parse(data, size, step);
    /* A request that is both malformed and over a size limit is refused either way, but which
     * status it gets may depend on the chunking: llhttp reports a piece of the target or a
     * header only when the piece ends, so in one piece the malformed byte is seen first (400)
     * and in small pieces the size limit is (414 or 431). Failures must then agree that the
     * request is refused; where the input stopped depends on the chunking too. */
    bool is_same_end = whole.error_status != 0 || split.error_status != 0
                           ? whole.error_status / 100 == 4 && split.error_status / 100 == 4
                           : whole.consumed == split.consumed;
    if (whole.n_requests != split.n_requests || whole.digest != split.digest ||
        whole.body_bytes != split.body_bytes || !is_same_end) {
        fprintf(stderr,
                "whole: %u requests, %llu body bytes, status %d, %zu taken; "
                "in %zu-byte pieces: %u, %llu, %d, %zu\n",
                whole.n_requests, (unsigned long long)whole.body_bytes, whole.error_status,
                whole.consumed, step, split.n_requests, (unsigned long long)split.body_bytes,
                split.error_status, split.consumed);
        abort();
    }
    return 0;
}
