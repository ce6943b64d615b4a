/* Control-flow analyses of an IR function: predecessors, reverse postorder, dominator tree and
 * loop nesting. A cfg_t is a snapshot: a pass that changes edges or blocks rebuilds it.
 *
 * Ownership: every array lives in the arena given to cfg_build (freed with it). Threading: as
 * the function. Errors: cfg_build returns SL_ELIMIT / SL_ENOMEM from the arena, nothing else.
 * Successor edges to blocks that are not placed are ignored (the verifier reports them).
 */
#ifndef SL_TOPTIER_CFG_H
#define SL_TOPTIER_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "ir.h"

typedef struct cfg {
    uint32_t n_blocks; /* = the function's n_blocks: arrays below are indexed by block id */
    uint32_t entry;    /* IR_NO_BLOCK for a function without blocks */
    /* Distinct placed predecessors of b: preds[pred_start[b] .. pred_start[b + 1]). */
    uint32_t *pred_start, *preds;
    uint32_t *rpo; /* reachable blocks in reverse postorder; rpo[0] is the entry */
    uint32_t n_rpo;
    uint32_t *rpo_index; /* IR_NO_BLOCK for unreachable blocks */
    uint32_t *idom;      /* immediate dominator; the entry's is itself; IR_NO_BLOCK unreachable */
    uint32_t *dom_pre, *dom_post; /* dominator tree numbering, for O(1) dominance queries */
    /* Natural loops (back edges to a dominating header): innermost header containing b or
     * IR_NO_BLOCK, a header's enclosing header, and the nesting depth (0 outside loops).
     * Retreating edges of irreducible regions make no loop. */
    uint32_t *loop_header, *loop_parent, *loop_depth;
} cfg_t;

/* Near-linear on real CFGs: the dominator iteration (Cooper, Harvey, Kennedy) converges in a few
 * passes over the RPO, each linear; deep irreducible nests can take more. */
int cfg_build(const ir_func_t *f, arena_t *arena, cfg_t *cfg);

static inline bool
cfg_is_reachable(const cfg_t *cfg, uint32_t b)
{
    return cfg->rpo_index[b] != IR_NO_BLOCK;
}
/* Whether a dominates b (every block dominates itself); false if either is unreachable. */
bool cfg_dominates(const cfg_t *cfg, uint32_t a, uint32_t b);
/* The reachable blocks in dominator-tree preorder (n_rpo of them, the entry first) into an array
 * of `arena`: a block comes after its dominators, and a subtree's blocks are contiguous. */
int cfg_dom_preorder(const cfg_t *cfg, arena_t *arena, uint32_t **out);

#endif
