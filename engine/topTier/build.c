/* The wasm → IR builder (build.h): the third instantiation of the decode loop, beside the plain
 * validator and the baseline.
 *
 * Blocks get their terminators only at the end (finish): until then an edge is a record here
 * whose arguments can still grow, because a read of a local in a join block adds a parameter to
 * the join and an argument to every edge into it. Entered blocks are laid out in entry order.
 *
 * What makes it near-linear:
 * - a `block` without branches to it opens no IR block; only joins that are branched to do;
 * - current definitions are a hash map of (block, local) pairs written by local.set/tee, by a
 *   parameter, and by the read that looked them up, never one entry per local per block;
 * - a read walks up single-predecessor blocks, skipping those that set no local (their `up`
 *   link), so nesting alone costs nothing per read;
 * - br_table branches to one stub block per distinct label, so a 100k-entry table adds one edge
 *   per entry and the label's arguments once per label;
 * - the size budget of build.h turns whatever is left (a read meeting many real joins) into
 *   SL_ELIMIT instead of quadratic memory.
 * A read of a local through nested joins recurses once per join (Braun's readVariableRecursive),
 * at most IR_BUILD_MAX_READ_DEPTH deep: deeper is SL_ELIMIT, not a stack overflow.
 */
#include "build.h"

#include <string.h>

#include "body_decoder_impl.h"
#include "leb128.h"

/* The IR op of each simple wasm opcode (IRW rows); 0 (PARAM) for none. */
static const uint16_t wasm_to_ir[SL_N_OPCODES] = {
#define IROP(id, mnemonic, n_operands, operands, result, imm, n_succs, flags)
#define IRW(id, imm, flags) [SL_OP_##id] = IR_##id,
#include "ir_ops.def"
#undef IROP
#undef IRW
};

typedef struct edge {
    uint32_t from, to;
    uint32_t n_args, cap_args;
    ir_ref_t *args; /* the label's values, then one per on-demand parameter of `to` */
} edge_t;

typedef struct incomplete {
    uint32_t var;
    ir_ref_t param;
    struct incomplete *next;
} incomplete_t;

typedef struct bb {
    uint32_t *preds; /* edge ids */
    uint32_t n_preds, cap_preds;
    bool is_sealed, has_sets, is_single_source;
    uint32_t up; /* sealed single-source block: the nearest block above worth looking in */
    incomplete_t *incomplete;
    /* the terminator, emitted by finish */
    uint16_t term_op;
    uint64_t trap;
    ir_ref_t *term_args;
    uint32_t n_term_args;
    uint32_t first_edge, n_edges;
} bb_t;

enum { FRAME_BLOCK, FRAME_LOOP, FRAME_IF, FRAME_ELSE };

typedef struct frame {
    uint8_t kind;
    bool is_dead; /* entered where the builder had no current block */
    uint32_t height; /* operand stack height below the frame's parameters */
    uint32_t n_in, n_out;
    const sl_valtype_t *in, *out;
    uint32_t join;   /* block/if: the block after end, once branched to; loop: the header */
    uint32_t other;  /* if: the else block */
    ir_ref_t *if_params;
    uint32_t stub, stub_stamp; /* br_table: this label's stub block in table `stub_stamp` */
} frame_t;

typedef struct def_slot {
    uint64_t key; /* (block << 32 | var) + 1; 0 is empty */
    ir_ref_t val;
} def_slot_t;

typedef struct builder {
    ir_func_t *f;
    arena_t *arena;
    body_validator_t *v;
    const sl_module_t *m;
    uint32_t cur; /* IR_NO_BLOCK: no code runs here (after a branch) */
    uint64_t budget, n_edge_args;

    bb_t *bbs;
    uint32_t cap_bbs;
    edge_t *edges;
    uint32_t n_edges, cap_edges;
    uint32_t *order;
    uint32_t n_order, cap_order;
    ir_ref_t *repl; /* a trivial parameter -> its value (set for those only) */
    uint32_t cap_repl;
    def_slot_t *defs;
    uint32_t n_defs, cap_defs; /* cap a power of two */

    ir_ref_t *vals;
    uint32_t n_vals, cap_vals;
    frame_t *frames;
    uint32_t n_frames, cap_frames;
    uint32_t stamp;
    uint32_t read_depth; /* nested joins a read is resolving through */
    ir_ref_t zero[IR_N_TYPES];
} builder_t;

/* ---- failures and growth --------------------------------------------------------------------- */

static bool
fail(builder_t *b, int code, const char *what)
{
    if (!b->f->status)
        b->f->status = code;
    return reader_fail_at(&b->v->r, b->v->op_at, code, "top tier: %s", what);
}

static bool
fail_alloc(builder_t *b)
{
    int code = b->f->status ? b->f->status
                            : (b->arena->last_error ? b->arena->last_error : SL_ENOMEM);
    return fail(b, code, code == SL_ELIMIT ? "function too large for the top tier"
                                           : "out of memory");
}

/* Grows an arena array to hold `need` elements (the old copy stays in the arena). */
static bool
grow(builder_t *b, void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    if (need > IR_MAX_INDEX)
        return fail(b, SL_ELIMIT, "function too large for the top tier");
    uint32_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *p = arena_alloc_array(b->arena, n, size);
    if (!p)
        return fail_alloc(b);
    if (*cap)
        memcpy(p, *array, (size_t)*cap * size);
    *array = p;
    *cap = n;
    return true;
}

static bool
check_budget(builder_t *b)
{
    if (b->f->status)
        return fail_alloc(b);
    if ((uint64_t)b->f->n_insns + b->n_edge_args > b->budget)
        return fail(b, SL_ELIMIT, "function too large for the top tier");
    return true;
}

/* ---- blocks and edges ------------------------------------------------------------------------ */

static uint32_t
new_block(builder_t *b)
{
    uint32_t id = ir_block_new(b->f);
    if (id == IR_NO_BLOCK) {
        fail_alloc(b);
        return IR_NO_BLOCK;
    }
    if (!grow(b, (void **)&b->bbs, &b->cap_bbs, id + 1, sizeof *b->bbs))
        return IR_NO_BLOCK;
    memset(&b->bbs[id], 0, sizeof b->bbs[id]);
    b->bbs[id].up = IR_NO_BLOCK;
    return id;
}

static void
enter(builder_t *b, uint32_t block)
{
    if (grow(b, (void **)&b->order, &b->cap_order, b->n_order + 1, sizeof *b->order))
        b->order[b->n_order++] = block;
    b->cur = block;
}

static ir_ref_t
new_param(builder_t *b, uint32_t block, ir_type_t type)
{
    ir_ref_t p = ir_block_add_param(b->f, block, type);
    if (!p || !check_budget(b) ||
        !grow(b, (void **)&b->repl, &b->cap_repl, b->f->n_insns, sizeof *b->repl))
        return IR_NOREF;
    return p;
}

/* Sets the argument of parameter `index`: parameters of a loop header can be filled out of
 * order, when filling one reads a local that needs a new one. */
static bool
set_arg(builder_t *b, edge_t *e, uint32_t index, ir_ref_t arg)
{
    if (!grow(b, (void **)&e->args, &e->cap_args, index + 1, sizeof *e->args))
        return false;
    if (index >= e->n_args) {
        b->n_edge_args += index + 1 - e->n_args;
        e->n_args = index + 1;
    }
    e->args[index] = arg;
    return check_budget(b);
}

/* An edge from the current block to `to` passing `n` values; returns its id or UINT32_MAX. */
static uint32_t
add_edge(builder_t *b, uint32_t to, uint32_t n, const ir_ref_t *args)
{
    if (!grow(b, (void **)&b->edges, &b->cap_edges, b->n_edges + 1, sizeof *b->edges))
        return UINT32_MAX;
    uint32_t id = b->n_edges++;
    edge_t *e = &b->edges[id];
    memset(e, 0, sizeof *e);
    e->from = b->cur;
    e->to = to;
    for (uint32_t i = 0; i < n; i++)
        if (!set_arg(b, &b->edges[id], i, args[i]))
            return UINT32_MAX;
    bb_t *t = &b->bbs[to];
    if (!grow(b, (void **)&t->preds, &t->cap_preds, t->n_preds + 1, sizeof *t->preds))
        return UINT32_MAX;
    t->preds[t->n_preds++] = id;
    return id;
}

/* Ends the current block with terminator `op`; its edges are the last `n_edges` recorded. */
static bool
end_block(builder_t *b, unsigned op, uint32_t n_args, const ir_ref_t *args, uint32_t n_edges)
{
    bb_t *bb = &b->bbs[b->cur];
    bb->term_op = (uint16_t)op;
    bb->first_edge = b->n_edges - n_edges;
    bb->n_edges = n_edges;
    if (n_args) {
        bb->term_args = arena_alloc_array(b->arena, n_args, sizeof *args);
        if (!bb->term_args)
            return fail_alloc(b);
        memcpy(bb->term_args, args, n_args * sizeof *args);
    }
    bb->n_term_args = n_args;
    b->cur = IR_NO_BLOCK;
    return true;
}

static bool
jump(builder_t *b, uint32_t to, uint32_t n, const ir_ref_t *args)
{
    return add_edge(b, to, n, args) != UINT32_MAX && end_block(b, IR_JUMP, 0, NULL, 1);
}

/* ---- variables (Braun et al.) ---------------------------------------------------------------- */

static ir_ref_t
resolve(builder_t *b, ir_ref_t r)
{
    while (r && r < b->cap_repl && b->repl[r])
        r = b->repl[r];
    return r;
}

static def_slot_t *
def_find(builder_t *b, uint32_t block, uint32_t var)
{
    uint64_t key = ((uint64_t)block << 32 | var) + 1;
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    uint32_t mask = b->cap_defs - 1;
    for (uint32_t i = (uint32_t)(h >> 32) & mask;; i = (i + 1) & mask)
        if (b->defs[i].key == key || b->defs[i].key == 0)
            return &b->defs[i];
}

static bool
def_write(builder_t *b, uint32_t block, uint32_t var, ir_ref_t val)
{
    if (2 * (b->n_defs + 1) > b->cap_defs) {
        def_slot_t *old = b->defs;
        uint32_t cap_old = b->cap_defs;
        uint32_t cap = cap_old ? cap_old * 2 : 1024;
        if (cap > IR_MAX_INDEX)
            return fail(b, SL_ELIMIT, "function too large for the top tier");
        b->defs = arena_alloc_array(b->arena, cap, sizeof *b->defs);
        if (!b->defs)
            return fail_alloc(b);
        b->cap_defs = cap;
        for (uint32_t i = 0; i < cap_old; i++)
            if (old[i].key)
                *def_find(b, (uint32_t)((old[i].key - 1) >> 32), (uint32_t)(old[i].key - 1)) =
                    old[i];
    }
    def_slot_t *s = def_find(b, block, var);
    if (!s->key) {
        s->key = ((uint64_t)block << 32 | var) + 1;
        b->n_defs++;
    }
    s->val = val;
    return true;
}

static bool
def_read(builder_t *b, uint32_t block, uint32_t var, ir_ref_t *out)
{
    if (!b->cap_defs)
        return false;
    def_slot_t *s = def_find(b, block, var);
    if (s->key)
        *out = resolve(b, s->val);
    return s->key != 0;
}

/* The zero (or null) of a type, one per function, in the entry block. */
static ir_ref_t
zero_of(builder_t *b, ir_type_t t)
{
    if (b->zero[t])
        return b->zero[t];
    unsigned op = t == IR_T_FUNCREF || t == IR_T_EXTERNREF ? IR_REF_NULL : IR_CONST;
    ir_ref_t r = ir_append(b->f, 0, op, t, 0, NULL);
    if (r && t == IR_T_V128)
        ir_insn_bytes(b->f, r);
    if (!r || !check_budget(b) ||
        !grow(b, (void **)&b->repl, &b->cap_repl, b->f->n_insns, sizeof *b->repl))
        return IR_NOREF;
    return b->zero[t] = r;
}

static ir_ref_t read_var(builder_t *b, uint32_t var, uint32_t block);

/* Braun's tryRemoveTrivialPhi, without revisiting users: the replacement is resolved on every
 * later read and rewritten everywhere by finish. */
static ir_ref_t
try_trivial(builder_t *b, uint32_t block, ir_ref_t param)
{
    uint32_t index = (uint32_t)ir_insn(b->f, param)->imm;
    ir_ref_t same = IR_NOREF;
    bb_t *bb = &b->bbs[block];
    for (uint32_t i = 0; i < bb->n_preds; i++) {
        ir_ref_t a = resolve(b, b->edges[bb->preds[i]].args[index]);
        if (a == same || a == param)
            continue;
        if (same)
            return param;
        same = a;
    }
    if (!same)
        return param;
    b->repl[param] = same;
    return same;
}

static ir_ref_t
add_operands(builder_t *b, uint32_t var, uint32_t block, ir_ref_t param)
{
    uint32_t index = (uint32_t)ir_insn(b->f, param)->imm;
    for (uint32_t i = 0; i < b->bbs[block].n_preds; i++) {
        uint32_t e = b->bbs[block].preds[i];
        ir_ref_t val = read_var(b, var, b->edges[e].from);
        if (!val || !set_arg(b, &b->edges[e], index, val))
            return IR_NOREF;
    }
    return try_trivial(b, block, param);
}

static ir_ref_t
read_var(builder_t *b, uint32_t var, uint32_t block)
{
    ir_ref_t r;
    uint32_t start = block;
    if (def_read(b, block, var, &r))
        return r;
    while (b->bbs[block].is_single_source) {
        block = b->bbs[block].up;
        if (def_read(b, block, var, &r))
            return def_write(b, start, var, r) ? r : IR_NOREF;
    }
    ir_type_t t = ir_type_of_valtype(b->v->locals[var]);
    bb_t *bb = &b->bbs[block];
    if (block == 0) {
        r = var < b->f->n_params ? b->f->blocks[0].params[var] : zero_of(b, t);
    } else if (!bb->is_sealed) {
        incomplete_t *inc = arena_alloc(b->arena, sizeof *inc);
        if (!inc)
            return fail_alloc(b), IR_NOREF;
        if (!(r = new_param(b, block, t)))
            return IR_NOREF;
        *inc = (incomplete_t){var, r, b->bbs[block].incomplete};
        b->bbs[block].incomplete = inc; /* the order does not matter: arguments go by index */
    } else {
        if (b->read_depth >= IR_BUILD_MAX_READ_DEPTH)
            return fail(b, SL_ELIMIT, "a local read through too many nested joins"), IR_NOREF;
        ir_ref_t p = new_param(b, block, t);
        b->read_depth++;
        r = p && def_write(b, block, var, p) ? add_operands(b, var, block, p) : IR_NOREF;
        b->read_depth--;
        if (!r)
            return IR_NOREF;
    }
    if (!r || !def_write(b, block, var, r) || (start != block && !def_write(b, start, var, r)))
        return IR_NOREF;
    return r;
}

/* All edges into `block` are known: fills its incomplete parameters and links single-source
 * blocks to the nearest block above that sets a local. */
static bool
seal(builder_t *b, uint32_t block)
{
    bb_t *bb = &b->bbs[block];
    bb->is_sealed = true;
    bool single = bb->n_preds > 0;
    for (uint32_t i = 1; single && i < bb->n_preds; i++)
        single = b->edges[bb->preds[i]].from == b->edges[bb->preds[0]].from;
    if (single) {
        uint32_t src = b->edges[bb->preds[0]].from;
        bb->is_single_source = true;
        bb->up = b->bbs[src].is_single_source && !b->bbs[src].has_sets ? b->bbs[src].up : src;
    }
    for (incomplete_t *inc = b->bbs[block].incomplete; inc; inc = inc->next)
        if (!add_operands(b, inc->var, block, inc->param))
            return false;
    b->bbs[block].incomplete = NULL;
    return !b->f->status;
}

/* ---- the operand stack and labels ------------------------------------------------------------ */

static bool
vpush(builder_t *b, ir_ref_t r)
{
    if (!grow(b, (void **)&b->vals, &b->cap_vals, b->n_vals + 1, sizeof *b->vals))
        return false;
    b->vals[b->n_vals++] = r;
    return true;
}

static ir_ref_t
vpop(builder_t *b)
{
    return b->n_vals ? b->vals[--b->n_vals] : IR_NOREF;
}

static ir_ref_t *
vtop(builder_t *b, uint32_t n)
{
    /* vals is NULL while nothing was ever pushed, and NULL + 0 is undefined too. */
    return n ? b->vals + b->n_vals - n : b->vals;
}

/* A new block with one parameter per type, the values of a label. */
static uint32_t
label_block(builder_t *b, uint32_t n, const sl_valtype_t *types)
{
    uint32_t block = new_block(b);
    for (uint32_t i = 0; block != IR_NO_BLOCK && i < n; i++)
        if (!new_param(b, block, ir_type_of_valtype(types[i])))
            return IR_NO_BLOCK;
    return block;
}

/* The block a branch to `depth` goes to (IR_NO_BLOCK for the function's label: a return) and
 * the number of values it takes. */
static bool
label_of(builder_t *b, uint32_t depth, uint32_t *block, uint32_t *arity)
{
    frame_t *fr = &b->frames[b->n_frames - 1 - depth];
    if (fr == b->frames) {
        *block = IR_NO_BLOCK;
        *arity = fr->n_out;
        return true;
    }
    if (fr->kind == FRAME_LOOP) {
        *block = fr->join;
        *arity = fr->n_in;
        return true;
    }
    if (fr->join == IR_NO_BLOCK && (fr->join = label_block(b, fr->n_out, fr->out)) == IR_NO_BLOCK)
        return false;
    *block = fr->join;
    *arity = fr->n_out;
    return true;
}

/* Ends the current block with a branch to `depth`, passing the top values. */
static bool
branch(builder_t *b, uint32_t depth)
{
    uint32_t to, arity;
    if (!label_of(b, depth, &to, &arity))
        return false;
    if (to == IR_NO_BLOCK)
        return end_block(b, IR_RETURN, arity, vtop(b, arity), 0);
    return jump(b, to, arity, vtop(b, arity));
}

static ir_ref_t
emit(builder_t *b, unsigned op, ir_type_t type, uint32_t n, const ir_ref_t *args, uint64_t imm)
{
    ir_ref_t r = ir_append(b->f, b->cur, op, type, n, args);
    if (!r || !check_budget(b) ||
        !grow(b, (void **)&b->repl, &b->cap_repl, b->f->n_insns, sizeof *b->repl)) {
        fail_alloc(b);
        return IR_NOREF;
    }
    ir_insn(b->f, r)->imm = imm;
    return r;
}

/* Pops `n` operands, emits op, pushes its result if it has a type. */
static bool
emit_pop_push(builder_t *b, unsigned op, ir_type_t type, uint32_t n, uint64_t imm, uint32_t imm2)
{
    ir_ref_t r = IR_NOREF;
    if (b->cur != IR_NO_BLOCK) {
        if (!(r = emit(b, op, type, n, vtop(b, n), imm)))
            return false;
        ir_insn(b->f, r)->imm2 = imm2;
    }
    b->n_vals -= n;
    return type == IR_T_NONE || vpush(b, r);
}

/* ---- the decode loop's hooks ----------------------------------------------------------------- */

static bool
push_frame(builder_t *b, uint8_t kind, const ctrl_frame_t *cf)
{
    if (!grow(b, (void **)&b->frames, &b->cap_frames, b->n_frames + 1, sizeof *b->frames))
        return false;
    frame_t *fr = &b->frames[b->n_frames++];
    memset(fr, 0, sizeof *fr);
    fr->kind = kind;
    fr->is_dead = b->cur == IR_NO_BLOCK;
    fr->n_in = cf->n_in;
    fr->n_out = cf->n_out;
    fr->in = cf->in;
    fr->out = cf->out;
    fr->height = b->n_vals - cf->n_in;
    fr->join = fr->other = IR_NO_BLOCK;
    return true;
}

static inline bool
visit_start(builder_t *b, body_validator_t *v)
{
    b->cur = IR_NO_BLOCK;
    uint32_t entry = new_block(b);
    if (entry == IR_NO_BLOCK)
        return false;
    for (uint32_t i = 0; i < b->f->n_params; i++)
        if (!new_param(b, entry, b->f->params[i]))
            return false;
    b->bbs[entry].is_sealed = true;
    enter(b, entry);
    if (!emit(b, IR_STACK_CHECK, IR_T_NONE, 0, NULL, 0) || !emit(b, IR_POLL, IR_T_NONE, 0, NULL, 0))
        return false;
    return push_frame(b, FRAME_BLOCK, &v->ctrls[0]);
}

static inline bool
visit_simple(builder_t *b, body_validator_t *v, unsigned op, const body_imm_t *imm)
{
    const sl_sig_info_t *sig = &sl_sig_info[sl_opcode_info[op].sig];
    ir_type_t type = sig->n_results ? ir_type_of_valtype(sig->result) : IR_T_NONE;
    uint64_t bits = 0;
    switch (op) {
    case SL_OP_NOP: return true;
    case SL_OP_I32_CONST: bits = (uint32_t)imm->u.i32; break;
    case SL_OP_I64_CONST: bits = (uint64_t)imm->u.i64; break;
    case SL_OP_F32_CONST: bits = imm->u.f32_bits; break;
    case SL_OP_F64_CONST: bits = imm->u.f64_bits; break;
    case SL_OP_V128_CONST: break;
    default: {
        unsigned irop = wasm_to_ir[op];
        SL_ASSERT(irop != IR_PARAM);
        uint64_t i1 = 0;
        uint32_t i2 = 0;
        switch (ir_op_imm(irop)) {
        case IR_IMM_MEM: i1 = imm->offset; break;
        case IR_IMM_MEM_LANE: i1 = imm->offset, i2 = imm->lane; break;
        case IR_IMM_LANE: i1 = imm->lane; break;
        case IR_IMM_INDEX: i1 = imm->index; break;
        default: break;
        }
        if (!emit_pop_push(b, irop, type, sig->n_params, i1, i2))
            return false;
        if (ir_op_imm(irop) == IR_IMM_SHUFFLE && b->cur != IR_NO_BLOCK) {
            uint8_t *p = ir_insn_bytes(b->f, b->vals[b->n_vals - 1]);
            if (!p)
                return fail_alloc(b);
            memcpy(p, imm->bytes, 16);
        }
        return true;
    }
    }
    if (!emit_pop_push(b, IR_CONST, type, 0, bits, 0))
        return false;
    if (op == SL_OP_V128_CONST && b->cur != IR_NO_BLOCK) {
        uint8_t *p = ir_insn_bytes(b->f, b->vals[b->n_vals - 1]);
        if (!p)
            return fail_alloc(b);
        memcpy(p, imm->bytes, 16);
    }
    return true;
}

static inline bool
visit_unreachable(builder_t *b, body_validator_t *v)
{
    if (b->cur == IR_NO_BLOCK)
        return true;
    b->bbs[b->cur].trap = SL_TRAP_UNREACHABLE;
    return end_block(b, IR_TRAP, 0, NULL, 0);
}

static inline bool
visit_drop(builder_t *b, body_validator_t *v, sl_valtype_t t)
{
    vpop(b);
    return true;
}

static inline bool
visit_select(builder_t *b, body_validator_t *v, sl_valtype_t t)
{
    return emit_pop_push(b, IR_SELECT, ir_type_of_valtype(t), 3, 0, 0);
}

static inline bool
visit_block(builder_t *b, body_validator_t *v, const ctrl_frame_t *cf)
{
    return push_frame(b, FRAME_BLOCK, cf);
}

static inline bool
visit_loop(builder_t *b, body_validator_t *v, const ctrl_frame_t *cf)
{
    if (!push_frame(b, FRAME_LOOP, cf))
        return false;
    frame_t *fr = &b->frames[b->n_frames - 1];
    if (fr->is_dead)
        return true;
    uint32_t header = label_block(b, fr->n_in, fr->in);
    if (header == IR_NO_BLOCK || !jump(b, header, fr->n_in, vtop(b, fr->n_in)))
        return false;
    fr = &b->frames[b->n_frames - 1];
    fr->join = header;
    enter(b, header);
    b->n_vals = fr->height;
    for (uint32_t i = 0; i < fr->n_in; i++)
        if (!vpush(b, b->f->blocks[header].params[i]))
            return false;
    /* the interrupt / tier-up check of every back-edge */
    return emit(b, IR_POLL, IR_T_NONE, 0, NULL, 0) != IR_NOREF;
}

static inline bool
visit_if(builder_t *b, body_validator_t *v, const ctrl_frame_t *cf)
{
    ir_ref_t cond = vpop(b);
    if (!push_frame(b, FRAME_IF, cf))
        return false;
    frame_t *fr = &b->frames[b->n_frames - 1];
    if (fr->is_dead)
        return true;
    if (fr->n_in) {
        fr->if_params = arena_alloc_array(b->arena, fr->n_in, sizeof *fr->if_params);
        if (!fr->if_params)
            return fail_alloc(b);
        memcpy(fr->if_params, vtop(b, fr->n_in), fr->n_in * sizeof *fr->if_params);
    }
    uint32_t then = new_block(b), other = new_block(b);
    if (then == IR_NO_BLOCK || other == IR_NO_BLOCK || add_edge(b, then, 0, NULL) == UINT32_MAX ||
        add_edge(b, other, 0, NULL) == UINT32_MAX || !end_block(b, IR_BR_IF, 1, &cond, 2) ||
        !seal(b, then) || !seal(b, other))
        return false;
    b->frames[b->n_frames - 1].other = other;
    enter(b, then);
    return true;
}

/* The end of an arm that falls through: a branch to the frame's join with its results. */
static bool
fall_through(builder_t *b)
{
    return b->cur == IR_NO_BLOCK || branch(b, 0);
}

static bool
reset_stack(builder_t *b, uint32_t height, uint32_t n, const ir_ref_t *vals)
{
    b->n_vals = height;
    for (uint32_t i = 0; i < n; i++)
        if (!vpush(b, vals ? vals[i] : IR_NOREF))
            return false;
    return true;
}

static inline bool
visit_else(builder_t *b, body_validator_t *v, const ctrl_frame_t *cf)
{
    frame_t *fr = &b->frames[b->n_frames - 1];
    fr->kind = FRAME_ELSE;
    if (fr->is_dead)
        return reset_stack(b, fr->height, fr->n_in, NULL);
    if (!fall_through(b))
        return false;
    fr = &b->frames[b->n_frames - 1];
    enter(b, fr->other);
    return reset_stack(b, fr->height, fr->n_in, fr->if_params);
}

static inline bool
visit_end(builder_t *b, body_validator_t *v, const ctrl_frame_t *cf)
{
    frame_t *fr = &b->frames[b->n_frames - 1];
    if (fr->kind == FRAME_IF && !fr->is_dead) { /* the missing else passes the parameters on */
        if (!visit_else(b, v, cf))
            return false;
        fr = &b->frames[b->n_frames - 1];
    }
    if (b->n_frames == 1) { /* the function's end */
        b->n_frames = 0;
        return b->cur == IR_NO_BLOCK || end_block(b, IR_RETURN, fr->n_out, vtop(b, fr->n_out), 0);
    }
    if (fr->kind == FRAME_LOOP && !fr->is_dead && !seal(b, fr->join))
        return false;
    fr = &b->frames[b->n_frames - 1];
    bool has_join = fr->kind != FRAME_LOOP && fr->join != IR_NO_BLOCK;
    if (fr->is_dead || (!has_join && b->cur == IR_NO_BLOCK)) {
        b->n_frames--;
        b->cur = IR_NO_BLOCK;
        return reset_stack(b, fr->height, fr->n_out, NULL);
    }
    if (!has_join) { /* nothing branched here: the code goes on in the same block */
        if (fr->n_out) /* vals is NULL while nothing was ever pushed */
            memmove(b->vals + fr->height, vtop(b, fr->n_out), fr->n_out * sizeof *b->vals);
        b->n_vals = fr->height + fr->n_out;
        b->n_frames--;
        return true;
    }
    if (!fall_through(b))
        return false;
    fr = &b->frames[b->n_frames - 1];
    uint32_t join = fr->join, height = fr->height, n_out = fr->n_out;
    b->n_frames--;
    if (!seal(b, join))
        return false;
    enter(b, join);
    return reset_stack(b, height, n_out, b->f->blocks[join].params);
}

static inline bool
visit_br(builder_t *b, body_validator_t *v, uint32_t depth)
{
    return b->cur == IR_NO_BLOCK || branch(b, depth);
}

static inline bool
visit_br_if(builder_t *b, body_validator_t *v, uint32_t depth)
{
    ir_ref_t cond = vpop(b);
    if (b->cur == IR_NO_BLOCK)
        return true;
    uint32_t to, arity;
    if (!label_of(b, depth, &to, &arity))
        return false;
    uint32_t ret = IR_NO_BLOCK, next = new_block(b);
    if (next == IR_NO_BLOCK)
        return false;
    if (to == IR_NO_BLOCK) { /* a conditional return: through a block of its own */
        if ((ret = new_block(b)) == IR_NO_BLOCK || add_edge(b, ret, 0, NULL) == UINT32_MAX)
            return false;
    } else if (add_edge(b, to, arity, vtop(b, arity)) == UINT32_MAX) {
        return false;
    }
    if (add_edge(b, next, 0, NULL) == UINT32_MAX || !end_block(b, IR_BR_IF, 1, &cond, 2))
        return false;
    if (ret != IR_NO_BLOCK) {
        if (!seal(b, ret))
            return false;
        enter(b, ret);
        if (!end_block(b, IR_RETURN, arity, vtop(b, arity), 0))
            return false;
    }
    if (!seal(b, next))
        return false;
    enter(b, next);
    return true;
}

static inline bool
visit_br_table(builder_t *b, body_validator_t *v, uint32_t n_targets, const uint8_t *targets)
{
    ir_ref_t index = vpop(b);
    if (b->cur == IR_NO_BLOCK)
        return true;
    uint32_t stamp = ++b->stamp, first_stub = b->f->n_blocks, end_stub;
    const uint8_t *p = targets;
    for (uint32_t i = 0; i <= n_targets; i++) {
        uint32_t depth = 0;
        p += leb128_read_u32(p, b->v->r.end, &depth); /* validated already */
        frame_t *fr = &b->frames[b->n_frames - 1 - depth];
        if (fr->stub_stamp != stamp) {
            fr->stub_stamp = stamp;
            if ((fr->stub = new_block(b)) == IR_NO_BLOCK)
                return false;
            b->bbs[fr->stub].up = depth; /* until sealed: which label the stub goes to */
        }
        if (add_edge(b, b->frames[b->n_frames - 1 - depth].stub, 0, NULL) == UINT32_MAX)
            return false;
    }
    if (!end_block(b, IR_BR_TABLE, 1, &index, n_targets + 1))
        return false;
    end_stub = b->f->n_blocks; /* branching from the stubs may open joins */
    for (uint32_t s = first_stub; s < end_stub; s++) {
        uint32_t depth = b->bbs[s].up;
        if (!seal(b, s))
            return false;
        enter(b, s);
        if (!branch(b, depth))
            return false;
    }
    return true;
}

static inline bool
visit_return(builder_t *b, body_validator_t *v)
{
    return b->cur == IR_NO_BLOCK || branch(b, b->n_frames - 1);
}

/* Pushes the results of a call: none, one, or projections of its tuple. */
static bool
call(builder_t *b, unsigned op, const sl_functype_t *ft, uint32_t n_args, uint64_t imm,
     uint32_t imm2)
{
    ir_type_t type = ft->n_results == 0   ? IR_T_NONE
                     : ft->n_results == 1 ? ir_type_of_valtype(ft->results[0])
                                          : IR_T_TUPLE;
    if (!emit_pop_push(b, op, type, n_args, imm, imm2))
        return false;
    if (type != IR_T_TUPLE)
        return true;
    ir_ref_t tuple = vpop(b);
    for (uint32_t i = 0; i < ft->n_results; i++) {
        ir_ref_t r = IR_NOREF;
        if (b->cur != IR_NO_BLOCK && !(r = emit(b, IR_PROJ, ir_type_of_valtype(ft->results[i]), 1, &tuple, i)))
            return false;
        if (!vpush(b, r))
            return false;
    }
    return true;
}

static inline bool
visit_call(builder_t *b, body_validator_t *v, uint32_t func)
{
    const sl_functype_t *ft = module_func_type(b->m, func);
    /* as the baseline tells them apart: imports come first in the function index space */
    unsigned op = func < b->m->n_imported_funcs ? IR_CALL_IMPORT : IR_CALL;
    return call(b, op, ft, ft->n_params, func, 0);
}

static inline bool
visit_call_indirect(builder_t *b, body_validator_t *v, uint32_t type_index, uint32_t table)
{
    const sl_functype_t *ft = &b->m->types[type_index];
    return call(b, IR_CALL_INDIRECT, ft, ft->n_params + 1, type_index, table);
}

static inline bool
visit_local(builder_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    if (op == SL_OP_LOCAL_GET) {
        ir_ref_t r = b->cur == IR_NO_BLOCK ? IR_NOREF : read_var(b, index, b->cur);
        return (b->cur == IR_NO_BLOCK || r) && vpush(b, r);
    }
    ir_ref_t val = op == SL_OP_LOCAL_TEE ? b->vals[b->n_vals - 1] : vpop(b);
    if (b->cur == IR_NO_BLOCK)
        return true;
    b->bbs[b->cur].has_sets = true;
    return def_write(b, b->cur, index, val);
}

static inline bool
visit_global(builder_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    if (op == SL_OP_GLOBAL_GET)
        return emit_pop_push(b, IR_GLOBAL_GET, ir_type_of_valtype(b->m->globals[index].type), 0, index, 0);
    return emit_pop_push(b, IR_GLOBAL_SET, IR_T_NONE, 1, index, 0);
}

static inline bool
visit_table(builder_t *b, body_validator_t *v, unsigned op, uint32_t x, uint32_t y)
{
    switch (op) {
    case SL_OP_TABLE_GET:
        return emit_pop_push(b, IR_TABLE_GET, ir_type_of_valtype(b->m->tables[x].elem_type), 1, x, 0);
    case SL_OP_TABLE_SET: return emit_pop_push(b, IR_TABLE_SET, IR_T_NONE, 2, x, 0);
    case SL_OP_TABLE_SIZE: return emit_pop_push(b, IR_TABLE_SIZE, IR_T_I32, 0, x, 0);
    case SL_OP_TABLE_GROW: return emit_pop_push(b, IR_TABLE_GROW, IR_T_I32, 2, x, 0);
    case SL_OP_TABLE_FILL: return emit_pop_push(b, IR_TABLE_FILL, IR_T_NONE, 3, x, 0);
    case SL_OP_TABLE_INIT: return emit_pop_push(b, IR_TABLE_INIT, IR_T_NONE, 3, x, y);
    case SL_OP_TABLE_COPY: return emit_pop_push(b, IR_TABLE_COPY, IR_T_NONE, 3, x, y);
    case SL_OP_ELEM_DROP: return emit_pop_push(b, IR_ELEM_DROP, IR_T_NONE, 0, x, 0);
    case SL_OP_DATA_DROP: return emit_pop_push(b, IR_DATA_DROP, IR_T_NONE, 0, x, 0);
    default: SL_UNREACHABLE();
    }
    return false;
}

static inline bool
visit_ref(builder_t *b, body_validator_t *v, unsigned op, uint32_t arg)
{
    switch (op) {
    case SL_OP_REF_NULL: return emit_pop_push(b, IR_REF_NULL, ir_type_of_valtype((sl_valtype_t)arg), 0, 0, 0);
    case SL_OP_REF_IS_NULL: return emit_pop_push(b, IR_REF_IS_NULL, IR_T_I32, 1, 0, 0);
    default: return emit_pop_push(b, IR_REF_FUNC, IR_T_FUNCREF, 0, arg, 0);
    }
}

#define BODY_VISITOR_T builder_t
#define BODY_DECODE_FN build_body
#define BODY_DECODE_SIMPLE build_simple
#define BODY_DECODE_OP build_op
#include "body_decode_loop.h"

/* ---- the end: terminators, trivial parameters, layout ---------------------------------------- */

static int
finish(builder_t *b)
{
    ir_func_t *f = b->f;
    uint32_t n_blocks = f->n_blocks;
    /* new positions of each block's kept parameters, for the edges into it */
    uint32_t **keep = arena_alloc_array(b->arena, n_blocks, sizeof *keep);
    if (!keep)
        return fail_alloc(b), f->status;
    for (uint32_t id = 0; id < n_blocks; id++) {
        ir_block_t *blk = ir_block(f, id);
        keep[id] = arena_alloc_array(b->arena, blk->n_params ? blk->n_params : 1, sizeof **keep);
        if (!keep[id])
            return fail_alloc(b), f->status;
        uint32_t n = 0;
        for (uint32_t i = 0; i < blk->n_params; i++) {
            ir_ref_t p = blk->params[i];
            bool is_trivial = b->repl[p] != IR_NOREF;
            keep[id][i] = is_trivial ? UINT32_MAX : n;
            if (!is_trivial) {
                ir_insn(f, p)->imm = n;
                blk->params[n++] = p;
            } else {
                ir_insn(f, p)->block = IR_NO_BLOCK;
            }
        }
        blk->n_params = n;
    }
    for (uint32_t i = 0; i < b->n_order; i++) {
        uint32_t id = b->order[i];
        bb_t *bb = &b->bbs[id];
        ir_succ_t *succs = arena_alloc_array(b->arena, bb->n_edges ? bb->n_edges : 1, sizeof *succs);
        if (!succs)
            return fail_alloc(b), f->status;
        for (uint32_t k = 0; k < bb->n_edges; k++) {
            edge_t *e = &b->edges[bb->first_edge + k];
            uint32_t n = 0;
            for (uint32_t a = 0; a < e->n_args; a++)
                if (keep[e->to][a] != UINT32_MAX)
                    e->args[n++] = e->args[a];
            succs[k] = (ir_succ_t){.block = e->to, .n_args = n, .args = e->args};
        }
        ir_ref_t t = ir_set_terminator(f, id, bb->term_op, bb->n_term_args, bb->term_args,
                                       bb->n_edges, succs);
        if (!t)
            return fail_alloc(b), f->status;
        ir_insn(f, t)->imm = bb->trap;
    }
    ir_set_layout(f, b->order, b->n_order);
    if (!grow(b, (void **)&b->repl, &b->cap_repl, f->n_insns, sizeof *b->repl)) /* terminators */
        return f->status;
    ir_replace_uses(f, b->repl);
    return f->status;
}

uint64_t
ir_edge_args(const ir_func_t *f)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < f->n_layout; i++) {
        ir_ref_t t = ir_block_terminator(f, f->layout[i]);
        const ir_insn_t *insn = t ? ir_insn(f, t) : NULL;
        for (uint32_t k = 0; insn && k < insn->n_succs; k++)
            n += insn->ext.succs[k].n_args;
    }
    return n;
}

int
ir_build(body_validator_t *v, arena_t *arena, const sl_module_t *m, uint32_t func_index,
         ir_func_t **out, sl_error_t *err)
{
    *out = NULL;
    const module_func_t *mf = &m->funcs[func_index];
    const sl_functype_t *ft = module_func_type(m, func_index);
    uint8_t *params = arena_alloc(arena, (size_t)ft->n_params + ft->n_results + 1);
    if (!params) {
        err->code = arena->last_error ? arena->last_error : SL_ENOMEM;
        return err->code;
    }
    uint8_t *results = params + ft->n_params;
    for (uint32_t i = 0; i < ft->n_params; i++)
        params[i] = (uint8_t)ir_type_of_valtype(ft->params[i]);
    for (uint32_t i = 0; i < ft->n_results; i++)
        results[i] = (uint8_t)ir_type_of_valtype(ft->results[i]);
    char name[16];
    snprintf(name, sizeof name, "f%u", func_index);
    builder_t b = {.arena = arena, .v = v, .m = m, .cur = IR_NO_BLOCK};
    b.budget = (uint64_t)mf->body_size * IR_BUILD_UNITS_PER_BYTE + IR_BUILD_UNITS_BASE;
    int rc = ir_func_new(arena, name, ft->n_params, params, ft->n_results, results, &b.f);
    if (rc) {
        err->code = rc;
        return rc;
    }
    rc = build_body(v, &b, m, func_index, mf->body_offset, mf->body_size, err);
    if (!rc)
        rc = finish(&b);
    if (rc) {
        if (!err->code) {
            err->code = rc;
            err->func_index = func_index;
        }
        return rc;
    }
    *out = b.f;
    return 0;
}
