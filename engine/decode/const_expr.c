/* Constant expressions (spec: validation, constant expressions): global initialisers and segment
 * offsets and items. They run at instantiation; here they are decoded, type-checked and kept as
 * their bytes. In Wasm 2.0, global.get may only name an imported immutable global (the context
 * C' of the spec's module rule). */
#include "decoder.h"
#include "opcodes.h"

static bool
not_constant(reader_t *r, uint64_t at)
{
    return reader_fail_at(r, at, SL_EINVALID, "constant expression required");
}

/* Classifies an opcode that is not allowed here: a known instruction is merely not constant
 * (invalid), an unknown byte is malformed. */
static bool
reject_opcode(reader_t *r, uint64_t at, uint8_t byte)
{
    uint32_t code = byte;
    unsigned space = 0;
    if (byte == 0xfc || byte == 0xfd) {
        space = byte == 0xfc ? SL_OPSPACE_FC : SL_OPSPACE_FD;
        if (!reader_u32(r, &code))
            return false;
    }
    if (code < 256 && sl_opcode_by_code[space + code])
        return not_constant(r, at);
    return reader_fail_at(r, at, SL_EMALFORMED, "illegal opcode");
}

bool
const_expr_decode(decoder_t *d, reader_t *r, sl_valtype_t expected, module_const_expr_t *out)
{
    sl_module_t *m = d->module;
    uint64_t start = reader_offset(r);
    sl_valtype_t top = SL_TYPE_UNKNOWN;
    uint32_t depth = 0;
    for (;;) {
        uint64_t at = reader_offset(r);
        uint8_t op;
        if (!reader_u8(r, &op))
            return false;
        sl_valtype_t pushed;
        switch (op) {
        case 0x0b: /* end */
            if (depth != 1 || top != expected)
                return reader_fail_at(r, at, SL_EINVALID, "type mismatch: expected %s, got %s",
                                      sl_valtype_name(expected),
                                      depth == 0 ? "nothing" : sl_valtype_name(top));
            out->offset = (uint32_t)start;
            out->size = (uint32_t)(reader_offset(r) - start);
            out->type = expected;
            return true;
        case 0x41: { /* i32.const */
            int32_t v;
            if (!reader_s32(r, &v))
                return false;
            pushed = SL_TYPE_I32;
            break;
        }
        case 0x42: { /* i64.const */
            int64_t v;
            if (!reader_s64(r, &v))
                return false;
            pushed = SL_TYPE_I64;
            break;
        }
        case 0x43: /* f32.const */
            if (!reader_bytes(r, 4))
                return false;
            pushed = SL_TYPE_F32;
            break;
        case 0x44: /* f64.const */
            if (!reader_bytes(r, 8))
                return false;
            pushed = SL_TYPE_F64;
            break;
        case 0xd0: /* ref.null t */
            if (!read_reftype(r, &pushed))
                return false;
            break;
        case 0xd2: { /* ref.func x: also declares x for ref.func in code (spec: C.refs) */
            uint32_t f;
            uint64_t idx_at = reader_offset(r);
            if (!reader_u32(r, &f))
                return false;
            if (f >= m->n_funcs)
                return reader_fail_at(r, idx_at, SL_EINVALID, "unknown function %u", f);
            if (module_declare_func(m, f) != 0)
                return reader_fail(r, SL_ENOMEM, "out of memory");
            pushed = SL_TYPE_FUNCREF;
            break;
        }
        case 0x23: { /* global.get x */
            uint32_t g;
            uint64_t idx_at = reader_offset(r);
            if (!reader_u32(r, &g))
                return false;
            if (g >= m->n_imported_globals)
                return reader_fail_at(r, idx_at, SL_EINVALID, "unknown global %u", g);
            if (m->globals[g].is_mutable)
                return not_constant(r, at);
            pushed = m->globals[g].type;
            break;
        }
        case 0xfd: { /* v128.const is the one constant SIMD instruction */
            uint32_t code;
            const uint8_t *save = r->p;
            if (!reader_u32(r, &code))
                return false;
            if (code != 0x0c) {
                r->p = save;
                return reject_opcode(r, at, op);
            }
            if (!reader_bytes(r, 16))
                return false;
            pushed = SL_TYPE_V128;
            break;
        }
        default:
            return reject_opcode(r, at, op);
        }
        top = pushed;
        depth++;
    }
}
