/* The text of wasm float values, one grammar for the daemon's JSON values (daemon/values.c) and
 * the CLI's invoke (tools/cmd_invoke.c):
 *
 *   names    "inf", "-inf" ("infinity" and a "+" sign are read too); "nan" for the canonical NaN
 *            (only the quiet bit of the mantissa set), "nan:0x<payload hex>" for any other, each
 *            with "-" for a set sign bit: the spec text format's names
 *   numbers  the decimal with the fewest significant digits (%g) that reads back to the same
 *            value, whether read as the float itself (strtof) or through a double as JSON
 *            readers do; -0 keeps its sign
 *
 * Decimal input is the callers' (JSON numbers, strtod), as are the quotes a JSON name needs.
 * Threading: no state.
 */
#ifndef SL_VALUE_TEXT_H
#define SL_VALUE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    VALUE_TEXT_FLOAT_MAX = 32, /* bytes value_text_format_float needs at most, NUL included */
};

typedef enum value_text_style {
    VALUE_TEXT_SHORTEST, /* fewest digits: 100000 is "1e+05" */
    /* At least 6 (f32) or 15 (f64) digits, so that %g writes the integers below 10^6 or 10^15
     * without an exponent: 100000 is "100000". */
    VALUE_TEXT_PLAIN,
} value_text_style_t;

/* The bits of the float of `type` (SL_F32 or SL_F64) that the name `text` denotes; false for any
 * other text (a NaN payload of 0 or wider than the mantissa included). */
bool value_text_float_name(const char *text, uint8_t type, uint64_t *bits);

/* Writes the float of `type` (SL_F32 or SL_F64) whose bits are `bits` into `buf`: its name when
 * it is infinite or a NaN (and returns true), else its decimal (and returns false). */
bool value_text_format_float(uint8_t type, uint64_t bits, value_text_style_t style, char *buf,
                             size_t size);

#endif
