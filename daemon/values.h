/* Wasm values <-> JSON, losslessly, for invocation arguments and results.
 *
 *   i32     a JSON integer (-2147483648..4294967295 in; signed out)
 *   i64     a decimal string ("-9223372036854775808".."18446744073709551615" in; signed out);
 *           a JSON integer is taken too
 *   f32/f64 a JSON number; or "nan", "-nan", "inf", "-inf"; a NaN with a payload other than
 *           the canonical one is "nan:0x<payload hex>" (or "-nan:0x..."), in and out
 *   v128    32 hex digits: the 16 bytes in memory order (byte 0 first)
 *   funcref, externref: null (only null references can cross JSON)
 *
 * Float names and digits are common/value_text.h's (the CLI's too): output floats are the
 * shortest decimal that reads back to the same bits, in its VALUE_TEXT_PLAIN style (not jansson's
 * fixed 17 digits, which would show 0.1 as 0.10000000000000001), so results are rendered as text.
 *
 * Threading: no shared state.
 * Errors: value_from_json returns 0 or SL_EARG with the reason in `why`.
 */
#ifndef SL_VALUES_H
#define SL_VALUES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

int value_from_json(const json_t *json, uint8_t type, sl_value_t *out, char *why, size_t why_size);

enum {
    VALUE_JSON_MAX = 48, /* bytes value_format needs at most, NUL included */
};

/* Writes the value as a JSON text fragment ("3", "\"-1\"", "\"nan\"", "null"). */
void value_format(const sl_value_t *value, char *buf, size_t size);

#endif
