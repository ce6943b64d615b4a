/* Instances: the structure behind sl_instance_t, what every instance of a module shares, and the
 * functions instantiation and the builtins share (linking, segments, constant expressions).
 * Engine-internal.
 *
 * Ownership: an instance belongs to its store (store.h) and holds a reference to its module. An
 * instance whose instantiation trapped after its segments began to apply stays in the store too,
 * because its functions may already sit in an imported table (spec: instantiation, the writes of
 * earlier segments persist). A module's module_shared_t belongs to its code (jump_table.h).
 * Threading: an instance, on its store's thread; module_shared_t is made once per module by
 * whichever thread instantiates it first, and read-only afterwards. */
#ifndef SL_INSTANCE_H
#define SL_INSTANCE_H

#include <stdint.h>

#include "error.h"
#include "module.h"
#include "store.h"
#include "vmctx.h"

/* What every instance of a module shares at run time, made by the first instantiation
 * (module_shared_get in instance.c) and published with a compare-and-swap, since a finished
 * module may be instantiated on several threads at once. One allocation: module_code_release
 * frees it with free(). */
typedef struct module_shared {
    uint32_t *type_ids; /* canonical id per type index (vmctx.type_ids) */
    int32_t *budgets;   /* tier-up budget per defined function (vmctx.budgets) */
} module_shared_t;

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

#endif
