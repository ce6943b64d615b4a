/* Emission (emit.h): the frame, blocks and branches, calls, the stack check and the poll, trap
 * stubs and the constant pool. Moves, memory and arithmetic are emit_ops.c's. */
#include "emit_impl.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "vec.h"

/* Up to this many targets a br_table is a chain of compares, as in the baseline. */
enum { BR_TABLE_CHAIN_MAX = 4 };

void
emitter_out_init(emit_out_t *out)
{
    memset(out, 0, sizeof *out);
    x64_buf_init(&out->buf);
}

void
emitter_out_fini(emit_out_t *out)
{
    x64_buf_fini(&out->buf);
    free(out->relocs);
    free(out->sites);
    memset(out, 0, sizeof *out);
}

bool
emitter_fail(emitter_t *e, int code, const char *what)
{
    (void)what;
    if (!e->rc)
        e->rc = code;
    return false;
}

static bool
grow(emitter_t *e, void **p, uint32_t *cap, uint32_t need, size_t size)
{
    size_t c = *cap;
    if (vec_grow(p, &c, need, size, VEC_NO_LIMIT) != 0)
        return emitter_fail(e, SL_ENOMEM, "out of memory");
    *cap = (uint32_t)c;
    return true;
}

x64_label_t *
emitter_trap_label(emitter_t *e, int trap)
{
    if (!e->is_trap_used[trap]) {
        x64_label_init(&e->traps[trap]);
        e->is_trap_used[trap] = true;
    }
    return &e->traps[trap];
}

bool
emitter_trap_site(emitter_t *e)
{
    emit_out_t *o = e->out;
    if (!grow(e, (void **)&o->sites, &o->cap_sites, o->n_sites + 1, sizeof *o->sites))
        return false;
    o->sites[o->n_sites++] = (trap_site_t){.pc = (uint32_t)x64_buf_offset(e->b)};
    emitter_trap_label(e, SL_TRAP_MEMORY_OOB);
    return true;
}

/* ---- frame ---- */

static const x64_reg_t callee_saved[3] = {X64_RBX, X64_R12, X64_R13};

static size_t
prologue(emitter_t *e)
{
    x64_buf_t *b = e->b;
    x64_push_r(b, X64_RBP);
    x64_mov_rr(b, 8, X64_RBP, X64_RSP);
    uint32_t frame = (RA_FRAME_FIXED + e->m->frame_size + e->m->out_area + 15) & ~15u;
    x64_sub_ri32(b, 8, X64_RSP, (int32_t)frame);
    size_t patch = x64_buf_offset(b) - 4;
    x64_mov_mr(b, 8, x64_mem(X64_RBP, -8), X64_R14);
    for (unsigned k = 0; k < 3; k++)
        if ((e->m->callee_saved >> callee_saved[k]) & 1)
            x64_mov_mr(b, 8, x64_mem(X64_RBP, -16 - 8 * (int32_t)k), callee_saved[k]);
    return patch;
}

static void
epilogue(emitter_t *e)
{
    x64_buf_t *b = e->b;
    for (unsigned k = 0; k < 3; k++)
        if ((e->m->callee_saved >> callee_saved[k]) & 1)
            x64_mov_rm(b, 8, callee_saved[k], x64_mem(X64_RBP, -16 - 8 * (int32_t)k));
    x64_mov_rr(b, 8, X64_RSP, X64_RBP);
    x64_pop_r(b, X64_RBP);
    x64_ret(b);
}

/* ---- blocks ---- */

static bool
is_only_a_jump(const mfunc_t *m, uint32_t b)
{
    const mblock_t *mb = &m->blocks[b];
    return b != 0 && mb->n_insns == 2 && m->insns[mb->first + 1].op == MI_JMP;
}

/* Where a jump to each block goes: past blocks that are nothing but a jump. Each chain is
 * walked once, `path` holding its blocks; a cycle of such blocks (an empty infinite loop) keeps
 * the block where the walk met it again. */
static void
find_targets(emitter_t *e, uint32_t *path)
{
    enum { UNKNOWN = UINT32_MAX, VISITING = UINT32_MAX - 1 };
    const mfunc_t *m = e->m;
    uint32_t *t = e->target;
    for (uint32_t b = 0; b < m->n_blocks; b++)
        t[b] = UNKNOWN;
    for (uint32_t b = 0; b < m->n_blocks; b++) {
        uint32_t n = 0, c = b;
        while (t[c] == UNKNOWN && is_only_a_jump(m, c)) {
            t[c] = VISITING;
            path[n++] = c;
            c = m->blocks[c].succs[0].block;
        }
        uint32_t to = t[c] == UNKNOWN || t[c] == VISITING ? c : t[c];
        if (t[c] == UNKNOWN)
            t[c] = c;
        while (n)
            t[path[--n]] = to;
    }
}

static uint32_t
target(const emitter_t *e, uint32_t to)
{
    return e->target[to];
}

static void
jump_to(emitter_t *e, uint32_t to)
{
    to = target(e, to);
    if (to != e->block + 1)
        x64_jmp_label(e->b, &e->labels[to]);
}

static void
branch(emitter_t *e, x64_cc_t cc, uint32_t yes, uint32_t no)
{
    yes = target(e, yes);
    no = target(e, no);
    if (yes == no) {
        jump_to(e, yes);
    } else if (no == e->block + 1) {
        x64_jcc_label(e->b, cc, &e->labels[yes]);
    } else if (yes == e->block + 1) {
        x64_jcc_label(e->b, x64_cc_negate(cc), &e->labels[no]);
    } else {
        x64_jcc_label(e->b, cc, &e->labels[yes]);
        x64_jmp_label(e->b, &e->labels[no]);
    }
}

/* br_table: a compare chain, or a table of 32-bit offsets, each relative to its own end. */
static void
branch_table(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    const mblock_t *mb = &e->m->blocks[e->block];
    x64_reg_t index = gp(&i->o[0]), tmp = gp(&i->o[1]);
    uint32_t n = mb->n_succs - 1;
    if (n <= BR_TABLE_CHAIN_MAX) {
        for (uint32_t k = 0; k < n; k++) {
            x64_cmp_ri(b, 4, index, (int32_t)k);
            x64_jcc_label(b, X64_CC_E, &e->labels[target(e, mb->succs[k].block)]);
        }
        jump_to(e, mb->succs[n].block);
        return;
    }
    x64_label_t table;
    x64_label_init(&table);
    x64_cmp_ri(b, 4, index, (int32_t)n);
    x64_jcc_label(b, X64_CC_AE, &e->labels[target(e, mb->succs[n].block)]);
    x64_lea_rip_label(b, SCRATCH, &table);
    x64_lea_rm(b, 8, SCRATCH, x64_mem_index(SCRATCH, index, 4, 4));
    x64_movsx_rm(b, 8, tmp, 4, x64_mem(SCRATCH, -4));
    x64_add_rr(b, 8, SCRATCH, tmp);
    x64_jmp_r(b, SCRATCH);
    x64_label_bind(b, &table);
    for (uint32_t k = 0; k < n; k++) {
        x64_emit32(b, 0);
        x64_label_use(b, &e->labels[target(e, mb->succs[k].block)]);
    }
}

/* ---- checks ---- */

static bool
slow_path(emitter_t *e, const minsn_t *i, uint8_t builtin, x64_cc_t cc)
{
    if (!grow(e, (void **)&e->slow, &e->cap_slow, e->n_slow + 1, sizeof *e->slow))
        return false;
    slow_path_t *s = &e->slow[e->n_slow++];
    x64_label_init(&s->entry);
    x64_label_init(&s->back);
    s->insn = i;
    s->builtin = builtin;
    x64_jcc_label(e->b, cc, &s->entry);
    x64_label_bind(e->b, &s->back);
    return true;
}

/* The stack check of function entries and loops: an interrupt moves the limit (vmctx.h). */
static bool
stack_check(emitter_t *e, const minsn_t *i)
{
    x64_mov_rm(e->b, 8, SCRATCH, x64_mem(X64_R14, VMCTX_LIMITS));
    x64_cmp_rm(e->b, 8, X64_RSP, x64_mem(SCRATCH, LIMITS_STACK_LIMIT));
    return slow_path(e, i, VM_BUILTIN_stack_check, X64_CC_B);
}

/* The tier-up budget, as the baseline charges it. */
static bool
budget_check(emitter_t *e, const minsn_t *i)
{
    x64_mov_rm(e->b, 8, SCRATCH, x64_mem(X64_R14, VMCTX_BUDGETS));
    x64_sub_mi(e->b, 4, x64_mem(SCRATCH, 4 * (int32_t)e->opts->defined_index), (int32_t)i->aux);
    return slow_path(e, i, VM_BUILTIN_tier_up, X64_CC_S);
}

static void
emit_slow_paths(emitter_t *e)
{
    x64_buf_t *b = e->b;
    for (uint32_t k = 0; k < e->n_slow; k++) {
        const slow_path_t *s = &e->slow[k];
        x64_label_bind(b, &e->slow[k].entry);
        x64_regset_t gps = s->insn->use_gp, xs = s->insn->use_xmm;
        unsigned n_gp = 0, n_x = 0;
        for (unsigned r = 0; r < 16; r++)
            if ((gps >> r) & 1) {
                x64_push_r(b, (x64_reg_t)r);
                n_gp++;
            }
        for (unsigned r = 0; r < 16; r++)
            n_x += (xs >> r) & 1;
        int32_t pad = (n_gp & 1 ? 8 : 0) + 16 * (int32_t)n_x;
        if (pad)
            x64_sub_ri(b, 8, X64_RSP, pad);
        for (unsigned r = 0, at = 0; r < 16; r++)
            if ((xs >> r) & 1)
                x64_movdqu_mx(b, x64_mem(X64_RSP, 16 * (int32_t)at++), (x64_xreg_t)r);
        x64_mov_rr(b, 8, X64_RDI, X64_R14);
        if (s->builtin == VM_BUILTIN_tier_up)
            x64_mov_ri(b, 4, X64_RSI, e->opts->defined_index);
        x64_call_m(b, x64_mem(X64_R14, VMCTX_BUILTIN(s->builtin)));
        for (unsigned r = 0, at = 0; r < 16; r++)
            if ((xs >> r) & 1)
                x64_movdqu_xm(b, (x64_xreg_t)r, x64_mem(X64_RSP, 16 * (int32_t)at++));
        if (pad)
            x64_add_ri(b, 8, X64_RSP, pad);
        for (unsigned r = 16; r-- > 0;)
            if ((gps >> r) & 1)
                x64_pop_r(b, (x64_reg_t)r);
        x64_jmp_label(b, &e->slow[k].back);
    }
}

static void
emit_trap_stubs(emitter_t *e)
{
    x64_buf_t *b = e->b;
    for (int trap = 1; trap <= SL_N_TRAPS_; trap++) {
        if (!e->is_trap_used[trap])
            continue;
        x64_label_bind(b, &e->traps[trap]);
        x64_mov_rr(b, 8, X64_RDI, X64_R14);
        x64_mov_ri(b, 4, X64_RSI, trap);
        x64_call_m(b, x64_mem(X64_R14, VMCTX_BUILTIN(VM_BUILTIN_trap)));
        x64_ud2(b);
    }
}

uint32_t
emitter_const(emitter_t *e, const uint8_t bytes[16])
{
    for (uint32_t k = 0; k < e->n_pool; k++) /* functions have few distinct constants */
        if (memcmp(e->pool_bytes[k], bytes, 16) == 0)
            return k;
    uint32_t cap = e->cap_pool;
    if (!grow(e, (void **)&e->pool_bytes, &e->cap_pool, e->n_pool + 1, sizeof *e->pool_bytes) ||
        !grow(e, (void **)&e->pool, &cap, e->n_pool + 1, sizeof *e->pool))
        return UINT32_MAX;
    memcpy(e->pool_bytes[e->n_pool], bytes, 16);
    x64_label_init(&e->pool[e->n_pool]);
    return e->n_pool++;
}

static void
emit_pool(emitter_t *e)
{
    x64_buf_t *b = e->b;
    if (!e->n_pool)
        return;
    while (x64_buf_offset(b) & 15)
        x64_int3(b);
    for (uint32_t k = 0; k < e->n_pool; k++) {
        x64_label_bind(b, &e->pool[k]);
        for (unsigned j = 0; j < 16; j++)
            x64_emit8(b, e->pool_bytes[k][j]);
    }
}

/* ---- calls ---- */

/* Calls the sl_func_t in rax in its own instance, then restores this one's r14 and r15. */
static void
call_funcref_in_rax(emitter_t *e)
{
    x64_buf_t *b = e->b;
    x64_mov_rm(b, 8, X64_R14, x64_mem(X64_RAX, FUNC_VMCTX));
    x64_mov_rm(b, 8, X64_R15, x64_mem(X64_R14, VMCTX_MEM_BASE));
    x64_mov_rm(b, 8, X64_RAX, x64_mem(X64_RAX, FUNC_CODE));
    x64_call_m(b, x64_mem(X64_RAX, 0));
    x64_mov_rm(b, 8, X64_R14, x64_mem(X64_RBP, -8));
    x64_mov_rm(b, 8, X64_R15, x64_mem(X64_R14, VMCTX_MEM_BASE));
}

/* spec: call_indirect: the element must exist ("undefined element"), be non-null
 * ("uninitialized element") and have the expected canonical type id. */
static void
call_indirect(emitter_t *e, const minsn_t *i)
{
    x64_buf_t *b = e->b;
    x64_reg_t index = gp(&i->o[0]);
    x64_mov_rm(b, 8, SCRATCH, x64_mem(X64_R14, VMCTX_TABLES));
    x64_mov_rm(b, 8, SCRATCH, x64_mem(SCRATCH, 8 * (int32_t)i->aux2));
    x64_cmp_rm(b, 4, index, x64_mem(SCRATCH, TABLE_SIZE));
    x64_jcc_label(b, X64_CC_AE, emitter_trap_label(e, SL_TRAP_UNDEFINED_ELEMENT));
    x64_mov_rm(b, 8, SCRATCH, x64_mem(SCRATCH, TABLE_ELEMS));
    x64_mov_rm(b, 8, X64_RAX, x64_mem_index(SCRATCH, index, 8, 0));
    x64_test_rr(b, 8, X64_RAX, X64_RAX);
    x64_jcc_label(b, X64_CC_E, emitter_trap_label(e, SL_TRAP_UNINITIALIZED_ELEMENT));
    x64_mov_rm(b, 8, SCRATCH, x64_mem(X64_R14, VMCTX_TYPE_IDS));
    x64_mov_rm(b, 4, SCRATCH, x64_mem(SCRATCH, 4 * (int32_t)i->aux));
    x64_cmp_rm(b, 4, SCRATCH, x64_mem(X64_RAX, FUNC_TYPE_ID));
    x64_jcc_label(b, X64_CC_NE, emitter_trap_label(e, SL_TRAP_INDIRECT_CALL_MISMATCH));
    call_funcref_in_rax(e);
}

static bool
call_direct(emitter_t *e, const minsn_t *i)
{
    emit_out_t *o = e->out;
    x64_call_m(e->b, x64_mem_rip(0)); /* call [rip + slot]: placed by the installer */
    if (!grow(e, (void **)&o->relocs, &o->cap_relocs, o->n_relocs + 1, sizeof *o->relocs))
        return false;
    o->relocs[o->n_relocs++] = (code_reloc_t){(uint32_t)x64_buf_offset(e->b) - 4, i->aux};
    return true;
}

/* ---- the driver ---- */

static bool
emit_insn(emitter_t *e, const minsn_t *i, const minsn_t *prev)
{
    x64_buf_t *b = e->b;
    const mblock_t *mb = &e->m->blocks[e->block];
    switch (i->op) {
    case MI_LABEL: return true;
    case MI_JMP: jump_to(e, mb->succs[0].block); return true;
    case MI_JCC: branch(e, (x64_cc_t)i->cc, mb->succs[0].block, mb->succs[1].block); return true;
    case MI_BR_TABLE: branch_table(e, i); return true;
    case MI_RET: epilogue(e); return true;
    case MI_TRAP: x64_jmp_label(b, emitter_trap_label(e, (int)i->aux)); return true;
    case MI_TRAPCC:
        x64_jcc_label(b, (x64_cc_t)i->cc, emitter_trap_label(e, (int)i->aux));
        return true;
    case MI_STACK_CHECK: return stack_check(e, i);
    case MI_POLL: /* right after the entry's stack check, the budget alone */
        if (!(prev && prev->op == MI_STACK_CHECK) && !stack_check(e, i))
            return false;
        return budget_check(e, i);
    case MI_CALL: return call_direct(e, i);
    case MI_CALL_REF: call_funcref_in_rax(e); return true;
    case MI_CALL_INDIRECT: call_indirect(e, i); return true;
    case MI_CALL_BUILTIN: x64_call_m(b, x64_mem(X64_R14, VMCTX_BUILTIN(i->aux))); return true;
    default: return emitter_op(e, i);
    }
}

static int
compare_sites(const void *a, const void *b)
{
    uint32_t x = ((const trap_site_t *)a)->pc, y = ((const trap_site_t *)b)->pc;
    return (x > y) - (x < y);
}

int
emitter_run(const mfunc_t *m, const emit_options_t *opts, emit_out_t *out, sl_error_t *err)
{
    emitter_t e = {.m = m, .opts = opts, .out = out, .b = &out->buf};
    out->buf.len = 0;
    out->buf.oom = false;
    out->n_relocs = out->n_sites = 0;
    e.labels = calloc(m->n_blocks ? m->n_blocks : 1, sizeof *e.labels);
    e.target = calloc(m->n_blocks ? m->n_blocks : 1, sizeof *e.target);
    uint32_t *path = calloc(m->n_blocks ? m->n_blocks : 1, sizeof *path);
    if (!e.labels || !e.target || !path) {
        free(e.labels);
        free(e.target);
        free(path);
        return SL_ENOMEM;
    }
    find_targets(&e, path);
    free(path);
    for (uint32_t k = 0; k < m->n_blocks; k++)
        x64_label_init(&e.labels[k]);
    for (uint32_t k = 0; k < m->n_pool; k++) /* the same indices as the machine IR's pool */
        emitter_const(&e, m->pool[k]);
    size_t frame_patch = prologue(&e);
    for (uint32_t bi = 0; bi < m->n_blocks && !e.rc; bi++) {
        e.block = bi;
        x64_label_bind(e.b, &e.labels[bi]);
        const mblock_t *mb = &m->blocks[bi];
        const minsn_t *prev = NULL;
        for (uint32_t k = 0; k < mb->n_insns && !e.rc; k++) {
            const minsn_t *i = &m->insns[mb->first + k];
            emit_insn(&e, i, prev);
            if (i->op != MI_LABEL)
                prev = i;
        }
    }
    emit_slow_paths(&e);
    emit_trap_stubs(&e);
    emit_pool(&e);
    for (uint32_t k = 0; k < out->n_sites; k++) /* every access lands on the bounds trap */
        out->sites[k].landing = (uint32_t)e.traps[SL_TRAP_MEMORY_OOB].pos;
    if (out->n_sites)
        qsort(out->sites, out->n_sites, sizeof *out->sites, compare_sites);
    uint32_t frame = (RA_FRAME_FIXED + m->frame_size + m->out_area + 15) & ~15u;
    x64_buf_patch32(e.b, frame_patch, frame);
    free(e.labels);
    free(e.target);
    free(e.pool);
    free(e.pool_bytes);
    free(e.slow);
    if (!e.rc && out->buf.oom)
        e.rc = SL_ENOMEM;
    if (e.rc && err && !err->code)
        error_set(err, e.rc, SL_NO_SECTION, 0, "top tier: %s",
                  e.rc == SL_ENOMEM ? "out of memory for generated code" : sl_strerror(e.rc));
    return e.rc;
}
