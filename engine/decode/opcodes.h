/* The opcode table (opcodes.def) as data: an enum of every opcode, its text name, immediate kind,
 * signature and access size, and the map from encoded bytes to opcode. */
#ifndef SL_OPCODES_H
#define SL_OPCODES_H

#include <stdint.h>

#include "types.h"

enum sl_opcode {
#define OPCODE(id, text, prefix, code, imm, sig, size) SL_OP_##id,
#include "opcodes.def"
#undef OPCODE
    SL_N_OPCODES
};

/* How an opcode's immediates are encoded (spec: binary format, instructions). */
enum sl_imm {
    SL_IMM_NONE,
    SL_IMM_BLOCK,         /* blocktype: 0x40, a value type, or an s33 type index */
    SL_IMM_LABEL,         /* labelidx */
    SL_IMM_BR_TABLE,      /* vec(labelidx) labelidx */
    SL_IMM_FUNC,          /* funcidx */
    SL_IMM_CALL_INDIRECT, /* typeidx tableidx */
    SL_IMM_SELECT_T,      /* vec(valtype) */
    SL_IMM_LOCAL,
    SL_IMM_GLOBAL,
    SL_IMM_TABLE,
    SL_IMM_MEMARG,        /* align offset */
    SL_IMM_MEMORY,        /* a reserved 0x00 byte (memory index 0) */
    SL_IMM_I32,
    SL_IMM_I64,
    SL_IMM_F32,
    SL_IMM_F64,
    SL_IMM_V128,          /* 16 bytes */
    SL_IMM_SHUFFLE,       /* 16 lane indices, each one byte */
    SL_IMM_LANE,          /* one lane index byte */
    SL_IMM_MEMARG_LANE,   /* memarg then a lane index byte */
    SL_IMM_REF_TYPE,
    SL_IMM_DATA,          /* dataidx */
    SL_IMM_MEMORY_INIT,   /* dataidx 0x00 */
    SL_IMM_MEMORY_COPY,   /* 0x00 0x00 */
    SL_IMM_ELEM,          /* elemidx */
    SL_IMM_TABLE_INIT,    /* elemidx tableidx */
    SL_IMM_TABLE_COPY,    /* tableidx tableidx */
};

enum sl_sig {
#define SIG(name, n_results, n_params, r, p0, p1, p2) SL_SIG_##name,
#include "op_sigs.def"
#undef SIG
    SL_N_SIGS
};

typedef struct sl_opcode_info {
    const char *text;
    uint8_t prefix; /* 0, 0xfc or 0xfd */
    uint8_t imm;    /* enum sl_imm */
    uint8_t sig;    /* enum sl_sig */
    uint8_t size_log2;
    uint32_t code;
} sl_opcode_info_t;

typedef struct sl_sig_info {
    uint8_t n_results, n_params;
    sl_valtype_t result;
    sl_valtype_t params[3];
} sl_sig_info_t;

extern const sl_opcode_info_t sl_opcode_info[SL_N_OPCODES];
extern const sl_sig_info_t sl_sig_info[SL_N_SIGS];

/* Index of the opcode space: 256 one-byte codes, then 0xFC codes, then 0xFD codes. Entries hold
 * opcode + 1, so 0 means "no such opcode". */
enum { SL_OPSPACE_FC = 256, SL_OPSPACE_FD = 512, SL_OPSPACE_SIZE = 768 };
extern const uint16_t sl_opcode_by_code[SL_OPSPACE_SIZE];

#endif
