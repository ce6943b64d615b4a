/* The baseline compiler's driver: the body decode loop (body_decode_loop.h) instantiated with
 * hooks that emit code as each instruction is validated, the prologue, and the result handed to
 * the installer. What this tier does not compile yet ends the compilation with SL_ENOTSUP. */
#include "baseline_impl.h"

#include <string.h>

static bool
not_yet(baseline_t *b, const char *what)
{
    return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet", what);
}

static bool
is_integer(uint8_t type)
{
    return type == SL_TYPE_I32 || type == SL_TYPE_I64;
}

static bool
mirror_push(baseline_t *b, const ctrl_frame_t *f)
{
    if (b->n_ctrls == b->cap_ctrls) {
        uint32_t cap = b->cap_ctrls ? 2 * b->cap_ctrls : 16;
        bctrl_t *p = realloc(b->ctrls, cap * sizeof *p);
        if (!p)
            return baseline_fail(b, SL_ENOMEM, "out of memory");
        b->ctrls = p;
        b->cap_ctrls = cap;
    }
    bctrl_t *c = &b->ctrls[b->n_ctrls++];
    memset(c, 0, sizeof *c);
    x64_label_init(&c->end_label);
    x64_label_init(&c->else_label);
    x64_label_init(&c->head_label);
    c->height = f->height;
    c->is_dead = f->is_dead;
    return true;
}

static x64_mem_t
local_mem(const baseline_t *b, uint32_t index)
{
    return x64_mem(X64_RBP, b->local_offsets[index]);
}

/* ---- hooks called by the decode loop ---- */

static inline bool
visit_start(baseline_t *b, body_validator_t *v)
{
    const sl_functype_t *t = b->type;
    for (uint32_t i = 0; i < v->n_locals; i++)
        if (v->locals[i] == SL_TYPE_V128)
            return not_yet(b, "v128 locals");
    if (v->n_locals > b->cap_locals) {
        int32_t *p = realloc(b->local_offsets, v->n_locals * sizeof *p);
        if (!p)
            return baseline_fail(b, SL_ENOMEM, "out of memory");
        b->local_offsets = p;
        b->cap_locals = v->n_locals;
    }
    int32_t at = 16; /* parameters: the caller's area, 8 bytes each */
    for (uint32_t i = 0; i < t->n_params; i++, at += 8)
        b->local_offsets[i] = at;
    uint32_t n_declared = v->n_locals - t->n_params;
    for (uint32_t j = 0; j < n_declared; j++)
        b->local_offsets[t->n_params + j] = -16 - 16 * (int32_t)j;
    b->locals_size = 16 + 16 * (int32_t)n_declared;

    /* push rbp; mov rbp, rsp; sub rsp, imm32 (patched once the frame size is known) */
    x64_push_r(&b->buf, X64_RBP);
    x64_mov_rr(&b->buf, 8, X64_RBP, X64_RSP);
    x64_emit8(&b->buf, 0x48);
    x64_emit8(&b->buf, 0x81);
    x64_emit8(&b->buf, 0xec);
    b->frame_patch = x64_buf_offset(&b->buf);
    x64_emit32(&b->buf, 0);
    x64_mov_mr(&b->buf, 8, x64_mem(X64_RBP, -8), X64_R14);
    emit_stack_check(b);
    if (!mirror_push(b, &v->ctrls[0])) /* the function's own frame: its end returns */
        return false;
    if (n_declared) { /* spec: locals start at zero */
        x64_xor_rr(&b->buf, 4, X64_RAX, X64_RAX);
        if (n_declared <= 16) {
            for (uint32_t j = 0; j < n_declared; j++)
                x64_mov_mr(&b->buf, 8, local_mem(b, t->n_params + j), X64_RAX);
        } else { /* rep stosq over [rbp - locals_size, rbp - 16) */
            x64_lea_rm(&b->buf, 8, X64_RDI, x64_mem(X64_RBP, -b->locals_size));
            x64_mov_ri(&b->buf, 4, X64_RCX, 2 * n_declared);
            x64_emit8(&b->buf, 0xf3);
            x64_emit8(&b->buf, 0x48);
            x64_emit8(&b->buf, 0xab);
        }
    }
    return true;
}

static inline bool
visit_simple(baseline_t *b, body_validator_t *v, unsigned op, const body_imm_t *imm)
{
    return emit_numeric(b, op, imm);
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
    if (!is_integer(t))
        return not_yet(b, "select of non-integers");
    x64_reg_t cond = vs_pop_reg(b, 0);
    x64_reg_t lhs = vs_to_reg(b, b->depth - 2, X64_REGSET(cond));
    x64_reg_t rhs = vs_to_reg(b, b->depth - 1, X64_REGSET(cond) | X64_REGSET(lhs));
    x64_test_rr(&b->buf, 4, cond, cond);
    x64_cmovcc_rr(&b->buf, t == SL_TYPE_I32 ? 4 : 8, X64_CC_E, lhs, rhs);
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
    x64_label_bind(&b->buf, &b->ctrls[b->n_ctrls - 1].head_label);
    emit_stack_check(b); /* back-edges land here: interrupts reach loops */
    return true;
}

static inline bool
visit_if(baseline_t *b, body_validator_t *v, const ctrl_frame_t *f)
{
    if (!mirror_push(b, f))
        return false;
    if (f->is_dead)
        return true;
    /* The validator has already popped the condition: it is our top value. */
    x64_reg_t cond = vs_pop_reg(b, 0);
    vs_spill_all(b);
    x64_test_rr(&b->buf, 4, cond, cond);
    x64_jcc_label(&b->buf, X64_CC_E, &b->ctrls[b->n_ctrls - 1].else_label);
    vs_free(b, cond);
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
    x64_reg_t cond = vs_pop_reg(b, 0);
    vs_spill_all(b);
    x64_label_t skip;
    x64_label_init(&skip);
    x64_test_rr(&b->buf, 4, cond, cond);
    vs_free(b, cond);
    x64_jcc_label(&b->buf, X64_CC_E, &skip);
    emit_branch(b, depth);
    x64_label_bind(&b->buf, &skip);
    return true;
}

static inline bool
visit_br_table(baseline_t *b, body_validator_t *v, uint32_t n, const uint8_t *targets)
{
    x64_reg_t index = vs_pop_reg(b, 0);
    vs_spill_all(b);
    const uint8_t *p = targets;
    for (uint32_t i = 0; i <= n; i++) {
        uint32_t depth = 0;
        p += leb128_read_u32(p, v->r.end, &depth); /* validated already */
        x64_label_t next;
        x64_label_init(&next);
        if (i < n) {
            x64_cmp_ri(&b->buf, 4, index, (int32_t)i);
            x64_jcc_label(&b->buf, X64_CC_NE, &next);
        }
        emit_branch(b, depth);
        x64_label_bind(&b->buf, &next);
    }
    vs_free(b, index);
    return true;
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
    return not_yet(b, "call_indirect");
}

static inline bool
visit_local(baseline_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    uint8_t type = v->locals[index];
    if (!is_integer(type))
        return not_yet(b, "locals of this type");
    unsigned size = type_size(type);
    if (op == SL_OP_LOCAL_GET) {
        x64_reg_t r = vs_alloc(b, 0);
        x64_mov_rm(&b->buf, size, r, local_mem(b, index));
        b->gp_used &= (x64_regset_t)~X64_REGSET(r);
        return vs_push_reg(b, type, r);
    }
    vs_store_to(b, b->depth - 1, local_mem(b, index));
    if (op == SL_OP_LOCAL_SET)
        vs_drop(b, 1);
    return true;
}

static inline bool
visit_global(baseline_t *b, body_validator_t *v, unsigned op, uint32_t index)
{
    return not_yet(b, "globals");
}

static inline bool
visit_table(baseline_t *b, body_validator_t *v, unsigned op, uint32_t x, uint32_t y)
{
    return not_yet(b, sl_opcode_info[op].text);
}

static inline bool
visit_ref(baseline_t *b, body_validator_t *v, unsigned op, uint32_t arg)
{
    return not_yet(b, sl_opcode_info[op].text);
}

#define BODY_VISITOR_T baseline_t
#define BODY_DECODE_FN compile_body
#define BODY_DECODE_SIMPLE compile_simple
#define BODY_DECODE_OP compile_op
#include "body_decode_loop.h"

/* ---- the compiler object ---- */

int
baseline_new(const sl_limits_t *limits, baseline_t **out)
{
    baseline_t *b = calloc(1, sizeof *b);
    if (!b)
        return SL_ENOMEM;
    b->limits = *limits;
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
    b->depth = b->max_depth = 0;
    b->gp_used = 0;
    b->n_ctrls = 0;
    b->out_area = 0;
    b->n_relocs = 0;
    b->n_trap_sites = 0;
    memset(b->traps, 0, sizeof b->traps);

    int rc = compile_body(b->validator, b, m, func_index, offset, size, err);
    if (rc != 0)
        return rc;
    emit_out_of_line(b);
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
