/* Malformed and invalid modules, section by section, through the public API: each fixture must
 * fail with one exact code, section, module offset, function index, body offset and a message
 * naming the rule, and give the very same error whether decoded in one call, split in two at
 * every offset, or fed byte by byte. Valid fixtures pin what must keep decoding, and the stream's
 * error rules (first error wins, abort, finish) are checked at the end.
 *
 * Fixtures are byte arrays with one field per line; "@N" is the field's module offset. Offsets
 * past the shared prefixes below are computed from those prefixes' documented sizes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slipstream.h"
#include "suite.h"
#include "wasm_fixture.h"

/* ---- shared prefixes ------------------------------------------------------------------------- */

/* @8..@13: one type, () -> () */
#define TYPE_VOID                                                                                  \
    0x01, 0x04,       /* @8 type section, 4 bytes */                                               \
    0x01,             /* @10 one type */                                                           \
    0x60, 0x00, 0x00  /* @11 func () -> () */

/* @14..@17 after TYPE_VOID: one function of type 0 */
#define FUNC_ONE                                                                                   \
    0x03, 0x02,       /* @14 function section, 2 bytes */                                          \
    0x01,             /* @16 one function */                                                       \
    0x00              /* @17 type 0 */

/* @18..@22 after FUNC_ONE: memory 0 with min 1 */
#define MEMORY_ONE                                                                                 \
    0x05, 0x03,       /* @18 memory section, 3 bytes */                                            \
    0x01,             /* @20 one memory */                                                         \
    0x00, 0x01        /* @21 no max, min 1 */

/* @18..@23 after FUNC_ONE: a funcref table with min 1 */
#define TABLE_FUNCREF                                                                              \
    0x04, 0x04,       /* @18 table section, 4 bytes */                                             \
    0x01,             /* @20 one table */                                                          \
    0x70, 0x00, 0x01  /* @21 funcref, no max, min 1 */

/* With WASM_HEADER, TYPE_VOID and FUNC_ONE in front, a code section at @18 with one body whose size
 * fits one byte has: @18 id, @19 section size, @20 count, @21 body size, @22 local groups, and
 * its first instruction at @23 (body offset 1). */

/* ---- expected outcomes ----------------------------------------------------------------------- */

typedef struct error_case {
    const char *name;
    const uint8_t *bytes;
    size_t size;
    void (*limits)(sl_limits_t *); /* adjusts the default limits, or NULL */
    int code;
    unsigned section;
    uint64_t offset;
    uint32_t func_index;
    uint32_t body_offset;
    const char *message; /* must occur in err.message */
} error_case_t;

/* An error outside function bodies. */
#define CASE(fixture, code, section, offset, message)                                              \
    {#fixture, fixture, sizeof fixture, NULL, code, section, offset, SL_NO_INDEX, 0, message}
/* An error inside the body of function `func`, `body_offset` bytes after its size field. */
#define BODY_CASE(fixture, code, offset, func, body_offset, message)                               \
    {#fixture, fixture, sizeof fixture, NULL, code, 10, offset, func, body_offset, message}
#define LIMIT_CASE(fixture, limits, code, section, offset, func, body_offset, message)             \
    {#fixture, fixture, sizeof fixture, limits, code, section, offset, func, body_offset, message}

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void
check_error(const char *name, const char *how, const sl_error_t *err, const error_case_t *c)
{
    ck_assert_msg(err->code == c->code, "%s (%s): code %s, expected %s; message \"%s\"", name, how,
                  sl_err_name(err->code), sl_err_name(c->code), err->message);
    ck_assert_msg(err->section == c->section, "%s (%s): section %u, expected %u; message \"%s\"",
                  name, how, err->section, c->section, err->message);
    ck_assert_msg(err->offset == c->offset, "%s (%s): offset %llu, expected %llu; message \"%s\"",
                  name, how, (unsigned long long)err->offset, (unsigned long long)c->offset,
                  err->message);
    ck_assert_msg(err->func_index == c->func_index, "%s (%s): function %d, expected %d", name, how,
                  (int)err->func_index, (int)c->func_index);
    ck_assert_msg(err->body_offset == c->body_offset, "%s (%s): body offset %u, expected %u", name,
                  how, err->body_offset, c->body_offset);
    ck_assert_msg(strstr(err->message, c->message) != NULL,
                  "%s (%s): message \"%s\" does not contain \"%s\"", name, how, err->message,
                  c->message);
}

static void
same_error(const char *name, const char *how, const sl_error_t *a, const sl_error_t *b)
{
    ck_assert_msg(a->code == b->code && a->section == b->section && a->offset == b->offset &&
                      a->func_index == b->func_index && a->body_offset == b->body_offset &&
                      strcmp(a->message, b->message) == 0,
                  "%s: %s gives %s at %llu \"%s\", one chunk gives %s at %llu \"%s\"", name, how,
                  sl_err_name(a->code), (unsigned long long)a->offset, a->message,
                  sl_err_name(b->code), (unsigned long long)b->offset, b->message);
}

/* Decodes a failing fixture whole, then split at every offset and byte by byte: the error is
 * the expected one every time. */
static void
run_error_case(const error_case_t *c)
{
    sl_limits_t limits;
    sl_limits_init(&limits);
    if (c->limits)
        c->limits(&limits);
    sl_stream_options_t options = {.limits = &limits};
    sl_error_t whole, part;
    int rc = fixture_decode(c->bytes, c->size, &options, &whole);
    ck_assert_msg(rc == c->code, "%s: sl_module_decode returned %s, expected %s (\"%s\")",
                  c->name, sl_err_name(rc), sl_err_name(c->code), whole.message);
    check_error(c->name, "one chunk", &whole, c);
    for (size_t cut = 0; cut <= c->size; cut++) {
        char how[48];
        snprintf(how, sizeof how, "split at %zu", cut);
        rc = fixture_decode_chunked(c->bytes, c->size, cut, &options, &part);
        ck_assert_msg(rc == c->code, "%s: %s returned %s", c->name, how, sl_err_name(rc));
        same_error(c->name, how, &part, &whole);
    }
    rc = fixture_decode_chunked(c->bytes, c->size, FIXTURE_BYTEWISE, &options, &part);
    ck_assert_msg(rc == c->code, "%s: byte by byte returned %s", c->name, sl_err_name(rc));
    same_error(c->name, "byte by byte", &part, &whole);
}

/* A fixture that must decode, whole and byte by byte. */
static void
expect_valid(const char *name, const uint8_t *bytes, size_t size, const sl_limits_t *limits)
{
    sl_stream_options_t options = {.limits = limits};
    sl_error_t err;
    int rc = fixture_decode(bytes, size, &options, &err);
    ck_assert_msg(rc == 0, "%s: %s at offset %llu (section %u): %s", name, sl_err_name(rc),
                  (unsigned long long)err.offset, err.section, err.message);
    ck_assert_int_eq(err.code, 0);
    rc = fixture_decode_chunked(bytes, size, FIXTURE_BYTEWISE, &options, &err);
    ck_assert_msg(rc == 0, "%s byte by byte: %s at offset %llu: %s", name, sl_err_name(rc),
                  (unsigned long long)err.offset, err.message);
}

#define EXPECT_VALID(fixture) expect_valid(#fixture, fixture, sizeof fixture, NULL)

/* ==== header and section framing ============================================================= */

static const uint8_t bad_magic[] = {
    0x00, 0x61, 0x73, 0x6e, /* @0 "\0asn" */
    0x01, 0x00, 0x00, 0x00, /* @4 version 1 */
};
static const uint8_t magic_without_nul[] = {
    0x61, 0x73, 0x6d, 0x00, /* @0 "asm\0" */
    0x01, 0x00, 0x00, 0x00, /* @4 version 1 */
};
static const uint8_t bad_version[] = {
    0x00, 0x61, 0x73, 0x6d, /* @0 magic */
    0x02, 0x00, 0x00, 0x00, /* @4 version 2 */
};
static const uint8_t component_version[] = {
    0x00, 0x61, 0x73, 0x6d, /* @0 magic */
    0x0d, 0x00, 0x01, 0x00, /* @4 a component's version and layer */
};
static const uint8_t truncated_magic[] = {
    0x00, 0x61, 0x73, /* @0 three bytes of the magic */
};
static const uint8_t truncated_version[] = {
    0x00, 0x61, 0x73, 0x6d, /* @0 magic */
    0x01, 0x00,             /* @4 half a version */
};
static const uint8_t section_id_13[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x0d, /* @14 section id 13 */
    0x00, /* @15 size 0 */
};
static const uint8_t section_out_of_order[] = {
    WASM_HEADER,
    0x03, 0x01, /* @8 function section, 1 byte */
    0x00,       /* @10 no functions */
    0x01, 0x01, /* @11 type section after it */
    0x00,       /* @13 no types */
};
static const uint8_t section_duplicate[] = {
    WASM_HEADER,
    0x01, 0x01, /* @8 type section */
    0x00,       /* @10 no types */
    0x01, 0x01, /* @11 a second type section */
    0x00,       /* @13 no types */
};
static const uint8_t datacount_after_code[] = {
    WASM_HEADER,
    0x0a, 0x01, /* @8 code section */
    0x00,       /* @10 no bodies */
    0x0c, 0x01, /* @11 data count section, which belongs before code */
    0x00,       /* @13 count 0 */
};
static const uint8_t section_too_short[] = {
    WASM_HEADER,
    0x01, 0x03, /* @8 type section, 3 bytes declared */
    0x01,       /* @10 one type */
    0x60,       /* @11 func */
    0x00,       /* @12 no params */
    0x00,       /* @13 no results: one byte past the declared end */
};
static const uint8_t section_too_long[] = {
    WASM_HEADER,
    0x01, 0x05, /* @8 type section, 5 bytes declared */
    0x01,       /* @10 one type */
    0x60,       /* @11 func */
    0x00,       /* @12 no params */
    0x00,       /* @13 no results */
    0x00,       /* @14 one byte the type section does not use */
};
static const uint8_t section_past_module_end[] = {
    WASM_HEADER,
    0x01, 0x0a,       /* @8 type section, 10 bytes declared */
    0x01,             /* @10 one type */
    0x60, 0x00, 0x00, /* @11 func () -> (); the module ends at @14 */
};
static const uint8_t section_size_too_long[] = {
    WASM_HEADER,
    0x01,                               /* @8 type section */
    0x80, 0x80, 0x80, 0x80, 0x80, 0x00, /* @9 size 0 in six bytes */
};
static const uint8_t section_size_too_large[] = {
    WASM_HEADER,
    0x01,                         /* @8 type section */
    0x80, 0x80, 0x80, 0x80, 0x10, /* @9 size 2^32 */
};

static const error_case_t framing_cases[] = {
    CASE(bad_magic, SL_EMALFORMED, SL_NO_SECTION, 0, "magic header not detected"),
    CASE(magic_without_nul, SL_EMALFORMED, SL_NO_SECTION, 0, "magic header not detected"),
    CASE(bad_version, SL_EMALFORMED, SL_NO_SECTION, 4, "unknown binary version"),
    CASE(component_version, SL_EMALFORMED, SL_NO_SECTION, 4, "unknown binary version"),
    CASE(truncated_magic, SL_EMALFORMED, SL_NO_SECTION, 3, "unexpected end"),
    CASE(truncated_version, SL_EMALFORMED, SL_NO_SECTION, 6, "unexpected end"),
    CASE(section_id_13, SL_EMALFORMED, SL_NO_SECTION, 14, "malformed section id"),
    CASE(section_out_of_order, SL_EMALFORMED, 1, 11, "unexpected content after last section"),
    CASE(section_duplicate, SL_EMALFORMED, 1, 11, "unexpected content after last section"),
    CASE(datacount_after_code, SL_EMALFORMED, 12, 11, "unexpected content after last section"),
    CASE(section_too_short, SL_EMALFORMED, 1, 13, "unexpected end of section or function"),
    CASE(section_too_long, SL_EMALFORMED, 1, 14, "section size mismatch"),
    CASE(section_past_module_end, SL_EMALFORMED, 1, 14, "unexpected end of section or function"),
    CASE(section_size_too_long, SL_EMALFORMED, 1, 9, "integer representation too long"),
    CASE(section_size_too_large, SL_EMALFORMED, 1, 9, "integer too large"),
};

START_TEST(test_sections_rejects_bad_framing)
{
    run_error_case(&framing_cases[_i]);
}
END_TEST

START_TEST(test_sections_rejects_empty_input)
{
    static const uint8_t nothing[1] = {0};
    const error_case_t c = {"empty input", nothing, 0, NULL, SL_EMALFORMED, SL_NO_SECTION, 0,
                            SL_NO_INDEX, 0, "unexpected end"};
    run_error_case(&c);
}
END_TEST

/* ==== type (1), import (2), function (3), table (4), memory (5) ============================== */

static const uint8_t type_bad_form[] = {
    WASM_HEADER,
    0x01, 0x04, /* @8 type section */
    0x01,       /* @10 one type */
    0x61,       /* @11 not the func form 0x60 */
    0x00, 0x00, /* @12 no params, no results */
};
static const uint8_t type_bad_valtype[] = {
    WASM_HEADER,
    0x01, 0x05, /* @8 type section */
    0x01,       /* @10 one type */
    0x60,       /* @11 func */
    0x01,       /* @12 one param */
    0x7a,       /* @13 not a value type */
    0x00,       /* @14 no results */
};
static const uint8_t type_count_past_end[] = {
    WASM_HEADER,
    0x01, 0x02, /* @8 type section */
    0x05,       /* @10 five types declared */
    0x60,       /* @11 one byte left */
};
static const uint8_t import_bad_kind[] = {
    WASM_HEADER,
    0x02, 0x06, /* @8 import section */
    0x01,       /* @10 one import */
    0x01, 0x6d, /* @11 module "m" */
    0x01, 0x66, /* @13 name "f" */
    0x04,       /* @15 kind 4 (no such kind in 2.0) */
};
static const uint8_t import_bad_utf8_module[] = {
    WASM_HEADER,
    0x02, 0x08,       /* @8 import section */
    0x01,             /* @10 one import */
    0x02, 0xc0, 0x80, /* @11 module: an overlong encoding of NUL */
    0x01, 0x66,       /* @14 name "f" */
    0x00, 0x00,       /* @16 function of type 0 */
};
static const uint8_t import_bad_utf8_name[] = {
    WASM_HEADER,
    0x02, 0x09,             /* @8 import section */
    0x01,                   /* @10 one import */
    0x01, 0x6d,             /* @11 module "m" */
    0x03, 0xed, 0xa0, 0x80, /* @13 name: the surrogate U+D800 */
    0x00, 0x00,             /* @17 function of type 0 */
};
static const uint8_t import_unknown_type[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x02, 0x07, /* @14 import section */
    0x01,       /* @16 one import */
    0x01, 0x6d, /* @17 module "m" */
    0x01, 0x66, /* @19 name "f" */
    0x00,       /* @21 function */
    0x01,       /* @22 type 1 (there is one type) */
};
static const uint8_t import_two_memories[] = {
    WASM_HEADER,
    0x02, 0x0f, /* @8 import section */
    0x02,       /* @10 two imports */
    0x01, 0x6d, /* @11 module "m" */
    0x01, 0x61, /* @13 name "a" */
    0x02,       /* @15 memory */
    0x00, 0x00, /* @16 no max, min 0 */
    0x01, 0x6d, /* @18 module "m" */
    0x01, 0x62, /* @20 name "b" */
    0x02,       /* @22 a second memory */
    0x00, 0x00, /* @23 no max, min 0 */
};
static const uint8_t import_memory_and_memory_section[] = {
    WASM_HEADER,
    0x02, 0x08, /* @8 import section */
    0x01,       /* @10 one import */
    0x01, 0x6d, /* @11 module "m" */
    0x01, 0x61, /* @13 name "a" */
    0x02,       /* @15 memory */
    0x00, 0x00, /* @16 no max, min 0 */
    0x05, 0x03, /* @18 memory section */
    0x01,       /* @20 one more memory */
    0x00, 0x00, /* @21 no max, min 0 */
};
static const uint8_t import_bad_mutability[] = {
    WASM_HEADER,
    0x02, 0x08, /* @8 import section */
    0x01,       /* @10 one import */
    0x01, 0x6d, /* @11 module "m" */
    0x01, 0x67, /* @13 name "g" */
    0x03,       /* @15 global */
    0x7f,       /* @16 i32 */
    0x02,       /* @17 mutability 2 */
};
static const uint8_t func_unknown_type[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x03, 0x02, /* @14 function section */
    0x01,       /* @16 one function */
    0x01,       /* @17 type 1 */
};
static const uint8_t func_without_types[] = {
    WASM_HEADER,
    0x03, 0x02, /* @8 function section */
    0x01,       /* @10 one function */
    0x00,       /* @11 type 0, but there is no type section */
};
static const uint8_t table_bad_reftype[] = {
    WASM_HEADER,
    0x04, 0x04, /* @8 table section */
    0x01,       /* @10 one table */
    0x7f,       /* @11 i32 is not a reference type */
    0x00, 0x00, /* @12 no max, min 0 */
};
static const uint8_t table_limits_flag_2[] = {
    WASM_HEADER,
    0x04, 0x04, /* @8 table section */
    0x01,       /* @10 one table */
    0x70,       /* @11 funcref */
    0x02,       /* @12 limits flag 2 */
    0x00,       /* @13 min 0 */
};
static const uint8_t table_min_above_max[] = {
    WASM_HEADER,
    0x04, 0x05, /* @8 table section */
    0x01,       /* @10 one table */
    0x70,       /* @11 funcref */
    0x01,       /* @12 has max */
    0x02,       /* @13 min 2 */
    0x01,       /* @14 max 1 */
};
static const uint8_t memory_min_too_large[] = {
    WASM_HEADER,
    0x05, 0x05,       /* @8 memory section */
    0x01,             /* @10 one memory */
    0x00,             /* @11 no max */
    0x81, 0x80, 0x04, /* @12 min 65537 pages */
};
static const uint8_t memory_max_too_large[] = {
    WASM_HEADER,
    0x05, 0x06,       /* @8 memory section */
    0x01,             /* @10 one memory */
    0x01,             /* @11 has max */
    0x00,             /* @12 min 0 */
    0x81, 0x80, 0x04, /* @13 max 65537 pages */
};
static const uint8_t memory_min_above_max[] = {
    WASM_HEADER,
    0x05, 0x04, /* @8 memory section */
    0x01,       /* @10 one memory */
    0x01,       /* @11 has max */
    0x02,       /* @12 min 2 */
    0x01,       /* @13 max 1 */
};
static const uint8_t memory_two[] = {
    WASM_HEADER,
    0x05, 0x05, /* @8 memory section */
    0x02,       /* @10 two memories */
    0x00, 0x00, /* @11 no max, min 0 */
    0x00, 0x00, /* @13 no max, min 0 */
};

/* ==== global (6), export (7), start (8) ====================================================== */

static const uint8_t global_bad_mutability[] = {
    WASM_HEADER,
    0x06, 0x06, /* @8 global section */
    0x01,       /* @10 one global */
    0x7f,       /* @11 i32 */
    0x02,       /* @12 mutability 2 */
    0x41, 0x00, /* @13 i32.const 0 */
    0x0b,       /* @15 end */
};
static const uint8_t global_init_type_mismatch[] = {
    WASM_HEADER,
    0x06, 0x06, /* @8 global section */
    0x01,       /* @10 one global */
    0x7f, 0x00, /* @11 i32, immutable */
    0x42, 0x00, /* @13 i64.const 0 */
    0x0b,       /* @15 end */
};
static const uint8_t global_init_empty[] = {
    WASM_HEADER,
    0x06, 0x04, /* @8 global section */
    0x01,       /* @10 one global */
    0x7f, 0x00, /* @11 i32, immutable */
    0x0b,       /* @13 end, with nothing on the stack */
};
static const uint8_t global_init_not_constant[] = {
    WASM_HEADER,
    0x06, 0x09, /* @8 global section */
    0x01,       /* @10 one global */
    0x7f, 0x00, /* @11 i32, immutable */
    0x41, 0x01, /* @13 i32.const 1 */
    0x41, 0x02, /* @15 i32.const 2 */
    0x6a,       /* @17 i32.add */
    0x0b,       /* @18 end */
};
static const uint8_t global_get_defined_global[] = {
    WASM_HEADER,
    0x06, 0x0b, /* @8 global section */
    0x02,       /* @10 two globals */
    0x7f, 0x00, /* @11 i32, immutable */
    0x41, 0x00, /* @13 i32.const 0 */
    0x0b,       /* @15 end */
    0x7f, 0x00, /* @16 i32, immutable */
    0x23, 0x00, /* @18 global.get 0: defined, not imported */
    0x0b,       /* @20 end */
};
static const uint8_t global_get_mutable_import[] = {
    WASM_HEADER,
    0x02, 0x08, /* @8 import section */
    0x01,       /* @10 one import */
    0x01, 0x6d, /* @11 module "m" */
    0x01, 0x67, /* @13 name "g" */
    0x03,       /* @15 global */
    0x7f, 0x01, /* @16 i32, mutable */
    0x06, 0x06, /* @18 global section */
    0x01,       /* @20 one global */
    0x7f, 0x00, /* @21 i32, immutable */
    0x23, 0x00, /* @23 global.get 0 */
    0x0b,       /* @25 end */
};
static const uint8_t export_duplicate[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x07, 0x09, /* @18 export section */
    0x02,       /* @20 two exports */
    0x01, 0x61, /* @21 name "a" */
    0x00, 0x00, /* @23 function 0 */
    0x01, 0x61, /* @25 name "a" again */
    0x00, 0x00, /* @27 function 0 */
};
static const uint8_t export_unknown_function[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x07, 0x05, /* @18 export section */
    0x01,       /* @20 one export */
    0x01, 0x61, /* @21 name "a" */
    0x00,       /* @23 function */
    0x01,       /* @24 index 1 (there is one function) */
};
static const uint8_t export_unknown_table[] = {
    WASM_HEADER,
    0x07, 0x05, /* @8 export section */
    0x01,       /* @10 one export */
    0x01, 0x61, /* @11 name "a" */
    0x01,       /* @13 table */
    0x00,       /* @14 index 0 */
};
static const uint8_t export_unknown_memory[] = {
    WASM_HEADER,
    0x07, 0x05, /* @8 export section */
    0x01,       /* @10 one export */
    0x01, 0x61, /* @11 name "a" */
    0x02,       /* @13 memory */
    0x00,       /* @14 index 0 */
};
static const uint8_t export_unknown_global[] = {
    WASM_HEADER,
    0x07, 0x05, /* @8 export section */
    0x01,       /* @10 one export */
    0x01, 0x61, /* @11 name "a" */
    0x03,       /* @13 global */
    0x00,       /* @14 index 0 */
};
static const uint8_t export_bad_kind[] = {
    WASM_HEADER,
    0x07, 0x05, /* @8 export section */
    0x01,       /* @10 one export */
    0x01, 0x61, /* @11 name "a" */
    0x04,       /* @13 kind 4 */
    0x00,       /* @14 index 0 */
};
static const uint8_t start_unknown_function[] = {
    WASM_HEADER,
    0x08, 0x01, /* @8 start section */
    0x00,       /* @10 function 0, but there are none */
};
static const uint8_t start_wrong_signature[] = {
    WASM_HEADER,
    0x01, 0x05, /* @8 type section */
    0x01,       /* @10 one type */
    0x60,       /* @11 func */
    0x01, 0x7f, /* @12 (i32) */
    0x00,       /* @14 -> () */
    0x03, 0x02, /* @15 function section */
    0x01,       /* @17 one function */
    0x00,       /* @18 type 0 */
    0x08, 0x01, /* @19 start section */
    0x00,       /* @21 function 0 takes a parameter */
};

/* ==== element (9), data count (12), data (11) ================================================ */

static const uint8_t elem_flags_8[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x07,       /* @24 element section */
    0x01,             /* @26 one segment */
    0x08,             /* @27 flags 8 */
    0x41, 0x00, 0x0b, /* @28 i32.const 0, end */
    0x01, 0x00,       /* @31 one function: 0 */
};
static const uint8_t elem_unknown_table_explicit[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x09,       /* @24 element section */
    0x01,             /* @26 one segment */
    0x02,             /* @27 active, explicit table, elemkind */
    0x01,             /* @28 table 1 (there is one table) */
    0x41, 0x00, 0x0b, /* @29 offset: i32.const 0, end */
    0x00,             /* @32 elemkind funcref */
    0x01, 0x00,       /* @33 one function: 0 */
};
static const uint8_t elem_unknown_table_implicit[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x09, 0x07,       /* @18 element section */
    0x01,             /* @20 one segment */
    0x00,             /* @21 active in table 0, but there is no table */
    0x41, 0x00, 0x0b, /* @22 offset: i32.const 0, end */
    0x01, 0x00,       /* @25 one function: 0 */
};
static const uint8_t elem_externref_in_funcref_table[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x0b,       /* @24 element section */
    0x01,             /* @26 one segment */
    0x06,             /* @27 active, explicit table, expressions */
    0x00,             /* @28 table 0 */
    0x41, 0x00, 0x0b, /* @29 offset: i32.const 0, end */
    0x6f,             /* @32 externref */
    0x01,             /* @33 one expression */
    0xd0, 0x6f, 0x0b, /* @34 ref.null extern, end */
};
static const uint8_t elem_bad_elemkind[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x05, /* @24 element section */
    0x01,       /* @26 one segment */
    0x01,       /* @27 passive, elemkind */
    0x01,       /* @28 elemkind 1 */
    0x01, 0x00, /* @29 one function: 0 */
};
static const uint8_t elem_unknown_function[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x07,       /* @24 element section */
    0x01,             /* @26 one segment */
    0x00,             /* @27 active in table 0 */
    0x41, 0x00, 0x0b, /* @28 offset: i32.const 0, end */
    0x01,             /* @31 one function */
    0x01,             /* @32 function 1 (there is one) */
};
static const uint8_t elem_offset_i64[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    TABLE_FUNCREF,
    0x09, 0x07,       /* @24 element section */
    0x01,             /* @26 one segment */
    0x00,             /* @27 active in table 0 */
    0x42, 0x00, 0x0b, /* @28 offset: i64.const 0, end */
    0x01, 0x00,       /* @31 one function: 0 */
};
static const uint8_t datacount_mismatch[] = {
    WASM_HEADER,
    0x0c, 0x01, /* @8 data count section */
    0x02,       /* @10 two segments announced */
    0x0b, 0x04, /* @11 data section */
    0x01,       /* @13 one segment */
    0x01,       /* @14 passive */
    0x01, 0x61, /* @15 one byte: "a" */
};
static const uint8_t datacount_without_data[] = {
    WASM_HEADER,
    0x0c, 0x01, /* @8 data count section */
    0x01,       /* @10 one segment announced, none follows */
};
static const uint8_t data_unknown_memory[] = {
    WASM_HEADER,
    0x0b, 0x07,       /* @8 data section */
    0x01,             /* @10 one segment */
    0x00,             /* @11 active in memory 0, but there is no memory */
    0x41, 0x00, 0x0b, /* @12 offset: i32.const 0, end */
    0x01, 0x61,       /* @15 one byte: "a" */
};
static const uint8_t data_unknown_memory_explicit[] = {
    WASM_HEADER,
    0x05, 0x03,       /* @8 memory section */
    0x01,             /* @10 one memory */
    0x00, 0x00,       /* @11 no max, min 0 */
    0x0b, 0x08,       /* @13 data section */
    0x01,             /* @15 one segment */
    0x02,             /* @16 active, explicit memory */
    0x01,             /* @17 memory 1 */
    0x41, 0x00, 0x0b, /* @18 offset: i32.const 0, end */
    0x01, 0x61,       /* @21 one byte: "a" */
};
static const uint8_t data_bad_flags[] = {
    WASM_HEADER,
    0x0b, 0x04, /* @8 data section */
    0x01,       /* @10 one segment */
    0x03,       /* @11 flags 3 */
    0x01, 0x61, /* @12 one byte: "a" */
};
static const uint8_t data_truncated_bytes[] = {
    WASM_HEADER,
    0x0b, 0x04, /* @8 data section */
    0x01,       /* @10 one segment */
    0x01,       /* @11 passive */
    0x05,       /* @12 five bytes declared */
    0x61,       /* @13 one byte present */
};

static const uint8_t memory_two_then_malformed[] = {
    WASM_HEADER,
    0x05, 0x05, /* @8 memory section */
    0x02,       /* @10 two memories: invalid in 2.0 */
    0x00, 0x00, /* @11 no max, min 0 */
    0x02, 0x00, /* @13 limits flag 2: malformed, but after the invalid count */
};

static const error_case_t section_cases[] = {
    CASE(type_bad_form, SL_EMALFORMED, 1, 11, "malformed function type 0x61"),
    CASE(type_bad_valtype, SL_EMALFORMED, 1, 13, "malformed value type"),
    CASE(type_count_past_end, SL_EMALFORMED, 1, 10, "unexpected end of section or function"),
    CASE(import_bad_kind, SL_EMALFORMED, 2, 15, "malformed import kind"),
    CASE(import_bad_utf8_module, SL_EMALFORMED, 2, 11, "malformed UTF-8 encoding"),
    CASE(import_bad_utf8_name, SL_EMALFORMED, 2, 13, "malformed UTF-8 encoding"),
    CASE(import_unknown_type, SL_EINVALID, 2, 22, "unknown type 1"),
    CASE(import_two_memories, SL_EINVALID, 2, 22, "multiple memories"),
    CASE(import_memory_and_memory_section, SL_EINVALID, 5, 20, "multiple memories"),
    CASE(import_bad_mutability, SL_EMALFORMED, 2, 17, "malformed mutability"),
    CASE(func_unknown_type, SL_EINVALID, 3, 17, "unknown type 1"),
    CASE(func_without_types, SL_EINVALID, 3, 11, "unknown type 0"),
    CASE(table_bad_reftype, SL_EMALFORMED, 4, 11, "malformed reference type"),
    CASE(table_limits_flag_2, SL_EMALFORMED, 4, 12, "integer too large"),
    CASE(table_min_above_max, SL_EINVALID, 4, 13, "size minimum must not be greater than maximum"),
    CASE(memory_min_too_large, SL_EINVALID, 5, 12, "memory size must be at most 65536 pages"),
    CASE(memory_max_too_large, SL_EINVALID, 5, 13, "memory size must be at most 65536 pages"),
    CASE(memory_min_above_max, SL_EINVALID, 5, 12,
         "size minimum must not be greater than maximum"),
    CASE(memory_two, SL_EINVALID, 5, 10, "multiple memories"),
    /* Outside function bodies the first error in byte order wins (sections.c): the invalid
     * count comes before the malformed entry. */
    CASE(memory_two_then_malformed, SL_EINVALID, 5, 10, "multiple memories"),
    CASE(global_bad_mutability, SL_EMALFORMED, 6, 12, "malformed mutability"),
    CASE(global_init_type_mismatch, SL_EINVALID, 6, 15, "type mismatch"),
    CASE(global_init_empty, SL_EINVALID, 6, 13, "type mismatch"),
    CASE(global_init_not_constant, SL_EINVALID, 6, 17, "constant expression required"),
    CASE(global_get_defined_global, SL_EINVALID, 6, 19, "unknown global 0"),
    CASE(global_get_mutable_import, SL_EINVALID, 6, 23, "constant expression required"),
    CASE(export_duplicate, SL_EINVALID, 7, 25, "duplicate export name"),
    CASE(export_unknown_function, SL_EINVALID, 7, 24, "unknown function 1"),
    CASE(export_unknown_table, SL_EINVALID, 7, 14, "unknown table 0"),
    CASE(export_unknown_memory, SL_EINVALID, 7, 14, "unknown memory 0"),
    CASE(export_unknown_global, SL_EINVALID, 7, 14, "unknown global 0"),
    CASE(export_bad_kind, SL_EMALFORMED, 7, 13, "malformed export kind"),
    CASE(start_unknown_function, SL_EINVALID, 8, 10, "unknown function 0"),
    CASE(start_wrong_signature, SL_EINVALID, 8, 21, "start function"),
    CASE(elem_flags_8, SL_EMALFORMED, 9, 27, "malformed elements segment kind"),
    CASE(elem_unknown_table_explicit, SL_EINVALID, 9, 28, "unknown table 1"),
    CASE(elem_unknown_table_implicit, SL_EINVALID, 9, 22, "unknown table 0"),
    CASE(elem_externref_in_funcref_table, SL_EINVALID, 9, 32, "type mismatch"),
    CASE(elem_bad_elemkind, SL_EMALFORMED, 9, 28, "malformed element kind"),
    CASE(elem_unknown_function, SL_EINVALID, 9, 32, "unknown function 1"),
    CASE(elem_offset_i64, SL_EINVALID, 9, 30, "type mismatch"),
    CASE(datacount_mismatch, SL_EMALFORMED, 11, 13,
         "data count and data section have inconsistent lengths"),
    CASE(datacount_without_data, SL_EMALFORMED, SL_NO_SECTION, 11,
         "data count and data section have inconsistent lengths"),
    CASE(data_unknown_memory, SL_EINVALID, 11, 12, "unknown memory 0"),
    CASE(data_unknown_memory_explicit, SL_EINVALID, 11, 17, "unknown memory 1"),
    CASE(data_bad_flags, SL_EMALFORMED, 11, 11, "malformed data segment kind"),
    CASE(data_truncated_bytes, SL_EMALFORMED, 11, 12, "unexpected end of section or function"),
};

START_TEST(test_sections_rejects_bad_section)
{
    run_error_case(&section_cases[_i]);
}
END_TEST

/* The eight element segment encodings (spec: binary format, element section), each naming
 * function 0 so that the body's ref.func 0 is declared (spec: validation, C.refs). */
#define ELEM_MODULE(...)                                                                           \
    {                                                                                              \
        WASM_HEADER, TYPE_VOID, FUNC_ONE, TABLE_FUNCREF, __VA_ARGS__,                              \
        0x0a, 0x07,             /* code section */                                                 \
        0x01,                   /* one body */                                                     \
        0x05,                   /* 5 bytes */                                                      \
        0x00,                   /* no locals */                                                    \
        0xd2, 0x00,             /* ref.func 0 */                                                   \
        0x1a,                   /* drop */                                                         \
        0x0b,                   /* end */                                                          \
    }

static const uint8_t elem_flags_0[] = ELEM_MODULE(
    0x09, 0x07,       /* element section */
    0x01,             /* one segment */
    0x00,             /* active, table 0, function indices */
    0x41, 0x00, 0x0b, /* offset: i32.const 0, end */
    0x01, 0x00        /* one function: 0 */
);
static const uint8_t elem_flags_1[] = ELEM_MODULE(
    0x09, 0x05, /* element section */
    0x01,       /* one segment */
    0x01,       /* passive, elemkind, function indices */
    0x00,       /* elemkind funcref */
    0x01, 0x00  /* one function: 0 */
);
static const uint8_t elem_flags_2[] = ELEM_MODULE(
    0x09, 0x09,       /* element section */
    0x01,             /* one segment */
    0x02,             /* active, explicit table, elemkind, function indices */
    0x00,             /* table 0 */
    0x41, 0x00, 0x0b, /* offset: i32.const 0, end */
    0x00,             /* elemkind funcref */
    0x01, 0x00        /* one function: 0 */
);
static const uint8_t elem_flags_3[] = ELEM_MODULE(
    0x09, 0x05, /* element section */
    0x01,       /* one segment */
    0x03,       /* declarative, elemkind, function indices */
    0x00,       /* elemkind funcref */
    0x01, 0x00  /* one function: 0 */
);
static const uint8_t elem_flags_4[] = ELEM_MODULE(
    0x09, 0x09,       /* element section */
    0x01,             /* one segment */
    0x04,             /* active, table 0, expressions */
    0x41, 0x00, 0x0b, /* offset: i32.const 0, end */
    0x01,             /* one expression */
    0xd2, 0x00, 0x0b  /* ref.func 0, end */
);
static const uint8_t elem_flags_5[] = ELEM_MODULE(
    0x09, 0x0a,       /* element section */
    0x01,             /* one segment */
    0x05,             /* passive, reference type, expressions */
    0x70,             /* funcref */
    0x02,             /* two expressions */
    0xd2, 0x00, 0x0b, /* ref.func 0, end */
    0xd0, 0x70, 0x0b  /* ref.null func, end */
);
static const uint8_t elem_flags_6[] = ELEM_MODULE(
    0x09, 0x0b,       /* element section */
    0x01,             /* one segment */
    0x06,             /* active, explicit table, reference type, expressions */
    0x00,             /* table 0 */
    0x41, 0x00, 0x0b, /* offset: i32.const 0, end */
    0x70,             /* funcref */
    0x01,             /* one expression */
    0xd2, 0x00, 0x0b  /* ref.func 0, end */
);
static const uint8_t elem_flags_7[] = ELEM_MODULE(
    0x09, 0x07,       /* element section */
    0x01,             /* one segment */
    0x07,             /* declarative, reference type, expressions */
    0x70,             /* funcref */
    0x01,             /* one expression */
    0xd2, 0x00, 0x0b  /* ref.func 0, end */
);

static const struct {
    const uint8_t *bytes;
    size_t size;
} elem_flag_modules[8] = {
    {elem_flags_0, sizeof elem_flags_0}, {elem_flags_1, sizeof elem_flags_1},
    {elem_flags_2, sizeof elem_flags_2}, {elem_flags_3, sizeof elem_flags_3},
    {elem_flags_4, sizeof elem_flags_4}, {elem_flags_5, sizeof elem_flags_5},
    {elem_flags_6, sizeof elem_flags_6}, {elem_flags_7, sizeof elem_flags_7},
};

START_TEST(test_sections_accepts_every_elem_encoding)
{
    char name[32];
    snprintf(name, sizeof name, "element flags %d", _i);
    expect_valid(name, elem_flag_modules[_i].bytes, elem_flag_modules[_i].size, NULL);
}
END_TEST

/* ==== code section (10) ====================================================================== */

static const uint8_t code_missing[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE, /* one function, and the module ends at @18 */
};
static const uint8_t code_without_functions[] = {
    WASM_HEADER,
    0x0a, 0x04,       /* @8 code section */
    0x01,             /* @10 one body */
    0x02, 0x00, 0x0b, /* @11 an empty body: 2 bytes, no locals, end */
};
static const uint8_t code_fewer_bodies[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x03, 0x03,       /* @14 function section */
    0x02,             /* @16 two functions */
    0x00, 0x00,       /* @17 type 0, type 0 */
    0x0a, 0x04,       /* @19 code section */
    0x01,             /* @21 one body */
    0x02, 0x00, 0x0b, /* @22 an empty body: 2 bytes, no locals, end */
};
static const uint8_t code_body_past_section[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x04, /* @18 code section, 4 bytes */
    0x01,       /* @20 one body */
    0x05,       /* @21 5 bytes: past the section's end at @24 */
    0x00, 0x0b, /* @22 no locals, end */
};
static const uint8_t code_missing_end[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x04, /* @18 code section */
    0x01,       /* @20 one body */
    0x02,       /* @21 2 bytes */
    0x00,       /* @22 no locals */
    0x01,       /* @23 nop, and the body ends at @24 */
};
static const uint8_t code_bytes_after_end[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x05, /* @18 code section */
    0x01,       /* @20 one body */
    0x03,       /* @21 3 bytes */
    0x00,       /* @22 no locals */
    0x0b,       /* @23 end */
    0x01,       /* @24 nop after the end */
};
static const uint8_t code_locals_overflow[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x0c,                   /* @18 code section */
    0x01,                         /* @20 one body */
    0x0a,                         /* @21 10 bytes */
    0x02,                         /* @22 two local groups */
    0xff, 0xff, 0xff, 0xff, 0x0f, /* @23 2^32 - 1 */
    0x7f,                         /* @28 i32 */
    0x02,                         /* @29 2 */
    0x7e,                         /* @30 i64: 2^32 + 1 locals in all */
    0x0b,                         /* @31 end */
};
static const uint8_t code_illegal_ff[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x05, /* @18 code section */
    0x01,       /* @20 one body */
    0x03,       /* @21 3 bytes */
    0x00,       /* @22 no locals */
    0xff,       /* @23 no such opcode */
    0x0b,       /* @24 end */
};
static const uint8_t code_illegal_fc_7f[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0xfc, 0x7f, /* @23 0xfc 127: no such opcode */
    0x0b,       /* @25 end */
};
static const uint8_t code_illegal_fd_1ff[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x07,       /* @18 code section */
    0x01,             /* @20 one body */
    0x05,             /* @21 5 bytes */
    0x00,             /* @22 no locals */
    0xfd, 0xff, 0x03, /* @23 0xfd 511: no such opcode */
    0x0b,             /* @26 end */
};
static const uint8_t code_add_on_f32[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x0f,                   /* @18 code section */
    0x01,                         /* @20 one body */
    0x0d,                         /* @21 13 bytes */
    0x00,                         /* @22 no locals */
    0x43, 0x00, 0x00, 0x80, 0x3f, /* @23 f32.const 1 */
    0x43, 0x00, 0x00, 0x80, 0x3f, /* @28 f32.const 1 */
    0x6a,                         /* @33 i32.add */
    0x0b,                         /* @34 end */
};
static const uint8_t code_unknown_local[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x20, 0x00, /* @23 local.get 0 */
    0x0b,       /* @25 end */
};
static const uint8_t code_unknown_global[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x23, 0x00, /* @23 global.get 0 */
    0x0b,       /* @25 end */
};
static const uint8_t code_unknown_function[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x10, 0x01, /* @23 call 1 */
    0x0b,       /* @25 end */
};
static const uint8_t code_unknown_label[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x0c, 0x01, /* @23 br 1: only label 0 exists */
    0x0b,       /* @25 end */
};
static const uint8_t code_unknown_table[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x09, /* @18 code section */
    0x01,       /* @20 one body */
    0x07,       /* @21 7 bytes */
    0x00,       /* @22 no locals */
    0x41, 0x00, /* @23 i32.const 0 */
    0x25, 0x00, /* @25 table.get 0 */
    0x1a,       /* @27 drop */
    0x0b,       /* @28 end */
};
static const uint8_t code_unknown_memory[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x07, /* @18 code section */
    0x01,       /* @20 one body */
    0x05,       /* @21 5 bytes */
    0x00,       /* @22 no locals */
    0x3f, 0x00, /* @23 memory.size */
    0x1a,       /* @25 drop */
    0x0b,       /* @26 end */
};
static const uint8_t code_alignment_too_large[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    MEMORY_ONE,
    0x0a, 0x0a,       /* @23 code section */
    0x01,             /* @25 one body */
    0x08,             /* @26 8 bytes */
    0x00,             /* @27 no locals */
    0x41, 0x00,       /* @28 i32.const 0 */
    0x28, 0x03, 0x00, /* @30 i32.load align=8 offset=0 */
    0x1a,             /* @33 drop */
    0x0b,             /* @34 end */
};
static const uint8_t code_lane_index_16[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x1a,                                     /* @18 code section */
    0x01,                                           /* @20 one body */
    0x18,                                           /* @21 24 bytes */
    0x00,                                           /* @22 no locals */
    0xfd, 0x0c,                                     /* @23 v128.const */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* @25 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* @33 */
    0xfd, 0x15,                                     /* @41 i8x16.extract_lane_s */
    0x10,                                           /* @43 lane 16 */
    0x1a,                                           /* @44 drop */
    0x0b,                                           /* @45 end */
};
static const uint8_t code_undeclared_ref_func[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x07, /* @18 code section */
    0x01,       /* @20 one body */
    0x05,       /* @21 5 bytes */
    0x00,       /* @22 no locals */
    0xd2, 0x00, /* @23 ref.func 0: in no element segment, export or global */
    0x1a,       /* @25 drop */
    0x0b,       /* @26 end */
};
static const uint8_t code_set_immutable_global[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x06, 0x06, /* @18 global section */
    0x01,       /* @20 one global */
    0x7f, 0x00, /* @21 i32, immutable */
    0x41, 0x00, /* @23 i32.const 0 */
    0x0b,       /* @25 end */
    0x0a, 0x08, /* @26 code section */
    0x01,       /* @28 one body */
    0x06,       /* @29 6 bytes */
    0x00,       /* @30 no locals */
    0x41, 0x00, /* @31 i32.const 0 */
    0x24, 0x00, /* @33 global.set 0 */
    0x0b,       /* @35 end */
};
static const uint8_t code_br_table_arities[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x10,             /* @18 code section */
    0x01,                   /* @20 one body */
    0x0e,                   /* @21 14 bytes */
    0x00,                   /* @22 no locals */
    0x02, 0x7f,             /* @23 block (result i32) */
    0x41, 0x00,             /* @25 i32.const 0 */
    0x41, 0x00,             /* @27 i32.const 0 */
    0x0e, 0x01, 0x00, 0x01, /* @29 br_table [0] 1: arity 1 and arity 0 */
    0x0b,                   /* @33 end */
    0x1a,                   /* @34 drop */
    0x0b,                   /* @35 end */
};
static const uint8_t code_select_externrefs[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x0c, /* @18 code section */
    0x01,       /* @20 one body */
    0x0a,       /* @21 10 bytes */
    0x00,       /* @22 no locals */
    0xd0, 0x6f, /* @23 ref.null extern */
    0xd0, 0x6f, /* @25 ref.null extern */
    0x41, 0x01, /* @27 i32.const 1 */
    0x1b,       /* @29 select without a type */
    0x1a,       /* @30 drop */
    0x0b,       /* @31 end */
};
static const uint8_t code_select_two_results[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x0f,             /* @18 code section */
    0x01,                   /* @20 one body */
    0x0d,                   /* @21 13 bytes */
    0x00,                   /* @22 no locals */
    0x41, 0x00,             /* @23 i32.const 0 */
    0x41, 0x00,             /* @25 i32.const 0 */
    0x41, 0x00,             /* @27 i32.const 0 */
    0x1c, 0x02, 0x7f, 0x7f, /* @29 select (result i32 i32) */
    0x1a,                   /* @33 drop */
    0x0b,                   /* @34 end */
};
static const uint8_t code_data_drop_unknown[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x07,       /* @18 code section */
    0x01,             /* @20 one body */
    0x05,             /* @21 5 bytes */
    0x00,             /* @22 no locals */
    0xfc, 0x09, 0x00, /* @23 data.drop 0, without a data count section */
    0x0b,             /* @26 end; the module ends at @27 with no data section */
};
static const uint8_t code_data_drop_needs_count[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x07,       /* @18 code section */
    0x01,             /* @20 one body */
    0x05,             /* @21 5 bytes */
    0x00,             /* @22 no locals */
    0xfc, 0x09, 0x00, /* @23 data.drop 0, without a data count section */
    0x0b,             /* @26 end */
    0x0b, 0x04,       /* @27 data section */
    0x01,             /* @29 one segment */
    0x01,             /* @30 passive */
    0x01, 0x61,       /* @31 one byte: "a"; the module ends at @33 */
};
static const uint8_t code_memory_size_reserved[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    MEMORY_ONE,
    0x0a, 0x07, /* @23 code section */
    0x01,       /* @25 one body */
    0x05,       /* @26 5 bytes */
    0x00,       /* @27 no locals */
    0x3f, 0x01, /* @28 memory.size with reserved byte 1 */
    0x1a,       /* @30 drop */
    0x0b,       /* @31 end */
};
static const uint8_t code_invalid_then_illegal[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x6a,       /* @23 i32.add on an empty stack: invalid */
    0xff,       /* @24 no such opcode: malformed, which decoding finds first */
    0x0b,       /* @25 end */
};
static const uint8_t code_invalid_then_misplaced_else[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x06, /* @18 code section */
    0x01,       /* @20 one body */
    0x04,       /* @21 4 bytes */
    0x00,       /* @22 no locals */
    0x6a,       /* @23 i32.add on an empty stack: invalid */
    0x05,       /* @24 else outside an if: malformed, which decoding finds first */
    0x0b,       /* @25 end */
};
static const uint8_t code_error_after_import[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x02, 0x07, /* @14 import section */
    0x01,       /* @16 one import */
    0x01, 0x6d, /* @17 module "m" */
    0x01, 0x66, /* @19 name "f" */
    0x00, 0x00, /* @21 function of type 0: function 0 */
    0x03, 0x02, /* @23 function section */
    0x01,       /* @25 one function: function 1 */
    0x00,       /* @26 type 0 */
    0x0a, 0x05, /* @27 code section */
    0x01,       /* @29 one body */
    0x03,       /* @30 3 bytes */
    0x00,       /* @31 no locals */
    0x6a,       /* @32 i32.add on an empty stack */
    0x0b,       /* @33 end */
};
static const uint8_t code_error_in_second_body[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x03, 0x03,       /* @14 function section */
    0x02,             /* @16 two functions */
    0x00, 0x00,       /* @17 type 0, type 0 */
    0x0a, 0x08,       /* @19 code section */
    0x02,             /* @21 two bodies */
    0x02, 0x00, 0x0b, /* @22 an empty body: 2 bytes, no locals, end */
    0x03,             /* @25 3 bytes */
    0x00,             /* @26 no locals */
    0x1a,             /* @27 drop on an empty stack */
    0x0b,             /* @28 end */
};

static const uint8_t code_section_size_mismatch[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x05,       /* @18 code section, 5 bytes */
    0x01,             /* @20 one body */
    0x02, 0x00, 0x0b, /* @21 an empty body: 2 bytes, no locals, end */
    0x00,             /* @24 a byte after the last body */
};
static const uint8_t code_section_empty[] = {
    WASM_HEADER,
    0x0a, 0x00, /* @8 code section of 0 bytes: no room for the count */
};
static const uint8_t code_data_drop_past_count[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0c, 0x01,       /* @18 data count section */
    0x01,             /* @20 one segment */
    0x0a, 0x07,       /* @21 code section */
    0x01,             /* @23 one body */
    0x05,             /* @24 5 bytes */
    0x00,             /* @25 no locals */
    0xfc, 0x09, 0x01, /* @26 data.drop 1 */
    0x0b,             /* @29 end */
    0x0b, 0x04,       /* @30 data section */
    0x01,             /* @32 one segment */
    0x01,             /* @33 passive */
    0x01, 0x61,       /* @34 one byte: "a" */
};

static const error_case_t code_cases[] = {
    CASE(code_missing, SL_EMALFORMED, SL_NO_SECTION, 18,
         "function and code section have inconsistent lengths"),
    CASE(code_without_functions, SL_EMALFORMED, 10, 10,
         "function and code section have inconsistent lengths"),
    CASE(code_fewer_bodies, SL_EMALFORMED, 10, 21,
         "function and code section have inconsistent lengths"),
    CASE(code_body_past_section, SL_EMALFORMED, 10, 21, "unexpected end of section or function"),
    CASE(code_section_size_mismatch, SL_EMALFORMED, 10, 24, "section size mismatch"),
    CASE(code_section_empty, SL_EMALFORMED, 10, 10, "unexpected end of section or function"),
    BODY_CASE(code_missing_end, SL_EMALFORMED, 24, 0, 2, "END opcode expected"),
    BODY_CASE(code_bytes_after_end, SL_EMALFORMED, 24, 0, 2,
              "operators remaining after end of function"),
    BODY_CASE(code_locals_overflow, SL_EMALFORMED, 31, 0, 9, "too many locals"),
    BODY_CASE(code_illegal_ff, SL_EMALFORMED, 23, 0, 1, "illegal opcode"),
    BODY_CASE(code_illegal_fc_7f, SL_EMALFORMED, 23, 0, 1, "illegal opcode"),
    BODY_CASE(code_illegal_fd_1ff, SL_EMALFORMED, 23, 0, 1, "illegal opcode"),
    BODY_CASE(code_add_on_f32, SL_EINVALID, 33, 0, 11, "type mismatch"),
    BODY_CASE(code_unknown_local, SL_EINVALID, 23, 0, 1, "unknown local 0"),
    BODY_CASE(code_unknown_global, SL_EINVALID, 23, 0, 1, "unknown global 0"),
    BODY_CASE(code_unknown_function, SL_EINVALID, 23, 0, 1, "unknown function 1"),
    BODY_CASE(code_unknown_label, SL_EINVALID, 23, 0, 1, "unknown label 1"),
    BODY_CASE(code_unknown_table, SL_EINVALID, 25, 0, 3, "unknown table 0"),
    BODY_CASE(code_unknown_memory, SL_EINVALID, 23, 0, 1, "unknown memory 0"),
    BODY_CASE(code_alignment_too_large, SL_EINVALID, 30, 0, 3,
              "alignment must not be larger than natural"),
    BODY_CASE(code_lane_index_16, SL_EINVALID, 41, 0, 19, "invalid lane index"),
    BODY_CASE(code_undeclared_ref_func, SL_EINVALID, 23, 0, 1, "undeclared function reference"),
    BODY_CASE(code_set_immutable_global, SL_EINVALID, 33, 0, 3, "global is immutable"),
    BODY_CASE(code_br_table_arities, SL_EINVALID, 29, 0, 7, "type mismatch"),
    BODY_CASE(code_select_externrefs, SL_EINVALID, 29, 0, 7, "type mismatch"),
    BODY_CASE(code_select_two_results, SL_EINVALID, 29, 0, 7, "invalid result arity"),
    BODY_CASE(code_data_drop_past_count, SL_EINVALID, 26, 0, 1, "unknown data segment 1"),
    CASE(code_data_drop_unknown, SL_EINVALID, SL_NO_SECTION, 27, "unknown data segment 0"),
    CASE(code_data_drop_needs_count, SL_EMALFORMED, SL_NO_SECTION, 33,
         "data count section required"),
    BODY_CASE(code_memory_size_reserved, SL_EMALFORMED, 28, 0, 1, "zero byte expected"),
    BODY_CASE(code_invalid_then_illegal, SL_EMALFORMED, 24, 0, 2, "illegal opcode"),
    /* The type error (i32.add) comes first, but an else outside an if cannot decode. */
    BODY_CASE(code_invalid_then_misplaced_else, SL_EMALFORMED, 24, 0, 2, "else"),
    BODY_CASE(code_error_after_import, SL_EINVALID, 32, 1, 1, "type mismatch"),
    BODY_CASE(code_error_in_second_body, SL_EINVALID, 27, 1, 1, "type mismatch"),
};

START_TEST(test_sections_rejects_bad_code)
{
    run_error_case(&code_cases[_i]);
}
END_TEST

/* ---- limits ---------------------------------------------------------------------------------- */

static void
limit_locals_3(sl_limits_t *l)
{
    l->max_locals = 3;
}

static void
limit_functions_1(sl_limits_t *l)
{
    l->max_functions = 1;
}

static const uint8_t locals_above_limit[] = {
    WASM_HEADER,
    0x01, 0x06,       /* @8 type section */
    0x01,             /* @10 one type */
    0x60,             /* @11 func */
    0x02, 0x7f, 0x7f, /* @12 (i32 i32) */
    0x00,             /* @15 -> () */
    0x03, 0x02,       /* @16 function section */
    0x01, 0x00,       /* @18 one function of type 0 */
    0x0a, 0x06,       /* @20 code section */
    0x01,             /* @22 one body */
    0x04,             /* @23 4 bytes */
    0x01,             /* @24 one local group */
    0x02, 0x7e,       /* @25 2 i64: 4 locals with the parameters */
    0x0b,             /* @27 end */
};
static const uint8_t locals_at_limit[] = {
    WASM_HEADER,
    0x01, 0x06,       /* @8 type section */
    0x01,             /* @10 one type */
    0x60,             /* @11 func */
    0x02, 0x7f, 0x7f, /* @12 (i32 i32) */
    0x00,             /* @15 -> () */
    0x03, 0x02,       /* @16 function section */
    0x01, 0x00,       /* @18 one function of type 0 */
    0x0a, 0x06,       /* @20 code section */
    0x01,             /* @22 one body */
    0x04,             /* @23 4 bytes */
    0x01,             /* @24 one local group */
    0x01, 0x7e,       /* @25 1 i64: 3 locals with the parameters */
    0x0b,             /* @27 end */
};
/* 2^32 - 1 declared locals is within the spec's bound (binary format, code section: the locals
 * declared, parameters not counted, number fewer than 2^32), so this is well-formed and only
 * beyond the implementation's limit. */
static const uint8_t locals_max_plus_param[] = {
    WASM_HEADER,
    0x01, 0x05,                   /* @8 type section */
    0x01,                         /* @10 one type */
    0x60,                         /* @11 func */
    0x01, 0x7f,                   /* @12 (i32) */
    0x00,                         /* @14 -> () */
    0x03, 0x02,                   /* @15 function section */
    0x01, 0x00,                   /* @17 one function of type 0 */
    0x0a, 0x0a,                   /* @19 code section */
    0x01,                         /* @21 one body */
    0x08,                         /* @22 8 bytes */
    0x01,                         /* @23 one local group */
    0xff, 0xff, 0xff, 0xff, 0x0f, /* @24 2^32 - 1 */
    0x7f,                         /* @29 i32 */
    0x0b,                         /* @30 end */
};
static const uint8_t functions_above_limit[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x03, 0x03, /* @14 function section */
    0x02,       /* @16 two functions */
    0x00, 0x00, /* @17 type 0, type 0 */
};

static const error_case_t limit_cases[] = {
    LIMIT_CASE(locals_above_limit, limit_locals_3, SL_ELIMIT, 10, 27, 0, 3, "too many locals"),
    LIMIT_CASE(locals_max_plus_param, NULL, SL_ELIMIT, 10, 30, 0, 7, "too many locals"),
    LIMIT_CASE(functions_above_limit, limit_functions_1, SL_ELIMIT, 3, 17, SL_NO_INDEX, 0,
               "too many functions"),
};

START_TEST(test_sections_enforces_limits)
{
    run_error_case(&limit_cases[_i]);
}
END_TEST

START_TEST(test_sections_accepts_locals_at_limit)
{
    sl_limits_t limits;
    sl_limits_init(&limits);
    limit_locals_3(&limits);
    expect_valid("locals_at_limit", locals_at_limit, sizeof locals_at_limit, &limits);
}
END_TEST

/* A custom section of `n` payload bytes after the header makes a module of 8 + 2 + 2 + n bytes. */
static size_t
custom_module(uint8_t *buf, size_t n)
{
    static const uint8_t header[] = {WASM_HEADER};
    ck_assert_uint_lt(n, 120);
    memcpy(buf, header, sizeof header);
    buf[8] = 0x00;                 /* custom section */
    buf[9] = (uint8_t)(2 + n);     /* size */
    buf[10] = 0x01;                /* name length 1 */
    buf[11] = 'x';                 /* name "x" */
    memset(buf + 12, 0x5a, n);     /* payload */
    return 12 + n;
}

START_TEST(test_sections_limits_module_size_while_feeding)
{
    /* A limit of one page: the header fits, the next page-sized chunk does not. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    sl_limits_t limits;
    sl_limits_init(&limits);
    limits.max_module_size = page;
    sl_stream_options_t options = {.limits = &limits};
    static const uint8_t header[] = {WASM_HEADER};
    uint8_t *chunk = calloc(1, page);
    ck_assert_ptr_nonnull(chunk);
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(&options, &s), 0);
    ck_assert_int_eq(sl_stream_feed(s, header, sizeof header), 0);
    ck_assert_int_eq(sl_stream_feed(s, chunk, page), SL_ELIMIT);
    const sl_error_t *err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, SL_ELIMIT);
    ck_assert_uint_eq(err->section, SL_NO_SECTION);
    ck_assert_uint_eq(err->offset, 8);
    ck_assert_ptr_nonnull(strstr(err->message, "size limit"));
    ck_assert_uint_eq(sl_stream_offset(s), 8); /* the chunk was not taken */
    sl_stream_free(s);
    free(chunk);
}
END_TEST

START_TEST(test_sections_limits_module_size_exactly)
{
    /* max_module_size counts bytes: a module of exactly the limit decodes, one byte more does
     * not, whatever the page size. */
    uint8_t buf[128];
    sl_limits_t limits;
    sl_limits_init(&limits);
    limits.max_module_size = 20;
    sl_stream_options_t options = {.limits = &limits};
    sl_error_t err;

    size_t size = custom_module(buf, 8); /* 20 bytes */
    ck_assert_uint_eq(size, 20);
    ck_assert_int_eq(fixture_decode(buf, size, &options, &err), 0);

    size = custom_module(buf, 9); /* 21 bytes, fed as header and rest */
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(&options, &s), 0);
    int rc_header = sl_stream_feed(s, buf, 8);
    int rc = sl_stream_feed(s, buf + 8, size - 8);
    sl_error_t e;
    fixture_clear_error(&e);
    if (sl_stream_error(s))
        e = *sl_stream_error(s);
    sl_stream_free(s); /* before asserting, so that a failure leaks nothing */
    ck_assert_int_eq(rc_header, 0);
    ck_assert_msg(rc == SL_ELIMIT, "a 21-byte module with a 20-byte limit: %s", sl_err_name(rc));
    ck_assert_int_eq(e.code, SL_ELIMIT);
    ck_assert_uint_eq(e.section, SL_NO_SECTION);
    ck_assert_uint_eq(e.offset, 8);
    ck_assert_ptr_nonnull(strstr(e.message, "size limit"));
}
END_TEST

/* ==== custom sections (0) ==================================================================== */

static const uint8_t custom_everywhere[] = {
    WASM_HEADER,
    0x00, 0x02, /* custom section */
    0x01, 0x61, /* name "a" */
    TYPE_VOID,
    0x00, 0x03, /* custom section */
    0x01, 0x62, /* name "b" */
    0xff,       /* payload: anything */
    FUNC_ONE,
    0x00, 0x01, /* custom section */
    0x00,       /* empty name */
    0x0c, 0x01, /* data count section */
    0x00,       /* no segments */
    0x00, 0x02, /* custom section */
    0x01, 0x63, /* name "c" */
    0x0a, 0x04, /* code section */
    0x01,       /* one body */
    0x02,       /* 2 bytes */
    0x00,       /* no locals */
    0x0b,       /* end */
    0x00, 0x02, /* custom section */
    0x01, 0x64, /* name "d" */
    0x0b, 0x01, /* data section */
    0x00,       /* no segments */
    0x00, 0x02, /* custom section */
    0x01, 0x65, /* name "e" */
};
static const uint8_t custom_bad_utf8[] = {
    WASM_HEADER,
    TYPE_VOID,
    0x00, 0x03, /* @14 custom section */
    0x02,       /* @16 name length 2 */
    0xc3, 0x28, /* @17 a lead byte without its continuation */
};
static const uint8_t custom_name_past_end[] = {
    WASM_HEADER,
    0x00, 0x02, /* @8 custom section, 2 bytes */
    0x05,       /* @10 name length 5 */
    0x61,       /* @11 one byte of name */
};
static const uint8_t custom_empty[] = {
    WASM_HEADER,
    0x00, 0x00, /* @8 custom section without even a name */
};

static const error_case_t custom_cases[] = {
    CASE(custom_bad_utf8, SL_EMALFORMED, 0, 16, "malformed UTF-8 encoding"),
    CASE(custom_name_past_end, SL_EMALFORMED, 0, 10, "length out of bounds"),
    CASE(custom_empty, SL_EMALFORMED, 0, 10, "unexpected end"),
};

START_TEST(test_sections_rejects_bad_custom)
{
    run_error_case(&custom_cases[_i]);
}
END_TEST

START_TEST(test_sections_accepts_custom_anywhere)
{
    EXPECT_VALID(custom_everywhere);
}
END_TEST

/* One function and a "name" custom section of `size` bytes after the code section; the
 * arguments are the section's content after its name. */
#define NAMED_MODULE(size, ...)                                                                    \
    {                                                                                              \
        WASM_HEADER, TYPE_VOID, FUNC_ONE,                                                          \
        0x0a, 0x04,             /* code section */                                                 \
        0x01,                   /* one body */                                                     \
        0x02, 0x00, 0x0b,       /* an empty body: 2 bytes, no locals, end */                       \
        0x00, size,             /* custom section */                                               \
        0x04, 'n', 'a', 'm', 'e', /* name "name" */                                                \
        __VA_ARGS__                                                                                \
    }

static const uint8_t name_section_valid[] = NAMED_MODULE(0x12,
    0x00, 0x02,             /* subsection 0: module name, 2 bytes */
    0x01, 0x4d,             /* "M" */
    0x01, 0x07,             /* subsection 1: function names, 7 bytes */
    0x01,                   /* one name */
    0x00,                   /* function 0 */
    0x04, 'm', 'a', 'i', 'n' /* "main" */
);
static const uint8_t name_section_garbage[] = NAMED_MODULE(0x07,
    0x01,                   /* subsection 1 */
    0xff                    /* its size: a LEB128 that never ends */
);
static const uint8_t name_section_bad_utf8[] = NAMED_MODULE(0x0e,
    0x01, 0x07,             /* subsection 1: function names, 7 bytes */
    0x01,                   /* one name */
    0x00,                   /* function 0 */
    0x04, 'm', 0xff, 'i', 'n' /* not UTF-8 */
);

START_TEST(test_sections_reads_function_names)
{
    sl_module_t *m;
    sl_error_t err;
    ck_assert_int_eq(sl_module_decode(name_section_valid, sizeof name_section_valid, NULL, &m,
                                      &err), 0);
    size_t len = 0;
    const char *name = sl_module_func_name(m, 0, &len);
    ck_assert_ptr_nonnull(name);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(name, "main", 4);
    ck_assert_ptr_null(sl_module_func_name(m, 1, &len)); /* no such function */
    sl_module_unref(m);
}
END_TEST

START_TEST(test_sections_ignores_malformed_name_section)
{
    static const struct {
        const uint8_t *bytes;
        size_t size;
    } modules[] = {
        {name_section_garbage, sizeof name_section_garbage},
        {name_section_bad_utf8, sizeof name_section_bad_utf8},
    };
    for (int i = 0; i < N_OF(modules); i++) {
        sl_module_t *m;
        sl_error_t err;
        int rc = sl_module_decode(modules[i].bytes, modules[i].size, NULL, &m, &err);
        ck_assert_msg(rc == 0, "name section %d: %s: %s", i, sl_err_name(rc), err.message);
        size_t len = 0;
        ck_assert_ptr_null(sl_module_func_name(m, 0, &len));
        sl_module_unref(m);
    }
}
END_TEST

/* ==== valid modules ========================================================================== */

static const uint8_t valid_header_only[] = {
    WASM_HEADER,
};
static const uint8_t valid_memory_65536_pages[] = {
    WASM_HEADER,
    0x05, 0x08,       /* memory section */
    0x01,             /* one memory */
    0x01,             /* has max */
    0x80, 0x80, 0x04, /* min 65536 pages */
    0x80, 0x80, 0x04, /* max 65536 pages */
};
static const uint8_t valid_global_get_immutable_import[] = {
    WASM_HEADER,
    0x02, 0x08, /* import section */
    0x01,       /* one import */
    0x01, 0x6d, /* module "m" */
    0x01, 0x67, /* name "g" */
    0x03,       /* global */
    0x7f, 0x00, /* i32, immutable */
    0x06, 0x06, /* global section */
    0x01,       /* one global */
    0x7f, 0x01, /* i32, mutable */
    0x23, 0x00, /* global.get 0 */
    0x0b,       /* end */
};
static const uint8_t valid_data_drop_with_count[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0c, 0x01,       /* data count section */
    0x01,             /* one segment */
    0x0a, 0x07,       /* code section */
    0x01,             /* one body */
    0x05,             /* 5 bytes */
    0x00,             /* no locals */
    0xfc, 0x09, 0x00, /* data.drop 0 */
    0x0b,             /* end */
    0x0b, 0x04,       /* data section */
    0x01,             /* one segment */
    0x01,             /* passive */
    0x01, 0x61,       /* one byte: "a" */
};
static const uint8_t valid_locals_padded_counts[] = {
    WASM_HEADER,
    TYPE_VOID,
    FUNC_ONE,
    0x0a, 0x0e,                   /* code section */
    0x01,                         /* one body */
    0x0c,                         /* 12 bytes */
    0x03,                         /* three local groups */
    0x00, 0x7f,                   /* 0 i32 */
    0x80, 0x80, 0x80, 0x80, 0x00, /* 0 in five bytes */
    0x7e,                         /* i64 */
    0x02, 0x7d,                   /* 2 f32 */
    0x0b,                         /* end */
};

/* Every 2.0 feature family in one function: multi-value blocks typed by index, bulk memory,
 * reference types (tables of both kinds, ref.func, typed select), SIMD, non-trapping float to
 * int and sign extension. */
static const uint8_t valid_all_features[] = {
    WASM_HEADER,
    0x01, 0x0a,                   /* type section */
    0x02,                         /* two types */
    0x60, 0x00, 0x00,             /* type 0: () -> () */
    0x60, 0x01, 0x7f, 0x02, 0x7f, 0x7f, /* type 1: (i32) -> (i32 i32) */
    0x03, 0x02,                   /* function section */
    0x01, 0x00,                   /* one function of type 0 */
    0x04, 0x07,                   /* table section */
    0x02,                         /* two tables */
    0x70, 0x00, 0x01,             /* table 0: funcref, min 1 */
    0x6f, 0x00, 0x01,             /* table 1: externref, min 1 */
    0x05, 0x03,                   /* memory section */
    0x01, 0x00, 0x01,             /* one memory, min 1 */
    0x06, 0x06,                   /* global section */
    0x01,                         /* one global */
    0x6f, 0x01,                   /* externref, mutable */
    0xd0, 0x6f, 0x0b,             /* ref.null extern, end */
    0x07, 0x05,                   /* export section */
    0x01,                         /* one export */
    0x01, 0x66,                   /* name "f" */
    0x00, 0x00,                   /* function 0 */
    0x09, 0x05,                   /* element section */
    0x01,                         /* one segment */
    0x03, 0x00,                   /* declarative, elemkind funcref */
    0x01, 0x00,                   /* one function: 0 */
    0x0c, 0x01,                   /* data count section */
    0x01,                         /* one segment */
    0x0a, 0x70,                   /* code section, 112 bytes */
    0x01,                         /* one body */
    0x6e,                         /* 110 bytes */
    0x00,                         /* no locals */
    0x41, 0x07,                   /* i32.const 7 */
    0x02, 0x01,                   /* block (type 1): (i32) -> (i32 i32) */
    0x41, 0x01,                   /*   i32.const 1 */
    0x0b,                         /* end */
    0x6a,                         /* i32.add */
    0x1a,                         /* drop */
    0x41, 0x00, 0x41, 0x00, 0x41, 0x01, /* i32.const 0, 0, 1 */
    0xfc, 0x08, 0x00, 0x00,       /* memory.init 0 */
    0xfc, 0x09, 0x00,             /* data.drop 0 */
    0x41, 0x00, 0x41, 0x00, 0x41, 0x01, /* i32.const 0, 0, 1 */
    0xfc, 0x0a, 0x00, 0x00,       /* memory.copy */
    0x41, 0x00, 0x41, 0x00, 0x41, 0x01, /* i32.const 0, 0, 1 */
    0xfc, 0x0b, 0x00,             /* memory.fill */
    0xd2, 0x00,                   /* ref.func 0 */
    0xd1,                         /* ref.is_null */
    0x1a,                         /* drop */
    0x41, 0x00,                   /* i32.const 0 */
    0xd0, 0x70,                   /* ref.null func */
    0x26, 0x00,                   /* table.set 0 */
    0xd0, 0x6f,                   /* ref.null extern */
    0x24, 0x00,                   /* global.set 0 */
    0x41, 0x00,                   /* i32.const 0 */
    0x25, 0x01,                   /* table.get 1 */
    0x1a,                         /* drop */
    0xfc, 0x10, 0x00,             /* table.size 0 */
    0x1a,                         /* drop */
    0xfd, 0x0c,                   /* v128.const */
    0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0xfd, 0x1b, 0x01,             /* i32x4.extract_lane 1 */
    0x1a,                         /* drop */
    0xd0, 0x6f, 0xd0, 0x6f,       /* ref.null extern, ref.null extern */
    0x41, 0x01,                   /* i32.const 1 */
    0x1c, 0x01, 0x6f,             /* select (result externref) */
    0x1a,                         /* drop */
    0x43, 0x00, 0x00, 0x00, 0x00, /* f32.const 0 */
    0xfc, 0x00,                   /* i32.trunc_sat_f32_s */
    0x1a,                         /* drop */
    0x41, 0x00,                   /* i32.const 0 */
    0xc0,                         /* i32.extend8_s */
    0x1a,                         /* drop */
    0x0b,                         /* end */
    0x0b, 0x04,                   /* data section */
    0x01,                         /* one segment */
    0x01,                         /* passive */
    0x01, 0x61,                   /* one byte: "a" */
};

START_TEST(test_sections_accepts_valid_modules)
{
    EXPECT_VALID(valid_header_only);
    EXPECT_VALID(valid_memory_65536_pages);
    EXPECT_VALID(valid_global_get_immutable_import);
    EXPECT_VALID(valid_data_drop_with_count);
    EXPECT_VALID(valid_locals_padded_counts);
}
END_TEST

START_TEST(test_sections_accepts_every_feature_family)
{
    EXPECT_VALID(valid_all_features);
    sl_module_t *m;
    ck_assert_int_eq(sl_module_decode(valid_all_features, sizeof valid_all_features, NULL, &m,
                                      NULL), 0);
    ck_assert_uint_eq(sl_module_n_functions(m), 1);
    ck_assert_uint_eq(sl_module_n_imported_functions(m), 0);
    ck_assert_uint_eq(sl_module_n_exports(m), 1);
    sl_export_info_t e;
    ck_assert_int_eq(sl_module_export(m, 0, &e), 0);
    ck_assert_uint_eq(e.name_len, 1);
    ck_assert_mem_eq(e.name, "f", 1);
    ck_assert_int_eq(e.kind, SL_EXTERN_FUNC);
    ck_assert_uint_eq(e.index, 0);
    size_t size;
    ck_assert_ptr_nonnull(sl_module_wire_bytes(m, &size));
    ck_assert_uint_eq(size, sizeof valid_all_features);
    sl_module_unref(m);
}
END_TEST

/* ==== the stream's error rules =============================================================== */

START_TEST(test_sections_first_error_wins)
{
    static const uint8_t rest[] = {TYPE_VOID};
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(NULL, &s), 0);
    ck_assert_ptr_null(sl_stream_error(s));
    ck_assert_int_eq(sl_stream_feed(s, bad_version, sizeof bad_version), SL_EMALFORMED);
    const sl_error_t *err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    sl_error_t first = *err;
    ck_assert_int_eq(first.code, SL_EMALFORMED);
    ck_assert_uint_eq(first.offset, 4);
    ck_assert_ptr_nonnull(strstr(first.message, "unknown binary version"));
    uint64_t offset = sl_stream_offset(s);

    /* More input, even garbage, is refused with the same error and changes nothing. */
    ck_assert_int_eq(sl_stream_feed(s, rest, sizeof rest), SL_EMALFORMED);
    ck_assert_int_eq(sl_stream_feed(s, "\xff\xff", 2), SL_EMALFORMED);
    ck_assert_uint_eq(sl_stream_offset(s), offset);
    sl_stream_abort(s);
    sl_module_t *m = (sl_module_t *)(uintptr_t)1; /* must be overwritten with NULL */
    ck_assert_int_eq(sl_stream_finish(s, &m), SL_EMALFORMED);
    ck_assert_ptr_null(m);
    err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, first.code);
    ck_assert_uint_eq(err->section, first.section);
    ck_assert_uint_eq(err->offset, first.offset);
    ck_assert_uint_eq(err->func_index, first.func_index);
    ck_assert_uint_eq(err->body_offset, first.body_offset);
    ck_assert_str_eq(err->message, first.message);
    sl_stream_free(s);
}
END_TEST

START_TEST(test_sections_abort_refuses_input)
{
    static const uint8_t header[] = {WASM_HEADER};
    static const uint8_t rest[] = {TYPE_VOID};
    sl_stream_t *s;
    ck_assert_int_eq(sl_stream_new(NULL, &s), 0);
    ck_assert_int_eq(sl_stream_feed(s, header, sizeof header), 0);
    sl_stream_abort(s);
    const sl_error_t *err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, SL_EABORTED);
    ck_assert_uint_eq(err->section, SL_NO_SECTION);
    ck_assert_uint_eq(err->offset, 8);
    ck_assert_int_eq(sl_stream_feed(s, rest, sizeof rest), SL_EABORTED);
    ck_assert_uint_eq(sl_stream_offset(s), 8);
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_finish(s, &m), SL_EABORTED);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(sl_err_kind(SL_EABORTED), "aborted");
    sl_stream_free(s);
}
END_TEST

START_TEST(test_sections_refuses_input_after_finish)
{
    static const uint8_t header[] = {WASM_HEADER};
    static const uint8_t rest[] = {TYPE_VOID};
    sl_stream_t *s;
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_new(NULL, &s), 0);
    ck_assert_int_eq(sl_stream_feed(s, header, sizeof header), 0);
    ck_assert_int_eq(sl_stream_finish(s, &m), 0);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_null(sl_stream_error(s));
    ck_assert_int_eq(sl_stream_feed(s, rest, sizeof rest), SL_ESTATE);
    const sl_error_t *err = sl_stream_error(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(err->code, SL_ESTATE);
    ck_assert_uint_eq(err->section, SL_NO_SECTION);
    sl_module_t *again;
    ck_assert_int_eq(sl_stream_finish(s, &again), SL_ESTATE);
    ck_assert_ptr_null(again);
    sl_stream_free(s);
    /* The module outlives its stream. */
    size_t size;
    ck_assert_ptr_nonnull(sl_module_wire_bytes(m, &size));
    ck_assert_uint_eq(size, 8);
    sl_module_unref(m);
}
END_TEST

START_TEST(test_sections_finishing_twice_is_a_state_error)
{
    static const uint8_t header[] = {WASM_HEADER};
    sl_stream_t *s;
    sl_module_t *m;
    ck_assert_int_eq(sl_stream_new(NULL, &s), 0);
    ck_assert_int_eq(sl_stream_feed(s, header, sizeof header), 0);
    ck_assert_int_eq(sl_stream_finish(s, &m), 0);
    sl_module_unref(m);
    ck_assert_int_eq(sl_stream_finish(s, &m), SL_ESTATE);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(sl_stream_error(s)->code, SL_ESTATE);
    sl_stream_free(s);
}
END_TEST

START_TEST(test_sections_formats_code_errors)
{
    sl_error_t err;
    ck_assert_int_eq(fixture_decode(code_add_on_f32, sizeof code_add_on_f32, NULL, &err),
                     SL_EINVALID);
    char line[256];
    int n = sl_error_format(&err, line, sizeof line);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq((size_t)n, strlen(line));
    ck_assert_ptr_nonnull(strstr(line, "invalid module"));
    ck_assert_ptr_nonnull(strstr(line, "type mismatch"));
    ck_assert_ptr_nonnull(strstr(line, "code section"));
    ck_assert_ptr_nonnull(strstr(line, "function 0"));
    ck_assert_ptr_nonnull(strstr(line, "body offset 11"));
    ck_assert_ptr_nonnull(strstr(line, "offset 33"));

    /* Outside a body there is no function to name. */
    ck_assert_int_eq(fixture_decode(export_duplicate, sizeof export_duplicate, NULL, &err),
                     SL_EINVALID);
    sl_error_format(&err, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "export section"));
    ck_assert_ptr_null(strstr(line, "function 0"));
}
END_TEST

/* The public names of the value types, as messages and the CLI print them. */
START_TEST(test_valtype_name_names_every_type)
{
    ck_assert_str_eq(sl_valtype_name(SL_I32), "i32");
    ck_assert_str_eq(sl_valtype_name(SL_I64), "i64");
    ck_assert_str_eq(sl_valtype_name(SL_F32), "f32");
    ck_assert_str_eq(sl_valtype_name(SL_F64), "f64");
    ck_assert_str_eq(sl_valtype_name(SL_V128), "v128");
    ck_assert_str_eq(sl_valtype_name(SL_FUNCREF), "funcref");
    ck_assert_str_eq(sl_valtype_name(SL_EXTERNREF), "externref");
    ck_assert_str_eq(sl_valtype_name(0x40), "?");
    ck_assert_str_eq(sl_valtype_name(0), "?");
}
END_TEST

Suite *
sections_suite(void)
{
    Suite *s = suite_create("sections");
    TCase *tc = tcase_create("framing");
    tcase_add_test(tc, test_sections_rejects_empty_input);
    tcase_add_loop_test(tc, test_sections_rejects_bad_framing, 0, N_OF(framing_cases));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("sections");
    tcase_add_test(tc, test_valtype_name_names_every_type);
    tcase_add_loop_test(tc, test_sections_rejects_bad_section, 0, N_OF(section_cases));
    tcase_add_loop_test(tc, test_sections_accepts_every_elem_encoding, 0,
                        N_OF(elem_flag_modules));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("code");
    tcase_add_loop_test(tc, test_sections_rejects_bad_code, 0, N_OF(code_cases));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_loop_test(tc, test_sections_enforces_limits, 0, N_OF(limit_cases));
    tcase_add_test(tc, test_sections_accepts_locals_at_limit);
    tcase_add_test(tc, test_sections_limits_module_size_while_feeding);
    tcase_add_test(tc, test_sections_limits_module_size_exactly);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("custom");
    tcase_add_loop_test(tc, test_sections_rejects_bad_custom, 0, N_OF(custom_cases));
    tcase_add_test(tc, test_sections_accepts_custom_anywhere);
    tcase_add_test(tc, test_sections_reads_function_names);
    tcase_add_test(tc, test_sections_ignores_malformed_name_section);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("valid");
    tcase_add_test(tc, test_sections_accepts_valid_modules);
    tcase_add_test(tc, test_sections_accepts_every_feature_family);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_sections_first_error_wins);
    tcase_add_test(tc, test_sections_abort_refuses_input);
    tcase_add_test(tc, test_sections_refuses_input_after_finish);
    tcase_add_test(tc, test_sections_finishing_twice_is_a_state_error);
    tcase_add_test(tc, test_sections_formats_code_errors);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
