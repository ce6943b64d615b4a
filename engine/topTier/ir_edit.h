/* Edits of the IR that several passes share: keeping one edge of a branch, moving an
 * instruction, dropping block parameters with their arguments, dropping unreachable blocks, and
 * walking the edges into a block. ir.h builds functions; this file rearranges what is built.
 *
 * Ownership: nothing is allocated here except through the function's own builders. Threading:
 * as the function. Errors: none (the edits cannot fail).
 */
#ifndef SL_TOPTIER_IR_EDIT_H
#define SL_TOPTIER_IR_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "ir.h"

/* Turns br_if / br_table t into a jump along its successor edge `keep`. */
void ir_keep_edge(ir_insn_t *t, uint32_t keep);

/* Unlinks insn `ref` and links it again just before insn `before` (in before's block). */
void ir_move_before(ir_func_t *f, ir_ref_t ref, ir_ref_t before);

/* Removes the parameters p of `block` with drop[p] != 0 and the matching argument of every edge
 * into it from a placed block (cfg's predecessors: reachable or not), renumbering the rest. */
void ir_drop_params(ir_func_t *f, const cfg_t *cfg, uint32_t block, const uint8_t *drop);

/* Removes the blocks cfg says are unreachable: their instructions and parameters go and the
 * layout keeps the others in order. `scratch` holds the new layout for a moment. */
int ir_drop_unreachable(ir_func_t *f, const cfg_t *cfg, arena_t *scratch);

/* Each edge `succ` (ir_succ_t *) into block b from a placed predecessor `pred` (uint32_t), as
 *   IR_FOREACH_EDGE_INTO(f, cfg, b, pred, succ) { ... }
 * Edges from unreachable blocks are included: test cfg_is_reachable(cfg, pred) to skip them. A
 * `break` leaves only the current predecessor's edges. */
#define IR_FOREACH_EDGE_INTO(f, cfg, b, pred, succ)                                               \
    for (uint32_t p_ = (cfg)->pred_start[b], pred; p_ < (cfg)->pred_start[(b) + 1]; p_++)         \
        for (ir_insn_t *t_ = ir_insn((f), ir_block_terminator((f), pred = (cfg)->preds[p_]));     \
             t_; t_ = NULL)                                                                        \
            for (ir_succ_t *succ = t_->ext.succs; succ < t_->ext.succs + t_->n_succs; succ++)      \
                if (succ->block == (b))

#endif
