/* The baseline tier: a single-pass compiler from one validated-as-it-goes function body to x86-64
 * (Liftoff's design: no IR, a compile-time value stack, code emitted per instruction).
 *
 * Threading: a baseline_t belongs to one thread at a time (a compile worker); it is reused from
 * body to body. Errors: the validator's codes (SL_EMALFORMED, SL_EINVALID, SL_ELIMIT), SL_ENOMEM,
 * and SL_ENOTSUP for instructions this tier does not compile yet (SIMD).
 */
#ifndef SL_BASELINE_H
#define SL_BASELINE_H

#include <stdint.h>

#include "jump_table.h"
#include "module.h"

typedef struct baseline baseline_t;

/* What a compiled function hands to the jump table (code/jump_table.h). Arrays are owned by
 * the baseline_t and valid until its next compilation. */
typedef code_reloc_t baseline_reloc_t;
typedef compiled_code_t baseline_code_t;

/* has_avx: the code may use AVX (VEX-encoded) instructions, as the engine's CPU features
 * (sl_engine_t.cpu) allow; else it is SSE4.1 at most. */
int baseline_new(const sl_limits_t *limits, bool has_avx, baseline_t **out);
void baseline_free(baseline_t *b);

/* Validates and compiles the body of defined function `func_index` (imports included in the
 * index), `size` bytes at `offset` in the module's wire bytes. */
int baseline_compile_function(baseline_t *b, const sl_module_t *m, uint32_t func_index,
                              uint32_t offset, uint32_t size, baseline_code_t *out,
                              sl_error_t *err);

#endif
