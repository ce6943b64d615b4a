/* The emitters of x64_encode.h. Every instruction goes through encode(), the one writer of
 * prefixes, REX, opcode, ModRM, SIB and displacement, or for AVX forms encode_vex(), which puts
 * a VEX prefix where the legacy prefixes, REX and escape bytes were; the emitters only pick the
 * opcode, the flags and the operands, and append immediates. Families come from x64_insn.def. */
#include "x64_encode.h"

#include "invariants.h"

/* encode() flags. The mandatory-prefix names are pasted from x64_insn.def's pfx column. */
enum {
    ENC_PNP = 0,
    ENC_P66 = 1u << 0,      /* 66: 16-bit operands, or the SSE mandatory prefix */
    ENC_PF2 = 1u << 1,      /* F2 mandatory prefix */
    ENC_PF3 = 1u << 2,      /* F3 mandatory prefix */
    ENC_W = 1u << 3,        /* REX.W: 64-bit operands */
    ENC_BYTE_REG = 1u << 4, /* ModRM.reg is an 8-bit register: spl..dil need a REX */
    ENC_BYTE_RM = 1u << 5,  /* ModRM.rm is an 8-bit register (ignored for memory operands) */
    ENC_OPREG = 1u << 6,    /* no ModRM: rm is added to the last opcode byte (push, mov r, imm) */
};

/* ModRM.mod values. */
enum { MOD_DISP0 = 0x00, MOD_DISP8 = 0x40, MOD_DISP32 = 0x80, MOD_REG = 0xC0 };

/* ModRM.rm / SIB.base value 100 means "a SIB byte follows" / "no index"; 101 with mod 00 means
 * "rip + disp32" in ModRM and "no base, disp32" in SIB. */
enum { RM_SIB = 4, RM_DISP32 = 5, SIB_NO_INDEX = 4 };

static inline bool
fits8(int64_t v)
{
    return v >= INT8_MIN && v <= INT8_MAX;
}

static inline bool
fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* The flags of an operand size for the r/m operand; sized_pair() when ModRM.reg is also a
 * general register of that size. */
static unsigned
sized(unsigned size)
{
    switch (size) {
    case 1: return ENC_BYTE_RM;
    case 2: return ENC_P66;
    case 4: return 0;
    case 8: return ENC_W;
    }
    SL_ASSERT(!"operand size must be 1, 2, 4 or 8");
    return 0;
}

static unsigned
sized_pair(unsigned size)
{
    return sized(size) | (size == 1 ? ENC_BYTE_REG : 0);
}

static unsigned
scale_bits(unsigned scale)
{
    switch (scale) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    }
    SL_ASSERT(!"scale must be 1, 2, 4 or 8");
    return 0;
}

/* ModRM (with reg already shifted into bits 5:3), SIB and displacement of a memory operand.
 * The base's low three bits decide the irregular cases: 100 (rsp, r12) can only be a base
 * through a SIB byte, and 101 (rbp, r13) with mod 00 means "no base", so they get a disp8 0. */
static void
encode_mem(x64_buf_t *b, unsigned reg, const x64_mem_t *m)
{
    if (m->is_rip) {
        SL_ASSERT(m->base == X64_NO_REG && m->index == X64_NO_REG);
        x64_emit8(b, (uint8_t)(MOD_DISP0 | reg | RM_DISP32));
        x64_emit32(b, (uint32_t)m->disp);
        return;
    }
    /* An index of 100 means "none", so rsp cannot be one (r12 can: REX.X tells them apart). */
    SL_ASSERT(m->index != X64_RSP);
    bool has_index = m->index != X64_NO_REG;
    unsigned index = has_index ? (m->index & 7u) : SIB_NO_INDEX;
    unsigned ss = has_index ? scale_bits(m->scale) : 0;
    if (m->base == X64_NO_REG) {
        /* [index*scale + disp32] or [disp32]: SIB base 101 with mod 00 has no base. */
        x64_emit8(b, (uint8_t)(MOD_DISP0 | reg | RM_SIB));
        x64_emit8(b, (uint8_t)(ss << 6 | index << 3 | RM_DISP32));
        x64_emit32(b, (uint32_t)m->disp);
        return;
    }
    unsigned base = m->base & 7u;
    unsigned mod = m->disp == 0 && base != RM_DISP32 ? MOD_DISP0
                   : fits8(m->disp)                   ? MOD_DISP8
                                                      : MOD_DISP32;
    if (!has_index && base != RM_SIB) {
        x64_emit8(b, (uint8_t)(mod | reg | base));
    } else {
        x64_emit8(b, (uint8_t)(mod | reg | RM_SIB));
        x64_emit8(b, (uint8_t)(ss << 6 | index << 3 | base));
    }
    if (mod == MOD_DISP8)
        x64_emit8(b, (uint8_t)m->disp);
    else if (mod == MOD_DISP32)
        x64_emit32(b, (uint32_t)m->disp);
}

/* ModRM for register rm (m == NULL), or ModRM/SIB/disp for memory m; the high bits of reg and
 * rm went into REX or VEX. */
static void
encode_modrm(x64_buf_t *b, unsigned reg, unsigned rm, const x64_mem_t *m)
{
    if (m)
        encode_mem(b, (reg & 7) << 3, m);
    else
        x64_emit8(b, (uint8_t)(MOD_REG | (reg & 7) << 3 | (rm & 7)));
}

/* Writes one instruction up to its displacement: legacy prefixes, REX, the opcode (one to three
 * bytes, the value's magnitude gives the count: 0F escapes make longer opcodes larger), then
 * ModRM for register rm (m == NULL) or ModRM/SIB/disp for memory m. reg is a register or a
 * /digit. With ENC_OPREG there is no ModRM and rm goes into the opcode. */
static void
encode(x64_buf_t *b, unsigned flags, uint32_t opcode, unsigned reg, unsigned rm,
       const x64_mem_t *m)
{
    SL_DASSERT(reg < 16 && (m || rm < 16));
    /* The operand-size prefix goes before the mandatory one (66 F3 0F B8 is popcnt r16), and
     * both before REX, which must be last. */
    if (flags & ENC_P66)
        x64_emit8(b, 0x66);
    if (flags & ENC_PF2)
        x64_emit8(b, 0xF2);
    if (flags & ENC_PF3)
        x64_emit8(b, 0xF3);

    unsigned rex = (flags & ENC_W ? 8u : 0u) | (reg >> 3) << 2;
    if (m) {
        if (m->base != X64_NO_REG)
            rex |= (unsigned)m->base >> 3;
        if (m->index != X64_NO_REG)
            rex |= ((unsigned)m->index >> 3) << 1;
    } else {
        rex |= rm >> 3;
        /* Without a REX, 8-bit registers 4-7 are ah, ch, dh, bh. */
        if ((flags & ENC_BYTE_RM) && rm >= 4 && rm < 8)
            rex |= 0x40;
    }
    if ((flags & ENC_BYTE_REG) && reg >= 4 && reg < 8)
        rex |= 0x40;
    if (rex)
        x64_emit8(b, (uint8_t)(0x40 | rex));

    if (opcode > 0xFFFF)
        x64_emit8(b, (uint8_t)(opcode >> 16));
    if (opcode > 0xFF)
        x64_emit8(b, (uint8_t)(opcode >> 8));
    if (flags & ENC_OPREG) {
        x64_emit8(b, (uint8_t)((opcode & 0xF8) | (rm & 7)));
        return;
    }
    x64_emit8(b, (uint8_t)opcode);
    encode_modrm(b, reg, rm, m);
}

/* VEX (Intel SDM vol. 2A, 2.3): one prefix standing for the legacy mandatory prefix (pp), REX
 * (R, X, B, W), the 0F/0F38/0F3A escape (the map, mmmmm) and a third register operand
 * (vvvv), followed by the opcode's last byte and the same ModRM/SIB/disp as legacy code.
 * R, X, B and vvvv are stored inverted, so that in 32-bit mode the prefix bytes C4 and C5 read
 * as invalid LES/LDS operands rather than as those instructions. The two-byte form (C5) holds
 * only R, vvvv, L and pp: it serves map 0F with W 0 and no extended base or index register;
 * anything else takes three bytes (C4). L is 0 (128 bits) for every instruction here.
 * `opcode` is written as for encode(): 0x0F58, 0x0F3840, 0x0F3A0A. */
static void
encode_vex(x64_buf_t *b, unsigned flags, uint32_t opcode, unsigned reg, unsigned vvvv,
           unsigned rm, const x64_mem_t *m)
{
    SL_DASSERT(reg < 16 && vvvv < 16 && (m || rm < 16));
    unsigned map = opcode >> 8 == 0x0F      ? 1  /* 0F */
                   : opcode >> 8 == 0x0F38 ? 2  /* 0F 38 */
                   : opcode >> 8 == 0x0F3A ? 3  /* 0F 3A */
                                           : 0;
    SL_ASSERT(map != 0);
    unsigned pp = flags & ENC_P66 ? 1 : flags & ENC_PF3 ? 2 : flags & ENC_PF2 ? 3 : 0;
    unsigned r = reg >> 3, x = 0, base = 0;
    if (m) {
        if (m->base != X64_NO_REG)
            base = (unsigned)m->base >> 3;
        if (m->index != X64_NO_REG)
            x = (unsigned)m->index >> 3;
    } else {
        base = rm >> 3;
    }
    unsigned w = flags & ENC_W ? 1 : 0;
    unsigned last = (~vvvv & 15u) << 3 | 0u << 2 /* L */ | pp;
    if (map == 1 && !w && !x && !base) {
        x64_emit8(b, 0xC5);
        x64_emit8(b, (uint8_t)((r ^ 1) << 7 | last));
    } else {
        x64_emit8(b, 0xC4);
        x64_emit8(b, (uint8_t)((r ^ 1) << 7 | (x ^ 1) << 6 | (base ^ 1) << 5 | map));
        x64_emit8(b, (uint8_t)(w << 7 | last));
    }
    x64_emit8(b, (uint8_t)opcode);
    encode_modrm(b, reg, rm, m);
}

/* An immediate of the operand size; size 8 takes a sign-extended imm32. */
static void
emit_imm(x64_buf_t *b, unsigned size, int32_t imm)
{
    if (size == 1)
        x64_emit8(b, (uint8_t)imm);
    else if (size == 2)
        x64_emit16(b, (uint16_t)imm);
    else
        x64_emit32(b, (uint32_t)imm);
}

/* An immediate as the operand sees it: what the sign-extended imm8 test must look at. */
static int32_t
imm_of_size(unsigned size, int32_t imm)
{
    return size == 1 ? (int8_t)imm : size == 2 ? (int16_t)imm : imm;
}

/* op r/m8, imm8 (80 /digit ib) | op r/m, imm8 (83 /digit ib) | op r/m, imm (81 /digit) */
static void
alu_imm(x64_buf_t *b, unsigned size, unsigned digit, unsigned rm, const x64_mem_t *m,
        int32_t imm)
{
    imm = imm_of_size(size, imm);
    if (size == 1) {
        encode(b, sized(size), 0x80, digit, rm, m);
        x64_emit8(b, (uint8_t)imm);
    } else if (fits8(imm)) {
        encode(b, sized(size), 0x83, digit, rm, m);
        x64_emit8(b, (uint8_t)imm);
    } else {
        encode(b, sized(size), 0x81, digit, rm, m);
        emit_imm(b, size, imm);
    }
}

/* The 8-bit form of every sized opcode pair used here (ALU, test, mov, group 2 and 3) is the
 * 16/32/64-bit opcode minus one. */
static uint32_t
sized_op(unsigned size, uint32_t op)
{
    return size == 1 ? op - 1 : op;
}

/* op r/m, r (op_mr); op r, r/m (op_rm); op r/m, imm (digit) */
#define X64_ALU(name, digit, op_mr, op_rm)                                                         \
    void x64_##name##_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src)               \
    {                                                                                              \
        encode(b, sized_pair(size), sized_op(size, op_mr), src, dst, NULL);                        \
    }                                                                                              \
    void x64_##name##_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm)                 \
    {                                                                                              \
        alu_imm(b, size, digit, dst, NULL, imm);                                                   \
    }                                                                                              \
    void x64_##name##_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src)               \
    {                                                                                              \
        encode(b, sized_pair(size), sized_op(size, op_rm), dst, 0, &src);                          \
    }                                                                                              \
    void x64_##name##_mr(x64_buf_t *b, unsigned size, x64_mem_t dst, x64_reg_t src)               \
    {                                                                                              \
        encode(b, sized_pair(size), sized_op(size, op_mr), src, 0, &dst);                          \
    }                                                                                              \
    void x64_##name##_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm)                 \
    {                                                                                              \
        alu_imm(b, size, digit, 0, &dst, imm);                                                     \
    }
/* op r/m: F7 /digit (F6 for 8 bits) */
#define X64_UNARY(name, digit)                                                                     \
    void x64_##name##_r(x64_buf_t *b, unsigned size, x64_reg_t r)                                 \
    {                                                                                              \
        encode(b, sized(size), sized_op(size, 0xF7), digit, r, NULL);                              \
    }
/* op r/m, cl: D3 /digit; op r/m, 1: D1 /digit; op r/m, imm8: C1 /digit ib (one less for 8 bits) */
#define X64_SHIFT(name, digit)                                                                     \
    void x64_##name##_rcl(x64_buf_t *b, unsigned size, x64_reg_t r)                               \
    {                                                                                              \
        encode(b, sized(size), sized_op(size, 0xD3), digit, r, NULL);                              \
    }                                                                                              \
    void x64_##name##_ri(x64_buf_t *b, unsigned size, x64_reg_t r, uint8_t imm)                   \
    {                                                                                              \
        if (imm == 1) {                                                                            \
            encode(b, sized(size), sized_op(size, 0xD1), digit, r, NULL);                          \
        } else {                                                                                   \
            encode(b, sized(size), sized_op(size, 0xC1), digit, r, NULL);                          \
            x64_emit8(b, imm);                                                                     \
        }                                                                                          \
    }
/* op r, r/m: no 8-bit form */
#define X64_BITCOUNT(name, pfx, op)                                                                \
    void x64_##name##_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src)               \
    {                                                                                              \
        SL_ASSERT(size != 1);                                                                      \
        encode(b, sized(size) | ENC_P##pfx, op, dst, src, NULL);                                   \
    }
/* op: no operands, so no REX, ModRM or prefixes (the opcode value holds every byte) */
#define X64_FIXED(name, op)                                                                        \
    void x64_##name(x64_buf_t *b)                                                                  \
    {                                                                                              \
        if ((op) > 0xFFFF)                                                                         \
            x64_emit8(b, (uint8_t)((op) >> 16));                                                   \
        if ((op) > 0xFF)                                                                           \
            x64_emit8(b, (uint8_t)((op) >> 8));                                                    \
        x64_emit8(b, (uint8_t)(op));                                                               \
    }
/* vop xmm1, xmm2, xmm3; vop xmm1, xmm2, m: xmm2 in vvvv */
#define X64_VEX_NO(name, pfx, op)
#define X64_VEX_NDS(name, pfx, op)                                                                 \
    void x64_v##name##_xxx(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_xreg_t src2)        \
    {                                                                                              \
        encode_vex(b, ENC_P##pfx, op, dst, src1, src2, NULL);                                      \
    }                                                                                              \
    void x64_v##name##_xxm(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_mem_t src2)         \
    {                                                                                              \
        encode_vex(b, ENC_P##pfx, op, dst, src1, 0, &src2);                                        \
    }
/* vop xmm1, xmm2, xmm3, imm8 */
#define X64_VEX_XXI_NO(name, pfx, op)
#define X64_VEX_XXI_NDS(name, pfx, op)                                                             \
    void x64_v##name##_xxxi(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src1, x64_xreg_t src2,       \
                            uint8_t imm)                                                           \
    {                                                                                              \
        encode_vex(b, ENC_P##pfx, op, dst, src1, src2, NULL);                                      \
        x64_emit8(b, imm);                                                                         \
    }
/* op xmm, xmm; op xmm, m */
#define X64_SSE(name, pfx, op, vex)                                                                \
    void x64_##name##_xx(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src)                            \
    {                                                                                              \
        encode(b, ENC_P##pfx, op, dst, src, NULL);                                                 \
    }                                                                                              \
    void x64_##name##_xm(x64_buf_t *b, x64_xreg_t dst, x64_mem_t src)                             \
    {                                                                                              \
        encode(b, ENC_P##pfx, op, dst, 0, &src);                                                   \
    }                                                                                              \
    X64_VEX_##vex(name, pfx, op)
/* op xmm, xmm and op xmm, m (load); op m, xmm (store) */
#define X64_SSE_MOV(name, pfx, load, store)                                                        \
    X64_SSE(name, pfx, load, NO)                                                                   \
    void x64_##name##_mx(x64_buf_t *b, x64_mem_t dst, x64_xreg_t src)                             \
    {                                                                                              \
        encode(b, ENC_P##pfx, store, src, 0, &dst);                                                \
    }
/* op xmm, r32|64 */
#define X64_SSE_XR(name, pfx, op, size)                                                            \
    void x64_##name##_xr(x64_buf_t *b, x64_xreg_t dst, x64_reg_t src)                             \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, dst, src, NULL);                                   \
    }
/* op r32|64, xmm: the xmm register is the ModRM.reg operand */
#define X64_SSE_RX(name, pfx, op, size)                                                            \
    void x64_##name##_rx(x64_buf_t *b, x64_reg_t dst, x64_xreg_t src)                             \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, src, dst, NULL);                                   \
    }
/* op xmm, r32|64 */
#define X64_SSE_CVT_XR(name, pfx, op)                                                              \
    void x64_##name##_xr(x64_buf_t *b, unsigned src_size, x64_xreg_t dst, x64_reg_t src)          \
    {                                                                                              \
        SL_ASSERT(src_size == 4 || src_size == 8);                                                 \
        encode(b, ENC_P##pfx | sized(src_size), op, dst, src, NULL);                               \
    }
/* op r32|64, xmm */
#define X64_SSE_CVT_RX(name, pfx, op)                                                              \
    void x64_##name##_rx(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, x64_xreg_t src)          \
    {                                                                                              \
        SL_ASSERT(dst_size == 4 || dst_size == 8);                                                 \
        encode(b, ENC_P##pfx | sized(dst_size), op, dst, src, NULL);                               \
    }
/* op xmm, xmm, imm8 */
#define X64_SSE_XXI(name, pfx, op, vex)                                                            \
    void x64_##name##_xxi(x64_buf_t *b, x64_xreg_t dst, x64_xreg_t src, uint8_t imm)              \
    {                                                                                              \
        encode(b, ENC_P##pfx, op, dst, src, NULL);                                                 \
        x64_emit8(b, imm);                                                                         \
    }                                                                                              \
    X64_VEX_XXI_##vex(name, pfx, op)
/* op xmm, imm8: 66 op /digit ib */
#define X64_SSE_SHIFT(name, op, digit)                                                             \
    void x64_##name##_xi(x64_buf_t *b, x64_xreg_t dst, uint8_t imm)                               \
    {                                                                                              \
        encode(b, ENC_P66, op, digit, dst, NULL);                                                  \
        x64_emit8(b, imm);                                                                         \
    }
/* op xmm, r/m, imm8 (insert); op r/m, xmm, imm8 (extract): the xmm register is ModRM.reg */
#define X64_SSE_INSERT(name, pfx, op, size)                                                        \
    void x64_##name##_xri(x64_buf_t *b, x64_xreg_t dst, x64_reg_t src, uint8_t imm)               \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, dst, src, NULL);                                   \
        x64_emit8(b, imm);                                                                         \
    }                                                                                              \
    void x64_##name##_xmi(x64_buf_t *b, x64_xreg_t dst, x64_mem_t src, uint8_t imm)               \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, dst, 0, &src);                                     \
        x64_emit8(b, imm);                                                                         \
    }
#define X64_SSE_EXTRACT(name, pfx, op, size)                                                       \
    void x64_##name##_rxi(x64_buf_t *b, x64_reg_t dst, x64_xreg_t src, uint8_t imm)               \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, src, dst, NULL);                                   \
        x64_emit8(b, imm);                                                                         \
    }                                                                                              \
    void x64_##name##_mxi(x64_buf_t *b, x64_mem_t dst, x64_xreg_t src, uint8_t imm)               \
    {                                                                                              \
        encode(b, ENC_P##pfx | sized(size), op, src, 0, &dst);                                     \
        x64_emit8(b, imm);                                                                         \
    }
#include "x64_insn.def"
#undef X64_VEX_NO
#undef X64_VEX_NDS
#undef X64_VEX_XXI_NO
#undef X64_VEX_XXI_NDS

/* test r/m, r: 85 /r (84 for 8 bits) */
void
x64_test_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src)
{
    encode(b, sized_pair(size), sized_op(size, 0x85), src, dst, NULL);
}

/* test r/m, imm: F7 /0 (F6 /0 ib for 8 bits) */
void
x64_test_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm)
{
    encode(b, sized(size), sized_op(size, 0xF7), 0, dst, NULL);
    emit_imm(b, size, imm);
}

/* test r/m, imm */
void
x64_test_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm)
{
    encode(b, sized(size), sized_op(size, 0xF7), 0, 0, &dst);
    emit_imm(b, size, imm);
}

/* mov r/m, r: 89 /r (88 for 8 bits) */
void
x64_mov_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src)
{
    encode(b, sized_pair(size), sized_op(size, 0x89), src, dst, NULL);
}

/* mov r, imm: B8+r (B0+r for 8 bits); mov r/m64, imm32: REX.W C7 /0; movabs r64, imm64:
 * REX.W B8+r */
void
x64_mov_ri(x64_buf_t *b, unsigned size, x64_reg_t dst, int64_t imm)
{
    if (size == 8 && (uint64_t)imm > UINT32_MAX) {
        if (fits32(imm)) {
            encode(b, ENC_W, 0xC7, 0, dst, NULL);
            x64_emit32(b, (uint32_t)imm);
        } else {
            encode(b, ENC_W | ENC_OPREG, 0xB8, 0, dst, NULL);
            x64_emit64(b, (uint64_t)imm);
        }
        return;
    }
    /* A 32-bit write zero-extends, so a 64-bit value with a clear upper half is a mov r32. */
    if (size == 8)
        size = 4;
    encode(b, sized(size) | ENC_OPREG, size == 1 ? 0xB0 : 0xB8, 0, dst, NULL);
    emit_imm(b, size, (int32_t)imm);
}

/* mov r, r/m: 8B /r (8A for 8 bits) */
void
x64_mov_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src)
{
    encode(b, sized_pair(size), sized_op(size, 0x8B), dst, 0, &src);
}

/* mov r/m, r: 89 /r (88 for 8 bits) */
void
x64_mov_mr(x64_buf_t *b, unsigned size, x64_mem_t dst, x64_reg_t src)
{
    encode(b, sized_pair(size), sized_op(size, 0x89), src, 0, &dst);
}

/* mov r/m, imm: C7 /0 (C6 /0 ib for 8 bits) */
void
x64_mov_mi(x64_buf_t *b, unsigned size, x64_mem_t dst, int32_t imm)
{
    encode(b, sized(size), sized_op(size, 0xC7), 0, 0, &dst);
    emit_imm(b, size, imm);
}

/* movzx r32, r/m8: 0F B6 /r; movzx r32, r/m16: 0F B7 /r */
static uint32_t
movzx_op(unsigned src_size)
{
    SL_ASSERT(src_size == 1 || src_size == 2);
    return src_size == 1 ? 0x0FB6 : 0x0FB7;
}

void
x64_movzx_rm(x64_buf_t *b, x64_reg_t dst, unsigned src_size, x64_mem_t src)
{
    encode(b, 0, movzx_op(src_size), dst, 0, &src);
}

void
x64_movzx_rr(x64_buf_t *b, x64_reg_t dst, x64_reg_t src, unsigned src_size)
{
    encode(b, src_size == 1 ? ENC_BYTE_RM : 0, movzx_op(src_size), dst, src, NULL);
}

/* movsx r, r/m8: 0F BE /r; movsx r, r/m16: 0F BF /r; movsxd r64, r/m32: REX.W 63 /r */
static uint32_t
movsx_op(unsigned dst_size, unsigned src_size)
{
    SL_ASSERT(dst_size == 4 || dst_size == 8);
    SL_ASSERT(src_size == 1 || src_size == 2 || (src_size == 4 && dst_size == 8));
    return src_size == 1 ? 0x0FBE : src_size == 2 ? 0x0FBF : 0x63;
}

void
x64_movsx_rm(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, unsigned src_size, x64_mem_t src)
{
    encode(b, sized(dst_size), movsx_op(dst_size, src_size), dst, 0, &src);
}

void
x64_movsx_rr(x64_buf_t *b, unsigned dst_size, x64_reg_t dst, x64_reg_t src, unsigned src_size)
{
    unsigned flags = sized(dst_size) | (src_size == 1 ? ENC_BYTE_RM : 0);
    encode(b, flags, movsx_op(dst_size, src_size), dst, src, NULL);
}

/* lea r, m: 8D /r */
void
x64_lea_rm(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_mem_t src)
{
    SL_ASSERT(size != 1);
    encode(b, sized(size), 0x8D, dst, 0, &src);
}

/* imul r, r/m: 0F AF /r */
void
x64_imul_rr(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src)
{
    SL_ASSERT(size != 1);
    encode(b, sized(size), 0x0FAF, dst, src, NULL);
}

/* imul r, r/m, imm8: 6B /r ib; imul r, r/m, imm16|32: 69 /r */
void
x64_imul_rri(x64_buf_t *b, unsigned size, x64_reg_t dst, x64_reg_t src, int32_t imm)
{
    SL_ASSERT(size != 1);
    imm = imm_of_size(size, imm);
    if (fits8(imm)) {
        encode(b, sized(size), 0x6B, dst, src, NULL);
        x64_emit8(b, (uint8_t)imm);
    } else {
        encode(b, sized(size), 0x69, dst, src, NULL);
        emit_imm(b, size, imm);
    }
}

/* cwd | cdq | cqo: 99 with the operand size */
void
x64_cdq_cqo(x64_buf_t *b, unsigned size)
{
    SL_ASSERT(size != 1);
    unsigned flags = sized(size);
    if (flags & ENC_P66)
        x64_emit8(b, 0x66);
    if (flags & ENC_W)
        x64_emit8(b, 0x48);
    x64_emit8(b, 0x99);
}

/* setcc r/m8: 0F 90+cc /0 */
void
x64_setcc_r(x64_buf_t *b, x64_cc_t cc, x64_reg_t r)
{
    encode(b, ENC_BYTE_RM, 0x0F90 | (cc & 15u), 0, r, NULL);
}

/* cmovcc r, r/m: 0F 40+cc /r */
void
x64_cmovcc_rr(x64_buf_t *b, unsigned size, x64_cc_t cc, x64_reg_t dst, x64_reg_t src)
{
    SL_ASSERT(size != 1);
    encode(b, sized(size), 0x0F40 | (cc & 15u), dst, src, NULL);
}

/* jmp r/m64: FF /4 (64-bit without REX.W) */
void
x64_jmp_r(x64_buf_t *b, x64_reg_t r)
{
    encode(b, 0, 0xFF, 4, r, NULL);
}

void
x64_jmp_m(x64_buf_t *b, x64_mem_t m)
{
    encode(b, 0, 0xFF, 4, 0, &m);
}

/* sub r/m, imm32: 81 /5 id */
void
x64_sub_ri32(x64_buf_t *b, unsigned size, x64_reg_t dst, int32_t imm)
{
    SL_ASSERT(size == 4 || size == 8);
    encode(b, sized(size), 0x81, 5, dst, NULL);
    x64_emit32(b, (uint32_t)imm);
}

/* jmp rel32: E9 cd */
void
x64_jmp_rel32(x64_buf_t *b, int32_t rel)
{
    x64_emit8(b, 0xE9);
    x64_emit32(b, (uint32_t)rel);
}

/* call r/m64: FF /2 */
void
x64_call_r(x64_buf_t *b, x64_reg_t r)
{
    encode(b, 0, 0xFF, 2, r, NULL);
}

void
x64_call_m(x64_buf_t *b, x64_mem_t m)
{
    encode(b, 0, 0xFF, 2, 0, &m);
}

/* push r64: 50+r */
void
x64_push_r(x64_buf_t *b, x64_reg_t r)
{
    encode(b, ENC_OPREG, 0x50, 0, r, NULL);
}

/* pop r64: 58+r */
void
x64_pop_r(x64_buf_t *b, x64_reg_t r)
{
    encode(b, ENC_OPREG, 0x58, 0, r, NULL);
}

/* The recommended nop of each length up to 9 (Intel SDM vol. 2B, NOP): 90, 66 90, then
 * nop dword [rax], [rax + disp8 0], [rax + rax*1 + disp8 0], with 66, [rax + disp32 0],
 * [rax + rax*1 + disp32 0], with 66. */
static const uint8_t nops[9][9] = {
    {0x90},
    {0x66, 0x90},
    {0x0F, 0x1F, 0x00},
    {0x0F, 0x1F, 0x40, 0x00},
    {0x0F, 0x1F, 0x44, 0x00, 0x00},
    {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
    {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
    {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

/* nop | nop r/m (0F 1F /0) */
void
x64_nop(x64_buf_t *b, unsigned n)
{
    while (n > 0) {
        unsigned k = n < 9 ? n : 9;
        for (unsigned i = 0; i < k; i++)
            x64_emit8(b, nops[k - 1][i]);
        n -= k;
    }
}
