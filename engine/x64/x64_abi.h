/* The System V AMD64 calling convention as both compiler tiers use it for calls between
 * generated code and C (builtins, host imports, the entry trampoline): where arguments and
 * results go, which registers a call preserves, and the stack alignment at a call.
 * Constants only; nothing here allocates or fails. */
#ifndef SL_X64_ABI_H
#define SL_X64_ABI_H

#include "x64.h"

/* Integer and pointer arguments, in order; the seventh and later go on the stack. */
#define X64_ABI_N_INT_ARGS 6
static inline x64_reg_t
x64_abi_int_arg(unsigned i)
{
    static const x64_reg_t regs[X64_ABI_N_INT_ARGS] = {X64_RDI, X64_RSI, X64_RDX,
                                                       X64_RCX, X64_R8,  X64_R9};
    return regs[i];
}

/* Float arguments: xmm0 to xmm7 in order (the i-th is register i); then the stack. */
#define X64_ABI_N_FLOAT_ARGS 8
static inline x64_xreg_t
x64_abi_float_arg(unsigned i)
{
    return (x64_xreg_t)(X64_XMM0 + i);
}

#define X64_ABI_INT_ARGS                                                                           \
    ((x64_regset_t)(X64_REGSET(X64_RDI) | X64_REGSET(X64_RSI) | X64_REGSET(X64_RDX) |             \
                    X64_REGSET(X64_RCX) | X64_REGSET(X64_R8) | X64_REGSET(X64_R9)))
#define X64_ABI_FLOAT_ARGS ((x64_regset_t)0x00ff) /* xmm0-xmm7 */

/* Results: rax, then rdx for a second integer word; xmm0, then xmm1. */
#define X64_ABI_INT_RET0 X64_RAX
#define X64_ABI_INT_RET1 X64_RDX
#define X64_ABI_FLOAT_RET0 X64_XMM0
#define X64_ABI_FLOAT_RET1 X64_XMM1

/* General registers a callee must preserve: rbx, rbp, r12-r15 (and rsp). Every xmm register
 * is caller-saved (the mxcsr control bits and the x87 control word are callee-saved). */
#define X64_ABI_CALLEE_SAVED                                                                       \
    ((x64_regset_t)(X64_REGSET(X64_RBX) | X64_REGSET(X64_RBP) | X64_REGSET(X64_R12) |             \
                    X64_REGSET(X64_R13) | X64_REGSET(X64_R14) | X64_REGSET(X64_R15)))
/* General registers a call may clobber: all but the callee-saved ones and rsp. */
#define X64_ABI_CALLER_SAVED                                                                       \
    ((x64_regset_t)(0xffffu & ~(unsigned)X64_ABI_CALLEE_SAVED & ~(unsigned)X64_REGSET(X64_RSP)))
#define X64_ABI_FLOAT_CALLER_SAVED ((x64_regset_t)0xffff)

/* rsp + 8 is a multiple of this at a callee's first instruction (rsp is, before the call). */
#define X64_ABI_STACK_ALIGN 16
/* Bytes below rsp a leaf function may use without moving rsp; signal handlers skip them. */
#define X64_ABI_RED_ZONE 128

#endif
