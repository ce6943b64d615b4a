/* The wasm → IR builder of the top tier: a consumer of the one validating decode loop
 * (body_decode_loop.h) that turns one function body into SSA (ir.h) as it validates it.
 *
 * SSA construction follows Braun et al., "Simple and Efficient Construction of SSA Form": locals
 * are variables read on demand, block parameters appear only where a read meets a join, loop
 * headers are sealed at the loop's end, and a parameter whose arguments are all one value is
 * replaced by it. The operand stack becomes plain values; labels become blocks whose leading
 * parameters are the label's values.
 *
 * Bounds (the body is an untrusted upload): insns plus edge arguments stay within
 * IR_BUILD_UNITS_PER_BYTE per body byte plus IR_BUILD_UNITS_BASE, or the build stops with
 * SL_ELIMIT (the function then stays on the baseline); declared locals cost nothing until read.
 * So does a read of a local resolving through more than IR_BUILD_MAX_READ_DEPTH nested joins.
 *
 * Ownership: the function and the builder's scratch live in the caller's arena. Threading: one
 * thread per call (the validator is the caller's, used by one thread at a time). */
#ifndef SL_TOPTIER_BUILD_H
#define SL_TOPTIER_BUILD_H

#include "body_decoder.h"
#include "ir.h"

enum { IR_BUILD_UNITS_PER_BYTE = 16, IR_BUILD_UNITS_BASE = 4096 };
/* Joins one read of a local may resolve through recursively (C stack: ~200 bytes each). */
enum { IR_BUILD_MAX_READ_DEPTH = 20000 };

/* Validates defined function `func_index` of `m` (body offsets known) and builds its IR in
 * `arena`. 0, or the validator's error or SL_ELIMIT / SL_ENOMEM, with `err` filled. */
int ir_build(body_validator_t *v, arena_t *arena, const sl_module_t *m, uint32_t func_index,
             ir_func_t **out, sl_error_t *err);

/* Edge arguments of a built function (the part of its size ir_func_t does not count). */
uint64_t ir_edge_args(const ir_func_t *f);

#endif
