/* Instruction selection of calls, memory accesses, variables and the runtime's builtins
 * (isel_impl.h).
 *
 * Calls between wasm functions keep the baseline's convention (vmctx.h): arguments in the area
 * at rsp, 8 bytes a value (16 for v128); one result in rax or xmm0, several in the same area.
 * An import or a table entry is an sl_func_t called in its own instance (CALL_REF, CALL_INDIRECT
 * restore r14 and r15 afterwards); its i32 result may have a dirty upper half. Builtins are C
 * (SysV): the vmctx in rdi, then immediates, then operands. */
#include "isel_impl.h"

#include <string.h>

#include "error.h"
#include "invariants.h"
#include "memory.h"
#include "vmctx.h"
#include "x64_abi.h"

static ir_ref_t
arg(const isel_t *s, ir_ref_t r, unsigned k)
{
    return ir_args(ir_insn(s->f, r))[k];
}

static unsigned
slot_size(ir_type_t t)
{
    return t == IR_T_V128 ? 16 : 8;
}

/* Reads value r into physical register `to`, for a builtin's argument. */
static bool
move_to_phys(isel_t *s, mreg_t to, ir_ref_t r)
{
    return isel_move_in(s, to, r, 8);
}

/* A builtin's result in rax as the IR value r: an int32_t's upper half is undefined (SysV). */
static bool
take_result(isel_t *s, ir_ref_t r, bool is_i32)
{
    minsn_t *i = isel_emit(s, MI_MOV, is_i32 ? 4 : 8);
    if (!i)
        return false;
    i->n_opnds = 2;
    i->o[0] = mop_reg(isel_reg(s, r));
    i->o[1] = mop_reg(X64_RAX);
    if (is_i32)
        i->flags |= MIF_FOREIGN;
    return true;
}

/* Calls builtin `which` with the vmctx, `n_imms` immediates, then the first `n_args` operands
 * of r; a result (a pointer, or an int32_t when is_i32) becomes r's value. */
static bool
builtin(isel_t *s, ir_ref_t r, unsigned which, const int64_t *imms, unsigned n_imms,
        unsigned n_args, bool has_result, bool is_i32)
{
    SL_ASSERT(1 + n_imms + n_args <= X64_ABI_N_INT_ARGS);
    x64_regset_t uses = X64_REGSET(X64_RDI);
    if (!isel_emit2(s, MI_MOV, 8, mop_reg(X64_RDI), mop_reg(X64_R14)))
        return false;
    for (unsigned k = 0; k < n_imms; k++) {
        x64_reg_t to = x64_abi_int_arg(1 + k);
        uses |= X64_REGSET(to);
        if (!isel_emit2(s, MI_MOV, 8, mop_reg(to), mop_imm(imms[k])))
            return false;
    }
    for (unsigned k = 0; k < n_args; k++) {
        x64_reg_t to = x64_abi_int_arg(1 + n_imms + k);
        uses |= X64_REGSET(to);
        if (!move_to_phys(s, to, arg(s, r, k)))
            return false;
    }
    minsn_t *c = isel_emit(s, MI_CALL_BUILTIN, 0);
    if (!c)
        return false;
    c->aux = which;
    c->use_gp = uses;
    return !has_result || take_result(s, r, is_i32);
}

/* ---- calls ---- */

typedef struct sig {
    uint32_t n_params, n_results;
    const uint8_t *params, *results; /* value types (SL_TYPE_*), or NULL: from the IR */
} sig_t;

static ir_type_t
param_type(const isel_t *s, const sig_t *sig, ir_ref_t call, uint32_t k)
{
    return sig->params ? ir_type_of_valtype(sig->params[k])
                       : (ir_type_t)ir_insn(s->f, arg(s, call, k))->type;
}

static ir_type_t
result_type(const isel_t *s, const sig_t *sig, ir_ref_t call, uint32_t k)
{
    return sig->results ? ir_type_of_valtype(sig->results[k])
                        : (ir_type_t)ir_insn(s->f, call)->type;
}

static bool
signature(isel_t *s, ir_ref_t r, sig_t *sig)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    const sl_module_t *m = s->opts->module;
    if (m) {
        const sl_functype_t *ft = i->op == IR_CALL_INDIRECT ? &m->types[i->imm]
                                                            : module_func_type(m, (uint32_t)i->imm);
        *sig = (sig_t){ft->n_params, ft->n_results, ft->params, ft->results};
        return true;
    }
    if (i->type == IR_T_TUPLE)
        return isel_fail(s, SL_ENOTSUP, "a call with several results needs its module");
    uint32_t n = i->n_args - (i->op == IR_CALL_INDIRECT);
    *sig = (sig_t){n, i->type != IR_T_NONE, NULL, NULL};
    return true;
}

static bool
call(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    unsigned op = i->op;
    sig_t sig = {0};
    if (!signature(s, r, &sig))
        return false;
    uint32_t in = 0, out = 0;
    for (uint32_t k = 0; k < sig.n_params; k++)
        in += slot_size(param_type(s, &sig, r, k));
    for (uint32_t k = 0; k < sig.n_results; k++)
        out += slot_size(result_type(s, &sig, r, k));
    uint32_t area = ((in > out ? in : out) + 15) & ~15u;
    if (area > s->m->out_area)
        s->m->out_area = area;
    /* the arguments into the area */
    for (uint32_t k = 0, at = 0; k < sig.n_params; k++) {
        ir_type_t t = param_type(s, &sig, r, k);
        mopnd_t src = isel_src(s, arg(s, r, k), 8, mach_class_of(t) == MC_GP);
        if (!isel_emit2(s, MI_STORE, slot_size(t), mop_mem(X64_RSP, MREG_NONE, 1, (int32_t)at),
                        src))
            return false;
        at += slot_size(t);
    }
    minsn_t *c;
    bool is_foreign = op != IR_CALL;
    if (op == IR_CALL) {
        if (!(c = isel_emit(s, MI_CALL, 0)))
            return false;
        c->aux = (uint32_t)i->imm - (s->opts->module ? s->opts->module->n_imported_funcs : 0);
    } else if (op == IR_CALL_IMPORT) {
        mreg_t funcs = isel_temp(s, IR_T_I64);
        if (!isel_emit2(s, MI_LOAD, 8, mop_reg(funcs),
                        mop_mem(X64_R14, MREG_NONE, 1, VMCTX_FUNCS)) ||
            !isel_emit2(s, MI_LOAD, 8, mop_reg(X64_RAX),
                        mop_mem(funcs, MREG_NONE, 1, 8 * (int32_t)i->imm)))
            return false;
        if (!(c = isel_emit(s, MI_CALL_REF, 0)))
            return false;
        c->use_gp = X64_REGSET(X64_RAX);
    } else {
        if (!(c = isel_emit(s, MI_CALL_INDIRECT, 0)))
            return false;
        c->n_opnds = 1;
        c->o[0] = mop_reg(isel_reg(s, arg(s, r, sig.n_params)));
        c->aux = (uint32_t)i->imm;
        c->aux2 = i->imm2;
    }
    if (!isel_check(s))
        return false;
    if (sig.n_results == 1) {
        ir_type_t t = result_type(s, &sig, r, 0);
        bool is_x = mach_class_of(t) == MC_XMM;
        minsn_t *mv = isel_emit(s, MI_MOV, is_x ? 16 : t == IR_T_I32 ? 4 : 8);
        if (!mv)
            return false;
        mv->n_opnds = 2;
        mv->o[0] = mop_reg(isel_reg(s, r));
        mv->o[1] = mop_reg(is_x ? MREG_XMM(0) : X64_RAX);
        if (is_foreign && t == IR_T_I32)
            mv->flags |= MIF_FOREIGN;
        return isel_check(s);
    }
    if (sig.n_results == 0)
        return true;
    /* several results: read from the area at once, before another call reuses it; the
     * projections copy them */
    mreg_t *vals = arena_alloc_array(s->arena, sig.n_results, sizeof *vals);
    if (!vals)
        return isel_fail(s, SL_ENOMEM, "out of memory in the top tier");
    for (uint32_t k = 0, at = 0; k < sig.n_results; k++) {
        ir_type_t t = result_type(s, &sig, r, k);
        vals[k] = isel_temp(s, t);
        if (!isel_emit2(s, MI_LOAD, isel_size_of(t), mop_reg(vals[k]),
                        mop_mem(X64_RSP, MREG_NONE, 1, (int32_t)at)))
            return false;
        at += slot_size(t);
    }
    s->tuple[r] = vals;
    return true;
}

static bool
project(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    ir_ref_t tuple = arg(s, r, 0);
    if (!s->tuple[tuple])
        return isel_fail(s, SL_ENOTSUP, "a projection of something else than a call");
    ir_type_t t = (ir_type_t)i->type;
    return isel_emit2(s, MI_MOV, mach_class_of(t) == MC_XMM ? 16 : 8, mop_reg(isel_reg(s, r)),
                      mop_reg(s->tuple[tuple][i->imm]));
}

bool
isel_call(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    switch (i->op) {
    case IR_PROJ: return project(s, r);
    case IR_CALL_BUILTIN: {
        if (i->imm >= VM_N_BUILTINS || i->n_args + 1 > X64_ABI_N_INT_ARGS)
            return isel_fail(s, SL_ENOTSUP, "call_builtin %llu", (unsigned long long)i->imm);
        return builtin(s, r, (unsigned)i->imm, NULL, 0, i->n_args, i->type != IR_T_NONE,
                       i->type == IR_T_I32);
    }
    default: return call(s, r);
    }
}

/* ---- linear memory ---- */

/* [r15 + index + offset] (the memory base in r15, vmctx.h): the guard region makes a bounds check
 * unnecessary (memory.h). A constant index folds into the displacement. */
static mopnd_t
address(isel_t *s, ir_ref_t index, uint64_t offset)
{
    const ir_insn_t *c = ir_insn(s->f, index);
    if (c->op == IR_CONST) {
        uint64_t ea = (uint64_t)(uint32_t)c->imm + offset;
        if (ea <= INT32_MAX)
            return mop_mem(X64_R15, MREG_NONE, 1, (int32_t)ea);
        mreg_t t = isel_temp(s, IR_T_I64);
        isel_emit2(s, MI_MOV, 8, mop_reg(t), mop_imm((int64_t)ea));
        return mop_mem(X64_R15, t, 1, 0);
    }
    mreg_t v = isel_reg(s, index); /* an i32: zero-extended */
    if (offset <= INT32_MAX)
        return mop_mem(X64_R15, v, 1, (int32_t)offset);
    mreg_t t = isel_temp(s, IR_T_I64);
    isel_emit2(s, MI_MOV, 8, mop_reg(t), mop_imm((int64_t)offset));
    isel_emit2(s, MI_ADD, 8, mop_reg(t), mop_reg(v));
    return mop_mem(X64_R15, t, 1, 0);
}

/* size: bytes read; sext: the width a signed load extends to, 0 for the others. */
static bool
load(isel_t *s, ir_ref_t r, unsigned size, unsigned sext)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mopnd_t at = address(s, arg(s, r, 0), i->imm);
    minsn_t *l = isel_emit(s, sext ? MI_LOADS : MI_LOAD, size);
    if (!l)
        return false;
    l->n_opnds = 2;
    l->o[0] = mop_reg(isel_reg(s, r));
    l->o[1] = at;
    l->aux = sext;
    l->flags |= MIF_TRAP_SITE;
    return isel_check(s);
}

static bool
store(isel_t *s, ir_ref_t r, unsigned size)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    ir_ref_t value = arg(s, r, 1);
    bool is_gp = mach_class_of((ir_type_t)ir_insn(s->f, value)->type) == MC_GP;
    int64_t imm;
    mopnd_t src = is_gp && isel_imm(s, value, size < 8 ? 4 : 8, &imm) ? mop_imm(imm)
                                                                      : mop_reg(isel_reg(s, value));
    mopnd_t at = address(s, arg(s, r, 0), i->imm);
    minsn_t *st = isel_emit(s, MI_STORE, size);
    if (!st)
        return false;
    st->n_opnds = 2;
    st->o[0] = at;
    st->o[1] = src;
    st->flags |= MIF_TRAP_SITE;
    return isel_check(s);
}

static bool
memory_size(isel_t *s, ir_ref_t r)
{
    mreg_t mem = isel_temp(s, IR_T_I64), v = isel_reg(s, r);
    return isel_emit2(s, MI_LOAD, 8, mop_reg(mem), mop_mem(X64_R14, MREG_NONE, 1, VMCTX_MEMORY)) &&
           isel_emit2(s, MI_LOAD, 8, mop_reg(v),
                      mop_mem(mem, MREG_NONE, 1, MEMORY_OFFSETOF_SIZE)) &&
           isel_emit2(s, MI_SHR, 8, mop_reg(v), mop_imm(16)); /* bytes to 64 KiB pages */
}

/* The address of global `index`'s value cell (imported ones are the exporter's). */
static mreg_t
global_cell(isel_t *s, uint32_t index)
{
    mreg_t globals = isel_temp(s, IR_T_I64), cell = isel_temp(s, IR_T_I64);
    isel_emit2(s, MI_LOAD, 8, mop_reg(globals), mop_mem(X64_R14, MREG_NONE, 1, VMCTX_GLOBALS));
    isel_emit2(s, MI_LOAD, 8, mop_reg(cell), mop_mem(globals, MREG_NONE, 1, 8 * (int32_t)index));
    return cell;
}

static bool
global(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    mreg_t cell = global_cell(s, (uint32_t)i->imm);
    if (i->op == IR_GLOBAL_GET)
        return isel_emit2(s, MI_LOAD, isel_size_of((ir_type_t)i->type), mop_reg(isel_reg(s, r)),
                          mop_mem(cell, MREG_NONE, 1, GLOBAL_VALUE));
    ir_ref_t value = arg(s, r, 0);
    ir_type_t t = (ir_type_t)ir_insn(s->f, value)->type;
    unsigned size = isel_size_of(t);
    return isel_emit2(s, MI_STORE, size, mop_mem(cell, MREG_NONE, 1, GLOBAL_VALUE),
                      isel_src(s, value, size, mach_class_of(t) == MC_GP));
}

bool
isel_memory(isel_t *s, ir_ref_t r)
{
    const ir_insn_t *i = ir_insn(s->f, r);
    int64_t imms[2] = {(int64_t)i->imm, i->imm2};
    switch (i->op) {
    case IR_I32_LOAD: return load(s, r, 4, 0);
    case IR_I64_LOAD: return load(s, r, 8, 0);
    case IR_F32_LOAD: return load(s, r, 4, 0);
    case IR_F64_LOAD: return load(s, r, 8, 0);
    case IR_I32_LOAD8_S: return load(s, r, 1, 4);
    case IR_I32_LOAD8_U: return load(s, r, 1, 0);
    case IR_I32_LOAD16_S: return load(s, r, 2, 4);
    case IR_I32_LOAD16_U: return load(s, r, 2, 0);
    case IR_I64_LOAD8_S: return load(s, r, 1, 8);
    case IR_I64_LOAD8_U: return load(s, r, 1, 0);
    case IR_I64_LOAD16_S: return load(s, r, 2, 8);
    case IR_I64_LOAD16_U: return load(s, r, 2, 0);
    case IR_I64_LOAD32_S: return load(s, r, 4, 8);
    case IR_I64_LOAD32_U: return load(s, r, 4, 0);
    case IR_I32_STORE: return store(s, r, 4);
    case IR_I64_STORE: return store(s, r, 8);
    case IR_F32_STORE: return store(s, r, 4);
    case IR_F64_STORE: return store(s, r, 8);
    case IR_I32_STORE8:
    case IR_I64_STORE8: return store(s, r, 1);
    case IR_I32_STORE16:
    case IR_I64_STORE16: return store(s, r, 2);
    case IR_I64_STORE32: return store(s, r, 4);
    case IR_V128_STORE: return store(s, r, 16);
    case IR_V128_LOAD:
    case IR_V128_LOAD8X8_S:
    case IR_V128_LOAD8X8_U:
    case IR_V128_LOAD16X4_S:
    case IR_V128_LOAD16X4_U:
    case IR_V128_LOAD32X2_S:
    case IR_V128_LOAD32X2_U:
    case IR_V128_LOAD8_SPLAT:
    case IR_V128_LOAD16_SPLAT:
    case IR_V128_LOAD32_SPLAT:
    case IR_V128_LOAD64_SPLAT:
    case IR_V128_LOAD32_ZERO:
    case IR_V128_LOAD64_ZERO:
    case IR_V128_LOAD8_LANE:
    case IR_V128_LOAD16_LANE:
    case IR_V128_LOAD32_LANE:
    case IR_V128_LOAD64_LANE:
    case IR_V128_STORE8_LANE:
    case IR_V128_STORE16_LANE:
    case IR_V128_STORE32_LANE:
    case IR_V128_STORE64_LANE: return isel_simd_memory(s, r, address(s, arg(s, r, 0), i->imm));
    case IR_MEMORY_SIZE: return memory_size(s, r);
    case IR_MEMORY_GROW: return builtin(s, r, VM_BUILTIN_memory_grow, NULL, 0, 1, true, true);
    case IR_MEMORY_FILL: return builtin(s, r, VM_BUILTIN_memory_fill, NULL, 0, 3, false, false);
    case IR_MEMORY_COPY: return builtin(s, r, VM_BUILTIN_memory_copy, NULL, 0, 3, false, false);
    case IR_MEMORY_INIT: return builtin(s, r, VM_BUILTIN_memory_init, imms, 1, 3, false, false);
    case IR_DATA_DROP: return builtin(s, r, VM_BUILTIN_data_drop, imms, 1, 0, false, false);
    case IR_GLOBAL_GET:
    case IR_GLOBAL_SET: return global(s, r);
    case IR_TABLE_GET: return builtin(s, r, VM_BUILTIN_table_get, imms, 1, 1, true, false);
    case IR_TABLE_SET: return builtin(s, r, VM_BUILTIN_table_set, imms, 1, 2, false, false);
    case IR_TABLE_SIZE: return builtin(s, r, VM_BUILTIN_table_size, imms, 1, 0, true, true);
    case IR_TABLE_GROW: return builtin(s, r, VM_BUILTIN_table_grow, imms, 1, 2, true, true);
    case IR_TABLE_FILL: return builtin(s, r, VM_BUILTIN_table_fill, imms, 1, 3, false, false);
    /* table.copy: imm destination, imm2 source; table.init: imm element segment, imm2 table */
    case IR_TABLE_COPY: return builtin(s, r, VM_BUILTIN_table_copy, imms, 2, 3, false, false);
    case IR_TABLE_INIT: return builtin(s, r, VM_BUILTIN_table_init, imms, 2, 3, false, false);
    case IR_ELEM_DROP: return builtin(s, r, VM_BUILTIN_elem_drop, imms, 1, 0, false, false);
    case IR_REF_FUNC: { /* the instance's reference to the function (vmctx funcs) */
        mreg_t funcs = isel_temp(s, IR_T_I64);
        return isel_emit2(s, MI_LOAD, 8, mop_reg(funcs),
                          mop_mem(X64_R14, MREG_NONE, 1, VMCTX_FUNCS)) &&
               isel_emit2(s, MI_LOAD, 8, mop_reg(isel_reg(s, r)),
                          mop_mem(funcs, MREG_NONE, 1, 8 * (int32_t)i->imm));
    }
    default:
        return isel_fail(s, SL_ENOTSUP, "the top tier does not compile %s yet",
                         ir_op_name(i->op));
    }
}
