/* The function-body decoder and validator (spec: validation, instructions; appendix, validation
 * algorithm): operand and control stacks, the type rules of every 2.0 instruction, and
 * stack-polymorphic unreachable code.
 *
 * A validator holds scratch stacks reused across bodies; it belongs to one thread at a time (the
 * stream's feeding thread now, a compile worker once a fused compiler validates). */
#ifndef SL_BODY_DECODER_H
#define SL_BODY_DECODER_H

#include "module.h"

typedef struct body_validator body_validator_t;

int body_validator_new(const sl_limits_t *limits, body_validator_t **out);
void body_validator_free(body_validator_t *v);

/* Validates the body of defined function `func_index`, `size` bytes at `offset` in the module's
 * wire bytes. Only the sections before the code section are read. On failure returns the code
 * and fills `err` (section 10, module offset, function index, offset inside the body). */
int body_validate(body_validator_t *v, const sl_module_t *m, uint32_t func_index,
                  uint32_t offset, uint32_t size, sl_error_t *err);

#endif
