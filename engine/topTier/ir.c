/* The op table as data, and the builders of ir.h. Arrays grow by doubling inside the function's
 * arena (the old copy is left there: at most as much again), so building is linear. */
#include "ir.h"

#include <string.h>

#include "opcodes.h"

typedef struct op_row {
    const char *mnemonic; /* NULL for wasm rows */
    const char *operands;
    int8_t n_operands, n_succs;
    uint8_t result, imm;
    uint16_t flags;
    int16_t wasm; /* enum sl_opcode, or -1 */
} op_row_t;

enum {
    VAR = IR_VARIADIC,
    RES_NONE = IR_T_NONE,
    RES_I32 = IR_T_I32,
    RES_I64 = IR_T_I64,
    RES_FUNCREF = IR_T_FUNCREF,
    RES_OWN = IR_RES_OWN,
    RES_SAME = IR_RES_SAME,
};

static const op_row_t op_rows[IR_N_OPS] = {
#define IROP(id, mnemonic, n_operands, operands, result, imm, n_succs, flags)                      \
    [IR_##id] = {mnemonic, operands, n_operands, n_succs, RES_##result, IR_IMM_##imm, flags, -1},
#define IRW(id, imm, flags) [IR_##id] = {NULL, NULL, 0, 0, 0, IR_IMM_##imm, flags, SL_OP_##id},
#include "ir_ops.def"
#undef IROP
#undef IRW
};

static const char *const type_names[IR_N_TYPES] = {
    "none", "i32", "i64", "f32", "f64", "v128", "funcref", "externref", "tuple",
};

const char *
ir_type_name(ir_type_t t)
{
    return (unsigned)t < IR_N_TYPES ? type_names[t] : "?";
}

ir_type_t
ir_type_of_valtype(uint8_t t)
{
    switch (t) {
    case SL_TYPE_I32: return IR_T_I32;
    case SL_TYPE_I64: return IR_T_I64;
    case SL_TYPE_F32: return IR_T_F32;
    case SL_TYPE_F64: return IR_T_F64;
    case SL_TYPE_V128: return IR_T_V128;
    case SL_TYPE_FUNCREF: return IR_T_FUNCREF;
    case SL_TYPE_EXTERNREF: return IR_T_EXTERNREF;
    default: return IR_T_NONE;
    }
}

static const sl_sig_info_t *
wasm_sig(unsigned op)
{
    return &sl_sig_info[sl_opcode_info[op_rows[op].wasm].sig];
}

const char *
ir_op_name(unsigned op)
{
    if (op >= IR_N_OPS)
        return "?";
    return op_rows[op].wasm >= 0 ? sl_opcode_info[op_rows[op].wasm].text : op_rows[op].mnemonic;
}

int
ir_op_n_operands(unsigned op)
{
    return op_rows[op].wasm >= 0 ? wasm_sig(op)->n_params : op_rows[op].n_operands;
}

unsigned
ir_op_operand(unsigned op, uint32_t i)
{
    if (op_rows[op].wasm >= 0) {
        const sl_sig_info_t *sig = wasm_sig(op);
        return i < sig->n_params ? ir_type_of_valtype(sig->params[i]) : IR_T_NONE;
    }
    const char *s = op_rows[op].operands;
    size_t len = strlen(s);
    if (len == 0)
        return IR_T_NONE;
    switch (s[i < len ? i : len - 1]) {
    case 'i': return IR_T_I32;
    case 'I': return IR_T_I64;
    case 'f': return IR_T_F32;
    case 'F': return IR_T_F64;
    case 'V': return IR_T_V128;
    case 't': return IR_T_TUPLE;
    case 'r': return IR_OPND_REF;
    case '=': return IR_OPND_RESULT;
    default: return IR_OPND_ANY;
    }
}

unsigned
ir_op_result(unsigned op)
{
    if (op_rows[op].wasm >= 0) {
        const sl_sig_info_t *sig = wasm_sig(op);
        return sig->n_results ? ir_type_of_valtype(sig->result) : IR_T_NONE;
    }
    return op_rows[op].result;
}

enum ir_imm
ir_op_imm(unsigned op)
{
    return (enum ir_imm)op_rows[op].imm;
}

int
ir_op_n_succs(unsigned op)
{
    return op_rows[op].n_succs;
}

unsigned
ir_op_flags(unsigned op)
{
    return op_rows[op].flags;
}

int
ir_op_wasm(unsigned op)
{
    return op_rows[op].wasm;
}

/* ---- arrays in the arena ------------------------------------------------------------------- */

static bool
fail(ir_func_t *f)
{
    if (!f->status)
        f->status = f->arena->last_error ? f->arena->last_error : SL_ENOMEM;
    return false;
}

/* Grows *array (elements of `size` bytes, *cap of them) to hold at least `need`. */
static bool
grow(ir_func_t *f, void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    if (f->status)
        return false;
    if (need > IR_MAX_INDEX) {
        f->status = SL_ELIMIT;
        return false;
    }
    uint32_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *p = arena_alloc_array(f->arena, n, size);
    if (!p)
        return fail(f);
    if (*cap)
        memcpy(p, *array, (size_t)*cap * size);
    *array = p;
    *cap = n;
    return true;
}

static ir_ref_t *
copy_refs(ir_func_t *f, uint32_t n, const ir_ref_t *refs)
{
    ir_ref_t *p = arena_alloc_array(f->arena, n, sizeof *p);
    if (!p) {
        fail(f);
        return NULL;
    }
    if (n)
        memcpy(p, refs, n * sizeof *p);
    return p;
}

int
ir_func_new(arena_t *arena, const char *name, uint32_t n_params, const uint8_t *params,
            uint32_t n_results, const uint8_t *results, ir_func_t **out)
{
    *out = NULL;
    ir_func_t *f = arena_alloc(arena, sizeof *f);
    size_t name_len = strlen(name);
    char *name_copy = f ? arena_alloc(arena, name_len + 1) : NULL;
    uint8_t *types = name_copy ? arena_alloc(arena, (size_t)n_params + n_results) : NULL;
    if (!types)
        return arena->last_error;
    memcpy(name_copy, name, name_len + 1);
    if (n_params)
        memcpy(types, params, n_params);
    if (n_results)
        memcpy(types + n_params, results, n_results);
    f->arena = arena;
    f->name = name_copy;
    f->n_params = n_params;
    f->n_results = n_results;
    f->params = types;
    f->results = types + n_params;
    /* Slot 0 is IR_NOREF: reads through it are harmless. */
    if (!grow(f, (void **)&f->insns, &f->cap_insns, 1, sizeof *f->insns))
        return f->status;
    f->insns[0].block = IR_NO_BLOCK;
    f->n_insns = 1;
    *out = f;
    return 0;
}

void
ir_reserve(ir_func_t *f, uint32_t n_insns, uint32_t n_blocks)
{
    if (!grow(f, (void **)&f->insns, &f->cap_insns, n_insns, sizeof *f->insns) ||
        !grow(f, (void **)&f->blocks, &f->cap_blocks, n_blocks, sizeof *f->blocks))
        return;
    for (uint32_t i = f->n_insns; i < n_insns; i++)
        f->insns[i].block = IR_NO_BLOCK;
    if (n_insns > f->n_insns)
        f->n_insns = n_insns;
    if (n_blocks > f->n_blocks)
        f->n_blocks = n_blocks;
}

void
ir_block_place(ir_func_t *f, uint32_t block)
{
    if (f->status || block >= f->n_blocks ||
        !grow(f, (void **)&f->layout, &f->cap_layout, f->n_layout + 1, sizeof *f->layout))
        return;
    f->layout[f->n_layout++] = block;
    f->blocks[block].is_placed = true;
}

uint32_t
ir_block_new(ir_func_t *f)
{
    uint32_t id = f->n_blocks;
    ir_reserve(f, f->n_insns, id + 1);
    ir_block_place(f, id);
    return f->status ? IR_NO_BLOCK : id;
}

static void
link_last(ir_func_t *f, uint32_t block, ir_ref_t ref)
{
    ir_block_t *b = &f->blocks[block];
    ir_insn_t *insn = &f->insns[ref];
    insn->block = block;
    insn->prev = b->last;
    insn->next = IR_NOREF;
    if (b->last)
        f->insns[b->last].next = ref;
    else
        b->first = ref;
    b->last = ref;
}

/* Fills free slot `ref` without placing it in a block's list. */
static bool
define(ir_func_t *f, ir_ref_t ref, uint32_t block, unsigned op, ir_type_t type, uint32_t n_args,
       const ir_ref_t *args)
{
    if (f->status || ref == IR_NOREF || ref >= f->n_insns || block >= f->n_blocks)
        return false;
    ir_insn_t *insn = &f->insns[ref];
    memset(insn, 0, sizeof *insn);
    insn->op = (uint16_t)op;
    insn->type = (uint8_t)type;
    insn->block = block;
    ir_set_args(f, ref, n_args, args);
    return !f->status;
}

ir_ref_t
ir_append_at(ir_func_t *f, ir_ref_t ref, uint32_t block, unsigned op, ir_type_t type,
             uint32_t n_args, const ir_ref_t *args)
{
    if (!define(f, ref, block, op, type, n_args, args))
        return IR_NOREF;
    link_last(f, block, ref);
    return ref;
}

static ir_ref_t
new_slot(ir_func_t *f)
{
    uint32_t ref = f->n_insns;
    ir_reserve(f, ref + 1, f->n_blocks);
    return f->status ? IR_NOREF : ref;
}

ir_ref_t
ir_append(ir_func_t *f, uint32_t block, unsigned op, ir_type_t type, uint32_t n_args,
          const ir_ref_t *args)
{
    return ir_append_at(f, new_slot(f), block, op, type, n_args, args);
}

ir_ref_t
ir_append_const(ir_func_t *f, uint32_t block, ir_type_t type, uint64_t bits)
{
    ir_ref_t ref = ir_append(f, block, IR_CONST, type, 0, NULL);
    if (ref)
        f->insns[ref].imm = bits;
    return ref;
}

ir_ref_t
ir_block_add_param_at(ir_func_t *f, ir_ref_t ref, uint32_t block, ir_type_t type)
{
    if (block >= f->n_blocks)
        return IR_NOREF;
    ir_block_t *b = &f->blocks[block];
    if (!grow(f, (void **)&b->params, &b->cap_params, b->n_params + 1, sizeof *b->params) ||
        !define(f, ref, block, IR_PARAM, type, 0, NULL))
        return IR_NOREF;
    f->insns[ref].imm = b->n_params;
    b->params[b->n_params++] = ref;
    return ref;
}

ir_ref_t
ir_block_add_param(ir_func_t *f, uint32_t block, ir_type_t type)
{
    return ir_block_add_param_at(f, new_slot(f), block, type);
}

ir_ref_t
ir_set_terminator(ir_func_t *f, uint32_t block, unsigned op, uint32_t n_args,
                  const ir_ref_t *args, uint32_t n_succs, const ir_succ_t *succs)
{
    ir_ref_t ref = ir_append(f, block, op, IR_T_NONE, n_args, args);
    ir_succ_t *copy = ref ? arena_alloc_array(f->arena, n_succs, sizeof *copy) : NULL;
    if (!copy) {
        fail(f);
        return IR_NOREF;
    }
    for (uint32_t i = 0; i < n_succs; i++) {
        copy[i].block = succs[i].block;
        copy[i].n_args = succs[i].n_args;
        copy[i].args = copy_refs(f, succs[i].n_args, succs[i].args);
    }
    f->insns[ref].ext.succs = copy;
    f->insns[ref].n_succs = n_succs;
    return f->status ? IR_NOREF : ref;
}

void
ir_set_args(ir_func_t *f, ir_ref_t ref, uint32_t n_args, const ir_ref_t *args)
{
    ir_insn_t *insn = &f->insns[ref];
    if (n_args <= 3) {
        /* args may point into insn->args itself. */
        ir_ref_t tmp[3] = {0};
        if (n_args)
            memcpy(tmp, args, n_args * sizeof *tmp);
        memcpy(insn->args.in, tmp, sizeof tmp);
    } else {
        ir_ref_t *p = copy_refs(f, n_args, args);
        if (!p)
            return;
        insn->args.out = p;
    }
    insn->n_args = n_args;
}

uint8_t *
ir_insn_bytes(ir_func_t *f, ir_ref_t ref)
{
    uint8_t *p = arena_alloc(f->arena, 16);
    if (!p) {
        fail(f);
        return NULL;
    }
    f->insns[ref].ext.bytes = p;
    return p;
}

void
ir_remove(ir_func_t *f, ir_ref_t ref)
{
    ir_insn_t *insn = &f->insns[ref];
    if (insn->block == IR_NO_BLOCK)
        return;
    ir_block_t *b = &f->blocks[insn->block];
    if (insn->prev)
        f->insns[insn->prev].next = insn->next;
    else
        b->first = insn->next;
    if (insn->next)
        f->insns[insn->next].prev = insn->prev;
    else
        b->last = insn->prev;
    insn->block = IR_NO_BLOCK;
    insn->prev = insn->next = IR_NOREF;
}

/* Path compression keeps a whole rewrite linear. A cycle (a bug in the caller) stops at the
 * entry it closes on. */
ir_ref_t
ir_map_find(ir_ref_t *map, uint32_t n, ir_ref_t r)
{
    ir_ref_t end = r;
    uint32_t steps = 0;
    while (end < n && map[end] && steps++ < n)
        end = map[end];
    while (r < n && map[r] && map[r] != end) {
        ir_ref_t next = map[r];
        map[r] = end;
        r = next;
    }
    return end;
}

void
ir_replace_uses(ir_func_t *f, ir_ref_t *map)
{
    for (uint32_t r = 1; r < f->n_insns; r++) {
        ir_insn_t *insn = &f->insns[r];
        if (insn->block == IR_NO_BLOCK)
            continue;
        ir_ref_t *args = ir_args(insn);
        for (uint32_t i = 0; i < insn->n_args; i++)
            args[i] = ir_map_find(map, f->n_insns, args[i]);
        if (ir_op_flags(insn->op) & IRF_TERM)
            for (uint32_t s = 0; s < insn->n_succs; s++)
                for (uint32_t i = 0; i < insn->ext.succs[s].n_args; i++)
                    insn->ext.succs[s].args[i] =
                        ir_map_find(map, f->n_insns, insn->ext.succs[s].args[i]);
    }
}

void
ir_set_layout(ir_func_t *f, const uint32_t *blocks, uint32_t n)
{
    for (uint32_t i = 0; i < f->n_layout; i++)
        f->blocks[f->layout[i]].is_placed = false;
    for (uint32_t i = 0; i < n; i++) {
        f->layout[i] = blocks[i];
        f->blocks[blocks[i]].is_placed = true;
    }
    f->n_layout = n;
}

ir_ref_t
ir_block_terminator(const ir_func_t *f, uint32_t block)
{
    ir_ref_t last = f->blocks[block].last;
    return last && (ir_op_flags(f->insns[last].op) & IRF_TERM) ? last : IR_NOREF;
}

bool
ir_is_const(const ir_func_t *f, ir_ref_t ref, uint64_t *bits)
{
    if (!ir_is_defined(f, ref) || f->insns[ref].op != IR_CONST || f->insns[ref].type == IR_T_V128)
        return false;
    *bits = f->insns[ref].imm;
    return true;
}
