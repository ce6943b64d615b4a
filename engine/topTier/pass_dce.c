/* Dead code elimination: removes unreachable blocks, pure instructions whose results are never
 * used, and block parameters no live code reads (with the arguments passed to them). Liveness is
 * marked from the roots (instructions with effects, traps, terminators), so dead cycles through
 * loop parameters go too. Linear in the function's size.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: cfg.
 */
#include <string.h>

#include "cfg.h"
#include "pipeline.h"

typedef struct marker {
    ir_func_t *f;
    const cfg_t *cfg;
    uint8_t *live;
    ir_ref_t *work;
    uint32_t n_work;
} marker_t;

static void
mark(marker_t *m, ir_ref_t r)
{
    if (!m->live[r]) {
        m->live[r] = 1;
        m->work[m->n_work++] = r;
    }
}

/* A live parameter keeps the arguments every reachable edge passes to it. */
static void
mark_param_args(marker_t *m, const ir_insn_t *param)
{
    const cfg_t *cfg = m->cfg;
    uint32_t b = param->block, index = (uint32_t)param->imm;
    for (uint32_t p = cfg->pred_start[b]; p < cfg->pred_start[b + 1]; p++) {
        uint32_t pred = cfg->preds[p];
        if (!cfg_is_reachable(cfg, pred))
            continue;
        const ir_insn_t *t = ir_insn(m->f, ir_block_terminator(m->f, pred));
        for (uint32_t s = 0; s < t->n_succs; s++)
            if (t->ext.succs[s].block == b && index < t->ext.succs[s].n_args)
                mark(m, t->ext.succs[s].args[index]);
    }
}

/* Drops the dead parameters of block b and the matching arguments of every edge into it. */
static void
drop_params(ir_func_t *f, const cfg_t *cfg, const uint8_t *live, uint32_t b)
{
    ir_block_t *blk = ir_block(f, b);
    uint32_t n_kept = 0;
    for (uint32_t p = cfg->pred_start[b]; p < cfg->pred_start[b + 1]; p++) {
        uint32_t pred = cfg->preds[p];
        if (!cfg_is_reachable(cfg, pred))
            continue;
        ir_insn_t *t = ir_insn(f, ir_block_terminator(f, pred));
        for (uint32_t s = 0; s < t->n_succs; s++) {
            ir_succ_t *succ = &t->ext.succs[s];
            if (succ->block != b)
                continue;
            uint32_t n = 0;
            for (uint32_t i = 0; i < succ->n_args && i < blk->n_params; i++)
                if (live[blk->params[i]])
                    succ->args[n++] = succ->args[i];
            succ->n_args = n;
        }
    }
    for (uint32_t i = 0; i < blk->n_params; i++) {
        ir_ref_t r = blk->params[i];
        if (live[r]) {
            ir_insn(f, r)->imm = n_kept;
            blk->params[n_kept++] = r;
        } else {
            ir_insn(f, r)->block = IR_NO_BLOCK;
        }
    }
    blk->n_params = n_kept;
}

int
pass_dce(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    marker_t m = {.f = f, .cfg = &cfg};
    m.live = arena_alloc(scratch, f->n_insns);
    m.work = arena_alloc_array(scratch, f->n_insns, sizeof *m.work);
    uint32_t *layout = arena_alloc_array(scratch, f->n_layout + 1, sizeof *layout);
    if (!m.live || !m.work || !layout)
        return scratch->last_error;

    /* Unreachable blocks go, and with them their definitions. */
    uint32_t n_layout = 0;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t b = f->layout[l];
        if (cfg_is_reachable(&cfg, b)) {
            layout[n_layout++] = b;
            continue;
        }
        const ir_block_t *blk = ir_block(f, b);
        for (uint32_t i = 0; i < blk->n_params; i++)
            ir_insn(f, blk->params[i])->block = IR_NO_BLOCK;
        for (ir_ref_t r = blk->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            ir_remove(f, r);
            r = next;
        }
    }

    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i];
        if (b == cfg.entry)
            for (uint32_t p = 0; p < ir_block(f, b)->n_params; p++)
                mark(&m, ir_block(f, b)->params[p]); /* the signature keeps them */
        IR_FOREACH_INSN(f, b, r)
            if (!(ir_op_flags(ir_insn(f, r)->op) & IRF_PURE))
                mark(&m, r);
    }
    while (m.n_work) {
        const ir_insn_t *insn = ir_insn(f, m.work[--m.n_work]);
        if (insn->op == IR_PARAM) {
            mark_param_args(&m, insn);
            continue;
        }
        const ir_ref_t *args = ir_args((ir_insn_t *)insn);
        for (uint32_t a = 0; a < insn->n_args; a++)
            mark(&m, args[a]);
    }

    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i];
        for (ir_ref_t r = ir_block(f, b)->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            if (!m.live[r])
                ir_remove(f, r);
            r = next;
        }
        if (b != cfg.entry)
            drop_params(f, &cfg, m.live, b);
    }
    ir_set_layout(f, layout, n_layout);
    return 0;
}
