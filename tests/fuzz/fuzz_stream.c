/* libFuzzer target for the streaming decoder. Besides "never crash, never leak" it checks the
 * decoder's central promise: the input decoded whole and decoded in chunks (sizes taken from the
 * input's own bytes) must agree on the outcome, the error and the body events. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct events {
    uint64_t hash;
    uint32_t n;
} events_t;

static int
on_body(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body, size_t size,
        sl_error_t *err)
{
    events_t *e = user;
    e->hash = (e->hash ^ func_index) * 1099511628211ull;
    e->hash = (e->hash ^ size) * 1099511628211ull;
    e->n++;
    return 0;
}

static int
decode(const uint8_t *data, size_t size, size_t chunk_seed, events_t *events, sl_error_t *err)
{
    sl_limits_t limits;
    sl_limits_init(&limits);
    limits.max_module_size = 1 << 20; /* keep runs fast */
    sl_stream_options_t options = {.limits = &limits, .on_body = on_body, .user = events};
    sl_stream_t *s;
    if (sl_stream_new(&options, &s) != 0)
        abort();
    int rc = 0;
    size_t at = 0;
    while (at < size && rc == 0) {
        size_t n = chunk_seed ? 1 + (chunk_seed + at * 31) % 17 : size;
        if (n > size - at)
            n = size - at;
        rc = sl_stream_feed(s, data + at, n);
        at += n;
    }
    sl_module_t *m = NULL;
    rc = sl_stream_finish(s, &m);
    memset(err, 0, sizeof *err);
    if (rc != 0)
        *err = *sl_stream_error(s);
    sl_stream_free(s);
    sl_module_unref(m);
    return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    events_t whole = {1469598103934665603ull, 0}, chunked = whole;
    sl_error_t err_whole, err_chunked;
    int rc_whole = decode(data, size, 0, &whole, &err_whole);
    int rc_chunked = decode(data, size, size ? data[size / 2] + 1u : 1u, &chunked, &err_chunked);
    if (rc_whole != rc_chunked || whole.hash != chunked.hash || whole.n != chunked.n ||
        err_whole.offset != err_chunked.offset ||
        strcmp(err_whole.message, err_chunked.message) != 0) {
        fprintf(stderr, "whole and chunked decoding disagree: %d \"%s\" vs %d \"%s\"\n", rc_whole,
                err_whole.message, rc_chunked, err_chunked.message);
        abort();
    }
    return 0;
}
