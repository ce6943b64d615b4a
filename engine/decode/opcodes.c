/* Tables generated from opcodes.def and op_sigs.def. */
#include "opcodes.h"

#define SL_PREFIX_0 0
#define SL_PREFIX_FC 0xfc
#define SL_PREFIX_FD 0xfd
#define SL_SPACE_0 0
#define SL_SPACE_FC SL_OPSPACE_FC
#define SL_SPACE_FD SL_OPSPACE_FD

const sl_opcode_info_t sl_opcode_info[SL_N_OPCODES] = {
#define OPCODE(id, text, prefix, code, imm, sig, size)                                             \
    [SL_OP_##id] = {text, SL_PREFIX_##prefix, SL_IMM_##imm, SL_SIG_##sig, size, code},
#include "opcodes.def"
#undef OPCODE
};

const uint16_t sl_opcode_by_code[SL_OPSPACE_SIZE] = {
#define OPCODE(id, text, prefix, code, imm, sig, size)                                             \
    [SL_SPACE_##prefix + (code)] = SL_OP_##id + 1,
#include "opcodes.def"
#undef OPCODE
};

#define I32 SL_TYPE_I32
#define I64 SL_TYPE_I64
#define F32 SL_TYPE_F32
#define F64 SL_TYPE_F64
#define V128 SL_TYPE_V128

const sl_sig_info_t sl_sig_info[SL_N_SIGS] = {
#define SIG(name, n_results, n_params, r, p0, p1, p2)                                              \
    [SL_SIG_##name] = {n_results, n_params, r, {p0, p1, p2}},
#include "op_sigs.def"
#undef SIG
};
