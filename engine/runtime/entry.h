/* The way into wasm code and out of it (entry.c): the host-to-wasm entry trampoline, the
 * wasm-to-host thunk, and the long jump a trap takes back to the innermost activation.
 * Engine-internal.
 *
 * Ownership: the trampoline and the thunk are code blocks of the engine (engine_state.h), made
 * once at sl_engine_new. Threading: each thread that calls into wasm has its own activation
 * records (thread-local); vm_trap_raise ends the calling thread's innermost one. */
#ifndef SL_ENTRY_H
#define SL_ENTRY_H

#include "slipstream.h"

/* Generates the entry trampoline and the host thunk into the engine's code space. */
int entry_generate(sl_engine_t *engine);
/* Raises a trap in the innermost wasm activation of this thread: never returns. */
_Noreturn void vm_trap_raise(int trap_code);

#endif
