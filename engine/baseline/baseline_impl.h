/* The baseline compiler's state, shared by its files (engine-internal).
 *
 * Frame layout of a compiled function (rbp-relative):
 *
 *   [rbp + 16 ...]  incoming arguments / results area (the caller's outgoing area)
 *   [rbp + 8]       return address
 *   [rbp]           caller's rbp
 *   [rbp - 8]       this instance's vmctx (r14), to restore it after cross-instance calls
 *   [rbp - 16 ...]  the caller's values of the pinned registers this function uses (3 slots)
 *   [rbp - 48 ...]  declared locals, 16 bytes each (downwards)
 *   [below]         one 16-byte home slot per value-stack position
 *   [rsp ...]       outgoing call area, sized for the largest call
 *
 * The value stack (Liftoff's cache state, simplified) records for each wasm operand where it is:
 * in a register, a constant not yet materialised, or in its home slot. At every control-flow
 * merge (block entry, branch, block end) all values are in their home slots, so a merge needs no
 * negotiation: the label's values are simply written to the homes of the label's positions.
 *
 * Locals live in their frame slots, except the (up to) five integer or reference locals used
 * most, weighted by loop depth (local_scan.c), which live in rbx, r12, r13, r10 and r9 for the
 * whole function, and the six float locals used most, in xmm9-xmm14: no merge has to move them,
 * and loop variables stop making round trips through memory. rbx, r12 and r13 are callee-saved,
 * for wasm functions as for C; the others are not, so those locals are written to their slots
 * before any call and read back after it (emit_pinned_around_call).
 */
#ifndef SL_BASELINE_IMPL_H
#define SL_BASELINE_IMPL_H

#include "baseline.h"
#include "body_decoder_impl.h"
#include "code_map.h"
#include "vmctx.h"
#include "x64.h"
#include "x64_buffer.h"
#include "x64_encode.h"
#include "x64_label.h"
#include "vec.h"

/* LOC_COND: an i32 comparison result still in the flags (`reg` holds the condition code); only
 * made for a comparison directly followed by br_if or if, which consume it before any other
 * instruction is emitted.
 * LOC_LOCAL: the current value of local `imm`, not copied yet (local.get): an operand that is
 * only read comes straight from the local's pinned register or frame slot. Writing the local
 * first turns every such slot into a copy (vs_before_local_write). */
enum { LOC_STACK, LOC_REG, LOC_CONST, LOC_COND, LOC_LOCAL };

typedef struct vslot {
    uint8_t loc;  /* LOC_* */
    uint8_t type; /* value type */
    uint8_t reg;  /* LOC_REG: the register */
    int64_t imm;  /* LOC_CONST: the value (i32 sign-extended) */
} vslot_t;

/* The compiler's mirror of one validator control frame. */
typedef struct bctrl {
    x64_label_t end_label;  /* after the block (not used by loops' branches) */
    x64_label_t else_label; /* if: the false branch */
    x64_label_t head_label; /* loop: the header branches go to */
    uint32_t height;        /* value-stack depth below the frame's parameters */
    bool is_dead;           /* opened in unreachable code: nothing is emitted */
    bool has_else;
    uint32_t wasm_start;    /* loop: the offset of its opcode in the module */
    size_t budget_patch;    /* loop: the imm32 of its budget check, set to its size at its end */
} bctrl_t;

/* A 16-byte constant in the function's pool (emit_simd.c). */
typedef struct pool_entry {
    uint8_t bytes[16];
    x64_label_t label;
} pool_entry_t;

/* Trap stubs emitted after the body, one per kind the function uses. */
typedef struct trap_stub {
    x64_label_t label;
    bool is_used;
} trap_stub_t;

/* General registers the value stack may use. r11 is the emitters' scratch register, r14 and r15
 * are reserved (vmctx.h), rsp and rbp hold the frame, rbx, r12, r13, r10 and r9 hold pinned
 * locals. */
#define BASELINE_GP_REGS                                                                           \
    (X64_REGSET(X64_RAX) | X64_REGSET(X64_RCX) | X64_REGSET(X64_RDX) | X64_REGSET(X64_RSI) |       \
     X64_REGSET(X64_RDI) | X64_REGSET(X64_R8))
/* Pinned general registers, in the order they are handed out: the callee-saved ones first, which
 * survive calls; the others are saved around calls like the xmm ones. */
#define BASELINE_N_PINNED 5
#define BASELINE_N_PINNED_CALLEE_SAVED 3
#define BASELINE_PINNED_REGS {X64_RBX, X64_R12, X64_R13, X64_R10, X64_R9}
#define FRAME_VMCTX (-8)
#define FRAME_SAVED_PINNED (-16) /* the first of BASELINE_N_PINNED_CALLEE_SAVED, downwards */
#define FRAME_FIRST_LOCAL (-48)
#define SCRATCH X64_R11
/* xmm registers for float (and later v128) values: xmm0-xmm8. xmm9-xmm14 hold pinned float
 * locals, xmm15 is the emitters' scratch register. */
#define BASELINE_XMM_REGS ((x64_regset_t)0x01ff)
#define BASELINE_N_PINNED_XMM 6
#define BASELINE_FIRST_PINNED_XMM X64_XMM9
#define SCRATCH_X X64_XMM15

/* Which register file a value of `type` lives in when it is in a register. */
static inline bool
is_xmm_type(uint8_t type)
{
    return type == SL_TYPE_F32 || type == SL_TYPE_F64 || type == SL_TYPE_V128;
}

struct baseline {
    sl_limits_t limits;
    /* The CPU has AVX and the engine lets the code use it (baseline_new): binary xmm operations
     * then take the VEX three-operand forms (avx_binary). Legacy SSE and VEX.128 instructions
     * mix freely in generated code: the SSE/AVX transition penalties come from dirty upper
     * halves of the ymm registers, and nothing here writes them (VEX.128 zeroes them, no 256-bit
     * instruction is emitted, and the C code around generated code ends its AVX use with
     * vzeroupper as the ABI expects). */
    bool has_avx;
    body_validator_t *validator;
    x64_buf_t buf;

    vslot_t *stack;
    uint32_t depth, max_depth;
    size_t cap_stack;
    uint32_t alias_floor;  /* no LOC_LOCAL slot below this position */
    x64_regset_t gp_used;  /* general registers holding values (or owned by an emitter) */
    x64_regset_t xmm_used; /* likewise for xmm registers */

    bctrl_t *ctrls;
    uint32_t n_ctrls;
    size_t cap_ctrls;

    int32_t *local_offsets; /* rbp-relative, per local */
    uint8_t *local_regs;    /* per local: its pinned register, or X64_NO_REG */
    uint64_t *local_uses;   /* per local: weighted uses (local_scan.c) */
    unsigned n_pinned;      /* pinned registers in use: the first n of BASELINE_PINNED_REGS */
    unsigned n_pinned_xmm;  /* pinned xmm registers in use, from BASELINE_FIRST_PINNED_XMM */
    uint32_t saved_around_calls[BASELINE_N_PINNED + BASELINE_N_PINNED_XMM]; /* those locals */
    unsigned n_saved_around_calls; /* pinned in caller-saved registers */
    bool are_pinned_live;   /* past the prologue: pinned registers hold the locals */
    size_t cap_local_offsets, cap_local_regs, cap_local_uses;
    int32_t locals_size;    /* bytes below rbp before the first home slot */
    uint32_t out_area;      /* largest outgoing call area */
    size_t frame_patch;     /* offset of the prologue's frame-size imm32 */

    trap_stub_t traps[SL_N_TRAPS_ + 1];
    pool_entry_t *pool;        /* v128 constants, placed after the code */
    uint32_t n_pool;
    size_t cap_pool;
    x64_label_t *table_labels; /* br_table: per branch depth, its stub */
    size_t cap_table_labels;
    uint32_t *table_depths;    /* br_table: the decoded targets */
    size_t cap_table_depths;

    baseline_reloc_t *relocs;
    uint32_t n_relocs;
    size_t cap_relocs;
    trap_site_t *trap_sites;
    uint32_t n_trap_sites;
    size_t cap_trap_sites;

    const sl_module_t *module;
    uint32_t func_index;
    const sl_functype_t *type;
};

static inline unsigned
type_size(uint8_t type)
{
    return type == SL_TYPE_I32 || type == SL_TYPE_F32 ? 4 : type == SL_TYPE_V128 ? 16 : 8;
}

static inline x64_mem_t
home(const baseline_t *b, uint32_t position)
{
    return x64_mem(X64_RBP, -(b->locals_size + 16 * (int32_t)(position + 1)));
}

/* Records an error (SL_ENOMEM, SL_ENOTSUP, SL_ELIMIT) at the current instruction. */
bool baseline_fail(baseline_t *b, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Grows one of the compilation's arrays (vec_grow) to `need` elements within `limit`; a failure
 * ends the compilation with SL_ELIMIT ("<what> ...") or SL_ENOMEM. BASELINE_RESERVE names the
 * array and its capacity field. */
bool baseline_reserve(baseline_t *b, void **items, size_t *cap, size_t need, size_t elem_size,
                      size_t limit, const char *what);
#define BASELINE_RESERVE(b, field, need, limit, what)                                              \
    baseline_reserve((b), (void **)&(b)->field, &(b)->cap_##field, (need), sizeof *(b)->field,     \
                     (limit), (what))

/* ---- value stack (vstack.c) ----
 * Registers are numbered within their file: a slot's `reg` is a general register for integer and
 * reference types, an xmm register for f32, f64 and v128 (is_xmm_type). Functions that take or
 * return a register of a slot use the slot's file; the _x variants name the xmm file outright.
 * A float constant's `imm` holds its bit pattern. */
bool vs_push_reg(baseline_t *b, uint8_t type, x64_reg_t r);
bool vs_push_const(baseline_t *b, uint8_t type, int64_t imm);
bool vs_push_stack(baseline_t *b, uint8_t type);
x64_reg_t vs_alloc(baseline_t *b, x64_regset_t exclude);
x64_xreg_t vs_alloc_x(baseline_t *b, x64_regset_t exclude);
void vs_free(baseline_t *b, x64_reg_t r);
void vs_free_x(baseline_t *b, x64_xreg_t r);
/* Makes slot `position` a register (not in `exclude`, a set in the slot's file) and returns it. */
x64_reg_t vs_to_reg(baseline_t *b, uint32_t position, x64_regset_t exclude);
/* Pops the top value into a register the caller then owns (and frees or pushes). */
x64_reg_t vs_pop_reg(baseline_t *b, x64_regset_t exclude);
/* Loads a `type` value from memory into a new register and pushes it. */
bool vs_push_load(baseline_t *b, uint8_t type, x64_mem_t src);
/* local.get: pushes a LOC_LOCAL slot for local `index` of `type`. */
bool vs_push_local(baseline_t *b, uint8_t type, uint32_t index);
/* Before local `index` is written: its LOC_LOCAL slots become copies of the old value. */
void vs_before_local_write(baseline_t *b, uint32_t index);
/* A register holding slot `position`'s value for reading only (the caller must not write it):
 * a pinned local's own register, else what vs_to_reg gives. */
x64_reg_t vs_read_reg(baseline_t *b, uint32_t position, x64_regset_t exclude);
/* The xmm file's versions of vs_to_reg and vs_read_reg, for the float and v128 operators. */
static inline x64_xreg_t
vs_to_xreg(baseline_t *b, uint32_t position, x64_regset_t exclude)
{
    return (x64_xreg_t)vs_to_reg(b, position, exclude);
}

static inline x64_xreg_t
vs_read_xreg(baseline_t *b, uint32_t position, x64_regset_t exclude)
{
    return (x64_xreg_t)vs_read_reg(b, position, exclude);
}

/* The xmm register of slot `position` if it is in one, for the `exclude` set of another xmm
 * operand; else the empty set. */
static inline x64_regset_t
vs_xmm_of(const baseline_t *b, uint32_t position)
{
    const vslot_t *s = &b->stack[position];
    return s->loc == LOC_REG && is_xmm_type(s->type) ? X64_REGSET(s->reg) : 0;
}

/* Where a LOC_LOCAL slot's local lives: its pinned register (or X64_NO_REG) and frame slot. */
static inline x64_reg_t
local_reg(const baseline_t *b, uint32_t index)
{
    return (x64_reg_t)b->local_regs[index];
}

static inline x64_mem_t
local_slot(const baseline_t *b, uint32_t index)
{
    return x64_mem(X64_RBP, b->local_offsets[index]);
}
/* ---- AVX three-operand forms (b->has_avx only) ----
 * A binary xmm operation on the top two slots, `vop dst, src1, src2`, whose sources are only
 * read: src1 is the left operand (top - 1, or top when is_swapped), src2 the other. A pinned
 * local's register is read in place, so a left operand that must not be overwritten is never
 * copied first; the result goes to the left operand's own register when it has one, else the
 * right one's, else a new one. When may_use_mem is set, src2 that is in memory (a home slot or a
 * local's frame slot) stays there: VEX memory operands need no alignment, and the scalar forms
 * read only the operand's own bytes. avx_operands returns true when src2 is *mem rather than
 * *src2; finish with avx_done, which replaces both operands with the result. */
bool avx_operands(baseline_t *b, bool is_swapped, bool may_use_mem, x64_xreg_t *dst,
                  x64_xreg_t *src1, x64_xreg_t *src2, x64_mem_t *mem);
bool avx_done(baseline_t *b, uint8_t type, x64_xreg_t dst);
/* The whole operation, through xxm for a source in memory when xxm is not NULL; returns dst. */
x64_xreg_t avx_binary(baseline_t *b, bool is_swapped, uint8_t type,
                      void (*xxx)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t),
                      void (*xxm)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t));

/* Pops the top value into register `r`, moving whatever else is there out of the way. */
void vs_pop_into(baseline_t *b, x64_reg_t r);
/* Moves the value in `r`, if any, elsewhere (not into `exclude`) so `r` can be used. */
void vs_evict(baseline_t *b, x64_reg_t r, x64_regset_t exclude);
void vs_drop(baseline_t *b, uint32_t n);
void vs_spill(baseline_t *b, uint32_t position);
void vs_spill_all(baseline_t *b);
/* Truncates to `height` and pushes `n` values of `types` in their homes (a merge's result). */
bool vs_reset(baseline_t *b, uint32_t height, const uint8_t *types, uint32_t n);
/* Loads slot `position`'s value into general register `r` (not the scratch register), leaving
 * the slot as it is. */
void vs_copy_to_reg(baseline_t *b, uint32_t position, x64_reg_t r);
/* Stores slot `position`'s value into `dst` (memory), through the scratch register. */
void vs_store_to(baseline_t *b, uint32_t position, x64_mem_t dst);

/* Counts each local's uses in the rest of the body, weighted by loop depth, into
 * uses[0..v->n_locals); the validator's reader is left where it was. */
void scan_local_uses(body_validator_t *v, uint64_t *uses);

/* ---- emitters ---- */
bool emit_numeric(baseline_t *b, unsigned op, const body_imm_t *imm); /* integers */
void finish_comparison(baseline_t *b, x64_reg_t r, x64_cc_t cc);
bool emit_float(baseline_t *b, unsigned op, const body_imm_t *imm);   /* with a float operand */
bool emit_convert(baseline_t *b, unsigned op); /* float <-> integer, from emit_float */
bool emit_memory(baseline_t *b, unsigned op, const body_imm_t *imm);  /* memory and data */
bool emit_simd(baseline_t *b, unsigned op, const body_imm_t *imm);    /* every 0xFD opcode */

/* ---- linear memory accesses (emit_memory.c), for every access instruction ----
 * The operand addressing index slot `position` (an i32 left on the stack) plus `offset`:
 * r15 + index + offset. *temp gets a register to free after the access, or X64_NO_REG; `exclude`
 * keeps registers the caller still needs out; the scratch registers are never used. */
x64_mem_t mem_address(baseline_t *b, uint32_t position, uint32_t offset, x64_regset_t exclude,
                      x64_reg_t *temp);
/* Call right before emitting an access instruction: registers it as a trap site landing on the
 * "out of bounds memory access" stub. */
bool mem_note_access_site(baseline_t *b);

/* ---- v128 support shared by the SIMD families (emit_simd.c) ----
 * A 16-byte constant as a memory operand: emit the instruction with x64_mem_rip(0) as its last
 * operand (so that it ends in the disp32), then call simd_use_const. */
void simd_use_const(baseline_t *b, const uint8_t bytes[16]);
/* The shapes of the xmm emitters the float and SIMD families pass around. */
typedef void (*xx_fn)(x64_buf_t *, x64_xreg_t, x64_xreg_t);
typedef void (*xm_fn)(x64_buf_t *, x64_xreg_t, x64_mem_t);
/* dst OP= the pool constant `bytes` (the pool is 16-byte aligned, so any SSE form may read it). */
void simd_xm_const(baseline_t *b, xm_fn op, x64_xreg_t dst, const uint8_t bytes[16]);
/* dst OP= the pool constant with `lane` (`size` bytes: 1, 2, 4 or 8) in every lane. */
void simd_xm_splat(baseline_t *b, xm_fn op, x64_xreg_t dst, uint64_t lane, unsigned size);
/* Pushes a v128 constant, loaded into a new register. */
bool simd_push_const(baseline_t *b, const uint8_t bytes[16]);
/* Places the constants after the body (baseline_compile_function). */
void simd_emit_pool(baseline_t *b);
/* The families emit_simd dispatches to (emit_simd_lane.c, emit_simd_int.c, emit_simd_float.c). */
bool emit_simd_lane(baseline_t *b, unsigned op, const body_imm_t *imm);
bool emit_simd_int(baseline_t *b, unsigned op, const body_imm_t *imm);
bool emit_simd_float(baseline_t *b, unsigned op, const body_imm_t *imm);
bool emit_branch(baseline_t *b, uint32_t depth);
/* Branches to `depth` when `cc` holds, falling through otherwise. */
bool emit_branch_if(baseline_t *b, uint32_t depth, x64_cc_t cc);
/* br_table through a jump table: depths[0..n) by index, depths[n] the default. Values spilled. */
bool emit_branch_table(baseline_t *b, x64_reg_t index, const uint32_t *depths, uint32_t n);
/* Pops an i32 condition: the code under which it is true (a pending comparison's, or a test of
 * the value against zero). */
x64_cc_t vs_pop_condition(baseline_t *b);
bool emit_call(baseline_t *b, uint32_t func_index);
bool emit_call_indirect(baseline_t *b, uint32_t type_index, uint32_t table_index);
void emit_builtin_call(baseline_t *b, enum vm_builtin which, const int64_t *imms, unsigned n_imms,
                       unsigned n_args);
bool emit_global(baseline_t *b, unsigned op, uint32_t index);
bool emit_table(baseline_t *b, unsigned op, uint32_t x, uint32_t y); /* and segment drops */
bool emit_ref(baseline_t *b, unsigned op, uint32_t arg);
/* The out-of-line stub raising `trap` (emitted after the body), created on first use. */
x64_label_t *emit_trap_stub(baseline_t *b, int trap);
void emit_trap_jump(baseline_t *b, x64_cc_t cc, int trap, bool is_conditional);
void emit_stack_check(baseline_t *b);
/* Around a call: stores the locals pinned in caller-saved registers to their slots (is_save) or
 * reloads them. */
void emit_pinned_around_call(baseline_t *b, bool is_save);
size_t emit_budget_check(baseline_t *b, int32_t cost);
/* Budget units: about one per byte of wasm code run. A call is charged this much at entry; a
 * loop iteration is charged its body's size. */
#define BUDGET_CALL_COST 32
void emit_out_of_line(baseline_t *b);
void emit_return_sequence(baseline_t *b);

#endif
