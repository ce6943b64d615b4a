/* The streaming decoder against the spec suite: every module of every core .wast (valid ones and
 * the binary assert_malformed/assert_invalid ones alike) is fed whole, byte by byte, and split in
 * two at every offset, and each way must give the same events and the same outcome, down to the
 * error's offset and message. Byte by byte, each function body must reach the consumer in the
 * very feed call that brings its last byte. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slipstream.h"
#include "spec_files.h"
#include "suite.h"

typedef struct outcome {
    uint64_t events;       /* FNV-1a over every body and section event, in order */
    uint32_t n_bodies, n_sections;
    int code;
    sl_error_t err;
    uint32_t n_funcs, n_imports, n_exports;
    /* byte-by-byte checks */
    const sl_stream_t *stream;
    uint32_t late_bodies;  /* bodies delivered after the feed that completed them */
} outcome_t;

static void
mix(outcome_t *o, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        o->events = (o->events ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ull;
}

static int
on_body(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body, size_t size,
        sl_error_t *err)
{
    outcome_t *o = user;
    size_t wire_size;
    const uint8_t *wire = sl_module_wire_bytes(m, &wire_size);
    uint64_t end = (uint64_t)(body - wire) + size;
    mix(o, func_index);
    mix(o, end);
    mix(o, size);
    o->n_bodies++;
    if (o->stream && sl_stream_offset(o->stream) != end)
        o->late_bodies++;
    return 0;
}

static void
on_section(void *user, unsigned id, uint64_t offset, uint64_t size)
{
    outcome_t *o = user;
    mix(o, id);
    mix(o, offset);
    mix(o, size);
    o->n_sections++;
}

/* Feeds `bytes` in the chunks that `cuts` (increasing offsets) delimit, then finishes. */
static void
run(const uint8_t *bytes, size_t size, const size_t *cuts, size_t n_cuts, bool byte_by_byte,
    outcome_t *o)
{
    memset(o, 0, sizeof *o);
    o->events = 1469598103934665603ull;
    sl_stream_options_t options = {.on_body = on_body, .on_section = on_section, .user = o};
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(&options, &s), 0);
    if (byte_by_byte)
        o->stream = s;
    int rc = 0;
    if (byte_by_byte) {
        for (size_t i = 0; i < size && rc == 0; i++)
            rc = sl_stream_feed(s, bytes + i, 1);
    } else {
        size_t at = 0;
        for (size_t i = 0; i <= n_cuts && rc == 0; i++) {
            size_t next = i < n_cuts ? cuts[i] : size;
            rc = sl_stream_feed(s, bytes + at, next - at);
            at = next;
        }
    }
    if (rc != 0) {
        /* the first error ends the stream: later input gets the same answer */
        ck_assert_int_eq(sl_stream_feed(s, bytes, size ? 1 : 0), rc);
    }
    sl_module_t *m = NULL;
    o->code = sl_stream_finish(s, &m);
    ck_assert_int_eq(o->code, rc ? rc : o->code);
    if (o->code != 0) {
        ck_assert_ptr_null(m);
        o->err = *sl_stream_error(s);
    } else {
        ck_assert_ptr_nonnull(m);
        ck_assert_ptr_null(sl_stream_error(s));
        o->n_funcs = sl_module_n_functions(m);
        o->n_imports = sl_module_n_imports(m);
        o->n_exports = sl_module_n_exports(m);
        size_t wire_size;
        const uint8_t *wire = sl_module_wire_bytes(m, &wire_size);
        ck_assert_uint_eq(wire_size, size);
        ck_assert_mem_eq(wire, bytes, size);
    }
    sl_stream_free(s);
    sl_module_unref(m);
}

static void
assert_same(const outcome_t *want, const outcome_t *got, const char *file, const char *how)
{
    ck_assert_msg(want->code == got->code, "%s (%s): code %d, whole buffer gave %d (%s)", file,
                  how, got->code, want->code, want->err.message);
    ck_assert_msg(want->events == got->events && want->n_bodies == got->n_bodies &&
                      want->n_sections == got->n_sections,
                  "%s (%s): events differ: %u bodies %u sections, whole buffer %u and %u", file,
                  how, got->n_bodies, got->n_sections, want->n_bodies, want->n_sections);
    if (want->code) {
        ck_assert_msg(want->err.offset == got->err.offset && want->err.section == got->err.section &&
                          want->err.func_index == got->err.func_index &&
                          want->err.body_offset == got->err.body_offset &&
                          strcmp(want->err.message, got->err.message) == 0,
                      "%s (%s): error \"%s\" at %llu, whole buffer \"%s\" at %llu", file, how,
                      got->err.message, (unsigned long long)got->err.offset, want->err.message,
                      (unsigned long long)want->err.offset);
    } else {
        ck_assert_uint_eq(want->n_funcs, got->n_funcs);
        ck_assert_uint_eq(want->n_imports, got->n_imports);
        ck_assert_uint_eq(want->n_exports, got->n_exports);
    }
}

static char **wast_files;
static size_t n_wast_files;

START_TEST(test_stream_spec_module_every_split)
{
    ck_assert_msg(wast_files && n_wast_files > 0,
                  "no spec files: SL_SPEC_DIR must name the folder of .wast files");
    const char *name = wast_files[_i];
    spec_conversion_t conv;
    char why[512];
    ck_assert_msg(spec_convert(name, &conv, why, sizeof why) == 0, "%s: %s", name, why);
    /* token.wast and utf8-invalid-encoding.wast hold text modules only: nothing to feed. */
    for (size_t f = 0; f < conv.n_wasm; f++) {
        size_t size;
        uint8_t *bytes = spec_read_file(conv.wasm[f], &size);
        ck_assert_ptr_nonnull(bytes);
        const char *base = strrchr(conv.wasm[f], '/') + 1;

        outcome_t whole, other;
        run(bytes, size, NULL, 0, false, &whole);

        /* the whole-buffer entry point is the same decoder */
        sl_module_t *m = NULL;
        sl_error_t err;
        ck_assert_int_eq(sl_module_decode(bytes, size, NULL, &m, &err), whole.code);
        if (whole.code)
            ck_assert_str_eq(err.message, whole.err.message);
        sl_module_unref(m);

        run(bytes, size, NULL, 0, true, &other);
        assert_same(&whole, &other, base, "byte by byte");
        ck_assert_msg(other.late_bodies == 0, "%s: %u bodies were not delivered with their last byte",
                      base, other.late_bodies);

        for (size_t cut = 0; cut <= size; cut++) {
            run(bytes, size, &cut, 1, false, &other);
            char how[64];
            snprintf(how, sizeof how, "split at %zu", cut);
            assert_same(&whole, &other, base, how);
        }
        free(bytes);
    }
    spec_conversion_free(&conv);
}
END_TEST

/* ---- hand-made fixtures ---------------------------------------------------------------------- */

/* Two functions of type [] -> [i32], exported as "a" and "b". */
static const uint8_t two_funcs[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* magic, version */
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,       /* type section: [] -> [i32] */
    0x03, 0x03, 0x02, 0x00, 0x00,                   /* function section: 2 x type 0 */
    0x07, 0x09, 0x02,                               /* export section: 2 exports */
    0x01, 'a', 0x00, 0x00,                          /*   "a" func 0 */
    0x01, 'b', 0x00, 0x01,                          /*   "b" func 1 */
    0x0a, 0x0b, 0x02,                               /* code section: 2 bodies */
    0x04, 0x00, 0x41, 0x07, 0x0b,                   /*   body 0: i32.const 7; end (ends at 39) */
    0x04, 0x00, 0x41, 0x09, 0x0b,                   /*   body 1: i32.const 9; end (ends at 44) */
};

typedef struct body_log {
    uint32_t n;
    uint32_t index[4];
    uint64_t fed_at[4]; /* bytes fed when the body arrived */
    const sl_stream_t *stream;
    int fail_with;
} body_log_t;

static int
log_body(void *user, sl_module_t *m, uint32_t func_index, const uint8_t *body, size_t size,
        sl_error_t *err)
{
    body_log_t *log = user;
    if (log->n < 4) {
        log->index[log->n] = func_index;
        log->fed_at[log->n] = sl_stream_offset(log->stream);
    }
    log->n++;
    return log->fail_with;
}

START_TEST(test_stream_delivers_each_body_with_its_last_byte)
{
    body_log_t log = {0};
    sl_stream_options_t options = {.on_body = log_body, .user = &log};
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(&options, &s), 0);
    log.stream = s;
    for (size_t i = 0; i < sizeof two_funcs; i++) {
        ck_assert_int_eq(sl_stream_feed(s, two_funcs + i, 1), 0);
        if (i + 1 < 39)
            ck_assert_uint_eq(log.n, 0);
    }
    ck_assert_uint_eq(log.n, 2);
    ck_assert_uint_eq(log.index[0], 0);
    ck_assert_uint_eq(log.fed_at[0], 39);
    ck_assert_uint_eq(log.index[1], 1);
    ck_assert_uint_eq(log.fed_at[1], 44);
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_finish(s, &m), 0);
    ck_assert_uint_eq(sl_module_n_exports(m), 2);
    sl_export_info_t e;
    ck_assert_int_eq(sl_module_export(m, 1, &e), 0);
    ck_assert_uint_eq(e.name_len, 1);
    ck_assert_int_eq(e.name[0], 'b');
    ck_assert_uint_eq(e.index, 1);
    sl_stream_free(s);
    /* the module outlives its stream */
    char type[64];
    sl_module_func_type_text(m, 0, type, sizeof type);
    ck_assert_str_eq(type, "() -> (i32)");
    sl_module_unref(m);
}
END_TEST

START_TEST(test_stream_consumer_error_ends_stream)
{
    body_log_t log = {.fail_with = SL_ENOMEM};
    sl_stream_options_t options = {.on_body = log_body, .user = &log};
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(&options, &s), 0);
    log.stream = s;
    ck_assert_int_eq(sl_stream_feed(s, two_funcs, sizeof two_funcs), SL_ENOMEM);
    ck_assert_uint_eq(log.n, 1); /* nothing after the failing body */
    const sl_error_t *err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_uint_eq(err->func_index, 0);
    ck_assert_uint_eq(err->section, 10);
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_finish(s, &m), SL_ENOMEM);
    ck_assert_ptr_null(m);
    sl_stream_free(s);
}
END_TEST

START_TEST(test_stream_accepts_empty_chunks)
{
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(NULL, &s), 0);
    for (size_t i = 0; i < sizeof two_funcs; i++) {
        ck_assert_int_eq(sl_stream_feed(s, two_funcs + i, 0), 0);
        ck_assert_int_eq(sl_stream_feed(s, two_funcs + i, 1), 0);
    }
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_finish(s, &m), 0);
    ck_assert_uint_eq(sl_module_n_functions(m), 2);
    sl_stream_free(s);
    sl_module_unref(m);
}
END_TEST

START_TEST(test_stream_truncated_at_every_length)
{
    for (size_t len = 0; len < sizeof two_funcs; len++) {
        sl_module_t *m = NULL;
        sl_error_t err;
        int rc = sl_module_decode(two_funcs, len, NULL, &m, &err);
        if (len == 8 || len == 15) { /* after the header, after the type section: complete */
            ck_assert_msg(rc == 0, "length %zu: %s", len, err.message);
            sl_module_unref(m);
            continue;
        }
        ck_assert_msg(rc == SL_EMALFORMED, "length %zu: %d", len, rc);
        ck_assert_ptr_null(m);
        ck_assert_uint_eq(err.offset, len);
        const char *want = len == 20 || len == 31 /* functions declared, no code section */
                               ? "function and code section have inconsistent lengths"
                               : "unexpected end";
        ck_assert_msg(strstr(err.message, want) != NULL, "length %zu: %s", len, err.message);
        /* Cut inside a body (35..38 is body 0, 40..43 body 1): the error names the function
         * and how far into its body the bytes went; elsewhere there is no function. */
        uint32_t func = len >= 35 && len < 39 ? 0 : len >= 40 ? 1 : SL_NO_INDEX;
        ck_assert_msg(err.func_index == func, "length %zu: function %u", len, err.func_index);
        if (func != SL_NO_INDEX)
            ck_assert_uint_eq(err.body_offset, len - (func == 0 ? 35 : 40));
    }
}
END_TEST

Suite *
stream_suite(void)
{
    Suite *suite = suite_create("stream");
    TCase *tc = tcase_create("fixtures");
    tcase_add_test(tc, test_stream_delivers_each_body_with_its_last_byte);
    tcase_add_test(tc, test_stream_consumer_error_ends_stream);
    tcase_add_test(tc, test_stream_accepts_empty_chunks);
    tcase_add_test(tc, test_stream_truncated_at_every_length);
    suite_add_tcase(suite, tc);

    tc = tcase_create("spec");
    tcase_set_timeout(tc, 300);
    wast_files = spec_list_wast(&n_wast_files);
    /* With no files the single iteration fails and says why: never a silent skip. */
    tcase_add_loop_test(tc, test_stream_spec_module_every_split, 0,
                        n_wast_files ? (int)n_wast_files : 1);
    suite_add_tcase(suite, tc);
    return suite;
}
