/* The machine IR's op table, builders and text form (mach.h). Arrays grow by doubling in the
 * arena, as the IR's do. */
#include "mach.h"

#include <string.h>

#include "error.h"
#include "opcodes.h"

typedef struct mop_row {
    const char *name, *roles;
    unsigned flags;
} mop_row_t;

static const mop_row_t mop_rows[MI_N_OPS] = {
#define MOP(id, name, roles, flags) [MI_##id] = {name, roles, flags},
#include "mach_ops.def"
};

const char *
mach_op_name(unsigned op)
{
    return op < MI_N_OPS ? mop_rows[op].name : "?";
}

const char *
mach_op_roles(unsigned op)
{
    return mop_rows[op].roles;
}

unsigned
mach_op_flags(unsigned op)
{
    return mop_rows[op].flags;
}

static bool
fail(mfunc_t *m)
{
    if (!m->status)
        m->status = m->arena->last_error ? m->arena->last_error : SL_ENOMEM;
    return false;
}

static bool
grow(mfunc_t *m, void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    if (m->status)
        return false;
    if (need > IR_MAX_INDEX) {
        m->status = SL_ELIMIT;
        return false;
    }
    uint32_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *p = arena_alloc_array(m->arena, n, size);
    if (!p)
        return fail(m);
    if (*cap)
        memcpy(p, *array, (size_t)*cap * size);
    *array = p;
    *cap = n;
    return true;
}

int
mach_new(arena_t *arena, const ir_func_t *ir, mfunc_t **out)
{
    *out = arena_alloc(arena, sizeof **out);
    if (!*out)
        return arena->last_error ? arena->last_error : SL_ENOMEM;
    (*out)->arena = arena;
    (*out)->ir = ir;
    return 0;
}

mreg_t
mach_vreg(mfunc_t *m, ir_type_t type)
{
    if (!grow(m, (void **)&m->vregs, &m->cap_vregs, m->n_vregs + 1, sizeof *m->vregs))
        return MREG_NONE;
    m->vregs[m->n_vregs] = (mvreg_t){.cls = mach_class_of(type), .type = (uint8_t)type};
    return MREG_VIRTUAL + m->n_vregs++;
}

uint32_t
mach_block_new(mfunc_t *m)
{
    if (!grow(m, (void **)&m->blocks, &m->cap_blocks, m->n_blocks + 1, sizeof *m->blocks))
        return IR_NO_BLOCK;
    m->blocks[m->n_blocks] = (mblock_t){.first = m->n_insns, .ir_block = IR_NO_BLOCK};
    return m->n_blocks++;
}

minsn_t *
mach_append(mfunc_t *m, unsigned op, unsigned size)
{
    if (!grow(m, (void **)&m->insns, &m->cap_insns, m->n_insns + 1, sizeof *m->insns))
        return NULL;
    minsn_t *i = &m->insns[m->n_insns++];
    memset(i, 0, sizeof *i);
    i->op = (uint16_t)op;
    i->size = (uint8_t)size;
    return i;
}

uint32_t
mach_pool_add(mfunc_t *m, const uint8_t bytes[16])
{
    for (uint32_t k = 0; k < m->n_pool; k++) /* functions have few distinct constants */
        if (memcmp(m->pool[k], bytes, 16) == 0)
            return k;
    if (m->n_pool >= 4096 ||
        !grow(m, (void **)&m->pool, &m->cap_pool, m->n_pool + 1, sizeof *m->pool)) {
        if (!m->status)
            m->status = SL_ELIMIT;
        return UINT32_MAX;
    }
    memcpy(m->pool[m->n_pool], bytes, 16);
    return m->n_pool++;
}

/* ---- text ---- */

static const char *const gp_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static void
print_reg(FILE *out, mreg_t r)
{
    if (r < 16)
        fputs(gp_names[r], out);
    else if (r < MREG_VIRTUAL)
        fprintf(out, "xmm%u", r - 16);
    else
        fprintf(out, "v%u", r);
}

static void
print_opnd(FILE *out, const mopnd_t *o)
{
    switch (o->kind) {
    case MO_REG: print_reg(out, o->reg); break;
    case MO_IMM: fprintf(out, "%lld", (long long)o->imm); break;
    case MO_MEM: {
        fputc('[', out);
        bool any = false;
        if (o->reg != MREG_NONE) {
            print_reg(out, o->reg);
            any = true;
        }
        if (o->index != MREG_NONE) {
            fputs(any ? " + " : "", out);
            print_reg(out, o->index);
            if (o->scale != 1)
                fprintf(out, "*%u", o->scale);
            any = true;
        }
        if (o->disp || !any)
            fprintf(out, any ? (o->disp < 0 ? " - %lld" : " + %lld") : "%lld",
                    any && o->disp < 0 ? -(long long)o->disp : (long long)o->disp);
        fputc(']', out);
        break;
    }
    default: fputs("?", out); break;
    }
}

static const char *const cc_names[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};

static void
print_edge(FILE *out, const mfunc_t *m, const medge_t *e)
{
    fprintf(out, "block%u", e->block);
    if (!e->n_args || m->is_allocated)
        return;
    fputc('(', out);
    for (uint32_t i = 0; i < e->n_args; i++) {
        fputs(i ? ", " : "", out);
        print_reg(out, e->args[i]);
    }
    fputc(')', out);
}

static void
print_mask(FILE *out, const char *what, x64_regset_t gp, x64_regset_t xmm)
{
    if (!gp && !xmm)
        return;
    fprintf(out, " %s{", what);
    bool first = true;
    for (unsigned r = 0; r < 32; r++) {
        bool has = r < 16 ? (gp >> r) & 1 : (xmm >> (r - 16)) & 1;
        if (!has)
            continue;
        fputs(first ? "" : ",", out);
        print_reg(out, r);
        first = false;
    }
    fputc('}', out);
}

static void
print_insn(FILE *out, const mfunc_t *m, const mblock_t *b, const minsn_t *i)
{
    fprintf(out, "    %s", mach_op_name(i->op));
    if (i->op == MI_JCC || i->op == MI_SETCC || i->op == MI_CMOV || i->op == MI_TRAPCC)
        fprintf(out, "%s", cc_names[i->cc & 15]);
    if (i->size)
        fprintf(out, ".%u", i->size);
    for (unsigned k = 0, n = 0; k < i->n_opnds; k++) {
        if (i->o[k].kind == MO_NONE) /* an operand a v128 op does not use */
            continue;
        fputs(n++ ? ", " : " ", out);
        print_opnd(out, &i->o[k]);
    }
    if (i->op == MI_LOADS || i->op == MI_MOVSX || i->op == MI_MOVZX || i->op == MI_DIV ||
        i->op == MI_TRAP || i->op == MI_TRAPCC || i->op == MI_POLL || i->op == MI_CALL ||
        i->op == MI_CALL_BUILTIN || i->op == MI_LOAD_CONST)
        fprintf(out, " #%u", i->aux);
    if (i->op >= MI_VOP && i->op <= MI_VSTORELANE)
        fprintf(out, " %s #%u", sl_opcode_info[i->aux].text, i->aux2);
    if (i->op == MI_CALL_INDIRECT)
        fprintf(out, " #%u #%u", i->aux, i->aux2);
    if (i->flags & MIF_TRAP_SITE)
        fputs(" !trap", out);
    print_mask(out, "uses", i->use_gp, i->use_xmm);
    if (!(mach_op_flags(i->op) & MF_CALL)) /* a call's are every caller-saved register */
        print_mask(out, "defs", i->def_gp, i->def_xmm);
    if (mach_op_flags(i->op) & MF_TERM) {
        for (uint32_t s = 0; s < b->n_succs; s++) {
            fputs(s || i->n_opnds ? ", " : " ", out);
            print_edge(out, m, &b->succs[s]);
        }
    }
    fputc('\n', out);
}

int
mach_print(const mfunc_t *m, FILE *out)
{
    fprintf(out, "mfunc %s {\n", m->ir && m->ir->name ? m->ir->name : "?");
    for (uint32_t bi = 0; bi < m->n_blocks; bi++) {
        const mblock_t *b = &m->blocks[bi];
        fprintf(out, "block%u", bi);
        if (b->n_params && !m->is_allocated) {
            fputc('(', out);
            for (uint32_t p = 0; p < b->n_params; p++) {
                fputs(p ? ", " : "", out);
                print_reg(out, b->params[p]);
            }
            fputc(')', out);
        }
        fputs(":\n", out);
        for (uint32_t k = 0; k < b->n_insns; k++) {
            const minsn_t *i = &m->insns[b->first + k];
            if (i->op != MI_LABEL)
                print_insn(out, m, b, i);
        }
    }
    fputs("}\n", out);
    return ferror(out) ? SL_ENOMEM : 0;
}
