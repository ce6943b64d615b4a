/* What the tier differential (fuzz_run.c) counts as the same outcome on both tiers: values bit
 * for bit, except that a NaN only has to be a NaN on both sides, since the spec leaves NaN
 * payloads and signs nondeterministic (spec: numerics, NaN propagation). Pure functions. */
#ifndef SL_FUZZ_TIER_COMPARE_H
#define SL_FUZZ_TIER_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slipstream.h"

/* Same type and bits; f32/f64 NaNs match any NaN; v128 by lanes as in tiers_same_bytes. References
 * are not compared (the two instances' functions differ by construction). */
bool tiers_same_value(const sl_value_t *a, const sl_value_t *b);

/* Whether `len` bytes agree, read as aligned 64-bit words that are equal, both f64 NaNs, or made
 * of two 32-bit halves that are each equal or both f32 NaNs: what memory holding stored floats
 * (or a v128 of float lanes) may differ by. Else false with the first differing byte in *at. */
bool tiers_same_bytes(const uint8_t *a, const uint8_t *b, size_t len, size_t *at);

/* "i32:0x0000002a" and the like, for the abort message. */
void tiers_format_value(const sl_value_t *v, char *buf, size_t size);

#endif
