/* The runtime's internal structures behind the public opaque types: engine, store, instance, and
 * a module's installed code. Engine-internal. */
#ifndef SL_RUNTIME_H
#define SL_RUNTIME_H

#include "code_space.h"
#include "error.h"
#include "module.h"
#include "vmctx.h"

struct sl_engine {
    sl_engine_options_t options;
    sl_limits_t limits;
    codespace_t *code;   /* every module's code and jump tables; thread-safe */
    code_block_t entry;  /* the host-to-wasm trampoline (entry.c) */
};

/* A module's code, installed as each body compiles. Owned by the module; released with it, so
 * the engine must outlive its modules. Written by the compiling thread until the module is
 * finished; read-only afterwards. */
typedef struct module_code {
    sl_engine_t *engine;
    code_block_t jump_table; /* one 8-byte slot per defined function: its current code */
    code_block_t *blocks;    /* per defined function */
    uint32_t n_defined;
    /* sl_module_stats: summed by whichever thread installs a function */
    _Atomic uint64_t body_bytes, code_bytes;
    atomic_uint funcs_compiled;
} module_code_t;

void module_code_release(module_code_t *code);

struct sl_store {
    sl_engine_t *engine;
    vm_limits_t limits;
    sl_instance_t *instances; /* owned, linked through next */
    struct store_object *objects; /* host-created objects (objects.c) */
};

void store_free_objects(sl_store_t *store);

struct sl_instance {
    vmctx_t vm; /* first: generated code's r14 points here */
    sl_store_t *store;
    sl_module_t *module; /* a reference */
    sl_func_t *own_funcs; /* the defined functions' references */
    sl_func_t **func_ptrs;
    sl_instance_t *next;
};

/* entry.c */
int entry_generate(sl_engine_t *engine);
/* Raises a trap in the innermost wasm activation of this thread: never returns. */
_Noreturn void vm_trap_raise(int trap_code);
void vm_fill_builtins(vmctx_t *vm);

#endif
