/* Labels and their fixup chains (see x64_label.h), and the rel8/rel32 choice of jumps. */
#include "x64_label.h"

#include "invariants.h"
#include "x64_encode.h"

#include <limits.h>

/* The displacement from the end of an instruction at `end` to `target`; a buffer holds less than
 * 2 GiB, so it always fits a rel32. */
static int32_t
rel_to(size_t target, size_t end)
{
    int64_t rel = (int64_t)target - (int64_t)end;
    SL_ASSERT(rel >= INT32_MIN && rel <= INT32_MAX);
    return (int32_t)rel;
}

static int32_t
read32(const x64_buf_t *b, size_t offset)
{
    const uint8_t *p = b->data + offset;
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

void
x64_label_init(x64_label_t *l)
{
    *l = (x64_label_t){.pos = -1, .fixups = -1};
}

void
x64_label_bind(x64_buf_t *b, x64_label_t *l)
{
    SL_ASSERT(!x64_label_is_bound(l));
    SL_ASSERT(b->len <= INT32_MAX);
    l->pos = (int32_t)b->len;
    /* After oom, fields of later uses were dropped and the chain may lead anywhere. */
    for (int32_t at = l->fixups; at >= 0 && !b->oom;) {
        int32_t next = read32(b, (size_t)at);
        /* Each use links to an earlier one, which keeps the walk finite. */
        SL_ASSERT(next < at);
        x64_buf_patch32(b, (size_t)at, (uint32_t)rel_to((size_t)l->pos, (size_t)at + 4));
        at = next;
    }
    l->fixups = -1;
}

void
x64_label_use(x64_buf_t *b, x64_label_t *l)
{
    if (b->oom)
        return;
    SL_ASSERT(b->len >= 4 && b->len <= INT32_MAX);
    size_t at = b->len - 4;
    if (x64_label_is_bound(l)) {
        x64_buf_patch32(b, at, (uint32_t)rel_to((size_t)l->pos, b->len));
    } else {
        x64_buf_patch32(b, at, (uint32_t)l->fixups);
        l->fixups = (int32_t)at;
    }
}

/* A jump with a short form (opcode8 rel8) and a near one (opcode32 rel32, one or two bytes of
 * opcode): rel8 when the target is known and close. */
static void
jump_to(x64_buf_t *b, uint8_t opcode8, uint32_t opcode32, size_t target)
{
    size_t here = x64_buf_offset(b);
    int64_t rel8 = (int64_t)target - (int64_t)(here + 2);
    if (rel8 >= INT8_MIN && rel8 <= INT8_MAX) {
        x64_emit8(b, opcode8);
        x64_emit8(b, (uint8_t)rel8);
        return;
    }
    size_t len = opcode32 > 0xFF ? 6 : 5;
    if (opcode32 > 0xFF)
        x64_emit8(b, (uint8_t)(opcode32 >> 8));
    x64_emit8(b, (uint8_t)opcode32);
    x64_emit32(b, (uint32_t)rel_to(target, here + len));
}

/* jmp rel8: EB cb; jmp rel32: E9 cd */
void
x64_jmp_to(x64_buf_t *b, size_t target)
{
    jump_to(b, 0xEB, 0xE9, target);
}

/* jcc rel8: 70+cc cb; jcc rel32: 0F 80+cc cd */
void
x64_jcc_to(x64_buf_t *b, x64_cc_t cc, size_t target)
{
    jump_to(b, (uint8_t)(0x70 | (cc & 15u)), 0x0F80 | (cc & 15u), target);
}

/* call rel32: E8 cd */
void
x64_call_to(x64_buf_t *b, size_t target)
{
    size_t here = x64_buf_offset(b);
    x64_emit8(b, 0xE8);
    x64_emit32(b, (uint32_t)rel_to(target, here + 5));
}

void
x64_jmp_label(x64_buf_t *b, x64_label_t *l)
{
    if (x64_label_is_bound(l)) {
        x64_jmp_to(b, (size_t)l->pos);
        return;
    }
    x64_emit8(b, 0xE9);
    x64_emit32(b, 0);
    x64_label_use(b, l);
}

void
x64_jcc_label(x64_buf_t *b, x64_cc_t cc, x64_label_t *l)
{
    if (x64_label_is_bound(l)) {
        x64_jcc_to(b, cc, (size_t)l->pos);
        return;
    }
    x64_emit8(b, 0x0F);
    x64_emit8(b, (uint8_t)(0x80 | (cc & 15u)));
    x64_emit32(b, 0);
    x64_label_use(b, l);
}

void
x64_call_label(x64_buf_t *b, x64_label_t *l)
{
    x64_emit8(b, 0xE8);
    x64_emit32(b, 0);
    x64_label_use(b, l);
}

/* lea r64, m: REX.W 8D /r with [rip + disp32], the disp32 last */
void
x64_lea_rip_label(x64_buf_t *b, x64_reg_t dst, x64_label_t *l)
{
    x64_lea_rm(b, 8, dst, x64_mem_rip(0));
    x64_label_use(b, l);
}
