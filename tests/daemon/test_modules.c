/* modules_suite: the module API of slipstreamd against the real daemon (SLIPSTREAMD) on
 * 127.0.0.1:0: uploads compiled while they stream (also throttled, chunked, cut off), invocations
 * with lossless values, traps and deadlines, replacement, errors with their detail, limits,
 * concurrency, timelines, trace events and metrics. Modules are written in WAT and converted with
 * wat2wasm (SL_WAT2WASM) at test time. Each test starts its own daemon and ends by stopping it
 * cleanly (status 0, only log lines on stderr: a sanitizer's report fails the test). */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_client.h"
#include "suite.h"
#include "wat.h"

static const char calc_wat[] =
    "(module\n"
    "  (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)\n"
    "  (func (export \"add64\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)\n"
    "  (func (export \"mulf\") (param f32 f32) (result f32) local.get 0 local.get 1 f32.mul)\n"
    "  (func (export \"divd\") (param f64 f64) (result f64) local.get 0 local.get 1 f64.div)\n"
    "  (func (export \"idf\") (param f64) (result f64) local.get 0)\n"
    "  (func (export \"pair\") (param i32) (result i32 i64) local.get 0 i64.const -1)\n"
    "  (func (export \"boom\") unreachable)\n"
    "  (func (export \"div0\") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)\n"
    "  (func (export \"spin\") (loop br 0))\n"
    "  (memory (export \"mem\") 1))\n";

static const char v1_wat[] = "(module (func (export \"version\") (result i32) i32.const 1))";
static const char v2_wat[] = "(module (func (export \"version\") (result i32) i32.const 2))";

/* type () -> (i32); a body returning an i64: "type mismatch" in the code section, function 0. */
static const uint8_t mistyped_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* magic, version */
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,       /* type section: () -> (i32) */
    0x03, 0x02, 0x01, 0x00,                         /* function section: one of type 0 */
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b, /* code: no locals, i64.const 0, end */
};

/* ---- tests ----------------------------------------------------------------------------------- */

START_TEST(test_modules_put_then_invoke_with_lossless_values)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    json_t *json = parse(&r);
    ck_assert_str_eq(json_string_value(json_object_get(json, "name")), "calc");
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(json, "sha256"))), 64);
    ck_assert_int_gt(json_integer_value(json_object_get(json, "size")), 8);
    json_t *exports = json_object_get(json, "exports");
    ck_assert_uint_eq(json_array_size(exports), 10);
    json_t *add = json_array_get(exports, 0);
    ck_assert_str_eq(json_string_value(json_object_get(add, "name")), "add");
    ck_assert_str_eq(json_string_value(json_object_get(add, "kind")), "func");
    ck_assert_str_eq(json_string_value(json_object_get(add, "type")), "(i32, i32) -> (i32)");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(exports, 9), "kind")),
                     "memory");
    ck_assert_ptr_nonnull(json_object_get(json, "timeline"));
    json_decref(json);

    assert_invoke("calc", "add", "[1, 2]", "[3]");
    assert_invoke("calc", "add", "[2147483647, 1]", "[-2147483648]");
    assert_invoke("calc", "add", "[4294967295, 0]", "[-1]");
    assert_invoke("calc", "add64", "[\"9223372036854775807\", \"1\"]", "[\"-9223372036854775808\"]");
    assert_invoke("calc", "add64", "[\"18446744073709551615\", 2]", "[\"1\"]");
    assert_invoke("calc", "mulf", "[1.5, 0.1]", "[0.15]");
    assert_invoke("calc", "mulf", "[\"inf\", -1]", "[\"-inf\"]");
    assert_invoke("calc", "divd", "[1, 3]", "[0.3333333333333333]");
    assert_invoke("calc", "divd", "[0.1, 1]", "[0.1]");
    assert_invoke("calc", "divd", "[1, 0]", "[\"inf\"]");
    assert_invoke("calc", "divd", "[-1, 0]", "[\"-inf\"]");
    assert_invoke("calc", "divd", "[-0.0, 1]", "[-0]");
    assert_invoke("calc", "idf", "[\"nan\"]", "[\"nan\"]");
    assert_invoke("calc", "idf", "[\"-nan\"]", "[\"-nan\"]");
    assert_invoke("calc", "idf", "[\"nan:0x1\"]", "[\"nan:0x1\"]");
    assert_invoke("calc", "idf", "[1e300]", "[1e+300]");
    assert_invoke("calc", "pair", "[7]", "[7,\"-1\"]");
    assert_invoke("calc", "div0", "[2]", "[0]");

    /* Uploading the same name again replaces it: 200, not 201. */
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 200);
    stop();
}
END_TEST

START_TEST(test_modules_reject_bad_arguments_with_400)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    invoke("calc", "add", "[1]", &r);
    assert_error(&r, 400, "bad_arguments", "takes 2 arguments, got 1");
    invoke("calc", "add", "[1, \"x\"]", &r);
    assert_error(&r, 400, "bad_arguments", "argument 1");
    invoke("calc", "add", "[1, 4294967296]", &r);
    assert_error(&r, 400, "bad_arguments", "out of range");
    invoke("calc", "add64", "[\"12a\", \"1\"]", &r);
    assert_error(&r, 400, "bad_arguments", "decimal string");
    invoke("calc", "idf", "[\"nan:0x0\"]", &r);
    assert_error(&r, 400, "bad_arguments", "argument 0");
    invoke("calc", "add", "{\"a\": 1}", &r);
    assert_error(&r, 400, "bad_arguments", "JSON array");
    invoke("calc", "add", "[1, 2", &r);
    assert_error(&r, 400, "bad_arguments", "not JSON");
    invoke("calc", "mem", "[]", &r);
    assert_error(&r, 400, "not_a_function", "mem");
    assert_invoke("calc", "add", "[40, 2]", "[42]"); /* still serving */
    stop();
}
END_TEST

START_TEST(test_modules_traps_are_422_with_the_spec_message)
{
    start((const char *const[]){"--invoke-timeout-ms", "300", NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    invoke("calc", "boom", "[]", &r);
    assert_error(&r, 422, "trap", "unreachable");
    invoke("calc", "div0", "[0]", &r);
    assert_error(&r, 422, "trap", "integer divide by zero");
    double t0 = now_s();
    invoke("calc", "spin", "[]", &r);
    double took = now_s() - t0;
    assert_error(&r, 422, "trap", "interrupted");
    ck_assert_msg(took >= 0.25 && took < 5, "the deadline cut after %.3f s", took);
    assert_invoke("calc", "add", "[1, 2]", "[3]");

    http("GET", "/metrics", NULL, 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_traps_total{kind=\"unreachable\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_traps_total{kind=\"interrupted\"} 1\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "slipstream_traps_total{kind=\"integer_divide_by_zero\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_invocations_total{result=\"trap\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_invocations_total{result=\"ok\"} 1\n"));
    stop();
}
END_TEST

START_TEST(test_modules_replacement_and_failed_upload_keep_serving)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("app", v1_wat, &r), 201);
    assert_invoke("app", "version", "[]", "[1]");
    ck_assert_int_eq(put_wat("app", v2_wat, &r), 200);
    assert_invoke("app", "version", "[]", "[2]");

    /* v3 is invalid: 400 with where the engine found it, and v2 keeps serving. */
    http("PUT", "/v1/modules/app", mistyped_wasm, sizeof mistyped_wasm, &r);
    assert_error(&r, 400, "invalid", "type mismatch");
    json_t *json = parse(&r);
    json_t *error = json_object_get(json, "error");
    ck_assert_str_eq(json_string_value(json_object_get(error, "section")), "code");
    ck_assert_int_eq(json_integer_value(json_object_get(error, "function")), 0);
    ck_assert_int_gt(json_integer_value(json_object_get(error, "offset")), 22);
    ck_assert_int_le(json_integer_value(json_object_get(error, "offset")),
                     (json_int_t)sizeof mistyped_wasm);
    json_decref(json);
    assert_invoke("app", "version", "[]", "[2]");

    /* Garbage: malformed, offset 0, no section or function. */
    http("PUT", "/v1/modules/app", "not wasm at all", 15, &r);
    assert_error(&r, 400, "malformed", "magic header");
    json = parse(&r);
    error = json_object_get(json, "error");
    ck_assert_int_eq(json_integer_value(json_object_get(error, "offset")), 0);
    ck_assert(json_is_null(json_object_get(error, "section")));
    ck_assert(json_is_null(json_object_get(error, "function")));
    json_decref(json);
    /* Truncated: the end comes too early. */
    size_t size;
    uint8_t *bytes = wasm_of(v1_wat, &size);
    http("PUT", "/v1/modules/app", bytes, size - 3, &r);
    assert_error(&r, 400, "malformed", "unexpected end");
    json = parse(&r);
    error = json_object_get(json, "error");
    /* The cut falls inside the one body (i32.const 1, end): the error names its function. */
    ck_assert_str_eq(json_string_value(json_object_get(error, "section")), "code");
    ck_assert_int_eq(json_integer_value(json_object_get(error, "function")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(error, "body_offset")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(error, "offset")), (json_int_t)size - 3);
    json_decref(json);
    free(bytes);
    assert_invoke("app", "version", "[]", "[2]");

    http("GET", "/metrics", NULL, 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_module_upload_failures_total{kind=\"invalid\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_modules_compiled_total 2\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_modules 1\n"));
    stop();
}
END_TEST

static const char counter_wat[] =
    "(module (global $n (mut i32) (i32.const 0))"
    " (func (export \"next\") (result i32)"
    "   (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))"
    " (func (export \"boom\") unreachable))";

START_TEST(test_modules_fresh_instance_per_call_unless_idle_instances)
{
    reply_t r;
    start(NULL); /* the default: every call starts from the module's initial state */
    ck_assert_int_eq(put_wat("c", counter_wat, &r), 201);
    assert_invoke("c", "next", "[]", "[1]");
    assert_invoke("c", "next", "[]", "[1]");
    stop();

    start((const char *const[]){"--invoke-idle-instances", "2", NULL});
    ck_assert_int_eq(put_wat("c", counter_wat, &r), 201);
    assert_invoke("c", "next", "[]", "[1]");
    assert_invoke("c", "next", "[]", "[2]"); /* the same instance, its global carried over */
    assert_invoke("c", "next", "[]", "[3]");
    invoke("c", "boom", "[]", &r); /* takes the kept instance and traps: it is dropped */
    assert_error(&r, 422, "trap", "unreachable");
    assert_invoke("c", "next", "[]", "[1]");
    assert_invoke("c", "next", "[]", "[2]");
    ck_assert_int_eq(put_wat("c", counter_wat, &r), 200);
    assert_invoke("c", "next", "[]", "[1]"); /* a new version never gets an old one's */
    stop();
}
END_TEST

static const char memory_wat[] =
    "(module (memory 1)"
    " (global $n (mut i32) (i32.const 0))"
    " (func (export \"next\") (result i32)"
    "   (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))"
    " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    " (func (export \"size\") (result i32) (memory.size))"
    " (func (export \"grow_and_fill\") (param i32) (result i32)"
    "   (if (i32.lt_s (memory.grow (local.get 0)) (i32.const 0))"
    "     (then (return (i32.const -1))))"
    "   (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))"
    "   (i32.const 0)))";

/* The probe of issue 10: a call growing memory to 1 GiB and filling it ran for seconds past a
 * 100 ms deadline, and nothing bounded the memory. */
START_TEST(test_modules_memory_limits_and_deadlines_hold)
{
    start((const char *const[]){"--invoke-timeout-ms", "100", "--invoke-max-memory", "1073741824",
                                NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("m", memory_wat, &r), 201);
    double t0 = now_s();
    invoke("m", "grow_and_fill", "[16383]", &r);
    double took = now_s() - t0;
    assert_error(&r, 422, "trap", "interrupted");
    ck_assert_msg(took < 2, "the fill stopped after %.3f s", took);
    assert_invoke("m", "grow", "[16384]", "[-1]"); /* 16385 pages: past max_memory */
    assert_invoke("m", "grow", "[16383]", "[1]");  /* exactly max_memory */

    ck_assert_int_eq(put_wat("big", "(module (memory 16385)"
                                    " (func (export \"f\") (result i32) (i32.const 1)))", &r),
                     201);
    invoke("big", "f", "[]", &r);
    assert_error(&r, 422, "limit", "memory of 16385 pages (1073807360 bytes) is over the store's "
                                   "limit of 1073741824 bytes");
    stop();

    /* The daemon-wide cap: three instances of 1 GiB do not fit in 2.5 GiB. */
    start((const char *const[]){"--invoke-max-memory", "1073741824", "--invoke-max-total-memory",
                                "2684354560", "--invoke-idle-instances", "4", NULL});
    ck_assert_int_eq(put_wat("a", "(module (memory 16384) (func (export \"f\")))", &r), 201);
    ck_assert_int_eq(put_wat("b", "(module (memory 16384) (func (export \"f\")))", &r), 201);
    ck_assert_int_eq(put_wat("c", "(module (memory 16384) (func (export \"f\")))", &r), 201);
    assert_invoke("a", "f", "[]", "[]"); /* kept idle: its memory stays committed */
    assert_invoke("b", "f", "[]", "[]");
    invoke("c", "f", "[]", &r);
    assert_error(&r, 422, "limit", "is over the engine's budget of 2684354560 bytes");
    http("GET", "/metrics", NULL, 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_wasm_memory_committed_bytes 2147483648\n"));
    stop();
}
END_TEST

/* An idle instance gives back what it grew: it is dropped, and the next call starts afresh. */
START_TEST(test_modules_idle_instance_keeps_no_grown_memory)
{
    start((const char *const[]){"--invoke-idle-instances", "2", NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("m", memory_wat, &r), 201);
    assert_invoke("m", "next", "[]", "[1]");
    assert_invoke("m", "next", "[]", "[2]"); /* kept: the global carried over */
    assert_invoke("m", "grow", "[15]", "[1]");
    assert_invoke("m", "size", "[]", "[1]"); /* a fresh instance, at its initial size */
    assert_invoke("m", "next", "[]", "[1]");
    http("GET", "/metrics", NULL, 0, &r);
    ck_assert_ptr_nonnull(strstr(r.body, "slipstream_wasm_memory_committed_bytes 65536\n"));
    stop();
}
END_TEST

START_TEST(test_modules_404_list_get_delete)
{
    start(NULL);
    reply_t r;
    http("GET", "/v1/modules/none", NULL, 0, &r);
    assert_error(&r, 404, "unknown_module", "none");
    invoke("none", "f", "[]", &r);
    assert_error(&r, 404, "unknown_module", "none");
    http("DELETE", "/v1/modules/none", NULL, 0, &r);
    assert_error(&r, 404, "unknown_module", "none");
    http("GET", "/v1/modules/none/timeline", NULL, 0, &r);
    assert_error(&r, 404, "unknown_module", "none");
    http("PUT", "/v1/modules/bad%20name", "x", 1, &r);
    assert_error(&r, 400, "bad_name", "module name");

    ck_assert_int_eq(put_wat("a", v1_wat, &r), 201);
    ck_assert_int_eq(put_wat("b", calc_wat, &r), 201);
    invoke("a", "nope", "[]", &r);
    assert_error(&r, 404, "unknown_export", "nope");

    http("GET", "/v1/modules", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    json_t *json = parse(&r);
    json_t *list = json_object_get(json, "modules");
    ck_assert_uint_eq(json_array_size(list), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "name")), "a");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "name")), "b");
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(json_array_get(list, 1), "sha256"))),
                      64);
    json_decref(json);

    /* GET is the PUT reply again. */
    reply_t put;
    ck_assert_int_eq(put_wat("b", calc_wat, &put), 200);
    http("GET", "/v1/modules/b", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, put.body);

    http("DELETE", "/v1/modules/a", NULL, 0, &r);
    ck_assert_int_eq(r.status, 204);
    ck_assert_uint_eq(r.body_len, 0);
    http("GET", "/v1/modules/a", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    invoke("a", "version", "[]", &r);
    ck_assert_int_eq(r.status, 404);
    assert_invoke("b", "add", "[1, 1]", "[2]"); /* the other module is untouched */
    stop();
}
END_TEST

START_TEST(test_modules_imports_are_422)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("imp", "(module (import \"env\" \"f\" (func)) "
                                    "(func (export \"g\") call 0))", &r), 201);
    invoke("imp", "g", "[]", &r);
    assert_error(&r, 422, "module_has_imports", "module has imports");
    stop();
}
END_TEST

START_TEST(test_modules_over_max_module_size_is_413)
{
    start((const char *const[]){"--max-module-size", "100", NULL});
    reply_t r;
    char big[400];
    memset(big, 0, sizeof big);
    http("PUT", "/v1/modules/big", big, sizeof big, &r);
    assert_error(&r, 413, "too_large", "max_module_size");

    /* Chunked: no length up front, refused when it crosses the limit. */
    CURL *curl = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/modules/big", proc.port);
    struct curl_slist *headers = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    memset(&r, 0, sizeof r);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, big);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)sizeof big);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    ck_assert_int_eq(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    assert_error(&r, 413, "too_large", "max_module_size");

    ck_assert_int_eq(put_wat("small", v1_wat, &r), 201);
    assert_invoke("small", "version", "[]", "[1]");
    stop();
}
END_TEST

START_TEST(test_modules_timeline_json_and_trace)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    http("GET", "/v1/modules/calc/timeline", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    json_t *t = parse(&r);
    static const char *const ms[] = {"first_byte_ms", "last_byte_ms", "code_section_start_ms",
                                     "baseline_done_ms", "ready_after_last_byte_ms",
                                     "compile_cpu_ms"};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        ck_assert_msg(json_is_number(json_object_get(t, ms[i])) &&
                          json_number_value(json_object_get(t, ms[i])) >= 0,
                      "%s missing in %s", ms[i], r.body);
    double first = json_number_value(json_object_get(t, "first_byte_ms"));
    double last = json_number_value(json_object_get(t, "last_byte_ms"));
    double code = json_number_value(json_object_get(t, "code_section_start_ms"));
    ck_assert(first <= code && code <= last);
    ck_assert_int_eq(json_integer_value(json_object_get(t, "functions_total")), 9);
    ck_assert_int_le(json_integer_value(json_object_get(t, "functions_compiled_before_last_byte")),
                     9);
    json_decref(t);

    http("GET", "/v1/modules/calc/timeline?format=trace", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    json_t *trace = parse(&r);
    json_t *events = json_object_get(trace, "traceEvents");
    ck_assert(json_is_array(events));
    bool has_start = false, has_finished = false, has_transfer = false;
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *ph = json_string_value(json_object_get(e, "ph"));
        ck_assert_ptr_nonnull(name);
        ck_assert_ptr_nonnull(ph);
        if (strcmp(ph, "M") != 0) {
            ck_assert_str_eq(json_string_value(json_object_get(e, "cat")), "v8.wasm");
            ck_assert(json_is_number(json_object_get(e, "ts")));
        }
        has_start |= strcmp(name, "wasm.StartStreamingCompilation") == 0;
        has_finished |= strcmp(name, "wasm.BaselineFinished") == 0 && strcmp(ph, "i") == 0;
        has_transfer |= strcmp(name, "wasm.StreamingTransfer") == 0 && strcmp(ph, "X") == 0 &&
                        json_is_number(json_object_get(e, "dur"));
    }
    ck_assert(has_start && has_finished && has_transfer);
    json_decref(trace);
    stop();
}
END_TEST

/* ---- raw sockets: throttled and broken uploads ----------------------------------------------- */

static int
connect_raw(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proc.port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    return fd;
}

static void
send_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
        ck_assert_msg(n > 0, "send: %s", strerror(errno));
        p += n;
        size -= (size_t)n;
    }
}

/* Reads the whole answer (the request said Connection: close). */
static void
read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ck_assert_msg(poll(&pfd, 1, 20000) > 0, "no answer; got: %.*s", (int)len, buf);
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
}

START_TEST(test_modules_throttled_upload_compiles_before_the_last_byte)
{
    start(NULL);
    char *wat = many_functions_wat(300);
    size_t size;
    uint8_t *bytes = wasm_of(wat, &size);
    free(wat);
    ck_assert_uint_gt(size, 5000);

    int fd = connect_raw();
    const char head[] = "PUT /v1/modules/many HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
    send_all(fd, head, sizeof head - 1);
    const size_t piece = 256;
    for (size_t at = 0; at < size; at += piece) {
        size_t n = size - at < piece ? size - at : piece;
        char line[32];
        int len = snprintf(line, sizeof line, "%zx\r\n", n);
        send_all(fd, line, (size_t)len);
        send_all(fd, bytes + at, n);
        send_all(fd, "\r\n", 2);
        usleep(4000);
    }
    send_all(fd, "0\r\n\r\n", 5);
    static char answer[65536];
    read_all(fd, answer, sizeof answer);
    close(fd);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 201", 12) == 0, "%s", answer);
    json_t *json = json_loads(strstr(answer, "\r\n\r\n") + 4, 0, NULL);
    ck_assert_ptr_nonnull(json);
    json_t *t = json_object_get(json, "timeline");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "functions_total")), 300);
    ck_assert_int_gt(json_integer_value(json_object_get(t, "functions_compiled_before_last_byte")),
                     0);
    ck_assert_int_eq(json_integer_value(json_object_get(t, "size")), (json_int_t)size);
    double first = json_number_value(json_object_get(t, "first_byte_ms"));
    double last = json_number_value(json_object_get(t, "last_byte_ms"));
    ck_assert_msg(last - first > 50, "the transfer took %.3f ms", last - first);
    json_decref(json);
    free(bytes);
    assert_invoke("many", "f0", "[5]", "[640]"); /* ((5 * 1 + 0) ^ 85) rotl 3 */
    stop();
}
END_TEST

START_TEST(test_modules_client_gone_mid_upload_costs_nothing)
{
    start((const char *const[]){"--compile-queue-depth", "4", NULL});
    char *wat = many_functions_wat(300);
    size_t size;
    uint8_t *bytes = wasm_of(wat, &size);
    free(wat);
    for (int round = 0; round < 5; round++) {
        int fd = connect_raw();
        char head[200];
        int len = snprintf(head, sizeof head,
                           "PUT /v1/modules/gone HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n",
                           size);
        send_all(fd, head, (size_t)len);
        send_all(fd, bytes, size / 2 + (size_t)round * 100);
        usleep(20000);
        close(fd);
    }
    usleep(100000);
    reply_t r;
    http("GET", "/v1/modules/gone", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404); /* nothing half-uploaded was installed */
    http("PUT", "/v1/modules/gone", bytes, size, &r);
    ck_assert_int_eq(r.status, 201);
    free(bytes);
    http("GET", "/metrics", NULL, 0, &r);
    ck_assert_ptr_nonnull(
        strstr(r.body, "slipstream_module_upload_failures_total{kind=\"aborted\"} 5\n"));
    stop();
}
END_TEST

/* ---- concurrency ----------------------------------------------------------------------------- */

typedef struct worker {
    pthread_t thread;
    int index;
    long put_status;
    long invoke_status;
    char result[128];
} worker_t;

static uint8_t *shared_wasm;
static size_t shared_size;

static void *
upload_and_invoke(void *arg)
{
    worker_t *w = arg;
    char path[128];
    reply_t *r = malloc(sizeof *r);
    snprintf(path, sizeof path, "/v1/modules/w%d", w->index);
    http("PUT", path, shared_wasm, shared_size, r);
    w->put_status = r->status;
    char args[64];
    snprintf(args, sizeof args, "[%d, 1000]", w->index);
    invoke(path + strlen("/v1/modules/"), "add", args, r);
    w->invoke_status = r->status;
    size_t n = r->body_len < sizeof w->result - 1 ? r->body_len : sizeof w->result - 1;
    memcpy(w->result, r->body, n);
    w->result[n] = '\0';
    free(r);
    return NULL;
}

START_TEST(test_modules_serve_24_concurrent_uploads_and_invocations)
{
    start(NULL);
    shared_wasm = wasm_of(calc_wat, &shared_size);
    worker_t workers[24];
    for (int i = 0; i < 24; i++) {
        workers[i] = (worker_t){.index = i};
        ck_assert_int_eq(pthread_create(&workers[i].thread, NULL, upload_and_invoke, &workers[i]),
                         0);
    }
    for (int i = 0; i < 24; i++) {
        pthread_join(workers[i].thread, NULL);
        ck_assert_int_eq(workers[i].put_status, 201);
        ck_assert_int_eq(workers[i].invoke_status, 200);
        char expected[64];
        snprintf(expected, sizeof expected, "{\"results\":[%d]}", 1000 + i);
        ck_assert_str_eq(workers[i].result, expected);
    }
    free(shared_wasm);
    reply_t r;
    http("GET", "/v1/modules", NULL, 0, &r);
    json_t *json = parse(&r);
    ck_assert_uint_eq(json_array_size(json_object_get(json, "modules")), 24);
    json_decref(json);
    stop();
}
END_TEST

static void *
invoke_spin(void *arg)
{
    long *status = arg;
    reply_t *r = malloc(sizeof *r);
    invoke("calc", "spin", "[]", r);
    *status = r->status;
    free(r);
    return NULL;
}

START_TEST(test_modules_invocations_over_the_limit_get_429)
{
    start((const char *const[]){"--invoke-max-concurrent", "2", "--invoke-timeout-ms", "1500",
                                NULL});
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    pthread_t threads[2];
    long statuses[2] = {0, 0};
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, invoke_spin, &statuses[i]), 0);
    usleep(500000); /* both are spinning now */
    invoke("calc", "add", "[1, 2]", &r);
    assert_error(&r, 429, "too_many_invocations", "in progress");
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_int_eq(statuses[i], 422);
    }
    assert_invoke("calc", "add", "[1, 2]", "[3]"); /* room again */
    stop();
}
END_TEST

START_TEST(test_modules_metrics_are_exported)
{
    start(NULL);
    reply_t r;
    ck_assert_int_eq(put_wat("calc", calc_wat, &r), 201);
    assert_invoke("calc", "add", "[1, 2]", "[3]");
    http("GET", "/metrics", NULL, 0, &r);
    static const char *const lines[] = {
        "# TYPE slipstream_module_ready_after_last_byte_seconds histogram\n",
        "slipstream_module_ready_after_last_byte_seconds_bucket{le=\"+Inf\"} 1\n",
        "slipstream_module_ready_after_last_byte_seconds_count 1\n",
        "slipstream_module_ready_after_last_byte_seconds_sum ",
        "slipstream_module_compile_seconds_count 1\n",
        "slipstream_modules_compiled_total 1\n",
        "slipstream_functions_compiled_total{tier=\"baseline\"} 9\n",
        "slipstream_invocations_total{result=\"ok\"} 1\n",
        "slipstream_modules 1\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        ck_assert_msg(strstr(r.body, lines[i]) != NULL, "no '%s' in %s", lines[i], r.body);
    const char *received = strstr(r.body, "\nslipstream_module_received_bytes_total ");
    ck_assert_ptr_nonnull(received);
    ck_assert_int_gt(atoi(received + strlen("\nslipstream_module_received_bytes_total ")), 8);
    stop();
}
END_TEST

/* ---- quotas and names ---- */

static long
put_bytes(const char *name, const uint8_t *bytes, size_t size, reply_t *r)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/modules/%s", name);
    http("PUT", path, bytes, size, r);
    return r->status;
}

/* A small code space fills after a few uploads: 507 saying how full, with no function blamed;
 * DELETE gives the space back, and so does replacing a module (the old version's code goes with
 * its last reference). */
START_TEST(test_modules_full_code_space_is_507_until_space_is_freed)
{
    char *wat = many_functions_wat(2000);
    size_t size;
    uint8_t *bytes = wasm_of(wat, &size);
    free(wat);
    start((const char *const[]){"--code-space-size", "1048576", NULL});
    static reply_t r;
    char name[32];
    int n = 0;
    for (; n < 40; n++) {
        snprintf(name, sizeof name, "m%d", n);
        if (put_bytes(name, bytes, size, &r) != 201)
            break;
    }
    ck_assert_msg(n >= 2 && n < 40, "%d uploads fit", n);
    assert_error(&r, 507, "code_space_full", "code space full: ");
    assert_error(&r, 507, "code_space_full", " of 1048576 bytes in use, the module needs >= ");
    json_t *json = parse(&r);
    json_t *error = json_object_get(json, "error");
    ck_assert_str_eq(json_string_value(json_object_get(error, "kind")), "insufficient_storage");
    ck_assert(json_is_null(json_object_get(error, "function")));
    json_decref(json);
    http("GET", "/v1/modules/m0", NULL, 0, &r);
    ck_assert_int_eq(r.status, 200); /* the others keep serving */
    put_bytes(name, bytes, size, &r);
    ck_assert_int_eq(r.status, 507); /* nothing was freed meanwhile */

    /* Room for one upload more than the space held modules: replacing the same name again and
     * again only works if each old version's code is given back. */
    http("DELETE", "/v1/modules/m0", NULL, 0, &r);
    ck_assert_int_eq(r.status, 204);
    http("DELETE", "/v1/modules/m1", NULL, 0, &r);
    ck_assert_int_eq(r.status, 204);
    ck_assert_msg(put_bytes(name, bytes, size, &r) == 201, "%ld %s", r.status, r.body);
    for (int i = 0; i < 2 * n; i++)
        ck_assert_msg(put_bytes(name, bytes, size, &r) == 200, "replacement %d: %ld %s", i,
                      r.status, r.body);
    assert_invoke(name, "f0", "[2]", "[696]"); /* ((2 * 1 + 0) ^ 85) rotl 3 */
    stop();
    free(bytes);
}
END_TEST

/* Idle instances hold their version's code: replacing a module drops them, or its old versions
 * would fill the code space while they wait to age out. */
START_TEST(test_modules_replaced_version_idle_instances_give_their_code_back)
{
    char *wat = many_functions_wat(2000);
    size_t size;
    uint8_t *bytes = wasm_of(wat, &size);
    free(wat);
    start((const char *const[]){"--code-space-size", "1048576", "--invoke-idle-instances", "64",
                                NULL});
    static reply_t r;
    for (int i = 0; i < 16; i++) {
        ck_assert_msg(put_bytes("m", bytes, size, &r) == (i == 0 ? 201 : 200), "version %d: %ld %s",
                      i, r.status, r.body);
        assert_invoke("m", "f0", "[2]", "[696]");
    }
    http("DELETE", "/v1/modules/m", NULL, 0, &r);
    ck_assert_int_eq(r.status, 204);
    /* Deleting drops them too: after modules with idle instances are deleted, as many fit. */
    int fit[2] = {0, 0};
    for (int round = 0; round < 2; round++) {
        char path[64];
        for (; fit[round] < 40; fit[round]++) {
            snprintf(path, sizeof path, "r%d-%d", round, fit[round]);
            if (put_bytes(path, bytes, size, &r) != 201)
                break;
            assert_invoke(path, "f0", "[2]", "[696]");
        }
        assert_error(&r, 507, "code_space_full", "code space full");
        for (int i = 0; i < fit[round]; i++) {
            snprintf(path, sizeof path, "/v1/modules/r%d-%d", round, i);
            http("DELETE", path, NULL, 0, &r);
            ck_assert_int_eq(r.status, 204);
        }
    }
    ck_assert_int_ge(fit[0], 2);
    ck_assert_int_eq(fit[1], fit[0]);
    stop();
    free(bytes);
}
END_TEST

START_TEST(test_modules_over_max_module_code_is_413)
{
    start((const char *const[]){"--max-module-code", "4096", NULL});
    char *wat = many_functions_wat(200);
    static reply_t r;
    put_wat("big", wat, &r);
    free(wat);
    assert_error(&r, 413, "limit", "module code limit: ");
    assert_error(&r, 413, "limit", " of 4096 bytes in use, the module needs >= ");
    json_t *json = parse(&r);
    ck_assert(json_is_null(json_object_get(json_object_get(json, "error"), "function")));
    json_decref(json);
    http("GET", "/v1/modules/big", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_int_eq(put_wat("small", v1_wat, &r), 201);
    assert_invoke("small", "version", "[]", "[1]");
    stop();
}
END_TEST

START_TEST(test_modules_over_max_modules_is_507)
{
    start((const char *const[]){"--max-modules", "2", NULL});
    static reply_t r;
    ck_assert_int_eq(put_wat("a", v1_wat, &r), 201);
    ck_assert_int_eq(put_wat("b", v1_wat, &r), 201);
    put_wat("c", v1_wat, &r);
    assert_error(&r, 507, "module_limit", "module limit reached: 2 modules");
    http("GET", "/v1/modules/c", NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    http("POST", "/v1/modules/c/fetch", "{\"url\":\"http://127.0.0.1:9/m.wasm\"}", 35, &r);
    assert_error(&r, 507, "module_limit", "module limit reached: 2 modules");
    /* Replacing is not adding. */
    ck_assert_int_eq(put_wat("a", v2_wat, &r), 200);
    assert_invoke("a", "version", "[]", "[2]");
    http("DELETE", "/v1/modules/b", NULL, 0, &r);
    ck_assert_int_eq(put_wat("c", v1_wat, &r), 201);
    stop();
}
END_TEST

START_TEST(test_modules_names_of_only_dots_are_400)
{
    start(NULL);
    static reply_t r;
    static const char *const dots[] = {".", "..", "...", "%2e", "%2E%2e"};
    for (size_t i = 0; i < sizeof dots / sizeof dots[0]; i++) {
        put_wat(dots[i], v1_wat, &r);
        ck_assert_msg(r.status == 400 || r.status == 404, "%s: %ld", dots[i], r.status);
        if (i < 3)
            assert_error(&r, 400, "bad_name", "not only dots");
    }
    http("GET", "/v1/modules", NULL, 0, &r);
    ck_assert_str_eq(r.body, "{\"modules\":[]}");
    ck_assert_int_eq(put_wat(".a.", v1_wat, &r), 201);
    assert_invoke(".a.", "version", "[]", "[1]");
    stop();
}
END_TEST

/* Export names are bytes: NUL inside one, the empty one, and quotes in error messages escaped
 * whole rather than cut at the NUL. */
START_TEST(test_modules_export_names_are_bytes)
{
    start(NULL);
    static reply_t r;
    ck_assert_int_eq(put_wat("x",
                             "(module"
                             " (func (export \"\") (result i32) i32.const 7)"
                             " (func (export \"a\\00b\") (param i32) (result i32) local.get 0)"
                             " (func (export \"a\") (result i32) i32.const 1))",
                             &r),
                     201);
    assert_invoke("x", "", "[]", "[7]");
    assert_invoke("x", "a%00b", "[5]", "[5]");
    assert_invoke("x", "a", "[]", "[1]");
    invoke("x", "a%00c%01%27%5c%ff", "[]", &r);
    assert_error(&r, 404, "unknown_export", "no export 'a\\x00c\\x01\\x27\\x5c\\xff' in module x");
    invoke("x", "a%00b", "[]", &r);
    assert_error(&r, 400, "bad_arguments", "'a\\x00b' takes 1 argument, got 0");
    /* The export list shows the names as they are. */
    http("GET", "/v1/modules/x", NULL, 0, &r);
    json_t *json = json_loads(r.body, JSON_ALLOW_NUL, NULL);
    ck_assert_ptr_nonnull(json);
    json_t *exports = json_object_get(json, "exports");
    ck_assert_uint_eq(json_array_size(exports), 3);
    ck_assert_uint_eq(json_string_length(json_object_get(json_array_get(exports, 0), "name")), 0);
    ck_assert_uint_eq(json_string_length(json_object_get(json_array_get(exports, 1), "name")), 3);
    ck_assert_mem_eq(json_string_value(json_object_get(json_array_get(exports, 1), "name")), "a\0b",
                     3);
    json_decref(json);
    stop();
}
END_TEST

Suite *
modules_suite(void)
{
    Suite *s = suite_create("modules");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_modules_put_then_invoke_with_lossless_values);
    tcase_add_test(tc, test_modules_reject_bad_arguments_with_400);
    tcase_add_test(tc, test_modules_traps_are_422_with_the_spec_message);
    tcase_add_test(tc, test_modules_fresh_instance_per_call_unless_idle_instances);
    tcase_add_test(tc, test_modules_memory_limits_and_deadlines_hold);
    tcase_add_test(tc, test_modules_idle_instance_keeps_no_grown_memory);
    tcase_add_test(tc, test_modules_replacement_and_failed_upload_keep_serving);
    tcase_add_test(tc, test_modules_404_list_get_delete);
    tcase_add_test(tc, test_modules_imports_are_422);
    tcase_add_test(tc, test_modules_over_max_module_size_is_413);
    tcase_add_test(tc, test_modules_timeline_json_and_trace);
    tcase_add_test(tc, test_modules_metrics_are_exported);
    suite_add_tcase(s, tc);

    tc = tcase_create("quotas");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_modules_full_code_space_is_507_until_space_is_freed);
    tcase_add_test(tc, test_modules_replaced_version_idle_instances_give_their_code_back);
    tcase_add_test(tc, test_modules_over_max_module_code_is_413);
    tcase_add_test(tc, test_modules_over_max_modules_is_507);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_modules_names_of_only_dots_are_400);
    tcase_add_test(tc, test_modules_export_names_are_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("streaming");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_modules_throttled_upload_compiles_before_the_last_byte);
    tcase_add_test(tc, test_modules_client_gone_mid_upload_costs_nothing);
    tcase_add_test(tc, test_modules_serve_24_concurrent_uploads_and_invocations);
    tcase_add_test(tc, test_modules_invocations_over_the_limit_get_429);
    suite_add_tcase(s, tc);
    return s;
}
