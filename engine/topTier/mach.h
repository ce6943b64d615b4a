/* The top tier's machine IR: x86-64 instructions (mach_ops.def) on virtual registers, between
 * instruction selection (isel.c) and emission (emit.c). Register allocation (live.c,
 * regalloc.c) replaces the virtual registers with physical ones or spill slots and adds the
 * moves that joins and splits need.
 *
 *   mfunc_t ── insns[]   every block's instructions, blocks in order, each opening with LABEL
 *           ├─ blocks[]  first/n_insns into insns[], parameters, successor edges with arguments
 *           ├─ vregs[]   class and type of each virtual register (numbered from MREG_VIRTUAL)
 *           └─ pool[]    16-byte constants, placed after the code
 *
 * A register number below MREG_VIRTUAL is physical: 0-15 the general registers (x64_reg_t),
 * 16-31 xmm0-xmm15. A value of type i32 in a general register is always zero-extended to 64
 * bits, as in the baseline. Before allocation the code is SSA except for two-address forms: the
 * result of `v = a + b` is `mov v, a; add v, b`, so v is written twice, by adjacent instructions
 * of one block. Edges carry block arguments until regalloc resolves them into moves.
 *
 * Ownership: everything lives in the arena of mach_new (the caller's, freed once). Errors: the
 * first allocation failure is kept in `status` and later calls do nothing (as ir.h).
 * Threading: one compile thread. */
#ifndef SL_TOPTIER_MACH_H
#define SL_TOPTIER_MACH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir.h"
#include "x64.h"

typedef uint32_t mreg_t;
#define MREG_NONE UINT32_MAX
#define MREG_XMM(n) (16u + (unsigned)(n))
#define MREG_VIRTUAL 32u

enum mclass { MC_GP, MC_XMM };

static inline bool
mreg_is_phys(mreg_t r)
{
    return r < MREG_VIRTUAL;
}

enum mach_op {
#define MOP(id, name, roles, flags) MI_##id,
#include "mach_ops.def"
    MI_N_OPS
};

enum { MF_TERM = 1, MF_CALL = 2, MF_MOVE = 4, MF_PURE = 8 };

/* DIV's aux bits. */
enum { DIV_SIGNED = 1, DIV_REM = 2 };
/* FTOI's aux: the kind, and FTOI_F64 for an f64 source. ITOF's aux: signedness and the
 * integer's size. */
enum { FTOI_S, FTOI_U, FTOI_SAT_S, FTOI_SAT_U, FTOI_F64 = 8 };
enum { ITOF_SIGNED = 1, ITOF_64 = 2 };
/* FROUND's modes (roundss/roundsd imm8). */
enum { ROUND_NEAREST = 0, ROUND_FLOOR = 1, ROUND_CEIL = 2, ROUND_TRUNC = 3 };

const char *mach_op_name(unsigned op);
const char *mach_op_roles(unsigned op); /* one letter per operand, mach_ops.def */
unsigned mach_op_flags(unsigned op);

enum mopnd_kind { MO_NONE, MO_REG, MO_IMM, MO_MEM };

/* An operand: a register, an immediate, or memory [base + index * scale + disp] (base and
 * index registers or MREG_NONE; base rsp for the outgoing area, rbp for frame slots, r15 for
 * linear memory, r14 for the vmctx). */
typedef struct mopnd {
    uint8_t kind;
    uint8_t scale;
    mreg_t reg; /* MO_REG: the register; MO_MEM: the base */
    mreg_t index;
    int32_t disp;
    int64_t imm;
} mopnd_t;

#define MACH_MAX_OPNDS 4

/* Instruction flags. */
enum {
    MIF_TRAP_SITE = 1, /* a linear-memory access: its fault is "out of bounds memory access" */
    MIF_FOREIGN = 2,   /* a call whose i32 result may have a dirty upper half (imports) */
};

typedef struct minsn {
    uint16_t op;
    uint8_t size; /* operand width in bytes: 1, 2, 4, 8, 16 */
    uint8_t cc;   /* x64_cc_t of JCC, SETCC, CMOV, TRAPCC */
    uint8_t n_opnds;
    uint8_t flags; /* MIF_* */
    uint32_t aux, aux2;
    /* implicit physical registers: read, written, and written before any operand is read */
    x64_regset_t use_gp, def_gp, tmp_gp;
    x64_regset_t use_xmm, def_xmm, tmp_xmm;
    mopnd_t o[MACH_MAX_OPNDS];
} minsn_t;

typedef struct medge {
    uint32_t block;
    uint32_t n_args;
    mreg_t *args; /* one per parameter of the target */
} medge_t;

typedef struct mblock {
    uint32_t first, n_insns; /* in insns[]; the first is LABEL, the last a terminator */
    mreg_t *params;
    uint32_t n_params;
    medge_t *succs;
    uint32_t n_succs;
    uint32_t loop_depth;
    uint32_t ir_block; /* IR_NO_BLOCK for a block isel added on a critical edge */
} mblock_t;

/* How a constant's register is written again instead of being spilled and reloaded. */
enum { REMAT_NONE, REMAT_IMM, REMAT_POOL, REMAT_ZERO };

typedef struct mvreg {
    uint8_t cls;       /* enum mclass */
    uint8_t type;      /* ir_type_t: the slot size and the text form */
    uint8_t remat;     /* REMAT_*: written once, by a constant */
    uint8_t remat_size;
    int64_t remat_value; /* the immediate, or the pool index */
} mvreg_t;

typedef struct mfunc {
    arena_t *arena;
    const ir_func_t *ir;
    minsn_t *insns;
    uint32_t n_insns, cap_insns;
    mblock_t *blocks;
    uint32_t n_blocks, cap_blocks;
    mvreg_t *vregs; /* vregs[r - MREG_VIRTUAL] */
    uint32_t n_vregs, cap_vregs;
    uint8_t (*pool)[16];
    uint32_t n_pool, cap_pool;
    uint32_t out_area; /* bytes at rsp for the largest call's arguments and results */
    int status;
    /* set by regalloc: every register is physical and every edge argument resolved */
    bool is_allocated;
    uint32_t frame_size;          /* spill slots, bytes below the fixed part of the frame */
    x64_regset_t callee_saved;    /* rbx, r12, r13 where the code uses them */
} mfunc_t;

/* ---- building (isel.c, regalloc.c) ---- */

int mach_new(arena_t *arena, const ir_func_t *ir, mfunc_t **out);
mreg_t mach_vreg(mfunc_t *m, ir_type_t type);
uint32_t mach_block_new(mfunc_t *m); /* IR_NO_BLOCK on failure */
/* Appends an instruction with no operands to the current end of insns[]; NULL on failure. The
 * pointer is valid until the next append. */
minsn_t *mach_append(mfunc_t *m, unsigned op, unsigned size);
/* The pool index of a 16-byte constant (equal constants share an entry), UINT32_MAX on failure. */
uint32_t mach_pool_add(mfunc_t *m, const uint8_t bytes[16]);

static inline enum mclass
mach_class_of(ir_type_t t)
{
    return t == IR_T_F32 || t == IR_T_F64 || t == IR_T_V128 ? MC_XMM : MC_GP;
}

static inline enum mclass
mreg_class(const mfunc_t *m, mreg_t r)
{
    return r < 16 ? MC_GP : r < MREG_VIRTUAL ? MC_XMM : (enum mclass)m->vregs[r - MREG_VIRTUAL].cls;
}

static inline mopnd_t
mop_reg(mreg_t r)
{
    return (mopnd_t){.kind = MO_REG, .reg = r, .index = MREG_NONE, .scale = 1};
}

static inline mopnd_t
mop_imm(int64_t v)
{
    return (mopnd_t){.kind = MO_IMM, .reg = MREG_NONE, .index = MREG_NONE, .imm = v};
}

static inline mopnd_t
mop_mem(mreg_t base, mreg_t index, unsigned scale, int32_t disp)
{
    return (mopnd_t){.kind = MO_MEM, .reg = base, .index = index, .scale = (uint8_t)scale,
                     .disp = disp};
}

/* Gives instruction i the two operands a and b. */
static inline minsn_t *
mach_set2(minsn_t *i, mopnd_t a, mopnd_t b)
{
    i->n_opnds = 2;
    i->o[0] = a;
    i->o[1] = b;
    return i;
}

/* Whether a move's or an instruction's register `r` is physical register `phys`. */
static inline bool
mopnd_is_reg(const mopnd_t *o, mreg_t r)
{
    return o->kind == MO_REG && o->reg == r;
}

/* ---- text (mach.c) ---- */

/* Prints the function: `block2(v40, v41):`, `    add.4 v42, v43`, `    jmp block3(v42)`;
 * physical registers by their 64-bit names (rax, xmm3), frame slots as [rbp-48]. */
int mach_print(const mfunc_t *m, FILE *out);

#endif
