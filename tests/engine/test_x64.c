/* The x86-64 assembler (engine/x64): every emitter against encodings GNU as produced for the
 * same Intel text, and against Capstone's reading of the emitted bytes, so a failure prints both
 * what was expected and what was emitted. Then exhaustive register and addressing-mode sweeps
 * checked through Capstone alone, labels (rel8/rel32 choice, forward chains), the buffer's
 * growth and its behaviour when allocation fails (injected through -Wl,--wrap=realloc). */
#include <capstone/capstone.h>
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "x64_abi.h"
#include "x64_encode.h"
#include "x64_label.h"

/* ---- allocation failure injection ---- */

/* The executable links with -Wl,--wrap=realloc, so every realloc of the statically linked code
 * (the buffer's growth among it) comes here. Armed, the n-th call and all later ones fail. Arm it
 * only around emitter calls: Check's own bookkeeping allocates too. */
void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long reallocs_before_failure = -1; /* -1: disarmed */
static unsigned n_reallocs;

void *
__wrap_realloc(void *p, size_t size)
{
    n_reallocs++;
    if (reallocs_before_failure == 0)
        return NULL;
    if (reallocs_before_failure > 0)
        reallocs_before_failure--;
    return __real_realloc(p, size);
}

/* ---- rendering ---- */

static csh capstone;

static void
capstone_open(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &capstone), CS_ERR_OK);
}

static void
capstone_close(void)
{
    cs_close(&capstone);
}

/* Capstone's Intel text for [p, p + len) decoded at `address`: "mnemonic operands" joined by
 * "; ", and "(bad)" where it could not decode the rest. */
static void
disasm(const uint8_t *p, size_t len, uint64_t address, char *out, size_t out_size)
{
    cs_insn *insn = NULL;
    size_t n = cs_disasm(capstone, p, len, address, 0, &insn);
    size_t used = 0, at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && at < out_size; i++) {
        at += (size_t)snprintf(out + at, out_size - at, "%s%s%s%s", i ? "; " : "",
                               insn[i].mnemonic, insn[i].op_str[0] ? " " : "", insn[i].op_str);
        used += insn[i].size;
    }
    if (used < len && at < out_size)
        snprintf(out + at, out_size - at, "%s(bad)", n ? "; " : "");
    cs_free(insn, n);
}

/* "48 01 c8" */
static void
hex(const uint8_t *p, size_t len, char *out, size_t out_size)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && at < out_size; i++)
        at += (size_t)snprintf(out + at, out_size - at, "%s%02x", i ? " " : "", p[i]);
}

/* Asserts that [from, b->len) of b is `want_hex` and reads as `want_text` at address `from`. */
static void
check_code(const char *what, const x64_buf_t *b, size_t from, const char *want_hex,
           const char *want_text)
{
    char got_hex[512], got_text[1024];
    ck_assert_msg(!b->oom, "%s: oom", what);
    hex(b->data + from, b->len - from, got_hex, sizeof got_hex);
    disasm(b->data + from, b->len - from, from, got_text, sizeof got_text);
    ck_assert_msg(strcmp(got_hex, want_hex) == 0 && strcmp(got_text, want_text) == 0,
                  "%s:\n  emitted  %s  (%s)\n  expected %s  (%s)", what, got_hex, got_text,
                  want_hex, want_text);
}

/* ---- the encoding table ---- */

#define RAX X64_RAX
#define RCX X64_RCX
#define RDX X64_RDX
#define RBX X64_RBX
#define RSP X64_RSP
#define RBP X64_RBP
#define RSI X64_RSI
#define RDI X64_RDI
#define R8 X64_R8
#define R9 X64_R9
#define R10 X64_R10
#define R11 X64_R11
#define R12 X64_R12
#define R13 X64_R13
#define R14 X64_R14
#define R15 X64_R15
#define NOREG X64_NO_REG
#define XMM0 X64_XMM0
#define XMM1 X64_XMM1
#define XMM2 X64_XMM2
#define XMM3 X64_XMM3
#define XMM4 X64_XMM4
#define XMM5 X64_XMM5
#define XMM6 X64_XMM6
#define XMM7 X64_XMM7
#define XMM8 X64_XMM8
#define XMM9 X64_XMM9
#define XMM10 X64_XMM10
#define XMM11 X64_XMM11
#define XMM12 X64_XMM12
#define XMM13 X64_XMM13
#define XMM14 X64_XMM14
#define XMM15 X64_XMM15

/* Memory operands as constant initializers: [base + disp], [base + index*scale + disp],
 * [rip + disp]. */
#define MB(b_, d_) {.base = (b_), .index = X64_NO_REG, .scale = 1, .disp = (d_)}
#define MBI(b_, i_, s_, d_) {.base = (b_), .index = (i_), .scale = (s_), .disp = (d_)}
#define MRIP(d_)                                                                                   \
    {.base = X64_NO_REG, .index = X64_NO_REG, .scale = 1, .is_rip = true, .disp = (d_)}

/* The operand shapes of the emitters: run_case() calls fn with the row's operands. */
typedef enum shape {
    S_RR, S_RI, S_RI64, S_RM, S_MR, S_MI, S_R, S_RU8, S_SIZE, S_NONE, S_REG, S_MEM,
    S_XX, S_XM, S_MX, S_XR, S_RX, S_CVT_XR, S_CVT_RX, S_XXI, S_XI, S_XRI, S_XMI, S_RXI, S_MXI,
    S_XXX, S_XXM, S_XXXI,
    /* one emitter each */
    S_MOVZX_RM, S_MOVSX_RM, S_MOVZX_RR, S_MOVSX_RR, S_IMUL_RRI, S_SETCC, S_CMOVCC, S_NOP,
} shape_t;

typedef struct enc_case {
    const char *name; /* the emitter */
    shape_t shape;
    union {
        void (*rr)(x64_buf_t *, unsigned, x64_reg_t, x64_reg_t);
        void (*ri)(x64_buf_t *, unsigned, x64_reg_t, int32_t);
        void (*ri64)(x64_buf_t *, unsigned, x64_reg_t, int64_t);
        void (*rm)(x64_buf_t *, unsigned, x64_reg_t, x64_mem_t);
        void (*mr)(x64_buf_t *, unsigned, x64_mem_t, x64_reg_t);
        void (*mi)(x64_buf_t *, unsigned, x64_mem_t, int32_t);
        void (*r)(x64_buf_t *, unsigned, x64_reg_t);
        void (*ru8)(x64_buf_t *, unsigned, x64_reg_t, uint8_t);
        void (*size)(x64_buf_t *, unsigned);
        void (*none)(x64_buf_t *);
        void (*reg)(x64_buf_t *, x64_reg_t);
        void (*mem)(x64_buf_t *, x64_mem_t);
        void (*xx)(x64_buf_t *, x64_xreg_t, x64_xreg_t);
        void (*xm)(x64_buf_t *, x64_xreg_t, x64_mem_t);
        void (*mx)(x64_buf_t *, x64_mem_t, x64_xreg_t);
        void (*xr)(x64_buf_t *, x64_xreg_t, x64_reg_t);
        void (*rx)(x64_buf_t *, x64_reg_t, x64_xreg_t);
        void (*cvt_xr)(x64_buf_t *, unsigned, x64_xreg_t, x64_reg_t);
        void (*cvt_rx)(x64_buf_t *, unsigned, x64_reg_t, x64_xreg_t);
        void (*xxi)(x64_buf_t *, x64_xreg_t, x64_xreg_t, uint8_t);
        void (*xi)(x64_buf_t *, x64_xreg_t, uint8_t);
        void (*xri)(x64_buf_t *, x64_xreg_t, x64_reg_t, uint8_t);
        void (*xmi)(x64_buf_t *, x64_xreg_t, x64_mem_t, uint8_t);
        void (*rxi)(x64_buf_t *, x64_reg_t, x64_xreg_t, uint8_t);
        void (*mxi)(x64_buf_t *, x64_mem_t, x64_xreg_t, uint8_t);
        void (*xxx)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t);
        void (*xxm)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_mem_t);
        void (*xxxi)(x64_buf_t *, x64_xreg_t, x64_xreg_t, x64_xreg_t, uint8_t);
    } fn;
    unsigned size, size2; /* operand size; the second size of movzx/movsx/cvt */
    uint8_t a, c, v;      /* registers, first, second and third operand (the AVX forms) */
    x64_cc_t cc;
    x64_mem_t m;
    int64_t imm;
    const char *hex;  /* the bytes GNU as produced for the text */
    const char *text; /* Capstone's text for those bytes */
} enc_case_t;

#define RR(f, sz, d, s, h, t)                                                                      \
    {#f, S_RR, .fn.rr = f, .size = sz, .a = d, .c = s, .hex = h, .text = t}
#define RI(f, sz, d, i, h, t)                                                                      \
    {#f, S_RI, .fn.ri = f, .size = sz, .a = d, .imm = i, .hex = h, .text = t}
#define RI64(f, sz, d, i, h, t)                                                                    \
    {#f, S_RI64, .fn.ri64 = f, .size = sz, .a = d, .imm = i, .hex = h, .text = t}
#define RM(f, sz, d, mem, h, t)                                                                    \
    {#f, S_RM, .fn.rm = f, .size = sz, .a = d, .m = mem, .hex = h, .text = t}
#define MR(f, sz, mem, s, h, t)                                                                    \
    {#f, S_MR, .fn.mr = f, .size = sz, .m = mem, .c = s, .hex = h, .text = t}
#define MI(f, sz, mem, i, h, t)                                                                    \
    {#f, S_MI, .fn.mi = f, .size = sz, .m = mem, .imm = i, .hex = h, .text = t}
#define R1(f, sz, r_, h, t) {#f, S_R, .fn.r = f, .size = sz, .a = r_, .hex = h, .text = t}
#define RU8(f, sz, r_, i, h, t)                                                                    \
    {#f, S_RU8, .fn.ru8 = f, .size = sz, .a = r_, .imm = i, .hex = h, .text = t}
#define SZ(f, sz, h, t) {#f, S_SIZE, .fn.size = f, .size = sz, .hex = h, .text = t}
#define NONE(f, h, t) {#f, S_NONE, .fn.none = f, .hex = h, .text = t}
#define REG(f, r, h, t) {#f, S_REG, .fn.reg = f, .a = r, .hex = h, .text = t}
#define MEM(f, m_, h, t) {#f, S_MEM, .fn.mem = f, .m = m_, .hex = h, .text = t}
#define XX(f, d, s, h, t) {#f, S_XX, .fn.xx = f, .a = d, .c = s, .hex = h, .text = t}
#define XM(f, d, mem, h, t) {#f, S_XM, .fn.xm = f, .a = d, .m = mem, .hex = h, .text = t}
#define MX(f, mem, s, h, t) {#f, S_MX, .fn.mx = f, .m = mem, .c = s, .hex = h, .text = t}
#define XR(f, d, s, h, t) {#f, S_XR, .fn.xr = f, .a = d, .c = s, .hex = h, .text = t}
#define RX(f, d, s, h, t) {#f, S_RX, .fn.rx = f, .a = d, .c = s, .hex = h, .text = t}
#define CVTXR(f, sz, d, s, h, t)                                                                   \
    {#f, S_CVT_XR, .fn.cvt_xr = f, .size = sz, .a = d, .c = s, .hex = h, .text = t}
#define CVTRX(f, sz, d, s, h, t)                                                                   \
    {#f, S_CVT_RX, .fn.cvt_rx = f, .size = sz, .a = d, .c = s, .hex = h, .text = t}
#define XXI(f, d, s, i, h, t)                                                                      \
    {#f, S_XXI, .fn.xxi = f, .a = d, .c = s, .imm = i, .hex = h, .text = t}
#define XI(f, d, i, h, t) {#f, S_XI, .fn.xi = f, .a = d, .imm = i, .hex = h, .text = t}
#define XRI(f, d, s, i, h, t)                                                                      \
    {#f, S_XRI, .fn.xri = f, .a = d, .c = s, .imm = i, .hex = h, .text = t}
#define XMI(f, d, mem, i, h, t)                                                                    \
    {#f, S_XMI, .fn.xmi = f, .a = d, .m = mem, .imm = i, .hex = h, .text = t}
#define RXI(f, d, s, i, h, t)                                                                      \
    {#f, S_RXI, .fn.rxi = f, .a = d, .c = s, .imm = i, .hex = h, .text = t}
#define MXI(f, mem, s, i, h, t)                                                                    \
    {#f, S_MXI, .fn.mxi = f, .m = mem, .c = s, .imm = i, .hex = h, .text = t}
/* AVX: dst, the first source (VEX.vvvv), then the second source */
#define XXX(f, d, s1, s2, h, t)                                                                    \
    {#f, S_XXX, .fn.xxx = f, .a = d, .c = s1, .v = s2, .hex = h, .text = t}
#define XXM(f, d, s1, mem, h, t)                                                                   \
    {#f, S_XXM, .fn.xxm = f, .a = d, .c = s1, .m = mem, .hex = h, .text = t}
#define XXXI(f, d, s1, s2, i, h, t)                                                                \
    {#f, S_XXXI, .fn.xxxi = f, .a = d, .c = s1, .v = s2, .imm = i, .hex = h, .text = t}
#define ZXRM(d, ss, mem, h, t)                                                                     \
    {"x64_movzx_rm", S_MOVZX_RM, .a = d, .size2 = ss, .m = mem, .hex = h, .text = t}
#define SXRM(ds, d, ss, mem, h, t)                                                                 \
    {"x64_movsx_rm", S_MOVSX_RM, .size = ds, .a = d, .size2 = ss, .m = mem, .hex = h, .text = t}
#define ZXRR(d, s, ss, h, t)                                                                       \
    {"x64_movzx_rr", S_MOVZX_RR, .a = d, .c = s, .size2 = ss, .hex = h, .text = t}
#define SXRR(ds, d, s, ss, h, t)                                                                   \
    {"x64_movsx_rr", S_MOVSX_RR, .size = ds, .a = d, .c = s, .size2 = ss, .hex = h, .text = t}
#define RRI(sz, d, s, i, h, t)                                                                     \
    {"x64_imul_rri", S_IMUL_RRI, .size = sz, .a = d, .c = s, .imm = i, .hex = h, .text = t}
#define SETCC(k, r, h, t) {"x64_setcc_r", S_SETCC, .cc = k, .a = r, .hex = h, .text = t}
#define CMOV(sz, k, d, s, h, t)                                                                    \
    {"x64_cmovcc_rr", S_CMOVCC, .size = sz, .cc = k, .a = d, .c = s, .hex = h, .text = t}
#define NOP(n, h, t) {"x64_nop", S_NOP, .size = n, .hex = h, .text = t}

static const enc_case_t enc_cases[] = {
    /* add: rr, ri, rm, mr, mi */
    RR(x64_add_rr, 8, RCX, RDX, "48 01 d1", "add rcx, rdx"),
    RR(x64_add_rr, 8, R9, RAX, "49 01 c1", "add r9, rax"),
    RR(x64_add_rr, 4, RAX, R10, "44 01 d0", "add eax, r10d"),
    RR(x64_add_rr, 2, RBX, R15, "66 44 01 fb", "add bx, r15w"),
    RR(x64_add_rr, 1, RSI, RDI, "40 00 fe", "add sil, dil"),
    RR(x64_add_rr, 1, R8, RCX, "41 00 c8", "add r8b, cl"),
    RI(x64_add_ri, 8, RCX, 1, "48 83 c1 01", "add rcx, 1"),
    RI(x64_add_ri, 8, R12, -0x80, "49 83 c4 80", "add r12, -0x80"),
    RI(x64_add_ri, 8, RDX, 0x80, "48 81 c2 80 00 00 00", "add rdx, 0x80"),
    RI(x64_add_ri, 4, R11, 0x12345678, "41 81 c3 78 56 34 12", "add r11d, 0x12345678"),
    RI(x64_add_ri, 4, RAX, -1, "83 c0 ff", "add eax, -1"),
    RI(x64_add_ri, 2, RSI, 0x1234, "66 81 c6 34 12", "add si, 0x1234"),
    RI(x64_add_ri, 2, R9, -2, "66 41 83 c1 fe", "add r9w, -2"),
    RI(x64_add_ri, 1, RDX, 0x7f, "80 c2 7f", "add dl, 0x7f"),
    RI(x64_add_ri, 1, RSI, -1, "40 80 c6 ff", "add sil, 0xff"),
    RM(x64_add_rm, 8, RAX, MBI(R13, RCX, 8, 0x10),
        "49 03 44 cd 10", "add rax, qword ptr [r13 + rcx*8 + 0x10]"),
    RM(x64_add_rm, 4, R9, MB(RSP, 0), "44 03 0c 24", "add r9d, dword ptr [rsp]"),
    RM(x64_add_rm, 2, RDX, MB(RBP, -8), "66 03 55 f8", "add dx, word ptr [rbp - 8]"),
    RM(x64_add_rm, 1, RSP, MB(R12, 0x200),
        "41 02 a4 24 00 02 00 00", "add spl, byte ptr [r12 + 0x200]"),
    MR(x64_add_mr, 8, MRIP(0x100), RBX, "48 01 1d 00 01 00 00", "add qword ptr [rip + 0x100], rbx"),
    MR(x64_add_mr, 4, MBI(RAX, R12, 2, -0x1000), RCX,
        "42 01 8c 60 00 f0 ff ff", "add dword ptr [rax + r12*2 - 0x1000], ecx"),
    MR(x64_add_mr, 2, MB(RDI, 0), R14, "66 44 01 37", "add word ptr [rdi], r14w"),
    MR(x64_add_mr, 1, MB(R8, 1), RBP, "41 00 68 01", "add byte ptr [r8 + 1], bpl"),
    MI(x64_add_mi, 8, MB(R13, 0), 1, "49 83 45 00 01", "add qword ptr [r13], 1"),
    MI(x64_add_mi, 8, MBI(RBX, RSI, 1, 0), -0x1000,
        "48 81 04 33 00 f0 ff ff", "add qword ptr [rbx + rsi], -0x1000"),
    MI(x64_add_mi, 4, MBI(RSP, RBP, 4, 0x7f), 0x1000,
        "81 44 ac 7f 00 10 00 00", "add dword ptr [rsp + rbp*4 + 0x7f], 0x1000"),
    MI(x64_add_mi, 2, MBI(R15, R9, 8, -0x80), -0x12c,
        "66 43 81 44 cf 80 d4 fe", "add word ptr [r15 + r9*8 - 0x80], 0xfed4"),
    MI(x64_add_mi, 1, MBI(NOREG, RCX, 4, 0x10), 0x80,
        "80 04 8d 10 00 00 00 80", "add byte ptr [rcx*4 + 0x10], 0x80"),
    /* or: rr, ri, rm, mr, mi */
    RR(x64_or_rr, 8, RCX, RDX, "48 09 d1", "or rcx, rdx"),
    RR(x64_or_rr, 8, R9, RAX, "49 09 c1", "or r9, rax"),
    RR(x64_or_rr, 4, RAX, R10, "44 09 d0", "or eax, r10d"),
    RR(x64_or_rr, 2, RBX, R15, "66 44 09 fb", "or bx, r15w"),
    RR(x64_or_rr, 1, RSI, RDI, "40 08 fe", "or sil, dil"),
    RR(x64_or_rr, 1, R8, RCX, "41 08 c8", "or r8b, cl"),
    RI(x64_or_ri, 8, RCX, 1, "48 83 c9 01", "or rcx, 1"),
    RI(x64_or_ri, 8, R12, -0x80, "49 83 cc 80", "or r12, 0xffffffffffffff80"),
    RI(x64_or_ri, 8, RDX, 0x80, "48 81 ca 80 00 00 00", "or rdx, 0x80"),
    RI(x64_or_ri, 4, R11, 0x12345678, "41 81 cb 78 56 34 12", "or r11d, 0x12345678"),
    RI(x64_or_ri, 4, RAX, -1, "83 c8 ff", "or eax, 0xffffffff"),
    RI(x64_or_ri, 2, RSI, 0x1234, "66 81 ce 34 12", "or si, 0x1234"),
    RI(x64_or_ri, 2, R9, -2, "66 41 83 c9 fe", "or r9w, 0xfffe"),
    RI(x64_or_ri, 1, RDX, 0x7f, "80 ca 7f", "or dl, 0x7f"),
    RI(x64_or_ri, 1, RSI, -1, "40 80 ce ff", "or sil, 0xff"),
    RM(x64_or_rm, 8, RAX, MB(RSP, 0), "48 0b 04 24", "or rax, qword ptr [rsp]"),
    RM(x64_or_rm, 4, R9, MB(RBP, -8), "44 0b 4d f8", "or r9d, dword ptr [rbp - 8]"),
    RM(x64_or_rm, 2, RDX, MB(R12, 0x200),
        "66 41 0b 94 24 00 02 00 00", "or dx, word ptr [r12 + 0x200]"),
    RM(x64_or_rm, 1, RSP, MRIP(0x100), "40 0a 25 00 01 00 00", "or spl, byte ptr [rip + 0x100]"),
    MR(x64_or_mr, 8, MBI(RAX, R12, 2, -0x1000), RBX,
        "4a 09 9c 60 00 f0 ff ff", "or qword ptr [rax + r12*2 - 0x1000], rbx"),
    MR(x64_or_mr, 4, MB(RDI, 0), RCX, "09 0f", "or dword ptr [rdi], ecx"),
    MR(x64_or_mr, 2, MB(R8, 1), R14, "66 45 09 70 01", "or word ptr [r8 + 1], r14w"),
    MR(x64_or_mr, 1, MB(R13, 0), RBP, "41 08 6d 00", "or byte ptr [r13], bpl"),
    MI(x64_or_mi, 8, MBI(RBX, RSI, 1, 0), 1, "48 83 0c 33 01", "or qword ptr [rbx + rsi], 1"),
    MI(x64_or_mi, 8, MBI(RSP, RBP, 4, 0x7f), -0x1000,
        "48 81 4c ac 7f 00 f0 ff ff", "or qword ptr [rsp + rbp*4 + 0x7f], 0xfffffffffffff000"),
    MI(x64_or_mi, 4, MBI(R15, R9, 8, -0x80), 0x1000,
        "43 81 4c cf 80 00 10 00 00", "or dword ptr [r15 + r9*8 - 0x80], 0x1000"),
    MI(x64_or_mi, 2, MBI(NOREG, RCX, 4, 0x10), -0x12c,
        "66 81 0c 8d 10 00 00 00 d4 fe", "or word ptr [rcx*4 + 0x10], 0xfed4"),
    MI(x64_or_mi, 1, MBI(RBP, R13, 1, 0x12345678), 0x80,
        "42 80 8c 2d 78 56 34 12 80", "or byte ptr [rbp + r13 + 0x12345678], 0x80"),
    /* adc: rr, ri, rm, mr, mi */
    RR(x64_adc_rr, 8, RCX, RDX, "48 11 d1", "adc rcx, rdx"),
    RR(x64_adc_rr, 8, R9, RAX, "49 11 c1", "adc r9, rax"),
    RR(x64_adc_rr, 4, RAX, R10, "44 11 d0", "adc eax, r10d"),
    RR(x64_adc_rr, 2, RBX, R15, "66 44 11 fb", "adc bx, r15w"),
    RR(x64_adc_rr, 1, RSI, RDI, "40 10 fe", "adc sil, dil"),
    RR(x64_adc_rr, 1, R8, RCX, "41 10 c8", "adc r8b, cl"),
    RI(x64_adc_ri, 8, RCX, 1, "48 83 d1 01", "adc rcx, 1"),
    RI(x64_adc_ri, 8, R12, -0x80, "49 83 d4 80", "adc r12, -0x80"),
    RI(x64_adc_ri, 8, RDX, 0x80, "48 81 d2 80 00 00 00", "adc rdx, 0x80"),
    RI(x64_adc_ri, 4, R11, 0x12345678, "41 81 d3 78 56 34 12", "adc r11d, 0x12345678"),
    RI(x64_adc_ri, 4, RAX, -1, "83 d0 ff", "adc eax, -1"),
    RI(x64_adc_ri, 2, RSI, 0x1234, "66 81 d6 34 12", "adc si, 0x1234"),
    RI(x64_adc_ri, 2, R9, -2, "66 41 83 d1 fe", "adc r9w, -2"),
    RI(x64_adc_ri, 1, RDX, 0x7f, "80 d2 7f", "adc dl, 0x7f"),
    RI(x64_adc_ri, 1, RSI, -1, "40 80 d6 ff", "adc sil, 0xff"),
    RM(x64_adc_rm, 8, RAX, MB(RBP, -8), "48 13 45 f8", "adc rax, qword ptr [rbp - 8]"),
    RM(x64_adc_rm, 4, R9, MB(R12, 0x200),
        "45 13 8c 24 00 02 00 00", "adc r9d, dword ptr [r12 + 0x200]"),
    RM(x64_adc_rm, 2, RDX, MRIP(0x100), "66 13 15 00 01 00 00", "adc dx, word ptr [rip + 0x100]"),
    RM(x64_adc_rm, 1, RSP, MBI(RAX, R12, 2, -0x1000),
        "42 12 a4 60 00 f0 ff ff", "adc spl, byte ptr [rax + r12*2 - 0x1000]"),
    MR(x64_adc_mr, 8, MB(RDI, 0), RBX, "48 11 1f", "adc qword ptr [rdi], rbx"),
    MR(x64_adc_mr, 4, MB(R8, 1), RCX, "41 11 48 01", "adc dword ptr [r8 + 1], ecx"),
    MR(x64_adc_mr, 2, MB(R13, 0), R14, "66 45 11 75 00", "adc word ptr [r13], r14w"),
    MR(x64_adc_mr, 1, MBI(RBX, RSI, 1, 0), RBP, "40 10 2c 33", "adc byte ptr [rbx + rsi], bpl"),
    MI(x64_adc_mi, 8, MBI(RSP, RBP, 4, 0x7f), 1,
        "48 83 54 ac 7f 01", "adc qword ptr [rsp + rbp*4 + 0x7f], 1"),
    MI(x64_adc_mi, 8, MBI(R15, R9, 8, -0x80), -0x1000,
        "4b 81 54 cf 80 00 f0 ff ff", "adc qword ptr [r15 + r9*8 - 0x80], -0x1000"),
    MI(x64_adc_mi, 4, MBI(NOREG, RCX, 4, 0x10), 0x1000,
        "81 14 8d 10 00 00 00 00 10 00 00", "adc dword ptr [rcx*4 + 0x10], 0x1000"),
    MI(x64_adc_mi, 2, MBI(RBP, R13, 1, 0x12345678), -0x12c,
        "66 42 81 94 2d 78 56 34 12 d4 fe", "adc word ptr [rbp + r13 + 0x12345678], 0xfed4"),
    MI(x64_adc_mi, 1, MBI(R12, RAX, 2, 0), 0x80,
        "41 80 14 44 80", "adc byte ptr [r12 + rax*2], 0x80"),
    /* sbb: rr, ri, rm, mr, mi */
    RR(x64_sbb_rr, 8, RCX, RDX, "48 19 d1", "sbb rcx, rdx"),
    RR(x64_sbb_rr, 8, R9, RAX, "49 19 c1", "sbb r9, rax"),
    RR(x64_sbb_rr, 4, RAX, R10, "44 19 d0", "sbb eax, r10d"),
    RR(x64_sbb_rr, 2, RBX, R15, "66 44 19 fb", "sbb bx, r15w"),
    RR(x64_sbb_rr, 1, RSI, RDI, "40 18 fe", "sbb sil, dil"),
    RR(x64_sbb_rr, 1, R8, RCX, "41 18 c8", "sbb r8b, cl"),
    RI(x64_sbb_ri, 8, RCX, 1, "48 83 d9 01", "sbb rcx, 1"),
    RI(x64_sbb_ri, 8, R12, -0x80, "49 83 dc 80", "sbb r12, -0x80"),
    RI(x64_sbb_ri, 8, RDX, 0x80, "48 81 da 80 00 00 00", "sbb rdx, 0x80"),
    RI(x64_sbb_ri, 4, R11, 0x12345678, "41 81 db 78 56 34 12", "sbb r11d, 0x12345678"),
    RI(x64_sbb_ri, 4, RAX, -1, "83 d8 ff", "sbb eax, -1"),
    RI(x64_sbb_ri, 2, RSI, 0x1234, "66 81 de 34 12", "sbb si, 0x1234"),
    RI(x64_sbb_ri, 2, R9, -2, "66 41 83 d9 fe", "sbb r9w, -2"),
    RI(x64_sbb_ri, 1, RDX, 0x7f, "80 da 7f", "sbb dl, 0x7f"),
    RI(x64_sbb_ri, 1, RSI, -1, "40 80 de ff", "sbb sil, 0xff"),
    RM(x64_sbb_rm, 8, RAX, MB(R12, 0x200),
        "49 1b 84 24 00 02 00 00", "sbb rax, qword ptr [r12 + 0x200]"),
    RM(x64_sbb_rm, 4, R9, MRIP(0x100), "44 1b 0d 00 01 00 00", "sbb r9d, dword ptr [rip + 0x100]"),
    RM(x64_sbb_rm, 2, RDX, MBI(RAX, R12, 2, -0x1000),
        "66 42 1b 94 60 00 f0 ff ff", "sbb dx, word ptr [rax + r12*2 - 0x1000]"),
    RM(x64_sbb_rm, 1, RSP, MB(RDI, 0), "40 1a 27", "sbb spl, byte ptr [rdi]"),
    MR(x64_sbb_mr, 8, MB(R8, 1), RBX, "49 19 58 01", "sbb qword ptr [r8 + 1], rbx"),
    MR(x64_sbb_mr, 4, MB(R13, 0), RCX, "41 19 4d 00", "sbb dword ptr [r13], ecx"),
    MR(x64_sbb_mr, 2, MBI(RBX, RSI, 1, 0), R14, "66 44 19 34 33", "sbb word ptr [rbx + rsi], r14w"),
    MR(x64_sbb_mr, 1, MBI(RSP, RBP, 4, 0x7f), RBP,
        "40 18 6c ac 7f", "sbb byte ptr [rsp + rbp*4 + 0x7f], bpl"),
    MI(x64_sbb_mi, 8, MBI(R15, R9, 8, -0x80), 1,
        "4b 83 5c cf 80 01", "sbb qword ptr [r15 + r9*8 - 0x80], 1"),
    MI(x64_sbb_mi, 8, MBI(NOREG, RCX, 4, 0x10), -0x1000,
        "48 81 1c 8d 10 00 00 00 00 f0 ff ff", "sbb qword ptr [rcx*4 + 0x10], -0x1000"),
    MI(x64_sbb_mi, 4, MBI(RBP, R13, 1, 0x12345678), 0x1000,
        "42 81 9c 2d 78 56 34 12 00 10 00 00", "sbb dword ptr [rbp + r13 + 0x12345678], 0x1000"),
    MI(x64_sbb_mi, 2, MBI(R12, RAX, 2, 0), -0x12c,
        "66 41 81 1c 44 d4 fe", "sbb word ptr [r12 + rax*2], 0xfed4"),
    MI(x64_sbb_mi, 1, MBI(R13, RCX, 8, 0x10), 0x80,
        "41 80 5c cd 10 80", "sbb byte ptr [r13 + rcx*8 + 0x10], 0x80"),
    /* and: rr, ri, rm, mr, mi */
    RR(x64_and_rr, 8, RCX, RDX, "48 21 d1", "and rcx, rdx"),
    RR(x64_and_rr, 8, R9, RAX, "49 21 c1", "and r9, rax"),
    RR(x64_and_rr, 4, RAX, R10, "44 21 d0", "and eax, r10d"),
    RR(x64_and_rr, 2, RBX, R15, "66 44 21 fb", "and bx, r15w"),
    RR(x64_and_rr, 1, RSI, RDI, "40 20 fe", "and sil, dil"),
    RR(x64_and_rr, 1, R8, RCX, "41 20 c8", "and r8b, cl"),
    RI(x64_and_ri, 8, RCX, 1, "48 83 e1 01", "and rcx, 1"),
    RI(x64_and_ri, 8, R12, -0x80, "49 83 e4 80", "and r12, 0xffffffffffffff80"),
    RI(x64_and_ri, 8, RDX, 0x80, "48 81 e2 80 00 00 00", "and rdx, 0x80"),
    RI(x64_and_ri, 4, R11, 0x12345678, "41 81 e3 78 56 34 12", "and r11d, 0x12345678"),
    RI(x64_and_ri, 4, RAX, -1, "83 e0 ff", "and eax, 0xffffffff"),
    RI(x64_and_ri, 2, RSI, 0x1234, "66 81 e6 34 12", "and si, 0x1234"),
    RI(x64_and_ri, 2, R9, -2, "66 41 83 e1 fe", "and r9w, 0xfffe"),
    RI(x64_and_ri, 1, RDX, 0x7f, "80 e2 7f", "and dl, 0x7f"),
    RI(x64_and_ri, 1, RSI, -1, "40 80 e6 ff", "and sil, 0xff"),
    RM(x64_and_rm, 8, RAX, MRIP(0x100), "48 23 05 00 01 00 00", "and rax, qword ptr [rip + 0x100]"),
    RM(x64_and_rm, 4, R9, MBI(RAX, R12, 2, -0x1000),
        "46 23 8c 60 00 f0 ff ff", "and r9d, dword ptr [rax + r12*2 - 0x1000]"),
    RM(x64_and_rm, 2, RDX, MB(RDI, 0), "66 23 17", "and dx, word ptr [rdi]"),
    RM(x64_and_rm, 1, RSP, MB(R8, 1), "41 22 60 01", "and spl, byte ptr [r8 + 1]"),
    MR(x64_and_mr, 8, MB(R13, 0), RBX, "49 21 5d 00", "and qword ptr [r13], rbx"),
    MR(x64_and_mr, 4, MBI(RBX, RSI, 1, 0), RCX, "21 0c 33", "and dword ptr [rbx + rsi], ecx"),
    MR(x64_and_mr, 2, MBI(RSP, RBP, 4, 0x7f), R14,
        "66 44 21 74 ac 7f", "and word ptr [rsp + rbp*4 + 0x7f], r14w"),
    MR(x64_and_mr, 1, MBI(R15, R9, 8, -0x80), RBP,
        "43 20 6c cf 80", "and byte ptr [r15 + r9*8 - 0x80], bpl"),
    MI(x64_and_mi, 8, MBI(NOREG, RCX, 4, 0x10), 1,
        "48 83 24 8d 10 00 00 00 01", "and qword ptr [rcx*4 + 0x10], 1"),
    MI(x64_and_mi, 8, MBI(RBP, R13, 1, 0x12345678), -0x1000,
        "4a 81 a4 2d 78 56 34 12 00 f0 ff ff",
        "and qword ptr [rbp + r13 + 0x12345678], 0xfffffffffffff000"),
    MI(x64_and_mi, 4, MBI(R12, RAX, 2, 0), 0x1000,
        "41 81 24 44 00 10 00 00", "and dword ptr [r12 + rax*2], 0x1000"),
    MI(x64_and_mi, 2, MBI(R13, RCX, 8, 0x10), -0x12c,
        "66 41 81 64 cd 10 d4 fe", "and word ptr [r13 + rcx*8 + 0x10], 0xfed4"),
    MI(x64_and_mi, 1, MB(RSP, 0), 0x80, "80 24 24 80", "and byte ptr [rsp], 0x80"),
    /* sub: rr, ri, rm, mr, mi */
    RR(x64_sub_rr, 8, RCX, RDX, "48 29 d1", "sub rcx, rdx"),
    RR(x64_sub_rr, 8, R9, RAX, "49 29 c1", "sub r9, rax"),
    RR(x64_sub_rr, 4, RAX, R10, "44 29 d0", "sub eax, r10d"),
    RR(x64_sub_rr, 2, RBX, R15, "66 44 29 fb", "sub bx, r15w"),
    RR(x64_sub_rr, 1, RSI, RDI, "40 28 fe", "sub sil, dil"),
    RR(x64_sub_rr, 1, R8, RCX, "41 28 c8", "sub r8b, cl"),
    RI(x64_sub_ri, 8, RCX, 1, "48 83 e9 01", "sub rcx, 1"),
    RI(x64_sub_ri, 8, R12, -0x80, "49 83 ec 80", "sub r12, -0x80"),
    RI(x64_sub_ri, 8, RDX, 0x80, "48 81 ea 80 00 00 00", "sub rdx, 0x80"),
    RI(x64_sub_ri, 4, R11, 0x12345678, "41 81 eb 78 56 34 12", "sub r11d, 0x12345678"),
    RI(x64_sub_ri, 4, RAX, -1, "83 e8 ff", "sub eax, -1"),
    RI(x64_sub_ri, 2, RSI, 0x1234, "66 81 ee 34 12", "sub si, 0x1234"),
    RI(x64_sub_ri, 2, R9, -2, "66 41 83 e9 fe", "sub r9w, -2"),
    RI(x64_sub_ri, 1, RDX, 0x7f, "80 ea 7f", "sub dl, 0x7f"),
    RI(x64_sub_ri, 1, RSI, -1, "40 80 ee ff", "sub sil, 0xff"),
    RM(x64_sub_rm, 8, RAX, MBI(RAX, R12, 2, -0x1000),
        "4a 2b 84 60 00 f0 ff ff", "sub rax, qword ptr [rax + r12*2 - 0x1000]"),
    RM(x64_sub_rm, 4, R9, MB(RDI, 0), "44 2b 0f", "sub r9d, dword ptr [rdi]"),
    RM(x64_sub_rm, 2, RDX, MB(R8, 1), "66 41 2b 50 01", "sub dx, word ptr [r8 + 1]"),
    RM(x64_sub_rm, 1, RSP, MB(R13, 0), "41 2a 65 00", "sub spl, byte ptr [r13]"),
    MR(x64_sub_mr, 8, MBI(RBX, RSI, 1, 0), RBX, "48 29 1c 33", "sub qword ptr [rbx + rsi], rbx"),
    MR(x64_sub_mr, 4, MBI(RSP, RBP, 4, 0x7f), RCX,
        "29 4c ac 7f", "sub dword ptr [rsp + rbp*4 + 0x7f], ecx"),
    MR(x64_sub_mr, 2, MBI(R15, R9, 8, -0x80), R14,
        "66 47 29 74 cf 80", "sub word ptr [r15 + r9*8 - 0x80], r14w"),
    MR(x64_sub_mr, 1, MBI(NOREG, RCX, 4, 0x10), RBP,
        "40 28 2c 8d 10 00 00 00", "sub byte ptr [rcx*4 + 0x10], bpl"),
    MI(x64_sub_mi, 8, MBI(RBP, R13, 1, 0x12345678), 1,
        "4a 83 ac 2d 78 56 34 12 01", "sub qword ptr [rbp + r13 + 0x12345678], 1"),
    MI(x64_sub_mi, 8, MBI(R12, RAX, 2, 0), -0x1000,
        "49 81 2c 44 00 f0 ff ff", "sub qword ptr [r12 + rax*2], -0x1000"),
    MI(x64_sub_mi, 4, MBI(R13, RCX, 8, 0x10), 0x1000,
        "41 81 6c cd 10 00 10 00 00", "sub dword ptr [r13 + rcx*8 + 0x10], 0x1000"),
    MI(x64_sub_mi, 2, MB(RSP, 0), -0x12c, "66 81 2c 24 d4 fe", "sub word ptr [rsp], 0xfed4"),
    MI(x64_sub_mi, 1, MB(RBP, -8), 0x80, "80 6d f8 80", "sub byte ptr [rbp - 8], 0x80"),
    /* xor: rr, ri, rm, mr, mi */
    RR(x64_xor_rr, 8, RCX, RDX, "48 31 d1", "xor rcx, rdx"),
    RR(x64_xor_rr, 8, R9, RAX, "49 31 c1", "xor r9, rax"),
    RR(x64_xor_rr, 4, RAX, R10, "44 31 d0", "xor eax, r10d"),
    RR(x64_xor_rr, 2, RBX, R15, "66 44 31 fb", "xor bx, r15w"),
    RR(x64_xor_rr, 1, RSI, RDI, "40 30 fe", "xor sil, dil"),
    RR(x64_xor_rr, 1, R8, RCX, "41 30 c8", "xor r8b, cl"),
    RI(x64_xor_ri, 8, RCX, 1, "48 83 f1 01", "xor rcx, 1"),
    RI(x64_xor_ri, 8, R12, -0x80, "49 83 f4 80", "xor r12, 0xffffffffffffff80"),
    RI(x64_xor_ri, 8, RDX, 0x80, "48 81 f2 80 00 00 00", "xor rdx, 0x80"),
    RI(x64_xor_ri, 4, R11, 0x12345678, "41 81 f3 78 56 34 12", "xor r11d, 0x12345678"),
    RI(x64_xor_ri, 4, RAX, -1, "83 f0 ff", "xor eax, 0xffffffff"),
    RI(x64_xor_ri, 2, RSI, 0x1234, "66 81 f6 34 12", "xor si, 0x1234"),
    RI(x64_xor_ri, 2, R9, -2, "66 41 83 f1 fe", "xor r9w, 0xfffe"),
    RI(x64_xor_ri, 1, RDX, 0x7f, "80 f2 7f", "xor dl, 0x7f"),
    RI(x64_xor_ri, 1, RSI, -1, "40 80 f6 ff", "xor sil, 0xff"),
    RM(x64_xor_rm, 8, RAX, MB(RDI, 0), "48 33 07", "xor rax, qword ptr [rdi]"),
    RM(x64_xor_rm, 4, R9, MB(R8, 1), "45 33 48 01", "xor r9d, dword ptr [r8 + 1]"),
    RM(x64_xor_rm, 2, RDX, MB(R13, 0), "66 41 33 55 00", "xor dx, word ptr [r13]"),
    RM(x64_xor_rm, 1, RSP, MBI(RBX, RSI, 1, 0), "40 32 24 33", "xor spl, byte ptr [rbx + rsi]"),
    MR(x64_xor_mr, 8, MBI(RSP, RBP, 4, 0x7f), RBX,
        "48 31 5c ac 7f", "xor qword ptr [rsp + rbp*4 + 0x7f], rbx"),
    MR(x64_xor_mr, 4, MBI(R15, R9, 8, -0x80), RCX,
        "43 31 4c cf 80", "xor dword ptr [r15 + r9*8 - 0x80], ecx"),
    MR(x64_xor_mr, 2, MBI(NOREG, RCX, 4, 0x10), R14,
        "66 44 31 34 8d 10 00 00 00", "xor word ptr [rcx*4 + 0x10], r14w"),
    MR(x64_xor_mr, 1, MBI(RBP, R13, 1, 0x12345678), RBP,
        "42 30 ac 2d 78 56 34 12", "xor byte ptr [rbp + r13 + 0x12345678], bpl"),
    MI(x64_xor_mi, 8, MBI(R12, RAX, 2, 0), 1, "49 83 34 44 01", "xor qword ptr [r12 + rax*2], 1"),
    MI(x64_xor_mi, 8, MBI(R13, RCX, 8, 0x10), -0x1000,
        "49 81 74 cd 10 00 f0 ff ff", "xor qword ptr [r13 + rcx*8 + 0x10], 0xfffffffffffff000"),
    MI(x64_xor_mi, 4, MB(RSP, 0), 0x1000, "81 34 24 00 10 00 00", "xor dword ptr [rsp], 0x1000"),
    MI(x64_xor_mi, 2, MB(RBP, -8), -0x12c, "66 81 75 f8 d4 fe", "xor word ptr [rbp - 8], 0xfed4"),
    MI(x64_xor_mi, 1, MB(R12, 0x200), 0x80,
        "41 80 b4 24 00 02 00 00 80", "xor byte ptr [r12 + 0x200], 0x80"),
    /* cmp: rr, ri, rm, mr, mi */
    RR(x64_cmp_rr, 8, RCX, RDX, "48 39 d1", "cmp rcx, rdx"),
    RR(x64_cmp_rr, 8, R9, RAX, "49 39 c1", "cmp r9, rax"),
    RR(x64_cmp_rr, 4, RAX, R10, "44 39 d0", "cmp eax, r10d"),
    RR(x64_cmp_rr, 2, RBX, R15, "66 44 39 fb", "cmp bx, r15w"),
    RR(x64_cmp_rr, 1, RSI, RDI, "40 38 fe", "cmp sil, dil"),
    RR(x64_cmp_rr, 1, R8, RCX, "41 38 c8", "cmp r8b, cl"),
    RI(x64_cmp_ri, 8, RCX, 1, "48 83 f9 01", "cmp rcx, 1"),
    RI(x64_cmp_ri, 8, R12, -0x80, "49 83 fc 80", "cmp r12, -0x80"),
    RI(x64_cmp_ri, 8, RDX, 0x80, "48 81 fa 80 00 00 00", "cmp rdx, 0x80"),
    RI(x64_cmp_ri, 4, R11, 0x12345678, "41 81 fb 78 56 34 12", "cmp r11d, 0x12345678"),
    RI(x64_cmp_ri, 4, RAX, -1, "83 f8 ff", "cmp eax, -1"),
    RI(x64_cmp_ri, 2, RSI, 0x1234, "66 81 fe 34 12", "cmp si, 0x1234"),
    RI(x64_cmp_ri, 2, R9, -2, "66 41 83 f9 fe", "cmp r9w, -2"),
    RI(x64_cmp_ri, 1, RDX, 0x7f, "80 fa 7f", "cmp dl, 0x7f"),
    RI(x64_cmp_ri, 1, RSI, -1, "40 80 fe ff", "cmp sil, 0xff"),
    RM(x64_cmp_rm, 8, RAX, MB(R8, 1), "49 3b 40 01", "cmp rax, qword ptr [r8 + 1]"),
    RM(x64_cmp_rm, 4, R9, MB(R13, 0), "45 3b 4d 00", "cmp r9d, dword ptr [r13]"),
    RM(x64_cmp_rm, 2, RDX, MBI(RBX, RSI, 1, 0), "66 3b 14 33", "cmp dx, word ptr [rbx + rsi]"),
    RM(x64_cmp_rm, 1, RSP, MBI(RSP, RBP, 4, 0x7f),
        "40 3a 64 ac 7f", "cmp spl, byte ptr [rsp + rbp*4 + 0x7f]"),
    MR(x64_cmp_mr, 8, MBI(R15, R9, 8, -0x80), RBX,
        "4b 39 5c cf 80", "cmp qword ptr [r15 + r9*8 - 0x80], rbx"),
    MR(x64_cmp_mr, 4, MBI(NOREG, RCX, 4, 0x10), RCX,
        "39 0c 8d 10 00 00 00", "cmp dword ptr [rcx*4 + 0x10], ecx"),
    MR(x64_cmp_mr, 2, MBI(RBP, R13, 1, 0x12345678), R14,
        "66 46 39 b4 2d 78 56 34 12", "cmp word ptr [rbp + r13 + 0x12345678], r14w"),
    MR(x64_cmp_mr, 1, MBI(R12, RAX, 2, 0), RBP, "41 38 2c 44", "cmp byte ptr [r12 + rax*2], bpl"),
    MI(x64_cmp_mi, 8, MBI(R13, RCX, 8, 0x10), 1,
        "49 83 7c cd 10 01", "cmp qword ptr [r13 + rcx*8 + 0x10], 1"),
    MI(x64_cmp_mi, 8, MB(RSP, 0), -0x1000,
        "48 81 3c 24 00 f0 ff ff", "cmp qword ptr [rsp], -0x1000"),
    MI(x64_cmp_mi, 4, MB(RBP, -8), 0x1000,
        "81 7d f8 00 10 00 00", "cmp dword ptr [rbp - 8], 0x1000"),
    MI(x64_cmp_mi, 2, MB(R12, 0x200), -0x12c,
        "66 41 81 bc 24 00 02 00 00 d4 fe", "cmp word ptr [r12 + 0x200], 0xfed4"),
    MI(x64_cmp_mi, 1, MRIP(0x100), 0x80,
        "80 3d 00 01 00 00 80", "cmp byte ptr [rip + 0x100], 0x80"),
    /* test */
    RR(x64_test_rr, 8, RCX, RDX, "48 85 d1", "test rcx, rdx"),
    RR(x64_test_rr, 4, R8, RAX, "41 85 c0", "test r8d, eax"),
    RR(x64_test_rr, 2, RSI, R12, "66 44 85 e6", "test si, r12w"),
    RR(x64_test_rr, 1, RDI, RSP, "40 84 e7", "test dil, spl"),
    RR(x64_test_rr, 1, RAX, R15, "44 84 f8", "test al, r15b"),
    RI(x64_test_ri, 8, RCX, 0x10, "48 f7 c1 10 00 00 00", "test rcx, 0x10"),
    RI(x64_test_ri, 8, R13, -1, "49 f7 c5 ff ff ff ff", "test r13, -1"),
    RI(x64_test_ri, 4, RBX, 0x12345678, "f7 c3 78 56 34 12", "test ebx, 0x12345678"),
    RI(x64_test_ri, 2, R10, 0x1234, "66 41 f7 c2 34 12", "test r10w, 0x1234"),
    RI(x64_test_ri, 1, RSI, 1, "40 f6 c6 01", "test sil, 1"),
    RI(x64_test_ri, 1, R9, 0x80, "41 f6 c1 80", "test r9b, 0x80"),
    MI(x64_test_mi, 8, MB(R12, 0x200), 1,
        "49 f7 84 24 00 02 00 00 01 00 00 00", "test qword ptr [r12 + 0x200], 1"),
    MI(x64_test_mi, 4, MRIP(0x100), 0x100,
        "f7 05 00 01 00 00 00 01 00 00", "test dword ptr [rip + 0x100], 0x100"),
    MI(x64_test_mi, 2, MBI(RAX, R12, 2, -0x1000), -0x8000,
        "66 42 f7 84 60 00 f0 ff ff 00 80", "test word ptr [rax + r12*2 - 0x1000], 0x8000"),
    MI(x64_test_mi, 1, MB(RDI, 0), 0x40, "f6 07 40", "test byte ptr [rdi], 0x40"),
    /* mov */
    RR(x64_mov_rr, 8, RAX, RCX, "48 89 c8", "mov rax, rcx"),
    RR(x64_mov_rr, 8, R15, RSP, "49 89 e7", "mov r15, rsp"),
    RR(x64_mov_rr, 4, RBP, R8, "44 89 c5", "mov ebp, r8d"),
    RR(x64_mov_rr, 2, RDX, R11, "66 44 89 da", "mov dx, r11w"),
    RR(x64_mov_rr, 1, RSI, RDI, "40 88 fe", "mov sil, dil"),
    RR(x64_mov_rr, 1, RCX, R14, "44 88 f1", "mov cl, r14b"),
    RI64(x64_mov_ri, 1, RSI, 5, "40 b6 05", "mov sil, 5"),
    RI64(x64_mov_ri, 1, R9, -1, "41 b1 ff", "mov r9b, 0xff"),
    RI64(x64_mov_ri, 2, RCX, 0x1234, "66 b9 34 12", "mov cx, 0x1234"),
    RI64(x64_mov_ri, 4, RAX, 1, "b8 01 00 00 00", "mov eax, 1"),
    RI64(x64_mov_ri, 4, R12, -1, "41 bc ff ff ff ff", "mov r12d, 0xffffffff"),
    /* zero stays a mov: the float conversions load it between a compare and its cmov */
    RI64(x64_mov_ri, 4, R11, 0, "41 bb 00 00 00 00", "mov r11d, 0"),
    RI64(x64_mov_ri, 8, R11, 0, "41 bb 00 00 00 00", "mov r11d, 0"),
    RI64(x64_mov_ri, 8, RAX, 1, "b8 01 00 00 00", "mov eax, 1"),
    RI64(x64_mov_ri, 8, R15, 0xffffffffLL, "41 bf ff ff ff ff", "mov r15d, 0xffffffff"),
    RI64(x64_mov_ri, 8, RCX, -1, "48 c7 c1 ff ff ff ff", "mov rcx, -1"),
    RI64(x64_mov_ri, 8, R8, -0x80000000LL, "49 c7 c0 00 00 00 80", "mov r8, -0x80000000"),
    RI64(x64_mov_ri, 8, RDX, 0x100000000LL,
        "48 ba 00 00 00 00 01 00 00 00", "movabs rdx, 0x100000000"),
    RI64(x64_mov_ri, 8, R13, 0x123456789abcdef0LL,
        "49 bd f0 de bc 9a 78 56 34 12", "movabs r13, 0x123456789abcdef0"),
    RI64(x64_mov_ri, 8, RBX, -0x80000001LL,
        "48 bb ff ff ff 7f ff ff ff ff", "movabs rbx, 0xffffffff7fffffff"),
    RI64(x64_mov_ri, 8, RDI, INT64_MIN,
        "48 bf 00 00 00 00 00 00 00 80", "movabs rdi, 0x8000000000000000"),
    RM(x64_mov_rm, 8, RAX, MBI(R13, RCX, 8, 0x10),
        "49 8b 44 cd 10", "mov rax, qword ptr [r13 + rcx*8 + 0x10]"),
    RM(x64_mov_rm, 8, R12, MB(RSP, 0), "4c 8b 24 24", "mov r12, qword ptr [rsp]"),
    RM(x64_mov_rm, 4, RSP, MB(RBP, -8), "8b 65 f8", "mov esp, dword ptr [rbp - 8]"),
    RM(x64_mov_rm, 4, R15, MB(R12, 0x200),
        "45 8b bc 24 00 02 00 00", "mov r15d, dword ptr [r12 + 0x200]"),
    RM(x64_mov_rm, 2, RBP, MRIP(0x100), "66 8b 2d 00 01 00 00", "mov bp, word ptr [rip + 0x100]"),
    RM(x64_mov_rm, 1, RDI, MBI(RAX, R12, 2, -0x1000),
        "42 8a bc 60 00 f0 ff ff", "mov dil, byte ptr [rax + r12*2 - 0x1000]"),
    RM(x64_mov_rm, 8, RAX, MBI(RSP, NOREG, 8, 0), "48 8b 04 24", "mov rax, qword ptr [rsp]"),
    MR(x64_mov_mr, 8, MB(RBP, -8), RBX, "48 89 5d f8", "mov qword ptr [rbp - 8], rbx"),
    MR(x64_mov_mr, 4, MB(R12, 0x200), R9,
        "45 89 8c 24 00 02 00 00", "mov dword ptr [r12 + 0x200], r9d"),
    MR(x64_mov_mr, 2, MRIP(0x100), RAX, "66 89 05 00 01 00 00", "mov word ptr [rip + 0x100], ax"),
    MR(x64_mov_mr, 1, MBI(RAX, R12, 2, -0x1000), RSI,
        "42 88 b4 60 00 f0 ff ff", "mov byte ptr [rax + r12*2 - 0x1000], sil"),
    MR(x64_mov_mr, 1, MB(RDI, 0), RDI, "40 88 3f", "mov byte ptr [rdi], dil"),
    MR(x64_mov_mr, 1, MB(R8, 1), RSP, "41 88 60 01", "mov byte ptr [r8 + 1], spl"),
    MR(x64_mov_mr, 1, MB(R13, 0), RBP, "41 88 6d 00", "mov byte ptr [r13], bpl"),
    MR(x64_mov_mr, 1, MBI(RBX, RSI, 1, 0), RAX, "88 04 33", "mov byte ptr [rbx + rsi], al"),
    MR(x64_mov_mr, 1, MBI(RSP, RBP, 4, 0x7f), R11,
        "44 88 5c ac 7f", "mov byte ptr [rsp + rbp*4 + 0x7f], r11b"),
    MI(x64_mov_mi, 8, MBI(RAX, R12, 2, -0x1000), -1,
        "4a c7 84 60 00 f0 ff ff ff ff ff ff", "mov qword ptr [rax + r12*2 - 0x1000], -1"),
    MI(x64_mov_mi, 8, MB(RDI, 0), 0x7fffffff,
        "48 c7 07 ff ff ff 7f", "mov qword ptr [rdi], 0x7fffffff"),
    MI(x64_mov_mi, 4, MB(R8, 1), 0x12345678,
        "41 c7 40 01 78 56 34 12", "mov dword ptr [r8 + 1], 0x12345678"),
    MI(x64_mov_mi, 2, MB(R13, 0), 0x1234, "66 41 c7 45 00 34 12", "mov word ptr [r13], 0x1234"),
    MI(x64_mov_mi, 1, MBI(RBX, RSI, 1, 0), 0x7f, "c6 04 33 7f", "mov byte ptr [rbx + rsi], 0x7f"),
    MI(x64_mov_mi, 1, MBI(RSP, RBP, 4, 0x7f), -2,
        "c6 44 ac 7f fe", "mov byte ptr [rsp + rbp*4 + 0x7f], 0xfe"),
    /* movzx, movsx, movsxd, lea */
    ZXRM(RAX, 1, MBI(R13, RCX, 8, 0x10),
        "41 0f b6 44 cd 10", "movzx eax, byte ptr [r13 + rcx*8 + 0x10]"),
    ZXRM(R10, 1, MB(RSP, 0), "44 0f b6 14 24", "movzx r10d, byte ptr [rsp]"),
    ZXRM(RSI, 2, MB(RBP, -8), "0f b7 75 f8", "movzx esi, word ptr [rbp - 8]"),
    ZXRM(R15, 2, MB(R12, 0x200),
        "45 0f b7 bc 24 00 02 00 00", "movzx r15d, word ptr [r12 + 0x200]"),
    SXRM(4, RAX, 1, MB(R12, 0x200),
        "41 0f be 84 24 00 02 00 00", "movsx eax, byte ptr [r12 + 0x200]"),
    SXRM(8, RCX, 1, MRIP(0x100), "48 0f be 0d 00 01 00 00", "movsx rcx, byte ptr [rip + 0x100]"),
    SXRM(4, R9, 2, MBI(RAX, R12, 2, -0x1000),
        "46 0f bf 8c 60 00 f0 ff ff", "movsx r9d, word ptr [rax + r12*2 - 0x1000]"),
    SXRM(8, R14, 2, MB(RDI, 0), "4c 0f bf 37", "movsx r14, word ptr [rdi]"),
    SXRM(8, RDX, 4, MB(R8, 1), "49 63 50 01", "movsxd rdx, dword ptr [r8 + 1]"),
    SXRM(8, R12, 4, MB(R13, 0), "4d 63 65 00", "movsxd r12, dword ptr [r13]"),
    ZXRR(RAX, RCX, 1, "0f b6 c1", "movzx eax, cl"),
    ZXRR(RAX, RSI, 1, "40 0f b6 c6", "movzx eax, sil"),
    ZXRR(R8, RDI, 1, "44 0f b6 c7", "movzx r8d, dil"),
    ZXRR(RDX, R13, 1, "41 0f b6 d5", "movzx edx, r13b"),
    ZXRR(RBX, RSP, 2, "0f b7 dc", "movzx ebx, sp"),
    ZXRR(R11, R12, 2, "45 0f b7 dc", "movzx r11d, r12w"),
    SXRR(4, RAX, RBP, 1, "40 0f be c5", "movsx eax, bpl"),
    SXRR(8, RCX, RDX, 1, "48 0f be ca", "movsx rcx, dl"),
    SXRR(8, R9, R10, 1, "4d 0f be ca", "movsx r9, r10b"),
    SXRR(4, RSI, RDI, 2, "0f bf f7", "movsx esi, di"),
    SXRR(8, R15, RAX, 2, "4c 0f bf f8", "movsx r15, ax"),
    SXRR(8, RAX, RCX, 4, "48 63 c1", "movsxd rax, ecx"),
    SXRR(8, R13, R8, 4, "4d 63 e8", "movsxd r13, r8d"),
    RM(x64_lea_rm, 8, RAX, MBI(RSP, RBP, 4, 0x7f),
        "48 8d 44 ac 7f", "lea rax, [rsp + rbp*4 + 0x7f]"),
    RM(x64_lea_rm, 8, R12, MBI(R15, R9, 8, -0x80),
        "4f 8d 64 cf 80", "lea r12, [r15 + r9*8 - 0x80]"),
    RM(x64_lea_rm, 4, RCX, MBI(NOREG, RCX, 4, 0x10),
        "8d 0c 8d 10 00 00 00", "lea ecx, [rcx*4 + 0x10]"),
    RM(x64_lea_rm, 4, R9, MBI(RBP, R13, 1, 0x12345678),
        "46 8d 8c 2d 78 56 34 12", "lea r9d, [rbp + r13 + 0x12345678]"),
    RM(x64_lea_rm, 2, RDX, MBI(R12, RAX, 2, 0), "66 41 8d 14 44", "lea dx, [r12 + rax*2]"),
    RM(x64_lea_rm, 8, RDI, MRIP(-7), "48 8d 3d f9 ff ff ff", "lea rdi, [rip - 7]"),
    RM(x64_lea_rm, 8, R13, MB(RSP, 0x10), "4c 8d 6c 24 10", "lea r13, [rsp + 0x10]"),
    /* multiply, divide, negate */
    RR(x64_imul_rr, 8, RAX, RCX, "48 0f af c1", "imul rax, rcx"),
    RR(x64_imul_rr, 8, R8, R15, "4d 0f af c7", "imul r8, r15"),
    RR(x64_imul_rr, 4, RDX, RSP, "0f af d4", "imul edx, esp"),
    RR(x64_imul_rr, 2, RBP, R12, "66 41 0f af ec", "imul bp, r12w"),
    RRI(8, RAX, RCX, 5, "48 6b c1 05", "imul rax, rcx, 5"),
    RRI(8, R11, RDX, -0x80, "4c 6b da 80", "imul r11, rdx, -0x80"),
    RRI(4, RBX, R13, 0x1000, "41 69 dd 00 10 00 00", "imul ebx, r13d, 0x1000"),
    RRI(4, R12, R12, -0x81, "45 69 e4 7f ff ff ff", "imul r12d, r12d, 0xffffff7f"),
    RRI(2, RSI, RDI, 0x1234, "66 69 f7 34 12", "imul si, di, 0x1234"),
    R1(x64_mul_r, 8, RCX, "48 f7 e1", "mul rcx"),
    R1(x64_mul_r, 8, R9, "49 f7 e1", "mul r9"),
    R1(x64_mul_r, 4, RBX, "f7 e3", "mul ebx"),
    R1(x64_imul_r, 8, RCX, "48 f7 e9", "imul rcx"),
    R1(x64_imul_r, 8, R9, "49 f7 e9", "imul r9"),
    R1(x64_imul_r, 4, RBX, "f7 eb", "imul ebx"),
    R1(x64_div_r, 8, RCX, "48 f7 f1", "div rcx"),
    R1(x64_div_r, 8, R9, "49 f7 f1", "div r9"),
    R1(x64_div_r, 4, RBX, "f7 f3", "div ebx"),
    R1(x64_div_r, 4, R15, "41 f7 f7", "div r15d"),
    R1(x64_div_r, 2, RSI, "66 f7 f6", "div si"),
    R1(x64_div_r, 1, RDI, "40 f6 f7", "div dil"),
    R1(x64_div_r, 1, RDX, "f6 f2", "div dl"),
    R1(x64_idiv_r, 8, RCX, "48 f7 f9", "idiv rcx"),
    R1(x64_idiv_r, 8, R9, "49 f7 f9", "idiv r9"),
    R1(x64_idiv_r, 4, RBX, "f7 fb", "idiv ebx"),
    R1(x64_idiv_r, 4, R15, "41 f7 ff", "idiv r15d"),
    R1(x64_idiv_r, 2, RSI, "66 f7 fe", "idiv si"),
    R1(x64_idiv_r, 1, RDI, "40 f6 ff", "idiv dil"),
    R1(x64_idiv_r, 1, RDX, "f6 fa", "idiv dl"),
    R1(x64_neg_r, 8, RCX, "48 f7 d9", "neg rcx"),
    R1(x64_neg_r, 8, R9, "49 f7 d9", "neg r9"),
    R1(x64_neg_r, 4, RBX, "f7 db", "neg ebx"),
    R1(x64_neg_r, 4, R15, "41 f7 df", "neg r15d"),
    R1(x64_neg_r, 2, RSI, "66 f7 de", "neg si"),
    R1(x64_neg_r, 1, RDI, "40 f6 df", "neg dil"),
    R1(x64_neg_r, 1, RDX, "f6 da", "neg dl"),
    R1(x64_not_r, 8, RCX, "48 f7 d1", "not rcx"),
    R1(x64_not_r, 8, R9, "49 f7 d1", "not r9"),
    R1(x64_not_r, 4, RBX, "f7 d3", "not ebx"),
    R1(x64_not_r, 4, R15, "41 f7 d7", "not r15d"),
    R1(x64_not_r, 2, RSI, "66 f7 d6", "not si"),
    R1(x64_not_r, 1, RDI, "40 f6 d7", "not dil"),
    R1(x64_not_r, 1, RDX, "f6 d2", "not dl"),
    SZ(x64_cdq_cqo, 2, "66 99", "cwd"),
    SZ(x64_cdq_cqo, 4, "99", "cdq"),
    SZ(x64_cdq_cqo, 8, "48 99", "cqo"),
    /* shifts and rotates */
    R1(x64_shl_rcl, 8, RAX, "48 d3 e0", "shl rax, cl"),
    R1(x64_shl_rcl, 8, R12, "49 d3 e4", "shl r12, cl"),
    R1(x64_shl_rcl, 4, RCX, "d3 e1", "shl ecx, cl"),
    R1(x64_shl_rcl, 2, R9, "66 41 d3 e1", "shl r9w, cl"),
    R1(x64_shl_rcl, 1, RSI, "40 d2 e6", "shl sil, cl"),
    R1(x64_shl_rcl, 1, RBX, "d2 e3", "shl bl, cl"),
    RU8(x64_shl_ri, 8, RDX, 1, "48 d1 e2", "shl rdx, 1"),
    RU8(x64_shl_ri, 8, R15, 63, "49 c1 e7 3f", "shl r15, 0x3f"),
    RU8(x64_shl_ri, 4, RBP, 1, "d1 e5", "shl ebp, 1"),
    RU8(x64_shl_ri, 4, R10, 31, "41 c1 e2 1f", "shl r10d, 0x1f"),
    RU8(x64_shl_ri, 2, RSI, 3, "66 c1 e6 03", "shl si, 3"),
    RU8(x64_shl_ri, 1, RDI, 1, "40 d0 e7", "shl dil, 1"),
    RU8(x64_shl_ri, 1, R8, 7, "41 c0 e0 07", "shl r8b, 7"),
    R1(x64_shr_rcl, 8, RAX, "48 d3 e8", "shr rax, cl"),
    R1(x64_shr_rcl, 8, R12, "49 d3 ec", "shr r12, cl"),
    R1(x64_shr_rcl, 4, RCX, "d3 e9", "shr ecx, cl"),
    R1(x64_shr_rcl, 2, R9, "66 41 d3 e9", "shr r9w, cl"),
    R1(x64_shr_rcl, 1, RSI, "40 d2 ee", "shr sil, cl"),
    R1(x64_shr_rcl, 1, RBX, "d2 eb", "shr bl, cl"),
    RU8(x64_shr_ri, 8, RDX, 1, "48 d1 ea", "shr rdx, 1"),
    RU8(x64_shr_ri, 8, R15, 63, "49 c1 ef 3f", "shr r15, 0x3f"),
    RU8(x64_shr_ri, 4, RBP, 1, "d1 ed", "shr ebp, 1"),
    RU8(x64_shr_ri, 4, R10, 31, "41 c1 ea 1f", "shr r10d, 0x1f"),
    RU8(x64_shr_ri, 2, RSI, 3, "66 c1 ee 03", "shr si, 3"),
    RU8(x64_shr_ri, 1, RDI, 1, "40 d0 ef", "shr dil, 1"),
    RU8(x64_shr_ri, 1, R8, 7, "41 c0 e8 07", "shr r8b, 7"),
    R1(x64_sar_rcl, 8, RAX, "48 d3 f8", "sar rax, cl"),
    R1(x64_sar_rcl, 8, R12, "49 d3 fc", "sar r12, cl"),
    R1(x64_sar_rcl, 4, RCX, "d3 f9", "sar ecx, cl"),
    R1(x64_sar_rcl, 2, R9, "66 41 d3 f9", "sar r9w, cl"),
    R1(x64_sar_rcl, 1, RSI, "40 d2 fe", "sar sil, cl"),
    R1(x64_sar_rcl, 1, RBX, "d2 fb", "sar bl, cl"),
    RU8(x64_sar_ri, 8, RDX, 1, "48 d1 fa", "sar rdx, 1"),
    RU8(x64_sar_ri, 8, R15, 63, "49 c1 ff 3f", "sar r15, 0x3f"),
    RU8(x64_sar_ri, 4, RBP, 1, "d1 fd", "sar ebp, 1"),
    RU8(x64_sar_ri, 4, R10, 31, "41 c1 fa 1f", "sar r10d, 0x1f"),
    RU8(x64_sar_ri, 2, RSI, 3, "66 c1 fe 03", "sar si, 3"),
    RU8(x64_sar_ri, 1, RDI, 1, "40 d0 ff", "sar dil, 1"),
    RU8(x64_sar_ri, 1, R8, 7, "41 c0 f8 07", "sar r8b, 7"),
    R1(x64_rol_rcl, 8, RAX, "48 d3 c0", "rol rax, cl"),
    R1(x64_rol_rcl, 8, R12, "49 d3 c4", "rol r12, cl"),
    R1(x64_rol_rcl, 4, RCX, "d3 c1", "rol ecx, cl"),
    R1(x64_rol_rcl, 2, R9, "66 41 d3 c1", "rol r9w, cl"),
    R1(x64_rol_rcl, 1, RSI, "40 d2 c6", "rol sil, cl"),
    R1(x64_rol_rcl, 1, RBX, "d2 c3", "rol bl, cl"),
    RU8(x64_rol_ri, 8, RDX, 1, "48 d1 c2", "rol rdx, 1"),
    RU8(x64_rol_ri, 8, R15, 63, "49 c1 c7 3f", "rol r15, 0x3f"),
    RU8(x64_rol_ri, 4, RBP, 1, "d1 c5", "rol ebp, 1"),
    RU8(x64_rol_ri, 4, R10, 31, "41 c1 c2 1f", "rol r10d, 0x1f"),
    RU8(x64_rol_ri, 2, RSI, 3, "66 c1 c6 03", "rol si, 3"),
    RU8(x64_rol_ri, 1, RDI, 1, "40 d0 c7", "rol dil, 1"),
    RU8(x64_rol_ri, 1, R8, 7, "41 c0 c0 07", "rol r8b, 7"),
    R1(x64_ror_rcl, 8, RAX, "48 d3 c8", "ror rax, cl"),
    R1(x64_ror_rcl, 8, R12, "49 d3 cc", "ror r12, cl"),
    R1(x64_ror_rcl, 4, RCX, "d3 c9", "ror ecx, cl"),
    R1(x64_ror_rcl, 2, R9, "66 41 d3 c9", "ror r9w, cl"),
    R1(x64_ror_rcl, 1, RSI, "40 d2 ce", "ror sil, cl"),
    R1(x64_ror_rcl, 1, RBX, "d2 cb", "ror bl, cl"),
    RU8(x64_ror_ri, 8, RDX, 1, "48 d1 ca", "ror rdx, 1"),
    RU8(x64_ror_ri, 8, R15, 63, "49 c1 cf 3f", "ror r15, 0x3f"),
    RU8(x64_ror_ri, 4, RBP, 1, "d1 cd", "ror ebp, 1"),
    RU8(x64_ror_ri, 4, R10, 31, "41 c1 ca 1f", "ror r10d, 0x1f"),
    RU8(x64_ror_ri, 2, RSI, 3, "66 c1 ce 03", "ror si, 3"),
    RU8(x64_ror_ri, 1, RDI, 1, "40 d0 cf", "ror dil, 1"),
    RU8(x64_ror_ri, 1, R8, 7, "41 c0 c8 07", "ror r8b, 7"),
    /* bit counts */
    RR(x64_lzcnt_rr, 8, RAX, RCX, "f3 48 0f bd c1", "lzcnt rax, rcx"),
    RR(x64_lzcnt_rr, 8, R9, R14, "f3 4d 0f bd ce", "lzcnt r9, r14"),
    RR(x64_lzcnt_rr, 4, RDX, R11, "f3 41 0f bd d3", "lzcnt edx, r11d"),
    RR(x64_lzcnt_rr, 4, R13, RSP, "f3 44 0f bd ec", "lzcnt r13d, esp"),
    RR(x64_lzcnt_rr, 2, RBX, RBP, "66 f3 0f bd dd", "lzcnt bx, bp"),
    RR(x64_tzcnt_rr, 8, RAX, RCX, "f3 48 0f bc c1", "tzcnt rax, rcx"),
    RR(x64_tzcnt_rr, 8, R9, R14, "f3 4d 0f bc ce", "tzcnt r9, r14"),
    RR(x64_tzcnt_rr, 4, RDX, R11, "f3 41 0f bc d3", "tzcnt edx, r11d"),
    RR(x64_tzcnt_rr, 4, R13, RSP, "f3 44 0f bc ec", "tzcnt r13d, esp"),
    RR(x64_tzcnt_rr, 2, RBX, RBP, "66 f3 0f bc dd", "tzcnt bx, bp"),
    RR(x64_popcnt_rr, 8, RAX, RCX, "f3 48 0f b8 c1", "popcnt rax, rcx"),
    RR(x64_popcnt_rr, 8, R9, R14, "f3 4d 0f b8 ce", "popcnt r9, r14"),
    RR(x64_popcnt_rr, 4, RDX, R11, "f3 41 0f b8 d3", "popcnt edx, r11d"),
    RR(x64_popcnt_rr, 4, R13, RSP, "f3 44 0f b8 ec", "popcnt r13d, esp"),
    RR(x64_popcnt_rr, 2, RBX, RBP, "66 f3 0f b8 dd", "popcnt bx, bp"),
    RR(x64_bsr_rr, 8, RAX, RCX, "48 0f bd c1", "bsr rax, rcx"),
    RR(x64_bsr_rr, 8, R9, R14, "4d 0f bd ce", "bsr r9, r14"),
    RR(x64_bsr_rr, 4, RDX, R11, "41 0f bd d3", "bsr edx, r11d"),
    RR(x64_bsr_rr, 4, R13, RSP, "44 0f bd ec", "bsr r13d, esp"),
    RR(x64_bsr_rr, 2, RBX, RBP, "66 0f bd dd", "bsr bx, bp"),
    RR(x64_bsf_rr, 8, RAX, RCX, "48 0f bc c1", "bsf rax, rcx"),
    RR(x64_bsf_rr, 8, R9, R14, "4d 0f bc ce", "bsf r9, r14"),
    RR(x64_bsf_rr, 4, RDX, R11, "41 0f bc d3", "bsf edx, r11d"),
    RR(x64_bsf_rr, 4, R13, RSP, "44 0f bc ec", "bsf r13d, esp"),
    RR(x64_bsf_rr, 2, RBX, RBP, "66 0f bc dd", "bsf bx, bp"),
    /* setcc, cmovcc */
    SETCC(X64_CC_O, RAX, "0f 90 c0", "seto al"),
    SETCC(X64_CC_NO, RSP, "40 0f 91 c4", "setno spl"),
    SETCC(X64_CC_B, RBP, "40 0f 92 c5", "setb bpl"),
    SETCC(X64_CC_AE, RSI, "40 0f 93 c6", "setae sil"),
    SETCC(X64_CC_E, RDI, "40 0f 94 c7", "sete dil"),
    SETCC(X64_CC_NE, R8, "41 0f 95 c0", "setne r8b"),
    SETCC(X64_CC_BE, R15, "41 0f 96 c7", "setbe r15b"),
    SETCC(X64_CC_A, RBX, "0f 97 c3", "seta bl"),
    SETCC(X64_CC_S, RAX, "0f 98 c0", "sets al"),
    SETCC(X64_CC_NS, RSP, "40 0f 99 c4", "setns spl"),
    SETCC(X64_CC_P, RBP, "40 0f 9a c5", "setp bpl"),
    SETCC(X64_CC_NP, RSI, "40 0f 9b c6", "setnp sil"),
    SETCC(X64_CC_L, RDI, "40 0f 9c c7", "setl dil"),
    SETCC(X64_CC_GE, R8, "41 0f 9d c0", "setge r8b"),
    SETCC(X64_CC_LE, R15, "41 0f 9e c7", "setle r15b"),
    SETCC(X64_CC_G, RBX, "0f 9f c3", "setg bl"),
    CMOV(8, X64_CC_O, RAX, RCX, "48 0f 40 c1", "cmovo rax, rcx"),
    CMOV(4, X64_CC_NO, R9, RDX, "44 0f 41 ca", "cmovno r9d, edx"),
    CMOV(2, X64_CC_B, RSI, R12, "66 41 0f 42 f4", "cmovb si, r12w"),
    CMOV(8, X64_CC_AE, R14, R15, "4d 0f 43 f7", "cmovae r14, r15"),
    CMOV(4, X64_CC_E, RAX, RCX, "0f 44 c1", "cmove eax, ecx"),
    CMOV(2, X64_CC_NE, R9, RDX, "66 44 0f 45 ca", "cmovne r9w, dx"),
    CMOV(8, X64_CC_BE, RSI, R12, "49 0f 46 f4", "cmovbe rsi, r12"),
    CMOV(4, X64_CC_A, R14, R15, "45 0f 47 f7", "cmova r14d, r15d"),
    CMOV(2, X64_CC_S, RAX, RCX, "66 0f 48 c1", "cmovs ax, cx"),
    CMOV(8, X64_CC_NS, R9, RDX, "4c 0f 49 ca", "cmovns r9, rdx"),
    CMOV(4, X64_CC_P, RSI, R12, "41 0f 4a f4", "cmovp esi, r12d"),
    CMOV(2, X64_CC_NP, R14, R15, "66 45 0f 4b f7", "cmovnp r14w, r15w"),
    CMOV(8, X64_CC_L, RAX, RCX, "48 0f 4c c1", "cmovl rax, rcx"),
    CMOV(4, X64_CC_GE, R9, RDX, "44 0f 4d ca", "cmovge r9d, edx"),
    CMOV(2, X64_CC_LE, RSI, R12, "66 41 0f 4e f4", "cmovle si, r12w"),
    CMOV(8, X64_CC_G, R14, R15, "4d 0f 4f f7", "cmovg r14, r15"),
    /* control */
    REG(x64_jmp_r, RAX, "ff e0", "jmp rax"),
    REG(x64_jmp_r, RSP, "ff e4", "jmp rsp"),
    REG(x64_jmp_r, R11, "41 ff e3", "jmp r11"),
    REG(x64_jmp_r, R15, "41 ff e7", "jmp r15"),
    MEM(x64_jmp_m, MBI(R13, RCX, 8, 0x10), "41 ff 64 cd 10", "jmp qword ptr [r13 + rcx*8 + 0x10]"),
    MEM(x64_jmp_m, MRIP(0x100), "ff 25 00 01 00 00", "jmp qword ptr [rip + 0x100]"),
    MEM(x64_jmp_m, MBI(RBX, RSI, 1, 0), "ff 24 33", "jmp qword ptr [rbx + rsi]"),
    MEM(x64_jmp_m, MBI(R15, R9, 8, -0x80), "43 ff 64 cf 80", "jmp qword ptr [r15 + r9*8 - 0x80]"),
    REG(x64_call_r, RAX, "ff d0", "call rax"),
    REG(x64_call_r, RSP, "ff d4", "call rsp"),
    REG(x64_call_r, R11, "41 ff d3", "call r11"),
    REG(x64_call_r, R15, "41 ff d7", "call r15"),
    MEM(x64_call_m, MBI(R13, RCX, 8, 0x10),
        "41 ff 54 cd 10", "call qword ptr [r13 + rcx*8 + 0x10]"),
    MEM(x64_call_m, MRIP(0x100), "ff 15 00 01 00 00", "call qword ptr [rip + 0x100]"),
    MEM(x64_call_m, MBI(RBX, RSI, 1, 0), "ff 14 33", "call qword ptr [rbx + rsi]"),
    MEM(x64_call_m, MBI(R15, R9, 8, -0x80), "43 ff 54 cf 80", "call qword ptr [r15 + r9*8 - 0x80]"),
    REG(x64_push_r, RAX, "50", "push rax"),
    REG(x64_push_r, RSP, "54", "push rsp"),
    REG(x64_push_r, RBP, "55", "push rbp"),
    REG(x64_push_r, RDI, "57", "push rdi"),
    REG(x64_push_r, R8, "41 50", "push r8"),
    REG(x64_push_r, R12, "41 54", "push r12"),
    REG(x64_push_r, R15, "41 57", "push r15"),
    REG(x64_pop_r, RAX, "58", "pop rax"),
    REG(x64_pop_r, RSP, "5c", "pop rsp"),
    REG(x64_pop_r, RBP, "5d", "pop rbp"),
    REG(x64_pop_r, RDI, "5f", "pop rdi"),
    REG(x64_pop_r, R8, "41 58", "pop r8"),
    REG(x64_pop_r, R12, "41 5c", "pop r12"),
    REG(x64_pop_r, R15, "41 5f", "pop r15"),
    NONE(x64_ret, "c3", "ret"),
    NONE(x64_int3, "cc", "int3"),
    NONE(x64_ud2, "0f 0b", "ud2"),
    NONE(x64_mfence, "0f ae f0", "mfence"),
    NONE(x64_rep_movsb, "f3 a4", "rep movsb byte ptr [rdi], byte ptr [rsi]"),
    NONE(x64_rep_stosq, "f3 48 ab", "rep stosq qword ptr [rdi], rax"),
    RI(x64_sub_ri32, 8, X64_RSP, 0x12345678, "48 81 ec 78 56 34 12", "sub rsp, 0x12345678"),
    /* the imm32 form where GNU as would pick imm8: what the prologue's patch needs */
    RI(x64_sub_ri32, 8, X64_RSP, 0, "48 81 ec 00 00 00 00", "sub rsp, 0"),
    RI(x64_sub_ri32, 8, X64_R12, 16, "49 81 ec 10 00 00 00", "sub r12, 0x10"),
    RI(x64_sub_ri32, 4, X64_RAX, -1, "81 e8 ff ff ff ff", "sub eax, 0xffffffff"),
    /* SSE arithmetic, logic, compare, convert */
    XX(x64_addss_xx, XMM0, XMM1, "f3 0f 58 c1", "addss xmm0, xmm1"),
    XX(x64_addss_xx, XMM8, XMM15, "f3 45 0f 58 c7", "addss xmm8, xmm15"),
    XM(x64_addss_xm, XMM0, MBI(R13, RCX, 8, 0x10),
        "f3 41 0f 58 44 cd 10", "addss xmm0, dword ptr [r13 + rcx*8 + 0x10]"),
    XX(x64_addsd_xx, XMM8, XMM15, "f2 45 0f 58 c7", "addsd xmm8, xmm15"),
    XX(x64_addsd_xx, XMM3, XMM12, "f2 41 0f 58 dc", "addsd xmm3, xmm12"),
    XM(x64_addsd_xm, XMM9, MB(RSP, 0), "f2 44 0f 58 0c 24", "addsd xmm9, qword ptr [rsp]"),
    XX(x64_subss_xx, XMM3, XMM12, "f3 41 0f 5c dc", "subss xmm3, xmm12"),
    XX(x64_subss_xx, XMM14, XMM2, "f3 44 0f 5c f2", "subss xmm14, xmm2"),
    XM(x64_subss_xm, XMM7, MB(RBP, -8), "f3 0f 5c 7d f8", "subss xmm7, dword ptr [rbp - 8]"),
    XX(x64_subsd_xx, XMM14, XMM2, "f2 44 0f 5c f2", "subsd xmm14, xmm2"),
    XX(x64_subsd_xx, XMM0, XMM1, "f2 0f 5c c1", "subsd xmm0, xmm1"),
    XM(x64_subsd_xm, XMM15, MB(R12, 0x200),
        "f2 45 0f 5c bc 24 00 02 00 00", "subsd xmm15, qword ptr [r12 + 0x200]"),
    XX(x64_mulss_xx, XMM0, XMM1, "f3 0f 59 c1", "mulss xmm0, xmm1"),
    XX(x64_mulss_xx, XMM8, XMM15, "f3 45 0f 59 c7", "mulss xmm8, xmm15"),
    XM(x64_mulss_xm, XMM0, MRIP(0x100),
        "f3 0f 59 05 00 01 00 00", "mulss xmm0, dword ptr [rip + 0x100]"),
    XX(x64_mulsd_xx, XMM8, XMM15, "f2 45 0f 59 c7", "mulsd xmm8, xmm15"),
    XX(x64_mulsd_xx, XMM3, XMM12, "f2 41 0f 59 dc", "mulsd xmm3, xmm12"),
    XM(x64_mulsd_xm, XMM9, MBI(RAX, R12, 2, -0x1000),
        "f2 46 0f 59 8c 60 00 f0 ff ff", "mulsd xmm9, qword ptr [rax + r12*2 - 0x1000]"),
    XX(x64_divss_xx, XMM3, XMM12, "f3 41 0f 5e dc", "divss xmm3, xmm12"),
    XX(x64_divss_xx, XMM14, XMM2, "f3 44 0f 5e f2", "divss xmm14, xmm2"),
    XM(x64_divss_xm, XMM7, MB(RDI, 0), "f3 0f 5e 3f", "divss xmm7, dword ptr [rdi]"),
    XX(x64_divsd_xx, XMM14, XMM2, "f2 44 0f 5e f2", "divsd xmm14, xmm2"),
    XX(x64_divsd_xx, XMM0, XMM1, "f2 0f 5e c1", "divsd xmm0, xmm1"),
    XM(x64_divsd_xm, XMM15, MB(R8, 1), "f2 45 0f 5e 78 01", "divsd xmm15, qword ptr [r8 + 1]"),
    XX(x64_minss_xx, XMM0, XMM1, "f3 0f 5d c1", "minss xmm0, xmm1"),
    XX(x64_minss_xx, XMM8, XMM15, "f3 45 0f 5d c7", "minss xmm8, xmm15"),
    XM(x64_minss_xm, XMM0, MB(R13, 0), "f3 41 0f 5d 45 00", "minss xmm0, dword ptr [r13]"),
    XX(x64_minsd_xx, XMM8, XMM15, "f2 45 0f 5d c7", "minsd xmm8, xmm15"),
    XX(x64_minsd_xx, XMM3, XMM12, "f2 41 0f 5d dc", "minsd xmm3, xmm12"),
    XM(x64_minsd_xm, XMM9, MBI(RBX, RSI, 1, 0),
        "f2 44 0f 5d 0c 33", "minsd xmm9, qword ptr [rbx + rsi]"),
    XX(x64_maxss_xx, XMM3, XMM12, "f3 41 0f 5f dc", "maxss xmm3, xmm12"),
    XX(x64_maxss_xx, XMM14, XMM2, "f3 44 0f 5f f2", "maxss xmm14, xmm2"),
    XM(x64_maxss_xm, XMM7, MBI(RSP, RBP, 4, 0x7f),
        "f3 0f 5f 7c ac 7f", "maxss xmm7, dword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_maxsd_xx, XMM14, XMM2, "f2 44 0f 5f f2", "maxsd xmm14, xmm2"),
    XX(x64_maxsd_xx, XMM0, XMM1, "f2 0f 5f c1", "maxsd xmm0, xmm1"),
    XM(x64_maxsd_xm, XMM15, MBI(R15, R9, 8, -0x80),
        "f2 47 0f 5f 7c cf 80", "maxsd xmm15, qword ptr [r15 + r9*8 - 0x80]"),
    XX(x64_sqrtss_xx, XMM0, XMM1, "f3 0f 51 c1", "sqrtss xmm0, xmm1"),
    XX(x64_sqrtss_xx, XMM8, XMM15, "f3 45 0f 51 c7", "sqrtss xmm8, xmm15"),
    XM(x64_sqrtss_xm, XMM0, MBI(NOREG, RCX, 4, 0x10),
        "f3 0f 51 04 8d 10 00 00 00", "sqrtss xmm0, dword ptr [rcx*4 + 0x10]"),
    XX(x64_sqrtsd_xx, XMM8, XMM15, "f2 45 0f 51 c7", "sqrtsd xmm8, xmm15"),
    XX(x64_sqrtsd_xx, XMM3, XMM12, "f2 41 0f 51 dc", "sqrtsd xmm3, xmm12"),
    XM(x64_sqrtsd_xm, XMM9, MBI(RBP, R13, 1, 0x12345678),
        "f2 46 0f 51 8c 2d 78 56 34 12", "sqrtsd xmm9, qword ptr [rbp + r13 + 0x12345678]"),
    XX(x64_ucomiss_xx, XMM3, XMM12, "41 0f 2e dc", "ucomiss xmm3, xmm12"),
    XX(x64_ucomiss_xx, XMM14, XMM2, "44 0f 2e f2", "ucomiss xmm14, xmm2"),
    XM(x64_ucomiss_xm, XMM7, MBI(R12, RAX, 2, 0),
        "41 0f 2e 3c 44", "ucomiss xmm7, dword ptr [r12 + rax*2]"),
    XX(x64_ucomisd_xx, XMM14, XMM2, "66 44 0f 2e f2", "ucomisd xmm14, xmm2"),
    XX(x64_ucomisd_xx, XMM0, XMM1, "66 0f 2e c1", "ucomisd xmm0, xmm1"),
    XM(x64_ucomisd_xm, XMM15, MBI(R13, RCX, 8, 0x10),
        "66 45 0f 2e 7c cd 10", "ucomisd xmm15, qword ptr [r13 + rcx*8 + 0x10]"),
    XX(x64_cvtss2sd_xx, XMM0, XMM1, "f3 0f 5a c1", "cvtss2sd xmm0, xmm1"),
    XX(x64_cvtss2sd_xx, XMM8, XMM15, "f3 45 0f 5a c7", "cvtss2sd xmm8, xmm15"),
    XM(x64_cvtss2sd_xm, XMM0, MB(RSP, 0), "f3 0f 5a 04 24", "cvtss2sd xmm0, dword ptr [rsp]"),
    XX(x64_cvtsd2ss_xx, XMM8, XMM15, "f2 45 0f 5a c7", "cvtsd2ss xmm8, xmm15"),
    XX(x64_cvtsd2ss_xx, XMM3, XMM12, "f2 41 0f 5a dc", "cvtsd2ss xmm3, xmm12"),
    XM(x64_cvtsd2ss_xm, XMM9, MB(RBP, -8),
        "f2 44 0f 5a 4d f8", "cvtsd2ss xmm9, qword ptr [rbp - 8]"),
    XX(x64_andps_xx, XMM3, XMM12, "41 0f 54 dc", "andps xmm3, xmm12"),
    XX(x64_andps_xx, XMM14, XMM2, "44 0f 54 f2", "andps xmm14, xmm2"),
    XM(x64_andps_xm, XMM7, MB(R12, 0x200),
        "41 0f 54 bc 24 00 02 00 00", "andps xmm7, xmmword ptr [r12 + 0x200]"),
    XX(x64_andnps_xx, XMM14, XMM2, "44 0f 55 f2", "andnps xmm14, xmm2"),
    XX(x64_andnps_xx, XMM0, XMM1, "0f 55 c1", "andnps xmm0, xmm1"),
    XM(x64_andnps_xm, XMM15, MRIP(0x100),
        "44 0f 55 3d 00 01 00 00", "andnps xmm15, xmmword ptr [rip + 0x100]"),
    XX(x64_orps_xx, XMM0, XMM1, "0f 56 c1", "orps xmm0, xmm1"),
    XX(x64_orps_xx, XMM8, XMM15, "45 0f 56 c7", "orps xmm8, xmm15"),
    XM(x64_orps_xm, XMM0, MBI(RAX, R12, 2, -0x1000),
        "42 0f 56 84 60 00 f0 ff ff", "orps xmm0, xmmword ptr [rax + r12*2 - 0x1000]"),
    XX(x64_xorps_xx, XMM8, XMM15, "45 0f 57 c7", "xorps xmm8, xmm15"),
    XX(x64_xorps_xx, XMM3, XMM12, "41 0f 57 dc", "xorps xmm3, xmm12"),
    XM(x64_xorps_xm, XMM9, MB(RDI, 0), "44 0f 57 0f", "xorps xmm9, xmmword ptr [rdi]"),
    XX(x64_andpd_xx, XMM3, XMM12, "66 41 0f 54 dc", "andpd xmm3, xmm12"),
    XX(x64_andpd_xx, XMM14, XMM2, "66 44 0f 54 f2", "andpd xmm14, xmm2"),
    XM(x64_andpd_xm, XMM7, MB(R8, 1), "66 41 0f 54 78 01", "andpd xmm7, xmmword ptr [r8 + 1]"),
    XX(x64_andnpd_xx, XMM14, XMM2, "66 44 0f 55 f2", "andnpd xmm14, xmm2"),
    XX(x64_andnpd_xx, XMM0, XMM1, "66 0f 55 c1", "andnpd xmm0, xmm1"),
    XM(x64_andnpd_xm, XMM15, MB(R13, 0), "66 45 0f 55 7d 00", "andnpd xmm15, xmmword ptr [r13]"),
    XX(x64_orpd_xx, XMM0, XMM1, "66 0f 56 c1", "orpd xmm0, xmm1"),
    XX(x64_orpd_xx, XMM8, XMM15, "66 45 0f 56 c7", "orpd xmm8, xmm15"),
    XM(x64_orpd_xm, XMM0, MBI(RBX, RSI, 1, 0),
        "66 0f 56 04 33", "orpd xmm0, xmmword ptr [rbx + rsi]"),
    XX(x64_xorpd_xx, XMM8, XMM15, "66 45 0f 57 c7", "xorpd xmm8, xmm15"),
    XX(x64_xorpd_xx, XMM3, XMM12, "66 41 0f 57 dc", "xorpd xmm3, xmm12"),
    XM(x64_xorpd_xm, XMM9, MBI(RSP, RBP, 4, 0x7f),
        "66 44 0f 57 4c ac 7f", "xorpd xmm9, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_movaps_xx, XMM3, XMM12, "41 0f 28 dc", "movaps xmm3, xmm12"),
    XX(x64_movaps_xx, XMM14, XMM2, "44 0f 28 f2", "movaps xmm14, xmm2"),
    XM(x64_movaps_xm, XMM7, MBI(R15, R9, 8, -0x80),
        "43 0f 28 7c cf 80", "movaps xmm7, xmmword ptr [r15 + r9*8 - 0x80]"),
    XX(x64_movapd_xx, XMM14, XMM2, "66 44 0f 28 f2", "movapd xmm14, xmm2"),
    XX(x64_movapd_xx, XMM0, XMM1, "66 0f 28 c1", "movapd xmm0, xmm1"),
    XM(x64_movapd_xm, XMM15, MBI(NOREG, RCX, 4, 0x10),
        "66 44 0f 28 3c 8d 10 00 00 00", "movapd xmm15, xmmword ptr [rcx*4 + 0x10]"),
    XX(x64_pxor_xx, XMM0, XMM1, "66 0f ef c1", "pxor xmm0, xmm1"),
    XX(x64_pxor_xx, XMM8, XMM15, "66 45 0f ef c7", "pxor xmm8, xmm15"),
    XM(x64_pxor_xm, XMM0, MBI(RBP, R13, 1, 0x12345678),
        "66 42 0f ef 84 2d 78 56 34 12", "pxor xmm0, xmmword ptr [rbp + r13 + 0x12345678]"),
    XX(x64_pcmpeqd_xx, XMM8, XMM15, "66 45 0f 76 c7", "pcmpeqd xmm8, xmm15"),
    XX(x64_pcmpeqd_xx, XMM3, XMM12, "66 41 0f 76 dc", "pcmpeqd xmm3, xmm12"),
    XM(x64_pcmpeqd_xm, XMM9, MBI(R12, RAX, 2, 0),
        "66 45 0f 76 0c 44", "pcmpeqd xmm9, xmmword ptr [r12 + rax*2]"),
    /* SIMD: memory forms and lanes */
    XX(x64_pshufb_xx, XMM0, XMM1, "66 0f 38 00 c1", "pshufb xmm0, xmm1"),
    XX(x64_pshufb_xx, XMM8, XMM15, "66 45 0f 38 00 c7", "pshufb xmm8, xmm15"),
    XM(x64_pshufb_xm, XMM1, MB(R12, 0x200),
        "66 41 0f 38 00 8c 24 00 02 00 00", "pshufb xmm1, xmmword ptr [r12 + 0x200]"),
    XX(x64_punpcklqdq_xx, XMM8, XMM15, "66 45 0f 6c c7", "punpcklqdq xmm8, xmm15"),
    XX(x64_punpcklqdq_xx, XMM3, XMM12, "66 41 0f 6c dc", "punpcklqdq xmm3, xmm12"),
    XM(x64_punpcklqdq_xm, XMM9, MBI(RAX, R12, 2, -0x1000),
        "66 46 0f 6c 8c 60 00 f0 ff ff", "punpcklqdq xmm9, xmmword ptr [rax + r12*2 - 0x1000]"),
    XX(x64_pcmpeqb_xx, XMM3, XMM12, "66 41 0f 74 dc", "pcmpeqb xmm3, xmm12"),
    XX(x64_pcmpeqb_xx, XMM14, XMM2, "66 44 0f 74 f2", "pcmpeqb xmm14, xmm2"),
    XM(x64_pcmpeqb_xm, XMM15, MB(R13, 0), "66 45 0f 74 7d 00", "pcmpeqb xmm15, xmmword ptr [r13]"),
    XX(x64_pcmpeqw_xx, XMM14, XMM2, "66 44 0f 75 f2", "pcmpeqw xmm14, xmm2"),
    XX(x64_pcmpeqw_xx, XMM7, XMM7, "66 0f 75 ff", "pcmpeqw xmm7, xmm7"),
    XM(x64_pcmpeqw_xm, XMM4, MBI(RSP, RBP, 4, 0x7f),
        "66 0f 75 64 ac 7f", "pcmpeqw xmm4, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_pcmpeqq_xx, XMM7, XMM7, "66 0f 38 29 ff", "pcmpeqq xmm7, xmm7"),
    XX(x64_pcmpeqq_xx, XMM0, XMM1, "66 0f 38 29 c1", "pcmpeqq xmm0, xmm1"),
    XM(x64_pcmpeqq_xm, XMM1, MBI(R15, R9, 8, -0x80),
        "66 43 0f 38 29 4c cf 80", "pcmpeqq xmm1, xmmword ptr [r15 + r9*8 - 0x80]"),
    XX(x64_paddusb_xx, XMM0, XMM1, "66 0f dc c1", "paddusb xmm0, xmm1"),
    XX(x64_paddusb_xx, XMM8, XMM15, "66 45 0f dc c7", "paddusb xmm8, xmm15"),
    XM(x64_paddusb_xm, XMM9, MRIP(0x100),
        "66 44 0f dc 0d 00 01 00 00", "paddusb xmm9, xmmword ptr [rip + 0x100]"),
    XX(x64_packsswb_xx, XMM8, XMM15, "66 45 0f 63 c7", "packsswb xmm8, xmm15"),
    XX(x64_packsswb_xx, XMM3, XMM12, "66 41 0f 63 dc", "packsswb xmm3, xmm12"),
    XM(x64_packsswb_xm, XMM15, MBI(R15, RCX, 1, 0x10),
        "66 45 0f 63 7c 0f 10", "packsswb xmm15, xmmword ptr [r15 + rcx + 0x10]"),
    XX(x64_ptest_xx, XMM3, XMM12, "66 41 0f 38 17 dc", "ptest xmm3, xmm12"),
    XX(x64_ptest_xx, XMM14, XMM2, "66 44 0f 38 17 f2", "ptest xmm14, xmm2"),
    XM(x64_ptest_xm, XMM4, MB(RBP, -8), "66 0f 38 17 65 f8", "ptest xmm4, xmmword ptr [rbp - 8]"),
    XX(x64_movddup_xx, XMM14, XMM2, "f2 44 0f 12 f2", "movddup xmm14, xmm2"),
    XX(x64_movddup_xx, XMM7, XMM7, "f2 0f 12 ff", "movddup xmm7, xmm7"),
    XM(x64_movddup_xm, XMM1, MBI(RBX, RSI, 1, 0),
        "f2 0f 12 0c 33", "movddup xmm1, qword ptr [rbx + rsi]"),
    XX(x64_pmovsxbw_xx, XMM7, XMM7, "66 0f 38 20 ff", "pmovsxbw xmm7, xmm7"),
    XX(x64_pmovsxbw_xx, XMM0, XMM1, "66 0f 38 20 c1", "pmovsxbw xmm0, xmm1"),
    XM(x64_pmovsxbw_xm, XMM9, MB(RDI, 0), "66 44 0f 38 20 0f", "pmovsxbw xmm9, qword ptr [rdi]"),
    XX(x64_pmovsxwd_xx, XMM0, XMM1, "66 0f 38 23 c1", "pmovsxwd xmm0, xmm1"),
    XX(x64_pmovsxwd_xx, XMM8, XMM15, "66 45 0f 38 23 c7", "pmovsxwd xmm8, xmm15"),
    XM(x64_pmovsxwd_xm, XMM15, MBI(NOREG, RCX, 4, 0x10),
        "66 44 0f 38 23 3c 8d 10 00 00 00", "pmovsxwd xmm15, qword ptr [rcx*4 + 0x10]"),
    XX(x64_pmovsxdq_xx, XMM8, XMM15, "66 45 0f 38 25 c7", "pmovsxdq xmm8, xmm15"),
    XX(x64_pmovsxdq_xx, XMM3, XMM12, "66 41 0f 38 25 dc", "pmovsxdq xmm3, xmm12"),
    XM(x64_pmovsxdq_xm, XMM4, MBI(R15, R13, 1, 0x7fffffff),
        "66 43 0f 38 25 a4 2f ff ff ff 7f", "pmovsxdq xmm4, qword ptr [r15 + r13 + 0x7fffffff]"),
    XX(x64_pmovzxbw_xx, XMM3, XMM12, "66 41 0f 38 30 dc", "pmovzxbw xmm3, xmm12"),
    XX(x64_pmovzxbw_xx, XMM14, XMM2, "66 44 0f 38 30 f2", "pmovzxbw xmm14, xmm2"),
    XM(x64_pmovzxbw_xm, XMM1, MB(R12, 0x200),
        "66 41 0f 38 30 8c 24 00 02 00 00", "pmovzxbw xmm1, qword ptr [r12 + 0x200]"),
    XX(x64_pmovzxwd_xx, XMM14, XMM2, "66 44 0f 38 33 f2", "pmovzxwd xmm14, xmm2"),
    XX(x64_pmovzxwd_xx, XMM7, XMM7, "66 0f 38 33 ff", "pmovzxwd xmm7, xmm7"),
    XM(x64_pmovzxwd_xm, XMM9, MBI(RAX, R12, 2, -0x1000),
        "66 46 0f 38 33 8c 60 00 f0 ff ff", "pmovzxwd xmm9, qword ptr [rax + r12*2 - 0x1000]"),
    XX(x64_pmovzxdq_xx, XMM7, XMM7, "66 0f 38 35 ff", "pmovzxdq xmm7, xmm7"),
    XX(x64_pmovzxdq_xx, XMM0, XMM1, "66 0f 38 35 c1", "pmovzxdq xmm0, xmm1"),
    XM(x64_pmovzxdq_xm, XMM15, MB(R13, 0),
        "66 45 0f 38 35 7d 00", "pmovzxdq xmm15, qword ptr [r13]"),
    XXI(x64_pshufd_xxi, XMM0, XMM1, 0, "66 0f 70 c1 00", "pshufd xmm0, xmm1, 0"),
    XXI(x64_pshufd_xxi, XMM8, XMM3, 0x44, "66 44 0f 70 c3 44", "pshufd xmm8, xmm3, 0x44"),
    XXI(x64_pshufd_xxi, XMM5, XMM15, 0xee, "66 41 0f 70 ef ee", "pshufd xmm5, xmm15, 0xee"),
    XXI(x64_pshuflw_xxi, XMM0, XMM1, 0, "f2 0f 70 c1 00", "pshuflw xmm0, xmm1, 0"),
    XXI(x64_pshuflw_xxi, XMM8, XMM3, 0x1b, "f2 44 0f 70 c3 1b", "pshuflw xmm8, xmm3, 0x1b"),
    XXI(x64_pshuflw_xxi, XMM5, XMM15, 0xff, "f2 41 0f 70 ef ff", "pshuflw xmm5, xmm15, 0xff"),
    XXI(x64_insertps_xxi, XMM0, XMM1, 0, "66 0f 3a 21 c1 00", "insertps xmm0, xmm1, 0"),
    XXI(x64_insertps_xxi, XMM8, XMM3, 0x30, "66 44 0f 3a 21 c3 30", "insertps xmm8, xmm3, 0x30"),
    XXI(x64_insertps_xxi, XMM5, XMM15, 0x1d, "66 41 0f 3a 21 ef 1d", "insertps xmm5, xmm15, 0x1d"),
    CVTRX(x64_pmovmskb_rx, 4, RAX, XMM0, "66 0f d7 c0", "pmovmskb eax, xmm0"),
    CVTRX(x64_pmovmskb_rx, 4, RCX, XMM15, "66 41 0f d7 cf", "pmovmskb ecx, xmm15"),
    CVTRX(x64_pmovmskb_rx, 4, R9, XMM3, "66 44 0f d7 cb", "pmovmskb r9d, xmm3"),
    CVTRX(x64_pmovmskb_rx, 4, RSP, XMM8, "66 41 0f d7 e0", "pmovmskb esp, xmm8"),
    CVTRX(x64_movmskps_rx, 4, RAX, XMM0, "0f 50 c0", "movmskps eax, xmm0"),
    CVTRX(x64_movmskps_rx, 4, RCX, XMM15, "41 0f 50 cf", "movmskps ecx, xmm15"),
    CVTRX(x64_movmskps_rx, 4, R9, XMM3, "44 0f 50 cb", "movmskps r9d, xmm3"),
    CVTRX(x64_movmskps_rx, 4, RSP, XMM8, "41 0f 50 e0", "movmskps esp, xmm8"),
    CVTRX(x64_movmskpd_rx, 4, RAX, XMM0, "66 0f 50 c0", "movmskpd eax, xmm0"),
    CVTRX(x64_movmskpd_rx, 4, RCX, XMM15, "66 41 0f 50 cf", "movmskpd ecx, xmm15"),
    CVTRX(x64_movmskpd_rx, 4, R9, XMM3, "66 44 0f 50 cb", "movmskpd r9d, xmm3"),
    CVTRX(x64_movmskpd_rx, 4, RSP, XMM8, "66 41 0f 50 e0", "movmskpd esp, xmm8"),
    XRI(x64_pinsrb_xri, XMM0, RAX, 0, "66 0f 3a 20 c0 00", "pinsrb xmm0, eax, 0"),
    XRI(x64_pinsrb_xri, XMM9, RSP, 15, "66 44 0f 3a 20 cc 0f", "pinsrb xmm9, esp, 0xf"),
    XRI(x64_pinsrb_xri, XMM15, R13, 7, "66 45 0f 3a 20 fd 07", "pinsrb xmm15, r13d, 7"),
    XMI(x64_pinsrb_xmi, XMM1, MBI(RSP, RBP, 4, 0x7f), 15,
        "66 0f 3a 20 4c ac 7f 0f", "pinsrb xmm1, byte ptr [rsp + rbp*4 + 0x7f], 0xf"),
    XMI(x64_pinsrb_xmi, XMM12, MBI(R15, R9, 8, -0x80), 7,
        "66 47 0f 3a 20 64 cf 80 07", "pinsrb xmm12, byte ptr [r15 + r9*8 - 0x80], 7"),
    XRI(x64_pinsrw_xri, XMM0, RAX, 0, "66 0f c4 c0 00", "pinsrw xmm0, eax, 0"),
    XRI(x64_pinsrw_xri, XMM9, RSP, 7, "66 44 0f c4 cc 07", "pinsrw xmm9, esp, 7"),
    XRI(x64_pinsrw_xri, XMM15, R13, 3, "66 45 0f c4 fd 03", "pinsrw xmm15, r13d, 3"),
    XMI(x64_pinsrw_xmi, XMM1, MRIP(0x100), 7,
        "66 0f c4 0d 00 01 00 00 07", "pinsrw xmm1, word ptr [rip + 0x100], 7"),
    XMI(x64_pinsrw_xmi, XMM12, MBI(R15, RCX, 1, 0x10), 3,
        "66 45 0f c4 64 0f 10 03", "pinsrw xmm12, word ptr [r15 + rcx + 0x10], 3"),
    XRI(x64_pinsrd_xri, XMM0, RAX, 0, "66 0f 3a 22 c0 00", "pinsrd xmm0, eax, 0"),
    XRI(x64_pinsrd_xri, XMM9, RSP, 3, "66 44 0f 3a 22 cc 03", "pinsrd xmm9, esp, 3"),
    XRI(x64_pinsrd_xri, XMM15, R13, 2, "66 45 0f 3a 22 fd 02", "pinsrd xmm15, r13d, 2"),
    XMI(x64_pinsrd_xmi, XMM1, MB(RBP, -8), 3,
        "66 0f 3a 22 4d f8 03", "pinsrd xmm1, dword ptr [rbp - 8], 3"),
    XMI(x64_pinsrd_xmi, XMM12, MBI(RBX, RSI, 1, 0), 2,
        "66 44 0f 3a 22 24 33 02", "pinsrd xmm12, dword ptr [rbx + rsi], 2"),
    XRI(x64_pinsrq_xri, XMM0, RAX, 0, "66 48 0f 3a 22 c0 00", "pinsrq xmm0, rax, 0"),
    XRI(x64_pinsrq_xri, XMM9, RSP, 1, "66 4c 0f 3a 22 cc 01", "pinsrq xmm9, rsp, 1"),
    XRI(x64_pinsrq_xri, XMM15, R13, 1, "66 4d 0f 3a 22 fd 01", "pinsrq xmm15, r13, 1"),
    XMI(x64_pinsrq_xmi, XMM1, MB(RDI, 0), 1,
        "66 48 0f 3a 22 0f 01", "pinsrq xmm1, qword ptr [rdi], 1"),
    XMI(x64_pinsrq_xmi, XMM12, MBI(NOREG, RCX, 4, 0x10), 1,
        "66 4c 0f 3a 22 24 8d 10 00 00 00 01", "pinsrq xmm12, qword ptr [rcx*4 + 0x10], 1"),
    RXI(x64_pextrb_rxi, RAX, XMM0, 0, "66 0f 3a 14 c0 00", "pextrb eax, xmm0, 0"),
    RXI(x64_pextrb_rxi, RSP, XMM9, 15, "66 44 0f 3a 14 cc 0f", "pextrb esp, xmm9, 0xf"),
    RXI(x64_pextrb_rxi, R13, XMM15, 7, "66 45 0f 3a 14 fd 07", "pextrb r13d, xmm15, 7"),
    MXI(x64_pextrb_mxi, MBI(R15, R13, 1, 0x7fffffff), XMM1, 15,
        "66 43 0f 3a 14 8c 2f ff ff ff 7f 0f",
        "pextrb byte ptr [r15 + r13 + 0x7fffffff], xmm1, 0xf"),
    MXI(x64_pextrb_mxi, MB(R12, 0x200), XMM12, 7,
        "66 45 0f 3a 14 a4 24 00 02 00 00 07", "pextrb byte ptr [r12 + 0x200], xmm12, 7"),
    /* pextrw r32, xmm, imm8 is the SSE4.1 form (66 0f 3a 15, as `{store} pextrw` writes it),
     * the one that also has a memory operand */
    RXI(x64_pextrw_rxi, RAX, XMM0, 0, "66 0f 3a 15 c0 00", "pextrw eax, xmm0, 0"),
    RXI(x64_pextrw_rxi, RSP, XMM9, 7, "66 44 0f 3a 15 cc 07", "pextrw esp, xmm9, 7"),
    RXI(x64_pextrw_rxi, R13, XMM15, 3, "66 45 0f 3a 15 fd 03", "pextrw r13d, xmm15, 3"),
    MXI(x64_pextrw_mxi, MBI(RAX, R12, 2, -0x1000), XMM1, 7,
        "66 42 0f 3a 15 8c 60 00 f0 ff ff 07", "pextrw word ptr [rax + r12*2 - 0x1000], xmm1, 7"),
    MXI(x64_pextrw_mxi, MB(R13, 0), XMM12, 3,
        "66 45 0f 3a 15 65 00 03", "pextrw word ptr [r13], xmm12, 3"),
    RXI(x64_pextrd_rxi, RAX, XMM0, 0, "66 0f 3a 16 c0 00", "pextrd eax, xmm0, 0"),
    RXI(x64_pextrd_rxi, RSP, XMM9, 3, "66 44 0f 3a 16 cc 03", "pextrd esp, xmm9, 3"),
    RXI(x64_pextrd_rxi, R13, XMM15, 2, "66 45 0f 3a 16 fd 02", "pextrd r13d, xmm15, 2"),
    MXI(x64_pextrd_mxi, MBI(RSP, RBP, 4, 0x7f), XMM1, 3,
        "66 0f 3a 16 4c ac 7f 03", "pextrd dword ptr [rsp + rbp*4 + 0x7f], xmm1, 3"),
    MXI(x64_pextrd_mxi, MBI(R15, R9, 8, -0x80), XMM12, 2,
        "66 47 0f 3a 16 64 cf 80 02", "pextrd dword ptr [r15 + r9*8 - 0x80], xmm12, 2"),
    RXI(x64_pextrq_rxi, RAX, XMM0, 0, "66 48 0f 3a 16 c0 00", "pextrq rax, xmm0, 0"),
    RXI(x64_pextrq_rxi, RSP, XMM9, 1, "66 4c 0f 3a 16 cc 01", "pextrq rsp, xmm9, 1"),
    RXI(x64_pextrq_rxi, R13, XMM15, 1, "66 4d 0f 3a 16 fd 01", "pextrq r13, xmm15, 1"),
    MXI(x64_pextrq_mxi, MRIP(0x100), XMM1, 1,
        "66 48 0f 3a 16 0d 00 01 00 00 01", "pextrq qword ptr [rip + 0x100], xmm1, 1"),
    MXI(x64_pextrq_mxi, MBI(R15, RCX, 1, 0x10), XMM12, 1,
        "66 4d 0f 3a 16 64 0f 10 01", "pextrq qword ptr [r15 + rcx + 0x10], xmm12, 1"),
    /* SIMD: integer lanes */
    XX(x64_paddb_xx, XMM0, XMM1, "66 0f fc c1", "paddb xmm0, xmm1"),
    XM(x64_paddb_xm, XMM14, MB(RAX, 0), "66 44 0f fc 30", "paddb xmm14, xmmword ptr [rax]"),
    XX(x64_paddw_xx, XMM8, XMM15, "66 45 0f fd c7", "paddw xmm8, xmm15"),
    XM(x64_paddw_xm, XMM7, MB(RBP, -0x20),
        "66 0f fd 7d e0", "paddw xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_paddd_xx, XMM3, XMM12, "66 41 0f fe dc", "paddd xmm3, xmm12"),
    XM(x64_paddd_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f fe 7c 8c 40", "paddd xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_paddq_xx, XMM14, XMM2, "66 44 0f d4 f2", "paddq xmm14, xmm2"),
    XM(x64_paddq_xm, XMM5, MB(R13, 0), "66 41 0f d4 6d 00", "paddq xmm5, xmmword ptr [r13]"),
    XX(x64_psubb_xx, XMM7, XMM9, "66 41 0f f8 f9", "psubb xmm7, xmm9"),
    XM(x64_psubb_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f f8 8c cc 00 ff ff ff", "psubb xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_psubw_xx, XMM15, XMM0, "66 44 0f f9 f8", "psubw xmm15, xmm0"),
    XM(x64_psubw_xm, XMM0, MRIP(0x200),
        "66 0f f9 05 00 02 00 00", "psubw xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_psubd_xx, XMM5, XMM13, "66 41 0f fa ed", "psubd xmm5, xmm13"),
    XM(x64_psubd_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f fa 44 24 10", "psubd xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_psubq_xx, XMM1, XMM4, "66 0f fb cc", "psubq xmm1, xmm4"),
    XM(x64_psubq_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f fb 1c 55 80 00 00 00", "psubq xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_paddsb_xx, XMM0, XMM1, "66 0f ec c1", "paddsb xmm0, xmm1"),
    XM(x64_paddsb_xm, XMM14, MB(RAX, 0), "66 44 0f ec 30", "paddsb xmm14, xmmword ptr [rax]"),
    XX(x64_paddsw_xx, XMM8, XMM15, "66 45 0f ed c7", "paddsw xmm8, xmm15"),
    XM(x64_paddsw_xm, XMM7, MB(RBP, -0x20),
        "66 0f ed 7d e0", "paddsw xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_paddusw_xx, XMM3, XMM12, "66 41 0f dd dc", "paddusw xmm3, xmm12"),
    XM(x64_paddusw_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f dd 7c 8c 40", "paddusw xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_psubsb_xx, XMM14, XMM2, "66 44 0f e8 f2", "psubsb xmm14, xmm2"),
    XM(x64_psubsb_xm, XMM5, MB(R13, 0), "66 41 0f e8 6d 00", "psubsb xmm5, xmmword ptr [r13]"),
    XX(x64_psubsw_xx, XMM7, XMM9, "66 41 0f e9 f9", "psubsw xmm7, xmm9"),
    XM(x64_psubsw_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f e9 8c cc 00 ff ff ff", "psubsw xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_psubusb_xx, XMM15, XMM0, "66 44 0f d8 f8", "psubusb xmm15, xmm0"),
    XM(x64_psubusb_xm, XMM0, MRIP(0x200),
        "66 0f d8 05 00 02 00 00", "psubusb xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_psubusw_xx, XMM5, XMM13, "66 41 0f d9 ed", "psubusw xmm5, xmm13"),
    XM(x64_psubusw_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f d9 44 24 10", "psubusw xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_pmullw_xx, XMM1, XMM4, "66 0f d5 cc", "pmullw xmm1, xmm4"),
    XM(x64_pmullw_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f d5 1c 55 80 00 00 00", "pmullw xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_pmulld_xx, XMM0, XMM1, "66 0f 38 40 c1", "pmulld xmm0, xmm1"),
    XM(x64_pmulld_xm, XMM14, MB(RAX, 0), "66 44 0f 38 40 30", "pmulld xmm14, xmmword ptr [rax]"),
    XX(x64_pmuludq_xx, XMM8, XMM15, "66 45 0f f4 c7", "pmuludq xmm8, xmm15"),
    XM(x64_pmuludq_xm, XMM7, MB(RBP, -0x20),
        "66 0f f4 7d e0", "pmuludq xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_pmuldq_xx, XMM3, XMM12, "66 41 0f 38 28 dc", "pmuldq xmm3, xmm12"),
    XM(x64_pmuldq_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f 38 28 7c 8c 40", "pmuldq xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_pmulhrsw_xx, XMM14, XMM2, "66 44 0f 38 0b f2", "pmulhrsw xmm14, xmm2"),
    XM(x64_pmulhrsw_xm, XMM5, MB(R13, 0),
        "66 41 0f 38 0b 6d 00", "pmulhrsw xmm5, xmmword ptr [r13]"),
    XX(x64_pmaddwd_xx, XMM7, XMM9, "66 41 0f f5 f9", "pmaddwd xmm7, xmm9"),
    XM(x64_pmaddwd_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f f5 8c cc 00 ff ff ff", "pmaddwd xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_pmaddubsw_xx, XMM15, XMM0, "66 44 0f 38 04 f8", "pmaddubsw xmm15, xmm0"),
    XM(x64_pmaddubsw_xm, XMM0, MRIP(0x200),
        "66 0f 38 04 05 00 02 00 00", "pmaddubsw xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_pabsb_xx, XMM5, XMM13, "66 41 0f 38 1c ed", "pabsb xmm5, xmm13"),
    XM(x64_pabsb_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f 38 1c 44 24 10", "pabsb xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_pabsw_xx, XMM1, XMM4, "66 0f 38 1d cc", "pabsw xmm1, xmm4"),
    XM(x64_pabsw_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f 38 1d 1c 55 80 00 00 00", "pabsw xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_pabsd_xx, XMM0, XMM1, "66 0f 38 1e c1", "pabsd xmm0, xmm1"),
    XM(x64_pabsd_xm, XMM14, MB(RAX, 0), "66 44 0f 38 1e 30", "pabsd xmm14, xmmword ptr [rax]"),
    XX(x64_pminsb_xx, XMM8, XMM15, "66 45 0f 38 38 c7", "pminsb xmm8, xmm15"),
    XM(x64_pminsb_xm, XMM7, MB(RBP, -0x20),
        "66 0f 38 38 7d e0", "pminsb xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_pminsw_xx, XMM3, XMM12, "66 41 0f ea dc", "pminsw xmm3, xmm12"),
    XM(x64_pminsw_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f ea 7c 8c 40", "pminsw xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_pminsd_xx, XMM14, XMM2, "66 44 0f 38 39 f2", "pminsd xmm14, xmm2"),
    XM(x64_pminsd_xm, XMM5, MB(R13, 0), "66 41 0f 38 39 6d 00", "pminsd xmm5, xmmword ptr [r13]"),
    XX(x64_pminub_xx, XMM7, XMM9, "66 41 0f da f9", "pminub xmm7, xmm9"),
    XM(x64_pminub_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f da 8c cc 00 ff ff ff", "pminub xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_pminuw_xx, XMM15, XMM0, "66 44 0f 38 3a f8", "pminuw xmm15, xmm0"),
    XM(x64_pminuw_xm, XMM0, MRIP(0x200),
        "66 0f 38 3a 05 00 02 00 00", "pminuw xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_pminud_xx, XMM5, XMM13, "66 41 0f 38 3b ed", "pminud xmm5, xmm13"),
    XM(x64_pminud_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f 38 3b 44 24 10", "pminud xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_pmaxsb_xx, XMM1, XMM4, "66 0f 38 3c cc", "pmaxsb xmm1, xmm4"),
    XM(x64_pmaxsb_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f 38 3c 1c 55 80 00 00 00", "pmaxsb xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_pmaxsw_xx, XMM0, XMM1, "66 0f ee c1", "pmaxsw xmm0, xmm1"),
    XM(x64_pmaxsw_xm, XMM14, MB(RAX, 0), "66 44 0f ee 30", "pmaxsw xmm14, xmmword ptr [rax]"),
    XX(x64_pmaxsd_xx, XMM8, XMM15, "66 45 0f 38 3d c7", "pmaxsd xmm8, xmm15"),
    XM(x64_pmaxsd_xm, XMM7, MB(RBP, -0x20),
        "66 0f 38 3d 7d e0", "pmaxsd xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_pmaxub_xx, XMM3, XMM12, "66 41 0f de dc", "pmaxub xmm3, xmm12"),
    XM(x64_pmaxub_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f de 7c 8c 40", "pmaxub xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_pmaxuw_xx, XMM14, XMM2, "66 44 0f 38 3e f2", "pmaxuw xmm14, xmm2"),
    XM(x64_pmaxuw_xm, XMM5, MB(R13, 0), "66 41 0f 38 3e 6d 00", "pmaxuw xmm5, xmmword ptr [r13]"),
    XX(x64_pmaxud_xx, XMM7, XMM9, "66 41 0f 38 3f f9", "pmaxud xmm7, xmm9"),
    XM(x64_pmaxud_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f 38 3f 8c cc 00 ff ff ff", "pmaxud xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_pavgb_xx, XMM15, XMM0, "66 44 0f e0 f8", "pavgb xmm15, xmm0"),
    XM(x64_pavgb_xm, XMM0, MRIP(0x200),
        "66 0f e0 05 00 02 00 00", "pavgb xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_pavgw_xx, XMM5, XMM13, "66 41 0f e3 ed", "pavgw xmm5, xmm13"),
    XM(x64_pavgw_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f e3 44 24 10", "pavgw xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_pcmpgtb_xx, XMM1, XMM4, "66 0f 64 cc", "pcmpgtb xmm1, xmm4"),
    XM(x64_pcmpgtb_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f 64 1c 55 80 00 00 00", "pcmpgtb xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_pcmpgtw_xx, XMM0, XMM1, "66 0f 65 c1", "pcmpgtw xmm0, xmm1"),
    XM(x64_pcmpgtw_xm, XMM14, MB(RAX, 0), "66 44 0f 65 30", "pcmpgtw xmm14, xmmword ptr [rax]"),
    XX(x64_pcmpgtd_xx, XMM8, XMM15, "66 45 0f 66 c7", "pcmpgtd xmm8, xmm15"),
    XM(x64_pcmpgtd_xm, XMM7, MB(RBP, -0x20),
        "66 0f 66 7d e0", "pcmpgtd xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_packuswb_xx, XMM3, XMM12, "66 41 0f 67 dc", "packuswb xmm3, xmm12"),
    XM(x64_packuswb_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f 67 7c 8c 40", "packuswb xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_packssdw_xx, XMM14, XMM2, "66 44 0f 6b f2", "packssdw xmm14, xmm2"),
    XM(x64_packssdw_xm, XMM5, MB(R13, 0), "66 41 0f 6b 6d 00", "packssdw xmm5, xmmword ptr [r13]"),
    XX(x64_packusdw_xx, XMM7, XMM9, "66 41 0f 38 2b f9", "packusdw xmm7, xmm9"),
    XM(x64_packusdw_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f 38 2b 8c cc 00 ff ff ff", "packusdw xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XX(x64_psllw_xx, XMM15, XMM0, "66 44 0f f1 f8", "psllw xmm15, xmm0"),
    XM(x64_psllw_xm, XMM0, MRIP(0x200),
        "66 0f f1 05 00 02 00 00", "psllw xmm0, xmmword ptr [rip + 0x200]"),
    XX(x64_pslld_xx, XMM5, XMM13, "66 41 0f f2 ed", "pslld xmm5, xmm13"),
    XM(x64_pslld_xm, XMM8, MB(RSP, 0x10),
        "66 44 0f f2 44 24 10", "pslld xmm8, xmmword ptr [rsp + 0x10]"),
    XX(x64_psllq_xx, XMM1, XMM4, "66 0f f3 cc", "psllq xmm1, xmm4"),
    XM(x64_psllq_xm, XMM3, MBI(NOREG, RDX, 2, 0x80),
        "66 0f f3 1c 55 80 00 00 00", "psllq xmm3, xmmword ptr [rdx*2 + 0x80]"),
    XX(x64_psrlw_xx, XMM0, XMM1, "66 0f d1 c1", "psrlw xmm0, xmm1"),
    XM(x64_psrlw_xm, XMM14, MB(RAX, 0), "66 44 0f d1 30", "psrlw xmm14, xmmword ptr [rax]"),
    XX(x64_psrld_xx, XMM8, XMM15, "66 45 0f d2 c7", "psrld xmm8, xmm15"),
    XM(x64_psrld_xm, XMM7, MB(RBP, -0x20),
        "66 0f d2 7d e0", "psrld xmm7, xmmword ptr [rbp - 0x20]"),
    XX(x64_psrlq_xx, XMM3, XMM12, "66 41 0f d3 dc", "psrlq xmm3, xmm12"),
    XM(x64_psrlq_xm, XMM15, MBI(R12, RCX, 4, 0x40),
        "66 45 0f d3 7c 8c 40", "psrlq xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XX(x64_psraw_xx, XMM14, XMM2, "66 44 0f e1 f2", "psraw xmm14, xmm2"),
    XM(x64_psraw_xm, XMM5, MB(R13, 0), "66 41 0f e1 6d 00", "psraw xmm5, xmmword ptr [r13]"),
    XX(x64_psrad_xx, XMM7, XMM9, "66 41 0f e2 f9", "psrad xmm7, xmm9"),
    XM(x64_psrad_xm, XMM1, MBI(RSP, R9, 8, -0x100),
        "66 42 0f e2 8c cc 00 ff ff ff", "psrad xmm1, xmmword ptr [rsp + r9*8 - 0x100]"),
    XI(x64_psllw_xi, XMM0, 1, "66 0f 71 f0 01", "psllw xmm0, 1"),
    XI(x64_psllw_xi, XMM9, 15, "66 41 0f 71 f1 0f", "psllw xmm9, 0xf"),
    XI(x64_psllw_xi, XMM15, 7, "66 41 0f 71 f7 07", "psllw xmm15, 7"),
    XI(x64_psrlw_xi, XMM0, 1, "66 0f 71 d0 01", "psrlw xmm0, 1"),
    XI(x64_psrlw_xi, XMM9, 15, "66 41 0f 71 d1 0f", "psrlw xmm9, 0xf"),
    XI(x64_psrlw_xi, XMM15, 7, "66 41 0f 71 d7 07", "psrlw xmm15, 7"),
    XI(x64_psraw_xi, XMM0, 1, "66 0f 71 e0 01", "psraw xmm0, 1"),
    XI(x64_psraw_xi, XMM9, 15, "66 41 0f 71 e1 0f", "psraw xmm9, 0xf"),
    XI(x64_psraw_xi, XMM15, 7, "66 41 0f 71 e7 07", "psraw xmm15, 7"),
    XI(x64_psrad_xi, XMM0, 1, "66 0f 72 e0 01", "psrad xmm0, 1"),
    XI(x64_psrad_xi, XMM9, 15, "66 41 0f 72 e1 0f", "psrad xmm9, 0xf"),
    XI(x64_psrad_xi, XMM15, 7, "66 41 0f 72 e7 07", "psrad xmm15, 7"),
    /* SIMD: float lanes */
    XX(x64_addps_xx, XMM0, XMM1, "0f 58 c1", "addps xmm0, xmm1"),
    XM(x64_addps_xm, XMM8, MB(R13, 0),
        "45 0f 58 45 00", "addps xmm8, xmmword ptr [r13]"),
    XX(x64_addpd_xx, XMM8, XMM15, "66 45 0f 58 c7", "addpd xmm8, xmm15"),
    XM(x64_addpd_xm, XMM3, MBI(RSP, RBP, 4, 0x7f),
        "66 0f 58 5c ac 7f", "addpd xmm3, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_subps_xx, XMM3, XMM12, "41 0f 5c dc", "subps xmm3, xmm12"),
    XM(x64_subps_xm, XMM14, MBI(R12, RAX, 2, 0),
        "45 0f 5c 34 44", "subps xmm14, xmmword ptr [r12 + rax*2]"),
    XX(x64_subpd_xx, XMM14, XMM2, "66 44 0f 5c f2", "subpd xmm14, xmm2"),
    XM(x64_subpd_xm, XMM0, MB(RBP, -0x30),
        "66 0f 5c 45 d0", "subpd xmm0, xmmword ptr [rbp - 0x30]"),
    XX(x64_mulps_xx, XMM0, XMM1, "0f 59 c1", "mulps xmm0, xmm1"),
    XM(x64_mulps_xm, XMM8, MB(R13, 0),
        "45 0f 59 45 00", "mulps xmm8, xmmword ptr [r13]"),
    XX(x64_mulpd_xx, XMM8, XMM15, "66 45 0f 59 c7", "mulpd xmm8, xmm15"),
    XM(x64_mulpd_xm, XMM3, MBI(RSP, RBP, 4, 0x7f),
        "66 0f 59 5c ac 7f", "mulpd xmm3, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_divps_xx, XMM3, XMM12, "41 0f 5e dc", "divps xmm3, xmm12"),
    XM(x64_divps_xm, XMM14, MBI(R12, RAX, 2, 0),
        "45 0f 5e 34 44", "divps xmm14, xmmword ptr [r12 + rax*2]"),
    XX(x64_divpd_xx, XMM14, XMM2, "66 44 0f 5e f2", "divpd xmm14, xmm2"),
    XM(x64_divpd_xm, XMM0, MB(RBP, -0x30),
        "66 0f 5e 45 d0", "divpd xmm0, xmmword ptr [rbp - 0x30]"),
    XX(x64_minps_xx, XMM0, XMM1, "0f 5d c1", "minps xmm0, xmm1"),
    XM(x64_minps_xm, XMM8, MB(R13, 0),
        "45 0f 5d 45 00", "minps xmm8, xmmword ptr [r13]"),
    XX(x64_minpd_xx, XMM8, XMM15, "66 45 0f 5d c7", "minpd xmm8, xmm15"),
    XM(x64_minpd_xm, XMM3, MBI(RSP, RBP, 4, 0x7f),
        "66 0f 5d 5c ac 7f", "minpd xmm3, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_maxps_xx, XMM3, XMM12, "41 0f 5f dc", "maxps xmm3, xmm12"),
    XM(x64_maxps_xm, XMM14, MBI(R12, RAX, 2, 0),
        "45 0f 5f 34 44", "maxps xmm14, xmmword ptr [r12 + rax*2]"),
    XX(x64_maxpd_xx, XMM14, XMM2, "66 44 0f 5f f2", "maxpd xmm14, xmm2"),
    XM(x64_maxpd_xm, XMM0, MB(RBP, -0x30),
        "66 0f 5f 45 d0", "maxpd xmm0, xmmword ptr [rbp - 0x30]"),
    XX(x64_sqrtps_xx, XMM0, XMM1, "0f 51 c1", "sqrtps xmm0, xmm1"),
    XM(x64_sqrtps_xm, XMM8, MB(R13, 0),
        "45 0f 51 45 00", "sqrtps xmm8, xmmword ptr [r13]"),
    XX(x64_sqrtpd_xx, XMM8, XMM15, "66 45 0f 51 c7", "sqrtpd xmm8, xmm15"),
    XM(x64_sqrtpd_xm, XMM3, MBI(RSP, RBP, 4, 0x7f),
        "66 0f 51 5c ac 7f", "sqrtpd xmm3, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_cvtdq2ps_xx, XMM3, XMM12, "41 0f 5b dc", "cvtdq2ps xmm3, xmm12"),
    XM(x64_cvtdq2ps_xm, XMM14, MBI(R12, RAX, 2, 0),
        "45 0f 5b 34 44", "cvtdq2ps xmm14, xmmword ptr [r12 + rax*2]"),
    XX(x64_cvttps2dq_xx, XMM14, XMM2, "f3 44 0f 5b f2", "cvttps2dq xmm14, xmm2"),
    XM(x64_cvttps2dq_xm, XMM0, MB(RBP, -0x30),
        "f3 0f 5b 45 d0", "cvttps2dq xmm0, xmmword ptr [rbp - 0x30]"),
    XX(x64_cvtdq2pd_xx, XMM0, XMM1, "f3 0f e6 c1", "cvtdq2pd xmm0, xmm1"),
    XM(x64_cvtdq2pd_xm, XMM8, MB(R13, 0),
        "f3 45 0f e6 45 00", "cvtdq2pd xmm8, qword ptr [r13]"),
    XX(x64_cvttpd2dq_xx, XMM8, XMM15, "66 45 0f e6 c7", "cvttpd2dq xmm8, xmm15"),
    XM(x64_cvttpd2dq_xm, XMM3, MBI(RSP, RBP, 4, 0x7f),
        "66 0f e6 5c ac 7f", "cvttpd2dq xmm3, xmmword ptr [rsp + rbp*4 + 0x7f]"),
    XX(x64_cvtps2pd_xx, XMM3, XMM12, "41 0f 5a dc", "cvtps2pd xmm3, xmm12"),
    XM(x64_cvtps2pd_xm, XMM14, MBI(R12, RAX, 2, 0),
        "45 0f 5a 34 44", "cvtps2pd xmm14, qword ptr [r12 + rax*2]"),
    XX(x64_cvtpd2ps_xx, XMM14, XMM2, "66 44 0f 5a f2", "cvtpd2ps xmm14, xmm2"),
    XM(x64_cvtpd2ps_xm, XMM0, MB(RBP, -0x30),
        "66 0f 5a 45 d0", "cvtpd2ps xmm0, xmmword ptr [rbp - 0x30]"),
    XX(x64_unpcklps_xx, XMM0, XMM1, "0f 14 c1", "unpcklps xmm0, xmm1"),
    XM(x64_unpcklps_xm, XMM8, MB(R13, 0),
        "45 0f 14 45 00", "unpcklps xmm8, xmmword ptr [r13]"),
    XXI(x64_cmpps_xxi, XMM0, XMM1, 1, "0f c2 c1 01", "cmpltps xmm0, xmm1"),
    XXI(x64_cmpps_xxi, XMM9, XMM15, 3, "45 0f c2 cf 03", "cmpunordps xmm9, xmm15"),
    XXI(x64_cmpps_xxi, XMM4, XMM10, 4, "41 0f c2 e2 04", "cmpneqps xmm4, xmm10"),
    XXI(x64_cmppd_xxi, XMM0, XMM1, 0, "66 0f c2 c1 00", "cmpeqpd xmm0, xmm1"),
    XXI(x64_cmppd_xxi, XMM15, XMM2, 2, "66 44 0f c2 fa 02", "cmplepd xmm15, xmm2"),
    XXI(x64_cmppd_xxi, XMM7, XMM8, 3, "66 41 0f c2 f8 03", "cmpunordpd xmm7, xmm8"),
    XXI(x64_roundps_xxi, XMM0, XMM1, 1, "66 0f 3a 08 c1 01", "roundps xmm0, xmm1, 1"),
    XXI(x64_roundps_xxi, XMM8, XMM3, 11, "66 44 0f 3a 08 c3 0b", "roundps xmm8, xmm3, 0xb"),
    XXI(x64_roundpd_xxi, XMM5, XMM15, 2, "66 41 0f 3a 09 ef 02", "roundpd xmm5, xmm15, 2"),
    XXI(x64_roundpd_xxi, XMM0, XMM0, 3, "66 0f 3a 09 c0 03", "roundpd xmm0, xmm0, 3"),
    XXI(x64_shufps_xxi, XMM0, XMM15, 8, "41 0f c6 c7 08", "shufps xmm0, xmm15, 8"),
    XXI(x64_shufps_xxi, XMM11, XMM1, 136, "44 0f c6 d9 88", "shufps xmm11, xmm1, 0x88"),
    /* AVX three-operand forms of the rows marked NDS, in table order: register triples that
     * take the two-byte VEX (map 0F, no extended rm) and the three-byte one (extended rm, base or
     * index; maps 0F38 and 0F3A), extended registers in every field */
    XXX(x64_vaddss_xxx, XMM1, XMM2, XMM3, "c5 ea 58 cb", "vaddss xmm1, xmm2, xmm3"),
    XXM(x64_vaddss_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 9a 58 5d f8", "vaddss xmm3, xmm12, dword ptr [rbp - 8]"),
    XXX(x64_vaddsd_xxx, XMM8, XMM9, XMM10, "c4 41 33 58 c2", "vaddsd xmm8, xmm9, xmm10"),
    XXM(x64_vaddsd_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 03 58 44 8c 40", "vaddsd xmm0, xmm15, qword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vsubss_xxx, XMM15, XMM0, XMM14, "c4 41 7a 5c fe", "vsubss xmm15, xmm0, xmm14"),
    XXM(x64_vsubss_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 5a 5c 0d 00 01 00 00", "vsubss xmm9, xmm4, dword ptr [rip + 0x100]"),
    XXX(x64_vsubsd_xxx, XMM3, XMM12, XMM7, "c5 9b 5c df", "vsubsd xmm3, xmm12, xmm7"),
    XXM(x64_vsubsd_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 23 5c 74 cf 80", "vsubsd xmm6, xmm11, qword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vmulss_xxx, XMM0, XMM15, XMM8, "c4 c1 02 59 c0", "vmulss xmm0, xmm15, xmm8"),
    XXM(x64_vmulss_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 ea 59 0c 24", "vmulss xmm1, xmm2, dword ptr [rsp]"),
    XXX(x64_vmulsd_xxx, XMM9, XMM4, XMM5, "c5 5b 59 cd", "vmulsd xmm9, xmm4, xmm5"),
    XXM(x64_vmulsd_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 33 59 84 68 78 56 34 12", "vmulsd xmm8, xmm9, qword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vdivss_xxx, XMM6, XMM11, XMM13, "c4 c1 22 5e f5", "vdivss xmm6, xmm11, xmm13"),
    XXM(x64_vdivss_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 7a 5e 7d 00", "vdivss xmm15, xmm0, dword ptr [r13]"),
    XXX(x64_vdivsd_xxx, XMM1, XMM2, XMM3, "c5 eb 5e cb", "vdivsd xmm1, xmm2, xmm3"),
    XXM(x64_vdivsd_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 9b 5e 5d f8", "vdivsd xmm3, xmm12, qword ptr [rbp - 8]"),
    XXX(x64_vandps_xxx, XMM8, XMM9, XMM10, "c4 41 30 54 c2", "vandps xmm8, xmm9, xmm10"),
    XXM(x64_vandps_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 00 54 44 8c 40", "vandps xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vandnps_xxx, XMM15, XMM0, XMM14, "c4 41 78 55 fe", "vandnps xmm15, xmm0, xmm14"),
    XXM(x64_vandnps_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 58 55 0d 00 01 00 00", "vandnps xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vorps_xxx, XMM3, XMM12, XMM7, "c5 98 56 df", "vorps xmm3, xmm12, xmm7"),
    XXM(x64_vorps_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 20 56 74 cf 80", "vorps xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vxorps_xxx, XMM0, XMM15, XMM8, "c4 c1 00 57 c0", "vxorps xmm0, xmm15, xmm8"),
    XXM(x64_vxorps_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e8 57 0c 24", "vxorps xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpcmpeqd_xxx, XMM9, XMM4, XMM5, "c5 59 76 cd", "vpcmpeqd xmm9, xmm4, xmm5"),
    XXM(x64_vpcmpeqd_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 76 84 68 78 56 34 12",
        "vpcmpeqd xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpcmpeqb_xxx, XMM6, XMM11, XMM13, "c4 c1 21 74 f5", "vpcmpeqb xmm6, xmm11, xmm13"),
    XXM(x64_vpcmpeqb_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 79 74 7d 00", "vpcmpeqb xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpcmpeqw_xxx, XMM1, XMM2, XMM3, "c5 e9 75 cb", "vpcmpeqw xmm1, xmm2, xmm3"),
    XXM(x64_vpcmpeqw_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 99 75 5d f8", "vpcmpeqw xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpcmpeqq_xxx, XMM8, XMM9, XMM10, "c4 42 31 29 c2", "vpcmpeqq xmm8, xmm9, xmm10"),
    XXM(x64_vpcmpeqq_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c2 01 29 44 8c 40", "vpcmpeqq xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpaddusb_xxx, XMM15, XMM0, XMM14, "c4 41 79 dc fe", "vpaddusb xmm15, xmm0, xmm14"),
    XXM(x64_vpaddusb_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 dc 0d 00 01 00 00", "vpaddusb xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpacksswb_xxx, XMM3, XMM12, XMM7, "c5 99 63 df", "vpacksswb xmm3, xmm12, xmm7"),
    XXM(x64_vpacksswb_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 63 74 cf 80", "vpacksswb xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpaddb_xxx, XMM0, XMM15, XMM8, "c4 c1 01 fc c0", "vpaddb xmm0, xmm15, xmm8"),
    XXM(x64_vpaddb_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 fc 0c 24", "vpaddb xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpaddw_xxx, XMM9, XMM4, XMM5, "c5 59 fd cd", "vpaddw xmm9, xmm4, xmm5"),
    XXM(x64_vpaddw_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 fd 84 68 78 56 34 12",
        "vpaddw xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpaddd_xxx, XMM6, XMM11, XMM13, "c4 c1 21 fe f5", "vpaddd xmm6, xmm11, xmm13"),
    XXM(x64_vpaddd_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 79 fe 7d 00", "vpaddd xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpaddq_xxx, XMM1, XMM2, XMM3, "c5 e9 d4 cb", "vpaddq xmm1, xmm2, xmm3"),
    XXM(x64_vpaddq_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 99 d4 5d f8", "vpaddq xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpsubb_xxx, XMM8, XMM9, XMM10, "c4 41 31 f8 c2", "vpsubb xmm8, xmm9, xmm10"),
    XXM(x64_vpsubb_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 01 f8 44 8c 40", "vpsubb xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpsubw_xxx, XMM15, XMM0, XMM14, "c4 41 79 f9 fe", "vpsubw xmm15, xmm0, xmm14"),
    XXM(x64_vpsubw_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 f9 0d 00 01 00 00", "vpsubw xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpsubd_xxx, XMM3, XMM12, XMM7, "c5 99 fa df", "vpsubd xmm3, xmm12, xmm7"),
    XXM(x64_vpsubd_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 fa 74 cf 80", "vpsubd xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpsubq_xxx, XMM0, XMM15, XMM8, "c4 c1 01 fb c0", "vpsubq xmm0, xmm15, xmm8"),
    XXM(x64_vpsubq_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 fb 0c 24", "vpsubq xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpaddsb_xxx, XMM9, XMM4, XMM5, "c5 59 ec cd", "vpaddsb xmm9, xmm4, xmm5"),
    XXM(x64_vpaddsb_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 ec 84 68 78 56 34 12",
        "vpaddsb xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpaddsw_xxx, XMM6, XMM11, XMM13, "c4 c1 21 ed f5", "vpaddsw xmm6, xmm11, xmm13"),
    XXM(x64_vpaddsw_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 79 ed 7d 00", "vpaddsw xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpaddusw_xxx, XMM1, XMM2, XMM3, "c5 e9 dd cb", "vpaddusw xmm1, xmm2, xmm3"),
    XXM(x64_vpaddusw_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 99 dd 5d f8", "vpaddusw xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpsubsb_xxx, XMM8, XMM9, XMM10, "c4 41 31 e8 c2", "vpsubsb xmm8, xmm9, xmm10"),
    XXM(x64_vpsubsb_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 01 e8 44 8c 40", "vpsubsb xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpsubsw_xxx, XMM15, XMM0, XMM14, "c4 41 79 e9 fe", "vpsubsw xmm15, xmm0, xmm14"),
    XXM(x64_vpsubsw_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 e9 0d 00 01 00 00", "vpsubsw xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpsubusb_xxx, XMM3, XMM12, XMM7, "c5 99 d8 df", "vpsubusb xmm3, xmm12, xmm7"),
    XXM(x64_vpsubusb_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 d8 74 cf 80", "vpsubusb xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpsubusw_xxx, XMM0, XMM15, XMM8, "c4 c1 01 d9 c0", "vpsubusw xmm0, xmm15, xmm8"),
    XXM(x64_vpsubusw_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 d9 0c 24", "vpsubusw xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpmullw_xxx, XMM9, XMM4, XMM5, "c5 59 d5 cd", "vpmullw xmm9, xmm4, xmm5"),
    XXM(x64_vpmullw_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 d5 84 68 78 56 34 12",
        "vpmullw xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpmulld_xxx, XMM6, XMM11, XMM13, "c4 c2 21 40 f5", "vpmulld xmm6, xmm11, xmm13"),
    XXM(x64_vpmulld_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 42 79 40 7d 00", "vpmulld xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpmulhrsw_xxx, XMM1, XMM2, XMM3, "c4 e2 69 0b cb", "vpmulhrsw xmm1, xmm2, xmm3"),
    XXM(x64_vpmulhrsw_xxm, XMM3, XMM12, MB(RBP, -8),
        "c4 e2 19 0b 5d f8", "vpmulhrsw xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpmaddwd_xxx, XMM8, XMM9, XMM10, "c4 41 31 f5 c2", "vpmaddwd xmm8, xmm9, xmm10"),
    XXM(x64_vpmaddwd_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 01 f5 44 8c 40", "vpmaddwd xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpminsb_xxx, XMM15, XMM0, XMM14, "c4 42 79 38 fe", "vpminsb xmm15, xmm0, xmm14"),
    XXM(x64_vpminsb_xxm, XMM9, XMM4, MRIP(0x100),
        "c4 62 59 38 0d 00 01 00 00", "vpminsb xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpminsw_xxx, XMM3, XMM12, XMM7, "c5 99 ea df", "vpminsw xmm3, xmm12, xmm7"),
    XXM(x64_vpminsw_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 ea 74 cf 80", "vpminsw xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpminsd_xxx, XMM0, XMM15, XMM8, "c4 c2 01 39 c0", "vpminsd xmm0, xmm15, xmm8"),
    XXM(x64_vpminsd_xxm, XMM1, XMM2, MB(RSP, 0),
        "c4 e2 69 39 0c 24", "vpminsd xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpminub_xxx, XMM9, XMM4, XMM5, "c5 59 da cd", "vpminub xmm9, xmm4, xmm5"),
    XXM(x64_vpminub_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 da 84 68 78 56 34 12",
        "vpminub xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpminuw_xxx, XMM6, XMM11, XMM13, "c4 c2 21 3a f5", "vpminuw xmm6, xmm11, xmm13"),
    XXM(x64_vpminuw_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 42 79 3a 7d 00", "vpminuw xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpminud_xxx, XMM1, XMM2, XMM3, "c4 e2 69 3b cb", "vpminud xmm1, xmm2, xmm3"),
    XXM(x64_vpminud_xxm, XMM3, XMM12, MB(RBP, -8),
        "c4 e2 19 3b 5d f8", "vpminud xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpmaxsb_xxx, XMM8, XMM9, XMM10, "c4 42 31 3c c2", "vpmaxsb xmm8, xmm9, xmm10"),
    XXM(x64_vpmaxsb_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c2 01 3c 44 8c 40", "vpmaxsb xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpmaxsw_xxx, XMM15, XMM0, XMM14, "c4 41 79 ee fe", "vpmaxsw xmm15, xmm0, xmm14"),
    XXM(x64_vpmaxsw_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 ee 0d 00 01 00 00", "vpmaxsw xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpmaxsd_xxx, XMM3, XMM12, XMM7, "c4 e2 19 3d df", "vpmaxsd xmm3, xmm12, xmm7"),
    XXM(x64_vpmaxsd_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 82 21 3d 74 cf 80", "vpmaxsd xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpmaxub_xxx, XMM0, XMM15, XMM8, "c4 c1 01 de c0", "vpmaxub xmm0, xmm15, xmm8"),
    XXM(x64_vpmaxub_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 de 0c 24", "vpmaxub xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpmaxuw_xxx, XMM9, XMM4, XMM5, "c4 62 59 3e cd", "vpmaxuw xmm9, xmm4, xmm5"),
    XXM(x64_vpmaxuw_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 22 31 3e 84 68 78 56 34 12",
        "vpmaxuw xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpmaxud_xxx, XMM6, XMM11, XMM13, "c4 c2 21 3f f5", "vpmaxud xmm6, xmm11, xmm13"),
    XXM(x64_vpmaxud_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 42 79 3f 7d 00", "vpmaxud xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpavgb_xxx, XMM1, XMM2, XMM3, "c5 e9 e0 cb", "vpavgb xmm1, xmm2, xmm3"),
    XXM(x64_vpavgb_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 99 e0 5d f8", "vpavgb xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vpavgw_xxx, XMM8, XMM9, XMM10, "c4 41 31 e3 c2", "vpavgw xmm8, xmm9, xmm10"),
    XXM(x64_vpavgw_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 01 e3 44 8c 40", "vpavgw xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vpcmpgtb_xxx, XMM15, XMM0, XMM14, "c4 41 79 64 fe", "vpcmpgtb xmm15, xmm0, xmm14"),
    XXM(x64_vpcmpgtb_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 64 0d 00 01 00 00", "vpcmpgtb xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vpcmpgtw_xxx, XMM3, XMM12, XMM7, "c5 99 65 df", "vpcmpgtw xmm3, xmm12, xmm7"),
    XXM(x64_vpcmpgtw_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 65 74 cf 80", "vpcmpgtw xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vpcmpgtd_xxx, XMM0, XMM15, XMM8, "c4 c1 01 66 c0", "vpcmpgtd xmm0, xmm15, xmm8"),
    XXM(x64_vpcmpgtd_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 66 0c 24", "vpcmpgtd xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vpackuswb_xxx, XMM9, XMM4, XMM5, "c5 59 67 cd", "vpackuswb xmm9, xmm4, xmm5"),
    XXM(x64_vpackuswb_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 67 84 68 78 56 34 12",
        "vpackuswb xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vpackssdw_xxx, XMM6, XMM11, XMM13, "c4 c1 21 6b f5", "vpackssdw xmm6, xmm11, xmm13"),
    XXM(x64_vpackssdw_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 79 6b 7d 00", "vpackssdw xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vpackusdw_xxx, XMM1, XMM2, XMM3, "c4 e2 69 2b cb", "vpackusdw xmm1, xmm2, xmm3"),
    XXM(x64_vpackusdw_xxm, XMM3, XMM12, MB(RBP, -8),
        "c4 e2 19 2b 5d f8", "vpackusdw xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vaddps_xxx, XMM8, XMM9, XMM10, "c4 41 30 58 c2", "vaddps xmm8, xmm9, xmm10"),
    XXM(x64_vaddps_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 00 58 44 8c 40", "vaddps xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vaddpd_xxx, XMM15, XMM0, XMM14, "c4 41 79 58 fe", "vaddpd xmm15, xmm0, xmm14"),
    XXM(x64_vaddpd_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 59 58 0d 00 01 00 00", "vaddpd xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vsubps_xxx, XMM3, XMM12, XMM7, "c5 98 5c df", "vsubps xmm3, xmm12, xmm7"),
    XXM(x64_vsubps_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 20 5c 74 cf 80", "vsubps xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vsubpd_xxx, XMM0, XMM15, XMM8, "c4 c1 01 5c c0", "vsubpd xmm0, xmm15, xmm8"),
    XXM(x64_vsubpd_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e9 5c 0c 24", "vsubpd xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vmulps_xxx, XMM9, XMM4, XMM5, "c5 58 59 cd", "vmulps xmm9, xmm4, xmm5"),
    XXM(x64_vmulps_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 30 59 84 68 78 56 34 12",
        "vmulps xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXX(x64_vmulpd_xxx, XMM6, XMM11, XMM13, "c4 c1 21 59 f5", "vmulpd xmm6, xmm11, xmm13"),
    XXM(x64_vmulpd_xxm, XMM15, XMM0, MB(R13, 0),
        "c4 41 79 59 7d 00", "vmulpd xmm15, xmm0, xmmword ptr [r13]"),
    XXX(x64_vdivps_xxx, XMM1, XMM2, XMM3, "c5 e8 5e cb", "vdivps xmm1, xmm2, xmm3"),
    XXM(x64_vdivps_xxm, XMM3, XMM12, MB(RBP, -8),
        "c5 98 5e 5d f8", "vdivps xmm3, xmm12, xmmword ptr [rbp - 8]"),
    XXX(x64_vdivpd_xxx, XMM8, XMM9, XMM10, "c4 41 31 5e c2", "vdivpd xmm8, xmm9, xmm10"),
    XXM(x64_vdivpd_xxm, XMM0, XMM15, MBI(R12, RCX, 4, 0x40),
        "c4 c1 01 5e 44 8c 40", "vdivpd xmm0, xmm15, xmmword ptr [r12 + rcx*4 + 0x40]"),
    XXX(x64_vminps_xxx, XMM15, XMM0, XMM14, "c4 41 78 5d fe", "vminps xmm15, xmm0, xmm14"),
    XXM(x64_vminps_xxm, XMM9, XMM4, MRIP(0x100),
        "c5 58 5d 0d 00 01 00 00", "vminps xmm9, xmm4, xmmword ptr [rip + 0x100]"),
    XXX(x64_vminpd_xxx, XMM3, XMM12, XMM7, "c5 99 5d df", "vminpd xmm3, xmm12, xmm7"),
    XXM(x64_vminpd_xxm, XMM6, XMM11, MBI(R15, R9, 8, -0x80),
        "c4 81 21 5d 74 cf 80", "vminpd xmm6, xmm11, xmmword ptr [r15 + r9*8 - 0x80]"),
    XXX(x64_vmaxps_xxx, XMM0, XMM15, XMM8, "c4 c1 00 5f c0", "vmaxps xmm0, xmm15, xmm8"),
    XXM(x64_vmaxps_xxm, XMM1, XMM2, MB(RSP, 0),
        "c5 e8 5f 0c 24", "vmaxps xmm1, xmm2, xmmword ptr [rsp]"),
    XXX(x64_vmaxpd_xxx, XMM9, XMM4, XMM5, "c5 59 5f cd", "vmaxpd xmm9, xmm4, xmm5"),
    XXM(x64_vmaxpd_xxm, XMM8, XMM9, MBI(RAX, R13, 2, 0x12345678),
        "c4 21 31 5f 84 68 78 56 34 12",
        "vmaxpd xmm8, xmm9, xmmword ptr [rax + r13*2 + 0x12345678]"),
    XXXI(x64_vcmpps_xxxi, XMM6, XMM11, XMM13, 1,
        "c4 c1 20 c2 f5 01", "vcmpltps xmm6, xmm11, xmm13"),
    XXXI(x64_vcmpps_xxxi, XMM1, XMM2, XMM3, 4, "c5 e8 c2 cb 04", "vcmpneqps xmm1, xmm2, xmm3"),
    XXXI(x64_vcmppd_xxxi, XMM1, XMM2, XMM3, 1, "c5 e9 c2 cb 01", "vcmpltpd xmm1, xmm2, xmm3"),
    XXXI(x64_vcmppd_xxxi, XMM8, XMM9, XMM10, 4, "c4 41 31 c2 c2 04", "vcmpneqpd xmm8, xmm9, xmm10"),
    /* SSE moves */
    XX(x64_movss_xx, XMM0, XMM1, "f3 0f 10 c1", "movss xmm0, xmm1"),
    XX(x64_movss_xx, XMM8, XMM15, "f3 45 0f 10 c7", "movss xmm8, xmm15"),
    XM(x64_movss_xm, XMM1, MBI(R13, RCX, 8, 0x10),
        "f3 41 0f 10 4c cd 10", "movss xmm1, dword ptr [r13 + rcx*8 + 0x10]"),
    MX(x64_movss_mx, MB(RBP, -8), XMM4, "f3 0f 11 65 f8", "movss dword ptr [rbp - 8], xmm4"),
    XM(x64_movss_xm, XMM10, MBI(RAX, R12, 2, -0x1000),
        "f3 46 0f 10 94 60 00 f0 ff ff", "movss xmm10, dword ptr [rax + r12*2 - 0x1000]"),
    MX(x64_movss_mx, MB(R8, 1), XMM13, "f3 45 0f 11 68 01", "movss dword ptr [r8 + 1], xmm13"),
    XX(x64_movsd_xx, XMM8, XMM15, "f2 45 0f 10 c7", "movsd xmm8, xmm15"),
    XX(x64_movsd_xx, XMM3, XMM12, "f2 41 0f 10 dc", "movsd xmm3, xmm12"),
    XM(x64_movsd_xm, XMM1, MB(RSP, 0), "f2 0f 10 0c 24", "movsd xmm1, qword ptr [rsp]"),
    MX(x64_movsd_mx, MB(R12, 0x200), XMM4,
        "f2 41 0f 11 a4 24 00 02 00 00", "movsd qword ptr [r12 + 0x200], xmm4"),
    XM(x64_movsd_xm, XMM10, MB(RDI, 0), "f2 44 0f 10 17", "movsd xmm10, qword ptr [rdi]"),
    MX(x64_movsd_mx, MB(R13, 0), XMM13, "f2 45 0f 11 6d 00", "movsd qword ptr [r13], xmm13"),
    XX(x64_movups_xx, XMM3, XMM12, "41 0f 10 dc", "movups xmm3, xmm12"),
    XX(x64_movups_xx, XMM14, XMM2, "44 0f 10 f2", "movups xmm14, xmm2"),
    XM(x64_movups_xm, XMM1, MB(RBP, -8), "0f 10 4d f8", "movups xmm1, xmmword ptr [rbp - 8]"),
    MX(x64_movups_mx, MRIP(0x100), XMM4,
        "0f 11 25 00 01 00 00", "movups xmmword ptr [rip + 0x100], xmm4"),
    XM(x64_movups_xm, XMM10, MB(R8, 1), "45 0f 10 50 01", "movups xmm10, xmmword ptr [r8 + 1]"),
    MX(x64_movups_mx, MBI(RBX, RSI, 1, 0), XMM13,
        "44 0f 11 2c 33", "movups xmmword ptr [rbx + rsi], xmm13"),
    XX(x64_movdqu_xx, XMM14, XMM2, "f3 44 0f 6f f2", "movdqu xmm14, xmm2"),
    XX(x64_movdqu_xx, XMM0, XMM1, "f3 0f 6f c1", "movdqu xmm0, xmm1"),
    XM(x64_movdqu_xm, XMM1, MB(R12, 0x200),
        "f3 41 0f 6f 8c 24 00 02 00 00", "movdqu xmm1, xmmword ptr [r12 + 0x200]"),
    MX(x64_movdqu_mx, MBI(RAX, R12, 2, -0x1000), XMM4,
        "f3 42 0f 7f a4 60 00 f0 ff ff", "movdqu xmmword ptr [rax + r12*2 - 0x1000], xmm4"),
    XM(x64_movdqu_xm, XMM10, MB(R13, 0), "f3 45 0f 6f 55 00", "movdqu xmm10, xmmword ptr [r13]"),
    MX(x64_movdqu_mx, MBI(RSP, RBP, 4, 0x7f), XMM13,
        "f3 44 0f 7f 6c ac 7f", "movdqu xmmword ptr [rsp + rbp*4 + 0x7f], xmm13"),
    XR(x64_movd_xr, XMM0, RAX, "66 0f 6e c0", "movd xmm0, eax"),
    RX(x64_movd_rx, RAX, XMM0, "66 0f 7e c0", "movd eax, xmm0"),
    XR(x64_movd_xr, XMM9, RSP, "66 44 0f 6e cc", "movd xmm9, esp"),
    RX(x64_movd_rx, RSP, XMM9, "66 44 0f 7e cc", "movd esp, xmm9"),
    XR(x64_movd_xr, XMM2, R13, "66 41 0f 6e d5", "movd xmm2, r13d"),
    RX(x64_movd_rx, R13, XMM2, "66 41 0f 7e d5", "movd r13d, xmm2"),
    XR(x64_movd_xr, XMM15, R15, "66 45 0f 6e ff", "movd xmm15, r15d"),
    RX(x64_movd_rx, R15, XMM15, "66 45 0f 7e ff", "movd r15d, xmm15"),
    XR(x64_movq_xr, XMM0, RAX, "66 48 0f 6e c0", "movq xmm0, rax"),
    RX(x64_movq_rx, RAX, XMM0, "66 48 0f 7e c0", "movq rax, xmm0"),
    XR(x64_movq_xr, XMM9, RSP, "66 4c 0f 6e cc", "movq xmm9, rsp"),
    RX(x64_movq_rx, RSP, XMM9, "66 4c 0f 7e cc", "movq rsp, xmm9"),
    XR(x64_movq_xr, XMM2, R13, "66 49 0f 6e d5", "movq xmm2, r13"),
    RX(x64_movq_rx, R13, XMM2, "66 49 0f 7e d5", "movq r13, xmm2"),
    XR(x64_movq_xr, XMM15, R15, "66 4d 0f 6e ff", "movq xmm15, r15"),
    RX(x64_movq_rx, R15, XMM15, "66 4d 0f 7e ff", "movq r15, xmm15"),
    CVTXR(x64_cvtsi2ss_xr, 4, XMM0, RAX, "f3 0f 2a c0", "cvtsi2ss xmm0, eax"),
    CVTXR(x64_cvtsi2ss_xr, 8, XMM1, RCX, "f3 48 0f 2a c9", "cvtsi2ss xmm1, rcx"),
    CVTXR(x64_cvtsi2ss_xr, 4, XMM12, R9, "f3 45 0f 2a e1", "cvtsi2ss xmm12, r9d"),
    CVTXR(x64_cvtsi2ss_xr, 8, XMM15, RSP, "f3 4c 0f 2a fc", "cvtsi2ss xmm15, rsp"),
    CVTXR(x64_cvtsi2sd_xr, 4, XMM0, RAX, "f2 0f 2a c0", "cvtsi2sd xmm0, eax"),
    CVTXR(x64_cvtsi2sd_xr, 8, XMM1, RCX, "f2 48 0f 2a c9", "cvtsi2sd xmm1, rcx"),
    CVTXR(x64_cvtsi2sd_xr, 4, XMM12, R9, "f2 45 0f 2a e1", "cvtsi2sd xmm12, r9d"),
    CVTXR(x64_cvtsi2sd_xr, 8, XMM15, RSP, "f2 4c 0f 2a fc", "cvtsi2sd xmm15, rsp"),
    CVTRX(x64_cvttss2si_rx, 4, RAX, XMM0, "f3 0f 2c c0", "cvttss2si eax, xmm0"),
    CVTRX(x64_cvttss2si_rx, 8, RCX, XMM1, "f3 48 0f 2c c9", "cvttss2si rcx, xmm1"),
    CVTRX(x64_cvttss2si_rx, 4, R9, XMM12, "f3 45 0f 2c cc", "cvttss2si r9d, xmm12"),
    CVTRX(x64_cvttss2si_rx, 8, R15, XMM7, "f3 4c 0f 2c ff", "cvttss2si r15, xmm7"),
    CVTRX(x64_cvttsd2si_rx, 4, RAX, XMM0, "f2 0f 2c c0", "cvttsd2si eax, xmm0"),
    CVTRX(x64_cvttsd2si_rx, 8, RCX, XMM1, "f2 48 0f 2c c9", "cvttsd2si rcx, xmm1"),
    CVTRX(x64_cvttsd2si_rx, 4, R9, XMM12, "f2 45 0f 2c cc", "cvttsd2si r9d, xmm12"),
    CVTRX(x64_cvttsd2si_rx, 8, R15, XMM7, "f2 4c 0f 2c ff", "cvttsd2si r15, xmm7"),
    XXI(x64_roundss_xxi, XMM0, XMM1, 0, "66 0f 3a 0a c1 00", "roundss xmm0, xmm1, 0"),
    XXI(x64_roundss_xxi, XMM8, XMM3, 9, "66 44 0f 3a 0a c3 09", "roundss xmm8, xmm3, 9"),
    XXI(x64_roundss_xxi, XMM5, XMM15, 11, "66 41 0f 3a 0a ef 0b", "roundss xmm5, xmm15, 0xb"),
    XXI(x64_roundsd_xxi, XMM0, XMM1, 0, "66 0f 3a 0b c1 00", "roundsd xmm0, xmm1, 0"),
    XXI(x64_roundsd_xxi, XMM8, XMM3, 9, "66 44 0f 3a 0b c3 09", "roundsd xmm8, xmm3, 9"),
    XXI(x64_roundsd_xxi, XMM5, XMM15, 11, "66 41 0f 3a 0b ef 0b", "roundsd xmm5, xmm15, 0xb"),
    XI(x64_psrlq_xi, XMM0, 1, "66 0f 73 d0 01", "psrlq xmm0, 1"),
    XI(x64_psrlq_xi, XMM7, 32, "66 0f 73 d7 20", "psrlq xmm7, 0x20"),
    XI(x64_psrlq_xi, XMM8, 63, "66 41 0f 73 d0 3f", "psrlq xmm8, 0x3f"),
    XI(x64_psrlq_xi, XMM15, 31, "66 41 0f 73 d7 1f", "psrlq xmm15, 0x1f"),
    XI(x64_psllq_xi, XMM0, 1, "66 0f 73 f0 01", "psllq xmm0, 1"),
    XI(x64_psllq_xi, XMM7, 32, "66 0f 73 f7 20", "psllq xmm7, 0x20"),
    XI(x64_psllq_xi, XMM8, 63, "66 41 0f 73 f0 3f", "psllq xmm8, 0x3f"),
    XI(x64_psllq_xi, XMM15, 31, "66 41 0f 73 f7 1f", "psllq xmm15, 0x1f"),
    XI(x64_psrld_xi, XMM0, 1, "66 0f 72 d0 01", "psrld xmm0, 1"),
    XI(x64_psrld_xi, XMM7, 32, "66 0f 72 d7 20", "psrld xmm7, 0x20"),
    XI(x64_psrld_xi, XMM8, 63, "66 41 0f 72 d0 3f", "psrld xmm8, 0x3f"),
    XI(x64_psrld_xi, XMM15, 31, "66 41 0f 72 d7 1f", "psrld xmm15, 0x1f"),
    XI(x64_pslld_xi, XMM0, 1, "66 0f 72 f0 01", "pslld xmm0, 1"),
    XI(x64_pslld_xi, XMM7, 32, "66 0f 72 f7 20", "pslld xmm7, 0x20"),
    XI(x64_pslld_xi, XMM8, 63, "66 41 0f 72 f0 3f", "pslld xmm8, 0x3f"),
    XI(x64_pslld_xi, XMM15, 31, "66 41 0f 72 f7 1f", "pslld xmm15, 0x1f"),
    /* multi-byte nops */
    NOP(0, "", ""),
    NOP(1, "90", "nop"),
    NOP(2, "66 90", "nop"),
    NOP(3, "0f 1f 00", "nop dword ptr [rax]"),
    NOP(4, "0f 1f 40 00", "nop dword ptr [rax]"),
    NOP(5, "0f 1f 44 00 00", "nop dword ptr [rax + rax]"),
    NOP(6, "66 0f 1f 44 00 00", "nop word ptr [rax + rax]"),
    NOP(7, "0f 1f 80 00 00 00 00", "nop dword ptr [rax]"),
    NOP(8, "0f 1f 84 00 00 00 00 00", "nop dword ptr [rax + rax]"),
    NOP(9, "66 0f 1f 84 00 00 00 00 00", "nop word ptr [rax + rax]"),
    NOP(10, "66 0f 1f 84 00 00 00 00 00 90", "nop word ptr [rax + rax]; nop"),
    NOP(11, "66 0f 1f 84 00 00 00 00 00 66 90", "nop word ptr [rax + rax]; nop"),
    NOP(12, "66 0f 1f 84 00 00 00 00 00 0f 1f 00", "nop word ptr [rax + rax]; nop dword ptr [rax]"),
    NOP(13,
        "66 0f 1f 84 00 00 00 00 00 0f 1f 40 00", "nop word ptr [rax + rax]; nop dword ptr [rax]"),
    NOP(14,
        "66 0f 1f 84 00 00 00 00 00 0f 1f 44 00 00",
        "nop word ptr [rax + rax]; nop dword ptr [rax + rax]"),
    NOP(15,
        "66 0f 1f 84 00 00 00 00 00 66 0f 1f 44 00 00",
        "nop word ptr [rax + rax]; nop word ptr [rax + rax]"),
    NOP(16,
        "66 0f 1f 84 00 00 00 00 00 0f 1f 80 00 00 00 00",
        "nop word ptr [rax + rax]; nop dword ptr [rax]"),
    NOP(17,
        "66 0f 1f 84 00 00 00 00 00 0f 1f 84 00 00 00 00 00",
        "nop word ptr [rax + rax]; nop dword ptr [rax + rax]"),
    NOP(18,
        "66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00",
        "nop word ptr [rax + rax]; nop word ptr [rax + rax]"),
    NOP(19,
        "66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00 90",
        "nop word ptr [rax + rax]; nop word ptr [rax + rax]; nop"),
    NOP(27,
        "66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00",
        "nop word ptr [rax + rax]; nop word ptr [rax + rax]; nop word ptr [rax + rax]"),
    NOP(28,
        "66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00 66 0f 1f 84 00 00 00 00 00 90",
        "nop word ptr [rax + rax]; nop word ptr [rax + rax]; nop word ptr [rax + rax]; nop"),
};

static void
run_case(x64_buf_t *b, const enc_case_t *e)
{
    x64_reg_t ra = (x64_reg_t)e->a, rc = (x64_reg_t)e->c;
    x64_xreg_t xa = (x64_xreg_t)e->a, xc = (x64_xreg_t)e->c;
    switch (e->shape) {
    case S_RR: e->fn.rr(b, e->size, ra, rc); break;
    case S_RI: e->fn.ri(b, e->size, ra, (int32_t)e->imm); break;
    case S_RI64: e->fn.ri64(b, e->size, ra, e->imm); break;
    case S_RM: e->fn.rm(b, e->size, ra, e->m); break;
    case S_MR: e->fn.mr(b, e->size, e->m, rc); break;
    case S_MI: e->fn.mi(b, e->size, e->m, (int32_t)e->imm); break;
    case S_R: e->fn.r(b, e->size, ra); break;
    case S_RU8: e->fn.ru8(b, e->size, ra, (uint8_t)e->imm); break;
    case S_SIZE: e->fn.size(b, e->size); break;
    case S_NONE: e->fn.none(b); break;
    case S_REG: e->fn.reg(b, ra); break;
    case S_MEM: e->fn.mem(b, e->m); break;
    case S_XX: e->fn.xx(b, xa, xc); break;
    case S_XM: e->fn.xm(b, xa, e->m); break;
    case S_MX: e->fn.mx(b, e->m, xc); break;
    case S_XR: e->fn.xr(b, xa, rc); break;
    case S_RX: e->fn.rx(b, ra, xc); break;
    case S_CVT_XR: e->fn.cvt_xr(b, e->size, xa, rc); break;
    case S_CVT_RX: e->fn.cvt_rx(b, e->size, ra, xc); break;
    case S_XXI: e->fn.xxi(b, xa, xc, (uint8_t)e->imm); break;
    case S_XI: e->fn.xi(b, xa, (uint8_t)e->imm); break;
    case S_XRI: e->fn.xri(b, xa, rc, (uint8_t)e->imm); break;
    case S_XMI: e->fn.xmi(b, xa, e->m, (uint8_t)e->imm); break;
    case S_RXI: e->fn.rxi(b, ra, xc, (uint8_t)e->imm); break;
    case S_MXI: e->fn.mxi(b, e->m, xc, (uint8_t)e->imm); break;
    case S_XXX: e->fn.xxx(b, xa, xc, (x64_xreg_t)e->v); break;
    case S_XXM: e->fn.xxm(b, xa, xc, e->m); break;
    case S_XXXI: e->fn.xxxi(b, xa, xc, (x64_xreg_t)e->v, (uint8_t)e->imm); break;
    case S_MOVZX_RM: x64_movzx_rm(b, ra, e->size2, e->m); break;
    case S_MOVSX_RM: x64_movsx_rm(b, e->size, ra, e->size2, e->m); break;
    case S_MOVZX_RR: x64_movzx_rr(b, ra, rc, e->size2); break;
    case S_MOVSX_RR: x64_movsx_rr(b, e->size, ra, rc, e->size2); break;
    case S_IMUL_RRI: x64_imul_rri(b, e->size, ra, rc, (int32_t)e->imm); break;
    case S_SETCC: x64_setcc_r(b, e->cc, ra); break;
    case S_CMOVCC: x64_cmovcc_rr(b, e->size, e->cc, ra, rc); break;
    case S_NOP: x64_nop(b, e->size); break;
    }
}

#define N_ENC_CASES ((int)(sizeof enc_cases / sizeof enc_cases[0]))

START_TEST(test_x64_emitter_matches_table)
{
    const enc_case_t *e = &enc_cases[_i];
    x64_buf_t b;
    x64_buf_init(&b);
    /* Something in front, so emitters are not only seen at offset 0. */
    x64_nop(&b, (unsigned)_i % 3);
    size_t from = x64_buf_offset(&b);
    run_case(&b, e);
    char what[64];
    snprintf(what, sizeof what, "row %d, %s", _i, e->name);
    check_code(what, &b, from, e->hex, e->text);
    x64_buf_fini(&b);
}
END_TEST

/* Every emitter named in x64_encode.h appears in the table at least once. */
START_TEST(test_x64_table_covers_every_family_row)
{
    static const char *const names[] = {
#define X64_ALU(name, digit, op_mr, op_rm)                                                         \
    "x64_" #name "_rr", "x64_" #name "_ri", "x64_" #name "_rm", "x64_" #name "_mr",               \
        "x64_" #name "_mi",
#define X64_UNARY(name, digit) "x64_" #name "_r",
#define X64_SHIFT(name, digit) "x64_" #name "_rcl", "x64_" #name "_ri",
#define X64_BITCOUNT(name, pfx, op) "x64_" #name "_rr",
#define X64_FIXED(name, op) "x64_" #name,
#define X64_VEX_NO(name)
#define X64_VEX_NDS(name) "x64_v" #name "_xxx", "x64_v" #name "_xxm",
#define X64_SSE(name, pfx, op, vex) "x64_" #name "_xx", "x64_" #name "_xm", X64_VEX_##vex(name)
#define X64_SSE_MOV(name, pfx, load, store)                                                        \
    "x64_" #name "_xx", "x64_" #name "_xm", "x64_" #name "_mx",
#define X64_SSE_XR(name, pfx, op, size) "x64_" #name "_xr",
#define X64_SSE_RX(name, pfx, op, size) "x64_" #name "_rx",
#define X64_SSE_CVT_XR(name, pfx, op) "x64_" #name "_xr",
#define X64_SSE_CVT_RX(name, pfx, op) "x64_" #name "_rx",
#define X64_SSE_XXI(name, pfx, op, vex) "x64_" #name "_xxi", X64_VEX_XXI_##vex(name)
#define X64_VEX_XXI_NO(name)
#define X64_VEX_XXI_NDS(name) "x64_v" #name "_xxxi",
#define X64_SSE_SHIFT(name, op, digit) "x64_" #name "_xi",
#define X64_SSE_INSERT(name, pfx, op, size) "x64_" #name "_xri", "x64_" #name "_xmi",
#define X64_SSE_EXTRACT(name, pfx, op, size) "x64_" #name "_rxi", "x64_" #name "_mxi",
#include "x64_insn.def"
#undef X64_VEX_NO
#undef X64_VEX_NDS
#undef X64_VEX_XXI_NO
#undef X64_VEX_XXI_NDS
        "x64_test_rr", "x64_test_ri", "x64_test_mi", "x64_mov_rr", "x64_mov_ri", "x64_mov_rm",
        "x64_mov_mr", "x64_mov_mi", "x64_movzx_rm", "x64_movzx_rr", "x64_movsx_rm",
        "x64_movsx_rr", "x64_lea_rm", "x64_imul_rr", "x64_imul_rri", "x64_cdq_cqo",
        "x64_setcc_r", "x64_cmovcc_rr", "x64_jmp_r", "x64_jmp_m", "x64_call_r", "x64_call_m",
        "x64_push_r", "x64_pop_r", "x64_nop", "x64_sub_ri32",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool found = false;
        for (int j = 0; j < N_ENC_CASES && !found; j++)
            found = strcmp(enc_cases[j].name, names[i]) == 0;
        ck_assert_msg(found, "%s has no row in enc_cases", names[i]);
    }
}
END_TEST

/* ---- sweeps checked through Capstone ---- */

static const char *const reg_names[9][16] = {
    [1] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b",
           "r12b", "r13b", "r14b", "r15b"},
    [2] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w",
           "r13w", "r14w", "r15w"},
    [4] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d",
           "r12d", "r13d", "r14d", "r15d"},
    [8] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
           "r13", "r14", "r15"},
};

static const char *const cc_names[16] = {"o", "no", "b",  "ae", "e", "ne", "be", "a",
                                         "s", "ns", "p", "np", "l", "ge", "le", "g"};

/* Emits one instruction with `emit` into a fresh buffer and asserts Capstone's text and, when
 * want_len is not 0, the length. */
#define CHECK_ONE(emit, want_len, ...)                                                             \
    do {                                                                                           \
        char want_[160], got_[1024], hex_[512];                                                    \
        snprintf(want_, sizeof want_, __VA_ARGS__);                                                \
        x64_buf_t b_;                                                                              \
        x64_buf_init(&b_);                                                                         \
        x64_buf_t *b = &b_;                                                                        \
        emit;                                                                                      \
        ck_assert(!b_.oom);                                                                        \
        disasm(b_.data, b_.len, 0, got_, sizeof got_);                                             \
        hex(b_.data, b_.len, hex_, sizeof hex_);                                                   \
        size_t len_ = (size_t)(want_len);                                                          \
        ck_assert_msg(strcmp(got_, want_) == 0 && (len_ == 0 || b_.len == len_),                   \
                      "%s: emitted %s (%s, %zu bytes), expected %s (%zu bytes)", #emit, hex_,      \
                      got_, b_.len, want_, len_);                                                  \
        x64_buf_fini(&b_);                                                                         \
    } while (0)

/* Capstone prints small numbers in decimal and others in hex. */
static void
number(char *out, size_t out_size, uint64_t v)
{
    snprintf(out, out_size, v <= 9 ? "%" PRIu64 : "0x%" PRIx64, v);
}

/* Every base (and none) x every index (and none) x scale x displacement class, with the
 * destination register turning through all sixteen: the text must match and the length must be
 * the shortest form (SIB only when needed, disp8 when it fits, a disp8 0 for rbp/r13). */
START_TEST(test_x64_addressing_modes)
{
    static const int32_t disps[] = {0, 1, 9, 0x7f, -0x80, 0x80, -0x81, 0x12345678, INT32_MIN};
    unsigned base = _i < 16 ? (unsigned)_i : X64_NO_REG;
    for (unsigned index = 0; index <= 16; index++) {
        if (index == X64_RSP)
            continue;
        unsigned idx = index == 16 ? X64_NO_REG : index;
        for (unsigned scale = 1; scale <= 8; scale *= 2) {
            if (idx == X64_NO_REG && scale > 1)
                continue;
            for (size_t k = 0; k < sizeof disps / sizeof disps[0]; k++) {
                int32_t disp = disps[k];
                x64_reg_t dst = (x64_reg_t)((base + index * 3 + k) & 15);
                x64_mem_t m = x64_mem_index((x64_reg_t)base, (x64_reg_t)idx, scale, disp);

                char addr[96] = "", num[32];
                size_t at = 0;
                if (base != X64_NO_REG)
                    at += (size_t)snprintf(addr + at, sizeof addr - at, "%s", reg_names[8][base]);
                if (idx != X64_NO_REG) {
                    at += (size_t)snprintf(addr + at, sizeof addr - at, "%s%s", at ? " + " : "",
                                           reg_names[8][idx]);
                    /* Capstone leaves out "*1" */
                    if (scale > 1)
                        at += (size_t)snprintf(addr + at, sizeof addr - at, "*%u", scale);
                }
                if (at == 0) {
                    number(num, sizeof num, (uint64_t)(int64_t)disp);
                    snprintf(addr, sizeof addr, "%s", num);
                } else if (disp != 0) {
                    number(num, sizeof num,
                           disp < 0 ? (uint64_t)(-(int64_t)disp) : (uint64_t)disp);
                    snprintf(addr + at, sizeof addr - at, " %c %s", disp < 0 ? '-' : '+', num);
                }

                bool has_sib = base == X64_NO_REG || idx != X64_NO_REG || (base & 7) == 4;
                unsigned disp_len = base == X64_NO_REG                 ? 4
                                    : disp == 0 && (base & 7) != 5     ? 0
                                    : disp >= -128 && disp <= 127      ? 1
                                                                       : 4;
                unsigned len = 3 + has_sib + disp_len; /* REX.W 8B ModRM */
                CHECK_ONE(x64_mov_rm(b, 8, dst, m), len, "mov %s, qword ptr [%s]",
                          reg_names[8][dst], addr);
            }
        }
    }
}
END_TEST

START_TEST(test_x64_rip_relative)
{
    static const int32_t disps[] = {0, 5, -7, 0x7f, 0x80, INT32_MAX, INT32_MIN};
    for (size_t k = 0; k < sizeof disps / sizeof disps[0]; k++) {
        char num[32], addr[48] = "rip";
        int32_t d = disps[k];
        number(num, sizeof num, d < 0 ? (uint64_t)(-(int64_t)d) : (uint64_t)d);
        if (d != 0)
            snprintf(addr, sizeof addr, "rip %c %s", d < 0 ? '-' : '+', num);
        for (unsigned r = 0; r < 16; r++) {
            CHECK_ONE(x64_mov_rm(b, 8, (x64_reg_t)r, x64_mem_rip(d)), 7,
                      "mov %s, qword ptr [%s]", reg_names[8][r], addr);
            /* The immediate follows the displacement, which stays as given. */
            CHECK_ONE(x64_cmp_mi(b, 4, x64_mem_rip(d), 0x1234), 10,
                      "cmp dword ptr [%s], 0x1234", addr);
        }
    }
}
END_TEST

/* The two-register emitters with a size, over all sizes and all 256 register pairs. */
typedef struct rr_family {
    const char *mnemonic;
    void (*fn)(x64_buf_t *, unsigned, x64_reg_t, x64_reg_t);
    unsigned n_opcode; /* opcode bytes, mandatory prefix included */
    bool has_byte_form;
} rr_family_t;

static const rr_family_t rr_families[] = {
    {"add", x64_add_rr, 1, true},    {"or", x64_or_rr, 1, true},
    {"adc", x64_adc_rr, 1, true},    {"sbb", x64_sbb_rr, 1, true},
    {"and", x64_and_rr, 1, true},    {"sub", x64_sub_rr, 1, true},
    {"xor", x64_xor_rr, 1, true},    {"cmp", x64_cmp_rr, 1, true},
    {"test", x64_test_rr, 1, true},  {"mov", x64_mov_rr, 1, true},
    {"imul", x64_imul_rr, 2, false}, {"lzcnt", x64_lzcnt_rr, 3, false},
    {"tzcnt", x64_tzcnt_rr, 3, false}, {"popcnt", x64_popcnt_rr, 3, false},
    {"bsr", x64_bsr_rr, 2, false},   {"bsf", x64_bsf_rr, 2, false},
};

static bool
needs_rex(unsigned size, unsigned r1, unsigned r2)
{
    return size == 8 || r1 >= 8 || r2 >= 8 ||
           (size == 1 && ((r1 >= 4 && r1 < 8) || (r2 >= 4 && r2 < 8)));
}

START_TEST(test_x64_rr_every_register_pair)
{
    const rr_family_t *f = &rr_families[_i];
    for (unsigned size = 1; size <= 8; size *= 2) {
        if (size == 1 && !f->has_byte_form)
            continue;
        for (unsigned d = 0; d < 16; d++)
            for (unsigned s = 0; s < 16; s++) {
                unsigned len = (size == 2) + needs_rex(size, d, s) + f->n_opcode + 1;
                CHECK_ONE(f->fn(b, size, (x64_reg_t)d, (x64_reg_t)s), len, "%s %s, %s",
                          f->mnemonic, reg_names[size][d], reg_names[size][s]);
            }
    }
}
END_TEST

/* One-register forms over all sizes and registers: group 3, shifts, setcc, push/pop, jmp/call. */
START_TEST(test_x64_one_register_forms)
{
    for (unsigned r = 0; r < 16; r++) {
        for (unsigned size = 1; size <= 8; size *= 2) {
            const char *n = reg_names[size][r];
            unsigned len = (size == 2) + needs_rex(size, r, 0) + 2;
            CHECK_ONE(x64_neg_r(b, size, (x64_reg_t)r), len, "neg %s", n);
            CHECK_ONE(x64_not_r(b, size, (x64_reg_t)r), len, "not %s", n);
            CHECK_ONE(x64_div_r(b, size, (x64_reg_t)r), len, "div %s", n);
            CHECK_ONE(x64_idiv_r(b, size, (x64_reg_t)r), len, "idiv %s", n);
            CHECK_ONE(x64_shl_rcl(b, size, (x64_reg_t)r), len, "shl %s, cl", n);
            CHECK_ONE(x64_sar_ri(b, size, (x64_reg_t)r, 1), len, "sar %s, 1", n);
            CHECK_ONE(x64_ror_ri(b, size, (x64_reg_t)r, 5), len + 1, "ror %s, 5", n);
            CHECK_ONE(x64_sub_ri(b, size, (x64_reg_t)r, 9), len + 1, "sub %s, 9", n);
            /* mov r64, 7 is mov r32, 7: B8+r with a REX only for r8-r15 */
            unsigned mov_len = (size == 2) + (size == 8 ? r >= 8 : needs_rex(size, r, 0)) + 1 +
                               (size == 8 ? 4 : size);
            CHECK_ONE(x64_mov_ri(b, size, (x64_reg_t)r, 7), mov_len, "mov %s, 7",
                      reg_names[size == 8 ? 4 : size][r]);
        }
        for (unsigned cc = 0; cc < 16; cc++)
            CHECK_ONE(x64_setcc_r(b, (x64_cc_t)cc, (x64_reg_t)r), 3 + needs_rex(1, r, 0),
                      "set%s %s", cc_names[cc], reg_names[1][r]);
        CHECK_ONE(x64_push_r(b, (x64_reg_t)r), 1 + (r >= 8), "push %s", reg_names[8][r]);
        CHECK_ONE(x64_pop_r(b, (x64_reg_t)r), 1 + (r >= 8), "pop %s", reg_names[8][r]);
        CHECK_ONE(x64_jmp_r(b, (x64_reg_t)r), 2 + (r >= 8), "jmp %s", reg_names[8][r]);
        CHECK_ONE(x64_call_r(b, (x64_reg_t)r), 2 + (r >= 8), "call %s", reg_names[8][r]);
    }
}
END_TEST

/* xmm register pairs for each SSE encoding class, and general <-> xmm moves. */
START_TEST(test_x64_xmm_every_register_pair)
{
    for (unsigned d = 0; d < 16; d++)
        for (unsigned s = 0; s < 16; s++) {
            unsigned rex = d >= 8 || s >= 8;
            x64_xreg_t xd = (x64_xreg_t)d, xs = (x64_xreg_t)s;
            CHECK_ONE(x64_addsd_xx(b, xd, xs), 4 + rex, "addsd xmm%u, xmm%u", d, s);
            CHECK_ONE(x64_xorps_xx(b, xd, xs), 3 + rex, "xorps xmm%u, xmm%u", d, s);
            CHECK_ONE(x64_ucomisd_xx(b, xd, xs), 4 + rex, "ucomisd xmm%u, xmm%u", d, s);
            CHECK_ONE(x64_roundsd_xxi(b, xd, xs, 4), 6 + rex, "roundsd xmm%u, xmm%u, 4", d, s);
            CHECK_ONE(x64_movq_xr(b, xd, (x64_reg_t)s), 5, "movq xmm%u, %s", d, reg_names[8][s]);
            CHECK_ONE(x64_movd_rx(b, (x64_reg_t)s, xd), 4 + rex, "movd %s, xmm%u",
                      reg_names[4][s], d);
            CHECK_ONE(x64_cvttsd2si_rx(b, 8, (x64_reg_t)d, xs), 5, "cvttsd2si %s, xmm%u",
                      reg_names[8][d], s);
            CHECK_ONE(x64_cvtsi2ss_xr(b, 4, xd, (x64_reg_t)s), 4 + rex, "cvtsi2ss xmm%u, %s", d,
                      reg_names[4][s]);
        }
}
END_TEST

/* Every register triple of the AVX forms: one of each map and prefix class, and a memory
 * operand with every base and index register (the VEX.B and VEX.X bits). The two-byte VEX
 * serves map 0F when the rm register (or base and index) is not extended. */
START_TEST(test_x64_vex_every_register_triple)
{
    for (unsigned d = 0; d < 16; d++)
        for (unsigned s1 = 0; s1 < 16; s1++)
            for (unsigned s2 = 0; s2 < 16; s2++) {
                x64_xreg_t xd = (x64_xreg_t)d, x1 = (x64_xreg_t)s1, x2 = (x64_xreg_t)s2;
                unsigned vex = s2 >= 8 ? 3 : 2;
                CHECK_ONE(x64_vpaddd_xxx(b, xd, x1, x2), vex + 2, "vpaddd xmm%u, xmm%u, xmm%u",
                          d, s1, s2);
                CHECK_ONE(x64_vaddsd_xxx(b, xd, x1, x2), vex + 2, "vaddsd xmm%u, xmm%u, xmm%u",
                          d, s1, s2);
                CHECK_ONE(x64_vandnps_xxx(b, xd, x1, x2), vex + 2,
                          "vandnps xmm%u, xmm%u, xmm%u", d, s1, s2);
                CHECK_ONE(x64_vpmulld_xxx(b, xd, x1, x2), 5, "vpmulld xmm%u, xmm%u, xmm%u", d,
                          s1, s2);
                CHECK_ONE(x64_vcmppd_xxxi(b, xd, x1, x2, 2), vex + 3,
                          "vcmplepd xmm%u, xmm%u, xmm%u", d, s1, s2);
            }
    for (unsigned d = 0; d < 16; d++)
        for (unsigned r = 0; r < 16; r++) {
            x64_xreg_t xd = (x64_xreg_t)d;
            const char *base = reg_names[8][r];
            /* rbp and r13 need a disp8, rsp and r12 a SIB byte */
            unsigned len = 4 + (r >= 8) + ((r & 7) == 5 || (r & 7) == 4);
            CHECK_ONE(x64_vpsubb_xxm(b, xd, (x64_xreg_t)(15 - d), x64_mem((x64_reg_t)r, 0)), len,
                      "vpsubb xmm%u, xmm%u, xmmword ptr [%s]", d, 15 - d, base);
            if (r == X64_RSP)
                continue;
            const char *index = reg_names[8][r];
            CHECK_ONE(x64_vmulps_xxm(b, xd, xd, x64_mem_index(X64_RAX, (x64_reg_t)r, 8, 0x10)),
                      6 + (r >= 8), "vmulps xmm%u, xmm%u, xmmword ptr [rax + %s*8 + 0x10]", d, d,
                      index);
        }
}
END_TEST

/* mov r64, imm picks the shortest of mov r32, imm32 / mov r/m64, imm32 / movabs at the edges. */
START_TEST(test_x64_mov_ri_picks_the_shortest)
{
    static const struct {
        int64_t imm;
        unsigned len; /* for a legacy register */
        const char *text;
    } cases[] = {
        {0, 5, "mov eax, 0"},
        {0x7fffffff, 5, "mov eax, 0x7fffffff"},
        {0x80000000, 5, "mov eax, 0x80000000"},
        {0xffffffff, 5, "mov eax, 0xffffffff"},
        {0x100000000, 10, "movabs rax, 0x100000000"},
        {-1, 7, "mov rax, -1"},
        {INT32_MIN, 7, "mov rax, -0x80000000"},
        {(int64_t)INT32_MIN - 1, 10, "movabs rax, 0xffffffff7fffffff"},
        {INT64_MAX, 10, "movabs rax, 0x7fffffffffffffff"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        CHECK_ONE(x64_mov_ri(b, 8, X64_RAX, cases[k].imm), cases[k].len, "%s", cases[k].text);
}
END_TEST

/* ---- labels ---- */

static void
check_rel32(const x64_buf_t *b, size_t field, size_t target)
{
    int32_t v = (int32_t)((uint32_t)b->data[field] | (uint32_t)b->data[field + 1] << 8 |
                          (uint32_t)b->data[field + 2] << 16 | (uint32_t)b->data[field + 3] << 24);
    ck_assert_int_eq((int64_t)field + 4 + v, (int64_t)target);
}

START_TEST(test_x64_label_backward_jumps_are_short_in_range)
{
    x64_buf_t b;
    x64_label_t top;
    x64_buf_init(&b);
    x64_label_init(&top);
    x64_label_bind(&b, &top);
    ck_assert(x64_label_is_bound(&top));
    ck_assert_int_eq(top.pos, 0);
    /* jmp rel8 reaches 128 bytes back from its end: one starting at 126 is the last short one. */
    x64_nop(&b, 126);
    x64_jmp_label(&b, &top);
    check_code("jmp at 126", &b, 126, "eb 80", "jmp 0");
    x64_jcc_label(&b, X64_CC_NE, &top);
    check_code("jne at 128", &b, 128, "0f 85 7a ff ff ff", "jne 0");
    x64_jmp_label(&b, &top);
    check_code("jmp at 134", &b, 134, "e9 75 ff ff ff", "jmp 0");
    x64_buf_fini(&b);

    x64_buf_init(&b);
    x64_label_init(&top);
    x64_nop(&b, 3);
    x64_label_bind(&b, &top);
    x64_jcc_label(&b, X64_CC_L, &top);
    check_code("jl to itself", &b, 3, "7c fe", "jl 3");
    x64_nop(&b, 124);
    x64_jcc_label(&b, X64_CC_A, &top);
    check_code("ja, rel8 -128", &b, 129, "77 80", "ja 3");
    x64_jmp_label(&b, &top);
    check_code("jmp, rel8 out of reach", &b, 131, "e9 7b ff ff ff", "jmp 3");
    x64_call_label(&b, &top);
    check_code("call back", &b, 136, "e8 76 ff ff ff", "call 3");
    x64_lea_rip_label(&b, X64_R9, &top);
    check_code("lea back", &b, 141, "4c 8d 0d 6f ff ff ff", "lea r9, [rip - 0x91]");
    x64_buf_fini(&b);
}
END_TEST

START_TEST(test_x64_label_forward_uses_are_patched_at_bind)
{
    x64_buf_t b;
    x64_label_t l;
    x64_buf_init(&b);
    x64_label_init(&l);
    /* Four uses of one unbound label, each a rel32 even though the target ends up close. */
    x64_jmp_label(&b, &l);                  /* 0: e9 */
    x64_jcc_label(&b, X64_CC_E, &l);        /* 5: 0f 84 */
    x64_call_label(&b, &l);                 /* 11: e8 */
    x64_lea_rip_label(&b, X64_RAX, &l);     /* 16: 48 8d 05 */
    x64_movsd_xm(&b, X64_XMM3, x64_mem_rip(0)); /* 23: f2 0f 10 1d */
    x64_label_use(&b, &l);
    ck_assert(!x64_label_is_bound(&l));
    ck_assert_int_eq(l.fixups, 27);
    x64_nop(&b, 1);
    x64_label_bind(&b, &l); /* 32 */
    ck_assert_int_eq(l.pos, 32);
    ck_assert_int_eq(l.fixups, -1);
    x64_ret(&b);
    check_code("forward uses", &b, 0,
               "e9 1b 00 00 00 0f 84 15 00 00 00 e8 10 00 00 00 48 8d 05 09 00 00 00 "
               "f2 0f 10 1d 01 00 00 00 90 c3",
               "jmp 0x20; je 0x20; call 0x20; lea rax, [rip + 9]; movsd xmm3, qword ptr [rip + 1]; "
               "nop; ret");
    /* Once bound, a later use is resolved at once, and short. */
    x64_jmp_label(&b, &l);
    check_code("jmp back", &b, 33, "eb fd", "jmp 0x20");
    x64_buf_fini(&b);
}
END_TEST

START_TEST(test_x64_label_far_forward_and_several_labels)
{
    x64_buf_t b;
    x64_label_t a, c, unused;
    x64_buf_init(&b);
    x64_label_init(&a);
    x64_label_init(&c);
    x64_label_init(&unused);
    size_t use_a[3], use_c[2];
    for (int k = 0; k < 3; k++) {
        x64_jcc_label(&b, (x64_cc_t)k, &a);
        use_a[k] = b.len - 4;
        if (k < 2) {
            x64_jmp_label(&b, &c);
            use_c[k] = b.len - 4;
        }
        x64_nop(&b, 1000);
    }
    x64_label_bind(&b, &c);
    size_t at_c = b.len;
    x64_nop(&b, 70000);
    x64_label_bind(&b, &a);
    size_t at_a = b.len;
    x64_label_bind(&b, &unused);
    ck_assert(!b.oom);
    for (int k = 0; k < 3; k++)
        check_rel32(&b, use_a[k], at_a);
    for (int k = 0; k < 2; k++)
        check_rel32(&b, use_c[k], at_c);
    char text[128], want[128];
    disasm(b.data + use_a[2] - 2, 6, use_a[2] - 2, text, sizeof text);
    snprintf(want, sizeof want, "jb 0x%zx", at_a);
    ck_assert_str_eq(text, want);
    /* A far backward jump is rel32. */
    size_t here = b.len;
    x64_jmp_label(&b, &c);
    ck_assert_uint_eq(b.len - here, 5);
    check_rel32(&b, here + 1, at_c);
    x64_buf_fini(&b);
}
END_TEST

START_TEST(test_x64_jumps_to_known_offsets)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_nop(&b, 16);
    x64_jmp_to(&b, 0);
    check_code("jmp back short", &b, 16, "eb ee", "jmp 0");
    x64_jcc_to(&b, X64_CC_G, 200);
    check_code("jg ahead, rel32", &b, 18, "0f 8f b0 00 00 00", "jg 0xc8");
    x64_jcc_to(&b, X64_CC_NP, 40);
    check_code("jnp ahead, rel8", &b, 24, "7b 0e", "jnp 0x28");
    x64_call_to(&b, 0);
    check_code("call back", &b, 26, "e8 e1 ff ff ff", "call 0");
    x64_call_to(&b, 36);
    check_code("call next", &b, 31, "e8 00 00 00 00", "call 0x24");
    x64_buf_fini(&b);
}
END_TEST

/* ---- the buffer ---- */

/* jmp rel32 counts from the end of the instruction; the target is outside the buffer, so the
 * row table (which emits at varying offsets) cannot hold it. */
START_TEST(test_x64_jmp_rel32_counts_from_instruction_end)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_jmp_rel32(&b, 0x100);
    check_code("jmp rel32 forward", &b, 0, "e9 00 01 00 00", "jmp 0x105");
    x64_jmp_rel32(&b, -10);
    check_code("jmp rel32 back", &b, 5, "e9 f6 ff ff ff", "jmp 0");
    x64_buf_fini(&b);
}
END_TEST

START_TEST(test_x64_buffer_grows_past_initial_capacity)
{
    x64_buf_t b;
    x64_buf_init(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(x64_buf_offset(&b), 0);
    x64_emit8(&b, 0xAB);
    ck_assert_uint_eq(b.cap, X64_BUF_MIN_CAP);
    /* Widths mixed so that multi-byte writes straddle every growth point. */
    uint32_t k = 0;
    while (b.len < 200000) {
        uint8_t v = (uint8_t)k;
        switch (k % 4) {
        case 0: x64_emit8(&b, v); break;
        case 1: x64_emit16(&b, (uint16_t)(v * 0x0101u)); break;
        case 2: x64_emit32(&b, v * 0x01010101u); break;
        case 3: x64_emit64(&b, v * 0x0101010101010101ull); break;
        }
        k++;
    }
    ck_assert(!b.oom);
    ck_assert_uint_ge(b.cap, b.len);
    ck_assert_uint_eq(b.cap % X64_BUF_MIN_CAP, 0);
    /* Reading it back in the same order proves nothing was lost or moved at growth. */
    const uint8_t *p = b.data + 1;
    for (uint32_t j = 0; j < k; j++) {
        unsigned width = 1u << (j % 4);
        for (unsigned i = 0; i < width; i++)
            ck_assert_uint_eq(p[i], (uint8_t)j);
        p += width;
    }
    ck_assert_ptr_eq(p, b.data + b.len);
    x64_buf_fini(&b);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_x64_buffer_is_little_endian_and_patches)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_emit16(&b, 0x0201);
    x64_emit32(&b, 0x06050403);
    x64_emit64(&b, 0x0e0d0c0b0a090807ull);
    static const uint8_t want[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert_mem_eq(b.data, want, sizeof want);
    x64_buf_patch32(&b, 10, 0xddccbbaa);
    static const uint8_t patched[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xaa, 0xbb, 0xcc, 0xdd};
    ck_assert_mem_eq(b.data, patched, sizeof patched);
    ck_assert_uint_eq(b.len, sizeof patched);
    x64_buf_fini(&b);
}
END_TEST

/* Emits every table row, a loop with labels and enough nops for several growths: the program
 * the failure-injection test runs. */
static void
emit_program(x64_buf_t *b)
{
    x64_label_t loop, out;
    x64_label_init(&loop);
    x64_label_init(&out);
    x64_label_bind(b, &loop);
    for (int round = 0; round < 3; round++) {
        x64_jcc_label(b, X64_CC_E, &out);
        for (int i = 0; i < N_ENC_CASES; i++)
            run_case(b, &enc_cases[i]);
        x64_jmp_label(b, &loop);
        x64_lea_rip_label(b, X64_RCX, &out);
    }
    x64_label_bind(b, &out);
    x64_nop(b, 3000);
    x64_ret(b);
}

START_TEST(test_x64_buffer_survives_every_failing_allocation)
{
    x64_buf_t ref;
    x64_buf_init(&ref);
    n_reallocs = 0;
    emit_program(&ref);
    unsigned n_needed = n_reallocs;
    ck_assert(!ref.oom);
    ck_assert_uint_ge(n_needed, 5);

    for (unsigned fail_at = 0;; fail_at++) {
        x64_buf_t b;
        x64_buf_init(&b);
        reallocs_before_failure = fail_at;
        emit_program(&b);
        size_t len_at_failure = b.len;
        /* Dropped for good: later emits neither write nor grow. */
        x64_emit64(&b, 0);
        x64_nop(&b, 40);
        reallocs_before_failure = -1;
        if (fail_at >= n_needed) {
            ck_assert(!b.oom);
            ck_assert_uint_eq(b.len, ref.len + 48);
            ck_assert_mem_eq(b.data, ref.data, ref.len);
            x64_buf_fini(&b);
            break;
        }
        ck_assert_msg(b.oom, "allocation %u failed unnoticed", fail_at);
        ck_assert_uint_lt(len_at_failure, ref.len);
        ck_assert_uint_eq(b.len, len_at_failure);
        ck_assert_uint_le(b.cap, b.len);
        if (fail_at == 0)
            ck_assert_uint_eq(b.len, 0);
        x64_buf_fini(&b);
    }
    x64_buf_fini(&ref);
}
END_TEST

START_TEST(test_x64_buffer_reserve_fails_cleanly)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_emit32(&b, 0x11223344);
    /* A request whose size wraps around is refused without calling realloc. */
    n_reallocs = 0;
    ck_assert(!x64_buf_reserve(&b, SIZE_MAX - 2));
    ck_assert_uint_eq(n_reallocs, 0);
    ck_assert(b.oom);
    x64_emit8(&b, 0x55);
    ck_assert_uint_eq(b.len, 4);
    /* patch32 is ignored past the end once oom is set. */
    x64_buf_patch32(&b, 2, 0);
    x64_buf_patch32(&b, 0, 0xaabbccdd);
    static const uint8_t want[] = {0xdd, 0xcc, 0xbb, 0xaa};
    ck_assert_mem_eq(b.data, want, 4);
    x64_buf_fini(&b);
}
END_TEST

/* ---- invalid operands abort rather than encode something else ---- */

START_TEST(test_x64_rejects_rsp_as_index)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_mov_rm(&b, 8, X64_RAX, x64_mem_index(X64_RBX, X64_RSP, 1, 0));
}
END_TEST

START_TEST(test_x64_rejects_bad_size)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_add_rr(&b, 3, X64_RAX, X64_RCX);
}
END_TEST

START_TEST(test_x64_rejects_bad_scale)
{
    x64_buf_t b;
    x64_buf_init(&b);
    x64_lea_rm(&b, 8, X64_RAX, x64_mem_index(X64_RBX, X64_RCX, 3, 0));
}
END_TEST

/* ---- ABI ---- */

START_TEST(test_x64_abi_sets)
{
    static const x64_reg_t args[] = {X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9};
    x64_regset_t set = 0;
    for (unsigned i = 0; i < X64_ABI_N_INT_ARGS; i++) {
        ck_assert_int_eq(x64_abi_int_arg(i), args[i]);
        set |= X64_REGSET(args[i]);
    }
    ck_assert_uint_eq(set, X64_ABI_INT_ARGS);
    for (unsigned i = 0; i < X64_ABI_N_FLOAT_ARGS; i++)
        ck_assert_int_eq(x64_abi_float_arg(i), (int)i);
    ck_assert_uint_eq(X64_ABI_CALLEE_SAVED, 0xf028);  /* rbx rbp r12 r13 r14 r15 */
    ck_assert_uint_eq(X64_ABI_CALLER_SAVED, 0x0fc7);  /* rax rcx rdx rsi rdi r8-r11 */
    ck_assert_uint_eq(X64_ABI_CALLEE_SAVED & X64_ABI_CALLER_SAVED, 0);
    ck_assert_uint_eq(X64_ABI_CALLER_SAVED & X64_ABI_INT_ARGS, X64_ABI_INT_ARGS);
    ck_assert_int_eq(X64_ABI_INT_RET0, X64_RAX);
    ck_assert_int_eq(X64_ABI_INT_RET1, X64_RDX);
    ck_assert_int_eq(X64_ABI_FLOAT_RET0, X64_XMM0);
    ck_assert_int_eq(X64_ABI_FLOAT_RET1, X64_XMM1);
    ck_assert_int_eq(X64_ABI_STACK_ALIGN, 16);
}
END_TEST

Suite *
x64_suite(void)
{
    Suite *s = suite_create("x64");

    TCase *tc = tcase_create("encodings");
    tcase_add_checked_fixture(tc, capstone_open, capstone_close);
    tcase_add_loop_test(tc, test_x64_emitter_matches_table, 0, N_ENC_CASES);
    tcase_add_test(tc, test_x64_table_covers_every_family_row);
    tcase_add_test(tc, test_x64_jmp_rel32_counts_from_instruction_end);
    suite_add_tcase(s, tc);

    tc = tcase_create("sweeps");
    tcase_add_checked_fixture(tc, capstone_open, capstone_close);
    tcase_add_loop_test(tc, test_x64_addressing_modes, 0, 17);
    tcase_add_test(tc, test_x64_rip_relative);
    tcase_add_loop_test(tc, test_x64_rr_every_register_pair, 0,
                        (int)(sizeof rr_families / sizeof rr_families[0]));
    tcase_add_test(tc, test_x64_one_register_forms);
    tcase_add_test(tc, test_x64_xmm_every_register_pair);
    tcase_add_test(tc, test_x64_vex_every_register_triple);
    tcase_add_test(tc, test_x64_mov_ri_picks_the_shortest);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("labels");
    tcase_add_checked_fixture(tc, capstone_open, capstone_close);
    tcase_add_test(tc, test_x64_label_backward_jumps_are_short_in_range);
    tcase_add_test(tc, test_x64_label_forward_uses_are_patched_at_bind);
    tcase_add_test(tc, test_x64_label_far_forward_and_several_labels);
    tcase_add_test(tc, test_x64_jumps_to_known_offsets);
    suite_add_tcase(s, tc);

    tc = tcase_create("buffer");
    tcase_add_test(tc, test_x64_buffer_grows_past_initial_capacity);
    tcase_add_test(tc, test_x64_buffer_is_little_endian_and_patches);
    tcase_add_test(tc, test_x64_buffer_survives_every_failing_allocation);
    tcase_add_test(tc, test_x64_buffer_reserve_fails_cleanly);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    /* The contract in x64_encode.h: invalid operands abort (SL_ASSERT), never mis-encode. */
    tc = tcase_create("contract");
    tcase_add_test_raise_signal(tc, test_x64_rejects_rsp_as_index, SIGABRT);
    tcase_add_test_raise_signal(tc, test_x64_rejects_bad_size, SIGABRT);
    tcase_add_test_raise_signal(tc, test_x64_rejects_bad_scale, SIGABRT);
    suite_add_tcase(s, tc);

    tc = tcase_create("abi");
    tcase_add_test(tc, test_x64_abi_sets);
    suite_add_tcase(s, tc);
    return s;
}
