/* The baseline compiler's state, shared by its files (engine-internal).
 *
 * Frame layout of a compiled function (rbp-relative):
 *
 *   [rbp + 16 ...]  incoming arguments / results area (the caller's outgoing area)
 *   [rbp + 8]       return address
 *   [rbp]           caller's rbp
 *   [rbp - 8]       this instance's vmctx (r14), to restore it after cross-instance calls
 *   [rbp - 16 ...]  declared locals, 16 bytes each
 *   [below]         one 16-byte home slot per value-stack position
 *   [rsp ...]       outgoing call area, sized for the largest call
 *
 * The value stack (Liftoff's cache state, simplified) records for each wasm operand where it is:
 * in a register, a constant not yet materialised, or in its home slot. At every control-flow
 * merge (block entry, branch, block end) all values are in their home slots, so a merge needs no
 * negotiation: the label's values are simply written to the homes of the label's positions.
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

enum { LOC_STACK, LOC_REG, LOC_CONST };

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
} bctrl_t;

/* Trap stubs emitted after the body, one per kind the function uses. */
typedef struct trap_stub {
    x64_label_t label;
    bool is_used;
} trap_stub_t;

struct baseline {
    sl_limits_t limits;
    body_validator_t *validator;
    x64_buf_t buf;

    vslot_t *stack;
    uint32_t depth, cap_stack, max_depth;
    x64_regset_t gp_used;

    bctrl_t *ctrls;
    uint32_t n_ctrls, cap_ctrls;

    int32_t *local_offsets; /* rbp-relative, per local */
    uint32_t cap_locals;
    int32_t locals_size;    /* bytes below rbp before the first home slot */
    uint32_t out_area;      /* largest outgoing call area */
    size_t frame_patch;     /* offset of the prologue's frame-size imm32 */

    trap_stub_t traps[SL_N_TRAPS_ + 1];

    baseline_reloc_t *relocs;
    uint32_t n_relocs, cap_relocs;
    trap_site_t *trap_sites;
    uint32_t n_trap_sites, cap_trap_sites;

    const sl_module_t *module;
    uint32_t func_index;
    const sl_functype_t *type;
};

/* General registers the value stack may use. r11 is the emitters' scratch register, r14 and r15
 * are reserved (vmctx.h), rsp and rbp hold the frame. */
#define BASELINE_GP_REGS                                                                           \
    (X64_REGSET(X64_RAX) | X64_REGSET(X64_RCX) | X64_REGSET(X64_RDX) | X64_REGSET(X64_RBX) |       \
     X64_REGSET(X64_RSI) | X64_REGSET(X64_RDI) | X64_REGSET(X64_R8) | X64_REGSET(X64_R9) |         \
     X64_REGSET(X64_R10) | X64_REGSET(X64_R12) | X64_REGSET(X64_R13))
#define SCRATCH X64_R11

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

/* ---- value stack (vstack.c) ---- */
bool vs_push_reg(baseline_t *b, uint8_t type, x64_reg_t r);
bool vs_push_const(baseline_t *b, uint8_t type, int64_t imm);
bool vs_push_stack(baseline_t *b, uint8_t type);
x64_reg_t vs_alloc(baseline_t *b, x64_regset_t exclude);
void vs_free(baseline_t *b, x64_reg_t r);
/* Makes slot `position` a register (not in `exclude`) and returns it. */
x64_reg_t vs_to_reg(baseline_t *b, uint32_t position, x64_regset_t exclude);
/* Pops the top value into a register the caller then owns (and frees or pushes). */
x64_reg_t vs_pop_reg(baseline_t *b, x64_regset_t exclude);
/* Pops the top value into register `r`, moving whatever else is there out of the way. */
void vs_pop_into(baseline_t *b, x64_reg_t r);
/* Moves the value in `r`, if any, elsewhere (not into `exclude`) so `r` can be used. */
void vs_evict(baseline_t *b, x64_reg_t r, x64_regset_t exclude);
void vs_drop(baseline_t *b, uint32_t n);
void vs_spill(baseline_t *b, uint32_t position);
void vs_spill_all(baseline_t *b);
/* Truncates to `height` and pushes `n` values of `types` in their homes (a merge's result). */
bool vs_reset(baseline_t *b, uint32_t height, const uint8_t *types, uint32_t n);
/* Stores slot `position`'s value into `dst` (memory), through the scratch register. */
void vs_store_to(baseline_t *b, uint32_t position, x64_mem_t dst);

/* ---- emitters ---- */
bool emit_numeric(baseline_t *b, unsigned op, const body_imm_t *imm);
bool emit_branch(baseline_t *b, uint32_t depth);
bool emit_call(baseline_t *b, uint32_t func_index);
void emit_trap_jump(baseline_t *b, x64_cc_t cc, int trap, bool is_conditional);
void emit_stack_check(baseline_t *b);
void emit_out_of_line(baseline_t *b);
void emit_return_sequence(baseline_t *b);

#endif
