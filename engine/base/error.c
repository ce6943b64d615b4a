/* Error codes, kinds and messages: everything here is generated from errors.def. */
#include "error.h"

#include <stdio.h>

static const struct {
    const char *name;
    const char *kind;
    const char *message;
} rows[] = {
#define ERROR(name, kind, msg, status) {"SL_" #name, #kind, msg},
#include "errors.def"
#undef ERROR
};

static const char *const section_names[] = {
    "custom", "type",   "import", "function", "table", "memory",     "global",
    "export", "start",  "element", "code",    "data",  "data count",
};

static int
row_of(int code)
{
    int row = -code - 1;
    return code < 0 && row < SL_N_ERRORS_ ? row : -1;
}

const char *
sl_strerror(int code)
{
    int row = row_of(code);
    return code == 0 ? "success" : row < 0 ? "unknown error" : rows[row].message;
}

const char *
sl_err_name(int code)
{
    int row = row_of(code);
    return code == 0 ? "SL_OK" : row < 0 ? "SL_EUNKNOWN" : rows[row].name;
}

const char *
sl_err_kind(int code)
{
    int row = row_of(code);
    return code == 0 ? "none" : row < 0 ? "internal" : rows[row].kind;
}

const char *
sl_section_name(unsigned id)
{
    return id < sizeof section_names / sizeof section_names[0] ? section_names[id] : "(none)";
}

int
sl_error_format(const sl_error_t *err, char *buf, size_t size)
{
    const char *text = err->message[0] ? err->message : sl_strerror(err->code);
    if (err->func_index != SL_NO_INDEX)
        return snprintf(buf, size, "%s: %s (%s section, function %u, body offset %u, offset %llu)",
                        sl_strerror(err->code), text, sl_section_name(err->section),
                        err->func_index, err->body_offset, (unsigned long long)err->offset);
    if (err->section != SL_NO_SECTION)
        return snprintf(buf, size, "%s: %s (%s section, offset %llu)", sl_strerror(err->code), text,
                        sl_section_name(err->section), (unsigned long long)err->offset);
    return snprintf(buf, size, "%s: %s (offset %llu)", sl_strerror(err->code), text,
                    (unsigned long long)err->offset);
}

void
error_vset(sl_error_t *err, int code, unsigned section, uint64_t offset, const char *fmt,
           va_list ap)
{
    if (err->code != 0)
        return; /* the first error wins */
    err->code = code;
    err->section = section;
    err->offset = offset;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

void
error_set(sl_error_t *err, int code, unsigned section, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, section, offset, fmt, ap);
    va_end(ap);
}

void
error_clear(sl_error_t *err)
{
    err->code = 0;
    err->section = SL_NO_SECTION;
    err->offset = 0;
    err->func_index = SL_NO_INDEX;
    err->body_offset = 0;
    err->message[0] = '\0';
}

static const char *const trap_messages[] = {
#define TRAP(name, msg) msg,
#include "traps.def"
#undef TRAP
};

const char *
sl_trap_message(int code)
{
    return code > 0 && code <= SL_N_TRAPS_ ? trap_messages[code - 1] : "unknown trap";
}
