/* The decoded module (engine-internal view of the opaque sl_module_t).
 *
 * Ownership: a module owns its wire bytes (kept: a top tier recompiles from them, and names and
 * bodies point into them) and an arena holding every decoded table. It is reference-counted; the
 * stream holds the first reference while decoding. Threading: the feeding thread writes it while
 * decoding; once the stream finishes it is immutable and readable from any thread.
 */
#ifndef SL_MODULE_H
#define SL_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "slipstream.h"
#include "types.h"

/* Spec: 2^16 pages of 64 KiB for a 32-bit memory. */
#define SL_MAX_MEMORY_PAGES 65536u

typedef struct module_limits_range {
    uint64_t min, max;
    bool has_max;
} module_limits_range_t;

/* A constant expression (spec: validation, constant expressions), kept as its bytes for
 * evaluation at instantiation, plus its result type. */
typedef struct module_const_expr {
    uint32_t offset; /* in the wire bytes */
    uint32_t size;   /* up to and including the final end */
    sl_valtype_t type;
} module_const_expr_t;

typedef struct module_name {
    uint32_t offset; /* in the wire bytes */
    uint32_t len;
} module_name_t;

typedef struct module_func {
    uint32_t type_index;
    uint32_t body_offset; /* first byte of the body (after its size), 0 for imports and until in */
    uint32_t body_size;
} module_func_t;

typedef struct module_table {
    sl_valtype_t elem_type;
    module_limits_range_t limits;
} module_table_t;

typedef struct module_memory {
    module_limits_range_t limits; /* in pages */
} module_memory_t;

typedef struct module_global {
    sl_valtype_t type;
    bool is_mutable;
    module_const_expr_t init; /* unused for imports */
} module_global_t;

typedef struct module_import {
    module_name_t module, name;
    uint8_t kind;   /* sl_extern_kind_t */
    uint32_t index; /* in that kind's index space */
} module_import_t;

typedef struct module_export {
    module_name_t name;
    uint8_t kind;
    uint32_t index;
} module_export_t;

typedef enum module_segment_mode {
    MODULE_SEGMENT_ACTIVE,
    MODULE_SEGMENT_PASSIVE,
    MODULE_SEGMENT_DECLARATIVE,
} module_segment_mode_t;

typedef struct module_elem {
    uint8_t mode; /* module_segment_mode_t */
    sl_valtype_t type;
    uint32_t table;
    module_const_expr_t offset;
    uint32_t n_items;
    /* Exactly one is set: function indices (the funcidx encodings) or expressions. */
    uint32_t *func_indices;
    module_const_expr_t *exprs;
} module_elem_t;

typedef struct module_data {
    uint8_t mode;
    uint32_t memory;
    module_const_expr_t offset;
    uint32_t bytes_offset; /* in the wire bytes */
    uint32_t size;
} module_data_t;

struct sl_module {
    atomic_uint refs;
    arena_t arena;

    uint8_t *wire;      /* the module's bytes, see wire_bytes.h */
    size_t wire_size;
    size_t wire_limit;     /* the largest module accepted (sl_limits_t.max_module_size) */
    size_t wire_committed; /* read-write prefix of the reservation */
    size_t wire_reserved;

    uint32_t n_types;
    sl_functype_t *types;

    uint32_t n_imports;
    module_import_t *imports;

    uint32_t n_funcs, n_imported_funcs; /* imports first in every index space */
    module_func_t *funcs;
    uint32_t n_tables, n_imported_tables;
    module_table_t *tables;
    uint32_t n_memories, n_imported_memories;
    module_memory_t *memories;
    uint32_t n_globals, n_imported_globals;
    module_global_t *globals;

    uint32_t n_exports;
    module_export_t *exports;

    bool has_start;
    uint32_t start;

    uint32_t n_elems;
    module_elem_t *elems;

    bool has_data_count;
    uint32_t data_count;
    uint32_t n_datas;
    module_data_t *datas;

    /* spec: C.refs, the functions that ref.func may name in code (set bits). */
    uint8_t *declared_funcs;

    uint32_t n_code_bodies; /* bodies seen in the code section so far */

    /* Without a data count section, code that names data segments cannot be checked until the
     * data section has been seen: the largest such index + 1, raised by body validators (which
     * may run on several threads), checked when the module is complete. */
    atomic_uint data_index_bound;

    module_name_t *func_names; /* from the "name" section, or NULL */

    struct module_code *code; /* compiled code (jump_table.h), NULL for a decode-only module */
    /* Set with `code` by the layer that made it, so that the module, below the code layer,
     * releases its code without calling up into compile.c. */
    void (*code_release)(struct module_code *code);
};

/* Creates an empty module holding one reference, with wire bytes reserved for `max_size`. */
int module_new(uint64_t max_size, size_t arena_budget, sl_module_t **out);

static inline const sl_functype_t *
module_func_type(const sl_module_t *m, uint32_t func_index)
{
    return &m->types[m->funcs[func_index].type_index];
}

static inline bool
module_func_is_declared(const sl_module_t *m, uint32_t func_index)
{
    return m->declared_funcs && (m->declared_funcs[func_index / 8] >> (func_index % 8)) & 1;
}

/* Adds a function to C.refs; SL_ENOMEM/SL_ELIMIT if the set cannot be allocated. */
int module_declare_func(sl_module_t *m, uint32_t func_index);

#endif
