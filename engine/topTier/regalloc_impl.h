/* Live intervals, shared by live.c (which builds them), regalloc.c (which assigns them) and
 * resolve.c (which turns the assignment into code). Internal to engine/topTier.
 *
 * Positions: instruction i (in insns[], blocks in order) reads its operands at 2i and writes its
 * results at 2i + 1; a block covers [2 * first, 2 * (first + n_insns)). A block's parameters are
 * written by its LABEL. Splits happen at even positions only, i.e. between instructions.
 *
 * An interval is a window [start, end) over its value's sorted ranges and use positions: a
 * split child shares its parent's arrays and only narrows the window, so splitting copies
 * nothing. Children of one value are chained in position order from the parent. */
#ifndef SL_TOPTIER_REGALLOC_IMPL_H
#define SL_TOPTIER_REGALLOC_IMPL_H

#include "regalloc.h"

/* The allocator's error state, shared by live.c, regalloc.c and resolve.c: the first error
 * stays (its code in rc, its message in err) and later steps give up; work is counted against
 * a budget proportional to the code, past which the function stays on the baseline. */
typedef struct ra_status {
    arena_t *arena;
    sl_error_t *err; /* may be NULL */
    int rc;
    uint64_t work, budget;
} ra_status_t;

/* Each returns false, for `return ra_fail(...)`. */
bool ra_fail(ra_status_t *st, int code, const char *what);
bool ra_fail_alloc(ra_status_t *st); /* the arena's SL_ELIMIT or SL_ENOMEM */
bool ra_spend(ra_status_t *st, uint64_t units);
/* Grows an arena array of `size`-byte elements to hold `need` (doubling; the old copy stays). */
bool ra_grow(ra_status_t *st, void **array, uint32_t *cap, uint32_t need, size_t size);

typedef struct lrange {
    uint32_t from, to; /* [from, to) */
} lrange_t;

/* A use position: MUST needs a register, MAY can read the value from its spill slot. */
enum { USE_MUST, USE_MAY };

typedef struct luse {
    uint32_t pos;
    uint8_t kind;
} luse_t;

/* Where a value is at some position. */
enum { LOC_NONE, LOC_REG, LOC_SLOT, LOC_REMAT };

typedef struct interval {
    mreg_t vreg;  /* the value (a physical register for fixed intervals) */
    uint8_t cls;  /* enum mclass */
    int8_t reg;   /* assigned register number in its file (0-15), -1 when spilled or unassigned */
    bool is_fixed;
    bool is_spilled; /* handled without a register: in the parent's slot (or rematerialized) */
    uint32_t start, end;
    const lrange_t *ranges; /* the ranges that meet [start, end), clipped to it when read */
    uint32_t n_ranges;
    const luse_t *uses;     /* the use positions in [start, end) */
    uint32_t n_uses;
    struct interval *parent; /* the value's first interval (itself for the first) */
    struct interval *next;   /* the value's next child, in position order */
    mreg_t hint;             /* a register (physical or virtual) a move connects it to */
    int32_t slot;            /* parent only: the spill slot's rbp offset, 0 for none yet */
    uint32_t last_def;       /* parent only: position of its last definition */
    uint32_t def_block;      /* parent only */
    bool is_param;           /* parent only: a block parameter (written by edge moves) */
    bool is_read;            /* parent only: some instruction or edge reads the value */
} interval_t;

typedef struct liveness {
    uint32_t n_insns, n_blocks;
    uint32_t *block_of;   /* per instruction: its block */
    uint32_t *pred_start, *preds; /* distinct predecessor blocks, as in cfg.h */
    /* values live at each block's start other than its parameters:
     * livein[livein_start[b] .. livein_start[b + 1]) */
    uint32_t *livein_start;
    mreg_t *livein;
    interval_t *intervals; /* per virtual register (index vreg - MREG_VIRTUAL) */
    interval_t fixed[32];  /* per physical register; empty for those never written */
} liveness_t;

/* Builds the intervals of m. SL_ELIMIT past the work budget, SL_ENOMEM, or SL_ENOTSUP when a
 * register is read without a definition (a selector bug: the function stays on the baseline,
 * counted). */
int live_build(const mfunc_t *m, arena_t *arena, liveness_t *out, sl_error_t *err);

static inline uint32_t
range_from(const interval_t *it, uint32_t k)
{
    uint32_t f = it->ranges[k].from;
    return f < it->start ? it->start : f;
}

static inline uint32_t
range_to(const interval_t *it, uint32_t k)
{
    uint32_t t = it->ranges[k].to;
    return t > it->end ? it->end : t;
}

/* Whether it covers pos. */
bool interval_covers(const interval_t *it, uint32_t pos);
/* The index of the first of its ranges (clipped) that ends after pos, n_ranges if none. */
uint32_t interval_range_after(const interval_t *it, uint32_t pos);

static inline uint32_t
block_from(const mfunc_t *m, uint32_t b)
{
    return 2 * m->blocks[b].first;
}

static inline uint32_t
block_to(const mfunc_t *m, uint32_t b)
{
    return 2 * (m->blocks[b].first + m->blocks[b].n_insns);
}

/* The registers regalloc hands out, in order of preference (caller-saved first). */
#define RA_GP_REGS                                                                                 \
    (X64_REGSET(X64_RAX) | X64_REGSET(X64_RCX) | X64_REGSET(X64_RDX) | X64_REGSET(X64_RBX) |       \
     X64_REGSET(X64_RSI) | X64_REGSET(X64_RDI) | X64_REGSET(X64_R8) | X64_REGSET(X64_R9) |         \
     X64_REGSET(X64_R10) | X64_REGSET(X64_R12) | X64_REGSET(X64_R13))
#define RA_XMM_REGS ((x64_regset_t)0x7fff)
/* What a call clobbers of those: all but the callee-saved rbx, r12, r13 (vmctx.h). */
#define RA_GP_CALLER_SAVED                                                                         \
    (X64_REGSET(X64_RAX) | X64_REGSET(X64_RCX) | X64_REGSET(X64_RDX) | X64_REGSET(X64_RSI) |       \
     X64_REGSET(X64_RDI) | X64_REGSET(X64_R8) | X64_REGSET(X64_R9) | X64_REGSET(X64_R10))
#define RA_GP_CALLEE_SAVED (X64_REGSET(X64_RBX) | X64_REGSET(X64_R12) | X64_REGSET(X64_R13))

/* The frame below rbp: [rbp - 8] the vmctx, then the three callee-saved registers, then the
 * spill slots. */
#define RA_FRAME_FIXED 32

/* A register mentioned by an instruction, with its role (mach_ops.def: D U B m T; registers
 * inside a memory operand are read, 'U'). */
typedef struct mention {
    mreg_t *reg;
    char role;
} mention_t;

enum { MAX_MENTIONS = 2 * MACH_MAX_OPNDS };

static inline unsigned
insn_mentions(minsn_t *i, mention_t *out)
{
    const char *roles = mach_op_roles(i->op);
    unsigned n = 0;
    for (unsigned k = 0; k < i->n_opnds; k++) {
        mopnd_t *o = &i->o[k];
        if (o->kind == MO_REG) {
            out[n++] = (mention_t){&o->reg, roles[k]};
        } else if (o->kind == MO_MEM) {
            if (o->reg != MREG_NONE)
                out[n++] = (mention_t){&o->reg, 'U'};
            if (o->index != MREG_NONE)
                out[n++] = (mention_t){&o->index, 'U'};
        }
    }
    return n;
}

static inline bool
role_reads(char role)
{
    return role == 'U' || role == 'B' || role == 'm';
}

static inline bool
role_writes(char role)
{
    return role == 'D' || role == 'B';
}

/* resolve.c: given the assignment, inserts every move and rewrites m (regalloc.h). */
int resolve_run(mfunc_t *m, liveness_t *lv, arena_t *arena, sl_error_t *err);

#endif
