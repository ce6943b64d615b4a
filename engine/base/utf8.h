/* UTF-8 validation of names (spec: binary format, names). */
#ifndef SL_UTF8_H
#define SL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether `s` is well-formed UTF-8 (Unicode's table: no overlong forms, no surrogates, nothing
 * above U+10FFFF). */
bool utf8_is_valid(const uint8_t *s, size_t len);

#endif
