/* The streaming timeline of one module upload: when its bytes arrived and when its functions
 * compiled, relative to the start of the request, as JSON and as Chrome trace events.
 *
 * Times are CLOCK_MONOTONIC nanoseconds (the engine's sl_compilation_timeline_t uses the same
 * clock), 0 for "did not happen". JSON reports milliseconds relative to start_ns with 3 decimals:
 *
 *   first_byte_ms, last_byte_ms, code_section_start_ms, baseline_done_ms, ready_ms,
 *   functions_total, functions_compiled_before_last_byte,
 *   ready_after_last_byte_ms (ready minus last byte: the compile time the transfer did not hide),
 *   compile_cpu_ms, size
 *
 * The trace form ({"traceEvents": [...]}, timestamps in microseconds) opens in Perfetto and
 * chrome://tracing; its names follow V8's "v8.wasm" category: wasm.StreamingTransfer (first to
 * last byte), wasm.StartStreamingCompilation (request start), wasm.CodeSectionStart,
 * wasm.BaselineCompilation (code section start to baseline done), wasm.BaselineFinished,
 * wasm.ModuleReady.
 *
 * Ownership: timeline_t is a plain value; the json_t results are new references (NULL when out
 * of memory).
 * Threading: no shared state.
 */
#ifndef SL_TIMELINE_H
#define SL_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "slipstream.h"

typedef struct timeline {
    uint64_t start_ns; /* the request's headers were in */
    uint64_t first_byte_ns;
    uint64_t code_section_start_ns;
    uint64_t last_byte_ns;
    uint64_t baseline_done_ns;
    uint64_t ready_ns; /* the module replaced the old version (loop thread) */
    uint32_t functions_total;
    uint32_t functions_compiled_before_last_byte;
    uint64_t compile_cpu_ns;
    uint64_t size; /* bytes of the module */
} timeline_t;

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t timeline_now_ns(void);

/* Fills the compile part of `t` from the engine's record. */
void timeline_take(timeline_t *t, const sl_compilation_timeline_t *c);

json_t *timeline_json(const timeline_t *t);

/* Chrome trace events for module `name`. */
json_t *timeline_trace(const timeline_t *t, const char *name);

#endif
