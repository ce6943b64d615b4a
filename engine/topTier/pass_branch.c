/* Branch folding. In order: a br_if or br_table on a constant, or whose edges are all the same
 * (target and arguments), becomes a jump; an edge into a forwarder (a block that only jumps on)
 * goes straight to where the forwarder jumps, its arguments carried through the forwarder's
 * parameters; blocks no longer reachable go; and a block whose only predecessor ends in a jump to
 * it is merged into that predecessor, its parameters replaced by the jump's arguments.
 * Loop headers hold a poll, so they are never forwarders and back-edge checks stay. Threading
 * never adds edge arguments: an edge takes the target's arguments only when the forwarder
 * has as many parameters or this is its only incoming edge (a br_table of 65,536 entries
 * into one stub with many arguments stays as it is). Linear in the function's size.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: cfg.
 */
#include <string.h>

#include "cfg.h"
#include "ir_edit.h"
#include "pipeline.h"

/* Forwarders followed from one edge; with successors threaded first one step is the rule. */
enum { BRANCH_MAX_HOPS = 8 };

static bool
same_edge(const ir_succ_t *a, const ir_succ_t *b)
{
    return a->block == b->block && a->n_args == b->n_args &&
           (!a->n_args || memcmp(a->args, b->args, a->n_args * sizeof *a->args) == 0);
}

/* A conditional terminator whose outcome is known, or whose edges do not differ, jumps. */
static void
fold_terminator(ir_func_t *f, uint32_t b)
{
    ir_ref_t r = ir_block_terminator(f, b);
    ir_insn_t *t = ir_insn(f, r);
    if ((t->op != IR_BR_IF && t->op != IR_BR_TABLE) || t->n_args != 1 || t->n_succs < 1)
        return;
    uint64_t c;
    if (ir_is_const(f, ir_args(t)[0], &c)) {
        uint32_t i = (uint32_t)c;
        /* spec: br_if takes the first edge on non-zero; br_table's last edge is the default */
        uint32_t last = t->n_succs - 1;
        ir_keep_edge(t, t->op == IR_BR_IF ? (i ? 0 : 1) : i < last ? i : last);
        return;
    }
    for (uint32_t s = 1; s < t->n_succs; s++)
        if (!same_edge(&t->ext.succs[0], &t->ext.succs[s]))
            return;
    ir_keep_edge(t, 0);
}

typedef struct threader {
    ir_func_t *f;
    cfg_t cfg;
    uint32_t *n_in_edges; /* by block, from reachable blocks */
    uint32_t *n_uses;     /* by value: operands and edge arguments everywhere */
    uint32_t *n_in_jump;  /* by value: zero outside forwarder_jump */
    uint8_t *locality;    /* by block: 1 if its parameters are read by its jump alone, 2 if not */
} threader_t;

/* The jump ending block e if e holds nothing else, is not the entry, does not jump to itself,
 * and its parameters are read by that jump alone (so they die with the forwarder); IR_NOREF
 * otherwise. */
static ir_ref_t
forwarder_jump(threader_t *th, uint32_t e)
{
    const ir_func_t *f = th->f;
    const ir_block_t *blk = ir_block(f, e);
    if (e == th->cfg.entry || !blk->first || blk->first != blk->last)
        return IR_NOREF;
    const ir_insn_t *t = ir_insn(f, blk->first);
    if (t->op != IR_JUMP || t->n_succs != 1 || t->ext.succs[0].block == e)
        return IR_NOREF;
    /* Count the jump's reads of each parameter (scratch counts, left at zero again), once per
     * block: threading the jump itself keeps its parameters' reads to that jump. */
    if (!th->locality[e]) {
        const ir_succ_t *on = &t->ext.succs[0];
        for (uint32_t a = 0; a < on->n_args; a++)
            th->n_in_jump[on->args[a]]++;
        bool is_local = true;
        for (uint32_t i = 0; i < blk->n_params; i++)
            is_local &= th->n_in_jump[blk->params[i]] == th->n_uses[blk->params[i]];
        for (uint32_t a = 0; a < on->n_args; a++)
            th->n_in_jump[on->args[a]] = 0;
        th->locality[e] = is_local ? 1 : 2;
    }
    return th->locality[e] == 1 ? blk->first : IR_NOREF;
}

static void
count_uses(threader_t *th)
{
    ir_func_t *f = th->f;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        IR_FOREACH_INSN(f, f->layout[l], r) {
            ir_insn_t *insn = ir_insn(f, r);
            const ir_ref_t *args = ir_args(insn);
            for (uint32_t a = 0; a < insn->n_args; a++)
                th->n_uses[args[a]]++;
            if (ir_op_flags(insn->op) & IRF_TERM)
                for (uint32_t s = 0; s < insn->n_succs; s++)
                    for (uint32_t a = 0; a < insn->ext.succs[s].n_args; a++)
                        th->n_uses[insn->ext.succs[s].args[a]]++;
        }
    }
}

/* Sends edge `succ` past the forwarders it enters. 0 or an arena error. */
static int
thread_edge(threader_t *th, ir_succ_t *succ)
{
    ir_func_t *f = th->f;
    for (int hop = 0; hop < BRANCH_MAX_HOPS; hop++) {
        uint32_t e = succ->block;
        ir_ref_t j = forwarder_jump(th, e);
        if (!j)
            return 0;
        const ir_succ_t *on = &ir_insn(f, j)->ext.succs[0];
        const ir_block_t *fw = ir_block(f, e);
        if (on->n_args > fw->n_params && th->n_in_edges[e] != 1)
            return 0;
        ir_ref_t *args = succ->args;
        if (on->n_args > succ->n_args) {
            args = arena_alloc_array(f->arena, on->n_args, sizeof *args);
            if (!args)
                return f->arena->last_error;
        }
        /* Read the forwarder's parameters from the old arguments before writing any. */
        ir_ref_t small[16], *old = succ->args;
        if (args == succ->args && succ->n_args) {
            old = succ->n_args <= 16 ? small : arena_alloc_array(f->arena, succ->n_args,
                                                                 sizeof *old);
            if (!old)
                return f->arena->last_error;
            memcpy(old, succ->args, succ->n_args * sizeof *old);
        }
        for (uint32_t i = 0; i < on->n_args; i++) {
            const ir_insn_t *a = ir_insn(f, on->args[i]);
            bool is_own = a->op == IR_PARAM && a->block == e && a->imm < succ->n_args;
            args[i] = is_own ? old[a->imm] : on->args[i];
        }
        succ->args = args;
        succ->n_args = on->n_args;
        succ->block = on->block;
    }
    return 0;
}

/* Successors first (postorder), so a forwarder's own jump is already threaded when an edge
 * reaches it. Use counts are taken once: threading moves a forwarder's arguments into the edges
 * that bypass it but never makes a new use of another forwarder's parameter (such a parameter
 * is read by its own jump alone). */
static int
thread_all(ir_func_t *f, arena_t *scratch)
{
    threader_t th = {.f = f};
    int rc = cfg_build(f, scratch, &th.cfg);
    if (rc)
        return rc;
    th.n_in_edges = arena_alloc_array(scratch, f->n_blocks, sizeof *th.n_in_edges);
    th.n_uses = arena_alloc_array(scratch, f->n_insns, sizeof *th.n_uses);
    th.n_in_jump = arena_alloc_array(scratch, f->n_insns, sizeof *th.n_in_jump);
    th.locality = arena_alloc(scratch, f->n_blocks);
    if (!th.n_in_edges || !th.n_uses || !th.n_in_jump || !th.locality)
        return scratch->last_error;
    count_uses(&th);
    const cfg_t *cfg = &th.cfg;
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        const ir_insn_t *t = ir_insn(f, ir_block_terminator(f, cfg->rpo[i]));
        for (uint32_t s = 0; s < t->n_succs; s++)
            th.n_in_edges[t->ext.succs[s].block]++;
    }
    for (uint32_t i = cfg->n_rpo; i-- > 0;) {
        uint32_t b = cfg->rpo[i];
        ir_insn_t *t = ir_insn(f, ir_block_terminator(f, b));
        for (uint32_t s = 0; s < t->n_succs; s++)
            if ((rc = thread_edge(&th, &t->ext.succs[s])))
                return rc;
        fold_terminator(f, b);
    }
    return 0;
}

/* Appends block s's instructions to block p (whose jump to s is already gone). */
static void
append_block(ir_func_t *f, uint32_t p, uint32_t s)
{
    ir_block_t *to = ir_block(f, p), *from = ir_block(f, s);
    for (ir_ref_t r = from->first; r; r = ir_insn(f, r)->next)
        ir_insn(f, r)->block = p;
    if (!from->first)
        return;
    ir_insn(f, from->first)->prev = to->last;
    if (to->last)
        ir_insn(f, to->last)->next = from->first;
    else
        to->first = from->first;
    to->last = from->last;
    from->first = from->last = IR_NOREF;
}

/* Merges each block into its only predecessor when that ends in a jump to it, in reverse
 * postorder, so a chain of such blocks folds into its first. Unreachable blocks are gone. */
static int
merge_all(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    ir_ref_t *map = arena_alloc_array(scratch, f->n_insns, sizeof *map);
    uint8_t *is_merged = arena_alloc(scratch, f->n_blocks);
    uint32_t *layout = arena_alloc_array(scratch, f->n_layout + 1, sizeof *layout);
    if (!map || !is_merged || !layout)
        return scratch->last_error;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t p = cfg.rpo[i];
        if (is_merged[p])
            continue;
        for (;;) {
            ir_ref_t j = ir_block_terminator(f, p);
            const ir_insn_t *t = ir_insn(f, j);
            if (t->op != IR_JUMP || t->n_succs != 1)
                break;
            const ir_succ_t *succ = &t->ext.succs[0];
            uint32_t s = succ->block;
            if (s == p || s == cfg.entry || cfg.pred_start[s + 1] - cfg.pred_start[s] != 1)
                break;
            ir_block_t *blk = ir_block(f, s);
            for (uint32_t a = 0; a < blk->n_params && a < succ->n_args; a++) {
                map[blk->params[a]] = succ->args[a];
                ir_insn(f, blk->params[a])->block = IR_NO_BLOCK;
            }
            blk->n_params = 0;
            ir_remove(f, j);
            append_block(f, p, s);
            is_merged[s] = 1;
        }
    }
    uint32_t n = 0;
    for (uint32_t l = 0; l < f->n_layout; l++)
        if (!is_merged[f->layout[l]])
            layout[n++] = f->layout[l];
    ir_set_layout(f, layout, n);
    ir_replace_uses(f, map);
    return 0;
}

int
pass_branch(ir_func_t *f, arena_t *scratch)
{
    for (uint32_t l = 0; l < f->n_layout; l++)
        if (ir_block_terminator(f, f->layout[l]))
            fold_terminator(f, f->layout[l]);
    int rc = thread_all(f, scratch);
    if (rc)
        return rc;
    cfg_t cfg;
    if ((rc = cfg_build(f, scratch, &cfg)) || (rc = ir_drop_unreachable(f, &cfg, scratch)))
        return rc;
    return merge_all(f, scratch);
}
