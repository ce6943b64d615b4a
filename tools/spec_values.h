/* Values of spec-test scripts: wast2json's {"type", "value"} objects parsed into spec_value_t,
 * turned into engine arguments, matched against engine results, and printed losslessly.
 *
 * The matching rules are the spec interpreter's: integers and floats compare bit for bit, except
 * that an expected "nan:canonical" accepts a quiet NaN with no payload beyond the quiet bit and
 * "nan:arithmetic" accepts any NaN with the quiet bit set (either sign, both). A v128 compares
 * lane by lane in the lane type the script wrote, with the same NaN rules per float lane.
 *
 * Host references (`ref.extern N`) become pointers into a spec_hostrefs_t, so a number passed in
 * comes back out as the same number. Pure functions apart from that table; no allocation.
 */
#ifndef SL_TOOLS_SPEC_VALUES_H
#define SL_TOOLS_SPEC_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

struct json_t;

/* How an expected float (or float lane) is compared. */
typedef enum spec_nan {
    SPEC_NAN_NONE,       /* bit for bit */
    SPEC_NAN_CANONICAL,  /* "nan:canonical" */
    SPEC_NAN_ARITHMETIC, /* "nan:arithmetic" */
} spec_nan_t;

/* The lane interpretation of a v128, from wast2json's "lane_type". */
typedef enum spec_lane {
    SPEC_LANE_I8,
    SPEC_LANE_I16,
    SPEC_LANE_I32,
    SPEC_LANE_I64,
    SPEC_LANE_F32,
    SPEC_LANE_F64,
    SPEC_N_LANE_TYPES
} spec_lane_t;

/* What a reference value is. */
typedef enum spec_ref {
    SPEC_REF_NULL, /* "null" */
    SPEC_REF_HOST, /* externref: host reference number `host` */
    SPEC_REF_ANY,  /* funcref given as anything but "null": any non-null function matches */
} spec_ref_t;

#define SPEC_MAX_LANES 16

typedef struct spec_value {
    uint8_t type;      /* SL_I32 ... SL_EXTERNREF */
    bool has_value;    /* false: the type alone (the "expected" of assert_trap and action) */
    uint8_t lane;      /* v128: spec_lane_t */
    uint8_t ref;       /* funcref, externref: spec_ref_t */
    uint8_t nan[4];    /* f32/f64: nan[0]; f32x4/f64x2: one per lane; spec_nan_t */
    uint64_t bits;     /* i32, f32 (zero-extended), i64, f64 */
    uint8_t v128[16];  /* little-endian lanes, as in memory; NaN lanes hold 0 */
    uint64_t host;     /* SPEC_REF_HOST: the number */
} spec_value_t;

/* Host reference N is the address of slots[N]: stable, distinct and never NULL. Numbers above
 * SPEC_MAX_HOSTREF are refused (the spec tests use a few small ones). */
#define SPEC_MAX_HOSTREF 1023u

typedef struct spec_hostrefs {
    unsigned char slots[SPEC_MAX_HOSTREF + 1];
} spec_hostrefs_t;

/* The pointer standing for host reference `n`, or NULL when n > SPEC_MAX_HOSTREF. */
void *spec_hostref_pointer(spec_hostrefs_t *refs, uint64_t n);
/* The number of a pointer from spec_hostref_pointer; false for any other pointer. */
bool spec_hostref_number(const spec_hostrefs_t *refs, const void *pointer, uint64_t *n);

/* Parses one value object. A missing "value" gives a type-only value (has_value false). Returns 0,
 * or -EINVAL with `why` (may be NULL) naming what is wrong: unknown type or lane type, a number
 * out of range, the wrong number of lanes, a NaN pattern on an integer. */
int spec_value_parse(const struct json_t *json, spec_value_t *out, char *why, size_t why_size);

/* Parses an array of value objects into `out` (room for `max` values) and sets *n. */
int spec_values_parse(const struct json_t *array, spec_value_t *out, size_t max, size_t *n,
                      char *why, size_t why_size);

/* The engine argument for a parsed value. Refuses (-EINVAL, `why`) what cannot be an argument:
 * a type-only value, a NaN pattern, a non-null funcref, a host number out of range. */
int spec_value_to_arg(const spec_value_t *value, spec_hostrefs_t *refs, sl_value_t *out,
                      char *why, size_t why_size);

/* Whether `got` matches `want` (a type-only `want` matches any value of its type). */
bool spec_value_matches(const spec_value_t *want, const sl_value_t *got,
                        const spec_hostrefs_t *refs);

/* Whether the bits of a `width`-bit float (32 or 64) satisfy a NaN pattern; SPEC_NAN_NONE is
 * never satisfied here (compare bits instead). */
bool spec_nan_matches(spec_nan_t nan, unsigned width, uint64_t bits);

/* "f64x2"-style names of lane types (value types: sl_valtype_name). */
const char *spec_lane_name(spec_lane_t lane);

/* Lossless text of an expected value: "i32:-7", "f32:0x3fc00000 (1.5, 0x1.8p+0)",
 * "f64:nan:canonical", "v128:i16x8[1 2 3 4 5 6 7 8]", "externref:3", "funcref:null".
 * Returns what snprintf returns. */
int spec_value_format(const spec_value_t *value, char *buf, size_t size);

/* The same rendering of an engine value; a v128 is split into `lane` lanes (the expected
 * value's lane type, so both sides line up). `refs` may be NULL. */
int spec_result_format(const sl_value_t *value, spec_lane_t lane, const spec_hostrefs_t *refs,
                       char *buf, size_t size);

#endif
