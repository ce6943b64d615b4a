/* The out-of-line helpers generated code calls through vmctx.builtins (builtins.c; the rows are
 * VM_BUILTINS in vmctx.h). Engine-internal.
 *
 * Ownership: the table lives in each instance's vmctx; the helpers act on the calling instance
 * and its store. Threading: a builtin runs on the thread of the wasm code that calls it. */
#ifndef SL_BUILTINS_H
#define SL_BUILTINS_H

#include "vmctx.h"

/* Fills `vm->builtins` with every helper, in VM_BUILTINS order. */
void vm_fill_builtins(vmctx_t *vm);

#endif
