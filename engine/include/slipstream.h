/* Slipstream engine: the public API of libslipstream.
 *
 * The engine knows nothing of HTTP. Module bytes go in through a stream (any chunking, one byte at a
 * time works), complete function bodies come out through a callback as soon as their last byte is
 * in, and a finished stream yields an immutable, reference-counted module.
 *
 * Threading: a stream is used by one thread at a time. A finished module is immutable and may be
 * read from any thread; sl_module_ref/unref are atomic.
 * Errors: fallible calls return 0 or a negative SL_E* code; the detail (section, byte offset,
 * function index, message) is in an sl_error_t. The library never prints.
 */
#ifndef SLIPSTREAM_H
#define SLIPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------------------------------- */

/* Codes are negative: SL_EMALFORMED is -1, and so on down the rows of errors.def. */
enum sl_error_row_ {
#define ERROR(name, kind, msg, status) SL_ROW_##name,
#include "errors.def"
#undef ERROR
    SL_N_ERRORS_
};
enum {
    SL_OK = 0,
#define ERROR(name, kind, msg, status) SL_##name = -(SL_ROW_##name + 1),
#include "errors.def"
#undef ERROR
};

#define SL_NO_INDEX UINT32_MAX
#define SL_NO_SECTION 0xffu

typedef struct sl_error {
    int code;             /* SL_E*, or 0 when there is no error */
    unsigned section;     /* section id (0..12), or SL_NO_SECTION before/between sections */
    uint64_t offset;      /* byte offset in the module where the error was found */
    uint32_t func_index;  /* function index (imports included) inside a body, else SL_NO_INDEX */
    uint32_t body_offset; /* offset inside that function body, else 0 */
    char message[160];    /* spec-interpreter-like wording, e.g. "type mismatch" */
} sl_error_t;

const char *sl_strerror(int code);  /* default message of a code */
const char *sl_err_name(int code);  /* "SL_EMALFORMED" */
const char *sl_err_kind(int code);  /* "malformed", "invalid", "limit", "internal", ... */
const char *sl_section_name(unsigned id); /* "type", "code", "data count", ... */
/* One-line rendering: "invalid module: type mismatch (code section, function 3, body offset 7,
 * module offset 0x41)". Returns what snprintf returns. */
int sl_error_format(const sl_error_t *err, char *buf, size_t size);

/* ---- limits ---------------------------------------------------------------------------------- */

/* Implementation limits, defaults close to V8's (wasm-limits.h). Exceeding one is SL_ELIMIT. */
typedef struct sl_limits {
    uint64_t max_module_size; /* bytes of the whole module */
    uint32_t max_types;
    uint32_t max_functions;   /* imported + defined */
    uint32_t max_imports;
    uint32_t max_exports;
    uint32_t max_globals;
    uint32_t max_tables;
    uint32_t max_data_segments;
    uint32_t max_elem_segments;
    uint32_t max_table_init;  /* entries in one element segment */
    uint32_t max_params;      /* per function type */
    uint32_t max_results;
    uint32_t max_locals;      /* per function, parameters included */
    uint32_t max_body_size;   /* bytes of one function body */
    uint32_t max_br_table;    /* targets of one br_table */
    uint32_t max_control_depth;
    uint32_t max_operand_stack;
} sl_limits_t;

void sl_limits_init(sl_limits_t *limits);

/* ---- modules --------------------------------------------------------------------------------- */

typedef struct sl_module sl_module_t;

typedef enum sl_extern_kind {
    SL_EXTERN_FUNC = 0,
    SL_EXTERN_TABLE = 1,
    SL_EXTERN_MEMORY = 2,
    SL_EXTERN_GLOBAL = 3,
} sl_extern_kind_t;

typedef struct sl_import_info {
    const char *module; /* not NUL-terminated: use the lengths */
    size_t module_len;
    const char *name;
    size_t name_len;
    sl_extern_kind_t kind;
    uint32_t index; /* index in the kind's index space */
} sl_import_info_t;

typedef struct sl_export_info {
    const char *name; /* not NUL-terminated */
    size_t name_len;
    sl_extern_kind_t kind;
    uint32_t index;
} sl_export_info_t;

sl_module_t *sl_module_ref(sl_module_t *module);
void sl_module_unref(sl_module_t *module); /* accepts NULL; frees on the last reference */

uint32_t sl_module_n_imports(const sl_module_t *module);
uint32_t sl_module_n_exports(const sl_module_t *module);
uint32_t sl_module_n_functions(const sl_module_t *module); /* imported + defined */
uint32_t sl_module_n_imported_functions(const sl_module_t *module);
int sl_module_import(const sl_module_t *module, uint32_t i, sl_import_info_t *out);
int sl_module_export(const sl_module_t *module, uint32_t i, sl_export_info_t *out);
/* Writes the type of function `func_index` as text, e.g. "(i32, i64) -> (f32)". */
int sl_module_func_type_text(const sl_module_t *module, uint32_t func_index, char *buf,
                             size_t size);
/* A function's signature as value types (SL_I32 ...). The arrays point into the module and stay
 * valid while it lives; either may be NULL when its count is 0. */
typedef struct sl_func_sig {
    const uint8_t *params;
    const uint8_t *results;
    uint32_t n_params;
    uint32_t n_results;
} sl_func_sig_t;

/* The signature of function `func_index` (imports first, as in the function index space), which
 * a host needs to provide an import (sl_import_info_t.index of a function import) or to call an
 * export. SL_EARG when there is no such function. */
int sl_module_func_sig(const sl_module_t *module, uint32_t func_index, sl_func_sig_t *out);
/* The function's name from the "name" custom section, or NULL (not NUL-terminated). */
const char *sl_module_func_name(const sl_module_t *module, uint32_t func_index, size_t *len);
/* The module's bytes exactly as received; valid while the module lives. */
const uint8_t *sl_module_wire_bytes(const sl_module_t *module, size_t *size);
/* The top tier's IR of defined function `func_index` (imports first) as text: built from the body,
 * then run through `passes` (comma-separated pass names, "" for the builder's output alone) or,
 * for NULL, the whole pipeline, with the verifier after each pass. *text is malloc'ed and NUL-
 * terminated; the caller frees it. SL_EARG for an import, no such function or an unknown pass.
 * Needs a module whose code section has been read (decoded or compiled); any thread. */
int sl_module_ir_text(const sl_module_t *module, uint32_t func_index, const char *passes,
                      char **text, sl_error_t *err);

/* ---- streaming decoder ----------------------------------------------------------------------- */

typedef struct sl_stream sl_stream_t;

/* A complete function body: `body` points into the module's wire bytes and stays valid while the
 * module lives (take a reference to keep it past the stream). `module` is still being decoded:
 * only what precedes the code section is readable. Called on the feeding thread; a non-zero return
 * ends the stream with that error code, and the consumer may describe it in `err` (a fused
 * compiler's validation error, say); otherwise the stream writes a generic message. */
typedef int (*sl_body_cb)(void *user, sl_module_t *module, uint32_t func_index,
                          const uint8_t *body, size_t size, sl_error_t *err);

/* A section has been decoded (custom sections included). */
typedef void (*sl_section_cb)(void *user, unsigned section_id, uint64_t offset, uint64_t size);
/* The code section has begun: its body count is known, no body has arrived yet. */
typedef void (*sl_code_start_cb)(void *user, uint32_t n_bodies);

typedef struct sl_stream_options {
    const sl_limits_t *limits;  /* NULL: sl_limits_init defaults; copied */
    uint64_t size_hint;         /* expected module size (Content-Length), 0 if unknown */
    bool skip_body_validation;  /* the body consumer validates (a fused compiler) */
    sl_body_cb on_body;
    sl_section_cb on_section;
    sl_code_start_cb on_code_start;
    void *user;
} sl_stream_options_t;

/* Creates a stream. `options` may be NULL. */
int sl_stream_new(const sl_stream_options_t *options, sl_stream_t **out);
/* Feeds the next chunk. After the first error every call returns that error again. */
int sl_stream_feed(sl_stream_t *stream, const void *data, size_t size);
/* Declares the end of input; on success *out holds a new reference to the decoded module. */
int sl_stream_finish(sl_stream_t *stream, sl_module_t **out);
/* Ends the stream with SL_EABORTED (a client went away); later feeds are refused. */
void sl_stream_abort(sl_stream_t *stream);
/* Frees the stream and everything it decoded that nobody else references. Accepts NULL. */
void sl_stream_free(sl_stream_t *stream);
/* The stream's first error, or NULL while there is none. */
const sl_error_t *sl_stream_error(const sl_stream_t *stream);
/* Bytes accepted so far. */
uint64_t sl_stream_offset(const sl_stream_t *stream);

/* The whole-buffer path: the same decoder fed one chunk. `err` may be NULL. */
int sl_module_decode(const void *bytes, size_t size, const sl_stream_options_t *options,
                     sl_module_t **out, sl_error_t *err);


/* ---- runtime: engine, stores, values ----------------------------------------------------------
 *
 * An engine holds what compiled code needs process-wide (executable memory, trap handling) and
 * compiles modules. A store owns runtime objects (instances, functions, tables, memories,
 * globals): they live until the store is freed, as in the spec's store. A store and everything in
 * it is used by one thread at a time; modules and the engine may be shared between threads.
 */

typedef struct sl_engine sl_engine_t;
typedef struct sl_store sl_store_t;
typedef struct sl_instance sl_instance_t;
typedef struct sl_func sl_func_t;
typedef struct sl_table sl_table_t;
typedef struct sl_memory sl_memory_t;
typedef struct sl_global sl_global_t;

/* Value types, as the binary format encodes them. */
enum {
    SL_I32 = 0x7f,
    SL_I64 = 0x7e,
    SL_F32 = 0x7d,
    SL_F64 = 0x7c,
    SL_V128 = 0x7b,
    SL_FUNCREF = 0x70,
    SL_EXTERNREF = 0x6f,
};

/* The text name of a value type ("i32", "i64", "f32", "f64", "v128", "funcref", "externref"),
 * or "?" for any other byte. A static string; any thread. */
const char *sl_valtype_name(uint8_t type);

typedef struct sl_value {
    uint8_t type; /* SL_I32 ... SL_EXTERNREF */
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32; /* bit pattern: NaN payloads survive */
        uint64_t f64;
        uint8_t v128[16];
        sl_func_t *funcref;  /* NULL is ref.null func */
        void *externref;     /* NULL is ref.null extern */
    } of;
} sl_value_t;

/* Traps (traps.def): what running wasm code can end with. */
enum sl_trap_row_ {
#define TRAP(name, msg) SL_TRAP_ROW_##name,
#include "traps.def"
#undef TRAP
    SL_N_TRAPS_
};
enum {
    SL_TRAP_NONE = 0,
#define TRAP(name, msg) SL_TRAP_##name = SL_TRAP_ROW_##name + 1,
#include "traps.def"
#undef TRAP
};

typedef struct sl_trap {
    int code;            /* SL_TRAP_*, 0 if none */
    uint32_t func_index; /* where it happened, if known, else SL_NO_INDEX */
    char message[128];   /* the spec's message, e.g. "integer divide by zero" */
} sl_trap_t;

const char *sl_trap_message(int code);

typedef enum sl_tier {
    SL_TIER_BASELINE = 1, /* single-pass compiler */
    SL_TIER_TOP = 2,      /* optimizing compiler; a function it declines gets baseline code */
} sl_tier_t;

typedef struct sl_engine_options {
    sl_tier_t tier;
    bool lazy;                /* compile each function on its first call */
    uint32_t compile_threads; /* eager compilation: 0 or 1 compiles on the calling thread */
    /* Tier-up budget of each function, in units of about a byte of wasm code run (0: the
     * default, 2^30). A function that spends it asks to be tiered up (sl_module_stats counts the
     * requests until there is an optimizing tier) and starts again with a full budget. */
    uint32_t tier_up_budget;
    /* Generate SSE only, as for a CPU without AVX, even where the CPU has it: for testing the
     * SSE code paths, and for a code cache shared with machines that lack AVX (the engine's
     * code identity then leaves out avx and avx2). */
    bool no_avx;
    /* Bytes of executable memory for every module of the engine together (0: the default,
     * 1 GiB; at most 2 GiB, so all code stays within rel32 reach). Address space only: pages
     * cost memory as code is written. A compile that finds it full fails with SL_ENOSPACE. */
    uint64_t code_space_size;
    /* Bytes of that space one module's code (its functions, jump table and stubs) may take
     * (0: no limit beyond the space). Exceeding it fails the compile with SL_ELIMIT. */
    uint64_t module_code_limit;
} sl_engine_options_t;

/* 0 if this CPU can run generated code, else SL_ENOTSUP with the missing feature named in `why`
 * (may be NULL). sl_engine_new fails with SL_ENOTSUP for the same reason. */
int sl_cpu_check(char *why, size_t size);

/* `options` may be NULL (baseline, eager). Free the engine after every module and store. */
int sl_engine_new(const sl_engine_options_t *options, sl_engine_t **out);
void sl_engine_free(sl_engine_t *engine);
/* What compiled code depends on, as text ("slipstream-VERSION/baseline x86-64 popcnt sse4.1
 * ...", "/top" for SL_TIER_TOP): the engine's version and tier and the CPU features detected at
 * sl_engine_new. Code
 * compiled by one engine is valid for another with the same identity (the code cache keys on
 * it). Returns the length snprintf would; `buf` holds as much as fits. */
size_t sl_engine_code_identity(const sl_engine_t *engine, char *buf, size_t size);

/* A budget on the linear memory committed by all the engine's stores together, `size` bytes (0,
 * the default: none). The engine keeps the committed total in one atomic counter that every
 * memory's creation, growth and release updates, so the budget holds across threads: a memory
 * that would pass it is refused as a store's own limit refuses it (sl_store_limits_t). Lowering
 * it below what is committed frees nothing; new commits fail until enough memory is released.
 * Any thread. */
void sl_engine_set_memory_budget(sl_engine_t *engine, uint64_t size);
/* Bytes of linear memory committed in all the engine's stores now. Any thread. */
uint64_t sl_engine_memory_committed(const sl_engine_t *engine);
/* The code space: bytes in use by live code (freed when the last reference to its module goes)
 * and the space's size. Either pointer may be NULL. Any thread; a snapshot. */
void sl_engine_code_space(sl_engine_t *engine, uint64_t *used, uint64_t *size);

/* Decodes, validates and compiles a whole module. */
int sl_module_compile(sl_engine_t *engine, const void *bytes, size_t size, sl_module_t **out,
                      sl_error_t *err);

/* ---- streaming compilation on a pool of compile threads ------------------------------------
 *
 * For hosts that receive a module in pieces (an HTTP upload): each chunk is decoded on the
 * feeding thread as it arrives and each complete function body becomes a job for the pool, so
 * functions compile while the rest of the module is still on its way. The module is ready once
 * the input has ended and every body has compiled.
 *
 * Ownership: the host creates the pool and frees it after every compilation on it. A compilation
 * is freed by its host (sl_compilation_free, which abandons its remaining jobs if it is not
 * done); jobs keep what they need alive meanwhile.
 * Threading: feed, finish and abort from one thread at a time (the host's I/O thread); the done
 * callback runs on a pool thread or, when everything had compiled already, inside
 * sl_compilation_finish; the other functions from any thread.
 */
typedef struct sl_compile_pool sl_compile_pool_t;
typedef struct sl_compilation sl_compilation_t;

/* `n_threads` compile threads (0 means 1), each with its own compiler. */
int sl_compile_pool_new(sl_engine_t *engine, unsigned n_threads, sl_compile_pool_t **out);
void sl_compile_pool_free(sl_compile_pool_t *pool);

/* Called once when the compilation is done (ready or failed or aborted); read the outcome with
 * sl_compilation_result. It must not free the compilation. */
typedef void (*sl_compilation_done_cb)(void *user, sl_compilation_t *compilation);

typedef struct sl_compilation_options {
    uint64_t size_hint;              /* expected module size (Content-Length), 0 if unknown */
    sl_compilation_done_cb on_done;  /* may be NULL */
    void *user;
} sl_compilation_options_t;

/* When things happened, CLOCK_MONOTONIC nanoseconds (0: not yet), and how many functions had
 * compiled by then: what shows how much compile time the transfer hid. */
typedef struct sl_compilation_timeline {
    uint64_t created_ns;
    uint64_t first_byte_ns;
    uint64_t code_section_start_ns;
    uint64_t last_byte_ns;            /* sl_compilation_finish */
    uint64_t baseline_done_ns;        /* every body compiled (or the compilation failed) */
    uint32_t functions_total;         /* bodies the code section announced */
    uint32_t functions_compiled;
    uint32_t functions_compiled_before_last_byte;
    uint64_t compile_cpu_ns;          /* CPU time of the compile jobs, summed */
} sl_compilation_timeline_t;

int sl_compilation_new(sl_compile_pool_t *pool, const sl_compilation_options_t *options,
                       sl_compilation_t **out);
/* Decodes the next chunk and queues its complete bodies. Returns 0 or the first error (decoding
 * or an earlier compile job's), which every later call returns again. */
int sl_compilation_feed(sl_compilation_t *c, const void *data, size_t size);
/* The input has ended: the compilation is done once its queued bodies have compiled. */
int sl_compilation_finish(sl_compilation_t *c);
/* Gives up (the client went away): queued bodies are skipped; the result is SL_EABORTED. */
void sl_compilation_abort(sl_compilation_t *c);
/* Bodies queued or compiling: for backpressure. */
uint32_t sl_compilation_pending(const sl_compilation_t *c);
/* Blocks until the compilation is done. */
void sl_compilation_wait(sl_compilation_t *c);
/* After done: 0 and a new reference to the module in *out, or the error (in `err`, may be NULL):
 * the one at the lowest module offset when several bodies failed. SL_ESTATE before done. */
int sl_compilation_result(sl_compilation_t *c, sl_module_t **out, sl_error_t *err);
void sl_compilation_timeline(const sl_compilation_t *c, sl_compilation_timeline_t *out);
void sl_compilation_free(sl_compilation_t *c); /* accepts NULL */

/* What compiling a module produced so far (lazy modules grow as functions are first called). */
typedef struct sl_module_stats {
    uint64_t body_bytes;     /* function bodies compiled: the code section's payload */
    uint64_t code_bytes;     /* machine code generated for them */
    uint32_t funcs_compiled;
    uint32_t funcs_defined;
    uint32_t funcs_top;      /* of funcs_compiled, those the top tier compiled (SL_TIER_TOP) */
    uint64_t tier_up_requests; /* budgets spent (see sl_engine_options_t.tier_up_budget) */
} sl_module_stats_t;

void sl_module_stats(const sl_module_t *module, sl_module_stats_t *out);

int sl_store_new(sl_engine_t *engine, sl_store_t **out);
void sl_store_free(sl_store_t *store); /* frees every object of the store; accepts NULL */
/* Makes wasm code running in the store trap with SL_TRAP_INTERRUPTED at its next function entry
 * or loop iteration (or the next call, if none is running). Any thread; async-signal-safe. */
void sl_store_interrupt(sl_store_t *store);
/* Interrupts the store (as above) once `timeout_ns` nanoseconds from now have passed; 0 cancels.
 * Replaces an earlier deadline and drops an interrupt still pending from one. Store's thread. */
int sl_store_set_deadline(sl_store_t *store, uint64_t timeout_ns);

/* What wasm code in one store may allocate (a new store has only the engine's own bounds). 0 in a
 * field: no bound of that kind. */
typedef struct sl_store_limits {
    /* Bytes of linear memory committed by the store's memories together. A memory whose initial
     * size passes it is refused with SL_ELIMIT (sl_instance_new, sl_memory_new); memory.grow past
     * it returns -1. */
    uint64_t max_memory;
    /* Elements of one table, at most 10,000,000 (the engine's own bound). A larger initial size
     * is SL_ELIMIT; table.grow past it returns -1. */
    uint32_t max_table_elems;
} sl_store_limits_t;

/* Sets the store's limits for what it allocates from now on: what it holds already stays, even
 * above them. Store's thread. */
void sl_store_set_limits(sl_store_t *store, const sl_store_limits_t *limits);
/* Bytes of linear memory the store's memories have committed. Store's thread. */
uint64_t sl_store_memory_committed(const sl_store_t *store);

/* ---- runtime: externals ---------------------------------------------------------------------- */

typedef struct sl_extern {
    sl_extern_kind_t kind;
    union {
        sl_func_t *func;
        sl_table_t *table;
        sl_memory_t *memory;
        sl_global_t *global;
    } of;
} sl_extern_t;

/* A host function. It returns 0, or a trap code to make the calling wasm code trap. */
typedef int (*sl_host_cb)(void *env, const sl_value_t *args, sl_value_t *results);

int sl_func_new_host(sl_store_t *store, const uint8_t *params, uint32_t n_params,
                     const uint8_t *results, uint32_t n_results, sl_host_cb cb, void *env,
                     sl_func_t **out);
int sl_global_new(sl_store_t *store, sl_value_t value, bool is_mutable, sl_global_t **out);
int sl_table_new(sl_store_t *store, uint8_t elem_type, uint32_t min, uint32_t max,
                 sl_table_t **out); /* max = UINT32_MAX for none; filled with null */
int sl_memory_new(sl_store_t *store, uint32_t min_pages, uint32_t max_pages,
                  sl_memory_t **out); /* max_pages = UINT32_MAX for none */

void sl_global_get(const sl_global_t *global, sl_value_t *out);
int sl_global_set(sl_global_t *global, sl_value_t value); /* SL_EARG: immutable or mistyped */
uint32_t sl_table_size(const sl_table_t *table);
int sl_table_get(const sl_table_t *table, uint32_t index, sl_value_t *out);
uint8_t *sl_memory_data(const sl_memory_t *memory, uint64_t *size);

/* ---- runtime: instances and calls ------------------------------------------------------------ */

/* Instantiates `module` (compiled by the store's engine) with one extern per import, in the
 * module's import order. Returns SL_ELINK with `err` saying which import does not match, or
 * SL_ETRAP with `trap` filled when a segment or the start function traps (the instance is then
 * not created). `err` and `trap` may be NULL. */
int sl_instance_new(sl_store_t *store, sl_module_t *module, const sl_extern_t *imports,
                    size_t n_imports, sl_instance_t **out, sl_error_t *err, sl_trap_t *trap);
/* Bytes by which the instance's memory has grown past the initial size its module declares (0
 * without a memory): what a host that keeps idle instances may want back. */
uint64_t sl_instance_memory_grown(const sl_instance_t *instance);
/* Looks up an export by name: SL_ENOTFOUND if there is none. */
int sl_instance_export(sl_instance_t *instance, const char *name, size_t name_len,
                       sl_extern_t *out);

/* Calls a function with exactly its parameters, writing its results. Returns 0, SL_ETRAP with
 * `trap` filled (may be NULL), or SL_EARG when the argument or result counts or types differ. */
int sl_func_call(sl_func_t *func, const sl_value_t *args, size_t n_args, sl_value_t *results,
                 size_t n_results, sl_trap_t *trap);

#ifdef __cplusplus
}
#endif

#endif
