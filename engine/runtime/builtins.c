/* The builtins: out-of-line helpers generated code calls through vmctx.builtins (vmctx.h gives
 * each one's C signature). They run on the thread running the wasm code, inside its activation,
 * so a failed bounds check raises the trap directly (vm_trap_raise long-jumps to the entry).
 *
 * Bounds follow the 2.0 bulk-memory rules (spec: execution, memory.fill ... table.init): the
 * whole range is checked first with 64-bit sums (u32 operands cannot wrap), so an access that
 * fails writes nothing, and a zero-length access at exactly the end is allowed. memory.grow and
 * table.grow never trap: they answer -1.
 *
 * Deadlines hold inside them too: a bulk operation may cover 4 GiB, seconds of work, so it runs
 * in chunks of about a millisecond each (MEMORY_CHUNK bytes, TABLE_CHUNK elements) and looks at
 * the store's interrupt before each chunk. An interrupted operation traps with "interrupted"
 * after the chunks before it; that trap is the host's, outside the spec's all-or-nothing rule,
 * which is about bounds, and bounds are still checked for the whole range before any chunk.
 * memory.grow only changes page protections and table.grow is bounded by the store's table
 * limit, so neither is chunked.
 *
 * Segment, table and function indices come from validated code, so they are in range; vmctx is
 * the first member of the instance, which holds the segments.
 */
#include <string.h>

#include "builtins.h"
#include "engine_state.h"
#include "entry.h"
#include "instance.h"
#include "jump_table.h"

_Static_assert(offsetof(struct sl_instance, vm) == 0, "builtins find the instance at vmctx");

static sl_instance_t *
instance_of(vmctx_t *vm)
{
    return (sl_instance_t *)vm;
}

static void
builtin_trap(vmctx_t *vm, int trap_code)
{
    (void)vm;
    vm_trap_raise(trap_code);
}

enum { MEMORY_CHUNK = 1u << 20, TABLE_CHUNK = 1u << 16 };

/* Traps with "interrupted" if the store was interrupted, putting the real stack limit back. */
static void
check_interrupt(vmctx_t *vm)
{
    vm_limits_t *limits = vm->limits;
    if (atomic_exchange(&limits->interrupt, 0)) {
        atomic_store(&limits->stack_limit, limits->saved_stack_limit);
        vm_trap_raise(SL_TRAP_INTERRUPTED);
    }
}

/* memmove of `size` bytes in chunks of `chunk`, checking for an interrupt before each. spec:
 * execution, memory.copy: the result is as if copied through a buffer, so with dst above src
 * the chunks go from the end back, and every chunk reads its source before any later chunk
 * writes over it. */
static void
move_chunked(vmctx_t *vm, void *dst, const void *src, size_t size, size_t chunk)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    bool is_backward = (uintptr_t)d > (uintptr_t)s; // the two may be different tables
    for (size_t done = 0; done < size;) {
        check_interrupt(vm);
        size_t len = size - done < chunk ? size - done : chunk;
        size_t at = is_backward ? size - done - len : done;
        memmove(d + at, s + at, len);
        done += len;
    }
}

/* Reached when rsp is below the store's stack limit: a real overflow, or an interrupt that moved
 * the limit out of reach. */
static void
builtin_stack_check(vmctx_t *vm)
{
    check_interrupt(vm);
    vm_trap_raise(SL_TRAP_STACK_EXHAUSTED);
}

/* ---- memory ---- */

static int32_t
builtin_memory_grow(vmctx_t *vm, uint32_t delta)
{
    return (int32_t)memory_grow(vm->memory, delta); /* old pages (<= 65536) or -1 */
}

static void
check_memory(vmctx_t *vm, uint32_t at, uint32_t n)
{
    if ((uint64_t)at + n > vm->memory->size)
        vm_trap_raise(SL_TRAP_MEMORY_OOB);
}

static void
builtin_memory_fill(vmctx_t *vm, uint32_t dst, uint32_t value, uint32_t n)
{
    check_memory(vm, dst, n);
    for (uint32_t done = 0; done < n;) {
        check_interrupt(vm);
        uint32_t len = n - done < MEMORY_CHUNK ? n - done : MEMORY_CHUNK;
        memset(vm->mem_base + dst + done, (uint8_t)value, len);
        done += len;
    }
}

static void
builtin_memory_copy(vmctx_t *vm, uint32_t dst, uint32_t src, uint32_t n)
{
    check_memory(vm, dst, n);
    check_memory(vm, src, n);
    move_chunked(vm, vm->mem_base + dst, vm->mem_base + src, n, MEMORY_CHUNK);
}

static void
builtin_memory_init(vmctx_t *vm, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
{
    uint8_t *to;
    const uint8_t *from;
    int trap = instance_memory_init_range(instance_of(vm), seg, dst, src, n, &to, &from);
    if (trap)
        vm_trap_raise(trap);
    move_chunked(vm, to, from, n, MEMORY_CHUNK);
}

static void
builtin_data_drop(vmctx_t *vm, uint32_t seg)
{
    instance_of(vm)->data_sizes[seg] = 0;
}

/* ---- tables ---- */

static sl_table_t *
checked_table(vmctx_t *vm, uint32_t table, uint32_t at, uint32_t n)
{
    sl_table_t *t = vm->tables[table];
    if ((uint64_t)at + n > t->size)
        vm_trap_raise(SL_TRAP_TABLE_OOB);
    return t;
}

static void *
builtin_table_get(vmctx_t *vm, uint32_t table, uint32_t i)
{
    return checked_table(vm, table, i, 1)->elems[i];
}

static void
builtin_table_set(vmctx_t *vm, uint32_t table, uint32_t i, void *ref)
{
    checked_table(vm, table, i, 1)->elems[i] = ref;
}

static uint32_t
builtin_table_size(vmctx_t *vm, uint32_t table)
{
    return vm->tables[table]->size;
}

static int32_t
builtin_table_grow(vmctx_t *vm, uint32_t table, void *init, uint32_t delta)
{
    return (int32_t)table_grow(vm->tables[table], delta, init); /* <= TABLE_MAX_ELEMS or -1 */
}

static void
builtin_table_fill(vmctx_t *vm, uint32_t table, uint32_t i, void *ref, uint32_t n)
{
    sl_table_t *t = checked_table(vm, table, i, n);
    for (uint32_t k = 0; k < n; k++) {
        if (k % TABLE_CHUNK == 0)
            check_interrupt(vm);
        t->elems[i + k] = ref;
    }
}

static void
builtin_table_copy(vmctx_t *vm, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                   uint32_t src, uint32_t n)
{
    sl_table_t *d = checked_table(vm, dst_table, dst, n);
    sl_table_t *s = checked_table(vm, src_table, src, n);
    move_chunked(vm, d->elems + dst, s->elems + src, (size_t)n * sizeof *d->elems,
                 TABLE_CHUNK * sizeof *d->elems);
}

static void
builtin_table_init(vmctx_t *vm, uint32_t seg, uint32_t table, uint32_t dst, uint32_t src,
                   uint32_t n)
{
    void **to;
    void *const *from;
    int trap = instance_table_init_range(instance_of(vm), seg, table, dst, src, n, &to, &from);
    if (trap)
        vm_trap_raise(trap);
    move_chunked(vm, to, from, (size_t)n * sizeof *to, TABLE_CHUNK * sizeof *to);
}

static void
builtin_elem_drop(vmctx_t *vm, uint32_t seg)
{
    instance_of(vm)->elems[seg].len = 0; /* the references are freed with the instance */
}

/* ref.func: the instance's one reference per function, so equal functions compare equal. */
static sl_func_t *
builtin_ref_func(vmctx_t *vm, uint32_t func)
{
    return vm->funcs[func];
}

/* ---- the rest ---- */

/* Called when a function's budget (vmctx.budgets) runs out. There is no optimizing tier yet:
 * the request is counted (sl_module_stats) and the budget refilled, so that the function comes
 * back only after another full budget. Budgets are module-wide and updated without a lock by
 * every thread running the module: a lost update only moves the next request a little. */
static void
builtin_tier_up(vmctx_t *vm, uint32_t defined_func)
{
    module_code_t *code = ((sl_instance_t *)vm)->module->code; /* vmctx opens the instance */
    atomic_fetch_add_explicit(&code->tier_up_requests, 1, memory_order_relaxed);
    __atomic_store_n(&vm->budgets[defined_func], engine_tier_up_budget(code->engine),
                     __ATOMIC_RELAXED);
}

/* u64 to float with one rounding to nearest-even (spec: convert_u): there is no single SSE
 * instruction for unsigned sources, and C's conversion is exactly this operation. */
static float
builtin_f32_from_u64(uint64_t v)
{
    return (float)v;
}

static double
builtin_f64_from_u64(uint64_t v)
{
    return (double)v;
}

void
vm_fill_builtins(vmctx_t *vm)
{
#define X(name) vm->builtins[VM_BUILTIN_##name] = (vm_builtin_fn)builtin_##name;
    VM_BUILTINS(X)
#undef X
}
