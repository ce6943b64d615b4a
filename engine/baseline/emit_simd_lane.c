/* v128 memory forms (loads, stores, splats, zero-extending and lane loads and stores, each a
 * registered trap site like scalar accesses) and lane instructions: splat, extract and replace
 * lane, shuffle, swizzle, bitwise operations, any_true, all_true and bitmask.
 *
 * Each access is one instruction that reads or writes memory straight from or into an xmm
 * register (movdqu, pmovsx/pmovzx, pinsr, pextr...), so the fault of an out-of-bounds access is
 * the instruction noted as the trap site, and a store that faults has written nothing. Operands
 * of 16 bytes are never taken from the frame: only movdqu may read them unaligned, and pool
 * constants are the only memory operands of other instructions. */
#include "baseline_impl.h"

/* The lane width in bytes of an opcode with a memory or lane immediate (opcodes.def's last
 * column, the access or lane size). */
static unsigned
lane_size(unsigned op)
{
    return 1u << sl_opcode_info[op].size_log2;
}

/* The lane width of an opcode without one (splat, all_true): opcodes.def gives them size 0,
 * their shape is in their name. */
static unsigned
shape_size(unsigned op)
{
    switch (op) {
    case SL_OP_I8X16_SPLAT: case SL_OP_I8X16_ALL_TRUE: return 1;
    case SL_OP_I16X8_SPLAT: case SL_OP_I16X8_ALL_TRUE: return 2;
    case SL_OP_I32X4_SPLAT: case SL_OP_I32X4_ALL_TRUE: case SL_OP_F32X4_SPLAT: return 4;
    case SL_OP_I64X2_SPLAT: case SL_OP_I64X2_ALL_TRUE: case SL_OP_F64X2_SPLAT: return 8;
    default: SL_UNREACHABLE();
    }
}

/* Spreads lane 0 of x (`size` bytes) over all lanes. */
static void
broadcast(baseline_t *b, x64_xreg_t x, unsigned size)
{
    switch (size) {
    case 1: /* an all-zero pshufb mask picks byte 0 everywhere */
        x64_pxor_xx(&b->buf, SCRATCH_X, SCRATCH_X);
        x64_pshufb_xx(&b->buf, x, SCRATCH_X);
        break;
    case 2:
        x64_pshuflw_xxi(&b->buf, x, x, 0);
        x64_pshufd_xxi(&b->buf, x, x, 0);
        break;
    case 4: x64_pshufd_xxi(&b->buf, x, x, 0); break;
    case 8: x64_punpcklqdq_xx(&b->buf, x, x); break;
    default: SL_UNREACHABLE();
    }
}

/* spec: memory instructions, v128.load*: the index on top; every form reads only the bytes it
 * uses, so only those decide whether the access is out of bounds. */
static bool
load(baseline_t *b, unsigned op, uint32_t offset)
{
    x64_reg_t temp;
    x64_mem_t src = mem_address(b, b->depth - 1, offset, 0, &temp);
    x64_xreg_t x = vs_alloc_x(b, 0);
    if (!mem_note_access_site(b))
        return false;
    switch (op) {
    case SL_OP_V128_LOAD: x64_movdqu_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD8X8_S: x64_pmovsxbw_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD8X8_U: x64_pmovzxbw_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD16X4_S: x64_pmovsxwd_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD16X4_U: x64_pmovzxwd_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD32X2_S: x64_pmovsxdq_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD32X2_U: x64_pmovzxdq_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD8_SPLAT:
        x64_pinsrb_xmi(&b->buf, x, src, 0);
        broadcast(b, x, 1);
        break;
    case SL_OP_V128_LOAD16_SPLAT:
        x64_pinsrw_xmi(&b->buf, x, src, 0);
        broadcast(b, x, 2);
        break;
    case SL_OP_V128_LOAD32_SPLAT:
        x64_movss_xm(&b->buf, x, src);
        broadcast(b, x, 4);
        break;
    case SL_OP_V128_LOAD64_SPLAT: x64_movddup_xm(&b->buf, x, src); break;
    /* a scalar load into an xmm register clears the rest of it */
    case SL_OP_V128_LOAD32_ZERO: x64_movss_xm(&b->buf, x, src); break;
    case SL_OP_V128_LOAD64_ZERO: x64_movsd_xm(&b->buf, x, src); break;
    default: SL_UNREACHABLE();
    }
    if (temp != X64_NO_REG)
        vs_free(b, temp);
    vs_drop(b, 1);
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
}

/* spec: v128.loadN_lane: the vector on top of the index; the other lanes are kept. */
static bool
load_lane(baseline_t *b, unsigned op, uint32_t offset, uint8_t lane)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top, 0);
    x64_reg_t temp;
    x64_mem_t src = mem_address(b, top - 1, offset, 0, &temp);
    if (!mem_note_access_site(b))
        return false;
    switch (lane_size(op)) {
    case 1: x64_pinsrb_xmi(&b->buf, x, src, lane); break;
    case 2: x64_pinsrw_xmi(&b->buf, x, src, lane); break;
    case 4: x64_pinsrd_xmi(&b->buf, x, src, lane); break;
    case 8: x64_pinsrq_xmi(&b->buf, x, src, lane); break;
    default: SL_UNREACHABLE();
    }
    if (temp != X64_NO_REG)
        vs_free(b, temp);
    vs_drop(b, 2);
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
}

/* spec: v128.store and v128.storeN_lane: the vector on top of the index. */
static bool
store(baseline_t *b, unsigned op, uint32_t offset, uint8_t lane)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_read_xreg(b, top, 0);
    x64_reg_t temp;
    x64_mem_t dst = mem_address(b, top - 1, offset, 0, &temp);
    if (!mem_note_access_site(b))
        return false;
    if (op == SL_OP_V128_STORE) {
        x64_movdqu_mx(&b->buf, dst, x);
    } else {
        switch (lane_size(op)) {
        case 1: x64_pextrb_mxi(&b->buf, dst, x, lane); break;
        case 2: x64_pextrw_mxi(&b->buf, dst, x, lane); break;
        case 4: x64_pextrd_mxi(&b->buf, dst, x, lane); break;
        case 8: x64_pextrq_mxi(&b->buf, dst, x, lane); break;
        default: SL_UNREACHABLE();
        }
    }
    if (temp != X64_NO_REG)
        vs_free(b, temp);
    vs_drop(b, 2);
    return true;
}

/* spec: splat: a constant operand becomes a pool constant; a float one is already in an xmm
 * register, where its lanes are spread in place. */
static bool
splat(baseline_t *b, unsigned op)
{
    uint32_t top = b->depth - 1;
    vslot_t *s = &b->stack[top];
    unsigned size = shape_size(op);
    if (s->loc == LOC_CONST) {
        uint8_t bytes[16];
        for (unsigned i = 0; i < 16; i++)
            bytes[i] = (uint8_t)((uint64_t)s->imm >> 8 * (i % size));
        vs_drop(b, 1);
        return simd_push_const(b, bytes);
    }
    if (is_xmm_type(s->type)) {
        x64_xreg_t x = vs_to_xreg(b, top, 0);
        x64_pshufd_xxi(&b->buf, x, x, size == 4 ? 0x00 : 0x44);
        b->stack[top].type = SL_TYPE_V128;
        return true;
    }
    x64_reg_t r = vs_read_reg(b, top, 0);
    x64_xreg_t x = vs_alloc_x(b, 0);
    (size == 8 ? x64_movq_xr : x64_movd_xr)(&b->buf, x, r);
    broadcast(b, x, size);
    vs_drop(b, 1);
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
}

/* spec: extract_lane: an integer lane into a new general register; a float lane moved to
 * lane 0 of the vector's own register, where a scalar lives (the bits above it are free). */
static bool
extract_lane(baseline_t *b, unsigned op, uint8_t lane)
{
    uint32_t top = b->depth - 1;
    uint8_t type = sl_sig_info[sl_opcode_info[op].sig].result;
    if (is_xmm_type(type)) {
        x64_xreg_t x = vs_to_xreg(b, top, 0);
        if (lane != 0)
            x64_pshufd_xxi(&b->buf, x, x, type == SL_TYPE_F32 ? lane : 0xee);
        b->stack[top].type = type;
        return true;
    }
    x64_xreg_t x = vs_read_xreg(b, top, 0);
    x64_reg_t r = vs_alloc(b, 0);
    switch (op) {
    case SL_OP_I8X16_EXTRACT_LANE_S:
        x64_pextrb_rxi(&b->buf, r, x, lane);
        x64_movsx_rr(&b->buf, 4, r, r, 1);
        break;
    case SL_OP_I8X16_EXTRACT_LANE_U: x64_pextrb_rxi(&b->buf, r, x, lane); break;
    case SL_OP_I16X8_EXTRACT_LANE_S:
        x64_pextrw_rxi(&b->buf, r, x, lane);
        x64_movsx_rr(&b->buf, 4, r, r, 2);
        break;
    case SL_OP_I16X8_EXTRACT_LANE_U: x64_pextrw_rxi(&b->buf, r, x, lane); break;
    case SL_OP_I32X4_EXTRACT_LANE:
        if (lane == 0)
            x64_movd_rx(&b->buf, r, x);
        else
            x64_pextrd_rxi(&b->buf, r, x, lane);
        break;
    case SL_OP_I64X2_EXTRACT_LANE:
        if (lane == 0)
            x64_movq_rx(&b->buf, r, x);
        else
            x64_pextrq_rxi(&b->buf, r, x, lane);
        break;
    default: SL_UNREACHABLE();
    }
    vs_drop(b, 1);
    return vs_push_reg(b, type, r);
}

/* spec: replace_lane: the scalar on top of the vector, whose register takes the result. */
static bool
replace_lane(baseline_t *b, unsigned op, uint8_t lane)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    switch (op) {
    case SL_OP_F32X4_REPLACE_LANE: /* insertps: the source's lane 0 to lane `lane`, no zeroing */
        x64_insertps_xxi(&b->buf, x, vs_read_xreg(b, top, X64_REGSET(x)), (uint8_t)(lane << 4));
        break;
    case SL_OP_F64X2_REPLACE_LANE: {
        x64_xreg_t s = vs_read_xreg(b, top, X64_REGSET(x));
        (lane == 0 ? x64_movsd_xx : x64_punpcklqdq_xx)(&b->buf, x, s);
        break;
    }
    default: {
        x64_reg_t r = vs_read_reg(b, top, 0);
        switch (lane_size(op)) {
        case 1: x64_pinsrb_xri(&b->buf, x, r, lane); break;
        case 2: x64_pinsrw_xri(&b->buf, x, r, lane); break;
        case 4: x64_pinsrd_xri(&b->buf, x, r, lane); break;
        case 8: x64_pinsrq_xri(&b->buf, x, r, lane); break;
        default: SL_UNREACHABLE();
        }
    }
    }
    vs_drop(b, 1);
    return true;
}

/* spec: i8x16.shuffle: lanes 0-15 pick from the first operand, 16-31 from the second. pshufb
 * zeroes a lane whose mask byte has bit 7 set, so each operand is shuffled with a mask that
 * zeroes the other's lanes, and the two are or-ed; an operand nothing picks from is skipped. */
static bool
shuffle(baseline_t *b, const uint8_t lanes[16])
{
    uint8_t mask_a[16], mask_b[16];
    bool uses_a = false, uses_b = false;
    for (unsigned i = 0; i < 16; i++) {
        bool is_b = lanes[i] >= 16;
        mask_a[i] = is_b ? 0x80 : lanes[i];
        mask_b[i] = is_b ? (uint8_t)(lanes[i] - 16) : 0x80;
        uses_a |= !is_b;
        uses_b |= is_b;
    }
    uint32_t top = b->depth - 1;
    if (!uses_a) {
        x64_xreg_t x = vs_to_xreg(b, top, 0);
        simd_xm_const(b, x64_pshufb_xm, x, mask_b);
        vs_drop(b, 2);
        return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
    }
    x64_xreg_t x = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    if (uses_b) {
        x64_movaps_xx(&b->buf, SCRATCH_X, vs_read_xreg(b, top, X64_REGSET(x)));
        simd_xm_const(b, x64_pshufb_xm, SCRATCH_X, mask_b);
    }
    simd_xm_const(b, x64_pshufb_xm, x, mask_a);
    if (uses_b)
        x64_orps_xx(&b->buf, x, SCRATCH_X);
    vs_drop(b, 1);
    return true;
}

/* spec: i8x16.swizzle: an index of 16 or more gives 0. Adding 0x70 with unsigned saturation
 * keeps 0-15 in the low four bits pshufb reads and sets bit 7, which zeroes the lane, for all
 * others. */
static bool
swizzle(baseline_t *b)
{
    static const uint8_t bias[16] = {0x70, 0x70, 0x70, 0x70, 0x70, 0x70, 0x70, 0x70,
                                     0x70, 0x70, 0x70, 0x70, 0x70, 0x70, 0x70, 0x70};
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    x64_movaps_xx(&b->buf, SCRATCH_X, vs_read_xreg(b, top, X64_REGSET(x)));
    simd_xm_const(b, x64_paddusb_xm, SCRATCH_X, bias);
    x64_pshufb_xx(&b->buf, x, SCRATCH_X);
    vs_drop(b, 1);
    return true;
}

/* and, or, xor: the ps forms are a byte shorter than pand, por and pxor and give the same bits.
 * With AVX, the three-operand form (avx_binary): a pinned local on the left is not copied, and
 * a right operand in a slot is read from memory, which VEX allows unaligned. */
static void
bitwise(baseline_t *b, void (*op)(x64_buf_t *, x64_xreg_t, x64_xreg_t),
        void (*avx_op)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t),
        void (*avx_op_mem)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t))
{
    if (b->has_avx) {
        avx_binary(b, false, SL_TYPE_V128, avx_op, avx_op_mem);
        return;
    }
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top - 1, vs_xmm_of(b, top));
    op(&b->buf, x, vs_read_xreg(b, top, X64_REGSET(x)));
    vs_drop(b, 1);
}

/* spec: v128.andnot(a, b) = a & ~b; andnps complements its destination, so b's register takes
 * the result (with AVX, vandnps dst, b, a: b is the complemented first source). */
static bool
and_not(baseline_t *b)
{
    if (b->has_avx) {
        avx_binary(b, true, SL_TYPE_V128, x64_vandnps_xxx, x64_vandnps_xxm);
        return true;
    }
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top, vs_xmm_of(b, top - 1));
    x64_andnps_xx(&b->buf, x, vs_read_xreg(b, top - 1, X64_REGSET(x)));
    vs_drop(b, 2);
    return vs_push_reg(b, SL_TYPE_V128, (x64_reg_t)x);
}

static void
complement(baseline_t *b)
{
    x64_xreg_t x = vs_to_xreg(b, b->depth - 1, 0);
    x64_pcmpeqd_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    x64_xorps_xx(&b->buf, x, SCRATCH_X);
}

/* spec: v128.bitselect(v1, v2, c) = (v1 & c) | (v2 & ~c), computed as ((v1 ^ v2) & c) ^ v2,
 * which needs no register besides v1's. */
static void
bitselect(baseline_t *b)
{
    uint32_t top = b->depth - 1;
    x64_xreg_t x = vs_to_xreg(b, top - 2, vs_xmm_of(b, top - 1) | vs_xmm_of(b, top));
    x64_xreg_t v2 = vs_read_xreg(b, top - 1, X64_REGSET(x) | vs_xmm_of(b, top));
    x64_xreg_t c = vs_read_xreg(b, top, X64_REGSET(x) | X64_REGSET(v2));
    x64_xorps_xx(&b->buf, x, v2);
    x64_andps_xx(&b->buf, x, c);
    x64_xorps_xx(&b->buf, x, v2);
    vs_drop(b, 2);
}

/* An i32 0 or 1 from the flags of a ptest: the register is cleared before the flags are set. */
static bool
test_to_i32(baseline_t *b, x64_xreg_t x, x64_cc_t cc)
{
    x64_reg_t r = vs_alloc(b, 0);
    x64_xor_rr(&b->buf, 4, r, r);
    x64_ptest_xx(&b->buf, x, x);
    x64_setcc_r(&b->buf, cc, r);
    vs_drop(b, 1);
    return vs_push_reg(b, SL_TYPE_I32, r);
}

static bool
any_true(baseline_t *b)
{
    return test_to_i32(b, vs_read_xreg(b, b->depth - 1, 0), X64_CC_NE);
}

/* spec: all_true: no lane is zero, that is, comparing the lanes with zero gives none equal. */
static bool
all_true(baseline_t *b, unsigned op)
{
    static void (*const cmpeq[9])(x64_buf_t *, x64_xreg_t, x64_xreg_t) = {
        [1] = x64_pcmpeqb_xx, [2] = x64_pcmpeqw_xx, [4] = x64_pcmpeqd_xx, [8] = x64_pcmpeqq_xx};
    x64_xreg_t x = vs_read_xreg(b, b->depth - 1, 0);
    x64_pxor_xx(&b->buf, SCRATCH_X, SCRATCH_X);
    cmpeq[shape_size(op)](&b->buf, SCRATCH_X, x);
    return test_to_i32(b, SCRATCH_X, X64_CC_E);
}

/* spec: bitmask: the lanes' sign bits. i16x8 has no movmsk of its own: packsswb keeps each
 * word's sign in a byte, in the high half of the scratch register (its low half is whatever
 * the scratch held), and the shift drops the low half's bits. */
static bool
bitmask(baseline_t *b, unsigned op)
{
    x64_xreg_t x = vs_read_xreg(b, b->depth - 1, 0);
    x64_reg_t r = vs_alloc(b, 0);
    switch (op) {
    case SL_OP_I8X16_BITMASK: x64_pmovmskb_rx(&b->buf, 4, r, x); break;
    case SL_OP_I16X8_BITMASK:
        x64_packsswb_xx(&b->buf, SCRATCH_X, x);
        x64_pmovmskb_rx(&b->buf, 4, r, SCRATCH_X);
        x64_shr_ri(&b->buf, 4, r, 8);
        break;
    case SL_OP_I32X4_BITMASK: x64_movmskps_rx(&b->buf, 4, r, x); break;
    case SL_OP_I64X2_BITMASK: x64_movmskpd_rx(&b->buf, 4, r, x); break;
    default: SL_UNREACHABLE();
    }
    vs_drop(b, 1);
    return vs_push_reg(b, SL_TYPE_I32, r);
}

bool
emit_simd_lane(baseline_t *b, unsigned op, const body_imm_t *imm)
{
    switch (op) {
    case SL_OP_V128_LOAD: case SL_OP_V128_LOAD8X8_S: case SL_OP_V128_LOAD8X8_U:
    case SL_OP_V128_LOAD16X4_S: case SL_OP_V128_LOAD16X4_U: case SL_OP_V128_LOAD32X2_S:
    case SL_OP_V128_LOAD32X2_U: case SL_OP_V128_LOAD8_SPLAT: case SL_OP_V128_LOAD16_SPLAT:
    case SL_OP_V128_LOAD32_SPLAT: case SL_OP_V128_LOAD64_SPLAT: case SL_OP_V128_LOAD32_ZERO:
    case SL_OP_V128_LOAD64_ZERO:
        return load(b, op, imm->offset);
    case SL_OP_V128_LOAD8_LANE: case SL_OP_V128_LOAD16_LANE: case SL_OP_V128_LOAD32_LANE:
    case SL_OP_V128_LOAD64_LANE:
        return load_lane(b, op, imm->offset, imm->lane);
    case SL_OP_V128_STORE: case SL_OP_V128_STORE8_LANE: case SL_OP_V128_STORE16_LANE:
    case SL_OP_V128_STORE32_LANE: case SL_OP_V128_STORE64_LANE:
        return store(b, op, imm->offset, imm->lane);

    case SL_OP_I8X16_SPLAT: case SL_OP_I16X8_SPLAT: case SL_OP_I32X4_SPLAT:
    case SL_OP_I64X2_SPLAT: case SL_OP_F32X4_SPLAT: case SL_OP_F64X2_SPLAT:
        return splat(b, op);
    case SL_OP_I8X16_EXTRACT_LANE_S: case SL_OP_I8X16_EXTRACT_LANE_U:
    case SL_OP_I16X8_EXTRACT_LANE_S: case SL_OP_I16X8_EXTRACT_LANE_U:
    case SL_OP_I32X4_EXTRACT_LANE: case SL_OP_I64X2_EXTRACT_LANE:
    case SL_OP_F32X4_EXTRACT_LANE: case SL_OP_F64X2_EXTRACT_LANE:
        return extract_lane(b, op, imm->lane);
    case SL_OP_I8X16_REPLACE_LANE: case SL_OP_I16X8_REPLACE_LANE: case SL_OP_I32X4_REPLACE_LANE:
    case SL_OP_I64X2_REPLACE_LANE: case SL_OP_F32X4_REPLACE_LANE: case SL_OP_F64X2_REPLACE_LANE:
        return replace_lane(b, op, imm->lane);
    case SL_OP_I8X16_SHUFFLE: return shuffle(b, imm->bytes);
    case SL_OP_I8X16_SWIZZLE: return swizzle(b);

    case SL_OP_V128_NOT: complement(b); return true;
    case SL_OP_V128_AND: bitwise(b, x64_andps_xx, x64_vandps_xxx, x64_vandps_xxm); return true;
    case SL_OP_V128_OR: bitwise(b, x64_orps_xx, x64_vorps_xxx, x64_vorps_xxm); return true;
    case SL_OP_V128_XOR: bitwise(b, x64_xorps_xx, x64_vxorps_xxx, x64_vxorps_xxm); return true;
    case SL_OP_V128_ANDNOT: return and_not(b);
    case SL_OP_V128_BITSELECT: bitselect(b); return true;
    case SL_OP_V128_ANY_TRUE: return any_true(b);
    case SL_OP_I8X16_ALL_TRUE: case SL_OP_I16X8_ALL_TRUE: case SL_OP_I32X4_ALL_TRUE:
    case SL_OP_I64X2_ALL_TRUE:
        return all_true(b, op);
    case SL_OP_I8X16_BITMASK: case SL_OP_I16X8_BITMASK: case SL_OP_I32X4_BITMASK:
    case SL_OP_I64X2_BITMASK:
        return bitmask(b, op);
    default:
        return baseline_fail(b, SL_ENOTSUP, "the baseline tier does not compile %s yet",
                             sl_opcode_info[op].text);
    }
}
