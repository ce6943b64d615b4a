/* Register allocation of the machine IR (mach.h): linear scan over live intervals with
 * splitting (Wimmer and Franz, "Linear Scan Register Allocation on SSA Form", CGO 2010, and
 * Wimmer and Mössenböck, "Optimized Interval Splitting in a Linear Scan Register Allocator",
 * VEE 2005).
 *
 *   live.c      liveness from each value's uses back to its definition, and the intervals:
 *               ranges over the linear instruction order and use positions, plus one fixed
 *               interval per physical register (calls, division, shifts, returns)
 *   regalloc.c  the scan: a free register for the whole interval, else the one whose next use
 *               is farthest, splitting what does not fit; split and spill positions move to
 *               the block boundary of the lowest loop depth between the uses
 *   resolve.c   after the scan: moves at splits inside blocks, parallel moves on edges (block
 *               arguments and values whose location differs), spill stores after definitions,
 *               and the rewrite of every operand to its physical register or frame slot
 *
 * Registers: general rax rcx rdx rsi rdi r8 r9 r10 (caller-saved, preferred) and rbx r12 r13
 * (callee-saved: saved by the prologue when used); xmm0-xmm14. r11 and xmm15 stay free for the
 * emitter and for moves, r14 and r15 hold the vmctx and memory base (vmctx.h), rsp and rbp the
 * frame. Constants are rematerialized instead of spilled.
 *
 * Errors: SL_ELIMIT when the function is beyond the allocator's work budget (it then stays on the
 * baseline), SL_ENOMEM. Threading: one thread per call; everything in the mfunc's arena. */
#ifndef SL_TOPTIER_REGALLOC_H
#define SL_TOPTIER_REGALLOC_H

#include "mach.h"

/* Allocates m in place: afterwards every register operand is physical, edges carry no
 * arguments, m->is_allocated is set, and frame_size / callee_saved describe the frame. */
int regalloc_run(mfunc_t *m, sl_error_t *err);

#endif
