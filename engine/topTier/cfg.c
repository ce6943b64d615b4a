/* CFG analyses (cfg.h). Every walk is iterative with explicit stacks: the bodies are untrusted
 * uploads and a deep CFG must not overflow the compile worker's stack. */
#include "cfg.h"

#include <string.h>

#define NONE IR_NO_BLOCK

static uint32_t *
fill_none(arena_t *arena, uint32_t n)
{
    uint32_t *p = arena_alloc_array(arena, n ? n : 1, sizeof *p);
    if (p)
        memset(p, 0xff, (size_t)n * sizeof *p);
    return p;
}

/* Each distinct placed successor once; `seen` stamps (by source block) drop repeated edges. */
static int
build_preds(const ir_func_t *f, arena_t *arena, cfg_t *cfg)
{
    uint32_t n = f->n_blocks;
    uint32_t *count = arena_alloc_array(arena, (size_t)n + 1, sizeof *count);
    uint32_t *seen = fill_none(arena, n);
    cfg->pred_start = arena_alloc_array(arena, (size_t)n + 1, sizeof *cfg->pred_start);
    if (!count || !seen || !cfg->pred_start)
        return arena->last_error;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t l = 0; l < f->n_layout; l++) {
            uint32_t b = f->layout[l];
            ir_ref_t term = ir_block_terminator(f, b);
            if (!term)
                continue;
            const ir_insn_t *t = ir_insn(f, term);
            for (uint32_t s = 0; s < t->n_succs; s++) {
                uint32_t to = t->ext.succs[s].block;
                if (to >= n || !f->blocks[to].is_placed || seen[to] == b + pass * n)
                    continue;
                seen[to] = b + pass * n;
                if (pass == 0)
                    count[to]++;
                else
                    cfg->preds[cfg->pred_start[to] + count[to]++] = b;
            }
        }
        if (pass == 0) {
            uint32_t total = 0;
            for (uint32_t b = 0; b < n; b++) {
                cfg->pred_start[b] = total;
                total += count[b];
                count[b] = 0;
            }
            cfg->pred_start[n] = total;
            cfg->preds = arena_alloc_array(arena, total ? total : 1, sizeof *cfg->preds);
            if (!cfg->preds)
                return arena->last_error;
            /* Stamps of pass 1 are b + n, so pass 0's do not match. */
        }
    }
    return 0;
}

/* Postorder by an explicit DFS stack of (block, next successor index). */
static int
build_rpo(const ir_func_t *f, arena_t *arena, cfg_t *cfg)
{
    uint32_t n = f->n_blocks;
    uint32_t *stack_block = arena_alloc_array(arena, n ? n : 1, sizeof *stack_block);
    uint32_t *stack_next = arena_alloc_array(arena, n ? n : 1, sizeof *stack_next);
    uint8_t *visited = arena_alloc(arena, n ? n : 1);
    cfg->rpo = arena_alloc_array(arena, n ? n : 1, sizeof *cfg->rpo);
    cfg->rpo_index = fill_none(arena, n);
    if (!stack_block || !stack_next || !visited || !cfg->rpo || !cfg->rpo_index)
        return arena->last_error;
    uint32_t n_post = 0, depth = 0;
    if (cfg->entry != NONE) {
        stack_block[depth] = cfg->entry;
        stack_next[depth++] = 0;
        visited[cfg->entry] = 1;
    }
    while (depth) {
        uint32_t b = stack_block[depth - 1];
        ir_ref_t term = ir_block_terminator(f, b);
        const ir_insn_t *t = term ? ir_insn(f, term) : NULL;
        if (t && stack_next[depth - 1] < t->n_succs) {
            uint32_t to = t->ext.succs[stack_next[depth - 1]++].block;
            if (to < n && f->blocks[to].is_placed && !visited[to]) {
                visited[to] = 1;
                stack_block[depth] = to;
                stack_next[depth++] = 0;
            }
            continue;
        }
        cfg->rpo[n_post++] = b; /* postorder for now */
        depth--;
    }
    for (uint32_t i = 0; i < n_post / 2; i++) {
        uint32_t tmp = cfg->rpo[i];
        cfg->rpo[i] = cfg->rpo[n_post - 1 - i];
        cfg->rpo[n_post - 1 - i] = tmp;
    }
    cfg->n_rpo = n_post;
    for (uint32_t i = 0; i < n_post; i++)
        cfg->rpo_index[cfg->rpo[i]] = i;
    return 0;
}

/* Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm". */
static uint32_t
intersect(const cfg_t *cfg, uint32_t a, uint32_t b)
{
    while (a != b) {
        while (cfg->rpo_index[a] > cfg->rpo_index[b])
            a = cfg->idom[a];
        while (cfg->rpo_index[b] > cfg->rpo_index[a])
            b = cfg->idom[b];
    }
    return a;
}

static int
build_dominators(arena_t *arena, cfg_t *cfg)
{
    uint32_t n = cfg->n_blocks;
    cfg->idom = fill_none(arena, n);
    cfg->dom_pre = fill_none(arena, n);
    cfg->dom_post = fill_none(arena, n);
    if (!cfg->idom || !cfg->dom_pre || !cfg->dom_post)
        return arena->last_error;
    if (!cfg->n_rpo)
        return 0;
    cfg->idom[cfg->entry] = cfg->entry;
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t i = 1; i < cfg->n_rpo; i++) {
            uint32_t b = cfg->rpo[i], new_idom = NONE;
            for (uint32_t p = cfg->pred_start[b]; p < cfg->pred_start[b + 1]; p++) {
                uint32_t pred = cfg->preds[p];
                if (cfg->idom[pred] == NONE)
                    continue; /* unreachable, or not processed yet */
                new_idom = new_idom == NONE ? pred : intersect(cfg, pred, new_idom);
            }
            if (new_idom != cfg->idom[b]) {
                cfg->idom[b] = new_idom;
                changed = true;
            }
        }
    }
    /* Children lists of the dominator tree (CSR), then a preorder/postorder numbering. */
    uint32_t *child_start = arena_alloc_array(arena, (size_t)n + 1, sizeof *child_start);
    uint32_t *children = arena_alloc_array(arena, cfg->n_rpo, sizeof *children);
    uint32_t *stack = arena_alloc_array(arena, cfg->n_rpo, sizeof *stack);
    uint32_t *next = arena_alloc_array(arena, n, sizeof *next);
    if (!child_start || !children || !stack || !next)
        return arena->last_error;
    for (uint32_t i = 1; i < cfg->n_rpo; i++)
        child_start[cfg->idom[cfg->rpo[i]]]++;
    uint32_t total = 0;
    for (uint32_t b = 0; b < n; b++) {
        uint32_t c = child_start[b];
        child_start[b] = total;
        next[b] = total;
        total += c;
    }
    child_start[n] = total;
    for (uint32_t i = 1; i < cfg->n_rpo; i++) {
        uint32_t b = cfg->rpo[i];
        children[next[cfg->idom[b]]++] = b;
    }
    for (uint32_t b = 0; b < n; b++)
        next[b] = child_start[b];
    uint32_t depth = 0, counter = 0;
    stack[depth++] = cfg->entry;
    cfg->dom_pre[cfg->entry] = counter++;
    while (depth) {
        uint32_t b = stack[depth - 1];
        if (next[b] < child_start[b + 1]) {
            uint32_t c = children[next[b]++];
            cfg->dom_pre[c] = counter++;
            stack[depth++] = c;
        } else {
            cfg->dom_post[b] = counter++;
            depth--;
        }
    }
    return 0;
}

bool
cfg_dominates(const cfg_t *cfg, uint32_t a, uint32_t b)
{
    if (a >= cfg->n_blocks || b >= cfg->n_blocks || !cfg_is_reachable(cfg, a) ||
        !cfg_is_reachable(cfg, b))
        return false;
    return cfg->dom_pre[a] <= cfg->dom_pre[b] && cfg->dom_post[b] <= cfg->dom_post[a];
}

int
cfg_dom_preorder(const cfg_t *cfg, arena_t *arena, uint32_t **out)
{
    /* dom_pre numbers run below 2 * n_rpo (one counter for both orders): a counting sort. */
    uint32_t n_slots = 2 * cfg->n_rpo + 1;
    uint32_t *by_number = fill_none(arena, n_slots);
    uint32_t *order = arena_alloc_array(arena, cfg->n_rpo + 1, sizeof *order);
    if (!by_number || !order)
        return arena->last_error;
    for (uint32_t i = 0; i < cfg->n_rpo; i++)
        by_number[cfg->dom_pre[cfg->rpo[i]]] = cfg->rpo[i];
    uint32_t n = 0;
    for (uint32_t k = 0; k < n_slots; k++)
        if (by_number[k] != NONE)
            order[n++] = by_number[k];
    *out = order;
    return 0;
}

/* The outermost loop found so far that contains header h (union-find with path halving). */
static uint32_t
outermost(uint32_t *uf, uint32_t h)
{
    while (uf[h] != h) {
        uf[h] = uf[uf[h]];
        h = uf[h];
    }
    return h;
}

/* Headers in decreasing RPO order, so inner loops are found before the loops around them; a body
 * walk that meets a block already in a loop jumps to that loop's outermost header, which makes
 * the whole discovery near-linear (the shape of LLVM's LoopInfo discovery). */
static int
build_loops(arena_t *arena, cfg_t *cfg)
{
    uint32_t n = cfg->n_blocks;
    cfg->loop_header = fill_none(arena, n);
    cfg->loop_parent = fill_none(arena, n);
    cfg->loop_depth = arena_alloc_array(arena, n ? n : 1, sizeof *cfg->loop_depth);
    uint32_t *uf = arena_alloc_array(arena, n ? n : 1, sizeof *uf);
    uint32_t *work = arena_alloc_array(arena, (size_t)cfg->pred_start[n] + 1, sizeof *work);
    if (!cfg->loop_header || !cfg->loop_parent || !cfg->loop_depth || !uf || !work)
        return arena->last_error;
    for (uint32_t b = 0; b < n; b++)
        uf[b] = b;
    for (uint32_t i = cfg->n_rpo; i-- > 0;) {
        uint32_t h = cfg->rpo[i], n_work = 0;
        for (uint32_t p = cfg->pred_start[h]; p < cfg->pred_start[h + 1]; p++)
            if (cfg_dominates(cfg, h, cfg->preds[p]))
                work[n_work++] = cfg->preds[p];
        if (!n_work)
            continue;
        cfg->loop_header[h] = h;
        while (n_work) {
            uint32_t b = work[--n_work];
            if (cfg->loop_header[b] == NONE) {
                cfg->loop_header[b] = h;
            } else {
                b = outermost(uf, cfg->loop_header[b]);
                if (b == h)
                    continue;
                cfg->loop_parent[b] = h;
                uf[b] = h;
            }
            /* Predecessors of b (or of the inner header standing for its loop). Each block is
             * expanded once: the first time it joins a loop, or when its loop joins this one. */
            for (uint32_t p = cfg->pred_start[b]; p < cfg->pred_start[b + 1]; p++) {
                uint32_t pred = cfg->preds[p];
                if (cfg_is_reachable(cfg, pred) && pred != h)
                    work[n_work++] = pred;
            }
        }
    }
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        uint32_t b = cfg->rpo[i];
        if (cfg->loop_header[b] == b)
            cfg->loop_depth[b] =
                cfg->loop_parent[b] == NONE ? 1 : cfg->loop_depth[cfg->loop_parent[b]] + 1;
    }
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        uint32_t b = cfg->rpo[i];
        if (cfg->loop_header[b] != NONE && cfg->loop_header[b] != b)
            cfg->loop_depth[b] = cfg->loop_depth[cfg->loop_header[b]];
    }
    return 0;
}

int
cfg_build(const ir_func_t *f, arena_t *arena, cfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_blocks = f->n_blocks;
    cfg->entry = f->n_layout ? f->layout[0] : NONE;
    int rc = build_preds(f, arena, cfg);
    if (!rc)
        rc = build_rpo(f, arena, cfg);
    if (!rc)
        rc = build_dominators(arena, cfg);
    if (!rc)
        rc = build_loops(arena, cfg);
    return rc;
}
