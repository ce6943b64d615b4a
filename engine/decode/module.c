/* The reference-counted module, its wire-byte buffer and the public accessors.
 *
 * Wire bytes are appended while a module streams in, and function bodies handed to a compiler
 * must not move. So the buffer is one address-space reservation of the largest allowed module
 * size (PROT_NONE, costs no memory), committed read-write in growing steps as bytes arrive, and
 * made read-only when the stream finishes. Pointers into it stay valid for the module's life.
 */
#include "module.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "invariants.h"
#include "wire_bytes.h"

enum { MIN_COMMIT = 64 * 1024 };

static size_t
page_round(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) & ~(page - 1);
}

int
module_new(uint64_t max_size, size_t arena_budget, sl_module_t **out)
{
    *out = NULL;
    sl_module_t *m = calloc(1, sizeof *m);
    if (!m)
        return SL_ENOMEM;
    atomic_init(&m->refs, 1);
    arena_init(&m->arena, arena_budget);
    if (max_size > SIZE_MAX / 2)
        max_size = SIZE_MAX / 2;
    m->wire_limit = (size_t)max_size;
    m->wire_reserved = page_round(max_size ? (size_t)max_size : 1);
    void *p = mmap(NULL, m->wire_reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        free(m);
        return SL_ENOMEM;
    }
    m->wire = p;
    *out = m;
    return 0;
}

int
wire_append(sl_module_t *m, const uint8_t *data, size_t size)
{
    if (size > m->wire_limit - m->wire_size)
        return SL_ELIMIT;
    size_t need = m->wire_size + size;
    if (need > m->wire_committed) {
        size_t commit = m->wire_committed ? m->wire_committed * 2 : MIN_COMMIT;
        if (commit < need)
            commit = page_round(need);
        if (commit > m->wire_reserved)
            commit = m->wire_reserved;
        if (mprotect(m->wire, commit, PROT_READ | PROT_WRITE) != 0)
            return SL_ENOMEM;
        m->wire_committed = commit;
    }
    memcpy(m->wire + m->wire_size, data, size);
    m->wire_size = need;
    return 0;
}

void
wire_seal(sl_module_t *m)
{
    /* Give back the reservation past the end and make the bytes immutable. */
    size_t used = page_round(m->wire_size ? m->wire_size : 1);
    if (used < m->wire_reserved) {
        munmap(m->wire + used, m->wire_reserved - used);
        m->wire_reserved = used;
        if (m->wire_committed > used)
            m->wire_committed = used;
    }
    if (m->wire_committed)
        mprotect(m->wire, m->wire_committed, PROT_READ);
}

sl_module_t *
sl_module_ref(sl_module_t *m)
{
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void
sl_module_unref(sl_module_t *m)
{
    if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (m->code)
        m->code_release(m->code);
    munmap(m->wire, m->wire_reserved);
    arena_fini(&m->arena);
    free(m);
}

int
module_declare_func(sl_module_t *m, uint32_t func_index)
{
    SL_ASSERT(func_index < m->n_funcs);
    if (!m->declared_funcs) {
        m->declared_funcs = arena_alloc(&m->arena, (size_t)m->n_funcs / 8 + 1);
        if (!m->declared_funcs)
            return m->arena.last_error;
    }
    m->declared_funcs[func_index / 8] |= (uint8_t)(1u << (func_index % 8));
    return 0;
}

uint32_t
sl_module_n_imports(const sl_module_t *m)
{
    return m->n_imports;
}

uint32_t
sl_module_n_exports(const sl_module_t *m)
{
    return m->n_exports;
}

uint32_t
sl_module_n_functions(const sl_module_t *m)
{
    return m->n_funcs;
}

uint32_t
sl_module_n_imported_functions(const sl_module_t *m)
{
    return m->n_imported_funcs;
}

int
sl_module_import(const sl_module_t *m, uint32_t i, sl_import_info_t *out)
{
    if (i >= m->n_imports)
        return SL_EARG;
    const module_import_t *imp = &m->imports[i];
    out->module = (const char *)m->wire + imp->module.offset;
    out->module_len = imp->module.len;
    out->name = (const char *)m->wire + imp->name.offset;
    out->name_len = imp->name.len;
    out->kind = (sl_extern_kind_t)imp->kind;
    out->index = imp->index;
    return 0;
}

int
sl_module_export(const sl_module_t *m, uint32_t i, sl_export_info_t *out)
{
    if (i >= m->n_exports)
        return SL_EARG;
    const module_export_t *exp = &m->exports[i];
    out->name = (const char *)m->wire + exp->name.offset;
    out->name_len = exp->name.len;
    out->kind = (sl_extern_kind_t)exp->kind;
    out->index = exp->index;
    return 0;
}

int
sl_module_func_type_text(const sl_module_t *m, uint32_t func_index, char *buf, size_t size)
{
    if (func_index >= m->n_funcs)
        return SL_EARG;
    return functype_format(module_func_type(m, func_index), buf, size);
}

const char *
sl_module_func_name(const sl_module_t *m, uint32_t func_index, size_t *len)
{
    if (!m->func_names || func_index >= m->n_funcs || !m->func_names[func_index].offset)
        return NULL;
    *len = m->func_names[func_index].len;
    return (const char *)m->wire + m->func_names[func_index].offset;
}

const uint8_t *
sl_module_wire_bytes(const sl_module_t *m, size_t *size)
{
    *size = m->wire_size;
    return m->wire;
}
