/* Copy propagation: copy instructions go and their uses read the copied value; a block parameter
 * whose argument on every reachable edge is one value v or the parameter itself is replaced by v
 * and dropped with its arguments (Braun et al.'s trivial phi). Replacing one parameter can make
 * another trivial (the parameters of a loop nest that only pass one value round), so a worklist
 * re-examines the parameters receiving a replaced value until nothing changes: the builder
 * removes trivial parameters once, without revisiting. v dominates the block because it reaches
 * the block on every live edge. Work is capped at COPY_WORK_PER_UNIT argument reads per
 * instruction and edge argument; past the cap the parameters left stay (correct, only less
 * simplified), so the pass is linear.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: nothing (edges keep their
 * targets).
 */
#include "cfg.h"
#include "ir_edit.h"
#include "pipeline.h"

enum { COPY_WORK_PER_UNIT = 8 };

typedef struct copier {
    ir_func_t *f;
    const cfg_t *cfg;
    ir_ref_t *map; /* replaced value -> its replacement */
    /* The parameters receiving each value, as lists (node index + 1; 0 ends a list). A replaced
     * value's list joins its replacement's, so a parameter is found again when the value its
     * argument now resolves to is replaced in turn. */
    uint32_t *head, *tail;
    ir_ref_t *node_user;
    uint32_t *node_next;
    uint32_t n_nodes;
    ir_ref_t *work;
    uint32_t n_work;
    uint8_t *is_queued, *is_dropped;
    uint64_t budget;
} copier_t;

/* A parameter the pass may replace: not the entry's (those are the signature). */
static bool
is_candidate(const copier_t *c, ir_ref_t r)
{
    const ir_insn_t *insn = ir_insn(c->f, r);
    return insn->op == IR_PARAM && insn->block != IR_NO_BLOCK && insn->block != c->cfg->entry &&
           cfg_is_reachable(c->cfg, insn->block);
}

static void
queue(copier_t *c, ir_ref_t r)
{
    if (!c->is_queued[r] && !c->map[r]) {
        c->is_queued[r] = 1;
        c->work[c->n_work++] = r;
    }
}

static void
add_user(copier_t *c, ir_ref_t value, ir_ref_t user)
{
    uint32_t node = c->n_nodes++;
    c->node_user[node] = user;
    c->node_next[node] = 0;
    if (c->tail[value])
        c->node_next[c->tail[value] - 1] = node + 1;
    else
        c->head[value] = node + 1;
    c->tail[value] = node + 1;
}

/* The one value q's arguments resolve to besides q itself, or IR_NOREF. */
static ir_ref_t
trivial_value(copier_t *c, ir_ref_t q)
{
    const ir_insn_t *param = ir_insn(c->f, q);
    uint32_t b = param->block, index = (uint32_t)param->imm;
    ir_ref_t same = IR_NOREF;
    IR_FOREACH_EDGE_INTO(c->f, c->cfg, b, pred, succ) {
        if (!cfg_is_reachable(c->cfg, pred) || index >= succ->n_args)
            continue;
        if (c->budget)
            c->budget--;
        ir_ref_t a = ir_map_find(c->map, c->f->n_insns, succ->args[index]);
        if (a == q || a == same)
            continue;
        if (same)
            return IR_NOREF;
        same = a;
    }
    return same;
}

/* q becomes v: the parameters receiving q are queued again (those already replaced leave the
 * list), and the list moves to v. */
static void
replace(copier_t *c, ir_ref_t q, ir_ref_t v)
{
    c->map[q] = v;
    c->is_dropped[q] = 1;
    uint32_t kept_head = 0, kept_tail = 0;
    for (uint32_t node = c->head[q]; node;) {
        uint32_t next = c->node_next[node - 1];
        ir_ref_t user = c->node_user[node - 1];
        if (!c->map[user]) {
            queue(c, user);
            c->node_next[node - 1] = 0;
            if (kept_tail)
                c->node_next[kept_tail - 1] = node;
            else
                kept_head = node;
            kept_tail = node;
        }
        node = next;
    }
    c->head[q] = c->tail[q] = 0;
    if (!kept_head || !is_candidate(c, v))
        return;
    if (c->tail[v])
        c->node_next[c->tail[v] - 1] = kept_head;
    else
        c->head[v] = kept_head;
    c->tail[v] = kept_tail;
}

/* Lists every edge argument that is a candidate parameter under it; returns false on no memory. */
static bool
list_users(copier_t *c, arena_t *scratch)
{
    ir_func_t *f = c->f;
    const cfg_t *cfg = c->cfg;
    uint64_t n_args = 0;
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        const ir_insn_t *t = ir_insn(f, ir_block_terminator(f, cfg->rpo[i]));
        for (uint32_t s = 0; s < t->n_succs; s++)
            n_args += t->ext.succs[s].n_args;
    }
    c->node_user = arena_alloc_array(scratch, n_args + 1, sizeof *c->node_user);
    c->node_next = arena_alloc_array(scratch, n_args + 1, sizeof *c->node_next);
    if (!c->node_user || !c->node_next)
        return false;
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        const ir_insn_t *t = ir_insn(f, ir_block_terminator(f, cfg->rpo[i]));
        for (uint32_t s = 0; s < t->n_succs; s++) {
            const ir_succ_t *succ = &t->ext.succs[s];
            const ir_block_t *to = ir_block(f, succ->block);
            if (succ->block == cfg->entry)
                continue;
            for (uint32_t a = 0; a < succ->n_args && a < to->n_params; a++) {
                ir_ref_t value = ir_map_find(c->map, f->n_insns, succ->args[a]);
                if (is_candidate(c, value) && value != to->params[a])
                    add_user(c, value, to->params[a]);
            }
        }
    }
    return true;
}

int
pass_copy(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    uint32_t n = f->n_insns;
    copier_t c = {.f = f, .cfg = &cfg};
    c.map = arena_alloc_array(scratch, n, sizeof *c.map);
    c.head = arena_alloc_array(scratch, n, sizeof *c.head);
    c.tail = arena_alloc_array(scratch, n, sizeof *c.tail);
    c.work = arena_alloc_array(scratch, n, sizeof *c.work);
    c.is_queued = arena_alloc(scratch, n);
    c.is_dropped = arena_alloc(scratch, n);
    if (!c.map || !c.head || !c.tail || !c.work || !c.is_queued || !c.is_dropped)
        return scratch->last_error;

    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        for (ir_ref_t r = ir_block(f, cfg.rpo[i])->first; r;) {
            ir_insn_t *insn = ir_insn(f, r);
            ir_ref_t next = insn->next;
            if (insn->op == IR_COPY && insn->n_args == 1) {
                c.map[r] = ir_args(insn)[0];
                ir_remove(f, r);
            }
            r = next;
        }
    }
    if (!list_users(&c, scratch))
        return scratch->last_error;
    c.budget = (uint64_t)COPY_WORK_PER_UNIT * (n + c.n_nodes);
    /* Queued in reverse postorder and taken from the top, so inner loops go before outer ones. */
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        const ir_block_t *blk = ir_block(f, cfg.rpo[i]);
        if (cfg.rpo[i] != cfg.entry)
            for (uint32_t p = 0; p < blk->n_params; p++)
                queue(&c, blk->params[p]);
    }
    while (c.n_work && c.budget) {
        ir_ref_t q = c.work[--c.n_work];
        c.is_queued[q] = 0;
        ir_ref_t v = trivial_value(&c, q);
        if (v)
            replace(&c, q, v);
    }

    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i];
        const ir_block_t *blk = ir_block(f, b);
        bool any = false;
        for (uint32_t p = 0; p < blk->n_params && !any; p++)
            any = c.is_dropped[blk->params[p]];
        if (any && b != cfg.entry)
            ir_drop_params(f, &cfg, b, c.is_dropped);
    }
    ir_replace_uses(f, c.map);
    return f->status;
}
