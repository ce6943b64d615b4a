/* x86-64 registers, condition codes and operands, shared by both compiler tiers and the
 * assembler (x64_encode.h). Registers are their hardware numbers, so encoding is arithmetic. */
#ifndef SL_X64_H
#define SL_X64_H

#include <stdbool.h>
#include <stdint.h>

typedef enum x64_reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_NO_REG = 0xff,
} x64_reg_t;

/* xmm registers: 0..15, in their own number space. */
typedef enum x64_xreg {
    X64_XMM0, X64_XMM1, X64_XMM2, X64_XMM3, X64_XMM4, X64_XMM5, X64_XMM6, X64_XMM7,
    X64_XMM8, X64_XMM9, X64_XMM10, X64_XMM11, X64_XMM12, X64_XMM13, X64_XMM14, X64_XMM15,
} x64_xreg_t;

/* A set of general or xmm registers as a bit mask (bit n = register n). */
typedef uint16_t x64_regset_t;
#define X64_REGSET(r) ((x64_regset_t)(1u << (r)))

/* Condition codes in their encoding order (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum x64_cc {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} x64_cc_t;

static inline x64_cc_t
x64_cc_negate(x64_cc_t cc)
{
    return (x64_cc_t)(cc ^ 1);
}

/* A memory operand: [base + index * scale + disp], or [rip + disp] when is_rip is set.
 * base or index may be X64_NO_REG; scale is 1, 2, 4 or 8. */
typedef struct x64_mem {
    uint8_t base, index, scale;
    bool is_rip;
    int32_t disp;
} x64_mem_t;

static inline x64_mem_t
x64_mem(x64_reg_t base, int32_t disp)
{
    return (x64_mem_t){.base = base, .index = X64_NO_REG, .scale = 1, .disp = disp};
}

static inline x64_mem_t
x64_mem_index(x64_reg_t base, x64_reg_t index, unsigned scale, int32_t disp)
{
    return (x64_mem_t){.base = base, .index = index, .scale = (uint8_t)scale, .disp = disp};
}

/* [rip + disp]: disp is relative to the end of the instruction, which the assembler computes
 * from a label or a target offset (see x64_encode.h). */
static inline x64_mem_t
x64_mem_rip(int32_t disp)
{
    return (x64_mem_t){.base = X64_NO_REG, .index = X64_NO_REG, .scale = 1, .is_rip = true,
                       .disp = disp};
}

#endif
