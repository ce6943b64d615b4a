/* Global value numbering: an instruction equal to one in a dominating position (same op, type,
 * immediates and operands; the operands of a commutative op in either order) is replaced by it.
 * Candidates are the pure ops and those whose only effect is a trap (division, float-to-int
 * truncation): the dominating copy ran first with the same operands, so if it did not trap the
 * copy cannot either. Memory reads are the loads pass's. Blocks go in dominator-tree preorder
 * with a scoped hash table: entries a block adds are undone when the walk leaves its subtree, so
 * a lookup only ever finds a dominating instruction. Linear in the function's size.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: nothing (no edge changes).
 */
#include <string.h>

#include "cfg.h"
#include "ir_edit.h"
#include "pipeline.h"

typedef struct numbering {
    ir_func_t *f;
    ir_ref_t *map;
    ir_ref_t *table; /* open addressing, linear probing; IR_NOREF is empty */
    uint32_t mask;
    uint32_t *undo; /* slots filled, in order, to empty again when a scope ends */
    uint32_t n_undo;
} numbering_t;

static bool
is_candidate(const ir_insn_t *insn)
{
    unsigned flags = ir_op_flags(insn->op);
    unsigned other = IRF_READ | IRF_WRITE | IRF_EFFECT | IRF_TERM | IRF_PINNED;
    return (flags & (IRF_PURE | IRF_TRAP)) && !(flags & other) && insn->n_args <= 3 &&
           insn->type != IR_T_NONE && insn->type != IR_T_TUPLE;
}

static bool
has_bytes(const ir_insn_t *insn)
{
    return ir_op_imm(insn->op) == IR_IMM_SHUFFLE ||
           (insn->op == IR_CONST && insn->type == IR_T_V128);
}

static bool
is_swappable(const ir_insn_t *insn)
{
    return (ir_op_flags(insn->op) & IRF_COMM) && insn->n_args == 2;
}

static uint64_t
mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdu;
}

static uint32_t
hash(ir_insn_t *insn)
{
    const ir_ref_t *args = ir_args(insn);
    uint64_t h = mix(insn->op, ((uint64_t)insn->type << 32) | insn->n_args);
    h = mix(h, insn->imm);
    h = mix(h, insn->imm2);
    if (is_swappable(insn)) {
        ir_ref_t lo = args[0] < args[1] ? args[0] : args[1];
        h = mix(mix(h, lo), (uint64_t)args[0] + args[1] - lo);
    } else {
        for (uint32_t i = 0; i < insn->n_args; i++)
            h = mix(h, args[i]);
    }
    if (has_bytes(insn) && insn->ext.bytes) {
        uint64_t lo, hi;
        memcpy(&lo, insn->ext.bytes, 8);
        memcpy(&hi, insn->ext.bytes + 8, 8);
        h = mix(mix(h, lo), hi);
    }
    return (uint32_t)(h ^ (h >> 32));
}

static bool
equal(ir_insn_t *a, ir_insn_t *b)
{
    if (a->op != b->op || a->type != b->type || a->n_args != b->n_args || a->imm != b->imm ||
        a->imm2 != b->imm2)
        return false;
    const ir_ref_t *x = ir_args(a), *y = ir_args(b);
    bool same = true;
    for (uint32_t i = 0; i < a->n_args && same; i++)
        same = x[i] == y[i];
    if (!same && !(is_swappable(a) && x[0] == y[1] && x[1] == y[0]))
        return false;
    if (has_bytes(a)) {
        if (!a->ext.bytes || !b->ext.bytes)
            return a->ext.bytes == b->ext.bytes;
        return memcmp(a->ext.bytes, b->ext.bytes, 16) == 0;
    }
    return true;
}

/* Replaces r by an equal dominating instruction, or enters it in the table. */
static void
number(numbering_t *nb, ir_ref_t r)
{
    ir_func_t *f = nb->f;
    ir_insn_t *insn = ir_insn(f, r);
    ir_ref_t *args = ir_args(insn);
    for (uint32_t i = 0; i < insn->n_args; i++)
        args[i] = ir_map_find(nb->map, f->n_insns, args[i]);
    for (uint32_t s = hash(insn) & nb->mask;; s = (s + 1) & nb->mask) {
        ir_ref_t other = nb->table[s];
        if (!other) {
            nb->table[s] = r;
            nb->undo[nb->n_undo++] = s;
            return;
        }
        if (equal(ir_insn(f, other), insn)) {
            nb->map[r] = other;
            ir_remove(f, r);
            return;
        }
    }
}

int
pass_gvn(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    uint32_t *order;
    int rc = cfg_build(f, scratch, &cfg);
    if (!rc)
        rc = cfg_dom_preorder(&cfg, scratch, &order);
    if (rc)
        return rc;
    uint32_t n_candidates = 0;
    for (uint32_t i = 0; i < cfg.n_rpo; i++)
        IR_FOREACH_INSN(f, cfg.rpo[i], r)
            n_candidates += is_candidate(ir_insn(f, r));
    uint32_t size = 16;
    while (size < 2 * (uint64_t)n_candidates)
        size *= 2;
    numbering_t nb = {.f = f, .mask = size - 1};
    nb.map = arena_alloc_array(scratch, f->n_insns, sizeof *nb.map);
    nb.table = arena_alloc_array(scratch, size, sizeof *nb.table);
    nb.undo = arena_alloc_array(scratch, n_candidates + 1, sizeof *nb.undo);
    /* The blocks whose scopes are open, each with the undo length at its start. */
    uint32_t *scope = arena_alloc_array(scratch, cfg.n_rpo + 1, sizeof *scope);
    uint32_t *scope_undo = arena_alloc_array(scratch, cfg.n_rpo + 1, sizeof *scope_undo);
    if (!nb.map || !nb.table || !nb.undo || !scope || !scope_undo)
        return scratch->last_error;

    uint32_t depth = 0;
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = order[i];
        while (depth && !cfg_dominates(&cfg, scope[depth - 1], b)) {
            depth--;
            while (nb.n_undo > scope_undo[depth])
                nb.table[nb.undo[--nb.n_undo]] = IR_NOREF;
        }
        scope[depth] = b;
        scope_undo[depth++] = nb.n_undo;
        for (ir_ref_t r = ir_block(f, b)->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            if (is_candidate(ir_insn(f, r)))
                number(&nb, r);
            r = next;
        }
    }
    ir_replace_uses(f, nb.map);
    return f->status;
}
