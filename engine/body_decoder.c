/* Function-body validation, one pass over the bytes with the spec appendix's algorithm: an
 * operand stack of value types (SL_TYPE_UNKNOWN is the bottom type of unreachable code) and a
 * control stack of frames. Simple opcodes are typed from their signature in opcodes.def; the
 * rest have a case each, with the spec rule they implement. */
#include "body_decoder.h"

#include <stdlib.h>
#include <string.h>

#include "invariants.h"
#include "decoder.h"
#include "opcodes.h"

typedef struct ctrl_frame {
    uint8_t opcode; /* SL_OP_BLOCK, LOOP, IF, ELSE; the function's frame is a BLOCK */
    bool is_unreachable;
    uint32_t height; /* operand stack height at entry */
    uint32_t n_in, n_out;
    const sl_valtype_t *in, *out;
} ctrl_frame_t;

struct body_validator {
    sl_limits_t limits;
    sl_valtype_t *vals;
    uint32_t n_vals, cap_vals;
    ctrl_frame_t *ctrls;
    uint32_t n_ctrls, cap_ctrls;
    sl_valtype_t *locals;
    uint32_t n_locals, cap_locals;
    sl_valtype_t *popped; /* br_table's scratch: what one label's check popped */
    uint32_t cap_popped;

    /* per body */
    const sl_module_t *module;
    reader_t r;
    uint64_t op_at; /* module offset of the opcode being validated */
    unsigned op; /* the opcode being validated, for messages */
};

/* One-element type lists for block types that are a single value type. */
static const sl_valtype_t single_type[256] = {
    [SL_TYPE_I32] = SL_TYPE_I32,         [SL_TYPE_I64] = SL_TYPE_I64,
    [SL_TYPE_F32] = SL_TYPE_F32,         [SL_TYPE_F64] = SL_TYPE_F64,
    [SL_TYPE_V128] = SL_TYPE_V128,       [SL_TYPE_FUNCREF] = SL_TYPE_FUNCREF,
    [SL_TYPE_EXTERNREF] = SL_TYPE_EXTERNREF,
};

int
body_validator_new(const sl_limits_t *limits, body_validator_t **out)
{
    body_validator_t *v = calloc(1, sizeof *v);
    if (!v)
        return SL_ENOMEM;
    v->limits = *limits;
    *out = v;
    return 0;
}

void
body_validator_free(body_validator_t *v)
{
    if (!v)
        return;
    free(v->vals);
    free(v->ctrls);
    free(v->locals);
    free(v->popped);
    free(v);
}

/* Grows a scratch array to hold `need` elements, within `limit`. */
static bool
reserve(body_validator_t *v, void **array, uint32_t *cap, uint32_t need, size_t size,
        uint32_t limit, const char *what)
{
    if (need <= *cap)
        return true;
    if (need > limit)
        return reader_fail_at(&v->r, v->op_at, SL_ELIMIT, "%s deeper than the limit of %u", what,
                              limit);
    uint32_t cap_new = *cap ? *cap : 64;
    while (cap_new < need)
        cap_new = cap_new > limit / 2 ? limit : cap_new * 2;
    void *p = realloc(*array, (size_t)cap_new * size);
    if (!p)
        return reader_fail_at(&v->r, v->op_at, SL_ENOMEM, "out of memory");
    *array = p;
    *cap = cap_new;
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

static bool
underflow(body_validator_t *v, sl_valtype_t expected)
{
    return INVALID(v, "type mismatch: %s expected %s but the stack is empty",
                   sl_opcode_info[v->op].text, expected ? valtype_name(expected) : "a value");
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
                       sl_opcode_info[v->op].text, valtype_name(expected),
                       valtype_name(actual));
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

static bool
push_ctrl(body_validator_t *v, uint8_t opcode, const sl_valtype_t *in, uint32_t n_in,
          const sl_valtype_t *out, uint32_t n_out)
{
    if (v->n_ctrls == v->cap_ctrls &&
        !reserve(v, (void **)&v->ctrls, &v->cap_ctrls, v->n_ctrls + 1, sizeof *v->ctrls,
                 v->limits.max_control_depth, "control nesting"))
        return false;
    v->ctrls[v->n_ctrls++] = (ctrl_frame_t){
        .opcode = opcode, .height = v->n_vals, .in = in, .n_in = n_in, .out = out, .n_out = n_out,
    };
    return push_list(v, in, n_in);
}

static bool
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

static void
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

static bool
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
static bool
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
            *out = b == SL_BLOCKTYPE_EMPTY ? NULL : &single_type[b];
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

static bool
check_memory(body_validator_t *v, uint32_t index)
{
    if (index >= v->module->n_memories)
        return INVALID(v, "unknown memory %u", index);
    return true;
}

static bool
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
static bool
read_memarg(body_validator_t *v, unsigned size_log2)
{
    uint32_t align, offset;
    if (!reader_u32(&v->r, &align) || !reader_u32(&v->r, &offset))
        return false;
    if (!check_memory(v, 0))
        return false;
    if (align > size_log2)
        return INVALID(v, "alignment must not be larger than natural");
    return true;
}

static bool
read_lane(body_validator_t *v, unsigned n_lanes)
{
    uint8_t lane;
    if (!reader_u8(&v->r, &lane))
        return false;
    if (lane >= n_lanes)
        return INVALID(v, "invalid lane index");
    return true;
}

static bool
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
static bool
read_data_index(body_validator_t *v)
{
    uint32_t index;
    if (!reader_u32(&v->r, &index))
        return false;
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

static bool
read_elem_index(body_validator_t *v, uint32_t *index)
{
    if (!reader_u32(&v->r, index))
        return false;
    if (*index >= v->module->n_elems)
        return INVALID(v, "unknown elem segment %u", *index);
    return true;
}

static bool
read_func_index(body_validator_t *v, uint32_t *index)
{
    if (!reader_u32(&v->r, index))
        return false;
    if (*index >= v->module->n_funcs)
        return INVALID(v, "unknown function %u", *index);
    return true;
}

/* ---- locals ---------------------------------------------------------------------------------- */

static bool
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

static bool
validate_simple(body_validator_t *v, const sl_opcode_info_t *info)
{
    const sl_sig_info_t *sig = &sl_sig_info[info->sig];
    switch (info->imm) {
    case SL_IMM_NONE: break;
    case SL_IMM_MEMARG:
        if (!read_memarg(v, info->size_log2))
            return false;
        break;
    case SL_IMM_MEMARG_LANE:
        if (!read_memarg(v, info->size_log2) || !read_lane(v, 16u >> info->size_log2))
            return false;
        break;
    case SL_IMM_LANE:
        if (!read_lane(v, 16u >> info->size_log2))
            return false;
        break;
    case SL_IMM_MEMORY:
        if (!read_zero_byte(v) || !check_memory(v, 0))
            return false;
        break;
    case SL_IMM_MEMORY_COPY:
        if (!read_zero_byte(v) || !read_zero_byte(v) || !check_memory(v, 0))
            return false;
        break;
    case SL_IMM_MEMORY_INIT:
        if (!read_data_index(v) || !read_zero_byte(v) || !check_memory(v, 0))
            return false;
        break;
    case SL_IMM_I32: {
        int32_t x;
        if (!reader_s32(&v->r, &x))
            return false;
        break;
    }
    case SL_IMM_I64: {
        int64_t x;
        if (!reader_s64(&v->r, &x))
            return false;
        break;
    }
    case SL_IMM_F32:
        if (!reader_bytes(&v->r, 4))
            return false;
        break;
    case SL_IMM_F64:
        if (!reader_bytes(&v->r, 8))
            return false;
        break;
    case SL_IMM_V128:
        if (!reader_bytes(&v->r, 16))
            return false;
        break;
    case SL_IMM_SHUFFLE:
        for (int i = 0; i < 16; i++)
            if (!read_lane(v, 32))
                return false;
        break;
    default:
        SL_ASSERT(!"simple opcode with an unexpected immediate");
    }
    for (unsigned i = sig->n_params; i-- > 0;)
        if (!pop_expect(v, sig->params[i]))
            return false;
    return sig->n_results == 0 || push(v, sig->result);
}

/* Validates one instruction whose opcode has been read. Returns false on error. */
static bool
validate_op(body_validator_t *v, unsigned op)
{
    const sl_opcode_info_t *info = &sl_opcode_info[op];
    const sl_module_t *m = v->module;
    reader_t *r = &v->r;
    ctrl_frame_t frame;
    const ctrl_frame_t *target;
    const sl_valtype_t *in, *out;
    uint32_t n_in, n_out, index;
    sl_valtype_t t = 0, t1 = 0, t2 = 0;

    if (info->sig != SL_SIG_SPECIAL)
        return validate_simple(v, info);

    switch (op) {
    case SL_OP_UNREACHABLE:
        set_unreachable(v);
        return true;
    case SL_OP_BLOCK:
    case SL_OP_LOOP:
        return read_block_type(v, &in, &n_in, &out, &n_out) && pop_list(v, in, n_in) &&
               push_ctrl(v, (uint8_t)op, in, n_in, out, n_out);
    case SL_OP_IF:
        return read_block_type(v, &in, &n_in, &out, &n_out) && pop_expect(v, SL_TYPE_I32) &&
               pop_list(v, in, n_in) && push_ctrl(v, SL_OP_IF, in, n_in, out, n_out);
    case SL_OP_ELSE:
        if (v->ctrls[v->n_ctrls - 1].opcode != SL_OP_IF)
            return MALFORMED(v, "else without a matching if");
        return pop_ctrl(v, &frame) &&
               push_ctrl(v, SL_OP_ELSE, frame.in, frame.n_in, frame.out, frame.n_out);
    case SL_OP_END:
        if (!pop_ctrl(v, &frame))
            return false;
        /* spec: an if without else must have the same input and output types */
        if (frame.opcode == SL_OP_IF &&
            (frame.n_in != frame.n_out ||
             (frame.n_in && memcmp(frame.in, frame.out, frame.n_in) != 0)))
            return INVALID(v, "type mismatch: if without else must leave its parameters");
        return push_list(v, frame.out, frame.n_out);
    case SL_OP_BR:
        if (!read_label(v, &target))
            return false;
        label_types(target, &out, &n_out);
        if (!pop_list(v, out, n_out))
            return false;
        set_unreachable(v);
        return true;
    case SL_OP_BR_IF:
        if (!read_label(v, &target) || !pop_expect(v, SL_TYPE_I32))
            return false;
        label_types(target, &out, &n_out);
        return pop_list(v, out, n_out) && push_list(v, out, n_out);
    case SL_OP_BR_TABLE: {
        uint32_t n_targets;
        if (!reader_count(r, 1, &n_targets))
            return false;
        if (n_targets > v->limits.max_br_table)
            return reader_fail_at(r, v->op_at, SL_ELIMIT, "br_table has %u targets (limit %u)",
                                  n_targets, v->limits.max_br_table);
        if (!pop_expect(v, SL_TYPE_I32))
            return false;
        /* spec: every label has the default's arity and accepts the operands; what a label
         * pops is pushed back as it was (unknown stays unknown) for the next label. */
        uint32_t arity = UINT32_MAX;
        for (uint32_t i = 0; i <= n_targets; i++) {
            if (!read_label(v, &target))
                return false;
            label_types(target, &out, &n_out);
            if (arity != UINT32_MAX && n_out != arity)
                return INVALID(v, "type mismatch: br_table targets have different arities");
            arity = n_out;
            if (!reserve(v, (void **)&v->popped, &v->cap_popped, n_out ? n_out : 1, 1,
                         v->limits.max_operand_stack, "operand stack"))
                return false;
            for (uint32_t k = n_out; k-- > 0;) {
                const ctrl_frame_t *f = &v->ctrls[v->n_ctrls - 1];
                sl_valtype_t got = SL_TYPE_UNKNOWN;
                if (v->n_vals > f->height)
                    got = v->vals[v->n_vals - 1];
                if (!pop_expect(v, out[k]))
                    return false;
                v->popped[k] = got;
            }
            if (i < n_targets && !push_list(v, v->popped, n_out))
                return false;
        }
        set_unreachable(v);
        return true;
    }
    case SL_OP_RETURN:
        if (!pop_list(v, v->ctrls[0].out, v->ctrls[0].n_out))
            return false;
        set_unreachable(v);
        return true;
    case SL_OP_CALL: {
        if (!read_func_index(v, &index))
            return false;
        const sl_functype_t *ft = module_func_type(m, index);
        return pop_list(v, ft->params, ft->n_params) && push_list(v, ft->results, ft->n_results);
    }
    case SL_OP_CALL_INDIRECT: {
        uint32_t type_index;
        if (!reader_u32(r, &type_index) || !read_table(v, &index))
            return false;
        if (m->tables[index].elem_type != SL_TYPE_FUNCREF)
            return INVALID(v, "type mismatch: call_indirect needs a funcref table");
        if (type_index >= m->n_types)
            return INVALID(v, "unknown type %u", type_index);
        const sl_functype_t *ft = &m->types[type_index];
        return pop_expect(v, SL_TYPE_I32) && pop_list(v, ft->params, ft->n_params) &&
               push_list(v, ft->results, ft->n_results);
    }
    case SL_OP_DROP:
        return pop_any(v, &t);
    case SL_OP_SELECT:
        /* spec: untyped select takes two numeric or vector operands of one type */
        if (!pop_expect(v, SL_TYPE_I32) || !pop_any(v, &t1) || !pop_any(v, &t2))
            return false;
        if (valtype_is_ref(t1) || valtype_is_ref(t2))
            return INVALID(v, "type mismatch: select without a type needs numeric operands");
        if (t1 != t2 && t1 != SL_TYPE_UNKNOWN && t2 != SL_TYPE_UNKNOWN)
            return INVALID(v, "type mismatch: select operands %s and %s", valtype_name(t2),
                           valtype_name(t1));
        return push(v, t1 == SL_TYPE_UNKNOWN ? t2 : t1);
    case SL_OP_SELECT_T: {
        uint32_t n;
        if (!reader_u32(r, &n))
            return false;
        if (n != 1)
            return INVALID(v, "invalid result arity");
        if (!read_valtype(r, &t))
            return false;
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, t) && pop_expect(v, t) && push(v, t);
    }
    case SL_OP_LOCAL_GET:
    case SL_OP_LOCAL_SET:
    case SL_OP_LOCAL_TEE:
        if (!reader_u32(r, &index))
            return false;
        if (index >= v->n_locals)
            return INVALID(v, "unknown local %u", index);
        t = v->locals[index];
        if (op == SL_OP_LOCAL_GET)
            return push(v, t);
        return pop_expect(v, t) && (op == SL_OP_LOCAL_SET || push(v, t));
    case SL_OP_GLOBAL_GET:
    case SL_OP_GLOBAL_SET:
        if (!reader_u32(r, &index))
            return false;
        if (index >= m->n_globals)
            return INVALID(v, "unknown global %u", index);
        if (op == SL_OP_GLOBAL_GET)
            return push(v, m->globals[index].type);
        if (!m->globals[index].is_mutable)
            return INVALID(v, "global is immutable");
        return pop_expect(v, m->globals[index].type);
    case SL_OP_TABLE_GET:
        return read_table(v, &index) && pop_expect(v, SL_TYPE_I32) &&
               push(v, m->tables[index].elem_type);
    case SL_OP_TABLE_SET:
        return read_table(v, &index) && pop_expect(v, m->tables[index].elem_type) &&
               pop_expect(v, SL_TYPE_I32);
    case SL_OP_REF_NULL:
        return read_reftype(r, &t) && push(v, t);
    case SL_OP_REF_IS_NULL:
        if (!pop_any(v, &t))
            return false;
        if (t != SL_TYPE_UNKNOWN && !valtype_is_ref(t))
            return INVALID(v, "type mismatch: ref.is_null expected a reference, got %s",
                           valtype_name(t));
        return push(v, SL_TYPE_I32);
    case SL_OP_REF_FUNC:
        if (!read_func_index(v, &index))
            return false;
        /* spec: validation, ref.func: x must be in C.refs */
        if (!module_func_is_declared(m, index))
            return INVALID(v, "undeclared function reference");
        return push(v, SL_TYPE_FUNCREF);
    case SL_OP_DATA_DROP:
        return read_data_index(v);
    case SL_OP_TABLE_INIT: {
        uint32_t elem;
        if (!read_elem_index(v, &elem) || !read_table(v, &index))
            return false;
        if (m->elems[elem].type != m->tables[index].elem_type)
            return INVALID(v, "type mismatch: table.init element and table types differ");
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, SL_TYPE_I32);
    }
    case SL_OP_ELEM_DROP:
        return read_elem_index(v, &index);
    case SL_OP_TABLE_COPY: {
        uint32_t src;
        if (!read_table(v, &index) || !read_table(v, &src))
            return false;
        if (m->tables[index].elem_type != m->tables[src].elem_type)
            return INVALID(v, "type mismatch: table.copy between tables of different types");
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, SL_TYPE_I32);
    }
    case SL_OP_TABLE_GROW:
        return read_table(v, &index) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, m->tables[index].elem_type) && push(v, SL_TYPE_I32);
    case SL_OP_TABLE_SIZE:
        return read_table(v, &index) && push(v, SL_TYPE_I32);
    case SL_OP_TABLE_FILL:
        return read_table(v, &index) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, m->tables[index].elem_type) && pop_expect(v, SL_TYPE_I32);
    default:
        SL_ASSERT(!"special opcode without a validation rule");
        return false;
    }
}

/* Reads an opcode (one byte, or a prefix and a u32) and maps it through the opcode table. */
static bool
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
static bool
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
static bool
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

int
body_validate(body_validator_t *v, const sl_module_t *m, uint32_t func_index, uint32_t offset,
              uint32_t size, sl_error_t *err)
{
    const sl_functype_t *type = module_func_type(m, func_index);
    reader_t *r = &v->r;
    reader_init(r, m->wire, m->wire + offset, m->wire + offset + size, 10, err);
    v->module = m;
    v->n_vals = 0;
    v->n_ctrls = 0;
    v->op_at = offset;
    v->op = SL_OP_BLOCK;

    bool ok = read_locals(v, type) &&
              push_ctrl(v, SL_OP_BLOCK, NULL, 0, type->results, type->n_results);
    uint32_t depth = 0;
    uint64_t op_at = offset;
    while (ok && v->n_ctrls > 0) {
        if (r->p >= r->end) {
            ok = reader_fail(r, SL_EMALFORMED, "END opcode expected");
            break;
        }
        v->op_at = op_at = reader_offset(r);
        depth = v->n_ctrls;
        unsigned op = 0;
        ok = read_opcode(v, &op);
        if (ok) {
            v->op = op;
            ok = validate_op(v, op);
        }
    }
    if (ok && r->p != r->end)
        ok = reader_fail(r, SL_EMALFORMED, "operators remaining after end of function");
    if (!ok && err->code == SL_EINVALID) {
        sl_error_t invalid = *err;
        error_clear(err);
        r->failed = false;
        r->p = m->wire + op_at; /* decode again from the failing instruction */
        if (decode_rest(v, depth) || err->code != SL_EMALFORMED)
            *err = invalid;
    }
    if (ok)
        return 0;
    err->func_index = func_index;
    err->body_offset = (uint32_t)(err->offset - offset);
    return err->code;
}
