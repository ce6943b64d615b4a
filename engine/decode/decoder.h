/* Engine-internal seams between the stream state machine (stream.c), the section parsers
 * (sections.c), constant expressions (const_expr.c) and the body decoder (body_decoder.c). */
#ifndef SL_DECODER_H
#define SL_DECODER_H

#include "module.h"
#include "reader.h"

typedef struct decoder {
    sl_module_t *module;
    const sl_limits_t *limits;
    sl_error_t *err;
} decoder_t;

/* Decodes one complete non-code section whose payload is [r->p, r->end). The reader must be used
 * up exactly: the caller reports a size mismatch. */
bool section_decode(decoder_t *d, unsigned id, reader_t *r);
/* Checks that need the whole module (function/code and data count/data consistency). */
bool module_check_complete(decoder_t *d, uint64_t end_offset);
/* Reads the code section's body count and checks it against the function section. */
bool code_count_check(decoder_t *d, reader_t *r, uint32_t count);

/* Decodes and validates a constant expression ending in `end` whose type must be `expected`
 * (spec: validation, constant expressions, in the context C' of imported globals only). */
bool const_expr_decode(decoder_t *d, reader_t *r, sl_valtype_t expected, module_const_expr_t *out);

#endif
