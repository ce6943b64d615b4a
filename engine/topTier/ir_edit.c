/* Shared IR edits (ir_edit.h). Each is linear in what it touches. */
#include "ir_edit.h"

void
ir_keep_edge(ir_insn_t *t, uint32_t keep)
{
    t->ext.succs[0] = t->ext.succs[keep];
    t->n_succs = 1;
    t->n_args = 0;
    t->op = IR_JUMP;
}

void
ir_move_before(ir_func_t *f, ir_ref_t ref, ir_ref_t before)
{
    ir_remove(f, ref);
    ir_insn_t *insn = ir_insn(f, ref), *at = ir_insn(f, before);
    ir_block_t *b = ir_block(f, at->block);
    insn->block = at->block;
    insn->next = before;
    insn->prev = at->prev;
    if (at->prev)
        ir_insn(f, at->prev)->next = ref;
    else
        b->first = ref;
    at->prev = ref;
}

void
ir_drop_params(ir_func_t *f, const cfg_t *cfg, uint32_t block, const uint8_t *drop)
{
    ir_block_t *blk = ir_block(f, block);
    IR_FOREACH_EDGE_INTO(f, cfg, block, pred, succ) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < succ->n_args && i < blk->n_params; i++)
            if (!drop[blk->params[i]])
                succ->args[n++] = succ->args[i];
        succ->n_args = n;
    }
    uint32_t n_kept = 0;
    for (uint32_t i = 0; i < blk->n_params; i++) {
        ir_ref_t r = blk->params[i];
        if (drop[r]) {
            ir_insn(f, r)->block = IR_NO_BLOCK;
        } else {
            ir_insn(f, r)->imm = n_kept;
            blk->params[n_kept++] = r;
        }
    }
    blk->n_params = n_kept;
}

int
ir_drop_unreachable(ir_func_t *f, const cfg_t *cfg, arena_t *scratch)
{
    uint32_t *layout = arena_alloc_array(scratch, f->n_layout + 1, sizeof *layout);
    if (!layout)
        return scratch->last_error;
    uint32_t n = 0;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (b >= cfg->n_blocks || cfg_is_reachable(cfg, b)) { /* newer blocks are kept */
            layout[n++] = b;
            continue;
        }
        ir_block_t *blk = ir_block(f, b);
        for (uint32_t i = 0; i < blk->n_params; i++)
            ir_insn(f, blk->params[i])->block = IR_NO_BLOCK;
        blk->n_params = 0;
        while (blk->first)
            ir_remove(f, blk->first);
    }
    ir_set_layout(f, layout, n);
    return 0;
}
