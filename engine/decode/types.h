/* Value types and function types (spec: structure, types). Value types are kept as their
 * binary-format bytes, so a decoded byte is its own type. */
#ifndef SL_TYPES_H
#define SL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

typedef uint8_t sl_valtype_t;

/* The public codes (slipstream.h), plus the validator's and block types' own. */
enum {
    SL_TYPE_I32 = SL_I32,
    SL_TYPE_I64 = SL_I64,
    SL_TYPE_F32 = SL_F32,
    SL_TYPE_F64 = SL_F64,
    SL_TYPE_V128 = SL_V128,
    SL_TYPE_FUNCREF = SL_FUNCREF,
    SL_TYPE_EXTERNREF = SL_EXTERNREF,
    SL_TYPE_UNKNOWN = 0x00, /* the validator's bottom type in unreachable code */
    SL_BLOCKTYPE_EMPTY = 0x40,
};

static inline bool
valtype_is_ref(sl_valtype_t t)
{
    return t == SL_TYPE_FUNCREF || t == SL_TYPE_EXTERNREF;
}

static inline bool
valtype_is_valid(sl_valtype_t t)
{
    return (t >= SL_TYPE_V128 && t <= SL_TYPE_I32) || valtype_is_ref(t);
}


/* A function type: params then results in one array. Lives in the module's arena. */
typedef struct sl_functype {
    uint32_t n_params, n_results;
    const sl_valtype_t *params;
    const sl_valtype_t *results;
} sl_functype_t;

bool functype_equal(const sl_functype_t *a, const sl_functype_t *b);
/* "(i32, i64) -> (f32)"; returns what snprintf returns. */
int functype_format(const sl_functype_t *type, char *buf, size_t size);

#endif
