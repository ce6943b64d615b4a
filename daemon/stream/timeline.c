/* Timeline JSON and Chrome trace events (see timeline.h). */
#include "timeline.h"

#include <math.h>

#include "clock.h"

uint64_t
timeline_now_ns(void)
{
    return monotonic_ns();
}

void
timeline_take(timeline_t *t, const sl_compilation_timeline_t *c)
{
    t->first_byte_ns = c->first_byte_ns;
    t->code_section_start_ns = c->code_section_start_ns;
    t->last_byte_ns = c->last_byte_ns;
    t->baseline_done_ns = c->baseline_done_ns;
    t->functions_total = c->functions_total;
    t->functions_compiled_before_last_byte = c->functions_compiled_before_last_byte;
    t->compile_cpu_ns = c->compile_cpu_ns;
}

/* Milliseconds with 3 decimals: rounded here, so JSON shows 12.345 and not 12.345000001. */
static double
ms(uint64_t ns)
{
    return round((double)ns / 1e3) / 1e3;
}

/* A moment relative to the start, or JSON null for one that did not happen. */
static json_t *
at(const timeline_t *t, uint64_t ns)
{
    if (ns == 0 || ns < t->start_ns)
        return json_null();
    return json_real(ms(ns - t->start_ns));
}

json_t *
timeline_json(const timeline_t *t)
{
    json_t *ready_after = t->ready_ns != 0 && t->last_byte_ns != 0 && t->ready_ns >= t->last_byte_ns
                              ? json_real(ms(t->ready_ns - t->last_byte_ns))
                              : json_null();
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:o,s:f,s:I}",
                     "first_byte_ms", at(t, t->first_byte_ns),
                     "last_byte_ms", at(t, t->last_byte_ns),
                     "code_section_start_ms", at(t, t->code_section_start_ns),
                     "baseline_done_ms", at(t, t->baseline_done_ns),
                     "ready_ms", at(t, t->ready_ns),
                     "functions_total", (json_int_t)t->functions_total,
                     "functions_compiled_before_last_byte",
                     (json_int_t)t->functions_compiled_before_last_byte,
                     "ready_after_last_byte_ms", ready_after,
                     "compile_cpu_ms", ms(t->compile_cpu_ns),
                     "size", (json_int_t)t->size);
}

/* Trace timestamps: microseconds since the request's start (a trace needs only one origin). */
static double
us(const timeline_t *t, uint64_t ns)
{
    return ns > t->start_ns ? (double)(ns - t->start_ns) / 1e3 : 0;
}

/* Appends an event: a span ("X") from `from` to `to`, or an instant ("i") when `to` is 0. */
static void
event(json_t *events, const timeline_t *t, const char *name, uint64_t from, uint64_t to,
      json_t *args)
{
    json_t *e;
    if (from == 0) {
        json_decref(args);
        return;
    }
    if (to != 0)
        e = json_pack("{s:s,s:s,s:s,s:f,s:f,s:i,s:i,s:o}", "name", name, "cat", "v8.wasm", "ph",
                      "X", "ts", us(t, from), "dur", to > from ? (double)(to - from) / 1e3 : 0,
                      "pid", 1, "tid", 1, "args", args != NULL ? args : json_object());
    else
        e = json_pack("{s:s,s:s,s:s,s:f,s:s,s:i,s:i,s:o}", "name", name, "cat", "v8.wasm", "ph",
                      "i", "ts", us(t, from), "s", "t", "pid", 1, "tid", 1, "args",
                      args != NULL ? args : json_object());
    json_array_append_new(events, e);
}

json_t *
timeline_trace(const timeline_t *t, const char *name)
{
    json_t *events = json_array();
    if (events == NULL)
        return NULL;
    json_t *meta = json_pack("{s:s,s:s,s:i,s:i,s:{s:s}}", "name", "process_name", "ph", "M", "pid",
                             1, "tid", 1, "args", "name", "slipstreamd");
    json_array_append_new(events, meta);
    event(events, t, "wasm.StartStreamingCompilation", t->start_ns, 0,
          json_pack("{s:s}", "module", name));
    event(events, t, "wasm.StreamingTransfer", t->first_byte_ns, t->last_byte_ns,
          json_pack("{s:I}", "bytes", (json_int_t)t->size));
    event(events, t, "wasm.CodeSectionStart", t->code_section_start_ns, 0,
          json_pack("{s:I}", "functions", (json_int_t)t->functions_total));
    event(events, t, "wasm.BaselineCompilation", t->code_section_start_ns, t->baseline_done_ns,
          json_pack("{s:I,s:f}", "functions", (json_int_t)t->functions_total, "cpu_ms",
                    ms(t->compile_cpu_ns)));
    event(events, t, "wasm.BaselineFinished", t->baseline_done_ns, 0,
          json_pack("{s:I}", "compiled_before_last_byte",
                    (json_int_t)t->functions_compiled_before_last_byte));
    event(events, t, "wasm.ModuleReady", t->ready_ns, 0, NULL);
    return json_pack("{s:o,s:s}", "traceEvents", events, "displayTimeUnit", "ms");
}
