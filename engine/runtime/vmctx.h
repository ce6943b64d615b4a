/* The runtime objects as generated code sees them: fixed offsets that the compilers bake into
 * instructions. Read before changing: every offset here is checked by a static assertion and
 * used by engine/baseline (and later the top tier); change both together.
 *
 * Registers in wasm code (both tiers):
 *   r14  the running instance's vmctx (preserved across calls by every wasm function)
 *   r15  the running instance's memory base (likewise; a memory never moves, see memory.h)
 *   rbp  frame pointer; rsp 16-byte aligned at every call
 * A call into another instance (an import, call_indirect) sets r14 and r15 for the callee and
 * restores the caller's afterwards: load the sl_func_t *f, r14 = f->vmctx, r15 = [r14 + 0],
 * call [f->code].
 *
 * Host functions are called the same way: their vmctx is the sl_func_t itself (so r15 gets a
 * meaningless value), and their code slot holds the engine's host thunk (entry.c), which converts
 * the call area to sl_value_t arguments, calls the callback, and returns the first result slot in
 * both rax and xmm0 (all 16 bytes), several results in the area. A callback's non-zero return
 * traps in the caller's activation.
 *
 * Calling convention between wasm functions: arguments in a stack area the caller reserves at
 * its rsp (8 bytes a value, 16 for v128, in order; abi_area_offset below), so the callee
 * finds them at [rbp + 16]. One result comes back in rax (integers, references) or xmm0 (floats,
 * v128); several results are written by the callee into the same area, which the caller sizes
 * for the larger of parameters and results.
 */
#ifndef SL_VMCTX_H
#define SL_VMCTX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "memory.h"
#include "slipstream.h"
#include "types.h"

/* The call area of the convention above: value i's offset, and the whole area's size rounded to
 * 16 so that rsp stays aligned. Both tiers and the entry trampoline's caller use these. */
static inline uint32_t
abi_slot_size(uint8_t type)
{
    return type == SL_V128 ? 16 : 8;
}

static inline uint32_t
abi_area_offset(const uint8_t *types, uint32_t i)
{
    uint32_t at = 0;
    for (uint32_t k = 0; k < i; k++)
        at += abi_slot_size(types[k]);
    return at;
}

static inline uint32_t
abi_area_size(const uint8_t *types, uint32_t n)
{
    return (abi_area_offset(types, n) + 15) & ~15u;
}

/* Per store: what every instance's code checks at function entry and loop back-edges. The
 * interrupt path moves stack_limit to UINTPTR_MAX so that the check already there fails; the
 * runtime then reads `interrupt` to tell an interrupt from a real stack overflow. */
typedef struct vm_limits {
    _Atomic uintptr_t stack_limit; /* lowest rsp wasm code may use */
    atomic_uint interrupt;         /* non-zero: stop at the next check */
    uintptr_t saved_stack_limit;   /* the real limit while an interrupt is pending */
} vm_limits_t;

typedef struct vmctx vmctx_t;

/* A function reference: what a funcref value points to, an import resolves to, and a table
 * holds. Generated code reads the first three fields. */
struct sl_func {
    const void *const *code; /* +0  where the callee's code address is (a jump-table slot) */
    vmctx_t *vmctx;          /* +8  the callee's instance, or the function itself for hosts */
    uint32_t type_id;        /* +16 canonical function type id (engine-wide) */
    uint32_t func_index;     /* index in its module (wasm functions) */
    /* not read by generated code */
    const sl_functype_t *type;
    sl_host_cb host_cb;      /* host functions only */
    void *host_env;
    const void *host_code;   /* host functions: `code` points here, at the host thunk */
    sl_store_t *store;
};

/* A table: generated code reads `elems` and `size`. Growing may move `elems` (realloc), so
 * code reloads it at every access rather than caching it across a call. A null reference is
 * NULL in both table types. */
struct sl_table {
    void **elems;     /* +0  sl_func_t * for funcref tables, host pointers for externref */
    uint32_t size;    /* +8  */
    uint32_t max;     /*     the declared maximum, UINT32_MAX when there is none */
    bool has_max;     /*     whether one was declared (UINT32_MAX is a valid maximum) */
    uint8_t elem_type;
    sl_store_t *store;
};

/* A global's value cell (16 bytes for v128); imported globals share the exporter's cell, which
 * is why vmctx holds pointers to globals, not the values. */
struct sl_global {
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32;
        uint64_t f64;
        uint8_t v128[16];
        void *ref;
    } value;          /* +0 */
    uint8_t type;
    bool is_mutable;
    sl_store_t *store;
};

/* The runtime entry points generated code calls (SysV ABI, vmctx first), in a table so that the
 * offset, not the address, is baked into code (builtins.c). Bounds failures trap ("out of bounds
 * memory access" / "out of bounds table access") after checking the whole range, before any
 * write; grow returns the old size or -1 and never traps. Segment indices are the module's;
 * memory builtins act on memory 0. */
#define VM_BUILTINS(X)                                                                             \
    X(trap)          /* void (vmctx_t *, int trap_code): never returns */                          \
    X(stack_check)   /* void (vmctx_t *): traps "call stack exhausted" or "interrupted" */         \
    X(memory_grow)   /* int32_t (vmctx_t *, uint32_t delta) */                                     \
    X(memory_fill)   /* void (vmctx_t *, uint32_t dst, uint32_t value, uint32_t n) */              \
    X(memory_copy)   /* void (vmctx_t *, uint32_t dst, uint32_t src, uint32_t n) */                \
    X(memory_init)   /* void (vmctx_t *, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) */  \
    X(data_drop)     /* void (vmctx_t *, uint32_t seg) */                                          \
    X(table_get)     /* void *(vmctx_t *, uint32_t table, uint32_t i) */                           \
    X(table_set)     /* void (vmctx_t *, uint32_t table, uint32_t i, void *ref) */                 \
    X(table_size)    /* uint32_t (vmctx_t *, uint32_t table) */                                    \
    X(table_grow)    /* int32_t (vmctx_t *, uint32_t table, void *init, uint32_t delta) */         \
    X(table_fill)    /* void (vmctx_t *, uint32_t table, uint32_t i, void *ref, uint32_t n) */     \
    X(table_copy)    /* void (vmctx_t *, uint32_t dst_t, uint32_t src_t, uint32_t d, uint32_t s, uint32_t n) */ \
    X(table_init)    /* void (vmctx_t *, uint32_t seg, uint32_t table, uint32_t d, uint32_t s, uint32_t n) */ \
    X(elem_drop)     /* void (vmctx_t *, uint32_t seg) */                                          \
    X(ref_func)      /* sl_func_t *(vmctx_t *, uint32_t func) */                                   \
    X(tier_up)       /* void (vmctx_t *, uint32_t defined_func) */                                 \
    X(f32_from_u64)  /* float (uint64_t) */                                                        \
    X(f64_from_u64)  /* double (uint64_t) */

/* Builtins have different C signatures; they are stored as one function pointer type and cast
 * back where they are defined. */
typedef void (*vm_builtin_fn)(void);

enum vm_builtin {
#define X(name) VM_BUILTIN_##name,
    VM_BUILTINS(X)
#undef X
    VM_N_BUILTINS
};

/* The instance as generated code sees it (the first member of struct sl_instance). */
struct vmctx {
    uint8_t *mem_base;        /* +0   memory->base (never moves), NULL without a memory */
    linear_memory_t *memory;  /* +8   memory 0, NULL without one; shared with its importers, so
                                        the size is read through it: [memory + MEMORY_OFFSETOF_SIZE] */
    vm_limits_t *limits;      /* +16  the store's */
    sl_func_t **funcs;        /* +24  per function index, imports first */
    sl_global_t **globals;    /* +32  per global index */
    sl_table_t **tables;      /* +40  per table index */
    const uint32_t *type_ids; /* +48  canonical id per type index of the module */
    int32_t *budgets;         /* +56  tier-up budget per defined function (module-wide) */
    vm_builtin_fn builtins[VM_N_BUILTINS]; /* +64 */
};

#define VMCTX_MEM_BASE 0
#define VMCTX_MEMORY 8
#define VMCTX_LIMITS 16
#define VMCTX_FUNCS 24
#define VMCTX_GLOBALS 32
#define VMCTX_TABLES 40
#define VMCTX_TYPE_IDS 48
#define VMCTX_BUDGETS 56
#define VMCTX_BUILTIN(b) (64 + 8 * (b))
#define FUNC_CODE 0
#define FUNC_VMCTX 8
#define FUNC_TYPE_ID 16
#define GLOBAL_VALUE 0
#define TABLE_ELEMS 0
#define TABLE_SIZE 8
#define LIMITS_STACK_LIMIT 0

_Static_assert(offsetof(vmctx_t, mem_base) == VMCTX_MEM_BASE, "vmctx layout");
_Static_assert(offsetof(vmctx_t, memory) == VMCTX_MEMORY, "vmctx layout");
_Static_assert(offsetof(vmctx_t, limits) == VMCTX_LIMITS, "vmctx layout");
_Static_assert(offsetof(vmctx_t, funcs) == VMCTX_FUNCS, "vmctx layout");
_Static_assert(offsetof(vmctx_t, globals) == VMCTX_GLOBALS, "vmctx layout");
_Static_assert(offsetof(vmctx_t, tables) == VMCTX_TABLES, "vmctx layout");
_Static_assert(offsetof(vmctx_t, type_ids) == VMCTX_TYPE_IDS, "vmctx layout");
_Static_assert(offsetof(vmctx_t, budgets) == VMCTX_BUDGETS, "vmctx layout");
_Static_assert(offsetof(vmctx_t, builtins) == VMCTX_BUILTIN(0), "vmctx layout");
_Static_assert(offsetof(struct sl_func, code) == FUNC_CODE, "funcref layout");
_Static_assert(offsetof(struct sl_func, vmctx) == FUNC_VMCTX, "funcref layout");
_Static_assert(offsetof(struct sl_func, type_id) == FUNC_TYPE_ID, "funcref layout");
_Static_assert(offsetof(struct sl_global, value) == GLOBAL_VALUE, "global layout");
_Static_assert(offsetof(struct sl_table, elems) == TABLE_ELEMS, "table layout");
_Static_assert(offsetof(struct sl_table, size) == TABLE_SIZE, "table layout");
_Static_assert(offsetof(vm_limits_t, stack_limit) == LIMITS_STACK_LIMIT, "limits layout");

#endif
