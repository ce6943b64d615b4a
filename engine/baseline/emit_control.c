/* Branches, calls, returns and the out-of-line trap stubs. Every merge point has all values in
 * their home slots (baseline_impl.h), so a branch writes the label's values to the homes of the
 * label's positions and jumps. */
#include "baseline_impl.h"

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

void
emit_trap_jump(baseline_t *b, x64_cc_t cc, int trap, bool is_conditional)
{
    trap_stub_t *stub = &b->traps[trap];
    if (!stub->is_used) {
        x64_label_init(&stub->label);
        stub->is_used = true;
    }
    if (is_conditional)
        x64_jcc_label(&b->buf, cc, &stub->label);
    else
        x64_jmp_label(&b->buf, &stub->label);
}

static bool
add_reloc(baseline_t *b, uint32_t offset, uint32_t defined_index)
{
    if (b->n_relocs == b->cap_relocs) {
        uint32_t cap = b->cap_relocs ? 2 * b->cap_relocs : 16;
        baseline_reloc_t *p = realloc(b->relocs, cap * sizeof *p);
        if (!p)
            return baseline_fail(b, SL_ENOMEM, "out of memory");
        b->relocs = p;
        b->cap_relocs = cap;
    }
    b->relocs[b->n_relocs++] = (baseline_reloc_t){offset, defined_index};
    return true;
}

bool
emit_call(baseline_t *b, uint32_t func_index)
{
    const sl_module_t *m = b->module;
    if (func_index < m->n_imported_funcs)
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not call imports yet");
    const sl_functype_t *t = module_func_type(m, func_index);
    for (uint32_t i = 0; i < t->n_params; i++)
        if (t->params[i] != SL_TYPE_I32 && t->params[i] != SL_TYPE_I64)
            return baseline_fail(b, SL_ENOTSUP, "the baseline tier passes only integers yet");
    for (uint32_t i = 0; i < t->n_results; i++)
        if (t->results[i] != SL_TYPE_I32 && t->results[i] != SL_TYPE_I64)
            return baseline_fail(b, SL_ENOTSUP, "the baseline tier returns only integers yet");

    uint32_t area = abi_area_size(t->params, t->n_params);
    if (abi_area_size(t->results, t->n_results) > area)
        area = abi_area_size(t->results, t->n_results);
    if (area > b->out_area)
        b->out_area = area;

    /* every register is caller-saved: spill, then copy the arguments out */
    vs_spill_all(b);
    uint32_t first = b->depth - t->n_params;
    for (uint32_t i = 0; i < t->n_params; i++)
        vs_store_to(b, first + i, x64_mem(X64_RSP, (int32_t)abi_area_offset(t->params, i)));
    vs_drop(b, t->n_params);

    /* call [rip + slot]: the slot's address is patched in when the code is placed */
    x64_call_m(&b->buf, x64_mem_rip(0));
    if (!add_reloc(b, (uint32_t)x64_buf_offset(&b->buf) - 4, func_index - m->n_imported_funcs))
        return false;

    if (t->n_results == 1)
        return vs_push_reg(b, t->results[0], X64_RAX);
    for (uint32_t i = 0; i < t->n_results; i++) {
        int32_t at = (int32_t)abi_area_offset(t->results, i);
        x64_mov_rm(&b->buf, 8, SCRATCH, x64_mem(X64_RSP, at));
        x64_mov_mr(&b->buf, 8, home(b, b->depth), SCRATCH);
        if (!vs_push_stack(b, t->results[i]))
            return false;
    }
    return true;
}

/* At the function's end label: results are in homes 0..n; one goes to rax, several to the
 * caller's area. */
void
emit_return_sequence(baseline_t *b)
{
    const sl_functype_t *t = b->type;
    if (t->n_results == 1) {
        x64_mov_rm(&b->buf, type_size(t->results[0]) == 4 ? 4 : 8, X64_RAX, home(b, 0));
    } else if (t->n_results > 1) {
        for (uint32_t i = 0; i < t->n_results; i++) {
            int32_t at = 16 + (int32_t)abi_area_offset(t->results, i);
            x64_mov_rm(&b->buf, 8, SCRATCH, home(b, i));
            x64_mov_mr(&b->buf, 8, x64_mem(X64_RBP, at), SCRATCH);
        }
    }
    x64_mov_rr(&b->buf, 8, X64_RSP, X64_RBP);
    x64_pop_r(&b->buf, X64_RBP);
    x64_ret(&b->buf);
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
    x64_mov_rr(&b->buf, 8, X64_RDI, X64_R14);
    x64_call_m(&b->buf, x64_mem(X64_R14, VMCTX_BUILTIN(VM_BUILTIN_stack_check)));
    x64_label_bind(&b->buf, &ok);
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
