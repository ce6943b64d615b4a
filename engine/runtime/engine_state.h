/* The engine behind the opaque sl_engine_t: the code space, type registry, deadlines and memory
 * pool every module and store of the engine shares, and the lazy compiler's state.
 * Engine-internal.
 *
 * Ownership: engine.c (the top floor) creates and frees it; it outlives its modules and stores.
 * Threading: read-only after sl_engine_new, except through its thread-safe members (code space,
 * type registry, deadlines, memory pool) and the lazy compiler, which lazy_lock guards. */
#ifndef SL_ENGINE_STATE_H
#define SL_ENGINE_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "code_space.h"
#include "memory.h"
#include "slipstream.h"
#include "type_registry.h"

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
    /* lazy mode (compile.c, above this layer, which is why the compiler is opaque here): the
     * stubs' common entry, and the one compiler behind it with the lock that guards it and the
     * blocks[] entries of lazily compiled functions */
    code_block_t lazy_entry;
    struct compiler *lazy_compiler;
    pthread_mutex_t lazy_lock;
    bool has_lazy_lock;
    struct deadlines *deadlines; /* the stores' deadlines and their watchdog (deadline.h) */
    memory_pool_t memory; /* linear memory committed by every store (sl_engine_set_memory_budget) */
};

#define TIER_UP_DEFAULT_BUDGET (1 << 30)

/* The budget every function starts with and is refilled to (sl_engine_options_t). */
static inline int32_t
engine_tier_up_budget(const sl_engine_t *engine)
{
    uint32_t budget = engine->options.tier_up_budget;
    return budget == 0 || budget > INT32_MAX ? TIER_UP_DEFAULT_BUDGET : (int32_t)budget;
}

#endif
