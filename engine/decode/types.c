/* Value type names and function type comparison and printing. */
#include "types.h"

#include <stdio.h>
#include <string.h>

const char *
sl_valtype_name(uint8_t type)
{
    switch (type) {
    case SL_TYPE_I32: return "i32";
    case SL_TYPE_I64: return "i64";
    case SL_TYPE_F32: return "f32";
    case SL_TYPE_F64: return "f64";
    case SL_TYPE_V128: return "v128";
    case SL_TYPE_FUNCREF: return "funcref";
    case SL_TYPE_EXTERNREF: return "externref";
    default: return "?";
    }
}

bool
functype_equal(const sl_functype_t *a, const sl_functype_t *b)
{
    return a->n_params == b->n_params && a->n_results == b->n_results &&
           memcmp(a->params, b->params, a->n_params) == 0 &&
           memcmp(a->results, b->results, a->n_results) == 0;
}

static size_t
format_list(char *buf, size_t size, size_t at, const sl_valtype_t *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        int w = snprintf(at < size ? buf + at : NULL, at < size ? size - at : 0, "%s%s",
                         i ? ", " : "", sl_valtype_name(types[i]));
        at += (size_t)(w > 0 ? w : 0);
    }
    return at;
}

int
functype_format(const sl_functype_t *type, char *buf, size_t size)
{
    size_t at = 0;
    if (size)
        buf[0] = '\0';
    at += (size_t)snprintf(buf, size, "(");
    at = format_list(buf, size, at, type->params, type->n_params);
    at += (size_t)snprintf(at < size ? buf + at : NULL, at < size ? size - at : 0, ") -> (");
    at = format_list(buf, size, at, type->results, type->n_results);
    at += (size_t)snprintf(at < size ? buf + at : NULL, at < size ? size - at : 0, ")");
    return (int)at;
}
