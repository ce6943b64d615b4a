/* The streaming decoder: a state machine fed arbitrary chunks.
 *
 *   HEADER ─▶ SECTION_ID ─▶ SECTION_SIZE ─┬─▶ SECTION_PAYLOAD ──(whole payload in)──▶ SECTION_ID
 *                  ▲                      └─▶ CODE_COUNT ─▶ BODY_SIZE ─▶ BODY ─┐ (per function)
 *                  └──────────────────────────────── (last body) ◀──────────────┘
 *
 * Every chunk is appended to the module's wire bytes (which never move, see module.c), and the
 * machine advances over them as far as complete items allow: a non-code section is decoded once
 * its payload is complete; in the code section each function body is validated and handed to the
 * consumer as soon as its last byte is in. An item split across chunks simply waits, so every
 * chunking of the same bytes produces the same events and the same first error.
 */
#include <stdlib.h>
#include <string.h>

#include "body_decoder.h"
#include "decoder.h"
#include "wire_bytes.h"

typedef enum stream_state {
    ST_HEADER,
    ST_SECTION_ID,
    ST_SECTION_SIZE,
    ST_SECTION_PAYLOAD,
    ST_CODE_COUNT,
    ST_BODY_SIZE,
    ST_BODY,
    ST_FINISHED,
} stream_state_t;

struct sl_stream {
    sl_stream_options_t options;
    sl_limits_t limits;
    sl_module_t *module; /* our reference; NULL after it was handed out by finish */
    decoder_t decoder;
    body_validator_t *validator;
    sl_error_t err;

    stream_state_t state;
    size_t pos;               /* next undecoded byte */
    unsigned section_id;
    size_t section_start;     /* payload start */
    uint64_t section_end;     /* payload end as declared (may lie beyond what has arrived) */
    int last_rank;            /* order rank of the last non-custom section */
    uint32_t bodies_left;
    uint32_t body_size;
};

/* Decoded metadata may take at most this many bytes per byte received (plus a floor): counts in
 * the input can then never make the decoder allocate more than a constant times the input. The
 * densest encodings (an element segment of one-byte function indices, a type of three bytes)
 * stay well under it. */
enum { METADATA_PER_BYTE = 64, METADATA_FLOOR = 1 << 20 };

/* spec: binary format, modules: the order of non-custom sections (data count sits before code). */
static const int section_rank[13] = {
    [1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [6] = 6, [7] = 7,
    [8] = 8, [9] = 9, [12] = 10, [10] = 11, [11] = 12,
};

static int
stream_fail(sl_stream_t *s, int code, unsigned section, uint64_t offset, const char *message)
{
    error_set(&s->err, code, section, offset, "%s", message);
    return s->err.code;
}

int
sl_stream_new(const sl_stream_options_t *options, sl_stream_t **out)
{
    *out = NULL;
    sl_stream_t *s = calloc(1, sizeof *s);
    if (!s)
        return SL_ENOMEM;
    if (options)
        s->options = *options;
    if (s->options.limits)
        s->limits = *s->options.limits;
    else
        sl_limits_init(&s->limits);
    s->options.limits = &s->limits;
    error_clear(&s->err);
    int rc = module_new(s->limits.max_module_size, METADATA_FLOOR, &s->module);
    if (rc == 0 && !s->options.skip_body_validation)
        rc = body_validator_new(&s->limits, &s->validator);
    if (rc != 0) {
        sl_stream_free(s);
        return rc;
    }
    s->decoder = (decoder_t){.module = s->module, .limits = &s->limits, .err = &s->err};
    *out = s;
    return 0;
}

void
sl_stream_free(sl_stream_t *s)
{
    if (!s)
        return;
    body_validator_free(s->validator);
    sl_module_unref(s->module);
    free(s);
}

const sl_error_t *
sl_stream_error(const sl_stream_t *s)
{
    return s->err.code ? &s->err : NULL;
}

uint64_t
sl_stream_offset(const sl_stream_t *s)
{
    return s->module ? s->module->wire_size : 0;
}

void
sl_stream_abort(sl_stream_t *s)
{
    stream_fail(s, SL_EABORTED, SL_NO_SECTION, sl_stream_offset(s), "stream aborted");
}

/* Reads a u32 LEB at s->pos inside [pos, limit). Returns 1 when read, 0 when more bytes are
 * needed, or an error code. */
static int
read_header_u32(sl_stream_t *s, size_t limit, unsigned section, uint32_t *value, size_t *len)
{
    const uint8_t *p = s->module->wire + s->pos;
    int n = leb128_read_u32(p, s->module->wire + limit, value);
    if (n > 0) {
        *len = (size_t)n;
        return 1;
    }
    if (n == LEB128_END)
        return 0;
    return stream_fail(s, SL_EMALFORMED, section, s->pos,
                       n == LEB128_TOO_LONG ? "integer representation too long"
                                            : "integer too large");
}

static int
decode_section(sl_stream_t *s)
{
    sl_module_t *m = s->module;
    m->arena.budget = METADATA_FLOOR + METADATA_PER_BYTE * m->wire_size;
    reader_t r;
    reader_init(&r, m->wire, m->wire + s->section_start, m->wire + s->section_end, s->section_id,
                &s->err);
    if (!section_decode(&s->decoder, s->section_id, &r))
        return s->err.code;
    if (r.p != r.end)
        return stream_fail(s, SL_EMALFORMED, s->section_id, reader_offset(&r),
                           "section size mismatch");
    return 0;
}

static int
deliver_body(sl_stream_t *s)
{
    sl_module_t *m = s->module;
    uint32_t func_index = m->n_imported_funcs + m->n_code_bodies;
    module_func_t *f = &m->funcs[func_index];
    f->body_offset = (uint32_t)s->pos;
    f->body_size = s->body_size;
    m->n_code_bodies++;
    m->arena.budget = METADATA_FLOOR + METADATA_PER_BYTE * m->wire_size;
    if (s->validator) {
        int rc = body_validate(s->validator, m, func_index, f->body_offset, f->body_size, &s->err);
        if (rc != 0)
            return rc;
    }
    if (s->options.on_body) {
        int rc = s->options.on_body(s->options.user, m, func_index, m->wire + f->body_offset,
                                    f->body_size, &s->err);
        if (rc != 0) {
            /* A consumer that described the error said where it is, or that no function is at
             * fault (a full code space): only an undescribed failure gets this body's index. */
            bool is_described = s->err.code != 0;
            error_set(&s->err, rc, 10, s->pos, "the function body consumer failed: %s",
                      sl_strerror(rc));
            if (!is_described)
                s->err.func_index = func_index;
            return s->err.code;
        }
    }
    return 0;
}

/* Advances the state machine over the bytes that have arrived. Returns 0 (possibly waiting for
 * more input) or the first error. */
static int
advance(sl_stream_t *s)
{
    sl_module_t *m = s->module;
    for (;;) {
        size_t avail = m->wire_size - s->pos;
        uint32_t value;
        size_t len;
        int rc;
        switch (s->state) {
        case ST_HEADER:
            /* spec: binary format, modules: magic "\0asm", then version 1 */
            if (avail >= 4 && memcmp(m->wire, "\0asm", 4) != 0)
                return stream_fail(s, SL_EMALFORMED, SL_NO_SECTION, 0,
                                   "magic header not detected");
            if (avail < 8)
                return 0;
            if (memcmp(m->wire + 4, "\1\0\0\0", 4) != 0)
                return stream_fail(s, SL_EMALFORMED, SL_NO_SECTION, 4, "unknown binary version");
            s->pos = 8;
            s->state = ST_SECTION_ID;
            break;

        case ST_SECTION_ID: {
            if (avail == 0)
                return 0;
            unsigned id = m->wire[s->pos];
            if (id > 12)
                return stream_fail(s, SL_EMALFORMED, SL_NO_SECTION, s->pos,
                                   "malformed section id");
            if (id != 0 && section_rank[id] <= s->last_rank)
                return stream_fail(s, SL_EMALFORMED, id, s->pos,
                                   "unexpected content after last section");
            if (id != 0)
                s->last_rank = section_rank[id];
            s->section_id = id;
            s->pos++;
            s->state = ST_SECTION_SIZE;
            break;
        }

        case ST_SECTION_SIZE:
            rc = read_header_u32(s, m->wire_size, s->section_id, &value, &len);
            if (rc <= 0)
                return rc;
            s->pos += len;
            s->section_start = s->pos;
            s->section_end = (uint64_t)s->pos + value;
            s->state = s->section_id == 10 ? ST_CODE_COUNT : ST_SECTION_PAYLOAD;
            break;

        case ST_SECTION_PAYLOAD:
            if (m->wire_size < s->section_end)
                return 0;
            if ((rc = decode_section(s)) != 0)
                return rc;
            if (s->options.on_section)
                s->options.on_section(s->options.user, s->section_id, s->section_start,
                                      s->section_end - s->section_start);
            s->pos = s->section_end;
            s->state = ST_SECTION_ID;
            break;

        case ST_CODE_COUNT: {
            size_t limit = m->wire_size < s->section_end ? m->wire_size : s->section_end;
            rc = read_header_u32(s, limit, 10, &value, &len);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (limit == s->section_end) /* the section ended inside the count */
                    return stream_fail(s, SL_EMALFORMED, 10, s->pos,
                                       "unexpected end of section or function");
                return 0;
            }
            reader_t r;
            reader_init(&r, m->wire, m->wire + s->pos, m->wire + limit, 10, &s->err);
            if (!code_count_check(&s->decoder, &r, value))
                return s->err.code;
            s->pos += len;
            s->bodies_left = value;
            s->state = ST_BODY_SIZE;
            if (s->options.on_code_start)
                s->options.on_code_start(s->options.user, value);
            break;
        }

        case ST_BODY_SIZE: {
            if (s->bodies_left == 0) {
                if (s->pos != s->section_end)
                    return stream_fail(s, SL_EMALFORMED, 10, s->pos, "section size mismatch");
                if (s->options.on_section)
                    s->options.on_section(s->options.user, 10, s->section_start,
                                          s->section_end - s->section_start);
                s->state = ST_SECTION_ID;
                break;
            }
            size_t limit = m->wire_size < s->section_end ? m->wire_size : s->section_end;
            rc = read_header_u32(s, limit, 10, &value, &len);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (limit == s->section_end)
                    return stream_fail(s, SL_EMALFORMED, 10, s->pos,
                                       "unexpected end of section or function");
                return 0;
            }
            if ((uint64_t)s->pos + len + value > s->section_end)
                return stream_fail(s, SL_EMALFORMED, 10, s->pos,
                                   "unexpected end of section or function");
            if (value > s->limits.max_body_size)
                return stream_fail(s, SL_ELIMIT, 10, s->pos,
                                   "function body larger than the size limit");
            s->pos += len;
            s->body_size = value;
            s->state = ST_BODY;
            break;
        }

        case ST_BODY:
            if (avail < s->body_size)
                return 0;
            if ((rc = deliver_body(s)) != 0)
                return rc;
            s->pos += s->body_size;
            s->bodies_left--;
            s->state = ST_BODY_SIZE;
            break;

        case ST_FINISHED:
            return 0;
        }
    }
}

int
sl_stream_feed(sl_stream_t *s, const void *data, size_t size)
{
    if (s->err.code)
        return s->err.code;
    if (s->state == ST_FINISHED)
        return stream_fail(s, SL_ESTATE, SL_NO_SECTION, sl_stream_offset(s),
                           "input after the end of the stream");
    int rc = wire_append(s->module, data, size);
    if (rc != 0)
        return stream_fail(s, rc, SL_NO_SECTION, s->module->wire_size,
                           rc == SL_ELIMIT ? "module larger than the size limit"
                                           : "out of memory for the module's bytes");
    return advance(s);
}

int
sl_stream_finish(sl_stream_t *s, sl_module_t **out)
{
    *out = NULL;
    if (s->err.code)
        return s->err.code;
    if (s->state == ST_FINISHED)
        return stream_fail(s, SL_ESTATE, SL_NO_SECTION, sl_stream_offset(s),
                           "stream already finished");
    sl_module_t *m = s->module;
    if (s->state != ST_SECTION_ID || s->pos != m->wire_size) {
        unsigned section = s->state == ST_HEADER || s->state == ST_SECTION_ID ? SL_NO_SECTION
                                                                               : s->section_id;
        /* Inside a section whose declared size runs past the module, the spec's reference
         * decoder reports the section's bytes as missing; elsewhere the module just ended. */
        const char *message = s->state == ST_SECTION_PAYLOAD || s->state == ST_BODY ||
                                      s->state == ST_BODY_SIZE || s->state == ST_CODE_COUNT
                                  ? "unexpected end of section or function"
                                  : "unexpected end";
        stream_fail(s, SL_EMALFORMED, section, m->wire_size, message);
        if (s->state == ST_BODY) { /* the body whose size was read: name it, as validation would */
            s->err.func_index = m->n_imported_funcs + m->n_code_bodies;
            s->err.body_offset = (uint32_t)(m->wire_size - s->pos);
        }
        return s->err.code;
    }
    if (!module_check_complete(&s->decoder, m->wire_size))
        return s->err.code;
    s->state = ST_FINISHED;
    wire_seal(m);
    *out = sl_module_ref(m);
    return 0;
}

int
sl_module_decode(const void *bytes, size_t size, const sl_stream_options_t *options,
                 sl_module_t **out, sl_error_t *err)
{
    sl_stream_t *s;
    *out = NULL;
    int rc = sl_stream_new(options, &s);
    if (rc == 0) {
        rc = sl_stream_feed(s, bytes, size);
        if (rc == 0)
            rc = sl_stream_finish(s, out);
        if (err)
            *err = s->err;
    } else if (err) {
        error_clear(err);
        err->code = rc;
        snprintf(err->message, sizeof err->message, "%s", sl_strerror(rc));
    }
    sl_stream_free(s);
    return rc;
}
