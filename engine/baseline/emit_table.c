/* Globals, tables, references and segment drops. Globals are cells the vmctx points to (imported
 * ones are the exporter's); table and segment instructions other than call_indirect call into
 * the runtime (vmctx.h builtins), which owns the bounds rules. */
#include "baseline_impl.h"

static bool
not_yet(baseline_t *b, unsigned op)
{
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                         sl_opcode_info[op].text);
}

/* Loads the address of global `index`'s value cell into a new register. */
static x64_reg_t
global_cell(baseline_t *b, uint32_t index, x64_regset_t exclude)
{
    x64_reg_t p = vs_alloc(b, exclude);
    x64_mov_rm(&b->buf, 8, p, x64_mem(X64_R14, VMCTX_GLOBALS));
    x64_mov_rm(&b->buf, 8, p, x64_mem(p, 8 * (int32_t)index));
    return p;
}

bool
emit_global(baseline_t *b, unsigned op, uint32_t index)
{
    uint8_t type = b->module->globals[index].type;
    if (op == SL_OP_GLOBAL_GET) {
        x64_reg_t p = global_cell(b, index, 0);
        if (is_xmm_type(type)) {
            bool ok = vs_push_load(b, type, x64_mem(p, 0));
            vs_free(b, p);
            return ok;
        }
        x64_mov_rm(&b->buf, type_size(type), p, x64_mem(p, 0));
        return vs_push_reg(b, type, p);
    }
    const vslot_t *value = &b->stack[b->depth - 1];
    x64_regset_t keep = value->loc == LOC_REG && !is_xmm_type(type) ? X64_REGSET(value->reg) : 0;
    x64_reg_t p = global_cell(b, index, keep);
    vs_store_to(b, b->depth - 1, x64_mem(p, 0));
    vs_free(b, p);
    vs_drop(b, 1);
    return true;
}

/* A builtin's int32_t result as an i32 (SysV leaves the upper half of rax undefined). */
static bool
push_i32_result(baseline_t *b)
{
    x64_mov_rr(&b->buf, 4, X64_RAX, X64_RAX);
    return vs_push_reg(b, SL_TYPE_I32, X64_RAX);
}

bool
emit_table(baseline_t *b, unsigned op, uint32_t x, uint32_t y)
{
    int64_t imms[2] = {x, y};
    switch (op) {
    case SL_OP_TABLE_GET:
        emit_builtin_call(b, VM_BUILTIN_table_get, imms, 1, 1);
        return vs_push_reg(b, b->module->tables[x].elem_type, X64_RAX);
    case SL_OP_TABLE_SET:
        emit_builtin_call(b, VM_BUILTIN_table_set, imms, 1, 2);
        return true;
    case SL_OP_TABLE_SIZE:
        emit_builtin_call(b, VM_BUILTIN_table_size, imms, 1, 0);
        return push_i32_result(b);
    case SL_OP_TABLE_GROW:
        emit_builtin_call(b, VM_BUILTIN_table_grow, imms, 1, 2);
        return push_i32_result(b);
    case SL_OP_TABLE_FILL:
        emit_builtin_call(b, VM_BUILTIN_table_fill, imms, 1, 3);
        return true;
    case SL_OP_TABLE_COPY: /* x = destination table, y = source table */
        emit_builtin_call(b, VM_BUILTIN_table_copy, imms, 2, 3);
        return true;
    case SL_OP_TABLE_INIT: /* x = element segment, y = table */
        emit_builtin_call(b, VM_BUILTIN_table_init, imms, 2, 3);
        return true;
    case SL_OP_ELEM_DROP:
        emit_builtin_call(b, VM_BUILTIN_elem_drop, imms, 1, 0);
        return true;
    case SL_OP_DATA_DROP:
        emit_builtin_call(b, VM_BUILTIN_data_drop, imms, 1, 0);
        return true;
    default:
        return not_yet(b, op);
    }
}

bool
emit_ref(baseline_t *b, unsigned op, uint32_t arg)
{
    switch (op) {
    case SL_OP_REF_NULL: /* arg: the reference type */
        return vs_push_const(b, (uint8_t)arg, 0);
    case SL_OP_REF_IS_NULL: {
        x64_reg_t r = vs_to_reg(b, b->depth - 1, 0);
        x64_test_rr(&b->buf, 8, r, r);
        x64_setcc_r(&b->buf, X64_CC_E, r);
        x64_movzx_rr(&b->buf, r, r, 1);
        b->stack[b->depth - 1].type = SL_TYPE_I32;
        return true;
    }
    case SL_OP_REF_FUNC: { /* the instance's reference to function `arg` (vmctx funcs) */
        x64_reg_t r = vs_alloc(b, 0);
        x64_mov_rm(&b->buf, 8, r, x64_mem(X64_R14, VMCTX_FUNCS));
        x64_mov_rm(&b->buf, 8, r, x64_mem(r, 8 * (int32_t)arg));
        return vs_push_reg(b, SL_TYPE_FUNCREF, r);
    }
    default:
        return not_yet(b, op);
    }
}
