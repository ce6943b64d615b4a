/* The x86-64 assembler both compiler tiers use: one emitter per instruction and operand shape,
 * named x64_<mnemonic>_<shape> (r general register, m memory, i immediate, x xmm register,
 * in operand order), each writing one instruction at the end of a code buffer. Jumps, calls and
 * rip-relative operands to labels are in x64_label.h.
 *
 * Contract: `size` is the operand width in bytes (1, 2, 4 or 8; each emitter says which it
 * takes), and 32-bit operations zero the upper half of the destination as the hardware does.
 * Invalid operands (a size the instruction lacks, rsp as an index, a scale other than 1, 2, 4,
 * 8) abort through SL_ASSERT rather than encode something else. Allocation failure only sets
 * b->oom (see x64_buffer.h). Rip-relative displacements are relative to the end of the
 * instruction, immediates included. Any thread; one buffer per thread. */
#ifndef SL_X64_ENCODE_H
#define SL_X64_ENCODE_H

#include <stdint.h>

#include "x64.h"
#include "x64_buffer.h"

/* The families of x64_insn.def. Intel forms:
 *   ALU (add or adc sbb and sub xor cmp), sizes 1, 2, 4, 8:
 *     _rr  op r/m, r          dst in ModRM.rm
 *     _ri  op r/m, imm8|imm32 the sign-extended imm8 form when imm fits (always for size 1)
 *     _rm  op r, r/m
 *     _mr  op r/m, r
 *     _mi  op r/m, imm8|imm32
 *   unary (not neg div idiv), sizes 1, 2, 4, 8:   _r    op r/m
 *     div and idiv divide rdx:rax (edx:eax, dx:ax, ax for 1) by the operand.
 *   shifts (rol ror shl shr sar), sizes 1, 2, 4, 8:
 *     _rcl op r/m, cl
 *     _ri  op r/m, 1 | op r/m, imm8
 *   bit counts (lzcnt tzcnt popcnt bsr bsf), sizes 2, 4, 8:   _rr  op r, r/m
 *   fixed (ret int3 ud2 mfence): x64_<name>(b)
 *   SSE: _xx op xmm, xmm;  _xm op xmm, m;  moves also _mx op m, xmm
 *   AVX (the rows marked NDS): x64_v<name>_xxx vop xmm1, xmm2, xmm3;  _xxm vop xmm1, xmm2, m;
 *     _xxxi vop xmm1, xmm2, xmm3, imm8. VEX.128: xmm1 is written, xmm2 and xmm3/m only read,
 *     and bits 255:128 of ymm1 are zeroed (which the engine never relies on: it uses xmm only).
 *     Unlike legacy SSE, an m of 16 bytes need not be aligned.
 *   lane inserts: _xri op xmm, r, imm8;  _xmi op xmm, m, imm8
 *   lane extracts: _rxi op r, xmm, imm8;  _mxi op m, xmm, imm8
 *     a rip-relative m is relative to the end of the imm8, so a label cannot be its target */
#define X64_ALU(name, digit, op_mr, op_rm)                                                         \
    void x64_##name##_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src);              \
    void x64_##name##_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm);                \
    void x64_##name##_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src);              \
    void x64_##name##_mr(x64_buf_t *b, unsigned size, x64_mem_t dst, x64_reg_t src);              \
    void x64_##name##_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm);
#define X64_UNARY(name, digit) void x64_##name##_r(x64_buf_t *b, unsigned size, x64_reg_t r);
#define X64_SHIFT(name, digit)                                                                     \
    void x64_##name##_rcl(x64_buf_t *b, unsigned size, x64_reg_t r);                              \
    void x64_##name##_ri(x64_buf_t *b, unsigned size, x64_reg_t r, uint8_t imm);
#define X64_BITCOUNT(name, pfx, op)                                                                \
    void x64_##name##_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src);
#define X64_FIXED(name, op) void x64_##name(x64_buf_t *b);
#define X64_VEX_NO(name)
#define X64_VEX_NDS(name)                                                                          \
    void x64_v##name##_xxx(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_xreg_t src2);       \
    void x64_v##name##_xxm(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_mem_t src2);
#define X64_VEX_XXI_NO(name)
#define X64_VEX_XXI_NDS(name)                                                                      \
    void x64_v##name##_xxxi(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_xreg_t src2,       \
                            uint8_t imm);
#define X64_SSE(name, pfx, op, vex)                                                                \
    void x64_##name##_xx(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src);                           \
    void x64_##name##_xm(x64_buf_t *b, x64_xreg_t dst, x64_mem_t src);                            \
    X64_VEX_##vex(name)
#define X64_SSE_MOV(name, pfx, load, store)                                                        \
    X64_SSE(name, pfx, load, NO)                                                                   \
    void x64_##name##_mx(x64_buf_t *b, x64_mem_t dst, x64_xreg_t src);
#define X64_SSE_XR(name, pfx, op, size)                                                            \
    void x64_##name##_xr(x64_buf_t *b, x64_xreg_t dst, x64_reg_t src);
#define X64_SSE_RX(name, pfx, op, size)                                                            \
    void x64_##name##_rx(x64_buf_t *b, x64_reg_t dst, x64_xreg_t src);
#define X64_SSE_CVT_XR(name, pfx, op)                                                              \
    void x64_##name##_xr(x64_buf_t *b, unsigned src_size, x64_xreg_t dst, x64_reg_t src);
#define X64_SSE_CVT_RX(name, pfx, op)                                                              \
    void x64_##name##_rx(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, x64_xreg_t src);
#define X64_SSE_XXI(name, pfx, op, vex)                                                            \
    void x64_##name##_xxi(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src, uint8_t imm);             \
    X64_VEX_XXI_##vex(name)
#define X64_SSE_SHIFT(name, op, digit)                                                             \
    void x64_##name##_xi(x64_buf_t *b, x64_xreg_t dst, uint8_t imm);
#define X64_SSE_INSERT(name, pfx, op, size)                                                        \
    void x64_##name##_xri(x64_buf_t *b, x64_xreg_t dst, x64_reg_t src, uint8_t imm);              \
    void x64_##name##_xmi(x64_buf_t *b, x64_xreg_t dst, x64_mem_t src, uint8_t imm);
#define X64_SSE_EXTRACT(name, pfx, op, size)                                                       \
    void x64_##name##_rxi(x64_buf_t *b, x64_reg_t dst, x64_xreg_t src, uint8_t imm);              \
    void x64_##name##_mxi(x64_buf_t *b, x64_mem_t dst, x64_xreg_t src, uint8_t imm);
#include "x64_insn.def"
#undef X64_VEX_NO
#undef X64_VEX_NDS
#undef X64_VEX_XXI_NO
#undef X64_VEX_XXI_NDS

/* test r/m, r (sizes 1, 2, 4, 8) */
void x64_test_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src);
/* test r/m, imm8|imm16|imm32 (no imm8 form beyond size 1: the immediate has the operand size,
 * sign-extended for size 8) */
void x64_test_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm);
/* test r/m, imm8|imm16|imm32 */
void x64_test_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm);

/* mov r/m, r (sizes 1, 2, 4, 8) */
void x64_mov_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src);
/* mov r8, imm8 | mov r16, imm16 | mov r32, imm32 | mov r/m64, imm32 | movabs r64, imm64.
 * Size 8 takes the shortest: mov r32, imm32 when imm zero-extends from 32 bits, mov r/m64, imm32
 * when it sign-extends, movabs otherwise. Flags are preserved (never xor). */
void x64_mov_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int64_t imm);
/* mov r, r/m (a load; sizes 4 and 8 are the useful ones, 1 and 2 merge into the register) */
void x64_mov_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src);
/* mov r/m, r (a store of 1, 2, 4 or 8 bytes; spl, bpl, sil, dil get their REX) */
void x64_mov_mr(x64_buf_t *b, unsigned size, x64_mem_t dst, x64_reg_t src);
/* mov r/m8, imm8 | mov r/m16, imm16 | mov r/m32, imm32 | mov r/m64, imm32 (sign-extended) */
void x64_mov_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm);
/* movzx r32, r/m8 | movzx r32, r/m16 (src_size 1 or 2; the 32-bit write zeroes bits 63:32) */
void x64_movzx_rm(x64_buf_t *b, x64_reg_t dst, unsigned src_size, x64_mem_t src);
void x64_movzx_rr(x64_buf_t *b, x64_reg_t dst, x64_reg_t src, unsigned src_size);
/* movsx r32|64, r/m8 | movsx r32|64, r/m16 | movsxd r64, r/m32 (dst_size 4 or 8; src_size 1,
 * 2, or 4 with dst_size 8) */
void x64_movsx_rm(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, unsigned src_size, x64_mem_t src);
void x64_movsx_rr(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, x64_reg_t src,
                  unsigned src_size);
/* lea r, m (sizes 2, 4, 8) */
void x64_lea_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src);

/* imul r, r/m (sizes 2, 4, 8) */
void x64_imul_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src);
/* imul r, r/m, imm8 | imm r, r/m, imm16|imm32 (sizes 2, 4, 8) */
void x64_imul_rri(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src, int32_t imm);
/* cwd | cdq | cqo (sizes 2, 4, 8): sign-extend ax/eax/rax into dx/edx/rdx */
void x64_cdq_cqo(x64_buf_t *b, unsigned size);

/* setcc r/m8 (spl, bpl, sil, dil get their REX; the upper bits are left alone) */
void x64_setcc_r(x64_buf_t *b, x64_cc_t cc, x64_reg_t r);
/* cmovcc r, r/m (sizes 2, 4, 8) */
void x64_cmovcc_rr(x64_buf_t *b, unsigned size, x64_cc_t cc, x64_reg_t dst, x64_reg_t src);

/* sub r, imm32 (sizes 4, 8) in its imm32 form even when the value would fit in 8 bits, so that
 * the last 4 bytes emitted can be patched later (the prologue's frame size) */
void x64_sub_ri32(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm);
/* jmp rel32, `rel` counted from the end of the instruction (to code outside this buffer, such
 * as a stub's jump to a shared entry; a jump inside the buffer uses x64_jmp_label) */
void x64_jmp_rel32(x64_buf_t *b, int32_t rel);
/* jmp r/m64 */
void x64_jmp_r(x64_buf_t *b, x64_reg_t r);
void x64_jmp_m(x64_buf_t *b, x64_mem_t m);
/* call r/m64 */
void x64_call_r(x64_buf_t *b, x64_reg_t r);
void x64_call_m(x64_buf_t *b, x64_mem_t m);
/* push r64 */
void x64_push_r(x64_buf_t *b, x64_reg_t r);
/* pop r64 */
void x64_pop_r(x64_buf_t *b, x64_reg_t r);
/* nop; nop r/m: n bytes of no-ops in as few instructions as the recommended long nops allow
 * (at most 9 bytes each) */
void x64_nop(x64_buf_t *b, unsigned n);

#endif
