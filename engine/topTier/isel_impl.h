/* What the instruction selector's files share (isel.c: driver, control, integers;
 * isel_call.c: calls, memory, variables; isel_float.c: floats and conversions). Internal to
 * engine/topTier. */
#ifndef SL_TOPTIER_ISEL_IMPL_H
#define SL_TOPTIER_ISEL_IMPL_H

#include "cfg.h"
#include "isel.h"

typedef struct isel {
    mfunc_t *m;
    const ir_func_t *f;
    const isel_options_t *opts;
    arena_t *arena;
    sl_error_t *err;
    int rc;
    mreg_t *vreg;      /* per IR ref: its virtual register, made on first mention */
    uint32_t *n_uses;  /* per IR ref: operands and edge arguments that read it */
    ir_ref_t *user;    /* per IR ref: the last instruction reading it (the one, if n_uses is 1) */
    uint32_t *mblock;  /* per IR block: its machine block */
    /* per IR block: incoming edges, the block they all come from (IR_NO_BLOCK if several), and
     * whether they all pass the same arguments */
    uint32_t *n_in, *in_src;
    bool *in_same;
    uint32_t *loop_cost; /* per loop header: IR instructions in the loop, the poll's charge */
    mreg_t **tuple;      /* per IR ref of a call with several results: their registers */
    cfg_t cfg;
    uint32_t cur_block; /* IR block being selected */
} isel_t;

/* Records the first error (SL_ENOTSUP with a message, or an allocation failure). */
bool isel_fail(isel_t *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* False once there is an error (turning an allocation failure of the machine IR into one). */
bool isel_check(isel_t *s);
/* An instruction appended to the current block, NULL after a failure. */
minsn_t *isel_emit(isel_t *s, unsigned op, unsigned size);
bool isel_emit2(isel_t *s, unsigned op, unsigned size, mopnd_t a, mopnd_t b);
/* The virtual register of IR value r (made on first mention, so a use may come first). */
mreg_t isel_reg(isel_t *s, ir_ref_t r);
/* A fresh virtual register of `type`, for temporaries. */
mreg_t isel_temp(isel_t *s, ir_type_t type);
/* Whether IR value r is a constant that fits a sign-extended imm32 at operand width `size`. */
bool isel_imm(const isel_t *s, ir_ref_t r, unsigned size, int64_t *imm);
/* Operand for reading r: an immediate when allow_imm and it fits, else its register. */
mopnd_t isel_src(isel_t *s, ir_ref_t r, unsigned size, bool allow_imm);
/* dst = r: a move of its register, or of the constant itself. */
bool isel_move_in(isel_t *s, mreg_t dst, ir_ref_t r, unsigned size);

static inline unsigned
isel_size_of(ir_type_t t)
{
    return t == IR_T_I32 || t == IR_T_F32 ? 4 : t == IR_T_V128 ? 16 : 8;
}

/* The lowering families; each returns false after isel_fail. */
bool isel_call(isel_t *s, ir_ref_t r);       /* calls (isel_call.c) */
bool isel_memory(isel_t *s, ir_ref_t r);     /* loads, stores, memory.*, globals, tables */
bool isel_float(isel_t *s, ir_ref_t r);      /* f32/f64 arithmetic and conversions */
bool isel_simd(isel_t *s, ir_ref_t r);       /* v128 operations (isel_simd.c) */
/* The v128 loads and stores other than v128.store, at address `at` (isel_call.c's). */
bool isel_simd_memory(isel_t *s, ir_ref_t r, mopnd_t at);

#endif
