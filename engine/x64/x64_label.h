/* Labels: offsets in one code buffer that jumps, calls and rip-relative operands refer to,
 * bound before or after their uses. A use of an unbound label is a rel32 field; the fields of
 * the unresolved uses form a chain through themselves, so labels need no allocation:
 *
 *     l->fixups ---------------------------------------+
 *                                                      v
 *     ... E9 [ -1 ] ... 0F 84 [ offset of 1st ] ... E8 [ offset of 2nd ] ...
 *
 * x64_label_bind walks the chain and writes each field's displacement. A label belongs to one
 * buffer; after b->oom nothing is patched (the code is thrown away). Same threading as the
 * buffer. Offsets are int32_t: a buffer holds less than 2 GiB of code (SL_ASSERT). */
#ifndef SL_X64_LABEL_H
#define SL_X64_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x64.h"
#include "x64_buffer.h"

typedef struct x64_label {
    int32_t pos;    /* the offset the label is bound to, -1 while unbound */
    int32_t fixups; /* the rel32 field of the latest unresolved use, -1 when none */
} x64_label_t;

/* An unbound label without uses. */
void x64_label_init(x64_label_t *l);

static inline bool
x64_label_is_bound(const x64_label_t *l)
{
    return l->pos >= 0;
}

/* Binds l to the current offset and patches every pending use. A label is bound once. */
void x64_label_bind(x64_buf_t *b, x64_label_t *l);

/* Makes the last 4 bytes emitted a rel32 to l, relative to the current offset: call it right
 * after an instruction that ends in its rel32 or disp32 (e.g. x64_movsd_xm(b, x,
 * x64_mem_rip(0)) for a constant at l). */
void x64_label_use(x64_buf_t *b, x64_label_t *l);

/* jmp rel8 | jmp rel32: the short form when l is bound and within reach, rel32 otherwise */
void x64_jmp_label(x64_buf_t *b, x64_label_t *l);
/* jcc rel8 | jcc rel32, chosen as for x64_jmp_label */
void x64_jcc_label(x64_buf_t *b, x64_cc_t cc, x64_label_t *l);
/* call rel32 */
void x64_call_label(x64_buf_t *b, x64_label_t *l);
/* lea r64, [rip + rel32] */
void x64_lea_rip_label(x64_buf_t *b, x64_reg_t dst, x64_label_t *l);

/* The same to an offset already known in this buffer (usually behind the current one; an offset
 * ahead must not depend on the length of this instruction). */
void x64_jmp_to(x64_buf_t *b, size_t target);
void x64_jcc_to(x64_buf_t *b, x64_cc_t cc, size_t target);
void x64_call_to(x64_buf_t *b, size_t target);

#endif
