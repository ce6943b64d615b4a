/* Helpers for tests that decode hand-written module bytes: decode in one call, or feed a stream in
 * two chunks or byte by byte, and keep only the outcome (code and sl_error_t). Each call owns its
 * stream and drops the module, if any, before returning. */
#ifndef SL_WASM_FIXTURE_H
#define SL_WASM_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "slipstream.h"

/* The eight bytes every fixture starts with. */
#define WASM_HEADER                                                                                \
    0x00, 0x61, 0x73, 0x6d, /* @0 magic "\0asm" */                                                 \
    0x01, 0x00, 0x00, 0x00  /* @4 version 1 */

/* Pass as `cut` to feed one byte per call. */
#define FIXTURE_BYTEWISE SIZE_MAX

static inline void
fixture_clear_error(sl_error_t *err)
{
    memset(err, 0, sizeof *err);
    err->section = SL_NO_SECTION;
    err->func_index = SL_NO_INDEX;
}

/* sl_module_decode on the whole buffer; returns its code and fills *err. */
static inline int
fixture_decode(const uint8_t *bytes, size_t size, const sl_stream_options_t *options,
               sl_error_t *err)
{
    sl_module_t *module = NULL;
    int rc = sl_module_decode(bytes, size, options, &module, err);
    sl_module_unref(module);
    return rc;
}

/* Feeds bytes [0, cut) and then [cut, size) (or one byte per call for FIXTURE_BYTEWISE), then
 * finishes. Returns the first error code (0 on success) and fills *err with the stream's first
 * error, cleared when there is none. */
static inline int
fixture_decode_chunked(const uint8_t *bytes, size_t size, size_t cut,
                       const sl_stream_options_t *options, sl_error_t *err)
{
    sl_stream_t *stream = NULL;
    sl_module_t *module = NULL;
    fixture_clear_error(err);
    int rc = sl_stream_new(options, &stream);
    if (rc != 0) {
        err->code = rc;
        return rc;
    }
    if (cut == FIXTURE_BYTEWISE) {
        for (size_t i = 0; i < size && rc == 0; i++)
            rc = sl_stream_feed(stream, bytes + i, 1);
    } else {
        rc = sl_stream_feed(stream, bytes, cut);
        if (rc == 0)
            rc = sl_stream_feed(stream, bytes + cut, size - cut);
    }
    if (rc == 0)
        rc = sl_stream_finish(stream, &module);
    const sl_error_t *first = sl_stream_error(stream);
    if (first)
        *err = *first;
    sl_module_unref(module);
    sl_stream_free(stream);
    return rc;
}

#endif
