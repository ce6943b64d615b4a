/* The function-body validator's state and its building blocks (spec: validation, appendix
 * algorithm), shared by every instantiation of the decode loop (body_decode_loop.h): the validator
 * alone (body_decoder.c) and the compilers that validate as they emit. Engine-internal. */
#ifndef SL_BODY_DECODER_IMPL_H
#define SL_BODY_DECODER_IMPL_H

#include <stdlib.h>
#include <string.h>

#include "body_decoder.h"
#include "decoder.h"
#include "invariants.h"
#include "opcodes.h"
#include "vec.h"

typedef struct ctrl_frame {
    uint8_t opcode; /* SL_OP_BLOCK, LOOP, IF, ELSE; the function's frame is a BLOCK */
    bool is_unreachable; /* after br, return, unreachable...: the spec's polymorphic stack */
    bool is_dead;        /* opened in unreachable code: typed as usual, but never runs */
    uint32_t height; /* operand stack height at entry */
    uint32_t n_in, n_out;
    const sl_valtype_t *in, *out;
} ctrl_frame_t;

/* The immediates of a simple opcode, as the decode loop hands them to visit_simple. */
typedef struct body_imm {
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32_bits;
        uint64_t f64_bits;
    } u;
    const uint8_t *bytes; /* v128.const's 16 bytes, i8x16.shuffle's 16 lanes */
    uint32_t offset;      /* memarg offset */
    uint32_t index;       /* memory.init's data segment */
    uint8_t lane;
} body_imm_t;

/* Public in this header so the decode loop can be compiled into each consumer. Owned by one
 * thread at a time; the scratch arrays are reused from body to body. */
struct body_validator {
    sl_limits_t limits;
    sl_valtype_t *vals;
    uint32_t n_vals;
    size_t cap_vals;
    ctrl_frame_t *ctrls;
    uint32_t n_ctrls;
    size_t cap_ctrls;
    sl_valtype_t *locals;
    uint32_t n_locals;
    size_t cap_locals;
    sl_valtype_t *popped; /* br_table's scratch: what one label's check popped */
    size_t cap_popped;

    /* per body */
    const sl_module_t *module;
    reader_t r;
    uint64_t op_at; /* module offset of the opcode being validated */
    unsigned op; /* the opcode being validated, for messages */
};

/* One-element type lists for block types that are a single value type. */
static const sl_valtype_t body_single_type[256] = {
    [SL_TYPE_I32] = SL_TYPE_I32,         [SL_TYPE_I64] = SL_TYPE_I64,
    [SL_TYPE_F32] = SL_TYPE_F32,         [SL_TYPE_F64] = SL_TYPE_F64,
    [SL_TYPE_V128] = SL_TYPE_V128,       [SL_TYPE_FUNCREF] = SL_TYPE_FUNCREF,
    [SL_TYPE_EXTERNREF] = SL_TYPE_EXTERNREF,
};

/* Grows a scratch array to hold `need` elements, within `limit`. */
static inline bool
reserve(body_validator_t *v, void **array, size_t *cap, uint32_t need, size_t size,
        uint32_t limit, const char *what)
{
    int rc = vec_grow(array, cap, need, size, limit);
    if (rc == SL_ELIMIT)
        return reader_fail_at(&v->r, v->op_at, SL_ELIMIT, "%s deeper than the limit of %u", what,
                              limit);
    if (rc < 0)
        return reader_fail_at(&v->r, v->op_at, SL_ENOMEM, "out of memory");
    return true;
}

#define INVALID(v, ...) reader_fail_at(&(v)->r, (v)->op_at, SL_EINVALID, __VA_ARGS__)
#define MALFORMED(v, ...) reader_fail_at(&(v)->r, (v)->op_at, SL_EMALFORMED, __VA_ARGS__)

/* ---- operand stack --------------------------------------------------------------------------- */

static inline bool
push(body_validator_t *v, sl_valtype_t t)
{
    if (SL_UNLIKELY(v->n_vals == v->cap_vals) &&
        !reserve(v, (void **)&v->vals, &v->cap_vals, v->n_vals + 1, 1,
                 v->limits.max_operand_stack, "operand stack"))
        return false;
    v->vals[v->n_vals++] = t;
    return true;
}

static inline bool
push_list(body_validator_t *v, const sl_valtype_t *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!push(v, types[i]))
            return false;
    return true;
}

static inline bool
underflow(body_validator_t *v, sl_valtype_t expected)
{
    return INVALID(v, "type mismatch: %s expected %s but the stack is empty",
                   sl_opcode_info[v->op].text, expected ? sl_valtype_name(expected) : "a value");
}

static inline bool
pop_any(body_validator_t *v, sl_valtype_t *out)
{
    const ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1];
    if (v->n_vals == f->height) {
        if (f->is_unreachable) {
            *out = SL_TYPE_UNKNOWN;
            return true;
        }
        return underflow(v, 0);
    }
    *out = v->vals[--v->n_vals];
    return true;
}

static inline bool
pop_expect(body_validator_t *v, sl_valtype_t expected)
{
    const ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1];
    if (SL_UNLIKELY(v->n_vals == f->height)) {
        if (f->is_unreachable)
            return true;
        return underflow(v, expected);
    }
    sl_valtype_t actual = v->vals[--v->n_vals];
    if (SL_UNLIKELY(actual != expected && actual != SL_TYPE_UNKNOWN &&
                    expected != SL_TYPE_UNKNOWN))
        return INVALID(v, "type mismatch: %s expected %s, got %s",
                       sl_opcode_info[v->op].text, sl_valtype_name(expected),
                       sl_valtype_name(actual));
    return true;
}

static inline bool
pop_list(body_validator_t *v, const sl_valtype_t *types, uint32_t n)
{
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(v, types[i]))
            return false;
    return true;
}

/* ---- control stack --------------------------------------------------------------------------- */

static inline bool
push_ctrl(body_validator_t *v, uint8_t opcode, const sl_valtype_t *in, uint32_t n_in,
          const sl_valtype_t *out, uint32_t n_out)
{
    if (v->n_ctrls == v->cap_ctrls &&
        !reserve(v, (void **)&v->ctrls, &v->cap_ctrls, v->n_ctrls + 1, sizeof *v->ctrls,
                 v->limits.max_control_depth, "control nesting"))
        return false;
    const ctrl_frame_t *parent = v->n_ctrls ? &v->ctrls[v->n_ctrls - 1] : NULL;
    v->ctrls[v->n_ctrls] = (ctrl_frame_t){
        .opcode = opcode, .height = v->n_vals, .in = in, .n_in = n_in, .out = out, .n_out = n_out,
        .is_dead = parent && (parent->is_unreachable || parent->is_dead),
    };
    v->n_ctrls++;
    return push_list(v, in, n_in);
}

static inline bool
pop_ctrl(body_validator_t *v, ctrl_frame_t *out)
{
    ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1];
    if (!pop_list(v, f->out, f->n_out))
        return false;
    if (v->n_vals != f->height) /* spec: a block leaves exactly its results */
        return INVALID(v, "type mismatch: %u extra value(s) at the end of the block",
                       v->n_vals - f->height);
    *out = *f;
    v->n_ctrls--;
    return true;
}

static inline void
set_unreachable(body_validator_t *v)
{
    ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1];
    v->n_vals = f->height;
    f->is_unreachable = true;
}

/* spec: a branch to a loop carries the loop's parameters, to anything else its results */
static inline void
label_types(const ctrl_frame_t *f, const sl_valtype_t **types, uint32_t *n)
{
    if (f->opcode == SL_OP_LOOP) {
        *types = f->in;
        *n = f->n_in;
    } else {
        *types = f->out;
        *n = f->n_out;
    }
}

static inline bool
read_label(body_validator_t *v, const ctrl_frame_t **out)
{
    uint32_t depth;
    if (!reader_u32(&v->r, &depth))
        return false;
    if (depth >= v->n_ctrls)
        return INVALID(v, "unknown label %u", depth);
    *out = &v->ctrls[v->n_ctrls - 1 - depth];
    return true;
}

/* ---- immediates ------------------------------------------------------------------------------ */

/* spec: binary format, block types: 0x40, a value type, or a non-negative s33 type index. */
static inline bool
read_block_type(body_validator_t *v, const sl_valtype_t **in, uint32_t *n_in,
                const sl_valtype_t **out, uint32_t *n_out)
{
    reader_t *r = &v->r;
    if (r->p < r->end) {
        uint8_t b = *r->p;
        if (b == SL_BLOCKTYPE_EMPTY || valtype_is_valid(b)) {
            r->p++;
            *in = NULL;
            *n_in = 0;
            *out = b == SL_BLOCKTYPE_EMPTY ? NULL : &body_single_type[b];
            *n_out = b != SL_BLOCKTYPE_EMPTY;
            return true;
        }
    }
    uint64_t at = reader_offset(r);
    int64_t index;
    if (!reader_s33(r, &index))
        return false;
    if (index < 0)
        return reader_fail_at(r, at, SL_EMALFORMED, "malformed block type");
    if ((uint64_t)index >= v->module->n_types)
        return reader_fail_at(r, at, SL_EINVALID, "unknown type %lld", (long long)index);
    const sl_functype_t *t = &v->module->types[index];
    *in = t->params;
    *n_in = t->n_params;
    *out = t->results;
    *n_out = t->n_results;
    return true;
}

static inline bool
check_memory(body_validator_t *v, uint32_t index)
{
    if (index >= v->module->n_memories)
        return INVALID(v, "unknown memory %u", index);
    return true;
}

static inline bool
read_zero_byte(body_validator_t *v)
{
    uint8_t b;
    if (!reader_u8(&v->r, &b))
        return false;
    if (b != 0)
        return MALFORMED(v, "zero byte expected");
    return true;
}

/* spec: validation, memory instructions: memory 0 exists and 2^align <= the access size. */
static inline bool
read_memarg(body_validator_t *v, unsigned size_log2, uint32_t *offset)
{
    uint32_t align;
    if (!reader_u32(&v->r, &align) || !reader_u32(&v->r, offset))
        return false;
    if (!check_memory(v, 0))
        return false;
    if (align > size_log2)
        return INVALID(v, "alignment must not be larger than natural");
    return true;
}

static inline bool
read_lane(body_validator_t *v, unsigned n_lanes, uint8_t *out)
{
    uint8_t lane;
    if (!reader_u8(&v->r, &lane))
        return false;
    *out = lane;
    if (lane >= n_lanes)
        return INVALID(v, "invalid lane index");
    return true;
}

static inline bool
read_table(body_validator_t *v, uint32_t *index)
{
    if (!reader_u32(&v->r, index))
        return false;
    if (*index >= v->module->n_tables)
        return INVALID(v, "unknown table %u", *index);
    return true;
}

/* spec: memory.init and data.drop need the data count section (binary format, 2.0). Without it
 * the index is checked once the module is complete (module_check_complete). */
static inline bool
read_data_index(body_validator_t *v, uint32_t *out)
{
    uint32_t index;
    if (!reader_u32(&v->r, &index))
        return false;
    *out = index;
    if (!v->module->has_data_count) {
        sl_module_t *m = (sl_module_t *)v->module; /* the one field validators may write */
        unsigned bound = atomic_load_explicit(&m->data_index_bound, memory_order_relaxed);
        while (index >= bound && !atomic_compare_exchange_weak_explicit(
                                     &m->data_index_bound, &bound, index + 1,
                                     memory_order_relaxed, memory_order_relaxed))
            ;
        return true;
    }
    if (index >= v->module->data_count)
        return INVALID(v, "unknown data segment %u", index);
    return true;
}

static inline bool
read_elem_index(body_validator_t *v, uint32_t *index)
{
    if (!reader_u32(&v->r, index))
        return false;
    if (*index >= v->module->n_elems)
        return INVALID(v, "unknown elem segment %u", *index);
    return true;
}

static inline bool
read_func_index(body_validator_t *v, uint32_t *index)
{
    if (!reader_u32(&v->r, index))
        return false;
    if (*index >= v->module->n_funcs)
        return INVALID(v, "unknown function %u", *index);
    return true;
}

/* ---- locals ---------------------------------------------------------------------------------- */

static inline bool
read_locals(body_validator_t *v, const sl_functype_t *type)
{
    reader_t *r = &v->r;
    uint32_t n_groups;
    if (!reader_count(r, 2, &n_groups))
        return false;
    const uint8_t *groups = r->p;
    uint64_t declared = 0;
    for (uint32_t i = 0; i < n_groups; i++) { /* first pass: the total, before allocating */
        uint32_t n;
        sl_valtype_t t;
        if (!reader_u32(r, &n) || !read_valtype(r, &t))
            return false;
        declared += n;
        /* spec: binary format, code section: fewer than 2^32 declared locals */
        if (declared > UINT32_MAX)
            return reader_fail(r, SL_EMALFORMED, "too many locals");
    }
    uint64_t total = declared + type->n_params;
    if (total > v->limits.max_locals)
        return reader_fail(r, SL_ELIMIT, "too many locals: %llu (limit %u)",
                           (unsigned long long)total, v->limits.max_locals);
    if (!reserve(v, (void **)&v->locals, &v->cap_locals, (uint32_t)total ? (uint32_t)total : 1,
                 1, v->limits.max_locals, "locals"))
        return false;
    memcpy(v->locals, type->params, type->n_params);
    uint32_t at = type->n_params;
    const uint8_t *end = r->p;
    r->p = groups;
    for (uint32_t i = 0; i < n_groups; i++) {
        uint32_t n = 0;
        sl_valtype_t t = 0;
        reader_u32(r, &n); /* re-reads what the first pass checked */
        reader_u8(r, &t);
        memset(v->locals + at, t, n);
        at += n;
    }
    SL_ASSERT(r->p == end);
    v->n_locals = at;
    return true;
}

/* ---- the instruction loop -------------------------------------------------------------------- */

/* Reads an opcode (one byte, or a prefix and a u32) and maps it through the opcode table. */
static inline bool
read_opcode(body_validator_t *v, unsigned *op)
{
    reader_t *r = &v->r;
    uint8_t byte = *r->p++;
    unsigned key = byte;
    if (byte == 0xfc || byte == 0xfd) {
        uint32_t code;
        if (!reader_u32(r, &code))
            return false;
        key = code < 256 ? (byte == 0xfc ? SL_OPSPACE_FC : SL_OPSPACE_FD) + code : 0;
        if (!key || !sl_opcode_by_code[key])
            return MALFORMED(v, "illegal opcode 0x%02x 0x%x", byte, code);
    } else if (!sl_opcode_by_code[key]) {
        return MALFORMED(v, "illegal opcode 0x%02x", byte);
    }
    *op = sl_opcode_by_code[key] - 1u;
    return true;
}

/* Skips an instruction's immediates, checking only their encoding. */
static inline bool
skip_immediates(body_validator_t *v, const sl_opcode_info_t *info)
{
    reader_t *r = &v->r;
    uint32_t n, x;
    int64_t s64;
    sl_valtype_t t;
    switch (info->imm) {
    case SL_IMM_NONE: return true;
    case SL_IMM_BLOCK:
        if (r->p < r->end && (*r->p == SL_BLOCKTYPE_EMPTY || valtype_is_valid(*r->p)))
            return reader_bytes(r, 1) != NULL;
        if (!reader_s33(r, &s64))
            return false;
        return s64 >= 0 || MALFORMED(v, "malformed block type");
    case SL_IMM_BR_TABLE:
        if (!reader_count(r, 1, &n))
            return false;
        for (uint32_t i = 0; i <= n; i++)
            if (!reader_u32(r, &x))
                return false;
        return true;
    case SL_IMM_SELECT_T:
        if (!reader_count(r, 1, &n))
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!read_valtype(r, &t))
                return false;
        return true;
    case SL_IMM_LABEL:
    case SL_IMM_FUNC:
    case SL_IMM_LOCAL:
    case SL_IMM_GLOBAL:
    case SL_IMM_TABLE:
    case SL_IMM_ELEM:
    case SL_IMM_DATA: return reader_u32(r, &x);
    case SL_IMM_I32: {
        int32_t i32;
        return reader_s32(r, &i32);
    }
    case SL_IMM_CALL_INDIRECT:
    case SL_IMM_TABLE_INIT:
    case SL_IMM_TABLE_COPY:
    case SL_IMM_MEMARG: return reader_u32(r, &x) && reader_u32(r, &x);
    case SL_IMM_MEMARG_LANE: return reader_u32(r, &x) && reader_u32(r, &x) && reader_bytes(r, 1);
    case SL_IMM_MEMORY: return read_zero_byte(v);
    case SL_IMM_MEMORY_COPY: return read_zero_byte(v) && read_zero_byte(v);
    case SL_IMM_MEMORY_INIT: return reader_u32(r, &x) && read_zero_byte(v);
    case SL_IMM_I64: return reader_s64(r, &s64);
    case SL_IMM_F32: return reader_bytes(r, 4) != NULL;
    case SL_IMM_F64: return reader_bytes(r, 8) != NULL;
    case SL_IMM_V128:
    case SL_IMM_SHUFFLE: return reader_bytes(r, 16) != NULL;
    case SL_IMM_LANE: return reader_bytes(r, 1) != NULL;
    case SL_IMM_REF_TYPE: return read_reftype(r, &t);
    }
    SL_UNREACHABLE();
}

/* After a type error, the rest of the body is still decoded: the spec decodes a module before
 * validating it, so a malformed encoding later in the same body is the error to report. Only the
 * kinds of the open blocks are tracked (an else must close an if); the control stack still holds
 * the `depth` frames that were open at the failing instruction. Returns true if the body decodes
 * cleanly. */
static inline bool
decode_rest(body_validator_t *v, uint32_t depth)
{
    reader_t *r = &v->r;
    while (depth > 0) {
        if (r->p >= r->end)
            return reader_fail(r, SL_EMALFORMED, "END opcode expected");
        v->op_at = reader_offset(r);
        unsigned op = 0;
        if (!read_opcode(v, &op) || !skip_immediates(v, &sl_opcode_info[op]))
            return false;
        if (op == SL_OP_BLOCK || op == SL_OP_LOOP || op == SL_OP_IF) {
            if (depth == v->cap_ctrls &&
                !reserve(v, (void **)&v->ctrls, &v->cap_ctrls, depth + 1, sizeof *v->ctrls,
                         v->limits.max_control_depth, "control nesting"))
                return false;
            v->ctrls[depth++].opcode = (uint8_t)op;
        } else if (op == SL_OP_ELSE) {
            if (v->ctrls[depth - 1].opcode != SL_OP_IF)
                return MALFORMED(v, "else without a matching if");
            v->ctrls[depth - 1].opcode = SL_OP_ELSE;
        } else if (op == SL_OP_END) {
            depth--;
        }
    }
    if (r->p != r->end)
        return reader_fail(r, SL_EMALFORMED, "operators remaining after end of function");
    return true;
}

#endif
