/* The fused decode-validate loop over one function body, compiled into each consumer.
 *
 * Include this file after defining:
 *   BODY_VISITOR_T   the consumer's type (a struct);
 *   BODY_DECODE_FN   the name of the function to generate;
 * and these static inline hooks, each returning false on a consumer failure (which must have
 * recorded an error through body_fail), called after the instruction has been validated:
 *
 *   visit_start(c, v)                      locals are known (v->locals, v->n_locals)
 *   visit_simple(c, v, op, imm)            every opcode typed by its signature row
 *   visit_unreachable(c, v)        visit_drop(c, v, type)    visit_select(c, v, type)
 *   visit_block/visit_loop/visit_if(c, v, frame)    the new frame is on top of v->ctrls
 *   visit_else(c, v, frame)        visit_end(c, v, frame)     frame: the one being closed
 *   visit_br(c, v, depth)          visit_br_if(c, v, depth)   visit_return(c, v)
 *   visit_br_table(c, v, n_targets, targets)   targets: the validated LEB list (n_targets + 1)
 *   visit_call(c, v, func)         visit_call_indirect(c, v, type_index, table)
 *   visit_local(c, v, op, index)   visit_global(c, v, op, index)
 *   visit_table(c, v, op, a, b)    table.get/set/size/grow/fill (a = table), table.init
 *                                  (a = elem, b = table), table.copy (a = dst, b = src),
 *                                  elem.drop (a = elem), data.drop (a = data)
 *   visit_ref(c, v, op, arg)       ref.null (arg = type), ref.is_null, ref.func (arg = index)
 *
 * Control hooks (block, loop, if, else, end) are called in unreachable code too, so a consumer
 * can mirror the control stack; all other hooks only while the current code is reachable.
 * Simple opcodes get their immediates in a body_imm_t.
 */
#ifndef BODY_VISITOR_T
#error "define BODY_VISITOR_T and BODY_DECODE_FN before including body_decode_loop.h"
#endif

/* Whether the consumer should see the instruction: neither after a branch in this block nor in a
 * block that began in such code. */
#define REACHABLE(v)                                                                               \
    (!(v)->ctrls[(v)->n_ctrls - 1].is_unreachable && !(v)->ctrls[(v)->n_ctrls - 1].is_dead)

static inline bool
BODY_DECODE_SIMPLE(body_validator_t *v, BODY_VISITOR_T *c, unsigned op,
                   const sl_opcode_info_t *info)
{
    const sl_sig_info_t *sig = &sl_sig_info[info->sig];
    body_imm_t imm = {0};
    switch (info->imm) {
    case SL_IMM_NONE: break;
    case SL_IMM_MEMARG:
        if (!read_memarg(v, info->size_log2, &imm.offset))
            return false;
        break;
    case SL_IMM_MEMARG_LANE:
        if (!read_memarg(v, info->size_log2, &imm.offset) ||
            !read_lane(v, 16u >> info->size_log2, &imm.lane))
            return false;
        break;
    case SL_IMM_LANE:
        if (!read_lane(v, 16u >> info->size_log2, &imm.lane))
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
        if (!read_data_index(v, &imm.index) || !read_zero_byte(v) || !check_memory(v, 0))
            return false;
        break;
    case SL_IMM_I32:
        if (!reader_s32(&v->r, &imm.u.i32))
            return false;
        break;
    case SL_IMM_I64:
        if (!reader_s64(&v->r, &imm.u.i64))
            return false;
        break;
    case SL_IMM_F32:
        if (!(imm.bytes = reader_bytes(&v->r, 4)))
            return false;
        memcpy(&imm.u.f32_bits, imm.bytes, 4);
        break;
    case SL_IMM_F64:
        if (!(imm.bytes = reader_bytes(&v->r, 8)))
            return false;
        memcpy(&imm.u.f64_bits, imm.bytes, 8);
        break;
    case SL_IMM_V128:
        if (!(imm.bytes = reader_bytes(&v->r, 16)))
            return false;
        break;
    case SL_IMM_SHUFFLE:
        imm.bytes = v->r.p;
        for (int i = 0; i < 16; i++)
            if (!read_lane(v, 32, &imm.lane))
                return false;
        break;
    default:
        SL_ASSERT(!"simple opcode with an unexpected immediate");
    }
    for (unsigned i = sig->n_params; i-- > 0;)
        if (!pop_expect(v, sig->params[i]))
            return false;
    if (sig->n_results && !push(v, sig->result))
        return false;
    return !REACHABLE(v) || visit_simple(c, v, op, &imm);
}

/* Validates one instruction whose opcode has been read, then hands it to the consumer. */
static inline bool
BODY_DECODE_OP(body_validator_t *v, BODY_VISITOR_T *c, unsigned op)
{
    const sl_opcode_info_t *info = &sl_opcode_info[op];
    const sl_module_t *m = v->module;
    reader_t *r = &v->r;
    ctrl_frame_t frame = {0}; /* initialised for gcc -O3, which cannot see pop_ctrl fill it */
    const ctrl_frame_t *target = NULL;
    const sl_valtype_t *in = NULL, *out = NULL;
    uint32_t n_in = 0, n_out = 0, index, other;
    sl_valtype_t t = 0, t1 = 0, t2 = 0;

    if (info->sig != SL_SIG_SPECIAL)
        return BODY_DECODE_SIMPLE(v, c, op, info);

    switch (op) {
    case SL_OP_UNREACHABLE:
        if (REACHABLE(v) && !visit_unreachable(c, v))
            return false;
        set_unreachable(v);
        return true;
    case SL_OP_BLOCK:
    case SL_OP_LOOP:
        if (!read_block_type(v, &in, &n_in, &out, &n_out) || !pop_list(v, in, n_in) ||
            !push_ctrl(v, (uint8_t)op, in, n_in, out, n_out))
            return false;
        return op == SL_OP_BLOCK ? visit_block(c, v, &v->ctrls[v->n_ctrls - 1])
                                 : visit_loop(c, v, &v->ctrls[v->n_ctrls - 1]);
    case SL_OP_IF:
        if (!read_block_type(v, &in, &n_in, &out, &n_out) || !pop_expect(v, SL_TYPE_I32) ||
            !pop_list(v, in, n_in) || !push_ctrl(v, SL_OP_IF, in, n_in, out, n_out))
            return false;
        return visit_if(c, v, &v->ctrls[v->n_ctrls - 1]);
    case SL_OP_ELSE:
        if (v->ctrls[v->n_ctrls - 1].opcode != SL_OP_IF)
            return MALFORMED(v, "else without a matching if");
        if (!pop_ctrl(v, &frame) ||
            !push_ctrl(v, SL_OP_ELSE, frame.in, frame.n_in, frame.out, frame.n_out))
            return false;
        return visit_else(c, v, &frame);
    case SL_OP_END:
        if (!pop_ctrl(v, &frame))
            return false;
        /* spec: an if without else must have the same input and output types */
        if (frame.opcode == SL_OP_IF &&
            (frame.n_in != frame.n_out ||
             (frame.n_in && memcmp(frame.in, frame.out, frame.n_in) != 0)))
            return INVALID(v, "type mismatch: if without else must leave its parameters");
        return push_list(v, frame.out, frame.n_out) && visit_end(c, v, &frame);
    case SL_OP_BR:
        if (!read_label(v, &target))
            return false;
        label_types(target, &out, &n_out);
        if (!pop_list(v, out, n_out))
            return false;
        if (REACHABLE(v) && !visit_br(c, v, (uint32_t)(v->ctrls + v->n_ctrls - 1 - target)))
            return false;
        set_unreachable(v);
        return true;
    case SL_OP_BR_IF:
        if (!read_label(v, &target) || !pop_expect(v, SL_TYPE_I32))
            return false;
        label_types(target, &out, &n_out);
        if (!pop_list(v, out, n_out) || !push_list(v, out, n_out))
            return false;
        return !REACHABLE(v) || visit_br_if(c, v, (uint32_t)(v->ctrls + v->n_ctrls - 1 - target));
    case SL_OP_BR_TABLE: {
        uint32_t n_targets;
        if (!reader_count(r, 1, &n_targets))
            return false;
        if (n_targets > v->limits.max_br_table)
            return reader_fail_at(r, v->op_at, SL_ELIMIT, "br_table has %u targets (limit %u)",
                                  n_targets, v->limits.max_br_table);
        const uint8_t *targets = r->p;
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
        if (REACHABLE(v) && !visit_br_table(c, v, n_targets, targets))
            return false;
        set_unreachable(v);
        return true;
    }
    case SL_OP_RETURN:
        if (!pop_list(v, v->ctrls[0].out, v->ctrls[0].n_out))
            return false;
        if (REACHABLE(v) && !visit_return(c, v))
            return false;
        set_unreachable(v);
        return true;
    case SL_OP_CALL: {
        if (!read_func_index(v, &index))
            return false;
        const sl_functype_t *ft = module_func_type(m, index);
        if (!pop_list(v, ft->params, ft->n_params) || !push_list(v, ft->results, ft->n_results))
            return false;
        return !REACHABLE(v) || visit_call(c, v, index);
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
        if (!pop_expect(v, SL_TYPE_I32) || !pop_list(v, ft->params, ft->n_params) ||
            !push_list(v, ft->results, ft->n_results))
            return false;
        return !REACHABLE(v) || visit_call_indirect(c, v, type_index, index);
    }
    case SL_OP_DROP:
        return pop_any(v, &t) && (!REACHABLE(v) || visit_drop(c, v, t));
    case SL_OP_SELECT:
        /* spec: untyped select takes two numeric or vector operands of one type */
        if (!pop_expect(v, SL_TYPE_I32) || !pop_any(v, &t1) || !pop_any(v, &t2))
            return false;
        if (valtype_is_ref(t1) || valtype_is_ref(t2))
            return INVALID(v, "type mismatch: select without a type needs numeric operands");
        if (t1 != t2 && t1 != SL_TYPE_UNKNOWN && t2 != SL_TYPE_UNKNOWN)
            return INVALID(v, "type mismatch: select operands %s and %s", sl_valtype_name(t2),
                           sl_valtype_name(t1));
        t = t1 == SL_TYPE_UNKNOWN ? t2 : t1;
        return push(v, t) && (!REACHABLE(v) || visit_select(c, v, t));
    case SL_OP_SELECT_T: {
        uint32_t n;
        if (!reader_u32(r, &n))
            return false;
        if (n != 1)
            return INVALID(v, "invalid result arity");
        if (!read_valtype(r, &t))
            return false;
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, t) && pop_expect(v, t) && push(v, t) &&
               (!REACHABLE(v) || visit_select(c, v, t));
    }
    case SL_OP_LOCAL_GET:
    case SL_OP_LOCAL_SET:
    case SL_OP_LOCAL_TEE:
        if (!reader_u32(r, &index))
            return false;
        if (index >= v->n_locals)
            return INVALID(v, "unknown local %u", index);
        t = v->locals[index];
        if (op == SL_OP_LOCAL_GET) {
            if (!push(v, t))
                return false;
        } else if (!pop_expect(v, t) || (op == SL_OP_LOCAL_TEE && !push(v, t))) {
            return false;
        }
        return !REACHABLE(v) || visit_local(c, v, op, index);
    case SL_OP_GLOBAL_GET:
    case SL_OP_GLOBAL_SET:
        if (!reader_u32(r, &index))
            return false;
        if (index >= m->n_globals)
            return INVALID(v, "unknown global %u", index);
        if (op == SL_OP_GLOBAL_GET) {
            if (!push(v, m->globals[index].type))
                return false;
        } else {
            if (!m->globals[index].is_mutable)
                return INVALID(v, "global is immutable");
            if (!pop_expect(v, m->globals[index].type))
                return false;
        }
        return !REACHABLE(v) || visit_global(c, v, op, index);
    case SL_OP_TABLE_GET:
        if (!read_table(v, &index) || !pop_expect(v, SL_TYPE_I32) ||
            !push(v, m->tables[index].elem_type))
            return false;
        return !REACHABLE(v) || visit_table(c, v, op, index, 0);
    case SL_OP_TABLE_SET:
        if (!read_table(v, &index) || !pop_expect(v, m->tables[index].elem_type) ||
            !pop_expect(v, SL_TYPE_I32))
            return false;
        return !REACHABLE(v) || visit_table(c, v, op, index, 0);
    case SL_OP_REF_NULL:
        return read_reftype(r, &t) && push(v, t) && (!REACHABLE(v) || visit_ref(c, v, op, t));
    case SL_OP_REF_IS_NULL:
        if (!pop_any(v, &t))
            return false;
        if (t != SL_TYPE_UNKNOWN && !valtype_is_ref(t))
            return INVALID(v, "type mismatch: ref.is_null expected a reference, got %s",
                           sl_valtype_name(t));
        return push(v, SL_TYPE_I32) && (!REACHABLE(v) || visit_ref(c, v, op, t));
    case SL_OP_REF_FUNC:
        if (!read_func_index(v, &index))
            return false;
        /* spec: validation, ref.func: x must be in C.refs */
        if (!module_func_is_declared(m, index))
            return INVALID(v, "undeclared function reference");
        return push(v, SL_TYPE_FUNCREF) && (!REACHABLE(v) || visit_ref(c, v, op, index));
    case SL_OP_DATA_DROP:
        return read_data_index(v, &index) && (!REACHABLE(v) || visit_table(c, v, op, index, 0));
    case SL_OP_TABLE_INIT:
        if (!read_elem_index(v, &index) || !read_table(v, &other))
            return false;
        if (m->elems[index].type != m->tables[other].elem_type)
            return INVALID(v, "type mismatch: table.init element and table types differ");
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, SL_TYPE_I32) && (!REACHABLE(v) || visit_table(c, v, op, index, other));
    case SL_OP_ELEM_DROP:
        return read_elem_index(v, &index) && (!REACHABLE(v) || visit_table(c, v, op, index, 0));
    case SL_OP_TABLE_COPY:
        if (!read_table(v, &index) || !read_table(v, &other))
            return false;
        if (m->tables[index].elem_type != m->tables[other].elem_type)
            return INVALID(v, "type mismatch: table.copy between tables of different types");
        return pop_expect(v, SL_TYPE_I32) && pop_expect(v, SL_TYPE_I32) &&
               pop_expect(v, SL_TYPE_I32) && (!REACHABLE(v) || visit_table(c, v, op, index, other));
    case SL_OP_TABLE_GROW:
        if (!read_table(v, &index) || !pop_expect(v, SL_TYPE_I32) ||
            !pop_expect(v, m->tables[index].elem_type) || !push(v, SL_TYPE_I32))
            return false;
        return !REACHABLE(v) || visit_table(c, v, op, index, 0);
    case SL_OP_TABLE_SIZE:
        return read_table(v, &index) && push(v, SL_TYPE_I32) &&
               (!REACHABLE(v) || visit_table(c, v, op, index, 0));
    case SL_OP_TABLE_FILL:
        if (!read_table(v, &index) || !pop_expect(v, SL_TYPE_I32) ||
            !pop_expect(v, m->tables[index].elem_type) || !pop_expect(v, SL_TYPE_I32))
            return false;
        return !REACHABLE(v) || visit_table(c, v, op, index, 0);
    default:
        SL_ASSERT(!"special opcode without a validation rule");
        return false;
    }
}

/* Decodes, validates and visits one body: `size` bytes at `offset` in the module's wire bytes,
 * the body of defined function `func_index`. On failure returns the code with `err` filled
 * (section 10, offset, function index, offset in the body). */
static int
BODY_DECODE_FN(body_validator_t *v, BODY_VISITOR_T *c, const sl_module_t *m, uint32_t func_index,
               uint32_t offset, uint32_t size, sl_error_t *err)
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
              push_ctrl(v, SL_OP_BLOCK, NULL, 0, type->results, type->n_results) &&
              visit_start(c, v);
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
            ok = BODY_DECODE_OP(v, c, op);
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

#undef REACHABLE
