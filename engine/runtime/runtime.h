/* The runtime's internal structures behind the public opaque types: engine, store, instance,
 * memory, and a module's installed code, with the functions the runtime's files share.
 * Engine-internal.
 *
 * Ownership: a store owns its instances and every object it holds (objects.c), including the
 * memories, tables and globals an instance defines: exports and imports are the same pointers,
 * and everything lives until sl_store_free. An instance whose instantiation trapped after its
 * segments began to apply stays in the store too, because its functions may already sit in an
 * imported table (spec: instantiation, the writes of earlier segments persist).
 * Threading: a store and its objects, one thread at a time; the engine and modules, any thread. */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#include <pthread.h>

#include "jump_table.h"
#include "error.h"
#include "memory.h"
#include "module.h"
#include "type_registry.h"
#include "vmctx.h"

/* CPU features generated code may use (sl_engine_t.cpu), detected once per engine. */
enum { CPU_POPCNT = 1, CPU_SSE41 = 2, CPU_SSE42 = 4, CPU_AVX = 8, CPU_AVX2 = 16 };

struct sl_engine {
    sl_engine_options_t options;
    unsigned cpu;        /* CPU_* */
    sl_limits_t limits;
    codespace_t *code;   /* every module's code and jump tables; thread-safe */
    code_block_t entry;  /* the host-to-wasm trampoline (entry.c) */
    code_block_t host_thunk; /* the wasm-to-host thunk (entry.c) */
    type_registry_t *types;  /* canonical function type ids; thread-safe */
    /* lazy mode (compile.c): the stubs' common entry, and the one compiler behind it with the
     * lock that guards it and the blocks[] entries of lazily compiled functions */
    code_block_t lazy_entry;
    struct compiler *lazy_compiler;
    pthread_mutex_t lazy_lock;
    bool has_lazy_lock;
    struct deadlines *deadlines; /* the stores' deadlines and their watchdog (deadline.h) */
    memory_pool_t memory; /* linear memory committed by every store (sl_engine_set_memory_budget) */
};

/* What every instance of a module shares at run time, made by the first instantiation
 * (module_shared_get in instance.c) and published with a compare-and-swap, since a finished
 * module may be instantiated on several threads at once. One allocation: module_code_release
 * frees it with free(). */
typedef struct module_shared {
    uint32_t *type_ids; /* canonical id per type index (vmctx.type_ids) */
    int32_t *budgets;   /* tier-up budget per defined function (vmctx.budgets) */
} module_shared_t;

struct sl_store {
    sl_engine_t *engine;
    vm_limits_t limits;
    memory_account_t memory;  /* its memories' committed bytes, charged to engine->memory */
    uint32_t max_table_elems; /* per table (sl_store_set_limits), at most TABLE_MAX_ELEMS */
    sl_instance_t *instances; /* owned, linked through next */
    struct store_object *objects; /* host-created objects (objects.c) */
};

/* A store's memory wraps an engine linear memory (memory.h); vmctx.memory points at `linear`,
 * shared by every instance that imports it. */
struct sl_memory {
    linear_memory_t *linear;
    bool has_max; /* whether a maximum was declared (linear->max_pages is 65536 otherwise) */
    sl_store_t *store;
};

/* Tables grow up to their maximum and never past this many elements (V8's limit), nor past the
 * store's max_table_elems: table.grow answers -1 beyond it, and a module asking for more at
 * instantiation is refused with SL_ELIMIT. */
#define TABLE_MAX_ELEMS 10000000u

/* objects.c: store objects for instances and hosts alike. Errors: SL_EARG, SL_ELIMIT,
 * SL_ENOMEM. */
void store_free_objects(sl_store_t *store);
int store_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages, bool has_max,
                     sl_memory_t **out);
int store_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max,
                    bool has_max, sl_table_t **out);
/* A global of `type` holding zero (null for references). */
int store_global_new(sl_store_t *store, uint8_t type, bool is_mutable, sl_global_t **out);
/* table.grow: fills the new elements with `init`; returns the old size, or -1 past the maximum,
 * the store's max_table_elems, or when memory runs out (the table is then unchanged). */
int64_t table_grow(sl_table_t *table, uint32_t delta, void *init);

/* An element segment as an instance holds it: its references, evaluated at instantiation (spec:
 * elem instances). `len` drops to 0 when the segment is dropped. */
typedef struct instance_elem {
    void **refs;
    uint32_t len;
} instance_elem_t;

struct sl_instance {
    vmctx_t vm; /* first: generated code's r14 points here */
    sl_store_t *store;
    sl_module_t *module; /* a reference */
    sl_func_t *own_funcs; /* the defined functions' references */
    sl_func_t **func_ptrs;    /* per function index: imported sl_func_t * or &own_funcs[i] */
    sl_table_t **table_ptrs;  /* per table index (vm.tables) */
    sl_global_t **global_ptrs; /* per global index (vm.globals) */
    sl_memory_t *memory;      /* memory 0, imported or defined, or NULL */
    instance_elem_t *elems;   /* per element segment */
    uint32_t *data_sizes;     /* per data segment: its size, 0 once dropped */
    sl_instance_t *next;
};

/* instance_segments.c: table.init and memory.init on an instance's segments (spec: execution,
 * table.init, memory.init), shared by instantiation and the builtins. The bounds are checked
 * before anything is written. Return 0 or the trap code (SL_TRAP_TABLE_OOB, SL_TRAP_MEMORY_OOB). */
int instance_table_init(sl_instance_t *inst, uint32_t seg, uint32_t table, uint32_t dst,
                        uint32_t src, uint32_t n);
int instance_memory_init(sl_instance_t *inst, uint32_t seg, uint32_t dst, uint32_t src,
                         uint32_t n);
/* The same bounds checks alone: 0 with where the n elements (bytes) go and come from, for a
 * caller that copies them itself (the builtins, in chunks), or the trap code. */
int instance_table_init_range(sl_instance_t *inst, uint32_t seg, uint32_t table, uint32_t dst,
                              uint32_t src, uint32_t n, void ***to, void *const **from);
int instance_memory_init_range(sl_instance_t *inst, uint32_t seg, uint32_t dst, uint32_t src,
                               uint32_t n, uint8_t **to, const uint8_t **from);
/* Evaluates a constant expression in the instance's context: imported globals and func_ptrs
 * must be set. */
void instance_const_eval(const sl_instance_t *inst, const module_const_expr_t *expr,
                         sl_value_t *out);
/* Evaluates every element segment's references and sets every data segment's size. */
int instance_segments_new(sl_instance_t *inst);
/* Applies the active segments in module order, elements first, then drops them and the
 * declarative ones (spec: instantiation steps 14-15). Returns 0 or the first trap's code. */
int instance_segments_apply(sl_instance_t *inst);

/* instance_link.c: checks `imports` against the module's import types (spec: external types,
 * import matching) and points the instance's index spaces at them. SL_ELINK or SL_EARG with
 * `err` filled. */
int instance_link(sl_instance_t *inst, const sl_extern_t *imports, size_t n_imports,
                  sl_error_t *err);

#define TIER_UP_DEFAULT_BUDGET (1 << 30)

/* The budget every function starts with and is refilled to (sl_engine_options_t). */
static inline int32_t
engine_tier_up_budget(const sl_engine_t *engine)
{
    uint32_t budget = engine->options.tier_up_budget;
    return budget == 0 || budget > INT32_MAX ? TIER_UP_DEFAULT_BUDGET : (int32_t)budget;
}

/* entry.c */
int entry_generate(sl_engine_t *engine); /* the entry trampoline and the host thunk */
/* Raises a trap in the innermost wasm activation of this thread: never returns. */
_Noreturn void vm_trap_raise(int trap_code);

/* builtins.c */
void vm_fill_builtins(vmctx_t *vm);

#endif
