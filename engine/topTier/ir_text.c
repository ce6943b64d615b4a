/* The text form of the IR (grammar in ir.h): a printer, and a reader that rebuilds the same
 * function with the same value and block numbers. The reader checks syntax and names only;
 * types, counts and dominance are the verifier's. Both are linear in the text's size, except the
 * mnemonic lookup (a binary search over the op names). */
#include "ir.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "slipstream.h"

static const char *const trap_names[] = {
#define TRAP(name, msg) #name,
#include "traps.def"
#undef TRAP
};
enum { N_TRAP_NAMES = sizeof trap_names / sizeof trap_names[0] };

/* ---- printing ------------------------------------------------------------------------------ */

static void
print_hex128(FILE *out, const uint8_t *bytes)
{
    fputs("0x", out);
    for (int i = 15; i >= 0; i--)
        fprintf(out, "%02x", bytes ? bytes[i] : 0);
}

static void
print_const(FILE *out, const ir_insn_t *insn)
{
    switch (insn->type) {
    case IR_T_I32: fprintf(out, "%" PRId32, (int32_t)(uint32_t)insn->imm); break;
    case IR_T_I64: fprintf(out, "%" PRId64, (int64_t)insn->imm); break;
    case IR_T_F32: fprintf(out, "0x%08" PRIx32, (uint32_t)insn->imm); break;
    case IR_T_V128: print_hex128(out, insn->ext.bytes); break;
    default: fprintf(out, "0x%016" PRIx64, insn->imm); break;
    }
}

static void
print_trap(FILE *out, uint64_t code)
{
    if (code == 0 || code > N_TRAP_NAMES) {
        fprintf(out, "%" PRIu64, code);
        return;
    }
    for (const char *s = trap_names[code - 1]; *s; s++)
        fputc(tolower((unsigned char)*s), out);
}

static void
print_refs(FILE *out, const ir_ref_t *refs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        fprintf(out, "%sv%" PRIu32, i ? ", " : "", refs[i]);
}

static void
print_insn(const ir_func_t *f, ir_ref_t ref, FILE *out)
{
    ir_insn_t *insn = ir_insn(f, ref);
    ir_ref_t *args = ir_args(insn);
    enum ir_imm imm = ir_op_imm(insn->op);
    fputs("    ", out);
    if (insn->type != IR_T_NONE)
        fprintf(out, "v%" PRIu32 ":%s = ", ref, ir_type_name(insn->type));
    fputs(ir_op_name(insn->op), out);
    const char *sep = " ";
    if ((imm == IR_IMM_MEM || imm == IR_IMM_MEM_LANE) && insn->n_args) {
        fprintf(out, " [v%" PRIu32 " + %" PRIu64 "]", args[0], insn->imm);
        for (uint32_t i = 1; i < insn->n_args; i++)
            fprintf(out, ", v%" PRIu32, args[i]);
        if (imm == IR_IMM_MEM_LANE)
            fprintf(out, ", %" PRIu32, insn->imm2);
        sep = ", ";
    } else if (ir_op_n_operands(insn->op) == IR_VARIADIC && imm != IR_IMM_NONE) {
        /* call 3(v1, v2): the immediates name the callee, the list is its arguments. */
        fprintf(out, " %" PRIu64, insn->imm);
        if (imm == IR_IMM_INDEX2)
            fprintf(out, ", %" PRIu32, insn->imm2);
        fputc('(', out);
        print_refs(out, args, insn->n_args);
        fputc(')', out);
        sep = ", ";
    } else {
        if (insn->n_args) {
            fputc(' ', out);
            print_refs(out, args, insn->n_args);
            sep = ", ";
        }
        if (imm != IR_IMM_NONE && insn->op != IR_PARAM) {
            fputs(sep, out);
            sep = ", ";
            switch (imm) {
            case IR_IMM_CONST: print_const(out, insn); break;
            case IR_IMM_INDEX2: fprintf(out, "%" PRIu64 ", %" PRIu32, insn->imm, insn->imm2); break;
            case IR_IMM_SHUFFLE: print_hex128(out, insn->ext.bytes); break;
            case IR_IMM_TRAP: print_trap(out, insn->imm); break;
            default: fprintf(out, "%" PRIu64, insn->imm); break;
            }
        }
    }
    if (ir_op_flags(insn->op) & IRF_TERM) {
        for (uint32_t s = 0; s < insn->n_succs; s++) {
            const ir_succ_t *succ = &insn->ext.succs[s];
            fprintf(out, "%sblock%" PRIu32 "(", sep, succ->block);
            print_refs(out, succ->args, succ->n_args);
            fputc(')', out);
            sep = ", ";
        }
    }
    fputc('\n', out);
}

int
ir_print(const ir_func_t *f, FILE *out)
{
    fprintf(out, "func %s(", f->name);
    for (uint32_t i = 0; i < f->n_params; i++)
        fprintf(out, "%s%s", i ? ", " : "", ir_type_name(f->params[i]));
    fputs(") -> (", out);
    for (uint32_t i = 0; i < f->n_results; i++)
        fprintf(out, "%s%s", i ? ", " : "", ir_type_name(f->results[i]));
    fputs(") {\n", out);
    for (uint32_t l = 0; l < f->n_layout; l++) {
        uint32_t id = f->layout[l];
        const ir_block_t *b = ir_block(f, id);
        fprintf(out, "block%" PRIu32, id);
        if (b->n_params) {
            fputc('(', out);
            for (uint32_t i = 0; i < b->n_params; i++)
                fprintf(out, "%sv%" PRIu32 ":%s", i ? ", " : "", b->params[i],
                        ir_type_name(ir_insn(f, b->params[i])->type));
            fputc(')', out);
        }
        fputs(":\n", out);
        IR_FOREACH_INSN(f, id, r)
            print_insn(f, r, out);
    }
    fputs("}\n", out);
    return ferror(out) ? SL_ENOMEM : 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct parser {
    const char *start, *p, *end;
    sl_error_t *err;
    int status;
    ir_func_t *f;
    uint16_t *ops_by_name; /* ops sorted by mnemonic */
    uint32_t *value_use;   /* offset + 1 of the first use of each value number, 0 if none */
    uint32_t *block_use;   /* the same for block numbers */
    uint32_t n_values, n_block_ids;
} parser_t;

static int __attribute__((format(printf, 3, 4)))
syntax_error(parser_t *ps, const char *at, const char *fmt, ...)
{
    if (ps->status)
        return ps->status;
    unsigned line = 1, column = 1;
    for (const char *q = ps->start; q < at && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    char detail[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    error_set(ps->err, SL_EMALFORMED, SL_NO_SECTION, (uint64_t)(at - ps->start),
              "line %u, column %u: %s", line, column, detail);
    ps->status = SL_EMALFORMED;
    return ps->status;
}

/* Skips blanks and comments, not newlines. */
static void
skip_blanks(parser_t *ps)
{
    while (ps->p < ps->end) {
        char c = *ps->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            ps->p++;
        } else if (c == '#') {
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        } else {
            break;
        }
    }
}

static void
skip_space(parser_t *ps)
{
    for (skip_blanks(ps); ps->p < ps->end && *ps->p == '\n'; skip_blanks(ps))
        ps->p++;
}

static bool
at_eol(parser_t *ps)
{
    skip_blanks(ps);
    return ps->p == ps->end || *ps->p == '\n';
}

static bool
accept(parser_t *ps, char c)
{
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p == c) {
        ps->p++;
        return true;
    }
    return false;
}

static bool
expect(parser_t *ps, char c)
{
    if (accept(ps, c))
        return true;
    syntax_error(ps, ps->p, "expected '%c'", c);
    return false;
}

static bool
is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/* A word: letters, digits, '_', '.', '$'. Returns its length (0 if none) and leaves p after it. */
static size_t
word(parser_t *ps, const char **s)
{
    skip_blanks(ps);
    *s = ps->p;
    while (ps->p < ps->end && is_ident_char(*ps->p))
        ps->p++;
    return (size_t)(ps->p - *s);
}

static bool
word_is(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* "prefix<digits>" as a number, or -1. */
static int64_t
numbered(const char *s, size_t len, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (len <= plen || len > plen + 10 || memcmp(s, prefix, plen) != 0)
        return -1;
    int64_t n = 0;
    for (size_t i = plen; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

static int
parse_type(parser_t *ps, ir_type_t *out)
{
    const char *s;
    size_t len = word(ps, &s);
    for (unsigned t = IR_T_I32; t < IR_N_TYPES; t++) {
        if (word_is(s, len, ir_type_name(t))) {
            *out = (ir_type_t)t;
            return 0;
        }
    }
    return syntax_error(ps, s, "expected a type");
}

/* A value name vN, recorded as used at its offset. */
static int
parse_value(parser_t *ps, ir_ref_t *out)
{
    const char *s;
    size_t len = word(ps, &s);
    int64_t n = numbered(s, len, "v");
    if (n <= 0 || (uint64_t)n >= ps->n_values)
        return syntax_error(ps, s, "expected a value (v1, v2, ...)");
    if (!ps->value_use[n])
        ps->value_use[n] = (uint32_t)(s - ps->start) + 1;
    *out = (ir_ref_t)n;
    return 0;
}

/* A numeric literal: decimal with an optional '-', or 0x hex of up to 32 digits (16 bytes,
 * little-endian in bytes[]). *value gets the low 64 bits. */
static int
parse_number(parser_t *ps, uint64_t *value, uint8_t bytes[16], bool *negative)
{
    skip_blanks(ps);
    const char *s = ps->p;
    *negative = accept(ps, '-');
    const char *digits;
    size_t len = word(ps, &digits);
    uint64_t v = 0;
    memset(bytes, 0, 16);
    if (len > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        if (len - 2 > 32)
            return syntax_error(ps, s, "number too large");
        for (size_t i = 2; i < len; i++) {
            int d = isdigit((unsigned char)digits[i]) ? digits[i] - '0'
                    : isxdigit((unsigned char)digits[i])
                        ? tolower((unsigned char)digits[i]) - 'a' + 10
                        : -1;
            if (d < 0)
                return syntax_error(ps, s, "bad hex digit");
            size_t nib = len - 1 - i; /* nibble index from the least significant */
            bytes[nib / 2] |= (uint8_t)(d << (4 * (nib % 2)));
        }
        memcpy(&v, bytes, 8);
    } else {
        if (len == 0)
            return syntax_error(ps, s, "expected a number");
        for (size_t i = 0; i < len; i++) {
            if (!isdigit((unsigned char)digits[i]))
                return syntax_error(ps, s, "expected a number");
            unsigned d = (unsigned)(digits[i] - '0');
            if (v > (UINT64_MAX - d) / 10)
                return syntax_error(ps, s, "number too large");
            v = v * 10 + d;
        }
        memcpy(bytes, &v, 8);
    }
    *value = *negative ? (uint64_t)0 - v : v;
    return 0;
}

static int
compare_op_names(const void *a, const void *b)
{
    return strcmp(ir_op_name(*(const uint16_t *)a), ir_op_name(*(const uint16_t *)b));
}

static int
find_op(parser_t *ps, const char *s, size_t len)
{
    size_t lo = 0, hi = IR_N_OPS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *name = ir_op_name(ps->ops_by_name[mid]);
        int c = strncmp(name, s, len);
        if (c == 0)
            c = name[len] ? 1 : 0;
        if (c == 0)
            return ps->ops_by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* "(v1, v2)" or "()". */
static int
parse_ref_list(parser_t *ps, ir_ref_t **refs, uint32_t *n, uint32_t *cap)
{
    *n = 0;
    if (!expect(ps, '('))
        return ps->status;
    if (accept(ps, ')'))
        return 0;
    do {
        ir_ref_t r;
        if (parse_value(ps, &r))
            return ps->status;
        if (*n == *cap) {
            uint32_t new_cap = *cap ? *cap * 2 : 8;
            ir_ref_t *p = arena_alloc_array(ps->f->arena, new_cap, sizeof *p);
            if (!p)
                return ps->status = ps->f->arena->last_error;
            if (*n)
                memcpy(p, *refs, *n * sizeof *p);
            *refs = p;
            *cap = new_cap;
        }
        (*refs)[(*n)++] = r;
    } while (accept(ps, ','));
    expect(ps, ')');
    return ps->status;
}

/* A block name blockN, recorded as used. */
static int
parse_block_name(parser_t *ps, const char *s, size_t len, uint32_t *out)
{
    int64_t n = numbered(s, len, "block");
    if (n < 0 || (uint64_t)n >= ps->n_block_ids)
        return syntax_error(ps, s, "expected a block (block0, block1, ...)");
    if (!ps->block_use[n])
        ps->block_use[n] = (uint32_t)(s - ps->start) + 1;
    *out = (uint32_t)n;
    return 0;
}

/* Growable scratch lists of one instruction's items. */
typedef struct items {
    ir_ref_t *args;
    uint32_t n_args, cap_args;
    ir_succ_t *succs;
    uint32_t n_succs, cap_succs;
    uint64_t imm[2];
    uint8_t bytes[16];
    bool is_negative;
    uint32_t n_imm;
    bool has_mem;
    uint64_t offset;
} items_t;

static int
push_arg(parser_t *ps, items_t *it, ir_ref_t r)
{
    if (it->n_args == it->cap_args) {
        uint32_t cap = it->cap_args ? it->cap_args * 2 : 8;
        ir_ref_t *p = arena_alloc_array(ps->f->arena, cap, sizeof *p);
        if (!p)
            return ps->status = ps->f->arena->last_error;
        if (it->n_args)
            memcpy(p, it->args, it->n_args * sizeof *p);
        it->args = p;
        it->cap_args = cap;
    }
    it->args[it->n_args++] = r;
    return 0;
}

static int
parse_trap_code(parser_t *ps, const char *s, size_t len, uint64_t *out)
{
    for (unsigned i = 0; i < N_TRAP_NAMES; i++) {
        if (strlen(trap_names[i]) == len && strncasecmp(trap_names[i], s, len) == 0) {
            *out = i + 1;
            return 0;
        }
    }
    return syntax_error(ps, s, "unknown trap code '%.*s'", (int)len, s);
}

/* One item of an instruction's comma-separated list: vN, [vN + off], blockN(args), a number, a
 * trap name, or a number followed by (args) for calls. */
static int
parse_item(parser_t *ps, items_t *it, enum ir_imm imm)
{
    skip_blanks(ps);
    const char *s = ps->p;
    if (accept(ps, '[')) {
        ir_ref_t r;
        if (parse_value(ps, &r) || push_arg(ps, it, r))
            return ps->status;
        it->offset = 0;
        if (accept(ps, '+')) {
            uint8_t bytes[16];
            bool negative;
            if (parse_number(ps, &it->offset, bytes, &negative))
                return ps->status;
            if (negative)
                return syntax_error(ps, s, "negative offset");
        }
        it->has_mem = true;
        expect(ps, ']');
        return ps->status;
    }
    const char *w;
    size_t len = (ps->p < ps->end && isalpha((unsigned char)*ps->p)) ? word(ps, &w) : 0;
    if (len) {
        if (numbered(w, len, "v") > 0) {
            ps->p = w;
            ir_ref_t r;
            if (parse_value(ps, &r))
                return ps->status;
            return push_arg(ps, it, r);
        }
        if (numbered(w, len, "block") >= 0) {
            if (it->n_succs == it->cap_succs) {
                uint32_t cap = it->cap_succs ? it->cap_succs * 2 : 4;
                ir_succ_t *p = arena_alloc_array(ps->f->arena, cap, sizeof *p);
                if (!p)
                    return ps->status = ps->f->arena->last_error;
                if (it->n_succs)
                    memcpy(p, it->succs, it->n_succs * sizeof *p);
                it->succs = p;
                it->cap_succs = cap;
            }
            ir_succ_t *succ = &it->succs[it->n_succs++];
            uint32_t cap = 0;
            succ->args = NULL;
            if (parse_block_name(ps, w, len, &succ->block))
                return ps->status;
            return parse_ref_list(ps, &succ->args, &succ->n_args, &cap);
        }
        if (imm != IR_IMM_TRAP)
            return syntax_error(ps, w, "unexpected '%.*s'", (int)len, w);
        if (it->n_imm >= 1)
            return syntax_error(ps, w, "too many immediates");
        return parse_trap_code(ps, w, len, &it->imm[it->n_imm++]);
    }
    if (it->n_imm >= 2)
        return syntax_error(ps, s, "too many immediates");
    if (parse_number(ps, &it->imm[it->n_imm], it->bytes, &it->is_negative))
        return ps->status;
    it->n_imm++;
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p == '(') {
        /* call 3(v1, v2) */
        ir_ref_t *refs = NULL;
        uint32_t n = 0, cap = 0;
        if (parse_ref_list(ps, &refs, &n, &cap))
            return ps->status;
        for (uint32_t i = 0; i < n; i++)
            if (push_arg(ps, it, refs[i]))
                return ps->status;
    }
    return 0;
}

/* Checks the immediates against the op's kind and stores them. */
static int
store_imms(parser_t *ps, const char *at, ir_ref_t ref, ir_type_t type, const items_t *it,
           enum ir_imm imm)
{
    ir_func_t *f = ps->f;
    unsigned want = 0;
    switch (imm) {
    case IR_IMM_NONE: break;
    case IR_IMM_INDEX2: want = 2; break;
    case IR_IMM_MEM: want = 0; break;
    default: want = 1; break;
    }
    if (ir_insn(f, ref)->op == IR_PARAM)
        want = 0;
    bool is_mem = imm == IR_IMM_MEM || imm == IR_IMM_MEM_LANE;
    if (is_mem && !it->has_mem)
        return syntax_error(ps, at, "expected an address [vN + offset]");
    if (!is_mem && it->has_mem)
        return syntax_error(ps, at, "unexpected address");
    if (it->n_imm != want)
        return syntax_error(ps, at, "expected %u immediate%s", want, want == 1 ? "" : "s");
    ir_insn_t *insn = ir_insn(f, ref);
    switch (imm) {
    case IR_IMM_CONST:
        if (type == IR_T_V128) {
            uint8_t *bytes = ir_insn_bytes(f, ref);
            if (!bytes)
                return ps->status = f->status;
            memcpy(bytes, it->bytes, 16);
        } else if (type == IR_T_I32 || type == IR_T_F32) {
            int64_t v = (int64_t)it->imm[0];
            if (it->is_negative ? v < INT32_MIN : it->imm[0] > UINT32_MAX)
                return syntax_error(ps, at, "constant out of range for %s", ir_type_name(type));
            insn->imm = (uint32_t)it->imm[0];
        } else {
            insn->imm = it->imm[0];
        }
        break;
    case IR_IMM_SHUFFLE: {
        uint8_t *bytes = ir_insn_bytes(f, ref);
        if (!bytes)
            return ps->status = f->status;
        memcpy(bytes, it->bytes, 16);
        break;
    }
    case IR_IMM_MEM_LANE:
        if (it->imm[0] > 255)
            return syntax_error(ps, at, "lane out of range");
        insn->imm = it->offset;
        insn->imm2 = (uint32_t)it->imm[0];
        break;
    case IR_IMM_MEM: insn->imm = it->offset; break;
    case IR_IMM_INDEX2:
        if (it->imm[0] > UINT32_MAX || it->imm[1] > UINT32_MAX)
            return syntax_error(ps, at, "index out of range");
        insn->imm = it->imm[0];
        insn->imm2 = (uint32_t)it->imm[1];
        break;
    case IR_IMM_NONE: break;
    default: insn->imm = it->imm[0]; break;
    }
    return 0;
}

static int
parse_insn(parser_t *ps, uint32_t block)
{
    ir_func_t *f = ps->f;
    skip_blanks(ps);
    const char *line = ps->p;
    const char *w;
    size_t len = word(ps, &w);
    ir_ref_t ref = IR_NOREF;
    ir_type_t type = IR_T_NONE;
    if (numbered(w, len, "v") > 0) {
        ps->p = w;
        if (parse_value(ps, &ref) || !expect(ps, ':') || parse_type(ps, &type) ||
            !expect(ps, '='))
            return ps->status;
        if (ir_is_defined(f, ref))
            return syntax_error(ps, w, "v%" PRIu32 " is defined twice", ref);
        len = word(ps, &w);
    }
    int op = len ? find_op(ps, w, len) : -1;
    if (op < 0 || op == IR_PARAM)
        return syntax_error(ps, w, "unknown op '%.*s'", (int)len, w);
    items_t it = {0};
    enum ir_imm imm = ir_op_imm((unsigned)op);
    if (!at_eol(ps)) {
        do {
            if (parse_item(ps, &it, imm))
                return ps->status;
        } while (accept(ps, ','));
    }
    if (!at_eol(ps))
        return syntax_error(ps, ps->p, "expected ',' or the end of the line");
    if (!ref) {
        ref = f->n_insns;
        ir_reserve(f, ref + 1, f->n_blocks);
    }
    bool is_term = ir_op_flags((unsigned)op) & IRF_TERM;
    if (!is_term && it.n_succs)
        return syntax_error(ps, line, "only a terminator has successors");
    if (!ir_append_at(f, ref, block, (unsigned)op, type, it.n_args, it.args))
        return ps->status = f->status ? f->status : SL_ENOMEM;
    if (is_term) {
        ir_insn(f, ref)->ext.succs = it.succs;
        ir_insn(f, ref)->n_succs = it.n_succs;
    }
    return store_imms(ps, line, ref, type, &it, imm);
}

/* "blockN(vA:T, ...):" or "blockN:"; the word is already read. */
static int
parse_block_header(parser_t *ps, const char *w, size_t len, uint32_t *out)
{
    ir_func_t *f = ps->f;
    uint32_t id;
    if (parse_block_name(ps, w, len, &id))
        return ps->status;
    if (ir_block(f, id)->is_placed)
        return syntax_error(ps, w, "block%" PRIu32 " is defined twice", id);
    ir_block_place(f, id);
    if (accept(ps, '(') && !accept(ps, ')')) {
        do {
            skip_blanks(ps);
            const char *at = ps->p;
            ir_ref_t ref;
            ir_type_t type;
            if (parse_value(ps, &ref) || !expect(ps, ':') || parse_type(ps, &type))
                return ps->status;
            if (ir_is_defined(f, ref))
                return syntax_error(ps, at, "v%" PRIu32 " is defined twice", ref);
            if (!ir_block_add_param_at(f, ref, id, type))
                return ps->status = f->status;
        } while (accept(ps, ','));
        if (!expect(ps, ')'))
            return ps->status;
    }
    if (!expect(ps, ':'))
        return ps->status;
    if (!at_eol(ps))
        return syntax_error(ps, ps->p, "expected the end of the line");
    *out = id;
    return 0;
}

/* "(T, T) -> (T)". */
static int
parse_types(parser_t *ps, uint8_t *types, uint32_t max, uint32_t *n)
{
    *n = 0;
    if (!expect(ps, '('))
        return ps->status;
    if (accept(ps, ')'))
        return 0;
    do {
        ir_type_t t;
        if (*n == max)
            return syntax_error(ps, ps->p, "too many types");
        if (parse_type(ps, &t))
            return ps->status;
        types[(*n)++] = (uint8_t)t;
    } while (accept(ps, ','));
    expect(ps, ')');
    return ps->status;
}

/* The largest vN and blockN in the text bound the slots to reserve, so value numbers can be kept
 * as they are. A number far past what the text could define is refused rather than allocated. */
static int
prescan(parser_t *ps, uint32_t *max_value, uint32_t *max_block)
{
    uint64_t limit = 16 * (uint64_t)(ps->end - ps->start) + 1024;
    *max_value = *max_block = 0;
    for (const char *q = ps->start; q < ps->end;) {
        if (*q == '#') {
            while (q < ps->end && *q != '\n')
                q++;
            continue;
        }
        if (!is_ident_char(*q)) {
            q++;
            continue;
        }
        const char *s = q;
        while (q < ps->end && is_ident_char(*q))
            q++;
        int64_t v = numbered(s, (size_t)(q - s), "v");
        int64_t b = numbered(s, (size_t)(q - s), "block");
        if (v > (int64_t)limit || b > (int64_t)limit || v >= IR_MAX_INDEX || b >= IR_MAX_INDEX)
            return syntax_error(ps, s, "number too large");
        if (v > (int64_t)*max_value)
            *max_value = (uint32_t)v;
        if (b > (int64_t)*max_block)
            *max_block = (uint32_t)b;
    }
    return 0;
}

static int
parse_body(parser_t *ps)
{
    ir_func_t *f = ps->f;
    uint32_t block = IR_NO_BLOCK;
    for (;;) {
        skip_space(ps);
        if (ps->p == ps->end)
            return syntax_error(ps, ps->p, "expected '}'");
        if (accept(ps, '}'))
            break;
        const char *save = ps->p;
        const char *w;
        size_t len = word(ps, &w);
        if (numbered(w, len, "block") >= 0) {
            if (parse_block_header(ps, w, len, &block))
                return ps->status;
            continue;
        }
        ps->p = save;
        if (block == IR_NO_BLOCK)
            return syntax_error(ps, save, "instruction outside a block");
        if (parse_insn(ps, block))
            return ps->status;
    }
    skip_space(ps);
    if (ps->p != ps->end)
        return syntax_error(ps, ps->p, "text after the function");
    /* Every name used must be defined somewhere. */
    for (uint32_t v = 1; v < ps->n_values; v++)
        if (ps->value_use[v] && !ir_is_defined(f, v))
            return syntax_error(ps, ps->start + ps->value_use[v] - 1,
                                "v%" PRIu32 " is not defined", v);
    for (uint32_t b = 0; b < ps->n_block_ids; b++)
        if (ps->block_use[b] && !ir_block(f, b)->is_placed)
            return syntax_error(ps, ps->start + ps->block_use[b] - 1,
                                "block%" PRIu32 " is not defined", b);
    return 0;
}

int
ir_parse(arena_t *arena, const char *text, size_t len, ir_func_t **out, sl_error_t *err)
{
    *out = NULL;
    parser_t ps = {.start = text, .p = text, .end = text + len, .err = err};
    uint32_t max_value, max_block;
    if (len > UINT32_MAX / 32)
        return syntax_error(&ps, text, "text too large");
    if (prescan(&ps, &max_value, &max_block))
        return ps.status;
    skip_space(&ps);
    const char *w, *name;
    size_t wlen = word(&ps, &w);
    if (!word_is(w, wlen, "func"))
        return syntax_error(&ps, w, "expected 'func'");
    size_t name_len = word(&ps, &name);
    if (!name_len)
        return syntax_error(&ps, name, "expected a function name");
    enum { MAX_SIG = 1000 };
    uint8_t params[MAX_SIG], results[MAX_SIG];
    uint32_t n_params, n_results;
    if (parse_types(&ps, params, MAX_SIG, &n_params))
        return ps.status;
    skip_blanks(&ps);
    if (ps.end - ps.p < 2 || memcmp(ps.p, "->", 2) != 0)
        return syntax_error(&ps, ps.p, "expected '->'");
    ps.p += 2;
    if (parse_types(&ps, results, MAX_SIG, &n_results) || !expect(&ps, '{'))
        return ps.status;

    char name_buf[128];
    if (name_len >= sizeof name_buf)
        return syntax_error(&ps, name, "function name too long");
    memcpy(name_buf, name, name_len);
    name_buf[name_len] = '\0';
    int rc = ir_func_new(arena, name_buf, n_params, params, n_results, results, &ps.f);
    if (rc)
        return rc;
    ps.n_values = max_value + 1;
    ps.n_block_ids = max_block + 1;
    ir_reserve(ps.f, ps.n_values, ps.n_block_ids);
    ps.value_use = arena_alloc_array(arena, ps.n_values, sizeof *ps.value_use);
    ps.block_use = arena_alloc_array(arena, ps.n_block_ids, sizeof *ps.block_use);
    ps.ops_by_name = arena_alloc_array(arena, IR_N_OPS, sizeof *ps.ops_by_name);
    if (ps.f->status || !ps.value_use || !ps.block_use || !ps.ops_by_name)
        return ps.f->status ? ps.f->status : arena->last_error;
    for (unsigned i = 0; i < IR_N_OPS; i++)
        ps.ops_by_name[i] = (uint16_t)i;
    qsort(ps.ops_by_name, IR_N_OPS, sizeof *ps.ops_by_name, compare_op_names);
    if (parse_body(&ps))
        return ps.status;
    if (ps.f->status)
        return ps.f->status;
    *out = ps.f;
    return 0;
}
