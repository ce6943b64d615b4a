/* The top tier's SSA IR: a function of basic blocks with block parameters (no phis), typed values
 * and one op table (ir_ops.def). Also the text form (ir_text.c) and the verifier (ir_verify.c).
 *
 * Ownership: a function and everything in it live in one arena (engine/base/arena.h) that the
 * caller owns and frees once; nothing here is freed alone. Threading: a function belongs to one
 * thread at a time (a compile worker). Errors: builders record the first allocation failure in
 * the function (ir_func_status) and then do nothing, so a builder loop checks once at the end.
 *
 *   ir_func_t ── insns[]  slot 0 unused; a value is the ir_ref_t of the insn defining it
 *             ├─ blocks[] params[] (PARAM insns), first..last list of insns, terminator last
 *             └─ layout[] block ids in order; layout[0] is the entry
 *
 * A terminator holds its successor edges, each a target block and the arguments passed to its
 * parameters. A call with several results has type tuple and is read through PROJ insns.
 * Pointers from ir_insn/ir_block are valid until the next builder call grows an array.
 */
#ifndef SL_IR_H
#define SL_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "slipstream.h"

typedef uint32_t ir_ref_t;
#define IR_NOREF 0u
#define IR_NO_BLOCK UINT32_MAX
/* Largest value or block number; keeps every index product far from overflow. */
#define IR_MAX_INDEX (1u << 26)

typedef enum ir_type {
    IR_T_NONE,
    IR_T_I32,
    IR_T_I64,
    IR_T_F32,
    IR_T_F64,
    IR_T_V128,
    IR_T_FUNCREF,
    IR_T_EXTERNREF,
    IR_T_TUPLE, /* the results of a multi-result call, read through PROJ */
    IR_N_TYPES
} ir_type_t;

const char *ir_type_name(ir_type_t t); /* "i32", ..., "none" */
/* The IR type of a wasm value type (opcodes.def and module types keep binary-format bytes),
 * IR_T_NONE for anything else. */
ir_type_t ir_type_of_valtype(uint8_t t);

enum ir_op {
#define IROP(id, mnemonic, n_operands, operands, result, imm, n_succs, flags) IR_##id,
#define IRW(id, imm, flags) IR_##id,
#include "ir_ops.def"
#undef IROP
#undef IRW
    IR_N_OPS
};

enum ir_op_flag {
    IRF_PURE = 1 << 0,
    IRF_COMM = 1 << 1,
    IRF_TRAP = 1 << 2,
    IRF_READ = 1 << 3,
    IRF_WRITE = 1 << 4,
    IRF_EFFECT = 1 << 5,
    IRF_TERM = 1 << 6,
    IRF_PINNED = 1 << 7,
};

enum ir_imm {
    IR_IMM_NONE,
    IR_IMM_CONST,
    IR_IMM_INDEX,
    IR_IMM_INDEX2,
    IR_IMM_MEM,
    IR_IMM_MEM_LANE,
    IR_IMM_LANE,
    IR_IMM_SHUFFLE,
    IR_IMM_TRAP,
};

#define IR_VARIADIC (-1)
/* Result rules beside the fixed types. */
enum { IR_RES_OWN = 0x40, IR_RES_SAME = 0x41 };
/* Operand rules beside the fixed types (ir_op_operand). */
enum { IR_OPND_ANY = 0x40, IR_OPND_REF = 0x41, IR_OPND_RESULT = 0x42 };

/* The op table, row by row. Wasm rows read their mnemonic and types from opcodes.def. */
const char *ir_op_name(unsigned op);
int ir_op_n_operands(unsigned op); /* IR_VARIADIC for calls and return */
/* Rule for operand i: an ir_type_t or IR_OPND_*; past the listed ones the last repeats. */
unsigned ir_op_operand(unsigned op, uint32_t i);
unsigned ir_op_result(unsigned op); /* an ir_type_t, IR_RES_OWN or IR_RES_SAME */
enum ir_imm ir_op_imm(unsigned op);
int ir_op_n_succs(unsigned op); /* 0 for non-terminators, IR_VARIADIC for br_table */
unsigned ir_op_flags(unsigned op);
/* The wasm opcode (enum sl_opcode) of an IRW row, or -1. */
int ir_op_wasm(unsigned op);

typedef struct ir_succ {
    uint32_t block;
    uint32_t n_args;
    ir_ref_t *args;
} ir_succ_t;

typedef struct ir_insn {
    uint16_t op;
    uint8_t type;   /* ir_type_t of the result, IR_T_NONE if there is none */
    uint32_t block; /* IR_NO_BLOCK: a free slot or a removed insn */
    ir_ref_t prev, next;
    uint32_t n_args;
    union {
        ir_ref_t in[3]; /* n_args <= 3 */
        ir_ref_t *out;  /* in the arena otherwise */
    } args;
    uint64_t imm;  /* constant bits, memory offset, first index, lane, trap code */
    uint32_t imm2; /* second index; lane of MEM_LANE */
    uint32_t n_succs;
    union {
        ir_succ_t *succs; /* terminators */
        uint8_t *bytes;   /* 16 bytes: v128 constants and shuffles */
    } ext;
} ir_insn_t;

typedef struct ir_block {
    ir_ref_t *params; /* PARAM insns */
    uint32_t n_params, cap_params;
    ir_ref_t first, last;
    bool is_placed; /* in the layout; false for removed or never-defined blocks */
} ir_block_t;

typedef struct ir_func {
    /* read-only outside ir.c */
    arena_t *arena;
    const char *name;
    uint32_t n_params, n_results;
    uint8_t *params, *results; /* ir_type_t each: the signature */
    ir_insn_t *insns;
    uint32_t n_insns, cap_insns;
    ir_block_t *blocks;
    uint32_t n_blocks, cap_blocks;
    uint32_t *layout;
    uint32_t n_layout, cap_layout;
    int status; /* 0, or the first SL_ELIMIT / SL_ENOMEM of a builder */
} ir_func_t;

/* ---- building ------------------------------------------------------------------------------ */

/* A function with the given signature (types copied) and no blocks, in `arena`. */
int ir_func_new(arena_t *arena, const char *name, uint32_t n_params, const uint8_t *params,
                uint32_t n_results, const uint8_t *results, ir_func_t **out);
static inline int
ir_func_status(const ir_func_t *f)
{
    return f->status;
}
/* A new empty block at the end of the layout, or IR_NO_BLOCK. */
uint32_t ir_block_new(ir_func_t *f);
ir_ref_t ir_block_add_param(ir_func_t *f, uint32_t block, ir_type_t type);
/* Appends an insn (immediates zero; set them through ir_insn). Any op, terminators included. */
ir_ref_t ir_append(ir_func_t *f, uint32_t block, unsigned op, ir_type_t type, uint32_t n_args,
                   const ir_ref_t *args);
ir_ref_t ir_append_const(ir_func_t *f, uint32_t block, ir_type_t type, uint64_t bits);
/* Appends terminator `op` with copies of the successor edges. */
ir_ref_t ir_set_terminator(ir_func_t *f, uint32_t block, unsigned op, uint32_t n_args,
                           const ir_ref_t *args, uint32_t n_succs, const ir_succ_t *succs);
/* Replaces the operands of an insn (copied). */
void ir_set_args(ir_func_t *f, ir_ref_t ref, uint32_t n_args, const ir_ref_t *args);
/* 16 zeroed bytes for a v128 constant or shuffle of `ref`, or NULL. */
uint8_t *ir_insn_bytes(ir_func_t *f, ir_ref_t ref);
/* Reserves insn slots up to `n` (exclusive) as free slots; the text reader keeps value numbers. */
void ir_reserve(ir_func_t *f, uint32_t n_insns, uint32_t n_blocks);
/* Defines insn slot `ref` (a free slot from ir_reserve) at the end of `block`. */
ir_ref_t ir_append_at(ir_func_t *f, ir_ref_t ref, uint32_t block, unsigned op, ir_type_t type,
                      uint32_t n_args, const ir_ref_t *args);
ir_ref_t ir_block_add_param_at(ir_func_t *f, ir_ref_t ref, uint32_t block, ir_type_t type);
/* Places reserved block `block` at the end of the layout. */
void ir_block_place(ir_func_t *f, uint32_t block);

/* Unlinks an insn from its block; its slot stays, with block IR_NO_BLOCK. */
void ir_remove(ir_func_t *f, ir_ref_t ref);
/* Rewrites every operand and edge argument r with map[r] != IR_NOREF to map[r], following chains
 * (map[a] = b, map[b] = c gives c). One pass over the function; map has n_insns entries. */
void ir_replace_uses(ir_func_t *f, ir_ref_t *map);
/* The end of map's chain from r (IR_NOREF entries: not replaced), for passes that read through
 * their map before rewriting. */
ir_ref_t ir_map_find(ir_ref_t *map, uint32_t n, ir_ref_t r);
/* Replaces the layout (e.g. without removed blocks); blocks left out become unplaced. */
void ir_set_layout(ir_func_t *f, const uint32_t *blocks, uint32_t n);

/* ---- reading ------------------------------------------------------------------------------- */

static inline ir_insn_t *
ir_insn(const ir_func_t *f, ir_ref_t ref)
{
    return &f->insns[ref];
}
static inline ir_block_t *
ir_block(const ir_func_t *f, uint32_t id)
{
    return &f->blocks[id];
}
static inline ir_ref_t *
ir_args(ir_insn_t *insn)
{
    return insn->n_args <= 3 ? insn->args.in : insn->args.out;
}
static inline bool
ir_is_defined(const ir_func_t *f, ir_ref_t ref)
{
    return ref != IR_NOREF && ref < f->n_insns && f->insns[ref].block != IR_NO_BLOCK;
}
/* The terminator ending `block`, or IR_NOREF. */
ir_ref_t ir_block_terminator(const ir_func_t *f, uint32_t block);
/* Whether `ref` is a constant, and its bits. */
bool ir_is_const(const ir_func_t *f, ir_ref_t ref, uint64_t *bits);

#define IR_FOREACH_INSN(f, b, r) for (ir_ref_t r = (f)->blocks[b].first; r; r = (f)->insns[r].next)

/* ---- text (ir_text.c) ----------------------------------------------------------------------- */

/*   func add(i32, i32) -> (i32) {
 *   block0(v1:i32, v2:i32):
 *       v3:i32 = i32.add v1, v2
 *       v4:i32 = i32.load [v3 + 16]
 *       br_if v4, block1(v3), block2()
 *   ...
 *   }
 * Values print as v<ref> and blocks as block<id>, so names survive passes and reading then
 * printing gives back the same text. `#` starts a comment. */
int ir_print(const ir_func_t *f, FILE *out);
/* Reads one function into `arena`. SL_EMALFORMED with "line L, column C: ..." in err. */
int ir_parse(arena_t *arena, const char *text, size_t len, ir_func_t **out, sl_error_t *err);

/* ---- verifier (ir_verify.c) ----------------------------------------------------------------- */

/* 0, or SL_EINVALID with "block B, vN (op): rule: detail" in err. Allocates only from its own
 * temporary arena. Near-linear in the function's size. */
int ir_verify(const ir_func_t *f, sl_error_t *err);

#endif
