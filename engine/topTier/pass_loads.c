/* Redundant load elimination and store-to-load forwarding, within a block and down chains of
 * blocks that have one predecessor: a load of the same address value, offset and op as an
 * earlier load gets that load's value, and a full-width load of what an earlier store of the same
 * width wrote gets the stored value. The earlier access checked the same bytes, so the load it
 * replaces could not have trapped (spec: memory instructions trap on the effective address range,
 * which is the same). Without alias analysis, a store keeps only what is known at the same
 * address value with bytes disjoint from its own (same base: disjoint offsets cannot overlap,
 * effective addresses do not wrap); calls and every other op that writes memory or has an effect
 * forget everything. Ops that write only globals, tables or segments leave memory alone.
 * At most LOADS_MAX_KNOWN accesses are remembered (the oldest go first), so the pass is linear.
 * Requires: nothing (builds its own cfg).  Provides: -.  Invalidates: nothing (no edge changes).
 */
#include <string.h>

#include "cfg.h"
#include "ir_edit.h"
#include "opcodes.h"
#include "pipeline.h"

enum { LOADS_MAX_KNOWN = 16 };

/* What a load with op `load_op` at [addr + offset] gives: `value`. */
typedef struct known {
    ir_ref_t addr, value;
    uint64_t offset;
    uint32_t size;
    uint16_t load_op;
} known_t;

typedef struct state {
    known_t k[LOADS_MAX_KNOWN];
    uint32_t n;
} state_t;

/* A block's state at its end, kept until every successor it is the only predecessor of has
 * copied it. Slots are reused through a free list. */
typedef struct pending {
    state_t *slots;
    uint32_t *n_readers, *free, n_free, n_slots, cap_slots;
} pending_t;

static uint32_t
access_size(unsigned op)
{
    return 1u << sl_opcode_info[ir_op_wasm(op)].size_log2;
}

/* The load that reads back what store `op` wrote, or 0 for narrowing stores. */
static unsigned
load_of_store(unsigned op)
{
    switch (op) {
    case IR_I32_STORE: return IR_I32_LOAD;
    case IR_I64_STORE: return IR_I64_LOAD;
    case IR_F32_STORE: return IR_F32_LOAD;
    case IR_F64_STORE: return IR_F64_LOAD;
    case IR_V128_STORE: return IR_V128_LOAD;
    default: return 0;
    }
}

/* Writes that cannot change linear memory. */
static bool
leaves_memory(unsigned op)
{
    switch (op) {
    case IR_GLOBAL_SET: case IR_TABLE_SET: case IR_TABLE_GROW: case IR_TABLE_FILL:
    case IR_TABLE_INIT: case IR_TABLE_COPY: case IR_ELEM_DROP: case IR_DATA_DROP: return true;
    default: return false;
    }
}

static void
remember(state_t *st, known_t k)
{
    if (st->n == LOADS_MAX_KNOWN) {
        memmove(st->k, st->k + 1, (LOADS_MAX_KNOWN - 1) * sizeof *st->k);
        st->n--;
    }
    st->k[st->n++] = k;
}

/* A store of `size` bytes at [addr + offset]: what it may overlap goes. */
static void
forget_overlapping(state_t *st, ir_ref_t addr, uint64_t offset, uint32_t size)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < st->n; i++) {
        const known_t *k = &st->k[i];
        if (k->addr == addr && (k->offset + k->size <= offset || offset + size <= k->offset))
            st->k[n++] = *k;
    }
    st->n = n;
}

static void
visit(ir_func_t *f, ir_ref_t *map, state_t *st, ir_ref_t r)
{
    ir_insn_t *insn = ir_insn(f, r);
    unsigned flags = ir_op_flags(insn->op);
    bool is_mem = ir_op_imm(insn->op) == IR_IMM_MEM;
    ir_ref_t *args = ir_args(insn);
    if (is_mem && insn->n_args)
        args[0] = ir_map_find(map, f->n_insns, args[0]);
    if (is_mem && (flags & IRF_READ) && insn->n_args == 1) {
        for (uint32_t i = 0; i < st->n; i++) {
            const known_t *k = &st->k[i];
            if (k->addr == args[0] && k->offset == insn->imm && k->load_op == insn->op) {
                map[r] = k->value;
                ir_remove(f, r);
                return;
            }
        }
        remember(st, (known_t){args[0], r, insn->imm, access_size(insn->op), insn->op});
    } else if (is_mem && (flags & IRF_WRITE) && insn->n_args == 2) {
        uint32_t size = access_size(insn->op);
        forget_overlapping(st, args[0], insn->imm, size);
        unsigned load = load_of_store(insn->op);
        if (load)
            remember(st, (known_t){args[0], ir_map_find(map, f->n_insns, args[1]), insn->imm,
                                   size, (uint16_t)load});
    } else if ((flags & (IRF_WRITE | IRF_EFFECT)) && !leaves_memory(insn->op)) {
        st->n = 0;
    }
}

/* Keeps state st for `n_readers` successors; false when out of memory. */
static bool
keep(pending_t *pd, arena_t *scratch, const state_t *st, uint32_t n_readers, uint32_t *slot)
{
    if (!pd->n_free) {
        if (pd->n_slots == pd->cap_slots) {
            uint32_t cap = pd->cap_slots ? 2 * pd->cap_slots : 16;
            state_t *slots = arena_alloc_array(scratch, cap, sizeof *slots);
            uint32_t *readers = arena_alloc_array(scratch, cap, sizeof *readers);
            uint32_t *free_list = arena_alloc_array(scratch, cap, sizeof *free_list);
            if (!slots || !readers || !free_list)
                return false;
            if (pd->n_slots) {
                memcpy(slots, pd->slots, pd->n_slots * sizeof *slots);
                memcpy(readers, pd->n_readers, pd->n_slots * sizeof *readers);
            }
            pd->slots = slots;
            pd->n_readers = readers;
            pd->free = free_list;
            pd->cap_slots = cap;
        }
        pd->free[pd->n_free++] = pd->n_slots++;
    }
    *slot = pd->free[--pd->n_free];
    pd->slots[*slot] = *st;
    pd->n_readers[*slot] = n_readers;
    return true;
}

int
pass_loads(ir_func_t *f, arena_t *scratch)
{
    cfg_t cfg;
    int rc = cfg_build(f, scratch, &cfg);
    if (rc)
        return rc;
    uint32_t n_blocks = f->n_blocks;
    ir_ref_t *map = arena_alloc_array(scratch, f->n_insns, sizeof *map);
    uint32_t *only_pred = arena_alloc_array(scratch, n_blocks, sizeof *only_pred);
    uint32_t *slot_of = arena_alloc_array(scratch, n_blocks, sizeof *slot_of);
    uint32_t *seen = arena_alloc_array(scratch, n_blocks, sizeof *seen);
    state_t *st = arena_alloc(scratch, sizeof *st);
    if (!map || !only_pred || !slot_of || !seen || !st)
        return scratch->last_error;
    /* The one reachable predecessor of each block, or IR_NO_BLOCK. */
    for (uint32_t b = 0; b < n_blocks; b++) {
        only_pred[b] = slot_of[b] = seen[b] = IR_NO_BLOCK;
        uint32_t n_live = 0;
        for (uint32_t p = cfg.pred_start[b]; b != cfg.entry && p < cfg.pred_start[b + 1]; p++)
            if (cfg_is_reachable(&cfg, cfg.preds[p]) && n_live++ == 0)
                only_pred[b] = cfg.preds[p];
        if (n_live != 1)
            only_pred[b] = IR_NO_BLOCK;
    }
    pending_t pd = {0};
    for (uint32_t i = 0; i < cfg.n_rpo; i++) {
        uint32_t b = cfg.rpo[i], p = only_pred[b];
        st->n = 0;
        if (p != IR_NO_BLOCK && slot_of[p] != IR_NO_BLOCK) {
            uint32_t s = slot_of[p];
            *st = pd.slots[s];
            if (--pd.n_readers[s] == 0) {
                pd.free[pd.n_free++] = s;
                slot_of[p] = IR_NO_BLOCK;
            }
        }
        for (ir_ref_t r = ir_block(f, b)->first; r;) {
            ir_ref_t next = ir_insn(f, r)->next;
            visit(f, map, st, r);
            r = next;
        }
        const ir_insn_t *t = ir_insn(f, ir_block_terminator(f, b));
        uint32_t n_readers = 0;
        for (uint32_t s = 0; s < t->n_succs; s++) {
            uint32_t to = t->ext.succs[s].block;
            if (only_pred[to] == b && seen[to] != b) {
                seen[to] = b;
                n_readers++;
            }
        }
        if (n_readers && st->n && !keep(&pd, scratch, st, n_readers, &slot_of[b]))
            return scratch->last_error;
    }
    ir_replace_uses(f, map);
    return f->status;
}
