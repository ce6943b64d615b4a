/* What emit.c (driver, frame, control, calls, checks) and emit_ops.c (moves, memory,
 * arithmetic) share. Internal to engine/topTier. */
#ifndef SL_TOPTIER_EMIT_IMPL_H
#define SL_TOPTIER_EMIT_IMPL_H

#include "emit.h"
#include "regalloc_impl.h"
#include "vmctx.h"
#include "x64_encode.h"
#include "x64_label.h"

#define SCRATCH X64_R11
#define SCRATCH_X X64_XMM15

/* A check's slow path, placed after the body: it saves the registers live across the check,
 * calls its builtin and jumps back. */
typedef struct slow_path {
    x64_label_t entry, back;
    const minsn_t *insn;
    uint8_t builtin; /* enum vm_builtin */
} slow_path_t;

typedef struct emitter {
    const mfunc_t *m;
    const emit_options_t *opts;
    emit_out_t *out;
    x64_buf_t *b;
    int rc;
    x64_label_t *labels; /* per block */
    uint32_t *target;    /* per block: where a jump to it goes (past blocks that only jump) */
    /* the constants after the code: the machine IR's pool, then those the emitters add */
    x64_label_t *pool;
    uint8_t (*pool_bytes)[16];
    uint32_t n_pool, cap_pool;
    x64_label_t traps[SL_N_TRAPS_ + 1];
    bool is_trap_used[SL_N_TRAPS_ + 1];
    slow_path_t *slow;
    uint32_t n_slow, cap_slow;
    uint32_t block; /* being emitted */
} emitter_t;

bool emitter_fail(emitter_t *e, int code, const char *what);
/* The stub raising `trap` (emitted after the body), created on first use. */
x64_label_t *emitter_trap_label(emitter_t *e, int trap);
/* Records the next instruction as a linear-memory access site. */
bool emitter_trap_site(emitter_t *e);

static inline x64_reg_t
gp(const mopnd_t *o)
{
    return (x64_reg_t)o->reg;
}

static inline x64_xreg_t
xmm(const mopnd_t *o)
{
    return (x64_xreg_t)(o->reg - 16);
}

static inline bool
is_xmm_opnd(const mopnd_t *o)
{
    return o->kind == MO_REG && o->reg >= 16 && o->reg < MREG_VIRTUAL;
}

static inline x64_mem_t
mem(const mopnd_t *o)
{
    x64_mem_t m = x64_mem_index((x64_reg_t)(o->reg == MREG_NONE ? X64_NO_REG : o->reg),
                                (x64_reg_t)(o->index == MREG_NONE ? X64_NO_REG : o->index),
                                o->scale ? o->scale : 1, o->disp);
    return m;
}

/* emit_ops.c: one instruction that is neither control, a call nor a check. */
bool emitter_op(emitter_t *e, const minsn_t *i);
/* emit_float.c: the scalar float and conversion instructions (emitter_op's). */
bool emitter_float(emitter_t *e, const minsn_t *i);
/* emit_simd.c: the v128 instructions (emitter_float's). */
bool emitter_simd(emitter_t *e, const minsn_t *i);
/* The pool index of a 16-byte constant, added after the code if it is not there yet;
 * UINT32_MAX after a failure. Take &e->pool[k] only right before use: the array grows. */
uint32_t emitter_const(emitter_t *e, const uint8_t bytes[16]);

#endif
