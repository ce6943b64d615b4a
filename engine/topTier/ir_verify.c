/* The IR verifier: structure (terminators, successor edges, block parameters), the op table's
 * operand and result rules, the signature, and SSA dominance. It reports the first broken rule as
 * "block B, instruction K (vN = op): rule: detail" and never prints. Linear apart from cfg_build
 * (cfg.h). Run after every pass in debug and test builds (pipeline.c). */
#include "ir.h"

#include <inttypes.h>
#include <string.h>

#include "cfg.h"
#include "error.h"

typedef struct verifier {
    const ir_func_t *f;
    sl_error_t *err;
    uint32_t block, position; /* where we are: position 0 is the block header */
    ir_ref_t ref;
} verifier_t;

static int __attribute__((format(printf, 3, 4)))
fail(verifier_t *v, const char *rule, const char *fmt, ...)
{
    char where[96], detail[96];
    if (v->block == IR_NO_BLOCK) {
        snprintf(where, sizeof where, "function %s", v->f->name);
    } else if (v->ref) {
        const ir_insn_t *insn = ir_insn(v->f, v->ref);
        if (insn->type != IR_T_NONE && insn->op != IR_PARAM)
            snprintf(where, sizeof where, "block%" PRIu32 ", instruction %" PRIu32 " (v%" PRIu32
                     " = %s)", v->block, v->position, v->ref, ir_op_name(insn->op));
        else
            snprintf(where, sizeof where, "block%" PRIu32 ", instruction %" PRIu32 " (%s)",
                     v->block, v->position, ir_op_name(insn->op));
    } else {
        snprintf(where, sizeof where, "block%" PRIu32, v->block);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    error_set(v->err, SL_EINVALID, SL_NO_SECTION, 0, "%s: %s: %s", where, rule, detail);
    return SL_EINVALID;
}

static bool
is_value_type(unsigned t)
{
    return t >= IR_T_I32 && t <= IR_T_EXTERNREF;
}

static bool
is_ref_type(unsigned t)
{
    return t == IR_T_FUNCREF || t == IR_T_EXTERNREF;
}

static const char *
rule_name(unsigned rule, unsigned result)
{
    switch (rule) {
    case IR_OPND_ANY: return "a value";
    case IR_OPND_REF: return "a reference";
    case IR_OPND_RESULT: return ir_type_name(result);
    default: return ir_type_name(rule);
    }
}

static int
check_operands(verifier_t *v, const ir_insn_t *insn)
{
    const ir_func_t *f = v->f;
    int n = ir_op_n_operands(insn->op);
    if (n != IR_VARIADIC && (uint32_t)n != insn->n_args)
        return fail(v, "operand count", "%" PRIu32 " operands, expected %d", insn->n_args, n);
    const ir_ref_t *args = ir_args((ir_insn_t *)insn);
    for (uint32_t i = 0; i < insn->n_args; i++) {
        if (!ir_is_defined(f, args[i]))
            return fail(v, "undefined value", "operand %" PRIu32 " is v%" PRIu32
                        ", which is not defined", i, args[i]);
        unsigned t = ir_insn(f, args[i])->type, rule = ir_op_operand(insn->op, i);
        bool ok = rule == IR_OPND_ANY      ? is_value_type(t)
                  : rule == IR_OPND_REF    ? is_ref_type(t)
                  : rule == IR_OPND_RESULT ? t == insn->type
                                           : t == rule;
        if (!ok)
            return fail(v, "operand type", "operand %" PRIu32 " (v%" PRIu32 ") is %s, expected %s",
                        i, args[i], ir_type_name(t), rule_name(rule, insn->type));
    }
    return 0;
}

static int
check_result(verifier_t *v, const ir_insn_t *insn)
{
    unsigned rule = ir_op_result(insn->op), t = insn->type;
    bool ok;
    const char *want;
    if (rule == IR_RES_OWN) {
        bool is_call = ir_op_n_operands(insn->op) == IR_VARIADIC;
        ok = is_value_type(t) || (is_call && (t == IR_T_NONE || t == IR_T_TUPLE));
        if (insn->op == IR_REF_NULL || insn->op == IR_TABLE_GET)
            ok = is_ref_type(t);
        want = "a value type";
    } else if (rule == IR_RES_SAME) {
        unsigned t0 = insn->n_args ? ir_insn(v->f, ir_args((ir_insn_t *)insn)[0])->type : IR_T_NONE;
        ok = t == t0;
        want = ir_type_name(t0);
    } else {
        ok = t == rule;
        want = ir_type_name(rule);
    }
    if (!ok)
        return fail(v, "result type", "the result is %s, expected %s", ir_type_name(t), want);
    return 0;
}

/* Arguments of an edge or a return against the types they must have. */
static int
check_values(verifier_t *v, const char *rule, const char *what, const ir_ref_t *args,
             uint32_t n_args, uint32_t n_want, const uint8_t *types, const ir_ref_t *params)
{
    const ir_func_t *f = v->f;
    if (n_args != n_want)
        return fail(v, rule, "%s takes %" PRIu32 " values, given %" PRIu32, what, n_want, n_args);
    for (uint32_t i = 0; i < n_args; i++) {
        if (!ir_is_defined(f, args[i]))
            return fail(v, "undefined value", "%s: value %" PRIu32 " is v%" PRIu32
                        ", which is not defined", what, i, args[i]);
        unsigned want = types ? types[i] : ir_insn(f, params[i])->type;
        if (ir_insn(f, args[i])->type != want)
            return fail(v, rule, "%s: value %" PRIu32 " (v%" PRIu32 ") is %s, expected %s", what,
                        i, args[i], ir_type_name(ir_insn(f, args[i])->type), ir_type_name(want));
    }
    return 0;
}

static int
check_succs(verifier_t *v, const ir_insn_t *insn)
{
    const ir_func_t *f = v->f;
    int want = ir_op_n_succs(insn->op);
    if (want == IR_VARIADIC ? insn->n_succs == 0 : insn->n_succs != (uint32_t)want)
        return fail(v, "successor count", "%" PRIu32 " successors, expected %s", insn->n_succs,
                    want == 1 ? "1" : want == 2 ? "2" : "at least 1");
    for (uint32_t s = 0; s < insn->n_succs; s++) {
        const ir_succ_t *succ = &insn->ext.succs[s];
        if (succ->block >= f->n_blocks || !ir_block(f, succ->block)->is_placed)
            return fail(v, "successor", "block%" PRIu32 " is not in the function", succ->block);
        const ir_block_t *to = ir_block(f, succ->block);
        char what[32];
        snprintf(what, sizeof what, "block%" PRIu32, succ->block);
        if (check_values(v, "successor arguments", what, succ->args, succ->n_args, to->n_params,
                         NULL, to->params))
            return SL_EINVALID;
    }
    return 0;
}

static int
check_insn(verifier_t *v, const ir_insn_t *insn, bool is_last)
{
    bool is_term = ir_op_flags(insn->op) & IRF_TERM;
    if (insn->op >= IR_N_OPS)
        return fail(v, "op", "no such op %u", insn->op);
    if (insn->op == IR_PARAM)
        return fail(v, "block parameters", "a parameter in the instruction list");
    if (is_term && !is_last)
        return fail(v, "terminator", "a terminator before the end of the block");
    if (!is_term && is_last)
        return fail(v, "terminator", "the block does not end in a terminator");
    if (check_operands(v, insn) || check_result(v, insn))
        return SL_EINVALID;
    if (is_term && check_succs(v, insn))
        return SL_EINVALID;
    if (insn->op == IR_RETURN &&
        check_values(v, "return values", "the function", ir_args((ir_insn_t *)insn),
                     insn->n_args, v->f->n_results, v->f->results, NULL))
        return SL_EINVALID;
    enum ir_imm imm = ir_op_imm(insn->op);
    if (imm == IR_IMM_TRAP && (insn->imm == 0 || insn->imm > SL_N_TRAPS_))
        return fail(v, "trap code", "%" PRIu64 " is not a trap code", insn->imm);
    return 0;
}

/* Structure and types, block by block; fills pos[] with each insn's position in its block. */
static int
check_blocks(verifier_t *v, uint32_t *pos)
{
    const ir_func_t *f = v->f;
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t id = f->layout[l];
        const ir_block_t *b = ir_block(f, id);
        v->block = id;
        v->ref = IR_NOREF;
        v->position = 0;
        for (uint32_t i = 0; i < b->n_params; i++) {
            const ir_insn_t *p = ir_insn(f, b->params[i]);
            if (!ir_is_defined(f, b->params[i]) || p->op != IR_PARAM || p->block != id ||
                p->imm != i)
                return fail(v, "block parameters", "parameter %" PRIu32 " is not v%" PRIu32
                            " of this block", i, b->params[i]);
            if (!is_value_type(p->type))
                return fail(v, "block parameters", "v%" PRIu32 " has type %s", b->params[i],
                            ir_type_name(p->type));
            pos[b->params[i]] = 0;
        }
        if (!b->first)
            return fail(v, "terminator", "the block is empty");
        IR_FOREACH_INSN(f, id, r) {
            const ir_insn_t *insn = ir_insn(f, r);
            v->ref = r;
            v->position++;
            pos[r] = v->position;
            if (insn->block != id)
                return fail(v, "block list", "the instruction says it is in block%" PRIu32,
                            insn->block);
            if (check_insn(v, insn, insn->next == IR_NOREF))
                return SL_EINVALID;
        }
    }
    return 0;
}

/* Each use of d at position `at` of block b. */
static int
check_dominated(verifier_t *v, const cfg_t *cfg, const uint32_t *pos, ir_ref_t d, uint32_t at)
{
    uint32_t db = ir_insn(v->f, d)->block;
    bool ok = db == v->block ? pos[d] < at : cfg_dominates(cfg, db, v->block);
    if (!ok)
        return fail(v, "dominance", "v%" PRIu32 " is used where its definition does not dominate",
                    d);
    return 0;
}

static int
check_dominance(verifier_t *v, const cfg_t *cfg, const uint32_t *pos)
{
    const ir_func_t *f = v->f;
    /* Unreachable blocks have no dominators; their code is never run, so only their types are
     * checked. */
    for (uint32_t i = 0; i < cfg->n_rpo; i++) {
        uint32_t id = cfg->rpo[i];
        v->block = id;
        v->position = 0;
        IR_FOREACH_INSN(f, id, r) {
            ir_insn_t *insn = ir_insn(f, r);
            v->ref = r;
            v->position++;
            const ir_ref_t *args = ir_args(insn);
            for (uint32_t a = 0; a < insn->n_args; a++)
                if (check_dominated(v, cfg, pos, args[a], pos[r]))
                    return SL_EINVALID;
            if (ir_op_flags(insn->op) & IRF_TERM)
                for (uint32_t s = 0; s < insn->n_succs; s++)
                    for (uint32_t a = 0; a < insn->ext.succs[s].n_args; a++)
                        if (check_dominated(v, cfg, pos, insn->ext.succs[s].args[a], pos[r]))
                            return SL_EINVALID;
        }
    }
    return 0;
}

int
ir_verify(const ir_func_t *f, sl_error_t *err)
{
    verifier_t v = {.f = f, .err = err, .block = IR_NO_BLOCK};
    if (f->status)
        return fail(&v, "construction", "building ran out of memory");
    if (!f->n_layout)
        return fail(&v, "entry", "no blocks");
    const ir_block_t *entry = ir_block(f, f->layout[0]);
    v.block = f->layout[0];
    if (entry->n_params != f->n_params)
        return fail(&v, "entry parameters", "%" PRIu32 " parameters, the signature has %" PRIu32,
                    entry->n_params, f->n_params);
    for (uint32_t i = 0; i < f->n_params; i++)
        if (!ir_is_defined(f, entry->params[i]) || ir_insn(f, entry->params[i])->type != f->params[i])
            return fail(&v, "entry parameters", "parameter %" PRIu32 " is not %s", i,
                        ir_type_name(f->params[i]));

    arena_t tmp;
    arena_init(&tmp, 0);
    cfg_t cfg;
    uint32_t *pos = arena_alloc_array(&tmp, f->n_insns, sizeof *pos);
    int rc = pos ? check_blocks(&v, pos) : tmp.last_error;
    if (!rc)
        rc = cfg_build(f, &tmp, &cfg);
    if (!rc)
        rc = check_dominance(&v, &cfg, pos);
    arena_fini(&tmp);
    return rc;
}
