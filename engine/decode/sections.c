/* One parser per non-code section (spec: binary format, modules; validation, modules). Each runs
 * once its section's payload is complete, decodes it into the module and validates what can be
 * validated with what came before: the section order guarantees every index space a section
 * refers to is already known.
 *
 * Decoding and validation are interleaved, so in these sections the first error in byte order is
 * the one reported, malformed or invalid. (Function bodies go further, see decode_rest in
 * body_decoder.c; across sections a streaming decoder cannot wait for later bytes to rank an
 * error it already has.) */
#include <stdlib.h>
#include <string.h>

#include "decoder.h"

#define FAIL_INVALID(r, off, ...) reader_fail_at((r), (off), SL_EINVALID, __VA_ARGS__)

static bool
fail_alloc(decoder_t *d, reader_t *r)
{
    int code = d->module->arena.last_error ? d->module->arena.last_error : SL_ENOMEM;
    return reader_fail(r, code, code == SL_ELIMIT ? "module metadata exceeds the memory budget"
                                                  : "out of memory");
}

static bool
check_limit(reader_t *r, uint64_t value, uint32_t limit, const char *what)
{
    if (value > limit)
        return reader_fail(r, SL_ELIMIT, "too many %s: %llu (limit %u)", what,
                           (unsigned long long)value, limit);
    return true;
}

/* spec: binary format, limits. `max` bounds both ends (memory pages), 0 for u32 only. */
static bool
read_limits(reader_t *r, module_limits_range_t *out, uint64_t bound, const char *bound_message)
{
    uint8_t flag;
    uint32_t v;
    uint64_t at = reader_offset(r);
    if (!reader_u8(r, &flag))
        return false;
    if (flag > 1)
        return reader_fail_at(r, at, SL_EMALFORMED, "integer too large");
    uint64_t min_at = reader_offset(r);
    if (!reader_u32(r, &v))
        return false;
    out->min = v;
    out->has_max = flag == 1;
    out->max = UINT32_MAX;
    uint64_t max_at = reader_offset(r);
    if (out->has_max) {
        if (!reader_u32(r, &v))
            return false;
        out->max = v;
    }
    /* spec: validation, limits: each bound within the range, then min <= max */
    if (bound && out->min > bound)
        return FAIL_INVALID(r, min_at, "%s", bound_message);
    if (bound && out->has_max && out->max > bound)
        return FAIL_INVALID(r, max_at, "%s", bound_message);
    if (out->has_max && out->min > out->max)
        return FAIL_INVALID(r, min_at, "size minimum must not be greater than maximum");
    return true;
}

static bool
read_table_type(reader_t *r, module_table_t *out)
{
    return read_reftype(r, &out->elem_type) && read_limits(r, &out->limits, 0, NULL);
}

static bool
read_memory_type(reader_t *r, module_memory_t *out)
{
    return read_limits(r, &out->limits, SL_MAX_MEMORY_PAGES,
                       "memory size must be at most 65536 pages (4GiB)");
}

static bool
read_global_type(reader_t *r, module_global_t *out)
{
    uint8_t mut;
    if (!read_valtype(r, &out->type))
        return false;
    uint64_t at = reader_offset(r);
    if (!reader_u8(r, &mut))
        return false;
    if (mut > 1)
        return reader_fail_at(r, at, SL_EMALFORMED, "malformed mutability");
    out->is_mutable = mut == 1;
    return true;
}

static module_name_t
name_at(const reader_t *r, const uint8_t *p, uint32_t len)
{
    return p ? (module_name_t){(uint32_t)(p - r->base), len} : (module_name_t){0, 0};
}

/* ---- type section (1) ------------------------------------------------------------------------ */

static bool
read_types(reader_t *r, uint32_t n, uint32_t limit, const char *what, const sl_valtype_t **out)
{
    *out = r->p; /* value types are one byte each: the wire bytes are the array */
    if (!check_limit(r, n, limit, what))
        return false;
    if (n > reader_left(r))
        return reader_fail(r, SL_EMALFORMED, "%s", r->eof_message);
    for (uint32_t i = 0; i < n; i++) {
        sl_valtype_t t;
        if (!read_valtype(r, &t))
            return false;
    }
    return true;
}

static bool
decode_types(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) || !check_limit(r, n, d->limits->max_types, "types"))
        return false;
    m->types = arena_alloc_array(&m->arena, n, sizeof *m->types);
    if (!m->types && n)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++) {
        sl_functype_t *t = &m->types[i];
        uint8_t form;
        uint64_t at = reader_offset(r);
        if (!reader_u8(r, &form))
            return false;
        if (form != 0x60)
            return reader_fail_at(r, at, SL_EMALFORMED, "malformed function type 0x%02x", form);
        if (!reader_u32(r, &t->n_params) ||
            !read_types(r, t->n_params, d->limits->max_params, "parameters", &t->params) ||
            !reader_u32(r, &t->n_results) ||
            !read_types(r, t->n_results, d->limits->max_results, "results", &t->results))
            return false;
        m->n_types = i + 1;
    }
    return true;
}

/* ---- import section (2) ---------------------------------------------------------------------- */

/* Imported entities are decoded into a scratch array first; the index spaces are allocated once
 * their sizes (imports + definitions) are known. */
typedef struct import_desc {
    union {
        uint32_t type_index;
        module_table_t table;
        module_memory_t memory;
        module_global_t global;
    } u;
} import_desc_t;

static bool
decode_imports(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) || !check_limit(r, n, d->limits->max_imports, "imports"))
        return false;
    m->imports = arena_alloc_array(&m->arena, n, sizeof *m->imports);
    import_desc_t *descs = calloc(n ? n : 1, sizeof *descs);
    if ((!m->imports && n) || !descs) {
        free(descs);
        return fail_alloc(d, r);
    }
    uint32_t counts[4] = {0};
    bool ok = true;
    for (uint32_t i = 0; ok && i < n; i++) {
        module_import_t *imp = &m->imports[i];
        const uint8_t *p = NULL;
        uint32_t len = 0;
        uint8_t kind;
        ok = reader_name(r, &p, &len);
        imp->module = name_at(r, p, len);
        ok = ok && reader_name(r, &p, &len);
        imp->name = name_at(r, p, len);
        uint64_t at = reader_offset(r);
        ok = ok && reader_u8(r, &kind);
        if (!ok)
            break;
        imp->kind = kind;
        switch (kind) {
        case SL_EXTERN_FUNC:
            at = reader_offset(r);
            ok = reader_u32(r, &descs[i].u.type_index);
            if (ok && descs[i].u.type_index >= m->n_types)
                ok = FAIL_INVALID(r, at, "unknown type %u", descs[i].u.type_index);
            break;
        case SL_EXTERN_TABLE:
            ok = read_table_type(r, &descs[i].u.table);
            break;
        case SL_EXTERN_MEMORY:
            ok = read_memory_type(r, &descs[i].u.memory);
            if (ok && counts[SL_EXTERN_MEMORY] >= 1) /* spec 2.0: at most one memory */
                ok = FAIL_INVALID(r, at, "multiple memories");
            break;
        case SL_EXTERN_GLOBAL:
            ok = read_global_type(r, &descs[i].u.global);
            break;
        default:
            ok = reader_fail_at(r, at, SL_EMALFORMED, "malformed import kind");
        }
        if (ok)
            imp->index = counts[kind]++;
        m->n_imports = i + 1;
    }
    ok = ok && check_limit(r, counts[SL_EXTERN_FUNC], d->limits->max_functions, "functions") &&
         check_limit(r, counts[SL_EXTERN_GLOBAL], d->limits->max_globals, "globals") &&
         check_limit(r, counts[SL_EXTERN_TABLE], d->limits->max_tables, "tables");
    if (ok) {
        m->funcs = arena_alloc_array(&m->arena, counts[SL_EXTERN_FUNC], sizeof *m->funcs);
        m->tables = arena_alloc_array(&m->arena, counts[SL_EXTERN_TABLE], sizeof *m->tables);
        m->memories = arena_alloc_array(&m->arena, counts[SL_EXTERN_MEMORY], sizeof *m->memories);
        m->globals = arena_alloc_array(&m->arena, counts[SL_EXTERN_GLOBAL], sizeof *m->globals);
        if ((!m->funcs && counts[0]) || (!m->tables && counts[1]) ||
            (!m->memories && counts[2]) || (!m->globals && counts[3]))
            ok = fail_alloc(d, r);
    }
    for (uint32_t i = 0; ok && i < n; i++) {
        const module_import_t *imp = &m->imports[i];
        switch (imp->kind) {
        case SL_EXTERN_FUNC: m->funcs[imp->index].type_index = descs[i].u.type_index; break;
        case SL_EXTERN_TABLE: m->tables[imp->index] = descs[i].u.table; break;
        case SL_EXTERN_MEMORY: m->memories[imp->index] = descs[i].u.memory; break;
        case SL_EXTERN_GLOBAL: m->globals[imp->index] = descs[i].u.global; break;
        }
    }
    if (ok) {
        m->n_funcs = m->n_imported_funcs = counts[SL_EXTERN_FUNC];
        m->n_tables = m->n_imported_tables = counts[SL_EXTERN_TABLE];
        m->n_memories = m->n_imported_memories = counts[SL_EXTERN_MEMORY];
        m->n_globals = m->n_imported_globals = counts[SL_EXTERN_GLOBAL];
    }
    free(descs);
    return ok;
}

/* Grows an index space from its imports to imports + `n` definitions. */
static void *
extend_space(decoder_t *d, void *old, uint32_t n_old, uint32_t n_new, size_t size)
{
    void *p = arena_alloc_array(&d->module->arena, (size_t)n_old + n_new, size);
    if (p && n_old)
        memcpy(p, old, (size_t)n_old * size);
    return p;
}

/* ---- function section (3) -------------------------------------------------------------------- */

static bool
decode_functions(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) ||
        !check_limit(r, (uint64_t)m->n_funcs + n, d->limits->max_functions, "functions"))
        return false;
    module_func_t *funcs = extend_space(d, m->funcs, m->n_funcs, n, sizeof *funcs);
    if (!funcs)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t at = reader_offset(r);
        uint32_t type_index;
        if (!reader_u32(r, &type_index))
            return false;
        if (type_index >= m->n_types)
            return FAIL_INVALID(r, at, "unknown type %u", type_index);
        funcs[m->n_funcs + i].type_index = type_index;
    }
    m->funcs = funcs;
    m->n_funcs += n;
    return true;
}

/* ---- table section (4) and memory section (5) ------------------------------------------------ */

static bool
decode_tables(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) ||
        !check_limit(r, (uint64_t)m->n_tables + n, d->limits->max_tables, "tables"))
        return false;
    module_table_t *tables = extend_space(d, m->tables, m->n_tables, n, sizeof *tables);
    if (!tables)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++)
        if (!read_table_type(r, &tables[m->n_tables + i]))
            return false;
    m->tables = tables;
    m->n_tables += n;
    return true;
}

static bool
decode_memories(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    uint64_t at = reader_offset(r);
    if (!reader_count(r, 1, &n))
        return false;
    if ((uint64_t)m->n_memories + n > 1) /* spec 2.0: at most one memory */
        return FAIL_INVALID(r, at, "multiple memories");
    module_memory_t *memories = extend_space(d, m->memories, m->n_memories, n, sizeof *memories);
    if (!memories)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++)
        if (!read_memory_type(r, &memories[m->n_memories + i]))
            return false;
    m->memories = memories;
    m->n_memories += n;
    return true;
}

/* ---- global section (6) ---------------------------------------------------------------------- */

static bool
decode_globals(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) ||
        !check_limit(r, (uint64_t)m->n_globals + n, d->limits->max_globals, "globals"))
        return false;
    module_global_t *globals = extend_space(d, m->globals, m->n_globals, n, sizeof *globals);
    if (!globals)
        return fail_alloc(d, r);
    m->globals = globals; /* const exprs read the imported prefix */
    for (uint32_t i = 0; i < n; i++) {
        module_global_t *g = &globals[m->n_globals + i];
        if (!read_global_type(r, g) || !const_expr_decode(d, r, g->type, &g->init))
            return false;
    }
    m->n_globals += n;
    return true;
}

/* ---- export section (7) ---------------------------------------------------------------------- */

static uint64_t
name_hash(const uint8_t *s, uint32_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static bool
decode_exports(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) || !check_limit(r, n, d->limits->max_exports, "exports"))
        return false;
    m->exports = arena_alloc_array(&m->arena, n, sizeof *m->exports);
    size_t n_slots = 16;
    while (n_slots < (size_t)n * 2)
        n_slots *= 2;
    uint32_t *slots = calloc(n_slots, sizeof *slots); /* export index + 1, 0 = empty */
    if ((!m->exports && n) || !slots) {
        free(slots);
        return fail_alloc(d, r);
    }
    const uint32_t space_size[4] = {m->n_funcs, m->n_tables, m->n_memories, m->n_globals};
    static const char *const space_name[4] = {"function", "table", "memory", "global"};
    bool ok = true;
    for (uint32_t i = 0; ok && i < n; i++) {
        module_export_t *e = &m->exports[i];
        const uint8_t *p = NULL;
        uint32_t len = 0;
        uint64_t name_at_offset = reader_offset(r);
        ok = reader_name(r, &p, &len);
        e->name = name_at(r, p, len);
        uint64_t at = reader_offset(r);
        ok = ok && reader_u8(r, &e->kind);
        if (ok && e->kind > SL_EXTERN_GLOBAL)
            ok = reader_fail_at(r, at, SL_EMALFORMED, "malformed export kind");
        at = reader_offset(r);
        ok = ok && reader_u32(r, &e->index);
        if (!ok)
            break;
        if (e->index >= space_size[e->kind]) {
            ok = FAIL_INVALID(r, at, "unknown %s %u", space_name[e->kind], e->index);
            break;
        }
        if (e->kind == SL_EXTERN_FUNC && module_declare_func(m, e->index) != 0) {
            ok = fail_alloc(d, r);
            break;
        }
        /* spec: validation, modules: export names are distinct */
        for (size_t s = name_hash(p, len) & (n_slots - 1);; s = (s + 1) & (n_slots - 1)) {
            if (!slots[s]) {
                slots[s] = i + 1;
                break;
            }
            const module_export_t *other = &m->exports[slots[s] - 1];
            if (other->name.len == len && memcmp(m->wire + other->name.offset, p, len) == 0) {
                ok = FAIL_INVALID(r, name_at_offset, "duplicate export name");
                break;
            }
        }
        m->n_exports = i + 1;
    }
    free(slots);
    return ok;
}

/* ---- start section (8) ----------------------------------------------------------------------- */

static bool
decode_start(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint64_t at = reader_offset(r);
    if (!reader_u32(r, &m->start))
        return false;
    if (m->start >= m->n_funcs)
        return FAIL_INVALID(r, at, "unknown function %u", m->start);
    const sl_functype_t *t = module_func_type(m, m->start);
    if (t->n_params || t->n_results) /* spec: validation, start function: [] -> [] */
        return FAIL_INVALID(r, at, "start function");
    m->has_start = true;
    return true;
}

/* ---- element section (9) --------------------------------------------------------------------- */

static bool
decode_elem_items(decoder_t *d, reader_t *r, module_elem_t *e, bool has_exprs)
{
    sl_module_t *m = d->module;
    if (!reader_count(r, 1, &e->n_items) ||
        !check_limit(r, e->n_items, d->limits->max_table_init, "element segment entries"))
        return false;
    if (has_exprs)
        e->exprs = arena_alloc_array(&m->arena, e->n_items, sizeof *e->exprs);
    else
        e->func_indices = arena_alloc_array(&m->arena, e->n_items, sizeof *e->func_indices);
    if (e->n_items && !e->exprs && !e->func_indices)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < e->n_items; i++) {
        if (has_exprs) {
            if (!const_expr_decode(d, r, e->type, &e->exprs[i]))
                return false;
            continue;
        }
        uint64_t at = reader_offset(r);
        if (!reader_u32(r, &e->func_indices[i]))
            return false;
        if (e->func_indices[i] >= m->n_funcs)
            return FAIL_INVALID(r, at, "unknown function %u", e->func_indices[i]);
        if (module_declare_func(m, e->func_indices[i]) != 0)
            return fail_alloc(d, r);
    }
    return true;
}

static bool
decode_elems(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    if (!reader_count(r, 1, &n) ||
        !check_limit(r, n, d->limits->max_elem_segments, "element segments"))
        return false;
    m->elems = arena_alloc_array(&m->arena, n, sizeof *m->elems);
    if (!m->elems && n)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++) {
        module_elem_t *e = &m->elems[i];
        uint32_t flags;
        uint64_t at = reader_offset(r);
        if (!reader_u32(r, &flags))
            return false;
        /* spec: binary format, element section: bit 0 passive or declarative, bit 1 explicit
         * table index (active) or declarative (otherwise), bit 2 expressions for function
         * indices. */
        if (flags > 7)
            return reader_fail_at(r, at, SL_EMALFORMED, "malformed elements segment kind");
        bool is_active = !(flags & 1), has_table = (flags & 3) == 2, has_exprs = flags & 4;
        e->mode = is_active ? MODULE_SEGMENT_ACTIVE
                            : (flags & 2) ? MODULE_SEGMENT_DECLARATIVE : MODULE_SEGMENT_PASSIVE;
        e->type = SL_TYPE_FUNCREF;
        at = reader_offset(r);
        if (has_table && !reader_u32(r, &e->table))
            return false;
        if (is_active) {
            if (e->table >= m->n_tables)
                return FAIL_INVALID(r, at, "unknown table %u", e->table);
            if (!const_expr_decode(d, r, SL_TYPE_I32, &e->offset))
                return false;
        }
        if (flags & 3) { /* an explicit element kind or reference type follows */
            at = reader_offset(r);
            if (has_exprs) {
                if (!read_reftype(r, &e->type))
                    return false;
            } else {
                uint8_t kind;
                if (!reader_u8(r, &kind))
                    return false;
                if (kind != 0x00) /* elemkind: only funcref */
                    return reader_fail_at(r, at, SL_EMALFORMED, "malformed element kind");
            }
        }
        if (is_active && m->tables[e->table].elem_type != e->type)
            return FAIL_INVALID(r, at, "type mismatch: %s segment for a %s table",
                                sl_valtype_name(e->type),
                                sl_valtype_name(m->tables[e->table].elem_type));
        if (!decode_elem_items(d, r, e, has_exprs))
            return false;
        m->n_elems = i + 1;
    }
    return true;
}

/* ---- data count (12) and data (11) sections -------------------------------------------------- */

static bool
decode_data_count(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    if (!reader_u32(r, &m->data_count) ||
        !check_limit(r, m->data_count, d->limits->max_data_segments, "data segments"))
        return false;
    m->has_data_count = true;
    return true;
}

static bool
decode_datas(decoder_t *d, reader_t *r)
{
    sl_module_t *m = d->module;
    uint32_t n;
    uint64_t at = reader_offset(r);
    if (!reader_count(r, 1, &n) ||
        !check_limit(r, n, d->limits->max_data_segments, "data segments"))
        return false;
    if (m->has_data_count && n != m->data_count)
        return reader_fail_at(r, at, SL_EMALFORMED,
                              "data count and data section have inconsistent lengths");
    m->datas = arena_alloc_array(&m->arena, n, sizeof *m->datas);
    if (!m->datas && n)
        return fail_alloc(d, r);
    for (uint32_t i = 0; i < n; i++) {
        module_data_t *s = &m->datas[i];
        uint32_t flags;
        at = reader_offset(r);
        if (!reader_u32(r, &flags))
            return false;
        if (flags > 2)
            return reader_fail_at(r, at, SL_EMALFORMED, "malformed data segment kind");
        s->mode = flags == 1 ? MODULE_SEGMENT_PASSIVE : MODULE_SEGMENT_ACTIVE;
        at = reader_offset(r);
        if (flags == 2 && !reader_u32(r, &s->memory))
            return false;
        if (s->mode == MODULE_SEGMENT_ACTIVE) {
            if (s->memory >= m->n_memories)
                return FAIL_INVALID(r, at, "unknown memory %u", s->memory);
            if (!const_expr_decode(d, r, SL_TYPE_I32, &s->offset))
                return false;
        }
        at = reader_offset(r);
        if (!reader_u32(r, &s->size))
            return false;
        if (s->size > reader_left(r))
            return reader_fail_at(r, at, SL_EMALFORMED, "unexpected end of section or function");
        s->bytes_offset = (uint32_t)reader_offset(r);
        reader_bytes(r, s->size);
        m->n_datas = i + 1;
    }
    return true;
}

/* ---- custom sections (0) --------------------------------------------------------------------- */

/* The "name" section's function names (spec: appendix, name section). Custom section contents
 * are not validated: a malformed name section is ignored, never an error. */
static void
decode_function_names(decoder_t *d, reader_t *outer)
{
    sl_module_t *m = d->module;
    sl_error_t ignored;
    error_clear(&ignored);
    reader_t r;
    reader_init(&r, outer->base, outer->p, outer->end, 0, &ignored);
    uint8_t id;
    uint32_t size, n;
    while (reader_left(&r) && reader_u8(&r, &id) && reader_u32(&r, &size)) {
        if (size > reader_left(&r))
            return;
        if (id != 1) { /* only subsection 1, function names */
            reader_bytes(&r, size);
            continue;
        }
        if (!reader_count(&r, 2, &n) || !m->n_funcs)
            return;
        module_name_t *names = arena_alloc_array(&m->arena, m->n_funcs, sizeof *names);
        if (!names)
            return;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t index, len;
            const uint8_t *p;
            if (!reader_u32(&r, &index) || !reader_name(&r, &p, &len))
                return;
            if (index < m->n_funcs)
                names[index] = name_at(&r, p, len);
        }
        m->func_names = names;
        return;
    }
}

static bool
decode_custom(decoder_t *d, reader_t *r)
{
    const uint8_t *p;
    uint32_t len;
    if (!reader_name(r, &p, &len))
        return false;
    if (len == 4 && memcmp(p, "name", 4) == 0)
        decode_function_names(d, r);
    r->p = r->end; /* the rest of a custom section is its own business */
    return true;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

bool
section_decode(decoder_t *d, unsigned id, reader_t *r)
{
    switch (id) {
    case 0: return decode_custom(d, r);
    case 1: return decode_types(d, r);
    case 2: return decode_imports(d, r);
    case 3: return decode_functions(d, r);
    case 4: return decode_tables(d, r);
    case 5: return decode_memories(d, r);
    case 6: return decode_globals(d, r);
    case 7: return decode_exports(d, r);
    case 8: return decode_start(d, r);
    case 9: return decode_elems(d, r);
    case 11: return decode_datas(d, r);
    case 12: return decode_data_count(d, r);
    default: SL_UNREACHABLE(); /* the stream rejects other ids; code is streamed per body */
    }
}

bool
code_count_check(decoder_t *d, reader_t *r, uint32_t count)
{
    sl_module_t *m = d->module;
    if (count != m->n_funcs - m->n_imported_funcs)
        return reader_fail(r, SL_EMALFORMED,
                           "function and code section have inconsistent lengths");
    return true;
}

bool
module_check_complete(decoder_t *d, uint64_t end_offset)
{
    sl_module_t *m = d->module;
    if (m->n_code_bodies != m->n_funcs - m->n_imported_funcs) {
        error_set(d->err, SL_EMALFORMED, SL_NO_SECTION, end_offset,
                  "function and code section have inconsistent lengths");
        return false;
    }
    /* spec: binary format, data count: code that uses data indices needs the section. An index
     * that no data segment backs is reported as such, since the module would be invalid with
     * or without the section. */
    unsigned bound = atomic_load_explicit(&m->data_index_bound, memory_order_relaxed);
    if (!m->has_data_count && bound > 0) {
        if (bound > m->n_datas)
            error_set(d->err, SL_EINVALID, SL_NO_SECTION, end_offset, "unknown data segment %u",
                      bound - 1);
        else
            error_set(d->err, SL_EMALFORMED, SL_NO_SECTION, end_offset,
                      "data count section required");
        return false;
    }
    if (m->has_data_count && m->data_count != m->n_datas) {
        error_set(d->err, SL_EMALFORMED, SL_NO_SECTION, end_offset,
                  "data count and data section have inconsistent lengths");
        return false;
    }
    return true;
}
