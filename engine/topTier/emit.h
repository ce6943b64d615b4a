/* Emission: allocated machine IR (regalloc.h) becomes x86-64 bytes through engine/x64, with the
 * baseline's frame contract, so top-tier and baseline code call each other freely:
 *
 *   [rbp + 16 ...]  arguments and results of this function (the caller's area)
 *   [rbp + 8]       return address            [rbp]  the caller's rbp
 *   [rbp - 8]       this instance's vmctx (r14), restored after calls into other instances
 *   [rbp - 16 ...]  rbx, r12, r13 when the code uses them (callee-saved)
 *   [rbp - 40 ...]  spill slots
 *   [rsp ...]       the outgoing call area
 *
 * rsp stays 16-byte aligned in the body, so out-of-line paths call C directly. The stack check
 * and the poll are the baseline's (the interrupt moves the stack limit; the tier-up budget is
 * charged at entry and per loop iteration); their slow paths save the caller-saved registers
 * live across them. Trap stubs (one per trap kind used) follow the body, then 16-byte
 * constants. Every linear-memory access is a trap site landing on the "out of bounds memory
 * access" stub. The code refers to nothing absolute: calls to defined functions go through
 * their jump-table slot (a relocation), builtins through the vmctx, constants rip-relative.
 *
 * Errors: SL_ENOMEM (the buffer), SL_ELIMIT (the function's code past what a relocation
 * reaches). Threading: one thread; `out` belongs to the caller and is reused. */
#ifndef SL_TOPTIER_EMIT_H
#define SL_TOPTIER_EMIT_H

#include "jump_table.h"
#include "mach.h"
#include "x64_buffer.h"

typedef struct emit_out {
    x64_buf_t buf;
    code_reloc_t *relocs;
    uint32_t n_relocs, cap_relocs;
    trap_site_t *sites; /* sorted by pc */
    uint32_t n_sites, cap_sites;
} emit_out_t;

typedef struct emit_options {
    uint32_t defined_index; /* the function's index among defined ones: its tier-up budget */
    bool has_avx;
} emit_options_t;

void emitter_out_init(emit_out_t *out);
void emitter_out_fini(emit_out_t *out);

int emitter_run(const mfunc_t *m, const emit_options_t *opts, emit_out_t *out, sl_error_t *err);

#endif
