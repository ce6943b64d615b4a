/* Linear memory: loads and stores, memory.size and memory.grow, bulk memory and data segments.
 *
 * Accesses are not bounds-checked in code: r15 holds the memory's base, an address is
 * r15 + u32 index + u32 offset, and everything past the committed pages up to 8 GiB is a guard
 * region (memory.h). Each access instruction is recorded as a trap site whose landing is the
 * "out of bounds memory access" stub, so the signal handler turns its fault into that trap. */
#include "baseline_impl.h"
#include "memory.h"

/* Records the instruction about to be emitted as a trap site; its landing is set once the stubs
 * are placed (baseline_compile_function). */
bool
mem_note_access_site(baseline_t *b)
{
    if (!BASELINE_RESERVE(b, trap_sites, b->n_trap_sites + 1, VEC_NO_LIMIT, "trap sites"))
        return false;
    b->trap_sites[b->n_trap_sites++] = (trap_site_t){.pc = (uint32_t)x64_buf_offset(&b->buf)};
    emit_trap_stub(b, SL_TRAP_MEMORY_OOB);
    return true;
}

/* The operand for index slot `position` plus `offset`. The index stays on the stack (in a
 * register unless constant); *temp gets a register the caller frees afterwards, or X64_NO_REG.
 * The scratch register is never used, so a store may still use it for its value. */
x64_mem_t
mem_address(baseline_t *b, uint32_t position, uint32_t offset, x64_regset_t exclude,
           x64_reg_t *temp)
{
    vslot_t *s = &b->stack[position];
    *temp = X64_NO_REG;
    if (s->loc == LOC_CONST) {
        uint64_t ea = (uint64_t)(uint32_t)s->imm + offset;
        if (ea <= INT32_MAX)
            return x64_mem(X64_R15, (int32_t)ea);
        *temp = vs_alloc(b, exclude);
        x64_mov_ri(&b->buf, 8, *temp, (int64_t)ea);
        return x64_mem_index(X64_R15, *temp, 1, 0);
    }
    x64_reg_t index = vs_read_reg(b, position, exclude); /* an i32: zero-extended */
    if (offset <= INT32_MAX)
        return x64_mem_index(X64_R15, index, 1, (int32_t)offset);
    *temp = vs_alloc(b, exclude | X64_REGSET(index));
    x64_mov_ri(&b->buf, 4, *temp, offset);
    x64_add_rr(&b->buf, 8, *temp, index);
    return x64_mem_index(X64_R15, *temp, 1, 0);
}

static bool
load(baseline_t *b, unsigned op, uint32_t offset)
{
    uint8_t type = sl_sig_info[sl_opcode_info[op].sig].result;
    x64_reg_t temp;
    x64_mem_t src = mem_address(b, b->depth - 1, offset, 0, &temp);
    if (is_xmm_type(type)) {
        x64_xreg_t x = vs_alloc_x(b, 0);
        if (!mem_note_access_site(b))
            return false;
        if (type == SL_TYPE_F32)
            x64_movss_xm(&b->buf, x, src);
        else
            x64_movsd_xm(&b->buf, x, src);
        if (temp != X64_NO_REG)
            vs_free(b, temp);
        vs_drop(b, 1);
        return vs_push_reg(b, type, (x64_reg_t)x);
    }
    /* The index's register, when it has one, can take the result: nothing reads it after. */
    const vslot_t *index = &b->stack[b->depth - 1];
    x64_reg_t r = index->loc == LOC_REG && temp == X64_NO_REG
                      ? (x64_reg_t)index->reg
                      : vs_alloc(b, temp == X64_NO_REG ? 0 : X64_REGSET(temp));
    if (!mem_note_access_site(b))
        return false;
    switch (op) {
    case SL_OP_I32_LOAD: x64_mov_rm(&b->buf, 4, r, src); break;
    case SL_OP_I64_LOAD: x64_mov_rm(&b->buf, 8, r, src); break;
    case SL_OP_I32_LOAD8_S: x64_movsx_rm(&b->buf, 4, r, 1, src); break;
    case SL_OP_I32_LOAD16_S: x64_movsx_rm(&b->buf, 4, r, 2, src); break;
    case SL_OP_I64_LOAD8_S: x64_movsx_rm(&b->buf, 8, r, 1, src); break;
    case SL_OP_I64_LOAD16_S: x64_movsx_rm(&b->buf, 8, r, 2, src); break;
    case SL_OP_I64_LOAD32_S: x64_movsx_rm(&b->buf, 8, r, 4, src); break;
    case SL_OP_I32_LOAD8_U:
    case SL_OP_I64_LOAD8_U: x64_movzx_rm(&b->buf, r, 1, src); break;
    case SL_OP_I32_LOAD16_U:
    case SL_OP_I64_LOAD16_U: x64_movzx_rm(&b->buf, r, 2, src); break;
    case SL_OP_I64_LOAD32_U: x64_mov_rm(&b->buf, 4, r, src); break;
    default: SL_ASSERT(!"not a load");
    }
    if (temp != X64_NO_REG)
        vs_free(b, temp);
    vs_drop(b, 1);
    return vs_push_reg(b, type, r);
}

static bool
store(baseline_t *b, unsigned op, uint32_t offset)
{
    unsigned width = 1u << sl_opcode_info[op].size_log2;
    uint32_t top = b->depth - 1;
    vslot_t *value = &b->stack[top];
    bool is_float = is_xmm_type(value->type);
    bool is_imm = value->loc == LOC_CONST && (width <= 4 || (value->imm >= INT32_MIN &&
                                                             value->imm <= INT32_MAX));
    x64_reg_t r = X64_NO_REG; /* the value's register, read only */
    x64_regset_t keep = 0;
    if (!is_imm) {
        r = vs_read_reg(b, top, 0);
        keep = is_float ? 0 : X64_REGSET(r);
    }
    x64_reg_t temp;
    x64_mem_t dst = mem_address(b, top - 1, offset, keep, &temp);
    value = &b->stack[top];
    if (!mem_note_access_site(b))
        return false;
    if (is_imm)
        x64_mov_mi(&b->buf, width, dst, (int32_t)value->imm);
    else if (value->type == SL_TYPE_F32)
        x64_movss_mx(&b->buf, dst, (x64_xreg_t)r);
    else if (value->type == SL_TYPE_F64)
        x64_movsd_mx(&b->buf, dst, (x64_xreg_t)r);
    else
        x64_mov_mr(&b->buf, width, dst, r);
    if (temp != X64_NO_REG)
        vs_free(b, temp);
    vs_drop(b, 2);
    return true;
}

static bool
memory_size(baseline_t *b)
{
    x64_reg_t r = vs_alloc(b, 0);
    x64_mov_rm(&b->buf, 8, r, x64_mem(X64_R14, VMCTX_MEMORY));
    x64_mov_rm(&b->buf, 8, r, x64_mem(r, MEMORY_OFFSETOF_SIZE));
    x64_shr_ri(&b->buf, 8, r, 16); /* bytes to 64 KiB pages */
    return vs_push_reg(b, SL_TYPE_I32, r);
}

/* A builtin returning int32_t: its upper half of rax is undefined (SysV), an i32 value's must be
 * zero. */
static bool
push_i32_result(baseline_t *b)
{
    x64_mov_rr(&b->buf, 4, X64_RAX, X64_RAX);
    return vs_push_reg(b, SL_TYPE_I32, X64_RAX);
}

bool
emit_memory(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    switch (op) {
    case SL_OP_I32_LOAD: case SL_OP_I64_LOAD: case SL_OP_F32_LOAD: case SL_OP_F64_LOAD:
    case SL_OP_I32_LOAD8_S: case SL_OP_I32_LOAD8_U: case SL_OP_I32_LOAD16_S:
    case SL_OP_I32_LOAD16_U: case SL_OP_I64_LOAD8_S: case SL_OP_I64_LOAD8_U:
    case SL_OP_I64_LOAD16_S: case SL_OP_I64_LOAD16_U: case SL_OP_I64_LOAD32_S:
    case SL_OP_I64_LOAD32_U:
        return load(b, op, imm->offset);
    case SL_OP_I32_STORE: case SL_OP_I64_STORE: case SL_OP_F32_STORE: case SL_OP_F64_STORE:
    case SL_OP_I32_STORE8: case SL_OP_I32_STORE16: case SL_OP_I64_STORE8:
    case SL_OP_I64_STORE16: case SL_OP_I64_STORE32:
        return store(b, op, imm->offset);
    case SL_OP_MEMORY_SIZE:
        return memory_size(b);
    case SL_OP_MEMORY_GROW:
        emit_builtin_call(b, VM_BUILTIN_memory_grow, NULL, 0, 1);
        return push_i32_result(b);
    case SL_OP_MEMORY_FILL:
        emit_builtin_call(b, VM_BUILTIN_memory_fill, NULL, 0, 3);
        return true;
    case SL_OP_MEMORY_COPY:
        emit_builtin_call(b, VM_BUILTIN_memory_copy, NULL, 0, 3);
        return true;
    case SL_OP_MEMORY_INIT: {
        int64_t segment = imm->index;
        emit_builtin_call(b, VM_BUILTIN_memory_init, &segment, 1, 3);
        return true;
    }
    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
