/* Constant expressions, element and data segments of an instance (spec 2.0: instantiation,
 * table.init, memory.init, elem.drop, data.drop).
 *
 * Segments as the spec has them after instantiation: an element segment is its list of
 * references, evaluated once (so ref.func gives the same sl_func_t * every time); a data segment
 * is a window on the module's wire bytes, which live as long as the module. Dropping either makes
 * its length 0, which is all table.init and memory.init need to see. Active and declarative
 * segments are dropped once instantiation has applied them.
 */
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "invariants.h"
#include "leb128.h"

/* Reads a LEB128 immediate the validator already accepted, so it cannot fail here. */
static uint64_t
imm(const uint8_t **p, const uint8_t *end, unsigned bits, int is_signed)
{
    uint64_t v = 0;
    int n = leb128_read(*p, end, bits, is_signed, &v);
    SL_ASSERT(n > 0);
    *p += n;
    return v;
}

/* Constant expressions of 2.0 are one instruction and `end` (const_expr.c validated them). */
void
instance_const_eval(const sl_instance_t *inst, const module_const_expr_t *expr, sl_value_t *out)
{
    const sl_module_t *m = inst->module;
    const uint8_t *p = m->wire + expr->offset, *end = p + expr->size;
    memset(out, 0, sizeof *out);
    out->type = expr->type;
    uint8_t op = *p++;
    switch (op) {
    case 0x41: /* i32.const */
        out->of.i32 = (int32_t)imm(&p, end, 32, 1);
        break;
    case 0x42: /* i64.const */
        out->of.i64 = (int64_t)imm(&p, end, 64, 1);
        break;
    case 0x43: /* f32.const */
        memcpy(&out->of.f32, p, 4);
        break;
    case 0x44: /* f64.const */
        memcpy(&out->of.f64, p, 8);
        break;
    case 0xd0: /* ref.null t: NULL in both reference types */
        break;
    case 0xd2: /* ref.func x */
        out->of.funcref = inst->func_ptrs[imm(&p, end, 32, 0)];
        break;
    case 0x23: { /* global.get x: an imported global (spec: context C') */
        const sl_global_t *g = inst->global_ptrs[imm(&p, end, 32, 0)];
        memcpy(&out->of, &g->value, sizeof g->value);
        break;
    }
    case 0xfd: /* v128.const: the sub-opcode (0x0c) is a LEB128 u32, then 16 bytes */
        imm(&p, end, 32, 0);
        memcpy(out->of.v128, p, 16);
        break;
    default:
        SL_ASSERT(!"constant expression the validator let through");
    }
}

int
instance_segments_new(sl_instance_t *inst)
{
    const sl_module_t *m = inst->module;
    for (uint32_t i = 0; i < m->n_elems; i++) {
        const module_elem_t *seg = &m->elems[i];
        instance_elem_t *e = &inst->elems[i];
        e->refs = calloc(seg->n_items ? seg->n_items : 1, sizeof *e->refs);
        if (!e->refs)
            return SL_ENOMEM;
        for (uint32_t k = 0; k < seg->n_items; k++) {
            if (seg->func_indices) {
                e->refs[k] = inst->func_ptrs[seg->func_indices[k]];
            } else {
                sl_value_t v;
                instance_const_eval(inst, &seg->exprs[k], &v);
                e->refs[k] = v.of.externref; /* the same pointer member for both types */
            }
        }
        e->len = seg->n_items;
    }
    for (uint32_t i = 0; i < m->n_datas; i++)
        inst->data_sizes[i] = m->datas[i].size;
    return 0;
}

static uint32_t
offset_of(const sl_instance_t *inst, const module_const_expr_t *expr)
{
    sl_value_t v;
    instance_const_eval(inst, expr, &v);
    return (uint32_t)v.of.i32;
}

int
instance_segments_apply(sl_instance_t *inst)
{
    const sl_module_t *m = inst->module;
    for (uint32_t i = 0; i < m->n_elems; i++) {
        const module_elem_t *seg = &m->elems[i];
        if (seg->mode == MODULE_SEGMENT_ACTIVE) {
            int trap = instance_table_init(inst, i, seg->table, offset_of(inst, &seg->offset), 0,
                                           seg->n_items);
            if (trap)
                return trap;
        }
        if (seg->mode != MODULE_SEGMENT_PASSIVE)
            inst->elems[i].len = 0;
    }
    for (uint32_t i = 0; i < m->n_datas; i++) {
        const module_data_t *seg = &m->datas[i];
        if (seg->mode != MODULE_SEGMENT_ACTIVE)
            continue;
        int trap = instance_memory_init(inst, i, offset_of(inst, &seg->offset), 0, seg->size);
        if (trap)
            return trap;
        inst->data_sizes[i] = 0;
    }
    return 0;
}

int
instance_table_init_range(sl_instance_t *inst, uint32_t seg, uint32_t table, uint32_t dst,
                          uint32_t src, uint32_t n, void ***to, void *const **from)
{
    const instance_elem_t *e = &inst->elems[seg];
    sl_table_t *t = inst->table_ptrs[table];
    /* 64-bit sums: u32 operands cannot wrap */
    if ((uint64_t)src + n > e->len || (uint64_t)dst + n > t->size)
        return SL_TRAP_TABLE_OOB;
    *to = t->elems + dst;
    *from = e->refs + src;
    return 0;
}

int
instance_memory_init_range(sl_instance_t *inst, uint32_t seg, uint32_t dst, uint32_t src,
                           uint32_t n, uint8_t **to, const uint8_t **from)
{
    const sl_module_t *m = inst->module;
    const linear_memory_t *mem = inst->vm.memory;
    uint64_t size = mem ? mem->size : 0;
    if ((uint64_t)src + n > inst->data_sizes[seg] || (uint64_t)dst + n > size)
        return SL_TRAP_MEMORY_OOB;
    *to = mem ? mem->base + dst : NULL; /* no memory: n is 0 and nothing is written */
    *from = m->wire + m->datas[seg].bytes_offset + src;
    return 0;
}

int
instance_table_init(sl_instance_t *inst, uint32_t seg, uint32_t table, uint32_t dst,
                    uint32_t src, uint32_t n)
{
    void **to;
    void *const *from;
    int trap = instance_table_init_range(inst, seg, table, dst, src, n, &to, &from);
    if (trap == 0 && n)
        memcpy(to, from, (size_t)n * sizeof *to);
    return trap;
}

int
instance_memory_init(sl_instance_t *inst, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
{
    uint8_t *to;
    const uint8_t *from;
    int trap = instance_memory_init_range(inst, seg, dst, src, n, &to, &from);
    if (trap == 0 && n)
        memcpy(to, from, n);
    return trap;
}
