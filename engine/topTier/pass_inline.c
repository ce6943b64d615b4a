/* Inlining of small direct callees: a `call` of a defined function whose body has at most
 * env->inline_max_body bytes becomes a copy of the callee's IR, built from the module with the
 * builder (build.c): the caller's block is split at the call, the callee's entry receives the
 * arguments as values, its returns jump to the continuation block, whose parameters are the
 * results (a multi-value call's proj reads become them). The callee's entry checks go: the
 * inlined code runs in the caller's frame, which had its stack check, and its loops keep their
 * polls. Calls inside inlined code are inlined in turn up to env->inline_max_depth deep, so
 * recursion ends; imports and indirect calls stay calls. The function grows by at most
 * INLINE_GROWTH times its size plus INLINE_GROWTH_BASE instructions, so the passes after it stay
 * linear in the body. Without a module (text IR) the pass has nothing to build from and does
 * nothing.
 * Requires: the module (pipeline_env_t).  Provides: -.  Invalidates: cfg (new blocks).
 */
#include <string.h>

#include "build.h"
#include "module.h"
#include "pipeline.h"

enum { INLINE_GROWTH = 2, INLINE_GROWTH_BASE = 4096 };

typedef struct site {
    ir_ref_t call;
    uint32_t depth; /* 1 for the caller's own calls */
} site_t;

typedef struct inliner {
    ir_func_t *f;
    const pipeline_env_t *env;
    arena_t *scratch;
    body_validator_t *validator;
    site_t *sites;
    uint32_t n_sites, cap_sites;
    ir_ref_t *results; /* by call: the continuation's first parameter, for its projs */
    uint32_t cap_results;
    uint32_t insn_limit;
} inliner_t;

static bool
push_site(inliner_t *in, ir_ref_t call, uint32_t depth)
{
    if (in->n_sites == in->cap_sites) {
        uint32_t cap = in->cap_sites ? 2 * in->cap_sites : 64;
        site_t *p = arena_alloc_array(in->scratch, cap, sizeof *p);
        if (!p)
            return false;
        if (in->n_sites)
            memcpy(p, in->sites, in->n_sites * sizeof *p);
        in->sites = p;
        in->cap_sites = cap;
    }
    in->sites[in->n_sites++] = (site_t){call, depth};
    return true;
}

/* Whether the call at r names a defined function small enough. */
static bool
is_candidate(const inliner_t *in, ir_ref_t r)
{
    const ir_insn_t *insn = ir_insn(in->f, r);
    const sl_module_t *m = in->env->module;
    if (insn->op != IR_CALL || insn->block == IR_NO_BLOCK || insn->imm >= m->n_funcs ||
        insn->imm < m->n_imported_funcs)
        return false;
    const module_func_t *mf = &m->funcs[insn->imm];
    return mf->body_offset && mf->body_size <= in->env->inline_max_body;
}

/* Moves the instructions after `at` in its block to the new block `to`. */
static void
split_after(ir_func_t *f, ir_ref_t at, uint32_t to)
{
    ir_insn_t *a = ir_insn(f, at);
    ir_block_t *from = ir_block(f, a->block), *dst = ir_block(f, to);
    ir_ref_t first = a->next;
    if (!first)
        return;
    for (ir_ref_t r = first; r; r = ir_insn(f, r)->next)
        ir_insn(f, r)->block = to;
    ir_insn(f, first)->prev = IR_NOREF;
    dst->first = first;
    dst->last = from->last;
    a->next = IR_NOREF;
    from->last = at;
}

/* Whether insn r of the callee is one of its entry's checks, which the caller's frame has. */
static bool
is_entry_check(const ir_func_t *g, ir_ref_t r)
{
    const ir_insn_t *insn = ir_insn(g, r);
    return insn->block == g->layout[0] && (insn->op == IR_STACK_CHECK || insn->op == IR_POLL);
}

/* Copies g into f at call `call`, whose block is split; returns 0 or an error. */
static int
splice(inliner_t *in, const ir_func_t *g, ir_ref_t call, uint32_t depth)
{
    ir_func_t *f = in->f;
    arena_t *tmp = in->scratch;
    ir_ref_t *vmap = arena_alloc_array(tmp, g->n_insns, sizeof *vmap);
    uint32_t *bmap = arena_alloc_array(tmp, g->n_blocks, sizeof *bmap);
    if (!vmap || !bmap)
        return tmp->last_error;
    uint32_t caller_block = ir_insn(f, call)->block;
    uint32_t cont = ir_block_new(f);
    for (uint32_t l = 0; l < g->n_layout; l++)
        bmap[g->layout[l]] = ir_block_new(f);
    if (f->status)
        return f->status;
    /* Results arrive as the continuation's parameters. */
    ir_ref_t first_result = IR_NOREF;
    for (uint32_t i = 0; i < g->n_results; i++) {
        ir_ref_t p = ir_block_add_param(f, cont, (ir_type_t)g->results[i]);
        if (!i)
            first_result = p;
    }
    const ir_block_t *g_entry = ir_block(g, g->layout[0]);
    const ir_ref_t *call_args = ir_args(ir_insn(f, call));
    for (uint32_t i = 0; i < g_entry->n_params && i < ir_insn(f, call)->n_args; i++)
        vmap[g_entry->params[i]] = call_args[i];
    /* First every value, then operands and edges, which may name values defined later in the
     * layout (loop parameters, say). */
    for (uint32_t l = 0; l < g->n_layout; l++) {
        uint32_t gb = g->layout[l], nb = bmap[gb];
        const ir_block_t *blk = ir_block(g, gb);
        if (l)
            for (uint32_t i = 0; i < blk->n_params; i++)
                vmap[blk->params[i]] =
                    ir_block_add_param(f, nb, (ir_type_t)ir_insn(g, blk->params[i])->type);
        IR_FOREACH_INSN(g, gb, r) {
            const ir_insn_t *gi = ir_insn(g, r);
            if (is_entry_check(g, r) || (ir_op_flags(gi->op) & IRF_TERM))
                continue;
            ir_ref_t nr = ir_append(f, nb, gi->op, (ir_type_t)gi->type, 0, NULL);
            if (!nr)
                return f->status;
            ir_insn(f, nr)->imm = gi->imm;
            ir_insn(f, nr)->imm2 = gi->imm2;
            if (gi->ext.bytes && (ir_op_imm(gi->op) == IR_IMM_SHUFFLE ||
                                  (gi->op == IR_CONST && gi->type == IR_T_V128))) {
                uint8_t *bytes = ir_insn_bytes(f, nr);
                if (!bytes)
                    return f->status;
                memcpy(bytes, gi->ext.bytes, 16);
            }
            vmap[r] = nr;
        }
    }
    ir_ref_t *args = NULL;
    uint32_t cap_args = 0;
    for (uint32_t l = 0; l < g->n_layout; l++) {
        uint32_t gb = g->layout[l], nb = bmap[gb];
        IR_FOREACH_INSN(g, gb, r) {
            ir_insn_t *gi = ir_insn(g, r);
            if (is_entry_check(g, r))
                continue;
            const ir_ref_t *ga = ir_args(gi);
            uint32_t n = gi->n_args;
            for (uint32_t s = 0; s < gi->n_succs && (ir_op_flags(gi->op) & IRF_TERM); s++)
                if (gi->ext.succs[s].n_args > n)
                    n = gi->ext.succs[s].n_args;
            if (n > cap_args) {
                cap_args = 2 * n;
                if (!(args = arena_alloc_array(tmp, cap_args, sizeof *args)))
                    return tmp->last_error;
            }
            for (uint32_t i = 0; i < gi->n_args; i++)
                args[i] = vmap[ga[i]];
            if (!(ir_op_flags(gi->op) & IRF_TERM)) {
                ir_set_args(f, vmap[r], gi->n_args, args);
                if (gi->op == IR_CALL && depth < in->env->inline_max_depth &&
                    !push_site(in, vmap[r], depth + 1))
                    return tmp->last_error;
                continue;
            }
            ir_ref_t t;
            if (gi->op == IR_RETURN) {
                ir_succ_t to_cont = {cont, gi->n_args, args};
                t = ir_set_terminator(f, nb, IR_JUMP, 0, NULL, 1, &to_cont);
            } else {
                /* Copied with the callee's names, then renamed in place. */
                t = ir_set_terminator(f, nb, gi->op, gi->n_args, args, gi->n_succs, gi->ext.succs);
                for (uint32_t s = 0; t && s < gi->n_succs; s++) {
                    ir_succ_t *succ = &ir_insn(f, t)->ext.succs[s];
                    succ->block = bmap[succ->block];
                    for (uint32_t i = 0; i < succ->n_args; i++)
                        succ->args[i] = vmap[succ->args[i]];
                }
            }
            if (!t)
                return f->status;
            ir_insn(f, t)->imm = gi->imm;
        }
    }
    /* The caller's block ends in a jump to the callee's entry; the rest is the continuation. */
    split_after(f, call, cont);
    ir_ref_t *slot = &in->results[call];
    *slot = first_result;
    ir_remove(f, call);
    ir_succ_t to_entry = {bmap[g->layout[0]], 0, NULL};
    return ir_set_terminator(f, caller_block, IR_JUMP, 0, NULL, 1, &to_entry) ? 0 : f->status;
}

/* Whether an edge leads back to g's entry, whose parameters splice maps to the call's arguments
 * alone (the builder never makes one: a branch to the function's label is a return). */
static bool
is_entry_entered(const ir_func_t *g)
{
    for (uint32_t l = 0; l < g->n_layout; l++) {
        const ir_insn_t *t = ir_insn(g, ir_block_terminator(g, g->layout[l]));
        for (uint32_t s = 0; s < t->n_succs; s++)
            if (t->ext.succs[s].block == g->layout[0])
                return true;
    }
    return false;
}

/* Inlines one site if it still qualifies; 0, or an error that ends the pass. */
static int
inline_site(inliner_t *in, site_t site)
{
    ir_func_t *f = in->f;
    if (!is_candidate(in, site.call) || f->n_insns > in->insn_limit)
        return 0;
    arena_t callee_arena;
    arena_init(&callee_arena, f->arena->budget);
    ir_func_t *g = NULL;
    sl_error_t err = {0};
    uint32_t callee = (uint32_t)ir_insn(f, site.call)->imm;
    int rc = ir_build(in->validator, &callee_arena, in->env->module, callee, &g, &err);
    if (rc == 0 && f->n_insns + g->n_insns <= in->insn_limit && !is_entry_entered(g)) {
        if (f->n_insns + g->n_insns + 1 > in->cap_results) {
            uint32_t cap = 2 * (f->n_insns + g->n_insns + 1);
            ir_ref_t *p = arena_alloc_array(in->scratch, cap, sizeof *p);
            if (!p) {
                arena_fini(&callee_arena);
                return in->scratch->last_error;
            }
            if (in->cap_results)
                memcpy(p, in->results, in->cap_results * sizeof *p);
            in->results = p;
            in->cap_results = cap;
        }
        rc = splice(in, g, site.call, site.depth);
    } else {
        rc = 0; /* a callee that does not build (a limit) stays a call */
    }
    arena_fini(&callee_arena);
    return rc;
}

/* The results of inlined calls: a one-result call's uses read the continuation's parameter, a
 * multi-result call's projs are replaced by the parameter they select. */
static int
rewrite_results(inliner_t *in)
{
    ir_func_t *f = in->f;
    ir_ref_t *map = arena_alloc_array(in->scratch, f->n_insns, sizeof *map);
    if (!map)
        return in->scratch->last_error;
    for (uint32_t r = 1; r < f->n_insns && r < in->cap_results; r++)
        if (in->results[r] && ir_insn(f, r)->type != IR_T_TUPLE)
            map[r] = in->results[r];
    for (uint32_t l = 0; l < f->n_layout; l++) {
        for (ir_ref_t r = ir_block(f, f->layout[l])->first; r;) {
            ir_insn_t *insn = ir_insn(f, r);
            ir_ref_t next = insn->next, call = insn->n_args ? ir_args(insn)[0] : IR_NOREF;
            if (insn->op == IR_PROJ && call < in->cap_results && in->results[call]) {
                ir_ref_t first = in->results[call];
                const ir_insn_t *p = ir_insn(f, first);
                map[r] = ir_block(f, p->block)->params[p->imm + insn->imm];
                ir_remove(f, r);
            }
            r = next;
        }
    }
    ir_replace_uses(f, map);
    return f->status;
}

int
pass_inline(ir_func_t *f, const pipeline_env_t *env, arena_t *scratch)
{
    if (!env || !env->module || !env->inline_max_body || !env->inline_max_depth)
        return 0;
    inliner_t in = {.f = f, .env = env, .scratch = scratch};
    in.insn_limit = INLINE_GROWTH * f->n_insns + INLINE_GROWTH_BASE;
    for (uint32_t l = 0; l < f->n_layout; l++)
        IR_FOREACH_INSN(f, f->layout[l], r)
            if (is_candidate(&in, r) && !push_site(&in, r, 1))
                return scratch->last_error;
    if (!in.n_sites)
        return 0;
    sl_limits_t limits;
    sl_limits_init(&limits);
    int rc = body_validator_new(&limits, &in.validator);
    /* Sites in order (a worklist as a queue), so the caller's own calls go before nested ones. */
    for (uint32_t i = 0; !rc && i < in.n_sites; i++)
        rc = inline_site(&in, in.sites[i]);
    body_validator_free(in.validator);
    if (!rc)
        rc = rewrite_results(&in);
    return rc;
}
