/* Branches, calls, returns and the out-of-line trap stubs. Every merge point has all values in
 * their home slots (baseline_impl.h), so a branch writes the label's values to the homes of the
 * label's positions and jumps. */
#include "baseline_impl.h"

#include <string.h>

/* The label a branch of `depth` goes to, and how many values it carries. */
static void
branch_target(baseline_t *b, uint32_t depth, x64_label_t **label, uint32_t *arity,
              uint32_t *height)
{
    body_validator_t *v = b->validator;
    const ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1 - depth];
    bctrl_t *c = &b->ctrls[b->n_ctrls - 1 - depth];
    bool is_loop = f->opcode == SL_OP_LOOP;
    *label = is_loop ? &c->head_label : &c->end_label;
    *arity = is_loop ? f->n_in : f->n_out;
    *height = c->height;
}

/* Writes the top `arity` values to the homes of positions height... Moving upward in position
 * order never overwrites a value not yet read: every source lies above its destination. */
static void
move_to_label(baseline_t *b, uint32_t arity, uint32_t height)
{
    uint32_t first = b->depth - arity;
    if (first == height) {
        for (uint32_t i = 0; i < arity; i++)
            vs_spill(b, first + i);
        return;
    }
    for (uint32_t i = 0; i < arity; i++)
        vs_store_to(b, first + i, home(b, height + i));
}

bool
emit_branch(baseline_t *b, uint32_t depth)
{
    x64_label_t *label;
    uint32_t arity, height;
    branch_target(b, depth, &label, &arity, &height);
    move_to_label(b, arity, height);
    x64_jmp_label(&b->buf, label);
    return true;
}

x64_label_t *
emit_trap_stub(baseline_t *b, int trap)
{
    trap_stub_t *stub = &b->traps[trap];
    if (!stub->is_used) {
        x64_label_init(&stub->label);
        stub->is_used = true;
    }
    return &stub->label;
}

/* The label of a branch that needs no moves (its values are where the label wants them once
 * everything is spilled), or NULL. */
static x64_label_t *
direct_target(baseline_t *b, uint32_t depth)
{
    x64_label_t *label;
    uint32_t arity, height;
    branch_target(b, depth, &label, &arity, &height);
    return arity == 0 || b->depth - arity == height ? label : NULL;
}

bool
emit_branch_if(baseline_t *b, uint32_t depth, x64_cc_t cc)
{
    x64_label_t *label = direct_target(b, depth);
    if (label) {
        vs_spill_all(b);
        x64_jcc_label(&b->buf, cc, label);
        return true;
    }
    x64_label_t skip;
    x64_label_init(&skip);
    x64_jcc_label(&b->buf, x64_cc_negate(cc), &skip);
    emit_branch(b, depth);
    x64_label_bind(&b->buf, &skip);
    return true;
}

/* br_table with more than a few targets: a table of 32-bit offsets after the dispatch, each
 * relative to its own end, going straight to the label or to a stub that moves the values. */
bool
emit_branch_table(baseline_t *b, x64_reg_t index, const uint32_t *depths, uint32_t n)
{
    uint32_t n_ctrls = b->n_ctrls;
    if (!BASELINE_RESERVE(b, table_labels, n_ctrls, VEC_NO_LIMIT, "br_table"))
        return false;
    for (uint32_t d = 0; d < n_ctrls; d++)
        x64_label_init(&b->table_labels[d]);
    x64_label_t table;
    x64_label_init(&table);
    x64_label_t out_of_range;
    x64_label_init(&out_of_range);
    x64_cmp_ri(&b->buf, 4, index, (int32_t)n);
    x64_jcc_label(&b->buf, X64_CC_AE, &out_of_range);
    x64_lea_rip_label(&b->buf, SCRATCH, &table);
    x64_lea_rm(&b->buf, 8, SCRATCH, x64_mem_index(SCRATCH, index, 4, 4));
    x64_movsx_rm(&b->buf, 8, index, 4, x64_mem(SCRATCH, -4));
    x64_add_rr(&b->buf, 8, SCRATCH, index);
    x64_jmp_r(&b->buf, SCRATCH);
    x64_label_bind(&b->buf, &table);
    for (uint32_t i = 0; i < n; i++) {
        x64_label_t *direct = direct_target(b, depths[i]);
        x64_emit32(&b->buf, 0);
        x64_label_use(&b->buf, direct ? direct : &b->table_labels[depths[i]]);
    }
    x64_label_bind(&b->buf, &out_of_range);
    emit_branch(b, depths[n]);
    for (uint32_t i = 0; i < n; i++) { /* one stub per target that needs moves */
        x64_label_t *stub = &b->table_labels[depths[i]];
        if (x64_label_is_bound(stub) || stub->fixups < 0)
            continue;
        x64_label_bind(&b->buf, stub);
        emit_branch(b, depths[i]);
    }
    return true;
}

void
emit_trap_jump(baseline_t *b, x64_cc_t cc, int trap, bool is_conditional)
{
    if (is_conditional)
        x64_jcc_label(&b->buf, cc, emit_trap_stub(b, trap));
    else
        x64_jmp_label(&b->buf, emit_trap_stub(b, trap));
}

static bool
add_reloc(baseline_t *b, uint32_t offset, uint32_t defined_index)
{
    if (!BASELINE_RESERVE(b, relocs, b->n_relocs + 1, VEC_NO_LIMIT, "relocations"))
        return false;
    b->relocs[b->n_relocs++] = (baseline_reloc_t){offset, defined_index};
    return true;
}

/* Copies a value between two frame locations: 16 bytes through the xmm scratch for a v128, else 8
 * through the general one. */
static void
copy_value(baseline_t *b, uint8_t type, x64_mem_t dst, x64_mem_t src)
{
    if (type == SL_TYPE_V128) {
        x64_movdqu_xm(&b->buf, SCRATCH_X, src);
        x64_movdqu_mx(&b->buf, dst, SCRATCH_X);
    } else {
        x64_mov_rm(&b->buf, 8, SCRATCH, src);
        x64_mov_mr(&b->buf, 8, dst, SCRATCH);
    }
}

/* The part of every call before the call instruction: the area sized, every value spilled
 * (all registers but r14, r15 and rbp are caller-saved), the arguments copied out. */
static bool
call_prepare(baseline_t *b, const sl_functype_t *t)
{
    uint32_t area = abi_area_size(t->params, t->n_params);
    if (abi_area_size(t->results, t->n_results) > area)
        area = abi_area_size(t->results, t->n_results);
    if (area > b->out_area)
        b->out_area = area;
    vs_spill_all(b);
    uint32_t first = b->depth - t->n_params;
    for (uint32_t i = 0; i < t->n_params; i++)
        vs_store_to(b, first + i, x64_mem(X64_RSP, (int32_t)abi_area_offset(t->params, i)));
    vs_drop(b, t->n_params);
    emit_pinned_around_call(b, true);
    return true;
}

/* After the call: one result in rax or xmm0, several in the area. A callee outside this module
 * (a host thunk) may leave the upper half of rax undefined for an i32, which must be zero here. */
static bool
call_finish(baseline_t *b, const sl_functype_t *t, bool is_foreign)
{
    emit_pinned_around_call(b, false);
    if (t->n_results == 1) {
        uint8_t type = t->results[0];
        if (is_foreign && type == SL_TYPE_I32)
            x64_mov_rr(&b->buf, 4, X64_RAX, X64_RAX);
        return vs_push_reg(b, type, is_xmm_type(type) ? (x64_reg_t)X64_XMM0 : X64_RAX);
    }
    for (uint32_t i = 0; i < t->n_results; i++) {
        x64_mem_t at = x64_mem(X64_RSP, (int32_t)abi_area_offset(t->results, i));
        copy_value(b, t->results[i], home(b, b->depth), at);
        if (!vs_push_stack(b, t->results[i]))
            return false;
    }
    return true;
}

/* Calls the function reference in rax (vmctx.h: sl_func_t) in its own instance, then restores
 * this one's r14 and r15. A host function's vmctx is the function itself: r15 then gets a
 * meaningless value that its thunk never reads. */
static void
call_funcref_in_rax(baseline_t *b)
{
    x64_mov_rm(&b->buf, 8, X64_R14, x64_mem(X64_RAX, FUNC_VMCTX));
    x64_mov_rm(&b->buf, 8, X64_R15, x64_mem(X64_R14, VMCTX_MEM_BASE));
    x64_mov_rm(&b->buf, 8, X64_RAX, x64_mem(X64_RAX, FUNC_CODE));
    x64_call_m(&b->buf, x64_mem(X64_RAX, 0));
    x64_mov_rm(&b->buf, 8, X64_R14, x64_mem(X64_RBP, FRAME_VMCTX));
    x64_mov_rm(&b->buf, 8, X64_R15, x64_mem(X64_R14, VMCTX_MEM_BASE));
}

bool
emit_call(baseline_t *b, uint32_t func_index)
{
    const sl_module_t *m = b->module;
    const sl_functype_t *t = module_func_type(m, func_index);
    if (!call_prepare(b, t))
        return false;
    if (func_index < m->n_imported_funcs) {
        x64_mov_rm(&b->buf, 8, X64_RAX, x64_mem(X64_R14, VMCTX_FUNCS));
        x64_mov_rm(&b->buf, 8, X64_RAX, x64_mem(X64_RAX, 8 * (int32_t)func_index));
        call_funcref_in_rax(b);
        return call_finish(b, t, true);
    }
    /* call [rip + slot]: the slot's address is patched in when the code is placed */
    x64_call_m(&b->buf, x64_mem_rip(0));
    if (!add_reloc(b, (uint32_t)x64_buf_offset(&b->buf) - 4, func_index - m->n_imported_funcs))
        return false;
    return call_finish(b, t, false);
}

/* call_indirect: the element must exist ("undefined element"), be non-null ("uninitialized
 * element") and have the expected canonical type id ("indirect call type mismatch"). */
bool
emit_call_indirect(baseline_t *b, uint32_t type_index, uint32_t table_index)
{
    const sl_functype_t *t = &b->module->types[type_index];
    x64_reg_t index = vs_pop_reg(b, 0);
    if (!call_prepare(b, t))
        return false;
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(X64_R14, VMCTX_TABLES));
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(SCRATCH, 8 * (int32_t)table_index));
    x64_cmp_rm(&b->buf, 4, index, x64_mem(SCRATCH, TABLE_SIZE));
    emit_trap_jump(b, X64_CC_AE, SL_TRAP_UNDEFINED_ELEMENT, true);
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(SCRATCH, TABLE_ELEMS));
    x64_mov_rm(&b->buf, 8, X64_RAX, x64_mem_index(SCRATCH, index, 8, 0));
    vs_free(b, index);
    x64_test_rr(&b->buf, 8, X64_RAX, X64_RAX);
    emit_trap_jump(b, X64_CC_E, SL_TRAP_UNINITIALIZED_ELEMENT, true);
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(X64_R14, VMCTX_TYPE_IDS));
    x64_mov_rm(&b->buf, 4, SCRATCH, x64_mem(SCRATCH, 4 * (int32_t)type_index));
    x64_cmp_rm(&b->buf, 4, SCRATCH, x64_mem(X64_RAX, FUNC_TYPE_ID));
    emit_trap_jump(b, X64_CC_NE, SL_TRAP_INDIRECT_CALL_MISMATCH, true);
    call_funcref_in_rax(b);
    return call_finish(b, t, true);
}

/* Calls a runtime builtin (vmctx.h) as SysV wants it: rdi = vmctx, then `n_imms` immediates,
 * then the top `n_args` values, deepest first, which it pops. Every value is spilled first: the
 * C function clobbers the caller-saved registers. A result is the caller's to take from rax. */
void
emit_builtin_call(baseline_t *b, enum vm_builtin which, const int64_t *imms, unsigned n_imms,
                  unsigned n_args)
{
    static const x64_reg_t arg_regs[] = {X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9};
    SL_ASSERT(1 + n_imms + n_args <= 6);
    vs_spill_all(b);
    emit_pinned_around_call(b, true); /* first: r9 is both pinned and an argument register */
    for (unsigned k = n_args; k-- > 0;)
        vs_pop_into(b, arg_regs[1 + n_imms + k]);
    for (unsigned k = 0; k < n_imms; k++)
        x64_mov_ri(&b->buf, 8, arg_regs[1 + k], imms[k]);
    x64_mov_rr(&b->buf, 8, X64_RDI, X64_R14);
    x64_call_m(&b->buf, x64_mem(X64_R14, VMCTX_BUILTIN(which)));
    emit_pinned_around_call(b, false);
    for (unsigned k = 0; k < n_args; k++)
        vs_free(b, arg_regs[1 + n_imms + k]);
}

/* At the function's end label: results are in homes 0..n; one goes to rax, several to the
 * caller's area. */
void
emit_return_sequence(baseline_t *b)
{
    const sl_functype_t *t = b->type;
    if (t->n_results == 1 && t->results[0] == SL_TYPE_V128) {
        x64_movdqu_xm(&b->buf, X64_XMM0, home(b, 0));
    } else if (t->n_results == 1 && is_xmm_type(t->results[0])) {
        x64_movsd_xm(&b->buf, X64_XMM0, home(b, 0)); /* an f32 is the low half */
    } else if (t->n_results == 1) {
        x64_mov_rm(&b->buf, type_size(t->results[0]) == 4 ? 4 : 8, X64_RAX, home(b, 0));
    } else if (t->n_results > 1) {
        for (uint32_t i = 0; i < t->n_results; i++) {
            int32_t at = 16 + (int32_t)abi_area_offset(t->results, i);
            copy_value(b, t->results[i], x64_mem(X64_RBP, at), home(b, i));
        }
    }
    static const x64_reg_t pinned[BASELINE_N_PINNED] = BASELINE_PINNED_REGS;
    for (unsigned k = 0; k < b->n_pinned && k < BASELINE_N_PINNED_CALLEE_SAVED; k++)
        x64_mov_rm(&b->buf, 8, pinned[k], x64_mem(X64_RBP, FRAME_SAVED_PINNED - 8 * (int32_t)k));
    x64_mov_rr(&b->buf, 8, X64_RSP, X64_RBP);
    x64_pop_r(&b->buf, X64_RBP);
    x64_ret(&b->buf);
}

void
emit_pinned_around_call(baseline_t *b, bool is_save)
{
    if (!b->are_pinned_live)
        return;
    for (unsigned k = 0; k < b->n_saved_around_calls; k++) {
        uint32_t i = b->saved_around_calls[k];
        x64_reg_t r = local_reg(b, i);
        x64_mem_t slot = local_slot(b, i);
        uint8_t type = b->validator->locals[i];
        bool is_xmm = is_xmm_type(type);
        if (type == SL_TYPE_V128 && is_save)
            x64_movdqu_mx(&b->buf, slot, (x64_xreg_t)r);
        else if (type == SL_TYPE_V128)
            x64_movdqu_xm(&b->buf, (x64_xreg_t)r, slot);
        else if (is_xmm && is_save)
            x64_movsd_mx(&b->buf, slot, (x64_xreg_t)r); /* 8 bytes: an f32 and its upper half */
        else if (is_xmm)
            x64_movsd_xm(&b->buf, (x64_xreg_t)r, slot);
        else if (is_save)
            x64_mov_mr(&b->buf, 8, slot, r);
        else
            x64_mov_rm(&b->buf, 8, r, slot);
    }
}

/* The check at function entry and loop headers (DESIGN: the interrupt moves the stack limit, so
 * this one compare serves both). The slow path is inline: it runs where every value is in its
 * home, so the call clobbers nothing live. */
void
emit_stack_check(baseline_t *b)
{
    x64_label_t ok;
    x64_label_init(&ok);
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(X64_R14, VMCTX_LIMITS));
    x64_cmp_rm(&b->buf, 8, X64_RSP, x64_mem(SCRATCH, LIMITS_STACK_LIMIT));
    x64_jcc_label(&b->buf, X64_CC_AE, &ok);
    emit_pinned_around_call(b, true);
    x64_mov_rr(&b->buf, 8, X64_RDI, X64_R14);
    x64_call_m(&b->buf, x64_mem(X64_R14, VMCTX_BUILTIN(VM_BUILTIN_stack_check)));
    emit_pinned_around_call(b, false);
    x64_label_bind(&b->buf, &ok);
}

/* Charges `cost` to this function's tier-up budget (vmctx.h) and asks the runtime to tier up
 * when it runs out. Returns the offset of the cost's imm32, for a loop to patch once its size is
 * known. Emitted where every value is in its home (entry, loop headers), so the slow path may
 * call C inline. */
size_t
emit_budget_check(baseline_t *b, int32_t cost)
{
    uint32_t defined = b->func_index - b->module->n_imported_funcs;
    x64_label_t ok;
    x64_label_init(&ok);
    x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(X64_R14, VMCTX_BUDGETS));
    x64_sub_mi(&b->buf, 4, x64_mem(SCRATCH, 4 * (int32_t)defined), 0x7fffffff); /* force imm32 */
    size_t patch = x64_buf_offset(&b->buf) - 4;
    x64_buf_patch32(&b->buf, patch, (uint32_t)cost);
    x64_jcc_label(&b->buf, X64_CC_NS, &ok);
    emit_pinned_around_call(b, true);
    x64_mov_rr(&b->buf, 8, X64_RDI, X64_R14);
    x64_mov_ri(&b->buf, 4, X64_RSI, defined);
    x64_call_m(&b->buf, x64_mem(X64_R14, VMCTX_BUILTIN(VM_BUILTIN_tier_up)));
    emit_pinned_around_call(b, false);
    x64_label_bind(&b->buf, &ok);
    return patch;
}

/* After the body: one stub per trap kind used. rsp is 16-byte aligned everywhere in a body, so a
 * stub can call into C directly. */
void
emit_out_of_line(baseline_t *b)
{
    for (int trap = 1; trap <= SL_N_TRAPS_; trap++) {
        if (!b->traps[trap].is_used)
            continue;
        x64_label_bind(&b->buf, &b->traps[trap].label);
        x64_mov_rr(&b->buf, 8, X64_RDI, X64_R14);
        x64_mov_ri(&b->buf, 4, X64_RSI, trap);
        x64_call_m(&b->buf, x64_mem(X64_R14, VMCTX_BUILTIN(VM_BUILTIN_trap)));
        x64_ud2(&b->buf);
    }
}
