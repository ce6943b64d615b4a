/* The baseline compiler's driver: the body decode loop (body_decode_loop.h) instantiated with
 * hooks that emit code as each instruction is validated, the prologue, and the result handed to
 * the installer. What this tier does not compile yet ends the compilation with SL_ENOTSUP. */
#include "baseline_impl.h"

#include <string.h>

static bool
mirror_push(baseline_t *b, const ctrl_frame_t *f)
{
    if (!BASELINE_RESERVE(b, ctrls, b->n_ctrls + 1, VEC_NO_LIMIT, "control stack"))
        return false;
    bctrl_t *c = &b->ctrls[b->n_ctrls++];
    memset(c, 0, sizeof *c);
    x64_label_init(&c->end_label);
    x64_label_init(&c->else_label);
    x64_label_init(&c->head_label);
    c->height = f->height;
    c->is_dead = f->is_dead;
    return true;
}

/* ---- hooks called by the decode loop ---- */

/* Gives the most used integer and reference locals the pinned registers (baseline_impl.h). */
static bool
pin_locals(baseline_t *b, body_validator_t *v)
{
    if (!BASELINE_RESERVE(b, local_offsets, v->n_locals, VEC_NO_LIMIT, "locals") ||
        !BASELINE_RESERVE(b, local_regs, v->n_locals, VEC_NO_LIMIT, "locals") ||
        !BASELINE_RESERVE(b, local_uses, v->n_locals, VEC_NO_LIMIT, "locals"))
        return false;
    if (v->n_locals)
        memset(b->local_regs, X64_NO_REG, v->n_locals);
    b->n_pinned = b->n_pinned_xmm = b->n_saved_around_calls = 0;
    b->are_pinned_live = false;
    /* When every local fits, all are pinned and counting their uses would only cost time. */
    uint32_t n_xmm = 0;
    for (uint32_t i = 0; i < v->n_locals; i++)
        n_xmm += is_xmm_type(v->locals[i]);
    if (v->n_locals - n_xmm <= BASELINE_N_PINNED && n_xmm <= BASELINE_N_PINNED_XMM) {
        for (uint32_t i = 0; i < v->n_locals; i++)
            b->local_uses[i] = 1;
    } else {
        scan_local_uses(v, b->local_uses);
    }
    static const x64_reg_t pinned[BASELINE_N_PINNED] = BASELINE_PINNED_REGS;
    for (int is_xmm = 0; is_xmm < 2; is_xmm++) {
        unsigned *n = is_xmm ? &b->n_pinned_xmm : &b->n_pinned;
        unsigned max = is_xmm ? BASELINE_N_PINNED_XMM : BASELINE_N_PINNED;
        while (*n < max) {
            uint32_t best = UINT32_MAX;
            for (uint32_t i = 0; i < v->n_locals; i++)
                if (b->local_uses[i] && b->local_regs[i] == X64_NO_REG &&
                    is_xmm_type(v->locals[i]) == is_xmm &&
                    (best == UINT32_MAX || b->local_uses[i] > b->local_uses[best]))
                    best = i;
            if (best == UINT32_MAX)
                break;
            b->local_regs[best] =
                (uint8_t)(is_xmm ? BASELINE_FIRST_PINNED_XMM + *n : pinned[*n]);
            if (is_xmm || *n >= BASELINE_N_PINNED_CALLEE_SAVED)
                b->saved_around_calls[b->n_saved_around_calls++] = best;
            ++*n;
        }
    }
    return true;
}

static inline bool
visit_start(baseline_t *b, body_validator_t *v)
{
    const sl_functype_t *t = b->type;
    if (!pin_locals(b, v))
        return false;
    for (uint32_t i = 0; i < t->n_params; i++) /* parameters: the caller's area (vmctx.h) */
        b->local_offsets[i] = 16 + (int32_t)abi_area_offset(t->params, i);
    uint32_t n_declared = v->n_locals - t->n_params;
    for (uint32_t j = 0; j < n_declared; j++)
        b->local_offsets[t->n_params + j] = FRAME_FIRST_LOCAL - 16 * (int32_t)j;
    b->locals_size = -FRAME_FIRST_LOCAL + 16 * (int32_t)n_declared - 16;

    /* push rbp; mov rbp, rsp; sub rsp, imm32 (patched once the frame size is known) */
    x64_push_r(&b->buf, X64_RBP);
    x64_mov_rr(&b->buf, 8, X64_RBP, X64_RSP);
    x64_sub_ri32(&b->buf, 8, X64_RSP, 0);
    b->frame_patch = x64_buf_offset(&b->buf) - 4;
    x64_mov_mr(&b->buf, 8, x64_mem(X64_RBP, FRAME_VMCTX), X64_R14);
    static const x64_reg_t pinned[BASELINE_N_PINNED] = BASELINE_PINNED_REGS;
    for (unsigned k = 0; k < b->n_pinned && k < BASELINE_N_PINNED_CALLEE_SAVED; k++)
        x64_mov_mr(&b->buf, 8, x64_mem(X64_RBP, FRAME_SAVED_PINNED - 8 * (int32_t)k), pinned[k]);
    emit_stack_check(b);
    emit_budget_check(b, BUDGET_CALL_COST);
    if (!mirror_push(b, &v->ctrls[0])) /* the function's own frame: its end returns */
        return false;
    if (n_declared) { /* spec: locals start at zero */
        x64_xor_rr(&b->buf, 4, X64_RAX, X64_RAX);
        if (n_declared <= 16) {
            for (uint32_t j = 0; j < n_declared; j++) {
                x64_mem_t slot = local_slot(b, t->n_params + j);
                x64_mov_mr(&b->buf, 8, slot, X64_RAX);
                if (v->locals[t->n_params + j] == SL_TYPE_V128) {
                    slot.disp += 8;
                    x64_mov_mr(&b->buf, 8, slot, X64_RAX);
                }
            }
        } else { /* rep stosq over every local's 16 bytes, from the lowest up */
            x64_lea_rm(&b->buf, 8, X64_RDI, local_slot(b, v->n_locals - 1));
            x64_mov_ri(&b->buf, 4, X64_RCX, 2 * n_declared);
            x64_rep_stosq(&b->buf);
        }
    }
    for (uint32_t i = 0; i < v->n_locals; i++) {
        uint8_t r = b->local_regs[i];
        if (r == X64_NO_REG)
            continue;
        if (v->locals[i] == SL_TYPE_V128 && i < t->n_params)
            x64_movdqu_xm(&b->buf, (x64_xreg_t)r, local_slot(b, i));
        else if (is_xmm_type(v->locals[i]) && i < t->n_params)
            x64_movsd_xm(&b->buf, (x64_xreg_t)r, local_slot(b, i)); /* an f32: the low half */
        else if (is_xmm_type(v->locals[i]))
            x64_xorps_xx(&b->buf, (x64_xreg_t)r, (x64_xreg_t)r);
        else if (i < t->n_params)
            x64_mov_rm(&b->buf, type_size(v->locals[i]), (x64_reg_t)r, local_slot(b, i));
        else
            x64_xor_rr(&b->buf, 4, (x64_reg_t)r, (x64_reg_t)r);
    }
    b->are_pinned_live = true;
    return true;
}

/* Whether an instruction takes or produces an f32 or f64. */
static bool
is_float_op(unsigned op)
{
    const sl_sig_info_t *sig = &sl_sig_info[sl_opcode_info[op].sig];
    uint8_t types[4] = {sig->n_results ? sig->result : 0, sig->params[0], sig->params[1],
                        sig->params[2]};
    for (unsigned i = 0; i < 4; i++)
        if (types[i] == SL_TYPE_F32 || types[i] == SL_TYPE_F64)
            return true;
    return false;
}

static inline bool
visit_simple(baseline_t *b, body_validator_t *v, unsigned op, const body_imm_t *imm)
{
    if (sl_opcode_info[op].prefix == 0xfd)
        return emit_simd(b, op, imm);
    switch (sl_opcode_info[op].imm) {
    case SL_IMM_MEMARG:
    case SL_IMM_MEMORY:
    case SL_IMM_MEMORY_INIT:
    case SL_IMM_MEMORY_COPY:
    case SL_IMM_DATA:
        return emit_memory(b, op, imm);
    default:
        return is_float_op(op) ? emit_float(b, op, imm) : emit_numeric(b, op, imm);
    }
}

static inline bool
visit_unreachable(baseline_t *b, body_validator_t *v)
{
    emit_trap_jump(b, X64_CC_O, SL_TRAP_UNREACHABLE, false);
    return true;
}

static inline bool
visit_drop(baseline_t *b, body_validator_t *v, sl_valtype_t t)
{
    vs_drop(b, 1);
    return true;
}

static inline bool
visit_select(baseline_t *b, body_validator_t *v, sl_valtype_t t)
{
    x64_reg_t cond = vs_pop_reg(b, 0);
    uint8_t type = b->stack[b->depth - 1].type; /* t is unknown when both operands are */
    if (!is_xmm_type(type)) {
        x64_reg_t lhs = vs_to_reg(b, b->depth - 2, X64_REGSET(cond));
        x64_reg_t rhs = vs_to_reg(b, b->depth - 1, X64_REGSET(cond) | X64_REGSET(lhs));
        x64_test_rr(&b->buf, 4, cond, cond);
        x64_cmovcc_rr(&b->buf, type == SL_TYPE_I32 ? 4 : 8, X64_CC_E, lhs, rhs);
    } else {
        const vslot_t *top = &b->stack[b->depth - 1];
        x64_regset_t rhs_reg = top->loc == LOC_REG ? X64_REGSET(top->reg) : 0;
        x64_xreg_t lhs = (x64_xreg_t)vs_to_reg(b, b->depth - 2, rhs_reg);
        x64_xreg_t rhs = (x64_xreg_t)vs_to_reg(b, b->depth - 1, X64_REGSET(lhs));
        x64_label_t keep;
        x64_label_init(&keep);
        x64_test_rr(&b->buf, 4, cond, cond);
        x64_jcc_label(&b->buf, X64_CC_NE, &keep);
        x64_movaps_xx(&b->buf, lhs, rhs);
        x64_label_bind(&b->buf, &keep);
    }
    vs_drop(b, 1);
    vs_free(b, cond);
    return true;
}

static inline bool
visit_block(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    if (!mirror_push(b, f))
        return false;
    if (!f->is_dead)
        vs_spill_all(b);
    return true;
}

static inline bool
visit_loop(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    if (!mirror_push(b, f))
        return false;
    if (f->is_dead)
        return true;
    vs_spill_all(b);
    bctrl_t *c = &b->ctrls[b->n_ctrls - 1];
    x64_label_bind(&b->buf, &c->head_label);
    emit_stack_check(b); /* back-edges land here: interrupts and budgets reach loops */
    c->wasm_start = (uint32_t)v->op_at;
    c->budget_patch = emit_budget_check(b, 1);
    return true;
}

static inline bool
visit_if(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    if (!mirror_push(b, f))
        return false;
    if (f->is_dead)
        return true;
    /* The validator has already popped the condition: it is our top value. Spilling moves only
     * (no flags change), so a pending comparison survives it. */
    x64_cc_t cc = vs_pop_condition(b);
    vs_spill_all(b);
    x64_jcc_label(&b->buf, x64_cc_negate(cc), &b->ctrls[b->n_ctrls - 1].else_label);
    return true;
}

static inline bool
visit_else(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    bctrl_t *c = &b->ctrls[b->n_ctrls - 1];
    if (c->is_dead)
        return true;
    if (!f->is_unreachable) {
        vs_spill_all(b);
        x64_jmp_label(&b->buf, &c->end_label);
    }
    x64_label_bind(&b->buf, &c->else_label);
    c->has_else = true;
    return vs_reset(b, c->height, f->in, f->n_in);
}

static inline bool
visit_end(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    bctrl_t c = b->ctrls[--b->n_ctrls];
    if (c.is_dead)
        return true;
    if (f->opcode == SL_OP_LOOP)
        x64_buf_patch32(&b->buf, c.budget_patch, (uint32_t)(v->op_at - c.wasm_start));
    if (!f->is_unreachable)
        vs_spill_all(b);
    if (f->opcode == SL_OP_IF && !c.has_else)
        x64_label_bind(&b->buf, &c.else_label); /* parameters are the results */
    x64_label_bind(&b->buf, &c.end_label);
    if (!vs_reset(b, c.height, f->out, f->n_out))
        return false;
    if (b->n_ctrls == 0)
        emit_return_sequence(b);
    return true;
}

static inline bool
visit_br(baseline_t *b, body_validator_t *v, uint32_t depth)
{
    return emit_branch(b, depth);
}

static inline bool
visit_br_if(baseline_t *b, body_validator_t *v, uint32_t depth)
{
    x64_cc_t cc = vs_pop_condition(b);
    vs_spill_all(b);
    return emit_branch_if(b, depth, cc);
}

/* Up to this many targets, a chain of compares beats the table's indirect jump. */
enum { BR_TABLE_CHAIN_MAX = 4 };

static inline bool
visit_br_table(baseline_t *b, body_validator_t *v, uint32_t n, const uint8_t *targets)
{
    if (!BASELINE_RESERVE(b, table_depths, (size_t)n + 1, VEC_NO_LIMIT, "br_table"))
        return false;
    const uint8_t *at = targets;
    for (uint32_t i = 0; i <= n; i++)
        at += leb128_read_u32(at, v->r.end, &b->table_depths[i]); /* validated already */
    x64_reg_t index = vs_pop_reg(b, 0);
    vs_spill_all(b);
    bool ok = true;
    if (n > BR_TABLE_CHAIN_MAX) {
        ok = emit_branch_table(b, index, b->table_depths, n);
    } else {
        for (uint32_t i = 0; i < n; i++) {
            x64_cmp_ri(&b->buf, 4, index, (int32_t)i);
            emit_branch_if(b, b->table_depths[i], X64_CC_E);
        }
        emit_branch(b, b->table_depths[n]);
    }
    vs_free(b, index);
    return ok;
}

static inline bool
visit_return(baseline_t *b, body_validator_t *v)
{
    return emit_branch(b, b->n_ctrls - 1);
}

static inline bool
visit_call(baseline_t *b, body_validator_t *v, uint32_t func)
{
    return emit_call(b, func);
}

static inline bool
visit_call_indirect(baseline_t *b, body_validator_t *v, uint32_t type, uint32_t table)
{
    return emit_call_indirect(b, type, table);
}

static inline bool
visit_local(baseline_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    if (op == SL_OP_LOCAL_GET)
        return vs_push_local(b, v->locals[index], index);
    vs_before_local_write(b, index);
    x64_reg_t pinned = local_reg(b, index);
    if (pinned != X64_NO_REG) /* the register is the local: the value is copied in */
        vs_copy_to_reg(b, b->depth - 1, pinned);
    else
        vs_store_to(b, b->depth - 1, local_slot(b, index));
    if (op == SL_OP_LOCAL_SET)
        vs_drop(b, 1);
    return true;
}

static inline bool
visit_global(baseline_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    return emit_global(b, op, index);
}

static inline bool
visit_table(baseline_t *b, body_validator_t *v, unsigned op, uint32_t x, uint32_t y)
{
    return emit_table(b, op, x, y);
}

static inline bool
visit_ref(baseline_t *b, body_validator_t *v, unsigned op, uint32_t arg)
{
    return emit_ref(b, op, arg);
}

#define BODY_VISITOR_T baseline_t
#define BODY_DECODE_FN compile_body
#define BODY_DECODE_SIMPLE compile_simple
#define BODY_DECODE_OP compile_op
#include "body_decode_loop.h"

/* ---- the compiler object ---- */

int
baseline_new(const sl_limits_t *limits, bool has_avx, baseline_t **out)
{
    baseline_t *b = calloc(1, sizeof *b);
    if (!b)
        return SL_ENOMEM;
    b->limits = *limits;
    b->has_avx = has_avx;
    x64_buf_init(&b->buf);
    int rc = body_validator_new(limits, &b->validator);
    if (rc != 0) {
        baseline_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void
baseline_free(baseline_t *b)
{
    if (!b)
        return;
    body_validator_free(b->validator);
    x64_buf_fini(&b->buf);
    free(b->stack);
    free(b->ctrls);
    free(b->local_offsets);
    free(b->table_labels);
    free(b->pool);
    free(b->table_depths);
    free(b->local_regs);
    free(b->local_uses);
    free(b->relocs);
    free(b->trap_sites);
    free(b);
}

int
baseline_compile_function(baseline_t *b, const sl_module_t *m, uint32_t func_index,
                          uint32_t offset, uint32_t size, baseline_code_t *out, sl_error_t *err)
{
    b->module = m;
    b->func_index = func_index;
    b->type = module_func_type(m, func_index);
    b->buf.len = 0;
    b->depth = b->max_depth = b->alias_floor = 0;
    b->gp_used = b->xmm_used = 0;
    b->n_ctrls = 0;
    b->out_area = 0;
    b->n_relocs = 0;
    b->n_trap_sites = 0;
    b->n_pool = 0;
    memset(b->traps, 0, sizeof b->traps);

    int rc = compile_body(b->validator, b, m, func_index, offset, size, err);
    if (rc != 0)
        return rc;
    emit_out_of_line(b);
    simd_emit_pool(b);
    if (b->n_trap_sites) { /* every access site lands on the out-of-bounds stub */
        int32_t landing = b->traps[SL_TRAP_MEMORY_OOB].label.pos;
        for (uint32_t i = 0; i < b->n_trap_sites; i++)
            b->trap_sites[i].landing = (uint32_t)landing;
    }
    uint32_t frame = (uint32_t)b->locals_size + 16 * b->max_depth + b->out_area;
    x64_buf_patch32(&b->buf, b->frame_patch, (frame + 15) & ~15u);
    if (b->buf.oom) {
        error_set(err, SL_ENOMEM, 10, offset, "out of memory for generated code");
        err->func_index = func_index;
        return SL_ENOMEM;
    }
    *out = (baseline_code_t){
        .code = b->buf.data,
        .code_size = (uint32_t)b->buf.len,
        .relocs = b->relocs,
        .n_relocs = b->n_relocs,
        .trap_sites = b->trap_sites,
        .n_trap_sites = b->n_trap_sites,
    };
    return 0;
}
